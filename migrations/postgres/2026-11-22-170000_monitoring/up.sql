-- Registry monitoring (names watched, evidence snapshots, detected changes), background jobs
-- (runs and leases), the RDAP bootstrap, and the durable outbox for every e-mail.

-- One row per name watched, whatever the number of backorders seeking it.
CREATE TABLE monitored_domains (
    domain TEXT PRIMARY KEY NOT NULL,
    unicode TEXT NOT NULL,
    tld TEXT NOT NULL,
    phase TEXT NOT NULL DEFAULT 'unknown' CHECK (phase IN ('active', 'auto_renew_grace', 'expired_grace', 'redemption',
        'pending_delete', 'quarantine', 'suspended', 'available', 'unknown')),
    drop_earliest TIMESTAMP,
    drop_latest TIMESTAMP,
    assessment_reason TEXT NOT NULL DEFAULT '',
    last_snapshot_id TEXT,
    last_checked_at TIMESTAMP,
    next_check_at TIMESTAMP NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    lease_holder TEXT,
    lease_expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX monitored_domains_due ON monitored_domains (next_check_at);
INSERT INTO monitored_domains (domain, unicode, tld, next_check_at, created_at)
    SELECT domain, MIN(unicode), MIN(tld), MIN(created_at), MIN(created_at) FROM backorders GROUP BY domain;

-- Every registry answer, byte for byte: evidence for a complaint annex. Never changed.
CREATE TABLE registry_snapshots (
    id TEXT PRIMARY KEY NOT NULL,
    domain TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('rdap', 'whois', 'rdap_registrar', 'whois_registrar')),
    server TEXT NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    http_status INTEGER,
    raw BYTEA NOT NULL,
    sha256 TEXT NOT NULL,
    parsed TEXT NOT NULL,
    registered BOOLEAN NOT NULL,
    phase TEXT NOT NULL,
    related_to TEXT REFERENCES registry_snapshots (id)
);
CREATE INDEX registry_snapshots_domain ON registry_snapshots (domain, fetched_at);

CREATE TABLE registry_changes (
    id TEXT PRIMARY KEY NOT NULL,
    domain TEXT NOT NULL,
    snapshot_id TEXT NOT NULL REFERENCES registry_snapshots (id),
    previous_snapshot_id TEXT REFERENCES registry_snapshots (id),
    detected_at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('status', 'expiry', 'registrar', 'nameservers', 'dnssec', 'registrant',
        'deletion', 'availability')),
    before_value TEXT NOT NULL,
    after_value TEXT NOT NULL,
    summary TEXT NOT NULL,
    important BOOLEAN NOT NULL
);
CREATE INDEX registry_changes_domain ON registry_changes (domain, detected_at);

-- Checks that failed (timeouts, 429, 5xx, unreadable answers), kept for the record.
CREATE TABLE registry_check_errors (
    id TEXT PRIMARY KEY NOT NULL,
    domain TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    server TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX registry_check_errors_domain ON registry_check_errors (domain, at);

CREATE TABLE rdap_bootstraps (
    id TEXT PRIMARY KEY NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    publication TEXT NOT NULL,
    body TEXT NOT NULL,
    sha256 TEXT NOT NULL
);

CREATE TABLE job_runs (
    id TEXT PRIMARY KEY NOT NULL,
    job TEXT NOT NULL,
    holder TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job ON job_runs (job, started_at);

-- One instance runs a given job at a time (several instances can share a PostgreSQL database).
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- Every e-mail reclaim sends is written here first, fully formed (the same bytes and
-- Message-ID on every attempt), then delivered by the outbox job.
CREATE TABLE outbox_messages (
    id TEXT PRIMARY KEY NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('alert', 'reminder', 'report', 'outreach')),
    dedupe_key TEXT UNIQUE,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    raw BYTEA NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    last_error TEXT,
    matter_id TEXT REFERENCES matters (id),
    backorder_id TEXT REFERENCES backorders (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_messages_due ON outbox_messages (status, next_attempt_at);

CREATE TABLE outbox_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    outbox_id TEXT NOT NULL REFERENCES outbox_messages (id),
    at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed')),
    smtp_code INTEGER,
    response TEXT NOT NULL
);
CREATE INDEX outbox_attempts_message ON outbox_attempts (outbox_id, at);

CREATE FUNCTION registry_snapshots_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'registry snapshots are evidence and cannot be changed';
END
$$;
CREATE TRIGGER registry_snapshots_no_change BEFORE UPDATE OR DELETE ON registry_snapshots
    FOR EACH ROW EXECUTE FUNCTION registry_snapshots_append_only();
