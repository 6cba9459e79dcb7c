pub mod admin;
pub mod home;
pub mod login;
pub mod marketplace;
pub mod product;
pub mod tokens;
