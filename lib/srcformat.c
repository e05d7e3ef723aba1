#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srcformat.h"

#define MAXNAMES 8

/* The common case, a job whose pages all read: a no-op unless a source was marked. */
static struct pdc_stmt st_read = { "pdc_srcformat_read",
	"UPDATE source_formats SET unrecognised_since = NULL, unrecognised_parcels = 0"
	" WHERE source = ANY ($1::text[]) AND unrecognised_since IS NOT NULL", 1, 0 };

static struct pdc_stmt st_unknown = { "pdc_srcformat_unknown",
	"WITH cleared AS (UPDATE source_formats SET unrecognised_since = NULL,"
	"  unrecognised_parcels = 0"
	"  WHERE source = ANY ($1::text[]) AND unrecognised_since IS NOT NULL RETURNING 1)"
	" INSERT INTO source_formats AS s (source, unrecognised_since, unrecognised_parcels)"
	" SELECT unnest($2::text[]), now(), 1"
	" ON CONFLICT (source) DO UPDATE SET"
	"  unrecognised_since = coalesce(s.unrecognised_since, EXCLUDED.unrecognised_since),"
	"  unrecognised_parcels = s.unrecognised_parcels + 1", 2, 0 };

static struct pdc_stmt st_list = { "pdc_srcformat_list",
	"SELECT source, to_char(unrecognised_since AT TIME ZONE 'UTC',"
	"  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), unrecognised_parcels"
	" FROM source_formats WHERE unrecognised_since IS NOT NULL ORDER BY source", 0, 0 };

/*
 * NAMES as a PostgreSQL array literal into BUF.  The names are the sources'
 * own, letters only, so nothing in them needs quoting; a name that is not
 * is refused rather than escaped.
 */
static int
array_of(const char *const *names, size_t n, char *buf, size_t size, struct pdc_err *err)
{
	size_t o = 0;

	if (n > MAXNAMES)
		return pdc_err_set(err, PDC_E_SYSTEM, "source formats: %zu sources, at most %d",
		    n, MAXNAMES);
	buf[o++] = '{';
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);

		if (strspn(names[i], "abcdefghijklmnopqrstuvwxyz_") != len || len == 0 ||
		    o + len + 3 > size)
			return pdc_err_set(err, PDC_E_SYSTEM, "source formats: bad source name \"%s\"",
			    names[i]);
		if (i > 0)
			buf[o++] = ',';
		memcpy(buf + o, names[i], len);
		o += len;
	}
	buf[o++] = '}';
	buf[o] = '\0';
	return 0;
}

int
pdc_srcformat_note(struct pdc_conn *c, const char *const *read, size_t nread,
    const char *const *unknown, size_t nunknown, struct pdc_err *err)
{
	char r[MAXNAMES * 40], u[MAXNAMES * 40];
	const char *params[2] = { r, u };

	if (nread == 0 && nunknown == 0)
		return 0;
	if (array_of(read, nread, r, sizeof(r), err) == -1 ||
	    array_of(unknown, nunknown, u, sizeof(u), err) == -1)
		return -1;
	return pdc_db_send(c, nunknown > 0 ? &st_unknown : &st_read, params, NULL, NULL, err);
}

int
pdc_srcformat_unrecognised(struct pdc_conn *c, struct pdc_srcformat *out, int max,
    struct pdc_err *err)
{
	PGresult *res;
	int n;

	if ((res = pdc_db_run(c, &st_list, NULL, err)) == NULL)
		return -1;
	n = PQntuples(res);
	if (n > max)
		n = max;
	for (int i = 0; i < n; i++) {
		strlcpy(out[i].source, PQgetvalue(res, i, 0), sizeof(out[i].source));
		strlcpy(out[i].since, PQgetvalue(res, i, 1), sizeof(out[i].since));
		out[i].parcels = strtol(PQgetvalue(res, i, 2), NULL, 10);
	}
	PQclear(res);
	return n;
}

void
pdc_srcformat_line(const struct pdc_srcformat *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s: page format not recognised since %s, %ld parcel%s", s->source,
	    s->since, s->parcels, s->parcels == 1 ? "" : "s");
}
