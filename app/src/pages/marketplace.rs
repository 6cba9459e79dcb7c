//! `/products`: search with facets. Everything is in the URL (shareable, the back button works). Without
//! JavaScript the search box is a GET form and facets are links; once hydrated it searches as you type.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::api::catalog::search_products;
use crate::components::errors::ErrorPanel;
use crate::components::product_card::SearchHitCard;
use crate::components::query;
use crate::model::{Facet, SearchPage};

const SORTS: [(&str, &str); 4] = [
    ("relevance", "Best match"),
    ("name", "Name"),
    ("newest", "Newest"),
    ("subscribed", "Most subscribed"),
];

#[component]
pub fn MarketplacePage() -> impl IntoView {
    let location = use_location();
    let search = move || location.search.get();
    let data = Resource::new(search, search_products);
    let text = move || query::get(&search(), "q").unwrap_or_default();
    let sort = move || query::get(&search(), "sort").unwrap_or_else(|| "relevance".into());

    // Search as you type: the URL follows the box after a pause (replacing the history entry while typing).
    let navigate = use_navigate();
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let navigate = navigate.clone();
        let current = location.search.get_untracked();
        let handle = set_timeout_with_handle(
            move || {
                let trimmed = value.trim();
                let to = query::set(&current, "q", (!trimmed.is_empty()).then_some(trimmed));
                navigate(
                    &to,
                    NavigateOptions {
                        replace: true,
                        scroll: false,
                        ..Default::default()
                    },
                );
            },
            std::time::Duration::from_millis(250),
        );
        pending.set_value(handle.ok());
    };
    let navigate_sort = use_navigate();
    let on_sort = move |ev: leptos::ev::Event| {
        let to = query::set(
            &location.search.get_untracked(),
            "sort",
            Some(&event_target_value(&ev)),
        );
        navigate_sort(
            &to,
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    };
    // The facets and page the GET form carries along when submitted without JavaScript.
    let carried = move || {
        query::pairs(&search())
            .into_iter()
            .filter(|(k, _)| k != "q" && k != "sort" && k != "page")
            .map(|(k, v)| view! { <input type="hidden" name=k value=v/> })
            .collect_view()
    };

    view! {
        <Title text="Marketplace"/>
        <div class="flex flex-wrap items-end justify-between gap-4">
            <div>
                <h1 class="text-2xl font-bold tracking-tight">"Marketplace"</h1>
                <p class="mt-1 text-sm text-slate-500">"Data products from every domain, owned and documented by the teams that know them."</p>
            </div>
            <a href="/products/new" class="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500">
                "New data product"
            </a>
        </div>
        <form action="/products" method="get" role="search" class="mt-6 flex flex-wrap gap-2" data-testid="search-form">
            <label for="market-search" class="sr-only">"Search data products"</label>
            <input
                id="market-search"
                name="q"
                type="search"
                autocomplete="off"
                placeholder="Search names, docs, tags, columns, teams…"
                prop:value=text
                on:input=on_input
                class="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
            />
            <label for="market-sort" class="sr-only">"Sort by"</label>
            <select id="market-sort" name="sort" on:change=on_sort class="rounded-md border border-slate-300 px-2 py-2 text-sm">
                {SORTS.iter().map(|(v, l)| view! { <option value=*v selected=move || sort() == *v>{*l}</option> }).collect_view()}
            </select>
            {carried}
            <button class="rounded-md bg-slate-800 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700">"Search"</button>
        </form>
        <Transition fallback=|| view! { <p class="mt-8 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Results page query=search()/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Results(page: SearchPage, query: String) -> impl IntoView {
    let text = query::get(&query, "q").unwrap_or_default();
    let facets = page.facets.clone();
    let q = query.clone();
    view! {
        <div class="mt-6 grid gap-8 lg:grid-cols-[15rem_1fr]">
            <aside aria-label="Filters" class="space-y-5 text-sm">
                {facets.into_iter().filter(|f| !f.values.is_empty()).map(|f| view! { <FacetList f query=q.clone()/> }).collect_view()}
            </aside>
            <section aria-label="Results" class="min-w-0">
                <p class="text-sm text-slate-600" data-testid="result-count" data-total=page.total>
                    {match (page.total, text.is_empty()) {
                        (1, true) => "1 data product".to_string(),
                        (n, true) => format!("{} data products", thousands(n)),
                        (1, false) => format!("1 data product for “{text}”"),
                        (n, false) => format!("{} data products for “{text}”", thousands(n)),
                    }}
                </p>
                {(page.total == 0).then(|| view! { <NoResults page=page.clone() query=query.clone() text=text.clone()/> })}
                <div class="mt-4 grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
                    {page.hits.clone().into_iter().map(|hit| view! { <SearchHitCard hit/> }).collect_view()}
                </div>
                <Pager page=page.page pages=page.pages query=query.clone()/>
            </section>
        </div>
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[component]
fn FacetList(f: Facet, query: String) -> impl IntoView {
    let key = f.key.clone();
    view! {
        <div data-facet=f.key.clone()>
            <h2 class="text-xs font-semibold uppercase tracking-wide text-slate-500">{f.title.clone()}</h2>
            <ul class="mt-2 space-y-1">
                {f.values.into_iter().map(|v| {
                    let href = query::toggle(&query, &key, &v.value);
                    view! {
                        <li>
                            <a
                                href=href
                                class="facet-option"
                                aria-current=v.selected.then_some("true")
                                data-value=v.value.clone()
                                rel="nofollow"
                            >
                                <span class="facet-label">
                                    <span class="facet-box">{v.selected.then_some("✓")}</span>
                                    <span class="truncate">{v.label.clone()}</span>
                                </span>
                                <span class="facet-count" data-count=v.count>{v.count}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(f.more > 0).then(|| view! { <p class="mt-1 text-xs text-slate-400">{format!("and {} more", f.more)}</p> })}
        </div>
    }
}

#[component]
fn NoResults(page: SearchPage, query: String, text: String) -> impl IntoView {
    let did_you_mean = page.did_you_mean.clone().map(|s| {
        let href = query::set(&query, "q", Some(&s));
        view! { <p>"Did you mean " <a href=href class="font-semibold text-indigo-700 underline" data-testid="did-you-mean">{s.clone()}</a> "?"</p> }
    });
    view! {
        <div class="mt-6 space-y-2 rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-600" data-testid="no-results">
            <p class="font-medium text-slate-800">
                {if text.is_empty() { "No data products match these filters.".to_string() } else { format!("No data products match “{text}” with these filters.") }}
            </p>
            {did_you_mean}
            {page.without_facet.iter().map(|(key, title, n)| {
                let href = query::without(&query, key);
                view! { <p><a href=href class="text-indigo-700 underline" data-remove-facet=key.clone()>{format!("Remove the {} filter", title.to_lowercase())}</a> {format!(" ({n} results)")}</p> }
            }).collect_view()}
            {(!text.is_empty()).then(|| view! { <p><a href=query::set(&query, "q", None) class="text-indigo-700 underline">"Search all data products"</a></p> })}
        </div>
    }
}

#[component]
fn Pager(page: usize, pages: usize, query: String) -> impl IntoView {
    if pages <= 1 {
        return ().into_any();
    }
    let link = move |n: usize, label: String| {
        let href = query::set(&query, "page", Some(&n.to_string()));
        let current = n == page;
        view! {
            <a href=href class="pager-link" aria-current=current.then_some("page")>
                {label}
            </a>
        }
    };
    let mut numbers: Vec<usize> = vec![1, page.saturating_sub(1), page, page + 1, pages];
    numbers.retain(|n| *n >= 1 && *n <= pages);
    numbers.sort_unstable();
    numbers.dedup();
    view! {
        <nav aria-label="Pages" class="mt-8 flex flex-wrap items-center gap-2" data-testid="pager">
            {(page > 1).then(|| link(page - 1, "← Previous".into()))}
            {numbers.into_iter().map(|n| link(n, n.to_string())).collect_view()}
            {(page < pages).then(|| link(page + 1, "Next →".into()))}
            <span class="text-xs text-slate-500">{format!("page {page} of {pages}")}</span>
        </nav>
    }
    .into_any()
}
