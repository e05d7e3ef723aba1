/*
 * source.h - the interface every county service implements.
 *
 * A source is one file in lib/sources/ and one struct pdc_source: it knows
 * its URLs and its markup and nothing else does.  collect() fetches what the
 * source needs for one APN and appends rows to the record; it never touches
 * the database.
 */
#ifndef PDC_SOURCE_H
#define PDC_SOURCE_H

#include <stdbool.h>

#include "config.h"
#include "error.h"
#include "http.h"
#include "record.h"

struct pdc_apart;
struct pdc_pool;
struct pdc_polite;

/* A response kept for the raw-response store, or loaded from it to replay. */
struct pdc_kept {
	char *source, *key, *url, *content_type;
	char *etag, *last_modified;	/* validators for a conditional request; NULL if none */
	long status;
	char *body;
	size_t len;
};

struct pdc_source_ctx {
	struct pdc_http *http;		/* this thread's handle */
	struct pdc_apart *apart;	/* runs the source apart beside the others (collect.h); NULL: all in turn */
	const struct pdc_config *cfg;
	int requests;			/* requests made (pdc_fetch counts them) */
	struct pdc_polite *polite;	/* politeness; NULL: none (tests, replay) */
	const char *apn;		/* the APN being collected (canonical) */
	bool keep;			/* keep responses with a key, for the store */
	bool replay;			/* answer from kept[] only, never the network */
	struct pdc_kept *kept;		/* owned; release with pdc_fetch_release */
	size_t nkept, capkept;
	struct pdc_pool *pool;		/* where stored responses are, for conditional requests; or NULL */
	struct pdc_kept *validators;	/* stored validators of this APN (no bodies); owned */
	size_t nvalidators;
	int not_modified;		/* 304 answers that saved a download */
};

struct pdc_source {
	const char *name;		/* "assessor", as in config sources.<name> */
	unsigned parts;			/* enum pdc_part bits it provides */
	bool apart;			/* needs nothing of the others' rows: may run beside them */
	/*
	 * Collect canonical APN into REC.  Returns 0, or -1 with ERR: the kind
	 * says whether to retry (PDC_E_TRANSIENT), fail (PDC_E_PERMANENT), or
	 * fail because the county refused the token (PDC_E_AUTH).
	 */
	int (*collect)(struct pdc_source_ctx *ctx, const char *apn,
	    struct pdc_record *rec, struct pdc_err *err);
};

/* The sources a full collection uses, NULL-terminated. */
extern const struct pdc_source *const pdc_sources[];

#endif
