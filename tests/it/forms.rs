//! Forms keep what was typed when they show an error next to the field: for each form of the web
//! UI that changes something, one field is wrong and the others are right; the answer is a 422
//! with the form again, the wrong field marked (`aria-invalid`, `aria-describedby` naming its
//! `<p class="field-error">`), and every value typed still in its field (passwords excepted).

use reclaim::model::user::Role;

use crate::helpers::{Browser, PASSWORD, TestApp, location, spawn_app};

/// One form sent back: where it goes, what is typed, which field is wrong, what must come back.
struct Case {
    what: &'static str,
    browser: Browser,
    path: String,
    fields: Vec<(&'static str, String)>,
    /// The id of the field in error.
    invalid: String,
    /// (id of a field, the value it must show again).
    kept: Vec<(String, String)>,
    /// Ids of checkboxes that must still be ticked.
    ticked: Vec<String>,
    /// Ids of password fields that must come back empty.
    secret: Vec<&'static str>,
}

impl Case {
    fn new(what: &'static str, browser: &Browser, path: impl Into<String>) -> Self {
        Self {
            what,
            browser: browser.clone(),
            path: path.into(),
            fields: Vec::new(),
            invalid: String::new(),
            kept: Vec::new(),
            ticked: Vec::new(),
            secret: Vec::new(),
        }
    }

    /// A field sent and shown back in the element with id `id`.
    fn field(mut self, name: &'static str, id: impl Into<String>, value: &str) -> Self {
        self.fields.push((name, value.to_owned()));
        self.kept.push((id.into(), value.to_owned()));
        self
    }

    /// A field sent but not shown back (hidden, or a repeated name).
    fn sent(mut self, name: &'static str, value: &str) -> Self {
        self.fields.push((name, value.to_owned()));
        self
    }

    /// A ticked checkbox.
    fn tick(mut self, name: &'static str, id: impl Into<String>, value: &str) -> Self {
        self.fields.push((name, value.to_owned()));
        self.ticked.push(id.into());
        self
    }

    fn secret(mut self, name: &'static str, id: &'static str, value: &str) -> Self {
        self.fields.push((name, value.to_owned()));
        self.secret.push(id);
        self
    }

    fn invalid(mut self, id: impl Into<String>) -> Self {
        self.invalid = id.into();
        self
    }

    async fn check(&self) {
        let what = self.what;
        let fields: Vec<(&str, &str)> = self.fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = self.browser.post_form(&self.path, &fields).await;
        let status = response.status().as_u16();
        let html = response.text().await.unwrap();
        assert_eq!(
            status, 422,
            "{what}: POST {} answered {status}:\n{html}",
            self.path
        );

        let field = tag(&html, &self.invalid, what);
        assert!(
            field.contains(" aria-invalid=\"true\""),
            "{what}: the field in error is not marked invalid: {field}"
        );
        assert_eq!(
            html.matches(" aria-invalid=\"true\"").count(),
            1,
            "{what}: another field is marked invalid too"
        );
        let described = attr(field, "aria-describedby")
            .unwrap_or_else(|| panic!("{what}: the field in error names no message: {field}"));
        let message = described
            .split_whitespace()
            .find_map(|id| {
                let t = tag(&html, id, what);
                t.starts_with("<p class=\"field-error\"")
                    .then(|| inner_text(&html, id, "</p>"))
            })
            .unwrap_or_else(|| panic!("{what}: {described} is not a field error"));
        assert!(!message.trim().is_empty(), "{what}: empty error message");

        for (id, want) in &self.kept {
            assert_eq!(
                &value_of(&html, id, what),
                want,
                "{what}: field #{id} lost what was typed"
            );
        }
        for id in &self.ticked {
            assert!(
                tag(&html, id, what).contains(" checked"),
                "{what}: checkbox #{id} was unticked"
            );
        }
        for id in &self.secret {
            let t = tag(&html, id, what);
            assert!(
                attr(t, "value").is_none_or(|v| v.is_empty()),
                "{what}: password field #{id} sent back: {t}"
            );
        }
    }
}

/// The opening tag of the one element with this id.
fn tag<'a>(html: &'a str, id: &str, what: &str) -> &'a str {
    let marker = format!(" id=\"{id}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("{what}: no element #{id} on the page"));
    assert!(
        !html[at + marker.len()..].contains(&marker),
        "{what}: two elements #{id} on the page"
    );
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_owned())
}

/// What follows the element's opening tag, up to `close`.
fn inner_text<'a>(html: &'a str, id: &str, close: &str) -> &'a str {
    let open = tag(html, id, "");
    let start = html.find(open).unwrap() + open.len();
    let end = html[start..].find(close).unwrap() + start;
    &html[start..end]
}

/// What an input, a textarea or a select shows.
fn value_of(html: &str, id: &str, what: &str) -> String {
    let t = tag(html, id, what);
    if t.starts_with("<textarea") {
        inner_text(html, id, "</textarea>").to_owned()
    } else if t.starts_with("<select") {
        let options = inner_text(html, id, "</select>");
        options
            .split("<option")
            .find(|o| o.contains(" selected"))
            .and_then(|o| attr(o, "value"))
            .unwrap_or_default()
    } else {
        attr(t, "value").unwrap_or_default()
    }
}

/// Checks every case, and that none of them saved anything.
async fn check_all(app: &TestApp, cases: &[Case]) {
    let before = app.audit_actions().await;
    for case in cases {
        case.check().await;
    }
    assert_eq!(
        app.audit_actions().await,
        before,
        "a form sent back saved something"
    );
}

struct Office {
    app: TestApp,
    /// Signed in as Lina, a lawyer.
    lina: Browser,
    lina_id: String,
    /// Signed in as Ada, an administrator.
    ada: Browser,
    client: String,
    matter: String,
    backorder: String,
}

async fn office() -> Office {
    let app = spawn_app().await;
    let lina = app
        .signed_in("lina.lawyer@firm.example", Role::Lawyer, None)
        .await;
    app.create_user("ada.admin@firm.example", Role::Admin, None)
        .await;
    let ada = app.new_browser();
    assert_eq!(
        ada.login("ada.admin@firm.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    let client = app.create_client("Acme Widgets").await;
    let (matter, _) = app
        .open_matter(&client, &lina, "Recovery of acme-widgets.com")
        .await;
    let backorder = app.attach(&matter, "acme-widgets.com").await;
    Office {
        lina: app.browser.clone(),
        lina_id: lina.id.to_string(),
        ada,
        client: client.to_string(),
        matter: matter.to_string(),
        backorder: backorder.to_string(),
        app,
    }
}

/// Posts a valid form and returns where it redirected.
async fn created(browser: &Browser, path: &str, fields: &[(&str, &str)]) -> String {
    let response = browser.post_form(path, fields).await;
    let status = response.status().as_u16();
    let to = location(&response);
    assert_eq!(
        status,
        303,
        "POST {path}: {}",
        response.text().await.unwrap_or_default()
    );
    to
}

/// The firm's sender profile (made through the form), and its id.
async fn sender_profile(o: &Office) -> String {
    created(
        &o.ada,
        "/admin/senders",
        &[
            ("label", "Paris office"),
            ("legal_name", "Cabinet Martin Avocats SELARL"),
            ("postal_address", "12 rue de la Paix\n75002 Paris\nFrance"),
            ("phone", "+33 1 23 45 67 89"),
            ("from_email", "domains@cabinet-martin.example"),
        ],
    )
    .await;
    let page = o
        .lina
        .get_html(&format!("/backorders/{}/outreach/new", o.backorder))
        .await;
    let id = value_of(&page, "sender_profile_id", "sender profile");
    assert!(!id.is_empty(), "the new profile is offered");
    id
}

/// A UDRP procedure on the matter's name; returns its id.
async fn procedure(o: &Office) -> String {
    let to = created(
        &o.lina,
        &format!("/matters/{}/procedures", o.matter),
        &[
            ("kind", "udrp"),
            ("domains", "acme-widgets.com"),
            ("registrar_country", "US"),
        ],
    )
    .await;
    to.strip_prefix("/procedures/")
        .expect("the procedure page")
        .to_owned()
}

#[tokio::test]
async fn client_and_matter_forms_keep_what_was_typed() {
    let o = office().await;
    let (lina, m, c) = (&o.lina, o.matter.as_str(), o.client.as_str());
    let cases = vec![
        Case::new("new client, bad e-mail", lina, "/clients")
            .field("name", "name", "Globex Corporation")
            .field("email", "email", "legal-at-globex")
            .invalid("email"),
        Case::new("new client, no name", lina, "/clients")
            .field("name", "name", "")
            .field("email", "email", "legal@globex.example")
            .invalid("name"),
        Case::new("client details, bad e-mail", lina, format!("/clients/{c}"))
            .field("name", "name", "Acme Widgets SA")
            .field("email", "email", "legal-at-acme")
            .field("report_cadence", "report_cadence", "weekly")
            .field("notes", "notes", "Prefers calls to e-mail")
            .invalid("email"),
        Case::new(
            "contact, bad e-mail",
            lina,
            format!("/clients/{c}/contacts"),
        )
        .field("name", "contact_name", "Jane Roe")
        .field("email", "contact_email", "jane-at-acme")
        .field("phone", "contact_phone", "+33 1 23 45 67 89")
        .field("position", "contact_position", "General counsel")
        .tick("receives_reports", "receives_reports", "yes")
        .invalid("contact_email"),
        Case::new("new matter, no title", lina, "/matters")
            .field("client_id", "client_id", c)
            .field("title", "title", "")
            .field("responsible_lawyer_id", "responsible_lawyer_id", &o.lina_id)
            .tick("team", format!("team-{}", o.lina_id), &o.lina_id)
            .field("marks", "marks", "ACME | EUTM 012345678")
            .field("notes", "notes", "Urgent before the drop")
            .invalid("title"),
        Case::new("new matter, bad marks", lina, "/matters")
            .field("client_id", "client_id", c)
            .field("title", "title", "Recovery of globex.example")
            .field("responsible_lawyer_id", "responsible_lawyer_id", &o.lina_id)
            .field("marks", "marks", " | EUTM 1")
            .field("notes", "notes", "Urgent before the drop")
            .invalid("marks"),
        Case::new("matter details, no title", lina, format!("/matters/{m}"))
            .field("title", "title", "")
            .field("responsible_lawyer_id", "responsible_lawyer_id", &o.lina_id)
            .field("marks", "marks", "ACME")
            .field("notes", "notes", "Client called on Monday")
            .invalid("title"),
        Case::new(
            "attach a name, bad domain",
            lina,
            format!("/matters/{m}/backorders"),
        )
        .field("domain", "domain", "not a domain")
        .field("max_bid", "max_bid", "1500")
        .field("currency", "currency", "USD")
        .field("priority", "priority", "high")
        .field("notes", "attach_notes", "Client wants it back")
        .invalid("domain"),
        Case::new(
            "attach a name, bad bid",
            lina,
            format!("/matters/{m}/backorders"),
        )
        .field("domain", "domain", "acme-widgets.net")
        .field("max_bid", "max_bid", "a lot")
        .field("currency", "currency", "USD")
        .field("priority", "priority", "low")
        .field("notes", "attach_notes", "Client wants it back")
        .invalid("max_bid"),
        Case::new(
            "deadline by hand on the matter, no label",
            lina,
            format!("/matters/{m}/deadlines"),
        )
        .field("label", "manual-label", "")
        .field("due_on", "manual-due", "2026-12-01")
        .field("assigned_to", "manual-assignee", &o.lina_id)
        .field("note", "manual-note", "Ask the registrar")
        .invalid("manual-label"),
        Case::new(
            "deadline by hand on the matter, bad date",
            lina,
            format!("/matters/{m}/deadlines"),
        )
        .field("label", "manual-label", "Call the registrar")
        .field("due_on", "manual-due", "2026-13-45")
        .field("assigned_to", "manual-assignee", &o.lina_id)
        .field("note", "manual-note", "Ask for the lock")
        .invalid("manual-due"),
    ];
    check_all(&o.app, &cases).await;
}

#[tokio::test]
async fn backorder_and_procedure_forms_keep_what_was_typed() {
    let o = office().await;
    let (lina, b) = (&o.lina, o.backorder.as_str());
    let pid = procedure(&o).await;
    let channel_page = {
        created(
            lina,
            &format!("/backorders/{b}/channels"),
            &[("service", "dropcatch"), ("external_reference", "DC-1")],
        )
        .await;
        lina.get_html(&format!("/backorders/{b}")).await
    };
    created(
        lina,
        &format!("/procedures/{pid}/events"),
        &[("kind", "complaint_filed"), ("date", "2026-11-02")],
    )
    .await;
    let procedure_page = lina.get_html(&format!("/procedures/{pid}")).await;
    let event = procedure_page
        .split(&format!("action=\"/procedures/{pid}/events/"))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the event's correction form")
        .to_owned();
    let channel = channel_page
        .split(&format!("action=\"/backorders/{b}/channels/"))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the channel's form")
        .to_owned();
    let cases = vec![
        Case::new(
            "catch service, bad fee",
            lina,
            format!("/backorders/{b}/channels"),
        )
        .field("service", "service", "other")
        .field("service_name", "service_name", "Drop Catcher Inc")
        .field("status", "new_status", "planned")
        .field("external_reference", "external_reference", "ORD-12345")
        .field("success_fee", "success_fee", "lots")
        .field("currency", "channel_currency", "USD")
        .invalid("success_fee"),
        Case::new(
            "news from a catch service, bad price",
            lina,
            format!("/backorders/{b}/channels/{channel}"),
        )
        .field("status", format!("channel-status-{channel}"), "in_auction")
        .field(
            "external_reference",
            format!("channel-reference-{channel}"),
            "DC-2",
        )
        .field("price", format!("channel-price-{channel}"), "cheap")
        .field(
            "auction_result",
            format!("channel-result-{channel}"),
            "Bidding opens Monday",
        )
        .invalid(format!("channel-price-{channel}")),
        Case::new("backorder terms, bad bid", lina, format!("/backorders/{b}"))
            .field("max_bid", "max_bid", "a lot")
            .field("currency", "currency", "USD")
            .field("priority", "priority", "high")
            .field("notes", "notes", "Client is keen")
            .invalid("max_bid"),
        Case::new(
            "backorder status, no reason",
            lina,
            format!("/backorders/{b}/status"),
        )
        .field("status", "status", "redemption")
        .field("reason", "reason", "")
        .invalid("reason"),
        Case::new(
            "new procedure, bad fees",
            lina,
            format!("/matters/{}/procedures", o.matter),
        )
        .field("kind", "kind", "udrp")
        .tick("domains", "domain-acme-widgets.com", "acme-widgets.com")
        .field("other_domains", "other_domains", "acme-widgets.net")
        .field("provider", "provider", "WIPO")
        .field("case_number", "case_number", "D2026-0001")
        .field("registrar_country", "registrar_country", "US")
        .field("parties", "parties", "Acme Widgets v. J. Doe")
        .field("panel", "panel", "Three members")
        .field("fees", "fees", "oops")
        .field("currency", "currency", "USD")
        .field("notes", "notes", "Filed by courier")
        .invalid("fees"),
        Case::new(
            "new procedure, registrar IANA ID not in the directory",
            lina,
            format!("/matters/{}/procedures", o.matter),
        )
        .field("kind", "kind", "udrp")
        .tick("domains", "domain-acme-widgets.com", "acme-widgets.com")
        .field("registrar_country", "registrar_country", "")
        .field("registrar_iana_id", "registrar_iana_id", "999999")
        .field("case_number", "case_number", "D2026-0002")
        .invalid("registrar_iana_id"),
        Case::new(
            "event, date in the future",
            lina,
            format!("/procedures/{pid}/events"),
        )
        .field("kind", "event-kind", "complaint_filed")
        .field("date", "event-date", "2027-06-01")
        .field("note", "event-note", "Notice received by courier")
        .invalid("event-date"),
        Case::new(
            "event correction, date in the future",
            lina,
            format!("/procedures/{pid}/events/{event}"),
        )
        .sent("kind", "complaint_filed")
        .field("date", format!("event-{event}-date"), "2027-01-15")
        .field(
            "note",
            format!("event-{event}-note"),
            "Corrected from the notice",
        )
        .invalid(format!("event-{event}-date")),
        Case::new(
            "event correction, not a date",
            lina,
            format!("/procedures/{pid}/events/{event}"),
        )
        .sent("kind", "complaint_filed")
        .field("date", format!("event-{event}-date"), "2 Nov")
        .field(
            "note",
            format!("event-{event}-note"),
            "Corrected from the notice",
        )
        .invalid(format!("event-{event}-date")),
        Case::new(
            "deadline by hand on the procedure, bad date",
            lina,
            format!("/matters/{}/deadlines", o.matter),
        )
        .sent("procedure_id", &pid)
        .field("label", "manual-label", "Send the annexes")
        .field("due_on", "manual-due", "next week")
        .field("assigned_to", "manual-assignee", &o.lina_id)
        .field("note", "manual-note", "By courier")
        .invalid("manual-due"),
        Case::new(
            "procedure details, bad fees",
            lina,
            format!("/procedures/{pid}"),
        )
        .field("provider", "provider", "Forum")
        .field("case_number", "case_number", "FA2611001")
        .field("registrar_country", "registrar_country", "DE")
        .field("parties", "parties", "Acme Widgets v. J. Doe")
        .field("panel", "panel", "Single member")
        .field("fees", "fees", "expensive")
        .field("currency", "currency", "USD")
        .field("outcome", "outcome", "transfer")
        .tick("rdnh_finding", "rdnh_finding", "yes")
        .field("notes", "notes", "Respondent did not answer")
        .invalid("fees"),
    ];
    check_all(&o.app, &cases).await;
}

#[tokio::test]
async fn administration_outreach_and_account_forms_keep_what_was_typed() {
    let o = office().await;
    let (lina, ada, b) = (&o.lina, &o.ada, o.backorder.as_str());
    let sender = sender_profile(&o).await;
    let draft = created(
        lina,
        &format!("/backorders/{b}/outreach"),
        &[
            ("sender_profile_id", &sender),
            ("to", "holder@acme-widgets.example"),
            ("address_source", "holder_published"),
            ("subject", "About acme-widgets.com"),
            ("body", "Dear holder, we would like to buy the name."),
        ],
    )
    .await;
    let long_label = "x".repeat(101);
    let cases = vec![
        Case::new("new user, bad e-mail", ada, "/admin/users")
            .field("name", "name", "Nora New")
            .field("email", "email", "nora-at-firm")
            .field("role", "role", "paralegal")
            .field("client_id", "client_id", "")
            .secret("password", "password", PASSWORD)
            .sent("password_confirm", PASSWORD)
            .invalid("email"),
        Case::new(
            "user account, no name",
            ada,
            format!("/admin/users/{}", o.lina_id),
        )
        .field("name", "name", "")
        .field("role", "role", "admin")
        .field("client_id", "client_id", "")
        .tick("active", "active", "on")
        .invalid("name"),
        Case::new("sender profile, bad from address", ada, "/admin/senders")
            .field("label", "label", "Lyon office")
            .field("legal_name", "legal_name", "Cabinet Martin Avocats SELARL")
            .field(
                "postal_address",
                "postal_address",
                "3 place Bellecour\n69002 Lyon\nFrance",
            )
            .field("phone", "phone", "+33 4 72 00 00 00")
            .field("from_name", "from_name", "Cabinet Martin Lyon")
            .field("from_email", "from_email", "domains-at-firm")
            .field("reply_to", "reply_to", "lyon@cabinet-martin.example")
            .field("dkim_selector", "dkim_selector", "")
            .invalid("from_email"),
        Case::new("sender profile, name too long", ada, "/admin/senders")
            .field("label", "label", &long_label)
            .field("legal_name", "legal_name", "Cabinet Martin Avocats SELARL")
            .field(
                "postal_address",
                "postal_address",
                "3 place Bellecour\n69002 Lyon\nFrance",
            )
            .field("phone", "phone", "+33 4 72 00 00 00")
            .field("from_email", "from_email", "lyon@cabinet-martin.example")
            .invalid("label"),
        Case::new(
            "sender profile details, bad reply-to",
            ada,
            format!("/admin/senders/{sender}"),
        )
        .field("label", "label", "Paris office")
        .field("legal_name", "legal_name", "Cabinet Martin Avocats SELARL")
        .field(
            "postal_address",
            "postal_address",
            "12 rue de la Paix\n75002 Paris\nFrance",
        )
        .field("phone", "phone", "+33 1 23 45 67 89")
        .field("from_email", "from_email", "domains@cabinet-martin.example")
        .field("reply_to", "reply_to", "team-at-firm")
        .invalid("reply_to"),
        Case::new("suppression, bad address", ada, "/admin/suppressions")
            .field("address", "address", "nobody-at-example")
            .invalid("address"),
        Case::new("closure day, bad date", lina, "/calendars/closures")
            .field("calendar", "calendar", "CH-GE")
            .field("day", "day", "2026-02-30")
            .field("note", "note", "Office move")
            .invalid("day"),
        Case::new(
            "message to the holder, bad address",
            lina,
            format!("/backorders/{b}/outreach"),
        )
        .field("sender_profile_id", "sender_profile_id", &sender)
        .field("to", "to", "holder-at-acme")
        .field("address_source", "address_source", "holder_published")
        .field("subject", "subject", "About acme-widgets.com")
        .field(
            "body",
            "body",
            "Dear holder,\nwe would like to buy the name.",
        )
        .sent("template", "purchase_offer")
        .invalid("to"),
        Case::new("draft, bad address", lina, draft.clone())
            .field("sender_profile_id", "sender_profile_id", &sender)
            .field("to", "to", "holder-at-acme")
            .field("address_source", "address_source", "holder_wrote")
            .field("subject", "subject", "About acme-widgets.com again")
            .field("body", "body", "Dear holder,\nwe offer more.")
            .invalid("to"),
        Case::new("API token, no name", lina, "/account/tokens")
            .field("name", "token_name", "")
            .invalid("token_name"),
        Case::new("password, wrong current one", lina, "/account/password")
            .secret(
                "current_password",
                "current_password",
                "not my password at all",
            )
            .secret(
                "new_password",
                "new_password",
                "a brand new long passphrase",
            )
            .sent("new_password_confirm", "a brand new long passphrase")
            .invalid("current_password"),
    ];
    check_all(&o.app, &cases).await;
}
