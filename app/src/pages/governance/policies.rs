use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::GovernanceNav;
use crate::api::governance::PolicyRow;
use crate::api::governance::{get_policies, CreatePolicy, UpdatePolicy};
use crate::components::errors::ErrorPanel;
use crate::components::forms::{action_error, Field, FormAlert, BUTTON, BUTTON_SECONDARY};
use crate::error::AppError;
use vocabulary::Severity;

const SELECT: &str = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

/// `/governance/policies`: stewards edit global policies; domain owners add their domain's.
#[component]
pub fn PoliciesPage() -> impl IntoView {
    let create = ServerAction::<CreatePolicy>::new();
    let update = ServerAction::<UpdatePolicy>::new();
    let create_error = action_error(create.value());
    let update_error = action_error(update.value());
    let data = Resource::new(
        move || create.version().get() + update.version().get(),
        |_| get_policies(),
    );
    view! {
        <Title text="Policies" />
        <h1 class="text-2xl font-bold tracking-tight">"Policies"</h1>
        <p class="mb-4 mt-1 text-sm text-slate-600">
            "Global policies apply to every product. A domain's policies add to them and cannot switch one off."
        </p>
        <GovernanceNav current="/governance/policies" />
        <Suspense fallback=|| {
            view! { <p class="text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(page) => {
                        let rules = page.rules.clone();
                        view! {
                            <FormAlert error=update_error />
                            <ul class="space-y-3">
                                {page
                                    .policies
                                    .into_iter()
                                    .map(|p| view! { <PolicyItem p rules=rules.clone() update /> })
                                    .collect_view()}
                            </ul>
                            {(!page.scopes.is_empty())
                                .then(|| {
                                    view! {
                                        <section class="mt-8 rounded-xl border border-slate-200 bg-white p-5">
                                            <h2 class="font-semibold">"New policy"</h2>
                                            <ActionForm
                                                action=create
                                                attr:class="mt-4 grid gap-3 sm:grid-cols-2"
                                                attr:data-testid="new-policy"
                                            >
                                                <div>
                                                    <label
                                                        for="policy-scope"
                                                        class="block text-sm font-medium text-slate-700"
                                                    >
                                                        "Scope"
                                                    </label>
                                                    <select id="policy-scope" name="scope" class=SELECT>
                                                        {page
                                                            .scopes
                                                            .iter()
                                                            .map(|(v, l)| {
                                                                view! { <option value=v.clone()>{l.clone()}</option> }
                                                            })
                                                            .collect_view()}
                                                    </select>
                                                </div>
                                                <Field
                                                    form="policy-"
                                                    label="Key"
                                                    name="key"
                                                    placeholder="e.g. owner-email"
                                                    error=create_error
                                                />
                                                <Field
                                                    form="policy-"
                                                    label="Title"
                                                    name="title"
                                                    error=create_error
                                                />
                                                <div>
                                                    <label
                                                        for="policy-rule"
                                                        class="block text-sm font-medium text-slate-700"
                                                    >
                                                        "Rule"
                                                    </label>
                                                    <select id="policy-rule" name="rule" class=SELECT>
                                                        {page
                                                            .rules
                                                            .iter()
                                                            .map(|(name, title, _)| {
                                                                view! {
                                                                    <option value=name.clone()>{title.clone()}</option>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </select>
                                                </div>
                                                <Field
                                                    form="policy-"
                                                    label="Parameters (JSON)"
                                                    name="params"
                                                    value="{}".to_string()
                                                    hint="e.g. {\"min\": 300}, {\"days\": 7}, {\"tags\": [\"pii\"], \"all\": false}"
                                                    error=create_error
                                                />
                                                <div>
                                                    <label
                                                        for="policy-severity"
                                                        class="block text-sm font-medium text-slate-700"
                                                    >
                                                        "Severity"
                                                    </label>
                                                    <select id="policy-severity" name="severity" class=SELECT>
                                                        {Severity::ALL
                                                            .iter()
                                                            .map(|s| {
                                                                view! {
                                                                    <option value=s.as_str() selected=*s == Severity::Major>
                                                                        {s.label()}
                                                                    </option>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </select>
                                                </div>
                                                <div class="sm:col-span-2">
                                                    <Field
                                                        form="policy-"
                                                        label="Rationale"
                                                        name="rationale"
                                                        error=create_error
                                                    />
                                                </div>
                                                <label class="flex items-center gap-2 text-sm">
                                                    <input type="checkbox" name="enabled" checked />
                                                    "Enabled"
                                                </label>
                                                <div class="flex items-center gap-3 sm:col-span-2">
                                                    <button class=BUTTON>"Add policy"</button>
                                                    <FormAlert error=Signal::derive(move || {
                                                        create_error
                                                            .get()
                                                            .filter(|e| !matches!(e, AppError::Invalid(_)))
                                                    }) />
                                                </div>
                                            </ActionForm>
                                        </section>
                                    }
                                })}
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn PolicyItem(
    p: PolicyRow,
    rules: Vec<(String, String, String)>,
    update: ServerAction<UpdatePolicy>,
) -> impl IntoView {
    let scope = p
        .domain
        .clone()
        .map(|(_, name)| name)
        .unwrap_or_else(|| "Global".into());
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-4" data-policy=p.key.clone()>
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <p class="font-medium">
                    {p.title.clone()}
                    <span class="ml-2 rounded bg-slate-100 px-1.5 text-xs">
                        {p.severity.as_str()}
                    </span>
                    <span class="ml-1 rounded bg-indigo-50 px-1.5 text-xs text-indigo-700">
                        {scope}
                    </span>
                    {(!p.enabled)
                        .then(|| {
                            view! {
                                <span class="ml-1 rounded bg-slate-200 px-1.5 text-xs">
                                    "disabled"
                                </span>
                            }
                        })}
                </p>
                <code class="text-xs text-slate-500">
                    {p.key.clone()} " · " {p.rule.clone()} " " {p.params.clone()}
                </code>
            </div>
            {(!p.rationale.is_empty())
                .then(|| {
                    view! { <p class="mt-1 text-sm text-slate-600">{p.rationale.clone()}</p> }
                })}
            {p
                .may_edit
                .then(|| {
                    view! {
                        <details class="mt-2">
                            <summary class="cursor-pointer text-xs text-indigo-700">"Edit"</summary>
                            <ActionForm action=update attr:class="mt-2 grid gap-2 sm:grid-cols-2">
                                <input type="hidden" name="id" value=p.id />
                                <input
                                    name="title"
                                    value=p.title.clone()
                                    class="rounded-md border border-slate-300 px-2 py-1 text-sm"
                                />
                                <select
                                    name="rule"
                                    class="rounded-md border border-slate-300 px-2 py-1 text-sm"
                                >
                                    {rules
                                        .iter()
                                        .map(|(name, title, _)| {
                                            view! {
                                                <option value=name.clone() selected=*name == p.rule>
                                                    {title.clone()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                                <input
                                    name="params"
                                    value=p.params.clone()
                                    class="rounded-md border border-slate-300 px-2 py-1 font-mono text-sm"
                                />
                                <select
                                    name="severity"
                                    class="rounded-md border border-slate-300 px-2 py-1 text-sm"
                                >
                                    {Severity::ALL
                                        .iter()
                                        .map(|s| {
                                            view! {
                                                <option value=s.as_str() selected=p.severity == *s>
                                                    {s.as_str()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                                <input
                                    name="rationale"
                                    value=p.rationale.clone()
                                    class="rounded-md border border-slate-300 px-2 py-1 text-sm sm:col-span-2"
                                />
                                <label class="flex items-center gap-2 text-sm">
                                    <input type="checkbox" name="enabled" checked=p.enabled />
                                    "Enabled"
                                </label>
                                <button class=BUTTON_SECONDARY>"Save"</button>
                            </ActionForm>
                        </details>
                    }
                })}
        </li>
    }
}
