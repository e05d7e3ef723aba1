#!/usr/bin/env bats
# History and the change feed: what a re-collection changed, as pdc-changes
# and pdc-show --history tell it, compared with what countyd says is true.

load test_helper

setup() {
	db_reset
	sql "TRUNCATE history"
}

# collect APN...: collect the parcels again, whatever their age.
collect() {
	run_pdc 0 pdc-enqueue --force "$@"
	run_pdc 0 pdc-worker -j 8 --drain
}

@test "a first collection adds no change; a re-collection of unchanged parcels adds none" {
	county_apns 100 >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 8 --drain
	run_pdc 0 sql "SELECT count(*) FROM history"
	assert_output "0"
	# shellcheck disable=SC2046
	collect $(cat "$BATS_TEST_TMPDIR/apns")
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE state = 'completed'"
	assert_output "200"
	run_pdc 0 sql "SELECT count(*) FROM history"
	assert_output "0"
	run_pdc 0 pdc-changes --json
	assert_output ""
}

# A parcel with a deed, a valuation, a bill, and its truth.
edited_parcel() {
	county_apns 200 | while read -r a; do
		county "/_countyd/truth/$a" | jq -e -c 'select((.sales | length) > 0
		  and (.valuations | length) > 0 and (.tax_bills | length) > 0
		  and .properties.owner_name != null and .properties.full_mailing_address != null)' && break
	done | head -n 1
}

@test "what a re-collection puts back is reported as the county says it, and nothing else" {
	local t apn deed year fcv tyear
	t=$(edited_parcel)
	apn=$(echo "$t" | jq -r .apn)
	run_pdc 0 pdc-worker --apn "$apn"
	# the stored record falls behind the county: a re-collection sees the county move on
	deed=$(echo "$t" | jq -r '.sales[0].recording_number')
	year=$(echo "$t" | jq -r '.valuations[0].tax_year')
	fcv=$(echo "$t" | jq -r '.valuations[0].full_cash_value')
	tyear=$(echo "$t" | jq -r '.tax_bills[0].tax_year')
	sql "UPDATE properties SET owner_name = 'EARLIER OWNER', full_mailing_address = 'PO BOX 1 PHOENIX AZ 85001' WHERE apn = '$apn'"
	sql "DELETE FROM sales WHERE apn = '$apn' AND recording_number = '$deed'"
	sql "UPDATE valuations SET full_cash_value = full_cash_value - 10000 WHERE apn = '$apn' AND tax_year = $year"
	sql "DELETE FROM tax_bills WHERE apn = '$apn' AND tax_year = $tyear"
	collect "$apn"
	run_pdc 0 pdc-changes --json
	echo "$output" >"$BATS_TEST_TMPDIR/feed"
	jq -s -e --arg o "$(echo "$t" | jq -r .properties.owner_name)" \
	    'map(select(.kind == "owner")) | length == 1 and (.[0] | .old == "EARLIER OWNER" and .new == $o)' "$BATS_TEST_TMPDIR/feed"
	jq -s -e --arg m "$(echo "$t" | jq -r .properties.full_mailing_address)" \
	    'map(select(.kind == "mailing")) | length == 1 and (.[0] | .old == "PO BOX 1 PHOENIX AZ 85001" and .new == $m and .text == "mailing address changed")' "$BATS_TEST_TMPDIR/feed"
	jq -s -e --argjson s "$(echo "$t" | jq -c '.sales[0]')" \
	    'map(select(.kind == "sale")) | length == 1 and (.[0] | .event == "recorded" and .recording_number == $s.recording_number
	     and .recording_date == $s.recording_date and .document_code == $s.document_code
	     and .sale_price == $s.sale_price)' "$BATS_TEST_TMPDIR/feed"
	jq -s -e --argjson y "$year" --argjson v "$fcv" \
	    'map(select(.kind == "valuation")) | length == 1 and (.[0] | .year == $y and .field == "full_cash" and .new == $v and .old == $v - 10000
	     and (.text | test("^valuation [0-9]{4} full cash [0-9,]+ -> [0-9,]+ [(][+][0-9.]+%[)]$")))' "$BATS_TEST_TMPDIR/feed"
	jq -s -e --argjson y "$tyear" 'map(select(.kind == "tax")) | length == 1 and (.[0] | .year == $y and .event == "billed")' "$BATS_TEST_TMPDIR/feed"
	# one event each, nothing else
	run jq -s -c 'map(.kind) | sort' "$BATS_TEST_TMPDIR/feed"
	assert_output '["mailing","owner","sale","tax","valuation"]'
	# every event for that parcel, with its time, as a person reads it
	run_pdc 0 pdc-changes --tsv "$apn"
	assert_line --regexp "^20[0-9-]+T[0-9:]+Z	$apn	owner	owner EARLIER OWNER -> "
	# a second re-collection finds nothing new
	collect "$apn"
	run_pdc 0 sql "SELECT count(DISTINCT seen_at) FROM history"
	assert_output "1"
}

@test "pdc-show --history lists a record's changes newest first" {
	local apn
	apn=$(county_apns 1)
	run_pdc 0 pdc-worker --apn "$apn"
	sql "UPDATE properties SET owner_name = 'FIRST EDIT' WHERE apn = '$apn'"
	collect "$apn"
	sql "UPDATE properties SET owner_name = 'SECOND EDIT' WHERE apn = '$apn'"
	collect "$apn"
	run_pdc 0 pdc-show --history --json "$apn"
	echo "$output" | jq -s -e 'length == 2 and .[0].old == "SECOND EDIT" and .[1].old == "FIRST EDIT"
	  and .[0].id > .[1].id and .[0].seen_at >= .[1].seen_at'
	run_pdc 0 pdc-show --history "$apn"
	assert_line --index 0 --regexp "owner SECOND EDIT -> "
	assert_line --index 1 --regexp "owner FIRST EDIT -> "
	# the feed has them in the order seen
	run_pdc 0 pdc-changes --json --since 1h
	echo "$output" | jq -s -e 'length == 2 and .[0].old == "FIRST EDIT"'
}

@test "--kind keeps the kinds asked for; --since a time to come shows nothing" {
	local apn
	apn=$(county_apns 1)
	run_pdc 0 pdc-worker --apn "$apn"
	sql "UPDATE properties SET owner_name = 'SOMEONE', mailing_city = 'NOWHERE' WHERE apn = '$apn'"
	collect "$apn"
	run_pdc 0 pdc-changes --json --kind owner
	echo "$output" | jq -s -e 'length == 1 and .[0].kind == "owner"'
	run_pdc 0 pdc-changes --json --kind mailing,sale
	echo "$output" | jq -s -e 'length == 1 and .[0].kind == "mailing"'
	run_pdc 0 pdc-changes --json --since 2999-01-01
	assert_output ""
	run_pdc 0 pdc-changes --json --since 10m "$apn"
	echo "$output" | jq -s -e 'length == 2'
	echo "$apn" | pdc-changes --json >"$BATS_TEST_TMPDIR/piped"
	jq -s -e 'length == 2' "$BATS_TEST_TMPDIR/piped"
	run_pdc 0 pdc-changes --json 100-01-001
	assert_output ""
}

@test "bad input: a bad duration, an unknown kind, a bad APN" {
	run_pdc 64 pdc-changes --since yesterday
	assert_output --partial 'bad time or duration "yesterday"'
	[ "${#lines[@]}" -eq 1 ]
	run_pdc 64 pdc-changes --since 24x
	run_pdc 64 pdc-changes --since 0h
	run_pdc 64 pdc-changes --since 2026-13-01
	run_pdc 64 pdc-changes --since 2026-12-01T25:00:00Z
	run_pdc 0 pdc-changes --since 2026-12-01T08:00:00Z
	run_pdc 64 pdc-changes --kind sale,weather
	assert_output 'pdc-changes: --kind: unknown kind "weather"'
	run_pdc 64 pdc-changes --json --tsv
	run_pdc 64 pdc-changes --bogus
	run_pdc 65 pdc-changes 165-28
	run_pdc 0 pdc-changes --help
	run_pdc 0 pdc-changes --version
	run_pdc 64 pdc-show --history
}

has_follower() {
	[ -n "$(sql "SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
	    WHERE a.application_name = 'pdc-changes' AND l.locktype = 'advisory'")" ]
}

@test "--follow prints a change when its collection lands" {
	local apn pid
	apn=$(county_apns 1)
	run_pdc 0 pdc-worker --apn "$apn"
	# a change from before: a follower without --since starts after it
	sql "UPDATE properties SET owner_name = 'ALREADY TOLD' WHERE apn = '$apn'"
	collect "$apn"
	pdc-changes --follow --json </dev/null >"$BATS_TEST_TMPDIR/follow" 2>"$BATS_TEST_TMPDIR/follow.err" &
	pid=$!
	# following has begun once the follower holds its lock (sql/005_followed.sql)
	wait_for has_follower
	sql "UPDATE properties SET owner_name = 'BEFORE FOLLOW' WHERE apn = '$apn'"
	collect "$apn"
	wait_for grep -q '"kind":"owner"' "$BATS_TEST_TMPDIR/follow"
	kill "$pid"
	wait "$pid" || true
	run jq -s -e --arg a "$apn" 'length == 1 and .[0].apn == $a and .[0].old == "BEFORE FOLLOW"' "$BATS_TEST_TMPDIR/follow"
	assert_success
}

@test "a worker prunes changes older than --keep-days" {
	local apn
	apn=$(county_apns 1)
	run_pdc 0 pdc-worker --apn "$apn"
	sql "UPDATE properties SET owner_name = 'OLD NEWS' WHERE apn = '$apn'"
	collect "$apn"
	sql "UPDATE properties SET owner_name = 'NEWS' WHERE apn = '$apn'"
	collect "$apn"
	sql "UPDATE history SET seen_at = now() - interval '3 days' WHERE old ->> 'owner_name' = 'OLD NEWS'"
	run_pdc 0 pdc-worker --keep-days 2 --drain
	run_pdc 0 pdc-changes --json "$apn"
	echo "$output" | jq -s -e 'length == 1 and .[0].old == "NEWS"'
}

# The truth's changes (JSON Lines on stdin) as one line per thing that
# changed between two collections, as the feed can tell it: two changes of
# the same thing in between are one (the first old value, the last new); a
# bill issued and settled in between was billed, with what is due now.  A
# delinquent bill's amount is the truth's on the day it went delinquent and
# pdc's with the interest since: the event is compared, not the amount.
truth_lines() {
	jq -s -r '
	  (map(select(.kind == "sale"))[]
	    | "sale \(.apn) \(.recording_number) \(.recording_date) \(.document_code) \(.sale_price)"),
	  (map(select(.kind == "owner")) | group_by(.apn)[]
	    | "owner \(.[0].apn) \(.[0].old) -> \(.[-1].new)"),
	  (map(select(.kind == "mailing")) | group_by(.apn)[]
	    | "mailing \(.[0].apn) \(.[-1].new)"),
	  (map(select(.kind == "valuation")) | group_by([.apn, .year, .field])[]
	    | "valuation \(.[0].apn) \(.[0].year) \(.[0].field) \(.[0].old) -> \(.[-1].new)"),
	  (map(select(.kind == "tax")) | group_by([.apn, .year])[]
	    | (if any(.event == "billed") then "billed" else .[-1].event end) as $e
	    | "tax \(.[0].apn) \(.[0].year) \($e) \(if $e == "delinquent" then "" else .[-1].amount_due end)")
	' | LC_ALL=C sort
}

# pdc-changes --json (stdin) in truth_lines' shape, the five kinds the truth
# knows.  A delinquent bill's interest and fees grow every month: pdc tells
# it (event "interest"), the truth has no word for it.
feed_lines() {
	jq -r '
	  if .kind == "sale" and .event == "recorded" then
	    "sale \(.apn) \(.recording_number) \(.recording_date) \(.document_code) \(.sale_price)"
	  elif .kind == "owner" then "owner \(.apn) \(.old) -> \(.new)"
	  elif .kind == "mailing" then "mailing \(.apn) \(.new)"
	  elif .kind == "valuation" and .field != "other" then
	    "valuation \(.apn) \(.year) \(.field) \(.old) -> \(.new)"
	  elif .kind == "tax" and .event != "interest" then
	    "tax \(.apn) \(.year) \(.event) \(if .event == "delinquent" then "" else .amount_due end)"
	  else empty end' | LC_ALL=C sort
}

@test "collect, move the county's clock, collect again: the feed is the truth's changes, for 300 parcels" {
	local cfg from to days last round kind
	# The county starts after its valuation notices (February): a notice
	# that comes between two collections is told in the first test.
	start_countyd clock -n 300 -s 15 --start-date 2027-03-01
	cfg=$(mktemp "$BATS_TEST_TMPDIR/cXXXX")
	write_config "$cfg" "$COUNTYD_URL"
	export PDC_CONFIG=$cfg
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=300" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 8 --drain
	run_pdc 0 sql "SELECT count(*) FROM history"
	assert_output "0"
	: >"$BATS_TEST_TMPDIR/all-truth"
	: >"$BATS_TEST_TMPDIR/all-feed"
	# a spring and summer (sales, new addresses, appeals of valuations), the
	# new tax year's bills and payments, an autumn past the first half's due
	round=0
	for days in 180 40 40; do
		round=$((round + 1))
		last=$(sql "SELECT coalesce(max(id), 0) FROM history")
		curl -sf -X POST "$COUNTYD_URL/_countyd/clock?days=$days" >"$BATS_TEST_TMPDIR/moved"
		from=$(jq -r .from "$BATS_TEST_TMPDIR/moved")
		to=$(jq -r .to "$BATS_TEST_TMPDIR/moved")
		run_pdc 0 pdc-enqueue --force <"$BATS_TEST_TMPDIR/apns"
		run_pdc 0 pdc-worker -j 8 --drain
		curl -sf "$COUNTYD_URL/_countyd/truth/changes?from=$from&to=$to" | truth_lines >"$BATS_TEST_TMPDIR/truth.$round"
		pdc-changes --json | jq -c --argjson last "$last" 'select(.id > $last)' >"$BATS_TEST_TMPDIR/feed.$round.json"
		feed_lines <"$BATS_TEST_TMPDIR/feed.$round.json" >"$BATS_TEST_TMPDIR/feed.$round"
		echo "# round $round, $from to $to: $(wc -l <"$BATS_TEST_TMPDIR/truth.$round") changes in the truth"
		# every change reported, nothing reported that did not change
		run diff "$BATS_TEST_TMPDIR/truth.$round" "$BATS_TEST_TMPDIR/feed.$round"
		assert_success
		cat "$BATS_TEST_TMPDIR/truth.$round" >>"$BATS_TEST_TMPDIR/all-truth"
		cat "$BATS_TEST_TMPDIR/feed.$round.json" >>"$BATS_TEST_TMPDIR/all-feed"
	done
	# the rounds had every kind to tell
	for kind in sale owner mailing tax valuation; do
		grep -q "^$kind " "$BATS_TEST_TMPDIR/all-truth"
	done
	for kind in billed half_paid paid; do
		grep -q "^tax .* $kind " "$BATS_TEST_TMPDIR/all-truth"
	done
	# a collection with nothing changed since adds nothing
	last=$(sql "SELECT coalesce(max(id), 0) FROM history")
	run_pdc 0 pdc-enqueue --force <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 8 --drain
	run_pdc 0 sql "SELECT coalesce(max(id), 0) FROM history"
	assert_output "$last"
}

@test "a valuation notice between two collections: each new year against the year before, as the truth says" {
	local cfg from to
	# The county's own start, before February's notices.  Only valuations
	# are compared: countyd re-prices the bills of years older than its six
	# valuation years when a notice adds a year, a change its truth does not
	# list (a countyd defect, not pdc's).
	start_countyd notice -n 200 -s 16
	cfg=$(mktemp "$BATS_TEST_TMPDIR/cXXXX")
	write_config "$cfg" "$COUNTYD_URL"
	export PDC_CONFIG=$cfg
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=200" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 8 --drain
	curl -sf -X POST "$COUNTYD_URL/_countyd/clock?days=100" >"$BATS_TEST_TMPDIR/moved"
	from=$(jq -r .from "$BATS_TEST_TMPDIR/moved")
	to=$(jq -r .to "$BATS_TEST_TMPDIR/moved")
	run_pdc 0 pdc-enqueue --force <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 8 --drain
	curl -sf "$COUNTYD_URL/_countyd/truth/changes?from=$from&to=$to" | jq -c 'select(.kind == "valuation")' |
	    truth_lines >"$BATS_TEST_TMPDIR/truth"
	pdc-changes --json --kind valuation | feed_lines >"$BATS_TEST_TMPDIR/feed"
	# a notice for every parcel, full cash and limited
	[ "$(grep -c ' full_cash ' "$BATS_TEST_TMPDIR/truth")" -ge 200 ]
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/feed"
	assert_success
	# as a person reads it
	run_pdc 0 pdc-changes --tsv --kind valuation
	assert_line --regexp "	valuation	valuation [0-9]{4} full cash [0-9,]+ -> [0-9,]+ [(][-+][0-9]+[.][0-9]%[)]$"
}

# routes HOST STATS: the routes of countyd's HOST, one a line ("/parcel/{apn}").
routes() {
	case $1 in
	assessor) jq -r '.requests | keys[] | select((startswith("/parcel") and . != "/parcel/default.aspx") or startswith("/search"))' "$2" ;;
	treasurer) jq -r '.requests | keys[] | select(startswith("/Parcel") or startswith("/parcel/default") or startswith("/PropertyTaxInformation"))' "$2" ;;
	recorder) jq -r '.requests | keys[] | select(startswith("/documents"))' "$2" ;;
	esac
}

# served STATS ROUTE: the requests countyd served on ROUTE, whatever their status.
served() {
	jq --arg r "$2" '[.requests[$r][]] | add // 0' "$1"
}

@test "a re-collection asks the assessor and the treasurer everything again, the recorder no document it has; a new deed is still fetched" {
	local cfg route docs from to apn number retried
	start_countyd recollect -n 100 -s 21 --start-date 2027-03-01
	cfg=$(mktemp "$BATS_TEST_TMPDIR/cXXXX")
	write_config "$cfg" "$COUNTYD_URL"
	export PDC_CONFIG=$cfg
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=100" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 8 --drain
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/first.json"
	curl -sf "$COUNTYD_URL/_countyd/stats/reset" >/dev/null
	sql "SELECT apn, key FROM responses WHERE key LIKE 'document/%' ORDER BY 1, 2" >"$BATS_TEST_TMPDIR/docs1"
	docs=$(served "$BATS_TEST_TMPDIR/first.json" "/documents/{recordingNumber}")
	[ "$docs" -gt 0 ]

	# nothing changed in the county: every request again (a retry on a busy
	# machine would only add), but no recorded document
	run_pdc 0 pdc-enqueue --force <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 8 --drain
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/second.json"
	curl -sf "$COUNTYD_URL/_countyd/stats/reset" >/dev/null
	assert_equal "$(served "$BATS_TEST_TMPDIR/second.json" "/documents/{recordingNumber}")" 0
	for route in $(routes assessor "$BATS_TEST_TMPDIR/first.json") $(routes treasurer "$BATS_TEST_TMPDIR/first.json") /documents/search; do
		echo "# $route: $(served "$BATS_TEST_TMPDIR/first.json" "$route") then $(served "$BATS_TEST_TMPDIR/second.json" "$route")"
		[ "$(served "$BATS_TEST_TMPDIR/second.json" "$route")" -ge "$(served "$BATS_TEST_TMPDIR/first.json" "$route")" ]
	done
	[ "$(served "$BATS_TEST_TMPDIR/second.json" "/parcel/{apn}")" -ge 100 ]
	[ "$(served "$BATS_TEST_TMPDIR/second.json" "/parcel/default.aspx")" -ge 100 ]
	# every document kept came from the kept responses, and the records are as they were
	[ "$(wc -l <"$BATS_TEST_TMPDIR/docs1")" -gt 0 ]
	run_pdc 0 pdc-stats --json
	assert_equal "$(echo "$output" | jq '.sources[] | select(.source == "recorder") | .from_kept')" \
	    "$(wc -l <"$BATS_TEST_TMPDIR/docs1")"
	retried=$(echo "$output" | jq '.sources[] | select(.source == "recorder") | .retries')
	run_pdc 0 sql "SELECT count(*) FROM history"
	assert_output "0"
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE state = 'completed'"
	assert_output "200"

	# a year on: the new deeds are fetched, and the feed tells each sale as the truth does
	curl -sf -X POST "$COUNTYD_URL/_countyd/clock?days=365" >"$BATS_TEST_TMPDIR/moved"
	from=$(jq -r .from "$BATS_TEST_TMPDIR/moved")
	to=$(jq -r .to "$BATS_TEST_TMPDIR/moved")
	run_pdc 0 pdc-enqueue --force <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 8 --drain
	curl -sf "$COUNTYD_URL/_countyd/stats" >"$BATS_TEST_TMPDIR/third.json"
	curl -sf "$COUNTYD_URL/_countyd/truth/changes?from=$from&to=$to" |
	    jq -r 'select(.kind == "sale") | "\(.apn) \(.recording_number)"' | LC_ALL=C sort >"$BATS_TEST_TMPDIR/sales.truth"
	echo "# $(wc -l <"$BATS_TEST_TMPDIR/sales.truth") sales in the year"
	[ -s "$BATS_TEST_TMPDIR/sales.truth" ]
	pdc-changes --json --kind sale | jq -r 'select(.event == "recorded") | "\(.apn) \(.recording_number)"' |
	    LC_ALL=C sort >"$BATS_TEST_TMPDIR/sales.feed"
	run diff "$BATS_TEST_TMPDIR/sales.truth" "$BATS_TEST_TMPDIR/sales.feed"
	assert_success
	# each new deed was asked of the recorder and kept; no document kept
	# before was asked again: countyd served no more documents than are new,
	# but for the recorder's retries in this collection
	sql "SELECT apn, key FROM responses WHERE key LIKE 'document/%' ORDER BY 1, 2" >"$BATS_TEST_TMPDIR/docs2"
	while read -r apn number; do
		grep -qx "$apn|document/$number" "$BATS_TEST_TMPDIR/docs2"
		run grep -qx "$apn|document/$number" "$BATS_TEST_TMPDIR/docs1"
		assert_failure
	done <"$BATS_TEST_TMPDIR/sales.truth"
	run_pdc 0 pdc-stats --json
	retried=$(($(echo "$output" | jq '.sources[] | select(.source == "recorder") | .retries') - retried))
	echo "# $(served "$BATS_TEST_TMPDIR/third.json" "/documents/{recordingNumber}") documents asked, $(comm -13 "$BATS_TEST_TMPDIR/docs1" "$BATS_TEST_TMPDIR/docs2" | wc -l) new, $retried retries"
	[ "$(served "$BATS_TEST_TMPDIR/third.json" "/documents/{recordingNumber}")" -ge "$(comm -13 "$BATS_TEST_TMPDIR/docs1" "$BATS_TEST_TMPDIR/docs2" | wc -l)" ]
	[ "$(served "$BATS_TEST_TMPDIR/third.json" "/documents/{recordingNumber}")" -le "$(($(comm -13 "$BATS_TEST_TMPDIR/docs1" "$BATS_TEST_TMPDIR/docs2" | wc -l) + retried))" ]
}

@test "a recorded document the recorder sent broken is asked again on the next collection, not read back" {
	local cfg failed
	# documents and searches that parse with values of the wrong type: the recorder's parts fail
	start_countyd broken -n 40 -s 22 --fault recorder:wrongtype=0.3
	cfg=$(mktemp "$BATS_TEST_TMPDIR/cXXXX")
	write_config "$cfg" "$COUNTYD_URL"
	export PDC_CONFIG=$cfg
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=40" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 8 --drain
	failed=$(sql "SELECT count(*) FROM record_parts WHERE source = 'recorder' AND state = 'failed'")
	echo "# $failed recorder parts failed"
	[ "$failed" -gt 0 ]
	curl -sf "$COUNTYD_URL/_countyd/stats" | jq -e '.hosts.recorder.status.wrongtype > 0'
	# the same county, whole again
	start_countyd whole -n 40 -s 22
	write_config "$cfg" "$COUNTYD_URL"
	run_pdc 0 pdc-enqueue --force <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 8 --drain
	run_pdc 0 sql "SELECT count(*) FROM record_parts WHERE state = 'failed'"
	assert_output "0"
	COUNTY_URL=$COUNTYD_URL truth_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	show_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/shown"
	records_agree "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
}
