#!/usr/bin/env bats
# Sales that say how they are known.  Over a county of its own, collected
# whole: how many of the sales pdc presents as a parcel's are the parcel's
# own (precision), and how many of the parcel's own deeds it finds (recall),
# against countyd's truth (the generator's ownership records, never a
# search); the candidates apart.  tests/sales-score.sh does the counting.

load test_helper

N=1000

setup_file() {
	start_countyd sales -n "$N" -s 57
	export SALES_URL=$COUNTYD_URL
	export PDC_CONFIG="$TEST_ROOT/sales.json"
	write_config "$PDC_CONFIG" "$SALES_URL"
	export APNS="$BATS_FILE_TMPDIR/apns"
	curl -sf "$SALES_URL/_countyd/apns?limit=$N" >"$APNS"
	db_reset
	pdc-enqueue <"$APNS" >/dev/null 2>&1
	pdc-worker -j 16 --drain >"$BATS_FILE_TMPDIR/worker.log" 2>&1
}

# score FIELD KIND: one figure of sales-score.sh's line for KIND.
score() {
	awk -v k="$2" -v f="$1" '$1 == k { for (i = 2; i < NF; i += 2) if ($i == f) print $(i + 1) }' \
		"$BATS_FILE_TMPDIR/score"
}

@test "over $N parcels the presented sales are the parcels' own: precision >= 0.99" {
	[ "$(wc -l <"$APNS")" -eq "$N" ]
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "completed|$N"
	run_pdc 0 bash "$TOP/tests/sales-score.sh" "$DBURL" "$SALES_URL" <"$APNS"
	echo "$output" >"$BATS_FILE_TMPDIR/score"
	local line
	while read -r line; do
		echo "# sales $line" >&3
	done <"$BATS_FILE_TMPDIR/score"
	# every parcel's certain sale is the truth's latest deed
	assert_equal "$(score right latest)" "$(score parcels latest)"
	[ "$(score parcels latest)" -gt 0 ]
	# what pdc presents is the parcels' own, at 0.99 or better
	[ "$(score rows presented)" -gt 0 ]
	awk -v p="$(score precision presented)" 'BEGIN { exit !(p + 0 >= 0.99) }'
	# the candidates were there to be told apart
	[ "$(score rows candidates)" -gt 0 ]
}

@test "each sale says how it is known; pdc-show presents the sales and shows the candidates apart" {
	run_pdc 0 sql "SELECT count(*) FROM sales WHERE basis IS NULL OR matched IS NULL OR matched = ''"
	assert_output 0
	run_pdc 0 sql "SELECT count(*) FROM sales s JOIN properties p USING (apn)
	  WHERE (s.basis = 'deed') <> (s.recording_number = p.deed_number)"
	assert_output 0
	local apn
	apn=$(sql "SELECT apn FROM sales WHERE basis = 'candidate' ORDER BY apn LIMIT 1")
	[ -n "$apn" ]
	run_pdc 0 pdc-show --json "$apn"
	echo "$output" | jq -e '.sales | length > 0 and all(.basis == "deed" or .basis == "chain")'
	echo "$output" | jq -e '.sale_candidates | length > 0 and all(.basis == "candidate")'
	echo "$output" | jq -e '.sale_candidates | all(.matched | test("^found under \"[^\"]+\" \\("))'
	echo "$output" | jq -e '[.sales[] | select(.basis == "deed")] | length == 1'
	echo "$output" | jq -e '.sales[] | select(.basis == "deed") | .matched == "Owner.MostCurrentDeed"'
	local matched
	matched=$(echo "$output" | jq -r '.sale_candidates[0].matched')
	run_pdc 0 pdc-show "$apn"
	assert_line "Sales and deeds"
	assert_line --partial "Candidate deeds"
	assert_output --partial "$matched"
	# the text shows the candidates after the sales, never among them
	local sales cand
	sales=$(echo "$output" | grep -n '^Sales and deeds' | cut -d: -f1)
	cand=$(echo "$output" | grep -n '^Candidate deeds' | cut -d: -f1)
	[ "$cand" -gt "$sales" ]
}

@test "the presented sales are the parcels' own as the truth gives them, the rest of each record exact" {
	head -n 200 "$APNS" >"$BATS_TEST_TMPDIR/apns"
	COUNTY_URL=$SALES_URL truth_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	show_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/shown"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/truth")" -eq 200 ]
	run records_agree "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	assert_success
}

@test "a name with more than 501 documents is read again in date windows, and the part stays complete" {
	# the county has such names (builders, investors, common names): their
	# searches answered 501 and were asked again with beginDate and endDate
	run_pdc 0 sql "SELECT count(DISTINCT apn) FROM responses WHERE source = 'recorder'
	  AND url LIKE '%/documents/search?%beginDate=1%'"
	[ "$output" -gt 0 ]
	run_pdc 0 sql "SELECT count(*) FROM record_parts WHERE part = 'sales' AND state <> 'complete'"
	assert_output 0
	run_pdc 0 sql "SELECT count(*) FROM record_parts WHERE part = 'sales'"
	assert_output "$N"
}

@test "a document's recordingSuffix is kept as the recorder gave it" {
	# every stored document's suffix against the generator's (about one in a thousand has one)
	sql "SELECT DISTINCT recording_number || '|' || coalesce(recording_suffix, 'NULL') FROM sales" |
	    LC_ALL=C sort >"$BATS_TEST_TMPDIR/stored"
	local n urls=()
	while IFS='|' read -r n _; do
		urls+=("$SALES_URL/_countyd/truth/document/$n")
	done <"$BATS_TEST_TMPDIR/stored"
	curl -sf -w '\n' "${urls[@]}" | jq -r '"\(.recording_number)|\(.recording_suffix)"' |
	    LC_ALL=C sort >"$BATS_TEST_TMPDIR/truth"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/stored")" -gt 1000 ]
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/stored"
	assert_success
	# suffixed ones were among them
	run grep -c '|A$' "$BATS_TEST_TMPDIR/stored"
	[ "$output" -gt 0 ]
	# a suffixed document's detail, asked for by its number, is of its day: its own
	run_pdc 0 sql "SELECT count(*) FROM sales s JOIN record_parts r ON r.apn = s.apn AND r.part = 'sales'
	  WHERE s.recording_suffix <> '' AND r.state <> 'complete'"
	assert_output 0
	# the latest deed's suffix is the assessor's link's: known for every parcel with a deed
	run_pdc 0 sql "SELECT count(*) FROM properties WHERE deed_number IS NOT NULL AND deed_suffix IS NULL"
	assert_output 0
}

@test "a database from before suffixes were kept: the first re-collection learns them and reports no change" {
	local apn
	apn=$(sql "SELECT apn FROM sales WHERE basis = 'chain' ORDER BY apn LIMIT 1")
	[ -n "$apn" ]
	# as sql/016 leaves a row stored before it
	sql "UPDATE sales SET recording_suffix = NULL WHERE apn = '$apn'"
	sql "UPDATE properties SET deed_suffix = NULL WHERE apn = '$apn'"
	sql "TRUNCATE history"
	run_pdc 0 pdc-enqueue --force "$apn"
	run_pdc 0 pdc-worker --drain
	run_pdc 0 sql "SELECT count(*) FROM sales WHERE apn = '$apn' AND recording_suffix IS NULL"
	assert_output 0
	run_pdc 0 sql "SELECT count(*) FROM properties WHERE apn = '$apn' AND deed_suffix IS NULL"
	assert_output 0
	run_pdc 0 pdc-changes --json
	assert_output ""
}
