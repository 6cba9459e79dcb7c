use leptos::prelude::*;

use super::compliance::{compliance_resource, CompliancePanel};
use super::PageResource;

/// Docs (rendered Markdown, sanitized on the server), compliance, owners and a port summary.
#[component]
pub fn OverviewTab() -> impl IntoView {
    let page = expect_context::<PageResource>();
    let (compliance, request) = compliance_resource();
    // One boundary that awaits both resources (several boundaries over the same resource hydrated unreliably).
    // A Transition keeps the tab in place while compliance reloads after a waiver request.
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(page) = page.await else { return ().into_any() };
                let compliance = crate::error::optional(compliance.await);
                // The product page shows a load error above the tabs, so here an error renders nothing.
                view! {
                    <div class="grid gap-8 lg:grid-cols-[1fr_18rem]">
                        <section
                            aria-label="Documentation"
                            class="min-w-0 rounded-xl border border-slate-200 bg-white p-6"
                        >
                            <div class="prose prose-slate" inner_html=page.docs_html.clone()></div>
                        </section>
                        <aside class="space-y-6 text-sm">
                            {compliance.map(|c| view! { <CompliancePanel c request /> })}
                            <div class="rounded-xl border border-slate-200 bg-white p-5">
                                <h2 class="font-semibold">"Owners"</h2>
                                <ul class="mt-3 space-y-2">
                                    {page
                                        .owners
                                        .iter()
                                        .map(|p| {
                                            view! {
                                                <li class="flex items-center gap-2">
                                                    <span class="grid h-7 w-7 place-items-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-700">
                                                        {p.initials()}
                                                    </span>
                                                    <span>
                                                        <span class="block font-medium">{p.name.clone()}</span>
                                                        <a
                                                            href=format!("mailto:{}", p.email)
                                                            class="text-xs text-slate-500 hover:underline"
                                                        >
                                                            {p.email.clone()}
                                                        </a>
                                                    </span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </div> <div class="rounded-xl border border-slate-200 bg-white p-5">
                                <h2 class="font-semibold">"Output ports"</h2>
                                <ul class="mt-3 space-y-2">
                                    {page
                                        .ports
                                        .iter()
                                        .map(|port| {
                                            view! {
                                                <li data-port=port.slug.clone()>
                                                    <p class="font-medium">
                                                        {port.name.clone()}
                                                        <span class="text-xs text-slate-500">
                                                            " · " {port.kind.label()}
                                                        </span>
                                                    </p>
                                                    <code class="block break-all text-xs text-slate-600">
                                                        {port.location.clone()}
                                                    </code>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </div>
                        </aside>
                    </div>
                }
                    .into_any()
            })}
        </Transition>
    }
}
