/*
 * recorder.c - the recorder: every parcel's history (chain.c) in one table,
 * its document detail, its name search and the truth of each parcel's
 * deeds (SERVICES.md).
 *
 * The search has no parcel filter, as the real one has none, so it needs
 * every document of the county at hand: the histories are drawn once at
 * start-up, recording numbers given in date order across the county, and
 * only numbers, dates, codes and names are kept.  Names are kept once each,
 * sorted, with the documents they appear on, so a last-name search is a
 * binary search and its rows come out in the real order (name, then
 * number) without sorting; a business search scans the distinct names.
 *
 * Which document changed which parcel's owner is kept from the histories
 * (the chains): the truth reads it from there and never from a search.
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

enum { S_ATTR = 202, S_NUMBER = 203 };

/*
 * The display codes are the real ones (FORMATS.md section 3); the two-letter
 * query codes are countyd's own, SERVICES.md lists them.  TYPE is the
 * assessor's DeedType of a deed.
 */
static const struct code {
	const char *display, *query, *type;
} codes[CD_NCODES] = {
	[CD_C_WAR] = { "WAR DEED", "WD", "WD" },
	[CD_C_SPEC] = { "SPEC/W D", "SW", "SW" },
	[CD_C_QCL] = { "Q/CL DEED", "QC", "QC" },
	[CD_C_JNT] = { "JNT DEED", "JT", "JT" },
	[CD_C_TRST_DEED] = { "TRST DEED", "TD", "TD" },
	[CD_C_DEED] = { "DEED", "DE", "DE" },
	[CD_C_BENE] = { "BENE DEED", "BD", "BD" },
	[CD_C_PROB_DEED] = { "PROB DEED", "PD", "PD" },
	[CD_C_DT] = { "DEED TRST", "DT", NULL },
	[CD_C_REL] = { "REL D/T", "RD", NULL },
	[CD_C_ASSIGN] = { "ASSIGNMNT", "AS", NULL },
	[CD_C_RELEASE] = { "RELEASE", "RL", NULL },
	[CD_C_LIEN] = { "LIEN", "LN", NULL },
	[CD_C_JUDG] = { "JUDGMENT", "JG", NULL },
	[CD_C_FIN] = { "FIN STATE", "FS", NULL },
	[CD_C_MED] = { "MED LIEN", "ML", NULL },
	[CD_C_SUB] = { "SUB TRSTE", "ST", NULL },
	[CD_C_NTR] = { "N/TR SALE", "NS", NULL },
	[CD_C_DISC] = { "DISCLAIMR", "DC", NULL },
	[CD_C_PROB_JUDG] = { "PROB JUDG", "PJ", NULL },
	[CD_C_AF_DISCLS] = { "AF DISCLS", "AD", NULL },
	[CD_C_AGREEMENT] = { "AGREEMENT", "AG", NULL },
};

const char *
cd_code_display(int code)
{
	return code >= 0 && code < CD_NCODES ? codes[code].display : "";
}

const char *
cd_code_query(int code)
{
	return code >= 0 && code < CD_NCODES ? codes[code].query : "";
}

const char *
cd_code_deed_type(int code)
{
	return code >= 0 && code < CD_C_DEEDS ? codes[code].type : "";
}

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


/*
 * A document while the table is built, its names inline (the slice's ids,
 * then the county's), so that reading it in date order costs one cache
 * line: the histories are drawn parcel by parcel, each over decades.
 */
struct bdoc {
	uint64_t number;	/* the assessor's (--dir), then the one given */
	int32_t day;
	uint32_t ymd;
	uint32_t parcel;
	uint8_t code, code2, deed, nnames;
	uint32_t names[CD_H_NAMES];
};

struct slice {
	const struct cd_county *c;
	cd_facts_fn fn;
	void *ctx;
	long lo, hi, end;
	struct bdoc *docs;
	size_t ndocs, capdocs;
	struct names table;
	char *owners;		/* each parcel's owner, NUL-terminated, in parcel order */
	size_t olen, ocap;
	int failed;
};

static uint32_t
ymd_of(long day)
{
	int y, m, d;

	cd_civil(day, &y, &m, &d);
	return (uint32_t)(y * 10000 + m * 100 + d);
}

static void *
build_slice(void *arg)
{
	struct slice *s = arg;
	struct cd_history *h = malloc(sizeof(*h));
	struct cd_facts *f = malloc(sizeof(*f));

	if (h == NULL || f == NULL)
		goto fail;
	for (long i = s->lo; i < s->hi; i++) {
		size_t ol;

		if (s->fn != NULL && s->fn(s->ctx, i, f) == -1) {
			h->n = 0;
			h->owner[0] = '\0';
		} else {
			cd_history(s->c, i, s->fn != NULL ? f : NULL, s->end, h);
		}
		ol = strlen(h->owner) + 1;
		if (grow((void **)&s->owners, &s->ocap, s->olen + ol, 1) == -1 ||
		    grow((void **)&s->docs, &s->capdocs, s->ndocs + (size_t)h->n,
		    sizeof(*s->docs)) == -1)
			goto fail;
		memcpy(s->owners + s->olen, h->owner, ol);
		s->olen += ol;
		for (int k = 0; k < h->n; k++) {
			const struct cd_hdoc *d = &h->d[k];
			struct bdoc *b = &s->docs[s->ndocs++];

			b->number = d->number;
			b->day = (int32_t)d->day;
			b->ymd = ymd_of(d->day);
			b->parcel = (uint32_t)i;
			b->code = d->code;
			b->code2 = d->code2;
			b->deed = d->deed;
			b->nnames = d->nnames;
			for (int j = 0; j < d->nnames; j++) {
				long id = names_id(&s->table, d->names[j]);

				if (id < 0)
					goto fail;
				b->names[j] = (uint32_t)id;
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

/* qsort(3) has no context argument; the build runs before any request thread. */
static const struct names *sort_names;
static const struct bdoc *sort_docs;

static int
cmp_name(const void *a, const void *b)
{
	const char *t = sort_names->text;

	return strcmp(t + sort_names->off[*(const uint32_t *)a],
	    t + sort_names->off[*(const uint32_t *)b]);
}

static int
cmp_number(const void *a, const void *b)
{
	uint64_t x = sort_docs[*(const uint32_t *)a].number;
	uint64_t y = sort_docs[*(const uint32_t *)b].number;

	return x < y ? -1 : x > y;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Recording numbers in date order: the year, then a count through the year
 * that starts near 10,000 and leaves a small gap between one parcel's
 * documents of a day and the next's, so that a sale's deed and deed of
 * trust have consecutive numbers, as the real ones do.  FIXED (sorted)
 * are the assessor's numbers (--dir), which no other document takes.
 */
static void
number_docs(struct bdoc *all, const uint32_t *order, size_t n, uint64_t seed,
    const uint64_t *fixed, size_t nfixed)
{
	struct cd_rng r;
	uint64_t count = 0;
	const struct bdoc *prev = NULL;
	int year = -1;

	cd_rng_init(&r, seed, 0, S_NUMBER);
	for (size_t k = 0; k < n; k++) {
		struct bdoc *b = &all[order[k]];
		int y = (int)(b->ymd / 10000);
		uint64_t v;

		if (b->number != 0)
			continue;
		if (y != year) {
			year = y;
			count = 10000 + cd_rng_below(&r, 3000);
		} else if (prev != NULL && (prev->day != b->day || prev->parcel != b->parcel)) {
			count += 1 + cd_rng_below(&r, 3);
		}
		do {
			v = (uint64_t)y * 10000000ULL + count++;
		} while (nfixed > 0 && bsearch(&v, fixed, nfixed, sizeof(*fixed), cmp_u64) != NULL);
		b->number = v;
		prev = b;
	}
}

/* A deed of a parcel: the document's index in the table. */
struct pdeed {
	uint32_t parcel, doc;
};

int
cd_recorder_build(struct cd_recorder *r, const struct cd_county *c, long n, cd_facts_fn fn,
    void *ctx, long today)
{
	enum { MAXT = 16 };
	struct slice sl[MAXT];
	pthread_t tid[MAXT];
	int started[MAXT];
	long nt = sysconf(_SC_NPROCESSORS_ONLN), minday = 0, maxday = 0;
	struct bdoc *all = NULL;
	struct pdeed *deeds = NULL;
	struct names global;
	uint32_t *rank = NULL, *order = NULL, *tmp = NULL, *cnt = NULL, *gid = NULL;
	uint64_t *fixed = NULL;
	size_t total = 0, kept = 0, dn = 0, nfixed = 0, olen = 0, ndeeds = 0;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&global, 0, sizeof(global));
	r->seed = c->seed;
	r->today = today;
	if (nt < 1)
		nt = 1;
	if (nt > MAXT)
		nt = MAXT;
	if (n < 10000)
		nt = 1;
	for (long t = 0; t < nt; t++) {
		memset(&sl[t], 0, sizeof(sl[t]));
		sl[t].c = c;
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
		olen += sl[t].olen;
	}
	if (total >= UINT32_MAX || olen >= UINT32_MAX ||
	    (all = reallocarray(NULL, total + 1, sizeof(*all))) == NULL ||
	    (order = reallocarray(NULL, total + 1, sizeof(*order))) == NULL ||
	    (r->owners = malloc(olen + 1)) == NULL ||
	    (r->owner_off = reallocarray(NULL, (size_t)n + 1, sizeof(*r->owner_off))) == NULL)
		goto out;
	olen = 0;
	for (long t = 0; t < nt; t++) {
		size_t o = 0;

		/* the slice's distinct names into the county's, its documents' ids with them */
		free(gid);
		if ((gid = reallocarray(NULL, sl[t].table.n + 1, sizeof(*gid))) == NULL)
			goto out;
		for (size_t i = 0; i < sl[t].table.n; i++) {
			long id = names_id(&global, sl[t].table.text + sl[t].table.off[i]);

			if (id < 0)
				goto out;
			gid[i] = (uint32_t)id;
		}
		names_release(&sl[t].table);
		for (size_t i = 0; i < sl[t].ndocs; i++) {
			struct bdoc *b = &all[kept++];

			*b = sl[t].docs[i];
			for (int j = 0; j < b->nnames; j++)
				b->names[j] = gid[b->names[j]];
		}
		free(sl[t].docs);
		sl[t].docs = NULL;
		for (long p = sl[t].lo; p < sl[t].hi; p++) {
			size_t l = strlen(sl[t].owners + o) + 1;

			r->owner_off[p] = (uint32_t)olen;
			memcpy(r->owners + olen, sl[t].owners + o, l);
			olen += l;
			o += l;
		}
	}
	r->owner_off[n] = (uint32_t)olen;
	r->nparcels = n;

	/* date order, each day's documents in parcel order: a counting sort */
	for (size_t i = 0; i < total; i++) {
		if (i == 0 || all[i].day < minday)
			minday = all[i].day;
		if (i == 0 || all[i].day > maxday)
			maxday = all[i].day;
		if (all[i].number != 0)
			nfixed++;
		dn += all[i].nnames;
		ndeeds += all[i].deed;
	}
	if ((cnt = calloc((size_t)(maxday - minday) + 2, sizeof(*cnt))) == NULL ||
	    (fixed = reallocarray(NULL, nfixed + 1, sizeof(*fixed))) == NULL)
		goto out;
	for (size_t i = 0; i < total; i++)
		cnt[all[i].day - minday + 1]++;
	for (long d = 0; d <= maxday - minday; d++)
		cnt[d + 1] += cnt[d];
	for (size_t i = 0; i < total; i++)
		order[cnt[all[i].day - minday]++] = (uint32_t)i;
	nfixed = 0;
	for (size_t i = 0; i < total; i++)
		if (all[i].number != 0)
			fixed[nfixed++] = all[i].number;
	qsort(fixed, nfixed, sizeof(*fixed), cmp_u64);
	number_docs(all, order, total, c->seed, fixed, nfixed);
	if (nfixed > 0) {
		/* the assessor's numbers are not in date order */
		sort_docs = all;
		qsort(order, total, sizeof(*order), cmp_number);
	}

	/*
	 * The table in number order.  One document a number: only --dir makes
	 * two alike, when two parcels' recorded latest deeds share a number:
	 * that one deed conveyed both, its names both parcels' parties.
	 */
	if (dn >= UINT32_MAX ||
	    (tmp = reallocarray(NULL, dn + 1, sizeof(*tmp))) == NULL ||
	    (r->dn_off = reallocarray(NULL, total + 1, sizeof(*r->dn_off))) == NULL ||
	    (r->dn = reallocarray(NULL, dn + 1, sizeof(*r->dn))) == NULL ||
	    (r->doc = reallocarray(NULL, total + 1, sizeof(*r->doc))) == NULL ||
	    (deeds = reallocarray(NULL, ndeeds + 1, sizeof(*deeds))) == NULL)
		goto out;
	dn = 0;
	ndeeds = 0;
	kept = 0;
	for (size_t k = 0; k < total; k++) {
		const struct bdoc *b = &all[order[k]];

		if (kept == 0 || r->doc[kept - 1].number != b->number) {
			r->doc[kept].number = b->number;
			r->doc[kept].ymd = b->ymd;
			r->doc[kept].code = b->code;
			r->doc[kept].code2 = b->code2;
			r->doc[kept].deed = b->deed;
			r->dn_off[kept++] = (uint32_t)dn;
		}
		if (b->deed) {
			/* drawn in chain order, and stably sorted: oldest first */
			deeds[ndeeds].parcel = b->parcel;
			deeds[ndeeds++].doc = (uint32_t)(kept - 1);
		}
		for (uint32_t j = 0; j < b->nnames; j++) {
			uint32_t id = b->names[j], x;

			for (x = r->dn_off[kept - 1]; x < dn && tmp[x] != id; x++)
				;
			if (x == dn)
				tmp[dn++] = id;
		}
	}
	r->dn_off[kept] = (uint32_t)dn;
	r->ndocs = (long)kept;

	/* each parcel's chain of deeds, oldest first: a counting sort by parcel */
	if ((r->chain_off = calloc((size_t)n + 2, sizeof(*r->chain_off))) == NULL ||
	    (r->chain = reallocarray(NULL, ndeeds + 1, sizeof(*r->chain))) == NULL)
		goto out;
	for (size_t i = 0; i < ndeeds; i++)
		r->chain_off[deeds[i].parcel + 1]++;
	for (long p = 0; p < n; p++)
		r->chain_off[p + 1] += r->chain_off[p];
	for (size_t i = 0; i < ndeeds; i++)
		r->chain[r->chain_off[deeds[i].parcel]++] = deeds[i].doc;
	for (long p = n; p > 0; p--)
		r->chain_off[p] = r->chain_off[p - 1];
	r->chain_off[0] = 0;

	/* sort the distinct names; a name's final id is its rank */
	if ((order = reallocarray(order, global.n + 1, sizeof(*order))) == NULL ||
	    (rank = reallocarray(NULL, global.n + 1, sizeof(*rank))) == NULL ||
	    (r->text = malloc(global.len + 1)) == NULL ||
	    (r->name_off = reallocarray(NULL, global.n + 1, sizeof(*r->name_off))) == NULL ||
	    (r->post_off = calloc(global.n + 2, sizeof(*r->post_off))) == NULL ||
	    (r->post = reallocarray(NULL, dn + 1, sizeof(*r->post))) == NULL)
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

	/* a document's names in name order, as the real details list them */
	for (long i = 0; i < r->ndocs; i++) {
		for (uint32_t j = r->dn_off[i]; j < r->dn_off[i + 1]; j++) {
			uint32_t v = rank[tmp[j]], x = j;

			for (; x > r->dn_off[i] && r->dn[x - 1] > v; x--)
				r->dn[x] = r->dn[x - 1];
			r->dn[x] = v;
		}
	}
	/* the postings, each in number order */
	for (size_t i = 0; i < dn; i++)
		r->post_off[r->dn[i] + 1]++;
	for (size_t i = 0; i < global.n; i++)
		r->post_off[i + 1] += r->post_off[i];
	for (long i = 0; i < r->ndocs; i++)
		for (uint32_t j = r->dn_off[i]; j < r->dn_off[i + 1]; j++)
			r->post[r->post_off[r->dn[j]]++] = (uint32_t)i;
	/* the fill advanced each start to the next one's: shift back */
	for (size_t i = global.n; i > 0; i--)
		r->post_off[i] = r->post_off[i - 1];
	r->post_off[0] = 0;
	rc = 0;
out:
	for (long t = 0; t < nt; t++) {
		free(sl[t].docs);
		free(sl[t].owners);
		names_release(&sl[t].table);
	}
	names_release(&global);
	free(all);
	free(deeds);
	free(rank);
	free(order);
	free(tmp);
	free(cnt);
	free(gid);
	free(fixed);
	if (rc == -1)
		cd_recorder_release(r);
	return rc;
}

void
cd_recorder_release(struct cd_recorder *r)
{
	free(r->doc);
	free(r->dn_off);
	free(r->dn);
	free(r->text);
	free(r->name_off);
	free(r->post_off);
	free(r->post);
	free(r->chain_off);
	free(r->chain);
	free(r->owners);
	free(r->owner_off);
	memset(r, 0, sizeof(*r));
}

long
cd_recorder_find(const struct cd_recorder *r, uint64_t number)
{
	long lo = 0, hi = r->ndocs - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		uint64_t v = r->doc[mid].number;

		if (v == number)
			return mid;
		if (v < number)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

const char *
cd_recorder_owner(const struct cd_recorder *r, long p)
{
	if (p < 0 || p >= r->nparcels)
		return "";
	return r->owners + r->owner_off[p];
}

long
cd_recorder_last_deed(const struct cd_recorder *r, long p)
{
	if (p < 0 || p >= r->nparcels || r->chain_off[p] == r->chain_off[p + 1])
		return -1;
	return r->chain[r->chain_off[p + 1] - 1];
}

/* --- answers ----------------------------------------------------------------- */

struct attr {
	int restricted, pages, affidavit, aff_pages;
	long docket, pagemap;
	const char *suffix;	/* recordingSuffix */
};

/* The share of documents with a recordingSuffix (cd_recorder_suffix()). */
#define SUFFIX_RATE 0.001

/* What a document says beyond its number, date, codes and names. */
static void
attrs(const struct cd_recorder *r, const struct cd_rdoc *d, struct attr *a)
{
	struct cd_rng g;

	cd_rng_init(&g, r->seed, d->number, S_ATTR);
	a->restricted = cd_rng_chance(&g, 0.03);
	a->pages = (int)cd_rng_range(&g, 1, (d->code < CD_C_DEEDS) ? 6 : 25);
	a->affidavit = (d->code < CD_C_DEEDS) && cd_rng_chance(&g, 0.85);
	a->aff_pages = a->affidavit ? (int)cd_rng_range(&g, 1, 2) : 0;
	a->docket = a->pagemap = 0;
	if (d->ymd / 10000 < 1983) {
		/* before 1983 a document was also filed by docket and page */
		a->docket = cd_rng_range(&g, 1000, 16999);
		a->pagemap = cd_rng_range(&g, 1, 999);
	}
	/* drawn last: the draws above stay what they were */
	a->suffix = cd_rng_chance(&g, SUFFIX_RATE) ? "A" : "";
}

const char *
cd_recorder_suffix(const struct cd_recorder *r, const struct cd_rdoc *d)
{
	struct attr a;

	attrs(r, d, &a);
	return a.suffix;
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
	cd_json_str(b, NULL, cd_code_display(d->code));
	if (d->code2 != 0xff)
		cd_json_str(b, NULL, cd_code_display(d->code2));
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
	int code;		/* -1 any, CD_NCODES none */
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

static int
name_contains(const struct cd_recorder *r, uint32_t id, const char *s, size_t sl)
{
	size_t n = r->name_off[id + 1] - r->name_off[id] - 1;

	return memmem(r->text + r->name_off[id], n, s, sl) != NULL;
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
doc_matches(const struct cd_rdoc *d, const struct query *q)
{
	return (q->code < 0 || d->code == q->code) && (q->begin == 0 || d->ymd >= q->begin) &&
	    (q->end == 0 || d->ymd <= q->end);
}

/*
 * The rows of Q in the real order: by name, then by recording number, one
 * per (document, matching name); a query without names has one row per
 * document, by number.  Stores rows FIRST .. FIRST+MAX-1 in DOCS and NAMES
 * (UINT32_MAX for no name) and returns how many rows there are, counted up
 * to CD_REC_CAP only.
 */
static long
run_query(const struct cd_recorder *r, const struct query *q, long first, long max,
    uint32_t *docs, uint32_t *names)
{
	size_t pl = strlen(q->prefix), bl = strlen(q->business);
	long total = 0, lo, id;

#define ROW(doc_, name_) do {						\
	if (total >= first && total < first + max) {			\
		docs[total - first] = (doc_);				\
		names[total - first] = (name_);				\
	}								\
	if (++total >= CD_REC_CAP)					\
		return total;						\
} while (0)

	if (pl == 0 && bl == 0) {
		for (long i = 0; i < r->ndocs; i++)
			if (doc_matches(&r->doc[i], q))
				ROW((uint32_t)i, UINT32_MAX);
		return total;
	}
	if (pl > 0) {
		long hi = r->nnames;

		lo = 0;
		while (lo < hi) {	/* the first name not below the prefix */
			long mid = lo + (hi - lo) / 2;

			if (cmp_prefix(r, (uint32_t)mid, q->prefix, pl) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (id = lo; id < r->nnames && cmp_prefix(r, (uint32_t)id, q->prefix, pl) == 0;
		    id++) {
			if (bl > 0 && !name_contains(r, (uint32_t)id, q->business, bl))
				continue;
			for (uint32_t k = r->post_off[id]; k < r->post_off[id + 1]; k++)
				if (doc_matches(&r->doc[r->post[k]], q))
					ROW(r->post[k], (uint32_t)id);
		}
		return total;
	}
	for (size_t pos = 0; pos < r->len;) {
		const char *hit = memmem(r->text + pos, r->len - pos, q->business, bl);

		if (hit == NULL)
			break;
		id = name_at(r, (size_t)(hit - r->text));
		for (uint32_t k = r->post_off[id]; k < r->post_off[id + 1]; k++)
			if (doc_matches(&r->doc[r->post[k]], q))
				ROW(r->post[k], (uint32_t)id);
		pos = r->name_off[id + 1];
	}
	return total;
#undef ROW
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


/* The real service's 400 body (FORMATS.md section 3). */
static unsigned
bad(const struct cd_recorder *r, struct cd_buf *b)
{
	int y, m, d;

	cd_civil(r->today, &y, &m, &d);
	cd_json_open(b, NULL, '{');
	cd_json_strf(b, "timestamp", "%d-%02d-%04d", m, d, y);
	cd_json_int(b, "status", 400);
	cd_json_str(b, "error", "Bad Request");
	cd_json_str(b, "path", "/documents/search");
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
	if (int_param(rq->size, 1, CD_REC_MAXPAGE, 20, &size) == -1 ||
	    int_param(rq->page, 1, 1000000, 1, &page) == -1 ||
	    date_param(rq->begin, &q.begin) == -1 || date_param(rq->end, &q.end) == -1)
		return bad(r, b);
	upper(rq->last, last, sizeof(last));
	upper(rq->first, first, sizeof(first));
	upper(rq->middle, middle, sizeof(middle));
	upper(rq->business, q.business, sizeof(q.business));
	upper(rq->code, code, sizeof(code));
	if (last[0] == '\0' && q.business[0] == '\0' && code[0] == '\0')
		return bad(r, b);
	/* a document code with a date range: the real service refuses it */
	if (code[0] != '\0' && (q.begin != 0 || q.end != 0))
		return bad(r, b);
	/* "SMITH" starts SMITHSON too; "SMITH JOHN" starts SMITH JOHNNY and SMITH JOHN A */
	if (last[0] != '\0')
		snprintf(q.prefix, sizeof(q.prefix), "%.95s%s%.95s%s%.60s", last,
		    first[0] != '\0' ? " " : "", first,
		    first[0] != '\0' && middle[0] != '\0' ? " " : "",
		    first[0] != '\0' ? middle : "");
	if (code[0] != '\0') {
		/* a code the recorder does not have matches nothing */
		q.code = CD_NCODES;
		for (int i = 0; i < CD_NCODES; i++)
			if (strcmp(code, codes[i].query) == 0)
				q.code = i;
	}
	total = run_query(r, &q, (page - 1) * size, size, docs, names);
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
		name[0] = '\0';
		if (names[i] != UINT32_MAX)
			name_text(r, names[i], name, sizeof(name));
		cd_json_str(b, "names", name);
		snprintf(v, sizeof(v), "%" PRIu64, d->number);
		cd_json_raw(b, "recordingNumber", v);
		cd_json_str(b, "recordingSuffix", a.suffix);
		date_mdy(v, sizeof(v), d->ymd);
		cd_json_str(b, "recordingDate", v);
		/* more codes than one: the first, and a "+" for the others */
		cd_json_strf(b, "documentCode", "%s%s", cd_code_display(d->code),
		    d->code2 != 0xff ? "+" : "");
		if (a.docket > 0) {
			cd_json_strf(b, "docketBook", "%ld", a.docket);
			cd_json_strf(b, "pageMap", "%ld", a.pagemap);
		} else {
			cd_json_str(b, "docketBook", "");
			cd_json_str(b, "pageMap", "");
		}
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

cJSON *
cd_recorder_doc_truth(const struct cd_recorder *r, long i)
{
	const struct cd_rdoc *d = &r->doc[i];
	cJSON *o = cJSON_CreateObject(), *list;
	char name[128], v[32];
	struct attr a;

	attrs(r, d, &a);
	snprintf(v, sizeof(v), "%" PRIu64, d->number);
	cJSON_AddStringToObject(o, "recording_number", v);
	cJSON_AddStringToObject(o, "recording_suffix", a.suffix);
	snprintf(v, sizeof(v), "%04u-%02u-%02u", d->ymd / 10000, d->ymd / 100 % 100, d->ymd % 100);
	cJSON_AddStringToObject(o, "recording_date", v);
	cJSON_AddStringToObject(o, "document_code", cd_code_display(d->code));
	list = cJSON_AddArrayToObject(o, "codes");
	cJSON_AddItemToArray(list, cJSON_CreateString(cd_code_display(d->code)));
	if (d->code2 != 0xff)
		cJSON_AddItemToArray(list, cJSON_CreateString(cd_code_display(d->code2)));
	list = cJSON_AddArrayToObject(o, "names");
	for (uint32_t j = r->dn_off[i]; j < r->dn_off[i + 1]; j++) {
		name_text(r, r->dn[j], name, sizeof(name));
		cJSON_AddItemToArray(list, cJSON_CreateString(name));
	}
	cJSON_AddBoolToObject(o, "deed", d->deed);
	cJSON_AddBoolToObject(o, "restricted", a.restricted);
	return o;
}

void
cd_recorder_truth(cJSON *t, const struct cd_recorder *r, const struct cd_facts *f)
{
	cJSON *sales = cJSON_AddArrayToObject(t, "sales");
	char name[128], v[32];
	long p = f->index;

	if (p < 0 || p >= r->nparcels)
		return;
	/* the parcel's own deeds, from its chain of owners: newest first */
	for (uint32_t k = r->chain_off[p + 1]; k-- > r->chain_off[p];) {
		uint32_t i = r->chain[k];
		const struct cd_rdoc *d = &r->doc[i];
		cJSON *o = cJSON_CreateObject(), *list;
		struct attr a;

		attrs(r, d, &a);
		cJSON_AddStringToObject(o, "apn", f->apn);
		snprintf(v, sizeof(v), "%" PRIu64, d->number);
		cJSON_AddStringToObject(o, "recording_number", v);
		cJSON_AddStringToObject(o, "recording_suffix", a.suffix);
		snprintf(v, sizeof(v), "%04u-%02u-%02u", d->ymd / 10000, d->ymd / 100 % 100,
		    d->ymd % 100);
		cJSON_AddStringToObject(o, "recording_date", v);
		cJSON_AddStringToObject(o, "document_code", cd_code_display(d->code));
		list = cJSON_AddArrayToObject(o, "names");
		for (uint32_t j = r->dn_off[i]; j < r->dn_off[i + 1]; j++) {
			name_text(r, r->dn[j], name, sizeof(name));
			cJSON_AddItemToArray(list, cJSON_CreateString(name));
		}
		/* the assessor's price is the latest deed's */
		if (k + 1 == r->chain_off[p + 1] && f->has_price)
			cJSON_AddNumberToObject(o, "sale_price", f->price);
		else
			cJSON_AddNullToObject(o, "sale_price");
		cJSON_AddBoolToObject(o, "restricted", a.restricted);
		cJSON_AddItemToArray(sales, o);
	}
}
