//! Waivers: a product team asks to be excused from a policy until a date; a steward decides. A waived
//! failure shows as waived; when the waiver expires the real result returns at the next evaluation.
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use crate::access::Viewer;
use crate::activity::audit::{self, Entry};
use crate::activity::notifications::{self, Note};
use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::{Error, FieldError, Result};
use crate::kinds::WaiverStatus;

/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn request(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    policy_id: i64,
    justification: &str,
    expires_on: &str,
) -> Result<waiver::Model> {
    crate::db::retry(|| request_once(db, viewer, product_id, policy_id, justification, expires_on))
        .await
}

async fn request_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    policy_id: i64,
    justification: &str,
    expires_on: &str,
) -> Result<waiver::Model> {
    viewer.require_user()?;
    let tx = begin_write(db).await?;
    let product = DataProduct::find_by_id(product_id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("data product"))?;
    viewer.require(
        viewer.may_edit_product(product.owner_team_id),
        "ask for waivers for this product (its team only)",
    )?;
    let policy = Policy::find_by_id(policy_id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::invalid("policy", "choose a policy"))?;
    let mut errors = Vec::new();
    if justification.trim().chars().count() < 10 {
        errors.push(FieldError::new(
            "justification",
            "explain why the policy cannot be met for now (10 characters or more)",
        ));
    }
    let today = Utc::now().date_naive();
    match NaiveDate::parse_from_str(expires_on.trim(), "%Y-%m-%d") {
        Ok(d) if d <= today => errors.push(FieldError::new(
            "expires_on",
            "the waiver must end in the future",
        )),
        Ok(d) if d > today + Duration::days(366) => errors.push(FieldError::new(
            "expires_on",
            "a waiver lasts a year at most",
        )),
        Ok(_) => {}
        Err(_) => errors.push(FieldError::new("expires_on", "give a date like 2027-03-31")),
    }
    let open = Waiver::find()
        .filter(waiver::Column::ProductId.eq(product_id))
        .filter(waiver::Column::PolicyId.eq(policy_id))
        .filter(waiver::Column::Status.eq(WaiverStatus::Requested))
        .count(&tx)
        .await?;
    if open > 0 {
        errors.push(FieldError::new(
            "policy",
            "a waiver for this policy is already waiting for a steward",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let expires = NaiveDate::parse_from_str(expires_on.trim(), "%Y-%m-%d").expect("checked above");
    let row = waiver::ActiveModel {
        product_id: Set(product_id),
        policy_id: Set(policy_id),
        justification: Set(justification.trim().to_owned()),
        expires_on: Set(expires),
        status: Set(WaiverStatus::Requested),
        requested_by: Set(viewer.user_id),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(String::new()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let stewards: Vec<i64> = User::find()
        .filter(user::Column::IsSteward.eq(true))
        .all(&tx)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    notifications::notify(
        &tx,
        &stewards,
        &Note {
            kind: "waiver_requested",
            title: format!("Waiver requested: {} for “{}”", product.name, policy.title),
            body: row.justification.clone(),
            link: "/governance/waivers".into(),
        },
    )
    .await?;
    audit::record(
        &tx,
        Entry {
            actor_id: viewer.user_id,
            action: "waiver.requested",
            object_type: "data_product",
            object_id: Some(product_id),
            after: Some(json!({"policy": policy.key, "expires_on": expires})),
            note: Some(row.justification.clone()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Approves or denies a waiver (stewards). Exactly one decision wins if two stewards act at once.
/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn decide(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    approve: bool,
    note: &str,
) -> Result<waiver::Model> {
    crate::db::retry(|| decide_once(db, viewer, id, approve, note)).await
}

async fn decide_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    approve: bool,
    note: &str,
) -> Result<waiver::Model> {
    viewer.require(viewer.may_steward(), "decide waivers (stewards only)")?;
    let tx = begin_write(db).await?;
    let w = Waiver::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("waiver"))?;
    let to = if approve {
        WaiverStatus::Approved
    } else {
        WaiverStatus::Denied
    };
    let changed = Waiver::update_many()
        .col_expr(waiver::Column::Status, Expr::value(to.as_str()))
        .col_expr(waiver::Column::DecidedBy, Expr::value(viewer.user_id))
        .col_expr(waiver::Column::DecidedAt, Expr::value(Utc::now()))
        .col_expr(waiver::Column::DecisionNote, Expr::value(note.trim()))
        .filter(waiver::Column::Id.eq(id))
        .filter(waiver::Column::Status.eq(WaiverStatus::Requested))
        .exec(&tx)
        .await?;
    if changed.rows_affected != 1 {
        return Err(Error::Conflict(format!(
            "this waiver was already {}",
            w.status.label().to_lowercase()
        )));
    }
    let product = DataProduct::find_by_id(w.product_id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("data product"))?;
    super::evaluate::evaluate_product(&tx, w.product_id).await?;
    let requester: Vec<i64> = w.requested_by.into_iter().collect();
    notifications::notify(
        &tx,
        &requester,
        &Note {
            kind: if approve {
                "waiver_approved"
            } else {
                "waiver_denied"
            },
            title: format!(
                "Waiver for {} {}",
                product.name,
                if approve { "approved" } else { "denied" }
            ),
            body: note.trim().to_owned(),
            link: "/governance/waivers".into(),
        },
    )
    .await?;
    audit::record(
        &tx,
        Entry {
            actor_id: viewer.user_id,
            action: if approve {
                "waiver.approved"
            } else {
                "waiver.denied"
            },
            object_type: "data_product",
            object_id: Some(w.product_id),
            after: Some(json!({"waiver": id})),
            note: Some(note.trim().to_owned()).filter(|n| !n.is_empty()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Waiver::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("waiver"))
}

#[derive(Clone, Debug, PartialEq)]
pub struct WaiverView {
    pub waiver: waiver::Model,
    pub product: (String, String, String),
    pub policy_title: String,
    pub requested_by: Option<String>,
}

/// Waivers, newest first: all of them for stewards; those of the viewer's teams' products otherwise.
pub async fn list(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<Vec<WaiverView>> {
    viewer.require_user()?;
    let mut query = Waiver::find().order_by_desc(waiver::Column::Id);
    if !(viewer.is_steward || viewer.is_admin) {
        let mine: Vec<i64> = DataProduct::find()
            .filter(data_product::Column::OwnerTeamId.is_in(viewer.team_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        query = query.filter(waiver::Column::ProductId.is_in(mine));
    }
    let waivers = query.all(db).await?;
    let mut out = Vec::new();
    for w in waivers {
        let p = DataProduct::find_by_id(w.product_id)
            .one(db)
            .await?
            .ok_or_else(|| Error::not_found("data product"))?;
        let d = Domain::find_by_id(p.domain_id)
            .one(db)
            .await?
            .map(|d| d.slug)
            .unwrap_or_default();
        let policy = Policy::find_by_id(w.policy_id)
            .one(db)
            .await?
            .map(|p| p.title)
            .unwrap_or_default();
        let requested_by = match w.requested_by {
            Some(id) => User::find_by_id(id).one(db).await?.map(|u| u.name),
            None => None,
        };
        out.push(WaiverView {
            product: (d, p.slug, p.name),
            policy_title: policy,
            requested_by,
            waiver: w,
        });
    }
    Ok(out)
}

/// Re-evaluates products whose approved waiver has expired (run by the daily job), so the real result returns.
pub async fn expire(db: &impl ConnectionTrait, today: NaiveDate) -> Result<usize> {
    let lapsed = Waiver::find()
        .filter(waiver::Column::Status.eq(WaiverStatus::Approved))
        .filter(waiver::Column::ExpiresOn.lt(today))
        .all(db)
        .await?;
    let ids: Vec<i64> = lapsed.iter().map(|w| w.product_id).collect();
    super::evaluate::evaluate_products(db, &ids).await?;
    Ok(ids.len())
}
