#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backoff.h"
#include "clock.h"
#include "fetch.h"
#include "log.h"
#include "polite.h"
#include "source.h"

/*
 * A request asked again waits full jitter up to RETRY_BASE * 2^(try-1),
 * at most RETRY_CAP, or the Retry-After when longer.  The job's attempts
 * wait seconds to minutes (worker.c); a request's tries wait a fraction of
 * a second, since most faults of a busy site pass at once.
 */
#define RETRY_BASE 0.25
#define RETRY_CAP 8.0
/* A try needs some time of its own within the budget: no point starting it later. */
#define RETRY_MARGIN 0.25
/* A host asking for a longer wait is better left to the job's next attempt. */
#define RETRY_WAIT_MAX 30.0

#define TALLY_MAX 8

static pthread_mutex_t tally_mu = PTHREAD_MUTEX_INITIALIZER;
static struct pdc_fetch_tally tally[TALLY_MAX];
static int ntally;

/* SOURCE's counts (tally_mu held), or NULL when there are too many sources. */
static struct pdc_fetch_tally *
tally_slot(const char *source)
{
	int i;

	for (i = 0; i < ntally; i++)
		if (strcmp(tally[i].source, source) == 0)
			return &tally[i];
	if (ntally == TALLY_MAX)
		return NULL;
	memset(&tally[ntally], 0, sizeof(tally[0]));
	strlcpy(tally[ntally].source, source, sizeof(tally[0].source));
	return &tally[ntally++];
}

void
pdc_fetch_tally_add(const char *source, long requests, long not_modified, long from_kept)
{
	struct pdc_fetch_tally *t;

	pthread_mutex_lock(&tally_mu);
	if ((t = tally_slot(source)) != NULL) {
		t->requests += requests;
		t->not_modified += not_modified;
		t->from_kept += from_kept;
	}
	pthread_mutex_unlock(&tally_mu);
}

void
pdc_fetch_tally_put(const struct pdc_fetch_tally *in)
{
	struct pdc_fetch_tally *t;

	pthread_mutex_lock(&tally_mu);
	if ((t = tally_slot(in->source)) != NULL) {
		t->requests += in->requests;
		t->not_modified += in->not_modified;
		t->from_kept += in->from_kept;
		for (int k = 0; k < PDC_RETRY_NCAUSES; k++)
			t->retries[k] += in->retries[k];
	}
	pthread_mutex_unlock(&tally_mu);
}

static void
tally_retry(const char *source, enum pdc_retry_cause cause)
{
	struct pdc_fetch_tally *t;

	pthread_mutex_lock(&tally_mu);
	if ((t = tally_slot(source)) != NULL)
		t->retries[cause]++;
	pthread_mutex_unlock(&tally_mu);
}

static bool
tally_empty(const struct pdc_fetch_tally *t)
{
	if (t->requests != 0 || t->not_modified != 0 || t->from_kept != 0)
		return false;
	for (int k = 0; k < PDC_RETRY_NCAUSES; k++)
		if (t->retries[k] != 0)
			return false;
	return true;
}

int
pdc_fetch_tally_take(struct pdc_fetch_tally *out, int max)
{
	int n = 0;

	pthread_mutex_lock(&tally_mu);
	for (int i = 0; i < ntally && n < max; i++) {
		if (tally_empty(&tally[i]))
			continue;
		out[n++] = tally[i];
		tally[i].requests = tally[i].not_modified = tally[i].from_kept = 0;
		memset(tally[i].retries, 0, sizeof(tally[i].retries));
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

/*
 * One try of a request: its slot, the GET, the report, each hop of a
 * redirect, the stored body of a 304.  *SENT tells whether the request went
 * out (a failure before it, robots.txt or a paused host, is not retried);
 * *WIRE gains the seconds its transfers took.
 */
static int
fetch_once(struct pdc_source_ctx *ctx, const char *source, const char *key, const char **urlp,
    char *next, size_t nextlen, const char *const *hdrs, int nh, const struct pdc_kept *v,
    struct pdc_response *res, bool *sent, double *wire, struct pdc_err *err)
{
	const char *url = *urlp;
	int rc, hop = 0;

	*sent = false;
	for (;;) {
		double t0;

		/* A cancelled job asks for nothing more; the worker stores none of it. */
		if (ctx->cancelled != NULL && *ctx->cancelled)
			return pdc_err_set(err, PDC_E_CANCELLED, "%s: job cancelled", source);
		if (pdc_polite_acquire(ctx->polite, ctx->http, source, url, ctx->priority, err) == -1)
			return -1;
		*sent = true;
		ctx->requests++;
		pdc_fetch_tally_add(source, 1, 0, 0);
		t0 = pdc_clock_mono();
		rc = pdc_http_get(ctx->http, url, hdrs, res, err);
		*wire += pdc_clock_mono() - t0;
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
		if (rc == 0 && res->status == 304 && v != NULL &&
		    (v->etag != NULL || v->last_modified != NULL)) {
			/* Not modified: the stored body is the answer. */
			pdc_response_release(res);
			*sent = false;	/* what fails now is our database, not the host */
			if (stored_body(ctx, source, key, v, res, err) == -1)
				return -1;
			ctx->not_modified++;
			pdc_fetch_tally_add(source, 0, 1, 0);
			break;
		}
		/* Each hop of a redirect is a request of its own, with its own slot. */
		if (rc == -1 || res->status < 300 || res->status >= 400 || res->redirect[0] == '\0')
			break;
		if (++hop > MAXHOPS) {
			pdc_response_release(res);
			*sent = false;
			return pdc_err_set(err, PDC_E_PERMANENT, "%s: more than %d redirects", url, MAXHOPS);
		}
		strlcpy(next, res->redirect, nextlen);
		pdc_response_release(res);
		url = next;
	}
	*urlp = url;
	return rc;
}

/* Does content type CT say JSON ("application/json", "text/json", "...+json")? */
static bool
is_json_type(const char *ct)
{
	for (; *ct != '\0' && *ct != ';'; ct++)
		if (tolower((unsigned char)ct[0]) == 'j' && strncasecmp(ct, "json", 4) == 0)
			return true;
	return false;
}

/*
 * Does the JSON object or array in BODY end before the body does, with
 * only blanks after it?  A body that does not start with { or [ is not
 * judged here (the source's parser says what it is).  Strings and escapes
 * are followed, nothing is built: a cut is found without parsing twice.
 */
static bool
json_whole(const char *b, size_t n)
{
	size_t i = 0;
	long depth = 0;
	bool str = false;

	while (i < n && isspace((unsigned char)b[i]))
		i++;
	if (i == n || (b[i] != '{' && b[i] != '['))
		return true;
	for (; i < n; i++) {
		char c = b[i];

		if (str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				str = false;
			continue;
		}
		if (c == '"')
			str = true;
		else if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			break;
	}
	/* what follows the value, if anything, is the parser's to judge */
	return i < n;
}

static void
nap(double seconds)
{
	struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The descriptor of source NAME, or NULL. */
static const struct pdc_source *
source_named(const char *name)
{
	for (int i = 0; pdc_sources[i] != NULL; i++)
		if (strcmp(pdc_sources[i]->name, name) == 0)
			return pdc_sources[i];
	return NULL;
}

/*
 * Is what one try got (RC, RES, ERR) worth asking again for?  Returns its
 * cause, or -1: an answer to take (any 2xx, 3xx, 4xx but 408 and 429, a
 * 5xx the source calls final), or a failure no retry mends.
 */
static int
retry_cause(const struct pdc_source *src, int rc, bool sent, const struct pdc_response *res,
    const struct pdc_err *err)
{
	if (rc == -1) {
		if (!sent || err->kind != PDC_E_TRANSIENT)
			return -1;
		/* http.c's own words for its transport failures */
		if (strstr(err->msg, "timed out") != NULL)
			return PDC_RETRY_TIMEOUT;
		if (strstr(err->msg, "cut short") != NULL)
			return PDC_RETRY_TRUNCATED;
		return PDC_RETRY_CONNECTION;
	}
	if (res->status == 429)
		return PDC_RETRY_429;
	if (res->status >= 500 || res->status == 408)
		return src != NULL && src->final != NULL && src->final(res) ? -1 : PDC_RETRY_5XX;
	if (res->status >= 200 && res->status < 300 && is_json_type(res->content_type) &&
	    !json_whole(res->body, res->len))
		return PDC_RETRY_TRUNCATED;
	return -1;
}

/* Is KEY of a kind SRC calls settled, an answer that never changes once given? */
static bool
settled(const struct pdc_source *src, const char *key)
{
	if (src == NULL || src->settled == NULL || key == NULL)
		return false;
	for (int i = 0; src->settled[i] != NULL; i++)
		if (strncmp(key, src->settled[i], strlen(src->settled[i])) == 0)
			return true;
	return false;
}

/*
 * The kept answer to a settled request, into RES: 0, or -1 when there is
 * none to trust (not loaded, not whole, the database failing), and then
 * the county is asked as if nothing were kept.
 */
static int
from_kept(struct pdc_source_ctx *ctx, const char *source, const char *key,
    const struct pdc_kept *v, struct pdc_response *res)
{
	struct pdc_err e;

	pdc_err_clear(&e);
	if (stored_body(ctx, source, key, v, res, &e) == -1) {
		pdc_log(PDC_LOG_DEBUG, "%s %s: the kept answer could not be read, asking: %s",
		    source, key, e.msg);
		return -1;
	}
	/* A body cut short, or a JSON value that does not end, is not the answer. */
	if (res->status < 200 || res->status >= 300 || res->len == 0 ||
	    (is_json_type(res->content_type) && !json_whole(res->body, res->len))) {
		pdc_log(PDC_LOG_DEBUG, "%s %s: the kept answer is not whole, asking", source, key);
		pdc_response_release(res);
		return -1;
	}
	return 0;
}

int
pdc_fetch(struct pdc_source_ctx *ctx, const char *source, const char *key, const char *url,
    const char *const *headers, struct pdc_response *res, struct pdc_err *err)
{
	char next[sizeof(res->redirect)], inm[160], ims[96];
	const char *hdrs[MAXHEADERS + 3], *at;
	const struct pdc_kept *v = ctx->pool != NULL ? pdc_kept_find(&ctx->validators, source, key) :
	    NULL;
	const struct pdc_source *src = source_named(source);
	int rc, nh = 0, cause, tries = ctx->cfg != NULL && ctx->cfg->request_tries > 0 ?
	    ctx->cfg->request_tries : 1;
	bool sent;
	double own = 0;		/* seconds of transfers and backoff of this request */
	struct pdc_err before;

	if (ctx->replay)
		return replay(ctx, source, key, res, err);
	memset(res, 0, sizeof(*res));
	/* What never changes once given is not asked for again. */
	if (v != NULL && v->sound && settled(src, key)) {
		if (ctx->cancelled != NULL && *ctx->cancelled)
			return pdc_err_set(err, PDC_E_CANCELLED, "%s: job cancelled", source);
		if (from_kept(ctx, source, key, v, res) == 0) {
			pdc_log(PDC_LOG_DEBUG, "%s %s: %zu bytes from the kept response of %s, "
			    "not asked again (settled)", source, key, res->len, url);
			ctx->from_kept++;
			pdc_fetch_tally_add(source, 0, 0, 1);
			at = url;
			rc = 0;
			goto keep;
		}
	}
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
	if (ctx->rng == 0)
		ctx->rng = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)ctx;
	/* A try that failed fills ERR; an answer in the end leaves it as it was. */
	if (err != NULL)
		before = *err;
	for (int try = 1;; try++) {
		double delay, wait_for;

		at = url;
		rc = fetch_once(ctx, source, key, &at, next, sizeof(next), hdrs, nh, v, res, &sent,
		    &own, err);
		if ((cause = retry_cause(src, rc, sent, res, err)) == -1)
			break;
		wait_for = rc == 0 ? res->retry_after : err->retry_after;
		delay = pdc_backoff_delay(try, RETRY_BASE, RETRY_CAP, wait_for, &ctx->rng);
		/* The request's own time: transfers and backoff, not its turns in the host's queue. */
		if (try >= tries || delay > RETRY_WAIT_MAX ||
		    (ctx->budget > 0 && own + delay + RETRY_MARGIN > ctx->budget)) {
			pdc_log(PDC_LOG_DEBUG, "GET %s: %s, no more tries (%d of %d made in %.2fs)",
			    at, pdc_retry_cause_names[cause], try, tries, own);
			if (rc == 0 && cause == PDC_RETRY_TRUNCATED) {
				pdc_response_release(res);
				rc = pdc_err_set(err, PDC_E_TRANSIENT, "%s: body cut short "
				    "(the JSON ends before its value does)", at);
			}
			if (rc == -1 && try > 1) {
				char tail[32];

				snprintf(tail, sizeof(tail), " (%d tries)", try);
				strlcat(err->msg, tail, sizeof(err->msg));
			}
			break;
		}
		ctx->retries++;
		tally_retry(source, (enum pdc_retry_cause)cause);
		pdc_log(PDC_LOG_DEBUG, "GET %s: %s, try %d of %d in %.2fs", at,
		    pdc_retry_cause_names[cause], try + 1, tries, delay);
		/* A failed transfer leaves what it received in RES too. */
		pdc_response_release(res);
		nap(delay);
		own += delay;
	}
	if (rc == 0 && err != NULL)
		*err = before;
keep:
	/* A redirect's target is where the body came from: keep that URL. */
	if (rc == 0 && ctx->keep && key != NULL && res->status >= 200 && res->status < 300 &&
	    pdc_kept_add(&ctx->kept, source, key, at, res->status, res->content_type, res->etag,
	    res->last_modified, res->body, res->len) == -1)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	return rc;
}
