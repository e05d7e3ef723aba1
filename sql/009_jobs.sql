-- 009_jobs: a failed job sent round again (pdc-enqueue --retry-failed)
-- goes from failed back to pending with its attempts counted from zero.
-- The event for that was 'released' (fewer attempts than before, as when a
-- stopping worker gives a job back); it is 'queued', as for a new job.
-- Otherwise as in 004_events.sql.

CREATE OR REPLACE FUNCTION pdc_job_events_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('pdc_events', json_build_object('id', n.id, 'apn', n.apn, 'event', e.ev,
	    'attempt', n.attempts,
	    'error', CASE WHEN e.ev IN ('retrying', 'failed') THEN left(n.last_error, 300) END)::text)
	FROM new_rows n JOIN old_rows o ON o.id = n.id
	-- a release gives the attempt back; a retry (or a lease that ran out) keeps it
	CROSS JOIN LATERAL (SELECT CASE n.state WHEN 'active' THEN 'started'
	    WHEN 'pending' THEN CASE WHEN o.state <> 'active' THEN 'queued'
	        WHEN n.attempts < o.attempts THEN 'released' ELSE 'retrying' END
	    ELSE n.state END AS ev) e
	WHERE o.state IS DISTINCT FROM n.state
	ORDER BY n.id;
	RETURN NULL;
END
$$;
