//! sea-orm entities, one module per table. Field meanings are in DESIGN.md's domain model.
pub mod api_token;
pub mod audit_event;
pub mod contract_object;
pub mod contract_property;
pub mod contract_quality;
pub mod contract_sla;
pub mod contract_support;
pub mod data_contract;
pub mod data_product;
pub mod domain;
pub mod identity;
pub mod login_state;
pub mod membership;
pub mod output_port;
pub mod product_tag;
pub mod product_version;
pub mod session;
pub mod tag;
pub mod team;
pub mod user;

pub mod prelude {
    pub use super::api_token::{self, Entity as ApiToken};
    pub use super::audit_event::{self, Entity as AuditEvent};
    pub use super::contract_object::{self, Entity as ContractObject};
    pub use super::contract_property::{self, Entity as ContractProperty};
    pub use super::contract_quality::{self, Entity as ContractQuality};
    pub use super::contract_sla::{self, Entity as ContractSla};
    pub use super::contract_support::{self, Entity as ContractSupport};
    pub use super::data_contract::{self, Entity as DataContract};
    pub use super::data_product::{self, Entity as DataProduct};
    pub use super::domain::{self, Entity as Domain};
    pub use super::identity::{self, Entity as Identity};
    pub use super::login_state::{self, Entity as LoginState};
    pub use super::membership::{self, Entity as Membership};
    pub use super::output_port::{self, Entity as OutputPort};
    pub use super::product_tag::{self, Entity as ProductTag};
    pub use super::product_version::{self, Entity as ProductVersion};
    pub use super::session::{self, Entity as Session};
    pub use super::tag::{self, Entity as Tag};
    pub use super::team::{self, Entity as Team};
    pub use super::user::{self, Entity as User};
}
