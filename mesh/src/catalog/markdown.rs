//! Markdown documentation to safe HTML: pulldown-cmark renders, ammonia removes anything that could run or
//! pass itself off as part of Agora (overlays, form fields).
use std::borrow::Cow;

use pulldown_cmark::{html, Event, Options, Parser};

/// URL schemes a link or image in documentation may use (the same as support links, see
/// [`crate::validate::link`]); relative links stay.
const URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Renders product documentation (CommonMark + tables, strikethrough, task lists) and sanitizes the result:
/// no script, no inline event handler, no URL scheme but http(s) and mailto survives; links get
/// `rel="noopener noreferrer"`. The only class kept is `language-*` on `code` (syntax highlighting), so docs
/// cannot borrow the page's utility classes to overlay it; the only form control is the disabled checkbox of
/// a task list item, so docs cannot draw a password field.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    // Task list checkboxes come from the parser, never from the author: they pass the sanitizer as a marker
    // no document can contain (a fresh random token) and become inputs afterwards; every `<input>` the
    // author wrote is removed with the other unknown tags.
    let marker = format!("\u{E000}{}", crate::access::secrets::random_token());
    let (unchecked, checked) = (format!("{marker}0\u{E000}"), format!("{marker}1\u{E000}"));
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::TaskListMarker(done) => {
            Event::Text(if done { &checked } else { &unchecked }.clone().into())
        }
        other => other,
    });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    let clean = ammonia::Builder::default()
        .url_schemes(URL_SCHEMES.into_iter().collect())
        .add_tag_attributes("code", ["class"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("code", "class") => language_classes(value),
            _ => Some(Cow::Borrowed(value)),
        })
        .link_rel(Some("noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string();
    // A space after the box, as between a checkbox and its label in any task list.
    clean
        .replace(&unchecked, r#"<input type="checkbox" disabled=""> "#)
        .replace(
            &checked,
            r#"<input type="checkbox" disabled="" checked=""> "#,
        )
}

/// The `language-*` classes of a code block (how pulldown-cmark names the fence's language), nothing else.
fn language_classes(value: &str) -> Option<Cow<'_, str>> {
    let kept: Vec<&str> = value
        .split_ascii_whitespace()
        .filter(|c| {
            c.strip_prefix("language-").is_some_and(|lang| {
                !lang.is_empty()
                    && lang
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || "+-_.#".contains(ch))
            })
        })
        .collect();
    (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_tables_code_and_links() {
        let html = render(
            "# Orders\n\n| col | type |\n|---|---|\n| id | int |\n\n```sql\nselect 1\n```\n\n[docs](https://example.com)",
        );
        assert!(html.contains("<h1>Orders</h1>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<code class=\"language-sql\">"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.com" rel="noopener noreferrer">docs</a>"#),
            "{html}"
        );
    }

    #[test]
    fn strips_scripts_handlers_and_javascript_urls() {
        let html = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))\n\n<a href=\"javascript:alert(4)\">x</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn only_language_classes_on_code_survive() {
        let html = render(
            "<code class=\"language-rust\">fn x()</code>\n\n<code class=\"fixed inset-0 language-sql\">q</code>\n\n<div class=\"fixed inset-0 z-50\">overlay</div>\n\n<span class=\"language-rust\">s</span>",
        );
        assert!(html.contains(r#"<code class="language-rust">"#), "{html}");
        assert!(html.contains(r#"<code class="language-sql">"#), "{html}");
        assert!(!html.contains("fixed"), "{html}");
        assert!(!html.contains("inset-0"), "{html}");
        assert!(html.contains("<span>s</span>"), "{html}");
    }

    #[test]
    fn task_lists_are_disabled_checkboxes_and_no_other_input_survives() {
        let html = render(
            "- [x] done\n- [ ] open\n\n<input type=\"password\" name=\"pw\">\n\n<input type=\"checkbox\">\n\n<input>",
        );
        assert!(
            html.contains(r#"<li><input type="checkbox" disabled="" checked=""> done</li>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<li><input type="checkbox" disabled=""> open</li>"#),
            "{html}"
        );
        assert!(!html.contains("password"), "{html}");
        assert_eq!(html.matches("<input").count(), 2, "{html}");
        assert!(!html.contains('\u{E000}'), "{html}");
    }

    #[test]
    fn links_and_images_use_http_https_or_mailto_only() {
        let html = render(
            "[a](https://example.com) [b](mailto:data@example.com) [c](/sales/orders) [d](data:text/html,x) [e](vbscript:x) [f](ftp://example.com/x) ![g](data:image/svg+xml,x)",
        );
        assert!(html.contains(r#"href="https://example.com""#), "{html}");
        assert!(html.contains(r#"href="mailto:data@example.com""#), "{html}");
        assert!(html.contains(r#"href="/sales/orders""#), "{html}");
        for scheme in ["data:", "vbscript:", "ftp:"] {
            assert!(!html.contains(scheme), "{scheme} in {html}");
        }
    }
}
