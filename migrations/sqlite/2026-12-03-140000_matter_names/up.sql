-- Firm scale (issue 17). The matter page reads a matter's names a page at a time, by Unicode
-- form then id.
CREATE INDEX backorders_matter_names ON backorders (matter_id, unicode, id);

-- The matters search by index for its other texts too (reference, title, client's name), as
-- `backorder_names` does for the names: FTS5 with the trigram tokenizer
-- (https://sqlite.org/fts5.html#the_trigram_tokenizer), kept by the triggers below, so that a
-- search reads the matching matters rather than every matter of the firm.
CREATE VIRTUAL TABLE matter_texts USING fts5(
    matter_id UNINDEXED,
    text,
    tokenize = 'trigram'
);
INSERT INTO matter_texts (matter_id, text)
    SELECT matters.id, matters.reference || ' ' || matters.title || ' ' || clients.name
    FROM matters JOIN clients ON clients.id = matters.client_id;
CREATE TRIGGER matter_texts_insert AFTER INSERT ON matters BEGIN
    INSERT INTO matter_texts (matter_id, text)
        SELECT new.id, new.reference || ' ' || new.title || ' ' || name
        FROM clients WHERE id = new.client_id;
END;
CREATE TRIGGER matter_texts_update AFTER UPDATE OF reference, title, client_id ON matters BEGIN
    DELETE FROM matter_texts WHERE matter_id = old.id;
    INSERT INTO matter_texts (matter_id, text)
        SELECT new.id, new.reference || ' ' || new.title || ' ' || name
        FROM clients WHERE id = new.client_id;
END;
CREATE TRIGGER matter_texts_delete AFTER DELETE ON matters BEGIN
    DELETE FROM matter_texts WHERE matter_id = old.id;
END;
CREATE TRIGGER matter_texts_client AFTER UPDATE OF name ON clients BEGIN
    DELETE FROM matter_texts
        WHERE matter_id IN (SELECT id FROM matters WHERE client_id = new.id);
    INSERT INTO matter_texts (matter_id, text)
        SELECT id, reference || ' ' || title || ' ' || new.name
        FROM matters WHERE client_id = new.id;
END;
