//! Two-factor sign-in: enrolment on the account page, the code after the password, wrong and
//! reused codes, recovery codes, the firm's requirement for staff, turning it off, the
//! administrator's reset, API tokens unaffected, and CSRF on every new form. Codes are computed
//! here from the secret the page shows, at the app's clock, with the library's own TOTP.

use chrono::Duration;
use reclaim::auth::totp::{self, Secret};
use reclaim::model::user::{Role, User};
use reqwest::Method;

use crate::helpers::{Browser, PASSWORD, TestApp, api, location, spawn_app};

/// The text between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    let to = html[from..].find(end)? + from;
    Some(&html[from..to])
}

/// The secret shown for manual entry on an enrolment page.
fn secret_on(html: &str) -> Secret {
    let text = between(html, "id=\"two-factor-secret\">", "</code>").expect("the secret shown");
    Secret::from_base32(text).expect("a base32 secret")
}

/// The recovery codes shown once after enrolment.
fn recovery_codes_on(html: &str) -> Vec<String> {
    let list = between(html, "id=\"recovery-codes\"", "</ul>").expect("recovery codes shown");
    list.split("<li><code>")
        .skip(1)
        .filter_map(|item| item.split("</code>").next())
        .map(str::to_owned)
        .collect()
}

fn code_now(app: &TestApp, secret: &Secret) -> String {
    totp::code_at(secret, app.clock_now().timestamp())
}

/// A code of the app that is wrong now (two steps ahead).
fn wrong_code(app: &TestApp, secret: &Secret) -> String {
    totp::code_for_step(secret, totp::step_at(app.clock_now().timestamp()) + 5)
}

/// The next 30-second step: a code of the step just used is refused.
fn next_step(app: &TestApp) {
    app.clock.advance(Duration::seconds(totp::STEP_SECS));
}

/// Enrols the user signed in on `browser` from the account page; returns the secret and the
/// recovery codes.
async fn enrol(app: &TestApp, browser: &Browser) -> (Secret, Vec<String>) {
    let started = browser.post_form("/account/two-factor/start", &[]).await;
    assert_eq!(started.status().as_u16(), 303);
    let page = browser.get_html("/account").await;
    assert!(page.contains("<svg"), "a QR code to scan");
    let secret = secret_on(&page);
    let confirmed = browser
        .post_form(
            "/account/two-factor/confirm",
            &[("code", &code_now(app, &secret))],
        )
        .await;
    assert_eq!(confirmed.status().as_u16(), 200);
    let codes = recovery_codes_on(&confirmed.text().await.unwrap());
    assert_eq!(codes.len(), totp::RECOVERY_CODES);
    next_step(app);
    (secret, codes)
}

/// Signs in with the password on a new browser; returns it and where it was sent.
async fn password_step(app: &TestApp, email: &str) -> (Browser, String) {
    let browser = app.new_browser();
    let response = browser.login(email, PASSWORD).await;
    assert_eq!(response.status().as_u16(), 303, "password of {email}");
    let to = location(&response);
    (browser, to)
}

async fn is_signed_in(browser: &Browser) -> bool {
    browser.get("/account").await.status().as_u16() == 200
}

async fn enrolled_lawyer(app: &TestApp) -> (User, Secret, Vec<String>) {
    let user = app
        .signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let (secret, codes) = enrol(app, &app.browser).await;
    (user, secret, codes)
}

#[tokio::test]
async fn enrolment_needs_a_right_code_then_sign_in_asks_for_one_and_refuses_it_twice() {
    let app = spawn_app().await;
    app.signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    app.browser
        .post_form("/account/two-factor/start", &[])
        .await;
    let page = app.browser.get_html("/account").await;
    let secret = secret_on(&page);
    let refused = app
        .browser
        .post_form(
            "/account/two-factor/confirm",
            &[("code", &wrong_code(&app, &secret))],
        )
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("This code is not right"), "{html}");
    assert!(html.contains("id=\"two-factor-secret\""), "still enrolling");

    let confirmed = app
        .browser
        .post_form(
            "/account/two-factor/confirm",
            &[("code", &code_now(&app, &secret))],
        )
        .await;
    assert_eq!(confirmed.status().as_u16(), 200);
    assert_eq!(
        recovery_codes_on(&confirmed.text().await.unwrap()).len(),
        10
    );
    let account = app.browser.get_html("/account").await;
    assert!(account.contains("badge on"));
    assert!(
        !account.contains(&secret.base32_grouped()) && !account.contains(&secret.base32()),
        "the secret is never shown again"
    );
    assert!(
        !account.contains("id=\"recovery-codes\""),
        "codes shown once"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"user.two_factor_on".to_owned())
    );

    // The password alone is not a session any more.
    let (browser, to) = password_step(&app, "lea.lawyer@firm.example").await;
    assert_eq!(to, "/login/code");
    assert!(!is_signed_in(&browser).await);
    assert_eq!(location(&browser.get("/").await), "/login?next=%2F");
    assert!(
        browser
            .get_html("/login/code")
            .await
            .contains("name=\"code\"")
    );
    next_step(&app);
    let code = code_now(&app, &secret);
    let signed = browser.post_form("/login/code", &[("code", &code)]).await;
    assert_eq!(signed.status().as_u16(), 303);
    assert_eq!(location(&signed), "/");
    assert!(is_signed_in(&browser).await);

    // The same code, on another sign-in within its 90 seconds of validity: refused.
    let (other, _) = password_step(&app, "lea.lawyer@firm.example").await;
    let reused = other.post_form("/login/code", &[("code", &code)]).await;
    assert_eq!(reused.status().as_u16(), 422);
    assert!(reused.text().await.unwrap().contains("already used"));
    assert!(!is_signed_in(&other).await);
}

#[tokio::test]
async fn five_wrong_codes_end_the_pending_sign_in_and_each_is_audited() {
    let app = spawn_app().await;
    let (_, secret, _) = enrolled_lawyer(&app).await;
    let (browser, _) = password_step(&app, "lea.lawyer@firm.example").await;
    let before = failures(&app).await;
    for attempt in 1..=4 {
        let refused = browser
            .post_form("/login/code", &[("code", &wrong_code(&app, &secret))])
            .await;
        assert_eq!(refused.status().as_u16(), 422, "attempt {attempt}");
        let left = 5 - attempt;
        assert!(
            refused
                .text()
                .await
                .unwrap()
                .contains(&format!("try {left} more time")),
            "attempt {attempt}"
        );
    }
    let fifth = browser
        .post_form("/login/code", &[("code", &wrong_code(&app, &secret))])
        .await;
    assert_eq!(fifth.status().as_u16(), 303);
    assert_eq!(location(&fifth), "/login");
    assert!(
        browser
            .get_html("/login")
            .await
            .contains("5 wrong codes: this sign-in has ended")
    );
    // Even the right code does not help now: the password comes first again.
    let right = browser
        .post_form("/login/code", &[("code", &code_now(&app, &secret))])
        .await;
    assert_eq!(location(&right), "/login");
    assert!(!is_signed_in(&browser).await);
    assert_eq!(failures(&app).await - before, 5);

    // A pending sign-in lasts 5 minutes.
    let (late, _) = password_step(&app, "lea.lawyer@firm.example").await;
    app.clock.advance(Duration::minutes(6));
    let expired = late
        .post_form("/login/code", &[("code", &code_now(&app, &secret))])
        .await;
    assert_eq!(location(&expired), "/login");
    assert!(!is_signed_in(&late).await);
}

#[tokio::test]
async fn someone_with_the_password_gets_20_wrong_codes_an_hour_over_all_sign_ins() {
    let app = spawn_app().await;
    let (_, secret, _) = enrolled_lawyer(&app).await;
    for sign_in in 1..=4 {
        let (browser, _) = password_step(&app, "lea.lawyer@firm.example").await;
        for _ in 0..5 {
            browser
                .post_form("/login/code", &[("code", &wrong_code(&app, &secret))])
                .await;
        }
        assert!(!is_signed_in(&browser).await, "sign-in {sign_in}");
    }
    let (browser, _) = password_step(&app, "lea.lawyer@firm.example").await;
    let refused = browser
        .post_form("/login/code", &[("code", &code_now(&app, &secret))])
        .await;
    assert_eq!(refused.status().as_u16(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Too many wrong codes for this account")
    );
    assert!(!is_signed_in(&browser).await);

    // An hour after the first wrong code, the right code works again.
    app.clock.advance(Duration::minutes(61));
    let (browser, _) = password_step(&app, "lea.lawyer@firm.example").await;
    let signed = browser
        .post_form("/login/code", &[("code", &code_now(&app, &secret))])
        .await;
    assert_eq!(signed.status().as_u16(), 303);
    assert!(is_signed_in(&browser).await);
}

async fn failures(app: &TestApp) -> usize {
    app.audit_actions()
        .await
        .iter()
        .filter(|a| *a == "user.login_failed")
        .count()
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_and_new_ones_replace_the_old() {
    let app = spawn_app().await;
    let (_, _, codes) = enrolled_lawyer(&app).await;
    let (browser, _) = password_step(&app, "lea.lawyer@firm.example").await;
    let typed = codes[3].to_uppercase();
    let signed = browser.post_form("/login/code", &[("code", &typed)]).await;
    assert_eq!(signed.status().as_u16(), 303);
    assert!(is_signed_in(&browser).await);
    assert!(
        browser
            .get_html("/account")
            .await
            .contains("You have 9 unused recovery codes")
    );

    let (again, _) = password_step(&app, "lea.lawyer@firm.example").await;
    let reused = again.post_form("/login/code", &[("code", &codes[3])]).await;
    assert_eq!(reused.status().as_u16(), 422);
    assert!(!is_signed_in(&again).await);

    let renewed = browser
        .post_form("/account/two-factor/recovery-codes", &[])
        .await;
    assert_eq!(renewed.status().as_u16(), 200);
    let fresh = recovery_codes_on(&renewed.text().await.unwrap());
    assert_eq!(fresh.len(), 10);
    let old = again.post_form("/login/code", &[("code", &codes[4])]).await;
    assert_eq!(old.status().as_u16(), 422, "the old codes stopped working");
    let new = again.post_form("/login/code", &[("code", &fresh[0])]).await;
    assert_eq!(new.status().as_u16(), 303);
    assert!(is_signed_in(&again).await);
}

#[tokio::test]
async fn the_firm_requires_it_of_staff_who_enrol_before_anything_else_and_not_of_clients() {
    let app = spawn_app().await;
    app.signed_in("ada.admin@firm.example", Role::Admin, None)
        .await;
    let lawyer = app
        .create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let client = app.create_client("Acme").await;
    app.create_user("carl@acme.example", Role::Client, Some(&client))
        .await;
    let token = app.api_token(&lawyer).await;
    let (before, _) = password_step(&app, "lea.lawyer@firm.example").await;
    assert!(is_signed_in(&before).await);

    let set = app
        .browser
        .post_form("/admin/two-factor", &[("required", "on")])
        .await;
    assert_eq!(set.status().as_u16(), 303);
    let users = app.browser.get_html("/admin/users").await;
    assert!(users.contains("name=\"required\" value=\"on\" checked"));
    assert!(
        users.contains("1 person without it was signed out") && users.contains("Set up yours now"),
        "{users}"
    );
    // The lawyer's session without a second factor ended; the administrator's did not.
    assert!(!is_signed_in(&before).await);
    assert!(
        app.audit_actions()
            .await
            .contains(&"firm.two_factor_requirement".to_owned())
    );

    // A client user is not forced.
    let (portal, to) = password_step(&app, "carl@acme.example").await;
    assert_eq!(to, "/");
    assert!(is_signed_in(&portal).await);

    // A lawyer without a second factor enrols first and can do nothing else meanwhile.
    let (browser, to) = password_step(&app, "lea.lawyer@firm.example").await;
    assert_eq!(to, "/login/enrol");
    for path in ["/", "/account", "/matters", "/login/code"] {
        let response = browser.get(path).await;
        assert_eq!(response.status().as_u16(), 303, "{path}");
        assert!(location(&response).starts_with("/login"), "{path}");
    }
    let page = browser.get_html("/login/enrol").await;
    assert!(page.contains("<svg") && page.contains("Your firm requires"));
    let secret = secret_on(&page);
    // The API token works all along: two-factor sign-in concerns browser sessions.
    let (status, _) = api(&app, Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(status, 200);

    let refused = browser
        .post_form("/login/enrol", &[("code", &wrong_code(&app, &secret))])
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(!is_signed_in(&browser).await);
    let enrolled = browser
        .post_form("/login/enrol", &[("code", &code_now(&app, &secret))])
        .await;
    assert_eq!(enrolled.status().as_u16(), 200);
    assert_eq!(recovery_codes_on(&enrolled.text().await.unwrap()).len(), 10);
    assert!(is_signed_in(&browser).await);

    // Staff cannot turn it off while the firm requires it.
    let off = browser
        .post_form(
            "/account/two-factor/off",
            &[("current_password", PASSWORD), ("code", "")],
        )
        .await;
    assert_eq!(off.status().as_u16(), 403);

    // Next time the code is asked for, as for anyone enrolled.
    next_step(&app);
    let (next, to) = password_step(&app, "lea.lawyer@firm.example").await;
    assert_eq!(to, "/login/code");
    let signed = next
        .post_form("/login/code", &[("code", &code_now(&app, &secret))])
        .await;
    assert_eq!(signed.status().as_u16(), 303);
    let (status, _) = api(&app, Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn api_tokens_work_whatever_the_second_factor() {
    let app = spawn_app().await;
    let (lawyer, _, _) = enrolled_lawyer(&app).await;
    let token = app.api_token(&lawyer).await;
    let (status, me) = api(&app, Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["email"], "lea.lawyer@firm.example");
}

#[tokio::test]
async fn turning_it_off_needs_the_password_or_a_code() {
    let app = spawn_app().await;
    let (_, secret, _) = enrolled_lawyer(&app).await;
    let nothing = app
        .browser
        .post_form(
            "/account/two-factor/off",
            &[("current_password", ""), ("code", "")],
        )
        .await;
    assert_eq!(nothing.status().as_u16(), 422);
    let wrong = app
        .browser
        .post_form(
            "/account/two-factor/off",
            &[("current_password", "not my password at all"), ("code", "")],
        )
        .await;
    assert_eq!(wrong.status().as_u16(), 422);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Enter your current password, or a code")
    );
    let off = app
        .browser
        .post_form(
            "/account/two-factor/off",
            &[("current_password", ""), ("code", &code_now(&app, &secret))],
        )
        .await;
    assert_eq!(off.status().as_u16(), 303);
    assert!(
        app.audit_actions()
            .await
            .contains(&"user.two_factor_off".to_owned())
    );
    let (browser, to) = password_step(&app, "lea.lawyer@firm.example").await;
    assert_eq!(to, "/");
    assert!(is_signed_in(&browser).await);
}

#[tokio::test]
async fn an_administrator_resets_a_lost_second_factor() {
    let app = spawn_app().await;
    let (lawyer, _, _) = enrolled_lawyer(&app).await;
    let admin = app.new_browser();
    app.create_user("ada.admin@firm.example", Role::Admin, None)
        .await;
    admin.login("ada.admin@firm.example", PASSWORD).await;
    let page = admin.get_html(&format!("/admin/users/{}", lawyer.id)).await;
    assert!(page.contains("Reset two-factor sign-in"));
    let reset = admin
        .post_form(&format!("/admin/users/{}/two-factor/reset", lawyer.id), &[])
        .await;
    assert_eq!(reset.status().as_u16(), 303);
    assert!(
        app.audit_actions()
            .await
            .contains(&"user.two_factor_reset".to_owned())
    );
    let (browser, to) = password_step(&app, "lea.lawyer@firm.example").await;
    assert_eq!(to, "/");
    assert!(is_signed_in(&browser).await);
    // Someone who is not an administrator cannot.
    let refused = browser
        .post_form(&format!("/admin/users/{}/two-factor/reset", lawyer.id), &[])
        .await;
    assert_eq!(refused.status().as_u16(), 403);
}

#[tokio::test]
async fn every_two_factor_form_needs_its_csrf_token() {
    let app = spawn_app().await;
    let (lawyer, secret, _) = enrolled_lawyer(&app).await;
    let code = code_now(&app, &secret);
    let signed_in_forms = [
        "/account/two-factor/start".to_owned(),
        "/account/two-factor/confirm".to_owned(),
        "/account/two-factor/recovery-codes".to_owned(),
        "/account/two-factor/off".to_owned(),
        "/admin/two-factor".to_owned(),
        format!("/admin/users/{}/two-factor/reset", lawyer.id),
    ];
    for path in &signed_in_forms {
        let refused = app
            .browser
            .post_form_raw(path, &[("code", &code), ("current_password", PASSWORD)])
            .await;
        assert_eq!(refused.status().as_u16(), 403, "{path}");
    }
    let (browser, _) = password_step(&app, "lea.lawyer@firm.example").await;
    for path in ["/login/code", "/login/enrol"] {
        let refused = browser.post_form_raw(path, &[("code", &code)]).await;
        assert_eq!(refused.status().as_u16(), 403, "{path}");
    }
    assert!(!is_signed_in(&browser).await);
    assert!(app.browser.get_html("/account").await.contains("badge on"));
}
