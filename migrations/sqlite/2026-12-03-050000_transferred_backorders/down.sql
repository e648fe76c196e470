-- Back to the statuses without 'transferred'; a transferred backorder reads as won.
UPDATE backorders SET status = 'won' WHERE status = 'transferred';
CREATE TABLE backorders_old (
    id TEXT PRIMARY KEY NOT NULL,
    matter_id TEXT NOT NULL REFERENCES matters (id),
    domain TEXT NOT NULL,
    unicode TEXT NOT NULL,
    tld TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('watching', 'expiring', 'redemption', 'pending_delete', 'dropped',
        'caught', 'auction', 'won', 'lost', 'renewed', 'cancelled')),
    priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
    max_bid_minor BIGINT CHECK (max_bid_minor >= 0),
    currency TEXT NOT NULL DEFAULT 'EUR',
    notes TEXT NOT NULL DEFAULT '',
    conflict_confirmed_by TEXT REFERENCES users (id),
    conflict_confirmed_at TIMESTAMP,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (matter_id, domain)
);
INSERT INTO backorders_old (id, matter_id, domain, unicode, tld, status, priority, max_bid_minor,
    currency, notes, conflict_confirmed_by, conflict_confirmed_at, created_by, created_at, updated_at)
SELECT id, matter_id, domain, unicode, tld, status, priority, max_bid_minor, currency, notes,
    conflict_confirmed_by, conflict_confirmed_at, created_by, created_at, updated_at FROM backorders;
DROP TABLE backorders;
ALTER TABLE backorders_old RENAME TO backorders;
CREATE INDEX backorders_domain ON backorders (domain);
