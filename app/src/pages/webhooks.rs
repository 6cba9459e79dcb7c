use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::subscriptions::{get_webhooks, CreateWebhook, DeleteWebhook};
use crate::components::errors::ErrorPanel;
use crate::components::forms::{action_error, Field, FormAlert, BUTTON, BUTTON_DANGER};
use crate::error::AppError;

/// `/settings/webhooks`: team owners send subscription events to their provisioning platform.
#[component]
pub fn WebhooksPage() -> impl IntoView {
    let create = ServerAction::<CreateWebhook>::new();
    let delete = ServerAction::<DeleteWebhook>::new();
    let error = action_error(create.value());
    let created = move || create.value().get().and_then(|r| r.ok());
    let data = Resource::new(
        move || (create.version().get(), delete.version().get()),
        |_| get_webhooks(),
    );
    view! {
        <Title text="Webhooks" />
        <h1 class="text-2xl font-bold tracking-tight">"Team webhooks"</h1>
        <p class="mt-1 max-w-3xl text-sm text-slate-600">
            "Agora POSTs CloudEvents 1.0 JSON to your URL when a subscription to (or of) your team changes, signed with "
            <code>"X-Agora-Signature: t=<unix time>,v1=<HMAC-SHA256(secret, \"<t>.<body>\")>"</code>
            " (refuse timestamps more than 5 minutes off, against replays). Internal addresses (loopback, \
            private, link-local) are refused unless the operator allows them. Failed deliveries are retried with \
            backoff. Grant access on " <code>"agora.subscription.approved"</code>
            ", remove it on revoked, expired and cancelled."
        </p>
        {move || {
            created()
                .map(|c| {
                    view! {
                        <div
                            class="mt-4 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm"
                            role="status"
                        >
                            {format!(
                                "Webhook for {} created. Its signing secret (shown once): ",
                                c.url,
                            )}
                            <code data-testid="webhook-secret">{c.secret}</code>
                        </div>
                    }
                })
        }}
        <Suspense fallback=|| {
            view! { <p class="mt-6 text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(w) => {
                        view! {
                            <ActionForm
                                action=create
                                attr:class="mt-6 grid gap-3 rounded-xl border border-slate-200 bg-white p-5 sm:grid-cols-2"
                            >
                                <div>
                                    <label
                                        for="hook-team"
                                        class="block text-sm font-medium text-slate-700"
                                    >
                                        "Team"
                                    </label>
                                    <select
                                        id="hook-team"
                                        name="team"
                                        class="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                                    >
                                        {w
                                            .teams
                                            .iter()
                                            .map(|(slug, name)| {
                                                view! { <option value=slug.clone()>{name.clone()}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                                <Field
                                    form="hook-"
                                    label="URL"
                                    name="url"
                                    placeholder="https://platform.example/agora-events"
                                    error
                                />
                                <div class="sm:col-span-2">
                                    <Field
                                        form="hook-"
                                        label="Event types (space-separated)"
                                        name="event_types"
                                        value="agora.subscription.approved agora.subscription.revoked agora.subscription.expired agora.subscription.cancelled"
                                            .to_string()
                                        hint="agora.subscription.requested|approved|rejected|cancelled|revoked|expired|renewed, agora.product.published, or *"
                                        error
                                    />
                                </div>
                                <div class="flex items-center gap-3 sm:col-span-2">
                                    <button class=BUTTON>"Add webhook"</button>
                                    <FormAlert error=Signal::derive(move || {
                                        error.get().filter(|e| !matches!(e, AppError::Invalid(_)))
                                    }) />
                                </div>
                            </ActionForm>
                            <ul class="mt-6 space-y-4">
                                {w
                                    .hooks
                                    .into_iter()
                                    .map(|h| {
                                        view! {
                                            <li
                                                class="rounded-xl border border-slate-200 bg-white p-5"
                                                data-webhook=h.url.clone()
                                            >
                                                <div class="flex flex-wrap items-center justify-between gap-2">
                                                    <p class="font-medium">
                                                        {h.team.clone()} " → " <code>{h.url.clone()}</code>
                                                    </p>
                                                    <ActionForm action=delete>
                                                        <input type="hidden" name="id" value=h.id />
                                                        <button class=BUTTON_DANGER>"Delete"</button>
                                                    </ActionForm>
                                                </div>
                                                <p class="mt-1 text-xs text-slate-500">
                                                    {h.event_types.join(", ")}
                                                </p>
                                                <table class="mt-3 w-full text-xs">
                                                    <thead class="text-left text-slate-500">
                                                        <tr>
                                                            <th>"Event"</th>
                                                            <th>"Status"</th>
                                                            <th>"HTTP"</th>
                                                            <th>"Attempts"</th>
                                                            <th>"When"</th>
                                                        </tr>
                                                    </thead>
                                                    <tbody>
                                                        {h
                                                            .deliveries
                                                            .into_iter()
                                                            .map(|d| {
                                                                view! {
                                                                    <tr
                                                                        class="border-t border-slate-100"
                                                                        data-delivery=d.status.clone()
                                                                    >
                                                                        <td class="py-1">{d.event_type.clone()}</td>
                                                                        <td>{d.status.clone()}</td>
                                                                        <td>
                                                                            {d
                                                                                .last_status_code
                                                                                .map(|c| c.to_string())
                                                                                .or(d.last_error.clone())
                                                                                .unwrap_or_default()}
                                                                        </td>
                                                                        <td>{d.attempts}</td>
                                                                        <td>{d.created_at.format("%e %b %H:%M:%S").to_string()}</td>
                                                                    </tr>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </tbody>
                                                </table>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
