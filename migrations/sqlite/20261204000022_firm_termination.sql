-- Termination of a firm: the owner chooses an archive first (export) or none (delete); a
-- 30-day hold the owner can cancel; then every person, file and row of the firm is purged
-- and its data key destroyed last. The record of it keeps ids and counts only.
ALTER TABLE firms ADD COLUMN termination_due_at_us BIGINT;
ALTER TABLE firms ADD COLUMN termination_choice TEXT CHECK (termination_choice IN ('export', 'delete', 'purging'));
CREATE INDEX firms_termination_due ON firms (termination_due_at_us);
CREATE TABLE firm_purges (
    firm_id       TEXT PRIMARY KEY NOT NULL,
    purged_at_us  BIGINT NOT NULL,
    counts        TEXT NOT NULL
);
