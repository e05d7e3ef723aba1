/*
 * fuzz.h - what the libFuzzer harnesses in tests/fuzz share.
 *
 * An input is a head line and a body: the bytes up to the first newline say
 * what the program would pass beside the body (an APN, a recording number, a
 * path to check), the rest is what the county or the user sent.  An input
 * without a newline is all head and no body.  Harnesses check what the
 * parsers promise with fuzz_assert, which aborts, so that libFuzzer keeps the
 * input as a crash.
 */
#ifndef PDC_FUZZ_H
#define PDC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "record.h"
#include "sources/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define fuzz_assert(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: %s does not hold\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

struct fuzz_input {
	const char *head, *body;
	size_t headlen, bodylen;
};

static inline void
fuzz_split(const uint8_t *data, size_t size, struct fuzz_input *in)
{
	const char *s = (const char *)data, *nl = size > 0 ? memchr(s, '\n', size) : NULL;

	in->head = s;
	in->headlen = nl != NULL ? (size_t)(nl - s) : size;
	in->body = nl != NULL ? nl + 1 : s + size;
	in->bodylen = nl != NULL ? size - in->headlen - 1 : 0;
}

/* The N bytes at S as a malloc'd NUL-terminated string (cut at a NUL inside). */
static inline char *
fuzz_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		abort();
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * The body in a malloc'd buffer of exactly LEN bytes, with no NUL after it:
 * a response body from the network is a pointer and a length, and ASan then
 * catches a parser that reads past it.
 */
static inline char *
fuzz_body(const struct fuzz_input *in)
{
	char *p = malloc(in->bodylen > 0 ? in->bodylen : 1);

	if (p == NULL)
		abort();
	if (in->bodylen > 0)
		memcpy(p, in->body, in->bodylen);
	return p;
}

/* A failure says what kind it is and why, in text a log or the database takes. */
static inline void
fuzz_check_err(const struct pdc_err *err)
{
	size_t n = strnlen(err->msg, sizeof(err->msg));

	fuzz_assert(err->kind != PDC_OK);
	fuzz_assert(n > 0 && n < sizeof(err->msg));
	fuzz_assert(pdc_util_utf8_valid(err->msg, n));
}

static inline int
fuzz_digits(const char *s)
{
	const char *p = s;

	while (*p >= '0' && *p <= '9')
		p++;
	return p > s ? (int)(p - s) : -1;
}

/* Each value as PostgreSQL would read it into its column (see record.h). */
static inline void
fuzz_check_value(const char *v, enum pdc_coltype type)
{
	const char *p = v;
	cJSON *j;
	int n;

	fuzz_assert(pdc_util_utf8_valid(v, strlen(v)));
	switch (type) {
	case PDC_COL_TEXT:
		break;
	case PDC_COL_INT:
	case PDC_COL_NUM:
		if (*p == '-')
			p++;
		fuzz_assert((n = fuzz_digits(p)) > 0);
		p += n;
		if (type == PDC_COL_NUM && *p == '.') {
			fuzz_assert((n = fuzz_digits(p + 1)) > 0);
			p += 1 + n;
		}
		fuzz_assert(*p == '\0');
		break;
	case PDC_COL_BOOL:
		fuzz_assert(strcmp(v, "t") == 0 || strcmp(v, "f") == 0);
		break;
	case PDC_COL_DATE:
		fuzz_assert(strlen(v) == 10 && fuzz_digits(v) == 4 && v[4] == '-' &&
		    fuzz_digits(v + 5) == 2 && v[7] == '-' && fuzz_digits(v + 8) == 2);
		break;
	case PDC_COL_JSON:
		fuzz_assert((j = cJSON_Parse(v)) != NULL);
		cJSON_Delete(j);
		break;
	}
}

/* Every row of REC belongs to its APN and holds values its columns take. */
static inline void
fuzz_check_record(const struct pdc_record *rec)
{
	for (size_t i = 0; i < rec->nrows; i++) {
		const struct pdc_row *row = &rec->rows[i];

		fuzz_assert(row->table != NULL && row->vals != NULL);
		fuzz_assert(row->vals[0] != NULL && strcmp(row->vals[0], rec->apn) == 0);
		for (int c = 1; c < row->table->ncols; c++)
			if (row->vals[c] != NULL)
				fuzz_check_value(row->vals[c], row->table->cols[c].type);
	}
}

#endif
