DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE login_attempts;
DROP TABLE setup_tokens;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE clients;
