//! Who is looking, and what they may see. Every page, API handler and CLI command asks these functions.
use crate::kinds::ProductStatus;

/// The person (or machine) behind a request, with the teams they belong to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: Option<i64>,
    pub is_admin: bool,
    pub is_steward: bool,
    /// Teams the viewer is a member of (any role).
    pub team_ids: Vec<i64>,
    /// Teams the viewer owns.
    pub owned_team_ids: Vec<i64>,
}

impl Viewer {
    pub fn anonymous() -> Self {
        Self::default()
    }

    pub fn is_signed_in(&self) -> bool {
        self.user_id.is_some()
    }

    pub fn is_member_of(&self, team_id: i64) -> bool {
        self.team_ids.contains(&team_id)
    }

    /// Drafts are visible to their own team (and admins); everything else to anyone allowed to browse.
    pub fn may_see_product(&self, status: ProductStatus, owner_team_id: i64) -> bool {
        status != ProductStatus::Draft || self.is_admin || self.is_member_of(owner_team_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_are_for_their_team() {
        let member = Viewer {
            user_id: Some(1),
            team_ids: vec![7],
            ..Default::default()
        };
        assert!(member.may_see_product(ProductStatus::Draft, 7));
        assert!(!member.may_see_product(ProductStatus::Draft, 8));
        assert!(Viewer::anonymous().may_see_product(ProductStatus::Published, 8));
        assert!(!Viewer::anonymous().may_see_product(ProductStatus::Draft, 8));
    }
}
