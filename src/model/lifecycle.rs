//! Lifecycle assessment: from what registries said over time and the TLD's rules, the phase a
//! name is in and when it will drop. Pure, and tested by tables of cases citing
//! `docs/registries.md`.

use chrono::{DateTime, Duration, Timelike, Utc};
use serde::Serialize;

use super::backorder::BackorderStatus;
use super::registry_record::RegistryRecord;
use super::tld_policy::{TldClass, TldPolicy};

crate::text_enum! {
    /// Where a name is in its life (`docs/registries.md` §1, §2.5).
    pub enum Phase ("lifecycle phase") {
        Active => "active",
        AutoRenewGrace => "auto_renew_grace",
        ExpiredGrace => "expired_grace",
        Redemption => "redemption",
        PendingDelete => "pending_delete",
        Quarantine => "quarantine",
        Suspended => "suspended",
        Available => "available",
        CannotRegister => "cannot_register",
        Unknown => "unknown",
    }
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Active => "Registered",
            Phase::AutoRenewGrace => "Expired, in the auto-renew grace period",
            Phase::ExpiredGrace => "Expired, in its grace period",
            Phase::Redemption => "Deleted, in redemption",
            Phase::PendingDelete => "Pending delete",
            Phase::Quarantine => "Deleted, in quarantine",
            Phase::Suspended => "Suspended by the registry",
            Phase::Available => "Not registered",
            Phase::CannotRegister => "Cannot be registered",
            Phase::Unknown => "Unknown",
        }
    }

    /// Deleted at the registry, waiting to be released.
    pub fn is_deleted(self) -> bool {
        matches!(
            self,
            Phase::Redemption | Phase::PendingDelete | Phase::Quarantine
        )
    }

    /// Past expiry but not yet deleted.
    pub fn is_expired(self) -> bool {
        matches!(
            self,
            Phase::AutoRenewGrace | Phase::ExpiredGrace | Phase::Suspended
        )
    }
}

/// One registry answer and when it was fetched.
#[derive(Debug, Clone, Copy)]
pub struct Observation<'a> {
    pub at: DateTime<Utc>,
    pub record: &'a RegistryRecord,
}

/// The phase, the predicted drop window, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub phase: Phase,
    pub drop_earliest: Option<DateTime<Utc>>,
    pub drop_latest: Option<DateTime<Utc>>,
    /// In words, for lawyers: what the prediction rests on.
    pub reason: String,
}

impl Assessment {
    /// This assessment at a later check whose answer is byte for byte the last one and shows
    /// the same phase: what [`assess`] would give with that answer appended, without reading the
    /// history again. The history adds nothing (the run of the phase only grows), and the time
    /// enters only as the floor of the window (the drop is not before the check); in the
    /// expired phases the earliest deletion itself moves with the check, so those are assessed
    /// in full (`None`).
    pub fn carried_to(&self, at: DateTime<Utc>) -> Option<Assessment> {
        if matches!(self.phase, Phase::AutoRenewGrace | Phase::ExpiredGrace) {
            return None;
        }
        let (drop_earliest, drop_latest) = match (self.drop_earliest, self.drop_latest) {
            (Some(earliest), Some(latest)) => {
                let earliest = earliest.max(at);
                (Some(earliest), Some(latest.max(earliest)))
            }
            other => other,
        };
        Some(Assessment {
            phase: self.phase,
            drop_earliest,
            drop_latest,
            reason: self.reason.clone(),
        })
    }
}

fn days(n: u32) -> Duration {
    Duration::days(i64::from(n))
}

/// The phase one answer shows, given the TLD's rules.
pub fn classify(record: &RegistryRecord, policy: &TldPolicy, at: DateTime<Utc>) -> Phase {
    // docs/registries.md §6: not registered, and not free either.
    if record.cannot_register.is_some() {
        return Phase::CannotRegister;
    }
    if !record.registered {
        return Phase::Available;
    }
    if record.has_status("quarantine") {
        return Phase::Quarantine;
    }
    if record.has_status("redemptionPeriod") || record.has_status("pendingRestore") {
        return Phase::Redemption;
    }
    if record.has_status("pendingDelete") {
        // `docs/registries.md` §1.3: Nominet shows RFC 5731 pendingDelete for both windows; from
        // expiry + 90 days it is the final pending delete.
        if policy.tld == "uk" {
            return match record.expires_at {
                Some(expiry) if at >= expiry + days(90) => Phase::PendingDelete,
                _ => Phase::Redemption,
            };
        }
        return Phase::PendingDelete;
    }
    if record.has_status("deactivated") || record.has_status("suspended") {
        return Phase::Suspended;
    }
    if record.has_status("autoRenewPeriod") {
        return Phase::AutoRenewGrace;
    }
    match record.effective_expiry() {
        Some(expiry) if expiry <= at => Phase::ExpiredGrace,
        _ if record.has_status("renewalRequired") => Phase::ExpiredGrace,
        Some(_) => Phase::Active,
        None if record.statuses.is_empty()
            && record.created_at.is_none()
            && record.nameservers.is_empty() =>
        {
            Phase::Unknown
        }
        None => Phase::Active,
    }
}

/// The assessment of a name from its answers, oldest first (the last is the current one).
pub fn assess(history: &[Observation<'_>], policy: &TldPolicy) -> Assessment {
    let Some(current) = history.last() else {
        return Assessment {
            phase: Phase::Unknown,
            drop_earliest: None,
            drop_latest: None,
            reason: "The registry has not been asked yet.".to_owned(),
        };
    };
    let at = current.at;
    let record = current.record;
    let phase = classify(record, policy, at);
    let window = |earliest: DateTime<Utc>, latest: DateTime<Utc>, reason: String| {
        let earliest = earliest.max(at);
        Assessment {
            phase,
            drop_earliest: Some(earliest),
            drop_latest: Some(latest.max(earliest)),
            reason,
        }
    };
    let redemption = policy.redemption_days.unwrap_or(0);
    let pending = policy.pending_delete_days.unwrap_or(0);
    let quarantine = policy.quarantine_days.unwrap_or(0);
    match phase {
        Phase::Available => Assessment {
            phase,
            drop_earliest: None,
            drop_latest: None,
            reason: "The registry does not hold the name: it can be registered (confirm with a registrar before acting).".to_owned(),
        },
        Phase::Unknown => Assessment {
            phase,
            drop_earliest: None,
            drop_latest: None,
            reason: "The registry's answer shows no status or dates.".to_owned(),
        },
        Phase::CannotRegister => Assessment {
            phase,
            drop_earliest: None,
            drop_latest: None,
            reason: format!(
                "The registry says the name cannot be registered ({}): no backorder can catch it, and it will not drop.",
                record.cannot_register.map_or("its own rules", |why| why.label())
            ),
        },
        Phase::Suspended => Assessment {
            phase,
            drop_earliest: None,
            drop_latest: None,
            reason: "The registry has suspended the name; it decides when the name is deleted.".to_owned(),
        },
        Phase::Redemption | Phase::Quarantine | Phase::PendingDelete if policy.tld == "uk" && record.expires_at.is_some() => {
            // `docs/registries.md` §1.1 (.uk): drops at the end of pending delete, expiry + 95 days,
            // at the time Nominet's drop list publishes.
            let drop = record.expires_at.map_or(at, |e| e + days(95));
            window(drop, drop + Duration::days(1), format!(
                "Nominet releases a name 95 days after its expiry ({}), at the time given in its daily drop list.",
                day(record.expires_at)
            ))
        }
        Phase::Redemption | Phase::Quarantine => {
            let (lo, hi, basis) = deletion_time(history, policy);
            if let Some(release) = record.release_at {
                // `docs/registries.md` §1.3 (.nl): a one-hour random window from the quarantine end;
                // (.be) hourly batches on the release day.
                let until = if release.hour() == 0 && release.minute() == 0 { release + Duration::days(1) } else { release + Duration::hours(1) };
                return window(release, until, format!("The registry gives the release date: {}.", day(Some(release))));
            }
            let to_drop = if phase == Phase::Quarantine { quarantine } else { redemption + pending };
            let lifecycle = if phase == Phase::Quarantine {
                format!("{quarantine} days of quarantine")
            } else if pending > 0 {
                format!("{redemption} days of redemption and {pending} of pending delete")
            } else {
                format!("{redemption} days of redemption and no pending delete")
            };
            window(lo + days(to_drop), hi + days(to_drop), format!("{basis}; {lifecycle} follow the deletion at .{}.", policy.tld))
        }
        Phase::PendingDelete => {
            let first = first_in_run(history, |p| p == Phase::PendingDelete, policy);
            let (start_lo, start_hi, basis) = match (record.deleted_at, first) {
                (Some(deleted), _) if redemption > 0 => (deleted + days(redemption), deleted + days(redemption), "the registry dates the deletion".to_owned()),
                (_, Some((prev, first_at))) => (prev.unwrap_or(first_at - days(pending)), first_at, match prev {
                    Some(p) => format!("pending delete began between {} and {}", day(Some(p)), day(Some(first_at))),
                    None => format!("first seen in pending delete on {}", day(Some(first_at))),
                }),
                (_, None) => (at - days(pending), at, format!("seen in pending delete on {}", day(Some(at)))),
            };
            window(start_lo + days(pending), start_hi + days(pending), format!("{basis}; the name is purged {pending} days after pending delete begins."))
        }
        Phase::AutoRenewGrace | Phase::ExpiredGrace | Phase::Active => {
            let Some(expiry) = original_expiry(record, at, phase) else {
                return Assessment {
                    phase,
                    drop_earliest: None,
                    drop_latest: None,
                    reason: format!(
                        "The registry of .{} publishes no expiry date: a drop can only be predicted once the name is deleted.",
                        policy.tld
                    ),
                };
            };
            let grace = policy.auto_renew_grace_days.or(policy.expiry_grace_days).unwrap_or(0);
            let after_deletion = redemption + pending + quarantine;
            // The registrar deletes at the earliest on expiry (and not before now), at the latest
            // when the grace period ends (`docs/registries.md` §1.2: 35 to 80 days for gTLDs).
            let earliest_deletion = if phase == Phase::Active { expiry } else { expiry.max(at) };
            let latest_deletion = expiry + days(grace);
            let condition = if phase == Phase::Active {
                format!("If the holder does not renew by {}", day(Some(expiry)))
            } else {
                format!("Expired on {}", day(Some(expiry)))
            };
            let rule = match policy.class {
                TldClass::LegacyGtld | TldClass::NewGtld => format!(
                    "the registrar may delete it for up to {grace} days, then {redemption} days of redemption and {pending} of pending delete follow"
                ),
                TldClass::Cctld => format!(
                    "after up to {grace} days of grace, {after_deletion} days pass between deletion and release at .{}", policy.tld
                ),
            };
            window(
                earliest_deletion + days(after_deletion),
                latest_deletion.max(earliest_deletion) + days(after_deletion),
                format!("{condition}: {rule}."),
            )
        }
    }
}

fn day(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(
        || "an unknown date".to_owned(),
        |t| crate::model::present::iso_day(t.date_naive()),
    )
}

/// The expiry before any auto-renewal: the registrar's date if known; after a registry
/// auto-renew the registry's date has moved one year ahead (`docs/registries.md` §1.2, step 1).
fn original_expiry(
    record: &RegistryRecord,
    at: DateTime<Utc>,
    phase: Phase,
) -> Option<DateTime<Utc>> {
    if let Some(registrar) = record.registrar_expires_at {
        return Some(registrar);
    }
    let registry = record.expires_at?;
    if phase == Phase::AutoRenewGrace && registry > at {
        return registry.checked_sub_months(chrono::Months::new(12));
    }
    Some(registry)
}

/// The start of the current run of answers in a phase matching `in_phase`: the last answer
/// before the run (if any) and the first answer in it.
fn first_in_run(
    history: &[Observation<'_>],
    in_phase: impl Fn(Phase) -> bool,
    policy: &TldPolicy,
) -> Option<(Option<DateTime<Utc>>, DateTime<Utc>)> {
    let mut first = None;
    let mut before = None;
    for (i, obs) in history.iter().enumerate().rev() {
        if in_phase(classify(obs.record, policy, obs.at)) {
            first = Some(obs.at);
            before = i.checked_sub(1).and_then(|j| history.get(j)).map(|o| o.at);
        } else {
            break;
        }
    }
    first.map(|f| (before, f))
}

/// When the name was deleted: the registry's date if it gives one; else between the last
/// answer before the deletion and the first after; else, when the first answer already showed
/// it deleted, the registry's "last changed" date if it falls in the window (registries update
/// it at deletion), or the whole window.
fn deletion_time(
    history: &[Observation<'_>],
    policy: &TldPolicy,
) -> (DateTime<Utc>, DateTime<Utc>, String) {
    let current = history.last().map(|o| o.record);
    if let Some(deleted) = current.and_then(|r| r.deleted_at) {
        return (
            deleted,
            deleted,
            format!("The registry dates the deletion {}", day(Some(deleted))),
        );
    }
    let Some((before, first)) = first_in_run(history, Phase::is_deleted, policy) else {
        let now = history.last().map_or_else(Utc::now, |o| o.at);
        return (now, now, "Deleted".to_owned());
    };
    if let Some(before) = before {
        return (
            before,
            first,
            format!(
                "Deleted between {} and {}",
                day(Some(before)),
                day(Some(first))
            ),
        );
    }
    let span = days(
        policy
            .redemption_days
            .or(policy.quarantine_days)
            .unwrap_or(0),
    );
    let earliest = first - span;
    if let Some(changed) = current
        .and_then(|r| r.updated_at)
        .filter(|c| *c >= earliest && *c <= first)
    {
        return (
            changed,
            changed,
            format!(
                "Deleted on {} (the registry's last change)",
                day(Some(changed))
            ),
        );
    }
    (
        earliest,
        first,
        format!("Already deleted when first seen on {}", day(Some(first))),
    )
}

/// The backorder status a name's phase calls for; `renewed` when a name that was expiring or
/// deleted is registered again with a later expiry.
pub fn backorder_status_for(
    previous: Option<(Phase, Option<DateTime<Utc>>)>,
    phase: Phase,
    expiry: Option<DateTime<Utc>>,
) -> Option<BackorderStatus> {
    if phase == Phase::Active
        && let Some((before, old_expiry)) = previous
        && (before.is_expired() || before == Phase::Redemption || before == Phase::Quarantine)
        && (expiry > old_expiry || old_expiry.is_none())
    {
        return Some(BackorderStatus::Renewed);
    }
    match phase {
        Phase::AutoRenewGrace | Phase::ExpiredGrace | Phase::Suspended => {
            Some(BackorderStatus::Expiring)
        }
        Phase::Redemption | Phase::Quarantine => Some(BackorderStatus::Redemption),
        Phase::PendingDelete => Some(BackorderStatus::PendingDelete),
        Phase::Available => Some(BackorderStatus::Dropped),
        Phase::Active | Phase::CannotRegister | Phase::Unknown => None,
    }
}

/// When to ask the registry again: daily while a name is registered, every six hours once it
/// expires, hourly once deleted, every five minutes in the last day before and the day after
/// the predicted drop.
pub fn next_check(assessment: &Assessment, now: DateTime<Utc>) -> DateTime<Utc> {
    let near_drop = match (assessment.drop_earliest, assessment.drop_latest) {
        (Some(earliest), Some(latest))
            if assessment.phase.is_deleted() || assessment.phase.is_expired() =>
        {
            now >= earliest - Duration::days(1) && now <= latest + Duration::days(1)
        }
        _ => false,
    };
    let interval = if near_drop {
        Duration::minutes(5)
    } else {
        match assessment.phase {
            Phase::Redemption | Phase::PendingDelete | Phase::Quarantine => Duration::hours(1),
            Phase::AutoRenewGrace | Phase::ExpiredGrace | Phase::Suspended | Phase::Available => {
                Duration::hours(6)
            }
            Phase::Active | Phase::CannotRegister | Phase::Unknown => {
                match assessment.drop_earliest {
                    Some(drop) if drop - now < Duration::days(45) => Duration::hours(6),
                    _ => Duration::days(1),
                }
            }
        }
    };
    now + interval
}

/// After a failed check: 5 minutes, doubling per failure, at most 6 hours (or what the server
/// asked for with Retry-After, if later).
pub fn retry_after_failure(
    failures: u32,
    now: DateTime<Utc>,
    server_asked: Option<Duration>,
) -> DateTime<Utc> {
    let backoff =
        Duration::minutes(5 * 2_i64.pow(failures.saturating_sub(1).min(7))).min(Duration::hours(6));
    now + server_asked.map_or(backoff, |asked| asked.max(backoff))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tld_policy::TldPolicies;

    fn t(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn policy(tld: &str) -> TldPolicy {
        TldPolicies::built_in().unwrap().lookup(tld).unwrap()
    }

    fn rec(statuses: &[&str], expires: Option<&str>) -> RegistryRecord {
        RegistryRecord {
            registered: true,
            statuses: statuses.iter().map(|s| (*s).to_owned()).collect(),
            expires_at: expires.map(t),
            nameservers: vec!["ns1.example.net".into()],
            ..RegistryRecord::default()
        }
    }

    fn assess_at(tld: &str, steps: &[(&str, RegistryRecord)]) -> Assessment {
        let history: Vec<Observation> = steps
            .iter()
            .map(|(at, r)| Observation {
                at: t(at),
                record: r,
            })
            .collect();
        assess(&history, &policy(tld))
    }

    /// `carried_to` is `assess` with the same answer appended: checked against `assess` itself
    /// on answers of every phase it carries (the fixtures of the tests above, docs/registries.md
    /// §1), at checks before, inside and after the predicted window.
    #[test]
    fn an_unchanged_answer_carries_the_assessment_as_a_full_assessment_would() {
        let deleted_on = "2026-11-20T10:00:00Z";
        let cases: [(&str, &str, RegistryRecord); 6] = [
            (
                "com",
                "active",
                rec(&["clientTransferProhibited"], Some("2027-03-01T00:00:00Z")),
            ),
            ("com", "active, no expiry", rec(&["ok"], None)),
            (
                "com",
                "redemption",
                rec(
                    &["pendingDelete", "redemptionPeriod"],
                    Some("2026-10-01T00:00:00Z"),
                ),
            ),
            (
                "com",
                "pending delete",
                rec(&["pendingDelete"], Some("2026-10-01T00:00:00Z")),
            ),
            (
                "uk",
                "uk pending delete",
                rec(&["pendingDelete"], Some("2026-08-01T00:00:00Z")),
            ),
            ("com", "not registered", RegistryRecord::default()),
        ];
        let before = rec(&["ok"], Some("2026-10-01T00:00:00Z"));
        for (tld, case, record) in cases {
            let mut history = vec![
                (deleted_on, before.clone()),
                ("2026-11-21T10:00:00Z", record.clone()),
            ];
            let last = assess_at(tld, &history);
            for later in [
                "2026-11-21T11:00:00Z",
                "2026-12-24T10:00:00Z",
                "2027-06-01T10:00:00Z",
            ] {
                if classify(&record, &policy(tld), t(later)) != last.phase {
                    continue;
                }
                history.push((later, record.clone()));
                let full = assess_at(tld, &history);
                history.pop();
                assert_eq!(last.carried_to(t(later)), Some(full), "{case} at {later}");
            }
        }
        let grace = assess_at(
            "com",
            &[(
                "2027-03-05T00:00:00Z",
                rec(&["autoRenewPeriod", "ok"], Some("2028-03-01T00:00:00Z")),
            )],
        );
        assert_eq!(grace.phase, Phase::AutoRenewGrace);
        assert_eq!(
            grace.carried_to(t("2027-03-06T00:00:00Z")),
            None,
            "assessed in full"
        );
    }

    #[test]
    fn phases_from_one_answer() {
        let now = "2026-11-23T09:00:00Z";
        let cases = [
            // (tld, statuses, expiry, expected phase, source)
            (
                "com",
                vec!["clientTransferProhibited"],
                Some("2027-03-16T00:00:00Z"),
                Phase::Active,
            ), // §2.5
            (
                "com",
                vec!["autoRenewPeriod", "ok"],
                Some("2027-11-01T00:00:00Z"),
                Phase::AutoRenewGrace,
            ), // §1.2 step 2
            (
                "com",
                vec!["pendingDelete", "redemptionPeriod"],
                None,
                Phase::Redemption,
            ), // §2.2
            (
                "com",
                vec!["pendingDelete", "pendingRestore"],
                None,
                Phase::Redemption,
            ), // §2.2 restore in progress
            ("com", vec!["pendingDelete"], None, Phase::PendingDelete), // §2.5 final 5 days
            (
                "com",
                vec!["clientHold"],
                Some("2026-11-01T00:00:00Z"),
                Phase::ExpiredGrace,
            ), // §1.2 step 3
            (
                "fr",
                vec!["redemptionPeriod", "pendingDelete", "serverHold"],
                None,
                Phase::Redemption,
            ), // §1.1 .fr
            ("it", vec!["pendingDelete"], None, Phase::PendingDelete), // .it pendingDelete/pendingDelete
            ("eu", vec!["quarantine"], None, Phase::Quarantine),       // §1.1 .eu
            (
                "dk",
                vec!["deactivated"],
                Some("2026-08-31T00:00:00Z"),
                Phase::Suspended,
            ), // §1.1 .dk
            (
                "uk",
                vec!["pendingDelete"],
                Some("2026-09-01T00:00:00Z"),
                Phase::Redemption,
            ), // §1.3: +30..+90
            (
                "uk",
                vec!["pendingDelete"],
                Some("2026-08-20T00:00:00Z"),
                Phase::PendingDelete,
            ), // §1.3: +90..+95
            ("de", vec!["ok"], None, Phase::Active),                   // §1.3 .de: no expiry
        ];
        for (tld, statuses, expiry, expected) in cases {
            let r = rec(&statuses, expiry);
            assert_eq!(
                classify(&r, &policy(tld), t(now)),
                expected,
                "{tld} {statuses:?}"
            );
        }
        let free = RegistryRecord::default();
        assert_eq!(
            classify(&free, &policy("com"), t(now)),
            Phase::Available,
            "§3.3: 404 or no match"
        );
    }

    #[test]
    fn a_gtld_deletion_seen_at_t_drops_at_t_plus_35_days() {
        // `docs/registries.md` §1.2: "Once deletion is observed (RGP entered at time T), the drop is
        // T + 35 days (30 + 5)".
        let before = rec(&["clientHold"], Some("2026-10-01T00:00:00Z"));
        let deleted = rec(
            &["pendingDelete", "redemptionPeriod"],
            Some("2027-10-01T00:00:00Z"),
        );
        let a = assess_at(
            "com",
            &[
                ("2026-11-01T09:00:00Z", before.clone()),
                ("2026-11-02T09:00:00Z", deleted.clone()),
            ],
        );
        assert_eq!(a.phase, Phase::Redemption);
        assert_eq!(a.drop_earliest, Some(t("2026-12-06T09:00:00Z")));
        assert_eq!(a.drop_latest, Some(t("2026-12-07T09:00:00Z")));
        assert!(
            a.reason
                .contains("Deleted between 2026-11-01 and 2026-11-02"),
            "{}",
            a.reason
        );
        // Later answers in redemption keep the same prediction.
        let a = assess_at(
            "com",
            &[
                ("2026-11-01T09:00:00Z", before),
                ("2026-11-02T09:00:00Z", deleted.clone()),
                ("2026-11-20T09:00:00Z", deleted),
            ],
        );
        assert_eq!(a.drop_earliest, Some(t("2026-12-06T09:00:00Z")));
    }

    #[test]
    fn deletion_first_seen_in_redemption_uses_last_changed_or_the_whole_window() {
        let mut r = rec(&["pendingDelete", "redemptionPeriod"], None);
        // Registries set "last changed" at the deletion (`docs/registries.md` §2.5).
        r.updated_at = Some(t("2026-11-10T15:00:00Z"));
        let a = assess_at("org", &[("2026-11-23T09:00:00Z", r.clone())]);
        assert_eq!(a.drop_earliest, Some(t("2026-12-15T15:00:00Z")));
        assert_eq!(a.drop_latest, Some(t("2026-12-15T15:00:00Z")));
        r.updated_at = None;
        let a = assess_at("org", &[("2026-11-23T09:00:00Z", r)]);
        // Deleted up to 30 days before: drop between now + 5 days and now + 35 days.
        assert_eq!(a.drop_earliest, Some(t("2026-11-28T09:00:00Z")));
        assert_eq!(a.drop_latest, Some(t("2026-12-28T09:00:00Z")));
    }

    #[test]
    fn auto_renew_hides_the_real_expiry() {
        // §1.2 step 1: the registry's expiry jumped one year on the expiry day.
        let r = rec(&["autoRenewPeriod"], Some("2027-11-01T00:00:00Z"));
        let a = assess_at("com", &[("2026-11-23T09:00:00Z", r.clone())]);
        assert_eq!(a.phase, Phase::AutoRenewGrace);
        // Deletion from now (not before) to expiry + 45; then 35 days.
        assert_eq!(a.drop_earliest, Some(t("2026-12-28T09:00:00Z")));
        assert_eq!(a.drop_latest, Some(t("2027-01-20T00:00:00Z")));
        // The registrar's RDAP has the holder's real expiry (§3.5).
        let mut with_registrar = r;
        with_registrar.registrar_expires_at = Some(t("2026-11-05T00:00:00Z"));
        let a = assess_at("com", &[("2026-11-23T09:00:00Z", with_registrar)]);
        assert_eq!(a.drop_latest, Some(t("2027-01-24T00:00:00Z")));
    }

    #[test]
    fn fr_has_thirty_days_of_redemption_and_no_pending_delete() {
        // `docs/registries.md` §1.1 (.fr): 30 days of rédemption, then available.
        let mut r = rec(&["redemptionPeriod", "pendingDelete"], None);
        r.deleted_at = Some(t("2026-11-09T00:00:00Z"));
        let a = assess_at("fr", &[("2026-11-23T09:00:00Z", r)]);
        assert_eq!(a.phase, Phase::Redemption);
        assert_eq!(a.drop_earliest, Some(t("2026-12-09T00:00:00Z")));
        assert!(a.reason.contains("no pending delete"));
    }

    #[test]
    fn uk_is_date_arithmetic_on_the_expiry() {
        // `docs/registries.md` §1.3: RGP +30..+90, pending delete +90..+95, drop at +95.
        let r = rec(&["pendingDelete"], Some("2026-09-01T00:00:00Z"));
        let a = assess_at("uk", &[("2026-11-23T09:00:00Z", r)]);
        assert_eq!(a.phase, Phase::Redemption);
        assert_eq!(a.drop_earliest, Some(t("2026-12-05T00:00:00Z")));
        assert_eq!(a.drop_latest, Some(t("2026-12-06T00:00:00Z")));
        assert!(a.reason.contains("Nominet"));
    }

    #[test]
    fn quarantine_at_eu_nl_be_is_forty_days() {
        // `docs/registries.md` §1.1: .eu/.nl/.be 40-day quarantine.
        let active = rec(&["ok"], Some("2027-01-01T00:00:00Z"));
        let q = rec(&["quarantine"], None);
        for tld in ["eu", "nl", "be"] {
            let a = assess_at(
                tld,
                &[
                    ("2026-11-01T12:00:00Z", active.clone()),
                    ("2026-11-02T12:00:00Z", q.clone()),
                ],
            );
            assert_eq!(a.phase, Phase::Quarantine, "{tld}");
            assert_eq!(a.drop_earliest, Some(t("2026-12-11T12:00:00Z")), "{tld}");
            assert_eq!(a.drop_latest, Some(t("2026-12-12T12:00:00Z")), "{tld}");
        }
        // §1.3 (.nl): the registry publishes the quarantine end; release within the hour.
        let mut with_end = q;
        with_end.release_at = Some(t("2026-12-10T14:00:00Z"));
        let a = assess_at("nl", &[("2026-11-23T09:00:00Z", with_end)]);
        assert_eq!(a.drop_earliest, Some(t("2026-12-10T14:00:00Z")));
        assert_eq!(a.drop_latest, Some(t("2026-12-10T15:00:00Z")));
    }

    #[test]
    fn de_is_thirty_days_after_deletion_and_unpredictable_before() {
        // `docs/registries.md` §1.3 (.de): no expiry to predict from; RGP 30 days after deletion.
        let connect = rec(&["ok"], None);
        let a = assess_at("de", &[("2026-11-23T09:00:00Z", connect.clone())]);
        assert_eq!(a.phase, Phase::Active);
        assert_eq!(a.drop_earliest, None);
        assert!(a.reason.contains("publishes no expiry date"));
        let deleted = rec(&["redemptionPeriod"], None);
        let a = assess_at(
            "de",
            &[
                ("2026-11-22T09:00:00Z", connect),
                ("2026-11-23T09:00:00Z", deleted),
            ],
        );
        assert_eq!(a.drop_earliest, Some(t("2026-12-22T09:00:00Z")));
        assert_eq!(a.drop_latest, Some(t("2026-12-23T09:00:00Z")));
    }

    #[test]
    fn pending_delete_is_the_last_five_days() {
        let rgp = rec(&["pendingDelete", "redemptionPeriod"], None);
        let pd = rec(&["pendingDelete"], None);
        let a = assess_at(
            "com",
            &[
                ("2026-11-20T09:00:00Z", rgp),
                ("2026-11-21T09:00:00Z", pd.clone()),
            ],
        );
        assert_eq!(a.phase, Phase::PendingDelete);
        assert_eq!(a.drop_earliest, Some(t("2026-11-25T09:00:00Z")));
        assert_eq!(a.drop_latest, Some(t("2026-11-26T09:00:00Z")));
        let a = assess_at("com", &[("2026-11-23T09:00:00Z", pd)]);
        assert_eq!(a.drop_earliest, Some(t("2026-11-23T09:00:00Z")));
        assert_eq!(a.drop_latest, Some(t("2026-11-28T09:00:00Z")));
    }

    #[test]
    fn an_active_name_has_a_window_if_not_renewed() {
        // §1.2 totals: earliest expiry + 35, latest expiry + 80 days.
        let r = rec(&["ok"], Some("2027-03-16T00:00:00Z"));
        let a = assess_at("com", &[("2026-11-23T09:00:00Z", r)]);
        assert_eq!(a.phase, Phase::Active);
        assert_eq!(a.drop_earliest, Some(t("2027-04-20T00:00:00Z")));
        assert_eq!(a.drop_latest, Some(t("2027-06-04T00:00:00Z")));
        assert!(
            a.reason
                .starts_with("If the holder does not renew by 2027-03-16")
        );
    }

    #[test]
    fn backorders_follow_the_phase_and_stop_on_renewal() {
        use BackorderStatus as B;
        let cases = [
            (None, Phase::Active, None, None),
            (None, Phase::AutoRenewGrace, None, Some(B::Expiring)),
            (None, Phase::Redemption, None, Some(B::Redemption)),
            (None, Phase::Quarantine, None, Some(B::Redemption)),
            (None, Phase::PendingDelete, None, Some(B::PendingDelete)),
            (None, Phase::Available, None, Some(B::Dropped)),
            (
                Some((Phase::ExpiredGrace, Some(t("2026-11-01T00:00:00Z")))),
                Phase::Active,
                Some(t("2027-11-01T00:00:00Z")),
                Some(B::Renewed),
            ),
            (
                Some((Phase::Redemption, None)),
                Phase::Active,
                Some(t("2027-11-01T00:00:00Z")),
                Some(B::Renewed),
            ),
            (
                Some((Phase::Active, Some(t("2027-11-01T00:00:00Z")))),
                Phase::Active,
                Some(t("2028-11-01T00:00:00Z")),
                None,
            ),
        ];
        for (previous, phase, expiry, expected) in cases {
            assert_eq!(
                backorder_status_for(previous, phase, expiry),
                expected,
                "{previous:?} {phase}"
            );
        }
    }

    #[test]
    fn checks_come_more_often_as_the_drop_nears() {
        let now = t("2026-11-23T09:00:00Z");
        let a = |phase, earliest: Option<&str>, latest: Option<&str>| Assessment {
            phase,
            drop_earliest: earliest.map(t),
            drop_latest: latest.map(t),
            reason: String::new(),
        };
        let cases = [
            (
                a(
                    Phase::Active,
                    Some("2027-06-01T00:00:00Z"),
                    Some("2027-07-01T00:00:00Z"),
                ),
                Duration::days(1),
            ),
            (a(Phase::Active, None, None), Duration::days(1)),
            (
                a(
                    Phase::ExpiredGrace,
                    Some("2026-12-28T00:00:00Z"),
                    Some("2027-01-20T00:00:00Z"),
                ),
                Duration::hours(6),
            ),
            (
                a(
                    Phase::Redemption,
                    Some("2026-12-20T00:00:00Z"),
                    Some("2026-12-21T00:00:00Z"),
                ),
                Duration::hours(1),
            ),
            (
                a(
                    Phase::PendingDelete,
                    Some("2026-11-25T09:00:00Z"),
                    Some("2026-11-26T09:00:00Z"),
                ),
                Duration::hours(1),
            ),
            (
                a(
                    Phase::PendingDelete,
                    Some("2026-11-24T08:00:00Z"),
                    Some("2026-11-24T09:00:00Z"),
                ),
                Duration::minutes(5),
            ),
            (
                a(
                    Phase::PendingDelete,
                    Some("2026-11-22T08:00:00Z"),
                    Some("2026-11-22T12:00:00Z"),
                ),
                Duration::minutes(5),
            ),
        ];
        for (assessment, expected) in cases {
            assert_eq!(
                next_check(&assessment, now) - now,
                expected,
                "{assessment:?}"
            );
        }
        assert_eq!(
            retry_after_failure(1, now, None) - now,
            Duration::minutes(5)
        );
        assert_eq!(
            retry_after_failure(3, now, None) - now,
            Duration::minutes(20)
        );
        assert_eq!(retry_after_failure(20, now, None) - now, Duration::hours(6));
        assert_eq!(
            retry_after_failure(1, now, Some(Duration::minutes(30))) - now,
            Duration::minutes(30)
        );
    }
}
