//! Server functions, one folder per part of the site: `mod.rs` holds the server functions, `model.rs` what they send
//! to the browser (plain data that compiles for wasm too). Each one authorizes (through `mesh`), calls `mesh`, and
//! maps the result to its DTO.
pub mod account;
pub mod admin;
pub mod catalog;
pub mod governance;
pub mod products;
pub mod subscriptions;
