-- Orders placed by reclaim itself with a catch service through the firm's account (src/catch,
-- app::catch): `catch_orders` holds, for such a channel, the account, the client's highest bid,
-- the service's last word, when it was placed, when to try again, and who is placing it now (a
-- short claim, so that two instances never place the same order twice). New channel states: 'scheduled' (waiting until
-- the service accepts the order), 'refused' (the service said no), 'caught' (the service caught
-- the name). SQLite cannot change a CHECK constraint in place: the table is rebuilt.
CREATE TABLE catch_channels_new (
    id TEXT PRIMARY KEY NOT NULL,
    backorder_id TEXT NOT NULL REFERENCES backorders (id),
    service TEXT NOT NULL CHECK (service IN ('dropcatch', 'snapnames', 'namejet', 'dynadot', 'godaddy',
        'fr_catcher', 'firm_registrar', 'other')),
    service_name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('planned', 'scheduled', 'placed', 'refused', 'caught',
        'in_auction', 'won', 'lost', 'cancelled')),
    external_reference TEXT NOT NULL DEFAULT '',
    success_fee_minor BIGINT CHECK (success_fee_minor >= 0),
    price_minor BIGINT CHECK (price_minor >= 0),
    currency TEXT NOT NULL DEFAULT 'EUR',
    auction_result TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO catch_channels_new (id, backorder_id, service, service_name, status, external_reference,
    success_fee_minor, price_minor, currency, auction_result, notes, created_at, updated_at)
SELECT id, backorder_id, service, service_name, status, external_reference, success_fee_minor,
    price_minor, currency, auction_result, notes, created_at, updated_at FROM catch_channels;
DROP TABLE catch_channels;
ALTER TABLE catch_channels_new RENAME TO catch_channels;
CREATE INDEX catch_channels_backorder ON catch_channels (backorder_id);
-- The order behind a channel that reclaim places itself, through one of the firm's accounts.
CREATE TABLE catch_orders (
    channel_id TEXT PRIMARY KEY NOT NULL REFERENCES catch_channels (id),
    backorder_id TEXT NOT NULL REFERENCES backorders (id),
    account_id TEXT NOT NULL REFERENCES catch_accounts (id),
    -- the client's highest bid through this order
    max_bid_minor BIGINT CHECK (max_bid_minor >= 0),
    -- the service's last word on it
    message TEXT NOT NULL DEFAULT '',
    placed_at TIMESTAMP,
    -- when reclaim next calls the service for it; NULL: nothing left to do
    next_attempt_at TIMESTAMP,
    -- calls that failed in a row (the backoff's exponent)
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until TIMESTAMP,
    claimed_by TEXT
);
-- One order per backorder and account.
CREATE UNIQUE INDEX catch_orders_account ON catch_orders (backorder_id, account_id);
CREATE INDEX catch_orders_due ON catch_orders (next_attempt_at);
-- Every call reclaim makes to a catch service for an order, for the backorder's timeline: what
-- was asked (never a secret), the answer, how long it took.
CREATE TABLE catch_calls (
    id TEXT PRIMARY KEY NOT NULL,
    channel_id TEXT NOT NULL REFERENCES catch_channels (id),
    backorder_id TEXT NOT NULL REFERENCES backorders (id),
    at TIMESTAMP NOT NULL,
    provider TEXT NOT NULL,
    action TEXT NOT NULL,
    request TEXT NOT NULL,
    status INTEGER,
    answer TEXT NOT NULL,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX catch_calls_backorder ON catch_calls (backorder_id, at);
