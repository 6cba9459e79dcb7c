use leptos::prelude::*;

use super::product_key;
use crate::api::products::get_product_versions;
use crate::api::products::ChangeRow;
use crate::components::errors::TabError;
use vocabulary::ChangeLevel;

/// Every published version with its summary and the machine diff in words.
#[component]
pub fn VersionsTab() -> impl IntoView {
    let key = product_key();
    let data = Resource::new(key, |(d, p)| get_product_versions(d, p));
    view! {
        <Suspense fallback=|| {
            view! { <p class="text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <TabError error /> }.into_any(),
                    Ok(rows) if rows.is_empty() => {
                        view! {
                            <p class="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">
                                "Not published yet."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(rows) => {
                        view! {
                            <ol class="space-y-4">
                                {rows
                                    .into_iter()
                                    .map(|v| {
                                        view! {
                                            <li
                                                class="rounded-xl border border-slate-200 bg-white p-5"
                                                data-version=v.version.clone()
                                            >
                                                <div class="flex flex-wrap items-baseline justify-between gap-2">
                                                    <p class="text-lg font-semibold">
                                                        {format!("v{}", v.version)}
                                                        {v
                                                            .breaking
                                                            .then(|| {
                                                                view! {
                                                                    <span class="ml-2 rounded bg-rose-50 px-1.5 py-0.5 text-xs font-semibold text-rose-700">
                                                                        "breaking"
                                                                    </span>
                                                                }
                                                            })}
                                                        <span class="ml-2 text-xs font-normal text-slate-500">
                                                            {v.bump.clone()}
                                                        </span>
                                                    </p>
                                                    <p class="text-xs text-slate-500">
                                                        {v.published_at.format("%e %b %Y %H:%M").to_string()}
                                                        {v.published_by.clone().map(|b| format!(" by {b}"))}
                                                    </p>
                                                </div>
                                                <p class="mt-1 text-sm text-slate-700">
                                                    {v.summary.clone()}
                                                </p>
                                                {(!v.changes.is_empty())
                                                    .then(|| view! { <Changes changes=v.changes.clone() /> })}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// A list of classified changes, breaking first.
#[component]
pub fn Changes(changes: Vec<ChangeRow>) -> impl IntoView {
    view! {
        <ul class="mt-3 space-y-1 text-sm">
            {changes
                .into_iter()
                .map(|c| {
                    let colour = match c.level {
                        ChangeLevel::Breaking => "bg-rose-50 text-rose-700",
                        ChangeLevel::Minor => "bg-indigo-50 text-indigo-700",
                        ChangeLevel::Patch => "bg-slate-100 text-slate-600",
                    };
                    view! {
                        <li class="flex items-baseline gap-2" data-change=c.level.as_str()>
                            <span class=format!(
                                "rounded px-1.5 text-xs font-semibold {colour}",
                            )>{c.level.as_str()}</span>
                            <code class="text-xs">{c.path.clone()}</code>
                            <span class="text-slate-700">{c.what.clone()}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
