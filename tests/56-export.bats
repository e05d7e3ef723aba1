#!/usr/bin/env bats
# pdc-export: records in bulk, as CSV and JSON Lines, compared with countyd's truth.

load test_helper

N=250

setup_file() {
	export APNS="$BATS_FILE_TMPDIR/apns"
	county_apns "$N" >"$APNS"
	db_reset
	pdc-enqueue <"$APNS" >/dev/null 2>&1
	pdc-worker -j 16 --drain >"$BATS_FILE_TMPDIR/worker.log" 2>&1
}

# csv_records FILE: each CSV row of FILE as a JSON object keyed by the header,
# read by Python's csv module; fails unless every row has the header's columns.
csv_records() {
	python3 -c '
import csv, json, sys
with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f))
head = rows[0]
for i, r in enumerate(rows[1:], 2):
    if len(r) != len(head):
        sys.exit("row %d: %d columns, the header has %d" % (i, len(r), len(head)))
    print(json.dumps(dict(zip(head, r))))
' "$1"
}

@test "CSV of $N parcels, read by a CSV parser, agrees with the truth" {
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "completed|$N"
	pdc-export --csv - <"$APNS" >"$BATS_TEST_TMPDIR/out.csv"
	csv_records "$BATS_TEST_TMPDIR/out.csv" >"$BATS_TEST_TMPDIR/rows"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/rows")" -eq "$N" ]
	# every line ends CRLF, as RFC 4180 has it
	[ "$(grep -c $'\r$' "$BATS_TEST_TMPDIR/out.csv")" -eq "$((N + 1))" ]
	assert_equal "$(head -n 1 "$BATS_TEST_TMPDIR/out.csv" | tr -d '\r')" \
	    "apn,status,collected_at,owner_name,in_care_of,mailing_address1,mailing_address2,mailing_city,mailing_state,mailing_zip,mailing_country,situs_address,property_type,property_use_code,property_use,sale_date,sale_price,sale_recording_number,sale_document_code,value_year,full_cash_value,limited_property_value,tax_year,tax_billed,tax_paid,tax_due,tax_delinquent,basic_state,basic_collected_at,valuations_state,valuations_collected_at,residential_state,residential_collected_at,tax_state,tax_collected_at,sales_state,sales_collected_at"
	# in the order asked
	assert_equal "$(jq -r .apn "$BATS_TEST_TMPDIR/rows")" "$(cat "$APNS")"
	truth_full <"$APNS" >"$BATS_TEST_TMPDIR/truth"
	# A cell is the truth's value as text, empty where the truth has null.
	jq -n -r --slurpfile t "$BATS_TEST_TMPDIR/truth" --slurpfile c "$BATS_TEST_TMPDIR/rows" '
	  def same($cell; $v): if $v == null then $cell == ""
	    elif ($v | type) == "number" then $cell != "" and ($cell | tonumber) == $v
	    else $cell == ($v | tostring) end;
	  ($t | map({key: .apn, value: .}) | from_entries) as $truth
	  | $c[] | . as $row | $truth[$row.apn] as $x
	  | ($x.valuations | max_by(.tax_year)) as $v
	  | ($x.tax_bills | max_by(.tax_year)) as $b
	  | ($x.sales[0]) as $s
	  | [["owner_name", $x.properties.owner_name], ["in_care_of", $x.properties.in_care_of],
	     ["mailing_address1", $x.properties.mailing_address1],
	     ["mailing_address2", $x.properties.mailing_address2],
	     ["mailing_city", $x.properties.mailing_city], ["mailing_state", $x.properties.mailing_state],
	     ["mailing_zip", $x.properties.mailing_zip], ["mailing_country", $x.properties.mailing_country],
	     ["situs_address", $x.properties.property_address],
	     ["property_type", $x.properties.property_type],
	     ["property_use_code", $x.properties.property_use_code],
	     ["property_use", $x.properties.pe_prop_use_desc],
	     ["value_year", $v.tax_year], ["full_cash_value", $v.full_cash_value],
	     ["limited_property_value", $v.limited_property_value],
	     ["tax_year", $b.tax_year], ["tax_billed", $b.assessed_tax], ["tax_paid", $b.paid],
	     ["tax_due", $b.due], ["tax_delinquent", $b.delinquent],
	     ["sale_date", $s.recording_date], ["sale_price", $s.sale_price],
	     ["sale_recording_number", $s.recording_number], ["sale_document_code", $s.document_code]][]
	  | select(same($row[.[0]]; .[1]) | not)
	  | "\($row.apn): \(.[0]) is \($row[.[0]] | tojson), the truth \(.[1] | tojson)"' >"$BATS_TEST_TMPDIR/wrong"
	run cat "$BATS_TEST_TMPDIR/wrong"
	assert_output ""
	# each part says its state and when it was collected; the record is
	# complete, but for a tax part partial where the treasurer's page left out
	# an interest or fees row (tests/58-treasurer.bats checks the reasons)
	jq -s -e 'all((.status == "complete" or (.status == "partial" and .tax_state == "partial"))
	  and (.collected_at | test("^20[0-9-]+T[0-9:]+Z$")))' "$BATS_TEST_TMPDIR/rows"
	jq -s -e 'all(.basic_state == "complete" and (.tax_state == "complete" or .tax_state == "partial")
	  and (.residential_state == "complete" or .residential_state == "missing")
	  and (.basic_collected_at | test("^20")) and (.sales_collected_at | test("^20")))' "$BATS_TEST_TMPDIR/rows"
	assert_equal "$(jq -s '[.[] | select(.tax_state == "partial")] | length' "$BATS_TEST_TMPDIR/rows")" \
	    "$(county_truths <"$APNS" | jq -s '[.[] | select(.tax_bills[0].unstated
	      | any(. == "interest_due" or . == "fees_due"))] | length')"
	# the served variety was there: delinquent bills, parcels with no sale
	jq -s -e 'any(.tax_delinquent == "true")' "$BATS_TEST_TMPDIR/rows"
	jq -s -e 'any(.tax_delinquent == "false")' "$BATS_TEST_TMPDIR/rows"
	jq -s -e 'any(.residential_state == "missing")' "$BATS_TEST_TMPDIR/rows"
}

@test "JSON Lines of $N parcels are pdc-show --json's records, and agree with the truth" {
	pdc-export --json - <"$APNS" >"$BATS_TEST_TMPDIR/out.jsonl"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out.jsonl")" -eq "$N" ]
	local rc=0
	# shellcheck disable=SC2046
	pdc-show --json $(head -n 40 "$APNS") >"$BATS_TEST_TMPDIR/show.jsonl" || rc=$?
	assert_equal "$(head -n 40 "$BATS_TEST_TMPDIR/out.jsonl")" "$(cat "$BATS_TEST_TMPDIR/show.jsonl")"
	# pdc-show exits 1 when a record is partial (a treasurer's page left out a row), else 0
	assert_equal "$rc" "$(jq -s 'if all(.status == "complete") then 0 else 1 end' "$BATS_TEST_TMPDIR/show.jsonl")"
	jq -S -c "$SHOWN_AS_TRUTH" "$BATS_TEST_TMPDIR/out.jsonl" | LC_ALL=C sort >"$BATS_TEST_TMPDIR/shown"
	truth_full <"$APNS" >"$BATS_TEST_TMPDIR/truth"
	run records_agree "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	assert_success
	# the latest sale of the CSV is the newest presented sale of the record
	pdc-export --csv $(head -n 60 "$APNS") >"$BATS_TEST_TMPDIR/out.csv"
	csv_records "$BATS_TEST_TMPDIR/out.csv" | jq -c '[.apn, .sale_recording_number]' >"$BATS_TEST_TMPDIR/csvsales"
	head -n 60 "$BATS_TEST_TMPDIR/out.jsonl" |
	    jq -c '[.apn, (.sales | max_by([.recording_date, .recording_number]) | .recording_number // "")]' \
	    >"$BATS_TEST_TMPDIR/jsonsales"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/csvsales")" "$(cat "$BATS_TEST_TMPDIR/jsonsales")"
}

@test "with no APN every stored record goes out, in APN order; arguments, a pipe and - agree" {
	pdc-export --json >"$BATS_TEST_TMPDIR/all.jsonl"
	assert_equal "$(jq -r .apn "$BATS_TEST_TMPDIR/all.jsonl")" "$(LC_ALL=C sort "$APNS")"
	pdc-export >"$BATS_TEST_TMPDIR/all.csv"
	[ "$(csv_records "$BATS_TEST_TMPDIR/all.csv" | wc -l)" -eq "$N" ]
	# pdc-search's TSV and --json lines are read as pdc-enqueue reads them
	head -n 5 "$APNS" | jq -R -c '{apn: .}' | pdc-export - >"$BATS_TEST_TMPDIR/pipe.csv"
	# shellcheck disable=SC2046
	pdc-export $(head -n 5 "$APNS") >"$BATS_TEST_TMPDIR/args.csv"
	cmp "$BATS_TEST_TMPDIR/pipe.csv" "$BATS_TEST_TMPDIR/args.csv"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/args.csv")" -eq 6 ]
}

@test "commas, quotes, line breaks and blanks are quoted; unknown values are empty, never 0" {
	local apn
	apn=$(head -n 1 "$APNS")
	sql "UPDATE properties SET owner_name = 'SMITH, JOHN \"JACK\"', in_care_of = ' C/O ',
	     mailing_address2 = E'UNIT 4\nBLDG 2', mailing_country = NULL WHERE apn = '$apn'"
	sql "UPDATE tax_bills SET paid = NULL, delinquent = NULL WHERE apn = '$apn'"
	run_pdc 0 pdc-export "$apn"
	printf '%s' "$output" >"$BATS_TEST_TMPDIR/q.csv"
	assert_output --partial '"SMITH, JOHN ""JACK"""'
	csv_records "$BATS_TEST_TMPDIR/q.csv" >"$BATS_TEST_TMPDIR/q"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/q")" -eq 1 ]
	jq -e '.owner_name == "SMITH, JOHN \"JACK\""' "$BATS_TEST_TMPDIR/q"
	jq -e '.in_care_of == " C/O "' "$BATS_TEST_TMPDIR/q"
	jq -e '.mailing_address2 == "UNIT 4\nBLDG 2"' "$BATS_TEST_TMPDIR/q"
	jq -e '.mailing_country == "" and .tax_paid == "" and .tax_delinquent == ""' "$BATS_TEST_TMPDIR/q"
	jq -e '.tax_billed != ""' "$BATS_TEST_TMPDIR/q"
	# the JSON keeps them as they are, null for unknown
	run_pdc 0 pdc-export --json "$apn"
	echo "$output" | jq -e '.properties.owner_name == "SMITH, JOHN \"JACK\"" and .properties.mailing_country == null'
	echo "$output" | jq -e '.tax_bills[0].paid == null'
	# put the parcel back as collected
	run_pdc 0 pdc-enqueue --force "$apn"
	run_pdc 0 pdc-worker --drain
}

@test "an APN never collected is a missing row and exit 1; bad input exits 64 or 65 with one line" {
	local apn
	apn=$(head -n 1 "$APNS")
	run_pdc 1 pdc-export 999-99-999 "$apn"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/m.csv"
	csv_records "$BATS_TEST_TMPDIR/m.csv" >"$BATS_TEST_TMPDIR/m"
	jq -s -e '.[0].apn == "999-99-999" and .[0].status == "missing"' "$BATS_TEST_TMPDIR/m"
	# nothing else is known of it
	jq -s -e '.[0] | del(.apn, .status) | all(.[]; . == "")' "$BATS_TEST_TMPDIR/m"
	jq -s -e '.[1].apn == "'"$apn"'" and .[1].status == "complete"' "$BATS_TEST_TMPDIR/m"
	run_pdc 1 pdc-export --json 999-99-999
	echo "$output" | jq -e '.status == "missing" and .properties == null and .sales == []'
	run_pdc 65 pdc-export "$apn" 165-28-05
	assert_output 'pdc-export: bad APN "165-28-05"'
	run_pdc 65 bash -c "printf '%s\n' $apn nonsense 999-99-999 1A5-28-054 $apn | pdc-export - 2>'$BATS_TEST_TMPDIR/err'"
	# each bad line is skipped; the records of the others are written, in order
	[ "${#lines[@]}" -eq 4 ]
	assert_line --index 1 --partial "$apn,complete,"
	assert_line --index 2 --partial "999-99-999,missing,"
	assert_line --index 3 --partial "$apn,complete,"
	run cat "$BATS_TEST_TMPDIR/err"
	[ "${#lines[@]}" -eq 2 ]
	assert_line --index 0 'pdc-export: line 2: bad APN "nonsense"'
	assert_line --index 1 'pdc-export: line 4: bad APN "1A5-28-054"'
	run_pdc 64 pdc-export - "$apn"
	[ "${#lines[@]}" -eq 2 ]
	run_pdc 64 pdc-export --bogus
	run_pdc 0 pdc-export --help
	assert_output --partial 'usage: pdc-export'
}

# peak_kb ARGS...: the peak resident memory of pdc-export ARGS, in kilobytes.
# Under AddressSanitizer freed memory is held back (its quarantine) and
# would count as kept: none is held here.
peak_kb() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" \
	    /usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/kb" pdc-export "$@" >/dev/null
	cat "$BATS_TEST_TMPDIR/kb"
}

@test "memory stays the same whatever the number of parcels" {
	# Four copies of every record under other books: 5 x $N stored records.
	local t k
	for k in 6 7 8 9; do
		for t in properties valuations residential_details tax_bills tax_districts tax_payments sales record_parts; do
			sql "INSERT INTO $t SELECT (jsonb_populate_record(NULL::$t,
			  to_jsonb(x) || jsonb_build_object('apn', '$k' || substr(x.apn, 2)))).*
			  FROM $t x WHERE x.apn = ANY (string_to_array('$(paste -sd, "$APNS")', ','))"
		done
	done
	[ "$(pdc-export --json | wc -l)" -eq "$((N * 5))" ]
	local small big
	small=$(head -n 50 "$APNS" | peak_kb --json -)
	big=$(peak_kb --json)
	echo "# peak RSS: 50 records ${small} kB, $((N * 5)) records ${big} kB" >&3
	# twenty-five times the records, not a quarter more memory
	[ "$big" -lt "$((small * 5 / 4))" ]
	small=$(head -n 50 "$APNS" | peak_kb --csv -)
	big=$(peak_kb --csv)
	[ "$big" -lt "$((small * 5 / 4))" ]
	for k in 6 7 8 9; do
		for t in properties valuations residential_details tax_bills tax_districts tax_payments sales record_parts; do
			sql "DELETE FROM $t WHERE apn LIKE '$k%'"
		done
	done
}
