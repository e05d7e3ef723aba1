/*
 * collect.h - one property: fetch every source, then store it atomically.
 */
#ifndef PDC_COLLECT_H
#define PDC_COLLECT_H

#include "db.h"
#include "error.h"
#include "queue.h"
#include "record.h"
#include "source.h"

/*
 * Collect canonical APN from every source into REC (initialised here; the
 * caller releases it).  A source failing for good while others succeed
 * leaves a partial record (REC->parts says which) and returns 0 with ERR
 * describing the missing part (ERR->kind PDC_E_PERMANENT, for the job's
 * note).  Returns -1 with ERR when nothing usable came back or a transient
 * error means the job should be tried again.
 */
int pdc_collect(struct pdc_source_ctx *ctx, const char *apn, struct pdc_record *rec,
    struct pdc_err *err);

/*
 * Store REC and mark JOB completed in one transaction on C: either both are
 * written or neither.  PDC_E_FENCED when JOB's lease was lost.
 */
int pdc_collect_finish(struct pdc_conn *c, const struct pdc_job *job,
    const struct pdc_record *rec, long duration_ms, struct pdc_err *err);

/* Store REC outside the queue (a manual collect), status row included. */
int pdc_collect_store(struct pdc_conn *c, const struct pdc_record *rec, struct pdc_err *err);

/* Every part a full record has. */
unsigned pdc_collect_all_parts(void);

#endif
