-- e-Bupot: withholding slips (bukti potong) and payroll batches. A slip
-- is one row per revision: a correction adds the next revision under the
-- same number and marks the one it replaces corrected. The whole slip
-- (recipient, amounts, explanation) is kept as JSON beside the columns
-- lists filter on.

CREATE TABLE ebupot_batches (
    id             INTEGER PRIMARY KEY,
    withholder_id  BIGINT    NOT NULL REFERENCES taxpayers (id),
    source         TEXT      NOT NULL,
    created        INTEGER   NOT NULL,
    rejected       INTEGER   NOT NULL,
    rows_json      TEXT      NOT NULL,
    created_at     TIMESTAMP     NOT NULL
);
CREATE INDEX ebupot_batches_withholder ON ebupot_batches (withholder_id, id);

CREATE TABLE ebupot_slips (
    id              INTEGER PRIMARY KEY,
    withholder_id   BIGINT    NOT NULL REFERENCES taxpayers (id),
    type            TEXT      NOT NULL,
    number          TEXT,
    revision        INTEGER   NOT NULL DEFAULT 0,
    status          TEXT      NOT NULL CHECK (status IN ('draft', 'signed', 'corrected', 'cancelled')),
    replaces_id     BIGINT    REFERENCES ebupot_slips (id),
    replaced_by_id  BIGINT,
    year            INTEGER   NOT NULL,
    month           INTEGER   NOT NULL,
    recipient_id    BIGINT    REFERENCES taxpayers (id),
    recipient_tin   TEXT      NOT NULL,
    temporary_tin   BOOLEAN   NOT NULL DEFAULT FALSE,
    object_code     TEXT      NOT NULL,
    gross           BIGINT    NOT NULL,
    tax             BIGINT    NOT NULL,
    batch_id        BIGINT    REFERENCES ebupot_batches (id),
    slip            TEXT      NOT NULL,
    signature_id    BIGINT    REFERENCES signatures (id),
    public_id       TEXT      NOT NULL DEFAULT '',
    created_at      TIMESTAMP     NOT NULL,
    updated_at      TIMESTAMP     NOT NULL,
    version         INTEGER   NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ebupot_slips_number ON ebupot_slips (withholder_id, number, revision) WHERE number IS NOT NULL;
CREATE INDEX ebupot_slips_withholder ON ebupot_slips (withholder_id, id);
CREATE INDEX ebupot_slips_period ON ebupot_slips (withholder_id, year, month, recipient_tin);
CREATE INDEX ebupot_slips_recipient ON ebupot_slips (recipient_id, id) WHERE recipient_id IS NOT NULL AND status <> 'draft';
