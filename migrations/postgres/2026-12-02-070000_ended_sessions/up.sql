-- Browser sessions ended by signing out. The session itself lives in the signed, encrypted
-- cookie; a copy of that cookie must not outlive the sign-out, so the session's id (its SHA-256)
-- is kept here until the session would have expired anyway (12 hours).
CREATE TABLE ended_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    ended_at TIMESTAMP NOT NULL
);
CREATE INDEX ended_sessions_ended_at ON ended_sessions (ended_at);
