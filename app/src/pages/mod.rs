pub mod home;
pub mod marketplace;
pub mod product;
