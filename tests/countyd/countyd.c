/*
 * countyd.c - pdc's replica of the Maricopa County assessor API, for tests
 * and benchmarks: a generated county (or recorded bodies) served over HTTP
 * with the county's shapes and quirks, injected faults, its ground truth,
 * and counts of what it served.
 *
 * One thread per connection: latency and hangs are plain sleeps in the
 * handler, and a keep-alive client keeps its thread.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "countyd.h"

#define EX_USAGE	64

enum route {
	R_PARCEL, R_PROPINFO, R_ADDRESS, R_VALUATIONS, R_RESIDENTIAL, R_OWNER,
	R_SEARCH, R_MCR, R_STR, R_OTHER, NROUTES
};

static const char *const route_names[NROUTES] = {
	"/parcel/{apn}", "/parcel/{apn}/propertyinfo", "/parcel/{apn}/address",
	"/parcel/{apn}/valuations", "/parcel/{apn}/residential-details",
	"/parcel/{apn}/owner-details", "/search/property/", "/parcel/mcr/{mcr}/",
	"/parcel/str/{str}/", "other",
};

/* The last path element of each /parcel/{apn} route; "parcel" names the file. */
static const char *const route_parts[R_OWNER + 1] = {
	"parcel", "propertyinfo", "address", "valuations", "residential-details",
	"owner-details",
};

enum slot {
	ST_200, ST_400, ST_404, ST_429, ST_500, ST_503, ST_HANG, ST_TRUNCATED,
	ST_OTHER, NSLOTS
};

static const char *const slot_names[NSLOTS] = {
	"200", "400", "404", "429", "500", "503", "hang", "truncated", "other",
};

enum fault { F_NONE, F_ERROR, F_THROTTLE, F_HANG, F_TRUNCATE };

static struct {
	struct cd_county county;
	const char *token;
	long latency_ms;
	double error_rate, throttle_rate, hang_rate, truncate_rate;
	long hang_seconds;
	int dirmode;
	struct cd_dir dir;
	struct cd_index index;
} cfg;

static atomic_ulong counts[NROUTES][NSLOTS];
static atomic_ulong total;
static atomic_long current, peak;

/* Sleeps wait on a condition so that SIGTERM ends them at once. */
static pthread_mutex_t nap_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nap_cv;
static int stopping;

/* How many times each path was asked for: the n-th request of a path draws its own fault. */
static struct {
	pthread_mutex_t mu;
	uint64_t *keys;		/* 0: empty slot */
	uint32_t *vals;
	size_t cap, used;
} seen = { PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0, 0 };

struct reply {
	unsigned status;
	const char *ctype;
	char *body;		/* malloc'd */
	size_t len;
	const char *retry_after;
};

static const char ctype_json[] = "application/json; charset=utf-8";
static const char ctype_text[] = "text/plain; charset=utf-8";

static void
usage(FILE *fp)
{
	fputs("usage: countyd [-p port] [-n parcels] [-s seed] [-t token] [--bind addr]\n"
	    "               [--latency ms] [--error-rate p] [--throttle-rate p]\n"
	    "               [--hang-rate p] [--truncate-rate p] [--hang-seconds s]\n"
	    "               [--dir dir] [--sketch-bytes n] [--pidfile file]\n", fp);
}

static void
nap(long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&nap_mu);
	while (!stopping)
		if (pthread_cond_timedwait(&nap_cv, &nap_mu, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&nap_mu);
}

/* --- replies ------------------------------------------------------------ */

static void
text_reply(struct reply *r, unsigned status, const char *ctype, const char *msg)
{
	r->status = status;
	r->ctype = ctype;
	r->body = strdup(msg);
	r->len = r->body != NULL ? strlen(msg) : 0;
}

static void
json_reply(struct reply *r, struct cd_buf *b)
{
	size_t len;
	char *p = cd_buf_detach(b, &len);

	if (p == NULL) {
		text_reply(r, 500, ctype_text, "countyd: out of memory\n");
		return;
	}
	r->status = 200;
	r->ctype = ctype_json;
	r->body = p;
	r->len = len;
}

/* A truncated body: Content-Length says LEN, the connection dies at LIMIT. */
struct cut {
	char *body;
	size_t limit;
};

static ssize_t
cut_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut *c = cls;
	size_t n;

	if (pos >= c->limit)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = c->limit - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, c->body + pos, n);
	return (ssize_t)n;
}

static void
cut_free(void *cls)
{
	struct cut *c = cls;

	free(c->body);
	free(c);
}

static enum MHD_Result
send_reply(struct MHD_Connection *conn, struct reply *r, int truncate)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->body == NULL)
		return MHD_NO;	/* out of memory: dropping the connection is all we can do */
	if (truncate) {
		struct cut *c = malloc(sizeof(*c));

		if (c == NULL) {
			free(r->body);
			return MHD_NO;
		}
		c->body = r->body;
		c->limit = r->len / 2;
		resp = MHD_create_response_from_callback(r->len, 16384, cut_read, c, cut_free);
		if (resp == NULL) {
			cut_free(c);
			return MHD_NO;
		}
	} else {
		resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
		if (resp == NULL) {
			free(r->body);
			return MHD_NO;
		}
	}
	r->body = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
	if (r->retry_after != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, r->retry_after);
	ret = MHD_queue_response(conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* --- the county's answers ------------------------------------------------ */

/* PAGE (may be NULL: page 1) into a 0-based row offset, or -1. */
static long
page_offset(const char *page)
{
	char *end;
	long v;

	if (page == NULL || *page == '\0')
		return 0;
	errno = 0;
	v = strtol(page, &end, 10);
	if (errno != 0 || end == page || *end != '\0' || v < 1 || v > 10000000L)
		return -1;
	return (v - 1) * CD_PAGE_ROWS;
}

static void
render_rows(const long *idx, long n, struct cd_buf *b)
{
	struct cd_parcel *p = NULL;
	struct cd_row row;

	if (!cfg.dirmode && n > 0 && (p = malloc(sizeof(*p))) == NULL) {
		b->oom = 1;
		return;
	}
	for (long k = 0; k < n; k++) {
		if (cfg.dirmode) {
			cd_dir_row(&cfg.dir, idx[k], &row);
		} else {
			cd_gen_parcel(&cfg.county, idx[k], p);
			cd_row_from_parcel(p, &row);
		}
		cd_render_row(&row, b);
	}
	free(p);
}

static long
lookup(const char *canon)
{
	return cfg.dirmode ? cd_dir_lookup(&cfg.dir, canon) : cd_gen_lookup(&cfg.county, canon);
}

static void
search(const char *q, const char *page, struct reply *r)
{
	static const char *const empty[] = {
		"BusinessPersonalProperty", "MobileHome", "Rental", "Subdivision", "Content",
	};
	long first = page_offset(page), idx[CD_PAGE_ROWS], n, found;
	char canon[CD_APN_MAX], key[64];
	struct cd_buf b;

	if (first < 0) {
		text_reply(r, 400, ctype_text, "Invalid page\n");
		return;
	}
	if (q == NULL)
		q = "";
	if (cd_apn_parse(q, strlen(q), canon) == 0) {
		long i = lookup(canon);

		found = i >= 0;
		if (found && first == 0)
			idx[0] = i;
	} else {
		found = cd_index_search(&cfg.index, q, first, CD_PAGE_ROWS, idx);
	}
	n = found - first;
	if (n < 0)
		n = 0;
	if (n > CD_PAGE_ROWS)
		n = CD_PAGE_ROWS;
	cd_buf_init(&b, 1024 + (size_t)n * 400);
	cd_json_open(&b, NULL, '{');
	cd_json_open(&b, "RealPropertyResults", '[');
	render_rows(idx, n, &b);
	cd_json_close(&b, ']');
	cd_json_int(&b, "TotalRealPropertyResults", found);
	for (size_t k = 0; k < sizeof(empty) / sizeof(empty[0]); k++) {
		snprintf(key, sizeof(key), "%sResults", empty[k]);
		cd_json_raw(&b, key, "[]");
		snprintf(key, sizeof(key), "Total%sResults", empty[k]);
		cd_json_int(&b, key, 0);
	}
	cd_json_close(&b, '}');
	cd_json_end(&b);
	json_reply(r, &b);
}

/* The K-th parcel (from 0) listed under MCR or STR ARG, or -1 past the end. */
static long
listed(enum route rt, const char *arg, long k)
{
	if (!cfg.dirmode) {
		if (rt == R_STR)
			return cd_gen_str_nth(&cfg.county, arg, k);
		char *end;
		long mcr;

		errno = 0;
		mcr = strtol(arg, &end, 10);
		if (errno != 0 || end == arg || *end != '\0')
			return -1;
		return cd_gen_mcr_nth(&cfg.county, mcr, k);
	}
	for (long i = 0; i < cfg.dir.n; i++) {
		const char *v = rt == R_MCR ? cfg.dir.p[i].mcr : cfg.dir.p[i].str;

		if (v != NULL && strcmp(v, arg) == 0 && k-- == 0)
			return i;
	}
	return -1;
}

static void
listing(enum route rt, const char *arg, const char *page, struct reply *r)
{
	long first = page_offset(page), idx[CD_PAGE_ROWS], n = 0;
	struct cd_buf b;

	if (first < 0) {
		text_reply(r, 400, ctype_text, "Invalid page\n");
		return;
	}
	while (n < CD_PAGE_ROWS && (idx[n] = listed(rt, arg, first + n)) >= 0)
		n++;
	cd_buf_init(&b, 256 + (size_t)n * 400);
	cd_json_open(&b, NULL, '{');
	cd_json_open(&b, "Parcels", '[');
	render_rows(idx, n, &b);
	cd_json_close(&b, ']');
	cd_json_close(&b, '}');
	cd_json_end(&b);
	json_reply(r, &b);
}

static void
parcel(enum route rt, const char *arg, struct reply *r)
{
	char canon[CD_APN_MAX];
	struct cd_parcel *p;
	struct cd_buf b;
	long i;

	if (cd_apn_parse(arg, strlen(arg), canon) == -1) {
		text_reply(r, 400, ctype_text, "Invalid parcel number\n");
		return;
	}
	if (cfg.dirmode) {
		r->body = cd_dir_read(&cfg.dir, canon, route_parts[rt], &r->len);
		if (r->body == NULL) {
			text_reply(r, 404, ctype_text, "Parcel not found\n");
			return;
		}
		r->status = 200;
		r->ctype = ctype_json;
		return;
	}
	if ((i = cd_gen_lookup(&cfg.county, canon)) < 0) {
		text_reply(r, 404, ctype_text, "Parcel not found\n");
		return;
	}
	if ((p = malloc(sizeof(*p))) == NULL) {
		text_reply(r, 500, ctype_text, "countyd: out of memory\n");
		return;
	}
	cd_gen_parcel(&cfg.county, i, p);
	cd_buf_init(&b, rt == R_PARCEL ? 12288 + cfg.county.sketch_bytes * 4 / 3 : 4096);
	switch (rt) {
	case R_PARCEL:
		cd_render_parcel(&cfg.county, p, &b);
		break;
	case R_PROPINFO:
		cd_render_propertyinfo(p, &b);
		break;
	case R_ADDRESS:
		cd_render_address(p, &b);
		break;
	case R_VALUATIONS:
		cd_render_valuations(p, &b);
		break;
	case R_RESIDENTIAL:
		cd_render_residential(p, &b);
		break;
	default:
		cd_render_owner(p, &b);
		break;
	}
	free(p);
	json_reply(r, &b);
}

/* Which route URL is, with its argument (APN, MCR or STR) in ARG. */
static enum route
classify(const char *url, char *arg, size_t argsz)
{
	const char *rest, *slash;
	size_t n;

	arg[0] = '\0';
	if (strcmp(url, "/search/property") == 0 || strcmp(url, "/search/property/") == 0)
		return R_SEARCH;
	if (strncmp(url, "/parcel/", 8) != 0)
		return R_OTHER;
	rest = url + 8;
	if (strncmp(rest, "mcr/", 4) == 0 || strncmp(rest, "str/", 4) == 0) {
		enum route rt = rest[0] == 'm' ? R_MCR : R_STR;

		n = strlen(rest + 4);
		if (n > 0 && rest[4 + n - 1] == '/')
			n--;
		if (n == 0 || n >= argsz || memchr(rest + 4, '/', n) != NULL)
			return R_OTHER;
		memcpy(arg, rest + 4, n);
		arg[n] = '\0';
		return rt;
	}
	slash = strchr(rest, '/');
	n = slash != NULL ? (size_t)(slash - rest) : strlen(rest);
	if (n == 0 || n >= argsz)
		return R_OTHER;
	memcpy(arg, rest, n);
	arg[n] = '\0';
	if (slash == NULL || slash[1] == '\0')
		return R_PARCEL;
	for (int rt = R_PROPINFO; rt <= R_OWNER; rt++) {
		size_t pl = strlen(route_parts[rt]);

		if (strncmp(slash + 1, route_parts[rt], pl) == 0 &&
		    (slash[1 + pl] == '\0' || strcmp(slash + 1 + pl, "/") == 0))
			return (enum route)rt;
	}
	return R_OTHER;
}

static enum slot
slot_of(unsigned status)
{
	switch (status) {
	case 200:
		return ST_200;
	case 400:
		return ST_400;
	case 404:
		return ST_404;
	case 429:
		return ST_429;
	case 500:
		return ST_500;
	case 503:
		return ST_503;
	default:
		return ST_OTHER;
	}
}

/* The how-many-th time (from 0) KEY was asked for, counting this one. */
static uint32_t
nth_request(uint64_t key)
{
	size_t i, mask;
	uint32_t n;

	if (key == 0)
		key = 1;
	pthread_mutex_lock(&seen.mu);
	if (seen.used * 10 >= seen.cap * 7) {
		size_t ncap = seen.cap == 0 ? 65536 : seen.cap * 2;
		uint64_t *nk = calloc(ncap, sizeof(*nk));
		uint32_t *nv = calloc(ncap, sizeof(*nv));

		if (nk == NULL || nv == NULL) {
			/* out of memory: every request is then a first request */
			free(nk);
			free(nv);
			pthread_mutex_unlock(&seen.mu);
			return 0;
		}
		for (size_t j = 0; j < seen.cap; j++) {
			if (seen.keys[j] == 0)
				continue;
			for (i = seen.keys[j] & (ncap - 1); nk[i] != 0; i = (i + 1) & (ncap - 1))
				;
			nk[i] = seen.keys[j];
			nv[i] = seen.vals[j];
		}
		free(seen.keys);
		free(seen.vals);
		seen.keys = nk;
		seen.vals = nv;
		seen.cap = ncap;
	}
	mask = seen.cap - 1;
	for (i = key & mask; seen.keys[i] != 0 && seen.keys[i] != key; i = (i + 1) & mask)
		;
	if (seen.keys[i] == 0) {
		seen.keys[i] = key;
		seen.used++;
	}
	n = seen.vals[i]++;
	pthread_mutex_unlock(&seen.mu);
	return n;
}

/*
 * The fault for this request: a function of the seed, the path and its query,
 * and how many times that exact request came before, so that a retry draws
 * afresh and a rerun with the same seed sees the same faults.
 */
static enum fault
draw_fault(const char *url, const char *q, const char *page, int *alt)
{
	uint64_t h, d;
	double u;

	*alt = 0;
	if (cfg.error_rate + cfg.throttle_rate + cfg.hang_rate + cfg.truncate_rate <= 0)
		return F_NONE;
	h = cd_hash_bytes(cfg.county.seed, url, strlen(url));
	if (q != NULL)
		h = cd_hash_bytes(h ^ 'q', q, strlen(q));
	if (page != NULL)
		h = cd_hash_bytes(h ^ 'p', page, strlen(page));
	d = cd_mix64(h ^ cd_mix64((uint64_t)nth_request(h) + 0x632be59bd9b4e019ULL));
	u = (double)(d >> 11) * 0x1.0p-53;
	*alt = (int)(d & 1);
	if ((u -= cfg.error_rate) < 0)
		return F_ERROR;
	if ((u -= cfg.throttle_rate) < 0)
		return F_THROTTLE;
	if ((u -= cfg.hang_rate) < 0)
		return F_HANG;
	if ((u -= cfg.truncate_rate) < 0)
		return F_TRUNCATE;
	return F_NONE;
}

static enum MHD_Result
county(struct MHD_Connection *conn, const char *url, int get)
{
	char arg[256], msg[128];
	enum route rt = classify(url, arg, sizeof(arg));
	enum slot slot = ST_OTHER;
	enum MHD_Result ret;
	struct reply r = { 0, NULL, NULL, 0, NULL };
	const char *auth, *q, *page;
	long now = atomic_fetch_add(&current, 1) + 1, top = atomic_load(&peak);
	enum fault f = F_NONE;
	int alt;

	while (now > top && !atomic_compare_exchange_weak(&peak, &top, now))
		;
	atomic_fetch_add(&total, 1);
	auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "AUTHORIZATION");
	if (auth == NULL || strcmp(auth, cfg.token) != 0) {
		const char *family = strncmp(url, "/parcel", 7) == 0 ? "parcel" :
		    strncmp(url, "/search", 7) == 0 ? "search" : "mapid";

		snprintf(msg, sizeof(msg), "[%s]:Unauthorized access! Please contact support.",
		    family);
		text_reply(&r, 500, "text/html", msg);
		goto send;
	}
	if (!get) {
		text_reply(&r, 404, ctype_text, "Not found\n");
		goto send;
	}
	q = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "q");
	page = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "page");
	f = draw_fault(url, rt == R_SEARCH ? q : NULL, page, &alt);
	nap(cfg.latency_ms);
	switch (f) {
	case F_ERROR:
		if (alt)
			text_reply(&r, 503, ctype_text, "Service Unavailable\n");
		else
			text_reply(&r, 500, ctype_text, "Internal Server Error\n");
		break;
	case F_THROTTLE:
		text_reply(&r, 429, ctype_text, "Too Many Requests\n");
		r.retry_after = "1";
		break;
	case F_HANG:
		nap(cfg.hang_seconds * 1000);
		slot = ST_HANG;
		ret = MHD_NO;	/* close without an answer */
		goto out;
	default:
		if (rt == R_SEARCH)
			search(q, page, &r);
		else if (rt == R_MCR || rt == R_STR)
			listing(rt, arg, page, &r);
		else if (rt == R_OTHER)
			text_reply(&r, 404, ctype_text, "Not found\n");
		else
			parcel(rt, arg, &r);
		break;
	}
send:
	slot = f == F_TRUNCATE ? ST_TRUNCATED : slot_of(r.status);
	ret = send_reply(conn, &r, f == F_TRUNCATE);
out:
	atomic_fetch_add(&counts[rt][slot], 1);
	atomic_fetch_sub(&current, 1);
	return ret;
}

/* --- /_countyd: ground truth and counts ----------------------------------- */

static void
apns(struct MHD_Connection *conn, struct reply *r)
{
	const char *lim = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "limit");
	long n = cfg.dirmode ? cfg.dir.n : cfg.county.n;
	char apn[CD_APN_MAX];
	struct cd_buf b;

	if (lim != NULL) {
		char *end;
		long v;

		errno = 0;
		v = strtol(lim, &end, 10);
		if (errno != 0 || end == lim || *end != '\0' || v < 0) {
			text_reply(r, 400, ctype_text, "Invalid limit\n");
			return;
		}
		if (v < n)
			n = v;
	}
	cd_buf_init(&b, (size_t)n * 12 + 1);
	for (long i = 0; i < n && !b.oom; i++) {
		if (cfg.dirmode)
			cd_buf_puts(&b, cfg.dir.p[i].apn);
		else {
			cd_gen_apn(&cfg.county, i, apn);
			cd_buf_puts(&b, apn);
		}
		cd_buf_putc(&b, '\n');
	}
	json_reply(r, &b);
	r->ctype = ctype_text;
}

static void
truth(const char *arg, struct reply *r)
{
	char canon[CD_APN_MAX], *body;
	struct cd_parcel *p;
	struct cd_row row;
	struct cd_buf b;
	size_t len;
	long i;

	if (cd_apn_parse(arg, strlen(arg), canon) == -1) {
		text_reply(r, 400, ctype_text, "Invalid parcel number\n");
		return;
	}
	if (cfg.dirmode) {
		if ((body = cd_dir_read(&cfg.dir, canon, "parcel", &len)) == NULL) {
			text_reply(r, 404, ctype_text, "Parcel not found\n");
			return;
		}
		r->body = cd_truth(canon, body, len, NULL);
		free(body);
	} else {
		if ((i = cd_gen_lookup(&cfg.county, canon)) < 0) {
			text_reply(r, 404, ctype_text, "Parcel not found\n");
			return;
		}
		if ((p = malloc(sizeof(*p))) == NULL) {
			text_reply(r, 500, ctype_text, "countyd: out of memory\n");
			return;
		}
		cd_gen_parcel(&cfg.county, i, p);
		cd_row_from_parcel(p, &row);
		cd_buf_init(&b, 16384);
		cd_render_parcel(&cfg.county, p, &b);
		r->body = b.oom ? NULL : cd_truth(canon, b.p, b.len, &row);
		cd_buf_release(&b);
		free(p);
	}
	if (r->body == NULL) {
		text_reply(r, 500, ctype_text, "countyd: the parcel body does not parse\n");
		return;
	}
	r->status = 200;
	r->ctype = ctype_json;
	r->len = strlen(r->body);
}

static void
stats(struct reply *r)
{
	struct cd_buf b;

	cd_buf_init(&b, 2048);
	cd_json_open(&b, NULL, '{');
	cd_json_int(&b, "total", (long)atomic_load(&total));
	cd_json_int(&b, "peak_concurrent", atomic_load(&peak));
	cd_json_int(&b, "current", atomic_load(&current));
	cd_json_open(&b, "requests", '{');
	for (int rt = 0; rt < NROUTES; rt++) {
		cd_json_open(&b, route_names[rt], '{');
		for (int s = 0; s < NSLOTS; s++) {
			unsigned long v = atomic_load(&counts[rt][s]);

			if (v > 0)
				cd_json_int(&b, slot_names[s], (long)v);
		}
		cd_json_close(&b, '}');
	}
	cd_json_close(&b, '}');
	cd_json_close(&b, '}');
	cd_json_end(&b);
	json_reply(r, &b);
}

static void
stats_reset(void)
{
	for (int rt = 0; rt < NROUTES; rt++)
		for (int s = 0; s < NSLOTS; s++)
			atomic_store(&counts[rt][s], 0);
	atomic_store(&total, 0);
	/* requests in flight still count: the peak restarts from them */
	atomic_store(&peak, atomic_load(&current));
}

static enum MHD_Result
internal(struct MHD_Connection *conn, const char *path, int get)
{
	struct reply r = { 0, NULL, NULL, 0, NULL };

	if (strcmp(path, "stats/reset") == 0) {
		stats_reset();
		stats(&r);
	} else if (!get) {
		text_reply(&r, 404, ctype_text, "Not found\n");
	} else if (strcmp(path, "apns") == 0) {
		apns(conn, &r);
	} else if (strncmp(path, "truth/", 6) == 0) {
		truth(path + 6, &r);
	} else if (strcmp(path, "stats") == 0) {
		stats(&r);
	} else {
		text_reply(&r, 404, ctype_text, "Not found\n");
	}
	return send_reply(conn, &r, 0);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **ctx)
{
	static int request_seen;
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	(void)cls;
	(void)version;
	(void)upload;

	/*
	 * Answer only once the whole request is in: a response queued at the
	 * first call (headers only) makes MHD close the connection afterwards,
	 * and pdc relies on keep-alive.  A request body is read and dropped.
	 */
	if (*ctx == NULL) {
		*ctx = &request_seen;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (strncmp(url, "/_countyd/", 10) == 0)
		return internal(conn, url + 10, get);
	return county(conn, url, get);
}

/* --- start-up ------------------------------------------------------------- */

/* Never runs: the signals stay blocked and sigwait() takes them. */
static void
on_signal(int sig)
{
	(void)sig;
}

static long
long_arg(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		errx(EX_USAGE, "%s: bad value \"%s\" (expected %ld..%ld)", opt, s, lo, hi);
	return v;
}

static double
rate_arg(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0 && v <= 1))
		errx(EX_USAGE, "%s: bad value \"%s\" (expected a probability 0..1)", opt, s);
	return v;
}

static uint64_t
seed_arg(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *s == '-')
		errx(EX_USAGE, "-s: bad seed \"%s\"", s);
	return (uint64_t)v;
}

static void
load_county(void)
{
	char errbuf[512];

	if (!cfg.dirmode) {
		if (cd_index_build(&cfg.index, &cfg.county) == -1)
			errx(1, "out of memory building the search index of %ld parcels",
			    cfg.county.n);
		return;
	}
	if (cd_dir_load(&cfg.dir, cfg.dir.path, errbuf, sizeof(errbuf)) == -1)
		errx(1, "%s", errbuf);

	const char **owners = calloc((size_t)cfg.dir.n + 1, sizeof(*owners));
	const char **addresses = calloc((size_t)cfg.dir.n + 1, sizeof(*addresses));

	if (owners == NULL || addresses == NULL)
		errx(1, "out of memory");
	for (long i = 0; i < cfg.dir.n; i++) {
		owners[i] = cfg.dir.p[i].owner;
		addresses[i] = cfg.dir.p[i].address;
	}
	if (cd_index_build_from(&cfg.index, cfg.dir.n, owners, addresses) == -1)
		errx(1, "out of memory");
	free(owners);
	free(addresses);
}

int
main(int argc, char *argv[])
{
	enum {
		O_BIND = 256, O_DIR, O_ERROR, O_HANG, O_HANGSECS, O_LATENCY,
		O_PIDFILE, O_SKETCH, O_THROTTLE, O_TRUNCATE
	};
	static const struct option longopts[] = {
		{ "bind", required_argument, NULL, O_BIND },
		{ "dir", required_argument, NULL, O_DIR },
		{ "error-rate", required_argument, NULL, O_ERROR },
		{ "hang-rate", required_argument, NULL, O_HANG },
		{ "hang-seconds", required_argument, NULL, O_HANGSECS },
		{ "help", no_argument, NULL, 'h' },
		{ "latency", required_argument, NULL, O_LATENCY },
		{ "parcels", required_argument, NULL, 'n' },
		{ "pidfile", required_argument, NULL, O_PIDFILE },
		{ "port", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "sketch-bytes", required_argument, NULL, O_SKETCH },
		{ "throttle-rate", required_argument, NULL, O_THROTTLE },
		{ "token", required_argument, NULL, 't' },
		{ "truncate-rate", required_argument, NULL, O_TRUNCATE },
		{ NULL, 0, NULL, 0 }
	};
	const char *bind_addr = "127.0.0.1", *pidfile = NULL;
	const union MHD_DaemonInfo *info;
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	pthread_condattr_t ca;
	struct sigaction sact;
	sigset_t sigs;
	long port = 8080;
	int ch, sig;

	cfg.county.n = 1000;
	cfg.county.seed = 1;
	cfg.county.sketch_bytes = 4096;
	cfg.token = "test-token";
	cfg.hang_seconds = 30;
	while ((ch = getopt_long(argc, argv, "hn:p:s:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			cfg.county.n = long_arg("-n", optarg, 0, CD_MAX_PARCELS);
			break;
		case 'p':
			port = long_arg("-p", optarg, 0, 65535);
			break;
		case 's':
			cfg.county.seed = seed_arg(optarg);
			break;
		case 't':
			cfg.token = optarg;
			break;
		case O_BIND:
			bind_addr = optarg;
			break;
		case O_DIR:
			cfg.dirmode = 1;
			cfg.dir.path = optarg;
			break;
		case O_ERROR:
			cfg.error_rate = rate_arg("--error-rate", optarg);
			break;
		case O_HANG:
			cfg.hang_rate = rate_arg("--hang-rate", optarg);
			break;
		case O_HANGSECS:
			cfg.hang_seconds = long_arg("--hang-seconds", optarg, 0, 86400);
			break;
		case O_LATENCY:
			cfg.latency_ms = long_arg("--latency", optarg, 0, 3600000);
			break;
		case O_PIDFILE:
			pidfile = optarg;
			break;
		case O_SKETCH:
			cfg.county.sketch_bytes = (size_t)long_arg("--sketch-bytes", optarg, 0,
			    64L * 1024 * 1024);
			break;
		case O_THROTTLE:
			cfg.throttle_rate = rate_arg("--throttle-rate", optarg);
			break;
		case O_TRUNCATE:
			cfg.truncate_rate = rate_arg("--truncate-rate", optarg);
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	if (cfg.error_rate + cfg.throttle_rate + cfg.hang_rate + cfg.truncate_rate > 1)
		errx(EX_USAGE, "the fault rates add up to more than 1");
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1)
		errx(EX_USAGE, "--bind: bad IPv4 address \"%s\"", bind_addr);

	/*
	 * Every thread inherits this mask, so only sigwait() below sees the
	 * signals.  A shell starts background jobs with SIGINT ignored, and an
	 * ignored signal never reaches sigwait(): catch both explicitly.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	memset(&sact, 0, sizeof(sact));
	sact.sa_handler = on_signal;
	sigemptyset(&sact.sa_mask);
	sigaction(SIGINT, &sact, NULL);
	sigaction(SIGTERM, &sact, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&nap_cv, &ca);
	pthread_condattr_destroy(&ca);

	load_county();

	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_POLL, (uint16_t)port, NULL, NULL, handle, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1024,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)300,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
	    MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1024 * 1024),
	    MHD_OPTION_END);
	if (d == NULL)
		errx(1, "cannot listen on %s:%ld", bind_addr, port);
	if ((info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) != NULL && info->port != 0)
		port = info->port;
	if (pidfile != NULL) {
		FILE *fp = fopen(pidfile, "w");

		if (fp == NULL || fprintf(fp, "%ld\n", (long)getpid()) < 0 || fclose(fp) == EOF)
			err(1, "%s", pidfile);
	}
	printf("countyd listening on %s:%ld\n", bind_addr, port);
	if (fflush(stdout) == EOF)
		err(1, "stdout");

	while (sigwait(&sigs, &sig) != 0)
		;
	pthread_mutex_lock(&nap_mu);
	stopping = 1;
	pthread_cond_broadcast(&nap_cv);
	pthread_mutex_unlock(&nap_mu);
	MHD_stop_daemon(d);

	if (pidfile != NULL)
		unlink(pidfile);
	cd_index_release(&cfg.index);
	if (cfg.dirmode)
		cd_dir_release(&cfg.dir);
	free(seen.keys);
	free(seen.vals);
	return 0;
}
