/*
 * fuzz_robots - robots.txt, as the politeness layer reads it: parsed for
 * "pdc", then asked about the paths pdc requests and the head line taken as
 * a path.  The body is the file.
 */
#include "fuzz.h"
#include "robots.h"

static const char *const paths[] = {
	"/", "", "/robots.txt", "/parcel/165-28-054", "/search/property/?q=main%20st&page=2",
	"/parcel/default.aspx?Parcel=16528054", "/Parcel/Summary.aspx?List=All",
	"/Parcel/Activities.aspx", "/documents/20150453721",
	"/documents/search?lastNames=DOE&firstNames=JANE&pageSize=200&pageNumber=1",
	"/%7Efoo/%2fbar$", "/caf\xc3\xa9 x",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdc_robots *r;
	struct fuzz_input in;
	char *body, *path;
	double delay;
	int a;

	fuzz_split(data, size, &in);
	body = fuzz_body(&in);
	path = fuzz_strndup(in.head, in.headlen);
	/* "Bad input never fails": only memory running out gives NULL */
	fuzz_assert((r = pdc_robots_parse(in.bodylen > 0 ? body : NULL, in.bodylen, "pdc")) != NULL);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		a = pdc_robots_allowed(r, paths[i]);
		fuzz_assert(a == 0 || a == 1);
	}
	fuzz_assert(pdc_robots_allowed(r, "/robots.txt") == 1);
	a = pdc_robots_allowed(r, path);
	fuzz_assert(a == 0 || a == 1);
	delay = pdc_robots_crawl_delay(r);
	fuzz_assert(delay >= 0);
	pdc_robots_free(r);
	free(path);
	free(body);
	return 0;
}
