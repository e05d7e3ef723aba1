/*
 * buf.c - growable buffers and a JSON writer for countyd's responses.
 *
 * Responses are written member by member with a trailing comma each; closing
 * a container takes the last comma back.  That keeps the renderers a flat list
 * of members in the county's key order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "countyd.h"

void
cd_buf_init(struct cd_buf *b, size_t hint)
{
	if (hint < 64)
		hint = 64;
	b->len = 0;
	b->oom = 0;
	b->p = malloc(hint);
	b->cap = b->p != NULL ? hint : 0;
	if (b->p == NULL)
		b->oom = 1;
	else
		b->p[0] = '\0';
}

void
cd_buf_release(struct cd_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

char *
cd_buf_detach(struct cd_buf *b, size_t *len)
{
	char *p = b->p;

	if (b->oom) {
		cd_buf_release(b);
		return NULL;
	}
	if (len != NULL)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

/* Make room for N more bytes and the NUL; 0 or -1. */
static int
grow(struct cd_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return -1;
	if (b->len + n + 1 <= b->cap)
		return 0;
	cap = b->cap;
	while (cap < b->len + n + 1)
		cap = cap < 4096 ? 4096 : cap * 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void
cd_buf_put(struct cd_buf *b, const char *s, size_t n)
{
	if (grow(b, n) == -1)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
cd_buf_puts(struct cd_buf *b, const char *s)
{
	cd_buf_put(b, s, strlen(s));
}

void
cd_buf_putc(struct cd_buf *b, char c)
{
	if (grow(b, 1) == -1)
		return;
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

static void vprintf_buf(struct cd_buf *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
vprintf_buf(struct cd_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(b->p != NULL ? b->p + b->len : NULL,
	    b->cap > b->len ? b->cap - b->len : 0, fmt, ap);
	if (n < 0) {
		b->oom = 1;
	} else if (b->len + (size_t)n < b->cap) {
		b->len += (size_t)n;
	} else if (grow(b, (size_t)n) == 0) {
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap2);
		b->len += (size_t)n;
	}
	va_end(ap2);
}

void
cd_buf_printf(struct cd_buf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->oom)
		return;
	va_start(ap, fmt);
	vprintf_buf(b, fmt, ap);
	va_end(ap);
}

static void
key(struct cd_buf *b, const char *k)
{
	if (k == NULL)
		return;
	cd_buf_putc(b, '"');
	cd_buf_puts(b, k);	/* keys are ours: nothing to escape */
	cd_buf_put(b, "\":", 2);
}

static void
quote(struct cd_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;
	char esc[7];

	cd_buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		cd_buf_put(b, run, (size_t)(s - run));
		run = s + 1;
		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			cd_buf_put(b, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 15];
			cd_buf_put(b, esc, 6);
		}
	}
	cd_buf_put(b, run, (size_t)(s - run));
	cd_buf_putc(b, '"');
}

void
cd_json_str(struct cd_buf *b, const char *k, const char *s)
{
	key(b, k);
	if (s == NULL)
		cd_buf_put(b, "null", 4);
	else
		quote(b, s);
	cd_buf_putc(b, ',');
}

void
cd_json_strf(struct cd_buf *b, const char *k, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	/* callers format short values; a cut one would still be valid JSON */
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	cd_json_str(b, k, tmp);
}

void
cd_json_int(struct cd_buf *b, const char *k, long v)
{
	key(b, k);
	cd_buf_printf(b, "%ld,", v);
}

void
cd_json_bool(struct cd_buf *b, const char *k, int v)
{
	key(b, k);
	if (v)
		cd_buf_put(b, "true,", 5);
	else
		cd_buf_put(b, "false,", 6);
}

void
cd_json_null(struct cd_buf *b, const char *k)
{
	key(b, k);
	cd_buf_put(b, "null,", 5);
}

void
cd_json_raw(struct cd_buf *b, const char *k, const char *raw)
{
	key(b, k);
	cd_buf_puts(b, raw);
	cd_buf_putc(b, ',');
}

void
cd_json_open(struct cd_buf *b, const char *k, char bracket)
{
	key(b, k);
	cd_buf_putc(b, bracket);
}

void
cd_json_close(struct cd_buf *b, char bracket)
{
	if (!b->oom && b->len > 0 && b->p[b->len - 1] == ',')
		b->p[b->len - 1] = bracket;
	else
		cd_buf_putc(b, bracket);
	cd_buf_putc(b, ',');
}

void
cd_json_end(struct cd_buf *b)
{
	if (!b->oom && b->len > 0 && b->p[b->len - 1] == ',')
		b->p[--b->len] = '\0';
}

void
cd_copy(char *dst, size_t sz, const char *src)
{
	size_t n = strlen(src);

	if (sz == 0)
		return;
	if (n >= sz)
		n = sz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
cd_buf_base64(struct cd_buf *b, const unsigned char *p, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	char *o;

	if (grow(b, (n + 2) / 3 * 4) == -1)
		return;
	o = b->p + b->len;
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = tab[(v >> 6) & 63];
		*o++ = tab[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	b->len = (size_t)(o - b->p);
	b->p[b->len] = '\0';
}
