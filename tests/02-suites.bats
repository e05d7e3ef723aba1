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
