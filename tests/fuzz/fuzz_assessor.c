/*
 * fuzz_assessor - the assessor's JSON: a /parcel/{apn} body and a
 * /search/property/ body, as assessor_collect and pdc_assessor_search read
 * them, then the properties row the way the recorder reads it after them.
 * The head line is ignored (the APN is the fixture's); the body is the
 * response.
 */
#include "fuzz.h"
#include "schema.h"
#include "sources/assessor.h"
#include "sources/recorder.h"

static void
parcel(const char *body, size_t len)
{
	struct pdc_record rec;
	struct pdc_err err;
	const struct pdc_row *prop;
	char *path = NULL;

	pdc_record_init(&rec, "165-28-054");
	pdc_err_clear(&err);
	if (pdc_assessor_parse_parcel(body, len, &rec, &err) == -1) {
		fuzz_check_err(&err);
		fuzz_assert(rec.nrows == 0 && rec.parts == 0 && rec.sets == 0);
	} else {
		fuzz_check_record(&rec);
		/* the recorder searches by the owner the assessor gave */
		prop = pdc_record_find(&rec, &pdc_tbl_properties);
		if (prop != NULL && pdc_row_get(prop, "owner_name") != NULL) {
			fuzz_assert(pdc_recorder_search_path(pdc_row_get(prop, "owner_name"), 1,
			    &path) == 0);
			free(path);
		}
	}
	pdc_record_release(&rec);
}

static void
search(const char *body, size_t len)
{
	struct pdc_search_row *rows = NULL;
	struct pdc_err err;
	size_t n = 0;
	long total = 0;

	pdc_err_clear(&err);
	if (pdc_assessor_parse_search(body, len, &rows, &n, &total, &err) == -1) {
		fuzz_check_err(&err);
		fuzz_assert(rows == NULL && n == 0);
		return;
	}
	fuzz_assert(total >= -1);
	for (size_t i = 0; i < n; i++) {
		fuzz_assert(strlen(rows[i].apn) == 10 || strlen(rows[i].apn) == 11);
		if (rows[i].owner != NULL)
			fuzz_assert(pdc_util_utf8_valid(rows[i].owner, strlen(rows[i].owner)));
	}
	pdc_assessor_search_free(rows, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	char *body;

	fuzz_split(data, size, &in);
	body = fuzz_body(&in);
	parcel(body, in.bodylen);
	search(body, in.bodylen);
	free(body);
	return 0;
}
