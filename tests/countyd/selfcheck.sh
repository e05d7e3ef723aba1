#!/bin/sh
# selfcheck.sh - check a running countyd against itself with jq alone:
# /_countyd/truth/X must be /parcel/X cleaned by jq's own rules, the parts must
# equal the corresponding pieces of /parcel/X, and the search row must carry
# the truth's situs.
#
# usage: sh tests/countyd/selfcheck.sh http://127.0.0.1:PORT [N] [TOKEN]
# Prints one line per mismatch and "selfcheck: N parcels, M mismatches";
# exits 1 when anything disagrees.
set -eu

base=${1:?usage: selfcheck.sh BASE_URL [N] [TOKEN]}
n=${2:-300}
token=${3:-test-token}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The cleaning rules, written independently of truth.c.
cat >"$tmp/expect.jq" <<'EOF'
def txt: if . == null then null
	elif type == "string" then (sub("^\\s+"; "") | sub("\\s+$"; "")) as $s
		| if $s == "" or ($s | ascii_downcase) == "na" then null else $s end
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
    sale_date: ($o.SaleDate | iso), redacted: ($o.Redacted | bool)
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

bad=0
count=0
for apn in $(curl -sf "$base/_countyd/apns?limit=$n"); do
	count=$((count + 1))
	get "/parcel/$apn" >"$tmp/p"
	curl -sf "$base/_countyd/truth/$apn" >"$tmp/t"
	jq -S --arg apn "$apn" -f "$tmp/expect.jq" "$tmp/p" >"$tmp/e"
	if ! jq -S 'del(.search)' "$tmp/t" | cmp -s - "$tmp/e"; then
		echo "$apn: truth differs from /parcel"
		jq -S 'del(.search)' "$tmp/t" | diff - "$tmp/e" | head -5
		bad=$((bad + 1))
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
echo "selfcheck: $count parcels, $bad mismatches"
[ "$bad" -eq 0 ]
