DROP INDEX IF EXISTS clients_names_trgm;
DROP INDEX IF EXISTS matters_texts_trgm;
DROP INDEX backorders_matter_names;
