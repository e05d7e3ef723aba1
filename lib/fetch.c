#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "log.h"
#include "polite.h"

#define TALLY_MAX 8

static pthread_mutex_t tally_mu = PTHREAD_MUTEX_INITIALIZER;
static struct pdc_fetch_tally tally[TALLY_MAX];
static int ntally;

void
pdc_fetch_tally_add(const char *source, long requests, long not_modified)
{
	int i;

	pthread_mutex_lock(&tally_mu);
	for (i = 0; i < ntally; i++)
		if (strcmp(tally[i].source, source) == 0)
			break;
	if (i == ntally && ntally < TALLY_MAX)
		strlcpy(tally[ntally++].source, source, sizeof(tally[0].source));
	if (i < ntally) {
		tally[i].requests += requests;
		tally[i].not_modified += not_modified;
	}
	pthread_mutex_unlock(&tally_mu);
}

int
pdc_fetch_tally_take(struct pdc_fetch_tally *out, int max)
{
	int n = 0;

	pthread_mutex_lock(&tally_mu);
	for (int i = 0; i < ntally && n < max; i++) {
		if (tally[i].requests == 0 && tally[i].not_modified == 0)
			continue;
		out[n++] = tally[i];
		tally[i].requests = tally[i].not_modified = 0;
	}
	pthread_mutex_unlock(&tally_mu);
	return n;
}

void
pdc_fetch_release(struct pdc_source_ctx *ctx)
{
	pdc_kept_release(&ctx->kept);
	pdc_kept_release(&ctx->validators);
}

/* Answer from what was stored, as if the county had. */
static int
replay(struct pdc_source_ctx *ctx, const char *source, const char *key,
    struct pdc_response *res, struct pdc_err *err)
{
	const struct pdc_kept *k;

	memset(res, 0, sizeof(*res));
	if (key == NULL)
		return pdc_err_set(err, PDC_E_PERMANENT, "%s: nothing stored to re-parse (a request "
		    "that is not kept)", source);
	if ((k = pdc_kept_find(&ctx->kept, source, key)) == NULL)
		return pdc_err_set(err, PDC_E_PERMANENT, "%s: no stored response \"%s\" to re-parse",
		    source, key);
	if ((res->body = malloc(k->len + 1)) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	memcpy(res->body, k->body, k->len + 1);
	res->len = k->len;
	res->status = k->status;
	strlcpy(res->content_type, k->content_type ? k->content_type : "", sizeof(res->content_type));
	return 0;
}

#define MAXHOPS 5
#define MAXHEADERS 16

/* A 304's answer: the body stored last time, into RES. */
static int
stored_body(struct pdc_source_ctx *ctx, const char *source, const char *key,
    const struct pdc_kept *v, struct pdc_response *res, struct pdc_err *err)
{
	struct pdc_kept k;

	memset(res, 0, sizeof(*res));
	if (pdc_kept_load_body(ctx->pool, ctx->apn, source, key, &k, err) == -1)
		return -1;
	res->status = k.status;
	res->body = k.body;	/* the response owns it now */
	res->len = k.len;
	k.body = NULL;
	strlcpy(res->content_type, k.content_type != NULL ? k.content_type : "",
	    sizeof(res->content_type));
	pdc_kept_clear(&k);
	if (v->etag != NULL)
		strlcpy(res->etag, v->etag, sizeof(res->etag));
	if (v->last_modified != NULL)
		strlcpy(res->last_modified, v->last_modified, sizeof(res->last_modified));
	return 0;
}

int
pdc_fetch(struct pdc_source_ctx *ctx, const char *source, const char *key, const char *url,
    const char *const *headers, struct pdc_response *res, struct pdc_err *err)
{
	char next[sizeof(res->redirect)], inm[160], ims[96];
	const char *hdrs[MAXHEADERS + 3];
	const struct pdc_kept *v = ctx->pool != NULL ? pdc_kept_find(&ctx->validators, source, key) :
	    NULL;
	int rc, hop = 0, nh = 0;

	if (ctx->replay)
		return replay(ctx, source, key, res, err);
	memset(res, 0, sizeof(*res));
	for (; headers != NULL && headers[nh] != NULL && nh < MAXHEADERS; nh++)
		hdrs[nh] = headers[nh];
	/* What we stored last time may still be current: ask, and save the download. */
	if (v != NULL && v->etag != NULL) {
		snprintf(inm, sizeof(inm), "If-None-Match: %s", v->etag);
		hdrs[nh++] = inm;
	}
	if (v != NULL && v->last_modified != NULL) {
		snprintf(ims, sizeof(ims), "If-Modified-Since: %s", v->last_modified);
		hdrs[nh++] = ims;
	}
	hdrs[nh] = NULL;
	for (;;) {
		/* A cancelled job asks for nothing more; the worker stores none of it. */
		if (ctx->cancelled != NULL && *ctx->cancelled)
			return pdc_err_set(err, PDC_E_CANCELLED, "%s: job cancelled", source);
		if (pdc_polite_acquire(ctx->polite, ctx->http, source, url, ctx->priority, err) == -1)
			return -1;
		ctx->requests++;
		pdc_fetch_tally_add(source, 1, 0);
		rc = pdc_http_get(ctx->http, url, hdrs, res, err);
		/* The headers' values stay out: one of them is the assessor token. */
		if (rc == -1)
			pdc_log(PDC_LOG_DEBUG, "GET %s (%d request headers): %s", url, nh, err->msg);
		else
			pdc_log(PDC_LOG_DEBUG, "GET %s (%d request headers): HTTP %ld, %zu bytes in %.3fs",
			    url, nh, res->status, res->len, res->seconds);
		if (rc == -1)
			pdc_polite_report(ctx->polite, url, 0, err->retry_after, err->msg);
		else
			pdc_polite_report(ctx->polite, url, res->status, res->retry_after, NULL);
		if (rc == 0 && res->status == 304 && v != NULL) {
			/* Not modified: the stored body is the answer. */
			pdc_response_release(res);
			if (stored_body(ctx, source, key, v, res, err) == -1)
				return -1;
			ctx->not_modified++;
			pdc_fetch_tally_add(source, 0, 1);
			break;
		}
		/* Each hop of a redirect is a request of its own, with its own slot. */
		if (rc == -1 || res->status < 300 || res->status >= 400 || res->redirect[0] == '\0')
			break;
		if (++hop > MAXHOPS) {
			pdc_response_release(res);
			return pdc_err_set(err, PDC_E_PERMANENT, "%s: more than %d redirects", url, MAXHOPS);
		}
		strlcpy(next, res->redirect, sizeof(next));
		pdc_response_release(res);
		url = next;
	}
	/* A redirect's target is where the body came from: keep that URL. */
	if (rc == 0 && ctx->keep && key != NULL && res->status >= 200 && res->status < 300 &&
	    pdc_kept_add(&ctx->kept, source, key, url, res->status, res->content_type, res->etag,
	    res->last_modified, res->body, res->len) == -1)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	return rc;
}
