-- The transparency log of signed documents: a Merkle tree in the form of
-- golang.org/x/mod/sumdb/tlog (RFC 6962 hashing). translog_leaves holds each
-- record with its leaf hash (tlog.RecordHash), translog_hashes the stored
-- hashes tlog keeps for the tree (tlog.StoredHashes, keyed by stored-hash
-- index) so that tree heads and proofs never recompute the whole tree, and
-- translog_size the number of leaves: the one row every append updates,
-- which serialises appends. Hashes are 32 raw bytes.

CREATE TABLE translog_leaves (
    idx        BIGINT PRIMARY KEY,
    leaf_hash  BYTEA NOT NULL,
    record     BYTEA NOT NULL
);

CREATE TABLE translog_hashes (
    idx   BIGINT PRIMARY KEY,
    hash  BYTEA NOT NULL
);

CREATE TABLE translog_size (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    size  BIGINT  NOT NULL
);
INSERT INTO translog_size (id, size) VALUES (1, 0);
