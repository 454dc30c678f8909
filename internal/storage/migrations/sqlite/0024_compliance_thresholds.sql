-- Versions of the compliance engine's thresholds added by officers (the
-- shipped defaults live in the binary, compliance.DefaultConfig), and the
-- thresholds each run used, so that a flag is explained by the
-- thresholds of its run (doc/compliance.md, "Thresholds"). The values
-- are kept as JSON named as in the API (window_months, min_shortfall_sen,
-- ...). A run's config_from is the first day of the version it used,
-- NULL for the shipped defaults; its config is NULL for runs from before
-- this migration.

CREATE TABLE compliance_config_versions (
    id           INTEGER PRIMARY KEY,
    valid_from   DATE      NOT NULL,
    config       TEXT      NOT NULL,
    reason       TEXT      NOT NULL,
    recorded_at  TIMESTAMP NOT NULL,
    recorded_by  TEXT      NOT NULL
);
CREATE UNIQUE INDEX compliance_config_versions_day ON compliance_config_versions (valid_from);

ALTER TABLE compliance_runs ADD COLUMN config TEXT;
ALTER TABLE compliance_runs ADD COLUMN config_from DATE;
