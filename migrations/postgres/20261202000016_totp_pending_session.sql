-- A started enrolment of the authenticator app belongs to the session that started it:
-- only that session is shown the secret and may confirm it (after a fresh step-up), and
-- only for 15 minutes. Enrolments started before this have no session and could never be
-- finished: they are removed (starting again makes a new one).
ALTER TABLE totp_secrets ADD COLUMN session_id_hash TEXT;
DELETE FROM totp_secrets WHERE confirmed = 0;
