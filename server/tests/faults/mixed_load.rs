//! Scenario 5, mixed load at a fixed rate for a bounded time: reads (home, search with facets, product tabs,
//! governance pages, the search API) and writes (access requests, approvals and cancellations, quality pushes,
//! product edits) are started on a schedule whatever the server's pace (open loop), so a slow answer shows in the
//! latencies instead of slowing the load. Asserts no error (no 5xx, no failed connection, every write
//! acknowledged) and no lost write; prints p50/p99 per kind of request and the server's memory (VmRSS) at the
//! start and the end.
//!
//! Knobs: `AGORA_MIXED_SECONDS` (default 20), `AGORA_MIXED_READS` and `AGORA_MIXED_WRITES` per second (20 and
//! 4: what the debug build serves on two cores with room to spare; at 40 + 8 it keeps up on an idle machine but
//! falls behind, queues and sheds load with 503s as soon as anything else needs the CPU). `make bench` runs it for 10 minutes at 200 reads and 20 writes a second on the release build.
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mesh::entity::prelude::*;
use mesh::kinds::{ProductStatus, SubscriptionStatus};
use mesh::testing::{databases, TestDb};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::*;

const READS: &[(&str, &str)] = &[
    ("home", "/"),
    ("search page with facets", "/products?q=orders&pii=yes"),
    ("search page", "/products?q=customer"),
    ("search API", "/api/v1/search?q=revenue"),
    ("product overview", "/products/sales/customer-orders"),
    (
        "product schema tab",
        "/products/sales/customer-orders/schema",
    ),
    (
        "product quality tab",
        "/products/marketing/campaign-performance/quality",
    ),
    (
        "product contract tab",
        "/products/finance/fx-rates/contract",
    ),
    ("governance", "/governance"),
    ("domain compliance", "/governance/domains/sales"),
];

/// Where quality runs are pushed and which products are edited: a product in each domain, as the pipelines and
/// owners of a whole mesh would (each domain's governance tally takes its own lock, so writes spread over domains
/// overlap where writes to one domain queue).
const QUALITY_TARGETS: &[&str] = &[
    "marketing/campaign-performance",
    "sales/customer-orders",
    "finance/fx-rates",
    "payments/payment-transactions",
    "logistics/shipments",
    "customer-service/support-tickets",
    "people/headcount",
];
const EDIT_TARGETS: &[&str] = &[
    "marketing/customer-segments",
    "sales/daily-revenue",
    "finance/general-ledger",
    "payments/chargebacks",
    "logistics/returns",
    "customer-service/ticket-topics",
    "people/hiring-funnel",
];

/// The next write of one port's access cycle: request, approve (manual ports), cancel, request again...
#[derive(Clone, Debug)]
enum Step {
    Request(PortRef),
    Approve(i64, PortRef),
    Cancel(i64, PortRef),
}

#[derive(Clone, Debug)]
struct PortRef {
    product: String,
    port: String,
}

#[derive(Default)]
struct Figures {
    samples: Mutex<BTreeMap<&'static str, Vec<Duration>>>,
    errors: Mutex<Vec<String>>,
    quality_runs: Mutex<Vec<i64>>,
    edits: Mutex<usize>,
    cancelled: Mutex<Vec<i64>>,
    requested: Mutex<Vec<i64>>,
}

impl Figures {
    fn sample(&self, kind: &'static str, took: Duration) {
        self.samples
            .lock()
            .unwrap()
            .entry(kind)
            .or_default()
            .push(took);
    }

    fn error(&self, what: String) {
        self.errors.lock().unwrap().push(what);
    }
}

struct Load {
    http: reqwest::Client,
    base: String,
    consumer: Api,
    admin: Api,
    steps: Mutex<VecDeque<Step>>,
    figures: Figures,
}

impl Load {
    async fn read(&self, n: usize) {
        let (kind, path) = READS[n % READS.len()];
        let started = Instant::now();
        let accept = if path.starts_with("/api/") {
            "application/json"
        } else {
            "text/html"
        };
        match self
            .http
            .get(format!("{}{path}", self.base))
            .header("accept", accept)
            .send()
            .await
        {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.bytes().await;
                self.figures.sample(kind, started.elapsed());
                if status != 200 || body.is_err() {
                    self.figures.error(format!("{kind} {path}: {status}"));
                }
            }
            Err(e) => self.figures.error(format!("{kind} {path}: {e}")),
        }
    }

    /// Runs `call`, records its time under `kind`; the body if the answer was 2xx.
    async fn write(
        &self,
        kind: &'static str,
        call: impl std::future::Future<Output = Result<Answer, reqwest::Error>>,
    ) -> Option<serde_json::Value> {
        let started = Instant::now();
        match call.await {
            Ok((status, body)) => {
                self.figures.sample(kind, started.elapsed());
                if (200..300).contains(&status) {
                    Some(body)
                } else {
                    self.figures.error(format!("{kind}: {status} {body}"));
                    None
                }
            }
            Err(e) => {
                self.figures.error(format!("{kind}: {e}"));
                None
            }
        }
    }

    async fn quality(&self, n: usize) {
        let body = json!({"result": if n.is_multiple_of(5) { "warning" } else { "passed" }, "runId": format!("mixed-{n}"),
                          "checks": [{"name": "row_count > 0", "result": "passed"}]});
        let target = QUALITY_TARGETS[n % QUALITY_TARGETS.len()];
        let path = format!("/products/{target}/quality-results");
        if let Some(run) = self
            .write("write: quality push", self.admin.post(&path, &body))
            .await
        {
            self.figures
                .quality_runs
                .lock()
                .unwrap()
                .push(run["id"].as_i64().unwrap_or(-1));
        }
    }

    async fn edit(&self, n: usize) {
        let body =
            json!({"summary": format!("Edited by the mixed load of the fault suite (edit {n}).")});
        let path = format!("/products/{}", EDIT_TARGETS[n % EDIT_TARGETS.len()]);
        if self
            .write("write: product edit", self.admin.patch(&path, &body))
            .await
            .is_some()
        {
            *self.figures.edits.lock().unwrap() += 1;
        }
    }

    /// The next step of some port's access cycle (a quality push when every port's step is under way).
    async fn subscription(&self, n: usize) {
        let step = self.steps.lock().unwrap().pop_front();
        let Some(step) = step else {
            return self.quality(n).await;
        };
        let next = match step {
            Step::Request(port) => {
                let body = json!({"product": port.product, "port": port.port, "consumerTeam": "cx-insights",
                                  "purpose": "Mixed load: asked for, approved and given back again.", "acceptTerms": true});
                match self
                    .write(
                        "write: access request",
                        self.consumer.post("/subscriptions", &body),
                    )
                    .await
                {
                    Some(sub) => {
                        let id = sub["id"].as_i64().unwrap_or(-1);
                        self.figures.requested.lock().unwrap().push(id);
                        if sub["status"] == "requested" {
                            Some(Step::Approve(id, port))
                        } else {
                            Some(Step::Cancel(id, port))
                        }
                    }
                    None => None,
                }
            }
            Step::Approve(id, port) => self
                .write(
                    "write: approval",
                    self.admin
                        .post(&format!("/subscriptions/{id}/approve"), &json!({})),
                )
                .await
                .map(|_| Step::Cancel(id, port)),
            Step::Cancel(id, port) => self
                .write(
                    "write: cancellation",
                    self.consumer
                        .post(&format!("/subscriptions/{id}/cancel"), &json!({})),
                )
                .await
                .map(|_| {
                    self.figures.cancelled.lock().unwrap().push(id);
                    Step::Request(port)
                }),
        };
        // A failed step is an error already; its port leaves the cycle.
        if let Some(next) = next {
            self.steps.lock().unwrap().push_back(next);
        }
    }

    async fn write_number(&self, n: usize) {
        match n % 4 {
            0 => self.quality(n).await,
            1 => self.edit(n).await,
            _ => self.subscription(n).await,
        }
    }
}

/// Published ports CX Insights has no open request or access for (the first few): each runs its own access
/// cycle.
async fn free_ports(db: &TestDb) -> Vec<PortRef> {
    let team = Team::find()
        .filter(team::Column::Slug.eq("cx-insights"))
        .one(&db.db)
        .await
        .unwrap()
        .unwrap();
    let open: Vec<i64> = Subscription::find()
        .filter(subscription::Column::ConsumerTeamId.eq(team.id))
        .filter(
            subscription::Column::Status
                .is_in([SubscriptionStatus::Requested, SubscriptionStatus::Approved]),
        )
        .all(&db.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.port_id)
        .collect();
    let domains: HashMap<i64, String> = Domain::find()
        .all(&db.db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.id, d.slug))
        .collect();
    let products: HashMap<i64, data_product::Model> = DataProduct::find()
        .filter(data_product::Column::Status.eq(ProductStatus::Published))
        .all(&db.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut ports: Vec<PortRef> = OutputPort::find()
        .all(&db.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| !open.contains(&p.id))
        .filter_map(|p| {
            let product = products.get(&p.product_id)?;
            Some(PortRef {
                product: format!("{}/{}", domains[&product.domain_id], product.slug),
                port: p.slug,
            })
        })
        .collect();
    ports.sort_by(|a, b| (&a.product, &a.port).cmp(&(&b.product, &b.port)));
    // A few ports, so each goes round its whole cycle (request, approval, cancellation) many times.
    ports.truncate(PORTS_IN_CYCLE);
    ports
}

const PORTS_IN_CYCLE: usize = 8;

async fn edits_recorded(db: &TestDb) -> usize {
    let slugs: Vec<&str> = EDIT_TARGETS
        .iter()
        .map(|t| t.split_once('/').unwrap().1)
        .collect();
    let mut recorded = 0;
    for product in DataProduct::find()
        .filter(data_product::Column::Slug.is_in(slugs))
        .all(&db.db)
        .await
        .unwrap()
    {
        recorded += audit_count(db, "product.edited", "data_product", product.id).await;
    }
    recorded
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mixed_load_at_a_fixed_rate_has_no_errors_and_loses_no_write() {
    let seconds = env_number("AGORA_MIXED_SECONDS", 20);
    let reads_per_second = env_number("AGORA_MIXED_READS", 20).max(1);
    let writes_per_second = env_number("AGORA_MIXED_WRITES", 4).max(1);
    let _one = one_at_a_time().await;
    for db in databases().await {
        let label = db.label;
        prepare(&db);
        let ports = free_ports(&db).await;
        let (consumer, admin) = (
            cli_token(&db.url, CONSUMER, &[Scope::Read, Scope::Write]),
            cli_token(&db.url, ADMIN, &[Scope::Read, Scope::Write, Scope::Results]),
        );
        let server = Server::start(&db.url, &[]).await;
        let load = Arc::new(Load {
            http: client(),
            base: server.url(""),
            consumer: Api::new(&server, &consumer),
            admin: Api::new(&server, &admin),
            steps: Mutex::new(ports.iter().cloned().map(Step::Request).collect()),
            figures: Figures::default(),
        });
        let edits_before = edits_recorded(&db).await;
        // One request of each kind first, so the figures are not the first render's.
        for n in 0..READS.len() {
            load.read(n).await;
        }
        load.figures.samples.lock().unwrap().clear();
        let rss_start = server.rss_kib();

        let duration = Duration::from_secs(seconds);
        let started = Instant::now();
        let spawn_at = |per_second: u64, reads: bool| {
            let load = load.clone();
            tokio::spawn(async move {
                let mut tick =
                    tokio::time::interval(Duration::from_secs_f64(1.0 / per_second as f64));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
                let mut tasks = tokio::task::JoinSet::new();
                let total = (per_second * duration.as_secs()) as usize;
                for n in 0..total {
                    tick.tick().await;
                    let load = load.clone();
                    tasks.spawn(async move {
                        if reads {
                            load.read(n).await
                        } else {
                            load.write_number(n).await
                        }
                    });
                }
                while tasks.join_next().await.is_some() {}
            })
        };
        let readers = spawn_at(reads_per_second, true);
        let writers = spawn_at(writes_per_second, false);
        readers.await.expect("reads");
        writers.await.expect("writes");
        let took = started.elapsed();
        let rss_end = server.rss_kib();

        // Nothing acknowledged is lost.
        let runs = load.figures.quality_runs.lock().unwrap().clone();
        let mut lost = Vec::new();
        for id in &runs {
            if QualityRun::find_by_id(*id)
                .one(&db.db)
                .await
                .unwrap()
                .is_none()
            {
                lost.push(format!("quality run {id}"));
            }
        }
        let requested = load.figures.requested.lock().unwrap().clone();
        let cancelled = load.figures.cancelled.lock().unwrap().clone();
        for id in &requested {
            match Subscription::find_by_id(*id).one(&db.db).await.unwrap() {
                None => lost.push(format!("subscription {id}")),
                Some(s) if cancelled.contains(id) && s.status != SubscriptionStatus::Cancelled => {
                    lost.push(format!("cancellation of subscription {id}"))
                }
                Some(_) => {}
            }
        }
        let edits = *load.figures.edits.lock().unwrap();
        let recorded = edits_recorded(&db).await - edits_before;
        // More recorded than acknowledged is no loss: an edit whose answer (read after the commit) could not be
        // made answered 503 although it was saved.
        if recorded < edits {
            lost.push(format!("{edits} edits acknowledged, {recorded} recorded"));
        }

        let errors = load.figures.errors.lock().unwrap().clone();
        let mut samples = std::mem::take(&mut *load.figures.samples.lock().unwrap());
        let (reads, writes): (usize, usize) = samples.iter().fold((0, 0), |(r, w), (k, v)| {
            if k.starts_with("write") {
                (r, w + v.len())
            } else {
                (r + v.len(), w)
            }
        });
        println!(
            "{label}: mixed load {seconds} s at {reads_per_second} reads/s + {writes_per_second} writes/s (done in \
             {took:.1?}): {reads} reads, {writes} writes ({} quality runs, {edits} edits, {} access requests, {} \
             cancellations over {} ports), {} errors, {} lost writes; VmRSS {} MiB at the start, {} MiB at the end",
            runs.len(),
            requested.len(),
            cancelled.len(),
            ports.len(),
            errors.len(),
            lost.len(),
            rss_start / 1024,
            rss_end / 1024,
        );
        for (kind, took) in samples.iter_mut() {
            let n = took.len();
            let (p50, p99) = (percentile(took, 50.0), percentile(took, 99.0));
            println!(
                "{label}:   {kind:<26} {n:>6}  p50 {:>9}  p99 {:>9}",
                ms(p50),
                ms(p99)
            );
        }
        assert!(
            errors.is_empty(),
            "{label}: {} errors, first: {:?}; lost writes: {lost:?}",
            errors.len(),
            &errors[..errors.len().min(10)]
        );
        assert!(lost.is_empty(), "{label}: lost writes: {lost:?}");
        server.assert_no_panic(label);
    }
}
