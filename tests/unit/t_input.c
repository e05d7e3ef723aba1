/*
 * t_input.c - reading APNs from lines: plain, TSV, JSON, comments, errors.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "input.h"
#include "unit.h"

/* A line, what pdc_input_apn returns, and the APN or the message. */
static const struct {
	const char *line, *want, *why;
	int rc;
} cases[] = {
	{ "165-28-054", "165-28-054", "plain APN", 1 },
	{ "16528054", "165-28-054", "plain bare APN", 1 },
	{ "  112-19-038a  ", "112-19-038A", "plain APN with blanks", 1 },
	{ "165-28-054\r", "165-28-054", "CRLF line", 1 },
	{ "\xef\xbb\xbf" "165-28-054", "165-28-054", "UTF-8 BOM", 1 },
	{ "165-28-054\tSMITH JOHN\t123 MAIN ST", "165-28-054", "TSV first field", 1 },
	{ "165 28 054\tSMITH JOHN", "165-28-054", "TSV first field with spaces", 1 },
	{ "165-28-054\tSMITH\r", "165-28-054", "TSV with CRLF", 1 },
	{ "{\"apn\":\"165-28-054\",\"owner\":\"SMITH\"}", "165-28-054", "JSON line", 1 },
	{ "  { \"owner\": \"X\", \"apn\": \"11219038A\" }  ", "112-19-038A", "JSON line, apn not first", 1 },
	{ "{\"apn\":\"165-28-054\"}\r", "165-28-054", "JSON line with CRLF", 1 },
	{ "", "", "empty line", 0 },
	{ "   \t ", "", "blank line", 0 },
	{ "\r", "", "CR-only line", 0 },
	{ "# parcels from the Smith search", "", "comment", 0 },
	{ "   # indented comment", "", "indented comment", 0 },
	{ "#165-28-054", "", "commented-out APN", 0 },
	{ "165-28-05", "bad APN \"165-28-05\"", "short APN", -1 },
	{ "165-28-05\tSMITH", "bad APN \"165-28-05\"", "short APN in TSV", -1 },
	{ "\tSMITH", "bad APN \"\"", "TSV with an empty first field", -1 },
	{ "SMITH JOHN", "bad APN \"SMITH JOHN\"", "a name", -1 },
	{ "165-28-054 # mine", "bad APN \"165-28-054 # mine\"", "trailing comment is not stripped", -1 },
	{ "{\"apn\":\"165-28-05\"}", "bad APN \"165-28-05\"", "JSON with bad APN", -1 },
	{ "{\"apn\":\"165-28-054\"", "not a JSON object", "truncated JSON", -1 },
	{ "{apn: 165-28-054}", "not a JSON object", "bad JSON", -1 },
	{ "[\"165-28-054\"]", "not a JSON object", "JSON array", -1 },
	{ "{\"apn\":\"165-28-054\"} x", "not a JSON object", "JSON with trailing junk", -1 },
	{ "{\"owner\":\"SMITH\"}", "no \"apn\" key", "JSON without apn", -1 },
	{ "{\"APN\":\"165-28-054\"}", "no \"apn\" key", "JSON key is case-sensitive", -1 },
	{ "{\"apn\":16528054}", "\"apn\" is not a string", "JSON apn as number", -1 },
	{ "{\"apn\":null}", "\"apn\" is not a string", "JSON apn null", -1 },
	{ "165-28-\x1b[31m", "bad APN \"165-28-\\x1b[31m\"", "escape bytes are shown as \\xNN", -1 },
	{ "165\"28", "bad APN \"165\\\"28\"", "a quote is escaped", -1 },
	{ "{\"apn\":\"165-28-054\\u0000junk\"}", "line contains a NUL byte", "JSON escaping a NUL", -1 },
	{ "{\"owner\":\"A\\u0000\",\"apn\":\"165-28-054\"}", "line contains a NUL byte",
	    "a NUL escaped in another key", -1 },
	{ "{\"owner\":\"C:\\\\u0000\",\"apn\":\"165-28-054\"}", "165-28-054",
	    "an escaped backslash before u0000 is no NUL", 1 },
	{ "{\"apn\":\"165-28-054\",\"apn\":\"999-99-999\"}", "duplicate \"apn\" key",
	    "two apn keys", -1 },
};

int
main(void)
{
	char out[PDC_APN_MAX], name[160], *line, q[PDC_INPUT_QUOTEMAX];
	struct pdc_err err;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pdc_err_clear(&err);
		rc = pdc_input_apn(cases[i].line, strlen(cases[i].line), out, &err);
		snprintf(name, sizeof(name), "%s: returns %d", cases[i].why, cases[i].rc);
		is_int(rc, cases[i].rc, name);
		if (cases[i].rc == 1) {
			snprintf(name, sizeof(name), "%s: APN", cases[i].why);
			is_str(out, cases[i].want, name);
		} else if (cases[i].rc == -1) {
			snprintf(name, sizeof(name), "%s: kind input", cases[i].why);
			is_int(err.kind, PDC_E_INPUT, name);
			if (cases[i].want[0] != '\0') {
				snprintf(name, sizeof(name), "%s: message", cases[i].why);
				is_str(err.msg, cases[i].want, name);
			}
			snprintf(name, sizeof(name), "%s: no APN out", cases[i].why);
			is_str(out, "", name);
		} else {
			snprintf(name, sizeof(name), "%s: no APN out", cases[i].why);
			is_str(out, "", name);
		}
	}

	/* The NUL and length checks come before anything else. */
	rc = pdc_input_apn("165-28-054\0junk", 15, out, &err);
	is_int(rc, -1, "NUL inside the line is refused");
	is_str(err.msg, "line contains a NUL byte", "NUL message");
	rc = pdc_input_apn("# comment\0", 10, out, &err);
	is_int(rc, -1, "NUL even in a comment is refused");

	if ((line = malloc(PDC_INPUT_MAXLINE + 1)) == NULL)
		return 1;
	memset(line, ' ', PDC_INPUT_MAXLINE + 1);
	memcpy(line, "165-28-054", 10);
	rc = pdc_input_apn(line, PDC_INPUT_MAXLINE, out, &err);
	is_int(rc, 1, "a line of exactly PDC_INPUT_MAXLINE bytes is read");
	rc = pdc_input_apn(line, PDC_INPUT_MAXLINE + 1, out, &err);
	is_int(rc, -1, "a longer line is refused");
	is_str(err.msg, "line too long", "too-long message");
	line[0] = '#';
	rc = pdc_input_apn(line, PDC_INPUT_MAXLINE + 1, out, &err);
	is_int(rc, -1, "a too-long comment is refused too (not looked at)");

	/* A long bad value is cut in the message, not copied whole. */
	memset(line, '7', 200);
	rc = pdc_input_apn(line, 200, out, &err);
	is_int(rc, -1, "200 digits are a bad APN");
	is_str(err.msg, "bad APN \"7777777777777777777777777777777777777777\"...",
	    "long value is cut at 40 bytes with ...");
	free(line);

	/* pdc_input_quote on its own. */
	is_str(pdc_input_quote(q, sizeof(q), "", 0), "\"\"", "quote: empty");
	is_str(pdc_input_quote(q, sizeof(q), "a\\b", 3), "\"a\\\\b\"", "quote: backslash");
	is_str(pdc_input_quote(q, sizeof(q), "\n\xff", 2), "\"\\x0a\\xff\"", "quote: control and high bytes");
	is_str(pdc_input_quote(q, sizeof(q), "a\0b", 3), "\"a\\x00b\"", "quote: NUL shown");
	is_str(pdc_input_quote(q, 5, "abcdef", 6), "\"abc", "quote: cut to the buffer");
	{
		char all[40];

		memset(all, 0x01, sizeof(all));
		pdc_input_quote(q, sizeof(q), all, sizeof(all));
		is_int(strlen(q), 2 + 40 * 4, "quote: 40 escaped bytes fit");
	}

	/* pdc_input_field: a refused input as its row shows it. */
	is_str(pdc_input_field(q, 64, "165-28-05\tpending", 17), "165-28-05", "field: the first field of a TSV line");
	is_str(pdc_input_field(q, 64, "a\x1b[2Jb", 6), "a?[2Jb", "field: escape codes become ?");
	memset(q, 0, sizeof(q));
	pdc_input_field(q, 64, "7777777777777777777777777777777777777777777777777777777777777777777777", 70);
	is_int(strlen(q), 60, "field: cut short of the buffer");
	is_str(pdc_input_field(q, 1, "abc", 3), "", "field: a one-byte buffer holds the NUL");

	/* pdc_input_next: arguments, or the lines of a file. */
	{
		char *args[] = { "165-28-054", "" };
		struct pdc_input in;
		const char *s;
		size_t len;
		FILE *fp;

		pdc_input_init(&in, 2, args, NULL);
		is_int(pdc_input_next(&in, &s, &len), 1, "next: an argument");
		is_str(s, "165-28-054", "next: the first argument");
		is_str(in.where, "argument 1", "next: the argument's place");
		ok(pdc_input_args(&in), "next: arguments are arguments");
		is_int(pdc_input_next(&in, &s, &len), 1, "next: an empty argument is an input");
		is_int((int)len, 0, "next: of no length");
		is_int(pdc_input_next(&in, &s, &len), 0, "next: the arguments end");
		pdc_input_release(&in);

		fp = tmpfile();
		fputs("165-28-054\n\n# note\nlast", fp);
		rewind(fp);
		pdc_input_init(&in, 0, NULL, fp);
		ok(!pdc_input_args(&in), "next: a file's lines are not arguments");
		is_int(pdc_input_next(&in, &s, &len), 1, "next: a line");
		is_int((int)len, 10, "next: without its newline");
		is_int(pdc_input_next(&in, &s, &len), 1, "next: a blank line is an input (pdc_input_apn skips it)");
		is_int(pdc_input_next(&in, &s, &len), 1, "next: a comment");
		is_int(pdc_input_next(&in, &s, &len), 1, "next: a last line without a newline");
		is_str(s, "last", "next: read whole");
		is_str(in.where, "line 4", "next: the line's number");
		is_int(pdc_input_next(&in, &s, &len), 0, "next: the file ends");
		pdc_input_release(&in);
		fclose(fp);

		/* A directory opens, but does not read. */
		if ((fp = fopen("/", "r")) != NULL) {
			pdc_input_init(&in, 0, NULL, fp);
			is_int(pdc_input_next(&in, &s, &len), -1, "next: a read error is -1");
			pdc_input_release(&in);
			fclose(fp);
		}
	}

	return unit_done();
}
