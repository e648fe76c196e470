//! User administration by administrators.

use reclaim::model::user::Role;

use crate::helpers::{PASSWORD, location, spawn_app};

#[tokio::test]
async fn an_admin_adds_a_lawyer_who_can_then_sign_in() {
    let app = spawn_app().await;
    app.signed_in("ann.admin@firm.example", Role::Admin, None)
        .await;
    let form = app.browser.get_html("/admin/users/new").await;
    assert!(form.contains("<option value=\"paralegal\""));

    let response = app
        .browser
        .post_form(
            "/admin/users",
            &[
                ("name", "Lea Lawyer"),
                ("email", "lea@firm.example"),
                ("role", "lawyer"),
                ("client_id", ""),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/admin/users");
    let list = app.browser.get_html("/admin/users").await;
    assert!(list.contains("lea@firm.example"));
    assert!(list.contains("Lea Lawyer can now sign in as lea@firm.example."));

    let lea = app.new_browser();
    assert_eq!(
        lea.login("lea@firm.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    let audit = app.audit_actions().await;
    assert!(audit.iter().filter(|a| *a == "user.created").count() >= 2);
}

#[tokio::test]
async fn user_form_mistakes_are_explained_and_nothing_is_created() {
    let app = spawn_app().await;
    app.signed_in("ann.admin@firm.example", Role::Admin, None)
        .await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("name", "Dup"),
                ("email", "ann.admin@firm.example"),
                ("role", "lawyer"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
            "An account with the e-mail address ann.admin@firm.example already exists.",
        ),
        (
            &[
                ("name", "Cli"),
                ("email", "cli@client.example"),
                ("role", "client"),
                ("client_id", ""),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
            "Choose the client this portal account belongs to.",
        ),
        (
            &[
                ("name", "Cli"),
                ("email", "cli@client.example"),
                ("role", "client"),
                ("client_id", "0190d8a0-0000-7000-8000-000000000000"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
            "The client does not exist.",
        ),
        (
            &[
                ("name", "X"),
                ("email", "x@firm.example"),
                ("role", "owner"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
            "is not a valid role; use one of: admin, lawyer, paralegal, client",
        ),
        (
            &[
                ("name", ""),
                ("email", "x@firm.example"),
                ("role", "lawyer"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
            "Enter a name.",
        ),
    ];
    for (fields, message) in cases {
        let response = app.browser.post_form("/admin/users", fields).await;
        assert_eq!(response.status().as_u16(), 422, "{message}");
        let html = response.text().await.unwrap();
        assert!(html.contains(message), "expected {message:?} in the page");
    }
    assert_eq!(
        app.state.db.run(reclaim::repo::users::count).await.unwrap(),
        1
    );
}

#[tokio::test]
async fn a_client_user_belongs_to_a_client() {
    let app = spawn_app().await;
    let acme = app.create_client("Acme").await;
    app.signed_in("ann.admin@firm.example", Role::Admin, None)
        .await;
    let response = app
        .browser
        .post_form(
            "/admin/users",
            &[
                ("name", "Carl Client"),
                ("email", "carl@acme.example"),
                ("role", "client"),
                ("client_id", acme.as_str()),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let list = app.browser.get_html("/admin/users").await;
    assert!(list.contains("Client (portal)"));
    assert!(list.contains("Acme"));
}

#[tokio::test]
async fn only_admins_manage_users() {
    let app = spawn_app().await;
    let target = app
        .create_user("pat@firm.example", Role::Paralegal, None)
        .await;
    app.signed_in("lea@firm.example", Role::Lawyer, None).await;
    for path in [
        "/admin/users".to_owned(),
        "/admin/users/new".to_owned(),
        format!("/admin/users/{}", target.id),
        "/admin/audit".to_owned(),
    ] {
        let response = app.browser.get(&path).await;
        assert_eq!(response.status().as_u16(), 403, "{path}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Only an administrator can do this")
        );
    }
    let response = app
        .browser
        .post_form(
            &format!("/admin/users/{}", target.id),
            &[("name", "Pat"), ("role", "admin"), ("active", "on")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let pat = app
        .state
        .db
        .run(move |c| reclaim::repo::users::find(c, &target.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pat.role, Role::Paralegal, "nothing changed");
    // The navigation does not offer what the user cannot open.
    assert!(
        !app.browser
            .get_html("/")
            .await
            .contains("href=\"/admin/users\"")
    );
}

#[tokio::test]
async fn the_last_admin_cannot_remove_their_own_rights() {
    let app = spawn_app().await;
    let ann = app
        .signed_in("ann.admin@firm.example", Role::Admin, None)
        .await;
    let response = app
        .browser
        .post_form(
            &format!("/admin/users/{}", ann.id),
            &[("name", "Ann Admin"), ("role", "lawyer"), ("active", "on")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This is the last active administrator")
    );
    assert_eq!(
        app.browser.get("/admin/users").await.status().as_u16(),
        200,
        "still an admin"
    );
}

#[tokio::test]
async fn a_role_change_applies_at_once_and_is_audited() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let lea_browser = app.new_browser();
    lea_browser.login("lea@firm.example", PASSWORD).await;
    app.signed_in("ann.admin@firm.example", Role::Admin, None)
        .await;

    let response = app
        .browser
        .post_form(
            &format!("/admin/users/{}", lea.id),
            &[("name", "Lea Lawyer"), ("role", "admin"), ("active", "on")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        lea_browser.get("/").await.status().as_u16(),
        303,
        "signed out to pick up the new role"
    );
    lea_browser.login("lea@firm.example", PASSWORD).await;
    assert_eq!(lea_browser.get("/admin/users").await.status().as_u16(), 200);

    let audit = app
        .browser
        .get_html(&format!("/admin/audit?record={}", lea.id))
        .await;
    assert!(audit.contains("user.updated"));
    assert!(
        audit.contains("&#34;role&#34;:&#34;admin&#34;"),
        "the change is in the details: {audit}"
    );
}

#[tokio::test]
async fn an_admin_resets_a_password_and_ends_a_users_sessions() {
    let app = spawn_app().await;
    let pat = app
        .create_user("pat@firm.example", Role::Paralegal, None)
        .await;
    let pat_browser = app.new_browser();
    pat_browser.login("pat@firm.example", PASSWORD).await;
    app.signed_in("ann.admin@firm.example", Role::Admin, None)
        .await;

    let new_password = "temporary passphrase for pat";
    let response = app
        .browser
        .post_form(
            &format!("/admin/users/{}/password", pat.id),
            &[
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(pat_browser.get("/").await.status().as_u16(), 303);
    assert_eq!(
        pat_browser
            .login("pat@firm.example", new_password)
            .await
            .status()
            .as_u16(),
        303
    );

    let response = app
        .browser
        .post_form(&format!("/admin/users/{}/sign-out", pat.id), &[])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(pat_browser.get("/").await.status().as_u16(), 303);

    let bad = app
        .browser
        .post_form(
            &format!("/admin/users/{}/password", pat.id),
            &[("password", "short"), ("password_confirm", "short")],
        )
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    let unknown = app
        .browser
        .get("/admin/users/0190d8a0-0000-7000-8000-000000000000")
        .await;
    assert_eq!(unknown.status().as_u16(), 404);
}
