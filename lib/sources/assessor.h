/*
 * assessor.h - the Maricopa County Assessor API (JSON).
 *
 * Every request carries "AUTHORIZATION: <token>" and "user-agent: null".  A
 * wrong token is answered with HTTP 500 and a text body containing
 * "Unauthorized access!": that is PDC_E_AUTH, never retried.
 */
#ifndef PDC_ASSESSOR_H
#define PDC_ASSESSOR_H

#include <stddef.h>

#include "../fetch.h"
#include "../record.h"
#include "../source.h"

extern const struct pdc_source pdc_source_assessor;

/*
 * Parse a /parcel/{apn} body (LEN bytes at BODY) into REC: one properties
 * row (basic info, owner, latest deed), one valuations row per tax year, one
 * residential_details row when ResidentialPropertyData is an object.  Numbers
 * are trimmed, "na" and "" become NULL, MM/DD/YYYY dates become ISO.
 * Returns 0, or -1 with ERR (PDC_E_PERMANENT) naming the field that did not
 * fit: `assessor: Valuations[2].FullCashValue: "12x" is not a number`.
 */
int pdc_assessor_parse_parcel(const char *body, size_t len, struct pdc_record *rec,
    struct pdc_err *err);

/* Search results are struct pdc_search_row (record.h). */

/*
 * Parse a /search/property/ body into ROWS (a malloc'd array of *NROWS
 * rows, owned by the caller; free with pdc_assessor_search_free) and the
 * total number of results into *TOTAL (-1 when the body does not say).
 * Rows whose APN cannot be parsed are skipped.  Returns 0 or -1 with ERR.
 */
int pdc_assessor_parse_search(const char *body, size_t len, struct pdc_search_row **rows,
    size_t *nrows, long *total, struct pdc_err *err);
void pdc_assessor_search_free(struct pdc_search_row *rows, size_t nrows);

/* Free one row's fields (not the row itself). */
void pdc_assessor_search_row_release(struct pdc_search_row *row);

/*
 * Fetch search page PAGE (1-based) for QUERY through CTX and parse it as
 * above.  The query is URL-encoded here.
 */
int pdc_assessor_search(struct pdc_source_ctx *ctx, const char *query, int page,
    struct pdc_search_row **rows, size_t *nrows, long *total, struct pdc_err *err);


#endif
