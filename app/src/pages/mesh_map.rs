//! `/mesh`: domains as groups, products as nodes, consumption as arrows from source to consumer. Drawn as SVG
//! on the server (works without JavaScript); each node links to its product; `?domain=` focuses one domain.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::catalog::get_mesh_map;
use crate::api::catalog::{MapEdge, MapGroup, MeshMap};
use crate::components::errors::ErrorPanel;
use vocabulary::{ProductKind, ProductStatus};

#[component]
pub fn MeshMapPage() -> impl IntoView {
    let query = use_query_map();
    let domain = move || query.read().get("domain");
    let data = Resource::new(domain, get_mesh_map);
    view! {
        <Title text="Mesh map" />
        <h1 class="text-2xl font-bold tracking-tight">"Mesh map"</h1>
        <p class="mt-1 text-sm text-slate-600">
            "Every listed data product in its domain. An arrow runs from a product to the product that consumes it through an approved subscription."
        </p>
        <Transition fallback=|| {
            view! { <p class="mt-6 text-slate-500">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(map) => view! { <Map map current=domain() /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn fill(kind: ProductKind) -> &'static str {
    match kind {
        ProductKind::SourceAligned => "#eef2ff",
        ProductKind::Aggregate => "#ecfdf5",
        ProductKind::ConsumerAligned => "#fffbeb",
    }
}

fn short(name: &str) -> String {
    if name.chars().count() > 22 {
        format!("{}…", name.chars().take(21).collect::<String>())
    } else {
        name.to_owned()
    }
}

#[component]
fn Map(map: MeshMap, current: Option<String>) -> impl IntoView {
    let chip = |href: String, label: String, active: bool| {
        view! {
            <a
                href=href
                class="rounded-full px-3 py-1 text-sm font-medium ring-1 ring-inset ring-slate-200"
                class:bg-indigo-600=active
                class:text-white=active
                class:bg-white=!active
                aria-current=active.then_some("true")
            >
                {label}
            </a>
        }
    };
    let (w, h) = (map.width + 8, map.height + 8);
    let (nw, nh) = (map.node_w, map.node_h);
    view! {
        <nav class="mt-4 flex flex-wrap gap-2" aria-label="Focus on a domain">
            {chip("/mesh".into(), "Whole mesh".into(), current.is_none())}
            {map
                .domains
                .iter()
                .map(|(slug, name)| chip(
                    format!("/mesh?domain={slug}"),
                    name.clone(),
                    current.as_deref() == Some(slug.as_str()),
                ))
                .collect_view()}
        </nav>
        <div class="mt-4 flex flex-wrap gap-4 text-xs text-slate-600">
            <span>
                <span
                    class="mr-1 inline-block h-3 w-3 rounded-sm border border-slate-300"
                    style="background:#eef2ff"
                ></span>
                "Source-aligned"
            </span>
            <span>
                <span
                    class="mr-1 inline-block h-3 w-3 rounded-sm border border-slate-300"
                    style="background:#ecfdf5"
                ></span>
                "Aggregate"
            </span>
            <span>
                <span
                    class="mr-1 inline-block h-3 w-3 rounded-sm border border-slate-300"
                    style="background:#fffbeb"
                ></span>
                "Consumer-aligned"
            </span>
            <span>"dashed: deprecated"</span>
            <span data-testid="map-counts">
                {format!("{} products, {} consumption links", map.nodes.len(), map.edges.len())}
            </span>
        </div>
        {map
            .nodes
            .is_empty()
            .then(|| {
                view! { <p class="mt-6 text-sm text-slate-500">"No listed data products here."</p> }
            })}
        <div class="mt-4 overflow-x-auto rounded-xl border border-slate-200 bg-white p-2">
            <svg
                viewBox=format!("-4 -4 {w} {h}")
                width=w
                class="h-auto max-w-full"
                role="img"
                aria-label="Map of the data mesh"
                data-testid="mesh-map"
                font-family="ui-sans-serif, system-ui, sans-serif"
            >
                <defs>
                    <marker
                        id="arrow"
                        viewBox="0 0 10 10"
                        refX="9"
                        refY="5"
                        markerWidth="7"
                        markerHeight="7"
                        orient="auto-start-reverse"
                    >
                        <path d="M 0 0 L 10 5 L 0 10 z" fill="#6366f1" />
                    </marker>
                </defs>
                {map
                    .groups
                    .iter()
                    .map(|MapGroup { slug, name, x, y, w: gw, h: gh }| {
                        view! {
                            <g data-group=slug.clone()>
                                <rect
                                    x=*x
                                    y=*y
                                    width=*gw
                                    height=*gh
                                    rx="12"
                                    fill="#f8fafc"
                                    stroke="#cbd5e1"
                                />
                                <a href=format!("/mesh?domain={slug}")>
                                    <text
                                        x=x + 14
                                        y=y + 20
                                        font-size="13"
                                        font-weight="600"
                                        fill="#334155"
                                    >
                                        {name.clone()}
                                    </text>
                                </a>
                            </g>
                        }
                    })
                    .collect_view()}
                {map
                    .nodes
                    .iter()
                    .map(|n| {
                        view! {
                            <a href=n.href.clone() data-node=n.href.clone()>
                                <title>{format!("{} ({})", n.name, n.kind.label())}</title>
                                <rect
                                    x=n.x
                                    y=n.y
                                    width=nw
                                    height=nh
                                    rx="8"
                                    fill=fill(n.kind)
                                    stroke=if n.status == ProductStatus::Deprecated {
                                        "#d97706"
                                    } else {
                                        "#94a3b8"
                                    }
                                    stroke-dasharray=(n.status == ProductStatus::Deprecated)
                                        .then_some("4 3")
                                />
                                <text x=n.x + 10 y=n.y + nh / 2 + 4 font-size="12" fill="#0f172a">
                                    {short(&n.name)}
                                </text>
                            </a>
                        }
                    })
                    .collect_view()}
                // Arrows last, over the nodes, from border to border; clicks go through them to the nodes.
                {map
                    .edges
                    .iter()
                    .map(|MapEdge { from, to, x1, y1, x2, y2 }| {
                        let (dx, dy) = ((x2 - x1) as f64, (y2 - y1) as f64);
                        let len = (dx * dx + dy * dy).sqrt().max(1.0);
                        let back = ((nw as f64 / 2.0) / dx.abs().max(1e-6))
                            .min((nh as f64 / 2.0) / dy.abs().max(1e-6))
                            .min(1.0);
                        let (sx, sy) = (*x1 as f64 + dx * back, *y1 as f64 + dy * back);
                        let (ex, ey) = (*x2 as f64 - dx * back, *y2 as f64 - dy * back);
                        let bend = (len / 6.0).min(60.0);
                        let (mx, my) = (
                            (sx + ex) / 2.0 - dy / len * bend,
                            (sy + ey) / 2.0 + dx / len * bend,
                        );
                        // Stop at the consumer's border: scale back by the box's half size along the line.
                        view! {
                            <path
                                d=format!("M {sx:.0} {sy:.0} Q {mx:.0} {my:.0} {ex:.0} {ey:.0}")
                                fill="none"
                                stroke="#6366f1"
                                stroke-opacity="0.7"
                                stroke-width="1.6"
                                pointer-events="none"
                                marker-end="url(#arrow)"
                                data-edge=format!("{from}>{to}")
                            ></path>
                        }
                    })
                    .collect_view()}
            </svg>
        </div>
    }
}
