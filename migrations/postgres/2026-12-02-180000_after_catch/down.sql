DROP TABLE after_catch_items;
ALTER TABLE matters DROP COLUMN renewal_years;
