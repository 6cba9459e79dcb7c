//! What happened, kept and told: the [`audit`] log (who did what, before and after), each person's in-app
//! [`notifications`], and team [`webhooks`] that tell other systems.

pub mod audit;
pub mod notifications;
pub mod webhooks;
