//! `reclaim serve --demo`: a sample firm to try reclaim on. Everything is made through the same
//! functions the pages use (accounts, clients, matters, backorders, procedures, outreach,
//! reports); the registry histories are real lookups of the demo registry ([`registry`]) recorded
//! at past instants, so that phases, drop predictions and alerts come from reclaim's own logic.
//!
//! People, firms and addresses are invented (`.example` domains, RFC 2606); nothing comes from
//! the fixture files.

pub mod catch;
pub mod registry;

use std::fmt::Display;
use std::sync::Arc;

use base64::Engine;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use registry::{DemoRegistry, Lifecycle, REGISTRARS};

use crate::app::access::Principal;
use crate::auth::password;
use crate::auth::tokens::random_bytes;
use crate::clock::FixedClock;
use crate::db::{DbConn, DbError};
use crate::model::audit::Actor;
use crate::model::backorder::{Backorder, CatchService, ChannelStatus, Priority, check_target};
use crate::model::client::{NewClient, NewContact, ReportCadence};
use crate::model::compliance::AddressSource;
use crate::model::digest::hex;
use crate::model::domain_name::DomainName;
use crate::model::ids::{ClientId, MatterId, ProcedureId, SenderProfileId, UserId};
use crate::model::matter::Mark;
use crate::model::money::Currency;
use crate::model::outreach::{ApprovalKind, Outreach};
use crate::model::procedure::{EventKind, ProcedureKind};
use crate::model::user::{EmailAddress, PersonName, Role, User};
use crate::repo::backorders::{self, NewBackorder, NewChannel};
use crate::repo::clients::{self, ClientChange};
use crate::repo::matters::{self, NewMatter};
use crate::repo::outreach::{self, OutreachInput};
use crate::repo::procedures::{self, NewManualDeadline, NewProcedure};
use crate::repo::senders::{self, DkimChange, SenderInput};
use crate::repo::users::{self, NewUser};
use crate::state::AppState;

/// An account of the demo firm, with the password made for this start.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub role: Role,
    pub name: String,
    pub email: String,
    pub password: String,
    /// For a client user, the client's name.
    pub client: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the database already holds {0} user account(s): the demo loads only into an empty database. Leave RECLAIM_DATABASE_URL unset to use the demo's own file, or point it at an empty database"
    )]
    NotEmpty(i64),
    #[error("the demo data could not be made ({step}): {reason}")]
    Step { step: &'static str, reason: String },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Names a failed step, whatever its error type.
fn step<T, E: Display>(step: &'static str, result: Result<T, E>) -> Result<T, DemoError> {
    result.map_err(|e| DemoError::Step {
        step,
        reason: e.to_string(),
    })
}

/// The .com zone the demo's lookalike job scans (RFC 1035 master file, as CZDS serves them).
const DEMO_ZONE: &str = include_str!("../../data/demo/com.zone");

/// The demo firm's e-mail domain.
const FIRM: &str = "duval-berg.example";

/// The people of the demo: (role, name, e-mail local part, client index).
const PEOPLE: [(Role, &str, &str, Option<usize>); 6] = [
    (Role::Admin, "Claire Duval", "claire.duval", None),
    (Role::Lawyer, "Inès Moreau", "ines.moreau", None),
    (Role::Lawyer, "Thomas Berg", "thomas.berg", None),
    (Role::Paralegal, "Lucas Petit", "lucas.petit", None),
    (Role::Client, "Maya Lindqvist", "maya.lindqvist", Some(0)),
    (Role::Client, "Daniel Okafor", "daniel.okafor", Some(1)),
];

/// The clients: (name, e-mail domain, report cadence).
const CLIENTS: [(&str, &str, ReportCadence); 2] = [
    (
        "Northwind Coffee Roasters",
        "northwind-coffee.example",
        ReportCadence::Monthly,
    ),
    (
        "Helios Bank plc",
        "helios-bank.example",
        ReportCadence::Weekly,
    ),
];

/// What the loader made, for the start-up message.
#[derive(Debug, Clone)]
pub struct DemoFirm {
    pub accounts: Vec<DemoAccount>,
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn person_actor(user: &User, at: DateTime<Utc>) -> Actor {
    Actor {
        user_id: Some(user.id.clone()),
        label: user.email.clone(),
        ip: None,
        request_id: None,
        at,
    }
}

/// The same application, its clock stopped at `at`: how a past lookup is recorded.
fn state_at(state: &AppState, at: DateTime<Utc>) -> AppState {
    let mut past = state.clone();
    past.clock = Arc::new(FixedClock::at(at));
    past
}

/// A readable random password: 20 hex digits in groups of five.
fn new_password() -> String {
    let digits = hex(&random_bytes::<10>());
    digits
        .as_bytes()
        .chunks(5)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The names of the demo and their scripted lives, relative to `t0` (the start).
fn script_names(registry: &DemoRegistry, t0: DateTime<Utc>) {
    let at = |d: i64| t0 + days(d);
    // Held by someone else, renewed: a purchase is the way (outreach).
    registry.script(
        "northwind-coffee.com",
        Lifecycle::active(REGISTRARS[0], at(-1200), at(80)),
    );
    registry.script(
        "northwindcoffee.net",
        Lifecycle::active(REGISTRARS[1], at(-700), at(150)),
    );
    // Not renewed: auto-renew grace at expiry (the registry moves its expiry a year on), deleted
    // 17 days later, 30 days of redemption, then 5 of pending delete (docs/registries.md §1.1).
    registry.script(
        "northwind-roasters.com",
        Lifecycle::active(REGISTRARS[1], at(-2000), at(-50))
            .then_expiring(at(-50), &["auto renew period"], at(315))
            .then(at(-33), &["pending delete", "redemption period"])
            .then(at(-3), &["pending delete"])
            .purged(at(2) + Duration::hours(5)),
    );
    // The same path a week earlier: purged yesterday, now free and caught by a drop-catcher.
    registry.script(
        "nw-coffee.net",
        Lifecycle::active(REGISTRARS[2], at(-1500), at(-56))
            .then_expiring(at(-56), &["auto renew period"], at(309))
            .then(at(-41), &["pending delete", "redemption period"])
            .then(at(-6), &["pending delete"])
            .purged(at(-1)),
    );
    // The same path again, purged four days ago and registered three hours later by Dynadot's
    // registrar for the firm's order: caught, then won at Dynadot's auction.
    registry.script(
        "northwind-beans.com",
        Lifecycle::active(REGISTRARS[0], at(-1800), at(-52))
            .then_expiring(at(-52), &["auto renew period"], at(313))
            .then(at(-37), &["pending delete", "redemption period"])
            .then(at(-7), &["pending delete"])
            .purged(at(-4))
            .registered_again(Lifecycle::active(
                catch::DYNADOT_REGISTRAR,
                at(-4) + Duration::hours(3),
                at(361),
            )),
    );
    // Purged two days ago and registered a minute later by the firm's own Dynadot account (a
    // direct catch, sent the moment the monitor saw the name free).
    registry.script(
        "northwind-cafe.com",
        Lifecycle::active(REGISTRARS[2], at(-1600), at(-47))
            .then_expiring(at(-47), &["auto renew period"], at(318))
            .then(at(-32), &["pending delete", "redemption period"])
            .then(at(-5), &["pending delete"])
            .purged(at(-2))
            .registered_again(Lifecycle::active(
                catch::DYNADOT_REGISTRAR,
                at(-2) + Duration::minutes(1),
                at(363),
            )),
    );
    // .fr: at expiry AFNIC keeps the name 30 days in redemption (docs/registries.md §1.1).
    registry.script(
        "northwindcoffee.fr",
        Lifecycle::active(REGISTRARS[0], at(-900), at(-12))
            .then(at(-12), &["redemption period"])
            .purged(at(18)),
    );
    // Typosquats of Helios Bank, registered recently; locked once the UDRP began.
    registry.script(
        "heliosbank-login.com",
        Lifecycle::active(REGISTRARS[1], at(-95), at(270)).then(
            at(-17),
            &[
                "client transfer prohibited",
                "client delete prohibited",
                "client update prohibited",
            ],
        ),
    );
    registry.script(
        "helios-banque.fr",
        Lifecycle::active(REGISTRARS[2], at(-200), at(165)),
    );
}

/// When each name is looked up in its history (days from the start); the last is "now".
const HISTORY: [(&str, &[i64]); 9] = [
    ("northwind-coffee.com", &[-70, -35, -7, 0]),
    ("northwindcoffee.net", &[-70, -20, 0]),
    ("northwind-roasters.com", &[-70, -49, -32, -15, -2, 0]),
    ("nw-coffee.net", &[-70, -55, -40, -20, -5, 0]),
    ("northwind-beans.com", &[-70, -45, -30, -6, -4, -3, 0]),
    ("northwind-cafe.com", &[-70, -40, -20, -4, -2, 0]),
    ("northwindcoffee.fr", &[-70, -30, -11, 0]),
    ("heliosbank-login.com", &[-60, -30, -16, 0]),
    ("helios-banque.fr", &[-60, -25, 0]),
];

/// Loads the demo firm into an empty database. `registry` must be the registry the application
/// asks (its RDAP base is the demo server's).
pub async fn load(state: &AppState, registry: &DemoRegistry) -> Result<DemoFirm, DemoError> {
    let t0 = state.clock.now();
    let users_before = state.db.run(users::count).await?;
    if users_before > 0 {
        return Err(DemoError::NotEmpty(users_before));
    }
    script_names(registry, t0);

    let accounts: Vec<DemoAccount> = PEOPLE
        .iter()
        .map(|(role, name, local, client)| DemoAccount {
            role: *role,
            name: (*name).to_owned(),
            email: format!("{local}@{}", client.map_or(FIRM, |i| CLIENTS[i].1)),
            password: new_password(),
            client: client.map(|i| CLIENTS[i].0.to_owned()),
        })
        .collect();
    let dk_refusal = match check_target("northwind.dk", &state.tld_policies) {
        Err(e) => e.to_string(),
        Ok(_) => "reclaim would now accept it: the .dk policy changed.".to_owned(),
    };

    // The firm, its people, its clients and matters, as they were two and a half months ago.
    let founded = t0 - days(75);
    let firm_accounts = accounts.clone();
    let firm = state
        .db
        .run(move |c| set_up_firm(c, &firm_accounts, founded, &dk_refusal))
        .await?;

    // The firm's accounts at DropCatch and Dynadot (the demo's own services), and the orders
    // reclaim placed through them.
    let orders = connect_catch_accounts(state, &firm, founded + days(1)).await?;

    // Each name's history, in time order across names, as the monitor would have seen it, with
    // the orders put on the firm's accounts and the catch job's runs in between.
    let mut past: Vec<(DateTime<Utc>, Past)> = HISTORY
        .iter()
        .flat_map(|(name, when)| {
            when.iter()
                .map(move |d| (t0 + days(*d), Past::Lookup(name)))
        })
        .filter(|(at, _)| *at < t0)
        .collect();
    for (day, order) in orders {
        let at = t0 + days(day);
        past.push((at, Past::Order(order)));
        past.push((at + Duration::minutes(2), Past::CatchRun));
    }
    // The catch job after the lookups that moved its orders (pending delete, the new holder).
    for day in [-2, -3] {
        past.push((t0 + days(day) + Duration::minutes(2), Past::CatchRun));
    }
    past.sort_by_key(|(at, _)| *at);
    for (at, event) in past {
        let then = state_at(state, at);
        match event {
            Past::Lookup(name) => {
                registry.wind_to(at);
                let domain = step("domain name", DomainName::parse(name))?;
                step(
                    "registry history",
                    crate::app::monitoring::check(&then, &domain).await,
                )?;
            }
            Past::Order(order) => {
                let backorder = {
                    let matter = firm.northwind_matter.clone();
                    state
                        .db
                        .run(move |c| backorder_of(c, &matter, order.name))
                        .await?
                };
                let caller =
                    crate::app::access::Caller::new(Principal::from(&firm.ines), None, None);
                step(
                    "catch order",
                    crate::app::catch::order_through_account(
                        &then,
                        &caller,
                        backorder.id.as_str(),
                        order.account.as_str(),
                        &crate::app::backorders::AmountInput::from(order.bid),
                    )
                    .await,
                )?;
            }
            Past::CatchRun => {
                registry.wind_to(at);
                step("catch job", crate::jobs::run(&then, "catch").await)?;
            }
        }
    }
    registry.follow(state.clock.clone());
    for (name, _) in HISTORY {
        let domain = step("domain name", DomainName::parse(name))?;
        step(
            "registry lookup",
            crate::app::monitoring::check(state, &domain).await,
        )?;
    }
    // Today: Dynadot reports the auction of the name it caught for the firm.
    step("catch job", crate::jobs::run(state, "catch").await)?;

    // One message sent to a holder three weeks ago, still unanswered.
    let sent_at = t0 - days(21);
    let ctx = crate::app::outreach::context(state);
    let firm_for_outreach = firm.clone();
    state
        .db
        .run(move |c| send_first_outreach(c, &ctx, &firm_for_outreach, sent_at))
        .await?;
    step(
        "outbox",
        crate::jobs::run(&state_at(state, sent_at + Duration::minutes(2)), "outbox").await,
    )?;

    // The lookalike watch: the daily job scanned a small .com zone (shipped with the demo) two
    // days ago and again today, against the matters' marks and Helios's brand term.
    let zone_dir = state.settings.var_dir.join("demo");
    step("lookalike zone", std::fs::create_dir_all(&zone_dir))?;
    let zone = zone_dir.join("com.zone");
    step("lookalike zone", std::fs::write(&zone, DEMO_ZONE))?;
    let watching = {
        let mut settings = (*state.settings).clone();
        settings.lookalike_sources = vec![zone.to_string_lossy().into_owned()];
        // The demo registry answers the history above; the direct checks are left to a real one.
        settings.lookalike_checks = 0;
        let mut watching = state.clone();
        watching.settings = Arc::new(settings);
        watching
    };
    for at in [t0 - days(2), t0] {
        step(
            "lookalike job",
            crate::jobs::run(&state_at(&watching, at), "lookalikes").await,
        )?;
    }

    // The disputes, a draft awaiting approval, the docket and the reports, as of today.
    let policies = state.tld_policies.clone();
    state
        .db
        .run(move |c| today(c, &policies, &firm, t0))
        .await?;
    Ok(DemoFirm { accounts })
}

/// What happened before today, replayed in time order by the loader.
enum Past {
    Lookup(&'static str),
    Order(DemoOrder),
    CatchRun,
}

/// A name put on one of the firm's catch accounts, with the highest bid in the account's
/// currency (the client's maximum is in euros).
struct DemoOrder {
    name: &'static str,
    account: crate::model::ids::CatchAccountId,
    bid: &'static str,
}

/// Connects the firm's demo accounts at DropCatch and Dynadot (served by [`catch`] on the
/// loopback interface, each checked with one call as any account is) and says which orders go
/// on them, when (days from today).
async fn connect_catch_accounts(
    state: &AppState,
    firm: &Firm,
    at: DateTime<Utc>,
) -> Result<Vec<(i64, DemoOrder)>, DemoError> {
    use crate::app::catch_accounts::{CatchAccountInput, create};
    let dynadot_key = hex(&random_bytes::<16>());
    let dropcatch_secret = hex(&random_bytes::<16>());
    let services = catch::DemoCatchServices::new(&dynadot_key, &dropcatch_secret);
    services.script_auction(
        "northwind-beans.com",
        catch::DemoAuction {
            price: "185.00",
            won: Some(true),
            ends: "",
        },
    );
    let base = step("demo catch services", catch::start(services))?;
    let admin = crate::app::access::Caller::new(Principal::from(&firm.admin), None, None);
    let then = state_at(state, at);
    let dropcatch = step(
        "DropCatch account",
        create(
            &then,
            &admin,
            CatchAccountInput {
                provider: "dropcatch".into(),
                label: "DropCatch (demo)".into(),
                endpoint: Some(base.clone()),
                auth_endpoint: Some(base.clone()),
                credentials: serde_json::json!({"client_id": "DuvalBerg:reclaim", "client_secret": dropcatch_secret}),
                max_bid_per_name: "2500".into(),
                monthly_limit: "10000".into(),
                currency: "USD".into(),
            },
        )
        .await,
    )?;
    let registrar = step(
        "Dynadot registrar account",
        create(
            &then,
            &admin,
            CatchAccountInput {
                provider: "dynadot_register".into(),
                label: "Dynadot registrar (demo)".into(),
                endpoint: Some(base.clone()),
                auth_endpoint: None,
                credentials: serde_json::json!({"api_key": dynadot_key}),
                max_bid_per_name: "".into(),
                monthly_limit: "".into(),
                currency: "USD".into(),
            },
        )
        .await,
    )?;
    let dynadot = step(
        "Dynadot account",
        create(
            &then,
            &admin,
            CatchAccountInput {
                provider: "dynadot".into(),
                label: "Dynadot (demo)".into(),
                endpoint: Some(base),
                auth_endpoint: None,
                credentials: serde_json::json!({"api_key": dynadot_key}),
                max_bid_per_name: "1000".into(),
                monthly_limit: "5000".into(),
                currency: "USD".into(),
            },
        )
        .await,
    )?;
    Ok(vec![
        (
            -40,
            DemoOrder {
                name: "northwind-beans.com",
                account: dynadot.id,
                bid: "450",
            },
        ),
        (
            -10,
            DemoOrder {
                name: "northwind-cafe.com",
                account: registrar.id,
                // At most what the registration may cost.
                bid: "20",
            },
        ),
        (
            -20,
            DemoOrder {
                name: "northwind-roasters.com",
                account: dropcatch.id,
                bid: "1600",
            },
        ),
    ])
}

/// What the later steps need from the first.
#[derive(Debug, Clone)]
struct Firm {
    admin: User,
    ines: User,
    thomas: User,
    lucas: User,
    sender: SenderProfileId,
    northwind: ClientId,
    helios: ClientId,
    northwind_matter: MatterId,
    helios_matter: MatterId,
}

fn set_up_firm(
    c: &mut DbConn,
    accounts: &[DemoAccount],
    at: DateTime<Utc>,
    dk_refusal: &str,
) -> Result<Firm, DemoError> {
    let system = Actor::process("reclaim demo", at);
    let mut client_ids = Vec::new();
    for (name, domain, cadence) in CLIENTS {
        let details = step("client", NewClient::parse(name, &format!("legal@{domain}")))?;
        let client = step("client", clients::create(c, &system, &details))?;
        step(
            "client",
            clients::update(
                c,
                &system,
                &client.id,
                &ClientChange {
                    details,
                    report_cadence: cadence,
                    notes: "Demo client: invented for reclaim's demo.".to_owned(),
                },
            ),
        )?;
        client_ids.push(client.id);
    }
    let mut made = Vec::new();
    for (account, (_, _, _, client)) in accounts.iter().zip(PEOPLE) {
        let new = NewUser {
            email: step("account", EmailAddress::parse(&account.email))?,
            name: step("account", PersonName::parse(&account.name))?,
            role: account.role,
            client_id: client.map(|i| client_ids[i].clone()),
            password_hash: step("password", password::hash(&account.password))?,
        };
        made.push(step("account", users::create(c, &system, &new))?);
    }
    let [admin, ines, thomas, lucas, maya, daniel] =
        <[User; 6]>::try_from(made).map_err(|_| DemoError::Step {
            step: "account",
            reason: "six accounts expected".to_owned(),
        })?;
    for (client, person, position) in [
        (&client_ids[0], &maya, "General Counsel"),
        (&client_ids[1], &daniel, "Head of Brand Protection"),
    ] {
        let contact = NewContact {
            name: step("contact", PersonName::parse(&person.name))?,
            email: step("contact", EmailAddress::parse(&person.email))?,
            phone: String::new(),
            position: position.to_owned(),
            receives_reports: true,
        };
        step(
            "contact",
            clients::add_contact(c, &system, client, &contact),
        )?;
    }

    let key = base64::engine::general_purpose::STANDARD.encode(random_bytes::<32>());
    let sender = step(
        "sender profile",
        senders::create(
            c,
            &person_actor(&admin, at),
            &SenderInput {
                label: "Domain recovery team".to_owned(),
                legal_name: "Duval & Berg Avocats AARPI (demo)".to_owned(),
                postal_address: "8 rue de l'Exemple\n75008 Paris\nFrance".to_owned(),
                phone: "+33 1 00 00 00 00".to_owned(),
                from_name: "Duval & Berg Avocats".to_owned(),
                from_email: step(
                    "sender profile",
                    EmailAddress::parse(&format!("domains@{FIRM}")),
                )?,
                reply_to: Some(step(
                    "sender profile",
                    EmailAddress::parse(&format!("recovery@{FIRM}")),
                )?),
                dkim: DkimChange::Set {
                    selector: "demo2026".to_owned(),
                    private_key: key,
                },
                active: true,
            },
        ),
    )?;

    let opened = at + days(3);
    let northwind_matter = step(
        "matter",
        matters::create(
            c,
            &person_actor(&ines, opened),
            &NewMatter {
                client_id: client_ids[0].clone(),
                title: "Names lost at renewal".to_owned(),
                responsible_lawyer_id: ines.id.clone(),
                team: vec![lucas.id.clone()],
                marks: vec![Mark {
                    name: "NORTHWIND".to_owned(),
                    registration: "EUTM 000000001 (demo)".to_owned(),
                }],
                notes: format!(
                    "The client's names lapsed when its former agency closed. Also wanted: northwind.dk, but reclaim refused to backorder it: {dk_refusal}"
                ),
            },
        ),
    )?
    .id;
    let helios_matter = step(
        "matter",
        matters::create(
            c,
            &person_actor(&thomas, opened),
            &NewMatter {
                client_id: client_ids[1].clone(),
                title: "Phishing look-alikes of helios-bank".to_owned(),
                responsible_lawyer_id: thomas.id.clone(),
                team: vec![ines.id.clone(), lucas.id.clone()],
                marks: vec![Mark {
                    name: "HELIOS BANK".to_owned(),
                    registration: "EUTM 000000002 (demo)".to_owned(),
                }],
                notes: "Both names host log-in pages imitating the client's online banking."
                    .to_owned(),
            },
        ),
    )?
    .id;

    // (matter, name, priority, maximum bid in euros, notes)
    let attached = at + days(5);
    let wanted: [(&MatterId, &str, Priority, Option<i64>, &str); 9] = [
        (
            &northwind_matter,
            "northwind-coffee.com",
            Priority::High,
            Some(2_500),
            "The main brand name; held by a reseller.",
        ),
        (
            &northwind_matter,
            "northwindcoffee.net",
            Priority::Normal,
            Some(800),
            "",
        ),
        (
            &northwind_matter,
            "northwind-roasters.com",
            Priority::High,
            Some(1_500),
            "Lapsed at renewal.",
        ),
        (&northwind_matter, "nw-coffee.net", Priority::Low, None, ""),
        (
            &northwind_matter,
            "northwind-cafe.com",
            Priority::Normal,
            Some(300),
            "Registered at the drop through the firm's own Dynadot account.",
        ),
        (
            &northwind_matter,
            "northwind-beans.com",
            Priority::Normal,
            Some(400),
            "Placed through the firm's Dynadot account.",
        ),
        (
            &northwind_matter,
            "northwindcoffee.fr",
            Priority::Normal,
            Some(600),
            "",
        ),
        (
            &helios_matter,
            "heliosbank-login.com",
            Priority::High,
            None,
            "UDRP filed with WIPO.",
        ),
        (
            &helios_matter,
            "helios-banque.fr",
            Priority::High,
            None,
            "SYRELI filed with AFNIC.",
        ),
    ];
    for (matter, name, priority, max_bid, notes) in wanted {
        let domain = step("backorder", DomainName::parse(name))?;
        let new = NewBackorder {
            domain,
            priority,
            max_bid_minor: max_bid.map(|euros| euros * 100),
            currency: step("currency", Currency::parse("EUR"))?,
            notes: notes.to_owned(),
        };
        let backorder = step(
            "backorder",
            backorders::attach(c, &person_actor(&ines, attached), matter, &new, false),
        )?;
        // Drop-catchers placed for the names that are lapsing (fees due only on success).
        let channels: &[(CatchService, ChannelStatus, i64, &str)] = match name {
            // DropCatch through the firm's account (see `catch_orders`), SnapNames by hand.
            "northwind-roasters.com" => {
                &[(CatchService::SnapNames, ChannelStatus::Placed, 69, "USD")]
            }
            "nw-coffee.net" => &[(CatchService::DropCatch, ChannelStatus::InAuction, 59, "USD")],
            "northwindcoffee.fr" => &[(CatchService::FrCatcher, ChannelStatus::Placed, 90, "EUR")],
            _ => &[],
        };
        for (service, status, fee, currency) in channels {
            step(
                "catch service",
                backorders::add_channel(
                    c,
                    &person_actor(&lucas, attached + days(1)),
                    &backorder.id,
                    &NewChannel {
                        service: *service,
                        service_name: if *service == CatchService::FrCatcher {
                            "Atelier Noms (demo)".to_owned()
                        } else {
                            String::new()
                        },
                        status: *status,
                        external_reference: String::new(),
                        success_fee_minor: Some(fee * 100),
                        currency: step("currency", Currency::parse(currency))?,
                    },
                ),
            )?;
        }
    }
    // "HELIOS BANK" is two words, not a label: the lookalike watch follows its brand term.
    step(
        "brand term",
        crate::repo::lookalikes::add_brand_term(
            c,
            &person_actor(&thomas, at),
            &client_ids[1],
            "heliosbank",
        ),
    )?;
    Ok(Firm {
        admin,
        ines,
        thomas,
        lucas,
        sender: sender.id,
        northwind: client_ids[0].clone(),
        helios: client_ids[1].clone(),
        northwind_matter,
        helios_matter,
    })
}

fn backorder_of(c: &mut DbConn, matter: &MatterId, name: &str) -> Result<Backorder, DemoError> {
    backorders::for_matter(c, matter)?
        .into_iter()
        .find(|b| b.domain == name)
        .ok_or(DemoError::Step {
            step: "backorder",
            reason: format!("{name} is not in the matter"),
        })
}

/// Inès's purchase offer for a Northwind name, written to the registrar's relay for the name.
fn draft_offer(
    c: &mut DbConn,
    firm: &Firm,
    name: &str,
    relay: &str,
    amount: &str,
    at: DateTime<Utc>,
) -> Result<Outreach, DemoError> {
    let backorder = backorder_of(c, &firm.northwind_matter, name)?;
    let (subject, body) = crate::app::outreach::from_template(
        "purchase_offer",
        name,
        "Duval & Berg Avocats",
        &firm.ines.name,
        amount,
    )
    .ok_or(DemoError::Step {
        step: "outreach",
        reason: "no purchase_offer template".to_owned(),
    })?;
    step(
        "outreach",
        outreach::create(
            c,
            &person_actor(&firm.ines, at),
            &backorder.id,
            &OutreachInput {
                sender_profile_id: firm.sender.clone(),
                to: step("outreach", EmailAddress::parse(relay))?,
                address_source: AddressSource::RegistrarRelay,
                subject,
                body,
                template: "purchase_offer".to_owned(),
            },
        ),
    )
}

/// A purchase offer to the holder of northwind-coffee.com through the registrar's relay,
/// drafted by Inès, approved by Thomas, handed to the outbox.
fn send_first_outreach(
    c: &mut DbConn,
    ctx: &crate::app::outreach::Context,
    firm: &Firm,
    at: DateTime<Utc>,
) -> Result<(), DemoError> {
    let draft = draft_offer(
        c,
        firm,
        "northwind-coffee.com",
        "northwind-coffee.com@contact-relay.harbour-names.example",
        "EUR 1,500",
        at - Duration::hours(3),
    )?;
    step(
        "outreach approval",
        crate::app::outreach::decide(
            c,
            &Principal::from(&firm.thomas),
            &person_actor(&firm.thomas, at - Duration::hours(1)),
            &draft,
            ApprovalKind::Approval,
            "",
        ),
    )?;
    step(
        "outreach",
        crate::app::outreach::queue(
            c,
            ctx,
            &person_actor(&firm.ines, at),
            &draft.id,
            "file outbox",
        ),
    )?;
    Ok(())
}

fn today(
    c: &mut DbConn,
    policies: &crate::model::tld_policy::TldPolicies,
    firm: &Firm,
    t0: DateTime<Utc>,
) -> Result<(), DemoError> {
    let date = |d: i64| -> NaiveDate { (t0 + days(d)).date_naive() };
    // Filings and notices happen on working days: the Friday before a weekend day.
    let working_day = |d: i64| -> NaiveDate {
        let mut day = date(d);
        while day.weekday().number_from_monday() > 5 {
            day = day.pred_opt().unwrap_or(day);
        }
        day
    };
    let thomas = person_actor(&firm.thomas, t0 - Duration::hours(2));

    // A UDRP at WIPO, commenced 14 days ago: the response is due in 6 (Rules 5(a): 20 days).
    let udrp = step(
        "UDRP",
        procedures::create(
            c,
            &thomas,
            policies,
            &firm.helios_matter,
            &NewProcedure {
                kind: ProcedureKind::Udrp,
                provider: "WIPO".to_owned(),
                case_number: "D2026-0912 (demo)".to_owned(),
                registrar_country: Some("US".to_owned()),
                domains: vec![step("UDRP", DomainName::parse("heliosbank-login.com"))?],
                parties: "Complainant: Helios Bank plc\nRespondent: privacy service (holder not disclosed)".to_owned(),
                panel: String::new(),
                fees_minor: Some(150_000),
                currency: step("currency", Currency::parse("USD"))?,
                notes: "Log-in page imitating the client's online banking; screenshots in the annexes.".to_owned(),
            },
        ),
    )?;
    for (kind, day) in [
        (EventKind::ComplaintFiled, -21),
        (EventKind::FeePaid, -21),
        (EventKind::VerificationRequested, -20),
        (EventKind::LockConfirmed, -17),
        (EventKind::Commenced, -14),
    ] {
        step(
            "UDRP event",
            procedures::record_event(c, &thomas, &udrp.id, kind, working_day(day), ""),
        )?;
    }

    // A SYRELI at AFNIC, opened 4 days ago.
    let syreli = step(
        "SYRELI",
        procedures::create(
            c,
            &thomas,
            policies,
            &firm.helios_matter,
            &NewProcedure {
                kind: ProcedureKind::Syreli,
                provider: "AFNIC".to_owned(),
                case_number: "FR-2026-01234 (demo)".to_owned(),
                registrar_country: Some("DE".to_owned()),
                domains: vec![step("SYRELI", DomainName::parse("helios-banque.fr"))?],
                parties: "Requester: Helios Bank plc\nHolder: not disclosed".to_owned(),
                panel: String::new(),
                fees_minor: Some(25_000),
                currency: step("currency", Currency::parse("EUR"))?,
                notes: String::new(),
            },
        ),
    )?;
    for (kind, day) in [(EventKind::ComplaintFiled, -9), (EventKind::Commenced, -4)] {
        step(
            "SYRELI event",
            procedures::record_event(c, &thomas, &syreli.id, kind, working_day(day), ""),
        )?;
    }

    // The docket's own tasks: one overdue, one due today, one done.
    // (matter, procedure, what, due in days, assigned to, done)
    type Task<'a> = (
        &'a MatterId,
        Option<&'a ProcedureId>,
        &'a str,
        i64,
        &'a UserId,
        bool,
    );
    let tasks: [Task; 3] = [
        (
            &firm.helios_matter,
            Some(&udrp.id),
            "Get the signed power of attorney back from Helios",
            -2,
            &firm.lucas.id,
            false,
        ),
        (
            &firm.northwind_matter,
            None,
            "Confirm the DropCatch and SnapNames orders for northwind-roasters.com",
            0,
            &firm.ines.id,
            false,
        ),
        (
            &firm.northwind_matter,
            None,
            "Send the client the list of names lost at renewal",
            -30,
            &firm.lucas.id,
            true,
        ),
    ];
    for (matter, procedure, label, day, assignee, done) in tasks {
        let deadline = step(
            "deadline",
            procedures::add_manual(
                c,
                &thomas,
                matter,
                &NewManualDeadline {
                    procedure_id: procedure.cloned(),
                    label: label.to_owned(),
                    due_on: date(day),
                    assigned_to: Some(assignee.clone()),
                    note: String::new(),
                },
            ),
        )?;
        if done {
            step(
                "deadline",
                procedures::set_done(
                    c,
                    &person_actor(&firm.lucas, t0 - days(29)),
                    &deadline.id,
                    true,
                ),
            )?;
        }
    }

    // A second offer, for northwindcoffee.net, drafted this morning and awaiting approval.
    draft_offer(
        c,
        firm,
        "northwindcoffee.net",
        "northwindcoffee.net@privacy-relay.example-domains.example",
        "EUR 600",
        t0 - Duration::hours(1),
    )?;

    // The reports the clients last received.
    let admin = person_actor(&firm.admin, t0 - Duration::minutes(30));
    for matter in [&firm.northwind_matter, &firm.helios_matter] {
        step(
            "report",
            crate::app::reports::generate_matter(c, &admin, matter, "demo"),
        )?;
    }
    for client in [&firm.northwind, &firm.helios] {
        step(
            "report",
            crate::app::reports::generate_client(c, &admin, client, "demo"),
        )?;
    }
    Ok(())
}
