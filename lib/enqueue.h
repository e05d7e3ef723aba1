/*
 * enqueue.h - putting a stream of APNs on the job queue, fast.
 *
 * Inputs (lines of a pipe, or arguments) go to the database in batches of
 * PDC_ENQUEUE_BATCH, each batch one statement and one transaction
 * (pdc_queue_enqueue_send/_recv).  Two connections take alternate batches,
 * so that the server writes one batch while the other commits and the caller
 * reads the next: on a large pipe the work spreads over two cores.
 *
 * Outcomes come back batch by batch, in input order, through the caller's
 * callback, bad inputs among them in their place.  Batches in flight at once
 * may hold the same APNs, or another program may enqueue them meanwhile: a
 * batch that meets one of those is sent again in the careful form, and a
 * deadlock between the two connections is retried, so that a run either
 * reports every input's outcome or fails with ERR.
 *
 *	q = pdc_enqueue_new(conn, cfg, "pdc-enqueue", &opts, &err);
 *	while (a line is read)
 *		if (pdc_enqueue_add(q, line, len, false, &why, &err) == -1) break;
 *	pdc_enqueue_finish(q, &err);
 *	pdc_enqueue_free(q);
 */
#ifndef PDC_ENQUEUE_H
#define PDC_ENQUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "db.h"
#include "error.h"
#include "queue.h"

#ifndef PDC_ENQUEUE_BATCH
#define PDC_ENQUEUE_BATCH 10000
#endif

struct pdc_enqueue;

struct pdc_enqueue_opts {
	int priority;		/* enum pdc_priority */
	bool force;		/* enqueue even APNs collected within cache_expiry_hours */
	bool keep;		/* remember the APNs sent, for pdc_enqueue_apns */
	/*
	 * Called for each input's outcome, in input order: WHAT is the
	 * canonical APN, or for PDC_ENQ_BAD the printable start of what the
	 * input said (its first field, cut short).  Returns 0, or -1 with ERR
	 * to stop the run.
	 */
	int (*outcome)(void *arg, const char *what, enum pdc_enqueued e, struct pdc_err *err);
	/* Called after each batch's outcomes (NULL: nothing), e.g. to flush output. */
	void (*batch_done)(void *arg);
	void *arg;
};

/*
 * A run that enqueues on CONN (the caller's, used for the first batches and
 * never closed here) and on a second connection opened with CFG and APPNAME
 * when the second batch needs it.  OPTS is copied.  Returns NULL with ERR
 * when out of memory.
 */
struct pdc_enqueue *pdc_enqueue_new(struct pdc_conn *conn, const struct pdc_config *cfg,
    const char *appname, const struct pdc_enqueue_opts *opts, struct pdc_err *err);

/* What pdc_enqueue_add made of one input. */
enum pdc_enqueue_added {
	PDC_ENQUEUE_SKIPPED,	/* a blank or '#' line: no outcome will come */
	PDC_ENQUEUE_TAKEN,	/* an APN, sent with its batch */
	PDC_ENQUEUE_REFUSED	/* not an APN: WHY says so; its outcome comes as PDC_ENQ_BAD */
};

/*
 * One input as a run that reports each input's outcome takes it (here and
 * jobs.h's): the LEN bytes at S, a line or (IS_ARG) an argument, read by
 * pdc_input_apn, except that an empty argument ("$APN" unset) is a bad APN
 * rather than a line to skip.  Returns an enum pdc_enqueue_added: TAKEN
 * with the canonical APN in APN; REFUSED with WHY saying why, APN empty and
 * *RAW a copy of the input as its outcome shows it (pdc_input_field; the
 * caller frees it); or -1 with ERR when out of memory.
 */
int pdc_enqueue_input(const char *s, size_t len, bool is_arg, char apn[PDC_APN_MAX], char **raw,
    struct pdc_err *why, struct pdc_err *err);

/*
 * Add the LEN bytes at S, a line of input or (IS_ARG) an argument, where an
 * empty one ("$APN" unset) is a mistake rather than a line to skip.  Returns
 * an enum pdc_enqueue_added; WHY (kind PDC_E_INPUT) gets the reason for a
 * refused input, for the caller to report (and is cleared otherwise).  A
 * full batch is sent here and the one before it finished (its outcomes
 * delivered); when that fails, returns -1 with ERR, WHY still saying what
 * was wrong with this input if anything, and the run is over: call
 * pdc_enqueue_drain.
 */
int pdc_enqueue_add(struct pdc_enqueue *q, const char *s, size_t len, bool is_arg,
    struct pdc_err *why, struct pdc_err *err);

/*
 * The input ended: send the batch being filled and deliver every outcome
 * left.  Returns 0, or -1 with ERR (then call pdc_enqueue_drain).
 */
int pdc_enqueue_finish(struct pdc_enqueue *q, struct pdc_err *err);

/*
 * After a failure a batch still in flight may have been written: what it did
 * stands, atomically, so its outcomes are delivered all the same.  Finishes
 * one such batch: returns 1 when it did, 0 when none is left, -1 with ERR
 * when that batch failed too (call again for the rest).
 */
int pdc_enqueue_drain(struct pdc_enqueue *q, struct pdc_err *err);

/* How many inputs had outcome E so far. */
long pdc_enqueue_count(const struct pdc_enqueue *q, enum pdc_enqueued e);

/*
 * With opts.keep, the canonical APNs whose outcomes were delivered (bad ones
 * aside), in input order; *N gets how many.  Owned by Q, valid until
 * pdc_enqueue_free.
 */
const char *const *pdc_enqueue_apns(const struct pdc_enqueue *q, size_t *n);

/* Close the connection Q opened (not the caller's) and free Q.  NULL is fine. */
void pdc_enqueue_free(struct pdc_enqueue *q);

#endif
