/*
 * input.c - reading APNs from a line of input.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "apn.h"
#include "error.h"
#include "input.h"

#define QUOTE_KEEP 40		/* bytes of a value shown in a message */

char *
pdc_input_quote(char *buf, size_t size, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[PDC_INPUT_QUOTEMAX];
	size_t i, n = 0, keep = len < QUOTE_KEEP ? len : QUOTE_KEEP;

	if (size == 0)
		return buf;
	/* Built in TMP, whose size is known to suffice, then cut to SIZE. */
	tmp[n++] = '"';
	for (i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			tmp[n++] = '\\';
			tmp[n++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			tmp[n++] = (char)c;
		} else {
			tmp[n++] = '\\';
			tmp[n++] = 'x';
			tmp[n++] = hex[c >> 4];
			tmp[n++] = hex[c & 0xf];
		}
	}
	tmp[n++] = '"';
	if (keep < len) {
		memcpy(tmp + n, "...", 3);
		n += 3;
	}
	if (n >= size)
		n = size - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return buf;
}

char *
pdc_input_field(char *buf, size_t size, const char *s, size_t len)
{
	const char *tab = memchr(s, '\t', len);
	size_t n = tab != NULL ? (size_t)(tab - s) : len, j = 0;

	for (size_t i = 0; i < n && j + 4 < size; i++)
		buf[j++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[j] = '\0';
	return buf;
}

static int
isblank_c(char c)
{
	return c == ' ' || c == '\t';
}

static int
bad_apn(struct pdc_err *err, const char *s, size_t len)
{
	char q[PDC_INPUT_QUOTEMAX];

	return pdc_err_set(err, PDC_E_INPUT, "bad APN %s",
	    pdc_input_quote(q, sizeof(q), s, len));
}

/*
 * Whether a string in the JSON text at S escapes a NUL ("\u0000"): cJSON
 * would decode it and hand back a C string that ends early, so that
 * "165-28-054\u0000junk" would pass for the APN before it.
 */
static int
json_has_nul(const char *s, size_t len)
{
	size_t i;
	int in_string = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			in_string = !in_string;
		else if (in_string && s[i] == '\\' && i + 1 < len) {
			if (s[i + 1] == 'u' && len - i >= 6 && memcmp(s + i + 2, "0000", 4) == 0)
				return 1;
			i++;	/* the escaped character, '"' and '\\' included */
		}
	}
	return 0;
}

static int
json_apn(const char *line, size_t len, char out[PDC_APN_MAX], struct pdc_err *err)
{
	cJSON *root;
	const cJSON *apn, *c;
	const char *end = NULL;
	int rc, napn = 0;

	if (json_has_nul(line, len))
		return pdc_err_set(err, PDC_E_INPUT, "line contains a NUL byte");
	root = cJSON_ParseWithLengthOpts(line, len, &end, 0);
	if (root == NULL)
		return pdc_err_set(err, PDC_E_INPUT, "not a JSON object");
	/* cJSON stops after the value; anything but blanks after it means the
	 * line was not one JSON value. */
	while (end != NULL && end < line + len && isblank_c(*end))
		end++;
	if (!cJSON_IsObject(root) || end != line + len) {
		cJSON_Delete(root);
		return pdc_err_set(err, PDC_E_INPUT, "not a JSON object");
	}
	apn = cJSON_GetObjectItemCaseSensitive(root, "apn");
	/* cJSON keeps both of {"apn": A, "apn": B}: which one was meant? */
	cJSON_ArrayForEach(c, root)
		napn += c->string != NULL && strcmp(c->string, "apn") == 0;
	if (napn > 1)
		rc = pdc_err_set(err, PDC_E_INPUT, "duplicate \"apn\" key");
	else if (apn == NULL)
		rc = pdc_err_set(err, PDC_E_INPUT, "no \"apn\" key");
	else if (!cJSON_IsString(apn) || apn->valuestring == NULL)
		rc = pdc_err_set(err, PDC_E_INPUT, "\"apn\" is not a string");
	else if (pdc_apn_parse(apn->valuestring, strlen(apn->valuestring), out) == -1)
		rc = bad_apn(err, apn->valuestring, strlen(apn->valuestring));
	else
		rc = 1;
	cJSON_Delete(root);
	return rc;
}

int
pdc_input_apn(const char *line, size_t len, char out[PDC_APN_MAX], struct pdc_err *err)
{
	const char *p, *q, *end, *tab;

	out[0] = '\0';
	if (len > PDC_INPUT_MAXLINE)
		return pdc_err_set(err, PDC_E_INPUT, "line too long");
	if (memchr(line, '\0', len) != NULL)
		return pdc_err_set(err, PDC_E_INPUT, "line contains a NUL byte");

	p = line;
	end = line + len;
	/* Files written on Windows: a CR before the newline, a BOM up front. */
	if (end > p && end[-1] == '\r')
		end--;
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (q = p; q < end && isblank_c(*q); q++)
		;
	if (q == end || *q == '#')
		return 0;

	if (*q == '{' || *q == '[') {
		while (end > q && isblank_c(end[-1]))
			end--;
		return json_apn(q, (size_t)(end - q), out, err);
	}

	/* The first field is cut before blanks are trimmed: "\tSMITH" has an
	 * empty APN, not the APN "SMITH". */
	if ((tab = memchr(p, '\t', (size_t)(end - p))) != NULL)
		end = tab;
	while (p < end && isblank_c(*p))
		p++;
	while (end > p && isblank_c(end[-1]))
		end--;
	if (pdc_apn_parse(p, (size_t)(end - p), out) == -1)
		return bad_apn(err, p, (size_t)(end - p));
	return 1;
}

void
pdc_input_init(struct pdc_input *in, int argc, char *const argv[], FILE *fp)
{
	memset(in, 0, sizeof(*in));
	in->argc = argc;
	in->argv = argv;
	in->fp = fp;
}

int
pdc_input_next(struct pdc_input *in, const char **s, size_t *len)
{
	ssize_t n;

	if (in->argc > 0) {
		if (in->i == in->argc)
			return 0;
		*s = in->argv[in->i++];
		*len = strlen(*s);
		snprintf(in->where, sizeof(in->where), "argument %d", in->i);
		return 1;
	}
	if ((n = getline(&in->line, &in->cap, in->fp)) == -1)
		return ferror(in->fp) ? -1 : 0;
	if (n > 0 && in->line[n - 1] == '\n')
		n--;
	*s = in->line;
	*len = (size_t)n;
	snprintf(in->where, sizeof(in->where), "line %ld", ++in->lineno);
	return 1;
}

void
pdc_input_release(struct pdc_input *in)
{
	free(in->line);
	in->line = NULL;
	in->cap = 0;
}
