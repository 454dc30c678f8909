-- Registration: taxpayers, places of business, related parties, PKP status,
-- profile history, legacy NPWP links, counters and reference registries.

CREATE TABLE counters (
    name  TEXT    NOT NULL,
    scope TEXT    NOT NULL,
    value BIGINT  NOT NULL,
    PRIMARY KEY (name, scope)
);

CREATE TABLE taxpayers (
    id                   INTEGER PRIMARY KEY,
    npwp                 TEXT      NOT NULL UNIQUE,
    kind                 TEXT      NOT NULL CHECK (kind IN ('resident_individual', 'foreign_individual', 'entity', 'government')),
    name                 TEXT      NOT NULL,
    nik                  TEXT      UNIQUE,
    birth_date           DATE,
    sex                  TEXT,
    passport_number      TEXT,
    nationality          TEXT,
    stay_permit_kind     TEXT,
    stay_permit_number   TEXT,
    stay_permit_expires  DATE,
    entity_form          TEXT,
    deed_number          TEXT,
    registry_number      TEXT      UNIQUE,
    street               TEXT      NOT NULL,
    province_code        TEXT      NOT NULL,
    regency_code         TEXT      NOT NULL,
    district_code        TEXT      NOT NULL,
    postal_code          TEXT      NOT NULL,
    email                TEXT      NOT NULL UNIQUE,
    mobile               TEXT      NOT NULL UNIQUE,
    registered_at        TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    version              INTEGER   NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX taxpayers_passport ON taxpayers (nationality, passport_number) WHERE passport_number IS NOT NULL;
CREATE INDEX taxpayers_name ON taxpayers (lower(name));

CREATE TABLE places_of_business (
    taxpayer_id    BIGINT    NOT NULL REFERENCES taxpayers (id),
    seq            INTEGER   NOT NULL,
    nitku          TEXT      NOT NULL UNIQUE,
    name           TEXT      NOT NULL,
    street         TEXT      NOT NULL,
    province_code  TEXT      NOT NULL,
    regency_code   TEXT      NOT NULL,
    district_code  TEXT      NOT NULL,
    postal_code    TEXT      NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (taxpayer_id, seq)
);

CREATE TABLE related_parties (
    id                INTEGER PRIMARY KEY,
    taxpayer_id       BIGINT    NOT NULL REFERENCES taxpayers (id),
    party_id          BIGINT    REFERENCES taxpayers (id),
    relation          TEXT      NOT NULL CHECK (relation IN ('director', 'commissioner', 'shareholder', 'employee')),
    name              TEXT      NOT NULL,
    nik               TEXT,
    passport_number   TEXT,
    nationality       TEXT,
    share_bp          INTEGER,
    main_pic          BOOLEAN   NOT NULL DEFAULT FALSE,
    valid_from        DATE      NOT NULL,
    valid_until       DATE,
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX related_parties_taxpayer ON related_parties (taxpayer_id);
CREATE INDEX related_parties_party ON related_parties (party_id);

CREATE TABLE pkp_events (
    id              INTEGER PRIMARY KEY,
    taxpayer_id     BIGINT    NOT NULL REFERENCES taxpayers (id),
    event           TEXT      NOT NULL CHECK (event IN ('confirmed', 'revoked')),
    effective_date  DATE      NOT NULL,
    note            TEXT      NOT NULL,
    actor           TEXT      NOT NULL,
    recorded_at     TIMESTAMP NOT NULL
);
CREATE INDEX pkp_events_taxpayer ON pkp_events (taxpayer_id, effective_date);

CREATE TABLE npwp_links (
    legacy_npwp  TEXT      PRIMARY KEY,
    taxpayer_id  BIGINT    NOT NULL REFERENCES taxpayers (id),
    linked_at    TIMESTAMP NOT NULL,
    actor        TEXT      NOT NULL,
    note         TEXT      NOT NULL
);
CREATE INDEX npwp_links_taxpayer ON npwp_links (taxpayer_id);

CREATE TABLE taxpayer_changes (
    id           INTEGER PRIMARY KEY,
    taxpayer_id  BIGINT    NOT NULL REFERENCES taxpayers (id),
    changed_at   TIMESTAMP NOT NULL,
    actor        TEXT      NOT NULL,
    action       TEXT      NOT NULL,
    field        TEXT      NOT NULL,
    old_value    TEXT      NOT NULL,
    new_value    TEXT      NOT NULL
);
CREATE INDEX taxpayer_changes_taxpayer ON taxpayer_changes (taxpayer_id, id);

-- Reference registries, loaded with `coretax registry import`.

CREATE TABLE population (
    nik            TEXT      PRIMARY KEY,
    name           TEXT      NOT NULL,
    birth_date     DATE      NOT NULL,
    sex            TEXT      NOT NULL,
    street         TEXT      NOT NULL,
    province_code  TEXT      NOT NULL,
    regency_code   TEXT      NOT NULL,
    district_code  TEXT      NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE companies (
    registry_number  TEXT      PRIMARY KEY,
    name             TEXT      NOT NULL,
    form             TEXT      NOT NULL,
    deed_number      TEXT      NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);

CREATE TABLE company_officers (
    registry_number  TEXT      NOT NULL REFERENCES companies (registry_number) ON DELETE CASCADE,
    seq              INTEGER   NOT NULL,
    position         TEXT      NOT NULL,
    name             TEXT      NOT NULL,
    nik              TEXT,
    passport_number  TEXT,
    nationality      TEXT,
    PRIMARY KEY (registry_number, seq)
);

CREATE TABLE immigration (
    passport_number      TEXT      NOT NULL,
    nationality          TEXT      NOT NULL,
    name                 TEXT      NOT NULL,
    birth_date           DATE      NOT NULL,
    sex                  TEXT      NOT NULL,
    passport_expires     DATE      NOT NULL,
    stay_permit_kind     TEXT      NOT NULL,
    stay_permit_number   TEXT      NOT NULL,
    stay_permit_expires  DATE,
    updated_at           TIMESTAMP NOT NULL,
    PRIMARY KEY (nationality, passport_number)
);

-- At most one open-ended main PIC per entity; dated overlaps are checked by
-- the registration service inside the same transaction.
CREATE UNIQUE INDEX related_parties_one_open_pic ON related_parties (taxpayer_id) WHERE main_pic AND valid_until IS NULL;
