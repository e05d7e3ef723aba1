#!/usr/bin/env bats
# The examples in the manual and the README's tour, run against countyd, so
# that they stay true.
#
# The convention, in the EXAMPLES section of a man page (each .Bd -literal
# block) and in the README's tour (its ``` block): a line "$ command" is run;
# it must exit 0, or N when the line ends in a comment "# exit N", or, when
# it ends in "# until interrupted", run three seconds and stop on SIGINT.  The lines
# after it, up to the next "$", are what it prints (standard output and error,
# as on a terminal): each must be among the lines it printed, but a line
# holding "..." stands for what was left out and is not checked, and any
# timestamp (2026-11-28T14:18:38Z), or a log line's process id, matches any
# other.  The commands of a page
# run in order in one shell, with the test suite's database and countyd and
# their output on a terminal (script(1)), NO_COLOR set, no pager; a command ending in
# "&" runs in the background, and one using $! in the shell that started it,
# their output not checked.

load test_helper

# examples FILE: the examples of a man page (mdoc source) or of the README's
# tour, one record per line: "C<TAB>exit<TAB>command" or "O<TAB>line".
examples() {
	awk '
	function emit(line) {
		if (line ~ /^\$ /) {
			cmd = substr(line, 3)
			want = 0
			if (match(cmd, /# exit [0-9]+/))
				want = substr(cmd, RSTART + 7, RLENGTH - 7) + 0
			if (cmd ~ /# until interrupted/)
				want = 124
			printf "C\t%d\t%s\n", want, cmd
		} else if (line != "") {
			printf "O\t%s\n", line
		}
	}
	FILENAME ~ /\.md$/ {
		if ($0 ~ /^## /) { tour = ($0 ~ /^## A five-minute tour/); next }
		if (tour && /^```/) { inblock = !inblock; next }
		if (tour && inblock)
			emit($0)
		next
	}
	/^\.Sh / { inex = ($0 == ".Sh EXAMPLES"); next }
	inex && /^\.Bd -literal/ { inblock = 1; next }
	inex && /^\.Ed/ { inblock = 0; next }
	inex && inblock {
		line = $0
		gsub(/\\-/, "-", line)
		gsub(/\\\(aq/, "\047", line)
		gsub(/\\&/, "", line)
		gsub(/\\e/, "\\", line)
		emit(line)
	}' "$1"
}

# Timestamps and process ids vary from run to run; jq colours a terminal
# whatever NO_COLOR says.
normalize() {
	sed -E 's/\r$//; s/.*\r//; s/\x1b\[K//g; s/\x1b\[[0-9;]*m//g; s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/<time>/g; s/^(<time> pdc-[a-z]+)\[[0-9]+\]/\1[<pid>]/'
}

# run_examples FILE: run FILE's examples as the convention says.
run_examples() {
	local file=$1 dir="$BATS_TEST_TMPDIR/ex" script rec kind want cmd n=0 ncmd=0
	mkdir -p "$dir/cwd"
	script="$dir/run.sh"
	{
		echo 'cd "$EXDIR/cwd" || exit 1'
		echo 'export SHELL=/bin/bash NO_COLOR=1 PAGER=cat PSQL_PAGER=cat'
		# an example that fails leaves no background one running, holding the TAP output
		echo 'trap '"'"'kill $(jobs -p) 2>/dev/null'"'"' EXIT'
	} >"$script"
	while IFS= read -r rec; do
		kind=${rec%%$'\t'*}
		rec=${rec#*$'\t'}
		if [ "$kind" = O ]; then
			printf '%s\n' "$rec" >>"$dir/want.$n"
			continue
		fi
		want=${rec%%$'\t'*}
		cmd=${rec#*$'\t'}
		n=$((n + 1))
		ncmd=$((ncmd + 1))
		: >"$dir/want.$n"
		# In the background, or about what is (kill $!): the runner's own shell.
		if [[ "$cmd" =~ \&[[:space:]]*$ || "$cmd" == *'$!'* ]]; then
			printf '{ %s\n} >"$EXDIR/out.%d" 2>&1\n' "$cmd" "$n" >>"$script"
			continue
		fi
		# Until interrupted: three seconds of it, then SIGINT (124, as timeout says).
		if [[ "$cmd" == *'# until interrupted'* ]]; then
			cmd="bash $(printf '%q' "$TOP/tests/interrupt.sh") 3 $(printf '%q' "$cmd")"
		fi
		printf 'script -qec %q "$EXDIR/out.%d" >/dev/null </dev/null\n' "$cmd" "$n" >>"$script"
		printf 'st=$?; [ "$st" = %d ] || { echo "example %q exited $st, expected %d:"; cat "$EXDIR/out.%d"; exit 1; } >&2\n' \
		    "$want" "$cmd" "$want" "$n" >>"$script"
	done < <(examples "$file")
	echo 'wait' >>"$script"
	[ "$ncmd" -gt 0 ] || { echo "$file has no examples" >&2; return 1; }
	echo "# $ncmd commands from ${file#$TOP/}"
	EXDIR=$dir run bash "$script"
	[ "$status" -le 128 ] || { echo "crashed: $output" >&2; return 1; }
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	local i line
	for ((i = 1; i <= n; i++)); do
		[ -s "$dir/want.$i" ] || continue
		while IFS= read -r line; do
			[[ "$line" == *...* ]] && continue
			line=$(printf '%s\n' "$line" | normalize)
			normalize <"$dir/out.$i" | grep -Fxq -- "$line" || {
				echo "example $i of ${file#$TOP/} did not print: $line" >&2
				echo "it printed:" >&2
				tr -d '\r' <"$dir/out.$i" >&2
				return 1
			}
		done <"$dir/want.$i"
	done
}

setup() {
	db_reset
}

@test "the examples follow the convention: every page has some, each a command" {
	local f
	for f in "$TOP"/man/pdc-*.1 "$TOP/README.md"; do
		run examples "$f"
		assert_success
		assert_line --regexp '^C	[0-9]+	pdc-'
	done
}

@test "pdc-search(1) EXAMPLES" {
	run_examples "$TOP/man/pdc-search.1"
}

@test "pdc-enqueue(1) EXAMPLES" {
	run_examples "$TOP/man/pdc-enqueue.1"
}

@test "pdc-worker(1) EXAMPLES" {
	run_examples "$TOP/man/pdc-worker.1"
}

@test "pdc-status(1) EXAMPLES" {
	run_examples "$TOP/man/pdc-status.1"
}

@test "pdc-stats(1) EXAMPLES" {
	run_examples "$TOP/man/pdc-stats.1"
}

@test "pdc-show(1) EXAMPLES" {
	run_examples "$TOP/man/pdc-show.1"
}

@test "pdc-export(1) EXAMPLES" {
	run_examples "$TOP/man/pdc-export.1"
}

@test "pdc-changes(1) EXAMPLES" {
	run_examples "$TOP/man/pdc-changes.1"
}

@test "pdc-db(1) EXAMPLES" {
	run_examples "$TOP/man/pdc-db.1"
}

@test "the README's tour, against the demo's county" {
	start_countyd demo -n 5000 -s 42
	write_config "$BATS_TEST_TMPDIR/demo.json" "$COUNTYD_URL"
	export PDC_CONFIG="$BATS_TEST_TMPDIR/demo.json"
	run_examples "$TOP/README.md"
	kill "$COUNTYD_PID"
}
