#!/bin/sh
# run.sh - run every test (the C unit tests and every bats suite, several at
# once) and end with one line "N passed, N failed".  Exit status 0 only when
# nothing failed.
#
# Each bats file runs in a bats process of its own, and so in a world of its
# own (setup_suite.bash: a PostgreSQL cluster in a temporary directory, a
# countyd on a free port).  A long file whose tests stand alone (each begins
# with db_reset) is cut into shards, each a bats process running some of its
# tests (--filter on their names): the wall time is then bounded by the
# longest test, not the longest file.  TEST_JOBS processes run at once, by
# default three more than the processors: most of a suite's time is spent
# waiting on a county's latency, a lease or a restart, not computing.  The
# longest runners start first, so that none starts last; the unit tests are
# one runner more.  The lanes are plain background jobs taking the next
# runner in turn (mkdir claims one atomically), so the run needs nothing
# beyond sh.
#
# A line per runner as it finishes shows progress; once all have finished,
# their TAP follows whole, in name order, and the count.  A runner that ran
# fewer tests than it planned, or a shard that planned fewer than it was
# given, counts each missing test as failed; a runner that failed without a
# "not ok" line counts as one failure.
#
# A runner has TEST_RUNNER_LIMIT seconds (1200: three times the longest, the
# fault mix of 85-faults).  Each runs in a session of its own; one that
# outlives its limit (a test hung, a worker holding bats' output open) is
# killed with everything it started, its PostgreSQL clusters stopped and
# their directories removed, each of its tests not reported counts as
# failed, and the run shows its last lines.
#
# Set BUILD to use another build directory (the sanitizer build), TEST_JOBS
# for the number of lanes, TESTS for a subset ("units 30-pdc-worker.bats"),
# TEST_DIR for another directory of suites (02-suites' own test of the limit).
set -u
cd "$(dirname "$0")/.." || exit 1
self="$(pwd)/tests/$(basename "$0")"
BUILD=${BUILD:-build}
export BUILD
TEST_DIR=${TEST_DIR:-tests}
jobs=${TEST_JOBS:-$(($(nproc 2>/dev/null || echo 2) + 3))}
limit=${TEST_RUNNER_LIMIT:-1200}
status=0

# The runners that take longest (tests/README.md gives each suite's time),
# about in that order; every other runner follows in name order.
slow="85-faults.bats 05-countyd-clock.bats 30-pdc-worker.bats 59-history.bats 45-live.bats 02-suites.bats
    90-bad-input.bats 70-docs.bats 91-security.bats 77-examples.bats 80-politeness.bats
    05-countyd-recorder.bats 50-pdc-stats.bats 57-sales.bats 58-treasurer.bats
    05-probe.bats 55-pdc-show.bats 20-pdc-enqueue.bats"
# FILE:N cuts FILE into N shards, its tests dealt out in turn (N at least the
# number of tests: one test a shard).  A shard costs a cluster and a countyd
# (about 3 s, mostly waiting), so only files of long tests are cut.
shards="85-faults.bats:99 30-pdc-worker.bats:4 05-countyd-recorder.bats:3 80-politeness.bats:4"

# test_names FILE: the names of FILE's tests, one a line, as bats reads them.
test_names() {
	sed -n -E 's/^[[:blank:]]*@test[[:blank:]]+(.*[^[:blank:]])[[:blank:]]+\{.*$/\1/p' "$1" |
	    sed -E "s/^[\"']//; s/[\"']\$//"
}

# tap_check FILE LABEL STATUS [EXPECTED]: append to FILE the failures its TAP
# does not say itself: the tests planned (or EXPECTED) but never run, or a
# bad exit unexplained ($late set: the runner timed out).
tap_check() {
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$1" | head -n 1)
	ran=$(grep -c -E '^(not )?ok ' "$1")
	if [ -n "${4:-}" ] && [ "${plan:-0}" -lt "$4" ]; then
		echo "# $2: given $4 tests, planned ${plan:-none}" >>"$1"
		plan=$4
	fi
	missing="did not run" bad="exited with status $3"
	[ -z "${late:-}" ] || missing="did not finish: the runner timed out" bad="timed out"
	if [ -z "$plan" ]; then
		[ "$3" -ne 0 ] || echo "not ok - $2 printed no plan" >>"$1"
	else
		k=$ran
		while [ "$k" -lt "$plan" ]; do
			k=$((k + 1))
			echo "not ok - $2: test $k of $plan $missing" >>"$1"
		done
	fi
	if [ "$3" -ne 0 ] && ! grep -q '^not ok' "$1"; then
		echo "not ok - $2 $bad" >>"$1"
	fi
}

# ere TEXT...: TEXT as an extended regular expression matching itself.
ere() {
	printf '%s\n' "$*" | sed 's/[][\\.*^$+?(){}|]/\\&/g'
}

# runner NAME: run one runner (in a session of its own, started by run_one),
# its TAP into $PDC_RUNNER.tap, and its exit status last into $PDC_RUNNER.rc.
runner() {
	out="$PDC_RUNNER.tap"
	case "$1" in
	units)
		rc=0
		for t in "$BUILD"/tests/t_*; do
			[ -x "$t" ] || continue
			"$t" >"$out.one" 2>&1
			tap_check "$out.one" "$(basename "$t")" "$?"
			{ echo "# unit: $(basename "$t")"; cat "$out.one"; } >>"$out"
		done
		rm -f "$out.one"
		;;
	*#*)
		# its tests by their whole names, and no other
		re="^($(while IFS= read -r t; do ere "$t"; done <"$PDC_RUNNER.names" | paste -sd '|' -))\$"
		bats --tap --timing --filter "$re" "$TEST_DIR/${1%#*}" >"$out" 2>&1
		rc=$?
		;;
	*)
		bats --tap --timing "$TEST_DIR/$1" >"$out" 2>&1
		rc=$?
		;;
	esac
	echo "$rc" >"$PDC_RUNNER.rc.new" && mv "$PDC_RUNNER.rc.new" "$PDC_RUNNER.rc"
}
if [ "${1:-}" = --runner ]; then
	runner "$2"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pdc-run.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
lanes=""
trap 'stop; exit 130' INT TERM

files=""
for f in "$TEST_DIR"/*.bats; do
	[ -f "$f" ] && files="$files ${f#"$TEST_DIR"/}"
done
# Every runner: "units", a whole FILE, or a shard FILE#K whose names are in
# $tmp/FILE#K.names.
all="units"
for f in $files; do
	n=$(echo " $shards " | sed -n "s/.* $f:\([0-9]*\) .*/\1/p")
	if [ -z "$n" ]; then
		all="$all $f"
		continue
	fi
	test_names "$TEST_DIR/$f" >"$tmp/names"
	# names read otherwise than bats reads them: the file runs whole
	if [ "$(wc -l <"$tmp/names")" -ne "$(bats --count "$TEST_DIR/$f")" ]; then
		all="$all $f"
		continue
	fi
	[ "$n" -le "$(wc -l <"$tmp/names")" ] || n=$(wc -l <"$tmp/names")
	k=0
	while [ "$k" -lt "$n" ]; do
		k=$((k + 1))
		awk -v k="$k" -v n="$n" '(NR - 1) % n == k - 1' "$tmp/names" >"$tmp/$f#$k.names"
		if [ -s "$tmp/$f#$k.names" ]; then
			all="$all $f#$k"
		else
			rm -f "$tmp/$f#$k.names"
		fi
	done
done
queue=""
for name in $slow $all; do
	for r in $all; do
		case "$r" in "$name" | "$name#"*) ;; *) continue ;; esac
		case " $queue " in *" $r "*) continue ;; esac
		case " ${TESTS:-$files units} " in *" $r "* | *" ${r%#*} "*) queue="$queue $r" ;; esac
	done
done

# procs RUNNER: the processes started under RUNNER, in its session or in
# one of their own: those whose environment has RUNNER's PDC_RUNNER, and
# those with a file or their directory in the worlds its suites made
# (setup_suite.bash names them in RUNNER.dirs).  pdc-worker and PostgreSQL
# write their process titles over their environment, but an autostarted
# worker logs into its world, and a server runs in its data directory.
procs() {
	{
		grep -l -s -F -x -z "PDC_RUNNER=$1" /proc/[0-9]*/environ 2>/dev/null
		[ ! -f "$1.dirs" ] || while IFS= read -r d; do
			case "$d" in /?*/?*) ;; *) continue ;; esac
			find /proc/[0-9]*/cwd /proc/[0-9]*/fd -maxdepth 1 \( -lname "$d" -o -lname "$d/*" \) 2>/dev/null
		done <"$1.dirs"
	} | sed -n 's,^/proc/\([0-9]*\)/.*,\1,p' | sort -un
}

# alive PID...: whether any of them runs (a zombie does not)
alive() {
	ps -o stat= -p "$(echo $* | tr ' ' ,)" 2>/dev/null | grep -q -v '^Z'
}

# reap RUNNER: end everything RUNNER left running and remove the worlds its
# suites made; print what was still running outside its process group.
reap() {
	[ -s "$1.pid" ] && kill -s KILL -- "-$(cat "$1.pid")" 2>/dev/null
	# its clusters first, by an immediate shutdown, which removes their
	# shared memory as a SIGKILL would not
	pms=""
	[ ! -f "$1.dirs" ] || for f in $(while IFS= read -r d; do
		case "$d" in /?*/?*) [ -d "$d" ] && find "$d" -name postmaster.pid 2>/dev/null ;; esac
	done <"$1.dirs"); do
		p=$(head -n 1 "$f" 2>/dev/null)
		case "$p" in '' | *[!0-9]*) continue ;; esac
		kill -s QUIT "$p" 2>/dev/null && pms="$pms $p"
	done
	i=0
	while [ "$i" -lt 100 ] && [ -n "$pms" ] && alive $pms; do
		sleep 0.1
		i=$((i + 1))
	done
	pids=$(procs "$1")
	if [ -n "$pids" ]; then
		ps -o pid=,args= -p "$(echo $pids | tr ' ' ,)" 2>/dev/null | cut -c 1-160
		kill -s KILL $pids 2>/dev/null
		i=0
		while [ "$i" -lt 100 ] && [ -n "$(procs "$1")" ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
	[ ! -f "$1.dirs" ] || while IFS= read -r d; do
		case "$d" in /?*/?*) rm -rf "$d" ;; esac
	done <"$1.dirs"
}

# stop: on SIGINT or SIGTERM, the lanes and every runner they started
stop() {
	trap - INT TERM
	kill $lanes 2>/dev/null
	for f in "$tmp"/*.started; do
		[ -f "$f" ] && reap "${f%.started}" >/dev/null
	done
}

# run_one NAME: run a runner in a session of its own, kill it with all it
# started if it outlives the limit, and count its TAP.
run_one() {
	r="$tmp/$1"
	out="$r.tap"
	: >"$out"
	start=$(date +%s)
	: >"$r.started"
	# setsid: this background job is no group leader, so setsid makes the
	# runner itself the leader of a new session and group (no fork)
	PDC_RUNNER=$r setsid sh "$self" --runner "$1" </dev/null >/dev/null 2>&1 &
	pid=$!
	echo "$pid" >"$r.pid"
	late=""
	while [ ! -f "$r.rc" ]; do
		if [ $(($(date +%s) - start)) -ge "$limit" ]; then
			late=1
			break
		fi
		sleep 0.5
	done
	if [ -n "$late" ]; then
		# what it was doing: the TAP so far, and the running test's output
		{
			echo "# $1: timed out after $limit s (TEST_RUNNER_LIMIT), killed with all it started"
			echo "# $1: its last lines:"
			tail -n 10 "$out" | cut -c 1-200 | sed 's/^/#   /'
			if [ -f "$r.dirs" ]; then
				o=$(while IFS= read -r d; do
					ls -t "$d"/bats.*.out 2>/dev/null
				done <"$r.dirs" | head -n 1)
				if [ -n "$o" ]; then
					echo "# $1: the running test's last output:"
					tail -n 15 "$o" | cut -c 1-200 | sed 's/^/#   /'
				fi
			fi
		} >"$r.late"
		left=$(reap "$r")
		wait "$pid" 2>/dev/null
		[ -z "$left" ] || echo "# $1: killed outside its group:$(echo "$left" | sed 's/^ */ /' | paste -sd ';' -)" >>"$r.late"
		rc=124
	else
		wait "$pid" 2>/dev/null
		rc=$(cat "$r.rc")
		left=$(reap "$r")
		[ -z "$left" ] || echo "# $1 left running, now killed:$(echo "$left" | sed 's/^ */ /' | paste -sd ';' -)" >>"$out"
	fi
	case "$1" in
	units)
		for t in "$BUILD"/tests/t_*; do
			[ -x "$t" ] || continue
			grep -q -x "# unit: $(basename "$t")" "$out" ||
			    echo "not ok - $(basename "$t") did not finish in the runner's time limit" >>"$out"
		done
		;;
	*#*) tap_check "$out" "$1" "$rc" "$(wc -l <"$r.names")" ;;
	*) tap_check "$out" "$1" "$rc" ;;
	esac
	secs=$(($(date +%s) - start))
	echo "$secs" >"$r.secs"
	if [ -n "$late" ]; then
		cat "$r.late" >>"$out"
		# one write, small: lines of other lanes do not mix into it
		cat "$r.late"
	fi
	# one short write: lines of lanes finishing together do not mix
	echo "# done: $1: $(grep -c '^ok ' "$out") ok, $(grep -c '^not ok ' "$out") not ok, $secs s${late:+, timed out}"
}

lane() {
	for name in $queue; do
		mkdir "$tmp/claim.$name" 2>/dev/null || continue
		run_one "$name"
	done
}

echo "# $(echo $queue | wc -w) runners in $jobs lanes:$queue"
began=$(date +%s)
lanes=""
i=0
while [ "$i" -lt "$jobs" ]; do
	lane &
	lanes="$lanes $!"
	i=$((i + 1))
done
wait
wall=$(($(date +%s) - began))

: >"$tmp/all"
for name in $all; do
	[ -f "$tmp/$name.tap" ] || continue
	echo "# $name"
	cat "$tmp/$name.tap"
	cat "$tmp/$name.tap" >>"$tmp/all"
done

# Under make sanitize every process writes its sanitizer reports into one
# directory, whoever started it and wherever its stderr went: any report
# there fails the run, even from a process whose exit nobody checked.
if [ -n "${SANITIZER_REPORTS:-}" ]; then
	reports=$(find "$SANITIZER_REPORTS" -type f -size +0 2>/dev/null | sort)
	if [ -n "$reports" ]; then
		for r in $reports; do
			echo "# sanitizer report $r:"
			sed 's/^/#   /' "$r" | head -n 60
		done
		echo "not ok - sanitizer reports: $(echo "$reports" | wc -l) (in $SANITIZER_REPORTS)" |
		    tee -a "$tmp/all"
	else
		echo "ok - no sanitizer report from any process" | tee -a "$tmp/all"
	fi
fi

# Where the time went: the wall clock against the runners' own times and the
# tests' (bats --timing), so a run on a busy machine can be read.
runners=$(cat "$tmp"/*.secs 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
tests_s=$(sed -n -E 's/^(not )?ok .* in ([0-9]+)ms( # .*)?$/\2/p' "$tmp/all" |
    awk '{ s += $1 } END { printf "%d", s / 1000 }')
echo "# time: $wall s wall in $jobs lanes; $runners s summed over runners; $tests_s s summed over bats tests"
echo "# slowest runners: $(for f in "$tmp"/*.secs; do
	[ -f "$f" ] && echo "$(cat "$f") $(basename "$f" .secs)"
done | sort -rn | head -n 6 | awk '{ printf "%s%s %d s", (NR > 1 ? ", " : ""), $2, $1 }')"
for f in "$tmp"/*.late; do
	[ -f "$f" ] && echo "# timed out (TEST_RUNNER_LIMIT=$limit s): $(basename "$f" .late)"
done

# A skipped test is not a passed one: TAP marks it "# skip" (bats) or "# SKIP".
skip_re='^ok .*# [Ss][Kk][Ii][Pp]'
passed=$(grep '^ok ' "$tmp/all" | grep -vc "$skip_re")
failed=$(grep -c '^not ok ' "$tmp/all")
skipped=$(grep -c "$skip_re" "$tmp/all")
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || status=1
# the skipped ones, with their reasons, on the line before the last
if [ "$skipped" -gt 0 ]; then
	echo "skipped: $skipped: $(grep "$skip_re" "$tmp/all" |
	    sed -E 's/^ok [0-9]+ (- )?//; s/ in [0-9]+ms( # )/\1/; s/ # [Ss][Kk][Ii][Pp] ?/ (/; s/$/)/' |
	    paste -sd ';' - | sed 's/;/; /g')"
fi
echo "$passed passed, $failed failed"
exit $status
