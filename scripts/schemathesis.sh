#!/usr/bin/env bash
# `make api-fuzz`: the REST API against its own OpenAPI document. Schemathesis (pinned, in a venv under target/)
# generates requests for every operation of /api/v1/openapi.json, valid and invalid ones, and sends them to a
# freshly migrated and seeded debug server with an admin's token of every scope (read, write, results). It
# fails on any 5xx, any response whose body violates its schema, any status code or content type the document
# does not list. Nothing is excluded.
# Knobs: SCHEMATHESIS_MAX_EXAMPLES (cases per operation and phase, default 20), SCHEMATHESIS_MAX_TIME (seconds of
# fuzzing, default 150; the whole run is cut at 4 minutes), SCHEMATHESIS_SEED (replays a run), AGORA_BIN
# (default target/debug/agora, built with `cargo build -p agora` when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export LEPTOS_OUTPUT_NAME=agora
VERSION=4.32.5
VENV=target/venv-schemathesis
BIN=${AGORA_BIN:-target/debug/agora}
OUT=target/schemathesis

say() { printf '\033[1;34m[api-fuzz]\033[0m %s\n' "$*"; }

if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $VERSION" ]; then
  say "installing schemathesis $VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi
if [ ! -x "$BIN" ]; then
  say "building $BIN"
  cargo build -p agora
fi

mkdir -p "$OUT"
work=$(mktemp -d)
port=$(scripts/free-port.sh)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A server of its own: a new SQLite database, the demo mesh, no limits that would turn the run into 429s (the
# limits have their own tests), jobs that stay out of the way.
export DATABASE_URL="sqlite://$work/agora.db"
export AGORA_ADDR="127.0.0.1:$port"
export AGORA_ENV=development
export RUST_LOG=${RUST_LOG:-warn}
export AGORA_RATE_LIMIT_PER_MINUTE=1000000
export AGORA_SIGNIN_RATE_LIMIT_PER_MINUTE=1000000
export AGORA_ANON_RATE_LIMIT_PER_SECOND=0
export AGORA_JOB_INTERVAL_SECONDS=86400
"$BIN" migrate
"$BIN" seed
token=$("$BIN" token create --user priya.raman@northwind.example --scopes read,write,results --name schemathesis --days 1)
"$BIN" serve >"$OUT/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://$AGORA_ADDR/healthz" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "[api-fuzz] the server did not start; see $OUT/server.log" >&2
    cat "$OUT/server.log" >&2
    exit 1
  fi
  sleep 0.2
done

say "schemathesis $VERSION against http://$AGORA_ADDR/api/v1/openapi.json"
seed_args=()
if [ -n "${SCHEMATHESIS_SEED:-}" ]; then seed_args=(--seed "$SCHEMATHESIS_SEED"); fi
status=0
timeout --signal=INT --kill-after=15 240 "$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run "http://$AGORA_ADDR/api/v1/openapi.json" \
  --url "http://$AGORA_ADDR" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-20}" \
  --max-time "${SCHEMATHESIS_MAX_TIME:-150}" \
  --request-timeout 10 \
  --workers 2 \
  --report junit --report-junit-path "$OUT/junit.xml" \
  "${seed_args[@]}" || status=$?
if [ "$status" = 124 ]; then echo "[api-fuzz] schemathesis did not finish within 4 minutes" >&2; fi
if [ "$status" != 0 ]; then echo "[api-fuzz] failed (exit $status); the server's log is $OUT/server.log" >&2; fi
exit "$status"
