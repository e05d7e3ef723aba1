/*
 * show.h - one property's whole record, as pdc-show prints it.
 */
#ifndef PDC_SHOW_H
#define PDC_SHOW_H

#include <stddef.h>

#include "db.h"
#include "error.h"

/*
 * The record of canonical APN as one JSON object: "apn", "status"
 * ("complete": every part collected, or known to be absent at the source;
 * "partial": some part failed or was never collected; "missing": nothing
 * stored), "collected_at", "parts" (per part: source, fetched_at, state,
 * error), "properties", "search", "valuations", "residential_details",
 * "tax_bills", "tax_districts", "tax_payments", "sales" (the rows whose
 * basis is "deed" or "chain": what pdc stands behind as the parcel's sales)
 * and "sale_candidates" (basis "candidate": deeds found only under an
 * owner's name, with what matched).  Returns a malloc'd string (the caller
 * frees it), or NULL with ERR.
 */
char *pdc_show_json(struct pdc_conn *c, const char *apn, struct pdc_err *err);

/*
 * The statement pdc_show_json runs, its APN parameter replaced by the SQL
 * expression APNREF (a column name a program fixes, never data), into BUF of
 * LEN bytes: a query that selects the record as text in one row, for use as
 * a scalar subquery ("(" BUF ")") over many APNs.  0, or -1 when LEN is short.
 */
int pdc_show_json_sql(char *buf, size_t len, const char *apnref);

#endif
