/*
 * t_export.c - CSV fields as RFC 4180 writes them, and the columns' names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "unit.h"

static const struct {
	const char *in, *out, *why;
} fields[] = {
	{ "SMITH JOHN", "SMITH JOHN", "plain text as it is" },
	{ "", "", "an empty value: an empty field" },
	{ "3087.26", "3087.26", "a number as it is" },
	{ "SMITH, JOHN", "\"SMITH, JOHN\"", "a comma: quoted" },
	{ "O\"BRIEN", "\"O\"\"BRIEN\"", "a double quote: doubled, quoted" },
	{ "\"", "\"\"\"\"", "a lone double quote" },
	{ "UNIT 4\nBLDG 2", "\"UNIT 4\nBLDG 2\"", "a line feed: quoted, kept" },
	{ "A\r\nB", "\"A\r\nB\"", "a CRLF: quoted, kept" },
	{ "A\rB", "\"A\rB\"", "a carriage return: quoted" },
	{ " C/O", "\" C/O\"", "a leading blank: quoted, so no reader trims it" },
	{ "C/O ", "\"C/O \"", "a trailing blank: quoted" },
	{ "A B", "A B", "a blank inside: as it is" },
	{ "=1+1", "=1+1", "a formula-like value is written as it is (the man page says so)" },
	{ "SM\xc3\x8fTH", "SM\xc3\x8fTH", "UTF-8 as it is" },
};

/* What pdc_export_csv_field writes for S, in a malloc'd string. */
static char *
field(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		return NULL;
	if (pdc_export_csv_field(fp, s) == -1) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	return buf;
}

int
main(void)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char *got = field(fields[i].in);

		is_str(got, fields[i].out, fields[i].why);
		free(got);
	}
	char *got = field(NULL);
	is_str(got, "", "an unknown value (NULL): an empty field, never 0");
	free(got);

	/* The header: names a spreadsheet and a program can use as they are. */
	int plain = 1, unique = 1;
	for (int i = 0; i < PDC_EXPORT_NCOLS; i++) {
		if (strspn(pdc_export_columns[i], "abcdefghijklmnopqrstuvwxyz0123456789_") !=
		    strlen(pdc_export_columns[i]))
			plain = 0;
		for (int j = 0; j < i; j++)
			if (strcmp(pdc_export_columns[i], pdc_export_columns[j]) == 0)
				unique = 0;
	}
	ok(plain, "column names need no quoting");
	ok(unique, "column names are unique");
	is_str(pdc_export_columns[0], "apn", "the first column is the APN");
	is_str(pdc_export_columns[PDC_EXPORT_COL_STATUS], "status", "PDC_EXPORT_COL_STATUS is the status");
	return unit_done();
}
