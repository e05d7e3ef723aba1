#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "http.h"

#define DEFAULT_TIMEOUT		60.0
#define DEFAULT_CONNECT_TIMEOUT	10.0
#define DEFAULT_MAX_BODY	((size_t)32 * 1024 * 1024)
#define FIRST_BODY_CHUNK	((size_t)16 * 1024)

struct pdc_http {
	CURL *curl;
	size_t max_body;
	char *user_agent;
	char *ca_file;
	char errbuf[CURL_ERROR_SIZE];
};

/* One transfer's state, shared by the write and header callbacks. */
struct xfer {
	CURL *curl;
	struct pdc_response *res;
	char *buf;
	size_t len, cap, max;
	int too_big;
	int nomem;
};

/*
 * Room for the whole body at once when the answer says how long it is (a
 * body read in doubling chunks costs a copy and a large allocation each).
 */
static size_t
first_chunk(struct xfer *x)
{
	curl_off_t cl = -1;

	if (curl_easy_getinfo(x->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
	    cl > 0 && (uintmax_t)cl < (uintmax_t)x->max)
		return (size_t)cl + 1;
	return FIRST_BODY_CHUNK;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	/* x->len never exceeds x->max, so the subtraction cannot wrap */
	if (n > x->max - x->len) {
		x->too_big = 1;
		return 0;
	}
	if (x->len + n + 1 > x->cap) {
		size_t need = x->len + n + 1, ncap = x->cap ? x->cap : first_chunk(x);
		char *nbuf;

		while (ncap < need)
			ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
		/* no point reserving room the cap forbids using */
		if (ncap > x->max + 1)
			ncap = x->max + 1;
		if ((nbuf = realloc(x->buf, ncap)) == NULL) {
			x->nomem = 1;
			return 0;
		}
		x->buf = nbuf;
		x->cap = ncap;
	}
	memcpy(x->buf + x->len, data, n);
	x->len += n;
	x->buf[x->len] = '\0';
	return n;
}

/* Seconds from a Retry-After value: delta-seconds or an HTTP-date. */
static double
retry_after_seconds(const char *v, size_t n)
{
	char tmp[128];
	time_t t, now;
	size_t i;

	if (n == 0 || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	for (i = 0; i < n && isdigit((unsigned char)tmp[i]); i++)
		;
	if (i == n) {
		char *end;
		long s = strtol(tmp, &end, 10);

		/* absurd waits are the worker's to cap; keep a sane number */
		return s < 0 ? 0 : (double)s;
	}
	if ((t = curl_getdate(tmp, NULL)) == -1)
		return 0;
	now = time(NULL);
	return t > now ? (double)(t - now) : 0;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb, namelen, vlen;
	const char *colon, *v;

	/* each response in a redirect chain starts afresh: the last one counts */
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		x->res->content_type[0] = '\0';
		x->res->etag[0] = '\0';
		x->res->last_modified[0] = '\0';
		x->res->retry_after = 0;
		return n;
	}
	if ((colon = memchr(data, ':', n)) == NULL)
		return n;
	namelen = (size_t)(colon - data);
	v = colon + 1;
	vlen = n - namelen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && isspace((unsigned char)v[vlen - 1]))
		vlen--;

	if (namelen == 12 && strncasecmp(data, "Content-Type", 12) == 0) {
		if (vlen >= sizeof(x->res->content_type))
			vlen = sizeof(x->res->content_type) - 1;
		memcpy(x->res->content_type, v, vlen);
		x->res->content_type[vlen] = '\0';
	} else if (namelen == 11 && strncasecmp(data, "Retry-After", 11) == 0) {
		x->res->retry_after = retry_after_seconds(v, vlen);
	} else if (namelen == 4 && strncasecmp(data, "ETag", 4) == 0 && vlen < sizeof(x->res->etag)) {
		/* a validator too long to keep is simply not used */
		memcpy(x->res->etag, v, vlen);
		x->res->etag[vlen] = '\0';
	} else if (namelen == 13 && strncasecmp(data, "Last-Modified", 13) == 0 &&
	    vlen < sizeof(x->res->last_modified)) {
		memcpy(x->res->last_modified, v, vlen);
		x->res->last_modified[vlen] = '\0';
	}
	return n;
}

/* Seconds as libcurl's milliseconds; a day is longer than any request we make. */
static long
millis(double seconds)
{
	return seconds > 86400 ? 86400000L : (long)(seconds * 1000);
}

struct pdc_http *
pdc_http_new(const struct pdc_http_opts *opts, struct pdc_err *err)
{
	static const struct pdc_http_opts none;
	struct pdc_http *h;
	CURLcode rc = CURLE_OK;
	CURL *c;
	double timeout, ctimeout;

	if (opts == NULL)
		opts = &none;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		goto nomem;
	h->max_body = opts->max_body ? opts->max_body : DEFAULT_MAX_BODY;
	if (opts->user_agent != NULL && (h->user_agent = strdup(opts->user_agent)) == NULL)
		goto nomem;
	if (opts->ca_file != NULL && (h->ca_file = strdup(opts->ca_file)) == NULL)
		goto nomem;
	if ((h->curl = c = curl_easy_init()) == NULL)
		goto nomem;
	timeout = opts->timeout_seconds > 0 ? opts->timeout_seconds : DEFAULT_TIMEOUT;
	ctimeout = opts->connect_timeout_seconds > 0 ?
	    opts->connect_timeout_seconds : DEFAULT_CONNECT_TIMEOUT;

#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(c, opt, val); } while (0)
	/* worker threads: no SIGALRM for DNS timeouts */
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_ERRORBUFFER, h->errbuf);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	/* Manual redirects let every hop go through politeness (pdc_fetch). */
	SET(CURLOPT_FOLLOWLOCATION, opts->manual_redirects ? 0L : 1L);
	SET(CURLOPT_MAXREDIRS, 5L);
	/* statuses are the caller's to judge (pdc_http_classify) */
	SET(CURLOPT_FAILONERROR, 0L);
	SET(CURLOPT_TIMEOUT_MS, millis(timeout));
	SET(CURLOPT_CONNECTTIMEOUT_MS, millis(ctimeout));
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_TCP_KEEPIDLE, 60L);
	SET(CURLOPT_TCP_KEEPINTVL, 30L);
	/* "" offers every encoding this libcurl can decode */
	SET(CURLOPT_ACCEPT_ENCODING, "");
	/* an empty file name turns the cookie engine on without reading one */
	SET(CURLOPT_COOKIEFILE, "");
	/* refuse early when Content-Length already says too much */
	if ((uintmax_t)h->max_body <= (uintmax_t)INT64_MAX)	/* curl_off_t is 64 bits */
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->max_body);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->ca_file != NULL)
		SET(CURLOPT_CAINFO, h->ca_file);
	if (h->user_agent != NULL)
		SET(CURLOPT_USERAGENT, h->user_agent);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_HEADERFUNCTION, on_header);
#undef SET
	if (rc != CURLE_OK) {
		pdc_err_set(err, PDC_E_SYSTEM, "libcurl setup: %s", curl_easy_strerror(rc));
		pdc_http_free(h);
		return NULL;
	}
	return h;

nomem:
	pdc_http_free(h);
	pdc_err_set(err, PDC_E_SYSTEM, "http: out of memory");
	return NULL;
}

void
pdc_http_free(struct pdc_http *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	free(h->user_agent);
	free(h->ca_file);
	free(h);
}

void
pdc_http_reset_cookies(struct pdc_http *h)
{
	if (h != NULL)
		curl_easy_setopt(h->curl, CURLOPT_COOKIELIST, "ALL");
}

/* The host part of URL into BUF, or "?" when it cannot be had. */
static void
url_host(const char *url, char *buf, size_t size)
{
	CURLU *u;
	char *host = NULL;

	snprintf(buf, size, "?");
	if ((u = curl_url()) == NULL)
		return;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		snprintf(buf, size, "%s", host);
	curl_free(host);
	curl_url_cleanup(u);
}

/*
 * Turn a failed transfer into ERR.  Only the URL and libcurl's own words go
 * into the message: request headers carry the assessor token.
 */
static int
transfer_error(struct pdc_http *h, const char *url, CURLcode rc, const struct xfer *x,
    struct pdc_err *err)
{
	const char *detail = h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc);
	char host[256];

	if (err != NULL)
		err->retry_after = 0;
	if (rc == CURLE_FILESIZE_EXCEEDED || (rc == CURLE_WRITE_ERROR && x->too_big))
		return pdc_err_set(err, PDC_E_PERMANENT, "%s: body larger than %zu bytes",
		    url, x->max);
	if (rc == CURLE_OUT_OF_MEMORY || (rc == CURLE_WRITE_ERROR && x->nomem))
		return pdc_err_set(err, PDC_E_SYSTEM, "%s: out of memory", url);

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return pdc_err_set(err, PDC_E_TRANSIENT, "%s: cannot resolve host (%s)", url, detail);
	case CURLE_COULDNT_CONNECT:
		return pdc_err_set(err, PDC_E_TRANSIENT, "%s: cannot connect (%s)", url, detail);
	case CURLE_OPERATION_TIMEDOUT:
		return pdc_err_set(err, PDC_E_TRANSIENT, "%s: timed out (%s)", url, detail);
	case CURLE_PARTIAL_FILE:
		return pdc_err_set(err, PDC_E_TRANSIENT, "%s: body cut short (%s)", url, detail);
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_AGAIN:
		return pdc_err_set(err, PDC_E_TRANSIENT, "%s: connection lost (%s)", url, detail);
	case CURLE_PEER_FAILED_VERIFICATION:	/* also CURLE_SSL_CACERT */
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
		url_host(url, host, sizeof(host));
		return pdc_err_set(err, PDC_E_PERMANENT, "%s: TLS verification failed for %s: %s",
		    url, host, detail);
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_TOO_MANY_REDIRECTS:
	case CURLE_NOT_BUILT_IN:
	case CURLE_BAD_FUNCTION_ARGUMENT:
		return pdc_err_set(err, PDC_E_PERMANENT, "%s: %s", url, detail);
	default:
		/* an unknown transport failure: let the bounded retries decide */
		return pdc_err_set(err, PDC_E_TRANSIENT, "%s: %s", url, detail);
	}
}

int
pdc_http_get(struct pdc_http *h, const char *url, const char *const *headers,
    struct pdc_response *res, struct pdc_err *err)
{
	struct curl_slist *list = NULL, *l;
	struct xfer x;
	CURLcode rc;
	double t = 0;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	x.curl = h->curl;
	x.res = res;
	x.max = h->max_body;
	for (; headers != NULL && *headers != NULL; headers++) {
		if ((l = curl_slist_append(list, *headers)) == NULL) {
			curl_slist_free_all(list);
			return pdc_err_set(err, PDC_E_SYSTEM, "%s: out of memory", url);
		}
		list = l;
	}
	h->errbuf[0] = '\0';
	rc = curl_easy_setopt(h->curl, CURLOPT_URL, url);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, list);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &x);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, &x);
	if (rc == CURLE_OK)
		rc = curl_easy_perform(h->curl);
	/* the handle outlives this call: leave it no pointers into our frame */
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, (void *)NULL);
	curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, (void *)NULL);
	curl_slist_free_all(list);

	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &res->status);
	if (res->status >= 300 && res->status < 400) {
		char *loc = NULL;

		if (curl_easy_getinfo(h->curl, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc != NULL)
			strlcpy(res->redirect, loc, sizeof(res->redirect));
	}
	if (curl_easy_getinfo(h->curl, CURLINFO_TOTAL_TIME, &t) == CURLE_OK)
		res->seconds = t;
	if (x.buf == NULL && (x.buf = calloc(1, 1)) == NULL && rc == CURLE_OK) {
		x.nomem = 1;
		rc = CURLE_OUT_OF_MEMORY;
	}
	res->body = x.buf;
	res->len = x.len;
	if (rc != CURLE_OK)
		return transfer_error(h, url, rc, &x, err);
	return 0;
}

void
pdc_response_release(struct pdc_response *res)
{
	if (res == NULL)
		return;
	free(res->body);
	memset(res, 0, sizeof(*res));
}

int
pdc_http_classify(long status, double retry_after, const char *what, struct pdc_err *err)
{
	if (status >= 200 && status <= 299)
		return 0;
	if (what == NULL)
		what = "request";
	if (status == 429 || status == 408 || (status >= 500 && status <= 599)) {
		pdc_err_set(err, PDC_E_TRANSIENT, "%s: HTTP %ld", what, status);
		if (err != NULL)
			err->retry_after = retry_after > 0 ? retry_after : 0;
		return -1;
	}
	pdc_err_set(err, PDC_E_PERMANENT, "%s: HTTP %ld", what, status);
	if (err != NULL)
		err->retry_after = 0;
	return -1;
}

int
pdc_http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
pdc_http_global_cleanup(void)
{
	curl_global_cleanup();
}
