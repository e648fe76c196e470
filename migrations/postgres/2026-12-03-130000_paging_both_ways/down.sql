DROP INDEX users_listed;
DROP INDEX audit_events_listed;
CREATE INDEX audit_events_at ON audit_events (at);
DROP INDEX registry_snapshots_timeline;
CREATE INDEX registry_snapshots_domain ON registry_snapshots (domain, fetched_at);
