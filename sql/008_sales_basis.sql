-- 008_sales_basis: every sale says how pdc knows it is the parcel's.
--
-- The recorder has no parcel filter: a document found by an owner's name may
-- be another parcel's (the same owner's other home, or another owner of the
-- same name).  basis says what ties the row to this parcel:
--   deed       the assessor's latest deed (Owner.MostCurrentDeed): certain;
--   chain      an earlier deed tied to the latest by the chain of owners'
--              names and dates (lib/sources/recorder.c says how);
--   candidate  a deed found only under an owner's name: perhaps this
--              parcel's, perhaps not.
-- pdc-show presents deed and chain rows as the parcel's sales and the
-- candidates apart.  matched says what was searched and what matched.
ALTER TABLE sales ADD COLUMN IF NOT EXISTS basis text;
ALTER TABLE sales ADD COLUMN IF NOT EXISTS matched text;

-- Rows stored before: the latest deed is known; the rest were found by name.
UPDATE sales s SET basis = CASE WHEN EXISTS (SELECT 1 FROM properties p
	WHERE p.apn = s.apn AND p.deed_number = s.recording_number) THEN 'deed' ELSE 'candidate' END,
	matched = CASE WHEN EXISTS (SELECT 1 FROM properties p
	WHERE p.apn = s.apn AND p.deed_number = s.recording_number) THEN 'Owner.MostCurrentDeed'
	ELSE 'the owner''s name (stored before basis was kept)' END
	WHERE basis IS NULL;

ALTER TABLE sales ALTER COLUMN basis SET NOT NULL;
ALTER TABLE sales DROP CONSTRAINT IF EXISTS sales_basis_check;
ALTER TABLE sales ADD CONSTRAINT sales_basis_check CHECK (basis IN ('deed', 'chain', 'candidate'));
