//! Producing data products: create, edit, ports, contracts (import/export), publish with breaking-change
//! detection, deprecate, retire; and refusals that change nothing. On SQLite and PostgreSQL.
use mesh::access::Viewer;
use mesh::catalog::contracts::{self, Outcome};
use mesh::catalog::products::{self, NewPort, NewProduct, ProductEdit};
use mesh::entity::prelude::*;
use mesh::kinds::ProductStatus;
use mesh::testing::people::{ANA, DAN};
use mesh::testing::{databases, fingerprint, viewer};
use mesh::{catalog::listing as catalog, catalog::versions, Error};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

fn new_product(name: &str) -> NewProduct {
    NewProduct {
        domain: "marketing".into(),
        owner_team: "marketing-analytics".into(),
        name: name.into(),
        slug: String::new(),
        summary: "Weekly reach and frequency per campaign.".into(),
        description: "# Reach\n\nHow many people saw a campaign.".into(),
        kind: "aggregate".into(),
        tags: "Campaigns, reach".into(),
    }
}

const CONTRACT_V1: &str = r#"
apiVersion: v3.1.0
kind: DataContract
id: marketing-campaign-reach
name: Campaign Reach
version: 1.0.0
status: active
schema:
  - name: reach
    physicalType: table
    properties:
      - name: campaign_id
        logicalType: string
        required: true
        description: Campaign key
      - name: reach
        logicalType: integer
        description: People reached
      - name: note
        logicalType: string
slaProperties:
  - property: availability
    value: 99.9
    unit: percent
  - property: latency
    value: 1
    unit: h
roles:
  - role: reach_analyst
    access: read
"#;

#[tokio::test]
async fn an_owner_creates_imports_publishes_and_a_breaking_change_needs_a_major_version() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        let product = products::create(db, &dan, &new_product("Campaign Reach"))
            .await
            .unwrap();
        assert_eq!(product.slug, "campaign-reach");
        assert_eq!(product.status, ProductStatus::Draft);
        products::add_port(
            db,
            &dan,
            product.id,
            &NewPort {
                slug: "warehouse".into(),
                name: "Snowflake table".into(),
                kind: "table".into(),
                location: "NORTHWIND.MARKETING.REACH".into(),
                approval_mode: "manual".into(),
                description: String::new(),
            },
        )
        .await
        .unwrap();
        let imported = contracts::import(db, &dan, product.id, CONTRACT_V1, None)
            .await
            .unwrap();
        assert_eq!(imported.outcome, Outcome::Created, "{}", t.label);
        let again = contracts::import(db, &dan, product.id, CONTRACT_V1, None)
            .await
            .unwrap();
        assert_eq!(
            again.outcome,
            Outcome::Unchanged,
            "re-import changes nothing"
        );
        let port = OutputPort::find()
            .filter(output_port::Column::ProductId.eq(product.id))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            port.contract_id,
            Some(imported.contract_id),
            "the only port serves the contract"
        );
        let visible = products::id_of(db, &dan, "marketing", &product.slug)
            .await
            .unwrap();
        let (_, yaml) = contracts::export_yaml(db, visible, None).await.unwrap();
        assert!(
            yaml.contains("apiVersion: v3.1.0") && yaml.contains("role: reach_analyst"),
            "{yaml}"
        );

        // First publication.
        let first = versions::publish(db, &dan, product.id, "1.0.0", "First release")
            .await
            .unwrap();
        assert_eq!(first.bump, "initial");
        let published = DataProduct::find_by_id(product.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(published.status, ProductStatus::Published);
        assert_eq!(published.version, "1.0.0");
        assert_eq!(published.sla_availability, Some(99.9));

        // Remove a column and weaken the latency: breaking.
        let v2 = CONTRACT_V1
            .replace("      - name: note\n        logicalType: string\n", "")
            .replace("value: 1\n    unit: h", "value: 4\n    unit: h");
        contracts::import(db, &dan, product.id, &v2, None)
            .await
            .unwrap();
        let proposal = versions::propose(db, &published).await.unwrap();
        assert_eq!(
            proposal.suggested, "2.0.0",
            "{}: {:?}",
            t.label, proposal.changes
        );
        let paths: Vec<&str> = proposal.changes.iter().map(|c| c.path.as_str()).collect();
        assert!(
            paths.contains(&"reach.note") && paths.contains(&"sla latency"),
            "{paths:?}"
        );
        let refused =
            versions::publish(db, &dan, product.id, "1.1.0", "Dropped the note column").await;
        let Err(Error::Invalid(errors)) = refused else {
            panic!("a minor bump must be refused")
        };
        assert_eq!(errors[0].field, "version");
        assert!(
            errors[0].message.contains("breaking change") && errors[0].message.contains("2.0.0"),
            "{}",
            errors[0].message
        );
        let v2 = versions::publish(db, &dan, product.id, "2.0.0", "Dropped the note column")
            .await
            .unwrap();
        assert!(v2.breaking);
        let history = versions::history(db, visible).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].version, "2.0.0");
        assert_eq!(history[0].published_by.as_deref(), Some("Daniel Okafor"));

        // A documentation-only change proposes a patch.
        products::update(
            db,
            &dan,
            product.id,
            &ProductEdit {
                name: "Campaign Reach".into(),
                summary: "Weekly reach and frequency per campaign and channel.".into(),
                description: "# Reach".into(),
                kind: "aggregate".into(),
                tags: "campaigns".into(),
            },
        )
        .await
        .unwrap();
        let now = DataProduct::find_by_id(product.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            versions::propose(db, &now).await.unwrap().suggested,
            "2.0.1"
        );
    }
}

#[tokio::test]
async fn field_errors_change_nothing() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        let before = fingerprint(db).await;
        let mut bad = new_product("Campaign Performance");
        bad.kind = "lake".into();
        let Err(Error::Invalid(errors)) = products::create(db, &dan, &bad).await else {
            panic!()
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["slug", "kind"], "{}: {errors:?}", t.label);
        assert!(errors[0]
            .message
            .contains("already used in the Marketing domain"));
        let mut bad_slug = new_product("X");
        bad_slug.slug = "Not A Slug".into();
        let Err(Error::Invalid(errors)) = products::create(db, &dan, &bad_slug).await else {
            panic!()
        };
        assert_eq!(errors[0].field, "slug");
        let mut other_team = new_product("Sales Thing");
        other_team.owner_team = "sales-ops".into();
        assert!(matches!(
            products::create(db, &dan, &other_team).await,
            Err(Error::Forbidden(_))
        ));

        let product = catalog::find_product(db, &dan, "marketing", "campaign-performance")
            .await
            .unwrap();
        let invalid = "apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties:\n      - name: a\n        logicalType: text\n";
        let Err(Error::Invalid(errors)) =
            contracts::import(db, &dan, product.id, invalid, None).await
        else {
            panic!()
        };
        assert_eq!(errors[0].field, "schema[0].properties[0].logicalType");
        assert!(
            errors[0].message.starts_with("line 10: must be one of"),
            "{}",
            errors[0].message
        );
        let Err(Error::Invalid(errors)) = versions::publish(db, &dan, product.id, "2.3", "x").await
        else {
            panic!()
        };
        assert_eq!(errors[0].field, "version");
        assert_eq!(
            before,
            fingerprint(db).await,
            "{}: nothing changed",
            t.label
        );
    }
}

#[tokio::test]
async fn a_non_member_cannot_change_a_product_and_nothing_changes() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let ana = viewer(db, ANA).await;
        let product = catalog::find_product(db, &ana, "marketing", "campaign-performance")
            .await
            .unwrap();
        let before = fingerprint(db).await;
        let edit = ProductEdit {
            name: "Hijacked".into(),
            summary: "x".into(),
            description: "x".into(),
            kind: "aggregate".into(),
            tags: String::new(),
        };
        assert!(matches!(
            products::update(db, &ana, product.id, &edit).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            contracts::import(db, &ana, product.id, CONTRACT_V1, None).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            versions::publish(db, &ana, product.id, "9.0.0", "x").await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            products::retire(db, &ana, product.id).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            products::remove_port(db, &ana, product.id, "warehouse").await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            products::update(db, &Viewer::anonymous(), product.id, &edit).await,
            Err(Error::Unauthorized(_))
        ));
        assert_eq!(before, fingerprint(db).await, "{}", t.label);
    }
}

#[tokio::test]
async fn deprecation_needs_a_future_sunset_and_retired_products_are_read_only() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        let product = catalog::find_product(db, &dan, "marketing", "marketing-attribution")
            .await
            .unwrap();
        let Err(Error::Invalid(errors)) =
            products::deprecate(db, &dan, product.id, "2020-01-01", "marketing/nope").await
        else {
            panic!()
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["sunset_date", "replacement"]);
        products::deprecate(
            db,
            &dan,
            product.id,
            "2099-12-31",
            "marketing/campaign-performance",
        )
        .await
        .unwrap();
        let page = catalog::product_page(db, &dan, "marketing", "marketing-attribution")
            .await
            .unwrap();
        assert_eq!(page.card.status, ProductStatus::Deprecated);
        assert_eq!(page.replacement.unwrap().slug, "campaign-performance");
        products::retire(db, &dan, product.id).await.unwrap();
        let again = products::retire(db, &dan, product.id).await;
        assert!(
            matches!(again, Err(Error::Conflict(_))),
            "{}: {again:?}",
            t.label
        );
        let hidden =
            catalog::list_products(db, &Viewer::anonymous(), &catalog::ListFilter::default())
                .await
                .unwrap();
        assert!(
            !hidden.iter().any(|c| c.id == product.id),
            "retired products leave the marketplace"
        );
    }
}

#[tokio::test]
async fn every_shared_example_imports_into_a_product_and_exports_valid() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/odcs");
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|x| x != "yaml") {
                continue;
            }
            let name = path
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .replace('.', "-");
            let yaml = std::fs::read_to_string(&path).unwrap();
            let product = products::create(db, &dan, &new_product(&format!("Example {name}")))
                .await
                .unwrap();
            let imported = contracts::import(db, &dan, product.id, &yaml, None)
                .await
                .unwrap_or_else(|e| panic!("{}: {name}: {e}", t.label));
            assert_eq!(imported.outcome, Outcome::Created);
            let visible = products::id_of(db, &dan, "marketing", &product.slug)
                .await
                .unwrap();
            let (_, exported) = contracts::export_yaml(db, visible, None).await.unwrap();
            let doc =
                mesh::standards::odcs::read(&exported).unwrap_or_else(|p| panic!("{name}: {p:?}"));
            mesh::standards::odcs::validate_v310(&doc).unwrap();
            let mut original = mesh::standards::odcs::read(&yaml).unwrap();
            original["apiVersion"] = "v3.1.0".into();
            assert_eq!(original, doc, "{}: {name} round trip", t.label);
        }
    }
}

#[tokio::test]
async fn a_product_exports_as_an_odps_document() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let doc =
            mesh::standards::odps::document(db, &Viewer::anonymous(), "sales", "customer-orders")
                .await
                .unwrap();
        for required in ["apiVersion", "kind", "id", "status"] {
            assert!(doc.get(required).is_some(), "{required}");
        }
        assert_eq!(doc["apiVersion"], "v1.0.0");
        assert_eq!(doc["kind"], "DataProduct");
        assert_eq!(doc["status"], "active");
        let ports = doc["outputPorts"].as_array().unwrap();
        assert_eq!(ports.len(), 3, "{}", t.label);
        assert!(ports
            .iter()
            .all(|p| p["name"].is_string() && p["version"].is_string()));
        assert!(ports
            .iter()
            .any(|p| p["contractId"] == "sales-customer-orders"));
        assert_eq!(doc["team"]["name"], "Sales Operations");
        assert!(doc["team"]["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["username"].is_string()));
        assert!(
            !doc.as_object().unwrap().values().any(|v| v.is_null()),
            "no nulls"
        );
    }
}

#[tokio::test]
async fn a_product_belongs_to_the_domain_of_its_owning_team() {
    let t = mesh::testing::TestDb::sqlite().await;
    mesh::demo::seed::seed_demo(&t.db).await.unwrap();
    let dan = viewer(&t.db, DAN).await;
    let mut wrong = new_product("Misplaced");
    wrong.domain = "finance".into();
    let Err(Error::Invalid(errors)) = products::create(&t.db, &dan, &wrong).await else {
        panic!()
    };
    assert_eq!(errors[0].field, "owner_team");
    assert_eq!(
        errors[0].message,
        "Marketing Analytics is not a team of the Finance domain"
    );
}
