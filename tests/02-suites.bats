#!/usr/bin/env bats
# The suites themselves: checks that cannot fail are mistakes a review missed.

load test_helper

@test "no suite joins assertions with && (bats would check only the last)" {
	run sh "$TOP/tests/lint-bats.sh" "$TOP"/tests/*.bats
	assert_success
	assert_output ""
}

@test "the && check finds joined tests, on one line or two, and lets conditions and actions pass" {
	run sh "$TOP/tests/lint-bats.sh" "$TOP/tests/fixtures/joined-assertions.txt"
	assert_failure 1
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --regexp ':2: \[ "\$a" -eq 1 \] && \[ "\$b" -eq 2 \]$'
	assert_line --index 1 --regexp ':3: \[\[ -f x \]\] &&'
	assert_line --index 2 --regexp ':5: ! \[ -e z \] && test -d w$'
}

@test "a runner past its time limit is killed with all it started, its world removed, its tests unreported failed" {
	# tests/fixtures/runner/hang.bats hangs in its second test
	local p="$BATS_TEST_TMPDIR/pids"
	mkdir -p "$p"
	# bats' own variables and its libexec directory (a bats there expects
	# them) left out, which would confuse the bats inside
	local keep=(PATH="$(echo "$PATH" | tr : '\n' | grep -v /libexec/bats | paste -sd : -)" HOME="$HOME" BUILD="$BUILD")
	# and the sanitizers' settings kept (their reports go where the run looks)
	local v
	for v in PDC_RUNNER ASAN_OPTIONS UBSAN_OPTIONS TMPDIR; do
		[ -z "${!v:-}" ] || keep+=("$v=${!v}")
	done
	run env -i "${keep[@]}" FIXTURE_PIDS="$p" TEST_DIR="$TOP/tests/fixtures/runner" TESTS=hang.bats TEST_RUNNER_LIMIT=30 \
		sh "$TOP/tests/run.sh"
	assert_failure 1
	assert_line "# hang.bats: timed out after 30 s (TEST_RUNNER_LIMIT), killed with all it started"
	assert_line --regexp '^ok 1 passes'
	assert_line "not ok - hang.bats: test 2 of 3 did not finish: the runner timed out"
	assert_line "not ok - hang.bats: test 3 of 3 did not finish: the runner timed out"
	# the running test's output, and who was killed outside the runner's group
	assert_line "#   hanging now"
	assert_line --regexp "^# hang.bats: killed outside its group:.* sleep 1000"
	assert_line "# timed out (TEST_RUNNER_LIMIT=30 s): hang.bats"
	assert_line "1 passed, 2 failed"
	# nothing it started still runs, and its world is gone
	local what
	for what in worker apart countyd postgres; do
		[ -s "$p/$what" ]
		# gone, or a zombie its new parent has yet to reap
		run ps -o stat= -p "$(cat "$p/$what")"
		[[ -z $output || $output == Z* ]]
	done
	[ ! -e "$(cat "$p/root")" ]
}
