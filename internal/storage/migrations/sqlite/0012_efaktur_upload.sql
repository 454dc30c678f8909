-- e-Faktur bulk uploads: a TaxInvoiceBulk file is a durable job. The file
-- is kept in parts of at most 1 MiB, so that a job reads it back piece by
-- piece. A job's row counts its invoices as each chunk commits; the items
-- name the faktur stored for each position of the file, so that the same
-- file uploaded again after an interrupted or cancelled job skips them;
-- the problems are the error report.
--
-- sha_key holds sha256 while uploading the same file again must return
-- this job; it is NULL once the job ended early (cancelled, interrupted),
-- when the same file starts a new job. NULLs never clash in a unique index.

CREATE TABLE efaktur_uploads (
    id                INTEGER PRIMARY KEY,
    seller_id         BIGINT    NOT NULL REFERENCES taxpayers (id),
    seller_npwp       TEXT      NOT NULL,
    file_name         TEXT      NOT NULL DEFAULT '',
    sha256            TEXT      NOT NULL,
    sha_key           TEXT,
    size              BIGINT    NOT NULL,
    idempotency_key   TEXT,
    approve           BOOLEAN   NOT NULL,
    state             TEXT      NOT NULL CHECK (state IN ('queued', 'running', 'done', 'cancelled', 'failed')),
    total             INTEGER   NOT NULL,
    stored            INTEGER   NOT NULL DEFAULT 0,
    rejected          INTEGER   NOT NULL DEFAULT 0,
    skipped           INTEGER   NOT NULL DEFAULT 0,
    not_processed     INTEGER   NOT NULL DEFAULT 0,
    reason            TEXT      NOT NULL DEFAULT '',
    cancel_requested  BOOLEAN   NOT NULL DEFAULT FALSE,
    created_by        TEXT      NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    started_at        TIMESTAMP,
    finished_at       TIMESTAMP
);
CREATE INDEX efaktur_uploads_seller ON efaktur_uploads (seller_id, id);
CREATE INDEX efaktur_uploads_file ON efaktur_uploads (seller_id, sha256);
CREATE UNIQUE INDEX efaktur_uploads_sha_key ON efaktur_uploads (seller_id, sha_key);
CREATE UNIQUE INDEX efaktur_uploads_idempotency_key ON efaktur_uploads (seller_id, idempotency_key);
CREATE INDEX efaktur_uploads_live ON efaktur_uploads (state) WHERE state IN ('queued', 'running');

CREATE TABLE efaktur_upload_parts (
    upload_id  BIGINT  NOT NULL REFERENCES efaktur_uploads (id),
    seq        INTEGER NOT NULL,
    data       BLOB    NOT NULL,
    PRIMARY KEY (upload_id, seq)
);

CREATE TABLE efaktur_upload_items (
    upload_id  BIGINT  NOT NULL REFERENCES efaktur_uploads (id),
    idx        INTEGER NOT NULL,
    faktur_id  BIGINT  NOT NULL,
    PRIMARY KEY (upload_id, idx)
);

CREATE TABLE efaktur_upload_problems (
    id          INTEGER PRIMARY KEY,
    upload_id   BIGINT  NOT NULL REFERENCES efaktur_uploads (id),
    invoice     INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    xml_line    INTEGER NOT NULL,
    xml_column  INTEGER NOT NULL,
    path        TEXT    NOT NULL,
    field       TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    rule        TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    fix         TEXT    NOT NULL,
    expected    TEXT    NOT NULL
);
CREATE INDEX efaktur_upload_problems_upload ON efaktur_upload_problems (upload_id, id);
