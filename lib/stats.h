/*
 * stats.h - what pdc-status and pdc-stats report, read from the database.
 */
#ifndef PDC_STATS_H
#define PDC_STATS_H

#include <stdbool.h>

#include "queue.h"	/* PDC_NPRIO */
#include "db.h"
#include "error.h"
#include "srcformat.h"

#define PDC_MAXHOSTS 16

struct pdc_hoststate {
	char host[128];
	bool paused;
	double paused_for;	/* seconds left */
	char reason[256];
	double slowdown;	/* 1: full rate */
	long requests;
};

/* A job's state, as struct pdc_summary counts them and pdc_stats_state_name names them. */
enum pdc_jobstate {
	PDC_JOB_PENDING,
	PDC_JOB_ACTIVE,
	PDC_JOB_COMPLETED,
	PDC_JOB_FAILED,
	PDC_JOB_CANCELLED
};
#define PDC_JOB_NSTATES (PDC_JOB_CANCELLED + 1)

struct pdc_summary {
	long count[PDC_JOB_NSTATES][PDC_NPRIO];	/* [enum pdc_jobstate][enum pdc_priority] */
	long workers_alive;
	bool paused;
	double next_due;	/* seconds until the next pending job is due, -1 if none */
	struct pdc_hoststate hosts[PDC_MAXHOSTS];
	int nhosts;
	struct pdc_srcformat formats[8];	/* sources whose pages pdc does not recognise */
	int nformats;
};

/* Job counts by state and priority, workers alive, the pause flag.  0 or -1. */
int pdc_stats_summary(struct pdc_conn *c, struct pdc_summary *s, struct pdc_err *err);

/* "pending", "active", "completed", "failed", "cancelled" for index I. */
const char *pdc_stats_state_name(int i);

struct pdc_stats {
	long completed, failed, retrying;	/* finished jobs kept in the table; pending with an error */
	double success_rate;			/* completed / (completed + failed), -1 if none */
	double mean_ms, p95_ms;			/* of completed jobs, -1 if none */
	long completed_last_hour;
	long cache_hits, queued;		/* enqueue's counters since the start */
	double cache_hit_rate;			/* hits / (hits + queued), -1 if none */
	long workers_alive;
	long pool_in_use, pool_size, pool_max;	/* summed over live workers, now */
	/*
	 * What every worker, live or stopped, reported (pdc_stats_report): in
	 * the last hour (the sixty minutes of pdc_stats_minutes), and in all
	 * that is kept (_total).
	 */
	long pool_peak_in_use, pool_peak_size;	/* the busiest minute, over all workers */
	double pool_wait_ms, pool_wait_ms_total;
	long db_queries, db_queries_total;
	double db_mean_ms, db_mean_ms_total;	/* per statement, -1 if none */
	long http_requests, http_requests_total;
};

/* Gather the figures.  0 or -1. */
int pdc_stats_collect(struct pdc_conn *c, struct pdc_stats *s, struct pdc_err *err);

/* Jobs completed in each of the last 60 minutes; PER[59] is the current minute.  0 or -1. */
int pdc_stats_minutes(struct pdc_conn *c, long per[60], struct pdc_err *err);

/* The job-duration histogram's upper bounds in seconds; the last is +Inf. */
#define PDC_DURATION_BUCKETS 10
extern const double pdc_duration_bounds[PDC_DURATION_BUCKETS];

struct pdc_durations {
	long le[PDC_DURATION_BUCKETS];	/* completed jobs that took at most bound i (cumulative) */
	double sum;			/* their seconds, summed */
};

/* The durations of the completed jobs kept in the table.  0 or -1. */
int pdc_stats_durations(struct pdc_conn *c, struct pdc_durations *d, struct pdc_err *err);

#define PDC_MAXSOURCESTATS 8

/*
 * Why pdc_fetch asked a county host again for the same request, as pdc-stats
 * names it: "429", "5xx" (and 408), "timeout", "truncated" (a body cut short,
 * or JSON that ends before its value does), "connection" (refused, reset,
 * nothing answered).
 */
enum pdc_retry_cause {
	PDC_RETRY_429, PDC_RETRY_5XX, PDC_RETRY_TIMEOUT, PDC_RETRY_TRUNCATED, PDC_RETRY_CONNECTION,
	PDC_RETRY_NCAUSES
};
extern const char *const pdc_retry_cause_names[PDC_RETRY_NCAUSES];

/* How one county source is doing. */
struct pdc_sourcestats {
	char source[32];
	long complete, partial, missing, failed;	/* record parts, as last collected */
	double success_rate;		/* (complete + missing) / all parts, -1 if none: a
					 * partial part is not a success */
	/* since the database was created: */
	long requests;			/* requests made to the county (retries and redirect hops too) */
	long not_modified;		/* of them, answered 304: the kept body served, no download */
	long from_kept;			/* answers read from the kept responses, no request made
					   (settled ones, source.h) */
	double hit_rate;		/* (not_modified + from_kept) / (requests + from_kept):
					   the answers that downloaded no body, -1 if none */
	long retries;			/* requests asked again, since the database was created */
	long retried_for[PDC_RETRY_NCAUSES];	/* of them, for each cause */
};

/* Up to MAX sources, by name, into OUT.  Returns how many, or -1. */
int pdc_stats_sources(struct pdc_conn *c, struct pdc_sourcestats *out, int max, struct pdc_err *err);

/*
 * Add a worker's REQUESTS, NOT_MODIFIED answers, FROM_KEPT answers and
 * RETRIES (one count per cause, enum pdc_retry_cause; NULL: none) for
 * SOURCE to the totals, all in one statement.  0 or -1.
 */
int pdc_stats_count_requests(struct pdc_conn *c, const char *source, long requests,
    long not_modified, long from_kept, const long *retries, struct pdc_err *err);

/* A figure a worker reports: NAME is a key the program fixes ([a-z0-9_:]). */
struct pdc_figure {
	const char *name;
	double value;
};

/*
 * Add to WORKER's row of the current minute in worker_figures
 * (010_worker_figures.sql): COUNTS, what happened since its last report,
 * are summed key by key; PEAKS, readings, keep the highest of the minute.
 * Any key is taken, so a new figure needs no new column.  0, or -1 with ERR
 * (nothing added).
 */
int pdc_stats_report(struct pdc_conn *c, const char *worker, const struct pdc_figure *counts,
    int ncounts, const struct pdc_figure *peaks, int npeaks, struct pdc_err *err);

/*
 * Fold the reported minutes older than KEEP_HOURS into each worker's totals
 * (its row at minute -infinity).  Returns how many minutes went, or -1.
 */
long pdc_stats_prune_figures(struct pdc_conn *c, double keep_hours, struct pdc_err *err);

/* A reported figure summed over every worker, live or stopped. */
struct pdc_figsum {
	char name[48];
	bool peak;	/* a reading: HOUR is its busiest minute (summed over workers) */
	double hour;	/* a count: its sum over the last hour */
	double total;	/* a count: its sum over all that is kept; -1 for a peak */
};

/* Up to MAX reported figures, counts then peaks, by name, into OUT.  How many, or -1. */
int pdc_stats_figures(struct pdc_conn *c, struct pdc_figsum *out, int max, struct pdc_err *err);

/* Jobs due now or active anywhere: what a worker's ETA is about.  The count, or -1. */
long pdc_stats_due(struct pdc_conn *c, struct pdc_err *err);

/* One job event, as 004_events.sql announces it on the channel pdc_events. */
struct pdc_event {
	long long id;
	char apn[32];
	char event[16];		/* queued, started, completed, retrying, failed, released, cancelled */
	int attempt;
	char error[512];	/* "" if none */
};

/* Read a pdc_events PAYLOAD into EV.  0, or -1 when it is not one. */
int pdc_event_parse(const char *payload, struct pdc_event *ev);

#endif
