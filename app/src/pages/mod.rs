pub mod admin;
pub mod home;
pub mod login;
pub mod marketplace;
pub mod new_product;
pub mod product;
pub mod tokens;
