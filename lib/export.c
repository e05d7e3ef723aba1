#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "show.h"

const char *const pdc_export_columns[PDC_EXPORT_NCOLS] = {
	"apn", "status", "collected_at",
	"owner_name", "in_care_of", "mailing_address1", "mailing_address2", "mailing_city",
	"mailing_state", "mailing_zip", "mailing_country",
	"situs_address", "property_type", "property_use_code", "property_use",
	"sale_date", "sale_price", "sale_recording_number", "sale_document_code",
	"value_year", "full_cash_value", "limited_property_value",
	"tax_year", "tax_billed", "tax_paid", "tax_due", "tax_delinquent",
	"basic_state", "basic_collected_at", "valuations_state", "valuations_collected_at",
	"residential_state", "residential_collected_at", "tax_state", "tax_collected_at",
	"sales_state", "sales_collected_at"
};

#define TS(x) "to_char(" x " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define PART(p) \
	" max(state) FILTER (WHERE part = '" p "') AS " p "_state," \
	" max(" TS("fetched_at") ") FILTER (WHERE part = '" p "') AS " p "_at"

/*
 * One row per APN asked, in the order asked.  The status is pdc-show's:
 * missing when nothing is stored, complete when each of the five parts is
 * complete or missing, partial otherwise.  The latest sale is the newest of
 * those pdc stands behind (basis deed or chain), never a candidate; the
 * values and the tax are the latest year's.
 */
static struct pdc_stmt st_csv = { "pdc_export_csv",
	"SELECT a.apn,"
	" CASE WHEN r.n = 0 AND p.apn IS NULL THEN 'missing' WHEN r.done = 5 THEN 'complete'"
	"  ELSE 'partial' END,"
	" (SELECT to_char(completed_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM data_collection_status d"
	"  WHERE d.apn = a.apn AND completed_at IS NOT NULL),"
	" p.owner_name, p.in_care_of, p.mailing_address1, p.mailing_address2, p.mailing_city,"
	" p.mailing_state, p.mailing_zip, p.mailing_country,"
	" p.property_address, p.property_type, p.property_use_code, p.pe_prop_use_desc,"
	" to_char(s.recording_date, 'YYYY-MM-DD'), s.sale_price, s.recording_number, s.document_code,"
	" v.tax_year, v.full_cash_value, v.limited_property_value,"
	" b.tax_year, b.assessed_tax, b.paid, b.due,"
	" CASE WHEN b.delinquent THEN 'true' WHEN NOT b.delinquent THEN 'false' END,"
	" r.basic_state, r.basic_at, r.valuations_state, r.valuations_at,"
	" r.residential_state, r.residential_at, r.tax_state, r.tax_at, r.sales_state, r.sales_at"
	" FROM unnest($1::text[]) WITH ORDINALITY AS a(apn, ord)"
	" LEFT JOIN properties p ON p.apn = a.apn AND p.fetched_at IS NOT NULL"
	" LEFT JOIN LATERAL (SELECT recording_date, sale_price, recording_number, document_code"
	"  FROM sales WHERE apn = a.apn AND basis IN ('deed', 'chain')"
	"  ORDER BY recording_date DESC NULLS LAST, recording_number DESC LIMIT 1) s ON true"
	" LEFT JOIN LATERAL (SELECT tax_year, full_cash_value, limited_property_value"
	"  FROM valuations WHERE apn = a.apn ORDER BY tax_year DESC LIMIT 1) v ON true"
	" LEFT JOIN LATERAL (SELECT tax_year, assessed_tax, paid, due, delinquent"
	"  FROM tax_bills WHERE apn = a.apn ORDER BY tax_year DESC LIMIT 1) b ON true"
	" CROSS JOIN LATERAL (SELECT count(*) AS n,"
	"  count(*) FILTER (WHERE state IN ('complete', 'missing')) AS done,"
	PART("basic") "," PART("valuations") "," PART("residential") "," PART("tax") "," PART("sales")
	"  FROM record_parts WHERE apn = a.apn) r"
	" ORDER BY a.ord", 1, 0 };

/* pdc-show's statement over the APNs asked, built once from show.c's. */
static char json_sql[20480];
static struct pdc_stmt st_json = { "pdc_export_json", json_sql, 1, 0 };
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int json_ok;

static void
build(void)
{
	static const char head[] = "SELECT a.apn, (";
	static const char tail[] = ") FROM unnest($1::text[]) WITH ORDINALITY AS a(apn, ord) ORDER BY a.ord";
	size_t h = sizeof(head) - 1;

	memcpy(json_sql, head, h);
	if (pdc_show_json_sql(json_sql + h, sizeof(json_sql) - h, "a.apn") == -1 ||
	    strlcat(json_sql, tail, sizeof(json_sql)) >= sizeof(json_sql))
		return;
	json_ok = 1;
}

static struct pdc_stmt st_next = { "pdc_export_next",
	"SELECT apn FROM ("
	" (SELECT DISTINCT apn FROM record_parts WHERE apn > $1 ORDER BY apn LIMIT $2)"
	" UNION"
	" (SELECT apn FROM properties WHERE apn > $1 AND fetched_at IS NOT NULL ORDER BY apn LIMIT $2)"
	") x ORDER BY apn LIMIT $2", 2, 0 };

/* The APNs as a text[] literal: canonical APNs hold no character it would quote. */
static int
array(char (*apns)[PDC_APN_MAX], int n, char *buf, size_t len)
{
	strlcpy(buf, "{", len);
	for (int i = 0; i < n; i++) {
		if (i > 0)
			strlcat(buf, ",", len);
		if (strlcat(buf, apns[i], len) >= len)
			return -1;
	}
	return strlcat(buf, "}", len) >= len ? -1 : 0;
}

int
pdc_export_rows(struct pdc_conn *c, enum pdc_export_kind kind,
    char (*apns)[PDC_APN_MAX], int n, pdc_export_fn fn, void *arg, struct pdc_err *err)
{
	char list[PDC_EXPORT_BATCH * PDC_APN_MAX + 8];
	const char *params[1] = { list };
	const char *cells[PDC_EXPORT_NCOLS];
	struct pdc_stmt *st = &st_csv;
	PGresult *res;
	int rc = 0;

	if (n < 0 || n > PDC_EXPORT_BATCH || array(apns, n, list, sizeof(list)) == -1) {
		pdc_err_set(err, PDC_E_SYSTEM, "export: a batch of %d APNs is too large", n);
		return -1;
	}
	if (n == 0)
		return 0;
	if (kind == PDC_EXPORT_JSON) {
		pthread_once(&once, build);
		if (!json_ok) {
			pdc_err_set(err, PDC_E_SYSTEM, "export: the record statement does not fit");
			return -1;
		}
		st = &st_json;
	}
	if ((res = pdc_db_run(c, st, params, err)) == NULL)
		return -1;
	int ncols = PQnfields(res) < PDC_EXPORT_NCOLS ? PQnfields(res) : PDC_EXPORT_NCOLS;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		for (int i = 0; i < ncols; i++)
			cells[i] = PQgetisnull(res, r, i) ? NULL : PQgetvalue(res, r, i);
		rc = fn(arg, cells, ncols);
	}
	PQclear(res);
	return rc;
}

int
pdc_export_next(struct pdc_conn *c, const char *after, char (*out)[PDC_APN_MAX], int max,
    struct pdc_err *err)
{
	char lim[16];
	const char *params[2] = { after, lim };
	PGresult *res;
	int n;

	if (max > PDC_EXPORT_BATCH)
		max = PDC_EXPORT_BATCH;
	snprintf(lim, sizeof(lim), "%d", max);
	if ((res = pdc_db_run(c, &st_next, params, err)) == NULL)
		return -1;
	n = PQntuples(res);
	for (int r = 0; r < n; r++)
		strlcpy(out[r], PQgetvalue(res, r, 0), PDC_APN_MAX);
	PQclear(res);
	return n;
}

int
pdc_export_csv_field(FILE *fp, const char *s)
{
	size_t len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (strpbrk(s, ",\"\r\n") == NULL && (len == 0 || (s[0] != ' ' && s[len - 1] != ' ')))
		return fputs(s, fp) == EOF ? -1 : 0;
	if (putc('"', fp) == EOF)
		return -1;
	for (; *s != '\0'; s++)
		if ((*s == '"' && putc('"', fp) == EOF) || putc(*s, fp) == EOF)
			return -1;
	return putc('"', fp) == EOF ? -1 : 0;
}
