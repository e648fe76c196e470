DROP INDEX job_runs_running;
UPDATE job_runs SET status = 'failed' WHERE status IN ('interrupted', 'abandoned');
ALTER TABLE job_runs DROP CONSTRAINT job_runs_status_check;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_status_check CHECK (status IN ('running', 'ok', 'failed'));

UPDATE outbox_attempts SET outcome = 'retry' WHERE outcome = 'interrupted';
ALTER TABLE outbox_attempts DROP CONSTRAINT outbox_attempts_outcome_check;
ALTER TABLE outbox_attempts ADD CONSTRAINT outbox_attempts_outcome_check
    CHECK (outcome IN ('sent', 'retry', 'failed'));

DROP TABLE outbox_sends;
