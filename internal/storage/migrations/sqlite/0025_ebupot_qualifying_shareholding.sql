-- A BP26 or BPNR slip paying dividends (27-101-01) under facility COD
-- says whether the non-resident company holds at least the treaty's
-- qualifying shareholding: the treaty table's dividends-qualifying row
-- then gives its rate (doc/ebupot.md "Treaty table"). Slips made before
-- the flag existed were looked up as plain dividends, so they stay false.

ALTER TABLE ebupot_slips ADD COLUMN qualifying_shareholding BOOLEAN NOT NULL DEFAULT FALSE;
