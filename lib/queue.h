/*
 * queue.h - the job table: enqueue, claim, finish, retry, fail, reap, prune.
 *
 * States: pending -> active -> completed; active -> pending (retry, later
 * due time); active -> failed; pending or active -> cancelled and failed ->
 * pending (jobs.h).  A claim turns due
 * pending jobs active under a lease (lease_until, lease_token); every finish
 * names the token, so a worker whose lease ran out and was taken over cannot
 * overwrite the newer attempt (the call then fails with PDC_E_FENCED).  The
 * seed's data_collection_status row changes in the same statement.
 */
#ifndef PDC_QUEUE_H
#define PDC_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apn.h"
#include "db.h"
#include "error.h"

enum pdc_priority {
	PDC_PRIO_CRITICAL = 0,
	PDC_PRIO_HIGH = 1,
	PDC_PRIO_NORMAL = 2,
	PDC_PRIO_LOW = 3
};
#define PDC_NPRIO (PDC_PRIO_LOW + 1)

/* "critical" ... "low" to the number, or -1. */
int pdc_priority_parse(const char *s);
const char *pdc_priority_name(int prio);

/* What enqueueing one APN did. */
enum pdc_enqueued {
	PDC_ENQ_QUEUED,		/* a new pending job */
	PDC_ENQ_FRESH,		/* collected within cache_expiry_hours: skipped (a cache hit) */
	PDC_ENQ_OPEN,		/* already pending or active: left alone */
	PDC_ENQ_RAISED,		/* already open at a lower priority: raised */
	PDC_ENQ_BAD		/* not an APN: never sent (enqueue.h) */
};
#define PDC_ENQ_NOUTCOMES (PDC_ENQ_BAD + 1)
const char *pdc_enqueued_name(enum pdc_enqueued e);

/*
 * Enqueue the N canonical APNS at PRIORITY, allowing MAX_ATTEMPTS attempts.
 * APNs completed within FRESH_HOURS are skipped unless FORCE.  OUT[i] gets
 * the outcome for APNS[i] (a duplicate within APNS is OPEN after its first).
 * Wakes idle workers.  Returns 0 or -1 with ERR.
 */
int pdc_queue_enqueue(struct pdc_conn *c, const char *const *apns, size_t n, int priority,
    int max_attempts, double fresh_hours, bool force, enum pdc_enqueued *out, struct pdc_err *err);

/*
 * pdc_queue_enqueue in two halves, for a caller that keeps several
 * connections busy: _send sends the statement (N > 0) and returns at once;
 * _recv waits for it and fills OUT as above, reading ALSO (another
 * connection with an enqueue in flight, or NULL) meanwhile, since two
 * enqueues of the same APNs wait on each other.  The batch is one
 * transaction.  Without CAREFUL, jobs are inserted plainly, and a
 * concurrent enqueue of the same APNs fails _recv with PDC_E_TRANSIENT
 * (so does a deadlock with one): nothing of the batch was written then,
 * and it may be sent again, CAREFUL (ON CONFLICT: the other's APNs are
 * reported open) with the same CAREFUL given to _recv.  0 or -1 with ERR.
 */
int pdc_queue_enqueue_send(struct pdc_conn *c, const char *const *apns, size_t n, int priority,
    int max_attempts, double fresh_hours, bool force, bool careful, struct pdc_err *err);
int pdc_queue_enqueue_recv(struct pdc_conn *c, struct pdc_conn *also, const char *const *apns,
    size_t n, bool careful, enum pdc_enqueued *out, struct pdc_err *err);

struct pdc_job {
	int64_t id;
	char apn[PDC_APN_MAX];
	int priority;
	int attempts;		/* including this one */
	int max_attempts;
	int64_t token;		/* the lease token that fences the finish */
};

/*
 * Claim up to MAX due jobs for WORKER with a lease of LEASE_SECONDS, in
 * priority order, then due time.  Returns how many were written to JOBS, or
 * -1 with ERR.
 */
int pdc_queue_claim(struct pdc_conn *c, const char *worker, int lease_seconds,
    struct pdc_job *jobs, int max, struct pdc_err *err);

/* pdc_queue_claim of jobs of priority UPTO or more urgent only (the worker's reserved lane). */
int pdc_queue_claim_upto(struct pdc_conn *c, const char *worker, int lease_seconds,
    struct pdc_job *jobs, int max, int upto, struct pdc_err *err);

/*
 * Mark JOB completed (inside the caller's transaction, beside the record's
 * upserts), with DURATION_MS and the PARTS collected.  Returns 0, or -1 with
 * ERR; PDC_E_FENCED when the lease was lost (roll back then).
 */
int pdc_queue_complete(struct pdc_conn *c, const struct pdc_job *job, long duration_ms,
    unsigned parts, struct pdc_err *err);

/*
 * Mark the N JOBS completed in one statement, inside the caller's
 * transaction: a group commit.  DURATION_MS[i] and PARTS[i] go with JOBS[i];
 * DONE[i] says whether JOBS[i] was still held.  A job whose lease was lost is
 * left alone, so a caller finishing several jobs together finishes first,
 * then stores the records of the jobs still held, then commits: each job's
 * records and finish stay in one transaction.  Returns how many were
 * completed, or -1 with ERR.
 */
int pdc_queue_complete_n(struct pdc_conn *c, const struct pdc_job *jobs, size_t n,
    const long *duration_ms, const unsigned *parts, bool *done, struct pdc_err *err);

/* Put JOB back to pending, due in DELAY seconds, remembering REASON. */
int pdc_queue_retry(struct pdc_conn *c, const struct pdc_job *job, double delay,
    const char *reason, struct pdc_err *err);

/* Mark JOB failed for good with REASON. */
int pdc_queue_fail(struct pdc_conn *c, const struct pdc_job *job, long duration_ms,
    const char *reason, struct pdc_err *err);

/* Give JOB back untouched (a worker shutting down): pending, attempt not counted. */
int pdc_queue_release(struct pdc_conn *c, const struct pdc_job *job, struct pdc_err *err);

/*
 * Keep the leases of the active jobs WORKER holds for LEASE_SECONDS more
 * (its heartbeat): a job waiting for politeness slots may outlast one lease.
 * Only a while, though: a job started more than twelve leases ago is left to
 * run out, so a job stuck for good comes back.  A lease already run out is
 * not revived.  Returns how many leases were kept, or -1 with ERR.
 */
long pdc_queue_extend(struct pdc_conn *c, const char *worker, int lease_seconds,
    struct pdc_err *err);

/*
 * Jobs whose lease ran out go back to pending (or fail when their attempts
 * are used up).  Also folds the job count changes the triggers appended.
 * Returns how many jobs were reaped, or -1.
 */
long pdc_queue_reap(struct pdc_conn *c, struct pdc_err *err);

/* Delete finished jobs older than KEEP_HOURS.  Returns how many, or -1. */
long pdc_queue_prune(struct pdc_conn *c, double keep_hours, struct pdc_err *err);

/*
 * 1 when the queue is settled: no job is active anywhere and none pending is
 * due within HORIZON seconds; 0 when work remains; -1 with ERR.
 */
int pdc_queue_settled(struct pdc_conn *c, double horizon, struct pdc_err *err);

/* Where one APN stands. */
enum pdc_apnstate {
	PDC_APN_NONE,		/* never queued or collected */
	PDC_APN_PENDING,
	PDC_APN_ACTIVE,
	PDC_APN_COMPLETE,	/* collected within cache_expiry_hours */
	PDC_APN_STALE,		/* collected, but longer ago */
	PDC_APN_FAILED,
	PDC_APN_CANCELLED	/* its last job was cancelled */
};
const char *pdc_apnstate_name(enum pdc_apnstate s);

struct pdc_apnstatus {
	enum pdc_apnstate state;
	int priority;		/* of the open job, -1 if none */
	int attempts;
	char when[40];		/* ISO time: completed, failed, or due; "" if none */
	char error[512];	/* the last error, "" if none */
};

/*
 * Look up the N canonical APNS; OUT[i] for APNS[i].  Returns 0 or -1.
 */
int pdc_queue_lookup(struct pdc_conn *c, const char *const *apns, size_t n, double fresh_hours,
    struct pdc_apnstatus *out, struct pdc_err *err);

/* Build a PostgreSQL text[] literal of the N strings into a malloc'd string
 * (NULL when out of memory); passed as a parameter, never spliced into SQL. */
char *pdc_queue_array(const char *const *v, size_t n);

#endif
