-- Code mails queued before `secret_until_us` existed (20261201000009) carry no expiry, so
-- nothing ever erased them: a sent sign-in, step-up or change-of-address code, or a one-click
-- sign-in link, stayed readable in the outbox. They are recognised by their subjects (every
-- version of the templates put the code there) or the link in their body; the sent ones
-- are blanked now, and an unsent one gets the expiry its code had (10 minutes): it is never
-- sent late, and the daily clean-up erases it.
UPDATE outbox SET subject = '', text_body = '', html_body = ''
WHERE secret_until_us IS NULL AND sent_at_us IS NOT NULL
  AND (subject LIKE 'Your CPD Registry sign-in code: %'
    OR subject LIKE 'Din inloggningskod till CPD Registry: %'
    OR subject LIKE 'Confirm it is you: %'
    OR subject LIKE 'Bekräfta att det är du: %'
    OR subject LIKE 'Confirm your new email address: %'
    OR subject LIKE 'Bekräfta din nya e-postadress: %'
    OR text_body LIKE '%/sign-in/link?c=%');

UPDATE outbox SET secret_until_us = created_at_us + 600000000
WHERE secret_until_us IS NULL AND sent_at_us IS NULL
  AND (subject LIKE 'Your CPD Registry sign-in code: %'
    OR subject LIKE 'Din inloggningskod till CPD Registry: %'
    OR subject LIKE 'Confirm it is you: %'
    OR subject LIKE 'Bekräfta att det är du: %'
    OR subject LIKE 'Confirm your new email address: %'
    OR subject LIKE 'Bekräfta din nya e-postadress: %'
    OR text_body LIKE '%/sign-in/link?c=%');
