/*
 * pdc-stats - how collection is going: success rate, times, cache, pool, workers.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stats.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: pdc-stats [--json] [--profile NAME]\n");
}

/* A figure that may be missing (-1): JSON null, or "-" for people. */
static void
fig(bool json, const char *key, double v, int decimals, const char *unit, double scale)
{
	if (json) {
		printf(",\"%s\":", key);
		/* JSON rates stay fractions; times are seconds either way. */
		if (v < 0)
			fputs("null", stdout);
		else
			printf("%.6g", strcmp(unit, "%") == 0 ? v : v * scale);
		return;
	}
	printf("%-22s ", key);
	if (v < 0)
		puts("-");
	else {
		printf("%.*f%s\n", decimals, v * scale, unit);
	}
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
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
	bool as_json = false;
	int ch, rc;

	pdc_cli_init("pdc-stats");
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
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
	else
		printf("%-22s %ld\n%-22s %ld\n%-22s %ld\n", "completed", s.completed, "failed", s.failed,
		    "retrying", s.retrying);
	fig(as_json, "success_rate", s.success_rate, 1, "%", 100);
	fig(as_json, "mean_job_seconds", s.mean_ms, 2, "s", 0.001);
	fig(as_json, "p95_job_seconds", s.p95_ms, 2, "s", 0.001);
	fig(as_json, "completed_last_hour", (double)s.completed_last_hour, 0, "", 1);
	fig(as_json, "cache_hits", (double)s.cache_hits, 0, "", 1);
	fig(as_json, "cache_hit_rate", s.cache_hit_rate, 1, "%", 100);
	fig(as_json, "workers_alive", (double)s.workers_alive, 0, "", 1);
	fig(as_json, "pool_in_use", (double)s.pool_in_use, 0, "", 1);
	fig(as_json, "pool_size", (double)s.pool_size, 0, "", 1);
	fig(as_json, "pool_max", (double)s.pool_max, 0, "", 1);
	fig(as_json, "pool_wait_seconds", s.pool_wait_ms, 2, "s", 0.001);
	fig(as_json, "db_queries", (double)s.db_queries, 0, "", 1);
	fig(as_json, "db_mean_query_ms", s.db_mean_ms, 2, "ms", 1);
	fig(as_json, "http_requests", (double)s.http_requests, 0, "", 1);
	if (as_json)
		puts("}");
	rc = pdc_cli_fshut(stdout, "stdout") ? PDC_EXIT_FAILED : 0;
	pdc_db_close(conn);
	pdc_config_release(&cfg);
	return rc;
}
