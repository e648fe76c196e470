UPDATE monitored_domains SET phase = 'unknown' WHERE phase = 'cannot_register';
CREATE TABLE monitored_domains_old (
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
INSERT INTO monitored_domains_old SELECT domain, unicode, tld, phase, drop_earliest, drop_latest, assessment_reason,
    last_snapshot_id, last_checked_at, next_check_at, failures, last_error, lease_holder, lease_expires_at, created_at
    FROM monitored_domains;
DROP TABLE monitored_domains;
ALTER TABLE monitored_domains_old RENAME TO monitored_domains;
CREATE INDEX monitored_domains_due ON monitored_domains (next_check_at);
