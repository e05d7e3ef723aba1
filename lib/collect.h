/*
 * collect.h - one property: fetch every source, then store it atomically.
 */
#ifndef PDC_COLLECT_H
#define PDC_COLLECT_H

#include "db.h"
#include "error.h"
#include "fetch.h"
#include "queue.h"
#include "record.h"
#include "source.h"

/*
 * Collect canonical APN from every source into REC (initialised here; the
 * caller releases it), noting in OUT (may be NULL) how each source fared.  A source failing for good while others succeed
 * leaves a partial record (REC->parts says which) and returns 0 with ERR
 * describing the missing part (ERR->kind PDC_E_PERMANENT, for the job's
 * note).  Returns -1 with ERR when nothing usable came back or a transient
 * error means the job should be tried again.
 */
int pdc_collect(struct pdc_source_ctx *ctx, const char *apn, struct pdc_record *rec,
    struct pdc_outcome *out, struct pdc_err *err);

/*
 * Store what a collection got, in one transaction on C: REC's rows, where
 * each part came from (OUT), the raw responses CTX kept, and the job's
 * outcome.  With JOB: RETRY_DELAY < 0 completes it; otherwise the parts that
 * came are kept and the job goes back to pending, due in RETRY_DELAY seconds,
 * with REASON.  Without JOB (a manual collect or a re-parse) only the record
 * and the status row are written.  Either all of it is written or none.
 * PDC_E_FENCED when JOB's lease was lost.
 */
int pdc_collect_finish(struct pdc_conn *c, const struct pdc_job *job, const struct pdc_record *rec,
    const struct pdc_outcome *out, const struct pdc_source_ctx *ctx, long duration_ms,
    double retry_delay, const char *reason, struct pdc_err *err);

/*
 * A companion thread, with a handle of its own made from OPTS, for the
 * source that needs nothing of the others' rows: set it as ctx->apart and
 * pdc_collect runs that source there, beside the others, job after job.
 * NULL when it cannot be had (the sources then run in turn).  Free it, with
 * no pdc_collect running on it, with pdc_apart_free (NULL is fine).
 */
struct pdc_apart *pdc_apart_new(const struct pdc_http_opts *opts);
void pdc_apart_free(struct pdc_apart *a);

/* Every part a full record has. */
unsigned pdc_collect_all_parts(void);

#endif
