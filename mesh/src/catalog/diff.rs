//! What changed between two published states of a product, and whether consumers break: a property removed
//! or renamed, a type narrowed, a property becoming required, an SLA weakened, a port removed.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::validate::Version;

/// The contract-relevant state of a product at publication.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub ports: Vec<PortSnap>,
    pub objects: Vec<ObjectSnap>,
    pub sla: Vec<SlaSnap>,
    /// A digest of the docs and summary: any change there is a patch.
    #[serde(default)]
    pub docs_digest: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortSnap {
    pub slug: String,
    pub kind: String,
    pub location: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectSnap {
    pub name: String,
    pub properties: Vec<PropSnap>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PropSnap {
    pub name: String,
    pub logical_type: Option<String>,
    pub physical_type: Option<String>,
    pub required: bool,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlaSnap {
    pub property: String,
    pub value: String,
    pub unit: Option<String>,
    pub element: Option<String>,
}

/// How much a change matters to consumers (a vocabulary, so the UI shows it without a string of its own).
pub use crate::kinds::ChangeLevel as Level;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub level: Level,
    /// Where: `orders.amount`, `port warehouse`, `sla latency`.
    pub path: String,
    /// In words, e.g. "type narrowed from number to integer".
    pub what: String,
}

impl Change {
    fn new(level: Level, path: impl Into<String>, what: impl Into<String>) -> Self {
        Self {
            level,
            path: path.into(),
            what: what.into(),
        }
    }
}

/// Every change from `old` to `new`, breaking ones first.
pub fn diff(old: &Snapshot, new: &Snapshot) -> Vec<Change> {
    let mut changes = Vec::new();
    diff_ports(old, new, &mut changes);
    diff_schema(old, new, &mut changes);
    diff_sla(old, new, &mut changes);
    if old.docs_digest != new.docs_digest {
        changes.push(Change::new(Level::Patch, "docs", "documentation changed"));
    }
    changes.sort_by(|a, b| b.level.cmp(&a.level).then(a.path.cmp(&b.path)));
    changes
}

fn diff_ports(old: &Snapshot, new: &Snapshot, out: &mut Vec<Change>) {
    for p in &old.ports {
        match new.ports.iter().find(|n| n.slug == p.slug) {
            None => out.push(Change::new(
                Level::Breaking,
                format!("port {}", p.slug),
                "output port removed",
            )),
            Some(n) if n.location != p.location || n.kind != p.kind => out.push(Change::new(
                Level::Breaking,
                format!("port {}", p.slug),
                format!(
                    "moved from {} {} to {} {}",
                    p.kind, p.location, n.kind, n.location
                ),
            )),
            Some(_) => {}
        }
    }
    for n in &new.ports {
        if !old.ports.iter().any(|p| p.slug == n.slug) {
            out.push(Change::new(
                Level::Minor,
                format!("port {}", n.slug),
                "output port added",
            ));
        }
    }
}

fn diff_schema(old: &Snapshot, new: &Snapshot, out: &mut Vec<Change>) {
    for o in &old.objects {
        let Some(n) = new.objects.iter().find(|x| x.name == o.name) else {
            out.push(Change::new(
                Level::Breaking,
                o.name.clone(),
                "schema object removed",
            ));
            continue;
        };
        let removed: Vec<&PropSnap> = o
            .properties
            .iter()
            .filter(|p| !n.properties.iter().any(|q| q.name == p.name))
            .collect();
        let added: Vec<&PropSnap> = n
            .properties
            .iter()
            .filter(|q| !o.properties.iter().any(|p| p.name == q.name))
            .collect();
        // One property gone and one of the same type come: a rename.
        if let ([gone], [came]) = (removed.as_slice(), added.as_slice()) {
            if gone.logical_type == came.logical_type {
                out.push(Change::new(
                    Level::Breaking,
                    format!("{}.{}", o.name, gone.name),
                    format!("property renamed to {}", came.name),
                ));
            } else {
                out.push(Change::new(
                    Level::Breaking,
                    format!("{}.{}", o.name, gone.name),
                    "property removed",
                ));
                out.push(Change::new(
                    Level::Minor,
                    format!("{}.{}", o.name, came.name),
                    "property added",
                ));
            }
        } else {
            for gone in removed {
                out.push(Change::new(
                    Level::Breaking,
                    format!("{}.{}", o.name, gone.name),
                    "property removed",
                ));
            }
            for came in added {
                out.push(Change::new(
                    Level::Minor,
                    format!("{}.{}", o.name, came.name),
                    "property added",
                ));
            }
        }
        for p in &o.properties {
            let Some(q) = n.properties.iter().find(|q| q.name == p.name) else {
                continue;
            };
            let path = format!("{}.{}", o.name, p.name);
            if p.logical_type != q.logical_type {
                let from = p.logical_type.clone().unwrap_or_else(|| "untyped".into());
                let to = q.logical_type.clone().unwrap_or_else(|| "untyped".into());
                if logical_widening(&from, &to) {
                    out.push(Change::new(
                        Level::Minor,
                        path.clone(),
                        format!("type widened from {from} to {to}"),
                    ));
                } else {
                    out.push(Change::new(
                        Level::Breaking,
                        path.clone(),
                        format!("type changed from {from} to {to}"),
                    ));
                }
            } else if p.physical_type != q.physical_type {
                let from = p.physical_type.clone().unwrap_or_default();
                let to = q.physical_type.clone().unwrap_or_default();
                match physical_change(&from, &to) {
                    Widen::Wider => out.push(Change::new(
                        Level::Minor,
                        path.clone(),
                        format!("physical type widened from {from} to {to}"),
                    )),
                    Widen::Narrower => out.push(Change::new(
                        Level::Breaking,
                        path.clone(),
                        format!("physical type narrowed from {from} to {to}"),
                    )),
                    Widen::Different => out.push(Change::new(
                        Level::Breaking,
                        path.clone(),
                        format!("physical type changed from {from} to {to}"),
                    )),
                }
            }
            if !p.required && q.required {
                out.push(Change::new(
                    Level::Breaking,
                    path.clone(),
                    "became required",
                ));
            } else if p.required && !q.required {
                out.push(Change::new(
                    Level::Minor,
                    path.clone(),
                    "no longer required",
                ));
            }
            if p.description != q.description {
                out.push(Change::new(Level::Patch, path, "description changed"));
            }
        }
    }
    for n in &new.objects {
        if !old.objects.iter().any(|o| o.name == n.name) {
            out.push(Change::new(
                Level::Minor,
                n.name.clone(),
                "schema object added",
            ));
        }
    }
}

/// Logical types that accept every value of the old type.
fn logical_widening(from: &str, to: &str) -> bool {
    matches!((from, to), ("integer", "number") | ("date", "timestamp"))
}

enum Widen {
    Wider,
    Narrower,
    Different,
}

/// Compares physical types: `varchar(10)` -> `varchar(20)` widens, integer and float families by width.
fn physical_change(from: &str, to: &str) -> Widen {
    let parse = |t: &str| -> (String, Vec<u64>) {
        let t = t.trim().to_lowercase();
        match t.split_once('(') {
            Some((base, args)) => (
                base.trim().to_owned(),
                args.trim_end_matches(')')
                    .split(',')
                    .filter_map(|a| a.trim().parse().ok())
                    .collect(),
            ),
            None => (t, Vec::new()),
        }
    };
    let (fb, fa) = parse(from);
    let (tb, ta) = parse(to);
    const INTS: [&str; 5] = ["tinyint", "smallint", "int", "integer", "bigint"];
    const FLOATS: [&str; 4] = ["real", "float", "float64", "double"];
    let rank = |family: &[&str], t: &str| family.iter().position(|x| *x == t);
    if fb == tb && !fa.is_empty() && !ta.is_empty() {
        // Length, or precision and scale: all must not shrink.
        return if ta.iter().zip(&fa).all(|(t, f)| t >= f) {
            Widen::Wider
        } else {
            Widen::Narrower
        };
    }
    for family in [&INTS[..], &FLOATS[..]] {
        if let (Some(f), Some(t)) = (rank(family, &fb), rank(family, &tb)) {
            return if t >= f {
                Widen::Wider
            } else {
                Widen::Narrower
            };
        }
    }
    if rank(&INTS, &fb).is_some() && rank(&FLOATS, &tb).is_some() {
        return Widen::Wider;
    }
    if fb == tb && fa.is_empty() != ta.is_empty() {
        // varchar -> varchar(10) limits; varchar(10) -> varchar lifts the limit.
        return if ta.is_empty() {
            Widen::Wider
        } else {
            Widen::Narrower
        };
    }
    Widen::Different
}

/// SLA properties whose weakening breaks consumers, and which direction is better.
enum Better {
    Higher,
    Lower,
}

fn sla_direction(property: &str) -> Option<Better> {
    match property.to_lowercase().as_str() {
        "availability" => Some(Better::Higher),
        "retention" => Some(Better::Higher),
        "latency" | "frequency" | "timetorepair" | "ttr" => Some(Better::Lower),
        _ => None,
    }
}

/// A duration in seconds from a value and an ODCS unit (`d`, `day`, `h`, `y`, `ms`...). Percent stays as is.
pub fn normalized(value: &str, unit: Option<&str>) -> Option<f64> {
    let n: f64 = value.trim().trim_end_matches('%').trim().parse().ok()?;
    let factor = match unit.map(|u| u.trim().to_lowercase()).as_deref() {
        None | Some("") | Some("percent") | Some("%") => 1.0,
        Some("ms" | "millisecond" | "milliseconds") => 0.001,
        Some("s" | "sec" | "second" | "seconds") => 1.0,
        Some("m" | "min" | "minute" | "minutes") => 60.0,
        Some("h" | "hr" | "hour" | "hours") => 3600.0,
        Some("d" | "day" | "days") => 86_400.0,
        Some("w" | "week" | "weeks") => 7.0 * 86_400.0,
        Some("mo" | "month" | "months") => 30.0 * 86_400.0,
        Some("y" | "yr" | "year" | "years") => 365.0 * 86_400.0,
        Some(_) => return None,
    };
    Some(n * factor)
}

fn diff_sla(old: &Snapshot, new: &Snapshot, out: &mut Vec<Change>) {
    let key = |s: &SlaSnap| {
        (
            s.property.to_lowercase(),
            s.element.clone().unwrap_or_default(),
        )
    };
    let old_map: BTreeMap<_, &SlaSnap> = old.sla.iter().map(|s| (key(s), s)).collect();
    let new_map: BTreeMap<_, &SlaSnap> = new.sla.iter().map(|s| (key(s), s)).collect();
    for (k, o) in &old_map {
        let path = format!("sla {}", o.property);
        let show = |s: &SlaSnap| {
            format!("{} {}", s.value, s.unit.clone().unwrap_or_default())
                .trim()
                .to_owned()
        };
        match new_map.get(k) {
            None => {
                let level = if sla_direction(&o.property).is_some() {
                    Level::Breaking
                } else {
                    Level::Minor
                };
                out.push(Change::new(
                    level,
                    path,
                    format!("SLA {} ({}) removed", o.property, show(o)),
                ));
            }
            Some(n) if (n.value != o.value || n.unit != o.unit) => {
                let weaker = match (
                    sla_direction(&o.property),
                    normalized(&o.value, o.unit.as_deref()),
                    normalized(&n.value, n.unit.as_deref()),
                ) {
                    (Some(Better::Higher), Some(a), Some(b)) => b < a,
                    (Some(Better::Lower), Some(a), Some(b)) => b > a,
                    (Some(_), _, _) => true,
                    (None, _, _) => false,
                };
                let (level, verb) = if weaker {
                    (Level::Breaking, "weakened")
                } else {
                    (Level::Minor, "changed")
                };
                out.push(Change::new(
                    level,
                    path,
                    format!("SLA {} {verb} from {} to {}", o.property, show(o), show(n)),
                ));
            }
            Some(_) => {}
        }
    }
    for (k, n) in &new_map {
        if !old_map.contains_key(k) {
            out.push(Change::new(
                Level::Minor,
                format!("sla {}", n.property),
                format!("SLA {} added", n.property),
            ));
        }
    }
}

/// The smallest version bump the changes need.
pub use crate::kinds::Bump;

pub fn required_bump(changes: &[Change]) -> Bump {
    match changes.iter().map(|c| c.level).max() {
        Some(Level::Breaking) => Bump::Major,
        Some(Level::Minor) => Bump::Minor,
        _ => Bump::Patch,
    }
}

/// The next version after `current` for a bump (semantic versioning; below 1.0.0 a breaking change bumps minor).
pub fn next_version(current: Version, bump: Bump) -> Version {
    let v = current;
    match (bump, v.major) {
        (Bump::Major, 0) | (Bump::Minor, _) => Version {
            major: v.major,
            minor: v.minor + 1,
            patch: 0,
        },
        (Bump::Major, _) => Version {
            major: v.major + 1,
            minor: 0,
            patch: 0,
        },
        (Bump::Patch, _) => Version {
            patch: v.patch + 1,
            ..v
        },
    }
}

/// Whether `proposed` is a large enough step from `current` for `bump`.
pub fn satisfies(current: Version, proposed: Version, bump: Bump) -> bool {
    proposed > current && proposed >= next_version(current, bump)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prop(name: &str, t: &str, required: bool) -> PropSnap {
        PropSnap {
            name: name.into(),
            logical_type: Some(t.into()),
            physical_type: None,
            required,
            description: String::new(),
        }
    }

    fn snapshot(props: Vec<PropSnap>) -> Snapshot {
        Snapshot {
            ports: vec![PortSnap {
                slug: "warehouse".into(),
                kind: "table".into(),
                location: "DB.ORDERS".into(),
            }],
            objects: vec![ObjectSnap {
                name: "orders".into(),
                properties: props,
            }],
            sla: vec![
                SlaSnap {
                    property: "availability".into(),
                    value: "99.9".into(),
                    unit: Some("percent".into()),
                    element: None,
                },
                SlaSnap {
                    property: "latency".into(),
                    value: "1".into(),
                    unit: Some("h".into()),
                    element: None,
                },
                SlaSnap {
                    property: "retention".into(),
                    value: "2".into(),
                    unit: Some("y".into()),
                    element: None,
                },
            ],
            docs_digest: "a".into(),
        }
    }

    fn base() -> Snapshot {
        snapshot(vec![
            prop("id", "integer", true),
            prop("amount", "number", false),
            prop("note", "string", false),
        ])
    }

    fn levels(old: &Snapshot, new: &Snapshot) -> Vec<(Level, String)> {
        diff(old, new)
            .into_iter()
            .map(|c| (c.level, c.what))
            .collect()
    }

    #[test]
    fn nothing_changed_is_no_change() {
        assert!(diff(&base(), &base()).is_empty());
        assert_eq!(required_bump(&[]), Bump::Patch);
    }

    #[test]
    fn a_removed_property_breaks() {
        let new = snapshot(vec![
            prop("id", "integer", true),
            prop("amount", "number", false),
        ]);
        assert_eq!(
            levels(&base(), &new),
            vec![(Level::Breaking, "property removed".into())]
        );
    }

    #[test]
    fn a_renamed_property_breaks_and_says_so() {
        let new = snapshot(vec![
            prop("id", "integer", true),
            prop("amount", "number", false),
            prop("comment", "string", false),
        ]);
        let changes = diff(&base(), &new);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].level, Level::Breaking);
        assert_eq!(changes[0].path, "orders.note");
        assert_eq!(changes[0].what, "property renamed to comment");
    }

    #[test]
    fn a_narrowed_type_breaks_a_widened_one_does_not() {
        let narrowed = snapshot(vec![
            prop("id", "integer", true),
            prop("amount", "integer", false),
            prop("note", "string", false),
        ]);
        assert_eq!(levels(&base(), &narrowed)[0].0, Level::Breaking);
        let widened = snapshot(vec![
            prop("id", "number", true),
            prop("amount", "number", false),
            prop("note", "string", false),
        ]);
        assert_eq!(
            levels(&base(), &widened),
            vec![(Level::Minor, "type widened from integer to number".into())]
        );
    }

    #[test]
    fn physical_lengths_and_widths() {
        let mut old = base();
        old.objects[0].properties[2].physical_type = Some("varchar(100)".into());
        let mut shorter = old.clone();
        shorter.objects[0].properties[2].physical_type = Some("VARCHAR(50)".into());
        assert_eq!(diff(&old, &shorter)[0].level, Level::Breaking);
        let mut longer = old.clone();
        longer.objects[0].properties[2].physical_type = Some("varchar(200)".into());
        assert_eq!(diff(&old, &longer)[0].level, Level::Minor);
        let mut int_old = base();
        int_old.objects[0].properties[0].physical_type = Some("bigint".into());
        let mut int_new = int_old.clone();
        int_new.objects[0].properties[0].physical_type = Some("int".into());
        assert_eq!(
            diff(&int_old, &int_new)[0].what,
            "physical type narrowed from bigint to int"
        );
    }

    #[test]
    fn becoming_required_breaks_becoming_optional_does_not() {
        let required = snapshot(vec![
            prop("id", "integer", true),
            prop("amount", "number", true),
            prop("note", "string", false),
        ]);
        assert_eq!(
            levels(&base(), &required),
            vec![(Level::Breaking, "became required".into())]
        );
        let optional = snapshot(vec![
            prop("id", "integer", false),
            prop("amount", "number", false),
            prop("note", "string", false),
        ]);
        assert_eq!(
            levels(&base(), &optional),
            vec![(Level::Minor, "no longer required".into())]
        );
    }

    #[test]
    fn an_added_property_or_port_is_minor() {
        let mut new = snapshot(vec![
            prop("id", "integer", true),
            prop("amount", "number", false),
            prop("note", "string", false),
            prop("currency", "string", false),
        ]);
        new.ports.push(PortSnap {
            slug: "api".into(),
            kind: "api".into(),
            location: "https://x".into(),
        });
        let changes = levels(&base(), &new);
        assert_eq!(changes.len(), 2);
        assert!(changes.iter().all(|(l, _)| *l == Level::Minor));
        assert_eq!(required_bump(&diff(&base(), &new)), Bump::Minor);
    }

    #[test]
    fn a_removed_or_moved_port_breaks() {
        let mut removed = base();
        removed.ports.clear();
        assert_eq!(
            levels(&base(), &removed),
            vec![(Level::Breaking, "output port removed".into())]
        );
        let mut moved = base();
        moved.ports[0].location = "DB.ORDERS_V2".into();
        assert_eq!(diff(&base(), &moved)[0].level, Level::Breaking);
    }

    #[test]
    fn weakened_slas_break_stronger_ones_do_not() {
        let mut lower_availability = base();
        lower_availability.sla[0].value = "99.5".into();
        assert_eq!(diff(&base(), &lower_availability)[0].level, Level::Breaking);
        let mut higher_availability = base();
        higher_availability.sla[0].value = "99.95".into();
        assert_eq!(diff(&base(), &higher_availability)[0].level, Level::Minor);
        let mut slower = base();
        slower.sla[1].value = "90".into();
        slower.sla[1].unit = Some("minutes".into());
        assert_eq!(
            diff(&base(), &slower)[0].level,
            Level::Breaking,
            "90 min > 1 h"
        );
        let mut faster = base();
        faster.sla[1].value = "30".into();
        faster.sla[1].unit = Some("m".into());
        assert_eq!(diff(&base(), &faster)[0].level, Level::Minor);
        let mut shorter_retention = base();
        shorter_retention.sla[2].value = "18".into();
        shorter_retention.sla[2].unit = Some("months".into());
        assert_eq!(diff(&base(), &shorter_retention)[0].level, Level::Breaking);
        let mut dropped = base();
        dropped.sla.remove(1);
        assert_eq!(diff(&base(), &dropped)[0].level, Level::Breaking);
    }

    #[test]
    fn docs_and_descriptions_are_patches() {
        let mut new = base();
        new.docs_digest = "b".into();
        new.objects[0].properties[1].description = "Net amount in EUR".into();
        assert!(diff(&base(), &new).iter().all(|c| c.level == Level::Patch));
        assert_eq!(required_bump(&diff(&base(), &new)), Bump::Patch);
    }

    #[test]
    fn versions_follow_the_bump() {
        let v = |s: &str| crate::validate::semver(s).unwrap();
        assert_eq!(next_version(v("2.3.1"), Bump::Major).to_string(), "3.0.0");
        assert_eq!(next_version(v("2.3.1"), Bump::Minor).to_string(), "2.4.0");
        assert_eq!(next_version(v("2.3.1"), Bump::Patch).to_string(), "2.3.2");
        assert_eq!(
            next_version(v("0.4.2"), Bump::Major).to_string(),
            "0.5.0",
            "0.x: breaking bumps minor"
        );
        assert!(satisfies(v("2.3.1"), v("3.0.0"), Bump::Major));
        assert!(!satisfies(v("2.3.1"), v("2.4.0"), Bump::Major));
        assert!(satisfies(v("2.3.1"), v("2.3.2"), Bump::Patch));
        assert!(
            !satisfies(v("2.3.1"), v("2.3.1"), Bump::Patch),
            "must move forward"
        );
    }
}
