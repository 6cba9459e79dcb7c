//! Marketplace search: full text (SQLite FTS5, PostgreSQL tsvector + GIN) ranked by relevance with popularity as
//! the tie-breaker, facets with live counts, sorting and exact pagination, highlighting and suggestions.
//!
//! The database finds the products that have the words; a per-instance cache of every product's facet values,
//! names and summaries ([`Searcher`]) ranks them (`text::relevance`, the same on both databases), filters,
//! counts and sorts. The cache reloads when `search_meta.version` moves, which every reindex bumps.
pub mod documents;
mod engine;
pub mod text;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Statement,
};
use serde::Serialize;

use crate::access::Viewer;
use crate::catalog::listing::{self, ProductCard};
use crate::entity::prelude::*;
use crate::error::Result;

pub use documents::{reindex, reindex_missing};
pub use engine::{FACETS, KINDS, SLA, STATUSES};

/// Results per page unless asked otherwise, and the most a page may hold.
pub const PER_PAGE: usize = 24;
const MAX_PER_PAGE: usize = 100;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    Name,
    Newest,
    Subscribed,
}

impl Sort {
    pub const ALL: [(Sort, &'static str, &'static str); 4] = [
        (Sort::Relevance, "relevance", "Best match"),
        (Sort::Name, "name", "Name"),
        (Sort::Newest, "newest", "Newest"),
        (Sort::Subscribed, "subscribed", "Most subscribed"),
    ];

    pub fn as_str(self) -> &'static str {
        Sort::ALL
            .iter()
            .find(|s| s.0 == self)
            .map_or("relevance", |s| s.1)
    }
}

/// A search as the URL states it: `q`, one parameter per selected facet value (`domain=sales&domain=hr`),
/// `sort` and `page`. Unknown parameters and values are kept out of the way, never an error.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchRequest {
    pub text: String,
    pub filters: Vec<(String, String)>,
    pub sort: Sort,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
}

impl SearchRequest {
    /// Reads a query string (`q=orders&domain=sales&page=2`), leniently: bad numbers fall back to defaults.
    pub fn from_query(query: &str) -> SearchRequest {
        let mut r = SearchRequest {
            page: 1,
            per_page: PER_PAGE,
            ..Default::default()
        };
        for (k, v) in url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            let v = v.trim().to_owned();
            match k.as_ref() {
                "q" => r.text = v.chars().take(2_000).collect(),
                "sort" => {
                    r.sort = Sort::ALL
                        .iter()
                        .find(|s| s.1 == v)
                        .map_or(Sort::Relevance, |s| s.0)
                }
                "page" => r.page = v.parse().unwrap_or(1).clamp(1, 1_000_000),
                "per_page" => r.per_page = v.parse().unwrap_or(PER_PAGE).clamp(1, MAX_PER_PAGE),
                key if FACETS.contains(&key)
                    && !v.is_empty()
                    && r.filters.len() < 64
                    && !r.filters.iter().any(|(fk, fv)| fk == key && *fv == v) =>
                {
                    r.filters.push((key.to_owned(), v));
                }
                _ => {}
            }
        }
        r
    }

    /// The selected values of a facet.
    pub fn values(&self, key: &str) -> Vec<String> {
        self.filters
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Facet {
    pub key: String,
    pub title: String,
    pub values: Vec<FacetValue>,
    /// Values left out of `values` (tags show the 20 most frequent).
    pub more: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub card: ProductCard,
    /// The name and summary in segments, matched words flagged `true`.
    pub name: Vec<(String, bool)>,
    pub summary: Vec<(String, bool)>,
    /// Columns whose name or description matched.
    pub columns: Vec<String>,
    pub subscribers: i32,
    pub compliance: crate::kinds::Compliance,
}

/// What to try when nothing matched.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Suggestions {
    pub did_you_mean: Option<String>,
    /// (facet key, its title, results if that facet's selection were removed)
    pub without_facet: Vec<(String, String, u64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchResults {
    /// The index version the search ran on (moves with every change to a product).
    pub version: i64,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit>,
    pub facets: Vec<Facet>,
    pub suggestions: Suggestions,
}

impl SearchResults {
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// The facet cache of one server instance (cheap to clone; clones share it), and its most recent results.
///
/// Search is near real time, as in Elasticsearch: an instance reads the index version (one small query) at
/// most once per refresh interval (1 s unless set with [`Searcher::refreshing_every`]), so a change made by
/// another instance or process shows within that interval. Changes made by this process show at once: for a
/// refresh interval after one, every search reads the version.
#[derive(Clone)]
pub struct Searcher {
    current: Arc<RwLock<Option<Arc<engine::Index>>>>,
    reload: Arc<tokio::sync::Mutex<()>>,
    recent: Arc<std::sync::Mutex<Recent>>,
    recent_capacity: usize,
    checked: Arc<Checked>,
    refresh: Duration,
}

/// The index version as last read, and when (milliseconds on [`clock`], 0 for never).
#[derive(Default)]
struct Checked {
    version: AtomicI64,
    at: AtomicU64,
}

/// When this process last changed the index (milliseconds on [`clock`], 0 for never).
static LOCAL_CHANGE: AtomicU64 = AtomicU64::new(0);

/// Milliseconds since this process first asked, from 1 (0 stands for never).
fn clock() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u64 + 1
}

/// Called by every reindex of this process: its searches read the version again for a refresh interval, long
/// enough for the transaction around the change to commit.
pub(crate) fn note_local_change() {
    LOCAL_CHANGE.store(clock(), Ordering::Relaxed);
}

impl Default for Searcher {
    fn default() -> Self {
        Self::with_recent_results(32)
    }
}

/// Recent results, newest first, by what decided them.
type Recent = std::collections::VecDeque<(String, Arc<Found>)>;

/// A search's results before paging: what paging through it, or the next visitor asking the same, reuses.
struct Found {
    ordered: Vec<usize>,
    facets: Vec<Facet>,
    suggestions: Suggestions,
}

impl Searcher {
    /// Keeps the results of the last `capacity` distinct searches (0: none), for as long as the index is
    /// unchanged: paging, and many people opening the same marketplace page, skip matching and counting.
    pub fn with_recent_results(capacity: usize) -> Self {
        Self {
            current: Arc::default(),
            reload: Arc::default(),
            recent: Arc::default(),
            recent_capacity: capacity,
            checked: Arc::default(),
            refresh: Duration::from_secs(1),
        }
    }

    /// Reads the index version at most once per `refresh` (see [`Searcher`]); zero reads it for every search.
    pub fn refreshing_every(mut self, refresh: Duration) -> Self {
        self.refresh = refresh;
        self
    }

    fn recall(&self, key: &str) -> Option<Arc<Found>> {
        let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, f)| f.clone())
    }

    fn remember(&self, key: String, found: Arc<Found>) {
        if self.recent_capacity == 0 {
            return;
        }
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent.retain(|(k, _)| *k != key);
        if recent.len() >= self.recent_capacity {
            recent.pop_back();
        }
        recent.push_front((key, found));
    }

    fn cached(&self, version: i64) -> Option<Arc<engine::Index>> {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().filter(|i| i.version == version).cloned()
    }

    /// The version of the index a search would run on now: one single-row query. What is derived from search
    /// results may be kept under it (with [`audience`]) until it moves.
    pub async fn version(&self, db: &impl ConnectionTrait) -> Result<i64> {
        let now = clock();
        let refresh = self.refresh.as_millis() as u64;
        let at = self.checked.at.load(Ordering::Acquire);
        let fresh = |since: u64| since != 0 && now.saturating_sub(since) < refresh;
        if fresh(at) && !fresh(LOCAL_CHANGE.load(Ordering::Relaxed)) {
            return Ok(self.checked.version.load(Ordering::Acquire));
        }
        let version = current_version(db).await?;
        self.checked.version.store(version, Ordering::Release);
        self.checked.at.store(now, Ordering::Release);
        Ok(version)
    }

    async fn index(&self, db: &impl ConnectionTrait) -> Result<Arc<engine::Index>> {
        let version = self.version(db).await?;
        if let Some(index) = self.cached(version) {
            return Ok(index);
        }
        let _one_at_a_time = self.reload.lock().await;
        if let Some(index) = self.cached(version) {
            return Ok(index);
        }
        let started = Instant::now();
        let index = Arc::new(engine::Index::load(db, version).await?);
        crate::metrics::index_refreshed(started.elapsed());
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(index.clone());
        Ok(index)
    }

    /// Runs a search as the viewer may see it.
    pub async fn search(
        &self,
        db: &impl ConnectionTrait,
        viewer: &Viewer,
        request: &SearchRequest,
    ) -> Result<SearchResults> {
        let index = self.index(db).await?;
        let tokens = text::tokens(&request.text);
        // What decides the results: the index version, the words, the filters, the sort, and which drafts the
        // viewer may see.
        let mut filters = request.filters.clone();
        filters.sort();
        let key = format!(
            "{}|{}|{:?}|{}|{}",
            index.version,
            tokens.join(" "),
            filters,
            request.sort.as_str(),
            audience(viewer),
        );
        let recalled = self.recall(&key);
        crate::metrics::search_answered(recalled.is_some());
        let found = match recalled {
            Some(found) => found,
            None => {
                let found = Arc::new(find(db, &index, viewer, request, &tokens).await?);
                self.remember(key, found.clone());
                found
            }
        };
        let total = found.ordered.len();
        let per_page = request.per_page.clamp(1, MAX_PER_PAGE);
        let start = (request.page.max(1) - 1).saturating_mul(per_page);
        let page_ids: Vec<i64> = found
            .ordered
            .iter()
            .skip(start)
            .take(per_page)
            .map(|i| index.docs[*i].id)
            .collect();
        let hits = self.hits(db, &index, &page_ids, &tokens).await?;
        Ok(SearchResults {
            version: index.version,
            total,
            page: request.page.max(1),
            per_page,
            hits,
            facets: found.facets.clone(),
            suggestions: found.suggestions.clone(),
        })
    }

    async fn hits(
        &self,
        db: &impl ConnectionTrait,
        index: &engine::Index,
        ids: &[i64],
        tokens: &[String],
    ) -> Result<Vec<Hit>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut columns: HashMap<i64, String> = HashMap::new();
        if !tokens.is_empty() {
            columns = SearchDocument::find()
                .select_only()
                .column(search_document::Column::ProductId)
                .column(search_document::Column::Columns)
                .filter(search_document::Column::ProductId.is_in(ids.to_vec()))
                .into_tuple::<(i64, String)>()
                .all(db)
                .await?
                .into_iter()
                .collect();
        }
        Ok(ids
            .iter()
            .filter_map(|id| {
                let at = *index.by_id.get(id)?;
                let card = index.card(at);
                let doc = &index.docs[at];
                let matched_columns = columns
                    .get(id)
                    .map(|text| {
                        text.lines()
                            .filter(|line| {
                                text::highlight(line, tokens).iter().any(|(_, hit)| *hit)
                            })
                            .filter_map(|line| line.split([':', ' ']).next())
                            .filter(|name| !name.is_empty())
                            .take(3)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                Some(Hit {
                    name: text::highlight(&card.name, tokens),
                    summary: text::highlight(&card.summary, tokens),
                    columns: matched_columns,
                    subscribers: doc.subscribers,
                    compliance: index.codes[at].compliance(),
                    card,
                })
            })
            .collect())
    }

    /// The home page's rows: most subscribed, recently published, recently updated, and trusted (meets every
    /// policy) products, listed ones only.
    pub async fn curated(
        &self,
        db: &impl ConnectionTrait,
        viewer: &Viewer,
        limit: usize,
    ) -> Result<Curated> {
        let index = self.index(db).await?;
        let recently_updated = listing::recently_updated(db, viewer, limit as u64).await?;
        let cards = |ids: Vec<usize>| ids.into_iter().map(|i| index.card(i)).collect();
        Ok(Curated {
            most_subscribed: cards(engine::curated(
                &index,
                |d, _| d.subscribers > 0,
                Sort::Subscribed,
                limit,
            )),
            recently_published: cards(engine::curated(
                &index,
                engine::is_published,
                Sort::Newest,
                limit,
            )),
            recently_updated,
            trusted: cards(engine::curated(
                &index,
                engine::is_trusted,
                Sort::Subscribed,
                limit,
            )),
        })
    }
}

/// What decides which drafts a viewer finds: viewers with the same audience get the same results.
pub fn audience(viewer: &Viewer) -> String {
    let mut teams = viewer.team_ids.clone();
    teams.sort_unstable();
    format!("{}|{teams:?}", viewer.is_admin)
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Curated {
    pub most_subscribed: Vec<ProductCard>,
    pub recently_published: Vec<ProductCard>,
    pub recently_updated: Vec<ProductCard>,
    pub trusted: Vec<ProductCard>,
}

async fn current_version(db: &impl ConnectionTrait) -> Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM search_meta WHERE id = 1",
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get_by_index::<i64>(0)?,
        None => 0,
    })
}

/// Every product the words match, with its relevance (higher is better).
/// Matches the words, then filters, counts and sorts; with suggestions when nothing is found.
async fn find(
    db: &impl ConnectionTrait,
    index: &engine::Index,
    viewer: &Viewer,
    request: &SearchRequest,
    tokens: &[String],
) -> Result<Found> {
    let matches: Option<Vec<(usize, f64)>> = if tokens.is_empty() {
        None
    } else {
        Some(index.score(&text_matches(db, tokens).await?, tokens))
    };
    let outcome = engine::run(index, viewer, request, matches.as_deref());
    let mut suggestions = Suggestions::default();
    if outcome.ordered.is_empty() {
        suggestions.did_you_mean = text::did_you_mean(tokens, &index.vocabulary);
        for facet in &outcome.facets {
            if request.filters.iter().any(|(k, _)| *k == facet.key) {
                let n: u64 = if facet.key == "tag" {
                    // A product with two tags counts twice; the real number needs a run without it.
                    let mut without = request.clone();
                    without.filters.retain(|(k, _)| k != "tag");
                    engine::run(index, viewer, &without, matches.as_deref())
                        .ordered
                        .len() as u64
                } else {
                    facet.values.iter().map(|v| v.count).sum()
                };
                if n > 0 {
                    suggestions
                        .without_facet
                        .push((facet.key.clone(), facet.title.clone(), n));
                }
            }
        }
    }
    Ok(Found {
        ordered: outcome.ordered,
        facets: outcome.facets,
        suggestions,
    })
}

/// The ids of the products whose text has every word (as a prefix, stemmed), in one row: the database only
/// matches; `text::relevance` ranks.
async fn text_matches(db: &impl ConnectionTrait, tokens: &[String]) -> Result<Vec<i64>> {
    let backend = db.get_database_backend();
    let statement = match backend {
        DbBackend::Sqlite => Statement::from_sql_and_values(
            backend,
            "SELECT group_concat(rowid) FROM search_fts WHERE search_fts MATCH ?",
            [text::fts5_expression(tokens).into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT string_agg(product_id::text, ',') FROM search_vectors \
             WHERE tsv @@ to_tsquery('english', $1)",
            [text::tsquery_expression(tokens).into()],
        ),
    };
    let ids: Option<String> = match db.query_one_raw(statement).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => None,
    };
    Ok(ids
        .unwrap_or_default()
        .split(',')
        .filter_map(|id| id.parse().ok())
        .collect())
}
