#!/bin/sh
# demo.sh - pdc's main job on its embedded defaults: its own PostgreSQL
# cluster and the county replica (countyd) on 127.0.0.1.  Run by `make demo`.
set -eu
cd "$(dirname "$0")/.."
BIN="$PWD/build/bin"
PATH="$BIN:$PATH"
DEMO="$PWD/build/demo"
mkdir -p "$DEMO"

TOKEN="demo-token"
"$BIN/countyd" -p 0 -n 5000 -s 42 -t "$TOKEN" >"$DEMO/countyd.out" 2>"$DEMO/countyd.err" &
COUNTYD=$!
trap 'kill $COUNTYD 2>/dev/null' EXIT INT TERM
i=0
until grep -q 'listening on' "$DEMO/countyd.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || { cat "$DEMO/countyd.err" >&2; exit 1; }
	sleep 0.1
done
URL="http://$(sed -n 's/^countyd listening on //p' "$DEMO/countyd.out")"
PORT=${URL##*:}

# The county's real addresses stay the defaults; the demo points at the replica.
cat >"$DEMO/config.json" <<JSON
{
  "background_collection": { "auto_start_collection": false },
  "sources": {
    "assessor": { "base_url": "$URL", "token": "$TOKEN" },
    "treasurer": { "base_url": "http://127.0.0.2:$PORT" },
    "recorder": { "base_url": "http://127.0.0.3:$PORT" }
  }
}
JSON
chmod 600 "$DEMO/config.json"
export PDC_CONFIG="$DEMO/config.json"

step() { printf '\n$ %s\n' "$*"; }

step pdc-db start
pdc-db start
step pdc-search SMITH --limit 20
pdc-search --limit 20 SMITH
step "pdc-search SMITH | pdc-enqueue --top 15"
pdc-search SMITH | pdc-enqueue --top 15
step pdc-status
pdc-status || true
step "pdc-worker -j 8 --drain    # at the default politeness: 5, 2 and 2 requests a second"
pdc-worker -j 8 --drain
step pdc-status
pdc-status || true
first=$(pdc-search SMITH | head -n 1 | cut -f 1)
step pdc-status "$first"
pdc-status "$first" || true
step pdc-show "$first"
pdc-show "$first" || true
step pdc-stats
pdc-stats
step "psql \"\$(pdc-db url)\" -c 'SELECT apn, tax_year, full_cash_value FROM valuations LIMIT 6'"
psql "$(pdc-db url)" -X -c "SELECT apn, tax_year, full_cash_value, limited_property_value FROM valuations ORDER BY apn, tax_year DESC LIMIT 6"
printf '\nThe embedded database keeps running (pdc-db stop stops it); countyd stops now.\n'
