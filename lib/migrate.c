#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate.h"

/* Any constant will do; it only has to be the same in every pdc program. */
#define MIGRATE_LOCK "7215043"

int
pdc_migrate_latest(void)
{
	int v = 0;

	for (const struct pdc_migration *m = pdc_migrations; m->version != 0; m++)
		v = m->version;
	return v;
}

static int
fail(PGconn *conn, PGresult *res, const char *what, struct pdc_err *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
	char line[400];
	size_t n = strcspn(msg, "\n");

	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, msg, n);
	line[n] = '\0';
	pdc_err_set(err, (state == NULL || strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0) ?
	    PDC_E_UNAVAILABLE : PDC_E_SYSTEM, "%s: %s", what, line);
	if (res != NULL)
		PQclear(res);
	return -1;
}

int
pdc_migrate_current(PGconn *conn, struct pdc_err *err)
{
	PGresult *res;
	int v;

	/* The table is named in the query text only once we know it exists. */
	res = PQexec(conn, "SELECT to_regclass('public.schema_migrations') IS NOT NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(conn, res, "schema version", err);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		PQclear(res);
		return 0;
	}
	PQclear(res);
	res = PQexec(conn, "SELECT coalesce(max(version), 0) FROM public.schema_migrations");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(conn, res, "schema version", err);
	v = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return v;
}

int
pdc_migrate(PGconn *conn, int *applied, struct pdc_err *err)
{
	PGresult *res;
	int n = 0;

	if (applied != NULL)
		*applied = 0;
	res = PQexec(conn, "BEGIN; SELECT pg_advisory_xact_lock(" MIGRATE_LOCK "); "
	    "CREATE TABLE IF NOT EXISTS public.schema_migrations ("
	    " version integer PRIMARY KEY, name text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now())");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return fail(conn, res, "migrate", err);
	PQclear(res);
	for (const struct pdc_migration *m = pdc_migrations; m->version != 0; m++) {
		char ver[16];
		const char *params[2] = { ver, m->name };

		snprintf(ver, sizeof(ver), "%d", m->version);
		res = PQexecParams(conn, "SELECT 1 FROM public.schema_migrations WHERE version = $1",
		    1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			goto bad;
		if (PQntuples(res) > 0) {
			PQclear(res);
			continue;
		}
		PQclear(res);
		res = PQexec(conn, m->sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
			goto bad;
		PQclear(res);
		res = PQexecParams(conn, "INSERT INTO public.schema_migrations (version, name) VALUES ($1, $2)",
		    2, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			goto bad;
		PQclear(res);
		n++;
	}
	res = PQexec(conn, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return fail(conn, res, "migrate", err);
	PQclear(res);
	if (applied != NULL)
		*applied = n;
	return 0;
bad:
	fail(conn, res, "migrate", err);
	PQclear(PQexec(conn, "ROLLBACK"));
	return -1;
}
