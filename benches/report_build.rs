//! `cargo bench --bench report_build`: builds the status report of a matter large enough for 20
//! pages (names with catch attempts, a UDRP with its events and deadlines), and reports the time
//! to build it and its size. Gathering from SQLite and laying out are timed apart.
//!
//! Set `REPORT_NAMES` to change the number of names.

use std::sync::Arc;
use std::time::Instant;

use chrono::{NaiveDate, Utc};

use reclaim::clock::SystemClock;
use reclaim::config::Settings;
use reclaim::model::audit::Actor;
use reclaim::model::backorder::{CatchService, ChannelStatus, Priority};
use reclaim::model::client::NewClient;
use reclaim::model::domain_name::DomainName;
use reclaim::model::money::Currency;
use reclaim::model::procedure::{EventKind, ProcedureKind};
use reclaim::model::user::{EmailAddress, PersonName, Role};
use reclaim::repo::backorders::{self, NewBackorder, NewChannel};
use reclaim::repo::clients;
use reclaim::repo::matters::{self, NewMatter};
use reclaim::repo::procedures::{self, NewProcedure};
use reclaim::repo::users::{self, NewUser};

fn main() {
    let n: usize = std::env::var("REPORT_NAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(700);
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        database_url: format!("sqlite://{}", dir.path().join("bench.db").display()),
        var_dir: dir.path().join("var"),
        jobs: false,
        ..Settings::default()
    };
    let (state, _) =
        reclaim::startup::prepare(settings, Arc::new(SystemClock)).expect("the database opens");
    let mut conn = state.db.get().unwrap();
    let actor = Actor::process("benchmark", Utc::now());
    let lawyer = users::create(
        &mut conn,
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
        &mut conn,
        &actor,
        &NewClient::parse("Bücher Verlag GmbH", "legal@buecher.example").unwrap(),
    )
    .unwrap();
    let matter = matters::create(
        &mut conn,
        &actor,
        &NewMatter {
            client_id: client.id,
            title: "Recovery of the Bücher portfolio".into(),
            responsible_lawyer_id: lawyer.id,
            team: vec![],
            marks: vec![],
            notes: String::new(),
        },
    )
    .unwrap();
    let lines: Vec<(usize, String, NewBackorder)> = (0..n)
        .map(|i| {
            let name = if i % 3 == 0 {
                format!("bücher-{i:04}.de")
            } else {
                format!("buecher-verlag-{i:04}.com")
            };
            let domain = DomainName::parse(&name).unwrap();
            (
                i + 1,
                name,
                NewBackorder {
                    domain,
                    priority: Priority::Normal,
                    max_bid_minor: None,
                    currency: Currency::default(),
                    notes: String::new(),
                },
            )
        })
        .collect();
    backorders::import(&mut conn, &actor, &matter.id, &lines, false).unwrap();
    for b in backorders::for_matter(&mut conn, &matter.id)
        .unwrap()
        .iter()
        .step_by(2)
    {
        backorders::add_channel(
            &mut conn,
            &actor,
            &b.id,
            &NewChannel {
                service: CatchService::DropCatch,
                service_name: String::new(),
                status: ChannelStatus::Placed,
                external_reference: String::new(),
                success_fee_minor: Some(5_900),
                currency: Currency::default(),
            },
        )
        .unwrap();
    }
    let udrp = procedures::create(
        &mut conn,
        &actor,
        &state.tld_policies,
        &matter.id,
        &NewProcedure {
            kind: ProcedureKind::Udrp,
            provider: "WIPO".into(),
            case_number: "D2026-0042".into(),
            registrar_country: Some("US".into()),
            domains: vec![DomainName::parse("buecher-verlag-0001.com").unwrap()],
            parties: String::new(),
            panel: String::new(),
            fees_minor: None,
            currency: Currency::default(),
            notes: String::new(),
        },
    )
    .unwrap();
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 10, d).unwrap();
    for (kind, d) in [
        (EventKind::ComplaintFiled, 1),
        (EventKind::FeePaid, 2),
        (EventKind::VerificationRequested, 2),
        (EventKind::Commenced, 8),
    ] {
        procedures::record_event(&mut conn, &actor, &udrp.id, kind, day(d), "").unwrap();
    }
    drop(conn);

    let runs = 5;
    let mut gather = Vec::new();
    let mut render = Vec::new();
    let (mut pages, mut size) = (0, 0);
    reclaim::pdf::preload_fonts().expect("fonts");
    for _ in 0..runs {
        let mut conn = state.db.get().unwrap();
        let started = Instant::now();
        let data = reclaim::app::reports::gather_matter(&mut conn, &matter.id, Utc::now()).unwrap();
        let firm = reclaim::app::reports::firm(&mut conn).unwrap();
        gather.push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        let (pdf, count) =
            reclaim::app::reports::render_matter(&data, firm.as_ref(), "R-2026-0001", Utc::now())
                .unwrap();
        render.push(started.elapsed().as_secs_f64());
        pages = count;
        size = pdf.len();
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2] * 1000.0
    };
    println!("matter report: {n} names, a UDRP with events and deadlines");
    println!(
        "pages: {pages}, size: {size} bytes ({:.0} KB)",
        size as f64 / 1024.0
    );
    println!(
        "gather from SQLite: {:.1} ms (median of {runs})",
        median(&mut gather)
    );
    println!(
        "lay out and write the PDF: {:.1} ms (median of {runs})",
        median(&mut render)
    );
}
