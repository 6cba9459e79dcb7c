//! Small input rules shared by every way in (forms, API, imports).
use std::sync::LazyLock;

use regex::Regex;

static SLUG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]+(?:-[a-z0-9]+)*$").expect("slug regex"));

/// A URL-safe name: lowercase letters, digits and single dashes, 2 to 64 characters.
pub fn slug(value: &str) -> Result<(), String> {
    if value.len() < 2 || value.len() > 64 {
        return Err("must be 2 to 64 characters long".into());
    }
    if !SLUG.is_match(value) {
        return Err(
            "must be lowercase letters, digits and single dashes (e.g. customer-orders)".into(),
        );
    }
    Ok(())
}

/// Turns a name into a slug candidate: "Customer Orders (EU)" -> "customer-orders-eu".
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.truncate(64);
    out
}

/// URL schemes a link people click may use: web pages and email. Anything else (`javascript:`, `data:`,
/// `vbscript:`, chat-client schemes...) is refused where it comes in and shown as text where it is shown.
/// Chat channels are reached through their https addresses (`https://corp.slack.com/archives/...`), as in the
/// ODCS examples.
pub const LINK_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// A link a person may follow: an absolute `http`, `https` or `mailto` URL.
pub fn link(value: &str) -> Result<(), String> {
    let refused = || {
        format!(
            "`{}` is not a web or email link: use an https://, http:// or mailto: address",
            value.chars().take(80).collect::<String>()
        )
    };
    let url = url::Url::parse(value.trim()).map_err(|_| refused())?;
    if !LINK_SCHEMES.contains(&url.scheme()) {
        return Err(refused());
    }
    if url.scheme() != "mailto" && url.host_str().is_none_or(str::is_empty) {
        return Err(refused());
    }
    Ok(())
}

/// A semantic version `MAJOR.MINOR.PATCH` with an optional pre-release (`1.0.0-rc.1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

pub fn semver(value: &str) -> Result<Version, String> {
    let core = value.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    let err = || format!("`{value}` is not a semantic version like 1.4.0");
    if parts.len() != 3 {
        return Err(err());
    }
    let num = |s: &str| -> Result<u64, String> {
        if s.is_empty() || (s.len() > 1 && s.starts_with('0')) {
            return Err(err());
        }
        s.parse().map_err(|_| err())
    };
    Ok(Version {
        major: num(parts[0])?,
        minor: num(parts[1])?,
        patch: num(parts[2])?,
    })
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(slug("customer-orders").is_ok());
        assert!(slug("orders2").is_ok());
        for bad in [
            "Orders",
            "a",
            "-orders",
            "orders-",
            "cust--orders",
            "cust_orders",
            "ü",
        ] {
            assert!(slug(bad).is_err(), "{bad} should be rejected");
        }
        assert_eq!(slugify("Customer Orders (EU)"), "customer-orders-eu");
        assert_eq!(slugify("  Ärger & Co  "), "rger-co");
    }

    #[test]
    fn links_are_web_or_email_only() {
        for good in [
            "https://northwind.slack.com/archives/C01SALES",
            "http://wiki.example/orders",
            "mailto:finance-data@northwind.example",
            " https://example.com ",
        ] {
            assert!(link(good).is_ok(), "{good} should be accepted");
        }
        for bad in [
            "javascript:alert(13)",
            "JavaScript:alert(13)",
            " javascript:alert(13)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "slack://channel?team=T1",
            "file:///etc/passwd",
            "//evil.example/x",
            "/relative/path",
            "https://",
            "",
        ] {
            assert!(link(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn semantic_versions() {
        assert_eq!(
            semver("1.4.0").unwrap(),
            Version {
                major: 1,
                minor: 4,
                patch: 0
            }
        );
        assert!(semver("2.0.0-rc.1").is_ok());
        for bad in ["1.4", "v1.4.0", "01.2.3", "1.2.x", ""] {
            assert!(semver(bad).is_err(), "{bad} should be rejected");
        }
        assert!(semver("1.10.0").unwrap() > semver("1.9.3").unwrap());
    }
}
