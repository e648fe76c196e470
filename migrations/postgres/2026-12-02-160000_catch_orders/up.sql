-- Orders placed by reclaim itself with a catch service through the firm's account (src/catch,
-- app::catch): `catch_orders` holds, for such a channel, the account, the client's highest bid,
-- the service's last word, when it was placed, when to try again, and who is placing it now (a
-- short claim, so that two instances never place the same order twice). New channel states:
-- 'scheduled', 'refused', 'caught'.
ALTER TABLE catch_channels DROP CONSTRAINT catch_channels_status_check;
ALTER TABLE catch_channels ADD CONSTRAINT catch_channels_status_check
    CHECK (status IN ('planned', 'scheduled', 'placed', 'refused', 'caught', 'in_auction', 'won', 'lost', 'cancelled'));
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
