#!/usr/bin/env bats
# Security: hostile text is data, TLS is verified, the token stays secret.

load test_helper

setup() {
	db_reset
}

teardown() {
	# the ps sampler of the token test, should the test stop early
	if [ -n "${SAMPLER:-}" ]; then
		touch "$BATS_TEST_TMPDIR/stop"
		wait "$SAMPLER" || true
	fi
}

# Run a command for its output only, appended to $out; its status is checked
# elsewhere (or is beside the point).
capture() {
	"$@" >>"$out" 2>&1 || true
}

# The first N APNs of the countyd at COUNTYD_URL.
apns_of() {
	curl -sf "$COUNTYD_URL/_countyd/apns?limit=$1"
}

@test "county text that looks like SQL, shell or format strings is stored byte for byte, and nothing runs" {
	rm -f /tmp/pwned
	start_countyd hostile -n 50 -s 7 --hostile-names
	write_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json" COUNTY_URL="$COUNTYD_URL"
	apns_of 8 >"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	run_pdc 0 pdc-worker -j 4 --drain
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "completed|8"
	# the assessor's parts, every field, as the truth has them
	truth_json <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth"
	stored_json <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/stored"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/truth")" -eq 8 ]
	run diff "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/stored"
	assert_success
	# the hostile values themselves, through pdc-show, byte for byte
	jq -r '.properties | [.owner_name, .mailing_address1, .property_description] | @json' \
		"$BATS_TEST_TMPDIR/truth" | sort >"$BATS_TEST_TMPDIR/want"
	show_full <"$BATS_TEST_TMPDIR/apns" |
		jq -r '.properties | [.owner_name, .mailing_address1, .property_description] | @json' |
		sort >"$BATS_TEST_TMPDIR/got"
	run cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
	run_pdc 0 grep -cF "DROP TABLE records" "$BATS_TEST_TMPDIR/got"
	assert_output 1
	run_pdc 0 grep -cF '$(touch /tmp/pwned)' "$BATS_TEST_TMPDIR/got"
	assert_output 1
	# the whole record too: tax bills from HTML that escaped the markup, and
	# deeds found by searching the recorder for these names
	truth_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/truth_full"
	show_full <"$BATS_TEST_TMPDIR/apns" >"$BATS_TEST_TMPDIR/show_full"
	run records_agree "$BATS_TEST_TMPDIR/truth_full" "$BATS_TEST_TMPDIR/show_full"
	assert_success
	# nothing was executed, no table dropped
	[ ! -e /tmp/pwned ]
	run_pdc 0 sql "SELECT count(*) FROM properties WHERE owner_name = 'O''BRIEN''); DROP TABLE records;--'"
	assert_output 1
	run_pdc 0 sql "SELECT count(*) FROM properties WHERE owner_name = 'M' || U&'\\00DC' || 'LLER JOS' || U&'\\00C9' || ' & ' || U&'\\00D1' || 'AND' || U&'\\00DA' || ' ' || U&'\\674E'"
	assert_output 1
}

@test "a search for SQL- or shell-looking text finds those owners and prints them verbatim" {
	rm -f /tmp/pwned
	start_countyd hostile2 -n 50 -s 7 --hostile-names
	write_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL"
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	local q want
	for q in "O'BRIEN'); DROP TABLE" '$(touch /tmp/pwned)' '`id`' '%s%n%x%p' 'BACK\SLASH \\' '<script>'; do
		want=$(curl -sf "$COUNTYD_URL/_countyd/apns?limit=8" | while read -r a; do
			curl -sf "$COUNTYD_URL/_countyd/truth/$a" | jq -r --arg q "$q" \
				'select(.properties.owner_name | contains($q)) | [.apn, .properties.owner_name] | @tsv'
		done)
		[ -n "$want" ]
		run_pdc 0 pdc-search --json "$q"
		[ "$(echo "$output" | jq -r '[.apn, .owner] | @tsv')" = "$want" ]
	done
	# and what the search saw is stored as it came
	run_pdc 0 sql "SELECT count(*) FROM properties WHERE owner_name = '\`id\` SMITH JANE'"
	assert_output 1
	# text that matches nobody is still only a query
	run_pdc 0 pdc-search "'; DROP TABLE jobs; -- \$(touch /tmp/pwned) %n%n%n"
	assert_output --partial "no parcels match"
	run_pdc 0 sql "SELECT count(*) FROM jobs"
	assert_output 0
	[ ! -e /tmp/pwned ]
}

@test "pdc-enqueue takes only the apn of a JSON line; hostile other fields are ignored" {
	rm -f /tmp/pwned
	run_pdc 0 bash -c 'printf "%s\n" "{\"apn\": \"165-28-054\", \"owner\": \"x'"'"'); DROP TABLE jobs;--\", \"cmd\": \"\$(touch /tmp/pwned)\", \"fmt\": \"%s%n\"}" | pdc-enqueue'
	run_pdc 0 sql "SELECT string_agg(apn, ' ') FROM jobs"
	assert_output "165-28-054"
	[ ! -e /tmp/pwned ]
}

# A self-signed certificate for the three countyd addresses.
make_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=countyd \
		-addext "subjectAltName=IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3" \
		-keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" 2>/dev/null
}

@test "TLS: a self-signed county fails with a message naming the certificate, unless sources.ca_file trusts it" {
	make_cert
	# the same county as the main countyd (same seed and size): its truth serves
	start_countyd tls -n "$COUNTYD_N" -s 7 --tls-cert "$BATS_TEST_TMPDIR/cert.pem" \
		--tls-key "$BATS_TEST_TMPDIR/key.pem"
	local url="https://${COUNTYD_URL#http://}" apn
	apn=$(county_apns 1)
	# it really is HTTPS
	curl -sf --cacert "$BATS_TEST_TMPDIR/cert.pem" "$url/_countyd/apns?limit=1" >/dev/null
	run curl -sf "$url/_countyd/apns?limit=1"
	assert_failure

	write_config "$BATS_TEST_TMPDIR/c.json" "$url"
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	run_pdc 2 pdc-worker --apn "$apn"
	assert_output --regexp "TLS verification failed for 127\.0\.0\.[123]: .*certificate"
	run_pdc 0 sql "SELECT count(*) FROM properties"
	assert_output 0
	# through the queue: the job fails and says why
	run_pdc 0 pdc-enqueue "$apn"
	run_pdc 0 pdc-worker --drain
	run_pdc 0 sql "SELECT state FROM jobs"
	assert_output failed
	run_pdc 0 sql "SELECT last_error FROM jobs"
	assert_output --regexp "TLS verification failed for 127\.0\.0\.[123]: .*certificate"
	run_pdc 2 pdc-status "$apn"
	run_pdc 2 pdc-search SMITH
	assert_output --partial "TLS verification failed"

	# trusting the certificate: collected, and equal to the truth
	db_reset
	write_config "$BATS_TEST_TMPDIR/c.json" "$url" "" ".sources.ca_file = \"$BATS_TEST_TMPDIR/cert.pem\""
	run_pdc 0 pdc-db config
	assert_line "sources.ca_file	$BATS_TEST_TMPDIR/cert.pem	file"
	run_pdc 0 pdc-worker --apn "$apn"
	assert_output --partial "Data collection completed for APN"
	echo "$apn" | truth_full >"$BATS_TEST_TMPDIR/truth"
	echo "$apn" | show_full >"$BATS_TEST_TMPDIR/shown"
	[ -s "$BATS_TEST_TMPDIR/truth" ]
	run records_agree "$BATS_TEST_TMPDIR/truth" "$BATS_TEST_TMPDIR/shown"
	assert_success
	run_pdc 0 pdc-search --json SMITH
	[ "$(echo "$output" | grep -c '"apn"')" -gt 0 ]

	# --ca-file does the same for one worker
	db_reset
	write_config "$BATS_TEST_TMPDIR/c.json" "$url"
	run_pdc 0 pdc-worker --apn "$apn" --ca-file "$BATS_TEST_TMPDIR/cert.pem"
	run_pdc 0 sql "SELECT count(*) FROM properties"
	assert_output 1
}

@test "TLS: countyd refuses half a TLS setup" {
	make_cert
	run countyd -p 0 --tls-cert "$BATS_TEST_TMPDIR/cert.pem"
	[ "$status" -eq 64 ]
	assert_output --partial "--tls-cert and --tls-key go together"
	run countyd -p 0 --tls-cert /nonexistent --tls-key "$BATS_TEST_TMPDIR/key.pem"
	[ "$status" -eq 64 ]
}

# Look for SECRET everywhere pdc writes: the files given, the database's
# every table as text, and the cluster's files and log.
assert_secret_nowhere() {
	local secret=$1 f
	shift
	for f in "$@"; do
		if grep -aqF "$secret" "$f"; then
			echo "the token is in $f:" >&2
			grep -aF "$secret" "$f" | head -5 >&2
			return 1
		fi
	done
	pg_dump --data-only "$DBURL" >"$BATS_TEST_TMPDIR/dump.sql"
	[ -s "$BATS_TEST_TMPDIR/dump.sql" ]
	if grep -aqF "$secret" "$BATS_TEST_TMPDIR/dump.sql"; then
		echo "the token is in the database:" >&2
		grep -aF "$secret" "$BATS_TEST_TMPDIR/dump.sql" | head -5 >&2
		return 1
	fi
	# the cluster's files (tables, WAL, the server log) and the worker logs
	if grep -raqF "$secret" "$XDG_DATA_HOME/pdc" "$XDG_STATE_HOME"; then
		echo "the token is in $(grep -rlaF "$secret" "$XDG_DATA_HOME/pdc" "$XDG_STATE_HOME" | head -3)" >&2
		return 1
	fi
}

# Sample `ps -eo args` into FILE until the file STOP exists.
sample_ps() {
	while [ ! -e "$2" ]; do
		ps -eo args >>"$1"
		sleep 0.05
	done
}

@test "the assessor token never appears in logs, errors, ps output or the database" {
	local secret="tok-SECRET-7f3a9c-$$" wrong="tok-WRONG-b41e07-$$"
	out="$BATS_TEST_TMPDIR/out"
	start_countyd secret -n 100 -s 7 -t "$secret"
	write_config "$BATS_TEST_TMPDIR/c.json" "$COUNTYD_URL" "$secret"
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json" PDC_LOG_LEVEL=debug COUNTY_URL="$COUNTYD_URL"
	: >"$out"
	# no fd of bats's may stay open in the background
	sample_ps "$BATS_TEST_TMPDIR/ps" "$BATS_TEST_TMPDIR/stop" >/dev/null 2>&1 3>&- &
	SAMPLER=$!

	# the token works: everything is collected with it
	apns_of 20 >"$BATS_TEST_TMPDIR/apns"
	local first last
	first=$(head -1 "$BATS_TEST_TMPDIR/apns")
	last=$(tail -1 "$BATS_TEST_TMPDIR/apns")
	capture pdc-search SMITH
	capture pdc-search --json "$first"
	capture pdc-enqueue <"$BATS_TEST_TMPDIR/apns"
	capture pdc-worker -j 4 --drain
	capture pdc-worker --apn "$last"
	run_pdc 0 sql "SELECT state, count(*) FROM jobs GROUP BY state"
	assert_output "completed|20"
	# shellcheck disable=SC2046
	capture pdc-show $(cat "$BATS_TEST_TMPDIR/apns")
	# shellcheck disable=SC2046
	capture pdc-show --json $(cat "$BATS_TEST_TMPDIR/apns")
	capture pdc-status
	capture pdc-status --json
	capture pdc-stats
	capture pdc-stats --json
	capture pdc-db config
	capture pdc-db config --json
	capture pdc-db check
	# the token from the environment, too
	(export PDC_ASSESSOR_TOKEN="$secret"; capture pdc-db config; capture pdc-worker --apn "$first")

	# a wrong token: the county refuses, pdc says so (exit 78), naming no token
	write_config "$BATS_TEST_TMPDIR/w.json" "$COUNTYD_URL" "$wrong"
	run_pdc 78 env PDC_CONFIG="$BATS_TEST_TMPDIR/w.json" pdc-worker --apn "$first"
	echo "$output" >>"$out"
	assert_output --partial "sources.assessor.token"
	run_pdc 78 env PDC_CONFIG="$BATS_TEST_TMPDIR/w.json" pdc-search SMITH
	echo "$output" >>"$out"
	capture env PDC_CONFIG="$BATS_TEST_TMPDIR/w.json" pdc-enqueue --force <"$BATS_TEST_TMPDIR/apns"
	run_pdc 78 env PDC_CONFIG="$BATS_TEST_TMPDIR/w.json" pdc-worker -j 2 --drain
	echo "$output" >>"$out"
	# a host that fails, and one that is not there: errors that carry URLs
	start_countyd secret-down -n 100 -s 7 -t "$secret" --fail-host assessor
	write_config "$BATS_TEST_TMPDIR/d.json" "$COUNTYD_URL" "$secret" '.background_collection.retry_attempts = 0'
	run_pdc 69 env PDC_CONFIG="$BATS_TEST_TMPDIR/d.json" pdc-worker --apn "$first"
	echo "$output" >>"$out"
	run_pdc 69 env PDC_CONFIG="$BATS_TEST_TMPDIR/d.json" pdc-search SMITH
	echo "$output" >>"$out"
	capture env PDC_CONFIG="$BATS_TEST_TMPDIR/d.json" pdc-enqueue --force "$first" "$last"
	capture env PDC_CONFIG="$BATS_TEST_TMPDIR/d.json" pdc-worker --drain
	write_config "$BATS_TEST_TMPDIR/n.json" "http://127.0.0.1:9" "$secret" '.background_collection.retry_attempts = 0'
	run_pdc 69 env PDC_CONFIG="$BATS_TEST_TMPDIR/n.json" pdc-worker --apn "$first"
	echo "$output" >>"$out"
	run_pdc 69 env PDC_CONFIG="$BATS_TEST_TMPDIR/n.json" pdc-search SMITH
	echo "$output" >>"$out"
	sed "1d;\$d" "$BATS_TEST_TMPDIR/apns" | capture env PDC_CONFIG="$BATS_TEST_TMPDIR/n.json" pdc-enqueue --force
	capture env PDC_CONFIG="$BATS_TEST_TMPDIR/n.json" pdc-worker -j 2 --drain
	capture pdc-status --json
	capture pdc-status "$first" "$last"
	# shellcheck disable=SC2046
	capture pdc-show --json $(head -3 "$BATS_TEST_TMPDIR/apns")

	touch "$BATS_TEST_TMPDIR/stop"
	wait "$SAMPLER"
	SAMPLER=""
	# the errors really happened, with URLs in them
	run_pdc 0 grep -c "http://127.0.0.1:9/" "$out"
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE last_error LIKE '%HTTP 503%'"
	[ "$output" -gt 0 ]
	run_pdc 0 sql "SELECT count(*) FROM jobs WHERE last_error LIKE '%http://127.0.0.1:9/%'"
	[ "$output" -gt 0 ]
	# and the debug log level was on
	run_pdc 0 grep -c " DEBUG " "$out"
	# ps saw pdc's programs at work; countyd's own command line holds the
	# token it expects, and is not pdc's
	grep -v '^countyd ' "$BATS_TEST_TMPDIR/ps" >"$BATS_TEST_TMPDIR/ps-pdc"
	run_pdc 0 grep -c '^pdc-worker' "$BATS_TEST_TMPDIR/ps-pdc"
	assert_secret_nowhere "$secret" "$out" "$BATS_TEST_TMPDIR/ps-pdc"
	assert_secret_nowhere "$wrong" "$out" "$BATS_TEST_TMPDIR/ps-pdc"
}

@test "a configuration file holding the token and readable by others gets a warning" {
	write_config "$BATS_TEST_TMPDIR/c.json" "$COUNTY_URL"
	export PDC_CONFIG="$BATS_TEST_TMPDIR/c.json"
	chmod 644 "$PDC_CONFIG"
	run_pdc 0 pdc-stats
	assert_output --partial "pdc-stats: warning: $PDC_CONFIG holds the assessor token and is readable by others (chmod 600 it)"
	chmod 640 "$PDC_CONFIG"
	run_pdc 0 pdc-db config
	assert_output --partial "readable by others"
	chmod 600 "$PDC_CONFIG"
	run_pdc 0 pdc-stats
	refute_output --partial "warning"
	# no token in the file, nothing to warn about
	jq '.sources.assessor.token = ""' "$PDC_CONFIG" >"$PDC_CONFIG.new"
	mv "$PDC_CONFIG.new" "$PDC_CONFIG"
	chmod 644 "$PDC_CONFIG"
	run_pdc 0 pdc-stats
	refute_output --partial "warning"
}
