//! What the benchmarks share: a firm (a lawyer, a client, a matter) seeking `names`, made with
//! the application's own repository functions.

#![allow(dead_code)] // each bench uses what it needs

use reclaim::db::DbConn;
use reclaim::model::audit::Actor;
use reclaim::model::backorder::Priority;
use reclaim::model::client::NewClient;
use reclaim::model::domain_name::DomainName;
use reclaim::model::money::Currency;
use reclaim::model::user::{EmailAddress, PersonName, Role};
use reclaim::repo::backorders::{self, NewBackorder};
use reclaim::repo::clients;
use reclaim::repo::matters::{self, NewMatter};
use reclaim::repo::users::{self, NewUser};

/// The firm a benchmark seeded.
pub struct Seeded {
    /// The matter's responsible lawyer.
    pub lawyer: reclaim::model::user::User,
    pub matter: reclaim::model::ids::MatterId,
}

/// The firm's administrator (who connects catch accounts).
pub fn seed_admin(c: &mut DbConn) -> reclaim::model::user::User {
    let actor = Actor::process("benchmark", chrono::Utc::now());
    users::create(
        c,
        &actor,
        &NewUser {
            email: EmailAddress::parse("admin@firm.example").unwrap(),
            name: PersonName::parse("Bench Administrator").unwrap(),
            role: Role::Admin,
            client_id: None,
            password_hash: "-".into(),
        },
    )
    .unwrap()
}

/// One matter of one client seeking every name (ASCII) in `names`.
pub fn seed_matter_seeking(
    c: &mut DbConn,
    names: &[String],
) -> Result<Seeded, reclaim::db::DbError> {
    let actor = Actor::process("benchmark", chrono::Utc::now());
    let lawyer = users::create(
        c,
        &actor,
        &NewUser {
            email: EmailAddress::parse("bench@firm.example").unwrap(),
            name: PersonName::parse("Bench Lawyer").unwrap(),
            role: Role::Lawyer,
            client_id: None,
            password_hash: "-".into(),
        },
    )
    .unwrap();
    let client = clients::create(
        c,
        &actor,
        &NewClient::parse("Bench", "b@bench.example").unwrap(),
    )
    .unwrap();
    let matter = matters::create(
        c,
        &actor,
        &NewMatter {
            client_id: client.id,
            title: "Benchmark".into(),
            responsible_lawyer_id: lawyer.id.clone(),
            team: vec![],
            marks: vec![],
            notes: String::new(),
        },
    )
    .unwrap();
    let lines: Vec<(usize, String, NewBackorder)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            (
                i + 1,
                name.clone(),
                NewBackorder {
                    domain: DomainName::parse(name).unwrap(),
                    priority: Priority::Normal,
                    max_bid_minor: None,
                    currency: Currency::default(),
                    notes: String::new(),
                },
            )
        })
        .collect();
    backorders::import(c, &actor, &matter.id, &lines, false).unwrap();
    Ok(Seeded {
        lawyer,
        matter: matter.id,
    })
}
