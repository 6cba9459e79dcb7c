//! The rule types a policy can use. Each explains a failure in plain words with a fix hint, e.g.
//! "3 columns have no description: a, b, c".
use chrono::{DateTime, Duration, Utc};
use regex::Regex;
use serde_json::{json, Value};

use crate::entity::prelude::*;
use crate::kinds::{Outcome, ProductStatus};

/// Everything the rules look at for one product.
#[derive(Clone, Debug)]
pub struct Facts {
    pub product: data_product::Model,
    pub team_owners: usize,
    pub ports: Vec<output_port::Model>,
    pub contracts: Vec<data_contract::Model>,
    pub properties: Vec<contract_property::Model>,
    pub sla: Vec<contract_sla::Model>,
    pub support_channels: usize,
    pub quality_rules: usize,
    pub tags: Vec<String>,
    pub last_quality_run: Option<quality_run::Model>,
    /// SLA measurements of the last 90 days: (observed at, met).
    pub sla_measurements: Vec<(DateTime<Utc>, bool)>,
    pub active_subscribers: u64,
    /// When the newest subscription to the product was made.
    pub last_subscription_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

/// A rule's judgement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub reason: String,
    pub fix: String,
}

fn pass(reason: impl Into<String>) -> Verdict {
    Verdict {
        outcome: Outcome::Pass,
        reason: reason.into(),
        fix: String::new(),
    }
}

fn fail(reason: impl Into<String>, fix: impl Into<String>) -> Verdict {
    Verdict {
        outcome: Outcome::Fail,
        reason: reason.into(),
        fix: fix.into(),
    }
}

fn not_applicable(reason: impl Into<String>) -> Verdict {
    Verdict {
        outcome: Outcome::NotApplicable,
        reason: reason.into(),
        fix: String::new(),
    }
}

/// "3 columns have no description: a, b, c" (at most 5 names listed).
fn listing(count_word: &str, names: &[String], what: &str) -> String {
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    let more = if names.len() > 5 {
        format!(" and {} more", names.len() - 5)
    } else {
        String::new()
    };
    let noun = if names.len() == 1 {
        count_word.trim_end_matches('s')
    } else {
        count_word
    };
    format!("{} {noun} {what}: {}{more}", names.len(), shown.join(", "))
}

/// Column names that usually hold personal data.
static PII_NAMES: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    Regex::new(r"(?i)(e_?mail|phone|mobile|first_?name|last_?name|full_?name|birth|address|street|postcode|zip|iban|ssn|passport|ip_address)")
        .expect("PII regex")
});

/// Longest naming pattern a policy may hold, in characters.
pub const MAX_PATTERN_CHARS: usize = 200;
/// Most memory one compiled naming pattern may take (regex's own limit is 10 MB per pattern).
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// A naming pattern, compiled once when its policy is read (so once per evaluation run, not per product),
/// bounded in length and compiled size so a policy cannot make evaluation slow or large.
#[derive(Clone, Debug)]
pub struct Pattern(Regex);

impl Pattern {
    pub fn new(pattern: &str) -> Result<Self, String> {
        if pattern.chars().count() > MAX_PATTERN_CHARS {
            return Err(format!("is longer than {MAX_PATTERN_CHARS} characters"));
        }
        regex::RegexBuilder::new(pattern)
            .size_limit(PATTERN_SIZE_LIMIT)
            .dfa_size_limit(PATTERN_SIZE_LIMIT)
            .build()
            .map(Pattern)
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => "compiles to more than 1 MB".to_owned(),
                e => format!("is not a valid regular expression: {e}"),
            })
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

/// A rule type with its parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    OwnerHasOwner,
    DocsMinLength {
        min: usize,
    },
    HasOutputPort,
    PortsHaveValidContract,
    SlaDeclared,
    SupportChannel,
    TermsOfUse,
    PropertiesDescribed,
    PropertiesClassified,
    HasQualityRule,
    QualityRecentPass {
        days: i64,
    },
    SlaMet {
        percent: f64,
        days: i64,
    },
    DeprecationComplete,
    ProductUsed {
        months: i64,
    },
    NamingConvention {
        product: Option<Pattern>,
        column: Option<Pattern>,
    },
    RequiredTags {
        tags: Vec<String>,
        all: bool,
    },
}

/// A rule type as offered in the policy editor.
pub struct RuleType {
    pub name: &'static str,
    pub title: &'static str,
    pub default_params: Value,
}

/// One rule type: the name policies store, what the policy editor offers, and how a policy's parameters are
/// read into a [`Rule`] (bad ones are refused).
struct Kind {
    name: &'static str,
    title: &'static str,
    default_params: fn() -> Value,
    read: fn(&Value) -> Result<Rule, String>,
}

/// Every rule type, each named here once. [`Rule::evaluate`] hands each to its own check function below.
const KINDS: &[Kind] = &[
    Kind {
        name: "owner_team_has_owner",
        title: "The owning team has an owner",
        default_params: || json!({}),
        read: |_| Ok(Rule::OwnerHasOwner),
    },
    Kind {
        name: "docs_min_length",
        title: "Documentation is at least N characters",
        default_params: || json!({"min": 300}),
        read: |params| {
            Ok(Rule::DocsMinLength {
                min: number(params, "min", 300.0)? as usize,
            })
        },
    },
    Kind {
        name: "has_output_port",
        title: "At least one output port",
        default_params: || json!({}),
        read: |_| Ok(Rule::HasOutputPort),
    },
    Kind {
        name: "ports_have_valid_contract",
        title: "Every port serves a contract valid under ODCS v3.1",
        default_params: || json!({}),
        read: |_| Ok(Rule::PortsHaveValidContract),
    },
    Kind {
        name: "sla_declared",
        title: "SLA declares availability, latency or frequency, and retention",
        default_params: || json!({}),
        read: |_| Ok(Rule::SlaDeclared),
    },
    Kind {
        name: "support_channel",
        title: "A support channel is declared",
        default_params: || json!({}),
        read: |_| Ok(Rule::SupportChannel),
    },
    Kind {
        name: "terms_of_use",
        title: "Terms of use are declared",
        default_params: || json!({}),
        read: |_| Ok(Rule::TermsOfUse),
    },
    Kind {
        name: "properties_described",
        title: "Every schema property is described",
        default_params: || json!({}),
        read: |_| Ok(Rule::PropertiesDescribed),
    },
    Kind {
        name: "properties_classified",
        title: "Every property is classified and personal data is flagged",
        default_params: || json!({}),
        read: |_| Ok(Rule::PropertiesClassified),
    },
    Kind {
        name: "has_quality_rule",
        title: "At least one quality rule",
        default_params: || json!({}),
        read: |_| Ok(Rule::HasQualityRule),
    },
    Kind {
        name: "quality_recent_pass",
        title: "The last quality run passed within N days",
        default_params: || json!({"days": 7}),
        read: |params| {
            Ok(Rule::QualityRecentPass {
                days: number(params, "days", 7.0)? as i64,
            })
        },
    },
    Kind {
        name: "sla_met",
        title: "The SLA was met at least X % of the last N days",
        default_params: || json!({"percent": 95, "days": 30}),
        read: |params| {
            let percent = number(params, "percent", 95.0)?;
            if percent > 100.0 {
                return Err("`percent` is at most 100".into());
            }
            Ok(Rule::SlaMet {
                percent,
                days: number(params, "days", 30.0)? as i64,
            })
        },
    },
    Kind {
        name: "deprecation_complete",
        title: "Deprecated products name a sunset date and a replacement",
        default_params: || json!({}),
        read: |_| Ok(Rule::DeprecationComplete),
    },
    Kind {
        name: "product_used",
        title: "At least one active subscriber within N months",
        default_params: || json!({"months": 6}),
        read: |params| {
            Ok(Rule::ProductUsed {
                months: number(params, "months", 6.0)? as i64,
            })
        },
    },
    Kind {
        name: "naming_convention",
        title: "Product slugs and column names follow a pattern",
        default_params: || json!({"product": "^[a-z][a-z0-9-]*$", "column": "^[a-z][a-z0-9_]*$"}),
        read: |params| {
            let pattern = |key: &str| -> Result<Option<Pattern>, String> {
                match params.get(key) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(p)) => Pattern::new(p)
                        .map(Some)
                        .map_err(|e| format!("`{key}` {e}")),
                    Some(_) => Err(format!("`{key}` must be a regular expression in a string")),
                }
            };
            let (product, column) = (pattern("product")?, pattern("column")?);
            if product.is_none() && column.is_none() {
                return Err("give a `product` or `column` pattern".into());
            }
            Ok(Rule::NamingConvention { product, column })
        },
    },
    Kind {
        name: "required_tags",
        title: "Required tags are present",
        default_params: || json!({"tags": ["pii"], "all": false}),
        read: |params| {
            let tags: Vec<String> = params
                .get("tags")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(crate::catalog::tags::normalise))
                        .collect()
                })
                .unwrap_or_default();
            if tags.is_empty() {
                return Err("`tags` must list at least one tag".into());
            }
            Ok(Rule::RequiredTags {
                tags,
                all: params.get("all").and_then(Value::as_bool).unwrap_or(false),
            })
        },
    },
];

pub fn catalog() -> Vec<RuleType> {
    KINDS
        .iter()
        .map(|k| RuleType {
            name: k.name,
            title: k.title,
            default_params: (k.default_params)(),
        })
        .collect()
}

fn number(params: &Value, key: &str, default: f64) -> Result<f64, String> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v
            .as_f64()
            .filter(|n| *n > 0.0)
            .ok_or_else(|| format!("`{key}` must be a positive number")),
    }
}

impl Rule {
    /// Reads a rule type and its parameters, checking them (a bad regex or a negative number is refused).
    pub fn parse(name: &str, params: &Value) -> Result<Rule, String> {
        let kind = KINDS
            .iter()
            .find(|k| k.name == name)
            .ok_or_else(|| format!("unknown rule type `{name}`"))?;
        (kind.read)(params)
    }

    /// Judges a product.
    pub fn evaluate(&self, f: &Facts) -> Verdict {
        match self {
            Rule::OwnerHasOwner => owner_team_has_owner(f),
            Rule::DocsMinLength { min } => docs_min_length(f, *min),
            Rule::HasOutputPort => has_output_port(f),
            Rule::PortsHaveValidContract => ports_have_valid_contract(f),
            Rule::SlaDeclared => sla_declared(f),
            Rule::SupportChannel => support_channel(f),
            Rule::TermsOfUse => terms_of_use(f),
            Rule::PropertiesDescribed => properties_described(f),
            Rule::PropertiesClassified => properties_classified(f),
            Rule::HasQualityRule => has_quality_rule(f),
            Rule::QualityRecentPass { days } => quality_recent_pass(f, *days),
            Rule::SlaMet { percent, days } => sla_met(f, *percent, *days),
            Rule::DeprecationComplete => deprecation_complete(f),
            Rule::ProductUsed { months } => product_used(f, *months),
            Rule::NamingConvention { product, column } => {
                naming_convention(f, product.as_ref(), column.as_ref())
            }
            Rule::RequiredTags { tags, all } => required_tags(f, tags, *all),
        }
    }
}

/// Column rules do not pass a product that declares no schema.
fn no_schema(f: &Facts) -> Option<Verdict> {
    f.properties.is_empty().then(|| {
        fail(
            "no schema is declared",
            "import a data contract with a schema",
        )
    })
}

fn owner_team_has_owner(f: &Facts) -> Verdict {
    if f.team_owners > 0 {
        pass(format!("the owning team has {} owner(s)", f.team_owners))
    } else {
        fail(
            "the owning team has no owner",
            "ask an admin to name an owner of the team in /admin",
        )
    }
}

fn docs_min_length(f: &Facts, min: usize) -> Verdict {
    let len = f.product.description.chars().count();
    if len >= min {
        pass(format!("documentation has {len} characters"))
    } else {
        fail(
            format!("documentation has {len} characters, fewer than {min}"),
            "describe purpose, grain, freshness and caveats on the Overview tab",
        )
    }
}

fn has_output_port(f: &Facts) -> Verdict {
    if f.ports.is_empty() {
        fail(
            "there is no output port",
            "add an output port so consumers know where the data is",
        )
    } else {
        pass(format!("{} output port(s)", f.ports.len()))
    }
}

fn ports_have_valid_contract(f: &Facts) -> Verdict {
    if f.ports.is_empty() {
        return not_applicable("no output port");
    }
    let missing: Vec<String> = f
        .ports
        .iter()
        .filter(|port| port.contract_id.is_none())
        .map(|port| port.slug.clone())
        .collect();
    if !missing.is_empty() {
        return fail(
            listing("ports", &missing, "serve no data contract"),
            "import an ODCS contract and serve it on each port",
        );
    }
    let invalid: Vec<String> = f
        .contracts
        .iter()
        .filter(|c| f.ports.iter().any(|port| port.contract_id == Some(c.id)))
        .filter(|c| {
            crate::standards::odcs::validate_v310(&crate::standards::odcs::for_export(&c.document))
                .is_err()
        })
        .map(|c| c.odcs_id.clone())
        .collect();
    if invalid.is_empty() {
        pass("every port serves a valid ODCS v3.1 contract")
    } else {
        fail(
            listing("contracts", &invalid, "are not valid under ODCS v3.1"),
            "fix the contract and import it again",
        )
    }
}

fn sla_declared(f: &Facts) -> Verdict {
    let has = |names: &[&str]| {
        f.sla
            .iter()
            .any(|s| names.iter().any(|n| s.property.eq_ignore_ascii_case(n)))
    };
    let timing = has(&["availability", "latency", "frequency"]);
    let retention = has(&["retention"]);
    match (timing, retention) {
        (true, true) => pass("availability/latency/frequency and retention are declared"),
        (false, true) => fail(
            "the SLA names no availability, latency or frequency",
            "add one of them to the contract's slaProperties",
        ),
        (true, false) => fail(
            "the SLA names no retention",
            "add a retention to the contract's slaProperties",
        ),
        (false, false) => fail(
            "no SLA is declared",
            "declare availability, latency or frequency, and retention",
        ),
    }
}

fn support_channel(f: &Facts) -> Verdict {
    if f.support_channels > 0 {
        pass(format!("{} support channel(s)", f.support_channels))
    } else {
        fail(
            "no support channel is declared",
            "add a support channel (Slack, Teams, email) to the contract",
        )
    }
}

fn terms_of_use(f: &Facts) -> Verdict {
    if f.contracts.iter().any(|c| !c.usage.trim().is_empty()) {
        pass("terms of use are declared")
    } else {
        fail(
            "no terms of use are declared",
            "state the intended usage in the contract's description.usage",
        )
    }
}

fn properties_described(f: &Facts) -> Verdict {
    if let Some(v) = no_schema(f) {
        return v;
    }
    let missing: Vec<String> = f
        .properties
        .iter()
        .filter(|c| c.description.trim().is_empty())
        .map(|c| c.name.clone())
        .collect();
    if missing.is_empty() {
        pass(format!("all {} columns are described", f.properties.len()))
    } else {
        fail(
            listing("columns", &missing, "have no description"),
            "describe each column in the contract's schema",
        )
    }
}

fn properties_classified(f: &Facts) -> Verdict {
    if let Some(v) = no_schema(f) {
        return v;
    }
    let unclassified: Vec<String> = f
        .properties
        .iter()
        .filter(|c| {
            c.classification
                .as_deref()
                .is_none_or(|x| x.trim().is_empty())
        })
        .map(|c| c.name.clone())
        .collect();
    let unflagged: Vec<String> = f
        .properties
        .iter()
        .filter(|c| !c.pii && PII_NAMES.is_match(&c.name))
        .map(|c| c.name.clone())
        .collect();
    match (unclassified.is_empty(), unflagged.is_empty()) {
        (true, true) => pass(format!("all {} columns are classified", f.properties.len())),
        (false, _) => fail(
            listing("columns", &unclassified, "have no classification"),
            "set a classification (public, internal, confidential, restricted) on each column",
        ),
        (true, false) => fail(
            listing(
                "columns",
                &unflagged,
                "look like personal data but are not flagged",
            ),
            "flag them with a `pii` custom property, or rename them if they hold no personal data",
        ),
    }
}

fn has_quality_rule(f: &Facts) -> Verdict {
    if f.quality_rules > 0 {
        pass(format!("{} quality rule(s)", f.quality_rules))
    } else {
        fail(
            "no quality rule is declared",
            "add a quality rule (e.g. nullValues mustBe 0 on a key column) to the contract",
        )
    }
}

fn quality_recent_pass(f: &Facts, days: i64) -> Verdict {
    match &f.last_quality_run {
        None => fail(
            "no quality run was ever reported",
            "push test results from your pipeline to /api/v1/.../quality-results",
        ),
        Some(run) if f.now - run.observed_at > Duration::days(days) => fail(
            format!(
                "the last quality run was {} days ago",
                (f.now - run.observed_at).num_days()
            ),
            format!("run the quality checks at least every {days} days"),
        ),
        Some(run) if run.result == "passed" => pass(format!(
            "the last quality run passed ({})",
            run.observed_at.format("%Y-%m-%d")
        )),
        Some(run) => fail(
            format!(
                "the last quality run {} ({} of {} checks failed)",
                run.result,
                run.failed,
                run.passed + run.failed
            ),
            "fix the failing checks shown on the Quality tab",
        ),
    }
}

fn sla_met(f: &Facts, percent: f64, days: i64) -> Verdict {
    let since = f.now - Duration::days(days);
    let window: Vec<bool> = f
        .sla_measurements
        .iter()
        .filter(|(at, _)| *at >= since)
        .map(|(_, met)| *met)
        .collect();
    let (met, total) = (window.iter().filter(|m| **m).count(), window.len());
    if total == 0 {
        return fail(
            format!("no SLA measurement in the last {days} days"),
            "push SLA measurements from your monitoring to /api/v1/.../sla-measurements",
        );
    }
    let share = met as f64 * 100.0 / total as f64;
    if share >= percent {
        pass(format!("SLA met {share:.1} % of {total} measurements"))
    } else {
        fail(
            format!("SLA met {share:.1} % of {total} measurements, below {percent} %"),
            "look at the SLA history on the Quality tab",
        )
    }
}

fn deprecation_complete(f: &Facts) -> Verdict {
    let p = &f.product;
    if p.status != ProductStatus::Deprecated {
        return not_applicable("not deprecated");
    }
    match (p.sunset_date.is_some(), p.replacement_id.is_some()) {
        (true, true) => pass("sunset date and replacement are named"),
        (false, _) => fail(
            "the sunset date is missing",
            "set a sunset date on the Edit tab",
        ),
        (true, false) => fail(
            "no replacement is named",
            "name the product that replaces this one",
        ),
    }
}

fn product_used(f: &Facts, months: i64) -> Verdict {
    let p = &f.product;
    let since = p.published_at.unwrap_or(p.created_at);
    if p.status == ProductStatus::Draft || f.now - since < Duration::days(30 * months) {
        return not_applicable(format!("published less than {months} months ago"));
    }
    let recent = f
        .last_subscription_at
        .is_some_and(|at| f.now - at < Duration::days(30 * months));
    if f.active_subscribers > 0 || recent {
        pass(format!("{} active subscriber(s)", f.active_subscribers))
    } else {
        fail(
            format!("nobody subscribed in the last {months} months"),
            "promote the product, or deprecate it if nobody needs it",
        )
    }
}

fn naming_convention(f: &Facts, product: Option<&Pattern>, column: Option<&Pattern>) -> Verdict {
    let p = &f.product;
    let mut problems = Vec::new();
    if let Some(re) = product {
        if !re.is_match(&p.slug) {
            problems.push(format!(
                "the product name `{}` does not match {}",
                p.slug,
                re.as_str()
            ));
        }
    }
    if let Some(re) = column {
        let bad: Vec<String> = f
            .properties
            .iter()
            .filter(|c| !re.is_match(&c.name))
            .map(|c| c.name.clone())
            .collect();
        if !bad.is_empty() {
            problems.push(listing(
                "columns",
                &bad,
                &format!("do not match {}", re.as_str()),
            ));
        }
    }
    if problems.is_empty() {
        pass("names follow the convention")
    } else {
        fail(problems.join("; "), "rename them to follow the convention")
    }
}

fn required_tags(f: &Facts, tags: &[String], all: bool) -> Verdict {
    let missing: Vec<String> = tags
        .iter()
        .filter(|t| !f.tags.contains(t))
        .cloned()
        .collect();
    let ok = if all {
        missing.is_empty()
    } else {
        missing.len() < tags.len()
    };
    if ok {
        pass("the required tags are present")
    } else if all {
        fail(
            listing("tags", &missing, "are missing"),
            "add them on the Edit tab",
        )
    } else {
        fail(
            format!("none of the tags {} is present", tags.join(", ")),
            "add one of them on the Edit tab",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::{ApprovalMode, PortKind, ProductKind};

    fn product() -> data_product::Model {
        let now = Utc::now();
        data_product::Model {
            id: 1,
            domain_id: 1,
            slug: "orders".into(),
            name: "Orders".into(),
            summary: "s".into(),
            description: "x".repeat(400),
            kind: ProductKind::SourceAligned,
            status: ProductStatus::Published,
            version: "1.0.0".into(),
            owner_team_id: 1,
            sunset_date: None,
            replacement_id: None,
            created_at: now - Duration::days(400),
            updated_at: now,
            published_at: Some(now - Duration::days(400)),
            has_pii: false,
            sla_availability: None,
        }
    }

    fn port(contract: Option<i64>) -> output_port::Model {
        output_port::Model {
            id: 1,
            product_id: 1,
            slug: "warehouse".into(),
            name: "Table".into(),
            description: String::new(),
            kind: PortKind::Table,
            location: "DB.ORDERS".into(),
            server: None,
            approval_mode: ApprovalMode::Manual,
            created_at: Utc::now(),
            contract_id: contract,
        }
    }

    fn column(
        name: &str,
        description: &str,
        classification: Option<&str>,
        pii: bool,
    ) -> contract_property::Model {
        contract_property::Model {
            id: 1,
            contract_id: 1,
            object_id: 1,
            position: 0,
            name: name.into(),
            business_name: None,
            logical_type: Some("string".into()),
            physical_type: None,
            description: description.into(),
            required: false,
            is_unique: false,
            primary_key: false,
            classification: classification.map(str::to_owned),
            pii,
            critical: false,
            examples: String::new(),
        }
    }

    fn sla(property: &str) -> contract_sla::Model {
        contract_sla::Model {
            id: 1,
            contract_id: 1,
            position: 0,
            property: property.into(),
            value: "1".into(),
            value_ext: None,
            unit: Some("d".into()),
            element: None,
            driver: None,
            description: String::new(),
        }
    }

    fn contract(usage: &str, document: Value) -> data_contract::Model {
        data_contract::Model {
            id: 1,
            product_id: 1,
            odcs_id: "orders".into(),
            name: "Orders".into(),
            version: "1.0.0".into(),
            status: "active".into(),
            api_version: "v3.1.0".into(),
            document,
            content_hash: String::new(),
            purpose: String::new(),
            usage: usage.into(),
            limitations: String::new(),
            price_amount: None,
            price_currency: None,
            price_unit: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn valid_doc() -> Value {
        json!({"apiVersion": "v3.1.0", "kind": "DataContract", "id": "orders", "version": "1.0.0", "status": "active"})
    }

    /// A product that meets every rule.
    fn good() -> Facts {
        Facts {
            product: product(),
            team_owners: 1,
            ports: vec![port(Some(1))],
            contracts: vec![contract("Reporting", valid_doc())],
            properties: vec![column("order_id", "Order number", Some("internal"), false)],
            sla: vec![sla("availability"), sla("retention")],
            support_channels: 1,
            quality_rules: 1,
            tags: vec!["pii".into()],
            last_quality_run: Some(quality_run::Model {
                id: 1,
                product_id: 1,
                port_id: None,
                source: "agora".into(),
                run_id: "r".into(),
                result: "passed".into(),
                checks: json!([]),
                passed: 3,
                failed: 0,
                observed_at: Utc::now() - Duration::days(1),
                created_at: Utc::now(),
            }),
            sla_measurements: (0..10)
                .map(|d| (Utc::now() - Duration::days(d), true))
                .collect(),
            active_subscribers: 1,
            last_subscription_at: Some(Utc::now() - Duration::days(10)),
            now: Utc::now(),
        }
    }

    fn all_rules() -> Vec<Rule> {
        catalog()
            .iter()
            .map(|t| Rule::parse(t.name, &t.default_params).unwrap())
            .collect()
    }

    #[test]
    fn every_rule_type_is_named_once() {
        let mut names: Vec<&str> = catalog().iter().map(|t| t.name).collect();
        let listed = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), listed, "a rule type name is listed twice");
    }

    #[test]
    fn a_complete_product_passes_every_rule_type() {
        let facts = good();
        for rule in all_rules() {
            let v = rule.evaluate(&facts);
            assert!(
                matches!(v.outcome, Outcome::Pass | Outcome::NotApplicable),
                "{rule:?}: {v:?}"
            );
        }
    }

    fn fails(rule: &str, params: Value, change: impl FnOnce(&mut Facts)) -> Verdict {
        let mut facts = good();
        change(&mut facts);
        let v = Rule::parse(rule, &params).unwrap().evaluate(&facts);
        assert_eq!(v.outcome, Outcome::Fail, "{rule}: {v:?}");
        assert!(!v.fix.is_empty(), "{rule} gives a fix hint");
        v
    }

    #[test]
    fn every_rule_type_fails_with_a_reason_and_a_fix() {
        fails("owner_team_has_owner", json!({}), |f| f.team_owners = 0);
        let v = fails("docs_min_length", json!({"min": 300}), |f| {
            f.product.description = "short".into()
        });
        assert_eq!(v.reason, "documentation has 5 characters, fewer than 300");
        fails("has_output_port", json!({}), |f| f.ports.clear());
        let v = fails("ports_have_valid_contract", json!({}), |f| {
            f.ports = vec![port(None)]
        });
        assert_eq!(v.reason, "1 port serve no data contract: warehouse");
        fails("ports_have_valid_contract", json!({}), |f| {
            f.contracts = vec![contract("x", json!({"kind": "DataContract"}))]
        });
        let v = fails("sla_declared", json!({}), |f| {
            f.sla = vec![sla("availability")]
        });
        assert_eq!(v.reason, "the SLA names no retention");
        fails("support_channel", json!({}), |f| f.support_channels = 0);
        fails("terms_of_use", json!({}), |f| {
            f.contracts = vec![contract("", valid_doc())]
        });
        let v = fails("properties_described", json!({}), |f| {
            f.properties = vec![
                column("a", "", Some("internal"), false),
                column("b", "", Some("internal"), false),
                column("c", "ok", Some("internal"), false),
            ]
        });
        assert_eq!(v.reason, "2 columns have no description: a, b");
        fails("properties_classified", json!({}), |f| {
            f.properties = vec![column("a", "x", None, false)]
        });
        let v = fails("properties_classified", json!({}), |f| {
            f.properties = vec![column("customer_email", "x", Some("internal"), false)]
        });
        assert!(v.reason.contains("look like personal data"), "{}", v.reason);
        fails("has_quality_rule", json!({}), |f| f.quality_rules = 0);
        fails("quality_recent_pass", json!({"days": 7}), |f| {
            f.last_quality_run = None
        });
        fails("quality_recent_pass", json!({"days": 7}), |f| {
            f.last_quality_run.as_mut().unwrap().result = "failed".into()
        });
        fails("quality_recent_pass", json!({"days": 7}), |f| {
            f.last_quality_run.as_mut().unwrap().observed_at = Utc::now() - Duration::days(9)
        });
        let v = fails("sla_met", json!({"percent": 95, "days": 30}), |f| {
            f.sla_measurements = (0..10)
                .map(|d| (Utc::now() - Duration::days(d), d % 2 == 0))
                .collect()
        });
        assert_eq!(v.reason, "SLA met 50.0 % of 10 measurements, below 95 %");
        fails("deprecation_complete", json!({}), |f| {
            f.product.status = ProductStatus::Deprecated
        });
        fails("product_used", json!({"months": 6}), |f| {
            f.active_subscribers = 0;
            f.last_subscription_at = None;
        });
        fails("naming_convention", json!({"column": "^[a-z_]+$"}), |f| {
            f.properties[0].name = "OrderID".into()
        });
        fails(
            "required_tags",
            json!({"tags": ["finance"], "all": true}),
            |_| {},
        );
    }

    #[test]
    fn rules_that_do_not_apply_say_so() {
        let mut facts = good();
        facts.product.published_at = Some(Utc::now() - Duration::days(10));
        facts.active_subscribers = 0;
        facts.last_subscription_at = None;
        let v = Rule::parse("product_used", &json!({"months": 6}))
            .unwrap()
            .evaluate(&facts);
        assert_eq!(v.outcome, Outcome::NotApplicable);
        let v = Rule::DeprecationComplete.evaluate(&good());
        assert_eq!(v.outcome, Outcome::NotApplicable);
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Rule::parse("docs_min_length", &json!({"min": -1})).is_err());
        assert!(Rule::parse("naming_convention", &json!({"column": "("}))
            .unwrap_err()
            .contains("regular expression"));
        let long = format!("^{}$", "a".repeat(MAX_PATTERN_CHARS));
        assert_eq!(
            Rule::parse("naming_convention", &json!({ "product": long })).unwrap_err(),
            "`product` is longer than 200 characters"
        );
        assert_eq!(
            Rule::parse("naming_convention", &json!({"column": "\\w{1000}{1000}"})).unwrap_err(),
            "`column` compiles to more than 1 MB",
            "a short pattern that would compile to a huge automaton"
        );
        assert!(Rule::parse("naming_convention", &json!({"column": 7})).is_err());
        assert!(Rule::parse("required_tags", &json!({"tags": []})).is_err());
        assert!(Rule::parse("sla_met", &json!({"percent": 120})).is_err());
        assert_eq!(
            Rule::parse("nope", &json!({})).unwrap_err(),
            "unknown rule type `nope`"
        );
    }
}
