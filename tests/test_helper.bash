# test_helper.bash - loaded by every suite.

load_lib() {
	local d
	for d in /usr/lib/bats /usr/lib/bats-core /usr/share/bats; do
		if [ -f "$d/$1/load.bash" ]; then
			load "$d/$1/load.bash"
			return
		fi
	done
	echo "missing bats library $1" >&2
	return 1
}
load_lib bats-support
load_lib bats-assert

load lib

# run_pdc EXPECTED PROGRAM ARGS...: run and check the exact exit status; a
# status above 128 is a crash, never the expected failure.
run_pdc() {
	local want=$1
	shift
	run "$@"
	if [ "$status" -gt 128 ]; then
		echo "$1 crashed with status $status: $output" >&2
		return 1
	fi
	if [ "$status" -ne "$want" ]; then
		echo "$1 exited $status, expected $want; output: $output" >&2
		return 1
	fi
}

sql() {
	psql "$DBURL" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"
}

# Empty every pdc table between tests.
db_reset() {
	sql "TRUNCATE jobs, workers, control, counters, data_collection_status, properties,
	     valuations, residential_details, sales, tax_bills, tax_districts, tax_payments,
	     record_parts, responses, hosts, source_formats, worker_figures"
}

county() {
	curl -sf "$COUNTY_URL$1"
}

# The first N APNs of the main countyd.
county_apns() {
	county "/_countyd/apns?limit=$1"
}

# What pdc stored for the APNs on stdin, one JSON object per line, sorted by APN,
# in the truth's shape.
stored_json() {
	local list
	list=$(paste -sd, -)
	sql "SELECT jsonb_build_object(
	  'apn', p.apn,
	  'properties', to_jsonb(p) - ARRAY['situs_address','situs_city','situs_zip','search_seen_at','fetched_at'],
	  'valuations', (SELECT coalesce(jsonb_agg(to_jsonb(v) ORDER BY v.tax_year DESC), '[]'::jsonb)
	                 FROM valuations v WHERE v.apn = p.apn),
	  'residential_details', (SELECT to_jsonb(r) FROM residential_details r WHERE r.apn = p.apn))
	 FROM properties p WHERE p.apn = ANY (string_to_array('$list', ',')) ORDER BY p.apn" |
	jq -S -c .
}

# countyd's truth for the APNs on stdin, the assessor's parts only (stored_json's shape).
truth_json() {
	truth_full | jq -S -c '{apn, properties, valuations, residential_details}'
}

# A jq filter: a truth's tax bills as a collector that follows SERVICES.md
# stores them, unknown (null) where the treasurer's pages left the value
# unsaid (each bill's "unstated"); the values themselves are the generator's.
TRUTH_AS_STATED='.tax_bills |= map(reduce (.unstated // [])[] as $k (.; .[$k] = null) | del(.unstated))'

# countyd's whole truth for the APNs on stdin, in pdc-show's shape, sorted by
# APN.  Its sales are the parcel's own deeds, newest first: every one of them,
# where pdc presents those it can stand behind (records_agree compares them).
truth_full() {
	county_truths | jq -S -c "del(.search) | .tax_districts |= sort_by(.district) | $TRUTH_AS_STATED" |
		LC_ALL=C sort
}

# countyd's truth for each APN on stdin, one object a line, in their order:
# one curl for them all, on one connection.
county_truths() {
	local a urls=()
	while read -r a; do
		urls+=("$COUNTY_URL/_countyd/truth/$a")
	done
	[ "${#urls[@]}" -eq 0 ] || curl -sf -w '\n' "${urls[@]}"
}

# A jq filter: pdc-show --json's record in the truth's shape.  The presented
# sales keep the truth's columns (basis and matched are pdc's own word); the
# candidates, which the truth has no word for, go.
SHOWN_AS_TRUTH='del(.status, .parts, .collected_at, .search, .sale_candidates)
  | .sales |= map({apn, recording_number, recording_suffix, recording_date, document_code, names, sale_price, restricted})'

# pdc-show --json for the APNs on stdin, without what the truth does not have.
show_full() {
	# shellcheck disable=SC2046
	pdc-show --json $(cat) | jq -S -c "$SHOWN_AS_TRUTH" | LC_ALL=C sort
}

# records_agree TRUTH SHOWN: the files of truth_full and show_full (one record
# a line, sorted by APN) agree: every part equal but the sales; of the
# sales, the truth's latest deed (the assessor's) is presented as the truth
# gives it, every presented deed the truth lists is as the truth gives it,
# and the presented deeds the truth does not list (a chain that led astray)
# stay within the 1% that tests/57-sales.bats allows.  Prints what
# disagrees, and fails then.
records_agree() {
	jq -n -r --slurpfile t "$1" --slurpfile s "$2" '
	  if ($t | length) != ($s | length) then
	    "\($t | length) records in the truth, \($s | length) shown"
	  else
	    ([range(0; $t | length) as $i | $t[$i] as $a | $s[$i] as $b
	      | if $a.apn != $b.apn then "\($a.apn): shown in its place: \($b.apn)"
	        elif ($a | del(.sales)) != ($b | del(.sales)) then
	          "\($a.apn): differs from the truth in \([$a | del(.sales) | keys[] | select($a[.] != $b[.])])"
	        elif ($a.sales | length) > 0 and (any($b.sales[]; . == $a.sales[0]) | not) then
	          "\($a.apn): the latest deed \($a.sales[0].recording_number) is not presented as the truth gives it"
	        else ($b.sales[] | . as $x | ($a.sales | map(select(.recording_number == $x.recording_number)))
	          | select(length > 0 and .[0] != $x)
	          | "\($a.apn): deed \($x.recording_number) is not presented as the truth gives it: \($x | tojson)")
	        end]) as $wrong
	    | ([range(0; $t | length) as $i | $t[$i] as $a | $s[$i].sales[]
	        | select(.recording_number as $n | $a.sales | all(.recording_number != $n))]) as $astray
	    | ([$s[].sales[]] | length) as $shown
	    | $wrong[],
	      (if ($astray | length) > ($shown / 100 | floor) then
	        "\($astray | length) of \($shown) presented deeds are not the parcels'"'"' own: \($astray | tojson)"
	      else empty end)
	  end' | grep . && return 1
	return 0
}

# config_for BASE_URL [EXTRA] [TOKEN]: the path of a config.json in the
# test's directory for the countyd at BASE_URL, the JSON object EXTRA merged
# into its background_collection ('{"retry_attempts": 8}').
config_for() {
	local file="$BATS_TEST_TMPDIR/config.json"
	write_config "$file" "$1" "${3:-}" "${2:+.background_collection += $2}" || return 1
	echo "$file"
}

# sql_true QUERY: QUERY answers true (for wait_for).
sql_true() {
	[ "$(sql "$1")" = "t" ]
}

# wait_for CMD...: retry CMD for up to 60 s.
wait_for() {
	local i
	for i in $(seq 600); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
