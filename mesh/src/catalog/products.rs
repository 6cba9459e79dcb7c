//! Creating and changing data products: by members of the owning team only, with field errors for bad input,
//! and never on a retired product.
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;

use crate::access::Viewer;
use crate::activity::audit::{self, Entry};
use crate::catalog::contracts::product_for_change;
use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::{Error, FieldError, Result};
use crate::kinds::{ApprovalMode, PortKind, ProductKind, ProductStatus};
use crate::{catalog::tags, validate};

/// The fields of the create form.
#[derive(Clone, Debug, Default)]
pub struct NewProduct {
    pub domain: String,
    pub owner_team: String,
    pub name: String,
    /// Derived from the name when empty.
    pub slug: String,
    pub summary: String,
    pub description: String,
    pub kind: String,
    pub tags: String,
}

/// The fields of the overview edit form.
#[derive(Clone, Debug, Default)]
pub struct ProductEdit {
    pub name: String,
    pub summary: String,
    pub description: String,
    pub kind: String,
    /// Comma-separated.
    pub tags: String,
}

fn split_tags(text: &str) -> Vec<String> {
    text.split(',')
        .map(tags::normalise)
        .filter(|t| !t.is_empty())
        .collect()
}

fn check_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, "required"));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(field, format!("at most {max} characters")));
    }
}

/// Creates a draft product (version 0.1.0) owned by one of the viewer's teams.
/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    new: &NewProduct,
) -> Result<data_product::Model> {
    crate::db::retry(|| create_once(db, viewer, new)).await
}

async fn create_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    new: &NewProduct,
) -> Result<data_product::Model> {
    viewer.require_user()?;
    let tx = begin_write(db).await?;
    let mut errors = Vec::new();
    let domain = Domain::find()
        .filter(domain::Column::Slug.eq(new.domain.as_str()))
        .one(&tx)
        .await?;
    if domain.is_none() {
        errors.push(FieldError::new("domain", "choose a domain"));
    }
    let team = Team::find()
        .filter(team::Column::Slug.eq(new.owner_team.as_str()))
        .one(&tx)
        .await?;
    match &team {
        None => errors.push(FieldError::new("owner_team", "choose the owning team")),
        Some(t) if !viewer.may_edit_product(t.id) => viewer.require(
            false,
            "create data products for a team you do not belong to",
        )?,
        Some(t) => {
            if let Some(d) = domain.as_ref().filter(|d| d.id != t.domain_id) {
                errors.push(FieldError::new(
                    "owner_team",
                    format!("{} is not a team of the {} domain", t.name, d.name),
                ));
            }
        }
    }
    check_text(&mut errors, "name", &new.name, 120);
    let slug = if new.slug.trim().is_empty() {
        validate::slugify(&new.name)
    } else {
        new.slug.trim().to_owned()
    };
    if let Err(m) = validate::slug(&slug) {
        errors.push(FieldError::new("slug", m));
    } else if let Some(d) = &domain {
        let taken = DataProduct::find()
            .filter(data_product::Column::DomainId.eq(d.id))
            .filter(data_product::Column::Slug.eq(slug.as_str()))
            .count(&tx)
            .await?;
        if taken > 0 {
            errors.push(FieldError::new(
                "slug",
                format!("`{slug}` is already used in the {} domain", d.name),
            ));
        }
    }
    check_text(&mut errors, "summary", &new.summary, 300);
    let kind: Option<ProductKind> = match new.kind.parse() {
        Ok(k) => Some(k),
        Err(m) => {
            errors.push(FieldError::new("kind", m));
            None
        }
    };
    let (Some(domain), Some(team), Some(kind), true) = (domain, team, kind, errors.is_empty())
    else {
        return Err(Error::Invalid(errors));
    };
    let now = Utc::now();
    let product = data_product::ActiveModel {
        domain_id: Set(domain.id),
        slug: Set(slug),
        name: Set(new.name.trim().to_owned()),
        summary: Set(new.summary.trim().to_owned()),
        description: Set(new.description.clone()),
        kind: Set(kind),
        status: Set(ProductStatus::Draft),
        version: Set("0.1.0".into()),
        owner_team_id: Set(team.id),
        sunset_date: Set(None),
        replacement_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set(None),
        has_pii: Set(false),
        sla_availability: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    tags::set_tags(&tx, product.id, &split_tags(&new.tags)).await?;
    audit::record(
        &tx,
        Entry {
            actor_id: viewer.user_id,
            action: "product.created",
            object_type: "data_product",
            object_id: Some(product.id),
            after: Some(json!({"domain": domain.slug, "slug": product.slug, "team": team.slug})),
            ..Default::default()
        },
    )
    .await?;
    crate::governance::evaluate_product(&tx, product.id).await?;
    tx.commit().await?;
    Ok(product)
}

/// Changes name, summary, docs, type and tags. Takes effect at once; publishing records a version.
/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn update(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    edit: &ProductEdit,
) -> Result<()> {
    crate::db::retry(|| update_once(db, viewer, product_id, edit)).await
}

async fn update_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    edit: &ProductEdit,
) -> Result<()> {
    let tx = begin_write(db).await?;
    let product = product_for_change(&tx, viewer, product_id).await?;
    let mut errors = Vec::new();
    check_text(&mut errors, "name", &edit.name, 120);
    check_text(&mut errors, "summary", &edit.summary, 300);
    if edit.description.len() > 200_000 {
        errors.push(FieldError::new(
            "description",
            "documentation is limited to 200,000 characters",
        ));
    }
    let kind: Option<ProductKind> = match edit.kind.parse() {
        Ok(k) => Some(k),
        Err(m) => {
            errors.push(FieldError::new("kind", m));
            None
        }
    };
    let (Some(kind), true) = (kind, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let before =
        json!({"name": product.name, "summary": product.summary, "kind": product.kind.as_str()});
    let mut active: data_product::ActiveModel = product.into();
    active.name = Set(edit.name.trim().to_owned());
    active.summary = Set(edit.summary.trim().to_owned());
    active.description = Set(edit.description.clone());
    active.kind = Set(kind);
    active.updated_at = Set(Utc::now());
    active.update(&tx).await?;
    tags::set_tags(&tx, product_id, &split_tags(&edit.tags)).await?;
    audit::record(
        &tx,
        Entry {
            actor_id: viewer.user_id,
            action: "product.edited",
            object_type: "data_product",
            object_id: Some(product_id),
            before: Some(before),
            after: Some(json!({"name": edit.name, "summary": edit.summary, "kind": kind.as_str()})),
            ..Default::default()
        },
    )
    .await?;
    crate::governance::evaluate_product(&tx, product_id).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct NewPort {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub location: String,
    pub approval_mode: String,
    pub description: String,
}

/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn add_port(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    new: &NewPort,
) -> Result<output_port::Model> {
    crate::db::retry(|| add_port_once(db, viewer, product_id, new)).await
}

async fn add_port_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    new: &NewPort,
) -> Result<output_port::Model> {
    let tx = begin_write(db).await?;
    let product = product_for_change(&tx, viewer, product_id).await?;
    let mut errors = Vec::new();
    if let Err(m) = validate::slug(&new.slug) {
        errors.push(FieldError::new("slug", m));
    } else if OutputPort::find()
        .filter(output_port::Column::ProductId.eq(product.id))
        .filter(output_port::Column::Slug.eq(new.slug.as_str()))
        .count(&tx)
        .await?
        > 0
    {
        errors.push(FieldError::new(
            "slug",
            format!("this product already has a port `{}`", new.slug),
        ));
    }
    check_text(&mut errors, "name", &new.name, 120);
    check_text(&mut errors, "location", &new.location, 500);
    let kind: Option<PortKind> = new
        .kind
        .parse()
        .map_err(|m| errors.push(FieldError::new("kind", m)))
        .ok();
    let mode: Option<ApprovalMode> = new
        .approval_mode
        .parse()
        .map_err(|m| errors.push(FieldError::new("approval_mode", m)))
        .ok();
    let (Some(kind), Some(mode), true) = (kind, mode, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let port = output_port::ActiveModel {
        product_id: Set(product.id),
        slug: Set(new.slug.clone()),
        name: Set(new.name.trim().to_owned()),
        description: Set(new.description.trim().to_owned()),
        kind: Set(kind),
        location: Set(new.location.trim().to_owned()),
        server: Set(None),
        approval_mode: Set(mode),
        created_at: Set(Utc::now()),
        contract_id: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    touch(&tx, product).await?;
    audit::record(
        &tx,
        Entry {
            actor_id: viewer.user_id,
            action: "port.added",
            object_type: "data_product",
            object_id: Some(product_id),
            after: Some(
                json!({"port": port.slug, "kind": kind.as_str(), "location": port.location}),
            ),
            ..Default::default()
        },
    )
    .await?;
    crate::governance::evaluate_product(&tx, product_id).await?;
    tx.commit().await?;
    Ok(port)
}

/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn remove_port(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    slug: &str,
) -> Result<()> {
    crate::db::retry(|| remove_port_once(db, viewer, product_id, slug)).await
}

async fn remove_port_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    slug: &str,
) -> Result<()> {
    let tx = begin_write(db).await?;
    let product = product_for_change(&tx, viewer, product_id).await?;
    let port = OutputPort::find()
        .filter(output_port::Column::ProductId.eq(product.id))
        .filter(output_port::Column::Slug.eq(slug))
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found(format!("output port `{slug}`")))?;
    OutputPort::delete_by_id(port.id).exec(&tx).await?;
    touch(&tx, product).await?;
    audit::record(
        &tx,
        Entry {
            actor_id: viewer.user_id,
            action: "port.removed",
            object_type: "data_product",
            object_id: Some(product_id),
            before: Some(json!({"port": port.slug, "location": port.location})),
            ..Default::default()
        },
    )
    .await?;
    crate::governance::evaluate_product(&tx, product_id).await?;
    tx.commit().await?;
    Ok(())
}

async fn touch(db: &impl ConnectionTrait, product: data_product::Model) -> Result<()> {
    let mut active: data_product::ActiveModel = product.into();
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// Marks a published product deprecated, with the date it stops and (optionally) what replaces it.
/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn deprecate(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    sunset: &str,
    replacement: &str,
) -> Result<()> {
    crate::db::retry(|| deprecate_once(db, viewer, product_id, sunset, replacement)).await
}

async fn deprecate_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    sunset: &str,
    replacement: &str,
) -> Result<()> {
    let tx = begin_write(db).await?;
    let product = product_for_change(&tx, viewer, product_id).await?;
    let mut errors = Vec::new();
    if product.status != ProductStatus::Published {
        return Err(Error::Conflict(format!(
            "only a published product can be deprecated (this one is {})",
            product.status.label().to_lowercase()
        )));
    }
    let sunset_date = match NaiveDate::parse_from_str(sunset.trim(), "%Y-%m-%d") {
        Ok(d) if d <= Utc::now().date_naive() => {
            errors.push(FieldError::new(
                "sunset_date",
                "the sunset date must be in the future",
            ));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(
                "sunset_date",
                "give a date like 2027-06-30",
            ));
            None
        }
    };
    let replacement_id = match replacement.trim() {
        "" => None,
        r => match r.split_once('/') {
            Some((d, p)) => {
                let found = match Domain::find()
                    .filter(domain::Column::Slug.eq(d))
                    .one(&tx)
                    .await?
                {
                    Some(domain) => {
                        DataProduct::find()
                            .filter(data_product::Column::DomainId.eq(domain.id))
                            .filter(data_product::Column::Slug.eq(p))
                            .one(&tx)
                            .await?
                    }
                    None => None,
                };
                // Only a listed product the editor sees may replace; anything else reads as missing, so the
                // answer does not tell whether another team's draft (or a retired product) has that name.
                match found.filter(|f| viewer.may_point_to_product(f.status, f.owner_team_id)) {
                    Some(f) if f.id == product.id => {
                        errors.push(FieldError::new(
                            "replacement",
                            "a product cannot replace itself",
                        ));
                        None
                    }
                    Some(f) => Some(f.id),
                    None => {
                        errors.push(FieldError::new(
                            "replacement",
                            format!("no data product `{r}`"),
                        ));
                        None
                    }
                }
            }
            None => {
                errors.push(FieldError::new("replacement", "write it as domain/product"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut active: data_product::ActiveModel = product.into();
    active.status = Set(ProductStatus::Deprecated);
    active.sunset_date = Set(sunset_date);
    active.replacement_id = Set(replacement_id);
    active.updated_at = Set(Utc::now());
    active.update(&tx).await?;
    audit::record(
        &tx,
        Entry {
            actor_id: viewer.user_id,
            action: "product.deprecated",
            object_type: "data_product",
            object_id: Some(product_id),
            after: Some(json!({"sunset_date": sunset_date, "replacement_id": replacement_id})),
            ..Default::default()
        },
    )
    .await?;
    crate::governance::evaluate_product(&tx, product_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Retires a product: read-only from now on and hidden from the marketplace by default.
/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn retire(db: &DatabaseConnection, viewer: &Viewer, product_id: i64) -> Result<()> {
    crate::db::retry(|| retire_once(db, viewer, product_id)).await
}

async fn retire_once(db: &DatabaseConnection, viewer: &Viewer, product_id: i64) -> Result<()> {
    let tx = begin_write(db).await?;
    let product = product_for_change(&tx, viewer, product_id).await?;
    let before = product.status;
    let mut active: data_product::ActiveModel = product.into();
    active.status = Set(ProductStatus::Retired);
    active.updated_at = Set(Utc::now());
    active.update(&tx).await?;
    audit::record(
        &tx,
        Entry {
            actor_id: viewer.user_id,
            action: "product.retired",
            object_type: "data_product",
            object_id: Some(product_id),
            before: Some(json!({"status": before.as_str()})),
            after: Some(json!({"status": "retired"})),
            ..Default::default()
        },
    )
    .await?;
    crate::governance::evaluate_product(&tx, product_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The product `domain/product` as the viewer may see it (for forms and the API); the id is [`VisibleProduct::id`].
///
/// [`VisibleProduct::id`]: crate::catalog::listing::VisibleProduct::id
pub async fn id_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain: &str,
    product: &str,
) -> Result<crate::catalog::listing::VisibleProduct> {
    Ok(
        crate::catalog::listing::find_visible(db, viewer, domain, product)
            .await?
            .0,
    )
}

/// Domains (slug, name) and the teams the viewer may create products for (slug, name, domain slug).
pub async fn creation_options(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
) -> Result<(Vec<(String, String)>, Vec<(String, String, String)>)> {
    use sea_orm::QueryOrder;
    viewer.require_user()?;
    let domains = Domain::find()
        .order_by_asc(domain::Column::Name)
        .all(db)
        .await?;
    let mut teams = Team::find().order_by_asc(team::Column::Name);
    if !viewer.is_admin {
        teams = teams.filter(team::Column::Id.is_in(viewer.team_ids.clone()));
    }
    let teams = teams
        .all(db)
        .await?
        .into_iter()
        .map(|t| {
            let domain = domains
                .iter()
                .find(|d| d.id == t.domain_id)
                .map(|d| d.slug.clone())
                .unwrap_or_default();
            (t.slug, t.name, domain)
        })
        .collect();
    Ok((
        domains.into_iter().map(|d| (d.slug, d.name)).collect(),
        teams,
    ))
}

/// The id of output port `port` of `domain/product`, as the viewer may see it.
pub async fn port_id(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain: &str,
    product: &str,
    port: &str,
) -> Result<i64> {
    let p = crate::catalog::listing::find_product(db, viewer, domain, product).await?;
    OutputPort::find()
        .filter(output_port::Column::ProductId.eq(p.id))
        .filter(output_port::Column::Slug.eq(port))
        .one(db)
        .await?
        .map(|p| p.id)
        .ok_or_else(|| Error::not_found(format!("output port `{port}` of {domain}/{product}")))
}
