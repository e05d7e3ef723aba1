-- 014_tidy_workers: what nothing uses any more goes.
-- Every statement is idempotent so a re-run is harmless.
--
-- pdc_host_reserve's first form (sql/002_sources.sql) has not been called
-- since the form that takes the request's priority and its process
-- (sql/013_host_priority.sql) repeated its whole body: one body is left.
DROP FUNCTION IF EXISTS pdc_host_reserve(text, integer, float8, integer, integer, text);

-- A worker's counts go to worker_figures (sql/010_worker_figures.sql), where
-- pdc-stats reads them and they outlive the worker; the copies on its
-- workers row were written on every heartbeat and read by nothing.  The
-- pool's connections now (pool_in_use, pool_size, pool_max) stay: pdc-stats
-- sums them over the live workers.
ALTER TABLE workers
	DROP COLUMN IF EXISTS jobs_done,
	DROP COLUMN IF EXISTS jobs_failed,
	DROP COLUMN IF EXISTS pool_wait_ms,
	DROP COLUMN IF EXISTS db_queries,
	DROP COLUMN IF EXISTS db_query_ms,
	DROP COLUMN IF EXISTS http_requests;
