//! Sign-in rules an outside review broke (issue 14): an email the provider did not verify claims nothing, the
//! page after sign-in stays on our origin, and the provider's error text is not shown as ours.
use mesh::entity::prelude::*;
use mesh::kinds::TeamRole;
use mesh::testing::databases;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::auth::{app_with_oidc, begin_with, location, sets_session_cookie, whoami};
use crate::helpers::{browser, TestApp, OWNER};
use crate::oidc::OidcServer;

/// Signs `client` in through `provider` as whoever the OIDC server currently says; returns where the app
/// sends the browser afterwards.
async fn sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    provider: &str,
    return_to: &str,
) -> String {
    let callback = begin_with(app, client, provider, return_to).await;
    let done = client.get(&callback).send().await.unwrap();
    assert_eq!(done.status(), 303, "{}", app.label());
    assert!(
        sets_session_cookie(&done),
        "{}: signed in, then sent to {}",
        app.label(),
        location(&done)
    );
    location(&done)
}

async fn user_with_email(app: &TestApp, email: &str) -> Option<user::Model> {
    User::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.db.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_unverified_email_for_an_admin_address_gets_neither_the_address_nor_admin() {
    let oidc = OidcServer::start();
    for db in databases().await {
        let app = app_with_oidc(db, &oidc, &[("AGORA_ADMIN_EMAILS", "root@corp.example")]).await;
        oidc.set(json!({
            "sub": "mallory",
            "email": "root@corp.example",
            "email_verified": false,
            "name": "Mallory",
        }))
        .await;
        let client = browser();
        sign_in(&app, &client, "test", "/").await;
        let me = whoami(&app, &client).await;
        assert_eq!(me["name"], "Mallory", "{}: {me}", app.label());
        assert_eq!(me["is_admin"], false, "{}: {me}", app.label());
        assert_ne!(me["email"], "root@corp.example", "{}: {me}", app.label());
        assert!(
            user_with_email(&app, "root@corp.example").await.is_none(),
            "{}: nobody holds an address no provider verified",
            app.label()
        );

        // GitHub: only the verified primary email counts, not the profile's public email.
        oidc.set(
            json!({"sub": "mallory-gh", "public_email": "root@corp.example", "name": "Mallory GH"}),
        )
        .await;
        let client = browser();
        sign_in(&app, &client, "gh", "/").await;
        let me = whoami(&app, &client).await;
        assert_eq!(me["name"], "Mallory GH", "{}: {me}", app.label());
        assert_eq!(me["is_admin"], false, "{}: {me}", app.label());
        assert_ne!(me["email"], "root@corp.example", "{}: {me}", app.label());
        assert!(user_with_email(&app, "root@corp.example").await.is_none());

        // The same address verified makes its user the admin it names.
        oidc.set(json!({"sub": "root", "email": "root@corp.example", "email_verified": true, "name": "Root"}))
            .await;
        let client = browser();
        sign_in(&app, &client, "test", "/").await;
        let me = whoami(&app, &client).await;
        assert_eq!(me["is_admin"], true, "{}: {me}", app.label());
        assert_eq!(me["email"], "root@corp.example");
    }
}

#[tokio::test]
async fn a_verified_person_never_lands_in_the_user_an_unverified_claim_made() {
    let oidc = OidcServer::start();
    for db in databases().await {
        // The demo personas stay on so a team owner can add people.
        let app = app_with_oidc(db, &oidc, &[("AGORA_DEMO_LOGIN", "true")]).await;
        let victim_email = "victim@corp.example";

        // The attacker's provider account claims the victim's address without verifying it.
        oidc.set(json!({"sub": "attacker", "email": victim_email, "email_verified": false, "name": "Attacker"}))
            .await;
        let attacker = browser();
        sign_in(&app, &attacker, "test", "/").await;
        let attacker_user = User::find()
            .filter(user::Column::Name.eq("Attacker"))
            .one(&app.db.db)
            .await
            .unwrap()
            .expect("the attacker has a user of their own");
        assert_ne!(attacker_user.email, victim_email, "{}", app.label());
        assert!(!attacker_user.email_verified);

        // A team owner adding the victim by email does not add the attacker.
        let owner = app.client_as(OWNER).await;
        let owner_id = mesh::access::identity::find_by_email(&app.db.db, OWNER)
            .await
            .unwrap()
            .id;
        let team_id = Membership::find()
            .filter(membership::Column::UserId.eq(owner_id))
            .all(&app.db.db)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.role == TeamRole::Owner)
            .expect("the owner persona owns a team")
            .team_id
            .to_string();
        let (status, body) = app
            .call(
                &owner,
                "put_member",
                &[
                    ("team_id", &team_id),
                    ("email", victim_email),
                    ("role", "member"),
                ],
            )
            .await;
        assert_ne!(status, 200, "{}: {body}", app.label());
        let attacker_teams = Membership::find()
            .filter(membership::Column::UserId.eq(attacker_user.id))
            .all(&app.db.db)
            .await
            .unwrap();
        assert!(
            attacker_teams.is_empty(),
            "{}: {attacker_teams:?}",
            app.label()
        );

        // The real person signs in with the address verified: a user of their own, holding the address.
        oidc.set(json!({"sub": "victim", "email": victim_email, "email_verified": true, "name": "Victim"}))
            .await;
        let victim = browser();
        sign_in(&app, &victim, "test", "/").await;
        let me = whoami(&app, &victim).await;
        assert_eq!(me["name"], "Victim", "{}: {me}", app.label());
        assert_eq!(me["email"], victim_email);
        let victim_user = user_with_email(&app, victim_email).await.unwrap();
        assert_ne!(victim_user.id, attacker_user.id, "{}", app.label());
        let links = Identity::find()
            .filter(identity::Column::UserId.eq(attacker_user.id))
            .all(&app.db.db)
            .await
            .unwrap();
        assert_eq!(
            links.len(),
            1,
            "only the attacker's own identity: {links:?}"
        );

        // The victim's token is not the attacker's to see.
        let (status, created) = app
            .call(
                &victim,
                "create_token",
                &[
                    ("name", "victim-ci"),
                    ("scope_read", "on"),
                    ("expires_in_days", "30"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{created}");
        oidc.set(json!({"sub": "attacker", "email": victim_email, "email_verified": false, "name": "Attacker"}))
            .await;
        let attacker = browser();
        sign_in(&app, &attacker, "test", "/").await;
        let (status, tokens) = app.call(&attacker, "list_tokens", &[]).await;
        assert_eq!(status, 200, "{tokens}");
        assert!(
            !tokens.to_string().contains("victim-ci"),
            "{}: the attacker sees {tokens}",
            app.label()
        );
        assert_ne!(whoami(&app, &attacker).await["email"], victim_email);
    }
}

#[tokio::test]
async fn an_identity_learns_its_email_once_its_provider_verifies_it() {
    let oidc = OidcServer::start();
    for db in databases().await {
        let app = app_with_oidc(
            db,
            &oidc,
            &[("AGORA_ADMIN_EMAILS", "new.hire@corp.example")],
        )
        .await;
        oidc.set(json!({"sub": "new-hire", "email": "new.hire@corp.example", "email_verified": false, "name": "New Hire"}))
            .await;
        let client = browser();
        sign_in(&app, &client, "test", "/").await;
        assert_eq!(whoami(&app, &client).await["is_admin"], false);
        oidc.set(json!({"email_verified": true})).await;
        let client = browser();
        sign_in(&app, &client, "test", "/").await;
        let me = whoami(&app, &client).await;
        assert_eq!(
            me["email"],
            "new.hire@corp.example",
            "{}: {me}",
            app.label()
        );
        assert_eq!(me["is_admin"], true, "{}: {me}", app.label());
        assert_eq!(
            User::find()
                .filter(user::Column::Name.eq("New Hire"))
                .all(&app.db.db)
                .await
                .unwrap()
                .len(),
            1,
            "still one user"
        );
    }
}

/// `return_to` values that must not take the browser anywhere but `/`.
const FOREIGN: [&str; 10] = [
    "/\t/evil.example",
    "//evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "/%09/evil.example",
    "/\r\n/evil.example",
    "/%5c/evil.example",
    "javascript:alert(1)",
    " //evil.example",
];

/// `location` as a browser reads it: resolved against the page, tabs and newlines dropped.
fn assert_same_origin_path(app: &TestApp, location: &str, return_to: &str) {
    assert!(location.starts_with('/'), "{return_to:?} → {location:?}");
    let base = reqwest::Url::parse(&app.address).unwrap();
    let target = base.join(location).unwrap();
    assert_eq!(
        target.origin(),
        base.origin(),
        "{}: {return_to:?} → {location:?}",
        app.label()
    );
}

#[tokio::test]
async fn return_to_after_sign_in_never_leaves_the_origin() {
    let oidc = OidcServer::start();
    for db in databases().await {
        let app = app_with_oidc(db, &oidc, &[]).await;
        for return_to in FOREIGN {
            let to = sign_in(&app, &browser(), "test", return_to).await;
            assert_same_origin_path(&app, &to, return_to);
            assert_eq!(to, "/", "{}: {return_to:?} → {to:?}", app.label());
        }
        let to = sign_in(&app, &browser(), "test", "/products?q=a").await;
        assert_eq!(to, "/products?q=a", "a path on our origin is kept");

        // The callback checks the stored value again, whatever put it there.
        let client = browser();
        let callback = begin_with(&app, &client, "test", "/products").await;
        for row in LoginState::find().all(&app.db.db).await.unwrap() {
            let mut active: login_state::ActiveModel = row.into();
            active.return_to = Set("/\t/evil.example".into());
            active.update(&app.db.db).await.unwrap();
        }
        let done = client.get(&callback).send().await.unwrap();
        assert!(sets_session_cookie(&done));
        assert_eq!(location(&done), "/", "{}", app.label());
    }
}

#[tokio::test]
async fn return_to_after_demo_sign_in_never_leaves_the_origin() {
    for app in crate::helpers::apps().await {
        let demo = |return_to: &'static str| {
            let app = &app;
            async move {
                let response = browser()
                    .post(app.url("/auth/demo"))
                    .form(&[("email", OWNER), ("return_to", return_to)])
                    .send()
                    .await
                    .unwrap();
                assert!(sets_session_cookie(&response), "{}", app.label());
                location(&response)
            }
        };
        for return_to in FOREIGN {
            let to = demo(return_to).await;
            assert_same_origin_path(&app, &to, return_to);
            assert_eq!(to, "/", "{}: {return_to:?} → {to:?}", app.label());
        }
        assert_eq!(demo("/products?q=a").await, "/products?q=a");
    }
}

#[tokio::test]
async fn the_login_page_tells_provider_errors_in_our_words() {
    let oidc = OidcServer::start();
    for db in databases().await {
        let app = app_with_oidc(db, &oidc, &[]).await;
        let planted = "Your account is locked. Call +1-555-0100 to unlock it";
        for (code, shown) in [
            (
                "access_denied",
                "the sign-in was cancelled or the provider denied access",
            ),
            (
                "made_up_error",
                "the sign-in provider could not complete the sign-in; start it again",
            ),
        ] {
            let client = browser();
            begin_with(&app, &client, "test", "/").await;
            let response = client
                .get(app.url("/auth/test/callback"))
                .query(&[
                    ("error", code),
                    ("error_description", planted),
                    ("state", "x"),
                ])
                .send()
                .await
                .unwrap();
            let to = location(&response);
            assert!(to.starts_with("/login?error="), "{}: {to}", app.label());
            assert!(!sets_session_cookie(&response));
            let (_, page) = app.get_text(&to).await;
            assert!(page.contains(shown), "{}: {to}", app.label());
            assert!(!page.contains("555-0100"), "{}", app.label());
        }
        // A link that puts its own words in `?error=` gets the generic sentence, not its text.
        let crafted = format!("/login?error={}", urlencoding::encode(planted));
        let (_, page) = app.get_text(&crafted).await;
        assert!(!page.contains("555-0100"), "{}", app.label());
        assert!(
            page.contains("the sign-in provider could not complete the sign-in"),
            "{}",
            app.label()
        );
    }
}
