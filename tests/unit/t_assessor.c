/*
 * t_assessor - the assessor parser on the real /parcel response for
 * 165-28-054, on small bodies with each quirk, and collect()/search() against
 * a tiny HTTP server in a thread.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "record.h"
#include "schema.h"
#include "sources/assessor.h"
#include "httpd.h"
#include "unit.h"
#include "rows.h"

#define FIXTURE "tests/fixtures/assessor-165-28-054-parcel.json"

static const struct expect fixture_properties[] = {
	{ "apn", "165-28-054" },
	{ "mcr", "9641" },
	{ "property_address", "10010 N 29TH ST PHOENIX, AZ 85028" },
	{ "property_description", "PARADISE VALLEY OASIS 1-A" },
	{ "lot_size", "10453" },
	{ "is_residential", "t" },
	{ "section_township_range", "26 3N 3E" },
	{ "subdivision_name", "PARADISE VALLEY OASIS 1-A" },
	{ "lot", "413" },
	{ "high_school_district", "PARADISE VALLEY UNIFIED #69" },
	{ "elementary_school_district", "PARADISE VALLEY UNIFIED SCHOOL DISTRICT" },
	{ "local_jurisdiction", "PHOENIX" },
	{ "property_type", "Residential" },
	{ "parcel_status", "A" },
	{ "tax_area_code", "691300" },
	{ "property_use_code", "9060" },
	{ "pe_prop_use_desc", "Prop Tax Exe, Priv-Owned" },
	{ "owner_id", "1CE9343E-0B79-4899-8A74-6446449696BB" },
	{ "owner_name", "HORIZON HEALTH AND WELLNESS INC" },
	{ "in_care_of", NULL },
	{ "mailing_address1", "210 E COTTONWOOD LN" },
	{ "mailing_address2", NULL },
	{ "mailing_city", "CASA CRANDE" },
	{ "mailing_state", "AZ" },
	{ "mailing_zip", "85122" },
	{ "mailing_country", "USA" },
	{ "full_mailing_address", "210 E COTTONWOOD LN, CASA CRANDE, AZ 85122" },
	{ "deed_number", "20180142724" },
	{ "deed_date", "2018-02-26" },
	{ "deed_type", "WD" },
	{ "sale_price", NULL },
	{ "sale_date", NULL },
	{ "redacted", "f" },
	{ "deed_suffix", "" },	/* DeedTransitionUrl "...recordingNumber=20180142724&suffix=" */
};

/* The six tax years, newest first as the county lists them. */
static const struct {
	const char *year, *fcv, *lpv, *lpv_assessed, *use;
} fixture_years[] = {
	{ "2026", "573300", "255234", "38285", "9060" },
	{ "2025", "545500", "243080", "36462", "9060" },
	{ "2024", "583800", "231505", "34726", "9020" },
	{ "2023", "486000", "220481", "33072", "9020" },
	{ "2022", "375300", "209982", "31497", "9020" },
	{ "2021", "340500", "199983", "29997", "9020" },
};

static const struct expect fixture_residential[] = {
	{ "apn", "165-28-054" },
	{ "construction_year", "1961" },
	{ "original_construction_year", "1961" },
	{ "lot_size", "10453" },
	{ "livable_space", "2262" },
	{ "detached_livable_sqft", NULL },
	{ "assessor_market", "05" },
	{ "area_neighborhood", "009" },
	{ "pool", "f" },
	{ "pe_improvement_quality_grade", "Comparable" },
	{ "improvement_quality_grade", "CLASS R3" },
	{ "number_of_covered_patios", "0" },
	{ "number_of_uncovered_patios", "1" },
	{ "number_of_patios", "1" },
	{ "patio_type", "Uncovered" },
	{ "exterior_walls", "Bp - 8\" Painted Block" },
	{ "roof_type", "As - Asphalt" },
	{ "bath_fixtures", "6" },
	{ "cooling", "RF - REFRIGERATION" },
	{ "heating", "Yes" },
	{ "number_of_garages", "2" },
	{ "number_of_carports", "0" },
	{ "parking_details_type", "Garage" },
	{ "parking_details_count", "1" },
	{ "locational_factors", NULL },
	{ "other_structures", NULL },
	{ "parking_type", "Garage" },
	{ "covered_parking", "t" },
	{ "locational_characteristics", NULL },
	{ "physical_condition", NULL },
};

static void
test_fixture(void)
{
	struct pdc_record rec;
	struct pdc_err err = { 0 };
	size_t len = 0, nval = 0;
	char *body = slurp(FIXTURE, &len);

	if (!ok(body != NULL, "read " FIXTURE " (run from the repository root)"))
		return;
	pdc_record_init(&rec, "165-28-054");
	is_int(pdc_assessor_parse_parcel(body, len, &rec, &err), 0, "parse the real /parcel body");
	if (err.kind != PDC_OK)
		printf("# %s\n", err.msg);
	is_int(rec.parts, PDC_PART_BASIC | PDC_PART_VALUATIONS | PDC_PART_RESIDENTIAL,
	    "basic, valuations and residential parts");
	is_int(rec.sets & bit(&pdc_tbl_valuations), bit(&pdc_tbl_valuations),
	    "the record carries the valuations set");
	is_int(rec.nrows, 1 + 6 + 1, "one properties, six valuations, one residential row");

	check_row(pdc_record_find(&rec, &pdc_tbl_properties), fixture_properties,
	    sizeof(fixture_properties) / sizeof(fixture_properties[0]), "properties");

	for (size_t r = 0; r < rec.nrows; r++) {
		const struct pdc_row *row = &rec.rows[r];
		char what[32];

		if (row->table != &pdc_tbl_valuations || nval >= 6)
			continue;
		snprintf(what, sizeof(what), "valuations %s", fixture_years[nval].year);
		{
			const struct expect exp[] = {
				{ "apn", "165-28-054" },
				{ "tax_year", fixture_years[nval].year },
				{ "full_cash_value", fixture_years[nval].fcv },
				{ "limited_property_value", fixture_years[nval].lpv },
				{ "legal_classification_code", "2.R" },
				{ "legal_classification", "AG / VACANT LAND / NON-PROFIT R/P" },
				{ "assessment_ratio_percentage", "0.1500" },
				{ "assessed_fcv", NULL },
				{ "assessed_lpv", fixture_years[nval].lpv_assessed },
				{ "valuation_source", "Notice" },
				{ "pe_prop_use_desc", "Prop Tax Exe, Priv-Owned" },
				{ "property_use_code", fixture_years[nval].use },
				{ "tax_area_code", "691300" },
				{ "notice_of_change_indc", "N" },
			};

			check_row(row, exp, sizeof(exp) / sizeof(exp[0]), what);
		}
		nval++;
	}
	is_int(nval, 6, "six valuation years");

	check_row(pdc_record_find(&rec, &pdc_tbl_residential), fixture_residential,
	    sizeof(fixture_residential) / sizeof(fixture_residential[0]), "residential");

	pdc_record_release(&rec);

	/* a body cut anywhere is not JSON, and leaves nothing behind */
	pdc_record_init(&rec, "165-28-054");
	is_int(pdc_assessor_parse_parcel(body, len / 2, &rec, &err), -1, "half the body fails");
	is_int(err.kind, PDC_E_PERMANENT, "a cut body is permanent");
	ok(strncmp(err.msg, "assessor: /parcel/165-28-054: response is not JSON", 50) == 0,
	    "a cut body is not JSON");
	is_int(rec.nrows, 0, "nothing added");
	pdc_record_release(&rec);
	free(body);
}

/* Parse BODY into a fresh record for 165-28-054; returns the parse result. */
static int
parse(const char *body, struct pdc_record *rec, struct pdc_err *err)
{
	pdc_record_init(rec, "165-28-054");
	pdc_err_clear(err);
	return pdc_assessor_parse_parcel(body, strlen(body), rec, err);
}

static const char *
col(const struct pdc_record *rec, const struct pdc_table *t, const char *name)
{
	const struct pdc_row *row = pdc_record_find(rec, t);

	return row != NULL ? pdc_row_get(row, name) : "(no row)";
}

static void
test_quirks(void)
{
	struct pdc_record rec;
	struct pdc_err err;
	static const char mixed[] =
	    "{\"MCR\": 9641, \"LotSize\": \"415000.00\", \"IsResidential\": \"Y\","
	    " \"PropertyType\": \"  Residential \", \"Lot\": \"na\", \"ParcelStatus\": \"\","
	    " \"Owner\": {\"SalePrice\": \"415000.00\", \"SaleDate\": \"3/5/2020\","
	    "  \"Redacted\": \"false\", \"MailingZip\": 85122, \"DeedDate\": \"2/29/2024\","
	    "  \"Ownership\": \"NU\xc3\x91" "EZ JOS\xc3\x89\"},"
	    " \"Valuations\": [{\"TaxYear\": 2026, \"FullCashValue\": \" 573300 \","
	    "  \"AssessmentRatioPercentage\": 0.15, \"AssessedFCV\": \"NA\", \"AssessedLPV\": null,"
	    "  \"LimitedPropertyValue\": \"$1,234,567\", \"LegalClassificationCode\": \"2.R \"}],"
	    " \"ResidentialPropertyData\": {\"NumberOfCoveredPatios\": 0,"
	    "  \"NumberOfUncoveredPatios\": \"1\", \"Pool\": true, \"ParkingDetails\": null,"
	    "  \"LotSize\": \"\", \"BathFixtures\": 6.0, \"CoveredParking\": \"N\","
	    "  \"LocationalFactors\": []},"
	    " \"SimilarParcels\": [{\"PoolArea\": []}, {\"PoolArea\": \"450\"}],"
	    " \"Sketches\": {\"TotalPages\": 0, \"Pages\": []}}";

	is_int(parse(mixed, &rec, &err), 0, "mixed types parse");
	is_str(col(&rec, &pdc_tbl_properties, "mcr"), "9641", "a JSON number into text");
	is_str(col(&rec, &pdc_tbl_properties, "lot_size"), "415000", "an integral decimal into an integer");
	is_str(col(&rec, &pdc_tbl_properties, "is_residential"), "t", "\"Y\" is true");
	is_str(col(&rec, &pdc_tbl_properties, "property_type"), "Residential", "text trimmed both ends");
	is_str(col(&rec, &pdc_tbl_properties, "lot"), NULL, "\"na\" is NULL");
	is_str(col(&rec, &pdc_tbl_properties, "parcel_status"), NULL, "\"\" is NULL");
	is_str(col(&rec, &pdc_tbl_properties, "sale_price"), "415000.00", "a numeric keeps its digits");
	is_str(col(&rec, &pdc_tbl_properties, "sale_date"), "2020-03-05", "M/D/YYYY date");
	is_str(col(&rec, &pdc_tbl_properties, "deed_date"), "2024-02-29", "a leap day");
	is_str(col(&rec, &pdc_tbl_properties, "redacted"), "f", "\"false\" is false");
	is_str(col(&rec, &pdc_tbl_properties, "mailing_zip"), "85122", "a number into a zip");
	is_str(col(&rec, &pdc_tbl_properties, "owner_name"), "NU\xc3\x91" "EZ JOS\xc3\x89", "UTF-8 text kept");
	is_str(col(&rec, &pdc_tbl_properties, "in_care_of"), NULL, "a missing key is NULL");
	is_str(col(&rec, &pdc_tbl_valuations, "tax_year"), "2026", "a JSON number year");
	is_str(col(&rec, &pdc_tbl_valuations, "full_cash_value"), "573300", "blanks around a number");
	is_str(col(&rec, &pdc_tbl_valuations, "assessment_ratio_percentage"), "0.15", "a JSON decimal");
	is_str(col(&rec, &pdc_tbl_valuations, "assessed_fcv"), NULL, "\"NA\" in a number is NULL");
	is_str(col(&rec, &pdc_tbl_valuations, "assessed_lpv"), NULL, "null is NULL");
	is_str(col(&rec, &pdc_tbl_valuations, "limited_property_value"), "1234567", "dollars and commas");
	is_str(col(&rec, &pdc_tbl_valuations, "legal_classification_code"), "2.R", "\"2.R \" trimmed");
	is_str(col(&rec, &pdc_tbl_residential, "number_of_covered_patios"), "0", "a JSON 0");
	is_str(col(&rec, &pdc_tbl_residential, "number_of_uncovered_patios"), "1", "a string \"1\"");
	is_str(col(&rec, &pdc_tbl_residential, "pool"), "t", "JSON true");
	is_str(col(&rec, &pdc_tbl_residential, "covered_parking"), "f", "\"N\" is false");
	is_str(col(&rec, &pdc_tbl_residential, "parking_details_type"), NULL, "null ParkingDetails");
	is_str(col(&rec, &pdc_tbl_residential, "parking_details_count"), NULL, "null ParkingDetails count");
	is_str(col(&rec, &pdc_tbl_residential, "lot_size"), NULL, "\"\" integer is NULL");
	is_str(col(&rec, &pdc_tbl_residential, "bath_fixtures"), "6", "6.0 is the integer 6");
	is_str(col(&rec, &pdc_tbl_residential, "locational_factors"), NULL, "[] is NULL");
	pdc_record_release(&rec);

	/* "na" is missing as the county spells it; in text any other spelling is a value */
	is_int(parse("{\"MCR\": \"1\", \"Lot\": \" na  \", \"SubdivisionName\": \"NA\","
	    " \"PropertyDescription\": \"N/A\", \"LotSize\": \"N/A\","
	    " \"Valuations\": [{\"TaxYear\": \"2026\", \"AssessedFCV\": \"na\","
	    "  \"AssessedLPV\": \"Na\", \"LegalClassification\": \"na\"}]}", &rec, &err), 0,
	    "the spellings of \"na\" parse");
	is_str(col(&rec, &pdc_tbl_properties, "lot"), NULL, "\"na\" padded is NULL");
	is_str(col(&rec, &pdc_tbl_properties, "subdivision_name"), "NA", "text \"NA\" is kept");
	is_str(col(&rec, &pdc_tbl_properties, "property_description"), "N/A", "text \"N/A\" is kept");
	is_str(col(&rec, &pdc_tbl_properties, "lot_size"), NULL, "\"N/A\" in a number is NULL");
	is_str(col(&rec, &pdc_tbl_valuations, "assessed_fcv"), NULL, "the real \"na\" in a number");
	is_str(col(&rec, &pdc_tbl_valuations, "assessed_lpv"), NULL, "\"Na\" in a number is NULL");
	is_str(col(&rec, &pdc_tbl_valuations, "legal_classification"), NULL, "\"na\" in text is NULL");
	pdc_record_release(&rec);

	is_int(parse("{\"MCR\": \"1\"}", &rec, &err), 0, "no Owner, no Valuations key");
	is_int(rec.parts, PDC_PART_BASIC, "basic without an owner");
	is_str(col(&rec, &pdc_tbl_properties, "owner_name"), NULL, "owner columns NULL");
	is_int(rec.sets & bit(&pdc_tbl_valuations), 0, "no Valuations key: the set is not carried");
	is_int(rec.sets & bit(&pdc_tbl_residential), 0, "no residential key: not carried");
	pdc_record_release(&rec);

	is_int(parse("{\"MCR\": \"1\", \"Owner\": null, \"Valuations\": [],"
	    " \"ResidentialPropertyData\": null}", &rec, &err), 0, "empty Valuations, null residential");
	is_int(rec.sets & bit(&pdc_tbl_valuations), bit(&pdc_tbl_valuations),
	    "empty Valuations still carries the set");
	is_int(rec.parts, PDC_PART_BASIC | PDC_PART_VALUATIONS, "valuations part got, residential not");
	ok(pdc_record_find(&rec, &pdc_tbl_valuations) == NULL, "no valuations rows");
	ok(pdc_record_find(&rec, &pdc_tbl_residential) == NULL, "null residential: no row");
	is_int(rec.sets & bit(&pdc_tbl_residential), bit(&pdc_tbl_residential),
	    "null residential carries the empty part (the store clears it)");
	pdc_record_release(&rec);
}

/* BODY must fail with PDC_E_PERMANENT and exactly the message WANT. */
static void
fails(const char *body, const char *want, const char *name)
{
	struct pdc_record rec;
	struct pdc_err err;

	is_int(parse(body, &rec, &err), -1, name);
	is_int(err.kind, PDC_E_PERMANENT, name);
	is_str(err.msg, want, name);
	ok(rec.nrows == 0 && rec.parts == 0 && rec.sets == 0 && rec.partial == 0,
	    "a failed parse leaves the record alone");
	pdc_record_release(&rec);
}

static void
test_failures(void)
{
	struct pdc_record rec;
	struct pdc_err err;
	static const char late[] = "{\"Valuations\": [{\"TaxYear\": \"x\"}]}";

	fails("{\"LotSize\": {\"a\":1}}", "assessor: LotSize: {\"a\":1} is not a number",
	    "an object where a number belongs");
	fails("{\"Valuations\": [{\"TaxYear\": \"2026\"}, {\"TaxYear\": \"2025\"},"
	    " {\"TaxYear\": \"2024\", \"FullCashValue\": \"12x\"}]}",
	    "assessor: Valuations[2].FullCashValue: \"12x\" is not a number", "\"12x\"");
	fails("{\"ResidentialPropertyData\": {\"LivableSpace\": \"2262.5\"}}",
	    "assessor: ResidentialPropertyData.LivableSpace: \"2262.5\" is not a whole number",
	    "a fraction in an integer");
	fails("{\"Owner\": {\"DeedDate\": \"02/30/2018\"}}",
	    "assessor: Owner.DeedDate: \"02/30/2018\" is not a date", "February 30");
	fails("{\"Owner\": {\"SaleDate\": \"13/01/2018\"}}",
	    "assessor: Owner.SaleDate: \"13/01/2018\" is not a date", "month 13");
	fails("{\"Owner\": {\"SaleDate\": \"2/29/2023\"}}",
	    "assessor: Owner.SaleDate: \"2/29/2023\" is not a date", "no leap day in 2023");
	fails("{\"Owner\": {\"Redacted\": \"maybe\"}}",
	    "assessor: Owner.Redacted: \"maybe\" is not true or false", "a flag that is neither");
	fails("{\"Owner\": {\"SalePrice\": \"1,23\"}}",
	    "assessor: Owner.SalePrice: \"1,23\" is not a number", "bad thousands grouping");
	fails("{\"Owner\": {\"Ownership\": [\"A\", \"B\"]}}",
	    "assessor: Owner.Ownership: [\"A\",\"B\"] is not text", "a list where text belongs");
	fails("{\"Owner\": {\"Ownership\": \"AB\xff\xc3\"}}",
	    "assessor: Owner.Ownership: \"AB??\" is not valid UTF-8", "broken UTF-8 in text");
	fails("{\"Owner\": \"JANE DOE\"}", "assessor: Owner: \"JANE DOE\" is not an object",
	    "Owner not an object");
	fails("{\"Valuations\": \"none\"}", "assessor: Valuations: \"none\" is not a list",
	    "Valuations not a list");
	fails("{\"Valuations\": [7]}", "assessor: Valuations[0]: 7 is not an object",
	    "a valuation that is not an object");
	fails("{\"Valuations\": [{\"FullCashValue\": \"1\"}]}",
	    "assessor: Valuations[0].TaxYear: missing, and it is part of the key",
	    "a valuation without a year");
	fails("{\"Valuations\": [{\"TaxYear\": \"2025\"}, {\"TaxYear\": 2025}]}",
	    "assessor: Valuations: tax year 2025 appears twice", "a year twice");
	fails("{\"ResidentialPropertyData\": {\"ParkingDetails\": \"x\"}}",
	    "assessor: ResidentialPropertyData.ParkingDetails: \"x\" is not an object",
	    "ParkingDetails not an object");
	fails("{\"ResidentialPropertyData\": 5}",
	    "assessor: ResidentialPropertyData: 5 is not an object", "residential not an object");
	fails("{\"IsResidential\": 2}", "assessor: IsResidential: 2 is not true or false",
	    "a number that is no flag");

	fails("<html><body>Service Unavailable</body></html>",
	    "assessor: /parcel/165-28-054: response is not JSON: "
	    "\"<html><body>Service Unavailable</body></html>\"", "an HTML body");
	fails("[parcel]:Unauthorized access! Please contact support.",
	    "assessor: /parcel/165-28-054: response is not JSON: "
	    "\"[parcel]:Unauthorized access! Please contact su...\"", "the unauthorized text");
	fails("{\"MCR\": \"1\"} trailing", "assessor: /parcel/165-28-054: response is not JSON: "
	    "\"{\"MCR\": \"1\"} trailing\"", "trailing garbage");
	fails("", "assessor: /parcel/165-28-054: response is not JSON: \"\"", "an empty body");
	fails("[1, 2]", "assessor: /parcel/165-28-054: response is not a JSON object: \"[1, 2]\"",
	    "a list body");
	fails("{}", "assessor: /parcel/165-28-054: parcel not found (empty object)", "an empty object");

	/* a failure after earlier rows keeps those rows and nothing of its own */
	pdc_record_init(&rec, "165-28-054");
	pdc_record_add(&rec, &pdc_tbl_sales);
	rec.parts = PDC_PART_SALES;
	is_int(pdc_assessor_parse_parcel(late, strlen(late), &rec, &err), -1, "fails after other rows");
	ok(rec.nrows == 1 && rec.rows[0].table == &pdc_tbl_sales, "the earlier row stays");
	is_int(rec.parts, PDC_PART_SALES, "parts as before");
	is_int(rec.sets, bit(&pdc_tbl_sales), "sets as before");
	pdc_record_release(&rec);
}

static void
test_search_parse(void)
{
	struct pdc_search_row *rows;
	struct pdc_err err;
	size_t n;
	long total;
	static const char real[] =
	    "{\"RealPropertyResults\": [{\"APN\": \"165-28-054\","
	    " \"Ownership\": \"HORIZON HEALTH AND WELLNESS INC\", \"SitusAddress\": \"10010 N 29TH ST \","
	    " \"SitusCity\": \"PHOENIX\", \"SitusZip\": \"85028\", \"PropertyType\": \"Residential\","
	    " \"MCR\": \"9641\", \"RentalID\": null, \"SubdivisonName\": \"PARADISE VALLEY OASIS 1-A\","
	    " \"SectionTownshipRange\": \"26 3N 3E\"},"
	    " {\"APN\": \"bogus\", \"Ownership\": \"SKIPPED\"},"
	    " {\"APN\": \"11219038a\", \"SubdivisionName\": \"X\", \"SitusZip\": 85001}],"
	    " \"TotalRealPropertyResults\": 3, \"BusinessPersonalPropertyResults\": []}";

	pdc_err_clear(&err);
	is_int(pdc_assessor_parse_search(real, strlen(real), &rows, &n, &total, &err), 0,
	    "search: RealPropertyResults");
	is_int(n, 2, "search: the bad APN is skipped");
	is_int(total, 3, "search: TotalRealPropertyResults");
	if (n == 2) {
		is_str(rows[0].apn, "165-28-054", "search: apn");
		is_str(rows[0].owner, "HORIZON HEALTH AND WELLNESS INC", "search: owner");
		is_str(rows[0].address, "10010 N 29TH ST", "search: address trimmed");
		is_str(rows[0].city, "PHOENIX", "search: city");
		is_str(rows[0].zip, "85028", "search: zip");
		is_str(rows[0].type, "Residential", "search: type");
		is_str(rows[0].mcr, "9641", "search: mcr");
		is_str(rows[0].subdivision, "PARADISE VALLEY OASIS 1-A", "search: SubdivisonName (sic)");
		is_str(rows[0].str, "26 3N 3E", "search: section township range");
		is_str(rows[1].apn, "112-19-038A", "search: bare APN canonicalised");
		is_str(rows[1].subdivision, "X", "search: SubdivisionName also read");
		is_str(rows[1].zip, "85001", "search: numeric zip");
		is_str(rows[1].owner, NULL, "search: missing owner is NULL");
	}
	pdc_assessor_search_free(rows, n);

	static const char alt[] = "{\"Results\": [{\"APN\": \"304.78.386\", \"Ownership\": \"SMITH\"}],"
	    " \"Total\": \"1\"}";
	is_int(pdc_assessor_parse_search(alt, strlen(alt), &rows, &n, &total, &err), 0,
	    "search: Results fallback");
	is_int(n, 1, "search: one row under Results");
	is_int(total, 1, "search: Total as a string");
	if (n == 1) {
		is_str(rows[0].apn, "304-78-386", "search: dotted APN");
		is_str(rows[0].owner, "SMITH", "search: owner under Results");
	}
	pdc_assessor_search_free(rows, n);

	static const char none[] = "{\"RealPropertyResults\": null, \"Results\": [], \"TotalResults\": 0}";
	is_int(pdc_assessor_parse_search(none, strlen(none), &rows, &n, &total, &err), 0,
	    "search: no results");
	ok(n == 0 && rows == NULL, "search: no rows");
	is_int(total, 0, "search: TotalResults");

	static const char nototal[] = "{\"RealPropertyResults\": []}";
	is_int(pdc_assessor_parse_search(nototal, strlen(nototal), &rows, &n, &total, &err), 0,
	    "search: no total");
	is_int(total, -1, "search: total unknown is -1");

	static const char odd[] = "{\"Something\": []}";
	is_int(pdc_assessor_parse_search(odd, strlen(odd), &rows, &n, &total, &err), -1,
	    "search: neither list");
	is_int(err.kind, PDC_E_PERMANENT, "search: neither list is permanent");

	static const char badrow[] = "{\"RealPropertyResults\": [{\"APN\": \"165-28-054\"},"
	    " {\"APN\": \"165-28-055\", \"SitusCity\": {\"x\": 1}}]}";
	is_int(pdc_assessor_parse_search(badrow, strlen(badrow), &rows, &n, &total, &err), -1,
	    "search: an object where text belongs");
	is_str(err.msg, "assessor: RealPropertyResults[1].SitusCity: {\"x\":1} is not text",
	    "search: the field is named");
	ok(rows == NULL && n == 0, "search: nothing returned on failure");

	is_int(pdc_assessor_parse_search("<html>", 6, &rows, &n, &total, &err), -1,
	    "search: not JSON");
	is_str(err.msg, "assessor: /search/property/: response is not JSON: \"<html>\"",
	    "search: not JSON message");
}

/*
 * A tiny HTTP server: one request per connection, answers chosen by path,
 * the last request kept for the test to look at.
 */
static struct {
	struct httpd h;
	const char *parcel;
	size_t parcel_len;
} srv;

static void
serve_one(int c, const char *req)
{
	if (strncmp(req, "GET /x/parcel/165-28-054 ", 25) == 0 &&
	    strstr(req, "\r\nAUTHORIZATION: bad\r\n") != NULL) {
		static const char deny[] = "[parcel]:Unauthorized access! Please contact support.";

		httpd_answer(c, "500 Internal Server Error", "Content-Type: text/html\r\n", deny,
		    sizeof(deny) - 1);
	} else if (strncmp(req, "GET /x/parcel/165-28-054 ", 25) == 0) {
		httpd_answer(c, "200 OK", "Content-Type: application/json\r\n", srv.parcel,
		    srv.parcel_len);
	} else if (strncmp(req, "GET /x/parcel/111-11-111 ", 25) == 0) {
		httpd_answer(c, "503 Service Unavailable", "Retry-After: 3\r\n", "busy", 4);
	} else if (strncmp(req, "GET /x/parcel/222-22-222 ", 25) == 0) {
		httpd_answer(c, "200 OK", "Content-Type: text/html\r\n", "<html>", 6);
	} else if (strncmp(req, "GET /x/search/property/?q=", 26) == 0) {
		static const char res[] = "{\"RealPropertyResults\": [{\"APN\": \"16528054\","
		    " \"Ownership\": \"SMITH JOHN\"}], \"TotalRealPropertyResults\": 1}";

		httpd_answer(c, "200 OK", "Content-Type: application/json\r\n", res, sizeof(res) - 1);
	} else {
		httpd_answer(c, "404 Not Found", "", "not found", 9);
	}
}

static int
server_start(void)
{
	return httpd_start(&srv.h, serve_one);
}

static void
server_stop(void)
{
	httpd_stop(&srv.h);
}

static void
test_collect(void)
{
	struct pdc_config cfg;
	struct pdc_source_ctx ctx;
	struct pdc_record rec;
	struct pdc_err err;
	struct pdc_search_row *rows;
	size_t n, len = 0;
	long total;
	char base[64], token[] = "tok", bad[] = "bad";
	char *body = slurp(FIXTURE, &len);

	srv.parcel = body;
	srv.parcel_len = len;
	if (!ok(body != NULL && server_start() == 0, "start a local server")) {
		free(body);
		return;
	}
	snprintf(base, sizeof(base), "http://127.0.0.1:%d/x/", srv.h.port);
	memset(&cfg, 0, sizeof(cfg));
	cfg.source[pdc_config_source_index("assessor")].base_url = base;
	cfg.source[pdc_config_source_index("assessor")].token = token;
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.http = pdc_http_new(&(struct pdc_http_opts){ .timeout_seconds = 5 }, &err);
	ok(ctx.http != NULL, "an http handle");

	is_str(pdc_source_assessor.name, "assessor", "source name");
	is_int(pdc_source_assessor.parts, PDC_PART_BASIC | PDC_PART_VALUATIONS | PDC_PART_RESIDENTIAL,
	    "source parts");

	pdc_record_init(&rec, "165-28-054");
	pdc_err_clear(&err);
	is_int(pdc_source_assessor.collect(&ctx, "165-28-054", &rec, &err), 0, "collect 165-28-054");
	if (err.kind != PDC_OK)
		printf("# %s\n", err.msg);
	is_int(ctx.requests, 1, "one request counted");
	ok(httpd_last_has(&srv.h, "GET /x/parcel/165-28-054 HTTP/1.1\r\n"), "GET /parcel/{canonical apn}, one slash");
	ok(httpd_last_has(&srv.h, "\r\nAUTHORIZATION: tok\r\n"), "the token header");
	ok(httpd_last_has(&srv.h, "\r\nuser-agent: null\r\n"), "the literal user-agent null");
	is_int(rec.nrows, 8, "collect gives the fixture's rows");
	is_str(col(&rec, &pdc_tbl_properties, "owner_name"), "HORIZON HEALTH AND WELLNESS INC",
	    "collect: owner");
	pdc_record_release(&rec);

	cfg.source[pdc_config_source_index("assessor")].token = bad;
	pdc_record_init(&rec, "165-28-054");
	is_int(pdc_source_assessor.collect(&ctx, "16528054", &rec, &err), -1, "a refused token fails");
	is_int(err.kind, PDC_E_AUTH, "the refused token is an auth error");
	is_str(err.msg, "assessor: authentication failed (HTTP 500 \"Unauthorized access!\"): "
	    "check sources.assessor.token", "auth message");
	ok(!httpd_last_has(&srv.h, "tok"), "the old token is not sent");
	pdc_record_release(&rec);
	cfg.source[pdc_config_source_index("assessor")].token = token;

	pdc_record_init(&rec, "999-99-999");
	is_int(pdc_source_assessor.collect(&ctx, "999-99-999", &rec, &err), -1, "404 fails");
	is_int(err.kind, PDC_E_PERMANENT, "404 is permanent");
	is_str(err.msg, "assessor: /parcel/999-99-999: parcel not found (HTTP 404)", "404 message");
	pdc_record_release(&rec);

	pdc_record_init(&rec, "111-11-111");
	pdc_err_clear(&err);
	is_int(pdc_source_assessor.collect(&ctx, "111-11-111", &rec, &err), -1, "503 fails");
	is_int(err.kind, PDC_E_TRANSIENT, "503 is transient");
	ok(err.retry_after == 3, "503's Retry-After is passed on");
	is_str(err.msg, "assessor: /parcel/111-11-111: HTTP 503", "503 message");
	pdc_record_release(&rec);

	pdc_record_init(&rec, "222-22-222");
	is_int(pdc_source_assessor.collect(&ctx, "222-22-222", &rec, &err), -1, "200 with HTML fails");
	is_int(err.kind, PDC_E_PERMANENT, "200 with HTML is permanent");
	is_str(err.msg, "assessor: /parcel/222-22-222: response is not JSON: \"<html>\"",
	    "200 with HTML message");
	pdc_record_release(&rec);

	pdc_record_init(&rec, "165-28-054");
	is_int(pdc_source_assessor.collect(&ctx, "165-28-05", &rec, &err), -1, "a bad APN fails");
	is_int(err.kind, PDC_E_INPUT, "a bad APN is bad input");
	pdc_record_release(&rec);

	is_int(pdc_assessor_search(&ctx, "SMITH JOHN & CO/1", 2, &rows, &n, &total, &err), 0,
	    "search through the server");
	ok(httpd_last_has(&srv.h, "GET /x/search/property/?q=SMITH%20JOHN%20%26%20CO%2F1&page=2 HTTP/1.1\r\n"),
	    "search URL encoded");
	ok(httpd_last_has(&srv.h, "\r\nAUTHORIZATION: tok\r\n") && httpd_last_has(&srv.h, "\r\nuser-agent: null\r\n"),
	    "search sends both headers");
	is_int(n, 1, "search: one row");
	is_int(total, 1, "search: total");
	if (n == 1)
		is_str(rows[0].apn, "165-28-054", "search: canonical apn");
	pdc_assessor_search_free(rows, n);
	is_int(ctx.requests, 6, "every request counted (not the bad APN)");

	pdc_http_free(ctx.http);
	server_stop();
	free(body);
}

/* A key gone from the response is unknown, and its part says so; null and "na" are the county's. */
static void
test_missing(void)
{
	struct pdc_record rec;
	struct pdc_err err;
	size_t len;
	char *body = slurp(FIXTURE, &len), *p;

	if (body == NULL) {
		printf("Bail out! cannot read %s\n", FIXTURE);
		exit(1);
	}
	is_int(parse(body, &rec, &err), 0, "the real parcel parses");
	rec.parts |= PDC_PART_BASIC | PDC_PART_VALUATIONS | PDC_PART_RESIDENTIAL;
	is_str(pdc_record_why(&rec, PDC_PART_BASIC), NULL, "real parcel: basic complete");
	is_str(pdc_record_why(&rec, PDC_PART_VALUATIONS), NULL, "real parcel: valuations complete");
	is_str(pdc_record_why(&rec, PDC_PART_RESIDENTIAL), NULL, "real parcel: residential complete");
	pdc_record_release(&rec);

	/* the same parcel with Owner.SalePrice and ResidentialPropertyData.Pool renamed away */
	if ((p = strstr(body, "\"SalePrice\"")) != NULL)
		p[1] = 'X';
	if ((p = strstr(body, "\"Pool\"")) != NULL)
		p[1] = 'X';
	is_int(parse(body, &rec, &err), 0, "a parcel with two keys gone parses");
	is_str(col(&rec, &pdc_tbl_properties, "sale_price"), NULL, "SalePrice gone: unknown");
	is_str(col(&rec, &pdc_tbl_residential, "pool"), NULL, "Pool gone: unknown, not false");
	is_str(pdc_record_why(&rec, PDC_PART_BASIC), "assessor: not in the response: "
	    "Owner.SalePrice (stored as unknown)", "basic partial, naming the key");
	is_str(pdc_record_why(&rec, PDC_PART_RESIDENTIAL), "assessor: not in the response: "
	    "ResidentialPropertyData.Pool (stored as unknown)", "residential partial, naming the key");
	is_str(pdc_record_why(&rec, PDC_PART_VALUATIONS), NULL, "valuations still complete");
	pdc_record_release(&rec);

	/*
	 * A latest deed numbered 0 or no number: the assessor did not say which
	 * deed is current (each spelled in the real body's 11 places).  A blank
	 * one is the county's null, like every blank value: unknown already.
	 */
	static const struct {
		const char *as, *shown;
	} nodeed[] = {
		{ "0          ", "\"0          \"" },
		{ "00000000000", "\"00000000000\"" },
		{ "2018-014272", "\"2018-014272\"" },
	};
	/* the latest deed's suffix, as the link to it says; none said: unknown, and said so */
	if ((p = strstr(body, "4&suffix=\"")) != NULL)
		memcpy(p, "&suffix=A", 9);	/* in place: the link's number one digit short */
	is_int(parse(body, &rec, &err), 0, "a link with suffix=A parses");
	is_str(col(&rec, &pdc_tbl_properties, "deed_suffix"), "A", "the link's suffix kept as given");
	pdc_record_release(&rec);
	if ((p = strstr(body, "&suffix=A\"")) != NULL)
		memcpy(p, "&sfx=AAAA", 9);
	is_int(parse(body, &rec, &err), 0, "a link without a suffix parses");
	is_str(col(&rec, &pdc_tbl_properties, "deed_suffix"), NULL, "no suffix in the link: unknown");
	ok(pdc_record_why(&rec, PDC_PART_BASIC) != NULL &&
	    strstr(pdc_record_why(&rec, PDC_PART_BASIC), "assessor: DeedTransitionUrl "
	    "\"https://recorder.maricopa.gov/recording/document-details.html?recording...\" "
	    "names no suffix (the latest deed's suffix stored as unknown)") != NULL,
	    "no suffix in the link: the basic part says so");
	pdc_record_release(&rec);

	for (size_t i = 0; i < sizeof(nodeed) / sizeof(nodeed[0]); i++) {
		char want[128];

		if ((p = strstr(body, "\"MostCurrentDeed\": \"")) == NULL)
			break;
		memcpy(p + strlen("\"MostCurrentDeed\": \""), nodeed[i].as, 11);
		is_int(parse(body, &rec, &err), 0, "a parcel with a deed that is no number parses");
		is_str(col(&rec, &pdc_tbl_properties, "deed_number"), NULL,
		    "MostCurrentDeed that is no number: unknown, not stored as given");
		snprintf(want, sizeof(want), "assessor: Owner.MostCurrentDeed %s names no recording "
		    "(the latest deed stored as unknown)", nodeed[i].shown);
		ok(pdc_record_why(&rec, PDC_PART_BASIC) != NULL &&
		    strstr(pdc_record_why(&rec, PDC_PART_BASIC), want) != NULL,
		    "MostCurrentDeed that is no number: the basic part says so");
		pdc_record_release(&rec);
	}
	free(body);

	is_int(parse("{\"MCR\": \"1\", \"Owner\": null, \"Valuations\": null}", &rec, &err), 0,
	    "null Valuations parses");
	is_int(rec.sets & bit(&pdc_tbl_valuations), 0, "null Valuations: the stored years stay");
	is_int(rec.parts & PDC_PART_VALUATIONS, PDC_PART_VALUATIONS, "the valuations part came");
	is_str(pdc_record_why(&rec, PDC_PART_VALUATIONS),
	    "assessor: Valuations is null: the valuations unknown", "partial, not an empty list");
	ok(strstr(pdc_record_why(&rec, PDC_PART_BASIC), "PropertyAddress") != NULL,
	    "the keys the response lacks are named");
	ok(strstr(pdc_record_why(&rec, PDC_PART_BASIC), "Owner.") == NULL,
	    "a null Owner is the county's: not named");
	pdc_record_release(&rec);

	is_int(parse("{\"MCR\": \"1\"}", &rec, &err), 0, "no Owner key parses");
	ok(strstr(pdc_record_why(&rec, PDC_PART_BASIC), "not in the response: Owner (the owner") != NULL,
	    "no Owner key: basic partial, naming Owner");
	pdc_record_release(&rec);

	fails("{\"Owner\": {\"Ownership\": {}}, \"Valuations\": null}",
	    "assessor: Owner.Ownership: {} is not text", "a failed parse drops its partial marks too");
}

int
main(void)
{
	if (pdc_http_global_init() == -1) {
		printf("Bail out! libcurl init\n");
		return 1;
	}
	test_fixture();
	test_quirks();
	test_missing();
	test_failures();
	test_search_parse();
	test_collect();
	pdc_http_global_cleanup();
	return unit_done();
}
