/*
 * worker.h - the collecting engine behind pdc-worker, and the workers table.
 *
 * pdc_worker_run registers a worker row, starts OPTS->jobs collector threads
 * that claim jobs one at a time (FOR UPDATE SKIP LOCKED), collect, and store
 * each record with its job's finish in one transaction.  The calling thread
 * LISTENs for new work (polling as a fallback), heartbeats, reaps expired
 * leases, prunes old jobs, and follows the pause flag.
 */
#ifndef PDC_WORKER_H
#define PDC_WORKER_H

#include <stdbool.h>

#include "config.h"
#include "db.h"
#include "error.h"

struct pdc_worker_opts {
	int jobs;		/* collector threads */
	bool drain;		/* exit once no job is active and none is due within a minute */
	double keep_hours;	/* finished jobs older than this are pruned */
	const char *ca_file;	/* extra CA bundle for HTTPS, or NULL */
};

struct pdc_worker_result {
	long completed, failed, retried;
};

/*
 * Run until pdc_worker_stop() is called (or, with drain, until the queue is
 * done).  Returns 0, or -1 with ERR when the database could not be reached
 * at start, or when the county refused the token (PDC_E_AUTH): the job that
 * met the refusal fails, the others in hand are finished, and no more are
 * claimed, since every one would fail the same way.
 */
int pdc_worker_run(const struct pdc_config *cfg, const struct pdc_worker_opts *opts,
    struct pdc_worker_result *result, struct pdc_err *err);

/* What a running pdc_worker_run is doing: for a progress line, a process title. */
struct pdc_worker_progress {
	bool running;		/* false before pdc_worker_run started and after it returned */
	bool paused;
	int jobs;		/* collector threads */
	int active;		/* jobs in hand */
	long completed, failed, retried;
};

/* Read the running worker's figures into P.  Thread-safe. */
void pdc_worker_progress(struct pdc_worker_progress *p);

/* Ask a running pdc_worker_run to stop claiming and return.  Async-signal-safe. */
void pdc_worker_stop(void);

/*
 * Collect one canonical APN in this process, without the queue, and store
 * it.  Returns 0 or -1 with ERR.
 */
int pdc_worker_collect_one(const struct pdc_config *cfg, const char *apn, const char *ca_file,
    unsigned *parts, struct pdc_err *err);

/*
 * Rebuild the records of the N canonical APNS (every APN with stored
 * responses when N is 0) from the raw responses kept when they were
 * collected, without a single request to the county: after a parser fix.
 * *DONE and *FAILED count the APNs.  Returns 0, or -1 with ERR when the
 * database failed.
 */
int pdc_worker_reparse(const struct pdc_config *cfg, const char *const *apns, size_t n,
    long *done, long *failed, struct pdc_err *err);

/* Workers alive (heartbeat within the last 30 seconds), or -1. */
int pdc_workers_alive(struct pdc_conn *c, struct pdc_err *err);

/* Set or read the installation-wide pause flag.  0/1, or -1. */
int pdc_workers_set_paused(struct pdc_conn *c, bool paused, struct pdc_err *err);
int pdc_workers_paused(struct pdc_conn *c, struct pdc_err *err);

#endif
