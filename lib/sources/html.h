/*
 * html.h - a small, forgiving HTML reader for server-rendered pages.
 *
 * It builds the tree a browser would for the markup the county's pages use
 * (tables with or without their end tags, lists, spans, forms), decodes
 * character references, and indexes elements by id.  It does not validate,
 * fetch anything, or know about encodings: bytes pass through, so a page is
 * read as UTF-8.  Everything of one page lives in one arena, freed at once.
 *
 * Rules, where markup is loose: tag and attribute names are read without
 * case (and kept lower case); a <tr>, <td>, <th>, <thead>, <tbody>, <tfoot>,
 * <li> or <option> ends the open element of its kind that it cannot be
 * inside (never across a table); a block element ends an open <p>; an end
 * tag closes the nearest open element of its name (never across a table,
 * unless it is a table's) and is ignored when there is none; void elements
 * (<br>, <input>, ...) and <x/> have no content; the text of <script>,
 * <style>, <title> and <textarea> is not read as markup; comments,
 * doctypes and processing instructions are dropped; a tag cut off by the
 * end of the page is dropped; the end of the page closes everything.
 * Nesting deeper than PDC_HTML_MAXDEPTH is flattened.
 */
#ifndef PDC_HTML_H
#define PDC_HTML_H

#include <stdbool.h>
#include <stddef.h>

#define PDC_HTML_MAXDEPTH 256

struct pdc_html_attr {
	const char *name;		/* lower case */
	const char *value;		/* decoded; "" for a bare attribute */
	const struct pdc_html_attr *next;
};

struct pdc_html_node {
	const char *name;		/* element: lower-case tag name; NULL: text */
	const char *text;		/* text: decoded, NUL-terminated; NULL for elements */
	size_t len;			/* text: its length in bytes */
	const struct pdc_html_attr *attrs;
	struct pdc_html_node *parent, *children, *last, *next;
	struct pdc_html_node *next_id;	/* the next element with an id, in document order */
	int tag;			/* the reader's own number for the names it knows */
};

struct pdc_html;

/*
 * Read LEN bytes at BODY.  Returns the document (free with pdc_html_free),
 * or NULL when out of memory.  Any input makes a document, perhaps empty.
 */
struct pdc_html *pdc_html_parse(const char *body, size_t len);

void pdc_html_free(struct pdc_html *doc);

/* The document's root: a nameless element holding everything. */
const struct pdc_html_node *pdc_html_root(const struct pdc_html *doc);

/* The first element (in document order) whose id is ID, or NULL. */
const struct pdc_html_node *pdc_html_by_id(const struct pdc_html *doc, const char *id);

/* The value of NODE's attribute NAME (lower case), or NULL when it has none. */
const char *pdc_html_attr(const struct pdc_html_node *node, const char *name);

/* Whether NODE is an element named NAME (lower case). */
bool pdc_html_is(const struct pdc_html_node *node, const char *name);

/*
 * The text of NODE and everything under it, in document order, as one
 * malloc'd string (the caller frees it), or NULL when out of memory.
 */
char *pdc_html_text(const struct pdc_html_node *node);

#endif
