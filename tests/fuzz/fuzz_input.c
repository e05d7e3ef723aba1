/*
 * fuzz_input - lines of standard input, as pdc-enqueue reads them: the input
 * is cut at newlines and each line (without its newline) goes to
 * pdc_input_apn; a line's quoted form for messages is checked too.
 */
#include "fuzz.h"
#include "input.h"

static void
line(const char *s, size_t len)
{
	char out[PDC_APN_MAX], again[PDC_APN_MAX], q[PDC_INPUT_QUOTEMAX], small[8];
	struct pdc_err err;
	char *copy = malloc(len > 0 ? len : 1);
	int r;

	if (copy == NULL)
		abort();
	memcpy(copy, s, len);
	pdc_err_clear(&err);
	r = pdc_input_apn(copy, len, out, &err);
	fuzz_assert(r >= -1 && r <= 1);
	if (r == 1)
		fuzz_assert(pdc_apn_parse(out, strlen(out), again) == 0 && strcmp(out, again) == 0);
	else
		fuzz_assert(out[0] == '\0');
	if (r == -1) {
		fuzz_check_err(&err);
		fuzz_assert(err.kind == PDC_E_INPUT);
	}
	fuzz_assert(pdc_input_quote(q, sizeof(q), copy, len) == q);
	fuzz_assert(strlen(q) < sizeof(q) && q[0] == '"');
	for (const char *p = q; *p != '\0'; p++)
		fuzz_assert(*p >= 0x20 && *p < 0x7f);
	pdc_input_quote(small, sizeof(small), copy, len);
	fuzz_assert(strlen(small) < sizeof(small));
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size, *nl;

	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		line(s, nl != NULL ? (size_t)(nl - s) : (size_t)(end - s));
		s = nl != NULL ? nl + 1 : end;
	}
	return 0;
}
