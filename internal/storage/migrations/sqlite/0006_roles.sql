-- Roles and delegation: the roles the main PIC of an entity grants to its
-- related parties, the tax consultants (kuasa) an entity appoints, and the
-- roles of tax officers. The policy reads these rows on every request, so a
-- change takes effect at once. Rows are never deleted when a grant ends:
-- revoked_at records a revocation, and the audit log records every change.

CREATE TABLE role_grants (
    id           INTEGER PRIMARY KEY,
    taxpayer_id  BIGINT    NOT NULL REFERENCES taxpayers (id),
    party_id     BIGINT    NOT NULL REFERENCES taxpayers (id),
    role         TEXT      NOT NULL,
    valid_from   DATE      NOT NULL,
    valid_until  DATE,
    granted_at   TIMESTAMP NOT NULL,
    granted_by   TEXT      NOT NULL,
    revoked_at   TIMESTAMP,
    revoked_by   TEXT
);
CREATE INDEX role_grants_taxpayer ON role_grants (taxpayer_id, party_id);
CREATE INDEX role_grants_party ON role_grants (party_id);

-- A consultant appointment (penunjukan kuasa): the roles (space-separated
-- role names) the consultant may exercise from the first day of valid_from's
-- month to the last day of valid_until's month, once accepted.
CREATE TABLE consultant_appointments (
    id             INTEGER PRIMARY KEY,
    taxpayer_id    BIGINT    NOT NULL REFERENCES taxpayers (id),
    consultant_id  BIGINT    NOT NULL REFERENCES taxpayers (id),
    roles          TEXT      NOT NULL,
    valid_from     DATE      NOT NULL,
    valid_until    DATE      NOT NULL,
    status         TEXT      NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'revoked')),
    invited_at     TIMESTAMP NOT NULL,
    invited_by     TEXT      NOT NULL,
    answered_at    TIMESTAMP,
    revoked_at     TIMESTAMP,
    revoked_by     TEXT
);
CREATE INDEX consultant_appointments_taxpayer ON consultant_appointments (taxpayer_id);
CREATE INDEX consultant_appointments_consultant ON consultant_appointments (consultant_id, status);

-- Officer roles by user name (officer.registration, officer.access, ...).
CREATE TABLE officer_roles (
    username    TEXT      NOT NULL,
    role        TEXT      NOT NULL,
    granted_at  TIMESTAMP NOT NULL,
    granted_by  TEXT      NOT NULL,
    PRIMARY KEY (username, role)
);
