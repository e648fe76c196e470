-- Dispute procedures on a matter, their events, the deadlines computed from them (or entered
-- by hand), firm-entered closure days per calendar, and each user's calendar feed token.

CREATE TABLE procedures (
    id TEXT PRIMARY KEY NOT NULL,
    matter_id TEXT NOT NULL REFERENCES matters (id),
    kind TEXT NOT NULL CHECK (kind IN ('udrp', 'syreli', 'parl_expert', 'urs', 'nominet_drs', 'cira_cdrp', 'eu_adr')),
    provider TEXT NOT NULL,
    case_number TEXT NOT NULL DEFAULT '',
    registrar_country TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided', 'closed')),
    outcome TEXT CHECK (outcome IN ('transfer', 'cancellation', 'deletion', 'suspension', 'denied', 'withdrawn', 'terminated')),
    rdnh_finding BOOLEAN NOT NULL DEFAULT FALSE,
    parties TEXT NOT NULL DEFAULT '',
    panel TEXT NOT NULL DEFAULT '',
    fees_minor BIGINT CHECK (fees_minor >= 0),
    currency TEXT NOT NULL DEFAULT 'EUR',
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX procedures_matter ON procedures (matter_id);

-- The names a procedure covers (UDRP Rules 3(c): one holder), linked to the matter's backorders.
CREATE TABLE procedure_domains (
    procedure_id TEXT NOT NULL REFERENCES procedures (id),
    domain TEXT NOT NULL,
    unicode TEXT NOT NULL,
    backorder_id TEXT REFERENCES backorders (id),
    PRIMARY KEY (procedure_id, domain)
);
CREATE INDEX procedure_domains_domain ON procedure_domains (domain);

CREATE TABLE procedure_events (
    id TEXT PRIMARY KEY NOT NULL,
    procedure_id TEXT NOT NULL REFERENCES procedures (id),
    kind TEXT NOT NULL CHECK (kind IN ('complaint_filed', 'fee_paid', 'verification_requested', 'lock_confirmed',
        'deficiency_notified', 'deficiency_cured', 'commenced', 'response_extended', 'response_received',
        'panel_appointed', 'decision_received', 'decision_notified', 'court_action_filed', 'implemented', 'withdrawn')),
    occurred_on DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX procedure_events_procedure ON procedure_events (procedure_id, occurred_on);

-- A computed deadline keeps its rule id; recomputing updates the date and keeps the official
-- date, the assignee and whether it was marked done. Who must act, the source and whether it is
-- to verify belong to the rule (domain/deadlines.rs RULES), not to each row.
CREATE TABLE deadlines (
    id TEXT PRIMARY KEY NOT NULL,
    matter_id TEXT NOT NULL REFERENCES matters (id),
    procedure_id TEXT REFERENCES procedures (id),
    rule TEXT NOT NULL,
    label TEXT NOT NULL,
    computed_on DATE,
    official_on DATE,
    calendar TEXT NOT NULL DEFAULT '',
    basis TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'met', 'cancelled')),
    done_at TIMESTAMP,
    done_by TEXT REFERENCES users (id),
    assigned_to TEXT REFERENCES users (id),
    overdue_alerted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (procedure_id, rule)
);
CREATE INDEX deadlines_matter ON deadlines (matter_id);
CREATE INDEX deadlines_assigned ON deadlines (assigned_to);

CREATE TABLE calendar_closures (
    id TEXT PRIMARY KEY NOT NULL,
    calendar TEXT NOT NULL,
    day DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (calendar, day)
);

ALTER TABLE users ADD COLUMN calendar_feed_key TEXT;
CREATE UNIQUE INDEX users_calendar_feed_key ON users (calendar_feed_key);
