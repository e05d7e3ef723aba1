#include <stdio.h>
#include <string.h>

#include "collect.h"
#include "fetch.h"
#include "schema.h"
#include "store.h"

unsigned
pdc_collect_all_parts(void)
{
	unsigned all = 0;

	for (int i = 0; pdc_sources[i] != NULL; i++)
		all |= pdc_sources[i]->parts;
	return all;
}

int
pdc_collect(struct pdc_source_ctx *ctx, const char *apn, struct pdc_record *rec,
    struct pdc_outcome *out, struct pdc_err *err)
{
	struct pdc_outcome local;
	struct pdc_err serr, permanent = { 0 }, transient = { 0 };
	int ok = 0;

	if (out == NULL)
		out = &local;
	out->n = 0;
	pdc_record_init(rec, apn);
	if (ctx->http != NULL)
		pdc_http_reset_cookies(ctx->http);
	for (int i = 0; pdc_sources[i] != NULL && i < PDC_MAXSOURCES; i++) {
		const struct pdc_source *src = pdc_sources[i];
		size_t nrows = rec->nrows;
		unsigned parts = rec->parts, sets = rec->sets;

		pdc_err_clear(&serr);
		out->per[out->n].src = src;
		if (src->collect(ctx, apn, rec, &serr) == 0) {
			out->per[out->n].kind = PDC_OK;
			out->per[out->n++].error[0] = '\0';
			ok++;
			continue;
		}
		/*
		 * The database going away mid-collection (politeness and stored
		 * bodies live there) says nothing about the county: the part is
		 * not lost for good, the job comes back for it.
		 */
		if (serr.kind == PDC_E_UNAVAILABLE)
			serr.kind = PDC_E_TRANSIENT;
		/* What a failing source half-wrote is not part of the record. */
		pdc_record_truncate(rec, nrows);
		rec->parts = parts;
		rec->sets = sets;
		out->per[out->n].kind = serr.kind;
		strlcpy(out->per[out->n++].error, serr.msg, sizeof(out->per[0].error));
		if (serr.kind == PDC_E_AUTH || serr.kind == PDC_E_SYSTEM) {
			*err = serr;
			return -1;
		}
		/* The other hosts' parts still come: a transient failure retries the job for the rest. */
		if (serr.kind == PDC_E_TRANSIENT) {
			if (transient.kind == PDC_OK || serr.retry_after > transient.retry_after)
				transient = serr;
		} else if (permanent.kind == PDC_OK) {
			permanent = serr;
		}
	}
	if (transient.kind != PDC_OK) {
		*err = transient;
		return -1;
	}
	if (ok == 0) {
		*err = permanent;
		return -1;
	}
	*err = permanent;	/* PDC_OK, or what a partial record lacks */
	return 0;
}

static struct pdc_stmt st_manual = { "pdc_manual_status",
	"INSERT INTO data_collection_status (apn, status, started_at, completed_at)"
	" VALUES ($1, 'completed', localtimestamp, localtimestamp)"
	" ON CONFLICT (apn) DO UPDATE SET status = CASE WHEN data_collection_status.status"
	"  IN ('pending', 'active') THEN data_collection_status.status ELSE 'completed' END,"
	"  completed_at = localtimestamp, error_message = NULL", 1, 0 };

int
pdc_collect_finish(struct pdc_conn *c, const struct pdc_job *job, const struct pdc_record *rec,
    const struct pdc_outcome *out, const struct pdc_source_ctx *ctx, long duration_ms,
    double retry_delay, const char *reason, struct pdc_err *err)
{
	const char *params[1] = { rec->apn };
	int rc;

	if (pdc_db_begin(c, err) == -1)
		return -1;
	/* The fence first: it locks the job row, and a lost lease writes nothing. */
	if (job != NULL)
		rc = retry_delay < 0 ? pdc_queue_complete(c, job, duration_ms, rec->parts, err) :
		    pdc_queue_retry(c, job, retry_delay, reason, err);
	else if (ctx == NULL || !ctx->replay)
		rc = pdc_db_do(c, &st_manual, params, err) == -1 ? -1 : 0;
	else
		rc = 0;	/* a re-parse fetched nothing: the status row stays as it was */
	if (rc == -1 ||
	    pdc_store_record(c, rec, err) == -1 ||
	    (out != NULL && pdc_store_parts(c, rec->apn, out, rec->parts, err) == -1) ||
	    (ctx != NULL && ctx->keep && !ctx->replay &&
	     pdc_store_responses(c, rec->apn, ctx->kept, ctx->nkept, err) == -1) ||
	    pdc_db_commit(c, err) == -1) {
		pdc_db_rollback(c);
		return -1;
	}
	return 0;
}
