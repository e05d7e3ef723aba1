/* t_polite - what politeness decides without a database or a network. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
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

/*
 * A host's load for claims: every job held but those waiting in another
 * host's line, and never less than its own requests on the wire.
 */
static void
test_room(void)
{
	struct pdc_config cfg;
	struct pdc_polite *p;
	struct pdc_err err;

	memset(&cfg, 0, sizeof(cfg));
	cfg.respect_robots_txt = false;
	cfg.source[pdc_config_source_index("assessor")].requests_per_second = 1000;
	cfg.source[pdc_config_source_index("treasurer")].requests_per_second = 2;
	pdc_err_clear(&err);
	p = pdc_polite_new(&cfg, NULL, &err);
	is_int(pdc_polite_room(p, 0.25, 2), -2, "no host known yet: each job held counts");
	/* no network: a slot is all acquire waits for, and the first is now */
	is_int(pdc_polite_acquire(p, NULL, "treasurer", "http://127.0.0.2:9/t", 2, &err), 0,
	    "the treasurer's first slot");
	/* 2/s at 0.95 serves nothing more within a quarter second */
	is_int(pdc_polite_room(p, 0.25, 1), -1, "the job on the wire fills the slow host");
	is_int(pdc_polite_room(p, 0.25, 3), -3, "and two jobs held between requests count there too");
	is_int(pdc_polite_room(p, 0.25, 0), -1, "a request on the wire counts whatever is held");
	is_int(pdc_polite_acquire(p, NULL, "assessor", "http://127.0.0.1:9/a", 2, &err), 0,
	    "the assessor's first slot");
	is_int(pdc_polite_room(p, 0.25, 2), -2, "the slowest host decides");
	pdc_polite_report(p, "http://127.0.0.2:9/t", 200, 0, NULL);
	pdc_polite_report(p, "http://127.0.0.1:9/a", 200, 0, NULL);
	is_int(pdc_polite_room(p, 0.25, 0), 0, "answered: nothing on the wire");
	is_int(pdc_polite_room(p, 0.25, 1), -1, "a job between requests counts on every host");
	pdc_polite_free(p);
}

static void
sleep_till(double t)
{
	double d;
	struct timespec ts;

	while ((d = t - pdc_clock_mono()) > 0) {
		ts.tv_sec = (time_t)d;
		ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}

/*
 * A slot used late does not bring the next request closer: each goes at
 * least an interval (1 / (rate * 0.95)) after the one before it went out.
 * Only lower bounds are checked, which a slow machine cannot break: every
 * request goes an interval after the call that sent the one before began.
 */
static void
test_spacing(void)
{
	struct pdc_config cfg;
	struct pdc_polite *p;
	struct pdc_err err;
	const char *url = "http://127.0.0.2:9/t";
	double iv = 1.0 / (20 * 0.95), begun[4], done[4];

	memset(&cfg, 0, sizeof(cfg));
	cfg.respect_robots_txt = false;
	/* 20/s: a quarter second's slots are planned at once, an interval apart */
	cfg.source[pdc_config_source_index("treasurer")].requests_per_second = 20;
	pdc_err_clear(&err);
	p = pdc_polite_new(&cfg, NULL, &err);
	for (int i = 0; i < 4; i++) {
		/* the second request comes 20 ms after its slot: late, but not too late to use it */
		if (i == 1)
			sleep_till(done[0] + iv + 0.02);
		begun[i] = pdc_clock_mono();
		is_int(pdc_polite_acquire(p, NULL, "treasurer", url, 2, &err), 0, "a slot for each request");
		done[i] = pdc_clock_mono();
		pdc_polite_report(p, url, 200, 0, NULL);
	}
	ok(done[1] - begun[0] >= iv, "the first two requests an interval apart");
	ok(done[2] - begun[1] >= iv, "the one after the late one an interval after it, not on its planned slot");
	ok(done[3] - begun[2] >= iv, "and the next an interval after that");
	pdc_polite_free(p);
}

int
main(void)
{
	test_unknown_source();
	test_host();
	test_room();
	test_spacing();
	return unit_done();
}
