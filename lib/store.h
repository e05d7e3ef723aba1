/*
 * store.h - writing records: upserts that leave unchanged rows alone.
 */
#ifndef PDC_STORE_H
#define PDC_STORE_H

#include <stddef.h>

#include "db.h"
#include "error.h"
#include "record.h"
#include "sources/assessor.h"

/*
 * Write REC's rows on C, inside the caller's transaction: one-per-APN tables
 * are upserted; for each set the record carries, rows are upserted and stored
 * rows the record no longer has are deleted.  A row equal to the stored one
 * is not rewritten.  Returns 0 or -1 with ERR.
 */
int pdc_store_record(struct pdc_conn *c, const struct pdc_record *rec, struct pdc_err *err);

/*
 * Remember what a search said about N parcels: situs address, city and zip
 * always; owner, type, MCR, subdivision and section-township-range only where
 * no collection has filled them yet.  One statement.  Returns 0 or -1.
 */
int pdc_store_search(struct pdc_conn *c, const struct pdc_search_row *rows, size_t n,
    struct pdc_err *err);

#endif
