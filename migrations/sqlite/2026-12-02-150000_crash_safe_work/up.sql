-- Crash-safe background work (issue 14, finding 5). A message's SMTP transaction is recorded as
-- begun (when, by which instance) in outbox_sends before it begins, and the row removed with the
-- result; a message whose sender stopped in between is sent again by the next claimer, with an
-- attempt of outcome 'interrupted' saying it may arrive twice (docs/architecture.md, "Leases,
-- heartbeat and shutdown"). Job runs can end as 'interrupted' (the process was asked to stop)
-- or 'abandoned' (its instance died: no heartbeat). SQLite cannot change a CHECK constraint in
-- place, so those two tables are rebuilt with the same columns.
CREATE TABLE outbox_sends (
    outbox_id TEXT PRIMARY KEY NOT NULL REFERENCES outbox_messages (id),
    started_at TIMESTAMP NOT NULL,
    started_by TEXT NOT NULL
);

CREATE TABLE outbox_attempts_new (
    id TEXT PRIMARY KEY NOT NULL,
    outbox_id TEXT NOT NULL REFERENCES outbox_messages (id),
    at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed', 'interrupted')),
    smtp_code INTEGER,
    response TEXT NOT NULL
);
INSERT INTO outbox_attempts_new SELECT id, outbox_id, at, outcome, smtp_code, response FROM outbox_attempts;
DROP TABLE outbox_attempts;
ALTER TABLE outbox_attempts_new RENAME TO outbox_attempts;
CREATE INDEX outbox_attempts_message ON outbox_attempts (outbox_id, at);

CREATE TABLE job_runs_new (
    id TEXT PRIMARY KEY NOT NULL,
    job TEXT NOT NULL,
    holder TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted', 'abandoned')),
    detail TEXT NOT NULL DEFAULT ''
);
INSERT INTO job_runs_new SELECT id, job, holder, started_at, finished_at, status, detail FROM job_runs;
DROP TABLE job_runs;
ALTER TABLE job_runs_new RENAME TO job_runs;
CREATE INDEX job_runs_job ON job_runs (job, started_at);
-- The heartbeat looks for running runs every few seconds; runs pile up by the thousand.
CREATE INDEX job_runs_running ON job_runs (status) WHERE status = 'running';
