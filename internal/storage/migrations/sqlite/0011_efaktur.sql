-- e-Faktur: VAT invoices (faktur pajak) of PKP sellers, their numbers,
-- signatures and the buyer's crediting, and returns of goods (retur).
-- The invoice itself (header and lines, as Coretax's TaxInvoice element
-- holds them) is kept as JSON in one column, so that a faktur is one
-- row; the columns beside it are what lists filter and sum on.

CREATE TABLE efaktur_fakturs (
    id               INTEGER PRIMARY KEY,
    seller_id        BIGINT    NOT NULL REFERENCES taxpayers (id),
    seller_npwp      TEXT      NOT NULL,
    buyer_id         BIGINT    REFERENCES taxpayers (id),
    buyer_tin        TEXT      NOT NULL,
    buyer_name       TEXT      NOT NULL,
    number           TEXT      UNIQUE,
    status           TEXT      NOT NULL CHECK (status IN ('draft', 'approved', 'amended', 'cancelled')),
    replaces_id      BIGINT    REFERENCES efaktur_fakturs (id),
    replaces_number  TEXT      NOT NULL DEFAULT '',
    replaced_by_id   BIGINT,
    trx_code         TEXT      NOT NULL,
    invoice_date     DATE      NOT NULL,
    reference        TEXT      NOT NULL DEFAULT '',
    source           TEXT      NOT NULL,
    upload_id        BIGINT,
    invoice          TEXT      NOT NULL,
    gross            BIGINT    NOT NULL,
    discount         BIGINT    NOT NULL,
    tax_base         BIGINT    NOT NULL,
    other_tax_base   BIGINT    NOT NULL,
    vat              BIGINT    NOT NULL,
    ppnbm            BIGINT    NOT NULL,
    approved_at      TIMESTAMP,
    approved_by      TEXT      NOT NULL DEFAULT '',
    signature_id     BIGINT    REFERENCES signatures (id),
    public_id        TEXT      NOT NULL DEFAULT '',
    cancelled_at     TIMESTAMP,
    cancel_reason    TEXT      NOT NULL DEFAULT '',
    credit           TEXT      NOT NULL DEFAULT 'uncredited' CHECK (credit IN ('uncredited', 'credited', 'not_credited')),
    credit_period    TEXT      NOT NULL DEFAULT '',
    credited_at      TIMESTAMP,
    created_at       TIMESTAMP     NOT NULL,
    updated_at       TIMESTAMP     NOT NULL,
    version          INTEGER   NOT NULL DEFAULT 1
);
CREATE INDEX efaktur_fakturs_seller ON efaktur_fakturs (seller_id, id);
CREATE INDEX efaktur_fakturs_seller_date ON efaktur_fakturs (seller_id, invoice_date);
CREATE INDEX efaktur_fakturs_buyer ON efaktur_fakturs (buyer_id, id) WHERE buyer_id IS NOT NULL AND status <> 'draft';
CREATE INDEX efaktur_fakturs_upload ON efaktur_fakturs (upload_id, id) WHERE upload_id IS NOT NULL;

CREATE TABLE efaktur_returs (
    id               INTEGER PRIMARY KEY,
    number           TEXT      NOT NULL UNIQUE,
    faktur_id        BIGINT    NOT NULL REFERENCES efaktur_fakturs (id),
    buyer_id         BIGINT    NOT NULL REFERENCES taxpayers (id),
    seller_id        BIGINT    NOT NULL REFERENCES taxpayers (id),
    return_date      DATE      NOT NULL,
    period           TEXT      NOT NULL,
    lines            TEXT      NOT NULL,
    tax_base         BIGINT    NOT NULL,
    other_tax_base   BIGINT    NOT NULL,
    vat              BIGINT    NOT NULL,
    ppnbm            BIGINT    NOT NULL,
    created_at       TIMESTAMP     NOT NULL,
    created_by       TEXT      NOT NULL
);
CREATE INDEX efaktur_returs_faktur ON efaktur_returs (faktur_id, id);
CREATE INDEX efaktur_returs_buyer ON efaktur_returs (buyer_id, period);
CREATE INDEX efaktur_returs_seller ON efaktur_returs (seller_id, period);
