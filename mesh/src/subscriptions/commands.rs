//! What people do to subscriptions: [`request`] access, [`decide`] (approve or reject), [`cancel`], [`revoke`].
//! The decisions go through [`transition`](super::state); a request creates the row.
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

use super::alerts::announce;
use super::state::{event_name, transition, Action};
use super::view::{shown_to, view_of, SubscriptionView};
use crate::access::Viewer;
use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::{Error, FieldError, Result};
use crate::kinds::{ApprovalMode, ProductStatus, SubscriptionStatus as S};

/// The fields of the subscribe form.
#[derive(Clone, Debug, Default)]
pub struct NewRequest {
    pub port_id: i64,
    pub consumer_team: String,
    /// `domain/product` of the consuming product (optional).
    pub consumer_product: String,
    pub purpose: String,
    pub accept_terms: bool,
    /// YYYY-MM-DD (optional).
    pub end_date: String,
}

/// Requests access to an output port for one of the viewer's teams. Manual ports wait for the producing team's
/// owners; auto ports, and requests from the producing team itself, are approved at once. A team has at most one
/// open (requested or approved) subscription per port: the database holds that rule (`ux_subscriptions_open`),
/// so of two identical requests racing, one is refused the same way as a request made after the first.
pub async fn request(
    db: &DatabaseConnection,
    viewer: &Viewer,
    new: &NewRequest,
) -> Result<SubscriptionView> {
    let v = crate::db::retry(|| request_once(db, viewer, new)).await?;
    shown_to(db, viewer, v).await
}

/// Why a team cannot ask for a port again.
fn already_open(team: &team::Model) -> FieldError {
    FieldError::new(
        "port",
        format!(
            "{} already has an open request or access for this port",
            team.name
        ),
    )
}

async fn request_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    new: &NewRequest,
) -> Result<SubscriptionView> {
    let user_id = viewer.require_scope(crate::access::Scope::Write)?;
    let tx = begin_write(db).await?;
    let port = OutputPort::find_by_id(new.port_id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::invalid("port", "choose an output port"))?;
    let product = DataProduct::find_by_id(port.product_id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("data product"))?;
    if !viewer.may_see_product(product.status, product.owner_team_id) {
        return Err(Error::not_found("data product"));
    }
    if !matches!(
        product.status,
        ProductStatus::Published | ProductStatus::Deprecated
    ) {
        return Err(Error::Conflict(format!(
            "{} is {}: only published products take subscriptions",
            product.name,
            product.status.label().to_lowercase()
        )));
    }
    let mut errors = Vec::new();
    let team = Team::find()
        .filter(team::Column::Slug.eq(new.consumer_team.as_str()))
        .one(&tx)
        .await?;
    match &team {
        None => errors.push(FieldError::new(
            "consumer_team",
            "choose the team that will use the data",
        )),
        Some(t) if !(viewer.is_member_of(t.id) || viewer.is_admin) => {
            viewer.require(false, "request access for a team you do not belong to")?
        }
        _ => {}
    }
    let purpose = new.purpose.trim();
    if purpose.chars().count() < 10 {
        errors.push(FieldError::new(
            "purpose",
            "say in a sentence what you will use the data for (10 characters or more)",
        ));
    }
    if !new.accept_terms {
        errors.push(FieldError::new(
            "accept_terms",
            "accept the terms of use of the data contract",
        ));
    }
    let today = Utc::now().date_naive();
    let end_date = match new.end_date.trim() {
        "" => None,
        text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) if d <= today => {
                errors.push(FieldError::new(
                    "end_date",
                    "the end date must be in the future",
                ));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new("end_date", "give a date like 2027-06-30"));
                None
            }
        },
    };
    let consumer_product_id = match new.consumer_product.trim() {
        "" => None,
        r => {
            let found = match r.split_once('/') {
                Some((d, p)) => crate::catalog::listing::find_product(&tx, viewer, d, p)
                    .await
                    .ok(),
                None => None,
            };
            match (found, &team) {
                (Some(p), Some(t)) if p.owner_team_id == t.id => Some(p.id),
                (Some(_), Some(t)) => {
                    errors.push(FieldError::new(
                        "consumer_product",
                        format!("the consuming product must belong to {}", t.name),
                    ));
                    None
                }
                _ => {
                    errors.push(FieldError::new(
                        "consumer_product",
                        format!("no data product `{r}`"),
                    ));
                    None
                }
            }
        }
    };
    let Some(team) = team else {
        return Err(Error::Invalid(errors));
    };
    let open = Subscription::find()
        .filter(subscription::Column::PortId.eq(port.id))
        .filter(subscription::Column::ConsumerTeamId.eq(team.id))
        .filter(subscription::Column::Status.is_in([S::Requested, S::Approved]))
        .count(&tx)
        .await?;
    if open > 0 {
        errors.push(already_open(&team));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let now = Utc::now();
    let auto = port.approval_mode == ApprovalMode::Auto || team.id == product.owner_team_id;
    let sub = subscription::ActiveModel {
        port_id: Set(port.id),
        product_id: Set(product.id),
        consumer_team_id: Set(team.id),
        consumer_product_id: Set(consumer_product_id),
        requester_id: Set(Some(user_id)),
        purpose: Set(purpose.to_owned()),
        accepted_terms: Set(true),
        status: Set(if auto { S::Approved } else { S::Requested }),
        end_date: Set(end_date),
        renewal_until: Set(None),
        decided_by: Set(None),
        decided_at: Set(auto.then_some(now)),
        decision_note: Set(if auto {
            "approved automatically".into()
        } else {
            String::new()
        }),
        reminder_sent_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| match crate::db::errors::is_unique_violation(&e) {
        // The same request, made at the same moment, won (PostgreSQL; SQLite has one writer at a time).
        true => Error::Invalid(vec![already_open(&team)]),
        false => e.into(),
    })?;
    let v = view_of(&tx, sub).await?;
    announce(&tx, &v, None, Some(user_id), "", event_name(v.sub.status)).await?;
    crate::governance::evaluate_product(&tx, v.sub.product_id).await?;
    tx.commit().await?;
    Ok(v)
}

pub(super) fn producer(viewer: &Viewer, v: &SubscriptionView) -> bool {
    viewer.may_decide_for_team(v.producing_team_id)
}

pub(super) fn consumer(viewer: &Viewer, v: &SubscriptionView) -> bool {
    viewer.has_scope(crate::access::Scope::Write)
        && (viewer.is_admin || viewer.is_member_of(v.sub.consumer_team_id))
}

/// Approves or rejects a request (owners of the producing team).
pub async fn decide(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    approve: bool,
    note: &str,
) -> Result<SubscriptionView> {
    if !approve && note.trim().is_empty() {
        return Err(Error::invalid("note", "tell the requester why"));
    }
    let action = if approve {
        Action::Approve
    } else {
        Action::Reject
    };
    transition(
        db,
        viewer,
        id,
        action,
        note,
        producer,
        "decide access requests for this product (owners of its team only)",
    )
    .await
}

/// Withdraws a request or ends an active subscription (members of the consuming team).
pub async fn cancel(db: &DatabaseConnection, viewer: &Viewer, id: i64) -> Result<SubscriptionView> {
    transition(
        db,
        viewer,
        id,
        Action::Cancel,
        "",
        consumer,
        "cancel this subscription (members of the consuming team only)",
    )
    .await
}

/// Ends a consumer's access, with a reason (owners of the producing team).
pub async fn revoke(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    reason: &str,
) -> Result<SubscriptionView> {
    if reason.trim().is_empty() {
        return Err(Error::invalid("reason", "give the consumer a reason"));
    }
    transition(
        db,
        viewer,
        id,
        Action::Revoke,
        reason,
        producer,
        "revoke access to this product (owners of its team only)",
    )
    .await
}
