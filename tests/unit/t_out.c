/*
 * t_out.c - the row writer: TSV escaping and header, JSON Lines with types and
 * nulls, the table's alignment (by characters, not bytes) across flushes.
 */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "unit.h"

static const struct pdc_out_col cols[] = {
	{ "apn", PDC_OUT_STR, 0 }, { "n", PDC_OUT_NUM, 0 }, { "status", PDC_OUT_STATE, 0 },
	{ "note", PDC_OUT_STR, 6 }
};

/* Write ROWS (4 cells each) in FMT and return what came out (malloc'd). */
static char *
render(enum pdc_outfmt fmt, bool header, const char *const (*rows)[4], size_t nrows, size_t flush_after)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct pdc_out *o = pdc_out_new(fp, fmt, header, cols, 4);

	for (size_t i = 0; i < nrows; i++) {
		pdc_out_row(o, rows[i]);
		if (i + 1 == flush_after)
			pdc_out_flush(o);
	}
	pdc_out_free(o);
	fclose(fp);
	return buf;
}

int
main(void)
{
	static const char *const rows[][4] = {
		{ "100-00-001", "3", "complete", "a\tb\nc\\d" },
		{ "100-00-002", NULL, "failed", NULL },
		{ "100-00-003", "12.5", "pending", "CAFÉ MAÑANA" },
	};
	char *s;

	s = render(PDC_OUT_TSV, false, rows, 3, 0);
	is_str(s, "100-00-001\t3\tcomplete\ta\\tb\\nc\\\\d\n"
	    "100-00-002\t\tfailed\t\n"
	    "100-00-003\t12.5\tpending\tCAFÉ MAÑANA\n", "TSV: no header, escapes, NULL empty, no cut");
	free(s);

	s = render(PDC_OUT_TSV, true, rows, 1, 0);
	is_str(s, "apn\tn\tstatus\tnote\n100-00-001\t3\tcomplete\ta\\tb\\nc\\\\d\n", "TSV --header: names first");
	free(s);

	s = render(PDC_OUT_TSV, true, rows, 0, 0);
	is_str(s, "apn\tn\tstatus\tnote\n", "TSV --header with no rows still prints the header");
	free(s);

	s = render(PDC_OUT_JSON, true, rows, 3, 0);
	is_str(s, "{\"apn\":\"100-00-001\",\"n\":3,\"status\":\"complete\",\"note\":\"a\\tb\\nc\\\\d\"}\n"
	    "{\"apn\":\"100-00-002\",\"n\":null,\"status\":\"failed\",\"note\":null}\n"
	    "{\"apn\":\"100-00-003\",\"n\":12.5,\"status\":\"pending\",\"note\":\"CAFÉ MAÑANA\"}\n",
	    "JSON Lines: numbers, nulls, escapes, no header");
	free(s);

	/* Not a terminal: a table without colour; the note column is cut at 6 characters. */
	s = render(PDC_OUT_TABLE, false, rows, 3, 0);
	is_str(s, "APN            N  STATUS    NOTE\n"
	    "100-00-001     3  complete  a b c\\\n"
	    "100-00-002     -  failed    -\n"
	    "100-00-003  12.5  pending   CAFÉ M\n", "table: header, aligned, numbers right, cut by characters");
	free(s);

	/* Flushed after the first row: the later, wider rows widen the columns, never narrow them. */
	s = render(PDC_OUT_TABLE, false, rows, 3, 1);
	is_str(s, "APN         N  STATUS    NOTE\n"
	    "100-00-001  3  complete  a b c\\\n"
	    "100-00-002     -  failed    -\n"
	    "100-00-003  12.5  pending   CAFÉ M\n", "table: each flush aligned, header once");
	free(s);

	s = render(PDC_OUT_TABLE, false, rows, 0, 0);
	is_str(s, "", "table with no rows prints nothing, not even the header");
	free(s);

	is_str(pdc_out_state_color("failed"), "31", "failed is red");
	is_str(pdc_out_state_color("complete"), "32", "complete is green");
	ok(pdc_out_state_color("none") == NULL, "none is plain");
	return unit_done();
}
