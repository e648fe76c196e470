DROP TRIGGER backorder_names_delete;
DROP TRIGGER backorder_names_update;
DROP TRIGGER backorder_names_insert;
DROP TABLE backorder_names;
DROP INDEX deadlines_running;
DROP INDEX backorders_matter;
DROP INDEX matters_client_listed;
DROP INDEX matters_listed;
