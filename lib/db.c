#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "log.h"
#include "migrate.h"
#include "pgctl.h"

static atomic_int next_stmt_id;
static atomic_uint_fast64_t total_queries;
static atomic_uint_fast64_t total_us;
static bool slow_on;
static double slow_threshold = 2.0;

void
pdc_db_set_slow(bool on, double threshold)
{
	slow_on = on;
	slow_threshold = threshold;
}

void
pdc_db_totals(uint64_t *queries, double *ms)
{
	*queries = atomic_load(&total_queries);
	*ms = atomic_load(&total_us) / 1000.0;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
pdc_db_conninfo(const struct pdc_config *cfg, bool start, char *buf, size_t len,
    struct pdc_err *err)
{
	struct pdc_pgctl pc;

	if (cfg->database_url != NULL && cfg->database_url[0] != '\0') {
		if (strlcpy(buf, cfg->database_url, len) >= len)
			return pdc_err_set(err, PDC_E_CONFIG, "database.url: too long");
		return 0;
	}
	if (pdc_pgctl_locate(&pc, err) == -1)
		return -1;
	if (start && pdc_pgctl_status(&pc) != 1 && pdc_pgctl_start(&pc, err) == -1)
		return -1;
	pdc_pgctl_conninfo(&pc, buf, len);
	return 0;
}

/* The first line of libpq's message, which never holds the password. */
static void
first_line(const char *msg, char *out, size_t len)
{
	size_t n = strcspn(msg, "\n");

	if (n >= len)
		n = len - 1;
	memcpy(out, msg, n);
	out[n] = '\0';
}

struct pdc_conn *
pdc_db_connect(const char *conninfo, const char *appname, struct pdc_err *err)
{
	const char *keys[] = { "dbname", "fallback_application_name", "options", "connect_timeout", NULL };
	const char *vals[] = { conninfo, appname,
	    "-c search_path=public -c TimeZone=UTC -c client_min_messages=warning", "10", NULL };
	struct pdc_conn *c;
	char line[400];

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		return NULL;
	}
	/* expand_dbname: the conninfo string or URI supplies the rest. */
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		first_line(c->pg ? PQerrorMessage(c->pg) : "out of memory", line, sizeof(line));
		pdc_err_set(err, PDC_E_UNAVAILABLE, "database unavailable: %s", line);
		pdc_db_close(c);
		return NULL;
	}
	return c;
}

void
pdc_db_close(struct pdc_conn *c)
{
	if (c == NULL)
		return;
	if (c->pg != NULL)
		PQfinish(c->pg);
	free(c);
}

bool
pdc_db_broken(const struct pdc_conn *c)
{
	return c == NULL || c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK;
}

int
pdc_db_error(struct pdc_conn *c, const PGresult *res, const char *what, struct pdc_err *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : "";
	enum pdc_errkind kind = PDC_E_SYSTEM;
	char line[400];

	if (msg == NULL || *msg == '\0')
		msg = c && c->pg ? PQerrorMessage(c->pg) : "connection lost";
	first_line(msg, line, sizeof(line));
	if (state == NULL || strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	    strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0 || pdc_db_broken(c))
		kind = PDC_E_UNAVAILABLE;
	else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		kind = PDC_E_TRANSIENT;
	return pdc_err_set(err, kind, "%s: %s", what, line);
}

static int
prepare(struct pdc_conn *c, struct pdc_stmt *st, struct pdc_err *err)
{
	int id = __atomic_load_n(&st->id, __ATOMIC_ACQUIRE);
	PGresult *res;

	if (id == 0) {
		int fresh = atomic_fetch_add(&next_stmt_id, 1) + 1;
		int expected = 0;

		if (!__atomic_compare_exchange_n(&st->id, &expected, fresh, 0,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			fresh = expected;
		id = fresh;
	}
	if (id > PDC_DB_MAXSTMT)
		return pdc_err_set(err, PDC_E_SYSTEM, "too many prepared statements");
	if (c->prepared & (UINT64_C(1) << (id - 1)))
		return 0;
	res = PQprepare(c->pg, st->name, st->sql, st->nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pdc_db_error(c, res, st->name, err);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	c->prepared |= UINT64_C(1) << (id - 1);
	return 0;
}

static void
account(const char *name, double t0)
{
	double dt = now_seconds() - t0;

	atomic_fetch_add(&total_queries, 1);
	atomic_fetch_add(&total_us, (uint_fast64_t)(dt * 1e6));
	if (slow_on && dt >= slow_threshold)
		pdc_log(PDC_LOG_WARNING, "Slow query detected - %s: %.1fs", name, dt);
}

PGresult *
pdc_db_run(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    struct pdc_err *err)
{
	return pdc_db_runv(c, st, params, NULL, NULL, err);
}

PGresult *
pdc_db_runv(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    const int *lengths, const int *formats, struct pdc_err *err)
{
	PGresult *res;
	ExecStatusType s;
	double t0 = now_seconds();

	if (pdc_db_broken(c)) {
		pdc_err_set(err, PDC_E_UNAVAILABLE, "%s: database connection lost", st->name);
		return NULL;
	}
	if (prepare(c, st, err) == -1)
		return NULL;
	res = PQexecPrepared(c->pg, st->name, st->nparams, params, lengths, formats, 0);
	account(st->name, t0);
	s = PQresultStatus(res);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		pdc_db_error(c, res, st->name, err);
		PQclear(res);
		return NULL;
	}
	return res;
}

long
pdc_db_do(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    struct pdc_err *err)
{
	PGresult *res = pdc_db_run(c, st, params, err);
	long n;

	if (res == NULL)
		return -1;
	n = strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return n;
}

int
pdc_db_exec(struct pdc_conn *c, const char *sql, struct pdc_err *err)
{
	PGresult *res;
	ExecStatusType s;
	double t0 = now_seconds();

	if (pdc_db_broken(c))
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "database connection lost");
	res = PQexec(c->pg, sql);
	account(sql, t0);
	s = PQresultStatus(res);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		pdc_db_error(c, res, sql, err);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

int
pdc_db_begin(struct pdc_conn *c, struct pdc_err *err)
{
	if (pdc_db_exec(c, "BEGIN", err) == -1)
		return -1;
	c->in_txn = true;
	return 0;
}

int
pdc_db_commit(struct pdc_conn *c, struct pdc_err *err)
{
	c->in_txn = false;
	return pdc_db_exec(c, "COMMIT", err);
}

void
pdc_db_rollback(struct pdc_conn *c)
{
	c->in_txn = false;
	if (!pdc_db_broken(c))
		pdc_db_exec(c, "ROLLBACK", NULL);
}

struct pdc_conn *
pdc_db_open(const struct pdc_config *cfg, const char *appname, struct pdc_err *err)
{
	char ci[8192];
	struct pdc_conn *c;
	int cur;

	if (pdc_db_conninfo(cfg, true, ci, sizeof(ci), err) == -1)
		return NULL;
	if ((c = pdc_db_connect(ci, appname, err)) == NULL)
		return NULL;
	cur = pdc_migrate_current(c->pg, err);
	if (cur == -1 || (cur < pdc_migrate_latest() && pdc_migrate(c->pg, NULL, err) == -1)) {
		pdc_db_close(c);
		return NULL;
	}
	return c;
}
