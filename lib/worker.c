#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apn.h"
#include "backoff.h"
#include "clock.h"
#include "collect.h"
#include "fetch.h"
#include "jobs.h"
#include "history.h"
#include "kept.h"
#include "polite.h"
#include "store.h"
#include "log.h"
#include "pool.h"
#include "queue.h"
#include "stats.h"
#include "worker.h"

/* Retry backoff: base doubles per attempt, capped. */
#define RETRY_BASE 1.0
#define RETRY_CAP 300.0
#define HEARTBEAT_EVERY 5.0
#define REAP_EVERY 5.0
#define DRAIN_HORIZON 60.0
#define PRUNE_EVERY 600.0
#define POLL_EVERY 5.0
/*
 * Claims sized to the budget: a job is claimed only while no host has more
 * than ROOM of this worker's jobs asking it beyond what it serves in
 * ROOM_SECONDS (pdc_polite_room: every job held is load on a host but those
 * waiting in another host's line), so the backlog waits in the queue, where
 * priorities rule, instead of on the hosts' slots with its lease running.
 * Each host then has at most ROOM + its ROOM_SECONDS' worth of our jobs
 * asking it or about to, however slow the machine, and a worker holds at
 * most the sum of that over its hosts.  ROOM keeps the busiest host's next
 * slots spoken for (its budget used) while our other jobs are on the wire
 * or being parsed.  A fast host has room for many: the slowest decides.
 */
#define ROOM 3
#define ROOM_SECONDS 0.25
/* How often the thread watching for room looks again while hosts are crowded. */
#define CROWD_POLL 0.05
/* The most jobs claimed in one go, and held claimed before a thread takes them. */
#define MAXBATCH 64
/* Cancels remembered for jobs on their way from a claim to a collector. */
#define UNHEARD 64

static volatile sig_atomic_t stop_flag;

void
pdc_worker_stop(void)
{
	stop_flag = 1;
}

/* The counts a worker reports to worker_figures, as report_figures names them. */
#define NREPORTED 6

/*
 * The job a collector holds, for a cancel to reach it.  Both change under
 * held_mu, so that a cancel meant for the last job never lands on the next.
 */
struct held {
	int64_t id;			/* 0: none */
	volatile int cancelled;		/* its ctx.cancelled */
};

struct shared {
	const struct pdc_config *cfg;
	const struct pdc_worker_opts *opts;
	struct pdc_pool *pool;
	struct pdc_polite *polite;
	struct pdc_http_opts http_opts;
	char id[160];
	pthread_mutex_t mu;
	pthread_cond_t wake;
	atomic_bool drained;
	atomic_bool paused;
	atomic_bool refused;		/* the county refused our token: stop */
	pthread_mutex_t refused_mu;
	struct pdc_err refused_err;
	atomic_int live;		/* collector threads still running */
	atomic_int busy;		/* jobs claimed and not yet finished */
	atomic_int running;		/* collectors (the lane's aside) running a job */
	atomic_long completed, failed, retried;
	atomic_long requests;
	double reported[NREPORTED];	/* the counts as last reported (report_figures) */
	struct held *held;		/* one per collector thread */
	atomic_int nheld;
	pthread_mutex_t held_mu;
	/*
	 * Cancels heard for no job held or stashed: a job between its claim and
	 * its collector (held_mu).  Every worker hears every worker's cancels,
	 * so the oldest make way.
	 */
	int64_t unheard[UNHEARD];
	int nunheard;
	pthread_mutex_t claim_mu;	/* one claim at a time: room is read, then taken */
	struct pdc_job stash[MAXBATCH];	/* claimed in a batch, for idle collectors (mu) */
	int nstash;
	bool watching;			/* a collector polls for room (mu) */
};

/* The running worker, for pdc_worker_progress; its struct lives on pdc_worker_run's stack. */
static pthread_mutex_t current_mu = PTHREAD_MUTEX_INITIALIZER;
static struct shared *current;

static void
set_current(struct shared *sh)
{
	pthread_mutex_lock(&current_mu);
	current = sh;
	pthread_mutex_unlock(&current_mu);
}

void
pdc_worker_progress(struct pdc_worker_progress *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_lock(&current_mu);
	if (current != NULL) {
		p->running = true;
		p->paused = atomic_load(&current->paused);
		p->jobs = current->opts->jobs;
		p->active = atomic_load(&current->busy);
		p->completed = atomic_load(&current->completed);
		p->failed = atomic_load(&current->failed);
		p->retried = atomic_load(&current->retried);
	}
	pthread_mutex_unlock(&current_mu);
}


/*
 * Sleep up to SECONDS, or until the main thread signals new work.  STASH: a
 * collector that takes stashed jobs, which a batch stashed since it looked
 * spares the sleep.
 */
static void
wait_work(struct shared *sh, double seconds, bool stash)
{
	struct timespec abs;

	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_sec += (time_t)seconds;
	abs.tv_nsec += (long)((seconds - (time_t)seconds) * 1e9);
	if (abs.tv_nsec >= 1000000000L) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&sh->mu);
	if (!stop_flag && !atomic_load(&sh->drained) && !atomic_load(&sh->refused) &&
	    (!stash || sh->nstash == 0))
		pthread_cond_timedwait(&sh->wake, &sh->mu, &abs);
	pthread_mutex_unlock(&sh->mu);
}

static void
wait_wake(struct shared *sh, double seconds)
{
	wait_work(sh, seconds, false);
}

static void
wake_all(struct shared *sh)
{
	pthread_mutex_lock(&sh->mu);
	pthread_cond_broadcast(&sh->wake);
	pthread_mutex_unlock(&sh->mu);
}

/* The job stashed last, into JOB; 1, or 0 when none (SH->mu held). */
static int
unstash(struct shared *sh, struct pdc_job *job)
{
	if (sh->nstash == 0)
		return 0;
	*job = sh->stash[--sh->nstash];
	return 1;
}

/*
 * A job for a collector, into JOB.  The reserved LANE claims critical and
 * high jobs only, one at a time, whatever the hosts' load: they are taken
 * at once even when every other collector is busy.  The others take a
 * stashed job, or claim as many as there is room for (IDLE collectors at
 * most), keep one and stash the rest.  Returns 1; 0 when there is nothing to
 * claim, with *CROWDED set when there was no room, or when the worker is
 * paused (a batch that comes back then is stashed whole); -1 with ERR.
 */
static int
take_job(struct shared *sh, bool lane, int idle, struct pdc_job *job, bool *crowded,
    struct pdc_err *err)
{
	struct pdc_job got[MAXBATCH];
	struct pdc_conn *c;
	int room, n, stashed, keep;

	*crowded = false;
	if (lane) {
		if ((c = pdc_pool_get(sh->pool, err)) == NULL)
			return -1;
		n = pdc_queue_claim_upto(c, sh->id, sh->cfg->job_timeout_seconds, job, 1,
		    PDC_PRIO_HIGH, err);
		pdc_pool_put(sh->pool, c);
		if (n > 0)
			atomic_fetch_add(&sh->busy, n);
		return n;
	}
	/* A paused worker begins nothing more, not even what it has claimed. */
	pthread_mutex_lock(&sh->mu);
	n = atomic_load(&sh->paused) ? -1 : unstash(sh, job);
	pthread_mutex_unlock(&sh->mu);
	if (n != 0)
		return n == 1;
	pthread_mutex_lock(&sh->claim_mu);
	/* Stashed jobs are started ones and have their collectors: neither counts twice. */
	pthread_mutex_lock(&sh->mu);
	stashed = sh->nstash;
	pthread_mutex_unlock(&sh->mu);
	room = ROOM + pdc_polite_room(sh->polite, ROOM_SECONDS, atomic_load(&sh->busy));
	if (room > idle - stashed)
		room = idle - stashed;
	if (room > MAXBATCH - stashed)
		room = MAXBATCH - stashed;
	if (room <= 0) {
		pthread_mutex_unlock(&sh->claim_mu);
		*crowded = true;
		return 0;
	}
	if ((c = pdc_pool_get(sh->pool, err)) == NULL) {
		pthread_mutex_unlock(&sh->claim_mu);
		return -1;
	}
	n = pdc_queue_claim(c, sh->id, sh->cfg->job_timeout_seconds, got, room, err);
	pdc_pool_put(sh->pool, c);
	if (n <= 0) {
		pthread_mutex_unlock(&sh->claim_mu);
		return n;
	}
	atomic_fetch_add(&sh->busy, n);
	/*
	 * The most urgent first: got[] is in priority order, the stash taken
	 * from its end.  Stashed before the next claim reads the stash: a claim
	 * between would size its room without these, and the two batches
	 * together could overrun the stash.
	 */
	pthread_mutex_lock(&sh->mu);
	keep = !atomic_load(&sh->paused);
	if (keep)
		*job = got[0];
	for (int i = n - 1; i >= keep; i--)
		sh->stash[sh->nstash++] = got[i];
	pthread_cond_broadcast(&sh->wake);
	pthread_mutex_unlock(&sh->mu);
	pthread_mutex_unlock(&sh->claim_mu);
	return keep;
}

/*
 * With --drain: is there nothing left for us?  Active jobs elsewhere may come
 * back (a dead worker's lease runs out, a retry), so wait for them too.
 */
static bool
drain_done(struct shared *sh)
{
	struct pdc_err err;
	struct pdc_conn *c;
	int settled;

	if (atomic_load(&sh->busy) > 0)
		return false;
	if ((c = pdc_pool_get(sh->pool, &err)) == NULL)
		return false;
	settled = pdc_queue_settled(c, DRAIN_HORIZON, &err);
	pdc_pool_put(sh->pool, c);
	return settled == 1;
}

/*
 * Write a job's outcome.  The database may be restarting: try again with
 * backoff while the lease lasts, since the result is worth keeping.
 */
typedef int (*finish_fn)(struct pdc_conn *, void *, struct pdc_err *);

static int
with_retries(struct shared *sh, finish_fn fn, void *arg, double deadline, struct pdc_err *err)
{
	double delay = 0.25;

	for (;;) {
		struct pdc_conn *c = pdc_pool_get(sh->pool, err);
		int rc;

		if (c != NULL) {
			rc = fn(c, arg, err);
			pdc_pool_put(sh->pool, c);
			if (rc == 0 || (err->kind != PDC_E_UNAVAILABLE && err->kind != PDC_E_TRANSIENT))
				return rc;
		}
		if (stop_flag || pdc_clock_mono() + delay > deadline)
			return -1;
		usleep((useconds_t)(delay * 1e6));
		if (delay < 8)
			delay *= 2;
	}
}

struct outcome {
	const struct pdc_job *job;
	const struct pdc_record *rec;
	const struct pdc_outcome *out;
	const struct pdc_source_ctx *ctx;
	long ms;
	double delay;		/* < 0: complete; else retry after it */
	const char *reason;
};

static int
do_finish(struct pdc_conn *c, void *arg, struct pdc_err *err)
{
	struct outcome *o = arg;

	return pdc_collect_finish(c, o->job, o->rec, o->out, o->ctx, o->ms, o->delay, o->reason, err);
}

static int
do_fail(struct pdc_conn *c, void *arg, struct pdc_err *err)
{
	struct outcome *o = arg;

	return pdc_queue_fail(c, o->job, o->ms, o->reason, err);
}

static void
refused(struct shared *sh, const struct pdc_err *cerr)
{
	/* Every other job would fail the same way: fail this one, stop claiming. */
	pdc_log(PDC_LOG_ERROR, "%s", cerr->msg);
	pthread_mutex_lock(&sh->refused_mu);
	if (!atomic_load(&sh->refused))
		sh->refused_err = *cerr;
	atomic_store(&sh->refused, true);
	pthread_mutex_unlock(&sh->refused_mu);
	wake_all(sh);
}

/*
 * What REC lacks, in one line: the failed part's reason (CERR), then why
 * each partial part is so.  "" when the record is whole.
 */
static void
lacking(const struct pdc_record *rec, const struct pdc_err *cerr, char *buf, size_t size)
{
	buf[0] = '\0';
	if (cerr->kind != PDC_OK)
		strlcpy(buf, cerr->msg, size);
	for (unsigned bit = 1; bit < (1u << PDC_NPARTS); bit <<= 1) {
		const char *why = pdc_record_why(rec, bit);

		if (why == NULL)
			continue;
		if (buf[0] != '\0')
			strlcat(buf, "; ", size);
		strlcat(buf, why, size);
	}
}

static void
run_job(struct shared *sh, struct pdc_http *http, struct pdc_apart *apart, uint64_t *rng,
    const struct pdc_job *job, volatile int *cancelled)
{
	struct pdc_source_ctx ctx = { .http = http, .apart = apart, .cfg = sh->cfg,
	    .polite = sh->polite, .apn = job->apn, .keep = true, .priority = job->priority,
	    .cancelled = cancelled, .rng = *rng };
	struct pdc_record rec;
	struct pdc_outcome out;
	struct pdc_err cerr, ferr;
	struct outcome o = { job, &rec, &out, &ctx, 0, -1, NULL };
	char bare[PDC_APN_MAX], lacks[1024];
	double t0 = pdc_clock_mono(), deadline = t0 + sh->cfg->job_timeout_seconds;
	int rc;

	/*
	 * A live worker keeps its leases, so a job may outlast
	 * job_timeout_seconds waiting for its turns; one request's tries may not.
	 */
	ctx.budget = sh->cfg->job_timeout_seconds;
	pdc_apn_bare(job->apn, bare);
	pdc_err_clear(&cerr);
	/* Validators of what was stored last time make the requests conditional. */
	struct pdc_conn *vc = pdc_pool_get(sh->pool, &ferr);
	if (vc != NULL) {
		if (pdc_kept_load_validators(vc, job->apn, &ctx.validators, &ferr) >= 0)
			ctx.pool = sh->pool;
		pdc_pool_put(sh->pool, vc);
	}
	rc = pdc_collect(&ctx, job->apn, &rec, &out, &cerr);
	*rng = ctx.rng;
	atomic_fetch_add(&sh->requests, ctx.requests);
	o.ms = (long)((pdc_clock_mono() - t0) * 1000);
	o.reason = cerr.msg;
	if (rc == -1 && cerr.kind == PDC_E_AUTH)
		refused(sh, &cerr);
	if (*cancelled) {
		/* The cancel made the job final already; what came is dropped whole. */
		pdc_log(PDC_LOG_INFO, "Job for APN %s cancelled, nothing stored", bare);
	} else if (rc == 0) {
		if (with_retries(sh, do_finish, &o, deadline, &ferr) == 0) {
			atomic_fetch_add(&sh->completed, 1);
			/* one line a job, whatever it lacks: a changed site is not a flood */
			lacking(&rec, &cerr, lacks, sizeof(lacks));
			if (lacks[0] != '\0')
				pdc_log(PDC_LOG_WARNING, "Data collection for APN %s is partial: %s", bare, lacks);
			pdc_log(PDC_LOG_INFO, "Data collection completed for APN %s in %.1fs", bare,
			    o.ms / 1000.0);
		} else if (ferr.kind == PDC_E_FENCED) {
			pdc_log(PDC_LOG_WARNING, "Job for APN %s: lease lost, result dropped", bare);
		} else {
			pdc_log(PDC_LOG_ERROR, "Job for APN %s: could not store the record: %s", bare, ferr.msg);
		}
	} else if (cerr.kind == PDC_E_TRANSIENT && job->attempts < job->max_attempts) {
		/* What did come is kept; the job comes back for the rest. */
		o.delay = pdc_backoff_delay(job->attempts, RETRY_BASE, RETRY_CAP, cerr.retry_after, rng);
		if (with_retries(sh, do_finish, &o, deadline, &ferr) == 0) {
			atomic_fetch_add(&sh->retried, 1);
			pdc_log(PDC_LOG_WARNING, "Job for APN %s attempt %d of %d failed: %s; retrying in %.1fs",
			    bare, job->attempts, job->max_attempts, cerr.msg, o.delay);
		} else if (ferr.kind == PDC_E_FENCED) {
			pdc_log(PDC_LOG_WARNING, "Job for APN %s: lease lost, retry left to the new attempt", bare);
		} else {
			pdc_log(PDC_LOG_ERROR, "Job for APN %s: could not reschedule: %s", bare, ferr.msg);
		}
	} else if (with_retries(sh, do_fail, &o, deadline, &ferr) == 0) {
		atomic_fetch_add(&sh->failed, 1);
		pdc_log(PDC_LOG_ERROR, "Job for APN %s failed after %d retries: %s", bare,
		    job->attempts - 1, cerr.msg);
	} else if (ferr.kind == PDC_E_FENCED) {
		pdc_log(PDC_LOG_WARNING, "Job for APN %s: lease lost, failure left to the new attempt", bare);
	} else {
		pdc_log(PDC_LOG_ERROR, "Job for APN %s: could not record the failure: %s", bare, ferr.msg);
	}
	pdc_record_release(&rec);
	pdc_fetch_release(&ctx);
}

static bool started(struct shared *, struct held *, const struct pdc_job *);

struct collector_arg {
	struct shared *sh;
	bool lane;		/* the reserved lane: critical and high jobs only */
};

static void *
collector(void *arg)
{
	struct shared *sh = ((struct collector_arg *)arg)->sh;
	bool lane = ((struct collector_arg *)arg)->lane;
	struct held *me = &sh->held[atomic_fetch_add(&sh->nheld, 1)];
	struct pdc_http *http;
	struct pdc_apart *apart;
	struct pdc_err err;
	uint64_t rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16) ^ (uint64_t)(uintptr_t)&err;
	double backoff = 0.5, last_db_log = 0;

	if ((http = pdc_http_new(&sh->http_opts, &err)) == NULL) {
		pdc_log(PDC_LOG_ERROR, "%s", err.msg);
		goto out;
	}
	/* Without a companion the sources just run in turn. */
	apart = pdc_apart_new(&sh->http_opts);
	while (!stop_flag && !atomic_load(&sh->drained) && !atomic_load(&sh->refused)) {
		struct pdc_job job;
		bool crowded;
		int n;

		if (atomic_load(&sh->paused)) {
			wait_wake(sh, 1.0);
			continue;
		}
		n = take_job(sh, lane, sh->opts->jobs - atomic_load(&sh->running), &job, &crowded, &err);
		if (n < 0) {
			if (pdc_clock_mono() - last_db_log > 30) {
				pdc_log(PDC_LOG_WARNING, "cannot claim jobs: %s; retrying", err.msg);
				last_db_log = pdc_clock_mono();
			}
			wait_wake(sh, backoff * (0.5 + pdc_backoff_rand(&rng)));
			if (backoff < 15)
				backoff *= 2;
			continue;
		}
		backoff = 0.5;
		if (n == 0 && crowded) {
			bool watch;

			/* One collector looks for room often; the others wait for its batch. */
			pthread_mutex_lock(&sh->mu);
			if ((watch = !sh->watching))
				sh->watching = true;
			pthread_mutex_unlock(&sh->mu);
			wait_work(sh, watch ? CROWD_POLL : POLL_EVERY, true);
			if (watch) {
				pthread_mutex_lock(&sh->mu);
				sh->watching = false;
				pthread_mutex_unlock(&sh->mu);
			}
			continue;
		}
		if (n == 0) {
			if (sh->opts->drain) {
				if (drain_done(sh)) {
					atomic_store(&sh->drained, true);
					wake_all(sh);
					break;
				}
				wait_work(sh, 0.5, !lane);
			} else {
				wait_work(sh, POLL_EVERY, !lane);
			}
			continue;
		}
		if (!started(sh, me, &job)) {
			atomic_fetch_sub(&sh->busy, 1);
			continue;
		}
		if (!lane)
			atomic_fetch_add(&sh->running, 1);
		run_job(sh, http, apart, &rng, &job, &me->cancelled);
		pthread_mutex_lock(&sh->held_mu);
		me->id = 0;
		pthread_mutex_unlock(&sh->held_mu);
		if (!lane)
			atomic_fetch_sub(&sh->running, 1);
		atomic_fetch_sub(&sh->busy, 1);
	}
	pdc_apart_free(apart);
out:
	pdc_http_free(http);
	atomic_fetch_sub(&sh->live, 1);
	wake_all(sh);
	return NULL;
}

static struct pdc_stmt st_register = { "pdc_worker_register",
	"INSERT INTO workers (id, host, pid, concurrency) VALUES ($1, $2, $3, $4)"
	" ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), stopped_at = NULL,"
	" concurrency = EXCLUDED.concurrency", 4, 0 };

static struct pdc_stmt st_heartbeat = { "pdc_worker_heartbeat",
	"WITH u AS (UPDATE workers SET heartbeat_at = now(), stopped_at = NULL, pool_in_use = $2,"
	"  pool_size = $3, pool_max = $4 WHERE id = $1 RETURNING 1)"
	" SELECT coalesce((SELECT value = 'true' FROM control WHERE key = 'paused'), false),"
	"  (SELECT count(*) FROM u)", 4, 0 };

static struct pdc_stmt st_stopped = { "pdc_worker_stopped",
	"UPDATE workers SET stopped_at = now(), heartbeat_at = now() WHERE id = $1", 1, 0 };

static struct pdc_stmt st_alive = { "pdc_workers_alive",
	"SELECT count(*) FROM workers WHERE stopped_at IS NULL"
	" AND heartbeat_at > now() - interval '30 seconds'", 0, 0 };

static struct pdc_stmt st_set_paused = { "pdc_set_paused",
	"WITH u AS (INSERT INTO control (key, value, updated_at) VALUES ('paused', $1, now())"
	"  ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now() RETURNING 1)"
	" SELECT pg_notify('pdc_control', $1), (SELECT count(*) FROM u)", 1, 0 };

static struct pdc_stmt st_paused = { "pdc_paused",
	"SELECT coalesce((SELECT value = 'true' FROM control WHERE key = 'paused'), false)", 0, 0 };

int
pdc_workers_alive(struct pdc_conn *c, struct pdc_err *err)
{
	PGresult *res = pdc_db_run(c, &st_alive, NULL, err);
	int n;

	if (res == NULL)
		return -1;
	n = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

int
pdc_workers_set_paused(struct pdc_conn *c, bool paused, struct pdc_err *err)
{
	const char *params[1] = { paused ? "true" : "false" };
	PGresult *res = pdc_db_run(c, &st_set_paused, params, err);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

int
pdc_workers_paused(struct pdc_conn *c, struct pdc_err *err)
{
	PGresult *res = pdc_db_run(c, &st_paused, NULL, err);
	int p;

	if (res == NULL)
		return -1;
	p = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return p;
}

/*
 * What this run did since its last report, into worker_figures, where it
 * stays after the worker stops (pdc-stats reads it).  A report that fails
 * is not lost: the next one carries it.  Called from the main thread only.
 */
static void
report_figures(struct shared *sh, struct pdc_conn *c)
{
	static const char *const names[NREPORTED] = { "jobs_completed", "jobs_failed",
	    "http_requests", "db_queries", "db_query_ms", "pool_wait_ms" };
	struct pdc_figure counts[NREPORTED], peaks[3];
	struct pdc_pool_stats ps;
	struct pdc_err err;
	double now[NREPORTED];
	uint64_t q;
	double qms;

	pdc_pool_stats(sh->pool, &ps);
	pdc_db_totals(&q, &qms);
	now[0] = (double)atomic_load(&sh->completed);
	now[1] = (double)atomic_load(&sh->failed);
	now[2] = (double)atomic_load(&sh->requests);
	now[3] = (double)q;
	now[4] = qms;
	now[5] = ps.wait_ms;
	if (!sh->cfg->enable_performance_monitoring) {
		/* jobs and requests only, as the heartbeat */
		memset(&ps, 0, sizeof(ps));
		now[3] = sh->reported[3];
		now[4] = sh->reported[4];
		now[5] = sh->reported[5];
	}
	for (int i = 0; i < NREPORTED; i++)
		counts[i] = (struct pdc_figure){ names[i], now[i] - sh->reported[i] };
	peaks[0] = (struct pdc_figure){ "pool_peak_in_use", ps.peak_in_use };
	peaks[1] = (struct pdc_figure){ "pool_size", ps.size };
	peaks[2] = (struct pdc_figure){ "pool_max", ps.max };
	if (pdc_stats_report(c, sh->id, counts, NREPORTED, peaks, 3, &err) == 0)
		memcpy(sh->reported, now, sizeof(now));
	else
		pdc_log(PDC_LOG_WARNING, "could not report the worker's figures: %s", err.msg);
}

/*
 * Job ID is cancelled: stop the collector holding it, or drop it from the
 * stash (claimed, never begun: nothing to ask, nothing to store; the cancel
 * made it final already), or remember it for the collector about to take
 * it (started()).
 */
static void
cancel_held(struct shared *sh, int64_t id)
{
	bool found = false, dropped = false;

	if (id == 0)
		return;
	/* held_mu, then mu: a job is in a collector's hands, in the stash, or between */
	pthread_mutex_lock(&sh->held_mu);
	for (int i = 0; i < atomic_load(&sh->nheld); i++)
		if (sh->held[i].id == id) {
			sh->held[i].cancelled = 1;
			found = true;
		}
	if (!found) {
		pthread_mutex_lock(&sh->mu);
		for (int i = 0; i < sh->nstash && !dropped; i++)
			if (sh->stash[i].id == id) {
				memmove(&sh->stash[i], &sh->stash[i + 1],
				    (size_t)(sh->nstash - i - 1) * sizeof(sh->stash[0]));
				sh->nstash--;
				dropped = true;
			}
		pthread_mutex_unlock(&sh->mu);
	}
	if (!found && !dropped) {
		if (sh->nunheard == UNHEARD) {
			memmove(&sh->unheard[0], &sh->unheard[1], (UNHEARD - 1) * sizeof(sh->unheard[0]));
			sh->nunheard--;
		}
		sh->unheard[sh->nunheard++] = id;
	}
	pthread_mutex_unlock(&sh->held_mu);
	if (dropped) {
		atomic_fetch_sub(&sh->busy, 1);
		wake_all(sh);
	}
	if (found || dropped)
		pdc_log(PDC_LOG_INFO, "Job %lld cancelled; %s", (long long)id,
		    found ? "stopping it at its next request" : "dropped before it began");
}

/*
 * Hand JOB to collector ME, unless it was cancelled on its way from the
 * claim (held_mu: cancel_held looks there, then in the stash, then gives up
 * and remembers it).  Returns false for a job not to begin.
 */
static bool
started(struct shared *sh, struct held *me, const struct pdc_job *job)
{
	bool gone = false;

	pthread_mutex_lock(&sh->held_mu);
	for (int i = 0; i < sh->nunheard && !gone; i++)
		if (sh->unheard[i] == job->id) {
			memmove(&sh->unheard[i], &sh->unheard[i + 1],
			    (size_t)(sh->nunheard - i - 1) * sizeof(sh->unheard[0]));
			sh->nunheard--;
			gone = true;
		}
	me->id = gone ? 0 : job->id;
	me->cancelled = 0;
	pthread_mutex_unlock(&sh->held_mu);
	if (gone)
		pdc_log(PDC_LOG_INFO, "Job %lld cancelled; dropped before it began", (long long)job->id);
	return !gone;
}

/* The cancels whose notification was missed (the listening connection was down). */
static void
check_cancelled(struct shared *sh, struct pdc_conn *c)
{
	int64_t ids[256];
	bool cancelled[256];
	struct pdc_err err;
	size_t n = 0;

	pthread_mutex_lock(&sh->held_mu);
	for (int i = 0; i < atomic_load(&sh->nheld) && n < 256; i++)
		if ((ids[n] = sh->held[i].id) != 0 && !sh->held[i].cancelled)
			n++;
	pthread_mutex_lock(&sh->mu);
	for (int i = 0; i < sh->nstash && n < 256; i++)
		ids[n++] = sh->stash[i].id;
	pthread_mutex_unlock(&sh->mu);
	pthread_mutex_unlock(&sh->held_mu);
	if (n == 0 || pdc_jobs_cancelled(c, ids, n, cancelled, &err) == -1)
		return;
	for (size_t i = 0; i < n; i++)
		if (cancelled[i])
			cancel_held(sh, ids[i]);
}

static void
heartbeat(struct shared *sh)
{
	struct pdc_pool_stats ps;
	struct pdc_err err;
	struct pdc_conn *c;
	char v[4][24];
	const char *params[4] = { sh->id, v[1], v[2], v[3] };
	PGresult *res;

	/* The pool's connections now, for pdc-stats; the counts go to worker_figures. */
	pdc_pool_stats(sh->pool, &ps);
	if (!sh->cfg->enable_performance_monitoring)
		memset(&ps, 0, sizeof(ps));	/* liveness only */
	snprintf(v[1], sizeof(v[1]), "%d", ps.in_use);
	snprintf(v[2], sizeof(v[2]), "%d", ps.size);
	snprintf(v[3], sizeof(v[3]), "%d", ps.max);
	if ((c = pdc_pool_get(sh->pool, &err)) == NULL)
		return;
	res = pdc_db_run(c, &st_heartbeat, params, &err);
	/*
	 * A live worker keeps the leases of the jobs it holds; a stopped or
	 * killed one sends no heartbeat, so its leases run out.
	 */
	if (res != NULL) {
		pdc_queue_extend(c, sh->id, sh->cfg->job_timeout_seconds, &err);
		report_figures(sh, c);
		check_cancelled(sh, c);
	}
	pdc_pool_put(sh->pool, c);
	if (res == NULL)
		return;
	bool paused = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	bool known = strcmp(PQgetvalue(res, 0, 1), "0") != 0;
	PQclear(res);
	if (paused != atomic_load(&sh->paused)) {
		/* in force before it is said */
		atomic_store(&sh->paused, paused);
		pdc_log(PDC_LOG_INFO, paused ? "Background collection paused" :
		    "Background collection resumed");
		wake_all(sh);
	}
	if (!known) {
		/* Our row went away (the database was recreated): register again. */
		char pid[16], conc[16], host[128];
		const char *rp[4] = { sh->id, host, pid, conc };

		gethostname(host, sizeof(host));
		host[sizeof(host) - 1] = '\0';
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		snprintf(conc, sizeof(conc), "%d", sh->opts->jobs);
		if ((c = pdc_pool_get(sh->pool, &err)) != NULL) {
			pdc_db_do(c, &st_register, rp, &err);
			pdc_pool_put(sh->pool, c);
		}
	}
}

static void
maintain(struct shared *sh, bool prune)
{
	struct pdc_err err;
	struct pdc_conn *c = pdc_pool_get(sh->pool, &err);
	long n;

	if (c == NULL)
		return;
	if ((n = pdc_queue_reap(c, &err)) > 0) {
		pdc_log(PDC_LOG_WARNING, "%ld job%s with an expired lease made claimable again", n,
		    n == 1 ? "" : "s");
		wake_all(sh);
	}
	if (prune && (n = pdc_queue_prune(c, sh->opts->keep_hours, &err)) > 0)
		pdc_log(PDC_LOG_INFO, "Pruned %ld finished jobs", n);
	if (prune && (n = pdc_kept_prune(c, sh->opts->keep_hours, &err)) > 0)
		pdc_log(PDC_LOG_INFO, "Pruned %ld stored responses", n);
	if (prune)
		pdc_stats_prune_figures(c, sh->opts->keep_hours, &err);
	if (prune && (n = pdc_history_prune(c, sh->opts->keep_hours, &err)) > 0)
		pdc_log(PDC_LOG_INFO, "Pruned %ld changes from records' history", n);
	pdc_pool_put(sh->pool, c);
}

static struct pdc_conn *
listen_conn(const char *ci)
{
	struct pdc_err err;
	struct pdc_conn *c = pdc_db_connect(ci, "pdc-worker", &err);

	if (c == NULL)
		return NULL;
	if (pdc_db_listen(c, "pdc_jobs", &err) == -1 ||
	    pdc_db_listen(c, "pdc_control", &err) == -1 ||
	    pdc_db_listen(c, "pdc_cancel", &err) == -1) {
		pdc_db_close(c);
		return NULL;
	}
	return c;
}

/* What the main thread heard on its listening connection. */
struct heard {
	struct shared *sh;
	bool control;		/* the pause flag changed: read it now */
};

static void
hear(void *arg, const char *channel, const char *payload)
{
	struct heard *h = arg;

	if (strcmp(channel, "pdc_control") == 0)
		h->control = true;
	else if (strcmp(channel, "pdc_cancel") == 0)
		cancel_held(h->sh, strtoll(payload, NULL, 10));
}

int
pdc_worker_run(const struct pdc_config *cfg, const struct pdc_worker_opts *opts,
    struct pdc_worker_result *result, struct pdc_err *err)
{
	struct shared sh;
	struct pdc_conn *c, *lc;
	pthread_t *threads;
	struct collector_arg *args;
	char ci[8192], host[128], pid[16], conc[16];
	const char *rp[4] = { sh.id, host, pid, conc };
	double last_beat = 0, last_reap = 0, last_prune = 0, last_listen_try = 0;
	int started = 0;

	/*
	 * A parsed page frees thousands of small chunks; glibc parks them in
	 * fastbins and sweeps them all (malloc_consolidate) before the next
	 * allocation of a kilobyte or more, which every request makes (libcurl's
	 * receive buffer, libpq's result blocks, the body).  Without fastbins
	 * they are merged as they are freed, while still in cache.
	 */
#ifdef M_MXFAST
	mallopt(M_MXFAST, 0);
#endif
	memset(&sh, 0, sizeof(sh));
	sh.cfg = cfg;
	sh.opts = opts;
	{
		/* the process's statement counts before this run are not its own */
		uint64_t q;

		pdc_db_totals(&q, &sh.reported[4]);
		sh.reported[3] = (double)q;
	}
	sh.http_opts.user_agent = cfg->user_agent;
	/* Leave room in the lease for storing what was fetched. */
	sh.http_opts.timeout_seconds = cfg->job_timeout_seconds * 0.8 < 60 ?
	    cfg->job_timeout_seconds * 0.8 : 60;
	sh.http_opts.ca_file = opts->ca_file;
	sh.http_opts.manual_redirects = true;
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(conc, sizeof(conc), "%d", opts->jobs);
	snprintf(sh.id, sizeof(sh.id), "%s:%d:%ld", host, (int)getpid(), (long)time(NULL));

	/* Connecting migrates the schema when it is missing. */
	if ((c = pdc_db_open(cfg, "pdc-worker", err)) == NULL)
		return -1;
	pdc_db_close(c);
	if (pdc_db_conninfo(cfg, false, ci, sizeof(ci), err) == -1)
		return -1;
	int pmax = cfg->max_connections, pmin = cfg->min_connections;
	if (pmin > opts->jobs + 1)
		pmin = opts->jobs + 1;
	if ((sh.pool = pdc_pool_new(ci, "pdc-worker", pmin, pmax, cfg->connection_timeout_seconds, err)) == NULL)
		return -1;
	if ((sh.polite = pdc_polite_new(cfg, sh.pool, err)) == NULL ||
	    (c = pdc_pool_get(sh.pool, err)) == NULL) {
		pdc_polite_free(sh.polite);
		pdc_pool_free(sh.pool);
		return -1;
	}
	int paused = pdc_workers_paused(c, err);
	if (paused < 0 || pdc_db_do(c, &st_register, rp, err) == -1) {
		pdc_pool_put(sh.pool, c);
		pdc_polite_free(sh.polite);
		pdc_pool_free(sh.pool);
		return -1;
	}
	pdc_pool_put(sh.pool, c);
	atomic_store(&sh.paused, paused == 1);
	lc = listen_conn(ci);

	pthread_mutex_init(&sh.mu, NULL);
	pthread_mutex_init(&sh.refused_mu, NULL);
	pthread_mutex_init(&sh.held_mu, NULL);
	pthread_mutex_init(&sh.claim_mu, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&sh.wake, &ca);
		pthread_condattr_destroy(&ca);
	}
	/* -j collectors, and the reserved lane beside them, each holding its job. */
	threads = calloc((size_t)opts->jobs + 1, sizeof(*threads));
	args = calloc((size_t)opts->jobs + 1, sizeof(*args));
	sh.held = calloc((size_t)opts->jobs + 1, sizeof(*sh.held));
	if (threads == NULL || args == NULL || sh.held == NULL) {
		free(threads);
		free(args);
		pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		goto done;
	}
	pdc_log(PDC_LOG_INFO, "Background data worker started (%d concurrent jobs, worker %s)",
	    opts->jobs, sh.id);
	if (paused == 1)
		pdc_log(PDC_LOG_INFO, "Background collection is paused; waiting for pdc-worker --resume");
	set_current(&sh);
	for (; started < opts->jobs + 1; started++) {
		args[started].sh = &sh;
		args[started].lane = started == opts->jobs;
		atomic_fetch_add(&sh.live, 1);
		if (pthread_create(&threads[started], NULL, collector, &args[started]) != 0) {
			atomic_fetch_sub(&sh.live, 1);
			break;
		}
	}
	/* Beat often enough to keep leases alive between beats. */
	double beat_every = cfg->job_timeout_seconds / 3.0 < HEARTBEAT_EVERY ?
	    cfg->job_timeout_seconds / 3.0 : HEARTBEAT_EVERY;
	last_beat = pdc_clock_mono();
	last_reap = 0;	/* reap at once: a dead worker's jobs may be waiting */
	last_prune = -PRUNE_EVERY;	/* and prune at once */
	while (!stop_flag && atomic_load(&sh.live) > 0 && !atomic_load(&sh.refused)) {
		struct pollfd pfd = { -1, POLLIN, 0 };
		struct heard h = { &sh, false };
		struct pdc_err lerr;
		int notified = 0;

		if (lc != NULL && !pdc_db_broken(lc))
			pfd.fd = pdc_db_socket(lc);
		else if (pdc_clock_mono() - last_listen_try > 5) {
			pdc_db_close(lc);
			lc = listen_conn(ci);
			last_listen_try = pdc_clock_mono();
		}
		if (poll(&pfd, 1, 1000) > 0 && lc != NULL &&
		    (notified = pdc_db_notifications(lc, hear, &h, &lerr)) == -1) {
			pdc_log(PDC_LOG_WARNING, "%s; reconnecting", lerr.msg);
			pdc_db_close(lc);
			lc = NULL;
		}
		if (h.control)
			last_beat = 0;	/* read the pause flag now */
		if (notified > 0)
			wake_all(&sh);
		if (pdc_clock_mono() - last_beat >= beat_every) {
			heartbeat(&sh);
			last_beat = pdc_clock_mono();
		}
		if (pdc_clock_mono() - last_reap >= REAP_EVERY) {
			bool prune = pdc_clock_mono() - last_prune >= PRUNE_EVERY;

			maintain(&sh, prune);
			last_reap = pdc_clock_mono();
			if (prune)
				last_prune = last_reap;
		}
	}
	/* Stop: the collectors finish the job they hold, then leave. */
	wake_all(&sh);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	free(args);
	if ((c = pdc_pool_get(sh.pool, err)) != NULL) {
		struct pdc_err rerr;
		const char *sp[1] = { sh.id };

		/* Claimed in a batch but never begun: back to the queue at once. */
		for (int i = 0; i < sh.nstash; i++)
			pdc_queue_release(c, &sh.stash[i], &rerr);
		sh.nstash = 0;
		report_figures(&sh, c);
		pdc_db_do(c, &st_stopped, sp, err);
		pdc_pool_put(sh.pool, c);
	}
	pdc_log(PDC_LOG_INFO, "Background data worker stopped (%ld completed, %ld failed)",
	    atomic_load(&sh.completed), atomic_load(&sh.failed));
done:
	set_current(NULL);
	if (result != NULL) {
		result->completed = atomic_load(&sh.completed);
		result->failed = atomic_load(&sh.failed);
		result->retried = atomic_load(&sh.retried);
	}
	free(sh.held);
	pdc_db_close(lc);
	pdc_polite_free(sh.polite);
	pdc_pool_free(sh.pool);
	pthread_cond_destroy(&sh.wake);
	pthread_mutex_destroy(&sh.mu);
	pthread_mutex_destroy(&sh.refused_mu);
	pthread_mutex_destroy(&sh.held_mu);
	pthread_mutex_destroy(&sh.claim_mu);
	if (atomic_load(&sh.refused)) {
		*err = sh.refused_err;
		return -1;
	}
	pdc_err_clear(err);
	return 0;
}

static struct pdc_stmt st_stored_apns = { "pdc_stored_apns",
	"SELECT DISTINCT apn FROM responses ORDER BY apn", 0, 0 };

static int
reparse_one(const struct pdc_config *cfg, struct pdc_conn *c, const char *apn, struct pdc_err *err)
{
	struct pdc_source_ctx ctx = { .cfg = cfg, .apn = apn, .replay = true };
	struct pdc_record rec;
	struct pdc_outcome out;
	struct pdc_err cerr;
	long n;
	int rc;

	if ((n = pdc_kept_load(c, apn, &ctx.kept, err)) <= 0) {
		if (n == 0)
			pdc_err_set(err, PDC_E_PERMANENT, "APN %s: no stored responses", apn);
		pdc_fetch_release(&ctx);
		return -1;
	}
	rc = pdc_collect(&ctx, apn, &rec, &out, &cerr);
	if (rc == 0)
		rc = pdc_collect_finish(c, NULL, &rec, &out, &ctx, 0, -1, NULL, err);
	else
		*err = cerr;
	if (rc == 0) {
		char lacks[1024];

		lacking(&rec, &cerr, lacks, sizeof(lacks));
		if (lacks[0] != '\0')
			pdc_log(PDC_LOG_WARNING, "APN %s re-parsed, partial: %s", apn, lacks);
	}
	pdc_record_release(&rec);
	pdc_fetch_release(&ctx);
	return rc;
}

int
pdc_worker_reparse(const struct pdc_config *cfg, const char *const *apns, size_t n,
    long *done, long *failed, struct pdc_err *err)
{
	struct pdc_conn *c = pdc_db_open(cfg, "pdc-worker", err);
	PGresult *all = NULL;
	struct pdc_err e;

	*done = *failed = 0;
	if (c == NULL)
		return -1;
	if (n == 0) {
		if ((all = pdc_db_run(c, &st_stored_apns, NULL, err)) == NULL) {
			pdc_db_close(c);
			return -1;
		}
		n = (size_t)PQntuples(all);
	}
	for (size_t i = 0; i < n; i++) {
		const char *apn = all != NULL ? PQgetvalue(all, (int)i, 0) : apns[i];

		if (reparse_one(cfg, c, apn, &e) == 0) {
			(*done)++;
			pdc_log(PDC_LOG_INFO, "Re-parsed APN %s from stored responses", apn);
		} else if (e.kind == PDC_E_UNAVAILABLE || e.kind == PDC_E_SYSTEM) {
			*err = e;
			PQclear(all);
			pdc_db_close(c);
			return -1;
		} else {
			(*failed)++;
			pdc_log(PDC_LOG_ERROR, "Re-parse of APN %s failed: %s", apn, e.msg);
		}
	}
	PQclear(all);
	pdc_db_close(c);
	return 0;
}

int
pdc_worker_collect_one(const struct pdc_config *cfg, const char *apn, const char *ca_file,
    unsigned *parts, struct pdc_err *err)
{
	struct pdc_http_opts ho = { cfg->user_agent, 60, 10, 0, ca_file, true };
	struct pdc_source_ctx ctx = { .cfg = cfg, .apn = apn, .keep = true };
	struct pdc_record rec;
	struct pdc_outcome out;
	struct pdc_err cerr;
	struct pdc_pool *pool = NULL;
	char ci[8192];
	int rc = -1;

	/* Connecting first creates the schema if needed; the pool serves politeness and the store. */
	struct pdc_conn *c = pdc_db_open(cfg, "pdc-worker", err);
	if (c == NULL)
		return -1;
	pdc_db_close(c);
	if (pdc_db_conninfo(cfg, false, ci, sizeof(ci), err) == -1 ||
	    (pool = pdc_pool_new(ci, "pdc-worker", 1, 4, cfg->connection_timeout_seconds, err)) == NULL ||
	    (ctx.polite = pdc_polite_new(cfg, pool, err)) == NULL ||
	    (ctx.http = pdc_http_new(&ho, err)) == NULL)
		goto out;
	ctx.apart = pdc_apart_new(&ho);	/* NULL: the sources in turn */
	rc = pdc_collect(&ctx, apn, &rec, &out, &cerr);
	if (rc == 0 || (cerr.kind == PDC_E_TRANSIENT && rec.parts != 0)) {
		char lacks[1024];

		lacking(&rec, &cerr, lacks, sizeof(lacks));
		if (lacks[0] != '\0')
			pdc_log(PDC_LOG_WARNING, "partial record for APN %s: %s", apn, lacks);
		if ((c = pdc_pool_get(pool, err)) == NULL) {
			rc = -1;
		} else {
			rc = pdc_collect_finish(c, NULL, &rec, &out, &ctx, 0, -1, NULL, err);
			pdc_pool_put(pool, c);
		}
		*parts = rec.parts;
		if (rc == 0 && cerr.kind == PDC_E_TRANSIENT) {
			*err = cerr;
			rc = -1;
		}
	} else {
		*err = cerr;
	}
	pdc_record_release(&rec);
out:
	pdc_fetch_release(&ctx);
	pdc_apart_free(ctx.apart);
	pdc_http_free(ctx.http);
	pdc_polite_free(ctx.polite);
	pdc_pool_free(pool);
	return rc;
}
