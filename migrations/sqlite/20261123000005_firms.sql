-- Firms administer their people: settings, invitations by email, blocked accounts.

ALTER TABLE firms ADD COLUMN org_number TEXT NOT NULL DEFAULT '';
ALTER TABLE firms ADD COLUMN default_rule_set TEXT NOT NULL DEFAULT 'se-advokat';
-- 1: owners and admins must have an authenticator app to administer the firm.
ALTER TABLE firms ADD COLUMN require_second_factor INTEGER NOT NULL DEFAULT 0 CHECK (require_second_factor IN (0, 1));

-- An invitation to join a firm. Only an HMAC of the link token is stored; accepting it
-- means signing in with the code emailed to the invited address.
CREATE TABLE invitations (
    id             TEXT PRIMARY KEY NOT NULL,
    firm_id        TEXT NOT NULL REFERENCES firms (id),
    email          TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    token_mac      TEXT NOT NULL,
    invited_by     TEXT NOT NULL REFERENCES users (id),
    created_at_us  BIGINT NOT NULL,
    expires_at_us  BIGINT NOT NULL,
    accepted_at_us BIGINT,
    revoked_at_us  BIGINT
);
CREATE INDEX invitations_firm ON invitations (firm_id, created_at_us);
CREATE INDEX invitations_email ON invitations (email, expires_at_us);

-- The firm overview reads every entry of a firm at once.
CREATE INDEX entries_firm ON entries (firm_id, user_id);
