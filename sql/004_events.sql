-- 004_events: every change of a job's state is announced on the channel
-- pdc_events, in the transaction that makes it (so a listener hears it when
-- it commits, and never hears what was rolled back), for pdc-status --follow
-- and anyone else who LISTENs.  The payload is a small JSON object:
--   {"id": 12, "apn": "165-28-054", "event": "retrying", "attempt": 1, "error": "..."}
-- event: queued, started, completed, retrying, failed, released (a stopping
-- worker gave the job back), cancelled.  error is null but for retrying and
-- failed, and cut to 300 characters: a payload must stay under 8000 bytes.
--
-- The triggers run once per statement over its transition tables rather
-- than once per row: enqueueing or claiming many jobs at once then costs
-- one set-based query, not a PL/pgSQL call per row.

CREATE OR REPLACE FUNCTION pdc_job_events_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('pdc_events', json_build_object('id', n.id, 'apn', n.apn,
	    'event', CASE n.state WHEN 'pending' THEN 'queued' WHEN 'active' THEN 'started' ELSE n.state END,
	    'attempt', n.attempts, 'error', NULL)::text)
	FROM new_rows n ORDER BY n.id;
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION pdc_job_events_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('pdc_events', json_build_object('id', n.id, 'apn', n.apn, 'event', e.ev,
	    'attempt', n.attempts,
	    'error', CASE WHEN e.ev IN ('retrying', 'failed') THEN left(n.last_error, 300) END)::text)
	FROM new_rows n JOIN old_rows o ON o.id = n.id
	-- a release gives the attempt back; a retry (or a lease that ran out) keeps it
	CROSS JOIN LATERAL (SELECT CASE n.state WHEN 'active' THEN 'started'
	    WHEN 'pending' THEN CASE WHEN n.attempts < o.attempts THEN 'released' ELSE 'retrying' END
	    ELSE n.state END AS ev) e
	WHERE o.state IS DISTINCT FROM n.state
	ORDER BY n.id;
	RETURN NULL;
END
$$;

-- (a trigger with transition tables cannot name columns: every UPDATE of
-- jobs runs it, and the join keeps the rows whose state changed)
DROP TRIGGER IF EXISTS jobs_events_insert ON jobs;
CREATE TRIGGER jobs_events_insert AFTER INSERT ON jobs
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION pdc_job_events_insert();

DROP TRIGGER IF EXISTS jobs_events_update ON jobs;
CREATE TRIGGER jobs_events_update AFTER UPDATE ON jobs
	REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION pdc_job_events_update();
