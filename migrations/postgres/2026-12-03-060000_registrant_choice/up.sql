-- A direct catch registers the name in the client's name or the firm's, as the backorder says
-- (issue 16); the client's contact handle at each of the firm's registrar accounts.
ALTER TABLE backorders ADD COLUMN registrant TEXT NOT NULL DEFAULT 'firm'
    CHECK (registrant IN ('client', 'firm'));
CREATE TABLE client_registrant_handles (
    client_id TEXT NOT NULL REFERENCES clients (id),
    account_id TEXT NOT NULL REFERENCES catch_accounts (id),
    handle TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (client_id, account_id)
);
