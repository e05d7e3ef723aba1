#!/bin/bash
# sales-score.sh DBURL COUNTY_URL <APNS: how right pdc's stored sales are,
# measured against countyd's truth (the parcel's own deeds, from the
# generator's ownership records) for the APNs on stdin.  Used by
# tests/57-sales.bats and tests/bench/run.sh.
#
# A stored sale is right when the truth lists its recording number for that
# parcel.  For the rows pdc presents as the parcel's sales (basis deed or
# chain) and for the candidates apart, it prints one line each:
#   presented rows 1234 right 1230 precision 0.9968 truth 2400 recall 0.5125
#   candidates rows 900 right 200 precision 0.2222 truth 2400 recall 0.0833
# then the same for the chain rows alone, and how many parcels' certain row
# (basis deed) is the truth's latest deed:
#   latest parcels 1000 right 1000
set -eu
db=$1 url=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/salescore.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/apns"
sed "s|^|url = \"$url/_countyd/truth/|; s|\$|\"|" "$tmp/apns" >"$tmp/curl"
curl -sf -K "$tmp/curl" |
	jq -r '.apn as $a | .sales | to_entries[] | [$a, .value.recording_number, (.key == 0)] | @tsv' \
	>"$tmp/truth"
psql "$db" -qXAt -F ' ' -v ON_ERROR_STOP=1 <<SQL
CREATE TEMP TABLE t_apns (apn text PRIMARY KEY);
CREATE TEMP TABLE t_truth (apn text, recording_number text, latest boolean);
\copy t_apns FROM '$tmp/apns'
\copy t_truth FROM '$tmp/truth'
CREATE TEMP VIEW t_stored AS SELECT s.apn, s.recording_number, s.basis,
	EXISTS (SELECT 1 FROM t_truth t WHERE t.apn = s.apn AND t.recording_number = s.recording_number) AS right
	FROM sales s JOIN t_apns USING (apn);
WITH kinds(kind, bases) AS (VALUES ('presented', ARRAY['deed', 'chain']),
	('candidates', ARRAY['candidate']), ('chain', ARRAY['chain'])),
truth AS (SELECT count(*) AS n FROM t_truth)
SELECT k.kind, 'rows', count(s.*), 'right', count(*) FILTER (WHERE s.right),
	'precision', coalesce(to_char(count(*) FILTER (WHERE s.right)::numeric / nullif(count(s.*), 0), 'FM0.0000'), 'nan'),
	'truth', (SELECT n FROM truth),
	'recall', coalesce(to_char(count(*) FILTER (WHERE s.right)::numeric / nullif((SELECT n FROM truth), 0), 'FM0.0000'), 'nan')
FROM kinds k LEFT JOIN t_stored s ON s.basis = ANY (k.bases)
GROUP BY k.kind ORDER BY array_position(ARRAY['presented', 'candidates', 'chain'], k.kind);
SELECT 'latest', 'parcels', count(*), 'right', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM sales s
	JOIN t_truth t USING (apn, recording_number) WHERE s.apn = a.apn AND s.basis = 'deed' AND t.latest))
FROM t_apns a;
SQL
