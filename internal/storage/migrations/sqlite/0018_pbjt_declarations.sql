-- Monthly PBJT declarations (SPTPD) of properties and their payments
-- (doc/pbjt-declarations.md). Each row of pbjt_declarations is one
-- revision of a property's month: 0 the original, 1.. the amendments
-- (pembetulan); the latest is 'current', the earlier ones 'superseded'
-- and never changed otherwise. Other modules (the compliance engine) read
-- this table directly: the columns id, taxpayer_id, property_id,
-- regency_code, period, revision, base_sen, bookings_gross_sen, tax_sen,
-- status and filed_at keep their names and meanings.

CREATE TABLE pbjt_declarations (
    id                  INTEGER PRIMARY KEY,
    taxpayer_id         BIGINT    NOT NULL REFERENCES taxpayers (id),
    property_id         BIGINT    NOT NULL REFERENCES pbjt_properties (id),
    regency_code        TEXT      NOT NULL,
    period              TEXT      NOT NULL,
    revision            INTEGER   NOT NULL,
    number              TEXT      NOT NULL,
    payment_code        TEXT      NOT NULL,
    nil_return          BOOLEAN   NOT NULL,
    base_sen            BIGINT    NOT NULL,
    bookings_gross_sen  BIGINT    NOT NULL,
    bookings            INTEGER   NOT NULL,
    unpriced            INTEGER   NOT NULL,
    rate_bp             INTEGER   NOT NULL,
    tax_sen             BIGINT    NOT NULL,
    prior_tax_sen       BIGINT    NOT NULL,
    overpayment_sen     BIGINT    NOT NULL,
    reason              TEXT      NOT NULL,
    filed_on            DATE      NOT NULL,
    filing_due          DATE      NOT NULL,
    payment_due         DATE      NOT NULL,
    late                BOOLEAN   NOT NULL,
    fine_sen            BIGINT    NOT NULL,
    region_from         DATE      NOT NULL,
    office              TEXT      NOT NULL,
    layout              TEXT      NOT NULL,
    penalty_rule        TEXT      NOT NULL,
    status              TEXT      NOT NULL CHECK (status IN ('current', 'superseded')),
    filed_by            TEXT      NOT NULL,
    filed_at            TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX pbjt_declarations_revision ON pbjt_declarations (property_id, period, revision);
CREATE UNIQUE INDEX pbjt_declarations_current ON pbjt_declarations (property_id, period) WHERE status = 'current';
CREATE UNIQUE INDEX pbjt_declarations_number ON pbjt_declarations (number);
CREATE INDEX pbjt_declarations_taxpayer ON pbjt_declarations (taxpayer_id, period);
CREATE INDEX pbjt_declarations_regency ON pbjt_declarations (regency_code, period);

CREATE TABLE pbjt_declaration_payments (
    id              INTEGER PRIMARY KEY,
    property_id     BIGINT    NOT NULL REFERENCES pbjt_properties (id),
    period          TEXT      NOT NULL,
    declaration_id  BIGINT    NOT NULL REFERENCES pbjt_declarations (id),
    paid_on         DATE      NOT NULL,
    amount_sen      BIGINT    NOT NULL,
    receipt         TEXT      NOT NULL,
    recorded_by     TEXT      NOT NULL,
    recorded_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX pbjt_declaration_payments_receipt ON pbjt_declaration_payments (property_id, period, receipt);
