use leptos::prelude::*;
use leptos_meta::Title;

use super::GovernanceNav;
use crate::api::governance::get_governance;
use crate::components::charts::{heat, Sparkline, TrendChart};
use crate::components::errors::ErrorPanel;

/// `/governance`: the mesh-wide score, domains with trends, the domain x policy heat map, the trend.
#[component]
pub fn GovernancePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_governance());
    view! {
        <Title text="Governance" />
        <h1 class="text-2xl font-bold tracking-tight">"Governance"</h1>
        <p class="mb-4 mt-1 text-sm text-slate-600">
            "How every domain meets the global and its own policies, evaluated on every change and nightly."
        </p>
        <GovernanceNav current="/governance" />
        <Suspense fallback=|| {
            view! { <p class="text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(o) => {
                        view! {
                            <div class="grid gap-4 sm:grid-cols-4">
                                <Stat
                                    label="Mesh score"
                                    value=format!("{:.0}", o.mesh_score)
                                    testid="mesh-score"
                                />
                                <Stat
                                    label="Target"
                                    value=format!("{:.0}", o.target)
                                    testid="target"
                                />
                                <Stat
                                    label="Listed products"
                                    value=o.products.to_string()
                                    testid="products"
                                />
                                <Stat
                                    label="Failing blockers"
                                    value=o.blockers.to_string()
                                    testid="blockers"
                                />
                            </div>
                            {(o.pending_waivers > 0)
                                .then(|| {
                                    view! {
                                        <p class="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
                                            {format!(
                                                "{} waiver request(s) wait for a steward. ",
                                                o.pending_waivers,
                                            )}
                                            <a
                                                href="/governance/waivers"
                                                class="font-semibold underline"
                                            >
                                                "Review"
                                            </a>
                                        </p>
                                    }
                                })}
                            <section class="mt-8 rounded-xl border border-slate-200 bg-white p-5">
                                <h2 class="font-semibold">"Mesh compliance, last 30 days"</h2>
                                <TrendChart points=o.trend.clone() target=o.target />
                            </section>
                            <section class="mt-8">
                                <h2 class="text-lg font-semibold">"Domains"</h2>
                                <table class="mt-3 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
                                    <thead class="bg-slate-50 text-left text-xs uppercase text-slate-500">
                                        <tr>
                                            <th class="px-4 py-2">"Domain"</th>
                                            <th class="px-4 py-2">"Score"</th>
                                            <th class="px-4 py-2">"Products"</th>
                                            <th class="px-4 py-2">"Blockers"</th>
                                            <th class="px-4 py-2">"Trend"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {o
                                            .domains
                                            .iter()
                                            .map(|d| {
                                                view! {
                                                    <tr
                                                        class="border-t border-slate-100"
                                                        data-domain=d.slug.clone()
                                                    >
                                                        <td class="px-4 py-2">
                                                            <a
                                                                href=format!("/governance/domains/{}", d.slug)
                                                                class="font-medium text-indigo-700 hover:underline"
                                                            >
                                                                {d.name.clone()}
                                                            </a>
                                                        </td>
                                                        <td class="px-4 py-2">
                                                            <span class=format!(
                                                                "rounded px-2 py-0.5 font-semibold {}",
                                                                heat(d.score),
                                                            )>{format!("{:.0}", d.score)}</span>
                                                        </td>
                                                        <td class="px-4 py-2">{d.products}</td>
                                                        <td class="px-4 py-2">{d.blockers}</td>
                                                        <td class="px-4 py-2">
                                                            <Sparkline values=d.trend.clone() />
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </section>
                            <section class="mt-8">
                                <h2 class="text-lg font-semibold">"Domains × policies"</h2>
                                <p class="text-xs text-slate-500">
                                    "Share of each domain's products that pass the policy (blank: not applicable)."
                                </p>
                                <div class="mt-3 overflow-x-auto rounded-xl border border-slate-200 bg-white">
                                    <table class="text-xs" data-testid="heatmap">
                                        <thead>
                                            <tr>
                                                <th class="sticky left-0 bg-white px-3 py-2 text-left">
                                                    "Domain"
                                                </th>
                                                {o
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
                                                                    {p.domain.clone().map(|d| format!(" · {d}"))}
                                                                </span>
                                                            </th>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {o
                                                .domains
                                                .iter()
                                                .map(|d| {
                                                    view! {
                                                        <tr class="border-t border-slate-100">
                                                            <td class="sticky left-0 bg-white px-3 py-1 font-medium">
                                                                {d.name.clone()}
                                                            </td>
                                                            {d
                                                                .cells
                                                                .iter()
                                                                .map(|c| match c {
                                                                    Some(v) => {
                                                                        view! {
                                                                            <td class=format!(
                                                                                "px-1 py-1 text-center {}",
                                                                                heat(*v),
                                                                            )>{format!("{v:.0}")}</td>
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
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Stat(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="rounded-xl border border-slate-200 bg-white p-4">
            <p class="text-xs uppercase tracking-wide text-slate-500">{label}</p>
            <p class="mt-1 text-3xl font-bold" data-testid=testid>
                {value}
            </p>
        </div>
    }
}
