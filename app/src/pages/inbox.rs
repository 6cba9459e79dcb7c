use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::subscriptions::{
    get_inbox, DecideRenewal, DecideRequest, MarkRead, RevokeSubscription,
};
use crate::components::errors::ErrorPanel;
use crate::components::forms::{action_error, FormAlert, BUTTON, BUTTON_DANGER, BUTTON_SECONDARY};
use vocabulary::SubscriptionStatus;

/// `/inbox`: notifications, access requests to decide, and the active subscribers of your products.
#[component]
pub fn InboxPage() -> impl IntoView {
    let decide = ServerAction::<DecideRequest>::new();
    let renewal = ServerAction::<DecideRenewal>::new();
    let revoke = ServerAction::<RevokeSubscription>::new();
    let mark = ServerAction::<MarkRead>::new();
    let error = Signal::derive(move || {
        action_error(decide.value())
            .get()
            .or(action_error(renewal.value()).get())
            .or(action_error(revoke.value()).get())
    });
    let data = Resource::new(
        move || {
            decide.version().get()
                + renewal.version().get()
                + revoke.version().get()
                + mark.version().get()
        },
        |_| get_inbox(),
    );
    view! {
        <Title text="Inbox" />
        <h1 class="text-2xl font-bold tracking-tight">"Inbox"</h1>
        <div class="mt-4">
            <FormAlert error />
        </div>
        <Suspense fallback=|| {
            view! { <p class="mt-6 text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(inbox) => {
                        view! {
                            <div class="mt-6 grid gap-8 lg:grid-cols-[1fr_24rem]">
                                <div class="space-y-8">
                                    <section>
                                        <h2 class="text-lg font-semibold">"Requests to decide"</h2>
                                        {inbox
                                            .pending
                                            .is_empty()
                                            .then(|| {
                                                view! {
                                                    <p class="mt-2 text-sm text-slate-500">
                                                        "Nothing waits for you."
                                                    </p>
                                                }
                                            })}
                                        <ul class="mt-3 space-y-3">
                                            {inbox
                                                .pending
                                                .into_iter()
                                                .map(|r| {
                                                    let renewal_pending = r.status
                                                        == SubscriptionStatus::Approved;
                                                    view! {
                                                        <li
                                                            class="rounded-xl border border-amber-200 bg-white p-4"
                                                            data-request=r.id
                                                        >
                                                            <p class="font-medium">
                                                                {r.consumer_team.clone()} " → "
                                                                <a
                                                                    href=r.product_href.clone()
                                                                    class="text-indigo-700 hover:underline"
                                                                >
                                                                    {r.product_name.clone()}
                                                                </a> " · " {r.port_name.clone()}
                                                            </p>
                                                            <p class="text-sm text-slate-700">
                                                                "“" {r.purpose.clone()} "”"
                                                            </p>
                                                            <p class="text-xs text-slate-500">
                                                                {r.requester.clone().map(|n| format!("asked by {n} · "))}
                                                                {r
                                                                    .consumer_product
                                                                    .clone()
                                                                    .map(|(_, n)| format!("for {n} · "))}
                                                                {if renewal_pending {
                                                                    format!(
                                                                        "renewal until {}",
                                                                        r.renewal_until.map(|d| d.to_string()).unwrap_or_default(),
                                                                    )
                                                                } else {
                                                                    r.end_date
                                                                        .map(|d| format!("until {d}"))
                                                                        .unwrap_or_else(|| "no end date".into())
                                                                }}
                                                            </p>
                                                            {if renewal_pending {
                                                                view! {
                                                                    <div class="mt-3 flex gap-2">
                                                                        <ActionForm action=renewal>
                                                                            <input type="hidden" name="id" value=r.id />
                                                                            <input type="hidden" name="decision" value="approve" />
                                                                            <button class=BUTTON>"Extend"</button>
                                                                        </ActionForm>
                                                                        <ActionForm action=renewal>
                                                                            <input type="hidden" name="id" value=r.id />
                                                                            <input type="hidden" name="decision" value="decline" />
                                                                            <button class=BUTTON_SECONDARY>"Decline"</button>
                                                                        </ActionForm>
                                                                    </div>
                                                                }
                                                                    .into_any()
                                                            } else {
                                                                view! {
                                                                    <ActionForm
                                                                        action=decide
                                                                        attr:class="mt-3 flex flex-wrap items-center gap-2"
                                                                    >
                                                                        <input type="hidden" name="id" value=r.id />
                                                                        <input
                                                                            name="note"
                                                                            placeholder="Note to the requester (needed to reject)"
                                                                            class="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
                                                                        />
                                                                        <button name="decision" value="approve" class=BUTTON>
                                                                            "Approve"
                                                                        </button>
                                                                        <button
                                                                            name="decision"
                                                                            value="reject"
                                                                            class=BUTTON_SECONDARY
                                                                        >
                                                                            "Reject"
                                                                        </button>
                                                                    </ActionForm>
                                                                }
                                                                    .into_any()
                                                            }}
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    </section>
                                    <section>
                                        <h2 class="text-lg font-semibold">
                                            "Active subscribers of your products"
                                        </h2>
                                        {inbox
                                            .active
                                            .is_empty()
                                            .then(|| {
                                                view! {
                                                    <p class="mt-2 text-sm text-slate-500">"None yet."</p>
                                                }
                                            })}
                                        <ul class="mt-3 space-y-2">
                                            {inbox
                                                .active
                                                .into_iter()
                                                .map(|r| {
                                                    view! {
                                                        <li
                                                            class="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm"
                                                            data-subscriber=r.id
                                                        >
                                                            <span>
                                                                <span class="font-medium">{r.consumer_team.clone()}</span>
                                                                " · "
                                                                {r.product_name.clone()}
                                                                " ("
                                                                {r.port_name.clone()}
                                                                ")"
                                                                <span class="block text-xs text-slate-500">
                                                                    {r.purpose.clone()}
                                                                </span>
                                                            </span>
                                                            <ActionForm
                                                                action=revoke
                                                                attr:class="flex items-center gap-2"
                                                            >
                                                                <input type="hidden" name="id" value=r.id />
                                                                <input
                                                                    name="reason"
                                                                    placeholder="Reason"
                                                                    class="w-40 rounded-md border border-slate-300 px-2 py-1 text-xs"
                                                                />
                                                                <button class=BUTTON_DANGER>"Revoke"</button>
                                                            </ActionForm>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    </section>
                                </div>
                                <section>
                                    <div class="flex items-baseline justify-between">
                                        <h2 class="text-lg font-semibold">"Notifications"</h2>
                                        <ActionForm action=mark>
                                            <button class="text-xs text-indigo-700 hover:underline">
                                                "Mark all read"
                                            </button>
                                        </ActionForm>
                                    </div>
                                    {inbox
                                        .notifications
                                        .is_empty()
                                        .then(|| {
                                            view! {
                                                <p class="mt-2 text-sm text-slate-500">
                                                    "No notifications."
                                                </p>
                                            }
                                        })}
                                    <ul class="mt-3 space-y-2">
                                        {inbox
                                            .notifications
                                            .into_iter()
                                            .map(|n| {
                                                view! {
                                                    <li
                                                        class="rounded-lg border border-slate-200 bg-white p-3 text-sm"
                                                        class=("border-indigo-300", !n.read)
                                                        data-notification=n.kind.clone()
                                                        data-read=n.read.to_string()
                                                    >
                                                        <a href=n.link.clone() class="font-medium hover:underline">
                                                            {n.title.clone()}
                                                        </a>
                                                        {(!n.body.is_empty())
                                                            .then(|| {
                                                                view! {
                                                                    <p class="text-xs text-slate-600">{n.body.clone()}</p>
                                                                }
                                                            })}
                                                        <p class="text-xs text-slate-400">
                                                            {n.created_at.format("%e %b %H:%M").to_string()}
                                                        </p>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </section>
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
