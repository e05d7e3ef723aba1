/*
 * input.h - reading APNs from a line of input.
 *
 * A line is an APN, the first field of a TSV line (what pdc-search prints), or
 * a JSON object with an "apn" key (what --json prints).  Blank lines and lines
 * whose first non-blank character is '#' are skipped.
 */
#ifndef PDC_INPUT_H
#define PDC_INPUT_H

#include <stddef.h>
#include <stdio.h>

#include "apn.h"
#include "error.h"

/*
 * Look at the LEN bytes of LINE (without its newline).  Returns 1 with the
 * canonical APN in OUT, 0 for a line to skip, or -1 with ERR naming the
 * problem (kind PDC_E_INPUT): `bad APN "165-28-05"`, `not a JSON object`,
 * `no "apn" key`, `duplicate "apn" key`, `line contains a NUL byte`
 * (a NUL byte, or a JSON string escaping one), `line too long`.
 * Lines over PDC_INPUT_MAXLINE bytes are refused without being looked at.
 */
#define PDC_INPUT_MAXLINE 4096
int pdc_input_apn(const char *line, size_t len, char out[PDC_APN_MAX], struct pdc_err *err);

/*
 * Write the LEN bytes at S to BUF (SIZE bytes, always NUL-terminated) as a
 * double-quoted string safe for a terminal or a log line: '"' and '\\' are
 * escaped with a backslash, any byte outside printable ASCII as \xNN, and
 * past the first 40 bytes the value is cut with "..." after the quote.
 * PDC_INPUT_QUOTEMAX bytes always hold the whole result.  Returns BUF.
 */
#define PDC_INPUT_QUOTEMAX 168
char *pdc_input_quote(char *buf, size_t size, const char *s, size_t len);

/*
 * How a refused input shows in a row of output, beside the word "bad": the
 * first field of the LEN bytes at S (up to a tab), any byte outside
 * printable ASCII as '?', cut to fit BUF (SIZE bytes, at least 1, always
 * NUL-terminated) with room to spare.  Returns BUF.
 */
char *pdc_input_field(char *buf, size_t size, const char *s, size_t len);

/*
 * The inputs a program takes APNs from: its arguments, or, when it has
 * none, the lines of a file (standard input), one at a time.
 *
 *	pdc_input_init(&in, argc, argv, stdin);
 *	while ((r = pdc_input_next(&in, &s, &len)) == 1)
 *		... pdc_input_apn(s, len, apn, &why), naming in.where in messages
 *	if (r == -1) ... strerror(errno)
 *	pdc_input_release(&in);
 */
struct pdc_input {
	int argc, i;
	char *const *argv;
	FILE *fp;
	char *line;
	size_t cap;
	long lineno;
	char where[32];		/* "argument 2" or "line 12": the last input's place, for messages */
};

/* Read the ARGC arguments ARGV, or FP's lines when ARGC is 0. */
void pdc_input_init(struct pdc_input *in, int argc, char *const argv[], FILE *fp);

/*
 * The next input into *S and *LEN, without its newline; valid until the
 * next call.  Returns 1, 0 when the inputs ended, or -1 when FP could not
 * be read (errno says why).
 */
int pdc_input_next(struct pdc_input *in, const char **s, size_t *len);

/* Is IN reading arguments (where an empty one is a mistake, not a line to skip)? */
#define pdc_input_args(in) ((in)->argc > 0)

/* Free what IN holds (not the file). */
void pdc_input_release(struct pdc_input *in);

#endif
