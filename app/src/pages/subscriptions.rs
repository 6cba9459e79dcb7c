use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::subscriptions::SubscriptionRow;
use crate::api::subscriptions::{get_my_subscriptions, CancelSubscription, RenewSubscription};
use crate::components::errors::ErrorPanel;
use crate::components::forms::{action_error, FormAlert, BUTTON_DANGER, BUTTON_SECONDARY};
use vocabulary::SubscriptionStatus;

/// `/subscriptions`: my teams' subscriptions by status, with renew and cancel.
#[component]
pub fn SubscriptionsPage() -> impl IntoView {
    let cancel = ServerAction::<CancelSubscription>::new();
    let renew = ServerAction::<RenewSubscription>::new();
    let error = Signal::derive(move || {
        action_error(cancel.value())
            .get()
            .or(action_error(renew.value()).get())
    });
    let data = Resource::new(
        move || (cancel.version().get(), renew.version().get()),
        |_| get_my_subscriptions(),
    );
    view! {
        <Title text="My subscriptions" />
        <h1 class="text-2xl font-bold tracking-tight">"My subscriptions"</h1>
        <p class="mt-1 text-sm text-slate-600">"Access your teams have, or have asked for."</p>
        <div class="mt-4">
            <FormAlert error />
        </div>
        <Suspense fallback=|| {
            view! { <p class="mt-6 text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(rows) if rows.is_empty() => {
                        view! {
                            <p class="mt-6 rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">
                                "No subscriptions yet. Find a data product in the "
                                <a href="/products" class="text-indigo-700 underline">
                                    "marketplace"
                                </a> " and request access."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(rows) => {
                        let groups = [
                            (Some(SubscriptionStatus::Requested), "Waiting for approval"),
                            (Some(SubscriptionStatus::Approved), "Active"),
                            (None, "Ended"),
                        ];
                        groups
                            .into_iter()
                            .map(|(key, title)| {
                                let in_group: Vec<SubscriptionRow> = rows
                                    .iter()
                                    .filter(|r| match key {
                                        None => !r.status.is_open(),
                                        Some(k) => r.status == k,
                                    })
                                    .cloned()
                                    .collect();
                                (!in_group.is_empty())
                                    .then(|| {
                                        // One status per group; `None` gathers every ended agreement.
                                        view! {
                                            <section class="mt-8">
                                                <h2 class="text-lg font-semibold">{title}</h2>
                                                <ul class="mt-3 space-y-3">
                                                    {in_group
                                                        .into_iter()
                                                        .map(|r| view! { <Row r cancel renew /> })
                                                        .collect_view()}
                                                </ul>
                                            </section>
                                        }
                                    })
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
fn Row(
    r: SubscriptionRow,
    cancel: ServerAction<CancelSubscription>,
    renew: ServerAction<RenewSubscription>,
) -> impl IntoView {
    let active = r.status == SubscriptionStatus::Approved;
    let open = r.status.is_open();
    view! {
        <li
            class="rounded-xl border border-slate-200 bg-white p-4"
            data-subscription=r.id
            data-status=r.status.as_str()
        >
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div>
                    <p class="font-medium">
                        <a href=r.product_href.clone() class="text-indigo-700 hover:underline">
                            {r.product_name.clone()}
                        </a>
                        " · "
                        {r.port_name.clone()}
                        <span class="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs">
                            {r.status.label()}
                        </span>
                    </p>
                    <p class="text-sm text-slate-600">
                        {r.consumer_team.clone()}
                        {r.consumer_product.clone().map(|(_, n)| format!(" for {n}"))} " · "
                        {r.purpose.clone()}
                    </p>
                    {active
                        .then(|| {
                            view! {
                                <code class="mt-1 block text-xs text-slate-600">
                                    {r.port_location.clone()}
                                </code>
                            }
                        })}
                    <p class="mt-1 text-xs text-slate-500">
                        {r
                            .end_date
                            .map(|d| format!("until {d}"))
                            .unwrap_or_else(|| "no end date".into())}
                        {r.renewal_until.map(|d| format!(" · renewal until {d} requested"))}
                        {(!r.decision_note.is_empty()).then(|| format!(" · {}", r.decision_note))}
                    </p>
                </div>
                <div class="flex flex-wrap items-end gap-2">
                    {active
                        .then(|| {
                            view! {
                                <ActionForm action=renew attr:class="flex items-end gap-2">
                                    <input type="hidden" name="id" value=r.id />
                                    <label class="text-xs text-slate-600">
                                        "Renew until"
                                        <input
                                            type="date"
                                            name="until"
                                            class="block rounded-md border border-slate-300 px-2 py-1 text-sm"
                                        />
                                    </label>
                                    <button class=BUTTON_SECONDARY>"Renew"</button>
                                </ActionForm>
                            }
                        })}
                    {open
                        .then(|| {
                            view! {
                                <ActionForm action=cancel>
                                    <input type="hidden" name="id" value=r.id />
                                    <button class=BUTTON_DANGER>
                                        {if active { "Cancel access" } else { "Withdraw request" }}
                                    </button>
                                </ActionForm>
                            }
                        })}
                </div>
            </div>
        </li>
    }
}
