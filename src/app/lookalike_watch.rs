//! The daily lookalike job (`reclaim jobs run lookalikes`, issue 18): every watched mark of the
//! firm (its open matters' marks and its clients' brand terms, `repo::lookalikes::watched_marks`)
//! is looked for
//!
//! 1. in the configured sources (`RECLAIM_LOOKALIKE_SOURCES`: zone files as ICANN's CZDS serves
//!    them, lists of new names, files or http(s) addresses; read by `lookalike::scan`), then
//! 2. by **direct checks**: the lookalikes `model::lookalike::candidates` makes of each mark,
//!    ranked by the matcher's score, the best `RECLAIM_LOOKALIKE_CHECKS` not already found (nor
//!    asked in the last week, `repo::lookalikes::checked_since`) asked
//!    at their registries (RDAP or WHOIS through the registry client, within the budget the drop
//!    watch shares across instances, `repo::drop_watch::take_budget`); a registered one is a
//!    finding with its registrar, creation date and statuses.
//!
//! A name the client's matters already recover (a backorder) is not a lookalike. Findings are
//! recorded by `repo::lookalikes::record`, which never undoes a lawyer's decision. A source that
//! fails (missing file, gzip cut short, download refused) is reported and the others go on; the
//! names it gave before failing are kept.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::db::DbError;
use crate::lookalike::{Format, NameReader, ScanSummary};
use crate::model::domain_name::DomainName;
use crate::model::ids::{ClientId, MatterId};
use crate::model::lookalike::{Mark, Matcher, candidates};
use crate::model::lookalike_finding::RegistryFacts;
use crate::repo::lookalikes::{self, NewFinding, Recorded};
use crate::state::AppState;

/// Whose a mark is: the client, and the matter recording it (none for a brand term).
type Owner = (ClientId, Option<MatterId>);

/// The source of findings made by asking a registry.
pub const CHECK_SOURCE: &str = "check";

/// A generated name asked at its registry is not asked again before this: the next runs go
/// further down the ranking, and the best-ranked come back weekly.
const RECHECK_AFTER: chrono::Duration = chrono::Duration::days(7);

/// The top-level domain candidates are made under when a client recovers no name yet.
const DEFAULT_TLD: &str = "com";

/// What a run did.
#[derive(Debug, Default)]
pub struct WatchReport {
    pub sources: usize,
    pub names_read: u64,
    pub recorded: Recorded,
    /// Lookalikes asked at their registries, and how many of them are registered.
    pub checked: usize,
    pub registered: usize,
    /// Not asked: the registry's shared budget was spent, or no server answers for the TLD.
    pub deferred: usize,
    pub check_failures: usize,
    /// Sources that could not be read to the end, with why.
    pub problems: Vec<String>,
    /// The process is stopping: the remaining checks were not made.
    pub interrupted: bool,
}

impl std::fmt::Display for WatchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} name(s) read from {} source(s); {} lookalike(s) asked at their registries, {} registered",
            self.names_read, self.sources, self.checked, self.registered
        )?;
        if self.deferred > 0 {
            write!(f, ", {} left for the next run", self.deferred)?;
        }
        if self.check_failures > 0 {
            write!(f, ", {} unanswered", self.check_failures)?;
        }
        write!(
            f,
            "; {} new finding(s), {} seen again",
            self.recorded.new, self.recorded.seen_again
        )?;
        if !self.problems.is_empty() {
            write!(f, "; {}", self.problems.join("; "))?;
        }
        Ok(())
    }
}

/// How a source is named on its findings: a file's name, an address without its query (which
/// may hold a token).
pub fn source_label(source: &str) -> String {
    if let Ok(url) = reqwest::Url::parse(source)
        && matches!(url.scheme(), "http" | "https")
    {
        return format!("{}{}", url.host_str().unwrap_or_default(), url.path());
    }
    std::path::Path::new(source)
        .file_name()
        .map_or_else(|| source.to_owned(), |n| n.to_string_lossy().into_owned())
}

/// One run: the sources, then the direct checks, then the findings recorded.
pub async fn run(state: &AppState) -> Result<WatchReport, DbError> {
    let recheck_from = state.clock.now() - RECHECK_AFTER;
    let (watched, recovering, found, recent) = state
        .db
        .run(move |c| {
            Ok::<_, DbError>((
                lookalikes::watched_marks(c)?,
                lookalikes::recovering(c)?,
                lookalikes::found_names(c)?,
                lookalikes::checked_since(c, recheck_from)?,
            ))
        })
        .await?;
    let mut report = WatchReport::default();
    // Marks too short to watch were refused when typed; a matter's older mark may still be.
    let marks: Vec<(Mark, Owner)> = watched
        .iter()
        .filter_map(|w| {
            Mark::parse(&w.term)
                .ok()
                .map(|m| (m, (w.client_id.clone(), w.matter_id.clone())))
        })
        .collect();
    if marks.is_empty() {
        return Ok(report);
    }
    let Ok(matcher) = Matcher::new(marks.clone()) else {
        return Ok(report);
    };
    let matcher = Arc::new(matcher);
    let recovering: Arc<HashSet<(ClientId, String)>> = Arc::new(recovering.into_iter().collect());

    let mut findings = Vec::new();
    for source in &state.settings.lookalike_sources {
        report.sources += 1;
        let (matcher, recovering, source, now) = (
            matcher.clone(),
            recovering.clone(),
            source.clone(),
            state.clock.now(),
        );
        let label = source_label(&source);
        let scanned =
            tokio::task::spawn_blocking(move || scan_source(&source, &matcher, &recovering, now))
                .await;
        match scanned {
            Ok((found, summary, error)) => {
                report.names_read += summary.names;
                findings.extend(found);
                if let Some(error) = error {
                    report.problems.push(format!("{label}: {error}"));
                }
            }
            Err(e) => report
                .problems
                .push(format!("{label}: the scan stopped: {e}")),
        }
    }

    let mut skip: HashSet<(ClientId, String)> = found.into_iter().collect();
    skip.extend(recovering.iter().cloned());
    skip.extend(
        findings
            .iter()
            .map(|f| (f.client_id.clone(), f.domain.clone())),
    );
    let to_check = ranked_candidates(&matcher, &marks, &recovering, &skip, &recent);
    let (registered, asked) = check(state, &matcher, &recovering, to_check, &mut report).await;
    findings.extend(registered);
    let at = state.clock.now();
    state
        .db
        .run(move |c| lookalikes::record_checks(c, &asked, at))
        .await?;

    let recorded = state
        .db
        .run(move |c| lookalikes::record(c, &findings))
        .await?;
    report.recorded = recorded;
    Ok(report)
}

/// Reads one source to its end (or its first error), keeping what matches.
fn scan_source(
    source: &str,
    matcher: &Matcher<Owner>,
    recovering: &HashSet<(ClientId, String)>,
    now: DateTime<Utc>,
) -> (Vec<NewFinding>, ScanSummary, Option<String>) {
    let label = source_label(source);
    let reader = match crate::lookalike::open(source) {
        Ok(r) => r,
        Err(e) => return (Vec::new(), ScanSummary::default(), Some(e.to_string())),
    };
    let mut names = NameReader::new(reader, Format::Auto);
    let mut found = Vec::new();
    let result = crate::lookalike::scan(&mut names, matcher, |domain, m| {
        found.extend(findings_of(domain, &m, &label, now, None, recovering));
    });
    match result {
        Ok(summary) => (found, summary, None),
        Err(e) => (found, names.summary().clone(), Some(e.to_string())),
    }
}

/// The findings a matched name makes: one per client owning the mark, except a client already
/// recovering the name.
fn findings_of(
    domain: &str,
    found: &crate::model::lookalike::Match<'_, Owner>,
    source: &str,
    at: DateTime<Utc>,
    registry: Option<RegistryFacts>,
    recovering: &HashSet<(ClientId, String)>,
) -> Vec<NewFinding> {
    let (unicode, _) = idna::domain_to_unicode(domain);
    let reason = serde_json::to_value(&found.reason).unwrap_or_default();
    let mut seen = HashSet::new();
    found
        .owners
        .iter()
        .filter(|(client, _)| !recovering.contains(&(client.clone(), domain.to_owned())))
        // A mark on two matters of one client makes one finding (the first matter's).
        .filter(|(client, _)| seen.insert(client.clone()))
        .map(|(client, matter)| NewFinding {
            client_id: client.clone(),
            matter_id: matter.clone(),
            domain: domain.to_owned(),
            unicode: unicode.clone(),
            mark: found.mark.unicode().to_owned(),
            reason: reason.clone(),
            score: i32::from(found.score),
            source: source.to_owned(),
            seen_at: at,
            registry: registry.clone(),
        })
        .collect()
}

/// Every lookalike generated from the marks, under the TLDs the mark's clients recover names
/// in (`.com` for a client that recovers none), that the matcher scores, most dangerous first
/// (then in the generators' order), without the names already found or recovered, nor those
/// asked within [`RECHECK_AFTER`].
fn ranked_candidates(
    matcher: &Matcher<Owner>,
    marks: &[(Mark, Owner)],
    recovering: &HashSet<(ClientId, String)>,
    skip: &HashSet<(ClientId, String)>,
    recent: &HashSet<String>,
) -> Vec<(String, u8)> {
    let mut tlds: HashMap<&ClientId, BTreeSet<&str>> = HashMap::new();
    for (client, domain) in recovering.iter() {
        if let Some((_, tld)) = domain.split_once('.') {
            tlds.entry(client).or_default().insert(tld);
        }
    }
    let mut seen = HashSet::new();
    let mut ranked = Vec::new();
    for (mark, (client, _)) in marks {
        let under: Vec<&str> = tlds
            .get(client)
            .map(|t| t.iter().copied().collect())
            .unwrap_or_else(|| vec![DEFAULT_TLD]);
        for tld in &under {
            let others: Vec<&str> = under.iter().copied().filter(|t| t != tld).collect();
            for candidate in candidates(mark, tld, &others) {
                if recent.contains(&candidate.domain) || !seen.insert(candidate.domain.clone()) {
                    continue;
                }
                let Some(m) = matcher.match_name(&candidate.domain) else {
                    continue;
                };
                let all_known = m
                    .owners
                    .iter()
                    .all(|(c, _)| skip.contains(&(c.clone(), candidate.domain.clone())));
                if !all_known {
                    ranked.push((candidate.domain, m.score));
                }
            }
        }
    }
    // Stable: equal scores keep the generators' order (families, then positions).
    ranked.sort_by_key(|c| std::cmp::Reverse(c.1));
    ranked
}

/// Asks the registries about the best `lookalike_checks` candidates, one query at a time within
/// the shared budget; the registered ones become findings. Returns them, and the names asked.
async fn check(
    state: &AppState,
    matcher: &Matcher<Owner>,
    recovering: &HashSet<(ClientId, String)>,
    ranked: Vec<(String, u8)>,
    report: &mut WatchReport,
) -> (Vec<NewFinding>, Vec<String>) {
    let limit = usize::try_from(state.settings.lookalike_checks).unwrap_or(usize::MAX);
    let rule = crate::app::drop_watch::budget_rule(state);
    let mut spent: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let mut asked = Vec::new();
    for (domain, _) in ranked {
        if report.checked + report.deferred >= limit {
            break;
        }
        if state.stopping.requested() {
            report.interrupted = true;
            break;
        }
        let Ok(name) = DomainName::parse(&domain) else {
            continue;
        };
        let Ok(policy) = state.tld_policies.lookup(name.tld()) else {
            continue;
        };
        let Some(server) = state.registry.server_key(&name, &policy) else {
            continue;
        };
        if spent.contains(&server) {
            report.deferred += 1;
            continue;
        }
        let now = state.clock.now();
        let granted = {
            let server = server.clone();
            state
                .db
                .run(move |c| crate::repo::drop_watch::take_budget(c, &server, rule, now, 1))
                .await
        };
        match granted {
            Ok((1, _)) => {}
            Ok(_) => {
                // The drop watch comes first: the rest of this server waits for the next run.
                spent.insert(server);
                report.deferred += 1;
                continue;
            }
            Err(e) => {
                report.problems.push(format!("direct checks: {e}"));
                break;
            }
        }
        report.checked += 1;
        asked.push(name.ascii().to_owned());
        match state.registry.lookup(&name, &policy).await {
            Ok(lookup) if lookup.record.registered => {
                report.registered += 1;
                let record = &lookup.record;
                let facts = RegistryFacts {
                    registrar: record.registrar.clone(),
                    registered_on: record.created_at.map(|t| t.date_naive()),
                    statuses: record.statuses.clone(),
                };
                if let Some(m) = matcher.match_name(name.ascii()) {
                    out.extend(findings_of(
                        name.ascii(),
                        &m,
                        CHECK_SOURCE,
                        state.clock.now(),
                        Some(facts),
                        recovering,
                    ));
                }
            }
            Ok(_) => {}
            Err(e) => {
                report.check_failures += 1;
                tracing::warn!(domain = %name.ascii(), error = %e, "lookalike check failed");
            }
        }
    }
    (out, asked)
}
