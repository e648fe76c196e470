DROP INDEX users_calendar_feed_key;
ALTER TABLE users DROP COLUMN calendar_feed_key;
DROP TABLE calendar_closures;
DROP TABLE deadlines;
DROP TABLE procedure_events;
DROP TABLE procedure_domains;
DROP TABLE procedures;
