//! A sign-in between the redirect to the provider and its callback: used once, by the provider it went to, within
//! its time; abandoned ones are purged. SQLite and PostgreSQL.
use chrono::Utc;
use mesh::access::login::{self, PendingLogin};
use mesh::entity::prelude::*;
use mesh::testing::databases;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, PaginatorTrait, Set};

fn pending(state: &str) -> PendingLogin {
    PendingLogin {
        state: state.into(),
        provider: "corp".into(),
        pkce_verifier: format!("verifier-{state}"),
        nonce: Some(format!("nonce-{state}")),
        return_to: "/products".into(),
    }
}

/// Moves a stored login back in time, as if it had been started `age` ago.
async fn age(db: &sea_orm::DatabaseConnection, state: &str, age: chrono::Duration) {
    let mut row = LoginState::find_by_id(state.to_owned())
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    row.created_at = Set(Utc::now() - age);
    row.update(db).await.unwrap();
}

#[tokio::test]
async fn a_login_is_used_once_by_its_provider_within_its_time() {
    for t in databases().await {
        let db = &t.db;
        let label = t.label;

        login::begin(db, &pending("fresh")).await.unwrap();
        assert_eq!(
            login::take(db, "fresh", "corp").await.unwrap(),
            Some(pending("fresh")),
            "{label}: the callback gets back what the start stored"
        );
        assert_eq!(
            login::take(db, "fresh", "corp").await.unwrap(),
            None,
            "{label}: a replay finds nothing"
        );
        assert_eq!(
            login::take(db, "never", "corp").await.unwrap(),
            None,
            "{label}"
        );

        // A callback on another provider's route uses the login up without honouring it.
        login::begin(db, &pending("elsewhere")).await.unwrap();
        assert_eq!(
            login::take(db, "elsewhere", "other").await.unwrap(),
            None,
            "{label}"
        );
        assert_eq!(
            login::take(db, "elsewhere", "corp").await.unwrap(),
            None,
            "{label}"
        );

        // Late: just within the time still counts, past it does not (and is used up).
        login::begin(db, &pending("in-time")).await.unwrap();
        age(db, "in-time", login::TTL - chrono::Duration::seconds(30)).await;
        assert!(
            login::take(db, "in-time", "corp").await.unwrap().is_some(),
            "{label}"
        );
        login::begin(db, &pending("late")).await.unwrap();
        age(db, "late", login::TTL + chrono::Duration::seconds(1)).await;
        assert_eq!(
            login::take(db, "late", "corp").await.unwrap(),
            None,
            "{label}"
        );
        assert_eq!(LoginState::find().count(db).await.unwrap(), 0, "{label}");

        // Starting a login purges the abandoned ones, not those still in flight.
        login::begin(db, &pending("abandoned")).await.unwrap();
        age(db, "abandoned", login::TTL + chrono::Duration::minutes(1)).await;
        login::begin(db, &pending("waiting")).await.unwrap();
        login::begin(db, &pending("next")).await.unwrap();
        let left: Vec<String> = LoginState::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.state)
            .collect();
        assert!(!left.contains(&"abandoned".to_owned()), "{label}: {left:?}");
        assert!(left.contains(&"waiting".to_owned()), "{label}: {left:?}");
        assert!(left.contains(&"next".to_owned()), "{label}: {left:?}");

        // A state is one login: starting a second with the same one fails rather than replacing the first.
        assert!(login::begin(db, &pending("next")).await.is_err(), "{label}");
    }
}
