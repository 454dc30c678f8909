-- PBJT (regional tax on accommodation): versions of a Bali region's
-- configuration added by officers (the shipped defaults live in the
-- binary, internal/pbjt/data/regencies.json), and the properties
-- taxpayers register with their units and owners. The values of a
-- version are kept as JSON in the form of the shipped file, each with
-- its status and source.

CREATE TABLE pbjt_region_versions (
    id            INTEGER PRIMARY KEY,
    regency_code  TEXT      NOT NULL,
    valid_from    DATE      NOT NULL,
    config        TEXT      NOT NULL,
    recorded_at   TIMESTAMP NOT NULL,
    recorded_by   TEXT      NOT NULL
);
CREATE UNIQUE INDEX pbjt_region_versions_day ON pbjt_region_versions (regency_code, valid_from);

CREATE TABLE pbjt_properties (
    id             INTEGER PRIMARY KEY,
    taxpayer_id    BIGINT    NOT NULL REFERENCES taxpayers (id),
    name           TEXT      NOT NULL,
    kind           TEXT      NOT NULL,
    street         TEXT      NOT NULL,
    province_code  TEXT      NOT NULL,
    regency_code   TEXT      NOT NULL,
    district_code  TEXT      NOT NULL,
    postal_code    TEXT      NOT NULL,
    npwpd          TEXT,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER   NOT NULL DEFAULT 1
);
CREATE INDEX pbjt_properties_taxpayer ON pbjt_properties (taxpayer_id, id);
CREATE UNIQUE INDEX pbjt_properties_npwpd ON pbjt_properties (regency_code, npwpd) WHERE npwpd IS NOT NULL;

CREATE TABLE pbjt_units (
    property_id  BIGINT    NOT NULL REFERENCES pbjt_properties (id),
    taxpayer_id  BIGINT    NOT NULL REFERENCES taxpayers (id),
    position     INTEGER   NOT NULL,
    name         TEXT      NOT NULL,
    rooms        INTEGER   NOT NULL CHECK (rooms > 0),
    PRIMARY KEY (property_id, position)
);

CREATE TABLE pbjt_owners (
    property_id  BIGINT    NOT NULL REFERENCES pbjt_properties (id),
    taxpayer_id  BIGINT    NOT NULL REFERENCES taxpayers (id),
    position     INTEGER   NOT NULL,
    owner_id     BIGINT    NOT NULL REFERENCES taxpayers (id),
    owner_npwp   TEXT      NOT NULL,
    owner_name   TEXT      NOT NULL,
    share_bp     INTEGER   NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),
    valid_from   DATE      NOT NULL,
    valid_until  DATE,
    PRIMARY KEY (property_id, position)
);
CREATE INDEX pbjt_owners_owner ON pbjt_owners (owner_id, property_id);
