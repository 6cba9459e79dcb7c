//! What the mesh layer counts, through the `metrics` facade: search, its caches and index refreshes, policy
//! evaluations, and database errors. The server installs a Prometheus recorder and serves `/metrics`; without
//! one (the CLI, this crate's own tests) every call here does nothing.
//!
//! Label values are closed vocabularies (never user input), so the number of series stays bounded.
use std::time::Duration;

use metrics::{counter, describe_counter, describe_histogram, histogram, Unit};

use crate::db::errors::{is_acquire_timeout, is_transient, is_unique_violation, is_unreachable};
use crate::kinds::Outcome;

/// Marketplace searches answered (from any cache or not).
pub const SEARCH_QUERIES: &str = "agora_search_queries_total";
/// Lookups in a search cache, by `cache` (`results`: matched and counted results; `pages`: rendered result
/// pages) and `outcome` (`hit` | `miss`).
pub const SEARCH_CACHE: &str = "agora_search_cache_requests_total";
/// Reloads of the facet index after the search index changed.
pub const SEARCH_INDEX_REFRESHES: &str = "agora_search_index_refreshes_total";
pub const SEARCH_INDEX_REFRESH_SECONDS: &str = "agora_search_index_refresh_duration_seconds";
/// Policy verdicts stored, by `outcome` (`pass` | `fail` | `waived` | `not_applicable`).
pub const EVALUATIONS: &str = "agora_governance_evaluations_total";
/// Products evaluated against their policies.
pub const EVALUATED_PRODUCTS: &str = "agora_governance_evaluated_products_total";
/// How long evaluating one batch of products took.
pub const EVALUATION_SECONDS: &str = "agora_governance_evaluation_duration_seconds";
/// Database errors, by `kind` (see [`DbErrorKind`]).
pub const DB_ERRORS: &str = "agora_db_errors_total";
/// Requests for a pooled connection that waited the whole acquire timeout and got none.
pub const DB_ACQUIRE_TIMEOUTS: &str = "agora_db_pool_acquire_timeouts_total";

/// Describes the mesh's metrics to the installed recorder (call once, after installing it), and starts the
/// series worth alerting on at zero, so a rate over them exists before the first error.
pub fn describe() {
    describe_counter!(
        SEARCH_QUERIES,
        Unit::Count,
        "Marketplace searches answered, whether from a cache or not."
    );
    describe_counter!(
        SEARCH_CACHE,
        Unit::Count,
        "Search cache lookups by cache (results: matched and counted results; pages: rendered result pages) and outcome (hit, miss)."
    );
    describe_counter!(
        SEARCH_INDEX_REFRESHES,
        Unit::Count,
        "Reloads of the in-memory facet index after the search index changed."
    );
    describe_histogram!(
        SEARCH_INDEX_REFRESH_SECONDS,
        Unit::Seconds,
        "How long reloading the facet index took."
    );
    describe_counter!(
        EVALUATIONS,
        Unit::Count,
        "Policy verdicts stored by outcome (pass, fail, waived, not_applicable)."
    );
    describe_counter!(
        EVALUATED_PRODUCTS,
        Unit::Count,
        "Data products evaluated against the policies in their scope."
    );
    describe_histogram!(
        EVALUATION_SECONDS,
        Unit::Seconds,
        "How long evaluating one batch of products (one change, or a few hundred in the daily run) took."
    );
    describe_counter!(
        DB_ERRORS,
        Unit::Count,
        "Database errors by kind (unavailable, conflict, transient, other)."
    );
    describe_counter!(
        DB_ACQUIRE_TIMEOUTS,
        Unit::Count,
        "Requests for a pooled database connection that waited the whole acquire timeout and got none."
    );
    for kind in DbErrorKind::ALL {
        counter!(DB_ERRORS, "kind" => kind.as_str()).increment(0);
    }
    counter!(DB_ACQUIRE_TIMEOUTS).increment(0);
}

/// A search is answered. A page served from the rendered-page cache counts here and as a `pages` hit; any
/// other search is counted by [`crate::search::Searcher::search`].
pub fn rendered_search_lookup(hit: bool) {
    counter!(SEARCH_CACHE, "cache" => "pages", "outcome" => hit_or_miss(hit)).increment(1);
    if hit {
        counter!(SEARCH_QUERIES).increment(1);
    }
}

pub(crate) fn search_answered(results_cached: bool) {
    counter!(SEARCH_QUERIES).increment(1);
    counter!(SEARCH_CACHE, "cache" => "results", "outcome" => hit_or_miss(results_cached))
        .increment(1);
}

pub(crate) fn index_refreshed(took: Duration) {
    counter!(SEARCH_INDEX_REFRESHES).increment(1);
    histogram!(SEARCH_INDEX_REFRESH_SECONDS).record(took.as_secs_f64());
}

pub(crate) fn evaluated(outcome: Outcome) {
    counter!(EVALUATIONS, "outcome" => outcome.as_str()).increment(1);
}

pub(crate) fn evaluated_products(products: usize, took: Duration) {
    counter!(EVALUATED_PRODUCTS).increment(products as u64);
    histogram!(EVALUATION_SECONDS).record(took.as_secs_f64());
}

fn hit_or_miss(hit: bool) -> &'static str {
    if hit {
        "hit"
    } else {
        "miss"
    }
}

/// What kind of database error happened, for [`DB_ERRORS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbErrorKind {
    /// The database could not be reached (the request answers 503): see [`is_unreachable`].
    Unavailable,
    /// A unique index refused a row: two requests stored the same thing at once.
    Conflict,
    /// PostgreSQL aborted a transaction to break a deadlock or serialisation conflict (it is run again).
    Transient,
    /// Anything else: a fault in a query.
    Other,
}

impl DbErrorKind {
    pub const ALL: [DbErrorKind; 4] = [
        DbErrorKind::Unavailable,
        DbErrorKind::Conflict,
        DbErrorKind::Transient,
        DbErrorKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DbErrorKind::Unavailable => "unavailable",
            DbErrorKind::Conflict => "conflict",
            DbErrorKind::Transient => "transient",
            DbErrorKind::Other => "other",
        }
    }

    pub fn of(err: &sea_orm::DbErr) -> DbErrorKind {
        if is_unreachable(err) {
            DbErrorKind::Unavailable
        } else if is_unique_violation(err) {
            DbErrorKind::Conflict
        } else if is_transient(err) {
            DbErrorKind::Transient
        } else {
            DbErrorKind::Other
        }
    }
}

/// Counts a database error as the mesh meets it (every `DbErr` becomes an [`crate::Error`] once, there).
pub(crate) fn db_error(err: &sea_orm::DbErr) {
    counter!(DB_ERRORS, "kind" => DbErrorKind::of(err).as_str()).increment(1);
    if is_acquire_timeout(err) {
        counter!(DB_ACQUIRE_TIMEOUTS).increment(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_query_is_another_kind_of_error_than_a_lost_database() {
        let bad = sea_orm::DbErr::Custom("no such column".into());
        assert_eq!(DbErrorKind::of(&bad), DbErrorKind::Other);
        let lost = sea_orm::DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout);
        assert_eq!(DbErrorKind::of(&lost), DbErrorKind::Unavailable);
        assert!(is_acquire_timeout(&lost));
        assert!(!is_acquire_timeout(&bad));
    }
}
