//! Platform administration: domains, teams, members and roles, steward and admin flags.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;

use crate::access::Viewer;
use crate::activity::audit::{self, Entry};
use crate::entity::prelude::*;
use crate::error::{Error, FieldError, Result};
use crate::kinds::TeamRole;
use crate::validate;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub is_steward: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: TeamRole,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeamRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub domain_slug: String,
    pub members: Vec<MemberRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DomainRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub parent_slug: Option<String>,
    pub owner_team_slug: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Overview {
    pub domains: Vec<DomainRow>,
    pub teams: Vec<TeamRow>,
    pub people: Vec<PersonRow>,
}

/// Everything the admin pages show. Admins see all teams; team owners see the teams they own.
pub async fn overview(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<Overview> {
    viewer.require(
        viewer.is_admin || !viewer.owned_team_ids.is_empty(),
        "open the administration pages",
    )?;
    let domains = Domain::find()
        .order_by_asc(domain::Column::Name)
        .all(db)
        .await?;
    let all_teams = Team::find()
        .order_by_asc(team::Column::Name)
        .all(db)
        .await?;
    let users = User::find()
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?;
    let memberships = Membership::find().all(db).await?;
    let domain_slug = |id: i64| domains.iter().find(|d| d.id == id).map(|d| d.slug.clone());
    let team_slug = |id: i64| {
        all_teams
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.slug.clone())
    };
    let teams = all_teams
        .iter()
        .filter(|t| viewer.is_admin || viewer.is_owner_of(t.id))
        .map(|t| {
            let mut members: Vec<MemberRow> = memberships
                .iter()
                .filter(|m| m.team_id == t.id)
                .filter_map(|m| {
                    users.iter().find(|u| u.id == m.user_id).map(|u| MemberRow {
                        user_id: u.id,
                        name: u.name.clone(),
                        email: u.email.clone(),
                        role: m.role,
                    })
                })
                .collect();
            members.sort_by(|a, b| {
                (a.role != TeamRole::Owner, &a.name).cmp(&(b.role != TeamRole::Owner, &b.name))
            });
            TeamRow {
                id: t.id,
                slug: t.slug.clone(),
                name: t.name.clone(),
                domain_slug: domain_slug(t.domain_id).unwrap_or_default(),
                members,
            }
        })
        .collect();
    Ok(Overview {
        domains: domains
            .iter()
            .map(|d| DomainRow {
                id: d.id,
                slug: d.slug.clone(),
                name: d.name.clone(),
                description: d.description.clone(),
                parent_slug: d.parent_id.and_then(domain_slug),
                owner_team_slug: d.owner_team_id.and_then(team_slug),
            })
            .collect(),
        teams,
        people: if viewer.is_admin {
            users
                .iter()
                .map(|u| PersonRow {
                    id: u.id,
                    name: u.name.clone(),
                    email: u.email.clone(),
                    is_admin: u.is_admin,
                    is_steward: u.is_steward,
                })
                .collect()
        } else {
            Vec::new()
        },
    })
}

#[derive(Clone, Debug, Default)]
pub struct NewDomain {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub parent: Option<String>,
}

/// Creates a domain; answers its id.
pub async fn create_domain(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    new: &NewDomain,
) -> Result<i64> {
    viewer.require(viewer.may_administer(), "manage domains")?;
    let mut errors = Vec::new();
    if let Err(m) = validate::slug(&new.slug) {
        errors.push(FieldError::new("slug", m));
    } else if Domain::find()
        .filter(domain::Column::Slug.eq(new.slug.as_str()))
        .count(db)
        .await?
        > 0
    {
        errors.push(FieldError::new(
            "slug",
            format!("a domain `{}` already exists", new.slug),
        ));
    }
    if new.name.trim().is_empty() {
        errors.push(FieldError::new("name", "required"));
    }
    let parent_id = match new.parent.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => match Domain::find()
            .filter(domain::Column::Slug.eq(p))
            .one(db)
            .await?
        {
            Some(d) => Some(d.id),
            None => {
                errors.push(FieldError::new("parent", format!("no domain `{p}`")));
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let row = domain::ActiveModel {
        slug: Set(new.slug.clone()),
        name: Set(new.name.trim().to_owned()),
        description: Set(new.description.trim().to_owned()),
        parent_id: Set(parent_id),
        owner_team_id: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        Entry {
            actor_id: viewer.user_id,
            action: "domain.created",
            object_type: "domain",
            object_id: Some(row.id),
            after: Some(json!({"slug": row.slug, "name": row.name})),
            ..Default::default()
        },
    )
    .await?;
    Ok(row.id)
}

#[derive(Clone, Debug, Default)]
pub struct NewTeam {
    pub slug: String,
    pub name: String,
    pub domain: String,
    pub description: String,
}

/// Creates a team in a domain; answers its id.
pub async fn create_team(db: &impl ConnectionTrait, viewer: &Viewer, new: &NewTeam) -> Result<i64> {
    viewer.require(viewer.may_administer(), "manage teams")?;
    let mut errors = Vec::new();
    if let Err(m) = validate::slug(&new.slug) {
        errors.push(FieldError::new("slug", m));
    } else if Team::find()
        .filter(team::Column::Slug.eq(new.slug.as_str()))
        .count(db)
        .await?
        > 0
    {
        errors.push(FieldError::new(
            "slug",
            format!("a team `{}` already exists", new.slug),
        ));
    }
    if new.name.trim().is_empty() {
        errors.push(FieldError::new("name", "required"));
    }
    let domain = Domain::find()
        .filter(domain::Column::Slug.eq(new.domain.as_str()))
        .one(db)
        .await?;
    if domain.is_none() {
        errors.push(FieldError::new(
            "domain",
            format!("no domain `{}`", new.domain),
        ));
    }
    let (Some(domain), true) = (domain, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let row = team::ActiveModel {
        slug: Set(new.slug.clone()),
        name: Set(new.name.trim().to_owned()),
        description: Set(new.description.trim().to_owned()),
        domain_id: Set(domain.id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        Entry {
            actor_id: viewer.user_id,
            action: "team.created",
            object_type: "team",
            object_id: Some(row.id),
            after: Some(json!({"slug": row.slug, "domain": domain.slug})),
            ..Default::default()
        },
    )
    .await?;
    Ok(row.id)
}

/// Makes a team the owner of a domain (its owners then manage the domain's policies).
pub async fn set_domain_owner(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain_id: i64,
    team_id: i64,
) -> Result<()> {
    viewer.require(viewer.may_administer(), "manage domains")?;
    let domain = Domain::find_by_id(domain_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("domain"))?;
    Team::find_by_id(team_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::invalid("team", "no such team"))?;
    let before = domain.owner_team_id;
    let mut active: domain::ActiveModel = domain.into();
    active.owner_team_id = Set(Some(team_id));
    active.update(db).await?;
    audit::record(
        db,
        Entry {
            actor_id: viewer.user_id,
            action: "domain.owner_changed",
            object_type: "domain",
            object_id: Some(domain_id),
            before: Some(json!({"owner_team_id": before})),
            after: Some(json!({"owner_team_id": team_id})),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

async fn team_for_change(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
) -> Result<team::Model> {
    let team = Team::find_by_id(team_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("team"))?;
    viewer.require(
        viewer.may_administer() || viewer.may_decide_for_team(team_id),
        "manage the members of this team",
    )?;
    Ok(team)
}

/// Adds a person (by email) to a team, or changes their role if they are in it already.
pub async fn put_member(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
    email: &str,
    role: TeamRole,
) -> Result<()> {
    team_for_change(db, viewer, team_id).await?;
    let user = User::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .filter(user::Column::EmailVerified.eq(true))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::invalid(
                "email",
                format!("nobody with the email {email} has signed in yet"),
            )
        })?;
    let existing = Membership::find()
        .filter(membership::Column::TeamId.eq(team_id))
        .filter(membership::Column::UserId.eq(user.id))
        .one(db)
        .await?;
    let before = existing.as_ref().map(|m| m.role.as_str());
    match existing {
        Some(m) if m.role == role => return Ok(()),
        Some(m) => {
            if m.role == TeamRole::Owner {
                ensure_another_owner(db, team_id, user.id).await?;
            }
            let mut active: membership::ActiveModel = m.into();
            active.role = Set(role);
            active.update(db).await?;
        }
        None => {
            membership::ActiveModel {
                team_id: Set(team_id),
                user_id: Set(user.id),
                role: Set(role),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    audit::record(
        db,
        Entry {
            actor_id: viewer.user_id,
            action: "team.member_set",
            object_type: "team",
            object_id: Some(team_id),
            before: Some(json!({"user": user.email, "role": before})),
            after: Some(json!({"user": user.email, "role": role.as_str()})),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

pub async fn remove_member(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
    user_id: i64,
) -> Result<()> {
    team_for_change(db, viewer, team_id).await?;
    let Some(m) = Membership::find()
        .filter(membership::Column::TeamId.eq(team_id))
        .filter(membership::Column::UserId.eq(user_id))
        .one(db)
        .await?
    else {
        return Err(Error::not_found("membership"));
    };
    if m.role == TeamRole::Owner {
        ensure_another_owner(db, team_id, user_id).await?;
    }
    Membership::delete_by_id(m.id).exec(db).await?;
    audit::record(
        db,
        Entry {
            actor_id: viewer.user_id,
            action: "team.member_removed",
            object_type: "team",
            object_id: Some(team_id),
            before: Some(json!({"user_id": user_id, "role": m.role.as_str()})),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

async fn ensure_another_owner(db: &impl ConnectionTrait, team_id: i64, leaving: i64) -> Result<()> {
    let others = Membership::find()
        .filter(membership::Column::TeamId.eq(team_id))
        .filter(membership::Column::Role.eq(TeamRole::Owner))
        .filter(membership::Column::UserId.ne(leaving))
        .count(db)
        .await?;
    if others == 0 {
        return Err(Error::Conflict(
            "a team needs at least one owner; name another owner first".into(),
        ));
    }
    Ok(())
}

/// Grants or withdraws the steward and admin flags. Admins cannot take their own admin flag away.
pub async fn set_flags(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    user_id: i64,
    is_admin: bool,
    is_steward: bool,
) -> Result<()> {
    viewer.require(viewer.may_administer(), "change roles")?;
    if viewer.user_id == Some(user_id) && !is_admin {
        return Err(Error::Conflict(
            "you cannot remove your own admin role".into(),
        ));
    }
    let user = User::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("user"))?;
    let before = json!({"is_admin": user.is_admin, "is_steward": user.is_steward});
    let mut active: user::ActiveModel = user.into();
    active.is_admin = Set(is_admin);
    active.is_steward = Set(is_steward);
    active.update(db).await?;
    audit::record(
        db,
        Entry {
            actor_id: viewer.user_id,
            action: "user.roles_changed",
            object_type: "user",
            object_id: Some(user_id),
            before: Some(before),
            after: Some(json!({"is_admin": is_admin, "is_steward": is_steward})),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// Domains (slug, name) whose policies the viewer may edit: all for stewards and admins, else the domains
/// whose owning team the viewer owns.
pub async fn domains_editable_by(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
) -> Result<Vec<(String, String)>> {
    Ok(Domain::find()
        .order_by_asc(domain::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .filter(|d| viewer.may_edit_policy(Some(d.id)))
        .map(|d| (d.slug, d.name))
        .collect())
}
