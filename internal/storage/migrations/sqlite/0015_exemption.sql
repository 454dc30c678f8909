-- Exemption certificates (SKB, Suket PP 55) recorded by officers for a
-- taxpayer: the "Fasilitas Aktif" of its profile that e-Bupot checks a
-- slip's facility against. tax_types and object_codes are comma-separated
-- lists (object_codes empty: every code of the tax types). A revoked
-- certificate keeps its row with the first day it no longer holds.

CREATE TABLE exemption_certificates (
    id             INTEGER PRIMARY KEY,
    taxpayer_id    BIGINT    NOT NULL REFERENCES taxpayers (id),
    kind           TEXT      NOT NULL,
    number         TEXT      NOT NULL,
    tax_types      TEXT      NOT NULL,
    object_codes   TEXT      NOT NULL DEFAULT '',
    valid_from     DATE      NOT NULL,
    valid_until    DATE,
    office         TEXT      NOT NULL,
    recorded_by    TEXT      NOT NULL,
    revoked_from   DATE,
    revoke_reason  TEXT      NOT NULL DEFAULT '',
    revoked_by     TEXT      NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER   NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX exemption_certificates_number ON exemption_certificates (kind, number);
CREATE INDEX exemption_certificates_taxpayer ON exemption_certificates (taxpayer_id, valid_from);
