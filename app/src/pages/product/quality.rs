use leptos::prelude::*;

use super::product_key;
use crate::api::governance::get_quality_results;
use crate::api::governance::{QualityCheckRow, QualityResults};
use crate::api::products::get_product_quality;
use crate::components::errors::TabError;

/// Declared quality rules (results pushed by pipelines join them later).
#[component]
pub fn QualityTab() -> impl IntoView {
    let key = product_key();
    let data = Resource::new(key, |(d, p)| get_product_quality(d, p));
    let results = Resource::new(key, |(d, p)| get_quality_results(d, p));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                crate::error::optional(results.await).map(|r| view! { <Results r /> })
            })}
        </Suspense>
        <h2 class="mb-2 mt-8 font-semibold">"Declared rules"</h2>
        <Suspense fallback=|| {
            view! { <p class="text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <TabError error /> }.into_any(),
                    Ok(rules) if rules.is_empty() => {
                        view! {
                            <p class="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">
                                "No quality rules are declared in the data contract."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(rules) => {
                        view! {
                            <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white">
                                <table class="w-full text-sm">
                                    <thead class="bg-slate-50 text-left text-xs uppercase text-slate-500">
                                        <tr>
                                            <th class="px-3 py-2">"On"</th>
                                            <th class="px-3 py-2">"Rule"</th>
                                            <th class="px-3 py-2">"Type"</th>
                                            <th class="px-3 py-2">"Dimension"</th>
                                            <th class="px-3 py-2">"Severity"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rules
                                            .into_iter()
                                            .map(|r| {
                                                let on = match &r.property {
                                                    Some(p) => format!("{}.{p}", r.object),
                                                    None => r.object.clone(),
                                                };
                                                let rule = match (&r.metric, &r.operator, &r.threshold) {
                                                    (Some(m), Some(op), Some(t)) => format!("{m} {op} {t}"),
                                                    (Some(m), _, _) => m.clone(),
                                                    (None, Some(op), Some(t)) => format!("query {op} {t}"),
                                                    _ => r.name.clone().unwrap_or_default(),
                                                };
                                                view! {
                                                    <tr
                                                        class="border-t border-slate-100 align-top"
                                                        data-rule=on.clone()
                                                    >
                                                        <td class="px-3 py-2 font-mono">{on.clone()}</td>
                                                        <td class="px-3 py-2">
                                                            <span class="font-medium">{rule}</span>
                                                            {(!r.description.is_empty())
                                                                .then(|| {
                                                                    view! {
                                                                        <span class="block text-xs text-slate-600">
                                                                            {r.description.clone()}
                                                                        </span>
                                                                    }
                                                                })}
                                                            {r
                                                                .query
                                                                .clone()
                                                                .map(|q| {
                                                                    view! {
                                                                        <code class="mt-1 block whitespace-pre-wrap break-all rounded bg-slate-50 p-1 text-xs">
                                                                            {q}
                                                                        </code>
                                                                    }
                                                                })}
                                                        </td>
                                                        <td class="px-3 py-2">{r.rule_type.clone()}</td>
                                                        <td class="px-3 py-2">
                                                            {r.dimension.clone().unwrap_or_default()}
                                                        </td>
                                                        <td class="px-3 py-2">
                                                            {r.severity.clone().unwrap_or_default()}
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn percent(share: Option<f64>, count: usize) -> String {
    match share {
        Some(p) => format!("{p:.1}% of {count}"),
        None => "no measurements".into(),
    }
}

/// What pipelines reported: the share of SLA measurements met, and the latest quality runs with their checks.
#[component]
fn Results(r: QualityResults) -> impl IntoView {
    let badge = |result: &str| match result {
        "passed" => "bg-emerald-100 text-emerald-800",
        "warning" => "bg-amber-100 text-amber-800",
        _ => "bg-rose-100 text-rose-800",
    };
    view! {
        <div class="grid gap-4 sm:grid-cols-2">
            <div class="rounded-xl border border-slate-200 bg-white p-4" data-testid="sla-30">
                <p class="text-xs uppercase text-slate-500">"SLA met, last 30 days"</p>
                <p class="mt-1 text-xl font-semibold">{percent(r.sla_met_30, r.sla_count_30)}</p>
            </div>
            <div class="rounded-xl border border-slate-200 bg-white p-4" data-testid="sla-90">
                <p class="text-xs uppercase text-slate-500">"SLA met, last 90 days"</p>
                <p class="mt-1 text-xl font-semibold">{percent(r.sla_met_90, r.sla_count_90)}</p>
            </div>
        </div>
        <h2 class="mb-2 mt-6 font-semibold">"Latest quality runs"</h2>
        {r
            .runs
            .is_empty()
            .then(|| {
                view! {
                    <p class="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-500">
                        "No pipeline has pushed results yet. POST them to /api/v1/products/{domain}/{product}/quality-results, or run datacontract-cli with --publish."
                    </p>
                }
            })}
        <ul class="space-y-3">
            {r
                .runs
                .into_iter()
                .map(|run| {
                    view! {
                        <li
                            class="rounded-xl border border-slate-200 bg-white p-4"
                            data-run=run.result.clone()
                        >
                            <p class="text-sm">
                                <span class=format!(
                                    "rounded px-1.5 py-0.5 text-xs font-semibold {}",
                                    badge(&run.result),
                                )>{run.result.clone()}</span>
                                " "
                                {format!("{} passed, {} failed", run.passed, run.failed)}
                                <span class="text-xs text-slate-500">
                                    " · " {run.source.clone()} " · "
                                    {run.observed_at.format("%e %b %Y %H:%M UTC").to_string()}
                                </span>
                            </p>
                            <ul class="mt-2 space-y-1 text-xs">
                                {run
                                    .checks
                                    .into_iter()
                                    .map(|QualityCheckRow { name, result, field, details }| {
                                        view! {
                                            <li>
                                                <span class=format!(
                                                    "rounded px-1 {}",
                                                    badge(&result),
                                                )>{result.clone()}</span>
                                                " "
                                                {name}
                                                {field
                                                    .map(|f| {
                                                        view! { <code class="ml-1 text-slate-500">{f}</code> }
                                                    })}
                                                {details
                                                    .map(|d| {
                                                        view! { <span class="block pl-4 text-slate-500">{d}</span> }
                                                    })}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
