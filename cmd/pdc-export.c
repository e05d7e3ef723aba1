/*
 * pdc-export - stored records in bulk: CSV for a spreadsheet, or JSON Lines
 * with each whole record as pdc-show --json prints it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cli.h"
#include "export.h"
#include "input.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: pdc-export [--csv | --json] [--profile NAME] [APN ... | -]\n");
}

struct run {
	enum pdc_export_kind kind;
	long missing;		/* APNs asked for with nothing stored */
};

/* A CSV row, ended CRLF as RFC 4180 has it. */
static int
csv_row(const char *const *cells, int n)
{
	for (int i = 0; i < n; i++)
		if ((i > 0 && putchar(',') == EOF) || pdc_export_csv_field(stdout, cells[i]) == -1)
			return -1;
	return fputs("\r\n", stdout) == EOF ? -1 : 0;
}

static int
print_row(void *arg, const char *const *cells, int n)
{
	struct run *run = arg;

	if (run->kind == PDC_EXPORT_CSV) {
		if (n > PDC_EXPORT_COL_STATUS && cells[PDC_EXPORT_COL_STATUS] != NULL &&
		    strcmp(cells[PDC_EXPORT_COL_STATUS], "missing") == 0)
			run->missing++;
		return csv_row(cells, n) == -1 ? 1 : 0;
	}
	/* One line per record, printed as pdc-show --json prints it. */
	cJSON *r = cJSON_Parse(cells[1]);
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
	char *line = r != NULL ? cJSON_PrintUnformatted(r) : NULL;
	int bad;

	if (cJSON_IsString(st) && strcmp(st->valuestring, "missing") == 0)
		run->missing++;
	bad = puts(line != NULL ? line : cells[1]) == EOF;
	cJSON_free(line);
	cJSON_Delete(r);
	return bad;
}

/*
 * Write the batch of N APNs and empty it.  0, or the exit code when the
 * export must stop (stdout failed, or the library did with ERR).
 */
static int
flush(struct pdc_conn *conn, struct run *run, char (*batch)[PDC_APN_MAX], int *n,
    struct pdc_err *err)
{
	int r = pdc_export_rows(conn, run->kind, batch, *n, print_row, run, err);

	*n = 0;
	if (r == -1)
		return pdc_cli_fail(err);
	/* stdout failed: main's pdc_cli_fshut says so */
	return r != 0 || ferror(stdout) ? PDC_EXIT_FAILED : 0;
}

/* Every stored record, in APN order, a batch at a time. */
static int
export_all(struct pdc_conn *conn, struct run *run, char (*batch)[PDC_APN_MAX], struct pdc_err *err)
{
	char after[PDC_APN_MAX] = "";
	int n, rc;

	for (;;) {
		if ((n = pdc_export_next(conn, after, batch, PDC_EXPORT_BATCH, err)) == -1)
			return pdc_cli_fail(err);
		if (n == 0)
			return 0;
		strlcpy(after, batch[n - 1], sizeof(after));
		if ((rc = flush(conn, run, batch, &n, err)) != 0)
			return rc;
	}
}

/*
 * The APNs on standard input, one a line (as pdc-enqueue reads them).  A
 * bad line is reported with its number and skipped: the records of the
 * others are still written, and the exit status says some were bad.
 */
static int
export_stdin(struct pdc_conn *conn, struct run *run, char (*batch)[PDC_APN_MAX], struct pdc_err *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0, bad = 0;
	int n = 0, rc = 0, rerr;

	while (rc == 0 && (len = getline(&line, &cap, stdin)) != -1) {
		struct pdc_err why;
		int r;

		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if ((r = pdc_input_apn(line, (size_t)len, batch[n], &why)) == -1) {
			fprintf(stderr, "pdc-export: line %ld: %s\n", lineno, why.msg);
			bad++;
		} else if (r == 1 && ++n == PDC_EXPORT_BATCH)
			rc = flush(conn, run, batch, &n, err);
	}
	rerr = ferror(stdin) ? errno : 0;
	free(line);
	/* the lines read before a read error still go out */
	if (rc == 0)
		rc = flush(conn, run, batch, &n, err);
	if (rc == 0 && rerr != 0) {
		fprintf(stderr, "pdc-export: standard input: %s\n", strerror(rerr));
		rc = PDC_EXIT_DATAERR;
	}
	if (rc == 0 && bad > 0)
		rc = PDC_EXIT_DATAERR;
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "csv", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "profile", required_argument, NULL, 'P' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char batch[PDC_EXPORT_BATCH][PDC_APN_MAX];
	struct run run = { PDC_EXPORT_CSV, 0 };
	struct pdc_config cfg;
	struct pdc_err err;
	struct pdc_conn *conn;
	const char *profile = NULL;
	bool from_stdin = false, csv = false, json = false;
	int ch, rc, n = 0;

	pdc_cli_init("pdc-export");
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C': run.kind = PDC_EXPORT_CSV; csv = true; break;
		case 'h': usage(stdout); return 0;
		case 'J': run.kind = PDC_EXPORT_JSON; json = true; break;
		case 'P': profile = optarg; break;
		case 'V': printf("pdc-export %s\n", PDC_VERSION); return 0;
		default: usage(stderr); return PDC_EXIT_USAGE;
		}
	}
	if (csv && json) {
		fprintf(stderr, "pdc-export: --csv does not mix with --json\n");
		return PDC_EXIT_USAGE;
	}
	if (optind < argc && strcmp(argv[optind], "-") == 0) {
		if (optind + 1 != argc) {
			fprintf(stderr, "pdc-export: \"-\" reads the APNs from standard input: no APN beside it\n");
			usage(stderr);
			return PDC_EXIT_USAGE;
		}
		from_stdin = true;
	}
	/* Every argument is looked at before anything is written. */
	for (int i = optind; i < argc && !from_stdin; i++) {
		char apn[PDC_APN_MAX];

		if (pdc_cli_apn(argv[i], apn) == -1)
			return PDC_EXIT_DATAERR;
	}
	if ((rc = pdc_cli_config(&cfg, profile)) != 0)
		return rc;
	if ((conn = pdc_db_open(&cfg, "pdc-export", &err)) == NULL) {
		rc = pdc_cli_fail(&err);
		pdc_config_release(&cfg);
		return rc;
	}
	if (run.kind == PDC_EXPORT_CSV)
		csv_row(pdc_export_columns, PDC_EXPORT_NCOLS);
	if (from_stdin)
		rc = export_stdin(conn, &run, batch, &err);
	else if (optind == argc)
		rc = export_all(conn, &run, batch, &err);
	else {
		rc = 0;
		for (int i = optind; i < argc && rc == 0; i++) {
			pdc_apn_parse(argv[i], strlen(argv[i]), batch[n]);
			if (++n == PDC_EXPORT_BATCH || i + 1 == argc)
				rc = flush(conn, &run, batch, &n, &err);
		}
	}
	if (rc == 0 && run.missing > 0)
		rc = PDC_EXIT_NOTYET;
	if (pdc_cli_fshut(stdout, "stdout") && rc != PDC_EXIT_DATAERR && rc != PDC_EXIT_UNAVAILABLE)
		rc = PDC_EXIT_FAILED;
	pdc_db_close(conn);
	pdc_config_release(&cfg);
	return rc;
}
