/*
 * fetch.h - how a source asks a county host for a page.
 *
 * Every request a source makes goes through pdc_fetch, which is where
 * politeness lives (robots.txt, the installation-wide rate limit per host,
 * backing off a host that answers 429/503 or keeps failing) and where raw
 * responses are kept, so a record can be re-parsed later without asking the
 * county again (replay).  Sources never call pdc_http_get themselves.
 */
#ifndef PDC_FETCH_H
#define PDC_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "http.h"
#include "kept.h"
#include "stats.h"	/* enum pdc_retry_cause */

struct pdc_apart;
struct pdc_pool;
struct pdc_polite;

/* What a source fetches with: one per collecting thread, reused job after job. */
struct pdc_source_ctx {
	struct pdc_http *http;		/* this thread's handle */
	struct pdc_apart *apart;	/* runs the source apart beside the others (collect.h); NULL: all in turn */
	const struct pdc_config *cfg;
	int requests;			/* requests made (pdc_fetch counts them) */
	struct pdc_polite *polite;	/* politeness; NULL: none (tests, replay) */
	const char *apn;		/* the APN being collected (canonical) */
	bool keep;			/* keep responses with a key, for the store */
	bool replay;			/* answer from kept only, never the network */
	struct pdc_kept_list kept;	/* the responses kept; release with pdc_fetch_release */
	struct pdc_pool *pool;		/* where stored responses are, for conditional requests
					   and settled answers; or NULL: ask for everything */
	struct pdc_kept_list validators; /* what is stored of this APN: keys and validators,
					   no bodies (pdc_kept_load_validators) */
	int not_modified;		/* 304 answers that saved a download */
	int from_kept;			/* settled answers read from the kept responses, no request */
	volatile int *cancelled;	/* set (by another thread) when the job is cancelled; NULL: never */
	int priority;			/* the job's priority, as the queue numbers it (0 critical ...
					   3 low): the order of host slots (polite.h); a program
					   a user waits on leaves it 0 */
	double budget;			/* seconds the tries of one request may take in transfers
					   and backoff; 0: no limit */
	int retries;			/* requests asked again (pdc_fetch counts them) */
	uint64_t rng;			/* the retries' jitter (any seed; updated) */
};

/*
 * GET URL for SOURCE ("assessor", "treasurer", "recorder") with the extra
 * HEADERS (NULL-terminated, or NULL; they may hold secrets and are never
 * stored or logged).  KEY names the response within this APN's record for
 * the raw-response store ("parcel", "summary", "document/20180142724"), or
 * NULL for a response not worth keeping (a search).
 *
 * Returns 0 with RES filled on any HTTP answer (classify RES->status
 * yourself), or -1 with ERR: a transport failure (as pdc_http_get), a path
 * robots.txt disallows (PDC_E_PERMANENT, "disallowed by robots.txt"), a
 * paused host (PDC_E_TRANSIENT, retry_after set), or, when replaying, no
 * stored response for KEY (PDC_E_PERMANENT), or the job cancelled
 * (*ctx->cancelled set: PDC_E_CANCELLED, before any request is made).
 * Counts ctx->requests.
 * When ctx->validators holds an ETag or Last-Modified stored for KEY, the
 * request is conditional, and a 304 answer is served from the stored body
 * (counted in ctx->not_modified).
 * When KEY is of a kind SOURCE calls settled (source.h), ctx->pool is set
 * and ctx->validators says a sound response is stored for KEY
 * (pdc_kept_load_validators), the stored body is the answer and no request
 * is made (counted in ctx->from_kept, not in ctx->requests), provided it is
 * whole: a 2xx with a body, and for JSON one whose value ends.  Anything
 * else is asked for.  A collection without ctx->pool (pdc-worker --apn)
 * asks for everything.
 *
 * A transient failure (a 5xx or 408 the source's final() does not claim, a
 * 429, a timeout, a lost connection, a body cut short, a JSON answer that
 * ends before its value does) is asked again here, up to
 * sources.request_tries tries (one when ctx->cfg is NULL or says 0),
 * after a full-jitter exponential wait or the Retry-After when longer; each
 * try takes its own slot of the host's rate and is reported to its
 * politeness, so a host that pauses ends the tries.
 * So does ctx->budget: no try starts that could not end within it, counting
 * the request's transfers and backoff, not its waits for the host's turn
 * (a host's politeness is no fault of the request's).
 * Counted in ctx->retries.  When the tries are used up, the last answer is
 * returned as it came (the source classifies its status), or -1 with ERR
 * for a transport failure or a cut-short JSON body.
 * Release RES with pdc_response_release either way.
 */
int pdc_fetch(struct pdc_source_ctx *ctx, const char *source, const char *key, const char *url,
    const char *const *headers, struct pdc_response *res, struct pdc_err *err);

/* Free the responses and validators CTX holds. */
void pdc_fetch_release(struct pdc_source_ctx *ctx);

/*
 * Requests made, 304 answers served from the stored body, settled answers
 * read from the kept responses without a request, and retries, per source,
 * counted by every pdc_fetch in this process (replays excepted) for
 * pdc-stats.  pdc_fetch_tally_take moves up to MAX sources' counts since the
 * last take into OUT and returns how many; pdc_fetch_tally_add puts counts
 * back (a take that could not be saved).  Thread-safe.
 */
struct pdc_fetch_tally {
	char source[32];
	long requests, not_modified, from_kept;
	long retries[PDC_RETRY_NCAUSES];	/* requests asked again, by cause */
};
int pdc_fetch_tally_take(struct pdc_fetch_tally *out, int max);
void pdc_fetch_tally_add(const char *source, long requests, long not_modified, long from_kept);

/* Put back what pdc_fetch_tally_take took in T (it could not be saved). */
void pdc_fetch_tally_put(const struct pdc_fetch_tally *t);

#endif
