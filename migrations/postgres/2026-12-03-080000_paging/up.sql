-- Pagination and search at firm scale (issue 17): an index for each filter and sort of the
-- lists and pages, and a trigram index of the names for the matters search.

-- Matters list: open first, newest first, by key (repo::matters::list), for the firm and for
-- one client.
CREATE INDEX matters_listed ON matters (status, opened_at, id);
CREATE INDEX matters_client_listed ON matters (client_id, status, opened_at, id);
-- A matter's names, and the names counted per matter on the list.
CREATE INDEX backorders_matter ON backorders (matter_id);
-- Running deadlines by the date that counts (the official one when entered), as the docket
-- pages them (repo::procedures::docket_page).
CREATE INDEX deadlines_running ON deadlines (state, (COALESCE(official_on, computed_on, DATE '0001-01-01')), id);

-- The names of every backorder, searched by any three characters or more: pg_trgm's GIN index
-- serves `LIKE '%…%'` (https://www.postgresql.org/docs/current/pgtrgm.html, "Index Support").
-- pg_trgm ships with PostgreSQL (Debian: in the postgresql-NN package's contrib modules) and is
-- a trusted extension (PostgreSQL 13+), so a database owner may create it. Where it cannot be
-- created, the search still works, by scanning, and the server logs why.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXECUTE 'CREATE INDEX backorders_names_trgm ON backorders USING gin (lower(domain || '' '' || unicode) gin_trgm_ops)';
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'reclaim: the pg_trgm extension could not be created (%); the matters search will scan the names instead of using a trigram index. Ask the database administrator to run CREATE EXTENSION pg_trgm in this database.', SQLERRM;
END
$$;

-- The dashboard's names about to drop: by phase and predicted drop.
CREATE INDEX monitored_domains_drop ON monitored_domains (phase, drop_earliest);
-- ... and the names that became free lately (a name seen free long ago leaves that list).
CREATE INDEX registry_changes_kind_at ON registry_changes (kind, detected_at);
