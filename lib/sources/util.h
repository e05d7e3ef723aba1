/*
 * util.h - text helpers the county sources share.
 *
 * The county writes numbers, money and dates loosely ("  573300 ",
 * "$1,234.56", "-$12.00", "02/26/2018", "6-25-2015"); these functions turn
 * such text into what PostgreSQL reads, exactly: no floating point, no
 * locale (a program's setlocale must not change what the county meant).
 * Every function takes a pointer and a length, so a value need not be
 * NUL-terminated, and writes into a caller's fixed buffer.  The last few
 * helpers serve errors and records the same way for every source.
 */
#ifndef PDC_SOURCES_UTIL_H
#define PDC_SOURCES_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "../error.h"
#include "../record.h"

/* Room for any money value pdc_util_money writes: "-999999999999.99" and a NUL. */
#define PDC_MONEY_MAX 24

/* Whether C is a blank: space, tab, CR or LF. */
bool pdc_util_is_blank(char c);

/* Whether C is an ASCII digit (not isdigit(3): no locale). */
bool pdc_util_is_digit(char c);

/* Move *S past leading blanks and shorten *N past trailing ones. */
void pdc_util_trim(const char **s, size_t *n);

/* The length of the valid UTF-8 sequence at S (N > 0 bytes left), or 0. */
size_t pdc_util_utf8_seq(const unsigned char *s, size_t n);

/* Whether the N bytes at S are valid UTF-8 (no overlongs, surrogates). */
bool pdc_util_utf8_valid(const char *s, size_t n);

/*
 * Copy the N bytes at S into BUF (SIZE > 0 bytes, always NUL-terminated), as
 * much as fits, with control characters and broken UTF-8 as '?': error
 * messages end up in logs and in the database, which takes UTF-8 only.
 * Returns whether all of S fit.
 */
bool pdc_util_printable(const char *s, size_t n, char *buf, size_t size);

/*
 * A decimal in the N bytes at S (already trimmed): [+-] [$] digits (1,234
 * grouping allowed) [. digits], written to BUF as PostgreSQL reads it,
 * leading zeros dropped.  With WHOLE the fraction must be zeros and is
 * dropped: "415000.00" is the integer 415000, while a numeric keeps its
 * digits ("0.1500").  Returns 0, or -1 with *WHY the end of a message:
 * "is not a number", "is not a whole number", "is out of range".
 */
int pdc_util_decimal(const char *s, size_t n, bool whole, char *buf, size_t size,
    const char **why);

/*
 * Money as the treasurer shows it, in the N bytes at S (blanks around it
 * allowed): "$1,234.56", "-$12.00", "$-12.00", "($12.00)", "1234.5", with at
 * most two decimal places (more only when they are zeros) and at most 12
 * digits before the point (numeric(14,2)).  Writes BUF (at least
 * PDC_MONEY_MAX bytes) with exactly two places: "1234.56", "-12.00",
 * "1234.50"; minus zero is "0.00".  Returns 0 or -1; BUF is then "".
 */
int pdc_util_money(const char *s, size_t n, char *buf, size_t size);

/*
 * A calendar date in the N bytes at S (trimmed) as "YYYY-MM-DD" in BUF (at
 * least 11 bytes): "MM/DD/YYYY" and "M/D/YYYY" (the assessor, the
 * treasurer), "M-DD-YYYY" (the recorder) and "YYYY-MM-DD"; a time after
 * the day ("02/26/2018 12:00:00 AM", "2018-02-26T00:00:00") is ignored.
 * February 29 only in leap years.  Returns 0 or -1.
 */
int pdc_util_date(const char *s, size_t n, char *buf, size_t size);

/*
 * S with everything but RFC 3986's unreserved characters as %XX, malloc'd
 * (the caller frees it), or NULL when out of memory.
 */
char *pdc_util_urlencode(const char *s);

/* BASE (trailing slashes dropped) followed by PATH, malloc'd; NULL when out of memory. */
char *pdc_util_url(const char *base, const char *path);

/*
 * The LEN bytes at BODY parsed as one JSON value with nothing but blanks
 * after it; NULL when they are not (the caller says why).  Free with cJSON_Delete.
 * (cJSON's own "null terminated" check wants a NUL inside LEN, which a body
 * with a length does not promise.)
 */
struct cJSON;
struct cJSON *pdc_util_parse_json(const char *body, size_t len);

/* Put PREFIX before ERR's message (cut at the end when it no longer fits). */
void pdc_util_err_prefix(struct pdc_err *err, const char *prefix);

/*
 * GET PATH (already URL-encoded) from SOURCE at BASE, through pdc_fetch with
 * KEY and the NULL-terminated HDRS (or NULL): 0 with RES whatever its status,
 * or -1 with ERR ("SOURCE: ..."), a missing BASE a configuration error.  RES
 * is the caller's to release either way.
 */
struct pdc_source_ctx;
struct pdc_response;
int pdc_util_get(struct pdc_source_ctx *ctx, const char *source, const char *base,
    const char *path, const char *key, const char *const *hdrs, struct pdc_response *res,
    struct pdc_err *err);

/* Where a record stood, so that a parse failing halfway can put it back. */
struct pdc_util_mark {
	size_t nrows;
	unsigned parts, sets, partial;
};

/* Note where REC stands in MARK. */
void pdc_util_mark(const struct pdc_record *rec, struct pdc_util_mark *mark);

/* Drop the rows added to REC since MARK and restore its parts, sets and partial marks. */
void pdc_util_rollback(struct pdc_record *rec, const struct pdc_util_mark *mark);

#endif
