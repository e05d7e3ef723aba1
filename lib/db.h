/*
 * db.h - talking to PostgreSQL: connect, prepared statements, SQLSTATE.
 *
 * Every value goes through parameters.  A struct pdc_stmt is a named
 * statement prepared once per connection on first use; SQL text is never
 * built from data.  Failures are classified by SQLSTATE, not message text:
 * connection loss and shutdown (class 08, 57P01-57P03) are
 * PDC_E_UNAVAILABLE, serialization failures and deadlocks (40001, 40P01)
 * PDC_E_TRANSIENT, the rest PDC_E_SYSTEM.
 */
#ifndef PDC_DB_H
#define PDC_DB_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "config.h"
#include "error.h"

#define PDC_DB_MAXSTMT 64

struct pdc_stmt {
	const char *name;
	const char *sql;
	int nparams;
	int id;			/* assigned on first use; leave 0 */
};

/*
 * A connection.  Opaque outside lib/: programs hold one, pass it to the
 * library and close it, and reach the server only through these calls.
 */
struct pdc_conn;

/*
 * The connection string in use: CFG's database.url when set, otherwise the
 * embedded cluster's (started first when START is true and it is not
 * running).  Writes it to BUF.  Returns 0 or -1 with ERR.
 */
int pdc_db_conninfo(const struct pdc_config *cfg, bool start, char *buf, size_t len,
    struct pdc_err *err);

/*
 * Connect to CONNINFO with application name APPNAME, a strict search_path and
 * UTC.  Returns a new connection (free with pdc_db_close) or NULL with ERR
 * (PDC_E_UNAVAILABLE).  Messages never include a password.
 */
struct pdc_conn *pdc_db_connect(const char *conninfo, const char *appname, struct pdc_err *err);

/* Close and free C.  NULL is fine. */
void pdc_db_close(struct pdc_conn *c);

/* Nonzero when C's connection is gone and it should be replaced. */
bool pdc_db_broken(const struct pdc_conn *c);

/*
 * Run ST with PARAMS (ST->nparams values; NULL is SQL NULL), preparing it on
 * C first if needed.  Returns the result (the caller PQclear()s it) when the
 * statement succeeded, or NULL with ERR.
 */
PGresult *pdc_db_run(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    struct pdc_err *err);

/* As pdc_db_run, with LENGTHS and FORMATS per parameter (1: binary, for bytea). */
PGresult *pdc_db_runv(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    const int *lengths, const int *formats, struct pdc_err *err);

/*
 * Send ST with PARAMS and return without waiting (outside a pipeline), so
 * that the caller can work, or keep another connection busy, meanwhile.
 * pdc_db_wait reads the result, which must come before anything else is
 * run on C.  0, or -1 with ERR.
 */
int pdc_db_start(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    struct pdc_err *err);

/*
 * The result of the statement ST pdc_db_start sent, as pdc_db_run returns
 * it.  ALSO, when not NULL, is another connection with a statement of its
 * own in flight: its input is read (and kept) meanwhile, since the two may
 * wait on each other's transactions.  A unique violation, which a
 * statement meets when it races a concurrent insert of the same key, is
 * PDC_E_TRANSIENT here, like a deadlock: the caller may try another way.
 */
PGresult *pdc_db_wait(struct pdc_conn *c, struct pdc_stmt *st, struct pdc_conn *also,
    struct pdc_err *err);

/* Run ST and discard the result.  Returns the number of rows affected, or -1. */
long pdc_db_do(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    struct pdc_err *err);

/* Run SQL text without parameters (BEGIN, COMMIT, LISTEN ...).  0 or -1. */
int pdc_db_exec(struct pdc_conn *c, const char *sql, struct pdc_err *err);

/* BEGIN, COMMIT, ROLLBACK (rollback never fails the caller, and ends a pipeline). */
int pdc_db_begin(struct pdc_conn *c, struct pdc_err *err);
int pdc_db_commit(struct pdc_conn *c, struct pdc_err *err);
void pdc_db_rollback(struct pdc_conn *c);

/* Inside a transaction pdc_db_begin opened, or a pipeline: what a pool rolls back. */
bool pdc_db_in_txn(const struct pdc_conn *c);

/*
 * Pipelines: many statements in one round trip.  Between pdc_db_pipe_begin
 * and pdc_db_pipe_end, pdc_db_send and pdc_db_exec (BEGIN, COMMIT) only send;
 * pdc_db_run and pdc_db_do send, then wait for everything sent so far and
 * return their own result, staying in the pipeline.  The first statement
 * that fails fails the wait that reads it (the server skips the rest up to
 * there), with ERR as pdc_db_run would set it.  Without a pipeline,
 * pdc_db_send runs the statement and discards its result.
 */
int pdc_db_pipe_begin(struct pdc_conn *c, struct pdc_err *err);

/* Send ST with PARAMS (LENGTHS and FORMATS as pdc_db_runv; may be NULL).  0 or -1 with ERR. */
int pdc_db_send(struct pdc_conn *c, struct pdc_stmt *st, const char *const *params,
    const int *lengths, const int *formats, struct pdc_err *err);

/* Wait for everything sent and leave the pipeline.  0, or -1 with ERR (the pipeline is left either way). */
int pdc_db_pipe_end(struct pdc_conn *c, struct pdc_err *err);

/*
 * Fill ERR from a failed result (or the connection when RES is NULL),
 * classified by SQLSTATE; WHAT names the operation.  Returns -1.
 */
int pdc_db_error(struct pdc_conn *c, const PGresult *res, const char *what, struct pdc_err *err);

/*
 * Connect and make sure the schema is there (migrating when it is missing
 * or older).  The usual first step of every program.  The connection
 * module runs the migrations (migrate.h) itself so that no program can
 * reach a database whose schema is older than the statements it prepares.
 */
struct pdc_conn *pdc_db_open(const struct pdc_config *cfg, const char *appname, struct pdc_err *err);

/* Slow-statement logging: statements slower than THRESHOLD seconds log a
 * WARNING when ON.  Process-wide; set once at start. */
void pdc_db_set_slow(bool on, double threshold);

/* Process-wide totals: statements run and milliseconds spent in them. */
void pdc_db_totals(uint64_t *queries, double *ms);

/*
 * The schema version applied on C (0: no schema yet), or -1 with ERR.  The
 * migrations themselves are migrate.h's; these run them on a pdc_conn.
 */
int pdc_db_schema_version(struct pdc_conn *c, struct pdc_err *err);

/* The highest schema version this build knows: where pdc_db_migrate brings a database. */
int pdc_db_schema_latest(void);

/* Apply the migrations C lacks; *APPLIED (when not NULL) gets how many.  0 or -1 with ERR. */
int pdc_db_migrate(struct pdc_conn *c, int *applied, struct pdc_err *err);

/* The server's version as a number (170002 for 17.2), or 0 when C is broken. */
int pdc_db_server_version(const struct pdc_conn *c);

/* Does a server answer at CONNINFO (without logging in)? */
bool pdc_db_ping(const char *conninfo);

/*
 * Notifications.  pdc_db_listen LISTENs on CHANNEL, a name the program
 * fixes: lowercase letters, digits and '_' only, else it is refused.  0 or
 * -1 with ERR.
 */
int pdc_db_listen(struct pdc_conn *c, const char *channel, struct pdc_err *err);

/* Called with each notification's CHANNEL and PAYLOAD, valid during the call only. */
typedef void (*pdc_db_notify_fn)(void *arg, const char *channel, const char *payload);

/*
 * Read what the server has sent C, without waiting, and pass each
 * notification to FN (NULL: drop them).  Returns how many there were, or -1
 * with ERR (PDC_E_UNAVAILABLE "lost the database connection: ...").
 */
int pdc_db_notifications(struct pdc_conn *c, pdc_db_notify_fn fn, void *arg, struct pdc_err *err);

/*
 * Wait up to SECONDS for the server to send C something (a signal ends the
 * wait early), then as pdc_db_notifications.
 */
int pdc_db_await(struct pdc_conn *c, double seconds, pdc_db_notify_fn fn, void *arg,
    struct pdc_err *err);

/*
 * C's socket, for a caller that polls it beside descriptors of its own
 * (then reads with pdc_db_notifications); -1 when C is broken.
 */
int pdc_db_socket(const struct pdc_conn *c);

#endif
