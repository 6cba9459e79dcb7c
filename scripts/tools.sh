#!/usr/bin/env bash
# Installs the build and test tools Agora needs, each only when missing, from the package registries
# (crates.io, npm, Debian). Usage: scripts/tools.sh [build|test]. "test" adds what only `make test` runs: Chromium
# for Playwright, leptosfmt (`make fmt`) and cargo-machete (`make lint`).
# Fails with one line naming the tool that could not be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-build}
CARGO_LEPTOS_VERSION=0.3.10
# The newest releases; both build on the pinned toolchain (rust-toolchain.toml), and leptosfmt 0.1.33 formats
# Leptos 0.8's view!. Each takes 3-4 CPU-minutes to build (about 5-6 minutes on two busy cores).
LEPTOSFMT_VERSION=0.1.33
CARGO_MACHETE_VERSION=0.9.2
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1;34m[tools]\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31m[tools] could not install %s\033[0m\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 ||
    { as_root apt-get update >/dev/null 2>&1 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null; }
}

command -v cargo >/dev/null || fail "Rust: cargo is not on PATH (install rustup first)"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown || fail "the wasm32-unknown-unknown target (rustup target add)"
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 14 minutes on two cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads ||
    fail "cargo-leptos $CARGO_LEPTOS_VERSION (cargo install failed, see above)"
fi

if [ -z "$WASM_BINDGEN_VERSION" ]; then fail "wasm-bindgen-cli: no wasm-bindgen version in Cargo.lock"; fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (must match Cargo.lock)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force ||
    fail "wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install failed, see above)"
fi

if ! command -v npm >/dev/null; then
  say "installing Node.js and npm (Debian)"
  apt_install nodejs npm || fail "Node.js/npm (apt-get install nodejs npm)"
fi

# Tailwind, wasm-opt (binaryen 132: Debian's 108 breaks hydration), Playwright, the OAuth2 test server.
# `npm install`, not `npm ci`: Tailwind's per-platform optional packages break `npm ci` here.
if [ ! -x node_modules/.bin/tailwindcss ] || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/playwright ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (Tailwind, binaryen, Playwright)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error ||
    fail "npm packages (npm install failed, see above)"
fi

test_tools=""
if [ "$want" = test ]; then
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium (Debian) for the browser tests"
    apt_install chromium || fail "Chromium (apt-get install chromium)"
  fi
  if [ "$(leptosfmt --version 2>/dev/null | awk '{print $2}')" != "$LEPTOSFMT_VERSION" ]; then
    say "installing leptosfmt $LEPTOSFMT_VERSION (the view! formatter of make fmt)"
    cargo install leptosfmt --version "$LEPTOSFMT_VERSION" --locked ||
      fail "leptosfmt $LEPTOSFMT_VERSION (cargo install failed, see above)"
  fi
  if [ "$(cargo machete --version 2>/dev/null | awk '{print $NF}')" != "$CARGO_MACHETE_VERSION" ]; then
    say "installing cargo-machete $CARGO_MACHETE_VERSION (the unused-dependency check of make lint)"
    cargo install cargo-machete --version "$CARGO_MACHETE_VERSION" --locked ||
      fail "cargo-machete $CARGO_MACHETE_VERSION (cargo install failed, see above)"
  fi
  test_tools=", leptosfmt $LEPTOSFMT_VERSION, cargo-machete $CARGO_MACHETE_VERSION"
fi
say "tools ready: cargo-leptos $CARGO_LEPTOS_VERSION, wasm-bindgen $WASM_BINDGEN_VERSION, tailwindcss $(tailwindcss --help 2>/dev/null | head -1 | awk '{print $NF}'), wasm-opt $(wasm-opt --version | awk '{print $3}')$test_tools"
