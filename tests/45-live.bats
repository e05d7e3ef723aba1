#!/usr/bin/env bats
# Live views: pdc-status --follow (job events from the database), --watch,
# the worker's progress line on a terminal, and its process title.

load test_helper

setup() {
	db_reset
}

# True once a pdc-status connection sits in LISTEN pdc_events: events from
# then on reach it.
listening() {
	[ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pdc-status'
	    AND query = 'LISTEN pdc_events'")" -ge 1 ]
}

# The events of APN in FILE (JSON Lines), as "event:attempt" words on one line.
events_of() {
	jq -r --arg a "$1" 'select(.apn == $a) | "\(.event):\(.attempt)"' "$2" | paste -sd' ' -
}

# Run the shell commands CMDS under a pseudo-terminal (script(1)), what the
# terminal showed in FILE; CMDS find that file in $OUT.
on_tty() {
	local file=$1
	printf '%s\n' "$2" >"$file.sh"
	OUT=$file script -qfec "bash $file.sh" /dev/null >"$file" 2>&1
}

# For on_tty's commands: wait (up to 60 s) until $OUT holds at least N
# matches of the extended regexp RE.
tty_wait='until_seen() { local i=0; while [ "$(grep -aoE -- "$2" "$OUT" | wc -l)" -lt "$1" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done; }'

@test "--follow --json: every job's events in order, as the database announces them" {
	start_countyd events -n 50 -s 7
	# the treasurer is down (nothing listens on port 9): every job that needs it retries, then fails
	local dead
	dead=$(config_for "$COUNTYD_URL" '{"retry_attempts": 1}')
	jq '.sources.treasurer.base_url = "http://127.0.0.2:9"' "$dead" >"$BATS_TEST_TMPDIR/dead.json"
	chmod 600 "$BATS_TEST_TMPDIR/dead.json"
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=5" >"$BATS_TEST_TMPDIR/apns"
	export PDC_CONFIG=$(config_for "$COUNTYD_URL")

	pdc-status --follow --json >"$BATS_TEST_TMPDIR/events" 2>"$BATS_TEST_TMPDIR/follow.err" &
	local f=$!
	wait_for listening
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue 999-99-999
	run_pdc 0 pdc-worker -j 2 --drain
	local down
	down=$(curl -sf "$COUNTYD_URL/_countyd/apns?limit=6" | tail -n 1)
	PDC_CONFIG="$BATS_TEST_TMPDIR/dead.json" run_pdc 0 pdc-enqueue "$down"
	PDC_CONFIG="$BATS_TEST_TMPDIR/dead.json" run_pdc 0 pdc-worker -j 1 --drain
	wait_for grep -q "\"apn\":\"$down\",\"event\":\"failed\"" "$BATS_TEST_TMPDIR/events"
	kill -INT "$f"
	wait "$f"	# exits 0
	cat "$BATS_TEST_TMPDIR/events"

	# every line is a JSON object of the documented shape
	jq -e -s 'length > 0 and all(.[]; (keys == ["apn","attempt","error","event","id","time"])
	    and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")) and (.id | type == "number"))' \
	    "$BATS_TEST_TMPDIR/events"
	local a
	while read -r a; do
		assert_equal "$(events_of "$a" "$BATS_TEST_TMPDIR/events")" "queued:0 started:1 completed:1"
	done <"$BATS_TEST_TMPDIR/apns"
	assert_equal "$(events_of 999-99-999 "$BATS_TEST_TMPDIR/events")" "queued:0 started:1 failed:1"
	assert_equal "$(events_of "$down" "$BATS_TEST_TMPDIR/events")" \
	    "queued:0 started:1 retrying:1 started:2 failed:2"
	# errors ride along with retrying and failed, and only with them
	jq -e -s --arg d "$down" '[.[] | select(.apn == $d and (.event == "retrying" or .event == "failed"))
	    | .error | test("treasurer")] == [true, true]' "$BATS_TEST_TMPDIR/events"
	jq -e -s '[.[] | select(.apn == "999-99-999" and .event == "failed") | .error | test("not found")] == [true]' \
	    "$BATS_TEST_TMPDIR/events"
	jq -e -s 'all(.[] | select(.event == "queued" or .event == "started" or .event == "completed"); .error == null)' \
	    "$BATS_TEST_TMPDIR/events"
	# the events agree with the job table
	assert_equal "$(jq -s '[.[] | select(.event == "completed")] | length' "$BATS_TEST_TMPDIR/events")" \
	    "$(sql "SELECT count(*) FROM jobs WHERE state = 'completed'")"
	assert_equal "$(jq -s '[.[] | select(.event == "failed")] | length' "$BATS_TEST_TMPDIR/events")" \
	    "$(sql "SELECT count(*) FROM jobs WHERE state = 'failed'")"
}

@test "--follow in a pipe: tab-separated lines, only the APNs asked for; exits 0 on SIGTERM" {
	pdc-status --follow 165-28-054 >"$BATS_TEST_TMPDIR/events" &
	local f=$!
	wait_for listening
	run_pdc 0 pdc-enqueue 112-19-038A 165-28-054
	wait_for grep -q queued "$BATS_TEST_TMPDIR/events"
	sql "UPDATE jobs SET state = 'cancelled' WHERE apn = '165-28-054'"
	wait_for grep -q cancelled "$BATS_TEST_TMPDIR/events"
	kill -TERM "$f"
	wait "$f"	# exits 0
	run cat "$BATS_TEST_TMPDIR/events"
	assert_line --index 0 --regexp $'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\t165-28-054\tqueued\t0\t$'
	assert_line --index 1 --regexp $'\t165-28-054\tcancelled\t0\t$'
	[ "${#lines[@]}" -eq 2 ]
	refute_output --partial "112-19-038A"
}

@test "--follow stops with exit 0 when its reader goes away" {
	(
		pdc-status --follow | head -n 1 >"$BATS_TEST_TMPDIR/first"
		echo "${PIPESTATUS[0]}" >"$BATS_TEST_TMPDIR/rc"
	) &
	wait_for listening
	run_pdc 0 pdc-enqueue 165-28-054 112-19-038A
	wait_for test -s "$BATS_TEST_TMPDIR/rc"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/rc")" 0
	run cat "$BATS_TEST_TMPDIR/first"
	assert_output --regexp $'\t(165-28-054|112-19-038A)\tqueued\t'
}

@test "--follow on a terminal: aligned lines, no tabs" {
	on_tty "$BATS_TEST_TMPDIR/tty" "$tty_wait
		pdc-status --follow & p=\$!
		until [ \"\$(psql '$DBURL' -XAtc \"SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN pdc_events'\")\" -ge 1 ]; do sleep 0.1; done
		pdc-enqueue 112-19-038A >/dev/null
		until_seen 1 'queued'
		kill -INT \$p; wait \$p"
	run tr -d '\r' <"$BATS_TEST_TMPDIR/tty"
	assert_output --regexp '[0-9]T[0-9:.]+Z  112-19-038A   queued     attempt 0'
	refute_output --partial $'\t'
}

@test "the worker on a terminal draws a live progress line; log lines stay whole" {
	start_countyd slowlive -n 200 -s 7 --latency 40
	export PDC_CONFIG=$(config_for "$COUNTYD_URL")
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=40" | pdc-enqueue >/dev/null
	on_tty "$BATS_TEST_TMPDIR/tty" "pdc-worker -j 2 --drain"
	local out="$BATS_TEST_TMPDIR/tty"
	# drawn in place: carriage return, the line, erase to its end
	grep -qa $'\r[0-9]* done, 0 failed, 0 retried, [0-2]/2 active, [0-9.]*/s, [0-9?]* due, ETA [0-9hms-]*\e\[K' "$out"
	# plausible numbers: never more done than queued, and a rate was measured
	local most
	most=$(grep -aoE '[0-9]+ done, ' "$out" | grep -oE '^[0-9]+' | sort -n | tail -n 1)
	[ "$most" -le 40 ]
	[ "$most" -gt 0 ]
	grep -aqE ', [1-9][0-9]*\.[0-9]/s, ' "$out" || grep -aqE ', 0\.[1-9]/s, ' "$out"
	grep -aqE ', [0-9]+ due, ETA [0-9]+[hms]' "$out"
	# every log line begins at the left edge: at the start of a line, or right after the progress line was erased
	tr -d '\r' <"$out" | sed 's/\x1b\[K/\n/g' | grep -a ' INFO - ' >"$BATS_TEST_TMPDIR/logs"
	[ "$(grep -c 'Data collection completed' "$BATS_TEST_TMPDIR/logs")" -eq 40 ]
	run grep -avcE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z pdc-worker\[[0-9]+\] INFO - ' "$BATS_TEST_TMPDIR/logs"
	assert_output 0
	grep -aq 'Background data worker stopped (40 completed, 0 failed)' "$out"
	# the line is taken away at the end: the last thing written erases it
	[ "$(tail -c 4 "$out" | od -An -c | tr -d ' ')" = '\r033[K' ]
}

@test "the worker in a pipe writes plain log lines only" {
	county_apns 10 | pdc-enqueue >/dev/null
	pdc-worker -j 2 --drain 2>"$BATS_TEST_TMPDIR/err" | cat
	grep -q 'Data collection completed' "$BATS_TEST_TMPDIR/err"
	run grep -c $'\r\|\e' "$BATS_TEST_TMPDIR/err"
	assert_output 0
	run grep -c ' done, ' "$BATS_TEST_TMPDIR/err"
	assert_output 0
}

@test "the worker's process title says what it is doing" {
	start_countyd slowtitle -n 300 -s 7 --latency 100
	export PDC_CONFIG=$(config_for "$COUNTYD_URL")
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=30" | pdc-enqueue >/dev/null
	pdc-worker -j 3 2>"$BATS_TEST_TMPDIR/err" &
	local w=$!
	wait_for bash -c "ps -o args= -p $w | grep -qE '^pdc-worker: [1-3] active, [0-9]+ done, 0 failed\$'"
	wait_for bash -c "ps -o args= -p $w | grep -qx 'pdc-worker: idle, 30 done, 0 failed'"
	run_pdc 0 pdc-worker --pause
	wait_for bash -c "ps -o args= -p $w | grep -qx 'pdc-worker: paused, 0 active, 30 done, 0 failed'"
	run_pdc 0 pdc-worker --resume
	wait_for bash -c "ps -o args= -p $w | grep -qx 'pdc-worker: idle, 30 done, 0 failed'"
	kill -TERM "$w"
	wait "$w"	# exits 0
	# no progress line without a terminal
	run grep -c $'\r' "$BATS_TEST_TMPDIR/err"
	assert_output 0
}

@test "--watch on a terminal redraws in place: counts, a bar, workers, pause, per-host rate" {
	start_countyd slowwatch -n 400 -s 7 --latency 30
	export PDC_CONFIG=$(config_for "$COUNTYD_URL")
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=200" | pdc-enqueue >/dev/null
	pdc-worker -j 2 2>/dev/null &
	local w=$!
	wait_for bash -c "[ \$(psql '$DBURL' -XAtc \"SELECT count(*) FROM hosts\") -eq 3 ]"
	run_pdc 0 pdc-worker --pause
	# three frames, then interrupt
	on_tty "$BATS_TEST_TMPDIR/tty" "$tty_wait
		NO_COLOR= pdc-status --watch --interval 1 & p=\$!
		until_seen 3 \$'\\e\\[H'
		kill -INT \$p; wait \$p" || true
	on_tty "$BATS_TEST_TMPDIR/tty2" "$tty_wait
		NO_COLOR=1 pdc-status --watch & p=\$!
		until_seen 1 'finished'
		kill -INT \$p; wait \$p" || true
	run_pdc 0 pdc-worker --resume
	kill -TERM "$w"
	wait "$w"
	local out="$BATS_TEST_TMPDIR/tty"
	# the first frame clears the screen; the next ones go home and overwrite
	[ "$(grep -ao $'\e\[H\e\[2J' "$out" | wc -l)" -eq 1 ]
	[ "$(grep -ao $'\e\[H' "$out" | wc -l)" -ge 2 ]
	run tr -d '\r' <"$out"
	assert_output --regexp $'pending +[0-9]+ +0 +0 +[0-9]+ +0\e\\[K'
	sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -qE '\[[#.]{40}\] [0-9]+/200 finished \([0-9]+%\)'
	assert_output --partial $'collection \e[1;31mPAUSED (pdc-worker --resume)'
	assert_output --regexp 'workers alive: [01], '
	# the first frame cannot know a rate; later ones have one for every host
	assert_output --regexp $'127\\.0\\.0\\.1:[0-9]+ +- +(ok|slowed)'
	assert_output --regexp $'127\\.0\\.0\\.2:[0-9]+ +[0-9]+\\.[0-9] +(ok|slowed)'
	assert_output --regexp $'127\\.0\\.0\\.3:[0-9]+ +[0-9]+\\.[0-9] +(ok|slowed)'
	# colour on a terminal (above), but NO_COLOR turns it off
	grep -aq 'PAUSED' "$BATS_TEST_TMPDIR/tty2"
	run grep -ac $'\e\\[[0-9;]*m' "$BATS_TEST_TMPDIR/tty2"
	assert_output 0
}

@test "--watch in a pipe: plain frames, no escape codes" {
	run_pdc 0 pdc-enqueue 165-28-054
	pdc-status --watch >"$BATS_TEST_TMPDIR/out" &
	local p=$!
	wait_for bash -c "[ \$(grep -c '^STATE ' '$BATS_TEST_TMPDIR/out') -ge 2 ]"
	kill -INT "$p"
	# interrupted, --watch ends as if it had been asked once: the queue is not drained
	local rc=0
	wait "$p" || rc=$?
	[ "$rc" -eq 1 ]
	run grep -c $'\e' "$BATS_TEST_TMPDIR/out"
	assert_output 0
	grep -q '^\[\.\{40\}\] 0/1 finished (0%)$' "$BATS_TEST_TMPDIR/out"
}

@test "live options: bad usage exits 64" {
	run_pdc 64 pdc-status --follow --wait
	run_pdc 64 pdc-status --follow --watch
	run_pdc 64 pdc-status --interval 2
	run_pdc 64 pdc-status --watch --interval 0
	run_pdc 64 pdc-status --watch --interval x
	run_pdc 65 pdc-status --follow 165-28-05
}
