#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "polite.h"
#include "pool.h"
#include "queue.h"
#include "robots.h"

#define MAXHOSTS 16
#define MAXSLOTS 64
#define ROBOTS_TTL (24 * 3600.0)
/* Aim a little under the limit: a thread that wakes late must not crowd the next second. */
#define HEADROOM 0.95
/* Reserve about this much time's worth of slots per trip to the database. */
#define BATCH_SECONDS 0.25
/* A slot older than this is not used: another process may own the time after it. */
#define SLOT_STALE 0.05
/*
 * A class of waiters passed over this many times in a row by more urgent
 * ones goes next (critical excepted): low work still moves while higher
 * work trickles in, at one slot in SHARE + 1 at least.
 */
#define SHARE 8

/* A thread waiting for a host's turn: woken alone when the turn is its. */
struct waiter {
	pthread_cond_t cv;
	struct waiter *next;
};

struct host {
	char key[256];			/* host[:port] */
	char base[300];			/* scheme://host[:port] */
	pthread_mutex_t mu;		/* held while reserving, waiting for a slot, or loading robots */
	double rate;			/* requests per second allowed */
	struct pdc_robots *robots;
	double robots_at;		/* pdc_clock_mono() when loaded, 0 never */
	double crawl_delay;
	double slots[MAXSLOTS];		/* pdc_clock_mono() times reserved for us */
	int nslots, next;
	double sent;			/* pdc_clock_mono(): our last request here went out, 0 never */
	double paused_until;		/* pdc_clock_mono() */
	double not_before;		/* pdc_clock_mono(): the host asked us to wait (no database) */
	char pause_reason[256];
	int ok, failed;			/* since the last reservation */
	char last_error[256];
	/*
	 * The turn: one thread at a time takes a slot and waits for it; the
	 * others wait in line, by priority, first come first served within one,
	 * each on its own condition so that only the next is woken.
	 */
	struct waiter *head[PDC_NPRIO], *tail[PDC_NPRIO];	/* the holder first of its line */
	struct waiter *holder;
	int gate;			/* a thread has the turn */
	int holder_prio;		/* its priority */
	int preempt;			/* a more urgent waiter wants the holder's slot */
	unsigned ticket[PDC_NPRIO];	/* per priority: tickets given ... */
	unsigned serving[PDC_NPRIO];	/* ... and the one whose turn it is */
	int passed[PDC_NPRIO];		/* turns given to more urgent waiters meanwhile */
	int wire;			/* requests given a slot and not yet reported (sent, or being sent) */
	double yield_until;		/* pdc_clock_mono(): another process is more urgent */
	double marked_until;		/* pdc_clock_mono(): the others know we are (sql/013) */
};

struct pdc_polite {
	const struct pdc_config *cfg;
	struct pdc_pool *pool;
	pthread_mutex_t mu;		/* guards hosts[] and nhosts */
	struct host hosts[MAXHOSTS];
	int nhosts;
	int warned_robots;
	char owner[96];			/* this process, as pdc_host_reserve knows it */
};


static void
sleep_until(double t)
{
	double d = t - pdc_clock_mono();
	struct timespec ts;

	if (d <= 0)
		return;
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1)
		;
}

int
pdc_polite_host(const char *url, char *buf, size_t len)
{
	const char *p = strstr(url, "://"), *end;
	size_t n;

	if (p == NULL)
		return -1;
	p += 3;
	end = p + strcspn(p, "/?#");
	/* user:password@ never names a county host; drop it if present */
	const char *at = memchr(p, '@', (size_t)(end - p));
	if (at != NULL)
		p = at + 1;
	n = (size_t)(end - p);
	if (n == 0 || n >= len)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	for (char *q = buf; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return 0;
}

struct pdc_polite *
pdc_polite_new(const struct pdc_config *cfg, struct pdc_pool *pool, struct pdc_err *err)
{
	struct pdc_polite *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		return NULL;
	}
	p->cfg = cfg;
	p->pool = pool;
	pthread_mutex_init(&p->mu, NULL);
	{
		char host[64];
		struct timespec ts;

		gethostname(host, sizeof(host));
		host[sizeof(host) - 1] = '\0';
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(p->owner, sizeof(p->owner), "%s:%d:%ld.%09ld", host, (int)getpid(),
		    (long)ts.tv_sec, ts.tv_nsec);
	}
	return p;
}

void
pdc_polite_free(struct pdc_polite *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->nhosts; i++) {
		pdc_robots_free(p->hosts[i].robots);
		pthread_mutex_destroy(&p->hosts[i].mu);
	}
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* The host entry for URL, made on first sight.  NULL when the URL has no host or the table is full. */
static struct host *
host_for(struct pdc_polite *p, const char *source, const char *url)
{
	char key[256];
	struct host *h = NULL;

	if (pdc_polite_host(url, key, sizeof(key)) == -1)
		return NULL;
	pthread_mutex_lock(&p->mu);
	for (int i = 0; i < p->nhosts; i++)
		if (strcmp(p->hosts[i].key, key) == 0) {
			h = &p->hosts[i];
			break;
		}
	if (h == NULL && p->nhosts < MAXHOSTS) {
		const char *s = strstr(url, "://");

		h = &p->hosts[p->nhosts++];
		memset(h, 0, sizeof(*h));
		strlcpy(h->key, key, sizeof(h->key));
		snprintf(h->base, sizeof(h->base), "%.*s://%s", (int)(s - url), url, key);
		pthread_mutex_init(&h->mu, NULL);
		h->rate = pdc_config_source(p->cfg, source)->requests_per_second;
	}
	pthread_mutex_unlock(&p->mu);
	return h;
}

static struct pdc_stmt st_robots_get = { "pdc_robots_get",
	"SELECT robots_status, robots_body, extract(epoch FROM now() - robots_fetched)"
	" FROM hosts WHERE host = $1 AND robots_fetched > now() - interval '1 day'", 1, 0 };

static struct pdc_stmt st_robots_put = { "pdc_robots_put",
	"INSERT INTO hosts (host, robots_status, robots_body, robots_fetched) VALUES ($1, $2, $3, now())"
	" ON CONFLICT (host) DO UPDATE SET robots_status = EXCLUDED.robots_status,"
	" robots_body = EXCLUDED.robots_body, robots_fetched = EXCLUDED.robots_fetched", 3, 0 };

/* Turn a robots.txt answer into rules: 2xx its rules, 4xx none, else everything refused
 * (5xx never gets here: it is a transient failure, not an answer to keep). */
static struct pdc_robots *
robots_from(long status, const char *body, size_t len)
{
	if (status >= 200 && status < 300)
		return pdc_robots_parse(body, len, "pdc");
	if (status >= 400 && status < 500)
		return pdc_robots_allow_all();
	return pdc_robots_disallow_all();
}

static int reserve(struct pdc_polite *, struct host *, int, int, struct pdc_err *);

/*
 * The least time between two of this process's requests to H: one over
 * its rate (or robots.txt's Crawl-delay, when slower) with HEADROOM.
 */
static double
spacing(const struct host *h)
{
	double rate = h->rate;

	if (h->crawl_delay > 0 && 1.0 / h->crawl_delay < rate)
		rate = 1.0 / h->crawl_delay;
	return 1.0 / (rate * HEADROOM);
}

/*
 * Move H's slots still to use (H->mu held) to at least an interval after
 * our last request there went out, and after one another.  A slot is used
 * late when its thread wakes late or takes it up to SLOT_STALE after its
 * time; the next one, planned from the slot and not from the request,
 * would then go less than an interval later, and with two more on time
 * the county would count one request too many in one of its seconds.
 * Nothing is dropped: the slots keep their number, only later.
 */
static void
pace(struct host *h)
{
	double iv = spacing(h), t = h->sent > 0 ? h->sent + iv : 0;

	for (int i = h->next; i < h->nslots; i++) {
		if (h->slots[i] < t)
			h->slots[i] = t;
		t = h->slots[i] + iv;
	}
}

/* Load H's robots.txt: from the database if another worker fetched it today, else from the host. */
static int
load_robots(struct pdc_polite *p, struct host *h, struct pdc_http *http, int prio,
    struct pdc_err *err)
{
	struct pdc_conn *c = NULL;
	struct pdc_err derr;
	struct pdc_robots *r = NULL;
	long status = 0;
	double age = 0;

	if (p->pool != NULL && (c = pdc_pool_get(p->pool, &derr)) != NULL) {
		const char *params[1] = { h->key };
		PGresult *res = pdc_db_run(c, &st_robots_get, params, &derr);

		if (res != NULL && PQntuples(res) == 1) {
			status = strtol(PQgetvalue(res, 0, 0), NULL, 10);
			r = robots_from(status, PQgetvalue(res, 0, 1), (size_t)PQgetlength(res, 0, 1));
			age = strtod(PQgetvalue(res, 0, 2), NULL);
		}
		PQclear(res);
		pdc_pool_put(p->pool, c);
	}
	if (r == NULL) {
		char url[400];
		struct pdc_response res = { 0 };
		struct pdc_err herr;
		enum pdc_errkind kind;

		/* robots.txt is a request like any other: it takes a slot (just the one:
		 * a Crawl-delay in it may space the rest further). */
		for (;;) {
			int got = reserve(p, h, 1, prio, err);

			if (got == -1)
				return -1;
			if (got == 0)
				break;
			sleep_until(h->yield_until);
		}
		pace(h);
		sleep_until(h->slots[0]);
		h->next = h->nslots;
		h->sent = pdc_clock_mono();
		snprintf(url, sizeof(url), "%s/robots.txt", h->base);
		if (pdc_http_get(http, url, NULL, &res, &herr) == -1 || res.status >= 500) {
			/* Unreachable robots.txt: nothing may be fetched for now, and it
			 * counts against the host like any failed request. */
			h->failed++;
			if (res.status >= 500)
				snprintf(h->last_error, sizeof(h->last_error), "robots.txt: HTTP %ld", res.status);
			else
				strlcpy(h->last_error, herr.msg, sizeof(h->last_error));
			/* A certificate that does not verify will not verify on a retry. */
			kind = res.status < 500 && herr.kind == PDC_E_PERMANENT ?
			    PDC_E_PERMANENT : PDC_E_TRANSIENT;
			pdc_response_release(&res);
			return pdc_err_set(err, kind, "%s: robots.txt unavailable (%s)", h->key,
			    h->last_error);
		}
		h->ok++;
		status = res.status;
		if ((r = robots_from(status, res.body, res.len)) == NULL) {
			pdc_response_release(&res);
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		}
		if (p->pool != NULL && (c = pdc_pool_get(p->pool, &derr)) != NULL) {
			char st[24];
			const char *params[3] = { h->key, st, res.body != NULL ? res.body : "" };

			snprintf(st, sizeof(st), "%ld", status);
			/* A body with NUL bytes is cut there: the rules before it still count. */
			pdc_db_do(c, &st_robots_put, params, &derr);
			pdc_pool_put(p->pool, c);
		}
		pdc_response_release(&res);
	}
	pdc_robots_free(h->robots);
	h->robots = r;
	h->robots_at = pdc_clock_mono() - age;
	h->crawl_delay = pdc_robots_crawl_delay(r);
	/* Slots reserved before we knew of a Crawl-delay were spaced too closely,
	 * and the robots.txt request itself wants a delay after it: skip a slot. */
	if (h->crawl_delay > 0) {
		struct pdc_err ignored;

		h->nslots = h->next = 0;
		if (reserve(p, h, 1, prio, &ignored) == 0)
			h->nslots = h->next = 0;
	}
	if (h->crawl_delay > 0 && 1.0 / h->crawl_delay < h->rate)
		pdc_log(PDC_LOG_INFO, "%s: robots.txt asks for %.1fs between requests", h->key,
		    h->crawl_delay);
	return 0;
}

static struct pdc_stmt st_reserve = { "pdc_host_reserve_prio",
	"SELECT wait_seconds, slots, slot_interval, paused_for, reason, yielded"
	" FROM pdc_host_reserve($1, $2, $3, $4, $5, $6, $7, $8)", 8, 0 };

/*
 * Fill H's local slots (H->mu held): about BATCH_SECONDS' worth, or WANT when
 * positive, for a request of priority PRIO (the most urgent this process has
 * waiting for H).  Without a database the schedule is this process's alone.
 * Returns 0; 1 when another process has a more urgent request for the host,
 * so nothing was reserved before H->yield_until (sql/013_host_priority.sql);
 * or -1 with ERR when the host is paused.
 */
static int
reserve(struct pdc_polite *p, struct host *h, int want, int prio, struct pdc_err *err)
{
	double interval = spacing(h), now = pdc_clock_mono();
	int k;

	k = (int)(BATCH_SECONDS / interval);
	if (k < 1)
		k = 1;
	if (k > MAXSLOTS)
		k = MAXSLOTS;
	if (want > 0)
		k = want;
	if (h->paused_until > now)
		goto paused;
	if (p->pool != NULL) {
		struct pdc_conn *c = pdc_pool_get(p->pool, err);
		char sk[16], si[32], sok[16], sf[16], sp[16];
		const char *params[8] = { h->key, sk, si, sok, sf, h->last_error[0] ? h->last_error : NULL,
		    sp, p->owner };
		PGresult *res;

		if (c == NULL)
			return -1;
		snprintf(sk, sizeof(sk), "%d", k);
		snprintf(si, sizeof(si), "%.6f", interval);
		snprintf(sok, sizeof(sok), "%d", h->ok);
		snprintf(sf, sizeof(sf), "%d", h->failed);
		snprintf(sp, sizeof(sp), "%d", prio);
		res = pdc_db_run(c, &st_reserve, params, err);
		pdc_pool_put(p->pool, c);
		if (res == NULL)
			return -1;
		h->ok = h->failed = 0;
		h->last_error[0] = '\0';
		double wait = strtod(PQgetvalue(res, 0, 0), NULL);
		int n = (int)strtol(PQgetvalue(res, 0, 1), NULL, 10);
		double iv = strtod(PQgetvalue(res, 0, 2), NULL);
		double paused = strtod(PQgetvalue(res, 0, 3), NULL);
		if (n == 0 && strcmp(PQgetvalue(res, 0, 5), "t") == 0) {
			PQclear(res);
			h->nslots = h->next = 0;
			h->yield_until = now + wait;
			return 1;
		}
		if (n == 0) {
			h->paused_until = now + paused;
			strlcpy(h->pause_reason, PQgetvalue(res, 0, 4), sizeof(h->pause_reason));
			PQclear(res);
			pdc_log(PDC_LOG_WARNING, "host %s paused for %.0fs: %s", h->key, paused, h->pause_reason);
			goto paused;
		}
		PQclear(res);
		for (int i = 0; i < n && i < MAXSLOTS; i++)
			h->slots[i] = now + wait + i * iv;
		h->nslots = n < MAXSLOTS ? n : MAXSLOTS;
		/* as long as the database holds the mark, less a margin (sql/013) */
		if (prio <= PDC_PRIO_HIGH)
			h->marked_until = h->slots[h->nslots - 1] + (2 * iv > 1.0 ? 2 * iv : 1.0) - 0.2;
	} else {
		double start = h->nslots > 0 ? h->slots[h->nslots - 1] + interval : now;

		if (start < now)
			start = now;
		if (start < h->not_before)
			start = h->not_before;
		for (int i = 0; i < k; i++)
			h->slots[i] = start + i * interval;
		h->nslots = k;
	}
	h->next = 0;
	return 0;
paused:
	pdc_err_set(err, PDC_E_TRANSIENT, "host %s paused for %.0fs: %s", h->key,
	    h->paused_until - now, h->pause_reason);
	if (err != NULL)
		err->retry_after = h->paused_until - now;
	return -1;
}

/* Requests of priority C waiting for H's turn (the holder's included). */
static unsigned
waiting(const struct host *h, int c)
{
	return h->ticket[c] - h->serving[c];
}

/* The priority whose turn comes next on H, or -1 when nobody waits. */
static int
next_class(const struct host *h)
{
	if (waiting(h, PDC_PRIO_CRITICAL) > 0)
		return PDC_PRIO_CRITICAL;
	for (int c = PDC_PRIO_LOW; c > PDC_PRIO_HIGH; c--)
		if (waiting(h, c) > 0 && h->passed[c] >= SHARE)
			return c;
	for (int c = PDC_PRIO_HIGH; c <= PDC_PRIO_LOW; c++)
		if (waiting(h, c) > 0)
			return c;
	return -1;
}

/* The most urgent priority waiting on H: what this process tells the others. */
static int
most_urgent(const struct host *h)
{
	for (int c = PDC_PRIO_CRITICAL; c <= PDC_PRIO_LOW; c++)
		if (waiting(h, c) > 0)
			return c;
	return PDC_PRIO_LOW;
}

/*
 * Wait (H->mu held, released meanwhile) until pdc_clock_mono() reaches T.
 * Returns 1 early when a more urgent request asks for the holder's place.
 */
static int
nap(struct host *h, struct waiter *w, double t)
{
	for (;;) {
		double now = pdc_clock_mono(), d = t - now;
		struct timespec abs;

		if (d <= 0)
			return 0;
		if (h->preempt)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &abs);
		abs.tv_sec += (time_t)d;
		abs.tv_nsec += (long)((d - (double)(time_t)d) * 1e9);
		if (abs.tv_nsec >= 1000000000L) {
			abs.tv_sec++;
			abs.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->cv, &h->mu, &abs);
	}
}

/* Give up H's turn (H->mu held) and wake the next; DONE: the holder's request is served. */
static void
leave(struct host *h, int prio, int done)
{
	int c;

	h->gate = 0;
	h->preempt = 0;
	h->holder = NULL;
	if (done) {
		h->serving[prio]++;
		if ((h->head[prio] = h->head[prio]->next) == NULL)
			h->tail[prio] = NULL;
	}
	if ((c = next_class(h)) >= 0)
		pthread_cond_signal(&h->head[c]->cv);
}

int
pdc_polite_acquire(struct pdc_polite *p, struct pdc_http *http, const char *source,
    const char *url, int prio, struct pdc_err *err)
{
	struct host *h;
	const char *path;
	struct waiter w;
	pthread_condattr_t ca;
	unsigned ticket;
	int rc = 0;

	if (p == NULL)
		return 0;
	/* Every source has its rate (sources.<name>.requests_per_second); none is borrowed. */
	if (pdc_config_source_index(source) < 0)
		return pdc_err_set(err, PDC_E_SYSTEM, "%s: not a source, so no request rate for it",
		    source);
	if ((h = host_for(p, source, url)) == NULL)
		return 0;	/* no host to be polite to (or too many): nothing to coordinate */
	if (prio < PDC_PRIO_CRITICAL || prio > PDC_PRIO_LOW)
		prio = PDC_PRIO_NORMAL;
	path = strstr(url, "://");
	path = path != NULL ? path + 3 + strcspn(path + 3, "/?") : url;
	if (*path == '\0')
		path = "/";

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w.cv, &ca);
	pthread_condattr_destroy(&ca);
	w.next = NULL;
	pthread_mutex_lock(&h->mu);
	ticket = h->ticket[prio]++;
	if (h->tail[prio] != NULL)
		h->tail[prio]->next = &w;
	else
		h->head[prio] = &w;
	h->tail[prio] = &w;
	/*
	 * A critical or high request does not wait behind a less urgent one
	 * that has its slot but not yet its time: that one gives the slot up
	 * and waits again, first of its kind.
	 */
	if (h->gate && prio <= PDC_PRIO_HIGH && prio < h->holder_prio && h->holder != NULL) {
		h->preempt = 1;
		pthread_cond_signal(&h->holder->cv);
	}
again:
	while (h->gate || h->serving[prio] != ticket || next_class(h) != prio)
		pthread_cond_wait(&w.cv, &h->mu);
	h->gate = 1;
	h->holder = &w;
	h->holder_prio = prio;
	h->passed[prio] = 0;
	for (int c = prio + 1; c <= PDC_PRIO_LOW; c++)
		if (waiting(h, c) > 0)
			h->passed[c]++;
	if (!p->cfg->respect_robots_txt) {
		if (!p->warned_robots) {
			p->warned_robots = 1;
			pdc_log(PDC_LOG_WARNING, "robots.txt is NOT being honoured "
			    "(sources.respect_robots_txt is false)");
		}
	} else if (h->robots == NULL || pdc_clock_mono() - h->robots_at > ROBOTS_TTL) {
		if (load_robots(p, h, http, most_urgent(h), err) == -1) {
			rc = -1;
			goto out;
		}
	}
	if (p->cfg->respect_robots_txt && h->robots != NULL && !pdc_robots_allowed(h->robots, path)) {
		rc = pdc_err_set(err, PDC_E_PERMANENT, "%s%s: disallowed by robots.txt", h->key, path);
		goto out;
	}
	/*
	 * Take the next slot still fresh enough to be ours, and wait for its
	 * time holding the turn, which keeps this host's requests in slot order.
	 */
	for (;;) {
		double now = pdc_clock_mono(), t;
		int r;

		while (h->next < h->nslots && h->slots[h->next] < now - SLOT_STALE)
			h->next++;
		if (h->next < h->nslots && prio <= PDC_PRIO_HIGH && p->pool != NULL &&
		    h->marked_until < now) {
			/*
			 * The slots at hand were planned for less urgent work and
			 * the other processes do not know yet: tell them (one more
			 * slot, for whoever comes next), and keep the earlier ones.
			 */
			double keep[MAXSLOTS];
			int nk = h->nslots - h->next;

			memcpy(keep, &h->slots[h->next], (size_t)nk * sizeof(keep[0]));
			if ((r = reserve(p, h, 1, prio, err)) == -1) {
				rc = -1;
				goto out;
			}
			if (r == 1) {
				/* a more urgent process: not before it is done */
				h->nslots = 0;
				h->marked_until = h->yield_until;
			}
			if (h->nslots + nk > MAXSLOTS)
				h->nslots = MAXSLOTS - nk;
			memmove(&h->slots[nk], h->slots, (size_t)h->nslots * sizeof(keep[0]));
			memcpy(h->slots, keep, (size_t)nk * sizeof(keep[0]));
			h->nslots += nk;
			h->next = 0;
		}
		if (h->next < h->nslots) {
			pace(h);
			t = h->slots[h->next];
			if (nap(h, &w, t))
				goto preempted;
			/* a 429 meanwhile drops the slots planned before it */
			if (h->next < h->nslots && h->slots[h->next] == t) {
				h->next++;
				h->sent = pdc_clock_mono();
				break;
			}
			continue;
		}
		if (h->yield_until > now) {
			if (nap(h, &w, h->yield_until))
				goto preempted;
			continue;
		}
		if ((r = reserve(p, h, 0, most_urgent(h), err)) == -1) {
			rc = -1;
			goto out;
		}
	}
out:
	if (rc == 0)
		h->wire++;	/* until pdc_polite_report: counted as load (pdc_polite_room) */
	leave(h, prio, 1);
	pthread_mutex_unlock(&h->mu);
	pthread_cond_destroy(&w.cv);
	return rc;
preempted:
	leave(h, prio, 0);
	goto again;
}

int
pdc_polite_room(struct pdc_polite *p, double seconds, int held)
{
	int queued[MAXHOSTS], busy[MAXHOSTS], cap[MAXHOSTS], nh, least = 0, all = 0;

	if (p == NULL)
		return -held;
	/*
	 * One pass for every host's figures, then the sums: a request that
	 * moves from one host's line to another's meanwhile is counted once.
	 */
	pthread_mutex_lock(&p->mu);
	nh = p->nhosts;
	for (int i = 0; i < nh; i++) {
		struct host *h = &p->hosts[i];
		double rate;

		pthread_mutex_lock(&h->mu);
		queued[i] = 0;
		for (int c = PDC_PRIO_CRITICAL; c <= PDC_PRIO_LOW; c++)
			queued[i] += (int)waiting(h, c);
		busy[i] = queued[i] + h->wire;
		rate = h->rate;
		if (h->crawl_delay > 0 && 1.0 / h->crawl_delay < rate)
			rate = 1.0 / h->crawl_delay;
		pthread_mutex_unlock(&h->mu);
		cap[i] = (int)(rate * HEADROOM * seconds);
		all += queued[i];
	}
	pthread_mutex_unlock(&p->mu);
	if (nh == 0)
		return -held;
	for (int i = 0; i < nh; i++) {
		/*
		 * Every job held is load on this host but those waiting in
		 * another host's line: a job starting, between two requests,
		 * being parsed or stored, or on the wire anywhere, asks here
		 * next as likely as not.  A job with requests in two lines at
		 * once (a source apart) is taken off twice; its request here
		 * still counts.
		 */
		int n = held - (all - queued[i]), room;

		if (n < busy[i])
			n = busy[i];
		room = cap[i] - n;
		if (i == 0 || room < least)
			least = room;
	}
	return least;
}

static struct pdc_stmt st_throttle = { "pdc_host_throttle",
	"SELECT pdc_host_throttle($1, $2, $3)", 3, 0 };

void
pdc_polite_report(struct pdc_polite *p, const char *url, long status, double retry_after,
    const char *error)
{
	struct host *h;
	char key[256];

	if (p == NULL || pdc_polite_host(url, key, sizeof(key)) == -1)
		return;
	pthread_mutex_lock(&p->mu);
	h = NULL;
	for (int i = 0; i < p->nhosts; i++)
		if (strcmp(p->hosts[i].key, key) == 0)
			h = &p->hosts[i];
	pthread_mutex_unlock(&p->mu);
	if (h == NULL)
		return;
	if (status == 429 || status == 503) {
		char msg[64];
		double wait = retry_after > 0 ? retry_after : 1;

		snprintf(msg, sizeof(msg), "HTTP %ld", status);
		pthread_mutex_lock(&h->mu);
		if (h->wire > 0)
			h->wire--;
		/* Our remaining slots were planned before the host asked us to slow down. */
		h->nslots = h->next = 0;
		h->not_before = pdc_clock_mono() + wait;
		if (p->pool == NULL)
			h->rate = h->rate * 0.5 > 0.05 ? h->rate * 0.5 : 0.05;
		if (status == 503) {
			h->failed++;
			strlcpy(h->last_error, msg, sizeof(h->last_error));
		}
		pthread_mutex_unlock(&h->mu);
		if (p->pool != NULL) {
			struct pdc_err e;
			struct pdc_conn *c = pdc_pool_get(p->pool, &e);
			char ra[32];
			const char *params[3] = { key, ra, msg };

			snprintf(ra, sizeof(ra), "%.3f", wait);
			if (c != NULL) {
				pdc_db_do(c, &st_throttle, params, &e);
				pdc_pool_put(p->pool, c);
			}
		}
		return;
	}
	pthread_mutex_lock(&h->mu);
	if (h->wire > 0)
		h->wire--;
	if (status == 0 || status >= 500) {
		h->failed++;
		if (error != NULL)
			strlcpy(h->last_error, error, sizeof(h->last_error));
		else
			snprintf(h->last_error, sizeof(h->last_error), "HTTP %ld", status);
	} else {
		h->ok++;
	}
	pthread_mutex_unlock(&h->mu);
}

void
pdc_polite_robots_seen(struct pdc_polite *p, const char *source, const char *url, long status,
    const char *body, size_t len)
{
	struct pdc_robots *r;
	struct host *h;

	if (p == NULL || status >= 500 || pdc_config_source_index(source) < 0 ||
	    (h = host_for(p, source, url)) == NULL)
		return;
	if ((r = robots_from(status, body, len)) == NULL)
		return;		/* out of memory: the host is asked again when it matters */
	pthread_mutex_lock(&h->mu);
	if (h->robots == NULL) {
		h->robots = r;
		h->robots_at = pdc_clock_mono();
		h->crawl_delay = pdc_robots_crawl_delay(r);
		r = NULL;
	}
	pthread_mutex_unlock(&h->mu);
	pdc_robots_free(r);
}
