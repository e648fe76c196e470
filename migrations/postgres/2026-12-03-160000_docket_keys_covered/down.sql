DROP INDEX deadlines_running;
CREATE INDEX deadlines_running ON deadlines (state, (COALESCE(official_on, computed_on, DATE '0001-01-01')), id);
