//! Sign-in across the upgrade that stopped unverified emails from counting: users made before it must prove
//! their address again, and a verified newcomer never lands in a user an unverified claim made. SQLite and
//! PostgreSQL.
use chrono::Utc;
use mesh::access::identity::{self, ExternalIdentity};
use mesh::entity::prelude::*;
use mesh::testing::databases;
use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::{Alias, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

const VICTIM: &str = "victim@corp.example";
const LEGIT: &str = "legit@corp.example";

fn corp(subject: &str, email: &str, verified: bool) -> ExternalIdentity {
    ExternalIdentity {
        provider: "corp".into(),
        subject: subject.into(),
        email: Some(email.into()),
        email_verified: verified,
        name: None,
        avatar_url: None,
    }
}

/// A user and its identity as the schema before `email_verified` stored them (raw rows: the entity knows the
/// new column).
async fn legacy_user(db: &DatabaseConnection, email: &str, subject: &str) -> i64 {
    let now = Utc::now();
    let users = Query::insert()
        .into_table(Alias::new("users"))
        .columns(["email", "name", "is_admin", "is_steward", "created_at"].map(Alias::new))
        .values_panic([
            email.into(),
            "Legacy".into(),
            false.into(),
            false.into(),
            now.into(),
        ])
        .to_owned();
    db.execute(&users).await.unwrap();
    // The entity cannot read the old table: the id comes from a raw select.
    let row = db
        .query_one(
            &Query::select()
                .column(Alias::new("id"))
                .from(Alias::new("users"))
                .and_where(sea_orm::sea_query::Expr::col(Alias::new("email")).eq(email))
                .to_owned(),
        )
        .await
        .unwrap()
        .unwrap();
    let id: i64 = row.try_get("", "id").unwrap();
    let identities = Query::insert()
        .into_table(Alias::new("identities"))
        .columns(["user_id", "provider", "subject", "created_at"].map(Alias::new))
        .values_panic([id.into(), "corp".into(), subject.into(), now.into()])
        .to_owned();
    db.execute(&identities).await.unwrap();
    id
}

#[tokio::test]
async fn users_from_before_the_rule_prove_their_email_again_and_never_take_in_a_verified_newcomer()
{
    for t in databases().await {
        let db = &t.db;
        let names: Vec<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let rule = names
            .iter()
            .position(|n| n == "m20261201_000011_users_email_verified")
            .unwrap();
        Migrator::down(db, Some((names.len() - rule) as u32))
            .await
            .unwrap();
        // Before the upgrade an attacker pre-claimed the victim's address unverified; a real person signed in.
        let mallory = legacy_user(db, VICTIM, "mallory").await;
        let legit = legacy_user(db, LEGIT, "legit").await;
        Migrator::up(db, None).await.unwrap();

        for id in [mallory, legit] {
            let user = User::find_by_id(id).one(db).await.unwrap().unwrap();
            assert!(!user.email_verified, "{}: {}", t.label, user.email);
        }
        let admins = [VICTIM.to_owned()];
        // The attacker's next unverified sign-in does not make it the admin the address names.
        let again = identity::sign_in(db, &corp("mallory", VICTIM, false), &admins)
            .await
            .unwrap();
        assert_eq!(again.id, mallory, "{}", t.label);
        assert!(!again.is_admin, "{}", t.label);
        // The victim, verified, gets a fresh user with the address (and admin); the attacker's gives it up.
        let victim = identity::sign_in(db, &corp("victim", VICTIM, true), &admins)
            .await
            .unwrap();
        assert_ne!(victim.id, mallory, "{}", t.label);
        assert_eq!(victim.email, VICTIM, "{}", t.label);
        assert!(victim.email_verified && victim.is_admin, "{}", t.label);
        let mallory_now = User::find_by_id(mallory).one(db).await.unwrap().unwrap();
        assert!(
            mallory_now.email.ends_with(".invalid"),
            "{}: {}",
            t.label,
            mallory_now.email
        );
        // A real user of before proves the address with a verified sign-in of its own identity and keeps it.
        let proved = identity::sign_in(db, &corp("legit", LEGIT, true), &[])
            .await
            .unwrap();
        assert_eq!(proved.id, legit, "{}", t.label);
        assert_eq!(proved.email, LEGIT, "{}", t.label);
        assert!(proved.email_verified, "{}", t.label);
    }
}
