-- e-Faktur bulk uploads: store the parts of an uploaded file compressed
-- with LZ4 rather than PostgreSQL's default pglz. A 1,000-invoice file of
-- 2.4 MB costs pglz some 50 ms of server time to compress when the job is
-- created, LZ4 about a tenth of that, and LZ4 compresses TaxInvoiceBulk
-- XML as small or smaller (doc/performance.md). The setting applies to
-- parts stored from now on; earlier parts stay readable as they are.
--
-- A server built without LZ4 support (it is an option of the build,
-- which the common packages enable) refuses the setting; the parts then
-- stay with pglz, which only costs time.
DO $$
BEGIN
    ALTER TABLE efaktur_upload_parts ALTER COLUMN data SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'LZ4 compression is not supported by this server; upload parts stay compressed with pglz';
END
$$;
