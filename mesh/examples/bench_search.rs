//! Search latency at scale: runs a mix of marketplace searches (free text, facets, sorts, deep pages) through the
//! same `Searcher` the server uses, with facet counts, and prints p50 / p90 / p99 / max. Each search is computed in
//! full (no recent-results reuse).
//!
//! `cargo run --release -p mesh --example bench_search -- DATABASE_URL [ROUNDS]` on a database filled by
//! `agora seed --products N` (`make bench` does both, on SQLite and PostgreSQL).
use std::time::{Duration, Instant};

use mesh::access::Viewer;
use mesh::db::{connect, PoolSettings};
use mesh::search::{SearchRequest, Searcher};
use sea_orm::{ConnectionTrait, Statement};

// The server's allocator, so the figures are the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

async fn first_values(
    db: &impl ConnectionTrait,
    sql: &str,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or("usage: bench_search DATABASE_URL [ROUNDS]")?;
    let rounds: usize = args.next().map_or(Ok(20), |r| r.parse())?;
    let db = connect(&url, &PoolSettings::default()).await?;
    let backend = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "PostgreSQL",
        _ => "SQLite",
    };
    let products = first_values(&db, "SELECT CAST(COUNT(*) AS TEXT) FROM data_products").await?;
    let domains = first_values(&db, "SELECT slug FROM domains ORDER BY id DESC LIMIT 5").await?;
    let teams = first_values(&db, "SELECT slug FROM teams ORDER BY id DESC LIMIT 3").await?;
    let domain = domains.first().cloned().unwrap_or_default();
    let other_domain = domains.get(1).cloned().unwrap_or_default();
    let team = teams.first().cloned().unwrap_or_default();

    // The mix a marketplace sees: browsing, one and two words, prefixes, facets, sorts, deep pages, misses.
    let queries: Vec<String> = vec![
        String::new(),
        "q=customer".into(),
        "q=order+events".into(),
        "q=invoice+amount_eur".into(),
        "q=ship".into(),
        "q=churn&sort=subscribed".into(),
        "q=gdpr&pii=yes".into(),
        "q=%22daily+snapshot%22".into(),
        "q=payment&status=published&kind=aggregate".into(),
        format!("domain={domain}"),
        format!("domain={domain}&domain={other_domain}&tag=kpi"),
        format!("q=customer&domain={domain}&sla=99.9"),
        format!("team={team}&sort=name"),
        "tag=gdpr&pii=yes&sort=newest".into(),
        "compliance=passing&sort=subscribed".into(),
        "status=deprecated&sort=name&page=3".into(),
        "sort=name&page=2000".into(),
        "q=forecast&page=20".into(),
        "q=zzzqqq+nothing".into(),
        "q=custmer".into(),
    ];
    // Every search computed in full: the server also keeps its 32 most recent results, which this leaves out.
    let searcher = Searcher::with_recent_results(0);
    let viewer = Viewer::anonymous();

    let started = Instant::now();
    let first = searcher
        .search(&db, &viewer, &SearchRequest::from_query(""))
        .await?;
    let load = started.elapsed();

    let mut all = Vec::with_capacity(rounds * queries.len());
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); queries.len()];
    let mut totals = vec![0usize; queries.len()];
    for _ in 0..rounds {
        for (i, q) in queries.iter().enumerate() {
            let request = SearchRequest::from_query(q);
            let t = Instant::now();
            let results = searcher.search(&db, &viewer, &request).await?;
            let took = t.elapsed();
            totals[i] = results.total;
            all.push(took);
            per_query[i].push(took);
        }
    }
    all.sort();
    println!(
        "search on {backend}: {} products, {} listed to anonymous visitors; facet cache loaded in {:.0} ms",
        products.first().map_or("?", String::as_str),
        first.total,
        load.as_secs_f64() * 1000.0
    );
    println!(
        "  {} searches ({} kinds x {rounds}): p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        all.len(),
        queries.len(),
        percentile(&all, 50.0),
        percentile(&all, 90.0),
        percentile(&all, 99.0),
        percentile(&all, 100.0),
    );
    if std::env::var_os("BENCH_VERBOSE").is_some() {
        for (i, q) in queries.iter().enumerate() {
            per_query[i].sort();
            println!(
                "    p50 {:>7.2} ms  p99 {:>7.2} ms  {:>6} results  /products?{q}",
                percentile(&per_query[i], 50.0),
                percentile(&per_query[i], 99.0),
                totals[i]
            );
        }
    }
    Ok(())
}
