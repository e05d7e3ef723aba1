#!/usr/bin/env bats
# Bad input to every program: each case exits with the documented code, says
# what is wrong in one line on stderr, and leaves the database as it was.
#
# A row of a table is   program | arguments | stdin | exit | message
#   arguments  words split on blanks, each read with printf %b (\xff, \x20);
#              @BIG is a 100,000-byte argument, @EMPTY an empty one
#   stdin      - for none (/dev/null), @BIG10M for one 10 MB line, or text
#              read with printf %b (\n, \0, \xff; \\u0000 for JSON's \u0000)
#   exit       the exit status the man page's EXIT STATUS gives
#   message    an extended regex the one line "PROGRAM: ..." must match
# Besides that line, stderr may hold only the usage synopsis (after a usage
# error) and pdc-enqueue's summary ("Queued 0 properties ...").

load test_helper

CASES=$(cat <<'TABLE'
pdc-search  | --bogus SMITH                | - | 64 | unrecognized option '--bogus'
pdc-search  | -x SMITH                     | - | 64 | invalid option -- 'x'
pdc-search  | --profile                    | - | 64 | option '--profile' requires an argument
pdc-search  | --profile nosuch SMITH       | - | 78 | unknown profile "nosuch"
pdc-search  |                              | - | 64 | no query given
pdc-search  | @EMPTY                       | - | 64 | empty query
pdc-search  | \x20\x20\t                   | - | 64 | empty query
pdc-search  | @BIG                         | - | 64 | query too long \(at most 1023 bytes\)
pdc-search  | -l                           | - | 64 | option requires an argument -- 'l'
pdc-search  | -l 0 SMITH                   | - | 64 | --limit: "0" is too small
pdc-search  | -l -5 SMITH                  | - | 64 | --limit: "-5" is too small
pdc-search  | -l 100001 SMITH              | - | 64 | --limit: "100001" is too large
pdc-search  | -l ten SMITH                 | - | 64 | --limit: "ten" is invalid
pdc-search  | --enqueue                    | - | 64 | option '--enqueue' requires an argument
pdc-search  | --enqueue 0 SMITH            | - | 64 | --enqueue: "0" is too small
pdc-search  | --enqueue 1e3 SMITH          | - | 64 | --enqueue: "1e3" is invalid
pdc-search  | --json --header SMITH        | - | 64 | --header does not mix with --json
pdc-enqueue | --bogus 165-28-054           | - | 64 | unrecognized option '--bogus'
pdc-enqueue | --profile                    | - | 64 | option '--profile' requires an argument
pdc-enqueue | --profile nosuch 165-28-054  | - | 78 | unknown profile "nosuch"
pdc-enqueue | -p                           | - | 64 | option requires an argument -- 'p'
pdc-enqueue | -p urgent 165-28-054         | - | 64 | -p: "urgent" is not a priority
pdc-enqueue | -p 9 165-28-054              | - | 64 | -p: "9" is not a priority
pdc-enqueue | -p -1 165-28-054             | - | 64 | -p: "-1" is not a priority
pdc-enqueue | --top 0 165-28-054           | - | 64 | --top: "0" is too small
pdc-enqueue | --top -3 165-28-054          | - | 64 | --top: "-3" is too small
pdc-enqueue | --top many 165-28-054        | - | 64 | --top: "many" is invalid
pdc-enqueue | --top                        | - | 64 | option '--top' requires an argument
pdc-enqueue | --timeout 5 165-28-054       | - | 64 | --timeout needs --wait
pdc-enqueue | --json --header 165-28-054   | - | 64 | --header does not mix with --json
pdc-enqueue | --cancel --header --json 165-28-054 | - | 64 | --header does not mix with --json
pdc-enqueue | --wait --timeout 0 165-28-054 | - | 64 | --timeout: "0" is too small
pdc-enqueue | --wait --timeout 99999999 165-28-054 | - | 64 | --timeout: "99999999" is too large
pdc-enqueue | 165-28-05                    | - | 65 | argument 1: bad APN "165-28-05"
pdc-enqueue | 123                          | - | 65 | argument 1: bad APN "123"
pdc-enqueue | 1A5-28-054                   | - | 65 | argument 1: bad APN "1A5-28-054"
pdc-enqueue | 123-4A-56B7                  | - | 65 | argument 1: bad APN "123-4A-56B7"
pdc-enqueue | 165-28-054AB                 | - | 65 | argument 1: bad APN "165-28-054AB"
pdc-enqueue | 165-28-054'--                | - | 65 | argument 1: bad APN "165-28-054'--"
pdc-enqueue | \xff\xfe165-28-054           | - | 65 | argument 1: bad APN "\\xff\\xfe165-28-054"
pdc-enqueue | @BIG                         | - | 65 | argument 1: line too long
pdc-enqueue | @EMPTY                       | - | 65 | argument 1: bad APN ""
pdc-enqueue | #165-28-054                  | - | 65 | argument 1: bad APN "#165-28-054"
pdc-enqueue |                              | 123\n                        | 65 | line 1: bad APN "123"
pdc-enqueue |                              | 165-28-05\n                  | 65 | line 1: bad APN "165-28-05"
pdc-enqueue |                              | 123-4A-56B7\n                | 65 | line 1: bad APN "123-4A-56B7"
pdc-enqueue |                              | SMITH JOHN\n                 | 65 | line 1: bad APN "SMITH JOHN"
pdc-enqueue |                              | # list\n\n1A5-28-054\n       | 65 | line 3: bad APN "1A5-28-054"
pdc-enqueue |                              | 165-28\0-054\n               | 65 | line 1: line contains a NUL byte
pdc-enqueue |                              | \xff\xfe\n                   | 65 | line 1: bad APN "\\xff\\xfe"
pdc-enqueue |                              | \xc3\x28165-28-054\n         | 65 | line 1: bad APN "\\xc3\(165-28-054"
pdc-enqueue |                              | @BIG10M                      | 65 | line 1: line too long
pdc-enqueue |                              | \tSMITH\n                    | 65 | line 1: bad APN ""
pdc-enqueue |                              | {"apn":\n                    | 65 | line 1: not a JSON object
pdc-enqueue |                              | {"apn": "165-28-054"} x\n    | 65 | line 1: not a JSON object
pdc-enqueue |                              | ["165-28-054"]\n             | 65 | line 1: not a JSON object
pdc-enqueue |                              | {apn: 165-28-054}\n          | 65 | line 1: not a JSON object
pdc-enqueue |                              | {}\n                         | 65 | line 1: no "apn" key
pdc-enqueue |                              | {"APN": "165-28-054"}\n      | 65 | line 1: no "apn" key
pdc-enqueue |                              | {"apn": 16528054}\n          | 65 | line 1: "apn" is not a string
pdc-enqueue |                              | {"apn": null}\n              | 65 | line 1: "apn" is not a string
pdc-enqueue |                              | {"apn": ["165-28-054"]}\n    | 65 | line 1: "apn" is not a string
pdc-enqueue |                              | {"apn": "SMITH"}\n           | 65 | line 1: bad APN "SMITH"
pdc-enqueue |                              | {"apn": "165-28-054\\u0000x"}\n | 65 | line 1: line contains a NUL byte
pdc-enqueue |                              | {"apn": "165-28-054", "apn": "304-78-386"}\n | 65 | line 1: duplicate "apn" key
pdc-enqueue |                              | {"apn": "165-28-054'); DROP TABLE jobs;--"}\n | 65 | line 1: bad APN "165-28-054'\); DROP TABLE jobs;--"
pdc-worker  | --bogus                      | - | 64 | unrecognized option '--bogus'
pdc-worker  | --profile                    | - | 64 | option '--profile' requires an argument
pdc-worker  | --profile nosuch --drain     | - | 78 | unknown profile "nosuch"
pdc-worker  | -j                           | - | 64 | option requires an argument -- 'j'
pdc-worker  | -j 0 --drain                 | - | 64 | -j: background_collection.max_concurrent_jobs: "0" is out of range
pdc-worker  | -j 100000 --drain            | - | 64 | -j: background_collection.max_concurrent_jobs: "100000" is out of range
pdc-worker  | -j -2 --drain                | - | 64 | -j: background_collection.max_concurrent_jobs: "-2" is out of range
pdc-worker  | -j four --drain              | - | 64 | -j: background_collection.max_concurrent_jobs: "four" is not an integer
pdc-worker  | -j 2.5 --drain               | - | 64 | -j: background_collection.max_concurrent_jobs: "2.5" is not an integer
pdc-worker  | --keep-days -1 --drain       | - | 64 | --keep-days: "-1" is too small
pdc-worker  | --keep-days 3651 --drain     | - | 64 | --keep-days: "3651" is too large
pdc-worker  | --keep-days                  | - | 64 | option '--keep-days' requires an argument
pdc-worker  | --apn                        | - | 64 | option '--apn' requires an argument
pdc-worker  | --apn 123                    | - | 65 | bad APN "123"
pdc-worker  | --apn 123-4A-56B7            | - | 65 | bad APN "123-4A-56B7"
pdc-worker  | --apn SMITH                  | - | 65 | bad APN "SMITH"
pdc-worker  | --apn \xff\xfe               | - | 65 | bad APN "\\xff\\xfe"
pdc-worker  | --apn @BIG                   | - | 65 | bad APN "1{40}"\.\.\.$
pdc-worker  | --apn @EMPTY                 | - | 65 | bad APN ""
pdc-worker  | --apn 165-28-054 --drain     | - | 64 | do not mix
pdc-worker  | --pause -j 2                 | - | 64 | do not mix
pdc-worker  | --pause --resume             | - | 64 | --pause and --resume do not mix
pdc-worker  | --apn 165-28-054 --apn 165-28-055 | - | 64 | --apn takes one parcel: give it once
pdc-worker  | --keep-days 3 --apn 165-28-054 | - | 64 | --keep-days goes with collecting queued jobs only
pdc-worker  | --keep-days 3 --reparse      | - | 64 | --keep-days goes with collecting queued jobs only
pdc-worker  | --pause --keep-days 3        | - | 64 | --keep-days goes with collecting queued jobs only
pdc-worker  | --ca-file / --reparse        | - | 64 | --ca-file goes with collecting only
pdc-worker  | --resume --ca-file /         | - | 64 | --ca-file goes with collecting only
pdc-worker  | --reparse 12                 | - | 65 | bad APN "12"
pdc-worker  | --reparse 165-28-054 1A5-28-054 | - | 65 | bad APN "1A5-28-054"
pdc-worker  | stray                        | - | 64 | unexpected argument "stray"
pdc-worker  | --ca-file                    | - | 64 | option '--ca-file' requires an argument
pdc-worker  | --ca-file /nonexistent/ca.pem --apn 165-28-054 | - | 64 | --ca-file: sources.ca_file: "/nonexistent/ca.pem" cannot be read \(No such file or directory\)
pdc-worker  | --ca-file / --apn 165-28-054 | - | 64 | --ca-file: sources.ca_file: "/" is not a file
pdc-status  | --bogus                      | - | 64 | unrecognized option '--bogus'
pdc-status  | --profile                    | - | 64 | option '--profile' requires an argument
pdc-status  | --profile nosuch             | - | 78 | unknown profile "nosuch"
pdc-status  | --timeout 5                  | - | 64 | --timeout needs --wait
pdc-status  | --wait --timeout             | - | 64 | option '--timeout' requires an argument
pdc-status  | --wait --timeout 0           | - | 64 | --timeout: "0" is too small
pdc-status  | --wait --timeout -1          | - | 64 | --timeout: "-1" is too small
pdc-status  | --wait --timeout soon        | - | 64 | --timeout: "soon" is invalid
pdc-status  | --watch --json               | - | 64 | --watch does not mix with --wait or --json
pdc-status  | --json --header              | - | 64 | --header does not mix with --json
pdc-status  | --list --header --json       | - | 64 | --header does not mix with --json
pdc-status  | --watch --header             | - | 64 | --header does not mix with --watch
pdc-status  | --follow --header            | - | 64 | --header does not mix with --follow
pdc-status  | 165-28-05                    | - | 65 | bad APN "165-28-05"
pdc-status  | 1A5-28-054                   | - | 65 | bad APN "1A5-28-054"
pdc-status  | 123-4A-56B7                  | - | 65 | bad APN "123-4A-56B7"
pdc-status  | 165-28-054 SMITH             | - | 65 | bad APN "SMITH"
pdc-status  | \xc3\x28                     | - | 65 | bad APN "\\xc3\("
pdc-status  | @BIG                         | - | 65 | bad APN "1{40}"\.\.\.$
pdc-status  | @EMPTY                       | - | 65 | bad APN ""
pdc-stats   | --bogus                      | - | 64 | unrecognized option '--bogus'
pdc-stats   | --profile                    | - | 64 | option '--profile' requires an argument
pdc-stats   | --profile nosuch             | - | 78 | unknown profile "nosuch"
pdc-stats   | stray                        | - | 64 | unexpected argument "stray"
pdc-stats   | --json 165-28-054            | - | 64 | unexpected argument "165-28-054"
pdc-stats   | -j 4                         | - | 64 | invalid option -- 'j'
pdc-stats   | --json --header              | - | 64 | --json, --header and --prometheus do not mix
pdc-stats   | --header --prometheus        | - | 64 | --json, --header and --prometheus do not mix
pdc-stats   | --prometheus --json          | - | 64 | --json, --header and --prometheus do not mix
pdc-show    | --bogus 165-28-054           | - | 64 | unrecognized option '--bogus'
pdc-show    | --profile                    | - | 64 | option '--profile' requires an argument
pdc-show    | --profile nosuch 165-28-054  | - | 78 | unknown profile "nosuch"
pdc-show    |                              | - | 64 | no APN given
pdc-show    | --json                       | - | 64 | no APN given
pdc-show    | 165-28-05                    | - | 65 | bad APN "165-28-05"
pdc-show    | 123-4A-56B7                  | - | 65 | bad APN "123-4A-56B7"
pdc-show    | 165-28-054 1A5-28-054        | - | 65 | bad APN "1A5-28-054"
pdc-show    | \xff\xfe                     | - | 65 | bad APN "\\xff\\xfe"
pdc-show    | @BIG                         | - | 65 | bad APN "1{40}"\.\.\.$
pdc-show    | 165-28-054;rm\x20-rf\x20/    | - | 65 | bad APN "165-28-054;rm -rf /"
pdc-export  | --bogus                      | - | 64 | unrecognized option '--bogus'
pdc-export  | --profile                    | - | 64 | option '--profile' requires an argument
pdc-export  | --profile nosuch             | - | 78 | unknown profile "nosuch"
pdc-export  | 165-28-05                    | - | 65 | bad APN "165-28-05"
pdc-export  | --json 165-28-054 1A5-28-054 | - | 65 | bad APN "1A5-28-054"
pdc-export  | \xff\xfe                     | - | 65 | bad APN "\\xff\\xfe"
pdc-export  | @BIG                         | - | 65 | bad APN "1{40}"\.\.\.$
pdc-export  | - 165-28-054                 | - | 64 | "-" reads the APNs from standard input: no APN beside it
pdc-export  | -                            | 165-28-05\n | 65 | line 1: bad APN "165-28-05"
pdc-export  | --csv -                      | 165-28-054\n\0\n | 65 | line 2: line contains a NUL byte
pdc-export  | -                            | @BIG10M | 65 | line 1: line too long
pdc-export  | --csv --json                 | - | 64 | --csv does not mix with --json
pdc-export  | --json --csv 165-28-054      | - | 64 | --csv does not mix with --json
pdc-db      | --bogus config               | - | 64 | unrecognized option '--bogus'
pdc-db      | --profile                    | - | 64 | option '--profile' requires an argument
pdc-db      | --profile nosuch config      | - | 78 | unknown profile "nosuch"
pdc-db      |                              | - | 64 | no command given
pdc-db      | --json                       | - | 64 | no command given
pdc-db      | frob                         | - | 64 | unknown command "frob"
pdc-db      | CONFIG                       | - | 64 | unknown command "CONFIG"
pdc-db      | status stop                  | - | 64 | unexpected argument "stop" after "status"
pdc-db      | probe 165-28-05              | - | 65 | bad APN "165-28-05"
pdc-db      | probe 165-28-054 x           | - | 64 | unexpected argument "x" after "165-28-054"
pdc-db      | config 165-28-054            | - | 64 | unexpected argument "165-28-054" after "config"
pdc-db      | --json --header probe        | - | 64 | --header does not mix with --json
TABLE
)

# A bad configuration file.  A row is   who | file | message
#   who      * for every program, - for pdc-db alone (they all read the file
#            with the same pdc_cli_config; pdc-db config tries every row)
#   file     read with printf %b; @DIR a directory, @MISSING a path that does
#            not exist, @NOREAD a file of mode 000, @EMPTYFILE an empty file
#   message  an extended regex, as above.  The exit is always 78.
CONFIGS=$(cat <<'TABLE'
* | not json                                                         | c.json: not JSON \(line 1\)
- | {\n  "database_pool": {\n    "min_connections": \n}\n           | c.json: not JSON \(line 4\)
* | @EMPTYFILE                                                       | c.json: not JSON \(line 1\)
* | [1, 2]                                                           | c.json: not a JSON object
- | "background_collection"                                          | c.json: not a JSON object
- | {"background_collection": {"max_concurrent_jobs": 3}} junk       | c.json: not JSON \(line 1\)
* | {"a": 1}                                                         | c.json: unknown key "a"
- | {"background_collection": {"max_jobs": 3}}                       | c.json: background_collection: unknown key "max_jobs"
- | {"database.url": ""}                                             | c.json: unknown key "database.url"
- | {"sources": 5}                                                   | c.json: sources: 5 is not an object
* | {"background_collection": {"max_concurrent_jobs": "3"}}          | c.json: background_collection.max_concurrent_jobs: "3" is not an integer
* | {"background_collection": {"max_concurrent_jobs": 0}}            | c.json: background_collection.max_concurrent_jobs: 0 is out of range \(expected 1 to 256\)
- | {"background_collection": {"max_concurrent_jobs": 100000}}       | c.json: background_collection.max_concurrent_jobs: 100000 is out of range
- | {"background_collection": {"max_concurrent_jobs": true}}         | c.json: background_collection.max_concurrent_jobs: true is not an integer
- | {"background_collection": {"job_timeout_seconds": -30}}          | c.json: background_collection.job_timeout_seconds: -30 is out of range
- | {"background_collection": {"job_timeout_seconds": 1e400}}        | c.json: background_collection.job_timeout_seconds: inf is out of range
- | {"background_collection": {"retry_attempts": 2.5}}               | c.json: background_collection.retry_attempts: 2.5 is not an integer
- | {"background_collection": {"retry_attempts": -1}}                | c.json: background_collection.retry_attempts: -1 is out of range
- | {"background_collection": {"cache_expiry_hours": "24h"}}         | c.json: background_collection.cache_expiry_hours: "24h" is not a number
- | {"background_collection": {"auto_start_collection": 1}}          | c.json: background_collection.auto_start_collection: 1 is not true or false
* | {"database_pool": {"min_connections": 0}}                        | c.json: database_pool.min_connections: 0 is out of range
- | {"database_pool": {"max_connections": 0}}                        | c.json: database_pool.max_connections: 0 is out of range
- | {"database_pool": {"min_connections": 9, "max_connections": 3}}  | c.json: database_pool.min_connections: 9 is more than database_pool.max_connections \(3\)
- | {"database_pool": {"min_connections": 2, "min_connections": 3}}  | c.json: database_pool.min_connections: duplicate key
- | {"database_pool": {"connection_timeout_seconds": 0}}             | c.json: database_pool.connection_timeout_seconds: 0 is out of range \(expected more than 0
- | {"database_pool": null}                                          | c.json: database_pool: null is not an object
- | {"performance": {"slow_operation_threshold_seconds": "2"}}       | c.json: performance.slow_operation_threshold_seconds: "2" is not a number
- | {"database": {"url": 5}}                                         | c.json: database.url: 5 is not a string
* | {"sources": {"assessor": {"requests_per_second": -1}}}           | c.json: sources.assessor.requests_per_second: -1 is out of range
- | {"sources": {"treasurer": {"requests_per_second": 0}}}           | c.json: sources.treasurer.requests_per_second: 0 is out of range
- | {"sources": {"recorder": {"requests_per_second": 1001}}}         | c.json: sources.recorder.requests_per_second: 1001 is out of range
- | {"sources": {"assessor": {"base_url": 5}}}                       | c.json: sources.assessor.base_url: 5 is not a string
* | {"sources": {"assessor": {"base_url": "ftp://x"}}}               | c.json: sources.assessor.base_url: "ftp://x" is not an http:// or https:// URL
- | {"sources": {"treasurer": {"base_url": "http://a b"}}}           | c.json: sources.treasurer.base_url: "http://a b" is not an http:// or https:// URL
- | {"sources": {"assessor": {"token": 123456}}}                     | c.json: sources.assessor.token: the value is not a string
* | {"sources": {"assessor": {"token": "a\\nb"}}}                    | c.json: sources.assessor.token: the value contains a control character
- | {"sources": {"user_agent": ""}}                                  | c.json: sources.user_agent: "" is empty
- | {"sources": {"user_agent": "pdc\\r\\nX-Evil: 1"}}                | c.json: sources.user_agent: "pdc\\x0d\\x0aX-Evil: 1" contains a control character
- | {"sources": {"respect_robots_txt": "yes"}}                       | c.json: sources.respect_robots_txt: "yes" is not true or false
* | {"sources": {"ca_file": "/nonexistent/ca.pem"}}                  | c.json: sources.ca_file: "/nonexistent/ca.pem" cannot be read \(No such file or directory\)
- | {"sources": {"ca_file": "/"}}                                    | c.json: sources.ca_file: "/" is not a file
- | {"sources": {"ca_file": false}}                                  | c.json: sources.ca_file: false is not a string
- | {"sources": {"probe_apn": "165-28-05"}}                         | c.json: sources.probe_apn: "165-28-05" is not a parcel number
* | @DIR                                                             | c.json: is a directory
* | @MISSING                                                         | c.json: No such file or directory
* | @NOREAD                                                          | c.json: Permission denied
TABLE
)

# How each program is called when only the configuration is wrong: were the
# file right, these would succeed.
good_args() {
	case $1 in
	pdc-search) echo SMITH ;;
	pdc-enqueue | pdc-show) echo 165-28-054 ;;
	pdc-worker) echo --drain ;;
	pdc-db) echo config ;;
	esac
}
PROGRAMS="pdc-search pdc-enqueue pdc-worker pdc-status pdc-stats pdc-show pdc-export pdc-db"
RUNAS=()

setup() {
	db_reset
}

# A 100,000-byte argument (the kernel takes no single argument over 128 KiB).
BIG=$(printf '1%.0s' $(seq 100000))

# Everything pdc could have written, counted.
db_counts() {
	sql "SELECT (SELECT count(*) FROM jobs) || ' ' || (SELECT count(*) FROM data_collection_status)
	  || ' ' || (SELECT count(*) FROM properties) || ' ' || (SELECT count(*) FROM record_parts)
	  || ' ' || (SELECT count(*) FROM responses) || ' ' || (SELECT count(*) FROM workers)
	  || ' ' || (SELECT count(*) FROM control) || ' ' || (SELECT count(*) FROM hosts)"
}

# check_case PROG WANT_EXIT REGEX ARGV...: run PROG with stdin from
# $BATS_TEST_TMPDIR/in; on a mismatch append why to $FAILS.  (The database
# is counted around a whole table: psql per case would take minutes.)
check_case() {
	local prog=$1 want=$2 re=$3 rc why=""
	local -a lines
	shift 3
	rc=0
	"${RUNAS[@]}" "$prog" "$@" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || rc=$?
	# The usage synopsis and its continuation lines, and pdc-enqueue's
	# summary, are not the message.
	mapfile -t lines < <(grep -av -E '^usage: |^ {5,}[a-z[]|^Queued [0-9]+ propert' "$BATS_TEST_TMPDIR/err")
	if [ "$rc" -ne "$want" ]; then
		why="exit $rc, expected $want"
	elif [ "${#lines[@]}" -ne 1 ]; then
		why="${#lines[@]} lines on stderr"
	elif [[ ! "${lines[0]}" =~ ^"$prog: ".*$re ]]; then
		why="message does not match /$re/"
	fi
	[ -z "$why" ] ||
		FAILS+="$prog $(printf '%q ' "$@" | cut -c1-80): $why: $(head -c 300 "$BATS_TEST_TMPDIR/err")"$'\n'
}

# Run the rows of CASES for PROG; prints the number of cases to fd 3.
run_table() {
	local prog=$1 row p args in want re word n=0 before
	local -a argv words
	FAILS=""
	before=$(db_counts)
	while IFS= read -r row; do
		IFS='|' read -r p args in want re <<<"$row"
		read -r p <<<"$p"
		[ "$p" = "$prog" ] || continue
		read -r in <<<"$in"
		read -r want <<<"$want"
		read -r re <<<"$re"
		argv=()
		read -ra words <<<"$args"
		for word in "${words[@]}"; do
			case $word in
			@BIG) argv+=("$BIG") ;;
			@EMPTY) argv+=("") ;;
			*) printf -v word '%b' "$word"; argv+=("$word") ;;
			esac
		done
		case $in in
		-) : >"$BATS_TEST_TMPDIR/in" ;;
		@BIG10M) head -c 10000000 /dev/zero | tr '\0' 7 >"$BATS_TEST_TMPDIR/in" ;;
		*) printf '%b' "$in" >"$BATS_TEST_TMPDIR/in" ;;
		esac
		check_case "$prog" "$want" "$re" "${argv[@]}"
		n=$((n + 1))
	done <<<"$CASES"
	echo "# $prog: $n bad-input cases" >&3
	[ "$n" -gt 0 ]
	[ "$(db_counts)" = "$before" ] || FAILS+="the database changed: $before -> $(db_counts)"$'\n'
	if [ -n "$FAILS" ]; then
		printf '%s' "$FAILS" >&2
		return 1
	fi
}

# Run every row of CONFIGS against PROG.
run_configs() {
	local prog=$1 row who file re n=0 cfg="$BATS_TEST_TMPDIR/c.json" before
	local -a argv
	read -ra argv <<<"$(good_args "$prog")"
	FAILS=""
	before=$(db_counts)
	: >"$BATS_TEST_TMPDIR/in"
	while IFS= read -r row; do
		IFS='|' read -r who file re <<<"$row"
		read -r who <<<"$who"
		read -r file <<<"$file"
		read -r re <<<"$re"
		[ "$who" = "*" ] || [ "$prog" = pdc-db ] || continue
		rm -rf "$cfg"
		case $file in
		@DIR) mkdir "$cfg" ;;
		@MISSING) ;;
		@EMPTYFILE) : >"$cfg" ;;
		@NOREAD)
			# root reads a mode-000 file anyway: as root, the case runs as nobody
			echo '{}' >"$cfg"
			chmod 000 "$cfg"
			[ "$(id -u)" -ne 0 ] || RUNAS=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
			;;
		*) printf '%b' "$file" >"$cfg" ;;
		esac
		[ -e "$cfg" ] && [ ! -d "$cfg" ] && [ "$file" != @NOREAD ] && chmod 600 "$cfg"
		PDC_CONFIG="$cfg" check_case "$prog" 78 "$re" "${argv[@]}"
		RUNAS=()
		n=$((n + 1))
	done <<<"$CONFIGS"
	rm -rf "$cfg"
	echo "# $prog: $n bad-configuration cases" >&3
	[ "$(db_counts)" = "$before" ] || FAILS+="the database changed: $before -> $(db_counts)"$'\n'
	if [ -n "$FAILS" ]; then
		printf '%s' "$FAILS" >&2
		return 1
	fi
}

@test "pdc-search: bad options, queries and configurations" {
	run_table pdc-search
	run_configs pdc-search
}

@test "pdc-enqueue: bad options, APNs, input lines and configurations" {
	run_table pdc-enqueue
	run_configs pdc-enqueue
}

@test "pdc-worker: bad options, APNs and configurations" {
	run_table pdc-worker
	run_configs pdc-worker
}

@test "pdc-status: bad options, APNs and configurations" {
	run_table pdc-status
	run_configs pdc-status
}

@test "pdc-stats: bad options and configurations" {
	run_table pdc-stats
	run_configs pdc-stats
}

@test "pdc-show: bad options, APNs and configurations" {
	run_table pdc-show
	run_configs pdc-show
}

@test "pdc-export: bad options, APNs, input lines and configurations" {
	run_table pdc-export
	run_configs pdc-export
}

@test "pdc-db: bad commands and configurations" {
	run_table pdc-db
	run_configs pdc-db
}

@test "the tables cover every program; the total" {
	local p rows configs every total=0
	configs=$(grep -c . <<<"$CONFIGS")
	every=$(grep -c '^\*' <<<"$CONFIGS")
	for p in $PROGRAMS; do
		rows=$(grep -c "^$p " <<<"$CASES")
		[ "$rows" -ge 5 ]
		if [ "$p" = pdc-db ]; then
			total=$((total + rows + configs))
		else
			total=$((total + rows + every))
		fi
	done
	# and no row names an eighth
	for p in $(cut -d'|' -f1 <<<"$CASES" | sort -u); do
		[[ " $PROGRAMS " == *" $p "* ]]
	done
	echo "# bad-input cases: $total" >&3
}

@test "a bad line among good ones: the good are queued, the bad reported by line number" {
	run_pdc 65 bash -c 'printf "165-28-054\n{\"apn\": \"165-28-054\\\\u0000\"}\n304-78-386\n123-4A-56B7\n" | pdc-enqueue 2>"$1"' _ "$BATS_TEST_TMPDIR/err"
	run_pdc 0 grep -c "^pdc-enqueue: line" "$BATS_TEST_TMPDIR/err"
	assert_output 2
	run_pdc 0 cat "$BATS_TEST_TMPDIR/err"
	assert_line "pdc-enqueue: line 2: line contains a NUL byte"
	assert_line 'pdc-enqueue: line 4: bad APN "123-4A-56B7"'
	run_pdc 0 sql "SELECT string_agg(apn, ' ' ORDER BY apn) FROM jobs"
	assert_output "165-28-054 304-78-386"
}
