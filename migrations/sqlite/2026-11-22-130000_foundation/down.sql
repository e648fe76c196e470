DROP TRIGGER audit_events_no_delete;
DROP TRIGGER audit_events_no_update;
DROP TABLE audit_events;
DROP TABLE login_attempts;
DROP TABLE setup_tokens;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE clients;
