-- Crash-safe background work (issue 14, finding 5). A message's SMTP transaction is recorded as
-- begun (when, by which instance) in outbox_sends before it begins, and the row removed with the
-- result; a message whose sender stopped in between is sent again by the next claimer, with an
-- attempt of outcome 'interrupted' saying it may arrive twice (docs/architecture.md, "Leases,
-- heartbeat and shutdown"). Job runs can end as 'interrupted' (the process was asked to stop)
-- or 'abandoned' (its instance died: no heartbeat).
CREATE TABLE outbox_sends (
    outbox_id TEXT PRIMARY KEY NOT NULL REFERENCES outbox_messages (id),
    started_at TIMESTAMP NOT NULL,
    started_by TEXT NOT NULL
);

ALTER TABLE outbox_attempts DROP CONSTRAINT outbox_attempts_outcome_check;
ALTER TABLE outbox_attempts ADD CONSTRAINT outbox_attempts_outcome_check
    CHECK (outcome IN ('sent', 'retry', 'failed', 'interrupted'));

ALTER TABLE job_runs DROP CONSTRAINT job_runs_status_check;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_status_check
    CHECK (status IN ('running', 'ok', 'failed', 'interrupted', 'abandoned'));
-- The heartbeat looks for running runs every few seconds; runs pile up by the thousand.
CREATE INDEX job_runs_running ON job_runs (status) WHERE status = 'running';
