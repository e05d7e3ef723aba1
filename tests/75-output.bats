#!/usr/bin/env bats
# Output, the same in every program that prints rows: an aligned table with a
# header on a terminal (state words in colour unless NO_COLOR), TSV without a
# header in a pipe, --header for TSV, JSON Lines with --json.  Programs run
# under script(1) get a pseudo-terminal for stdout; under bats' run they write
# to a pipe.

load test_helper

setup() {
	db_reset
}

# on_tty CMD [ARGS...]: run CMD with its output on a pseudo-terminal; $output
# without the terminal's carriage returns, $status CMD's exit status.
on_tty() {
	local cmd
	cmd=$(printf '%q ' "$@")
	run env SHELL=/bin/bash script -qec "$cmd" /dev/null </dev/null
	output=${output//$'\r'/}
	lines=()
	mapfile -t lines <<<"$output"
	[ "$status" -le 128 ] || { echo "$1 crashed with status $status: $output" >&2; return 1; }
}

ESC=$'\e'

# json_lines: check that $output is JSON Lines: every line one object.
json_lines() {
	local n
	[ -n "$output" ] || { echo "no JSON at all" >&2; return 1; }
	n=$(printf '%s\n' "$output" | wc -l)
	printf '%s\n' "$output" | jq -e -s --argjson n "$n" 'length == $n and all(type == "object")' >/dev/null ||
	    { echo "not one JSON object per line: $output" >&2; return 1; }
}

# same_rows KEYS CMD...: CMD in a pipe prints TSV without a header, with
# --header the names first and then the same rows, with --json objects with
# exactly KEYS (space-separated, in order) whose values are those rows (jq's
# @tsv escapes the way pdc does; null is an empty cell).  CMD must not change
# anything.
same_rows() {
	local keys=$1 tsv want
	shift
	run_pdc "${EXPECT:-0}" "$@"
	tsv=$output
	[ -n "$tsv" ] || { echo "$* printed nothing" >&2; return 1; }
	[[ "$tsv" != "${keys// /$'\t'}"* ]] || { echo "$* printed a header into a pipe" >&2; return 1; }
	run_pdc "${EXPECT:-0}" "$@" --header
	assert_equal "${lines[0]}" "${keys// /$'\t'}"
	assert_equal "$(printf '%s\n' "$output" | tail -n +2)" "$tsv"
	run_pdc "${EXPECT:-0}" "$@" --json
	json_lines
	want=$(jq -cn --arg k "$keys" '$k | split(" ")')
	printf '%s\n' "$output" | jq -e --argjson want "$want" '(keys_unsorted == $want)' >/dev/null ||
	    { echo "keys are not $keys: $output" >&2; return 1; }
	assert_equal "$(printf '%s\n' "$output" | jq -r '[.[] | if . == null then "" else tostring end] | @tsv')" "$tsv"
}

@test "pdc-search on a terminal: a header and columns that line up with the values" {
	local json row apn col name want pos line
	run_pdc 0 pdc-search --limit 6 --json SMITH
	json=$output
	on_tty pdc-search --limit 6 SMITH
	assert_equal "$status" 0
	assert_line --index 0 --regexp '^APN +OWNER +ADDRESS +CITY +ZIP +TYPE +STATUS$'
	assert_equal "${#lines[@]}" 7
	refute_output --partial "$ESC"		# "none" is not a word that is painted
	while read -r row; do
		apn=$(jq -r .apn <<<"$row")
		line=$(printf '%s\n' "${lines[@]}" | grep "^$apn ")
		for col in owner address city zip type status; do
			name=${col^^}
			pos=$(awk -v h="${lines[0]}" -v n="$name" 'BEGIN { print index(h, n) - 1 }')
			want=$(jq -r ".$col" <<<"$row")
			want=${want:0:28}
			assert_equal "${line:$pos:${#want}}" "$want"
		done
	done <<<"$json"
}

@test "state words in colour on a terminal; plain with NO_COLOR, and plain in a pipe" {
	local a b c
	read -r a b c < <(county_apns 3 | paste -sd' ')
	sql "INSERT INTO data_collection_status (apn, status, completed_at) VALUES ('$a', 'completed', localtimestamp)"
	sql "INSERT INTO data_collection_status (apn, status, error_message) VALUES ('$b', 'failed', 'assessor: parcel not found')"
	on_tty pdc-enqueue "$c"
	assert_equal "$status" 0
	assert_line --index 0 --regexp '^APN +RESULT$'
	assert_line --index 1 "$c  ${ESC}[32mqueued${ESC}[0m"

	on_tty pdc-status "$a" "$b" "$c"
	assert_equal "$status" 2
	assert_line --index 0 --regexp '^APN +STATUS +PRIORITY +ATTEMPTS +TIME +ERROR$'
	assert_output --partial "${ESC}[32mcomplete${ESC}[0m"
	assert_output --partial "${ESC}[31mfailed${ESC}[0m"
	assert_output --partial "${ESC}[33mpending${ESC}[0m"
	on_tty pdc-status
	assert_line --index 0 --regexp '^STATE +TOTAL +CRITICAL +HIGH +NORMAL +LOW$'
	assert_line --index 1 --regexp "^${ESC}\[33mpending${ESC}\[0m +1 +0 +0 +1 +0$"

	# no-color.org: set and not empty means no colour; the table stays.
	NO_COLOR=1 on_tty pdc-status "$a" "$b" "$c"
	assert_equal "$status" 2
	refute_output --partial "$ESC"
	assert_line --index 0 --regexp '^APN +STATUS'
	assert_line --regexp "^$b +failed +- +0 +- +assessor: parcel not found$"
	NO_COLOR=1 on_tty pdc-status
	refute_output --partial "$ESC"
	assert_line --index 1 --regexp '^pending +1 +0 +0 +1 +0$'
	NO_COLOR=1 on_tty pdc-stats
	refute_output --partial "$ESC"
	NO_COLOR= on_tty pdc-status "$b"
	assert_output --partial "${ESC}[31mfailed${ESC}[0m"

	run_pdc 2 pdc-status "$a" "$b" "$c"
	refute_output --partial "$ESC"
	refute_line --partial "STATUS"
	assert_line "$b	failed		0		assessor: parcel not found"
}

@test "pdc-search in a pipe: TSV, --header, and --json carry the same rows, the county's values" {
	local row apn truth
	same_rows "apn owner address city zip type status" pdc-search --limit 8 SMITH
	assert_equal "${#lines[@]}" 8
	while read -r row; do
		apn=$(jq -r .apn <<<"$row")
		truth=$(county "/_countyd/truth/$apn")
		jq -e --argjson t "$truth" '
			.owner == $t.properties.owner_name and .address == $t.search.situs_address and
			.city == $t.search.situs_city and .zip == $t.search.situs_zip and
			.type == $t.properties.property_type and .status == "none"' <<<"$row" >/dev/null ||
		    { echo "search row $row differs from the truth $truth" >&2; return 1; }
		[[ "$(jq -r .owner <<<"$row")" == *SMITH* ]]
	done <<<"$output"
}

# quiet CMD...: CMD without its standard error (the summary line, warnings).
quiet() {
	"$@" 2>/dev/null
}

@test "pdc-enqueue: one row per input in every format, the outcome the queue holds" {
	local a b c d
	read -r a b c d < <(county_apns 4 | paste -sd' ')
	run_pdc 0 quiet pdc-enqueue "$a"
	assert_output "$a	queued"
	run_pdc 0 quiet pdc-enqueue --header "$b"
	assert_output "apn	result
$b	queued"
	run_pdc 65 quiet pdc-enqueue --json -p high "$a" "$c" 12-3
	json_lines
	assert_equal "$(printf '%s\n' "$output" | jq -c .)" "{\"apn\":\"$a\",\"result\":\"raised\"}
{\"apn\":\"$c\",\"result\":\"queued\"}
{\"apn\":\"12-3\",\"result\":\"bad\"}"
	assert_equal "$(sql "SELECT apn || ' ' || priority FROM jobs WHERE state = 'pending' ORDER BY apn")" \
	    "$a 1
$b 2
$c 1"
	run_pdc 0 quiet pdc-enqueue --json "$d" </dev/null
	assert_output "{\"apn\":\"$d\",\"result\":\"queued\"}"
}

@test "pdc-status: per APN and summary rows the same in TSV, --header and --json, as the database says" {
	local a b c
	read -r a b c < <(county_apns 3 | paste -sd' ')
	run_pdc 0 pdc-enqueue -p critical "$a"
	run_pdc 0 pdc-enqueue -p low "$b"
	sql "INSERT INTO data_collection_status (apn, status, error_message) VALUES ('$c', 'failed', 'treasurer: a \"bad\" page')"
	EXPECT=2 same_rows "apn status priority attempts time error" pdc-status "$a" "$b" "$c"
	assert_equal "$(printf '%s\n' "$output" | jq -c '[.apn, .status, .priority, .attempts, .error]')" \
	    "[\"$a\",\"pending\",\"critical\",0,null]
[\"$b\",\"pending\",\"low\",0,null]
[\"$c\",\"failed\",null,0,\"treasurer: a \\\"bad\\\" page\"]"
	printf '%s\n' "$output" | jq -e -s 'map(select(.status == "pending") | .time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")) == [true, true]' >/dev/null

	# The summary: the state rows with --header, one JSON object with the counts.
	run_pdc 1 pdc-status --header
	assert_line --index 0 "state	total	critical	high	normal	low"
	assert_line --index 1 "pending	2	1	0	0	1"
	run_pdc 1 pdc-status
	refute_line --partial "state	total"
	assert_line --index 0 "pending	2	1	0	0	1"
	run_pdc 1 pdc-status --json
	json_lines
	assert_equal "$(printf '%s\n' "$output" | jq -c '[.pending.total, .pending.critical, .pending.low, .active.total, .completed.total, .failed.total, .cancelled.total, .workers_alive, .paused]')" \
	    "[$(sql "SELECT count(*) FROM jobs WHERE state = 'pending'"),1,1,0,0,0,0,0,false]"
}

@test "pdc-stats: name and value rows, --header, and --json with the same figures, the database's counts" {
	local a b
	read -r a b < <(county_apns 2 | paste -sd' ')
	run_pdc 0 pdc-enqueue "$a" "$b" 999-99-999
	run_pdc 0 pdc-worker -j 2 --drain
	run_pdc 0 pdc-stats
	assert_line --index 0 "completed	$(sql "SELECT count(*) FROM jobs WHERE state = 'completed'")"
	assert_line --index 1 "failed	$(sql "SELECT count(*) FROM jobs WHERE state = 'failed'")"
	assert_line --regexp '^success_rate	0\.66666'
	refute_output --partial "%"
	tsv=$output
	run_pdc 0 pdc-stats --header
	assert_line --index 0 "name	value"
	assert_equal "$(printf '%s\n' "$output" | tail -n +2)" "$tsv"
	run_pdc 0 pdc-stats --json
	json_lines
	echo "$output" | jq -e '.completed == 2 and .failed == 1 and (.success_rate * 3 | round) == 2' >/dev/null
	# Every TSV row is a key of the object with the same value (what the
	# terminal draws for people, sparkline, histogram and sources, is JSON's
	# alone in a pipe).
	assert_equal "$(echo "$output" | jq -r 'del(.completions_per_minute, .job_durations, .job_seconds_sum, .sources) | to_entries[] | [.key, (.value // "" | tostring)] | @tsv')" "$tsv"
	on_tty pdc-stats
	assert_line --index 0 --regexp '^NAME +VALUE$'
	assert_line --regexp '^success_rate +66\.7%$'
}

@test "pdc-show --json and pdc-db config --json: one object per line, the truth's values" {
	local a b
	read -r a b < <(county_apns 2 | paste -sd' ')
	run_pdc 0 pdc-worker --apn "$a"
	run_pdc 0 pdc-worker --apn "$b"
	run_pdc 0 pdc-show --json "$a" "$b"
	json_lines
	assert_equal "$(printf '%s\n' "$output" | jq -r .apn)" "$a
$b"
	printf '%s\n%s\n' "$a" "$b" | show_full >"$BATS_TEST_TMPDIR/shown"
	printf '%s\n%s\n' "$a" "$b" | truth_full >"$BATS_TEST_TMPDIR/truth"
	run records_agree "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	assert_success

	run_pdc 0 pdc-db config --json
	json_lines
	printf '%s\n' "$output" | jq -e -s 'all(keys == ["key", "origin", "value"])' >/dev/null
	assert_equal "$(printf '%s\n' "$output" | jq -c 'select(.key == "background_collection.max_concurrent_jobs") | [.value, .origin]')" \
	    "[$(jq .background_collection.max_concurrent_jobs "$PDC_CONFIG"),\"file\"]"
	printf '%s\n' "$output" | jq -e -s 'any(.key == "sources.assessor.token" and .value == "(set)")' >/dev/null
}
