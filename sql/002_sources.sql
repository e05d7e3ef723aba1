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
