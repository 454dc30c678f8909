-- The compliance engine (doc/compliance.md): third-party data as PJAPs,
-- OTAs and banks send it, kept append-only in batches (a correction is a
-- new record naming the one it corrects); the runs of the matching job;
-- and the flags each run raises, with their evidence, confidence and
-- estimates. A re-run supersedes the open flag of the same rule and
-- subject rather than adding a second one.

CREATE TABLE compliance_batches (
    id            INTEGER PRIMARY KEY,
    source        TEXT      NOT NULL,
    channel       TEXT      NOT NULL,
    file_name     TEXT      NOT NULL,
    sha256        TEXT      NOT NULL,
    rows_total    INTEGER   NOT NULL,
    accepted      INTEGER   NOT NULL,
    rejected      INTEGER   NOT NULL,
    received_by   TEXT      NOT NULL,
    received_at   TIMESTAMP NOT NULL
);

CREATE TABLE compliance_records (
    id              INTEGER PRIMARY KEY,
    batch_id        BIGINT    NOT NULL REFERENCES compliance_batches (id),
    source          TEXT      NOT NULL,
    feed_id         TEXT      NOT NULL,
    kind            TEXT      NOT NULL,
    corrects        BIGINT    REFERENCES compliance_records (id),
    listing_id      TEXT      NOT NULL,
    listing_name    TEXT      NOT NULL,
    street          TEXT      NOT NULL,
    province_code   TEXT      NOT NULL,
    regency_code    TEXT      NOT NULL,
    district_code   TEXT      NOT NULL,
    postal_code     TEXT      NOT NULL,
    lat_e6          BIGINT,
    lon_e6          BIGINT,
    host_name       TEXT      NOT NULL,
    host_nik        TEXT      NOT NULL,
    host_npwp       TEXT      NOT NULL,
    npwpd           TEXT      NOT NULL,
    check_in        DATE,
    check_out       DATE,
    period          TEXT      NOT NULL,
    gross_sen       BIGINT    NOT NULL,
    commission_sen  BIGINT    NOT NULL,
    payout_sen      BIGINT    NOT NULL,
    payee_name      TEXT      NOT NULL,
    payout_country  TEXT      NOT NULL,
    payee_id        TEXT      NOT NULL,
    received_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX compliance_records_feed ON compliance_records (source, feed_id);
CREATE INDEX compliance_records_listing ON compliance_records (source, listing_id, id);
CREATE INDEX compliance_records_corrects ON compliance_records (corrects);
CREATE INDEX compliance_records_npwpd ON compliance_records (npwpd) WHERE npwpd <> '';
CREATE INDEX compliance_records_host_npwp ON compliance_records (host_npwp, id) WHERE host_npwp <> '';
CREATE INDEX compliance_records_host_nik ON compliance_records (host_nik) WHERE host_nik <> '';
CREATE INDEX compliance_records_district ON compliance_records (district_code) WHERE district_code <> '';

CREATE TABLE compliance_runs (
    id                INTEGER PRIMARY KEY,
    status            TEXT      NOT NULL,
    started_by        TEXT      NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    started_at        TIMESTAMP,
    finished_at       TIMESTAMP,
    records_read      BIGINT    NOT NULL DEFAULT 0,
    listings          BIGINT    NOT NULL DEFAULT 0,
    flags_raised      BIGINT    NOT NULL DEFAULT 0,
    flags_superseded  BIGINT    NOT NULL DEFAULT 0,
    error             TEXT      NOT NULL DEFAULT ''
);

CREATE TABLE compliance_flags (
    id                     INTEGER PRIMARY KEY,
    run_id                 BIGINT    NOT NULL REFERENCES compliance_runs (id),
    rule                   TEXT      NOT NULL,
    taxpayer_id            BIGINT    REFERENCES taxpayers (id),
    property_id            BIGINT    REFERENCES pbjt_properties (id),
    npwp                   TEXT      NOT NULL,
    subject                TEXT      NOT NULL,
    regency_code           TEXT      NOT NULL,
    period_from            TEXT      NOT NULL,
    period_to              TEXT      NOT NULL,
    confidence             INTEGER   NOT NULL CHECK (confidence BETWEEN 0 AND 100),
    shortfall_sen          BIGINT    NOT NULL,
    penalty_voluntary_sen  BIGINT    NOT NULL,
    penalty_audit_sen      BIGINT    NOT NULL,
    evidence               TEXT      NOT NULL,
    periods                TEXT      NOT NULL,
    explanation            TEXT      NOT NULL,
    status                 TEXT      NOT NULL,
    superseded_by          BIGINT    REFERENCES compliance_flags (id),
    created_at             TIMESTAMP NOT NULL
);
CREATE INDEX compliance_flags_list ON compliance_flags (status, id);
CREATE INDEX compliance_flags_subject ON compliance_flags (rule, subject, status);
CREATE INDEX compliance_flags_taxpayer ON compliance_flags (taxpayer_id, id);
