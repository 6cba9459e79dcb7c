//! Links to addresses people typed (support channels of a contract): only web and email addresses become
//! links, anything else is shown as text. Imports and forms refuse other schemes already
//! (`mesh::validate::link`); this holds for what was stored before that rule, or came in any other way.
use leptos::prelude::*;

/// The schemes of `mesh::validate::LINK_SCHEMES` (this crate also builds for the browser, without mesh).
const LINK_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// `url` as an `href` if it is an absolute http, https or mailto URL (normalised, as the browser reads it),
/// else `None`: `javascript:`, `data:` and every other scheme, and relative or unparsable text.
pub fn safe_href(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    if !LINK_SCHEMES.contains(&parsed.scheme()) {
        return None;
    }
    if parsed.scheme() != "mailto" && parsed.host_str().is_none_or(str::is_empty) {
        return None;
    }
    Some(parsed.into())
}

/// `label` linking to `url` when [`safe_href`] accepts it; otherwise the label, and the address as text.
#[component]
pub fn UserLink(label: String, url: Option<String>) -> impl IntoView {
    match url.as_deref().map(|u| (u, safe_href(u))) {
        Some((_, Some(href))) => view! {
            <a href=href rel="noopener noreferrer" class="text-indigo-700 hover:underline">
                {label}
            </a>
        }
        .into_any(),
        Some((raw, None)) => view! {
            <span>{label}</span>
            " "
            <code class="break-all text-xs text-slate-500" data-unsafe-link="">
                {raw.to_owned()}
            </code>
        }
        .into_any(),
        None => view! { <span>{label}</span> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_href;

    #[test]
    fn web_and_email_addresses_become_links() {
        assert_eq!(
            safe_href("https://northwind.slack.com/archives/C01").as_deref(),
            Some("https://northwind.slack.com/archives/C01")
        );
        assert_eq!(
            safe_href(" mailto:data@northwind.example ").as_deref(),
            Some("mailto:data@northwind.example")
        );
        assert!(safe_href("http://wiki.example").is_some());
    }

    #[test]
    fn every_other_scheme_stays_text() {
        for bad in [
            "javascript:alert(13)",
            "JAVASCRIPT:alert(13)",
            "  javascript:alert(13)",
            "java\tscript:alert(13)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "slack://open",
            "//evil.example",
            "/relative",
            "",
        ] {
            assert_eq!(safe_href(bad), None, "{bad:?}");
        }
    }
}
