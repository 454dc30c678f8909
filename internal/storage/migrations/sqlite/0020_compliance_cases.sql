-- Case work on the compliance engine's flags (doc/compliance-cases.md):
-- cases of one subject each (a registered taxpayer, or a subject no
-- registered taxpayer matches), the flags they were opened from, their
-- history, the SP2DK-style letters sent from them (numbered from the
-- counters table) and the responses. A subject has at most one case that
-- is not closed.

CREATE TABLE compliance_cases (
    id                     INTEGER PRIMARY KEY,
    subject                TEXT      NOT NULL,
    taxpayer_id            BIGINT    REFERENCES taxpayers (id),
    npwp                   TEXT      NOT NULL,
    name                   TEXT      NOT NULL,
    regency_code           TEXT      NOT NULL,
    status                 TEXT      NOT NULL,
    outcome                TEXT      NOT NULL DEFAULT '',
    assigned_to            TEXT      NOT NULL DEFAULT '',
    rules                  TEXT      NOT NULL,
    shortfall_sen          BIGINT    NOT NULL,
    penalty_voluntary_sen  BIGINT    NOT NULL,
    penalty_audit_sen      BIGINT    NOT NULL,
    expected_recovery_sen  BIGINT    NOT NULL,
    opened_by              TEXT      NOT NULL,
    opened_at              TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    closed_at              TIMESTAMP,
    version                INTEGER   NOT NULL
);
CREATE UNIQUE INDEX compliance_cases_subject_active ON compliance_cases (subject) WHERE status <> 'closed';
CREATE INDEX compliance_cases_list ON compliance_cases (expected_recovery_sen DESC, id);
CREATE INDEX compliance_cases_taxpayer ON compliance_cases (taxpayer_id, id);

CREATE TABLE compliance_case_flags (
    case_id  BIGINT NOT NULL REFERENCES compliance_cases (id),
    flag_id  BIGINT NOT NULL REFERENCES compliance_flags (id),
    PRIMARY KEY (case_id, flag_id)
);
CREATE INDEX compliance_case_flags_flag ON compliance_case_flags (flag_id);

CREATE TABLE compliance_case_events (
    id       INTEGER PRIMARY KEY,
    case_id  BIGINT    NOT NULL REFERENCES compliance_cases (id),
    at       TIMESTAMP NOT NULL,
    actor    TEXT      NOT NULL,
    action   TEXT      NOT NULL,
    detail   TEXT      NOT NULL
);
CREATE INDEX compliance_case_events_case ON compliance_case_events (case_id, id);

-- content is the letter as composed (JSON), so that its PDF is the same
-- whenever it is downloaded, whatever later runs do to the flags.
CREATE TABLE compliance_letters (
    id             INTEGER PRIMARY KEY,
    case_id        BIGINT    NOT NULL UNIQUE REFERENCES compliance_cases (id),
    taxpayer_id    BIGINT    REFERENCES taxpayers (id),
    number         TEXT      NOT NULL UNIQUE,
    regency_code   TEXT      NOT NULL,
    issued_at      TIMESTAMP NOT NULL,
    due_on         DATE      NOT NULL,
    content        TEXT      NOT NULL,
    outbox_id      BIGINT    REFERENCES outbox (id)
);

CREATE TABLE compliance_responses (
    id           INTEGER PRIMARY KEY,
    case_id      BIGINT    NOT NULL UNIQUE REFERENCES compliance_cases (id),
    taxpayer_id  BIGINT    REFERENCES taxpayers (id),
    channel      TEXT      NOT NULL,
    explanation  TEXT      NOT NULL,
    correction   BOOLEAN   NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    recorded_by  TEXT      NOT NULL
);
