#!/usr/bin/env bats
# pdc-stats: the figures people ask for.

load test_helper

setup() {
	db_reset
}

@test "success rate, job times, cache hit rate after a run" {
	county_apns 20 >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue 999-99-999
	run_pdc 0 pdc-worker -j 4 --drain
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-stats --json
	echo "$output" | jq -e '.completed == 20 and .failed == 1'
	echo "$output" | jq -e '(.success_rate - 20/21 | fabs) < 0.001'
	echo "$output" | jq -e '.cache_hits == 20'
	# the mean and the 95th percentile (interpolated) of the stored durations, worked out here
	sql "SELECT duration_ms FROM jobs WHERE state = 'completed'" >"$BATS_TEST_TMPDIR/ms"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ms")" -eq 20 ]
	local mean p95
	mean=$(jq -s 'add / length / 1000' "$BATS_TEST_TMPDIR/ms")
	p95=$(jq -s 'sort | ((length - 1) * 0.95) as $x | ($x | floor) as $i
	    | (.[$i] + (.[([$i + 1, length - 1] | min)] - .[$i]) * ($x - $i)) / 1000' "$BATS_TEST_TMPDIR/ms")
	echo "$output" | jq -e --argjson m "$mean" '(.mean_job_seconds - $m | fabs) < 0.001'
	echo "$output" | jq -e --argjson p "$p95" '(.p95_job_seconds - $p | fabs) < 0.001'
	echo "$output" | jq -e '(.cache_hit_rate - 20/41 | fabs) < 0.001'
	run_pdc 0 pdc-stats
	assert_line --regexp '^success_rate	0\.952'
}

@test "pool and query figures come from live workers" {
	pdc-worker -j 2 >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$!
	wait_for bash -c "pdc-stats --json | jq -e '.workers_alive == 1 and .pool_max == 20 and .db_queries > 0' >/dev/null"
	kill -TERM "$w"
	wait "$w"
	run_pdc 0 pdc-stats --json
	echo "$output" | jq -e '.workers_alive == 0'
}

@test "pdc-stats: bad usage exits 64" {
	run_pdc 64 pdc-stats --bogus
	run_pdc 64 pdc-stats extra
	run_pdc 0 pdc-stats --help
}

# A run pdc-stats can be checked against: 20 parcels collected, one not found,
# on a countyd of the test's own (its counts start at zero).
known_run() {
	start_countyd "statsrun$BATS_TEST_NUMBER" -n 100 -s 7
	write_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=20" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue 999-99-999
	run_pdc 0 pdc-worker -j 4 --drain
}

@test "the sparkline, the duration histogram and the per-source figures hold what the database holds" {
	known_run
	run_pdc 0 pdc-stats --json
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/stats.json"
	# completions per minute: sixty of them, summing to the completed jobs of the last hour
	jq -e '.completions_per_minute | length == 60 and add == 20 and all(.[]; . >= 0)' "$BATS_TEST_TMPDIR/stats.json"
	# the histogram: counts per bucket, as many as completed jobs, each bucket as the table says
	jq -e '[.job_durations[].count] | add == 20' "$BATS_TEST_TMPDIR/stats.json"
	assert_equal "$(jq -c '[.job_durations[] | .le]' "$BATS_TEST_TMPDIR/stats.json")" \
	    '[0.1,0.25,0.5,1,2.5,5,10,30,60,null]'
	assert_equal "$(jq '.job_durations[0].count' "$BATS_TEST_TMPDIR/stats.json")" \
	    "$(sql "SELECT count(*) FROM jobs WHERE state = 'completed' AND duration_ms <= 100")"
	assert_equal "$(jq '[.job_durations[] | select(.le == null or .le > 1) | .count] | add' "$BATS_TEST_TMPDIR/stats.json")" \
	    "$(sql "SELECT count(*) FROM jobs WHERE state = 'completed' AND duration_ms > 1000")"
	# per source: parts as stored, requests as countyd counted them (less its robots.txt, one per host)
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/county.json"
	jq -e '.requests["/robots.txt"] | add == 3' "$BATS_TEST_TMPDIR/county.json"
	local src
	for src in assessor treasurer recorder; do
		assert_equal "$(jq -c --arg s "$src" '.sources[] | select(.source == $s) | [.complete, .partial, .missing, .failed]' "$BATS_TEST_TMPDIR/stats.json")" \
		    "$(sql "SELECT json_build_array(count(*) FILTER (WHERE state = 'complete'),
		        count(*) FILTER (WHERE state = 'partial'),
		        count(*) FILTER (WHERE state = 'missing'), count(*) FILTER (WHERE state = 'failed'))
		        FROM record_parts WHERE source = '$src'" | tr -d ' ')"
		assert_equal "$(jq --arg s "$src" '.sources[] | select(.source == $s) | .requests' "$BATS_TEST_TMPDIR/stats.json")" \
		    "$(jq --arg s "$src" '.hosts[$s].total - 1' "$BATS_TEST_TMPDIR/county.json")"
	done
	# every parcel collected has each source's parts on record, and nothing
	# failed (a tax part is partial where the treasurer's page left out a row)
	# and the success rate is the complete and missing of all (partial is not success)
	jq -e '[.sources[] | .complete + .partial + .missing] == [60, 20, 20] and all(.sources[]; .failed == 0
	  and (.success_rate - (.complete + .missing) / (.complete + .partial + .missing) | length) < 0.001)' \
	    "$BATS_TEST_TMPDIR/stats.json"
	jq -e 'all(.sources[]; .not_modified == 0 and .from_kept == 0 and .hit_rate == 0)' "$BATS_TEST_TMPDIR/stats.json"

	# collected again: the conditional requests answered 304 and the recorded
	# documents read from the kept responses (never asked again) are the
	# cache hits of their source, the second apart from the requests made
	curl -sf "$COUNTYD_URL/_countyd/stats/reset" >/dev/null
	run_pdc 0 pdc-enqueue --force <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 4 --drain
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/county2.json"
	run_pdc 0 pdc-stats --json
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/stats2.json"
	for src in assessor treasurer recorder; do
		assert_equal "$(jq --arg s "$src" '.sources[] | select(.source == $s) | .not_modified' "$BATS_TEST_TMPDIR/stats2.json")" \
		    "$(jq --arg s "$src" '.hosts[$s].status["304"] // 0' "$BATS_TEST_TMPDIR/county2.json")"
		# requests made, as countyd counted them over both collections
		assert_equal "$(jq --arg s "$src" '.sources[] | select(.source == $s) | .requests' "$BATS_TEST_TMPDIR/stats2.json")" \
		    "$(($(jq --arg s "$src" '.hosts[$s].total - 1' "$BATS_TEST_TMPDIR/county.json") + $(jq --arg s "$src" '.hosts[$s].total' "$BATS_TEST_TMPDIR/county2.json")))"
	done
	assert_equal "$(jq '.requests["/documents/{recordingNumber}"] | add // 0' "$BATS_TEST_TMPDIR/county2.json")" 0
	assert_equal "$(jq '.sources[] | select(.source == "recorder") | .from_kept' "$BATS_TEST_TMPDIR/stats2.json")" \
	    "$(sql "SELECT count(*) FROM responses WHERE source = 'recorder' AND key LIKE 'document/%'")"
	jq -e '.sources[] | select(.source == "recorder") | .from_kept > 0' "$BATS_TEST_TMPDIR/stats2.json"
	jq -e 'all(.sources[] | select(.source != "recorder"); .from_kept == 0)' "$BATS_TEST_TMPDIR/stats2.json"
	jq -e 'all(.sources[]; (.hit_rate - (.not_modified + .from_kept) / (.requests + .from_kept) | fabs) < 1e-6)' \
	    "$BATS_TEST_TMPDIR/stats2.json"
	jq -e '.completions_per_minute | add == 40' "$BATS_TEST_TMPDIR/stats2.json"
}

@test "after a drain ends, pdc-stats still shows the requests, statements and connections of the drain" {
	known_run
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/county.json"
	run_pdc 0 pdc-stats --json
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/stats.json"
	jq -e '.workers_alive == 0 and .pool_in_use == 0' "$BATS_TEST_TMPDIR/stats.json"
	# every request of the drain, as countyd counted them (less its robots.txt, one per host)
	jq -e '.http_requests > 0' "$BATS_TEST_TMPDIR/stats.json"
	assert_equal "$(jq .http_requests "$BATS_TEST_TMPDIR/stats.json")" \
	    "$(jq '[.hosts[].total] | add - 3' "$BATS_TEST_TMPDIR/county.json")"
	jq -e '.http_requests_total == .http_requests' "$BATS_TEST_TMPDIR/stats.json"
	# the statements it ran and the connections it held
	jq -e '.db_queries > 0 and .db_queries_total == .db_queries' "$BATS_TEST_TMPDIR/stats.json"
	jq -e '.db_mean_query_ms > 0 and .pool_wait_seconds >= 0' "$BATS_TEST_TMPDIR/stats.json"
	jq -e '.pool_peak_in_use > 0 and .pool_peak_size >= .pool_peak_in_use' "$BATS_TEST_TMPDIR/stats.json"
	# and the jobs it finished, as the job table has them
	assert_equal "$(sql "SELECT sum((counts->>'jobs_completed')::float8)::int || ' ' || sum((counts->>'jobs_failed')::float8)::int FROM worker_figures")" \
	    "$(sql "SELECT count(*) FILTER (WHERE state = 'completed') || ' ' || count(*) FILTER (WHERE state = 'failed') FROM jobs")"
	run_pdc 0 pdc-stats --prometheus
	assert_line "pdc_worker_http_requests_total $(jq .http_requests_total "$BATS_TEST_TMPDIR/stats.json")"

	# Two days on, the drain is out of the last hour; its totals stay, and a
	# worker folds its minutes, older than the keep window, into them.
	sql "UPDATE worker_figures SET minute = minute - interval '2 days'"
	curl -sf "$COUNTYD_URL/_countyd/stats/reset" >/dev/null
	run_pdc 0 pdc-enqueue --force "$(head -n 1 "$BATS_TEST_TMPDIR/apns")"
	run_pdc 0 pdc-worker --drain --keep-days 1
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/county2.json"
	run_pdc 0 pdc-stats --json
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/stats2.json"
	assert_equal "$(jq .http_requests "$BATS_TEST_TMPDIR/stats2.json")" \
	    "$(jq '[.hosts[].total] | add' "$BATS_TEST_TMPDIR/county2.json")"
	assert_equal "$(jq .http_requests_total "$BATS_TEST_TMPDIR/stats2.json")" \
	    "$(jq -n --slurpfile a "$BATS_TEST_TMPDIR/stats.json" --slurpfile b "$BATS_TEST_TMPDIR/stats2.json" '$a[0].http_requests_total + $b[0].http_requests')"
	run_pdc 0 sql "SELECT count(*) FROM worker_figures WHERE minute > '-infinity' AND minute < now() - interval '1 day'"
	assert_output 0
	run_pdc 0 sql "SELECT count(*) FROM worker_figures WHERE minute = '-infinity'"
	assert_output 1
}

# stats_on_tty LOCALE: pdc-stats on a terminal (script(1)), its lines in
# $output and $lines.
stats_on_tty() {
	run env LC_ALL="$1" SHELL=/bin/bash script -qec pdc-stats /dev/null </dev/null
	assert_success
	output=${output//$'\r'/}
	lines=()
	mapfile -t lines <<<"$output"
}

@test "for people: a sparkline in block elements, or in ASCII outside UTF-8; a histogram; a table per source" {
	known_run
	# The views for people are drawn on a terminal; a pipe gets name and value rows.
	run_pdc 0 pdc-stats
	refute_output --partial completions_per_minute
	stats_on_tty C.UTF-8
	assert_line --regexp '^completions_per_minute +[▁▂▃▄▅▆▇█]{60}  \(last hour, peak [0-9]+\)$'
	# the busiest minute is the full block
	assert_line --regexp '^completions_per_minute .*█'
	assert_line --regexp '^  <= 0\.1s +[0-9]+ █*$'
	assert_line --regexp '^  > 60s +0 $'
	assert_line --regexp '^SOURCE +PARTS +COMPLETE +PARTIAL +MISSING +FAILED +SUCCESS +REQUESTS +NOT_MODIFIED +FROM_KEPT +HIT_RATE +RETRIES$'
	assert_line --regexp '^assessor +60 +[0-9]+ +0 +[0-9]+ +0 +100\.0% +[0-9]+ +0 +0 +0\.0% +0$'
	# collected again: the recorder's documents come from the kept responses, a hit rate above 0
	run_pdc 0 pdc-enqueue --force <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 4 --drain
	stats_on_tty C.UTF-8
	assert_line --regexp '^recorder +20 +20 +0 +0 +0 +100\.0% +[0-9]+ +0 +[1-9][0-9]* +[1-9][0-9.]*% +[0-9]+( [(].*[)])?$'
	stats_on_tty C
	assert_line --regexp '^completions_per_minute +[_.:=+*#-]{60}  \(last hour, peak [0-9]+\)$'
	assert_line --regexp '^completions_per_minute .*#'
	refute_output --partial '█'
}

# check_exposition FILE: the Prometheus text format, as a scraper reads it.
check_exposition() {
	awk '
	function fail(msg) { print "line " NR ": " msg ": " $0 > "/dev/stderr"; bad = 1 }
	/^# HELP / { if ($3 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*$/) fail("bad name"); help[$3] = 1; next }
	/^# TYPE / {
		if (!($3 in help)) fail("TYPE before HELP")
		if ($4 !~ /^(counter|gauge|histogram|summary|untyped)$/) fail("bad type")
		type[$3] = $4; next
	}
	/^#/ { fail("stray comment"); next }
	/^$/ { fail("blank line"); next }
	{
		name = $1; sub(/\{.*/, "", name)
		if (name !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*$/) fail("bad metric name")
		base = name
		if (!(base in type)) sub(/_(bucket|sum|count)$/, "", base)
		if (!(base in type)) fail("sample without HELP and TYPE")
		if (type[base] == "counter" && name !~ /_total$/) fail("counter not named _total")
		if ($1 ~ /\{/ && $1 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\}$/)
			fail("bad labels")
		if (NF != 2 || $2 !~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) fail("value not numeric")
		samples++
	}
	END { if (samples == 0) fail("no samples"); exit bad }' "$1"
}

@test "--prometheus: the text exposition format, with the database's figures" {
	known_run
	run_pdc 0 pdc-stats --prometheus
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/metrics"
	check_exposition "$BATS_TEST_TMPDIR/metrics"
	# the check itself catches a broken exposition
	printf '# HELP pdc_x x\n# TYPE pdc_x gauge\npdc_x abc\n' >"$BATS_TEST_TMPDIR/bad"
	run check_exposition "$BATS_TEST_TMPDIR/bad"
	assert_failure
	printf 'pdc_y 1\n' >"$BATS_TEST_TMPDIR/bad"
	run check_exposition "$BATS_TEST_TMPDIR/bad"
	assert_failure

	run cat "$BATS_TEST_TMPDIR/metrics"
	assert_line 'pdc_jobs{state="completed",priority="normal"} 20'
	assert_line 'pdc_jobs{state="failed",priority="normal"} 1'
	assert_line 'pdc_jobs{state="pending",priority="critical"} 0'
	assert_line "pdc_jobs_completed_last_hour $(sql "SELECT count(*) FROM jobs WHERE state = 'completed' AND finished_at > now() - interval '1 hour'")"
	assert_line 'pdc_job_duration_seconds_bucket{le="+Inf"} 20'
	assert_line 'pdc_job_duration_seconds_count 20'
	assert_line "pdc_job_duration_seconds_bucket{le=\"0.1\"} $(sql "SELECT count(*) FROM jobs WHERE state = 'completed' AND duration_ms <= 100")"
	assert_line "pdc_enqueue_queued_total $(sql "SELECT value FROM counters WHERE name = 'queued'")"
	assert_line 'pdc_workers_alive 0'
	assert_line 'pdc_paused 0'
	local src host
	for src in assessor treasurer recorder; do
		assert_line "pdc_source_requests_total{source=\"$src\"} $(sql "SELECT value FROM counters WHERE name = 'requests:$src'")"
		assert_line "pdc_source_from_kept_total{source=\"$src\"} $(sql "SELECT coalesce(sum(value), 0) FROM counters WHERE name = 'from_kept:$src'")"
		assert_line "pdc_record_parts{source=\"$src\",state=\"failed\"} 0"
	done
	for host in $(sql "SELECT host FROM hosts"); do
		assert_line "pdc_host_requests_total{host=\"$host\"} $(sql "SELECT requests FROM hosts WHERE host = '$host'")"
		assert_line "pdc_host_paused{host=\"$host\"} 0"
	done
	# histogram buckets never go down
	grep '^pdc_job_duration_seconds_bucket' "$BATS_TEST_TMPDIR/metrics" | awk '$2 < last { exit 1 } { last = $2 }'
	run_pdc 0 pdc-worker --pause
	run_pdc 0 pdc-stats --prometheus
	assert_line 'pdc_paused 1'
}

@test "pdc-stats: --json and --prometheus do not mix" {
	run_pdc 64 pdc-stats --json --prometheus
}
