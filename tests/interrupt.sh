#!/bin/bash
# interrupt.sh SECONDS COMMAND - run the shell command line COMMAND in a
# process group of its own; if it is still running after SECONDS, send the
# group SIGINT, wait for it, and exit 124 as timeout(1) does.
#
# Unlike timeout(1), no SIGCONT follows the SIGINT.  Under make sanitize a
# program's exit runs LeakSanitizer, which stops the program's threads with
# SIGSTOP to read them; a SIGCONT arriving then discards that stop and the
# program waits for it forever.
set -m
bash -c "$2" &
pid=$!
end=$((SECONDS + $1))
while [ "$SECONDS" -lt "$end" ] && kill -0 "$pid" 2>/dev/null; do
	sleep 0.1
done
if kill -INT -- -"$pid" 2>/dev/null; then
	wait "$pid"
	exit 124
fi
wait "$pid"
