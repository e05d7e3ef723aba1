/*
 * htmlfloor - the treasurer's CPU per record against libxml2's own floor, on
 * stored pages: (a) htmlReadMemory and xmlFreeDoc, as pdc used libxml2
 * before; (b) libxml2's HTML parser with empty SAX handlers, no tree at all;
 * (c) pdc's three treasurer parse functions.  Prints one line on standard
 * output:
 *   htmlfloor: records=N rounds=R tree_us=A sax_us=B pdc_us=C
 * each the fewest CPU microseconds (user+sys, this process) per record over
 * R rounds.
 *
 *   htmlfloor [-r ROUNDS] < PAGES
 *
 * PAGES has one line per page, "APN<tab>KEY<tab>BODY IN HEX", KEY being the
 * treasurer's response key (summary, years, activities): what
 *   SELECT apn, key, encode(body, 'hex') FROM responses WHERE source = 'treasurer'
 * prints with psql -tA -F '<tab>'.  A record is one APN's summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "record.h"
#include "sources/treasurer.h"

#define OPTS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET)

enum key { SUMMARY, YEARS, ACTIVITIES };

struct pg {
	char apn[32];
	enum key key;
	char *body;
	size_t len;
};

static struct pg *pages;
static size_t npages, nrecords;

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One input line into PAGES; -1 when it does not read. */
static int
add_page(char *line)
{
	char *key, *hex, *end;
	struct pg *p;
	size_t n;

	if ((key = strchr(line, '\t')) == NULL || (hex = strchr(key + 1, '\t')) == NULL)
		return -1;
	*key++ = '\0';
	*hex++ = '\0';
	if ((end = strchr(hex, '\n')) != NULL)
		*end = '\0';
	if ((p = reallocarray(pages, npages + 1, sizeof(*p))) == NULL)
		return -1;
	pages = p;
	p = &pages[npages];
	snprintf(p->apn, sizeof(p->apn), "%s", line);
	p->key = strcmp(key, "summary") == 0 ? SUMMARY :
	    strcmp(key, "years") == 0 ? YEARS : ACTIVITIES;
	n = strlen(hex) / 2;
	if ((p->body = malloc(n + 1)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		p->body[i] = (char)(hi << 4 | lo);
	}
	p->body[n] = '\0';
	p->len = n;
	npages++;
	if (p->key == SUMMARY)
		nrecords++;
	return 0;
}

static double
cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void
tree(void)
{
	for (size_t i = 0; i < npages; i++) {
		htmlDocPtr doc = htmlReadMemory(pages[i].body, (int)pages[i].len, NULL, NULL, OPTS);

		if (doc != NULL)
			xmlFreeDoc(doc);
	}
}

static void
sax_element(void *ctx, const xmlChar *name, const xmlChar **atts)
{
}

static void
sax_end(void *ctx, const xmlChar *name)
{
}

static void
sax_text(void *ctx, const xmlChar *s, int len)
{
}

static void
sax(void)
{
	static const htmlSAXHandler h = {
		.initialized = 1,
		.startElement = sax_element,
		.endElement = sax_end,
		.characters = sax_text,
		.cdataBlock = sax_text,
	};
	for (size_t i = 0; i < npages; i++) {
		/* htmlReadMemory's steps, as lib/sources/treasurer.c takes them */
		htmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(pages[i].body, (int)pages[i].len);

		if (ctxt == NULL)
			continue;
		memcpy(ctxt->sax, &h, sizeof(h));
		htmlCtxtUseOptions(ctxt, OPTS);
		ctxt->html = 1;
		htmlParseDocument(ctxt);
		xmlFreeParserCtxt(ctxt);
	}
}

/* The three parse functions per record, as treasurer_collect calls them. */
static void
pdc(void)
{
	struct pdc_treasurer_summary sum;
	struct pdc_record rec;
	struct pdc_err err;
	int current;

	for (size_t i = 0; i < npages; i++) {
		const struct pg *p = &pages[i];

		pdc_record_init(&rec, p->apn);
		if (p->key == SUMMARY)
			pdc_treasurer_parse_summary(p->body, p->len, &rec, &sum, &err);
		else if (p->key == YEARS)
			pdc_treasurer_parse_years(p->body, p->len, &rec, &current, &err);
		else
			pdc_treasurer_parse_activities(p->body, p->len, &rec, &err);
		pdc_record_release(&rec);
	}
}

/* The fewest CPU microseconds per record that FN takes over ROUNDS rounds. */
static double
best(void (*fn)(void), int rounds)
{
	double min = -1;

	for (int r = 0; r < rounds; r++) {
		double t0 = cpu_us(), t;

		fn();
		t = (cpu_us() - t0) / (double)nrecords;
		if (min < 0 || t < min)
			min = t;
	}
	return min;
}

int
main(int argc, char *argv[])
{
	char *line = NULL;
	size_t cap = 0;
	int c, rounds = 5;

	while ((c = getopt(argc, argv, "r:")) != -1) {
		if (c != 'r' || (rounds = atoi(optarg)) < 1) {
			fprintf(stderr, "usage: htmlfloor [-r ROUNDS] < PAGES\n");
			return 64;
		}
	}
	while (getline(&line, &cap, stdin) != -1)
		if (add_page(line) == -1) {
			fprintf(stderr, "htmlfloor: a line that does not read\n");
			return 65;
		}
	free(line);
	if (nrecords == 0) {
		fprintf(stderr, "htmlfloor: no records\n");
		return 65;
	}
	xmlInitParser();
	printf("htmlfloor: records=%zu rounds=%d tree_us=%.1f sax_us=%.1f pdc_us=%.1f\n", nrecords,
	    rounds, best(tree, rounds), best(sax, rounds), best(pdc, rounds));
	return 0;
}
