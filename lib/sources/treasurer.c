/*
 * The Maricopa County Treasurer: three server-rendered ASP.NET pages per
 * parcel, read with libxml2's HTML parser and found by element id.
 *
 * The markup is loose (whitespace and &nbsp; inside cells, two ids for the
 * activity grid, two shapes of the tax-due box), so grids are read by their
 * header labels through the mapping tables below, every cell's text is
 * collapsed to single spaces, and each value goes through one converter
 * chosen by what the column holds.
 */
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

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

/* The rows of pnlOpen, by label, and where each amount goes. */
static const struct {
	const char *label;
	size_t off;
} open_rows[] = {
	{ "First Half:", offsetof(struct pdc_treasurer_summary, first_half_due) },
	{ "Second Half:", offsetof(struct pdc_treasurer_summary, second_half_due) },
	{ "Interest Due:", offsetof(struct pdc_treasurer_summary, interest_due) },
	{ "Fees Due:", offsetof(struct pdc_treasurer_summary, fees_due) },
	{ "Total Due:", offsetof(struct pdc_treasurer_summary, total_open) },
};

enum { C_OK, C_BAD, C_NOMEM };

/* A parsed page and what finds elements in it. */
struct page {
	htmlDocPtr doc;
	const char *path;	/* for messages: "/Parcel/Summary.aspx" */
};

/* A growing list of nodes. */
struct nodes {
	xmlNodePtr *v;
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

static int
push(struct nodes *ns, xmlNodePtr n)
{
	if (ns->n == ns->cap) {
		size_t ncap = ns->cap ? ns->cap * 2 : 16;
		xmlNodePtr *p = reallocarray(ns->v, ncap, sizeof(*p));

		if (p == NULL)
			return -1;
		ns->v = p;
		ns->cap = ncap;
	}
	ns->v[ns->n++] = n;
	return 0;
}

static bool
is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name != NULL &&
	    strcasecmp((const char *)n->name, name) == 0;
}

/* TABLE's own rows: its <tr> children and those of its thead, tbody, tfoot. */
static int
rows_of(xmlNodePtr table, struct nodes *rows)
{
	for (xmlNodePtr c = table->children; c != NULL; c = c->next) {
		if (is_el(c, "tr")) {
			if (push(rows, c) == -1)
				return -1;
		} else if (is_el(c, "thead") || is_el(c, "tbody") || is_el(c, "tfoot")) {
			for (xmlNodePtr r = c->children; r != NULL; r = r->next)
				if (is_el(r, "tr") && push(rows, r) == -1)
					return -1;
		}
	}
	return 0;
}

/* The child elements of NODE named A or B, in order. */
static int
children_of(xmlNodePtr node, const char *a, const char *b, struct nodes *out)
{
	out->n = 0;
	for (xmlNodePtr c = node->children; c != NULL; c = c->next)
		if ((is_el(c, a) || (b != NULL && is_el(c, b))) && push(out, c) == -1)
			return -1;
	return 0;
}

/* Every <tr> under NODE, at any depth, in document order. */
static int
all_rows(xmlNodePtr node, struct nodes *out)
{
	for (xmlNodePtr c = node->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(c, "tr") && push(out, c) == -1)
			return -1;
		if (all_rows(c, out) == -1)
			return -1;
	}
	return 0;
}

/*
 * The text of NODE, malloc'd, with runs of blanks and no-break spaces
 * (&nbsp;) as one space and none at either end; NULL when out of memory.
 */
static char *
text_of(xmlNodePtr node)
{
	xmlChar *raw = xmlNodeGetContent(node);
	const unsigned char *s = raw;
	size_t n, o = 0;
	bool space = false;
	char *out;

	if (raw == NULL)
		return NULL;
	n = strlen((const char *)s);
	if ((out = malloc(n + 1)) == NULL) {
		xmlFree(raw);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
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
	xmlFree(raw);
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

/* Parse LEN bytes at BODY into PG. */
static int
page_open(struct page *pg, const char *body, size_t len, const char *path, struct pdc_err *err)
{
	memset(pg, 0, sizeof(*pg));
	pg->path = path;
	pthread_once(&xml_once, xml_init);
	if (body == NULL || len == 0)
		return pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: empty response", path);
	if (len > INT_MAX)
		return pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: response too large", path);
	pg->doc = htmlReadMemory(body, (int)len, NULL, NULL, HTML_PARSE_RECOVER |
	    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (pg->doc == NULL)
		return pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: response is not HTML", path);
	return 0;
}

static void
page_close(struct page *pg)
{
	if (pg->doc != NULL)
		xmlFreeDoc(pg->doc);
	pg->doc = NULL;
}

/*
 * The element with id ID_PREFIX ID into *NODE (NULL when there is none); -1
 * when out of memory.  The HTML parser indexes every id attribute as it
 * reads: a lookup is one hash probe, where a search of the tree would walk
 * every node (the first element with the id wins either way).
 */
static int
by_id(const struct page *pg, const char *id, xmlNodePtr *node)
{
	char name[160];
	xmlAttrPtr a;

	*node = NULL;
	if ((size_t)snprintf(name, sizeof(name), "%s%s", ID_PREFIX, id) >= sizeof(name))
		return 0;
	if ((a = xmlGetID(pg->doc, (const xmlChar *)name)) != NULL && a->parent != NULL &&
	    a->parent->type == XML_ELEMENT_NODE)
		*node = a->parent;
	return 0;
}

/* The element with ID, or -1 with ERR naming it when the page has none. */
static int
need(const struct page *pg, const char *id, xmlNodePtr *node, struct pdc_err *err)
{
	if (by_id(pg, id, node) == -1)
		return nomem(err);
	if (*node == NULL)
		return pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: %s not found", pg->path, id);
	return 0;
}

/*
 * lblError's text, when it has some, as the error it means: the treasurer's
 * way of saying the parcel is unknown or the session is gone.  Every page may
 * carry an empty lblError.
 */
static int
check_error(const struct page *pg, struct pdc_err *err)
{
	xmlNodePtr node;
	char *msg, shown[96];
	int rc = 0;

	if (by_id(pg, "lblError", &node) == -1)
		return nomem(err);
	if (node == NULL)
		return 0;
	if ((msg = text_of(node)) == NULL)
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
	free(msg);
	return rc;
}

/* Open the page and read its lblError: both every parse starts with. */
static int
page_start(struct page *pg, const char *body, size_t len, const char *path, struct pdc_err *err)
{
	if (page_open(pg, body, len, path, err) == -1)
		return -1;
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
check_header(const struct page *pg, const char *apn, char out[PDC_APN_MAX], struct pdc_err *err)
{
	xmlNodePtr node;
	char *text, shown[96], want[PDC_APN_MAX];
	const char *last;
	int rc = 0;

	out[0] = '\0';
	if (need(pg, "headerSummary", &node, err) == -1)
		return -1;
	if ((text = text_of(node)) == NULL)
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
	free(text);
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

/* Whether CELL spans columns: a grid's empty-state text or its pager. */
static bool
spans(xmlNodePtr cell)
{
	xmlChar *v = xmlGetProp(cell, (const xmlChar *)"colspan");
	bool r = v != NULL && strcmp((const char *)v, "1") != 0;

	xmlFree(v);
	return r;
}

/*
 * Read grid NAME (element TABLE of page PG) into rows of T appended to REC:
 * the header row (all <th>) finds each of COLS by its label; without a
 * header the columns are taken in COLS's order.  Each other row gives one
 * row of T, except a row whose single cell spans the grid ("No activity
 * records").  A key column of T left empty is an error.
 */
static int
grid(const struct page *pg, xmlNodePtr table, const char *name, const struct gridcol *cols,
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
	if (rows_of(table, &rows) == -1)
		goto oom;
	for (size_t r = 0; r < rows.n; r++) {
		struct pdc_row *row;
		bool all_th = true;

		if (children_of(rows.v[r], "td", "th", &cells) == -1)
			goto oom;
		if (cells.n == 0)
			continue;
		for (size_t c = 0; c < cells.n; c++)
			if (!is_el(cells.v[c], "th"))
				all_th = false;
		if (all_th) {
			if (header)
				continue;	/* a header repeated further down */
			header = true;
			need_cells = 0;
			for (size_t i = 0; i < ncols; i++) {
				size_t c;

				for (c = 0; c < cells.n; c++) {
					char *label = text_of(cells.v[c]);
					bool same;

					if (label == NULL)
						goto oom;
					same = same_label(label, cols[i].header);
					free(label);
					if (same)
						break;
				}
				if (c == cells.n) {
					pdc_err_set(err, PDC_E_PERMANENT,
					    "treasurer: %s: %s has no \"%s\" column", pg->path, name,
					    cols[i].header);
					goto out;
				}
				idx[i] = c;
				if (c + 1 > need_cells)
					need_cells = c + 1;
			}
			continue;
		}
		if (cells.n == 1 && spans(cells.v[0]))
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
			const char *why = "is not valid";
			char *text, *v, shown[96];
			int c;

			if ((text = text_of(cells.v[idx[i]])) == NULL)
				goto oom;
			c = convert(text, cols[i].kind, &v, &why);
			if (c == C_BAD)
				show(text, shown, sizeof(shown));
			free(text);
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

/* Money from the text of NODE into BUF ("" when empty); WHAT names it in ERR. */
static int
money_of(const struct page *pg, xmlNodePtr node, const char *what, char *buf, size_t size,
    struct pdc_err *err)
{
	char *text, shown[96];
	int rc = 0;

	if ((text = text_of(node)) == NULL)
		return nomem(err);
	buf[0] = '\0';
	if (*text != '\0' && pdc_util_money(text, strlen(text), buf, size) == -1) {
		show(text, shown, sizeof(shown));
		rc = pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: %s: %s is not money",
		    pg->path, what, shown);
	}
	free(text);
	return rc;
}

/* taxDue1 (a table of six cells) or taxDue2 (a list of six items): amounts in 2, 4, 6. */
static int
tax_due(const struct page *pg, struct pdc_treasurer_summary *sum, struct pdc_err *err)
{
	static const char *const names[] = { "Assessed Tax", "Paid", "Total Due" };
	char *const dest[] = { sum->assessed_tax, sum->paid, sum->total_due };
	struct nodes rows = { 0 }, cells = { 0 };
	xmlNodePtr node;
	const char *id = "taxDue1";
	int rc = -1;

	if (by_id(pg, id, &node) == -1)
		return nomem(err);
	if (node != NULL) {
		if (rows_of(node, &rows) == -1)
			goto oom;
		/* the first row with cells: a header row of <th> would not hold amounts */
		for (size_t r = 0; r < rows.n && cells.n == 0; r++)
			if (children_of(rows.v[r], "td", NULL, &cells) == -1)
				goto oom;
	} else {
		id = "taxDue2";
		if (by_id(pg, id, &node) == -1)
			return nomem(err);
		if (node == NULL)
			return 0;	/* pdc stores nothing from it: its absence is no matter */
		if (children_of(node, "li", NULL, &cells) == -1)
			goto oom;
	}
	sum->has_due = true;
	if (cells.n < 6) {
		pdc_err_set(err, PDC_E_PERMANENT, "treasurer: %s: %s has %zu cells, expected 6",
		    pg->path, id, cells.n);
		goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		char what[48];

		snprintf(what, sizeof(what), "%s %s", id, names[i]);
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

/* pnlOpen: rows of label and amount; a row (or the panel) not there is 0.00. */
static int
open_panel(const struct page *pg, struct pdc_treasurer_summary *sum, struct pdc_err *err)
{
	struct nodes rows = { 0 }, cells = { 0 };
	xmlNodePtr node;
	int rc = -1;

	for (size_t i = 0; i < NELEM(open_rows); i++)
		memcpy((char *)sum + open_rows[i].off, "0.00", 5);
	if (by_id(pg, "pnlOpen", &node) == -1)
		return nomem(err);
	if (node == NULL)
		return 0;	/* paid in full */
	sum->open = true;
	if (all_rows(node, &rows) == -1)
		goto oom;
	for (size_t r = 0; r < rows.n; r++) {
		char *label;
		size_t i;

		if (children_of(rows.v[r], "td", "th", &cells) == -1)
			goto oom;
		if (cells.n < 2)
			continue;
		if ((label = text_of(cells.v[0])) == NULL)
			goto oom;
		for (i = 0; i < NELEM(open_rows); i++)
			if (same_label(label, open_rows[i].label))
				break;
		free(label);
		if (i == NELEM(open_rows))
			continue;	/* a row pdc does not store */
		{
			char what[48], *dest = (char *)sum + open_rows[i].off;

			snprintf(what, sizeof(what), "pnlOpen \"%s\"", open_rows[i].label);
			if (money_of(pg, cells.v[1], what, dest, PDC_MONEY_MAX, err) == -1)
				goto out;
			if (*dest == '\0')
				memcpy(dest, "0.00", 5);
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

static int
summary(const struct page *pg, struct pdc_record *rec, struct pdc_treasurer_summary *sum,
    struct pdc_err *err)
{
	xmlNodePtr node;
	char *text, shown[96];

	if (check_header(pg, rec->apn, sum->apn, err) == -1)
		return -1;
	if (by_id(pg, "lblAreaCode", &node) == -1)
		return nomem(err);
	if (node != NULL) {
		if ((text = text_of(node)) == NULL)
			return nomem(err);
		if (strlen(text) >= sizeof(sum->area_code) ||
		    !pdc_util_utf8_valid(text, strlen(text))) {
			show(text, shown, sizeof(shown));
			free(text);
			return pdc_err_set(err, PDC_E_PERMANENT,
			    "treasurer: %s: lblAreaCode %s is not a tax area code", pg->path, shown);
		}
		memcpy(sum->area_code, text, strlen(text) + 1);
		free(text);
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
	if (page_start(&pg, body, len, PAGE_SUMMARY, err) == -1)
		return -1;
	rc = summary(&pg, rec, sum, err);
	page_close(&pg);
	if (rc == -1)
		pdc_util_rollback(rec, &mark);
	return rc;
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
years(const struct page *pg, struct pdc_record *rec, int *current, struct pdc_err *err)
{
	char apn[PDC_APN_MAX];
	xmlNodePtr node;
	size_t first = rec->nrows;

	if (check_header(pg, rec->apn, apn, err) == -1 ||
	    need(pg, "gvTaxYears", &node, err) == -1)
		return -1;
	pdc_record_carry(rec, &pdc_tbl_tax_bills);
	if (grid(pg, node, "gvTaxYears", year_cols, NELEM(year_cols), &pdc_tbl_tax_bills, rec,
	    err) == -1 ||
	    unique(pg, rec, first, &pdc_tbl_tax_bills, "gvTaxYears", "tax year", err) == -1)
		return -1;
	for (size_t r = first; r < rec->nrows; r++) {
		struct pdc_row *row = &rec->rows[r];
		const char *status = pdc_row_get(row, "status"), *late = NULL;
		int y = year_value(pdc_row_get(row, "tax_year"));

		if (y > *current)
			*current = y;
		if (status != NULL && strcasecmp(status, "Unpaid") == 0)
			late = "t";
		else if (status != NULL && strcasecmp(status, "Paid") == 0)
			late = "f";
		if (pdc_row_set(row, "delinquent", late) == -1)
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
	if (page_start(&pg, body, len, PAGE_YEARS, err) == -1)
		return -1;
	rc = years(&pg, rec, current, err);
	page_close(&pg);
	if (rc == -1) {
		pdc_util_rollback(rec, &mark);
		*current = 0;
	}
	return rc;
}

static int
activities(const struct page *pg, struct pdc_record *rec, struct pdc_err *err)
{
	const char *name = "activityList_gvActs";
	xmlNodePtr node;
	size_t first = rec->nrows;
	int seq = 0;

	if (by_id(pg, name, &node) == -1)
		return nomem(err);
	if (node == NULL) {
		name = "Activities1_gvActs";	/* the older markup */
		if (by_id(pg, name, &node) == -1)
			return nomem(err);
	}
	if (node == NULL)
		return pdc_err_set(err, PDC_E_PERMANENT,
		    "treasurer: %s: neither activityList_gvActs nor Activities1_gvActs found",
		    pg->path);
	pdc_record_carry(rec, &pdc_tbl_tax_payments);
	if (grid(pg, node, name, activity_cols, NELEM(activity_cols), &pdc_tbl_tax_payments, rec,
	    err) == -1)
		return -1;
	for (size_t r = first; r < rec->nrows; r++) {
		char buf[16];

		snprintf(buf, sizeof(buf), "%d", ++seq);
		if (pdc_row_set(&rec->rows[r], "seq", buf) == -1)
			return nomem(err);
	}
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
	if (page_start(&pg, body, len, PAGE_ACTS, err) == -1)
		return -1;
	rc = activities(&pg, rec, err);
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

int
pdc_treasurer_apply_summary(struct pdc_record *rec, int current,
    const struct pdc_treasurer_summary *sum, struct pdc_err *err)
{
	char year[16];

	if (current <= 0)
		return 0;
	snprintf(year, sizeof(year), "%d", current);
	for (size_t r = 0; r < rec->nrows; r++) {
		struct pdc_row *row = &rec->rows[r];
		const char *y = pdc_row_get(row, "tax_year");
		bool late;

		if (row->table == &pdc_tbl_tax_districts && y == NULL) {
			if (pdc_row_set(row, "tax_year", year) == -1)
				return nomem(err);
			continue;
		}
		if (row->table != &pdc_tbl_tax_bills || y == NULL || strcmp(y, year) != 0)
			continue;
		late = positive(sum->interest_due) || positive(sum->fees_due);
		if (pdc_row_set(row, "tax_area_code", sum->area_code[0] ? sum->area_code : NULL) == -1 ||
		    pdc_row_set(row, "first_half_due", sum->first_half_due) == -1 ||
		    pdc_row_set(row, "second_half_due", sum->second_half_due) == -1 ||
		    pdc_row_set(row, "interest_due", sum->interest_due) == -1 ||
		    pdc_row_set(row, "fees_due", sum->fees_due) == -1 ||
		    pdc_row_set(row, "delinquent", late ? "t" : "f") == -1)
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

	if (pdc_util_get(ctx, "treasurer", ctx->cfg != NULL ? ctx->cfg->treasurer.base_url : NULL,
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
	if (rc == -1) {
		pdc_util_rollback(rec, &mark);
		return -1;
	}
	rec->parts |= PDC_PART_TAX;
	return 0;
}

const struct pdc_source pdc_source_treasurer = {
	"treasurer",
	PDC_PART_TAX,
	true,
	treasurer_collect
};
