#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apn.h"
#include "fetch.h"
#include "polite.h"
#include "probe.h"
#include "record.h"
#include "robots.h"
#include "schema.h"
#include "source.h"
#include "sources/util.h"

/*
 * The fields each source fills for any parcel the county knows, whatever its
 * owner, taxes or history: a collection that comes back without one of them
 * read a page whose format is no longer the one pdc parses.  Fields that are
 * often absent in good answers (a sale price, a second mailing line, tax
 * districts, payments, a delinquency the pages do not state) are not here:
 * their absence says nothing.
 */
static const struct expect {
	const char *source;
	const struct pdc_table *table;
	const char *col;
	bool residential;	/* expected of a residential parcel only */
} expects[] = {
	{ "assessor", &pdc_tbl_properties, "owner_name", false },
	{ "assessor", &pdc_tbl_properties, "mailing_address1", false },
	{ "assessor", &pdc_tbl_properties, "property_type", false },
	{ "assessor", &pdc_tbl_properties, "parcel_status", false },
	{ "assessor", &pdc_tbl_properties, "property_use_code", false },
	{ "assessor", &pdc_tbl_properties, "tax_area_code", false },
	{ "assessor", &pdc_tbl_properties, "deed_number", false },
	{ "assessor", &pdc_tbl_properties, "deed_date", false },
	{ "assessor", &pdc_tbl_valuations, "tax_year", false },
	{ "assessor", &pdc_tbl_valuations, "full_cash_value", false },
	{ "assessor", &pdc_tbl_valuations, "limited_property_value", false },
	{ "assessor", &pdc_tbl_valuations, "legal_classification_code", false },
	{ "assessor", &pdc_tbl_residential, "construction_year", true },
	{ "assessor", &pdc_tbl_residential, "livable_space", true },
	{ "treasurer", &pdc_tbl_tax_bills, "tax_year", false },
	{ "treasurer", &pdc_tbl_tax_bills, "status", false },
	{ "treasurer", &pdc_tbl_tax_bills, "assessed_tax", false },
	{ "treasurer", &pdc_tbl_tax_bills, "paid", false },
	{ "treasurer", &pdc_tbl_tax_bills, "due", false },
	{ "recorder", &pdc_tbl_sales, "recording_number", false },
	{ "recorder", &pdc_tbl_sales, "recording_date", false },
	{ "recorder", &pdc_tbl_sales, "document_code", false },
	{ "recorder", &pdc_tbl_sales, "names", false },
};

#define NEXPECTS ((int)(sizeof(expects) / sizeof(expects[0])))

/* Aim a little under the configured rate, as the shared schedule does. */
#define HEADROOM 0.95

const char *
pdc_probe_verdict_name(enum pdc_probe_verdict v)
{
	switch (v) {
	case PDC_PROBE_OK:		return "ok";
	case PDC_PROBE_CHANGED:		return "changed";
	case PDC_PROBE_UNREACHABLE:	return "unreachable";
	case PDC_PROBE_UNAUTHORIZED:	return "unauthorized";
	case PDC_PROBE_DISALLOWED:	return "disallowed";
	case PDC_PROBE_UNCHECKED:	return "unchecked";
	}
	return "?";
}

/*
 * The request targets a collection of APN makes at SOURCE, as robots.txt
 * reads them (path and query, without the base URL's own path), into
 * PATHS.  The recorder's detail path uses the assessor's latest deed from
 * REC when there is one.  Returns how many.
 */
static int
paths_for(const char *source, const char *apn, const struct pdc_record *rec,
    char paths[][160], int max)
{
	const struct pdc_row *prop = pdc_record_find(rec, &pdc_tbl_properties);
	const char *deed = prop != NULL ? pdc_row_get(prop, "deed_number") : NULL;
	char bare[PDC_APN_MAX];
	int n = 0;

#define ADD(...) do { if (n < max) snprintf(paths[n++], sizeof(paths[0]), __VA_ARGS__); } while (0)
	if (strcmp(source, "assessor") == 0) {
		ADD("/parcel/%s", apn);
		ADD("/search/property/");
	} else if (strcmp(source, "treasurer") == 0) {
		pdc_apn_bare(apn, bare);
		ADD("/parcel/default.aspx?Parcel=%s", bare);
		ADD("/Parcel/Summary.aspx");
		ADD("/Parcel/Summary.aspx?List=All");
		ADD("/Parcel/Activities.aspx");
	} else if (strcmp(source, "recorder") == 0) {
		/* a recording number is digits: nothing in it needs encoding */
		if (deed != NULL && strspn(deed, "0123456789") == strlen(deed) && strlen(deed) < 32)
			ADD("/documents/%s", deed);
		else
			ADD("/documents/");
		ADD("/documents/search");
	}
#undef ADD
	return n;
}

/* The request target of URL: its path and query ("/" when it has none). */
static const char *
target(const char *url)
{
	const char *p = strstr(url, "://");

	if (p == NULL)
		return url;
	p += 3;
	p += strcspn(p, "/?#");
	return *p == '\0' ? "/" : p;
}

static void
pause_for(double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1)
		;
}

struct run {
	const struct pdc_config *cfg;
	struct pdc_http *http;
	struct pdc_polite *polite;
	struct pdc_record rec;
	const char *apn;
};

/*
 * Read SOURCE's robots.txt into PS->robots and *RULES (NULL when there is
 * nothing to hold paths against).  Returns 1 when the host answered, 0 when
 * not (PS is then unreachable), -1 with ERR when out of memory.
 */
static int
read_robots(struct run *run, const char *source, const char *base, struct pdc_probe_source *ps,
    struct pdc_robots **rules, struct pdc_err *err)
{
	struct pdc_http *http = run->http;
	struct pdc_response res;
	struct pdc_err herr;
	char url[400];
	const char *s = strstr(base, "://");

	*rules = NULL;
	snprintf(url, sizeof(url), "%.*s://%s/robots.txt", s != NULL ? (int)(s - base) : 4,
	    s != NULL ? base : "http", ps->host);
	if (pdc_http_get(http, url, NULL, &res, &herr) == -1) {
		strlcpy(ps->robots, "unreadable", sizeof(ps->robots));
		strlcpy(ps->reason, herr.msg, sizeof(ps->reason));
		pdc_response_release(&res);
		return 0;
	}
	if (res.status >= 500) {
		snprintf(ps->robots, sizeof(ps->robots), "unreadable (HTTP %ld)", res.status);
		snprintf(ps->reason, sizeof(ps->reason), "%s/robots.txt: HTTP %ld", ps->host, res.status);
		pdc_response_release(&res);
		return 0;
	}
	/* the collection below keeps to this answer rather than ask the host again */
	pdc_polite_robots_seen(run->polite, source, url, res.status, res.body, res.len);
	/* as the collector reads it: 2xx its rules, any 4xx no file (RFC 9309) */
	if (res.status >= 200 && res.status < 300)
		*rules = pdc_robots_parse(res.body, res.len, "pdc");
	else
		*rules = pdc_robots_allow_all();
	strlcpy(ps->robots, res.status >= 200 && res.status < 300 ? "allowed" : "none",
	    sizeof(ps->robots));
	pdc_response_release(&res);
	if (*rules == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	return 1;
}

void
pdc_probe_fields(const char *source, const struct pdc_record *rec, struct pdc_probe_source *ps)
{
	const struct pdc_row *prop = pdc_record_find(rec, &pdc_tbl_properties);
	const char *res = prop != NULL ? pdc_row_get(prop, "is_residential") : NULL;
	bool residential = res != NULL && strcmp(res, "t") == 0;

	ps->found = ps->expected = 0;
	ps->missing[0] = '\0';
	for (int i = 0; i < NEXPECTS; i++) {
		const struct expect *e = &expects[i];
		bool found = false;

		if (strcmp(e->source, source) != 0 || (e->residential && !residential))
			continue;
		ps->expected++;
		for (size_t r = 0; r < rec->nrows && !found; r++)
			found = rec->rows[r].table == e->table && pdc_row_get(&rec->rows[r], e->col) != NULL;
		if (found) {
			ps->found++;
			continue;
		}
		if (ps->missing[0] != '\0')
			strlcat(ps->missing, ",", sizeof(ps->missing));
		strlcat(ps->missing, e->table->name, sizeof(ps->missing));
		strlcat(ps->missing, ".", sizeof(ps->missing));
		strlcat(ps->missing, e->col, sizeof(ps->missing));
	}
}

/* The verdict for a collection that failed with SERR. */
static void
judge_failure(const struct pdc_err *serr, struct pdc_probe_source *ps)
{
	strlcpy(ps->reason, serr->msg, sizeof(ps->reason));
	switch (serr->kind) {
	case PDC_E_AUTH:
		ps->verdict = PDC_PROBE_UNAUTHORIZED;
		break;
	case PDC_E_TRANSIENT:
	case PDC_E_UNAVAILABLE:
		/* the host is down, slow, or asking us to wait: not a change of format */
		ps->verdict = PDC_PROBE_UNREACHABLE;
		ps->reachable = false;
		break;
	default:
		/* an answer pdc cannot use: a page it cannot parse, a parcel it does not find */
		ps->verdict = PDC_PROBE_CHANGED;
		break;
	}
}


/* Check source SRC into PS.  0, or -1 with ERR when the check itself cannot go on. */
static int
probe_source(struct run *run, const struct pdc_source *src, struct pdc_probe_source *ps,
    struct pdc_err *err)
{
	const struct pdc_source_config *sc = pdc_config_source(run->cfg, src->name);
	struct pdc_source_ctx ctx;
	struct pdc_robots *rules = NULL;
	struct pdc_err serr;
	char paths[8][160], denied[200] = "";
	size_t nrows = run->rec.nrows;
	unsigned parts = run->rec.parts, sets = run->rec.sets;
	double wait;
	int np, rc;

	ps->name = src->name;
	ps->found = -1;
	ps->verdict = PDC_PROBE_OK;
	if (sc == NULL || sc->base_url == NULL || sc->base_url[0] == '\0' ||
	    pdc_polite_host(sc->base_url, ps->host, sizeof(ps->host)) == -1)
		return pdc_err_set(err, PDC_E_CONFIG, "sources.%s.base_url: not a URL with a host",
		    src->name);
	pdc_http_reset_cookies(run->http);

	if ((rc = read_robots(run, src->name, sc->base_url, ps, &rules, err)) == -1)
		return -1;
	if (rc == 0) {
		ps->reachable = false;
		ps->verdict = PDC_PROBE_UNREACHABLE;
		return 0;
	}
	ps->reachable = true;

	/* The recorder reads the assessor's owner and deed; without them there is nothing to ask. */
	if (strcmp(src->name, "recorder") == 0 && pdc_record_find(&run->rec, &pdc_tbl_properties) == NULL) {
		ps->verdict = PDC_PROBE_UNCHECKED;
		strlcpy(ps->reason, "needs the assessor's owner and latest deed, which did not come",
		    sizeof(ps->reason));
		pdc_robots_free(rules);
		return 0;
	}
	np = paths_for(src->name, run->apn, &run->rec, paths, 8);
	for (int i = 0; i < np && denied[0] == '\0'; i++) {
		char *url = pdc_util_url(sc->base_url, paths[i]);

		if (url == NULL) {
			pdc_robots_free(rules);
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		}
		if (!pdc_robots_allowed(rules, target(url)))
			strlcpy(denied, target(url), sizeof(denied));
		free(url);
	}
	wait = 1.0 / (sc->requests_per_second * HEADROOM);
	if (pdc_robots_crawl_delay(rules) > wait)
		wait = pdc_robots_crawl_delay(rules);
	pdc_robots_free(rules);
	if (denied[0] != '\0') {
		snprintf(ps->robots, sizeof(ps->robots), "disallowed %s%s", denied,
		    run->cfg->respect_robots_txt ? "" : " (not honoured)");
		/* a path it forbids is never asked for, as a job would not */
		if (run->cfg->respect_robots_txt) {
			ps->verdict = PDC_PROBE_DISALLOWED;
			snprintf(ps->reason, sizeof(ps->reason), "robots.txt of %s disallows %s",
			    ps->host, denied);
			return 0;
		}
	}

	/* The collection's own requests start with robots.txt again: keep to the rate from ours. */
	pause_for(wait);
	memset(&ctx, 0, sizeof(ctx));
	ctx.http = run->http;
	ctx.cfg = run->cfg;
	ctx.polite = run->polite;
	ctx.apn = run->apn;
	pdc_err_clear(&serr);
	rc = src->collect(&ctx, run->apn, &run->rec, &serr);
	pdc_fetch_release(&ctx);
	if (rc == -1) {
		/* what a failing source half-wrote is not part of the record */
		pdc_record_truncate(&run->rec, nrows);
		run->rec.parts = parts;
		run->rec.sets = sets;
		pdc_record_unmark(&run->rec, src->parts);
		if (serr.kind == PDC_E_CONFIG || serr.kind == PDC_E_SYSTEM) {
			*err = serr;
			return -1;
		}
		judge_failure(&serr, ps);
		return 0;
	}
	pdc_probe_fields(src->name, &run->rec, ps);
	/* A part the source itself marked partial says best what its pages lacked. */
	for (unsigned bit = 1; bit < 1u << PDC_NPARTS; bit <<= 1) {
		const char *why = (src->parts & bit) ? pdc_record_why(&run->rec, bit) : NULL;

		if (why == NULL)
			continue;
		if (ps->reason[0] != '\0')
			strlcat(ps->reason, "; ", sizeof(ps->reason));
		strlcat(ps->reason, why, sizeof(ps->reason));
	}
	if (ps->reason[0] == '\0' && ps->found < ps->expected)
		snprintf(ps->reason, sizeof(ps->reason), "%d of %d expected fields not found",
		    ps->expected - ps->found, ps->expected);
	if (ps->reason[0] != '\0')
		ps->verdict = PDC_PROBE_CHANGED;
	return 0;
}

int
pdc_probe_run(const struct pdc_config *cfg, const struct pdc_http_opts *opts,
    const char *apn, struct pdc_probe *out, struct pdc_err *err)
{
	struct run run = { .cfg = cfg, .apn = apn };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	strlcpy(out->apn, apn, sizeof(out->apn));
	if ((run.http = pdc_http_new(opts, err)) == NULL)
		return -1;
	/* No pool: the limits hold in this process, which makes a dozen requests. */
	if ((run.polite = pdc_polite_new(cfg, NULL, err)) == NULL) {
		pdc_http_free(run.http);
		return -1;
	}
	pdc_record_init(&run.rec, apn);
	for (int i = 0; pdc_sources[i] != NULL && i < PDC_PROBE_MAXSOURCES; i++) {
		if ((rc = probe_source(&run, pdc_sources[i], &out->per[i], err)) == -1)
			break;
		out->n++;
	}
	pdc_record_release(&run.rec);
	pdc_polite_free(run.polite);
	pdc_http_free(run.http);
	return rc;
}
