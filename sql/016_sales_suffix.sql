-- 016_sales_suffix: a sale keeps the recorder's recordingSuffix.
--
-- The recorder's search lists a document by recordingNumber and
-- recordingSuffix ("" on nearly every real row, "A" on one): 20000784158
-- and 20000784158 A are two documents.  What a suffix means is not
-- confirmed, so it is kept exactly as the search gave it:
--   ''    the search said the document has none;
--   'A'   the search's suffix;
--   NULL  no search row said (a document known from its detail alone,
--         which is asked for by number and names no suffix).
-- Rows stored before were never told: NULL.
ALTER TABLE sales ADD COLUMN IF NOT EXISTS recording_suffix text;

-- The assessor names the latest deed by number (Owner.MostCurrentDeed) and
-- links to it at the recorder by number and suffix (DeedTransitionUrl,
-- "...?recordingNumber=20180142724&suffix="): deed_suffix is that suffix
-- as given ('' none), NULL when the link does not say or there is no deed.
ALTER TABLE properties ADD COLUMN IF NOT EXISTS deed_suffix text;
