use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::catalog::get_home;
use crate::api::catalog::ProductCard;
use crate::components::errors::ErrorPanel;
use crate::components::product_card::ProductCardView;

#[component]
pub fn HomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_home());
    view! {
        <Title text="Data products of Northwind" />
        <section class="rounded-2xl bg-gradient-to-br from-indigo-600 to-violet-600 px-6 py-12 text-white sm:px-12">
            <h1 class="text-3xl font-bold tracking-tight sm:text-4xl">
                "Find data you can trust."
            </h1>
            <p class="mt-3 max-w-2xl text-indigo-100">
                "Every data product here is owned by a domain team, documented, and backed by a contract. "
                "Search, read the docs, and request access with a purpose."
            </p>
            <form action="/products" method="get" role="search" class="mt-6 flex max-w-2xl gap-2">
                <label for="home-search" class="sr-only">
                    "Search"
                </label>
                <input
                    id="home-search"
                    name="q"
                    type="search"
                    placeholder="e.g. orders, revenue, churn"
                    class="flex-1 rounded-md border-0 px-4 py-2.5 text-slate-900 shadow-sm placeholder:text-slate-400 focus:ring-2 focus:ring-white"
                />
                <button class="rounded-md bg-white/15 px-4 py-2.5 font-semibold ring-1 ring-white/30 hover:bg-white/25">
                    "Search"
                </button>
            </form>
        </section>
        <Suspense fallback=|| {
            view! { <p class="mt-8 text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(home) => {
                        view! {
                            <section class="mt-10">
                                <h2 class="text-lg font-semibold">"Domains"</h2>
                                <div class="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
                                    {home
                                        .domains
                                        .into_iter()
                                        .map(|d| {
                                            view! {
                                                <a
                                                    href=format!("/products?domain={}", d.slug)
                                                    class="rounded-xl border border-slate-200 bg-white p-4 shadow-sm hover:border-indigo-300"
                                                    data-domain=d.slug.clone()
                                                >
                                                    <p class="font-semibold text-slate-900">{d.name}</p>
                                                    <p class="mt-1 line-clamp-2 text-sm text-slate-500">
                                                        {d.description}
                                                    </p>
                                                    <p class="mt-2 text-xs font-medium text-indigo-600">
                                                        {d.product_count} " data products"
                                                    </p>
                                                </a>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                            </section>
                            <Row
                                title="Most subscribed"
                                href="/products?sort=subscribed"
                                testid="most-subscribed"
                                cards=home.most_subscribed
                            />
                            <Row
                                title="Trusted: meets every policy"
                                href="/products?compliance=passing&sort=subscribed"
                                testid="trusted"
                                cards=home.trusted
                            />
                            <Row
                                title="Recently published"
                                href="/products?sort=newest"
                                testid="recently-published"
                                cards=home.recently_published
                            />
                            <Row
                                title="Recently updated"
                                href="/products"
                                testid="recently-updated"
                                cards=home.recently_updated
                            />
                            <section class="mt-10 rounded-xl border border-dashed border-slate-300 p-6 text-sm text-slate-600">
                                <h2 class="font-semibold text-slate-900">
                                    "What is a data product?"
                                </h2>
                                <p class="mt-2">
                                    "A data set published by the team that knows it best, with documentation, a schema, "
                                    "a data contract with service levels, and an owner you can ask. You subscribe to one of "
                                    "its output ports; the owners approve your purpose."
                                </p>
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A curated row of cards with a link to the full list.
#[component]
fn Row(
    title: &'static str,
    href: &'static str,
    testid: &'static str,
    cards: Vec<ProductCard>,
) -> impl IntoView {
    (!cards.is_empty()).then(|| view! {
        <section class="mt-10" data-testid=testid>
            <div class="flex items-baseline justify-between">
                <h2 class="text-lg font-semibold">{title}</h2>
                <a href=href class="text-sm font-medium text-indigo-600 hover:text-indigo-500">
                    "See all →"
                </a>
            </div>
            <div class="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                {cards.into_iter().map(|card| view! { <ProductCardView card /> }).collect_view()}
            </div>
        </section>
    })
}
