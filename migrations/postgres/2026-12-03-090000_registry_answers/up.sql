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
    size BIGINT NOT NULL,
    body BYTEA NOT NULL
);
INSERT INTO registry_answers (sha256, method, size, body)
    SELECT DISTINCT ON (sha256) sha256, 'none', octet_length(raw), raw
    FROM registry_snapshots ORDER BY sha256, fetched_at, id;

-- Evidence: an answer is never deleted, and its bytes change only from 'none' to a compressed
-- form of the same bytes (same hash, same size).
CREATE FUNCTION registry_answers_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.method = 'none' AND NEW.method != 'none' AND NEW.sha256 = OLD.sha256
        AND NEW.size = OLD.size THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'registry answers are evidence and cannot be changed';
END
$$;
CREATE TRIGGER registry_answers_no_change BEFORE UPDATE OR DELETE ON registry_answers
    FOR EACH ROW EXECUTE FUNCTION registry_answers_kept();

-- The inline bytes go; the append-only trigger of the snapshots stays.
ALTER TABLE registry_snapshots DROP COLUMN raw;
ALTER TABLE registry_snapshots ADD CONSTRAINT registry_snapshots_answer
    FOREIGN KEY (sha256) REFERENCES registry_answers (sha256);

-- The sweep reads, for the names it checks, the registrar's answer kept with each name's last
-- registry answer (`repo::monitoring::last_checks`).
CREATE INDEX registry_snapshots_related ON registry_snapshots (related_to);
