/*
 * unit.h - a very small TAP producer for the C unit tests.
 *
 *   int main(void) { ok(1 + 1 == 2, "addition"); is_str(a, b, "name"); return unit_done(); }
 *
 * Each check prints "ok N - name" or "not ok N - name" (with what differed on
 * a "#" line); unit_done() prints the plan and returns the exit status.
 * slurp() and fixture() read the recorded bodies the parsers are tested on.
 */
#ifndef PDC_UNIT_H
#define PDC_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_n, unit_failed;

static inline int
unit_ok(int cond, const char *file, int line, const char *name)
{
	unit_n++;
	if (cond) {
		printf("ok %d - %s\n", unit_n, name);
	} else {
		unit_failed++;
		printf("not ok %d - %s\n# at %s:%d\n", unit_n, name, file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, name) unit_ok(!!(cond), __FILE__, __LINE__, (name))

#define is_str(got, want, name) do { \
	const char *g_ = (got), *w_ = (want); \
	int c_ = (g_ == NULL && w_ == NULL) || (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0); \
	if (!unit_ok(c_, __FILE__, __LINE__, (name))) \
		printf("#   got: %s%s%s\n#  want: %s%s%s\n", g_ ? "\"" : "", g_ ? g_ : "NULL", g_ ? "\"" : "", \
		    w_ ? "\"" : "", w_ ? w_ : "NULL", w_ ? "\"" : ""); \
} while (0)

#define is_int(got, want, name) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!unit_ok(g_ == w_, __FILE__, __LINE__, (name))) \
		printf("#   got: %lld\n#  want: %lld\n", g_, w_); \
} while (0)

/*
 * The bytes of the file at PATH, NUL-terminated, their number in *LEN; NULL
 * (and 0) when it cannot be read.  The caller frees them.
 */
static inline char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	*len = 0;
	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, fp);
		buf[*len] = '\0';
	}
	fclose(fp);
	return buf;
}

/*
 * tests/fixtures/NAME, or a bail-out: a test of a parser means nothing
 * without the bodies it reads.  The tests run from the repository's root.
 */
static inline char *
fixture(const char *name, size_t *len)
{
	char path[256];
	char *body;

	snprintf(path, sizeof(path), "tests/fixtures/%s", name);
	if ((body = slurp(path, len)) == NULL) {
		printf("Bail out! cannot read %s (run from the repository root)\n", path);
		exit(1);
	}
	return body;
}

static inline int
unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed ? 1 : 0;
}

#endif
