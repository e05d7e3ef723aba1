#!/bin/sh
# lint-bats.sh FILE... - report assertions joined by && in bats files.
#
# bats fails a test on a command that fails, except inside an && list, where
# only the last command counts: `[ "$a" -eq 1 ] && [ "$b" -eq 2 ]` passes
# whatever $a is.  This prints FILE:LINE: TEXT for every list whose members
# are all tests ([ ], [[ ]] or test) outside if, elif, while and until and
# without a || that would catch it, and exits 1 when it found one.  Lines
# ending in && or \ are read with the next one.
awk '
function report(text) {
	printf "%s:%d: %s\n", file, start, text
	bad = 1
}
function is_test(s) {
	sub(/^[ \t]*!?[ \t]*/, "", s)
	sub(/[ \t]*$/, "", s)
	return s ~ /^\[\[? .*\]\]?$/ || s ~ /^test /
}
function check(line,    n, parts, i, s) {
	s = line
	sub(/^[ \t]*/, "", s)
	if (s ~ /^(if|elif|while|until)[ \t]/ || s ~ /^#/ || index(s, "||") > 0 || index(s, "&&") == 0)
		return
	n = split(s, parts, /&&/)
	for (i = 1; i <= n; i++)
		if (!is_test(parts[i]))
			return
	report(s)
}
FNR == 1 { file = FILENAME; held = "" }
{
	if (held == "")
		start = FNR
	line = held $0
	if (line ~ /(&&|\\)[ \t]*$/) {
		sub(/\\[ \t]*$/, "", line)
		held = line " "
		next
	}
	held = ""
	check(line)
}
END { exit bad }
' "$@"
