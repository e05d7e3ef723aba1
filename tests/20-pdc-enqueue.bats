#!/usr/bin/env bats
# pdc-enqueue: APNs from arguments or a pipe into the job table.

load test_helper

setup() {
	db_reset
}

@test "arguments are queued once, in canonical form, at normal priority" {
	run_pdc 0 pdc-enqueue 165-28-054 "112 19 038a" 30478386
	assert_line "165-28-054	queued"
	assert_line "112-19-038A	queued"
	assert_line "304-78-386	queued"
	assert_output --partial "Queued 3 properties for background data collection"
	run_pdc 0 sql "SELECT apn, priority, state, max_attempts FROM jobs ORDER BY apn"
	assert_output "112-19-038A|2|pending|4
165-28-054|2|pending|4
304-78-386|2|pending|4"
	run_pdc 0 sql "SELECT apn, status FROM data_collection_status ORDER BY apn"
	assert_line "165-28-054|pending"
}

@test "an open APN is left alone, and a higher priority raises it" {
	run_pdc 0 pdc-enqueue -p low 165-28-054
	run_pdc 0 pdc-enqueue -p low 165-28-054
	assert_output --partial "165-28-054	open"
	run_pdc 0 pdc-enqueue -p high 165-28-054
	assert_output --partial "165-28-054	raised"
	run_pdc 0 sql "SELECT count(*), min(priority) FROM jobs"
	assert_output "1|1"
}

@test "a freshly collected APN is skipped and counted as a cache hit; --force queues it" {
	sql "INSERT INTO data_collection_status (apn, status, completed_at) VALUES ('165-28-054', 'completed', localtimestamp)"
	run_pdc 0 pdc-enqueue 165-28-054
	assert_output --partial "165-28-054	fresh"
	run_pdc 0 sql "SELECT count(*) FROM jobs"
	assert_output "0"
	run_pdc 0 sql "SELECT value FROM counters WHERE name = 'cache_hits'"
	assert_output "1"
	run_pdc 0 pdc-enqueue --force 165-28-054
	assert_output --partial "165-28-054	queued"
	# an old collection is not fresh
	sql "UPDATE data_collection_status SET status = 'completed', completed_at = localtimestamp - interval '25 hours'"
	sql "DELETE FROM jobs"
	run_pdc 0 pdc-enqueue 165-28-054
	assert_output --partial "165-28-054	queued"
}

@test "stdin: one per line, TSV first fields, JSON lines, comments and blanks" {
	run_pdc 0 bash -c 'printf "# a comment\n\n165-28-054\n112-19-038A\tSMITH JOHN\tx\n{\"apn\": \"304-78-386\", \"owner\": \"X\"}\n" | pdc-enqueue'
	assert_output --partial "Queued 3 properties"
	run_pdc 0 sql "SELECT string_agg(apn, ' ' ORDER BY apn) FROM jobs"
	assert_output "112-19-038A 165-28-054 304-78-386"
}

@test "--top N takes the first N APNs of a pipe" {
	county_apns 40 >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue --top 15 <"$BATS_TEST_TMPDIR/apns"
	assert_output --partial "Queued 15 properties for background data collection"
	run_pdc 0 sql "SELECT count(*) FROM jobs"
	assert_output "15"
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE apn IN ($(county_apns 15 | sed "s/.*/'&'/" | paste -sd,))"
	assert_output "15"
}

@test "bad lines are reported with their line number, skipped, and exit 65" {
	local cases=(
		"165-28-05"          # too short
		"165-28-0544"        # too long
		"1A5-28-054"         # a letter among the digits
		"165-28-054AB"       # two split letters
		"SMITH"              # not an APN at all
		"{\"owner\": 1}"     # JSON without apn
		"{\"apn\": "         # broken JSON
	)
	local c
	for c in "${cases[@]}"; do
		db_reset
		run_pdc 65 bash -c 'printf "165-28-054\n%s\n" "$1" | pdc-enqueue' _ "$c"
		assert_output --partial "pdc-enqueue: line 2:"
		assert_output --partial "	bad"
		run_pdc 0 sql "SELECT string_agg(apn, ' ') FROM jobs"
		assert_output "165-28-054"
	done
}

@test "a 10 MB line, NUL bytes and invalid UTF-8 are bad input, not a crash" {
	run_pdc 65 bash -c 'head -c 10000000 /dev/zero | tr "\0" 1 | pdc-enqueue'
	assert_output --partial "line 1:"
	run_pdc 65 bash -c 'printf "165-28\0-054\n" | pdc-enqueue'
	run_pdc 65 bash -c 'printf "\xff\xfe165-28-054\n" | pdc-enqueue'
	run_pdc 0 sql "SELECT count(*) FROM jobs"
	assert_output "0"
}

@test "empty stdin queues nothing and succeeds" {
	run_pdc 0 bash -c 'pdc-enqueue </dev/null'
	assert_output --partial "Queued 0 properties"
}

@test "bad arguments exit 64 or 65" {
	run_pdc 64 pdc-enqueue --bogus 165-28-054
	run_pdc 64 pdc-enqueue -p urgent 165-28-054
	run_pdc 64 pdc-enqueue --top 0 165-28-054
	run_pdc 64 pdc-enqueue --top
	run_pdc 64 pdc-enqueue --timeout 5 165-28-054
	run_pdc 65 pdc-enqueue 165-28-05
	run_pdc 0 sql "SELECT count(*) FROM jobs"
	assert_output "0"
}

@test "--json prints one JSON object per APN" {
	run_pdc 0 pdc-enqueue --json 165-28-054 112-19-038A
	echo "$output" | grep '^{' | jq -e -s 'length == 2 and .[0].apn == "165-28-054" and .[0].result == "queued"'
}

@test "SQL-looking input is data, never SQL" {
	run_pdc 65 pdc-enqueue "165-28-054'; DROP TABLE jobs; --"
	run_pdc 0 sql "SELECT count(*) FROM jobs"
	assert_output "0"
}

@test "--wait --timeout gives up with exit 1 when the workers alive do not collect in time" {
	# a worker on another machine, alive but busy elsewhere
	sql "INSERT INTO workers (id, host, pid, concurrency) VALUES ('elsewhere:1:1', 'elsewhere', 1, 4)"
	run_pdc 1 pdc-enqueue --wait --timeout 2 165-28-054
	assert_output --partial "timed out"
}

@test "auto_start_collection starts a worker when none is alive" {
	jq '.background_collection.auto_start_collection = true' "$PDC_CONFIG" >"$BATS_TEST_TMPDIR/c.json"
	chmod 600 "$BATS_TEST_TMPDIR/c.json"
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	run_pdc 0 pdc-enqueue --wait --timeout 60 "$(county_apns 1)"
	assert_output --partial "Started background data collection"
	run_pdc 0 sql "SELECT state FROM jobs"
	assert_output "completed"
	wait_for sql_true "SELECT count(*) = 1 FROM workers WHERE stopped_at IS NOT NULL"
}

@test "two pdc-enqueue runs over the same APNs at once: one job each, each APN queued by one run" {
	# 25,000 APNs: three batches each, met in opposite orders.
	awk 'BEGIN { for (i = 1; i <= 25000; i++) { s = sprintf("%08d", i * 7919 % 100000000);
		print substr(s, 1, 3) "-" substr(s, 4, 2) "-" substr(s, 6, 3) } }' >"$BATS_TEST_TMPDIR/apns"
	tac "$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/snpa"
	pdc-enqueue <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/a.out" 2>"$BATS_TEST_TMPDIR/a.err" &
	local a=$!
	pdc-enqueue -p high <"$BATS_TEST_TMPDIR/snpa" >"$BATS_TEST_TMPDIR/b.out" 2>"$BATS_TEST_TMPDIR/b.err" &
	local b=$!
	wait "$a" || { cat "$BATS_TEST_TMPDIR/a.err"; false; }
	wait "$b" || { cat "$BATS_TEST_TMPDIR/b.err"; false; }
	# each run answers every APN, in its input order
	cut -f 1 "$BATS_TEST_TMPDIR/a.out" | cmp - "$BATS_TEST_TMPDIR/apns"
	cut -f 1 "$BATS_TEST_TMPDIR/b.out" | cmp - "$BATS_TEST_TMPDIR/snpa"
	# one of the two queued it; the other found it open (or raised it)
	run sh -c "cat '$BATS_TEST_TMPDIR/a.out' '$BATS_TEST_TMPDIR/b.out' | awk -F '\t' '\$2 == \"queued\"' | cut -f 1 | sort | uniq -c | awk '{ print \$1 }' | sort | uniq -c"
	assert_output "  25000 1"
	# the normal run queued or found open; the high one queued or raised
	run sh -c "cut -f 2 '$BATS_TEST_TMPDIR/a.out' | grep -cv -e '^open\$' -e '^queued\$'"
	assert_output "0"
	run sh -c "cut -f 2 '$BATS_TEST_TMPDIR/b.out' | grep -cv -e '^raised\$' -e '^queued\$'"
	assert_output "0"
	run_pdc 0 sql "SELECT count(*), count(DISTINCT apn), min(priority), max(priority) FROM jobs WHERE state = 'pending'"
	assert_output "25000|25000|1|1"
	run_pdc 0 sql "SELECT count(*) FROM jobs"
	assert_output "25000"
	run_pdc 0 sql "SELECT count(*), count(*) FILTER (WHERE status = 'pending') FROM data_collection_status"
	assert_output "25000|25000"
	run_pdc 0 sql "SELECT value FROM counters WHERE name = 'queued'"
	assert_output "25000"
}
