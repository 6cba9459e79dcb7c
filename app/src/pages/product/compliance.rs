//! The compliance panel of a product's Overview: its score, the checks it fails with the reason and how to fix
//! each, and (for its owners) a request to waive a check until a date.
use leptos::form::ActionForm;
use leptos::prelude::*;

use super::product_key;
use crate::api::governance::{get_product_compliance, RequestWaiver};
use crate::api::governance::{CheckRow, ProductCompliance};
use crate::components::charts::heat;
use crate::components::forms::{action_error, FormAlert, BUTTON_SECONDARY};
use crate::error::AppError;
use vocabulary::{Outcome, Severity};

pub type ComplianceResource = Resource<Result<ProductCompliance, AppError>>;

/// The panel's resource and action, created by the tab itself (not inside its Suspense) so that the server
/// and the browser create them in the same order.
pub fn compliance_resource() -> (ComplianceResource, ServerAction<RequestWaiver>) {
    let key = product_key();
    let request = ServerAction::<RequestWaiver>::new();
    let data = Resource::new(
        move || (key(), request.version().get()),
        |((d, p), _)| get_product_compliance(d, p),
    );
    (data, request)
}

#[component]
pub fn CompliancePanel(
    c: ProductCompliance,
    request: ServerAction<RequestWaiver>,
) -> impl IntoView {
    let error = action_error(request.value());
    let failing: Vec<CheckRow> = c
        .checks
        .iter()
        .filter(|k| k.outcome == Outcome::Fail)
        .cloned()
        .collect();
    let waived: Vec<CheckRow> = c
        .checks
        .iter()
        .filter(|k| k.outcome == Outcome::Waived)
        .cloned()
        .collect();
    let passing = c
        .checks
        .iter()
        .filter(|k| k.outcome == Outcome::Pass)
        .count();
    let product_id = c.product_id;
    let may_request = c.may_request_waiver;
    view! {
        <section
            aria-label="Compliance"
            class="rounded-xl border border-slate-200 bg-white p-5"
            data-testid="compliance"
        >
            <div class="flex items-center justify-between gap-2">
                <h2 class="font-semibold">"Compliance"</h2>
                <span
                    class=format!("rounded-md px-2 py-0.5 text-sm font-semibold {}", heat(c.score))
                    data-score=format!("{:.0}", c.score)
                >
                    {format!("{:.0}%", c.score)}
                </span>
            </div>
            <p class="mt-1 text-xs text-slate-500">
                {format!(
                    "{passing} passed · {} failing · {} waived",
                    failing.len(),
                    waived.len(),
                )}
            </p>
            <ul class="mt-3 space-y-3">
                {failing
                    .into_iter()
                    .map(|k| view! { <FailingCheck k product_id may_request request /> })
                    .collect_view()}
                {waived
                    .into_iter()
                    .map(|k| {
                        view! {
                            <li
                                class="text-xs text-slate-600"
                                data-check=k.key.clone()
                                data-outcome="waived"
                            >
                                <span class="rounded bg-sky-100 px-1 text-sky-800">"waived"</span>
                                " "
                                {k.title.clone()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <FormAlert error />
            {move || {
                request
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|_| {
                        view! {
                            <p
                                class="mt-2 rounded-md bg-emerald-50 px-3 py-2 text-xs text-emerald-800"
                                role="status"
                                data-testid="waiver-requested"
                            >
                                "Waiver requested: a data steward will decide."
                            </p>
                        }
                    })
            }}
        </section>
    }
}

#[component]
fn FailingCheck(
    k: CheckRow,
    product_id: i64,
    may_request: bool,
    request: ServerAction<RequestWaiver>,
) -> impl IntoView {
    let tone = match k.severity {
        Severity::Blocker => "bg-rose-100 text-rose-800",
        Severity::Major => "bg-amber-100 text-amber-800",
        Severity::Minor => "bg-slate-100 text-slate-700",
    };
    let default_until = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    view! {
        <li data-check=k.key.clone() data-outcome="fail">
            <p class="font-medium">
                <span class=format!("mr-1 rounded px-1 text-xs {tone}")>{k.severity.as_str()}</span>
                {k.title.clone()}
                {k
                    .domain_policy
                    .then(|| {
                        view! { <span class="ml-1 text-xs text-slate-500">"(domain policy)"</span> }
                    })}
            </p>
            <p class="text-xs text-slate-600">{k.reason.clone()}</p>
            {(!k.fix_hint.is_empty())
                .then(|| {
                    view! { <p class="text-xs text-indigo-700">"Fix: " {k.fix_hint.clone()}</p> }
                })}
            {may_request
                .then(|| {
                    view! {
                        <details class="mt-1">
                            <summary class="cursor-pointer text-xs text-slate-500">
                                "Request a waiver"
                            </summary>
                            <ActionForm action=request attr:class="mt-2 space-y-2">
                                <input type="hidden" name="product_id" value=product_id />
                                <input type="hidden" name="policy_id" value=k.policy_id />
                                <label class="block text-xs">
                                    "Why"
                                    <textarea
                                        name="justification"
                                        rows="2"
                                        required
                                        class="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
                                    ></textarea>
                                </label>
                                <label class="block text-xs">
                                    "Until"
                                    <input
                                        type="date"
                                        name="expires_on"
                                        value=default_until
                                        required
                                        class="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
                                    />
                                </label>
                                <button class=BUTTON_SECONDARY>"Ask the stewards"</button>
                            </ActionForm>
                        </details>
                    }
                })}
        </li>
    }
}
