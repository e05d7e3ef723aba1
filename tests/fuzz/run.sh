#!/bin/sh
# run.sh - seed and run the fuzz harnesses that `make fuzz` built.
#   FUZZ_SECONDS=600 FUZZ_JOBS=2 sh tests/fuzz/run.sh [NAME...]
#   sh tests/fuzz/run.sh --report [NAME...]   the figures of the last runs again
# Each harness build-fuzz/fuzz/fuzz_NAME runs for FUZZ_SECONDS (under nice
# FUZZ_NICE, 10 by default), FUZZ_JOBS at a time, on its corpus
# build-fuzz/corpus/NAME (kept from run to run) and the seeds seed.sh writes
# to build-fuzz/seeds/NAME.  Logs go to build-fuzz/logs, crashing inputs to
# build-fuzz/artifacts.  Prints one line of figures per harness and exits 1
# when any harness found a crash, a leak or a timeout.
set -eu

report_only=false
if [ "${1:-}" = --report ]; then
	report_only=true
	shift
fi
dir=${FUZZ_DIR:-build-fuzz}
secs=${FUZZ_SECONDS:-600}
jobs=${FUZZ_JOBS:-2}
nicety=${FUZZ_NICE:-10}
names=${*:-assessor treasurer recorder robots config apn input}
here=$(dirname "$0")

# stat VAR LOG: a -print_final_stats figure.
stat() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

report() {
	failed=0
	summary="$dir/summary.txt"
	printf '%-10s %6s %10s %8s %6s %7s %7s %8s  %s\n' harness secs runs exec/s cov ft corpus \
	    crashes status >"$summary"
	for name in $names; do
		log="$dir/logs/$name.log"
		rc=$(cat "$dir/logs/$name.rc" 2>/dev/null || echo 1)
		last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
		cov=$(printf '%s' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
		ft=$(printf '%s' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
		crashes=$(find "$dir/artifacts" -name "$name-*" -type f | wc -l)
		corpus=$(find "$dir/corpus/$name" -type f | wc -l)
		status=ok
		if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
			status="FAILED (exit $rc; see $log)"
			failed=1
		fi
		secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
		printf '%-10s %6s %10s %8s %6s %7s %7s %8s  %s\n' "$name" "${secs:-?}" \
		    "$(stat number_of_executed_units "$log")" \
		    "$(stat average_exec_per_sec "$log")" "${cov:-?}" "${ft:-?}" "$corpus" "$crashes" \
		    "$status" >>"$summary"
	done
	echo "fuzz: figures of $(date -u '+%Y-%m-%d %H:%M UTC')" >>"$summary"
	cat "$summary"
	for f in "$dir"/artifacts/*; do
		[ -f "$f" ] && echo "fuzz: found $f"
	done
	return "$failed"
}

if $report_only; then
	report
	exit
fi

mkdir -p "$dir/logs" "$dir/artifacts"
sh "$here/seed.sh" "$dir/seeds"

dict() {
	case $1 in
	assessor | recorder | config) echo "-dict=$here/json.dict" ;;
	treasurer) echo "-dict=$here/html.dict" ;;
	esac
}

# one NAME: run a harness; its exit status goes to logs/NAME.rc.
one() {
	mkdir -p "$dir/corpus/$1"
	rm -f "$dir/artifacts/$1-"*
	# shellcheck disable=SC2046
	nice -n "$nicety" "$dir/fuzz/fuzz_$1" -max_total_time="$secs" -print_final_stats=1 \
	    -timeout=30 -rss_limit_mb=2048 -artifact_prefix="$dir/artifacts/$1-" $(dict "$1") \
	    "$dir/corpus/$1" "$dir/seeds/$1" >"$dir/logs/$1.log" 2>&1 && rc=0 || rc=$?
	echo "$rc" >"$dir/logs/$1.rc"
}

echo "fuzz: $secs s each, $jobs at a time: $names"
# shellcheck disable=SC2086 # a list of words
set -- $names
while [ $# -gt 0 ]; do
	n=0
	while [ $# -gt 0 ] && [ "$n" -lt "$jobs" ]; do
		one "$1" &
		shift
		n=$((n + 1))
	done
	wait
done

report
