-- After the security review: invitations bound to the sign-in they were opened for,
-- provable retention purges, sign-in codes erased from the outbox once they are useless.

-- The invitation a sign-in challenge was asked for (its link was opened and its token
-- checked); only that invitation can be accepted by that challenge.
ALTER TABLE otp_challenges ADD COLUMN invitation_id TEXT;
CREATE INDEX otp_challenges_expiry ON otp_challenges (expires_at_us);

-- A purge is signed with the checkpoint key, like a checkpoint: a purge row written by
-- anyone without the key is found out by `audit verify`.
ALTER TABLE audit_purges ADD COLUMN signature TEXT NOT NULL DEFAULT '';

-- Mail holding a secret (a sign-in code) is useless after this time: if still unsent it is
-- not sent, and its content is erased by the daily clean-up.
ALTER TABLE outbox ADD COLUMN secret_until_us BIGINT;
CREATE INDEX outbox_secret ON outbox (secret_until_us);

CREATE INDEX rate_events_age ON rate_events (at_us);

-- One row per rate-limit bucket (and per address for the code throttle): every check
-- first upserts its row, which holds the row lock (PostgreSQL) or the write lock (SQLite)
-- until the transaction ends, so count-then-insert is atomic per bucket even for truly
-- parallel requests.
CREATE TABLE rate_buckets (
    bucket        TEXT PRIMARY KEY NOT NULL,
    touched_at_us BIGINT NOT NULL
);
CREATE INDEX rate_buckets_age ON rate_buckets (touched_at_us);

-- Rows may leave the audit log only when a purge covers them AND they are older than the
-- published minimum retention of security logs (12 months), by the database's own clock.
-- A forged purge row therefore cannot unlock the removal of recent rows.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.seq > COALESCE((SELECT MAX(after_seq) FROM audit_purges WHERE chain = OLD.chain), 0)
  OR OLD.at_us > CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER) - 31536000000000
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- A purge may only name a horizon at least 12 months in the past.
CREATE TRIGGER audit_purges_horizon BEFORE INSERT ON audit_purges
WHEN NEW.before_us > CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER) - 31536000000000
BEGIN SELECT RAISE(ABORT, 'audit_purges: rows younger than 12 months cannot be purged'); END;

-- When this session passed the second factor (TOTP or a recovery code): the firm's rule
-- that administrators use an authenticator app asks for a session that did. And until when
-- the person confirmed it is them again (a fresh code or TOTP): sensitive changes (sign-in
-- address, authenticator app, ending other sessions) need that.
ALTER TABLE sessions ADD COLUMN second_factor_at_us BIGINT;
ALTER TABLE sessions ADD COLUMN stepped_up_until_us BIGINT;

-- The firm's storage quota sums its certificates and reports at every upload.
CREATE INDEX certificates_firm_size ON certificates (firm_id, size_bytes);
CREATE INDEX reports_firm_size ON reports (firm_id, size_bytes);
