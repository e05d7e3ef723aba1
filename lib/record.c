#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "schema.h"

void
pdc_record_init(struct pdc_record *rec, const char *apn)
{
	memset(rec, 0, sizeof(*rec));
	if (apn != NULL)
		strlcpy(rec->apn, apn, sizeof(rec->apn));
}

static void
row_release(struct pdc_row *row)
{
	if (row->vals == NULL)
		return;
	for (int i = 0; i < row->table->ncols; i++)
		free(row->vals[i]);
	free(row->vals);
	row->vals = NULL;
}

void
pdc_record_release(struct pdc_record *rec)
{
	for (size_t i = 0; i < rec->nrows; i++)
		row_release(&rec->rows[i]);
	free(rec->rows);
	rec->rows = NULL;
	rec->nrows = rec->cap = 0;
	rec->parts = rec->sets = 0;
	pdc_record_unmark(rec, ~0u);
}

/* The bit index of PART, or -1 when PART is not one known part bit. */
static int
part_index(unsigned part)
{
	for (int i = 0; i < PDC_NPARTS; i++)
		if (part == (1u << i))
			return i;
	return -1;
}

int
pdc_record_partial(struct pdc_record *rec, unsigned part, const char *fmt, ...)
{
	int i = part_index(part), n;
	size_t had, len;
	char *why;
	va_list ap;

	if (i < 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	had = rec->why[i] != NULL ? strlen(rec->why[i]) + 2 : 0;
	len = had + (size_t)n + 1;
	if ((why = realloc(rec->why[i], len)) == NULL)
		return -1;
	if (had > 0)
		memcpy(why + had - 2, "; ", 2);
	va_start(ap, fmt);
	vsnprintf(why + had, len - had, fmt, ap);
	va_end(ap);
	rec->why[i] = why;
	rec->partial |= part;
	return 0;
}

const char *
pdc_record_why(const struct pdc_record *rec, unsigned part)
{
	int i = part_index(part);

	if (i < 0 || !(rec->partial & part) || !(rec->parts & part))
		return NULL;
	return rec->why[i];
}

void
pdc_record_unmark(struct pdc_record *rec, unsigned parts)
{
	for (int i = 0; i < PDC_NPARTS; i++) {
		if (!(parts & (1u << i)))
			continue;
		free(rec->why[i]);
		rec->why[i] = NULL;
	}
	rec->partial &= ~parts;
}

int
pdc_record_take_partial(struct pdc_record *dst, struct pdc_record *src)
{
	for (int i = 0; i < PDC_NPARTS; i++) {
		unsigned bit = 1u << i;

		if (!(src->partial & bit) || src->why[i] == NULL)
			continue;
		if (pdc_record_partial(dst, bit, "%s", src->why[i]) == -1)
			return -1;
	}
	pdc_record_unmark(src, ~0u);
	return 0;
}

void
pdc_record_truncate(struct pdc_record *rec, size_t nrows)
{
	while (rec->nrows > nrows)
		row_release(&rec->rows[--rec->nrows]);
}

void
pdc_record_carry(struct pdc_record *rec, const struct pdc_table *table)
{
	int i = pdc_schema_index(table);

	/* a table outside the schema has no bit; the store would not know it */
	if (i >= 0)
		rec->sets |= 1u << i;
}

/*
 * The returned row lives in rec->rows, which moves when it grows: fill it
 * before adding the next one.
 */
struct pdc_row *
pdc_record_add(struct pdc_record *rec, const struct pdc_table *table)
{
	struct pdc_row *row;
	char **vals;

	if (rec->nrows == rec->cap) {
		size_t ncap = rec->cap ? rec->cap * 2 : 8;
		struct pdc_row *nrows;

		nrows = reallocarray(rec->rows, ncap, sizeof(*nrows));
		if (nrows == NULL)
			return NULL;
		rec->rows = nrows;
		rec->cap = ncap;
	}
	vals = calloc((size_t)table->ncols, sizeof(*vals));
	if (vals == NULL)
		return NULL;
	if ((vals[0] = strdup(rec->apn)) == NULL) {
		free(vals);
		return NULL;
	}
	row = &rec->rows[rec->nrows++];
	row->table = table;
	row->vals = vals;
	pdc_record_carry(rec, table);
	return row;
}

int
pdc_table_col(const struct pdc_table *table, const char *name)
{
	for (int i = 0; i < table->ncols; i++)
		if (strcmp(table->cols[i].name, name) == 0)
			return i;
	return -1;
}

int
pdc_row_set(struct pdc_row *row, const char *name, const char *val)
{
	int i = pdc_table_col(row->table, name);
	char *copy = NULL;

	if (i < 0)
		return -1;
	if (val != NULL && (copy = strdup(val)) == NULL)
		return -1;
	free(row->vals[i]);
	row->vals[i] = copy;
	return 0;
}

const char *
pdc_row_get(const struct pdc_row *row, const char *name)
{
	int i = pdc_table_col(row->table, name);

	return i < 0 ? NULL : row->vals[i];
}

const struct pdc_row *
pdc_record_find(const struct pdc_record *rec, const struct pdc_table *table)
{
	for (size_t i = 0; i < rec->nrows; i++)
		if (rec->rows[i].table == table)
			return &rec->rows[i];
	return NULL;
}
