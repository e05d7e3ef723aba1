/*
 * robots.c - robots.txt rules (RFC 9309).
 */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "robots.h"

struct rule {
	size_t off;		/* into pat */
	size_t len;		/* octets of the normalised pattern, "$" not counted */
	size_t weight;		/* specificity: len, plus one for a "$" */
	int allow;
	int anchored;
};

/* The rules of every group chosen for one side (our token, or "*"). */
struct ruleset {
	struct rule *rule;
	size_t n, cap;
	char *pat;		/* the patterns back to back, not NUL-terminated */
	size_t patlen, patcap;
	double delay;
	int seen;		/* some group named this side, even with no rules */
};

enum robots_mode { ROBOTS_RULES, ROBOTS_ALLOW_ALL, ROBOTS_DISALLOW_ALL };

struct pdc_robots {
	enum robots_mode mode;
	struct ruleset set;
};

struct parser {
	const char *agent;
	size_t agentlen;
	int in_group;		/* a user-agent line has been seen */
	int in_rules;		/* ... and rule lines after it: the next one starts a group */
	int cur_me, cur_star;	/* the current group names us, names "*" */
	int nomem;
	struct ruleset me, star;
};

enum field { F_OTHER, F_USER_AGENT, F_ALLOW, F_DISALLOW, F_CRAWL_DELAY };

static int
isws(char c)
{
	return c == ' ' || c == '\t';
}

static int
iseol(char c)
{
	return c == '\n' || c == '\r' || c == '\0';
}

static int
isdigit_c(char c)
{
	return c >= '0' && c <= '9';
}

static int
isalpha_c(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
istoken(char c)
{
	return isalpha_c(c) || isdigit_c(c) || c == '-' || c == '_';
}

/* RFC 3986 unreserved: the only characters whose %XX may be decoded without
 * changing what a URL means. */
static int
isunreserved(unsigned char c)
{
	return isalpha_c((char)c) || isdigit_c((char)c) || c == '-' || c == '.' ||
	    c == '_' || c == '~';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive equality of A (N octets) and the lower-case word W; no
 * locale, so "I" is "i" everywhere. */
static int
caseeq(const char *a, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] == '\0' || lower(a[i]) != w[i])
			return 0;
	return w[n] == '\0';
}

static int
hexval(char c)
{
	if (isdigit_c(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Write the N octets at S in the form both sides are compared in (robots.h)
 * to OUT, which has room for 3 * N octets; returns the length written.
 */
static size_t
normalise(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;
	unsigned char c;
	int hi, lo;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
			if (isunreserved(c)) {
				out[o++] = (char)c;
				continue;
			}
		} else if (c > 0x20 && c < 0x7f) {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '%';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 0xf];
	}
	return o;
}

/*
 * Does PAT (PLEN octets, "*" a wildcard) match a prefix of S (SLEN octets),
 * or all of S when ANCHORED?  Greedy with one saved position: on a mismatch
 * only the most recent "*" needs to take one more octet, because any earlier
 * "*" could have taken it just as well.  Every retry moves MARK on by one, so
 * the work is at most SLEN * PLEN steps, whatever the stars.
 */
static int
match(const char *pat, size_t plen, int anchored, const char *s, size_t slen)
{
	size_t i = 0, j = 0, star = SIZE_MAX, mark = 0;

	for (;;) {
		if (j == plen && (!anchored || i == slen))
			return 1;
		if (j < plen && pat[j] == '*') {
			star = j++;
			mark = i;
			continue;
		}
		if (j < plen && i < slen && pat[j] == s[i]) {
			i++;
			j++;
			continue;
		}
		if (star == SIZE_MAX || mark >= slen)
			return 0;
		j = star + 1;
		i = ++mark;
	}
}

/* Make room for NEED elements of SIZE at *P (capacity *CAP); -1 when out of
 * memory or the sizes overflow. */
static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return -1;
	if ((np = realloc(*p, ncap * size)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static void
ruleset_release(struct ruleset *set)
{
	free(set->rule);
	free(set->pat);
	memset(set, 0, sizeof(*set));
}

static int
ruleset_add(struct ruleset *set, const char *v, size_t n, int allow)
{
	struct rule *r;
	void *p;
	int anchored = 0;

	if (n > 0 && v[n - 1] == '$') {
		anchored = 1;
		n--;
	}
	/* one octet more than needed, so that an empty first pattern ("$")
	 * has a buffer too: pointer arithmetic on NULL is undefined */
	if (n >= (SIZE_MAX - set->patlen) / 3)
		return -1;
	p = set->pat;
	if (grow(&p, &set->patcap, set->patlen + 3 * n + 1, 1) == -1)
		return -1;
	set->pat = p;
	p = set->rule;
	if (grow(&p, &set->cap, set->n + 1, sizeof(*set->rule)) == -1)
		return -1;
	set->rule = p;

	r = &set->rule[set->n++];
	r->off = set->patlen;
	r->len = normalise(v, n, set->pat + set->patlen);
	r->weight = r->len + (size_t)anchored;
	r->allow = allow;
	r->anchored = anchored;
	set->patlen += r->len;
	return 0;
}

/* The most specific rule first, and allow before disallow at equal
 * specificity, so that the first match decides. */
static int
rulecmp(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	if (x->allow != y->allow)
		return x->allow ? -1 : 1;
	/* The rest only makes the order the same on every libc. */
	return x->off < y->off ? -1 : x->off > y->off;
}

/* "10", "0.5", "2."; no sign, exponent, hex, inf or nan (strtod takes all
 * of those, and reads the locale's decimal point). */
static int
parse_delay(const char *s, size_t n, double *out)
{
	double v = 0, scale = 1;
	size_t i = 0, digits = 0;

	for (; i < n && isdigit_c(s[i]); i++, digits++)
		v = v * 10 + (s[i] - '0');
	if (i < n && s[i] == '.')
		for (i++; i < n && isdigit_c(s[i]); i++, digits++) {
			scale /= 10;
			v += (s[i] - '0') * scale;
		}
	if (digits == 0 || i != n || !(v <= DBL_MAX))
		return -1;
	*out = v;
	return 0;
}

static enum field
field_of(const char *s, size_t n)
{
	if (caseeq(s, n, "user-agent"))
		return F_USER_AGENT;
	if (caseeq(s, n, "allow"))
		return F_ALLOW;
	if (caseeq(s, n, "disallow"))
		return F_DISALLOW;
	if (caseeq(s, n, "crawl-delay"))
		return F_CRAWL_DELAY;
	return F_OTHER;
}

static void
user_agent(struct parser *ps, const char *v, size_t n)
{
	size_t tok;

	if (ps->in_rules) {
		ps->cur_me = ps->cur_star = 0;
		ps->in_rules = 0;
	}
	ps->in_group = 1;
	if (n > 0 && v[0] == '*' && (n == 1 || !istoken(v[1]))) {
		ps->cur_star = ps->star.seen = 1;
		return;
	}
	for (tok = 0; tok < n && istoken(v[tok]); tok++)
		continue;
	if (ps->agentlen > 0 && tok == ps->agentlen) {
		size_t i;

		for (i = 0; i < tok; i++)
			if (lower(v[i]) != lower(ps->agent[i]))
				return;
		ps->cur_me = ps->me.seen = 1;
	}
}

static void
rule_line(struct parser *ps, enum field f, const char *v, size_t n)
{
	struct ruleset *sets[2];
	double d;
	size_t i, nsets = 0;

	/* Rules before the first user-agent line belong to no group. */
	if (!ps->in_group)
		return;
	ps->in_rules = 1;
	if (ps->cur_me)
		sets[nsets++] = &ps->me;
	if (ps->cur_star)
		sets[nsets++] = &ps->star;

	for (i = 0; i < nsets; i++) {
		if (f == F_CRAWL_DELAY) {
			if (parse_delay(v, n, &d) == 0 && d > sets[i]->delay)
				sets[i]->delay = d;
			continue;
		}
		/* An empty disallow allows everything, which is what no rule
		 * does; an empty allow likewise changes nothing. */
		if (n == 0)
			continue;
		if (ruleset_add(sets[i], v, n, f == F_ALLOW) == -1)
			ps->nomem = 1;
	}
}

/* One line, S to E, without its line end. */
static void
line(struct parser *ps, const char *s, const char *e)
{
	const char *colon, *hash, *fe;
	enum field f;

	if ((hash = memchr(s, '#', (size_t)(e - s))) != NULL)
		e = hash;
	while (s < e && isws(*s))
		s++;
	if ((colon = memchr(s, ':', (size_t)(e - s))) == NULL)
		return;
	for (fe = colon; fe > s && isws(fe[-1]); fe--)
		continue;
	if ((f = field_of(s, (size_t)(fe - s))) == F_OTHER)
		return;	/* sitemap, host, typos: skipped, the group goes on */
	for (s = colon + 1; s < e && isws(*s); s++)
		continue;
	while (e > s && isws(e[-1]))
		e--;
	if (f == F_USER_AGENT)
		user_agent(ps, s, (size_t)(e - s));
	else
		rule_line(ps, f, s, (size_t)(e - s));
}

static struct pdc_robots *
robots_new(enum robots_mode mode)
{
	struct pdc_robots *r;

	if ((r = calloc(1, sizeof(*r))) != NULL)
		r->mode = mode;
	return r;
}

struct pdc_robots *
pdc_robots_parse(const char *body, size_t len, const char *agent)
{
	struct parser ps;
	struct pdc_robots *r;
	const char *p, *end, *q;

	memset(&ps, 0, sizeof(ps));
	ps.agent = agent != NULL ? agent : "";
	while (istoken(ps.agent[ps.agentlen]))
		ps.agentlen++;
	if (body == NULL) {
		/* NULL + 0 is undefined behaviour too: point at an empty file */
		body = "";
		len = 0;
	}

	end = body + len;
	if (len > PDC_ROBOTS_MAX_BYTES) {
		/* A cut rule could allow more than the whole one would
		 * ("Allow: /pub" from "Allow: /public"): drop the piece. */
		end = body + PDC_ROBOTS_MAX_BYTES;
		if (!iseol(*end))
			while (end > body && !iseol(end[-1]))
				end--;
	}
	p = body;
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && !ps.nomem) {
		for (q = p; q < end && !iseol(*q); q++)
			continue;
		line(&ps, p, q);
		if (q < end && *q == '\r' && q + 1 < end && q[1] == '\n')
			q++;
		p = q + (q < end);
	}

	if (ps.nomem || (r = robots_new(ROBOTS_RULES)) == NULL) {
		ruleset_release(&ps.me);
		ruleset_release(&ps.star);
		return NULL;
	}
	if (ps.me.seen) {
		r->set = ps.me;
		ruleset_release(&ps.star);
	} else if (ps.star.seen) {
		r->set = ps.star;
		ruleset_release(&ps.me);
	} else {
		ruleset_release(&ps.me);
		ruleset_release(&ps.star);
	}
	if (r->set.n > 1)
		qsort(r->set.rule, r->set.n, sizeof(*r->set.rule), rulecmp);
	return r;
}

struct pdc_robots *
pdc_robots_allow_all(void)
{
	return robots_new(ROBOTS_ALLOW_ALL);
}

struct pdc_robots *
pdc_robots_disallow_all(void)
{
	return robots_new(ROBOTS_DISALLOW_ALL);
}

int
pdc_robots_allowed(const struct pdc_robots *r, const char *path)
{
	char stackbuf[1024], *buf = stackbuf;
	const struct rule *ru;
	size_t n, plen, i;
	int ok = 1;

	if (r == NULL || path == NULL)
		return 0;
	if (*path == '\0')
		path = "/";
	n = strlen(path);
	if (n > sizeof(stackbuf) / 3) {
		if (n > SIZE_MAX / 3 || (buf = malloc(3 * n)) == NULL)
			return 0;
	}
	plen = normalise(path, n, buf);

	if (plen == 11 && memcmp(buf, "/robots.txt", 11) == 0)
		ok = 1;
	else if (r->mode == ROBOTS_ALLOW_ALL)
		ok = 1;
	else if (r->mode == ROBOTS_DISALLOW_ALL)
		ok = 0;
	else
		for (i = 0; i < r->set.n; i++) {
			ru = &r->set.rule[i];
			if (match(r->set.pat + ru->off, ru->len, ru->anchored, buf, plen)) {
				ok = ru->allow;
				break;
			}
		}

	if (buf != stackbuf)
		free(buf);
	return ok;
}

double
pdc_robots_crawl_delay(const struct pdc_robots *r)
{
	return r != NULL ? r->set.delay : 0;
}

void
pdc_robots_free(struct pdc_robots *r)
{
	if (r == NULL)
		return;
	ruleset_release(&r->set);
	free(r);
}
