/*
 * fuzz_apn - parcel numbers: pdc_apn_parse on the whole input (as the
 * programs parse an argument or a field), and what a parsed APN promises:
 * canonical form, which parses to itself, and a bare form that parses back.
 */
#include "fuzz.h"
#include "apn.h"

static int
canonical(const char *s)
{
	size_t n = strlen(s);

	if (n != 10 && n != 11)
		return 0;
	for (size_t i = 0; i < 10; i++)
		if ((i == 3 || i == 6) ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
			return 0;
	return n == 10 || (s[10] >= 'A' && s[10] <= 'Z');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size > 0 ? size : 1);
	char out[PDC_APN_MAX], again[PDC_APN_MAX], bare[PDC_APN_MAX];

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	if (pdc_apn_parse(s, size, out) == -1) {
		fuzz_assert(out[0] == '\0');
	} else {
		fuzz_assert(canonical(out));
		fuzz_assert(pdc_apn_parse(out, strlen(out), again) == 0 && strcmp(out, again) == 0);
		pdc_apn_bare(out, bare);
		fuzz_assert(strlen(bare) == strlen(out) - 2);
		fuzz_assert(pdc_apn_parse(bare, strlen(bare), again) == 0 && strcmp(out, again) == 0);
	}
	free(s);
	return 0;
}
