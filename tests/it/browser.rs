//! Browser tests: the real application driven in headless Chromium through chromedriver
//! (fantoccini, WebDriver). A person's flows, typed and clicked: sign-in, attaching names, the
//! conflict check, a UDRP's deadlines, outreach from draft to unsubscribe, a report download,
//! the client portal and two-factor sign-in.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them each test prints why it was
//! skipped, unless `RECLAIM_TEST_TOOLS=required` (as in `.ci/run`), which makes it fail.
//! One Chromium runs at a time. A failing flow leaves a screenshot and the page's HTML in
//! `target/browser-screenshots/`.

use std::error::Error;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use reclaim::auth::totp::{self, Secret};
use reclaim::model::user::Role;
use reclaim::repo::suppressions;
use reqwest::Method;
use serde_json::json;
use tempfile::TempDir;
use tokio::sync::{Mutex, MutexGuard};

use crate::helpers::{PASSWORD, TestApp, api, external_tool, spawn_app, spawn_app_with};
use crate::registry_servers::{RdapServer, Reply, fixture};
use crate::smtp_sink::SmtpSink;

type TestResult<T = ()> = Result<T, Box<dyn Error>>;

/// How long a page, an element or a text may take to appear (the machine has 2 cores and the
/// other tests run alongside).
const TIMEOUT: Duration = Duration::from_secs(20);

/// One Chromium at a time: the machine has 2 cores.
static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

// ---------------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------------

/// Chromium and chromedriver, or None (after saying why) when the test is to be skipped.
fn browser_tools(test: &str) -> Option<(PathBuf, PathBuf)> {
    let purpose = format!("browser test {test}");
    let chromium = external_tool(&["chromium", "chromium-browser"], "chromium", &purpose)?;
    let driver = external_tool(&["chromedriver"], "chromium-driver", &purpose)?;
    Some((chromium, driver))
}

/// A chromedriver process, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start(binary: &Path, dir: &Path) -> TestResult<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let log = dir.join("chromedriver.log");
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))?;
        let mut driver = Driver { child, port, log };
        let status = format!("http://127.0.0.1:{port}/status");
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Some(exit) = driver.child.try_wait()? {
                return Err(format!(
                    "chromedriver exited ({exit}) before answering: {}",
                    std::fs::read_to_string(&driver.log).unwrap_or_default()
                )
                .into());
            }
            if let Ok(r) = http.get(&status).send().await
                && r.status().is_success()
            {
                return Ok(driver);
            }
            if started.elapsed() > TIMEOUT {
                return Err(
                    format!("chromedriver did not answer on {status} within {TIMEOUT:?}").into(),
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A headless Chromium session (with its own fresh profile) and the app it talks to.
struct Session {
    test: &'static str,
    client: Client,
    base: String,
    // Dropped in this order: the driver (and its Chromium), the profile, then the turn.
    _driver: Driver,
    _profile: TempDir,
    _turn: MutexGuard<'static, ()>,
}

impl Session {
    /// Starts chromedriver and Chromium for `test`, or returns None when the test is skipped.
    /// Call it once the data is set up, just before [`Session::run`], which closes the session
    /// (a session never run leaves it to chromedriver's exit).
    async fn start(test: &'static str, app: &TestApp) -> Option<Self> {
        let (chromium, chromedriver) = browser_tools(test)?;
        let turn = ONE_BROWSER.lock().await;
        let profile = tempfile::tempdir().expect("a temporary directory");
        let driver = Driver::start(&chromedriver, profile.path())
            .await
            .unwrap_or_else(|e| panic!("browser test {test}: {e}"));
        let user_data = profile.path().join("profile");
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--window-size=1280,1000".to_owned(),
            // Date fields are typed month/day/year.
            "--lang=en-US".to_owned(),
            format!("--user-data-dir={}", user_data.display()),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".to_owned(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({"binary": chromium, "args": args}),
        );
        let client = ClientBuilder::rustls()
            .expect("rustls for fantoccini")
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "browser test {test}: no Chromium session ({e}); chromedriver's log: {}",
                    std::fs::read_to_string(&driver.log).unwrap_or_default()
                )
            });
        Some(Self {
            test,
            client,
            base: app.address.clone(),
            _driver: driver,
            _profile: profile,
            _turn: turn,
        })
    }

    /// Runs a flow; if it fails (an error or a panic), saves a screenshot and the page's HTML,
    /// then fails the test. The browser session is closed either way.
    async fn run(&self, flow: impl Future<Output = TestResult>) {
        let outcome = AssertUnwindSafe(flow).catch_unwind().await;
        if !matches!(outcome, Ok(Ok(()))) {
            self.save_evidence().await;
        }
        let _ = self.client.clone().close().await;
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("browser test {} failed: {e}", self.test),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    async fn save_evidence(&self) {
        let dir = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
            .join("browser-screenshots");
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!(
                "browser test {}: cannot create {}: {e}",
                self.test,
                dir.display()
            );
            return;
        }
        let url = self
            .client
            .current_url()
            .await
            .map_or_else(|e| format!("unknown ({e})"), |u| u.to_string());
        eprintln!("browser test {} failed on {url}", self.test);
        let png = dir.join(format!("{}.png", self.test));
        match self.client.screenshot().await {
            Ok(bytes) => match std::fs::write(&png, bytes) {
                Ok(()) => eprintln!("  screenshot: {}", png.display()),
                Err(e) => eprintln!("  screenshot not written to {}: {e}", png.display()),
            },
            Err(e) => eprintln!("  no screenshot: {e}"),
        }
        let html = dir.join(format!("{}.html", self.test));
        match self.client.source().await {
            Ok(source) => match std::fs::write(&html, source) {
                Ok(()) => eprintln!("  page source: {}", html.display()),
                Err(e) => eprintln!("  page source not written to {}: {e}", html.display()),
            },
            Err(e) => eprintln!("  no page source: {e}"),
        }
    }

    // -- helpers ------------------------------------------------------------------------------

    async fn goto(&self, path: &str) -> TestResult {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    /// The path of the page shown (with its query, if any).
    async fn path(&self) -> TestResult<String> {
        let url = self.client.current_url().await?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// Waits for an element.
    async fn find(&self, css: &str) -> TestResult<Element> {
        match self
            .client
            .wait()
            .at_most(TIMEOUT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => Ok(e),
            Err(e) => Err(format!("no element {css} on {} ({e})", self.path().await?).into()),
        }
    }

    /// Whether an element is on the page now (no waiting).
    async fn has(&self, css: &str) -> TestResult<bool> {
        Ok(!self.client.find_all(Locator::Css(css)).await?.is_empty())
    }

    /// The visible text of an element.
    async fn text(&self, css: &str) -> TestResult<String> {
        let element = self.find(css).await?;
        Ok(element
            .text()
            .await
            .map_err(|e| format!("reading the text of {css}: {e}"))?)
    }

    async fn body_text(&self) -> TestResult<String> {
        self.text("body").await
    }

    /// The current value of a form field.
    async fn value(&self, css: &str) -> TestResult<String> {
        let field = self.find(css).await?;
        Ok(field
            .prop("value")
            .await
            .map_err(|e| format!("reading the value of {css}: {e}"))?
            .unwrap_or_default())
    }

    /// Clears a field and types into it.
    async fn fill(&self, css: &str, text: &str) -> TestResult {
        let field = self.find(css).await?;
        field
            .clear()
            .await
            .map_err(|e| format!("clearing {css}: {e}"))?;
        field
            .send_keys(text)
            .await
            .map_err(|e| format!("typing into {css}: {e}"))?;
        Ok(())
    }

    /// Types a date (YYYY-MM-DD) into an `<input type="date">` as a person would, in the
    /// en-US order the browser is started with.
    async fn fill_date(&self, css: &str, iso: &str) -> TestResult {
        let (y, md) = iso.split_once('-').ok_or("a YYYY-MM-DD date")?;
        let (m, d) = md.split_once('-').ok_or("a YYYY-MM-DD date")?;
        let field = self.find(css).await?;
        field.click().await?;
        field.send_keys(&format!("{m}{d}{y}")).await?;
        let typed = self.value(css).await?;
        if typed != iso {
            return Err(format!("typed {iso} into {css} but the field holds '{typed}'").into());
        }
        Ok(())
    }

    /// Chooses an option of a `<select>` by its value.
    async fn select(&self, css: &str, value: &str) -> TestResult {
        let select = self.find(css).await?;
        select
            .select_by_value(value)
            .await
            .map_err(|e| format!("choosing {value} in {css}: {e}"))?;
        Ok(())
    }

    async fn click(&self, css: &str) -> TestResult {
        let element = self.find(css).await?;
        element
            .click()
            .await
            .map_err(|e| format!("clicking {css}: {e}"))?;
        Ok(())
    }

    /// Clicks what loads a new page (a submit button, a link) and waits for that page.
    async fn click_and_load(&self, css: &str) -> TestResult {
        let target = self.find(css).await?;
        self.click_element_and_load(target, css).await
    }

    /// Follows the link with exactly this text.
    async fn follow_link(&self, text: &str) -> TestResult {
        let link = match self
            .client
            .wait()
            .at_most(TIMEOUT)
            .for_element(Locator::LinkText(text))
            .await
        {
            Ok(l) => l,
            Err(e) => {
                return Err(format!("no link '{text}' on {} ({e})", self.path().await?).into());
            }
        };
        self.click_element_and_load(link, text).await
    }

    async fn click_element_and_load(&self, target: Element, what: &str) -> TestResult {
        let old_page = self.client.find(Locator::Css("html")).await?;
        target
            .click()
            .await
            .map_err(|e| format!("clicking {what}: {e}"))?;
        // The old page's root goes stale once the new page replaced it. While the documents
        // change, chromedriver may also answer "no such element" or an inspector error such as
        // "Node with given id does not belong to the document": gone all the same.
        let started = Instant::now();
        loop {
            match old_page.tag_name().await {
                Err(CmdError::Standard(_)) => break,
                Err(e) => {
                    return Err(format!("waiting for the page after clicking {what}: {e}").into());
                }
                Ok(_) if started.elapsed() > TIMEOUT => {
                    return Err(
                        format!("clicking {what} loaded no new page within {TIMEOUT:?}").into(),
                    );
                }
                Ok(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        self.wait_loaded().await
    }

    async fn wait_loaded(&self) -> TestResult {
        let started = Instant::now();
        loop {
            let state = self
                .client
                .execute("return document.readyState", Vec::new())
                .await;
            match state {
                Ok(s) if s == "complete" => return Ok(()),
                Ok(_) | Err(CmdError::Standard(_)) if started.elapsed() < TIMEOUT => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Ok(s) => return Err(format!("the page is still '{s}' after {TIMEOUT:?}").into()),
                Err(e) => return Err(format!("waiting for the page to load: {e}").into()),
            }
        }
    }

    /// Waits until the page's text contains `text`.
    async fn wait_for_text(&self, text: &str) -> TestResult {
        let started = Instant::now();
        loop {
            let body = self.body_text().await?;
            if body.contains(text) {
                return Ok(());
            }
            if started.elapsed() > TIMEOUT {
                return Err(format!(
                    "'{text}' did not appear on {} within {TIMEOUT:?}; the page says:\n{body}",
                    self.path().await?
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Signs in through the form; returns once the next page is loaded.
    async fn sign_in(&self, email: &str, password: &str) -> TestResult {
        self.goto("/login").await?;
        self.fill("#email", email).await?;
        self.fill("#password", password).await?;
        self.click_and_load("form[action='/login'] button[type='submit']")
            .await
    }

    async fn sign_out(&self) -> TestResult {
        self.click_and_load("form[action='/logout'] button").await?;
        self.wait_for_text("Sign in").await
    }

    /// The `Cookie` header that carries this browser's session.
    async fn session_cookie(&self) -> TestResult<String> {
        let cookies = self.client.get_all_cookies().await?;
        let session = cookies
            .iter()
            .find(|c| c.name() == "reclaim_session")
            .ok_or("the browser holds no reclaim_session cookie")?;
        Ok(format!("{}={}", session.name(), session.value()))
    }
}

// ---------------------------------------------------------------------------------------------
// a + b: sign in, open a matter, attach names, ask the registry
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn sign_in_open_a_matter_attach_a_name_and_ask_the_registry() {
    let rdap = RdapServer::start().await;
    let base = rdap.base.clone();
    let app = spawn_app_with(move |s| {
        s.rdap_overrides.insert("com".to_owned(), base.clone());
        s.registry_timeout = Duration::from_secs(2);
        s.rdap_rate_limit = 60_000;
    })
    .await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let (matter, reference) = app.open_matter(&acme, &lea, "Recovery of Acme names").await;
    rdap.set(
        "acme-redemption.com",
        Reply::json(fixture(
            "rdap/lol_redemption.lol_pending-delete_redemption-period.json",
        )),
    );
    let Some(s) = Session::start(
        "sign_in_open_a_matter_attach_a_name_and_ask_the_registry",
        &app,
    )
    .await
    else {
        return;
    };
    s.run(sign_in_attach_and_check(
        &s,
        &rdap,
        &matter.to_string(),
        &reference,
    ))
    .await;
}

async fn sign_in_attach_and_check(
    s: &Session,
    rdap: &RdapServer,
    matter: &str,
    reference: &str,
) -> TestResult {
    // A wrong password: the error is shown and the address kept.
    s.sign_in("lea@firm.example", "not the right password")
        .await?;
    assert_eq!(s.path().await?, "/login");
    let error = s.text("#login-error").await?;
    assert!(
        error.contains("The e-mail address or password is incorrect."),
        "{error}"
    );
    assert_eq!(
        s.value("#email").await?,
        "lea@firm.example",
        "the address is kept"
    );
    assert_eq!(
        s.value("#password").await?,
        "",
        "the password is not sent back"
    );

    // The right password, typed again: the dashboard.
    s.fill("#password", PASSWORD).await?;
    s.click_and_load("form[action='/login'] button[type='submit']")
        .await?;
    assert_eq!(s.path().await?, "/");
    assert_eq!(s.text("h1").await?, "Good to see you, Lea");
    assert!(!s.has("#login-error").await?);

    // Matters, then the matter.
    s.click_and_load("nav a[href='/matters']").await?;
    assert_eq!(s.path().await?, "/matters");
    s.follow_link(reference).await?;
    assert_eq!(s.path().await?, format!("/matters/{matter}"));
    assert_eq!(
        s.text("h1").await?,
        format!("{reference} · Recovery of Acme names")
    );
    assert!(s.body_text().await?.contains("No name attached yet."));

    // A name that is not one: the error is next to the field, what was typed is kept.
    s.fill("#domain", "acme redemption.com").await?;
    s.click_and_load("form[action$='/backorders'] button[type='submit']")
        .await?;
    let error = s.text("#domain-error").await?;
    assert!(error.contains("contains a space"), "{error}");
    assert_eq!(s.value("#domain").await?, "acme redemption.com");
    assert_eq!(
        s.find("#domain").await?.attr("aria-describedby").await?,
        Some("domain-error".to_owned())
    );
    assert!(s.body_text().await?.contains("No name attached yet."));

    // Typed right: attached and listed.
    s.fill("#domain", "Acme-Redemption.com").await?;
    s.click_and_load("form[action$='/backorders'] button[type='submit']")
        .await?;
    s.wait_for_text(&format!(
        "acme-redemption.com is now watched for matter {reference}."
    ))
    .await?;
    assert!(!s.has("#domain-error").await?);
    assert_eq!(s.value("#domain").await?, "", "the form is empty again");

    // The backorder: not asked yet; "Ask the registry now" gives the assessment.
    s.follow_link("acme-redemption.com").await?;
    assert!(s.path().await?.starts_with("/backorders/"));
    assert!(
        s.body_text()
            .await?
            .contains("The registry has not been asked yet.")
    );
    assert!(!s.has("#registry .phase-redemption").await?);
    assert_eq!(rdap.hits("acme-redemption.com"), 0);
    s.click_and_load("#registry form[action$='/check'] button")
        .await?;
    assert_eq!(
        rdap.hits("acme-redemption.com"),
        1,
        "the registry was asked"
    );
    let flash = s.text(".flash").await?;
    assert!(
        flash.starts_with("The registry was asked just now: Deleted, in redemption."),
        "{flash}"
    );
    assert_eq!(
        s.text("#registry .status.phase-redemption").await?,
        "Deleted, in redemption"
    );
    assert!(
        !s.body_text()
            .await?
            .contains("The registry has not been asked yet."),
        "the answer is kept"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// c: the conflict of interest check
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_name_sought_for_another_client_needs_the_conflict_confirmed() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let beta = app.create_client("Beta Industries").await;
    let (beta_matter, beta_ref) = app.open_matter(&beta, &lea, "Beta's names").await;
    app.attach(&beta_matter, "shared-name.com").await;
    let acme = app.create_client("Acme").await;
    let (acme_matter, _) = app.open_matter(&acme, &lea, "Acme's names").await;
    let Some(s) = Session::start(
        "a_name_sought_for_another_client_needs_the_conflict_confirmed",
        &app,
    )
    .await
    else {
        return;
    };
    s.run(conflict_check(
        &s,
        &app,
        &acme_matter.to_string(),
        &beta_ref,
    ))
    .await;
}

async fn conflict_check(s: &Session, app: &TestApp, matter: &str, other_ref: &str) -> TestResult {
    s.sign_in("lea@firm.example", PASSWORD).await?;
    s.goto(&format!("/matters/{matter}")).await?;
    assert!(!s.has("#conflict-warning").await?);
    assert!(!s.has("input[name='confirm_conflict']").await?);

    s.fill("#domain", "Shared-Name.com").await?;
    s.click_and_load("form[action$='/backorders'] button[type='submit']")
        .await?;
    let warning = s.text("#conflict-warning").await?;
    assert!(
        warning.contains("Conflict of interest check.")
            && warning.contains(&format!("{other_ref} for Beta Industries")),
        "{warning}"
    );
    assert_eq!(
        s.value("#domain").await?,
        "Shared-Name.com",
        "kept as typed"
    );
    assert!(s.body_text().await?.contains("No name attached yet."));
    let attached = {
        let m = reclaim::model::ids::MatterId::parse(matter).unwrap();
        app.state
            .db
            .run(move |c| reclaim::repo::backorders::for_matter(c, &m))
            .await
            .unwrap()
    };
    assert!(
        attached.is_empty(),
        "nothing attached before the confirmation"
    );

    let confirm = s.find("input[name='confirm_conflict']").await?;
    assert!(!confirm.is_selected().await?, "not ticked for the lawyer");
    confirm.click().await?;
    assert!(confirm.is_selected().await?);
    s.click_and_load("form[action$='/backorders'] button[type='submit']")
        .await?;
    s.wait_for_text("shared-name.com is now watched for matter")
        .await?;
    assert!(!s.has("#conflict-warning").await?);
    let row = s.text("table tbody tr").await?;
    assert!(
        row.contains("shared-name.com") && row.contains("conflict checked"),
        "{row}"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"backorder.conflict_confirmed".to_owned())
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// d: a UDRP, its commencement and the response deadline
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_udrp_is_opened_commenced_and_its_response_deadline_marked_done() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme Brands").await;
    let (matter, reference) = app
        .open_matter(&acme, &lea, "Recover acme-brands.com")
        .await;
    app.attach(&matter, "acme-brands.com").await;
    let Some(s) = Session::start(
        "a_udrp_is_opened_commenced_and_its_response_deadline_marked_done",
        &app,
    )
    .await
    else {
        return;
    };
    s.run(udrp_deadlines(&s, &matter.to_string(), &reference))
        .await;
}

async fn udrp_deadlines(s: &Session, matter: &str, reference: &str) -> TestResult {
    s.sign_in("lea@firm.example", PASSWORD).await?;
    s.goto(&format!("/matters/{matter}")).await?;
    assert!(s.text("#procedures").await?.contains("No procedure."));
    s.follow_link("Start a procedure").await?;
    assert_eq!(s.path().await?, format!("/matters/{matter}/procedures/new"));

    s.select("#kind", "udrp").await?;
    let name = s
        .find("input[name='domains'][value='acme-brands.com']")
        .await?;
    if !name.is_selected().await? {
        name.click().await?;
    }
    s.fill("#case_number", "D2026-0101").await?;
    s.fill("#registrar_country", "US").await?;
    s.click_and_load("form[action$='/procedures'] button[type='submit']")
        .await?;
    assert!(s.path().await?.starts_with("/procedures/"));
    let title = s.text("h1").await?;
    assert!(title.contains("UDRP D2026-0101 (WIPO)"), "{title}");
    assert!(
        s.text("#deadlines").await?.contains("No deadline yet"),
        "nothing is due before an event"
    );

    // The provider's notice: the proceeding commenced on Friday 6 November.
    s.select("#event-kind", "commenced").await?;
    s.fill_date("#event-date", "2026-11-06").await?;
    s.fill("#event-note", "WIPO notification of commencement")
        .await?;
    s.click_and_load("form[action$='/events'] button[type='submit']")
        .await?;
    let events = s.text("#events").await?;
    assert!(
        events.contains("WIPO notification of commencement"),
        "{events}"
    );
    // UDRP Rules 5(a): the response is due 20 calendar days after commencement.
    let r5a = "#deadlines tr[data-rule='UDRP.R5a']";
    let row = s.text(r5a).await?;
    assert!(row.contains("Thu 26 Nov 2026"), "{row}");
    assert!(row.contains("20 calendar days after commenced"), "{row}");
    assert!(row.ends_with("running"), "{row}");

    // Marked done.
    s.click_and_load(&format!(
        "{r5a} + tr.row-actions form[action$='/done'] button"
    ))
    .await?;
    let flash = s.text(".flash").await?;
    assert!(flash.ends_with("marked done."), "{flash}");
    let row = s.text(r5a).await?;
    assert!(row.ends_with("done") && !row.ends_with("not done"), "{row}");
    assert!(
        s.has(&format!("{r5a} + tr.row-actions form[action$='/undone']"))
            .await?
    );
    assert!(
        !s.has(&format!("{r5a} + tr.row-actions form[action$='/done']"))
            .await?
    );

    // The matter shows the procedure.
    s.follow_link(reference).await?;
    assert!(
        s.text("#procedures")
            .await?
            .contains("UDRP D2026-0101 (WIPO)")
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// e: outreach from the draft to the holder's unsubscribe
// ---------------------------------------------------------------------------------------------

/// The DKIM key of the test firm (an Ed25519 seed, as in outreach.rs).
const DKIM_SEED: [u8; 32] = [42; 32];
const PUBLIC_URL: &str = "https://reclaim.firm.example";

#[tokio::test]
async fn outreach_is_fixed_approved_by_another_lawyer_sent_and_unsubscribed() {
    let sink = SmtpSink::start();
    let smtp = sink.url();
    let app = spawn_app_with(move |s| {
        s.smtp_url = Some(smtp);
        s.public_url = reclaim::config::PublicUrl::parse(PUBLIC_URL).unwrap();
        s.mail_from = "reclaim@firm.example".to_owned();
    })
    .await;
    let admin = app
        .create_user("ada.admin@cabinet-martin.example", Role::Admin, None)
        .await;
    let lina = app
        .create_user("lina.lawyer@cabinet-martin.example", Role::Lawyer, None)
        .await;
    app.create_user("marc.lawyer@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&admin).await;
    let (status, body) = api(
        &app,
        Method::POST,
        "/api/v1/sender-profiles",
        Some(&token),
        Some(json!({
            "legal_name": "Cabinet Martin Avocats SELARL",
            "postal_address": "12 rue de la Paix\n75002 Paris\nFrance",
            "phone": "+33 1 23 45 67 89",
            "from_email": "domains@cabinet-martin.example",
            "from_name": "Cabinet Martin",
            "reply_to": "team@cabinet-martin.example",
            "dkim_selector": "reclaim2026",
            "dkim_private_key": base64::engine::general_purpose::STANDARD.encode(DKIM_SEED),
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let client = app.create_client("Acme Brands").await;
    let (matter, _) = app
        .open_matter(&client, &lina, "Recover acme-brands.com")
        .await;
    let backorder = app.attach(&matter, "acme-brands.com").await;
    let Some(s) = Session::start(
        "outreach_is_fixed_approved_by_another_lawyer_sent_and_unsubscribed",
        &app,
    )
    .await
    else {
        return;
    };
    s.run(outreach(&s, &app, &sink, &backorder.to_string()))
        .await;
}

async fn outreach(s: &Session, app: &TestApp, sink: &SmtpSink, backorder: &str) -> TestResult {
    const RELAY: &str = "acme-brands.com@relay.registrar.example";

    // Lina drafts, with the registrant's address copied from WHOIS.
    s.sign_in("lina.lawyer@cabinet-martin.example", PASSWORD)
        .await?;
    s.goto(&format!("/backorders/{backorder}")).await?;
    s.follow_link("Write to the holder").await?;
    assert!(s.path().await?.ends_with("/outreach/new"));
    assert!(
        s.value("#subject").await?.contains("acme-brands.com"),
        "the template fills the subject"
    );
    s.fill("#to", "registrant@acme-holder.example").await?;
    s.select("#address_source", "registry_data").await?;
    s.click_and_load("form[action$='/outreach'] button[type='submit']")
        .await?;
    let path = s.path().await?;
    let id = path
        .strip_prefix("/outreach/")
        .ok_or_else(|| format!("the draft is shown at /outreach/{{id}}, not {path}"))?
        .to_owned();

    // The gate blocks it, says why, and offers no way to send it.
    let source = "#checks li[data-check='address_source']";
    assert_eq!(
        s.find(source).await?.attr("class").await?.as_deref(),
        Some("check-blocking")
    );
    assert!(
        s.text(source)
            .await?
            .contains("ICANN WHOIS Marketing Restriction Policy")
    );
    assert_eq!(blocking_checks(s).await?, ["address_source", "approved"]);
    assert!(
        s.text("#checks")
            .await?
            .contains("This message cannot be sent until every ✗ is resolved.")
    );
    assert!(!s.has("form[action$='/send']").await?, "no send button");
    assert!(
        !s.has("form[action$='/approve']").await?,
        "the drafter cannot approve"
    );

    // She writes through the registrar's relay instead.
    s.click("details summary").await?;
    s.fill("#to", RELAY).await?;
    s.select("#address_source", "registrar_relay").await?;
    s.click_and_load(&format!(
        "form[action='/outreach/{id}'] button[type='submit']"
    ))
    .await?;
    assert_eq!(
        s.find(source).await?.attr("class").await?.as_deref(),
        Some("check-passed")
    );
    assert_eq!(
        blocking_checks(s).await?,
        ["approved"],
        "only the approval is missing"
    );
    let verdict = s.text("#gate-verdict").await?;
    assert!(
        verdict.starts_with("Every compliance check passes.") && verdict.contains("approve"),
        "{verdict}"
    );
    assert!(s.text("#preview").await?.contains(RELAY));

    // Marc, another lawyer, approves and sends.
    s.sign_out().await?;
    s.sign_in("marc.lawyer@cabinet-martin.example", PASSWORD)
        .await?;
    s.goto(&format!("/outreach/{id}")).await?;
    assert!(
        !s.has("form[action$='/send']").await?,
        "not before approval"
    );
    s.click_and_load("form[action$='/approve'] button").await?;
    assert!(blocking_checks(s).await?.is_empty());
    assert!(
        !s.text("#checks")
            .await?
            .contains("This message cannot be sent until")
    );
    s.click_and_load("form[action$='/send'] button").await?;
    assert_eq!(s.text("h1 .status").await?, "queued");
    assert!(sink.messages().is_empty(), "the outbox sends it");

    let ran = reclaim::jobs::run(&app.state, "outbox").await?;
    assert!(ran.starts_with("1 message(s) sent"), "{ran}");
    let received = sink.wait_for(1).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, vec![RELAY.to_owned()]);
    let header = received[0]
        .header("List-Unsubscribe")
        .ok_or("no List-Unsubscribe header")?;
    let link = header
        .split(['<', '>'])
        .find(|part| part.starts_with(&format!("{PUBLIC_URL}/u/")))
        .ok_or_else(|| format!("no https link in List-Unsubscribe: {header}"))?
        .to_owned();
    assert!(
        received[0].body().contains(&link),
        "the link is in the text too"
    );
    s.goto(&format!("/outreach/{id}")).await?;
    assert_eq!(s.text("h1 .status").await?, "sent");

    // The holder opens the link (no cookie of the firm's) and confirms.
    s.client.delete_all_cookies().await?;
    let path = link.strip_prefix(PUBLIC_URL).unwrap();
    s.goto(path).await?;
    assert_eq!(s.text("h1").await?, "Stop these messages");
    let suppressed = || async {
        app.state
            .db
            .run(|c| suppressions::is_suppressed(c, RELAY))
            .await
            .unwrap()
    };
    assert!(!suppressed().await, "opening the link does not unsubscribe");
    s.click_and_load("form[action^='/u/'] button[type='submit']")
        .await?;
    assert_eq!(s.text("h1").await?, "You are unsubscribed");
    assert!(suppressed().await, "the address is on the suppression list");
    Ok(())
}

/// The ids of the compliance checks shown as blocking (✗) on an outreach page.
async fn blocking_checks(s: &Session) -> TestResult<Vec<String>> {
    let mut ids = Vec::new();
    for check in s
        .client
        .find_all(Locator::Css("#checks li.check-blocking"))
        .await?
    {
        ids.push(check.attr("data-check").await?.unwrap_or_default());
    }
    Ok(ids)
}

// ---------------------------------------------------------------------------------------------
// f: a report, downloaded with the browser's session
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_report_is_generated_on_the_matter_page_and_downloads_as_a_pdf() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let (matter, reference) = app.open_matter(&acme, &lea, "Recovery").await;
    app.attach(&matter, "acme-report.com").await;
    let Some(s) = Session::start(
        "a_report_is_generated_on_the_matter_page_and_downloads_as_a_pdf",
        &app,
    )
    .await
    else {
        return;
    };
    s.run(report_download(&s, &app, &matter.to_string(), &reference))
        .await;
}

async fn report_download(s: &Session, app: &TestApp, matter: &str, reference: &str) -> TestResult {
    s.sign_in("lea@firm.example", PASSWORD).await?;
    s.goto(&format!("/matters/{matter}")).await?;
    assert!(s.text("#matter-reports").await?.contains("No report yet."));
    s.click_and_load("form[action$='/reports'] button").await?;
    let flash = s.text(".flash").await?;
    assert!(flash.starts_with("Report R-2026-0001 generated"), "{flash}");
    let link = s.find("#matter-reports a[href$='.pdf']").await?;
    assert_eq!(link.text().await?, "R-2026-0001");
    let href = link.prop("href").await?.ok_or("the link has no href")?;
    assert!(href.starts_with(&app.address), "{href}");

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let anonymous = http.get(&href).send().await?;
    assert_ne!(anonymous.status().as_u16(), 200, "not without the session");
    let response = http
        .get(&href)
        .header(reqwest::header::COOKIE, s.session_cookie().await?)
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()?
            .starts_with("attachment;")
    );
    let pdf = response.bytes().await?;
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    if let Some(pages) = crate::reports::pdf_pages(&pdf) {
        let text = pages.join("\n");
        assert!(
            text.contains(reference) && text.contains("acme-report.com"),
            "the report is the matter's: {text}"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// g: the client portal
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_client_user_sees_their_own_matter_and_not_another_clients() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let beta = app.create_client("Beta Industries").await;
    let (own, own_ref) = app.open_matter(&acme, &lea, "Acme's names").await;
    app.attach(&own, "acme-portal.fr").await;
    let (other, other_ref) = app.open_matter(&beta, &lea, "Beta's names").await;
    app.attach(&other, "beta-portal.fr").await;
    app.create_user("carl@acme.example", Role::Client, Some(&acme))
        .await;
    let Some(s) = Session::start(
        "a_client_user_sees_their_own_matter_and_not_another_clients",
        &app,
    )
    .await
    else {
        return;
    };
    s.run(client_portal(&s, &own_ref, &other.to_string(), &other_ref))
        .await;
}

async fn client_portal(s: &Session, own_ref: &str, other: &str, other_ref: &str) -> TestResult {
    s.sign_in("carl@acme.example", PASSWORD).await?;
    assert_eq!(s.path().await?, "/");
    assert!(
        s.body_text()
            .await?
            .contains("This is Acme's space at the firm.")
    );
    s.click_and_load("nav a[href='/matters']").await?;
    let list = s.text("table").await?;
    assert!(
        list.contains(own_ref) && list.contains("Acme's names"),
        "{list}"
    );
    assert!(
        !list.contains(other_ref) && !list.contains("Beta"),
        "{list}"
    );
    s.follow_link(own_ref).await?;
    let page = s.body_text().await?;
    assert!(page.contains("acme-portal.fr"), "{page}");
    assert!(!s.has("#domain").await?, "a client user attaches nothing");

    s.goto(&format!("/matters/{other}")).await?;
    let page = s.body_text().await?;
    assert!(
        page.contains("No such matter, or you do not have access to it.")
            && page.contains("Error 404"),
        "{page}"
    );
    assert!(!page.contains("beta-portal.fr") && !page.contains("Beta's names"));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Two-factor sign-in: set up on the account page, then asked after the password
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn two_factor_sign_in_is_set_up_on_the_account_page_and_asked_after_the_password() {
    let app = spawn_app().await;
    app.create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let Some(s) = Session::start(
        "two_factor_sign_in_is_set_up_on_the_account_page_and_asked_after_the_password",
        &app,
    )
    .await
    else {
        return;
    };
    s.run(two_factor(&s, &app)).await;
}

async fn two_factor(s: &Session, app: &TestApp) -> TestResult {
    s.sign_in("lea@firm.example", PASSWORD).await?;
    s.goto("/account").await?;
    s.click_and_load("form[action='/account/two-factor/start'] button")
        .await?;
    assert!(s.has("#two-factor-qr svg").await?, "a QR code to scan");
    let secret = Secret::from_base32(&s.text("#two-factor-secret").await?)
        .ok_or("the key shown for manual entry is not base32")?;
    let code = totp::code_at(&secret, app.clock_now().timestamp());
    s.fill("#two_factor_code", &code).await?;
    s.click_and_load("form[action='/account/two-factor/confirm'] button")
        .await?;
    let shown = s.text("#recovery-codes").await?;
    assert!(shown.contains("Your recovery codes"), "{shown}");
    assert!(
        s.body_text()
            .await?
            .contains("After your password, signing in asks for the code")
    );
    s.sign_out().await?;

    // A code is good once: the next one comes with the next 30-second step.
    app.clock
        .advance(chrono::Duration::seconds(totp::STEP_SECS));
    s.sign_in("lea@firm.example", PASSWORD).await?;
    assert_eq!(s.path().await?, "/login/code");
    s.fill(
        "#code",
        &totp::code_at(&secret, app.clock_now().timestamp()),
    )
    .await?;
    s.click_and_load("form[action='/login/code'] button[type='submit']")
        .await?;
    assert_eq!(s.path().await?, "/");
    s.goto("/account").await?;
    assert!(s.body_text().await?.contains("lea@firm.example"));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The demo firm: keyboard, sortable and filterable tables, local times, the provider's zone, and
// the phone layout
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_demo_firm_works_by_keyboard_sorts_filters_shows_local_times_and_fits_a_phone() {
    let (app, registry) = crate::demo::demo_app().await;
    let firm = reclaim::demo::load(&app.state, &registry)
        .await
        .expect("the demo loads");
    let ines = firm
        .accounts
        .iter()
        .find(|a| a.email.starts_with("ines"))
        .expect("Inès")
        .clone();
    let (matter, udrp) = app
        .state
        .db
        .run(|c| {
            let list =
                reclaim::repo::matters::list(c, &Default::default(), &Default::default())?.rows;
            let northwind = list
                .iter()
                .find(|m| m.client_name.starts_with("Northwind"))
                .map(|m| m.matter.id.to_string())
                .unwrap_or_default();
            let helios = list
                .iter()
                .find(|m| m.client_name.starts_with("Helios"))
                .map(|m| m.matter.id.clone())
                .expect("the Helios matter");
            let udrp = reclaim::repo::procedures::for_matter(c, &helios)?
                .into_iter()
                .find(|p| p.provider == "WIPO")
                .map(|p| p.id.to_string())
                .unwrap_or_default();
            Ok::<_, reclaim::db::DbError>((northwind, udrp))
        })
        .await
        .unwrap();
    let Some(s) = Session::start("the_demo_firm_works_by_keyboard", &app).await else {
        return;
    };
    s.run(demo_ui(&s, &ines.email, &ines.password, &matter, &udrp))
        .await;
}

async fn demo_ui(s: &Session, email: &str, password: &str, matter: &str, udrp: &str) -> TestResult {
    s.sign_in(email, password).await?;
    assert!(
        s.has("#attention-deadlines").await?,
        "the dashboard opens on today's work"
    );

    // Keyboard: the first Tab reaches "Skip to content", and following it lands in the page.
    let tab = '\u{E004}';
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let keys = InputSource::then(
        InputSource::then(
            KeyActions::new("keyboard".to_owned()),
            KeyAction::Down { value: tab },
        ),
        KeyAction::Up { value: tab },
    );
    s.client.perform_actions(keys).await?;
    let focused = s.client.active_element().await?;
    assert_eq!(focused.attr("href").await?.as_deref(), Some("#main"));
    assert_eq!(focused.text().await?, "Skip to content");

    // Sorting: the names table sorts by domain both ways, and says so to screen readers.
    s.goto(&format!("/matters/{matter}")).await?;
    let names = |s: &Session| {
        let client = s.client.clone();
        async move {
            let mut out = Vec::new();
            for row in client
                .find_all(Locator::Css("#names tbody tr td:first-child a"))
                .await?
            {
                out.push(row.text().await?);
            }
            Ok::<_, CmdError>(out)
        }
    };
    let before = names(s).await?;
    assert_eq!(before.len(), 7, "{before:?}");
    s.click("#names thead th:first-child button").await?;
    let ascending = names(s).await?;
    let mut expected = before.clone();
    expected.sort();
    assert_eq!(ascending, expected);
    assert_eq!(
        s.find("#names thead th:first-child")
            .await?
            .attr("aria-sort")
            .await?
            .as_deref(),
        Some("ascending")
    );
    s.click("#names thead th:first-child button").await?;
    expected.reverse();
    assert_eq!(names(s).await?, expected);

    // Filtering the registry timeline (more than five rows) by a name; its own count (the names
    // table, with more than five rows too, has one of its own).
    const TIMELINE_FILTER_COUNT: &str =
        "input[aria-controls='registry-timeline'] ~ .table-filter-count";
    let filter = s
        .find("input[type='search'][aria-controls='registry-timeline']")
        .await?;
    filter.send_keys("northwindcoffee.fr").await?;
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let count = s.text(TIMELINE_FILTER_COUNT).await?;
        if count.contains(" of ") {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("the filter count never changed: {count}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut shown = 0;
    for row in s
        .client
        .find_all(Locator::Css("#registry-timeline tbody tr"))
        .await?
    {
        if row.is_displayed().await? {
            shown += 1;
            assert!(row.text().await?.contains("northwindcoffee.fr"));
        }
    }
    assert!(shown >= 1, "rows of northwindcoffee.fr are shown");
    let count = s.text(TIMELINE_FILTER_COUNT).await?;
    assert!(count.starts_with(&format!("{shown} of ")), "{count}");

    // Times are shown in the reader's zone, with UTC kept on hover.
    let time = s.find("#registry-timeline time.local-time").await?;
    let datetime = time.attr("datetime").await?.ok_or("no datetime")?;
    assert!(datetime.ends_with('Z'), "{datetime}");
    assert!(
        time.attr("title")
            .await?
            .unwrap_or_default()
            .ends_with("UTC"),
        "UTC on hover"
    );

    // The procedure gives its provider's time zone, and each due day's end in it.
    s.goto(&format!("/procedures/{udrp}")).await?;
    assert!(s.text("#provider-zone").await?.contains("Europe/Zurich"));
    let note = s.text("tr[data-rule='UDRP.R5a'] .zone-note").await?;
    assert!(note.contains("Geneva"), "{note}");

    // On a phone, each row of a table becomes a card whose cells name their column.
    s.client.set_window_size(390, 900).await?;
    s.goto(&format!("/matters/{matter}")).await?;
    let cell = s
        .find("#names tbody tr td[data-label='Predicted drop']")
        .await?;
    assert_eq!(cell.css_value("display").await?, "block");
    let overflow = s
        .client
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
            vec![],
        )
        .await?;
    assert_eq!(
        overflow.as_i64(),
        Some(0),
        "no sideways scrolling of the page"
    );
    s.client.set_window_size(1280, 1000).await?;
    Ok(())
}
