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
CREATE INDEX deadlines_running ON deadlines (state, (COALESCE(official_on, computed_on, '0001-01-01')), id);
-- Catch accounts and sender profiles are few; their lists sort on the primary key's
-- neighbours and need no index.

-- The names of every backorder, searched by any three characters or more: FTS5 with the
-- trigram tokenizer (SQLite 3.34+, https://sqlite.org/fts5.html#the_trigram_tokenizer). A
-- standalone table (backorders has no INTEGER PRIMARY KEY, and VACUUM may renumber implicit
-- rowids), kept by the triggers below.
CREATE VIRTUAL TABLE backorder_names USING fts5(
    backorder_id UNINDEXED,
    matter_id UNINDEXED,
    name,
    tokenize = 'trigram'
);
INSERT INTO backorder_names (backorder_id, matter_id, name)
    SELECT id, matter_id, domain || ' ' || unicode FROM backorders;
CREATE TRIGGER backorder_names_insert AFTER INSERT ON backorders BEGIN
    INSERT INTO backorder_names (backorder_id, matter_id, name)
        VALUES (new.id, new.matter_id, new.domain || ' ' || new.unicode);
END;
CREATE TRIGGER backorder_names_update AFTER UPDATE OF domain, unicode, matter_id ON backorders BEGIN
    DELETE FROM backorder_names WHERE backorder_id = old.id;
    INSERT INTO backorder_names (backorder_id, matter_id, name)
        VALUES (new.id, new.matter_id, new.domain || ' ' || new.unicode);
END;
CREATE TRIGGER backorder_names_delete AFTER DELETE ON backorders BEGIN
    DELETE FROM backorder_names WHERE backorder_id = old.id;
END;

-- The dashboard's names about to drop: by phase and predicted drop.
CREATE INDEX monitored_domains_drop ON monitored_domains (phase, drop_earliest);
-- ... and the names that became free lately (a name seen free long ago leaves that list).
CREATE INDEX registry_changes_kind_at ON registry_changes (kind, detected_at);
