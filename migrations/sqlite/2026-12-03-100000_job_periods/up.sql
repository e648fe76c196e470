-- A scheduled run records the period (the schedule's tick) it runs for: at most one run per job
-- and period, whichever instance takes it. Runs started by hand have none (NULLs are distinct
-- in a unique index on both SQLite and PostgreSQL).
ALTER TABLE job_runs ADD COLUMN period TIMESTAMP;
CREATE UNIQUE INDEX job_runs_once_per_period ON job_runs (job, period);
