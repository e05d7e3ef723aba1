#!/usr/bin/env bats
# pdc-worker: claims, collects, stores; compared with countyd's truth.

load test_helper

setup() {
	db_reset
}

@test "a worker collects 200 parcels and every stored field matches countyd's truth" {
	county_apns 200 >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 8 --drain
	assert_output --partial "Background data worker started"
	assert_output --regexp "Data collection completed for APN [0-9]{8}[A-Z]? in [0-9.]+s"
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "completed|200"
	run_pdc 0 sql "SELECT status, count(*) FROM data_collection_status GROUP BY status"
	assert_output "completed|200"
	stored_json <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/stored"
	truth_json <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/truth")" -eq 200 ]
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/stored"
	assert_success
	# the county's quirks really were in what was served
	run_pdc 0 sql "SELECT count(*) FROM valuations WHERE assessed_fcv IS NULL"
	[ "$output" -gt 0 ]
	run_pdc 0 sql "SELECT count(*) FROM residential_details"
	[ "$output" -gt 0 ]
	run_pdc 0 sql "SELECT count(*) FROM properties WHERE sale_price IS NULL"
	[ "$output" -gt 0 ]
}

@test "the real assessor responses for 165-28-054 are stored exactly" {
	start_countyd fixtures --dir "$TOP/tests/fixtures"
	PDC_CONFIG=$(config_for "$COUNTYD_URL") run_pdc 0 pdc-worker --apn 165-28-054
	assert_output --partial "Data collection completed for APN 16528054"
	run_pdc 0 sql "SELECT owner_name, mailing_address1, mailing_address2 IS NULL, mailing_city, mailing_state,
	  mailing_zip, mailing_country, full_mailing_address, deed_number, deed_date, deed_type,
	  sale_price IS NULL, sale_date IS NULL, redacted, in_care_of IS NULL, owner_id
	  FROM properties WHERE apn = '165-28-054'"
	assert_output "HORIZON HEALTH AND WELLNESS INC|210 E COTTONWOOD LN|t|CASA CRANDE|AZ|85122|USA|210 E COTTONWOOD LN, CASA CRANDE, AZ 85122|20180142724|2018-02-26|WD|t|t|f|t|1CE9343E-0B79-4899-8A74-6446449696BB"
	run_pdc 0 sql "SELECT mcr, property_address, property_description, lot_size, is_residential,
	  section_township_range, subdivision_name, lot, high_school_district, elementary_school_district,
	  local_jurisdiction, property_type, parcel_status FROM properties WHERE apn = '165-28-054'"
	assert_output "9641|10010 N 29TH ST PHOENIX, AZ 85028|PARADISE VALLEY OASIS 1-A|10453|t|26 3N 3E|PARADISE VALLEY OASIS 1-A|413|PARADISE VALLEY UNIFIED #69|PARADISE VALLEY UNIFIED SCHOOL DISTRICT|PHOENIX|Residential|A"
	run_pdc 0 sql "SELECT tax_year, full_cash_value, limited_property_value, legal_classification_code,
	  legal_classification, assessment_ratio_percentage, coalesce(assessed_fcv::text, 'NULL'), assessed_lpv,
	  valuation_source, pe_prop_use_desc, property_use_code, tax_area_code, notice_of_change_indc
	  FROM valuations WHERE apn = '165-28-054' ORDER BY tax_year DESC"
	assert_output "2026|573300|255234|2.R|AG / VACANT LAND / NON-PROFIT R/P|0.1500|NULL|38285|Notice|Prop Tax Exe, Priv-Owned|9060|691300|N
2025|545500|243080|2.R|AG / VACANT LAND / NON-PROFIT R/P|0.1500|NULL|36462|Notice|Prop Tax Exe, Priv-Owned|9060|691300|N
2024|583800|231505|2.R|AG / VACANT LAND / NON-PROFIT R/P|0.1500|NULL|34726|Notice|Prop Tax Exe, Priv-Owned|9020|691300|N
2023|486000|220481|2.R|AG / VACANT LAND / NON-PROFIT R/P|0.1500|NULL|33072|Notice|Prop Tax Exe, Priv-Owned|9020|691300|N
2022|375300|209982|2.R|AG / VACANT LAND / NON-PROFIT R/P|0.1500|NULL|31497|Notice|Prop Tax Exe, Priv-Owned|9020|691300|N
2021|340500|199983|2.R|AG / VACANT LAND / NON-PROFIT R/P|0.1500|NULL|29997|Notice|Prop Tax Exe, Priv-Owned|9020|691300|N"
	run_pdc 0 sql "SELECT construction_year, original_construction_year, lot_size, livable_space,
	  detached_livable_sqft IS NULL, assessor_market, area_neighborhood, pool, pe_improvement_quality_grade,
	  improvement_quality_grade, number_of_covered_patios, number_of_uncovered_patios, number_of_patios,
	  patio_type, exterior_walls, roof_type, bath_fixtures, cooling, heating, number_of_garages,
	  number_of_carports, parking_details_type, parking_details_count, locational_factors IS NULL,
	  other_structures IS NULL, parking_type, covered_parking, locational_characteristics IS NULL,
	  physical_condition IS NULL FROM residential_details WHERE apn = '165-28-054'"
	assert_output '1961|1961|10453|2262|t|05|009|f|Comparable|CLASS R3|0|1|1|Uncovered|Bp - 8" Painted Block|As - Asphalt|6|RF - REFRIGERATION|Yes|2|0|Garage|1|t|t|Garage|t|t|t'
	run_pdc 0 sql "SELECT status FROM data_collection_status WHERE apn = '165-28-054'"
	assert_output "completed"
}

@test "a wrong token fails the job at once and stops the worker with exit 78" {
	county_apns 5 >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	PDC_CONFIG=$(config_for "$COUNTY_URL" '' wrong-token) run_pdc 78 pdc-worker -j 1 --drain
	assert_output --partial "authentication failed"
	assert_output --regexp "Job for APN [0-9A-Z]+ failed after 0 retries: .*authentication failed"
	refute_output --partial "wrong-token"
	# the job that met the refusal failed at its first attempt; the rest wait for a good token
	run_pdc 0 sql "SELECT state, attempts, count(*) FROM jobs GROUP BY 1, 2 ORDER BY 1"
	assert_output "failed|1|1
pending|0|4"
	run_pdc 0 sql "SELECT status, error_message LIKE '%authentication failed%' FROM data_collection_status WHERE status = 'failed'"
	assert_output "failed|t"
	PDC_CONFIG=$(config_for "$COUNTY_URL" '' wrong-token) run_pdc 78 pdc-worker --apn "$(head -n 1 "$BATS_TEST_TMPDIR/apns")"
	assert_output --partial "authentication failed"
	run_pdc 0 pdc-worker --drain
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE state = 'completed'"
	assert_output "4"
}

@test "--apn collects one parcel without the queue; an unknown parcel fails with exit 2" {
	local apn
	apn=$(county_apns 1)
	run_pdc 0 pdc-worker --apn "$apn"
	run_pdc 0 sql "SELECT count(*) FROM jobs"
	assert_output "0"
	echo "$apn" | stored_json >"$BATS_TEST_TMPDIR/stored"
	echo "$apn" | truth_json >"$BATS_TEST_TMPDIR/truth"
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/stored"
	assert_success
	run_pdc 2 pdc-worker --apn 999-99-999
	assert_output --partial "not found"
	run_pdc 65 pdc-worker --apn 999-99
}

@test "transient errors are retried with backoff until the job completes" {
	start_countyd flaky -n 100 -s 7 --fault assessor:error=0.3 --fault assessor:throttle=0.1
	county_apns 40 >"$BATS_TEST_TMPDIR/apns"
	# the number of attempts is fixed when a job is queued
	export PDC_CONFIG=$(config_for "$COUNTYD_URL" '{"retry_attempts": 8}')
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 8 --drain
	assert_output --partial "retrying in"
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "completed|40"
	run_pdc 0 sql "SELECT count(*) > 0 FROM jobs WHERE attempts > 1"
	assert_output "t"
	curl -sf "$COUNTYD_URL/_countyd/stats" | jq -e '.requests["/parcel/{apn}"] | (has("500") or has("503")) and has("429")'
}

@test "retries stop at the limit with the seed's log line and the reason kept" {
	start_countyd down -n 10 -s 7 --fault assessor:error=1
	local apn
	apn=$(curl -sf "$COUNTYD_URL/_countyd/apns?limit=1")
	export PDC_CONFIG=$(config_for "$COUNTYD_URL" '{"retry_attempts": 2}')
	run_pdc 0 pdc-enqueue "$apn"
	run_pdc 0 pdc-worker --drain
	assert_output --regexp "ERROR - Job for APN [0-9A-Z]+ failed after 2 retries: .*HTTP 50[03]"
	run_pdc 0 sql "SELECT state, attempts, last_error LIKE '%HTTP 50%' FROM jobs"
	assert_output "failed|3|t"
	run_pdc 0 sql "SELECT status, error_message LIKE '%HTTP 50%' FROM data_collection_status"
	assert_output "failed|t"
	run_pdc 2 pdc-status "$apn"
}

@test "a worker killed with SIGKILL loses no job: another finishes them after the leases run out" {
	# 24 jobs: 8 done before the kill, up to 8 held by it, the rest never claimed
	start_countyd slow -n 200 -s 7 --latency 300
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=24" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	export PDC_CONFIG=$(config_for "$COUNTYD_URL" '{"job_timeout_seconds": 3}')
	pdc-worker -j 8 >"$BATS_TEST_TMPDIR/w1.log" 2>&1 &
	local w1=$!
	wait_for sql_true "SELECT count(*) >= 8 FROM jobs WHERE state = 'completed'"
	kill -KILL "$w1"
	local rc=0
	wait "$w1" || rc=$?
	[ "$rc" -eq 137 ]
	run_pdc 0 sql "SELECT count(*) > 0 FROM jobs WHERE state = 'active'"
	assert_output "t"
	run_pdc 0 pdc-worker -j 8 --drain
	run_pdc 0 sql "SELECT state, count(*), count(DISTINCT apn) FROM jobs GROUP BY state"
	assert_output "completed|24|24"
	run_pdc 0 sql "SELECT count(*) FROM data_collection_status WHERE status = 'completed'"
	assert_output "24"
	stored_json <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/stored"
	COUNTY_URL=$COUNTYD_URL truth_json <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/stored"
	assert_success
}

@test "four workers on one database complete every job exactly once" {
	county_apns 400 >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	local pids=() i
	for i in 1 2 3 4; do
		pdc-worker -j 4 --drain >"$BATS_TEST_TMPDIR/w$i.log" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	run_pdc 0 sql "SELECT state, count(*), count(DISTINCT apn), sum(attempts) FROM jobs GROUP BY state"
	assert_output "completed|400|400|400"
	# each collection happened once: 400 completion lines in all, no APN twice
	cat "$BATS_TEST_TMPDIR"/w?.log | grep -o 'completed for APN [0-9A-Z]*' | sort >"$BATS_TEST_TMPDIR/done"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/done")" -eq 400 ]
	[ "$(uniq <"$BATS_TEST_TMPDIR/done" | wc -l)" -eq 400 ]
	# and more than one worker did some of the work
	local busy=0
	for i in 1 2 3 4; do
		grep -q "completed for APN" "$BATS_TEST_TMPDIR/w$i.log" && busy=$((busy + 1))
	done
	[ "$busy" -ge 2 ]
}

@test "pause stops every worker from claiming; resume lets them go on" {
	run_pdc 0 pdc-worker --pause
	pdc-worker -j 2 >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$!
	# the worker's own word that it holds back, before anything is queued
	wait_for grep -q "Background collection is paused" "$BATS_TEST_TMPDIR/w.log"
	run_pdc 0 pdc-enqueue "$(county_apns 1)"
	# an unpaused worker wakes on the enqueue's notice and claims within milliseconds
	sleep 1
	run_pdc 0 sql "SELECT state FROM jobs"
	assert_output "pending"
	run_pdc 0 pdc-worker --resume
	wait_for sql_true "SELECT state = 'completed' FROM jobs"
	kill -TERM "$w"
	wait "$w"
	run_pdc 0 sql "SELECT stopped_at IS NOT NULL FROM workers"
	assert_output "t"
	grep -q "paused" "$BATS_TEST_TMPDIR/w.log"
}

@test "SIGTERM: the worker finishes what it holds and exits 0" {
	start_countyd slow2 -n 50 -s 7 --latency 500
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=4" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	PDC_CONFIG=$(config_for "$COUNTYD_URL") pdc-worker -j 4 >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$!
	# all four begun: each has asked countyd for its parcel (a job claimed
	# but not begun is let go on SIGTERM, and "active" counts those too)
	wait_for parcels_asked 4
	kill -TERM "$w"
	local rc=0
	wait "$w" || rc=$?
	[ "$rc" -eq 0 ]
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "completed|4"
}

# parcels_asked N: countyd has been asked for N parcels' /parcel/{apn}.
parcels_asked() {
	curl -sf "$COUNTYD_URL/_countyd/stats" |
	    jq -e --argjson n "$1" '(.requests["/parcel/{apn}"] // {}) | to_entries | map(.value) | add == $n' >/dev/null
}

@test "pdc-worker: bad usage exits 64" {
	run_pdc 64 pdc-worker --bogus
	run_pdc 64 pdc-worker -j 0
	run_pdc 64 pdc-worker -j many
	run_pdc 64 pdc-worker extra
	run_pdc 64 pdc-worker --pause --apn 165-28-054
	run_pdc 0 pdc-worker --help
	assert_output --partial "usage: pdc-worker"
}

@test "a worker that lost its lease cannot overwrite the attempt that replaced it" {
	start_countyd slow3 -n 50 -s 7 --latency 300
	export PDC_CONFIG=$(config_for "$COUNTYD_URL" '{"job_timeout_seconds": 5}')
	run_pdc 0 pdc-enqueue "$(curl -sf "$COUNTYD_URL/_countyd/apns?limit=1")"
	pdc-worker -j 1 >"$BATS_TEST_TMPDIR/w1.log" 2>&1 &
	local w1=$!
	wait_for sql_true "SELECT state = 'active' FROM jobs"
	# stopped in the middle of its job, past its lease
	kill -STOP "$w1"
	wait_for sql_true "SELECT lease_until < now() FROM jobs"
	run_pdc 0 pdc-worker --drain
	run_pdc 0 sql "SELECT state, attempts FROM jobs"
	assert_output "completed|2"
	local winner
	winner=$(sql "SELECT worker FROM jobs")
	kill -CONT "$w1"
	wait_for grep -q "lease lost" "$BATS_TEST_TMPDIR/w1.log"
	kill -TERM "$w1"
	wait "$w1"
	run_pdc 0 sql "SELECT state, attempts, worker = '$winner' FROM jobs"
	assert_output "completed|2|t"
	run grep -c "Data collection completed" "$BATS_TEST_TMPDIR/w1.log"
	assert_output "0"
}

@test "workers ride out a database restart and finish every job" {
	start_countyd slow4 -n 200 -s 7 --latency 100
	export PDC_CONFIG=$(config_for "$COUNTYD_URL")
	# enough jobs that some are still open when the database goes
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=40" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	pdc-worker -j 4 >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$!
	wait_for sql_true "SELECT count(*) >= 10 FROM jobs WHERE state = 'completed'"
	run_pdc 0 pdc-db stop
	# while it is down, a new program fails cleanly with 69 (nothing starts it: a server is configured)
	PDC_DATABASE_URL="$DBURL" run_pdc 69 pdc-status
	assert_output --partial "database unavailable"
	# the worker's own word that it met the database down
	wait_for grep -q "lost the database connection" "$BATS_TEST_TMPDIR/w.log"
	run_pdc 0 pdc-db start
	wait_for sql_true "SELECT count(*) = 40 FROM jobs WHERE state = 'completed'"
	kill -TERM "$w"
	local rc=0
	wait "$w" || rc=$?
	[ "$rc" -eq 0 ]
	run_pdc 0 sql "SELECT count(DISTINCT apn) FROM jobs WHERE state = 'completed'"
	assert_output "40"
}

@test "finished jobs older than the retention period are pruned" {
	sql "INSERT INTO jobs (apn, state, finished_at) VALUES
	     ('100-00-001', 'completed', now() - interval '9 days'),
	     ('100-00-002', 'failed', now() - interval '9 days'),
	     ('100-00-003', 'completed', now() - interval '1 day')"
	run_pdc 0 pdc-worker --drain --keep-days 7
	run_pdc 0 sql "SELECT string_agg(apn, ' ') FROM jobs"
	assert_output "100-00-003"
}

@test "jobs are claimed by priority, then due time" {
	county_apns 6 >"$BATS_TEST_TMPDIR/apns"
	local a=() i=0
	mapfile -t a <"$BATS_TEST_TMPDIR/apns"
	# The low pair is queued one after the other, the later APN first: due
	# time, not the APN, orders them.
	run_pdc 0 pdc-enqueue -p low "${a[1]}"
	run_pdc 0 pdc-enqueue -p low "${a[0]}"
	run_pdc 0 pdc-enqueue -p normal "${a[2]}"
	run_pdc 0 pdc-enqueue -p critical "${a[3]}"
	run_pdc 0 pdc-enqueue -p high "${a[4]}"
	run_pdc 0 pdc-enqueue -p critical "${a[5]}"
	run_pdc 0 pdc-worker -j 1 --drain
	# The two critical jobs go first, and together: the reserved lane takes
	# one beside the single collector, whichever of them it reaches first.
	run_pdc 0 sql "SELECT string_agg(apn, ' ' ORDER BY apn) FROM
	    (SELECT apn FROM jobs ORDER BY started_at LIMIT 2) first"
	assert_output "${a[3]} ${a[5]}"
	run_pdc 0 sql "SELECT string_agg(apn, ' ' ORDER BY started_at) FROM
	    (SELECT apn, started_at FROM jobs ORDER BY started_at OFFSET 2) rest"
	assert_output "${a[4]} ${a[2]} ${a[1]} ${a[0]}"
}

@test "a live worker keeps the lease of a job that takes longer than job_timeout_seconds" {
	start_countyd slow5 -n 50 -s 7 --latency 1000
	export PDC_CONFIG=$(config_for "$COUNTYD_URL" '{"job_timeout_seconds": 3}')
	run_pdc 0 pdc-enqueue "$(curl -sf "$COUNTYD_URL/_countyd/apns?limit=1")"
	pdc-worker -j 1 >"$BATS_TEST_TMPDIR/a.log" 2>&1 &
	local a=$!
	wait_for sql_true "SELECT state = 'active' FROM jobs"
	# a second worker would take the job over if its lease ran out
	pdc-worker --drain >"$BATS_TEST_TMPDIR/b.log" 2>&1
	run_pdc 0 sql "SELECT state, attempts, duration_ms > 3000 FROM jobs"
	assert_output "completed|1|t"
	kill -TERM "$a"
	wait "$a"
	run grep -c "lease" "$BATS_TEST_TMPDIR/a.log" "$BATS_TEST_TMPDIR/b.log"
	assert_output --partial "a.log:0"
	assert_output --partial "b.log:0"
}
