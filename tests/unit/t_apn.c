/*
 * t_apn.c - parcel numbers: every spelling the county accepts, and the rest.
 */
#include <stdlib.h>
#include <string.h>

#include "apn.h"
#include "unit.h"

static const struct {
	const char *in, *canon, *bare;
} good[] = {
	{ "165-28-054", "165-28-054", "16528054" },
	{ "165 28 054", "165-28-054", "16528054" },
	{ "165.28.054", "165-28-054", "16528054" },
	{ "16528054", "165-28-054", "16528054" },
	{ "112-19-038A", "112-19-038A", "11219038A" },
	{ "112-19-038a", "112-19-038A", "11219038A" },
	{ "112 19 038a", "112-19-038A", "11219038A" },
	{ "112.19.038A", "112-19-038A", "11219038A" },
	{ "11219038A", "112-19-038A", "11219038A" },
	{ "11219038z", "112-19-038Z", "11219038Z" },
	{ "  304-78-386\t", "304-78-386", "30478386" },
	{ "\t304 78 386 ", "304-78-386", "30478386" },
	{ "000-00-000", "000-00-000", "00000000" },
};

static const struct {
	const char *in, *why;
} bad[] = {
	{ "", "empty" },
	{ "   ", "blanks only" },
	{ "165-28-05", "item too short" },
	{ "165-2-054", "map too short" },
	{ "16-28-054", "book too short" },
	{ "1652805", "bare too short" },
	{ "165-28-0544", "item too long" },
	{ "165280544", "bare too long (9 digits)" },
	{ "1652-8-054", "book too long" },
	{ "16A-28-054", "letter in the book" },
	{ "165-2B-054", "letter in the map" },
	{ "165-28-05X", "letter in the item" },
	{ "112-19-038AB", "two split letters" },
	{ "11219038AB", "two split letters, bare" },
	{ "112-19-038-A", "separator before the split letter" },
	{ "A165-28-054", "leading letter" },
	{ "165--28-054", "doubled separator" },
	{ "165  28 054", "doubled space" },
	{ "165-28.054", "mixed separators" },
	{ "165-28054", "one separator missing" },
	{ "165_28_054", "underscore separator" },
	{ "165/28/054", "slash separator" },
	{ "-165-28-054", "leading dash" },
	{ "165-28-054-", "trailing dash" },
	{ "165-28-054.", "trailing dot" },
	{ "165-28-054\n", "trailing newline" },
	{ "\xef\xbc\x91" "65-28-054", "full-width digit" },
	{ "165-28-05\xc3\xa9", "non-ASCII letter" },
	{ "165-28-054 ;DROP", "trailing words" },
};

int
main(void)
{
	char out[PDC_APN_MAX], bare[PDC_APN_MAX], name[128];
	char *big;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(name, sizeof(name), "accepts \"%s\"", good[i].in);
		memset(out, 'x', sizeof(out));
		ok(pdc_apn_parse(good[i].in, strlen(good[i].in), out) == 0, name);
		snprintf(name, sizeof(name), "canonical form of \"%s\"", good[i].in);
		is_str(out, good[i].canon, name);
		pdc_apn_bare(out, bare);
		snprintf(name, sizeof(name), "bare form of \"%s\"", good[i].in);
		is_str(bare, good[i].bare, name);
		/* The canonical form is itself accepted, unchanged. */
		snprintf(name, sizeof(name), "canonical \"%s\" round-trips", good[i].canon);
		ok(pdc_apn_parse(good[i].canon, strlen(good[i].canon), out) == 0 &&
		    strcmp(out, good[i].canon) == 0, name);
		/* So is the bare form. */
		snprintf(name, sizeof(name), "bare \"%s\" parses back", good[i].bare);
		ok(pdc_apn_parse(bare, strlen(bare), out) == 0 &&
		    strcmp(out, good[i].canon) == 0, name);
	}

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "rejects %s", bad[i].why);
		memset(out, 'x', sizeof(out));
		ok(pdc_apn_parse(bad[i].in, strlen(bad[i].in), out) == -1, name);
		snprintf(name, sizeof(name), "output is empty after %s", bad[i].why);
		is_str(out, "", name);
	}

	/* LEN counts bytes: a NUL inside is part of the input, and bad. */
	ok(pdc_apn_parse("165-28-054\0", 11, out) == -1, "rejects a trailing NUL inside LEN");
	ok(pdc_apn_parse("165\0-28-054", 11, out) == -1, "rejects a NUL in the middle");
	ok(pdc_apn_parse("1652\0" "8054", 9, out) == -1, "rejects a NUL replacing a digit");
	/* ... and bytes past LEN are not looked at. */
	ok(pdc_apn_parse("165-28-054999", 10, out) == 0, "reads only LEN bytes");
	is_str(out, "165-28-054", "reads only LEN bytes: value");
	ok(pdc_apn_parse("165-28-054", 0, out) == -1, "rejects LEN 0");
	ok(pdc_apn_parse(NULL, 0, out) == -1, "rejects NULL");

	/* A 10 KB string: an APN followed by junk, and blanks around one. */
	if ((big = malloc(10240)) == NULL)
		return 1;
	memset(big, '5', 10240);
	ok(pdc_apn_parse(big, 10240, out) == -1, "rejects 10 KB of digits");
	is_str(out, "", "10 KB of digits: output empty");
	memset(big, ' ', 10240);
	memcpy(big + 5000, "165-28-054", 10);
	ok(pdc_apn_parse(big, 10240, out) == 0, "accepts an APN inside 10 KB of blanks");
	is_str(out, "165-28-054", "10 KB of blanks: value");
	free(big);

	return unit_done();
}
