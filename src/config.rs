//! Configuration: built-in defaults, then an optional `reclaim.toml`, then `RECLAIM_*` environment
//! variables (README.md, "Configuration"). Every value is checked here so that a mistake stops the
//! start with a message naming the setting, rather than failing later in some request.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://var/reclaim.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";
pub const DEFAULT_VAR_DIR: &str = "var";
pub const CONFIG_FILE_NAME: &str = "reclaim.toml";
pub const DEFAULT_RDAP_BOOTSTRAP_URL: &str = "https://data.iana.org/rdap/dns.json";
/// With the outbox's 20-second schedule, a crashed instance's mail resumes within a minute.
pub const DEFAULT_LEASE_SECONDS: u64 = 40;
/// Lookalikes asked at their registries per daily run: within a day of the default registry
/// rate (30 a minute per server) in under two minutes.
pub const DEFAULT_LOOKALIKE_CHECKS: u32 = 50;

/// Every setting, by its environment variable and its key in `reclaim.toml`.
pub const SETTINGS: &[(&str, &str, &str)] = &[
    (
        "RECLAIM_DATABASE_URL",
        "database_url",
        "sqlite://PATH or postgres://…",
    ),
    (
        "RECLAIM_BIND",
        "bind",
        "listen address, e.g. 127.0.0.1:8080",
    ),
    (
        "RECLAIM_PUBLIC_URL",
        "public_url",
        "base of links in emails and feeds",
    ),
    (
        "RECLAIM_SECRET_KEY",
        "secret_key",
        "at least 32 characters; generated once in var/ when unset",
    ),
    (
        "RECLAIM_SMTP_URL",
        "smtp_url",
        "e.g. smtp://127.0.0.1:2525; unset writes .eml files under var/mail/",
    ),
    (
        "RECLAIM_RDAP_BOOTSTRAP",
        "rdap_bootstrap",
        "path of an IANA dns.json to use instead of the built-in copy",
    ),
    ("RECLAIM_RDAP_OVERRIDE", "rdap_override", "tld=URL,tld=URL"),
    (
        "RECLAIM_WHOIS_OVERRIDE",
        "whois_override",
        "tld=host:port,…",
    ),
    ("RECLAIM_JOBS", "jobs", "on or off"),
    (
        "RECLAIM_RDAP_RATE_LIMIT",
        "rdap_rate_limit",
        "registry queries per minute per server (RDAP and WHOIS), default 30",
    ),
    (
        "RECLAIM_DROP_WATCH_PER_SECOND",
        "drop_watch_per_second",
        "drop watch: queries per second per registry server, all instances together, default 2",
    ),
    (
        "RECLAIM_DROP_WATCH_PER_MINUTE",
        "drop_watch_per_minute",
        "drop watch: queries per minute per registry server, all instances together, default 60",
    ),
    (
        "RECLAIM_REGISTRY_TIMEOUT",
        "registry_timeout",
        "seconds to wait for a registry answer, default 15",
    ),
    (
        "RECLAIM_RDAP_BOOTSTRAP_URL",
        "rdap_bootstrap_url",
        "where the weekly job fetches the IANA RDAP bootstrap",
    ),
    (
        "RECLAIM_MAIL_FROM",
        "mail_from",
        "sender of alerts and reminders, e.g. reclaim@firm.example",
    ),
    (
        "RECLAIM_REMINDER_DAYS",
        "reminder_days",
        "the daily digest lists deadlines due within this many days, default 7",
    ),
    (
        "RECLAIM_REMINDER_HOUR",
        "reminder_hour",
        "UTC hour from which the daily digest goes out, 0-23, default 6",
    ),
    (
        "RECLAIM_OUTREACH_INTERVAL_DAYS",
        "outreach_interval_days",
        "days during which an unanswered message blocks another to the same address, default 30",
    ),
    (
        "RECLAIM_LEASE_SECONDS",
        "lease_seconds",
        "how long a claim on background work outlives its instance, 5-3600, default 40",
    ),
    (
        "RECLAIM_LOOKALIKE_SOURCES",
        "lookalike_sources",
        "zone files or lists of new names the daily lookalike job scans (paths or http(s) addresses, separated by commas)",
    ),
    (
        "RECLAIM_LOOKALIKE_CHECKS",
        "lookalike_checks",
        "lookalikes generated from the marks asked at their registries per daily run, default 50",
    ),
    (
        "RECLAIM_VAR_DIR",
        "var_dir",
        "directory for the secret key, mail files and the default database",
    ),
];

/// The process-wide configuration, already checked.
#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: SocketAddr,
    pub public_url: PublicUrl,
    pub secret_key: Option<SecretText>,
    pub smtp_url: Option<String>,
    pub rdap_bootstrap: Option<PathBuf>,
    pub rdap_override: Option<String>,
    pub whois_override: Option<String>,
    pub jobs: bool,
    pub var_dir: PathBuf,
    /// RDAP base URL per TLD, ahead of the bootstrap (`tld=URL,…`).
    pub rdap_overrides: BTreeMap<String, String>,
    /// WHOIS server per TLD (`tld=host:port,…`).
    pub whois_overrides: BTreeMap<String, String>,
    /// Queries per minute per registry server.
    pub rdap_rate_limit: u32,
    /// The drop watch's budget per registry server, shared by every instance
    /// (`model::drop_watch::BudgetRule`): queries per second and per minute.
    pub drop_watch_per_second: u32,
    pub drop_watch_per_minute: u32,
    pub registry_timeout: Duration,
    pub rdap_bootstrap_url: String,
    pub mail_from: String,
    /// The daily digest lists deadlines due within this many days.
    pub reminder_days: u32,
    /// UTC hour from which the daily digest is sent.
    pub reminder_hour: u32,
    /// An unanswered outreach message blocks another to the same address for this many days.
    pub outreach_interval_days: u32,
    /// How long a claim on background work (a job, a message being sent, a name being checked)
    /// lasts unless renewed. A running instance renews its claims every quarter of this
    /// (`jobs::heartbeat_interval`), so after a crash its work is taken over within this time.
    pub lease: Duration,
    /// One RDAP server for every TLD, ahead of overrides and bootstrap. Not read from the
    /// environment: the demo sets it to its built-in registry.
    pub rdap_every_tld: Option<String>,
    /// What the lookalike job scans each day (`app::lookalike_watch`): zone files or lists of
    /// new names, paths or http(s) addresses.
    pub lookalike_sources: Vec<String>,
    /// How many of the lookalikes generated from the marks the job asks their registries
    /// about per run, best-ranked first.
    pub lookalike_checks: u32,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_url_password(&self.database_url))
            .field("bind", &self.bind)
            .field("public_url", &self.public_url.as_str())
            .field("secret_key", &self.secret_key)
            .field(
                "smtp_url",
                &self.smtp_url.as_deref().map(redact_url_password),
            )
            .field("rdap_bootstrap", &self.rdap_bootstrap)
            .field("rdap_override", &self.rdap_override)
            .field("whois_override", &self.whois_override)
            .field("jobs", &self.jobs)
            .field("var_dir", &self.var_dir)
            .field("rdap_rate_limit", &self.rdap_rate_limit)
            .field("drop_watch_per_second", &self.drop_watch_per_second)
            .field("drop_watch_per_minute", &self.drop_watch_per_minute)
            .field("registry_timeout", &self.registry_timeout)
            .field("rdap_bootstrap_url", &self.rdap_bootstrap_url)
            .field("mail_from", &self.mail_from)
            .field("lease", &self.lease)
            .field("lookalike_sources", &self.lookalike_sources)
            .field("lookalike_checks", &self.lookalike_checks)
            .finish()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            bind: DEFAULT_BIND
                .parse()
                .expect("the default bind address is valid"),
            public_url: PublicUrl::parse(DEFAULT_PUBLIC_URL)
                .expect("the default public URL is valid"),
            secret_key: None,
            smtp_url: None,
            rdap_bootstrap: None,
            rdap_override: None,
            whois_override: None,
            jobs: true,
            var_dir: PathBuf::from(DEFAULT_VAR_DIR),
            rdap_overrides: BTreeMap::new(),
            whois_overrides: BTreeMap::new(),
            rdap_rate_limit: 30,
            drop_watch_per_second: crate::model::drop_watch::DEFAULT_PER_SECOND,
            drop_watch_per_minute: crate::model::drop_watch::DEFAULT_PER_MINUTE,
            registry_timeout: Duration::from_secs(15),
            rdap_bootstrap_url: DEFAULT_RDAP_BOOTSTRAP_URL.to_owned(),
            mail_from: "reclaim@localhost".to_owned(),
            reminder_days: 7,
            reminder_hour: 6,
            outreach_interval_days: 30,
            lease: Duration::from_secs(DEFAULT_LEASE_SECONDS),
            rdap_every_tld: None,
            lookalike_sources: Vec::new(),
            lookalike_checks: DEFAULT_LOOKALIKE_CHECKS,
        }
    }
}

/// A secret that never shows up in logs or `Debug` output.
#[derive(Clone)]
pub struct SecretText(String);

impl SecretText {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The base URL of this instance as seen by browsers and mail readers, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim().trim_end_matches('/');
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .ok_or_else(|| format!("'{raw}' must start with http:// or https://"))?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(format!("'{raw}' has no host name"));
        }
        if rest.contains(['?', '#']) {
            return Err(format!("'{raw}' must not contain a query or a fragment"));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    /// `scheme://host[:port]`, what browsers send in the `Origin` header.
    pub fn origin(&self) -> &str {
        let after_scheme = self.0.find("://").map_or(0, |i| i + 3);
        match self.0[after_scheme..].find('/') {
            Some(slash) => &self.0[..after_scheme + slash],
            None => &self.0,
        }
    }

    /// The host name, without port: the domain of Message-IDs and of the default sender.
    pub fn host(&self) -> &str {
        let origin = self.origin();
        let host = &origin[origin.find("://").map_or(0, |i| i + 3)..];
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    }

    /// An absolute link to `path` (which starts with `/`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0, path)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the configuration file {path} is not valid: {message}\nKnown keys: {}",
        known_keys()
    )]
    ParseFile { path: PathBuf, message: String },
    #[error("{name} is not valid: {message}")]
    Invalid { name: &'static str, message: String },
    #[error("{name} is not valid UTF-8 text")]
    NotUnicode { name: &'static str },
}

fn known_keys() -> String {
    SETTINGS
        .iter()
        .map(|(_, key, _)| *key)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The keys of `reclaim.toml`; an unknown key is an error, so a typo is not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    bind: Option<String>,
    public_url: Option<String>,
    secret_key: Option<String>,
    smtp_url: Option<String>,
    rdap_bootstrap: Option<String>,
    rdap_override: Option<String>,
    whois_override: Option<String>,
    jobs: Option<JobsSwitch>,
    var_dir: Option<String>,
    rdap_rate_limit: Option<u32>,
    drop_watch_per_second: Option<u32>,
    drop_watch_per_minute: Option<u32>,
    registry_timeout: Option<u64>,
    rdap_bootstrap_url: Option<String>,
    mail_from: Option<String>,
    reminder_days: Option<u32>,
    reminder_hour: Option<u32>,
    outreach_interval_days: Option<u32>,
    lease_seconds: Option<u64>,
    lookalike_sources: Option<String>,
    lookalike_checks: Option<u32>,
}

/// `jobs = "off"` and `jobs = false` both read naturally in TOML.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum JobsSwitch {
    Bool(bool),
    Text(String),
}

/// The outcome of loading: the settings, and warnings worth showing to the operator.
#[derive(Debug)]
pub struct Loaded {
    pub settings: Settings,
    pub warnings: Vec<String>,
}

impl Settings {
    /// Loads from the process environment and `reclaim.toml` (or the file named by
    /// `RECLAIM_CONFIG`).
    pub fn load() -> Result<Loaded, ConfigError> {
        let env = |name: &str| -> Result<Option<String>, ()> {
            match std::env::var(name) {
                Ok(v) => Ok(Some(v)),
                Err(std::env::VarError::NotPresent) => Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => Err(()),
            }
        };
        let file = match env("RECLAIM_CONFIG") {
            Err(()) => {
                return Err(ConfigError::NotUnicode {
                    name: "RECLAIM_CONFIG",
                });
            }
            Ok(Some(path)) => Some(PathBuf::from(path)),
            Ok(None) => Some(PathBuf::from(CONFIG_FILE_NAME)).filter(|p| p.exists()),
        };
        let file = match file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(&path).map_err(|source| ConfigError::ReadFile {
                        path: path.clone(),
                        source,
                    })?;
                Some((path, text))
            }
            None => None,
        };
        let env_names: Vec<String> = std::env::vars_os()
            .filter_map(|(k, _)| k.into_string().ok())
            .filter(|k| k.starts_with("RECLAIM_"))
            .collect();
        Self::from_sources(
            file.as_ref().map(|(p, t)| (p.as_path(), t.as_str())),
            &env,
            &env_names,
        )
    }

    /// The pure part of loading, so that precedence and messages are tested without touching
    /// the process environment.
    pub fn from_sources(
        file: Option<(&Path, &str)>,
        env: &dyn Fn(&str) -> Result<Option<String>, ()>,
        env_names: &[String],
    ) -> Result<Loaded, ConfigError> {
        let file_settings = match file {
            Some((path, text)) => {
                toml::from_str::<FileSettings>(text).map_err(|e| ConfigError::ParseFile {
                    path: path.to_owned(),
                    message: e.message().to_owned(),
                })?
            }
            None => FileSettings::default(),
        };
        let get = |name: &'static str,
                   from_file: Option<String>|
         -> Result<Option<String>, ConfigError> {
            match env(name) {
                Err(()) => Err(ConfigError::NotUnicode { name }),
                Ok(Some(v)) => Ok(Some(v)),
                Ok(None) => Ok(from_file),
            }
        };
        let non_empty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());

        let mut settings = Settings::default();
        if let Some(url) = non_empty(get("RECLAIM_DATABASE_URL", file_settings.database_url)?) {
            settings.database_url = url.trim().to_owned();
        }
        if let Some(bind) = non_empty(get("RECLAIM_BIND", file_settings.bind)?) {
            settings.bind = bind.trim().parse().map_err(|_| ConfigError::Invalid {
                name: "RECLAIM_BIND",
                message: format!("'{bind}' is not an address and port such as 127.0.0.1:8080"),
            })?;
        }
        if let Some(url) = non_empty(get("RECLAIM_PUBLIC_URL", file_settings.public_url)?) {
            settings.public_url =
                PublicUrl::parse(&url).map_err(|message| ConfigError::Invalid {
                    name: "RECLAIM_PUBLIC_URL",
                    message,
                })?;
        }
        if let Some(key) = non_empty(get("RECLAIM_SECRET_KEY", file_settings.secret_key)?) {
            if key.trim().chars().count() < 32 {
                return Err(ConfigError::Invalid {
                    name: "RECLAIM_SECRET_KEY",
                    message: "it must be at least 32 characters long; leave it unset to have \
                              reclaim generate one in its var directory"
                        .to_owned(),
                });
            }
            settings.secret_key = Some(SecretText::new(key.trim()));
        }
        settings.smtp_url = non_empty(get("RECLAIM_SMTP_URL", file_settings.smtp_url)?);
        if let Some(url) = &settings.smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(ConfigError::Invalid {
                name: "RECLAIM_SMTP_URL",
                message: format!(
                    "'{}' must start with smtp:// or smtps://",
                    redact_url_password(url)
                ),
            });
        }
        settings.rdap_bootstrap =
            non_empty(get("RECLAIM_RDAP_BOOTSTRAP", file_settings.rdap_bootstrap)?)
                .map(PathBuf::from);
        settings.rdap_override =
            non_empty(get("RECLAIM_RDAP_OVERRIDE", file_settings.rdap_override)?);
        if let Some(text) = &settings.rdap_override {
            settings.rdap_overrides = parse_overrides(text, "RECLAIM_RDAP_OVERRIDE", |target| {
                if target.starts_with("https://") || target.starts_with("http://") {
                    Ok(if target.ends_with('/') {
                        target.to_owned()
                    } else {
                        format!("{target}/")
                    })
                } else {
                    Err(format!("'{target}' is not an http(s) URL"))
                }
            })?;
        }
        settings.whois_override =
            non_empty(get("RECLAIM_WHOIS_OVERRIDE", file_settings.whois_override)?);
        if let Some(text) = &settings.whois_override {
            settings.whois_overrides = parse_overrides(text, "RECLAIM_WHOIS_OVERRIDE", |target| {
                match target.rsplit_once(':') {
                    Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
                        Ok(target.to_owned())
                    }
                    None if !target.is_empty() => Ok(format!("{target}:43")),
                    _ => Err(format!("'{target}' is not host:port")),
                }
            })?;
        }
        let number =
            |name: &'static str, from_file: Option<String>| -> Result<Option<u64>, ConfigError> {
                match non_empty(get(name, from_file)?) {
                    Some(text) => text
                        .trim()
                        .parse::<u64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .map(Some)
                        .ok_or(ConfigError::Invalid {
                            name,
                            message: format!("'{text}' is not a positive whole number"),
                        }),
                    None => Ok(None),
                }
            };
        if let Some(rate) = number(
            "RECLAIM_RDAP_RATE_LIMIT",
            file_settings.rdap_rate_limit.map(|n| n.to_string()),
        )? {
            settings.rdap_rate_limit = u32::try_from(rate).unwrap_or(u32::MAX);
        }
        if let Some(rate) = number(
            "RECLAIM_DROP_WATCH_PER_SECOND",
            file_settings.drop_watch_per_second.map(|n| n.to_string()),
        )? {
            settings.drop_watch_per_second = u32::try_from(rate).unwrap_or(u32::MAX);
        }
        if let Some(rate) = number(
            "RECLAIM_DROP_WATCH_PER_MINUTE",
            file_settings.drop_watch_per_minute.map(|n| n.to_string()),
        )? {
            settings.drop_watch_per_minute = u32::try_from(rate).unwrap_or(u32::MAX);
        }
        if let Some(secs) = number(
            "RECLAIM_REGISTRY_TIMEOUT",
            file_settings.registry_timeout.map(|n| n.to_string()),
        )? {
            settings.registry_timeout = Duration::from_secs(secs);
        }
        if let Some(days) = number(
            "RECLAIM_REMINDER_DAYS",
            file_settings.reminder_days.map(|n| n.to_string()),
        )? {
            if days > 366 {
                return Err(ConfigError::Invalid {
                    name: "RECLAIM_REMINDER_DAYS",
                    message: format!("{days} days is more than a year; give at most 366"),
                });
            }
            settings.reminder_days = u32::try_from(days).unwrap_or(7);
        }
        if let Some(days) = number(
            "RECLAIM_OUTREACH_INTERVAL_DAYS",
            file_settings.outreach_interval_days.map(|n| n.to_string()),
        )? {
            settings.outreach_interval_days = u32::try_from(days.min(3650)).unwrap_or(30);
        }
        if let Some(secs) = number(
            "RECLAIM_LEASE_SECONDS",
            file_settings.lease_seconds.map(|n| n.to_string()),
        )? {
            // Below 5 s a busy database could let a live instance's claims run out; above an
            // hour a crash would stall the work for longer than anyone waits.
            if !(5..=3600).contains(&secs) {
                return Err(ConfigError::Invalid {
                    name: "RECLAIM_LEASE_SECONDS",
                    message: format!("{secs} is not between 5 and 3600 seconds"),
                });
            }
            settings.lease = Duration::from_secs(secs);
        }
        if let Some(hour) = non_empty(get(
            "RECLAIM_REMINDER_HOUR",
            file_settings.reminder_hour.map(|n| n.to_string()),
        )?) {
            settings.reminder_hour = hour.trim().parse::<u32>().ok().filter(|h| *h < 24).ok_or(
                ConfigError::Invalid {
                    name: "RECLAIM_REMINDER_HOUR",
                    message: format!("'{hour}' is not an hour from 0 to 23"),
                },
            )?;
        }
        if let Some(url) = non_empty(get(
            "RECLAIM_RDAP_BOOTSTRAP_URL",
            file_settings.rdap_bootstrap_url,
        )?) {
            settings.rdap_bootstrap_url = url.trim().to_owned();
        }
        let jobs_from_file = file_settings.jobs.map(|j| match j {
            JobsSwitch::Bool(true) => "on".to_owned(),
            JobsSwitch::Bool(false) => "off".to_owned(),
            JobsSwitch::Text(t) => t,
        });
        if let Some(jobs) = non_empty(get("RECLAIM_JOBS", jobs_from_file)?) {
            settings.jobs = match jobs.trim().to_ascii_lowercase().as_str() {
                "on" | "true" | "1" | "yes" => true,
                "off" | "false" | "0" | "no" => false,
                _ => {
                    return Err(ConfigError::Invalid {
                        name: "RECLAIM_JOBS",
                        message: format!("'{jobs}' must be on or off"),
                    });
                }
            };
        }
        if let Some(sources) = non_empty(get(
            "RECLAIM_LOOKALIKE_SOURCES",
            file_settings.lookalike_sources,
        )?) {
            settings.lookalike_sources = sources
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
        }
        // 0 is allowed: no direct checks, the sources only.
        if let Some(checks) = non_empty(get(
            "RECLAIM_LOOKALIKE_CHECKS",
            file_settings.lookalike_checks.map(|n| n.to_string()),
        )?) {
            settings.lookalike_checks = checks
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= 10_000)
                .ok_or(ConfigError::Invalid {
                    name: "RECLAIM_LOOKALIKE_CHECKS",
                    message: format!("'{checks}' is not a number of checks from 0 to 10000"),
                })?;
        }
        if let Some(dir) = non_empty(get("RECLAIM_VAR_DIR", file_settings.var_dir)?) {
            settings.var_dir = PathBuf::from(dir);
        }

        settings.mail_from = match non_empty(get("RECLAIM_MAIL_FROM", file_settings.mail_from)?) {
            Some(from) => from.trim().to_owned(),
            None => format!("reclaim@{}", settings.public_url.host()),
        };

        let mut warnings = Vec::new();
        for name in env_names {
            let known = SETTINGS.iter().any(|(n, _, _)| n == name)
                || matches!(
                    name.as_str(),
                    "RECLAIM_CONFIG" | "RECLAIM_PASSWORD" | "RECLAIM_LOG"
                );
            if !known {
                warnings.push(format!(
                    "the environment variable {name} is not a reclaim setting and is ignored \
                     (known: {})",
                    SETTINGS
                        .iter()
                        .map(|(n, _, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        Ok(Loaded { settings, warnings })
    }

    /// Session cookies are marked `Secure` only when the instance is reached over https, so a
    /// first run on http://127.0.0.1 works.
    pub fn cookie_secure(&self) -> bool {
        self.public_url.is_https()
    }

    /// `lease` for the database's time arithmetic.
    pub fn lease_ttl(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.lease)
            .unwrap_or_else(|_| chrono::Duration::seconds(DEFAULT_LEASE_SECONDS as i64))
    }
}

/// `tld=value,tld=value` into a map, each value checked by `check`.
fn parse_overrides(
    text: &str,
    name: &'static str,
    check: impl Fn(&str) -> Result<String, String>,
) -> Result<BTreeMap<String, String>, ConfigError> {
    let mut map = BTreeMap::new();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (tld, target) = item.split_once('=').ok_or_else(|| ConfigError::Invalid {
            name,
            message: format!("'{item}' should be written tld=value, e.g. fr=https://rdap.example/"),
        })?;
        let tld = tld.trim().trim_start_matches('.').to_ascii_lowercase();
        // A key with dots names a server instead (a registrar's WHOIS host a registry refers to).
        if tld.is_empty()
            || !tld
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        {
            return Err(ConfigError::Invalid {
                name,
                message: format!("'{tld}' is not a TLD (write it in ASCII, e.g. xn--p1ai)"),
            });
        }
        let value =
            check(target.trim()).map_err(|message| ConfigError::Invalid { name, message })?;
        map.insert(tld, value);
    }
    Ok(map)
}

/// `postgres://user:secret@host/db` becomes `postgres://user:***@host/db` for logs and messages.
pub fn redact_url_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &authority[..colon],
            &rest[at..]
        ),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(file: Option<&str>, env: &[(&str, &str)]) -> Result<Loaded, ConfigError> {
        let env_map: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let names: Vec<String> = env_map.iter().map(|(k, _)| k.clone()).collect();
        let lookup = move |name: &str| -> Result<Option<String>, ()> {
            Ok(env_map
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()))
        };
        Settings::from_sources(
            file.map(|t| (Path::new("reclaim.toml"), t)),
            &lookup,
            &names,
        )
    }

    #[test]
    fn defaults_are_the_ones_design_md_lists() {
        let s = load(None, &[]).unwrap().settings;
        assert_eq!(s.database_url, "sqlite://var/reclaim.db");
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.public_url.as_str(), "http://127.0.0.1:8080");
        assert!(s.secret_key.is_none());
        assert!(s.smtp_url.is_none());
        assert!(s.jobs);
        assert!(!s.cookie_secure());
        assert_eq!(s.lease, Duration::from_secs(40));
    }

    #[test]
    fn environment_wins_over_file_and_file_over_defaults() {
        let file =
            "database_url = \"sqlite://from-file.db\"\nbind = \"0.0.0.0:9000\"\njobs = false\n";
        let s = load(
            Some(&format!("{file}lease_seconds = 90\n")),
            &[("RECLAIM_DATABASE_URL", "sqlite://from-env.db")],
        )
        .unwrap()
        .settings;
        assert_eq!(s.lease, Duration::from_secs(90));
        assert_eq!(s.database_url, "sqlite://from-env.db");
        assert_eq!(s.bind.to_string(), "0.0.0.0:9000");
        assert!(!s.jobs);
    }

    #[test]
    fn mistakes_are_reported_with_the_setting_name() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("RECLAIM_BIND", "localhost")], "RECLAIM_BIND"),
            (
                &[("RECLAIM_PUBLIC_URL", "example.org")],
                "RECLAIM_PUBLIC_URL",
            ),
            (&[("RECLAIM_SECRET_KEY", "short")], "at least 32 characters"),
            (&[("RECLAIM_JOBS", "sometimes")], "must be on or off"),
            (&[("RECLAIM_SMTP_URL", "http://mail")], "smtp://"),
            (
                &[("RECLAIM_LEASE_SECONDS", "1")],
                "RECLAIM_LEASE_SECONDS is not valid: 1 is not between 5 and 3600",
            ),
        ];
        for (env, expected) in cases {
            let err = load(None, env).unwrap_err().to_string();
            assert!(err.contains(expected), "{env:?}: {err}");
        }
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error() {
        let err = load(Some("databse_url = \"x\"\n"), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("databse_url"), "{err}");
        assert!(err.contains("Known keys: database_url"), "{err}");
    }

    #[test]
    fn an_unknown_reclaim_variable_is_a_warning() {
        let loaded = load(None, &[("RECLAIM_DATABSE_URL", "x")]).unwrap();
        assert_eq!(loaded.warnings.len(), 1);
        assert!(loaded.warnings[0].contains("RECLAIM_DATABSE_URL"));
    }

    #[test]
    fn registry_overrides_are_read_per_tld() {
        let s = load(
            None,
            &[
                (
                    "RECLAIM_RDAP_OVERRIDE",
                    "fr=http://127.0.0.1:9000/rdap, .COM=https://rdap.example/com/",
                ),
                (
                    "RECLAIM_WHOIS_OVERRIDE",
                    "de=127.0.0.1:4343,dk=whois.example",
                ),
                ("RECLAIM_RDAP_RATE_LIMIT", "120"),
                ("RECLAIM_REGISTRY_TIMEOUT", "3"),
                ("RECLAIM_DROP_WATCH_PER_SECOND", "5"),
                ("RECLAIM_DROP_WATCH_PER_MINUTE", "200"),
                (
                    "RECLAIM_LOOKALIKE_SOURCES",
                    "/srv/czds/com.zone.gz, https://lists.example/new.txt",
                ),
                ("RECLAIM_LOOKALIKE_CHECKS", "0"),
            ],
        )
        .unwrap()
        .settings;
        assert_eq!(
            s.lookalike_sources,
            ["/srv/czds/com.zone.gz", "https://lists.example/new.txt"]
        );
        assert_eq!(s.lookalike_checks, 0);
        assert_eq!(s.rdap_overrides["fr"], "http://127.0.0.1:9000/rdap/");
        assert_eq!(s.rdap_overrides["com"], "https://rdap.example/com/");
        assert_eq!(s.whois_overrides["de"], "127.0.0.1:4343");
        assert_eq!(s.whois_overrides["dk"], "whois.example:43");
        assert_eq!(s.rdap_rate_limit, 120);
        assert_eq!((s.drop_watch_per_second, s.drop_watch_per_minute), (5, 200));
        assert_eq!(s.registry_timeout, Duration::from_secs(3));
        assert_eq!(s.mail_from, "reclaim@127.0.0.1");
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("RECLAIM_RDAP_OVERRIDE", "fr")], "tld=value"),
            (
                &[("RECLAIM_RDAP_OVERRIDE", "fr=ftp://x")],
                "not an http(s) URL",
            ),
            (
                &[("RECLAIM_WHOIS_OVERRIDE", "de=host:port")],
                "not host:port",
            ),
            (
                &[("RECLAIM_RDAP_RATE_LIMIT", "0")],
                "not a positive whole number",
            ),
            (
                &[("RECLAIM_DROP_WATCH_PER_MINUTE", "0")],
                "RECLAIM_DROP_WATCH_PER_MINUTE is not valid",
            ),
            (
                &[("RECLAIM_REGISTRY_TIMEOUT", "soon")],
                "RECLAIM_REGISTRY_TIMEOUT",
            ),
            (
                &[("RECLAIM_LOOKALIKE_CHECKS", "many")],
                "'many' is not a number of checks from 0 to 10000",
            ),
        ];
        for (env, expected) in cases {
            let err = load(None, env).unwrap_err().to_string();
            assert!(err.contains(expected), "{env:?}: {err}");
        }
    }

    #[test]
    fn public_url_origin_and_https() {
        let url = PublicUrl::parse("https://reclaim.firm.example/app/").unwrap();
        assert_eq!(url.as_str(), "https://reclaim.firm.example/app");
        assert_eq!(url.origin(), "https://reclaim.firm.example");
        assert!(url.is_https());
        assert_eq!(url.join("/u/x"), "https://reclaim.firm.example/app/u/x");
        assert_eq!(url.host(), "reclaim.firm.example");
        assert_eq!(
            PublicUrl::parse("http://127.0.0.1:8080").unwrap().host(),
            "127.0.0.1"
        );
    }

    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            redact_url_password("postgres://app:s3cret@db:5432/reclaim"),
            "postgres://app:***@db:5432/reclaim"
        );
        assert_eq!(
            redact_url_password("sqlite://var/reclaim.db"),
            "sqlite://var/reclaim.db"
        );
        let debug = format!(
            "{:?}",
            Settings {
                secret_key: Some(SecretText::new("x".repeat(40))),
                ..Settings::default()
            }
        );
        assert!(!debug.contains("xxxx"), "{debug}");
    }
}
