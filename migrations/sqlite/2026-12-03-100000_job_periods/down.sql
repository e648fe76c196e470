DROP INDEX job_runs_once_per_period;
ALTER TABLE job_runs DROP COLUMN period;
