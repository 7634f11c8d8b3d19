-- Sign-in: profile fields, one-time code challenges, sessions, rate limits, lockouts,
-- TOTP, recovery codes and the mail outbox.

ALTER TABLE users ADD COLUMN admission_date TEXT;
ALTER TABLE users ADD COLUMN birth_date TEXT;
ALTER TABLE users ADD COLUMN rule_set TEXT NOT NULL DEFAULT 'none';
-- Flags are 0/1 integers: one type that both databases (and sqlx's Any driver) read alike.
ALTER TABLE users ADD COLUMN profile_completed INTEGER NOT NULL DEFAULT 0 CHECK (profile_completed IN (0, 1));

-- A code (and link) sent to an email address. Only HMACs of the code and link token are
-- stored. `browser_session` is the hash of the session id of the browser that asked:
-- a code works only there.
CREATE TABLE otp_challenges (
    id              TEXT PRIMARY KEY NOT NULL,
    purpose         TEXT NOT NULL CHECK (purpose IN ('sign_in', 'change_email')),
    email           TEXT NOT NULL,
    user_id         TEXT,
    browser_session TEXT NOT NULL,
    code_mac        TEXT NOT NULL,
    link_mac        TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    created_at_us   BIGINT NOT NULL,
    expires_at_us   BIGINT NOT NULL,
    consumed_at_us  BIGINT
);
CREATE INDEX otp_challenges_session ON otp_challenges (browser_session, created_at_us);
CREATE INDEX otp_challenges_email ON otp_challenges (email, created_at_us);

-- Sessions are opaque random ids in a cookie; only their SHA-256 is stored. A session
-- without a user is a browser that has not signed in yet (it may hold a challenge).
CREATE TABLE sessions (
    id_hash          TEXT PRIMARY KEY NOT NULL,
    user_id          TEXT REFERENCES users (id),
    second_factor_ok INTEGER NOT NULL DEFAULT 0 CHECK (second_factor_ok IN (0, 1)),
    created_at_us    BIGINT NOT NULL,
    expires_at_us    BIGINT NOT NULL,
    last_seen_at_us  BIGINT NOT NULL,
    ip               TEXT,
    user_agent       TEXT
);
CREATE INDEX sessions_user ON sessions (user_id, last_seen_at_us);
CREATE INDEX sessions_expiry ON sessions (expires_at_us);

-- Sliding-window rate limits: one row per counted event in a bucket ("ip:…", "email:…").
CREATE TABLE rate_events (
    bucket TEXT NOT NULL,
    at_us  BIGINT NOT NULL
);
CREATE INDEX rate_events_bucket ON rate_events (bucket, at_us);

-- Soft lockout with growing back-off, per account (email) or IP.
CREATE TABLE lockouts (
    subject          TEXT PRIMARY KEY NOT NULL,
    failures         BIGINT NOT NULL,
    last_failure_us  BIGINT NOT NULL,
    locked_until_us  BIGINT NOT NULL
);

-- TOTP secret, encrypted under a key derived from the master key. `last_step` is the last
-- accepted time step: a code for it or an earlier step is refused.
CREATE TABLE totp_secrets (
    user_id        TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    secret_enc     TEXT NOT NULL,
    confirmed      INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
    last_step      BIGINT NOT NULL DEFAULT 0,
    -- The recovery codes of a just-confirmed enrolment, encrypted, until they are shown once.
    recovery_display_enc TEXT,
    created_at_us  BIGINT NOT NULL
);

CREATE TABLE recovery_codes (
    user_id     TEXT NOT NULL REFERENCES users (id),
    code_mac    TEXT NOT NULL,
    used_at_us  BIGINT,
    PRIMARY KEY (user_id, code_mac)
);

-- Mail goes out from here, never on the request path. Bodies are erased once delivered
-- over SMTP; the development mailbox keeps them to show them.
CREATE TABLE outbox (
    id                 TEXT PRIMARY KEY NOT NULL,
    to_addr            TEXT NOT NULL,
    subject            TEXT NOT NULL,
    text_body          TEXT NOT NULL,
    html_body          TEXT NOT NULL,
    attempts           BIGINT NOT NULL DEFAULT 0,
    next_attempt_at_us BIGINT NOT NULL,
    locked_until_us    BIGINT NOT NULL DEFAULT 0,
    sent_at_us         BIGINT,
    last_error         TEXT,
    created_at_us      BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (sent_at_us, next_attempt_at_us);
CREATE INDEX outbox_to ON outbox (to_addr, created_at_us);
