/*
 * The Maricopa County Treasurer: three server-rendered ASP.NET pages per
 * parcel, read with libxml2's HTML parser and found by element id.  The
 * parser feeds SAX handlers that keep only the elements with the ids a page
 * is read for, and what is under them, as libxml2's tree builder would
 * have built them: the whole tree cost more than the parse.
 *
 * The markup is loose (whitespace and &nbsp; inside cells, two ids for the
 * activity grid, two shapes of the tax-due box, two layouts of pnlOpen), so
 * grids are read by their header labels through the mapping tables below,
 * every cell's text is collapsed to single spaces, and each value goes
 * through one converter chosen by what the column holds.  What a page does
 * not say is stored as unknown and the part marked partial: a missing panel
 * or row must never read as 0.00 due and "not delinquent".
 */
#include <limits.h>
#include <stdint.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "../apn.h"
#include "../fetch.h"
#include "../schema.h"
#include "treasurer.h"
#include "util.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define ID_PREFIX	"cphMainContent_cphRightColumn_"
#define PAGE_SUMMARY	"/Parcel/Summary.aspx"
#define PAGE_YEARS	"/Parcel/Summary.aspx?List=All"
#define PAGE_ACTS	"/Parcel/Activities.aspx"

/* What a grid cell holds, which decides how its text is read. */
enum kind {
	K_TEXT,		/* as is; "" is NULL */
	K_YEAR,		/* "2025" */
	K_MONEY,	/* "$1,234.56", "-$12.00" -> "1234.56", "-12.00" */
	K_PERCENT,	/* "1.2345%" -> "1.2345" */
	K_DATE		/* "03/01/2026" -> "2026-03-01" */
};

struct gridcol {
	const char *header;	/* the <th> label; compared on letters and digits, any case */
	const char *col;	/* column of the row's table */
	enum kind kind;
};

static const struct gridcol year_cols[] = {
	{ "Tax Year", "tax_year", K_YEAR },
	{ "Assessed Tax", "assessed_tax", K_MONEY },
	{ "Amount Paid", "paid", K_MONEY },
	{ "Amount Due", "due", K_MONEY },
	{ "Status", "status", K_TEXT },
};

static const struct gridcol district_cols[] = {
	{ "District", "district", K_TEXT },
	{ "Name", "name", K_TEXT },
	{ "Percentage", "percentage", K_PERCENT },
	{ "Tax", "tax", K_MONEY },
	{ "Paid", "paid", K_MONEY },
};

static const struct gridcol activity_cols[] = {
	{ "Year", "tax_year", K_YEAR },
	{ "Activity", "activity", K_TEXT },
	{ "Amount", "amount", K_MONEY },
	{ "ActivityDate", "activity_date", K_DATE },
	{ "PaymentDate", "payment_date", K_DATE },
	{ "Transaction", "transaction", K_TEXT },
};

/*
 * pnlOpen's first layout: a row per amount, named by its first cell, the
 * amount in the second; where each goes.
 */
#define OFF(f)	offsetof(struct pdc_treasurer_summary, f)
static const struct {
	const char *label;
	size_t off;
} open_rows[] = {
	{ "First Half:", OFF(first_half_due) },
	{ "Second Half:", OFF(second_half_due) },
	{ "Interest Due:", OFF(interest_due) },
	{ "Fees Due:", OFF(fees_due) },
	{ "Total Due:", OFF(total_open) },
};

/*
 * Its second layout: a row per charge, named by its first cell, under a
 * header row of the columns "First Half", "Second Half" and "Total".  The
 * tax row gives each half's amount; the others their total.
 */
enum { CH_TAX, CH_INTEREST, CH_FEES, CH_TOTAL };
static const struct {
	const char *label;
	int charge;
} charge_rows[] = {
	{ "Tax Due:", CH_TAX }, { "Taxes Due:", CH_TAX }, { "Tax:", CH_TAX },
	{ "Interest Due:", CH_INTEREST }, { "Interest:", CH_INTEREST },
	{ "Fees Due:", CH_FEES }, { "Fees:", CH_FEES },
	{ "Total Due:", CH_TOTAL }, { "Total:", CH_TOTAL },
};

/* The ids each page's parser looks up (after ID_PREFIX): all a parse keeps of a page. */
static const char *const summary_ids[] = {
	"lblError", "headerSummary", "lblAreaCode", "taxDue1", "taxDue2", "pnlOpen",
	"gvSpecialDistricts", NULL
};
static const char *const years_ids[] = { "lblError", "headerSummary", "gvTaxYears", NULL };
static const char *const acts_ids[] = {
	"lblError", "activityList_gvActs", "Activities1_gvActs", NULL
};

enum { C_OK, C_BAD, C_NOMEM };

/* The elements the parsers look at by name. */
enum tag { T_OTHER, T_TR, T_TD, T_TH, T_THEAD, T_TBODY, T_TFOOT, T_LI };

/*
 * An element kept from a page.  Elements are linked by their index in the
 * page's array (-1 for none), which may move as it grows.  All the text
 * kept goes into one buffer in document order, so the text of an element
 * and everything under it is the range T0..T1 of that buffer.
 */
struct el {
	enum tag tag;
	bool spans;		/* has a colspan other than "1" */
	bool top;		/* opened outside every element, so under the first one */
	int parent, first, last, next;
	size_t t0, t1;
};

/* Room for the ids one page looks up. */
#define NWANT	8

/*
 * A page as the parsers see it: libxml2's HTML parser reads it all, but the
 * handlers below keep only the elements with the ids the page's parser looks
 * up (WANT, without ID_PREFIX) and what is under them; building and freeing
 * the whole tree cost more than the parse itself.
 */
struct page {
	const char *path;		/* for messages: "/Parcel/Summary.aspx" */
	const char *const *want;	/* NULL-terminated, at most NWANT */
	int found[NWANT];		/* WANT[i]'s element, -1 when not seen */
	struct el *el;
	size_t nel, elcap;
	char *text;			/* the text under kept elements */
	size_t tlen, tcap;
	char *scratch;			/* text_of's answer */
	size_t scap;
	int cur;			/* the open kept element, -1 when none */
	int depth;			/* elements open, kept or not */
	int first;			/* the page's first node, when a kept element; see sax_start */
	bool dtd;			/* a DOCTYPE was read */
	bool started;			/* the parser began a document */
	bool legacy;			/* an id with ID_PREFIX was seen: the pages pdc knows */
	bool portal;			/* #ptiNav or a Kendo grid: the newer, script-drawn page */
	bool oom;
};

/* A growing list of elements (indices). */
struct nodes {
	int *v;
	size_t n, cap;
};

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* libxml2 sets up its globals on first use; two threads must not race to it. */
static void
xml_init(void)
{
	xmlInitParser();
}

static int
nomem(struct pdc_err *err)
{
	return pdc_err_set(err, PDC_E_SYSTEM, "treasurer: out of memory");
}

/* Make room for N more bytes at *BUF (LEN used of *CAP). */
static int
reserve(char **buf, size_t *cap, size_t len, size_t n)
{
	size_t ncap = *cap ? *cap : 1024;
	char *p;

	if (n <= *cap - len)
		return 0;
	while (ncap - len < n) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if ((p = realloc(*buf, ncap)) == NULL)
		return -1;
	*buf = p;
	*cap = ncap;
	return 0;
}

static enum tag
tag_of(const char *name)
{
	static const struct {
		const char *name;
		enum tag tag;
	} tags[] = {
		{ "tr", T_TR }, { "td", T_TD }, { "th", T_TH }, { "li", T_LI },
		{ "thead", T_THEAD }, { "tbody", T_TBODY }, { "tfoot", T_TFOOT },
	};

	/* the parser gives names in lower case */
	for (size_t i = 0; i < NELEM(tags); i++)
		if (strcmp(name, tags[i].name) == 0)
			return tags[i].tag;
	return T_OTHER;
}

/*
 * Whether attribute ATT of element NAME makes an id, as libxml2's tree
 * builder has it for HTML: "id", "xml:id", and "name" on <a>.
 */
static bool
is_id_att(const char *name, const char *att)
{
	switch (att[0]) {
	case 'i':
		return att[1] == 'd' && att[2] == '\0';
	case 'x':
		return strcmp(att, "xml:id") == 0;
	case 'n':
		return name[0] == 'a' && name[1] == '\0' && strcmp(att, "name") == 0;
	default:
		return false;
	}
}

/* Which of PG's wanted ids VALUE is, not found before; -1 when none. */
static int
wanted(const struct page *pg, const char *value)
{
	size_t plen = sizeof(ID_PREFIX) - 1;

	if (value == NULL || strncmp(value, ID_PREFIX, plen) != 0)
		return -1;
	for (int i = 0; pg->want[i] != NULL; i++)
		if (pg->found[i] == -1 && strcmp(value + plen, pg->want[i]) == 0)
			return i;
	return -1;
}

/*
 * A colspan other than "1": a grid's empty-state text or its pager.  One
 * without a value reads as "", as the tree builder has it.
 */
static bool
spans_of(const xmlChar **atts)
{
	for (; atts != NULL && atts[0] != NULL; atts += 2)
		if (strcmp((const char *)atts[0], "colspan") == 0)
			return atts[1] == NULL || strcmp((const char *)atts[1], "1") != 0;
	return false;
}

/* A new element under PG->cur, which it becomes; -1 when out of memory. */
static int
el_open(struct page *pg, const char *name, const xmlChar **atts)
{
	struct el *e;
	int i;

	if (pg->nel == pg->elcap) {
		size_t ncap = pg->elcap ? pg->elcap * 2 : 64;
		struct el *p;

		if (ncap > INT_MAX || (p = reallocarray(pg->el, ncap, sizeof(*p))) == NULL)
			return -1;
		pg->el = p;
		pg->elcap = ncap;
	}
	i = (int)pg->nel++;
	e = &pg->el[i];
	e->tag = tag_of(name);
	e->spans = spans_of(atts);
	e->top = false;
	e->parent = pg->cur;
	e->first = e->last = e->next = -1;
	e->t0 = e->t1 = pg->tlen;
	if (pg->cur >= 0) {
		struct el *p = &pg->el[pg->cur];

		if (p->last >= 0)
			pg->el[p->last].next = i;
		else
			p->first = i;
		p->last = i;
	}
	pg->cur = i;
	return i;
}

/* The innermost open element ends: the tree builder would pop its node. */
static void
el_close(struct page *pg)
{
	struct el *e;

	if (pg->depth > 0)
		pg->depth--;
	if (pg->cur < 0)
		return;
	e = &pg->el[pg->cur];
	e->t1 = pg->tlen;
	pg->cur = e->parent;
	if (e->top) {
		pg->el[e->parent].t1 = pg->tlen;
		pg->cur = -1;
	}
}

/*
 * The page of parser context CTX, with its open elements brought down to
 * the parser's count OPEN: a start tag that does not end ("<td id=x" and
 * then the end of the page) drops its element without telling the
 * handlers, and the tree builder's node goes with it.
 */
static struct page *
synced(void *ctx, int open)
{
	struct page *pg = ((htmlParserCtxtPtr)ctx)->_private;

	while (pg->depth > open)
		el_close(pg);
	return pg;
}

/* What the page's first node is, for PG->first. */
enum { FIRST_NONE = -3, FIRST_OTHER = -1 };

/*
 * SAX: an element starts.  The parser pairs every start with an end (it
 * closes what the markup leaves open), so the kept elements nest as the
 * tree builder would nest them, with one quirk kept: an element that starts
 * when none is open (after </html>) goes under the page's first node when
 * that is an element.  The first element with an id wins.
 */
static void
sax_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
	struct page *pg = synced(ctx, ((htmlParserCtxtPtr)ctx)->nameNr - 1);
	const char *name = (const char *)xname;
	int hit[NWANT], nhit = 0, i;
	bool outside = pg->depth++ == 0, top = outside && pg->first >= 0;

	if (pg->oom)
		return;
	for (const xmlChar **a = atts; a != NULL && a[0] != NULL; a += 2) {
		const char *att = (const char *)a[0], *val = (const char *)a[1];

		if (!is_id_att(name, att)) {
			/* the portal's grid is known by its classes; once is enough */
			if (!pg->legacy && !pg->portal && val != NULL && att[0] == 'c' &&
			    strcmp(att, "class") == 0 && strstr(val, "k-grid") != NULL)
				pg->portal = true;
			continue;
		}
		if (val == NULL)
			continue;
		if (strncmp(val, ID_PREFIX, sizeof(ID_PREFIX) - 1) == 0)
			pg->legacy = true;
		else if (strcmp(val, "ptiNav") == 0 ||
		    strcmp(val, "propertyOwnerSearchResultColumn") == 0)
			pg->portal = true;
		if (nhit < NWANT && (i = wanted(pg, val)) >= 0) {
			pg->found[i] = -2;	/* taken, should the element repeat the id */
			hit[nhit++] = i;
		}
	}
	if (pg->cur < 0 && nhit == 0 && !top) {
		if (outside && pg->first == FIRST_NONE)
			pg->first = FIRST_OTHER;
		return;
	}
	if (top)
		pg->cur = pg->first;
	if ((i = el_open(pg, name, atts)) == -1) {
		pg->oom = true;
		return;
	}
	pg->el[i].top = top;
	if (outside && pg->first == FIRST_NONE)
		pg->first = i;
	while (nhit > 0)
		pg->found[hit[--nhit]] = i;
}

static void
sax_end(void *ctx, const xmlChar *name)
{
	struct page *pg = synced(ctx, ((htmlParserCtxtPtr)ctx)->nameNr);

	if (!pg->oom)
		el_close(pg);
}

/* SAX: a comment or processing instruction, which may be the page's first node. */
static void
sax_other(void *ctx, const xmlChar *a, const xmlChar *b)
{
	struct page *pg = synced(ctx, ((htmlParserCtxtPtr)ctx)->nameNr);

	if (pg->depth == 0 && pg->first == FIRST_NONE)
		pg->first = FIRST_OTHER;
}

static void
sax_comment(void *ctx, const xmlChar *s)
{
	sax_other(ctx, s, NULL);
}

/* SAX: a DOCTYPE; the first, wherever it is, becomes the page's first node. */
static void
sax_doctype(void *ctx, const xmlChar *name, const xmlChar *eid, const xmlChar *sid)
{
	struct page *pg = ((htmlParserCtxtPtr)ctx)->_private;

	if (!pg->dtd)
		pg->first = FIRST_OTHER;
	pg->dtd = true;
}

/* SAX: text, or the content of a script or style element; kept under kept elements. */
static void
sax_text(void *ctx, const xmlChar *s, int len)
{
	struct page *pg = synced(ctx, ((htmlParserCtxtPtr)ctx)->nameNr);

	if (pg->oom || pg->cur < 0 || len <= 0)
		return;
	if (reserve(&pg->text, &pg->tcap, pg->tlen, (size_t)len) == -1) {
		pg->oom = true;
		return;
	}
	memcpy(pg->text + pg->tlen, s, (size_t)len);
	pg->tlen += (size_t)len;
}

static void
sax_document(void *ctx)
{
	struct page *pg = ((htmlParserCtxtPtr)ctx)->_private;

	pg->started = true;
}

/* Parse LEN bytes at BODY into PG, keeping the elements with the ids WANT. */
static int
page_open(struct page *pg, const char *body, size_t len, const char *path,
    const char *const *want, struct pdc_err *err)
{
	static const int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
	static const htmlSAXHandler sax = {
		.initialized = 1,
		.startDocument = sax_document,
		.startElement = sax_start,
		.endElement = sax_end,
		.characters = sax_text,
		.cdataBlock = sax_text,
		.comment = sax_comment,
		.processingInstruction = sax_other,
		.internalSubset = sax_doctype,
	};
	htmlParserCtxtPtr ctxt;

	memset(pg, 0, sizeof(*pg));
	pg->path = path;
	pg->want = want;
	pg->cur = -1;
	pg->first = FIRST_NONE;
	for (size_t i = 0; i < NWANT; i++)
		pg->found[i] = -1;
	pthread_once(&xml_once, xml_init);
	if (body == NULL || len == 0)
		return pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: empty response", path);
	if (len > INT_MAX)
		return pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: response too large", path);
	/*
	 * The steps of htmlReadMemory, which starts from an XML parser context:
	 * an HTML one guesses another encoding for bytes above 127 when the
	 * page names none.
	 */
	if ((ctxt = xmlCreateMemoryParserCtxt(body, (int)len)) == NULL)
		return nomem(err);
	memcpy(ctxt->sax, &sax, sizeof(sax));
	ctxt->_private = pg;
	htmlCtxtUseOptions(ctxt, opts);
	ctxt->html = 1;
	htmlParseDocument(ctxt);
	xmlFreeParserCtxt(ctxt);
	while (pg->cur >= 0)
		el_close(pg);	/* what a page cut short leaves open */
	if (pg->oom)
		return nomem(err);
	if (!pg->started)
		return pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: response is not HTML", path);
	return 0;
}

static void
page_close(struct page *pg)
{
	free(pg->el);
	free(pg->text);
	free(pg->scratch);
	pg->el = NULL;
	pg->text = pg->scratch = NULL;
}

/* The element with id ID_PREFIX ID (one of the page's WANT), or -1. */
static int
by_id(const struct page *pg, const char *id)
{
	for (int i = 0; pg->want[i] != NULL; i++)
		if (strcmp(pg->want[i], id) == 0)
			return pg->found[i];
	return -1;
}

/* The element with ID, or -1 with ERR naming it when the page has none. */
static int
need(const struct page *pg, const char *id, int *node, struct pdc_err *err)
{
	if ((*node = by_id(pg, id)) == -1)
		return pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: %s not found", pg->path, id);
	return 0;
}

static int
push(struct nodes *ns, int n)
{
	if (ns->n == ns->cap) {
		size_t ncap = ns->cap ? ns->cap * 2 : 16;
		int *p = reallocarray(ns->v, ncap, sizeof(*p));

		if (p == NULL)
			return -1;
		ns->v = p;
		ns->cap = ncap;
	}
	ns->v[ns->n++] = n;
	return 0;
}

/* TABLE's own rows: its <tr> children and those of its thead, tbody, tfoot. */
static int
rows_of(const struct page *pg, int table, struct nodes *rows)
{
	for (int c = pg->el[table].first; c != -1; c = pg->el[c].next) {
		enum tag t = pg->el[c].tag;

		if (t == T_TR) {
			if (push(rows, c) == -1)
				return -1;
		} else if (t == T_THEAD || t == T_TBODY || t == T_TFOOT) {
			for (int r = pg->el[c].first; r != -1; r = pg->el[r].next)
				if (pg->el[r].tag == T_TR && push(rows, r) == -1)
					return -1;
		}
	}
	return 0;
}

/* The child elements of NODE that are A or B, in order. */
static int
children_of(const struct page *pg, int node, enum tag a, enum tag b, struct nodes *out)
{
	out->n = 0;
	for (int c = pg->el[node].first; c != -1; c = pg->el[c].next)
		if ((pg->el[c].tag == a || pg->el[c].tag == b) && push(out, c) == -1)
			return -1;
	return 0;
}

/* Every <tr> under NODE, at any depth, in document order. */
static int
all_rows(const struct page *pg, int node, struct nodes *out)
{
	for (int c = pg->el[node].first; c != -1; c = pg->el[c].next) {
		if (pg->el[c].tag == T_TR && push(out, c) == -1)
			return -1;
		if (all_rows(pg, c, out) == -1)
			return -1;
	}
	return 0;
}

/*
 * The text of NODE, with runs of blanks and no-break spaces (&nbsp;) as one
 * space and none at either end, in PG's scratch buffer: good until the next
 * call.  NULL when out of memory.  (The parser hands on no NUL; should one
 * come, it ends the text.)
 */
static const char *
text_of(struct page *pg, int node)
{
	size_t n = pg->el[node].t1 - pg->el[node].t0, o = 0;
	const unsigned char *s = n > 0 ? (const unsigned char *)pg->text + pg->el[node].t0 : NULL;
	bool space = false;
	char *out;

	if (reserve(&pg->scratch, &pg->scap, 0, n + 1) == -1)
		return NULL;
	out = pg->scratch;
	for (size_t i = 0; i < n && s[i] != '\0'; i++) {
		bool blank = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
		    s[i] == '\f' || s[i] == '\v';

		if (s[i] == 0xc2 && i + 1 < n && s[i + 1] == 0xa0) {
			blank = true;
			i++;
		}
		if (blank) {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)s[i];
	}
	out[o] = '\0';
	return out;
}

/* Letters and digits of S, lower case: "Tax Year", "TaxYear" and "tax year:" read alike. */
static void
label_key(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	for (; *s != '\0' && o + 1 < size; s++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			buf[o++] = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			buf[o++] = c;
	}
	buf[o] = '\0';
}

static bool
same_label(const char *a, const char *b)
{
	char ka[64], kb[64];

	label_key(a, ka, sizeof(ka));
	label_key(b, kb, sizeof(kb));
	return strcmp(ka, kb) == 0;
}

/* Whether NEEDLE occurs in HAY, ASCII letters compared without case. */
static bool
contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

/* S quoted for a message, cut short and made printable. */
static void
show(const char *s, char *buf, size_t size)
{
	char part[72];
	bool all = pdc_util_printable(s, strlen(s), part, sizeof(part));

	snprintf(buf, size, "\"%s%s\"", part, all ? "" : "...");
}

/*
 * lblError's text, when it has some, as the error it means: the treasurer's
 * way of saying the parcel is unknown or the session is gone.  Every page may
 * carry an empty lblError.
 */
static int
check_error(struct page *pg, struct pdc_err *err)
{
	int node = by_id(pg, "lblError");
	const char *msg;
	char shown[96];
	int rc = 0;

	if (node == -1)
		return 0;
	if ((msg = text_of(pg, node)) == NULL)
		return nomem(err);
	if (*msg == '\0')
		rc = 0;
	else if (contains_nocase(msg, "not found"))
		rc = pdc_err_set(err, PDC_E_PERMANENT, "treasurer: parcel not found");
	else if (contains_nocase(msg, "invalid parcel"))
		rc = pdc_err_set(err, PDC_E_PERMANENT, "treasurer: invalid parcel number");
	else if (contains_nocase(msg, "expired"))
		rc = pdc_err_set(err, PDC_E_TRANSIENT, "treasurer: %s: session expired", pg->path);
	else {
		show(msg, shown, sizeof(shown));
		rc = pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: the treasurer says %s",
		    pg->path, shown);
	}
	return rc;
}

/*
 * Open the page and read its lblError: both every parse starts with.  A
 * page without a single id of the legacy pages is in a format pdc does not
 * know (the site changed): PDC_TREASURER_UNRECOGNISED, with ERR saying so.
 */
static int
page_start(struct page *pg, const char *body, size_t len, const char *path,
    const char *const *want, struct pdc_err *err)
{
	if (page_open(pg, body, len, path, want, err) == -1) {
		page_close(pg);
		return -1;
	}
	if (!pg->legacy) {
		pdc_err_set(err, PDC_E_PERMANENT, "treasurer: page format not recognised: %s %s",
		    path, pg->portal ? "came as the newer portal page, drawn by script (#ptiNav, "
		    "a Kendo grid), without the ids pdc reads" : "has none of the ids pdc reads");
		page_close(pg);
		return PDC_TREASURER_UNRECOGNISED;
	}
	if (check_error(pg, err) == -1) {
		page_close(pg);
		return -1;
	}
	return 0;
}

/*
 * headerSummary says "Tax Summary 165-28-054": the page must be about APN
 * (any spelling; one that is no APN, such as "", skips the comparison).
 * The parcel it names goes to OUT, canonical.
 */
static int
check_header(struct page *pg, const char *apn, char out[PDC_APN_MAX], struct pdc_err *err)
{
	char shown[96], want[PDC_APN_MAX];
	const char *text, *last;
	int node, rc = 0;

	out[0] = '\0';
	if (need(pg, "headerSummary", &node, err) == -1)
		return -1;
	if ((text = text_of(pg, node)) == NULL)
		return nomem(err);
	last = strrchr(text, ' ');
	last = last != NULL ? last + 1 : text;
	if (pdc_apn_parse(last, strlen(last), out) == -1) {
		show(text, shown, sizeof(shown));
		rc = pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: headerSummary %s names no parcel",
		    pg->path, shown);
	} else if (apn != NULL && pdc_apn_parse(apn, strlen(apn), want) == 0 &&
	    strcmp(out, want) != 0) {
		/* another parcel's page: sessions crossed somewhere; a new one will do */
		rc = pdc_err_set(err, PDC_E_TRANSIENT, "treasurer: %s: the page is for parcel %s, not %s",
		    pg->path, out, want);
	}
	return rc;
}

/*
 * Read TEXT (collapsed already) as KIND into *OUT, malloc'd, or NULL for an
 * empty cell.  C_BAD sets *WHY to the end of the message.
 */
static int
convert(const char *text, enum kind kind, char **out, const char **why)
{
	char buf[96];
	size_t n = strlen(text);
	const char *s = text;

	*out = NULL;
	if (n == 0)
		return C_OK;
	switch (kind) {
	case K_TEXT:
		if (!pdc_util_utf8_valid(text, n)) {
			*why = "is not valid UTF-8";
			return C_BAD;
		}
		break;
	case K_YEAR:
		if (n != 4 || !pdc_util_is_digit(s[0]) || !pdc_util_is_digit(s[1]) ||
		    !pdc_util_is_digit(s[2]) || !pdc_util_is_digit(s[3]) || s[0] == '0') {
			*why = "is not a year";
			return C_BAD;
		}
		break;
	case K_MONEY:
		if (pdc_util_money(s, n, buf, sizeof(buf)) == -1) {
			*why = "is not money";
			return C_BAD;
		}
		s = buf;
		break;
	case K_PERCENT:
		if (s[n - 1] == '%')
			n--;
		pdc_util_trim(&s, &n);
		if (pdc_util_decimal(s, n, false, buf, sizeof(buf), why) == -1) {
			*why = "is not a percentage";
			return C_BAD;
		}
		s = buf;
		break;
	case K_DATE:
		if (pdc_util_date(s, n, buf, sizeof(buf)) == -1) {
			*why = "is not a date";
			return C_BAD;
		}
		s = buf;
		break;
	}
	return (*out = strdup(s)) == NULL ? C_NOMEM : C_OK;
}

/*
 * The header row CELLS of grid NAME: the index of each of COLS among them
 * into IDX (the first cell with its label), and how many cells a row needs
 * into *NEED.  Each cell's label is read once.
 */
static int
header_cols(struct page *pg, const struct nodes *cells, const char *name,
    const struct gridcol *cols, size_t ncols, size_t idx[], size_t *need, struct pdc_err *err)
{
	char want[8][64], key[64];
	bool seen[8] = { false };

	for (size_t i = 0; i < ncols; i++)
		label_key(cols[i].header, want[i], sizeof(want[i]));
	for (size_t c = 0; c < cells->n; c++) {
		const char *label = text_of(pg, cells->v[c]);

		if (label == NULL)
			return nomem(err);
		label_key(label, key, sizeof(key));
		for (size_t i = 0; i < ncols; i++)
			if (!seen[i] && strcmp(key, want[i]) == 0) {
				seen[i] = true;
				idx[i] = c;
			}
	}
	*need = 0;
	for (size_t i = 0; i < ncols; i++) {
		if (!seen[i])
			return pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: %s has no \"%s\" column",
			    pg->path, name, cols[i].header);
		if (idx[i] + 1 > *need)
			*need = idx[i] + 1;
	}
	return 0;
}

/*
 * Read grid NAME (element TABLE of page PG) into rows of T appended to REC:
 * the header row (all <th>) finds each of COLS by its label; without a
 * header the columns are taken in COLS's order.  Each other row gives one
 * row of T, except a row whose single cell spans the grid ("No activity
 * records").  A key column of T left empty is an error.
 */
static int
grid(struct page *pg, int table, const char *name, const struct gridcol *cols,
    size_t ncols, const struct pdc_table *t, struct pdc_record *rec, struct pdc_err *err)
{
	struct nodes rows = { 0 }, cells = { 0 };
	size_t idx[8], need_cells = ncols;
	int colno[8], datarow = 0, rc = -1;
	bool header = false;

	for (size_t i = 0; i < ncols; i++) {
		idx[i] = i;
		if ((colno[i] = pdc_table_col(t, cols[i].col)) < 0) {
			pdc_err_set(err, PDC_E_SYSTEM, "treasurer: table %s has no column %s",
			    t->name, cols[i].col);
			goto out;
		}
	}
	if (rows_of(pg, table, &rows) == -1)
		goto oom;
	for (size_t r = 0; r < rows.n; r++) {
		struct pdc_row *row;
		bool all_th = true;

		if (children_of(pg, rows.v[r], T_TD, T_TH, &cells) == -1)
			goto oom;
		if (cells.n == 0)
			continue;
		for (size_t c = 0; c < cells.n; c++)
			if (pg->el[cells.v[c]].tag != T_TH)
				all_th = false;
		if (all_th) {
			if (header)
				continue;	/* a header repeated further down */
			header = true;
			if (header_cols(pg, &cells, name, cols, ncols, idx, &need_cells, err) == -1)
				goto out;
			continue;
		}
		if (cells.n == 1 && pg->el[cells.v[0]].spans)
			continue;
		datarow++;
		if (cells.n < need_cells) {
			pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: %s row %d has %zu cells, expected %zu",
			    pg->path, name, datarow, cells.n, need_cells);
			goto out;
		}
		/* the row is filled before the next pdc_record_add moves it */
		if ((row = pdc_record_add(rec, t)) == NULL)
			goto oom;
		for (size_t i = 0; i < ncols; i++) {
			const char *text, *why = "is not valid";
			char *v, shown[96];
			int c;

			if ((text = text_of(pg, cells.v[idx[i]])) == NULL)
				goto oom;
			c = convert(text, cols[i].kind, &v, &why);
			if (c == C_BAD)
				show(text, shown, sizeof(shown));
			if (c == C_NOMEM)
				goto oom;
			if (c == C_BAD) {
				pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: %s row %d, %s: %s %s",
				    pg->path, name, datarow, cols[i].header, shown, why);
				goto out;
			}
			if (v == NULL && colno[i] > 0 && colno[i] < t->nkey) {
				pdc_err_set(err, PDC_E_PERMANENT,
				    "treasurer: %s: %s row %d, %s: empty, and it is part of the key",
				    pg->path, name, datarow, cols[i].header);
				goto out;
			}
			free(row->vals[colno[i]]);
			row->vals[colno[i]] = v;
		}
	}
	rc = 0;
	goto out;
oom:
	nomem(err);
out:
	free(rows.v);
	free(cells.v);
	return rc;
}

/* The key of the rows of T added since FIRST must not repeat: the store's upsert would fail. */
static int
unique(const struct page *pg, const struct pdc_record *rec, size_t first, const struct pdc_table *t,
    const char *name, const char *what, struct pdc_err *err)
{
	for (size_t a = first; a < rec->nrows; a++)
		for (size_t b = a + 1; b < rec->nrows; b++) {
			const struct pdc_row *ra = &rec->rows[a], *rb = &rec->rows[b];

			if (ra->table != t || rb->table != t || ra->vals[1] == NULL ||
			    rb->vals[1] == NULL || strcmp(ra->vals[1], rb->vals[1]) != 0)
				continue;
			return pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: %s: %s %s appears twice",
			    pg->path, name, what, ra->vals[1]);
		}
	return 0;
}

/*
 * Money from the text of NODE into BUF ("" when empty); WHAT[0..2], put
 * together only for a message, name it in ERR.
 */
static int
money_of(struct page *pg, int node, const char *const what[3], char *buf, size_t size,
    struct pdc_err *err)
{
	const char *text;
	char shown[96];

	if ((text = text_of(pg, node)) == NULL)
		return nomem(err);
	buf[0] = '\0';
	if (*text != '\0' && pdc_util_money(text, strlen(text), buf, size) == -1) {
		show(text, shown, sizeof(shown));
		return pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: %s%s%s: %s is not money",
		    pg->path, what[0], what[1], what[2], shown);
	}
	return 0;
}

/* taxDue1 (a table of six cells) or taxDue2 (a list of six items): amounts in 2, 4, 6. */
static int
tax_due(struct page *pg, struct pdc_treasurer_summary *sum, struct pdc_err *err)
{
	static const char *const names[] = { "Assessed Tax", "Paid", "Total Due" };
	char *const dest[] = { sum->assessed_tax, sum->paid, sum->total_due };
	struct nodes rows = { 0 }, cells = { 0 };
	const char *id = "taxDue1";
	int node, rc = -1;

	if ((node = by_id(pg, id)) != -1) {
		if (rows_of(pg, node, &rows) == -1)
			goto oom;
		/* the first row with cells: a header row of <th> would not hold amounts */
		for (size_t r = 0; r < rows.n && cells.n == 0; r++)
			if (children_of(pg, rows.v[r], T_TD, T_TD, &cells) == -1)
				goto oom;
	} else {
		id = "taxDue2";
		if ((node = by_id(pg, id)) == -1)
			return 0;	/* pdc stores nothing from it: its absence is no matter */
		if (children_of(pg, node, T_LI, T_LI, &cells) == -1)
			goto oom;
	}
	sum->has_due = true;
	if (cells.n < 6) {
		pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: %s has %zu cells, expected 6",
		    pg->path, id, cells.n);
		goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		const char *const what[3] = { id, " ", names[i] };

		if (money_of(pg, cells.v[2 * i + 1], what, dest[i], PDC_MONEY_MAX, err) == -1)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	nomem(err);
out:
	free(rows.v);
	free(cells.v);
	return rc;
}

/* Add "WHAT" to SUM->lacks, what pnlOpen did not say. */
static void
lacks(struct pdc_treasurer_summary *sum, const char *what)
{
	if (sum->lacks[0] != '\0')
		strlcat(sum->lacks, ", ", sizeof(sum->lacks));
	strlcat(sum->lacks, what, sizeof(sum->lacks));
}

/* The index of LABEL in open_rows (as ROWS says) or charge_rows, or -1. */
static int
open_row(const char *label, bool rows)
{
	if (rows) {
		for (size_t i = 0; i < NELEM(open_rows); i++)
			if (same_label(label, open_rows[i].label))
				return (int)i;
	} else {
		for (size_t i = 0; i < NELEM(charge_rows); i++)
			if (same_label(label, charge_rows[i].label))
				return charge_rows[i].charge;
	}
	return -1;
}

/* Money from cell C of CELLS into DEST ("" when there is no such cell or it is empty). */
static int
open_cell(struct page *pg, const struct nodes *cells, size_t c, const char *row,
    const char *col, char *dest, struct pdc_err *err)
{
	const char *const what[3] = { "pnlOpen \"", row, col };

	dest[0] = '\0';
	if (c >= cells->n)
		return 0;
	return money_of(pg, cells->v[c], what, dest, PDC_MONEY_MAX, err);
}

/*
 * pnlOpen in either layout FORMATS.md describes: rows named "First Half:",
 * "Second Half:", "Interest Due:", "Fees Due:", "Total Due:" with the amount
 * beside each; or rows of charges (tax due, "Interest Due:", "Fees Due:", a
 * total) under the columns "First Half", "Second Half", "Total".  What it
 * does not say stays "" (unknown), and SUM->lacks names it: the interest
 * and fees rows too, which a parcel owing none may or may not show.
 */
static int
open_panel(struct page *pg, struct pdc_treasurer_summary *sum, struct pdc_err *err)
{
	struct nodes rows = { 0 }, cells = { 0 };
	size_t col[3] = { 0, 0, 0 };	/* the charges layout's first half, second half, total */
	bool seen[NELEM(open_rows)] = { false }, charge[4] = { false }, interest, fees;
	int node, rc = -1;

	if ((node = by_id(pg, "pnlOpen")) == -1) {
		sum->open = PDC_OPEN_NONE;
		return 0;
	}
	sum->open = PDC_OPEN_UNREAD;
	if (all_rows(pg, node, &rows) == -1)
		goto oom;
	/* the layout: a row named "First Half:", or a header with a "First Half" column */
	for (size_t r = 0; r < rows.n && sum->open == PDC_OPEN_UNREAD; r++) {
		if (children_of(pg, rows.v[r], T_TD, T_TH, &cells) == -1)
			goto oom;
		for (size_t c = 0; c < cells.n; c++) {
			const char *label = text_of(pg, cells.v[c]);
			char key[64];

			if (label == NULL)
				goto oom;
			label_key(label, key, sizeof(key));
			if (c == 0 && cells.n >= 2 && (strcmp(key, "firsthalf") == 0 ||
			    strcmp(key, "secondhalf") == 0)) {
				sum->open = PDC_OPEN_ROWS;
				break;
			}
			if (c == 0)
				continue;
			if (strcmp(key, "firsthalf") == 0) {
				sum->open = PDC_OPEN_CHARGES;
				col[0] = c;
			} else if (strcmp(key, "secondhalf") == 0)
				col[1] = c;
			else if (strcmp(key, "total") == 0 || strcmp(key, "totaldue") == 0)
				col[2] = c;
		}
	}
	if (sum->open == PDC_OPEN_UNREAD) {
		lacks(sum, "neither layout pdc knows");
		rc = 0;
		goto out;
	}
	for (size_t r = 0; r < rows.n; r++) {
		const char *text;
		char label[64];
		int i;

		if (children_of(pg, rows.v[r], T_TD, T_TH, &cells) == -1)
			goto oom;
		if (cells.n < 2)
			continue;
		if ((text = text_of(pg, cells.v[0])) == NULL)
			goto oom;
		/* kept apart: the next text_of reuses the scratch buffer */
		strlcpy(label, text, sizeof(label));
		if ((i = open_row(label, sum->open == PDC_OPEN_ROWS)) < 0)
			continue;	/* a row pdc does not store, or the header */
		if (sum->open == PDC_OPEN_ROWS) {
			if (seen[i])
				continue;
			seen[i] = true;
			if (open_cell(pg, &cells, 1, open_rows[i].label, "\"",
			    (char *)sum + open_rows[i].off, err) == -1)
				goto out;
			continue;
		}
		if (charge[i])
			continue;
		charge[i] = true;
		if (i == CH_TAX) {
			if (open_cell(pg, &cells, col[0], label, "\" First Half", sum->first_half_due,
			    err) == -1 ||
			    (col[1] > 0 && open_cell(pg, &cells, col[1], label, "\" Second Half",
			    sum->second_half_due, err) == -1))
				goto out;
		} else if (col[2] > 0) {
			char *dest = i == CH_INTEREST ? sum->interest_due :
			    i == CH_FEES ? sum->fees_due : sum->total_open;

			if (open_cell(pg, &cells, col[2], label, "\" Total", dest, err) == -1)
				goto out;
		}
	}
	/*
	 * FORMATS.md says a delinquent parcel shows non-zero "Interest Due:"
	 * or "Fees Due:" rows; it does not say a parcel owing none leaves
	 * them out rather than show $0.00.  A row not there is unknown.
	 */
	if (sum->open == PDC_OPEN_ROWS) {
		for (size_t i = 0; i < 2; i++)
			if (!seen[i])
				lacks(sum, i == 0 ? "no \"First Half:\" row" : "no \"Second Half:\" row");
		interest = seen[2];
		fees = seen[3];
	} else {
		if (!charge[CH_TAX])
			lacks(sum, "no tax row");
		if (col[1] == 0)
			lacks(sum, "no \"Second Half\" column");
		if (col[2] == 0 && (charge[CH_INTEREST] || charge[CH_FEES]))
			lacks(sum, "no \"Total\" column");
		interest = charge[CH_INTEREST];
		fees = charge[CH_FEES];
	}
	if (!interest)
		lacks(sum, "no \"Interest Due:\" row");
	if (!fees)
		lacks(sum, "no \"Fees Due:\" row");
	if (sum->first_half_due[0] == '\0' && (sum->open == PDC_OPEN_ROWS ? seen[0] : charge[CH_TAX]))
		lacks(sum, "an empty first half");
	if (sum->second_half_due[0] == '\0' && (sum->open == PDC_OPEN_ROWS ? seen[1] :
	    charge[CH_TAX] && col[1] > 0))
		lacks(sum, "an empty second half");
	if (sum->interest_due[0] == '\0' && interest && (sum->open == PDC_OPEN_ROWS || col[2] > 0))
		lacks(sum, "an empty interest due");
	if (sum->fees_due[0] == '\0' && fees && (sum->open == PDC_OPEN_ROWS || col[2] > 0))
		lacks(sum, "an empty fees due");
	rc = 0;
	goto out;
oom:
	nomem(err);
out:
	free(rows.v);
	free(cells.v);
	return rc;
}

static int
summary(struct page *pg, struct pdc_record *rec, struct pdc_treasurer_summary *sum,
    struct pdc_err *err)
{
	const char *text;
	char shown[96];
	int node;

	if (check_header(pg, rec->apn, sum->apn, err) == -1)
		return -1;
	if ((node = by_id(pg, "lblAreaCode")) != -1) {
		sum->has_area = true;
		if ((text = text_of(pg, node)) == NULL)
			return nomem(err);
		if (strlen(text) >= sizeof(sum->area_code) ||
		    !pdc_util_utf8_valid(text, strlen(text))) {
			show(text, shown, sizeof(shown));
			return pdc_err_set(err, PDC_E_PERMANENT,
			    "treasurer: %s: lblAreaCode %s is not a tax area code", pg->path, shown);
		}
		memcpy(sum->area_code, text, strlen(text) + 1);
	}
	if (tax_due(pg, sum, err) == -1 || open_panel(pg, sum, err) == -1)
		return -1;

	if (need(pg, "gvSpecialDistricts", &node, err) == -1)
		return -1;
	pdc_record_carry(rec, &pdc_tbl_tax_districts);
	{
		size_t first = rec->nrows;

		if (grid(pg, node, "gvSpecialDistricts", district_cols, NELEM(district_cols),
		    &pdc_tbl_tax_districts, rec, err) == -1 ||
		    unique(pg, rec, first, &pdc_tbl_tax_districts, "gvSpecialDistricts", "district",
		    err) == -1)
			return -1;
	}
	return 0;
}

int
pdc_treasurer_parse_summary(const char *body, size_t len, struct pdc_record *rec,
    struct pdc_treasurer_summary *sum, struct pdc_err *err)
{
	struct pdc_util_mark mark;
	struct page pg;
	int rc;

	memset(sum, 0, sizeof(*sum));
	pdc_util_mark(rec, &mark);
	if ((rc = page_start(&pg, body, len, PAGE_SUMMARY, summary_ids, err)) != 0)
		return rc;
	rc = summary(&pg, rec, sum, err);
	page_close(&pg);
	if (rc == -1)
		pdc_util_rollback(rec, &mark);
	return rc;
}

/* Whether money text S (as pdc_util_money writes it) is above zero. */
static bool
positive(const char *s)
{
	return s[0] != '\0' && s[0] != '-' && strcmp(s, "0.00") != 0;
}

/* A year column ("2025", checked by convert) as a number. */
static int
year_value(const char *s)
{
	int v = 0;

	for (; s != NULL && *s != '\0'; s++)
		v = v * 10 + (*s - '0');
	return v;
}

static int
years(struct page *pg, struct pdc_record *rec, int *current, struct pdc_err *err)
{
	char apn[PDC_APN_MAX];
	size_t first = rec->nrows;
	int node;

	if (check_header(pg, rec->apn, apn, err) == -1 ||
	    need(pg, "gvTaxYears", &node, err) == -1)
		return -1;
	pdc_record_carry(rec, &pdc_tbl_tax_bills);
	if (grid(pg, node, "gvTaxYears", year_cols, NELEM(year_cols), &pdc_tbl_tax_bills, rec,
	    err) == -1 ||
	    unique(pg, rec, first, &pdc_tbl_tax_bills, "gvTaxYears", "tax year", err) == -1)
		return -1;
	/*
	 * gvTaxYears shows a status, "Paid" or "Unpaid", and what is due;
	 * FORMATS.md states delinquency only through pnlOpen's interest and
	 * fees, which the summary shows for the current year alone.  By its
	 * tax calendar a year is delinquent when a half is unpaid after its
	 * day: a year with nothing due is not, and of a year with something
	 * due the page does not say whether its day has passed (unknown).
	 * The current year's comes from the summary (apply_summary).
	 */
	for (size_t r = first; r < rec->nrows; r++) {
		struct pdc_row *row = &rec->rows[r];
		const char *due = pdc_row_get(row, "due");
		int y = year_value(pdc_row_get(row, "tax_year"));

		if (y > *current)
			*current = y;
		if (pdc_row_set(row, "delinquent", due != NULL && !positive(due) ? "f" : NULL) == -1)
			return nomem(err);
	}
	return 0;
}

int
pdc_treasurer_parse_years(const char *body, size_t len, struct pdc_record *rec, int *current,
    struct pdc_err *err)
{
	struct pdc_util_mark mark;
	struct page pg;
	int rc;

	*current = 0;
	pdc_util_mark(rec, &mark);
	if ((rc = page_start(&pg, body, len, PAGE_YEARS, years_ids, err)) != 0)
		return rc;
	rc = years(&pg, rec, current, err);
	page_close(&pg);
	if (rc == -1) {
		pdc_util_rollback(rec, &mark);
		*current = 0;
	}
	return rc;
}

/* N (not negative) in decimal, in BUF; what snprintf would write, for less. */
static const char *
decimal(int n, char buf[16])
{
	char *p = buf + 15;

	*p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	return p;
}

static int
activities(struct page *pg, struct pdc_record *rec, struct pdc_err *err)
{
	const char *name = "activityList_gvActs";
	size_t first = rec->nrows;
	int node, seq = 0;
	char buf[16];

	if ((node = by_id(pg, name)) == -1) {
		name = "Activities1_gvActs";	/* the older markup */
		node = by_id(pg, name);
	}
	if (node == -1)
		return pdc_err_set(err, PDC_E_PERMANENT,
		    "treasurer: %s: neither activityList_gvActs nor Activities1_gvActs found",
		    pg->path);
	pdc_record_carry(rec, &pdc_tbl_tax_payments);
	if (grid(pg, node, name, activity_cols, NELEM(activity_cols), &pdc_tbl_tax_payments, rec,
	    err) == -1)
		return -1;
	for (size_t r = first; r < rec->nrows; r++)
		if (pdc_row_set(&rec->rows[r], "seq", decimal(++seq, buf)) == -1)
			return nomem(err);
	return 0;
}

int
pdc_treasurer_parse_activities(const char *body, size_t len, struct pdc_record *rec,
    struct pdc_err *err)
{
	struct pdc_util_mark mark;
	struct page pg;
	int rc;

	pdc_util_mark(rec, &mark);
	if ((rc = page_start(&pg, body, len, PAGE_ACTS, acts_ids, err)) != 0)
		return rc;
	rc = activities(&pg, rec, err);
	page_close(&pg);
	if (rc == -1)
		pdc_util_rollback(rec, &mark);
	return rc;
}

int
pdc_treasurer_apply_summary(struct pdc_record *rec, int current,
    const struct pdc_treasurer_summary *sum, struct pdc_err *err)
{
	const char *first = NULL, *second = NULL, *interest = NULL, *fees = NULL, *late = NULL;
	const char *due;
	char year[16], why[224];

	if (current <= 0)
		return 0;
	snprintf(year, sizeof(year), "%d", current);
	why[0] = '\0';
	for (size_t r = 0; r < rec->nrows; r++) {
		struct pdc_row *row = &rec->rows[r];
		const char *y = pdc_row_get(row, "tax_year");

		if (row->table == &pdc_tbl_tax_districts && y == NULL) {
			if (pdc_row_set(row, "tax_year", year) == -1)
				return nomem(err);
			continue;
		}
		if (row->table != &pdc_tbl_tax_bills || y == NULL || strcmp(y, year) != 0)
			continue;
		switch (sum->open) {
		case PDC_OPEN_NONE:
			/*
			 * No panel is how a paid year looks, and how a page that
			 * moved the panel looks: only a zero due tells them apart.
			 * taxDue's "Total Due" (FORMATS.md: cell 6) of nothing is
			 * the page saying no half, interest or fee is due, and by
			 * the tax calendar nothing unpaid is nothing delinquent.
			 */
			due = sum->has_due && sum->total_due[0] != '\0' ? sum->total_due :
			    pdc_row_get(row, "due");
			if (due != NULL && !positive(due)) {
				first = second = interest = fees = "0.00";
				late = "f";
			} else if (due != NULL)
				snprintf(why, sizeof(why), "pnlOpen not found, yet %s is due", due);
			else
				snprintf(why, sizeof(why), "pnlOpen not found, nor what is due");
			break;
		case PDC_OPEN_ROWS:
		case PDC_OPEN_CHARGES:
			first = sum->first_half_due[0] != '\0' ? sum->first_half_due : NULL;
			second = sum->second_half_due[0] != '\0' ? sum->second_half_due : NULL;
			interest = sum->interest_due[0] != '\0' ? sum->interest_due : NULL;
			fees = sum->fees_due[0] != '\0' ? sum->fees_due : NULL;
			/* late is interest or fees due; unknown unless both are known or one is due */
			if ((interest != NULL && positive(interest)) || (fees != NULL && positive(fees)))
				late = "t";
			else if (interest != NULL && fees != NULL)
				late = "f";
			if (sum->lacks[0] != '\0')
				snprintf(why, sizeof(why), "pnlOpen (%s) has %s",
				    sum->open == PDC_OPEN_ROWS ? "rows by half" : "rows by charge",
				    sum->lacks);
			break;
		case PDC_OPEN_UNREAD:
			snprintf(why, sizeof(why), "pnlOpen is in %s", sum->lacks);
			break;
		}
		if (pdc_row_set(row, "tax_area_code", sum->area_code[0] ? sum->area_code : NULL) == -1 ||
		    pdc_row_set(row, "first_half_due", first) == -1 ||
		    pdc_row_set(row, "second_half_due", second) == -1 ||
		    pdc_row_set(row, "interest_due", interest) == -1 ||
		    pdc_row_set(row, "fees_due", fees) == -1 ||
		    pdc_row_set(row, "delinquent", late) == -1)
			return nomem(err);
		/* what the page did not say is unknown, and the part says so */
		if (!sum->has_area &&
		    pdc_record_partial(rec, PDC_PART_TAX, "treasurer: %s: lblAreaCode not found: "
		    "tax area code of %s unknown", PAGE_SUMMARY, year) == -1)
			return nomem(err);
		if (why[0] != '\0' &&
		    pdc_record_partial(rec, PDC_PART_TAX, "treasurer: %s: %s: amounts due %sof %s "
		    "unknown", PAGE_SUMMARY, why, late == NULL ? "and delinquency " : "", year) == -1)
			return nomem(err);
	}
	return 0;
}

/*
 * GET PATH (already URL-encoded) from the treasurer as KEY, and turn the
 * status into an error unless it is 2xx.  RES is the caller's to release
 * either way.
 */
static int
treasurer_get(struct pdc_source_ctx *ctx, const char *path, const char *key,
    struct pdc_response *res, struct pdc_err *err)
{
	char what[160];

	if (pdc_util_get(ctx, "treasurer", pdc_config_source(ctx->cfg, "treasurer")->base_url,
	    path, key, NULL, res, err) == -1)
		return -1;
	snprintf(what, sizeof(what), "treasurer: %s", path);
	return pdc_http_classify(res->status, res->retry_after, what, err);
}

/*
 * One session: the entry page (which lands on the summary), then every tax
 * year, then the activity.  Each page is read as soon as it comes, so a
 * parcel the treasurer does not know costs one request.
 */
static int
treasurer_collect(struct pdc_source_ctx *ctx, const char *apn, struct pdc_record *rec,
    struct pdc_err *err)
{
	struct pdc_treasurer_summary sum;
	struct pdc_util_mark mark;
	struct pdc_response res;
	char canon[PDC_APN_MAX], bare[PDC_APN_MAX], path[64];
	int current = 0, rc;

	/* the APN goes into the URL: only the canonical spelling gets there */
	if (apn == NULL || pdc_apn_parse(apn, strlen(apn), canon) == -1)
		return pdc_err_set(err, PDC_E_INPUT, "treasurer: bad APN \"%s\"",
		    apn != NULL ? apn : "");
	pdc_apn_bare(canon, bare);
	pdc_util_mark(rec, &mark);

	snprintf(path, sizeof(path), "/parcel/default.aspx?Parcel=%s", bare);
	rc = treasurer_get(ctx, path, "summary", &res, err);
	if (rc == 0)
		rc = pdc_treasurer_parse_summary(res.body, res.len, rec, &sum, err);
	pdc_response_release(&res);
	if (rc == 0) {
		rc = treasurer_get(ctx, PAGE_YEARS, "years", &res, err);
		if (rc == 0)
			rc = pdc_treasurer_parse_years(res.body, res.len, rec, &current, err);
		pdc_response_release(&res);
	}
	if (rc == 0) {
		rc = treasurer_get(ctx, PAGE_ACTS, "activities", &res, err);
		if (rc == 0)
			rc = pdc_treasurer_parse_activities(res.body, res.len, rec, err);
		pdc_response_release(&res);
	}
	if (rc == 0)
		rc = pdc_treasurer_apply_summary(rec, current, &sum, err);
	if (rc != 0)
		pdc_util_rollback(rec, &mark);
	if (rc == PDC_TREASURER_UNRECOGNISED) {
		/*
		 * The site changed: asking again would get the same page, so
		 * the job completes, the part partial with nothing of it
		 * stored (what was stored before stays), and the source's
		 * state remembers it until a page reads again.
		 */
		rec->unrecognised |= PDC_PART_TAX;
		rec->parts |= PDC_PART_TAX;
		if (pdc_record_partial(rec, PDC_PART_TAX, "%s", err->msg) == -1)
			return nomem(err);
		pdc_err_clear(err);
		return 0;
	}
	if (rc == -1)
		return -1;
	rec->parts |= PDC_PART_TAX;
	return 0;
}

const struct pdc_source pdc_source_treasurer = {
	.name = "treasurer",
	.base_url = "https://treasurer.maricopa.gov",
	.requests_per_second = 2,
	.token_env = NULL,
	.parts = PDC_PART_TAX,
	.apart = true,
	.collect = treasurer_collect
};
