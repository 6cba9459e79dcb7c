//! `/governance`: compliance of the mesh, per domain, the policies, and the stewards' waiver queue.
pub mod domain;
pub mod overview;
pub mod policies;
pub mod waivers;

use leptos::prelude::*;

/// The section's sub-navigation.
#[component]
pub fn GovernanceNav(current: &'static str) -> impl IntoView {
    let links = [
        ("/governance", "Dashboard"),
        ("/governance/policies", "Policies"),
        ("/governance/waivers", "Waiver reviews"),
    ];
    view! {
        <nav class="mb-6 flex gap-2 text-sm" aria-label="Governance">
            {links
                .into_iter()
                .map(|(href, label)| {
                    let active = href == current;
                    view! {
                        <a
                            href=href
                            class=if active {
                                "rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white"
                            } else {
                                "rounded-md bg-white px-3 py-1.5 font-medium text-slate-700 ring-1 ring-slate-200 hover:bg-slate-50"
                            }
                        >
                            {label}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
