//! A page of marketplace results rendered to markup on the server (see `pages::marketplace`): facets with their
//! counts, result cards with the matched words marked, the pager, or what to try when nothing matched.
use leptos::prelude::*;

use crate::api::catalog::model::{Facet, SearchHit, SearchPage};
use crate::components::product_card::CardFrame;
use crate::components::query;
use vocabulary::Compliance;

/// The results of a search as markup. `query` is the page's query string; facet and pager links change one
/// part of it.
pub fn results_html(page: SearchPage, query: &str) -> String {
    use leptos::tachys::view::RenderHtml;
    // Under the request's owner (and its arena); the markup is not hydrated, so nothing in it takes an id.
    let owner = Owner::new();
    let query = query.to_owned();
    owner.with(|| view! { <Results page query /> }.to_html())
}

#[component]
fn Results(page: SearchPage, query: String) -> impl IntoView {
    let text = query::get(&query, "q").unwrap_or_default();
    let facets = page.facets.clone();
    let q = query.clone();
    view! {
        <aside aria-label="Filters" class="space-y-5 text-sm">
            {facets
                .into_iter()
                .filter(|f| !f.values.is_empty())
                .map(|f| view! { <FacetList f query=q.clone() /> })
                .collect_view()}
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
            {(page.total == 0)
                .then(|| {
                    view! { <NoResults page=page.clone() query=query.clone() text=text.clone() /> }
                })}
            <div class="mt-4 grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
                {page
                    .hits
                    .clone()
                    .into_iter()
                    .map(|hit| view! { <SearchHitCard hit /> })
                    .collect_view()}
            </div>
            <Pager page=page.page pages=page.pages query=query.clone() />
        </section>
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
            <h2 class="text-xs font-semibold uppercase tracking-wide text-slate-500">
                {f.title.clone()}
            </h2>
            <ul class="mt-2 space-y-1">
                {f
                    .values
                    .into_iter()
                    .map(|v| {
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
                                    <span class="facet-count" data-count=v.count>
                                        {v.count}
                                    </span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(f.more > 0)
                .then(|| {
                    view! {
                        <p class="mt-1 text-xs text-slate-400">{format!("and {} more", f.more)}</p>
                    }
                })}
        </div>
    }
}

#[component]
fn NoResults(page: SearchPage, query: String, text: String) -> impl IntoView {
    let did_you_mean = page.did_you_mean.clone().map(|s| {
        let href = query::set(&query, "q", Some(&s));
        view! {
            <p>
                "Did you mean "
                <a
                    href=href
                    class="font-semibold text-indigo-700 underline"
                    data-testid="did-you-mean"
                >
                    {s.clone()}
                </a> "?"
            </p>
        }
    });
    view! {
        <div
            class="mt-6 space-y-2 rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-600"
            data-testid="no-results"
        >
            <p class="font-medium text-slate-800">
                {if text.is_empty() {
                    "No data products match these filters.".to_string()
                } else {
                    format!("No data products match “{text}” with these filters.")
                }}
            </p>
            {did_you_mean}
            {page
                .without_facet
                .iter()
                .map(|(key, title, n)| {
                    let href = query::without(&query, key);
                    view! {
                        <p>
                            <a
                                href=href
                                class="text-indigo-700 underline"
                                data-remove-facet=key.clone()
                            >
                                {format!("Remove the {} filter", title.to_lowercase())}
                            </a>
                            {format!(" ({n} results)")}
                        </p>
                    }
                })
                .collect_view()}
            {(!text.is_empty())
                .then(|| {
                    view! {
                        <p>
                            <a href=query::set(&query, "q", None) class="text-indigo-700 underline">
                                "Search all data products"
                            </a>
                        </p>
                    }
                })}
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

/// Matched words in a name or summary, marked.
fn marked(segments: Vec<(String, bool)>) -> impl IntoView {
    segments
        .into_iter()
        .map(|(text, hit)| {
            if hit {
                view! { <mark class="rounded bg-amber-100 px-0.5 text-inherit">{text}</mark> }
                    .into_any()
            } else {
                text.into_any()
            }
        })
        .collect_view()
}

/// A search result: the card with the words that matched marked, matched columns and popularity.
#[component]
fn SearchHitCard(hit: SearchHit) -> impl IntoView {
    let columns = (!hit.columns.is_empty()).then(|| {
        view! {
            <p class="mt-2 truncate text-xs text-slate-500" data-testid="matched-columns">
                "Columns: "
                <code>{hit.columns.join(", ")}</code>
            </p>
        }
        .into_any()
    });
    let subscribers = format!(
        "{} subscriber{}",
        hit.subscribers,
        if hit.subscribers == 1 { "" } else { "s" }
    );
    let version = hit.card.version.clone();
    view! {
        <CardFrame
            name=marked(hit.name).into_any()
            summary=marked(hit.summary).into_any()
            detail=columns
            card=hit.card
        >
            <span>"v" {version}</span>
            <span>{subscribers}</span>
            {(hit.compliance == Compliance::Passing)
                .then(|| {
                    view! {
                        <span
                            class="rounded bg-emerald-50 px-1 text-emerald-700"
                            title="Meets every policy"
                        >
                            "trusted"
                        </span>
                    }
                })}
        </CardFrame>
    }
}
