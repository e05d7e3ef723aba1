/*
 * recorder.c - the recorder: every parcel's deed history in one table, its
 * document detail and its name search (SERVICES.md).
 *
 * A parcel's history is drawn from (seed, parcel) around the assessor's
 * latest deed: earlier owners, the deeds between them, deeds of trust and
 * their releases, now and then a notice of trustee's sale or a probate
 * judgment.  The search has no parcel filter, as the real one has none, so
 * it needs every document of the county at hand: the histories are drawn
 * once at start-up, and only numbers, dates, codes and names are kept.
 *
 * Names are kept once each, sorted, with the documents they appear on, so a
 * last-name search is a binary search and a business search a scan of the
 * distinct names.
 */
/* memmem(3): in every libc we build on, but glibc shows it only to GNU code */
#define _GNU_SOURCE

#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "countyd.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum { S_HIST = 201, S_ATTR = 202 };

struct code {
	const char *display, *query;
	int deed;
};

/* The query codes are countyd's own: SERVICES.md leaves them open. */
static const struct code codes[] = {
	{ "WAR DEED", "WD", 1 }, { "SPEC/W D", "SW", 1 }, { "Q/CL DEED", "QC", 1 },
	{ "JNT DEED", "JT", 1 }, { "WAR DEED+", "WP", 1 }, { "DEED", "DE", 1 },
	{ "TRST DEED", "TD", 1 }, { "DEED TRST", "DT", 0 }, { "REL D/T", "RD", 0 },
	{ "N/TR SALE", "NS", 0 }, { "PROB JUDG", "PJ", 0 },
};

enum {
	C_WAR, C_SPEC, C_QCL, C_JNT, C_WARP, C_DEED, C_TRST_DEED, C_DT, C_REL, C_NTR,
	C_PROB
};

static const char *const codes2[] = { "AFFIDAVIT", "AGREEMENT", "ASSIGNMENT" };

static const char *const developers[] = {
	"PULTE HOME CORPORATION", "SHEA HOMES LIMITED PARTNERSHIP",
	"TAYLOR MORRISON/ARIZONA INC", "DEL WEBB COMMUNITIES INC",
	"MERITAGE HOMES OF ARIZONA INC", "KB HOME PHOENIX INC", "LENNAR ARIZONA INC",
	"ENGLE HOMES/ARIZONA INC",
};

static const char *const lenders[] = {
	"WELLS FARGO BANK NA", "JPMORGAN CHASE BANK NA", "BANK OF AMERICA NA",
	"ROCKET MORTGAGE LLC", "QUICKEN LOANS INC", "U S BANK NA",
	"MORTGAGE ELECTRONIC REGISTRATION SYSTEMS INC", "GUILD MORTGAGE COMPANY",
	"DESERT SCHOOLS FEDERAL CREDIT UNION", "ARIZONA FEDERAL CREDIT UNION",
};

static const char *const trustees[] = {
	"CLEAR RECON CORP", "QUALITY LOAN SERVICE CORP", "TIFFANY & BOSCO PA",
};

/* --- a parcel's history ----------------------------------------------------- */

#define H_DOCS	24
#define H_NAMES	8

struct hdoc {
	uint64_t number;
	long day;
	int code, code2;	/* code2 -1: none */
	int newest;
	int nnames;
	char names[H_NAMES][96];
};

struct history {
	int n;
	struct hdoc d[H_DOCS];
};

int
cd_recorder_number(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 11)
			return -1;
		v = v * 10 + (uint64_t)(s[n] - '0');
	}
	if (n != 11 || v < 10000000000ULL)
		return -1;
	*out = v;
	return 0;
}

/*
 * A recording number for a document other than an assessor's latest deed:
 * year, then 1,010,000 + day of year * 24,000 + a draw, so that they never
 * meet the assessor's numbers (day * 2,700 + a draw).
 */
static uint64_t
other_number(struct cd_rng *r, long day)
{
	int y, m, d;

	cd_civil(day, &y, &m, &d);
	return (uint64_t)y * 10000000ULL + 1010000ULL +
	    (uint64_t)((m - 1) * 31 + d - 1) * 24000ULL + (uint64_t)cd_rng_range(r, 0, 23999);
}

static int
newest_code(struct cd_rng *r, const char *type)
{
	int plus = cd_rng_chance(r, 0.15);

	if (strcmp(type, "SW") == 0)
		return C_SPEC;
	if (strcmp(type, "QC") == 0)
		return C_QCL;
	if (strcmp(type, "JT") == 0)
		return C_JNT;
	if (strcmp(type, "BD") == 0 || strcmp(type, "AF") == 0)
		return C_DEED;
	if (strcmp(type, "TD") == 0)
		return C_TRST_DEED;
	return plus ? C_WARP : C_WAR;
}

static int
older_code(struct cd_rng *r)
{
	static const int w[] = { 55, 10, 8, 8, 7, 6, 6 };
	long u = (long)cd_rng_below(r, 100);
	int c = 0;

	while (c < 6 && u >= w[c])
		u -= w[c++];
	return c;
}

static int
person(const char *o)
{
	return o[0] != '\0' && !cd_is_business(o) && strncmp(o, "MARICOPA COUNTY", 15) != 0;
}

static int
trust(const char *o)
{
	size_t n = strlen(o);

	return strstr(o, " TRUST") != NULL || (n > 3 && strcmp(o + n - 3, " TR") == 0);
}

/*
 * The owner before OWNER: someone unrelated mostly, but now and then the
 * same people (a spouse added or removed, a corrective deed, a quitclaim
 * into the family trust), which sets the deed's code when CODE is not NULL.
 */
static void
previous_owner(struct cd_rng *r, const char *owner_in, char *out, size_t sz, int *code)
{
	double u = cd_rng_unit(r);
	const char *f = cd_gen_first_name(r), *f2 = cd_gen_first_name(r);
	char owner[96];
	int c = -1;

	cd_copy(owner, sizeof(owner), owner_in);	/* OUT is the next row of the caller's array */

	if (person(owner) && strpbrk(owner, "&/") == NULL && u < 0.2) {
		snprintf(out, sz, "%.*s & %s", (int)(sz - 8 - strlen(f)), owner, f);
		c = C_QCL;
	} else if (person(owner) && strchr(owner, '&') != NULL && u < 0.15) {
		size_t n = strcspn(owner, "&");

		while (n > 0 && owner[n - 1] == ' ')
			n--;
		snprintf(out, sz, "%.*s", (int)n, owner);
		c = C_JNT;
	} else if (cd_is_business(owner) && u < 0.1) {
		cd_copy(out, sz, owner);
		c = C_QCL;
	} else if (trust(owner) && u < 0.35) {
		snprintf(out, sz, "%.*s %s & %s", (int)strcspn(owner, " "), owner, f, f2);
		c = C_QCL;
	} else {
		cd_gen_other_owner(r, out, sz);
	}
	if (code != NULL && c >= 0)
		*code = c;
}

static void
add_name(struct hdoc *d, const char *s)
{
	for (int i = 0; i < d->nnames; i++)
		if (strcmp(d->names[i], s) == 0)
			return;
	if (d->nnames < H_NAMES && s[0] != '\0')
		cd_copy(d->names[d->nnames++], sizeof(d->names[0]), s);
}

static void
add_owner(struct hdoc *d, const char *owner)
{
	char parts[4][96];
	int n = cd_split_owner(owner, parts, 4);

	for (int i = 0; i < n; i++)
		add_name(d, parts[i]);
}

static struct hdoc *
new_doc(struct history *h, uint64_t number, long day, int code, struct cd_rng *r)
{
	struct hdoc *d;

	if (h->n >= H_DOCS)
		return NULL;
	d = &h->d[h->n++];
	memset(d, 0, sizeof(*d));
	d->number = number;
	d->day = day;
	d->code = code;
	d->code2 = cd_rng_chance(r, 0.05) ? (int)cd_rng_below(r, NELEM(codes2)) : -1;
	return d;
}

static void
history(uint64_t seed, const struct cd_facts *f, long end, struct history *h)
{
	char owners[6][96];
	long day[5];
	int code[5], nd, k, has_newest;
	uint64_t newest = 0;
	struct cd_rng r;
	double u;
	struct hdoc *d;

	h->n = 0;
	if (f->deed_y == 0)
		return;
	cd_rng_init(&r, seed, f->key, S_HIST);
	u = cd_rng_unit(&r);
	nd = u < 0.35 ? 1 : u < 0.65 ? 2 : u < 0.85 ? 3 : u < 0.95 ? 4 : 5;
	has_newest = cd_recorder_number(f->deed, &newest) == 0;
	cd_copy(owners[0], sizeof(owners[0]), f->owner);
	day[0] = cd_days(f->deed_y, f->deed_m, f->deed_d);
	code[0] = newest_code(&r, f->deed_type);
	for (k = 1; k < nd; k++) {
		day[k] = day[k - 1] - cd_rng_range(&r, 200, 4500);
		if (day[k] < cd_days(1955, 1, 1))
			break;
		code[k] = older_code(&r);
	}
	nd = k;
	for (k = 0; k < nd; k++)
		previous_owner(&r, owners[k], owners[k + 1], sizeof(owners[0]),
		    k > 0 ? &code[k] : NULL);
	if (cd_rng_chance(&r, 0.5))
		cd_copy(owners[nd], sizeof(owners[0]), developers[cd_rng_below(&r, NELEM(developers))]);

	/* the deeds: deed k conveys from owners[k + 1] to owners[k] */
	for (k = 0; k < nd; k++) {
		int grantee_first = cd_rng_chance(&r, 0.3);
		uint64_t num = k == 0 ? newest : other_number(&r, day[k]);

		if (k == 0 && !has_newest)
			continue;
		if ((d = new_doc(h, num, day[k], code[k], &r)) == NULL)
			break;
		d->newest = k == 0;
		add_owner(d, owners[grantee_first ? k : k + 1]);
		add_owner(d, owners[grantee_first ? k + 1 : k]);
	}
	/* deeds of trust with the purchases, and their releases */
	for (k = 0; k < nd; k++) {
		int dt = cd_rng_chance(&r, 0.5) && person(owners[k]);
		int rel = cd_rng_chance(&r, k > 0 ? 0.7 : 0.25);
		const char *lender = lenders[cd_rng_below(&r, NELEM(lenders))];
		long from = k > 0 ? day[k] + 200 : day[0] + 365, to = k > 0 ? day[k - 1] - 1 : end;
		long rday = from <= to ? cd_rng_range(&r, from, to) : 0;
		uint64_t n1 = other_number(&r, day[k]), n2 = rday > 0 ? other_number(&r, rday) : 0;

		if (!dt || (d = new_doc(h, n1, day[k], C_DT, &r)) == NULL)
			continue;
		add_owner(d, owners[k]);
		add_name(d, lender);
		if (!rel || rday == 0 || (d = new_doc(h, n2, rday, C_REL, &r)) == NULL)
			continue;
		add_owner(d, owners[k]);
		add_name(d, lender);
	}
	if (cd_rng_chance(&r, 0.02) && day[0] + 365 <= end) {
		long nday = cd_rng_range(&r, day[0] + 365, end);

		if ((d = new_doc(h, other_number(&r, nday), nday, C_NTR, &r)) != NULL) {
			add_owner(d, owners[0]);
			add_name(d, trustees[cd_rng_below(&r, NELEM(trustees))]);
		}
	}
	if (nd >= 2 && person(owners[1]) && cd_rng_chance(&r, 0.03)) {
		long pday = day[0] - cd_rng_range(&r, 30, 400);
		char parts[4][96];

		if (cd_split_owner(owners[1], parts, 4) > 0 &&
		    (d = new_doc(h, other_number(&r, pday), pday, C_PROB, &r)) != NULL)
			add_name(d, parts[0]);
	}
}

/* --- building the table --------------------------------------------------- */

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap == 0 ? 1024 : *cap;
	while (ncap < need)
		ncap *= 2;
	if ((np = reallocarray(*p, ncap, size)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/*
 * Distinct names, each with an id in order of first sight: a hash table of
 * ids over a text of NUL-terminated names.
 */
struct names {
	char *text;
	size_t len, cap;
	uint32_t *off;		/* id -> offset in text */
	size_t n, offcap;
	uint32_t *slot;		/* 1 + id, 0 for empty */
	uint64_t *hash;
	size_t slots;
};

static void
names_release(struct names *t)
{
	free(t->text);
	free(t->off);
	free(t->slot);
	free(t->hash);
	memset(t, 0, sizeof(*t));
}

static int
names_rehash(struct names *t)
{
	size_t ncap = t->slots == 0 ? 4096 : t->slots * 2, h;
	uint32_t *ns = calloc(ncap, sizeof(*ns));
	uint64_t *nh = calloc(ncap, sizeof(*nh));

	if (ns == NULL || nh == NULL) {
		free(ns);
		free(nh);
		return -1;
	}
	for (size_t i = 0; i < t->slots; i++) {
		if (t->slot[i] == 0)
			continue;
		for (h = (size_t)t->hash[i] & (ncap - 1); ns[h] != 0; h = (h + 1) & (ncap - 1))
			;
		ns[h] = t->slot[i];
		nh[h] = t->hash[i];
	}
	free(t->slot);
	free(t->hash);
	t->slot = ns;
	t->hash = nh;
	t->slots = ncap;
	return 0;
}

/* The id of NAME, added when new; -1 when out of memory. */
static long
names_id(struct names *t, const char *name)
{
	size_t len = strlen(name), h;
	uint64_t hv = cd_hash_bytes(0, name, len) | 1;

	if ((t->n + 1) * 2 > t->slots && names_rehash(t) == -1)
		return -1;
	for (h = (size_t)hv & (t->slots - 1); t->slot[h] != 0; h = (h + 1) & (t->slots - 1))
		if (t->hash[h] == hv && strcmp(t->text + t->off[t->slot[h] - 1], name) == 0)
			return t->slot[h] - 1;
	if (t->len + len + 1 >= UINT32_MAX ||
	    grow((void **)&t->text, &t->cap, t->len + len + 1, 1) == -1 ||
	    grow((void **)&t->off, &t->offcap, t->n + 1, sizeof(*t->off)) == -1)
		return -1;
	memcpy(t->text + t->len, name, len + 1);
	t->off[t->n] = (uint32_t)t->len;
	t->len += len + 1;
	t->slot[h] = (uint32_t)++t->n;
	t->hash[h] = hv;
	return (long)t->n - 1;
}

/* A document while the table is built: its names are ids in its slice's table. */
struct bdoc {
	struct cd_rdoc d;
	uint32_t slice, name0, nnames;
	uint32_t xfirst, nx;	/* other parcels' latest deeds of the same number */
};

struct slice {
	uint64_t seed;
	cd_facts_fn fn;
	void *ctx;
	long lo, hi, end;
	struct bdoc *docs;
	size_t ndocs, capdocs;
	uint32_t *names;	/* ids in the slice's table */
	size_t nnames, capnames;
	struct names table;
	uint32_t *global;	/* the slice's ids -> global ones */
	int failed;
};

static void *
build_slice(void *arg)
{
	struct slice *s = arg;
	struct history *h = malloc(sizeof(*h));
	struct cd_facts *f = malloc(sizeof(*f));

	if (h == NULL || f == NULL)
		goto fail;
	for (long i = s->lo; i < s->hi; i++) {
		if (s->fn(s->ctx, i, f) == -1)
			continue;
		history(s->seed, f, s->end, h);
		for (int k = 0; k < h->n; k++) {
			const struct hdoc *d = &h->d[k];
			struct bdoc *b;
			int y, m, dd;

			if (grow((void **)&s->docs, &s->capdocs, s->ndocs + 1, sizeof(*s->docs)) == -1 ||
			    grow((void **)&s->names, &s->capnames, s->nnames + H_NAMES,
			    sizeof(*s->names)) == -1)
				goto fail;
			b = &s->docs[s->ndocs++];
			memset(b, 0, sizeof(*b));
			cd_civil(d->day, &y, &m, &dd);
			b->d.number = d->number;
			b->d.parcel = (uint32_t)i;
			b->d.ymd = (uint32_t)(y * 10000 + m * 100 + dd);
			b->d.code = (uint8_t)d->code;
			b->d.code2 = d->code2 < 0 ? 0xff : (uint8_t)d->code2;
			b->d.newest = (uint8_t)d->newest;
			b->d.slot = (uint8_t)k;
			b->name0 = (uint32_t)s->nnames;
			b->nnames = (uint32_t)d->nnames;
			for (int j = 0; j < d->nnames; j++) {
				long id = names_id(&s->table, d->names[j]);

				if (id < 0)
					goto fail;
				s->names[s->nnames++] = (uint32_t)id;
			}
		}
	}
	free(h);
	free(f);
	return NULL;
fail:
	free(h);
	free(f);
	s->failed = 1;
	return NULL;
}

/* One recording number, one document: the assessor's latest deeds first. */
static int
cmp_number(const void *a, const void *b)
{
	const struct cd_rdoc *x = &((const struct bdoc *)a)->d, *y = &((const struct bdoc *)b)->d;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	if (x->newest != y->newest)
		return x->newest > y->newest ? -1 : 1;
	if (x->parcel != y->parcel)
		return x->parcel < y->parcel ? -1 : 1;
	return (int)x->slot - (int)y->slot;
}

/* Newest first: by date, then by number. */
static int
cmp_newest(const void *a, const void *b)
{
	const struct cd_rdoc *x = &((const struct bdoc *)a)->d, *y = &((const struct bdoc *)b)->d;

	if (x->ymd != y->ymd)
		return x->ymd > y->ymd ? -1 : 1;
	if (x->number != y->number)
		return x->number > y->number ? -1 : 1;
	return 0;
}

/* qsort(3) has no context argument; the build runs before any request thread. */
static const struct names *sort_names;
static const struct cd_rdoc *sort_docs;

static int
cmp_name(const void *a, const void *b)
{
	const char *t = sort_names->text;

	return strcmp(t + sort_names->off[*(const uint32_t *)a],
	    t + sort_names->off[*(const uint32_t *)b]);
}

static int
cmp_doc_number(const void *a, const void *b)
{
	uint64_t x = sort_docs[*(const uint32_t *)a].number;
	uint64_t y = sort_docs[*(const uint32_t *)b].number;

	return x < y ? -1 : x > y;
}

int
cd_recorder_build(struct cd_recorder *r, const struct cd_county *c, long n, cd_facts_fn fn,
    void *ctx, long today)
{
	enum { MAXT = 16 };
	struct slice sl[MAXT];
	pthread_t tid[MAXT];
	int started[MAXT];
	long nt = sysconf(_SC_NPROCESSORS_ONLN);
	struct bdoc *all = NULL, *extra = NULL;
	size_t nextra = 0, xcap = 0;
	struct names global;
	uint32_t *rank = NULL, *order = NULL, *tmp = NULL;
	size_t total = 0, kept = 0, dn = 0;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&global, 0, sizeof(global));
	r->seed = c->seed;
	if (nt < 1)
		nt = 1;
	if (nt > MAXT)
		nt = MAXT;
	if (n < 10000)
		nt = 1;
	for (long t = 0; t < nt; t++) {
		memset(&sl[t], 0, sizeof(sl[t]));
		sl[t].seed = c->seed;
		sl[t].fn = fn;
		sl[t].ctx = ctx;
		sl[t].lo = n * t / nt;
		sl[t].hi = n * (t + 1) / nt;
		sl[t].end = today - 1;
		started[t] = pthread_create(&tid[t], NULL, build_slice, &sl[t]) == 0;
		if (!started[t])
			build_slice(&sl[t]);
	}
	for (long t = 0; t < nt; t++)
		if (started[t])
			pthread_join(tid[t], NULL);
	for (long t = 0; t < nt; t++) {
		if (sl[t].failed)
			goto out;
		total += sl[t].ndocs;
		/* the slice's distinct names into the county's */
		if ((sl[t].global = reallocarray(NULL, sl[t].table.n + 1,
		    sizeof(*sl[t].global))) == NULL)
			goto out;
		for (size_t i = 0; i < sl[t].table.n; i++) {
			long id = names_id(&global, sl[t].table.text + sl[t].table.off[i]);

			if (id < 0)
				goto out;
			sl[t].global[i] = (uint32_t)id;
		}
		free(sl[t].table.slot);
		free(sl[t].table.hash);
		sl[t].table.slot = NULL;
		sl[t].table.hash = NULL;
	}
	if (total >= UINT32_MAX || (all = reallocarray(NULL, total + 1, sizeof(*all))) == NULL)
		goto out;
	for (long t = 0; t < nt; t++) {
		for (size_t i = 0; i < sl[t].ndocs; i++) {
			all[kept] = sl[t].docs[i];
			all[kept++].slice = (uint32_t)t;
		}
		free(sl[t].docs);
		sl[t].docs = NULL;
	}
	/*
	 * One document a number, the assessor's latest deed first.  Two parcels
	 * whose latest deeds share a number share one deed that conveyed both:
	 * its names are both parcels' parties.  Any other duplicate is dropped.
	 */
	qsort(all, total, sizeof(*all), cmp_number);
	kept = 0;
	for (size_t i = 0; i < total; i++) {
		if (kept > 0 && all[kept - 1].d.number == all[i].d.number) {
			if (all[i].d.newest && all[kept - 1].d.newest) {
				if (grow((void **)&extra, &xcap, nextra + 1, sizeof(*extra)) == -1)
					goto out;
				extra[nextra++] = all[i];
				all[kept - 1].nx++;
			}
			continue;
		}
		all[kept] = all[i];
		all[kept].xfirst = (uint32_t)nextra;
		all[kept].nx = 0;
		kept++;
	}
	qsort(all, kept, sizeof(*all), cmp_newest);

	for (size_t i = 0; i < kept; i++)
		dn += all[i].nnames;
	for (size_t i = 0; i < nextra; i++)
		dn += extra[i].nnames;
	if (dn >= UINT32_MAX ||
	    (tmp = reallocarray(NULL, dn + 1, sizeof(*tmp))) == NULL ||
	    (r->dn_off = reallocarray(NULL, kept + 1, sizeof(*r->dn_off))) == NULL ||
	    (r->dn = reallocarray(NULL, dn + 1, sizeof(*r->dn))) == NULL ||
	    (r->doc = reallocarray(NULL, kept + 1, sizeof(*r->doc))) == NULL)
		goto out;
	dn = 0;
	for (size_t i = 0; i < kept; i++) {
		const struct slice *s = &sl[all[i].slice];

		r->doc[i] = all[i].d;
		r->dn_off[i] = (uint32_t)dn;
		for (uint32_t j = 0; j < all[i].nnames; j++)
			tmp[dn++] = s->global[s->names[all[i].name0 + j]];
		for (uint32_t x = all[i].xfirst; x < all[i].xfirst + all[i].nx; x++) {
			const struct slice *xs = &sl[extra[x].slice];

			for (uint32_t j = 0; j < extra[x].nnames; j++) {
				uint32_t id = xs->global[xs->names[extra[x].name0 + j]], k;

				for (k = r->dn_off[i]; k < dn && tmp[k] != id; k++)
					;
				if (k == dn)
					tmp[dn++] = id;
			}
		}
	}
	r->dn_off[kept] = (uint32_t)dn;
	r->ndocs = (long)kept;

	/* sort the distinct names; a name's final id is its rank */
	if ((order = reallocarray(NULL, global.n + 1, sizeof(*order))) == NULL ||
	    (rank = reallocarray(NULL, global.n + 1, sizeof(*rank))) == NULL ||
	    (r->text = malloc(global.len + 1)) == NULL ||
	    (r->name_off = reallocarray(NULL, global.n + 1, sizeof(*r->name_off))) == NULL ||
	    (r->post_off = calloc(global.n + 2, sizeof(*r->post_off))) == NULL ||
	    (r->post = reallocarray(NULL, dn + 1, sizeof(*r->post))) == NULL ||
	    (r->by_number = reallocarray(NULL, kept + 1, sizeof(*r->by_number))) == NULL)
		goto out;
	for (size_t i = 0; i < global.n; i++)
		order[i] = (uint32_t)i;
	sort_names = &global;
	qsort(order, global.n, sizeof(*order), cmp_name);
	for (size_t i = 0; i < global.n; i++) {
		const char *name = global.text + global.off[order[i]];
		size_t l = strlen(name);

		rank[order[i]] = (uint32_t)i;
		r->name_off[i] = (uint32_t)r->len;
		memcpy(r->text + r->len, name, l);
		r->len += l;
		r->text[r->len++] = '\n';
	}
	r->name_off[global.n] = (uint32_t)r->len;
	r->text[r->len] = '\0';
	r->nnames = (long)global.n;

	/* the postings, each in document order: newest first */
	for (size_t i = 0; i < dn; i++) {
		r->dn[i] = rank[tmp[i]];
		r->post_off[r->dn[i] + 1]++;
	}
	for (size_t i = 0; i < global.n; i++)
		r->post_off[i + 1] += r->post_off[i];
	for (size_t i = 0; i < kept; i++)
		for (uint32_t j = r->dn_off[i]; j < r->dn_off[i + 1]; j++)
			r->post[r->post_off[r->dn[j]]++] = (uint32_t)i;
	/* the fill advanced each start to the next one's: shift back */
	for (size_t i = global.n; i > 0; i--)
		r->post_off[i] = r->post_off[i - 1];
	r->post_off[0] = 0;

	for (size_t i = 0; i < kept; i++)
		r->by_number[i] = (uint32_t)i;
	sort_docs = r->doc;
	qsort(r->by_number, kept, sizeof(*r->by_number), cmp_doc_number);
	rc = 0;
out:
	for (long t = 0; t < nt; t++) {
		free(sl[t].docs);
		free(sl[t].names);
		free(sl[t].global);
		names_release(&sl[t].table);
	}
	names_release(&global);
	free(all);
	free(extra);
	free(rank);
	free(order);
	free(tmp);
	if (rc == -1)
		cd_recorder_release(r);
	return rc;
}

void
cd_recorder_release(struct cd_recorder *r)
{
	free(r->doc);
	free(r->by_number);
	free(r->dn_off);
	free(r->dn);
	free(r->text);
	free(r->name_off);
	free(r->post_off);
	free(r->post);
	memset(r, 0, sizeof(*r));
}

long
cd_recorder_find(const struct cd_recorder *r, uint64_t number)
{
	long lo = 0, hi = r->ndocs - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		uint64_t v = r->doc[r->by_number[mid]].number;

		if (v == number)
			return r->by_number[mid];
		if (v < number)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* --- answers ----------------------------------------------------------------- */

struct attr {
	int restricted, pages, affidavit, aff_pages;
	long docket, pagemap;
};

/* What a document says beyond its number, date, codes and names. */
static void
attrs(const struct cd_recorder *r, const struct cd_rdoc *d, struct attr *a)
{
	struct cd_rng g;

	cd_rng_init(&g, r->seed, d->number, S_ATTR);
	a->restricted = cd_rng_chance(&g, 0.03);
	a->pages = (int)cd_rng_range(&g, 1, codes[d->code].deed ? 6 : 25);
	a->affidavit = codes[d->code].deed && cd_rng_chance(&g, 0.85);
	a->aff_pages = a->affidavit ? (int)cd_rng_range(&g, 1, 2) : 0;
	a->docket = a->pagemap = 0;
	if (d->ymd / 10000 < 1983) {
		/* before 1983 a document was also filed by docket and page */
		a->docket = cd_rng_range(&g, 1000, 16999);
		a->pagemap = cd_rng_range(&g, 1, 999);
	}
}

static void
name_text(const struct cd_recorder *r, uint32_t id, char *out, size_t sz)
{
	size_t n = r->name_off[id + 1] - r->name_off[id] - 1;

	if (n >= sz)
		n = sz - 1;
	memcpy(out, r->text + r->name_off[id], n);
	out[n] = '\0';
}

static void
date_mdy(char *out, size_t sz, uint32_t ymd)
{
	snprintf(out, sz, "%u-%02u-%04u", ymd / 100 % 100, ymd % 100, ymd / 10000);
}

void
cd_recorder_detail(const struct cd_recorder *r, long i, struct cd_buf *b)
{
	const struct cd_rdoc *d = &r->doc[i];
	char name[128];
	struct attr a;

	attrs(r, d, &a);
	cd_json_open(b, NULL, '{');
	cd_json_open(b, "names", '[');
	for (uint32_t j = r->dn_off[i]; j < r->dn_off[i + 1]; j++) {
		name_text(r, r->dn[j], name, sizeof(name));
		cd_json_str(b, NULL, name);
	}
	cd_json_close(b, ']');
	cd_json_open(b, "documentCodes", '[');
	cd_json_str(b, NULL, codes[d->code].display);
	if (d->code2 != 0xff)
		cd_json_str(b, NULL, codes2[d->code2]);
	cd_json_close(b, ']');
	date_mdy(name, sizeof(name), d->ymd);
	cd_json_str(b, "recordingDate", name);
	cd_json_strf(b, "recordingNumber", "%" PRIu64, d->number);
	cd_json_int(b, "pageAmount", a.pages);
	cd_json_int(b, "docketBook", a.docket);
	cd_json_int(b, "pageMap", a.pagemap);
	cd_json_bool(b, "affidavitPresent", a.affidavit);
	cd_json_int(b, "affidavitPageAmount", a.aff_pages);
	cd_json_bool(b, "restricted", a.restricted);
	cd_json_close(b, '}');
	cd_json_end(b);
}

/* A search as countyd runs it: names already upper case and trimmed. */
struct query {
	char prefix[256];	/* lastNames [firstNames [middleNameIs]], "" for none */
	char business[256];	/* "" for none */
	int code;		/* -1 any, -2 none can match */
	uint32_t begin, end;	/* yyyymmdd, 0 for open */
};

/* Compare name ID with prefix P: 0 when the name starts with P. */
static int
cmp_prefix(const struct cd_recorder *r, uint32_t id, const char *p, size_t pl)
{
	size_t n = r->name_off[id + 1] - r->name_off[id] - 1;
	int c = memcmp(r->text + r->name_off[id], p, n < pl ? n : pl);

	if (c != 0)
		return c;
	return n < pl ? -1 : 0;
}

/* The name holding text position POS. */
static uint32_t
name_at(const struct cd_recorder *r, size_t pos)
{
	long lo = 0, hi = r->nnames;	/* name_off[lo] <= pos < name_off[hi] */

	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;

		if (r->name_off[mid] <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

static int
name_contains(const struct cd_recorder *r, uint32_t id, const char *s, size_t sl)
{
	size_t n = r->name_off[id + 1] - r->name_off[id] - 1;

	return memmem(r->text + r->name_off[id], n, s, sl) != NULL;
}

/* The ids of the names Q matches, ascending, in a malloc'd array; its size in *N. */
static uint32_t *
matching_names(const struct cd_recorder *r, const struct query *q, size_t *n)
{
	size_t pl = strlen(q->prefix), bl = strlen(q->business), cap = 64;
	uint32_t *ids = malloc(cap * sizeof(*ids));

	*n = 0;
	if (ids == NULL)
		return NULL;
	if (pl > 0) {
		long lo = 0, hi = r->nnames;

		while (lo < hi) {	/* the first name not below the prefix */
			long mid = lo + (hi - lo) / 2;

			if (cmp_prefix(r, (uint32_t)mid, q->prefix, pl) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < r->nnames && cmp_prefix(r, (uint32_t)lo, q->prefix, pl) == 0; lo++) {
			if (bl > 0 && !name_contains(r, (uint32_t)lo, q->business, bl))
				continue;
			if (grow((void **)&ids, &cap, *n + 1, sizeof(*ids)) == -1)
				goto oom;
			ids[(*n)++] = (uint32_t)lo;
		}
		return ids;
	}
	for (size_t pos = 0; bl > 0 && pos < r->len;) {
		const char *hit = memmem(r->text + pos, r->len - pos, q->business, bl);
		uint32_t id;

		if (hit == NULL)
			break;
		id = name_at(r, (size_t)(hit - r->text));
		if (grow((void **)&ids, &cap, *n + 1, sizeof(*ids)) == -1)
			goto oom;
		ids[(*n)++] = id;
		pos = r->name_off[id + 1];
	}
	return ids;
oom:
	free(ids);
	return NULL;
}

struct cursor {
	uint32_t doc, name, pos, end;
};

static int
cursor_less(const struct cursor *a, const struct cursor *b)
{
	return a->doc != b->doc ? a->doc < b->doc : a->name < b->name;
}

static void
sift_down(struct cursor *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct cursor t;

		if (l < n && cursor_less(&h[l], &h[m]))
			m = l;
		if (l + 1 < n && cursor_less(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/*
 * The rows of Q, newest first, one per (document, matching name): stores rows
 * FIRST .. FIRST+MAX-1 in DOCS and NAMES, and returns how many rows there are
 * up to CD_REC_CAP, or -1 when memory ran out.
 */
static long
run_query(const struct cd_recorder *r, const struct query *q, long first, long max,
    uint32_t *docs, uint32_t *names)
{
	size_t n, live = 0;
	uint32_t *ids;
	struct cursor *h;
	long total = 0;

	if (q->code == -2)
		return 0;
	if ((ids = matching_names(r, q, &n)) == NULL)
		return -1;
	if ((h = reallocarray(NULL, n + 1, sizeof(*h))) == NULL) {
		free(ids);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct cursor c = { 0, ids[i], r->post_off[ids[i]], r->post_off[ids[i] + 1] };

		if (c.pos < c.end) {
			c.doc = r->post[c.pos];
			h[live++] = c;
		}
	}
	free(ids);
	for (size_t i = live / 2; i-- > 0;)
		sift_down(h, live, i);
	while (live > 0 && total < CD_REC_CAP) {
		const struct cd_rdoc *d = &r->doc[h[0].doc];

		if ((q->code < 0 || d->code == q->code) && (q->begin == 0 || d->ymd >= q->begin) &&
		    (q->end == 0 || d->ymd <= q->end)) {
			if (total >= first && total < first + max) {
				docs[total - first] = h[0].doc;
				names[total - first] = h[0].name;
			}
			total++;
		}
		if (++h[0].pos < h[0].end)
			h[0].doc = r->post[h[0].pos];
		else
			h[0] = h[--live];
		sift_down(h, live, 0);
	}
	free(h);
	return total;
}

/* Upper-case copy of S, blanks trimmed, into OUT; "" for NULL. */
static void
upper(const char *s, char *out, size_t sz)
{
	size_t n;

	out[0] = '\0';
	if (s == NULL)
		return;
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= sz)
		n = sz - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	out[n] = '\0';
}

static int
int_param(const char *s, long lo, long hi, long def, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0') {
		*out = def;
		return 0;
	}
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int
date_param(const char *s, uint32_t *out)
{
	int y, m, d, n = 0;

	*out = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] != '\0' || m < 1 ||
	    m > 12 || d < 1 || d > 31)
		return -1;
	*out = (uint32_t)(y * 10000 + m * 100 + d);
	return 0;
}

static unsigned
bad(struct cd_buf *b, const char *msg)
{
	cd_json_open(b, NULL, '{');
	cd_json_str(b, "message", msg);
	cd_json_close(b, '}');
	cd_json_end(b);
	return 400;
}

unsigned
cd_recorder_search(const struct cd_recorder *r, const struct cd_rquery *rq, struct cd_buf *b)
{
	char last[96], first[96], middle[96], code[32], name[128];
	uint32_t docs[CD_REC_MAXPAGE], names[CD_REC_MAXPAGE];
	struct query q;
	long size, page, total, nrows;

	memset(&q, 0, sizeof(q));
	q.code = -1;
	if (int_param(rq->size, 1, CD_REC_MAXPAGE, 20, &size) == -1)
		return bad(b, "pageSize must be 1 to 200");
	if (int_param(rq->page, 1, 1000000, 1, &page) == -1)
		return bad(b, "pageNumber must be 1 or more");
	if (date_param(rq->begin, &q.begin) == -1 || date_param(rq->end, &q.end) == -1)
		return bad(b, "dates must be YYYY-MM-DD");
	upper(rq->last, last, sizeof(last));
	upper(rq->first, first, sizeof(first));
	upper(rq->middle, middle, sizeof(middle));
	upper(rq->business, q.business, sizeof(q.business));
	upper(rq->code, code, sizeof(code));
	if (last[0] == '\0' && q.business[0] == '\0')
		return bad(b, "lastNames or businessNames is required");
	if (last[0] != '\0')
		snprintf(q.prefix, sizeof(q.prefix), "%.95s %.95s%s%.60s", last, first,
		    first[0] != '\0' && middle[0] != '\0' ? " " : "",
		    first[0] != '\0' ? middle : "");
	if (code[0] != '\0') {
		q.code = -2;
		for (size_t i = 0; i < NELEM(codes); i++)
			if (strcmp(code, codes[i].query) == 0 || strcmp(code, codes[i].display) == 0)
				q.code = (int)i;
	}
	total = run_query(r, &q, (page - 1) * size, size, docs, names);
	if (total < 0) {
		b->oom = 1;
		return 500;
	}
	nrows = total - (page - 1) * size;
	if (nrows < 0)
		nrows = 0;
	if (nrows > size)
		nrows = size;
	cd_json_open(b, NULL, '{');
	cd_json_open(b, "searchResults", '[');
	for (long i = 0; i < nrows; i++) {
		const struct cd_rdoc *d = &r->doc[docs[i]];
		struct attr a;
		char v[32];

		attrs(r, d, &a);
		cd_json_open(b, NULL, '{');
		name_text(r, names[i], name, sizeof(name));
		cd_json_str(b, "names", name);
		snprintf(v, sizeof(v), "%" PRIu64, d->number);
		cd_json_raw(b, "recordingNumber", v);
		cd_json_str(b, "recordingSuffix", "");
		date_mdy(v, sizeof(v), d->ymd);
		cd_json_str(b, "recordingDate", v);
		cd_json_str(b, "documentCode", codes[d->code].display);
		cd_json_strf(b, "docketBook", "%ld", a.docket);
		cd_json_strf(b, "pageMap", "%ld", a.pagemap);
		cd_json_close(b, '}');
	}
	cd_json_close(b, ']');
	cd_json_int(b, "totalResults", total);
	cd_json_close(b, '}');
	cd_json_end(b);
	return 200;
}

void
cd_recorder_malformed(const struct cd_recorder *r, long doc, int search, unsigned variant,
    struct cd_buf *b)
{
	if ((variant & 1) == 0) {
		if ((variant & 2) != 0 && !search && doc >= 0) {
			/* the body cut in half: JSON that never closes */
			cd_recorder_detail(r, doc, b);
			if (!b->oom) {
				b->len /= 2;
				b->p[b->len] = '\0';
			}
			return;
		}
		cd_buf_puts(b, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
		    "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n");
		return;
	}
	/* JSON, of the wrong types */
	if (search)
		cd_buf_puts(b, "{\"searchResults\":{\"names\":5,\"recordingNumber\":[20150453721]},"
		    "\"totalResults\":\"many\"}");
	else
		cd_buf_puts(b, "{\"names\":5,\"documentCodes\":\"WAR DEED\",\"recordingDate\":20150625,"
		    "\"recordingNumber\":true,\"pageAmount\":\"5\",\"docketBook\":0,\"pageMap\":0,"
		    "\"affidavitPresent\":\"yes\",\"affidavitPageAmount\":2,\"restricted\":null}");
}

/* --- truth -------------------------------------------------------------------- */

void
cd_recorder_truth(cJSON *t, const struct cd_recorder *r, const struct cd_facts *f)
{
	cJSON *sales = cJSON_AddArrayToObject(t, "sales");
	uint32_t found[CD_REC_CAP + 1], docs[CD_REC_CAP], names[CD_REC_CAP];
	char name[128], v[32];
	size_t nfound = 0;
	uint64_t newest = 0;
	long i, total;
	struct query q;

	/* 1. the detail of MostCurrentDeed */
	if (cd_recorder_number(f->deed, &newest) == 0 && (i = cd_recorder_find(r, newest)) >= 0)
		found[nfound++] = (uint32_t)i;
	/* 2. a search by the owner's name, every page, deeds only */
	memset(&q, 0, sizeof(q));
	q.code = -1;
	if (cd_is_business(f->owner)) {
		upper(f->owner, q.business, sizeof(q.business));
	} else {
		char part[128], w1[96] = "", w2[96] = "";

		/* the part before any & or /: its first word, then its second */
		upper(f->owner, part, sizeof(part));
		part[strcspn(part, "&/")] = '\0';
		if (sscanf(part, "%95s %95s", w1, w2) >= 1)
			snprintf(q.prefix, sizeof(q.prefix), "%.100s %.100s", w1, w2);
	}
	total = q.prefix[0] != '\0' || q.business[0] != '\0' ?
	    run_query(r, &q, 0, CD_REC_CAP, docs, names) : 0;
	/* only results in the owner's own name: a business's whole name, a person's before & or / */
	char who[128];
	upper(f->owner, who, sizeof(who));
	if (!cd_is_business(f->owner))
		who[strcspn(who, "&/")] = '\0';
	for (size_t n = strlen(who); n > 0 && who[n - 1] == ' '; n--)
		who[n - 1] = '\0';
	for (long k = 0; k < total; k++) {
		size_t j;

		if (!codes[r->doc[docs[k]].code].deed)
			continue;
		name_text(r, names[k], name, sizeof(name));
		if (strcasecmp(name, who) != 0)
			continue;
		for (j = 0; j < nfound && found[j] != docs[k]; j++)
			;
		if (j == nfound)
			found[nfound++] = docs[k];
	}
	/* by recording number, descending (requests run this at once: no qsort globals) */
	for (size_t k = 1; k < nfound; k++) {
		uint32_t x = found[k];
		size_t j = k;

		for (; j > 0 && r->doc[found[j - 1]].number < r->doc[x].number; j--)
			found[j] = found[j - 1];
		found[j] = x;
	}
	for (size_t k = 0; k < nfound; k++) {
		const struct cd_rdoc *d = &r->doc[found[k]];
		cJSON *o = cJSON_CreateObject(), *list;
		struct attr a;

		attrs(r, d, &a);
		cJSON_AddStringToObject(o, "apn", f->apn);
		snprintf(v, sizeof(v), "%" PRIu64, d->number);
		cJSON_AddStringToObject(o, "recording_number", v);
		snprintf(v, sizeof(v), "%04u-%02u-%02u", d->ymd / 10000, d->ymd / 100 % 100,
		    d->ymd % 100);
		cJSON_AddStringToObject(o, "recording_date", v);
		cJSON_AddStringToObject(o, "document_code", codes[d->code].display);
		list = cJSON_AddArrayToObject(o, "names");
		for (uint32_t j = r->dn_off[found[k]]; j < r->dn_off[found[k] + 1]; j++) {
			name_text(r, r->dn[j], name, sizeof(name));
			cJSON_AddItemToArray(list, cJSON_CreateString(name));
		}
		if (d->number == newest && f->has_price)
			cJSON_AddNumberToObject(o, "sale_price", f->price);
		else
			cJSON_AddNullToObject(o, "sale_price");
		cJSON_AddBoolToObject(o, "restricted", a.restricted);
		cJSON_AddStringToObject(o, "source", "recorder");
		cJSON_AddItemToArray(sales, o);
	}
}
