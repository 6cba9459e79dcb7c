//! What the tests of `mesh` and of the server share: fresh, migrated databases (a SQLite file always, and a
//! PostgreSQL database of its own when `TEST_DATABASE_URL` is set; each removed when its guard is dropped), the
//! people of the demo mesh they act as ([`people`]), and the [`viewer`] of one of them. HTTP-level helpers (signed-in
//! clients, API tokens) live with the server's tests, in `server/tests/common/`.
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::access::Viewer;
use crate::db::{self, PoolSettings};

/// The people of the demo mesh (`seed/demo.yaml`) the tests act as, each with what makes them useful to a test;
/// `people_are_who_the_tests_think` checks it against the seed.
pub mod people {
    /// Ana Ortega: a consumer, member of CX Insights (the team of the draft Churn Risk Scores); owns no team and
    /// is neither admin nor steward.
    pub const ANA: &str = "ana.ortega@northwind.example";
    /// Daniel Okafor: owns Marketing Analytics, the team that owns the Marketing domain.
    pub const DAN: &str = "dan.okafor@northwind.example";
    /// Isabel Costa: owns CX Insights.
    pub const ISABEL: &str = "isabel.costa@northwind.example";
    /// Lena Fischer: member of Marketing Analytics (not its owner).
    pub const LENA: &str = "lena.fischer@northwind.example";
    /// Marcus Bell: owns Sales Operations, which produces Customer Orders (its `api` port is approved by hand).
    pub const MARCUS: &str = "marcus.bell@northwind.example";
    /// Sofia Lind: data steward.
    pub const SOFIA: &str = "sofia.lind@northwind.example";
    /// Priya Raman: platform admin.
    pub const PRIYA: &str = "priya.raman@northwind.example";
}

/// The viewer a seeded person signs in as (their teams and roles), for calling `mesh` as them; panics, naming
/// them, when they are not in the database.
pub async fn viewer(db: &impl ConnectionTrait, email: &str) -> Viewer {
    let user = crate::access::identity::find_by_email(db, email)
        .await
        .unwrap_or_else(|e| panic!("no seeded user {email}: {e}"));
    crate::access::viewer_for(db, &user)
        .await
        .unwrap_or_else(|e| panic!("the viewer of {email}: {e}"))
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "agora_t_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// One test database. `url` can be handed to a server under test.
pub struct TestDb {
    pub label: &'static str,
    pub url: String,
    pub db: DatabaseConnection,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// An empty SQLite file in the temp folder, migrated.
    pub async fn sqlite() -> TestDb {
        Self::new_sqlite(true).await
    }

    /// A new database on the server named by `TEST_DATABASE_URL`, migrated; `None` when it is not set.
    pub async fn postgres() -> Option<TestDb> {
        Self::new_postgres(true).await
    }

    /// An empty SQLite file without any schema (e.g. to load an older release's database into).
    pub async fn sqlite_empty() -> TestDb {
        Self::new_sqlite(false).await
    }

    /// A new PostgreSQL database without any schema; `None` when `TEST_DATABASE_URL` is not set.
    pub async fn postgres_empty() -> Option<TestDb> {
        Self::new_postgres(false).await
    }

    async fn new_sqlite(migrate: bool) -> TestDb {
        let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
        let url = format!("sqlite://{}", path.display());
        let db = open(&url, migrate).await;
        TestDb {
            label: "sqlite",
            url,
            db,
            cleanup: Cleanup::Sqlite(path),
        }
    }

    async fn new_postgres(migrate: bool) -> Option<TestDb> {
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = unique_name();
        let admin = sea_orm::Database::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("TEST_DATABASE_URL does not answer: {e}"));
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create test database");
        admin.close().await.ok();
        let url = with_database(&admin_url, &name);
        let db = open(&url, migrate).await;
        Some(TestDb {
            label: "postgres",
            url,
            db,
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }
}

async fn open(url: &str, migrate: bool) -> DatabaseConnection {
    let settings = PoolSettings {
        max_connections: 8,
        ..Default::default()
    };
    let db = db::connect(url, &settings)
        .await
        .expect("open test database");
    if migrate {
        db::migrate(&db).await.expect("migrate test database");
    }
    db
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A digest of every row of every table (one per table, so a failure names the table), to prove that a
/// refused request changed nothing.
pub async fn fingerprint(
    db: &DatabaseConnection,
) -> std::collections::BTreeMap<&'static str, String> {
    use crate::entity::prelude::*;
    use sea_orm::{EntityTrait, QueryOrder};
    macro_rules! rows {
        ($($entity:ident),+) => {{
            let mut out = std::collections::BTreeMap::new();
            $(
                let all = $entity::find()
                    .order_by_asc(<$entity as EntityTrait>::PrimaryKey::iter().next().expect("a primary key").into_column())
                    .all(db)
                    .await
                    .expect("read table");
                out.insert(
                    stringify!($entity),
                    format!("{} rows, {}", all.len(), crate::access::secrets::hash(&format!("{all:?}"))),
                );
            )+
            out
        }};
    }
    use sea_orm::{Iterable, PrimaryKeyToColumn};
    rows!(
        User,
        Identity,
        Domain,
        Team,
        Membership,
        DataProduct,
        OutputPort,
        Tag,
        ProductTag,
        ApiToken,
        AuditEvent,
        DataContract,
        ProductVersion,
        Subscription,
        Notification,
        Webhook,
        WebhookDelivery,
        Policy,
        Evaluation,
        Waiver,
        ComplianceSnapshot,
        QualityRun,
        SlaMeasurement
    )
}

/// Every database the tests should run on: SQLite always, PostgreSQL when configured.
pub async fn databases() -> Vec<TestDb> {
    let mut all = vec![TestDb::sqlite().await];
    all.extend(TestDb::postgres().await);
    all
}

/// Every database the tests should run on, without any schema.
pub async fn empty_databases() -> Vec<TestDb> {
    let mut all = vec![TestDb::sqlite_empty().await];
    all.extend(TestDb::postgres_empty().await);
    all
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; a separate thread with its own runtime may block.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async {
                        if let Ok(admin) = sea_orm::Database::connect(&admin_url).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                ))
                                .await;
                            admin.close().await.ok();
                        }
                    });
                })
                .join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::people::*;
    use super::with_database;

    #[test]
    fn people_are_who_the_tests_think() {
        let seed = crate::demo::seed::demo().expect("the demo seed parses");
        let user = |email: &str| {
            seed.users
                .iter()
                .find(|u| u.email == email)
                .unwrap_or_else(|| panic!("{email} is not seeded"))
        };
        let team = |slug: &str| {
            seed.teams
                .iter()
                .find(|t| t.slug == slug)
                .unwrap_or_else(|| panic!("no team {slug}"))
        };
        let owned = |email: &str| {
            seed.teams
                .iter()
                .filter(|t| t.owners.iter().any(|o| o == email))
                .count()
        };
        assert!(user(PRIYA).admin && !user(PRIYA).steward);
        assert!(user(SOFIA).steward && !user(SOFIA).admin);
        for email in [ANA, DAN, ISABEL, LENA, MARCUS] {
            assert!(!user(email).admin && !user(email).steward, "{email}");
        }
        assert!(team("cx-insights").members.iter().any(|m| m == ANA));
        assert_eq!(owned(ANA), 0, "Ana owns no team");
        assert!(team("marketing-analytics").owners.iter().any(|o| o == DAN));
        let marketing = seed
            .domains
            .iter()
            .find(|d| d.slug == "marketing")
            .expect("Marketing");
        assert_eq!(marketing.owner_team.as_deref(), Some("marketing-analytics"));
        assert!(team("cx-insights").owners.iter().any(|o| o == ISABEL));
        assert!(team("marketing-analytics")
            .members
            .iter()
            .any(|m| m == LENA));
        assert!(team("sales-ops").owners.iter().any(|o| o == MARCUS));
        let draft = seed
            .products
            .iter()
            .find(|p| p.slug == "churn-risk-scores")
            .expect("Churn Risk Scores");
        assert_eq!(draft.owner, "cx-insights");
    }

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
    }
}
