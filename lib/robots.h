/*
 * robots.h - robots.txt rules (RFC 9309, the Robots Exclusion Protocol).
 *
 * Pure: no I/O.  The caller fetches /robots.txt and picks the constructor
 * by the outcome: a body parses with pdc_robots_parse, a 4xx (no file) means
 * pdc_robots_allow_all, a 5xx or no answer at all means
 * pdc_robots_disallow_all.  The object is read-only once built, so threads
 * may share one.
 *
 * What is read: "field: value" lines, fields case-insensitive, "#" comments,
 * CR, LF or CRLF line ends, a UTF-8 byte order mark.  Groups are one or more
 * consecutive user-agent lines followed by allow, disallow and crawl-delay
 * lines; sitemap and unknown fields are skipped without ending a group.  All
 * groups naming our product token are combined; failing that, all "*" groups;
 * failing that, everything is allowed.  The longest matching pattern (in
 * octets, after the normalisation below) decides, allow winning a tie.
 *
 * Patterns and paths are compared after the same normalisation: %XX of an
 * unreserved character (ALPHA DIGIT - . _ ~) is decoded, other %xx have their
 * hex digits upper-cased ("%2f" equals "%2F" but not "/"), and octets outside
 * printable US-ASCII (UTF-8, spaces, controls) are percent-encoded.  In a
 * pattern "*" matches any run of octets and a final "$" anchors the end of
 * the path; a "$" anywhere else is literal.
 */
#ifndef PDC_ROBOTS_H
#define PDC_ROBOTS_H

#include <stddef.h>

/* Bytes of a body that are read; the RFC asks for at least 500 KiB.  A line
 * cut by the limit is dropped, not read in part. */
#define PDC_ROBOTS_MAX_BYTES (500 * 1024)

struct pdc_robots;

/*
 * Parse BODY (LEN bytes; NULL with LEN 0 is an empty file) for the crawler
 * whose product token is AGENT ("pdc", not "pdc/0.1.0"; should a full
 * User-Agent be passed, only its leading token is used).  A user-agent line
 * names us when its value, up to the first octet that is not a letter, digit,
 * "-" or "_", equals AGENT ignoring case: "pdc/2" does, "pdc-crawler" does
 * not.  BODY need not be NUL-terminated; a NUL inside it ends a line.
 *
 * Returns a new object that the caller owns (pdc_robots_free), or NULL when
 * out of memory.  Bad input never fails: lines that do not parse are skipped.
 */
struct pdc_robots *pdc_robots_parse(const char *body, size_t len, const char *agent);

/* An object that allows everything (robots.txt missing: 4xx), and one that
 * disallows everything (5xx, unreachable).  NULL when out of memory. */
struct pdc_robots *pdc_robots_allow_all(void);
struct pdc_robots *pdc_robots_disallow_all(void);

/*
 * 1 when PATH may be fetched, 0 when not.  PATH is the request target as sent
 * on the wire: the URL's path plus "?query" if any, starting with "/" (an
 * empty PATH is taken as "/").  "/robots.txt" is always allowed.  A NULL R
 * or PATH, or running out of memory on a very long PATH, answers 0: when in
 * doubt, do not fetch.
 */
int pdc_robots_allowed(const struct pdc_robots *r, const char *path);

/*
 * Crawl-delay of the chosen groups in seconds, a common extension outside the
 * RFC: a non-negative integer or decimal ("10", "0.5"); other values are
 * ignored.  The largest wins when the chosen groups give several.  0 when
 * there is none (or R is NULL).  Not capped: that is the caller's policy.
 */
double pdc_robots_crawl_delay(const struct pdc_robots *r);

/* Free R and everything it holds; R may be NULL. */
void pdc_robots_free(struct pdc_robots *r);

#endif
