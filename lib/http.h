/*
 * http.h - HTTP GETs with libcurl, one warm handle per thread.
 *
 * A struct pdc_http keeps its connections alive between requests (and so
 * between jobs).  Bodies are capped: a body past max_body bytes fails the
 * request instead of growing without bound.  TLS verification is always on;
 * ca_file adds a CA bundle for test servers.
 */
#ifndef PDC_HTTP_H
#define PDC_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct pdc_http_opts {
	const char *user_agent;		/* NULL: libcurl sends none */
	double timeout_seconds;		/* whole request; 0: 60 */
	double connect_timeout_seconds;	/* 0: 10 */
	size_t max_body;		/* 0: 32 MiB */
	const char *ca_file;		/* NULL: the system's */
	bool manual_redirects;		/* return 3xx with RES->redirect instead of following */
};

struct pdc_response {
	long status;			/* HTTP status, 0 before a response */
	char *body;			/* NUL-terminated, owned by the response */
	size_t len;
	char content_type[128];
	double retry_after;		/* seconds from Retry-After, 0 if none */
	double seconds;			/* time the request took */
	char redirect[1024];		/* with manual_redirects: where a 3xx points, absolute */
	char etag[128];			/* the ETag validator, "" if none */
	char last_modified[64];		/* the Last-Modified validator, "" if none */
};

struct pdc_http;

/* A new handle, or NULL with ERR.  Copies what it needs from OPTS. */
struct pdc_http *pdc_http_new(const struct pdc_http_opts *opts, struct pdc_err *err);

/* Free H and close its connections.  NULL is fine. */
void pdc_http_free(struct pdc_http *h);

/* Forget cookies (each job starts its own session). */
void pdc_http_reset_cookies(struct pdc_http *h);

/*
 * GET URL with the extra HEADERS ("Name: value" strings, NULL-terminated, or
 * NULL).  On any HTTP answer returns 0 and fills RES (RES->status may be 500:
 * see pdc_http_classify).  On a transport failure returns -1 with ERR:
 * connection refused, timeout, a body cut short (PDC_E_TRANSIENT), or a body
 * over max_body, TLS verification failure (PDC_E_PERMANENT).  URL must not
 * carry secrets: it may appear in messages.  Release RES with
 * pdc_response_release either way.
 */
int pdc_http_get(struct pdc_http *h, const char *url, const char *const *headers,
    struct pdc_response *res, struct pdc_err *err);

/* Free RES's body and zero it. */
void pdc_response_release(struct pdc_response *res);

/*
 * Decide what status STATUS means for a job: 0 for 2xx; -1 with ERR for the
 * rest: 429, 5xx and 408 are PDC_E_TRANSIENT (RETRY_AFTER copied into ERR),
 * other 4xx and anything else PDC_E_PERMANENT.  WHAT names the request in the
 * message: `assessor /parcel/165-28-054: HTTP 503`.
 */
int pdc_http_classify(long status, double retry_after, const char *what, struct pdc_err *err);

/* Process-wide libcurl setup and teardown; call from main, once each. */
int pdc_http_global_init(void);
void pdc_http_global_cleanup(void);

#endif
