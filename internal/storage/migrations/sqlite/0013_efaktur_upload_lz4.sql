-- e-Faktur bulk uploads: on PostgreSQL this migration stores the parts of
-- an uploaded file compressed with LZ4 instead of pglz, to make creating
-- an upload job cheaper (doc/performance.md). SQLite stores a part's
-- bytes as they are and has no such setting: nothing changes here.
SELECT 1;
