use leptos::prelude::*;

use super::product_key;
use crate::api::catalog::ProductLink;
use crate::api::products::get_product_ports;
use crate::api::subscriptions::get_lineage;
use crate::components::errors::TabError;

/// Output ports (kind, location, approval mode, contract) and input ports.
#[component]
pub fn PortsTab() -> impl IntoView {
    let key = product_key();
    let data = Resource::new(key, |(d, p)| get_product_ports(d, p));
    // Created with the page's other resource, not inside the Suspense below (hydration pairs them in order).
    let lineage = Resource::new(key, |(d, p)| get_lineage(d, p));
    view! {
        <Suspense fallback=|| {
            view! { <p class="text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let lineage = crate::error::optional(lineage.await);
                match data.await {
                    Err(error) => {
                        // Both awaited here: a boundary created inside a resolved Suspend takes its id at a different
                        // moment on the server than in the browser.
                        view! { <TabError error /> }
                            .into_any()
                    }
                    Ok(ports) => {
                        view! {
                            <h2 class="text-lg font-semibold">"Output ports"</h2>
                            {ports
                                .is_empty()
                                .then(|| {
                                    view! {
                                        <p class="mt-2 text-sm text-slate-500">
                                            "No output ports yet."
                                        </p>
                                    }
                                })}
                            <ul class="mt-3 grid gap-3 lg:grid-cols-2">
                                {ports
                                    .into_iter()
                                    .map(|row| {
                                        view! {
                                            <li
                                                class="rounded-xl border border-slate-200 bg-white p-4"
                                                data-port=row.port.slug.clone()
                                            >
                                                <div class="flex flex-wrap items-center justify-between gap-2">
                                                    <p class="font-medium">{row.port.name.clone()}</p>
                                                    <div class="flex gap-2 text-xs">
                                                        <span class="rounded bg-slate-100 px-2 py-0.5">
                                                            {row.port.kind.label()}
                                                        </span>
                                                        <span
                                                            class="rounded bg-slate-100 px-2 py-0.5"
                                                            data-approval=row.port.approval_mode.as_str()
                                                        >
                                                            {row.port.approval_mode.label()}
                                                        </span>
                                                    </div>
                                                </div>
                                                <code class="mt-2 block break-all rounded bg-slate-50 px-2 py-1 text-xs text-slate-700">
                                                    {row.port.location.clone()}
                                                </code>
                                                {(!row.port.description.is_empty())
                                                    .then(|| {
                                                        view! {
                                                            <p class="mt-2 text-sm text-slate-600">
                                                                {row.port.description.clone()}
                                                            </p>
                                                        }
                                                    })}
                                                <p class="mt-2 text-xs text-slate-500">
                                                    {match row.contract.clone() {
                                                        Some(c) => format!("Data contract: {c}"),
                                                        None => "No data contract on this port".to_string(),
                                                    }}
                                                </p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            {lineage.map(|l| view! { <LineageLists l /> })}
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Input ports (the products this one consumes, through approved subscriptions) and downstream consumers.
#[component]
fn LineageLists(l: crate::api::subscriptions::Lineage) -> impl IntoView {
    let list = |items: Vec<(ProductLink, String)>, empty: &'static str, testid: &'static str| {
        if items.is_empty() {
            view! {
                <p class="mt-2 text-sm text-slate-500" data-testid=testid>
                    {empty}
                </p>
            }
            .into_any()
        } else {
            view! {
                <ul class="mt-2 space-y-1 text-sm" data-testid=testid>
                    {items
                        .into_iter()
                        .map(|(p, port)| {
                            view! {
                                <li>
                                    <a href=p.href() class="text-indigo-700 hover:underline">
                                        {p.name.clone()}
                                    </a>
                                    <span class="text-slate-500">" via " {port}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }
    };
    view! {
        <div class="mt-8 grid gap-6 lg:grid-cols-2">
            <section>
                <h2 class="text-lg font-semibold">"Input ports (upstream)"</h2>
                {list(l.upstream, "This product consumes no other data product.", "input-ports")}
            </section>
            <section>
                <h2 class="text-lg font-semibold">"Consumed by (downstream)"</h2>
                {list(l.downstream, "No data product consumes this one yet.", "downstream")}
            </section>
        </div>
    }
}
