/*
 * t_fetch - pdc_fetch asking again where a request met a passing fault:
 * a 5xx then a 200, a 404 taken at once, Retry-After honoured, a body cut
 * short, JSON that ends too soon, the tries and the time budget as limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "fetch.h"
#include "httpd.h"
#include "unit.h"

static struct httpd srv;
static int hits;	/* requests to the path that counts, by the server's count */

static void
handle(int c, const char *req)
{
	static const char deny[] = "[parcel]:Unauthorized access! Please contact support.";
	int n;

	pthread_mutex_lock(&srv.mu);
	n = ++hits;
	pthread_mutex_unlock(&srv.mu);
	if (strncmp(req, "GET /flaky ", 11) == 0) {
		if (n == 1)
			httpd_answer(c, "503 Service Unavailable", "", "busy", 4);
		else
			httpd_answer(c, "200 OK", "Content-Type: application/json\r\n", "{\"a\": 1}", 8);
	} else if (strncmp(req, "GET /throttled ", 15) == 0) {
		if (n == 1)
			httpd_answer(c, "429 Too Many Requests", "Retry-After: 1\r\n", "slow down", 9);
		else
			httpd_answer(c, "200 OK", "", "ok", 2);
	} else if (strncmp(req, "GET /busy ", 10) == 0) {
		httpd_answer(c, "503 Service Unavailable", "", "busy", 4);
	} else if (strncmp(req, "GET /cut ", 9) == 0) {
		/* says 100 bytes, sends 10, hangs up */
		static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";

		httpd_send(c, head, sizeof(head) - 1);
	} else if (strncmp(req, "GET /half ", 10) == 0) {
		/* whole as HTTP goes, but the JSON stops in the middle */
		httpd_answer(c, "200 OK", "Content-Type: application/json\r\n", "{\"a\": [1, \"}\", 2", 16);
	} else if (strncmp(req, "GET /parcel/x ", 14) == 0) {
		httpd_answer(c, "500 Internal Server Error", "Content-Type: text/html\r\n", deny,
		    sizeof(deny) - 1);
	} else {
		httpd_answer(c, "404 Not Found", "", "not found", 9);
	}
}

/* GET PATH as SOURCE with a fresh count; returns pdc_fetch's rc. */
static int
get(struct pdc_source_ctx *ctx, const char *source, const char *path, struct pdc_response *res,
    struct pdc_err *err)
{
	char url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", srv.port, path);
	hits = 0;
	ctx->requests = ctx->retries = 0;
	pdc_err_clear(err);
	return pdc_fetch(ctx, source, NULL, url, NULL, res, err);
}

int
main(void)
{
	struct pdc_config cfg;
	struct pdc_source_ctx ctx;
	struct pdc_response res;
	struct pdc_err err;
	struct pdc_fetch_tally t[8];
	double t0;
	int n;

	if (!ok(httpd_start(&srv, handle) == 0, "start a local server"))
		return unit_done();
	memset(&cfg, 0, sizeof(cfg));
	cfg.request_tries = 3;
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.http = pdc_http_new(&(struct pdc_http_opts){ .timeout_seconds = 5 }, &err);
	ok(ctx.http != NULL, "an http handle");
	pdc_fetch_tally_take(t, 8);

	is_int(get(&ctx, "recorder", "/flaky", &res, &err), 0, "503 then 200: fetched");
	is_int(res.status, 200, "the answer is the 200");
	is_int(ctx.requests, 2, "two requests");
	is_int(hits, 2, "the server saw two");
	is_int(ctx.retries, 1, "one retry");
	is_int(err.kind, PDC_OK, "the 503 on the way leaves no error behind");
	pdc_response_release(&res);

	is_int(get(&ctx, "recorder", "/nothing", &res, &err), 0, "404: an answer");
	is_int(res.status, 404, "the 404 comes back");
	is_int(hits, 1, "a 404 is not asked again");
	pdc_response_release(&res);

	t0 = pdc_clock_mono();
	is_int(get(&ctx, "recorder", "/throttled", &res, &err), 0, "429 then 200: fetched");
	is_int(res.status, 200, "the answer is the 200");
	is_int(hits, 2, "two requests");
	ok(pdc_clock_mono() - t0 >= 1.0, "Retry-After: 1 waited for");
	pdc_response_release(&res);

	is_int(get(&ctx, "recorder", "/busy", &res, &err), 0, "always 503: the last answer comes back");
	is_int(res.status, 503, "it is a 503, for the source to classify");
	is_int(hits, 3, "three tries, no more");
	is_int(ctx.retries, 2, "two retries");
	pdc_response_release(&res);

	is_int(get(&ctx, "recorder", "/cut", &res, &err), -1, "a body always cut short fails");
	is_int(err.kind, PDC_E_TRANSIENT, "transient");
	ok(strstr(err.msg, "body cut short") != NULL, "the message names the cause");
	ok(strstr(err.msg, "(3 tries)") != NULL, "and the tries");
	if (strstr(err.msg, "(3 tries)") == NULL)
		printf("# %s\n", err.msg);
	is_int(hits, 3, "three tries");
	pdc_response_release(&res);

	is_int(get(&ctx, "recorder", "/half", &res, &err), -1, "JSON that ends too soon fails");
	is_int(err.kind, PDC_E_TRANSIENT, "transient");
	ok(strstr(err.msg, "body cut short (the JSON ends before its value does) (3 tries)") != NULL,
	    "the message says the JSON was cut");
	is_int(hits, 3, "asked three times");
	pdc_response_release(&res);

	is_int(get(&ctx, "assessor", "/parcel/x", &res, &err), 0, "the assessor's refused token: an answer");
	is_int(res.status, 500, "its 500 comes back");
	is_int(hits, 1, "the source says it is final: not asked again");
	pdc_response_release(&res);
	is_int(get(&ctx, "recorder", "/parcel/x", &res, &err), 0, "the same 500 for another source");
	is_int(hits, 3, "is asked again");
	pdc_response_release(&res);

	ctx.budget = 0.1;
	is_int(get(&ctx, "recorder", "/busy", &res, &err), 0, "a budget of 0.1s");
	is_int(hits, 1, "no try starts that could not end within it");
	pdc_response_release(&res);
	ctx.budget = 0;

	cfg.request_tries = 1;
	is_int(get(&ctx, "recorder", "/flaky", &res, &err), 0, "request_tries 1");
	is_int(res.status, 503, "the first answer is the one");
	is_int(hits, 1, "one request");
	pdc_response_release(&res);

	/* what pdc-stats will show: retries per source and cause */
	n = pdc_fetch_tally_take(t, 8);
	is_int(n, 2, "two sources tallied");
	for (int i = 0; i < n; i++) {
		if (strcmp(t[i].source, "recorder") != 0)
			continue;
		is_int(t[i].retries[PDC_RETRY_5XX], 1 + 2 + 2, "retries for 5xx");
		is_int(t[i].retries[PDC_RETRY_429], 1, "retries for 429");
		is_int(t[i].retries[PDC_RETRY_TRUNCATED], 2 + 2, "retries for bodies cut short");
		is_int(t[i].retries[PDC_RETRY_TIMEOUT], 0, "no timeouts");
		is_int(t[i].requests, 2 + 1 + 2 + 3 + 3 + 3 + 3 + 1 + 1, "every try a request");
	}
	pdc_http_free(ctx.http);
	httpd_stop(&srv);
	return unit_done();
}
