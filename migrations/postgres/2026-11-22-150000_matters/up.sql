-- Matters, clients' contacts and report cadence, backorders with their status history and catch
-- channels.

ALTER TABLE clients ADD COLUMN report_cadence TEXT NOT NULL DEFAULT 'none'
    CHECK (report_cadence IN ('none', 'weekly', 'monthly'));
ALTER TABLE clients ADD COLUMN notes TEXT NOT NULL DEFAULT '';

CREATE TABLE client_contacts (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    position TEXT NOT NULL DEFAULT '',
    receives_reports BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX client_contacts_client ON client_contacts (client_id);

-- The last matter number given out per year (references are M-<year>-<number>).
CREATE TABLE matter_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last_number INTEGER NOT NULL
);

CREATE TABLE matters (
    id TEXT PRIMARY KEY NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL REFERENCES clients (id),
    title TEXT NOT NULL,
    responsible_lawyer_id TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    notes TEXT NOT NULL DEFAULT '',
    opened_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX matters_client ON matters (client_id);

CREATE TABLE matter_team (
    matter_id TEXT NOT NULL REFERENCES matters (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (matter_id, user_id)
);

CREATE TABLE matter_marks (
    id TEXT PRIMARY KEY NOT NULL,
    matter_id TEXT NOT NULL REFERENCES matters (id),
    name TEXT NOT NULL,
    registration TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
);
CREATE INDEX matter_marks_matter ON matter_marks (matter_id);

CREATE TABLE backorders (
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
CREATE INDEX backorders_domain ON backorders (domain);

-- Every change of a backorder's status, and who or what made it. Never changed afterwards.
CREATE TABLE backorder_events (
    id TEXT PRIMARY KEY NOT NULL,
    backorder_id TEXT NOT NULL REFERENCES backorders (id),
    at TIMESTAMP NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    actor TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX backorder_events_backorder ON backorder_events (backorder_id, at);

CREATE TABLE catch_channels (
    id TEXT PRIMARY KEY NOT NULL,
    backorder_id TEXT NOT NULL REFERENCES backorders (id),
    service TEXT NOT NULL CHECK (service IN ('dropcatch', 'snapnames', 'namejet', 'dynadot', 'godaddy',
        'fr_catcher', 'firm_registrar', 'other')),
    service_name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('planned', 'placed', 'in_auction', 'won', 'lost', 'cancelled')),
    external_reference TEXT NOT NULL DEFAULT '',
    -- due to the service only if it catches the name; nothing is paid before
    success_fee_minor BIGINT CHECK (success_fee_minor >= 0),
    -- the auction price, when an auction decided
    price_minor BIGINT CHECK (price_minor >= 0),
    currency TEXT NOT NULL DEFAULT 'EUR',
    auction_result TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX catch_channels_backorder ON catch_channels (backorder_id);

CREATE FUNCTION backorder_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the status history is append-only';
END
$$;
CREATE TRIGGER backorder_events_no_change BEFORE UPDATE OR DELETE ON backorder_events
    FOR EACH ROW EXECUTE FUNCTION backorder_events_append_only();
