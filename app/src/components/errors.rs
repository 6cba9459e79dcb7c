use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;

/// A page's failed load, explained: the page is about what failed to load (its main resource), so rendered on
/// the server this also gives the page that error's status (404, 403, 503 with `Retry-After`...) and reports
/// an internal failure. Secondary loads a page can do without go through [`crate::error::optional`] instead.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::error::answer_page(&error);
    match error {
        AppError::NotFound(what) => view! { <NotFoundPanel what=what /> }.into_any(),
        AppError::Unavailable { .. } => view! { <UnavailablePanel /> }.into_any(),
        other => view! {
            <div class="rounded-lg border border-red-200 bg-red-50 p-6 text-red-800" role="alert">
                <p class="font-medium">{other.to_string()}</p>
            </div>
        }
        .into_any(),
    }
}

/// The database is out of reach: say so plainly, and that waiting a moment helps (the response is a 503).
#[component]
fn UnavailablePanel() -> impl IntoView {
    view! {
        <Title text="Temporarily unavailable" />
        <div class="mx-auto max-w-xl py-16 text-center" role="alert" data-testid="unavailable">
            <p class="text-sm font-semibold text-amber-600">"503"</p>
            <h1 class="mt-2 text-3xl font-bold tracking-tight text-slate-900">
                "Temporarily unavailable"
            </h1>
            <p class="mt-4 text-slate-600">
                {AppError::Unavailable {
                    cause: Default::default(),
                }
                    .to_string()} "."
            </p>
            <a
                href=""
                class="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
            >
                "Try again"
            </a>
        </div>
    }
}

#[component]
fn NotFoundPanel(what: String) -> impl IntoView {
    view! {
        <Title text="Not found" />
        <div class="mx-auto max-w-xl py-16 text-center">
            <p class="text-sm font-semibold text-indigo-600">"404"</p>
            <h1 class="mt-2 text-3xl font-bold tracking-tight text-slate-900">"Not found"</h1>
            <p class="mt-4 text-slate-600">{format!("We could not find {what}.")}</p>
            <a
                href="/products"
                class="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
            >
                "Browse the marketplace"
            </a>
        </div>
    }
}

/// The page for any URL that matches no route. Answers with HTTP 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::error::answer_page(&AppError::NotFound("this page".into()));
    view! { <NotFoundPanel what="this page".to_string() /> }
}

/// A tab's failed load. "Not found" is already shown by the product page around the tab.
#[component]
pub fn TabError(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound(_) => ().into_any(),
        other => view! { <ErrorPanel error=other /> }.into_any(),
    }
}
