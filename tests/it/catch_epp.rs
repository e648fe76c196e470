//! A direct catch over EPP (issue 16): a fake registry on loopback speaks EPP over TLS
//! (RFC 5734: each data unit a 32-bit length counting itself, then the XML; the server's
//! greeting first; a client certificate signed by the registry's CA required) with the
//! RFC 5730 login/logout and the RFC 5731 domain check and create, and releases names at set
//! instants. Certificates are made in the test. The registrant of each registration is the one
//! the backorder chose: the client's handle at the account, or the firm's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Method;
use rustls_pki_types::pem::PemObject;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::catch_services::{CatchFirm, backorder_status, monitor_then_catch, stored_text};
use crate::helpers::api;
use crate::registry_servers::Reply;
use reclaim::model::backorder::BackorderStatus;

/// A certificate authority made for the test.
struct Authority {
    pem: String,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

impl Authority {
    fn new(name: &str) -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Self {
            pem: cert.pem(),
            issuer: rcgen::Issuer::new(params, key),
        }
    }

    /// A certificate for `names` (server) or a client: (certificate PEM, private key PEM).
    fn issue(&self, names: &[&str], client: bool) -> (String, String) {
        let mut params =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            names.first().copied().unwrap_or("client"),
        );
        params.extended_key_usages = vec![if client {
            rcgen::ExtendedKeyUsagePurpose::ClientAuth
        } else {
            rcgen::ExtendedKeyUsagePurpose::ServerAuth
        }];
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    }
}

/// How the fake registry treats a name.
#[derive(Debug, Clone, Copy)]
enum Name {
    /// Still held by its old registrant until this instant; free after it.
    ReleasedAt(Instant),
    /// Free for the check, but another registrar's create always arrives first (2302).
    Raced,
    /// Free, but a premium name the registry refuses without its fee (2306).
    Premium,
}

/// One registration the registry accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Created {
    domain: String,
    registrant: String,
    years: String,
    by: String,
}

#[derive(Default)]
struct Registry {
    client_id: String,
    password: String,
    names: HashMap<String, Name>,
    registered: Vec<Created>,
    /// Creates received, per name.
    creates: HashMap<String, usize>,
    sessions: usize,
    /// Every command's XML, as received.
    received: Vec<String>,
}

struct FakeEpp {
    endpoint: String,
    /// The registry's CA: it signs the server's certificate and the firm's client certificate.
    ca: Authority,
    state: Arc<Mutex<Registry>>,
}

/// RFC 5734 §4, written here independently of reclaim's own reader.
async fn read_unit<S: AsyncReadExt + Unpin>(stream: &mut S) -> Option<String> {
    let total = stream.read_u32().await.ok()?;
    let mut xml = vec![0u8; usize::try_from(total).ok()?.checked_sub(4)?];
    stream.read_exact(&mut xml).await.ok()?;
    String::from_utf8(xml).ok()
}

async fn write_unit<S: AsyncWriteExt + Unpin>(stream: &mut S, xml: &str) {
    let total = u32::try_from(xml.len() + 4).unwrap();
    let _ = stream.write_u32(total).await;
    let _ = stream.write_all(xml.as_bytes()).await;
    let _ = stream.flush().await;
}

/// The text of the first `<tag>…</tag>`.
fn inner<'a>(xml: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    xml.split_once(&open)
        .and_then(|(_, rest)| rest.split_once(&close))
        .map_or("", |(text, _)| text)
}

/// An RFC 5730 §2.6 answer.
fn answer(code: u16, msg: &str, ext: &str, res_data: &str, cl_trid: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><response><result code="{code}"><msg>{msg}</msg>{ext}</result>{res_data}<trID><clTRID>{cl_trid}</clTRID><svTRID>SV-{code}</svTRID></trID></response></epp>"#
    )
}

const GREETING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><greeting><svID>Example Registry EPP</svID><svDate>2026-12-03T06:00:00.0Z</svDate><svcMenu><version>1.0</version><lang>en</lang><objURI>urn:ietf:params:xml:ns:domain-1.0</objURI><objURI>urn:ietf:params:xml:ns:contact-1.0</objURI></svcMenu></greeting></epp>"#;

impl FakeEpp {
    async fn start() -> Self {
        let ca = Authority::new("Example Registry CA");
        let (server_cert, server_key) = ca.issue(&["127.0.0.1"], false);
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls_pki_types::CertificateDer::from_pem_slice(ca.pem.as_bytes()).unwrap())
            .unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let clients = rustls::server::WebPkiClientVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()
        .unwrap();
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(clients)
            .with_single_cert(
                rustls_pki_types::CertificateDer::pem_slice_iter(server_cert.as_bytes())
                    .collect::<Result<Vec<_>, _>>()
                    .unwrap(),
                rustls_pki_types::PrivateKeyDer::from_pem_slice(server_key.as_bytes()).unwrap(),
            )
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("127.0.0.1:{}", listener.local_addr().unwrap().port());
        let state = Arc::new(Mutex::new(Registry {
            client_id: "firm-epp".into(),
            password: "epp-Pass-31".into(),
            ..Default::default()
        }));
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, state) = (acceptor.clone(), shared.clone());
                tokio::spawn(async move {
                    // A client certificate the CA did not sign ends here, with TLS's alert.
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    serve(&mut tls, &state).await;
                });
            }
        });
        Self {
            endpoint,
            ca,
            state,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Registry) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    /// The account as the administrator connects it (the registry's CA trusted).
    fn account(&self, label: &str, password: &str, identity: &(String, String)) -> Value {
        json!({"provider": "epp", "label": label, "endpoint": self.endpoint,
            "credentials": {"client_id": "firm-epp", "password": password,
                "certificate_pem": identity.0, "private_key_pem": identity.1,
                "ca_pem": self.ca.pem, "registrant": "FIRM-0042"}})
    }
}

/// One session: greeting, login, then commands until logout.
async fn serve<S: AsyncReadExt + AsyncWriteExt + Unpin>(tls: &mut S, state: &Mutex<Registry>) {
    state.lock().unwrap().sessions += 1;
    write_unit(tls, GREETING).await;
    let mut logged_in = false;
    while let Some(xml) = read_unit(tls).await {
        let trid = inner(&xml, "clTRID").to_owned();
        let reply = {
            let mut s = state.lock().unwrap();
            s.received.push(xml.clone());
            if xml.contains("<login>") {
                let ok = inner(&xml, "clID") == s.client_id
                    && inner(&xml, "pw") == s.password
                    && xml.contains("<version>1.0</version>")
                    && xml.contains("<objURI>urn:ietf:params:xml:ns:domain-1.0</objURI>");
                logged_in = ok;
                if ok {
                    answer(1000, "Command completed successfully", "", "", &trid)
                } else {
                    answer(2200, "Authentication error", "", "", &trid)
                }
            } else if xml.contains("<logout/>") {
                answer(
                    1500,
                    "Command completed successfully; ending session",
                    "",
                    "",
                    &trid,
                )
            } else if !logged_in {
                answer(2002, "Command use error", "", "", &trid)
            } else if xml.contains("<domain:check") {
                let name = inner(&xml, "domain:name").to_owned();
                let free = !s.registered.iter().any(|c| c.domain == name)
                    && match s.names.get(&name) {
                        Some(Name::ReleasedAt(at)) => Instant::now() >= *at,
                        Some(Name::Raced | Name::Premium) => true,
                        None => false,
                    };
                let (avail, reason) = if free {
                    ("1", String::new())
                } else {
                    ("0", "<domain:reason>In use</domain:reason>".to_owned())
                };
                answer(
                    1000,
                    "Command completed successfully",
                    "",
                    &format!(
                        r#"<resData><domain:chkData xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:cd><domain:name avail="{avail}">{name}</domain:name>{reason}</domain:cd></domain:chkData></resData>"#
                    ),
                    &trid,
                )
            } else if xml.contains("<domain:create") {
                let name = inner(&xml, "domain:name").to_owned();
                *s.creates.entry(name.clone()).or_default() += 1;
                let years = xml
                    .split_once(r#"<domain:period unit="y">"#)
                    .and_then(|(_, r)| r.split_once('<'))
                    .map_or("", |(y, _)| y)
                    .to_owned();
                let registrant = inner(&xml, "domain:registrant").to_owned();
                let held = s.registered.iter().any(|c| c.domain == name);
                match s.names.get(&name).copied() {
                    Some(Name::ReleasedAt(at)) if Instant::now() >= at && !held => {
                        let by = s.client_id.clone();
                        s.registered.push(Created {
                            domain: name.clone(),
                            registrant,
                            years,
                            by,
                        });
                        answer(
                            1000,
                            "Command completed successfully",
                            "",
                            &format!(
                                r#"<resData><domain:creData xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>{name}</domain:name><domain:crDate>2026-12-03T06:00:01.0Z</domain:crDate><domain:exDate>2027-12-03T06:00:01.0Z</domain:exDate></domain:creData></resData>"#
                            ),
                            &trid,
                        )
                    }
                    Some(Name::Premium) => answer(
                        2306,
                        "Parameter value policy error",
                        &format!(
                            r#"<extValue><value><domain:name xmlns:domain="urn:ietf:params:xml:ns:domain-1.0">{name}</domain:name></value><reason>Premium name: the create must carry the fee extension</reason></extValue>"#
                        ),
                        "",
                        &trid,
                    ),
                    _ => answer(2302, "Object exists", "", "", &trid),
                }
            } else {
                answer(2000, "Unknown command", "", "", &trid)
            }
        };
        write_unit(tls, &reply).await;
        if xml.contains("<logout/>") {
            break;
        }
    }
}

async fn channel_of(firm: &CatchFirm, id: &reclaim::model::ids::BackorderId) -> Value {
    let (_, shown) = api(
        &firm.app,
        Method::GET,
        &format!("/api/v1/backorders/{id}"),
        Some(&firm.token),
        None,
    )
    .await;
    shown["channels"][0].clone()
}

async fn attempts(firm: &CatchFirm, id: &reclaim::model::ids::BackorderId) -> Vec<Value> {
    let (status, list) = api(
        &firm.app,
        Method::GET,
        &format!("/api/v1/backorders/{id}/attempts"),
        Some(&firm.token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    list.as_array().cloned().unwrap_or_default()
}

/// The registry shows the name gone (RDAP 404) and reclaim's monitor checks it: the release
/// is seen and the registration sent at once.
async fn release(firm: &CatchFirm, name: &str) {
    firm.registry.set(name, Reply::status(404));
    let domain = reclaim::model::domain_name::DomainName::parse(name).unwrap();
    reclaim::app::monitoring::check(&firm.app.state, &domain)
        .await
        .unwrap();
}

/// The drop: two hours on, the registry's EPP side treats each name as said, and each is
/// released (`release`), in order: the registrations go out at once.
async fn drop_names(firm: &CatchFirm, epp: &FakeEpp, names: &[(&str, Name)]) {
    epp.with(|s| {
        for (name, state) in names {
            s.names.insert((*name).into(), *state);
        }
    });
    firm.app.clock.advance(chrono::Duration::hours(2));
    for (name, _) in names {
        release(firm, name).await;
    }
}

fn message(channel: &Value) -> String {
    channel["message"].as_str().unwrap_or_default().to_owned()
}

/// First at the release: registered over EPP in the firm's name (the default), the checklist
/// opens, each command on the record with its duration. Lost when another registrar's create
/// arrived first (2302); a premium name refused with the registry's reason; two checks seeing
/// one release at once send one create. No secret anywhere.
#[tokio::test]
async fn a_direct_catch_over_epp_wins_when_first_and_loses_when_another_registrar_was_faster() {
    let firm = CatchFirm::start().await;
    let epp = FakeEpp::start().await;
    let identity = epp.ca.issue(&["firm-epp"], true);
    let account = firm
        .connect(epp.account("Registry access", "epp-Pass-31", &identity))
        .await;
    assert_eq!(account["provider"], "epp", "{account}");
    // Connecting verified the account: one session, login and logout, nothing else.
    let verified: Vec<String> = epp.with(|s| s.received.clone());
    assert_eq!(epp.with(|s| s.sessions), 1);
    assert_eq!(verified.len(), 2, "{verified:?}");
    assert!(verified[0].contains("<login>") && verified[1].contains("<logout/>"));

    let names = [
        "northwind-mine.com",
        "northwind-gone.com",
        "northwind-gold.com",
        "northwind-twice.com",
    ];
    let mut ids = Vec::new();
    for name in names {
        let (id, channel) = firm.order(name, &["pending delete"], &account).await;
        assert_eq!(channel["provider"], "firm_registrar", "{channel}");
        ids.push(id);
    }
    // In pending delete: nothing goes to the registry.
    let done = monitor_then_catch(&firm.app, &names).await;
    assert!(done.starts_with("0 order(s) placed, 4 waiting"), "{done}");
    assert_eq!(epp.with(|s| s.sessions), 1);

    // The registry's EPP side lags its RDAP by half a second: the first check says "In use",
    // the next round (a second later) registers.
    drop_names(
        &firm,
        &epp,
        &[
            (
                names[0],
                Name::ReleasedAt(Instant::now() + Duration::from_millis(500)),
            ),
            (names[1], Name::Raced),
            (names[2], Name::Premium),
        ],
    )
    .await;
    assert_eq!(
        backorder_status(&firm.app, &ids[0]).await,
        BackorderStatus::Caught
    );
    let mine = channel_of(&firm, &ids[0]).await;
    assert_eq!(mine["status"], "caught", "{mine}");
    assert!(
        message(&mine).starts_with("registered over EPP by the firm's registry access for 1 year(s), registrant FIRM-0042, expires 2027-12-03"),
        "{mine}"
    );
    let created = epp.with(|s| s.registered.clone());
    assert_eq!(
        created,
        [Created {
            domain: names[0].into(),
            registrant: "FIRM-0042".into(),
            years: "1".into(),
            by: "firm-epp".into()
        }]
    );
    // Each command on the record, with its duration; the passwords never.
    let calls = attempts(&firm, &ids[0]).await;
    let actions: Vec<&str> = calls.iter().filter_map(|c| c["action"].as_str()).collect();
    // Newest first.
    assert_eq!(
        actions,
        ["logout", "register", "check", "check", "login", "connect"],
        "{calls:?}"
    );
    assert!(calls.iter().all(|c| c["duration_ms"].is_u64()), "{calls:?}");
    let register = calls.iter().find(|c| c["action"] == "register").unwrap();
    assert_eq!(register["result"], "EPP 1000", "{register}");
    assert_eq!(calls[5]["result"], "EPP greeting", "{calls:?}");
    let shown = serde_json::to_string(&calls).unwrap();
    assert!(shown.contains("<pw>[redacted]</pw>"), "{shown}");
    assert!(
        shown.contains("<domain:pw>[redacted]</domain:pw>"),
        "{shown}"
    );
    assert!(!shown.contains("epp-Pass-31"));
    // The transfer password sent is the registry's secret for the name: not on the record.
    let sent_create = epp.with(|s| {
        s.received
            .iter()
            .find(|x| x.contains("<domain:create") && x.contains(names[0]))
            .cloned()
            .unwrap()
    });
    let auth_info = inner(&sent_create, "domain:pw").to_owned();
    assert_eq!(auth_info.len(), 16, "{sent_create}");
    assert!(!shown.contains(&auth_info));
    // The checklist after the catch is open.
    let (status, checklist) = api(
        &firm.app,
        Method::GET,
        &format!("/api/v1/backorders/{}/checklist", ids[0]),
        Some(&firm.token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{checklist}");
    assert!(!checklist.as_array().unwrap().is_empty(), "{checklist}");

    // Another registrar's create arrived first, three rounds running: lost.
    assert_eq!(
        backorder_status(&firm.app, &ids[1]).await,
        BackorderStatus::Lost
    );
    let gone = channel_of(&firm, &ids[1]).await;
    assert_eq!(gone["status"], "lost", "{gone}");
    assert!(
        message(&gone).contains("another party was faster (2302 Object exists)"),
        "{gone}"
    );
    let registrations = attempts(&firm, &ids[1])
        .await
        .into_iter()
        .filter(|c| c["action"] == "register")
        .count();
    assert_eq!(registrations, 3);

    // A premium name: refused with the registry's reason, sent once; the name stays watched.
    let gold = channel_of(&firm, &ids[2]).await;
    assert_eq!(gold["status"], "refused", "{gold}");
    assert!(
        message(&gold).contains("policy reason (2306 Parameter value policy error: Premium name: the create must carry the fee extension)"),
        "{gold}"
    );
    assert_eq!(epp.with(|s| s.creates.get(names[2]).copied()), Some(1));
    assert_eq!(
        backorder_status(&firm.app, &ids[2]).await,
        BackorderStatus::Dropped
    );

    // Two instances seeing the release of the last name at once: one create.
    epp.with(|s| {
        s.names
            .insert(names[3].into(), Name::ReleasedAt(Instant::now()))
    });
    let domain = reclaim::model::domain_name::DomainName::parse(names[3]).unwrap();
    firm.registry.set(names[3], Reply::status(404));
    let (a, b) = tokio::join!(
        reclaim::app::monitoring::check(&firm.app.state, &domain),
        reclaim::app::monitoring::check(&firm.app.state, &domain)
    );
    a.unwrap();
    b.unwrap();
    assert_eq!(epp.with(|s| s.creates.get(names[3]).copied()), Some(1));
    assert_eq!(
        backorder_status(&firm.app, &ids[3]).await,
        BackorderStatus::Caught
    );

    // No secret in the answers, the database, the audit trail or the calls.
    let (_, accounts) = api(
        &firm.app,
        Method::GET,
        "/api/v1/catch-accounts",
        Some(&firm.admin_token),
        None,
    )
    .await;
    let key_body: String = identity
        .1
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let calls_stored = firm
        .app
        .state
        .db
        .run(|c| {
            use diesel::prelude::*;
            use reclaim::db::schema::catch_calls;
            Ok::<_, reclaim::db::DbError>(
                catch_calls::table
                    .select((catch_calls::request, catch_calls::answer))
                    .load::<(String, String)>(c)?,
            )
        })
        .await
        .unwrap();
    for text in [
        accounts.to_string(),
        stored_text(&firm.app).await,
        format!("{calls_stored:?}"),
    ] {
        assert!(!text.contains("epp-Pass-31"), "{text}");
        assert!(!text.contains(&key_body[..40]), "{text}");
        assert!(!text.contains("PRIVATE KEY"), "{text}");
    }
}

/// The registry refuses the login, does not accept the firm's certificate, or shows a
/// certificate reclaim does not trust: said when the account is connected, and nothing kept.
/// A login refused at the drop (the password changed at the registry since) leaves the order
/// waiting with what an administrator must do: nothing lost.
#[tokio::test]
async fn a_refused_login_or_certificate_is_said_clearly_and_nothing_is_lost() {
    let firm = CatchFirm::start().await;
    let epp = FakeEpp::start().await;
    let identity = epp.ca.issue(&["firm-epp"], true);
    let stranger = Authority::new("Another CA").issue(&["firm-epp"], true);
    let mut untrusted = epp.account("x", "epp-Pass-31", &identity);
    untrusted["credentials"]
        .as_object_mut()
        .unwrap()
        .remove("ca_pem");
    let mut garbled = epp.account("x", "epp-Pass-31", &identity);
    garbled["credentials"]["private_key_pem"] = json!("-----BEGIN PRIVATE KEY-----\nnot a key\n");
    let mut no_server = epp.account("x", "epp-Pass-31", &identity);
    no_server["endpoint"] = json!("https://epp.registry.example/");
    let cases = [
        (
            epp.account("x", "wrong-pass1", &identity),
            "credentials",
            "epp refused the account's credentials: the registry refused the login (2200 Authentication error): check the client id and password",
        ),
        (
            epp.account("x", "epp-Pass-31", &stranger),
            "credentials",
            "epp: the registry did not accept the firm's client certificate",
        ),
        (
            untrusted,
            "credentials",
            "epp: the registry's server certificate is not trusted",
        ),
        (
            garbled,
            "credentials",
            "EPP: the private key is not a PEM private key",
        ),
        (
            no_server,
            "endpoint",
            "'https://epp.registry.example/' is not an EPP server",
        ),
        (
            epp.account("x", "short", &identity),
            "credentials",
            "An EPP password has 6 to 16 characters",
        ),
    ];
    for (body, field, start) in cases {
        let (status, answer) = api(
            &firm.app,
            Method::POST,
            "/api/v1/catch-accounts",
            Some(&firm.admin_token),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 422, "{answer}");
        assert_eq!(answer["error"]["field"], field, "{answer}");
        let text = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(text.starts_with(start), "{start}\n{text}");
        assert!(!text.contains("epp-Pass-31") && !text.contains("wrong-pass1"));
    }
    let (_, list) = api(
        &firm.app,
        Method::GET,
        "/api/v1/catch-accounts",
        Some(&firm.admin_token),
        None,
    )
    .await;
    assert_eq!(list, json!([]), "nothing kept");

    // Connected; the registry changes the password before the drop.
    let account = firm
        .connect(epp.account("Registry access", "epp-Pass-31", &identity))
        .await;
    let name = "northwind-late.com";
    let (id, _) = firm.order(name, &["pending delete"], &account).await;
    epp.with(|s| s.password = "rotated-Pass-9".into());
    drop_names(&firm, &epp, &[(name, Name::ReleasedAt(Instant::now()))]).await;
    let channel = channel_of(&firm, &id).await;
    assert_eq!(channel["status"], "scheduled", "{channel}");
    let said = message(&channel);
    assert!(
        said.contains("the registry refused the login (2200 Authentication error)")
            && said.contains("An administrator should check the account Registry access"),
        "{said}"
    );
    assert_eq!(
        backorder_status(&firm.app, &id).await,
        BackorderStatus::Dropped
    );
    assert!(epp.with(|s| s.creates.is_empty()));
    let calls = attempts(&firm, &id).await;
    assert_eq!(calls[0]["result"], "EPP 2200", "{calls:?}");
}

/// The backorder says in whose name a direct catch registers: the firm's handle by default;
/// the client's when chosen, which needs the client's handle at the account (refused when the
/// order is placed without one, with what to add where). Dynadot's register sends it as
/// `registrant_contact`.
#[tokio::test]
async fn the_registrant_is_the_clients_handle_when_chosen_and_the_firms_otherwise() {
    let firm = CatchFirm::start().await;
    let epp = FakeEpp::start().await;
    let identity = epp.ca.issue(&["firm-epp"], true);
    let account = firm
        .connect(epp.account("Registry access", "epp-Pass-31", &identity))
        .await;
    let dynadot = crate::catch_services::FakeDynadot::start().await;
    let registrar = firm
        .connect(
            json!({"provider": "dynadot_register", "label": "Dynadot registrar",
            "endpoint": dynadot.base, "credentials": {"api_key": "dyn-key-48c1e"}}),
        )
        .await;
    let contract = crate::openapi::Contract::of(&firm.app).await;

    let name = "northwind-own.com";
    firm.shows(name, &["pending delete"]);
    let id = firm.app.attach(&firm.matter, name).await;
    let (status, shown) = api(
        &firm.app,
        Method::GET,
        &format!("/api/v1/backorders/{id}"),
        Some(&firm.token),
        None,
    )
    .await;
    assert_eq!((status, &shown["registrant"]), (200, &json!("firm")));
    // In the client's name.
    let terms = json!({"max_bid": "", "currency": "EUR", "priority": "high", "notes": "", "registrant": "client"});
    let (status, changed) = api(
        &firm.app,
        Method::POST,
        &format!("/api/v1/backorders/{id}/terms"),
        Some(&firm.token),
        Some(terms.clone()),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["registrant"], "client");
    contract.check(&Method::POST, "/backorders/{id}/terms", status, &changed);
    let (status, refused) = api(
        &firm.app,
        Method::POST,
        &format!("/api/v1/backorders/{id}/terms"),
        Some(&firm.token),
        Some(json!({"registrant": "the lawyer"})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["field"], "registrant");

    // No handle at the account: the order is refused when placed, saying what to add where.
    let path = format!("/api/v1/backorders/{id}/channels");
    let (status, refused) = api(
        &firm.app,
        Method::POST,
        &path,
        Some(&firm.token),
        Some(json!({"account_id": account["id"]})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["field"], "account_id");
    let text = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        text.contains("the client has no contact handle at the registrar account Registry access")
            && text.contains(&format!(
                "POST /api/v1/clients/{}/registrant-handles",
                firm.client
            )),
        "{text}"
    );

    // The handle, set through the API (a malformed one refused).
    let handles = format!("/api/v1/clients/{}/registrant-handles", firm.client);
    let (status, bad) = api(
        &firm.app,
        Method::POST,
        &handles,
        Some(&firm.token),
        Some(json!({"account_id": account["id"], "handle": "NW 42\n<x>"})),
    )
    .await;
    assert_eq!(
        (status, &bad["error"]["field"]),
        (422, &json!("handle")),
        "{bad}"
    );
    for (account, handle) in [(&account, "NW-0042"), (&registrar, "77001")] {
        let (status, set) = api(
            &firm.app,
            Method::POST,
            &handles,
            Some(&firm.token),
            Some(json!({"account_id": account["id"], "handle": handle})),
        )
        .await;
        assert_eq!(status, 200, "{set}");
        contract.check(
            &Method::POST,
            "/clients/{id}/registrant-handles",
            status,
            &set,
        );
    }
    let (status, listed) = api(&firm.app, Method::GET, &handles, Some(&firm.token), None).await;
    assert_eq!(status, 200);
    contract.check(
        &Method::GET,
        "/clients/{id}/registrant-handles",
        status,
        &listed,
    );
    let at_epp = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["account_id"] == account["id"])
        .unwrap();
    assert_eq!(at_epp["handle"], "NW-0042", "{listed}");

    // Placed now; at the release the client's handle is the registrant.
    let (status, channel) = api(
        &firm.app,
        Method::POST,
        &path,
        Some(&firm.token),
        Some(json!({"account_id": account["id"]})),
    )
    .await;
    assert_eq!(status, 201, "{channel}");
    // A second backorder keeps the default: the firm's handle.
    let (firms, _) = firm
        .order("northwind-firm.com", &["pending delete"], &account)
        .await;
    // Through Dynadot in the client's name too.
    let (dyn_id, _) = firm
        .order("northwind-dyn.com", &["pending delete"], &registrar)
        .await;
    let (status, _) = api(
        &firm.app,
        Method::POST,
        &format!("/api/v1/backorders/{dyn_id}/terms"),
        Some(&firm.token),
        Some(terms),
    )
    .await;
    assert_eq!(status, 200);
    let now = Instant::now();
    drop_names(
        &firm,
        &epp,
        &[
            (name, Name::ReleasedAt(now)),
            ("northwind-firm.com", Name::ReleasedAt(now)),
        ],
    )
    .await;
    // Through Dynadot: the EPP registry never hears of it.
    release(&firm, "northwind-dyn.com").await;
    let registrants: Vec<(String, String)> = epp.with(|s| {
        s.registered
            .iter()
            .map(|c| (c.domain.clone(), c.registrant.clone()))
            .collect()
    });
    assert_eq!(
        registrants,
        [
            (name.to_owned(), "NW-0042".to_owned()),
            ("northwind-firm.com".to_owned(), "FIRM-0042".to_owned())
        ]
    );
    assert_eq!(
        backorder_status(&firm.app, &id).await,
        BackorderStatus::Caught
    );
    assert_eq!(
        backorder_status(&firm.app, &firms).await,
        BackorderStatus::Caught
    );
    let sent = dynadot.with(|s| s.queries.clone());
    assert!(
        sent.iter().any(|q| q.contains("command=register")
            && q.contains("domain=northwind-dyn.com")
            && q.contains("registrant_contact=77001")),
        "{sent:?}"
    );
    assert_eq!(
        backorder_status(&firm.app, &dyn_id).await,
        BackorderStatus::Caught
    );

    // Removing the handle while a direct catch waits: the choice of the client is refused.
    let other = "northwind-next.com";
    let (next, _) = firm.order(other, &["pending delete"], &account).await;
    let (status, _) = api(
        &firm.app,
        Method::POST,
        &handles,
        Some(&firm.token),
        Some(json!({"account_id": account["id"], "handle": ""})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, refused) = api(
        &firm.app,
        Method::POST,
        &format!("/api/v1/backorders/{next}/terms"),
        Some(&firm.token),
        Some(json!({"registrant": "client"})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["field"], "registrant", "{refused}");

    // Chosen while the handle was there, removed before the drop: refused at the release,
    // nothing sent, the lawyer told.
    let set_handle = |handle: &'static str| {
        let (firm, handles, account) = (&firm, &handles, &account);
        async move {
            let (status, _) = api(
                &firm.app,
                Method::POST,
                handles,
                Some(&firm.token),
                Some(json!({"account_id": account["id"], "handle": handle})),
            )
            .await;
            assert_eq!(status, 200);
        }
    };
    set_handle("NW-0042").await;
    let (status, _) = api(
        &firm.app,
        Method::POST,
        &format!("/api/v1/backorders/{next}/terms"),
        Some(&firm.token),
        Some(json!({"registrant": "client"})),
    )
    .await;
    assert_eq!(status, 200);
    set_handle("").await;
    drop_names(&firm, &epp, &[(other, Name::ReleasedAt(Instant::now()))]).await;
    let channel = channel_of(&firm, &next).await;
    assert_eq!(channel["status"], "refused", "{channel}");
    assert!(
        message(&channel)
            .contains("the client has no contact handle at the registrar account Registry access"),
        "{channel}"
    );
    assert_eq!(epp.with(|s| s.creates.get(other).copied()), None);
}

/// The pages: the client's handle at a registrar account set on the client's page (a malformed
/// one refused next to its account), and the registrant chosen on the backorder's terms form.
#[tokio::test]
async fn the_pages_set_the_clients_handle_and_the_backorders_registrant() {
    let firm = CatchFirm::start().await;
    let epp = FakeEpp::start().await;
    let identity = epp.ca.issue(&["firm-epp"], true);
    let account = firm
        .connect(epp.account("Registry access", "epp-Pass-31", &identity))
        .await;
    let account_id = account["id"].as_str().unwrap();
    let browser = firm.app.new_browser();
    browser
        .login("lina@firm.example", crate::helpers::PASSWORD)
        .await;
    let client_page = format!("/clients/{}", firm.client);
    let page = browser.get_html(&client_page).await;
    assert!(
        page.contains("Registrant handles") && page.contains("Registry access"),
        "{page}"
    );
    let path = format!("/clients/{}/registrant-handles", firm.client);
    let refused = browser
        .post_form(
            &path,
            &[("account_id", account_id), ("handle", "no spaces please")],
        )
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("&#39;no spaces please&#39; is not a contact handle"),
        "{page}"
    );
    let saved = browser
        .post_form(&path, &[("account_id", account_id), ("handle", "NW-0042")])
        .await;
    assert_eq!(saved.status().as_u16(), 303);
    let page = browser.get_html(&client_page).await;
    assert!(page.contains("value=\"NW-0042\""), "{page}");

    // The backorder's terms: in the client's name.
    let id = firm.app.attach(&firm.matter, "northwind-page.com").await;
    let page = browser.get_html(&format!("/backorders/{id}")).await;
    assert!(
        page.contains("A direct catch registers the name in the name of"),
        "{page}"
    );
    let saved = browser
        .post_form(
            &format!("/backorders/{id}"),
            &[
                ("currency", "EUR"),
                ("priority", "normal"),
                ("registrant", "client"),
            ],
        )
        .await;
    assert_eq!(saved.status().as_u16(), 303);
    let (_, shown) = api(
        &firm.app,
        Method::GET,
        &format!("/api/v1/backorders/{id}"),
        Some(&firm.token),
        None,
    )
    .await;
    assert_eq!(shown["registrant"], "client", "{shown}");
}
