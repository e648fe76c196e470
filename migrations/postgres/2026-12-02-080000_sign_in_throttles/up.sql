-- Sign-in throttling by counters instead of a log of attempts: one row per account (scope
-- 'account', the e-mail address typed) and one per network address (scope 'address'). A guess
-- is taken from both rows, in the transaction that holds them, before the password is checked,
-- so that concurrent sign-ins cannot check more guesses than the limit (src/auth/throttle.rs).
DROP TABLE login_attempts;
CREATE TABLE sign_in_throttles (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    lockouts INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    last_failure_at TIMESTAMP,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX sign_in_throttles_locked_until ON sign_in_throttles (locked_until);
-- The addresses each account has signed in from: the address throttle does not apply to them,
-- so that a password-spraying address does not lock out a whole firm behind the same proxy.
CREATE TABLE known_sign_ins (
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    last_at TIMESTAMP NOT NULL,
    PRIMARY KEY (email, ip)
);
CREATE INDEX known_sign_ins_last_at ON known_sign_ins (last_at);
