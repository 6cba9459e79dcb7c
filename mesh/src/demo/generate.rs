//! A generator of realistic meshes for benchmarks and demos at scale (`agora seed --products N`): domains named
//! after business areas and regions, two teams each, products with docs, columns, tags, ports, SLAs and some
//! subscribers, spread over the lifecycle. Deterministic for a given size. Inserted in bulk, then evaluated
//! against the policies and indexed for search like any other product.
use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Set};

use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::Result;
use crate::kinds::{
    ApprovalMode, PortKind, ProductKind, ProductStatus, SubscriptionStatus, TeamRole,
};

const AREAS: &[&str] = &[
    "Procurement",
    "Manufacturing",
    "Risk",
    "Legal",
    "Marketing",
    "Sales",
    "Finance",
    "Logistics",
    "Payments",
    "People",
    "Customer Care",
    "Pricing",
    "Supply Chain",
    "Ecommerce",
    "Retail Stores",
    "Wholesale",
    "Product Catalog",
    "Fraud",
    "Treasury",
    "Tax",
    "Facilities",
    "IT Operations",
    "Security",
    "Research",
];
const REGIONS: &[&str] = &["Global", "EMEA", "Americas", "APAC", "Nordics", "DACH"];
const ENTITIES: &[&str] = &[
    "Customer",
    "Order",
    "Invoice",
    "Shipment",
    "Supplier",
    "Campaign",
    "Employee",
    "Contract",
    "Payment",
    "Product",
    "Store",
    "Warehouse",
    "Ticket",
    "Claim",
    "Asset",
    "Lead",
    "Subscription",
    "Session",
    "Device",
    "Return",
    "Refund",
    "Price",
    "Promotion",
    "Account",
    "Vendor",
    "Budget",
    "Forecast",
    "Delivery",
];
const SHAPES: &[(&str, ProductKind)] = &[
    ("Events", ProductKind::SourceAligned),
    ("Master Data", ProductKind::SourceAligned),
    ("Change Log", ProductKind::SourceAligned),
    ("Daily Snapshot", ProductKind::Aggregate),
    ("Facts", ProductKind::Aggregate),
    ("Monthly Summary", ProductKind::Aggregate),
    ("Reconciliation", ProductKind::Aggregate),
    ("KPIs", ProductKind::ConsumerAligned),
    ("Churn Signals", ProductKind::ConsumerAligned),
    ("Features", ProductKind::ConsumerAligned),
    ("Quality Scores", ProductKind::ConsumerAligned),
];
const TAGS: &[&str] = &[
    "core",
    "daily",
    "hourly",
    "realtime",
    "kpi",
    "finance",
    "gdpr",
    "pii",
    "reference-data",
    "forecast",
    "ml-features",
    "audit",
    "erp",
    "crm",
    "web",
    "mobile",
    "stores",
    "b2b",
    "b2c",
    "sustainability",
    "pricing",
    "inventory",
    "cohorts",
    "attribution",
    "compliance",
    "sox",
    "partner",
    "experiments",
    "ops",
    "quality",
];
const COLUMNS: &[(&str, &str)] = &[
    ("created_at", "When the record was created (UTC)"),
    ("updated_at", "When the record last changed (UTC)"),
    ("country_code", "ISO 3166-1 alpha-2 country"),
    ("currency", "ISO 4217 currency code"),
    ("amount", "Amount in the record's currency"),
    (
        "amount_eur",
        "Amount converted to EUR at the daily ECB rate",
    ),
    ("channel", "web, app, store or wholesale"),
    ("status", "Lifecycle state of the record"),
    ("quantity", "Number of units"),
    ("region", "Sales region"),
    ("cost_centre", "Cost centre code from the ERP"),
    ("email", "Contact e-mail address (personal data)"),
    ("phone_number", "Contact phone number (personal data)"),
    ("full_name", "Person's full name (personal data)"),
    ("score", "Model score between 0 and 1"),
    ("source_system", "System the record comes from"),
];

/// How much was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Generated {
    pub domains: usize,
    pub teams: usize,
    pub products: usize,
    pub subscriptions: usize,
}

impl std::fmt::Display for Generated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} domains, {} teams, {} data products, {} subscriptions generated",
            self.domains, self.teams, self.products, self.subscriptions
        )
    }
}

async fn next_id(db: &impl ConnectionTrait, table: &str) -> Result<i64> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COALESCE(MAX(id), 0) FROM {table}"),
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get_by_index::<i64>(0)? + 1,
        None => 1,
    })
}

/// Keeps PostgreSQL's id sequences ahead of the ids given explicitly here.
async fn sync_sequences(db: &impl ConnectionTrait) -> Result<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in [
        "domains",
        "teams",
        "data_products",
        "output_ports",
        "tags",
        "subscriptions",
        "memberships",
    ] {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        ))
        .await?;
    }
    Ok(())
}

/// Adds `products` generated data products (with domains and teams to hold them: one domain per 1,000
/// products, at most 100).
pub async fn generate(db: &DatabaseConnection, products: usize) -> Result<Generated> {
    let mut rng = StdRng::seed_from_u64(products as u64);
    let now = Utc::now();
    let domain_count = products.div_ceil(1000).clamp(1, 100);
    let tx = begin_write(db).await?;
    let first_domain = next_id(&tx, "domains").await?;
    let first_team = next_id(&tx, "teams").await?;
    let first_product = next_id(&tx, "data_products").await?;
    let first_port = next_id(&tx, "output_ports").await?;
    let first_sub = next_id(&tx, "subscriptions").await?;
    let first_tag = next_id(&tx, "tags").await?;
    let first_membership = next_id(&tx, "memberships").await?;
    let owner = User::find().one(&tx).await?.map(|u| u.id);

    // Tags: reuse existing names, add the missing ones.
    let existing: std::collections::HashMap<String, i64> = Tag::find()
        .all(&tx)
        .await?
        .into_iter()
        .map(|t| (t.name, t.id))
        .collect();
    let mut tag_ids = Vec::new();
    let mut new_tags = Vec::new();
    for (i, name) in TAGS.iter().enumerate() {
        match existing.get(*name) {
            Some(id) => tag_ids.push(*id),
            None => {
                let id = first_tag + i as i64;
                tag_ids.push(id);
                new_tags.push(tag::ActiveModel {
                    id: Set(id),
                    name: Set((*name).into()),
                });
            }
        }
    }
    if !new_tags.is_empty() {
        Tag::insert_many(new_tags)
            .exec_without_returning(&tx)
            .await?;
    }

    let run = first_domain; // distinguishes slugs of repeated runs
    let mut domains = Vec::new();
    let mut teams = Vec::new();
    let mut memberships = Vec::new();
    for i in 0..domain_count {
        let area = AREAS[i % AREAS.len()];
        let region = REGIONS[(i / AREAS.len()) % REGIONS.len()];
        let name = if i < AREAS.len() {
            format!("{area} {region}")
        } else {
            format!("{area} {region} {}", i / (AREAS.len() * REGIONS.len()) + 1)
        };
        let id = first_domain + i as i64;
        let slug = format!("{}-g{run}", crate::validate::slugify(&name));
        domains.push(domain::ActiveModel {
            id: Set(id),
            slug: Set(slug.clone()),
            name: Set(name.clone()),
            description: Set(format!("Data products of {area} in {region}.")),
            parent_id: Set(None),
            owner_team_id: Set(None),
            created_at: Set(now),
        });
        for (t, suffix) in ["Data", "Analytics"].iter().enumerate() {
            let team_id = first_team + (i * 2 + t) as i64;
            teams.push(team::ActiveModel {
                id: Set(team_id),
                slug: Set(format!("{slug}-{}", suffix.to_lowercase())),
                name: Set(format!("{name} {suffix}")),
                description: Set(format!("{suffix} team of {name}.")),
                domain_id: Set(id),
                created_at: Set(now),
            });
            if let Some(user) = owner {
                memberships.push(membership::ActiveModel {
                    id: Set(first_membership + memberships.len() as i64),
                    team_id: Set(team_id),
                    user_id: Set(user),
                    role: Set(TeamRole::Owner),
                    created_at: Set(now),
                });
            }
        }
    }
    for batch in domains.chunks(500) {
        Domain::insert_many(batch.to_vec())
            .exec_without_returning(&tx)
            .await?;
    }
    for batch in teams.chunks(500) {
        Team::insert_many(batch.to_vec())
            .exec_without_returning(&tx)
            .await?;
    }
    for batch in memberships.chunks(500) {
        Membership::insert_many(batch.to_vec())
            .exec_without_returning(&tx)
            .await?;
    }

    let mut subscriptions = 0;
    let mut rows = Vec::with_capacity(1000);
    let mut ports = Vec::with_capacity(1000);
    let mut links = Vec::with_capacity(3000);
    let mut subs = Vec::with_capacity(1000);
    for n in 0..products {
        let id = first_product + n as i64;
        let d = n % domain_count;
        let domain_id = first_domain + d as i64;
        let team_id = first_team + (d * 2 + n % 2) as i64;
        let entity = ENTITIES.choose(&mut rng).copied().unwrap_or("Customer");
        let (shape, kind) = *SHAPES.choose(&mut rng).unwrap_or(&SHAPES[0]);
        let name = format!("{entity} {shape} {}", n / domain_count + 1);
        let status = match rng.random_range(0..100) {
            0..=84 => ProductStatus::Published,
            85..=91 => ProductStatus::Deprecated,
            92..=96 => ProductStatus::Draft,
            _ => ProductStatus::Retired,
        };
        let column_count = rng.random_range(4..10);
        let tag_count = rng.random_range(1..4);
        let columns: Vec<&(&str, &str)> = COLUMNS.choose_multiple(&mut rng, column_count).collect();
        let has_pii = columns
            .iter()
            .any(|(c, _)| ["email", "phone_number", "full_name"].contains(c));
        let key = format!("{}_id", entity.to_lowercase());
        let mut docs = format!(
            "# {name}\n\n{entity} data as {shape_l}, published by the team that runs the {entity_l} process.\n\n\
             ## Grain\n\nOne row per {entity_l}{grain}.\n\n## Columns\n\n| column | meaning |\n|---|---|\n| `{key}` | The {entity_l}'s key |\n",
            shape_l = shape.to_lowercase(),
            entity_l = entity.to_lowercase(),
            grain = if kind == ProductKind::Aggregate {
                " and day"
            } else {
                ""
            },
        );
        for (c, meaning) in &columns {
            docs.push_str(&format!("| `{c}` | {meaning} |\n"));
        }
        let published = now - Duration::days(rng.random_range(1..900));
        rows.push(data_product::ActiveModel {
            id: Set(id),
            domain_id: Set(domain_id),
            slug: Set(crate::validate::slugify(&name)),
            name: Set(name.clone()),
            summary: Set(format!(
                "{entity} {} for {}, refreshed {}.",
                shape.to_lowercase(),
                REGIONS[d % REGIONS.len()],
                ["daily", "hourly", "weekly", "in real time"][n % 4]
            )),
            description: Set(docs),
            kind: Set(kind),
            status: Set(status),
            version: Set(format!(
                "{}.{}.0",
                rng.random_range(1..5),
                rng.random_range(0..10)
            )),
            owner_team_id: Set(team_id),
            sunset_date: Set(None),
            replacement_id: Set(None),
            created_at: Set(published - Duration::days(30)),
            updated_at: Set(published + Duration::days(rng.random_range(0..30))),
            published_at: Set((status != ProductStatus::Draft).then_some(published)),
            has_pii: Set(has_pii),
            sla_availability: Set(*[None, Some(99.0), Some(99.5), Some(99.9), Some(99.95)]
                .choose(&mut rng)
                .unwrap_or(&None)),
        });
        let port_id = first_port + n as i64;
        ports.push(output_port::ActiveModel {
            id: Set(port_id),
            product_id: Set(id),
            slug: Set("warehouse".into()),
            name: Set("Warehouse table".into()),
            description: Set(String::new()),
            kind: Set(PortKind::Table),
            location: Set(format!(
                "WAREHOUSE.G{d}.{}",
                crate::validate::slugify(&name)
                    .replace('-', "_")
                    .to_uppercase()
            )),
            server: Set(None),
            approval_mode: Set(if n % 3 == 0 {
                ApprovalMode::Auto
            } else {
                ApprovalMode::Manual
            }),
            created_at: Set(now),
            contract_id: Set(None),
        });
        for tag in tag_ids.choose_multiple(&mut rng, tag_count) {
            links.push(product_tag::ActiveModel {
                product_id: Set(id),
                tag_id: Set(*tag),
            });
        }
        if status == ProductStatus::Published && rng.random_range(0..5) == 0 {
            // Distinct teams: a team has one open subscription per port (`ux_subscriptions_open`).
            let mut consumers: Vec<i64> = (0..rng.random_range(1..6))
                .map(|_| first_team + rng.random_range(0..domain_count * 2) as i64)
                .collect();
            consumers.sort_unstable();
            consumers.dedup();
            for consumer_team in consumers {
                subs.push(subscription::ActiveModel {
                    id: Set(first_sub + subscriptions as i64),
                    port_id: Set(port_id),
                    product_id: Set(id),
                    consumer_team_id: Set(consumer_team),
                    consumer_product_id: Set(None),
                    requester_id: Set(owner),
                    purpose: Set("Reporting for the monthly business review".into()),
                    accepted_terms: Set(true),
                    status: Set(SubscriptionStatus::Approved),
                    end_date: Set(None),
                    renewal_until: Set(None),
                    decided_by: Set(owner),
                    decided_at: Set(Some(now)),
                    decision_note: Set(String::new()),
                    reminder_sent_at: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                subscriptions += 1;
            }
        }
        if rows.len() == 500 || n + 1 == products {
            DataProduct::insert_many(std::mem::take(&mut rows))
                .exec_without_returning(&tx)
                .await?;
            OutputPort::insert_many(std::mem::take(&mut ports))
                .exec_without_returning(&tx)
                .await?;
            if !links.is_empty() {
                ProductTag::insert_many(std::mem::take(&mut links))
                    .exec_without_returning(&tx)
                    .await?;
            }
            if !subs.is_empty() {
                Subscription::insert_many(std::mem::take(&mut subs))
                    .exec_without_returning(&tx)
                    .await?;
            }
        }
    }
    sync_sequences(&tx).await?;
    tx.commit().await?;

    // Evaluated and indexed like every other product, in transactions of a few thousand.
    let ids: Vec<i64> = (0..products as i64).map(|n| first_product + n).collect();
    for chunk in ids.chunks(4000) {
        let tx = begin_write(db).await?;
        crate::governance::evaluate_products(&tx, chunk).await?;
        tx.commit().await?;
    }
    // Today's compliance snapshot, so dashboards (and the daily job) start from the generated mesh.
    crate::governance::evaluate::snapshot(db, now.date_naive()).await?;
    // Fresh statistics after a bulk load, so the query planners see the tables as they are now.
    db.execute_unprepared("ANALYZE").await?;
    Ok(Generated {
        domains: domain_count,
        teams: domain_count * 2,
        products,
        subscriptions,
    })
}
