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
	bats --tap --timing tests/ >"$out" 2>&1
	rc=$?
	cat "$out"
	cat "$out" >>"$out.all"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; then
		echo "not ok - bats exited with status $rc"
		echo "not ok - bats exited with status $rc" >>"$out.all"
	fi
fi

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
		    tee -a "$out.all"
	else
		echo "ok - no sanitizer report from any process" | tee -a "$out.all"
	fi
fi

# A skipped test is not a passed one: TAP marks it "# skip" (bats) or "# SKIP".
skip_re='^ok .*# [Ss][Kk][Ii][Pp]'
passed=$(grep '^ok ' "$out.all" 2>/dev/null | grep -vc "$skip_re")
failed=$(grep -c '^not ok ' "$out.all" 2>/dev/null)
skipped=$(grep -c "$skip_re" "$out.all" 2>/dev/null)
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || status=1
# the skipped ones, with their reasons, on the line before the last
if [ "$skipped" -gt 0 ]; then
	echo "skipped: $skipped: $(grep "$skip_re" "$out.all" |
	    sed -E 's/^ok [0-9]+ (- )?//; s/ # [Ss][Kk][Ii][Pp] ?/ (/; s/$/)/' | paste -sd ';' - | sed 's/;/; /g')"
fi
rm -f "$out.all"
echo "$passed passed, $failed failed"
exit $status
