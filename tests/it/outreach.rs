//! Outreach to holders, end to end: drafting, the compliance gate, approval by a second lawyer,
//! delivery to a real SMTP server (headers, body, DKIM), one-click unsubscribe (RFC 8058),
//! suppression honoured by every later path, refusals and dropped connections, and a process
//! stopped between claim and send.

use base64::Engine;
use chrono::Duration;
use ed25519_dalek::{Signature, SigningKey, Verifier};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{Browser, PASSWORD, TestApp, api, location, spawn_app_with};
use crate::smtp_sink::{FlakyRelay, Received, SmtpSink};
use reclaim::model::audit::Actor;
use reclaim::model::user::Role;
use reclaim::repo::{outbox, suppressions};

/// The Ed25519 DKIM key of the test firm (RFC 8463: the base64 of a 32-byte seed).
const SEED: [u8; 32] = [42; 32];
const PUBLIC_URL: &str = "https://reclaim.firm.example";

struct Office {
    app: TestApp,
    /// Signed in as Lina, the drafting lawyer.
    lina: Browser,
    /// Signed in as Marc, the approving lawyer.
    marc: Browser,
    paul: Browser,
    admin_token: String,
    marc_token: String,
    lina_token: String,
    sender: String,
}

async fn office(smtp_url: String) -> Office {
    let app = spawn_app_with(move |s| {
        s.smtp_url = Some(smtp_url);
        s.public_url = reclaim::config::PublicUrl::parse(PUBLIC_URL).unwrap();
        s.mail_from = "reclaim@firm.example".to_owned();
    })
    .await;
    let admin = app
        .create_user("ada.admin@cabinet-martin.example", Role::Admin, None)
        .await;
    app.create_user("lina.lawyer@cabinet-martin.example", Role::Lawyer, None)
        .await;
    app.create_user("marc.lawyer@cabinet-martin.example", Role::Lawyer, None)
        .await;
    app.create_user(
        "paul.paralegal@cabinet-martin.example",
        Role::Paralegal,
        None,
    )
    .await;
    let mut browsers = Vec::new();
    for email in [
        "lina.lawyer@cabinet-martin.example",
        "marc.lawyer@cabinet-martin.example",
        "paul.paralegal@cabinet-martin.example",
    ] {
        let b = app.new_browser();
        assert_eq!(b.login(email, PASSWORD).await.status().as_u16(), 303);
        browsers.push(b);
    }
    let admin_token = app.api_token(&admin).await;
    let users = app.accounts().await;
    let find = |email: &str| {
        users
            .iter()
            .find(|(u, _)| u.email == email)
            .unwrap()
            .0
            .clone()
    };
    let marc_token = app
        .api_token(&find("marc.lawyer@cabinet-martin.example"))
        .await;
    let lina_token = app
        .api_token(&find("lina.lawyer@cabinet-martin.example"))
        .await;
    let key = base64::engine::general_purpose::STANDARD.encode(SEED);
    let (status, body) = api(
        &app,
        Method::POST,
        "/api/v1/sender-profiles",
        Some(&admin_token),
        Some(json!({
            "legal_name": "Cabinet Martin Avocats SELARL",
            "postal_address": "12 rue de la Paix\n75002 Paris\nFrance",
            "phone": "+33 1 23 45 67 89",
            "from_email": "domains@cabinet-martin.example",
            "from_name": "Cabinet Martin",
            "reply_to": "team@cabinet-martin.example",
            "dkim_selector": "reclaim2026",
            "dkim_private_key": key,
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let sender = body["id"].as_str().unwrap().to_owned();
    let mut it = browsers.into_iter();
    Office {
        lina: it.next().unwrap(),
        marc: it.next().unwrap(),
        paul: it.next().unwrap(),
        app,
        admin_token,
        marc_token,
        lina_token,
        sender,
    }
}

/// A matter with a backorder on `domain`; returns the backorder id.
async fn name_to_recover(o: &Office, domain: &str) -> String {
    let lina = o.app.accounts().await;
    let lina = lina
        .into_iter()
        .find(|(u, _)| u.email.starts_with("lina"))
        .unwrap()
        .0;
    let client = o.app.create_client(&format!("Client of {domain}")).await;
    let (matter, _) = o
        .app
        .open_matter(&client, &lina, &format!("Recover {domain}"))
        .await;
    o.app.attach(&matter, domain).await.to_string()
}

/// Drafts in the UI as `browser`; returns the outreach id.
async fn draft(
    browser: &Browser,
    o: &Office,
    backorder: &str,
    to: &str,
    source: &str,
    subject: &str,
) -> String {
    let response = browser
        .post_form(
            &format!("/backorders/{backorder}/outreach"),
            &[
                ("sender_profile_id", o.sender.as_str()),
                ("to", to),
                ("address_source", source),
                ("subject", subject),
                ("body", "Dear holder,\n\nOur client would like to acquire the name. Would you consider an offer?\n\nKind regards,\nLina Lawyer"),
                ("template", "purchase_offer"),
            ],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "draft: {}",
        response.text().await.unwrap_or_default()
    );
    location(&response)
        .trim_start_matches("/outreach/")
        .to_owned()
}

async fn outreach_json(o: &Office, id: &str) -> Value {
    let (status, body) = api(
        &o.app,
        Method::GET,
        &format!("/api/v1/outreach/{id}"),
        Some(&o.marc_token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

fn check(body: &Value, id: &str) -> (bool, String) {
    let c = body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {body}"));
    (
        c["passed"].as_bool().unwrap(),
        c["message"].as_str().unwrap().to_owned(),
    )
}

async fn deliver(o: &Office) -> String {
    reclaim::jobs::run(&o.app.state, "outbox")
        .await
        .expect("the outbox job runs")
}

/// The token of a received message's unsubscribe link.
fn token_of(message: &Received) -> String {
    let header = message
        .header("List-Unsubscribe")
        .expect("List-Unsubscribe");
    let start = header.find("/u/").unwrap() + 3;
    let end = header[start..].find('>').unwrap() + start;
    header[start..end].to_owned()
}

/// RFC 6376 §3.4.2 relaxed header canonicalization of one field.
fn relaxed_header(name: &str, value: &str) -> String {
    let value = value.replace("\r\n", "");
    let squashed = value
        .split([' ', '\t'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    format!("{}:{}", name.to_ascii_lowercase(), squashed.trim())
}

/// RFC 6376 §3.4.4 relaxed body canonicalization.
fn relaxed_body(body: &str) -> String {
    let mut lines: Vec<String> = body
        .split("\r\n")
        .map(|l| {
            l.split([' ', '\t'])
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .map(|l| l.trim_end().to_owned())
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    if lines.is_empty() {
        String::new()
    } else {
        format!("{}\r\n", lines.join("\r\n"))
    }
}

/// Verifies the message's DKIM-Signature (relaxed/relaxed, ed25519-sha256, RFC 8463) with the
/// public key of SEED, and returns its `h=` list.
fn verify_dkim(raw: &str) -> Vec<String> {
    let (head, body) = raw.split_once("\r\n\r\n").expect("headers and body");
    // Header fields, unfolded but with their original text.
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            let last = fields.last_mut().expect("a field to continue");
            last.1.push_str("\r\n");
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("name: value");
            fields.push((name.to_owned(), value.to_owned()));
        }
    }
    let (_, signature) = fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("DKIM-Signature"))
        .expect("a DKIM-Signature")
        .clone();
    let tags: Vec<(String, String)> = signature
        .replace("\r\n", "")
        .split(';')
        .filter_map(|t| t.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_owned(),
                v.split_whitespace().collect::<String>(),
            )
        })
        .collect();
    let tag = |k: &str| {
        tags.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("tag {k}"))
    };
    assert_eq!(tag("a"), "ed25519-sha256");
    assert_eq!(tag("c"), "relaxed/relaxed");
    assert_eq!(tag("d"), "cabinet-martin.example");
    assert_eq!(tag("s"), "reclaim2026");
    // Body hash.
    let bh = base64::engine::general_purpose::STANDARD
        .encode(Sha256::digest(relaxed_body(body).as_bytes()));
    assert_eq!(tag("bh"), bh, "the body hash matches the body received");
    // Signed header fields, each the last unused occurrence (RFC 6376 §5.4.2).
    let h: Vec<String> = tag("h")
        .split(':')
        .map(|s| s.to_ascii_lowercase())
        .collect();
    let mut used = vec![false; fields.len()];
    let mut data = String::new();
    for name in &h {
        if let Some(i) = (0..fields.len())
            .rev()
            .find(|i| !used[*i] && fields[*i].0.eq_ignore_ascii_case(name))
        {
            used[i] = true;
            data.push_str(&relaxed_header(&fields[i].0, &fields[i].1));
            data.push_str("\r\n");
        }
    }
    // The signature field itself, with b= emptied and no final CRLF.
    let b_start = signature.find("b=").map(|i| {
        // `bh=` also contains "b="; take the b= that is a tag of its own.
        let mut at = i;
        while signature[..at]
            .trim_end()
            .ends_with(|c: char| c.is_ascii_alphanumeric())
            && at + 2 < signature.len()
        {
            at = signature[at + 2..]
                .find("b=")
                .map(|j| at + 2 + j)
                .unwrap_or(signature.len());
        }
        at
    });
    let b_start = b_start.expect("a b= tag");
    let b_end = signature[b_start..]
        .find(';')
        .map(|j| b_start + j)
        .unwrap_or(signature.len());
    let emptied = format!("{}b={}", &signature[..b_start], &signature[b_end..]);
    data.push_str(&relaxed_header("DKIM-Signature", &emptied));
    let b = base64::engine::general_purpose::STANDARD
        .decode(tag("b"))
        .expect("b= is base64");
    let signature = Signature::from_slice(&b).expect("an Ed25519 signature");
    let public = SigningKey::from_bytes(&SEED).verifying_key();
    public
        .verify(&Sha256::digest(data.as_bytes()), &signature)
        .expect("the DKIM signature verifies with the published key");
    h
}

#[tokio::test]
async fn an_approved_message_reaches_the_holder_signed_with_identity_and_one_click_unsubscribe() {
    let sink = SmtpSink::start();
    let o = office(sink.url()).await;
    let backorder = name_to_recover(&o, "acme-brands.com").await;
    let holder = "acme-brands.com@relay.registrar.example";

    // The paralegal drafts from the template.
    let form = o
        .paul
        .get_html(&format!(
            "/backorders/{backorder}/outreach/new?template=purchase_offer&amount=EUR%202%2C500"
        ))
        .await;
    assert!(
        form.contains("Our client offers EUR 2,500"),
        "the template is filled in"
    );
    let id = draft(
        &o.paul,
        &o,
        &backorder,
        holder,
        "registrar_relay",
        "Offer to buy the domain name acme-brands.com",
    )
    .await;

    // The draft shows every check; only the approval is missing.
    let body = outreach_json(&o, &id).await;
    assert_eq!(body["status"], "draft");
    assert_eq!(body["sendable"], false);
    for passing in [
        "sender_identity",
        "sender_domain",
        "postal_address_in_body",
        "identified_as_solicitation",
        "subject_not_deceptive",
        "unsubscribe_link",
        "gdpr_notice",
        "not_suppressed",
        "address_source",
        "frequency",
        "procedure_conflict",
        "one_click_https",
        "dkim",
    ] {
        assert!(
            check(&body, passing).0,
            "{passing}: {}",
            check(&body, passing).1
        );
    }
    assert!(!check(&body, "approved").0);
    let page = o.paul.get_html(&format!("/outreach/{id}")).await;
    assert!(
        page.contains("List-Unsubscribe-Post"),
        "the preview shows the headers"
    );
    assert!(
        page.contains("12 rue de la Paix"),
        "the preview shows the footer"
    );

    // Not approvable by a paralegal; sending before approval is refused on every path.
    assert_eq!(
        o.paul
            .post_form(&format!("/outreach/{id}/approve"), &[])
            .await
            .status()
            .as_u16(),
        403
    );
    let (status, refused) = api(
        &o.app,
        Method::POST,
        &format!("/api/v1/outreach/{id}/send"),
        Some(&o.marc_token),
        None,
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("must approve")
    );
    let response = o.paul.post_form(&format!("/outreach/{id}/send"), &[]).await;
    assert_eq!(response.status().as_u16(), 422);

    // Marc approves; Paul sends; the outbox delivers.
    let response = o
        .marc
        .post_form(&format!("/outreach/{id}/approve"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = o.paul.post_form(&format!("/outreach/{id}/send"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    let ran = deliver(&o).await;
    assert!(ran.starts_with("1 message(s) sent"), "{ran}");
    let received = sink.wait_for(1).await;
    assert_eq!(received.len(), 1);
    let m = &received[0];

    // Envelope and headers (CAN-SPAM 7704(a)(1); RFC 2369; RFC 8058 §3.1).
    assert_eq!(
        m.from, "domains@cabinet-martin.example",
        "SPF checks the firm's own domain"
    );
    assert_eq!(m.to, vec![holder.to_owned()]);
    assert_eq!(
        m.header("From").unwrap(),
        "\"Cabinet Martin\" <domains@cabinet-martin.example>"
    );
    assert_eq!(m.header("Reply-To").unwrap(), "team@cabinet-martin.example");
    assert_eq!(
        m.header("Subject").unwrap(),
        "Offer to buy the domain name acme-brands.com"
    );
    assert_eq!(
        m.header("Message-ID").unwrap(),
        format!("<outreach-{id}@reclaim.firm.example>")
    );
    let token = token_of(m);
    assert_eq!(
        m.header("List-Unsubscribe").unwrap(),
        format!(
            "<{PUBLIC_URL}/u/{token}>, <mailto:team@cabinet-martin.example?subject=unsubscribe%20{token}>"
        )
    );
    assert_eq!(
        m.header("List-Unsubscribe-Post").unwrap(),
        "List-Unsubscribe=One-Click"
    );
    // DKIM covers the one-click headers and verifies with the published key.
    let signed = verify_dkim(&m.text());
    for header in [
        "from",
        "subject",
        "list-unsubscribe",
        "list-unsubscribe-post",
    ] {
        assert!(
            signed.contains(&header.to_owned()),
            "h= covers {header}: {signed:?}"
        );
    }
    // The body: the text, the firm's identity, what it is, the source, the way out.
    let text = m.body();
    assert!(text.contains("Would you consider an offer?"));
    assert!(text.contains("Cabinet Martin Avocats SELARL\n12 rue de la Paix\n75002 Paris\nFrance\nTel. +33 1 23 45 67 89"), "{text}");
    assert!(text.contains("This message is a solicitation from Cabinet Martin Avocats SELARL concerning the domain name acme-brands.com"));
    assert!(text.contains("through the contact relay of the registrar of acme-brands.com"));
    assert!(
        text.contains(&format!("{PUBLIC_URL}/u/{token}")),
        "a visible link"
    );

    // Kept in the record: the backorder's log, the status, the audit; it cannot change now.
    let page = o.paul.get_html(&format!("/backorders/{backorder}")).await;
    assert!(page.contains("Offer to buy the domain name acme-brands.com"));
    assert!(page.contains("outreach-sent"));
    assert_eq!(outreach_json(&o, &id).await["delivery"], "sent");
    let response = o
        .paul
        .post_form(
            &format!("/outreach/{id}"),
            &[
                ("sender_profile_id", &o.sender),
                ("to", holder),
                ("address_source", "registrar_relay"),
                ("subject", "Changed"),
                ("body", "changed"),
            ],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        409,
        "a sent message is part of the record"
    );
    let outreach_id = reclaim::model::ids::OutreachId::parse(&id).unwrap();
    let tampered = o
        .app
        .state
        .db
        .run(move |c| {
            use diesel::prelude::*;
            use reclaim::db::schema::outreach_messages;
            diesel::update(outreach_messages::table.find(&outreach_id))
                .set(outreach_messages::subject.eq("rewritten"))
                .execute(c)
                .map_err(reclaim::db::DbError::from)
        })
        .await;
    assert!(
        tampered.is_err(),
        "the database refuses to rewrite a sent message"
    );
    let actions = o.app.audit_actions().await;
    for action in ["outreach.drafted", "outreach.approved", "outreach.queued"] {
        assert!(actions.iter().any(|a| a == action), "{action}");
    }
}

#[tokio::test]
async fn one_click_unsubscribe_suppresses_and_every_later_path_honours_it() {
    let sink = SmtpSink::start();
    let o = office(sink.url()).await;
    let backorder = name_to_recover(&o, "unsub-me.com").await;
    let holder = "owner@unsub-me-holder.example";
    let id = draft(
        &o.lina,
        &o,
        &backorder,
        holder,
        "holder_published",
        "Offer to buy unsub-me.com",
    )
    .await;
    o.marc
        .post_form(&format!("/outreach/{id}/approve"), &[])
        .await;
    o.lina.post_form(&format!("/outreach/{id}/send"), &[]).await;
    deliver(&o).await;
    let token = token_of(&sink.wait_for(1).await[0]);
    let suppressed = |o: &Office| {
        let state = o.app.state.clone();
        async move {
            state
                .db
                .run(|c| suppressions::is_suppressed(c, "OWNER@unsub-me-holder.example"))
                .await
                .unwrap()
        }
    };

    // A plain client: no cookie, no login (RFC 8058 §3.2).
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // GET shows a page with one button and does not unsubscribe (mail scanners follow links).
    let response = client
        .get(o.app.url(&format!("/u/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().get("set-cookie").is_none());
    let page = response.text().await.unwrap();
    assert!(page.contains("<button type=\"submit\">Unsubscribe</button>"));
    assert!(!suppressed(&o).await, "GET never unsubscribes");

    // The one-click POST, as mailbox providers send it: suppressed at once, 200, no redirect.
    let response = client
        .post(o.app.url(&format!("/u/{token}")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().get("location").is_none());
    assert!(response.headers().get("set-cookie").is_none());
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("You are unsubscribed")
    );
    assert!(suppressed(&o).await);
    // Again (a second click, a retry by the provider): still 200.
    let again = client
        .post(o.app.url(&format!("/u/{token}")))
        .multipart(reqwest::multipart::Form::new().text("List-Unsubscribe", "One-Click"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 200);

    // The list holds a hash, not the address.
    let admin_page = {
        let admin = o.app.new_browser();
        admin
            .login("ada.admin@cabinet-martin.example", PASSWORD)
            .await;
        admin.get_html("/admin/suppressions").await
    };
    assert!(
        !admin_page.contains("unsub-me-holder"),
        "no address on the list"
    );
    assert!(admin_page.contains(&suppressions::address_hash(holder)));

    // A new message to the same address: the gate says so and no path sends it.
    let backorder2 = name_to_recover(&o, "unsub-me.net").await;
    let second = draft(
        &o.lina,
        &o,
        &backorder2,
        "Owner@Unsub-Me-Holder.example",
        "holder_published",
        "Offer to buy unsub-me.net",
    )
    .await;
    let body = outreach_json(&o, &second).await;
    let (passed, message) = check(&body, "not_suppressed");
    assert!(!passed);
    assert!(message.contains("asked not to be written to again"));
    let (status, _) = api(
        &o.app,
        Method::POST,
        &format!("/api/v1/outreach/{second}/approve"),
        Some(&o.marc_token),
        None,
    )
    .await;
    assert_eq!(status, 200, "a lawyer may approve the text…");
    let (status, refused) = api(
        &o.app,
        Method::POST,
        &format!("/api/v1/outreach/{second}/send"),
        Some(&o.marc_token),
        None,
    )
    .await;
    assert_eq!(status, 422, "…but it is never sent: {refused}");
    assert_eq!(refused["error"]["field"], "not_suppressed");

    // A message queued before the request is not delivered after it either.
    let backorder3 = name_to_recover(&o, "late-unsub.com").await;
    let third = draft(
        &o.lina,
        &o,
        &backorder3,
        "late@late-unsub-holder.example",
        "holder_wrote",
        "Offer to buy late-unsub.com",
    )
    .await;
    o.marc
        .post_form(&format!("/outreach/{third}/approve"), &[])
        .await;
    let response = o
        .lina
        .post_form(&format!("/outreach/{third}/send"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (actor, now) = (Actor::process("test", o.app.clock_now()), o.app.clock_now());
    o.app
        .state
        .db
        .run(move |c| {
            suppressions::suppress(
                c,
                &actor,
                "late@late-unsub-holder.example",
                reclaim::model::outreach::SuppressionReason::Manual,
                "by phone",
                now,
            )
        })
        .await
        .unwrap();
    let before = sink.messages().len();
    deliver(&o).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(sink.messages().len(), before, "not delivered");
    let body = outreach_json(&o, &third).await;
    assert_eq!(body["delivery"], "failed");
    let page = o.lina.get_html(&format!("/outreach/{third}")).await;
    assert!(page.contains("unsubscribed after the message was queued"));
}

#[tokio::test]
async fn forged_or_altered_unsubscribe_tokens_are_refused_and_change_nothing() {
    let sink = SmtpSink::start();
    let o = office(sink.url()).await;
    let backorder = name_to_recover(&o, "forged.com").await;
    let id = draft(
        &o.lina,
        &o,
        &backorder,
        "holder@forged-holder.example",
        "holder_wrote",
        "Offer to buy forged.com",
    )
    .await;
    let real = reclaim::app::outreach::unsubscribe_token(
        &o.app.state.keys.link_tokens,
        &reclaim::model::ids::OutreachId::parse(&id).unwrap(),
    );
    let other_key = reclaim::app::outreach::unsubscribe_token(
        &[1u8; 32],
        &reclaim::model::ids::OutreachId::parse(&id).unwrap(),
    );
    let mut altered = real.clone().into_bytes();
    let last = altered.len() - 1;
    altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let forged_payload = reclaim::auth::tokens::sign(&[0u8; 32], "unsubscribe", id.as_bytes());
    let client = reqwest::Client::new();
    for token in [
        altered.as_str(),
        other_key.as_str(),
        forged_payload.as_str(),
        "nonsense",
        "x.y",
    ] {
        let get = client
            .get(o.app.url(&format!("/u/{token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(get.status().as_u16(), 404, "GET {token}");
        let post = client
            .post(o.app.url(&format!("/u/{token}")))
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(post.status().as_u16(), 404, "POST {token}");
    }
    let (_, total) = o
        .app
        .state
        .db
        .run(|c| suppressions::list(c, 10))
        .await
        .unwrap();
    assert_eq!(total, 0, "nothing suppressed");
    // The genuine one works.
    let post = client
        .post(o.app.url(&format!("/u/{real}")))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(post.status().as_u16(), 200);
}

#[tokio::test]
async fn the_gate_blocks_registry_addresses_repeat_messages_and_offers_during_a_procedure() {
    let sink = SmtpSink::start();
    let o = office(sink.url()).await;
    let backorder = name_to_recover(&o, "gated.com").await;

    // ICANN WHOIS marketing restriction: a registrant address from WHOIS/RDAP data.
    let id = draft(
        &o.lina,
        &o,
        &backorder,
        "registrant@gated-holder.example",
        "registry_data",
        "Offer to buy gated.com",
    )
    .await;
    let body = outreach_json(&o, &id).await;
    assert!(!check(&body, "address_source").0);
    o.marc
        .post_form(&format!("/outreach/{id}/approve"), &[])
        .await;
    let page = o.lina.get_html(&format!("/outreach/{id}")).await;
    assert!(
        page.contains("ICANN WHOIS Marketing Restriction Policy"),
        "the check says why"
    );
    assert!(
        !page.contains(&format!("action=\"/outreach/{id}/send\"")),
        "no send button"
    );
    let response = o.lina.post_form(&format!("/outreach/{id}/send"), &[]).await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("ICANN WHOIS Marketing Restriction Policy")
    );
    o.lina
        .post_form(&format!("/outreach/{id}/cancel"), &[])
        .await;

    // A deceptive subject is caught too.
    let fake = draft(
        &o.lina,
        &o,
        &backorder,
        "relay@gated-relay.example",
        "registrar_relay",
        "Re: gated.com",
    )
    .await;
    assert!(!check(&outreach_json(&o, &fake).await, "subject_not_deceptive").0);
    o.lina
        .post_form(&format!("/outreach/{fake}/cancel"), &[])
        .await;

    // A UDRP is planned on the name: an offer needs a lawyer's override, with a reason.
    let matter = outreach_json(&o, &id).await["matter_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = api(
        &o.app,
        Method::POST,
        &format!("/api/v1/matters/{matter}/procedures"),
        Some(&o.lina_token),
        Some(json!({"kind": "udrp", "domains": ["gated.com"]})),
    )
    .await;
    assert_eq!(status, 201);
    let offer = draft(
        &o.lina,
        &o,
        &backorder,
        "relay@gated-relay.example",
        "registrar_relay",
        "Offer to buy gated.com",
    )
    .await;
    let (passed, message) = check(&outreach_json(&o, &offer).await, "procedure_conflict");
    assert!(!passed);
    assert!(
        message.contains("reverse domain name hijacking"),
        "{message}"
    );
    assert_eq!(
        o.paul
            .post_form(&format!("/outreach/{offer}/override"), &[("reason", "x")])
            .await
            .status()
            .as_u16(),
        403,
        "paralegals cannot override"
    );
    let response = o
        .marc
        .post_form(&format!("/outreach/{offer}/override"), &[("reason", "")])
        .await;
    assert_eq!(response.status().as_u16(), 422, "a reason is required");
    let response = o
        .marc
        .post_form(
            &format!("/outreach/{offer}/override"),
            &[(
                "reason",
                "Client instructs to try a purchase first; complaint not filed",
            )],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    o.marc
        .post_form(&format!("/outreach/{offer}/approve"), &[])
        .await;
    let body = outreach_json(&o, &offer).await;
    assert!(check(&body, "procedure_conflict").0);
    assert_eq!(body["sendable"], true);
    // Editing after approval voids approval and override (they were for the old text).
    let response = o
        .lina
        .post_form(
            &format!("/outreach/{offer}"),
            &[
                ("sender_profile_id", &o.sender),
                ("to", "relay@gated-relay.example"),
                ("address_source", "registrar_relay"),
                ("subject", "Offer to buy gated.com"),
                ("body", "A new text: would you sell gated.com?"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let body = outreach_json(&o, &offer).await;
    assert_eq!(body["status"], "draft");
    assert!(!check(&body, "approved").0 && !check(&body, "procedure_conflict").0);
    // Approve again (with the override in the same call) and send.
    let (status, body) = api(
        &o.app,
        Method::POST,
        &format!("/api/v1/outreach/{offer}/approve"),
        Some(&o.marc_token),
        Some(json!({"override_procedure_warning": "Same instruction for the new text"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = api(
        &o.app,
        Method::POST,
        &format!("/api/v1/outreach/{offer}/send"),
        Some(&o.lina_token),
        None,
    )
    .await;
    assert_eq!(status, 202, "{body}");

    // One unanswered message per recipient in the period: a second one waits for an answer.
    let again = draft(
        &o.lina,
        &o,
        &backorder,
        "RELAY@gated-relay.example",
        "registrar_relay",
        "Offer to buy gated.com",
    )
    .await;
    let (passed, message) = check(&outreach_json(&o, &again).await, "frequency");
    assert!(!passed, "{message}");
    let response = o
        .lina
        .post_form(
            &format!("/outreach/{offer}/answer"),
            &[("note", "Holder asks for 10,000 EUR")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(
        check(&outreach_json(&o, &again).await, "frequency").0,
        "answered: the limit lifts"
    );

    // The drafter cannot approve her own text.
    let (status, _) = api(
        &o.app,
        Method::POST,
        &format!("/api/v1/outreach/{again}/approve"),
        Some(&o.lina_token),
        None,
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_refusing_server_fails_for_good_and_a_dropped_connection_is_retried_once() {
    // 550 for one recipient: a permanent failure, shown, never retried.
    let sink = SmtpSink::refusing(&["gone@refusing-holder.example"]);
    // The relay drops the first connection, then passes through.
    let relay = FlakyRelay::start(sink.port, 1).await;
    let o = office(relay.url()).await;
    let backorder = name_to_recover(&o, "delivery.com").await;

    let ok = draft(
        &o.lina,
        &o,
        &backorder,
        "fine@delivery-holder.example",
        "holder_wrote",
        "Offer to buy delivery.com",
    )
    .await;
    o.marc
        .post_form(&format!("/outreach/{ok}/approve"), &[])
        .await;
    o.lina.post_form(&format!("/outreach/{ok}/send"), &[]).await;
    let ran = deliver(&o).await;
    assert!(ran.contains("1 to retry"), "the dropped connection: {ran}");
    assert!(sink.messages().is_empty());
    assert_eq!(
        outreach_json(&o, &ok).await["delivery"],
        "queued",
        "kept for a retry, not lost"
    );
    // After the back-off, the same message goes out once.
    o.app.clock.advance(Duration::minutes(3));
    let ran = deliver(&o).await;
    assert!(ran.starts_with("1 message(s) sent"), "{ran}");
    let got = sink.wait_for(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].header("Message-ID").unwrap(),
        format!("<outreach-{ok}@reclaim.firm.example>")
    );
    o.app.clock.advance(Duration::minutes(30));
    deliver(&o).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(sink.messages().len(), 1, "delivered once, never again");

    let refused = draft(
        &o.lina,
        &o,
        &backorder,
        "gone@refusing-holder.example",
        "holder_wrote",
        "Offer to buy delivery.com",
    )
    .await;
    o.marc
        .post_form(&format!("/outreach/{refused}/approve"), &[])
        .await;
    o.lina
        .post_form(&format!("/outreach/{refused}/send"), &[])
        .await;
    let ran = deliver(&o).await;
    assert!(ran.contains("1 refused for good"), "{ran}");
    let page = o.lina.get_html(&format!("/outreach/{refused}")).await;
    assert!(page.contains("Delivery:"), "the refusal is shown");
    assert!(page.contains("550"), "with the server's answer");
    assert_eq!(outreach_json(&o, &refused).await["delivery"], "failed");
    // The firm's IT sees it in the outbox, with the server's answer.
    let admin = o.app.new_browser();
    admin
        .login("ada.admin@cabinet-martin.example", PASSWORD)
        .await;
    let outbox_page = admin.get_html("/admin/outbox?kind=outreach").await;
    assert!(outbox_page.contains("gone@refusing-holder.example") && outbox_page.contains("failed"));
    assert_eq!(o.lina.get("/admin/outbox").await.status().as_u16(), 403);
    o.app.clock.advance(Duration::hours(7));
    let ran = deliver(&o).await;
    assert!(
        ran.starts_with("0 message(s) sent, 0 to retry, 0 refused"),
        "no retry after a 5xx: {ran}"
    );
}

#[tokio::test]
async fn a_process_stopped_between_claim_and_send_loses_nothing_and_sends_once() {
    let sink = SmtpSink::start();
    let o = office(sink.url()).await;
    let backorder = name_to_recover(&o, "crash.com").await;
    let id = draft(
        &o.lina,
        &o,
        &backorder,
        "holder@crash-holder.example",
        "holder_wrote",
        "Offer to buy crash.com",
    )
    .await;
    o.marc
        .post_form(&format!("/outreach/{id}/approve"), &[])
        .await;
    o.lina.post_form(&format!("/outreach/{id}/send"), &[]).await;

    // Another instance claims the message, then dies before sending.
    let now = o.app.clock_now();
    let claimed = o
        .app
        .state
        .db
        .run(move |c| outbox::claim_due(c, "instance-that-died", now, Duration::minutes(5), 10))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        deliver(&o).await,
        "0 message(s) sent, 0 to retry, 0 refused for good",
        "still claimed"
    );
    // Its claim runs out: this instance sends it, with the same Message-ID, once.
    o.app.clock.advance(Duration::minutes(6));
    assert!(deliver(&o).await.starts_with("1 message(s) sent"));
    let got = sink.wait_for(1).await;
    assert_eq!(got[0].header("Message-ID").unwrap(), claimed[0].message_id);
    o.app.clock.advance(Duration::minutes(6));
    deliver(&o).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn sender_profiles_are_for_administrators_and_explain_what_is_wrong() {
    let sink = SmtpSink::start();
    let o = office(sink.url()).await;
    // Not an administrator: 403 in the UI and the API.
    assert_eq!(
        o.lina
            .post_form("/admin/senders", &[("legal_name", "X")])
            .await
            .status()
            .as_u16(),
        403
    );
    let (status, _) = api(
        &o.app,
        Method::POST,
        "/api/v1/sender-profiles",
        Some(&o.marc_token),
        Some(json!({"legal_name": "X"})),
    )
    .await;
    assert_eq!(status, 403);
    let cases: &[(Value, &str)] = &[
        (
            json!({"legal_name": "Firm", "postal_address": "Paris", "phone": "+33 1 23 45 67 89", "from_email": "a@firm.example"}),
            "postal_address",
        ),
        (
            json!({"legal_name": "Firm", "postal_address": "1 rue X, 75001 Paris", "phone": "call us", "from_email": "a@firm.example"}),
            "phone",
        ),
        (
            json!({"legal_name": "Firm", "postal_address": "1 rue X, 75001 Paris", "phone": "+33 1 23 45 67 89", "from_email": "not an address"}),
            "from_email",
        ),
        (
            json!({"legal_name": "Firm", "postal_address": "1 rue X, 75001 Paris", "phone": "+33 1 23 45 67 89", "from_email": "a@firm.example", "dkim_selector": "s1", "dkim_private_key": "not a key"}),
            "dkim_private_key",
        ),
        (
            json!({"legal_name": "Firm", "postal_address": "1 rue X, 75001 Paris", "phone": "+33 1 23 45 67 89", "from_email": "a@firm.example", "dkim_selector": "bad selector!", "dkim_private_key": base64::engine::general_purpose::STANDARD.encode(SEED)}),
            "dkim_selector",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = api(
            &o.app,
            Method::POST,
            "/api/v1/sender-profiles",
            Some(&o.admin_token),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 422, "{body} → {answer}");
        assert_eq!(answer["error"]["field"], *field, "{body} → {answer}");
    }
    // The key is never shown again.
    let admin = o.app.new_browser();
    admin
        .login("ada.admin@cabinet-martin.example", PASSWORD)
        .await;
    let page = admin
        .get_html(&format!("/admin/senders/{}", o.sender))
        .await;
    assert!(!page.contains(&base64::engine::general_purpose::STANDARD.encode(SEED)));
    assert!(
        page.contains("reclaim2026._domainkey.cabinet-martin.example"),
        "where to publish the public key"
    );
    // A profile on a free mailbox provider is accepted, but the gate blocks its messages.
    let (status, body) = api(&o.app, Method::POST, "/api/v1/sender-profiles", Some(&o.admin_token), Some(json!({"legal_name": "Firm", "postal_address": "1 rue X, 75001 Paris", "phone": "+33 1 23 45 67 89", "from_email": "firm@gmail.com"}))).await;
    assert_eq!(status, 201);
    let gmail = body["id"].as_str().unwrap().to_owned();
    let backorder = name_to_recover(&o, "freemail.com").await;
    let (status, body) = api(&o.app, Method::POST, "/api/v1/outreach", Some(&o.lina_token), Some(json!({"backorder_id": backorder, "sender_profile_id": gmail, "to": "h@freemail-holder.example", "subject": "Offer to buy freemail.com", "body": "Would you sell?", "address_source": "holder_wrote"}))).await;
    assert_eq!(status, 201, "{body}");
    let (passed, message) = check(&body, "sender_domain");
    assert!(
        !passed && message.contains("free mailbox provider"),
        "{message}"
    );
    // Bad drafts through the API are explained.
    let (status, answer) = api(&o.app, Method::POST, "/api/v1/outreach", Some(&o.lina_token), Some(json!({"backorder_id": backorder, "sender_profile_id": o.sender, "to": "nobody", "subject": "x", "body": "y"}))).await;
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["field"], "to");
    let (status, answer) = api(&o.app, Method::POST, "/api/v1/outreach", Some(&o.lina_token), Some(json!({"backorder_id": "not-an-id", "sender_profile_id": o.sender, "to": "a@b.example", "subject": "x", "body": "y"}))).await;
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["field"], "backorder_id");
}

/// The message page and the message API read a fixed number of statements, whatever the
/// number of registry answers kept for the name and of approvals given on the message; and a
/// published address that the latest registry answer also shows is flagged.
#[tokio::test]
async fn a_message_reads_a_fixed_number_of_statements() {
    use reclaim::model::lifecycle::Phase;
    use reclaim::model::monitoring::Source;
    use reclaim::model::registry_record::RegistryRecord;
    use reclaim::registry::Answer;

    let sink = SmtpSink::start();
    let o = office(sink.url()).await;
    let backorder = name_to_recover(&o, "counted.com").await;
    let id = draft(
        &o.lina,
        &o,
        &backorder,
        "holder@counted-holder.example",
        "holder_published",
        "Offer to buy counted.com",
    )
    .await;
    let keep = |n: i64, raw: &'static str| {
        let at = o.app.state.clock.now() - Duration::hours(100 - n);
        o.app.state.db.run(move |c| {
            reclaim::repo::monitoring::insert_snapshot(
                c,
                "counted.com",
                &Answer {
                    source: Source::Whois,
                    server: "whois.example:43".to_owned(),
                    fetched_at: at,
                    http_status: None,
                    raw: raw.as_bytes().to_vec(),
                },
                &RegistryRecord::default(),
                Phase::Active,
                None,
            )
        })
    };
    let cost = |path: String| {
        let o = &o;
        async move {
            let before = o.app.state.db.queries_run();
            if path.starts_with("/api/") {
                let (status, body) =
                    api(&o.app, Method::GET, &path, Some(&o.marc_token), None).await;
                assert_eq!(status, 200, "{body}");
            } else {
                let page = o.lina.get_html(&path).await;
                assert!(page.contains("Compliance checks"));
            }
            o.app.state.db.queries_run() - before
        }
    };
    keep(1, "Domain Name: counted.com\nRegistrant Email: REDACTED\n")
        .await
        .unwrap();
    // Once first: a new pooled connection, or a token's first use, costs statements of its own.
    cost(format!("/api/v1/outreach/{id}")).await;
    cost(format!("/outreach/{id}")).await;
    let (api_few, page_few) = (
        cost(format!("/api/v1/outreach/{id}")).await,
        cost(format!("/outreach/{id}")).await,
    );
    for n in 2..12 {
        keep(
            n,
            "Domain Name: counted.com\nRegistrant Email: Holder@Counted-Holder.example\n",
        )
        .await
        .unwrap();
    }
    for _ in 0..3 {
        o.marc
            .post_form(&format!("/outreach/{id}/approve"), &[])
            .await;
        o.lina
            .post_form(
                &format!("/outreach/{id}"),
                &[
                    ("sender_profile_id", o.sender.as_str()),
                    ("to", "holder@counted-holder.example"),
                    ("address_source", "holder_published"),
                    ("subject", "Offer to buy counted.com"),
                    ("body", &format!("Would you sell counted.com? {}", id.len())),
                ],
            )
            .await;
    }
    assert_eq!(cost(format!("/api/v1/outreach/{id}")).await, api_few);
    assert_eq!(cost(format!("/outreach/{id}")).await, page_few);
    let (passed, message) = check(&outreach_json(&o, &id).await, "address_source");
    assert!(!passed && message.contains("also appears"), "{message}");
}
