//! Every official ODCS example imports, and exports as a v3.1.0 document with the same content.
use mesh::standards::odcs::{self, Contract};

fn examples() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/odcs");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert_eq!(out.len(), 10, "the ten shared examples are vendored");
    out
}

#[test]
fn every_example_round_trips_through_a_valid_v310_export() {
    for (name, yaml) in examples() {
        let doc = odcs::read(&yaml).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        let contract = Contract::from_document(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!contract.id.is_empty(), "{name}");
        let exported = odcs::to_yaml(&doc);
        let again = odcs::read(&exported).unwrap_or_else(|p| panic!("{name} export: {p:?}"));
        odcs::validate_v310(&again).unwrap_or_else(|p| panic!("{name} export invalid: {p:?}"));
        assert_eq!(again["apiVersion"], "v3.1.0", "{name}");
        let mut original = doc.clone();
        original["apiVersion"] = "v3.1.0".into();
        assert_eq!(original, again, "{name}: same content");
    }
}

#[test]
fn the_typed_view_reads_schema_sla_and_quality() {
    let all = examples();
    let get = |n: &str| {
        let yaml = &all.iter().find(|(name, _)| name == n).unwrap().1;
        Contract::from_document(&odcs::read(yaml).unwrap()).unwrap()
    };
    let types = get("data-types-all-data-types.odcs.yaml");
    let columns = types.columns();
    assert_eq!(columns.len(), 10);
    assert_eq!(columns[0].object, "transactions_tbl");
    assert_eq!(columns[0].property.logical_type.as_deref(), Some("string"));

    let sla = get("sla-database-table-sla.odcs.yaml");
    let latency = sla
        .sla_properties
        .iter()
        .find(|s| s.property == "latency")
        .unwrap();
    assert_eq!(odcs::model::value_text(&latency.value), "4");
    assert_eq!(latency.unit.as_deref(), Some("d"));

    let quality = get("quality-column-validity.odcs.yaml");
    let rule = &quality.schema[0].properties[0].quality[0];
    assert_eq!(rule.rule_type(), "library");
    assert_eq!(rule.metric_name().as_deref(), Some("invalidValues"));
    assert_eq!(
        rule.threshold(),
        Some(("mustBeLessOrEqualTo", "5".to_string()))
    );

    let described = get("fundamentals-table-column-description.odcs.yaml");
    let col = &described.columns()[0];
    assert_eq!(
        col.property.business_name.as_deref(),
        Some("Transaction reference date")
    );
    assert_eq!(col.property.examples.len(), 2);
}
