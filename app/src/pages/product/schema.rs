use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::product_key;
use crate::api::products::get_product_schema;
use crate::api::products::{Column, SchemaObject};
use crate::components::errors::TabError;

/// Schema objects and their properties. `?q=` filters on the server (works without JavaScript); once
/// hydrated, the filter box narrows the rows as you type.
#[component]
pub fn SchemaTab() -> impl IntoView {
    let key = product_key();
    let query = use_query_map();
    let q = move || query.read().get("q").filter(|q| !q.is_empty());
    let data = Resource::new(
        move || (key(), q()),
        |((d, p), q)| get_product_schema(d, p, q),
    );
    let filter = RwSignal::new(String::new());
    view! {
        <form method="get" class="flex items-center gap-2" role="search">
            <label for="schema-filter" class="text-sm text-slate-600">
                "Filter columns"
            </label>
            <input
                id="schema-filter"
                name="q"
                type="search"
                data-testid="schema-filter"
                value=q
                placeholder="name, business name or description"
                class="w-72 rounded-md border border-slate-300 px-2 py-1 text-sm focus:border-indigo-500 focus:outline-none"
                on:input=move |ev| filter.set(event_target_value(&ev))
            />
        </form>
        <Suspense fallback=|| {
            view! { <p class="mt-4 text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <TabError error /> }.into_any(),
                    Ok(objects) if objects.is_empty() => {
                        view! {
                            <p class="mt-6 rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">
                                "No schema yet: the owners have not published a data contract with a schema."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(objects) => {
                        objects
                            .into_iter()
                            .map(|o| view! { <ObjectTable object=o filter /> })
                            .collect_view()
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn matches(c: &Column, needle: &str) -> bool {
    let n = needle.trim().to_lowercase();
    n.is_empty()
        || c.name.to_lowercase().contains(&n)
        || c.business_name
            .as_deref()
            .unwrap_or("")
            .to_lowercase()
            .contains(&n)
        || c.description.to_lowercase().contains(&n)
}

#[component]
fn ObjectTable(object: SchemaObject, filter: RwSignal<String>) -> impl IntoView {
    let total = object.columns.len();
    view! {
        <section class="mt-6" data-object=object.name.clone()>
            <div class="flex flex-wrap items-baseline gap-3">
                <h2 class="text-lg font-semibold">{object.name.clone()}</h2>
                <span class="text-xs text-slate-500">
                    {object.physical_type.clone().unwrap_or_default()} " · " {total}
                    " columns · contract " {object.contract.clone()}
                </span>
            </div>
            {(!object.description.is_empty())
                .then(|| {
                    view! {
                        <p class="mt-1 text-sm text-slate-600">{object.description.clone()}</p>
                    }
                })}
            <div class="mt-3 overflow-x-auto rounded-xl border border-slate-200 bg-white">
                <table class="w-full text-sm">
                    <thead class="bg-slate-50 text-left text-xs uppercase text-slate-500">
                        <tr>
                            <th class="px-3 py-2">"Column"</th>
                            <th class="px-3 py-2">"Type"</th>
                            <th class="px-3 py-2">"Description"</th>
                            <th class="px-3 py-2">"Constraints"</th>
                            <th class="px-3 py-2">"Classification"</th>
                            <th class="px-3 py-2">"Examples"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {object
                            .columns
                            .into_iter()
                            .map(|c| {
                                let probe = c.clone();
                                view! {
                                    <tr
                                        class="border-t border-slate-100 align-top"
                                        class:hidden=move || filter.with(|f| !matches(&probe, f))
                                        data-column=c.name.clone()
                                    >
                                        <td class="px-3 py-2">
                                            <span class="font-mono font-medium">{c.name.clone()}</span>
                                            {c
                                                .business_name
                                                .clone()
                                                .map(|b| {
                                                    view! {
                                                        <span class="block text-xs text-slate-500">{b}</span>
                                                    }
                                                })}
                                        </td>
                                        <td class="px-3 py-2 whitespace-nowrap">
                                            {c.logical_type.clone().unwrap_or_default()}
                                            {c
                                                .physical_type
                                                .clone()
                                                .map(|p| {
                                                    view! {
                                                        <span class="block text-xs text-slate-500">{p}</span>
                                                    }
                                                })}
                                        </td>
                                        <td class="px-3 py-2 text-slate-700">
                                            {c.description.clone()}
                                        </td>
                                        <td class="px-3 py-2">
                                            <div class="flex flex-wrap gap-1 text-xs">
                                                {c
                                                    .primary_key
                                                    .then(|| {
                                                        view! {
                                                            <span class="rounded bg-indigo-50 px-1.5 text-indigo-700">
                                                                "PK"
                                                            </span>
                                                        }
                                                    })}
                                                {c
                                                    .required
                                                    .then(|| {
                                                        view! {
                                                            <span class="rounded bg-slate-100 px-1.5">"required"</span>
                                                        }
                                                    })}
                                                {c
                                                    .unique
                                                    .then(|| {
                                                        view! {
                                                            <span class="rounded bg-slate-100 px-1.5">"unique"</span>
                                                        }
                                                    })}
                                                {c
                                                    .critical
                                                    .then(|| {
                                                        view! {
                                                            <span
                                                                class="rounded bg-amber-50 px-1.5 text-amber-800"
                                                                title="critical data element"
                                                            >
                                                                "CDE"
                                                            </span>
                                                        }
                                                    })}
                                            </div>
                                        </td>
                                        <td class="px-3 py-2 text-xs">
                                            {c
                                                .pii
                                                .then(|| {
                                                    view! {
                                                        <span class="mr-1 rounded bg-rose-50 px-1.5 font-semibold text-rose-700">
                                                            "PII"
                                                        </span>
                                                    }
                                                })} {c.classification.clone().unwrap_or_default()}
                                        </td>
                                        <td class="px-3 py-2 text-xs text-slate-500">
                                            {c.examples.clone()}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
