/*
 * out.h - rows on standard output, the same way in every program: an aligned
 * table with a header on a terminal (state words in colour unless NO_COLOR),
 * tab-separated values without a header in a pipe (--header adds one), JSON
 * Lines with --json.
 *
 * TSV cells escape what would break a line or a column the way PostgreSQL's
 * COPY text format does: a tab as \t, a newline as \n, a carriage return as
 * \r, a backslash as \\.  A NULL cell is empty in TSV, "-" in the table and
 * null in JSON.
 */
#ifndef PDC_OUT_H
#define PDC_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"

enum pdc_out_kind {
	PDC_OUT_STR,		/* a JSON string */
	PDC_OUT_NUM,		/* a JSON number when the cell reads as one */
	PDC_OUT_STATE		/* a JSON string, coloured on a terminal by pdc_out_state_color */
};

struct pdc_out_col {
	const char *name;	/* JSON key and TSV header; upper-cased for the table */
	enum pdc_out_kind kind;
	int maxwidth;		/* table only: longer cells are cut (0: never) */
};

struct pdc_out;

/*
 * A writer of rows with NCOLS columns COLS (kept by pointer: static data) to
 * FP in FMT.  HEADER asks for a header line in TSV, printed at once (the
 * table has one before its first row, JSON never).  Colour is decided here: a table, FP a terminal, NO_COLOR unset
 * or empty.  Returns NULL when out of memory.
 */
struct pdc_out *pdc_out_new(FILE *fp, enum pdc_outfmt fmt, bool header,
    const struct pdc_out_col *cols, size_t ncols);

/*
 * One row of NCOLS cells (copied; NULL for a missing value).  TSV and JSON go
 * out at once; a table is held until pdc_out_flush so that its columns line
 * up.  Returns 0, or -1 when out of memory.
 */
int pdc_out_row(struct pdc_out *o, const char *const *cells);

/*
 * Print the rows held for the table, aligned, with the header before the
 * first ones.  Columns never narrow from one flush to the next, so a program
 * that flushes after each batch keeps its rows in line.  Then fflush(3)s.
 */
void pdc_out_flush(struct pdc_out *o);

/* Flush and free O (NULL is fine). */
void pdc_out_free(struct pdc_out *o);

/*
 * The SGR colour for a state or outcome word ("complete", "failed",
 * "pending", "queued", ...), or NULL for a word left plain.
 */
const char *pdc_out_state_color(const char *word);

#endif
