/*
 * t_robots.c - robots.txt: groups, rule precedence, wildcards, and files
 * built to hurt (huge, NUL-ridden, pathological patterns).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "robots.h"
#include "unit.h"

#define PDC_FILE \
	"User-agent: pdc\n" \
	"Disallow: /private/\n" \
	"Allow: /private/public/\n"

static const struct {
	const char *body, *agent, *path;
	int want;
	const char *name;
} cases[] = {
	/* Plain rules. */
	{ "User-agent: *\nDisallow: /private/\n", "pdc", "/private/x", 0, "disallowed path" },
	{ "User-agent: *\nDisallow: /private/\n", "pdc", "/public/x", 1, "path outside the rule" },
	{ "User-agent: *\nDisallow: /private/\n", "pdc", "/private", 1, "a rule is a prefix, not a directory" },
	{ "User-agent: *\nDisallow: /\n", "pdc", "/", 0, "disallow / covers the root" },
	{ "User-agent: *\nDisallow: /\n", "pdc", "/anything?q=1", 0, "disallow / covers everything" },
	{ PDC_FILE, "pdc", "/private/public/page", 1, "allowed by a longer allow" },
	{ PDC_FILE, "pdc", "/private/secret", 0, "the shorter disallow still holds beside it" },
	{ "User-agent: *\nAllow: /private/public/\nDisallow: /private/\n", "pdc",
	  "/private/public/page", 1, "longest match wins whatever the order" },
	{ "User-agent: *\nAllow: /p\nDisallow: /private\n", "pdc", "/private", 0,
	  "a longer disallow beats a shorter allow" },
	{ "User-agent: *\nDisallow: /page\nAllow: /page\n", "pdc", "/page", 1,
	  "equal-length allow and disallow: allow wins" },
	{ "User-agent: *\nAllow: /page\nDisallow: /page\n", "pdc", "/page", 1,
	  "equal length: allow wins in either order" },
	{ "User-agent: *\nDisallow: /pa*\nAllow: /pag\n", "pdc", "/page", 1,
	  "equal length with a star: allow wins" },
	{ "User-agent: *\nDisallow:\n", "pdc", "/anything", 1, "empty disallow matches nothing" },
	{ "User-agent: *\nDisallow:\nDisallow: /x\n", "pdc", "/x", 0,
	  "empty disallow beside a real one" },

	/* Wildcards and anchors. */
	{ "User-agent: *\nDisallow: /a*/edit\n", "pdc", "/articles/12/edit", 0, "star in the middle" },
	{ "User-agent: *\nDisallow: /a*/edit\n", "pdc", "/articles/12/view", 1, "star in the middle, no match" },
	{ "User-agent: *\nDisallow: /a*/edit\n", "pdc", "/b/edit", 1, "star in the middle, wrong start" },
	{ "User-agent: *\nDisallow: /*/*/z\n", "pdc", "/a/b/c/z", 0, "two stars" },
	{ "User-agent: *\nDisallow: /x*\n", "pdc", "/x", 0, "a star matches nothing too" },
	{ "User-agent: *\nDisallow: *\n", "pdc", "/x", 0, "a lone star" },
	{ "User-agent: *\nDisallow: /page$\n", "pdc", "/page", 0, "anchor: exact path" },
	{ "User-agent: *\nDisallow: /page$\n", "pdc", "/page/", 1, "anchor: longer path is not matched" },
	{ "User-agent: *\nDisallow: /page$\n", "pdc", "/page?x=1", 1, "anchor: a query makes it longer" },
	{ "User-agent: *\nDisallow: /*.php$\n", "pdc", "/index.php", 0, "/*.php$ matches a .php path" },
	{ "User-agent: *\nDisallow: /*.php$\n", "pdc", "/a/b/c.php", 0, "/*.php$ at any depth" },
	{ "User-agent: *\nDisallow: /*.php$\n", "pdc", "/index.php?x", 1, "/*.php$ not with a query" },
	{ "User-agent: *\nDisallow: /*.php$\n", "pdc", "/index.phpx", 1, "/*.php$ not with more after" },
	{ "User-agent: *\nDisallow: /*.php$\n", "pdc", "/x.php/y.php", 0, "/*.php$ with .php twice" },
	{ "User-agent: *\nDisallow: /*.php\n", "pdc", "/index.php?x", 0, "/*.php unanchored takes a query" },
	{ "User-agent: *\nDisallow: /a$b\n", "pdc", "/a$b", 0, "a dollar in the middle is literal" },
	{ "User-agent: *\nDisallow: /a$b\n", "pdc", "/a", 1, "a dollar in the middle anchors nothing" },
	{ "User-agent: *\nDisallow: /*.gif$\nAllow: /*.gif\n", "pdc", "/x.gif", 0,
	  "the anchor counts toward the length" },

	/* Query strings. */
	{ "User-agent: *\nDisallow: /*?sort=\n", "pdc", "/list?sort=price", 0, "query rule matches" },
	{ "User-agent: *\nDisallow: /*?sort=\n", "pdc", "/list?page=2", 1, "query rule, other parameter" },
	{ "User-agent: *\nDisallow: /*?sort=\n", "pdc", "/list", 1, "query rule, no query" },
	{ "User-agent: *\nDisallow: /*?sort=\n", "pdc", "/list?page=2&sort=x", 1,
	  "query rule needs ?sort= itself" },
	{ "User-agent: *\nDisallow: /*sort=\n", "pdc", "/list?page=2&sort=x", 0, "later parameter with a star" },
	{ "User-agent: *\nDisallow: /search?\n", "pdc", "/search?q=1", 0, "literal question mark" },
	{ "User-agent: *\nDisallow: /search?\n", "pdc", "/search", 1, "literal question mark needs a query" },

	/* Groups. */
	{ "User-agent: *\nDisallow: /\n\nUser-agent: pdc\nDisallow: /x\n", "pdc", "/y", 1,
	  "a group for pdc beats *" },
	{ "User-agent: *\nDisallow: /\n\nUser-agent: pdc\nDisallow: /x\n", "pdc", "/x", 0,
	  "the pdc group's own rule holds" },
	{ "User-agent: *\nDisallow: /\n\nUser-agent: pdc\nDisallow: /x\n", "other", "/y", 0,
	  "another agent falls back to *" },
	{ "User-agent: pdc\nDisallow: /a\n\nUser-agent: x\nDisallow: /b\n\nUser-agent: pdc\nDisallow: /c\n",
	  "pdc", "/c", 0, "two groups for pdc combined: second group's rule" },
	{ "User-agent: pdc\nDisallow: /a\n\nUser-agent: x\nDisallow: /b\n\nUser-agent: pdc\nDisallow: /c\n",
	  "pdc", "/a", 0, "two groups for pdc combined: first group's rule" },
	{ "User-agent: pdc\nDisallow: /a\n\nUser-agent: x\nDisallow: /b\n\nUser-agent: pdc\nDisallow: /c\n",
	  "pdc", "/b", 1, "two groups for pdc combined: not the other agent's" },
	{ "User-agent: pdc\nAllow: /a/b\n\nUser-agent: pdc\nDisallow: /a\n", "pdc", "/a/b", 1,
	  "combined groups: longest match across groups" },
	{ "User-agent: pdc-crawler\nDisallow: /\n", "pdc", "/x", 1, "pdc-crawler does not name pdc" },
	{ "User-agent: pdc-crawler\nDisallow: /\nUser-agent: *\nDisallow: /y\n", "pdc", "/y", 0,
	  "pdc-crawler only: pdc falls back to *" },
	{ "User-agent: pdcbot\nDisallow: /\n", "pdc", "/x", 1, "pdcbot does not name pdc" },
	{ "User-agent: pd\nDisallow: /\n", "pdc", "/x", 1, "a shorter token does not name pdc" },
	{ "User-agent: pdc/1.0\nDisallow: /\n", "pdc", "/x", 0, "pdc/1.0 names pdc" },
	{ "User-agent: pdc (+https://example.org)\nDisallow: /\n", "pdc", "/x", 0,
	  "token followed by a comment-like tail" },
	{ "User-agent: a\nUser-agent: pdc\nUser-agent: b\nDisallow: /x\n", "pdc", "/x", 0,
	  "several user-agent lines share a group" },
	{ "User-agent: a\nSitemap: https://e.org/s.xml\nUser-agent: pdc\nDisallow: /x\n", "pdc", "/x", 0,
	  "a sitemap line does not end the user-agent list" },
	{ "User-agent: pdc\nDisallow: /x\nSitemap: https://e.org/s.xml\nDisallow: /y\n", "pdc", "/y", 0,
	  "a sitemap line does not end the group" },
	{ "User-agent: pdc\nDisallow: /x\nFoo: bar\nDisallow: /y\n", "pdc", "/y", 0,
	  "an unknown field does not end the group" },
	{ "User-agent: pdc\nDisallow: /x\nUser-agent: other\nDisallow: /y\n", "pdc", "/y", 1,
	  "a user-agent line after rules starts a new group" },
	{ "User-agent: pdc\nUser-agent: *\nDisallow: /x\n", "other", "/x", 0,
	  "a group naming pdc and * serves *" },
	{ "User-agent: pdc\n\nUser-agent: *\nDisallow: /x\n", "pdc", "/x", 0,
	  "a blank line does not end a user-agent list" },
	{ "User-agent: pdc\nCrawl-delay: 1\nUser-agent: *\nDisallow: /x\n", "pdc", "/x", 1,
	  "a pdc group without path rules allows everything" },
	{ "Disallow: /x\nUser-agent: *\nDisallow: /y\n", "pdc", "/x", 1, "rules before any user-agent are ignored" },
	{ "User-agent: other\nDisallow: /\n", "pdc", "/x", 1, "no group for us and no *: allowed" },

	/* Spelling. */
	{ "USER-AGENT: *\nDISALLOW: /x\n", "pdc", "/x", 0, "fields upper case" },
	{ "uSeR-aGeNt: PDC\ndisallow: /x\n", "pdc", "/x", 0, "fields and agent mixed case" },
	{ "User-agent: pdc\nDisallow: /x\n", "PDC", "/x", 0, "AGENT given in upper case" },
	{ "User-agent: pdc\nDisallow: /X\n", "pdc", "/x", 1, "paths are case-sensitive" },
	{ "  User-agent :  *  \n\tDisallow\t:\t/x\t\n", "pdc", "/x", 0, "blanks around field and value" },
	{ "User-agent: * # everyone\nDisallow: /x # not x\n", "pdc", "/x", 0, "comments after values" },
	{ "User-agent: *\nDisallow: /x$ # only x\n", "pdc", "/x", 0, "an anchor before a comment" },
	{ "User-agent: *\nDisallow: /x$ # only x\n", "pdc", "/xy", 1, "an anchor before a comment, longer path" },
	{ "# just a comment\n#User-agent: *\n#Disallow: /\n", "pdc", "/x", 1, "comment lines only" },
	{ "User-agent: *\nDisallow: #/x\n", "pdc", "/x", 1, "a value that is all comment is empty" },
	{ "User-agent: *\r\nDisallow: /x\r\n", "pdc", "/x", 0, "CRLF line ends" },
	{ "User-agent: *\rDisallow: /x\r", "pdc", "/x", 0, "CR line ends" },
	{ "User-agent: *\r\n\r\nDisallow: /x", "pdc", "/x", 0, "no final line end" },
	{ "\xef\xbb\xbfUser-agent: *\nDisallow: /x\n", "pdc", "/x", 0, "byte order mark" },
	{ "", "pdc", "/x", 1, "empty file" },
	{ "\n\n\r\n   \n", "pdc", "/x", 1, "blank lines only" },
	{ "<html><body>Not found</body></html>\n", "pdc", "/x", 1, "an HTML page" },
	{ "User-agent *\nDisallow /x\n", "pdc", "/x", 1, "lines without a colon are skipped" },
	{ "garbage\n:::\n: /x\nUser-agent: *\n\x01\x02\xff: \xfe\nDisallow: /x\n", "pdc", "/x", 0,
	  "garbage lines are skipped" },
	{ "User-agent: *\nDisalow: /x\n", "pdc", "/x", 1, "a misspelt field is unknown" },

	/* Percent-encoding and octets outside ASCII. */
	{ "User-agent: *\nDisallow: /%7Ejoe/\n", "pdc", "/~joe/x", 0, "%7E in the pattern is ~" },
	{ "User-agent: *\nDisallow: /~joe/\n", "pdc", "/%7ejoe/x", 0, "%7e in the path is ~" },
	{ "User-agent: *\nDisallow: /a%2fb\n", "pdc", "/a%2Fb", 0, "%2f and %2F are the same" },
	{ "User-agent: *\nDisallow: /a%2Fb\n", "pdc", "/a/b", 1, "%2F is not /" },
	{ "User-agent: *\nDisallow: /a/b\n", "pdc", "/a%2Fb", 1, "/ is not %2F" },
	{ "User-agent: *\nDisallow: /caf\xc3\xa9\n", "pdc", "/caf%C3%A9", 0, "UTF-8 pattern, encoded path" },
	{ "User-agent: *\nDisallow: /caf%c3%a9\n", "pdc", "/caf\xc3\xa9", 0, "encoded pattern, UTF-8 path" },
	{ "User-agent: *\nDisallow: /a%2A\n", "pdc", "/abc", 1, "%2A is not a wildcard" },
	{ "User-agent: *\nDisallow: /a%zz\n", "pdc", "/a%zz", 0, "a bad escape is literal" },
	{ "User-agent: *\nDisallow: /a%\n", "pdc", "/a%", 0, "a bare percent at the end" },

	/* /robots.txt itself. */
	{ "User-agent: *\nDisallow: /\n", "pdc", "/robots.txt", 1, "/robots.txt is always allowed" },
	{ "User-agent: *\nDisallow: /robots.txt\n", "pdc", "/robots.txt", 1,
	  "/robots.txt allowed even when named" },
	{ "User-agent: *\nDisallow: /\n", "pdc", "/robots.txt.bak", 0, "only /robots.txt itself" },
	{ "User-agent: *\nDisallow: /\n", "pdc", "", 0, "an empty path is /" },

	/* Found by tests/fuzz/fuzz_robots (UBSan: arithmetic on a NULL pattern buffer). */
	{ "User-agent: *\nDisallow: $\n", "pdc", "/x", 1, "an empty anchored first rule matches no path" },
	{ "User-agent: *\nDisallow: $\n", "pdc", "", 1, "an empty anchored first rule matches not even /" },
	{ "User-agent: *\nAllow: $\nDisallow: /x\n", "pdc", "/x", 0,
	  "an empty anchored rule before another one" },
	{ "User-agent: *\nDi\x8d\x9e\x93\x93\x90\x88\xc5\xda/caf\xc3\xa9\nDisallow: $\n"
	  "Crawl-dellay:3\n", "pdc", "/caf%C3%A9", 1, "the fuzzer's input, reduced" },
};

static struct pdc_robots *
parse(const char *body, const char *agent)
{
	return pdc_robots_parse(body, strlen(body), agent);
}

/* 1 when AGENT may fetch PATH under BODY; -1 when out of memory. */
static int
allowed(const char *body, const char *agent, const char *path)
{
	struct pdc_robots *r;
	int a;

	if ((r = parse(body, agent)) == NULL)
		return -1;
	a = pdc_robots_allowed(r, path);
	pdc_robots_free(r);
	return a;
}

static double
delay(const char *body, const char *agent)
{
	struct pdc_robots *r;
	double d;

	if ((r = parse(body, agent)) == NULL)
		return -1;
	d = pdc_robots_crawl_delay(r);
	pdc_robots_free(r);
	return d;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int
main(void)
{
	struct pdc_robots *r;
	struct timespec t0;
	char name[160], *big, *path;
	size_t i, n, off;
	int good;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "%s (%s %s)", cases[i].name,
		    cases[i].want ? "allows" : "refuses", cases[i].path);
		is_int(allowed(cases[i].body, cases[i].agent, cases[i].path), cases[i].want, name);
	}

	/* Missing robots.txt, an unreachable one. */
	r = pdc_robots_allow_all();
	ok(r != NULL && pdc_robots_allowed(r, "/") && pdc_robots_allowed(r, "/a/b?c"),
	    "allow_all allows");
	ok(r != NULL && pdc_robots_crawl_delay(r) == 0, "allow_all has no crawl-delay");
	pdc_robots_free(r);
	r = pdc_robots_disallow_all();
	ok(r != NULL && !pdc_robots_allowed(r, "/") && !pdc_robots_allowed(r, "/a/b?c"),
	    "disallow_all refuses");
	ok(r != NULL && pdc_robots_allowed(r, "/robots.txt"), "disallow_all still allows /robots.txt");
	pdc_robots_free(r);
	pdc_robots_free(NULL);
	ok(pdc_robots_allowed(NULL, "/") == 0, "a NULL object refuses");
	ok(pdc_robots_crawl_delay(NULL) == 0, "a NULL object has no crawl-delay");

	/* NULL body, agent, path (with clang's UBSan, fuzz_robots found NULL + 0 here). */
	r = pdc_robots_parse(NULL, 0, "pdc");
	ok(r != NULL && pdc_robots_allowed(r, "/x"), "NULL body allows everything");
	ok(r != NULL && pdc_robots_allowed(r, NULL) == 0, "a NULL path is refused");
	pdc_robots_free(r);
	is_int(allowed("User-agent: pdc\nDisallow: /\nUser-agent: *\nDisallow: /y\n", "", "/x"), 1,
	    "an empty AGENT names no group");
	r = pdc_robots_parse("User-agent: *\nDisallow: /y\n", 27, NULL);
	ok(r != NULL && !pdc_robots_allowed(r, "/y"), "a NULL AGENT uses *");
	pdc_robots_free(r);
	is_int(allowed("User-agent: pdc\nDisallow: /x\n", "pdc/0.1.0", "/x"), 0,
	    "a full User-Agent as AGENT uses its token");

	/* LEN, not NUL, ends the body; NUL inside ends a line. */
	r = pdc_robots_parse("User-agent: *\nDisallow: /x\nDisallow: /y\n", 27, "pdc");
	ok(r != NULL && !pdc_robots_allowed(r, "/x") && pdc_robots_allowed(r, "/y"),
	    "reads only LEN bytes");
	pdc_robots_free(r);
	{
		static const char nul[] = "User-agent: *\nDisallow: /a\0junk\nDisallow: /b\0\0\n\0Disallow: /c";

		r = pdc_robots_parse(nul, sizeof(nul) - 1, "pdc");
		ok(r != NULL && !pdc_robots_allowed(r, "/a") && !pdc_robots_allowed(r, "/b") &&
		    !pdc_robots_allowed(r, "/c") && pdc_robots_allowed(r, "/junk"),
		    "NUL bytes end lines and the rest is read");
		ok(r != NULL && pdc_robots_allowed(r, "/ajunk") == 0, "a NUL cuts the pattern (/a still holds)");
		pdc_robots_free(r);
	}

	/* Crawl-delay. */
	ok(delay("User-agent: *\nCrawl-delay: 10\n", "pdc") == 10, "crawl-delay integer");
	ok(delay("User-agent: *\nCrawl-delay: 0.5\n", "pdc") == 0.5, "crawl-delay decimal");
	ok(delay("User-agent: *\ncrawl-DELAY :  2.25 # slow\n", "pdc") == 2.25, "crawl-delay spelling");
	ok(delay("User-agent: *\nCrawl-delay: 5\nUser-agent: pdc\nCrawl-delay: 2\n", "pdc") == 2,
	    "crawl-delay from the matched group only");
	ok(delay("User-agent: *\nCrawl-delay: 5\nUser-agent: pdc\nDisallow: /x\n", "pdc") == 0,
	    "crawl-delay of * does not apply when pdc has a group");
	ok(delay("User-agent: pdc\nCrawl-delay: 5\nUser-agent: *\nDisallow: /x\n", "other") == 0,
	    "crawl-delay of pdc does not apply to others");
	ok(delay("User-agent: pdc\nCrawl-delay: 3\n\nUser-agent: pdc\nCrawl-delay: 7\n", "pdc") == 7,
	    "combined groups: the largest crawl-delay");
	ok(delay("User-agent: *\nDisallow: /\n", "pdc") == 0, "no crawl-delay");
	ok(delay("Crawl-delay: 9\nUser-agent: *\nDisallow: /\n", "pdc") == 0,
	    "crawl-delay before any group is ignored");
	{
		static const char *const bad[] = { "-1", "abc", "10s", "1e3", "0x10", "inf", "nan",
			".", "", "1.2.3", "+5", "1 2" };

		good = 1;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(name, sizeof(name), "User-agent: *\nCrawl-delay: %s\n", bad[i]);
			if (delay(name, "pdc") != 0)
				good = 0;
		}
		ok(good, "invalid crawl-delays are 0");
	}
	ok(delay("User-agent: *\nCrawl-delay: 4\nCrawl-delay: soon\n", "pdc") == 4,
	    "an invalid crawl-delay does not clear a valid one");

	/* A pathological pattern: naive backtracking would take forever. */
	n = 10 * 1024;
	if ((path = malloc(n + 1)) == NULL)
		return 1;
	path[0] = '/';
	memset(path + 1, 'a', n - 1);
	path[n] = '\0';
	r = parse("User-agent: *\nDisallow: *a*a*a*a*a*a*a*a*b\nDisallow: /*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a$b\n",
	    "pdc");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ok(r != NULL && pdc_robots_allowed(r, path) == 1, "*a*a*a*a*a*a*a*a*b against 10 KB of a");
	ok(seconds_since(&t0) < 1.0, "... finishes in well under a second");
	path[n - 1] = 'b';
	ok(r != NULL && pdc_robots_allowed(r, path) == 0, "... and matches when a b ends the path");
	pdc_robots_free(r);
	free(path);

	/* A 500 KB file with thousands of rules and a very long line. */
	if ((big = malloc(PDC_ROBOTS_MAX_BYTES + 4096)) == NULL)
		return 1;
	off = (size_t)snprintf(big, 64, "User-agent: *\n");
	for (i = 0; off < 400 * 1024; i++)
		off += (size_t)snprintf(big + off, 64, "Disallow: /dir%zu/*/page$\n", i);
	off += (size_t)snprintf(big + off, 64, "Disallow: /long");
	memset(big + off, 'x', 60 * 1024);	/* a 60 KB line */
	off += 60 * 1024;
	big[off++] = '\n';
	off += (size_t)snprintf(big + off, 64, "Disallow: /last-line\n");
	r = pdc_robots_parse(big, off, "pdc");
	ok(r != NULL, "a 460 KB file with thousands of rules parses");
	ok(r != NULL && !pdc_robots_allowed(r, "/dir12345/a/page"), "... a late rule holds");
	ok(r != NULL && pdc_robots_allowed(r, "/dir12345/a/page2"), "... anchored");
	ok(r != NULL && !pdc_robots_allowed(r, "/last-line"), "... the last line is read");
	ok(r != NULL && pdc_robots_allowed(r, "/long"), "... the long line is one rule");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 100; i++)
		if (r != NULL)
			pdc_robots_allowed(r, "/elsewhere/some/page?x=1");
	ok(seconds_since(&t0) < 2.0, "... 100 lookups through every rule are quick");
	pdc_robots_free(r);

	/* Past the limit: the rest is not read, and a line cut by it is dropped. */
	memset(big, '\n', PDC_ROBOTS_MAX_BYTES + 4096);
	memcpy(big, "User-agent: *\nDisallow: /x\n", 27);
	memcpy(big + PDC_ROBOTS_MAX_BYTES - 10, "Allow: /x/public\n", 17);
	memcpy(big + PDC_ROBOTS_MAX_BYTES + 100, "Allow: /\n", 9);
	r = pdc_robots_parse(big, PDC_ROBOTS_MAX_BYTES + 4096, "pdc");
	ok(r != NULL && !pdc_robots_allowed(r, "/x/public"), "a line cut by the limit is dropped");
	ok(r != NULL && !pdc_robots_allowed(r, "/x/p"), "... not read in part");
	ok(r != NULL && !pdc_robots_allowed(r, "/x"), "... and lines past the limit are not read");
	pdc_robots_free(r);
	memcpy(big + PDC_ROBOTS_MAX_BYTES - 10, "Allow: /y\n", 10);
	r = pdc_robots_parse(big, PDC_ROBOTS_MAX_BYTES + 4096, "pdc");
	ok(r != NULL && pdc_robots_allowed(r, "/y"), "a line ending right at the limit is read");
	pdc_robots_free(r);
	free(big);

	/* A 10 KB path with UTF-8 in it takes the heap path. */
	n = 10 * 1024;
	if ((path = malloc(n + 1)) == NULL)
		return 1;
	for (i = 0; i < n; i += 2)
		memcpy(path + i, "\xc3\xa9", 2);
	path[0] = '/';
	path[n] = '\0';
	r = parse("User-agent: *\nDisallow: /*%C3%A9$\n", "pdc");
	ok(r != NULL && pdc_robots_allowed(r, path) == 0, "a long non-ASCII path is encoded before matching");
	pdc_robots_free(r);
	free(path);

	return unit_done();
}
