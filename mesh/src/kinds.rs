//! The small closed vocabularies of the model (product type, lifecycle status, port kind...), stored as strings.
use std::fmt;
use std::str::FromStr;

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Declares a string-valued enum stored in the database, with its wire name, a human label and parsing.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $value:literal / $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        pub enum $name {
            $(
                #[sea_orm(string_value = $value)]
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

impl ProductStatus {
    /// Listed in the marketplace by default (drafts belong to their team, retired products are hidden).
    pub fn listed_by_default(self) -> bool {
        matches!(self, ProductStatus::Published | ProductStatus::Deprecated)
    }
}

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
}

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
