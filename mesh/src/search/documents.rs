//! Keeping the search documents in step with the products: `reindex` rebuilds the documents (and the full-text
//! rows) of some products and bumps the version that tells every instance its facet cache is stale.
use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Set, Statement,
    Value,
};

use crate::entity::prelude::*;
use crate::error::Result;
use crate::kinds::{Outcome, SubscriptionStatus};

/// The docs are indexed up to this many characters.
const MAX_BODY_CHARS: usize = 30_000;

/// The availability tier a product's SLA puts it in.
pub fn sla_tier(availability: Option<f64>) -> &'static str {
    match availability {
        Some(a) if a >= 99.9 => "99.9",
        Some(a) if a >= 99.0 => "99",
        Some(_) => "lower",
        None => "none",
    }
}

/// Rebuilds the search documents of these products (all of them for a full rebuild).
pub async fn reindex(db: &impl ConnectionTrait, product_ids: &[i64]) -> Result<()> {
    if product_ids.is_empty() {
        return Ok(());
    }
    let domains: HashMap<i64, domain::Model> = Domain::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    for chunk in product_ids.chunks(500) {
        let ids = chunk.to_vec();
        let products = DataProduct::find()
            .filter(data_product::Column::Id.is_in(ids.clone()))
            .all(db)
            .await?;
        let teams: HashMap<i64, team::Model> = Team::find()
            .filter(team::Column::Id.is_in(products.iter().map(|p| p.owner_team_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
        for (pt, t) in ProductTag::find()
            .find_also_related(Tag)
            .filter(product_tag::Column::ProductId.is_in(ids.clone()))
            .all(db)
            .await?
        {
            if let Some(t) = t {
                tags.entry(pt.product_id).or_default().push(t.name);
            }
        }
        let contracts = DataContract::find()
            .filter(data_contract::Column::ProductId.is_in(ids.clone()))
            .all(db)
            .await?;
        let contract_product: HashMap<i64, i64> =
            contracts.iter().map(|c| (c.id, c.product_id)).collect();
        let mut columns: HashMap<i64, String> = HashMap::new();
        for p in ContractProperty::find()
            .filter(contract_property::Column::ContractId.is_in(contract_product.keys().copied()))
            .all(db)
            .await?
        {
            let Some(product) = contract_product.get(&p.contract_id) else {
                continue;
            };
            let text = columns.entry(*product).or_default();
            text.push_str(&p.name);
            if let Some(b) = &p.business_name {
                text.push_str(": ");
                text.push_str(b);
            }
            if !p.description.is_empty() {
                text.push_str(" — ");
                text.push_str(&p.description);
            }
            text.push('\n');
        }
        let mut ports: HashMap<i64, Vec<String>> = HashMap::new();
        for port in OutputPort::find()
            .filter(output_port::Column::ProductId.is_in(ids.clone()))
            .all(db)
            .await?
        {
            ports
                .entry(port.product_id)
                .or_default()
                .push(format!("{} {}", port.name, port.description));
        }
        // passing: no failing check; failing: at least one; unknown: not evaluated (retired, or no policy).
        let mut compliance: HashMap<i64, &'static str> = HashMap::new();
        for e in Evaluation::find()
            .filter(evaluation::Column::ProductId.is_in(ids.clone()))
            .all(db)
            .await?
        {
            let c = compliance.entry(e.product_id).or_insert("passing");
            if e.outcome == Outcome::Fail {
                *c = "failing";
            }
        }
        let mut subscribers: HashMap<i64, i32> = HashMap::new();
        for s in Subscription::find()
            .filter(subscription::Column::ProductId.is_in(ids.clone()))
            .filter(subscription::Column::Status.eq(SubscriptionStatus::Approved))
            .all(db)
            .await?
        {
            *subscribers.entry(s.product_id).or_default() += 1;
        }

        let docs: Vec<search_document::Model> = products
            .into_iter()
            .map(|p| {
                let domain = domains.get(&p.domain_id);
                let team = teams.get(&p.owner_team_id);
                let mut body: String = p.description.chars().take(MAX_BODY_CHARS).collect();
                for extra in [
                    domain.map(|d| d.name.as_str()),
                    team.map(|t| t.name.as_str()),
                ]
                .into_iter()
                .flatten()
                {
                    body.push('\n');
                    body.push_str(extra);
                }
                for port in ports.remove(&p.id).unwrap_or_default() {
                    body.push('\n');
                    body.push_str(&port);
                }
                let mut product_tags = tags.remove(&p.id).unwrap_or_default();
                product_tags.sort();
                search_document::Model {
                    product_id: p.id,
                    domain_id: p.domain_id,
                    team_id: p.owner_team_id,
                    kind: p.kind.as_str().to_owned(),
                    status: p.status.as_str().to_owned(),
                    name: p.name,
                    summary: p.summary,
                    tags: product_tags.join(" "),
                    columns: columns.remove(&p.id).unwrap_or_default(),
                    body,
                    has_pii: p.has_pii,
                    compliance: compliance
                        .get(&p.id)
                        .copied()
                        .unwrap_or("unknown")
                        .to_owned(),
                    sla_tier: sla_tier(p.sla_availability).to_owned(),
                    subscribers: subscribers.get(&p.id).copied().unwrap_or(0),
                    published_at: p.published_at,
                    updated_at: p.updated_at,
                }
            })
            .collect();
        write(db, &ids, docs).await?;
    }
    bump_version(db).await
}

/// Replaces the documents of `ids` by `docs`, and their full-text rows (FTS5 on SQLite, vectors on PostgreSQL).
pub async fn write(
    db: &impl ConnectionTrait,
    ids: &[i64],
    docs: Vec<search_document::Model>,
) -> Result<()> {
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    SearchDocument::delete_many()
        .filter(search_document::Column::ProductId.is_in(ids.to_vec()))
        .exec(db)
        .await?;
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    if list.is_empty() {
        return Ok(());
    }
    if sqlite {
        db.execute_unprepared(&format!("DELETE FROM search_fts WHERE rowid IN ({list})"))
            .await?;
    } else {
        db.execute_unprepared(&format!(
            "DELETE FROM search_vectors WHERE product_id IN ({list})"
        ))
        .await?;
    }
    for batch in docs.chunks(200) {
        if sqlite {
            let mut sql = String::from(
                "INSERT INTO search_fts (rowid, name, summary, tags, columns, body) VALUES ",
            );
            let mut values: Vec<Value> = Vec::with_capacity(batch.len() * 6);
            for (i, d) in batch.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str("(?, ?, ?, ?, ?, ?)");
                values.extend([
                    d.product_id.into(),
                    d.name.clone().into(),
                    d.summary.clone().into(),
                    d.tags.clone().into(),
                    d.columns.clone().into(),
                    d.body.clone().into(),
                ]);
            }
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                sql,
                values,
            ))
            .await?;
        }
        let rows: Vec<search_document::ActiveModel> = batch
            .iter()
            .cloned()
            .map(|d| search_document::ActiveModel {
                product_id: Set(d.product_id),
                domain_id: Set(d.domain_id),
                team_id: Set(d.team_id),
                kind: Set(d.kind),
                status: Set(d.status),
                name: Set(d.name),
                summary: Set(d.summary),
                tags: Set(d.tags),
                columns: Set(d.columns),
                body: Set(d.body),
                has_pii: Set(d.has_pii),
                compliance: Set(d.compliance),
                sla_tier: Set(d.sla_tier),
                subscribers: Set(d.subscribers),
                published_at: Set(d.published_at),
                updated_at: Set(d.updated_at),
            })
            .collect();
        if !rows.is_empty() {
            SearchDocument::insert_many(rows)
                .exec_without_returning(db)
                .await?;
        }
    }
    if !sqlite {
        // One vector over all the text, without word positions: relevance is computed by `text::relevance`,
        // not by PostgreSQL, and a smaller vector means fewer heap pages to visit per search.
        db.execute_unprepared(&format!(
            "INSERT INTO search_vectors (product_id, tsv) SELECT product_id, strip(to_tsvector('english', \
             name || ' ' || summary || ' ' || tags || ' ' || columns || ' ' || body)) \
             FROM search_documents WHERE product_id IN ({list})"
        ))
        .await?;
    }
    Ok(())
}

/// Tells every instance that the documents changed.
pub async fn bump_version(db: &impl ConnectionTrait) -> Result<()> {
    super::note_local_change();
    db.execute_unprepared("UPDATE search_meta SET version = version + 1 WHERE id = 1")
        .await?;
    Ok(())
}

/// Products without a search document (e.g. created before search existed), indexed at start-up.
pub async fn reindex_missing(db: &impl ConnectionTrait) -> Result<usize> {
    let indexed: std::collections::HashSet<i64> = SearchDocument::find()
        .select_only()
        .column(search_document::Column::ProductId)
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let missing: Vec<i64> = DataProduct::find()
        .select_only()
        .column(data_product::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .filter(|id| !indexed.contains(id))
        .collect();
    reindex(db, &missing).await?;
    Ok(missing.len())
}
