#!/usr/bin/env bats
# pdc-db probe: the live check of the county services for one parcel, against
# countyds of its own, as they are and with a site changed, down, refusing
# the token or forbidding pdc in robots.txt.

load test_helper

# probe_config FILE URL [TOKEN]: write_config, with sources.probe_apn and any
# other key changed by the jq filter in PROBE_JQ.
probe_config() {
	write_config "$1" "$2" "${3:-}"
	jq "${PROBE_JQ:-.}" "$1" >"$1.new"
	mv "$1.new" "$1"
	chmod 600 "$1"
	export PDC_CONFIG="$1"
}

# verdicts: "source verdict" lines from the JSON in $output.
verdicts() {
	printf '%s\n' "$output" | jq -r '"\(.source) \(.verdict)"'
}

# first_apn: the first APN of the countyd last started.
first_apn() {
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=1"
}

@test "probe: countyd as it is: every source ok, every expected field found, exit 0" {
	start_countyd probe-ok -n 50 -s 7
	probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	local apn host=${COUNTYD_URL#http://}
	apn=$(first_apn)
	run_pdc 0 pdc-db probe --json "$apn"
	run verdicts
	assert_output "assessor ok
treasurer ok
recorder ok"
	run_pdc 0 pdc-db probe --json "$apn"
	run jq -r 'select(.found == .expected and .missing == "" and .reason == null) | .source' <<<"$output"
	assert_output "assessor
treasurer
recorder"
	# each source on its own host, answering, with no robots.txt to obey
	run_pdc 0 pdc-db probe "$apn"
	assert_line --regexp "^assessor	$host	yes	none	[0-9]+	[0-9]+		ok	$"
	assert_line --regexp "^treasurer	${host/127.0.0.1/127.0.0.2}	yes	none	[0-9]+	[0-9]+		ok	$"
	assert_line --regexp "^recorder	${host/127.0.0.1/127.0.0.3}	yes	none	[0-9]+	[0-9]+		ok	$"
}

@test "probe: each host's robots.txt is asked for once, the collection keeping to the probe's answer" {
	printf 'User-agent: *\nDisallow: /private/\n' >"$BATS_TEST_TMPDIR/robots"
	start_countyd probe-robots-once -n 50 -s 7 --robots "recorder=$BATS_TEST_TMPDIR/robots"
	probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	local apn
	apn=$(first_apn)
	curl -sf "$COUNTYD_URL/_countyd/stats/reset" >/dev/null
	run_pdc 0 pdc-db probe --json "$apn"
	run verdicts
	assert_output "assessor ok
treasurer ok
recorder ok"
	# three hosts: three robots.txt requests (a 404 on two, the file on the recorder)
	run jq -r '.requests["/robots.txt"] | to_entries | map(.value) | add // 0' \
	    < <(curl -sf "$COUNTYD_URL/_countyd/stats")
	assert_output 3
	run jq -r '.requests["/robots.txt"]["200"] // 0' < <(curl -sf "$COUNTYD_URL/_countyd/stats")
	assert_output 1
}

@test "probe: the parcel comes from sources.probe_apn, 165-28-054 unless set" {
	start_countyd probe-default -n 50 -s 7
	probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	run_pdc 0 pdc-db config
	assert_line "sources.probe_apn	165-28-054	default"
	# countyd's county has no 165-28-054: the assessor says so, and there is nothing to look up
	run_pdc 2 pdc-db probe --json
	run verdicts
	assert_line "assessor changed"
	assert_line "recorder unchecked"
	run_pdc 2 pdc-db probe --json
	assert_output --partial "parcel not found"
	PROBE_JQ=".sources.probe_apn = \"$(first_apn)\"" probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	run_pdc 0 pdc-db probe --json
	run verdicts
	assert_output "assessor ok
treasurer ok
recorder ok"
}

@test "probe: a wrong token: the assessor unauthorized, the recorder unchecked, exit 2" {
	start_countyd probe-token -n 50 -s 7
	probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" not-the-token
	run_pdc 2 pdc-db probe --json "$(first_apn)"
	run verdicts
	assert_output "assessor unauthorized
treasurer ok
recorder unchecked"
	run_pdc 2 pdc-db probe "$(first_apn)"
	assert_line --regexp '^assessor	.*	unauthorized	assessor: authentication failed .*Unauthorized access!.*$'
	refute_output --partial not-the-token
}

@test "probe: a host failing (503 to everything): that source unreachable, exit 69" {
	start_countyd probe-fail -n 50 -s 7 --fail-host treasurer
	probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	run_pdc 69 pdc-db probe --json "$(first_apn)"
	run verdicts
	assert_output "assessor ok
treasurer unreachable
recorder ok"
	run_pdc 69 pdc-db probe "$(first_apn)"
	assert_line --regexp '^treasurer	[^	]+	no	unreadable \(HTTP 503\)				unreachable	.*HTTP 503$'
}

@test "probe: no server at all: every source unreachable, exit 69" {
	start_countyd probe-gone -n 50 -s 7
	probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	local apn
	apn=$(first_apn)
	kill "$COUNTYD_PID"
	wait "$COUNTYD_PID" 2>/dev/null || true
	run_pdc 69 pdc-db probe --json "$apn"
	run verdicts
	assert_output "assessor unreachable
treasurer unreachable
recorder unreachable"
}

@test "probe: a robots.txt disallowing pdc's paths: disallowed, nothing asked there, exit 2" {
	printf 'User-agent: *\nDisallow: /documents/\n' >"$BATS_TEST_TMPDIR/robots"
	start_countyd probe-robots -n 50 -s 7 --robots "recorder=$BATS_TEST_TMPDIR/robots"
	probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	run_pdc 2 pdc-db probe --json "$(first_apn)"
	run verdicts
	assert_output "assessor ok
treasurer ok
recorder disallowed"
	run_pdc 2 pdc-db probe "$(first_apn)"
	assert_line --regexp '^recorder	[^	]+	yes	disallowed /documents/[0-9]+				disallowed	robots\.txt of .* disallows /documents/[0-9]+$'
	run jq -e '[.requests["/documents/{recordingNumber}"], .requests["/documents/search"]] | map(to_entries | map(.value) | add // 0) | add == 0' \
	    < <(curl -sf "$COUNTYD_URL/_countyd/stats")
	assert_success
}

@test "probe: robots.txt not honoured (respect_robots_txt false): said, and checked anyway" {
	printf 'User-agent: *\nDisallow: /\n' >"$BATS_TEST_TMPDIR/robots"
	start_countyd probe-robots2 -n 50 -s 7 --robots "assessor=$BATS_TEST_TMPDIR/robots"
	PROBE_JQ='.sources.respect_robots_txt = false' probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	run_pdc 0 pdc-db probe "$(first_apn)"
	assert_line --regexp '^assessor	[^	]+	yes	disallowed /parcel/[0-9A-Z-]+ \(not honoured\)	[0-9]+	[0-9]+		ok	$'
}

@test "probe: answers pdc cannot read: changed, naming what did not fit, exit 2" {
	start_countyd probe-wrongtype -n 50 -s 7 --fault recorder:wrongtype=1
	probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	run_pdc 2 pdc-db probe --json "$(first_apn)"
	run verdicts
	assert_output "assessor ok
treasurer ok
recorder changed"
	run_pdc 2 pdc-db probe "$(first_apn)"
	assert_line --regexp '^recorder	[^	]+	yes	none				changed	recorder: /documents/[0-9]+: recordingNumber: .* is not a recording number$'
}

@test "probe: the treasurer's newer portal page: changed, naming the format, exit 2" {
	start_countyd probe-portal -n 50 -s 7 --treasurer-portal
	probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	run_pdc 2 pdc-db probe --json "$(first_apn)"
	run verdicts
	assert_output "assessor ok
treasurer changed
recorder ok"
	run_pdc 2 pdc-db probe --json "$(first_apn)"
	run jq -r 'select(.source == "treasurer") | .reason' <<<"$output"
	assert_output --partial "format not recognised"
}

@test "probe: keeps to each host's configured rate by itself" {
	start_countyd probe-rate -n 50 -s 7 --rate-limit treasurer=2 --rate-limit recorder=2
	PROBE_JQ='.sources.treasurer.requests_per_second = 2 | .sources.recorder.requests_per_second = 2' \
	    probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	run_pdc 0 pdc-db probe --json "$(first_apn)"
	run verdicts
	assert_output "assessor ok
treasurer ok
recorder ok"
	run jq -e '.hosts.treasurer.peak_per_second <= 2 and .hosts.recorder.peak_per_second <= 2
	    and (.hosts.treasurer.status["429"] // 0) == 0 and (.hosts.recorder.status["429"] // 0) == 0' \
	    < <(curl -sf "$COUNTYD_URL/_countyd/stats")
	assert_success
}

@test "probe: needs no database, and stores nothing" {
	db_reset
	start_countyd probe-nodb -n 50 -s 7
	probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	PDC_DATABASE_URL="postgresql:///pdc?host=$BATS_TEST_TMPDIR/nowhere" run_pdc 0 pdc-db probe --json "$(first_apn)"
	run verdicts
	assert_output "assessor ok
treasurer ok
recorder ok"
	run_pdc 0 pdc-db probe --json "$(first_apn)"
	run_pdc 0 sql "SELECT (SELECT count(*) FROM properties) + (SELECT count(*) FROM tax_bills)
	    + (SELECT count(*) FROM sales) + (SELECT count(*) FROM hosts) + (SELECT count(*) FROM responses)"
	assert_output "0"
}

@test "probe: --header names the columns; a bad APN is 65, a bad probe_apn 78, two are 64" {
	start_countyd probe-usage -n 50 -s 7
	probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	run_pdc 0 pdc-db probe --header "$(first_apn)"
	assert_line --index 0 "source	host	reachable	robots	found	expected	missing	verdict	reason"
	run_pdc 65 pdc-db probe 165-28-05
	assert_output 'pdc-db: bad APN "165-28-05"'
	run_pdc 64 pdc-db probe 165-28-054 165-28-055
	assert_line --index 0 'pdc-db: unexpected argument "165-28-055" after "165-28-054"'
	run_pdc 64 pdc-db check 165-28-054
	PROBE_JQ='.sources.probe_apn = "not-a-parcel"' probe_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	run_pdc 78 pdc-db probe
	assert_output --partial 'sources.probe_apn: "not-a-parcel" is not a parcel number'
}
