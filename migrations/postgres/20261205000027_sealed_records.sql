-- Personal fields are sealed one value at a time under the firm's data key (see
-- app/src/backend/sealing). Sealed addresses are random, so the unique sign-in address is
-- kept by a blind index (an HMAC of the address) instead.
ALTER TABLE users ADD COLUMN email_index TEXT;
DROP INDEX users_email;
CREATE UNIQUE INDEX users_email_index ON users (email_index);
-- The same for the other places an address is looked up: queued mail (a person's erasure
-- finds their mail), sign-in challenges (the resend throttle) and invitations.
DROP INDEX outbox_to;
DROP INDEX otp_challenges_email;
DROP INDEX invitations_email;
ALTER TABLE outbox ADD COLUMN to_index TEXT;
CREATE INDEX outbox_to_index ON outbox (to_index);
ALTER TABLE otp_challenges ADD COLUMN email_index TEXT;
CREATE INDEX otp_challenges_email_index ON otp_challenges (email_index, created_at_us);
ALTER TABLE invitations ADD COLUMN email_index TEXT;
CREATE INDEX invitations_email_index ON invitations (email_index);

-- plain: written by an earlier version (run `cpd-registry seal`); sealing: begun and not
-- finished; sealed: every value sealed. The server starts only on `sealed`.
CREATE TABLE record_sealing (
    id            INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    state         TEXT NOT NULL CHECK (state IN ('plain', 'sealing', 'sealed')),
    changed_at_us BIGINT NOT NULL
);
INSERT INTO record_sealing (id, state, changed_at_us)
SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM outbox)
                  OR EXISTS (SELECT 1 FROM otp_challenges) OR EXISTS (SELECT 1 FROM sessions)
             THEN 'plain' ELSE 'sealed' END, 0;

-- Sealed titles, providers and notes make each entry row several times longer. The firm
-- overview sums hours and reads none of them: an index holding all it reads answers it
-- without touching the rows.
DROP INDEX entries_firm;
CREATE INDEX entries_firm ON entries (firm_id, user_id, entry_date, category, verifiable, topic, quarters);
