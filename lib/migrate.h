/*
 * migrate.h - the schema migrations, compiled into every program.
 *
 * sql/NNN_name.sql files are embedded at build time (sql/embed.sh).  Each is
 * applied once, in order, inside a transaction holding an advisory lock, and
 * recorded in schema_migrations; re-running is harmless.
 *
 * The connection module alone calls these, on its own PGconn (db.c runs
 * them on connect): everything else asks through db.h
 * (pdc_db_schema_version, pdc_db_schema_latest, pdc_db_migrate).
 */
#ifndef PDC_MIGRATE_H
#define PDC_MIGRATE_H

#include <libpq-fe.h>

#include "error.h"

struct pdc_migration {
	int version;
	const char *name;
	const char *sql;
};

/* Every migration in order, terminated by one with version 0. */
extern const struct pdc_migration pdc_migrations[];

/* The highest version this build knows. */
int pdc_migrate_latest(void);

/*
 * Apply the migrations CONN lacks.  *APPLIED (if not NULL) gets how many ran.
 * Returns 0, or -1 with ERR.
 */
int pdc_migrate(PGconn *conn, int *applied, struct pdc_err *err);

/*
 * The highest applied version on CONN, 0 when the schema is missing, or -1
 * with ERR when the database cannot be asked.
 */
int pdc_migrate_current(PGconn *conn, struct pdc_err *err);

#endif
