-- The audit log can be proven: rows cannot be changed or removed (except the oldest, under
-- the retention rule, through a recorded purge), and chain heads are signed now and then.

-- A signed chain head. Append-only like the log.
CREATE TABLE audit_checkpoints (
    chain     TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    head_hash TEXT NOT NULL,
    at_us     BIGINT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);

-- Rows up to `after_seq` were removed after the retention period; the chain continues from
-- `anchor_hash` (the last removed row's hash).
CREATE TABLE audit_purges (
    chain       TEXT NOT NULL,
    after_seq   BIGINT NOT NULL,
    anchor_hash TEXT NOT NULL,
    before_us   BIGINT NOT NULL,
    at_us       BIGINT NOT NULL,
    PRIMARY KEY (chain, after_seq)
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.seq > COALESCE((SELECT MAX(after_seq) FROM audit_purges WHERE chain = OLD.chain), 0)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;

CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;

CREATE TRIGGER audit_purges_no_update BEFORE UPDATE ON audit_purges
BEGIN SELECT RAISE(ABORT, 'audit_purges is append-only'); END;

CREATE TRIGGER audit_purges_no_delete BEFORE DELETE ON audit_purges
BEGIN SELECT RAISE(ABORT, 'audit_purges is append-only'); END;
