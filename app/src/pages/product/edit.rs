use leptos::form::ActionForm;
use leptos::prelude::*;

use super::{product_key, PageResource};
use crate::api::products::EditContext;
use crate::api::products::{
    get_edit_context, AddPort, DeprecateProduct, EditContractTerms, ImportContract, PublishProduct,
    RemovePort, RetireProduct, UpdateProduct,
};
use crate::components::errors::TabError;
use crate::components::forms::{
    action_error, Field, FormAlert, BUTTON, BUTTON_DANGER, BUTTON_SECONDARY,
};
use crate::error::AppError;
use crate::pages::product::versions::Changes;
use vocabulary::ProductKind;

#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateProduct>,
    add_port: ServerAction<AddPort>,
    remove_port: ServerAction<RemovePort>,
    import: ServerAction<ImportContract>,
    terms: ServerAction<EditContractTerms>,
    publish: ServerAction<PublishProduct>,
    deprecate: ServerAction<DeprecateProduct>,
    retire: ServerAction<RetireProduct>,
}

/// `/products/{domain}/{product}/edit`: overview, ports, contract (form or ODCS YAML), publish, lifecycle.
#[component]
pub fn EditTab() -> impl IntoView {
    let key = product_key();
    let actions = Actions {
        update: ServerAction::new(),
        add_port: ServerAction::new(),
        remove_port: ServerAction::new(),
        import: ServerAction::new(),
        terms: ServerAction::new(),
        publish: ServerAction::new(),
        deprecate: ServerAction::new(),
        retire: ServerAction::new(),
    };
    // Every completed submission bumps this, so the page reloads what it shows.
    let changes = move || {
        actions.update.version().get()
            + actions.add_port.version().get()
            + actions.remove_port.version().get()
            + actions.import.version().get()
            + actions.terms.version().get()
            + actions.publish.version().get()
            + actions.deprecate.version().get()
            + actions.retire.version().get()
    };
    let data = Resource::new(
        move || (key(), changes()),
        |((d, p), _)| get_edit_context(d, p),
    );
    // Keep the header (version, status) in step with what was just saved.
    if let Some(page) = use_context::<PageResource>() {
        Effect::new(move |previous: Option<usize>| {
            let now = changes();
            if previous.is_some_and(|p| p != now) {
                page.refetch();
            }
            now
        });
    }
    view! {
        <Suspense fallback=|| {
            view! { <p class="text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <TabError error /> }.into_any(),
                    Ok(ctx) => view! { <Editor ctx actions /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

const TEXTAREA: &str = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm font-mono focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";
const SELECT: &str = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

#[component]
fn Editor(ctx: EditContext, actions: Actions) -> impl IntoView {
    let update_error = action_error(actions.update.value());
    let port_error = action_error(actions.add_port.value());
    let import_error = action_error(actions.import.value());
    let terms_error = action_error(actions.terms.value());
    let publish_error = action_error(actions.publish.value());
    let deprecate_error = action_error(actions.deprecate.value());
    let retire_error = action_error(actions.retire.value());
    let imported = move || actions.import.value().get().and_then(|r| r.ok());
    let id = ctx.id;
    let mut sla_rows = ctx.sla.clone();
    sla_rows.resize(ctx.sla.len() + 2, Default::default());
    let mut support_rows = ctx.support.clone();
    support_rows.resize(ctx.support.len() + 1, Default::default());
    let import_problems = move || match import_error.get() {
        Some(AppError::Invalid(fields)) => fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    let port_items = ctx.ports.clone().into_iter().map(|row| {
        let slug = row.port.slug.clone();
        view! {
            <li
                class="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-slate-200 p-3 text-sm"
                data-edit-port=row.port.slug.clone()
            >
                <span>
                    <span class="font-medium">{row.port.name.clone()}</span>
                    <span class="text-slate-500">
                        " · " {row.port.kind.label()} " · " {row.port.approval_mode.label()}
                    </span>
                    <code class="block text-xs text-slate-600">{row.port.location.clone()}</code>
                </span>
                <ActionForm action=actions.remove_port>
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="slug" value=slug.clone() />
                    <button class=BUTTON_DANGER>"Remove"</button>
                </ActionForm>
            </li>
        }}).collect_view();
    let port_options = ctx
        .ports
        .iter()
        .map(|r| view! { <option value=r.port.slug.clone()>{r.port.name.clone()}</option> })
        .collect_view();
    view! {
        <div class="space-y-8">
            <Section title="Overview" anchor="overview">
                <ActionForm
                    action=actions.update
                    attr:class="grid gap-4 sm:grid-cols-2"
                    attr:data-testid="edit-overview"
                >
                    <input type="hidden" name="id" value=id />
                    <Field
                        label="Name"
                        name="name"
                        value=ctx.name.clone()
                        required=true
                        error=update_error
                    />
                    <div>
                        <label for="field-kind" class="block text-sm font-medium text-slate-700">
                            "Type"
                        </label>
                        <select id="field-kind" name="kind" class=SELECT>
                            {ProductKind::ALL
                                .iter()
                                .map(|k| {
                                    view! {
                                        <option value=k.as_str() selected=ctx.kind == *k>
                                            {k.label()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="sm:col-span-2">
                        <Field
                            label="Summary"
                            name="summary"
                            value=ctx.summary.clone()
                            required=true
                            error=update_error
                        />
                    </div>
                    <div class="sm:col-span-2">
                        <Field
                            label="Tags"
                            name="tags"
                            value=ctx.tags.clone()
                            hint="comma-separated"
                            error=update_error
                        />
                    </div>
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
                            rows="14"
                            class=TEXTAREA
                        >
                            {ctx.description.clone()}
                        </textarea>
                    </div>
                    <div class="flex items-center gap-3 sm:col-span-2">
                        <button class=BUTTON>"Save overview"</button>
                        <FormAlert error=update_error />
                        <Saved
                            action_version=actions.update.version()
                            ok=Signal::derive(move || update_error.get().is_none())
                        />
                    </div>
                </ActionForm>
            </Section>

            <Section title="Output ports" anchor="ports">
                <ul class="space-y-2">{port_items}</ul>
                <ActionForm
                    action=actions.add_port
                    attr:class="mt-4 grid gap-3 sm:grid-cols-3"
                    attr:data-testid="add-port"
                >
                    <input type="hidden" name="id" value=id />
                    <Field
                        form="port-"
                        label="Port id"
                        name="slug"
                        placeholder="warehouse"
                        error=port_error
                    />
                    <Field
                        form="port-"
                        label="Name"
                        name="name"
                        placeholder="Snowflake table"
                        error=port_error
                    />
                    <div>
                        <label for="port-kind" class="block text-sm font-medium text-slate-700">
                            "Kind"
                        </label>
                        <select id="port-kind" name="kind" class=SELECT>
                            {[
                                ("table", "Table"),
                                ("view", "View"),
                                ("topic", "Topic"),
                                ("file", "File"),
                                ("api", "API"),
                            ]
                                .into_iter()
                                .map(|(v, l)| view! { <option value=v>{l}</option> })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="sm:col-span-2">
                        <Field
                            form="port-"
                            label="Location"
                            name="location"
                            placeholder="DB.SCHEMA.TABLE, kafka://…, s3://…, https://…"
                            error=port_error
                        />
                    </div>
                    <div>
                        <label for="port-approval" class="block text-sm font-medium text-slate-700">
                            "Access requests"
                        </label>
                        <select id="port-approval" name="approval_mode" class=SELECT>
                            <option value="manual">"Manual approval"</option>
                            <option value="auto">"Automatic approval"</option>
                        </select>
                    </div>
                    <div class="flex items-center gap-3 sm:col-span-3">
                        <button class=BUTTON_SECONDARY>"Add port"</button>
                        <FormAlert error=Signal::derive(move || {
                            port_error.get().filter(|e| !matches!(e, AppError::Invalid(_)))
                        }) />
                    </div>
                </ActionForm>
            </Section>

            <Section title="Data contract" anchor="contract">
                <ActionForm
                    action=actions.terms
                    attr:class="space-y-4"
                    attr:data-testid="edit-terms"
                >
                    <input type="hidden" name="id" value=id />
                    <div class="grid gap-3 sm:grid-cols-3">
                        <TextArea label="Purpose" name="purpose" value=ctx.purpose.clone() />
                        <TextArea label="Usage" name="usage" value=ctx.usage.clone() />
                        <TextArea
                            label="Limitations"
                            name="limitations"
                            value=ctx.limitations.clone()
                        />
                    </div>
                    <fieldset>
                        <legend class="text-sm font-medium text-slate-700">"Service levels"</legend>
                        <p class="text-xs text-slate-500">
                            "e.g. availability 99.9 percent, latency 1 h, frequency 1 d, retention 2 y, timeToRepair 4 h"
                        </p>
                        <div class="mt-2 space-y-2">
                            {sla_rows
                                .into_iter()
                                .enumerate()
                                .map(|(i, row)| {
                                    view! {
                                        <div class="grid grid-cols-3 gap-2" data-sla-row=i>
                                            <input
                                                name=format!("sla[{i}][property]")
                                                value=row.property
                                                placeholder="property"
                                                class="rounded-md border border-slate-300 px-2 py-1 text-sm"
                                            />
                                            <input
                                                name=format!("sla[{i}][value]")
                                                value=row.value
                                                placeholder="value"
                                                class="rounded-md border border-slate-300 px-2 py-1 text-sm"
                                            />
                                            <input
                                                name=format!("sla[{i}][unit]")
                                                value=row.unit
                                                placeholder="unit"
                                                class="rounded-md border border-slate-300 px-2 py-1 text-sm"
                                            />
                                        </div>
                                    }
                                })
                                .collect_view()}
                        </div>
                    </fieldset>
                    <fieldset>
                        <legend class="text-sm font-medium text-slate-700">
                            "Support channels"
                        </legend>
                        <div class="mt-2 space-y-2">
                            {support_rows
                                .into_iter()
                                .enumerate()
                                .map(|(i, row)| {
                                    view! {
                                        <div class="grid grid-cols-2 gap-2">
                                            <input
                                                name=format!("support[{i}][channel]")
                                                value=row.channel
                                                placeholder="#team-channel or email"
                                                class="rounded-md border border-slate-300 px-2 py-1 text-sm"
                                            />
                                            <input
                                                name=format!("support[{i}][url]")
                                                value=row.url
                                                placeholder="https://… or mailto:…"
                                                class="rounded-md border border-slate-300 px-2 py-1 text-sm"
                                            />
                                        </div>
                                    }
                                })
                                .collect_view()}
                        </div>
                    </fieldset>
                    <div class="flex items-center gap-3">
                        <button class=BUTTON>"Save contract terms"</button>
                        <FormAlert error=terms_error />
                        <Saved
                            action_version=actions.terms.version()
                            ok=Signal::derive(move || terms_error.get().is_none())
                        />
                    </div>
                    <ul class="text-sm text-red-600">
                        {move || match terms_error.get() {
                            Some(AppError::Invalid(fields)) => {
                                fields
                                    .into_iter()
                                    .map(|f| {
                                        view! { <li>{format!("{}: {}", f.field, f.message)}</li> }
                                    })
                                    .collect_view()
                                    .into_any()
                            }
                            _ => ().into_any(),
                        }}
                    </ul>
                </ActionForm>
                <ActionForm
                    action=actions.import
                    attr:class="mt-6 space-y-2"
                    attr:data-testid="import-contract"
                >
                    <input type="hidden" name="id" value=id />
                    <label for="field-yaml" class="block text-sm font-medium text-slate-700">
                        "Contract as ODCS YAML (v3.0.x or v3.1.x)"
                    </label>
                    <p class="text-xs text-slate-500">
                        "Paste a contract to import it; a contract with the same id is replaced. Unknown fields are kept."
                    </p>
                    <textarea
                        id="field-yaml"
                        name="yaml"
                        rows="16"
                        class=TEXTAREA
                        spellcheck="false"
                    >
                        {ctx.contract_yaml.clone()}
                    </textarea>
                    <div class="flex flex-wrap items-end gap-3">
                        <div>
                            <label for="import-port" class="block text-xs text-slate-600">
                                "Serve it on port"
                            </label>
                            <select
                                id="import-port"
                                name="port"
                                class="rounded-md border border-slate-300 px-2 py-1 text-sm"
                            >
                                <option value="">"(unchanged)"</option>
                                {port_options}
                            </select>
                        </div>
                        <button class=BUTTON>"Import contract"</button>
                    </div>
                    {move || {
                        imported()
                            .map(|r| {
                                view! {
                                    <p
                                        class="text-sm text-emerald-700"
                                        role="status"
                                        data-testid="import-result"
                                    >
                                        {format!("Contract {} {}.", r.odcs_id, r.outcome)}
                                    </p>
                                }
                            })
                    }}
                    <ul class="space-y-1 text-sm text-red-700" data-testid="import-errors">
                        {move || {
                            import_problems()
                                .into_iter()
                                .map(|p| {
                                    view! {
                                        <li>
                                            <code>{p}</code>
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                    <FormAlert error=Signal::derive(move || {
                        import_error.get().filter(|e| !matches!(e, AppError::Invalid(_)))
                    }) />
                </ActionForm>
            </Section>

            <Section title="Publish" anchor="publish">
                <div class="text-sm text-slate-700">
                    {match ctx.proposal.last_published.clone() {
                        None => {
                            view! {
                                <p>
                                    "Not published yet. The first publication records version "
                                    <strong>{ctx.proposal.suggested.clone()}</strong>
                                    " or any version you choose."
                                </p>
                            }
                                .into_any()
                        }
                        Some(last) => {
                            view! {
                                <p>
                                    "Last published: " <strong>{format!("v{last}")}</strong> ". "
                                    {if ctx.proposal.changes.is_empty() {
                                        "No changes since.".to_string()
                                    } else {
                                        format!(
                                            "Changes since ({} needed):",
                                            ctx.proposal.bump.map(|b| b.as_str()).unwrap_or_default(),
                                        )
                                    }}
                                </p>
                            }
                                .into_any()
                        }
                    }} <Changes changes=ctx.proposal.changes.clone() />
                </div>
                <ActionForm
                    action=actions.publish
                    attr:class="mt-4 grid gap-3 sm:grid-cols-[10rem_1fr_auto] sm:items-end"
                    attr:data-testid="publish"
                >
                    <input type="hidden" name="id" value=id />
                    <Field
                        form="publish-"
                        label="Version"
                        name="version"
                        value=ctx.proposal.suggested.clone()
                        error=publish_error
                    />
                    <Field
                        form="publish-"
                        label="Change summary"
                        name="summary"
                        placeholder="What changed, for subscribers"
                        error=publish_error
                    />
                    <button class=BUTTON>"Publish"</button>
                </ActionForm>
                <FormAlert error=Signal::derive(move || {
                    publish_error.get().filter(|e| !matches!(e, AppError::Invalid(_)))
                }) />
            </Section>

            <Section title="Lifecycle" anchor="lifecycle">
                <ActionForm
                    action=actions.deprecate
                    attr:class="grid gap-3 sm:grid-cols-[12rem_1fr_auto] sm:items-end"
                    attr:data-testid="deprecate"
                >
                    <input type="hidden" name="id" value=id />
                    <Field
                        label="Sunset date"
                        name="sunset_date"
                        kind="date"
                        error=deprecate_error
                    />
                    <Field
                        label="Replaced by (domain/product)"
                        name="replacement"
                        placeholder="sales/customer-orders"
                        error=deprecate_error
                    />
                    <button class=BUTTON_SECONDARY>"Deprecate"</button>
                </ActionForm>
                <FormAlert error=Signal::derive(move || {
                    deprecate_error.get().filter(|e| !matches!(e, AppError::Invalid(_)))
                }) />
                <ActionForm action=actions.retire attr:class="mt-4 flex items-center gap-3">
                    <input type="hidden" name="id" value=id />
                    <button class=BUTTON_DANGER>
                        "Retire (read-only, hidden from the marketplace)"
                    </button>
                    <FormAlert error=retire_error />
                </ActionForm>
            </Section>
        </div>
    }
}

#[component]
fn Section(title: &'static str, anchor: &'static str, children: Children) -> impl IntoView {
    view! {
        <section id=anchor class="rounded-xl border border-slate-200 bg-white p-6">
            <h2 class="mb-4 text-lg font-semibold">{title}</h2>
            {children()}
        </section>
    }
}

#[component]
fn TextArea(label: &'static str, name: &'static str, value: String) -> impl IntoView {
    let id = format!("field-{name}");
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium text-slate-700">
                {label}
            </label>
            <textarea
                id=id
                name=name
                rows="3"
                class="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
            >
                {value}
            </textarea>
        </div>
    }
}

/// "Saved." after a successful submission.
#[component]
fn Saved(action_version: RwSignal<usize>, ok: Signal<bool>) -> impl IntoView {
    move || {
        (action_version.get() > 0 && ok.get()).then(|| {
            view! {
                <span class="text-sm text-emerald-700" role="status">
                    "Saved."
                </span>
            }
        })
    }
}
