/*
 * html.c - the forgiving HTML reader html.h describes.
 *
 * One pass over the bytes with a stack of open elements; nodes, names and
 * decoded text go into an arena of a few large blocks, so a page costs a
 * handful of allocations however many cells it has.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define FIRST_BLOCK_MAX ((size_t)1 << 20)
#define MAXNAME 32

struct block {
	struct block *next;
	size_t used, cap;
	alignas(max_align_t) char data[];
};

struct pdc_html {
	struct block *blocks;
	struct pdc_html_node root;
	struct pdc_html_node *ids, *ids_last;
	size_t next_cap;
	bool nomem;
};

struct parser {
	struct pdc_html *doc;
	const char *s;
	size_t len, i;
	struct pdc_html_node *stack[PDC_HTML_MAXDEPTH];
	int depth;
};

static void *
alloc(struct pdc_html *d, size_t n)
{
	struct block *b = d->blocks;
	size_t a = alignof(max_align_t);

	n = (n + a - 1) / a * a;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = d->next_cap > n ? d->next_cap : n;

		if ((b = malloc(sizeof(*b) + cap)) == NULL) {
			d->nomem = true;
			return NULL;
		}
		b->next = d->blocks;
		b->used = 0;
		b->cap = cap;
		d->blocks = b;
		if (d->next_cap < SIZE_MAX / 4)
			d->next_cap *= 2;
	}
	b->used += n;
	return b->data + b->used - n;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Named character references: the ASCII ones, then Latin-1 from U+00A0 on, then a few more. */
static const char *const latin1[96] = {
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy",
	"ordf", "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute",
	"micro", "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12",
	"frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig",
	"Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml",
	"ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash",
	"Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute",
	"acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc",
	"euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute",
	"ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml",
	"yacute", "thorn", "yuml",
};

static const struct {
	const char *name;
	uint32_t cp;
} named[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "sbquo", 0x201a }, { "ldquo", 0x201c }, { "rdquo", 0x201d }, { "bdquo", 0x201e },
	{ "bull", 0x2022 }, { "hellip", 0x2026 }, { "prime", 0x2032 }, { "euro", 0x20ac },
	{ "trade", 0x2122 }, { "larr", 0x2190 }, { "rarr", 0x2192 }, { "ensp", 0x2002 },
	{ "emsp", 0x2003 }, { "thinsp", 0x2009 }, { "zwnj", 0x200c }, { "zwj", 0x200d },
	{ "lrm", 0x200e }, { "rlm", 0x200f }, { "dagger", 0x2020 }, { "Dagger", 0x2021 },
	{ "permil", 0x2030 }, { "lsaquo", 0x2039 }, { "rsaquo", 0x203a }, { "OElig", 0x152 },
	{ "oelig", 0x153 }, { "Scaron", 0x160 }, { "scaron", 0x161 }, { "Yuml", 0x178 },
	{ "fnof", 0x192 }, { "circ", 0x2c6 }, { "tilde", 0x2dc },
};

static size_t
put_utf8(uint32_t cp, char *out)
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The character reference at S (N bytes, S[0] == '&') into *CP: the bytes it
 * takes, or 0 when it is none (the '&' is then plain text).  Every reference
 * takes at least as many bytes as its UTF-8 encoding, so decoding never grows
 * the text.
 */
static size_t
reference(const char *s, size_t n, uint32_t *cp)
{
	size_t i = 1;

	if (n > 2 && s[1] == '#') {
		bool hex = n > 3 && (s[2] == 'x' || s[2] == 'X');
		uint32_t v = 0;
		size_t start;

		i = hex ? 3 : 2;
		start = i;
		for (; i < n && i < start + 8; i++) {
			char c = s[i];
			int d;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				break;
			v = v * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (i == start || i >= n || s[i] != ';')
			return 0;
		*cp = v;
		return i + 1;
	}
	for (; i < n && i <= 9 && (is_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9')); i++)
		;
	if (i == 1 || i >= n || s[i] != ';')
		return 0;
	for (size_t k = 0; k < sizeof(latin1) / sizeof(latin1[0]); k++)
		if (strlen(latin1[k]) == i - 1 && memcmp(latin1[k], s + 1, i - 1) == 0) {
			*cp = 0xa0 + (uint32_t)k;
			return i + 1;
		}
	for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++)
		if (strlen(named[k].name) == i - 1 && memcmp(named[k].name, s + 1, i - 1) == 0) {
			*cp = named[k].cp;
			return i + 1;
		}
	return 0;
}

/* N bytes at S with references decoded, in the arena; NULL when out of memory. */
static char *
decode(struct pdc_html *d, const char *s, size_t n, size_t *outlen)
{
	char *out = alloc(d, n + 1);
	size_t o = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n;) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t plain = amp != NULL ? (size_t)(amp - (s + i)) : n - i, used;
		uint32_t cp;

		memcpy(out + o, s + i, plain);
		o += plain;
		i += plain;
		if (i == n)
			break;
		if ((used = reference(s + i, n - i, &cp)) > 0) {
			o += put_utf8(cp, out + o);
			i += used;
		} else {
			out[o++] = '&';
			i++;
		}
	}
	out[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return out;
}

/*
 * The names the rules need, each with a number (for sets of them as bit
 * masks) and what kind of element it is.  Sorted by name.
 */
enum {
	T_OTHER, T_TABLE, T_THEAD, T_TBODY, T_TFOOT, T_TR, T_TD, T_TH, T_CAPTION, T_LI,
	T_UL, T_OL, T_OPTION, T_SELECT, T_DATALIST, T_OPTGROUP, T_P, T_DIV, T_BUTTON,
	T_OBJECT, T_HTML, T_BODY
};

#define F_VOID		1	/* no content, no end tag */
#define F_RAW		2	/* text up to its end tag, not markup */
#define F_REFS		4	/* ... with character references decoded */
#define F_ENDS_P	8	/* starting one ends an open <p> */

#define BIT(t) (UINT32_C(1) << (t))

static const struct tagdef {
	const char *name;
	int tag;
	int flags;
} tagdefs[] = {
	{ "address", T_OTHER, F_ENDS_P }, { "area", T_OTHER, F_VOID },
	{ "article", T_OTHER, F_ENDS_P }, { "aside", T_OTHER, F_ENDS_P },
	{ "base", T_OTHER, F_VOID }, { "basefont", T_OTHER, F_VOID },
	{ "blockquote", T_OTHER, F_ENDS_P }, { "body", T_BODY, 0 }, { "br", T_OTHER, F_VOID },
	{ "button", T_BUTTON, 0 }, { "caption", T_CAPTION, 0 }, { "col", T_OTHER, F_VOID },
	{ "datalist", T_DATALIST, 0 }, { "div", T_DIV, F_ENDS_P }, { "dl", T_OTHER, F_ENDS_P },
	{ "embed", T_OTHER, F_VOID }, { "fieldset", T_OTHER, F_ENDS_P },
	{ "footer", T_OTHER, F_ENDS_P }, { "form", T_OTHER, F_ENDS_P },
	{ "frame", T_OTHER, F_VOID }, { "h1", T_OTHER, F_ENDS_P }, { "h2", T_OTHER, F_ENDS_P },
	{ "h3", T_OTHER, F_ENDS_P }, { "h4", T_OTHER, F_ENDS_P }, { "h5", T_OTHER, F_ENDS_P },
	{ "h6", T_OTHER, F_ENDS_P }, { "header", T_OTHER, F_ENDS_P },
	{ "hr", T_OTHER, F_VOID | F_ENDS_P }, { "html", T_HTML, 0 }, { "img", T_OTHER, F_VOID },
	{ "input", T_OTHER, F_VOID }, { "isindex", T_OTHER, F_VOID },
	{ "keygen", T_OTHER, F_VOID }, { "li", T_LI, 0 }, { "link", T_OTHER, F_VOID },
	{ "main", T_OTHER, F_ENDS_P }, { "meta", T_OTHER, F_VOID }, { "nav", T_OTHER, F_ENDS_P },
	{ "object", T_OBJECT, 0 }, { "ol", T_OL, F_ENDS_P }, { "optgroup", T_OPTGROUP, 0 },
	{ "option", T_OPTION, 0 }, { "p", T_P, F_ENDS_P }, { "param", T_OTHER, F_VOID },
	{ "pre", T_OTHER, F_ENDS_P }, { "script", T_OTHER, F_RAW },
	{ "section", T_OTHER, F_ENDS_P }, { "select", T_SELECT, 0 },
	{ "source", T_OTHER, F_VOID }, { "style", T_OTHER, F_RAW },
	{ "table", T_TABLE, F_ENDS_P }, { "tbody", T_TBODY, 0 }, { "td", T_TD, 0 },
	{ "textarea", T_OTHER, F_RAW | F_REFS }, { "tfoot", T_TFOOT, 0 }, { "th", T_TH, 0 },
	{ "thead", T_THEAD, 0 }, { "title", T_OTHER, F_RAW | F_REFS }, { "tr", T_TR, 0 },
	{ "track", T_OTHER, F_VOID }, { "ul", T_UL, F_ENDS_P }, { "wbr", T_OTHER, F_VOID },
	{ "xmp", T_OTHER, F_RAW },
};

/* The definition of NAME (lower case), or NULL: a scan of the few names with its first letter. */
static const struct tagdef *first_of[26];
static int count_of[26];
static pthread_once_t tagdefs_once = PTHREAD_ONCE_INIT;

/* tagdefs is sorted: each letter's names are a run. */
static void
index_tagdefs(void)
{
	for (size_t k = 0; k < sizeof(tagdefs) / sizeof(tagdefs[0]); k++) {
		int c = tagdefs[k].name[0] - 'a';

		if (count_of[c]++ == 0)
			first_of[c] = &tagdefs[k];
	}
}

static const struct tagdef *
tagdef(const char *name)
{
	int c = name[0] - 'a';

	pthread_once(&tagdefs_once, index_tagdefs);
	if (c < 0 || c >= 26)
		return NULL;
	for (int k = 0; k < count_of[c]; k++)
		if (strcmp(first_of[c][k].name, name) == 0)
			return &first_of[c][k];
	return NULL;
}

/*
 * The depth in the stack of the nearest open element among NAMES (a mask of
 * tags), looking down from the top and stopping at one among STOPS; -1 when
 * none.
 */
static int
nearest(const struct parser *p, uint32_t names, uint32_t stops)
{
	for (int k = p->depth - 1; k > 0; k--) {
		int t = p->stack[k]->tag;

		if (t == T_OTHER)
			continue;
		if (names & BIT(t))
			return k;
		if (stops & BIT(t))
			return -1;
	}
	return -1;
}

/* The implied end tags a start tag of TAG (with FLAGS) brings. */
static void
imply_ends(struct parser *p, int tag, int flags)
{
	const uint32_t sections = BIT(T_TABLE) | BIT(T_THEAD) | BIT(T_TBODY) | BIT(T_TFOOT);
	const uint32_t cells = BIT(T_TD) | BIT(T_TH);
	const uint32_t p_scope = BIT(T_TABLE) | BIT(T_TD) | BIT(T_TH) | BIT(T_CAPTION) |
	    BIT(T_DIV) | BIT(T_LI) | BIT(T_BUTTON) | BIT(T_OBJECT);
	int k;

	switch (tag) {
	case T_TR:
		while ((k = nearest(p, BIT(T_TR) | cells, sections)) > 0)
			p->depth = k;
		break;
	case T_TD:
	case T_TH:
		if ((k = nearest(p, cells, BIT(T_TR) | sections)) > 0)
			p->depth = k;
		break;
	case T_THEAD:
	case T_TBODY:
	case T_TFOOT:
		while ((k = nearest(p, BIT(T_THEAD) | BIT(T_TBODY) | BIT(T_TFOOT), BIT(T_TABLE))) > 0)
			p->depth = k;
		break;
	case T_LI:
		if ((k = nearest(p, BIT(T_LI), BIT(T_UL) | BIT(T_OL) | BIT(T_TABLE))) > 0)
			p->depth = k;
		break;
	case T_OPTION:
		if ((k = nearest(p, BIT(T_OPTION), BIT(T_SELECT) | BIT(T_DATALIST) |
		    BIT(T_OPTGROUP) | BIT(T_TABLE))) > 0)
			p->depth = k;
		break;
	}
	if ((flags & F_ENDS_P) && (k = nearest(p, BIT(T_P), p_scope)) > 0)
		p->depth = k;
}

static struct pdc_html_node *
new_node(struct parser *p)
{
	struct pdc_html_node *n = alloc(p->doc, sizeof(*n)), *top = p->stack[p->depth - 1];

	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->parent = top;
	if (top->last != NULL)
		top->last->next = n;
	else
		top->children = n;
	top->last = n;
	return n;
}

static void
add_text(struct parser *p, const char *s, size_t n, bool references)
{
	struct pdc_html_node *t;
	char *text;

	if (n == 0)
		return;
	if (references)
		text = decode(p->doc, s, n, &n);
	else if ((text = alloc(p->doc, n + 1)) != NULL) {
		memcpy(text, s, n);
		text[n] = '\0';
	}
	if (text == NULL || (t = new_node(p)) == NULL)
		return;
	t->text = text;
	t->len = n;
}

/* A name at S (N bytes) in lower case, in the arena (at most MAXNAME bytes are kept). */
static char *
name_of(struct parser *p, const char *s, size_t n)
{
	char *out;

	if (n > MAXNAME)
		n = MAXNAME;
	if ((out = alloc(p->doc, n + 1)) == NULL)
		return NULL;
	for (size_t k = 0; k < n; k++)
		out[k] = lower(s[k]);
	out[n] = '\0';
	return out;
}

/* Whether the bytes at S (N of them) start with the end tag of NAME. */
static bool
is_end_of(const char *s, size_t n, const char *name)
{
	size_t k = strlen(name);

	if (n < k + 2 || s[0] != '<' || s[1] != '/')
		return false;
	for (size_t i = 0; i < k; i++)
		if (lower(s[2 + i]) != name[i])
			return false;
	return n == k + 2 || is_space(s[k + 2]) || s[k + 2] == '>' || s[k + 2] == '/';
}

/* Past the next '>' from I, or the end. */
static size_t
past_gt(const struct parser *p, size_t i)
{
	const char *gt = i < p->len ? memchr(p->s + i, '>', p->len - i) : NULL;

	return gt != NULL ? (size_t)(gt - p->s) + 1 : p->len;
}

/* A start tag at p->i ('<' and a letter).  One cut off by the end is dropped. */
static void
start_tag(struct parser *p)
{
	const char *s = p->s;
	size_t len = p->len, j = p->i + 1, k;
	struct pdc_html_attr *first = NULL, *last = NULL;
	struct pdc_html_node *el;
	const struct tagdef *def;
	const char *id = NULL;
	char *name;
	int tag = T_OTHER, flags = 0;
	bool empty = false;

	for (k = j; k < len && !is_space(s[k]) && s[k] != '>' && s[k] != '/'; k++)
		;
	if ((name = name_of(p, s + j, k - j)) == NULL) {
		p->i = len;
		return;
	}
	j = k;
	for (;;) {
		struct pdc_html_attr *a;
		const char *v = "";
		size_t vn = 0, an;

		while (j < len && is_space(s[j]))
			j++;
		if (j >= len) {
			p->i = len;
			return;
		}
		if (s[j] == '>') {
			j++;
			break;
		}
		if (s[j] == '/') {
			if (j + 1 < len && s[j + 1] == '>') {
				empty = true;
				j += 2;
				break;
			}
			j++;
			continue;
		}
		/* at least one byte, so that "=" alone moves on */
		for (k = j + 1; k < len && !is_space(s[k]) && s[k] != '=' && s[k] != '>' && s[k] != '/'; k++)
			;
		an = k - j;
		while (k < len && is_space(s[k]))
			k++;
		if (k < len && s[k] == '=') {
			k++;
			while (k < len && is_space(s[k]))
				k++;
			if (k >= len) {
				p->i = len;
				return;
			}
			if (s[k] == '"' || s[k] == '\'') {
				const char *q = memchr(s + k + 1, s[k], len - k - 1);

				if (q == NULL) {
					p->i = len;
					return;
				}
				v = s + k + 1;
				vn = (size_t)(q - v);
				k = (size_t)(q - s) + 1;
			} else {
				v = s + k;
				while (k < len && !is_space(s[k]) && s[k] != '>')
					k++;
				vn = (size_t)(s + k - v);
			}
		}
		if ((a = alloc(p->doc, sizeof(*a))) == NULL || (a->name = name_of(p, s + j, an)) == NULL ||
		    (a->value = decode(p->doc, v, vn, NULL)) == NULL) {
			p->i = len;
			return;
		}
		a->next = NULL;
		if (last != NULL)
			last->next = a;
		else
			first = a;
		last = a;
		if (id == NULL && strcmp(a->name, "id") == 0)
			id = a->value;
		j = k;
	}
	p->i = j;
	if ((def = tagdef(name)) != NULL) {
		tag = def->tag;
		flags = def->flags;
	}
	imply_ends(p, tag, flags);
	if ((el = new_node(p)) == NULL)
		return;
	el->name = name;
	el->tag = tag;
	el->attrs = first;
	if (id != NULL) {
		if (p->doc->ids_last != NULL)
			p->doc->ids_last->next_id = el;
		else
			p->doc->ids = el;
		p->doc->ids_last = el;
	}
	if (empty || (flags & F_VOID))
		return;
	if (p->depth < PDC_HTML_MAXDEPTH)
		p->stack[p->depth++] = el;
	if (flags & F_RAW) {
		/* Text up to the element's own end tag, markup or not. */
		size_t e = p->i;

		for (;;) {
			const char *lt = e < len ? memchr(s + e, '<', len - e) : NULL;

			if (lt == NULL) {
				e = len;
				break;
			}
			e = (size_t)(lt - s);
			if (is_end_of(s + e, len - e, name))
				break;
			e++;
		}
		add_text(p, s + p->i, e - p->i, (flags & F_REFS) != 0);
		if (p->stack[p->depth - 1] == el)
			p->depth--;
		p->i = e < len ? past_gt(p, e) : len;
	}
}

/* An end tag at p->i ("</" and a letter). */
static void
end_tag(struct parser *p)
{
	const char *s = p->s;
	size_t j = p->i + 2, k;
	char name[MAXNAME + 1];
	const struct tagdef *def;
	int tag = T_OTHER;

	for (k = j; k < p->len && !is_space(s[k]) && s[k] != '>' && s[k] != '/'; k++)
		;
	if (k >= p->len) {
		p->i = p->len;
		return;
	}
	for (size_t i = 0; i < k - j && i < MAXNAME; i++)
		name[i] = lower(s[j + i]);
	name[k - j < MAXNAME ? k - j : MAXNAME] = '\0';
	p->i = past_gt(p, k);
	if ((def = tagdef(name)) != NULL) {
		/* </html> and </body> often come early; browsers ignore them too */
		if ((def->flags & F_VOID) || def->tag == T_HTML || def->tag == T_BODY)
			return;
		tag = def->tag;
	}
	/* The nearest open element of that name, not across a table unless it is one. */
	for (int at = p->depth - 1; at > 0; at--) {
		const struct pdc_html_node *n = p->stack[at];

		if (tag != T_OTHER ? n->tag == tag : strcmp(n->name, name) == 0) {
			p->depth = at;
			return;
		}
		if (n->tag == T_TABLE)
			return;
	}
}

/* Past the "-->" that ends a comment whose text starts at I, or the end. */
static size_t
comment_end(const struct parser *p, size_t i)
{
	while (i + 2 < p->len) {
		const char *d = memchr(p->s + i, '-', p->len - i - 2);

		if (d == NULL)
			break;
		i = (size_t)(d - p->s);
		if (d[1] == '-' && d[2] == '>')
			return i + 3;
		i++;
	}
	return p->len;
}

struct pdc_html *
pdc_html_parse(const char *body, size_t len)
{
	struct pdc_html *d = calloc(1, sizeof(*d));
	struct parser *p;

	if (d == NULL)
		return NULL;
	/* Nodes, names and text come to about four times the page. */
	d->next_cap = len < FIRST_BLOCK_MAX / 4 ? len * 4 + 4096 : FIRST_BLOCK_MAX;
	d->root.name = "";
	if ((p = malloc(sizeof(*p))) == NULL) {
		free(d);
		return NULL;
	}
	p->doc = d;
	p->s = body != NULL ? body : "";
	p->len = body != NULL ? len : 0;
	p->i = 0;
	p->stack[0] = &d->root;
	p->depth = 1;
	while (p->i < p->len && !d->nomem) {
		const char *s = p->s + p->i, *lt;
		size_t left = p->len - p->i;

		if (s[0] != '<') {
			lt = memchr(s, '<', left);
			add_text(p, s, lt != NULL ? (size_t)(lt - s) : left, true);
			p->i += lt != NULL ? (size_t)(lt - s) : left;
			continue;
		}
		if (left >= 2 && is_alpha(s[1])) {
			start_tag(p);
		} else if (left >= 3 && s[1] == '/' && is_alpha(s[2])) {
			end_tag(p);
		} else if (left >= 4 && memcmp(s, "<!--", 4) == 0) {
			p->i = comment_end(p, p->i + 4);
		} else if (left >= 2 && (s[1] == '!' || s[1] == '?' || s[1] == '/')) {
			p->i = past_gt(p, p->i + 2);
		} else if (left == 1) {
			p->i++;		/* a tag cut off right after its '<' */
		} else {
			add_text(p, s, 1, false);
			p->i++;
		}
	}
	free(p);
	if (d->nomem) {
		pdc_html_free(d);
		return NULL;
	}
	return d;
}

void
pdc_html_free(struct pdc_html *doc)
{
	if (doc == NULL)
		return;
	for (struct block *b = doc->blocks, *next; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(doc);
}

const struct pdc_html_node *
pdc_html_root(const struct pdc_html *doc)
{
	return &doc->root;
}

const struct pdc_html_node *
pdc_html_by_id(const struct pdc_html *doc, const char *id)
{
	for (const struct pdc_html_node *n = doc->ids; n != NULL; n = n->next_id) {
		const char *v = pdc_html_attr(n, "id");

		if (v != NULL && strcmp(v, id) == 0)
			return n;
	}
	return NULL;
}

const char *
pdc_html_attr(const struct pdc_html_node *node, const char *name)
{
	for (const struct pdc_html_attr *a = node->attrs; a != NULL; a = a->next)
		if (strcmp(a->name, name) == 0)
			return a->value;
	return NULL;
}

bool
pdc_html_is(const struct pdc_html_node *node, const char *name)
{
	return node->name != NULL && strcmp(node->name, name) == 0;
}

/* The node after N in document order within TOP, or NULL. */
static const struct pdc_html_node *
following(const struct pdc_html_node *n, const struct pdc_html_node *top)
{
	if (n->children != NULL)
		return n->children;
	while (n != top && n->next == NULL)
		n = n->parent;
	return n == top ? NULL : n->next;
}

char *
pdc_html_text(const struct pdc_html_node *node)
{
	size_t n = 0, o = 0;
	char *out;

	if (node->text != NULL)
		return strdup(node->text);
	for (const struct pdc_html_node *c = node->children; c != NULL; c = following(c, node))
		n += c->len;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (const struct pdc_html_node *c = node->children; c != NULL; c = following(c, node))
		if (c->text != NULL) {
			memcpy(out + o, c->text, c->len);
			o += c->len;
		}
	out[o] = '\0';
	return out;
}
