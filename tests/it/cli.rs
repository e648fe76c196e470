//! The `reclaim` binary: configuration mistakes, first run, user and token commands.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest::Method;

use crate::helpers::{PASSWORD, api, spawn_app_with, test_database_url};

/// Starts a command and hands over its output (stdout and stderr) line by line, as it comes.
pub fn spawn_with_lines(command: &mut Command) -> (Child, mpsc::Receiver<String>) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let (tx, rx) = mpsc::channel::<String>();
    let out_tx = tx.clone();
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(out_tx.send(l)))
    });
    std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(tx.send(l)))
    });
    (child, rx)
}

/// The binary, run in `dir` with only the settings given (no inherited `RECLAIM_*`).
pub fn reclaim(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_reclaim"));
    command.current_dir(dir).args(args).stdin(Stdio::null());
    for (key, _) in std::env::vars() {
        if key.starts_with("RECLAIM_") {
            command.env_remove(key);
        }
    }
    command.env_remove("RUST_LOG");
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    reclaim(dir, env, args).output().expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn help_lists_the_commands_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &[], &["--help"]);
    assert!(output.status.success());
    let text = stdout(&output);
    for expected in [
        "serve",
        "migrate",
        "user",
        "token",
        "RECLAIM_DATABASE_URL",
        "RECLAIM_SECRET_KEY",
        "RECLAIM_JOBS",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
}

#[test]
fn a_malformed_database_url_stops_the_start_with_a_reason_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "mysql://root@db/reclaim",
            "uses the scheme 'mysql', which reclaim does not support",
        ),
        (
            "postgress://app:hunter2@db/reclaim",
            "did you mean postgres://?",
        ),
        ("postgres:///reclaim", "needs a host"),
        ("sqlite://", "no file path"),
        (
            "var/typo.db",
            "does not exist; to create a new database write it as sqlite://var/typo.db",
        ),
    ];
    for (url, message) in cases {
        let output = run(dir.path(), &[("RECLAIM_DATABASE_URL", url)], &["migrate"]);
        assert!(!output.status.success(), "{url}");
        let err = stderr(&output);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains(message), "{url}: {err}");
        assert!(!err.contains("hunter2"), "passwords are not printed: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    }
    assert!(!dir.path().join("var/typo.db").exists());
    assert!(!dir.path().join("postgress:").exists());
}

#[cfg(feature = "postgres")]
#[test]
fn an_unreachable_postgres_server_is_reported_not_replaced_by_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &[(
            "RECLAIM_DATABASE_URL",
            "postgres://reclaim@127.0.0.1:1/reclaim",
        )],
        &["migrate"],
    );
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("cannot open the database postgres://reclaim@127.0.0.1:1/reclaim"),
        "{err}"
    );
    let files: Vec<_> = std::fs::read_dir(dir.path().join("var"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        files.iter().all(|f| !f.to_string_lossy().ends_with(".db")),
        "no SQLite file: {files:?}"
    );
}

#[test]
fn an_unusable_var_directory_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("var");
    std::fs::write(&not_a_dir, "a file where the directory should be").unwrap();
    let output = run(dir.path(), &[], &["migrate"]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("the var directory var cannot be used"),
        "{err}"
    );
    assert!(err.contains("RECLAIM_VAR_DIR"), "{err}");
}

#[test]
fn a_mistake_in_reclaim_toml_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("reclaim.toml"),
        "databse_url = \"sqlite://x.db\"\n",
    )
    .unwrap();
    let output = run(dir.path(), &[], &["migrate"]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("reclaim.toml is not valid") && err.contains("databse_url"),
        "{err}"
    );

    std::fs::write(dir.path().join("reclaim.toml"), "bind = \"localhost\"\n").unwrap();
    let err = stderr(&run(dir.path(), &[], &["migrate"]));
    assert!(err.contains("RECLAIM_BIND is not valid"), "{err}");
}

#[test]
fn migrate_applies_once_then_reports_up_to_date_and_the_secret_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let url = test_database_url(dir.path());
    let env = [("RECLAIM_DATABASE_URL", url.as_str())];
    let first = run(dir.path(), &env, &["migrate"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count();
    assert!(
        stdout(&first).contains(&format!("Applied {migrations} migration(s)")),
        "{}",
        stdout(&first)
    );
    let second = run(dir.path(), &env, &["migrate"]);
    assert!(stdout(&second).contains("The database is up to date."));
    let key = std::fs::read_to_string(dir.path().join("var/secret.key")).unwrap();
    assert_eq!(key.trim().len(), 128);
}

/// Issue 14 (6): with an SMTP server configured the mailer's pool was built outside a runtime and
/// `migrate`, `user add` and `token create` aborted (exit 134).
#[test]
fn every_command_works_with_smtp_configured() {
    let dir = tempfile::tempdir().unwrap();
    let url = test_database_url(dir.path());
    // Nothing needs to listen: no command here sends mail.
    let env = [
        ("RECLAIM_DATABASE_URL", url.as_str()),
        ("RECLAIM_SMTP_URL", "smtp://127.0.0.1:2587"),
        ("RECLAIM_PASSWORD", PASSWORD),
    ];
    let commands: &[&[&str]] = &[
        &["migrate"],
        &[
            "user",
            "add",
            "--email",
            "ann@firm.example",
            "--name",
            "Ann Admin",
            "--role",
            "admin",
        ],
        &[
            "token",
            "create",
            "--user",
            "ann@firm.example",
            "--name",
            "scripts",
        ],
        &["jobs", "run", "outbox"],
    ];
    for args in commands {
        let output = run(dir.path(), &env, args);
        assert!(
            output.status.success(),
            "reclaim {}: {:?}\n{}",
            args.join(" "),
            output.status,
            stderr(&output)
        );
    }
}

#[tokio::test]
async fn user_add_and_token_create_give_a_working_api_token() {
    let dir = tempfile::tempdir().unwrap();
    let url = test_database_url(dir.path());
    let env = [
        ("RECLAIM_DATABASE_URL", url.as_str()),
        ("RECLAIM_PASSWORD", PASSWORD),
    ];
    let added = run(
        dir.path(),
        &env,
        &[
            "user",
            "add",
            "--email",
            "Ann@Firm.example",
            "--name",
            "Ann Admin",
            "--role",
            "admin",
        ],
    );
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(stdout(&added).contains("Created Ann Admin (ann@firm.example) as Administrator."));

    let again = run(
        dir.path(),
        &env,
        &[
            "user",
            "add",
            "--email",
            "ann@firm.example",
            "--name",
            "Ann",
            "--role",
            "admin",
        ],
    );
    assert!(!again.status.success());
    assert!(
        stderr(&again)
            .contains("An account with the e-mail address ann@firm.example already exists.")
    );

    let created = run(
        dir.path(),
        &env,
        &[
            "token",
            "create",
            "--user",
            "ann@firm.example",
            "--name",
            "ci",
        ],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let out = stdout(&created);
    let token = out.trim_end().lines().last().unwrap().to_owned();
    assert!(
        token.starts_with("rcl_"),
        "the token is the last line: {out}"
    );

    let unknown = run(
        dir.path(),
        &env,
        &["token", "create", "--user", "nobody@firm.example"],
    );
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("no user has the e-mail address nobody@firm.example"));

    // The same database served by the application accepts the token, and knows the admin.
    let var_dir = dir.path().join("var");
    let app = spawn_app_with(move |s| {
        s.database_url = url;
        s.var_dir = var_dir;
    })
    .await;
    assert!(app.setup_link.is_none(), "an admin exists: no setup link");
    let (status, me) = api(&app, Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "ann@firm.example");
    assert_eq!(me["role"], "admin");
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"user.created".to_owned())
            && actions.contains(&"token.created".to_owned())
    );
    drop(dir);
}

#[test]
fn user_add_explains_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let url = test_database_url(dir.path());
    let base = [
        "user",
        "add",
        "--email",
        "carl@acme.example",
        "--name",
        "Carl",
    ];
    type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![("RECLAIM_DATABASE_URL", &url)],
            vec!["--role", "lawyer"],
            "no password given: set RECLAIM_PASSWORD",
        ),
        (
            vec![
                ("RECLAIM_DATABASE_URL", &url),
                ("RECLAIM_PASSWORD", "short"),
            ],
            vec!["--role", "lawyer"],
            "RECLAIM_PASSWORD: Choose a password of at least 15 characters",
        ),
        (
            vec![
                ("RECLAIM_DATABASE_URL", &url),
                ("RECLAIM_PASSWORD", PASSWORD),
            ],
            vec!["--role", "client"],
            "a client user needs --client",
        ),
        (
            vec![
                ("RECLAIM_DATABASE_URL", &url),
                ("RECLAIM_PASSWORD", PASSWORD),
            ],
            vec!["--role", "client", "--client", "Acme"],
            "no client has the id or name 'Acme'",
        ),
        (
            vec![
                ("RECLAIM_DATABASE_URL", &url),
                ("RECLAIM_PASSWORD", PASSWORD),
            ],
            vec!["--role", "lawyer", "--client", "Acme"],
            "--client is only for client users",
        ),
    ];
    for (env, extra, message) in cases {
        let args: Vec<&str> = base.iter().copied().chain(extra.iter().copied()).collect();
        let output = run(dir.path(), &env, &args);
        assert!(!output.status.success(), "{message}");
        assert!(
            stderr(&output).contains(message),
            "{message}: {}",
            stderr(&output)
        );
    }
    let bad_role = run(
        dir.path(),
        &[("RECLAIM_DATABASE_URL", &url)],
        &[
            "user",
            "add",
            "--email",
            "a@b.example",
            "--name",
            "A",
            "--role",
            "owner",
        ],
    );
    assert_eq!(bad_role.status.code(), Some(2));
    assert!(stderr(&bad_role).contains("possible values: admin, lawyer, paralegal, client"));
}

#[test]
fn serve_on_an_empty_database_prints_a_working_setup_link() {
    let dir = tempfile::tempdir().unwrap();
    let url = test_database_url(dir.path());
    let (mut child, rx) = spawn_with_lines(&mut reclaim(
        dir.path(),
        &[
            ("RECLAIM_DATABASE_URL", &url),
            ("RECLAIM_BIND", "127.0.0.1:0"),
            ("RECLAIM_PUBLIC_URL", "https://reclaim.firm.example"),
            ("RECLAIM_LOG", "info"),
        ],
        &[],
    ));

    let (mut link, mut port) = (None, None);
    while link.is_none() || port.is_none() {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("output within 30 s");
        if let Some(at) = line.find("https://reclaim.firm.example/setup/") {
            link = Some(line[at..].trim().to_owned());
        }
        if let Some(at) = line.find("listening on port ") {
            let digits: String = line[at + 18..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            port = digits.parse::<u16>().ok();
        }
    }
    let path = link.unwrap().replace("https://reclaim.firm.example", "");
    let response = blocking_get(&format!("http://127.0.0.1:{}{path}", port.unwrap()));
    child.kill().unwrap();
    let _ = child.wait();
    let (status, body) = response;
    assert_eq!(status, 200);
    assert!(body.contains("Create the first administrator"));
}

/// A plain GET from a test without an async runtime.
fn blocking_get(url: &str) -> (u16, String) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let response = reqwest::get(url).await.expect("request sent");
        (response.status().as_u16(), response.text().await.unwrap())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn domain_check_prints_the_assessment_object() {
    use crate::registry_servers::{RdapServer, Reply, fixture};
    let rdap = RdapServer::start().await;
    rdap.set(
        "google.com",
        Reply::json(fixture("rdap/com_google.com_verisign.json")),
    );
    rdap.set("broken.com", Reply::status(503));
    let dir = tempfile::tempdir().unwrap();
    let url = test_database_url(dir.path());
    let overrides = format!("com={}", rdap.base);
    let env = [
        ("RECLAIM_DATABASE_URL", url.as_str()),
        ("RECLAIM_RDAP_OVERRIDE", overrides.as_str()),
        ("RECLAIM_REGISTRY_TIMEOUT", "2"),
    ];
    let output = run(
        dir.path(),
        &env,
        &["domain", "check", "GOOGLE.com", "--json"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    for key in [
        "domain",
        "unicode",
        "tld",
        "source",
        "registered",
        "statuses",
        "registrar",
        "expires_at",
        "phase",
        "drop_earliest",
        "drop_latest",
        "backorder_allowed",
        "backorder_note",
        "sha256",
    ] {
        assert!(json.get(key).is_some(), "{key} in {json}");
    }
    assert_eq!(json["domain"], "google.com");
    assert_eq!(json["source"], "rdap");
    assert_eq!(json["registered"], true);
    assert_eq!(json["statuses"][0], "clientDeleteProhibited");
    assert_eq!(json["expires_at"], "2028-09-14T04:00:00+00:00");
    assert_eq!(json["phase"], "active");
    assert_eq!(json["backorder_allowed"], true);
    assert_eq!(
        json["sha256"],
        "4d05d4a88cab1dd4e72061b4ce79b65eb54671e622d38bb124a957903f36cd3b"
    );

    let text = run(dir.path(), &env, &["domain", "check", "google.com"]);
    assert!(
        stdout(&text).contains("phase       Registered"),
        "{}",
        stdout(&text)
    );

    let unregistered = run(dir.path(), &env, &["domain", "check", "free.com", "--json"]);
    assert!(
        unregistered.status.success(),
        "an answer 'not registered' is still an answer"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&unregistered)).unwrap();
    assert_eq!(json["registered"], false);
    assert_eq!(json["phase"], "available");

    for (name, message) in [
        ("broken.com", "answered HTTP 503"),
        ("not a name", "contains a space"),
        ("example.jp", "no registry rules for .jp"),
    ] {
        let failed = run(dir.path(), &env, &["domain", "check", name, "--json"]);
        assert!(!failed.status.success(), "{name}");
        let err = stderr(&failed);
        assert!(
            err.starts_with("error: ") && err.contains(message),
            "{name}: {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(stdout(&failed).is_empty());
    }

    let jobs = run(dir.path(), &env, &["jobs", "run", "outbox"]);
    assert!(jobs.status.success(), "{}", stderr(&jobs));
    assert!(stdout(&jobs).contains("outbox: 0 message(s) sent"));
    let unknown = run(dir.path(), &env, &["jobs", "run", "coffee"]);
    assert!(stderr(&unknown).contains("there is no job 'coffee'"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_matter_writes_the_pdf_and_explains_mistakes() {
    let app = spawn_app_with(|_| {}).await;
    let lawyer = app
        .create_user(
            "lina@firm.example",
            reclaim::model::user::Role::Lawyer,
            None,
        )
        .await;
    let client = app.create_client("Cli Client").await;
    let (matter, reference) = app
        .open_matter(&client, &lawyer, "From the command line")
        .await;
    app.attach(&matter, "bücher.de").await;
    let dir = tempfile::tempdir().unwrap();
    let env = [("RECLAIM_DATABASE_URL", app.database_url.as_str())];
    let out = dir.path().join("report.pdf");
    let output = run(
        dir.path(),
        &env,
        &[
            "report",
            "matter",
            &reference,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("R-2026-0001"),
        "{}",
        stdout(&output)
    );
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(pages) = crate::reports::pdf_pages(&pdf) {
        assert!(pages.join("\n").contains("bücher.de"));
        assert!(pages.join("\n").contains(&reference));
    }

    for (args, message) in [
        (
            vec!["report", "matter", "M-1999-0001", "--out", "x.pdf"],
            "there is no matter M-1999-0001",
        ),
        (
            vec!["report", "matter", "matter one", "--out", "x.pdf"],
            "is not a matter reference",
        ),
        (
            vec![
                "report",
                "matter",
                reference.as_str(),
                "--out",
                "/no/such/dir/x.pdf",
            ],
            "does not exist",
        ),
    ] {
        let failed = run(dir.path(), &env, &args);
        assert!(!failed.status.success(), "{args:?}");
        assert!(
            stderr(&failed).contains(message),
            "{args:?}: {}",
            stderr(&failed)
        );
    }
}
