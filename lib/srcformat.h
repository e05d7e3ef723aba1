/*
 * srcformat.h - whether a source's pages are in a format pdc reads.
 *
 * When a county site changes its pages, every job meets the same page pdc
 * cannot read: the jobs complete with the part partial (retrying would ask
 * the county again for the same page), and the source remembers since when
 * and for how many parcels (table source_formats), for pdc-status to say so
 * once rather than in every job's line.  The first page that reads again
 * clears it.
 */
#ifndef PDC_SRCFORMAT_H
#define PDC_SRCFORMAT_H

#include <stddef.h>

#include "db.h"
#include "error.h"

/*
 * In C's open transaction (or pipeline), note one collection: the sources
 * named in READ (NREAD of them) answered in a format pdc reads, those in
 * UNKNOWN (NUNKNOWN) in none it knows.  The names are sources' own
 * ("treasurer"), at most 8 of each.  Sent without waiting inside a
 * pipeline.  0, or -1 with ERR.
 */
int pdc_srcformat_note(struct pdc_conn *c, const char *const *read, size_t nread,
    const char *const *unknown, size_t nunknown, struct pdc_err *err);

/* A source whose pages pdc does not recognise. */
struct pdc_srcformat {
	char source[32];
	char since[32];		/* when the first such page came, "2026-12-06T23:10:02Z" */
	long parcels;		/* collections that met such a page since */
};

/*
 * The sources whose pages are not recognised now, by name, into OUT (at
 * most MAX).  Their number, or -1 with ERR.
 */
int pdc_srcformat_unrecognised(struct pdc_conn *c, struct pdc_srcformat *out, int max,
    struct pdc_err *err);

/*
 * S as pdc-status says it, into BUF:
 *   treasurer: page format not recognised since 2026-12-06T23:10:02Z, 12 parcels
 */
void pdc_srcformat_line(const struct pdc_srcformat *s, char *buf, size_t size);

#endif
