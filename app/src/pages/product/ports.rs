use leptos::prelude::*;

use super::product_key;
use crate::api::products::get_product_ports;
use crate::components::errors::TabError;

/// Output ports (kind, location, approval mode, contract) and input ports.
#[component]
pub fn PortsTab() -> impl IntoView {
    let key = product_key();
    let data = Resource::new(key, |(d, p)| get_product_ports(d, p));
    view! {
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <TabError error/> }.into_any(),
                    Ok(ports) => view! {
                        <h2 class="text-lg font-semibold">"Output ports"</h2>
                        {ports.is_empty().then(|| view! { <p class="mt-2 text-sm text-slate-500">"No output ports yet."</p> })}
                        <ul class="mt-3 grid gap-3 lg:grid-cols-2">
                            {ports.into_iter().map(|row| view! {
                                <li class="rounded-xl border border-slate-200 bg-white p-4" data-port=row.port.slug.clone()>
                                    <div class="flex flex-wrap items-center justify-between gap-2">
                                        <p class="font-medium">{row.port.name.clone()}</p>
                                        <div class="flex gap-2 text-xs">
                                            <span class="rounded bg-slate-100 px-2 py-0.5">{row.port.kind_label.clone()}</span>
                                            <span class="rounded bg-slate-100 px-2 py-0.5" data-approval=row.port.approval_mode.clone()>{row.port.approval_label.clone()}</span>
                                        </div>
                                    </div>
                                    <code class="mt-2 block break-all rounded bg-slate-50 px-2 py-1 text-xs text-slate-700">{row.port.location.clone()}</code>
                                    {(!row.port.description.is_empty()).then(|| view! { <p class="mt-2 text-sm text-slate-600">{row.port.description.clone()}</p> })}
                                    <p class="mt-2 text-xs text-slate-500">
                                        {match row.contract.clone() {
                                            Some(c) => format!("Data contract: {c}"),
                                            None => "No data contract on this port".to_string(),
                                        }}
                                    </p>
                                </li>
                            }).collect_view()}
                        </ul>
                        <h2 class="mt-8 text-lg font-semibold">"Input ports"</h2>
                        <p class="mt-2 text-sm text-slate-500" data-testid="input-ports">
                            "Products this one consumes appear here once it subscribes to their output ports."
                        </p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
