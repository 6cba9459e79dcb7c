//! Publishing: every published change is a version with a summary and a machine diff. A breaking change
//! needs a major version (minor below 1.0.0); otherwise a minor or patch bump is proposed.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;

use crate::access::Viewer;
use crate::activity::audit::{self, Entry};
use crate::catalog::contracts::product_for_change;
use crate::catalog::diff::{self, Bump, Change, ObjectSnap, PortSnap, PropSnap, SlaSnap, Snapshot};
use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::{Error, FieldError, Result};
use crate::kinds::ProductStatus;
use crate::validate;

/// The current state of a product as the diff sees it.
pub async fn snapshot(
    db: &impl ConnectionTrait,
    product: &data_product::Model,
) -> Result<Snapshot> {
    let ports = OutputPort::find()
        .filter(output_port::Column::ProductId.eq(product.id))
        .order_by_asc(output_port::Column::Slug)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PortSnap {
            slug: p.slug,
            kind: p.kind.as_str().to_owned(),
            location: p.location,
        })
        .collect();
    let contract_ids: Vec<i64> = crate::catalog::contracts::of_product(db, product.id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    let objects_rows = ContractObject::find()
        .filter(contract_object::Column::ContractId.is_in(contract_ids.clone()))
        .order_by_asc(contract_object::Column::ContractId)
        .order_by_asc(contract_object::Column::Position)
        .all(db)
        .await?;
    let props = ContractProperty::find()
        .filter(contract_property::Column::ContractId.is_in(contract_ids.clone()))
        .order_by_asc(contract_property::Column::Position)
        .all(db)
        .await?;
    let objects = objects_rows
        .iter()
        .map(|o| ObjectSnap {
            name: o.name.clone(),
            properties: props
                .iter()
                .filter(|p| p.object_id == o.id)
                .map(|p| PropSnap {
                    name: p.name.clone(),
                    logical_type: p.logical_type.clone(),
                    physical_type: p.physical_type.clone(),
                    required: p.required,
                    description: p.description.clone(),
                })
                .collect(),
        })
        .collect();
    let sla = ContractSla::find()
        .filter(contract_sla::Column::ContractId.is_in(contract_ids))
        .order_by_asc(contract_sla::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|s| SlaSnap {
            property: s.property,
            value: s.value,
            unit: s.unit,
            element: s.element,
        })
        .collect();
    Ok(Snapshot {
        ports,
        objects,
        sla,
        docs_digest: crate::access::secrets::hash(&format!(
            "{}\u{0}{}\u{0}{}",
            product.name, product.summary, product.description
        )),
    })
}

async fn last_version(
    db: &impl ConnectionTrait,
    product_id: i64,
) -> Result<Option<product_version::Model>> {
    Ok(ProductVersion::find()
        .filter(product_version::Column::ProductId.eq(product_id))
        .order_by_desc(product_version::Column::Id)
        .one(db)
        .await?)
}

/// What publishing now would record: the changes since the last version and the version to propose.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Proposal {
    pub current_version: String,
    /// `None` before the first publication.
    pub last_published: Option<String>,
    pub changes: Vec<Change>,
    pub bump: Option<Bump>,
    pub suggested: String,
}

pub async fn propose(db: &impl ConnectionTrait, product: &data_product::Model) -> Result<Proposal> {
    let now = snapshot(db, product).await?;
    let last = last_version(db, product.id).await?;
    let current = validate::semver(&product.version).map_err(|m| Error::invalid("version", m))?;
    Ok(match last {
        None => Proposal {
            current_version: product.version.clone(),
            last_published: None,
            changes: Vec::new(),
            bump: None,
            suggested: if current.major == 0 && current.minor == 0 {
                "0.1.0".into()
            } else {
                product.version.clone()
            },
        },
        Some(last) => {
            let before: Snapshot = serde_json::from_value(last.snapshot).unwrap_or_default();
            let changes = diff::diff(&before, &now);
            let bump = diff::required_bump(&changes);
            let base = validate::semver(&last.version).unwrap_or(current);
            Proposal {
                current_version: product.version.clone(),
                last_published: Some(last.version),
                suggested: diff::next_version(base, bump).to_string(),
                bump: Some(bump),
                changes,
            }
        }
    })
}

/// Publishes the product's current state as `version` with a change summary. Refuses a version that does not
/// move forward far enough for the changes (a breaking change needs a major bump), naming the reason.
/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn publish(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    version: &str,
    summary: &str,
) -> Result<product_version::Model> {
    crate::db::retry(|| publish_once(db, viewer, product_id, version, summary)).await
}

async fn publish_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    version: &str,
    summary: &str,
) -> Result<product_version::Model> {
    let tx = begin_write(db).await?;
    let product = product_for_change(&tx, viewer, product_id).await?;
    let proposal = propose(&tx, &product).await?;
    let mut errors = Vec::new();
    let proposed = match validate::semver(version.trim()) {
        Ok(v) => Some(v),
        Err(m) => {
            errors.push(FieldError::new("version", m));
            None
        }
    };
    if summary.trim().is_empty() {
        errors.push(FieldError::new("summary", "say in a sentence what changed"));
    }
    if let (Some(proposed), Some(last), Some(bump)) =
        (proposed, &proposal.last_published, proposal.bump)
    {
        let last_v = validate::semver(last).map_err(|m| Error::invalid("version", m))?;
        if !diff::satisfies(last_v, proposed, bump) {
            let why = match bump {
                Bump::Major => {
                    let first = proposal
                        .changes
                        .iter()
                        .find(|c| c.level == diff::Level::Breaking)
                        .map(|c| format!(" ({}: {})", c.path, c.what))
                        .unwrap_or_default();
                    format!(
                        "a breaking change{first} needs version {} or higher",
                        diff::next_version(last_v, bump)
                    )
                }
                _ => format!(
                    "must be greater than {last}; {} is proposed for these changes",
                    diff::next_version(last_v, bump)
                ),
            };
            errors.push(FieldError::new("version", why));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let version = proposed.expect("checked above").to_string();
    let snapshot = snapshot(&tx, &product).await?;
    let now = Utc::now();
    let breaking = proposal
        .changes
        .iter()
        .any(|c| c.level == diff::Level::Breaking);
    let row = product_version::ActiveModel {
        product_id: Set(product.id),
        version: Set(version.clone()),
        change_summary: Set(summary.trim().to_owned()),
        bump: Set(match proposal.bump {
            None => "initial".into(),
            Some(b) => b.as_str().into(),
        }),
        breaking: Set(breaking),
        changes: Set(serde_json::to_value(&proposal.changes).unwrap_or_default()),
        snapshot: Set(serde_json::to_value(&snapshot).unwrap_or_default()),
        published_by: Set(viewer.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let before_status = product.status;
    let mut active: data_product::ActiveModel = product.into();
    active.version = Set(version.clone());
    if before_status == ProductStatus::Draft {
        active.status = Set(ProductStatus::Published);
    }
    active.published_at = Set(Some(now));
    active.updated_at = Set(now);
    let published = active.update(&tx).await?;
    if breaking {
        crate::subscriptions::announce_breaking_change(
            &tx,
            &published,
            &version,
            &proposal.changes,
        )
        .await?;
    }
    audit::record(&tx, Entry {
        actor_id: viewer.user_id,
        action: "product.published",
        object_type: "data_product",
        object_id: Some(product_id),
        after: Some(json!({"version": version, "breaking": breaking, "changes": proposal.changes.len()})),
        note: Some(summary.trim().to_owned()),
        ..Default::default()
    })
    .await?;
    crate::governance::evaluate_product(&tx, product_id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Records the current state as the first version without checks (seed data, imports of existing products).
pub async fn record_initial(
    db: &impl ConnectionTrait,
    product: &data_product::Model,
    summary: &str,
) -> Result<()> {
    if last_version(db, product.id).await?.is_some() {
        return Ok(());
    }
    let snapshot = snapshot(db, product).await?;
    product_version::ActiveModel {
        product_id: Set(product.id),
        version: Set(product.version.clone()),
        change_summary: Set(summary.to_owned()),
        bump: Set("initial".into()),
        breaking: Set(false),
        changes: Set(json!([])),
        snapshot: Set(serde_json::to_value(&snapshot).unwrap_or_default()),
        published_by: Set(None),
        created_at: Set(product.published_at.unwrap_or(product.created_at)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A version as the history shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VersionView {
    pub version: String,
    pub summary: String,
    pub bump: String,
    pub breaking: bool,
    pub changes: Vec<Change>,
    pub published_by: Option<String>,
    pub published_at: chrono::DateTime<Utc>,
}

/// Newest first, of a product the caller found visible.
pub async fn history(
    db: &impl ConnectionTrait,
    product: crate::catalog::listing::VisibleProduct,
) -> Result<Vec<VersionView>> {
    let rows = ProductVersion::find()
        .filter(product_version::Column::ProductId.eq(product.id()))
        .order_by_desc(product_version::Column::Id)
        .all(db)
        .await?;
    let user_ids: Vec<i64> = rows.iter().filter_map(|r| r.published_by).collect();
    let users = User::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| VersionView {
            published_by: r
                .published_by
                .and_then(|id| users.iter().find(|u| u.id == id).map(|u| u.name.clone())),
            version: r.version,
            summary: r.change_summary,
            bump: r.bump,
            breaking: r.breaking,
            changes: serde_json::from_value(r.changes).unwrap_or_default(),
            published_at: r.created_at,
        })
        .collect())
}
