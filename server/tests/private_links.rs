//! Private links at rest: a partner's page, a contest entry and both kinds of private calendar
//! feed keep working while the database holds none of their tokens (only a hash and a sealed
//! copy); links made before sealing keep working once a start-up has sealed them; a change of
//! `SIAR_SECRET` moves them to the new key, and an unknown key stops start-up instead of
//! breaking each link.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestApp;
use common::links::{Links, Made, make_links, token_of};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use server::db::entities::{contest_entries, partners, users, volunteers};

const SECRET_A: &str = "first-sealing-secret-of-the-library-0001";
const SECRET_B: &str = "second-sealing-secret-of-the-library-0002";

/// Every row of the four tables that hold private tokens, as text.
async fn token_tables(app: &TestApp) -> String {
    let rows = [
        format!("{:?}", users::Entity::find().all(&app.db).await.unwrap()),
        format!(
            "{:?}",
            volunteers::Entity::find().all(&app.db).await.unwrap()
        ),
        format!("{:?}", partners::Entity::find().all(&app.db).await.unwrap()),
        format!(
            "{:?}",
            contest_entries::Entity::find().all(&app.db).await.unwrap()
        ),
    ];
    rows.join("\n")
}

/// Asks `app` for what each link opens (the API's answer for the two pages, whose status
/// says whether the token was found), and fails unless every one is there.
async fn assert_links_open(app: &TestApp, links: &Links, when: &str) {
    let paths = [
        format!("/api/v1/partner-access/{}", token_of(&links.partner)),
        format!("/api/v1/contest-entries/{}", token_of(&links.entry)),
        format!("/calendar/me/{}.ics", token_of(&links.staff_feed)),
        format!("/calendar/me/{}.ics", token_of(&links.volunteer_feed)),
    ];
    for path in paths {
        let response = app.client.get(app.at(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path} {when}");
    }
    let wrong = format!("/api/v1/partner-access/{}", "x".repeat(43));
    let response = app.client.get(app.at(&wrong)).send().await.unwrap();
    assert_eq!(response.status(), 404, "an unknown token opens nothing");
}

#[tokio::test]
async fn a_copy_of_the_database_opens_no_private_link() {
    let app = TestApp::spawn().await;
    let Made {
        staff,
        partner,
        links,
        ..
    } = make_links(&app).await;
    let tables = token_tables(&app).await;
    for (kind, url) in links.all() {
        let token = token_of(url);
        assert_eq!(token.len(), 43, "{kind}: {url}");
        assert!(!tables.contains(&token), "the {kind} token is stored as is");
    }
    assert_links_open(&app, &links, "made just now").await;
    // Shown again, the links are the same ones.
    let again = staff
        .get_json(&format!(
            "/api/v1/partners/{}/access-link",
            partner["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(again["url"], links.partner.as_str());
    assert_eq!(
        staff.get_json("/api/v1/me/calendar").await["url"],
        links.staff_feed.as_str()
    );
}

#[tokio::test]
async fn links_stored_before_sealing_keep_working_and_are_sealed_at_start_up() {
    let app = TestApp::spawn().await;
    let Made {
        staff,
        partner,
        links,
        ..
    } = make_links(&app).await;
    // Put the rows back as the previous release wrote them: the plain token, nothing sealed.
    let partner_token = token_of(&links.partner);
    partners::Entity::update_many()
        .col_expr(
            partners::Column::AccessToken,
            Expr::value(partner_token.clone()),
        )
        .col_expr(
            partners::Column::AccessTokenSealed,
            Expr::value(Option::<String>::None),
        )
        .exec(&app.db)
        .await
        .unwrap();
    contest_entries::Entity::update_many()
        .col_expr(
            contest_entries::Column::AccessToken,
            Expr::value(token_of(&links.entry)),
        )
        .col_expr(
            contest_entries::Column::AccessTokenSealed,
            Expr::value(Option::<String>::None),
        )
        .exec(&app.db)
        .await
        .unwrap();
    users::Entity::update_many()
        .col_expr(
            users::Column::CalendarToken,
            Expr::value(token_of(&links.staff_feed)),
        )
        .col_expr(
            users::Column::CalendarTokenSealed,
            Expr::value(Option::<String>::None),
        )
        .filter(users::Column::CalendarToken.is_not_null())
        .exec(&app.db)
        .await
        .unwrap();
    volunteers::Entity::update_many()
        .col_expr(
            volunteers::Column::CalendarToken,
            Expr::value(token_of(&links.volunteer_feed)),
        )
        .col_expr(
            volunteers::Column::CalendarTokenSealed,
            Expr::value(Option::<String>::None),
        )
        .exec(&app.db)
        .await
        .unwrap();
    assert!(token_tables(&app).await.contains(&partner_token));

    // A new release starts beside the old instance and seals them.
    let upgraded = app.another_instance().await;
    let tables = token_tables(&app).await;
    for (kind, url) in links.all() {
        assert!(
            !tables.contains(&token_of(url)),
            "the {kind} token is still plain"
        );
    }
    assert_links_open(&upgraded, &links, "after sealing").await;
    assert_links_open(&app, &links, "after sealing, on the first instance").await;
    let shown = staff
        .get_json(&format!(
            "/api/v1/partners/{}/access-link",
            partner["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        shown["url"],
        links.partner.as_str(),
        "the partner keeps its link"
    );
}

#[tokio::test]
async fn a_new_siar_secret_takes_over_the_links_and_an_unknown_one_stops_start_up() {
    let app = TestApp::spawn().await;
    let Made { links, .. } = make_links(&app).await;
    let sealed_before = token_tables(&app).await;

    // The operator sets SIAR_SECRET after a first run on the generated key.
    let keyed = app
        .another_instance_with(&[("SIAR_SECRET", SECRET_A)])
        .await;
    assert_ne!(
        token_tables(&app).await,
        sealed_before,
        "resealed under the secret"
    );
    assert_links_open(&keyed, &links, "under SIAR_SECRET").await;

    // A different secret opens none of them: the server refuses to start, saying why.
    let mut vars = app.vars.clone();
    vars.insert("SIAR_SECRET".into(), SECRET_B.into());
    vars.insert("SIAR_BIND".into(), "127.0.0.1:0".into());
    let config = server::config::Config::from_vars(&vars).unwrap();
    let Err(refused) = server::app::App::build(config).await else {
        panic!("a server with another secret started");
    };
    assert!(refused.to_string().contains("SIAR_SECRET"), "{refused}");
    assert_links_open(&keyed, &links, "after the refused start").await;
}
