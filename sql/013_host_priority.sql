-- Priorities reach the hosts' rate limits across processes (issue 13).
--
-- Each process reserves request slots for a host a few at a time.  A
-- process whose best waiting request is critical or high says so when it
-- reserves: the host row keeps that priority, its owner and how long it
-- holds, and until then any other process whose best waiting request is of
-- a lower priority reserves nothing (it is told to look again after one
-- slot's interval).  Slots already handed out stay theirs: the urgent
-- request waits only for those, not for the backlog behind them.  The mark
-- lapses on its own a moment after the owner's last urgent slot (time for
-- the answer to come back and the job's next request to be asked), so it
-- holds while an urgent job goes from one request to its next.
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS urgent_priority smallint;
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS urgent_owner text;
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS urgent_until timestamptz;

-- As pdc_host_reserve (sql/002_sources.sql), for the best PRIORITY waiting
-- in process OWNER (0 critical ... 3 low).  YIELDED: another process has a
-- more urgent request for the host; nothing was reserved, look again after
-- WAIT_SECONDS.
CREATE OR REPLACE FUNCTION pdc_host_reserve(p_host text, p_k integer, p_interval float8,
    p_ok integer, p_failed integer, p_error text, p_priority integer, p_owner text,
    OUT wait_seconds float8, OUT slots integer, OUT slot_interval float8,
    OUT paused_for float8, OUT reason text, OUT yielded boolean)
LANGUAGE plpgsql AS $$
DECLARE
	h hosts%ROWTYPE;
	t timestamptz := clock_timestamp();
	-- the mark outlives the owner's last slot by this much: long enough for
	-- its request to come back and the next one to be asked
	hold interval := make_interval(secs => greatest(1.0, 2 * p_interval));
BEGIN
	yielded := false;
	INSERT INTO hosts (host) VALUES (p_host) ON CONFLICT (host) DO NOTHING;
	SELECT * INTO h FROM hosts WHERE host = p_host FOR UPDATE;
	IF h.window_start < t - interval '60 seconds' THEN
		h.window_start := t;
		h.window_ok := 0;
		h.window_failed := 0;
	END IF;
	h.window_ok := h.window_ok + p_ok;
	h.window_failed := h.window_failed + p_failed;
	IF p_error IS NOT NULL THEN
		h.last_error := p_error;
	END IF;
	h.slowdown := least(1.0, h.slowdown + 0.02 * p_ok);
	IF h.paused_until IS NOT NULL AND h.paused_until <= t THEN
		h.paused_until := NULL;
		h.pause_reason := NULL;
	END IF;
	IF h.paused_until IS NULL AND h.window_failed >= 10 AND h.window_failed >= 4 * h.window_ok THEN
		h.paused_until := t + interval '120 seconds';
		h.pause_reason := format('%s of %s requests failed in the last minute (last: %s)',
		    h.window_failed, h.window_failed + h.window_ok, coalesce(h.last_error, 'unknown'));
		h.window_start := t;
		h.window_ok := 0;
		h.window_failed := 0;
	END IF;
	IF h.urgent_until IS NOT NULL AND h.urgent_until <= t THEN
		h.urgent_until := NULL;
		h.urgent_priority := NULL;
		h.urgent_owner := NULL;
	END IF;
	slot_interval := p_interval / h.slowdown;
	IF h.paused_until IS NOT NULL THEN
		wait_seconds := 0;
		slots := 0;
		slot_interval := 0;
		paused_for := extract(epoch FROM h.paused_until - t);
		reason := h.pause_reason;
	ELSIF h.urgent_until IS NOT NULL AND h.urgent_owner <> p_owner
	    AND p_priority > h.urgent_priority THEN
		wait_seconds := slot_interval;
		slots := 0;
		paused_for := 0;
		yielded := true;
	ELSE
		wait_seconds := extract(epoch FROM greatest(h.next_slot, t) - t);
		h.next_slot := greatest(h.next_slot, t) + make_interval(secs => p_k * slot_interval);
		h.requests := h.requests + p_k;
		slots := p_k;
		paused_for := 0;
		IF p_priority < 2 THEN
			h.urgent_priority := p_priority;
			h.urgent_owner := p_owner;
			h.urgent_until := h.next_slot + hold;
		END IF;
	END IF;
	UPDATE hosts SET next_slot = h.next_slot, slowdown = h.slowdown, window_start = h.window_start,
	    window_ok = h.window_ok, window_failed = h.window_failed, paused_until = h.paused_until,
	    pause_reason = h.pause_reason, last_error = h.last_error, requests = h.requests,
	    urgent_priority = h.urgent_priority, urgent_owner = h.urgent_owner,
	    urgent_until = h.urgent_until
	WHERE host = p_host;
END
$$;
