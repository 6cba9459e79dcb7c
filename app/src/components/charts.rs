//! Charts as SVG, rendered on the server (no script needed): sparklines, a trend against a target, and the
//! colours of the heat map.
use chrono::NaiveDate;
use leptos::prelude::*;

/// Green at 100, amber around 70, red below 50.
pub fn heat(score: f64) -> &'static str {
    match score {
        s if s >= 95.0 => "bg-emerald-500 text-white",
        s if s >= 80.0 => "bg-emerald-200 text-emerald-900",
        s if s >= 60.0 => "bg-amber-200 text-amber-900",
        s if s >= 40.0 => "bg-orange-300 text-orange-950",
        _ => "bg-rose-400 text-white",
    }
}

/// A small line of the last days' scores.
#[component]
pub fn Sparkline(values: Vec<f64>) -> impl IntoView {
    let (w, h) = (96.0, 24.0);
    let n = values.len().max(2) as f64 - 1.0;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * w / n,
                h - (v.clamp(0.0, 100.0) / 100.0) * h
            )
        })
        .collect();
    view! {
        <svg
            viewBox=format!("0 0 {w} {h}")
            width=w
            height=h
            class="overflow-visible"
            role="img"
            aria-label="30-day trend"
        >
            <polyline
                points=points.join(" ")
                fill="none"
                stroke="currentColor"
                stroke-width="1.5"
                class="text-indigo-500"
            />
        </svg>
    }
}

/// Daily scores with the target as a dashed line.
#[component]
pub fn TrendChart(points: Vec<(NaiveDate, f64)>, target: f64) -> impl IntoView {
    let (w, h, pad) = (640.0, 180.0, 28.0);
    let n = points.len().max(2) as f64 - 1.0;
    let x = move |i: usize| pad + i as f64 * (w - 2.0 * pad) / n;
    let y = move |v: f64| h - pad - (v.clamp(0.0, 100.0) / 100.0) * (h - 2.0 * pad);
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| format!("{:.1},{:.1}", x(i), y(*v)))
        .collect();
    let first = points
        .first()
        .map(|(d, _)| d.format("%e %b").to_string())
        .unwrap_or_default();
    let last = points
        .last()
        .map(|(d, _)| d.format("%e %b").to_string())
        .unwrap_or_default();
    let ty = y(target);
    view! {
        <svg
            viewBox=format!("0 0 {w} {h}")
            class="w-full"
            role="img"
            aria-label="Compliance over the last 30 days"
            data-testid="trend-chart"
        >
            {[0.0, 50.0, 100.0]
                .into_iter()
                .map(|v| {
                    view! {
                        <line x1=pad x2=w - pad y1=y(v) y2=y(v) stroke="#e2e8f0" />
                        <text x=4 y=y(v) + 4.0 font-size="10" fill="#64748b">
                            {format!("{v:.0}")}
                        </text>
                    }
                })
                .collect_view()}
            <line x1=pad x2=w - pad y1=ty y2=ty stroke="#f59e0b" stroke-dasharray="6 4" />
            <text x=w - pad - 60.0 y=ty - 4.0 font-size="10" fill="#b45309">
                {format!("target {target:.0}")}
            </text>
            <polyline points=line.join(" ") fill="none" stroke="#4f46e5" stroke-width="2.5" />
            <text x=pad y=h - 8.0 font-size="10" fill="#64748b">
                {first}
            </text>
            <text x=w - pad - 40.0 y=h - 8.0 font-size="10" fill="#64748b">
                {last}
            </text>
        </svg>
    }
}
