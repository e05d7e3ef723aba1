/*
 * stats.h - what pdc-status and pdc-stats report, read from the database.
 */
#ifndef PDC_STATS_H
#define PDC_STATS_H

#include <stdbool.h>

#include "db.h"
#include "error.h"

#define PDC_MAXHOSTS 16

struct pdc_hoststate {
	char host[128];
	bool paused;
	double paused_for;	/* seconds left */
	char reason[256];
	double slowdown;	/* 1: full rate */
	long requests;
};

struct pdc_summary {
	long count[5][4];	/* [state][priority]: pending, active, completed, failed, cancelled */
	long workers_alive;
	bool paused;
	double next_due;	/* seconds until the next pending job is due, -1 if none */
	struct pdc_hoststate hosts[PDC_MAXHOSTS];
	int nhosts;
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
	long pool_in_use, pool_size, pool_max;	/* summed over live workers */
	double pool_wait_ms;
	long db_queries;
	double db_mean_ms;			/* per statement, -1 if none */
	long http_requests;
};

/* Gather the figures.  0 or -1. */
int pdc_stats_collect(struct pdc_conn *c, struct pdc_stats *s, struct pdc_err *err);

#endif
