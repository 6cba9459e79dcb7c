use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::catalog::get_product_page;
use crate::components::badges::{KindBadge, StatusBadge, Tag};
use crate::components::errors::ErrorPanel;
use crate::model::ProductPage as Page;

/// `/products/{domain}/{product}`.
#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.read();
        (
            p.get("domain").unwrap_or_default(),
            p.get("product").unwrap_or_default(),
        )
    };
    let data = Resource::new(key, |(domain, product)| get_product_page(domain, product));
    view! {
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <ProductView page/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductView(page: Page) -> impl IntoView {
    let card = page.card;
    let updated = card.updated_at.format("%e %b %Y").to_string();
    let status = card.status.clone();
    view! {
        <Title text=card.name.clone()/>
        <nav class="text-sm text-slate-500" aria-label="Breadcrumb">
            <a href="/products" class="hover:text-slate-700">"Marketplace"</a>
            " / "
            <a href=format!("/products?domain={}", card.domain_slug) class="hover:text-slate-700">
                {card.domain_name.clone()}
            </a>
        </nav>
        {(status == "deprecated").then(|| {
            let sunset = page.sunset_date.map(|d| d.format("%e %B %Y").to_string());
            view! {
                <div class="mt-4 rounded-lg border border-orange-200 bg-orange-50 p-4 text-sm text-orange-800" role="status">
                    <strong>"Deprecated. "</strong>
                    {sunset.map(|d| format!("Sunset on {d}. "))}
                    {page.replacement.clone().map(|r| view! {
                        "Use "
                        <a href=r.href() class="font-semibold underline">{r.name.clone()}</a>
                        " instead."
                    })}
                </div>
            }
        })}
        {(status == "retired").then(|| view! {
            <div class="mt-4 rounded-lg border border-slate-300 bg-slate-100 p-4 text-sm text-slate-700" role="status">
                <strong>"Retired. "</strong>
                "This data product no longer updates and is kept read-only."
            </div>
        })}
        <header class="mt-4 flex flex-wrap items-start justify-between gap-6">
            <div class="min-w-0">
                <div class="flex flex-wrap items-center gap-3">
                    <h1 class="text-3xl font-bold tracking-tight">{card.name.clone()}</h1>
                    <StatusBadge status=card.status.clone() label=card.status_label.clone()/>
                    <KindBadge label=card.kind_label.clone()/>
                </div>
                <p class="mt-2 max-w-3xl text-slate-600">{card.summary.clone()}</p>
                <div class="mt-3 flex flex-wrap gap-1.5">
                    {card.tags.iter().map(|t| view! { <Tag name=t.clone()/> }).collect_view()}
                </div>
            </div>
        </header>
        <div class="mt-8 grid gap-8 lg:grid-cols-[1fr_18rem]">
            <div class="min-w-0 space-y-8">
                <section aria-labelledby="docs-heading" class="rounded-xl border border-slate-200 bg-white p-6">
                    <h2 id="docs-heading" class="sr-only">"Documentation"</h2>
                    <div class="prose" inner_html=page.docs_html></div>
                </section>
                <section aria-labelledby="ports-heading">
                    <h2 id="ports-heading" class="text-lg font-semibold">"Output ports"</h2>
                    <ul class="mt-3 space-y-3">
                        {page.ports.into_iter().map(|port| view! {
                            <li class="rounded-xl border border-slate-200 bg-white p-4" data-port=port.slug.clone()>
                                <div class="flex flex-wrap items-center justify-between gap-2">
                                    <p class="font-medium">{port.name}</p>
                                    <div class="flex gap-2 text-xs">
                                        <span class="rounded bg-slate-100 px-2 py-0.5">{port.kind_label}</span>
                                        <span class="rounded bg-slate-100 px-2 py-0.5">{port.approval_label}</span>
                                    </div>
                                </div>
                                <code class="mt-2 block break-all rounded bg-slate-50 px-2 py-1 text-xs text-slate-700">
                                    {port.location}
                                </code>
                                {(!port.description.is_empty()).then(|| view! {
                                    <p class="mt-2 text-sm text-slate-600">{port.description.clone()}</p>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            </div>
            <aside class="space-y-6 text-sm">
                <dl class="rounded-xl border border-slate-200 bg-white p-5">
                    <Fact label="Domain">
                        <a href=format!("/products?domain={}", card.domain_slug) class="text-indigo-700 hover:underline">
                            {card.domain_name.clone()}
                        </a>
                    </Fact>
                    <Fact label="Owner team">{card.team_name.clone()}</Fact>
                    <Fact label="Version">{format!("v{}", card.version)}</Fact>
                    <Fact label="Last updated">{updated}</Fact>
                </dl>
                <div class="rounded-xl border border-slate-200 bg-white p-5">
                    <h2 class="font-semibold">"Owners"</h2>
                    <ul class="mt-3 space-y-2">
                        {page.owners.into_iter().map(|p| view! {
                            <li class="flex items-center gap-2">
                                <span class="grid h-7 w-7 place-items-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-700">
                                    {p.initials()}
                                </span>
                                <span>
                                    <span class="block font-medium">{p.name.clone()}</span>
                                    <a href=format!("mailto:{}", p.email) class="text-xs text-slate-500 hover:underline">{p.email.clone()}</a>
                                </span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            </aside>
        </div>
    }
}

#[component]
fn Fact(label: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="flex justify-between gap-4 border-b border-slate-100 py-2 last:border-0">
            <dt class="text-slate-500">{label}</dt>
            <dd class="text-right font-medium text-slate-900">{children()}</dd>
        </div>
    }
}
