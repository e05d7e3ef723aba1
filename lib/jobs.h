/*
 * jobs.h - the job table as people run a queue: cancel, retry the failed,
 * refresh what has aged, list.
 *
 * Each change is one statement, so it is whole or not at all, and stays
 * one statement at the county's 1.7 million parcels.  A cancelled job is
 * final: pending -> cancelled, and (when asked) active -> cancelled, which
 * the worker holding it hears on the channel pdc_cancel (payload: the job
 * id) and stops at its next request; its lease fence already refuses to
 * store anything for a job no longer active.  The seed's
 * data_collection_status row says 'cancelled' in the same statement.
 */
#ifndef PDC_JOBS_H
#define PDC_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "enqueue.h"
#include "error.h"

/*
 * An age: a number and a unit, s, m, h, d or w ("90s", "30m", "2h", "7d");
 * a bare number is seconds.  Into *SECONDS; 0, or -1 with ERR (PDC_E_INPUT)
 * naming what was wrong.
 */
int pdc_jobs_parse_age(const char *s, double *seconds, struct pdc_err *err);

/*
 * A moment: an age before now (as pdc_jobs_parse_age) or a UTC date and
 * time, "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", with or
 * without a final Z.  Into *EPOCH (seconds since 1970); 0, or -1 with ERR.
 */
int pdc_jobs_parse_time(const char *s, double *epoch, struct pdc_err *err);

/*
 * Is RE a POSIX extended regular expression?  Error patterns match a job's
 * last error anywhere in it, ignoring case.  0, or -1 with ERR (PDC_E_INPUT).
 */
int pdc_jobs_check_pattern(const char *re, struct pdc_err *err);

/*
 * Does the server on C take RE?  It is the server that matches, and its
 * regular expressions refuse some that regcomp(3) takes ("x{1000}",
 * "a**"): a program asks this once connected, so that such a pattern is a
 * usage error rather than a failed statement.  0, or -1 with ERR, of kind
 * PDC_E_INPUT ("bad pattern ...") when the server refuses it.
 */
int pdc_jobs_check_pattern_on(struct pdc_conn *c, const char *re, struct pdc_err *err);

/* A state word for selection: a job's state, or "retrying" (pending after a failed attempt). */
bool pdc_jobs_state_known(const char *s);

/* What cancelling one APN did. */
enum pdc_cancel_outcome {
	PDC_CANCEL_DONE,	/* its open job is cancelled */
	PDC_CANCEL_ACTIVE,	/* active, left to finish (not asked to stop active jobs) */
	PDC_CANCEL_NONE		/* no open job (at the priority asked for), or an APN met again */
};
const char *pdc_cancel_outcome_name(enum pdc_cancel_outcome o);

/*
 * Cancel the open jobs of the N canonical APNS, those at PRIORITY only when
 * PRIORITY >= 0; pending ones always, active ones too when ACTIVE.  OUT[i]
 * gets APNS[i]'s outcome.  One statement.  0, or -1 with ERR.
 */
int pdc_jobs_cancel_apns(struct pdc_conn *c, const char *const *apns, size_t n, int priority,
    bool active, enum pdc_cancel_outcome *out, struct pdc_err *err);

/*
 * Cancel every open job (at PRIORITY only, when >= 0): pending ones, and
 * active ones when ACTIVE.  *CANCELLED gets how many were, *LEFT how many
 * active ones were left to finish.  0, or -1 with ERR.
 */
int pdc_jobs_cancel_all(struct pdc_conn *c, int priority, bool active, long *cancelled,
    long *left, struct pdc_err *err);

/* Which failed jobs to send round again (every field optional). */
struct pdc_jobs_retry {
	const char *const *apns;	/* only these canonical APNs; NULL: any */
	size_t napns;
	double since;			/* failed at or after this epoch; < 0: any time */
	const char *error;		/* last error matching this pattern; NULL: any */
	int priority;			/* the new priority; < 0: keep the job's */
	int max_attempts;		/* attempts it gets from now */
};

/*
 * Send round again every parcel whose collection failed last (its status
 * row says failed, no job is open) and whose failed job matches R: the job
 * goes back to pending, due now, its attempts counted from zero.  Idle
 * workers are woken.  FN(ARG, apn, retried) is called for each APN of
 * R->apns in order (RETRIED false: not failed, or not matching), or without
 * R->apns for each APN retried.  Returns how many were retried, or -1 with
 * ERR (R->error is the caller's to check first: pdc_jobs_check_pattern_on).
 */
long pdc_jobs_retry_failed(struct pdc_conn *c, const struct pdc_jobs_retry *r,
    int (*fn)(void *arg, const char *apn, bool retried), void *arg, struct pdc_err *err);

/*
 * Cancel or retry by APN over a stream of inputs: arguments, or lines of a
 * pipe as pdc_input_apn reads them (an APN, a TSV line's first field, a
 * JSON line's "apn").  A statement per PDC_JOBS_BATCH APNs, on the
 * caller's connection; outcomes come batch by batch, in input order, bad
 * inputs in their place, through the caller's callback.
 *
 *	r = pdc_jobs_run_new(conn, &opts, &err);
 *	while (a line is read)
 *		if (pdc_jobs_run_add(r, line, len, false, &why, &err) == -1) break;
 *	pdc_jobs_run_finish(r, &err);
 *	pdc_jobs_run_free(r);
 */
#define PDC_JOBS_BATCH 10000

enum pdc_jobs_action { PDC_JOBS_CANCEL, PDC_JOBS_RETRY };

struct pdc_jobs_run;

struct pdc_jobs_run_opts {
	enum pdc_jobs_action action;
	int priority;		/* cancel: only jobs at this priority; < 0: any */
	bool active;		/* cancel: active jobs too */
	struct pdc_jobs_retry retry;	/* retry: what to retry (its apns are the run's) */
	/*
	 * Each input's outcome, in input order: WHAT is the canonical APN, or
	 * for a bad input the printable start of what it said
	 * (pdc_input_field); RESULT a word: "cancelled", "active" (left to
	 * finish), "retried", "none" (nothing to do), or "bad".  An APN met
	 * again in a batch is "none" after its first: it was done then.
	 * Returns 0, or -1 with ERR to stop the run.
	 */
	int (*outcome)(void *arg, const char *what, const char *result, struct pdc_err *err);
	void (*batch_done)(void *arg);	/* after each batch's outcomes; NULL: nothing */
	void *arg;
};

/* A run on C (the caller's, never closed here); OPTS is copied.  NULL with ERR when out of memory. */
struct pdc_jobs_run *pdc_jobs_run_new(struct pdc_conn *c, const struct pdc_jobs_run_opts *opts,
    struct pdc_err *err);

/*
 * Add an input, as pdc_enqueue_add does (enqueue.h): returns
 * PDC_ENQUEUE_SKIPPED, _TAKEN or _REFUSED (WHY says why, for the caller to
 * report; cleared otherwise), or -1 with ERR when out of memory or when
 * the full batch sent here failed, which ends the run.
 */
int pdc_jobs_run_add(struct pdc_jobs_run *r, const char *s, size_t len, bool is_arg,
    struct pdc_err *why, struct pdc_err *err);

/* The input ended: run the last batch.  0, or -1 with ERR. */
int pdc_jobs_run_finish(struct pdc_jobs_run *r, struct pdc_err *err);

/* What the run did so far: jobs cancelled or retried, active ones left to finish, bad inputs. */
void pdc_jobs_run_counts(const struct pdc_jobs_run *r, long *done, long *left, long *bad);

/* Free R.  NULL is fine. */
void pdc_jobs_run_free(struct pdc_jobs_run *r);

/*
 * Queue every parcel collected at least once whose last collection ended
 * more than AGE seconds ago and which has no open job, at PRIORITY with
 * MAX_ATTEMPTS attempts, in one INSERT ... SELECT.  Idle workers are woken.
 * Returns how many were queued, or -1 with ERR.
 */
long pdc_jobs_refresh(struct pdc_conn *c, double age, int priority, int max_attempts,
    struct pdc_err *err);

/* Which jobs to list (every field optional). */
struct pdc_jobs_filter {
	const char *state;		/* a word pdc_jobs_state_known accepts; NULL: any */
	int priority;			/* < 0: any */
	double older, newer;		/* last change more / less than this many seconds ago; < 0: any */
	const char *error;		/* last error matching this pattern; NULL: any */
	const char *const *apns;	/* only these canonical APNs; NULL: any */
	size_t napns;
};

/* One job as listed.  Strings valid during the callback only; NULL when unknown. */
struct pdc_jobrow {
	int64_t id;
	const char *apn;
	const char *state;
	int priority;
	int attempts, max_attempts;
	const char *queued;		/* ISO UTC time it was queued */
	const char *time;		/* its state's time: finished, started, or due */
	const char *error;		/* last error, or NULL */
};

/*
 * The jobs F selects, oldest first, to FN(ARG, row), a page of rows at a
 * time (memory stays the same whatever the table holds).  FN returns 0, or
 * -1 to stop (then this returns -1 with whatever ERR FN set).  Returns how
 * many rows went to FN, or -1 with ERR.
 */
long pdc_jobs_list(struct pdc_conn *c, const struct pdc_jobs_filter *f,
    int (*fn)(void *arg, const struct pdc_jobrow *row, struct pdc_err *err), void *arg,
    struct pdc_err *err);

/*
 * For a worker: which of the N jobs IDS it holds were cancelled (the
 * fallback for a pdc_cancel notification it missed).  CANCELLED[i] for
 * IDS[i].  0, or -1 with ERR.
 */
int pdc_jobs_cancelled(struct pdc_conn *c, const int64_t *ids, size_t n, bool *cancelled,
    struct pdc_err *err);

#endif
