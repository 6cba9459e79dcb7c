#!/usr/bin/env bash
# `make bench`: Agora's figures on the release build, printed, never asserted.
#   1. generation: `agora seed --products N` for 10k and 100k products (timed; databases kept in target/bench)
#   2. search with facet counts at 100k products, p50/p90/p99, on SQLite and PostgreSQL
#   3. /products under load at 10k products (wrk, 64 connections) next to a static file of the same size, and
#      again with the rendered-results cache off
#   4. a product page whose schema has 1,000 properties (render time, one connection)
#   5. /governance and one domain's page at 100 domains x 1,000 products, p50/p95/p99
#   6. mixed load (the fault suite's scenario): reads and writes at a fixed rate on the demo mesh, p50/p99 per kind,
#      errors, lost writes and the server's memory, on SQLite and PostgreSQL
# Knobs: BENCH_SECONDS (per load run, default 15), BENCH_FRESH=1 (regenerate the databases),
#        BENCH_MIXED_SECONDS (the mixed load, default 600),
#        BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432, skipped when it does not answer).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export LEPTOS_OUTPUT_NAME=agora
SECONDS_PER_RUN=${BENCH_SECONDS:-15}
PG=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
DIR=target/bench
BIN=target/release/agora
mkdir -p "$DIR"

say() { printf '\n\033[1;34m[bench]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

scripts/tools.sh build
if ! command -v wrk >/dev/null; then
  say "installing wrk (Debian)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null 2>&1 ||
    { as_root apt-get update >/dev/null 2>&1 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null; } ||
    { echo "[bench] could not install wrk (apt-get install wrk)" >&2; exit 1; }
fi
say "building the release site and the search benchmark"
cargo leptos build --release
cargo build --release -p mesh --example bench_search
SEARCH_BIN=target/release/examples/bench_search

# A database with N generated products (plus the demo mesh), made once and reused unless BENCH_FRESH=1.
prepare() { # url products
  local url=$1 n=$2
  DATABASE_URL=$url RUST_LOG=warn $BIN migrate
  local have
  have=$(DATABASE_URL=$url $SEARCH_BIN "$url" 0 2>/dev/null | sed -n 's/.*: \([0-9]*\) products.*/\1/p' || true)
  if [ "${BENCH_FRESH:-0}" != 1 ] && [ -n "$have" ] && [ "$have" -ge "$n" ]; then
    echo "  reusing $url ($have products; BENCH_FRESH=1 regenerates)"
    return
  fi
  local started=$SECONDS
  DATABASE_URL=$url RUST_LOG=warn $BIN seed --products "$n"
  echo "  generated $n products into $url in $((SECONDS - started)) s"
}

fresh_sqlite() { # name
  if [ "${BENCH_FRESH:-0}" = 1 ]; then rm -f "$DIR/$1.db" "$DIR/$1.db-wal" "$DIR/$1.db-shm"; fi
  echo "sqlite://$DIR/$1.db"
}

LITE_10K=$(fresh_sqlite agora-10k)
LITE_100K=$(fresh_sqlite agora-100k)
say "generating meshes (agora seed --products N)"
prepare "$LITE_10K" 10000
prepare "$LITE_100K" 100000

PG_100K=""
if pg_isready -q -h 127.0.0.1 2>/dev/null; then
  if [ "${BENCH_FRESH:-0}" = 1 ]; then psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS agora_bench_100k' >/dev/null; fi
  psql "$PG/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'agora_bench_100k'" | grep -q 1 ||
    psql "$PG/postgres" -qc 'CREATE DATABASE agora_bench_100k' >/dev/null
  PG_100K="$PG/agora_bench_100k"
  prepare "$PG_100K" 100000
  # Let PostgreSQL finish writing what generation left behind (checkpoint, visibility map), so the search
  # figures are not taken while it flushes.
  psql "$PG_100K" -qc 'VACUUM ANALYZE' -c 'CHECKPOINT' >/dev/null
else
  echo "  PostgreSQL does not answer on 127.0.0.1: its figures are skipped"
fi

say "search with facet counts at 100k products"
$SEARCH_BIN "$LITE_100K" 25
if [ -n "$PG_100K" ]; then $SEARCH_BIN "$PG_100K" 25; fi

# Serves a database on a free port until the script ends (wrk is one client: the anonymous read limit is off).
SERVER=""
serve() { # url [VAR=value ...]
  stop
  local port
  port=$(scripts/free-port.sh)
  env "${@:2}" DATABASE_URL=$1 AGORA_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
    AGORA_JOB_INTERVAL_SECONDS=86400 AGORA_ANON_RATE_LIMIT_PER_SECOND=0 $BIN serve >"$DIR/server.log" 2>&1 &
  SERVER=$!
  BASE=http://127.0.0.1:$port
  for _ in $(seq 1 300); do
    if curl -fs "$BASE/readyz" >/dev/null 2>&1; then return; fi
    sleep 0.2
  done
  echo "[bench] the server did not start; see $DIR/server.log" >&2
  exit 1
}
stop() { if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=""; fi; }
trap stop EXIT

# wrk with a report line: requests/s, latency percentiles, errors (socket errors and non-2xx answers).
load() { # label connections url
  local label=$1 connections=$2 url=$3
  curl -fs -o /dev/null "$url" # warm
  wrk -t"$((connections < 2 ? connections : 2))" -c"$connections" -d"${SECONDS_PER_RUN}s" -s scripts/bench-report.lua "$url" |
    awk -v label="$label" -v c="$connections" '/^REPORT/ {
      printf "  %-44s %2d conn  %8.0f req/s  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  max %7.2f ms  %d errors\n",
        label, c, $3, $4, $5, $6, $7, $8 }'
}

# A contract of 1,000 properties on a demo product, for the product page figure (import is idempotent).
wide=$DIR/wide-contract.yaml
{
  printf 'apiVersion: v3.1.0\nkind: DataContract\nid: bench-wide-orders\nversion: 1.0.0\nstatus: active\n'
  printf 'schema:\n  - name: wide_orders\n    physicalType: table\n    properties:\n'
  for i in $(seq 1 1000); do
    printf '      - name: attribute_%04d\n        logicalType: string\n        physicalType: VARCHAR(64)\n' "$i"
    printf '        description: Attribute %d of the wide order table\n        classification: internal\n' "$i"
  done
} >"$wide"
DATABASE_URL=$LITE_10K RUST_LOG=warn $BIN import "$wide" --product sales/customer-orders >/dev/null

say "/products under load at 10k products (wrk, ${SECONDS_PER_RUN}s per run, server and wrk share the 2 cores)"
serve "$LITE_10K"
size=$(curl -fs "$BASE/products" | tee "$DIR/products.html" | wc -c)
mkdir -p target/site/bench
cp "$DIR/products.html" target/site/bench/products-static.html
echo "  /products is $size bytes; the static copy is served from the same server as /bench/products-static.html"
load "/products (search page, first 24 of 10k)" 64 "$BASE/products"
load "/products?q=customer&pii=yes" 64 "$BASE/products?q=customer&pii=yes"
load "static file of the same size (the ceiling)" 64 "$BASE/bench/products-static.html"
say "the same pages rendered for every request (AGORA_SEARCH_CACHE_MB=0: no rendered results are reused)"
serve "$LITE_10K" AGORA_SEARCH_CACHE_MB=0
load "/products, rendered every time" 64 "$BASE/products"
load "/products?q=customer&pii=yes, rendered every time" 64 "$BASE/products?q=customer&pii=yes"

say "a product page whose schema has 1,000 properties (one connection: the render time)"
schema=$(curl -fs "$BASE/products/sales/customer-orders/schema" | wc -c)
echo "  /products/sales/customer-orders/schema is $schema bytes"
load "product schema tab, 1,000 properties" 1 "$BASE/products/sales/customer-orders/schema"

say "governance pages at 100 domains x 1,000 products"
serve "$LITE_100K"
domain=$(set +o pipefail; curl -fs "$BASE/governance" | grep -o 'href="/governance/domains/[^"]*"' | head -1 | sed 's/.*domains\/\([^"]*\)"/\1/')
load "/governance (SQLite)" 4 "$BASE/governance"
load "/governance/domains/$domain (SQLite)" 4 "$BASE/governance/domains/$domain"
if [ -n "$PG_100K" ]; then
  serve "$PG_100K"
  load "/governance (PostgreSQL)" 4 "$BASE/governance"
  load "/governance/domains/$domain (PostgreSQL)" 4 "$BASE/governance/domains/$domain"
fi
stop
rm -rf target/site/bench

say "mixed load: ${BENCH_MIXED_SECONDS:-600} s at 200 reads/s + 20 writes/s on the release binary (server/tests/faults/mixed_load.rs)"
if [ -n "$PG_100K" ]; then export TEST_DATABASE_URL="$PG/postgres"; fi
AGORA_MIXED_SECONDS=${BENCH_MIXED_SECONDS:-600} AGORA_MIXED_READS=200 AGORA_MIXED_WRITES=20 \
  cargo test --release -p agora --test faults mixed_load -- --nocapture 2>&1 | grep -E '^(sqlite|postgres):|test result|panicked|FAILED'
