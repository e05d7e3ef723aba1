#!/usr/bin/env bats
# The programs are option parsing and output over the library (DESIGN.md):
# no libpq in cmd/, no SQL text, and the connection opaque to them, so that
# what a second program could use stays in lib/ where it can.

load test_helper

# string_literals FILE: the C string literals of FILE, one a line, comments
# and character constants left out (a '"' would pair the wrong quotes).
string_literals() {
	sed -e "s/'\\\\.'//g" -e "s/'[^'\\\\]'//g" "$1" |
	    awk '
	    # drop /* */ comments, across lines, then // ones
	    { line = $0
	      while (1) {
		if (incom) { e = index(line, "*/"); if (!e) { line = ""; break } line = substr(line, e + 2); incom = 0 }
		s = index(line, "/*"); if (!s) break
		out = out substr(line, 1, s - 1); line = substr(line, s + 2); incom = 1
	      }
	      print out line; out = "" }' |
	    grep -o '"\([^"\\]\|\\.\)*"'
}

@test "no program calls libpq or includes its header" {
	run grep -nE '\bPQ[a-zA-Z]+|\bPG(conn|result|notify)\b|libpq-fe\.h|db_int\.h|migrate\.h|->pg\b|struct pdc_stmt' cmd/*.c
	assert_failure 1
	assert_output ''
}

@test "no program holds SQL: the library runs every statement" {
	local f hits=""
	for f in cmd/*.c; do
		hits+=$(string_literals "$f" | grep -nE '\b(SELECT|INSERT|UPDATE|DELETE|LISTEN|NOTIFY|UNLISTEN|BEGIN|COMMIT|ROLLBACK|CREATE|ALTER|DROP|TRUNCATE|COPY|VACUUM|GRANT)\b' | sed "s|^|$f: |")
	done
	assert_equal "$hits" ''
	run grep -nE '\bpdc_db_(exec|run|runv|do|send|start|wait)\b' cmd/*.c
	assert_failure 1
}

@test "the check sees SQL and libpq where they are" {
	local f="$BATS_TEST_TMPDIR/p.c"
	printf '%s\n' '/* SELECT in a comment is fine */' 'static const char *q = "SELECT 1";' \
	    'char c = '"'\"'"'; const char *s = "no sql here";' >"$f"
	run string_literals "$f"
	assert_output $'"SELECT 1"\n"no sql here"'
}

@test "struct pdc_conn is opaque outside lib/" {
	run grep -n 'struct pdc_conn {' lib/*.h
	assert_output --regexp '^lib/db_int\.h:'
	assert_equal "${#lines[@]}" 1
}
