/*
 * fuzz_treasurer - the treasurer's HTML pages, as treasurer_collect reads
 * them: the summary, the tax years and the activities, then the summary
 * joined to the years.  The head line is the parcel's APN (any spelling; one
 * that is no APN leaves the record's APN empty, which skips the page's parcel
 * check); the body is given to all three page parsers.
 */
#include "fuzz.h"
#include "sources/treasurer.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdc_treasurer_summary sum;
	struct pdc_record rec;
	struct pdc_err err;
	struct fuzz_input in;
	char apn[PDC_APN_MAX];
	char *body;
	int current = 0, have_sum, have_years;
	size_t before;

	fuzz_split(data, size, &in);
	if (pdc_apn_parse(in.head, in.headlen, apn) == -1)
		apn[0] = '\0';
	body = fuzz_body(&in);
	pdc_record_init(&rec, apn);

	pdc_err_clear(&err);
	before = rec.nrows;
	have_sum = pdc_treasurer_parse_summary(body, in.bodylen, &rec, &sum, &err) == 0;
	if (!have_sum) {
		fuzz_check_err(&err);
		fuzz_assert(rec.nrows == before);
	} else {
		fuzz_assert(apn[0] == '\0' || strcmp(sum.apn, apn) == 0);
	}

	pdc_err_clear(&err);
	before = rec.nrows;
	have_years = pdc_treasurer_parse_years(body, in.bodylen, &rec, &current, &err) == 0;
	if (!have_years) {
		fuzz_check_err(&err);
		fuzz_assert(rec.nrows == before);
	} else {
		fuzz_assert(current == 0 || (current >= 1000 && current <= 9999));
	}

	pdc_err_clear(&err);
	before = rec.nrows;
	if (pdc_treasurer_parse_activities(body, in.bodylen, &rec, &err) != 0) {
		fuzz_check_err(&err);
		fuzz_assert(rec.nrows == before);
	}

	pdc_err_clear(&err);
	if (have_sum && have_years)
		fuzz_assert(pdc_treasurer_apply_summary(&rec, current, &sum, &err) == 0);
	fuzz_check_record(&rec);
	pdc_record_release(&rec);
	free(body);
	return 0;
}
