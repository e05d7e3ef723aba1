/*
 * status.h - the queue's summary (stats.h) as pdc-status shows it: totals,
 * progress, request rates between two looks, and the JSON document.
 */
#ifndef PDC_STATUS_H
#define PDC_STATUS_H

#include <stdio.h>

#include "stats.h"

/* TOT[state] gets the jobs in that state over every priority. */
void pdc_status_totals(const struct pdc_summary *s, long tot[PDC_JOB_NSTATES]);

/*
 * Progress: *DONE gets the jobs finished (completed, failed, cancelled),
 * *ALL those plus the ones pending or active.
 */
void pdc_status_progress(const struct pdc_summary *s, long *done, long *all);

/*
 * Per host of CUR, requests per second since PREV, DT seconds earlier, into
 * RATES[i] for CUR->hosts[i]; -1 where not known (no PREV, a host new since,
 * or its count went back).
 */
void pdc_status_rates(const struct pdc_summary *prev, const struct pdc_summary *cur, double dt,
    double rates[PDC_MAXHOSTS]);

/*
 * Write S to FP as one line of JSON: per state an object of "total" and
 * each priority's count, then "workers_alive", "paused" and "hosts" (a list
 * of {host, paused, paused_for, reason, rate_factor, slots_reserved}).
 * Returns 0, or -1 when out of memory (nothing is written then).
 */
int pdc_status_json(FILE *fp, const struct pdc_summary *s);

#endif
