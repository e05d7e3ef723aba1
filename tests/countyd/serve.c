/*
 * serve.c - countyd's HTTP side: which host and route a request is for, the
 * politeness a host enforces (--fail-host, --rate-limit), injected faults,
 * the assessor's answers, /_countyd (truth and counts), and sending.
 *
 * One thread per connection: latency and hangs are plain sleeps in the
 * handler, and a keep-alive client keeps its thread.
 */
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "countyd.h"

struct cd_config cd_cfg;

const char *const cd_host_names[CD_NHOSTS] = { "assessor", "treasurer", "recorder" };

const char cd_ctype_json[] = "application/json; charset=utf-8";
const char cd_ctype_text[] = "text/plain; charset=utf-8";
const char cd_ctype_html[] = "text/html; charset=utf-8";

static const char *const route_names[CD_NROUTES] = {
	"/parcel/{apn}", "/parcel/{apn}/propertyinfo", "/parcel/{apn}/address",
	"/parcel/{apn}/valuations", "/parcel/{apn}/residential-details",
	"/parcel/{apn}/owner-details", "/search/property/", "/parcel/mcr/{mcr}/",
	"/parcel/str/{str}/", "/parcel/default.aspx", "/Parcel/Summary.aspx",
	"/Parcel/Summary.aspx?List=All", "/Parcel/Activities.aspx",
	"/Parcel/DetailedTaxStatement.aspx", "/PropertyTaxInformation/",
	"/documents/{recordingNumber}",
	"/documents/search", "/robots.txt", "other",
};

/* The last path element of each /parcel/{apn} route; "parcel" names the file. */
static const char *const route_parts[CD_R_OWNER + 1] = {
	"parcel", "propertyinfo", "address", "valuations", "residential-details",
	"owner-details",
};

enum slot {
	ST_200, ST_302, ST_304, ST_400, ST_404, ST_429, ST_500, ST_503, ST_HANG, ST_TRUNCATED,
	ST_MALFORMED, ST_OVERSIZE, ST_WRONGTYPE, ST_OTHER, NSLOTS
};

static const char *const slot_names[NSLOTS] = {
	"200", "302", "304", "400", "404", "429", "500", "503", "hang", "truncated", "malformed",
	"oversize", "wrongtype", "other",
};

static atomic_ulong counts[CD_NROUTES][NSLOTS];
static atomic_ulong total;
static atomic_long current, peak;

/*
 * Per host: what it answered, and how many requests arrived in each second
 * of the last WINDOW.  The rate limiter keeps its own count of the current
 * second, so that a stats reset does not let a burst through.
 */
#define WINDOW	600

struct second {
	long sec;
	unsigned long n;
};

static struct hoststat {
	pthread_mutex_t mu;
	unsigned long total, peak;
	unsigned long status[NSLOTS];
	struct second ring[WINDOW];
	struct second limiter;
} hosts[CD_NHOSTS] = {
	{ .mu = PTHREAD_MUTEX_INITIALIZER }, { .mu = PTHREAD_MUTEX_INITIALIZER },
	{ .mu = PTHREAD_MUTEX_INITIALIZER },
};

/* Sleeps wait on a condition so that SIGTERM ends them at once. */
static pthread_mutex_t nap_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nap_cv;
static pthread_once_t nap_once = PTHREAD_ONCE_INIT;
static int stopping;

/* How many times each request was made: the n-th one draws its own fault. */
static struct {
	pthread_mutex_t mu;
	uint64_t *keys;		/* 0: empty slot */
	uint32_t *vals;
	size_t cap, used;
} seen = { PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0, 0 };

static void
nap_init(void)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&nap_cv, &ca);
	pthread_condattr_destroy(&ca);
}

static void
nap(long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	pthread_once(&nap_once, nap_init);
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

void
cd_serve_stop(void)
{
	pthread_once(&nap_once, nap_init);
	pthread_mutex_lock(&nap_mu);
	stopping = 1;
	pthread_cond_broadcast(&nap_cv);
	pthread_mutex_unlock(&nap_mu);
}

void
cd_serve_release(void)
{
	free(seen.keys);
	free(seen.vals);
	seen.keys = NULL;
	seen.vals = NULL;
	seen.cap = seen.used = 0;
}

/* --- replies ------------------------------------------------------------ */

void
cd_reply_text(struct cd_reply *r, unsigned status, const char *ctype, const char *msg)
{
	r->status = status;
	r->ctype = ctype;
	r->body = strdup(msg);
	r->len = r->body != NULL ? strlen(msg) : 0;
}

void
cd_reply_buf(struct cd_reply *r, unsigned status, const char *ctype, struct cd_buf *b)
{
	size_t len;
	char *p = cd_buf_detach(b, &len);

	if (p == NULL) {
		cd_reply_text(r, 500, cd_ctype_text, "countyd: out of memory\n");
		return;
	}
	r->status = status;
	r->ctype = ctype;
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

/* An oversize body: one JSON (or HTML) text that goes on and on. */
static ssize_t
huge_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	uint64_t size = (uint64_t)cd_cfg.oversize_bytes;
	const char *head = cls;
	size_t n, hl = strlen(head);

	if (pos >= size)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = size - pos < max ? (size_t)(size - pos) : max;
	for (size_t i = 0; i < n; i++)
		buf[i] = pos + i < hl ? head[pos + i] : 'x';
	return (ssize_t)n;
}

/*
 * Answer 200 with an oversize body of CTYPE; with CHUNKED no Content-Length
 * says how much is coming, so only counting the bytes can stop a client.
 */
static enum MHD_Result
send_huge(struct MHD_Connection *conn, const char *ctype, int chunked)
{
	static const char json[] = "{\"pad\":\"", html[] = "<html><body><p>";
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_callback(chunked ? MHD_SIZE_UNKNOWN :
	    (uint64_t)cd_cfg.oversize_bytes, 65536, huge_read,
	    (void *)(ctype == cd_ctype_html ? html : json), NULL);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	ret = MHD_queue_response(conn, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
send_reply(struct MHD_Connection *conn, struct cd_reply *r, int truncate)
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
	if (r->location != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
	if (r->cookie[0] != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->cookie);
	if (r->etag[0] != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
	ret = MHD_queue_response(conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* --- the assessor's answers ------------------------------------------------ */

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

	if (!cd_cfg.dirmode && n > 0 && (p = malloc(sizeof(*p))) == NULL) {
		b->oom = 1;
		return;
	}
	for (long k = 0; k < n; k++) {
		if (cd_cfg.dirmode) {
			cd_dir_row(&cd_cfg.dir, idx[k], &row);
		} else {
			cd_gen_parcel(&cd_cfg.county, idx[k], p);
			cd_row_from_parcel(p, &row);
		}
		cd_render_row(&row, b);
	}
	free(p);
}

static void
search(const char *q, const char *page, struct cd_reply *r)
{
	static const char *const empty[] = {
		"BusinessPersonalProperty", "MobileHome", "Rental", "Subdivision", "Content",
	};
	long first = page_offset(page), idx[CD_PAGE_ROWS], n, found;
	char canon[CD_APN_MAX], key[64];
	struct cd_buf b;

	if (first < 0) {
		cd_reply_text(r, 400, cd_ctype_text, "Invalid page\n");
		return;
	}
	if (q == NULL)
		q = "";
	if (cd_apn_parse(q, strlen(q), canon) == 0) {
		long i = cd_lookup(canon);

		found = i >= 0;
		if (found && first == 0)
			idx[0] = i;
	} else {
		found = cd_index_search(&cd_cfg.index, q, first, CD_PAGE_ROWS, idx);
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
	cd_reply_buf(r, 200, cd_ctype_json, &b);
}

/* The K-th parcel (from 0) listed under MCR or STR ARG, or -1 past the end. */
static long
listed(enum cd_route rt, const char *arg, long k)
{
	if (!cd_cfg.dirmode) {
		if (rt == CD_R_STR)
			return cd_gen_str_nth(&cd_cfg.county, arg, k);
		char *end;
		long mcr;

		errno = 0;
		mcr = strtol(arg, &end, 10);
		if (errno != 0 || end == arg || *end != '\0')
			return -1;
		return cd_gen_mcr_nth(&cd_cfg.county, mcr, k);
	}
	for (long i = 0; i < cd_cfg.dir.n; i++) {
		const char *v = rt == CD_R_MCR ? cd_cfg.dir.p[i].mcr : cd_cfg.dir.p[i].str;

		if (v != NULL && strcmp(v, arg) == 0 && k-- == 0)
			return i;
	}
	return -1;
}

static void
listing(enum cd_route rt, const char *arg, const char *page, struct cd_reply *r)
{
	long first = page_offset(page), idx[CD_PAGE_ROWS], n = 0;
	struct cd_buf b;

	if (first < 0) {
		cd_reply_text(r, 400, cd_ctype_text, "Invalid page\n");
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
	cd_reply_buf(r, 200, cd_ctype_json, &b);
}

static void
parcel(enum cd_route rt, const char *arg, struct cd_reply *r)
{
	char canon[CD_APN_MAX];
	struct cd_parcel *p;
	struct cd_buf b;
	long i;

	if (cd_apn_parse(arg, strlen(arg), canon) == -1) {
		cd_reply_text(r, 400, cd_ctype_text, "Invalid parcel number\n");
		return;
	}
	if (cd_cfg.dirmode) {
		r->body = cd_dir_read(&cd_cfg.dir, canon, route_parts[rt], &r->len);
		if (r->body == NULL) {
			cd_reply_text(r, 404, cd_ctype_text, "Parcel not found\n");
			return;
		}
		r->status = 200;
		r->ctype = cd_ctype_json;
		return;
	}
	if ((i = cd_gen_lookup(&cd_cfg.county, canon)) < 0) {
		cd_reply_text(r, 404, cd_ctype_text, "Parcel not found\n");
		return;
	}
	if ((p = malloc(sizeof(*p))) == NULL) {
		cd_reply_text(r, 500, cd_ctype_text, "countyd: out of memory\n");
		return;
	}
	cd_gen_parcel(&cd_cfg.county, i, p);
	cd_buf_init(&b, rt == CD_R_PARCEL ? 12288 + cd_cfg.county.sketch_bytes * 4 / 3 : 4096);
	switch (rt) {
	case CD_R_PARCEL:
		cd_render_parcel(&cd_cfg.county, p, &b);
		break;
	case CD_R_PROPINFO:
		cd_render_propertyinfo(p, &b);
		break;
	case CD_R_ADDRESS:
		cd_render_address(p, &b);
		break;
	case CD_R_VALUATIONS:
		cd_render_valuations(p, &b);
		break;
	case CD_R_RESIDENTIAL:
		cd_render_residential(p, &b);
		break;
	default:
		cd_render_owner(p, &b);
		break;
	}
	free(p);
	cd_reply_buf(r, 200, cd_ctype_json, &b);
}

/* A body that is not JSON: a CDN's error page, or the JSON cut in half. */
static void
assessor_malformed(struct cd_reply *r, unsigned variant)
{
	static const char page[] = "<!DOCTYPE html>\r\n<html><head><title>Access Denied</title>"
	    "</head><body><h1>Access Denied</h1><p>Reference #18.6f2d3b17.1700000000.1a2b3c4d"
	    "</p></body></html>\r\n";

	if ((variant & 1) == 0 && r->len > 1) {
		r->len /= 2;
		r->body[r->len] = '\0';
		return;
	}
	free(r->body);
	cd_reply_text(r, 200, cd_ctype_json, page);
}

/*
 * Well-formed JSON whose values have the wrong types: a number for the
 * valuations' list, a string for the owner's object, an object for the lot
 * size, a list for the MCR (VARIANT picks which).
 * A body that is not a JSON object stays as it is.
 */
static void
assessor_wrongtype(struct cd_reply *r, unsigned variant)
{
	static const char *const keys[] = { "Valuations", "Owner", "LotSize", "MCR" };
	const char *key = keys[variant % 4];
	cJSON *root = cJSON_ParseWithLength(r->body, r->len), *bad;
	char *out;

	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return;
	}
	switch (variant % 4) {
	case 0:  bad = cJSON_CreateNumber(6); break;
	case 1:  bad = cJSON_CreateString("SMITH JOHN"); break;
	case 2:  bad = cJSON_CreateObject(); break;
	default: bad = cJSON_CreateStringArray((const char *const[]){ "1001" }, 1); break;
	}
	if (bad == NULL || (cJSON_HasObjectItem(root, key) ?
	    !cJSON_ReplaceItemInObjectCaseSensitive(root, key, bad) :
	    !cJSON_AddItemToObject(root, key, bad))) {
		cJSON_Delete(bad);
		cJSON_Delete(root);
		return;
	}
	if ((out = cJSON_PrintUnformatted(root)) != NULL) {
		free(r->body);
		r->body = out;
		r->len = strlen(out);
	}
	cJSON_Delete(root);
}

/*
 * The treasurer's HTML with a word where money belongs: the first amount on
 * the page ("$1,234.56") reads "$N/A".  A page without money stays as it is.
 */
static void
treasurer_wrongtype(struct cd_reply *r)
{
	char *p = memchr(r->body, '$', r->len), *end, *nb;
	size_t head, tail;

	if (p == NULL)
		return;
	for (end = p + 1; end < r->body + r->len && (isdigit((unsigned char)*end) ||
	    *end == ',' || *end == '.'); end++)
		;
	head = (size_t)(p + 1 - r->body);
	tail = r->len - (size_t)(end - r->body);
	if ((nb = malloc(head + 3 + tail + 1)) == NULL)
		return;
	memcpy(nb, r->body, head);
	memcpy(nb + head, "N/A", 3);
	memcpy(nb + head + 3, end, tail);
	nb[head + 3 + tail] = '\0';
	free(r->body);
	r->body = nb;
	r->len = head + 3 + tail;
}

/* Which assessor route URL is, with its argument (APN, MCR or STR) in ARG. */
static enum cd_route
assessor_route(const char *url, char *arg, size_t argsz)
{
	const char *rest, *slash;
	size_t n;

	if (strcmp(url, "/search/property") == 0 || strcmp(url, "/search/property/") == 0)
		return CD_R_SEARCH;
	if (strncmp(url, "/parcel/", 8) != 0)
		return CD_R_OTHER;
	rest = url + 8;
	if (strncmp(rest, "mcr/", 4) == 0 || strncmp(rest, "str/", 4) == 0) {
		enum cd_route rt = rest[0] == 'm' ? CD_R_MCR : CD_R_STR;

		n = strlen(rest + 4);
		if (n > 0 && rest[4 + n - 1] == '/')
			n--;
		if (n == 0 || n >= argsz || memchr(rest + 4, '/', n) != NULL)
			return CD_R_OTHER;
		memcpy(arg, rest + 4, n);
		arg[n] = '\0';
		return rt;
	}
	slash = strchr(rest, '/');
	n = slash != NULL ? (size_t)(slash - rest) : strlen(rest);
	if (n == 0 || n >= argsz)
		return CD_R_OTHER;
	memcpy(arg, rest, n);
	arg[n] = '\0';
	if (slash == NULL || slash[1] == '\0')
		return CD_R_PARCEL;
	for (int rt = CD_R_PROPINFO; rt <= CD_R_OWNER; rt++) {
		size_t pl = strlen(route_parts[rt]);

		if (strncmp(slash + 1, route_parts[rt], pl) == 0 &&
		    (slash[1 + pl] == '\0' || strcmp(slash + 1 + pl, "/") == 0))
			return (enum cd_route)rt;
	}
	return CD_R_OTHER;
}

/* Which route URL is on host H.  The treasurer's paths ignore case, as IIS does. */
static enum cd_route
route_of(enum cd_host h, const char *url, const char *list, char *arg, size_t argsz)
{
	arg[0] = '\0';
	if (strcmp(url, "/robots.txt") == 0)
		return CD_R_ROBOTS;
	if (h == CD_ASSESSOR)
		return assessor_route(url, arg, argsz);
	if (h == CD_TREASURER) {
		if (strcasecmp(url, "/parcel/default.aspx") == 0)
			return CD_R_T_ENTRY;
		if (strcasecmp(url, "/parcel/summary.aspx") == 0)
			return list != NULL && strcasecmp(list, "all") == 0 ? CD_R_T_SUMMARY_ALL :
			    CD_R_T_SUMMARY;
		if (strcasecmp(url, "/parcel/activities.aspx") == 0)
			return CD_R_T_ACTIVITIES;
		if (strcasecmp(url, "/parcel/detailedtaxstatement.aspx") == 0)
			return CD_R_T_STATEMENT;
		if (strcasecmp(url, "/propertytaxinformation/") == 0 ||
		    strcasecmp(url, "/propertytaxinformation") == 0)
			return CD_R_T_PORTAL;
		return CD_R_OTHER;
	}
	if (strcmp(url, "/documents/search") == 0 || strcmp(url, "/documents/search/") == 0)
		return CD_R_DOCSEARCH;
	if (strncmp(url, "/documents/", 11) == 0) {
		size_t n = strlen(url + 11);

		if (n > 0 && url[11 + n - 1] == '/')
			n--;
		if (n == 0 || n >= argsz || memchr(url + 11, '/', n) != NULL)
			return CD_R_OTHER;
		memcpy(arg, url + 11, n);
		arg[n] = '\0';
		return CD_R_DOCUMENT;
	}
	return CD_R_OTHER;
}

static enum slot
slot_of(unsigned status)
{
	switch (status) {
	case 200:
		return ST_200;
	case 302:
		return ST_302;
	case 304:
		return ST_304;
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

/* --- politeness and faults ------------------------------------------------- */

/*
 * Count a request arriving at host H; returns 1 when it is one more than
 * --rate-limit allows in the current second.
 */
static int
arrive(enum cd_host h)
{
	struct hoststat *s = &hosts[h];
	struct timespec ts;
	struct second *sl;
	int over = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_mutex_lock(&s->mu);
	s->total++;
	sl = &s->ring[ts.tv_sec % WINDOW];
	if (sl->sec != ts.tv_sec) {
		sl->sec = ts.tv_sec;
		sl->n = 0;
	}
	if (++sl->n > s->peak)
		s->peak = sl->n;
	if (cd_cfg.rate_limit[h] > 0) {
		if (s->limiter.sec != ts.tv_sec) {
			s->limiter.sec = ts.tv_sec;
			s->limiter.n = 0;
		}
		over = ++s->limiter.n > (unsigned long)cd_cfg.rate_limit[h];
	}
	pthread_mutex_unlock(&s->mu);
	return over;
}

static void
depart(enum cd_host h, enum slot st)
{
	pthread_mutex_lock(&hosts[h].mu);
	hosts[h].status[st]++;
	pthread_mutex_unlock(&hosts[h].mu);
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
 * The fault for a request of host H whose identity hashes to KEY: a function
 * of the seed, the request, and how many times that exact request came
 * before, so that a retry draws afresh and a rerun with the same seed sees
 * the same faults.  ALT and VARIANT pick among a fault's forms.
 */
static enum cd_fault
draw(enum cd_host h, uint64_t key, int *alt, unsigned *variant)
{
	const double *rate = cd_cfg.rate[h];
	double sum = 0, u;
	uint64_t d;

	*alt = 0;
	*variant = 0;
	for (int k = 0; k < CD_NFAULTS; k++)
		sum += rate[k];
	if (sum <= 0)
		return CD_F_NONE;
	d = cd_mix64(key ^ cd_mix64((uint64_t)nth_request(key) + 0x632be59bd9b4e019ULL));
	u = (double)(d >> 11) * 0x1.0p-53;
	*alt = (int)(d & 1);
	*variant = (unsigned)(d >> 1) & 7;
	for (int k = 0; k < CD_NFAULTS; k++)
		if ((u -= rate[k]) < 0)
			return (enum cd_fault)k;
	return CD_F_NONE;
}

static enum MHD_Result
hash_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	uint64_t *h = cls;

	(void)kind;
	*h = cd_hash_bytes(*h ^ 'k', key, strlen(key));
	if (value != NULL)
		*h = cd_hash_bytes(*h ^ 'v', value, strlen(value));
	return MHD_YES;
}

/* What identifies a request for its fault draw. */
static uint64_t
request_key(enum cd_host h, struct MHD_Connection *conn, const char *url, enum cd_route rt,
    long session)
{
	const char *q, *page;
	uint64_t k;

	if (h == CD_ASSESSOR) {
		/* as before the other hosts came: the path, and q and page */
		q = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "q");
		page = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "page");
		k = cd_hash_bytes(cd_cfg.county.seed, url, strlen(url));
		if (q != NULL && rt == CD_R_SEARCH)
			k = cd_hash_bytes(k ^ 'q', q, strlen(q));
		if (page != NULL)
			k = cd_hash_bytes(k ^ 'p', page, strlen(page));
		return k;
	}
	k = cd_hash_bytes(cd_cfg.county.seed ^ cd_mix64((uint64_t)h + 0x686f7374ULL), url,
	    strlen(url));
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, hash_arg, &k);
	if (session >= 0)
		k = cd_mix64(k ^ ((uint64_t)session + 1) * 0x9e3779b97f4a7c15ULL);
	return k;
}

static void
robots(enum cd_host h, struct cd_reply *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if (cd_cfg.robots[h] == NULL || (fp = fopen(cd_cfg.robots[h], "r")) == NULL) {
		cd_reply_text(r, 404, cd_ctype_text, "Not found\n");
		return;
	}
	/* read at each request, so that a test may change it while countyd runs */
	for (;;) {
		char *nb = realloc(buf, len + 4096 + 1);
		size_t got;

		if (nb == NULL) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		got = fread(buf + len, 1, 4096, fp);
		len += got;
		if (got < 4096 || len > 1024 * 1024)
			break;
	}
	fclose(fp);
	if (buf == NULL) {
		cd_reply_text(r, 500, cd_ctype_text, "countyd: out of memory\n");
		return;
	}
	buf[len] = '\0';
	r->status = 200;
	r->ctype = cd_ctype_text;
	r->body = buf;
	r->len = len;
}

static const char *
arg_of(struct MHD_Connection *conn, const char *key)
{
	return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
}

static enum MHD_Result
serve(enum cd_host h, struct MHD_Connection *conn, const char *url, int get)
{
	char arg[256], msg[128];
	enum cd_route rt = route_of(h, url, arg_of(conn, "List"), arg, sizeof(arg));
	enum slot slot = ST_OTHER;
	enum MHD_Result ret;
	struct cd_reply r;
	long now = atomic_fetch_add(&current, 1) + 1, top = atomic_load(&peak), session = -1;
	enum cd_fault f = CD_F_NONE;
	unsigned variant = 0;
	int alt, over;

	memset(&r, 0, sizeof(r));
	while (now > top && !atomic_compare_exchange_weak(&peak, &top, now))
		;
	atomic_fetch_add(&total, 1);
	over = arrive(h);
	if (cd_cfg.fail[h]) {
		cd_reply_text(&r, 503, cd_ctype_text, "Service Unavailable\n");
		goto send;
	}
	if (over) {
		cd_reply_text(&r, 429, cd_ctype_text, "Too Many Requests\n");
		r.retry_after = "1";
		goto send;
	}
	if (rt == CD_R_ROBOTS) {
		robots(h, &r);
		goto send;
	}
	if (h == CD_ASSESSOR) {
		const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "AUTHORIZATION");

		if (auth == NULL || strcmp(auth, cd_cfg.token) != 0) {
			const char *family = strncmp(url, "/parcel", 7) == 0 ? "parcel" :
			    strncmp(url, "/search", 7) == 0 ? "search" : "mapid";

			snprintf(msg, sizeof(msg),
			    "[%s]:Unauthorized access! Please contact support.", family);
			cd_reply_text(&r, 500, "text/html", msg);
			goto send;
		}
	}
	if (!get) {
		cd_reply_text(&r, 404, cd_ctype_text, "Not found\n");
		goto send;
	}
	if (h == CD_TREASURER)
		session = cd_session_parcel(MHD_lookup_connection_value(conn, MHD_COOKIE_KIND,
		    "ASP.NET_SessionId"));
	f = draw(h, request_key(h, conn, url, rt, session), &alt, &variant);
	nap(cd_cfg.latency_ms);
	switch (f) {
	case CD_F_ERROR:
		if (alt)
			cd_reply_text(&r, 503, cd_ctype_text, "Service Unavailable\n");
		else
			cd_reply_text(&r, 500, cd_ctype_text, "Internal Server Error\n");
		break;
	case CD_F_THROTTLE:
		cd_reply_text(&r, 429, cd_ctype_text, "Too Many Requests\n");
		r.retry_after = "1";
		break;
	case CD_F_THROTTLE_BARE:
		cd_reply_text(&r, 429, cd_ctype_text, "Too Many Requests\n");
		break;
	case CD_F_HANG:
		nap(cd_cfg.hang_seconds * 1000);
		slot = ST_HANG;
		ret = MHD_NO;	/* close without an answer */
		goto out;
	case CD_F_OVERSIZE:
		slot = ST_OVERSIZE;
		ret = send_huge(conn, h == CD_TREASURER ? cd_ctype_html : cd_ctype_json, alt);
		goto out;
	default:
		if (h == CD_TREASURER) {
			cd_treasurer_answer(rt, arg_of(conn, "Parcel"), session, f == CD_F_MALFORMED,
			    variant, &r);
			if (f == CD_F_WRONGTYPE && r.status == 200 && r.body != NULL)
				treasurer_wrongtype(&r);
		} else if (h == CD_RECORDER) {
			struct cd_rquery q = {
				arg_of(conn, "lastNames"), arg_of(conn, "firstNames"),
				arg_of(conn, "middleNameIs"), arg_of(conn, "businessNames"),
				arg_of(conn, "documentCode"), arg_of(conn, "beginDate"),
				arg_of(conn, "endDate"), arg_of(conn, "pageSize"),
				arg_of(conn, "pageNumber"),
			};

			/* the odd variants of a malformed answer are the wrong-typed JSON */
			cd_recorder_answer(rt, arg, &q, f == CD_F_MALFORMED || f == CD_F_WRONGTYPE,
			    f == CD_F_WRONGTYPE ? variant | 1 : variant, &r);
		} else {
			if (rt == CD_R_SEARCH)
				search(arg_of(conn, "q"), arg_of(conn, "page"), &r);
			else if (rt == CD_R_MCR || rt == CD_R_STR)
				listing(rt, arg, arg_of(conn, "page"), &r);
			else if (rt == CD_R_OTHER)
				cd_reply_text(&r, 404, cd_ctype_text, "Not found\n");
			else
				parcel(rt, arg, &r);
			if (f == CD_F_MALFORMED && r.status == 200 && r.body != NULL)
				assessor_malformed(&r, variant);
			if (f == CD_F_WRONGTYPE && r.status == 200 && r.body != NULL)
				assessor_wrongtype(&r, variant);
		}
		break;
	}
	/*
	 * A recorded document never changes: the recorder's detail answers carry
	 * an ETag, and a request that already has it gets 304 and no body.
	 */
	if (rt == CD_R_DOCUMENT && r.status == 200 && r.body != NULL && f != CD_F_MALFORMED &&
	    f != CD_F_WRONGTYPE) {
		uint64_t x = 1469598103934665603ULL;
		const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_IF_NONE_MATCH);

		for (size_t i = 0; i < r.len; i++)
			x = (x ^ (unsigned char)r.body[i]) * 1099511628211ULL;
		snprintf(r.etag, sizeof(r.etag), "\"%016llx\"", (unsigned long long)x);
		if (inm != NULL && strcmp(inm, r.etag) == 0) {
			free(r.body);
			cd_reply_text(&r, 304, r.ctype, "");
		}
	}
send:
	if (f == CD_F_TRUNCATE)
		slot = ST_TRUNCATED;
	else if (f == CD_F_MALFORMED && r.status == 200)
		slot = ST_MALFORMED;
	else if (f == CD_F_WRONGTYPE && r.status == 200)
		slot = ST_WRONGTYPE;
	else
		slot = slot_of(r.status);
	ret = send_reply(conn, &r, f == CD_F_TRUNCATE);
out:
	atomic_fetch_add(&counts[rt][slot], 1);
	depart(h, slot);
	atomic_fetch_sub(&current, 1);
	return ret;
}

/* --- /_countyd: ground truth and counts ----------------------------------- */

static void
apns(struct MHD_Connection *conn, struct cd_reply *r)
{
	const char *lim = arg_of(conn, "limit");
	long n = cd_cfg.dirmode ? cd_cfg.dir.n : cd_cfg.county.n;
	char apn[CD_APN_MAX];
	struct cd_buf b;

	if (lim != NULL) {
		char *end;
		long v;

		errno = 0;
		v = strtol(lim, &end, 10);
		if (errno != 0 || end == lim || *end != '\0' || v < 0) {
			cd_reply_text(r, 400, cd_ctype_text, "Invalid limit\n");
			return;
		}
		if (v < n)
			n = v;
	}
	cd_buf_init(&b, (size_t)n * 12 + 1);
	for (long i = 0; i < n && !b.oom; i++) {
		if (cd_cfg.dirmode)
			cd_buf_puts(&b, cd_cfg.dir.p[i].apn);
		else {
			cd_gen_apn(&cd_cfg.county, i, apn);
			cd_buf_puts(&b, apn);
		}
		cd_buf_putc(&b, '\n');
	}
	cd_reply_buf(r, 200, cd_ctype_text, &b);
}

/* GET /_countyd/truth/document/{n} */
static void
doc_truth(const char *arg, struct cd_reply *r)
{
	uint64_t num;
	long i = cd_recorder_number(arg, &num) == 0 ? cd_recorder_find(&cd_cfg.recorder, num) : -1;
	cJSON *t;

	if (i < 0) {
		cd_reply_text(r, 404, cd_ctype_text, "No such document\n");
		return;
	}
	if ((t = cd_recorder_doc_truth(&cd_cfg.recorder, i)) == NULL ||
	    (r->body = cJSON_PrintUnformatted(t)) == NULL) {
		cJSON_Delete(t);
		cd_reply_text(r, 500, cd_ctype_text, "countyd: out of memory\n");
		return;
	}
	cJSON_Delete(t);
	r->status = 200;
	r->ctype = cd_ctype_json;
	r->len = strlen(r->body);
}

static void
truth(const char *arg, struct cd_reply *r)
{
	char canon[CD_APN_MAX], *body;
	struct cd_parcel *p = NULL;
	struct cd_facts *f = NULL;
	struct cd_taxes *tx = NULL;
	cJSON *t = NULL;
	size_t len;
	long i;

	if (cd_apn_parse(arg, strlen(arg), canon) == -1) {
		cd_reply_text(r, 400, cd_ctype_text, "Invalid parcel number\n");
		return;
	}
	if ((i = cd_lookup(canon)) < 0) {
		cd_reply_text(r, 404, cd_ctype_text, "Parcel not found\n");
		return;
	}
	if ((f = malloc(sizeof(*f))) == NULL || (tx = malloc(sizeof(*tx))) == NULL ||
	    (!cd_cfg.dirmode && (p = malloc(sizeof(*p))) == NULL))
		goto oom;
	if (cd_cfg.dirmode) {
		if ((body = cd_dir_read(&cd_cfg.dir, canon, "parcel", &len)) == NULL) {
			free(f);
			free(tx);
			cd_reply_text(r, 404, cd_ctype_text, "Parcel not found\n");
			return;
		}
		t = cd_truth_recorded(canon, body, len);
		free(body);
		*f = *cd_cfg.dir.p[i].facts;
	} else {
		/* what the generator drew, never the rendering read back */
		cd_gen_parcel(&cd_cfg.county, i, p);
		t = cd_truth_parcel(p);
		cd_facts_from_parcel(p, f);
	}
	if (t == NULL) {
		cd_reply_text(r, 500, cd_ctype_text, cd_cfg.dirmode ?
		    "countyd: the parcel body does not parse\n" : "countyd: out of memory\n");
		goto out;
	}
	cd_tax_gen(&cd_cfg.county, f, cd_cfg.today, tx);
	cd_tax_truth(t, f, tx);
	cd_recorder_truth(t, &cd_cfg.recorder, f);
	if ((r->body = cJSON_PrintUnformatted(t)) == NULL)
		goto oom;
	r->status = 200;
	r->ctype = cd_ctype_json;
	r->len = strlen(r->body);
	goto out;
oom:
	cd_reply_text(r, 500, cd_ctype_text, "countyd: out of memory\n");
out:
	cJSON_Delete(t);
	free(p);
	free(f);
	free(tx);
}

static void
stats(struct cd_reply *r)
{
	struct cd_buf b;
	struct timespec ts;
	char key[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	cd_buf_init(&b, 8192);
	cd_json_open(&b, NULL, '{');
	cd_json_int(&b, "total", (long)atomic_load(&total));
	cd_json_int(&b, "peak_concurrent", atomic_load(&peak));
	cd_json_int(&b, "current", atomic_load(&current));
	cd_json_open(&b, "requests", '{');
	for (int rt = 0; rt < CD_NROUTES; rt++) {
		cd_json_open(&b, route_names[rt], '{');
		for (int s = 0; s < NSLOTS; s++) {
			unsigned long v = atomic_load(&counts[rt][s]);

			if (v > 0)
				cd_json_int(&b, slot_names[s], (long)v);
		}
		cd_json_close(&b, '}');
	}
	cd_json_close(&b, '}');
	cd_json_open(&b, "hosts", '{');
	for (int h = 0; h < CD_NHOSTS; h++) {
		struct hoststat *s = &hosts[h];

		pthread_mutex_lock(&s->mu);
		cd_json_open(&b, cd_host_names[h], '{');
		cd_json_int(&b, "total", (long)s->total);
		cd_json_int(&b, "peak_per_second", (long)s->peak);
		cd_json_open(&b, "status", '{');
		for (int k = 0; k < NSLOTS; k++)
			if (s->status[k] > 0)
				cd_json_int(&b, slot_names[k], (long)s->status[k]);
		cd_json_close(&b, '}');
		cd_json_open(&b, "per_second", '{');
		for (long sec = ts.tv_sec - WINDOW + 1; sec <= ts.tv_sec; sec++) {
			const struct second *sl = &s->ring[sec % WINDOW];

			if (sl->sec != sec || sl->n == 0)
				continue;
			snprintf(key, sizeof(key), "%ld", sec);
			cd_json_int(&b, key, (long)sl->n);
		}
		cd_json_close(&b, '}');
		cd_json_close(&b, '}');
		pthread_mutex_unlock(&s->mu);
	}
	cd_json_close(&b, '}');
	cd_json_close(&b, '}');
	cd_json_end(&b);
	cd_reply_buf(r, 200, cd_ctype_json, &b);
}

static void
stats_reset(void)
{
	for (int rt = 0; rt < CD_NROUTES; rt++)
		for (int s = 0; s < NSLOTS; s++)
			atomic_store(&counts[rt][s], 0);
	atomic_store(&total, 0);
	/* requests in flight still count: the peak restarts from them */
	atomic_store(&peak, atomic_load(&current));
	for (int h = 0; h < CD_NHOSTS; h++) {
		struct hoststat *s = &hosts[h];

		pthread_mutex_lock(&s->mu);
		s->total = s->peak = 0;
		memset(s->status, 0, sizeof(s->status));
		memset(s->ring, 0, sizeof(s->ring));
		pthread_mutex_unlock(&s->mu);
	}
}

/* "YYYY-MM-DD" into days since 1970; -1 when S is not a date. */
static long
parse_day(const char *s)
{
	int y, m, d, n = 0;
	long day;

	if (s == NULL || strlen(s) != 10 ||
	    sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	day = cd_days(y, m, d);
	/* no February 30th: the day must come back as written */
	{
		int y2, m2, d2;

		cd_civil(day, &y2, &m2, &d2);
		if (y2 != y || m2 != m || d2 != d)
			return -1;
	}
	return day;
}

static void
day_json(struct cd_buf *b, const char *key, long day)
{
	int y, m, d;

	cd_civil(day, &y, &m, &d);
	cd_json_strf(b, key, "%04d-%02d-%02d", y, m, d);
}

/* POST /_countyd/clock?days=N: the county N days on. */
static void
clock_move(struct MHD_Connection *conn, struct cd_reply *r)
{
	const char *s = arg_of(conn, "days");
	char *end, err[128];
	long days, from, to;
	struct cd_buf b;

	errno = 0;
	days = s != NULL ? strtol(s, &end, 10) : 0;
	if (s == NULL || errno != 0 || end == s || *end != '\0' || days < 1 ||
	    days > CD_CLOCK_SPAN) {
		cd_reply_text(r, 400, cd_ctype_text, "Invalid days (expected 1 to 1826)\n");
		return;
	}
	/* the schedules hold five years of each kind of event */
	if (cd_cfg.county.clock_now + days - cd_cfg.county.clock_start > CD_CLOCK_SPAN) {
		cd_reply_text(r, 400, cd_ctype_text,
		    "The clock goes at most 1826 days past its start date\n");
		return;
	}
	if (cd_clock_move(days, &from, &to, err, sizeof(err)) == -1) {
		cd_reply_text(r, 500, cd_ctype_text, err);
		return;
	}
	cd_buf_init(&b, 64);
	cd_json_open(&b, NULL, '{');
	day_json(&b, "from", from);
	day_json(&b, "to", to);
	cd_json_close(&b, '}');
	cd_json_end(&b);
	cd_buf_putc(&b, '\n');
	cd_reply_buf(r, 200, cd_ctype_json, &b);
}

/* GET /_countyd/clock */
static void
clock_today(struct cd_reply *r)
{
	struct cd_buf b;

	cd_buf_init(&b, 64);
	cd_json_open(&b, NULL, '{');
	day_json(&b, "today", cd_cfg.county.clock_now);
	day_json(&b, "start", cd_cfg.county.clock_start);
	cd_json_close(&b, '}');
	cd_json_end(&b);
	cd_buf_putc(&b, '\n');
	cd_reply_buf(r, 200, cd_ctype_json, &b);
}

/* GET /_countyd/truth/changes?from=D1&to=D2[&apn=A] */
static void
changes(struct MHD_Connection *conn, struct cd_reply *r)
{
	const char *a = arg_of(conn, "apn");
	long from = parse_day(arg_of(conn, "from")), to = parse_day(arg_of(conn, "to")), only = -1;
	char canon[CD_APN_MAX];
	struct cd_buf b;

	if (from < 0 || to < 0 || to < from) {
		cd_reply_text(r, 400, cd_ctype_text,
		    "Invalid from or to (expected YYYY-MM-DD, from on or before to)\n");
		return;
	}
	if (to > cd_cfg.county.clock_now) {
		cd_reply_text(r, 400, cd_ctype_text, "to is after the clock's today\n");
		return;
	}
	if (a != NULL) {
		if (cd_apn_parse(a, strlen(a), canon) == -1) {
			cd_reply_text(r, 400, cd_ctype_text, "Invalid parcel number\n");
			return;
		}
		if ((only = cd_lookup(canon)) < 0) {
			cd_reply_text(r, 404, cd_ctype_text, "Parcel not found\n");
			return;
		}
	}
	cd_buf_init(&b, 1 << 16);
	if (cd_clock_changes(from, to, only, &b) == -1) {
		cd_buf_release(&b);
		cd_reply_text(r, 500, cd_ctype_text, "countyd: out of memory\n");
		return;
	}
	cd_reply_buf(r, 200, "application/jsonl", &b);
}

static enum MHD_Result
internal(struct MHD_Connection *conn, const char *path, int get)
{
	struct cd_reply r;

	memset(&r, 0, sizeof(r));
	if (strcmp(path, "stats/reset") == 0) {
		stats_reset();
		stats(&r);
	} else if (strcmp(path, "clock") == 0 && !get) {
		clock_move(conn, &r);
	} else if (!get) {
		cd_reply_text(&r, 404, cd_ctype_text, "Not found\n");
	} else if (strcmp(path, "clock") == 0) {
		clock_today(&r);
	} else if (strcmp(path, "truth/changes") == 0) {
		changes(conn, &r);
	} else if (strcmp(path, "apns") == 0) {
		apns(conn, &r);
	} else if (strncmp(path, "truth/document/", 15) == 0) {
		doc_truth(path + 15, &r);
	} else if (strncmp(path, "truth/", 6) == 0) {
		truth(path + 6, &r);
	} else if (strcmp(path, "stats") == 0) {
		stats(&r);
	} else {
		cd_reply_text(&r, 404, cd_ctype_text, "Not found\n");
	}
	return send_reply(conn, &r, 0);
}

/* The MHD handler; CLS points at the host's enum cd_host. */
enum MHD_Result
cd_serve(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **ctx)
{
	static int request_seen;
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	enum MHD_Result ret;

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
	/* the clock moves under the write lock: it takes it itself */
	if (strcmp(url, "/_countyd/clock") == 0 && strcmp(method, "POST") == 0)
		return internal(conn, url + 10, 0);
	pthread_rwlock_rdlock(&cd_lock);
	if (strncmp(url, "/_countyd/", 10) == 0)
		ret = internal(conn, url + 10, get);
	else
		ret = serve(*(const enum cd_host *)cls, conn, url, get);
	pthread_rwlock_unlock(&cd_lock);
	return ret;
}
