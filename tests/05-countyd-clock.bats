#!/usr/bin/env bats
# countyd's clock: the county moves on from its start date, and every service
# and the truth answer as of the new day; the changes endpoint names what
# happened, drawn from the generator's own events.

load test_helper

N=400
START=2026-08-10

# snap DIR: the truth, the assessor's own parts and the recorder's documents
# of the first N parcels, one file each.
snap() {
	local a
	mkdir -p "$1"
	while read -r a; do
		curl -sf "$CLOCK_URL/_countyd/truth/$a" >"$1/truth-$a"
		for part in owner-details valuations propertyinfo; do
			curl -sf -H "AUTHORIZATION: $COUNTYD_TOKEN" "$CLOCK_URL/parcel/$a/$part" \
				>"$1/$part-$a"
		done
	done <"$BATS_FILE_TMPDIR/apns"
}

setup_file() {
	start_countyd clock -n "$N" -s 15 --start-date "$START"
	export CLOCK_URL=$COUNTYD_URL CLOCK_PID=$COUNTYD_PID
	curl -sf "$CLOCK_URL/_countyd/apns?limit=$N" >"$BATS_FILE_TMPDIR/apns"
	snap "$BATS_FILE_TMPDIR/t0"
	curl -sf -X POST "$CLOCK_URL/_countyd/clock?days=90" >"$BATS_FILE_TMPDIR/move1"
	snap "$BATS_FILE_TMPDIR/t1"
	curl -sf "$CLOCK_URL/_countyd/truth/changes?from=$START&to=2026-11-08" \
		>"$BATS_FILE_TMPDIR/changes1"
	# a quiet second move: no month starts in it, so no interest accrues
	curl -sf -X POST "$CLOCK_URL/_countyd/clock?days=20" >"$BATS_FILE_TMPDIR/move2"
	snap "$BATS_FILE_TMPDIR/t2"
	curl -sf "$CLOCK_URL/_countyd/truth/changes?from=2026-11-08&to=2026-11-28" \
		>"$BATS_FILE_TMPDIR/changes2"
}

recorder() {
	curl -s -o /dev/null -w '%{http_code}' "${CLOCK_URL/127.0.0.1/127.0.0.3}$1"
}

@test "clock: it starts on --start-date; a move says from and to, and every service is then as of the new day" {
	run curl -sf "$CLOCK_URL/_countyd/clock"
	assert_success
	assert_output --partial '"today":"2026-11-28"'
	run cat "$BATS_FILE_TMPDIR/move1"
	assert_output --partial '{"from":"2026-08-10","to":"2026-11-08"}'
	run cat "$BATS_FILE_TMPDIR/move2"
	assert_output --partial '{"from":"2026-11-08","to":"2026-11-28"}'
	# the truth agrees with what the three services serve after the moves
	run sh "$TOP/tests/countyd/selfcheck.sh" "$CLOCK_URL" 25 "$COUNTYD_TOKEN"
	assert_success
	assert_output --partial "selfcheck: 25 parcels, 0 mismatches"
}

@test "clock: 90 days over $N parcels bring every kind of change" {
	local f=$BATS_FILE_TMPDIR/changes1
	for k in sale owner mailing valuation; do
		run jq -s --arg k "$k" '[.[] | select(.kind == $k)] | length' "$f"
		[ "$output" -gt 0 ]
	done
	for e in billed half_paid paid delinquent; do
		run jq -s --arg e "$e" '[.[] | select(.kind == "tax" and .event == $e)] | length' "$f"
		[ "$output" -gt 0 ]
	done
	# in date order, every date inside the window
	run jq -rs '[.[].date] | (. == sort) and all(. > "2026-08-10" and . <= "2026-11-08")' "$f"
	assert_output true
}

@test "clock: what the changes name is what the services serve after the move" {
	local f=$BATS_FILE_TMPDIR/changes1 t1=$BATS_FILE_TMPDIR/t1 t0=$BATS_FILE_TMPDIR/t0 a
	# the last owner, mailing address and deed of each parcel that has them
	jq -rs 'map(select(.kind == "owner")) | group_by(.apn)[] | last | [.apn, .new] | @tsv' "$f" \
		>"$BATS_TEST_TMPDIR/owners"
	[ -s "$BATS_TEST_TMPDIR/owners" ]
	while IFS=$'\t' read -r a name; do
		run jq -r .properties.owner_name "$t1/truth-$a"
		assert_output "$name"
		run jq -r .Ownership "$t1/owner-details-$a"
		assert_output "$name"
	done <"$BATS_TEST_TMPDIR/owners"
	jq -rs 'map(select(.kind == "mailing")) | group_by(.apn)[] | last | [.apn, .new] | @tsv' "$f" \
		>"$BATS_TEST_TMPDIR/mail"
	while IFS=$'\t' read -r a addr; do
		run jq -r .properties.full_mailing_address "$t1/truth-$a"
		assert_output "$addr"
	done <"$BATS_TEST_TMPDIR/mail"
	# each new deed: the recorder serves it now, and did not before
	jq -rs 'map(select(.kind == "sale")) | group_by(.apn)[] | last |
	    [.apn, .recording_number, .document_code, (.sale_price | tostring)] | @tsv' "$f" \
		>"$BATS_TEST_TMPDIR/sales"
	[ -s "$BATS_TEST_TMPDIR/sales" ]
	while IFS=$'\t' read -r a num code price; do
		run jq -r .MostCurrentDeed "$t1/owner-details-$a"
		assert_output "$num"
		run jq -r '.properties.sale_price | tostring' "$t1/truth-$a"
		assert_output "$price"
		run jq -r '.sales[0] | "\(.recording_number) \(.document_code)"' "$t1/truth-$a"
		assert_output "$num $code"
		run jq -r '[.sales[].recording_number] | index($n) == null' --arg n "$num" "$t0/truth-$a"
		assert_output true
		run recorder "/documents/$num"
		assert_output 200
	done <"$BATS_TEST_TMPDIR/sales"
	# a search of a new deed's first name finds it
	read -r a num _ <"$BATS_TEST_TMPDIR/sales"
	name=$(curl -sf "${CLOCK_URL/127.0.0.1/127.0.0.3}/documents/$num" | jq -r '.names[0]')
	run curl -sf "${CLOCK_URL/127.0.0.1/127.0.0.3}/documents/search?businessNames=$(jq -rn --arg n "$name" '$n | @uri')&pageSize=200"
	assert_success
	run jq --arg n "$num" '[.searchResults[] | select((.recordingNumber | tostring) == $n)] | length > 0' <<<"$output"
	assert_output true
	# the newest valuation and its values
	jq -rs 'map(select(.kind == "valuation")) | group_by([.apn, .field])[] | last |
	    [.apn, .year, .field, .new] | @tsv' "$f" >"$BATS_TEST_TMPDIR/vals"
	[ -s "$BATS_TEST_TMPDIR/vals" ]
	while IFS=$'\t' read -r a year field v; do
		run jq -r --arg f "$field" '.valuations[0] | "\(.tax_year) \(if $f == "full_cash"
		    then .full_cash_value else .limited_property_value end)"' "$t1/truth-$a"
		assert_output "$year $v"
	done <"$BATS_TEST_TMPDIR/vals"
	# each tax year's last event: billed, half paid, paid or delinquent
	jq -rs 'map(select(.kind == "tax")) | group_by([.apn, .year])[] | last |
	    [.apn, .year, .event] | @tsv' "$f" >"$BATS_TEST_TMPDIR/tax"
	while IFS=$'\t' read -r a year ev; do
		run jq -r --argjson y "$year" '.tax_bills[] | select(.tax_year == $y) |
		    if .assessed_tax == 0 then "billed"
		    elif .due == 0 then "paid"
		    elif .delinquent then "delinquent"
		    elif .paid > 0 then "half_paid" else "billed" end' "$t1/truth-$a"
		# a half paid late after it went delinquent is paid, or half paid
		if [ "$ev" = paid ]; then
			assert_output paid
		else
			assert_output "$ev"
		fi
	done <"$BATS_TEST_TMPDIR/tax"
}

@test "clock: a parcel the changes do not name serves the same bytes as before" {
	local f=$BATS_FILE_TMPDIR/changes2 a same=0
	jq -r .apn "$f" | sort -u >"$BATS_TEST_TMPDIR/named"
	[ -s "$BATS_TEST_TMPDIR/named" ]
	while read -r a; do
		grep -qx "$a" "$BATS_TEST_TMPDIR/named" && continue
		for part in truth owner-details valuations propertyinfo; do
			cmp "$BATS_FILE_TMPDIR/t1/$part-$a" "$BATS_FILE_TMPDIR/t2/$part-$a"
		done
		same=$((same + 1))
	done <"$BATS_FILE_TMPDIR/apns"
	[ "$same" -gt 100 ]
	# and each named parcel's truth did change
	while read -r a; do
		run cmp -s "$BATS_FILE_TMPDIR/t1/truth-$a" "$BATS_FILE_TMPDIR/t2/truth-$a"
		assert_failure
	done <"$BATS_TEST_TMPDIR/named"
}

@test "clock: the same seed and days give the same changes, in one move or in two" {
	start_countyd clock-again -n "$N" -s 15 --start-date "$START"
	curl -sf -X POST "$COUNTYD_URL/_countyd/clock?days=41" >/dev/null
	curl -sf -X POST "$COUNTYD_URL/_countyd/clock?days=49" >/dev/null
	run curl -sf "$COUNTYD_URL/_countyd/truth/changes?from=$START&to=2026-11-08"
	assert_success
	[ "$output" = "$(cat "$BATS_FILE_TMPDIR/changes1")" ]
	# narrowed to one parcel: its lines of the whole
	a=$(jq -r 'select(.kind == "sale") | .apn' "$BATS_FILE_TMPDIR/changes1" | head -n 1)
	curl -sf "$COUNTYD_URL/_countyd/truth/changes?from=$START&to=2026-11-08&apn=$a" \
		>"$BATS_TEST_TMPDIR/one"
	[ -s "$BATS_TEST_TMPDIR/one" ]
	grep -F "\"apn\":\"$a\"" "$BATS_FILE_TMPDIR/changes1" >"$BATS_TEST_TMPDIR/whole"
	cmp "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/whole"
	kill "$COUNTYD_PID"
}

@test "clock: bad days and bad dates are refused with 400, and the clock stays" {
	local c
	for q in "days=0" "days=-3" "days=abc" "days=" "" "days=1800"; do
		c=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$CLOCK_URL/_countyd/clock?$q")
		[ "$c" = 400 ]
	done
	for q in "from=2026-02-30&to=2026-11-08" "from=2026-08-10&to=11/08/2026" \
	    "from=2026-11-08&to=2026-08-10" "from=2026-08-10&to=2027-01-01" "to=2026-11-08"; do
		c=$(curl -s -o /dev/null -w '%{http_code}' "$CLOCK_URL/_countyd/truth/changes?$q")
		[ "$c" = 400 ]
	done
	run curl -sf "$CLOCK_URL/_countyd/clock"
	assert_output --partial '"today":"2026-11-28"'
	run countyd --start-date 2026-13-01
	[ "$status" -eq 64 ]
}
