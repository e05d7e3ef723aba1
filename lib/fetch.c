#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "log.h"
#include "polite.h"
#include "store.h"

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

static void
kept_release(struct pdc_kept *k)
{
	free(k->etag);
	free(k->last_modified);
	free(k->source);
	free(k->key);
	free(k->url);
	free(k->content_type);
	free(k->body);
	memset(k, 0, sizeof(*k));
}

void
pdc_fetch_release(struct pdc_source_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nkept; i++)
		kept_release(&ctx->kept[i]);
	free(ctx->kept);
	ctx->kept = NULL;
	ctx->nkept = ctx->capkept = 0;
	for (size_t i = 0; i < ctx->nvalidators; i++)
		kept_release(&ctx->validators[i]);
	free(ctx->validators);
	ctx->validators = NULL;
	ctx->nvalidators = 0;
}

int
pdc_fetch_adopt(struct pdc_source_ctx *into, struct pdc_source_ctx *from)
{
	if (from->nkept == 0)
		return 0;
	if (into->capkept - into->nkept < from->nkept) {
		size_t n = into->nkept + from->nkept;
		struct pdc_kept *nk = reallocarray(into->kept, n, sizeof(*nk));

		if (nk == NULL)
			return -1;
		into->kept = nk;
		into->capkept = n;
	}
	memcpy(into->kept + into->nkept, from->kept, from->nkept * sizeof(*from->kept));
	into->nkept += from->nkept;
	free(from->kept);
	from->kept = NULL;
	from->nkept = from->capkept = 0;
	return 0;
}

int
pdc_fetch_keep(struct pdc_source_ctx *ctx, const char *source, const char *key, const char *url,
    long status, const char *content_type, const char *etag, const char *last_modified,
    const char *body, size_t len)
{
	struct pdc_kept *k;

	/* A key fetched twice in one job (a retry within it) keeps the last answer. */
	for (size_t i = 0; i < ctx->nkept; i++)
		if (strcmp(ctx->kept[i].source, source) == 0 && strcmp(ctx->kept[i].key, key) == 0) {
			kept_release(&ctx->kept[i]);
			ctx->kept[i] = ctx->kept[--ctx->nkept];
			break;
		}
	if (ctx->nkept == ctx->capkept) {
		size_t n = ctx->capkept ? ctx->capkept * 2 : 8;
		struct pdc_kept *nk = reallocarray(ctx->kept, n, sizeof(*nk));

		if (nk == NULL)
			return -1;
		ctx->kept = nk;
		ctx->capkept = n;
	}
	k = &ctx->kept[ctx->nkept];
	memset(k, 0, sizeof(*k));
	k->status = status;
	k->len = len;
	if ((k->source = strdup(source)) == NULL || (k->key = strdup(key)) == NULL ||
	    (k->url = strdup(url)) == NULL ||
	    (content_type != NULL && (k->content_type = strdup(content_type)) == NULL) ||
	    (etag != NULL && *etag != '\0' && (k->etag = strdup(etag)) == NULL) ||
	    (last_modified != NULL && *last_modified != '\0' &&
	     (k->last_modified = strdup(last_modified)) == NULL) ||
	    (k->body = malloc(len + 1)) == NULL) {
		kept_release(k);
		return -1;
	}
	memcpy(k->body, body != NULL ? body : "", len);
	k->body[len] = '\0';
	ctx->nkept++;
	return 0;
}

/* Answer from what was stored, as if the county had. */
static int
replay(struct pdc_source_ctx *ctx, const char *source, const char *key,
    struct pdc_response *res, struct pdc_err *err)
{
	memset(res, 0, sizeof(*res));
	if (key == NULL)
		return pdc_err_set(err, PDC_E_PERMANENT, "%s: nothing stored to re-parse (a request "
		    "that is not kept)", source);
	for (size_t i = 0; i < ctx->nkept; i++) {
		const struct pdc_kept *k = &ctx->kept[i];

		if (strcmp(k->source, source) != 0 || strcmp(k->key, key) != 0)
			continue;
		if ((res->body = malloc(k->len + 1)) == NULL)
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		memcpy(res->body, k->body, k->len + 1);
		res->len = k->len;
		res->status = k->status;
		strlcpy(res->content_type, k->content_type ? k->content_type : "", sizeof(res->content_type));
		return 0;
	}
	return pdc_err_set(err, PDC_E_PERMANENT, "%s: no stored response \"%s\" to re-parse", source, key);
}

#define MAXHOPS 5
#define MAXHEADERS 16

static const struct pdc_kept *
validator(const struct pdc_source_ctx *ctx, const char *source, const char *key)
{
	if (key == NULL)
		return NULL;
	for (size_t i = 0; i < ctx->nvalidators; i++)
		if (strcmp(ctx->validators[i].source, source) == 0 &&
		    strcmp(ctx->validators[i].key, key) == 0)
			return &ctx->validators[i];
	return NULL;
}

int
pdc_fetch(struct pdc_source_ctx *ctx, const char *source, const char *key, const char *url,
    const char *const *headers, struct pdc_response *res, struct pdc_err *err)
{
	char next[sizeof(res->redirect)], inm[160], ims[96];
	const char *hdrs[MAXHEADERS + 3];
	const struct pdc_kept *v = ctx->pool != NULL ? validator(ctx, source, key) : NULL;
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
		if (pdc_polite_acquire(ctx->polite, ctx->http, source, url, err) == -1)
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
			if (pdc_store_load_body(ctx->pool, ctx->apn, source, key, res, err) == -1)
				return -1;
			if (res->etag[0] == '\0' && v->etag != NULL)
				strlcpy(res->etag, v->etag, sizeof(res->etag));
			if (res->last_modified[0] == '\0' && v->last_modified != NULL)
				strlcpy(res->last_modified, v->last_modified, sizeof(res->last_modified));
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
	    pdc_fetch_keep(ctx, source, key, url, res->status, res->content_type, res->etag,
	    res->last_modified, res->body, res->len) == -1)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	return rc;
}
