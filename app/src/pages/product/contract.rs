use leptos::prelude::*;

use super::product_key;
use crate::api::products::get_product_contracts;
use crate::api::products::ContractCard;
use crate::components::errors::TabError;
use crate::components::links::UserLink;

/// The data contract(s): SLA as readable cards, terms, price, support; download as ODCS or ODPS.
#[component]
pub fn ContractTab() -> impl IntoView {
    let key = product_key();
    let data = Resource::new(key, |(d, p)| get_product_contracts(d, p));
    view! {
        <Suspense fallback=|| {
            view! { <p class="text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let (d, p) = key();
                match data.await {
                    Err(error) => view! { <TabError error /> }.into_any(),
                    Ok(cards) if cards.is_empty() => {
                        view! {
                            <p class="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">
                                "This data product has no data contract yet."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(cards) => {
                        cards
                            .into_iter()
                            .map(|c| {
                                view! { <Contract card=c domain=d.clone() product=p.clone() /> }
                            })
                            .collect_view()
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Contract(card: ContractCard, domain: String, product: String) -> impl IntoView {
    let base = format!("/api/v1/products/{domain}/{product}");
    view! {
        <article class="mb-8" data-contract=card.odcs_id.clone()>
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <h2 class="text-lg font-semibold">{card.name.clone()}</h2>
                    <p class="text-xs text-slate-500">
                        "ODCS " {card.api_version.clone()} " · id "
                        <code>{card.odcs_id.clone()}</code> " · version " {card.version.clone()}
                        " · " {card.status.clone()}
                        {(!card.ports.is_empty())
                            .then(|| format!(" · served on {}", card.ports.join(", ")))}
                    </p>
                </div>
                <div class="flex gap-2 text-sm">
                    <a
                        href=format!(
                            "{base}/contract?{}",
                            url::form_urlencoded::Serializer::new(String::new())
                                .append_pair("id", &card.odcs_id)
                                .append_pair("format", "yaml")
                                .finish(),
                        )
                        download=format!("{}.odcs.yaml", card.odcs_id)
                        class="rounded-md bg-white px-3 py-1.5 font-semibold text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
                        data-testid="download-odcs"
                    >
                        "Download ODCS YAML"
                    </a>
                    <a
                        href=format!("{base}/odps")
                        download=format!("{product}.odps.yaml")
                        class="rounded-md bg-white px-3 py-1.5 font-semibold text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
                    >
                        "ODPS"
                    </a>
                </div>
            </div>
            <h3 class="mt-6 text-sm font-semibold uppercase tracking-wide text-slate-500">
                "Service levels"
            </h3>
            {if card.sla.is_empty() {
                view! { <p class="mt-2 text-sm text-slate-500">"No service levels declared."</p> }
                    .into_any()
            } else {
                view! {
                    <div class="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                        {card
                            .sla
                            .iter()
                            .map(|s| {
                                view! {
                                    <div
                                        class="rounded-xl border border-slate-200 bg-white p-4"
                                        data-sla=s.property.clone()
                                    >
                                        <p class="text-xs uppercase tracking-wide text-slate-500">
                                            {s.title.clone()}
                                        </p>
                                        <p class="mt-1 text-xl font-semibold text-slate-900">
                                            {s.value.clone()}
                                        </p>
                                        {s
                                            .element
                                            .clone()
                                            .map(|e| {
                                                view! {
                                                    <p class="mt-1 text-xs text-slate-500">
                                                        "on " <code>{e}</code>
                                                    </p>
                                                }
                                            })}
                                        {s
                                            .driver
                                            .clone()
                                            .map(|d| {
                                                view! {
                                                    <p class="text-xs text-slate-500">{d} " driver"</p>
                                                }
                                            })}
                                        {(!s.description.is_empty())
                                            .then(|| {
                                                view! {
                                                    <p class="mt-1 text-xs text-slate-600">
                                                        {s.description.clone()}
                                                    </p>
                                                }
                                            })}
                                    </div>
                                }
                            })
                            .collect_view()}
                    </div>
                }
                    .into_any()
            }}
            <div class="mt-6 grid gap-4 lg:grid-cols-2">
                <div class="rounded-xl border border-slate-200 bg-white p-5 text-sm">
                    <h3 class="font-semibold">"Terms of use"</h3>
                    <dl class="mt-2 space-y-2">
                        <Term label="Purpose" text=card.purpose.clone() />
                        <Term label="Usage" text=card.usage.clone() />
                        <Term label="Limitations" text=card.limitations.clone() />
                        {card.price.clone().map(|p| view! { <Term label="Price" text=p /> })}
                    </dl>
                </div>
                <div class="rounded-xl border border-slate-200 bg-white p-5 text-sm">
                    <h3 class="font-semibold">"Support"</h3>
                    {if card.support.is_empty() {
                        view! { <p class="mt-2 text-slate-500">"No support channel declared."</p> }
                            .into_any()
                    } else {
                        view! {
                            <ul class="mt-2 space-y-1">
                                {card
                                    .support
                                    .iter()
                                    .map(|s| {
                                        view! {
                                            <li data-support=s.channel.clone()>
                                                <UserLink label=s.channel.clone() url=s.url.clone() />
                                                {s.tool.clone().map(|t| format!(" ({t})"))}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                </div>
            </div>
        </article>
    }
}

#[component]
fn Term(label: &'static str, text: String) -> impl IntoView {
    (!text.is_empty()).then(|| {
        view! {
            <div>
                <dt class="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
                <dd class="text-slate-800">{text}</dd>
            </div>
        }
    })
}
