//! The facet cache: every product's facet values and sort keys in memory, so that counting eight facets and
//! sorting 100k products takes a few milliseconds. Full-text matching and ranking stay in the database.
use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, QuerySelect};

use super::{Facet, FacetValue, SearchRequest, Sort};
use crate::access::Viewer;
use crate::catalog::listing::ProductCard;
use crate::entity::prelude::*;
use crate::error::Result;
use crate::kinds::{Compliance, ProductKind, ProductStatus};

pub const KINDS: &[&str] = &["source-aligned", "aggregate", "consumer-aligned"];
pub const STATUSES: &[&str] = &["draft", "published", "deprecated", "retired"];
pub const PII: &[&str] = &["yes", "no"];
pub const COMPLIANCE: &[&str] = &["passing", "failing", "unknown"];
pub const SLA: &[&str] = &["99.9", "99", "lower", "none"];

/// Facet keys in the order the page shows them.
pub const FACETS: &[&str] = &[
    "domain",
    "kind",
    "status",
    "tag",
    "team",
    "pii",
    "compliance",
    "sla",
];
const DOMAIN: usize = 0;
const KIND: usize = 1;
const STATUS: usize = 2;
const TAG: usize = 3;
const TEAM: usize = 4;
const PII_F: usize = 5;
const COMPLIANCE_F: usize = 6;
const SLA_F: usize = 7;
const DRAFT: u8 = 0;
const RETIRED: usize = 3;

pub struct Doc {
    pub id: i64,
    pub subscribers: i32,
    published: i64,
    updated: i64,
    /// Positions in the precomputed orders (see `Index::orders`), so sorting a result set compares integers.
    pos: [u32; 3],
}

/// A doc's facet values as codes, in a row of 20 bytes: the scan that filters and counts every doc reads
/// only these, front to back.
#[derive(Clone, Copy)]
pub struct Codes {
    domain: u32,
    team: u32,
    /// Where its tags start in `Index::doc_tags`.
    tags: u32,
    tag_count: u16,
    kind: u8,
    status: u8,
    pii: u8,
    compliance: u8,
    sla: u8,
}

/// A doc's words and what its result card shows, kept apart from [`Doc`] and [`Codes`] so that the scan which
/// filters and counts every doc reads only compact rows.
struct Text {
    name_key: Box<str>,
    summary_key: Box<str>,
    slug: Box<str>,
    name: Box<str>,
    summary: Box<str>,
    version: Box<str>,
    updated_at: DateTime<Utc>,
}

impl Codes {
    /// The code of a single-valued facet.
    fn single(&self, facet: usize) -> u32 {
        match facet {
            DOMAIN => self.domain,
            KIND => self.kind as u32,
            STATUS => self.status as u32,
            TEAM => self.team,
            PII_F => self.pii as u32,
            COMPLIANCE_F => self.compliance as u32,
            _ => self.sla as u32,
        }
    }

    pub fn compliance(&self) -> Compliance {
        COMPLIANCE[self.compliance as usize]
            .parse()
            .unwrap_or(Compliance::Unknown)
    }
}

#[derive(FromQueryResult)]
struct Row {
    product_id: i64,
    domain_id: i64,
    team_id: i64,
    kind: String,
    status: String,
    name: String,
    summary: String,
    tags: String,
    has_pii: bool,
    compliance: String,
    sla_tier: String,
    subscribers: i32,
    published_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

/// (database id, slug, name)
type Named = (i64, String, String);

/// The precomputed orders: popularity (most subscribed, then name), name, newest.
const BY_POPULARITY: usize = 0;
const BY_NAME: usize = 1;
const BY_NEWEST: usize = 2;

pub struct Index {
    pub version: i64,
    pub docs: Vec<Doc>,
    pub codes: Vec<Codes>,
    /// Every doc's tag codes, one run per doc (see [`Codes::tags`]).
    doc_tags: Vec<u32>,
    texts: Vec<Text>,
    /// Doc positions in each order of `BY_*`: a search without text walks one of them and needs no sort.
    orders: [Vec<u32>; 3],
    pub by_id: HashMap<i64, usize>,
    domains: Vec<Named>,
    teams: Vec<Named>,
    tags: Vec<String>,
    pub vocabulary: BTreeSet<String>,
}

fn position(list: &[&str], value: &str) -> u32 {
    list.iter().position(|v| *v == value).unwrap_or(0) as u32
}

impl Index {
    pub async fn load(db: &impl ConnectionTrait, version: i64) -> Result<Index> {
        let domains: Vec<Named> = Domain::find()
            .all(db)
            .await?
            .into_iter()
            .map(|d| (d.id, d.slug, d.name))
            .collect();
        let teams: Vec<Named> = Team::find()
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.id, t.slug, t.name))
            .collect();
        let domain_at: HashMap<i64, u32> = domains
            .iter()
            .enumerate()
            .map(|(i, d)| (d.0, i as u32))
            .collect();
        let team_at: HashMap<i64, u32> = teams
            .iter()
            .enumerate()
            .map(|(i, t)| (t.0, i as u32))
            .collect();
        let rows = SearchDocument::find()
            .select_only()
            .columns([
                search_document::Column::ProductId,
                search_document::Column::DomainId,
                search_document::Column::TeamId,
                search_document::Column::Kind,
                search_document::Column::Status,
                search_document::Column::Name,
                search_document::Column::Summary,
                search_document::Column::Tags,
                search_document::Column::HasPii,
                search_document::Column::Compliance,
                search_document::Column::SlaTier,
                search_document::Column::Subscribers,
                search_document::Column::PublishedAt,
                search_document::Column::UpdatedAt,
            ])
            .into_model::<Row>()
            .all(db)
            .await?;
        let mut slug_and_version: HashMap<i64, (String, String)> = DataProduct::find()
            .select_only()
            .columns([
                data_product::Column::Id,
                data_product::Column::Slug,
                data_product::Column::Version,
            ])
            .into_tuple::<(i64, String, String)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, slug, version)| (id, (slug, version)))
            .collect();
        let mut tags: Vec<String> = Vec::new();
        let mut tag_at: HashMap<String, u32> = HashMap::new();
        let mut docs = Vec::with_capacity(rows.len());
        let mut codes = Vec::with_capacity(rows.len());
        let mut doc_tags: Vec<u32> = Vec::with_capacity(rows.len() * 3);
        let mut texts = Vec::with_capacity(rows.len());
        let mut words: Vec<String> = Vec::new();
        for r in rows {
            let (Some(&domain), Some(&team), Some((slug, version))) = (
                domain_at.get(&r.domain_id),
                team_at.get(&r.team_id),
                slug_and_version.remove(&r.product_id),
            ) else {
                continue;
            };
            let first_tag = doc_tags.len();
            for t in r.tags.split_whitespace().take(u16::MAX as usize) {
                let code = *tag_at.entry(t.to_owned()).or_insert_with(|| {
                    tags.push(t.to_owned());
                    (tags.len() - 1) as u32
                });
                doc_tags.push(code);
            }
            words.push(r.name.clone());
            codes.push(Codes {
                domain,
                team,
                tags: first_tag as u32,
                tag_count: (doc_tags.len() - first_tag) as u16,
                kind: position(KINDS, &r.kind) as u8,
                status: position(STATUSES, &r.status) as u8,
                pii: if r.has_pii { 0 } else { 1 },
                compliance: position(COMPLIANCE, &r.compliance) as u8,
                sla: position(SLA, &r.sla_tier) as u8,
            });
            docs.push(Doc {
                id: r.product_id,
                subscribers: r.subscribers,
                published: r.published_at.map_or(i64::MIN, |t| t.timestamp()),
                updated: r.updated_at.timestamp(),
                pos: [0; 3],
            });
            texts.push(Text {
                name_key: r.name.to_lowercase().into_boxed_str(),
                summary_key: r.summary.to_lowercase().into_boxed_str(),
                slug: slug.into_boxed_str(),
                name: r.name.into_boxed_str(),
                summary: r.summary.into_boxed_str(),
                version: version.into_boxed_str(),
                updated_at: r.updated_at,
            });
        }
        let order = |cmp: &dyn Fn(usize, usize) -> std::cmp::Ordering| {
            let mut o: Vec<u32> = (0..docs.len() as u32).collect();
            o.sort_by(|a, b| cmp(*a as usize, *b as usize));
            o
        };
        let name = |a: usize, b: usize| texts[a].name_key.cmp(&texts[b].name_key);
        let orders = [
            order(&|a, b| {
                docs[b]
                    .subscribers
                    .cmp(&docs[a].subscribers)
                    .then(name(a, b))
            }),
            order(&name),
            order(&|a, b| {
                docs[b]
                    .published
                    .cmp(&docs[a].published)
                    .then(docs[b].updated.cmp(&docs[a].updated))
                    .then(name(a, b))
            }),
        ];
        for (k, o) in orders.iter().enumerate() {
            for (position, i) in o.iter().enumerate() {
                docs[*i as usize].pos[k] = position as u32;
            }
        }
        let vocabulary = super::text::vocabulary(
            words
                .iter()
                .map(String::as_str)
                .chain(tags.iter().map(String::as_str))
                .chain(domains.iter().map(|d| d.2.as_str()))
                .chain(teams.iter().map(|t| t.2.as_str())),
        );
        let by_id = docs.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
        Ok(Index {
            version,
            docs,
            codes,
            doc_tags,
            texts,
            orders,
            by_id,
            domains,
            teams,
            tags,
            vocabulary,
        })
    }

    /// The full-text matches (product ids) as (doc position, relevance).
    pub fn score(&self, matched: &[i64], tokens: &[String]) -> Vec<(usize, f64)> {
        matched
            .iter()
            .filter_map(|id| {
                let i = *self.by_id.get(id)?;
                let t = &self.texts[i];
                let tags = self
                    .tags_of(i)
                    .iter()
                    .map(|t| self.tags[*t as usize].as_str());
                Some((
                    i,
                    super::text::relevance(&t.name_key, &t.summary_key, tags, tokens),
                ))
            })
            .collect()
    }

    /// The result card of the doc at position `i`, as of this index's version.
    pub fn card(&self, i: usize) -> ProductCard {
        let d = &self.docs[i];
        let c = &self.codes[i];
        let t = &self.texts[i];
        let (_, domain_slug, domain_name) = &self.domains[c.domain as usize];
        let (_, team_slug, team_name) = &self.teams[c.team as usize];
        ProductCard {
            id: d.id,
            slug: t.slug.to_string(),
            name: t.name.to_string(),
            summary: t.summary.to_string(),
            kind: KINDS[c.kind as usize]
                .parse()
                .unwrap_or(ProductKind::Aggregate),
            status: STATUSES[c.status as usize]
                .parse()
                .unwrap_or(ProductStatus::Published),
            version: t.version.to_string(),
            domain_slug: domain_slug.clone(),
            domain_name: domain_name.clone(),
            team_slug: team_slug.clone(),
            team_name: team_name.clone(),
            tags: self
                .tags_of(i)
                .iter()
                .map(|t| self.tags[*t as usize].clone())
                .collect(),
            updated_at: t.updated_at,
        }
    }

    /// The tag codes of the doc at position `i`.
    fn tags_of(&self, i: usize) -> &[u32] {
        let c = &self.codes[i];
        &self.doc_tags[c.tags as usize..c.tags as usize + c.tag_count as usize]
    }

    fn order(&self, sort: Sort) -> &[u32] {
        &self.orders[order_of(sort)]
    }

    /// The number of values a facet has (codes are 0..len).
    fn arity(&self, facet: usize) -> usize {
        match facet {
            DOMAIN => self.domains.len(),
            KIND => KINDS.len(),
            STATUS => STATUSES.len(),
            TAG => self.tags.len(),
            TEAM => self.teams.len(),
            PII_F => PII.len(),
            COMPLIANCE_F => COMPLIANCE.len(),
            SLA_F => SLA.len(),
            _ => 0,
        }
    }

    /// The code of a value named in a URL; unknown values get a code that matches nothing.
    fn code(&self, facet: usize, value: &str) -> u32 {
        let found = match facet {
            DOMAIN => self.domains.iter().position(|d| d.1 == value),
            KIND => KINDS.iter().position(|v| *v == value),
            STATUS => STATUSES.iter().position(|v| *v == value),
            TAG => self.tags.iter().position(|t| t == value),
            TEAM => self.teams.iter().position(|t| t.1 == value),
            PII_F => PII.iter().position(|v| *v == value),
            COMPLIANCE_F => COMPLIANCE.iter().position(|v| *v == value),
            _ => SLA.iter().position(|v| *v == value),
        };
        found.map_or(u32::MAX, |i| i as u32)
    }

    fn label(&self, facet: usize, code: usize) -> (String, String) {
        let fixed = |v: &str, l: &str| (v.to_owned(), l.to_owned());
        match facet {
            DOMAIN => (self.domains[code].1.clone(), self.domains[code].2.clone()),
            TEAM => (self.teams[code].1.clone(), self.teams[code].2.clone()),
            TAG => (self.tags[code].clone(), format!("#{}", self.tags[code])),
            KIND => {
                let k: ProductKind = KINDS[code].parse().unwrap_or(ProductKind::Aggregate);
                fixed(KINDS[code], k.label())
            }
            STATUS => {
                let s: ProductStatus = STATUSES[code].parse().unwrap_or(ProductStatus::Published);
                fixed(STATUSES[code], s.label())
            }
            PII_F => fixed(
                PII[code],
                ["Contains personal data", "No personal data"][code],
            ),
            COMPLIANCE_F => fixed(
                COMPLIANCE[code],
                ["Meets all policies", "Fails a policy", "Not evaluated"][code],
            ),
            _ => fixed(
                SLA[code],
                [
                    "99.9 % or more",
                    "99 % to 99.9 %",
                    "Below 99 %",
                    "No availability SLA",
                ][code],
            ),
        }
    }
}

pub fn facet_title(key: &str) -> &'static str {
    match key {
        "domain" => "Domain",
        "kind" => "Type",
        "status" => "Lifecycle",
        "tag" => "Tags",
        "team" => "Owner team",
        "pii" => "Personal data",
        "compliance" => "Compliance",
        _ => "Availability SLA",
    }
}

/// What one run over the index found: the ordered matches and the facet counts.
pub struct Outcome {
    pub ordered: Vec<usize>,
    pub facets: Vec<Facet>,
}

/// Which precomputed order a sort uses (relevance without text is popularity).
fn order_of(sort: Sort) -> usize {
    match sort {
        Sort::Relevance | Sort::Subscribed => BY_POPULARITY,
        Sort::Name => BY_NAME,
        Sort::Newest => BY_NEWEST,
    }
}

/// Filters, counts and sorts. `matches` holds the full-text matches as (doc position, relevance) (None: no
/// text, everything matches). A facet's counts apply every other facet's selection but not its own (several
/// values of one facet are alternatives), so each count says how many results choosing that value gives.
pub fn run(
    index: &Index,
    viewer: &Viewer,
    request: &SearchRequest,
    matches: Option<&[(usize, f64)]>,
) -> Outcome {
    let selected: Vec<Vec<u32>> = FACETS
        .iter()
        .enumerate()
        .map(|(f, key)| {
            request
                .values(key)
                .iter()
                .map(|v| index.code(f, v))
                .collect()
        })
        .collect();
    // Per facet, which codes pass (None: every code). Retired products only when the lifecycle asks for them.
    let allowed: Vec<Option<Vec<bool>>> = (0..FACETS.len())
        .map(|f| {
            let arity = index.arity(f);
            if selected[f].is_empty() {
                return (f == STATUS).then(|| (0..arity).map(|c| c != RETIRED).collect());
            }
            let mut pass = vec![false; arity];
            for code in &selected[f] {
                if let Some(p) = pass.get_mut(*code as usize) {
                    *p = true;
                }
            }
            Some(pass)
        })
        .collect();
    // Drafts only for their own team (or admins), by team code.
    let drafts_of_team: Vec<bool> = index
        .teams
        .iter()
        .map(|t| viewer.is_admin || viewer.team_ids.contains(&t.0))
        .collect();
    let mut counts: Vec<Vec<u64>> = (0..FACETS.len()).map(|f| vec![0; index.arity(f)]).collect();
    let mut scan = |i: usize| -> bool {
        let c = &index.codes[i];
        if c.status == DRAFT && !drafts_of_team[c.team as usize] {
            return false;
        }
        let tags = index.tags_of(i);
        let mut failed = None;
        let mut failures = 0;
        for (f, pass) in allowed.iter().enumerate() {
            let Some(pass) = pass else { continue };
            let ok = if f == TAG {
                tags.iter().any(|t| pass[*t as usize])
            } else {
                pass[c.single(f) as usize]
            };
            if !ok {
                failures += 1;
                failed = Some(f);
                if failures > 1 {
                    return false;
                }
            }
        }
        let mut count = |f: usize| {
            if f == TAG {
                for t in tags {
                    counts[TAG][*t as usize] += 1;
                }
            } else {
                counts[f][c.single(f) as usize] += 1;
            }
        };
        match failed {
            None => {
                (0..FACETS.len()).for_each(&mut count);
                true
            }
            Some(f) => {
                count(f);
                false
            }
        }
    };
    let docs = &index.docs;
    let ordered: Vec<usize> = match matches {
        Some(m) => {
            let mut found: Vec<(usize, f64)> = m
                .iter()
                .copied()
                .filter(|(i, _)| *i < docs.len() && scan(*i))
                .collect();
            match request.sort {
                Sort::Relevance => found.sort_by(|(a, sa), (b, sb)| {
                    sb.total_cmp(sa)
                        .then(docs[*a].pos[BY_POPULARITY].cmp(&docs[*b].pos[BY_POPULARITY]))
                }),
                other => {
                    let k = order_of(other);
                    found.sort_unstable_by_key(|(i, _)| docs[*i].pos[k]);
                }
            }
            found.into_iter().map(|(i, _)| i).collect()
        }
        None => {
            // Scan the compact rows front to back, then walk the sort's precomputed order: no sort needed.
            let mut hit = vec![0u64; docs.len().div_ceil(64)];
            let mut n = 0;
            for i in 0..docs.len() {
                if scan(i) {
                    hit[i / 64] |= 1 << (i % 64);
                    n += 1;
                }
            }
            let mut ordered = Vec::with_capacity(n);
            ordered.extend(
                index
                    .order(request.sort)
                    .iter()
                    .map(|i| *i as usize)
                    .filter(|i| hit[i / 64] & (1 << (i % 64)) != 0),
            );
            ordered
        }
    };
    let facets = FACETS
        .iter()
        .enumerate()
        .map(|(f, key)| {
            let mut values: Vec<FacetValue> = counts[f]
                .iter()
                .enumerate()
                .filter(|(code, n)| **n > 0 || selected[f].contains(&(*code as u32)))
                .map(|(code, n)| {
                    let (value, label) = index.label(f, code);
                    FacetValue {
                        selected: selected[f].contains(&(code as u32)),
                        value,
                        label,
                        count: *n,
                    }
                })
                .collect();
            // Selected values that match nothing known still show, so they can be removed.
            for v in request.values(key) {
                if index.code(f, &v) == u32::MAX {
                    values.push(FacetValue {
                        value: v.clone(),
                        label: v.clone(),
                        count: 0,
                        selected: true,
                    });
                }
            }
            if matches!(f, DOMAIN | TAG | TEAM) {
                values.sort_by(|a, b| {
                    b.selected
                        .cmp(&a.selected)
                        .then(b.count.cmp(&a.count))
                        .then(a.label.cmp(&b.label))
                });
            }
            let total_values = values.len();
            if f == TAG {
                values.truncate(20.max(values.iter().filter(|v| v.selected).count()));
            }
            Facet {
                key: (*key).to_owned(),
                title: facet_title(key).to_owned(),
                values,
                more: total_values.saturating_sub(20),
            }
        })
        .collect();
    Outcome { ordered, facets }
}

/// Curated rows for the home page: positions of visible, listed products (published or deprecated).
pub fn curated(
    index: &Index,
    pick: impl Fn(&Doc, &Codes) -> bool,
    order: Sort,
    limit: usize,
) -> Vec<usize> {
    index
        .order(order)
        .iter()
        .map(|i| *i as usize)
        .filter(|i| {
            let c = &index.codes[*i];
            (c.status == 1 || c.status == 2) && pick(&index.docs[*i], c)
        })
        .take(limit)
        .collect()
}

/// Listed products whose compliance is passing.
pub fn is_trusted(_: &Doc, c: &Codes) -> bool {
    c.compliance == 0
}

pub fn is_published(d: &Doc, _: &Codes) -> bool {
    d.published != i64::MIN
}
