//! Rules that a count-then-insert cannot hold once several writers run at once (PostgreSQL) are held by the
//! database instead, with partial unique indexes that SQLite and PostgreSQL both enforce:
//! - a team has at most one open (requested or approved) subscription per output port;
//! - a product has at most one waiver per policy waiting for a steward;
//! - a policy key is used once among global policies and once per domain.
//!
//! A database written before these indexes may break them (two requests that raced); such rows are closed first,
//! keeping one per key: the approved subscription, else the oldest request; the oldest waiting waiver; the oldest
//! policy, the others' keys gaining their id (`freshness-42`), so nothing is deleted.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "UPDATE subscriptions SET status = 'cancelled', \
       decision_note = 'closed on upgrade: the team already had an open subscription for this port' \
     WHERE status IN ('requested', 'approved') AND EXISTS ( \
       SELECT 1 FROM subscriptions o \
       WHERE o.port_id = subscriptions.port_id AND o.consumer_team_id = subscriptions.consumer_team_id \
         AND o.status IN ('requested', 'approved') \
         AND ((o.status = 'approved' AND subscriptions.status = 'requested') \
              OR (o.status = subscriptions.status AND o.id < subscriptions.id)))",
    "CREATE UNIQUE INDEX ux_subscriptions_open ON subscriptions (port_id, consumer_team_id) \
     WHERE status IN ('requested', 'approved')",
    "UPDATE waivers SET status = 'denied', \
       decision_note = 'closed on upgrade: another request for this waiver was already waiting' \
     WHERE status = 'requested' AND EXISTS ( \
       SELECT 1 FROM waivers o \
       WHERE o.product_id = waivers.product_id AND o.policy_id = waivers.policy_id \
         AND o.status = 'requested' AND o.id < waivers.id)",
    "CREATE UNIQUE INDEX ux_waivers_requested ON waivers (product_id, policy_id) WHERE status = 'requested'",
    "UPDATE policies SET key = key || '-' || CAST(id AS TEXT) \
     WHERE EXISTS ( \
       SELECT 1 FROM policies o \
       WHERE o.key = policies.key AND o.id < policies.id \
         AND ((o.domain_id IS NULL AND policies.domain_id IS NULL) OR o.domain_id = policies.domain_id))",
    "CREATE UNIQUE INDEX ux_policies_global_key ON policies (key) WHERE domain_id IS NULL",
    "CREATE UNIQUE INDEX ux_policies_domain_key ON policies (domain_id, key) WHERE domain_id IS NOT NULL",
];

const DOWN: &[&str] = &[
    "DROP INDEX ux_policies_domain_key",
    "DROP INDEX ux_policies_global_key",
    "DROP INDEX ux_waivers_requested",
    "DROP INDEX ux_subscriptions_open",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in UP {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in DOWN {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
