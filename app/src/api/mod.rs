//! Server functions. Each one authorizes (through `mesh`), calls `mesh`, and maps the result to a DTO.
pub mod account;
pub mod admin;
pub mod catalog;
pub mod governance;
pub mod products;
pub mod subscriptions;
