-- 006_partial: a part may come incomplete.  The source answered, but without
-- something it should have said (an amount, a flag, the whole of a search);
-- what it did not say is stored as unknown (NULL), and the part is marked
-- 'partial' with the reasons, naming what was missing.  A failed part keeps
-- its error in `error`; a partial one has its reasons in `reason`.
ALTER TABLE record_parts DROP CONSTRAINT IF EXISTS record_parts_state_check;
ALTER TABLE record_parts ADD CONSTRAINT record_parts_state_check
	CHECK (state IN ('complete', 'partial', 'missing', 'failed'));
ALTER TABLE record_parts ADD COLUMN IF NOT EXISTS reason text;
