/*
 * source.h - what every county service is: its descriptor and the table of them.
 *
 * A source is one file in lib/sources/ exporting one struct pdc_source: its
 * name, its settings and their defaults, the parts of a record it fills, and
 * its collect function.  It knows its URLs and its markup and nothing else
 * does.  The table of sources is lib/sources/sources.c; lib/sources/README
 * says how to add one.
 *
 * This header sits below every layer, beside the record: configuration reads
 * the descriptors for the sources.<name>.* keys, politeness for each source's
 * rate, storage for the parts each fills, the collector to run them.  They
 * read data here; only the collector calls a source.
 */
#ifndef PDC_SOURCE_H
#define PDC_SOURCE_H

#include <stdbool.h>

#include "error.h"

/* The most sources a collection runs (pdc_sources[] holds no more). */
#define PDC_MAXSOURCES 8

struct pdc_record;
struct pdc_response;		/* http.h: one answer */
struct pdc_source_ctx;		/* fetch.h: what a source fetches with */

struct pdc_source {
	const char *name;		/* "assessor": config sources.<name>, politeness, record_parts */
	/* Defaults of the source's keys in config.json (sources.<name>.*). */
	const char *base_url;		/* base_url */
	double requests_per_second;	/* requests_per_second: installation-wide, per host */
	const char *token_env;		/* NULL: no token; else it has a secret "token" key, which
					   this environment variable overrides */
	unsigned parts;			/* enum pdc_part bits it fills (record.h) */
	bool apart;			/* needs nothing of the others' rows: may run beside them */
	/*
	 * Collect canonical APN into REC.  Returns 0, or -1 with ERR: the kind
	 * says whether to retry (PDC_E_TRANSIENT), fail (PDC_E_PERMANENT), or
	 * fail because the county refused the token (PDC_E_AUTH).
	 */
	int (*collect)(struct pdc_source_ctx *ctx, const char *apn,
	    struct pdc_record *rec, struct pdc_err *err);
	/*
	 * Optional: true when RES, an answer that looks passing (a 5xx or a
	 * 429), is in fact the service's last word, so that pdc_fetch hands
	 * it over at once instead of asking again.  NULL: none is.
	 */
	bool (*final)(const struct pdc_response *res);
	/*
	 * Optional: the kinds of request whose answer never changes once given,
	 * as prefixes of their keys (pdc_fetch's KEY), NULL-terminated; NULL:
	 * none.  A re-collection reads such an answer from the kept responses
	 * when a whole one is there, and asks the county nothing (fetch.h).
	 * A record of the past, fetched by its own number, is one; anything
	 * that can change (a parcel, a bill, a search) never is.
	 */
	const char *const *settled;
};

/* The sources a full collection uses, in the order it runs them, NULL-terminated. */
extern const struct pdc_source *const pdc_sources[];

/* What each source did in one collection (pdc_collect fills it, storage records it). */
struct pdc_outcome {
	int n;
	struct {
		const struct pdc_source *src;
		enum pdc_errkind kind;	/* PDC_OK when it delivered */
		char error[512];
	} per[PDC_MAXSOURCES];
};

#endif
