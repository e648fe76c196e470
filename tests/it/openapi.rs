//! Real answers of the API validated against the OpenAPI document it serves (generated from the
//! code's own types): every answer's status is documented for its operation and its body
//! matches the documented schema, so the document cannot drift from what the API does.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use reclaim::model::user::Role;

/// The served document, and a check of answers against it.
pub(crate) struct Contract {
    doc: Value,
}

impl Contract {
    pub(crate) async fn of(app: &TestApp) -> Self {
        let (status, doc) = raw(app, Method::GET, "/api/v1/openapi.json", None, None).await;
        assert_eq!(status, 200);
        Self { doc }
    }

    /// The schema of `method template` answering `status`, as a JSON pointer into the document.
    fn pointer(&self, method: &str, template: &str, status: u16) -> String {
        let operation = &self.doc["paths"][template][method];
        assert!(
            operation.is_object(),
            "{} {template} is not in the document",
            method.to_uppercase()
        );
        let response = &operation["responses"][status.to_string()];
        assert!(
            response.is_object(),
            "{} {template} answered {status}, which the document does not list: {}",
            method.to_uppercase(),
            operation["responses"]
        );
        let escaped = template.replace('~', "~0").replace('/', "~1");
        format!(
            "#/paths/{}/{method}/responses/{status}/content/application~1json/schema",
            escaped.replace('{', "%7B").replace('}', "%7D")
        )
    }

    /// Fails unless `body` is what the document says `method template` answers with `status`.
    pub(crate) fn check(&self, method: &Method, template: &str, status: u16, body: &Value) {
        let method = method.as_str().to_lowercase();
        let pointer = self.pointer(&method, template, status);
        let mut root = self.doc.clone();
        root["$ref"] = Value::String(pointer.clone());
        let validator = jsonschema::validator_for(&root)
            .unwrap_or_else(|e| panic!("the schema at {pointer} does not compile: {e}"));
        let problems: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            problems.is_empty(),
            "{} {template} ({status}) does not match the document:\n{}\nbody: {body}",
            method.to_uppercase(),
            problems.join("\n")
        );
    }
}

async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    crate::helpers::api(app, method, path, token, body).await
}

/// Calls the API, expects success and checks the answer against the document; returns it.
async fn call(
    contract: &Contract,
    app: &TestApp,
    token: &str,
    method: Method,
    template: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let (status, answer) = raw(app, method.clone(), path, Some(token), body).await;
    assert!(
        (200..300).contains(&status),
        "{method} {path} answered {status}: {answer}"
    );
    contract.check(&method, template, status, &answer);
    (status, answer)
}

/// Calls the API, expects a refusal and checks its error body against the document.
async fn refused(
    contract: &Contract,
    app: &TestApp,
    token: &str,
    method: Method,
    template: &str,
    path: &str,
    body: Option<Value>,
) -> u16 {
    let (status, answer) = raw(app, method.clone(), path, Some(token), body).await;
    assert!(
        (400..500).contains(&status),
        "{method} {path} should be refused, answered {status}: {answer}"
    );
    contract.check(&method, template, status, &answer);
    status
}

#[tokio::test]
async fn real_answers_match_the_openapi_document() {
    let app = spawn_app().await;
    let contract = Contract::of(&app).await;
    let admin = app
        .create_user("ada@cabinet-martin.example", Role::Admin, None)
        .await;
    let lawyer = app
        .create_user("lina@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let second = app
        .create_user("theo@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let (admin, lawyer, second) = (
        app.api_token(&admin).await,
        app.api_token(&lawyer).await,
        app.api_token(&second).await,
    );
    let c = &contract;
    let a = &app;

    call(c, a, &lawyer, Method::GET, "/me", "/api/v1/me", None).await;
    let (_, sender) = call(
        c,
        a,
        &admin,
        Method::POST,
        "/sender-profiles",
        "/api/v1/sender-profiles",
        Some(json!({
            "legal_name": "Cabinet Martin Avocats SELARL",
            "postal_address": "12 rue de la Paix, 75002 Paris, France",
            "phone": "+33 1 23 45 67 89",
            "from_email": "outreach@cabinet-martin.example",
        })),
    )
    .await;
    call(
        c,
        a,
        &admin,
        Method::GET,
        "/sender-profiles",
        "/api/v1/sender-profiles",
        None,
    )
    .await;

    let (_, client) = call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/clients",
        "/api/v1/clients",
        Some(json!({"name": "Northwind", "email": "legal@northwind.example"})),
    )
    .await;
    let client_id = client["id"].as_str().unwrap().to_owned();
    call(
        c,
        a,
        &lawyer,
        Method::GET,
        "/clients",
        "/api/v1/clients",
        None,
    )
    .await;
    call(
        c,
        a,
        &lawyer,
        Method::GET,
        "/clients/{id}",
        &format!("/api/v1/clients/{client_id}"),
        None,
    )
    .await;
    call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/clients/{id}/contacts",
        &format!("/api/v1/clients/{client_id}/contacts"),
        Some(json!({"name": "Maya Lindqvist", "email": "maya@northwind.example", "receives_reports": true})),
    )
    .await;
    // A refusal has the documented error body too.
    refused(
        c,
        a,
        &lawyer,
        Method::POST,
        "/clients",
        "/api/v1/clients",
        Some(json!({"name": "", "email": "nope"})),
    )
    .await;

    let (_, matter) = call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/matters",
        "/api/v1/matters",
        Some(json!({"client_id": client_id, "title": "Recovery of northwind names", "marks": ["NORTHWIND"]})),
    )
    .await;
    let matter_id = matter["id"].as_str().unwrap().to_owned();
    call(
        c,
        a,
        &lawyer,
        Method::GET,
        "/matters",
        "/api/v1/matters",
        None,
    )
    .await;
    let (_, backorder) = call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/matters/{id}/backorders",
        &format!("/api/v1/matters/{matter_id}/backorders"),
        Some(json!({"domain": "northwind-coffee.com", "max_bid": 1500})),
    )
    .await;
    let backorder_id = backorder["id"].as_str().unwrap().to_owned();
    // .dk names are caught through the registry's waiting list, not by a backorder.
    refused(
        c,
        a,
        &lawyer,
        Method::POST,
        "/matters/{id}/backorders",
        &format!("/api/v1/matters/{matter_id}/backorders"),
        Some(json!({"domain": "northwind.dk"})),
    )
    .await;
    let (_, channel) = call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/backorders/{id}/channels",
        &format!("/api/v1/backorders/{backorder_id}/channels"),
        Some(json!({"service": "dropcatch", "success_fee": 69})),
    )
    .await;
    let channel_id = channel["id"].as_str().expect("the channel has an id");
    call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/backorders/{id}/channels/{channel}",
        &format!("/api/v1/backorders/{backorder_id}/channels/{channel_id}"),
        Some(json!({"status": "in_auction"})),
    )
    .await;
    call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/backorders/{id}/status",
        &format!("/api/v1/backorders/{backorder_id}/status"),
        Some(json!({"status": "lost", "reason": "Outbid at the auction"})),
    )
    .await;
    call(
        c,
        a,
        &lawyer,
        Method::GET,
        "/backorders/{id}",
        &format!("/api/v1/backorders/{backorder_id}"),
        None,
    )
    .await;
    call(
        c,
        a,
        &lawyer,
        Method::GET,
        "/backorders/{id}/history",
        &format!("/api/v1/backorders/{backorder_id}/history"),
        None,
    )
    .await;
    call(
        c,
        a,
        &lawyer,
        Method::GET,
        "/tlds/{tld}",
        "/api/v1/tlds/fr",
        None,
    )
    .await;
    refused(
        c,
        a,
        &lawyer,
        Method::GET,
        "/tlds/{tld}",
        "/api/v1/tlds/zz",
        None,
    )
    .await;

    let (_, procedure) = call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/matters/{id}/procedures",
        &format!("/api/v1/matters/{matter_id}/procedures"),
        Some(json!({"kind": "udrp", "provider": "wipo", "domains": ["northwind-coffee.com"]})),
    )
    .await;
    let procedure_id = procedure["id"].as_str().unwrap().to_owned();
    call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/procedures/{id}/events",
        &format!("/api/v1/procedures/{procedure_id}/events"),
        Some(json!({"kind": "commenced", "date": "2026-11-16"})),
    )
    .await;
    call(
        c,
        a,
        &lawyer,
        Method::GET,
        "/procedures/{id}",
        &format!("/api/v1/procedures/{procedure_id}"),
        None,
    )
    .await;
    let (_, deadlines) = call(
        c,
        a,
        &lawyer,
        Method::GET,
        "/procedures/{id}/deadlines",
        &format!("/api/v1/procedures/{procedure_id}/deadlines"),
        None,
    )
    .await;
    call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/deadlines/preview",
        "/api/v1/deadlines/preview",
        Some(json!({"kind": "udrp", "events": [{"kind": "commenced", "date": "2026-11-16"}], "registrar_country": "FR"})),
    )
    .await;
    call(
        c,
        a,
        &lawyer,
        Method::GET,
        "/deadlines",
        "/api/v1/deadlines",
        None,
    )
    .await;
    let deadline_id = deadlines
        .as_array()
        .and_then(|d| d.first())
        .and_then(|d| d["id"].as_str())
        .expect("a commenced UDRP has deadlines");
    call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/deadlines/{id}/official",
        &format!("/api/v1/deadlines/{deadline_id}/official"),
        Some(json!({"date": "2026-12-07"})),
    )
    .await;
    call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/deadlines/{id}/done",
        &format!("/api/v1/deadlines/{deadline_id}/done"),
        Some(json!({"done": true})),
    )
    .await;

    // Outreach: a second backorder (the first was lost), a draft, approval, sending.
    let (_, target) = call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/matters/{id}/backorders",
        &format!("/api/v1/matters/{matter_id}/backorders"),
        Some(json!({"domain": "northwind-roasters.com"})),
    )
    .await;
    let (_, draft) = call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/outreach",
        "/api/v1/outreach",
        Some(json!({
            "backorder_id": target["id"],
            "sender_profile_id": sender["id"],
            "to": "holder@example.org",
            "address_source": "holder_published",
            "subject": "Your domain northwind-roasters.com",
            "body": "Dear holder,\n\nOur client would like to buy northwind-roasters.com.\n\nKind regards",
        })),
    )
    .await;
    let draft_id = draft["id"].as_str().expect("the draft has an id");
    call(
        c,
        a,
        &lawyer,
        Method::GET,
        "/outreach/{id}",
        &format!("/api/v1/outreach/{draft_id}"),
        None,
    )
    .await;
    call(
        c,
        a,
        &second,
        Method::POST,
        "/outreach/{id}/approve",
        &format!("/api/v1/outreach/{draft_id}/approve"),
        Some(json!({})),
    )
    .await;
    call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/outreach/{id}/send",
        &format!("/api/v1/outreach/{draft_id}/send"),
        Some(json!({})),
    )
    .await;

    call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/matters/{id}/close",
        &format!("/api/v1/matters/{matter_id}/close"),
        None,
    )
    .await;
    call(
        c,
        a,
        &lawyer,
        Method::POST,
        "/matters/{id}/reopen",
        &format!("/api/v1/matters/{matter_id}/reopen"),
        None,
    )
    .await;
    let (_, full) = call(
        c,
        a,
        &lawyer,
        Method::GET,
        "/matters/{id}",
        &format!("/api/v1/matters/{matter_id}"),
        None,
    )
    .await;
    assert_eq!(full["backorders"].as_array().map(Vec::len), Some(2));
    // Not found, for someone's record the caller cannot see.
    let status = refused(
        c,
        a,
        &lawyer,
        Method::GET,
        "/matters/{id}",
        "/api/v1/matters/0190d8a0-0000-7000-8000-000000000000",
        None,
    )
    .await;
    assert_eq!(status, 404);
}
