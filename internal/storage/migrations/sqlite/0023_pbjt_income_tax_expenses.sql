-- The villa owner's statements of a tax year's deductible expenses and,
-- for an individual, the PTKP status, from which the income tax view
-- computes normal income tax (doc/pbjt-income-tax.md). Each statement is
-- a new version; the latest applies and the earlier ones stay.

CREATE TABLE pbjt_income_tax_expenses (
    id            INTEGER PRIMARY KEY,
    taxpayer_id   BIGINT    NOT NULL REFERENCES taxpayers (id),
    tax_year      INTEGER   NOT NULL,
    version       INTEGER   NOT NULL,
    ptkp_status   TEXT      NOT NULL,
    note          TEXT      NOT NULL,
    recorded_by   TEXT      NOT NULL,
    recorded_at   TIMESTAMP NOT NULL,
    UNIQUE (taxpayer_id, tax_year, version)
);

CREATE TABLE pbjt_income_tax_expense_lines (
    expenses_id   BIGINT    NOT NULL REFERENCES pbjt_income_tax_expenses (id),
    line_no       INTEGER   NOT NULL,
    label         TEXT      NOT NULL,
    amount_sen    BIGINT    NOT NULL,
    PRIMARY KEY (expenses_id, line_no)
);
