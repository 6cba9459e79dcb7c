use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::products::{get_new_product_options, CreateProduct};
use crate::components::errors::ErrorPanel;
use crate::components::forms::{action_error, Field, FormAlert, BUTTON};
use crate::error::AppError;

/// `/products/new`: a draft product for one of your teams.
#[component]
pub fn NewProductPage() -> impl IntoView {
    let create = ServerAction::<CreateProduct>::new();
    let error = action_error(create.value());
    let options = Resource::new(|| (), |_| get_new_product_options());
    let field = move |name: &'static str| move || error.get().and_then(|e| e.field(name));
    view! {
        <Title text="New data product" />
        <h1 class="text-2xl font-bold tracking-tight">"New data product"</h1>
        <p class="mt-1 text-sm text-slate-600">
            "It starts as a draft, visible to your team only, until you publish it."
        </p>
        <Suspense fallback=|| {
            view! { <p class="mt-6 text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match options.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(o) => {
                        view! {
                            <ActionForm
                                action=create
                                attr:class="mt-6 grid max-w-3xl gap-4 rounded-xl border border-slate-200 bg-white p-6 sm:grid-cols-2"
                                attr:data-testid="new-product"
                            >
                                <div>
                                    <label
                                        for="field-domain"
                                        class="block text-sm font-medium text-slate-700"
                                    >
                                        "Domain"
                                    </label>
                                    <select
                                        id="field-domain"
                                        name="domain"
                                        class="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                                    >
                                        {
                                            let preferred = o.teams.first().map(|t| t.2.clone());
                                            o.domains
                                                .iter()
                                                .map(|(slug, name)| {
                                                    let selected = preferred.as_deref() == Some(slug.as_str());
                                                    view! {
                                                        <option value=slug.clone() selected=selected>
                                                            {name.clone()}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()
                                        }
                                    </select>
                                    <p class="mt-1 text-sm text-red-600">{field("domain")}</p>
                                </div>
                                <div>
                                    <label
                                        for="field-owner_team"
                                        class="block text-sm font-medium text-slate-700"
                                    >
                                        "Owning team"
                                    </label>
                                    <select
                                        id="field-owner_team"
                                        name="owner_team"
                                        class="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                                    >
                                        {o
                                            .teams
                                            .iter()
                                            .map(|(slug, name, domain)| {
                                                view! {
                                                    <option value=slug.clone() data-domain=domain.clone()>
                                                        {name.clone()}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                    <p
                                        class="mt-1 text-sm text-red-600"
                                        data-field-error="owner_team"
                                    >
                                        {field("owner_team")}
                                    </p>
                                </div>
                                <Field label="Name" name="name" required=true error=error />
                                <Field
                                    label="URL name"
                                    name="slug"
                                    hint="lowercase letters, digits and dashes; derived from the name when empty"
                                    error=error
                                />
                                <div class="sm:col-span-2">
                                    <Field
                                        label="Summary"
                                        name="summary"
                                        required=true
                                        hint="one sentence for the marketplace card"
                                        error=error
                                    />
                                </div>
                                <div>
                                    <label
                                        for="field-kind"
                                        class="block text-sm font-medium text-slate-700"
                                    >
                                        "Type"
                                    </label>
                                    <select
                                        id="field-kind"
                                        name="kind"
                                        class="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                                    >
                                        <option value="source-aligned">"Source-aligned"</option>
                                        <option value="aggregate">"Aggregate"</option>
                                        <option value="consumer-aligned">"Consumer-aligned"</option>
                                    </select>
                                </div>
                                <Field
                                    label="Tags"
                                    name="tags"
                                    hint="comma-separated"
                                    error=error
                                />
                                <div class="sm:col-span-2">
                                    <label
                                        for="field-description"
                                        class="block text-sm font-medium text-slate-700"
                                    >
                                        "Documentation (Markdown)"
                                    </label>
                                    <textarea
                                        id="field-description"
                                        name="description"
                                        rows="8"
                                        class="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
                                    ></textarea>
                                </div>
                                <div class="flex items-center gap-3 sm:col-span-2">
                                    <button class=BUTTON>"Create draft"</button>
                                    <FormAlert error=Signal::derive(move || {
                                        error.get().filter(|e| !matches!(e, AppError::Invalid(_)))
                                    }) />
                                </div>
                            </ActionForm>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
