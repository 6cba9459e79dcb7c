use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::account::get_login_options;
use crate::components::errors::ErrorPanel;
use crate::sign_in_problem::SignInProblem;

/// `/login`: one button per configured provider; in development, the demo personas.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || {
        query
            .read()
            .get("error")
            .map(|code| SignInProblem::from_code(&code).message())
    };
    let return_to = move || query.read().get("return_to").unwrap_or_else(|| "/".into());
    let options = Resource::new(|| (), |_| get_login_options());
    view! {
        <Title text="Sign in" />
        <div class="mx-auto max-w-lg">
            <h1 class="text-2xl font-bold tracking-tight">"Sign in to Agora"</h1>
            {move || {
                error()
                    .map(|e| {
                        view! {
                            <p
                                class="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700"
                                role="alert"
                            >
                                {e}
                            </p>
                        }
                    })
            }}
            <Suspense fallback=|| {
                view! { <p class="mt-6 text-slate-500">"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    match options.await {
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        Ok(options) => {
                            let none = options.providers.is_empty() && options.personas.is_empty();
                            view! {
                                <div class="mt-6 space-y-3">
                                    {options
                                        .providers
                                        .into_iter()
                                        .map(|p| {
                                            view! {
                                                <form method="post" action=format!("/auth/{}/start", p.id)>
                                                    <input type="hidden" name="return_to" value=return_to />
                                                    <button
                                                        class="w-full rounded-md bg-slate-900 px-4 py-2.5 text-sm font-semibold text-white hover:bg-slate-700"
                                                        data-provider=p.id.clone()
                                                    >
                                                        {format!("Continue with {}", p.label)}
                                                    </button>
                                                </form>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                                {(!options.personas.is_empty())
                                    .then(|| {
                                        view! {
                                            <section class="mt-8 rounded-xl border border-amber-300 bg-amber-50 p-5">
                                                <h2 class="font-semibold text-amber-900">"Demo sign-in"</h2>
                                                <p class="mt-1 text-sm text-amber-800">
                                                    "Development mode without a sign-in provider: pick a seeded persona. "
                                                    "This is refused in production."
                                                </p>
                                                <ul class="mt-4 space-y-2">
                                                    {options
                                                        .personas
                                                        .into_iter()
                                                        .map(|p| {
                                                            view! {
                                                                <li>
                                                                    <form
                                                                        method="post"
                                                                        action="/auth/demo"
                                                                        class="flex items-center justify-between gap-3 rounded-lg bg-white p-3 ring-1 ring-amber-200"
                                                                    >
                                                                        <input type="hidden" name="email" value=p.email.clone() />
                                                                        <input type="hidden" name="return_to" value=return_to />
                                                                        <div>
                                                                            <p class="text-sm font-medium">
                                                                                {p.name.clone()} " · "
                                                                                <span class="text-amber-800">{p.role.clone()}</span>
                                                                            </p>
                                                                            <p class="text-xs text-slate-500">{p.about.clone()}</p>
                                                                        </div>
                                                                        <button
                                                                            class="shrink-0 rounded-md bg-amber-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-amber-500"
                                                                            data-persona=p.role.clone()
                                                                        >
                                                                            "Sign in as "
                                                                            {p
                                                                                .name
                                                                                .split_whitespace()
                                                                                .next()
                                                                                .unwrap_or_default()
                                                                                .to_string()}
                                                                        </button>
                                                                    </form>
                                                                </li>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </ul>
                                            </section>
                                        }
                                    })}
                                {none
                                    .then(|| {
                                        view! {
                                            <p class="mt-6 text-sm text-slate-600">
                                                "No sign-in provider is configured. Set AGORA_AUTH_PROVIDERS (see the README)."
                                            </p>
                                        }
                                    })}
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}
