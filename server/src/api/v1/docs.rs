//! `/api/v1/docs`: a readable page of the OpenAPI document, rendered on the server (no CDN, works offline).
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::Operation;
use utoipa::openapi::{PathItem, RefOr};
use utoipa::OpenApi;

use super::ApiDoc;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn operations(item: &PathItem) -> Vec<(&'static str, &Operation)> {
    [
        ("GET", &item.get),
        ("POST", &item.post),
        ("PUT", &item.put),
        ("PATCH", &item.patch),
        ("DELETE", &item.delete),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
    .collect()
}

pub async fn page() -> Response {
    let doc = ApiDoc::openapi();
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Agora API</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"stylesheet\" href=\"/pkg/agora.css\"></head>\
         <body class=\"bg-slate-50 text-slate-900\"><main class=\"mx-auto max-w-5xl px-6 py-10\">",
    );
    html.push_str(&format!(
        "<h1 class=\"text-3xl font-bold\">{} <span class=\"text-base font-normal text-slate-500\">v{}</span></h1>",
        escape(&doc.info.title),
        escape(&doc.info.version)
    ));
    if let Some(d) = &doc.info.description {
        html.push_str(&format!(
            "<p class=\"mt-3 max-w-3xl text-slate-700\">{}</p>",
            escape(d)
        ));
    }
    html.push_str("<p class=\"mt-3 text-sm\"><a class=\"text-indigo-700 underline\" href=\"/api/v1/openapi.json\">OpenAPI 3.1 document (JSON)</a></p>");
    for (path, item) in doc.paths.paths.iter() {
        for (method, op) in operations(item) {
            html.push_str(
                "<section class=\"mt-6 rounded-xl border border-slate-200 bg-white p-5\">",
            );
            html.push_str(&format!(
                "<h2 class=\"font-mono text-sm\"><span class=\"mr-2 rounded bg-indigo-600 px-2 py-0.5 text-white\">{method}</span>{}</h2>",
                escape(path)
            ));
            if let Some(s) = op.summary.as_ref().or(op.description.as_ref()) {
                html.push_str(&format!(
                    "<p class=\"mt-2 text-slate-700\">{}</p>",
                    escape(s)
                ));
            }
            if let Some(params) = &op.parameters {
                html.push_str("<ul class=\"mt-2 text-sm text-slate-600\">");
                for p in params {
                    html.push_str(&format!(
                        "<li><code>{}</code> ({}){}</li>",
                        escape(&p.name),
                        parameter_in(&p.parameter_in),
                        p.description
                            .as_ref()
                            .map(|d| format!(": {}", escape(d)))
                            .unwrap_or_default()
                    ));
                }
                html.push_str("</ul>");
            }
            if let Some(body) = &op.request_body {
                let types: Vec<String> = body
                    .content
                    .iter()
                    .map(|(ct, c)| match &c.schema {
                        Some(RefOr::Ref(r)) => format!(
                            "{ct}: {}",
                            r.ref_location.rsplit('/').next().unwrap_or_default()
                        ),
                        _ => ct.clone(),
                    })
                    .collect();
                html.push_str(&format!(
                    "<p class=\"mt-2 text-sm\">Body: <code>{}</code></p>",
                    escape(&types.join(", "))
                ));
            }
            let codes: Vec<String> = op.responses.responses.keys().cloned().collect();
            html.push_str(&format!(
                "<p class=\"mt-2 text-xs text-slate-500\">Responses: {}</p>",
                escape(&codes.join(", "))
            ));
            html.push_str("</section>");
        }
    }
    html.push_str("</main></body></html>");
    let mut response = html.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"),
    );
    response
}

/// Where a parameter goes, named as OpenAPI names it.
fn parameter_in(at: &utoipa::openapi::path::ParameterIn) -> &'static str {
    use utoipa::openapi::path::ParameterIn;
    match at {
        ParameterIn::Query => "query",
        ParameterIn::Path => "path",
        ParameterIn::Header => "header",
        ParameterIn::Cookie => "cookie",
    }
}
