#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "stats.h"

static const char *const state_names[PDC_JOB_NSTATES] = { "pending", "active", "completed", "failed", "cancelled" };

const char *
pdc_stats_state_name(int i)
{
	return i >= 0 && i < PDC_JOB_NSTATES ? state_names[i] : "?";
}

static struct pdc_stmt st_summary = { "pdc_summary",
	"SELECT state, priority, sum(n) FROM job_counts GROUP BY state, priority HAVING sum(n) <> 0", 0, 0 };

static struct pdc_stmt st_summary2 = { "pdc_summary2",
	"SELECT (SELECT count(*) FROM workers WHERE stopped_at IS NULL"
	"   AND heartbeat_at > now() - interval '30 seconds'),"
	" coalesce((SELECT value = 'true' FROM control WHERE key = 'paused'), false),"
	" (SELECT greatest(0, extract(epoch FROM min(d) - now())) FROM generate_series(0, 3) p,"
	"   LATERAL (SELECT run_after FROM jobs WHERE state = 'pending' AND priority = p"
	"   ORDER BY run_after LIMIT 1) AS due(d))",
	0, 0 };

static struct pdc_stmt st_hosts = { "pdc_hosts",
	"SELECT host, coalesce(paused_until > now(), false),"
	" coalesce(extract(epoch FROM paused_until - now()), 0), coalesce(pause_reason, ''),"
	" slowdown, requests FROM hosts ORDER BY host LIMIT 16", 0, 0 };

int
pdc_stats_summary(struct pdc_conn *c, struct pdc_summary *s, struct pdc_err *err)
{
	PGresult *res;

	memset(s, 0, sizeof(*s));
	if ((res = pdc_db_run(c, &st_summary, NULL, err)) == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		const char *st = PQgetvalue(res, r, 0);
		int prio = (int)strtol(PQgetvalue(res, r, 1), NULL, 10);

		for (int i = 0; i < PDC_JOB_NSTATES; i++)
			if (strcmp(st, state_names[i]) == 0 && prio >= 0 && prio < PDC_NPRIO)
				s->count[i][prio] = strtol(PQgetvalue(res, r, 2), NULL, 10);
	}
	PQclear(res);
	if ((res = pdc_db_run(c, &st_summary2, NULL, err)) == NULL)
		return -1;
	s->workers_alive = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	s->paused = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	s->next_due = PQgetisnull(res, 0, 2) ? -1 : strtod(PQgetvalue(res, 0, 2), NULL);
	PQclear(res);
	if ((res = pdc_db_run(c, &st_hosts, NULL, err)) == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && r < PDC_MAXHOSTS; r++) {
		struct pdc_hoststate *h = &s->hosts[s->nhosts++];

		strlcpy(h->host, PQgetvalue(res, r, 0), sizeof(h->host));
		h->paused = strcmp(PQgetvalue(res, r, 1), "t") == 0;
		h->paused_for = strtod(PQgetvalue(res, r, 2), NULL);
		strlcpy(h->reason, PQgetvalue(res, r, 3), sizeof(h->reason));
		h->slowdown = strtod(PQgetvalue(res, r, 4), NULL);
		h->requests = strtol(PQgetvalue(res, r, 5), NULL, 10);
	}
	PQclear(res);
	if ((s->nformats = pdc_srcformat_unrecognised(c, s->formats, 8, err)) == -1)
		return -1;
	return 0;
}

static struct pdc_stmt st_stats = { "pdc_stats",
	"SELECT"
	" (SELECT count(*) FROM jobs WHERE state = 'completed'),"
	" (SELECT count(*) FROM jobs WHERE state = 'failed'),"
	" (SELECT count(*) FROM jobs WHERE state = 'pending' AND last_error IS NOT NULL),"
	" (SELECT avg(duration_ms) FROM jobs WHERE state = 'completed'),"
	" (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FROM jobs WHERE state = 'completed'),"
	" (SELECT count(*) FROM jobs WHERE state = 'completed' AND finished_at > now() - interval '1 hour'),"
	" coalesce((SELECT value FROM counters WHERE name = 'cache_hits'), 0),"
	" coalesce((SELECT value FROM counters WHERE name = 'queued'), 0),"
	" count(w.id), coalesce(sum(w.pool_in_use), 0), coalesce(sum(w.pool_size), 0),"
	" coalesce(sum(w.pool_max), 0)"
	" FROM (SELECT * FROM workers WHERE stopped_at IS NULL"
	"   AND heartbeat_at > now() - interval '30 seconds') w", 0, 0 };

static double
num(PGresult *res, int col)
{
	return PQgetisnull(res, 0, col) ? -1 : strtod(PQgetvalue(res, 0, col), NULL);
}

/* FIG's value: its last hour, or its total when TOTAL; 0 when no worker reported it. */
static double
figure(const struct pdc_figsum *f, int n, const char *name, bool peak, bool total)
{
	for (int i = 0; i < n; i++)
		if (f[i].peak == peak && strcmp(f[i].name, name) == 0)
			return total ? f[i].total : f[i].hour;
	return 0;
}

/* The pool, query and HTTP figures the workers reported, the stopped ones' too. */
static int
reported(struct pdc_conn *c, struct pdc_stats *s, struct pdc_err *err)
{
	struct pdc_figsum f[64];
	int n = pdc_stats_figures(c, f, 64, err);
	double qms, qms_total;

	if (n == -1)
		return -1;
	s->pool_peak_in_use = (long)figure(f, n, "pool_peak_in_use", true, false);
	s->pool_peak_size = (long)figure(f, n, "pool_size", true, false);
	s->pool_wait_ms = figure(f, n, "pool_wait_ms", false, false);
	s->pool_wait_ms_total = figure(f, n, "pool_wait_ms", false, true);
	s->db_queries = (long)figure(f, n, "db_queries", false, false);
	s->db_queries_total = (long)figure(f, n, "db_queries", false, true);
	qms = figure(f, n, "db_query_ms", false, false);
	qms_total = figure(f, n, "db_query_ms", false, true);
	s->http_requests = (long)figure(f, n, "http_requests", false, false);
	s->http_requests_total = (long)figure(f, n, "http_requests", false, true);
	s->db_mean_ms = s->db_queries > 0 ? qms / (double)s->db_queries : -1;
	s->db_mean_ms_total = s->db_queries_total > 0 ? qms_total / (double)s->db_queries_total : -1;
	return 0;
}

int
pdc_stats_collect(struct pdc_conn *c, struct pdc_stats *s, struct pdc_err *err)
{
	PGresult *res;

	memset(s, 0, sizeof(*s));
	if ((res = pdc_db_run(c, &st_stats, NULL, err)) == NULL)
		return -1;
	s->completed = (long)num(res, 0);
	s->failed = (long)num(res, 1);
	s->retrying = (long)num(res, 2);
	s->mean_ms = num(res, 3);
	s->p95_ms = num(res, 4);
	s->completed_last_hour = (long)num(res, 5);
	s->cache_hits = (long)num(res, 6);
	s->queued = (long)num(res, 7);
	s->workers_alive = (long)num(res, 8);
	s->pool_in_use = (long)num(res, 9);
	s->pool_size = (long)num(res, 10);
	s->pool_max = (long)num(res, 11);
	PQclear(res);
	if (reported(c, s, err) == -1)
		return -1;
	s->success_rate = s->completed + s->failed > 0 ?
	    (double)s->completed / (double)(s->completed + s->failed) : -1;
	s->cache_hit_rate = s->cache_hits + s->queued > 0 ?
	    (double)s->cache_hits / (double)(s->cache_hits + s->queued) : -1;
	return 0;
}

static struct pdc_stmt st_report = { "pdc_stats_report",
	"INSERT INTO worker_figures (worker, minute, counts, peaks)"
	" SELECT $1, date_trunc('minute', now()),"
	"  coalesce((SELECT jsonb_object_agg(k, v) FROM unnest($2::text[], $3::float8[]) AS c(k, v)), '{}'),"
	"  coalesce((SELECT jsonb_object_agg(k, v) FROM unnest($4::text[], $5::float8[]) AS p(k, v)), '{}')"
	" ON CONFLICT (worker, minute) DO UPDATE"
	" SET counts = pdc_figures_add(worker_figures.counts, EXCLUDED.counts),"
	"  peaks = pdc_figures_max(worker_figures.peaks, EXCLUDED.peaks)", 5, 0 };

static struct pdc_stmt st_prune_figures = { "pdc_stats_prune_figures",
	"WITH old AS (DELETE FROM worker_figures"
	"  WHERE minute < now() - make_interval(secs => $1::float8) AND minute > '-infinity'"
	"  RETURNING worker, counts),"
	" sums AS (SELECT worker, jsonb_object_agg(k, s) AS counts FROM (SELECT worker, k, sum(v::float8) AS s"
	"  FROM old, jsonb_each_text(old.counts) AS e(k, v) GROUP BY worker, k) x GROUP BY worker),"
	" folded AS (INSERT INTO worker_figures (worker, minute, counts) SELECT worker, '-infinity', counts"
	"  FROM sums ON CONFLICT (worker, minute) DO UPDATE"
	"  SET counts = pdc_figures_add(worker_figures.counts, EXCLUDED.counts) RETURNING 1)"
	" SELECT (SELECT count(*) FROM old), (SELECT count(*) FROM folded)", 1, 0 };

/* The last hour is the sixty minutes pdc_stats_minutes draws. */
static struct pdc_stmt st_figures = { "pdc_stats_figures",
	"SELECT false, k, coalesce(sum(v::float8) FILTER (WHERE minute >= date_trunc('minute', now())"
	"  - interval '59 minutes'), 0), sum(v::float8)"
	" FROM worker_figures, jsonb_each_text(counts) AS e(k, v) GROUP BY k"
	" UNION ALL"
	" SELECT true, k, max(s), -1 FROM (SELECT minute, k, sum(v::float8) AS s"
	"  FROM worker_figures, jsonb_each_text(peaks) AS e(k, v)"
	"  WHERE minute >= date_trunc('minute', now()) - interval '59 minutes' GROUP BY minute, k) x"
	" GROUP BY k ORDER BY 1, 2", 0, 0 };

/* NAMES and VALUES of N figures as text[] and float8[] literals. */
static int
figure_arrays(const struct pdc_figure *f, int n, char *names, size_t nlen, char *values,
    size_t vlen, struct pdc_err *err)
{
	strlcpy(names, "{", nlen);
	strlcpy(values, "{", vlen);
	for (int i = 0; i < n; i++) {
		char v[40];

		if (f[i].name[0] == '\0' || strspn(f[i].name, "abcdefghijklmnopqrstuvwxyz0123456789_:") !=
		    strlen(f[i].name))
			return pdc_err_set(err, PDC_E_SYSTEM, "figure name \"%s\" is not a key", f[i].name);
		snprintf(v, sizeof(v), "%s%.17g", i > 0 ? "," : "", isfinite(f[i].value) ? f[i].value : 0);
		if ((i > 0 && strlcat(names, ",", nlen) >= nlen) || strlcat(names, f[i].name, nlen) >= nlen ||
		    strlcat(values, v, vlen) >= vlen)
			return pdc_err_set(err, PDC_E_SYSTEM, "too many figures");
	}
	if (strlcat(names, "}", nlen) >= nlen || strlcat(values, "}", vlen) >= vlen)
		return pdc_err_set(err, PDC_E_SYSTEM, "too many figures");
	return 0;
}

int
pdc_stats_report(struct pdc_conn *c, const char *worker, const struct pdc_figure *counts,
    int ncounts, const struct pdc_figure *peaks, int npeaks, struct pdc_err *err)
{
	char cn[2048], cv[2048], pn[1024], pv[1024];
	const char *params[5] = { worker, cn, cv, pn, pv };

	if (figure_arrays(counts, ncounts, cn, sizeof(cn), cv, sizeof(cv), err) == -1 ||
	    figure_arrays(peaks, npeaks, pn, sizeof(pn), pv, sizeof(pv), err) == -1)
		return -1;
	return pdc_db_do(c, &st_report, params, err) == -1 ? -1 : 0;
}

long
pdc_stats_prune_figures(struct pdc_conn *c, double keep_hours, struct pdc_err *err)
{
	char secs[32];
	const char *params[1] = { secs };
	PGresult *res;
	long n;

	snprintf(secs, sizeof(secs), "%.0f", keep_hours * 3600);
	if ((res = pdc_db_run(c, &st_prune_figures, params, err)) == NULL)
		return -1;
	n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

int
pdc_stats_figures(struct pdc_conn *c, struct pdc_figsum *out, int max, struct pdc_err *err)
{
	PGresult *res;
	int n = 0;

	if ((res = pdc_db_run(c, &st_figures, NULL, err)) == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && n < max; r++, n++) {
		out[n].peak = strcmp(PQgetvalue(res, r, 0), "t") == 0;
		strlcpy(out[n].name, PQgetvalue(res, r, 1), sizeof(out[n].name));
		out[n].hour = strtod(PQgetvalue(res, r, 2), NULL);
		out[n].total = strtod(PQgetvalue(res, r, 3), NULL);
	}
	PQclear(res);
	return n;
}

static struct pdc_stmt st_minutes = { "pdc_stats_minutes",
	"SELECT 59 - (extract(epoch FROM date_trunc('minute', now()) - date_trunc('minute', finished_at))"
	"  / 60)::int, count(*)"
	" FROM jobs WHERE state = 'completed'"
	" AND finished_at >= date_trunc('minute', now()) - interval '59 minutes'"
	" GROUP BY 1", 0, 0 };

int
pdc_stats_minutes(struct pdc_conn *c, long per[60], struct pdc_err *err)
{
	PGresult *res;

	memset(per, 0, 60 * sizeof(per[0]));
	if ((res = pdc_db_run(c, &st_minutes, NULL, err)) == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		long m = strtol(PQgetvalue(res, r, 0), NULL, 10);

		/* a clock step back could put a job in the future */
		if (m >= 0 && m < 60)
			per[m] = strtol(PQgetvalue(res, r, 1), NULL, 10);
	}
	PQclear(res);
	return 0;
}

const double pdc_duration_bounds[PDC_DURATION_BUCKETS] = {
	0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, HUGE_VAL
};

/* The bounds again, in milliseconds, as the SQL has them. */
static struct pdc_stmt st_durations = { "pdc_stats_durations",
	"SELECT count(*) FILTER (WHERE duration_ms <= 100), count(*) FILTER (WHERE duration_ms <= 250),"
	" count(*) FILTER (WHERE duration_ms <= 500), count(*) FILTER (WHERE duration_ms <= 1000),"
	" count(*) FILTER (WHERE duration_ms <= 2500), count(*) FILTER (WHERE duration_ms <= 5000),"
	" count(*) FILTER (WHERE duration_ms <= 10000), count(*) FILTER (WHERE duration_ms <= 30000),"
	" count(*) FILTER (WHERE duration_ms <= 60000), count(*),"
	" coalesce(sum(duration_ms), 0) / 1000.0"
	" FROM jobs WHERE state = 'completed' AND duration_ms IS NOT NULL", 0, 0 };

int
pdc_stats_durations(struct pdc_conn *c, struct pdc_durations *d, struct pdc_err *err)
{
	PGresult *res;

	memset(d, 0, sizeof(*d));
	if ((res = pdc_db_run(c, &st_durations, NULL, err)) == NULL)
		return -1;
	for (int i = 0; i < PDC_DURATION_BUCKETS; i++)
		d->le[i] = strtol(PQgetvalue(res, 0, i), NULL, 10);
	d->sum = strtod(PQgetvalue(res, 0, PDC_DURATION_BUCKETS), NULL);
	PQclear(res);
	return 0;
}

static struct pdc_stmt st_parts = { "pdc_stats_parts",
	"SELECT source, count(*) FILTER (WHERE state = 'complete'),"
	" count(*) FILTER (WHERE state = 'missing'), count(*) FILTER (WHERE state = 'failed'),"
	" count(*) FILTER (WHERE state = 'partial')"
	" FROM record_parts GROUP BY source ORDER BY source", 0, 0 };

static struct pdc_stmt st_requests = { "pdc_stats_requests",
	"SELECT split_part(name, ':', 1), split_part(name, ':', 2), value FROM counters"
	" WHERE name LIKE 'requests:%' OR name LIKE 'not_modified:%' OR name LIKE 'from_kept:%'"
	" ORDER BY 2", 0, 0 };

static struct pdc_stmt st_retries = { "pdc_stats_retries",
	"SELECT split_part(name, ':', 2), split_part(name, ':', 3), value FROM counters"
	" WHERE name LIKE 'retries:%' ORDER BY 1, 2", 0, 0 };

static struct pdc_sourcestats *
source_slot(struct pdc_sourcestats *out, int *n, int max, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(out[i].source, name) == 0)
			return &out[i];
	if (*n == max)
		return NULL;
	memset(&out[*n], 0, sizeof(out[0]));
	strlcpy(out[*n].source, name, sizeof(out[0].source));
	return &out[(*n)++];
}

int
pdc_stats_sources(struct pdc_conn *c, struct pdc_sourcestats *out, int max, struct pdc_err *err)
{
	struct pdc_sourcestats *s;
	PGresult *res;
	int n = 0;

	if ((res = pdc_db_run(c, &st_parts, NULL, err)) == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		if ((s = source_slot(out, &n, max, PQgetvalue(res, r, 0))) == NULL)
			break;
		s->complete = strtol(PQgetvalue(res, r, 1), NULL, 10);
		s->missing = strtol(PQgetvalue(res, r, 2), NULL, 10);
		s->failed = strtol(PQgetvalue(res, r, 3), NULL, 10);
		s->partial = strtol(PQgetvalue(res, r, 4), NULL, 10);
	}
	PQclear(res);
	if ((res = pdc_db_run(c, &st_requests, NULL, err)) == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		long v = strtol(PQgetvalue(res, r, 2), NULL, 10);

		if ((s = source_slot(out, &n, max, PQgetvalue(res, r, 1))) == NULL)
			break;
		if (strcmp(PQgetvalue(res, r, 0), "requests") == 0)
			s->requests = v;
		else if (strcmp(PQgetvalue(res, r, 0), "from_kept") == 0)
			s->from_kept = v;
		else
			s->not_modified = v;
	}
	PQclear(res);
	if ((res = pdc_db_run(c, &st_retries, NULL, err)) == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		long v = strtol(PQgetvalue(res, r, 2), NULL, 10);

		if ((s = source_slot(out, &n, max, PQgetvalue(res, r, 0))) == NULL)
			break;
		s->retries += v;
		for (int k = 0; k < PDC_RETRY_NCAUSES; k++)
			if (strcmp(PQgetvalue(res, r, 1), pdc_retry_cause_names[k]) == 0)
				s->retried_for[k] += v;
	}
	PQclear(res);
	for (int i = 0; i < n; i++) {
		long all = out[i].complete + out[i].partial + out[i].missing + out[i].failed;

		out[i].success_rate = all > 0 ? (double)(out[i].complete + out[i].missing) / (double)all : -1;
		/* of every answer the sources got, those that downloaded no body */
		long answers = out[i].requests + out[i].from_kept;

		out[i].hit_rate = answers > 0 ?
		    (double)(out[i].not_modified + out[i].from_kept) / (double)answers : -1;
	}
	return n;
}

const char *const pdc_retry_cause_names[PDC_RETRY_NCAUSES] = {
	"429", "5xx", "timeout", "truncated", "connection"
};

/* Retries are counted as retries:SOURCE:CAUSE, beside requests:SOURCE. */
static struct pdc_stmt st_count_requests = { "pdc_stats_count_requests",
	"INSERT INTO counters (name, value)"
	" SELECT * FROM (VALUES ('requests:' || $1, $2::bigint), ('not_modified:' || $1, $3::bigint),"
	"  ('from_kept:' || $1, $6::bigint)) v"
	" UNION ALL SELECT 'retries:' || $1 || ':' || cause, n"
	" FROM unnest($4::text[], $5::bigint[]) AS r(cause, n) WHERE n <> 0"
	" ON CONFLICT (name) DO UPDATE SET value = counters.value + EXCLUDED.value", 6, 0 };

int
pdc_stats_count_requests(struct pdc_conn *c, const char *source, long requests,
    long not_modified, long from_kept, const long *retries, struct pdc_err *err)
{
	char rq[24], nm[24], fk[24], causes[128] = "{", counts[PDC_RETRY_NCAUSES * 24 + 4] = "{",
	    v[24];
	const char *params[6] = { source, rq, nm, causes, counts, fk };

	snprintf(rq, sizeof(rq), "%ld", requests);
	snprintf(nm, sizeof(nm), "%ld", not_modified);
	snprintf(fk, sizeof(fk), "%ld", from_kept);
	for (int i = 0; i < PDC_RETRY_NCAUSES; i++) {
		/* the names are ours, plain words: no quoting needed in the array */
		snprintf(v, sizeof(v), "%s%ld", i ? "," : "", retries != NULL ? retries[i] : 0);
		strlcat(counts, v, sizeof(counts));
		if (i > 0)
			strlcat(causes, ",", sizeof(causes));
		strlcat(causes, pdc_retry_cause_names[i], sizeof(causes));
	}
	strlcat(causes, "}", sizeof(causes));
	strlcat(counts, "}", sizeof(counts));
	return pdc_db_do(c, &st_count_requests, params, err) == -1 ? -1 : 0;
}

static struct pdc_stmt st_due = { "pdc_stats_due",
	"SELECT (SELECT count(*) FROM jobs WHERE state = 'pending' AND run_after <= now())"
	" + (SELECT count(*) FROM jobs WHERE state = 'active')", 0, 0 };

long
pdc_stats_due(struct pdc_conn *c, struct pdc_err *err)
{
	PGresult *res = pdc_db_run(c, &st_due, NULL, err);
	long n;

	if (res == NULL)
		return -1;
	n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

int
pdc_event_parse(const char *payload, struct pdc_event *ev)
{
	cJSON *j = cJSON_Parse(payload);
	const cJSON *id, *apn, *event, *attempt, *error;
	int rc = -1;

	memset(ev, 0, sizeof(*ev));
	if (j == NULL)
		return -1;
	id = cJSON_GetObjectItemCaseSensitive(j, "id");
	apn = cJSON_GetObjectItemCaseSensitive(j, "apn");
	event = cJSON_GetObjectItemCaseSensitive(j, "event");
	attempt = cJSON_GetObjectItemCaseSensitive(j, "attempt");
	error = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (cJSON_IsNumber(id) && cJSON_IsString(apn) && cJSON_IsString(event) && cJSON_IsNumber(attempt)) {
		ev->id = (long long)id->valuedouble;
		strlcpy(ev->apn, apn->valuestring, sizeof(ev->apn));
		strlcpy(ev->event, event->valuestring, sizeof(ev->event));
		ev->attempt = attempt->valueint;
		if (cJSON_IsString(error))
			strlcpy(ev->error, error->valuestring, sizeof(ev->error));
		rc = 0;
	}
	cJSON_Delete(j);
	return rc;
}
