//! The small closed vocabularies of the model (product type, lifecycle status, port kind, outcome...).
//!
//! They live in their own crate, with serde as the only dependency, so the server (through `mesh::kinds`) and the
//! browser build of the UI share one definition: the page compares `status == ProductStatus::Deprecated`, not a
//! string it hopes is spelled like the server's. The `sea-orm` feature (on for `mesh`) adds the database mapping;
//! each value's name is the same in the database, the API, URLs and JSON.
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "sea-orm")]
use sea_orm::entity::prelude::{DeriveActiveEnum, EnumIter, StringLen};
use serde::{Deserialize, Serialize};

/// Declares a string-valued enum, with its wire name (database, API, JSON), a human label and parsing.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $value:literal / $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
        #[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
        pub enum $name {
            $(
                #[cfg_attr(feature = "sea-orm", sea_orm(string_value = $value))]
                #[serde(rename = $value)]
                $variant,
            )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name used in URLs, the database and the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            /// The name shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($value => Ok($name::$variant),)+
                    _ => Err(format!(
                        "must be one of: {}",
                        [$($value),+].join(", ")
                    )),
                }
            }
        }
    };
}

vocabulary!(
    /// Where a data product sits in the mesh (Dehghani's three archetypes).
    ProductKind {
        SourceAligned = "source-aligned" / "Source-aligned",
        Aggregate = "aggregate" / "Aggregate",
        ConsumerAligned = "consumer-aligned" / "Consumer-aligned",
    }
);

vocabulary!(
    /// Lifecycle of a data product.
    ProductStatus {
        Draft = "draft" / "Draft",
        Published = "published" / "Published",
        Deprecated = "deprecated" / "Deprecated",
        Retired = "retired" / "Retired",
    }
);

impl ProductStatus {
    /// Listed in the marketplace by default (drafts belong to their team, retired products are hidden).
    pub fn listed_by_default(self) -> bool {
        matches!(self, ProductStatus::Published | ProductStatus::Deprecated)
    }
}

vocabulary!(
    /// What an output port serves.
    PortKind {
        Table = "table" / "Table",
        View = "view" / "View",
        Topic = "topic" / "Topic",
        File = "file" / "File",
        Api = "api" / "API",
    }
);

vocabulary!(
    /// How access requests to an output port are decided.
    ApprovalMode {
        Manual = "manual" / "Manual approval",
        Auto = "auto" / "Automatic approval",
    }
);

vocabulary!(
    /// A member's role in a team.
    TeamRole {
        Owner = "owner" / "Owner",
        Member = "member" / "Member",
    }
);

vocabulary!(
    /// Where an access agreement stands.
    SubscriptionStatus {
        Requested = "requested" / "Requested",
        Approved = "approved" / "Active",
        Rejected = "rejected" / "Rejected",
        Cancelled = "cancelled" / "Cancelled",
        Revoked = "revoked" / "Revoked",
        Expired = "expired" / "Expired",
    }
);

impl SubscriptionStatus {
    /// Still in force or waiting for a decision; every other status has ended the agreement.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            SubscriptionStatus::Requested | SubscriptionStatus::Approved
        )
    }
}

vocabulary!(
    /// How much a failed policy matters.
    Severity {
        Blocker = "blocker" / "Blocker",
        Major = "major" / "Major",
        Minor = "minor" / "Minor",
    }
);

vocabulary!(
    /// The result of a product against a policy.
    Outcome {
        Pass = "pass" / "Pass",
        Fail = "fail" / "Fail",
        Waived = "waived" / "Waived",
        NotApplicable = "not_applicable" / "Not applicable",
    }
);

vocabulary!(
    /// A waiver request's state.
    WaiverStatus {
        Requested = "requested" / "Requested",
        Approved = "approved" / "Approved",
        Denied = "denied" / "Denied",
    }
);

vocabulary!(
    /// How much a change between two versions matters to consumers; ordered, so the largest one decides the bump.
    #[derive(PartialOrd, Ord)]
    ChangeLevel {
        Patch = "patch" / "Patch",
        Minor = "minor" / "Minor",
        Breaking = "breaking" / "Breaking",
    }
);

vocabulary!(
    /// The smallest semantic-version bump a set of changes needs.
    Bump {
        Major = "major" / "Major",
        Minor = "minor" / "Minor",
        Patch = "patch" / "Patch",
    }
);

vocabulary!(
    /// What importing a data contract did.
    ImportOutcome {
        Created = "created" / "Created",
        Updated = "updated" / "Updated",
        Unchanged = "unchanged" / "Unchanged",
    }
);

vocabulary!(
    /// A product's standing against its policies as search shows it: every policy met, one failing, or not evaluated.
    Compliance {
        Passing = "passing" / "Passing",
        Failing = "failing" / "Failing",
        Unknown = "unknown" / "Unknown",
    }
);

vocabulary!(
    /// Whether an API token still works.
    TokenState {
        Active = "active" / "Active",
        Revoked = "revoked" / "Revoked",
        Expired = "expired" / "Expired",
    }
);

#[cfg(test)]
mod tests {
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
    fn a_larger_change_level_sorts_after_a_smaller_one() {
        assert!(ChangeLevel::Breaking > ChangeLevel::Minor);
        assert!(ChangeLevel::Minor > ChangeLevel::Patch);
    }
}
