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
	     record_parts, responses, hosts, source_formats"
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

# countyd's whole truth for the APNs on stdin, in pdc-show's shape, sorted by APN.
truth_full() {
	local a
	while read -r a; do
		county "/_countyd/truth/$a"
		echo
	done | jq -S -c 'del(.search) | .tax_districts |= sort_by(.district)' | LC_ALL=C sort
}

# pdc-show --json for the APNs on stdin, without what the truth does not have.
show_full() {
	# shellcheck disable=SC2046
	pdc-show --json $(cat) |
		jq -S -c 'del(.status, .parts, .collected_at, .search)' | LC_ALL=C sort
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
