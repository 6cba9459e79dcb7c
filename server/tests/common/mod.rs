//! What both server suites share (`http`: the app in-process; `faults`: the `agora` binary). Each test target
//! includes this folder with `#[path = "../common/mod.rs"] mod common;` and uses a part of it, hence the
//! allowances for what one of them leaves unused. Mesh-level helpers (fresh databases, the `viewer` of a seeded
//! person, the people of the demo mesh) are `mesh::testing`'s.
#![allow(dead_code, unused_imports)]
pub mod db_proxy;
pub mod people;
