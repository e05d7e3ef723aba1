# setup_suite.bash - one throwaway world for every suite: pdc's own embedded
# PostgreSQL cluster in a temporary directory, and countyd.  Fails loudly.

# Beside this file, wherever the suite is (02-suites runs suites of a fixture
# through tests/run.sh with this world).
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

setup_suite() {
	export TOP="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
	export BUILD="${BUILD:-build}"
	case "$BUILD" in /*) ;; *) BUILD="$TOP/$BUILD" ;; esac
	export PATH="$BUILD/bin:$PATH"
	# Short: the socket path must fit in 107 bytes.  Others may enter (the
	# server runs as postgres when we are root).
	export TEST_ROOT="$(mktemp -d /tmp/pdct.XXXXXX)"
	chmod 755 "$TEST_ROOT"
	# tests/run.sh removes them, and the cluster in TEST_ROOT, after a runner
	# it killed at its time limit; bats' own directory holds the running
	# test's output
	if [ -n "${PDC_RUNNER:-}" ]; then
		printf '%s\n' "$TEST_ROOT" "$BATS_RUN_TMPDIR" >>"$PDC_RUNNER.dirs"
	fi
	export XDG_DATA_HOME="$TEST_ROOT/data" XDG_CONFIG_HOME="$TEST_ROOT/config" XDG_STATE_HOME="$TEST_ROOT/state"
	mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME"
	chmod 755 "$XDG_DATA_HOME"
	unset PDC_DATABASE_URL PDC_ASSESSOR_TOKEN PGHOST PGDATABASE PGUSER
	# A throwaway cluster need not survive a power cut.
	export PDC_PG_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

	pdc-db start >"$TEST_ROOT/db-start.log" 2>&1 || {
		cat "$TEST_ROOT/db-start.log" "$XDG_DATA_HOME"/pdc/init.log >&2
		return 1
	}
	export DBURL="$(pdc-db url)"

	export COUNTYD_TOKEN="test-token-$$"
	export COUNTYD_N=1000
	start_countyd main -n "$COUNTYD_N" -s 7 || return 1
	export COUNTY_URL="$COUNTYD_URL" COUNTYD_MAIN_PID="$COUNTYD_PID"
	write_config "$TEST_ROOT/config.json" "$COUNTY_URL"
	export PDC_CONFIG="$TEST_ROOT/config.json"
}

teardown_suite() {
	[ -n "${TEST_ROOT:-}" ] || return 0
	pkill -f "pdc-worker" -P $$ 2>/dev/null
	for f in "$TEST_ROOT"/countyd-*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	pdc-db stop >/dev/null 2>&1
	rm -rf "$TEST_ROOT"
}

