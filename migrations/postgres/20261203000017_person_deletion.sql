-- Deleting a person on request: a 30-day hold (the person cancels by signing in, the firm
-- may cancel), then a purge of every row about them and every stored object. The purge is
-- recorded with what it removed; that record keeps only ids (as the audit log does).
ALTER TABLE users ADD COLUMN deletion_due_at_us BIGINT;
ALTER TABLE users ADD COLUMN deletion_requested_by TEXT;
CREATE INDEX users_deletion_due ON users (deletion_due_at_us);
CREATE TABLE person_purges (
    user_id       TEXT PRIMARY KEY NOT NULL,
    firm_id       TEXT NOT NULL,
    purged_at_us  BIGINT NOT NULL,
    counts        TEXT NOT NULL
);
CREATE INDEX person_purges_firm ON person_purges (firm_id, purged_at_us);
