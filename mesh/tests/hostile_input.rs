//! Scenario 6, bad input never crashes: the ODCS importer, the pipeline-results pushes and the marketplace
//! search, fed mutated fixtures, random payloads and hand-written hostile documents, on a real database. Each
//! answer is a value or a clear error naming a path or line, never a panic or a database fault, and a refused
//! input stores nothing. Hostile cases print their time and peak memory (and are bounded, as a hang guard).
//!
//! `PROPTEST_CASES` sets the number of random cases per property (64 by default).
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use mesh::access::{Scope, Viewer};
use mesh::governance::results::{self, DataContractCliRun, MeasurementInput, QualityRunInput};
use mesh::search::{SearchRequest, Searcher, Sort};
use mesh::testing::people::{DAN, MARCUS};
use mesh::testing::{databases, fingerprint, viewer, TestDb};
use mesh::{catalog::contracts, catalog::listing as catalog, Error};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sea_orm::DatabaseConnection;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------------------
// Peak memory of the running thread (the importer parses on the caller's thread).

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// The workspace denies unsafe code; a global allocator cannot be written without it.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        note(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            note(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f`, returning its value, how long it took and the most memory it held at once on this thread.
fn measured<T>(f: impl FnOnce() -> T) -> (T, Duration, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let t = Instant::now();
    let out = f();
    let elapsed = t.elapsed();
    let peak = PEAK.with(Cell::get) - start;
    (out, elapsed, peak.max(0) as usize)
}

// ---------------------------------------------------------------------------------------------------------
// Set-up shared by the properties.

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn seeded() -> Vec<TestDb> {
    let all = databases().await;
    for t in &all {
        mesh::demo::seed::seed_demo(&t.db).await.unwrap();
    }
    all
}

/// The ten official ODCS examples vendored with the tests.
fn fixtures() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/odcs");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 10);
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// A refusal a user can act on: every problem names a field path, or the line (for the whole document).
fn names_where(errors: &[mesh::FieldError]) -> Result<(), TestCaseError> {
    prop_assert!(!errors.is_empty(), "a refusal lists its problems");
    for e in errors {
        prop_assert!(
            !e.field.is_empty() && (e.field != "contract" || e.message.starts_with("line ")),
            "names no path or line: {e}"
        );
        prop_assert!(
            e.message.len() < 1_000,
            "a problem is short: {}",
            e.message.len()
        );
    }
    prop_assert!(
        errors.len() <= mesh::standards::odcs::MAX_PROBLEMS + 1,
        "{} problems",
        errors.len()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// The importer: mutated fixtures.

/// What replaces a node of a fixture.
#[derive(Clone, Debug)]
enum Replacement {
    Remove,
    With(Value),
}

/// An edit of the YAML text.
#[derive(Clone, Debug)]
enum TextEdit {
    Truncate(prop::sample::Index),
    Insert(prop::sample::Index, String),
    DuplicateLine(prop::sample::Index),
    DeleteLine(prop::sample::Index),
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,24}".prop_map(Value::String),
        prop::sample::select(vec![
            "",
            "\0",
            "a\0b",
            "javascript:alert(1)",
            "v9.9.9",
            "v3.1.0",
            "DataContract",
            "string",
            "🦀🦀🦀",
            "\u{202e}rtl",
            "null",
            "~",
            "1e999",
            "-0",
            ".nan",
        ])
        .prop_map(|s| Value::String(s.into())),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z]{1,8}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn replacement() -> impl Strategy<Value = Replacement> {
    prop_oneof![
        1 => Just(Replacement::Remove),
        3 => json_value().prop_map(Replacement::With),
    ]
}

/// Tokens with a meaning in YAML, and random text.
fn yaml_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "99999999999999999999999999999999",
            "1e999",
            "-1e999",
            ".inf",
            ".nan",
            "0x7fffffffffffffff",
            "~",
            "&a ",
            "*a",
            "*nope",
            "!!binary ",
            "!custom ",
            "? ",
            "- ",
            ": ",
            "{",
            "}",
            "[",
            "]",
            "\"",
            "'",
            "\\0",
            "\t",
            "#",
            "%YAML 1.2\n",
            "\n---\n",
            "\n...\n",
            "<<: *a\n",
            "|\n",
            ">-\n",
            "\u{feff}",
            "\r\n",
            "\u{85}",
            "\u{2028}",
            "\0",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,16}",
        any::<String>(),
    ]
}

fn text_edit() -> impl Strategy<Value = TextEdit> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(TextEdit::Truncate),
        (any::<prop::sample::Index>(), yaml_fragment()).prop_map(|(i, s)| TextEdit::Insert(i, s)),
        any::<prop::sample::Index>().prop_map(TextEdit::DuplicateLine),
        any::<prop::sample::Index>().prop_map(TextEdit::DeleteLine),
    ]
}

#[derive(Clone, Debug)]
struct Mutant {
    fixture: prop::sample::Index,
    tree: Vec<(prop::sample::Index, Replacement)>,
    text: Vec<TextEdit>,
}

fn mutant() -> impl Strategy<Value = Mutant> {
    (
        any::<prop::sample::Index>(),
        prop::collection::vec((any::<prop::sample::Index>(), replacement()), 0..4),
        prop::collection::vec(text_edit(), 0..3),
    )
        .prop_map(|(fixture, tree, text)| Mutant {
            fixture,
            tree,
            text,
        })
}

/// Every node of a document, as JSON pointers (the root excluded).
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

fn replace(doc: &mut Value, pointer: &str, with: &Replacement) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let last = last.replace("~1", "/").replace("~0", "~");
    let Some(parent) = doc.pointer_mut(parent) else {
        return;
    };
    match (parent, with) {
        (Value::Object(map), Replacement::Remove) => {
            map.shift_remove(&last);
        }
        (Value::Object(map), Replacement::With(v)) => {
            map.insert(last, v.clone());
        }
        (Value::Array(items), r) => {
            let i: usize = last.parse().unwrap();
            match r {
                Replacement::Remove => {
                    items.remove(i);
                }
                Replacement::With(v) => items[i] = v.clone(),
            }
        }
        _ => {}
    }
}

fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(fixtures: &[String], m: &Mutant) -> String {
    let original = m.fixture.get(fixtures);
    let mut doc = mesh::standards::odcs::read(original).unwrap();
    for (at, with) in &m.tree {
        let mut all = Vec::new();
        pointers(&doc, String::new(), &mut all);
        if all.is_empty() {
            break;
        }
        replace(&mut doc, at.get(&all[..]).as_str(), with);
    }
    let mut yaml = if m.tree.is_empty() {
        original.clone()
    } else {
        serde_yaml_ng::to_string(&doc).unwrap()
    };
    for edit in &m.text {
        match edit {
            TextEdit::Truncate(at) => {
                let at = boundary(&yaml, at.index(yaml.len() + 1));
                yaml.truncate(at);
            }
            TextEdit::Insert(at, s) => {
                let at = boundary(&yaml, at.index(yaml.len() + 1));
                yaml.insert_str(at, s);
            }
            TextEdit::DuplicateLine(at) | TextEdit::DeleteLine(at) => {
                let mut lines: Vec<&str> = yaml.split_inclusive('\n').collect();
                if lines.is_empty() {
                    continue;
                }
                let i = at.index(lines.len());
                if matches!(edit, TextEdit::DuplicateLine(_)) {
                    lines.insert(i, lines[i]);
                } else {
                    lines.remove(i);
                }
                yaml = lines.concat();
            }
        }
    }
    yaml
}

/// How many rows the importer and the pushes write (cheap enough for every random case; the hostile cases
/// compare every row of every table).
type Written = [u64; 7];

async fn written(db: &DatabaseConnection) -> Written {
    use mesh::entity::prelude::*;
    use sea_orm::{EntityTrait, PaginatorTrait};
    [
        DataContract::find().count(db).await.unwrap(),
        ContractObject::find().count(db).await.unwrap(),
        ContractProperty::find().count(db).await.unwrap(),
        QualityRun::find().count(db).await.unwrap(),
        SlaMeasurement::find().count(db).await.unwrap(),
        AuditEvent::find().count(db).await.unwrap(),
        Evaluation::find().count(db).await.unwrap(),
    ]
}

/// Imports `yaml` into a product: Ok, or a refusal that names where and stored nothing.
async fn import_checked(
    db: &DatabaseConnection,
    dan: &Viewer,
    product_id: i64,
    yaml: &str,
) -> Result<bool, TestCaseError> {
    let before = written(db).await;
    match contracts::import(db, dan, product_id, yaml, None).await {
        Ok(_) => Ok(true),
        Err(Error::Invalid(errors)) => {
            names_where(&errors)?;
            prop_assert_eq!(before, written(db).await, "a refused import stored nothing");
            Ok(false)
        }
        Err(other) => Err(TestCaseError::fail(format!("not a field error: {other:?}"))),
    }
}

async fn campaign(db: &DatabaseConnection) -> (Viewer, i64) {
    let dan = viewer(db, DAN).await;
    let product = catalog::find_product(db, &dan, "marketing", "campaign-performance")
        .await
        .unwrap();
    (dan, product.id)
}

#[test]
fn mutated_fixture_contracts_import_or_are_refused_naming_where() {
    let rt = runtime();
    let fixtures = fixtures();
    for t in rt.block_on(seeded()) {
        let (dan, product) = rt.block_on(campaign(&t.db));
        let (accepted, refused, slowest) = (Cell::new(0), Cell::new(0), Cell::new(Duration::ZERO));
        runner()
            .run(&mutant(), |m| {
                let yaml = apply(&fixtures, &m);
                let started = Instant::now();
                let ok = rt.block_on(import_checked(&t.db, &dan, product, &yaml))?;
                slowest.set(slowest.get().max(started.elapsed()));
                let count = if ok { &accepted } else { &refused };
                count.set(count.get() + 1);
                Ok(())
            })
            .unwrap();
        println!(
            "{}: mutated fixtures: {} imported, {} refused, slowest {:?}",
            t.label,
            accepted.get(),
            refused.get(),
            slowest.get()
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// The importer: hostile documents.

const HEAD: &str =
    "apiVersion: v3.1.0\nkind: DataContract\nid: hostile\nversion: 1.0.0\nstatus: active\n";

fn hostile_documents() -> Vec<(&'static str, String)> {
    let laughs = {
        let mut y = format!("{HEAD}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for pair in names.windows(2) {
            let aliases = vec![format!("*{}", pair[0]); 10].join(", ");
            y.push_str(&format!("{}: &{} [{aliases}]\n", pair[1], pair[1]));
        }
        y
    };
    // One anchor of 20 000 scalars, copied 20 000 times: 400 million nodes from 200 KB.
    let quadratic = format!(
        "{HEAD}customProperties:\n  - property: a\n    value: &a [{}]\n  - property: b\n    value: [{}]\n",
        vec!["x"; 20_000].join(","),
        vec!["*a"; 20_000].join(",")
    );
    let long_key = format!(
        "{HEAD}\"{}\":\n{}",
        "k".repeat(1 << 20),
        (0..2_000)
            .map(|i| format!("  c{i}: 1\n"))
            .collect::<String>()
    );
    let many_bad_columns = format!(
        "{HEAD}schema:\n  - name: t\n    properties:\n{}",
        (0..2_000)
            .map(|i| format!("      - {{name: c{i}, logicalType: text}}\n"))
            .collect::<String>()
    );
    vec![
        ("10k-deep flow nesting", format!("{HEAD}schema: {}{}\n", "[".repeat(10_000), "]".repeat(10_000))),
        ("10k-deep block nesting", format!("{HEAD}schema:\n{}x\n", "- ".repeat(10_000))),
        ("10k-deep mappings", format!("{HEAD}schema: {}1{}\n", "{a: ".repeat(10_000), "}".repeat(10_000))),
        ("billion laughs", laughs),
        ("quadratic aliases", quadratic),
        ("10 MB scalar", format!("{HEAD}description:\n  purpose: \"{}\"\n", "x".repeat(10 << 20))),
        ("10 MB of lines", format!("{HEAD}{}", "# comment\n".repeat(1 << 20))),
        ("20k keys", format!("{HEAD}{}", (0..20_000).map(|i| format!("k{i}: {i}\n")).collect::<String>())),
        ("1 MB key over 2k children", long_key),
        ("2k bad columns", many_bad_columns),
        ("1 MB string where a number goes", format!("{HEAD}price:\n  priceAmount: \"{}\"\n", "9".repeat(1 << 20))),
        ("huge numbers", format!("{HEAD}price:\n  priceAmount: 1e999999\n  priceCurrency: 99999999999999999999999999999999999\n")),
        ("raw NUL byte", format!("{HEAD}name: a\0b\n")),
        ("escaped NUL", format!("{HEAD}name: \"a\\0b\"\nschema:\n  - name: \"t\\0\"\n")),
        ("NUL in a key", format!("{HEAD}\"x\\0y\": 1\n")),
        ("invalid UTF-8 (as the importer sees it)", String::from_utf8_lossy(b"apiVersion: v3.1.0\nid: \xff\xfe\xc3\x28\n").into_owned()),
        ("duplicate keys", format!("{HEAD}id: again\n")),
        ("two documents", format!("{HEAD}---\n{HEAD}")),
        ("unknown alias", format!("{HEAD}name: *nope\n")),
        ("recursive alias", format!("{HEAD}customProperties: &a\n  - property: x\n    value: *a\n")),
        ("tags", format!("{HEAD}name: !!binary aGVsbG8=\ndescription: !custom {{purpose: x}}\n")),
        ("a complex key", format!("{HEAD}? [a, b]\n: c\n")),
        ("not a mapping", "- just\n- a list\n".into()),
        ("a scalar", "42\n".into()),
        ("empty", String::new()),
        ("only a BOM", "\u{feff}".into()),
        ("wrong types everywhere", "apiVersion: [v3.1.0]\nkind: {a: 1}\nid: 7\nversion: true\nstatus: ~\nschema: x\nslaProperties: {a: b}\nsupport: 5\ntags: {}\n".into()),
        ("v3.0 wrong types", "apiVersion: v3.0.2\nkind: DataContract\nid: x\nversion: 1\nstatus: active\nschema:\n  - name: t\n    properties: {a: b}\n".into()),
    ]
}

#[test]
fn hostile_contracts_are_refused_quickly_naming_the_line_and_store_nothing() {
    let rt = runtime();
    let documents = hostile_documents();
    for t in rt.block_on(seeded()) {
        let (dan, product) = rt.block_on(campaign(&t.db));
        let before = rt.block_on(fingerprint(&t.db));
        let mut slowest = (Duration::ZERO, "");
        println!(
            "{}: hostile contracts (time, peak memory of the parse, first problem):",
            t.label
        );
        for (name, yaml) in &documents {
            let (read, elapsed, peak) = measured(|| mesh::standards::odcs::read(yaml));
            let problems = read.expect_err(name);
            let (imported, import_time, _) =
                measured(|| rt.block_on(contracts::import(&t.db, &dan, product, yaml, None)));
            let Err(Error::Invalid(errors)) = imported else {
                panic!("{}: {name}: {imported:?}", t.label)
            };
            names_where(&errors).unwrap_or_else(|e| panic!("{}: {name}: {e}", t.label));
            println!(
                "  {name:<42} {:>9.1?} {:>8.1} MiB  {}",
                elapsed,
                peak as f64 / f64::from(1 << 20),
                problems[0]
            );
            if import_time > slowest.0 {
                slowest = (import_time, name);
            }
            assert!(
                import_time < Duration::from_secs(10),
                "{}: {name} hangs",
                t.label
            );
            assert!(
                peak < 64 * (1 << 20) + 8 * yaml.len(),
                "{}: {name} held {peak} bytes for {} of input",
                t.label,
                yaml.len()
            );
        }
        assert_eq!(
            before,
            rt.block_on(fingerprint(&t.db)),
            "{}: nothing stored",
            t.label
        );
        println!(
            "{}: slowest import {:?} ({})",
            t.label, slowest.0, slowest.1
        );
    }
}

#[test]
fn hostile_problems_say_what_to_fix() {
    let problem = |yaml: &str| mesh::standards::odcs::read(yaml).unwrap_err()[0].to_string();
    let deep = format!("{HEAD}schema: {}\n", "[".repeat(100));
    assert!(
        problem(&deep).starts_with("line 6: nested more than 64 levels deep"),
        "{}",
        problem(&deep)
    );
    let laughs = hostile_documents()
        .into_iter()
        .find(|(n, _)| *n == "billion laughs")
        .unwrap()
        .1;
    assert!(
        problem(&laughs).contains("alias bomb"),
        "{}",
        problem(&laughs)
    );
    assert_eq!(
        problem(&format!("{HEAD}id: again\n")),
        "line 6: the key `id` appears twice in one mapping (first on line 3)"
    );
    assert_eq!(
        problem(&format!("{HEAD}name: \"a\\0b\"\n")),
        "line 6: name: text may not contain the NUL character (\\0)"
    );
    let big = format!(
        "{HEAD}description:\n  purpose: \"{}\"\n",
        "x".repeat(10 << 20)
    );
    assert!(
        problem(&big).starts_with("line 7: the document is 10.0 MiB, more than the 4 MiB"),
        "{}",
        problem(&big)
    );
    let many = hostile_documents()
        .into_iter()
        .find(|(n, _)| *n == "2k bad columns")
        .unwrap()
        .1;
    let problems = mesh::standards::odcs::read(&many).unwrap_err();
    assert_eq!(problems.len(), mesh::standards::odcs::MAX_PROBLEMS + 1);
    assert!(
        problems
            .last()
            .unwrap()
            .message
            .starts_with("and 1900 more problems"),
        "{:?}",
        problems.last()
    );
}

// ---------------------------------------------------------------------------------------------------------
// Pipeline results.

/// A JSON body for one of the three pushes: near the expected shape, with random values in its fields.
fn result_body() -> impl Strategy<Value = Value> {
    let result = prop_oneof![
        prop::sample::select(vec![
            "passed", "warning", "failed", "error", "info", "green", "", "PASSED"
        ])
        .prop_map(|s| json!(s)),
        json_leaf(),
    ];
    let timestamp = prop_oneof![
        prop::sample::select(vec![
            "2026-11-25T02:31:50.876125Z",
            "2026-11-25T02:31:50+14:00",
            "0000-01-01T00:00:00Z",
            "-262143-01-01T00:00:00Z",
            "+262142-12-31T23:59:59Z",
            "9999-12-31T23:59:59Z",
            "1969-12-31T23:59:59Z",
            "2026-02-30T00:00:00Z",
            "2026-11-25T25:61:61Z",
            "2026-11-25",
            "1732500000",
            "yesterday",
            "",
        ])
        .prop_map(|s| json!(s)),
        json_leaf(),
    ];
    let text = prop_oneof![json_leaf(), "\\PC{0,40}".prop_map(|s| json!(s))];
    let check = (text.clone(), result.clone(), text.clone(), text.clone()).prop_map(|(n, r, f, d)| {
        json!({"name": n, "result": r, "field": f, "details": d, "type": "field_unique", "model": "orders"})
    });
    let checks = prop_oneof![
        prop::collection::vec(check, 0..5).prop_map(Value::Array),
        json_value(),
    ];
    let quality = (
        result.clone(),
        checks.clone(),
        timestamp.clone(),
        text.clone(),
        json_value(),
    )
        .prop_map(|(result, checks, observed, run, extra)| {
            let mut o =
                json!({"result": result, "checks": checks, "observedAt": observed, "runId": run});
            if let Value::Object(extra) = extra {
                o.as_object_mut().unwrap().extend(extra);
            }
            o
        });
    let measurement = (
        prop::sample::select(vec!["availability", "freshness", "latency", "colour", "AVAILABILITY"]),
        json_leaf(),
        prop::option::of(prop::sample::select(vec!["m", "h", "d", "%", "parsecs", ""])),
        prop::option::of(json_leaf()),
        timestamp.clone(),
    )
        .prop_map(|(p, v, u, met, at)| json!({"property": p, "value": v, "unit": u, "met": met, "observedAt": at}));
    let cli = (result, checks, timestamp, text).prop_map(|(result, checks, end, id)| {
        json!({"dataProductId": "sales/customer-orders", "dataContractId": id, "result": result,
               "checks": checks, "timestampEnd": end, "logs": []})
    });
    prop_oneof![
        quality,
        prop::collection::vec(measurement, 0..4).prop_map(Value::Array),
        cli,
        json_value(),
    ]
}

#[derive(Clone, Debug)]
enum Body {
    Json(Value),
    Bytes(Vec<u8>),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        6 => result_body().prop_map(Body::Json),
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(Body::Bytes),
        1 => (result_body(), any::<prop::sample::Index>()).prop_map(|(v, at)| {
            let mut bytes = serde_json::to_vec(&v).unwrap();
            bytes.truncate(at.index(bytes.len() + 1));
            Body::Bytes(bytes)
        }),
    ]
}

/// Pushes `body` to all three endpoints' functions: each is stored, or refused naming the field and storing
/// nothing.
async fn push_checked(
    db: &DatabaseConnection,
    pipeline: &Viewer,
    body: &[u8],
) -> Result<usize, TestCaseError> {
    async fn refused<T: std::fmt::Debug>(
        db: &DatabaseConnection,
        before: &mut Written,
        outcome: mesh::Result<T>,
    ) -> Result<usize, TestCaseError> {
        match outcome {
            Ok(_) => {
                *before = written(db).await;
                Ok(1)
            }
            Err(Error::Invalid(errors)) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    prop_assert!(!e.field.is_empty() && !e.message.is_empty(), "{e:?}");
                }
                prop_assert_eq!(*before, written(db).await, "a refused push stored nothing");
                Ok(0)
            }
            Err(other) => Err(TestCaseError::fail(format!("not a field error: {other:?}"))),
        }
    }
    let mut stored = 0;
    let mut before = written(db).await;
    let outcome = match results::parse::<QualityRunInput>(body) {
        Ok(run) => results::push_quality(db, pipeline, "sales", "customer-orders", run)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    stored += refused(db, &mut before, outcome).await?;
    let outcome = match results::parse::<Vec<MeasurementInput>>(body) {
        Ok(m) => results::push_measurements(db, pipeline, "sales", "customer-orders", m)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    stored += refused(db, &mut before, outcome).await?;
    let outcome = match results::parse::<DataContractCliRun>(body) {
        Ok(run) => results::push_datacontract_cli(db, pipeline, run)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    stored += refused(db, &mut before, outcome).await?;
    Ok(stored)
}

async fn pipeline(db: &DatabaseConnection) -> Viewer {
    let mut v = viewer(db, MARCUS).await;
    v.scopes = Some([Scope::Results].into_iter().collect());
    v
}

#[test]
fn random_pipeline_results_are_stored_or_refused_naming_the_field() {
    let rt = runtime();
    for t in rt.block_on(seeded()) {
        let pipeline = rt.block_on(pipeline(&t.db));
        let (stored, slowest) = (Cell::new(0), Cell::new(Duration::ZERO));
        runner()
            .run(&body(), |b| {
                let bytes = match &b {
                    Body::Json(v) => serde_json::to_vec(v).unwrap(),
                    Body::Bytes(b) => b.clone(),
                };
                let started = Instant::now();
                stored.set(stored.get() + rt.block_on(push_checked(&t.db, &pipeline, &bytes))?);
                slowest.set(slowest.get().max(started.elapsed()));
                Ok(())
            })
            .unwrap();
        println!(
            "{}: random results: {} stored, slowest case {:?}",
            t.label,
            stored.get(),
            slowest.get()
        );
    }
}

#[test]
fn hostile_result_bodies_are_refused_naming_the_field() {
    let rt = runtime();
    let deep = format!(
        "{{\"result\": \"passed\", \"checks\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let wide = format!(
        "{{\"result\": \"passed\", \"checks\": [{}]}}",
        vec![r#"{"name": "x", "result": "green"}"#; 20_000].join(",")
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("10k-deep nesting", deep.into_bytes()),
        ("20k checks, one bad value each", wide.into_bytes()),
        ("NUL in a run id", br#"{"result": "passed", "runId": "a\u0000b"}"#.to_vec()),
        ("NUL in a check", br#"{"result": "failed", "checks": [{"name": "a\u0000", "result": "failed"}]}"#.to_vec()),
        ("NUL in a CLI check", br#"{"dataProductId": "sales/customer-orders", "result": "failed", "checks": [{"type": "x\u0000"}]}"#.to_vec()),
        ("a lone surrogate", br#"{"result": "passed", "runId": "\ud800"}"#.to_vec()),
        ("year -262143", br#"{"result": "passed", "observedAt": "-262143-01-01T00:00:00Z"}"#.to_vec()),
        ("year 262142", br#"{"result": "passed", "observedAt": "+262142-12-31T23:59:59Z"}"#.to_vec()),
        ("year 0", br#"[{"property": "availability", "value": 99, "met": true, "observedAt": "0000-01-01T00:00:00Z"}]"#.to_vec()),
        ("the year 3000", br#"{"result": "passed", "observedAt": "3000-01-01T00:00:00Z"}"#.to_vec()),
        ("CLI run from the year 1", br#"{"dataProductId": "sales/customer-orders", "result": "passed", "timestampEnd": "0001-01-01T00:00:00Z"}"#.to_vec()),
        ("a number too big", br#"[{"property": "availability", "value": 1e400, "met": true}]"#.to_vec()),
        ("invalid UTF-8", b"{\"result\": \"passed\", \"runId\": \"\xff\xfe\"}".to_vec()),
    ];
    for t in rt.block_on(seeded()) {
        let pipeline = rt.block_on(pipeline(&t.db));
        let before = rt.block_on(fingerprint(&t.db));
        for (name, body) in &cases {
            let started = Instant::now();
            let stored = rt
                .block_on(push_checked(&t.db, &pipeline, body))
                .unwrap_or_else(|e| panic!("{}: {name}: {e}", t.label));
            println!("{}: {name:<34} {:>9.1?}", t.label, started.elapsed());
            assert_eq!(stored, 0, "{}: {name} is refused", t.label);
        }
        assert_eq!(before, rt.block_on(fingerprint(&t.db)), "{}", t.label);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Search parameters.

fn query_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,30}",
        prop::sample::select(vec![
            "orders",
            "revenue*",
            "\"",
            "(",
            ")",
            "NEAR(a b)",
            "a AND",
            "OR",
            "-",
            "^",
            "*",
            ":*",
            "&",
            "|",
            "!",
            "\\",
            ".*",
            "[a-z]+",
            "(?i)x",
            "%",
            "_",
            "'",
            "';--",
            "\0",
            "0",
            "-1",
            "-9999999999999999999",
            "18446744073709551616",
            "99999999999999999999999",
            "1e9",
            "NaN",
            "🦀",
            "\u{202e}",
        ])
        .prop_map(str::to_owned),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
    ]
}

fn query_string() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        prop::sample::select(vec![
            "q", "q", "sort", "page", "per_page", "domain", "tag", "status", "kind", "sla", "team",
            "pii", "x", "",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,6}",
    ];
    prop::collection::vec((key, query_value()), 0..6).prop_map(|pairs| {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    })
}

fn direct_request() -> impl Strategy<Value = SearchRequest> {
    (
        "\\PC{0,40}",
        prop::collection::vec(("\\PC{0,8}", "\\PC{0,8}"), 0..4),
        prop::sample::select(vec![
            Sort::Relevance,
            Sort::Name,
            Sort::Newest,
            Sort::Subscribed,
        ]),
        any::<usize>(),
        any::<usize>(),
    )
        .prop_map(|(text, filters, sort, page, per_page)| SearchRequest {
            text,
            filters,
            sort,
            page,
            per_page,
        })
}

async fn search_checked(
    db: &DatabaseConnection,
    searcher: &Searcher,
    viewer: &Viewer,
    request: &SearchRequest,
) -> Result<(), TestCaseError> {
    let r = searcher
        .search(db, viewer, request)
        .await
        .map_err(|e| TestCaseError::fail(format!("{request:?}: {e:?}")))?;
    prop_assert!(r.page >= 1 && (1..=100).contains(&r.per_page), "{r:?}");
    prop_assert!(
        r.hits.len() <= r.per_page,
        "{} hits on a page of {}",
        r.hits.len(),
        r.per_page
    );
    prop_assert!(r.hits.len() <= r.total);
    prop_assert!(r.pages() >= 1);
    Ok(())
}

#[test]
fn random_search_parameters_answer_a_bounded_page() {
    let rt = runtime();
    for t in rt.block_on(seeded()) {
        let searcher = Searcher::default();
        let dan = rt.block_on(viewer(&t.db, DAN));
        let anonymous = Viewer::anonymous();
        let slowest = Cell::new(Duration::ZERO);
        runner()
            .run(
                &(query_string(), direct_request(), any::<bool>()),
                |(query, direct, signed_in)| {
                    let viewer = if signed_in { &dan } else { &anonymous };
                    let started = Instant::now();
                    rt.block_on(search_checked(
                        &t.db,
                        &searcher,
                        viewer,
                        &SearchRequest::from_query(&query),
                    ))?;
                    rt.block_on(search_checked(&t.db, &searcher, viewer, &direct))?;
                    slowest.set(slowest.get().max(started.elapsed()));
                    Ok(())
                },
            )
            .unwrap();
        println!(
            "{}: random searches: slowest pair {:?}",
            t.label,
            slowest.get()
        );
    }
}
