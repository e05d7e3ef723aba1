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
# (parcels of the sales figures, 1000), BENCH_FAULTS (parcels of the fault-mix
# figures, 300), BENCH_ONLY=sales or BENCH_ONLY=faults (that section alone).
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

# ---------------------------------------------------------------- queue
SMALL="$(db bench_small)" && BIG="$(db bench_big)" || die "cannot create the databases"
log "queue: $SCALE_JOBS pending jobs into bench_big"
t0=$(now)
fill "$BIG" "$SCALE_JOBS" || die "cannot fill bench_big"
q "$BIG" -c "VACUUM ANALYZE jobs" -c "VACUUM ANALYZE data_collection_status"
info "generate $SCALE_JOBS jobs (INSERT ... SELECT generate_series)" "$(calc "$(now) - $t0")" s
fill "$SMALL" "$SMALL_JOBS"
q "$SMALL" -c "VACUUM ANALYZE jobs"
: >"$ROOT/pgbench" && : >"$ROOT/qsmall" && : >"$ROOT/qbig" && : >"$ROOT/qone"
for r in $(seq "$ROUNDS"); do
	fill "$SMALL" "$SMALL_JOBS"
	"$PGBENCH" -n -M prepared -c 4 -j 2 -t $((QUEUE_JOBS / 4)) -f "$BENCH/claim-finish.sql" "$SMALL" \
	    >"$ROOT/pgbench.out" 2>&1 || { cat "$ROOT/pgbench.out" >&2; die "pgbench failed"; }
	sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$ROOT/pgbench.out" >>"$ROOT/pgbench"
	fill "$SMALL" "$SMALL_JOBS"
	"$QBENCH" "$SMALL" 4 "$QUEUE_JOBS" 32 >>"$ROOT/qsmall" || die "qbench failed"
	fill "$BIG" "$SCALE_JOBS"
	"$QBENCH" "$BIG" 4 "$QUEUE_JOBS" 32 >>"$ROOT/qbig" || die "qbench failed"
	fill "$SMALL" "$SMALL_JOBS"
	"$QBENCH" "$SMALL" 4 $((QUEUE_JOBS / 4)) 1 >>"$ROOT/qone" || die "qbench failed"
done
pg=$(median <"$ROOT/pgbench") qs=$(median <"$ROOT/qsmall") qb=$(median <"$ROOT/qbig") q1=$(median <"$ROOT/qone")
figure queue "$(calc "$qs" 0)" jobs/s "$(calc "$qs / $pg")" "pgbench single-job claim+finish, -c 4 ($(calc "$pg" 0) jobs/s)" ">= 3"
info "queue, library calls one job at a time (the worker's way today)" "$(calc "$q1" 0)" jobs/s
figure queue_county_scale "$(calc "$qb" 0)" jobs/s "$(calc "$qb / $qs")" \
    "the same with $SMALL_JOBS pending ($(calc "$qs" 0) jobs/s), $SCALE_JOBS pending here" ">= 0.9"

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

# ---------------------------------------------------------------- enqueue
ENQ="$(db bench_enqueue)" || die "cannot create bench_enqueue"
config "$ROOT/enq.json" "http://127.0.0.1:9" "$ENQ"
q "$ENQ" -c "CREATE TABLE plain (apn text)"
awk -v n="$ENQ_APNS" 'BEGIN { for (i = 1; i <= n; i++) { s = sprintf("%08d", i * 7 % 100000000);
	print substr(s, 1, 3) "-" substr(s, 4, 2) "-" substr(s, 6, 3) } }' >"$ROOT/apns"
: >"$ROOT/enq" && : >"$ROOT/copy"
for r in $(seq "$ROUNDS"); do
	q "$ENQ" -c "TRUNCATE jobs, data_collection_status, counters" -c "VACUUM jobs" >/dev/null
	t0=$(now)
	cat "$ROOT/apns" | PDC_CONFIG="$ROOT/enq.json" pdc-enqueue >/dev/null 2>"$ROOT/enq.err" ||
	    { cat "$ROOT/enq.err" >&2; die "pdc-enqueue failed"; }
	calc "$ENQ_APNS / ($(now) - $t0)" 0 >>"$ROOT/enq"; echo >>"$ROOT/enq"
	q "$ENQ" -c "TRUNCATE plain" >/dev/null
	t0=$(now)
	cat "$ROOT/apns" | q "$ENQ" -c "COPY plain (apn) FROM STDIN" >/dev/null || die "COPY failed"
	calc "$ENQ_APNS / ($(now) - $t0)" 0 >>"$ROOT/copy"; echo >>"$ROOT/copy"
done
got="$(q "$ENQ" -c "SELECT count(*) FROM jobs WHERE state = 'pending'")"
[ "$got" -eq "$ENQ_APNS" ] || die "enqueue: $got jobs pending, not $ENQ_APNS"
e=$(median <"$ROOT/enq") c=$(median <"$ROOT/copy")
figure enqueue "$e" APNs/s "$(calc "$e / $c")" "COPY into a plain table ($c APNs/s), $ENQ_APNS APNs" ">= 0.5"
# What writing the rows pdc-enqueue must write costs at all: COPY straight
# into the job table and the status table, with their indexes and triggers
# (nobody follows the job events, so the triggers announce none).
FLOOR_APNS=$((ENQ_APNS < 200000 ? ENQ_APNS : 200000))
# copy_floor: APNs per second of that COPY
copy_floor() {
	local t0
	q "$ENQ" -c "TRUNCATE jobs, data_collection_status, counters" -c "VACUUM jobs" >/dev/null
	t0=$(now)
	head -n "$FLOOR_APNS" "$ROOT/apns" | q "$ENQ" -c "COPY jobs (apn) FROM STDIN" >/dev/null &&
	    head -n "$FLOOR_APNS" "$ROOT/apns" | sed 's/$/\tpending/' |
	    q "$ENQ" -c "COPY data_collection_status (apn, status) FROM STDIN" >/dev/null || die "COPY failed"
	calc "$FLOOR_APNS / ($(now) - $t0)" 0
}
f=$(copy_floor)
info "floor: COPY of $FLOOR_APNS APNs into jobs and data_collection_status themselves" "$f" APNs/s
info "enqueue against that floor" "$(calc "$e / $f")" ratio
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

echo "enqueue: $(($(date +%s) - T_START)) s so far" >&2

# ---------------------------------------------------------------- collection
FLOOR_N="${BENCH_FLOOR:-200}"	# parcels per fetch-floor round
MEM_JOBS="${BENCH_MEMORY_JOBS:-10000}"	# parcels of the memory-growth run
LAT64="${BENCH_LATENCY_J64:-3000}"	# parcels of the -j 64 latency round
COL="$(db bench_collect)" || die "cannot create bench_collect"
start_countyd fast -n $((COLLECT + FLOOR_N * ROUNDS)) -s 7
FAST="$CURL_BASE"
config "$ROOT/fast.json" "$FAST" "$COL"
curl -sf "$FAST/_countyd/apns?limit=$((COLLECT + FLOOR_N * ROUNDS))" >"$ROOT/fast.apns" || die "countyd apns"
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
figure collect_cpu "$cpu" ms/parcel "$(calc "$cpu / 1" 3)" "the 1 ms target, pdc-worker user+sys over $n full records" "<= 1"
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

log "latency bound: countyd with 100 ms per request"
LAT="$(db bench_latency)" || die "cannot create bench_latency"
start_countyd slow -n $((30 + LAT64)) -s 11 --latency 100
SLOW="$CURL_BASE"
config "$ROOT/slow.json" "$SLOW" "$LAT"
curl -sf "$SLOW/_countyd/apns?limit=$((30 + LAT64))" >"$ROOT/slow.apns" || die "countyd apns"
lat_round() {	# J PARCELS FIRST
	q "$LAT" -c "DELETE FROM jobs" >/dev/null
	sed -n "$3,$(($3 + $2 - 1))p" "$ROOT/slow.apns" | PDC_CONFIG="$ROOT/slow.json" pdc-enqueue >/dev/null 2>&1
	local r0
	r0=$(served "$SLOW")
	collect "$LAT" "$ROOT/slow.json" "$1"
	LAT_RPP=$(calc "($(served "$SLOW") - $r0) / $(completed "$LAT")")
	LAT_RATE=$(rate_db "$LAT")
	LAT_RSS=$(runstat_field maxrss "$ROOT/worker.err")
}
lat_round 3 30 1
ideal=$(calc "3 / ($LAT_RPP * 0.1)")
figure latency_j3 "$LAT_RATE" parcels/s "$(calc "$LAT_RATE / $ideal")" "ideal 3 / ($LAT_RPP requests x 0.1 s) = $ideal parcels/s" ">= 0.9"
lat_round 64 "$LAT64" 31
ideal=$(calc "64 / ($LAT_RPP * 0.1)")
figure latency_j64 "$LAT_RATE" parcels/s "$(calc "$LAT_RATE / $ideal")" "ideal 64 / ($LAT_RPP requests x 0.1 s) = $ideal parcels/s" ">= 0.9"
rss=$(calc "$LAT_RSS / 1024" 1)
figure memory_j64 "$rss" MB "$(calc "$rss / 64")" "the 64 MB target, peak RSS of pdc-worker -j 64" "< 1"

sales_section
faults_section

if [ -n "${BENCH_OUT:-}" ]; then
	printf '{"figures": [%s\n]}\n' "$JSON" >"$BENCH_OUT"
fi
log "done in $(($(date +%s) - T_START)) s"
