#include <stdlib.h>
#include <string.h>

#include "stats.h"

static const char *const state_names[5] = { "pending", "active", "completed", "failed", "cancelled" };

const char *
pdc_stats_state_name(int i)
{
	return i >= 0 && i < 5 ? state_names[i] : "?";
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

		for (int i = 0; i < 5; i++)
			if (strcmp(st, state_names[i]) == 0 && prio >= 0 && prio < 4)
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
	" coalesce(sum(w.pool_max), 0), coalesce(sum(w.pool_wait_ms), 0),"
	" coalesce(sum(w.db_queries), 0), coalesce(sum(w.db_query_ms), 0), coalesce(sum(w.http_requests), 0)"
	" FROM (SELECT * FROM workers WHERE stopped_at IS NULL"
	"   AND heartbeat_at > now() - interval '30 seconds') w", 0, 0 };

static double
num(PGresult *res, int col)
{
	return PQgetisnull(res, 0, col) ? -1 : strtod(PQgetvalue(res, 0, col), NULL);
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
	s->pool_wait_ms = num(res, 12);
	s->db_queries = (long)num(res, 13);
	double qms = num(res, 14);
	s->http_requests = (long)num(res, 15);
	PQclear(res);
	s->success_rate = s->completed + s->failed > 0 ?
	    (double)s->completed / (double)(s->completed + s->failed) : -1;
	s->cache_hit_rate = s->cache_hits + s->queued > 0 ?
	    (double)s->cache_hits / (double)(s->cache_hits + s->queued) : -1;
	s->db_mean_ms = s->db_queries > 0 ? qms / (double)s->db_queries : -1;
	return 0;
}
