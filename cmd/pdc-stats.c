/*
 * pdc-stats - how collection is going: success rate, times, cache, pool, workers.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"
#include "stats.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: pdc-stats [--json | --header] [--profile NAME]\n");
}

/*
 * A figure that may be missing (-1): JSON null; in a table, for people, with
 * its unit ("-" when missing); in TSV (a pipe) the JSON value (empty when missing).
 * JSON rates stay fractions; times are seconds either way.
 */
static void
fig(struct pdc_out *o, const char *key, double v, int decimals, const char *unit, double scale)
{
	char val[64];
	double raw = strcmp(unit, "%") == 0 ? v : v * scale;

	if (o == NULL) {
		printf(",\"%s\":", key);
		if (v < 0)
			fputs("null", stdout);
		else
			printf("%.6g", raw);
		return;
	}
	if (v < 0)
		val[0] = '\0';
	else if (isatty(STDOUT_FILENO))
		snprintf(val, sizeof(val), "%.*f%s", decimals, v * scale, unit);
	else
		snprintf(val, sizeof(val), "%.6g", raw);
	pdc_out_row(o, (const char *const[]){ key, v < 0 ? NULL : val });
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "header", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "profile", required_argument, NULL, 'P' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct pdc_config cfg;
	struct pdc_err err;
	struct pdc_conn *conn;
	struct pdc_stats s;
	const char *profile = NULL;
	static const struct pdc_out_col cols[] = { { "name", PDC_OUT_STR, 0 }, { "value", PDC_OUT_NUM, 0 } };
	struct pdc_out *o = NULL;
	bool as_json = false, header = false;
	int ch, rc;

	pdc_cli_init("pdc-stats");
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H': header = true; break;
		case 'h': usage(stdout); return 0;
		case 'J': as_json = true; break;
		case 'P': profile = optarg; break;
		case 'V': printf("pdc-stats %s\n", PDC_VERSION); return 0;
		default: usage(stderr); return PDC_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pdc-stats: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return PDC_EXIT_USAGE;
	}
	if ((rc = pdc_cli_config(&cfg, profile)) != 0)
		return rc;
	if ((conn = pdc_db_open(&cfg, "pdc-stats", &err)) == NULL ||
	    pdc_stats_collect(conn, &s, &err) == -1) {
		rc = pdc_cli_fail(&err);
		pdc_db_close(conn);
		pdc_config_release(&cfg);
		return rc;
	}
	if (as_json)
		printf("{\"completed\":%ld,\"failed\":%ld,\"retrying\":%ld", s.completed, s.failed, s.retrying);
	else if ((o = pdc_out_new(stdout, pdc_cli_outfmt(false), header, cols, 2)) == NULL) {
		pdc_db_close(conn);
		pdc_config_release(&cfg);
		return PDC_EXIT_FAILED;
	} else {
		fig(o, "completed", (double)s.completed, 0, "", 1);
		fig(o, "failed", (double)s.failed, 0, "", 1);
		fig(o, "retrying", (double)s.retrying, 0, "", 1);
	}
	fig(o, "success_rate", s.success_rate, 1, "%", 100);
	fig(o, "mean_job_seconds", s.mean_ms, 2, "s", 0.001);
	fig(o, "p95_job_seconds", s.p95_ms, 2, "s", 0.001);
	fig(o, "completed_last_hour", (double)s.completed_last_hour, 0, "", 1);
	fig(o, "cache_hits", (double)s.cache_hits, 0, "", 1);
	fig(o, "cache_hit_rate", s.cache_hit_rate, 1, "%", 100);
	fig(o, "workers_alive", (double)s.workers_alive, 0, "", 1);
	fig(o, "pool_in_use", (double)s.pool_in_use, 0, "", 1);
	fig(o, "pool_size", (double)s.pool_size, 0, "", 1);
	fig(o, "pool_max", (double)s.pool_max, 0, "", 1);
	fig(o, "pool_wait_seconds", s.pool_wait_ms, 2, "s", 0.001);
	fig(o, "db_queries", (double)s.db_queries, 0, "", 1);
	fig(o, "db_mean_query_ms", s.db_mean_ms, 2, "ms", 1);
	fig(o, "http_requests", (double)s.http_requests, 0, "", 1);
	if (as_json)
		puts("}");
	pdc_out_free(o);
	rc = pdc_cli_fshut(stdout, "stdout") ? PDC_EXIT_FAILED : 0;
	pdc_db_close(conn);
	pdc_config_release(&cfg);
	return rc;
}
