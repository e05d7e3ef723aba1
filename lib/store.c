#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "history.h"
#include "queue.h"
#include "schema.h"
#include "store.h"

#define MAXTABLES 16
#define MAXCOLS 64

/*
 * Per table: an upsert and, for sets, a delete of what the record no longer
 * holds.  The SQL is made once from the descriptors (static names, never
 * data) and prepared per connection like any other statement.
 */
struct table_stmts {
	struct pdc_stmt upsert, prune, clear;
	char upsert_name[64], prune_name[64], clear_name[64];
	char *upsert_sql, *prune_sql, *clear_sql;
};

static struct table_stmts stmts[MAXTABLES];
static pthread_once_t stmts_once = PTHREAD_ONCE_INIT;
static int stmts_ok;

static int append(char **, size_t *, size_t *, const char *, ...)
	__attribute__((format(printf, 4, 5)));

static int
append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
		if ((size_t)n < *cap - *len) {
			*len += (size_t)n;
			return 0;
		}
		size_t ncap = *cap * 2 + (size_t)n;
		char *nb = realloc(*buf, ncap);
		if (nb == NULL)
			return -1;
		*buf = nb;
		*cap = ncap;
	}
}

static char *
make_upsert(const struct pdc_table *t)
{
	size_t len = 0, cap = 1024;
	char *s = malloc(cap);
	int rc = 0;

	if (s == NULL)
		return NULL;
	s[0] = '\0';
	rc |= append(&s, &len, &cap, "INSERT INTO %s AS o (", t->name);
	for (int i = 0; i < t->ncols; i++)
		rc |= append(&s, &len, &cap, "%s%s", i ? ", " : "", t->cols[i].name);
	if (t->touch)
		rc |= append(&s, &len, &cap, ", %s", t->touch);
	rc |= append(&s, &len, &cap, ") VALUES (");
	for (int i = 0; i < t->ncols; i++)
		rc |= append(&s, &len, &cap, "%s$%d", i ? ", " : "", i + 1);
	if (t->touch)
		rc |= append(&s, &len, &cap, ", now()");
	rc |= append(&s, &len, &cap, ") ON CONFLICT (");
	for (int i = 0; i < t->nkey; i++)
		rc |= append(&s, &len, &cap, "%s%s", i ? ", " : "", t->cols[i].name);
	rc |= append(&s, &len, &cap, ") DO UPDATE SET ");
	for (int i = t->nkey; i < t->ncols; i++)
		rc |= append(&s, &len, &cap, "%s%s = EXCLUDED.%s", i > t->nkey ? ", " : "",
		    t->cols[i].name, t->cols[i].name);
	if (t->touch)
		rc |= append(&s, &len, &cap, ", %s = now()", t->touch);
	/* An unchanged row is not rewritten (no dead tuple, no WAL). */
	rc |= append(&s, &len, &cap, " WHERE (");
	for (int i = t->nkey; i < t->ncols; i++)
		rc |= append(&s, &len, &cap, "%so.%s", i > t->nkey ? ", " : "", t->cols[i].name);
	rc |= append(&s, &len, &cap, ") IS DISTINCT FROM (");
	for (int i = t->nkey; i < t->ncols; i++)
		rc |= append(&s, &len, &cap, "%sEXCLUDED.%s", i > t->nkey ? ", " : "", t->cols[i].name);
	rc |= append(&s, &len, &cap, ")");
	if (rc != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static void
build_stmts(void)
{
	for (int i = 0; pdc_tables[i] != NULL; i++) {
		const struct pdc_table *t = pdc_tables[i];
		struct table_stmts *ts = &stmts[i];
		char buf[512];

		if (i >= MAXTABLES || t->ncols > MAXCOLS)
			return;
		snprintf(ts->upsert_name, sizeof(ts->upsert_name), "pdc_upsert_%s", t->name);
		snprintf(ts->prune_name, sizeof(ts->prune_name), "pdc_prune_%s", t->name);
		snprintf(ts->clear_name, sizeof(ts->clear_name), "pdc_clear_%s", t->name);
		if ((ts->upsert_sql = make_upsert(t)) == NULL)
			return;
		/* A set keeps the rows the record names (by the key's second column). */
		if (t->kind == PDC_TABLE_MANY) {
			snprintf(buf, sizeof(buf),
			    "DELETE FROM %s WHERE apn = $1 AND NOT (%s::text = ANY ($2::text[]))",
			    t->name, t->cols[1].name);
			if ((ts->prune_sql = strdup(buf)) == NULL)
				return;
		}
		snprintf(buf, sizeof(buf), "DELETE FROM %s WHERE apn = $1", t->name);
		if ((ts->clear_sql = strdup(buf)) == NULL)
			return;
		ts->upsert = (struct pdc_stmt){ ts->upsert_name, ts->upsert_sql, t->ncols, 0 };
		ts->prune = (struct pdc_stmt){ ts->prune_name, ts->prune_sql, 2, 0 };
		ts->clear = (struct pdc_stmt){ ts->clear_name, ts->clear_sql, 1, 0 };
	}
	stmts_ok = 1;
}

int
pdc_store_record(struct pdc_conn *c, const struct pdc_record *rec, struct pdc_err *err)
{
	pthread_once(&stmts_once, build_stmts);
	if (!stmts_ok)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	/* What the rows below change is kept, in this transaction (history.h). */
	if (pdc_history_begin(c, rec->apn, err) == -1)
		return -1;

	for (int ti = 0; pdc_tables[ti] != NULL; ti++) {
		const struct pdc_table *t = pdc_tables[ti];
		struct table_stmts *ts = &stmts[ti];
		const char **keys = NULL;
		size_t nkeys = 0;
		int rows = 0;

		if (t->kind == PDC_TABLE_MANY && (rec->sets & (1u << ti)) &&
		    (keys = calloc(rec->nrows + 1, sizeof(*keys))) == NULL)
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		for (size_t r = 0; r < rec->nrows; r++) {
			const struct pdc_row *row = &rec->rows[r];

			if (row->table != t)
				continue;
			rows++;
			if (pdc_db_send(c, &ts->upsert, (const char *const *)row->vals, NULL, NULL,
			    err) == -1) {
				free(keys);
				return -1;
			}
			if (keys != NULL && row->vals[1] != NULL)
				keys[nkeys++] = row->vals[1];
		}
		if (keys != NULL) {
			char *arr = pdc_queue_array(keys, nkeys);
			const char *params[2] = { rec->apn, arr };
			int n;

			free(keys);
			if (arr == NULL)
				return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
			n = pdc_db_send(c, &ts->prune, params, NULL, NULL, err);
			free(arr);
			if (n == -1)
				return -1;
		} else if (t->kind == PDC_TABLE_ONE && rows == 0 && (rec->sets & (1u << ti))) {
			const char *params[1] = { rec->apn };

			/* The source says the part is gone (no residential data any more). */
			if (pdc_db_send(c, &ts->clear, params, NULL, NULL, err) == -1)
				return -1;
		}
	}
	return 0;
}

static struct pdc_stmt st_search = { "pdc_store_search",
	"INSERT INTO properties AS p (apn, owner_name, situs_address, situs_city, situs_zip,"
	"  property_type, mcr, subdivision_name, section_township_range, search_seen_at)"
	" SELECT apn, owner, address, city, zip, type, mcr, subdivision, str, now()"
	" FROM jsonb_to_recordset($1::jsonb) AS x(apn text, owner text, address text, city text,"
	"  zip text, type text, mcr text, subdivision text, str text)"
	" ON CONFLICT (apn) DO UPDATE SET situs_address = EXCLUDED.situs_address,"
	"  situs_city = EXCLUDED.situs_city, situs_zip = EXCLUDED.situs_zip,"
	"  search_seen_at = EXCLUDED.search_seen_at,"
	"  owner_name = coalesce(p.owner_name, EXCLUDED.owner_name),"
	"  property_type = coalesce(p.property_type, EXCLUDED.property_type),"
	"  mcr = coalesce(p.mcr, EXCLUDED.mcr),"
	"  subdivision_name = coalesce(p.subdivision_name, EXCLUDED.subdivision_name),"
	"  section_township_range = coalesce(p.section_township_range, EXCLUDED.section_township_range)",
	1, 0 };

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

int
pdc_store_search(struct pdc_conn *c, const struct pdc_search_row *rows, size_t n,
    struct pdc_err *err)
{
	cJSON *arr;
	char *json;
	const char *params[1];
	long rc;

	if (n == 0)
		return 0;
	if ((arr = cJSON_CreateArray()) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct pdc_search_row *r = &rows[i];
		cJSON *o = cJSON_CreateObject();

		if (o == NULL) {
			cJSON_Delete(arr);
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		}
		cJSON_AddItemToArray(arr, o);
		add_str(o, "apn", r->apn);
		add_str(o, "owner", r->owner);
		add_str(o, "address", r->address);
		add_str(o, "city", r->city);
		add_str(o, "zip", r->zip);
		add_str(o, "type", r->type);
		add_str(o, "mcr", r->mcr);
		add_str(o, "subdivision", r->subdivision);
		add_str(o, "str", r->str);
	}
	json = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	if (json == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	params[0] = json;
	rc = pdc_db_do(c, &st_search, params, err);
	cJSON_free(json);
	return rc == -1 ? -1 : 0;
}

static struct pdc_stmt st_part = { "pdc_store_part",
	"INSERT INTO record_parts AS r (apn, part, source, fetched_at, state, error, reason)"
	" VALUES ($1, $2, $3, now(), $4, $5, $6)"
	" ON CONFLICT (apn, part) DO UPDATE SET source = EXCLUDED.source, state = EXCLUDED.state,"
	"  error = EXCLUDED.error,"
	"  reason = CASE WHEN EXCLUDED.state = 'failed' THEN r.reason ELSE EXCLUDED.reason END,"
	"  fetched_at = CASE WHEN EXCLUDED.state = 'failed' THEN r.fetched_at ELSE EXCLUDED.fetched_at END",
	6, 0 };

int
pdc_store_parts(struct pdc_conn *c, const char *apn, const struct pdc_outcome *out,
    const struct pdc_record *rec, struct pdc_err *err)
{
	for (int i = 0; i < out->n; i++) {
		const struct pdc_source *src = out->per[i].src;

		for (unsigned bit = 1; bit != 0 && bit <= src->parts; bit <<= 1) {
			const char *state, *error = NULL, *reason = NULL;

			if (!(src->parts & bit))
				continue;
			if (out->per[i].kind != PDC_OK) {
				state = "failed";
				error = out->per[i].error;
			} else if ((reason = pdc_record_why(rec, bit)) != NULL) {
				state = "partial";
			} else {
				state = (rec->parts & bit) ? "complete" : "missing";
			}
			const char *params[6] = { apn, pdc_part_name(bit), src->name, state, error,
			    reason };
			if (pdc_db_send(c, &st_part, params, NULL, NULL, err) == -1)
				return -1;
		}
	}
	return 0;
}
