-- Registry answers apart from the snapshots, stored once per SHA-256 and compressed (issue 17):
-- a name checked every hour mostly gets the same answer back, and a name's timeline must not
-- read kilobytes of raw bytes per row. A snapshot keeps its metadata and the hash of its
-- answer; the bytes live once in `registry_answers`.
--
-- `method` says how `body` holds the bytes: 'zlib' (RFC 1950 around RFC 1951 DEFLATE) or
-- 'none' (as received). The answers moved here are stored 'none'; reclaim compresses them
-- right after migrating (`db::migrations::compress_moved_answers`), checking each one's SHA-256
-- and size before it writes.
CREATE TABLE registry_answers (
    sha256 TEXT PRIMARY KEY NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('none', 'zlib')),
    size INTEGER NOT NULL,
    body BLOB NOT NULL
);
INSERT INTO registry_answers (sha256, method, size, body)
    SELECT sha256, 'none', length(MIN(raw)), MIN(raw) FROM registry_snapshots GROUP BY sha256;

-- Evidence: an answer is never deleted, and its bytes change only from 'none' to a compressed
-- form of the same bytes (same hash, same size).
CREATE TRIGGER registry_answers_no_update BEFORE UPDATE ON registry_answers
WHEN OLD.method != 'none' OR NEW.method = 'none' OR NEW.sha256 IS NOT OLD.sha256 OR NEW.size IS NOT OLD.size
BEGIN
    SELECT RAISE(ABORT, 'registry answers are evidence and cannot be changed');
END;
CREATE TRIGGER registry_answers_no_delete BEFORE DELETE ON registry_answers
BEGIN
    SELECT RAISE(ABORT, 'registry answers are evidence and cannot be changed');
END;

-- The inline bytes go. DROP COLUMN keeps the table, its indexes and its triggers (the column is
-- in none of them), so the snapshots stay append-only. SQLite cannot add a foreign key to an
-- existing table: a trigger refuses a snapshot whose answer is not stored.
ALTER TABLE registry_snapshots DROP COLUMN raw;
CREATE TRIGGER registry_snapshots_answer_kept BEFORE INSERT ON registry_snapshots
WHEN NOT EXISTS (SELECT 1 FROM registry_answers WHERE sha256 = NEW.sha256)
BEGIN
    SELECT RAISE(ABORT, 'a registry snapshot needs its answer stored in registry_answers');
END;

-- The sweep reads, for the names it checks, the registrar's answer kept with each name's last
-- registry answer (`repo::monitoring::last_checks`).
CREATE INDEX registry_snapshots_related ON registry_snapshots (related_to);
