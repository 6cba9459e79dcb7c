#!/usr/bin/env bash
# Makes the upgrade fixtures: what an installation of an older release holds (its migrations, its start-up, the
# demo seed, a daily governance run and two sign-ins), written by that release's own code into SQLite and
# PostgreSQL and dumped as plain SQL into migrations/tests/fixtures/RELEASE-{sqlite,postgres}.sql. The upgrade
# tests (server/tests/http/upgrade.rs) load every fixture there and migrate it to the current schema.
#
#   scripts/make-upgrade-fixture.sh COMMIT
#
# COMMIT is the released schema to upgrade from. For "the release before migration N": the parent of the commit
# that added N, e.g.
#   git log --diff-filter=A --format=%H -- 'migrations/src/m20261201_000011*'   # then take COMMIT^
#
# Builds only the `mesh` crate of COMMIT, in a scratch clone outside this repository (SCRATCH, default
# /tmp/agora-upgrade-fixture) with its own target dir, at low priority (JOBS, default 1). Needs git, cargo,
# sqlite3, pg_dump, psql and a PostgreSQL server (PG_URL, default postgres://postgres@127.0.0.1:5432/postgres;
# a scratch database is created on it and dropped again).
set -euo pipefail

commit=${1:?usage: scripts/make-upgrade-fixture.sh COMMIT}
repo=$(git rev-parse --show-toplevel)
scratch=${SCRATCH:-/tmp/agora-upgrade-fixture}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
jobs=${JOBS:-1}
full=$(git -C "$repo" rev-parse "$commit^{commit}")
short=${full:0:7}
out="$repo/migrations/tests/fixtures"
mkdir -p "$out" "$scratch"

# 1. The old code, in a clone of its own (never a worktree of this repository).
if [ ! -d "$scratch/src/.git" ]; then
    git clone --quiet "$repo" "$scratch/src"
fi
git -C "$scratch/src" cat-file -e "$full" 2>/dev/null ||
    git -C "$scratch/src" fetch --quiet "$repo" '+refs/heads/*:refs/remotes/origin/*'
git -C "$scratch/src" checkout --quiet --force "$full"

# 2. A scratch example in the old mesh crate (not committed anywhere): the old start-up, seed and daily run.
cat >"$scratch/src/mesh/examples/upgrade_fixture.rs" <<'RUST'
//! Fills DATABASE_URL the way this release's `agora seed` and `agora serve` would, plus two sign-ins.
use mesh::db::{connect, PoolSettings};
use mesh::identity::{sign_in, ExternalIdentity};

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).expect("usage: upgrade_fixture DATABASE_URL");
    let db = connect(&url, &PoolSettings::default()).await.expect("connect");
    // What start-up does (`open_database`), then `agora seed`, then start-up and the daily job of `agora serve`.
    mesh::db::migrate(&db).await.expect("migrate");
    mesh::search::reindex_missing(&db).await.expect("index");
    mesh::governance::install_default_policies(&db).await.expect("default policies");
    mesh::governance::backfill_rollups(&db).await.expect("rollups");
    let report = mesh::seed::seed_demo(&db).await.expect("seed");
    mesh::search::reindex_missing(&db).await.expect("index");
    mesh::governance::backfill_rollups(&db).await.expect("rollups");
    let today = chrono::Utc::now().date_naive();
    mesh::governance::daily_if_due(&db, today).await.expect("daily run");
    // Two people who signed in: one linked to a seeded user by a verified email, one newcomer whose provider did
    // not verify the email (the users a later release must no longer trust).
    for (subject, email, verified, name) in [
        ("fixture-ana", "ana.ortega@northwind.example", true, "Ana Ortega"),
        ("fixture-new", "sam.newcomer@example.org", false, "Sam Newcomer"),
    ] {
        let ext = ExternalIdentity {
            provider: "keycloak".into(),
            subject: subject.into(),
            email: Some(email.into()),
            email_verified: verified,
            name: Some(name.into()),
            avatar_url: None,
        };
        sign_in(&db, &ext, &[]).await.expect("sign in");
    }
    println!("{report}");
}
RUST
(
    cd "$scratch/src"
    CARGO_TARGET_DIR="$scratch/target" nice -n 19 cargo build --quiet -j "$jobs" -p mesh --example upgrade_fixture
)
bin="$scratch/target/debug/examples/upgrade_fixture"

# 3. SQLite: schema and rows as plain SQL. The FTS5 table is dumped as its rows (not its shadow tables), so the
#    fixture loads through any SQLite client; sqlite_sequence keeps the ids that AUTOINCREMENT handed out.
db="$scratch/$short.db"
rm -f "$db" "$db-wal" "$db-shm"
"$bin" "sqlite://$db"
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
sql() { sqlite3 -batch -noheader "$db" "$1"; }
rows() { sqlite3 -batch -noheader -cmd ".mode insert $1" "$db" "$2"; }
{
    echo "-- Agora at $short ($(git -C "$repo" log -1 --format=%s "$full" | cut -c1-80))"
    echo "-- made by scripts/make-upgrade-fixture.sh $short; load into an empty SQLite database."
    echo "PRAGMA foreign_keys=OFF;"
    echo "BEGIN;"
    sql "SELECT sql || ';' FROM sqlite_master WHERE type = 'table' AND name NOT GLOB 'sqlite_*'
         AND name NOT GLOB 'search_fts_*' ORDER BY rowid"
    for table in $(sql "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT GLOB 'sqlite_*'
                        AND name NOT GLOB 'search_fts*' ORDER BY rowid"); do
        rows "$table" "SELECT * FROM \"$table\" ORDER BY rowid"
    done
    rows search_fts "SELECT rowid, name, summary, tags, columns, body FROM search_fts ORDER BY rowid" |
        sed 's/^INSERT INTO search_fts VALUES(/INSERT INTO search_fts(rowid, name, summary, tags, columns, body) VALUES(/'
    echo "DELETE FROM sqlite_sequence;"
    rows sqlite_sequence "SELECT * FROM sqlite_sequence ORDER BY name"
    sql "SELECT sql || ';' FROM sqlite_master WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL
         ORDER BY rowid"
    echo "COMMIT;"
} >"$out/$short-sqlite.sql"

# 4. PostgreSQL: a scratch database filled the same way, dumped plain (INSERTs, no owners or grants). psql's
#    \restrict lines are dropped so that any client can run the file.
pg_db="agora_fixture_$short"
admin() { psql --quiet --no-psqlrc --set ON_ERROR_STOP=1 "$pg_url" -c "$1" >/dev/null; }
pg_target="${pg_url%/*}/$pg_db"
admin "DROP DATABASE IF EXISTS \"$pg_db\""
admin "CREATE DATABASE \"$pg_db\""
trap 'admin "DROP DATABASE IF EXISTS \"$pg_db\" WITH (FORCE)"' EXIT
"$bin" "$pg_target"
{
    echo "-- Agora at $short, made by scripts/make-upgrade-fixture.sh $short; load into an empty PostgreSQL database."
    pg_dump --inserts --no-owner --no-privileges --no-comments "$pg_target" | grep -v '^\\\(un\)\?restrict '
} >"$out/$short-postgres.sql"

ls -l "$out/$short-sqlite.sql" "$out/$short-postgres.sql"
