-- Status reports: every PDF generated is kept with its hash, who or what made it, and to whom
-- it was sent.

CREATE TABLE report_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last_number INTEGER NOT NULL
);

CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('matter', 'client')),
    client_id TEXT NOT NULL REFERENCES clients (id),
    matter_id TEXT REFERENCES matters (id),
    generated_at TIMESTAMP NOT NULL,
    generated_by TEXT REFERENCES users (id),
    made_for TEXT NOT NULL DEFAULT '',
    pdf BYTEA NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    pages INTEGER NOT NULL,
    sent_to TEXT NOT NULL DEFAULT '',
    sent_at TIMESTAMP,
    outbox_id TEXT REFERENCES outbox_messages (id)
);
CREATE INDEX reports_matter ON reports (matter_id, generated_at);
CREATE INDEX reports_client ON reports (client_id, generated_at);

-- A kept report is evidence of what the client was told: its bytes never change.
CREATE FUNCTION reports_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'reports are kept';
    END IF;
    IF NEW.pdf IS DISTINCT FROM OLD.pdf OR NEW.sha256 IS DISTINCT FROM OLD.sha256
        OR NEW.reference IS DISTINCT FROM OLD.reference OR NEW.generated_at IS DISTINCT FROM OLD.generated_at THEN
        RAISE EXCEPTION 'a kept report cannot be changed';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER reports_unchanged BEFORE UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION reports_keep();
