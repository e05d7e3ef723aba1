/*
 * clock.c - countyd's clock: the county moves on from its start date, one
 * day at a time.  What happens after the start is drawn from (seed, parcel,
 * year) like everything else, so it is the same whenever and in whatever
 * steps the clock gets there: sales (the parcel's chain of owners goes on,
 * chain.c), owners' new mailing addresses, the assessor's new valuation year
 * each February and its appeals in the spring and summer (gen.c), and a new
 * tax year billed each September, paid, or gone delinquent (tax.c).
 *
 * Moving the clock rebuilds the recorder and the search index (the only
 * tables countyd keeps), then swaps them in under cd_lock; every request
 * reads under it.  The changes between two days are found per parcel from
 * the same schedules, comparing the parcel as the generator draws it before
 * and after each of its event days.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "countyd.h"

pthread_rwlock_t cd_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t move_mu = PTHREAD_MUTEX_INITIALIZER;

enum { S_SALE = 0x5a1e, S_MOVE = 0x3a11, S_NOTICE = 0x4e07, S_APPEAL = 0xa99e };

/*
 * One event a year at most, with chance RATE, on a day of months FROM..TO of
 * that year: the days after the start and on or before UPTO, oldest first,
 * each at least GAP days after the one before.
 */
static int
yearly(const struct cd_county *c, uint64_t key, unsigned stream, double rate, int from,
    int to, long gap, long upto, long *days, int max)
{
	int y0, y1, m, d, n = 0;
	long last = -1;
	struct cd_rng r;

	if (c->clock_start <= 0 || upto <= c->clock_start)
		return 0;
	cd_civil(c->clock_start, &y0, &m, &d);
	cd_civil(upto, &y1, &m, &d);
	for (int y = y0; y <= y1 && n < max; y++) {
		long lo = cd_days(y, from, 1), hi = cd_days(to == 12 ? y + 1 : y,
		    to == 12 ? 1 : to + 1, 1) - 1, day;

		cd_rng_init(&r, c->seed, key, ((uint64_t)stream << 16) | (uint64_t)y);
		if (!cd_rng_chance(&r, rate))
			continue;
		day = cd_rng_range(&r, lo, hi);
		if (day <= c->clock_start || day > upto || (last >= 0 && day < last + gap))
			continue;
		days[n++] = last = day;
	}
	return n;
}

int
cd_clock_sales(const struct cd_county *c, long i, long upto, long *days, int max)
{
	return yearly(c, (uint64_t)i, S_SALE, CD_RATE_SALE, 1, 12, 120, upto, days, max);
}

int
cd_clock_mailings(const struct cd_county *c, long i, long upto, long *days, int max)
{
	return yearly(c, (uint64_t)i, S_MOVE, CD_RATE_MAILING, 1, 12, 1, upto, days, max);
}

int
cd_clock_appeals(const struct cd_county *c, long i, long upto, long *days, int max)
{
	return yearly(c, (uint64_t)i, S_APPEAL, CD_RATE_APPEAL, 4, 8, 1, upto, days, max);
}

int
cd_clock_notices(const struct cd_county *c, long upto, long *days, int max)
{
	/* the same day for every parcel: the county mails its notices at once */
	return yearly(c, 0x636f756e7479ULL, S_NOTICE, 1.0, 2, 2, 1, upto, days, max);
}

/* --- moving the clock -------------------------------------------------------- */

int
cd_clock_move(long days, long *from, long *to, char *err, size_t errsz)
{
	struct cd_county c;
	struct cd_recorder rec, old_rec;
	struct cd_index ix, old_ix;

	pthread_mutex_lock(&move_mu);
	pthread_rwlock_rdlock(&cd_lock);
	c = cd_cfg.county;
	pthread_rwlock_unlock(&cd_lock);
	*from = c.clock_now;
	*to = c.clock_now + days;
	c.clock_now = *to;
	c.rec = NULL;
	if (cd_cfg.dirmode) {
		/* a recorded county keeps its parcels: only the treasurer's days go on */
		pthread_rwlock_wrlock(&cd_lock);
		cd_cfg.county.clock_now = *to;
		cd_cfg.today = *to;
		pthread_rwlock_unlock(&cd_lock);
		pthread_mutex_unlock(&move_mu);
		return 0;
	}
	/* the recorder holds what was recorded before its "today" */
	if (cd_recorder_build(&rec, &c, c.n, NULL, NULL, *to + 1) == -1) {
		snprintf(err, errsz, "out of memory building the recorder");
		pthread_mutex_unlock(&move_mu);
		return -1;
	}
	rec.today = *to;	/* what its 400 body's timestamp says */
	c.rec = &rec;
	if (cd_index_build(&ix, &c) == -1) {
		cd_recorder_release(&rec);
		snprintf(err, errsz, "out of memory building the search index");
		pthread_mutex_unlock(&move_mu);
		return -1;
	}
	pthread_rwlock_wrlock(&cd_lock);
	old_rec = cd_cfg.recorder;
	old_ix = cd_cfg.index;
	cd_cfg.recorder = rec;
	cd_cfg.index = ix;
	cd_cfg.county.rec = &cd_cfg.recorder;
	cd_cfg.county.clock_now = *to;
	cd_cfg.today = *to;
	pthread_rwlock_unlock(&cd_lock);
	cd_recorder_release(&old_rec);
	cd_index_release(&old_ix);
	pthread_mutex_unlock(&move_mu);
	return 0;
}

/* --- the changes between two days ------------------------------------------- */

#define MAXEV 64

static void
day_str(long day, char out[11])
{
	int y, m, d;

	cd_civil(day, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static void
mailing_str(const struct cd_parcel *p, char *out, size_t sz)
{
	cd_gen_full_mailing(p, out, sz);
}

static void
head(struct cd_buf *b, const char *apn, long day, const char *kind)
{
	char ds[11];

	day_str(day, ds);
	cd_json_open(b, NULL, '{');
	cd_json_str(b, "apn", apn);
	cd_json_str(b, "date", ds);
	cd_json_str(b, "kind", kind);
}

static void
tail(struct cd_buf *b)
{
	cd_json_close(b, '}');
	cd_json_end(b);
	cd_buf_putc(b, '\n');
}

static void
valuation(struct cd_buf *b, const char *apn, long day, int year, const char *field,
    int has_old, long old, long new)
{
	head(b, apn, day, "valuation");
	cd_json_int(b, "year", year);
	cd_json_str(b, "field", field);
	if (has_old)
		cd_json_int(b, "old", old);
	else
		cd_json_null(b, "old");
	cd_json_int(b, "new", new);
	tail(b);
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_taxev(const void *a, const void *b)
{
	const struct cd_taxev *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->year < y->year ? -1 : x->year > y->year;
}

struct scratch {
	struct cd_parcel before, after;
	struct cd_facts f;
	struct cd_taxes tx;
};

/* The parcel as it was on DAY (on or before the clock's today). */
static void
parcel_on(long i, long day, struct cd_parcel *p)
{
	struct cd_county c = cd_cfg.county;

	c.asof = day < c.clock_now ? day : 0;
	cd_gen_parcel(&c, i, p);
}

/* Parcel I's changes after FROM and on or before TO, in date order. */
static void
parcel_changes(long i, long from, long to, struct scratch *s, struct cd_buf *b)
{
	const struct cd_county *c = &cd_cfg.county;
	const struct cd_recorder *rec = &cd_cfg.recorder;
	long days[MAXEV], n = 0, k;
	int ntx = 0, t = 0;
	char apn[CD_APN_MAX], o[160], nw[160];

	if (!cd_cfg.dirmode) {
		n += cd_clock_sales(c, i, to, days + n, 16);
		n += cd_clock_mailings(c, i, to, days + n, 16);
		n += cd_clock_appeals(c, i, to, days + n, 16);
		n += cd_clock_notices(c, to, days + n, 16);
	}
	qsort(days, (size_t)n, sizeof(days[0]), cmp_long);

	/* the tax events, from the treasurer's own draws as of TO */
	if (cd_cfg.dirmode) {
		s->f = *cd_cfg.dir.p[i].facts;
		cd_copy(apn, sizeof(apn), cd_cfg.dir.p[i].apn);
	} else {
		parcel_on(i, to, &s->after);
		cd_facts_from_parcel(&s->after, &s->f);
		cd_copy(apn, sizeof(apn), s->after.apn);
	}
	cd_tax_gen(c, &s->f, to, &s->tx);
	ntx = s->tx.nev;
	qsort(s->tx.ev, (size_t)ntx, sizeof(s->tx.ev[0]), cmp_taxev);

	for (k = 0; k <= n; k++) {
		long day = k < n ? days[k] : to + 1;

		/* the tax events before this day */
		for (; t < ntx && s->tx.ev[t].day < day; t++) {
			static const char *const ev[] = { "billed", "half_paid", "paid", "delinquent" };
			const struct cd_taxev *e = &s->tx.ev[t];

			if (e->day <= from || e->day <= c->clock_start)
				continue;
			head(b, apn, e->day, "tax");
			cd_json_int(b, "year", e->year);
			cd_json_str(b, "event", ev[e->kind]);
			snprintf(o, sizeof(o), "%ld.%02ld", e->due / 100, e->due % 100);
			cd_json_raw(b, "amount_due", o);
			tail(b);
		}
		if (k == n)
			break;
		if (day <= from || (k > 0 && days[k - 1] == day))
			continue;
		parcel_on(i, day - 1, &s->before);
		parcel_on(i, day, &s->after);

		/* a deed recorded: its document is in the recorder's table */
		if (strcmp(s->before.deed, s->after.deed) != 0 && s->after.deed[0] != '\0') {
			uint64_t num = 0;
			long d = -1;
			char ds[11];

			if (cd_recorder_number(s->after.deed, &num) == 0)
				d = cd_recorder_find(rec, num);
			day_str(day, ds);
			head(b, apn, day, "sale");
			cd_json_str(b, "recording_number", s->after.deed);
			cd_json_str(b, "recording_date", ds);
			cd_json_str(b, "document_code", d >= 0 ? cd_code_display(rec->doc[d].code) :
			    NULL);
			if (s->after.has_sale)
				cd_json_int(b, "sale_price", s->after.sale_price);
			else
				cd_json_null(b, "sale_price");
			tail(b);
		}
		if (strcmp(s->before.owner, s->after.owner) != 0) {
			head(b, apn, day, "owner");
			cd_json_str(b, "old", s->before.owner);
			cd_json_str(b, "new", s->after.owner);
			tail(b);
		}
		mailing_str(&s->before, o, sizeof(o));
		mailing_str(&s->after, nw, sizeof(nw));
		if (strcmp(o, nw) != 0) {
			head(b, apn, day, "mailing");
			cd_json_str(b, "old", o);
			cd_json_str(b, "new", nw);
			tail(b);
		}
		/* a new year's old value is the year before's; an appeal's, its own */
		if (s->before.val[0].year != s->after.val[0].year ||
		    s->before.val[0].fcv != s->after.val[0].fcv)
			valuation(b, apn, day, s->after.val[0].year, "full_cash", 1,
			    s->before.val[0].fcv, s->after.val[0].fcv);
		if (s->before.val[0].year != s->after.val[0].year ||
		    s->before.val[0].lpv != s->after.val[0].lpv)
			valuation(b, apn, day, s->after.val[0].year, "limited", 1,
			    s->before.val[0].lpv, s->after.val[0].lpv);
	}
}

int
cd_clock_changes(long from, long to, long only, struct cd_buf *b)
{
	struct scratch *s = malloc(sizeof(*s));
	long n = cd_cfg.dirmode ? cd_cfg.dir.n : cd_cfg.county.n;
	struct cd_buf one;

	if (s == NULL)
		return -1;
	/*
	 * Each parcel's changes come in date order; the county's are merged
	 * by a stable sort of the lines on their date (the text after "date").
	 */
	cd_buf_init(&one, 1 << 16);
	for (long i = only >= 0 ? only : 0; i < (only >= 0 ? only + 1 : n) && !one.oom; i++)
		parcel_changes(i, from, to, s, &one);
	free(s);
	if (one.oom) {
		cd_buf_release(&one);
		return -1;
	}
	if (cd_clock_sort_lines(&one, b) == -1) {
		cd_buf_release(&one);
		return -1;
	}
	cd_buf_release(&one);
	return 0;
}

/* --- lines in date order ---------------------------------------------------- */

struct line {
	const char *p;
	size_t len;
	char date[11];
	size_t seq;
};

static int
cmp_line(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int c = strcmp(x->date, y->date);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
cd_clock_sort_lines(const struct cd_buf *in, struct cd_buf *out)
{
	struct line *v = NULL;
	size_t n = 0, cap = 0;
	const char *p = in->p, *end = in->p + in->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *d;

		if (nl == NULL)
			nl = end;
		if (n == cap) {
			struct line *nv;

			cap = cap ? cap * 2 : 1024;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				free(v);
				return -1;
			}
			v = nv;
		}
		v[n].p = p;
		v[n].len = (size_t)(nl - p);
		v[n].seq = n;
		v[n].date[0] = '\0';
		/* the line is not a string of its own: copy the ten bytes */
		for (d = p; d + 18 <= nl && memcmp(d, "\"date\":\"", 8) != 0; d++)
			;
		if (d + 18 <= nl) {
			memcpy(v[n].date, d + 8, 10);
			v[n].date[10] = '\0';
		}
		n++;
		p = nl + 1;
	}
	qsort(v, n, sizeof(*v), cmp_line);
	for (size_t i = 0; i < n; i++) {
		cd_buf_put(out, v[i].p, v[i].len);
		cd_buf_putc(out, '\n');
	}
	free(v);
	return out->oom ? -1 : 0;
}
