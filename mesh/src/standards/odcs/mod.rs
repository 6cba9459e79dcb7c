//! Open Data Contract Standard (ODCS) v3: reading YAML (v3.0.x and v3.1.x), validating it against the
//! official JSON Schema, a typed view of the parts Agora models, and writing v3.1.0 YAML back.
//!
//! The document itself is kept whole (as JSON), so fields Agora does not model survive import and export.
pub mod lines;
pub mod model;

use std::sync::LazyLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::Validator;
use serde_json::Value;

use crate::error::{Error, FieldError};
use lines::LineMap;

pub use model::Contract;

/// The version written by exports.
pub const EXPORT_API_VERSION: &str = "v3.1.0";

static SCHEMA_V310: LazyLock<Validator> = LazyLock::new(|| {
    compile(include_str!(
        "../../../schemas/odcs-json-schema-v3.1.0.json"
    ))
});
static SCHEMA_V302: LazyLock<Validator> = LazyLock::new(|| {
    compile(include_str!(
        "../../../schemas/odcs-json-schema-v3.0.2.json"
    ))
});

fn compile(text: &str) -> Validator {
    let schema: Value = serde_json::from_str(text).expect("vendored ODCS schema is JSON");
    jsonschema::draft201909::new(&schema).expect("vendored ODCS schema compiles")
}

/// One problem with an imported document: where (line and path) and what rule it breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    /// Dotted path such as `schema[0].properties[3].logicalType` (empty for the whole document).
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl From<Vec<Problem>> for Error {
    fn from(problems: Vec<Problem>) -> Self {
        Error::Invalid(
            problems
                .into_iter()
                .map(|p| {
                    let at = match p.line {
                        Some(line) => format!("line {line}: {}", p.message),
                        None => p.message,
                    };
                    FieldError::new(
                        if p.path.is_empty() {
                            "contract".into()
                        } else {
                            p.path
                        },
                        at,
                    )
                })
                .collect(),
        )
    }
}

/// `/schema/0/properties/3/logicalType` -> `schema[0].properties[3].logicalType`.
pub fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        if part.chars().all(|c| c.is_ascii_digit()) && !part.is_empty() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&part);
        }
    }
    out
}

fn describe(kind: &ValidationErrorKind, fallback: String) -> String {
    let list = |v: &Value| match v {
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    match kind {
        ValidationErrorKind::Enum { options } => format!("must be one of: {}", list(options)),
        ValidationErrorKind::Required { property } => {
            format!("`{}` is required", property.as_str().unwrap_or("?"))
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let mut names: Vec<String> = unexpected.iter().take(10).map(|n| clip(n, 64)).collect();
            if unexpected.len() > names.len() {
                names.push(format!("and {} more", unexpected.len() - names.len()));
            }
            format!("unknown field(s): {}", names.join(", "))
        }
        ValidationErrorKind::Type { kind } => format!("must be of type {kind:?}")
            .to_lowercase()
            .replace("single(", "")
            .replace(')', ""),
        ValidationErrorKind::Constant { expected_value } => format!("must be {expected_value}"),
        _ => fallback,
    }
}

/// At most `max` characters of `text`, with `…` when cut (problems quote what they refuse, which may be huge).
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Parses ODCS YAML, checks the API version and validates against the matching official schema.
/// Returns the document as JSON, or every problem found with its line and path.
/// Documents over [`lines::MAX_BYTES`], nested deeper than [`lines::MAX_DEPTH`], copying more than
/// [`lines::MAX_ALIAS_NODES`] nodes with aliases, or repeating a key are refused before they are loaded, so
/// hostile input is cheap to refuse. At most [`MAX_PROBLEMS`] problems are listed, then how many more.
pub fn read(yaml: &str) -> Result<Value, Vec<Problem>> {
    let lines: LineMap = lines::scan(yaml).map_err(|problem| vec![problem])?;
    let doc: Value = serde_yaml_ng::from_str(yaml).map_err(|e| {
        vec![Problem {
            line: e.location().map(|l| l.line()),
            path: String::new(),
            message: format!("not valid YAML: {e}"),
        }]
    })?;
    let at = |pointer: &str| lines.line(pointer);
    if !doc.is_object() {
        return Err(vec![Problem {
            line: Some(1),
            path: String::new(),
            message: "a data contract must be a YAML mapping".into(),
        }]);
    }
    let api = doc
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !(api.starts_with("v3.1.") || api.starts_with("v3.0.")) {
        return Err(vec![Problem {
            line: at("/apiVersion"),
            path: "apiVersion".into(),
            message: format!(
                "`{}` is not supported: use ODCS v3.0.x or v3.1.x",
                if api.is_empty() { "(missing)" } else { api }
            ),
        }]);
    }
    // v3.1.0 is a superset that also accepts the v3.0.x API versions; a v3.0.x document that only the
    // v3.0.2 schema accepts is fine too. Problems are reported against v3.1.0, the version we export.
    let problems_under = |validator: &Validator| -> Vec<Problem> {
        validator
            .iter_errors(&doc)
            .map(|e| {
                let pointer = e.instance_path().to_string();
                Problem {
                    line: at(&pointer),
                    path: dotted(&pointer),
                    message: describe(e.kind(), e.to_string()),
                }
            })
            .collect()
    };
    let mut problems = problems_under(&SCHEMA_V310);
    if !problems.is_empty() && api.starts_with("v3.0.") && problems_under(&SCHEMA_V302).is_empty() {
        problems.clear();
    }
    problems.extend(
        link_problems(&doc)
            .into_iter()
            .chain(nul_problems(&doc))
            .chain(if problems.is_empty() {
                typed_view_problem(&doc)
            } else {
                None
            })
            .map(|mut p| {
                p.line = at(&p.path);
                p.path = dotted(&p.path);
                p
            }),
    );
    for p in &mut problems {
        p.path = clip(&p.path, 200);
        p.message = clip(&p.message, 500);
    }
    problems.sort_by_key(|p| (p.line, p.path.clone()));
    problems.dedup();
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        let line = problems[MAX_PROBLEMS].line;
        problems.truncate(MAX_PROBLEMS);
        problems.push(Problem {
            line,
            path: String::new(),
            message: format!("and {more} more problems from here on"),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(doc)
}

/// How many problems [`read`] lists at most.
pub const MAX_PROBLEMS: usize = 100;

/// Keys and strings holding the NUL character, which PostgreSQL cannot store in text (YAML writes it `"\0"`).
/// Returned with the JSON pointer as `path`.
fn nul_problems(doc: &Value) -> Vec<Problem> {
    fn walk(value: &Value, pointer: &mut String, out: &mut Vec<Problem>) {
        let problem = |pointer: &str| Problem {
            line: None,
            path: pointer.to_owned(),
            message: "text may not contain the NUL character (\\0)".into(),
        };
        match value {
            Value::String(s) if s.contains('\0') => out.push(problem(pointer)),
            Value::Object(map) => {
                for (key, child) in map {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    if key.contains('\0') {
                        out.push(problem(pointer));
                    } else {
                        walk(child, pointer, out);
                    }
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    walk(item, pointer, out);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut String::new(), &mut out);
    out
}

/// Where the typed view ([`Contract`]) cannot read a document the schema accepted (a v3.0.x document may
/// use shapes v3.1.0 dropped), with the JSON pointer as `path`.
fn typed_view_problem(doc: &Value) -> Option<Problem> {
    let err = serde_path_to_error::deserialize::<_, Contract>(doc).err()?;
    let mut pointer = String::new();
    for segment in err.path().iter() {
        use serde_path_to_error::Segment;
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { variant } => {
                pointer.push('/');
                pointer.push_str(variant);
            }
            Segment::Unknown => {}
        }
    }
    Some(Problem {
        line: None,
        path: pointer,
        message: err.into_inner().to_string(),
    })
}

/// Links people follow from a contract (support channels and authoritative definitions, at any depth) must
/// be web or email addresses ([`crate::validate::link`]): the schema allows any string, a `javascript:` URL
/// included. Returned with the JSON pointer as `path`; use [`link_problems_dotted`] for readable paths.
fn link_problems(doc: &Value) -> Vec<Problem> {
    fn walk(value: &Value, pointer: &mut String, in_links: bool, out: &mut Vec<Problem>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    match (in_links, key.as_str(), child) {
                        (true, "url", Value::String(url)) => {
                            if let Err(message) = crate::validate::link(url) {
                                out.push(Problem {
                                    line: None,
                                    path: pointer.clone(),
                                    message,
                                });
                            }
                        }
                        (_, "support" | "authoritativeDefinitions", Value::Array(items)) => {
                            for (i, item) in items.iter().enumerate() {
                                let len = pointer.len();
                                pointer.push_str(&format!("/{i}"));
                                walk(item, pointer, true, out);
                                pointer.truncate(len);
                            }
                        }
                        _ => walk(child, pointer, false, out),
                    }
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    walk(item, pointer, false, out);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut String::new(), false, &mut out);
    out
}

/// The links of a document that are not web or email addresses, with dotted paths (`support[0].url`), as
/// field errors of the contract form name them.
pub fn link_problems_dotted(doc: &Value) -> Vec<Problem> {
    link_problems(doc)
        .into_iter()
        .map(|mut p| {
            p.path = dotted(&p.path);
            p
        })
        .collect()
}

/// Validates a document (already JSON) against the v3.1.0 schema, e.g. an export.
pub fn validate_v310(doc: &Value) -> Result<(), Vec<Problem>> {
    let problems: Vec<Problem> = SCHEMA_V310
        .iter_errors(doc)
        .map(|e| Problem {
            line: None,
            path: dotted(&e.instance_path().to_string()),
            message: describe(e.kind(), e.to_string()),
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The document as it is exported: the same content, `apiVersion: v3.1.0`.
pub fn for_export(doc: &Value) -> Value {
    let mut out = doc.clone();
    if let Some(map) = out.as_object_mut() {
        map.insert(
            "apiVersion".into(),
            Value::String(EXPORT_API_VERSION.into()),
        );
    }
    out
}

/// v3.1.0 YAML of a document.
pub fn to_yaml(doc: &Value) -> String {
    serde_yaml_ng::to_string(&for_export(doc)).unwrap_or_default()
}

/// A stable digest of a document's content (for idempotent imports).
pub fn content_hash(doc: &Value) -> String {
    crate::access::secrets::hash(&doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_paths() {
        assert_eq!(
            dotted("/schema/0/properties/3/logicalType"),
            "schema[0].properties[3].logicalType"
        );
        assert_eq!(dotted(""), "");
        assert_eq!(dotted("/slaProperties/2"), "slaProperties[2]");
    }

    #[test]
    fn a_bad_logical_type_names_line_path_and_rule() {
        let yaml = "apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties:\n      - name: a\n        logicalType: text\n";
        let problems = read(yaml).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert_eq!(p.line, Some(10));
        assert_eq!(p.path, "schema[0].properties[0].logicalType");
        assert!(
            p.message
                .starts_with("must be one of: string, date, timestamp, time, number, integer"),
            "{}",
            p.message
        );
        assert_eq!(
            p.to_string(),
            format!(
                "line 10: schema[0].properties[0].logicalType: {}",
                p.message
            )
        );
    }

    #[test]
    fn links_must_be_web_or_email_addresses() {
        let yaml = "apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\nstatus: active\nsupport:\n  - channel: help\n    url: https://corp.slack.com/archives/C1\n  - channel: xss\n    url: javascript:alert(13)\nschema:\n  - name: t\n    authoritativeDefinitions:\n      - type: businessDefinition\n        url: data:text/html,x\n";
        let problems = read(yaml).unwrap_err();
        let found: Vec<(Option<usize>, &str)> =
            problems.iter().map(|p| (p.line, p.path.as_str())).collect();
        assert_eq!(
            found,
            [
                (Some(10), "support[1].url"),
                (Some(15), "schema[0].authoritativeDefinitions[0].url")
            ],
            "{problems:?}"
        );
        assert!(
            problems[0].message.contains("javascript:alert(13)"),
            "{problems:?}"
        );
        let fine = yaml
            .replace("javascript:alert(13)", "mailto:help@example.com")
            .replace("data:text/html,x", "https://wiki.example/t");
        assert!(read(&fine).is_ok());
    }

    #[test]
    fn missing_required_fields_and_unknown_versions() {
        let problems =
            read("apiVersion: v3.1.0\nkind: DataContract\nversion: 1.0.0\n").unwrap_err();
        let messages: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
        assert!(
            messages.contains(&"`id` is required".to_string()),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"`status` is required".to_string()),
            "{messages:?}"
        );
        let problems = read("apiVersion: v2.2.0\nkind: DataContract\n").unwrap_err();
        assert_eq!(problems[0].path, "apiVersion");
        assert_eq!(problems[0].line, Some(1));
        let problems = read("kind: [unclosed\n").unwrap_err();
        assert!(
            problems[0].message.starts_with("not valid YAML"),
            "{problems:?}"
        );
    }
}
