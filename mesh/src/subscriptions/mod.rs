//! Subscriptions (access agreements): request with a purpose, approve or auto-approve, reject, cancel,
//! revoke, expire, renew. Every transition is atomic (exactly one of two people acting at once wins), audited,
//! notified in-app and published as a CloudEvent to the teams' webhooks.
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{json, Value};

use crate::access::Viewer;
use crate::activity::audit::{self, Entry};
use crate::activity::notifications::{self, Note};
use crate::activity::webhooks;
use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::{Error, FieldError, Result};
use crate::kinds::{ApprovalMode, ProductStatus, SubscriptionStatus as S, TeamRole};

/// What someone does to a subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Approve,
    Reject,
    Cancel,
    Revoke,
    Expire,
}

/// The state machine: requested -> approved | rejected | cancelled; approved -> cancelled | revoked | expired.
pub fn next(from: S, action: Action) -> std::result::Result<S, String> {
    use Action::*;
    match (from, action) {
        (S::Requested, Approve) => Ok(S::Approved),
        (S::Requested, Reject) => Ok(S::Rejected),
        (S::Requested, Cancel) => Ok(S::Cancelled),
        (S::Approved, Cancel) => Ok(S::Cancelled),
        (S::Approved, Revoke) => Ok(S::Revoked),
        (S::Approved, Expire) => Ok(S::Expired),
        (from, action) => Err(format!(
            "a subscription that is {} cannot be {}",
            from.label().to_lowercase(),
            match action {
                Approve => "approved",
                Reject => "rejected",
                Cancel => "cancelled",
                Revoke => "revoked",
                Expire => "expired",
            }
        )),
    }
}

fn event_name(status: S) -> &'static str {
    match status {
        S::Requested => "agora.subscription.requested",
        S::Approved => "agora.subscription.approved",
        S::Rejected => "agora.subscription.rejected",
        S::Cancelled => "agora.subscription.cancelled",
        S::Revoked => "agora.subscription.revoked",
        S::Expired => "agora.subscription.expired",
    }
}

/// Everything about one subscription that pages, notifications and events show.
#[derive(Clone, Debug, PartialEq)]
pub struct SubscriptionView {
    pub sub: subscription::Model,
    pub product_domain: String,
    pub product_slug: String,
    pub product_name: String,
    pub producing_team_id: i64,
    pub port_slug: String,
    pub port_name: String,
    pub port_location: String,
    pub approval_mode: ApprovalMode,
    pub consumer_team_slug: String,
    pub consumer_team_name: String,
    /// `domain/slug` and name of the consuming product.
    pub consumer_product: Option<(String, String)>,
    pub requester_name: Option<String>,
    pub requester_email: Option<String>,
    pub decided_by_name: Option<String>,
}

async fn view_of(db: &impl ConnectionTrait, sub: subscription::Model) -> Result<SubscriptionView> {
    let port = OutputPort::find_by_id(sub.port_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("output port"))?;
    let product = DataProduct::find_by_id(sub.product_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("data product"))?;
    let domain = Domain::find_by_id(product.domain_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("domain"))?;
    let team = Team::find_by_id(sub.consumer_team_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("team"))?;
    let consumer_product = match sub.consumer_product_id {
        Some(id) => match DataProduct::find_by_id(id).one(db).await? {
            Some(p) => {
                let d = Domain::find_by_id(p.domain_id)
                    .one(db)
                    .await?
                    .map(|d| d.slug)
                    .unwrap_or_default();
                Some((format!("{d}/{}", p.slug), p.name))
            }
            None => None,
        },
        None => None,
    };
    let name_of = |id: Option<i64>| async move {
        match id {
            Some(id) => User::find_by_id(id)
                .one(db)
                .await
                .map(|u| u.map(|u| (u.name, u.email))),
            None => Ok(None),
        }
    };
    let requester = name_of(sub.requester_id).await?;
    let decider = name_of(sub.decided_by).await?;
    Ok(SubscriptionView {
        product_domain: domain.slug,
        product_slug: product.slug,
        product_name: product.name,
        producing_team_id: product.owner_team_id,
        port_slug: port.slug,
        port_name: port.name,
        port_location: port.location,
        approval_mode: port.approval_mode,
        consumer_team_slug: team.slug,
        consumer_team_name: team.name,
        consumer_product,
        requester_name: requester.as_ref().map(|r| r.0.clone()),
        requester_email: requester.map(|r| r.1),
        decided_by_name: decider.map(|d| d.0),
        sub,
    })
}

fn event_data(v: &SubscriptionView) -> Value {
    json!({
        "subscriptionId": v.sub.id,
        "status": v.sub.status.as_str(),
        "product": {"domain": v.product_domain, "slug": v.product_slug, "name": v.product_name},
        "port": {"slug": v.port_slug, "name": v.port_name, "location": v.port_location},
        "consumer": {
            "team": v.consumer_team_slug,
            "product": v.consumer_product.as_ref().map(|p| p.0.clone()),
            "requester": v.requester_email,
        },
        "purpose": v.sub.purpose,
        "endDate": v.sub.end_date,
        "decisionNote": v.sub.decision_note,
    })
}

async fn team_owners(db: &impl ConnectionTrait, team_id: i64) -> Result<Vec<i64>> {
    Ok(Membership::find()
        .filter(membership::Column::TeamId.eq(team_id))
        .filter(membership::Column::Role.eq(TeamRole::Owner))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

/// Notifies, queues the webhook event and records the audit entry of a status change.
async fn announce(
    db: &impl ConnectionTrait,
    v: &SubscriptionView,
    from: Option<S>,
    actor: Option<i64>,
    note: &str,
    event_type: &str,
) -> Result<()> {
    let what = format!("{} ({})", v.product_name, v.port_name);
    let producer_owners = team_owners(db, v.producing_team_id).await?;
    let consumer_owners = team_owners(db, v.sub.consumer_team_id).await?;
    let requester: Vec<i64> = v.sub.requester_id.into_iter().collect();
    let (recipients, kind, title, link): (Vec<i64>, &str, String, &str) = match v.sub.status {
        S::Requested => (
            producer_owners,
            "request_received",
            format!("{} asks for access to {what}", v.consumer_team_name),
            "/inbox",
        ),
        S::Approved => (
            requester,
            "approved",
            format!("Access to {what} approved"),
            "/subscriptions",
        ),
        S::Rejected => (
            requester,
            "rejected",
            format!("Access to {what} rejected"),
            "/subscriptions",
        ),
        S::Cancelled => (
            producer_owners,
            "cancelled",
            format!("{} cancelled its access to {what}", v.consumer_team_name),
            "/inbox",
        ),
        S::Revoked => (
            [requester, consumer_owners].concat(),
            "revoked",
            format!("Access to {what} revoked"),
            "/subscriptions",
        ),
        S::Expired => (
            requester,
            "expired",
            format!("Access to {what} expired"),
            "/subscriptions",
        ),
    };
    let body = if note.is_empty() {
        v.sub.purpose.clone()
    } else {
        note.to_owned()
    };
    notifications::notify(
        db,
        &recipients,
        &Note {
            kind,
            title,
            body,
            link: link.into(),
        },
    )
    .await?;
    let event = webhooks::cloud_event(
        event_type,
        &format!("subscriptions/{}", v.sub.id),
        event_data(v),
    );
    webhooks::enqueue(db, &[v.producing_team_id, v.sub.consumer_team_id], &event).await?;
    audit::record(
        db,
        Entry {
            actor_id: actor,
            action: event_type.trim_start_matches("agora."),
            object_type: "subscription",
            object_id: Some(v.sub.id),
            before: from.map(|f| json!({"status": f.as_str()})),
            after: Some(json!({"status": v.sub.status.as_str(), "endDate": v.sub.end_date})),
            note: (!note.is_empty()).then(|| note.to_owned()),
        },
    )
    .await?;
    Ok(())
}

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

/// Applies an action atomically: the row changes only if it is still in the state this decision was made on.
async fn transition(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    action: Action,
    note: &str,
    allowed: fn(&Viewer, &SubscriptionView) -> bool,
    verb: &str,
) -> Result<SubscriptionView> {
    let v =
        crate::db::retry(|| transition_once(db, viewer, id, action, note, allowed, verb)).await?;
    shown_to(db, viewer, v).await
}

async fn transition_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    action: Action,
    note: &str,
    allowed: fn(&Viewer, &SubscriptionView) -> bool,
    verb: &str,
) -> Result<SubscriptionView> {
    let tx = begin_write(db).await?;
    let sub = Subscription::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("subscription"))?;
    let v = view_of(&tx, sub).await?;
    viewer.require(allowed(viewer, &v), verb)?;
    let from = v.sub.status;
    let to = next(from, action).map_err(Error::Conflict)?;
    let now = Utc::now();
    let mut update = Subscription::update_many()
        .col_expr(subscription::Column::Status, Expr::value(to.as_str()))
        .col_expr(subscription::Column::UpdatedAt, Expr::value(now))
        .filter(subscription::Column::Id.eq(id))
        .filter(subscription::Column::Status.eq(from));
    if matches!(action, Action::Approve | Action::Reject | Action::Revoke) {
        update = update
            .col_expr(subscription::Column::DecidedBy, Expr::value(viewer.user_id))
            .col_expr(subscription::Column::DecidedAt, Expr::value(now))
            .col_expr(subscription::Column::DecisionNote, Expr::value(note.trim()));
    }
    let changed = update.exec(&tx).await?;
    if changed.rows_affected != 1 {
        let current = Subscription::find_by_id(id)
            .one(&tx)
            .await?
            .map(|s| s.status);
        return Err(Error::Conflict(match current {
            Some(s) => format!(
                "someone else acted first: this subscription is now {}",
                s.label().to_lowercase()
            ),
            None => "this subscription no longer exists".into(),
        }));
    }
    let sub = Subscription::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("subscription"))?;
    let v = view_of(&tx, sub).await?;
    announce(
        &tx,
        &v,
        Some(from),
        viewer.user_id,
        note.trim(),
        event_name(to),
    )
    .await?;
    crate::governance::evaluate_product(&tx, v.sub.product_id).await?;
    tx.commit().await?;
    Ok(v)
}

fn producer(viewer: &Viewer, v: &SubscriptionView) -> bool {
    viewer.may_decide_for_team(v.producing_team_id)
}

fn consumer(viewer: &Viewer, v: &SubscriptionView) -> bool {
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

/// Asks to extend an active subscription to `until` (consumers). Auto ports extend at once.
pub async fn request_renewal(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    until: &str,
) -> Result<SubscriptionView> {
    let v = request_renewal_within(db, viewer, id, until).await?;
    shown_to(db, viewer, v).await
}

async fn request_renewal_within(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    until: &str,
) -> Result<SubscriptionView> {
    let tx = begin_write(db).await?;
    let sub = Subscription::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("subscription"))?;
    let v = view_of(&tx, sub).await?;
    viewer.require(
        consumer(viewer, &v),
        "renew this subscription (members of the consuming team only)",
    )?;
    if v.sub.status != S::Approved {
        return Err(Error::Conflict(
            "only an active subscription can be renewed".into(),
        ));
    }
    let until = NaiveDate::parse_from_str(until.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid("until", "give a date like 2027-06-30"))?;
    if v.sub.end_date.is_some_and(|e| until <= e) || until <= Utc::now().date_naive() {
        return Err(Error::invalid(
            "until",
            "the new end date must be later than the current one",
        ));
    }
    let auto =
        v.approval_mode == ApprovalMode::Auto || v.sub.consumer_team_id == v.producing_team_id;
    let mut active: subscription::ActiveModel = v.sub.clone().into();
    if auto {
        active.end_date = Set(Some(until));
        active.reminder_sent_at = Set(None);
    } else {
        active.renewal_until = Set(Some(until));
    }
    active.updated_at = Set(Utc::now());
    let sub = active.update(&tx).await?;
    let v = view_of(&tx, sub).await?;
    if auto {
        announce(
            &tx,
            &v,
            Some(S::Approved),
            viewer.user_id,
            "renewed automatically",
            "agora.subscription.renewed",
        )
        .await?;
    } else {
        let owners = team_owners(&tx, v.producing_team_id).await?;
        notifications::notify(
            &tx,
            &owners,
            &Note {
                kind: "renewal_requested",
                title: format!(
                    "{} asks to extend access to {} until {until}",
                    v.consumer_team_name, v.product_name
                ),
                body: v.sub.purpose.clone(),
                link: "/inbox".into(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(v)
}

/// Approves or declines a pending renewal (producing team owners).
pub async fn decide_renewal(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    approve: bool,
) -> Result<SubscriptionView> {
    let v = decide_renewal_within(db, viewer, id, approve).await?;
    shown_to(db, viewer, v).await
}

async fn decide_renewal_within(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    approve: bool,
) -> Result<SubscriptionView> {
    let tx = begin_write(db).await?;
    let sub = Subscription::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("subscription"))?;
    let v = view_of(&tx, sub).await?;
    viewer.require(
        producer(viewer, &v),
        "decide renewals for this product (owners of its team only)",
    )?;
    let Some(until) = v.sub.renewal_until.filter(|_| v.sub.status == S::Approved) else {
        return Err(Error::Conflict("there is no pending renewal".into()));
    };
    let changed = Subscription::update_many()
        .col_expr(
            subscription::Column::RenewalUntil,
            Expr::value(Option::<NaiveDate>::None),
        )
        .col_expr(
            subscription::Column::EndDate,
            Expr::value(if approve { Some(until) } else { v.sub.end_date }),
        )
        .col_expr(
            subscription::Column::ReminderSentAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(subscription::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(subscription::Column::Id.eq(id))
        .filter(subscription::Column::RenewalUntil.eq(until))
        .filter(subscription::Column::Status.eq(S::Approved))
        .exec(&tx)
        .await?;
    if changed.rows_affected != 1 {
        return Err(Error::Conflict(
            "someone else decided this renewal first".into(),
        ));
    }
    let sub = Subscription::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("subscription"))?;
    let v = view_of(&tx, sub).await?;
    if approve {
        announce(
            &tx,
            &v,
            Some(S::Approved),
            viewer.user_id,
            &format!("extended until {until}"),
            "agora.subscription.renewed",
        )
        .await?;
    } else {
        let requester: Vec<i64> = v.sub.requester_id.into_iter().collect();
        notifications::notify(
            &tx,
            &requester,
            &Note {
                kind: "renewal_declined",
                title: format!(
                    "The extension of your access to {} was declined",
                    v.product_name
                ),
                body: String::new(),
                link: "/subscriptions".into(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(v)
}

/// What the expiry job did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExpiryReport {
    pub expired: usize,
    pub reminded: usize,
}

/// Expires subscriptions whose end date has passed and reminds consumers `reminder_days` before the end.
/// Runs periodically on every instance; the conditional updates make concurrent runs harmless.
pub async fn run_expiry(
    db: &DatabaseConnection,
    today: NaiveDate,
    reminder_days: i64,
) -> Result<ExpiryReport> {
    let mut report = ExpiryReport::default();
    let due = Subscription::find()
        .filter(subscription::Column::Status.eq(S::Approved))
        .filter(subscription::Column::EndDate.lt(today))
        .all(db)
        .await?;
    for sub in due {
        let tx = begin_write(db).await?;
        let changed = Subscription::update_many()
            .col_expr(
                subscription::Column::Status,
                Expr::value(S::Expired.as_str()),
            )
            .col_expr(subscription::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(subscription::Column::Id.eq(sub.id))
            .filter(subscription::Column::Status.eq(S::Approved))
            .exec(&tx)
            .await?;
        if changed.rows_affected == 1 {
            let fresh = Subscription::find_by_id(sub.id)
                .one(&tx)
                .await?
                .ok_or_else(|| Error::not_found("subscription"))?;
            let v = view_of(&tx, fresh).await?;
            announce(
                &tx,
                &v,
                Some(S::Approved),
                None,
                "the end date has passed",
                "agora.subscription.expired",
            )
            .await?;
            report.expired += 1;
        }
        tx.commit().await?;
    }
    let horizon = today + Duration::days(reminder_days);
    let soon = Subscription::find()
        .filter(subscription::Column::Status.eq(S::Approved))
        .filter(subscription::Column::EndDate.lte(horizon))
        .filter(subscription::Column::EndDate.gte(today))
        .filter(subscription::Column::ReminderSentAt.is_null())
        .all(db)
        .await?;
    for sub in soon {
        let tx = begin_write(db).await?;
        let changed = Subscription::update_many()
            .col_expr(
                subscription::Column::ReminderSentAt,
                Expr::value(Utc::now()),
            )
            .filter(subscription::Column::Id.eq(sub.id))
            .filter(subscription::Column::ReminderSentAt.is_null())
            .exec(&tx)
            .await?;
        if changed.rows_affected == 1 {
            let v = view_of(&tx, sub).await?;
            let requester: Vec<i64> = v.sub.requester_id.into_iter().collect();
            notifications::notify(
                &tx,
                &requester,
                &Note {
                    kind: "expiring",
                    title: format!(
                        "Access to {} ({}) ends on {}",
                        v.product_name,
                        v.port_name,
                        v.sub.end_date.map(|d| d.to_string()).unwrap_or_default()
                    ),
                    body: "Ask for a renewal before then to keep access.".into(),
                    link: "/subscriptions".into(),
                },
            )
            .await?;
            report.reminded += 1;
        }
        tx.commit().await?;
    }
    Ok(report)
}

/// Tells the consumers of a product about a breaking change just published, with the changes.
pub async fn announce_breaking_change(
    db: &impl ConnectionTrait,
    product: &data_product::Model,
    version: &str,
    changes: &[crate::catalog::diff::Change],
) -> Result<()> {
    let subs = Subscription::find()
        .filter(subscription::Column::ProductId.eq(product.id))
        .filter(subscription::Column::Status.eq(S::Approved))
        .all(db)
        .await?;
    let mut users: Vec<i64> = subs.iter().filter_map(|s| s.requester_id).collect();
    let mut teams: Vec<i64> = subs.iter().map(|s| s.consumer_team_id).collect();
    teams.sort_unstable();
    teams.dedup();
    for t in &teams {
        users.extend(team_owners(db, *t).await?);
    }
    let domain = Domain::find_by_id(product.domain_id)
        .one(db)
        .await?
        .map(|d| d.slug)
        .unwrap_or_default();
    let breaking: Vec<String> = changes
        .iter()
        .filter(|c| c.level == crate::catalog::diff::Level::Breaking)
        .map(|c| format!("{}: {}", c.path, c.what))
        .collect();
    notifications::notify(
        db,
        &users,
        &Note {
            kind: "breaking_change",
            title: format!("Breaking change in {} v{version}", product.name),
            body: breaking.join("; "),
            link: format!("/products/{domain}/{}/versions", product.slug),
        },
    )
    .await?;
    let event = webhooks::cloud_event(
        "agora.product.published",
        &format!("products/{domain}/{}", product.slug),
        json!({"domain": domain, "product": product.slug, "version": version, "breaking": true, "changes": changes}),
    );
    teams.push(product.owner_team_id);
    webhooks::enqueue(db, &teams, &event).await?;
    Ok(())
}

/// One subscription as the viewer who just acted on it may see it (see [`hide_unseen_consumers`]).
async fn shown_to(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    mut v: SubscriptionView,
) -> Result<SubscriptionView> {
    hide_unseen_consumers(db, viewer, std::slice::from_mut(&mut v)).await?;
    Ok(v)
}

/// Lists name the consuming product only where the viewer may see it: a producer is not shown another
/// team's draft (the same rule as lineage and the marketplace).
async fn hide_unseen_consumers(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    views: &mut [SubscriptionView],
) -> Result<()> {
    let ids: Vec<i64> = views
        .iter()
        .filter_map(|v| v.sub.consumer_product_id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let visible: std::collections::HashSet<i64> = DataProduct::find()
        .filter(data_product::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| viewer.may_see_product(p.status, p.owner_team_id))
        .map(|p| p.id)
        .collect();
    for v in views {
        if v.sub
            .consumer_product_id
            .is_some_and(|id| !visible.contains(&id))
        {
            v.consumer_product = None;
        }
    }
    Ok(())
}

/// The viewer's teams' subscriptions, newest first.
pub async fn mine(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<Vec<SubscriptionView>> {
    viewer.require_user()?;
    let subs = Subscription::find()
        .filter(subscription::Column::ConsumerTeamId.is_in(viewer.team_ids.clone()))
        .order_by_desc(subscription::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for s in subs {
        out.push(view_of(db, s).await?);
    }
    hide_unseen_consumers(db, viewer, &mut out).await?;
    Ok(out)
}

/// For producers: requests and renewals waiting for the viewer (owners of producing teams; admins see all),
/// and active subscribers of the viewer's teams' products.
pub async fn producer_view(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
) -> Result<(Vec<SubscriptionView>, Vec<SubscriptionView>)> {
    viewer.require_user()?;
    let mut products = DataProduct::find();
    if !viewer.is_admin {
        products =
            products.filter(data_product::Column::OwnerTeamId.is_in(viewer.team_ids.clone()));
    }
    let product_ids: Vec<i64> = products.all(db).await?.into_iter().map(|p| p.id).collect();
    let subs = Subscription::find()
        .filter(subscription::Column::ProductId.is_in(product_ids))
        .filter(subscription::Column::Status.is_in([S::Requested, S::Approved]))
        .order_by_asc(subscription::Column::Id)
        .all(db)
        .await?;
    let (mut pending, mut active) = (Vec::new(), Vec::new());
    for s in subs {
        let v = view_of(db, s).await?;
        if (v.sub.status == S::Requested || v.sub.renewal_until.is_some())
            && viewer.may_decide_for_team(v.producing_team_id)
        {
            pending.push(v.clone());
        }
        if v.sub.status == S::Approved {
            active.push(v);
        }
    }
    hide_unseen_consumers(db, viewer, &mut pending).await?;
    hide_unseen_consumers(db, viewer, &mut active).await?;
    Ok((pending, active))
}

/// Active subscribers of a product.
pub async fn subscriber_count(db: &impl ConnectionTrait, product_id: i64) -> Result<u64> {
    Ok(Subscription::find()
        .filter(subscription::Column::ProductId.eq(product_id))
        .filter(subscription::Column::Status.eq(S::Approved))
        .count(db)
        .await?)
}

/// A product linked by an approved subscription from a consuming product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineageLink {
    pub domain: String,
    pub slug: String,
    pub name: String,
    pub port: String,
}

/// Upstream (the products this one consumes) and downstream (the products consuming this one), as the viewer
/// may see them: another team's draft at either end of an edge is left out, so lineage never names it.
pub async fn lineage(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    product_id: i64,
) -> Result<(Vec<LineageLink>, Vec<LineageLink>)> {
    let upstream_subs = Subscription::find()
        .filter(subscription::Column::ConsumerProductId.eq(product_id))
        .filter(subscription::Column::Status.eq(S::Approved))
        .all(db)
        .await?;
    let downstream_subs = Subscription::find()
        .filter(subscription::Column::ProductId.eq(product_id))
        .filter(subscription::Column::ConsumerProductId.is_not_null())
        .filter(subscription::Column::Status.eq(S::Approved))
        .all(db)
        .await?;
    let link = |product_id: i64, port_id: i64| async move {
        let Some(p) = DataProduct::find_by_id(product_id).one(db).await? else {
            return Ok(None);
        };
        if !viewer.may_see_product(p.status, p.owner_team_id) {
            return Ok(None);
        }
        let d = Domain::find_by_id(p.domain_id)
            .one(db)
            .await?
            .map(|d| d.slug)
            .unwrap_or_default();
        let port = OutputPort::find_by_id(port_id)
            .one(db)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        Ok::<_, Error>(Some(LineageLink {
            domain: d,
            slug: p.slug,
            name: p.name,
            port,
        }))
    };
    let mut up = Vec::new();
    for s in upstream_subs {
        up.extend(link(s.product_id, s.port_id).await?);
    }
    let mut down = Vec::new();
    for s in downstream_subs {
        if let Some(consumer) = s.consumer_product_id {
            down.extend(link(consumer, s.port_id).await?);
        }
    }
    Ok((up, down))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_legal_transition() {
        assert_eq!(next(S::Requested, Action::Approve), Ok(S::Approved));
        assert_eq!(next(S::Requested, Action::Reject), Ok(S::Rejected));
        assert_eq!(next(S::Requested, Action::Cancel), Ok(S::Cancelled));
        assert_eq!(next(S::Approved, Action::Cancel), Ok(S::Cancelled));
        assert_eq!(next(S::Approved, Action::Revoke), Ok(S::Revoked));
        assert_eq!(next(S::Approved, Action::Expire), Ok(S::Expired));
    }

    #[test]
    fn every_illegal_transition_is_refused_with_words() {
        let actions = [
            Action::Approve,
            Action::Reject,
            Action::Cancel,
            Action::Revoke,
            Action::Expire,
        ];
        let legal = [
            (S::Requested, Action::Approve),
            (S::Requested, Action::Reject),
            (S::Requested, Action::Cancel),
            (S::Approved, Action::Cancel),
            (S::Approved, Action::Revoke),
            (S::Approved, Action::Expire),
        ];
        let mut illegal = 0;
        for from in S::ALL {
            for action in actions {
                if legal.contains(&(*from, action)) {
                    continue;
                }
                let err = next(*from, action).unwrap_err();
                assert!(err.starts_with("a subscription that is"), "{err}");
                illegal += 1;
            }
        }
        assert_eq!(illegal, 6 * 5 - 6);
        assert_eq!(
            next(S::Expired, Action::Approve).unwrap_err(),
            "a subscription that is expired cannot be approved"
        );
    }
}
