#!/usr/bin/env bats
# Faults pdc must survive: workers killed at random, the database restarted,
# a county that misbehaves, a full disk and a closed pipe.  Each test ends by
# comparing what pdc stored with countyd's truth.

load test_helper

setup() {
	db_reset
}

# The sanitizer build is several times slower: the big runs shrink there.
sanitized() {
	case "$BUILD" in *-san) return 0 ;; esac
	return 1
}

# A config for countyd URL, with EXTRA merged into background_collection.
config_for() {
	local file="$BATS_TEST_TMPDIR/config.json"
	write_config "$file" "$1"
	jq --argjson extra "$2" '.background_collection += $extra' "$file" >"$file.new" &&
		mv "$file.new" "$file"
	chmod 600 "$file"
	echo "$file"
}

sql_true() {
	[ "$(sql "$1")" = "t" ]
}

# wait_long SECONDS CMD...: like wait_for, with a longer limit.
wait_long() {
	local limit=$1 i
	shift
	for i in $(seq $((limit * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# countyd's whole truth for the APNs on stdin (truth_full's shape), fetched
# over one connection: thousands of parcels in seconds.
truth_of() {
	local url=$1
	sed "s|^|url = \"$url/_countyd/truth/|; s|\$|\"|" >"$BATS_TEST_TMPDIR/truth.curl"
	curl -sf -K "$BATS_TEST_TMPDIR/truth.curl" |
		jq -S -c 'del(.search) | .tax_districts |= sort_by(.district)' | LC_ALL=C sort
}

# What pdc stored for the APNs in FILE, in the truth's shape.
stored_of() {
	xargs pdc-show --json <"$1" |
		jq -S -c 'del(.status, .parts, .collected_at, .search)' | LC_ALL=C sort
}

# Every job of the APNs in FILE completed once, nothing open, and every
# record equal to countyd's truth, part for part.
assert_all_collected() {
	local apns=$1 url=$2 n
	n=$(wc -l <"$apns")
	run_pdc 0 sql "SELECT state, count(*), count(DISTINCT apn) FROM jobs GROUP BY state"
	assert_output "completed|$n|$n"
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE attempts < 1 OR attempts > max_attempts
	  OR lease_until IS NOT NULL OR finished_at IS NULL OR parts IS NULL"
	assert_output "0"
	run_pdc 0 sql "SELECT status, count(*) FROM data_collection_status GROUP BY status"
	assert_output "completed|$n"
	# no part failed (a non-residential parcel's residential part is "missing")
	run_pdc 0 sql "SELECT count(*) FROM record_parts WHERE state = 'failed'
	  OR (state = 'missing' AND part <> 'residential')"
	assert_output "0"
	stored_of "$apns" >"$BATS_TEST_TMPDIR/stored"
	truth_of "$url" <"$apns" >"$BATS_TEST_TMPDIR/truth"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/truth")" -eq "$n" ]
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/stored"
	assert_success
}

@test "kill storm: workers SIGKILLed at random many times lose no job and leave no half record" {
	local n=2000 kills=24 nworkers=3
	if sanitized; then n=600 kills=12; fi
	start_countyd storm -n "$n" -s 11 --latency 20
	local url=$COUNTYD_URL
	curl -sf "$url/_countyd/apns" >"$BATS_TEST_TMPDIR/apns"
	# short leases: a killed worker's jobs come back within seconds; attempts
	# enough that no job runs out of them however often it is hit
	export PDC_CONFIG=$(config_for "$url" '{"job_timeout_seconds": 3, "retry_attempts": 100}')
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	local pids=() i gen=0
	for i in $(seq 0 $((nworkers - 1))); do
		pdc-worker -j 6 >"$BATS_TEST_TMPDIR/w$i.$gen.log" 2>&1 &
		pids[i]=$!
	done
	local k=0 victim
	: >"$BATS_TEST_TMPDIR/inflight"
	while [ "$k" -lt "$kills" ]; do
		sleep "0.$((RANDOM % 8 + 2))"
		i=$((RANDOM % nworkers))
		victim=${pids[i]}
		# Frozen, the worker can send nothing more: what the database says it
		# holds is what the kill cuts off in the middle.
		kill -STOP "$victim"
		sleep 0.05
		sql "SELECT id || ' ' || attempts FROM jobs WHERE state = 'active'
		     AND worker LIKE '%:$victim:%'" >>"$BATS_TEST_TMPDIR/inflight"
		kill -KILL "$victim"
		wait "$victim" 2>/dev/null || true
		k=$((k + 1))
		gen=$((gen + 1))
		pdc-worker -j 6 >"$BATS_TEST_TMPDIR/w$i.$gen.log" 2>&1 &
		pids[i]=$!
	done
	# the kills hit work in flight, not idle workers
	local cut
	cut=$(grep -c . "$BATS_TEST_TMPDIR/inflight")
	[ "$cut" -ge "$kills" ]
	[ "$(sql "SELECT count(*) FROM jobs WHERE state = 'completed'")" -lt "$n" ]
	wait_long 240 sql_true "SELECT count(*) = $n FROM jobs WHERE state = 'completed'"
	local rc
	for i in "${pids[@]}"; do
		kill -TERM "$i"
		rc=0
		wait "$i" || rc=$?
		[ "$rc" -eq 0 ]
	done
	echo "# kills: $k (jobs cut off in flight: $cut, parcels: $n)" >&3
	assert_all_collected "$BATS_TEST_TMPDIR/apns" "$url"
	# every job a kill cut off was run again by another attempt
	local id att
	while read -r id att; do
		[ "$(sql "SELECT state = 'completed' AND attempts > $att FROM jobs WHERE id = $id")" = "t" ] ||
			{ echo "job $id cut off at attempt $att was not run again" >&2; return 1; }
	done <"$BATS_TEST_TMPDIR/inflight"
	# no job finished twice: each completion line once, and no more than the jobs
	cat "$BATS_TEST_TMPDIR"/w*.log | grep -o 'completed for APN [0-9A-Z]*' | sort >"$BATS_TEST_TMPDIR/done"
	run uniq -d "$BATS_TEST_TMPDIR/done"
	assert_output ""
	[ "$(wc -l <"$BATS_TEST_TMPDIR/done")" -le "$n" ]
}
