#!/usr/bin/env bats
# Faults pdc must survive: workers killed at random, the database restarted,
# a county that misbehaves, a full disk and a closed pipe.  Each test ends by
# comparing what pdc stored with countyd's truth.

load test_helper

setup() {
	db_reset
}

# A test that fails midway leaves no worker behind.
teardown() {
	local p
	for p in $(cat "$BATS_TEST_TMPDIR/bg" 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null || true
	done
}

# exited PID: has the child PID ended (a zombie not yet waited for counts)?
exited() {
	case "$(ps -o stat= -p "$1" 2>/dev/null)" in
	'' | Z*) return 0 ;;
	esac
	return 1
}

# bg PID: kill PID at teardown if it is still there.
bg() {
	echo "$1" >>"$BATS_TEST_TMPDIR/bg"
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
		jq -S -c "del(.search) | .tax_districts |= sort_by(.district) | $TRUTH_AS_STATED" | LC_ALL=C sort
}

# What pdc stored for the APNs in FILE, in the truth's shape.
stored_of() {
	xargs pdc-show --json <"$1" | jq -S -c "$SHOWN_AS_TRUTH" | LC_ALL=C sort
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
	run records_agree "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/stored"
	assert_success
}

@test "kill storm: workers SIGKILLed at random many times lose no job and leave no half record" {
	# a dozen kills, each cutting off jobs in flight, prove it as well as two
	# dozen; the parcels only need to outlast them: at 50 ms a request, 18
	# collectors finish about 30 a second, a third of the parcels in the
	# kills' 8 s on a fast idle machine (at 20 ms they could run out)
	local n=600 kills=12 nworkers=3
	if sanitized; then n=300 kills=8; fi
	start_countyd storm -n "$n" -s 11 --latency 50
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
		bg $!
	done
	local k=0 victim rc
	: >"$BATS_TEST_TMPDIR/inflight"
	while [ "$k" -lt "$kills" ]; do
		sleep "0.$((RANDOM % 8 + 2))"
		i=$((RANDOM % nworkers))
		victim=${pids[i]}
		# a worker just started may not have claimed yet on a loaded machine
		wait_for sql_true "SELECT count(*) > 0 FROM jobs WHERE state = 'active' AND worker LIKE '%:$victim:%'"
		# Frozen, the worker can send nothing more: what the database says it
		# holds is what the kill cuts off in the middle (or what a statement
		# it sent before, still running, completes: see below).
		kill -STOP "$victim"
		sleep 0.05
		sql "SELECT id || ' ' || attempts || ' ' || '$victim' FROM jobs WHERE state = 'active'
		     AND worker LIKE '%:$victim:%'" >>"$BATS_TEST_TMPDIR/inflight"
		kill -KILL "$victim"
		rc=0
		wait "$victim" 2>/dev/null || rc=$?
		[ "$rc" -eq 137 ] || { echo "worker $victim ended with $rc before its kill" >&2; return 1; }
		k=$((k + 1))
		gen=$((gen + 1))
		pdc-worker -j 6 >"$BATS_TEST_TMPDIR/w$i.$gen.log" 2>&1 &
		pids[i]=$!
		bg $!
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
	# every job a kill cut off was run again by another attempt, or completed
	# by the victim's own statement, sent before it froze and committed after
	# the look (a loaded database can take longer than the 50 ms)
	local id att who
	while read -r id att who; do
		[ "$(sql "SELECT state = 'completed' AND (attempts > $att OR worker LIKE '%:$who:%') FROM jobs WHERE id = $id")" = "t" ] ||
			{ echo "job $id cut off at attempt $att was not run again" >&2; return 1; }
	done <"$BATS_TEST_TMPDIR/inflight"
	# no job finished twice: each completion line once, and no more than the jobs
	cat "$BATS_TEST_TMPDIR"/w*.log | grep -o 'completed for APN [0-9A-Z]*' | sort >"$BATS_TEST_TMPDIR/done"
	run uniq -d "$BATS_TEST_TMPDIR/done"
	assert_output ""
	[ "$(wc -l <"$BATS_TEST_TMPDIR/done")" -le "$n" ]
}

# Stop the embedded cluster with pg_ctl's shutdown MODE (fast: clients are
# disconnected cleanly; immediate: the server quits at once, as after a
# crash, and recovers at the next start).
pg_stop() {
	local bindir=${PDC_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
	local cmd=("$bindir/pg_ctl" -D "$XDG_DATA_HOME/pdc/pg" -m "$1" -w -t 60 stop)
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "${PDC_PG_USER:-postgres}" -- "${cmd[@]}" >/dev/null
	else
		"${cmd[@]}" >/dev/null
	fi
}

# Programs started while the database is down: exit 69 with one line naming
# the database, at once (timeout catches a hang).  A server URL is configured
# so that nothing starts the embedded cluster again.
check_down() {
	local apn=$1 cmd
	local -a cmds=("pdc-enqueue $apn" "pdc-status" "pdc-status $apn" "pdc-stats" "pdc-show $apn"
		"pdc-search SMITH" "pdc-worker --drain" "pdc-worker --apn $apn" "pdc-db check")
	for cmd in "${cmds[@]}"; do
		# shellcheck disable=SC2086
		PDC_DATABASE_URL="$DBURL" run timeout 60 $cmd
		if [ "$status" -ne 69 ] || [ "${#lines[@]}" -ne 1 ] ||
			! [[ "$output" == *"database unavailable"* ]]; then
			echo "$cmd with the database down: status $status, output: $output" >&2
			return 1
		fi
	done
}

@test "workers ride out fast and immediate database shutdowns; programs started meanwhile exit 69" {
	# one fast and one immediate shutdown; the latency keeps the parcels
	# from running out before the second, however loaded the machine
	local n=160 restarts=2
	start_countyd restarts -n "$n" -s 13 --latency 60
	local url=$COUNTYD_URL
	curl -sf "$url/_countyd/apns" >"$BATS_TEST_TMPDIR/apns"
	# A slow machine may see a lease run out while the database is down and
	# the job claimed again: attempts enough that none runs out of them (the
	# limit is the fault table's to check).
	export PDC_CONFIG=$(config_for "$url" '{"job_timeout_seconds": 10, "retry_attempts": 100}')
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	pdc-worker -j 4 >"$BATS_TEST_TMPDIR/w1.log" 2>&1 &
	local w1=$!
	pdc-worker -j 4 >"$BATS_TEST_TMPDIR/w2.log" 2>&1 &
	local w2=$!
	bg "$w1"
	bg "$w2"
	local r done=0 mode
	for r in $(seq "$restarts"); do
		# progress since the last restart: the workers reconnected and went on
		wait_long 120 sql_true "SELECT count(*) >= $done + 10 FROM jobs WHERE state = 'completed'"
		[ "$(sql "SELECT count(*) FROM jobs WHERE state = 'completed'")" -lt "$n" ]
		if [ $((r % 2)) -eq 1 ]; then mode=fast; else mode=immediate; fi
		pg_stop "$mode"
		check_down "$(head -n 1 "$BATS_TEST_TMPDIR/apns")"
		sleep 1
		run_pdc 0 pdc-db start
		done=$(sql "SELECT count(*) FROM jobs WHERE state = 'completed'")
	done
	wait_long 240 sql_true "SELECT count(*) = $n FROM jobs WHERE state = 'completed'"
	# the same two processes did it all, and stop cleanly
	local rc
	for w in "$w1" "$w2"; do
		kill -TERM "$w"
		rc=0
		wait "$w" || rc=$?
		[ "$rc" -eq 0 ]
	done
	echo "# database restarts: $r (fast and immediate), parcels: $n" >&3
	cat "$BATS_TEST_TMPDIR"/w?.log | grep -q "database"
	assert_all_collected "$BATS_TEST_TMPDIR/apns" "$url"
}

@test "a full disk on stdout is an error for every program; a closed pipe stops it quietly" {
	county_apns 30 >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 4 --drain
	local a cmd
	a=$(head -n 1 "$BATS_TEST_TMPDIR/apns")
	local -a cmds=("pdc-search SMITH" "pdc-status" "pdc-status $a" "pdc-stats" "pdc-stats --json"
		"pdc-show $a" "pdc-show --json $a" "pdc-db url" "pdc-db status" "pdc-db config"
		"pdc-enqueue --force $a" "pdc-worker --help" "pdc-search --version" "pdc-status --help")
	for cmd in "${cmds[@]}"; do
		# shellcheck disable=SC2086
		run timeout 60 $cmd
		[ "$status" -eq 0 ] && [ -n "$output" ] || { echo "$cmd: $status $output" >&2; return 1; }
		# shellcheck disable=SC2086
		timeout 60 $cmd >/dev/full 2>"$BATS_TEST_TMPDIR/err" && { echo "$cmd: success on a full disk" >&2; return 1; }
		# one line that says what went wrong where (after what stderr says anyway)
		run grep -Ec "^${cmd%% *}: stdout: (No space left on device|write error)\$" "$BATS_TEST_TMPDIR/err"
		[ "$output" = "1" ] || { echo "$cmd: $(cat "$BATS_TEST_TMPDIR/err")" >&2; return 1; }
		run grep -c "stdout" "$BATS_TEST_TMPDIR/err"
		[ "$output" = "1" ]
	done
	# | head -1: the reader has had enough; no message, no hang
	local -a piped=("pdc-search A" "pdc-show $(tr '\n' ' ' <"$BATS_TEST_TMPDIR/apns")"
		"pdc-show --json $(tr '\n' ' ' <"$BATS_TEST_TMPDIR/apns")"
		"pdc-status $(tr '\n' ' ' <"$BATS_TEST_TMPDIR/apns")" "pdc-status --watch")
	for cmd in "${piped[@]}"; do
		# shellcheck disable=SC2086
		run bash -c "timeout 60 $cmd 2>'$BATS_TEST_TMPDIR/err' | head -n 1; echo \"\${PIPESTATUS[0]}\" >'$BATS_TEST_TMPDIR/rc'"
		[ "${#lines[@]}" -eq 1 ] || { echo "$cmd | head -1: $output" >&2; return 1; }
		[ ! -s "$BATS_TEST_TMPDIR/err" ] || { echo "$cmd | head -1: $(cat "$BATS_TEST_TMPDIR/err")" >&2; return 1; }
		# not killed by timeout (124) nor by a signal
		[ "$(cat "$BATS_TEST_TMPDIR/rc")" -lt 124 ]
	done
}

@test "valgrind: a worker run over a few hundred parcels has no leaks and no memory errors" {
	if sanitized; then
		skip "the sanitizer build checks memory itself (valgrind does not run under ASan)"
	fi
	command -v valgrind >/dev/null || { echo "valgrind is missing (tests/deps.sh installs it)" >&2; return 1; }
	county_apns 200 >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --log-file="$BATS_TEST_TMPDIR/vg.log" pdc-worker -j 4 --drain
	run cat "$BATS_TEST_TMPDIR/vg.log"
	assert_output ""
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "completed|200"
	stored_json <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/stored"
	truth_json <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/stored"
	assert_success
}

# One county fault at rate 1 on one host, two parcels: how each job ends, and
# the reason it gives.  Columns: host, kind, the job's end (completed: the
# other hosts' parts came; failed: after every attempt), the part that fails,
# and what its reason must say.
FAULT_TABLE="assessor   error          failed     basic  HTTP 50[03]
assessor   throttle       failed     basic  HTTP 429
assessor   throttle-bare  failed     basic  HTTP 429
assessor   truncate       failed     basic  (body cut short|connection lost)
assessor   malformed      completed  basic  response is not (JSON|a JSON object)
assessor   wrongtype      completed  basic  assessor: [A-Za-z.]+: .* is not (a |an )?[a-z ]+
assessor   oversize       completed  basic  body larger than [0-9]+ bytes
treasurer  error          failed     tax    HTTP 50[03]
treasurer  hang           failed     tax    timed out
treasurer  malformed      completed  tax    treasurer: .*(not found|cut|missing|no )
treasurer  wrongtype      completed  tax    is not money
treasurer  oversize       completed  tax    body larger than [0-9]+ bytes
recorder   throttle-bare  failed     sales  HTTP 429
recorder   truncate       failed     sales  (body cut short|connection lost)
recorder   malformed      completed  sales  recorder: .*(not JSON|is not|no searchResults|no recordingNumber)
recorder   wrongtype      completed  sales  recorder: .*is not
recorder   oversize       completed  sales  body larger than [0-9]+ bytes"

# served URL HOST SLOT: has countyd at URL counted an answer of HOST in SLOT?
served() {
	curl -sf "$1/_countyd/stats" |
		jq -e --arg h "$2" --arg s "$3" '.hosts[$h].status | keys | any(test($s))' >/dev/null
}

# served_any URL SLOT: has any host of countyd at URL answered in SLOT?
served_any() {
	curl -sf "$1/_countyd/stats" | jq -e --arg s "$2" '[.hosts[].status | keys[]] | index($s)' >/dev/null
}

# Where countyd's stats count an answer of fault KIND.
fault_slot() {
	case $1 in
	error) echo '^50[03]$' ;;
	throttle | throttle-bare) echo '^429$' ;;
	truncate) echo '^truncated$' ;;
	*) echo "^$1\$" ;;
	esac
}

@test "the county misbehaving: each fault ends the job with a reason that names it; retries stop at the limit" {
	local host kind end part reason rows=0 cfg apns why
	while read -r host kind end part reason; do
		# FAULT_ONLY="HOST KIND" tries one row (when working on it)
		[ -z "${FAULT_ONLY:-}" ] || [ "$FAULT_ONLY" = "$host $kind" ] || continue
		db_reset
		start_countyd "f-$host-$kind" -n 20 -s 17 --hang-seconds 8 --fault "$host:$kind=1"
		cfg=$(config_for "$COUNTYD_URL" '{"job_timeout_seconds": 4, "retry_attempts": 1}')
		curl -sf "$COUNTYD_URL/_countyd/apns?limit=2" >"$BATS_TEST_TMPDIR/apns"
		PDC_CONFIG=$cfg run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
		PDC_CONFIG=$cfg run timeout 120 pdc-worker -j 2 --drain
		[ "$status" -eq 0 ] || { echo "$host $kind: worker exited $status: $output" >&2; return 1; }
		# the fault really was served (a hang counts when it ends)
		wait_for served "$COUNTYD_URL" "$host" "$(fault_slot "$kind")"
		kill "$COUNTYD_PID"
		# every job ended as the table says, and never past its attempts
		if [ "$end" = failed ]; then
			why=$(sql "SELECT state || ' ' || attempts || '/' || max_attempts || ' ' || last_error FROM jobs")
		else
			why=$(sql "SELECT j.state || ' ' || j.attempts || '/' || j.max_attempts || ' ' || p.state || ' ' || p.error
			  FROM jobs j LEFT JOIN record_parts p ON p.apn = j.apn AND p.part = '$part'")
		fi
		while read -r line; do
			if [ "$end" = failed ]; then
				[[ "$line" =~ ^failed\ 2/2\ .*($reason) ]]
			else
				[[ "$line" =~ ^completed\ 1/2\ failed\ .*($reason) ]]
			fi || { echo "$host $kind: expected $end with \"$reason\", got: $why" >&2; return 1; }
		done <<<"$why"
		[ "$(wc -l <<<"$why")" -eq 2 ] || { echo "$host $kind: two jobs expected: $why $(sql "SELECT apn, state, attempts, last_error FROM jobs") $(cat $BATS_TEST_TMPDIR/apns)" >&2; return 1; }
		echo "#   $host $kind: $(head -n 1 <<<"$why" | cut -c1-150)" >&3
		rows=$((rows + 1))
	done <<<"$FAULT_TABLE"
	echo "# county fault kinds x hosts tried: $rows" >&3
}

# Every reason a fault may give, whichever host and kind.
FAULT_REASONS='HTTP (429|50[03])|timed out|body cut short|connection lost|body larger than [0-9]+ bytes|response is not|is not|not found|neither .* found|no searchResults|no recordingNumber|no owner or deed|host .* paused|robots.txt unavailable|session expired|the page is for parcel|empty response'

@test "the county misbehaving at random: every job ends with its reason, stored parts are true or absent, no worker thread is lost" {
	local n=60 more=12 j=6
	start_countyd mixed -n $((n + more)) -s 19 --latency 30 --hang-seconds 8 \
		--fault assessor:error=0.03 --fault assessor:throttle=0.03 --fault assessor:throttle-bare=0.03 \
		--fault assessor:hang=0.01 --fault assessor:truncate=0.03 --fault assessor:malformed=0.02 \
		--fault assessor:wrongtype=0.02 --fault assessor:oversize=0.01 \
		--fault treasurer:error=0.02 --fault treasurer:throttle-bare=0.02 --fault treasurer:hang=0.01 \
		--fault treasurer:truncate=0.02 --fault treasurer:malformed=0.02 --fault treasurer:wrongtype=0.01 \
		--fault treasurer:oversize=0.01 \
		--fault recorder:error=0.02 --fault recorder:throttle=0.02 --fault recorder:hang=0.01 \
		--fault recorder:truncate=0.02 --fault recorder:malformed=0.02 --fault recorder:wrongtype=0.01 \
		--fault recorder:oversize=0.01
	local url=$COUNTYD_URL
	curl -sf "$url/_countyd/apns" >"$BATS_TEST_TMPDIR/all"
	head -n "$n" "$BATS_TEST_TMPDIR/all" >"$BATS_TEST_TMPDIR/apns"
	export PDC_CONFIG=$(config_for "$url" '{"job_timeout_seconds": 4, "retry_attempts": 2}')
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	pdc-worker -j "$j" >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$!
	bg "$w"
	wait_long 300 sql_true "SELECT count(*) = $n FROM jobs WHERE state IN ('completed', 'failed')"
	# retries stopped at the limit
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE attempts > max_attempts OR attempts < 1"
	assert_output "0"
	# every failure names its cause: the job's, and each failed part's
	sql "SELECT last_error FROM jobs WHERE state = 'failed'
	     UNION ALL SELECT error FROM record_parts WHERE state = 'failed'" >"$BATS_TEST_TMPDIR/reasons"
	run grep -Ev "$FAULT_REASONS" "$BATS_TEST_TMPDIR/reasons"
	assert_output ""
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE state = 'failed' AND coalesce(last_error, '') = ''"
	assert_output "0"
	# the faults happened, and some jobs still completed whole
	local kind
	for kind in 429 hang truncated malformed wrongtype oversize; do
		wait_for served_any "$url" "$kind"
	done
	[ "$(grep -c . "$BATS_TEST_TMPDIR/reasons")" -gt 0 ]
	[ "$(sql "SELECT count(*) FROM jobs j WHERE state = 'completed' AND NOT EXISTS
	      (SELECT 1 FROM record_parts p WHERE p.apn = j.apn AND p.state = 'failed')")" -gt 0 ]
	# each part of each record: what countyd says, or nothing at all
	# (pdc-show exits 2 for a partial record: xargs then says 123)
	xargs pdc-show --json <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/shown" || [ $? -eq 123 ]
	truth_of "$url" <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	jq -n -r --slurpfile s "$BATS_TEST_TMPDIR/shown" --slurpfile t "$BATS_TEST_TMPDIR/truth" '
		def cols: {basic: ["properties"], valuations: ["valuations"],
		  residential: ["residential_details"], tax: ["tax_bills", "tax_districts", "tax_payments"],
		  sales: ["sales"]};
		# the presented sales: the latest deed among them, and each the truth
		# lists as the truth gives it (how many are the parcel'"'"'s own at all,
		# 57-sales.bats measures)
		def agree($k; $a; $b): if $k == "sales" and ($a | type) == "array"
		  then (($b | length) == 0 or any($a[]; . == $b[0]))
		    and all($a[]; . as $x | $b | all(.recording_number != $x.recording_number or . == $x))
		  else $a == $b end;
		($t | map({key: .apn, value: .}) | from_entries) as $truth
		| $s[] | (.tax_districts |= sort_by(.district))
		| (.sales |= map({apn, recording_number, recording_suffix, recording_date, document_code, names,
		    sale_price, restricted})) as $r | $truth[$r.apn] as $tr
		| cols | to_entries[] | .key as $part | .value[] as $k
		| select(agree($k; $r[$k]; $tr[$k]) | not)
		| select(($r[$k] == null or $r[$k] == []) and $r.parts[$part].state != "complete"
		         and $r.parts[$part].state != "missing" | not)
		| "\($r.apn) \($part) \($k): stored differs from the truth (part \($r.parts[$part].state))"
	' >"$BATS_TEST_TMPDIR/wrong"
	run cat "$BATS_TEST_TMPDIR/wrong"
	assert_output ""
	[ "$(wc -l <"$BATS_TEST_TMPDIR/shown")" -eq "$n" ]
	# No thread was lost to a hang, a cut or a huge body: the same worker
	# finishes the next batch and stops cleanly, which a collector stuck in a
	# request would keep it from doing.  (How many jobs it holds at once is
	# sized to the hosts' room, which this county's 429s keep small.)
	tail -n "$more" "$BATS_TEST_TMPDIR/all" | pdc-enqueue >/dev/null 2>&1
	wait_long 300 sql_true "SELECT count(*) = $((n + more)) FROM jobs WHERE state IN ('completed', 'failed')"
	kill -TERM "$w"
	wait_long 60 exited "$w"
	local rc=0
	wait "$w" || rc=$?
	[ "$rc" -eq 0 ]
	echo "# jobs: $(sql "SELECT string_agg(state || ' ' || c, ', ') FROM (SELECT state, count(*) c FROM jobs GROUP BY 1 ORDER BY 1) x"); failed parts: $(sql "SELECT count(*) FROM record_parts WHERE state = 'failed'")" >&3
}

# fault_mix_config URL RATE: issue 12's settings (job_timeout_seconds 5,
# retry_attempts 3), every host limited to RATE requests per second.
fault_mix_config() {
	local file
	file=$(config_for "$1" '{"job_timeout_seconds": 5, "retry_attempts": 3}')
	jq --argjson r "$2" '.sources.assessor.requests_per_second = $r
	  | .sources.treasurer.requests_per_second = $r | .sources.recorder.requests_per_second = $r' \
		"$file" >"$file.new" && mv "$file.new" "$file"
	chmod 600 "$file"
	echo "$file"
}

# ended N: have all N jobs ended, completed or failed?
ended() {
	sql_true "SELECT count(*) = $1 FROM jobs WHERE state IN ('completed', 'failed')"
}

# The records of the completed jobs equal countyd's truth at URL.
assert_completed_true() {
	sql "SELECT apn FROM jobs WHERE state = 'completed' ORDER BY apn" >"$BATS_TEST_TMPDIR/done.apns"
	stored_of "$BATS_TEST_TMPDIR/done.apns" >"$BATS_TEST_TMPDIR/stored"
	truth_of "$1" <"$BATS_TEST_TMPDIR/done.apns" >"$BATS_TEST_TMPDIR/truth"
	run records_agree "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/stored"
	assert_success
}

@test "a flaky county fails almost nothing: 300 jobs under 10% 5xx, 5% 429, cuts and hangs" {
	# A worker killed, or the database down past a 5 s lease, costs each job
	# in flight an attempt, and one on its last fails "lease expired": the
	# kill storm and the shutdown tests above check those with attempts to
	# spare; this one the county's faults.
	# 300 jobs, as the issue asks; the sanitizer build checks the same paths' memory on 100
	local n=300 rate=100 rc
	! sanitized || n=100
	start_countyd flaky -n "$n" -s 23 --latency 50 --error-rate 0.1 --throttle-rate 0.05 \
		--truncate-rate 0.02 --hang-rate 0.01 --hang-seconds 8
	local url=$COUNTYD_URL
	curl -sf "$url/_countyd/apns" >"$BATS_TEST_TMPDIR/apns"
	export PDC_CONFIG=$(fault_mix_config "$url" "$rate")
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	pdc-worker -j 8 >"$BATS_TEST_TMPDIR/w1.0.log" 2>&1 &
	local w1=$!
	bg "$w1"
	pdc-worker -j 8 >"$BATS_TEST_TMPDIR/w2.0.log" 2>&1 &
	local w2=$!
	bg "$w2"
	wait_long 600 ended "$n"
	local w
	for w in "$w1" "$w2"; do
		kill -TERM "$w"
		rc=0
		wait "$w" || rc=$?
		[ "$rc" -eq 0 ]
	done
	# every fault of the mix was met
	local kind
	for kind in 429 500 503 truncated hang; do
		served_any "$url" "$kind"
	done
	# at most 1% failed for good, each naming its cause
	local failed
	failed=$(sql "SELECT count(*) FROM jobs WHERE state = 'failed'")
	sql "SELECT last_error FROM jobs WHERE state = 'failed'" >"$BATS_TEST_TMPDIR/reasons"
	[ "$failed" -le $((n / 100)) ] || { echo "$failed of $n failed: $(cat "$BATS_TEST_TMPDIR/reasons")" >&2; return 1; }
	run grep -Ev "$FAULT_REASONS" "$BATS_TEST_TMPDIR/reasons"
	assert_output ""
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE state = 'failed' AND coalesce(last_error, '') = ''"
	assert_output "0"
	# retries never pushed a host over its rate (robots.txt and refused requests count too)
	curl -sf "$url/_countyd/stats" >"$BATS_TEST_TMPDIR/stats"
	jq -e --argjson r "$rate" 'all(.hosts[]; .peak_per_second <= $r)' "$BATS_TEST_TMPDIR/stats"
	# what the completed jobs stored is true
	assert_completed_true "$url"
	# pdc-stats counted the retries of each source, and what they were for
	run_pdc 0 pdc-stats --json
	echo "$output" | jq -e '[.sources[] | select(.requests > 0)] | length == 3 and all(.retries > 0)'
	echo "$output" | jq -e '[.sources[].retried_for["429"]] | add > 0'
	echo "$output" | jq -e '[.sources[].retried_for["5xx"]] | add > 0'
	echo "# jobs: $n, failed: $failed; requests per record: $(jq --argjson n "$n" '.total / $n' "$BATS_TEST_TMPDIR/stats");" \
		"retries: $(echo "$output" | jq -c '[.sources[] | {(.source): .retried_for}] | add')" >&3
}

@test "10% server errors alone: none of 300 jobs fails, and every record is whole and true" {
	# the sanitizer build checks the same paths' memory on 100, as the mix above
	local n=300
	! sanitized || n=100
	start_countyd errors -n "$n" -s 29 --latency 20 --error-rate 0.1
	local url=$COUNTYD_URL
	curl -sf "$url/_countyd/apns" >"$BATS_TEST_TMPDIR/apns"
	export PDC_CONFIG=$(fault_mix_config "$url" 1000)
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	pdc-worker -j 8 >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$!
	bg "$w"
	wait_long 300 ended "$n"
	kill -TERM "$w"
	wait "$w"
	served_any "$url" 500
	served_any "$url" 503
	assert_all_collected "$BATS_TEST_TMPDIR/apns" "$url"
	# the 5xx answers were asked again where they came
	run_pdc 0 pdc-stats --json
	echo "$output" | jq -e 'all(.sources[]; .retried_for["5xx"] > 0)'
	echo "# retries: $(echo "$output" | jq -c '[.sources[] | {(.source): .retries}] | add')" >&3
}

@test "a host that fails everything is paused after a few requests, retries and all" {
	start_countyd failing -n 50 -s 31 --fault recorder:error=1
	local url=$COUNTYD_URL
	curl -sf "$url/_countyd/apns?limit=30" >"$BATS_TEST_TMPDIR/apns"
	export PDC_CONFIG=$(fault_mix_config "$url" 1000)
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	pdc-worker -j 4 >"$BATS_TEST_TMPDIR/w.log" 2>&1 &
	local w=$!
	bg "$w"
	wait_for sql_true "SELECT count(*) = 1 FROM hosts WHERE paused_until > now()"
	# the other hosts' parts are stored meanwhile
	wait_for sql_true "SELECT count(*) = 30 FROM record_parts WHERE part = 'tax' AND state IN ('complete', 'partial')"
	kill -TERM "$w"
	wait "$w"
	# The pause comes once 10 requests failed (and 4 in 5 of the host's
	# requests): each of the 4 threads may have one request in flight and
	# its tries to come, and no more.
	local asked
	asked=$(curl -sf "$url/_countyd/stats" | jq '.hosts.recorder.total')
	echo "# requests to the failing host: $asked" >&3
	[ "$asked" -le $((10 + 4 * 3)) ]
	grep -q "paused" "$BATS_TEST_TMPDIR/w.log"
}

@test "a worker paused past its lease writes nothing over the attempt that replaced it" {
	# 30-pdc-worker.bats checks the job row; this checks the record itself
	start_countyd lease -n 50 -s 7 --latency 300
	local url=$COUNTYD_URL apn
	apn=$(curl -sf "$url/_countyd/apns?limit=1")
	export PDC_CONFIG=$(config_for "$url" '{"job_timeout_seconds": 3}')
	run_pdc 0 pdc-enqueue "$apn"
	pdc-worker -j 1 >"$BATS_TEST_TMPDIR/w1.log" 2>&1 &
	local w1=$!
	bg "$w1"
	wait_for sql_true "SELECT state = 'active' FROM jobs"
	kill -STOP "$w1"
	# the database's word that the stopped worker's lease ran out (3 s), not
	# a sleep a loaded machine could outlast before the lease is extended
	wait_for sql_true "SELECT lease_until < now() FROM jobs"
	run_pdc 0 pdc-worker --drain
	local snap="SELECT (SELECT fetched_at FROM properties WHERE apn = '$apn'),
	  (SELECT string_agg(part || fetched_at, ',' ORDER BY part) FROM record_parts WHERE apn = '$apn'),
	  (SELECT string_agg(key || fetched_at, ',' ORDER BY source, key) FROM responses WHERE apn = '$apn'),
	  (SELECT state || attempts || lease_token || worker FROM jobs)"
	local before
	before=$(sql "$snap")
	kill -CONT "$w1"
	wait_for grep -q "lease lost" "$BATS_TEST_TMPDIR/w1.log"
	kill -TERM "$w1"
	wait "$w1"
	run_pdc 0 sql "$snap"
	assert_output "$before"
	echo "$apn" >"$BATS_TEST_TMPDIR/apns"
	assert_all_collected "$BATS_TEST_TMPDIR/apns" "$url"
}
