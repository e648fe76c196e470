//! The test harness: the real application on port 0 with its own database (a temporary SQLite
//! file, or a fresh PostgreSQL database when `TEST_DATABASE_URL` is set), a fixed clock, and
//! browsers with their own cookie jars.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Duration, TimeZone, Utc};
use tempfile::TempDir;

use reclaim::auth::password;
use reclaim::clock::FixedClock;
use reclaim::config::{PublicUrl, Settings};
use reclaim::model::audit::Actor;
use reclaim::model::backorder::Priority;
use reclaim::model::client::NewClient;
use reclaim::model::domain_name::DomainName;
use reclaim::model::ids::{BackorderId, ClientId, MatterId};
use reclaim::model::lifecycle::Phase;
use reclaim::model::money::Currency;
use reclaim::model::user::{EmailAddress, PersonName, Role, User};
use reclaim::repo::backorders::{self, NewBackorder};
use reclaim::repo::matters::{self, NewMatter};
use reclaim::repo::users::{self, NewUser};
use reclaim::repo::{clients, tokens};
use reclaim::{AppState, Application};

/// A watched name as the registry has it: the name, its phase, its predicted drop in hours from
/// the clock's now (`None`: no prediction) and how many days ago it was first watched.
pub type Watched = (String, Phase, Option<i64>, i64);

/// Every password in the tests (15+ characters, as the policy wants).
pub const PASSWORD: &str = "correct horse battery staple";

/// The fixed instant tests start at.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
}

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var("TEST_LOG").is_ok() {
        reclaim::telemetry::init("debug", std::io::stdout, false);
    } else {
        reclaim::telemetry::init("off", std::io::sink, false);
    }
});

/// A backorder for `domain` at normal priority, without a bid or notes.
pub fn new_backorder(domain: &str) -> NewBackorder {
    NewBackorder {
        domain: DomainName::parse(domain).unwrap(),
        priority: Priority::Normal,
        max_bid_minor: None,
        currency: Currency::default(),
        notes: String::new(),
    }
}

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    pub clock: FixedClock,
    pub setup_link: Option<String>,
    pub database_url: String,
    pub browser: Browser,
    pub dir: TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(customize: impl FnOnce(&mut Settings)) -> TestApp {
    LazyLock::force(&TRACING);
    let dir = tempfile::tempdir().expect("temporary directory");
    let database_url = test_database_url(dir.path());
    let mut settings = Settings {
        database_url: database_url.clone(),
        bind: "127.0.0.1:0".parse().unwrap(),
        public_url: PublicUrl::parse("http://127.0.0.1:8080").unwrap(),
        jobs: false,
        var_dir: dir.path().join("var"),
        ..Settings::default()
    };
    customize(&mut settings);
    start(settings, dir, database_url).await
}

/// Starts an application on an existing directory and database (a "restart").
pub async fn restart(previous: TestApp) -> TestApp {
    let TestApp {
        dir,
        database_url,
        state,
        ..
    } = previous;
    let settings = (*state.settings).clone();
    start(settings, dir, database_url).await
}

async fn start(settings: Settings, dir: TempDir, database_url: String) -> TestApp {
    let clock = FixedClock::at(start_time());
    let app = Application::build(settings, Arc::new(clock.clone()))
        .await
        .expect("the application starts");
    let port = app.port();
    let state = app.state().clone();
    let setup_link = app.setup_link().map(str::to_owned);
    tokio::spawn(app.run_until_stopped());
    let address = format!("http://127.0.0.1:{port}");
    TestApp {
        browser: Browser::new(&address),
        address,
        state,
        clock,
        setup_link,
        database_url,
        dir,
    }
}

/// `sqlite://<dir>/app.db`, or a new database on the PostgreSQL server of `TEST_DATABASE_URL`.
pub fn test_database_url(dir: &Path) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(server) if server.starts_with("postgres") => fresh_postgres_database(&server),
        _ => format!("sqlite://{}", dir.join("app.db").display()),
    }
}

#[cfg(feature = "postgres")]
fn fresh_postgres_database(server: &str) -> String {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    let name = format!("reclaim_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::establish(server).expect("TEST_DATABASE_URL reachable");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .expect("create the test database");
    with_database_name(server, &name)
}

#[cfg(not(feature = "postgres"))]
fn fresh_postgres_database(_: &str) -> String {
    panic!("TEST_DATABASE_URL names PostgreSQL but this build has no `postgres` feature");
}

/// `postgres://u@h:p/old?x` with another database name.
pub fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    format!("{}/{name}{query}", &base[..host_end])
}

pub fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
}

impl TestApp {
    /// Another browser, with its own cookies.
    pub fn new_browser(&self) -> Browser {
        Browser::new(&self.address)
    }

    pub fn actor(&self) -> Actor {
        Actor::process("test", self.clock_now())
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        use reclaim::clock::Clock;
        self.clock.now()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Creates a user directly in the database, with [`PASSWORD`].
    pub async fn create_user(&self, email: &str, role: Role, client: Option<&ClientId>) -> User {
        let hash = password::hash(PASSWORD).unwrap();
        let new = NewUser {
            email: EmailAddress::parse(email).unwrap(),
            name: PersonName::parse(&name_from_email(email)).unwrap(),
            role,
            client_id: client.cloned(),
            password_hash: hash,
        };
        let actor = self.actor();
        self.state
            .db
            .run(move |c| users::create(c, &actor, &new))
            .await
            .expect("user created")
    }

    pub async fn create_client(&self, name: &str) -> ClientId {
        let new = NewClient::parse(
            name,
            &format!("legal@{}.example", name.to_lowercase().replace(' ', "-")),
        )
        .unwrap();
        let actor = self.actor();
        self.state
            .db
            .run(move |c| clients::create(c, &actor, &new))
            .await
            .expect("client created")
            .id
    }

    /// Opens a matter directly in the database; returns its id and reference.
    pub async fn open_matter(
        &self,
        client: &ClientId,
        lawyer: &User,
        title: &str,
    ) -> (MatterId, String) {
        let new = NewMatter {
            client_id: client.clone(),
            title: title.to_owned(),
            responsible_lawyer_id: lawyer.id.clone(),
            team: Vec::new(),
            marks: Vec::new(),
            notes: String::new(),
        };
        let actor = self.actor();
        let matter = self
            .state
            .db
            .run(move |c| matters::create(c, &actor, &new))
            .await
            .expect("matter opened");
        (matter.id, matter.reference)
    }

    /// Attaches a backorder directly in the database (confirming any conflict).
    pub async fn attach(&self, matter: &MatterId, domain: &str) -> BackorderId {
        let new = new_backorder(domain);
        let (actor, matter) = (self.actor(), matter.clone());
        self.state
            .db
            .run(move |c| backorders::attach(c, &actor, &matter, &new, true))
            .await
            .expect("backorder attached")
            .id
    }

    /// Attaches each name to the matter, then sets it as the registry would have it (see
    /// [`TestApp::watch_as`]).
    pub async fn attach_watched(&self, matter: &MatterId, names: &[Watched]) {
        for (name, ..) in names {
            self.attach(matter, name).await;
        }
        self.watch_as(names).await;
    }

    /// Sets names already watched as the registry would have them, for the lists of names
    /// about to drop: their phase, predicted drop window (opening and closing at the same
    /// time) and first watch. One transaction, so that a hundred names stay quick.
    pub async fn watch_as(&self, names: &[Watched]) {
        let (names, now) = (names.to_vec(), self.clock_now().naive_utc());
        self.state
            .db
            .run(move |c| {
                use diesel::prelude::*;
                use reclaim::db::schema::monitored_domains;
                reclaim::db::write_tx(c, |c| {
                    for (name, phase, drop_in_hours, watched_days) in names {
                        let drop = drop_in_hours.map(|h| now + Duration::hours(h));
                        let updated = diesel::update(monitored_domains::table.find(&name))
                            .set((
                                monitored_domains::phase.eq(phase),
                                monitored_domains::drop_earliest.eq(drop),
                                monitored_domains::drop_latest.eq(drop),
                                monitored_domains::created_at
                                    .eq(now - Duration::days(watched_days)),
                            ))
                            .execute(c)?;
                        assert_eq!(updated, 1, "{name} is watched");
                    }
                    Ok::<_, reclaim::db::DbError>(())
                })
            })
            .await
            .expect("names set as the registry has them");
    }

    /// An API token for a user, made directly in the database.
    pub async fn api_token(&self, user: &User) -> String {
        let (actor, id) = (self.actor(), user.id.clone());
        self.state
            .db
            .run(move |c| tokens::create_api_token(c, &actor, &id, "test"))
            .await
            .expect("token created")
            .1
    }

    /// A user of `role`, signed in in the default browser.
    pub async fn signed_in(&self, email: &str, role: Role, client: Option<&ClientId>) -> User {
        let user = self.create_user(email, role, client).await;
        let response = self.browser.login(email, PASSWORD).await;
        assert_eq!(response.status().as_u16(), 303, "sign-in of {email}");
        user
    }

    /// The audit log's actions, oldest first.
    pub async fn audit_actions(&self) -> Vec<String> {
        let page = self
            .state
            .db
            .run(|c| {
                let everything = reclaim::model::paging::PageRequest::first(10_000);
                reclaim::repo::audit::list(c, &Default::default(), &everything)
            })
            .await
            .unwrap();
        page.rows.into_iter().rev().map(|e| e.action).collect()
    }

    /// Every answer kept for `domain`, newest first: its timeline as one page.
    pub async fn kept_answers(
        &self,
        domain: &str,
    ) -> Vec<reclaim::model::monitoring::SnapshotMeta> {
        let domain = domain.to_owned();
        let page = self
            .state
            .db
            .run(move |c| {
                let everything = reclaim::model::paging::PageRequest::first(10_000);
                reclaim::repo::monitoring::snapshot_page(c, &domain, &everything)
            })
            .await
            .unwrap();
        page.rows
    }

    /// Every account with the name of its client, as the administration list orders them.
    pub async fn accounts(&self) -> Vec<(User, Option<String>)> {
        let page = self
            .state
            .db
            .run(|c| {
                let everything = reclaim::model::paging::PageRequest::first(10_000);
                users::page(c, &everything)
            })
            .await
            .unwrap();
        page.rows
    }
}

fn name_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or("user");
    let mut name = String::new();
    for part in local.split(['.', '_', '-']) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            if !name.is_empty() {
                name.push(' ');
            }
            name.extend(first.to_uppercase());
            name.push_str(chars.as_str());
        }
    }
    name
}

/// A browser: a cookie jar, no automatic redirects (tests look at them).
#[derive(Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    pub address: String,
}

impl Browser {
    pub fn new(address: &str) -> Self {
        Self::connecting_from(address, None)
    }

    /// A browser whose connections come from `local` (another loopback address, such as
    /// 127.0.0.2: Linux answers on all of 127.0.0.0/8), as a second computer would.
    pub fn connecting_from(address: &str, local: Option<std::net::IpAddr>) -> Self {
        Self {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                // The server closes a connection idle for 5 s (actix's keep-alive); a pooled
                // connection reused just then fails with IncompleteMessage. Drop them sooner.
                .pool_idle_timeout(std::time::Duration::from_secs(1))
                .local_address(local)
                .build()
                .unwrap(),
            address: address.to_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_html(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        response.text().await.unwrap()
    }

    /// The CSRF token of this browser's session, from a page that has forms.
    pub async fn csrf_token(&self) -> String {
        let response = self.get("/account").await;
        let html = if response.status().as_u16() == 200 {
            response.text().await.unwrap()
        } else {
            self.get_html("/login").await
        };
        extract_csrf(&html).expect("a page with a CSRF token")
    }

    /// Posts a form with this session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post_form_raw(path, &all).await
    }

    /// Posts exactly these fields (no CSRF token added).
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .form(fields)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form("/login", &[("email", email), ("password", password)])
            .await
    }
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// The value of the session cookie set by a response, if any.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("reclaim_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Calls the JSON API.
pub async fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, json)
}

/// An external program some tests need (poppler's `pdftotext`, Chromium, chromedriver), found on
/// PATH or in /usr/bin. When it is missing the test says so on stderr and skips that part,
/// unless `RECLAIM_TEST_TOOLS=required` (as `.ci/run` sets), which makes it fail: on a machine
/// with only the Rust toolchain `cargo test` passes, and CI always runs everything.
/// `RECLAIM_TEST_TOOLS=off` skips those parts on purpose.
pub fn external_tool(names: &[&str], package: &str, purpose: &str) -> Option<std::path::PathBuf> {
    let setting = std::env::var("RECLAIM_TEST_TOOLS").unwrap_or_default();
    if setting == "off" {
        say(&format!("skipped {purpose}: RECLAIM_TEST_TOOLS=off"));
        return None;
    }
    let mut dirs: Vec<std::path::PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.push(std::path::PathBuf::from("/usr/bin"));
    let found = names
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|path| is_executable(path));
    if found.is_none() {
        let why = format!(
            "{} not found on PATH or in /usr/bin (Debian package {package}; .ci/run installs it)",
            names.join(" or ")
        );
        if setting == "required" {
            panic!("{purpose}: {why}, and RECLAIM_TEST_TOOLS=required");
        }
        say(&format!(
            "skipped {purpose}: {why}; set RECLAIM_TEST_TOOLS=required to fail instead"
        ));
    }
    found
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A line on the real stderr: the test harness captures `eprintln!` of passing tests, and a
/// skipped part passes.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
