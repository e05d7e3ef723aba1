#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "status.h"

void
pdc_status_totals(const struct pdc_summary *s, long tot[PDC_JOB_NSTATES])
{
	for (int i = 0; i < PDC_JOB_NSTATES; i++) {
		tot[i] = 0;
		for (int p = 0; p < PDC_NPRIO; p++)
			tot[i] += s->count[i][p];
	}
}

void
pdc_status_progress(const struct pdc_summary *s, long *done, long *all)
{
	long tot[PDC_JOB_NSTATES];

	pdc_status_totals(s, tot);
	*done = tot[PDC_JOB_COMPLETED] + tot[PDC_JOB_FAILED] + tot[PDC_JOB_CANCELLED];
	*all = *done + tot[PDC_JOB_PENDING] + tot[PDC_JOB_ACTIVE];
}

void
pdc_status_rates(const struct pdc_summary *prev, const struct pdc_summary *cur, double dt,
    double rates[PDC_MAXHOSTS])
{
	for (int i = 0; i < cur->nhosts; i++) {
		rates[i] = -1;
		for (int k = 0; prev != NULL && dt > 0 && k < prev->nhosts; k++)
			if (strcmp(prev->hosts[k].host, cur->hosts[i].host) == 0 &&
			    cur->hosts[i].requests >= prev->hosts[k].requests)
				rates[i] = (double)(cur->hosts[i].requests - prev->hosts[k].requests) / dt;
	}
}

static bool
add_host(cJSON *list, const struct pdc_hoststate *h)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || !cJSON_AddItemToArray(list, o))
		return (cJSON_Delete(o), false);
	/* Whole seconds left, a factor to two places: what a person reads. */
	return cJSON_AddStringToObject(o, "host", h->host) != NULL &&
	    cJSON_AddBoolToObject(o, "paused", h->paused) != NULL &&
	    cJSON_AddNumberToObject(o, "paused_for", h->paused ? rint(h->paused_for) : 0) != NULL &&
	    (h->paused ? cJSON_AddStringToObject(o, "reason", h->reason) :
	    cJSON_AddNullToObject(o, "reason")) != NULL &&
	    cJSON_AddNumberToObject(o, "rate_factor", rint(h->slowdown * 100) / 100) != NULL &&
	    cJSON_AddNumberToObject(o, "slots_reserved", (double)h->requests) != NULL;
}

static cJSON *
document(const struct pdc_summary *s)
{
	cJSON *doc = cJSON_CreateObject(), *hosts, *formats;
	long tot[PDC_JOB_NSTATES];

	if (doc == NULL)
		return NULL;
	pdc_status_totals(s, tot);
	for (int i = 0; i < PDC_JOB_NSTATES; i++) {
		cJSON *st = cJSON_AddObjectToObject(doc, pdc_stats_state_name(i));

		if (st == NULL || cJSON_AddNumberToObject(st, "total", (double)tot[i]) == NULL)
			goto fail;
		for (int p = 0; p < PDC_NPRIO; p++)
			if (cJSON_AddNumberToObject(st, pdc_priority_name(p), (double)s->count[i][p]) == NULL)
				goto fail;
	}
	if (cJSON_AddNumberToObject(doc, "workers_alive", (double)s->workers_alive) == NULL ||
	    cJSON_AddBoolToObject(doc, "paused", s->paused) == NULL ||
	    (hosts = cJSON_AddArrayToObject(doc, "hosts")) == NULL)
		goto fail;
	for (int i = 0; i < s->nhosts; i++)
		if (!add_host(hosts, &s->hosts[i]))
			goto fail;
	if ((formats = cJSON_AddArrayToObject(doc, "unrecognised")) == NULL)
		goto fail;
	for (int i = 0; i < s->nformats; i++) {
		cJSON *o = cJSON_CreateObject();

		if (o == NULL || !cJSON_AddItemToArray(formats, o)) {
			cJSON_Delete(o);
			goto fail;
		}
		if (cJSON_AddStringToObject(o, "source", s->formats[i].source) == NULL ||
		    cJSON_AddStringToObject(o, "since", s->formats[i].since) == NULL ||
		    cJSON_AddNumberToObject(o, "parcels", (double)s->formats[i].parcels) == NULL)
			goto fail;
	}
	return doc;
fail:
	cJSON_Delete(doc);
	return NULL;
}

int
pdc_status_json(FILE *fp, const struct pdc_summary *s)
{
	cJSON *doc = document(s);
	char *text = doc != NULL ? cJSON_PrintUnformatted(doc) : NULL;

	cJSON_Delete(doc);
	if (text == NULL)
		return -1;
	fputs(text, fp);
	fputc('\n', fp);
	cJSON_free(text);
	return 0;
}
