use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::GovernanceNav;
use crate::api::governance::{get_waivers, DecideWaiver};
use crate::components::errors::ErrorPanel;
use crate::components::forms::{action_error, FormAlert, BUTTON, BUTTON_SECONDARY};
use vocabulary::WaiverStatus;

/// `/governance/waivers`: the stewards' review queue (stewards and admins only).
#[component]
pub fn WaiversPage() -> impl IntoView {
    let decide = ServerAction::<DecideWaiver>::new();
    let error = action_error(decide.value());
    let data = Resource::new(move || decide.version().get(), |_| get_waivers());
    view! {
        <Title text="Waiver reviews" />
        <h1 class="text-2xl font-bold tracking-tight">"Waiver reviews"</h1>
        <p class="mb-4 mt-1 text-sm text-slate-600">
            "Product teams ask to be excused from a policy until a date. A waived check counts as met until it expires."
        </p>
        <GovernanceNav current="/governance/waivers" />
        <FormAlert error />
        <Suspense fallback=|| {
            view! { <p class="text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(rows) if rows.is_empty() => {
                        view! { <p class="text-sm text-slate-500">"No waiver requests."</p> }
                            .into_any()
                    }
                    Ok(rows) => {
                        view! {
                            <ul class="space-y-3">
                                {rows
                                    .into_iter()
                                    .map(|w| {
                                        view! {
                                            <li
                                                class="rounded-xl border border-slate-200 bg-white p-4"
                                                data-waiver=w.id
                                                data-status=w.status.as_str()
                                            >
                                                <p class="font-medium">
                                                    <a
                                                        href=w.product_href.clone()
                                                        class="text-indigo-700 hover:underline"
                                                    >
                                                        {w.product_name.clone()}
                                                    </a>
                                                    " · "
                                                    {w.policy.clone()}
                                                    <span class="ml-2 rounded bg-slate-100 px-1.5 text-xs">
                                                        {w.status.as_str()}
                                                    </span>
                                                </p>
                                                <p class="mt-1 text-sm text-slate-700">
                                                    "“" {w.justification.clone()} "”"
                                                </p>
                                                <p class="text-xs text-slate-500">
                                                    {w
                                                        .requested_by
                                                        .clone()
                                                        .map(|n| format!("asked by {n} · "))}
                                                    {format!("until {}", w.expires_on)}
                                                    {(!w.decision_note.is_empty())
                                                        .then(|| format!(" · {}", w.decision_note))}
                                                </p>
                                                {(w.status == WaiverStatus::Requested)
                                                    .then(|| {
                                                        view! {
                                                            <ActionForm
                                                                action=decide
                                                                attr:class="mt-3 flex flex-wrap items-center gap-2"
                                                            >
                                                                <input type="hidden" name="id" value=w.id />
                                                                <input
                                                                    name="note"
                                                                    placeholder="Note to the team"
                                                                    class="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
                                                                />
                                                                <button name="decision" value="approve" class=BUTTON>
                                                                    "Approve waiver"
                                                                </button>
                                                                <button name="decision" value="deny" class=BUTTON_SECONDARY>
                                                                    "Deny"
                                                                </button>
                                                            </ActionForm>
                                                        }
                                                    })}
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
