/*
 * t_status.c - pdc-status's view of the queue: totals, progress, rates
 * between two looks, the JSON document, and when waiting is over.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jobwait.h"
#include "status.h"
#include "unit.h"

/* S as pdc_status_json writes it, parsed back. */
static cJSON *
json_of(const struct pdc_summary *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	cJSON *doc;

	if (fp == NULL || pdc_status_json(fp, s) == -1)
		return NULL;
	fclose(fp);
	ok(len > 0 && buf[len - 1] == '\n' && memchr(buf, '\n', len) == buf + len - 1,
	    "json: one line");
	doc = cJSON_Parse(buf);
	free(buf);
	return doc;
}

static double
num(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	if (b != NULL)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

int
main(void)
{
	struct pdc_summary s, prev;
	long tot[PDC_JOB_NSTATES], done, all;
	double rates[PDC_MAXHOSTS];
	cJSON *doc, *h;

	memset(&s, 0, sizeof(s));
	s.count[PDC_JOB_PENDING][PDC_PRIO_CRITICAL] = 1;
	s.count[PDC_JOB_PENDING][PDC_PRIO_LOW] = 2;
	s.count[PDC_JOB_ACTIVE][PDC_PRIO_NORMAL] = 4;
	s.count[PDC_JOB_COMPLETED][PDC_PRIO_NORMAL] = 10;
	s.count[PDC_JOB_COMPLETED][PDC_PRIO_HIGH] = 5;
	s.count[PDC_JOB_FAILED][PDC_PRIO_LOW] = 3;
	s.count[PDC_JOB_CANCELLED][PDC_PRIO_HIGH] = 7;
	s.workers_alive = 2;
	s.nhosts = 2;
	strlcpy(s.hosts[0].host, "a.example", sizeof(s.hosts[0].host));
	s.hosts[0].slowdown = 0.5;
	s.hosts[0].requests = 100;
	strlcpy(s.hosts[1].host, "b.example", sizeof(s.hosts[1].host));
	s.hosts[1].paused = true;
	s.hosts[1].paused_for = 41.6;
	strlcpy(s.hosts[1].reason, "429 from the county", sizeof(s.hosts[1].reason));
	s.hosts[1].slowdown = 1;
	s.hosts[1].requests = 30;

	pdc_status_totals(&s, tot);
	is_int(tot[PDC_JOB_PENDING], 3, "totals: pending over every priority");
	is_int(tot[PDC_JOB_ACTIVE], 4, "totals: active");
	is_int(tot[PDC_JOB_COMPLETED], 15, "totals: completed");
	is_int(tot[PDC_JOB_FAILED], 3, "totals: failed");
	is_int(tot[PDC_JOB_CANCELLED], 7, "totals: cancelled");
	pdc_status_progress(&s, &done, &all);
	is_int(done, 15 + 3 + 7, "progress: completed, failed and cancelled are done");
	is_int(all, 25 + 3 + 4, "progress: all is done plus pending and active");

	ok(pdc_jobwait_queue_open(&s), "queue open while jobs are pending or active");
	ok(pdc_jobwait_queue_failed(&s), "queue failed while failed jobs are kept");
	prev = s;
	memset(prev.count, 0, sizeof(prev.count));
	prev.count[PDC_JOB_COMPLETED][PDC_PRIO_LOW] = 1;
	ok(!pdc_jobwait_queue_open(&prev), "queue settled: nothing pending or active");
	ok(!pdc_jobwait_queue_failed(&prev), "queue not failed without failed jobs");

	/* rates: per host since the last look; unknown without one, for a new host, or a count that went back */
	pdc_status_rates(NULL, &s, 2, rates);
	ok(rates[0] < 0 && rates[1] < 0, "rates: unknown on the first look");
	prev = s;
	prev.nhosts = 1;
	prev.hosts[0].requests = 90;
	pdc_status_rates(&prev, &s, 2, rates);
	ok(rates[0] == 5, "rates: 10 requests in 2 s is 5/s");
	ok(rates[1] < 0, "rates: a host new since the last look is unknown");
	prev.hosts[0].requests = 150;
	pdc_status_rates(&prev, &s, 2, rates);
	ok(rates[0] < 0, "rates: a count that went back is unknown");

	doc = json_of(&s);
	ok(doc != NULL, "json: parses");
	is_int(num(doc, "pending", "total"), 3, "json: pending.total");
	is_int(num(doc, "pending", "critical"), 1, "json: pending.critical");
	is_int(num(doc, "pending", "low"), 2, "json: pending.low");
	is_int(num(doc, "completed", "high"), 5, "json: completed.high");
	is_int(num(doc, "cancelled", "total"), 7, "json: cancelled.total");
	is_int(num(doc, "workers_alive", NULL), 2, "json: workers_alive");
	ok(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(doc, "paused")), "json: paused false");
	h = cJSON_GetObjectItemCaseSensitive(doc, "hosts");
	is_int(cJSON_GetArraySize(h), 2, "json: a host each");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(h, 0), "host")),
	    "a.example", "json: hosts in order");
	ok(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(h, 0), "reason")),
	    "json: no reason for a host not paused");
	is_int(num(cJSON_GetArrayItem(h, 0), "paused_for", NULL), 0, "json: paused_for 0 when not paused");
	ok(num(cJSON_GetArrayItem(h, 0), "rate_factor", NULL) == 0.5, "json: rate_factor");
	is_int(num(cJSON_GetArrayItem(h, 0), "slots_reserved", NULL), 100, "json: slots_reserved");
	is_int(num(cJSON_GetArrayItem(h, 1), "paused_for", NULL), 42, "json: paused_for in whole seconds");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(h, 1), "reason")),
	    "429 from the county", "json: the pause's reason");
	cJSON_Delete(doc);
	return unit_done();
}
