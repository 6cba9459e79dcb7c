use leptos::form::ActionForm;
use leptos::prelude::*;

use super::product_key;
use crate::api::subscriptions::{get_subscribe_options, RequestAccess};
use crate::components::errors::TabError;
use crate::components::forms::{action_error, FormAlert, BUTTON};
use crate::error::AppError;

/// `/products/{domain}/{product}/subscribe`: choose a port and your team, say why, accept the terms.
#[component]
pub fn SubscribeTab() -> impl IntoView {
    let key = product_key();
    let request = ServerAction::<RequestAccess>::new();
    let error = action_error(request.value());
    let field = move |name: &'static str| move || error.get().and_then(|e| e.field(name));
    let data = Resource::new(key, |(d, p)| get_subscribe_options(d, p));
    view! {
        <Suspense fallback=|| {
            view! { <p class="text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <TabError error /> }.into_any(),
                    Ok(o) => {
                        view! {
                            <section class="max-w-3xl rounded-xl border border-slate-200 bg-white p-6">
                                <h2 class="text-lg font-semibold">
                                    {format!("Request access to {}", o.product_name)}
                                </h2>
                                <ActionForm
                                    action=request
                                    attr:class="mt-4 space-y-4"
                                    attr:data-testid="subscribe"
                                >
                                    <div>
                                        <label
                                            for="sub-port"
                                            class="block text-sm font-medium text-slate-700"
                                        >
                                            "Output port"
                                        </label>
                                        <select
                                            id="sub-port"
                                            name="port_id"
                                            class="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                                        >
                                            {o
                                                .ports
                                                .iter()
                                                .map(|p| {
                                                    view! {
                                                        <option value=p
                                                            .id>
                                                            {format!(
                                                                "{} ({}, {})",
                                                                p.name,
                                                                p.kind.label(),
                                                                p.approval_mode.label().to_lowercase(),
                                                            )}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()}
                                        </select>
                                        <p
                                            class="mt-1 text-sm text-red-600"
                                            data-field-error="port"
                                        >
                                            {field("port")}
                                        </p>
                                    </div>
                                    <div class="grid gap-4 sm:grid-cols-2">
                                        <div>
                                            <label
                                                for="sub-team"
                                                class="block text-sm font-medium text-slate-700"
                                            >
                                                "For team"
                                            </label>
                                            <select
                                                id="sub-team"
                                                name="consumer_team"
                                                class="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                                            >
                                                {o
                                                    .teams
                                                    .iter()
                                                    .map(|(slug, name)| {
                                                        view! { <option value=slug.clone()>{name.clone()}</option> }
                                                    })
                                                    .collect_view()}
                                            </select>
                                            <p class="mt-1 text-sm text-red-600">
                                                {field("consumer_team")}
                                            </p>
                                        </div>
                                        <div>
                                            <label
                                                for="sub-product"
                                                class="block text-sm font-medium text-slate-700"
                                            >
                                                "Used by data product (optional)"
                                            </label>
                                            <select
                                                id="sub-product"
                                                name="consumer_product"
                                                class="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                                            >
                                                <option value="">"(none)"</option>
                                                {o
                                                    .products
                                                    .iter()
                                                    .map(|(r, name)| {
                                                        view! { <option value=r.clone()>{name.clone()}</option> }
                                                    })
                                                    .collect_view()}
                                            </select>
                                            <p class="mt-1 text-sm text-red-600">
                                                {field("consumer_product")}
                                            </p>
                                        </div>
                                    </div>
                                    <div>
                                        <label
                                            for="sub-purpose"
                                            class="block text-sm font-medium text-slate-700"
                                        >
                                            "Purpose"
                                        </label>
                                        <textarea
                                            id="sub-purpose"
                                            name="purpose"
                                            rows="3"
                                            required
                                            placeholder="What will you use the data for?"
                                            class="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
                                        ></textarea>
                                        <p
                                            class="mt-1 text-sm text-red-600"
                                            data-field-error="purpose"
                                        >
                                            {field("purpose")}
                                        </p>
                                    </div>
                                    <div>
                                        <label
                                            for="sub-end"
                                            class="block text-sm font-medium text-slate-700"
                                        >
                                            "Until (optional)"
                                        </label>
                                        <input
                                            id="sub-end"
                                            name="end_date"
                                            type="date"
                                            class="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                                        />
                                        <p class="mt-1 text-sm text-red-600">{field("end_date")}</p>
                                    </div>
                                    <div class="rounded-lg bg-slate-50 p-4 text-sm">
                                        <p class="font-medium">"Terms of use"</p>
                                        <p class="mt-1 text-slate-700">
                                            {if o.usage.is_empty() {
                                                "No specific usage terms.".to_string()
                                            } else {
                                                o.usage.clone()
                                            }}
                                        </p>
                                        {(!o.limitations.is_empty())
                                            .then(|| {
                                                view! {
                                                    <p class="mt-1 text-slate-600">
                                                        "Limitations: " {o.limitations.clone()}
                                                    </p>
                                                }
                                            })}
                                        <label class="mt-3 flex items-center gap-2">
                                            <input type="checkbox" name="accept_terms" />
                                            "I accept the terms of use of this data contract"
                                        </label>
                                        <p
                                            class="mt-1 text-sm text-red-600"
                                            data-field-error="accept_terms"
                                        >
                                            {field("accept_terms")}
                                        </p>
                                    </div>
                                    <div class="flex items-center gap-3">
                                        <button class=BUTTON>"Request access"</button>
                                        <FormAlert error=Signal::derive(move || {
                                            error.get().filter(|e| !matches!(e, AppError::Invalid(_)))
                                        }) />
                                    </div>
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
