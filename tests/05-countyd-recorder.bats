#!/usr/bin/env bats
# countyd's recorder: an independent county whose truth of sales comes from
# each parcel's chain of owners, and answers shaped like the real service's.

load test_helper

recorder() {
	curl -sf "${COUNTY_URL/127.0.0.1/127.0.0.3}$1"
}

# The truth of the first N parcels of the main county, one object a line.
truths() {
	county_apns "$1" | county_truths
}

@test "the recorder serves the truth's deeds, and its search keeps the real order, codes and cap" {
	run sh "$TOP/tests/countyd/selfcheck.sh" "$COUNTY_URL" 6 "$COUNTYD_TOKEN"
	assert_success
	assert_output --partial "selfcheck: 6 parcels, 0 mismatches"
}

@test "each parcel's owner and latest deed are the end of its chain of deeds" {
	truths 150 >"$BATS_TEST_TMPDIR/truths"
	# the newest sale is MostCurrentDeed, on DeedDate, of DeedType's code
	run jq -r 'select(.sales[0].recording_number != .properties.deed_number or
	    .sales[0].recording_date != .properties.deed_date or
	    ({"WD": "WAR DEED", "SW": "SPEC/W D", "QC": "Q/CL DEED", "JT": "JNT DEED",
	      "TD": "TRST DEED", "DE": "DEED", "BD": "BENE DEED", "PD": "PROB DEED"}
	     [.properties.deed_type] != .sales[0].document_code)) | .apn' "$BATS_TEST_TMPDIR/truths"
	assert_success
	assert_output ""
	# its names hold the owner's (a couple's, a trust's trustees' all start with the first word)
	run jq -r 'select((.properties.owner_name | split(" ")[0]) as $w |
	    [.sales[0].names[] | startswith($w)] | any | not) | .apn' "$BATS_TEST_TMPDIR/truths"
	assert_success
	assert_output ""
	# the sales run newest first, and only the newest has a price
	run jq -r 'select((.sales | map(.recording_date)) != (.sales | map(.recording_date) | sort | reverse) or
	    ([.sales[1:][] | select(.sale_price != null)] | length) > 0) | .apn' "$BATS_TEST_TMPDIR/truths"
	assert_success
	assert_output ""
}

@test "a name does not decide a deed's parcel: owners share names, and their names carry other parcels' deeds" {
	truths 150 >"$BATS_TEST_TMPDIR/truths"
	# several parcels under one owner name
	run jq -s '[group_by(.properties.owner_name)[] | select(length > 1)] | length' "$BATS_TEST_TMPDIR/truths"
	assert_success
	[ "$output" -gt 0 ]
	# under the names on parcels' newest deeds: deeds that are not those parcels',
	# and deeds of trust and releases
	local others=0 loans=0 a name nums
	for a in $(county_apns 40); do
		county "/_countyd/truth/$a" >"$BATS_TEST_TMPDIR/t"
		name=$(jq -r '.sales[0].names[0]' "$BATS_TEST_TMPDIR/t")
		nums=$(jq -c '[.sales[].recording_number]' "$BATS_TEST_TMPDIR/t")
		recorder "/documents/search?businessNames=$(jq -rn --arg n "$name" '$n | @uri')&pageSize=200" \
			>"$BATS_TEST_TMPDIR/rows"
		jq --argjson own "$nums" --arg n "$name" '[.searchResults[] | select(.names == $n and
		  (.documentCode | test("DEED|SPEC/W D|Q/CL")) and (.documentCode | startswith("DEED TRST") | not) and
		  ((.recordingNumber | tostring) as $r | $own | index($r) | not))] | length' \
			"$BATS_TEST_TMPDIR/rows" >"$BATS_TEST_TMPDIR/n"
		others=$((others + $(cat "$BATS_TEST_TMPDIR/n")))
		jq --arg n "$name" '[.searchResults[] | select(.names == $n and
		  (.documentCode | test("^(DEED TRST|REL D/T)")))] | length' \
			"$BATS_TEST_TMPDIR/rows" >"$BATS_TEST_TMPDIR/n"
		loans=$((loans + $(cat "$BATS_TEST_TMPDIR/n")))
	done
	[ "$others" -gt 0 ]
	[ "$loans" -gt 0 ]
}

@test "a lender's name has more than 501 documents: totalResults and the pages stop at 501" {
	local q="businessNames=WELLS%20FARGO%20BANK%20NA&pageSize=200"
	run recorder "/documents/search?$q&pageNumber=1"
	assert_success
	run jq '.totalResults' <<<"$output"
	assert_output 501
	run recorder "/documents/search?$q&pageNumber=3"
	assert_success
	run jq '.searchResults | length' <<<"$output"
	assert_output 101
	run recorder "/documents/search?$q&pageNumber=4"
	assert_success
	run jq '.searchResults | length' <<<"$output"
	assert_output 0
}

@test "a search row's code carries a + when its detail lists several codes" {
	# deeds of a few parcels' chains, searched under their first name
	local n p name found=0
	county_apns 300 | county_truths | jq -r '.sales[] | [.recording_number, .names[0]] | @tsv' \
		>"$BATS_TEST_TMPDIR/deeds"
	while IFS=$'\t' read -r n name; do
		recorder "/documents/$n" >"$BATS_TEST_TMPDIR/d"
		[ "$(jq '.documentCodes | length' "$BATS_TEST_TMPDIR/d")" -gt 1 ] || continue
		for p in 1 2 3; do
			recorder "/documents/search?businessNames=$(jq -rn --arg n "$name" '$n | @uri')&pageSize=200&pageNumber=$p"
		done | jq -r --argjson n "$n" '.searchResults[] | select(.recordingNumber == $n) | .documentCode' \
			>"$BATS_TEST_TMPDIR/codes"
		# past the cap under a busy name: another deed will do
		[ -s "$BATS_TEST_TMPDIR/codes" ] || continue
		run jq -r '.documentCodes[0] + "+"' "$BATS_TEST_TMPDIR/d"
		assert_output "$(head -n 1 "$BATS_TEST_TMPDIR/codes")"
		found=1
		break
	done <"$BATS_TEST_TMPDIR/deeds"
	[ "$found" -eq 1 ]
}

@test "about one document in a thousand has a recordingSuffix, served in its search rows, and the detail names none" {
	county_apns 1000 | county_truths | jq -r '.sales[] | "\(.recording_number)|\(.recording_suffix)|\(.names[0])"' \
		>"$BATS_TEST_TMPDIR/deeds"
	local deeds suffixed n sfx name p shown=0
	deeds=$(wc -l <"$BATS_TEST_TMPDIR/deeds")
	suffixed=$(awk -F'|' '$2 != ""' "$BATS_TEST_TMPDIR/deeds" | wc -l)
	echo "# $suffixed of $deeds deeds have a suffix" >&3
	# the real searches: one "A" in some 2,600 rows
	[ "$suffixed" -gt 0 ]
	[ "$((suffixed * 200))" -lt "$deeds" ]
	run awk -F'|' '$2 != "" && $2 != "A"' "$BATS_TEST_TMPDIR/deeds"
	assert_output ""
	# ('|' between: a tab is blank to read, and two would make one)
	while IFS='|' read -r n sfx name; do
		[ -n "$sfx" ] || continue
		# the document's own truth agrees with its parcel's
		run jq -r .recording_suffix < <(curl -sf "$COUNTY_URL/_countyd/truth/document/$n")
		assert_output "$sfx"
		# its detail answers by number, naming no suffix, as the real details do
		run jq -r 'has("recordingSuffix")' < <(recorder "/documents/$n")
		assert_output false
		# a search under its first name lists it with its suffix
		for p in 1 2 3; do
			recorder "/documents/search?businessNames=$(jq -rn --arg n "$name" '$n | @uri')&pageSize=200&pageNumber=$p"
		done | jq -r --argjson n "$n" '.searchResults[] | select(.recordingNumber == $n) | .recordingSuffix' \
			>"$BATS_TEST_TMPDIR/rows"
		# past the cap under a busy name the row is not shown: the others say it
		[ -s "$BATS_TEST_TMPDIR/rows" ] || continue
		run sort -u "$BATS_TEST_TMPDIR/rows"
		assert_output "$sfx"
		shown=$((shown + 1))
	done <"$BATS_TEST_TMPDIR/deeds"
	[ "$shown" -gt 0 ]
	# and the assessor's link to a suffixed latest deed carries it: the truth's deed_suffix
	run jq -r 'select(.properties.deed_number != null and
	    .properties.deed_suffix != .sales[0].recording_suffix) | .apn' \
	    < <(county_apns 1000 | county_truths)
	assert_output ""
}

@test "the real 400: a document code with a date range, and a search without a name or code" {
	local r=${COUNTY_URL/127.0.0.1/127.0.0.3}
	run curl -s -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' \
		"$r/documents/search?documentCode=WD&beginDate=2024-01-01&endDate=2024-12-31"
	assert_output 400
	run jq -c 'keys' "$BATS_TEST_TMPDIR/body"
	assert_output '["error","path","status","timestamp"]'
	run jq -r '.error' "$BATS_TEST_TMPDIR/body"
	assert_output "Bad Request"
	run curl -s -o /dev/null -w '%{http_code}' "$r/documents/search?pageSize=20"
	assert_output 400
	# a code alone lists that code's documents, one row each, no name
	run recorder "/documents/search?documentCode=QC&pageSize=5"
	assert_success
	run jq -r '[.searchResults[] | .documentCode | rtrimstr("+")] | unique | join(",")' <<<"$output"
	assert_output "Q/CL DEED"
}
