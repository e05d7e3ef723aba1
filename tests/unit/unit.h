/*
 * unit.h - a very small TAP producer for the C unit tests.
 *
 *   int main(void) { ok(1 + 1 == 2, "addition"); is_str(a, b, "name"); return unit_done(); }
 *
 * Each check prints "ok N - name" or "not ok N - name" (with what differed on
 * a "#" line); unit_done() prints the plan and returns the exit status.
 */
#ifndef PDC_UNIT_H
#define PDC_UNIT_H

#include <stdio.h>
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

static inline int
unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed ? 1 : 0;
}

#endif
