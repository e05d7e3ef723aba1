#!/bin/sh
# selfcheck.sh - check a running countyd against itself with jq, sed and awk:
# /_countyd/truth/X (what the generator drew) must be /parcel/X (how render.c
# wrote it) cleaned by FORMATS.md's rules in jq, the parts must
# equal the corresponding pieces of /parcel/X, and the search row must carry
# the truth's situs.  The truth's tax_bills, tax_districts and tax_payments
# must be what the treasurer's pages show, and its sales what the recorder
# gives a collector that follows SERVICES.md.  Once the clock has moved, the
# last owner, mailing address and deed of each parcel's changes since the
# start must be the truth's.
#
# usage: sh tests/countyd/selfcheck.sh http://127.0.0.1:PORT [N] [TOKEN]
# The treasurer and the recorder are taken to be .2 and .3 of the assessor's
# /8 on the same port; TREASURER_URL and RECORDER_URL say otherwise.
# Prints one line per mismatch and "selfcheck: N parcels, M mismatches";
# exits 1 when anything disagrees.
set -eu

base=${1:?usage: selfcheck.sh BASE_URL [N] [TOKEN]}
n=${2:-100}
token=${3:-test-token}
tbase=${TREASURER_URL:-$(echo "$base" | sed -E 's|//([0-9]+)\.[0-9]+\.[0-9]+\.[0-9]+|//\1.0.0.2|')}
rbase=${RECORDER_URL:-$(echo "$base" | sed -E 's|//([0-9]+)\.[0-9]+\.[0-9]+\.[0-9]+|//\1.0.0.3|')}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
P=cphMainContent_cphRightColumn_

# The cleaning rules, written independently of truth.c.
cat >"$tmp/expect.jq" <<'EOF'
def txt: if . == null then null
	elif type == "string" then (sub("^\\s+"; "") | sub("\\s+$"; "")) as $s
		| if $s == "" or $s == "na" then null else $s end
	elif type == "number" then tostring
	else tostring end;
def int: txt | if . == null then null else tonumber end;
def bool: if type == "boolean" then . else null end;
def iso: txt | if . == null then null
	else capture("^(?<m>[0-9]{2})/(?<d>[0-9]{2})/(?<y>[0-9]{4})$") | "\(.y)-\(.m)-\(.d)" end;
. as $p | $p.Owner as $o |
{
  apn: $apn,
  properties: {
    apn: $apn, mcr: ($p.MCR | txt), property_address: ($p.PropertyAddress | txt),
    property_description: ($p.PropertyDescription | txt), lot_size: ($p.LotSize | int),
    is_residential: ($p.IsResidential | bool),
    section_township_range: ($p.SectionTownshipRange | txt),
    subdivision_name: ($p.SubdivisionName | txt), lot: ($p.Lot | txt),
    high_school_district: ($p.HighSchoolDistrict | txt),
    elementary_school_district: ($p.ElementarySchoolDistrict | txt),
    local_jurisdiction: ($p.LocalJusidiction | txt), property_type: ($p.PropertyType | txt),
    parcel_status: ($p.ParcelStatus | txt), tax_area_code: ($p.TaxAreaCode | txt),
    property_use_code: ($p.PropertyUseCode | txt), pe_prop_use_desc: ($p.PEPropUseDesc | txt),
    owner_id: ($o.OwnerID | txt), owner_name: ($o.Ownership | txt),
    in_care_of: ($o.InCareOf | txt), mailing_address1: ($o.MailingAddress1 | txt),
    mailing_address2: ($o.MailingAddress2 | txt), mailing_city: ($o.MailingCity | txt),
    mailing_state: ($o.MailingState | txt), mailing_zip: ($o.MailingZip | txt),
    mailing_country: ($o.MailingCountry | txt),
    full_mailing_address: ($o.FullMailingAddress | txt),
    deed_number: ($o.MostCurrentDeed | txt), deed_date: ($o.DeedDate | iso),
    deed_type: ($o.DeedType | txt), sale_price: ($o.SalePrice | int),
    sale_date: ($o.SaleDate | iso), redacted: ($o.Redacted | bool),
    deed_suffix: (if ($o.MostCurrentDeed | txt) == null then null
      else ($p.DeedTransitionUrl // "" | capture("[?&]suffix=(?<s>[^&]*)") | .s) end)
  },
  valuations: [ $p.Valuations[] | {
    apn: $apn, tax_year: (.TaxYear | int), full_cash_value: (.FullCashValue | int),
    limited_property_value: (.LimitedPropertyValue | int),
    legal_classification_code: (.LegalClassificationCode | txt),
    legal_classification: (.LegalClassification | txt),
    assessment_ratio_percentage: (.AssessmentRatioPercentage | int),
    assessed_fcv: (.AssessedFCV | int), assessed_lpv: (.AssessedLPV | int),
    valuation_source: (.ValuationSource | txt), pe_prop_use_desc: (.PEPropUseDesc | txt),
    property_use_code: (.PropertyUseCode | txt), tax_area_code: (.TaxAreaCode | txt),
    notice_of_change_indc: (.NoticeOfChangeIndc | txt) } ],
  residential_details: ($p.ResidentialPropertyData | if . == null then null else {
    apn: $apn, construction_year: (.ConstructionYear | int),
    original_construction_year: (.OriginalConstructionYear | int),
    lot_size: (.LotSize | int), livable_space: (.LivableSpace | int),
    detached_livable_sqft: (.Detached_Livable_sqft | int),
    assessor_market: (.AssessorMarket | txt), area_neighborhood: (.AreaNeighborhood | txt),
    pool: (.Pool | bool), pe_improvement_quality_grade: (.PEImprovementQualityGrade | txt),
    improvement_quality_grade: (.ImprovementQualityGrade | txt),
    number_of_covered_patios: (.NumberOfCoveredPatios | int),
    number_of_uncovered_patios: (.NumberOfUncoveredPatios | int),
    number_of_patios: (.NumberOfPatios | int), patio_type: (.PatioType | txt),
    exterior_walls: (.ExteriorWalls | txt), roof_type: (.RoofType | txt),
    bath_fixtures: (.BathFixtures | int), cooling: (.Cooling | txt), heating: (.Heating | txt),
    number_of_garages: (.NumberOfGarages | int), number_of_carports: (.NumberOfCarports | int),
    parking_details_type: (.ParkingDetails.ParkingType | txt),
    parking_details_count: (.ParkingDetails.ParkingCount | int),
    locational_factors: (.LocationalFactors | txt), other_structures: (.OtherStructures | txt),
    parking_type: (.ParkingType | txt), covered_parking: (.CoveredParking | bool),
    locational_characteristics: (.LocationalCharacteristics | txt),
    physical_condition: (.PhysicalCondition | txt) } end)
}
EOF

get() {
	curl -sf -H "AUTHORIZATION: $token" "$base$1"
}

# The rows of the element with id $P$2 in HTML file $1: one line each, its
# <td> texts trimmed and ended by "|"; header rows (only <th>) are left out.
grid() {
	tr -d '\r\n' <"$1" | sed -n "s|.*id=\"$P$2\"||p" | sed 's|</table>.*||' |
	    sed 's|<tr[^>]*>|\
|g' | sed -e 's|</td>|\||g' -e 's|<[^>]*>||g' -e 's|&amp;|\&|g' \
	    -e 's/[[:space:]]*|[[:space:]]*/|/g' -e 's/^[[:space:]]*//' | grep '|' || true
}

# The text of the span with id $P$2 in HTML file $1.
span() {
	tr -d '\r\n' <"$1" | sed -n "s|.*<span id=\"$P$2\">\([^<]*\)</span>.*|\1|p" |
	    sed 's|&amp;|\&|g'
}

# The truth's tax bills as the pages state them: null where a bill's
# "unstated" says the pages leave the value unsaid.
stated='.tax_bills |= map(reduce (.unstated // [])[] as $k (.; .[$k] = null) | del(.unstated))'

# The treasurer's part of the truth, from its pages (SERVICES.md, "What pdc
# stores from these").
treasurer() {
	apn=$1
	rm -f "$tmp/jar"
	code=$(curl -s -c "$tmp/jar" -o /dev/null -w '%{http_code}' \
	    "$tbase/parcel/default.aspx?Parcel=$(echo "$apn" | tr -d -)")
	[ "$code" = 302 ] || { echo "$apn: the treasurer's entry answered $code"; return 1; }
	curl -sf -b "$tmp/jar" "$tbase/Parcel/Summary.aspx?List=All" >"$tmp/sum"
	curl -sf -b "$tmp/jar" "$tbase/Parcel/Activities.aspx" >"$tmp/act"
	grid "$tmp/sum" gvTaxYears >"$tmp/years"
	grid "$tmp/sum" gvSpecialDistricts >"$tmp/dists"
	if grep -q "id=\"${P}pnlOpen\"" "$tmp/sum"; then grid "$tmp/sum" pnlOpen; fi >"$tmp/open"
	if grep -q "id=\"${P}activityList_gvActs\"" "$tmp/act"; then
		grid "$tmp/act" activityList_gvActs
	else
		grid "$tmp/act" Activities1_gvActs
	fi >"$tmp/acts"
	jq -n -S --arg apn "$apn" --arg area "$(span "$tmp/sum" lblAreaCode)" \
	    --rawfile years "$tmp/years" --rawfile dists "$tmp/dists" \
	    --rawfile open "$tmp/open" --rawfile acts "$tmp/acts" '
	def money: sub("\\$"; "") | gsub(","; "") | tonumber;
	def lines: split("\n") | map(select(. != "") | split("|") | .[:-1]);
	def iso: if . == "" then null else split("/") | "\(.[2])-\(.[0])-\(.[1])" end;
	# pnlOpen by half (LABEL|AMOUNT) or by charge (LABEL|FIRST|SECOND|TOTAL)
	($open | lines | map({key: .[0], value: (.[1:] | map(money))}) | from_entries) as $o |
	($o["Tax Due:"] != null) as $charges |
	($years | lines) as $y | ($y[0][0] | tonumber) as $cur |
	{
	  tax_bills: [ $y | to_entries[] | .key as $i | .value as $r |
	    {apn: $apn, tax_year: ($r[0] | tonumber), status: $r[4],
	     assessed_tax: ($r[1] | money), paid: ($r[2] | money), due: ($r[3] | money)} +
	    if $i == 0 and ($o | length) == 0 then
	      # no pnlOpen: nothing is due, of any charge
	      {tax_area_code: (if $area == "" then null else $area end),
	       first_half_due: 0, second_half_due: 0, interest_due: 0, fees_due: 0, delinquent: false}
	    elif $i == 0 then
	      # a row not shown is unsaid; the interest and fees rows state delinquency
	      {tax_area_code: (if $area == "" then null else $area end),
	       first_half_due: (if $charges then $o["Tax Due:"][0] else $o["First Half:"][0] end),
	       second_half_due: (if $charges then $o["Tax Due:"][1] else $o["Second Half:"][0] end),
	       interest_due: $o["Interest Due:"][if $charges then 2 else 0 end],
	       fees_due: $o["Fees Due:"][if $charges then 2 else 0 end]} |
	      .delinquent = (if (.interest_due // 0) > 0 or (.fees_due // 0) > 0 then true
	        elif .interest_due != null and .fees_due != null then false else null end)
	    else
	      # gvTaxYears says Paid or Unpaid: nothing due is nothing late, else unsaid
	      {tax_area_code: null, first_half_due: null, second_half_due: null,
	       interest_due: null, fees_due: null,
	       delinquent: (if ($r[3] | money) == 0 then false else null end)}
	    end ],
	  tax_districts: [ $dists | lines[] |
	    {apn: $apn, district: .[0], tax_year: $cur, name: .[1],
	     percentage: (.[2] | rtrimstr("%") | tonumber), tax: (.[3] | money), paid: (.[4] | money)} ],
	  tax_payments: [ $acts | lines | map(select(length > 1)) | to_entries[] |
	    .key as $i | .value |
	    {apn: $apn, seq: ($i + 1), tax_year: (.[0] | tonumber), activity: .[1],
	     amount: (.[2] | money), activity_date: (.[3] | iso), payment_date: (.[4] | iso),
	     transaction: (if .[5] == "" then null else .[5] end)} ]
	}'
}

# The recorder's documents: each of the truth's sales is a served detail with
# the same names, date, first code and restriction; the newest is the
# assessor's MostCurrentDeed, with its SalePrice; the sales run newest first.
# Then the search under each name of the newest deed: rows by name, then
# recording number; every row's name holds the query; its code is the
# detail's first, with "+" when the detail lists more; the pages hold
# exactly totalResults rows, which stops at 501.  Prints one line per
# mismatch.
recorder() {
	apn=$1
	get "/parcel/$apn/owner-details" >"$tmp/owner"
	: >"$tmp/details"
	for num in $(jq -r '.sales[].recording_number' "$tmp/t"); do
		curl -s "$rbase/documents/$num" | jq -c --arg num "$num" '{num: $num, d: .}' \
		    >>"$tmp/details"
	done
	jq -r -s --arg apn "$apn" --slurpfile t "$tmp/t" --slurpfile o "$tmp/owner" '
	  def iso: split("-") | "\(.[2])-\(.[0] | if length == 1 then "0" + . else . end)-\(.[1])";
	  ($o[0].SalePrice | if type == "string" then gsub("\\s"; "") else . end |
	   if . == null or . == "" or . == "na" then null else tonumber end) as $price |
	  ($o[0].MostCurrentDeed // "" | gsub("^\\s+|\\s+$"; "")) as $deed |
	  (map({key: .num, value: .d}) | from_entries) as $d | $t[0].sales as $s |
	  ($s[] | . as $x | $d[$x.recording_number] as $doc |
	    if $doc.recordingNumber != $x.recording_number then "\($apn): sale \($x.recording_number) has no detail"
	    elif $doc.names != $x.names then "\($apn): sale \($x.recording_number): names differ from the detail"
	    elif ($doc.recordingDate | iso) != $x.recording_date then "\($apn): sale \($x.recording_number): date differs from the detail"
	    elif $doc.documentCodes[0] != $x.document_code then "\($apn): sale \($x.recording_number): code differs from the detail"
	    elif $doc.restricted != $x.restricted then "\($apn): sale \($x.recording_number): restricted differs from the detail"
	    elif $x.apn != $apn then "\($apn): sale \($x.recording_number) names another APN"
	    else empty end),
	  (if ($s | length) == 0 then (if $deed != "" then "\($apn): no sales, but MostCurrentDeed \($deed)" else empty end)
	   elif $s[0].recording_number != $deed then "\($apn): the newest sale is not MostCurrentDeed \($deed)"
	   elif $s[0].sale_price != $price then "\($apn): the newest sale'"'"'s price is not SalePrice"
	   else empty end),
	  ($s[1:][] | select(.sale_price != null) | "\($apn): sale \(.recording_number) has a price"),
	  (if ($s | map(.recording_date)) != ($s | map(.recording_date) | sort | reverse)
	   then "\($apn): sales not newest first" else empty end)' "$tmp/details"
	jq -r '.sales[0].names[]? // empty' "$tmp/t" | while read -r name; do
		search_check "$apn" "$name"
	done
}

# Every page of a businessNames search for $2 (a name of parcel $1's newest
# deed), checked as recorder() says.
search_check() {
	q=$(jq -rn --arg n "$2" '$n | @uri')
	page=1
	: >"$tmp/rows"
	while :; do
		curl -sf "$rbase/documents/search?businessNames=$q&pageSize=200&pageNumber=$page" \
		    >"$tmp/page" || { echo "$1: search for \"$2\" failed"; return; }
		total=$(jq .totalResults "$tmp/page")
		n=$(jq '.searchResults | length' "$tmp/page")
		[ "$n" -gt 0 ] || break
		jq -c '.searchResults[]' "$tmp/page" >>"$tmp/rows"
		page=$((page + 1))
	done
	for num in $(head -n 3 "$tmp/rows" | jq -r .recordingNumber); do
		curl -s "$rbase/documents/$num"
	done | jq -r -s --arg apn "$1" --arg q "$2" --arg total "$total" --slurpfile rows "$tmp/rows" '
	  ($total | tonumber) as $t | $rows as $r |
	  (if $t > 501 then "\($apn): search \"\($q)\": totalResults \($t) above 501" else empty end),
	  (if ($r | length) != $t then "\($apn): search \"\($q)\": \($r | length) rows for totalResults \($t)" else empty end),
	  (if ($r | map([.names, .recordingNumber])) != ($r | map([.names, .recordingNumber]) | sort)
	   then "\($apn): search \"\($q)\": rows not by name, then number" else empty end),
	  ($r[] | select(.names | contains($q) | not) | "\($apn): search \"\($q)\": row name \(.names)"),
	  (if $t < 501 and ($r | map(select(.names == $q)) | length) == 0
	   then "\($apn): search \"\($q)\": the name is on no row" else empty end),
	  (. as $docs | range(0; $docs | length) as $i | $docs[$i] as $d | $r[$i] |
	    select(.recordingNumber | tostring != $d.recordingNumber) |
	    "\($apn): search \"\($q)\": row \($i) is not its detail"),
	  (. as $docs | range(0; $docs | length) as $i | $docs[$i] as $d | $r[$i] |
	    ($d.documentCodes[0] + (if ($d.documentCodes | length) > 1 then "+" else "" end)) as $c |
	    select(.documentCode != $c) |
	    "\($apn): search \"\($q)\": row \($i) shows \(.documentCode), its detail \($c)")'
}

# The real service refuses a document code with a date range (FORMATS.md).
refusal() {
	code=$(curl -s -o "$tmp/400" -w '%{http_code}' \
	    "$rbase/documents/search?documentCode=WD&beginDate=2020-01-01&endDate=2020-12-31")
	if [ "$code" != 400 ] || ! jq -e 'keys == ["error", "path", "status", "timestamp"] and
	    .status == 400 and .path == "/documents/search"' "$tmp/400" >/dev/null; then
		echo "a document code with dates answered $code, not the real 400"
		return 1
	fi
}

# After the clock moved: the changes since the start end where the truth is.
clock=$(curl -sf "$base/_countyd/clock" || echo '{}')
start=$(printf '%s' "$clock" | jq -r '.start // empty')
today=$(printf '%s' "$clock" | jq -r '.today // empty')
changes() {
	[ -n "$start" ] && [ "$start" != "$today" ] || return 0
	curl -sf "$base/_countyd/truth/changes?from=$start&to=$today&apn=$1" >"$tmp/c" || {
		echo "$1: no changes from the clock"
		return 1
	}
	jq -rs --slurpfile t "$tmp/t" '$t[0] as $t |
	    (map(select(.kind == "owner")) | last | select(. != null and .new != $t.properties.owner_name) |
	     "owner \(.new) is not the truth'"'"'s") //
	    (map(select(.kind == "mailing")) | last | select(. != null and .new != $t.properties.full_mailing_address) |
	     "mailing \(.new) is not the truth'"'"'s") //
	    (map(select(.kind == "sale")) | last | select(. != null and .recording_number != $t.sales[0].recording_number) |
	     "sale \(.recording_number) is not the truth'"'"'s newest") // empty' "$tmp/c" >"$tmp/cx"
	if [ -s "$tmp/cx" ]; then
		sed "s|^|$1: |" "$tmp/cx"
		return 1
	fi
}

bad=0
count=0
for apn in $(curl -sf "$base/_countyd/apns?limit=$n"); do
	count=$((count + 1))
	get "/parcel/$apn" >"$tmp/p"
	curl -sf "$base/_countyd/truth/$apn" >"$tmp/t"
	jq -S --arg apn "$apn" -f "$tmp/expect.jq" "$tmp/p" >"$tmp/e"
	if ! jq -S 'del(.search, .tax_bills, .tax_districts, .tax_payments, .sales)' "$tmp/t" |
	    cmp -s - "$tmp/e"; then
		echo "$apn: truth differs from /parcel"
		jq -S 'del(.search)' "$tmp/t" | diff - "$tmp/e" | head -5
		bad=$((bad + 1))
	fi
	if ! treasurer "$apn" >"$tmp/tx" ||
	    ! jq -S "$stated | {tax_bills, tax_districts, tax_payments}" "$tmp/t" | cmp -s - "$tmp/tx"; then
		echo "$apn: truth differs from the treasurer's pages"
		jq -S "$stated | {tax_bills, tax_districts, tax_payments}" "$tmp/t" | diff - "$tmp/tx" | head -5
		bad=$((bad + 1))
	fi
	changes "$apn" || bad=$((bad + 1))
	recorder "$apn" >"$tmp/rx"
	if [ -s "$tmp/rx" ]; then
		cat "$tmp/rx"
		bad=$((bad + $(wc -l <"$tmp/rx")))
	fi
	for part in propertyinfo address valuations residential-details owner-details; do
		get "/parcel/$apn/$part" >"$tmp/part"
		case $part in
		propertyinfo) f='with_entries(select(.key as $k | ["MCR","AssociatedParcels","MoreAssociatedParcelsExist","PropertyAddress","PropertyDescription","LotSize","IsResidential","MapidExists","SectionTownshipRange","AssessorMarket","AreaNeighborhood","SubdivisionName","Lot","HighSchoolDistrict","ElementarySchoolDistrict","LocalJusidiction","PropertyType","ParcelStatus","APL_flag"] | index($k))) | .PropertyType |= ascii_upcase' ;;
		address) f='{PropertyAddress}' ;;
		valuations) f='.Valuations' ;;
		residential-details) f='.ResidentialPropertyData' ;;
		owner-details) f='.Owner' ;;
		esac
		if ! jq -S "$f" "$tmp/p" | cmp -s - "$(jq -S . "$tmp/part" >"$tmp/ps"; echo "$tmp/ps")"; then
			echo "$apn: /parcel/$apn/$part differs from /parcel/$apn"
			bad=$((bad + 1))
		fi
	done
	get "/search/property/?q=$apn" >"$tmp/s"
	if ! jq -e --slurpfile t "$tmp/t" '.TotalRealPropertyResults == 1 and
	    (.RealPropertyResults[0] | .APN == $t[0].apn and
	     .SitusAddress == $t[0].search.situs_address and .SitusCity == $t[0].search.situs_city and
	     .SitusZip == $t[0].search.situs_zip and .Ownership == $t[0].properties.owner_name and
	     .MCR == $t[0].properties.mcr)' "$tmp/s" >/dev/null; then
		echo "$apn: search row disagrees with the truth"
		bad=$((bad + 1))
	fi
done
refusal || bad=$((bad + 1))
echo "selfcheck: $count parcels, $bad mismatches"
[ "$bad" -eq 0 ]
