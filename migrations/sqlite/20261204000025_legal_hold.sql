-- What the firm must keep by law is the firm's decision, recorded with its reason: while a
-- person is under a legal hold, their data is kept and a deletion asked for waits.
ALTER TABLE users ADD COLUMN legal_hold TEXT;
ALTER TABLE users ADD COLUMN legal_hold_at_us BIGINT;
