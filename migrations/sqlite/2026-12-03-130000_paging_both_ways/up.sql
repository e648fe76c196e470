-- The last lists paged by key (issue 17): each read, forward or backward, by an index that
-- holds its whole sort key, so a page costs what it shows.

-- A name's registry answers, newest first (repo::monitoring::snapshot_page); the index it
-- replaces lacked the id that breaks ties between answers of the same instant.
DROP INDEX registry_snapshots_domain;
CREATE INDEX registry_snapshots_timeline ON registry_snapshots (domain, fetched_at, id);
-- The audit log, newest first (repo::audit::list), instead of OFFSET.
DROP INDEX audit_events_at;
CREATE INDEX audit_events_listed ON audit_events (at, id);
-- The accounts, active ones first, by name (repo::users::page).
CREATE INDEX users_listed ON users (active, name, id);
