use leptos::prelude::*;

use crate::api::catalog::model::ProductCard;
use crate::components::badges::{KindBadge, StatusBadge, Tag};

/// A product in a grid: name, domain, owner team, summary, status.
#[component]
pub fn ProductCardView(card: ProductCard) -> impl IntoView {
    let updated = card.updated_at.format("%e %b %Y").to_string();
    let version = card.version.clone();
    view! {
        <CardFrame name=card.name.clone().into_any() summary=card.summary.clone().into_any() card>
            "v"
            {version}
            " · updated "
            {updated}
        </CardFrame>
    }
}

/// What every product card shows: the name linking to the product, status, domain and owner team, summary,
/// kind and the first tags. `name` and `summary` come as views so search results can mark matched words;
/// `detail` goes under the summary and `children` make the last line.
#[component]
pub fn CardFrame(
    card: ProductCard,
    name: AnyView,
    summary: AnyView,
    #[prop(default = None)] detail: Option<AnyView>,
    children: Children,
) -> impl IntoView {
    let href = card.href();
    view! {
        <article class="result-card group" data-product=card.slug.clone()>
            <div class="flex items-start justify-between gap-3">
                <h3 class="result-title">
                    <a href=href class="after:absolute after:inset-0">
                        {name}
                    </a>
                </h3>
                <StatusBadge status=card.status />
            </div>
            <p class="mt-1 text-xs text-slate-500">
                <span class="font-medium text-slate-700">{card.domain_name.clone()}</span>
                " · "
                {card.team_name.clone()}
            </p>
            <p class="mt-3 line-clamp-3 flex-1 text-sm text-slate-600">{summary}</p>
            {detail}
            <div class="mt-4 flex flex-wrap items-center gap-1.5">
                <KindBadge kind=card.kind />
                {card.tags.iter().take(3).map(|t| view! { <Tag name=t.clone() /> }).collect_view()}
            </div>
            <p class="mt-3 flex items-center gap-2 text-xs text-slate-400">{children()}</p>
        </article>
    }
}
