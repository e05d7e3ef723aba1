#!/usr/bin/env bats
# Running the queue: cancel, retry the failed, list, refresh what has aged.

load test_helper

setup() {
	db_reset
}

sql_true() {
	[ "$(sql "$1")" = "t" ]
}

# A config for a countyd started in the test; extra JSON merged into background_collection.
jobs_config() {
	local file="$BATS_TEST_TMPDIR/config-$(basename "$1" | tr -c 'a-z0-9' _).json"
	write_config "$file" "$1"
	if [ -n "${2:-}" ]; then
		jq --argjson extra "$2" '.background_collection += $extra' "$file" >"$file.new"
		mv "$file.new" "$file"
		chmod 600 "$file"
	fi
	echo "$file"
}

# The APNs on stdin as a quoted SQL list.
sql_list() {
	sed "s/.*/'&'/" | paste -sd, -
}

# Rows anywhere in the record's tables for the APNs in FILE.
stored_rows() {
	local list
	list=$(sql_list <"$1")
	sql "SELECT (SELECT count(*) FROM properties WHERE apn IN ($list))
	  + (SELECT count(*) FROM valuations WHERE apn IN ($list))
	  + (SELECT count(*) FROM residential_details WHERE apn IN ($list))
	  + (SELECT count(*) FROM sales WHERE apn IN ($list))
	  + (SELECT count(*) FROM tax_bills WHERE apn IN ($list))
	  + (SELECT count(*) FROM record_parts WHERE apn IN ($list))
	  + (SELECT count(*) FROM responses WHERE apn IN ($list))"
}

@test "cancel pending jobs by APN, from arguments and from a pipe" {
	county_apns 5 >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	local a1 a2 a3 a4 a5
	{ read -r a1; read -r a2; read -r a3; read -r a4; read -r a5; } <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue --cancel "$a1" "$a2"
	assert_line "$a1	cancelled"
	assert_line "$a2	cancelled"
	assert_line "Cancelled 2 jobs"
	# a pipe, TSV first fields as pdc-status prints them; a second cancel finds nothing open
	run_pdc 0 bash -c "printf '%s\tpending\n# a comment\n%s\n' '$a3' '$a1' | pdc-enqueue --cancel"
	assert_line "$a3	cancelled"
	assert_line "$a1	none"
	assert_line "Cancelled 1 job"
	run_pdc 0 bash -c "echo '$a4' | pdc-enqueue --cancel -"
	assert_line "$a4	cancelled"
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state ORDER BY state"
	assert_output "cancelled|4
pending|1"
	run_pdc 0 sql "SELECT count(*) FROM data_collection_status WHERE status = 'cancelled' AND apn IN ($(head -n 4 "$BATS_TEST_TMPDIR/apns" | sql_list))"
	assert_output "4"
	run_pdc 1 pdc-status "$a1"
	assert_output --regexp "^$a1	cancelled		0	[0-9T:Z-]+	$"
	run_pdc 1 pdc-status --json
	run_pdc 0 jq -r '.cancelled.total, .cancelled.normal, .pending.total' <<<"$output"
	assert_output "4
4
1"
	# a cancelled APN can be queued again
	run_pdc 0 pdc-enqueue "$a1"
	assert_line "$a1	queued"
	run_pdc 0 sql "SELECT status FROM data_collection_status WHERE apn = '$a1'"
	assert_output "pending"
}

@test "cancel by priority, or all; active jobs are left to finish unless asked" {
	county_apns 6 >"$BATS_TEST_TMPDIR/apns"
	head -n 3 "$BATS_TEST_TMPDIR/apns" | pdc-enqueue -p low
	tail -n 3 "$BATS_TEST_TMPDIR/apns" | pdc-enqueue -p high
	local active
	active=$(tail -n 1 "$BATS_TEST_TMPDIR/apns")
	# a job a worker holds
	sql "UPDATE jobs SET state = 'active', attempts = 1, started_at = now(), lease_until = now() + interval '1 hour', lease_token = 1 WHERE apn = '$active'"
	run_pdc 0 pdc-enqueue --cancel -p low
	assert_output "Cancelled 3 jobs"
	run_pdc 0 sql "SELECT priority, state, count(*) FROM jobs GROUP BY 1, 2 ORDER BY 1, 2"
	assert_output "1|active|1
1|pending|2
3|cancelled|3"
	run_pdc 0 pdc-enqueue --cancel "$active"
	assert_line "$active	active"
	run_pdc 0 pdc-enqueue --cancel --all
	assert_line "Cancelled 2 jobs, 1 active left to finish (--active stops them)"
	run_pdc 0 sql "SELECT state FROM jobs WHERE apn = '$active'"
	assert_output "active"
	run_pdc 0 pdc-enqueue --cancel --active --all
	assert_line "Cancelled 1 job"
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "cancelled|6"
	run_pdc 0 sql "SELECT DISTINCT status FROM data_collection_status"
	assert_output "cancelled"
}

@test "cancel during a drain: the active jobs stop, and nothing of a cancelled job is stored" {
	start_countyd slow -n 40 -s 7 --latency 250
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=30" >"$BATS_TEST_TMPDIR/apns"
	export PDC_CONFIG=$(jobs_config "$COUNTYD_URL")
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	pdc-worker -j 4 --drain >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$!
	# one finished, four under way
	wait_for sql_true "SELECT count(*) >= 1 FROM jobs WHERE state = 'completed'"
	wait_for sql_true "SELECT count(*) = 4 FROM jobs WHERE state = 'active'"
	run_pdc 0 pdc-enqueue --cancel --active --all
	assert_output --regexp "^Cancelled [0-9]+ jobs$"
	wait "$w"
	run_pdc 0 cat "$BATS_TEST_TMPDIR/w.log"
	assert_output --partial "cancelled; stopping it at its next request"
	assert_output --regexp "Job for APN [0-9A-Z]+ cancelled, nothing stored"
	# every job ended completed or cancelled, some of the cancelled under way
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE state NOT IN ('completed', 'cancelled')"
	assert_output "0"
	run_pdc 0 sql "SELECT count(*) > 0 FROM jobs WHERE state = 'cancelled' AND started_at IS NOT NULL"
	assert_output "t"
	sql "SELECT apn FROM jobs WHERE state = 'cancelled' ORDER BY apn" >"$BATS_TEST_TMPDIR/cancelled"
	run_pdc 0 stored_rows "$BATS_TEST_TMPDIR/cancelled"
	assert_output "0"
	run_pdc 0 sql "SELECT count(*) FROM data_collection_status WHERE status = 'cancelled' AND apn IN ($(sql_list <"$BATS_TEST_TMPDIR/cancelled"))"
	assert_output "$(wc -l <"$BATS_TEST_TMPDIR/cancelled")"
	# what completed is whole and true
	sql "SELECT apn FROM jobs WHERE state = 'completed' ORDER BY apn" >"$BATS_TEST_TMPDIR/done"
	COUNTY_URL=$COUNTYD_URL truth_full <"$BATS_TEST_TMPDIR/done" >"$BATS_TEST_TMPDIR/truth"
	show_full <"$BATS_TEST_TMPDIR/done" >"$BATS_TEST_TMPDIR/shown"
	records_agree "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
}

@test "retry the failures countyd caused: by error pattern, then all; every record then matches the truth" {
	start_countyd ret-a -n 40 -s 7 --fault assessor:error=1
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=20" >"$BATS_TEST_TMPDIR/apns"
	head -n 10 "$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/first"
	tail -n 10 "$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/second"
	# no retries: each job fails at its first try
	PDC_CONFIG=$(jobs_config "$COUNTYD_URL" '{"retry_attempts": 0}') pdc-enqueue -p low <"$BATS_TEST_TMPDIR/first"
	PDC_CONFIG=$(jobs_config "$COUNTYD_URL" '{"retry_attempts": 0}') run_pdc 0 pdc-worker -j 4 --drain
	start_countyd ret-b -n 40 -s 7 --fail-host treasurer
	PDC_CONFIG=$(jobs_config "$COUNTYD_URL" '{"retry_attempts": 0}') pdc-enqueue <"$BATS_TEST_TMPDIR/second"
	PDC_CONFIG=$(jobs_config "$COUNTYD_URL" '{"retry_attempts": 0}') run_pdc 0 pdc-worker -j 4 --drain
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "failed|20"
	run_pdc 2 pdc-status $(cat "$BATS_TEST_TMPDIR/second")

	# the county is well again
	start_countyd ret-good -n 40 -s 7
	export PDC_CONFIG=$(jobs_config "$COUNTYD_URL")
	run_pdc 0 pdc-enqueue --retry-failed --error '^treasurer'
	assert_line "Retrying 10 failed jobs"
	run_pdc 0 sql "SELECT apn FROM jobs WHERE state = 'pending' ORDER BY apn"
	assert_output "$(sort "$BATS_TEST_TMPDIR/second")"
	run_pdc 0 sql "SELECT DISTINCT attempts || ' ' || max_attempts || ' ' || priority FROM jobs WHERE state = 'pending'"
	assert_output "0 4 2"
	run_pdc 0 sql "SELECT DISTINCT status FROM data_collection_status WHERE apn IN ($(sql_list <"$BATS_TEST_TMPDIR/second"))"
	assert_output "pending"
	run_pdc 0 pdc-worker -j 4 --drain
	# failed since a day ago: none (they failed just now, so all of them; a day in the future: none)
	run_pdc 0 pdc-enqueue --retry-failed --since 2999-01-01
	assert_line "Retrying 0 failed jobs"
	sql "UPDATE jobs SET finished_at = now() - interval '3 days' WHERE apn = '$(head -n 1 "$BATS_TEST_TMPDIR/first")'"
	run_pdc 0 pdc-enqueue --retry-failed --since 1d -p high
	assert_line "Retrying 9 failed jobs"
	run_pdc 0 sql "SELECT DISTINCT priority FROM jobs WHERE state = 'pending'"
	assert_output "1"
	# by APN: retried, or not failed
	run_pdc 0 pdc-enqueue --retry-failed "$(head -n 1 "$BATS_TEST_TMPDIR/first")" "$(head -n 1 "$BATS_TEST_TMPDIR/second")"
	assert_line "$(head -n 1 "$BATS_TEST_TMPDIR/first")	retried"
	assert_line "$(head -n 1 "$BATS_TEST_TMPDIR/second")	none"
	# the first lot kept its priority
	run_pdc 0 sql "SELECT priority FROM jobs WHERE apn = '$(head -n 1 "$BATS_TEST_TMPDIR/first")'"
	assert_output "3"
	run_pdc 0 pdc-worker -j 4 --drain
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "completed|20"
	run_pdc 0 pdc-enqueue --retry-failed
	assert_line "Retrying 0 failed jobs"
	COUNTY_URL=$COUNTYD_URL truth_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	show_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/shown"
	records_agree "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	run_pdc 0 pdc-status $(cat "$BATS_TEST_TMPDIR/apns")
}

# Jobs in every state, with times and errors set for the filters.
list_fixture() {
	county_apns 8 >"$BATS_TEST_TMPDIR/apns"
	mapfile -t A <"$BATS_TEST_TMPDIR/apns"
	pdc-enqueue -p low "${A[@]:0:4}" 2>/dev/null >/dev/null
	pdc-enqueue "${A[@]:4:4}" 2>/dev/null >/dev/null
	sql "UPDATE jobs SET state = 'failed', attempts = 4, finished_at = now() - interval '3 hours',
	     last_error = 'assessor: HTTP 503 from /parcel' WHERE apn IN ('${A[0]}', '${A[4]}');
	     UPDATE jobs SET state = 'failed', attempts = 1, finished_at = now(),
	     last_error = 'treasurer: malformed page' WHERE apn = '${A[1]}';
	     UPDATE jobs SET attempts = 2, last_error = 'recorder: HTTP 429' WHERE apn = '${A[2]}';
	     UPDATE jobs SET state = 'completed', attempts = 1, finished_at = now() WHERE apn = '${A[5]}';
	     UPDATE jobs SET state = 'active', attempts = 1, started_at = now(), lease_until = now() + interval '1 hour' WHERE apn = '${A[6]}';
	     UPDATE data_collection_status SET status = 'failed' WHERE apn IN ('${A[0]}', '${A[1]}', '${A[4]}')"
}

@test "list: filters by state, priority, age, error and APN; TSV, header, JSON Lines" {
	list_fixture
	run_pdc 0 pdc-status --list
	assert_equal "${#lines[@]}" 8
	run_pdc 0 bash -c "pdc-status --list | cut -f 1"
	assert_output "$(cat "$BATS_TEST_TMPDIR/apns")"
	run_pdc 0 pdc-status --list --state failed
	assert_equal "${#lines[@]}" 3
	assert_line --regexp "^${A[1]}	[0-9]+	failed	low	1	[0-9T:Z-]+	[0-9T:Z-]+	treasurer: malformed page$"
	run_pdc 0 pdc-status --list --state retrying
	assert_output --regexp "^${A[2]}	[0-9]+	pending	low	2	.*	recorder: HTTP 429$"
	run_pdc 0 pdc-status --list --state pending --priority normal
	assert_output --regexp "^${A[7]}	"
	assert_equal "${#lines[@]}" 1
	run_pdc 0 bash -c "pdc-status --list --older 1h | cut -f 1"
	assert_output "${A[0]}
${A[4]}"
	run_pdc 0 bash -c "pdc-status --list --state failed --newer 1h | cut -f 1"
	assert_output "${A[1]}"
	run_pdc 0 bash -c "pdc-status --list --error 'http 50[0-9]' | cut -f 1"
	assert_output "${A[0]}
${A[4]}"
	run_pdc 0 bash -c "pdc-status --list ${A[6]} ${A[5]} | cut -f 3"
	assert_output "completed
active"
	run_pdc 0 pdc-status --list --header --state active
	assert_line --index 0 "apn	id	state	priority	attempts	queued	time	error"
	assert_line --index 1 --regexp "^${A[6]}	[0-9]+	active	normal	1	[0-9T:Z-]+	[0-9T:Z-]+	$"
	run_pdc 0 pdc-status --list --json --state failed --priority low
	assert_equal "${#lines[@]}" 2
	run_pdc 0 jq -c -s 'map({apn, state, priority, attempts, error, id: (.id | type), time: (.time | test("Z$"))})' <<<"$output"
	assert_output "[{\"apn\":\"${A[0]}\",\"state\":\"failed\",\"priority\":\"low\",\"attempts\":4,\"error\":\"assessor: HTTP 503 from /parcel\",\"id\":\"number\",\"time\":true},{\"apn\":\"${A[1]}\",\"state\":\"failed\",\"priority\":\"low\",\"attempts\":1,\"error\":\"treasurer: malformed page\",\"id\":\"number\",\"time\":true}]"
	run_pdc 0 pdc-status --list --state cancelled
	assert_output ""
}

@test "list composes with pdc-enqueue: retry what failed, cancel what waits" {
	list_fixture
	run_pdc 0 bash -c "pdc-status --list --state failed --error assessor | cut -f 1 | pdc-enqueue --retry-failed -"
	assert_line "${A[0]}	retried"
	assert_line "${A[4]}	retried"
	assert_line "Retrying 2 failed jobs"
	run_pdc 0 bash -c "pdc-status --list --state pending --priority low | pdc-enqueue --cancel"
	assert_line "Cancelled 3 jobs"
	run_pdc 0 bash -c "pdc-status --list --state cancelled | cut -f 1 | sort"
	assert_output "$(printf '%s\n' "${A[0]}" "${A[2]}" "${A[3]}" | sort)"
	run_pdc 0 bash -c "pdc-status --list --state pending --json | pdc-enqueue --cancel"
	assert_line "Cancelled 2 jobs"
}

@test "a pipe's outcomes come in its order, a bad line in its place, and an APN given twice counts once" {
	list_fixture
	run_pdc 65 bash -c "printf '%s\n' '${A[0]}' 'not-an-apn' '${A[0]}' '${A[1]}' '${A[5]}' | pdc-enqueue --retry-failed - 2>'$BATS_TEST_TMPDIR/err'"
	assert_output "${A[0]}	retried
not-an-apn	bad
${A[0]}	none
${A[1]}	retried
${A[5]}	none"
	run_pdc 0 cat "$BATS_TEST_TMPDIR/err"
	assert_output "pdc-enqueue: line 2: bad APN \"not-an-apn\"
Retrying 2 failed jobs"
	run_pdc 65 bash -c "printf '%s\n' '${A[3]}' '${A[6]}' '${A[3]}' '${A[6]}' '165-28-05' '${A[7]}' | pdc-enqueue --cancel 2>'$BATS_TEST_TMPDIR/err'"
	assert_output "${A[3]}	cancelled
${A[6]}	active
${A[3]}	none
${A[6]}	none
165-28-05	bad
${A[7]}	cancelled"
	run_pdc 0 cat "$BATS_TEST_TMPDIR/err"
	assert_output "pdc-enqueue: line 5: bad APN \"165-28-05\"
Cancelled 2 jobs, 1 active left to finish (--active stops them)"
	run_pdc 0 sql "SELECT string_agg(state, ' ' ORDER BY ord) FROM unnest(ARRAY['${A[0]}', '${A[1]}', '${A[3]}', '${A[6]}', '${A[7]}'])
	    WITH ORDINALITY AS t(apn, ord) JOIN jobs USING (apn)"
	assert_output "pending pending cancelled active cancelled"
}

@test "--follow hears a cancel as cancelled and a failed job sent round again as queued" {
	list_fixture
	pdc-status --follow --json "${A[0]}" "${A[3]}" >"$BATS_TEST_TMPDIR/events" &
	local f=$!
	wait_for sql_true "SELECT count(*) >= 1 FROM pg_stat_activity WHERE application_name = 'pdc-status' AND query = 'LISTEN pdc_events'"
	run_pdc 0 pdc-enqueue --retry-failed "${A[0]}"
	run_pdc 0 pdc-enqueue --cancel "${A[3]}"
	wait_for grep -q '"event":"cancelled"' "$BATS_TEST_TMPDIR/events"
	kill -TERM "$f"
	wait "$f"
	run_pdc 0 jq -r '[.apn, .event, .attempt] | @tsv' "$BATS_TEST_TMPDIR/events"
	assert_output "${A[0]}	queued	0
${A[3]}	cancelled	0"
}

@test "refresh queues the parcels collected longer ago than the freshness window, at low priority, and not the fresh" {
	county_apns 10 >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 4 --drain
	head -n 6 "$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/aged"
	sql "UPDATE data_collection_status SET completed_at = completed_at - interval '30 hours' WHERE apn IN ($(sql_list <"$BATS_TEST_TMPDIR/aged"))"
	# one aged parcel is queued already: left alone
	run_pdc 0 pdc-enqueue --force "$(head -n 1 "$BATS_TEST_TMPDIR/aged")"
	run_pdc 0 pdc-enqueue --refresh --older 2d
	assert_output "Queued 0 properties for refresh (collected more than 48h ago)"
	run_pdc 0 pdc-enqueue --refresh
	assert_output "Queued 5 properties for refresh (collected more than 24h ago)"
	run_pdc 0 sql "SELECT apn FROM jobs WHERE state = 'pending' AND priority = 3 ORDER BY apn"
	assert_output "$(tail -n 5 "$BATS_TEST_TMPDIR/aged" | sort)"
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE state = 'pending'"
	assert_output "6"
	run_pdc 0 pdc-enqueue --refresh
	assert_output "Queued 0 properties for refresh (collected more than 24h ago)"
	run_pdc 0 pdc-worker -j 4 --drain
	run_pdc 0 pdc-enqueue --refresh --older 1h -p normal
	assert_output "Queued 0 properties for refresh (collected more than 1h ago)"
	run_pdc 0 pdc-status $(cat "$BATS_TEST_TMPDIR/apns")
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE state = 'completed'"
	assert_output "16"
}

@test "bad input: one line and exit 64 or 65, nothing changed" {
	run_pdc 0 pdc-enqueue -p low 165-28-054
	run_pdc 64 pdc-enqueue --cancel --retry-failed
	assert_output --partial "do not mix"
	run_pdc 64 pdc-enqueue --all
	assert_output "pdc-enqueue: --all needs --cancel"
	run_pdc 64 pdc-enqueue --cancel --all 165-28-054
	run_pdc 64 pdc-enqueue --cancel --all -p low
	run_pdc 64 pdc-enqueue --since 1h 165-28-054
	run_pdc 64 pdc-enqueue --cancel --wait 165-28-054
	run_pdc 64 pdc-enqueue --refresh --older soon
	assert_output "pdc-enqueue: --older: bad age \"soon\" (a number and s, m, h, d or w)"
	run_pdc 64 pdc-enqueue --older 2d 165-28-054
	run_pdc 64 pdc-enqueue --refresh 165-28-054
	run_pdc 64 pdc-enqueue --retry-failed --since yesterday
	assert_output --partial 'bad time "yesterday"'
	run_pdc 64 pdc-enqueue --retry-failed --since 2026-13-01
	run_pdc 64 pdc-enqueue --retry-failed --error '(unclosed'
	assert_output --regexp '^pdc-enqueue: --error: bad pattern "\(unclosed": '
	run_pdc 64 pdc-enqueue --cancel -p urgent
	run_pdc 64 pdc-enqueue --cancel --timeout 5 165-28-054
	assert_output "pdc-enqueue: --timeout needs --wait"
	run_pdc 64 pdc-enqueue --retry-failed --since 2026-02-31
	assert_output --partial 'bad time "2026-02-31"'
	run_pdc 64 pdc-enqueue --refresh --older 0x10
	run_pdc 64 pdc-status --list --older 1e3h
	run_pdc 64 pdc-status --list --newer 99999999999999999999d
	assert_output 'pdc-status: --newer: bad age "99999999999999999999d" (over 100 years)'
	run_pdc 64 pdc-enqueue --retry-failed --error 'x{1000}'
	assert_output --regexp '^pdc-enqueue: --error: bad pattern "x\{1000\}": '
	assert_equal "${#lines[@]}" 1
	run_pdc 64 pdc-status --list --error 'a**'
	assert_output --regexp '^pdc-status: --error: bad pattern "a\*\*": '
	run_pdc 64 pdc-changes --since 2026-02-31
	assert_output --partial 'bad time or duration "2026-02-31"'
	run_pdc 64 pdc-status --list --state finished
	assert_output --partial '"finished" is not a state'
	run_pdc 64 pdc-status --list --older 3x
	run_pdc 64 pdc-status --list --newer ''
	run_pdc 64 pdc-status --list --error '[a'
	run_pdc 64 pdc-status --list --priority soon
	run_pdc 64 pdc-status --state failed
	run_pdc 64 pdc-status --list --watch
	run_pdc 65 pdc-status --list 165-28-05
	run_pdc 65 pdc-enqueue --cancel </
	assert_output "pdc-enqueue: standard input: Is a directory
Cancelled 0 jobs"
	run_pdc 0 sql "SELECT state FROM jobs"
	assert_output "pending"
	run_pdc 65 bash -c "printf '165-28-054\n165-28-05\n' | pdc-enqueue --cancel"
	assert_line "pdc-enqueue: line 2: bad APN \"165-28-05\""
	assert_line "165-28-054	cancelled"
	assert_line "165-28-05	bad"
	run_pdc 0 sql "SELECT state FROM jobs"
	assert_output "cancelled"
}
