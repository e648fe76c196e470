//! The `reclaim` command. Errors are printed as one line saying what is wrong and what to do,
//! with a non-zero exit code.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::auth::password;
use crate::clock::{Clock, SystemClock};
use crate::config::{SETTINGS, Settings};
use crate::model::audit::Actor;
use crate::model::ids::ClientId;
use crate::model::user::{EmailAddress, NewPassword, PersonName, Role};
use crate::repo::users::{self, NewUser};
use crate::repo::{clients, tokens};
use crate::startup::{self, Application};

#[derive(Parser)]
#[command(
    name = "reclaim",
    version,
    about = "Case management for law firms that recover domain names: matters, backorders, dispute deadlines, compliant outreach and client reports.",
    after_help = settings_help()
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the platform (the default). Applies pending migrations first; with no user yet,
    /// prints a one-time link that creates the first administrator.
    Serve {
        /// Load a sample firm to try reclaim on (its own database, reset at every start; an
        /// offline demo registry; mail to files). Prints the accounts' passwords.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Look up domain names at their registries.
    #[command(subcommand)]
    Domain(DomainCommand),
    /// Run background jobs by hand.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Generate status reports (kept, like those made in the application).
    #[command(subcommand)]
    Report(ReportCommand),
    /// Work on the database as a whole.
    #[command(subcommand)]
    Db(DbCommand),
    /// Find registered names that imitate marks (lookalike watch).
    #[command(subcommand)]
    Lookalikes(LookalikesCommand),
}

#[derive(Subcommand)]
enum DbCommand {
    /// Copy a firm from SQLite into an empty PostgreSQL database, row for row (ids, times,
    /// PDFs and sealed secrets unchanged), in one transaction; then check the row counts and
    /// foreign keys and print what was copied. Stop the instances writing to the SQLite file
    /// first. docs/operations.md, "Moving from SQLite to PostgreSQL".
    Copy {
        /// The SQLite database, e.g. sqlite://var/reclaim.db.
        #[arg(long)]
        from: String,
        /// The PostgreSQL database, empty, e.g. postgres://reclaim:PASSWORD@db/reclaim.
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum LookalikesCommand {
    /// Scan a zone file (ICANN CZDS master-file format) or a list of newly registered names,
    /// plain or gzip, from a file or an http(s) address, for names that imitate the marks.
    ///
    /// Exit status: 0 when the scan read the whole source (with or without matches); 1 when
    /// it could not run or stopped (a mark refused, the source unreadable, a gzip cut short);
    /// 2 for wrong arguments.
    #[command(after_help = "Malformed lines are skipped and counted in the summary.")]
    Scan {
        /// The zone file or list: a path or an http(s) address (.gz or plain).
        #[arg(long)]
        zone: String,
        /// A brand term to look for (repeat for several). Without it, the firm's marks.
        #[arg(long = "mark", value_name = "TERM")]
        marks: Vec<String>,
        /// Print one JSON object a line per match (the summary goes to standard error).
        #[arg(long)]
        json: bool,
        /// What the source holds; by default decided from its first line.
        #[arg(long, value_enum, default_value = "auto")]
        format: ZoneFormatArg,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ZoneFormatArg {
    Auto,
    Zone,
    List,
}

impl From<ZoneFormatArg> for crate::lookalike::Format {
    fn from(f: ZoneFormatArg) -> Self {
        match f {
            ZoneFormatArg::Auto => Self::Auto,
            ZoneFormatArg::Zone => Self::Zone,
            ZoneFormatArg::List => Self::List,
        }
    }
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Generate the status report of a matter and write it to a PDF file.
    Matter {
        /// The matter's reference, e.g. M-2026-0001.
        reference: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum DomainCommand {
    /// Look the name up now (RDAP, else WHOIS) and print the lifecycle assessment. The answer is
    /// kept as evidence like any other.
    Check {
        name: String,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Run one job once: monitor, drop-watch, outbox, catch, reminders, reports, bootstrap or prune.
    Run { name: String },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. The password comes from RECLAIM_PASSWORD when set, else from a prompt.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// For a client (portal) user: the client's id or exact name.
        #[arg(long)]
        client: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user; the token is the last line of the output.
    Create {
        /// The e-mail address of the user the token acts for.
        #[arg(long)]
        user: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Lawyer,
    Paralegal,
    Client,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Lawyer => Role::Lawyer,
            RoleArg::Paralegal => Role::Paralegal,
            RoleArg::Client => Role::Client,
        }
    }
}

fn settings_help() -> String {
    let mut help = String::from("Settings (environment variables, or keys of reclaim.toml):\n");
    for (var, _, meaning) in SETTINGS {
        help.push_str(&format!("  {var:<24} {meaning}\n"));
    }
    help
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // The server logs its work; a one-off command prints its result and, on failure, one line.
    let default_level = match cli.command {
        None | Some(Command::Serve { .. }) => "info",
        Some(_) => "error",
    };
    crate::telemetry::init(
        default_level,
        std::io::stderr,
        std::io::stderr().is_terminal(),
    );
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line: `context: cause: cause`.
fn one_line(e: &anyhow::Error) -> String {
    e.chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let loaded = Settings::load()?;
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    let settings = loaded.settings;
    // The scan with --mark needs neither settings nor database.
    if let Some(Command::Lookalikes(LookalikesCommand::Scan {
        zone,
        marks,
        json,
        format,
    })) = &cli.command
    {
        return lookalikes_scan(zone, marks, *json, (*format).into());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // Every command runs inside the runtime: the SMTP pool (and anything else that spawns tasks)
    // is built while preparing the state, also for commands that are not async themselves.
    let _inside = runtime.enter();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => runtime.block_on(serve(settings, clock, demo)),
        Command::Migrate => {
            let (_, applied) = startup::prepare(settings, clock)?;
            if applied.is_empty() {
                println!("The database is up to date.");
            } else {
                println!(
                    "Applied {} migration(s): {}",
                    applied.len(),
                    applied.join(", ")
                );
            }
            Ok(())
        }
        Command::User(UserCommand::Add {
            email,
            name,
            role,
            client,
        }) => user_add(
            settings,
            clock,
            &email,
            &name,
            role.into(),
            client.as_deref(),
        ),
        Command::Token(TokenCommand::Create { user, name }) => {
            token_create(settings, clock, &user, &name)
        }
        Command::Domain(DomainCommand::Check { name, json }) => {
            runtime.block_on(domain_check(settings, clock, &name, json))
        }
        Command::Report(ReportCommand::Matter { reference, out }) => {
            report_matter(settings, clock, &reference, &out)
        }
        Command::Db(DbCommand::Copy { from, to }) => db_copy(&from, &to),
        Command::Lookalikes(_) => unreachable!("handled before the settings are loaded"),
        Command::Jobs(JobsCommand::Run { name }) => runtime.block_on(async {
            let (state, _) = startup::prepare(settings, clock)?;
            // Like a serving instance: leases kept alive while the job runs, and on Ctrl-C or
            // SIGTERM the job stops where it safely can and gives back the rest.
            let _heartbeat = crate::jobs::start_heartbeat(state.clone());
            let stopping = state.stopping.clone();
            let on_signal = tokio::spawn(async move {
                crate::jobs::stop_requested().await;
                stopping.request();
            });
            let result = crate::jobs::run(&state, &name).await;
            on_signal.abort();
            if state.stopping.requested() {
                crate::jobs::give_back_everything(&state).await?;
            }
            println!("{name}: {}", result?);
            Ok(())
        }),
    }
}

async fn serve(mut settings: Settings, clock: Arc<dyn Clock>, demo: bool) -> anyhow::Result<()> {
    let demo_registry = if demo {
        Some(prepare_demo(&mut settings)?)
    } else {
        None
    };
    let public_url = settings.public_url.clone();
    let app = Application::build(settings, clock).await?;
    let state = app.state();
    tracing::info!(
        backend = state.db.backend().as_str(),
        migrations_applied = app.migrations_applied().len(),
        "reclaim is listening on port {} ({})",
        app.port(),
        public_url.as_str()
    );
    if let Some(registry) = demo_registry {
        let firm = crate::demo::load(state, &registry)
            .await
            .context("the demo firm was not loaded")?;
        println!("{}", demo_banner(&firm, public_url.as_str()));
    } else if let Some(link) = app.setup_link() {
        println!(
            "reclaim has no users yet. Open this link within 24 hours to create the first administrator:\n\n  {link}\n\n(Or run `reclaim user add --role admin ...`.)"
        );
    } else {
        println!("reclaim is running at {}", public_url.as_str());
    }
    app.run_until_signalled()
        .await
        .context("the web server stopped")?;
    tracing::info!("reclaim stopped");
    Ok(())
}

/// The demo runs on its own database (reset at every start) unless one is named, asks its
/// built-in registry and writes mail to files: it never writes to the firm's data or the
/// outside world.
fn prepare_demo(settings: &mut Settings) -> anyhow::Result<crate::demo::registry::DemoRegistry> {
    if settings.database_url == Settings::default().database_url {
        // Its own directory: database, mail files and key apart from the firm's.
        settings.var_dir = settings.var_dir.join("demo");
        let mail = settings.var_dir.join("mail");
        match std::fs::remove_dir_all(&mail) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot reset the demo's mail {}", mail.display()));
            }
        }
        let path = settings.var_dir.join("demo.db");
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!("cannot reset the demo database {}", file.display())
                    });
                }
            }
        }
        settings.database_url = format!("sqlite://{}", path.display());
    }
    if settings.smtp_url.take().is_some() {
        tracing::warn!("the demo writes mail to files; RECLAIM_SMTP_URL is ignored");
    }
    let registry = crate::demo::registry::DemoRegistry::default();
    let base = crate::demo::registry::start(registry.clone())
        .context("cannot start the demo registry on 127.0.0.1")?;
    settings.rdap_every_tld = Some(base);
    // The loader looks names up in quick succession.
    settings.rdap_rate_limit = settings.rdap_rate_limit.max(600);
    Ok(registry)
}

fn demo_banner(firm: &crate::demo::DemoFirm, url: &str) -> String {
    let mut text = format!(
        "reclaim demo: the sample firm Duval & Berg Avocats is ready at {url}\n\n\
         Sign in with any of these accounts. The passwords were made for this start and are not\n\
         shown again; the demo database is reset at every start.\n\n"
    );
    for account in &firm.accounts {
        let role = match &account.client {
            Some(client) => format!("Client of the firm ({client})"),
            None => account.role.label().to_owned(),
        };
        text.push_str(&format!(
            "  {:<44} {:<42} {}\n  {:<44} password: {}\n\n",
            role, account.email, account.name, "", account.password
        ));
    }
    text.push_str(
        "Registry data comes from a built-in demo registry (offline); mail is written to files\n\
         under the var directory. Try attaching a name, opening the UDRP of Helios Bank, or\n\
         approving the draft offer for northwindcoffee.net as Thomas Berg.",
    );
    text
}

async fn domain_check(
    settings: Settings,
    clock: Arc<dyn Clock>,
    raw: &str,
    json: bool,
) -> anyhow::Result<()> {
    let name = crate::model::domain_name::DomainName::parse(raw)?;
    let (state, _) = startup::prepare(settings, clock)?;
    let outcome = crate::app::monitoring::check(&state, &name).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&crate::app::monitoring::CheckReport::from(&outcome))?
        );
        return Ok(());
    }
    let record = &outcome.record;
    let day = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(
            || "unknown".to_owned(),
            |t| crate::model::present::instant(&t.naive_utc()),
        )
    };
    println!("{} ({})", name.unicode(), name.ascii());
    println!(
        "  answer      {} from {} (SHA-256 {})",
        outcome.source, outcome.server, outcome.sha256
    );
    println!(
        "  registered  {}",
        if record.registered { "yes" } else { "no" }
    );
    if record.registered {
        println!(
            "  statuses    {}",
            if record.statuses.is_empty() {
                "none given".to_owned()
            } else {
                record.statuses.join(", ")
            }
        );
        println!(
            "  registrar   {}",
            record.registrar.as_deref().unwrap_or("unknown")
        );
        println!("  expires     {}", day(record.effective_expiry()));
    }
    println!("  phase       {}", outcome.assessment.phase.label());
    match (
        outcome.assessment.drop_earliest,
        outcome.assessment.drop_latest,
    ) {
        (Some(a), Some(b)) => println!(
            "  drop        between {} and {}",
            day(Some(a)),
            day(Some(b))
        ),
        _ => println!("  drop        no prediction"),
    }
    println!("  why         {}", outcome.assessment.reason);
    println!(
        "  backorder   {}",
        if outcome.policy.backorder {
            "possible"
        } else {
            "not possible"
        }
    );
    println!("              {}", outcome.policy.backorder_note);
    Ok(())
}

/// One line of `lookalikes scan --json`.
#[derive(serde::Serialize)]
struct LookalikeLine<'a> {
    domain: &'a str,
    unicode: String,
    mark: &'a str,
    reason: &'a crate::model::lookalike::Reason,
    score: u8,
}

fn lookalikes_scan(
    zone: &str,
    raw_marks: &[String],
    json: bool,
    format: crate::lookalike::Format,
) -> anyhow::Result<()> {
    use crate::model::lookalike::{Mark, Matcher};
    use std::io::Write;
    if raw_marks.is_empty() {
        bail!(
            "pass --mark TERM for each term to look for; to scan against the firm's marks and record findings, list the source in RECLAIM_LOOKALIKE_SOURCES and run: reclaim jobs run lookalikes"
        );
    }
    let marks = raw_marks
        .iter()
        .map(|m| Mark::parse(m).map(|mark| (mark, ())))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow!("--mark: {e}"))?;
    let matcher = Matcher::new(marks)?;
    let started = std::time::Instant::now();
    let mut names = crate::lookalike::NameReader::new(crate::lookalike::open(zone)?, format);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed: Option<std::io::Error> = None;
    if !json {
        writeln!(out, "{:>5}  {:<40} {:<16} why", "score", "domain", "mark")?;
    }
    let summary = crate::lookalike::scan(&mut names, &matcher, |domain, found| {
        if failed.is_some() {
            return;
        }
        let (unicode, _) = idna::domain_to_unicode(domain);
        let written = if json {
            serde_json::to_string(&LookalikeLine {
                domain,
                unicode,
                mark: found.mark.unicode(),
                reason: &found.reason,
                score: found.score,
            })
            .map_err(std::io::Error::other)
            .and_then(|line| writeln!(out, "{line}"))
        } else {
            let shown = if unicode == domain {
                domain.to_owned()
            } else {
                format!("{unicode} ({domain})")
            };
            writeln!(
                out,
                "{:>5}  {:<40} {:<16} {}",
                found.score,
                shown,
                found.mark.unicode(),
                why(&found.reason)
            )
        };
        if let Err(e) = written {
            failed = Some(e);
        }
    })?;
    if let Some(e) = failed {
        return Err(e).context("cannot write the results");
    }
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let malformed = if summary.malformed == 0 {
        "no malformed line".to_owned()
    } else {
        let lines: Vec<String> = summary.malformed_lines.iter().map(u64::to_string).collect();
        format!(
            "{} skipped (first: line {})",
            plural(summary.malformed, "malformed line", "malformed lines"),
            lines.join(", ")
        )
    };
    let line = format!(
        "{} read, {malformed}, {}, {:.1} s",
        plural(summary.names, "name", "names"),
        plural(summary.matches, "match", "matches"),
        started.elapsed().as_secs_f64()
    );
    if json {
        out.flush()?;
        eprintln!("{line}");
    } else {
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    Ok(())
}

/// "homoglyph, same skeleton" — the reason in words, for the table.
fn why(reason: &crate::model::lookalike::Reason) -> String {
    let mut parts = Vec::new();
    if let Some(f) = reason.family {
        parts.push(f.to_string());
    }
    if reason.skeleton_equal {
        parts.push("same skeleton".to_owned());
    }
    if let Some(c) = &reason.contained {
        parts.push(format!("contains {c}"));
    }
    if let Some(d) = reason.distance {
        parts.push(format!("distance {d}"));
    }
    parts.join(", ")
}

fn report_matter(
    settings: Settings,
    clock: Arc<dyn Clock>,
    reference: &str,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let parsed = crate::model::matter::MatterReference::parse(reference)?;
    // Fail before any work if the file cannot be written.
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        bail!("--out: the directory {} does not exist", dir.display());
    }
    let (state, _) = startup::prepare(settings, clock)?;
    let mut conn = state.db.get()?;
    let matter = crate::repo::matters::find_by_reference(&mut conn, &parsed)?
        .ok_or_else(|| anyhow!("there is no matter {parsed}; check the reference"))?;
    let actor = Actor::process(&cli_actor(), state.clock.now());
    let (report, pdf) = crate::app::reports::generate_matter(&mut conn, &actor, &matter.id, "cli")?;
    std::fs::write(out, &pdf).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "{} ({} pages, {} bytes, SHA-256 {}) written to {}",
        report.reference,
        report.pages,
        report.size_bytes,
        report.sha256,
        out.display()
    );
    Ok(())
}

fn db_copy(from: &str, to: &str) -> anyhow::Result<()> {
    let summary = crate::db::copy::copy(from, to, |table, rows| {
        tracing::info!(table, rows, "copied");
    })?;
    println!(
        "Copied {} row(s) in {} table(s):",
        summary.rows(),
        summary.tables.len()
    );
    for (table, rows) in &summary.tables {
        println!("  {table:<32} {rows}");
    }
    println!(
        "Row counts and foreign keys checked. Point RECLAIM_DATABASE_URL at {} and start reclaim there.",
        crate::config::redact_url_password(to)
    );
    Ok(())
}

fn user_add(
    settings: Settings,
    clock: Arc<dyn Clock>,
    email: &str,
    name: &str,
    role: Role,
    client: Option<&str>,
) -> anyhow::Result<()> {
    let email = EmailAddress::parse(email).map_err(|e| anyhow!("--email: {e}"))?;
    let name = PersonName::parse(name).map_err(|e| anyhow!("--name: {e}"))?;
    let password = read_new_password(&email)?;
    let (state, _) = startup::prepare(settings, clock)?;
    let mut conn = state.db.get()?;
    let client_id = match (role, client) {
        (Role::Client, None) => bail!("a client user needs --client with the client's id or name"),
        (Role::Client, Some(given)) => Some(find_client(&mut conn, given)?),
        (_, Some(_)) => bail!("--client is only for client users (--role client)"),
        (_, None) => None,
    };
    let password_hash = password::hash(password.expose())?;
    let actor = Actor::process(&cli_actor(), state.clock.now());
    let user = users::create(
        &mut conn,
        &actor,
        &NewUser {
            email,
            name,
            role,
            client_id,
            password_hash,
        },
    )?;
    println!(
        "Created {} ({}) as {}.",
        user.name,
        user.email,
        user.role.label()
    );
    Ok(())
}

fn find_client(conn: &mut crate::db::DbConn, given: &str) -> anyhow::Result<ClientId> {
    if let Ok(id) = ClientId::parse(given)
        && clients::find(conn, &id)?.is_some()
    {
        return Ok(id);
    }
    let matches: Vec<_> = clients::list(conn)?
        .into_iter()
        .filter(|c| c.name.eq_ignore_ascii_case(given.trim()))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one.id.clone()),
        _ => bail!(
            "no client has the id or name '{given}'; create the client first (in the web interface or with POST /api/v1/clients)"
        ),
    }
}

fn read_new_password(email: &EmailAddress) -> anyhow::Result<NewPassword> {
    if let Ok(given) = std::env::var("RECLAIM_PASSWORD") {
        return NewPassword::parse(&given, email).map_err(|e| anyhow!("RECLAIM_PASSWORD: {e}"));
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "no password given: set RECLAIM_PASSWORD, or run the command in a terminal to be asked for one"
        );
    }
    let first = rpassword::prompt_password(format!("Password for {email}: "))?;
    let second = rpassword::prompt_password("The same password again: ")?;
    NewPassword::parse_confirmed(&first, &second, email).map_err(|e| anyhow!("{e}"))
}

fn cli_actor() -> String {
    match std::env::var("USER") {
        Ok(user) if !user.is_empty() => format!("command line ({user})"),
        _ => "command line".to_owned(),
    }
}

fn token_create(
    settings: Settings,
    clock: Arc<dyn Clock>,
    user: &str,
    name: &str,
) -> anyhow::Result<()> {
    let email = EmailAddress::parse(user).map_err(|e| anyhow!("--user: {e}"))?;
    let name =
        crate::model::user::parse_one_line_name(name, 100).map_err(|e| anyhow!("--name: {e}"))?;
    let (state, _) = startup::prepare(settings, clock)?;
    let mut conn = state.db.get()?;
    let owner = users::find_by_email(&mut conn, &email)?.ok_or_else(|| {
        anyhow!("no user has the e-mail address {email}; create one with `reclaim user add`")
    })?;
    if !owner.active {
        bail!("the account {email} is deactivated; reactivate it first");
    }
    let actor = Actor::process(&cli_actor(), state.clock.now());
    let (_, token) = tokens::create_api_token(&mut conn, &actor, &owner.id, &name)?;
    eprintln!("API token '{name}' for {email}. It is shown only now; keep it somewhere safe:");
    println!("{token}");
    Ok(())
}
