-- Access: accounts, one-time codes, sessions, two-step recovery codes and
-- API tokens. Secrets are never stored: passwords as argon2id hashes,
-- codes, session IDs and tokens as HMAC-SHA256 digests under the server
-- key, authenticator secrets encrypted with AES-GCM under that key.

CREATE TABLE accounts (
    id                INTEGER PRIMARY KEY,
    kind              TEXT      NOT NULL CHECK (kind IN ('taxpayer', 'officer')),
    taxpayer_id       BIGINT    UNIQUE REFERENCES taxpayers (id),
    username          TEXT      UNIQUE,
    name              TEXT      NOT NULL,
    password_hash     TEXT      NOT NULL,
    failures          INTEGER   NOT NULL DEFAULT 0,
    last_failure_at   TIMESTAMP,
    locked_until      TIMESTAMP,
    totp_secret       TEXT      NOT NULL DEFAULT '',
    totp_enabled      BOOLEAN   NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMP NOT NULL,
    password_set_at   TIMESTAMP NOT NULL,
    CHECK ((kind = 'taxpayer' AND taxpayer_id IS NOT NULL) OR (kind = 'officer' AND username IS NOT NULL))
);

CREATE TABLE one_time_codes (
    id           INTEGER PRIMARY KEY,
    taxpayer_id  BIGINT    NOT NULL REFERENCES taxpayers (id),
    purpose      TEXT      NOT NULL CHECK (purpose IN ('activation', 'password_reset')),
    form         TEXT      NOT NULL CHECK (form IN ('code', 'link')),
    channel      TEXT      NOT NULL,
    secret_hash  TEXT      NOT NULL,
    attempts     INTEGER   NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    used_at      TIMESTAMP,
    voided_at    TIMESTAMP
);
CREATE INDEX one_time_codes_taxpayer ON one_time_codes (taxpayer_id, purpose, created_at);
CREATE UNIQUE INDEX one_time_codes_link ON one_time_codes (secret_hash) WHERE form = 'link';

CREATE TABLE sessions (
    id_hash                 TEXT      PRIMARY KEY,
    account_id              BIGINT    NOT NULL REFERENCES accounts (id),
    acting_for_taxpayer_id  BIGINT    REFERENCES taxpayers (id),
    second_step_pending     BOOLEAN   NOT NULL DEFAULT FALSE,
    address                 TEXT      NOT NULL,
    user_agent              TEXT      NOT NULL,
    created_at              TIMESTAMP NOT NULL,
    last_seen_at            TIMESTAMP NOT NULL,
    expires_at              TIMESTAMP NOT NULL,
    ended_at                TIMESTAMP,
    end_reason              TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions (account_id, created_at);

CREATE TABLE recovery_codes (
    account_id  BIGINT    NOT NULL REFERENCES accounts (id),
    code_hash   TEXT      NOT NULL,
    used_at     TIMESTAMP,
    PRIMARY KEY (account_id, code_hash)
);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    account_id    BIGINT    NOT NULL REFERENCES accounts (id),
    taxpayer_id   BIGINT    NOT NULL REFERENCES taxpayers (id),
    name          TEXT      NOT NULL,
    token_hash    TEXT      NOT NULL UNIQUE,
    scopes        TEXT      NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP,
    last_used_at  TIMESTAMP
);
CREATE INDEX api_tokens_account ON api_tokens (account_id, id);
