-- Firms (the subscriber, our tenant), their people, and the audit log.
-- Ids are UUID v7 text; times are integer microseconds since the Unix epoch.

CREATE TABLE firms (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    firm_id       TEXT NOT NULL REFERENCES firms (id),
    email         TEXT NOT NULL,
    full_name     TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT 'other'
                  CHECK (title IN ('advokat', 'bitradande_jurist', 'auktoriserad_revisor', 'other')),
    role          TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    language      TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'sv')),
    created_at_us BIGINT NOT NULL,
    deleted_at_us BIGINT
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_firm ON users (firm_id);

-- One row per chain (a firm's id, or 'system'): the last sequence number and row hash.
-- Updating it first serializes appends to the chain.
CREATE TABLE audit_heads (
    chain     TEXT PRIMARY KEY NOT NULL,
    seq       BIGINT NOT NULL,
    head_hash TEXT NOT NULL
);

CREATE TABLE audit_log (
    chain       TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    at_us       BIGINT NOT NULL,
    actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('system', 'anonymous', 'user')),
    actor_id    TEXT,
    ip          TEXT,
    action      TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id   TEXT,
    prev_hash   TEXT NOT NULL,
    row_hash    TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);
CREATE INDEX audit_log_at ON audit_log (at_us);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at_us);
