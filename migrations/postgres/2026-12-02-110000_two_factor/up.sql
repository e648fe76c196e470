-- Two-factor sign-in (TOTP, RFC 6238). One row per user who started enrolling; it counts once
-- `confirmed_at` is set (the user typed a right code). The secret is sealed with AES-256-GCM
-- under a key derived from the instance's secret key (src/auth/totp.rs), never stored in clear.
-- `last_step` is the last 30-second step whose code was accepted: a code is good once.
-- `wrong_codes` counts wrong codes since `first_wrong_at`, over every sign-in of the user: each
-- sign-in allows 5, and this caps them per hour for someone who knows the password.
CREATE TABLE two_factor (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    secret_sealed TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    last_step BIGINT,
    wrong_codes INTEGER NOT NULL DEFAULT 0,
    first_wrong_at TIMESTAMP
);

-- Recovery codes, each usable once; only their keyed SHA-256 is kept.
CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);

-- Sign-ins whose password was right and that wait for the second factor (or, when the firm
-- requires it, for enrolment). The browser's cookie carries the random id; only its SHA-256 is
-- kept. Wrong codes are counted here, not in the cookie, so that replaying an older cookie does
-- not give more guesses.
CREATE TABLE pending_sign_ins (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    session_version INTEGER NOT NULL,
    must_enrol BOOLEAN NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX pending_sign_ins_created_at ON pending_sign_ins (created_at);

-- Firm-wide settings: one row.
CREATE TABLE firm_settings (
    id INTEGER PRIMARY KEY NOT NULL,
    staff_two_factor_required BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO firm_settings (id, staff_two_factor_required, updated_at)
VALUES (1, FALSE, CURRENT_TIMESTAMP);
