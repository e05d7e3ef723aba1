#!/usr/bin/env bats
# pdc-show: the whole record, compared with countyd's truth.

load test_helper

setup() {
	db_reset
}

@test "for 300 parcels pdc-show --json matches the truth in every part" {
	county_apns 300 >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 16 --drain
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "completed|300"
	show_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/shown"
	truth_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/truth")" -eq 300 ]
	run records_agree "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	assert_success
	# the served variety really was there
	jq -s -e 'map(select(.tax_bills | any(.delinquent))) | length > 0' "$BATS_TEST_TMPDIR/truth"
	jq -s -e 'map(select(.sales | length > 1)) | length > 0' "$BATS_TEST_TMPDIR/truth"
	jq -s -e 'map(select(.sales | any(.restricted))) | length > 0' "$BATS_TEST_TMPDIR/truth"
	jq -s -e 'map(select(.tax_payments | length == 0)) | length > 0' "$BATS_TEST_TMPDIR/truth"
	# and every record says where each part came from
	run_pdc 0 pdc-show --json $(head -n 3 "$BATS_TEST_TMPDIR/apns")
	echo "$output" | jq -e -s 'all((.status == "complete" or .parts.tax.state == "partial") and (.parts | length == 5)
	  and .parts.basic.source == "assessor" and .parts.tax.source == "treasurer"
	  and .parts.sales.source == "recorder" and (.parts.tax.fetched_at | test("^20")))'
}

@test "the text form shows every section" {
	local apn
	apn=$(county_apns 1)
	run_pdc 0 pdc-worker --apn "$apn"
	run_pdc 0 pdc-show "$apn"
	assert_line --regexp "^APN $apn  complete"
	local s
	for s in Parts "Property and owner" Valuations "Residential details" "Tax bills" \
	    "Special districts" Payments "Sales and deeds"; do
		assert_line "$s"
	done
}

@test "a record never collected is missing (exit 1); a bad APN exits 65" {
	run_pdc 1 pdc-show 999-99-999
	assert_output --partial "missing"
	run_pdc 1 pdc-show --json 999-99-999
	echo "$output" | jq -e '.status == "missing" and .properties == null'
	run_pdc 65 pdc-show 999-99
	run_pdc 64 pdc-show
	run_pdc 64 pdc-show --bogus 165-28-054
	run_pdc 0 pdc-show --help
}

@test "a source that cannot be read leaves a partial record that says why" {
	start_countyd broken -n 100 -s 7 --fault treasurer:malformed=1
	export PDC_CONFIG=$(mktemp "$BATS_TEST_TMPDIR/cXXXX")
	write_config "$PDC_CONFIG" "$COUNTYD_URL"
	local apn
	apn=$(curl -sf "$COUNTYD_URL/_countyd/apns?limit=1")
	run_pdc 0 pdc-enqueue "$apn"
	run_pdc 0 pdc-worker --drain
	assert_output --partial "partial"
	run_pdc 1 pdc-show --json "$apn"
	echo "$output" | jq -e '.status == "partial" and .parts.tax.state == "failed"
	  and (.parts.tax.error | test("treasurer")) and .parts.basic.state == "complete"
	  and .parts.sales.state == "complete" and (.properties.owner_name | length > 0)'
}
