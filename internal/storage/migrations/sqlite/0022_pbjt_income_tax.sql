-- The villa owner's income tax view (doc/pbjt-income-tax.md): the regime
-- an owner records for a tax year with the basis given, kept as a history
-- (the latest applies), and the owner's statements that a booking is a
-- lease of the whole property without lodging services, which decide
-- whether PP 34/2017 taxes it.

CREATE TABLE pbjt_income_tax_choices (
    id            INTEGER PRIMARY KEY,
    taxpayer_id   BIGINT    NOT NULL REFERENCES taxpayers (id),
    tax_year      INTEGER   NOT NULL,
    regime        TEXT      NOT NULL,
    basis         TEXT      NOT NULL,
    recorded_by   TEXT      NOT NULL,
    recorded_at   TIMESTAMP NOT NULL
);
CREATE INDEX pbjt_income_tax_choices_year ON pbjt_income_tax_choices (taxpayer_id, tax_year, id);

CREATE TABLE pbjt_lease_marks (
    booking_id      BIGINT    PRIMARY KEY REFERENCES pbjt_bookings (id),
    property_id     BIGINT    NOT NULL REFERENCES pbjt_properties (id),
    taxpayer_id     BIGINT    NOT NULL REFERENCES taxpayers (id),
    tenant          TEXT      NOT NULL,
    whole_property  BOOLEAN   NOT NULL,
    no_services     BOOLEAN   NOT NULL,
    note            TEXT      NOT NULL,
    recorded_by     TEXT      NOT NULL,
    recorded_at     TIMESTAMP NOT NULL
);
CREATE INDEX pbjt_lease_marks_property ON pbjt_lease_marks (property_id);
