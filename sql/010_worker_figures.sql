-- 010_worker_figures: what the workers did, minute by minute, kept after they stop.
-- Every statement is idempotent so a re-run is harmless.
--
-- A worker reports with each heartbeat, and once more as it stops, what
-- happened since its last report: it adds to its row for the current minute.
-- counts are sums (requests, statements, milliseconds), added key by key;
-- peaks are readings (connections in use), the highest of the minute kept.
-- Both are jsonb so that a new figure is a new key, not a migration.  Rows
-- older than the worker's keep window are folded into one row per worker
-- at minute '-infinity' (counts summed, peaks dropped), so totals outlive
-- the minutes.
CREATE TABLE IF NOT EXISTS worker_figures (
	worker  text NOT NULL,		-- workers.id
	minute  timestamptz NOT NULL,
	counts  jsonb NOT NULL DEFAULT '{}',
	peaks   jsonb NOT NULL DEFAULT '{}',
	PRIMARY KEY (worker, minute)
);
CREATE INDEX IF NOT EXISTS worker_figures_minute ON worker_figures (minute);

-- Key by key: the sum of A's and B's values, or the greater of them.
CREATE OR REPLACE FUNCTION pdc_figures_add(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(jsonb_object_agg(k, coalesce((a ->> k)::float8, 0) + coalesce((b ->> k)::float8, 0)), '{}')
	FROM (SELECT jsonb_object_keys(a) UNION SELECT jsonb_object_keys(b)) AS keys(k)
$$;

CREATE OR REPLACE FUNCTION pdc_figures_max(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(jsonb_object_agg(k, greatest((a ->> k)::float8, (b ->> k)::float8)), '{}')
	FROM (SELECT jsonb_object_keys(a) UNION SELECT jsonb_object_keys(b)) AS keys(k)
$$;
