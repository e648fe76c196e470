-- Firm scale (issue 17). The matter page reads a matter's names a page at a time, by Unicode
-- form then id.
CREATE INDEX backorders_matter_names ON backorders (matter_id, unicode, id);

-- The matters search by index for its other texts too (reference and title, client's name), as
-- `backorders_names_trgm` does for the names: pg_trgm's GIN indexes serve `LIKE '%…%'`
-- (https://www.postgresql.org/docs/current/pgtrgm.html, "Index Support"). Where pg_trgm could
-- not be created (migration 2026-12-03-080000_paging), the search still works, by scanning.
DO $$
BEGIN
    EXECUTE 'CREATE INDEX matters_texts_trgm ON matters USING gin (lower(reference || '' '' || title) gin_trgm_ops)';
    EXECUTE 'CREATE INDEX clients_names_trgm ON clients USING gin (lower(name) gin_trgm_ops)';
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'reclaim: no trigram index for the matters search (%); it will scan the matters instead.', SQLERRM;
END
$$;
