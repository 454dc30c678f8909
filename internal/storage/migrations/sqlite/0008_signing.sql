-- Signing: the electronic certificates of people (one per Kode Otorisasi
-- DJP), the signing lock, the signatures made with them and batch signing
-- jobs. Private keys are stored only sealed under a key derived from the
-- holder's signing passphrase (argon2id, then AES-256-GCM); the
-- authorization code only as a digest.

CREATE TABLE signing_certificates (
    id             INTEGER PRIMARY KEY,
    holder_id      BIGINT    NOT NULL REFERENCES taxpayers (id),
    serial         BIGINT    NOT NULL UNIQUE,
    subject        TEXT      NOT NULL,
    der            BLOB      NOT NULL,
    sealed_key     TEXT      NOT NULL,
    code_hash      TEXT      NOT NULL,
    not_before     TIMESTAMP NOT NULL,
    not_after      TIMESTAMP NOT NULL,
    status         TEXT      NOT NULL CHECK (status IN ('active', 'superseded', 'revoked')),
    issued_at      TIMESTAMP NOT NULL,
    ended_at       TIMESTAMP,
    end_reason     TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX signing_certificates_holder ON signing_certificates (holder_id, issued_at);
CREATE UNIQUE INDEX signing_certificates_active ON signing_certificates (holder_id) WHERE status = 'active';

CREATE TABLE signing_locks (
    holder_id        BIGINT    PRIMARY KEY REFERENCES taxpayers (id),
    failures         INTEGER   NOT NULL DEFAULT 0,
    last_failure_at  TIMESTAMP,
    locked_until     TIMESTAMP
);

CREATE TABLE signatures (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT      NOT NULL UNIQUE,
    certificate_id  BIGINT    NOT NULL REFERENCES signing_certificates (id),
    signer_id       BIGINT    NOT NULL REFERENCES taxpayers (id),
    acting_for_id   BIGINT    NOT NULL REFERENCES taxpayers (id),
    doc_type        TEXT      NOT NULL,
    doc_hash        TEXT      NOT NULL,
    signature       BLOB      NOT NULL,
    signed_at       TIMESTAMP NOT NULL,
    log_index       BIGINT
);
CREATE INDEX signatures_acting_for ON signatures (acting_for_id, signed_at);
CREATE INDEX signatures_doc_hash ON signatures (doc_hash);

CREATE TABLE signing_jobs (
    id             INTEGER PRIMARY KEY,
    signer_id      BIGINT    NOT NULL REFERENCES taxpayers (id),
    acting_for_id  BIGINT    NOT NULL REFERENCES taxpayers (id),
    doc_type       TEXT      NOT NULL,
    state          TEXT      NOT NULL CHECK (state IN ('running', 'done')),
    created_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP
);

CREATE TABLE signing_job_items (
    job_id        BIGINT    NOT NULL REFERENCES signing_jobs (id),
    seq           INTEGER   NOT NULL,
    doc_hash      TEXT      NOT NULL,
    document      BLOB,
    state         TEXT      NOT NULL CHECK (state IN ('pending', 'signed', 'refused')),
    signature_id  BIGINT    REFERENCES signatures (id),
    reason        TEXT      NOT NULL DEFAULT '',
    PRIMARY KEY (job_id, seq)
);
