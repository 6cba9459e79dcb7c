//! sea-orm entities, one module per table. Field meanings are in DESIGN.md's domain model.
pub mod data_product;
pub mod domain;
pub mod identity;
pub mod membership;
pub mod output_port;
pub mod product_tag;
pub mod tag;
pub mod team;
pub mod user;

pub mod prelude {
    pub use super::data_product::{self, Entity as DataProduct};
    pub use super::domain::{self, Entity as Domain};
    pub use super::identity::{self, Entity as Identity};
    pub use super::membership::{self, Entity as Membership};
    pub use super::output_port::{self, Entity as OutputPort};
    pub use super::product_tag::{self, Entity as ProductTag};
    pub use super::tag::{self, Entity as Tag};
    pub use super::team::{self, Entity as Team};
    pub use super::user::{self, Entity as User};
}
