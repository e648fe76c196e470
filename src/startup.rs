//! Start-up: the var directory, the secret key, the database and its migrations, then the web
//! server on its listener. The same `Application` runs in production and in the tests (on port
//! 0, as in zero2prod's `spawn_app`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::SameSite;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};

use crate::auth::keys::{KeyError, Keys};
use crate::auth::throttle::ThrottlePolicy;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::migrations::{self, MigrationError};
use crate::db::{DatabaseUrl, DatabaseUrlError, DbPool};
use crate::mail::Mailer;
use crate::model::audit::Actor;
use crate::model::tld_policy::TldPolicies;
use crate::registry::{Bootstrap, RegistryClient};
use crate::repo::tokens;
use crate::state::AppState;
use crate::web::session::SESSION_COOKIE;
use crate::web::{request, security};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(
        "the var directory {path} cannot be used: {source}. Create it and make it writable by the user running reclaim, or set RECLAIM_VAR_DIR to a directory that is"
    )]
    VarDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    DatabaseUrl(#[from] DatabaseUrlError),
    #[error("cannot create the directory {path} for the database: {source}")]
    DatabaseDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database {url}: {message}")]
    DatabaseOpen { url: String, message: String },
    #[error(transparent)]
    Migration(#[from] MigrationError),
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error(
        "cannot listen on {addr}: {source}. Is another program using that port? Set RECLAIM_BIND to another address"
    )]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    TldPolicy(#[from] crate::model::tld_policy::TldPolicyError),
    #[error("RECLAIM_RDAP_BOOTSTRAP: {0}")]
    Bootstrap(String),
    #[error(transparent)]
    Mail(#[from] crate::mail::MailError),
    #[error("cannot set up the HTTP client for registries: {0}")]
    HttpClient(String),
    #[error("cannot start the job scheduler: {0}")]
    Scheduler(String),
    #[error("cannot issue the first-run setup link: {0}")]
    SetupLink(crate::db::DbError),
}

/// Makes sure the var directory exists and can be written to, before anything else needs it.
pub fn prepare_var_dir(path: &Path) -> Result<(), StartupError> {
    let err = |source| StartupError::VarDir {
        path: path.to_owned(),
        source,
    };
    std::fs::create_dir_all(path).map_err(err)?;
    let probe = path.join(".write-test");
    std::fs::write(&probe, b"reclaim").map_err(err)?;
    std::fs::remove_file(&probe).map_err(err)?;
    Ok(())
}

/// Opens the database named by the settings, creating a SQLite file when the URL says
/// `sqlite://`, and applies pending migrations. Returns the pool and the versions applied now.
pub fn open_database(settings: &Settings) -> Result<(DbPool, Vec<String>), StartupError> {
    let url: DatabaseUrl = settings.database_url.parse()?;
    if let DatabaseUrl::Sqlite { path } = &url
        && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|source| StartupError::DatabaseDir {
            path: parent.to_owned(),
            source,
        })?;
    }
    let open_error = |message: String| StartupError::DatabaseOpen {
        url: url.display(),
        message,
    };
    let mut conn = url.connect().map_err(|e| open_error(e.to_string()))?;
    let applied = migrations::run_pending(&mut conn)?;
    drop(conn);
    let pool = DbPool::open(&url).map_err(|e| open_error(e.to_string()))?;
    Ok((pool, applied))
}

/// Everything but the web server: what the CLI commands need too.
pub fn prepare(
    settings: Settings,
    clock: Arc<dyn Clock>,
) -> Result<(AppState, Vec<String>), StartupError> {
    prepare_var_dir(&settings.var_dir)?;
    let tld_policies = TldPolicies::built_in()?;
    let keys = Keys::load_or_create(&settings)?;
    let (db, applied) = open_database(&settings)?;
    let bootstrap = load_bootstrap(&settings, &db)?;
    let registry = RegistryClient::new(&settings, bootstrap)
        .map_err(|e| StartupError::HttpClient(e.to_string()))?;
    let mailer = Mailer::from_settings(&settings)?;
    Ok((
        AppState {
            db,
            settings: Arc::new(settings),
            keys: Arc::new(keys),
            clock,
            throttle: ThrottlePolicy::default(),
            tld_policies: Arc::new(tld_policies),
            registry: Arc::new(registry),
            mailer: Arc::new(mailer),
            catch_clients: Default::default(),
            instance: instance_name(),
            stopping: Default::default(),
        },
        applied,
    ))
}

/// The RDAP bootstrap to start with: the file named by `RECLAIM_RDAP_BOOTSTRAP`, else the
/// newest copy the refresh job stored, else the one built in.
fn load_bootstrap(settings: &Settings, db: &DbPool) -> Result<Bootstrap, StartupError> {
    if let Some(path) = &settings.rdap_bootstrap {
        let text = std::fs::read_to_string(path)
            .map_err(|e| StartupError::Bootstrap(format!("cannot read {}: {e}", path.display())))?;
        return Bootstrap::parse(&text)
            .map_err(|e| StartupError::Bootstrap(format!("{}: {e}", path.display())));
    }
    let stored = db
        .get()
        .ok()
        .and_then(|mut conn| crate::repo::bootstrap::latest(&mut conn).ok().flatten());
    Ok(stored
        .and_then(|text| Bootstrap::parse(&text).ok())
        .unwrap_or_else(Bootstrap::built_in))
}

/// `host-pid-random`: unique among instances sharing a database.
fn instance_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "reclaim".to_owned());
    format!(
        "{host}-{}-{}",
        std::process::id(),
        crate::model::digest::hex(&crate::auth::tokens::random_bytes::<3>())
    )
}

pub struct Application {
    port: u16,
    server: Server,
    /// The job schedule and the heartbeat, while jobs are on.
    worker: Option<crate::jobs::Worker>,
    state: AppState,
    setup_link: Option<String>,
    migrations_applied: Vec<String>,
}

impl Application {
    pub async fn build(settings: Settings, clock: Arc<dyn Clock>) -> Result<Self, StartupError> {
        let bind = settings.bind;
        let (state, migrations_applied) = prepare(settings, clock)?;
        let listener =
            TcpListener::bind(bind).map_err(|source| StartupError::Bind { addr: bind, source })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { addr: bind, source })?
            .port();

        let setup_link = {
            let key = state.keys.link_tokens;
            let actor = Actor::process("reclaim start", state.clock.now());
            let token = state
                .db
                .run(move |c| tokens::issue_setup_token(c, &key, &actor))
                .await
                .map_err(StartupError::SetupLink)?;
            token.map(|t| state.settings.public_url.join(&format!("/setup/{t}")))
        };

        let server = serve(listener, state.clone())
            .map_err(|source| StartupError::Bind { addr: bind, source })?;
        let worker = if state.settings.jobs {
            Some(
                crate::jobs::Worker::start(state.clone())
                    .await
                    .map_err(|e| StartupError::Scheduler(e.to_string()))?,
            )
        } else {
            None
        };
        Ok(Self {
            port,
            server,
            worker,
            state,
            setup_link,
            migrations_applied,
        })
    }

    /// The port actually listened on (the tests bind port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The one-time link that creates the first administrator, when the database has no user.
    pub fn setup_link(&self) -> Option<&str> {
        self.setup_link.as_deref()
    }

    pub fn migrations_applied(&self) -> &[String] {
        &self.migrations_applied
    }

    /// Serves until the server stops by itself (the tests spawn this). The jobs, if on, run
    /// as long as the returned future is alive.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let _worker = self.worker;
        self.server.await
    }

    /// Serves until SIGTERM or Ctrl-C, then stops in order: no new job runs, the runs under
    /// way finish or give back their work (`jobs::Worker::stop`), and the web server finishes
    /// the requests under way; both within about 10 seconds.
    pub async fn run_until_signalled(self) -> std::io::Result<()> {
        let Self { server, worker, .. } = self;
        let handle = server.handle();
        let mut server = std::pin::pin!(server);
        tokio::select! {
            stopped = &mut server => return stopped,
            () = crate::jobs::stop_requested() => {}
        }
        tracing::info!("stop requested: finishing the work under way");
        let jobs = async {
            if let Some(worker) = worker {
                worker.stop(crate::jobs::STOP_GRACE).await;
            }
        };
        let web = async {
            handle.stop(true).await;
            tracing::info!(
                "web server stopped: no new connections, the requests under way answered"
            );
        };
        // The server future must be polled for it to carry out the stop.
        let ((), (), stopped) = tokio::join!(jobs, web, server);
        stopped
    }
}

fn serve(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let data = web::Data::new(state.clone());
    let cookie_key = state.keys.cookie.clone();
    let settings = state.settings.clone();
    let server = HttpServer::new(move || {
        let sessions =
            SessionMiddleware::builder(CookieSessionStore::default(), cookie_key.clone())
                .cookie_name(SESSION_COOKIE.to_owned())
                .cookie_secure(settings.cookie_secure())
                .cookie_http_only(true)
                // Lax, not Strict: a link to a matter in an e-mail must open signed in.
                .cookie_same_site(SameSite::Lax)
                .cookie_content_security(CookieContentSecurity::Private)
                .build();
        // The last `wrap` runs first: request id and error pages around everything, then
        // headers, then the session, then the CSRF check that reads it.
        App::new()
            .app_data(data.clone())
            .wrap(from_fn(security::csrf_guard))
            .wrap(sessions)
            .wrap(security::security_headers(&settings))
            .wrap(from_fn(request::request_context))
            .configure(crate::web::configure)
    })
    .listen(listener)?
    .shutdown_timeout(10)
    // `Application::run_until_signalled` handles the signals: the jobs stop with the server.
    .disable_signals()
    .run();
    Ok(server)
}
