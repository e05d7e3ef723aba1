#!/bin/sh
# run.sh - run every test (C unit tests, then the bats suites) and end with
# one line "N passed, N failed".  Exit status 0 only when nothing failed.
# Set BUILD to use another build directory (the sanitizer build).
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
export BUILD
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
status=0

# Each runner prints TAP; a runner that dies without a plan counts as a failure.
for t in "$BUILD"/tests/t_*; do
	[ -x "$t" ] || continue
	echo "# unit: $(basename "$t")"
	"$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	cat "$out" >>"$out.all"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; then
		echo "not ok - $(basename "$t") exited with status $rc"
		echo "not ok - $(basename "$t") exited with status $rc" >>"$out.all"
	fi
done

if ls tests/*.bats >/dev/null 2>&1; then
	bats --tap tests/ >"$out" 2>&1
	rc=$?
	cat "$out"
	cat "$out" >>"$out.all"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; then
		echo "not ok - bats exited with status $rc"
		echo "not ok - bats exited with status $rc" >>"$out.all"
	fi
fi

passed=$(grep -c '^ok ' "$out.all" 2>/dev/null)
failed=$(grep -c '^not ok ' "$out.all" 2>/dev/null)
rm -f "$out.all"
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
