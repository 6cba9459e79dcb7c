# Agora's two commands: `make run` (build, migrate, seed, serve on SQLite) and `make test` (everything CI runs).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# The same value cargo-leptos sets, so plain cargo and cargo-leptos builds share one set of artifacts.
export LEPTOS_OUTPUT_NAME := agora

RELEASE_BIN := target/release/agora
DEBUG_BIN := target/debug/agora

.PHONY: run test tools tools-test build release fmt fmt-fix lint test-rust api-fuzz e2e bench watch clean-data

## run: install missing tools, build the release site, migrate, seed the demo mesh and serve it on SQLite
run: tools release
	$(RELEASE_BIN) migrate
	$(RELEASE_BIN) seed
	@echo
	@echo "  Agora is starting on http://$${AGORA_ADDR:-127.0.0.1:3000}  (Ctrl-C stops it)"
	@echo
	exec $(RELEASE_BIN) serve

## test: formatting (rustfmt, leptosfmt), clippy (server and wasm), unused dependencies, Rust tests (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), API fuzzing, browser tests
test:
	@scripts/timed.sh tools $(MAKE) --no-print-directory tools-test
	@scripts/timed.sh fmt $(MAKE) --no-print-directory fmt
	@scripts/timed.sh clippy $(MAKE) --no-print-directory lint
	@scripts/timed.sh rust-tests $(MAKE) --no-print-directory test-rust
	@scripts/timed.sh api-fuzz $(MAKE) --no-print-directory api-fuzz
	@scripts/timed.sh browser-tests $(MAKE) --no-print-directory e2e

tools:
	@scripts/tools.sh build

tools-test:
	@scripts/tools.sh test

release:
	cargo leptos build --release

build:
	cargo leptos build

## fmt: checks rustfmt, and leptosfmt (leptosfmt.toml) on the `view!` macros rustfmt leaves alone; its diff goes
## to stderr, its list of settings and files to /dev/null
fmt:
	cargo fmt --all -- --check
	leptosfmt --check app/src frontend/src >/dev/null

## fmt-fix: applies both formatters (the view! macros first, then rustfmt)
fmt-fix:
	leptosfmt --quiet app/src frontend/src
	cargo fmt --all

## lint: clippy (server and wasm), then cargo-machete: a dependency no crate uses fails (false positives are
## listed in that crate's [package.metadata.cargo-machete], each with why)
lint:
	cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
	cargo clippy -p frontend -p app --target wasm32-unknown-unknown --features app/hydrate -- -D warnings
	cargo machete

test-rust:
	@if [ -n "$${TEST_DATABASE_URL:-}" ]; then echo "Rust tests on SQLite and PostgreSQL"; else echo "Rust tests on SQLite (set TEST_DATABASE_URL=postgres://... to add PostgreSQL)"; fi
	cargo test --workspace --exclude frontend

## api-fuzz: schemathesis (pinned, in a venv under target/) against the OpenAPI document of a freshly seeded debug
## server with a token of every scope; fails on any 5xx, schema violation or undocumented status code. The server
## binary is the one `make e2e` uses (cargo-leptos shares its artifacts), so it is built once.
api-fuzz:
	cargo build -p agora
	AGORA_BIN=$(CURDIR)/$(DEBUG_BIN) scripts/schemathesis.sh

## e2e: build the debug site and run the Playwright journeys in Debian Chromium
e2e: build
	AGORA_E2E_PORT=$$(scripts/free-port.sh) AGORA_E2E_OIDC_PORT=$$(scripts/free-port.sh) AGORA_E2E_BIN=$(CURDIR)/$(DEBUG_BIN) npx --no-install playwright test -c end2end/playwright.config.ts

## bench: the figures (generation, search at 100k on SQLite and PostgreSQL, /products under load, governance pages)
bench:
	@scripts/bench.sh

## watch: the development loop (rebuilds and reloads on save)
watch: tools
	cargo leptos watch

clean-data:
	rm -rf data
