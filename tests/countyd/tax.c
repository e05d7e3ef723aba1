/*
 * tax.c - the treasurer: a parcel's tax years, special districts, payments
 * and delinquency, drawn from (seed, parcel) as of countyd's "today", and the
 * ASP.NET pages that show them (SERVICES.md).
 *
 * Amounts are cents throughout.  The assessed tax of a year is the parcel's
 * assessed LPV times its tax area's rate; whether and when each half was paid
 * is drawn per year, and today decides which payments have happened and
 * which unpaid halves are delinquent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "countyd.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum { S_TAX = 101, S_AREA = 102, S_YEAR = 110, S_NEWYEAR = 130 };

enum mode { M_FULL, M_HALVES, M_SKIP, M_FIRST_ONLY };

#define P "cphMainContent_cphRightColumn_"

struct kind {
	const char *prefix, *name;
};

static const struct kind district_kinds[] = {
	{ "FD", "FIRE DISTRICT ASSISTANCE TAX" },
	{ "CW", "CENTRAL ARIZONA WATER CONSERVATION DIST" },
	{ "LB", "COUNTY LIBRARY DISTRICT" },
	{ "FC", "FLOOD CONTROL DISTRICT" },
	{ "SL", "STREET LIGHTING IMPROVEMENT DIST" },
	{ "ID", "IRRIGATION & WATER DELIVERY DIST" },
	{ "PK", "PARKWAY MAINTENANCE IMPROVEMENT DIST" },
	{ "HC", "SPECIAL HEALTH CARE DISTRICT" },
	{ "EV", "EAST VALLEY INSTITUTE OF TECHNOLOGY" },
	{ "WC", "WATER CONSERVATION & DRAINAGE DIST" },
};

static const char *const exemptions[] = {
	"WIDOW/WIDOWER EXEMPTION", "DISABILITY EXEMPTION", "DISABLED VETERAN EXEMPTION",
};

/* --- drawing the taxes ---------------------------------------------------- */

/* A day in [FROM, TO] (both days since 1970). */
static long
day_in(struct cd_rng *r, long from, long to)
{
	return cd_rng_range(r, from, to);
}

/* 16% a year, simple, for each month started from DUE (a 1st) to DAY. */
static long
interest(long amount, long due, long day)
{
	int dy, dm, dd, y, m, d;
	long months;

	cd_civil(due, &dy, &dm, &dd);
	cd_civil(day, &y, &m, &d);
	months = (long)(y - dy) * 12 + (m - dm) + 1;
	if (months < 1)
		months = 1;
	return (amount * 16 * months + 600) / 1200;
}

/* The assessed LPV behind tax year YEAR, extrapolated past the valuations. */
static long
alpv_for(const struct cd_facts *f, int year)
{
	int idx = (f->alpv_year != 0 ? f->alpv_year : CD_YEAR) - year, last = -1;
	double v;

	if (idx >= 0 && idx < CD_NYEARS && f->alpv[idx] >= 0)
		return f->alpv[idx];
	if (f->alpv_base_year != 0 && year <= f->alpv_base_year) {
		v = (double)f->alpv_base;
		for (int i = year; i < f->alpv_base_year; i++)
			v *= 0.95;
		return (long)v;
	}
	for (int i = 0; i < CD_NYEARS; i++)
		if (f->alpv[i] >= 0)
			last = i;
	if (last < 0)
		return 20000;
	v = (double)f->alpv[last];
	for (int i = last; i < idx; i++)
		v *= 0.95;
	return (long)v;
}

static void
act(struct cd_taxes *t, int year, const char *kind, long amount, long date, long paydate,
    const char *txn)
{
	struct cd_activity *a;

	if (t->nact >= CD_TAX_ACTS)
		return;
	a = &t->a[t->nact++];
	a->year = year;
	a->kind = kind;
	a->amount = amount;
	a->date = date;
	a->paydate = paydate;
	snprintf(a->txn, sizeof(a->txn), "%s", txn != NULL ? txn : "");
}

static void
txn_id(struct cd_rng *r, char *out, size_t sz)
{
	static const char lead[] = "ELC";

	snprintf(out, sz, "%c%09ld", lead[cd_rng_below(r, 3)], cd_rng_range(r, 1, 999999999));
}

static void
event(struct cd_taxes *t, long day, int year, int kind, long due, long today)
{
	struct cd_taxev *e;

	if (day > today || t->nev >= CD_TAX_EVS)
		return;
	e = &t->ev[t->nev++];
	e->day = day;
	e->year = year;
	e->kind = kind;
	e->due = due;
}

/*
 * One tax year: its bill, payments, interest and adjustment as of TODAY.
 * SLOT is its place in t->y (0 for the current year), Y the year's number
 * and CAL the calendar year whose September bills it (Y but for the years
 * the clock adds), STREAM its draws.  A year the clock adds has no
 * adjustment: nothing changes its bill but the clock's own events.
 */
static void
draw_year(const struct cd_county *c, const struct cd_facts *f, struct cd_taxes *t, int slot,
    int Y, int cal, uint64_t stream, long assessed, enum mode mode, long today)
{
	struct cd_taxyear *ty = &t->y[slot];
	long h1 = assessed - assessed / 2, h2 = assessed / 2;
	long paid1 = 0, paid2 = 0, ipaid = 0, bill, adj = 0, adjday, p, posted, u1, u2;
	long oct1 = cd_days(cal, 10, 1), nov1 = cd_days(cal, 11, 1);
	long mar1 = cd_days(cal + 1, 3, 1), may1 = cd_days(cal + 1, 5, 1);
	long paid1_day = -1, paid2_day = -1;
	struct cd_rng r;
	char txn[16];
	int late, fee_hit, added = cal != Y || Y > CD_TAX_YEAR;
	long fee;

	cd_rng_init(&r, c->seed, f->key, stream);
	ty->year = Y;
	ty->assessed = assessed;
	bill = day_in(&r, cd_days(cal, 9, 1), cd_days(cal, 9, 10));
	adjday = day_in(&r, cd_days(cal, 12, 1), cd_days(cal + 1, 1, 31));
	if (cd_rng_chance(&r, 0.04) && assessed > 0 && adjday <= today && !added)
		adj = assessed * cd_rng_range(&r, 1, 8) / 100;
	late = cd_rng_chance(&r, 0.05);
	fee_hit = cd_rng_chance(&r, 0.4);
	fee = (long[]){ 500, 1000, 1500, 2500 }[cd_rng_below(&r, 4)];
	if (assessed > 0 && bill <= today)
		act(t, Y, "Tax Bill", assessed + adj, bill, -1, NULL);
	/* an exempt parcel's year is billed too, at nothing: the page shows it */
	event(t, bill, Y, CD_TE_BILLED, assessed, today);
	if (adj > 0)
		act(t, Y, "Adjustment", -adj, adjday, -1, NULL);
	if (assessed > 0) {
		switch (mode) {
		case M_FULL:
			/* the clock's years: a payment in full before the first half is late */
			p = day_in(&r, cd_days(cal, 9, 20), added ? cd_days(cal, 10, 28) :
			    cd_days(cal, 12, 15));
			posted = p + cd_rng_range(&r, 0, 3);
			txn_id(&r, txn, sizeof(txn));
			if (posted <= today) {
				paid1 = h1;
				paid2 = h2;
				paid1_day = paid2_day = posted;
				act(t, Y, "Payment", -assessed, posted, p, txn);
			}
			break;
		case M_HALVES:
		case M_FIRST_ONLY:
			if (late && mode == M_HALVES)
				p = day_in(&r, cd_days(cal, 11, 3), cd_days(cal, 12, 20));
			else
				p = day_in(&r, cd_days(cal, 9, 20), cd_days(cal, 10, 31));
			posted = p + cd_rng_range(&r, 0, 3);
			txn_id(&r, txn, sizeof(txn));
			if (posted <= today) {
				long i = p > nov1 ? interest(h1, oct1, p) : 0;

				paid1 = h1;
				paid1_day = posted;
				ipaid += i;
				if (i > 0)
					act(t, Y, "Interest", i, posted, -1, NULL);
				act(t, Y, "Payment", -(h1 + i), posted, p, txn);
			}
			if (mode == M_FIRST_ONLY)
				break;
			p = day_in(&r, cd_days(cal + 1, 2, 1), cd_days(cal + 1, 4, 30));
			posted = p + cd_rng_range(&r, 0, 3);
			txn_id(&r, txn, sizeof(txn));
			if (posted <= today) {
				paid2 = h2;
				paid2_day = posted;
				act(t, Y, "Payment", -h2, posted, p, txn);
			}
			break;
		default:
			break;
		}
		/* the year's story in order: a half unpaid after its day is delinquent */
		if (h1 > 0 && (paid1_day < 0 || paid1_day > nov1))
			event(t, nov1 + 1, Y, CD_TE_DELINQUENT, assessed, today);
		if (paid1_day >= 0 && paid1_day == paid2_day)
			event(t, paid1_day, Y, CD_TE_PAID, 0, today);
		else if (paid1_day >= 0)
			event(t, paid1_day, Y, CD_TE_HALF_PAID, h2, today);
		if (h2 > 0 && (paid2_day < 0 || paid2_day > may1))
			event(t, may1 + 1, Y, CD_TE_DELINQUENT, h2 + (h1 - (paid1_day >= 0 &&
			    paid1_day <= may1 ? h1 : 0)), today);
		if (paid2_day >= 0 && paid2_day != paid1_day)
			event(t, paid2_day, Y, CD_TE_PAID, 0, today);
	}
	ty->paid = paid1 + paid2;
	u1 = h1 - paid1;
	u2 = h2 - paid2;
	ty->due = u1 + u2;
	if (slot == 0) {
		t->half = h1;
		t->interest_paid = ipaid;
		t->first_due = u1;
		t->second_due = u2;
		if (u1 > 0 && today > nov1)
			t->interest1 = interest(u1, oct1, today);
		if (u2 > 0 && today > may1)
			t->interest2 = interest(u2, mar1, today);
		t->interest_due = t->interest1 + t->interest2;
		if (t->interest_due > 0 && fee_hit)
			t->fees_due = fee;
		ty->due += t->interest_due + t->fees_due;
		t->open = ty->due > 0;
	}
}

static void
draw_districts(const struct cd_county *c, const struct cd_facts *f, struct cd_taxes *t)
{
	static const int weights[] = { 15, 20, 25, 20, 12, 8 };
	size_t order[NELEM(district_kinds)];
	struct cd_rng r;
	const struct cd_taxyear *cur = &t->y[0];
	long w;

	/* the districts are the tax area's: every parcel in it pays the same ones */
	cd_rng_init(&r, c->seed, cd_hash_bytes(0x6469737472696374ULL, f->tax_area,
	    strlen(f->tax_area)), S_AREA);
	w = (long)cd_rng_below(&r, 100);
	t->ndist = 0;
	while (t->ndist < 5 && w >= weights[t->ndist])
		w -= weights[t->ndist++];
	for (size_t i = 0; i < NELEM(order); i++)
		order[i] = i;
	for (size_t i = NELEM(order) - 1; i > 0; i--) {
		size_t k = cd_rng_below(&r, i + 1), tmp = order[i];

		order[i] = order[k];
		order[k] = tmp;
	}
	for (int i = 0; i < t->ndist; i++) {
		struct cd_taxdist *d = &t->d[i];
		const struct kind *k = &district_kinds[order[i]];

		snprintf(d->code, sizeof(d->code), "%s%04ld", k->prefix, cd_rng_range(&r, 1, 9999));
		d->name = k->name;
		d->pct = cd_rng_range(&r, 500, 30000);
		d->tax = (cur->assessed * d->pct + 500000) / 1000000;
		if (cur->due == 0)
			d->paid = d->tax;
		else if (cur->assessed > 0)
			d->paid = (d->tax * cur->paid + cur->assessed / 2) / cur->assessed;
	}
}

/*
 * The years the clock has billed for F by TODAY: the calendar years whose
 * September (after the county's start) has billed F, oldest first.
 */
static int
added_years(const struct cd_county *c, const struct cd_facts *f, long today, int *cal, int max)
{
	int y0, y1, m, d, n = 0;
	struct cd_rng r;

	if (c->clock_start <= 0 || today <= c->clock_start)
		return 0;
	cd_civil(c->clock_start, &y0, &m, &d);
	cd_civil(today, &y1, &m, &d);
	for (int y = y0; y <= y1 && n < max; y++) {
		long bill;

		if (cd_days(y, 9, 1) <= c->clock_start)
			continue;
		cd_rng_init(&r, c->seed, f->key, ((uint64_t)S_NEWYEAR << 16) | (uint64_t)y);
		bill = day_in(&r, cd_days(y, 9, 1), cd_days(y, 9, 10));
		if (bill <= today)
			cal[n++] = y;
	}
	return n;
}

void
cd_tax_gen(const struct cd_county *c, const struct cd_facts *f, long today, struct cd_taxes *t)
{
	struct cd_rng r, ra;
	long rate;
	double u;
	enum mode cur_mode;
	int older_unpaid = 0, cal[CD_TAX_YEARS], nadd;

	memset(t, 0, sizeof(*t));
	t->key = f->key;
	cd_rng_init(&r, c->seed, f->key, S_TAX);
	t->nyears = (int)cd_rng_range(&r, 5, CD_TAX_YEARS);
	t->list_markup = cd_rng_chance(&r, 0.5);
	t->old_grid = cd_rng_chance(&r, 1.0 / 3);
	t->airy = cd_rng_chance(&r, 0.5);
	u = cd_rng_unit(&r);
	if (u < 0.08) {
		/* delinquent: one half or both left unpaid, some older years too */
		cur_mode = cd_rng_chance(&r, 0.5) ? M_SKIP : M_FIRST_ONLY;
		if (cd_rng_chance(&r, 0.3))
			older_unpaid = (int)cd_rng_range(&r, 1, 2);
	} else {
		cur_mode = u < 0.08 + 0.35 ? M_FULL : M_HALVES;
	}
	t->exemption = f->exempt ? "PROPERTY TAX EXEMPT" :
	    cd_rng_chance(&r, 0.03) ? exemptions[cd_rng_below(&r, NELEM(exemptions))] : "";
	cd_rng_init(&ra, c->seed, cd_hash_bytes(0x7461786172656100ULL, f->tax_area,
	    strlen(f->tax_area)), S_AREA);
	rate = cd_rng_range(&ra, 75000, 135000);	/* per $100 of assessed LPV, x 10^4 */

	/* the clock's years, newest in slot 0; the page keeps CD_TAX_YEARS */
	nadd = added_years(c, f, today, cal, CD_TAX_YEARS);
	for (int n = 0; n < nadd; n++) {
		struct cd_rng ry;
		uint64_t stream = ((uint64_t)S_NEWYEAR << 16) | (uint64_t)cal[n];
		int Y = CD_TAX_YEAR + 1 + n;
		long assessed = 0;
		enum mode m;

		cd_rng_init(&ry, c->seed, f->key, stream ^ 0x8000);
		u = cd_rng_unit(&ry);
		m = u < 0.03 ? (cd_rng_chance(&ry, 0.5) ? M_SKIP : M_FIRST_ONLY) :
		    u < 0.40 ? M_FULL : M_HALVES;
		if (!f->exempt)
			assessed = alpv_for(f, Y) * (rate + cd_rng_range(&ry, -3000, 3000)) / 10000;
		draw_year(c, f, t, nadd - 1 - n, Y, cal[n], stream, assessed, m, today);
	}
	for (int j = 0; j < t->nyears; j++) {
		long assessed = 0;
		enum mode m = cur_mode;

		if (!f->exempt)
			assessed = alpv_for(f, CD_TAX_YEAR - j) *
			    (rate + cd_rng_range(&r, -3000, 3000)) / 10000;
		if (j > 0)
			m = j <= older_unpaid ? (cd_rng_chance(&r, 0.5) ? M_SKIP : M_FIRST_ONLY) :
			    cd_rng_chance(&r, 0.4) ? M_FULL : M_HALVES;
		if (j + nadd < CD_TAX_YEARS)
			draw_year(c, f, t, j + nadd, CD_TAX_YEAR - j, CD_TAX_YEAR - j,
			    S_YEAR + (uint64_t)j, assessed, m, today);
	}
	t->nyears = t->nyears + nadd < CD_TAX_YEARS ? t->nyears + nadd : CD_TAX_YEARS;
	draw_districts(c, f, t);
	/* page order: newest activity first */
	for (int i = 1; i < t->nact; i++) {
		struct cd_activity a = t->a[i];
		int k = i;

		for (; k > 0 && t->a[k - 1].date < a.date; k--)
			t->a[k] = t->a[k - 1];
		t->a[k] = a;
	}
}

/* --- pages -------------------------------------------------------------------- */

static void
money(char *out, size_t sz, long cents)
{
	char digits[24], grouped[32];
	unsigned long v = cents < 0 ? (unsigned long)-cents : (unsigned long)cents;
	int n, g = 0;

	n = snprintf(digits, sizeof(digits), "%lu", v / 100);
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	snprintf(out, sz, "%s$%.27s.%02lu", cents < 0 ? "-" : "", grouped, v % 100);
}

static void
mdy(char *out, size_t sz, long day)
{
	int y, m, d;

	cd_civil(day, &y, &m, &d);
	snprintf(out, sz, "%02d/%02d/%04d", m, d, y);
}

static void
esc(struct cd_buf *b, const char *s)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *e;

		switch (*s) {
		case '&':
			e = "&amp;";
			break;
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '"':
			e = "&quot;";
			break;
		default:
			continue;
		}
		cd_buf_put(b, run, (size_t)(s - run));
		cd_buf_puts(b, e);
		run = s + 1;
	}
	cd_buf_puts(b, run);
}

/* A grid cell; an airy page spreads cells over lines, as ASP.NET templates do. */
static void
cell(struct cd_buf *b, int airy, const char *tag, const char *v)
{
	cd_buf_printf(b, "<%s>", tag);
	if (airy)
		cd_buf_puts(b, "\r\n\t\t\t\t\t");
	esc(b, v);
	if (airy)
		cd_buf_puts(b, "\r\n\t\t\t\t");
	cd_buf_printf(b, "</%s>", tag);
}

static void
span(struct cd_buf *b, const char *id, const char *v)
{
	cd_buf_printf(b, "<span id=\"" P "%s\">", id);
	esc(b, v);
	cd_buf_puts(b, "</span>");
}

static void
grid_open(struct cd_buf *b, const char *id, const char *const *heads, int n)
{
	cd_buf_printf(b, "<div>\r\n\t<table class=\"grid\" cellspacing=\"0\" rules=\"all\" "
	    "border=\"1\" id=\"" P "%s\" style=\"border-collapse:collapse;\">\r\n", id);
	if (heads == NULL)
		return;
	cd_buf_puts(b, "\t\t<tr class=\"gridheader\">\r\n\t\t\t");
	for (int i = 0; i < n; i++)
		cd_buf_printf(b, "<th scope=\"col\">%s</th>", heads[i]);
	cd_buf_puts(b, "\r\n\t\t</tr>");
}

static void
grid_close(struct cd_buf *b)
{
	cd_buf_puts(b, "\r\n\t</table>\r\n</div>\r\n");
}

static void
row_open(struct cd_buf *b, int k)
{
	cd_buf_printf(b, "<tr%s>\r\n\t\t\t", k % 2 == 1 ? " class=\"altrow\"" : "");
}

static void
page_open(struct cd_buf *b, const char *title, const char *action, uint64_t key)
{
	unsigned char vs[180];
	uint64_t h = cd_mix64(key ^ 0x5f5f56494557ULL);

	for (size_t i = 0; i < sizeof(vs); i++) {
		if (i % 8 == 0)
			h = cd_mix64(h + i);
		vs[i] = (unsigned char)(h >> (8 * (i % 8)));
	}
	cd_buf_printf(b,
	    "\r\n\r\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
	    "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\r\n\r\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n"
	    "<head><title>\r\n\t%s\r\n</title><meta http-equiv=\"X-UA-Compatible\" "
	    "content=\"IE=edge\" /><link href=\"/css/site.css\" rel=\"stylesheet\" "
	    "type=\"text/css\" /></head>\r\n<body>\r\n"
	    "    <form method=\"post\" action=\"%s\" id=\"form1\">\r\n"
	    "<div class=\"aspNetHidden\">\r\n"
	    "<input type=\"hidden\" name=\"__VIEWSTATE\" id=\"__VIEWSTATE\" value=\"",
	    title, action);
	cd_buf_base64(b, vs, sizeof(vs));
	cd_buf_puts(b, "\" />\r\n</div>\r\n\r\n"
	    "<div id=\"header\"><a href=\"/\">Maricopa County Treasurer</a>&nbsp;|&nbsp;"
	    "<a href=\"/Parcel/\">Parcel&nbsp;Search</a></div>\r\n"
	    "<div id=\"content\">\r\n");
}

static void
page_close(struct cd_buf *b)
{
	cd_buf_puts(b, "</div>\r\n<div id=\"footer\">&copy; Maricopa County Treasurer&nbsp;"
	    "&middot;&nbsp;<a href=\"/Disclaimer.aspx\">Disclaimer</a></div>\r\n"
	    "    </form>\r\n</body>\r\n</html>\r\n");
}

/*
 * Whether parcel T's pnlOpen shows an interest or fees row of nothing as
 * $0.00 (else it leaves the row out).  FORMATS.md says a delinquent parcel
 * shows non-zero rows, not what a parcel owing none shows: about half the
 * parcels do each, drawn from the key like the layout.
 */
static int
zero_rows_shown(const struct cd_taxes *t)
{
	return (int)((cd_mix64(t->key ^ 0x7a65726f526f7773ULL) >> 7) & 1);
}

/*
 * pnlOpen in the layout --treasurer-open asks for, or by parcel: a row per
 * amount ("First Half:" ... "Total Due:"), or a row per charge under the
 * columns First Half, Second Half and Total; an interest or fees row of
 * nothing shown or left out as zero_rows_shown() says.  The layout is drawn
 * from the parcel's key, not its random stream, so the taxes are the same
 * whichever layout shows them.
 */
static void
open_panel(const struct cd_taxes *t, int airy, struct cd_buf *b)
{
	int layout = cd_cfg.tax_open >= 0 ? cd_cfg.tax_open :
	    (int)(cd_mix64(t->key ^ 0x706e6c4f70656eULL) & 1);
	int zeros = zero_rows_shown(t);
	char v[48];

	cd_buf_puts(b, "\t<div id=\"" P "pnlOpen\">\r\n\t\t<table class=\"open\">\r\n");
	if (layout == CD_OPEN_ROWS) {
		const char *labels[5] = {
			"First Half:", "Second Half:", "Interest Due:", "Fees Due:", "Total Due:",
		};
		long amounts[5] = {
			t->first_due, t->second_due, t->interest_due, t->fees_due, t->y[0].due,
		};

		for (int i = 0; i < 5; i++) {
			if ((i == 2 || i == 3) && amounts[i] == 0 && !zeros)
				continue;
			money(v, sizeof(v), amounts[i]);
			cd_buf_puts(b, "\t\t\t<tr>");
			cell(b, airy, "td", labels[i]);
			cell(b, airy, "td", v);
			cd_buf_puts(b, "</tr>\r\n");
		}
	} else {
		static const char *const heads[3] = { "First Half", "Second Half", "Total" };
		const char *labels[4] = { "Tax Due:", "Interest Due:", "Fees Due:", "Total Due:" };
		/* the fee goes with the half that earned interest first */
		long fee1 = t->interest1 > 0 ? t->fees_due : 0, fee2 = t->fees_due - fee1;
		long amounts[4][2] = {
			{ t->first_due, t->second_due },
			{ t->interest1, t->interest2 },
			{ fee1, fee2 },
			{ t->first_due + t->interest1 + fee1, t->second_due + t->interest2 + fee2 },
		};

		cd_buf_puts(b, "\t\t\t<tr class=\"gridheader\"><th>&nbsp;</th>");
		for (int c = 0; c < 3; c++)
			cell(b, airy, "th", heads[c]);
		cd_buf_puts(b, "</tr>\r\n");
		for (int i = 0; i < 4; i++) {
			if ((i == 1 || i == 2) && amounts[i][0] + amounts[i][1] == 0 && !zeros)
				continue;
			cd_buf_puts(b, "\t\t\t<tr>");
			cell(b, airy, "td", labels[i]);
			for (int c = 0; c < 3; c++) {
				money(v, sizeof(v), c < 2 ? amounts[i][c] : amounts[i][0] + amounts[i][1]);
				cell(b, airy, "td", v);
			}
			cd_buf_puts(b, "</tr>\r\n");
		}
	}
	cd_buf_puts(b, "\t\t</table>\r\n\t</div>\r\n");
}

static void
summary(const struct cd_facts *f, const struct cd_taxes *t, int all, struct cd_buf *b)
{
	static const char *const dheads[] = { "District", "Name", "Percentage", "Tax", "Paid" };
	static const char *const yheads[] = {
		"Tax Year", "Assessed Tax", "Amount Paid", "Amount Due", "Status",
	};
	const struct cd_taxyear *cur = &t->y[0];
	char m[3][32], v[48];
	int airy = t->airy;

	page_open(b, "Parcel Summary - Maricopa County Treasurer",
	    all ? "./Summary.aspx?List=All" : "./Summary.aspx", t->key);
	cd_buf_puts(b, "<div id=\"" P "pnlSummary\">\r\n\t<h2 class=\"title\">");
	snprintf(v, sizeof(v), "Tax Summary %s", f->apn);
	span(b, "headerSummary", v);
	cd_buf_puts(b, "</h2>\r\n\t<div class=\"parcelinfo\">\r\n\t\t<span id=\"" P
	    "ParcelNASitusLegal_lblNameAddress\">");
	esc(b, f->owner);
	for (int i = 0; i < 4 && f->mail[i][0] != '\0'; i++) {
		cd_buf_puts(b, "<br/>");
		esc(b, f->mail[i]);
	}
	cd_buf_puts(b, "</span><br />\r\n\t\t");
	span(b, "ParcelNASitusLegal_lblSitusAddress", f->situs);
	cd_buf_puts(b, "\r\n\t</div>\r\n\t");

	money(m[0], sizeof(m[0]), cur->assessed);
	money(m[1], sizeof(m[1]), cur->paid);
	money(m[2], sizeof(m[2]), cur->due);
	if (t->list_markup) {
		cd_buf_puts(b, "<ul id=\"" P "taxDue2\" class=\"taxdue\">\r\n\t\t");
		cell(b, airy, "li", "Assessed Tax");
		cell(b, airy, "li", m[0]);
		cell(b, airy, "li", "Paid");
		cell(b, airy, "li", m[1]);
		cell(b, airy, "li", "Total Due");
		cell(b, airy, "li", m[2]);
		cd_buf_puts(b, "\r\n\t</ul>\r\n");
	} else {
		cd_buf_puts(b, "<table id=\"" P "taxDue1\" class=\"taxdue\">\r\n\t\t<tr>\r\n\t\t\t");
		cell(b, airy, "td", "Assessed Tax");
		cell(b, airy, "td", m[0]);
		cell(b, airy, "td", "Paid");
		cell(b, airy, "td", m[1]);
		cell(b, airy, "td", "Total Due");
		cell(b, airy, "td", m[2]);
		cd_buf_puts(b, "\r\n\t\t</tr>\r\n\t</table>\r\n");
	}

	cd_buf_puts(b, "\t<table class=\"details\">\r\n\t\t<tr><td>Tax Area Code:</td><td>");
	span(b, "lblAreaCode", f->tax_area);
	cd_buf_puts(b, "</td></tr>\r\n\t\t<tr><td>Assessed Tax:</td><td>");
	span(b, "lblAssessedTax", m[0]);
	cd_buf_puts(b, "</td></tr>\r\n\t\t<tr><td>Exemption&nbsp;Description:</td><td>");
	span(b, "lblExemptionDescription", t->exemption);
	cd_buf_puts(b, "</td></tr>\r\n\t\t<tr><td>Half Tax:</td><td>");
	money(v, sizeof(v), t->half);
	span(b, "lblHalfTax", v);
	cd_buf_puts(b, "</td></tr>\r\n\t\t<tr><td>Tax Paid:</td><td>");
	span(b, "lblAssessedTaxPaid", m[1]);
	cd_buf_puts(b, "</td></tr>\r\n\t\t<tr><td>Interest Paid:</td><td>");
	money(v, sizeof(v), t->interest_paid);
	span(b, "lblInterestPaid", v);
	cd_buf_puts(b, "</td></tr>\r\n\t\t<tr><td>Total Paid:</td><td>");
	money(v, sizeof(v), cur->paid + t->interest_paid);
	span(b, "lblTotalPaid", v);
	cd_buf_puts(b, "</td></tr>\r\n\t</table>\r\n\t<h3>Special Districts</h3>\r\n");

	grid_open(b, "gvSpecialDistricts", dheads, 5);
	for (int i = 0; i < t->ndist; i++) {
		const struct cd_taxdist *d = &t->d[i];

		cd_buf_puts(b, "\r\n\t\t");
		row_open(b, i);
		cell(b, airy, "td", d->code);
		cell(b, airy, "td", d->name);
		snprintf(v, sizeof(v), "%ld.%04ld%%", d->pct / 10000, d->pct % 10000);
		cell(b, airy, "td", v);
		money(v, sizeof(v), d->tax);
		cell(b, airy, "td", v);
		money(v, sizeof(v), d->paid);
		cell(b, airy, "td", v);
		cd_buf_puts(b, "\r\n\t\t</tr>");
	}
	grid_close(b);

	if (t->open)
		open_panel(t, airy, b);
	if (all) {
		cd_buf_puts(b, "\t<h3>Tax Years</h3>\r\n");
		grid_open(b, "gvTaxYears", yheads, 5);
		for (int i = 0; i < t->nyears; i++) {
			const struct cd_taxyear *y = &t->y[i];

			cd_buf_puts(b, "\r\n\t\t");
			row_open(b, i);
			snprintf(v, sizeof(v), "%d", y->year);
			cell(b, airy, "td", v);
			money(v, sizeof(v), y->assessed);
			cell(b, airy, "td", v);
			money(v, sizeof(v), y->paid);
			cell(b, airy, "td", v);
			money(v, sizeof(v), y->due);
			cell(b, airy, "td", v);
			cell(b, airy, "td", y->due > 0 ? "Unpaid" : "Paid");
			cd_buf_puts(b, "\r\n\t\t</tr>");
		}
		grid_close(b);
	}
	cd_buf_puts(b, "</div>\r\n");
	page_close(b);
}

static void
activities(const struct cd_facts *f, const struct cd_taxes *t, struct cd_buf *b)
{
	static const char *const heads[] = {
		"Year", "Activity", "Amount", "ActivityDate", "PaymentDate", "Transaction",
	};
	const char *id = t->old_grid ? "Activities1_gvActs" : "activityList_gvActs";
	char v[48];

	page_open(b, "Parcel Activities - Maricopa County Treasurer", "./Activities.aspx", t->key);
	cd_buf_puts(b, "<div id=\"" P "pnlActivities\">\r\n\t<h2 class=\"title\">");
	snprintf(v, sizeof(v), "Activities %s", f->apn);
	span(b, "lblActivitiesHeader", v);
	cd_buf_puts(b, "</h2>\r\n");
	if (t->nact == 0) {
		grid_open(b, id, NULL, 0);
		cd_buf_puts(b, "\t\t<tr>\r\n\t\t\t<td colspan=\"6\">No activity records</td>"
		    "\r\n\t\t</tr>");
		grid_close(b);
	} else {
		grid_open(b, id, heads, 6);
		for (int i = 0; i < t->nact; i++) {
			const struct cd_activity *a = &t->a[i];

			cd_buf_puts(b, "\r\n\t\t");
			row_open(b, i);
			snprintf(v, sizeof(v), "%d", a->year);
			cell(b, t->airy, "td", v);
			cell(b, t->airy, "td", a->kind);
			money(v, sizeof(v), a->amount);
			cell(b, t->airy, "td", v);
			mdy(v, sizeof(v), a->date);
			cell(b, t->airy, "td", v);
			v[0] = '\0';
			if (a->paydate >= 0)
				mdy(v, sizeof(v), a->paydate);
			cell(b, t->airy, "td", v);
			cell(b, t->airy, "td", a->txn);
			cd_buf_puts(b, "\r\n\t\t</tr>");
		}
		grid_close(b);
	}
	cd_buf_puts(b, "</div>\r\n");
	page_close(b);
}

static void
statement(const struct cd_facts *f, const struct cd_taxes *t, struct cd_buf *b)
{
	static const char *const heads[] = { "District", "Rate", "Amount" };
	static const char *const names[] = {
		"COUNTY PRIMARY", "SCHOOL DISTRICT PRIMARY", "COMMUNITY COLLEGE PRIMARY",
		"CITY/TOWN PRIMARY", "STATE EQUALIZATION",
	};
	static const int share[] = { 22, 41, 12, 15, 10 };
	long rest = t->y[0].assessed, left;
	char v[48];

	for (int i = 0; i < t->ndist; i++)
		rest -= t->d[i].tax;
	left = rest;
	page_open(b, "Detailed Tax Statement - Maricopa County Treasurer",
	    "./DetailedTaxStatement.aspx", t->key);
	cd_buf_puts(b, "<div id=\"" P "dtlTaxBill_pnlBill\">\r\n\t<h2>");
	snprintf(v, sizeof(v), "Detailed Tax Statement %d %s", t->y[0].year, f->apn);
	esc(b, v);
	cd_buf_puts(b, "</h2>\r\n\t<p>Grand total, current year: ");
	money(v, sizeof(v), t->y[0].assessed);
	span(b, "dtlTaxBill_lblGrandTotalCurrentYear", v);
	cd_buf_puts(b, "</p>\r\n");
	grid_open(b, "dtlTaxBill_gvPrimaryDistricts", heads, 3);
	for (size_t i = 0; i < NELEM(names); i++) {
		long amt = i + 1 < NELEM(names) ? rest * share[i] / 100 : left;

		left -= amt;
		cd_buf_puts(b, "\r\n\t\t");
		row_open(b, (int)i);
		cell(b, t->airy, "td", names[i]);
		snprintf(v, sizeof(v), "%d.%04d", share[i] / 10, (share[i] % 10) * 1000 + 123);
		cell(b, t->airy, "td", v);
		money(v, sizeof(v), amt);
		cell(b, t->airy, "td", v);
		cd_buf_puts(b, "\r\n\t\t</tr>");
	}
	grid_close(b);
	cd_buf_puts(b, "</div>\r\n");
	page_close(b);
}

void
cd_tax_render(const struct cd_facts *f, const struct cd_taxes *t, enum cd_tax_page page,
    struct cd_buf *b)
{
	switch (page) {
	case CD_TP_SUMMARY:
	case CD_TP_SUMMARY_ALL:
		summary(f, t, page == CD_TP_SUMMARY_ALL, b);
		break;
	case CD_TP_ACTIVITIES:
		activities(f, t, b);
		break;
	case CD_TP_STATEMENT:
		statement(f, t, b);
		break;
	default:
		cd_tax_render_error("", b);
		break;
	}
}

void
cd_tax_render_error(const char *msg, struct cd_buf *b)
{
	page_open(b, "Parcel Search - Maricopa County Treasurer", "./default.aspx", 0);
	cd_buf_puts(b, "<div id=\"" P "pnlSearch\">\r\n\t<h2>Parcel Search</h2>\r\n\t"
	    "<label for=\"" P "txtParcel\">Parcel&nbsp;Number:</label>\r\n\t"
	    "<input name=\"ctl00$cphMainContent$cphRightColumn$txtParcel\" type=\"text\" id=\""
	    P "txtParcel\" />\r\n\t<input type=\"submit\" value=\"Search\" />\r\n\t<p>");
	span(b, "lblError", msg);
	cd_buf_puts(b, "</p>\r\n</div>\r\n");
	page_close(b);
}

void
cd_tax_render_moved(const char *location, struct cd_buf *b)
{
	cd_buf_puts(b, "<html><head><title>Object moved</title></head><body>\r\n"
	    "<h2>Object moved to <a href=\"");
	esc(b, location);
	cd_buf_puts(b, "\">here</a>.</h2>\r\n</body></html>\r\n");
}

void
cd_tax_render_missing(struct cd_buf *b)
{
	cd_buf_puts(b, "<!DOCTYPE html>\r\n<html>\r\n<head><title>The resource cannot be found."
	    "</title></head>\r\n<body>\r\n<h1>Server Error in '/' Application.</h1>\r\n"
	    "<h2><i>The resource cannot be found.</i></h2>\r\n</body>\r\n</html>\r\n");
}

void
cd_tax_render_malformed(const struct cd_facts *f, const struct cd_taxes *t,
    enum cd_tax_page page, unsigned variant, struct cd_buf *b)
{
	const char *mark = NULL;
	char *at;

	if (f != NULL && t != NULL) {
		/*
		 * The real page, cut in the middle of its first table, or
		 * (even variants) just after its first element with an id:
		 * legacy markup with what pdc needs missing.
		 */
		if ((variant & 1) == 0)
			mark = P;
		else if (page == CD_TP_SUMMARY || page == CD_TP_SUMMARY_ALL)
			mark = "Assessed Tax";
		else if (page == CD_TP_STATEMENT)
			mark = "COUNTY PRIMARY";
		else
			mark = P;
	}
	if (mark != NULL) {
		cd_tax_render(f, t, page, b);
		if (b->oom)
			return;
		if (strcmp(mark, P) == 0) {
			if ((at = strstr(b->p, P)) != NULL && (at = strchr(at, '>')) != NULL) {
				b->len = (size_t)(at - b->p) + 1;
				b->p[b->len] = '\0';
				cd_buf_puts(b, "</div></form></body></html>\r\n");
			}
			return;
		}
		if ((at = strstr(b->p, P "taxDue")) != NULL)
			at = strstr(at, mark);
		else
			at = strstr(b->p, mark);
		if (at != NULL) {
			b->len = (size_t)(at - b->p) + strlen(mark);
			b->p[b->len] = '\0';
		}
		return;
	}
	/* the entry page, cut before its search form: its panel's id and nothing else */
	page_open(b, "Parcel Search - Maricopa County Treasurer", "./default.aspx", 0);
	cd_buf_puts(b, "<div id=\"" P "pnlSearch\">\r\n\t<h2>Parcel Search</h2>\r\n");
}

void
cd_tax_render_portal(const struct cd_facts *f, struct cd_buf *b)
{
	static const char *const heads[] = { "Tax Year", "Status", "Assessed", "Paid", "Due" };

	cd_buf_puts(b, "<!DOCTYPE html>\r\n<html lang=\"en\">\r\n<head>\r\n<meta charset=\"utf-8\" />"
	    "\r\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\r\n"
	    "<title>Property Tax Information - Maricopa County Treasurer</title>\r\n"
	    "<link rel=\"stylesheet\" href=\"/lib/kendo/styles/kendo.default-main.css\" />\r\n"
	    "<script src=\"/lib/jquery/jquery.min.js\"></script>\r\n"
	    "<script src=\"/lib/kendo/js/kendo.all.min.js\"></script>\r\n"
	    "<script src=\"/js/pti.bundle.js\" defer></script>\r\n</head>\r\n<body>\r\n"
	    "<header class=\"site-header\"><a href=\"/\">Maricopa County Treasurer</a></header>\r\n"
	    "<main class=\"container\">\r\n");
	if (f == NULL) {
		cd_buf_puts(b, "<div id=\"propertyOwnerSearchResultColumn\" class=\"col\">"
		    "<p>No parcels match your search.</p></div>\r\n");
	} else {
		cd_buf_puts(b, "<nav><ul id=\"ptiNav\" class=\"nav nav-tabs\">\r\n"
		    "<li class=\"nav-item\"><a class=\"nav-link active\" href=\"#summary\" "
		    "data-view=\"summary\">Tax Summary</a></li>\r\n"
		    "<li class=\"nav-item\"><a class=\"nav-link\" href=\"#payments\" "
		    "data-view=\"payments\">Payment History</a></li>\r\n"
		    "<li class=\"nav-item\"><a class=\"nav-link\" href=\"#bills\" "
		    "data-view=\"bills\">Tax Bills</a></li>\r\n</ul></nav>\r\n"
		    "<div id=\"ptiGrid\" class=\"k-grid k-grid-md\" data-parcel=\"");
		esc(b, f->bare);
		cd_buf_puts(b, "\">\r\n<div class=\"k-grid-header\"><table class=\"k-grid-header-table "
		    "k-table\"><thead class=\"k-table-thead\"><tr class=\"k-table-row\">");
		for (size_t i = 0; i < NELEM(heads); i++)
			cd_buf_printf(b, "<th class=\"k-header k-table-th\">%s</th>", heads[i]);
		/* the rows come from a script: the page as served has none */
		cd_buf_puts(b, "</tr></thead></table></div>\r\n<div class=\"k-grid-content\">"
		    "<table class=\"k-grid-table k-table\" role=\"grid\"><tbody class=\"k-table-tbody\">"
		    "</tbody></table></div>\r\n</div>\r\n");
	}
	cd_buf_puts(b, "</main>\r\n<noscript>This page needs JavaScript.</noscript>\r\n"
	    "</body>\r\n</html>\r\n");
}

/* --- truth ------------------------------------------------------------------- */

static void
add_money(cJSON *o, const char *k, long cents)
{
	cJSON_AddNumberToObject(o, k, (double)cents / 100.0);
}

static void
add_iso(cJSON *o, const char *k, long day)
{
	char v[16];
	int y, m, d;

	if (day < 0) {
		cJSON_AddNullToObject(o, k);
		return;
	}
	cd_civil(day, &y, &m, &d);
	snprintf(v, sizeof(v), "%04d-%02d-%02d", y, m, d);
	cJSON_AddStringToObject(o, k, v);
}

/*
 * Whether year YEAR of TX is delinquent today, by the generator's own story
 * of it: its last payment or delinquency event (draw_year) is a delinquency.
 * Events of one day keep their order: a half paid the day it went late is paid.
 */
static int
delinquent_of(const struct cd_taxes *tx, int year)
{
	long day = -1;
	int late = 0;

	for (int i = 0; i < tx->nev; i++) {
		const struct cd_taxev *e = &tx->ev[i];

		if (e->year != year || e->kind == CD_TE_BILLED || e->day < day)
			continue;
		day = e->day;
		late = e->kind == CD_TE_DELINQUENT;
	}
	return late;
}

void
cd_tax_truth(cJSON *t, const struct cd_facts *f, const struct cd_taxes *tx)
{
	cJSON *bills = cJSON_AddArrayToObject(t, "tax_bills");
	cJSON *dists = cJSON_AddArrayToObject(t, "tax_districts");
	cJSON *pays = cJSON_AddArrayToObject(t, "tax_payments");
	char v[32];

	for (int i = 0; i < tx->nyears; i++) {
		const struct cd_taxyear *y = &tx->y[i];
		cJSON *o = cJSON_CreateObject(), *un;

		cJSON_AddStringToObject(o, "apn", f->apn);
		cJSON_AddNumberToObject(o, "tax_year", y->year);
		cJSON_AddStringToObject(o, "status", y->due > 0 ? "Unpaid" : "Paid");
		if (i == 0 && f->tax_area[0] != '\0')
			cJSON_AddStringToObject(o, "tax_area_code", f->tax_area);
		else
			cJSON_AddNullToObject(o, "tax_area_code");
		add_money(o, "assessed_tax", y->assessed);
		add_money(o, "paid", y->paid);
		add_money(o, "due", y->due);
		/* the amounts as drawn, the delinquency as the year's events tell it */
		if (i == 0) {
			add_money(o, "first_half_due", tx->first_due);
			add_money(o, "second_half_due", tx->second_due);
			add_money(o, "interest_due", tx->interest_due);
			add_money(o, "fees_due", tx->fees_due);
		} else {
			cJSON_AddNullToObject(o, "first_half_due");
			cJSON_AddNullToObject(o, "second_half_due");
			cJSON_AddNullToObject(o, "interest_due");
			cJSON_AddNullToObject(o, "fees_due");
		}
		cJSON_AddBoolToObject(o, "delinquent", delinquent_of(tx, y->year));
		/*
		 * What the pages served leave unsaid (SERVICES.md): an older
		 * year's delinquency while something is due (gvTaxYears says
		 * only Paid or Unpaid); the current year's interest or fees
		 * row of nothing left out, and then its delinquency unless a
		 * row shows something due.
		 */
		un = cJSON_AddArrayToObject(o, "unstated");
		if (i > 0 && y->due > 0)
			cJSON_AddItemToArray(un, cJSON_CreateString("delinquent"));
		if (i == 0 && tx->open && !zero_rows_shown(tx)) {
			if (tx->interest_due == 0)
				cJSON_AddItemToArray(un, cJSON_CreateString("interest_due"));
			if (tx->fees_due == 0)
				cJSON_AddItemToArray(un, cJSON_CreateString("fees_due"));
			if (tx->interest_due == 0 && tx->fees_due == 0)
				cJSON_AddItemToArray(un, cJSON_CreateString("delinquent"));
		}
		cJSON_AddItemToArray(bills, o);
	}
	for (int i = 0; i < tx->ndist; i++) {
		const struct cd_taxdist *d = &tx->d[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "apn", f->apn);
		cJSON_AddStringToObject(o, "district", d->code);
		cJSON_AddNumberToObject(o, "tax_year", tx->y[0].year);
		cJSON_AddStringToObject(o, "name", d->name);
		cJSON_AddNumberToObject(o, "percentage", (double)d->pct / 10000.0);
		add_money(o, "tax", d->tax);
		add_money(o, "paid", d->paid);
		cJSON_AddItemToArray(dists, o);
	}
	for (int i = 0; i < tx->nact; i++) {
		const struct cd_activity *a = &tx->a[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "apn", f->apn);
		cJSON_AddNumberToObject(o, "seq", i + 1);
		cJSON_AddNumberToObject(o, "tax_year", a->year);
		cJSON_AddStringToObject(o, "activity", a->kind);
		add_money(o, "amount", a->amount);
		add_iso(o, "activity_date", a->date);
		add_iso(o, "payment_date", a->paydate);
		if (a->txn[0] != '\0') {
			snprintf(v, sizeof(v), "%s", a->txn);
			cJSON_AddStringToObject(o, "transaction", v);
		} else {
			cJSON_AddNullToObject(o, "transaction");
		}
		cJSON_AddItemToArray(pays, o);
	}
}
