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
    pdf BLOB NOT NULL,
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
CREATE TRIGGER reports_unchanged BEFORE UPDATE ON reports
WHEN NEW.pdf IS NOT OLD.pdf OR NEW.sha256 IS NOT OLD.sha256 OR NEW.reference IS NOT OLD.reference
    OR NEW.generated_at IS NOT OLD.generated_at
BEGIN
    SELECT RAISE(ABORT, 'a kept report cannot be changed');
END;
CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
BEGIN
    SELECT RAISE(ABORT, 'reports are kept');
END;
