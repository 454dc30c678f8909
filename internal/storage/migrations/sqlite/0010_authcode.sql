-- Authorization-code (Kode Otorisasi DJP) requests: the acquisition
-- wizard's state machine, its one-time codes, identity-verification
-- attempts and the officer's decisions. One-time codes are stored as
-- HMAC-SHA256 digests under the server key, never in clear.

CREATE TABLE authcode_requests (
    id                 INTEGER PRIMARY KEY,
    holder_id          BIGINT    NOT NULL REFERENCES taxpayers (id),
    account_id         BIGINT    NOT NULL REFERENCES accounts (id),
    subject_id         BIGINT    NOT NULL REFERENCES taxpayers (id),
    state              TEXT      NOT NULL CHECK (state IN ('code', 'verify', 'manual', 'ready', 'issued', 'rejected', 'cancelled')),
    policy             TEXT      NOT NULL CHECK (policy IN ('none', 'manual', 'external')),
    code_hash          TEXT      NOT NULL DEFAULT '',
    code_channel       TEXT      NOT NULL DEFAULT '',
    code_expires_at    TIMESTAMP,
    code_attempts      INTEGER   NOT NULL DEFAULT 0,
    verify_failures    INTEGER   NOT NULL DEFAULT 0,
    reason             TEXT      NOT NULL DEFAULT '',
    decided_by         TEXT      NOT NULL DEFAULT '',
    certificate        TEXT      NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER   NOT NULL DEFAULT 1
);
CREATE INDEX authcode_requests_holder ON authcode_requests (holder_id, created_at);
CREATE INDEX authcode_requests_state ON authcode_requests (state, created_at);
-- At most one open request per person.
CREATE UNIQUE INDEX authcode_requests_open ON authcode_requests (holder_id)
    WHERE state IN ('code', 'verify', 'manual', 'ready');

CREATE TABLE authcode_codes_sent (
    id          INTEGER PRIMARY KEY,
    request_id  BIGINT    NOT NULL REFERENCES authcode_requests (id),
    holder_id   BIGINT    NOT NULL REFERENCES taxpayers (id),
    channel     TEXT      NOT NULL,
    sent_at     TIMESTAMP NOT NULL
);
CREATE INDEX authcode_codes_sent_holder ON authcode_codes_sent (holder_id, sent_at);

CREATE TABLE authcode_verifications (
    id           INTEGER PRIMARY KEY,
    request_id   BIGINT    NOT NULL REFERENCES authcode_requests (id),
    method       TEXT      NOT NULL CHECK (method IN ('external', 'manual')),
    passed       BOOLEAN   NOT NULL,
    liveness     BOOLEAN   NOT NULL DEFAULT FALSE,
    match_score  DOUBLE PRECISION NOT NULL DEFAULT 0,
    detail       TEXT      NOT NULL DEFAULT '',
    decided_by   TEXT      NOT NULL DEFAULT '',
    at           TIMESTAMP NOT NULL
);
CREATE INDEX authcode_verifications_request ON authcode_verifications (request_id, id);
