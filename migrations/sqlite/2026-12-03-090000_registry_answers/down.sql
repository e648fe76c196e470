-- Back to inline bytes: possible only while every answer is stored as received (SQL cannot
-- inflate zlib); the CHECK below stops the migration otherwise.
CREATE TEMPORARY TABLE registry_answers_down_check (compressed INTEGER CHECK (compressed = 0));
INSERT INTO registry_answers_down_check SELECT count(*) FROM registry_answers WHERE method != 'none';
DROP TABLE registry_answers_down_check;
DROP INDEX registry_snapshots_related;
DROP TRIGGER registry_snapshots_answer_kept;
ALTER TABLE registry_snapshots ADD COLUMN raw BLOB NOT NULL DEFAULT x'';
DROP TRIGGER registry_snapshots_no_update;
UPDATE registry_snapshots SET raw = (SELECT body FROM registry_answers a WHERE a.sha256 = registry_snapshots.sha256);
CREATE TRIGGER registry_snapshots_no_update BEFORE UPDATE ON registry_snapshots
BEGIN
    SELECT RAISE(ABORT, 'registry snapshots are evidence and cannot be changed');
END;
DROP TRIGGER registry_answers_no_delete;
DROP TRIGGER registry_answers_no_update;
DROP TABLE registry_answers;
