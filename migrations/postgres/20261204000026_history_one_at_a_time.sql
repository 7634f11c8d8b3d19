-- One uploaded history per person at a time (staged or being brought in), decided by the
-- database: two uploads at once cannot both be kept.
CREATE UNIQUE INDEX history_one_at_a_time ON history_imports (user_id)
    WHERE status IN ('staged', 'running');
