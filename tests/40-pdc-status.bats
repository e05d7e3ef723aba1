#!/usr/bin/env bats
# pdc-status: counts for people, exit codes for scripts.

load test_helper

setup() {
	db_reset
}

@test "summary: counts by state and priority; exit 0 when nothing is open" {
	run_pdc 0 pdc-status
	run_pdc 0 pdc-enqueue -p critical 165-28-054
	run_pdc 0 pdc-enqueue -p low 112-19-038A 304-78-386
	run_pdc 1 pdc-status
	assert_line "pending	3	1	0	0	2"
	assert_line "workers	0"
	run_pdc 1 pdc-status --json
	echo "$output" | jq -e '.pending.total == 3 and .pending.critical == 1 and .pending.low == 2 and .workers_alive == 0'
}

@test "per APN: one line each, exit 0 all fresh, 1 not yet, 2 a failure" {
	run_pdc 1 pdc-status 165-28-054
	assert_output --partial "165-28-054	none"
	sql "INSERT INTO data_collection_status (apn, status, completed_at) VALUES ('165-28-054', 'completed', localtimestamp)"
	run_pdc 0 pdc-status 16528054
	assert_output --partial "165-28-054	complete"
	run_pdc 0 pdc-enqueue 112-19-038A
	run_pdc 1 pdc-status 165-28-054 112-19-038A
	assert_line --partial "112-19-038A	pending"
	sql "INSERT INTO data_collection_status (apn, status, error_message) VALUES ('304-78-386', 'failed', 'assessor: parcel not found')"
	run_pdc 2 pdc-status 165-28-054 112-19-038A 304-78-386
	assert_line --partial "304-78-386	failed"
	assert_output --partial "parcel not found"
	sql "UPDATE data_collection_status SET completed_at = localtimestamp - interval '2 days' WHERE apn = '165-28-054'"
	run_pdc 1 pdc-status 165-28-054
	assert_output --partial "stale"
	run_pdc 1 pdc-status --json 165-28-054
	echo "$output" | jq -e '.status == "stale"'
}

@test "summary exit: 1 while jobs are open, 2 when failures are on record, else 0" {
	sql "INSERT INTO jobs (apn, state, finished_at) VALUES ('165-28-054', 'completed', now())"
	run_pdc 0 pdc-status
	sql "INSERT INTO jobs (apn, state, finished_at) VALUES ('112-19-038A', 'failed', now())"
	run_pdc 2 pdc-status
	run_pdc 2 pdc-status --wait
	run_pdc 0 pdc-enqueue 304-78-386
	run_pdc 1 pdc-status
}

@test "--wait --timeout returns 1 when the work is not done in time" {
	run_pdc 0 pdc-enqueue 165-28-054
	run_pdc 1 pdc-status --wait --timeout 1 165-28-054
	assert_output --partial "timed out"
}

@test "the pause flag shows in the summary" {
	run_pdc 0 pdc-worker --pause
	run_pdc 0 pdc-status
	assert_line "paused	yes"
	run_pdc 0 pdc-worker --resume
	run_pdc 0 pdc-status
	assert_line "paused	no"
}

@test "pdc-status: bad usage and bad APNs" {
	run_pdc 64 pdc-status --bogus
	run_pdc 64 pdc-status --timeout 3
	run_pdc 64 pdc-status --wait --timeout x
	run_pdc 65 pdc-status 165-28-05
	run_pdc 65 pdc-status "$(head -c 100000 /dev/zero | tr '\0' 9)"
	run_pdc 0 pdc-status --help
	assert_output --partial "usage: pdc-status"
}
