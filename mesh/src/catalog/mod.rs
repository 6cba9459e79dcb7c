//! The catalog: data products as their owners publish them and consumers find them. Creating and editing
//! ([`products`], [`tags`]), publishing versions with a diff ([`versions`], [`diff`]), data contracts
//! ([`contracts`]), documentation ([`markdown`]), and the read models the pages and the API show: the marketplace
//! and product page ([`listing`]), the product tabs ([`views`]), what the edit page needs ([`edit_context`]),
//! the API's product resource ([`detail`]) and the mesh map ([`map`]).

pub mod contracts;
pub mod detail;
pub mod diff;
pub mod edit_context;
pub mod listing;
pub mod map;
pub mod markdown;
pub mod products;
pub mod tags;
pub mod versions;
pub mod views;
