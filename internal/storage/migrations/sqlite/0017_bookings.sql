-- Bookings of PBJT properties (doc/pbjt-bookings.md): imports of channel
-- exports with the result of every row, and the bookings themselves with
-- the guest price (gross, the PBJT base), the commission and the payout,
-- each as the channel wrote it (units and scale) and in sen, and the
-- exchange rate used. A booking that records a stay already kept names
-- the kept booking in duplicate_of.

CREATE TABLE pbjt_booking_imports (
    id            INTEGER PRIMARY KEY,
    property_id   BIGINT    NOT NULL REFERENCES pbjt_properties (id),
    taxpayer_id   BIGINT    NOT NULL REFERENCES taxpayers (id),
    format        TEXT      NOT NULL,
    file_name     TEXT      NOT NULL,
    sha256        TEXT      NOT NULL,
    rates_key     TEXT      NOT NULL,
    rows_total    INTEGER   NOT NULL,
    created       INTEGER   NOT NULL,
    duplicates    INTEGER   NOT NULL,
    replaced      INTEGER   NOT NULL,
    rejected      INTEGER   NOT NULL,
    skipped       INTEGER   NOT NULL,
    created_by    TEXT      NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX pbjt_booking_imports_file ON pbjt_booking_imports (property_id, sha256, rates_key);

CREATE TABLE pbjt_bookings (
    id                  INTEGER PRIMARY KEY,
    property_id         BIGINT    NOT NULL REFERENCES pbjt_properties (id),
    taxpayer_id         BIGINT    NOT NULL REFERENCES taxpayers (id),
    import_id           BIGINT    REFERENCES pbjt_booking_imports (id),
    file_row            INTEGER   NOT NULL,
    channel             TEXT      NOT NULL,
    via                 TEXT      NOT NULL,
    reference           TEXT      NOT NULL,
    listing             TEXT      NOT NULL,
    guest               TEXT      NOT NULL,
    check_in            DATE      NOT NULL,
    check_out           DATE      NOT NULL,
    nights              INTEGER   NOT NULL,
    status              TEXT      NOT NULL,
    currency            TEXT      NOT NULL,
    gross_units         BIGINT,
    gross_scale         INTEGER   NOT NULL,
    gross_sen           BIGINT,
    commission_units    BIGINT,
    commission_scale    INTEGER   NOT NULL,
    commission_sen      BIGINT,
    payout_units        BIGINT,
    payout_scale        INTEGER   NOT NULL,
    payout_sen          BIGINT,
    rate_num            BIGINT    NOT NULL,
    rate_den            BIGINT    NOT NULL,
    rate_day            DATE,
    rate_source         TEXT      NOT NULL,
    payout_country      TEXT      NOT NULL,
    duplicate_of        BIGINT    REFERENCES pbjt_bookings (id),
    duplicate_reason    TEXT      NOT NULL,
    created_by          TEXT      NOT NULL,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX pbjt_bookings_property ON pbjt_bookings (property_id, check_out, id);
CREATE INDEX pbjt_bookings_duplicate ON pbjt_bookings (duplicate_of);

CREATE TABLE pbjt_booking_import_rows (
    import_id     BIGINT    NOT NULL REFERENCES pbjt_booking_imports (id),
    position      INTEGER   NOT NULL,
    file_row      INTEGER   NOT NULL,
    booking_id    BIGINT    REFERENCES pbjt_bookings (id),
    duplicate_of  BIGINT    REFERENCES pbjt_bookings (id),
    column_name   TEXT      NOT NULL,
    value         TEXT      NOT NULL,
    message       TEXT      NOT NULL,
    skipped       TEXT      NOT NULL,
    PRIMARY KEY (import_id, position)
);
