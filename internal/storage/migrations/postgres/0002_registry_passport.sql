-- Immigration records are also looked up by passport number alone (to tell
-- a registrant that the passport is recorded under another nationality).
CREATE INDEX immigration_passport ON immigration (passport_number);
