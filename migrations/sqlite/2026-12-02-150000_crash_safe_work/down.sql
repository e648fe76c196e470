DROP INDEX job_runs_running;
UPDATE job_runs SET status = 'failed' WHERE status IN ('interrupted', 'abandoned');
CREATE TABLE job_runs_old (
    id TEXT PRIMARY KEY NOT NULL,
    job TEXT NOT NULL,
    holder TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
    detail TEXT NOT NULL DEFAULT ''
);
INSERT INTO job_runs_old SELECT id, job, holder, started_at, finished_at, status, detail FROM job_runs;
DROP TABLE job_runs;
ALTER TABLE job_runs_old RENAME TO job_runs;
CREATE INDEX job_runs_job ON job_runs (job, started_at);

UPDATE outbox_attempts SET outcome = 'retry' WHERE outcome = 'interrupted';
CREATE TABLE outbox_attempts_old (
    id TEXT PRIMARY KEY NOT NULL,
    outbox_id TEXT NOT NULL REFERENCES outbox_messages (id),
    at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed')),
    smtp_code INTEGER,
    response TEXT NOT NULL
);
INSERT INTO outbox_attempts_old SELECT id, outbox_id, at, outcome, smtp_code, response FROM outbox_attempts;
DROP TABLE outbox_attempts;
ALTER TABLE outbox_attempts_old RENAME TO outbox_attempts;
CREATE INDEX outbox_attempts_message ON outbox_attempts (outbox_id, at);

DROP TABLE outbox_sends;
