use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::catalog::get_marketplace;
use crate::components::errors::ErrorPanel;
use crate::components::layout::urlencode;
use crate::components::product_card::ProductCardView;
use crate::model::Marketplace;

/// `/products`: all data products the viewer may see, filtered by domain and text (both in the URL).
#[component]
pub fn MarketplacePage() -> impl IntoView {
    let query = use_query_map();
    let domain = move || query.read().get("domain");
    let q = move || query.read().get("q");
    let data = Resource::new(move || (domain(), q()), |(d, q)| get_marketplace(d, q));

    view! {
        <Title text="Marketplace"/>
        <div class="flex flex-wrap items-end justify-between gap-4">
            <div>
                <h1 class="text-2xl font-bold tracking-tight">"Marketplace"</h1>
                <p class="mt-1 text-sm text-slate-500">
                    "Published and deprecated data products from every domain."
                </p>
            </div>
            <a
                href="/products/new"
                class="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500"
            >
                "New data product"
            </a>
        </div>
        <Suspense fallback=|| view! { <p class="mt-8 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(market) => view! { <Listing market current_domain=domain() text=q()/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Listing(
    market: Marketplace,
    current_domain: Option<String>,
    text: Option<String>,
) -> impl IntoView {
    // Narrows the cards already on the page as you type; needs the wasm, so it proves hydration.
    let quick = RwSignal::new(String::new());
    let products = market.products;
    let total = products.len();
    let shown = {
        let products = products.clone();
        Memo::new(move |_| {
            quick.with(|needle| products.iter().filter(|c| c.matches(needle)).count())
        })
    };
    let text_for_chips = text.clone();
    let chip = move |slug: Option<String>, label: String| {
        let active = slug == current_domain;
        let mut href = String::from("/products");
        let mut params = Vec::new();
        if let Some(s) = &slug {
            params.push(format!("domain={s}"));
        }
        if let Some(t) = &text_for_chips {
            params.push(format!("q={}", urlencode(t)));
        }
        if !params.is_empty() {
            href.push('?');
            href.push_str(&params.join("&"));
        }
        let class = if active {
            "rounded-full bg-indigo-600 px-3 py-1 text-sm font-medium text-white"
        } else {
            "rounded-full bg-white px-3 py-1 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-200 hover:bg-slate-100"
        };
        view! { <a href=href class=class aria-current=active.then_some("true")>{label}</a> }
    };
    view! {
        <nav class="mt-6 flex flex-wrap gap-2" aria-label="Domains">
            {chip(None, "All domains".to_string())}
            {market
                .domains
                .iter()
                .map(|d| chip(Some(d.slug.clone()), format!("{} ({})", d.name, d.product_count)))
                .collect_view()}
        </nav>
        <div class="mt-6 flex flex-wrap items-center justify-between gap-3">
            <p class="text-sm text-slate-600" data-testid="result-count">
                {move || {
                    let prefix = text.as_ref().map(|t| format!("Results for “{t}”: ")).unwrap_or_default();
                    let n = shown.get();
                    if n == total {
                        format!("{prefix}{total} data products")
                    } else {
                        format!("{prefix}{n} of {total} data products")
                    }
                }}
            </p>
            <label class="flex items-center gap-2 text-sm text-slate-600">
                "Quick filter"
                <input
                    type="text"
                    data-testid="quick-filter"
                    placeholder="narrow this page…"
                    class="rounded-md border border-slate-300 px-2 py-1 text-sm focus:border-indigo-500 focus:outline-none"
                    bind:value=quick
                />
            </label>
        </div>
        {(total == 0)
            .then(|| view! {
                <p class="mt-10 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-500">
                    "No data products match. Try another domain or fewer words."
                </p>
            })}
        <div class="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {products
                .into_iter()
                .map(|card| {
                    let c = card.clone();
                    view! {
                        <div class:hidden=move || quick.with(|needle| !c.matches(needle))>
                            <ProductCardView card/>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}
