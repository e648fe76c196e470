DROP TRIGGER matter_texts_client;
DROP TRIGGER matter_texts_delete;
DROP TRIGGER matter_texts_update;
DROP TRIGGER matter_texts_insert;
DROP TABLE matter_texts;
DROP INDEX backorders_matter_names;
