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
	echo "$output" | jq -e '.mean_job_seconds >= 0 and .p95_job_seconds >= .mean_job_seconds * 0 and .cache_hits == 20'
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
