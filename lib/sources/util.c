/*
 * Text helpers the county sources share: see util.h.  Everything here reads
 * bytes, never the locale, and writes bounded buffers.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "../fetch.h"
#include "util.h"

bool
pdc_util_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool
pdc_util_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

void
pdc_util_trim(const char **s, size_t *n)
{
	while (*n > 0 && pdc_util_is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && pdc_util_is_blank((*s)[*n - 1]))
		(*n)--;
}

size_t
pdc_util_utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* overlong forms, UTF-16 surrogates, past U+10FFFF */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

bool
pdc_util_utf8_valid(const char *s, size_t n)
{
	size_t k;

	for (size_t i = 0; i < n; i += k)
		if ((k = pdc_util_utf8_seq((const unsigned char *)s + i, n - i)) == 0)
			return false;
	return true;
}

bool
pdc_util_printable(const char *s, size_t n, char *buf, size_t size)
{
	size_t i = 0, o = 0, k;

	while (i < n) {
		k = pdc_util_utf8_seq((const unsigned char *)s + i, n - i);
		if (o + (k ? k : 1) >= size)
			break;
		if (k == 0 || (k == 1 && ((unsigned char)s[i] < 0x20 || s[i] == 0x7f))) {
			buf[o++] = '?';
			i++;
		} else {
			memcpy(buf + o, s + i, k);
			o += k;
			i += k;
		}
	}
	buf[o] = '\0';
	return i == n;
}

/*
 * Append the N bytes at S to BUF (SIZE bytes) at *O as snprintf would: cut
 * to fit, NUL-terminated, *O counting what the whole would take.  The
 * number writers below run for every value of every record; snprintf's
 * format parsing cost more than all the rest of their work.
 */
static void
put(char *buf, size_t size, size_t *o, const char *s, size_t n)
{
	if (*o + 1 < size)
		memcpy(buf + *o, s, n < size - 1 - *o ? n : size - 1 - *o);
	*o += n;
	if (size > 0)
		buf[*o < size ? *o : size - 1] = '\0';
}

/*
 * Digits with optional 1,234 grouping at S[*I] into IP (at most IPMAX - 1 of
 * them, NUL-free, *IL counted).  Returns -1 on bad grouping or too many.
 */
static int
grouped(const char *s, size_t n, size_t *i, char *ip, size_t ipmax, size_t *il)
{
	size_t run = 0, ncomma = 0;

	for (; *i < n; (*i)++) {
		if (pdc_util_is_digit(s[*i])) {
			if (*il == ipmax - 1)
				return -1;
			ip[(*il)++] = s[*i];
			run++;
		} else if (s[*i] == ',') {
			if (run == 0 || (ncomma == 0 && run > 3) || (ncomma > 0 && run != 3))
				return -1;
			run = 0;
			ncomma++;
		} else {
			break;
		}
	}
	return ncomma > 0 && run != 3 ? -1 : 0;
}

int
pdc_util_decimal(const char *s, size_t n, bool whole, char *buf, size_t size, const char **why)
{
	char ip[40], fp[24];
	size_t i = 0, il = 0, fl = 0, lead = 0, o = 0;
	bool neg = false, zero = true;

	*why = "is not a number";
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i < n && s[i] == '$')
		i++;
	if (grouped(s, n, &i, ip, sizeof(ip), &il) == -1)
		return -1;
	if (i < n && s[i] == '.') {
		for (i++; i < n && pdc_util_is_digit(s[i]); i++) {
			if (fl == sizeof(fp) - 1)
				return -1;
			fp[fl++] = s[i];
		}
	}
	if (i != n || il + fl == 0)
		return -1;

	while (lead + 1 < il && ip[lead] == '0')
		lead++;
	for (size_t k = lead; k < il; k++)
		if (ip[k] != '0')
			zero = false;
	for (size_t k = 0; k < fl; k++)
		if (fp[k] != '0') {
			if (whole) {
				*why = "is not a whole number";
				return -1;
			}
			zero = false;
		}
	if (whole)
		fl = 0;
	if (whole && il - lead > 18) {
		*why = "is out of range";
		return -1;
	}
	if (neg && !zero)
		put(buf, size, &o, "-", 1);
	put(buf, size, &o, il > 0 ? ip + lead : "0", il > 0 ? il - lead : 1);
	if (fl > 0) {
		put(buf, size, &o, ".", 1);
		put(buf, size, &o, fp, fl);
	}
	return 0;
}

int
pdc_util_money(const char *s, size_t n, char *buf, size_t size)
{
	char ip[16], fp[3] = "00", cents[3] = ".";
	size_t i = 0, il = 0, fl = 0, lead = 0, o = 0;
	bool neg = false, zero = true;
	char sign = 0;

	if (size > 0)
		buf[0] = '\0';
	pdc_util_trim(&s, &n);
	/* accounting style: ($12.00) */
	if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
		neg = true;
		s++;
		n -= 2;
		pdc_util_trim(&s, &n);
	}
	/* "-$12.00" and "$-12.00" both occur; one sign only */
	if (i < n && (s[i] == '+' || s[i] == '-'))
		sign = s[i++];
	if (i < n && s[i] == '$')
		i++;
	if (sign == 0 && i < n && (s[i] == '+' || s[i] == '-'))
		sign = s[i++];
	if (neg && sign != 0)
		return -1;	/* (-$1.00) */
	neg = neg || sign == '-';
	if (grouped(s, n, &i, ip, sizeof(ip), &il) == -1)
		return -1;
	if (i < n && s[i] == '.') {
		for (i++; i < n && pdc_util_is_digit(s[i]); i++) {
			if (fl < 2)
				fp[fl] = s[i];
			else if (s[i] != '0')
				return -1;	/* fractions of a cent */
			fl++;
		}
	}
	if (i != n || il + fl == 0)
		return -1;
	while (lead + 1 < il && ip[lead] == '0')
		lead++;
	if (il - lead > 12)
		return -1;
	for (size_t k = lead; k < il; k++)
		if (ip[k] != '0')
			zero = false;
	if (fp[0] != '0' || fp[1] != '0')
		zero = false;
	if (neg && !zero)
		put(buf, size, &o, "-", 1);
	put(buf, size, &o, il > 0 ? ip + lead : "0", il > 0 ? il - lead : 1);
	cents[1] = fp[0];
	cents[2] = fp[1];
	put(buf, size, &o, cents, 3);
	if (o >= size) {
		if (size > 0)
			buf[0] = '\0';
		return -1;
	}
	return 0;
}

/* Exactly MIN..MAX digits at S[*I]; their value, or -1. */
static int
digits(const char *s, size_t n, size_t *i, int min, int max)
{
	int v = 0, k = 0;

	while (*i < n && pdc_util_is_digit(s[*i])) {
		if (++k > max)
			return -1;
		v = v * 10 + (s[(*i)++] - '0');
	}
	return k < min ? -1 : v;
}

int
pdc_util_date(const char *s, size_t n, char *buf, size_t size)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	size_t i = 0, o = 0;
	int y, m, d, dim;
	char sep, day[10] = "0000-00-00";

	if (n >= 10 && pdc_util_is_digit(s[0]) && pdc_util_is_digit(s[1]) &&
	    pdc_util_is_digit(s[2]) && pdc_util_is_digit(s[3]) && s[4] == '-') {
		if ((y = digits(s, n, &i, 4, 4)) < 0 || s[i++] != '-' ||
		    (m = digits(s, n, &i, 2, 2)) < 0 || i >= n || s[i++] != '-' ||
		    (d = digits(s, n, &i, 2, 2)) < 0)
			return -1;
	} else {
		/* the same separator twice: 6-25-2015 or 06/25/2015, not 6/25-2015 */
		if ((m = digits(s, n, &i, 1, 2)) < 0 || i >= n ||
		    ((sep = s[i++]) != '/' && sep != '-') ||
		    (d = digits(s, n, &i, 1, 2)) < 0 || i >= n || s[i++] != sep ||
		    (y = digits(s, n, &i, 4, 4)) < 0)
			return -1;
	}
	/* "02/26/2018 12:00:00 AM" or "2018-02-26T00:00:00": the day is what counts */
	if (i < n && !((s[i] == ' ' || s[i] == 'T') && i + 1 < n &&
	    pdc_util_is_digit(s[i + 1])))
		return -1;
	if (y < 1 || m < 1 || m > 12)
		return -1;
	dim = mdays[m - 1];
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		dim = 29;
	if (d < 1 || d > dim)
		return -1;
	day[0] = (char)('0' + y / 1000);
	day[1] = (char)('0' + y / 100 % 10);
	day[2] = (char)('0' + y / 10 % 10);
	day[3] = (char)('0' + y % 10);
	day[5] = (char)('0' + m / 10);
	day[6] = (char)('0' + m % 10);
	day[8] = (char)('0' + d / 10);
	day[9] = (char)('0' + d % 10);
	put(buf, size, &o, day, 10);
	return o >= size ? -1 : 0;
}

char *
pdc_util_urlencode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), o = 0;
	char *out;

	if (n > (SIZE_MAX - 1) / 3 || (out = malloc(n * 3 + 1)) == NULL)
		return NULL;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			out[o++] = (char)c;
		else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

void
pdc_util_err_prefix(struct pdc_err *err, const char *prefix)
{
	char tmp[sizeof(err->msg)];

	if (err == NULL)
		return;
	memcpy(tmp, err->msg, sizeof(tmp));
	tmp[sizeof(tmp) - 1] = '\0';
	if (snprintf(err->msg, sizeof(err->msg), "%s%s", prefix, tmp) >= (int)sizeof(err->msg))
		err->msg[sizeof(err->msg) - 1] = '\0';	/* a long URL: the start says enough */
}

int
pdc_util_get(struct pdc_source_ctx *ctx, const char *source, const char *base,
    const char *path, const char *key, const char *const *hdrs, struct pdc_response *res,
    struct pdc_err *err)
{
	char *url, prefix[32];
	int rc;

	memset(res, 0, sizeof(*res));
	if (base == NULL || *base == '\0')
		return pdc_err_set(err, PDC_E_CONFIG, "%s: sources.%s.base_url is not set", source, source);
	if ((url = pdc_util_url(base, path)) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "%s: out of memory", source);
	rc = pdc_fetch(ctx, source, key, url, hdrs, res, err);
	free(url);
	if (rc == -1) {
		snprintf(prefix, sizeof(prefix), "%s: ", source);
		pdc_util_err_prefix(err, prefix);
	}
	return rc;
}

void
pdc_util_mark(const struct pdc_record *rec, struct pdc_util_mark *mark)
{
	mark->nrows = rec->nrows;
	mark->parts = rec->parts;
	mark->sets = rec->sets;
	mark->partial = rec->partial;
}

void
pdc_util_rollback(struct pdc_record *rec, const struct pdc_util_mark *mark)
{
	while (rec->nrows > mark->nrows) {
		struct pdc_row *row = &rec->rows[--rec->nrows];

		for (int i = 0; i < row->table->ncols; i++)
			free(row->vals[i]);
		free(row->vals);
		row->vals = NULL;
	}
	rec->parts = mark->parts;
	rec->sets = mark->sets;
	pdc_record_unmark(rec, rec->partial & ~mark->partial);
}

char *
pdc_util_url(const char *base, const char *path)
{
	size_t blen = strlen(base), n;
	char *url;

	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	n = blen + strlen(path) + 1;
	if ((url = malloc(n)) != NULL)
		snprintf(url, n, "%.*s%s", (int)blen, base, path);
	return url;
}

struct cJSON *
pdc_util_parse_json(const char *body, size_t len)
{
	const char *end = NULL;
	cJSON *root;

	if (body == NULL || len == 0)
		return NULL;
	if ((root = cJSON_ParseWithLengthOpts(body, len, &end, 0)) == NULL)
		return NULL;
	while (end != NULL && end < body + len && pdc_util_is_blank(*end))
		end++;
	if (end != body + len) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}
