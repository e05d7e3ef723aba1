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

#endif
