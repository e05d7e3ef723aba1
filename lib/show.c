#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "show.h"

/*
 * Built by the database in one statement, as json (not jsonb) so that
 * columns keep the schema's order; the column lists come from the table
 * descriptors, never from data.
 */
static char show_sql[16384];
static struct pdc_stmt st_show = { "pdc_show", show_sql, 1, 0 };
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
columns(const struct pdc_table *t, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < t->ncols; i++) {
		if (i > 0)
			strlcat(buf, ", ", len);
		strlcat(buf, t->cols[i].name, len);
	}
}

static void
build(void)
{
	char p[2048], v[1024], r[2048], b[1024], d[512], y[512], s[512];

	columns(&pdc_tbl_properties, p, sizeof(p));
	columns(&pdc_tbl_valuations, v, sizeof(v));
	columns(&pdc_tbl_residential, r, sizeof(r));
	columns(&pdc_tbl_tax_bills, b, sizeof(b));
	columns(&pdc_tbl_tax_districts, d, sizeof(d));
	columns(&pdc_tbl_tax_payments, y, sizeof(y));
	columns(&pdc_tbl_sales, s, sizeof(s));
	snprintf(show_sql, sizeof(show_sql),
	    "WITH parts AS (SELECT *, array_position(ARRAY['basic', 'valuations', 'residential', 'tax',"
	    "   'sales'], part) AS ord FROM record_parts WHERE apn = $1)"
	    " SELECT json_build_object("
	    "  'apn', $1::text,"
	    "  'status', CASE"
	    "    WHEN NOT EXISTS (SELECT 1 FROM parts)"
	    "     AND NOT EXISTS (SELECT 1 FROM properties WHERE apn = $1 AND fetched_at IS NOT NULL)"
	    "     THEN 'missing'"
	    "    WHEN (SELECT count(*) FROM parts WHERE state IN ('complete', 'missing')) = 5"
	    "     THEN 'complete'"
	    "    ELSE 'partial' END,"
	    "  'collected_at', (SELECT to_char(completed_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	    "    FROM data_collection_status WHERE apn = $1 AND completed_at IS NOT NULL),"
	    "  'parts', coalesce((SELECT json_object_agg(part, json_build_object('source', source,"
	    "    'fetched_at', to_char(fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    "    'state', state, 'error', error, 'reason', reason) ORDER BY ord) FROM parts),"
	    "    '{}'::json),"
	    "  'properties', (SELECT row_to_json(x) FROM (SELECT %s FROM properties"
	    "    WHERE apn = $1 AND fetched_at IS NOT NULL) x),"
	    "  'search', (SELECT json_build_object('situs_address', situs_address, 'situs_city', situs_city,"
	    "    'situs_zip', situs_zip) FROM properties WHERE apn = $1 AND search_seen_at IS NOT NULL),"
	    "  'valuations', coalesce((SELECT json_agg(x ORDER BY x.tax_year DESC) FROM (SELECT %s"
	    "    FROM valuations WHERE apn = $1) x), '[]'::json),"
	    "  'residential_details', (SELECT row_to_json(x) FROM (SELECT %s FROM residential_details"
	    "    WHERE apn = $1) x),"
	    "  'tax_bills', coalesce((SELECT json_agg(x ORDER BY x.tax_year DESC) FROM (SELECT %s"
	    "    FROM tax_bills WHERE apn = $1) x), '[]'::json),"
	    "  'tax_districts', coalesce((SELECT json_agg(x ORDER BY x.district) FROM (SELECT %s"
	    "    FROM tax_districts WHERE apn = $1) x), '[]'::json),"
	    "  'tax_payments', coalesce((SELECT json_agg(x ORDER BY x.seq) FROM (SELECT %s"
	    "    FROM tax_payments WHERE apn = $1) x), '[]'::json),"
	    "  'sales', coalesce((SELECT json_agg(x ORDER BY x.recording_number DESC) FROM (SELECT %s"
	    "    FROM sales WHERE apn = $1 AND basis <> 'candidate') x), '[]'::json),"
	    "  'sale_candidates', coalesce((SELECT json_agg(x ORDER BY x.recording_number DESC)"
	    "    FROM (SELECT %s FROM sales WHERE apn = $1 AND basis = 'candidate') x), '[]'::json))::text",
	    p, v, r, b, d, y, s, s);
}

int
pdc_show_json_sql(char *buf, size_t len, const char *apnref)
{
	const char *at, *from;
	size_t n = 0, rl = strlen(apnref);

	pthread_once(&once, build);
	/* The statement's one parameter, $1, becomes APNREF wherever it stands. */
	for (from = show_sql; (at = strstr(from, "$1")) != NULL; from = at + 2) {
		if (n + (size_t)(at - from) + rl >= len)
			return -1;
		memcpy(buf + n, from, (size_t)(at - from));
		n += (size_t)(at - from);
		memcpy(buf + n, apnref, rl);
		n += rl;
	}
	if (n + strlen(from) >= len)
		return -1;
	memcpy(buf + n, from, strlen(from) + 1);
	return 0;
}

char *
pdc_show_json(struct pdc_conn *c, const char *apn, struct pdc_err *err)
{
	const char *params[1] = { apn };
	PGresult *res;
	char *json;

	pthread_once(&once, build);
	if ((res = pdc_db_run(c, &st_show, params, err)) == NULL)
		return NULL;
	json = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (json == NULL)
		pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	return json;
}
