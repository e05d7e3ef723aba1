#!/bin/sh
# seed.sh - seed corpora for the fuzz harnesses, from countyd and the fixtures.
#   sh tests/fuzz/seed.sh OUTDIR [PARCELS]
# Writes OUTDIR/{assessor,treasurer,recorder,robots,config,apn,input}/ (emptied
# first).  Every seed is a head line and a body, as tests/fuzz/fuzz.h reads
# an input.  Needs build/bin/countyd, curl and jq.  Two countyds are asked:
# a clean one and one whose every host sends malformed answers half the time.
set -eu

out=${1:?usage: seed.sh OUTDIR [PARCELS]}
parcels=${2:-24}
root=$(cd "$(dirname "$0")/../.." && pwd)
countyd=${COUNTYD:-$root/build/bin/countyd}
token=fuzz-seed-token
tmp=$(mktemp -d)
pids=""

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

for h in assessor treasurer recorder robots config apn input; do
	rm -rf "${out:?}/$h"
	mkdir -p "$out/$h"
	[ -d "$root/tests/fuzz/seeds/$h" ] && cp "$root/tests/fuzz/seeds/$h"/* "$out/$h/"
done

# seed HARNESS NAME HEAD FILE: HEAD, a newline, then FILE's bytes.
seed() {
	{ printf '%s\n' "$3"; cat "$4"; } >"$out/$1/$2"
}

# start NAME ARGS...: a countyd; sets base (the assessor's URL) and port.
start() {
	name=$1
	shift
	"$countyd" -p 0 -t "$token" --sketch-bytes 48 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pids="$pids $!"
	for _ in $(seq 100); do
		if grep -q 'listening on' "$tmp/$name.out" 2>/dev/null; then
			base="http://$(sed -n 's/^countyd listening on //p' "$tmp/$name.out")"
			port=${base##*:}
			return 0
		fi
		sleep 0.1
	done
	echo "seed: countyd $name did not start" >&2
	cat "$tmp/$name.err" >&2
	exit 1
}

# get URL FILE [CURL ARGS]: the body whatever the status (errors are seeds too).
get() {
	url=$1 file=$2
	shift 2
	curl -s -m 10 -o "$file" "$@" "$url" || : >"$file"
}

# collect NAME: a spread of every host's answers from the countyd just started.
collect() {
	name=$1
	a="$base" t="http://127.0.0.2:$port" r="http://127.0.0.3:$port"
	curl -s -m 10 "$a/_countyd/apns?limit=$parcels" >"$tmp/apns"
	i=0
	while read -r apn; do
		i=$((i + 1))
		bare=$(printf '%s' "$apn" | tr -d -)
		get "$a/parcel/$apn" "$tmp/p" -H "AUTHORIZATION: $token" -H "user-agent: null"
		seed assessor "$name-parcel-$i" "" "$tmp/p"
		# the treasurer: one session per parcel, its three pages
		rm -f "$tmp/jar"
		get "$t/parcel/default.aspx?Parcel=$bare" "$tmp/s" -L -c "$tmp/jar" -b "$tmp/jar"
		seed treasurer "$name-summary-$i" "$apn" "$tmp/s"
		get "$t/Parcel/Summary.aspx?List=All" "$tmp/y" -c "$tmp/jar" -b "$tmp/jar"
		seed treasurer "$name-years-$i" "$apn" "$tmp/y"
		get "$t/Parcel/Activities.aspx" "$tmp/x" -c "$tmp/jar" -b "$tmp/jar"
		seed treasurer "$name-activities-$i" "$apn" "$tmp/x"
		# the recorder: the assessor's deed and a search by the owner's name
		curl -s -m 10 "$a/_countyd/truth/$apn" >"$tmp/truth" || :
		deed=$(jq -r '.properties.deed_number // ""' "$tmp/truth" 2>/dev/null || :)
		owner=$(jq -r '.properties.owner_name // ""' "$tmp/truth" 2>/dev/null || :)
		if [ -n "$deed" ]; then
			get "$r/documents/$deed" "$tmp/d"
			seed recorder "$name-document-$i" "$deed" "$tmp/d"
		fi
		last=${owner%% *}
		if [ -n "$last" ] && [ $((i % 3)) -eq 0 ]; then
			q=$(jq -rn --arg v "$last" '$v|@uri')
			get "$r/documents/search?lastNames=$q&firstNames=&middleNameIs=&businessNames=&documentCode=&beginDate=&endDate=&pageSize=200&pageNumber=1" "$tmp/q"
			seed recorder "$name-search-$i" "$owner" "$tmp/q"
		fi
		# APNs as the programs take them, and as pdc-search prints them
		printf '%s' "$apn" >"$out/apn/$name-$i"
		printf '%s\t%s\n' "$apn" "$owner" >>"$tmp/lines"
		printf '{"apn": "%s", "owner": %s}\n' "$bare" "$(jq -n --arg v "$owner" '$v')" >>"$tmp/json"
	done <"$tmp/apns"
	for q in "$(head -n 1 "$tmp/apns")" ST AVE LLC TRUST ""; do
		enc=$(jq -rn --arg v "$q" '$v|@uri')
		get "$a/search/property/?q=$enc&page=1" "$tmp/q" -H "AUTHORIZATION: $token"
		seed assessor "$name-search-${enc:-empty}" "" "$tmp/q"
	done
	get "$a/parcel/mcr/1/?page=1" "$tmp/q" -H "AUTHORIZATION: $token"
	seed assessor "$name-mcr" "" "$tmp/q"
	get "$a/parcel/000-00-000" "$tmp/q" -H "AUTHORIZATION: wrong"
	seed assessor "$name-unauthorized" "" "$tmp/q"
	get "$t/Parcel/Summary.aspx" "$tmp/q"
	seed treasurer "$name-nosession" "" "$tmp/q"
	get "$t/parcel/default.aspx?Parcel=99999999" "$tmp/q" -L -c "$tmp/jar2" -b "$tmp/jar2"
	seed treasurer "$name-notfound" "999-99-999" "$tmp/q"
	get "$r/documents/00000000001" "$tmp/q"
	seed recorder "$name-notfound" "00000000001" "$tmp/q"
	get "$r/documents/search?pageSize=0" "$tmp/q"
	seed recorder "$name-badsearch" "" "$tmp/q"
}

start clean -n 500 -s 11
collect clean
start malformed -n 500 -s 12 --fault assessor:malformed=0.5 --fault treasurer:malformed=0.5 \
    --fault recorder:malformed=0.5
collect malformed

# pdc-enqueue's input: what pdc-search prints, its JSON, and hand-made lines
split -l 8 "$tmp/lines" "$out/input/tsv-"
split -l 8 "$tmp/json" "$out/input/json-"
cut -f 1 "$tmp/lines" | sed -n '1,16p' >"$out/input/apns"

# the recorded county responses, whole
for f in "$root"/tests/fixtures/assessor-*.json /work/shared/county/real/assessor-*.json; do
	[ -f "$f" ] || continue
	seed assessor "fixture-$(basename "$f" .json)" "" "$f"
done
for f in "$root"/tests/fixtures/treasurer-*.html; do
	seed treasurer "fixture-$(basename "$f" .html)" "165-28-054" "$f"
done
for f in "$root"/tests/fixtures/recorder-*.json; do
	n=$(basename "$f" .json)
	seed recorder "fixture-$n" "${n##*-}" "$f"
done
# the real recorder responses: a detail asked for by its number, a search by its name
for f in "$root"/tests/fixtures/recorder/documents/*.json "$root"/tests/fixtures/recorder/search/*.json; do
	n=$(basename "$f" .json)
	seed recorder "real-$n" "$n" "$f"
done

# config: the examples of pdc.conf(5), and the files the tests write
awk '/^\.Bd -literal/ { inside = 1; n++; next } /^\.Ed/ { inside = 0; next }
    inside && n > 0 { print > (dir "/man-" n) }' dir="$tmp" "$root/man/pdc.conf.5"
for f in "$tmp"/man-*; do
	head -c 1 "$f" | grep -q '{' && seed config "$(basename "$f")" "" "$f"
done
for f in "$root"/tests/fixtures/*.json; do
	case $f in */config*) seed config "fixture-$(basename "$f" .json)" "" "$f" ;; esac
done

for h in assessor treasurer recorder robots config apn input; do
	printf 'seed: %-9s %4d inputs\n' "$h" "$(find "$out/$h" -type f | wc -l)"
done
