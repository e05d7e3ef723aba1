/*
 * store.h - writing records: upserts that leave unchanged rows alone.
 *
 * Storage knows records (record.h, schema.h) and the sources' descriptors
 * (source.h); the raw responses have a module of their own (kept.h).
 */
#ifndef PDC_STORE_H
#define PDC_STORE_H

#include <stddef.h>

#include "db.h"
#include "error.h"
#include "record.h"
#include "source.h"

/*
 * Write REC's rows on C, inside the caller's transaction: one-per-APN tables
 * are upserted; for each set the record carries, rows are upserted and stored
 * rows the record no longer has are deleted.  A row equal to the stored one
 * is not rewritten; what a row that is changes goes into the record's
 * history (history.h) in the same transaction.  Returns 0 or -1 with ERR.  In a pipeline
 * (pdc_db_pipe_begin) the statements are only sent: their failure shows
 * when the pipeline is read.  So for pdc_store_parts.
 */
int pdc_store_record(struct pdc_conn *c, const struct pdc_record *rec, struct pdc_err *err);

/*
 * Remember what a search said about N parcels: situs address, city and zip
 * always; owner, type, MCR, subdivision and section-township-range only where
 * no collection has filled them yet.  One statement.  Returns 0 or -1.
 */
int pdc_store_search(struct pdc_conn *c, const struct pdc_search_row *rows, size_t n,
    struct pdc_err *err);

/*
 * Record where each part of APN's record came from: for every source in
 * OUT, each part it provides is "complete" (in REC->parts), "partial" (in
 * REC->parts, marked by pdc_record_partial; the reasons go into
 * record_parts.reason), "missing" (the source answered without it) or
 * "failed" (with the source's error; a part stored earlier keeps its
 * data).  0 or -1.
 */
int pdc_store_parts(struct pdc_conn *c, const char *apn, const struct pdc_outcome *out,
    const struct pdc_record *rec, struct pdc_err *err);

#endif
