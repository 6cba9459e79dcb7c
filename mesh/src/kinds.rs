//! The small closed vocabularies of the model (product type, lifecycle status, port kind...), stored as strings.
//!
//! They are defined in the `vocabulary` crate, which the browser build of the UI uses too; this module is where the
//! rest of `mesh` finds them, with their database mapping switched on.
pub use vocabulary::*;

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;

    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_say_what_is_allowed() {
        for kind in ProductKind::ALL {
            assert_eq!(kind.as_str().parse::<ProductKind>(), Ok(*kind));
        }
        let err = "lake".parse::<PortKind>().unwrap_err();
        assert_eq!(err, "must be one of: table, view, topic, file, api");
    }

    #[test]
    fn only_published_and_deprecated_are_listed_by_default() {
        let listed: Vec<_> = ProductStatus::ALL
            .iter()
            .filter(|s| s.listed_by_default())
            .collect();
        assert_eq!(
            listed,
            [&ProductStatus::Published, &ProductStatus::Deprecated]
        );
    }

    /// The database value, the JSON value and `as_str` are one name, so a row, an API answer and a page agree.
    fn same_name_everywhere<T>(all: &[T])
    where
        T: ActiveEnum<Value = String> + serde::Serialize + Copy + std::fmt::Display,
    {
        for v in all {
            let json = serde_json::to_value(v).unwrap();
            assert_eq!(json.as_str(), Some(v.to_string().as_str()));
            assert_eq!(v.to_value(), v.to_string());
        }
    }

    #[test]
    fn database_json_and_display_names_are_the_same() {
        same_name_everywhere(ProductKind::ALL);
        same_name_everywhere(ProductStatus::ALL);
        same_name_everywhere(PortKind::ALL);
        same_name_everywhere(ApprovalMode::ALL);
        same_name_everywhere(TeamRole::ALL);
        same_name_everywhere(SubscriptionStatus::ALL);
        same_name_everywhere(Severity::ALL);
        same_name_everywhere(Outcome::ALL);
        same_name_everywhere(WaiverStatus::ALL);
        same_name_everywhere(ChangeLevel::ALL);
        same_name_everywhere(Bump::ALL);
        same_name_everywhere(ImportOutcome::ALL);
        same_name_everywhere(Compliance::ALL);
        same_name_everywhere(TokenState::ALL);
        assert_eq!(Outcome::NotApplicable.to_value(), "not_applicable");
    }
}
