/*
 * record.h - a property's record as rows of typed text, and the tables they go to.
 *
 * Sources turn county responses into rows; the store writes rows.  Neither
 * knows the other: a row names its table descriptor (schema.h) and carries one
 * value per column, already normalised to PostgreSQL input syntax:
 *   PDC_COL_TEXT  as is, trimmed         PDC_COL_INT   "255234"
 *   PDC_COL_NUM   "0.1500", "1234.56"    PDC_COL_BOOL  "t" / "f"
 *   PDC_COL_DATE  "2018-02-26"           PDC_COL_JSON  a JSON text
 * A NULL value is SQL NULL (the county's null, "na" or an empty string).
 */
#ifndef PDC_RECORD_H
#define PDC_RECORD_H

#include <stddef.h>

#include "apn.h"
#include "error.h"

enum pdc_coltype {
	PDC_COL_TEXT,
	PDC_COL_INT,
	PDC_COL_NUM,
	PDC_COL_BOOL,
	PDC_COL_DATE,
	PDC_COL_JSON
};

struct pdc_column {
	const char *name;
	enum pdc_coltype type;
};

enum pdc_tablekind {
	PDC_TABLE_ONE,		/* one row per APN: upserted */
	PDC_TABLE_MANY		/* a set per APN: the stored set is replaced by the new one */
};

struct pdc_table {
	const char *name;
	enum pdc_tablekind kind;
	const struct pdc_column *cols;	/* cols[0] is always "apn" */
	int ncols;
	int nkey;			/* the first nkey columns form the primary key */
	const char *touch;		/* a column set to now() when the row changes, or NULL */
};

struct pdc_row {
	const struct pdc_table *table;
	char **vals;			/* table->ncols values, owned by the row; NULL is SQL NULL */
};

/* Which parts of a property's record a collection got (bit per part). */
enum pdc_part {
	PDC_PART_BASIC = 1 << 0,	/* basic info, owner, latest deed */
	PDC_PART_VALUATIONS = 1 << 1,
	PDC_PART_RESIDENTIAL = 1 << 2,
	PDC_PART_TAX = 1 << 3,
	PDC_PART_SALES = 1 << 4
};

/* How many parts there are: bits 0 to PDC_NPARTS - 1. */
#define PDC_NPARTS 5

struct pdc_record {
	char apn[PDC_APN_MAX];		/* canonical */
	struct pdc_row *rows;
	size_t nrows, cap;
	unsigned parts;			/* enum pdc_part bits */
	unsigned sets;			/* PDC_TABLE_MANY tables whose set the record carries, bit per schema index */
	unsigned partial;		/* parts that came incomplete (pdc_record_partial) */
	char *why[PDC_NPARTS];		/* why, per part bit index; owned; NULL unless partial */
};

/* Start an empty record for canonical APN. */
void pdc_record_init(struct pdc_record *rec, const char *apn);

/* Free every row and value; REC can be initialised again. */
void pdc_record_release(struct pdc_record *rec);

/*
 * Mark PART (one enum pdc_part bit) of REC partial: the source answered, but
 * without something it should have said, and what it did not say is stored
 * as unknown (NULL).  The reason, formatted from FMT, names what was
 * missing ("tax: pnlOpen not found"); a second call for the same part adds
 * its reason after "; ".  The part's rows are stored as usual; the store
 * writes the part as 'partial' with the reasons when the part is in
 * REC->parts.  Returns 0, or -1 when out of memory or PART is not one bit.
 */
int pdc_record_partial(struct pdc_record *rec, unsigned part, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The reasons PART of REC is partial, or NULL when it is not (or the part
 * did not come: a partial mark counts only for a part in REC->parts).
 */
const char *pdc_record_why(const struct pdc_record *rec, unsigned part);

/* Drop the partial marks of the parts in PARTS. */
void pdc_record_unmark(struct pdc_record *rec, unsigned parts);

/* Move SRC's partial marks into DST (for the parts SRC has); SRC loses them. */
int pdc_record_take_partial(struct pdc_record *dst, struct pdc_record *src);

/*
 * Append a row for TABLE with all values NULL and return it, or NULL when out
 * of memory.  Column 0 is set to the record's APN.  Mark the table's set as
 * carried even when no row follows (an APN with no valuations clears them).
 */
struct pdc_row *pdc_record_add(struct pdc_record *rec, const struct pdc_table *table);

/* Drop the rows after the first NROWS (what a failed source added). */
void pdc_record_truncate(struct pdc_record *rec, size_t nrows);

/* Declare that REC carries TABLE's whole set for the APN (possibly empty). */
void pdc_record_carry(struct pdc_record *rec, const struct pdc_table *table);

/*
 * Set column NAME of ROW to a copy of VAL (NULL for SQL NULL).  Returns 0, or
 * -1 when the column does not exist or memory runs out.
 */
int pdc_row_set(struct pdc_row *row, const char *name, const char *val);

/* The value of column NAME in ROW, NULL when SQL NULL or no such column. */
const char *pdc_row_get(const struct pdc_row *row, const char *name);

/* Index of column NAME in TABLE, or -1. */
int pdc_table_col(const struct pdc_table *table, const char *name);

/* The first row of REC in TABLE, or NULL. */
const struct pdc_row *pdc_record_find(const struct pdc_record *rec, const struct pdc_table *table);

#endif
