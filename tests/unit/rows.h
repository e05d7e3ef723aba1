/*
 * rows.h - the rows a source's parser put in a record, against what the
 * test expects of them, column by column (include after unit.h):
 *
 *	static const struct expect want[] = { { "apn", "165-28-054" }, { "lot", NULL } };
 *	CHECK(nth(&rec, &pdc_tbl_properties, 0), want, "the parcel");
 *
 * An expectation must name every column of the row's table, so a column
 * added to the schema is a failure here until a test says what it holds.
 */
#ifndef PDC_TEST_ROWS_H
#define PDC_TEST_ROWS_H

#include <stdio.h>

#include "record.h"
#include "schema.h"

struct expect {
	const char *col;
	const char *want;	/* NULL: SQL NULL */
};

/* Check ROW against EXP, which must name every column of the table. */
static inline void
check_row(const struct pdc_row *row, const struct expect *exp, size_t nexp, const char *what)
{
	char name[160];

	if (!ok(row != NULL, what))
		return;
	snprintf(name, sizeof(name), "%s: every column has an expectation", what);
	is_int(nexp, row->table->ncols, name);
	for (size_t i = 0; i < nexp; i++) {
		snprintf(name, sizeof(name), "%s %s", what, exp[i].col);
		ok(pdc_table_col(row->table, exp[i].col) >= 0, name);
		is_str(pdc_row_get(row, exp[i].col), exp[i].want, name);
	}
}

#define CHECK(row, exp, what) check_row((row), (exp), sizeof(exp) / sizeof((exp)[0]), (what))

/* The Nth (from 0) row of REC in table T, or NULL. */
static inline const struct pdc_row *
nth(const struct pdc_record *rec, const struct pdc_table *t, size_t n)
{
	for (size_t i = 0; i < rec->nrows; i++)
		if (rec->rows[i].table == t && n-- == 0)
			return &rec->rows[i];
	return NULL;
}

/* How many rows of table T REC holds. */
static inline size_t
count(const struct pdc_record *rec, const struct pdc_table *t)
{
	size_t n = 0;

	for (size_t i = 0; i < rec->nrows; i++)
		n += rec->rows[i].table == t;
	return n;
}

/* T's bit in a record's set of tables (pdc_schema_index). */
static inline unsigned
bit(const struct pdc_table *t)
{
	return 1u << pdc_schema_index(t);
}

#endif
