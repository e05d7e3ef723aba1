/*
 * jobwait.h - waiting for jobs to finish, and following their events.
 *
 * A worker announces each job it finishes on the channel pdc_done.  A
 * waiter LISTENs there before its first look, so that nothing finishing in
 * between is missed, and looks again at each announcement or each second
 * at the latest: a job whose worker died announces nothing, and comes back
 * (or fails) by another worker's reaper.
 *
 * While someone follows, the database also announces every job event
 * (queued, started, completed, retrying, failed, released, cancelled) on
 * pdc_events (sql/004_events.sql, sql/005_followed.sql).
 */
#ifndef PDC_JOBWAIT_H
#define PDC_JOBWAIT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "error.h"
#include "queue.h"
#include "stats.h"

/* One look at what is waited for: 1 when it is settled, 0 when not yet, -1 with ERR. */
typedef int (*pdc_jobwait_fn)(void *arg, struct pdc_err *err);

/*
 * LISTEN on C for finished jobs, then call LOOK at once and again after
 * each one finishes (or a second passes), until LOOK returns 1, TIMEOUT
 * seconds pass (0: no limit), or *STOP (STOP may be NULL) becomes nonzero,
 * as a signal handler sets it.  LOOK has always just looked when this
 * returns.  Returns 1 when settled, 0 when time ran out or STOP was set, -1
 * with ERR when LOOK failed or C could not LISTEN.
 */
int pdc_jobwait(struct pdc_conn *c, double timeout, const volatile sig_atomic_t *stop,
    pdc_jobwait_fn look, void *arg, struct pdc_err *err);

/*
 * pdc_jobwait for the N canonical APNS, each looked up as pdc_queue_lookup
 * does with FRESH_HOURS into OUT[i], until none is pending or active.
 */
int pdc_jobwait_apns(struct pdc_conn *c, const char *const *apns, size_t n, double fresh_hours,
    double timeout, const volatile sig_atomic_t *stop, struct pdc_apnstatus *out,
    struct pdc_err *err);

/*
 * pdc_jobwait_apns that never waits for a worker that will not come: once
 * GRACE seconds have passed (time for a worker just started to announce
 * itself; < 0: never), a look that finds work open and no worker alive
 * (none registered with a heartbeat in the last 30 seconds and not stopped)
 * returns -1 with ERR (PDC_E_UNAVAILABLE "no worker is running ...").
 */
int pdc_jobwait_apns_worked(struct pdc_conn *c, const char *const *apns, size_t n,
    double fresh_hours, double timeout, double grace, const volatile sig_atomic_t *stop,
    struct pdc_apnstatus *out, struct pdc_err *err);

/* pdc_jobwait for the whole queue, each look a pdc_stats_summary into SUM, until no job is pending or active. */
int pdc_jobwait_queue(struct pdc_conn *c, double timeout, const volatile sig_atomic_t *stop,
    struct pdc_summary *sum, struct pdc_err *err);

/* Is any of the N APNs pending or active? */
bool pdc_jobwait_apns_open(const struct pdc_apnstatus *st, size_t n);

/* Is any of the N APNs failed? */
bool pdc_jobwait_apns_failed(const struct pdc_apnstatus *st, size_t n);

/* Is any job in SUM pending or active? */
bool pdc_jobwait_queue_open(const struct pdc_summary *sum);

/* Has any job in SUM failed (and is still kept in the table)? */
bool pdc_jobwait_queue_failed(const struct pdc_summary *sum);

/*
 * Start following job events on C: the database builds them only while
 * someone follows, so this announces itself first, then LISTENs.  0 or -1
 * with ERR.
 */
int pdc_jobwait_follow(struct pdc_conn *c, struct pdc_err *err);

/* Called with each job event, valid during the call only. */
typedef void (*pdc_jobwait_event_fn)(void *arg, const struct pdc_event *ev);

/*
 * Read the events that have come on C (after pdc_jobwait_follow) without
 * waiting, and pass each to FN; what does not read as an event is dropped.
 * Poll pdc_db_socket(C) to wait for them.  Returns how many notifications
 * were read, or -1 with ERR (PDC_E_UNAVAILABLE "lost the database
 * connection: ...").
 */
int pdc_jobwait_events(struct pdc_conn *c, pdc_jobwait_event_fn fn, void *arg,
    struct pdc_err *err);

/*
 * Wait up to SECONDS (a signal ends the wait early) for job events on C,
 * then read them as pdc_jobwait_events does.  OUTFD, when >= 0, is the
 * follower's output, watched meanwhile: a pipe whose reader left shows an
 * error on it at once, with no event to write needed.  Returns how many
 * notifications were read, PDC_JOBWAIT_GONE when OUTFD's reader left, or
 * -1 with ERR.
 */
#define PDC_JOBWAIT_GONE (-2)
int pdc_jobwait_events_wait(struct pdc_conn *c, double seconds, int outfd,
    pdc_jobwait_event_fn fn, void *arg, struct pdc_err *err);

#endif
