-- Personal fields are sealed one value at a time under the firm's data key (see
-- app/src/backend/sealing). Sealed addresses are random, so the unique sign-in address is
-- kept by a blind index (an HMAC of the address) instead.
ALTER TABLE users ADD COLUMN email_index TEXT;
DROP INDEX users_email;
CREATE UNIQUE INDEX users_email_index ON users (email_index);

-- plain: written by an earlier version (run `cpd-registry seal`); sealing: begun and not
-- finished; sealed: every value sealed. The server starts only on `sealed`.
CREATE TABLE record_sealing (
    id            INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    state         TEXT NOT NULL CHECK (state IN ('plain', 'sealing', 'sealed')),
    changed_at_us BIGINT NOT NULL
);
INSERT INTO record_sealing (id, state, changed_at_us)
SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM users) THEN 'plain' ELSE 'sealed' END, 0;
