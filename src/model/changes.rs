//! What changed between two registry answers for a name. Pure.

use serde::{Deserialize, Serialize};

use super::lifecycle::Phase;
use super::registry_record::RegistryRecord;

crate::text_enum! {
    /// The kinds of change monitoring reports (`docs/registries.md` §2).
    pub enum ChangeKind ("change kind") {
        Status => "status",
        Expiry => "expiry",
        Registrar => "registrar",
        Nameservers => "nameservers",
        Dnssec => "dnssec",
        Registrant => "registrant",
        Deletion => "deletion",
        Availability => "availability",
    }
}

/// One difference, in words, with whether it warrants an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordChange {
    pub kind: ChangeKind,
    pub before: String,
    pub after: String,
    /// A sentence for the timeline and the alert.
    pub summary: String,
    /// Entered redemption or pending delete, dropped, renewed, registrar changed.
    pub important: bool,
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn date(d: Option<chrono::DateTime<chrono::Utc>>) -> String {
    d.map_or_else(
        || "unknown".to_owned(),
        |d| crate::model::present::iso_day(d.date_naive()),
    )
}

/// The changes from `before` to `after`, given the phase each answer put the name in.
pub fn diff(
    before: &RegistryRecord,
    after: &RegistryRecord,
    phase_before: Phase,
    phase_after: Phase,
) -> Vec<RecordChange> {
    let mut changes = Vec::new();
    let mut push = |kind, before: String, after: String, summary: String, important: bool| {
        changes.push(RecordChange {
            kind,
            before,
            after,
            summary,
            important,
        })
    };
    if before.registered != after.registered {
        if after.registered {
            push(
                ChangeKind::Availability,
                "not registered".into(),
                "registered".into(),
                format!(
                    "The name was registered{}.",
                    after
                        .registrar
                        .as_deref()
                        .map(|r| format!(" through {r}"))
                        .unwrap_or_default()
                ),
                true,
            );
        } else if let Some(why) = after.cannot_register {
            // docs/registries.md §6: not a drop; the name is not free.
            push(
                ChangeKind::Availability,
                "registered".into(),
                "cannot be registered".into(),
                format!(
                    "The registry now says the name cannot be registered ({}).",
                    why.label()
                ),
                true,
            );
        } else {
            push(
                ChangeKind::Availability,
                "registered".into(),
                "not registered".into(),
                "The name dropped: the registry no longer holds it.".into(),
                true,
            );
        }
        return changes;
    }
    if !after.registered {
        if before.cannot_register != after.cannot_register {
            let state = |r: &RegistryRecord| match r.cannot_register {
                Some(why) => format!("cannot be registered ({})", why.label()),
                None => "not registered".to_owned(),
            };
            push(
                ChangeKind::Availability,
                state(before),
                state(after),
                format!("The registry now says the name is {}.", state(after)),
                true,
            );
        }
        return changes;
    }
    if phase_before != phase_after && phase_after.is_deleted() && !phase_before.is_deleted() {
        push(
            ChangeKind::Deletion,
            phase_before.label().into(),
            phase_after.label().into(),
            format!(
                "The name was deleted: {}.",
                phase_after.label().to_lowercase()
            ),
            true,
        );
    } else if phase_before != phase_after && phase_after == Phase::PendingDelete {
        push(
            ChangeKind::Deletion,
            phase_before.label().into(),
            phase_after.label().into(),
            "The name entered pending delete: it can no longer be restored.".into(),
            true,
        );
    }
    if before.statuses != after.statuses {
        let renewed = phase_after == Phase::Active
            && (phase_before.is_deleted() || phase_before.is_expired());
        push(
            ChangeKind::Status,
            list(&before.statuses),
            list(&after.statuses),
            if renewed {
                "The holder renewed or restored the name.".into()
            } else {
                format!(
                    "Status changed from {} to {}.",
                    list(&before.statuses),
                    list(&after.statuses)
                )
            },
            renewed,
        );
    }
    if before.effective_expiry() != after.effective_expiry() {
        let later = after.effective_expiry() > before.effective_expiry();
        let renewal = later && before.effective_expiry().is_some() && phase_after == Phase::Active;
        push(
            ChangeKind::Expiry,
            date(before.effective_expiry()),
            date(after.effective_expiry()),
            if renewal {
                format!(
                    "Renewed: the expiry moved from {} to {}.",
                    date(before.effective_expiry()),
                    date(after.effective_expiry())
                )
            } else {
                format!(
                    "The expiry changed from {} to {}.",
                    date(before.effective_expiry()),
                    date(after.effective_expiry())
                )
            },
            // A registry auto-renew moves the date too (`docs/registries.md` §1.2); only a renewal
            // out of grace or deletion matters to the backorder.
            renewal && (phase_before.is_expired() || phase_before.is_deleted()),
        );
    }
    if before.registrar != after.registrar || before.registrar_iana_id != after.registrar_iana_id {
        let name = |r: &RegistryRecord| r.registrar.clone().unwrap_or_else(|| "unknown".into());
        push(
            ChangeKind::Registrar,
            name(before),
            name(after),
            format!(
                "The registrar changed from {} to {}.",
                name(before),
                name(after)
            ),
            true,
        );
    }
    if before.nameservers != after.nameservers {
        push(
            ChangeKind::Nameservers,
            list(&before.nameservers),
            list(&after.nameservers),
            format!(
                "Name servers changed from {} to {}.",
                list(&before.nameservers),
                list(&after.nameservers)
            ),
            false,
        );
    }
    if before.ds_records != after.ds_records || before.dnssec != after.dnssec {
        let signed = |r: &RegistryRecord| match r.dnssec {
            Some(true) => format!("signed ({})", list(&r.ds_records)),
            Some(false) => "unsigned".to_owned(),
            None => {
                if r.ds_records.is_empty() {
                    "not stated".to_owned()
                } else {
                    list(&r.ds_records)
                }
            }
        };
        push(
            ChangeKind::Dnssec,
            signed(before),
            signed(after),
            format!(
                "DNSSEC changed from {} to {}.",
                signed(before),
                signed(after)
            ),
            false,
        );
    }
    if before.registrant != after.registrant
        && before.registrant.is_some()
        && after.registrant.is_some()
    {
        push(
            ChangeKind::Registrant,
            before.registrant.clone().unwrap_or_default(),
            after.registrant.clone().unwrap_or_default(),
            "The holder shown by the registry changed.".into(),
            false,
        );
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn t(text: &str) -> Option<DateTime<Utc>> {
        Some(
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc),
        )
    }

    fn base() -> RegistryRecord {
        RegistryRecord {
            registered: true,
            statuses: vec!["clientTransferProhibited".into()],
            registrar: Some("Registrar A".into()),
            registrar_iana_id: Some("1".into()),
            expires_at: t("2026-11-01T00:00:00Z"),
            nameservers: vec!["ns1.a.example".into()],
            registrant: Some("Holder SA".into()),
            ..RegistryRecord::default()
        }
    }

    fn kinds(changes: &[RecordChange]) -> Vec<(ChangeKind, bool)> {
        changes.iter().map(|c| (c.kind, c.important)).collect()
    }

    #[test]
    fn nothing_changed_nothing_reported() {
        assert!(diff(&base(), &base(), Phase::Active, Phase::Active).is_empty());
    }

    #[test]
    fn each_kind_of_change() {
        let before = base();
        let mut deleted = before.clone();
        deleted.statuses = vec!["pendingDelete".into(), "redemptionPeriod".into()];
        assert_eq!(
            kinds(&diff(
                &before,
                &deleted,
                Phase::ExpiredGrace,
                Phase::Redemption
            )),
            vec![(ChangeKind::Deletion, true), (ChangeKind::Status, false)]
        );

        let mut pending = deleted.clone();
        pending.statuses = vec!["pendingDelete".into()];
        assert_eq!(
            kinds(&diff(
                &deleted,
                &pending,
                Phase::Redemption,
                Phase::PendingDelete
            )),
            vec![(ChangeKind::Deletion, true), (ChangeKind::Status, false)]
        );

        let dropped = RegistryRecord::default();
        let changes = diff(&pending, &dropped, Phase::PendingDelete, Phase::Available);
        assert_eq!(kinds(&changes), vec![(ChangeKind::Availability, true)]);
        assert_eq!(
            changes[0].summary,
            "The name dropped: the registry no longer holds it."
        );

        let mut renewed = before.clone();
        renewed.expires_at = t("2027-11-01T00:00:00Z");
        renewed.statuses = vec!["ok".into()];
        let mut expired = before.clone();
        expired.statuses = vec!["clientHold".into()];
        let changes = diff(&expired, &renewed, Phase::ExpiredGrace, Phase::Active);
        assert_eq!(
            kinds(&changes),
            vec![(ChangeKind::Status, true), (ChangeKind::Expiry, true)]
        );
        assert!(
            changes[1]
                .summary
                .starts_with("Renewed: the expiry moved from 2026-11-01 to 2027-11-01")
        );

        let mut transferred = before.clone();
        transferred.registrar = Some("Registrar B".into());
        transferred.registrar_iana_id = Some("2".into());
        transferred.nameservers = vec!["ns1.b.example".into()];
        transferred.dnssec = Some(true);
        transferred.ds_records = vec!["1 13 2 AB".into()];
        transferred.registrant = Some("Someone Else Ltd".into());
        assert_eq!(
            kinds(&diff(&before, &transferred, Phase::Active, Phase::Active)),
            vec![
                (ChangeKind::Registrar, true),
                (ChangeKind::Nameservers, false),
                (ChangeKind::Dnssec, false),
                (ChangeKind::Registrant, false),
            ]
        );
    }

    #[test]
    fn an_auto_renew_while_active_is_not_an_alert() {
        // `docs/registries.md` §1.2 step 1: the registry moves the expiry a year on its own.
        let before = base();
        let mut after = base();
        after.expires_at = t("2027-11-01T00:00:00Z");
        let changes = diff(&before, &after, Phase::Active, Phase::Active);
        assert_eq!(kinds(&changes), vec![(ChangeKind::Expiry, false)]);
    }

    #[test]
    fn a_name_registered_again_after_the_drop() {
        let after = base();
        let changes = diff(
            &RegistryRecord::default(),
            &after,
            Phase::Available,
            Phase::Active,
        );
        assert_eq!(kinds(&changes), vec![(ChangeKind::Availability, true)]);
        assert_eq!(
            changes[0].summary,
            "The name was registered through Registrar A."
        );
    }
}
