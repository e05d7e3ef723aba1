/*
 * chain.c - a parcel's history: its chain of owners over the decades, every
 * change of owner a deed, and what else was recorded under the owners' names
 * (deeds of trust and their releases, assignments, liens, judgments, notices
 * of trustee's sale...).
 *
 * Owners come from pools the whole county shares, each owner a function of
 * (seed, pool, number): a household buys a home or two in its life, an
 * investor (a company, or a person who buys rentals) buys many parcels and
 * holds several at once, a builder sells a subdivision's new houses, a bank
 * lends and takes back what a trustee's sale forecloses.  Names are drawn
 * from the assessor's lists, so common names (SMITH JOHN) and same-named
 * trusts (SMITH FAMILY TRUST) hold unrelated parcels.  A parcel's history
 * needs no other parcel's, so the county is drawn in parallel; what the
 * parcel is (type, subdivision, the house's year) comes from gen.c.
 *
 * Which parcel a document belongs to is known here and nowhere else: the
 * recorder's answers never say it, and the truth's sales are the deeds this
 * file marks as changes of owner.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "countyd.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Streams: one per pool, keyed by the owner's number; one per parcel. */
enum {
	S_HOUSEHOLD = 301, S_INVESTOR, S_TRUST, S_HEIR, S_CHAIN, S_SPOUSE
};

enum kind {
	E_HOUSEHOLD,	/* a person or a couple */
	E_INVESTOR,	/* a company, or a person who buys many parcels */
	E_TRUST,	/* a household's trust */
	E_HEIR,		/* a household's child */
	E_SPOUSE,	/* the first person of a household, alone */
	E_BUILDER,
	E_BANK,
	E_PUBLIC,
	E_GIVEN		/* a name given from outside: --dir, --hostile-names */
};

struct owner {
	enum kind kind;
	uint64_t num;
	int borrows;		/* takes out loans against what it buys */
	int couple;
	char owner[128];	/* as the assessor writes it */
	int nnames;
	char names[3][96];	/* as the recorder writes it */
};

static const char *const builders[CD_NBUILDERS] = {
	"PULTE HOME CORPORATION", "SHEA HOMES LIMITED PARTNERSHIP",
	"TAYLOR MORRISON/ARIZONA INC", "DEL WEBB COMMUNITIES INC",
	"MERITAGE HOMES OF ARIZONA INC", "KB HOME PHOENIX INC", "LENNAR ARIZONA INC",
	"ENGLE HOMES/ARIZONA INC",
};

/* Lenders by share of loans: the first one lends on a third of them. */
static const struct {
	const char *name;
	int share;
} lenders[] = {
	{ "WELLS FARGO BANK NA", 32 }, { "JPMORGAN CHASE BANK NA", 10 },
	{ "BANK OF AMERICA NA", 10 }, { "ROCKET MORTGAGE LLC", 9 },
	{ "U S BANK NA", 8 }, { "DESERT SCHOOLS FEDERAL CREDIT UNION", 8 },
	{ "GUILD MORTGAGE COMPANY", 6 }, { "COUNTRYWIDE HOME LOANS INC", 6 },
	{ "ARIZONA FEDERAL CREDIT UNION", 6 }, { "QUICKEN LOANS INC", 5 },
};
#define MERS "MORTGAGE ELECTRONIC REGISTRATION SYSTEMS INC"

static const char *const servicers[] = {
	"BAC HOME LOANS SERVICING LP", "NATIONSTAR MORTGAGE LLC",
	"FEDERAL NATIONAL MORTGAGE ASSOCIATION", "PINGORA LOAN SERVICING LLC",
};

static const char *const trustee_cos[] = {
	"RECONTRUST COMPANY NA", "CLEAR RECON CORP", "QUALITY LOAN SERVICE CORP",
	"TIFFANY & BOSCO PA",
};

static const char *const creditors[] = {
	"MIDLAND FUNDING LLC", "CAPITAL ONE BANK USA NA", "DISCOVER BANK",
	"PORTFOLIO RECOVERY ASSOCIATES LLC",
};

static const char *const hospitals[] = {
	"BANNER HEALTH", "HONORHEALTH", "DIGNITY HEALTH", "PHOENIX CHILDRENS HOSPITAL",
};

static const char *const financers[] = {
	"SUNRUN INC", "VIVINT SOLAR DEVELOPER LLC", "TESLA ENERGY OPERATIONS INC",
	"GOODLEAP LLC",
};

static const char *const publics[] = {
	"STATE OF ARIZONA", "MARICOPA COUNTY", "UNITED STATES OF AMERICA",
};

/* --- owners ------------------------------------------------------------------ */

static void
person(struct cd_rng *r, const char *sur, char *out, size_t sz)
{
	const char *f = cd_gen_first_name(r);
	char m = (char)('A' + cd_rng_below(r, 26));
	int has_m = cd_rng_chance(r, 0.6);

	snprintf(out, sz, "%s %s%s%.*s", sur, f, has_m ? " " : "", has_m, &m);
}

/* Household NUM: a person (45%) or a couple, as the assessor and the recorder write them. */
static void
household(uint64_t seed, uint64_t num, struct owner *o)
{
	struct cd_rng r;
	const char *sur, *sur2;
	double u;

	memset(o, 0, sizeof(*o));
	o->kind = E_HOUSEHOLD;
	o->num = num;
	o->borrows = 1;
	cd_rng_init(&r, seed, num, S_HOUSEHOLD);
	sur = cd_gen_surname(&r);
	u = cd_rng_unit(&r);
	person(&r, sur, o->names[0], sizeof(o->names[0]));
	o->nnames = 1;
	if (u < 0.45) {
		cd_copy(o->owner, sizeof(o->owner), o->names[0]);
		return;
	}
	o->couple = 1;
	if (u < 0.88) {
		/* "SMITH JOHN A & MARY B": the surname once */
		person(&r, sur, o->names[1], sizeof(o->names[1]));
		snprintf(o->owner, sizeof(o->owner), "%.60s & %.60s", o->names[0],
		    o->names[1] + strlen(sur) + 1);
	} else {
		sur2 = cd_gen_surname(&r);
		snprintf(o->names[0], sizeof(o->names[0]), "%s %s", sur, cd_gen_first_name(&r));
		snprintf(o->names[1], sizeof(o->names[1]), "%s %s", sur2, cd_gen_first_name(&r));
		snprintf(o->owner, sizeof(o->owner), "%.60s/%.60s", o->names[0], o->names[1]);
	}
	o->nnames = 2;
}

/* The first person of household NUM, alone: a widow, a divorcee. */
static void
spouse(uint64_t seed, uint64_t num, struct owner *o)
{
	household(seed, num, o);
	o->kind = E_SPOUSE;
	o->couple = 0;
	o->nnames = 1;
	cd_copy(o->owner, sizeof(o->owner), o->names[0]);
}

/* A child of household NUM. */
static void
heir(uint64_t seed, uint64_t num, struct owner *o)
{
	struct cd_rng r;
	char sur[64];

	household(seed, num, o);
	snprintf(sur, sizeof(sur), "%.*s", (int)strcspn(o->names[0], " "), o->names[0]);
	cd_rng_init(&r, seed, num, S_HEIR);
	person(&r, sur, o->names[0], sizeof(o->names[0]));
	cd_copy(o->owner, sizeof(o->owner), o->names[0]);
	o->kind = E_HEIR;
	o->couple = 0;
	o->nnames = 1;
}

/*
 * Household NUM's trust.  Many households share a surname, so many trusts
 * share a name ("SMITH FAMILY TRUST"), each holding its own parcels.
 */
static void
trust(uint64_t seed, uint64_t num, struct owner *o)
{
	static const char *const kinds[] = { "FAMILY TRUST", "LIVING TRUST", "REVOCABLE TRUST" };
	struct owner h;
	struct cd_rng r;
	char sur[64];
	unsigned long style;

	household(seed, num, &h);
	memset(o, 0, sizeof(*o));
	o->kind = E_TRUST;
	o->num = num;
	o->borrows = 1;
	snprintf(sur, sizeof(sur), "%.*s", (int)strcspn(h.names[0], " "), h.names[0]);
	cd_rng_init(&r, seed, num, S_TRUST);
	style = cd_rng_below(&r, 5);
	if (style < NELEM(kinds)) {
		/* the trust's name, then its trustees */
		snprintf(o->names[0], sizeof(o->names[0]), "%.60s %s", sur, kinds[style]);
		cd_copy(o->owner, sizeof(o->owner), o->names[0]);
		o->nnames = 1;
		for (int i = 0; i < h.nnames && cd_rng_chance(&r, 0.7); i++)
			cd_copy(o->names[o->nnames++], sizeof(o->names[0]), h.names[i]);
	} else {
		/* the trustees as trustees: "SMITH JOHN A & MARY B TR" */
		snprintf(o->owner, sizeof(o->owner), "%.100s TR", h.owner);
		for (int i = 0; i < h.nnames; i++)
			snprintf(o->names[o->nnames++], sizeof(o->names[0]), "%.90s TR", h.names[i]);
	}
}

/* Investor NUM: a company mostly, now and then a person with many rentals. */
static void
investor(uint64_t seed, uint64_t num, struct owner *o)
{
	struct cd_rng r;
	const char *sur;

	memset(o, 0, sizeof(*o));
	o->kind = E_INVESTOR;
	o->num = num;
	cd_rng_init(&r, seed, num, S_INVESTOR);
	sur = cd_gen_surname(&r);
	if (cd_rng_chance(&r, 0.7)) {
		cd_gen_company(&r, sur, o->names[0], sizeof(o->names[0]));
		o->borrows = cd_rng_chance(&r, 0.3);
	} else {
		person(&r, sur, o->names[0], sizeof(o->names[0]));
		o->borrows = 1;
	}
	cd_copy(o->owner, sizeof(o->owner), o->names[0]);
	o->nnames = 1;
}

static void
named(enum kind kind, uint64_t num, const char *name, struct owner *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->num = num;
	cd_copy(o->owner, sizeof(o->owner), name);
	cd_copy(o->names[0], sizeof(o->names[0]), name);
	o->nnames = 1;
}

/* --- drawing a history --------------------------------------------------------- */

struct gen {
	uint64_t seed;
	long n;			/* parcels in the county: the pools' sizes */
	long end;		/* nothing recorded after this day */
	struct cd_rng r;
	struct cd_history *h;
	const struct cd_base *b;
	int loan;		/* the owner's lender, -1 for none */
	const char *trustee;	/* who holds the trustee's sale under way */
};

static long
years(double y)
{
	return (long)(y * 365.25);
}

/* Days drawn from an exponential law of mean MEAN years. */
static long
exp_days(struct cd_rng *r, double mean)
{
	return years(-log(1.0 - cd_rng_unit(r)) * mean);
}

static int
lender(struct cd_rng *r)
{
	int w = (int)cd_rng_below(r, 100);

	for (size_t i = 0; i < NELEM(lenders); i++) {
		if (w < lenders[i].share)
			return (int)i;
		w -= lenders[i].share;
	}
	return 0;
}

/* A new document on DAY, or NULL when it falls after the end or the history is full. */
static struct cd_hdoc *
doc(struct gen *g, long day, int code)
{
	struct cd_hdoc *d;

	/* the last slots are kept for deeds: a chain is never cut short */
	if (day > g->end || g->h->n >= (code < CD_C_DEEDS ? CD_H_DOCS : CD_H_DOCS - 30))
		return NULL;
	d = &g->h->d[g->h->n++];
	d->day = day;
	d->code = (uint8_t)code;
	d->code2 = 0xff;
	d->deed = 0;
	d->nnames = 0;
	d->number = 0;
	/* a few carry a second code, which a search row shows as a "+" */
	if (code < CD_C_DEEDS && cd_rng_chance(&g->r, 0.04))
		d->code2 = CD_C_AF_DISCLS;
	else if (code == CD_C_DT && cd_rng_chance(&g->r, 0.02))
		d->code2 = CD_C_AGREEMENT;
	return d;
}

static void
name(struct cd_hdoc *d, const char *s)
{
	if (d == NULL || s[0] == '\0')
		return;
	for (int i = 0; i < d->nnames; i++)
		if (strcmp(d->names[i], s) == 0)
			return;
	if (d->nnames < CD_H_NAMES)
		cd_copy(d->names[d->nnames++], sizeof(d->names[0]), s);
}

/* O's names on D; now and then a couple is written as its first name "ETAL". */
static void
names_of(struct gen *g, struct cd_hdoc *d, const struct owner *o)
{
	char etal[96];

	if (d == NULL)
		return;
	if (o->nnames > 1 && o->kind == E_HOUSEHOLD && cd_rng_chance(&g->r, 0.05)) {
		snprintf(etal, sizeof(etal), "%.85s ETAL", o->names[0]);
		name(d, etal);
		return;
	}
	for (int i = 0; i < o->nnames; i++)
		name(d, o->names[i]);
}

/* A deed of trust for O on DAY; the loan then stands until released. */
static void
borrow(struct gen *g, const struct owner *o, long day)
{
	struct cd_hdoc *d;
	int l = lender(&g->r);

	if ((d = doc(g, day, CD_C_DT)) == NULL)
		return;
	names_of(g, d, o);
	name(d, lenders[l].name);
	if (cd_rng_chance(&g->r, 0.4))
		name(d, MERS);
	g->loan = l;
}

/* The release of O's loan on DAY. */
static void
repay(struct gen *g, const struct owner *o, long day)
{
	struct cd_hdoc *d;

	if (g->loan < 0)
		return;
	if ((d = doc(g, day, CD_C_REL)) != NULL) {
		names_of(g, d, o);
		name(d, lenders[g->loan].name);
	}
	g->loan = -1;
}

/*
 * An investor active on DAY: each buys and sells for about a decade, a pool
 * of them a decade, so that one holds several parcels at once, each buying
 * about ten in its decade whatever the county's size.
 */
static uint64_t
investor_num(struct gen *g, long day)
{
	uint64_t pool = (uint64_t)g->n / 60 + 4;
	long decade = (long)(day / 365.25 + 1970 - 1900) / 10;

	return (uint64_t)(decade < 0 ? 0 : decade) * pool + cd_rng_below(&g->r, pool);
}

/* A buyer on DAY: who buys depends on what the parcel is. */
static void
buyer(struct gen *g, long day, struct owner *o)
{
	double u = cd_rng_unit(&g->r), house, inv;
	uint64_t households = (uint64_t)g->n * 3 + 100;

	switch (g->b->type) {
	case CD_RESIDENTIAL:
		house = 0.74;
		inv = 0.92;
		break;
	case CD_VACANT:
	case CD_AGRICULTURAL:
		house = 0.30;
		inv = 0.88;
		break;
	default:
		house = 0.05;
		inv = 0.90;
		break;
	}
	if (u < house)
		household(g->seed, cd_rng_below(&g->r, households), o);
	else if (u < inv)
		investor(g->seed, investor_num(g, day), o);
	else
		trust(g->seed, cd_rng_below(&g->r, households), o);
}

/* What O records between DAY and UNTIL (exclusive) while it holds the parcel. */
static void
holding(struct gen *g, const struct owner *o, long day, long until)
{
	struct cd_hdoc *d;
	long t, last = until < g->end ? until : g->end;

	if (o->borrows) {
		/* refinances: a new loan, the old one released a month or two later */
		for (t = day + years(3) + exp_days(&g->r, 4); t < last;
		    t += years(3) + exp_days(&g->r, 4)) {
			int old = g->loan;

			if (!cd_rng_chance(&g->r, 0.45))
				continue;
			borrow(g, o, t);
			if (old >= 0 && (d = doc(g, t + cd_rng_range(&g->r, 20, 80), CD_C_REL)) != NULL) {
				names_of(g, d, o);
				name(d, lenders[old].name);
			}
			if (g->loan >= 0 && cd_rng_chance(&g->r, 0.15) &&
			    (d = doc(g, t + cd_rng_range(&g->r, 100, 900), CD_C_ASSIGN)) != NULL) {
				names_of(g, d, o);
				name(d, lenders[g->loan].name);
				name(d, servicers[cd_rng_below(&g->r, NELEM(servicers))]);
			}
		}
	}
	if (o->kind == E_BUILDER || o->kind == E_BANK || o->kind == E_PUBLIC || last <= day + 30)
		return;
	/* liens and judgments under the owner's names, most of them released */
	if (cd_rng_chance(&g->r, 0.10)) {
		t = cd_rng_range(&g->r, day + 1, last);
		if ((d = doc(g, t, CD_C_LIEN)) != NULL) {
			char hoa[96];

			names_of(g, d, o);
			snprintf(hoa, sizeof(hoa), "%s HOMEOWNERS ASSOCIATION", g->b->city);
			name(d, hoa);
			if (cd_rng_chance(&g->r, 0.7) &&
			    (d = doc(g, t + cd_rng_range(&g->r, 30, 400), CD_C_RELEASE)) != NULL) {
				names_of(g, d, o);
				name(d, hoa);
			}
		}
	}
	if (cd_rng_chance(&g->r, 0.05) && (d = doc(g, cd_rng_range(&g->r, day + 1, last),
	    CD_C_JUDG)) != NULL) {
		names_of(g, d, o);
		name(d, creditors[cd_rng_below(&g->r, NELEM(creditors))]);
	}
	if (o->kind != E_INVESTOR && cd_rng_chance(&g->r, 0.04)) {
		t = cd_rng_range(&g->r, day + 1, last);
		if ((d = doc(g, t, CD_C_MED)) != NULL) {
			const char *hosp = hospitals[cd_rng_below(&g->r, NELEM(hospitals))];

			names_of(g, d, o);
			name(d, hosp);
			if (cd_rng_chance(&g->r, 0.6) &&
			    (d = doc(g, t + cd_rng_range(&g->r, 60, 700), CD_C_RELEASE)) != NULL) {
				names_of(g, d, o);
				name(d, hosp);
			}
		}
	}
	if (last > cd_days(2010, 1, 1) && cd_rng_chance(&g->r, 0.05)) {
		t = cd_rng_range(&g->r, day > cd_days(2010, 1, 1) ? day + 1 : cd_days(2010, 1, 1), last);
		if ((d = doc(g, t, CD_C_FIN)) != NULL) {
			names_of(g, d, o);
			name(d, financers[cd_rng_below(&g->r, NELEM(financers))]);
		}
	}
}

/*
 * FROM conveys the parcel to TO on DAY with a deed of CODE: the deed, and
 * around it what a sale brings (the seller's loan released, the buyer's
 * deed of trust, a spouse's disclaimer).  NUMBER is the assessor's for
 * the last deed (--dir), else 0.
 */
static void
convey(struct gen *g, const struct owner *from, const struct owner *to, long day, int code,
    uint64_t number, int sale)
{
	struct cd_hdoc *d;
	int seller_loan = g->loan;

	if ((d = doc(g, day, code)) == NULL)
		return;
	d->deed = 1;
	d->number = number;
	/* both sides, which the recorder lists in name order: no roles */
	names_of(g, d, from);
	names_of(g, d, to);
	if (code == CD_C_TRST_DEED) {
		name(d, g->trustee);
		g->loan = -1;
		return;
	}
	if (number != 0)
		return;
	if (sale && to->kind == E_HOUSEHOLD && !to->couple && cd_rng_chance(&g->r, 0.08) &&
	    (d = doc(g, day, CD_C_DISC)) != NULL) {
		/* the buyer's spouse disclaims the house */
		struct cd_rng r;
		char sp[96], sur[96];

		cd_rng_init(&r, g->seed, to->num, S_SPOUSE);
		snprintf(sur, sizeof(sur), "%.*s", (int)strcspn(to->names[0], " "), to->names[0]);
		person(&r, sur, sp, sizeof(sp));
		name(d, sp);
		names_of(g, d, to);
	}
	/* the seller's loan: paid off out of the sale, or carried into the trust */
	if (seller_loan >= 0 && sale) {
		g->loan = seller_loan;
		repay(g, from, day + cd_rng_range(&g->r, 15, 75));
	}
	if (sale && to->borrows && cd_rng_chance(&g->r, 0.75))
		borrow(g, to, day);
}

static long
hold_days(struct gen *g, const struct owner *o)
{
	struct cd_rng *r = &g->r;

	switch (o->kind) {
	case E_BUILDER:
		if (g->b->type == CD_VACANT)
			return years(3) + exp_days(r, 25);	/* lots not built on yet */
		return cd_rng_range(r, 60, 540);
	case E_BANK:
		return cd_rng_range(r, 60, 400);
	case E_PUBLIC:
		return years(1) + exp_days(r, 6);	/* land sold off */
	case E_INVESTOR:
		return 180 + exp_days(r, 5);
	case E_TRUST:
		return 365 + exp_days(r, 10);
	default:
		return 365 + exp_days(r, 8);
	}
}

/* The next owner after O, and the deed's code; whether it is a sale. */
static int
next_owner(struct gen *g, const struct owner *o, long day, long since, struct owner *to,
    int *code)
{
	double u = cd_rng_unit(&g->r);
	int old = day < cd_days(1975, 1, 1);

	if (g->loan >= 0 && day - 150 > since &&
	    (o->kind == E_HOUSEHOLD || o->kind == E_SPOUSE || o->kind == E_HEIR ||
	    o->kind == E_INVESTOR) && u < 0.04) {
		/* foreclosure: the lender takes the parcel at the trustee's sale */
		struct cd_hdoc *d;
		const char *tco = trustee_cos[cd_rng_below(&g->r, NELEM(trustee_cos))];

		g->trustee = tco;

		if ((d = doc(g, day - cd_rng_range(&g->r, 110, 140), CD_C_SUB)) != NULL) {
			names_of(g, d, o);
			name(d, lenders[g->loan].name);
			name(d, tco);
		}
		if ((d = doc(g, day - cd_rng_range(&g->r, 90, 105), CD_C_NTR)) != NULL) {
			names_of(g, d, o);
			name(d, tco);
		}
		named(E_BANK, (uint64_t)g->loan, lenders[g->loan].name, to);
		*code = CD_C_TRST_DEED;
		return 0;
	}
	u = cd_rng_unit(&g->r);
	switch (o->kind) {
	case E_HOUSEHOLD:
		if (u < 0.12) {
			/* into the family trust */
			trust(g->seed, o->num, to);
			*code = cd_rng_chance(&g->r, 0.6) ? CD_C_QCL : CD_C_WAR;
			return 0;
		}
		if (o->couple && u < 0.18) {
			/* a death or a divorce: one of the two keeps it */
			spouse(g->seed, o->num, to);
			*code = cd_rng_chance(&g->r, 0.5) ? CD_C_QCL : CD_C_DEED;
			return 0;
		}
		if (!o->couple && u < 0.17) {
			heir(g->seed, o->num, to);
			*code = cd_rng_chance(&g->r, 0.5) ? CD_C_BENE : CD_C_PROB_DEED;
			return 0;
		}
		break;
	case E_TRUST:
		if (u < 0.12) {
			/* the trust to itself: restated, or new trustees */
			*to = *o;
			*code = CD_C_QCL;
			return 0;
		}
		if (u < 0.20) {
			heir(g->seed, o->num, to);
			*code = CD_C_DEED;
			return 0;
		}
		break;
	case E_INVESTOR:
		if (u < 0.06) {
			/* to an affiliate */
			investor(g->seed, investor_num(g, day), to);
			*code = CD_C_QCL;
			return 0;
		}
		break;
	default:
		break;
	}
	buyer(g, day, to);
	if (o->kind == E_BUILDER || o->kind == E_BANK || o->kind == E_TRUST ||
	    (o->kind == E_INVESTOR && o->borrows == 0))
		*code = cd_rng_chance(&g->r, 0.75) ? CD_C_SPEC : CD_C_WAR;
	else if (to->couple && cd_rng_chance(&g->r, 0.35))
		*code = CD_C_JNT;
	else if (old || cd_rng_chance(&g->r, 0.04))
		*code = CD_C_DEED;
	else
		*code = cd_rng_chance(&g->r, 0.9) ? CD_C_WAR : CD_C_SPEC;
	return 1;
}

static int
code_of_type(const char *type)
{
	static const struct {
		const char *type;
		int code;
	} map[] = {
		{ "WD", CD_C_WAR }, { "SW", CD_C_SPEC }, { "QC", CD_C_QCL }, { "JT", CD_C_JNT },
		{ "TD", CD_C_TRST_DEED }, { "BD", CD_C_BENE }, { "PD", CD_C_PROB_DEED },
	};

	for (size_t i = 0; i < NELEM(map); i++)
		if (strcmp(type, map[i].type) == 0)
			return map[i].code;
	return CD_C_DEED;
}

/*
 * countyd's clock: the sales after the start date, on the days clock.c
 * draws, to the end (or the day c->asof asks for).  Each sale draws from its
 * own stream, and the documents that follow it (a release, a new loan) are
 * drawn whatever the end and kept only when recorded by then: the chain on a
 * day is the same however far the clock has gone.
 */
static void
future(const struct cd_county *c, long i, long end, struct gen *g, struct owner *o, long day)
{
	long days[16], upto = c->asof != 0 && c->asof < end ? c->asof : end;
	int ns, kept = 0;
	struct owner to;

	if (c->clock_start <= 0 || upto <= c->clock_start)
		return;
	ns = cd_clock_sales(c, i, upto, days, 16);
	if (ns == 0)
		return;
	for (int s = 0; s < g->h->n; s++)
		if (g->h->d[s].day <= upto)
			g->h->d[kept++] = g->h->d[s];
	g->h->n = kept;
	g->end = days[ns - 1] + 3650;
	for (int s = 0; s < ns; s++) {
		int code, sale, loan = g->loan;

		cd_rng_init(&g->r, c->seed, (uint64_t)i, ((uint64_t)S_CHAIN << 32) |
		    (uint64_t)days[s]);
		/* no foreclosure: its notices would be dated before the sale */
		g->loan = -1;
		sale = next_owner(g, o, days[s], day, &to, &code);
		g->loan = loan;
		convey(g, o, &to, days[s], code, 0, sale);
		day = days[s];
		*o = to;
	}
	kept = 0;
	for (int s = 0; s < g->h->n; s++)
		if (g->h->d[s].day <= upto)
			g->h->d[kept++] = g->h->d[s];
	g->h->n = kept;
}

void
cd_history(const struct cd_county *c, long i, const struct cd_facts *fixed, long end,
    struct cd_history *h)
{
	struct gen g;
	struct cd_base b;
	struct owner o, to;
	long day, next, fixed_day = 0;
	uint64_t fixed_number = 0;
	const char *h_owner = NULL, *h_mail, *h_desc;
	int code, sale;

	h->n = 0;
	h->owner[0] = '\0';
	memset(&g, 0, sizeof(g));
	g.seed = c->seed;
	g.n = c->n > 0 ? c->n : 1;
	/* the county as it was on the clock's start; its sales since, below */
	g.end = c->clock_start > 0 && end > c->clock_start - 1 ? c->clock_start - 1 : end;
	g.h = h;
	g.b = &b;
	g.loan = -1;
	g.trustee = trustee_cos[0];
	cd_rng_init(&g.r, c->seed, fixed != NULL ? fixed->key : (uint64_t)i, S_CHAIN);
	if (fixed != NULL) {
		/* a recorded parcel: the chain ends with the assessor's owner and deed */
		cd_copy(h->owner, sizeof(h->owner), fixed->owner);
		if (fixed->deed_y == 0 || cd_recorder_number(fixed->deed, &fixed_number) == -1)
			return;
		fixed_day = cd_days(fixed->deed_y, fixed->deed_m, fixed->deed_d);
		g.end = fixed_day - 1;
		memset(&b, 0, sizeof(b));
		b.type = CD_RESIDENTIAL;
		b.builder = -1;
		b.city = "PHOENIX";
		b.first_year = fixed->deed_y - (int)cd_rng_range(&g.r, 1, 40);
		if (b.first_year < 1950)
			b.first_year = 1950;
	} else {
		cd_gen_base(c, i, &b);
		cd_gen_hostile(c, i, &h_owner, &h_mail, &h_desc);
	}

	/* the first owner, and the deed it took the parcel by: never after the end */
	day = cd_days(b.first_year, 1, 1) + cd_rng_range(&g.r, 0, 364);
	if (day > g.end)
		day = g.end;
	if (b.builder >= 0) {
		struct owner land;

		named(E_BUILDER, (uint64_t)b.builder, builders[b.builder], &o);
		day -= cd_rng_range(&g.r, 200, 500);
		investor(g.seed, investor_num(&g, day), &land);
		convey(&g, &land, &o, day, CD_C_SPEC, 0, 0);
		if (cd_rng_chance(&g.r, 0.5))
			borrow(&g, &o, day);
	} else {
		struct owner first;

		if (cd_rng_chance(&g.r, 0.15))
			named(E_PUBLIC, 0, publics[cd_rng_below(&g.r, NELEM(publics))], &first);
		else
			investor(g.seed, investor_num(&g, day), &first);
		buyer(&g, day, &o);
		convey(&g, &first, &o, day, day < cd_days(1975, 1, 1) ? CD_C_DEED : CD_C_WAR, 0, 1);
	}

	/* owner after owner until the end */
	for (int k = 0; k < 24; k++) {
		int builder_sale = o.kind == E_BUILDER;

		next = day + hold_days(&g, &o);
		holding(&g, &o, day, next);
		if (next > g.end)
			break;
		sale = next_owner(&g, &o, next, day, &to, &code);
		if (builder_sale && g.loan >= 0 && cd_rng_chance(&g.r, 0.8)) {
			/* the builder's loan released lot by lot */
			struct cd_hdoc *d = doc(&g, next, CD_C_REL);

			names_of(&g, d, &o);
			name(d, lenders[g.loan].name);
			g.loan = -1;
		}
		convey(&g, &o, &to, next, code, 0, sale);
		day = next;
		o = to;
	}

	if (fixed != NULL) {
		named(E_GIVEN, 0, fixed->owner, &to);
		g.end = end;
		convey(&g, &o, &to, fixed_day, code_of_type(fixed->deed_type), fixed_number, 1);
		return;
	}
	if (h_owner != NULL) {
		/* --hostile-names: the last buyer is one of the hostile owners */
		named(E_GIVEN, 0, h_owner, &to);
		next = day + (g.end - day) / 2;
		convey(&g, &o, &to, next > day ? next : day, CD_C_WAR, 0, 1);
		o = to;
	}
	future(c, i, end, &g, &o, day);
	cd_copy(h->owner, sizeof(h->owner), o.owner);
}
