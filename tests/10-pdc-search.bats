#!/usr/bin/env bats
# pdc-search: rows at once from the assessor's search, basic info stored.

load test_helper

setup() {
	db_reset
}

# The APNs countyd's own search returns for QUERY, first N.
county_search() {
	local page=1
	while :; do
		curl -sf -H "AUTHORIZATION: $COUNTYD_TOKEN" "$COUNTY_URL/search/property/?q=$1&page=$page" |
			jq -r '.RealPropertyResults[].APN' >"$BATS_TEST_TMPDIR/page"
		cat "$BATS_TEST_TMPDIR/page"
		[ "$(wc -l <"$BATS_TEST_TMPDIR/page")" -eq 25 ] || break
		page=$((page + 1))
	done | head -n "$2"
}

@test "an owner search prints countyd's matches in order, following pages to --limit" {
	run_pdc 0 pdc-search --limit 40 SMITH
	[ "${#lines[@]}" -eq 40 ]
	echo "$output" | cut -f 1 >"$BATS_TEST_TMPDIR/got"
	county_search SMITH 40 >"$BATS_TEST_TMPDIR/want"
	run diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
}

@test "rows carry apn, owner, address, city, zip, type, status, and the basic info is stored" {
	run_pdc 0 pdc-search --limit 5 SMITH
	local apn owner address city zip type status
	IFS=$'\t' read -r apn owner address city zip type status <<<"${lines[0]}"
	[[ "$owner" == *SMITH* ]]
	[ "$status" = "none" ]
	county "/_countyd/truth/$apn" >"$BATS_TEST_TMPDIR/truth"
	[ "$address" = "$(jq -r .search.situs_address "$BATS_TEST_TMPDIR/truth")" ]
	[ "$city" = "$(jq -r .search.situs_city "$BATS_TEST_TMPDIR/truth")" ]
	[ "$zip" = "$(jq -r .search.situs_zip "$BATS_TEST_TMPDIR/truth")" ]
	[ "$owner" = "$(jq -r .properties.owner_name "$BATS_TEST_TMPDIR/truth")" ]
	run_pdc 0 sql "SELECT owner_name, situs_address, situs_city, situs_zip, property_type
	               FROM properties WHERE apn = '$apn'"
	assert_output "$owner|$address|$city|$zip|$type"
	run_pdc 0 sql "SELECT count(*) FROM properties"
	assert_output "5"
}

@test "an APN in any spelling finds that parcel" {
	local apn bare
	apn=$(county_apns 3 | tail -n 1)
	bare=$(echo "$apn" | tr -d -)
	run_pdc 0 pdc-search "$bare"
	[ "${#lines[@]}" -eq 1 ]
	assert_output --regexp "^$apn	"
	run_pdc 0 pdc-search "$(echo "$apn" | tr - .)"
	assert_output --regexp "^$apn	"
}

@test "the status column follows collection" {
	run_pdc 0 pdc-search --limit 3 SMITH
	local apn=${lines[0]%%	*}
	run_pdc 0 pdc-enqueue "$apn"
	run_pdc 0 pdc-search --limit 3 SMITH
	assert_line --regexp "^$apn	.*	pending$"
	run_pdc 0 pdc-worker --drain
	run_pdc 0 pdc-search --limit 3 SMITH
	assert_line --regexp "^$apn	.*	complete$"
}

@test "search piped into enqueue queues the top results" {
	run_pdc 0 bash -c 'pdc-search SMITH | pdc-enqueue --top 15'
	assert_output --partial "Queued 15 properties for background data collection"
	run_pdc 0 pdc-search --enqueue 20 --limit 30 SMITH
	assert_output --partial "Queued 5 properties for background data collection"
	run_pdc 0 sql "SELECT count(*) FROM jobs"
	assert_output "20"
}

@test "--json rows are JSON; --header names the columns" {
	run_pdc 0 pdc-search --json --limit 3 SMITH
	echo "$output" | jq -e -s 'length == 3 and all(has("apn") and has("owner") and has("status"))'
	run_pdc 0 pdc-search --header --limit 1 SMITH
	assert_line --index 0 "apn	owner	address	city	zip	type	status"
}

@test "no match is not an error; a closed pipe stops quietly" {
	run_pdc 0 pdc-search zzzznotanowner
	assert_output --partial "no parcels match"
	run bash -c 'pdc-search --limit 200 SMITH | head -n 1'
	assert_success
	[ "${#lines[@]}" -eq 1 ]
}

@test "the county unreachable exits 69; a wrong token 78" {
	write_config "$BATS_TEST_TMPDIR/c.json" "http://127.0.0.1:1"
	PDC_CONFIG="$BATS_TEST_TMPDIR/c.json" run_pdc 69 pdc-search SMITH
	write_config "$BATS_TEST_TMPDIR/c.json" "$COUNTY_URL" wrong-token
	PDC_CONFIG="$BATS_TEST_TMPDIR/c.json" run_pdc 78 pdc-search SMITH
	assert_output --partial "authentication failed"
	refute_output --partial "wrong-token"
}

@test "pdc-search: bad usage exits 64" {
	run_pdc 64 pdc-search
	run_pdc 64 pdc-search --limit 0 SMITH
	run_pdc 64 pdc-search --limit
	run_pdc 64 pdc-search --bogus SMITH
	run_pdc 64 pdc-search "   "
	run_pdc 64 pdc-search "$(head -c 10000 /dev/zero | tr '\0' a)"
	run_pdc 0 pdc-search --help
	assert_output --partial "usage: pdc-search"
}
