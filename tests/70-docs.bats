#!/usr/bin/env bats
# The manual: every page mandoc-clean, every program's options the same in its
# man page, its usage text, its getopt_long table, what it accepts and what
# the bash, zsh and fish completions offer, and `make install` putting the
# pages where man(1) finds them.

load test_helper

PAGES="pdc.7 pdc.conf.5 pdc-search.1 pdc-enqueue.1 pdc-worker.1 pdc-status.1 pdc-stats.1 pdc-show.1 pdc-export.1 pdc-changes.1 pdc-db.1"

# man_options PROG: one line per option in the OPTIONS section of PROG's man
# page, "LONG SHORT ARG" ("-" for a missing form; ARG yes when an .Ar follows),
# sorted.  Read from the mdoc source: `.It Fl l , Fl \-limit Ar N`.
man_options() {
	awk '
	/^\.Sh / { inopts = ($0 == ".Sh OPTIONS"); next }
	inopts && /^\.It / {
		long = "-"; short = "-"; arg = "no"
		for (i = 2; i <= NF; i++) {
			if ($i == "Ar")
				arg = "yes"
			if ($i != "Fl" || i == NF)
				continue
			t = $(i + 1)
			sub(/^\\/, "", t)
			if (t ~ /^-[A-Za-z0-9][A-Za-z0-9-]*$/)
				long = substr(t, 2)
			else if (t ~ /^[A-Za-z0-9]$/)
				short = t
		}
		if (long != "-" || short != "-")
			print long, short, arg
	}' "$TOP/man/$1.1" | LC_ALL=C sort
}

# src_options PROG: the same lines from the getopt_long table and the option
# string in cmd/PROG.c, the truth about what the program accepts.
src_options() {
	local src="$TOP/cmd/$1.c" optstring
	optstring=$(sed -nE 's/.*getopt_long\(argc, argv, "([^"]*)".*/\1/p' "$src")
	[ -n "$optstring" ] || { echo "no getopt_long option string in $src" >&2; return 1; }
	sed -nE "s/.*\{ *\"([A-Za-z0-9-]+)\", *(no|required|optional)_argument, *NULL, *'(.)' *\}.*/\1 \3 \2/p" "$src" |
	awk -v os="$optstring" '
	{
		short = index(os, $2) ? $2 : "-"
		arg = $3 == "required" ? "yes" : $3 == "no" ? "no" : "optional"
		print $1, short, arg
		paired[$2] = 1
	}
	END {
		# short options without a long name
		for (i = 1; i <= length(os); i++) {
			c = substr(os, i, 1)
			if (c == ":" || (c in paired))
				continue
			print "-", c, (substr(os, i + 1, 1) == ":" ? "yes" : "no")
		}
	}' | LC_ALL=C sort
}

# usage_options PROG: the options named in PROG --help, as long names (a
# short option stands for its long name), sorted and unique.
usage_options() {
	local text
	text=$("$1" --help) || return 1
	{
		printf '%s\n' "$text" | grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' | sed 's/^--//'
		printf '%s\n' "$text" | grep -oE -- '(^|[^A-Za-z0-9-])-[A-Za-z0-9]([^A-Za-z0-9-]|$)' |
		    grep -oE -- '-[A-Za-z0-9]' | sed 's/^-//' | while read -r s; do
			man_options "$1" | awk -v s="$s" '$2 == s { print ($1 == "-" ? "-" s : $1); found = 1 }
			    END { if (!found) print "-" s }'
		done
	} | LC_ALL=C sort -u
}

# probe PROG OPTION [ARG]: run PROG with the option and a made-up option after
# it, so that nothing ever runs: a program that accepts OPTION goes on to
# refuse the made-up one and exits 64 (or 0, for --help and --version).  The
# caller then looks at what getopt said about OPTION.
probe() {
	run "$@" --zz-no-such-option-zz
	if [ "$status" -gt 128 ]; then
		echo "$* crashed with status $status: $output" >&2
		return 1
	fi
	if [ "$status" -ne 0 ] && [ "$status" -ne 64 ]; then
		echo "$* --zz-no-such-option-zz exited $status, expected 0 or 64: $output" >&2
		return 1
	fi
}

check_options() {
	export LC_ALL=C
	local p=$1 man src usage want long short arg a
	[ -f "$TOP/man/$p.1" ] || { echo "no man page man/$p.1" >&2; return 1; }
	man=$(man_options "$p")
	src=$(src_options "$p")
	[ -n "$man" ] || { echo "man/$p.1 has no options in its OPTIONS section" >&2; return 1; }
	echo "# man/$p.1 OPTIONS against the getopt_long table of cmd/$p.c (long short takes-argument):"
	assert_equal "$man" "$src"

	# The usage text names every option but --help and --version.
	run_pdc 0 "$p" --help
	assert_line --index 0 --regexp "^usage: $p "
	usage=$(usage_options "$p")
	want=$(printf '%s\n' "$man" | awk '$1 != "help" && $1 != "version" { print ($1 == "-" ? "-" $2 : $1) }' |
	    LC_ALL=C sort -u)
	echo "# options in $p --help against man/$p.1 (less help and version):"
	assert_equal "$usage" "$want"
	printf '%s\n' "$man" | grep -qx 'help h no' || { echo "man/$p.1: no -h, --help" >&2; return 1; }
	printf '%s\n' "$man" | grep -qx 'version - no' || { echo "man/$p.1: no --version" >&2; return 1; }

	# The program itself accepts every documented option, long and short.
	while read -r long short arg; do
		a=()
		[ "$arg" = yes ] && a=(1)
		if [ "$long" != "-" ]; then
			probe "$p" "--$long" "${a[@]}"
			refute_output --partial "unrecognized option '--$long'"
			refute_output --partial "option '--$long' doesn't allow"
		fi
		if [ "$short" != "-" ]; then
			probe "$p" "-$short" "${a[@]}"
			refute_output --partial "invalid option -- '$short'"
		fi
	done <<<"$man"

	# ... and refuses what nobody documented.
	run_pdc 64 "$p" --zz-no-such-option-zz
	assert_output --partial "unrecognized option '--zz-no-such-option-zz'"
	for short in Q X Y Z q x y z; do
		printf '%s\n' "$src" | awk '{ print $2 }' | grep -qx "$short" && continue
		run_pdc 64 "$p" "-$short"
		assert_output --partial "invalid option -- '$short'"
		break
	done
}

# What each shell's completion offers for PROG and a word: the candidates,
# one per line, sorted.  bash: the function with COMP_WORDS set; zsh: TAB in
# an interactive zsh on a pseudo-terminal (tests/zcomplete.zsh); fish:
# complete -C.  LINE is the command line up to the cursor.
complete_bash() {
	local line=$1
	bash --norc --noprofile -c '
		source "$1/completions/pdc.bash" || exit 1
		read -ra COMP_WORDS <<<"$2"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		_pdc "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$TOP" "$line" | sed '/^$/d' | LC_ALL=C sort -u
}

complete_zsh() {
	zsh -f "$TOP/tests/zcomplete.zsh" "$TOP/completions" "$1" | LC_ALL=C sort -u
}

complete_fish() {
	HOME="$BATS_TEST_TMPDIR" fish --no-config -c 'source $argv[1]/completions/pdc.fish; complete -C$argv[2]' \
	    "$TOP" "$1" | cut -f1 | LC_ALL=C sort -u
}

# src_flags PROG: every option PROG accepts as it is typed, "--long" and "-s".
src_flags() {
	src_options "$1" | awk '$1 != "-" { print "--" $1 } $2 != "-" { print "-" $2 }' | LC_ALL=C sort -u
}

# check_completions PROG: each shell offers PROG's options, all and only those.
check_completions() {
	local p=$1 want sh
	want=$(src_flags "$p")
	for sh in bash zsh fish; do
		echo "# $sh completion of \"$p -\" against the options of cmd/$p.c:"
		assert_equal "$(complete_$sh "$p -")" "$want"
	done
}

@test "every man page is mandoc -Tlint clean" {
	local f
	for f in $PAGES; do
		[ -f "$TOP/man/$f" ] || { echo "missing man/$f" >&2; return 1; }
		run mandoc -Tlint -W warning "$TOP/man/$f"
		echo "# $f"
		assert_success
		assert_output ""
	done
}

@test "every page has the sections a page of its kind needs" {
	local f s
	for f in $PAGES; do
		for s in NAME DESCRIPTION "SEE ALSO"; do
			grep -qx ".Sh $s" "$TOP/man/$f" || { echo "man/$f has no $s" >&2; return 1; }
		done
	done
	for f in pdc-search pdc-enqueue pdc-worker pdc-status pdc-stats pdc-show pdc-export pdc-changes pdc-db; do
		for s in SYNOPSIS OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
			grep -qx ".Sh $s" "$TOP/man/$f.1" || { echo "man/$f.1 has no $s" >&2; return 1; }
		done
	done
}

@test "pdc-search: man page, usage text and program agree on the options" {
	check_options pdc-search
}

@test "pdc-search: bash, zsh and fish complete exactly the options it accepts" {
	check_completions pdc-search
}

@test "pdc-enqueue: man page, usage text and program agree on the options" {
	check_options pdc-enqueue
}

@test "pdc-enqueue: bash, zsh and fish complete exactly the options it accepts" {
	check_completions pdc-enqueue
}

@test "pdc-worker: man page, usage text and program agree on the options" {
	check_options pdc-worker
}

@test "pdc-worker: bash, zsh and fish complete exactly the options it accepts" {
	check_completions pdc-worker
}

@test "pdc-status: man page, usage text and program agree on the options" {
	check_options pdc-status
}

@test "pdc-status: bash, zsh and fish complete exactly the options it accepts" {
	check_completions pdc-status
}

@test "pdc-stats: man page, usage text and program agree on the options" {
	check_options pdc-stats
}

@test "pdc-stats: bash, zsh and fish complete exactly the options it accepts" {
	check_completions pdc-stats
}

@test "pdc-db: man page, usage text and program agree on the options" {
	check_options pdc-db
}

@test "pdc-db: bash, zsh and fish complete exactly the options it accepts" {
	check_completions pdc-db
}

@test "make install puts the man pages where man finds them, and uninstall removes them" {
	local d="$BATS_TEST_TMPDIR/root" mp f s
	run make -s -C "$TOP" BUILD="$BUILD" install DESTDIR="$d" PREFIX=/opt/pdc
	assert_success
	mp="$d/opt/pdc/share/man"
	for f in $PAGES; do
		s=${f##*.}
		[ -f "$mp/man$s/$f" ] || { echo "not installed: $mp/man$s/$f" >&2; return 1; }
		cmp "$TOP/man/$f" "$mp/man$s/$f"
	done
	if command -v man >/dev/null 2>&1; then
		run man -M "$mp" -w pdc-worker
		assert_success
		assert_output "$mp/man1/pdc-worker.1"
		run man -M "$mp" -w 5 pdc.conf
		assert_output "$mp/man5/pdc.conf.5"
		run man -M "$mp" -w 7 pdc
		assert_output "$mp/man7/pdc.7"
	fi
	run make -s -C "$TOP" BUILD="$BUILD" uninstall DESTDIR="$d" PREFIX=/opt/pdc
	assert_success
	for f in $PAGES; do
		s=${f##*.}
		[ ! -e "$mp/man$s/$f" ] || { echo "left behind: $mp/man$s/$f" >&2; return 1; }
	done
}

@test "pdc-show: man page, usage text and program agree on the options" {
	check_options pdc-show
}

@test "pdc-show: bash, zsh and fish complete exactly the options it accepts" {
	check_completions pdc-show
}

@test "pdc-export: man page, usage text and program agree on the options" {
	check_options pdc-export
}

@test "pdc-export: bash, zsh and fish complete exactly the options it accepts" {
	check_completions pdc-export
}

@test "pdc-changes: man page, usage text and program agree on the options" {
	check_options pdc-changes
}

@test "pdc-changes: bash, zsh and fish complete exactly the options it accepts" {
	check_completions pdc-changes
}
