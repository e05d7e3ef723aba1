-- 007_source_formats: whether each source's pages are in a format pdc reads.
-- A page in no format pdc knows (the site changed: the treasurer's newer,
-- script-drawn portal page) sets unrecognised_since, on the first such
-- page, and counts the parcels collected so since; the next page that reads
-- clears both, so the source resumes by itself.  pdc-status shows a source
-- while it is set.
CREATE TABLE IF NOT EXISTS source_formats (
	source                text PRIMARY KEY,
	unrecognised_since    timestamptz,
	unrecognised_parcels  bigint NOT NULL DEFAULT 0
);
