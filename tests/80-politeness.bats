#!/usr/bin/env bats
# Politeness shared by every worker: rate limits, robots.txt, pausing a failing host.

load test_helper

setup() {
	db_reset
	sql "TRUNCATE hosts, responses, record_parts"
}

# A test that fails midway leaves no worker or countyd of its own behind
# (one holding the TAP descriptor would keep the run waiting for ever).
teardown() {
	local p
	for p in $(jobs -p); do
		kill -KILL "$p" 2>/dev/null || true
	done
}

# polite_config FILE URL TREASURER_RPS RECORDER_RPS [RESPECT_ROBOTS]
polite_config() {
	write_config "$1" "$2"
	jq --argjson t "$3" --argjson r "$4" --argjson robots "${5:-true}" \
	    '.sources.treasurer.requests_per_second = $t | .sources.recorder.requests_per_second = $r
	     | .sources.respect_robots_txt = $robots' "$1" >"$1.new"
	mv "$1.new" "$1"
	chmod 600 "$1"
}

@test "four workers at -j 16 keep to a host's limit of 20 requests per second" {
	start_countyd limited -n 400 -s 7 --rate-limit treasurer=20
	polite_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" 20 1000
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=100" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	local pids=() i
	for i in 1 2 3 4; do
		pdc-worker -j 16 --drain >"$BATS_TEST_TMPDIR/w$i.log" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "completed|100"
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/stats"
	jq '.hosts.treasurer' "$BATS_TEST_TMPDIR/stats" >&3 || true
	jq -e '.hosts.treasurer.peak_per_second <= 20' "$BATS_TEST_TMPDIR/stats"
	jq -e '(.hosts.treasurer.status["429"] // 0) == 0' "$BATS_TEST_TMPDIR/stats"
	jq -e '.hosts.treasurer.total >= 300' "$BATS_TEST_TMPDIR/stats"
}

@test "robots.txt: a disallowed path fails that part for good, naming robots.txt" {
	printf 'User-agent: *\nDisallow: /Parcel/Activities.aspx\n' >"$BATS_TEST_TMPDIR/robots"
	start_countyd robots1 -n 50 -s 7 --robots "treasurer=$BATS_TEST_TMPDIR/robots"
	polite_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" 1000 1000
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	local apn
	apn=$(curl -sf "$COUNTYD_URL/_countyd/apns?limit=1")
	run_pdc 0 pdc-enqueue "$apn"
	run_pdc 0 pdc-worker --drain
	run_pdc 1 pdc-show --json "$apn"
	echo "$output" | jq -e '.parts.tax.state == "failed" and (.parts.tax.error | test("disallowed by robots.txt"))'
	curl -sf "$COUNTYD_URL/_countyd/stats" | jq -e '.requests | to_entries | map(select(.key | test("Activities"))) | map(.value | to_entries | map(.value) | add // 0) | add // 0 | . == 0'
}

@test "robots.txt: a longer Allow wins, wildcards and \$ match, and robots.txt is read once" {
	cat >"$BATS_TEST_TMPDIR/robots" <<'ROBOTS'
User-agent: *
Disallow: /

User-agent: pdc
Disallow: /Parcel/
Allow: /Parcel/Summary.aspx
Allow: /Parcel/Activities
Disallow: /Parcel/*.aspx?List=All$
ROBOTS
	start_countyd robots2 -n 50 -s 7 --robots "treasurer=$BATS_TEST_TMPDIR/robots"
	polite_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" 1000 1000
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=3" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker --drain
	# the entry page is allowed (no rule for /parcel/ in lower case), Summary.aspx by the
	# longer Allow, but Summary.aspx?List=All by the still longer wildcard rule with $
	run_pdc 0 sql "SELECT DISTINCT state, error FROM record_parts WHERE part = 'tax'"
	assert_output --partial "failed|"
	assert_output --partial "List=All: disallowed by robots.txt"
	# once per host, by one worker, for all its jobs
	curl -sf "$COUNTYD_URL/_countyd/stats" | jq -e '.requests["/robots.txt"] | to_entries | map(.value) | add == 3'
}

@test "robots.txt Crawl-delay spaces the requests to that host" {
	printf 'User-agent: *\nCrawl-delay: 0.5\n' >"$BATS_TEST_TMPDIR/robots"
	start_countyd crawl -n 50 -s 7 --robots "recorder=$BATS_TEST_TMPDIR/robots"
	polite_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" 1000 1000
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=6" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 6 --drain
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/stats"
	jq '.hosts.recorder | del(.per_second)' "$BATS_TEST_TMPDIR/stats"
	jq -e '.hosts.recorder.peak_per_second <= 2 and .hosts.recorder.total >= 12' "$BATS_TEST_TMPDIR/stats"
}

@test "sources.respect_robots_txt false ignores robots.txt, loudly" {
	printf 'User-agent: *\nDisallow: /\n' >"$BATS_TEST_TMPDIR/robots"
	start_countyd norobots -n 50 -s 7 --robots "treasurer=$BATS_TEST_TMPDIR/robots"
	polite_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" 1000 1000 false
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	run_pdc 0 pdc-worker --apn "$(curl -sf "$COUNTYD_URL/_countyd/apns?limit=1")"
	assert_output --partial "robots.txt is NOT being honoured"
	run_pdc 0 sql "SELECT state FROM record_parts WHERE part = 'tax'"
	assert_output "complete"
}

@test "a host failing everything is paused, pdc-status says so, and the other hosts' work goes on" {
	start_countyd failing -n 200 -s 7 --fail-host recorder
	polite_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" 1000 1000
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=30" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	pdc-worker -j 4 >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$!
	wait_for sql_true "SELECT count(*) = 1 FROM hosts WHERE paused_until > now()"
	run_pdc 1 pdc-status
	assert_line --regexp "^host	127\.0\.0\.3:[0-9]+	paused	[0-9]+	.*requests failed in the last minute"
	run_pdc 1 pdc-status --json
	echo "$output" | jq -e '.hosts | map(select(.paused)) | length == 1'
	# the assessor's and the treasurer's parts of every parcel are stored meanwhile
	wait_for sql_true "SELECT count(*) = 30 FROM record_parts WHERE part = 'tax' AND state IN ('complete', 'partial')"
	run_pdc 0 sql "SELECT count(*) FROM record_parts WHERE part = 'basic' AND state = 'complete'"
	assert_output "30"
	kill -TERM "$w"
	wait "$w"
	grep -q "paused" "$BATS_TEST_TMPDIR/w.log"
}

@test "--reparse rebuilds records from stored responses without a request to countyd" {
	start_countyd reparse -n 100 -s 7
	polite_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" 1000 1000
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=20" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 4 --drain
	sql "DELETE FROM valuations; DELETE FROM tax_payments; DELETE FROM sales; UPDATE properties SET owner_name = 'WRONG'"
	curl -sf "$COUNTYD_URL/_countyd/stats/reset" >/dev/null
	run_pdc 0 pdc-worker --reparse
	assert_output --partial "Re-parsed 20 records, 0 failed"
	curl -sf "$COUNTYD_URL/_countyd/stats" | jq -e '.total == 0'
	COUNTY_URL=$COUNTYD_URL truth_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	show_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/shown"
	run records_agree "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	assert_success
	run_pdc 0 pdc-worker --reparse "$(head -n 1 "$BATS_TEST_TMPDIR/apns")"
	assert_output --partial "Re-parsed 1 records"
	run_pdc 2 pdc-worker --reparse 999-99-999
	assert_output --partial "no stored responses"
}

@test "a second collection asks conditionally and a 304 saves the download" {
	start_countyd etag -n 100 -s 7
	polite_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" 1000 1000
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=10" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 4 --drain
	run_pdc 0 sql "SELECT count(*) > 0 FROM responses WHERE etag IS NOT NULL"
	assert_output "t"
	curl -sf "$COUNTYD_URL/_countyd/stats/reset" >/dev/null
	sql "DELETE FROM sales"
	# documents kept whole are read back unasked (59-history); these are
	# asked again, as after a recorder part failed
	sql "UPDATE record_parts SET state = 'failed' WHERE source = 'recorder'"
	run_pdc 0 pdc-enqueue --force <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 4 --drain
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/stats"
	jq -e '.requests["/documents/{recordingNumber}"] | (.["304"] // 0) > 0 and (.["200"] // 0) == 0' "$BATS_TEST_TMPDIR/stats"
	COUNTY_URL=$COUNTYD_URL truth_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	show_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/shown"
	run records_agree "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	assert_success
}

# open_jobs PRIORITY: pending or active jobs of that priority (0 critical ... 3 low)
open_jobs() {
	sql "SELECT count(*) FROM jobs WHERE priority = $1 AND state IN ('pending', 'active')"
}

@test "a critical job takes the host's slots first: it finishes before normal jobs claimed earlier, within the host's limit" {
	start_countyd prio -n 100 -s 7 --rate-limit treasurer=2
	polite_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" 2 1000
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=13" >"$BATS_TEST_TMPDIR/apns"
	head -n 12 "$BATS_TEST_TMPDIR/apns" | run_pdc 0 pdc-enqueue
	pdc-worker -j 8 >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$! crit
	crit=$(tail -n 1 "$BATS_TEST_TMPDIR/apns")
	# the worker holds normal jobs, their requests waiting on the treasurer's slots
	wait_for sql_true "SELECT count(*) >= 2 FROM jobs WHERE state = 'active' AND priority = 2"
	run_pdc 0 pdc-enqueue -p critical --wait --timeout 600 "$crit"
	# normal jobs claimed before the critical one were still collecting when it was done
	run_pdc 0 sql "SELECT count(*) > 0 FROM jobs n, jobs c WHERE c.apn = '$crit' AND c.priority = 0
		AND n.priority = 2 AND n.started_at < c.started_at
		AND (n.finished_at IS NULL OR n.finished_at > c.finished_at)"
	assert_output "t"
	run_pdc 0 sql "SELECT state FROM jobs WHERE apn = '$crit'"
	assert_output "completed"
	kill -TERM "$w"
	wait "$w"
	# the county's own counts: never over its limit, never refused
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/stats"
	jq -e '.hosts.treasurer.peak_per_second <= 2' "$BATS_TEST_TMPDIR/stats"
	jq -e '(.hosts.treasurer.status["429"] // 0) == 0' "$BATS_TEST_TMPDIR/stats"
}

@test "a low job claimed before a flood of normal ones still finishes while they come" {
	start_countyd lowprio -n 100 -s 7 --rate-limit treasurer=4
	polite_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" 4 1000
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=25" >"$BATS_TEST_TMPDIR/apns"
	head -n 1 "$BATS_TEST_TMPDIR/apns" | run_pdc 0 pdc-enqueue -p low
	pdc-worker -j 8 >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$!
	wait_for sql_true "SELECT count(*) = 1 FROM jobs WHERE state = 'active' AND priority = 3"
	tail -n +2 "$BATS_TEST_TMPDIR/apns" | run_pdc 0 pdc-enqueue
	wait_for sql_true "SELECT count(*) = 1 FROM jobs WHERE state = 'completed' AND priority = 3"
	# the normal flood was not done first
	run open_jobs 2
	[ "$output" -gt 0 ]
	kill -TERM "$w"
	wait "$w"
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/stats"
	jq -e '.hosts.treasurer.peak_per_second <= 4' "$BATS_TEST_TMPDIR/stats"
	jq -e '(.hosts.treasurer.status["429"] // 0) == 0' "$BATS_TEST_TMPDIR/stats"
}

@test "a worker claims no more than its hosts can serve: the backlog waits in the queue" {
	start_countyd sized -n 100 -s 7
	# the sources' default rates (lib/sources/*.c)
	local rates=(5 2 2)
	write_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" "" \
	    ".sources.assessor.requests_per_second = ${rates[0]}
	     | .sources.treasurer.requests_per_second = ${rates[1]}
	     | .sources.recorder.requests_per_second = ${rates[2]}"
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=40" | run_pdc 0 pdc-enqueue
	# -j 32 is a ceiling.  A worker claims only while every host has room: no
	# more than ROOM (3) of its jobs asking it beyond what it serves in
	# ROOM_SECONDS (0.25 s) at 0.95 of its rate (lib/worker.c, lib/polite.c),
	# where every job held asks a host but those waiting in another host's
	# line.  So a claim leaves each host with at most ROOM + its quarter
	# second's worth of jobs of its own, and one job fewer waiting in each
	# other host's line than that: whatever the machine's speed, the worker
	# holds at most the sum over its hosts less one for each host but one.
	local bound
	bound=$(awk -v rates="${rates[*]}" 'BEGIN { n = split(rates, r, " ");
		for (i = 1; i <= n; i++) b += 3 + int(r[i] * 0.95 * 0.25); print b - (n - 1) }')
	pdc-worker -j 32 >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$!
	wait_for sql_true "SELECT count(*) >= 1 FROM jobs WHERE state = 'completed'"
	# the worker's jobs as its collectors start and finish them, a few times over
	local most=0 n i
	for i in $(seq 20); do
		n=$(sql "SELECT count(*) FROM jobs WHERE state = 'active'")
		[ "$n" -le "$most" ] || most=$n
		sleep 0.1
	done
	echo "# most jobs active at -j 32: $most (bound $bound)" >&3
	[ "$most" -le "$bound" ]
	run_pdc 0 sql "SELECT count(*) > 0 FROM jobs WHERE state = 'pending'"
	assert_output "t"
	kill -TERM "$w"
	wait "$w"
	# what it held is finished or back in the queue
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE state = 'active'"
	assert_output "0"
}

@test "a job claimed in a batch and cancelled before a collector took it asks the county nothing" {
	start_countyd stash -n 20 -s 7
	export PDC_CONFIG
	PDC_CONFIG=$(config_for "$COUNTYD_URL" '{"job_timeout_seconds": 120}')
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=3" | run_pdc 0 pdc-enqueue
	# Hold the claim's write of the jobs' status rows, so that the first batch
	# (all three: room for ROOM jobs before any host is known) comes back only
	# once the worker is paused: a paused worker begins none of it.
	mkfifo "$BATS_TEST_TMPDIR/locker"
	psql "$DBURL" -X -q -v ON_ERROR_STOP=1 <"$BATS_TEST_TMPDIR/locker" >/dev/null 2>&1 &
	exec 4>"$BATS_TEST_TMPDIR/locker"
	echo "BEGIN; SELECT 1 FROM data_collection_status FOR UPDATE;" >&4
	wait_for sql_true "SELECT count(*) = 1 FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
		WHERE a.state = 'idle in transaction' AND l.mode = 'RowShareLock'
		AND l.relation = 'data_collection_status'::regclass"
	pdc-worker -j 4 >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$!
	wait_for sql_true "SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
	run_pdc 0 pdc-worker --pause
	wait_for grep -q "Background collection paused" "$BATS_TEST_TMPDIR/w.log"
	echo "COMMIT;" >&4
	exec 4>&-
	wait_for sql_true "SELECT count(*) = 3 FROM jobs WHERE state = 'active'"
	local apn
	apn=$(sql "SELECT apn FROM jobs ORDER BY apn LIMIT 1")
	run_pdc 0 pdc-enqueue --cancel --active "$apn"
	run_pdc 0 pdc-worker --resume
	wait_for sql_true "SELECT count(*) = 2 FROM jobs WHERE state = 'completed'"
	kill -TERM "$w"
	wait "$w"
	# the worker's own word that it let the job go unbegun
	grep -q "cancelled; dropped before it began" "$BATS_TEST_TMPDIR/w.log"
	run_pdc 0 sql "SELECT state FROM jobs WHERE apn = '$apn'"
	assert_output "cancelled"
	run_pdc 0 sql "SELECT count(*) FROM responses WHERE apn = '$apn'"
	assert_output "0"
	# countyd's count: every record asks for /parcel/{apn} once, so as many
	# as the jobs collected, none for the cancelled one
	local collected
	collected=$(sql "SELECT count(*) FROM jobs WHERE state = 'completed'")
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/stats"
	jq '.requests["/parcel/{apn}"]' "$BATS_TEST_TMPDIR/stats" >&3 || true
	jq -e --argjson n "$collected" '.requests["/parcel/{apn}"] | to_entries | map(.value) | add == $n' \
	    "$BATS_TEST_TMPDIR/stats"
}

@test "--wait with no worker running and auto_start_collection off says so within seconds (69)" {
	start_countyd nowork -n 20 -s 7
	polite_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" 1000 1000
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	run_pdc 69 pdc-enqueue -p critical --wait "$(curl -sf "$COUNTYD_URL/_countyd/apns?limit=1")"
	assert_output --partial "no worker is running to collect it"
	# queued all the same, for the next worker
	run_pdc 0 sql "SELECT state FROM jobs"
	assert_output "pending"
}
