#!/bin/sh
# collect.sh - measure one pdc-worker run: collect N parcels from countyd with
# politeness lifted, and print wall time, parcels per second, the worker's CPU
# per parcel, its peak RSS and the requests it made per parcel.
#
#   tests/bench/collect.sh [-n PARCELS] [-j JOBS] [-l LATENCY_MS] [-c COUNTY_SIZE]
#       [-r ROUNDS] [-k] [-w WRAPPER]
#
# -r runs that many rounds against the same database and countyd (each round
# enqueues the same parcels again with --force).  -w runs the worker under a
# wrapper (say "valgrind --tool=callgrind").  -k keeps the temporary root.
# Output, one line per round:
#   collect: n=N j=J latency=MS wall=S rate=P/s cpu_ms_per_parcel=X rss_mb=M
#       req_per_parcel=R ideal=P/s ratio=Q
# Needs the build (BUILD, default build) and what the tests need.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$PWD/$BUILD" ;; esac
PATH="$BUILD/bin:$PATH"
n=2000 jobs=3 latency=0 county=0 rounds=1 keep=0 wrapper=
while getopts c:j:kl:n:r:w: o; do
	case $o in
	c) county=$OPTARG ;;
	j) jobs=$OPTARG ;;
	k) keep=1 ;;
	l) latency=$OPTARG ;;
	n) n=$OPTARG ;;
	r) rounds=$OPTARG ;;
	w) wrapper=$OPTARG ;;
	*) echo "usage: collect.sh [-n N] [-j J] [-l MS] [-c SIZE] [-r ROUNDS] [-k] [-w WRAPPER]" >&2; exit 64 ;;
	esac
done
[ "$county" -gt 0 ] || county=$n
[ "$county" -ge "$n" ] || county=$n

root=$(mktemp -d /tmp/pdcb.XXXXXX)
chmod 755 "$root"
export XDG_DATA_HOME="$root/data" XDG_CONFIG_HOME="$root/config" XDG_STATE_HOME="$root/state"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME"
chmod 755 "$XDG_DATA_HOME"
unset PDC_DATABASE_URL PDC_ASSESSOR_TOKEN PGHOST PGDATABASE PGUSER
export PDC_PG_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
export PDC_LOG_LEVEL=${PDC_LOG_LEVEL:-warning}
token=bench-token-$$
cpid=
cleanup() {
	[ -n "$cpid" ] && kill "$cpid" 2>/dev/null
	pdc-db stop >/dev/null 2>&1 || true
	if [ "$keep" -eq 0 ]; then rm -rf "$root"; else echo "kept $root" >&2; fi
}
trap cleanup EXIT INT TERM

pdc-db start >"$root/db.log" 2>&1 || { cat "$root/db.log" >&2; exit 1; }
countyd -p 0 -t "$token" -n "$county" -s 7 --latency "$latency" >"$root/countyd.out" 2>"$root/countyd.err" &
cpid=$!
for _ in $(seq 300); do
	grep -q 'listening on' "$root/countyd.out" 2>/dev/null && break
	sleep 0.1
done
url="http://$(sed -n 's/^countyd listening on //p' "$root/countyd.out" | head -n 1)"
[ "$url" != "http://" ] || { echo "countyd did not start" >&2; cat "$root/countyd.err" >&2; exit 1; }
t=${url#http://127.0.0.1}
cat >"$root/config.json" <<JSON
{
  "background_collection": { "max_concurrent_jobs": 4, "job_timeout_seconds": 60,
    "retry_attempts": 3, "cache_expiry_hours": 24, "auto_start_collection": false },
  "database_pool": { "min_connections": 2, "max_connections": 20, "connection_timeout_seconds": 30 },
  "sources": {
    "assessor": { "base_url": "$url", "token": "$token", "requests_per_second": 1000 },
    "treasurer": { "base_url": "http://127.0.0.2$t", "requests_per_second": 1000 },
    "recorder": { "base_url": "http://127.0.0.3$t", "requests_per_second": 1000 }
  }
}
JSON
chmod 600 "$root/config.json"
export PDC_CONFIG="$root/config.json"

curl -sf "$url/_countyd/apns?limit=$n" >"$root/apns"
round=0
while [ "$round" -lt "$rounds" ]; do
	round=$((round + 1))
	pdc-enqueue --force <"$root/apns" >/dev/null 2>"$root/enqueue.err" || true
	curl -sf "$url/_countyd/stats/reset" >/dev/null
	# shellcheck disable=SC2086
	/usr/bin/time -f '%e %U %S %M' -o "$root/time" $wrapper pdc-worker --drain -j "$jobs" \
	    2>"$root/worker.err" || { tail -5 "$root/worker.err" >&2; exit 1; }
	read -r wall user sys rss <"$root/time"
	total=$(curl -sf "$url/_countyd/stats" | jq '.total')
	if grep -q 'ERROR' "$root/worker.err"; then
		echo "worker errors:" >&2
		grep 'ERROR' "$root/worker.err" | head -3 >&2
	fi
	awk -v n="$n" -v j="$jobs" -v l="$latency" -v w="$wall" -v u="$user" -v s="$sys" \
	    -v m="$rss" -v t="$total" 'BEGIN {
		rpp = t / n; rate = n / w
		ideal = l > 0 ? j / (rpp * l / 1000) : 0
		printf "collect: n=%d j=%d latency=%d wall=%.2fs rate=%.1f/s cpu_ms_per_parcel=%.3f rss_mb=%.1f req_per_parcel=%.2f",
		    n, j, l, w, rate, (u + s) * 1000 / n, m / 1024, rpp
		if (ideal > 0) printf " ideal=%.1f/s ratio=%.3f", ideal, rate / ideal
		printf "\n"
	}'
done
