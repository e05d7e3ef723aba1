/*
 * pdc-stats - how collection is going: success rate, times, cache, pool, workers.
 */
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"
#include "queue.h"
#include "stats.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: pdc-stats [--json | --header | --prometheus] [--profile NAME]\n");
}

/* Everything the report shows beyond struct pdc_stats. */
struct more {
	long per_minute[60];
	struct pdc_durations dur;
	struct pdc_sourcestats src[PDC_MAXSOURCESTATS];
	int nsrc;
	struct pdc_summary sum;
};

static int
gather(struct pdc_conn *c, struct pdc_stats *s, struct more *m, bool summary, struct pdc_err *err)
{
	if (pdc_stats_collect(c, s, err) == -1 || pdc_stats_minutes(c, m->per_minute, err) == -1 ||
	    pdc_stats_durations(c, &m->dur, err) == -1 ||
	    (m->nsrc = pdc_stats_sources(c, m->src, PDC_MAXSOURCESTATS, err)) == -1)
		return -1;
	return summary ? pdc_stats_summary(c, &m->sum, err) : 0;
}

/* Bars and sparklines in block elements when the locale speaks UTF-8, else in ASCII. */
static bool
utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static void
sparkline(const long *v, int n)
{
	static const char *const blocks[8] = { "\u2581", "\u2582", "\u2583", "\u2584", "\u2585",
	    "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = "_.-:=+*#";
	bool u = utf8();
	long max = 0;

	for (int i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (int i = 0; i < n; i++) {
		/* the lowest step is nothing at all; the highest, the busiest minute */
		int k = v[i] == 0 ? 0 : 1 + (int)((v[i] * 7 - 1) / max);

		if (k > 7)
			k = 7;
		if (u)
			fputs(blocks[k], stdout);
		else
			putchar(ascii[k]);
	}
}

static void
print_more(const struct more *m)
{
	const char *bar = utf8() ? "\u2588" : "#";
	long peak = 0, most = 0;

	for (int i = 0; i < 60; i++)
		if (m->per_minute[i] > peak)
			peak = m->per_minute[i];
	printf("%-22s ", "completions_per_minute");
	sparkline(m->per_minute, 60);
	printf("  (last hour, peak %ld)\n", peak);

	printf("job_durations\n");
	for (int i = 0; i < PDC_DURATION_BUCKETS; i++) {
		long c = m->dur.le[i] - (i > 0 ? m->dur.le[i - 1] : 0);

		if (c > most)
			most = c;
	}
	for (int i = 0; i < PDC_DURATION_BUCKETS; i++) {
		long c = m->dur.le[i] - (i > 0 ? m->dur.le[i - 1] : 0);
		char label[24];
		/* thirty columns for the fullest bucket; any job at all shows */
		int w = most > 0 ? (int)((c * 30 + most - 1) / most) : 0;

		if (isinf(pdc_duration_bounds[i]))
			snprintf(label, sizeof(label), "> %gs", pdc_duration_bounds[i - 1]);
		else
			snprintf(label, sizeof(label), "<= %gs", pdc_duration_bounds[i]);
		printf("  %-10s %9ld ", label, c);
		for (int k = 0; k < w; k++)
			fputs(bar, stdout);
		putchar('\n');
	}

	if (m->nsrc > 0)
		printf("%-10s %9s %9s %9s %9s %9s %9s %9s %12s %9s %9s %s\n", "SOURCE", "PARTS",
		    "COMPLETE", "PARTIAL", "MISSING", "FAILED", "SUCCESS", "REQUESTS", "NOT_MODIFIED",
		    "FROM_KEPT", "HIT_RATE", "RETRIES");
	for (int i = 0; i < m->nsrc; i++) {
		const struct pdc_sourcestats *x = &m->src[i];
		char sr[16] = "-", hr[16] = "-", rt[160], part[40];

		if (x->success_rate >= 0)
			snprintf(sr, sizeof(sr), "%.1f%%", x->success_rate * 100);
		if (x->hit_rate >= 0)
			snprintf(hr, sizeof(hr), "%.1f%%", x->hit_rate * 100);
		/* the retries, then what they were for: "7 (5xx 4, 429 3)" */
		snprintf(rt, sizeof(rt), "%ld", x->retries);
		for (int k = 0, n = 0; k < PDC_RETRY_NCAUSES; k++) {
			if (x->retried_for[k] == 0)
				continue;
			snprintf(part, sizeof(part), "%s%s %ld", n++ ? ", " : " (",
			    pdc_retry_cause_names[k], x->retried_for[k]);
			strlcat(rt, part, sizeof(rt));
		}
		if (strchr(rt, '(') != NULL)
			strlcat(rt, ")", sizeof(rt));
		printf("%-10s %9ld %9ld %9ld %9ld %9ld %9s %9ld %12ld %9ld %9s %s\n", x->source,
		    x->complete + x->partial + x->missing + x->failed, x->complete, x->partial,
		    x->missing, x->failed, sr, x->requests, x->not_modified, x->from_kept, hr, rt);
	}
}

static void
json_rate(double v)
{
	if (v < 0)
		fputs("null", stdout);
	else
		printf("%.6g", v);
}

static void
print_more_json(const struct more *m)
{
	long prev = 0;

	fputs(",\"completions_per_minute\":[", stdout);
	for (int i = 0; i < 60; i++)
		printf("%s%ld", i ? "," : "", m->per_minute[i]);
	fputs("],\"job_durations\":[", stdout);
	for (int i = 0; i < PDC_DURATION_BUCKETS; i++) {
		fputs(i ? ",{\"le\":" : "{\"le\":", stdout);
		if (isinf(pdc_duration_bounds[i]))
			fputs("null", stdout);
		else
			printf("%g", pdc_duration_bounds[i]);
		printf(",\"count\":%ld}", m->dur.le[i] - prev);
		prev = m->dur.le[i];
	}
	printf("],\"job_seconds_sum\":%.3f,\"sources\":[", m->dur.sum);
	for (int i = 0; i < m->nsrc; i++) {
		const struct pdc_sourcestats *x = &m->src[i];

		printf("%s{\"source\":", i ? "," : "");
		pdc_cli_json_str(stdout, x->source);
		printf(",\"complete\":%ld,\"partial\":%ld,\"missing\":%ld,\"failed\":%ld,"
		    "\"success_rate\":", x->complete, x->partial, x->missing, x->failed);
		json_rate(x->success_rate);
		printf(",\"requests\":%ld,\"not_modified\":%ld,\"from_kept\":%ld,\"hit_rate\":",
		    x->requests, x->not_modified, x->from_kept);
		json_rate(x->hit_rate);
		printf(",\"retries\":%ld,\"retried_for\":{", x->retries);
		for (int k = 0; k < PDC_RETRY_NCAUSES; k++)
			printf("%s\"%s\":%ld", k ? "," : "", pdc_retry_cause_names[k], x->retried_for[k]);
		fputs("}}", stdout);
	}
	putchar(']');
}

/* A Prometheus label value: backslash, quote and newline escaped. */
static void
label(const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			putchar('\\');
		if (*v == '\n')
			fputs("\\n", stdout);
		else
			putchar(*v);
	}
}

static void
metric(const char *name, const char *type, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The Prometheus text exposition format, for a node-exporter textfile. */
static void
print_prometheus(const struct pdc_stats *s, const struct more *m)
{
	const struct pdc_summary *sum = &m->sum;

	metric("pdc_jobs", "gauge", "Jobs in the job table, by state and priority.");
	for (int i = 0; i < PDC_JOB_NSTATES; i++)
		for (int p = 0; p < PDC_NPRIO; p++)
			printf("pdc_jobs{state=\"%s\",priority=\"%s\"} %ld\n", pdc_stats_state_name(i),
			    pdc_priority_name(p), sum->count[i][p]);
	metric("pdc_jobs_retrying", "gauge", "Pending jobs whose last attempt failed.");
	printf("pdc_jobs_retrying %ld\n", s->retrying);
	metric("pdc_jobs_completed_last_hour", "gauge", "Jobs completed within the last hour.");
	printf("pdc_jobs_completed_last_hour %ld\n", s->completed_last_hour);
	metric("pdc_job_duration_seconds", "histogram", "Time of the completed jobs kept in the job table.");
	for (int i = 0; i < PDC_DURATION_BUCKETS; i++) {
		if (isinf(pdc_duration_bounds[i]))
			printf("pdc_job_duration_seconds_bucket{le=\"+Inf\"} %ld\n", m->dur.le[i]);
		else
			printf("pdc_job_duration_seconds_bucket{le=\"%g\"} %ld\n", pdc_duration_bounds[i],
			    m->dur.le[i]);
	}
	printf("pdc_job_duration_seconds_sum %.3f\n", m->dur.sum);
	printf("pdc_job_duration_seconds_count %ld\n", m->dur.le[PDC_DURATION_BUCKETS - 1]);
	metric("pdc_workers_alive", "gauge", "Workers that showed a sign of life in the last 30 seconds.");
	printf("pdc_workers_alive %ld\n", sum->workers_alive);
	metric("pdc_paused", "gauge", "1 while collection is paused on every worker.");
	printf("pdc_paused %d\n", sum->paused ? 1 : 0);
	metric("pdc_enqueue_cache_hits_total", "counter", "APNs pdc-enqueue skipped as freshly collected.");
	printf("pdc_enqueue_cache_hits_total %ld\n", s->cache_hits);
	metric("pdc_enqueue_queued_total", "counter", "APNs pdc-enqueue queued.");
	printf("pdc_enqueue_queued_total %ld\n", s->queued);
	metric("pdc_record_parts", "gauge", "Parts of the stored records by source and state, as last collected.");
	for (int i = 0; i < m->nsrc; i++) {
		static const char *const st[4] = { "complete", "partial", "missing", "failed" };
		long v[4] = { m->src[i].complete, m->src[i].partial, m->src[i].missing,
		    m->src[i].failed };

		for (int k = 0; k < 4; k++) {
			fputs("pdc_record_parts{source=\"", stdout);
			label(m->src[i].source);
			printf("\",state=\"%s\"} %ld\n", st[k], v[k]);
		}
	}
	metric("pdc_source_requests_total", "counter", "Requests made to each county source.");
	for (int i = 0; i < m->nsrc; i++) {
		fputs("pdc_source_requests_total{source=\"", stdout);
		label(m->src[i].source);
		printf("\"} %ld\n", m->src[i].requests);
	}
	metric("pdc_source_not_modified_total", "counter",
	    "Requests a county source answered 304 Not Modified, served from the stored body.");
	for (int i = 0; i < m->nsrc; i++) {
		fputs("pdc_source_not_modified_total{source=\"", stdout);
		label(m->src[i].source);
		printf("\"} %ld\n", m->src[i].not_modified);
	}
	metric("pdc_source_from_kept_total", "counter",
	    "Answers read from the kept responses without a request (ones that never change).");
	for (int i = 0; i < m->nsrc; i++) {
		fputs("pdc_source_from_kept_total{source=\"", stdout);
		label(m->src[i].source);
		printf("\"} %ld\n", m->src[i].from_kept);
	}
	metric("pdc_source_retries_total", "counter",
	    "Requests to each county source made again after a passing fault, by cause.");
	for (int i = 0; i < m->nsrc; i++)
		for (int k = 0; k < PDC_RETRY_NCAUSES; k++) {
			fputs("pdc_source_retries_total{source=\"", stdout);
			label(m->src[i].source);
			printf("\",cause=\"%s\"} %ld\n", pdc_retry_cause_names[k], m->src[i].retried_for[k]);
		}
	metric("pdc_host_requests_total", "counter", "Request slots reserved on each county host.");
	for (int i = 0; i < sum->nhosts; i++) {
		fputs("pdc_host_requests_total{host=\"", stdout);
		label(sum->hosts[i].host);
		printf("\"} %ld\n", sum->hosts[i].requests);
	}
	metric("pdc_host_rate_factor", "gauge", "Share of its configured rate a host gets (1: full, less after 429/503).");
	for (int i = 0; i < sum->nhosts; i++) {
		fputs("pdc_host_rate_factor{host=\"", stdout);
		label(sum->hosts[i].host);
		printf("\"} %.3f\n", sum->hosts[i].slowdown);
	}
	metric("pdc_host_paused", "gauge", "1 while a host is paused after failing most requests.");
	for (int i = 0; i < sum->nhosts; i++) {
		fputs("pdc_host_paused{host=\"", stdout);
		label(sum->hosts[i].host);
		printf("\"} %d\n", sum->hosts[i].paused ? 1 : 0);
	}
	metric("pdc_pool_connections", "gauge", "Database connections of the live workers: in use, open, allowed.");
	printf("pdc_pool_connections{state=\"in_use\"} %ld\n", s->pool_in_use);
	printf("pdc_pool_connections{state=\"open\"} %ld\n", s->pool_size);
	printf("pdc_pool_connections{state=\"max\"} %ld\n", s->pool_max);
	metric("pdc_worker_db_queries", "gauge", "Statements the workers ran in the last hour, stopped ones too.");
	printf("pdc_worker_db_queries %ld\n", s->db_queries);
	metric("pdc_worker_http_requests", "gauge", "Requests the workers made in the last hour, stopped ones too.");
	printf("pdc_worker_http_requests %ld\n", s->http_requests);
	metric("pdc_worker_db_queries_total", "counter", "Statements the workers ran, as long as their reports are kept.");
	printf("pdc_worker_db_queries_total %ld\n", s->db_queries_total);
	metric("pdc_worker_http_requests_total", "counter", "Requests the workers made, as long as their reports are kept.");
	printf("pdc_worker_http_requests_total %ld\n", s->http_requests_total);
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
		{ "prometheus", no_argument, NULL, 'M' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct pdc_config cfg;
	struct pdc_err err;
	struct pdc_conn *conn;
	struct pdc_stats s;
	struct more *m;
	const char *profile = NULL;
	static const struct pdc_out_col cols[] = { { "name", PDC_OUT_STR, 0 }, { "value", PDC_OUT_NUM, 0 } };
	struct pdc_out *o = NULL;
	bool as_json = false, header = false, prometheus = false;
	int ch, rc;

	setlocale(LC_CTYPE, "");
	pdc_cli_init("pdc-stats");
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H': header = true; break;
		case 'h': usage(stdout); return 0;
		case 'J': as_json = true; break;
		case 'M': prometheus = true; break;
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
	if (as_json + header + prometheus > 1) {
		fprintf(stderr, "pdc-stats: --json, --header and --prometheus do not mix\n");
		return PDC_EXIT_USAGE;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return PDC_EXIT_FAILED;
	if ((rc = pdc_cli_config(&cfg, profile)) != 0) {
		free(m);
		return rc;
	}
	if ((conn = pdc_db_open(&cfg, "pdc-stats", &err)) == NULL ||
	    gather(conn, &s, m, prometheus, &err) == -1) {
		rc = pdc_cli_fail(&err);
		pdc_db_close(conn);
		pdc_config_release(&cfg);
		free(m);
		return rc;
	}
	if (prometheus) {
		print_prometheus(&s, m);
		goto out;
	}
	if (as_json)
		printf("{\"completed\":%ld,\"failed\":%ld,\"retrying\":%ld", s.completed, s.failed, s.retrying);
	else if ((o = pdc_out_new(stdout, pdc_cli_outfmt(false), header, cols, 2)) == NULL) {
		pdc_db_close(conn);
		pdc_config_release(&cfg);
		free(m);
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
	/* what every worker reported, the stopped ones too: the last hour, then all kept */
	fig(o, "pool_peak_in_use", (double)s.pool_peak_in_use, 0, "", 1);
	fig(o, "pool_peak_size", (double)s.pool_peak_size, 0, "", 1);
	fig(o, "pool_wait_seconds", s.pool_wait_ms, 2, "s", 0.001);
	fig(o, "db_queries", (double)s.db_queries, 0, "", 1);
	fig(o, "db_mean_query_ms", s.db_mean_ms, 2, "ms", 1);
	fig(o, "http_requests", (double)s.http_requests, 0, "", 1);
	fig(o, "pool_wait_seconds_total", s.pool_wait_ms_total, 2, "s", 0.001);
	fig(o, "db_queries_total", (double)s.db_queries_total, 0, "", 1);
	fig(o, "db_mean_query_ms_total", s.db_mean_ms_total, 2, "ms", 1);
	fig(o, "http_requests_total", (double)s.http_requests_total, 0, "", 1);
	if (as_json) {
		print_more_json(m);
		puts("}");
	}
	/* The views for people only on a terminal: a pipe gets name and value rows. */
	if (o != NULL) {
		bool people = pdc_cli_outfmt(false) == PDC_OUT_TABLE;

		pdc_out_free(o);
		if (people)
			print_more(m);
	}
out:
	free(m);
	rc = pdc_cli_fshut(stdout, "stdout") ? PDC_EXIT_FAILED : 0;
	pdc_db_close(conn);
	pdc_config_release(&cfg);
	return rc;
}
