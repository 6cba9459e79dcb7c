//! The marketplace's state lives in the URL query: helpers to read it and to build the links that change it.
use url::form_urlencoded;

/// The (key, value) pairs of a query string, in order.
pub fn pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `/products` with these pairs (empty values left out).
pub fn href(pairs: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        s.append_pair(k, v);
    }
    let query = s.finish();
    if query.is_empty() {
        "/products".into()
    } else {
        format!("/products?{query}")
    }
}

/// The first value of `key`.
pub fn get(query: &str, key: &str) -> Option<String> {
    pairs(query)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Selects or unselects one facet value; back to page 1.
pub fn toggle(query: &str, key: &str, value: &str) -> String {
    let mut p = pairs(query);
    p.retain(|(k, _)| k != "page");
    let before = p.len();
    p.retain(|(k, v)| !(k == key && v == value));
    if p.len() == before {
        p.push((key.to_owned(), value.to_owned()));
    }
    href(&p)
}

/// Sets a single-valued parameter (`q`, `sort`, `page`), or removes it with `None`; other changes go back to
/// page 1.
pub fn set(query: &str, key: &str, value: Option<&str>) -> String {
    let mut p = pairs(query);
    p.retain(|(k, _)| k != key && (key == "page" || k != "page"));
    if let Some(v) = value {
        p.push((key.to_owned(), v.to_owned()));
    }
    href(&p)
}

/// Removes every value of a facet; back to page 1.
pub fn without(query: &str, key: &str) -> String {
    let mut p = pairs(query);
    p.retain(|(k, _)| k != key && k != "page");
    href(&p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_change_one_thing_and_reset_the_page() {
        let q = "q=order+lines&domain=sales&page=3";
        assert_eq!(
            toggle(q, "domain", "hr"),
            "/products?q=order+lines&domain=sales&domain=hr"
        );
        assert_eq!(toggle(q, "domain", "sales"), "/products?q=order+lines");
        assert_eq!(
            set(q, "page", Some("4")),
            "/products?q=order+lines&domain=sales&page=4"
        );
        assert_eq!(set(q, "q", None), "/products?domain=sales");
        assert_eq!(without(q, "domain"), "/products?q=order+lines");
        assert_eq!(get("?q=a%26b", "q").as_deref(), Some("a&b"));
        assert_eq!(href(&[]), "/products");
    }
}
