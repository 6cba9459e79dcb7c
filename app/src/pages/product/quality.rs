use leptos::prelude::*;

use super::product_key;
use crate::api::products::get_product_quality;
use crate::components::errors::TabError;

/// Declared quality rules (results pushed by pipelines join them later).
#[component]
pub fn QualityTab() -> impl IntoView {
    let key = product_key();
    let data = Resource::new(key, |(d, p)| get_product_quality(d, p));
    view! {
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <TabError error/> }.into_any(),
                    Ok(rules) if rules.is_empty() => view! {
                        <p class="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">
                            "No quality rules are declared in the data contract."
                        </p>
                    }
                    .into_any(),
                    Ok(rules) => view! {
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
                                    {rules.into_iter().map(|r| {
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
                                            <tr class="border-t border-slate-100 align-top" data-rule=on.clone()>
                                                <td class="px-3 py-2 font-mono">{on.clone()}</td>
                                                <td class="px-3 py-2">
                                                    <span class="font-medium">{rule}</span>
                                                    {(!r.description.is_empty()).then(|| view! { <span class="block text-xs text-slate-600">{r.description.clone()}</span> })}
                                                    {r.query.clone().map(|q| view! { <code class="mt-1 block whitespace-pre-wrap break-all rounded bg-slate-50 p-1 text-xs">{q}</code> })}
                                                </td>
                                                <td class="px-3 py-2">{r.rule_type.clone()}</td>
                                                <td class="px-3 py-2">{r.dimension.clone().unwrap_or_default()}</td>
                                                <td class="px-3 py-2">{r.severity.clone().unwrap_or_default()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
