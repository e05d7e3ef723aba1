# lib.bash - shell functions for setup_suite.bash and the tests.

# start_countyd NAME ARGS...: start a countyd, set COUNTYD_URL and COUNTYD_PID.
start_countyd() {
	local name=$1
	shift
	local out="$TEST_ROOT/countyd-$name.out"
	countyd -p 0 -t "$COUNTYD_TOKEN" --pidfile "$TEST_ROOT/countyd-$name.pid" "$@" >"$out" 2>"$TEST_ROOT/countyd-$name.err" &
	COUNTYD_PID=$!
	for _ in $(seq 100); do
		if grep -q 'listening on' "$out" 2>/dev/null; then
			COUNTYD_URL="http://$(sed -n 's/^countyd listening on //p' "$out" | head -n 1)"
			return 0
		fi
		sleep 0.1
	done
	echo "countyd $name did not start" >&2
	cat "$TEST_ROOT/countyd-$name.err" >&2
	return 1
}

# write_config FILE BASE_URL [TOKEN] [JQ]: a config.json pointing at a countyd
# (the assessor at BASE_URL, the treasurer and recorder on .2 and .3 of its
# port), with politeness limits high enough not to slow the tests; then the
# jq filter JQ applied to it, if given.
write_config() {
	local treasurer=${2/127.0.0.1/127.0.0.2} recorder=${2/127.0.0.1/127.0.0.3}
	cat >"$1" <<JSON
{
  "background_collection": { "max_concurrent_jobs": 4, "job_timeout_seconds": 30,
    "retry_attempts": 3, "cache_expiry_hours": 24, "auto_start_collection": false },
  "database_pool": { "min_connections": 2, "max_connections": 20, "connection_timeout_seconds": 30 },
  "sources": {
    "assessor": { "base_url": "$2", "token": "${3:-$COUNTYD_TOKEN}", "requests_per_second": 1000 },
    "treasurer": { "base_url": "$treasurer", "requests_per_second": 1000 },
    "recorder": { "base_url": "$recorder", "requests_per_second": 1000 }
  }
}
JSON
	if [ -n "${4:-}" ]; then
		jq "$4" "$1" >"$1.new" || return 1
		mv "$1.new" "$1"
	fi
	chmod 600 "$1"
}
