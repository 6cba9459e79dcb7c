use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::account::{list_tokens, CreateToken, RevokeToken};
use crate::components::errors::ErrorPanel;
use crate::components::forms::{action_error, Field, FormAlert, BUTTON, BUTTON_DANGER};
use vocabulary::TokenState;

/// `/settings/tokens`: personal API tokens for pipelines and scripts.
#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let create_error = action_error(create.value());
    let created = move || create.value().get().and_then(|r| r.ok());
    view! {
        <Title text="API tokens" />
        <h1 class="text-2xl font-bold tracking-tight">"API tokens"</h1>
        <p class="mt-1 max-w-2xl text-sm text-slate-600">
            "Tokens let pipelines and scripts call the API as you: send "
            <code class="rounded bg-slate-100 px-1">"Authorization: Bearer <token>"</code>
            ". A token can do no more than its scopes allow, and no more than you may."
        </p>
        {move || {
            created()
                .map(|t| {
                    view! {
                        <div
                            class="mt-6 rounded-lg border border-emerald-300 bg-emerald-50 p-4"
                            role="status"
                        >
                            <p class="text-sm font-medium text-emerald-900">
                                {format!(
                                    "Token “{}” created. Copy it now: it is not shown again.",
                                    t.name,
                                )}
                            </p>
                            <code
                                class="mt-2 block break-all rounded bg-white px-2 py-1 text-sm"
                                data-testid="new-token"
                            >
                                {t.secret}
                            </code>
                        </div>
                    }
                })
        }}
        <section class="mt-6 rounded-xl border border-slate-200 bg-white p-5">
            <h2 class="font-semibold">"New token"</h2>
            <ActionForm action=create attr:class="mt-4 grid gap-4 sm:grid-cols-[2fr_1fr]">
                <Field
                    label="Name"
                    name="name"
                    placeholder="e.g. nightly quality pipeline"
                    required=true
                    error=create_error
                />
                <Field
                    label="Expires after (days)"
                    name="expires_in_days"
                    kind="number"
                    value="90".to_string()
                    error=create_error
                />
                <fieldset class="sm:col-span-2">
                    <legend class="text-sm font-medium text-slate-700">"Scopes"</legend>
                    <div class="mt-2 flex flex-wrap gap-4 text-sm">
                        <label class="flex items-center gap-2">
                            <input type="checkbox" name="scope_read" checked />
                            "read"
                        </label>
                        <label class="flex items-center gap-2">
                            <input type="checkbox" name="scope_write" />
                            "write"
                        </label>
                        <label class="flex items-center gap-2">
                            <input type="checkbox" name="scope_results" />
                            "results (push quality and SLA results)"
                        </label>
                    </div>
                    {move || {
                        create_error
                            .get()
                            .and_then(|e| e.field("scopes"))
                            .map(|m| {
                                view! {
                                    <p class="mt-1 text-sm text-red-600" data-field-error="scopes">
                                        {m}
                                    </p>
                                }
                            })
                    }}
                </fieldset>
                <div class="sm:col-span-2 flex items-center gap-3">
                    <button class=BUTTON>"Create token"</button>
                    <FormAlert error=Signal::derive(move || {
                        create_error
                            .get()
                            .filter(|e| !matches!(e, crate::error::AppError::Invalid(_)))
                    }) />
                </div>
            </ActionForm>
        </section>
        <Suspense fallback=|| {
            view! { <p class="mt-6 text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(rows) if rows.is_empty() => {
                        view! { <p class="mt-6 text-sm text-slate-500">"No tokens yet."</p> }
                            .into_any()
                    }
                    Ok(rows) => {
                        view! {
                            <table class="mt-6 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
                                <thead class="bg-slate-50 text-left text-xs uppercase text-slate-500">
                                    <tr>
                                        <th class="px-4 py-2">"Name"</th>
                                        <th class="px-4 py-2">"Token"</th>
                                        <th class="px-4 py-2">"Scopes"</th>
                                        <th class="px-4 py-2">"Expires"</th>
                                        <th class="px-4 py-2">"Last used"</th>
                                        <th class="px-4 py-2"></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows
                                        .into_iter()
                                        .map(|t| {
                                            let state = t.state();
                                            view! {
                                                <tr
                                                    class="border-t border-slate-100"
                                                    data-token=t.name.clone()
                                                    data-state=state.as_str()
                                                >
                                                    <td class="px-4 py-2 font-medium">{t.name.clone()}</td>
                                                    <td class="px-4 py-2">
                                                        <code>{t.prefix.clone()} "…"</code>
                                                    </td>
                                                    <td class="px-4 py-2">{t.scopes.clone()}</td>
                                                    <td class="px-4 py-2">
                                                        {t.expires_at.format("%e %b %Y").to_string()}
                                                    </td>
                                                    <td class="px-4 py-2">
                                                        {t
                                                            .last_used_at
                                                            .map(|d| d.format("%e %b %Y %H:%M").to_string())
                                                            .unwrap_or_else(|| "never".into())}
                                                    </td>
                                                    <td class="px-4 py-2 text-right">
                                                        {if state == TokenState::Active {
                                                            view! {
                                                                <ActionForm action=revoke>
                                                                    <input type="hidden" name="id" value=t.id />
                                                                    <button class=BUTTON_DANGER>"Revoke"</button>
                                                                </ActionForm>
                                                            }
                                                                .into_any()
                                                        } else {
                                                            view! {
                                                                <span class="text-xs text-slate-500">{state.as_str()}</span>
                                                            }
                                                                .into_any()
                                                        }}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
