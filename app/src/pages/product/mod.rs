//! `/products/{domain}/{product}` and its tabs, each with its own URL.
pub mod compliance;
pub mod contract;
pub mod edit;
pub mod overview;
pub mod ports;
pub mod quality;
pub mod schema;
pub mod subscribe;
pub mod versions;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_params_map};

use crate::api::catalog::get_product_page;
use crate::api::catalog::ProductPage;
use crate::components::badges::{KindBadge, StatusBadge, Tag};
use crate::components::errors::ErrorPanel;
use crate::error::AppError;
use vocabulary::ProductStatus;

/// The product page resource, shared with the tabs through context.
pub type PageResource = Resource<Result<ProductPage, AppError>>;

/// The (domain, product) slugs of the current URL.
pub fn product_key() -> impl Fn() -> (String, String) + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        let p = params.read();
        (
            p.get("domain").unwrap_or_default(),
            p.get("product").unwrap_or_default(),
        )
    }
}

#[component]
pub fn ProductShell() -> impl IntoView {
    let key = product_key();
    let page: PageResource =
        Resource::new(key, |(domain, product)| get_product_page(domain, product));
    provide_context(page);
    view! {
        <Suspense fallback=|| {
            view! { <p class="text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        view! {
                            <Header page=page.clone() />
                            <Tabs may_edit=page.may_edit />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
        // Outside the Suspense: refreshing the header (after an edit) must not remount the tab and lose its
        // state. A tab of a product that cannot be shown renders nothing (the error is shown above).
        <div class="mt-6">
            <Outlet />
        </div>
    }
}

#[component]
fn Header(page: ProductPage) -> impl IntoView {
    let card = page.card;
    let updated = card.updated_at.format("%e %b %Y").to_string();
    let status = card.status;
    let subscribe_href = format!("/products/{}/{}/subscribe", card.domain_slug, card.slug);
    view! {
        <Title text=card.name.clone() />
        <nav class="text-sm text-slate-500" aria-label="Breadcrumb">
            <a href="/products" class="hover:text-slate-700">
                "Marketplace"
            </a>
            " / "
            <a href=format!("/products?domain={}", card.domain_slug) class="hover:text-slate-700">
                {card.domain_name.clone()}
            </a>
        </nav>
        {(status == ProductStatus::Deprecated)
            .then(|| {
                let sunset = page.sunset_date.map(|d| d.format("%e %B %Y").to_string());
                view! {
                    <div
                        class="mt-4 rounded-lg border border-orange-200 bg-orange-50 p-4 text-sm text-orange-800"
                        role="status"
                    >
                        <strong>"Deprecated. "</strong>
                        {sunset.map(|d| format!("Sunset on {}. ", d.trim()))}
                        {page
                            .replacement
                            .clone()
                            .map(|r| {
                                view! {
                                    "Use "
                                    <a href=r.href() class="font-semibold underline">
                                        {r.name.clone()}
                                    </a>
                                    " instead."
                                }
                            })}
                    </div>
                }
            })}
        {(status == ProductStatus::Retired)
            .then(|| {
                view! {
                    <div
                        class="mt-4 rounded-lg border border-slate-300 bg-slate-100 p-4 text-sm text-slate-700"
                        role="status"
                    >
                        <strong>"Retired. "</strong>
                        "This data product no longer updates and is kept read-only."
                    </div>
                }
            })}
        <header class="mt-4 flex flex-wrap items-start justify-between gap-6">
            <div class="min-w-0">
                <div class="flex flex-wrap items-center gap-3">
                    <h1 class="text-3xl font-bold tracking-tight">{card.name.clone()}</h1>
                    <StatusBadge status=card.status />
                    <KindBadge kind=card.kind />
                </div>
                <p class="mt-2 max-w-3xl text-slate-600">{card.summary.clone()}</p>
                <div class="mt-3 flex flex-wrap gap-1.5">
                    {card.tags.iter().map(|t| view! { <Tag name=t.clone() /> }).collect_view()}
                </div>
            </div>
            <dl
                class="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4"
                data-testid="product-facts"
            >
                <Fact label="Domain">
                    <a
                        href=format!("/products?domain={}", card.domain_slug)
                        class="text-indigo-700 hover:underline"
                    >
                        {card.domain_name.clone()}
                    </a>
                </Fact>
                <Fact label="Owner team">{card.team_name.clone()}</Fact>
                <Fact label="Version">
                    <span data-testid="product-version">{format!("v{}", card.version)}</span>
                </Fact>
                <Fact label="Updated">{updated}</Fact>
                <Fact label="Subscribers">
                    <span data-testid="subscriber-count">{page.subscribers}</span>
                </Fact>
            </dl>
            {matches!(status, ProductStatus::Published | ProductStatus::Deprecated)
                .then(|| {
                    view! {
                        <a
                            href=subscribe_href.clone()
                            class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500"
                            data-testid="subscribe"
                        >
                            "Subscribe"
                        </a>
                    }
                })}
        </header>
    }
}

#[component]
fn Fact(label: &'static str, children: Children) -> impl IntoView {
    view! {
        <div>
            <dt class="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
            <dd class="font-medium text-slate-900">{children()}</dd>
        </div>
    }
}

#[component]
fn Tabs(may_edit: bool) -> impl IntoView {
    let key = product_key();
    let location = use_location();
    let base = move || {
        let (d, p) = key();
        format!("/products/{d}/{p}")
    };
    let mut tabs = vec![
        ("", "Overview"),
        ("/schema", "Schema"),
        ("/contract", "Contract & SLA"),
        ("/quality", "Quality"),
        ("/ports", "Ports"),
        ("/versions", "Versions"),
    ];
    if may_edit {
        tabs.push(("/edit", "Edit"));
    }
    view! {
        <nav
            class="mt-6 flex gap-1 overflow-x-auto border-b border-slate-200"
            aria-label="Product sections"
        >
            {tabs
                .into_iter()
                .map(|(suffix, label)| {
                    let href = move || format!("{}{suffix}", base());
                    let active = move || location.pathname.get() == href();
                    view! {
                        <a
                            href=href
                            class="-mb-px whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium"
                            class=("border-indigo-600", active)
                            class=("text-indigo-700", active)
                            class=("border-transparent", move || !active())
                            class=("text-slate-600", move || !active())
                            aria-current=move || active().then_some("page")
                            data-tab=label
                        >
                            {label}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
