use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::GovernanceNav;
use crate::api::governance::get_domain_compliance;
use crate::components::charts::{heat, TrendChart};
use crate::components::errors::ErrorPanel;
use vocabulary::Outcome;

/// `/governance/domains/{domain}`: products x policies, failing first, with the owners to contact.
#[component]
pub fn DomainCompliancePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("domain").unwrap_or_default(),
                query
                    .read()
                    .get("page")
                    .and_then(|p| p.parse::<usize>().ok())
                    .unwrap_or(1)
                    .max(1),
            )
        },
        |(domain, page)| get_domain_compliance(domain, page),
    );
    view! {
        <GovernanceNav current="" />
        <Suspense fallback=|| {
            view! { <p class="text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(d) => {
                        view! {
                            <Title text=format!("{} compliance", d.name) />
                            <div class="flex flex-wrap items-end justify-between gap-4">
                                <h1 class="text-2xl font-bold tracking-tight">
                                    {format!("{} compliance", d.name)}
                                </h1>
                                <p class="text-sm">
                                    "Score "
                                    <span
                                        class=format!(
                                            "rounded px-2 py-0.5 font-semibold {}",
                                            heat(d.score),
                                        )
                                        data-testid="domain-score"
                                    >
                                        {format!("{:.0}", d.score)}
                                    </span>
                                </p>
                            </div>
                            {(!d.trend.is_empty())
                                .then(|| {
                                    view! {
                                        <section class="mt-4 rounded-xl border border-slate-200 bg-white p-5">
                                            <TrendChart points=d.trend.clone() target=90.0 />
                                        </section>
                                    }
                                })}
                            <div class="mt-6 overflow-x-auto rounded-xl border border-slate-200 bg-white">
                                <table class="text-xs" data-testid="domain-matrix">
                                    <thead>
                                        <tr>
                                            <th class="sticky left-0 bg-white px-3 py-2 text-left">
                                                "Product"
                                            </th>
                                            <th class="px-2 py-2 text-left">"Score"</th>
                                            {d
                                                .policies
                                                .iter()
                                                .map(|p| {
                                                    view! {
                                                        <th
                                                            class="px-1 py-2 font-medium text-slate-600"
                                                            title=p.title.clone()
                                                        >
                                                            <span class="block w-16 truncate">{p.key.clone()}</span>
                                                            <span class="block text-[10px] text-slate-400">
                                                                {p.severity.as_str()}
                                                            </span>
                                                        </th>
                                                    }
                                                })
                                                .collect_view()}
                                            <th class="px-3 py-2 text-left">"Owners to contact"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {d
                                            .products
                                            .iter()
                                            .map(|r| {
                                                view! {
                                                    <tr
                                                        class="border-t border-slate-100"
                                                        data-product=r.name.clone()
                                                    >
                                                        <td class="sticky left-0 bg-white px-3 py-1">
                                                            <a
                                                                href=r.href.clone()
                                                                class="font-medium text-indigo-700 hover:underline"
                                                            >
                                                                {r.name.clone()}
                                                            </a>
                                                            <span class="block text-[10px] text-slate-500">
                                                                {r.team.clone()}
                                                            </span>
                                                        </td>
                                                        <td class="px-2 py-1">
                                                            <span class=format!(
                                                                "rounded px-1.5 font-semibold {}",
                                                                heat(r.score),
                                                            )>{format!("{:.0}", r.score)}</span>
                                                        </td>
                                                        {r
                                                            .cells
                                                            .iter()
                                                            .map(|c| match c {
                                                                Some(c) => {
                                                                    let (class, mark) = match c.outcome {
                                                                        Outcome::Pass => ("bg-emerald-100 text-emerald-800", "✓"),
                                                                        Outcome::Fail => ("bg-rose-100 text-rose-800", "✗"),
                                                                        Outcome::Waived => ("bg-amber-100 text-amber-800", "W"),
                                                                        Outcome::NotApplicable => ("text-slate-300", "·"),
                                                                    };
                                                                    view! {
                                                                        <td
                                                                            class=format!("px-1 py-1 text-center {class}")
                                                                            title=c.reason.clone()
                                                                            data-outcome=c.outcome.as_str()
                                                                        >
                                                                            {mark}
                                                                        </td>
                                                                    }
                                                                        .into_any()
                                                                }
                                                                None => {
                                                                    view! {
                                                                        <td class="px-1 py-1 text-center text-slate-300">"·"</td>
                                                                    }
                                                                        .into_any()
                                                                }
                                                            })
                                                            .collect_view()}
                                                        <td class="px-3 py-1">
                                                            {r
                                                                .owners
                                                                .iter()
                                                                .map(|(name, email)| {
                                                                    view! {
                                                                        <a
                                                                            href=format!("mailto:{email}")
                                                                            class="mr-2 text-indigo-700 hover:underline"
                                                                        >
                                                                            {name.clone()}
                                                                        </a>
                                                                    }
                                                                })
                                                                .collect_view()}
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <RowPager total=d.total page=d.page per_page=d.per_page />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// "Products 51–100 of 1,000" with links to the neighbouring pages (plain links: works without JavaScript).
#[component]
fn RowPager(total: usize, page: usize, per_page: usize) -> impl IntoView {
    let pages = total.div_ceil(per_page.max(1)).max(1);
    let first = ((page - 1) * per_page + 1).min(total);
    let last = (page * per_page).min(total);
    let link = |n: usize, label: &'static str, rel: &'static str| {
        view! {
            <a
                href=format!("?page={n}")
                rel=rel
                class="rounded border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50"
            >
                {label}
            </a>
        }
    };
    (pages > 1).then(|| {
        view! {
            <nav
                class="mt-3 flex items-center gap-3 text-sm text-slate-600"
                aria-label="Pages"
                data-testid="domain-pager"
            >
                {(page > 1).then(|| link(page - 1, "← Previous", "prev"))}
                <span>{format!("Products {first}–{last} of {total}")}</span>
                {(page < pages).then(|| link(page + 1, "Next →", "next"))}
            </nav>
        }
    })
}
