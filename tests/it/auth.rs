//! Signing in and out, sessions, throttling, passwords.

use chrono::Duration;
use reclaim::model::user::Role;
use reclaim::repo::users;

use crate::helpers::{Browser, PASSWORD, TestApp, location, session_cookie, spawn_app};

#[tokio::test]
async fn pages_need_a_session_and_send_you_to_sign_in_and_back() {
    let app = spawn_app().await;
    let response = app.browser.get("/admin/users?x=1").await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/login?next=%2Fadmin%2Fusers%3Fx%3D1");

    let login_page = app.browser.get_html("/login?next=%2Fclients").await;
    assert!(login_page.contains("name=\"csrf_token\""));
    assert!(
        login_page.contains("value=\"/clients\""),
        "the page keeps where to go next"
    );

    app.create_user("ann.admin@firm.example", Role::Admin, None)
        .await;
    let response = app
        .browser
        .post_form(
            "/login",
            &[
                ("email", "Ann.Admin@Firm.example"),
                ("password", PASSWORD),
                ("next", "/clients"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        location(&response),
        "/clients",
        "e-mail addresses are not case-sensitive"
    );
    let dashboard = app.browser.get_html("/").await;
    assert!(dashboard.contains("Ann Admin"));
    assert!(dashboard.contains("Sign out"));
}

#[tokio::test]
async fn a_link_to_another_site_is_not_followed_after_sign_in() {
    let app = spawn_app().await;
    app.create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let response = app
        .browser
        .post_form(
            "/login",
            &[
                ("email", "lea.lawyer@firm.example"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn the_session_is_renewed_at_sign_in() {
    let app = spawn_app().await;
    app.create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let before = session_cookie(&app.browser.get("/login").await).expect("a session for the form");
    let response = app.browser.login("lea.lawyer@firm.example", PASSWORD).await;
    let after = session_cookie(&response).expect("a new session cookie");
    assert_ne!(before, after);
    // The old cookie (a fixated session) does not give access.
    let attacker = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = attacker
        .get(app.url("/"))
        .header("Cookie", before)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let app = spawn_app().await;
    app.create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;

    let wrong = app
        .browser
        .login("lea.lawyer@firm.example", "not the right password")
        .await;
    assert_eq!(wrong.status().as_u16(), 422);
    let wrong = wrong.text().await.unwrap();
    assert!(wrong.contains("The e-mail address or password is incorrect."));
    assert!(
        wrong.contains("value=\"lea.lawyer@firm.example\""),
        "the form keeps the address"
    );

    let unknown = app.browser.login("nobody@firm.example", PASSWORD).await;
    assert_eq!(unknown.status().as_u16(), 422);
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("The e-mail address or password is incorrect.")
    );

    let malformed = app.browser.login("not an address", PASSWORD).await;
    assert_eq!(malformed.status().as_u16(), 422);
    assert!(
        malformed
            .text()
            .await
            .unwrap()
            .contains("Enter the e-mail address of your account")
    );

    assert_eq!(
        app.browser.get("/").await.status().as_u16(),
        303,
        "still signed out"
    );
    let actions = app.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "user.login_failed").count(),
        2
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    app.create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    for _ in 0..5 {
        let r = app
            .browser
            .login("lea.lawyer@firm.example", "guess guess guess")
            .await;
        assert_eq!(r.status().as_u16(), 422);
    }
    // Now even the right password is refused, with a time to come back.
    let locked = app.browser.login("lea.lawyer@firm.example", PASSWORD).await;
    assert_eq!(locked.status().as_u16(), 429);
    assert_eq!(locked.headers()["retry-after"], "900");
    let text = locked.text().await.unwrap();
    assert!(
        text.contains("Too many failed sign-in attempts for this account. Try again in 15 minutes"),
        "{text}"
    );

    // Another account is not affected.
    app.create_user("pat.paralegal@firm.example", Role::Paralegal, None)
        .await;
    let other = app
        .new_browser()
        .login("pat.paralegal@firm.example", PASSWORD)
        .await;
    assert_eq!(other.status().as_u16(), 303);

    app.clock.advance(Duration::minutes(15));
    let again = app.browser.login("lea.lawyer@firm.example", PASSWORD).await;
    assert_eq!(
        again.status().as_u16(),
        303,
        "the lock lifts after the window"
    );
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    app.signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let response = app.browser.post_form("/logout", &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/login");
    assert_eq!(app.browser.get("/").await.status().as_u16(), 303);
    assert!(
        app.audit_actions()
            .await
            .contains(&"user.logout".to_owned())
    );
}

/// Issue 14 (8): a copy of the session cookie kept working after Sign out, up to 12 hours.
#[tokio::test]
async fn a_copied_session_cookie_stops_working_at_sign_out() {
    let app = spawn_app().await;
    app.create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let signed_in = app.browser.login("lea.lawyer@firm.example", PASSWORD).await;
    assert_eq!(signed_in.status().as_u16(), 303);
    let copied = session_cookie(&signed_in).expect("the signed-in session's cookie");
    let with_copy = |path: &'static str| {
        let (copied, url) = (copied.clone(), app.url(path));
        async move {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .get(url)
                .header("cookie", copied)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        with_copy("/account").await,
        200,
        "the copy works while signed in"
    );

    let response = app.browser.post_form("/logout", &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        with_copy("/account").await,
        303,
        "the copy is signed out too"
    );

    // Signing in again starts a new session, which works.
    let again = app.browser.login("lea.lawyer@firm.example", PASSWORD).await;
    assert_eq!(again.status().as_u16(), 303);
    assert_eq!(app.browser.get("/account").await.status().as_u16(), 200);

    // Ended sessions are forgotten once they would have expired anyway.
    app.clock.advance(Duration::hours(13));
    assert_eq!(
        reclaim::jobs::run(&app.state, "prune").await.unwrap(),
        "1 sign-in record(s) and 1 ended session(s) forgotten"
    );
}

#[tokio::test]
async fn sign_out_everywhere_ends_sessions_on_every_device() {
    let app = spawn_app().await;
    app.signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let phone = Browser::new(&app.address);
    assert_eq!(
        phone
            .login("lea.lawyer@firm.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(phone.get("/").await.status().as_u16(), 200);

    let response = app
        .browser
        .post_form("/account/sign-out-everywhere", &[])
        .await;
    assert_eq!(location(&response), "/login");
    assert_eq!(
        phone.get("/").await.status().as_u16(),
        303,
        "the phone is signed out"
    );
    assert_eq!(app.browser.get("/").await.status().as_u16(), 303);
    assert!(
        app.audit_actions()
            .await
            .contains(&"user.signed_out_everywhere".to_owned())
    );
}

#[tokio::test]
async fn a_session_lasts_a_working_day() {
    let app = spawn_app().await;
    app.signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    app.clock.advance(Duration::hours(11));
    assert_eq!(app.browser.get("/").await.status().as_u16(), 200);
    app.clock.advance(Duration::hours(2));
    assert_eq!(app.browser.get("/").await.status().as_u16(), 303);
}

#[tokio::test]
async fn a_deactivated_account_cannot_sign_in_and_loses_its_sessions() {
    let app = spawn_app().await;
    let admin = app.new_browser();
    app.create_user("ann.admin@firm.example", Role::Admin, None)
        .await;
    assert_eq!(
        admin
            .login("ann.admin@firm.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    let lea = app
        .signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;

    let response = admin
        .post_form(
            &format!("/admin/users/{}", lea.id),
            &[("name", "Lea Lawyer"), ("role", "lawyer")],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "saved without the active box ticked"
    );
    assert_eq!(
        app.browser.get("/").await.status().as_u16(),
        303,
        "her session ended"
    );

    let refused = app.browser.login("lea.lawyer@firm.example", PASSWORD).await;
    assert_eq!(refused.status().as_u16(), 403);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("This account is deactivated")
    );
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    let app = spawn_app().await;
    let user = app
        .create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let stored = app
        .state
        .db
        .run(move |c| users::find(c, &user.id))
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    assert!(stored.starts_with("$argon2id$v=19$"), "{stored}");
    assert!(!stored.contains(PASSWORD));
}

#[tokio::test]
async fn changing_the_password_checks_the_old_one_and_signs_out_other_devices() {
    let app = spawn_app().await;
    app.signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let laptop = app.new_browser();
    laptop.login("lea.lawyer@firm.example", PASSWORD).await;

    let new_password = "a brand new passphrase for lea";
    let wrong_current = app
        .browser
        .post_form(
            "/account/password",
            &[
                ("current_password", "wrong"),
                ("new_password", new_password),
                ("new_password_confirm", new_password),
            ],
        )
        .await;
    assert_eq!(wrong_current.status().as_u16(), 422);
    assert!(
        wrong_current
            .text()
            .await
            .unwrap()
            .contains("This is not your current password.")
    );

    let too_short = app
        .browser
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "short"),
                ("new_password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(too_short.status().as_u16(), 422);
    assert!(
        too_short
            .text()
            .await
            .unwrap()
            .contains("at least 15 characters")
    );

    let changed = app
        .browser
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
                ("new_password_confirm", new_password),
            ],
        )
        .await;
    assert_eq!(changed.status().as_u16(), 303);
    assert!(
        app.browser
            .get_html("/account")
            .await
            .contains("Your password was changed")
    );
    assert_eq!(
        laptop.get("/").await.status().as_u16(),
        303,
        "the other device is signed out"
    );

    let fresh = app.new_browser();
    assert_eq!(
        fresh
            .login("lea.lawyer@firm.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        422
    );
    assert_eq!(
        fresh
            .login("lea.lawyer@firm.example", new_password)
            .await
            .status()
            .as_u16(),
        303
    );
}

/// Rows of the throttle's two tables.
async fn throttle_rows(app: &TestApp) -> (i64, i64) {
    app.state
        .db
        .run(|c| {
            use diesel::prelude::*;
            use reclaim::db::schema::{known_sign_ins, sign_in_throttles};
            Ok::<_, reclaim::db::DbError>((
                sign_in_throttles::table.count().get_result::<i64>(c)?,
                known_sign_ins::table.count().get_result::<i64>(c)?,
            ))
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn the_prune_job_forgets_sign_in_counters_that_no_longer_count() {
    let app = spawn_app().await;
    app.create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    for _ in 0..3 {
        app.browser
            .login("lea.lawyer@firm.example", "guess guess guess")
            .await;
    }
    app.clock.advance(Duration::minutes(10));
    app.browser.login("lea.lawyer@firm.example", PASSWORD).await;
    // The account's counter, the address's, and the address the account signed in from.
    assert_eq!(throttle_rows(&app).await, (2, 1));

    // The address's three failures still count for the day's backoff.
    assert_eq!(
        reclaim::jobs::run(&app.state, "prune").await.unwrap(),
        "1 sign-in record(s) and 0 ended session(s) forgotten",
        "only the account's counter, reset by the right password, has nothing left to say"
    );
    app.clock
        .advance(Duration::hours(24) + Duration::minutes(1));
    assert_eq!(
        reclaim::jobs::run(&app.state, "prune").await.unwrap(),
        "1 sign-in record(s) and 0 ended session(s) forgotten"
    );
    assert_eq!(throttle_rows(&app).await, (0, 1));
    app.clock.advance(Duration::days(90));
    reclaim::jobs::run(&app.state, "prune").await.unwrap();
    assert_eq!(throttle_rows(&app).await, (0, 0));
    // The audit log keeps the failures.
    let actions = app.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "user.login_failed").count(),
        3
    );
}

/// The status of a sign-in: 303 signed in, 422 refused, 429 throttled.
async fn sign_in_status(browser: &Browser, email: &str, password: &str) -> u16 {
    browser.login(email, password).await.status().as_u16()
}

/// The attack of issue 14: a hundred sign-ins for one account at once, the right password
/// among them. Reading the failures, deciding, checking and recording were separate steps, so
/// all hundred passwords were checked and the right one got in.
#[tokio::test]
async fn concurrent_sign_ins_check_no_more_guesses_than_the_limit() {
    let app = spawn_app().await;
    app.create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let attempts = (0..100).map(|i| {
        let browser = app.new_browser();
        async move {
            // The right password last, where a sequential attacker would reach it.
            let password = if i == 99 {
                PASSWORD.to_owned()
            } else {
                format!("guess number {i}")
            };
            browser
                .login("lea.lawyer@firm.example", &password)
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s != 429).count();
    assert!(
        checked <= 5,
        "{checked} of 100 passwords were checked: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [303, 422, 429].contains(s)),
        "{statuses:?}"
    );
    let failures = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|a| a == "user.login_failed")
        .count();
    assert_eq!(
        failures,
        statuses.iter().filter(|s| **s == 422).count(),
        "every checked wrong password is audited"
    );
}

#[tokio::test]
async fn an_address_guessing_many_accounts_waits_but_the_firm_behind_it_signs_in() {
    let app = spawn_app().await;
    // The administrator signs in first, from the firm's address.
    app.signed_in("ada@firm.example", Role::Admin, None).await;
    app.create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    app.create_user("pat.paralegal@firm.example", Role::Paralegal, None)
        .await;
    // Lea has signed in from this address before: it is her firm's proxy.
    assert_eq!(
        sign_in_status(&app.new_browser(), "lea.lawyer@firm.example", PASSWORD).await,
        303
    );
    // Password spraying from the same address: thirty accounts, one guess each.
    for i in 0..30 {
        let r = app
            .new_browser()
            .login(&format!("someone{i}@firm.example"), "Spring2026!")
            .await;
        assert_eq!(r.status().as_u16(), 422, "guess {i}");
    }
    let refused = app
        .new_browser()
        .login("pat.paralegal@firm.example", PASSWORD)
        .await;
    assert_eq!(refused.status().as_u16(), 429);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("Too many failed sign-in attempts from your network address"),
        "{text}"
    );
    // Lea, who signs in from this address, is not locked out with the sprayer.
    assert_eq!(
        sign_in_status(&app.new_browser(), "lea.lawyer@firm.example", PASSWORD).await,
        303
    );
    // Pat from another address is not affected either.
    let elsewhere = Browser::connecting_from(&app.address, Some("127.0.0.2".parse().unwrap()));
    assert_eq!(
        sign_in_status(&elsewhere, "pat.paralegal@firm.example", PASSWORD).await,
        303
    );

    // The administrator sees the lock and lifts it.
    let admin_browser = &app.browser;
    let page = admin_browser.get_html("/admin/users").await;
    assert!(page.contains("Network address"), "{page}");
    assert!(page.contains("127.0.0.1"), "{page}");
    let lifted = admin_browser
        .post_form(
            "/admin/sign-in-locks/lift",
            &[("scope", "address"), ("subject", "127.0.0.1")],
        )
        .await;
    assert_eq!(lifted.status().as_u16(), 303);
    assert_eq!(
        sign_in_status(&app.new_browser(), "pat.paralegal@firm.example", PASSWORD).await,
        303,
        "the lock is lifted"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"user.sign_in_lock_lifted".to_owned())
    );
    // A lock that does not exist (any more) says so.
    let again = admin_browser
        .post_form(
            "/admin/sign-in-locks/lift",
            &[("scope", "address"), ("subject", "203.0.113.9")],
        )
        .await;
    assert_eq!(again.status().as_u16(), 404);
}

#[tokio::test]
async fn locks_grow_longer_while_the_guessing_goes_on_and_an_administrator_lifts_them() {
    let app = spawn_app().await;
    app.signed_in("ada@firm.example", Role::Admin, None).await;
    app.create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let guess = |n: usize| {
        let app = &app;
        async move {
            for _ in 0..n {
                app.new_browser()
                    .login("lea.lawyer@firm.example", "guess guess guess")
                    .await;
            }
        }
    };
    guess(5).await;
    app.clock.advance(Duration::minutes(15));
    guess(5).await;
    let second = app
        .new_browser()
        .login("lea.lawyer@firm.example", PASSWORD)
        .await;
    assert_eq!(second.status().as_u16(), 429);
    assert_eq!(
        second.headers()["retry-after"],
        "1800",
        "the second lock lasts twice as long"
    );

    let admin_browser = &app.browser;
    let page = admin_browser.get_html("/admin/users").await;
    assert!(page.contains("lea.lawyer@firm.example"), "{page}");
    let lifted = admin_browser
        .post_form(
            "/admin/sign-in-locks/lift",
            &[("scope", "account"), ("subject", "lea.lawyer@firm.example")],
        )
        .await;
    assert_eq!(lifted.status().as_u16(), 303);
    assert_eq!(
        sign_in_status(&app.new_browser(), "lea.lawyer@firm.example", PASSWORD).await,
        303
    );
}
