-- A backorder can end with the name transferred to the client (bought from the holder, or
-- ordered by a UDRP/SYRELI decision): status 'transferred'. SQLite cannot change a CHECK
-- constraint in place: the table is rebuilt with the same columns (foreign keys are off while
-- migrating; the other tables refer to it by name).
CREATE TABLE backorders_new (
    id TEXT PRIMARY KEY NOT NULL,
    matter_id TEXT NOT NULL REFERENCES matters (id),
    domain TEXT NOT NULL,
    unicode TEXT NOT NULL,
    tld TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('watching', 'expiring', 'redemption', 'pending_delete', 'dropped',
        'caught', 'auction', 'won', 'lost', 'renewed', 'cancelled', 'transferred')),
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
INSERT INTO backorders_new (id, matter_id, domain, unicode, tld, status, priority, max_bid_minor,
    currency, notes, conflict_confirmed_by, conflict_confirmed_at, created_by, created_at, updated_at)
SELECT id, matter_id, domain, unicode, tld, status, priority, max_bid_minor, currency, notes,
    conflict_confirmed_by, conflict_confirmed_at, created_by, created_at, updated_at FROM backorders;
DROP TABLE backorders;
ALTER TABLE backorders_new RENAME TO backorders;
CREATE INDEX backorders_domain ON backorders (domain);
