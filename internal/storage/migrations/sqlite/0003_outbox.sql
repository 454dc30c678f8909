-- The notification outbox: messages are inserted in the same transaction
-- as the event that caused them and delivered by a worker.

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    channel      TEXT      NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient    TEXT      NOT NULL,
    subject      TEXT      NOT NULL,
    body         TEXT      NOT NULL,
    purpose      TEXT      NOT NULL,
    taxpayer_id  BIGINT,
    account_id   BIGINT,
    status       TEXT      NOT NULL,
    attempts     INTEGER   NOT NULL DEFAULT 0,
    last_error   TEXT      NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    next_at      TIMESTAMP NOT NULL,
    sent_at      TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_at);
CREATE INDEX outbox_account ON outbox (account_id, id);
CREATE INDEX outbox_taxpayer ON outbox (taxpayer_id, id);
