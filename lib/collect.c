#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "fetch.h"
#include "http.h"
#include "kept.h"
#include "schema.h"
#include "srcformat.h"
#include "store.h"

unsigned
pdc_collect_all_parts(void)
{
	unsigned all = 0;

	for (int i = 0; pdc_sources[i] != NULL; i++)
		all |= pdc_sources[i]->parts;
	return all;
}

/*
 * A source that needs nothing from the others (the treasurer) runs in a
 * companion thread with a handle of its own, beside the ones in turn: a job
 * takes as long as its longest chain of requests rather than all of them.
 * The companion lives as long as its collector and is handed one job at a
 * time: a thread per job cost a clone and a cold malloc cache every record.
 */
enum apart_state { APART_IDLE, APART_RUN, APART_DONE, APART_QUIT };

struct pdc_apart {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	enum apart_state state;
	struct pdc_http *http;
	const struct pdc_source *src;
	int index;		/* the source's place in pdc_sources */
	struct pdc_source_ctx ctx;
	struct pdc_record rec;
	struct pdc_err err;
	int rc;
};

static void *
run_apart(void *arg)
{
	struct pdc_apart *a = arg;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (a->state != APART_RUN && a->state != APART_QUIT)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->state == APART_QUIT)
			break;
		pthread_mutex_unlock(&a->mu);
		a->rc = a->src->collect(&a->ctx, a->ctx.apn, &a->rec, &a->err);
		pthread_mutex_lock(&a->mu);
		a->state = APART_DONE;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

struct pdc_apart *
pdc_apart_new(const struct pdc_http_opts *opts)
{
	struct pdc_apart *a;
	struct pdc_err err;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->index = -1;
	for (int i = 0; pdc_sources[i] != NULL && i < PDC_MAXSOURCES; i++)
		if (pdc_sources[i]->apart) {
			a->index = i;
			a->src = pdc_sources[i];
			break;
		}
	if (a->index < 0 || (a->http = pdc_http_new(opts, &err)) == NULL) {
		free(a);
		return NULL;
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->state = APART_IDLE;
	if (pthread_create(&a->th, NULL, run_apart, a) != 0) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		pdc_http_free(a->http);
		free(a);
		return NULL;
	}
	return a;
}

void
pdc_apart_free(struct pdc_apart *a)
{
	if (a == NULL)
		return;
	/* Only ever idle here: pdc_collect waits for the job it handed over. */
	pthread_mutex_lock(&a->mu);
	a->state = APART_QUIT;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->th, NULL);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	pdc_http_free(a->http);
	free(a);
}

/* Hand the source apart its part of CTX's job for APN; false: run it in turn. */
static bool
start_apart(struct pdc_source_ctx *ctx, const char *apn)
{
	struct pdc_apart *a = ctx->apart;

	if (a == NULL || ctx->replay)
		return false;
	a->ctx = *ctx;
	a->ctx.http = a->http;
	a->ctx.apart = NULL;
	a->ctx.kept = (struct pdc_kept_list){ 0 };
	a->ctx.requests = 0;
	a->ctx.not_modified = 0;
	a->ctx.from_kept = 0;
	pdc_http_reset_cookies(a->http);
	pdc_record_init(&a->rec, apn);
	pdc_err_clear(&a->err);
	pthread_mutex_lock(&a->mu);
	a->state = APART_RUN;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return true;
}

/*
 * Wait for the source apart and take what it got into CTX and REC (its
 * responses always, its rows when it delivered).  Returns its rc, with ERR.
 */
static int
join_apart(struct pdc_source_ctx *ctx, struct pdc_record *rec, struct pdc_err *err)
{
	struct pdc_apart *a = ctx->apart;
	int rc;

	pthread_mutex_lock(&a->mu);
	while (a->state != APART_DONE)
		pthread_cond_wait(&a->cv, &a->mu);
	a->state = APART_IDLE;
	pthread_mutex_unlock(&a->mu);
	ctx->requests += a->ctx.requests;
	ctx->not_modified += a->ctx.not_modified;
	ctx->from_kept += a->ctx.from_kept;
	rc = a->rc;
	*err = a->err;
	if (pdc_kept_adopt(&ctx->kept, &a->ctx.kept) == -1)
		rc = pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	if (rc == 0 && a->rec.nrows > 0) {
		if (rec->cap - rec->nrows < a->rec.nrows) {
			size_t n = rec->nrows + a->rec.nrows;
			struct pdc_row *nr = reallocarray(rec->rows, n, sizeof(*nr));

			if (nr == NULL) {
				rc = pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
				goto out;
			}
			rec->rows = nr;
			rec->cap = n;
		}
		memcpy(rec->rows + rec->nrows, a->rec.rows, a->rec.nrows * sizeof(*a->rec.rows));
		rec->nrows += a->rec.nrows;
		a->rec.nrows = 0;	/* the rows are REC's now */
	}
	if (rc == 0) {
		rec->parts |= a->rec.parts;
		rec->sets |= a->rec.sets;
		rec->unrecognised |= a->rec.unrecognised;
		if (pdc_record_take_partial(rec, &a->rec) == -1)
			rc = pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	}
out:
	a->ctx.validators = (struct pdc_kept_list){ 0 };	/* CTX's, not its own */
	pdc_fetch_release(&a->ctx);
	pdc_record_release(&a->rec);
	return rc;
}

int
pdc_collect(struct pdc_source_ctx *ctx, const char *apn, struct pdc_record *rec,
    struct pdc_outcome *out, struct pdc_err *err)
{
	struct pdc_outcome local;
	struct pdc_err serr[PDC_MAXSOURCES], permanent = { 0 }, transient = { 0 };
	bool beside, stop = false;
	int ok = 0, n = 0;

	if (out == NULL)
		out = &local;
	out->n = 0;
	pdc_record_init(rec, apn);
	if (ctx->http != NULL)
		pdc_http_reset_cookies(ctx->http);
	beside = start_apart(ctx, apn);
	for (int i = 0; pdc_sources[i] != NULL && i < PDC_MAXSOURCES; i++, n++) {
		const struct pdc_source *src = pdc_sources[i];
		size_t nrows = rec->nrows;
		unsigned parts = rec->parts, sets = rec->sets;

		pdc_err_clear(&serr[i]);
		if ((beside && i == ctx->apart->index) || stop)
			continue;
		if (src->collect(ctx, apn, rec, &serr[i]) == 0)
			continue;
		/* What a failing source half-wrote is not part of the record. */
		pdc_record_truncate(rec, nrows);
		rec->parts = parts;
		rec->sets = sets;
		pdc_record_unmark(rec, src->parts);
		if (serr[i].kind == PDC_OK)
			pdc_err_set(&serr[i], PDC_E_SYSTEM, "%s: failed without a reason", src->name);
		if (serr[i].kind == PDC_E_AUTH || serr[i].kind == PDC_E_SYSTEM ||
		    serr[i].kind == PDC_E_CANCELLED)
			stop = true;
	}
	if (beside)
		join_apart(ctx, rec, &serr[ctx->apart->index]);
	/* The outcome in the sources' order, as if they had run in turn. */
	for (int i = 0; i < n; i++) {
		const struct pdc_source *src = pdc_sources[i];

		/*
		 * The database going away mid-collection (politeness and stored
		 * bodies live there) says nothing about the county: the part is
		 * not lost for good, the job comes back for it.
		 */
		if (serr[i].kind == PDC_E_UNAVAILABLE)
			serr[i].kind = PDC_E_TRANSIENT;
		out->per[out->n].src = src;
		out->per[out->n].kind = serr[i].kind;
		if (serr[i].kind == PDC_OK) {
			out->per[out->n++].error[0] = '\0';
			ok++;
			continue;
		}
		strlcpy(out->per[out->n++].error, serr[i].msg, sizeof(out->per[0].error));
		if (serr[i].kind == PDC_E_AUTH || serr[i].kind == PDC_E_SYSTEM ||
		    serr[i].kind == PDC_E_CANCELLED) {
			*err = serr[i];
			return -1;
		}
		/* The other hosts' parts still come: a transient failure retries the job for the rest. */
		if (serr[i].kind == PDC_E_TRANSIENT) {
			if (transient.kind == PDC_OK || serr[i].retry_after > transient.retry_after)
				transient = serr[i];
		} else if (permanent.kind == PDC_OK) {
			permanent = serr[i];
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

/*
 * Which sources of OUT answered in a format they read, and which in none
 * they know (REC->unrecognised), for the sources' format state.  A source
 * that failed says neither.
 */
static int
note_formats(struct pdc_conn *c, const struct pdc_record *rec, const struct pdc_outcome *out,
    struct pdc_err *err)
{
	const char *read[PDC_MAXSOURCES], *unknown[PDC_MAXSOURCES];
	size_t nread = 0, nunknown = 0;

	for (int i = 0; i < out->n; i++) {
		if (out->per[i].kind != PDC_OK)
			continue;
		if (rec->unrecognised & out->per[i].src->parts)
			unknown[nunknown++] = out->per[i].src->name;
		else
			read[nread++] = out->per[i].src->name;
	}
	return pdc_srcformat_note(c, read, nread, unknown, nunknown, err);
}

int
pdc_collect_finish(struct pdc_conn *c, const struct pdc_job *job, const struct pdc_record *rec,
    const struct pdc_outcome *out, const struct pdc_source_ctx *ctx, long duration_ms,
    double retry_delay, const char *reason, struct pdc_err *err)
{
	const char *params[1] = { rec->apn };
	int rc;

	/*
	 * Two round trips whatever the record holds: BEGIN and the fence, whose
	 * answer decides; then every row, the parts, the raw responses and the
	 * COMMIT, read back together.
	 */
	if (pdc_db_pipe_begin(c, err) == -1)
		return -1;
	if (pdc_db_begin(c, err) == -1) {
		pdc_db_rollback(c);
		return -1;
	}
	/* The fence first: it locks the job row, and a lost lease writes nothing. */
	if (job != NULL)
		rc = retry_delay < 0 ? pdc_queue_complete(c, job, duration_ms, rec->parts, err) :
		    pdc_queue_retry(c, job, retry_delay, reason, err);
	else if (ctx == NULL || !ctx->replay)
		rc = pdc_db_send(c, &st_manual, params, NULL, NULL, err);
	else
		rc = 0;	/* a re-parse fetched nothing: the status row stays as it was */
	if (rc == -1 ||
	    pdc_store_record(c, rec, err) == -1 ||
	    (out != NULL && pdc_store_parts(c, rec->apn, out, rec, err) == -1) ||
	    /* a re-parse reads old pages: they say nothing of the site now */
	    (out != NULL && (ctx == NULL || !ctx->replay) && note_formats(c, rec, out, err) == -1) ||
	    (ctx != NULL && ctx->keep && !ctx->replay &&
	     pdc_kept_store(c, rec->apn, &ctx->kept, err) == -1) ||
	    pdc_db_commit(c, err) == -1 ||
	    pdc_db_pipe_end(c, err) == -1) {
		pdc_db_rollback(c);
		return -1;
	}
	return 0;
}
