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

@test "summary counts follow every change to the job table, as counting the rows does" {
	# pdc-status reads counts kept beside the table; they must say what a count says.
	counted() {
		sql "SELECT s, count(*) FILTER (WHERE priority = 0), count(*) FILTER (WHERE priority = 1),
		     count(*) FILTER (WHERE priority = 2), count(*) FILTER (WHERE priority = 3)
		     FROM unnest(ARRAY['pending', 'active', 'completed', 'failed', 'cancelled']) s
		     LEFT JOIN jobs ON jobs.state = s GROUP BY s ORDER BY array_position(ARRAY['pending', 'active',
		     'completed', 'failed', 'cancelled'], s)" | tr '|' '\t'
	}
	shown() {
		pdc-status | awk -F '\t' 'NR <= 5 { print $1 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }'
	}
	run_pdc 0 pdc-enqueue -p high 165-28-054 112-19-038A 304-78-386
	sql "INSERT INTO jobs (apn, priority) SELECT lpad(g::text, 3, '0') || '-00-001', g % 4 FROM generate_series(1, 40) g"
	[ "$(shown)" = "$(counted)" ]
	sql "UPDATE jobs SET state = 'active', lease_until = now() + interval '1 hour' WHERE priority = 1"
	sql "UPDATE jobs SET lease_until = lease_until + interval '1 minute' WHERE state = 'active'"
	sql "UPDATE jobs SET state = 'completed', finished_at = now() WHERE apn LIKE '00%'"
	sql "UPDATE jobs SET state = 'failed', finished_at = now(), priority = 0 WHERE apn LIKE '01%'"
	sql "DELETE FROM jobs WHERE apn LIKE '02%'"
	[ "$(shown)" = "$(counted)" ]
	sql "TRUNCATE jobs"
	run_pdc 0 pdc-status
	[ "$(shown)" = "$(counted)" ]
}
