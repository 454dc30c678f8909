-- The audit log: an append-only hash chain. Each entry carries the hash of
-- the one before it (prev_hash) and its own hash over its fields and
-- prev_hash; audit_head holds the last Seq and hash so that appends are
-- serialised and a deleted tail is noticed. Hashes are lower-case hex.

CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    actor        TEXT      NOT NULL,
    account_id   BIGINT,
    taxpayer_id  BIGINT,
    action       TEXT      NOT NULL,
    address      TEXT      NOT NULL,
    detail       TEXT      NOT NULL,
    prev_hash    TEXT      NOT NULL,
    hash         TEXT      NOT NULL
);
CREATE INDEX audit_log_account ON audit_log (account_id, seq);
CREATE INDEX audit_log_taxpayer ON audit_log (taxpayer_id, seq);

CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT  NOT NULL,
    hash  TEXT    NOT NULL
);
-- Seq 0 and the genesis hash (32 zero bytes) before the first entry.
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
