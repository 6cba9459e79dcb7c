//! The fault suite: the real `agora` binary (`CARGO_BIN_EXE_agora`) on a fresh database, prepared with
//! `agora migrate` and `agora seed`, driven over HTTP while it is killed, stopped, cut off from its database, run
//! twice on one database and loaded for a while. Each scenario runs on SQLite, and on PostgreSQL when
//! `TEST_DATABASE_URL` is set; each is bounded in requests and time and prints its figures (`--nocapture`).
//!
//! `cargo test -p agora --test faults -- --nocapture`; the long mixed load of `make bench`:
//! `AGORA_MIXED_SECONDS=600 AGORA_MIXED_READS=200 AGORA_MIXED_WRITES=20 cargo test --release -p agora --test faults
//! mixed_load -- --nocapture`.
#[path = "../common/mod.rs"]
mod common;
mod database_lost;
mod helpers;
mod kill;
mod mixed_load;
mod sigterm;
mod two_instances;
