-- 003_queue: the job table stays fast at the county's 1.7 million parcels.
-- Every statement is idempotent so a re-run is harmless.

-- Job counts by state and priority without counting the table: signed
-- changes appended by statement triggers (one row per state and priority a
-- statement changed, none for a lease renewal).  Rows are only ever added,
-- so concurrent claimers never wait on a counter; readers sum them, and the
-- worker's reaping folds them into one row per state and priority.
CREATE TABLE IF NOT EXISTS job_counts (
	state     text NOT NULL,
	priority  smallint NOT NULL,
	n         bigint NOT NULL
);

CREATE OR REPLACE FUNCTION job_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO job_counts (state, priority, n)
	SELECT state, priority, count(*) FROM new_jobs GROUP BY state, priority;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION job_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO job_counts (state, priority, n)
	SELECT state, priority, sum(d) FROM (
		SELECT state, priority, 1 AS d FROM new_jobs
		UNION ALL SELECT state, priority, -1 FROM old_jobs) c
	GROUP BY state, priority HAVING sum(d) <> 0;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION job_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO job_counts (state, priority, n)
	SELECT state, priority, -count(*) FROM old_jobs GROUP BY state, priority;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION job_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM job_counts;
	RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS jobs_count_insert ON jobs;
CREATE TRIGGER jobs_count_insert AFTER INSERT ON jobs REFERENCING NEW TABLE AS new_jobs
	FOR EACH STATEMENT EXECUTE FUNCTION job_counts_insert();
DROP TRIGGER IF EXISTS jobs_count_update ON jobs;
CREATE TRIGGER jobs_count_update AFTER UPDATE ON jobs REFERENCING OLD TABLE AS old_jobs NEW TABLE AS new_jobs
	FOR EACH STATEMENT EXECUTE FUNCTION job_counts_update();
DROP TRIGGER IF EXISTS jobs_count_delete ON jobs;
CREATE TRIGGER jobs_count_delete AFTER DELETE ON jobs REFERENCING OLD TABLE AS old_jobs
	FOR EACH STATEMENT EXECUTE FUNCTION job_counts_delete();
DROP TRIGGER IF EXISTS jobs_count_truncate ON jobs;
CREATE TRIGGER jobs_count_truncate AFTER TRUNCATE ON jobs
	FOR EACH STATEMENT EXECUTE FUNCTION job_counts_truncate();

-- Start from the jobs already there (the migration holds its lock).
LOCK TABLE jobs IN SHARE MODE;
DELETE FROM job_counts;
INSERT INTO job_counts (state, priority, n) SELECT state, priority, count(*) FROM jobs GROUP BY state, priority;

-- Finished jobs are looked up by APN (the last failure); open ones through
-- jobs_open_apn.  Indexing only the finished keeps enqueueing to the indexes
-- a pending job needs.
DROP INDEX IF EXISTS jobs_apn;
CREATE INDEX IF NOT EXISTS jobs_finished_apn ON jobs (apn) WHERE state IN ('completed', 'failed', 'cancelled');
