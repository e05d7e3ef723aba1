-- 005_followed: job events (004_events.sql) are announced only while
-- someone follows them.  Enqueueing a million APNs would otherwise build a
-- million JSON payloads and push them through the notification queue, which
-- nobody may be reading, at a cost near that of writing the jobs themselves.
--
-- A follower (pdc-status --follow, or anyone else who LISTENs on
-- pdc_events) runs SELECT pdc_events_follow() BEFORE its LISTEN pdc_events
-- and stays connected: it then hears every change committed after its
-- LISTEN, exactly as before.  The payload is unchanged.
--
-- How: a follower holds a shared session advisory lock on (80590, 1) for
-- as long as it is connected.  The event triggers, once per statement, take
-- a shared transaction lock on (80590, 2) and then look in pg_locks for a
-- follower's lock; when there is none they announce nothing.  A statement
-- that looked just before a follower arrived may commit after its LISTEN,
-- so pdc_events_follow(), once its own lock is held, waits until every
-- transaction holding (80590, 2) at that moment has ended.  Any statement
-- that looks later sees the follower.  Both locks are shared and nobody
-- ever asks for them exclusively: writers never wait on each other or on
-- a follower.

-- True when a follower is connected; holds (80590, 2) to the end of the
-- transaction, for pdc_events_follow() to wait on.
CREATE OR REPLACE FUNCTION pdc_events_followed() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock_shared(80590, 2);
	RETURN EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid
	    FROM pg_database WHERE datname = current_database())
	    AND classid = 80590 AND objid = 1 AND objsubid = 2 AND granted);
END
$$;

-- Become a follower: take the follower's lock for the session, then wait
-- out the transactions that may have decided nobody follows.
CREATE OR REPLACE FUNCTION pdc_events_follow() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	inflight text[];
BEGIN
	PERFORM pg_advisory_lock_shared(80590, 1);
	SELECT array_agg(virtualtransaction) INTO inflight FROM pg_locks
	WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
	AND classid = 80590 AND objid = 2 AND objsubid = 2 AND pid <> pg_backend_pid();
	WHILE inflight IS NOT NULL AND EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
	    AND classid = 80590 AND objid = 2 AND objsubid = 2 AND virtualtransaction = ANY (inflight)) LOOP
		PERFORM pg_sleep(0.01);
	END LOOP;
END
$$;

-- The event triggers of 004_events.sql again, firing only while followed.
-- (A statement trigger's WHEN is evaluated as the statement ends, when the
-- trigger would fire.)
DROP TRIGGER IF EXISTS jobs_events_insert ON jobs;
CREATE TRIGGER jobs_events_insert AFTER INSERT ON jobs
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT WHEN (pdc_events_followed()) EXECUTE FUNCTION pdc_job_events_insert();

DROP TRIGGER IF EXISTS jobs_events_update ON jobs;
CREATE TRIGGER jobs_events_update AFTER UPDATE ON jobs
	REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
	FOR EACH STATEMENT WHEN (pdc_events_followed()) EXECUTE FUNCTION pdc_job_events_update();
