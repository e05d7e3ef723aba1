-- 002_sources: the treasurer's districts and payments, where each part of a
-- record came from, raw responses for re-parsing, and per-host politeness.

CREATE TABLE IF NOT EXISTS tax_districts (
	apn         text NOT NULL,
	district    text NOT NULL,
	tax_year    integer,
	name        text,
	percentage  numeric,
	tax         numeric(14,2),
	paid        numeric(14,2),
	PRIMARY KEY (apn, district)
);

CREATE TABLE IF NOT EXISTS tax_payments (
	apn            text NOT NULL,
	seq            integer NOT NULL,	-- the row's place in the activity grid, from 1
	tax_year       integer,
	activity       text,
	amount         numeric(14,2),
	activity_date  date,
	payment_date   date,
	transaction    text,
	PRIMARY KEY (apn, seq)
);

-- Where each part of a record came from, when, and whether it is there.
CREATE TABLE IF NOT EXISTS record_parts (
	apn         text NOT NULL,
	part        text NOT NULL,		-- basic, valuations, residential, tax, sales
	source      text NOT NULL,
	fetched_at  timestamptz NOT NULL,
	state       text NOT NULL CHECK (state IN ('complete', 'missing', 'failed')),
	error       text,
	PRIMARY KEY (apn, part)
);

-- Raw responses, for re-parsing without asking the county again.
CREATE TABLE IF NOT EXISTS responses (
	apn            text NOT NULL,
	source         text NOT NULL,
	key            text NOT NULL,
	url            text NOT NULL,
	status         integer NOT NULL,
	content_type   text,
	etag           text,
	last_modified  text,
	sha256         text NOT NULL,
	body           bytea NOT NULL,
	fetched_at     timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (apn, source, key)
);
CREATE INDEX IF NOT EXISTS responses_fetched ON responses (fetched_at);

-- Politeness per host, shared by every worker: the rate limit's schedule,
-- slow-down after 429/503, pauses, and robots.txt.
CREATE TABLE IF NOT EXISTS hosts (
	host            text PRIMARY KEY,
	next_slot       timestamptz NOT NULL DEFAULT now(),	-- when the next request may go
	slowdown        double precision NOT NULL DEFAULT 1,	-- 1: full rate; less after 429/503
	window_start    timestamptz NOT NULL DEFAULT now(),
	window_ok       integer NOT NULL DEFAULT 0,
	window_failed   integer NOT NULL DEFAULT 0,
	paused_until    timestamptz,
	pause_reason    text,
	robots_body     text,
	robots_status   integer,
	robots_fetched  timestamptz,
	last_error      text,
	requests        bigint NOT NULL DEFAULT 0
);

-- Reserve K request slots on HOST, spaced INTERVAL seconds (slowed down after
-- 429/503), after counting the OK and FAILED requests since the last call.
-- A host failing most requests for a minute is paused for two minutes.
-- Returns how long to wait for the first slot, or how long the host stays paused.
CREATE OR REPLACE FUNCTION pdc_host_reserve(p_host text, p_k integer, p_interval float8,
    p_ok integer, p_failed integer, p_error text,
    OUT wait_seconds float8, OUT slots integer, OUT slot_interval float8,
    OUT paused_for float8, OUT reason text)
LANGUAGE plpgsql AS $$
DECLARE
	h hosts%ROWTYPE;
	t timestamptz := clock_timestamp();
BEGIN
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
	-- the rate comes back gradually: 2% per good answer
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
	IF h.paused_until IS NOT NULL THEN
		wait_seconds := 0;
		slots := 0;
		slot_interval := 0;
		paused_for := extract(epoch FROM h.paused_until - t);
		reason := h.pause_reason;
	ELSE
		slot_interval := p_interval / h.slowdown;
		wait_seconds := extract(epoch FROM greatest(h.next_slot, t) - t);
		h.next_slot := greatest(h.next_slot, t) + make_interval(secs => p_k * slot_interval);
		h.requests := h.requests + p_k;
		slots := p_k;
		paused_for := 0;
	END IF;
	UPDATE hosts SET next_slot = h.next_slot, slowdown = h.slowdown, window_start = h.window_start,
	    window_ok = h.window_ok, window_failed = h.window_failed, paused_until = h.paused_until,
	    pause_reason = h.pause_reason, last_error = h.last_error, requests = h.requests
	WHERE host = p_host;
END
$$;

-- HOST answered 429 or 503: halve its rate and wait RETRY_AFTER seconds.
CREATE OR REPLACE FUNCTION pdc_host_throttle(p_host text, p_retry_after float8, p_error text)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO hosts (host) VALUES (p_host) ON CONFLICT (host) DO NOTHING;
	UPDATE hosts SET slowdown = greatest(0.05, slowdown * 0.5),
	    next_slot = greatest(next_slot, clock_timestamp() + make_interval(secs => greatest(p_retry_after, 1))),
	    last_error = p_error
	WHERE host = p_host;
$$;
