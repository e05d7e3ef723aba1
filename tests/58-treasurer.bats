#!/usr/bin/env bats
# The treasurer's pages as they are and as they changed: pnlOpen in both
# layouts FORMATS.md describes, each read exactly, its interest and fees
# rows of nothing shown or left out (a row left out is unknown, the part
# partial naming it); the generator's own amounts and delinquency compared
# with what pdc stored; the newer portal page at
# the entry, which completes jobs with a partial tax part (never 0.00, never
# "not delinquent"), says so once per job and in pdc-status, asks the county
# once per job, and clears itself when the legacy pages come back.
# Each test runs a countyd of its own.

load test_helper

setup() {
	db_reset
}

teardown() {
	local p
	for p in $(cat "$BATS_TEST_TMPDIR/bg" 2>/dev/null); do
		kill "$p" 2>/dev/null || true
	done
}

# bg PID: stop PID at teardown if it is still there.
bg() {
	echo "$1" >>"$BATS_TEST_TMPDIR/bg"
}

# A config for the countyd at URL.
config_at() {
	write_config "$BATS_TEST_TMPDIR/config.json" "$1"
	echo "$BATS_TEST_TMPDIR/config.json"
}

# The tax of the APNs on stdin as countyd's truth has it, and as pdc shows it.
truth_tax() {
	truth_full | jq -S -c '{apn, tax_bills, tax_districts, tax_payments}'
}
shown_tax() {
	show_full | jq -S -c '{apn, tax_bills, tax_districts, tax_payments}'
}

# The county's day in the first three tests is 2026-04-15: the second half
# of 2025 is due (March 1) and not late yet (May 1), so open years come both
# delinquent and not.
#
# collect N [COUNTYD OPTIONS...]: a countyd of N parcels with OPTIONS, its
# APNs in apns, all of them collected by one worker; the county in COUNTY_URL.
collect() {
	local n=$1
	shift
	start_countyd "tax-$BATS_TEST_NUMBER" -n "$n" -s 58 "$@"
	bg "$COUNTYD_PID"
	COUNTY_URL=$COUNTYD_URL
	export PDC_CONFIG=$(config_at "$COUNTYD_URL")
	curl -sf "$COUNTYD_URL/_countyd/apns" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 4 --drain
}

# The tax parts' states, counted: "complete|N".
tax_states() {
	sql "SELECT state, count(*) FROM record_parts WHERE part = 'tax' GROUP BY state ORDER BY state"
}

# The generator's tax bills of the APNs in apns (countyd's truth as it is,
# each bill's "unstated" with it), one object a line, sorted by APN.
generated_tax() {
	county_truths <"$BATS_TEST_TMPDIR/apns" | jq -S -c '{apn, tax_bills}' | LC_ALL=C sort
}

# Prints what disagrees: the tax part is partial exactly for the parcels
# whose current bill had an interest or fees row left out (the generator's
# "unstated"), and its reason names each row left out.
partial_where_left_out() {
	generated_tax >"$BATS_TEST_TMPDIR/gen.parts"
	sql "SELECT apn, state, coalesce(reason, '') FROM record_parts WHERE part = 'tax'" \
		>"$BATS_TEST_TMPDIR/parts"
	jq -n -r --slurpfile g "$BATS_TEST_TMPDIR/gen.parts" --rawfile p "$BATS_TEST_TMPDIR/parts" '
	  ($p | split("\n") | map(select(. != "") | split("|")
	    | {key: .[0], value: {state: .[1], why: (.[2:] | join("|"))}}) | from_entries) as $part
	  | {interest_due: "no \"Interest Due:\" row", fees_due: "no \"Fees Due:\" row"} as $row
	  | $g[] | .apn as $a | [.tax_bills[0].unstated[] | select($row[.])] as $out
	  | if $part[$a] == null then "\($a): no tax part"
	    elif ($out | length) == 0 then
	      (if $part[$a].state != "complete" then "\($a): \($part[$a].state): \($part[$a].why)" else empty end)
	    elif $part[$a].state != "partial" then "\($a): \($part[$a].state), yet the page left out \($out)"
	    else ($out[] | $row[.] as $r | select($part[$a].why | contains($r) | not)
	      | "\($a): the reason does not name \($r): \($part[$a].why)") end'
}

@test "pnlOpen by half: every parcel's tax bills, districts and payments as the truth has them" {
	collect 150 --treasurer-open rows --today 2026-04-15
	truth_tax <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	shown_tax <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/shown"
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	assert_success
	run partial_where_left_out
	assert_output ""
	# the county had open years, some delinquent, some not: both kinds of panel were read
	[ "$(jq -s '[.[].tax_bills[0] | select(.delinquent)] | length' "$BATS_TEST_TMPDIR/truth")" -gt 0 ]
	[ "$(jq -s '[.[].tax_bills[0] | select(.due > 0 and .delinquent == false)] | length' "$BATS_TEST_TMPDIR/truth")" -gt 0 ]
}

@test "pnlOpen by charge: the same county read alike, to the cent" {
	collect 150 --treasurer-open charges --today 2026-04-15
	truth_tax <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	shown_tax <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/shown"
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	assert_success
	run partial_where_left_out
	assert_output ""
	[ "$(jq -s '[.[].tax_bills[0] | select(.delinquent)] | length' "$BATS_TEST_TMPDIR/truth")" -gt 0 ]
}

@test "pnlOpen by parcel, 240 parcels: every stored value the generator's; a row the page left out unknown, never 0.00, the part partial naming it" {
	collect 240 --today 2026-04-15
	truth_tax <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	shown_tax <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/shown"
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	assert_success
	# bill by bill, column by column: the generator's value, or unknown where
	# the pages left it unsaid (and only there)
	generated_tax >"$BATS_TEST_TMPDIR/gen"
	run jq -n -r --slurpfile g "$BATS_TEST_TMPDIR/gen" --slurpfile s "$BATS_TEST_TMPDIR/shown" '
	  range(0; $g | length) as $i | $g[$i] as $a | $s[$i] as $b
	  | if $a.apn != $b.apn then "\($a.apn): shown in its place: \($b.apn)"
	    elif ($a.tax_bills | length) != ($b.tax_bills | length) then "\($a.apn): bills differ in number"
	    else range(0; $a.tax_bills | length) as $j | $a.tax_bills[$j] as $t | $b.tax_bills[$j] as $st
	      | ($t | del(.unstated) | keys[]) as $k
	      | select(if ($t.unstated | index($k)) != null then $st[$k] != null else $st[$k] != $t[$k] end)
	      | "\($a.apn) \($t.tax_year) \($k): stored \($st[$k] | tojson), generated \($t[$k] | tojson), unsaid: \($t.unstated)"
	    end'
	assert_output ""
	[ "$(wc -l <"$BATS_TEST_TMPDIR/gen")" -eq 240 ]
	# both forms of a row of nothing were served: left out, and shown as $0.00
	[ "$(jq -s '[.[].tax_bills[0] | select(.unstated | index("interest_due"))] | length' "$BATS_TEST_TMPDIR/gen")" -gt 0 ]
	[ "$(jq -s '[.[].tax_bills[0] | select(.unstated | index("fees_due"))] | length' "$BATS_TEST_TMPDIR/gen")" -gt 0 ]
	[ "$(jq -s '[.[].tax_bills[0] | select(.due > 0 and .interest_due == 0 and (.unstated | index("interest_due") | not))] | length' "$BATS_TEST_TMPDIR/gen")" -gt 0 ]
	# a row left out was stored unknown, never 0.00 (a row shown as $0.00 was stored 0.00)
	[ "$(jq -s '[.[].tax_bills[0] | select(.interest_due == null)] | length' "$BATS_TEST_TMPDIR/shown")" -gt 0 ]
	[ "$(jq -s '[.[].tax_bills[0] | select(.due > 0 and .interest_due == 0)] | length' "$BATS_TEST_TMPDIR/shown")" -gt 0 ]
	# older years the generator has delinquent: none stored false, some there to check
	[ "$(jq -s '[.[].tax_bills[1:][] | select(.delinquent)] | length' "$BATS_TEST_TMPDIR/gen")" -gt 0 ]
	run sql "SELECT count(*) FROM tax_bills b WHERE delinquent = false
	         AND tax_year < (SELECT max(tax_year) FROM tax_bills c WHERE c.apn = b.apn) AND due > 0"
	assert_output "0"
	# the tax part is partial where a row was left out, naming the row; complete elsewhere
	run partial_where_left_out
	assert_output ""
	[ "$(tax_states | grep -c '^partial|')" -eq 1 ]
	# the summaries pdc kept show both layouts
	run sql "SELECT count(*) FILTER (WHERE position('Tax Due:' IN convert_from(body, 'UTF8')) > 0) > 0,
	                count(*) FILTER (WHERE position('First Half:' IN convert_from(body, 'UTF8')) > 0) > 0
	         FROM responses WHERE source = 'treasurer' AND key = 'summary'"
	assert_output "t|t"
}

@test "the portal page: partial tax parts with the reason, one line a job, no retries, pdc-status says so; the legacy pages back, the source resumes" {
	local port stats
	collect 12 --treasurer-portal
	port=${COUNTYD_URL##*:}
	# every job completed on its first attempt: the county was asked once
	run sql "SELECT state, attempts, count(*) FROM jobs GROUP BY 1, 2"
	assert_output "completed|1|12"
	stats=$(curl -sf "$COUNTYD_URL/_countyd/stats")
	run jq -r '.requests["/parcel/default.aspx"]["302"]' <<<"$stats"
	assert_output "12"
	run jq -r '.requests["/PropertyTaxInformation/"]["200"]' <<<"$stats"
	assert_output "12"
	run jq -r '[.requests["/Parcel/Summary.aspx"], .requests["/Parcel/Summary.aspx?List=All"],
	            .requests["/Parcel/Activities.aspx"]] | map(length) | add' <<<"$stats"
	assert_output "0"
	# the tax part partial, naming why; nothing stored in its place
	run tax_states
	assert_output "partial|12"
	run sql "SELECT count(*) FROM record_parts WHERE part = 'tax'
	         AND reason LIKE 'treasurer: page format not recognised: %newer portal page%'"
	assert_output "12"
	run sql "SELECT count(*) FROM tax_bills"
	assert_output "0"
	run sql "SELECT count(*) FROM record_parts WHERE part <> 'tax' AND state = 'partial'"
	assert_output "0"
	# pdc-show says the part is partial and why; no amount, no flag
	run_pdc 1 pdc-show --json "$(head -n 1 "$BATS_TEST_TMPDIR/apns")"
	run jq -r '.parts.tax.state, (.parts.tax.reason | test("page format not recognised")), (.tax_bills | length)' <<<"$output"
	assert_output "partial
true
0"
	# pdc-status says it once, at the source: on a terminal, in a pipe, in JSON
	run env SHELL=/bin/bash script -qec pdc-status /dev/null </dev/null
	assert_success
	assert_output --regexp 'treasurer: page format not recognised since [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z, 12 parcels'
	run_pdc 0 pdc-status
	assert_output --regexp $'source\ttreasurer\tunrecognised\t[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\t12'
	run_pdc 0 pdc-status --json
	run jq -c '.unrecognised | map({source, parcels})' <<<"$output"
	assert_output '[{"source":"treasurer","parcels":12}]'

	# the county serves the legacy pages again, on the same port
	kill "$COUNTYD_PID"
	wait "$COUNTYD_PID" 2>/dev/null || true
	start_countyd "tax-$BATS_TEST_NUMBER-back" -p "$port" -n 12 -s 58
	bg "$COUNTYD_PID"
	run_pdc 0 pdc-enqueue --force <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 4 --drain
	run partial_where_left_out
	assert_output ""
	truth_tax <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	shown_tax <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/shown"
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	assert_success
	run env SHELL=/bin/bash script -qec pdc-status /dev/null </dev/null
	assert_success
	refute_output --partial "page format not recognised"
	run sql "SELECT count(*) FROM source_formats WHERE unrecognised_since IS NOT NULL"
	assert_output "0"
}

@test "the portal page: the worker says it in one line per job" {
	start_countyd "tax-$BATS_TEST_NUMBER" -n 5 -s 58 --treasurer-portal
	bg "$COUNTYD_PID"
	export PDC_CONFIG=$(config_at "$COUNTYD_URL")
	curl -sf "$COUNTYD_URL/_countyd/apns" >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	pdc-worker -j 2 --drain 2>"$BATS_TEST_TMPDIR/log"
	run grep -c 'is partial: treasurer: page format not recognised' "$BATS_TEST_TMPDIR/log"
	assert_output "5"
	run grep -c 'page format not recognised' "$BATS_TEST_TMPDIR/log"
	assert_output "5"
	run grep -c 'retrying' "$BATS_TEST_TMPDIR/log"
	assert_output "0"
}

@test "a database from before: sql/018 forgets older years' delinquency read from Unpaid; the first re-collection makes the rows left out unknown and tells no change" {
	collect 80 --today 2026-04-15
	# as pdc stored them before: an older year Unpaid was delinquent, a row
	# left out was 0.00 and, both 0.00, the year not delinquent
	sql "UPDATE tax_bills b SET delinquent = (status = 'Unpaid')
	     WHERE tax_year < (SELECT max(tax_year) FROM tax_bills c WHERE c.apn = b.apn)"
	sql "UPDATE tax_bills b SET interest_due = coalesce(interest_due, 0), fees_due = coalesce(fees_due, 0),
	     delinquent = coalesce(delinquent, coalesce(interest_due, 0) > 0 OR coalesce(fees_due, 0) > 0)
	     WHERE first_half_due IS NOT NULL"
	run sql "SELECT count(*) > 0 FROM tax_bills WHERE delinquent AND first_half_due IS NULL"
	assert_output "t"
	run sql "SELECT count(*) > 0 FROM tax_bills WHERE interest_due = 0 AND due > 0 AND first_half_due IS NOT NULL"
	assert_output "t"
	sql "$(cat "$TOP/sql/018_tax_unknowns.sql")"
	run sql "SELECT count(*) FROM tax_bills b WHERE delinquent IS NOT NULL AND due > 0
	         AND tax_year < (SELECT max(tax_year) FROM tax_bills c WHERE c.apn = b.apn)"
	assert_output "0"
	sql "TRUNCATE history"
	run_pdc 0 pdc-enqueue --force <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 4 --drain
	run_pdc 0 pdc-changes --json
	assert_output ""
	truth_tax <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	shown_tax <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/shown"
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	assert_success
	run partial_where_left_out
	assert_output ""
}
