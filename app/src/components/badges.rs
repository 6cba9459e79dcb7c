use leptos::prelude::*;

use vocabulary::{ProductKind, ProductStatus};

/// Lifecycle status as a coloured pill.
#[component]
pub fn StatusBadge(status: ProductStatus) -> impl IntoView {
    let colours = match status {
        ProductStatus::Published => "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
        ProductStatus::Draft => "bg-amber-50 text-amber-800 ring-amber-600/20",
        ProductStatus::Deprecated => "bg-orange-50 text-orange-700 ring-orange-600/20",
        ProductStatus::Retired => "bg-slate-100 text-slate-600 ring-slate-500/20",
    };
    view! {
        <span
            class=format!(
                "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset {colours}",
            )
            data-status=status.as_str()
        >
            {status.label()}
        </span>
    }
}

/// Product type (source-aligned, aggregate, consumer-aligned).
#[component]
pub fn KindBadge(kind: ProductKind) -> impl IntoView {
    view! {
        <span class="inline-flex items-center rounded-md bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-700 ring-1 ring-inset ring-indigo-700/10">
            {kind.label()}
        </span>
    }
}

#[component]
pub fn Tag(name: String) -> impl IntoView {
    view! { <span class="tag-chip">"#" {name}</span> }
}
