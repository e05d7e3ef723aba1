/*
 * t_html - the HTML reader: the tree it builds from loose markup (implied
 * end tags, stray end tags, void elements), ids, attributes, character
 * references, raw text, pages cut short, deep nesting, and bytes that are
 * no HTML at all.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/html.h"
#include "unit.h"

static struct pdc_html *
parse(const char *s)
{
	struct pdc_html *d = pdc_html_parse(s, strlen(s));

	if (d == NULL) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	return d;
}

/* The text of the element with ID, or "(none)"; in a static buffer. */
static const char *
text_by_id(const struct pdc_html *d, const char *id)
{
	static char buf[512];
	const struct pdc_html_node *n = pdc_html_by_id(d, id);
	char *t;

	if (n == NULL)
		return "(none)";
	if ((t = pdc_html_text(n)) == NULL)
		return "(no memory)";
	snprintf(buf, sizeof(buf), "%s", t);
	free(t);
	return buf;
}

/* The element children of N named NAME. */
static int
count_children(const struct pdc_html_node *n, const char *name)
{
	int k = 0;

	if (n == NULL)
		return -1;
	for (const struct pdc_html_node *c = n->children; c != NULL; c = c->next)
		k += pdc_html_is(c, name);
	return k;
}

/* The Nth (from 0) element child of N named NAME, or NULL. */
static const struct pdc_html_node *
child(const struct pdc_html_node *n, const char *name, int nth)
{
	if (n == NULL)
		return NULL;
	for (const struct pdc_html_node *c = n->children; c != NULL; c = c->next)
		if (pdc_html_is(c, name) && nth-- == 0)
			return c;
	return NULL;
}

static const char *
text_of(const struct pdc_html_node *n)
{
	static char buf[512];
	char *t;

	if (n == NULL)
		return "(none)";
	if ((t = pdc_html_text(n)) == NULL)
		return "(no memory)";
	snprintf(buf, sizeof(buf), "%s", t);
	free(t);
	return buf;
}

static void
test_ids_and_attributes(void)
{
	struct pdc_html *d = parse("<html><body><DIV ID=\"a\" Class=x>first</DIV>"
	    "<span id='a'>second</span><p id=b title=\"T &amp; U\" hidden data-x = 'y'>B</p>"
	    "<td colspan=\"5\" colspan=\"1\">c</td></body></html>");
	const struct pdc_html_node *b = pdc_html_by_id(d, "b");

	is_str(text_by_id(d, "a"), "first", "the first element with an id wins");
	is_str(pdc_html_by_id(d, "a")->name, "div", "tag names are kept lower case");
	is_str(pdc_html_attr(pdc_html_by_id(d, "a"), "class"), "x", "attribute names without case");
	ok(pdc_html_by_id(d, "A") == NULL, "ids are compared with case");
	ok(pdc_html_by_id(d, "nope") == NULL, "an unknown id is NULL");
	ok(b != NULL && pdc_html_is(b, "p"), "an unquoted id");
	is_str(b != NULL ? pdc_html_attr(b, "title") : NULL, "T & U", "references in values are decoded");
	is_str(b != NULL ? pdc_html_attr(b, "hidden") : NULL, "", "a bare attribute is empty");
	is_str(b != NULL ? pdc_html_attr(b, "data-x") : NULL, "y", "blanks around =");
	ok(b != NULL && pdc_html_attr(b, "style") == NULL, "a missing attribute is NULL");
	ok(!pdc_html_is(pdc_html_root(d), "html") && pdc_html_root(d)->name != NULL,
	    "the root is a nameless element");
	pdc_html_free(d);

	d = parse("<table><tr><td colspan=\"5\" colspan=\"1\">c</td></tr></table>");
	const struct pdc_html_node *td = child(child(child(pdc_html_root(d), "table", 0), "tr", 0), "td", 0);
	is_str(td != NULL ? pdc_html_attr(td, "colspan") : NULL, "5", "a repeated attribute: the first");
	pdc_html_free(d);
}

static void
test_tables(void)
{
	/* header cells and rows without end tags, as old ASP.NET grids write them */
	struct pdc_html *d = parse("<table id=t><tr><th>A<th>B<tr><td>1<td>2<tr><td>3<td>4</table>"
	    "<p id=after>after</p>");
	const struct pdc_html_node *t = pdc_html_by_id(d, "t");

	is_int(count_children(t, "tr"), 3, "an open row ends at the next <tr>");
	is_int(count_children(child(t, "tr", 0), "th"), 2, "an open header cell ends at the next");
	is_int(count_children(child(t, "tr", 1), "td"), 2, "an open cell ends at the next");
	is_str(text_of(child(child(t, "tr", 2), "td", 1)), "4", "the last cell ends at </table>");
	ok(pdc_html_by_id(d, "after") != NULL && pdc_html_by_id(d, "after")->parent == pdc_html_root(d),
	    "after </table> the table is closed");
	pdc_html_free(d);

	/* a table in a cell: its rows do not end the cell around it */
	d = parse("<table id=o><tr><td id=c1>x<table id=i><tr><td>1<td>2</table>y<td id=c2>z</table>");
	t = pdc_html_by_id(d, "o");
	is_int(count_children(child(t, "tr", 0), "td"), 2, "the outer row keeps two cells");
	is_str(text_by_id(d, "c1"), "x12y", "the inner table is inside the first cell");
	is_int(count_children(pdc_html_by_id(d, "i"), "tr"), 1, "the inner table has its row");
	is_str(text_by_id(d, "c2"), "z", "the second outer cell");
	pdc_html_free(d);

	/* sections */
	d = parse("<table id=t><thead><tr><th>H</thead><tbody><tr><td>1<tbody><tr><td>2</table>");
	t = pdc_html_by_id(d, "t");
	is_int(count_children(t, "thead"), 1, "a thead");
	is_int(count_children(t, "tbody"), 2, "a second tbody ends the first");
	pdc_html_free(d);

	/* stray end tags */
	d = parse("<table id=t><tr><td id=c><span>a</td>b</tr></span></div><td id=d>c</table>");
	is_str(text_by_id(d, "c"), "a", "</td> closes the span in it");
	is_int(count_children(child(pdc_html_by_id(d, "t"), "tr", 0), "td"), 1,
	    "</tr> ends the row; stray </span> and </div> are ignored");
	is_str(text_by_id(d, "t"), "abc", "text between rows stays in the table");
	pdc_html_free(d);

	d = parse("<div id=x><table><tr><td>1</div>2</td></tr></table>3</div><span id=y>4</span>");
	is_str(text_by_id(d, "x"), "123", "an end tag does not close across a table");
	ok(pdc_html_by_id(d, "y") != NULL && pdc_html_by_id(d, "y")->parent == pdc_html_root(d),
	    "the div ends at its own end tag");
	pdc_html_free(d);
}

static void
test_lists_and_paragraphs(void)
{
	struct pdc_html *d = parse("<ul id=u><li>a<li>b<li>c</ul><p id=p1>one<div id=d>two</div>"
	    "<p id=p2>three<p id=p3>four");
	const struct pdc_html_node *p1 = pdc_html_by_id(d, "p1");

	is_int(count_children(pdc_html_by_id(d, "u"), "li"), 3, "an open <li> ends at the next");
	is_str(text_by_id(d, "p1"), "one", "a <div> ends an open <p>");
	ok(p1 != NULL && pdc_html_by_id(d, "d")->parent == p1->parent, "the div follows the p");
	is_str(text_by_id(d, "p2"), "three", "a <p> ends an open <p>");
	is_str(text_by_id(d, "p3"), "four", "the end of the page ends the last");
	pdc_html_free(d);
}

static void
test_void_and_raw(void)
{
	struct pdc_html *d = parse("<span id=s>a<br>b<img src=x>c<br/>d<span id=\"e\"/>e</span>"
	    "<script id=js>if (a < b && c > d) { x = \"</span>\"; }</script>"
	    "<style>p { }</style><title id=t>A &amp; B <b>C</b></title>"
	    "<textarea id=ta><i>&lt;</i></textarea>");
	const struct pdc_html_node *s = pdc_html_by_id(d, "s");

	is_str(text_by_id(d, "s"), "abcde", "void elements hold nothing");
	is_int(count_children(s, "br"), 2, "<br> and <br/>");
	ok(pdc_html_by_id(d, "e") != NULL && pdc_html_by_id(d, "e")->children == NULL,
	    "<span/> is empty");
	is_str(text_by_id(d, "js"), "if (a < b && c > d) { x = \"</span>\"; }",
	    "script text is not markup, references untouched");
	is_int(count_children(pdc_html_by_id(d, "js"), "span"), 0, "no elements in a script");
	is_str(text_by_id(d, "t"), "A & B <b>C</b>", "title text: references decoded, tags kept as text");
	is_str(text_by_id(d, "ta"), "<i><</i>", "textarea likewise");
	pdc_html_free(d);

	d = parse("<p id=p>x<script>never closed <p id=q>");
	is_str(text_by_id(d, "p"), "xnever closed <p id=q>", "an unclosed script runs to the end");
	ok(pdc_html_by_id(d, "q") == NULL, "nothing after it is markup");
	pdc_html_free(d);
}

static void
test_references(void)
{
	struct pdc_html *d = parse("<p id=p>A&amp;B &lt;&gt; &quot;&apos; &nbsp;|&copy;&middot;"
	    "&#65;&#x42;&#X43; &eacute;&euro;&hellip; &bogus; &amp &#; &#xZZ; & a&#0;b&#xD800;"
	    "&#1114112;</p>");

	is_str(text_by_id(d, "p"), "A&B <> \"' \xc2\xa0|\xc2\xa9\xc2\xb7" "ABC \xc3\xa9\xe2\x82\xac"
	    "\xe2\x80\xa6 &bogus; &amp &#; &#xZZ; & a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd",
	    "named, decimal and hex references; unknown or unfinished ones stay text");
	pdc_html_free(d);
}

static void
test_dropped(void)
{
	struct pdc_html *d = parse("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\">"
	    "<?xml version=\"1.0\"?><!-- a <p id=hidden> comment --><p id=p>a<!---->b<!-- x -- y -->c"
	    "</p>< p>d</ >e<3");

	ok(pdc_html_by_id(d, "hidden") == NULL, "nothing in a comment is read");
	is_str(text_by_id(d, "p"), "abc", "comments, the doctype and <?...?> are dropped");
	is_str(text_of(pdc_html_root(d)), "abc< p>de<3", "a < that starts no tag is text");
	pdc_html_free(d);

	d = parse("<p id=p>a<!-- never closed <p id=q>b");
	is_str(text_by_id(d, "p"), "a", "an unclosed comment runs to the end");
	pdc_html_free(d);
}

/* Whether the first N bytes of PAGE end inside its first TOKEN. */
static bool
inside(const char *page, size_t n, const char *token)
{
	const char *t = strstr(page, token);
	size_t at = t != NULL ? (size_t)(t - page) : 0;

	return t != NULL && n > at && n < at + strlen(token);
}

/* Every prefix of a page: a tag cut off is dropped, the rest stays. */
static void
test_cut(void)
{
	static const char page[] = "<html><body><div id=\"cphMainContent_x\" class=\"a\">"
	    "<table id='t'><tr><th>Tax Year</th><th>Amount</th></tr><tr><td>2025</td>"
	    "<td>$1,234.56&nbsp;</td></tr></table><!-- c --><script>var a = 1 < 2;</script>"
	    "<span title=\"x > y\">z</span></div></body></html>";
	size_t len = strlen(page);
	int bad = 0;

	for (size_t n = 0; n <= len; n++) {
		struct pdc_html *d = pdc_html_parse(page, n);
		char *t;

		if (d == NULL || (t = pdc_html_text(pdc_html_root(d))) == NULL) {
			bad++;
			pdc_html_free(d);
			continue;
		}
		/* the text read so far is a prefix of the whole page's text (unless
		 * the cut splits a reference or the script's end tag, which are then text) */
		if (!inside(page, n, "&nbsp;") && !inside(page, n, "</script>") &&
		    strncmp(t, "Tax YearAmount2025$1,234.56\xc2\xa0var a = 1 < 2;z", strlen(t)) != 0 &&
		    strlen(t) > 0)
			bad++;
		free(t);
		pdc_html_free(d);
	}
	is_int(bad, 0, "every prefix reads as a prefix of the text");

	struct pdc_html *d = parse("<div id=a>x</div><div id=\"b");
	is_str(text_by_id(d, "a"), "x", "the whole element before a cut tag");
	ok(pdc_html_by_id(d, "b") == NULL, "a tag cut in a quoted value is dropped");
	pdc_html_free(d);
	d = parse("<div id=a>x<span id=b");
	is_str(text_by_id(d, "a"), "x", "a tag cut after an attribute is dropped");
	pdc_html_free(d);
}

static void
test_deep_and_junk(void)
{
	size_t n = 20000, len = n * 5 + 8;
	char *deep = malloc(len + 1), *junk = malloc(65536);
	struct pdc_html *d;
	int bad = 0;

	if (deep == NULL || junk == NULL) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		memcpy(deep + i * 5, "<div>", 5);
	memcpy(deep + n * 5, "deep</p>", 8);
	deep[len] = '\0';
	d = parse(deep);
	is_str(text_of(pdc_html_root(d)), "deep", "20000 nested elements: read, flattened past the limit");
	pdc_html_free(d);

	/* bytes of every kind, markup characters favoured: no crash, some tree */
	unsigned x = 12345;
	for (int round = 0; round < 200; round++) {
		size_t m = (size_t)(round * 300 % 65000);

		for (size_t i = 0; i < m; i++) {
			static const char alphabet[] = "<>/=\"'&#;!-? abtdrpx\n";

			x = x * 1103515245u + 12345u;
			junk[i] = (x >> 16) % 3 == 0 ? (char)(x >> 8) : alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		if ((d = pdc_html_parse(junk, m)) == NULL) {
			bad++;
			continue;
		}
		char *t = pdc_html_text(pdc_html_root(d));

		if (t == NULL)
			bad++;
		free(t);
		pdc_html_free(d);
	}
	is_int(bad, 0, "random bytes read without failing");

	d = pdc_html_parse(NULL, 0);
	ok(d != NULL && pdc_html_root(d)->children == NULL, "nothing at all: an empty document");
	pdc_html_free(d);
	d = parse("{\"not\": \"html\"}");
	is_str(text_of(pdc_html_root(d)), "{\"not\": \"html\"}", "JSON is text");
	pdc_html_free(d);
	free(deep);
	free(junk);
}

int
main(void)
{
	test_ids_and_attributes();
	test_tables();
	test_lists_and_paragraphs();
	test_void_and_raw();
	test_references();
	test_dropped();
	test_cut();
	test_deep_and_junk();
	return unit_done();
}
