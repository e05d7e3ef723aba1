#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"

static const char *const prio_names[] = { "critical", "high", "normal", "low" };

int
pdc_priority_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcasecmp(s, prio_names[i]) == 0)
			return i;
	return -1;
}

const char *
pdc_priority_name(int prio)
{
	return prio >= 0 && prio < 4 ? prio_names[prio] : "?";
}

const char *
pdc_enqueued_name(enum pdc_enqueued e)
{
	switch (e) {
	case PDC_ENQ_QUEUED:	return "queued";
	case PDC_ENQ_FRESH:	return "fresh";
	case PDC_ENQ_OPEN:	return "open";
	case PDC_ENQ_RAISED:	return "raised";
	case PDC_ENQ_BAD:	return "bad";
	}
	return "?";
}

const char *
pdc_apnstate_name(enum pdc_apnstate s)
{
	switch (s) {
	case PDC_APN_NONE:	return "none";
	case PDC_APN_PENDING:	return "pending";
	case PDC_APN_ACTIVE:	return "active";
	case PDC_APN_COMPLETE:	return "complete";
	case PDC_APN_STALE:	return "stale";
	case PDC_APN_FAILED:	return "failed";
	case PDC_APN_CANCELLED:	return "cancelled";
	}
	return "?";
}

char *
pdc_queue_array(const char *const *v, size_t n)
{
	size_t len = 3;
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		len += 2 * strlen(v[i]) + 3;
	if ((s = malloc(len)) == NULL)
		return NULL;
	p = s;
	*p++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		*p++ = '"';
		for (const char *q = v[i]; *q != '\0'; q++) {
			if (*q == '"' || *q == '\\')
				*p++ = '\\';
			*p++ = *q;
		}
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
	return s;
}

/*
 * Enqueue in one statement: open jobs are locked and maybe raised, fresh APNs
 * counted as cache hits, the rest inserted.  Outcomes are joined, not looked
 * up per APN, so a batch costs in proportion to its size.  Idle workers
 * are woken (pdc_jobs) when something was queued or raised, in the same
 * statement: one round trip, and the batch stays one transaction.
 *
 * Two forms.  The quick one inserts plainly: jobs it found no open job for,
 * status rows it found none for (the others are updated).  A concurrent
 * enqueue of the same APN then fails it with a unique violation, and the
 * batch goes again in the careful form, where ON CONFLICT takes a
 * concurrent insert's job as open, and raises it when this batch asks for a
 * higher priority (the open CTE's snapshot cannot see a job committed while
 * the statement ran).  The quick form spares the speculative insertion ON
 * CONFLICT costs per row, about a third of writing a job.
 *
 * The careful form writes its rows in APN order, not input order: two runs
 * over the same APNs in different orders would otherwise each wait for a
 * row the other inserted, a deadlock the server breaks by failing one of
 * them, again and again on a busy machine.  In one order, one waits for
 * the other and goes on when it commits.
 */
#define ENQ_HEAD \
	"WITH input AS (" \
	"  SELECT DISTINCT ON (apn) apn, ord FROM unnest($1::text[]) WITH ORDINALITY AS t(apn, ord)" \
	"  ORDER BY apn, ord)," \
	" open AS (" \
	"  SELECT j.id, j.apn, j.priority FROM jobs j JOIN input i ON i.apn = j.apn" \
	"  WHERE j.state IN ('pending', 'active') FOR UPDATE OF j)," \
	" known AS (" \
	"  SELECT s.apn, s.status, s.completed_at FROM data_collection_status s JOIN input i ON i.apn = s.apn)," \
	" fresh AS (" \
	"  SELECT k.apn FROM known k" \
	"  WHERE NOT $5::boolean AND k.status = 'completed'" \
	"  AND k.completed_at > localtimestamp - make_interval(secs => $3::float8 * 3600)" \
	"  AND NOT EXISTS (SELECT 1 FROM open o WHERE o.apn = k.apn))," \
	" raised_open AS (" \
	"  UPDATE jobs j SET priority = $2::smallint FROM open o" \
	"  WHERE j.id = o.id AND o.priority > $2::smallint RETURNING j.apn),"
#define ENQ_ROWS(order) \
	"  INSERT INTO jobs (apn, priority, max_attempts)" \
	"  SELECT i.apn, $2::smallint, $4::int FROM input i" \
	"  WHERE NOT EXISTS (SELECT 1 FROM open o WHERE o.apn = i.apn)" \
	"  AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.apn = i.apn)" \
	"  ORDER BY " order
#define ENQ_TAIL \
	" cnt AS (" \
	"  INSERT INTO counters (name, value) VALUES" \
	"  ('cache_hits', (SELECT count(*) FROM fresh)), ('queued', (SELECT count(*) FROM ins))" \
	"  ON CONFLICT (name) DO UPDATE SET value = counters.value + EXCLUDED.value)," \
	" wake AS (" \
	"  SELECT pg_notify('pdc_jobs', '') FROM" \
	"  (SELECT 1 FROM ins UNION ALL SELECT 1 FROM raised LIMIT 1) x)" \
	" SELECT t.apn, CASE WHEN ins.apn IS NOT NULL THEN 0 WHEN f.apn IS NOT NULL THEN 1" \
	"  WHEN r.apn IS NOT NULL THEN 3 ELSE 2 END, (SELECT count(*) FROM wake)" \
	" FROM unnest($1::text[]) WITH ORDINALITY AS t(apn, ord)" \
	" LEFT JOIN ins ON ins.apn = t.apn LEFT JOIN fresh f ON f.apn = t.apn" \
	" LEFT JOIN raised r ON r.apn = t.apn" \
	" ORDER BY t.ord"

static struct pdc_stmt st_enqueue_quick = { "pdc_enqueue_quick",
	ENQ_HEAD
	" ins AS (" ENQ_ROWS("i.ord") " RETURNING apn),"
	" raised AS (SELECT apn FROM raised_open),"
	" stu AS ("
	"  UPDATE data_collection_status s SET status = 'pending', error_message = NULL"
	"  FROM known k JOIN ins ON ins.apn = k.apn WHERE s.apn = k.apn),"
	" sti AS ("
	"  INSERT INTO data_collection_status (apn, status) SELECT apn, 'pending' FROM ins"
	"  WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.apn = ins.apn)),"
	ENQ_TAIL, 5, 0 };

/* (xmax is 0 on a row the INSERT made, not on one its ON CONFLICT updated) */
static struct pdc_stmt st_enqueue_careful = { "pdc_enqueue_careful",
	ENQ_HEAD
	" up AS (" ENQ_ROWS("i.apn")
	"  ON CONFLICT (apn) WHERE state IN ('pending', 'active') DO UPDATE SET priority = EXCLUDED.priority"
	"  WHERE jobs.priority > EXCLUDED.priority RETURNING apn, xmax = 0 AS made),"
	" ins AS (SELECT apn FROM up WHERE made),"
	" raised AS (SELECT apn FROM raised_open UNION ALL SELECT apn FROM up WHERE NOT made),"
	" st AS ("
	"  INSERT INTO data_collection_status (apn, status) SELECT apn, 'pending' FROM ins ORDER BY apn"
	"  ON CONFLICT (apn) DO UPDATE SET status = 'pending', error_message = NULL),"
	ENQ_TAIL, 5, 0 };

struct slot {
	const char *apn;
	size_t i;
};

static int
slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	int c = strcmp(x->apn, y->apn);

	return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

/* The first of two equal APNs got the real outcome; later ones are open.
 * Sorted, so a large batch costs n log n.  0, or -1 when out of memory. */
static int
later_duplicates_open(const char *const *apns, size_t n, enum pdc_enqueued *out)
{
	struct slot *v = calloc(n, sizeof(*v));

	if (v == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		v[i].apn = apns[i];
		v[i].i = i;
	}
	qsort(v, n, sizeof(*v), slot_cmp);
	for (size_t k = 1; k < n; k++)
		if (strcmp(v[k].apn, v[k - 1].apn) == 0)
			out[v[k].i] = PDC_ENQ_OPEN;
	free(v);
	return 0;
}

int
pdc_queue_enqueue_send(struct pdc_conn *c, const char *const *apns, size_t n, int priority,
    int max_attempts, double fresh_hours, bool force, bool careful, struct pdc_err *err)
{
	char prio[8], maxa[16], hours[32];
	char *arr;
	const char *params[5];
	int rc;

	if ((arr = pdc_queue_array(apns, n)) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	snprintf(prio, sizeof(prio), "%d", priority);
	snprintf(maxa, sizeof(maxa), "%d", max_attempts);
	snprintf(hours, sizeof(hours), "%.6f", fresh_hours);
	params[0] = arr;
	params[1] = prio;
	params[2] = hours;
	params[3] = maxa;
	params[4] = force ? "true" : "false";
	rc = pdc_db_start(c, careful ? &st_enqueue_careful : &st_enqueue_quick, params, err);
	free(arr);
	return rc;
}

int
pdc_queue_enqueue_recv(struct pdc_conn *c, struct pdc_conn *also, const char *const *apns, size_t n,
    bool careful, enum pdc_enqueued *out, struct pdc_err *err)
{
	PGresult *res = pdc_db_wait(c, careful ? &st_enqueue_careful : &st_enqueue_quick, also, err);

	if (res == NULL)
		return -1;
	if ((size_t)PQntuples(res) != n) {
		int got = PQntuples(res);

		PQclear(res);
		return pdc_err_set(err, PDC_E_SYSTEM, "enqueue: %d rows for %zu APNs", got, n);
	}
	for (size_t i = 0; i < n; i++)
		out[i] = (enum pdc_enqueued)strtol(PQgetvalue(res, (int)i, 1), NULL, 10);
	PQclear(res);
	if (later_duplicates_open(apns, n, out) == -1)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	return 0;
}

int
pdc_queue_enqueue(struct pdc_conn *c, const char *const *apns, size_t n, int priority,
    int max_attempts, double fresh_hours, bool force, enum pdc_enqueued *out, struct pdc_err *err)
{
	if (n == 0)
		return 0;
	for (int careful = 0; careful < 2; careful++) {
		if (pdc_queue_enqueue_send(c, apns, n, priority, max_attempts, fresh_hours, force, careful,
		    err) == -1)
			return -1;
		if (pdc_queue_enqueue_recv(c, NULL, apns, n, careful, out, err) == 0)
			return 0;
		if (err->kind != PDC_E_TRANSIENT)
			return -1;
	}
	return -1;
}

static struct pdc_stmt st_claim = { "pdc_claim",
	"WITH c AS ("
	"  SELECT id FROM jobs WHERE state = 'pending' AND run_after <= now() AND priority <= $4"
	"  ORDER BY priority, run_after, id LIMIT $1 FOR UPDATE SKIP LOCKED),"
	" u AS ("
	"  UPDATE jobs j SET state = 'active', attempts = j.attempts + 1,"
	"  lease_until = now() + make_interval(secs => $2::int), lease_token = nextval('jobs_lease_seq'),"
	"  worker = $3, started_at = now()"
	"  FROM c WHERE j.id = c.id"
	"  RETURNING j.id, j.apn, j.priority, j.attempts, j.max_attempts, j.lease_token),"
	" s AS ("
	"  INSERT INTO data_collection_status (apn, status, started_at)"
	"  SELECT apn, 'active', localtimestamp FROM u"
	"  ON CONFLICT (apn) DO UPDATE SET status = 'active', started_at = EXCLUDED.started_at)"
	" SELECT id, apn, priority, attempts, max_attempts, lease_token FROM u ORDER BY priority, id", 4, 0 };

int
pdc_queue_claim(struct pdc_conn *c, const char *worker, int lease_seconds,
    struct pdc_job *jobs, int max, struct pdc_err *err)
{
	return pdc_queue_claim_upto(c, worker, lease_seconds, jobs, max, PDC_PRIO_LOW, err);
}

int
pdc_queue_claim_upto(struct pdc_conn *c, const char *worker, int lease_seconds,
    struct pdc_job *jobs, int max, int upto, struct pdc_err *err)
{
	char lim[16], lease[16], up[16];
	const char *params[4] = { lim, lease, worker, up };
	PGresult *res;
	int n;

	snprintf(lim, sizeof(lim), "%d", max);
	snprintf(up, sizeof(up), "%d", upto);
	snprintf(lease, sizeof(lease), "%d", lease_seconds);
	if ((res = pdc_db_run(c, &st_claim, params, err)) == NULL)
		return -1;
	n = PQntuples(res);
	for (int i = 0; i < n && i < max; i++) {
		struct pdc_job *j = &jobs[i];

		j->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		strlcpy(j->apn, PQgetvalue(res, i, 1), sizeof(j->apn));
		j->priority = (int)strtol(PQgetvalue(res, i, 2), NULL, 10);
		j->attempts = (int)strtol(PQgetvalue(res, i, 3), NULL, 10);
		j->max_attempts = (int)strtol(PQgetvalue(res, i, 4), NULL, 10);
		j->token = strtoll(PQgetvalue(res, i, 5), NULL, 10);
	}
	PQclear(res);
	return n;
}

static struct pdc_stmt st_complete = { "pdc_complete",
	"WITH u AS ("
	"  UPDATE jobs SET state = 'completed', finished_at = now(), lease_until = NULL,"
	"  duration_ms = $3, parts = $4, last_error = NULL"
	"  WHERE id = $1 AND lease_token = $2 AND state = 'active' RETURNING apn),"
	" s AS ("
	"  INSERT INTO data_collection_status (apn, status, completed_at, error_message)"
	"  SELECT apn, 'completed', localtimestamp, NULL FROM u"
	"  ON CONFLICT (apn) DO UPDATE SET status = 'completed', completed_at = EXCLUDED.completed_at,"
	"  error_message = NULL),"
	" n AS (SELECT pg_notify('pdc_done', apn) FROM u)"
	" SELECT apn, (SELECT count(*) FROM n) FROM u", 4, 0 };

static struct pdc_stmt st_complete_n = { "pdc_complete_n",
	"WITH i AS ("
	"  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[]) AS t(id, tok, ms, parts)),"
	" u AS ("
	"  UPDATE jobs j SET state = 'completed', finished_at = now(), lease_until = NULL,"
	"  duration_ms = i.ms, parts = i.parts, last_error = NULL"
	"  FROM i WHERE j.id = i.id AND j.lease_token = i.tok AND j.state = 'active'"
	"  RETURNING j.id, j.apn),"
	" s AS ("
	"  INSERT INTO data_collection_status (apn, status, completed_at, error_message)"
	"  SELECT apn, 'completed', localtimestamp, NULL FROM u ORDER BY apn"
	"  ON CONFLICT (apn) DO UPDATE SET status = 'completed', completed_at = EXCLUDED.completed_at,"
	"  error_message = NULL),"
	" n AS (SELECT pg_notify('pdc_done', apn) FROM u)"
	" SELECT id, (SELECT count(*) FROM n) FROM u", 4, 0 };

static struct pdc_stmt st_fail = { "pdc_fail",
	"WITH u AS ("
	"  UPDATE jobs SET state = 'failed', finished_at = now(), lease_until = NULL,"
	"  duration_ms = $3, last_error = $4"
	"  WHERE id = $1 AND lease_token = $2 AND state = 'active' RETURNING apn),"
	" s AS ("
	"  INSERT INTO data_collection_status (apn, status, error_message)"
	"  SELECT apn, 'failed', $4 FROM u"
	"  ON CONFLICT (apn) DO UPDATE SET status = 'failed', error_message = EXCLUDED.error_message),"
	" n AS (SELECT pg_notify('pdc_done', apn) FROM u)"
	" SELECT apn, (SELECT count(*) FROM n) FROM u", 4, 0 };

static struct pdc_stmt st_retry = { "pdc_retry",
	"WITH u AS ("
	"  UPDATE jobs SET state = 'pending', run_after = now() + make_interval(secs => $3::float8),"
	"  lease_until = NULL, lease_token = NULL, last_error = $4"
	"  WHERE id = $1 AND lease_token = $2 AND state = 'active' RETURNING apn)"
	" INSERT INTO data_collection_status (apn, status, error_message)"
	" SELECT apn, 'pending', $4 FROM u"
	" ON CONFLICT (apn) DO UPDATE SET status = 'pending', error_message = EXCLUDED.error_message"
	" RETURNING apn", 4, 0 };

static struct pdc_stmt st_release = { "pdc_release",
	"WITH u AS ("
	"  UPDATE jobs SET state = 'pending', attempts = greatest(attempts - 1, 0),"
	"  lease_until = NULL, lease_token = NULL"
	"  WHERE id = $1 AND lease_token = $2 AND state = 'active' RETURNING apn)"
	" INSERT INTO data_collection_status (apn, status) SELECT apn, 'pending' FROM u"
	" ON CONFLICT (apn) DO UPDATE SET status = 'pending'"
	" RETURNING apn", 2, 0 };

/* Run a fenced statement: no row back means the lease is gone. */
static int
fenced(struct pdc_conn *c, struct pdc_stmt *st, const struct pdc_job *job,
    const char *p3, const char *p4, struct pdc_err *err)
{
	char id[24], tok[24];
	const char *params[4] = { id, tok, p3, p4 };
	PGresult *res;
	int n;

	snprintf(id, sizeof(id), "%lld", (long long)job->id);
	snprintf(tok, sizeof(tok), "%lld", (long long)job->token);
	if ((res = pdc_db_run(c, st, params, err)) == NULL)
		return -1;
	n = PQntuples(res);
	PQclear(res);
	if (n == 0)
		return pdc_err_set(err, PDC_E_FENCED, "job %lld for APN %s: lease lost to another attempt",
		    (long long)job->id, job->apn);
	return 0;
}

int
pdc_queue_complete(struct pdc_conn *c, const struct pdc_job *job, long duration_ms,
    unsigned parts, struct pdc_err *err)
{
	char ms[24], pt[16];

	snprintf(ms, sizeof(ms), "%ld", duration_ms);
	snprintf(pt, sizeof(pt), "%u", parts);
	return fenced(c, &st_complete, job, ms, pt, err);
}

/* "{a,b,...}" of the N numbers GET(i, ARG) as a new string; NULL when out of memory. */
static char *
int_array(size_t n, long long (*get)(size_t, const void *), const void *arg)
{
	size_t cap = 2 + n * 21 + 1, len = 0;
	char *s = malloc(cap);

	if (s == NULL)
		return NULL;
	s[len++] = '{';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%lld", i ? "," : "", get(i, arg));
	s[len++] = '}';
	s[len] = '\0';
	return s;
}

static long long get_id(size_t i, const void *a) { return ((const struct pdc_job *)a)[i].id; }
static long long get_tok(size_t i, const void *a) { return ((const struct pdc_job *)a)[i].token; }
static long long get_long(size_t i, const void *a) { return ((const long *)a)[i]; }
static long long get_uns(size_t i, const void *a) { return ((const unsigned *)a)[i]; }

int
pdc_queue_complete_n(struct pdc_conn *c, const struct pdc_job *jobs, size_t n,
    const long *duration_ms, const unsigned *parts, bool *done, struct pdc_err *err)
{
	char *arr[4];
	PGresult *res = NULL;
	int got = -1;

	if (n == 0)
		return 0;
	arr[0] = int_array(n, get_id, jobs);
	arr[1] = int_array(n, get_tok, jobs);
	arr[2] = int_array(n, get_long, duration_ms);
	arr[3] = int_array(n, get_uns, parts);
	if (arr[0] == NULL || arr[1] == NULL || arr[2] == NULL || arr[3] == NULL)
		pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	else
		res = pdc_db_run(c, &st_complete_n, (const char *const *)arr, err);
	for (int k = 0; k < 4; k++)
		free(arr[k]);
	if (res == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		done[i] = false;
	got = PQntuples(res);
	for (int r = 0; r < got; r++) {
		int64_t id = strtoll(PQgetvalue(res, r, 0), NULL, 10);

		for (size_t i = 0; i < n; i++)
			if (jobs[i].id == id)
				done[i] = true;
	}
	PQclear(res);
	return got;
}

int
pdc_queue_fail(struct pdc_conn *c, const struct pdc_job *job, long duration_ms,
    const char *reason, struct pdc_err *err)
{
	char ms[24];

	snprintf(ms, sizeof(ms), "%ld", duration_ms);
	return fenced(c, &st_fail, job, ms, reason, err);
}

int
pdc_queue_retry(struct pdc_conn *c, const struct pdc_job *job, double delay,
    const char *reason, struct pdc_err *err)
{
	char d[32];

	snprintf(d, sizeof(d), "%.3f", delay);
	return fenced(c, &st_retry, job, d, reason, err);
}

int
pdc_queue_release(struct pdc_conn *c, const struct pdc_job *job, struct pdc_err *err)
{
	return fenced(c, &st_release, job, NULL, NULL, err);
}

static struct pdc_stmt st_reap = { "pdc_reap",
	"WITH e AS ("
	"  SELECT id FROM jobs WHERE state = 'active' AND lease_until < now()"
	"  FOR UPDATE SKIP LOCKED),"
	" u AS ("
	"  UPDATE jobs j SET"
	"  state = CASE WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'pending' END,"
	"  finished_at = CASE WHEN j.attempts >= j.max_attempts THEN now() END,"
	"  last_error = 'lease expired: worker ' || coalesce(j.worker, '?') || ' stopped or timed out',"
	"  lease_until = NULL, lease_token = NULL, run_after = now()"
	"  FROM e WHERE j.id = e.id RETURNING j.apn, j.state, j.last_error),"
	" s AS ("
	"  INSERT INTO data_collection_status (apn, status, error_message)"
	"  SELECT apn, state, last_error FROM u"
	"  ON CONFLICT (apn) DO UPDATE SET status = EXCLUDED.status, error_message = EXCLUDED.error_message),"
	" n AS (SELECT pg_notify('pdc_jobs', '') FROM (SELECT 1 FROM u LIMIT 1) x)"
	" SELECT count(*), (SELECT count(*) FROM n) FROM u", 0, 0 };

static struct pdc_stmt st_extend = { "pdc_extend_leases",
	"UPDATE jobs SET lease_until = now() + make_interval(secs => $2::int)"
	" WHERE worker = $1 AND state = 'active' AND lease_until > now()"
	" AND started_at > now() - make_interval(secs => 12 * $2::int)", 2, 0 };

long
pdc_queue_extend(struct pdc_conn *c, const char *worker, int lease_seconds,
    struct pdc_err *err)
{
	char lease[16];
	const char *params[2] = { worker, lease };

	snprintf(lease, sizeof(lease), "%d", lease_seconds);
	return pdc_db_do(c, &st_extend, params, err);
}

/*
 * Fold the job count changes (sql/003_queue.sql) into one row per state and
 * priority.  One statement, so the totals never change; two workers folding
 * at once each fold the rows they deleted.
 */
static struct pdc_stmt st_fold = { "pdc_fold_counts",
	"WITH d AS (DELETE FROM job_counts RETURNING state, priority, n)"
	" INSERT INTO job_counts (state, priority, n)"
	" SELECT state, priority, sum(n) FROM d GROUP BY state, priority HAVING sum(n) <> 0", 0, 0 };

long
pdc_queue_reap(struct pdc_conn *c, struct pdc_err *err)
{
	PGresult *res = pdc_db_run(c, &st_reap, NULL, err);
	long n;

	if (res == NULL)
		return -1;
	n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	if (pdc_db_do(c, &st_fold, NULL, err) == -1)
		return -1;
	return n;
}

static struct pdc_stmt st_prune = { "pdc_prune",
	"DELETE FROM jobs WHERE id IN ("
	"  SELECT id FROM jobs WHERE state IN ('completed', 'failed', 'cancelled')"
	"  AND finished_at < now() - make_interval(secs => $1::float8 * 3600) LIMIT 10000)", 1, 0 };

long
pdc_queue_prune(struct pdc_conn *c, double keep_hours, struct pdc_err *err)
{
	char h[32];
	const char *params[1] = { h };

	snprintf(h, sizeof(h), "%.3f", keep_hours);
	return pdc_db_do(c, &st_prune, params, err);
}

static struct pdc_stmt st_settled = { "pdc_settled",
	"SELECT NOT EXISTS (SELECT 1 FROM jobs WHERE state = 'active')"
	" AND NOT EXISTS (SELECT 1 FROM jobs WHERE state = 'pending'"
	"  AND run_after <= now() + make_interval(secs => $1::float8))", 1, 0 };

int
pdc_queue_settled(struct pdc_conn *c, double horizon, struct pdc_err *err)
{
	char h[32];
	const char *params[1] = { h };
	PGresult *res;
	int settled;

	snprintf(h, sizeof(h), "%.3f", horizon);
	if ((res = pdc_db_run(c, &st_settled, params, err)) == NULL)
		return -1;
	settled = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return settled;
}

static struct pdc_stmt st_lookup = { "pdc_lookup",
	"SELECT i.apn, j.state, j.priority, j.attempts,"
	"  to_char(j.run_after AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"  s.status, to_char(s.completed_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"  coalesce(j.last_error, s.error_message),"
	"  s.status = 'completed' AND s.completed_at > localtimestamp - make_interval(secs => $2::float8 * 3600),"
	"  to_char(f.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	" FROM unnest($1::text[]) WITH ORDINALITY AS i(apn, ord)"
	" LEFT JOIN LATERAL (SELECT * FROM jobs WHERE jobs.apn = i.apn"
	"   AND state IN ('pending', 'active') LIMIT 1) j ON true"
	" LEFT JOIN data_collection_status s ON s.apn = i.apn"
	" LEFT JOIN LATERAL (SELECT finished_at FROM jobs WHERE jobs.apn = i.apn AND state = s.status"
	"   ORDER BY finished_at DESC LIMIT 1) f ON s.status IN ('failed', 'cancelled')"
	" ORDER BY i.ord", 2, 0 };

int
pdc_queue_lookup(struct pdc_conn *c, const char *const *apns, size_t n, double fresh_hours,
    struct pdc_apnstatus *out, struct pdc_err *err)
{
	char hours[32];
	char *arr;
	const char *params[2];
	PGresult *res;

	if (n == 0)
		return 0;
	if ((arr = pdc_queue_array(apns, n)) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	snprintf(hours, sizeof(hours), "%.6f", fresh_hours);
	params[0] = arr;
	params[1] = hours;
	res = pdc_db_run(c, &st_lookup, params, err);
	free(arr);
	if (res == NULL)
		return -1;
	for (size_t i = 0; i < n && (int)i < PQntuples(res); i++) {
		struct pdc_apnstatus *o = &out[i];
		int r = (int)i;
		const char *jstate = PQgetvalue(res, r, 1);
		const char *sstatus = PQgetvalue(res, r, 5);

		memset(o, 0, sizeof(*o));
		o->priority = -1;
		strlcpy(o->error, PQgetvalue(res, r, 7), sizeof(o->error));
		if (!PQgetisnull(res, r, 1)) {
			o->state = strcmp(jstate, "active") == 0 ? PDC_APN_ACTIVE : PDC_APN_PENDING;
			o->priority = (int)strtol(PQgetvalue(res, r, 2), NULL, 10);
			o->attempts = (int)strtol(PQgetvalue(res, r, 3), NULL, 10);
			strlcpy(o->when, PQgetvalue(res, r, 4), sizeof(o->when));
		} else if (strcmp(sstatus, "completed") == 0) {
			o->state = strcmp(PQgetvalue(res, r, 8), "t") == 0 ? PDC_APN_COMPLETE : PDC_APN_STALE;
			strlcpy(o->when, PQgetvalue(res, r, 6), sizeof(o->when));
			o->error[0] = '\0';
		} else if (strcmp(sstatus, "failed") == 0) {
			o->state = PDC_APN_FAILED;
			strlcpy(o->when, PQgetvalue(res, r, 9), sizeof(o->when));
		} else if (strcmp(sstatus, "cancelled") == 0) {
			o->state = PDC_APN_CANCELLED;
			strlcpy(o->when, PQgetvalue(res, r, 9), sizeof(o->when));
			o->error[0] = '\0';
		} else {
			o->state = PDC_APN_NONE;
			o->error[0] = '\0';
		}
	}
	PQclear(res);
	return 0;
}
