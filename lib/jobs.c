#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "input.h"
#include "jobs.h"
#include "queue.h"

#define LIST_PAGE 5000
#define STR(x) #x
#define XSTR(x) STR(x)
#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* The oldest age asked of the database: older moments are out of its range, or meaningless. */
#define AGE_MAX (100 * 366 * 86400.0)

int
pdc_jobs_parse_age(const char *s, double *seconds, struct pdc_err *err)
{
	static const struct { char unit; double secs; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 7 * 86400 }
	};
	const char *p = s;
	double v, mult = 0;

	/* Digits, perhaps a fraction: strtod alone would take "0x10", "1e3" or "nan". */
	while (isdigit((unsigned char)*p))
		p++;
	if (p > s && *p == '.' && isdigit((unsigned char)p[1]))
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (p == s)
		goto bad;
	if (*p == '\0')
		mult = 1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && mult == 0; i++)
		if (p[0] == units[i].unit && p[1] == '\0')
			mult = units[i].secs;
	if (mult == 0)
		goto bad;
	v = strtod(s, NULL) * mult;
	if (!(v <= AGE_MAX))
		return pdc_err_set(err, PDC_E_INPUT, "bad age \"%.40s\" (over 100 years)", s);
	*seconds = v;
	return 0;
bad:
	return pdc_err_set(err, PDC_E_INPUT, "bad age \"%.40s\" (a number and s, m, h, d or w)", s);
}

/* Exactly N digits at *P, as a number; -1 when they are not there. */
static int
digits(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

int
pdc_jobs_parse_time(const char *s, double *epoch, struct pdc_err *err)
{
	const char *p = s;
	struct tm tm;
	double age;
	int hh = 0, mi = 0, ss = 0;

	if (strchr(s, '-') == NULL) {
		if (pdc_jobs_parse_age(s, &age, err) == -1)
			goto bad;
		*epoch = (double)time(NULL) - age;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	if ((tm.tm_year = digits(&p, 4)) < 0 || *p++ != '-' || (tm.tm_mon = digits(&p, 2)) < 1 ||
	    tm.tm_mon > 12 || *p++ != '-' || (tm.tm_mday = digits(&p, 2)) < 1 || tm.tm_mday > 31)
		goto bad;
	if (*p == 'T' || *p == ' ') {
		p++;
		if ((hh = digits(&p, 2)) < 0 || hh > 23 || *p++ != ':' || (mi = digits(&p, 2)) < 0 ||
		    mi > 59)
			goto bad;
		if (*p == ':' && (p++, (ss = digits(&p, 2)) < 0 || ss > 60))
			goto bad;
	}
	if (*p == 'Z')
		p++;
	if (*p != '\0')
		goto bad;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = hh;
	tm.tm_min = mi;
	tm.tm_sec = ss;
	/* timegm() would take February 31 for March 3: a day the month lacks is refused. */
	{
		struct tm back;
		int mday = tm.tm_mday;
		time_t t = timegm(&tm);	/* (normalizes TM) */

		if (t == (time_t)-1 || gmtime_r(&t, &back) == NULL || back.tm_mday != mday)
			goto bad;
		*epoch = (double)t;
	}
	return 0;
bad:
	return pdc_err_set(err, PDC_E_INPUT, "bad time \"%.40s\" (an age such as 2h, or "
	    "YYYY-MM-DD[THH:MM[:SS]] in UTC)", s);
}

int
pdc_jobs_check_pattern(const char *re, struct pdc_err *err)
{
	regex_t rx;
	char why[128];
	int rc;

	if ((rc = regcomp(&rx, re, REG_EXTENDED | REG_ICASE | REG_NOSUB)) != 0) {
		regerror(rc, &rx, why, sizeof(why));
		return pdc_err_set(err, PDC_E_INPUT, "bad pattern \"%.60s\": %s", re, why);
	}
	regfree(&rx);
	return 0;
}

static struct pdc_stmt st_pattern = { "pdc_jobs_check_pattern", "SELECT '' ~* $1::text", 1, 0 };

int
pdc_jobs_check_pattern_on(struct pdc_conn *c, const char *re, struct pdc_err *err)
{
	const char *params[1] = { re };
	PGresult *res;
	const char *why;

	if ((res = pdc_db_run(c, &st_pattern, params, err)) != NULL) {
		PQclear(res);
		return 0;
	}
	/* A live server refusing this statement refuses the pattern. */
	if (err->kind == PDC_E_UNAVAILABLE || err->kind == PDC_E_TRANSIENT)
		return -1;
	why = strstr(err->msg, "ERROR:");
	why = why != NULL ? why + strspn(why + 6, " ") + 6 : err->msg;
	return pdc_err_set(err, PDC_E_INPUT, "bad pattern \"%.60s\": %.200s", re, why);
}

bool
pdc_jobs_state_known(const char *s)
{
	static const char *const states[] = { "pending", "retrying", "active", "completed", "failed",
	    "cancelled" };

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(s, states[i]) == 0)
			return true;
	return false;
}

const char *
pdc_cancel_outcome_name(enum pdc_cancel_outcome o)
{
	switch (o) {
	case PDC_CANCEL_DONE:	return "cancelled";
	case PDC_CANCEL_ACTIVE:	return "active";
	case PDC_CANCEL_NONE:	return "none";
	}
	return "?";
}

/*
 * The open jobs are locked first, in id order, then changed: a claim or a
 * finish racing the cancel either goes first (the job is then no longer
 * what the cancel looks for) or waits.  Waiters on an APN (pdc_done) hear
 * that it is final; the worker holding an active one, pdc_cancel.
 */
#define CANCEL_TAIL \
	" u AS (" \
	"  UPDATE jobs j SET state = 'cancelled', finished_at = now(), lease_until = NULL" \
	"  FROM o WHERE j.id = o.id AND (o.state = 'pending' OR $3::boolean)" \
	"  RETURNING j.id, j.apn, o.state AS was)," \
	" s AS (" \
	"  UPDATE data_collection_status d SET status = 'cancelled' FROM u WHERE d.apn = u.apn)," \
	" k AS (SELECT pg_notify('pdc_cancel', id::text) FROM u WHERE was = 'active'),"

static struct pdc_stmt st_cancel_apns = { "pdc_jobs_cancel_apns",
	"WITH i AS (SELECT apn, ord, ord = min(ord) OVER (PARTITION BY apn) AS first"
	"  FROM unnest($1::text[]) WITH ORDINALITY AS t(apn, ord)),"
	" o AS ("
	"  SELECT j.id, j.apn, j.state FROM jobs j WHERE j.apn IN (SELECT apn FROM i)"
	"  AND j.state IN ('pending', 'active') AND ($2::smallint IS NULL OR j.priority = $2)"
	"  ORDER BY j.id FOR UPDATE OF j),"
	CANCEL_TAIL
	" n AS (SELECT pg_notify('pdc_done', apn) FROM u)"
	" SELECT i.apn, CASE WHEN NOT i.first THEN 2 WHEN u.apn IS NOT NULL THEN 0"
	"  WHEN o.apn IS NOT NULL THEN 1 ELSE 2 END,"
	"  (SELECT count(*) FROM n), (SELECT count(*) FROM k)"
	" FROM i LEFT JOIN u ON u.apn = i.apn LEFT JOIN o ON o.apn = i.apn ORDER BY i.ord", 3, 0 };

/* (one pdc_done for the lot: a waiter looks up its APNs again on any) */
static struct pdc_stmt st_cancel_all = { "pdc_jobs_cancel_all",
	"WITH o AS ("
	"  SELECT id, apn, state FROM jobs WHERE state IN ('pending', 'active')"
	"  AND ($1::smallint IS NULL OR priority = $1) AND ($2::boolean OR state = 'pending')"
	"  ORDER BY id FOR UPDATE),"
	CANCEL_TAIL
	" n AS (SELECT pg_notify('pdc_done', '') FROM (SELECT 1 FROM u LIMIT 1) x)"
	" SELECT (SELECT count(*) FROM u), (SELECT count(*) FROM jobs WHERE state = 'active'"
	"  AND ($1::smallint IS NULL OR priority = $1) AND NOT $2::boolean),"
	"  (SELECT count(*) FROM n), (SELECT count(*) FROM k)", 3, 0 };

int
pdc_jobs_cancel_apns(struct pdc_conn *c, const char *const *apns, size_t n, int priority,
    bool active, enum pdc_cancel_outcome *out, struct pdc_err *err)
{
	char prio[8], *arr;
	const char *params[3];
	PGresult *res;

	if (n == 0)
		return 0;
	if ((arr = pdc_queue_array(apns, n)) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	snprintf(prio, sizeof(prio), "%d", priority);
	params[0] = arr;
	params[1] = priority >= 0 ? prio : NULL;
	params[2] = active ? "true" : "false";
	res = pdc_db_run(c, &st_cancel_apns, params, err);
	free(arr);
	if (res == NULL)
		return -1;
	if ((size_t)PQntuples(res) != n) {
		int got = PQntuples(res);

		PQclear(res);
		return pdc_err_set(err, PDC_E_SYSTEM, "cancel: %d rows back for %zu APNs", got, n);
	}
	for (size_t i = 0; i < n; i++)
		out[i] = (enum pdc_cancel_outcome)strtol(PQgetvalue(res, (int)i, 1), NULL, 10);
	PQclear(res);
	return 0;
}

int
pdc_jobs_cancel_all(struct pdc_conn *c, int priority, bool active, long *cancelled, long *left,
    struct pdc_err *err)
{
	char prio[8];
	const char *params[3] = { priority >= 0 ? prio : NULL, active ? "true" : "false",
	    active ? "true" : "false" };
	PGresult *res;

	snprintf(prio, sizeof(prio), "%d", priority);
	if ((res = pdc_db_run(c, &st_cancel_all, params, err)) == NULL)
		return -1;
	*cancelled = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	*left = strtol(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return 0;
}

/*
 * The failed job looked at is each APN's latest; filters apply to it, so a
 * parcel that failed again since is judged by its last failure.
 */
static struct pdc_stmt st_retry_failed = { "pdc_jobs_retry_failed",
	"WITH i AS (SELECT apn, ord, ord = min(ord) OVER (PARTITION BY apn) AS first"
	"  FROM unnest($1::text[]) WITH ORDINALITY AS t(apn, ord)),"
	" latest AS ("
	"  SELECT DISTINCT ON (j.apn) j.id, j.apn, j.finished_at, j.last_error FROM jobs j"
	"  JOIN data_collection_status s ON s.apn = j.apn AND s.status = 'failed'"
	"  WHERE j.state = 'failed' AND ($1::text[] IS NULL OR j.apn = ANY ($1::text[]))"
	"  ORDER BY j.apn, j.finished_at DESC NULLS LAST, j.id DESC),"
	" f AS ("
	"  SELECT l.id FROM latest l"
	"  WHERE ($2::float8 IS NULL OR l.finished_at >= to_timestamp($2::float8))"
	"  AND ($3::text IS NULL OR l.last_error ~* $3::text)"
	"  AND NOT EXISTS (SELECT 1 FROM jobs o WHERE o.apn = l.apn AND o.state IN ('pending', 'active'))),"
	" u AS ("
	"  UPDATE jobs j SET state = 'pending', attempts = 0, max_attempts = $5::int,"
	"  priority = coalesce($4::smallint, j.priority), run_after = now(), started_at = NULL,"
	"  finished_at = NULL, lease_until = NULL, lease_token = NULL, worker = NULL, duration_ms = NULL"
	"  FROM f WHERE j.id = f.id AND j.state = 'failed' RETURNING j.apn),"
	" s AS ("
	"  UPDATE data_collection_status d SET status = 'pending', error_message = NULL"
	"  FROM u WHERE d.apn = u.apn),"
	" w AS (SELECT pg_notify('pdc_jobs', '') FROM (SELECT 1 FROM u LIMIT 1) x)"
	" SELECT coalesce(i.apn, u.apn), u.apn IS NOT NULL AND coalesce(i.first, true), (SELECT count(*) FROM w)"
	" FROM i FULL JOIN u ON u.apn = i.apn ORDER BY i.ord, u.apn", 5, 0 };

long
pdc_jobs_retry_failed(struct pdc_conn *c, const struct pdc_jobs_retry *r,
    int (*fn)(void *arg, const char *apn, bool retried), void *arg, struct pdc_err *err)
{
	char since[32], prio[8], maxa[16], *arr = NULL;
	const char *params[5];
	PGresult *res;
	long n = 0;

	if (r->apns != NULL && (arr = pdc_queue_array(r->apns, r->napns)) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	snprintf(since, sizeof(since), "%.3f", r->since);
	snprintf(prio, sizeof(prio), "%d", r->priority);
	snprintf(maxa, sizeof(maxa), "%d", r->max_attempts);
	params[0] = arr;
	params[1] = r->since >= 0 ? since : NULL;
	params[2] = r->error;
	params[3] = r->priority >= 0 ? prio : NULL;
	params[4] = maxa;
	res = pdc_db_run(c, &st_retry_failed, params, err);
	free(arr);
	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		bool retried = strcmp(PQgetvalue(res, i, 1), "t") == 0;

		n += retried;
		if (fn != NULL && fn(arg, PQgetvalue(res, i, 0), retried) == -1) {
			PQclear(res);
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		}
	}
	PQclear(res);
	return n;
}

struct run_item {
	char apn[PDC_APN_MAX];	/* "" for a bad input */
	char *raw;		/* what a bad input said, for its outcome */
};

struct pdc_jobs_run {
	struct pdc_conn *conn;
	struct pdc_jobs_run_opts o;
	struct run_item items[PDC_JOBS_BATCH];
	size_t nitems;
	const char *apns[PDC_JOBS_BATCH];	/* the good ones, sent */
	enum pdc_cancel_outcome out[PDC_JOBS_BATCH];
	size_t napns, nout;
	long done, left, bad;
	bool failed;		/* a batch failed: the run is over */
};

struct pdc_jobs_run *
pdc_jobs_run_new(struct pdc_conn *c, const struct pdc_jobs_run_opts *opts, struct pdc_err *err)
{
	struct pdc_jobs_run *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		return NULL;
	}
	r->conn = c;
	r->o = *opts;
	return r;
}

void
pdc_jobs_run_free(struct pdc_jobs_run *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nitems; i++)
		free(r->items[i].raw);
	free(r);
}

void
pdc_jobs_run_counts(const struct pdc_jobs_run *r, long *done, long *left, long *bad)
{
	*done = r->done;
	*left = r->left;
	*bad = r->bad;
}

/* A retried APN's outcome: the statement answers a row per APN sent, in order. */
static int
run_retried(void *arg, const char *apn, bool retried)
{
	struct pdc_jobs_run *r = arg;

	if (r->nout < r->napns)
		r->out[r->nout] = retried ? PDC_CANCEL_DONE : PDC_CANCEL_NONE;
	r->nout++;
	return 0;
}

/* Run the batch's good APNs in one statement, then deliver every outcome in input order. */
static int
run_batch(struct pdc_jobs_run *r, struct pdc_err *err)
{
	size_t k = 0;

	r->napns = r->nout = 0;
	for (size_t i = 0; i < r->nitems; i++)
		if (r->items[i].apn[0] != '\0')
			r->apns[r->napns++] = r->items[i].apn;
	if (r->napns > 0 && r->o.action == PDC_JOBS_RETRY) {
		struct pdc_jobs_retry q = r->o.retry;

		q.apns = r->apns;
		q.napns = r->napns;
		if (pdc_jobs_retry_failed(r->conn, &q, run_retried, r, err) == -1)
			goto fail;
		if (r->nout != r->napns) {
			pdc_err_set(err, PDC_E_SYSTEM, "retry: %zu rows back for %zu APNs", r->nout, r->napns);
			goto fail;
		}
	} else if (r->napns > 0 && pdc_jobs_cancel_apns(r->conn, r->apns, r->napns, r->o.priority,
	    r->o.active, r->out, err) == -1) {
		goto fail;
	}
	for (size_t i = 0; i < r->nitems; i++) {
		struct run_item *it = &r->items[i];
		const char *what = it->apn, *word = "bad";

		if (it->apn[0] == '\0') {
			what = it->raw;
			r->bad++;
		} else {
			enum pdc_cancel_outcome o = r->out[k++];

			word = r->o.action == PDC_JOBS_RETRY && o == PDC_CANCEL_DONE ? "retried" :
			    pdc_cancel_outcome_name(o);
			r->done += o == PDC_CANCEL_DONE;
			r->left += o == PDC_CANCEL_ACTIVE;
		}
		if (r->o.outcome(r->o.arg, what, word, err) == -1)
			goto fail;
		free(it->raw);
		it->raw = NULL;
	}
	r->nitems = 0;
	if (r->o.batch_done != NULL)
		r->o.batch_done(r->o.arg);
	return 0;
fail:
	r->failed = true;
	return -1;
}

int
pdc_jobs_run_add(struct pdc_jobs_run *r, const char *s, size_t len, bool is_arg,
    struct pdc_err *why, struct pdc_err *err)
{
	struct run_item *it;
	int k;

	pdc_err_clear(why);
	if (r->failed)
		return pdc_err_set(err, PDC_E_SYSTEM, "jobs: the run has failed already");
	it = &r->items[r->nitems];
	if ((k = pdc_enqueue_input(s, len, is_arg, it->apn, &it->raw, why, err)) == -1 ||
	    k == PDC_ENQUEUE_SKIPPED)
		return k;
	if (++r->nitems == PDC_JOBS_BATCH && run_batch(r, err) == -1)
		return -1;
	return k;
}

int
pdc_jobs_run_finish(struct pdc_jobs_run *r, struct pdc_err *err)
{
	if (r->failed)
		return pdc_err_set(err, PDC_E_SYSTEM, "jobs: the run has failed already");
	return r->nitems > 0 ? run_batch(r, err) : 0;
}

/*
 * Aged parcels straight into the job table.  ON CONFLICT leaves alone an
 * APN someone enqueued while the statement ran; the status rows of those
 * queued say pending, as an enqueue's do.
 */
static struct pdc_stmt st_refresh = { "pdc_jobs_refresh",
	"WITH old AS ("
	"  SELECT s.apn FROM data_collection_status s"
	"  WHERE s.completed_at < localtimestamp - make_interval(secs => $1::float8)"
	"  AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.apn = s.apn AND j.state IN ('pending', 'active'))),"
	" ins AS ("
	"  INSERT INTO jobs (apn, priority, max_attempts) SELECT apn, $2::smallint, $3::int FROM old"
	"  ORDER BY apn ON CONFLICT (apn) WHERE state IN ('pending', 'active') DO NOTHING RETURNING apn),"
	" st AS ("
	"  UPDATE data_collection_status s SET status = 'pending', error_message = NULL"
	"  FROM ins WHERE s.apn = ins.apn),"
	" cnt AS ("
	"  INSERT INTO counters (name, value) VALUES ('queued', (SELECT count(*) FROM ins))"
	"  ON CONFLICT (name) DO UPDATE SET value = counters.value + EXCLUDED.value),"
	" wake AS (SELECT pg_notify('pdc_jobs', '') FROM (SELECT 1 FROM ins LIMIT 1) x)"
	" SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM wake)", 3, 0 };

long
pdc_jobs_refresh(struct pdc_conn *c, double age, int priority, int max_attempts,
    struct pdc_err *err)
{
	char a[32], prio[8], maxa[16];
	const char *params[3] = { a, prio, maxa };
	PGresult *res;
	long n;

	snprintf(a, sizeof(a), "%.3f", age);
	snprintf(prio, sizeof(prio), "%d", priority);
	snprintf(maxa, sizeof(maxa), "%d", max_attempts);
	if ((res = pdc_db_run(c, &st_refresh, params, err)) == NULL)
		return -1;
	n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

/*
 * The jobs, through a cursor: one scan of the table in one snapshot, read
 * a page at a time.  Paging by id instead planned each page afresh, and
 * with a state filter the planner took the pending jobs' index and sorted
 * every matching job after the last page again for each page.  A job's age is that of its last change: when it finished, started, or
 * was queued.
 */
#define JOB_TIME "CASE WHEN state IN ('completed', 'failed', 'cancelled') THEN finished_at" \
	" WHEN state = 'active' THEN started_at ELSE created_at END"

static struct pdc_stmt st_list = { "pdc_jobs_list",
	"DECLARE pdc_jobs_list NO SCROLL CURSOR FOR"
	" SELECT id, apn, state, priority, attempts, max_attempts, " ISO("created_at") ","
	" CASE WHEN state = 'pending' THEN " ISO("run_after") " WHEN state = 'active' THEN " ISO("started_at")
	"  ELSE " ISO("finished_at") " END, last_error"
	" FROM jobs WHERE ($1::text IS NULL OR state = $1::text"
	"  OR ($1::text = 'retrying' AND state = 'pending' AND attempts > 0))"
	" AND ($2::smallint IS NULL OR priority = $2::smallint)"
	" AND ($3::float8 IS NULL OR " JOB_TIME " < now() - make_interval(secs => $3::float8))"
	" AND ($4::float8 IS NULL OR " JOB_TIME " >= now() - make_interval(secs => $4::float8))"
	" AND ($5::text IS NULL OR last_error ~* $5::text)"
	" AND ($6::text[] IS NULL OR apn = ANY ($6::text[]))"
	" ORDER BY id", 6, 0 };

static struct pdc_stmt st_list_page = { "pdc_jobs_list_page",
	"FETCH " XSTR(LIST_PAGE) " FROM pdc_jobs_list", 0, 0 };

/* Each row of RES to FN; how many, or -1. */
static long
list_rows(PGresult *res, int (*fn)(void *, const struct pdc_jobrow *, struct pdc_err *), void *arg,
    struct pdc_err *err)
{
	int n = PQntuples(res);

	for (int i = 0; i < n; i++) {
		struct pdc_jobrow row;

#define CELL(k) (PQgetisnull(res, i, k) ? NULL : PQgetvalue(res, i, k))
		row.id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		row.apn = PQgetvalue(res, i, 1);
		row.state = PQgetvalue(res, i, 2);
		row.priority = (int)strtol(PQgetvalue(res, i, 3), NULL, 10);
		row.attempts = (int)strtol(PQgetvalue(res, i, 4), NULL, 10);
		row.max_attempts = (int)strtol(PQgetvalue(res, i, 5), NULL, 10);
		row.queued = CELL(6);
		row.time = CELL(7);
		row.error = CELL(8);
#undef CELL
		if (fn(arg, &row, err) == -1)
			return -1;
	}
	return n;
}

long
pdc_jobs_list(struct pdc_conn *c, const struct pdc_jobs_filter *f,
    int (*fn)(void *arg, const struct pdc_jobrow *row, struct pdc_err *err), void *arg,
    struct pdc_err *err)
{
	char prio[8], older[32], newer[32], *arr = NULL;
	const char *params[6];
	PGresult *res;
	long total = 0, got;

	if (f->apns != NULL && (arr = pdc_queue_array(f->apns, f->napns)) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	snprintf(prio, sizeof(prio), "%d", f->priority);
	snprintf(older, sizeof(older), "%.3f", f->older);
	snprintf(newer, sizeof(newer), "%.3f", f->newer);
	params[0] = f->state;
	params[1] = f->priority >= 0 ? prio : NULL;
	params[2] = f->older >= 0 ? older : NULL;
	params[3] = f->newer >= 0 ? newer : NULL;
	params[4] = f->error;
	params[5] = arr;
	if (pdc_db_begin(c, err) == -1) {
		free(arr);
		return -1;
	}
	res = pdc_db_run(c, &st_list, params, err);
	free(arr);
	if (res == NULL)
		goto fail;
	PQclear(res);
	do {
		if ((res = pdc_db_run(c, &st_list_page, NULL, err)) == NULL)
			goto fail;
		got = list_rows(res, fn, arg, err);
		PQclear(res);
		if (got == -1)
			goto fail;
		total += got;
	} while (got == LIST_PAGE);
	if (pdc_db_commit(c, err) == -1)
		goto fail;
	return total;
fail:
	pdc_db_rollback(c);
	return -1;
}

static struct pdc_stmt st_cancelled = { "pdc_jobs_cancelled",
	"SELECT id FROM jobs WHERE id = ANY ($1::bigint[]) AND state = 'cancelled'", 1, 0 };

int
pdc_jobs_cancelled(struct pdc_conn *c, const int64_t *ids, size_t n, bool *cancelled,
    struct pdc_err *err)
{
	size_t cap = 3 + n * 21, len = 0;
	char *arr;
	const char *params[1];
	PGresult *res;

	for (size_t i = 0; i < n; i++)
		cancelled[i] = false;
	if (n == 0)
		return 0;
	if ((arr = malloc(cap)) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	arr[len++] = '{';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(arr + len, cap - len, "%s%lld", i ? "," : "", (long long)ids[i]);
	arr[len++] = '}';
	arr[len] = '\0';
	params[0] = arr;
	res = pdc_db_run(c, &st_cancelled, params, err);
	free(arr);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		int64_t id = strtoll(PQgetvalue(res, r, 0), NULL, 10);

		for (size_t i = 0; i < n; i++)
			if (ids[i] == id)
				cancelled[i] = true;
	}
	PQclear(res);
	return 0;
}
