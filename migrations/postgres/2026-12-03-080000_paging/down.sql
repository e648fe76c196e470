DROP INDEX registry_changes_kind_at;
DROP INDEX monitored_domains_drop;
DROP INDEX IF EXISTS backorders_names_trgm;
DROP INDEX deadlines_running;
DROP INDEX backorders_matter;
DROP INDEX matters_client_listed;
DROP INDEX matters_listed;
