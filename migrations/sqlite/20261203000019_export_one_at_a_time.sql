-- One archive being made per person at a time, decided by the database (two requests at
-- once cannot both start one).
CREATE UNIQUE INDEX exports_one_at_a_time ON exports (user_id)
    WHERE status IN ('queued', 'running');
