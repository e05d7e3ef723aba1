/*
 * store.h - writing records: upserts that leave unchanged rows alone.
 */
#ifndef PDC_STORE_H
#define PDC_STORE_H

#include <stddef.h>

#include "db.h"
#include "error.h"
#include "record.h"
#include "source.h"
#include "sources/assessor.h"

/*
 * Write REC's rows on C, inside the caller's transaction: one-per-APN tables
 * are upserted; for each set the record carries, rows are upserted and stored
 * rows the record no longer has are deleted.  A row equal to the stored one
 * is not rewritten.  Returns 0 or -1 with ERR.  In a pipeline
 * (pdc_db_pipe_begin) the statements are only sent: their failure shows
 * when the pipeline is read.  So for pdc_store_responses and pdc_store_parts.
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
 * Keep the N raw responses for APN (upserted by source and key; an unchanged
 * body is not rewritten).  Inside the caller's transaction.  0 or -1.
 */
int pdc_store_responses(struct pdc_conn *c, const char *apn, const struct pdc_kept *kept,
    size_t n, struct pdc_err *err);

/* Load APN's stored responses into CTX's kept list, for a re-parse.  How many, or -1. */
long pdc_store_load_responses(struct pdc_conn *c, const char *apn, struct pdc_source_ctx *ctx,
    struct pdc_err *err);

/* Load APN's stored validators (ETag, Last-Modified; no bodies) into CTX.  How many, or -1. */
long pdc_store_load_validators(struct pdc_conn *c, const char *apn, struct pdc_source_ctx *ctx,
    struct pdc_err *err);

/* The stored body of (APN, SOURCE, KEY) into RES as a 200 answer.  0, or -1 with ERR. */
struct pdc_pool;
int pdc_store_load_body(struct pdc_pool *pool, const char *apn, const char *source, const char *key,
    struct pdc_response *res, struct pdc_err *err);

/* Delete stored responses older than KEEP_HOURS.  How many, or -1. */
long pdc_store_prune_responses(struct pdc_conn *c, double keep_hours, struct pdc_err *err);

/*
 * Record where each part of APN's record came from: for every source in
 * OUT, each part it provides is "complete" (in REC->parts), "partial" (in
 * REC->parts, marked by pdc_record_partial; the reasons go into
 * record_parts.reason), "missing" (the source answered without it) or
 * "failed" (with the source's error; a part stored earlier keeps its
 * data).  0 or -1.
 */
struct pdc_outcome;
int pdc_store_parts(struct pdc_conn *c, const char *apn, const struct pdc_outcome *out,
    const struct pdc_record *rec, struct pdc_err *err);

/* The name of part bit BIT ("basic", "valuations", ...). */
const char *pdc_store_part_name(unsigned bit);

#endif
