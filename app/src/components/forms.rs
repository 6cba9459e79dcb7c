//! Form helpers: field errors next to fields, a form-level alert, consistent inputs.
use leptos::prelude::*;

use crate::error::AppError;

/// The error an action ended with, if any (`action.value()` of a `ServerAction`).
pub fn action_error<T, V>(value: V) -> Signal<Option<AppError>>
where
    T: 'static,
    V: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())))
}

/// A text input with its label and the field's error under it.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(optional)] value: Option<String>,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    /// Prefix of the element id, for pages with several forms that share field names.
    #[prop(optional)]
    form: &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = move || error.get().and_then(|e| e.field(name));
    let id = format!("{form}field-{name}");
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium text-slate-700">
                {label}
            </label>
            <input
                id=id
                name=name
                type=kind
                value=value
                placeholder=placeholder
                required=required
                aria-invalid=move || message().is_some().then_some("true")
                class="mt-1 w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 aria-[invalid=true]:border-red-500"
            />
            {(!hint.is_empty())
                .then(|| view! { <p class="mt-1 text-xs text-slate-500">{hint}</p> })}
            {move || {
                message()
                    .map(|m| {
                        view! {
                            <p class="mt-1 text-sm text-red-600" data-field-error=name>
                                {m}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// The form-level message of an error that names no field (not allowed, conflict, server trouble).
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let text = match &e {
                AppError::Invalid(_) => "Please correct the highlighted fields.".to_string(),
                other => other.to_string(),
            };
            view! {
                <p
                    class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700"
                    role="alert"
                >
                    {text}
                </p>
            }
        })
    }
}

pub const BUTTON: &str = "rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-50";
pub const BUTTON_SECONDARY: &str = "rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50";
pub const BUTTON_DANGER: &str = "rounded-md bg-white px-2 py-1 text-xs font-semibold text-red-700 ring-1 ring-inset ring-red-200 hover:bg-red-50";
