#!/bin/bash
# run.sh - `make bench`: pdc against physical references measured in the same
# run, on the same database with the same settings (tests/bench/README.md).
# Prints one line per figure, "name: value unit (ratio R against REFERENCE)",
# and writes the same as JSON to $BENCH_OUT when set.
#
# Knobs (environment): BENCH_ROUNDS (rounds per alternated ratio, 3),
# BENCH_PG_OPTIONS (server options; the default keeps fsync and synchronous
# commit on, so commit rate counts as it does for a user), BENCH_SCALE_JOBS
# (1700000), BENCH_ENQUEUE_APNS (1000000), BENCH_COLLECT (2000),
# BENCH_MEMORY_JOBS (10000), BENCH_FLOOR (parcels per fetch-floor round, 200),
# BENCH_LATENCY_J64 (parcels in the -j 64 latency round, 3000), BENCH_SALES
# (parcels of the sales figures, 1000), BENCH_RECOLLECT (parcels of the
# re-collection figures, 1000), BENCH_FAULTS (parcels of the fault-mix figures,
# 300), BENCH_PRIORITY_BACKLOG (normal jobs ahead of the critical ones, 400),
# BENCH_PRIORITY_WINDOW (seconds a budget figure counts, 20),
# BENCH_ONLY=sales|recollect|faults|priority|queue|enqueue|memory|latency
# (that section alone).
set -u

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${BUILD:-build}"
case "$BUILD" in /*) ;; *) BUILD="$TOP/$BUILD" ;; esac
export PATH="$BUILD/bin:$PATH"
QBENCH="$BUILD/bench/qbench"
RUNSTAT="$BUILD/bench/runstat"
BENCH="$TOP/tests/bench"
ROUNDS="${BENCH_ROUNDS:-3}"
SCALE_JOBS="${BENCH_SCALE_JOBS:-1700000}"
SMALL_JOBS=10000
QUEUE_JOBS=2000			# claimed and finished per measurement
QUEUE_BATCH=8			# jobs per claim: a worker at -j 8 with room for all of them
ENQ_APNS="${BENCH_ENQUEUE_APNS:-1000000}"
COLLECT="${BENCH_COLLECT:-2000}"
TOKEN="bench-token-$$"
PGBENCH="$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -n 1)"

for f in "$QBENCH" "$RUNSTAT" "$BUILD/bin/pdc-worker" "$BUILD/bin/countyd"; do
	[ -x "$f" ] || { echo "bench: $f is missing: run make bench" >&2; exit 1; }
done
[ -n "$PGBENCH" ] || { echo "bench: pgbench not found (Debian: postgresql)" >&2; exit 1; }

# A prefix of its own: other tools sweep /tmp/pdc*.
ROOT="$(mktemp -d "${TMPDIR:-/tmp}/qzb.XXXXXX")"
chmod 755 "$ROOT"
export XDG_DATA_HOME="$ROOT/data" XDG_CONFIG_HOME="$ROOT/config" XDG_STATE_HOME="$ROOT/state"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME"
chmod 755 "$XDG_DATA_HOME"
unset PDC_DATABASE_URL PDC_ASSESSOR_TOKEN PGHOST PGDATABASE PGUSER PDC_CONFIG
export PDC_PG_OPTIONS="${BENCH_PG_OPTIONS:-}"
PIDS=()
T_START=$(date +%s)

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	pdc-db stop >/dev/null 2>&1
	rm -rf "$ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }

now() { date +%s.%N; }
# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan";
	else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

JSON=""
# figure NAME VALUE UNIT RATIO REFERENCE TARGET
figure() {
	printf '%s: %s %s (ratio %s against %s; target %s)\n' "$1" "$2" "$3" "$4" "$5" "$6"
	JSON="$JSON${JSON:+,}$(printf '\n  {"name": "%s", "value": %s, "unit": "%s", "ratio": %s, "reference": "%s", "target": "%s"}' \
	    "$1" "$2" "$3" "$4" "$5" "$6")"
}
# info NAME VALUE UNIT: an absolute number, for information
info() { printf '  %s: %s %s\n' "$1" "$2" "$3"; }

log "embedded database in $ROOT (server options: ${PDC_PG_OPTIONS:-defaults})"
pdc-db start >"$ROOT/db-start.log" 2>&1 || { cat "$ROOT/db-start.log" >&2; die "pdc-db start failed"; }
URL="$(pdc-db url)"
# db NAME: a migrated database of that name in the same cluster; prints its URL
db() {
	local u="${URL/\/\/\/pdc\?/\/\/\/$1?}"
	psql "$URL" -qXc "CREATE DATABASE $1" >/dev/null || return 1
	PDC_DATABASE_URL="$u" pdc-db migrate >/dev/null || return 1
	echo "$u"
}
q() { local u=$1; shift; psql "$u" -qXtA -v ON_ERROR_STOP=1 "$@"; }
fill() { q "$1" -v want="$2" -f "$BENCH/fill.sql" >/dev/null; }

# start_countyd NAME ARGS...: sets CURL_BASE
start_countyd() {
	local name=$1
	shift
	countyd -p 0 -t "$TOKEN" "$@" >"$ROOT/countyd-$name.out" 2>"$ROOT/countyd-$name.err" &
	PIDS+=($!)
	for _ in $(seq 100); do
		if grep -q 'listening on' "$ROOT/countyd-$name.out"; then
			CURL_BASE="http://$(sed -n 's/^countyd listening on //p' "$ROOT/countyd-$name.out" | head -n 1)"
			return 0
		fi
		sleep 0.1
	done
	die "countyd $name did not start"
}
# config FILE BASE_URL DB_URL: politeness lifted, as tests/lib.bash's write_config
config() {
	local t=${2/127.0.0.1/127.0.0.2} r=${2/127.0.0.1/127.0.0.3}
	cat >"$1" <<JSON
{
  "background_collection": { "max_concurrent_jobs": 4, "job_timeout_seconds": 60,
    "retry_attempts": 3, "cache_expiry_hours": 24, "auto_start_collection": false },
  "database_pool": { "min_connections": 2, "max_connections": 80, "connection_timeout_seconds": 30 },
  "database": { "url": "$3" },
  "sources": {
    "assessor": { "base_url": "$2", "token": "$TOKEN", "requests_per_second": 1000 },
    "treasurer": { "base_url": "$t", "requests_per_second": 1000 },
    "recorder": { "base_url": "$r", "requests_per_second": 1000 }
  }
}
JSON
	chmod 600 "$1"
}

# runstat_field NAME FILE: a field of the last runstat line in FILE
runstat_field() { sed -n "s/^runstat: .*$1 \([0-9.]*\).*/\1/p" "$2" | tail -n 1; }
# requests countyd served so far
served() { curl -sf "$1/_countyd/stats" | jq '.total'; }
# parcels per second between the first claim and the last finish
rate_db() { q "$1" -c "SELECT round(count(*) / greatest(extract(epoch FROM max(finished_at) - min(started_at)), 0.001), 1)
	FROM jobs WHERE state = 'completed' AND worker LIKE '%'"; }
completed() { q "$1" -c "SELECT count(*) FROM jobs WHERE state = 'completed'"; }
# collect DB CONFIG J: drain the queue with pdc-worker -j J under runstat
collect() {
	PDC_CONFIG="$2" "$RUNSTAT" pdc-worker --drain -j "$3" >/dev/null 2>"$ROOT/worker.err" ||
	    { tail -n 20 "$ROOT/worker.err" >&2; die "pdc-worker failed"; }
}

# ---------------------------------------------------------------- sales
# How right the stored sales are, as tests/57-sales.bats measures them: a
# county of its own collected whole, then the presented sales (basis deed or
# chain) and the candidates counted against countyd's truth, the parcels'
# own deeds from its ownership records (tests/sales-score.sh).  Run at the
# end, or alone with BENCH_ONLY=sales.
SALES_N="${BENCH_SALES:-1000}"
sales_section() {
	local sdb t0 p line
	log "sales: $SALES_N parcels, precision and recall against the truth"
	sdb="$(db bench_sales)" || die "cannot create bench_sales"
	start_countyd sales -n "$SALES_N" -s 57
	config "$ROOT/sales.json" "$CURL_BASE" "$sdb"
	curl -sf "$CURL_BASE/_countyd/apns?limit=$SALES_N" >"$ROOT/sales.apns" || die "countyd apns"
	PDC_CONFIG="$ROOT/sales.json" pdc-enqueue <"$ROOT/sales.apns" >/dev/null 2>&1 || die "pdc-enqueue failed"
	t0=$(now)
	PDC_CONFIG="$ROOT/sales.json" pdc-worker --drain -j 16 >/dev/null 2>"$ROOT/sales.err" ||
	    { tail -n 20 "$ROOT/sales.err" >&2; die "pdc-worker failed"; }
	[ "$(q "$sdb" -c "SELECT count(*) FROM jobs WHERE state = 'completed'")" -eq "$SALES_N" ] ||
	    die "sales: not every parcel completed"
	info "sales: collect $SALES_N parcels at -j 16" "$(calc "$(now) - $t0")" s
	bash "$TOP/tests/sales-score.sh" "$sdb" "$CURL_BASE" <"$ROOT/sales.apns" >"$ROOT/sales.score" ||
	    die "sales-score.sh failed"
	# sales_field KIND FIELD: a figure of sales-score.sh's line for KIND
	sales_field() { awk -v k="$1" -v f="$2" '$1 == k { for (i = 2; i < NF; i += 2) if ($i == f) print $(i + 1) }' \
	    "$ROOT/sales.score"; }
	p=$(sales_field presented precision)
	figure sales_presented_precision "$p" fraction "$(calc "$p / 0.99" 3)" \
	    "the 0.99 floor; $(sales_field presented right) of $(sales_field presented rows) presented sales are the parcel's" ">= 1"
	info "sales: presented, recall of the parcels' deeds" "$(sales_field presented recall)" \
	    "($(sales_field presented right) of $(sales_field presented truth))"
	info "sales: candidates, precision" "$(sales_field candidates precision)" \
	    "($(sales_field candidates right) of $(sales_field candidates rows))"
	info "sales: candidates, recall of the parcels' deeds" "$(sales_field candidates recall)" \
	    "($(sales_field candidates right) of $(sales_field candidates truth))"
	info "sales: chain rows, precision" "$(sales_field chain precision)" \
	    "($(sales_field chain right) of $(sales_field chain rows))"
	info "sales: parcels whose certain sale is the truth's latest deed" "$(sales_field latest right)" \
	    "of $(sales_field latest parcels)"
}
# ---------------------------------------------------------------- faults
# A county on a bad day (issue 12's mix: 10% 5xx, 5% 429, 2% bodies cut
# short, 1% hangs, 50 ms latency), job_timeout_seconds 5, retry_attempts 3,
# two workers at -j 8: the share of jobs that fail for good (the target is
# at most 1%), and the requests each record costs, against the same parcels
# collected from a county without faults in the same run.  Run at the end,
# or alone with BENCH_ONLY=faults.
FAULTS_N="${BENCH_FAULTS:-300}"
faults_round() {	# NAME COUNTYD-ARGS...: collect FAULTS_N parcels; sets FR_FAILED, FR_RPR
	local name=$1 fdb t0 w1 w2
	shift
	fdb="$(db "bench_$name")" || die "cannot create bench_$name"
	start_countyd "$name" -n "$FAULTS_N" -s 23 --hang-seconds 8 "$@"
	config "$ROOT/$name.json" "$CURL_BASE" "$fdb"
	jq '.background_collection += {"job_timeout_seconds": 5, "retry_attempts": 3}' "$ROOT/$name.json" \
	    >"$ROOT/$name.json.new" && mv "$ROOT/$name.json.new" "$ROOT/$name.json"
	curl -sf "$CURL_BASE/_countyd/apns?limit=$FAULTS_N" >"$ROOT/$name.apns" || die "countyd apns"
	PDC_CONFIG="$ROOT/$name.json" pdc-enqueue <"$ROOT/$name.apns" >/dev/null 2>&1 || die "pdc-enqueue failed"
	t0=$(now)
	PDC_CONFIG="$ROOT/$name.json" pdc-worker --drain -j 8 >/dev/null 2>"$ROOT/$name.w1" &
	w1=$!
	PDC_CONFIG="$ROOT/$name.json" pdc-worker --drain -j 8 >/dev/null 2>"$ROOT/$name.w2" &
	w2=$!
	wait "$w1"
	wait "$w2"
	# a drained worker leaves jobs waiting past its horizon: wait for them
	for _ in $(seq 600); do
		[ "$(q "$fdb" -c "SELECT count(*) FROM jobs WHERE state NOT IN ('completed', 'failed')")" = 0 ] && break
		PDC_CONFIG="$ROOT/$name.json" pdc-worker --drain -j 8 >/dev/null 2>>"$ROOT/$name.w1"
	done
	info "faults: $name, $FAULTS_N parcels at 2 x -j 8" "$(calc "$(now) - $t0")" s
	FR_FAILED=$(q "$fdb" -c "SELECT count(*) FROM jobs WHERE state = 'failed'")
	FR_RPR=$(calc "$(curl -sf "$CURL_BASE/_countyd/stats" | jq '.total') / $FAULTS_N")
	q "$fdb" -c "SELECT r || ' x' || count(*) FROM (SELECT regexp_replace(last_error,
	    '^.*(HTTP [0-9]+|timed out|cut short|connection lost|paused).*$', '\\1') r
	    FROM jobs WHERE state = 'failed') f GROUP BY r ORDER BY r" >"$ROOT/$name.reasons"
}
faults_section() {
	log "faults: $FAULTS_N parcels, without faults then with issue 12's mix"
	faults_round clean --latency 50
	local clean_rpr=$FR_RPR
	faults_round mix --latency 50 --error-rate 0.1 --throttle-rate 0.05 --truncate-rate 0.02 --hang-rate 0.01
	local rate
	rate=$(calc "$FR_FAILED / $FAULTS_N" 4)
	figure faults_failure_rate "$rate" fraction "$(calc "$rate / 0.01" 2)" \
	    "the 1% target; $FR_FAILED of $FAULTS_N jobs failed for good" "<= 1"
	figure faults_requests_per_record "$FR_RPR" requests "$(calc "$FR_RPR / $clean_rpr")" \
	    "the same parcels without faults ($clean_rpr requests per record)" "< 1.5"
	[ ! -s "$ROOT/mix.reasons" ] || info "faults: why the failed jobs failed" "$(tr '\n' ';' <"$ROOT/mix.reasons")" ""
}
if [ "${BENCH_ONLY:-}" = faults ]; then
	faults_section
	[ -z "${BENCH_OUT:-}" ] || printf '{"figures": [%s\n]}\n' "$JSON" >"$BENCH_OUT"
	exit 0
fi
if [ "${BENCH_ONLY:-}" = sales ]; then
	sales_section
	[ -z "${BENCH_OUT:-}" ] || printf '{"figures": [%s\n]}\n' "$JSON" >"$BENCH_OUT"
	exit 0
fi

# ---------------------------------------------------------------- recollect
# A second collection of parcels that did not change, against the first:
# the requests and bytes it costs (pdc-worker's own log of each GET, with
# PDC_LOG_LEVEL=debug; a recorded document read from the kept responses is
# no GET), each host's requests as countyd counted them, and what keeping
# history costs the store: the same
# records rebuilt from the stored responses (pdc-worker --reparse, no
# request) with the history triggers on and off, alternated.  Run at the
# end, or alone with BENCH_ONLY=recollect.
RECOLLECT_N="${BENCH_RECOLLECT:-1000}"
recollect_section() {
	local rdb r1 b1 r2 b2 n304 nkept t1 t2 on off r t0 h
	log "recollect: $RECOLLECT_N parcels collected twice, nothing changed between"
	rdb="$(db bench_recollect)" || die "cannot create bench_recollect"
	start_countyd recollect -n "$RECOLLECT_N" -s 15
	config "$ROOT/recollect.json" "$CURL_BASE" "$rdb"
	curl -sf "$CURL_BASE/_countyd/apns?limit=$RECOLLECT_N" >"$ROOT/recollect.apns" || die "countyd apns"
	# gets LOG: "requests bytes not-modified" of the GETs pdc-worker logged
	gets() { awk '/ GET .*: HTTP [0-9]+, [0-9]+ bytes/ { n++; for (i = 1; i < NF; i++)
	    if ($(i + 1) == "bytes") b += $i; if ($0 ~ /HTTP 304,/) m++ }
	    END { printf "%d %d %d\n", n, b, m }' "$1"; }
	# round NAME FORCE: collect every parcel, the log in $ROOT/NAME.log; prints seconds
	round() {
		PDC_CONFIG="$ROOT/recollect.json" pdc-enqueue $2 <"$ROOT/recollect.apns" >/dev/null 2>&1 ||
		    die "pdc-enqueue failed"
		local t0=$(now)
		PDC_LOG_LEVEL=debug PDC_CONFIG="$ROOT/recollect.json" pdc-worker --drain -j 8 \
		    >/dev/null 2>"$ROOT/$1.log" || { tail -n 20 "$ROOT/$1.log" >&2; die "pdc-worker failed"; }
		calc "$(now) - $t0"
	}
	t1=$(round recollect1 "")
	read -r r1 b1 _ <<<"$(gets "$ROOT/recollect1.log")"
	curl -sf "$CURL_BASE/_countyd/stats" >"$ROOT/recollect1.stats" || die "countyd stats"
	curl -sf "$CURL_BASE/_countyd/stats/reset" >/dev/null || die "countyd stats"
	t2=$(round recollect2 --force)
	read -r r2 b2 n304 <<<"$(gets "$ROOT/recollect2.log")"
	curl -sf "$CURL_BASE/_countyd/stats" >"$ROOT/recollect2.stats" || die "countyd stats"
	nkept=$(grep -c 'from the kept response of' "$ROOT/recollect2.log")
	[ "$(q "$rdb" -c "SELECT count(*) FROM jobs WHERE state = 'completed'")" -eq $((2 * RECOLLECT_N)) ] ||
	    die "recollect: not every parcel completed twice"
	[ "$(q "$rdb" -c "SELECT count(*) FROM history")" -eq 0 ] ||
	    die "recollect: a collection of unchanged parcels kept changes"
	figure recollect_requests "$(calc "$r2 / $RECOLLECT_N")" requests/parcel "$(calc "$r2 / $r1")" \
	    "the first collection ($(calc "$r1 / $RECOLLECT_N") requests/parcel); $n304 of them answered 304, $nkept documents read from the kept responses" "< 1"
	figure recollect_bytes "$(calc "$b2 / $RECOLLECT_N / 1024" 1)" KiB/parcel "$(calc "$b2 / $b1")" \
	    "the first collection ($(calc "$b1 / $RECOLLECT_N / 1024" 1) KiB/parcel)" "< 1"
	# countyd's own count, host by host (robots.txt is asked once, in the first)
	for h in assessor treasurer recorder; do
		info "recollect: $h requests, second against first (countyd)" \
		    "$(jq --arg h "$h" '.hosts[$h].total' "$ROOT/recollect2.stats") / $(jq --arg h "$h" '.hosts[$h].total' "$ROOT/recollect1.stats")" requests
	done
	info "recollect: recorded documents asked in the second (countyd)" \
	    "$(jq '[.requests["/documents/{recordingNumber}"][]] | add // 0' "$ROOT/recollect2.stats")" requests
	info "recollect: first collection at -j 8" "$t1" s
	info "recollect: second collection at -j 8" "$t2" s
	# reparse: the store's time for the same records, history on and off
	: >"$ROOT/hist_on" && : >"$ROOT/hist_off"
	for r in $(seq "$ROUNDS"); do
		for mode in ENABLE DISABLE; do
			for t in properties valuations residential_details tax_bills sales; do
				q "$rdb" -c "ALTER TABLE $t $mode TRIGGER USER" >/dev/null
			done
			t0=$(now)
			PDC_CONFIG="$ROOT/recollect.json" pdc-worker --reparse >/dev/null 2>&1 ||
			    die "pdc-worker --reparse failed"
			if [ $mode = ENABLE ]; then calc "$(now) - $t0" 3 >>"$ROOT/hist_on"; echo >>"$ROOT/hist_on"
			else calc "$(now) - $t0" 3 >>"$ROOT/hist_off"; echo >>"$ROOT/hist_off"; fi
		done
	done
	for t in properties valuations residential_details tax_bills sales; do
		q "$rdb" -c "ALTER TABLE $t ENABLE TRIGGER USER" >/dev/null
	done
	# the fastest of the rounds: the floor, since a busy machine only adds
	on=$(sort -g "$ROOT/hist_on" | head -n 1) off=$(sort -g "$ROOT/hist_off" | head -n 1)
	figure history_store "$on" s "$(calc "$on / $off")" \
	    "the same $RECOLLECT_N records rebuilt without history triggers ($off s), fastest of $ROUNDS" "<= 1.1"
	# what a collection always pays: opening the history, once per record
	t0=$(now)
	q "$rdb" -c "SELECT count(pdc_history_begin(apn)) FROM properties, generate_series(1, 20)" >/dev/null
	info "recollect: opening a record's history (pdc_history_begin)" \
	    "$(calc "($(now) - $t0) * 1000000 / ($RECOLLECT_N * 20)" 1)" "us/record"
	# and when every record changed: each owner edited, put back by a reparse
	q "$rdb" -c "UPDATE properties SET owner_name = owner_name || ' X'" >/dev/null
	t0=$(now)
	PDC_CONFIG="$ROOT/recollect.json" pdc-worker --reparse >/dev/null 2>&1 || die "pdc-worker --reparse failed"
	info "recollect: rebuilt with every owner changed back (history kept)" "$(calc "$(now) - $t0" 3)" s
	info "recollect: changes kept" "$(q "$rdb" -c "SELECT count(*) FROM history")" rows
}
if [ "${BENCH_ONLY:-}" = recollect ]; then
	recollect_section
	[ -z "${BENCH_OUT:-}" ] || printf '{"figures": [%s\n]}\n' "$JSON" >"$BENCH_OUT"
	exit 0
fi


# ---------------------------------------------------------------- latency
# Latency-bound collection: countyd answering each request after 100 ms, the
# worker at -j 3 and -j 64 against the ideal of its longest chain of requests.
# Run at the end, or alone with BENCH_ONLY=latency.
LAT64="${BENCH_LATENCY_J64:-3000}"	# parcels of the -j 64 latency round
latency_section() {
	log "latency bound: countyd with 100 ms per request"
	LAT="$(db bench_latency)" || die "cannot create bench_latency"
	start_countyd slow -n $((30 + LAT64)) -s 11 --latency 100
	SLOW="$CURL_BASE"
	config "$ROOT/slow.json" "$SLOW" "$LAT"
	curl -sf "$SLOW/_countyd/apns?limit=$((30 + LAT64))" >"$ROOT/slow.apns" || die "countyd apns"
	# requests countyd served on one host so far
	served_on() { curl -sf "$1/_countyd/stats" | jq --arg h "$2" '.hosts[$h].total'; }
	lat_round() {	# J PARCELS FIRST
		q "$LAT" -c "DELETE FROM jobs" >/dev/null
		sed -n "$3,$(($3 + $2 - 1))p" "$ROOT/slow.apns" | PDC_CONFIG="$ROOT/slow.json" pdc-enqueue >/dev/null 2>&1
		local r0 a0 t0 c0 n
		r0=$(served "$SLOW") a0=$(served_on "$SLOW" assessor) t0=$(served_on "$SLOW" treasurer)
		c0=$(served_on "$SLOW" recorder)
		collect "$LAT" "$ROOT/slow.json" "$1"
		n=$(completed "$LAT")
		LAT_RPP=$(calc "($(served "$SLOW") - $r0) / $n")
		# The treasurer runs beside the assessor and the recorder (its source is
		# "apart", lib/sources/treasurer.c), which run in turn: a parcel takes its
		# longer chain of requests, not their sum.
		LAT_TRE=$(calc "($(served_on "$SLOW" treasurer) - $t0) / $n")
		LAT_AR=$(calc "($(served_on "$SLOW" assessor) - $a0 + $(served_on "$SLOW" recorder) - $c0) / $n")
		LAT_CHAIN=$(awk -v a="$LAT_TRE" -v b="$LAT_AR" 'BEGIN { printf "%.2f", (a + 0 > b + 0 ? a : b) }')
		LAT_RATE=$(rate_db "$LAT")
		LAT_RSS=$(runstat_field maxrss "$ROOT/worker.err")
	}
	lat_round 3 30 1
	ideal=$(calc "3 / ($LAT_CHAIN * 0.1)")
	figure latency_j3 "$LAT_RATE" parcels/s "$(calc "$LAT_RATE / $ideal")" "ideal 3 / (longest chain $LAT_CHAIN requests x 0.1 s) = $ideal parcels/s; treasurer $LAT_TRE beside assessor+recorder $LAT_AR, $LAT_RPP in all" ">= 0.9"
	lat_round 64 "$LAT64" 31
	ideal=$(calc "64 / ($LAT_CHAIN * 0.1)")
	figure latency_j64 "$LAT_RATE" parcels/s "$(calc "$LAT_RATE / $ideal")" "ideal 64 / (longest chain $LAT_CHAIN requests x 0.1 s) = $ideal parcels/s; treasurer $LAT_TRE beside assessor+recorder $LAT_AR, $LAT_RPP in all" ">= 0.9"
	rss=$(calc "$LAT_RSS / 1024" 1)
	figure memory_j64 "$rss" MB "$(calc "$rss / 64")" "the 64 MB target, peak RSS of pdc-worker -j 64" "< 1"
}
if [ "${BENCH_ONLY:-}" = latency ]; then
	latency_section
	[ -z "${BENCH_OUT:-}" ] || printf '{"figures": [%s\n]}\n' "$JSON" >"$BENCH_OUT"
	exit 0
fi

# ---------------------------------------------------------------- memory
# Resident memory of one worker over a long run: after a tenth of the
# parcels against the end.  Run in order, or alone with BENCH_ONLY=memory.
MEM_JOBS="${BENCH_MEMORY_JOBS:-10000}"	# parcels of the memory-growth run
memory_section() {
	local rpid wpid rss rss_lo rss_hi lo_at n
	log "memory: one worker over $MEM_JOBS parcels"
	# A county of its own, so the figures above keep the size of theirs (a larger
	# county finds more deeds per owner name, so more requests per parcel).
	MEM="$(db bench_memory)" || die "cannot create bench_memory"
	start_countyd memory -n "$MEM_JOBS" -s 13
	config "$ROOT/memory.json" "$CURL_BASE" "$MEM"
	curl -sf "$CURL_BASE/_countyd/apns?limit=$MEM_JOBS" | PDC_CONFIG="$ROOT/memory.json" pdc-enqueue >/dev/null 2>&1
	# Resident memory sampled while it runs: after a tenth of the parcels, and last.
	PDC_CONFIG="$ROOT/memory.json" "$RUNSTAT" pdc-worker --drain -j 4 >/dev/null 2>"$ROOT/worker.err" &
	rpid=$!
	rss_lo="" rss_hi="" lo_at=0
	while kill -0 "$rpid" 2>/dev/null; do
		wpid=$(pgrep -P "$rpid" pdc-worker | head -n 1)
		rss=$(awk '/^VmRSS/ { print $2 }' "/proc/${wpid:-0}/status" 2>/dev/null)
		if [ -n "$rss" ]; then
			rss_hi=$rss
			if [ -z "$rss_lo" ]; then
				lo_at=$(completed "$MEM")
				[ "$lo_at" -lt $((MEM_JOBS / 10)) ] || rss_lo=$rss
			fi
		fi
		sleep 0.5
	done
	wait "$rpid" || { tail -n 20 "$ROOT/worker.err" >&2; die "pdc-worker failed"; }
	n=$(completed "$MEM")
	[ "$n" -eq "$MEM_JOBS" ] || die "memory: $n of $MEM_JOBS completed"
	figure memory_growth "$(calc "$rss_hi / 1024" 1)" MB "$(calc "$rss_hi / ${rss_lo:-1}")" \
	    "resident after $lo_at jobs ($(calc "${rss_lo:-0} / 1024" 1) MB), here after $n" "<= 1.1"
}
if [ "${BENCH_ONLY:-}" = memory ]; then
	memory_section
	[ -z "${BENCH_OUT:-}" ] || printf '{"figures": [%s\n]}\n' "$JSON" >"$BENCH_OUT"
	exit 0
fi

# ---------------------------------------------------------------- enqueue
# pdc-enqueue against the floor of the rows it writes, at the same size over
# as many connections.  Run in order, or alone with BENCH_ONLY=enqueue.
enqueue_section() {
	ENQ="$(db bench_enqueue)" || die "cannot create bench_enqueue"
	config "$ROOT/enq.json" "http://127.0.0.1:9" "$ENQ"
	q "$ENQ" -c "CREATE TABLE plain (apn text)"
	awk -v n="$ENQ_APNS" 'BEGIN { for (i = 1; i <= n; i++) { s = sprintf("%08d", i * 7 % 100000000);
		print substr(s, 1, 3) "-" substr(s, 4, 2) "-" substr(s, 6, 3) } }' >"$ROOT/apns"
	# The reference: what writing the rows pdc-enqueue must write costs at
	# all.  COPY straight into the job table and the status table, with their
	# indexes and triggers (nobody follows the job events, so the triggers
	# announce none), the same APNs over as many connections as pdc-enqueue
	# uses (two, each writing its batches to both tables): each connection
	# COPYs half the APNs into the job table, then into the status table.
	FLOOR_APNS=$ENQ_APNS
	split -n l/2 -d "$ROOT/apns" "$ROOT/apns.half."
	# copy_half N: one connection's COPYs
	copy_half() {
		q "$ENQ" -c "COPY jobs (apn) FROM STDIN" <"$ROOT/apns.half.0$1" >/dev/null &&
		    sed 's/$/\tpending/' "$ROOT/apns.half.0$1" |
		    q "$ENQ" -c "COPY data_collection_status (apn, status) FROM STDIN" >/dev/null
	}
	# copy_floor: APNs per second of that COPY
	copy_floor() {
		local t0 p1 p2
		q "$ENQ" -c "TRUNCATE jobs, data_collection_status, counters" -c "VACUUM jobs" >/dev/null
		t0=$(now)
		copy_half 0 &
		p1=$!
		copy_half 1 &
		p2=$!
		wait "$p1" && wait "$p2" || die "COPY failed"
		calc "$FLOOR_APNS / ($(now) - $t0)" 0
	}
	: >"$ROOT/enq" && : >"$ROOT/floor" && : >"$ROOT/copy"
	for r in $(seq "$ROUNDS"); do
		copy_floor >>"$ROOT/floor"; echo >>"$ROOT/floor"
		q "$ENQ" -c "TRUNCATE jobs, data_collection_status, counters" -c "VACUUM jobs" >/dev/null
		t0=$(now)
		cat "$ROOT/apns" | PDC_CONFIG="$ROOT/enq.json" pdc-enqueue >/dev/null 2>"$ROOT/enq.err" ||
		    { cat "$ROOT/enq.err" >&2; die "pdc-enqueue failed"; }
		calc "$ENQ_APNS / ($(now) - $t0)" 0 >>"$ROOT/enq"; echo >>"$ROOT/enq"
		# for information: one narrow row per APN, no index, one connection
		q "$ENQ" -c "TRUNCATE plain" >/dev/null
		t0=$(now)
		cat "$ROOT/apns" | q "$ENQ" -c "COPY plain (apn) FROM STDIN" >/dev/null || die "COPY failed"
		calc "$ENQ_APNS / ($(now) - $t0)" 0 >>"$ROOT/copy"; echo >>"$ROOT/copy"
	done
	got="$(q "$ENQ" -c "SELECT count(*) FROM jobs WHERE state = 'pending'")"
	[ "$got" -eq "$ENQ_APNS" ] || die "enqueue: $got jobs pending, not $ENQ_APNS"
	e=$(median <"$ROOT/enq") f=$(median <"$ROOT/floor") c=$(median <"$ROOT/copy")
	figure enqueue "$e" APNs/s "$(calc "$e / $f")" "COPY of the same $ENQ_APNS APNs into jobs and data_collection_status, two connections ($f APNs/s)" ">= 0.5"
	info "COPY of the same APNs into a one-column table, no index, one connection" "$c" APNs/s
	info "enqueue against that" "$(calc "$e / $c" 3)" ratio
	# The same while someone follows the job events (pdc-status --follow): the
	# insert trigger then builds one JSON event per job and queues it.
	q "$ENQ" -c "SELECT pdc_events_follow()" -c "SELECT pg_sleep(3600)" >/dev/null 2>&1 &
	follower=$!
	PIDS+=("$follower")
	for _ in $(seq 100); do
		[ "$(q "$ENQ" -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 80590 AND objid = 1")" -ge 1 ] && break
		sleep 0.1
	done
	ff=$(copy_floor)
	q "$ENQ" -c "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = 80590 AND objid = 1" >/dev/null
	wait "$follower" 2>/dev/null
	info "floor: the same COPY while pdc-status --follow listens (one event per job)" "$ff" APNs/s
	q "$ENQ" -c "ALTER TABLE jobs DISABLE TRIGGER USER" >/dev/null
	fh=$(copy_floor)
	q "$ENQ" -c "ALTER TABLE jobs ENABLE TRIGGER USER" -c "TRUNCATE jobs, data_collection_status, counters" >/dev/null
	info "floor: the same COPY with the job table's triggers off (rows and indexes alone)" "$fh" APNs/s
}
if [ "${BENCH_ONLY:-}" = enqueue ]; then
	enqueue_section
	[ -z "${BENCH_OUT:-}" ] || printf '{"figures": [%s\n]}\n' "$JSON" >"$BENCH_OUT"
	exit 0
fi

# ---------------------------------------------------------------- priority
# Critical means now (issue 13): at the default politeness (the sources' own
# requests_per_second), `pdc-enqueue -p critical --wait` behind a backlog of
# normal jobs two workers at -j 8 are draining, against the same on an idle
# queue with the same workers; and the share of the allowed rate the drain
# uses on its busiest host, with those two workers and with four at -j 64.
# Run alone with BENCH_ONLY=priority.
PRIO_N="${BENCH_PRIORITY_BACKLOG:-400}"
PRIO_WINDOW="${BENCH_PRIORITY_WINDOW:-20}"	# seconds of drain each budget figure counts
# the sources' default rates (lib/sources/*.c), which this section leaves in force
declare -A PRIO_RATE=([assessor]=5 [treasurer]=2 [recorder]=2)
priority_section() {
	local pdb i r line used best=0 bhost="" t1 t2 json
	local wpids=()
	log "priority: critical --wait on an idle queue and behind $PRIO_N normal jobs, default politeness"
	pdb="$(db bench_priority)" || die "cannot create bench_priority"
	start_countyd polite -n 2000 -s 17
	config "$ROOT/polite.json" "$CURL_BASE" "$pdb"
	jq 'del(.sources.assessor.requests_per_second, .sources.treasurer.requests_per_second,
	    .sources.recorder.requests_per_second)' "$ROOT/polite.json" >"$ROOT/polite.json.new" &&
	    mv "$ROOT/polite.json.new" "$ROOT/polite.json" && chmod 600 "$ROOT/polite.json"
	curl -sf "$CURL_BASE/_countyd/apns?limit=2000" >"$ROOT/polite.apns" || die "countyd apns"
	# workers N J: start N workers at -j J, and wait until they have announced themselves
	workers() {
		local k
		for k in $(seq "$1"); do
			PDC_CONFIG="$ROOT/polite.json" pdc-worker -j "$2" >/dev/null 2>"$ROOT/pw-$1-$k.err" &
			wpids+=($!)
			PIDS+=($!)
		done
		for _ in $(seq 100); do
			[ "$(q "$pdb" -c "SELECT count(*) FROM workers WHERE stopped_at IS NULL")" -ge "$1" ] && return 0
			sleep 0.1
		done
		die "priority: the workers did not start"
	}
	stop_workers() {
		kill "${wpids[@]}" 2>/dev/null
		wait "${wpids[@]}" 2>/dev/null
		wpids=()
		q "$pdb" -c "UPDATE workers SET stopped_at = now() WHERE stopped_at IS NULL" >/dev/null
	}
	# critical APN: seconds until pdc-enqueue -p critical --wait returns
	critical() {
		local t0
		t0=$(now)
		PDC_CONFIG="$ROOT/polite.json" pdc-enqueue -p critical --wait --timeout 600 "$1" \
		    >/dev/null 2>"$ROOT/crit.err" || { cat "$ROOT/crit.err" >&2; die "critical --wait failed"; }
		calc "$(now) - $t0" 3
		echo
	}
	# budget: the busiest host's requests over the last PRIO_WINDOW whole seconds,
	# against its allowed rate; sets BUDGET and BUDGET_HOST
	budget() {
		t1=$(($(date +%s) + 1))
		sleep $((PRIO_WINDOW + 2))
		t2=$((t1 + PRIO_WINDOW))
		json=$(curl -sf "$CURL_BASE/_countyd/stats") || die "countyd stats"
		BUDGET=0 BUDGET_HOST=""
		for h in assessor treasurer recorder; do
			used=$(echo "$json" | jq --arg h "$h" --argjson a "$t1" --argjson b "$t2" \
			    '[.hosts[$h].per_second | to_entries[] | select((.key | tonumber) >= $a and (.key | tonumber) < $b) | .value] | add // 0')
			r=$(calc "$used / (${PRIO_RATE[$h]} * $PRIO_WINDOW)" 3)
			if awk "BEGIN { exit !($r > $BUDGET) }"; then
				BUDGET=$r BUDGET_HOST=$h
			fi
		done
	}
	workers 2 8
	: >"$ROOT/crit_idle" && : >"$ROOT/crit_busy"
	for r in $(seq "$ROUNDS"); do
		critical "$(sed -n "${r}p" "$ROOT/polite.apns")" >>"$ROOT/crit_idle"
	done
	sed -n "$((ROUNDS + 1)),$((ROUNDS + PRIO_N))p" "$ROOT/polite.apns" |
	    PDC_CONFIG="$ROOT/polite.json" pdc-enqueue >/dev/null 2>&1 || die "pdc-enqueue failed"
	# the drain under way: every worker busy
	sleep 5
	budget
	figure budget_j8 "$BUDGET" fraction "$(calc "$BUDGET / 0.95" 3)" \
	    "0.95 of the allowed rate on the busiest host ($BUDGET_HOST, ${PRIO_RATE[$BUDGET_HOST]}/s), two workers at -j 8, over ${PRIO_WINDOW} s" ">= 1"
	for r in $(seq "$ROUNDS"); do
		critical "$(sed -n "$((ROUNDS + PRIO_N + r))p" "$ROOT/polite.apns")" >>"$ROOT/crit_busy"
	done
	ci=$(median <"$ROOT/crit_idle") cb=$(median <"$ROOT/crit_busy")
	info "critical --wait on an idle queue (two workers at -j 8)" "$ci" s
	figure critical_latency "$cb" s "$(calc "$cb / $ci")" \
	    "the same on an idle queue ($ci s), here behind $PRIO_N normal jobs being drained" "<= 1.5"
	stop_workers
	workers 4 64
	sleep 5
	budget
	figure budget_j64 "$BUDGET" fraction "$(calc "$BUDGET / 0.95" 3)" \
	    "0.95 of the allowed rate on the busiest host ($BUDGET_HOST, ${PRIO_RATE[$BUDGET_HOST]}/s), four workers at -j 64, over ${PRIO_WINDOW} s" ">= 1"
	info "peak requests in one second on each host (assessor, treasurer, recorder)" \
	    "$(echo "$json" | jq -r '[.hosts.assessor.peak_per_second, .hosts.treasurer.peak_per_second, .hosts.recorder.peak_per_second] | map(tostring) | join(", ")')" requests
	stop_workers
}
if [ "${BENCH_ONLY:-}" = priority ]; then
	priority_section
	[ -z "${BENCH_OUT:-}" ] || printf '{"figures": [%s\n]}\n' "$JSON" >"$BENCH_OUT"
	exit 0
fi

# ---------------------------------------------------------------- queue
SMALL="$(db bench_small)" && BIG="$(db bench_big)" || die "cannot create the databases"
log "queue: $SCALE_JOBS pending jobs into bench_big"
t0=$(now)
fill "$BIG" "$SCALE_JOBS" || die "cannot fill bench_big"
q "$BIG" -c "VACUUM ANALYZE jobs" -c "VACUUM ANALYZE data_collection_status"
info "generate $SCALE_JOBS jobs (INSERT ... SELECT generate_series)" "$(calc "$(now) - $t0")" s
fill "$SMALL" "$SMALL_JOBS"
q "$SMALL" -c "VACUUM ANALYZE jobs"
: >"$ROOT/pgbench" && : >"$ROOT/qsmall" && : >"$ROOT/qbig" && : >"$ROOT/qgroup"
for r in $(seq "$ROUNDS"); do
	fill "$SMALL" "$SMALL_JOBS"
	"$PGBENCH" -n -M prepared -c 4 -j 2 -t $((QUEUE_JOBS / 4)) -f "$BENCH/claim-finish.sql" "$SMALL" \
	    >"$ROOT/pgbench.out" 2>&1 || { cat "$ROOT/pgbench.out" >&2; die "pgbench failed"; }
	sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$ROOT/pgbench.out" >>"$ROOT/pgbench"
	fill "$SMALL" "$SMALL_JOBS"
	"$QBENCH" "$SMALL" 4 "$QUEUE_JOBS" "$QUEUE_BATCH" >>"$ROOT/qsmall" || die "qbench failed"
	fill "$BIG" "$SCALE_JOBS"
	"$QBENCH" "$BIG" 4 "$QUEUE_JOBS" "$QUEUE_BATCH" >>"$ROOT/qbig" || die "qbench failed"
	fill "$SMALL" "$SMALL_JOBS"
	"$QBENCH" "$SMALL" 4 "$QUEUE_JOBS" 32 group >>"$ROOT/qgroup" || die "qbench failed"
done
pg=$(median <"$ROOT/pgbench") qs=$(median <"$ROOT/qsmall") qb=$(median <"$ROOT/qbig") qg=$(median <"$ROOT/qgroup")
figure queue "$(calc "$qs" 0)" jobs/s "$(calc "$qs / $pg")" \
    "pgbench single-job claim+finish, -c 4 ($(calc "$pg" 0) jobs/s); the worker's path: claims of up to $QUEUE_BATCH, each job finished in its own transaction" ">= 3"
info "queue, claims of 32 finished together in one transaction (a group commit the worker does not do)" "$(calc "$qg" 0)" jobs/s
figure queue_county_scale "$(calc "$qb" 0)" jobs/s "$(calc "$qb / $qs")" \
    "the same with $SMALL_JOBS pending ($(calc "$qs" 0) jobs/s), $SCALE_JOBS pending here" ">= 0.9"
if [ "${BENCH_ONLY:-}" = queue ]; then
	[ -z "${BENCH_OUT:-}" ] || printf '{"figures": [%s\n]}\n' "$JSON" >"$BENCH_OUT"
	exit 0
fi

# ---------------------------------------------------------------- status
config "$ROOT/big.json" "http://127.0.0.1:9" "$BIG"
APN_BIG="$(q "$BIG" -c "SELECT apn FROM jobs WHERE state = 'pending' ORDER BY id DESC LIMIT 1")"
# median wall milliseconds of a command run 9 times (exit codes 0-2 are answers)
time_ms() {
	for _ in $(seq 9); do
		local t0 t1
		t0=$(now)
		"$@" >/dev/null 2>&1
		[ $? -le 2 ] || die "$* failed"
		t1=$(now)
		calc "($t1 - $t0) * 1000" 1
		echo
	done | median
}
njobs="$(q "$BIG" -c "SELECT count(*) FROM jobs")"
s1=$(PDC_CONFIG="$ROOT/big.json" time_ms pdc-status)
s2=$(PDC_CONFIG="$ROOT/big.json" time_ms pdc-status "$APN_BIG")
s0=$(time_ms psql "$BIG" -XqAtc "SELECT 1")
info "floor: psql -c 'SELECT 1' on the same database (process, connection, one query)" "$s0" ms
figure status_summary "$s1" ms "$(calc "$s1 / 50")" "the 50 ms target, $njobs jobs" "< 1"
figure status_apn "$s2" ms "$(calc "$s2 / 50")" "the 50 ms target, $njobs jobs" "< 1"

echo "status: $(($(date +%s) - T_START)) s so far" >&2

enqueue_section
echo "enqueue: $(($(date +%s) - T_START)) s so far" >&2

# ---------------------------------------------------------------- collection
FLOOR_N="${BENCH_FLOOR:-200}"	# parcels per fetch-floor round
COL="$(db bench_collect)" || die "cannot create bench_collect"
start_countyd fast -n $((COLLECT + FLOOR_N * ROUNDS)) -s 7
FAST="$CURL_BASE"
config "$ROOT/fast.json" "$FAST" "$COL"
curl -sf "$FAST/_countyd/apns?limit=$((COLLECT + FLOOR_N * ROUNDS))" >"$ROOT/fast.apns" || die "countyd apns"
log "collect: $COLLECT parcels from countyd, no latency"
head -n "$COLLECT" "$ROOT/fast.apns" | PDC_CONFIG="$ROOT/fast.json" pdc-enqueue >/dev/null 2>&1
r0=$(served "$FAST")
collect "$COL" "$ROOT/fast.json" 4
n=$(completed "$COL")
[ "$n" -eq "$COLLECT" ] || die "collect: $n of $COLLECT completed"
rpp=$(calc "($(served "$FAST") - $r0) / $n")
cpu=$(calc "($(runstat_field user "$ROOT/worker.err") + $(runstat_field sys "$ROOT/worker.err")) * 1000 / $n" 3)
info "collect, parcels per second at -j 4 (no latency)" "$(rate_db "$COL")" parcels/s
info "collect, requests per full parcel" "$rpp" requests
# for information, no longer a target: a polite collection uses little of a core
info "collect, CPU per full record (pdc-worker user + system over $n records)" "$cpu" ms
# The treasurer's part of that CPU: its pages of those records parsed again by
# htmlfloor, against libxml2's own floor (README.md).
HTMLFLOOR="$BUILD/bench/htmlfloor"
[ -x "$HTMLFLOOR" ] || die "$HTMLFLOOR is missing: run make bench"
q "$COL" -F "$(printf '\t')" -c "SELECT apn, key, encode(body, 'hex') FROM responses
	WHERE source = 'treasurer' ORDER BY apn, key" >"$ROOT/treasurer.pages"
hf=$("$HTMLFLOOR" <"$ROOT/treasurer.pages") || die "htmlfloor failed"
hf_field() { echo "$hf" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
info "treasurer pages per record: libxml2 tree (htmlReadMemory + xmlFreeDoc)" "$(hf_field tree_us)" us
info "treasurer pages per record: libxml2 SAX, empty handlers" "$(hf_field sax_us)" us
info "treasurer pages per record: pdc's treasurer parse functions" "$(hf_field pdc_us)" us
# And what libcurl alone costs for the same requests: every stored URL of those
# records again (each parcel's treasurer session opened first), through one
# easy handle, bodies dropped (curlfloor.c).
q "$COL" -c "SELECT u FROM (SELECT apn, 0 AS o, min(regexp_replace(url, '/Parcel/.*\$',
	'/parcel/default.aspx?Parcel=' || replace(apn, '-', ''))) AS u FROM responses
	WHERE source = 'treasurer' GROUP BY apn
	UNION ALL SELECT apn, CASE source WHEN 'treasurer' THEN 1 ELSE 2 END, url FROM responses) x
	ORDER BY apn, o, u" >"$ROOT/curlfloor.urls"
cf=$("$BUILD/bench/curlfloor" "AUTHORIZATION: $TOKEN" <"$ROOT/curlfloor.urls") || die "curlfloor failed: $cf"
cf_req=$(echo "$cf" | sed -n 's/.* requests \([0-9]*\).*/\1/p')
cf_us=$(echo "$cf" | sed -n 's/.* cpu_us_per_request \([0-9.]*\).*/\1/p')
info "libcurl alone, the same $cf_req requests through one handle" "$cf_us" us/request
info "libcurl alone, per record" "$(calc "$cf_us * $cf_req / $COLLECT" 0)" us
# And cJSON alone: the assessor's and the recorder's stored answers parsed and
# freed again (jsonfloor.c).
jf=$(q "$COL" -0 -F "$(printf '\t')" -c "SELECT apn, convert_from(body, 'UTF8') FROM responses
	WHERE source <> 'treasurer' ORDER BY apn" | "$BUILD/bench/jsonfloor") || die "jsonfloor failed"
jf_us=$(echo "$jf" | sed -n 's/.* cjson_us=\([0-9.]*\).*/\1/p')
info "cJSON alone, the assessor's and recorder's answers per record" "$jf_us" us
info "the three libraries' floors together (SAX + libcurl + cJSON), per record" \
    "$(calc "$(hf_field sax_us) + $cf_us * $cf_req / $COLLECT + $jf_us" 0)" us

memory_section

log "fetch floor: worker against xargs -P 8 curl"
: >"$ROOT/wfetch" && : >"$ROOT/wfetch_wall" && : >"$ROOT/cfetch"
for r in $(seq "$ROUNDS"); do
	sed -n "$((COLLECT + (r - 1) * FLOOR_N + 1)),$((COLLECT + r * FLOOR_N))p" "$ROOT/fast.apns" >"$ROOT/floor.apns"
	q "$COL" -c "DELETE FROM jobs" >/dev/null
	PDC_CONFIG="$ROOT/fast.json" pdc-enqueue <"$ROOT/floor.apns" >/dev/null 2>&1
	r0=$(served "$FAST")
	collect "$COL" "$ROOT/fast.json" 8
	# from its first claim to its last finish, as the latency figures; with
	# the process's start and its drain check, for information
	span=$(q "$COL" -c "SELECT extract(epoch FROM max(finished_at) - min(started_at)) FROM jobs")
	calc "($(served "$FAST") - $r0) / $span" 0 >>"$ROOT/wfetch"; echo >>"$ROOT/wfetch"
	calc "($(served "$FAST") - $r0) / $(runstat_field wall "$ROOT/worker.err")" 0 >>"$ROOT/wfetch_wall"; echo >>"$ROOT/wfetch_wall"
	q "$COL" -c "SELECT r.url FROM responses r WHERE r.apn = ANY (string_to_array('$(paste -sd, "$ROOT/floor.apns")', ','))" \
	    >"$ROOT/floor.urls"
	t0=$(now)
	xargs -P 8 -n 1 curl -s -o /dev/null -H "AUTHORIZATION: $TOKEN" <"$ROOT/floor.urls"
	calc "$(wc -l <"$ROOT/floor.urls") / ($(now) - $t0)" 0 >>"$ROOT/cfetch"; echo >>"$ROOT/cfetch"
done
w=$(median <"$ROOT/wfetch") c=$(median <"$ROOT/cfetch")
figure fetch_floor "$w" requests/s "$(calc "$w / $c")" "xargs -P 8 curl, one process per request ($c requests/s)" ">= 5"
info "the worker's rate over its whole run (start and drain check included)" "$(median <"$ROOT/wfetch_wall")" requests/s

latency_section
priority_section
sales_section
recollect_section
faults_section

if [ -n "${BENCH_OUT:-}" ]; then
	printf '{"figures": [%s\n]}\n' "$JSON" >"$BENCH_OUT"
fi
log "done in $(($(date +%s) - T_START)) s"
