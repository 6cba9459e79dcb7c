//! Markdown documentation to safe HTML: pulldown-cmark renders, ammonia removes anything that could run.
use pulldown_cmark::{html, Options, Parser};

/// Renders product documentation (CommonMark + tables, strikethrough, task lists) and sanitizes the result:
/// no script, no inline event handler, no `javascript:` URL survives; links get `rel="noopener noreferrer"`.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tags(["input"])
        .link_rel(Some("noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string()
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
}
