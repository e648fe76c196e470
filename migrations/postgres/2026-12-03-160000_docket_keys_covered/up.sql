-- The docket's keys (repo::procedures::docket_keys: each urgency of the dashboard, each page of
-- the deadlines list) read from the index alone: with the matter, the procedure and whether the
-- deadline is done in it, the walk no longer visits each deadline's row (its label and basis),
-- which was half of the dashboard's reading of its deadlines at firm scale (issue 17).
DROP INDEX deadlines_running;
CREATE INDEX deadlines_running ON deadlines
    (state, (COALESCE(official_on, computed_on, DATE '0001-01-01')), id, matter_id, procedure_id, done_at);
