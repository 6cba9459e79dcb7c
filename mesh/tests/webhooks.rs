//! Registering webhooks: where they may point (https in production, no internal addresses unless allowed), on
//! SQLite and PostgreSQL.
use mesh::activity::webhooks::{self, TargetRules};
use mesh::testing::people::DAN;
use mesh::testing::{databases, viewer};
use mesh::{DatabaseConnection, Error, FieldError};

async fn url_error(db: &DatabaseConnection, rules: TargetRules, url: &str) -> Option<String> {
    let dan = viewer(db, DAN).await;
    match webhooks::create(db, &dan, &rules, "marketing-analytics", url, &["*".into()]).await {
        Ok(_) => None,
        Err(Error::Invalid(fields)) => fields
            .into_iter()
            .find(|f: &FieldError| f.field == "url")
            .map(|f| f.message),
        Err(other) => panic!("{url}: {other}"),
    }
}

#[tokio::test]
async fn production_takes_public_https_targets_only() {
    let production = TargetRules {
        allow_private: false,
        require_https: true,
    };
    let development = TargetRules {
        allow_private: false,
        require_https: false,
    };
    let lab = TargetRules {
        allow_private: true,
        require_https: false,
    };
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        assert_eq!(
            url_error(db, production, "http://hooks.example/agora")
                .await
                .as_deref(),
            Some("give an https:// URL"),
            "{}",
            t.label
        );
        assert_eq!(
            url_error(db, production, "https://hooks.example/agora").await,
            None
        );
        assert_eq!(
            url_error(db, development, "http://hooks.example/agora").await,
            None
        );
        for url in [
            "https://10.1.2.3/hook",
            "https://[fd00::1]/hook",
            "https://[::ffff:169.254.169.254]/",
            "http://localhost:8080/hook",
        ] {
            assert_eq!(
                url_error(db, development, url).await.as_deref(),
                Some("must not point to a loopback, private or link-local address"),
                "{}: {url}",
                t.label
            );
        }
        assert_eq!(
            url_error(db, lab, "http://127.0.0.1:9/hook").await,
            None,
            "{}",
            t.label
        );
        assert_eq!(
            url_error(db, production, "javascript:alert(1)")
                .await
                .as_deref(),
            Some("give an http:// or https:// URL")
        );
    }
}

#[tokio::test]
async fn registrations_racing_for_the_last_place_never_pass_the_cap() {
    let lab = TargetRules {
        allow_private: false,
        require_https: false,
    };
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        let team = "marketing-analytics";
        let already = hooks_of(db, team).await;
        for i in already..webhooks::MAX_WEBHOOKS_PER_TEAM - 1 {
            let url = format!("https://hooks.example/{i}");
            webhooks::create(db, &dan, &lab, team, &url, &["*".into()])
                .await
                .unwrap();
        }
        // One place is left and four registrations ask for it at once.
        let racers = (0..4).map(|i| {
            let (db, dan) = (db.clone(), dan.clone());
            tokio::spawn(async move {
                let url = format!("https://hooks.example/race-{i}");
                webhooks::create(&db, &dan, &lab, team, &url, &["*".into()]).await
            })
        });
        let mut won = 0;
        for racer in racers.collect::<Vec<_>>() {
            match racer.await.unwrap() {
                Ok(_) => won += 1,
                Err(Error::Conflict(_)) => {}
                Err(other) => panic!("{}: {other}", t.label),
            }
        }
        assert_eq!(won, 1, "{}", t.label);
        assert_eq!(
            hooks_of(db, team).await,
            webhooks::MAX_WEBHOOKS_PER_TEAM,
            "{}",
            t.label
        );
    }
}

async fn hooks_of(db: &DatabaseConnection, team_slug: &str) -> u64 {
    use mesh::entity::prelude::*;
    use mesh::entity::{team, webhook};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let team = Team::find()
        .filter(team::Column::Slug.eq(team_slug))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    Webhook::find()
        .filter(webhook::Column::TeamId.eq(team.id))
        .count(db)
        .await
        .unwrap()
}
