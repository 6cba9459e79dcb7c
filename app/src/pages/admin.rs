use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::admin::AdminOverview;
use crate::api::admin::{
    get_admin_overview, CreateDomain, CreateTeam, PutMember, RemoveMember, SetDomainOwner, SetRoles,
};
use crate::components::errors::ErrorPanel;
use crate::components::forms::{
    action_error, Field, FormAlert, BUTTON, BUTTON_DANGER, BUTTON_SECONDARY,
};

/// `/admin`: domains, teams and members (admins), and the members of teams you own (team owners).
#[component]
pub fn AdminPage() -> impl IntoView {
    let create_domain = ServerAction::<CreateDomain>::new();
    let create_team = ServerAction::<CreateTeam>::new();
    let set_owner = ServerAction::<SetDomainOwner>::new();
    let put_member = ServerAction::<PutMember>::new();
    let remove_member = ServerAction::<RemoveMember>::new();
    let set_roles = ServerAction::<SetRoles>::new();
    let data = Resource::new(
        move || {
            (
                create_domain.version().get(),
                create_team.version().get(),
                set_owner.version().get(),
                put_member.version().get(),
                remove_member.version().get(),
                set_roles.version().get(),
            )
        },
        |_| get_admin_overview(),
    );
    let actions = Actions {
        create_domain,
        create_team,
        set_owner,
        put_member,
        remove_member,
        set_roles,
    };
    view! {
        <Title text="Administration" />
        <h1 class="text-2xl font-bold tracking-tight">"Administration"</h1>
        <Suspense fallback=|| {
            view! { <p class="mt-6 text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(o) => view! { <Overview o actions /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    create_domain: ServerAction<CreateDomain>,
    create_team: ServerAction<CreateTeam>,
    set_owner: ServerAction<SetDomainOwner>,
    put_member: ServerAction<PutMember>,
    remove_member: ServerAction<RemoveMember>,
    set_roles: ServerAction<SetRoles>,
}

#[component]
fn Overview(o: AdminOverview, actions: Actions) -> impl IntoView {
    let member_error = action_error(actions.put_member.value());
    let remove_error = action_error(actions.remove_member.value());
    let teams = o.teams.clone();
    view! {
        {o.is_admin.then(|| view! { <AdminOnly o=o.clone() actions /> })}
        <section class="mt-8">
            <h2 class="text-lg font-semibold">"Teams and members"</h2>
            <FormAlert error=Signal::derive(move || member_error.get().or(remove_error.get())) />
            <div class="mt-4 grid gap-4 lg:grid-cols-2">
                {teams
                    .into_iter()
                    .map(|t| {
                        let team_id = t.id;
                        view! {
                            <div
                                class="rounded-xl border border-slate-200 bg-white p-5"
                                data-team=t.slug.clone()
                            >
                                <div class="flex items-baseline justify-between">
                                    <h3 class="font-semibold">{t.name.clone()}</h3>
                                    <span class="text-xs text-slate-500">
                                        {t.domain_slug.clone()}
                                    </span>
                                </div>
                                <ul class="mt-3 divide-y divide-slate-100 text-sm">
                                    {t
                                        .members
                                        .into_iter()
                                        .map(|m| {
                                            view! {
                                                <li class="flex items-center justify-between gap-2 py-1.5">
                                                    <span>
                                                        {m.name.clone()}
                                                        <span class="text-xs text-slate-500">
                                                            " " {m.email.clone()}
                                                        </span>
                                                    </span>
                                                    <span class="flex items-center gap-2">
                                                        <span class="rounded bg-slate-100 px-1.5 py-0.5 text-xs">
                                                            {m.role.as_str()}
                                                        </span>
                                                        <ActionForm action=actions.remove_member>
                                                            <input type="hidden" name="team_id" value=team_id />
                                                            <input type="hidden" name="user_id" value=m.user_id />
                                                            <button class=BUTTON_DANGER>"Remove"</button>
                                                        </ActionForm>
                                                    </span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <ActionForm
                                    action=actions.put_member
                                    attr:class="mt-3 flex flex-wrap items-end gap-2"
                                >
                                    <input type="hidden" name="team_id" value=team_id />
                                    <input
                                        name="email"
                                        type="email"
                                        placeholder="email of someone who signed in"
                                        required
                                        class="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
                                    />
                                    <select
                                        name="role"
                                        class="rounded-md border border-slate-300 px-2 py-1 text-sm"
                                    >
                                        <option value="member">"member"</option>
                                        <option value="owner">"owner"</option>
                                    </select>
                                    <button class=BUTTON_SECONDARY>"Add / set role"</button>
                                </ActionForm>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="mt-2 text-sm text-red-600">
                {move || member_error.get().and_then(|e| e.field("email"))}
            </p>
        </section>
    }
}

#[component]
fn AdminOnly(o: AdminOverview, actions: Actions) -> impl IntoView {
    let domain_error = action_error(actions.create_domain.value());
    let team_error = action_error(actions.create_team.value());
    let roles_error = action_error(actions.set_roles.value());
    let teams = o.teams.clone();
    view! {
        <section class="mt-6">
            <h2 class="text-lg font-semibold">"Domains"</h2>
            <table class="mt-3 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
                <thead class="bg-slate-50 text-left text-xs uppercase text-slate-500">
                    <tr>
                        <th class="px-4 py-2">"Domain"</th>
                        <th class="px-4 py-2">"Parent"</th>
                        <th class="px-4 py-2">"Owning team"</th>
                    </tr>
                </thead>
                <tbody>
                    {o
                        .domains
                        .into_iter()
                        .map(|d| {
                            let teams = teams.clone();
                            let current = d.owner_team_slug.clone();
                            view! {
                                <tr class="border-t border-slate-100" data-domain=d.slug.clone()>
                                    <td class="px-4 py-2 font-medium">
                                        {d.name.clone()}
                                        <span class="text-xs text-slate-500">
                                            " " {d.slug.clone()}
                                        </span>
                                    </td>
                                    <td class="px-4 py-2">
                                        {d.parent_slug.clone().unwrap_or_default()}
                                    </td>
                                    <td class="px-4 py-2">
                                        <ActionForm
                                            action=actions.set_owner
                                            attr:class="flex gap-2"
                                        >
                                            <input type="hidden" name="domain_id" value=d.id />
                                            <select
                                                name="team_id"
                                                class="rounded-md border border-slate-300 px-2 py-1 text-sm"
                                            >
                                                {teams
                                                    .into_iter()
                                                    .map(|t| {
                                                        let selected = current.as_deref() == Some(t.slug.as_str());
                                                        view! {
                                                            <option value=t.id selected=selected>
                                                                {t.name}
                                                            </option>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </select>
                                            <button class=BUTTON_SECONDARY>"Set"</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <div class="mt-4 grid gap-4 lg:grid-cols-2">
                <ActionForm
                    action=actions.create_domain
                    attr:class="space-y-3 rounded-xl border border-slate-200 bg-white p-5"
                >
                    <h3 class="font-semibold">"New domain"</h3>
                    <Field
                        form="domain-"
                        label="Slug"
                        name="slug"
                        placeholder="e.g. product"
                        required=true
                        error=domain_error
                    />
                    <Field
                        form="domain-"
                        label="Name"
                        name="name"
                        required=true
                        error=domain_error
                    />
                    <Field
                        form="domain-"
                        label="Description"
                        name="description"
                        error=domain_error
                    />
                    <Field
                        form="domain-"
                        label="Parent domain (slug, optional)"
                        name="parent"
                        error=domain_error
                    />
                    <FormAlert error=domain_error />
                    <button class=BUTTON>"Create domain"</button>
                </ActionForm>
                <ActionForm
                    action=actions.create_team
                    attr:class="space-y-3 rounded-xl border border-slate-200 bg-white p-5"
                >
                    <h3 class="font-semibold">"New team"</h3>
                    <Field form="team-" label="Slug" name="slug" required=true error=team_error />
                    <Field form="team-" label="Name" name="name" required=true error=team_error />
                    <Field
                        form="team-"
                        label="Domain (slug)"
                        name="domain"
                        required=true
                        error=team_error
                    />
                    <Field form="team-" label="Description" name="description" error=team_error />
                    <FormAlert error=team_error />
                    <button class=BUTTON>"Create team"</button>
                </ActionForm>
            </div>
        </section>
        <section class="mt-8">
            <h2 class="text-lg font-semibold">"People and roles"</h2>
            <FormAlert error=roles_error />
            <table class="mt-3 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
                <thead class="bg-slate-50 text-left text-xs uppercase text-slate-500">
                    <tr>
                        <th class="px-4 py-2">"Person"</th>
                        <th class="px-4 py-2">"Roles"</th>
                    </tr>
                </thead>
                <tbody>
                    {o
                        .people
                        .into_iter()
                        .map(|p| {
                            view! {
                                <tr class="border-t border-slate-100" data-person=p.email.clone()>
                                    <td class="px-4 py-2">
                                        {p.name.clone()}
                                        <span class="text-xs text-slate-500">
                                            " " {p.email.clone()}
                                        </span>
                                    </td>
                                    <td class="px-4 py-2">
                                        <ActionForm
                                            action=actions.set_roles
                                            attr:class="flex items-center gap-4"
                                        >
                                            <input type="hidden" name="user_id" value=p.id />
                                            <label class="flex items-center gap-1">
                                                <input type="checkbox" name="is_admin" checked=p.is_admin />
                                                "admin"
                                            </label>
                                            <label class="flex items-center gap-1">
                                                <input
                                                    type="checkbox"
                                                    name="is_steward"
                                                    checked=p.is_steward
                                                />
                                                "steward"
                                            </label>
                                            <button class=BUTTON_SECONDARY>"Save"</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}
