-- Outreach to domain holders: the firm's sender identities, the messages with their approvals,
-- and the suppression list (hashes only).

CREATE TABLE sender_profiles (
    id TEXT PRIMARY KEY NOT NULL,
    label TEXT NOT NULL,
    legal_name TEXT NOT NULL,
    postal_address TEXT NOT NULL,
    phone TEXT NOT NULL,
    from_name TEXT NOT NULL DEFAULT '',
    from_email TEXT NOT NULL,
    reply_to TEXT,
    dkim_selector TEXT,
    -- An RSA key (PKCS#1 PEM) or an Ed25519 key (base64 of its 32 bytes); never shown again.
    dkim_private_key TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE outreach_messages (
    id TEXT PRIMARY KEY NOT NULL,
    backorder_id TEXT NOT NULL REFERENCES backorders (id),
    matter_id TEXT NOT NULL REFERENCES matters (id),
    sender_profile_id TEXT NOT NULL REFERENCES sender_profiles (id),
    to_address TEXT NOT NULL,
    address_source TEXT NOT NULL CHECK (address_source IN ('unspecified', 'registrar_relay', 'holder_published', 'holder_wrote', 'registry_data')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    template TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'queued', 'cancelled')),
    drafted_by TEXT REFERENCES users (id),
    outbox_id TEXT REFERENCES outbox_messages (id),
    answered_at TIMESTAMP,
    answer_note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX outreach_messages_backorder ON outreach_messages (backorder_id);
CREATE INDEX outreach_messages_matter ON outreach_messages (matter_id);
CREATE INDEX outreach_messages_to ON outreach_messages (to_address);

-- Approvals and procedure-warning overrides, each for the exact content it was given on
-- (SHA-256 of sender, recipient, subject and body): an edit voids them.
CREATE TABLE outreach_approvals (
    id TEXT PRIMARY KEY NOT NULL,
    outreach_id TEXT NOT NULL REFERENCES outreach_messages (id),
    kind TEXT NOT NULL CHECK (kind IN ('approval', 'procedure_override')),
    user_id TEXT NOT NULL REFERENCES users (id),
    content_sha256 TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
CREATE INDEX outreach_approvals_outreach ON outreach_approvals (outreach_id);

-- SHA-256 of the lower-cased address: enough to refuse a send, nothing to mail from.
CREATE TABLE suppressions (
    address_sha256 TEXT PRIMARY KEY NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('unsubscribed', 'bounced', 'complained', 'manual')),
    source TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

-- Once queued, a message is part of the matter's record: its content cannot change and it
-- cannot be removed; only the answer can be recorded.
CREATE TRIGGER outreach_messages_sent_unchanged BEFORE UPDATE ON outreach_messages
WHEN OLD.status = 'queued' AND (NEW.status IS NOT OLD.status OR NEW.subject IS NOT OLD.subject
    OR NEW.body IS NOT OLD.body OR NEW.to_address IS NOT OLD.to_address
    OR NEW.sender_profile_id IS NOT OLD.sender_profile_id OR NEW.outbox_id IS NOT OLD.outbox_id)
BEGIN
    SELECT RAISE(ABORT, 'a sent outreach message cannot be changed');
END;
CREATE TRIGGER outreach_messages_no_delete BEFORE DELETE ON outreach_messages
BEGIN
    SELECT RAISE(ABORT, 'outreach messages are kept');
END;
CREATE TRIGGER outreach_approvals_no_update BEFORE UPDATE ON outreach_approvals
BEGIN
    SELECT RAISE(ABORT, 'approvals are append-only');
END;
CREATE TRIGGER outreach_approvals_no_delete BEFORE DELETE ON outreach_approvals
BEGIN
    SELECT RAISE(ABORT, 'approvals are append-only');
END;
