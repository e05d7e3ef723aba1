-- 001_init: records, the job queue, workers, and the seed's status table.
-- Every statement is idempotent so a re-run is harmless.

CREATE TABLE IF NOT EXISTS properties (
	apn                         text PRIMARY KEY,
	mcr                         text,
	property_address            text,
	property_description        text,
	lot_size                    bigint,
	is_residential              boolean,
	section_township_range      text,
	subdivision_name            text,
	lot                         text,
	high_school_district        text,
	elementary_school_district  text,
	local_jurisdiction          text,
	property_type               text,
	parcel_status               text,
	tax_area_code               text,
	property_use_code           text,
	pe_prop_use_desc            text,
	owner_id                    text,
	owner_name                  text,
	in_care_of                  text,
	mailing_address1            text,
	mailing_address2            text,
	mailing_city                text,
	mailing_state               text,
	mailing_zip                 text,
	mailing_country             text,
	full_mailing_address        text,
	deed_number                 text,
	deed_date                   date,
	deed_type                   text,
	sale_price                  numeric,
	sale_date                   date,
	redacted                    boolean,
	-- what the search row said (pdc-search), kept apart from /parcel's fields
	situs_address               text,
	situs_city                  text,
	situs_zip                   text,
	search_seen_at              timestamptz,
	fetched_at                  timestamptz
);

CREATE TABLE IF NOT EXISTS valuations (
	apn                          text NOT NULL,
	tax_year                     integer NOT NULL,
	full_cash_value              bigint,
	limited_property_value       bigint,
	legal_classification_code    text,
	legal_classification         text,
	assessment_ratio_percentage  numeric,
	assessed_fcv                 bigint,
	assessed_lpv                 bigint,
	valuation_source             text,
	pe_prop_use_desc             text,
	property_use_code            text,
	tax_area_code                text,
	notice_of_change_indc        text,
	PRIMARY KEY (apn, tax_year)
);

CREATE TABLE IF NOT EXISTS residential_details (
	apn                           text PRIMARY KEY,
	construction_year             integer,
	original_construction_year    integer,
	lot_size                      bigint,
	livable_space                 bigint,
	detached_livable_sqft         bigint,
	assessor_market               text,
	area_neighborhood             text,
	pool                          boolean,
	pe_improvement_quality_grade  text,
	improvement_quality_grade     text,
	number_of_covered_patios      integer,
	number_of_uncovered_patios    integer,
	number_of_patios              integer,
	patio_type                    text,
	exterior_walls                text,
	roof_type                     text,
	bath_fixtures                 integer,
	cooling                       text,
	heating                       text,
	number_of_garages             integer,
	number_of_carports            integer,
	parking_details_type          text,
	parking_details_count         integer,
	locational_factors            text,
	other_structures              text,
	parking_type                  text,
	covered_parking               boolean,
	locational_characteristics    text,
	physical_condition            text
);

CREATE TABLE IF NOT EXISTS sales (
	apn               text NOT NULL,
	recording_number  text NOT NULL,
	recording_date    date,
	document_code     text,
	names             jsonb,
	sale_price        numeric,
	restricted        boolean,
	source            text,
	PRIMARY KEY (apn, recording_number)
);

CREATE TABLE IF NOT EXISTS tax_bills (
	apn              text NOT NULL,
	tax_year         integer NOT NULL,
	status           text,
	tax_area_code    text,
	assessed_tax     numeric(14,2),
	paid             numeric(14,2),
	due              numeric(14,2),
	first_half_due   numeric(14,2),
	second_half_due  numeric(14,2),
	interest_due     numeric(14,2),
	fees_due         numeric(14,2),
	delinquent       boolean,
	PRIMARY KEY (apn, tax_year)
);

-- The job queue.  priority: 0 critical, 1 high, 2 normal, 3 low.
CREATE TABLE IF NOT EXISTS jobs (
	id            bigserial PRIMARY KEY,
	apn           text NOT NULL,
	priority      smallint NOT NULL DEFAULT 2 CHECK (priority BETWEEN 0 AND 3),
	state         text NOT NULL DEFAULT 'pending'
	              CHECK (state IN ('pending', 'active', 'completed', 'failed', 'cancelled')),
	run_after     timestamptz NOT NULL DEFAULT now(),
	attempts      integer NOT NULL DEFAULT 0,
	max_attempts  integer NOT NULL DEFAULT 4,
	lease_until   timestamptz,
	lease_token   bigint,
	worker        text,
	created_at    timestamptz NOT NULL DEFAULT now(),
	started_at    timestamptz,
	finished_at   timestamptz,
	duration_ms   integer,
	parts         integer,
	last_error    text
);
-- one open job per APN
CREATE UNIQUE INDEX IF NOT EXISTS jobs_open_apn ON jobs (apn) WHERE state IN ('pending', 'active');
-- the claim order; stays as small as the backlog
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (priority, run_after, id) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS jobs_lease ON jobs (lease_until) WHERE state = 'active';
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (finished_at) WHERE state IN ('completed', 'failed', 'cancelled');
CREATE INDEX IF NOT EXISTS jobs_apn ON jobs (apn);

CREATE SEQUENCE IF NOT EXISTS jobs_lease_seq;

CREATE TABLE IF NOT EXISTS workers (
	id            text PRIMARY KEY,		-- host:pid:start
	host          text NOT NULL,
	pid           integer NOT NULL,
	concurrency   integer NOT NULL,
	started_at    timestamptz NOT NULL DEFAULT now(),
	heartbeat_at  timestamptz NOT NULL DEFAULT now(),
	stopped_at    timestamptz,
	jobs_done     bigint NOT NULL DEFAULT 0,
	jobs_failed   bigint NOT NULL DEFAULT 0,
	pool_in_use   integer NOT NULL DEFAULT 0,
	pool_size     integer NOT NULL DEFAULT 0,
	pool_max      integer NOT NULL DEFAULT 0,
	pool_wait_ms  bigint NOT NULL DEFAULT 0,
	db_queries    bigint NOT NULL DEFAULT 0,
	db_query_ms   double precision NOT NULL DEFAULT 0,
	http_requests bigint NOT NULL DEFAULT 0
);

-- Flags every worker on every machine honours (the pause switch).
CREATE TABLE IF NOT EXISTS control (
	key         text PRIMARY KEY,
	value       text NOT NULL,
	updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Running totals pdc-stats reports (cache hits counted by pdc-enqueue).
CREATE TABLE IF NOT EXISTS counters (
	name   text PRIMARY KEY,
	value  bigint NOT NULL DEFAULT 0
);

-- The seed's status table, with its exact columns and indexes.
CREATE TABLE IF NOT EXISTS data_collection_status (
    apn VARCHAR(50) PRIMARY KEY,
    status VARCHAR(20) NOT NULL,
    started_at TIMESTAMP,
    completed_at TIMESTAMP,
    error_message TEXT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_collection_status_status ON data_collection_status(status);
CREATE INDEX IF NOT EXISTS idx_collection_status_completed ON data_collection_status(completed_at) WHERE status = 'completed';
