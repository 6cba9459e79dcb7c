use leptos::prelude::*;

use crate::components::badges::{KindBadge, StatusBadge, Tag};
use crate::model::{ProductCard, SearchHit};

/// A product in a grid: name, domain, owner team, summary, status.
#[component]
pub fn ProductCardView(card: ProductCard) -> impl IntoView {
    let href = card.href();
    let updated = card.updated_at.format("%e %b %Y").to_string();
    view! {
        <article
            class="result-card group"
            data-product=card.slug.clone()
        >
            <div class="flex items-start justify-between gap-3">
                <h3 class="result-title">
                    <a href=href class="after:absolute after:inset-0">
                        {card.name.clone()}
                    </a>
                </h3>
                <StatusBadge status=card.status.clone() label=card.status_label.clone()/>
            </div>
            <p class="mt-1 text-xs text-slate-500">
                <span class="font-medium text-slate-700">{card.domain_name.clone()}</span>
                " · "
                {card.team_name.clone()}
            </p>
            <p class="mt-3 line-clamp-3 flex-1 text-sm text-slate-600">{card.summary.clone()}</p>
            <div class="mt-4 flex flex-wrap items-center gap-1.5">
                <KindBadge label=card.kind_label.clone()/>
                {card.tags.iter().take(3).map(|t| view! { <Tag name=t.clone()/> }).collect_view()}
            </div>
            <p class="mt-3 text-xs text-slate-400">"v" {card.version.clone()} " · updated " {updated}</p>
        </article>
    }
}

/// Matched words in a name or summary, marked.
fn marked(segments: Vec<(String, bool)>) -> impl IntoView {
    segments
        .into_iter()
        .map(|(text, hit)| {
            if hit {
                view! { <mark class="rounded bg-amber-100 px-0.5 text-inherit">{text}</mark> }
                    .into_any()
            } else {
                text.into_any()
            }
        })
        .collect_view()
}

/// A search result: the card with the words that matched marked, matched columns and popularity.
#[component]
pub fn SearchHitCard(hit: SearchHit) -> impl IntoView {
    let card = hit.card;
    let href = card.href();
    view! {
        <article
            class="result-card group"
            data-product=card.slug.clone()
        >
            <div class="flex items-start justify-between gap-3">
                <h3 class="result-title">
                    <a href=href class="after:absolute after:inset-0">{marked(hit.name)}</a>
                </h3>
                <StatusBadge status=card.status.clone() label=card.status_label.clone()/>
            </div>
            <p class="mt-1 text-xs text-slate-500">
                <span class="font-medium text-slate-700">{card.domain_name.clone()}</span>
                " · "
                {card.team_name.clone()}
            </p>
            <p class="mt-3 line-clamp-3 flex-1 text-sm text-slate-600">{marked(hit.summary)}</p>
            {(!hit.columns.is_empty()).then(|| view! {
                <p class="mt-2 truncate text-xs text-slate-500" data-testid="matched-columns">
                    "Columns: " <code>{hit.columns.join(", ")}</code>
                </p>
            })}
            <div class="mt-4 flex flex-wrap items-center gap-1.5">
                <KindBadge label=card.kind_label.clone()/>
                {card.tags.iter().take(3).map(|t| view! { <Tag name=t.clone()/> }).collect_view()}
            </div>
            <p class="mt-3 flex items-center gap-2 text-xs text-slate-400">
                <span>"v" {card.version.clone()}</span>
                <span>{format!("{} subscriber{}", hit.subscribers, if hit.subscribers == 1 { "" } else { "s" })}</span>
                {(hit.compliance == "passing").then(|| view! { <span class="rounded bg-emerald-50 px-1 text-emerald-700" title="Meets every policy">"trusted"</span> })}
            </p>
        </article>
    }
}
