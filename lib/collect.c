#include <stdio.h>
#include <string.h>

#include "collect.h"
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
    struct pdc_err *err)
{
	struct pdc_err serr, first = { 0 };
	int ok = 0, bad = 0;

	pdc_record_init(rec, apn);
	pdc_http_reset_cookies(ctx->http);
	for (int i = 0; pdc_sources[i] != NULL; i++) {
		const struct pdc_source *src = pdc_sources[i];

		pdc_err_clear(&serr);
		if (src->collect(ctx, apn, rec, &serr) == 0) {
			ok++;
			continue;
		}
		/* Retry the whole job for a transient failure: a record is
		 * collected together or not at all. */
		if (serr.kind == PDC_E_TRANSIENT || serr.kind == PDC_E_AUTH || serr.kind == PDC_E_SYSTEM) {
			*err = serr;
			return -1;
		}
		if (bad++ == 0)
			first = serr;
	}
	if (ok == 0) {
		*err = first;
		return -1;
	}
	if (bad > 0)
		*err = first;
	else
		pdc_err_clear(err);
	return 0;
}

int
pdc_collect_finish(struct pdc_conn *c, const struct pdc_job *job,
    const struct pdc_record *rec, long duration_ms, struct pdc_err *err)
{
	if (pdc_db_begin(c, err) == -1)
		return -1;
	/* The fence first: it locks the job row, and a lost lease writes nothing. */
	if (pdc_queue_complete(c, job, duration_ms, rec->parts, err) == -1 ||
	    pdc_store_record(c, rec, err) == -1 ||
	    pdc_db_commit(c, err) == -1) {
		pdc_db_rollback(c);
		return -1;
	}
	return 0;
}

static struct pdc_stmt st_manual = { "pdc_manual_status",
	"INSERT INTO data_collection_status (apn, status, started_at, completed_at)"
	" VALUES ($1, 'completed', localtimestamp, localtimestamp)"
	" ON CONFLICT (apn) DO UPDATE SET status = CASE WHEN data_collection_status.status"
	"  IN ('pending', 'active') THEN data_collection_status.status ELSE 'completed' END,"
	"  completed_at = localtimestamp, error_message = NULL", 1, 0 };

int
pdc_collect_store(struct pdc_conn *c, const struct pdc_record *rec, struct pdc_err *err)
{
	const char *params[1] = { rec->apn };

	if (pdc_db_begin(c, err) == -1)
		return -1;
	if (pdc_store_record(c, rec, err) == -1 ||
	    pdc_db_do(c, &st_manual, params, err) == -1 ||
	    pdc_db_commit(c, err) == -1) {
		pdc_db_rollback(c);
		return -1;
	}
	return 0;
}
