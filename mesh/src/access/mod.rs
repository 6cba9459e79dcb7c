//! Who is asking, and what they may do. Every page, server function, REST handler and CLI command asks these
//! functions, so the rules hold the same everywhere.
//!
//! The folder holds who people are and how they prove it: [`identity`] (sign-in through a provider), [`login`]
//! (a sign-in between the redirect and the callback), [`sessions`] (the browser's), [`tokens`] (personal API
//! tokens) and their [`secrets`], and [`admin`] (domains, teams, members and roles).

pub mod admin;
pub mod identity;
pub mod login;
pub mod secrets;
pub mod sessions;
pub mod tokens;
use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entity::prelude::*;
use crate::error::{Error, Result};
use crate::kinds::{ProductStatus, TeamRole};

/// What an API token may be used for. A browser session may do everything its user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Read anything the user may see.
    Read,
    /// Change products, contracts, subscriptions and policies the user may change.
    Write,
    /// Push quality results and SLA measurements.
    Results,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Results];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Results => "results",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The person (or machine, through an API token) behind a request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub is_steward: bool,
    /// Teams the viewer belongs to (any role).
    pub team_ids: Vec<i64>,
    /// Teams the viewer owns.
    pub owned_team_ids: Vec<i64>,
    /// Domains whose owning team the viewer owns.
    pub owned_domain_ids: Vec<i64>,
    /// `None` for a browser session; the token's scopes for an API token.
    pub scopes: Option<BTreeSet<Scope>>,
}

impl Viewer {
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// The operator at the command line (`agora import`): acts with admin rights, recorded as no user.
    pub fn system() -> Self {
        Self {
            name: "agora command line".into(),
            is_admin: true,
            ..Self::default()
        }
    }

    pub fn is_signed_in(&self) -> bool {
        self.user_id.is_some()
    }

    pub fn is_member_of(&self, team_id: i64) -> bool {
        self.team_ids.contains(&team_id)
    }

    pub fn is_owner_of(&self, team_id: i64) -> bool {
        self.owned_team_ids.contains(&team_id)
    }

    /// Whether the credential allows this kind of action at all (tokens are limited to their scopes).
    pub fn has_scope(&self, scope: Scope) -> bool {
        self.scopes.as_ref().is_none_or(|s| s.contains(&scope))
    }

    /// The signed-in user's id, or `Unauthorized`.
    pub fn require_user(&self) -> Result<i64> {
        self.user_id
            .ok_or_else(|| Error::Unauthorized("sign in first".into()))
    }

    /// Fails unless signed in with a credential that carries `scope`.
    pub fn require_scope(&self, scope: Scope) -> Result<i64> {
        let id = self.require_user()?;
        if !self.has_scope(scope) {
            return Err(Error::forbidden(format!(
                "use a token with the `{}` scope",
                scope.as_str()
            )));
        }
        Ok(id)
    }

    /// Drafts are visible to their own team (and admins); everything else to anyone allowed to browse.
    pub fn may_see_product(&self, status: ProductStatus, owner_team_id: i64) -> bool {
        status != ProductStatus::Draft || self.is_admin || self.is_member_of(owner_team_id)
    }

    /// What other products may point the viewer to (a deprecation's replacement): a listed product
    /// (published or deprecated) the viewer sees; never a draft, never a retired product.
    pub fn may_point_to_product(&self, status: ProductStatus, owner_team_id: i64) -> bool {
        status.listed_by_default() && self.may_see_product(status, owner_team_id)
    }

    /// Members of the owning team edit a product (and admins, who run the platform).
    pub fn may_edit_product(&self, owner_team_id: i64) -> bool {
        self.has_scope(Scope::Write) && (self.is_admin || self.is_member_of(owner_team_id))
    }

    /// Pipelines (tokens with the `results` scope, or people) of the owning team push quality and SLA results.
    pub fn may_push_results(&self, owner_team_id: i64) -> bool {
        self.has_scope(Scope::Results) && (self.is_admin || self.is_member_of(owner_team_id))
    }

    /// Owners of the producing team decide access requests to its ports.
    pub fn may_decide_for_team(&self, team_id: i64) -> bool {
        self.has_scope(Scope::Write) && (self.is_admin || self.is_owner_of(team_id))
    }

    /// Global policies are the stewards'; domain policies also their domain's owners'.
    pub fn may_edit_policy(&self, domain_id: Option<i64>) -> bool {
        self.has_scope(Scope::Write)
            && (self.is_admin
                || self.is_steward
                || domain_id.is_some_and(|d| self.owned_domain_ids.contains(&d)))
    }

    /// Stewards review compliance and decide waivers.
    pub fn may_steward(&self) -> bool {
        self.has_scope(Scope::Write) && (self.is_steward || self.is_admin)
    }

    /// Platform administration: domains, teams, members, roles.
    pub fn may_administer(&self) -> bool {
        self.has_scope(Scope::Write) && self.is_admin
    }

    pub fn require(&self, allowed: bool, action: &str) -> Result<()> {
        if allowed {
            return Ok(());
        }
        if !self.is_signed_in() {
            return Err(Error::Unauthorized("sign in first".into()));
        }
        Err(Error::forbidden(action.to_owned()))
    }
}

/// Loads the viewer for a signed-in user: flags, teams and owned domains.
pub async fn viewer_for(db: &impl ConnectionTrait, user: &identity::Account) -> Result<Viewer> {
    let memberships = Membership::find()
        .filter(membership::Column::UserId.eq(user.id))
        .all(db)
        .await?;
    let team_ids: Vec<i64> = memberships.iter().map(|m| m.team_id).collect();
    let owned_team_ids: Vec<i64> = memberships
        .iter()
        .filter(|m| m.role == TeamRole::Owner)
        .map(|m| m.team_id)
        .collect();
    let owned_domain_ids = if owned_team_ids.is_empty() {
        Vec::new()
    } else {
        Domain::find()
            .filter(domain::Column::OwnerTeamId.is_in(owned_team_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|d| d.id)
            .collect()
    };
    Ok(Viewer {
        user_id: Some(user.id),
        name: user.name.clone(),
        email: user.email.clone(),
        is_admin: user.is_admin,
        is_steward: user.is_steward,
        team_ids,
        owned_team_ids,
        owned_domain_ids,
        scopes: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member_of(team: i64) -> Viewer {
        Viewer {
            user_id: Some(1),
            team_ids: vec![team],
            ..Default::default()
        }
    }

    #[test]
    fn drafts_are_for_their_team() {
        assert!(member_of(7).may_see_product(ProductStatus::Draft, 7));
        assert!(!member_of(7).may_see_product(ProductStatus::Draft, 8));
        assert!(Viewer::anonymous().may_see_product(ProductStatus::Published, 8));
        assert!(!Viewer::anonymous().may_see_product(ProductStatus::Draft, 8));
    }

    #[test]
    fn only_listed_products_are_pointed_to() {
        let admin = Viewer {
            user_id: Some(2),
            is_admin: true,
            ..Default::default()
        };
        for viewer in [member_of(7), admin] {
            assert!(viewer.may_point_to_product(ProductStatus::Published, 8));
            assert!(viewer.may_point_to_product(ProductStatus::Deprecated, 8));
            assert!(!viewer.may_point_to_product(ProductStatus::Draft, 7));
            assert!(!viewer.may_point_to_product(ProductStatus::Retired, 7));
        }
    }

    #[test]
    fn products_are_edited_by_their_team_and_admins() {
        assert!(member_of(7).may_edit_product(7));
        assert!(!member_of(7).may_edit_product(8));
        let admin = Viewer {
            user_id: Some(2),
            is_admin: true,
            ..Default::default()
        };
        assert!(admin.may_edit_product(8));
        let steward = Viewer {
            user_id: Some(3),
            is_steward: true,
            ..Default::default()
        };
        assert!(
            !steward.may_edit_product(8),
            "stewards govern, they do not edit products"
        );
    }

    #[test]
    fn only_owners_decide_for_their_team() {
        let mut owner = member_of(7);
        owner.owned_team_ids = vec![7];
        assert!(owner.may_decide_for_team(7));
        assert!(
            !member_of(7).may_decide_for_team(7),
            "members do not decide"
        );
    }

    #[test]
    fn domain_owners_edit_their_domain_policies_only() {
        let owner = Viewer {
            user_id: Some(1),
            owned_domain_ids: vec![3],
            ..Default::default()
        };
        assert!(owner.may_edit_policy(Some(3)));
        assert!(!owner.may_edit_policy(Some(4)));
        assert!(
            !owner.may_edit_policy(None),
            "global policies are the stewards'"
        );
        let steward = Viewer {
            user_id: Some(2),
            is_steward: true,
            ..Default::default()
        };
        assert!(steward.may_edit_policy(None));
    }

    #[test]
    fn a_read_only_token_cannot_write() {
        let mut viewer = member_of(7);
        viewer.scopes = Some([Scope::Read].into_iter().collect());
        assert!(!viewer.may_edit_product(7));
        assert!(viewer.require_scope(Scope::Write).is_err());
        assert!(viewer.require_scope(Scope::Read).is_ok());
    }

    #[test]
    fn anonymous_is_unauthorized_and_members_are_forbidden() {
        let err = Viewer::anonymous()
            .require(false, "edit this product")
            .unwrap_err();
        assert!(matches!(err, Error::Unauthorized(_)));
        let err = member_of(1)
            .require(false, "edit this product")
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden(_)));
    }
}
