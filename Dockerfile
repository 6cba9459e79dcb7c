# syntax=docker/dockerfile:1
# Multi-stage build of the same release `make run` builds: the `agora` binary plus the site (wasm, JS, CSS).
# Not built on the development machines (they have no Docker engine); kept correct by reading.

FROM rust:1.95-bookworm AS tools
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown
RUN cargo install cargo-leptos --version 0.3.10 --locked --features no_downloads
WORKDIR /src
COPY Cargo.lock ./
# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
RUN cargo install wasm-bindgen-cli --version "$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
COPY package.json package-lock.json ./
RUN PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund

FROM tools AS build
COPY . .
ENV LEPTOS_OUTPUT_NAME=agora PATH=/src/node_modules/.bin:$PATH
RUN cargo leptos build --release

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /app agora \
 && mkdir -p /app/data \
 && chown agora /app/data
WORKDIR /app
COPY --from=build /src/target/release/agora /app/agora
COPY --from=build /src/target/site /app/site
ENV LEPTOS_SITE_ROOT=/app/site \
    AGORA_ADDR=0.0.0.0:8080 \
    AGORA_ENV=production \
    AGORA_LOG_FORMAT=json \
    DATABASE_URL=sqlite:///app/data/agora.db
USER agora
EXPOSE 8080
VOLUME ["/app/data"]
ENTRYPOINT ["/app/agora"]
CMD ["serve"]
