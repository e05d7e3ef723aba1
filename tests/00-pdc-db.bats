#!/usr/bin/env bats
# pdc-db: the embedded cluster, the schema, the configuration.

load test_helper

@test "pdc-db check connects and reports the schema current" {
	run_pdc 0 pdc-db check
	assert_output --partial "schema: version"
	assert_output --partial "(current)"
}

@test "pdc-db url works with psql" {
	run_pdc 0 psql "$(pdc-db url)" -X -A -t -c "SELECT current_database()"
	assert_output "pdc"
}

@test "the embedded cluster listens on a Unix socket only, for its user alone" {
	run_pdc 0 sql "SHOW listen_addresses"
	assert_output ""
	run_pdc 0 sql "SHOW unix_socket_permissions"
	assert_output "0700"
	run_pdc 0 pdc-db status
	assert_output --partial "running"
}

@test "migrate is harmless to repeat and records the applied versions" {
	run_pdc 0 pdc-db migrate
	assert_output --partial "0 migrations applied"
	run_pdc 0 sql "SELECT version, name FROM schema_migrations ORDER BY version"
	assert_line --index 0 "1|init"
}

@test "data_collection_status has the seed's exact columns and both indexes" {
	run_pdc 0 sql "SELECT column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns
	               WHERE table_name = 'data_collection_status' ORDER BY ordinal_position"
	assert_output "apn character varying NO
status character varying NO
started_at timestamp without time zone YES
completed_at timestamp without time zone YES
error_message text YES
created_at timestamp without time zone YES"
	run_pdc 0 sql "SELECT indexdef FROM pg_indexes WHERE tablename = 'data_collection_status' ORDER BY indexname"
	assert_line --partial "idx_collection_status_completed ON public.data_collection_status USING btree (completed_at) WHERE ((status)::text = 'completed'::text)"
	assert_line --partial "idx_collection_status_status ON public.data_collection_status USING btree (status)"
}

@test "a program starts the embedded cluster when it is stopped" {
	run_pdc 0 pdc-db stop
	run_pdc 1 pdc-db status
	assert_output --partial "stopped"
	run_pdc 0 pdc-status
	run_pdc 0 pdc-db status
}

@test "PDC_DATABASE_URL points every program at that server" {
	PDC_DATABASE_URL="$DBURL" run_pdc 0 pdc-db check
	assert_output --partial "(current)"
	PDC_DATABASE_URL="postgresql:///nosuchdb?host=$TEST_ROOT&port=1" run_pdc 69 pdc-status
	assert_output --partial "database unavailable"
}

@test "pdc-db config shows each value with where it came from" {
	PDC_ASSESSOR_TOKEN=secret-from-env run_pdc 0 pdc-db config
	assert_line "background_collection.retry_attempts	3	file"
	assert_line "database_pool.connection_timeout_seconds	30	file"
	assert_line "performance.slow_operation_threshold_seconds	2	default"
	assert_line --regexp '^sources\.assessor\.token	\(set\)	environment$'
	refute_output --partial "secret-from-env"
	refute_output --partial "$COUNTYD_TOKEN"
}

@test "pdc-db config masks a password in database.url" {
	PDC_DATABASE_URL="postgresql://pdc:hunter2@db.example/pdc?sslmode=require" run_pdc 0 pdc-db config
	assert_line "database.url	postgresql://pdc:***@db.example/pdc?sslmode=require	environment"
	refute_output --partial "hunter2"
}

@test "pdc-db config --json is JSON lines" {
	run_pdc 0 pdc-db config --json
	echo "$output" | jq -e -s 'length > 10 and all(has("key") and has("value") and has("origin"))'
}

@test "a bad configuration file exits 78 naming the key" {
	local bad="$TEST_ROOT/bad.json"
	echo '{"background_collection": {"retry_attempts": "three"}}' >"$bad"
	PDC_CONFIG="$bad" run_pdc 78 pdc-db config
	assert_output --partial "background_collection.retry_attempts"
	echo 'not json' >"$bad"
	PDC_CONFIG="$bad" run_pdc 78 pdc-status
	assert_output --partial "not JSON"
	echo '{"database_pool": {"min_connections": 9, "max_connections": 3}}' >"$bad"
	PDC_CONFIG="$bad" run_pdc 78 pdc-db check
	echo '{"sources": {"bogus": {}}}' >"$bad"
	PDC_CONFIG="$bad" run_pdc 78 pdc-stats
	assert_output --partial 'sources: unknown key "bogus"'
	PDC_CONFIG="$TEST_ROOT/missing.json" run_pdc 78 pdc-db config
}

@test "profiles set their values, and an unknown one is refused" {
	run_pdc 0 pdc-db --profile conservative config
	assert_line "background_collection.max_concurrent_jobs	1	profile"
	run_pdc 0 pdc-db --profile auto config
	assert_line --regexp '^background_collection\.max_concurrent_jobs	[0-9]+	profile$'
	run_pdc 78 pdc-db --profile turbo config
}

@test "pdc-db: bad usage exits 64" {
	run_pdc 64 pdc-db
	run_pdc 64 pdc-db frobnicate
	run_pdc 64 pdc-db --bogus check
	run_pdc 64 pdc-db --json status
	assert_output "pdc-db: --json goes with config and probe only"
	run_pdc 64 pdc-db --header config
	assert_output "pdc-db: --header goes with probe only"
	run_pdc 64 pdc-db url --json
	run_pdc 0 pdc-db --help
	assert_output --partial "usage: pdc-db"
	run_pdc 0 pdc-db --version
}
