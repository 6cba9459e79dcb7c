use leptos::prelude::*;

/// Lifecycle status as a coloured pill.
#[component]
pub fn StatusBadge(status: String, label: String) -> impl IntoView {
    let colours = match status.as_str() {
        "published" => "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
        "draft" => "bg-amber-50 text-amber-800 ring-amber-600/20",
        "deprecated" => "bg-orange-50 text-orange-700 ring-orange-600/20",
        _ => "bg-slate-100 text-slate-600 ring-slate-500/20",
    };
    view! {
        <span
            class=format!(
                "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset {colours}",
            )
            data-status=status
        >
            {label}
        </span>
    }
}

/// Product type (source-aligned, aggregate, consumer-aligned).
#[component]
pub fn KindBadge(label: String) -> impl IntoView {
    view! {
        <span class="inline-flex items-center rounded-md bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-700 ring-1 ring-inset ring-indigo-700/10">
            {label}
        </span>
    }
}

#[component]
pub fn Tag(name: String) -> impl IntoView {
    view! {
        <span class="tag-chip">
            "#"
            {name}
        </span>
    }
}
