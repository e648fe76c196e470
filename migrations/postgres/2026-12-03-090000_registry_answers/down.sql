-- Back to inline bytes: possible only while every answer is stored as received (SQL cannot
-- inflate zlib).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM registry_answers WHERE method != 'none') THEN
        RAISE EXCEPTION 'registry answers are compressed: restore a backup taken before this migration';
    END IF;
END
$$;
DROP INDEX registry_snapshots_related;
ALTER TABLE registry_snapshots DROP CONSTRAINT registry_snapshots_answer;
ALTER TABLE registry_snapshots ADD COLUMN raw BYTEA NOT NULL DEFAULT '';
ALTER TABLE registry_snapshots DISABLE TRIGGER registry_snapshots_no_change;
UPDATE registry_snapshots s SET raw = a.body FROM registry_answers a WHERE a.sha256 = s.sha256;
ALTER TABLE registry_snapshots ENABLE TRIGGER registry_snapshots_no_change;
ALTER TABLE registry_snapshots ALTER COLUMN raw DROP DEFAULT;
DROP TABLE registry_answers;
DROP FUNCTION registry_answers_kept();
