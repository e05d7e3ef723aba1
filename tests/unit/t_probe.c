/*
 * t_probe.c - what the live check expects of a parsed record: every field
 * it expects is in the real county's answer, and what is missing is named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "record.h"
#include "schema.h"
#include "sources/assessor.h"
#include "sources/treasurer.h"
#include "unit.h"

/* The real assessor's answer for 165-28-054 has every field the check expects. */
static void
test_real_assessor(void)
{
	struct pdc_probe_source ps;
	struct pdc_record rec;
	struct pdc_err err;
	size_t len = 0;
	char *body = slurp("tests/fixtures/assessor-165-28-054-parcel.json", &len);

	ok(body != NULL, "the real parcel is there");
	if (body == NULL)
		return;
	pdc_record_init(&rec, "165-28-054");
	is_int(pdc_assessor_parse_parcel(body, len, &rec, &err), 0, "it parses");
	pdc_probe_fields("assessor", &rec, &ps);
	is_int(ps.found, ps.expected, "every expected field found");
	is_str(ps.missing, "", "none missing");
	ok(ps.expected >= 14, "a residential parcel: its residential fields expected too");
	pdc_record_release(&rec);
	free(body);
}

/* The tax years page gives what the treasurer is expected to fill. */
static void
test_treasurer_years(void)
{
	struct pdc_probe_source ps;
	struct pdc_record rec;
	struct pdc_err err;
	size_t len = 0;
	int current = 0;
	char *body = slurp("tests/fixtures/treasurer-years.html", &len);

	ok(body != NULL, "the years page is there");
	if (body == NULL)
		return;
	pdc_record_init(&rec, "165-28-054");
	is_int(pdc_treasurer_parse_years(body, len, &rec, &current, &err), 0, "it parses");
	pdc_probe_fields("treasurer", &rec, &ps);
	is_int(ps.found, ps.expected, "every expected field found");
	is_str(ps.missing, "", "none missing");
	pdc_record_release(&rec);
	free(body);
}

/* Nothing parsed: everything missing, named table.column in order. */
static void
test_missing(void)
{
	struct pdc_probe_source ps;
	struct pdc_record rec;
	struct pdc_row *row;

	pdc_record_init(&rec, "100-00-000");
	pdc_probe_fields("recorder", &rec, &ps);
	is_int(ps.expected, 4, "the recorder: four fields of a sale");
	is_int(ps.found, 0, "none found in an empty record");
	is_str(ps.missing, "sales.recording_number,sales.recording_date,sales.document_code,sales.names",
	    "all named");

	/* a sale without its date: only that one is missing */
	row = pdc_record_add(&rec, &pdc_tbl_sales);
	ok(row != NULL, "a sale row");
	pdc_row_set(row, "recording_number", "20180142724");
	pdc_row_set(row, "document_code", "WAR DEED");
	pdc_row_set(row, "names", "[\"DOE JANE\"]");
	pdc_probe_fields("recorder", &rec, &ps);
	is_int(ps.found, 3, "three found");
	is_str(ps.missing, "sales.recording_date", "the date missing");

	/* a NULL in one row is found in another */
	row = pdc_record_add(&rec, &pdc_tbl_sales);
	pdc_row_set(row, "recording_number", "20150453721");
	pdc_row_set(row, "recording_date", "2015-06-25");
	pdc_probe_fields("recorder", &rec, &ps);
	is_int(ps.found, 4, "found in any row");
	pdc_record_release(&rec);

	/* a parcel that is not residential is not expected to have residential details */
	pdc_record_init(&rec, "100-00-000");
	row = pdc_record_add(&rec, &pdc_tbl_properties);
	pdc_row_set(row, "is_residential", "f");
	pdc_probe_fields("assessor", &rec, &ps);
	ok(strstr(ps.missing, "residential_details") == NULL, "not residential: its details not expected");
	pdc_row_set(row, "is_residential", "t");
	pdc_probe_fields("assessor", &rec, &ps);
	ok(strstr(ps.missing, "residential_details.construction_year") != NULL,
	    "residential: its details expected");
	pdc_record_release(&rec);

	/* a source pdc does not know expects nothing */
	pdc_record_init(&rec, "100-00-000");
	pdc_probe_fields("nosuch", &rec, &ps);
	is_int(ps.expected, 0, "an unknown source expects nothing");
	pdc_record_release(&rec);
}

static void
test_names(void)
{
	is_str(pdc_probe_verdict_name(PDC_PROBE_OK), "ok", "ok");
	is_str(pdc_probe_verdict_name(PDC_PROBE_CHANGED), "changed", "changed");
	is_str(pdc_probe_verdict_name(PDC_PROBE_UNREACHABLE), "unreachable", "unreachable");
	is_str(pdc_probe_verdict_name(PDC_PROBE_UNAUTHORIZED), "unauthorized", "unauthorized");
	is_str(pdc_probe_verdict_name(PDC_PROBE_DISALLOWED), "disallowed", "disallowed");
	is_str(pdc_probe_verdict_name(PDC_PROBE_UNCHECKED), "unchecked", "unchecked");
}

int
main(void)
{
	test_real_assessor();
	test_treasurer_years();
	test_missing();
	test_names();
	return unit_done();
}
