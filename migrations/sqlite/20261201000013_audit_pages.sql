-- The audit log page goes back a page at a time by `seq` within a firm's chain: the key
-- (chain, seq) serves it unfiltered, this index when an action is chosen.
CREATE INDEX audit_log_chain_action ON audit_log (chain, action, seq);
