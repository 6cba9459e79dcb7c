pub mod badges;
pub mod charts;
pub mod errors;
pub mod forms;
pub mod layout;
pub mod product_card;
pub mod query;
