//! `/products`: search with facets. Everything is in the URL (shareable, the back button works). Without
//! JavaScript the search box is a GET form and facets are links; once hydrated it searches as you type.
//!
//! The results (facets, cards, pager) are links and text only, so the server renders them to markup
//! (`components::search_results`) that the page shows as it is: the browser needs neither their data nor
//! their code to hydrate them, and a search as you type fetches the next page of results already rendered.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::api::catalog::search_products;
use crate::api::catalog::ShownHtml;
use crate::components::errors::ErrorPanel;
use crate::components::query;

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
    let data = Resource::new(search, |query| async move {
        search_products(query).await.map(ShownHtml::from)
    });
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
            .map(|(k, v)| view! { <input type="hidden" name=k value=v /> })
            .collect_view()
    };

    view! {
        <Title text="Marketplace" />
        <div class="flex flex-wrap items-end justify-between gap-4">
            <div>
                <h1 class="text-2xl font-bold tracking-tight">"Marketplace"</h1>
                <p class="mt-1 text-sm text-slate-500">
                    "Data products from every domain, owned and documented by the teams that know them."
                </p>
            </div>
            <a
                href="/products/new"
                class="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500"
            >
                "New data product"
            </a>
        </div>
        <form
            action="/products"
            method="get"
            role="search"
            class="mt-6 flex flex-wrap gap-2"
            data-testid="search-form"
        >
            <label for="market-search" class="sr-only">
                "Search data products"
            </label>
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
            <label for="market-sort" class="sr-only">
                "Sort by"
            </label>
            <select
                id="market-sort"
                name="sort"
                on:change=on_sort
                class="rounded-md border border-slate-300 px-2 py-2 text-sm"
            >
                {SORTS
                    .iter()
                    .map(|(v, l)| {
                        view! {
                            <option value=*v selected=move || sort() == *v>
                                {*l}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            {carried}
            <button class="rounded-md bg-slate-800 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700">
                "Search"
            </button>
        </form>
        <Transition fallback=|| {
            view! { <p class="mt-8 text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(ShownHtml(html)) => {
                        view! {
                            <div
                                class="mt-6 grid gap-8 lg:grid-cols-[15rem_1fr]"
                                data-testid="results"
                                inner_html=html
                            ></div>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
