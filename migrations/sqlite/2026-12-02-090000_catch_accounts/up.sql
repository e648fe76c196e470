-- The firm's accounts at catch services with an API (src/catch). The credentials are sealed
-- (AES-256-GCM under a key derived from the instance's secret key, bound to the account's id):
-- the database alone never reveals them, and no answer, log or audit entry carries them.
CREATE TABLE catch_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    provider TEXT NOT NULL,
    label TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    auth_endpoint TEXT,
    credentials_sealed TEXT NOT NULL,
    max_bid_per_name_minor INTEGER,
    monthly_limit_minor INTEGER,
    currency TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    verified_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (provider, label)
);
