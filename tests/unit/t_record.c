/* t_record - rows of typed text and the sets a record carries. */
#include <stdio.h>

#include "record.h"
#include "schema.h"
#include "unit.h"

static void
test_init_release(void)
{
	struct pdc_record rec;

	pdc_record_init(&rec, "165-28-054");
	is_str(rec.apn, "165-28-054", "init copies the APN");
	ok(rec.nrows == 0 && rec.rows == NULL, "init: no rows");
	ok(rec.parts == 0 && rec.sets == 0, "init: no parts, no sets");
	pdc_record_release(&rec);
	ok(rec.nrows == 0 && rec.rows == NULL, "release of an empty record");
	pdc_record_release(&rec);
	ok(1, "release twice is harmless");
}

static void
test_add_set_get(void)
{
	struct pdc_record rec;
	struct pdc_row *row;
	const struct pdc_row *found;

	pdc_record_init(&rec, "112-19-038A");
	ok(pdc_record_find(&rec, &pdc_tbl_properties) == NULL, "find in an empty record");

	row = pdc_record_add(&rec, &pdc_tbl_properties);
	ok(row != NULL, "add a properties row");
	ok(row->table == &pdc_tbl_properties, "the row names its table");
	is_str(row->vals[0], "112-19-038A", "column 0 is the APN");
	is_str(pdc_row_get(row, "apn"), "112-19-038A", "get apn by name");
	ok(pdc_row_get(row, "owner_name") == NULL, "new columns are NULL");
	for (int i = 1; i < pdc_tbl_properties.ncols; i++)
		if (row->vals[i] != NULL)
			ok(0, "every other column starts NULL");

	is_int(pdc_row_set(row, "owner_name", "DOE JANE"), 0, "set owner_name");
	is_str(pdc_row_get(row, "owner_name"), "DOE JANE", "get owner_name");
	is_int(pdc_row_set(row, "owner_name", "ROE RICHARD"), 0, "set it again");
	is_str(pdc_row_get(row, "owner_name"), "ROE RICHARD", "the second value wins");
	is_int(pdc_row_set(row, "owner_name", NULL), 0, "set NULL");
	ok(pdc_row_get(row, "owner_name") == NULL, "NULL reads back as NULL");
	is_int(pdc_row_set(row, "no_such_column", "x"), -1, "set an unknown column fails");
	ok(pdc_row_get(row, "no_such_column") == NULL, "get an unknown column is NULL");

	/* the value is a copy: the caller's buffer may go away */
	{
		char buf[16] = "LOT 12";

		pdc_row_set(row, "lot", buf);
		snprintf(buf, sizeof(buf), "xxxx");
		is_str(pdc_row_get(row, "lot"), "LOT 12", "set copies the value");
	}

	is_int(pdc_table_col(&pdc_tbl_properties, "apn"), 0, "table_col apn");
	is_int(pdc_table_col(&pdc_tbl_properties, "mcr"), 1, "table_col mcr");
	is_int(pdc_table_col(&pdc_tbl_valuations, "tax_year"), 1, "table_col tax_year");
	is_int(pdc_table_col(&pdc_tbl_properties, "nope"), -1, "table_col unknown");

	/* enough rows to make the array move a few times */
	for (int y = 2000; y < 2040; y++) {
		char year[16];

		snprintf(year, sizeof(year), "%d", y);
		row = pdc_record_add(&rec, &pdc_tbl_valuations);
		if (row == NULL || pdc_row_set(row, "tax_year", year) == -1)
			ok(0, "add valuations rows");
	}
	is_int(rec.nrows, 41, "41 rows");
	found = pdc_record_find(&rec, &pdc_tbl_properties);
	ok(found == &rec.rows[0], "find the properties row");
	is_str(pdc_row_get(found, "lot"), "LOT 12", "values survive the array growing");
	found = pdc_record_find(&rec, &pdc_tbl_valuations);
	ok(found == &rec.rows[1], "find gives the first valuations row");
	is_str(pdc_row_get(found, "tax_year"), "2000", "first valuations row's year");
	is_str(pdc_row_get(&rec.rows[40], "tax_year"), "2039", "last valuations row's year");
	is_str(pdc_row_get(&rec.rows[40], "apn"), "112-19-038A", "every row gets the APN");
	ok(pdc_record_find(&rec, &pdc_tbl_tax_bills) == NULL, "find a table with no rows");

	pdc_record_release(&rec);
	ok(rec.nrows == 0 && rec.rows == NULL && rec.sets == 0, "release empties the record");

	/* a released record can be used again */
	pdc_record_init(&rec, "304-78-386");
	row = pdc_record_add(&rec, &pdc_tbl_residential);
	ok(row != NULL, "add after release and init");
	is_str(pdc_row_get(row, "apn"), "304-78-386", "the new APN");
	pdc_record_release(&rec);
}

static void
test_carry(void)
{
	struct pdc_record rec;
	unsigned vbit = 1u << pdc_schema_index(&pdc_tbl_valuations);
	unsigned sbit = 1u << pdc_schema_index(&pdc_tbl_sales);
	unsigned pbit = 1u << pdc_schema_index(&pdc_tbl_properties);
	static const struct pdc_table stray = { .name = "stray", .kind = PDC_TABLE_MANY };

	pdc_record_init(&rec, "165-28-054");
	pdc_record_carry(&rec, &pdc_tbl_valuations);
	is_int(rec.sets, vbit, "carry sets the table's bit");
	is_int(rec.nrows, 0, "carry adds no row");
	pdc_record_carry(&rec, &pdc_tbl_valuations);
	is_int(rec.sets, vbit, "carry twice is the same");
	pdc_record_add(&rec, &pdc_tbl_sales);
	is_int(rec.sets, vbit | sbit, "add carries its table too");
	pdc_record_add(&rec, &pdc_tbl_properties);
	is_int(rec.sets, vbit | sbit | pbit, "add of a one-row table sets its bit");
	pdc_record_carry(&rec, &stray);
	is_int(rec.sets, vbit | sbit | pbit, "a table outside the schema has no bit");
	pdc_record_release(&rec);
	is_int(rec.sets, 0, "release clears the sets");
}

static void
test_partial(void)
{
	struct pdc_record rec, other;

	pdc_record_init(&rec, "165-28-054");
	is_int(pdc_record_partial(&rec, PDC_PART_TAX | PDC_PART_SALES, "two parts"), -1,
	    "partial takes one part bit");
	is_int(pdc_record_partial(&rec, 1u << PDC_NPARTS, "no such part"), -1,
	    "partial refuses a bit past the parts");
	is_int(pdc_record_partial(&rec, PDC_PART_TAX, "tax: %s not found", "pnlOpen"), 0,
	    "partial marks a part");
	is_str(pdc_record_why(&rec, PDC_PART_TAX), NULL,
	    "a part that did not come is not partial");
	rec.parts |= PDC_PART_TAX;
	is_str(pdc_record_why(&rec, PDC_PART_TAX), "tax: pnlOpen not found", "the reason");
	is_int(pdc_record_partial(&rec, PDC_PART_TAX, "tax: lblHalfTax not found"), 0,
	    "a second reason");
	is_str(pdc_record_why(&rec, PDC_PART_TAX),
	    "tax: pnlOpen not found; tax: lblHalfTax not found", "reasons joined");
	is_str(pdc_record_why(&rec, PDC_PART_SALES), NULL, "another part is not partial");

	pdc_record_init(&other, "165-28-054");
	other.parts = PDC_PART_SALES;
	is_int(pdc_record_partial(&other, PDC_PART_SALES, "more than 501 documents under X"), 0,
	    "partial in another record");
	rec.parts |= PDC_PART_SALES;
	is_int(pdc_record_take_partial(&rec, &other), 0, "take the other's marks");
	is_str(pdc_record_why(&rec, PDC_PART_SALES), "more than 501 documents under X",
	    "the taken reason");
	is_int(other.partial, 0, "the other has none left");
	pdc_record_release(&other);

	pdc_record_unmark(&rec, PDC_PART_TAX);
	is_str(pdc_record_why(&rec, PDC_PART_TAX), NULL, "unmark drops the mark");
	is_str(pdc_record_why(&rec, PDC_PART_SALES), "more than 501 documents under X",
	    "unmark leaves the others");
	pdc_record_release(&rec);
	is_int(rec.partial, 0, "release drops the marks");
}

int
main(void)
{
	test_init_release();
	test_add_set_get();
	test_carry();
	test_partial();
	return unit_done();
}
