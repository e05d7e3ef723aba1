/* t_polite - what politeness decides without a database or a network. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "polite.h"
#include "unit.h"

static void
test_unknown_source(void)
{
	struct pdc_config cfg;
	struct pdc_polite *p;
	struct pdc_err err;

	memset(&cfg, 0, sizeof(cfg));
	pdc_err_clear(&err);
	p = pdc_polite_new(&cfg, NULL, &err);
	ok(p != NULL, "a politeness state without a database");
	/* No rate of another source is borrowed: the request does not go. */
	is_int(pdc_polite_acquire(p, NULL, "county-clerk", "http://127.0.0.1:9/x", 2, &err), -1,
	    "a source not in the table may not send");
	is_int(err.kind, PDC_E_SYSTEM, "a programming error, not the county's");
	is_str(err.msg, "county-clerk: not a source, so no request rate for it", "the message names it");
	pdc_polite_free(p);
}

static void
test_host(void)
{
	char buf[64];

	is_int(pdc_polite_host("https://User:pw@Treasurer.Maricopa.gov:8443/a?b", buf, sizeof(buf)), 0,
	    "host of a URL with credentials and a port");
	is_str(buf, "treasurer.maricopa.gov:8443", "lower case, no credentials, the port kept");
	is_int(pdc_polite_host("no-scheme/x", buf, sizeof(buf)), -1, "no scheme, no host");
}

int
main(void)
{
	test_unknown_source();
	test_host();
	return unit_done();
}
