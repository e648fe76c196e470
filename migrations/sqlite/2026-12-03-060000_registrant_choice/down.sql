DROP TABLE client_registrant_handles;
ALTER TABLE backorders DROP COLUMN registrant;
