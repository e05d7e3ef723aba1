#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "clock.h"
#include "log.h"
#include "migrate.h"
#include "pgctl.h"
#include "db_int.h"

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
	free(c->pend);
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

/* ST's number, given on first use; bit (id - 1) of pdc_conn.prepared. */
static int
stmt_id(struct pdc_stmt *st)
{
	int id = __atomic_load_n(&st->id, __ATOMIC_ACQUIRE);

	if (id == 0) {
		int fresh = atomic_fetch_add(&next_stmt_id, 1) + 1;
		int expected = 0;

		if (!__atomic_compare_exchange_n(&st->id, &expected, fresh, 0,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			fresh = expected;
		id = fresh;
	}
	return id;
}

static int
prepare(struct pdc_conn *c, struct pdc_stmt *st, struct pdc_err *err)
{
	int id = stmt_id(st);
	PGresult *res;

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
	double dt = pdc_clock_mono() - t0;

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

static PGresult *pipe_run(struct pdc_conn *, struct pdc_stmt *, const char *const *,
    const int *, const int *, struct pdc_err *);

PGresult *
pdc_db_runv(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    const int *lengths, const int *formats, struct pdc_err *err)
{
	PGresult *res;
	ExecStatusType s;
	double t0 = pdc_clock_mono();

	if (pdc_db_broken(c)) {
		pdc_err_set(err, PDC_E_UNAVAILABLE, "%s: database connection lost", st->name);
		return NULL;
	}
	if (c->piped)
		return pipe_run(c, st, params, lengths, formats, err);
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

int
pdc_db_start(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    struct pdc_err *err)
{
	if (pdc_db_broken(c))
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "%s: database connection lost", st->name);
	if (c->piped)
		return pdc_err_set(err, PDC_E_SYSTEM, "%s: started inside a pipeline", st->name);
	if (prepare(c, st, err) == -1)
		return -1;
	c->start_t0 = pdc_clock_mono();
	if (PQsendQueryPrepared(c->pg, st->name, st->nparams, params, NULL, NULL, 0) != 1)
		return pdc_db_error(c, NULL, st->name, err);
	return 0;
}

/*
 * Read C's input until its result is whole, reading ALSO's meanwhile.
 * Statements on two connections may wait on each other's transactions; a
 * server process whose rows nobody reads cannot finish, and so would never
 * let the other go.  Failures are left for PQgetResult to report.
 */
static void
await_both(struct pdc_conn *c, struct pdc_conn *also)
{
	while (!pdc_db_broken(c) && PQisBusy(c->pg)) {
		bool two = also != NULL && !pdc_db_broken(also);
		struct pollfd pfd[2] = { { PQsocket(c->pg), POLLIN, 0 },
		    { two ? PQsocket(also->pg) : -1, POLLIN, 0 } };

		if (poll(pfd, 2, -1) == -1 && errno != EINTR)
			return;
		if (pfd[0].revents != 0 && PQconsumeInput(c->pg) == 0)
			return;
		if (two && pfd[1].revents != 0)
			PQconsumeInput(also->pg);
	}
}

PGresult *
pdc_db_wait(struct pdc_conn *c, struct pdc_stmt *st, struct pdc_conn *also, struct pdc_err *err)
{
	PGresult *res, *last = NULL;
	ExecStatusType s;

	await_both(c, also);
	/* One result, then NULL; a lost connection gives a failed one. */
	while ((res = PQgetResult(c->pg)) != NULL) {
		PQclear(last);
		last = res;
	}
	account(st->name, c->start_t0);
	s = PQresultStatus(last);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		const char *state = PQresultErrorField(last, PG_DIAG_SQLSTATE);

		pdc_db_error(c, last, st->name, err);
		if (state != NULL && strcmp(state, "23505") == 0)
			err->kind = PDC_E_TRANSIENT;
		PQclear(last);
		return NULL;
	}
	return last;
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

static int pipe_exec(struct pdc_conn *, const char *, struct pdc_err *);

int
pdc_db_exec(struct pdc_conn *c, const char *sql, struct pdc_err *err)
{
	PGresult *res;
	ExecStatusType s;
	double t0 = pdc_clock_mono();

	if (pdc_db_broken(c))
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "database connection lost");
	if (c->piped)
		return pipe_exec(c, sql, err);
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
	if (c->piped)
		pdc_db_pipe_end(c, NULL);
	/* A failed COMMIT has ended the transaction already. */
	if (!pdc_db_broken(c) && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		pdc_db_exec(c, "ROLLBACK", NULL);
}

bool
pdc_db_in_txn(const struct pdc_conn *c)
{
	return c->in_txn || c->piped;
}

/*
 * Pipelines.  Each statement sent is remembered (c->pend) until its results
 * are read, with the id of the statement it prepares when it is a Parse of
 * its own: the bit in c->prepared is set when it is sent, so that a second
 * use in the same pipeline does not prepare again, and cleared if it fails.
 */
static int
pend_reserve(struct pdc_conn *c, size_t more, struct pdc_err *err)
{
	if (c->npend + more > c->cappend) {
		size_t n = c->cappend ? c->cappend * 2 : 64;
		struct pdc_pending *p;

		while (n < c->npend + more)
			n *= 2;
		if ((p = reallocarray(c->pend, n, sizeof(*p))) == NULL)
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		c->pend = p;
		c->cappend = n;
	}
	return 0;
}

static void
pend_push(struct pdc_conn *c, const char *name, int prep)
{
	if (c->npend == 0)
		c->pipe_t0 = pdc_clock_mono();
	c->pend[c->npend].name = name;
	c->pend[c->npend++].prep = prep;
}

int
pdc_db_pipe_begin(struct pdc_conn *c, struct pdc_err *err)
{
	if (pdc_db_broken(c))
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "database connection lost");
	if (c->piped)
		return 0;
	if (PQenterPipelineMode(c->pg) != 1)
		return pdc_db_error(c, NULL, "pipeline", err);
	c->piped = true;
	c->npend = 0;
	return 0;
}

/* Send ST (prepared first when C has not yet) in the pipeline. */
static int
pipe_send(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    const int *lengths, const int *formats, struct pdc_err *err)
{
	int id = stmt_id(st);
	uint64_t bit;

	if (id > PDC_DB_MAXSTMT)
		return pdc_err_set(err, PDC_E_SYSTEM, "too many prepared statements");
	bit = UINT64_C(1) << (id - 1);
	if (pend_reserve(c, 2, err) == -1)
		return -1;
	if (!(c->prepared & bit)) {
		if (PQsendPrepare(c->pg, st->name, st->sql, st->nparams, NULL) != 1)
			return pdc_db_error(c, NULL, st->name, err);
		c->prepared |= bit;
		pend_push(c, st->name, id);
	}
	if (PQsendQueryPrepared(c->pg, st->name, st->nparams, params, lengths, formats, 0) != 1)
		return pdc_db_error(c, NULL, st->name, err);
	pend_push(c, st->name, 0);
	return 0;
}

static int
pipe_exec(struct pdc_conn *c, const char *sql, struct pdc_err *err)
{
	if (pend_reserve(c, 1, err) == -1)
		return -1;
	if (PQsendQueryParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
		return pdc_db_error(c, NULL, sql, err);
	pend_push(c, sql, 0);
	return 0;
}

/*
 * Sync and read the results of everything sent.  LAST, when not NULL, gets
 * the last statement's result when everything succeeded.  Returns 0, or -1
 * with ERR from the first statement that failed.
 */
static int
pipe_sync(struct pdc_conn *c, PGresult **last, struct pdc_err *err)
{
	int rc = 0;

	if (last != NULL)
		*last = NULL;
	if (PQpipelineSync(c->pg) != 1)
		rc = pdc_db_error(c, NULL, "pipeline", err);
	/* Every result is read, failed or not: the next round must start clean. */
	for (size_t i = 0; i < c->npend; i++) {
		PGresult *res;

		while ((res = PQgetResult(c->pg)) != NULL) {
			ExecStatusType s = PQresultStatus(res);
			bool good = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;

			if (!good && c->pend[i].prep > 0)
				c->prepared &= ~(UINT64_C(1) << (c->pend[i].prep - 1));
			/* After a failure the server skips the rest (PGRES_PIPELINE_ABORTED). */
			if (!good && rc == 0)
				rc = pdc_db_error(c, res, c->pend[i].name, err);
			if (good && last != NULL && i + 1 == c->npend) {
				PQclear(*last);
				*last = res;
			} else {
				PQclear(res);
			}
		}
	}
	/* The sync's own result closes the round; a lost connection sends none. */
	for (int tries = 0; tries < 4 && !pdc_db_broken(c); tries++) {
		PGresult *res = PQgetResult(c->pg);
		ExecStatusType s = PQresultStatus(res);

		PQclear(res);
		if (s == PGRES_PIPELINE_SYNC)
			break;
	}
	if (c->npend > 0) {
		account(c->npend == 1 ? c->pend[0].name : "pipeline", c->pipe_t0);
		atomic_fetch_add(&total_queries, c->npend - 1);
	}
	c->npend = 0;
	if (rc == -1 && last != NULL) {
		PQclear(*last);
		*last = NULL;
	}
	return rc;
}

static PGresult *
pipe_run(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    const int *lengths, const int *formats, struct pdc_err *err)
{
	PGresult *res;

	if (pipe_send(c, st, params, lengths, formats, err) == -1 || pipe_sync(c, &res, err) == -1)
		return NULL;
	return res;
}

int
pdc_db_send(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    const int *lengths, const int *formats, struct pdc_err *err)
{
	PGresult *res;

	if (pdc_db_broken(c))
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "%s: database connection lost", st->name);
	if (c->piped)
		return pipe_send(c, st, params, lengths, formats, err);
	if ((res = pdc_db_runv(c, st, params, lengths, formats, err)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

int
pdc_db_pipe_end(struct pdc_conn *c, struct pdc_err *err)
{
	int rc = 0;

	if (!c->piped)
		return 0;
	if (!pdc_db_broken(c) && c->npend > 0)
		rc = pipe_sync(c, NULL, err);
	c->npend = 0;
	c->piped = false;
	if (pdc_db_broken(c))
		return rc == 0 ? pdc_err_set(err, PDC_E_UNAVAILABLE, "database connection lost") : -1;
	if (PQexitPipelineMode(c->pg) != 1) {
		/* Results we cannot account for: the connection is not to be used again. */
		PQfinish(c->pg);
		c->pg = NULL;
		return rc == 0 ? pdc_err_set(err, PDC_E_UNAVAILABLE, "database connection lost") : -1;
	}
	return rc;
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

int
pdc_db_schema_version(struct pdc_conn *c, struct pdc_err *err)
{
	if (pdc_db_broken(c))
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "database connection lost");
	return pdc_migrate_current(c->pg, err);
}

int
pdc_db_schema_latest(void)
{
	return pdc_migrate_latest();
}

int
pdc_db_migrate(struct pdc_conn *c, int *applied, struct pdc_err *err)
{
	if (pdc_db_broken(c))
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "database connection lost");
	return pdc_migrate(c->pg, applied, err);
}

int
pdc_db_server_version(const struct pdc_conn *c)
{
	return pdc_db_broken(c) ? 0 : PQserverVersion(c->pg);
}

bool
pdc_db_ping(const char *conninfo)
{
	return PQping(conninfo) == PQPING_OK;
}

int
pdc_db_socket(const struct pdc_conn *c)
{
	return pdc_db_broken(c) ? -1 : PQsocket(c->pg);
}

int
pdc_db_listen(struct pdc_conn *c, const char *channel, struct pdc_err *err)
{
	char sql[128];
	size_t n = strspn(channel, "abcdefghijklmnopqrstuvwxyz0123456789_");

	/*
	 * A channel is an identifier, which no parameter can carry.  Only a
	 * plain lowercase name goes into the text, as it is: no quoting needed,
	 * and the statement reads the same in pg_stat_activity.
	 */
	if (n == 0 || channel[n] != '\0' || (channel[0] >= '0' && channel[0] <= '9') ||
	    (size_t)snprintf(sql, sizeof(sql), "LISTEN %s", channel) >= sizeof(sql))
		return pdc_err_set(err, PDC_E_SYSTEM, "LISTEN: \"%s\" is not a channel name", channel);
	return pdc_db_exec(c, sql, err);
}

int
pdc_db_notifications(struct pdc_conn *c, pdc_db_notify_fn fn, void *arg, struct pdc_err *err)
{
	PGnotify *nf;
	char line[400];
	int n = 0;

	if (pdc_db_broken(c))
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "lost the database connection");
	if (PQconsumeInput(c->pg) == 0) {
		first_line(PQerrorMessage(c->pg), line, sizeof(line));
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "lost the database connection: %s", line);
	}
	while ((nf = PQnotifies(c->pg)) != NULL) {
		if (fn != NULL)
			fn(arg, nf->relname, nf->extra);
		PQfreemem(nf);
		n++;
	}
	return n;
}

int
pdc_db_await(struct pdc_conn *c, double seconds, pdc_db_notify_fn fn, void *arg, struct pdc_err *err)
{
	struct pollfd pfd = { pdc_db_socket(c), POLLIN, 0 };
	int ms = seconds <= 0 ? 0 : seconds > 3600 ? 3600 * 1000 : (int)(seconds * 1000);

	if (pfd.fd == -1)
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "lost the database connection");
	if (poll(&pfd, 1, ms) == -1 && errno != EINTR)
		return pdc_err_set(err, PDC_E_SYSTEM, "poll: %s", strerror(errno));
	return pdc_db_notifications(c, fn, arg, err);
}
