-- The last authenticator time step accepted for an account, so that a
-- TOTP code is accepted once only, even within its 30-second window
-- (RFC 6238 §5.2).
ALTER TABLE accounts ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
