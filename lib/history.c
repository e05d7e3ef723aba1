#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "history.h"
#include "queue.h"

const char *const pdc_history_kinds[] = {
	"sale", "owner", "mailing", "tax", "valuation", "residential", "record", NULL
};

int
pdc_history_kind_parse(const char *list, unsigned *bits, struct pdc_err *err)
{
	const char *p = list;

	*bits = 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		int i;

		for (i = 0; pdc_history_kinds[i] != NULL; i++)
			if (strlen(pdc_history_kinds[i]) == n && strncmp(pdc_history_kinds[i], p, n) == 0)
				break;
		if (pdc_history_kinds[i] == NULL)
			return pdc_err_set(err, PDC_E_INPUT, "unknown kind \"%.*s\"", (int)(n > 40 ? 40 : n),
			    p);
		*bits |= 1u << i;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

static struct pdc_stmt st_begin = { "pdc_history_begin",
	"SELECT pdc_history_begin($1)", 1, 0 };

int
pdc_history_begin(struct pdc_conn *c, const char *apn, struct pdc_err *err)
{
	const char *params[1] = { apn };

	return pdc_db_send(c, &st_begin, params, NULL, NULL, err);
}

static struct pdc_stmt st_prune = { "pdc_history_prune",
	"DELETE FROM history WHERE id IN (SELECT id FROM history"
	"  WHERE seen_at < now() - make_interval(secs => $1::float8 * 3600) LIMIT 10000)", 1, 0 };

long
pdc_history_prune(struct pdc_conn *c, double keep_hours, struct pdc_err *err)
{
	char h[32];
	const char *params[1] = { h };

	snprintf(h, sizeof(h), "%.3f", keep_hours);
	return pdc_db_do(c, &st_prune, params, err);
}

/*
 * Oldest first and newest first are two statements rather than SQL made
 * from a flag.  The parts of a filter that are not given are NULL.
 */
#define READ_SQL(order) \
	"SELECT id, apn, to_char(seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
	"  tbl, row_key, op, old::text, new::text FROM history" \
	" WHERE id > $1::bigint" \
	"  AND ($2::timestamptz IS NULL OR seen_at >= $2::timestamptz)" \
	"  AND ($3::float8 IS NULL OR seen_at >= now() - make_interval(secs => $3::float8))" \
	"  AND ($4::text[] IS NULL OR apn = ANY ($4::text[]))" \
	"  AND ($5::text[] IS NULL OR tbl = ANY ($5::text[]))" \
	"  AND ($7::float8 IS NULL OR id < coalesce((SELECT min(id) FROM history" \
	"   WHERE id > $1::bigint AND seen_at >= now() - make_interval(secs => $7::float8))," \
	"   9223372036854775807))" \
	" ORDER BY id " order " LIMIT $6::bigint"

static struct pdc_stmt st_read_asc = { "pdc_history_read_asc", READ_SQL("ASC"), 7, 0 };
static struct pdc_stmt st_read_desc = { "pdc_history_read_desc", READ_SQL("DESC"), 7, 0 };

/* Numbers as the county prints them: 537,400; $1,757.79; $645,500. */
static void
fmt_num(char *buf, size_t len, double v, bool money)
{
	char digits[64], out[96];
	double a = fabs(v);
	long long whole = (long long)a;
	int cents = (int)llround((a - (double)whole) * 100);
	size_t n, o = 0;

	if (cents == 100) {
		whole++;
		cents = 0;
	}
	snprintf(digits, sizeof(digits), "%lld", whole);
	n = strlen(digits);
	if (v < 0)
		out[o++] = '-';
	if (money)
		out[o++] = '$';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	if (money && cents != 0)
		snprintf(out + o, sizeof(out) - o, ".%02d", cents);
	strlcpy(buf, out, len);
}

static const cJSON *
get(const cJSON *o, const char *k)
{
	const cJSON *v = o != NULL ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;

	return v != NULL && !cJSON_IsNull(v) ? v : NULL;
}

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *v = get(o, k);

	return v != NULL && cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool
num(const cJSON *o, const char *k, double *d)
{
	const cJSON *v = get(o, k);

	if (v == NULL || !cJSON_IsNumber(v))
		return false;
	*d = v->valuedouble;
	return true;
}

static bool
has(const cJSON *o, const char *k)
{
	return o != NULL && cJSON_GetObjectItemCaseSensitive(o, k) != NULL;
}

/* A copy of O's value K (null when absent) under the name AS in EV. */
static void
copy(cJSON *ev, const char *as, const cJSON *o, const char *k)
{
	const cJSON *v = o != NULL ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
	cJSON *d = v != NULL ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();

	if (d != NULL)
		cJSON_AddItemToObject(ev, as, d);
}

/* What the reader of events gets for each stored line, and its filter. */
struct reader {
	const struct pdc_history_query *q;
	pdc_history_fn fn;
	void *arg;
	const char *id, *apn, *seen, *key;
	struct pdc_err *err;
	int rc;
};

/* Finish EV (kind, event, text) and hand it on when the filter keeps it. */
static void
emit(struct reader *r, cJSON *ev, unsigned kind, const char *event, const char *text)
{
	int i;

	if (ev == NULL) {
		r->rc = pdc_err_set(r->err, PDC_E_SYSTEM, "out of memory");
		return;
	}
	for (i = 0; (1u << i) != kind; i++)
		;
	cJSON_AddNumberToObject(ev, "id", strtod(r->id, NULL));
	cJSON_AddStringToObject(ev, "apn", r->apn);
	cJSON_AddStringToObject(ev, "seen_at", r->seen);
	cJSON_AddStringToObject(ev, "kind", pdc_history_kinds[i]);
	cJSON_AddStringToObject(ev, "event", event);
	cJSON_AddStringToObject(ev, "text", text);
	/* the kind's own keys went in first: move them after the common ones */
	for (int n = cJSON_GetArraySize(ev) - 6; n > 0; n--) {
		cJSON *it = cJSON_DetachItemViaPointer(ev, ev->child);

		cJSON_AddItemToObject(ev, it->string, it);
	}
	if (r->rc == 0 && r->fn != NULL && (r->q->kinds == 0 || (r->q->kinds & kind)) &&
	    r->fn(r->arg, ev, r->err) == -1)
		r->rc = -1;
	cJSON_Delete(ev);
}

/* The changed fields' names, "a, b, c", into BUF; their list into EV. */
static void
fields(cJSON *ev, const cJSON *old, const char *const *leave, char *buf, size_t len)
{
	cJSON *arr = cJSON_AddArrayToObject(ev, "fields");
	const cJSON *it;

	buf[0] = '\0';
	cJSON_ArrayForEach(it, old) {
		bool skip = false;

		for (size_t i = 0; leave != NULL && leave[i] != NULL; i++)
			if (strcmp(leave[i], it->string) == 0)
				skip = true;
		/* a suffix first known is no change (sql/016: rows stored before had none) */
		if (strcmp(it->string, "deed_suffix") == 0 && cJSON_IsNull(it))
			skip = true;
		if (skip)
			continue;
		if (buf[0] != '\0')
			strlcat(buf, ", ", len);
		strlcat(buf, it->string, len);
		if (arr != NULL)
			cJSON_AddItemToArray(arr, cJSON_CreateString(it->string));
	}
}

static const char *const mailing_cols[] = {
	"in_care_of", "mailing_address1", "mailing_address2", "mailing_city", "mailing_state",
	"mailing_zip", "mailing_country", "full_mailing_address", NULL
};

static void
on_properties(struct reader *r, const char *op, const cJSON *old, const cJSON *new)
{
	static const char *const leave[] = { "owner_name", "in_care_of", "mailing_address1",
	    "mailing_address2", "mailing_city", "mailing_state", "mailing_zip", "mailing_country",
	    "full_mailing_address", NULL };
	char text[1024], list[512];
	cJSON *ev;
	bool mailing = false;

	if (strcmp(op, "update") != 0) {
		ev = cJSON_CreateObject();
		if (ev != NULL)
			cJSON_AddArrayToObject(ev, "fields");
		emit(r, ev, PDC_CHANGE_RECORD, op[0] == 'i' ? "added" : "removed",
		    op[0] == 'i' ? "record added" : "record removed");
		return;
	}
	if (has(old, "owner_name")) {
		const char *o = str(old, "owner_name"), *n = str(new, "owner_name");

		ev = cJSON_CreateObject();
		if (ev != NULL) {
			copy(ev, "old", old, "owner_name");
			copy(ev, "new", new, "owner_name");
		}
		snprintf(text, sizeof(text), "owner %s -> %s", o ? o : "(unknown)", n ? n : "(unknown)");
		emit(r, ev, PDC_CHANGE_OWNER, "changed", text);
	}
	for (size_t i = 0; mailing_cols[i] != NULL; i++)
		if (has(old, mailing_cols[i]))
			mailing = true;
	if (mailing) {
		ev = cJSON_CreateObject();
		if (ev != NULL) {
			copy(ev, "old", has(old, "full_mailing_address") ? old : new,
			    "full_mailing_address");
			copy(ev, "new", new, "full_mailing_address");
		}
		emit(r, ev, PDC_CHANGE_MAILING, "changed", "mailing address changed");
	}
	ev = cJSON_CreateObject();
	if (ev == NULL) {
		emit(r, NULL, PDC_CHANGE_RECORD, "", "");
		return;
	}
	fields(ev, old, leave, list, sizeof(list));
	if (list[0] == '\0') {
		cJSON_Delete(ev);
		return;
	}
	snprintf(text, sizeof(text), "record %s changed", list);
	emit(r, ev, PDC_CHANGE_RECORD, "changed", text);
}

static void
on_valuations(struct reader *r, const char *op, const cJSON *old, const cJSON *new)
{
	static const struct { const char *col, *field, *words; } vals[] = {
		{ "full_cash_value", "full_cash", "full cash" },
		{ "limited_property_value", "limited", "limited" }
	};
	const cJSON *row = new != NULL ? new : old;
	char text[1024];
	bool any = false;

	/* The county lists six years: the oldest leaves when a new one comes. */
	if (strcmp(op, "delete") == 0)
		return;
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		bool update = strcmp(op, "update") == 0;
		double o, n;
		char os[32], ns[32];
		cJSON *ev;

		if (update && !has(old, vals[i].col))
			continue;
		if (!update && get(row, vals[i].col) == NULL)
			continue;
		any = true;
		ev = cJSON_CreateObject();
		if (ev != NULL) {
			cJSON_AddNumberToObject(ev, "year", strtod(r->key, NULL));
			cJSON_AddStringToObject(ev, "field", vals[i].field);
			/* a new year's old value is the year before's */
			copy(ev, "old", old, vals[i].col);
			copy(ev, "new", new, vals[i].col);
		}
		if (!num(new, vals[i].col, &n))
			snprintf(ns, sizeof(ns), "(unknown)");
		else
			fmt_num(ns, sizeof(ns), n, false);
		if (num(old, vals[i].col, &o)) {
			fmt_num(os, sizeof(os), o, false);
			if (o != 0 && num(new, vals[i].col, &n))
				snprintf(text, sizeof(text), "valuation %s %s %s -> %s (%+.1f%%)", r->key,
				    vals[i].words, os, ns, (n - o) * 100 / o);
			else
				snprintf(text, sizeof(text), "valuation %s %s %s -> %s", r->key,
				    vals[i].words, os, ns);
		} else if (update)
			snprintf(text, sizeof(text), "valuation %s %s (unknown) -> %s", r->key,
			    vals[i].words, ns);
		else
			snprintf(text, sizeof(text), "valuation %s %s %s", r->key, vals[i].words, ns);
		emit(r, ev, PDC_CHANGE_VALUATION, update ? "changed" : "added", text);
	}
	if (!any) {
		char list[512];
		cJSON *ev = cJSON_CreateObject();

		if (ev == NULL) {
			emit(r, NULL, PDC_CHANGE_VALUATION, "", "");
			return;
		}
		cJSON_AddNumberToObject(ev, "year", strtod(r->key, NULL));
		cJSON_AddStringToObject(ev, "field", "other");
		copy(ev, "old", NULL, "");
		copy(ev, "new", NULL, "");
		fields(ev, strcmp(op, "update") == 0 ? old : NULL, NULL, list, sizeof(list));
		snprintf(text, sizeof(text), "valuation %s %s%s%s", r->key,
		    strcmp(op, "update") == 0 ? "changed" : "added", list[0] ? ": " : "", list);
		emit(r, ev, PDC_CHANGE_VALUATION, strcmp(op, "update") == 0 ? "changed" : "added",
		    text);
	}
}

/* O names only keys of NAMES. */
static bool
only(const cJSON *o, const char *const *names)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, o) {
		size_t i;

		for (i = 0; names[i] != NULL; i++)
			if (strcmp(names[i], it->string) == 0)
				break;
		if (names[i] == NULL)
			return false;
	}
	return true;
}

static void
on_tax(struct reader *r, const char *op, const cJSON *old, const cJSON *new)
{
	static const char *const accrues[] = { "due", "interest_due", "fees_due", NULL };
	const cJSON *row = new != NULL ? new : old;
	char text[1024], due[32] = "", list[512];
	const char *event;
	double d, h1 = 0, h2 = 0, o1;
	bool have_due = num(row, "due", &d), have_h1;
	const cJSON *it;
	cJSON *ev;

	/* The treasurer lists a window of years: the oldest leaves as a new one comes. */
	if (strcmp(op, "delete") == 0)
		return;
	/*
	 * Values become unknown (NULL) when the page stops saying them, or
	 * when pdc stops reading more into it than it says: no news of the
	 * bill, and never "interest and fees" or "paid".
	 */
	if (strcmp(op, "update") == 0) {
		bool known = false;

		cJSON_ArrayForEach(it, old)
			if (get(new, it->string) != NULL)
				known = true;
		if (!known)
			return;
	}
	if ((ev = cJSON_CreateObject()) == NULL) {
		emit(r, NULL, PDC_CHANGE_TAX, "", "");
		return;
	}
	cJSON_AddNumberToObject(ev, "year", strtod(r->key, NULL));
	copy(ev, "amount_due", row, "due");
	if (have_due)
		fmt_num(due, sizeof(due), d, true);
	have_h1 = num(row, "first_half_due", &h1);
	num(row, "second_half_due", &h2);
	if (strcmp(op, "insert") == 0) {
		event = "billed";
		snprintf(text, sizeof(text), "tax %s billed%s%s%s", r->key, have_due ? " (" : "", due,
		    have_due ? " due)" : "");
	} else if (has(old, "delinquent") && cJSON_IsTrue(get(new, "delinquent"))) {
		const char *which = h1 > 0 && h2 > 0 ? "both halves unpaid" :
		    h1 > 0 ? "first half unpaid" : h2 > 0 ? "second half unpaid" : "unpaid";

		event = "delinquent";
		snprintf(text, sizeof(text), "tax %s delinquent (%s%s%s%s)", r->key, which,
		    have_due ? ", " : "", due, have_due ? " due" : "");
	} else if (has(old, "due") && have_due && d == 0) {
		event = "paid";
		snprintf(text, sizeof(text), "tax %s paid", r->key);
	} else if (num(old, "first_half_due", &o1) && o1 > 0 && have_h1 && h1 == 0 && h2 > 0) {
		event = "half_paid";
		snprintf(text, sizeof(text), "tax %s first half paid%s%s%s", r->key,
		    have_due ? " (" : "", due, have_due ? " due)" : "");
	} else if (only(old, accrues)) {
		event = "interest";
		snprintf(text, sizeof(text), "tax %s interest and fees%s%s%s", r->key,
		    have_due ? " (" : "", due, have_due ? " due)" : "");
	} else {
		event = "changed";
		fields(ev, old, NULL, list, sizeof(list));
		snprintf(text, sizeof(text), "tax %s %s changed", r->key, list);
	}
	emit(r, ev, PDC_CHANGE_TAX, event, text);
}

static bool
parcels_sale(const cJSON *row)
{
	const char *b = str(row, "basis");

	return b == NULL || strcmp(b, "candidate") != 0;
}

static void
on_sales(struct reader *r, const char *op, const cJSON *old, const cJSON *new)
{
	const cJSON *row = new != NULL ? new : old;
	const char *date = str(row, "recording_date"), *code = str(row, "document_code");
	char text[1024], price[40] = "", list[512];
	const char *event;
	double p;
	cJSON *ev;

	/* Deeds found only under an owner's name are not the parcel's news. */
	if (!parcels_sale(row))
		return;
	if (strcmp(op, "insert") == 0 ||
	    (strcmp(op, "update") == 0 && has(old, "basis") && !parcels_sale(old)))
		event = "recorded";
	else if (strcmp(op, "delete") == 0)
		event = "removed";
	else {
		/* The latest deed becoming an earlier one of the chain is no news. */
		bool other = false;
		const cJSON *it;

		/* nor a suffix first known (sql/016: rows stored before had none) */
		cJSON_ArrayForEach(it, old)
			if (strcmp(it->string, "basis") != 0 && strcmp(it->string, "matched") != 0 &&
			    !(strcmp(it->string, "recording_suffix") == 0 && cJSON_IsNull(it)))
				other = true;
		if (!other)
			return;
		event = "corrected";
	}
	if ((ev = cJSON_CreateObject()) == NULL) {
		emit(r, NULL, PDC_CHANGE_SALE, "", "");
		return;
	}
	cJSON_AddStringToObject(ev, "recording_number", r->key);
	copy(ev, "recording_date", row, "recording_date");
	copy(ev, "document_code", row, "document_code");
	copy(ev, "sale_price", row, "sale_price");
	if (num(row, "sale_price", &p)) {
		price[0] = ' ';
		fmt_num(price + 1, sizeof(price) - 1, p, true);
	}
	if (strcmp(event, "recorded") == 0)
		snprintf(text, sizeof(text), "sale %s %s %s%s", date ? date : "-", r->key,
		    code ? code : "-", price);
	else if (strcmp(event, "removed") == 0)
		snprintf(text, sizeof(text), "sale %s %s removed", date ? date : "-", r->key);
	else {
		static const char *const leave[] = { "basis", "matched", NULL };

		fields(ev, old, leave, list, sizeof(list));
		snprintf(text, sizeof(text), "sale %s %s corrected: %s", date ? date : "-", r->key,
		    list);
	}
	emit(r, ev, PDC_CHANGE_SALE, event, text);
}

static void
on_residential(struct reader *r, const char *op, const cJSON *old)
{
	char text[640], list[512];
	cJSON *ev = cJSON_CreateObject();

	if (ev == NULL) {
		emit(r, NULL, PDC_CHANGE_RESIDENTIAL, "", "");
		return;
	}
	if (strcmp(op, "update") == 0) {
		fields(ev, old, NULL, list, sizeof(list));
		snprintf(text, sizeof(text), "residential %s changed", list);
		emit(r, ev, PDC_CHANGE_RESIDENTIAL, "changed", text);
	} else {
		cJSON_AddArrayToObject(ev, "fields");
		emit(r, ev, PDC_CHANGE_RESIDENTIAL, op[0] == 'i' ? "added" : "removed",
		    op[0] == 'i' ? "residential details added" : "residential details removed");
	}
}

/* The tables whose lines may make an event of KINDS, into V (N of them). */
static void
tables_of(unsigned kinds, const char **v, size_t *n)
{
	*n = 0;
	if (kinds & (PDC_CHANGE_OWNER | PDC_CHANGE_MAILING | PDC_CHANGE_RECORD))
		v[(*n)++] = "properties";
	if (kinds & PDC_CHANGE_SALE)
		v[(*n)++] = "sales";
	if (kinds & PDC_CHANGE_TAX)
		v[(*n)++] = "tax_bills";
	if (kinds & PDC_CHANGE_VALUATION)
		v[(*n)++] = "valuations";
	if (kinds & PDC_CHANGE_RESIDENTIAL)
		v[(*n)++] = "residential_details";
}

long long
pdc_history_read(struct pdc_conn *c, const struct pdc_history_query *q, pdc_history_fn fn,
    void *arg, struct pdc_err *err)
{
	struct reader r = { q, fn, arg, NULL, NULL, NULL, NULL, err, 0 };
	char after[32], secs[32], limit[32], settle[32];
	const char *tbls[8];
	size_t ntbls;
	char *apns = NULL, *tarr = NULL;
	const char *params[7];
	long long last = 0;
	PGresult *res;

	snprintf(after, sizeof(after), "%lld", q->after_id);
	snprintf(secs, sizeof(secs), "%.3f", q->since_secs);
	snprintf(limit, sizeof(limit), "%ld", q->limit > 0 ? q->limit : 9000000000000000000L);
	if (q->napns > 0 && (apns = pdc_queue_array(q->apns, q->napns)) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	tables_of(q->kinds, tbls, &ntbls);
	if (q->kinds != 0 && (tarr = pdc_queue_array(tbls, ntbls)) == NULL) {
		free(apns);
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	}
	params[0] = after;
	params[1] = q->since;
	params[2] = q->since_secs > 0 ? secs : NULL;
	params[3] = apns;
	params[4] = tarr;
	params[5] = limit;
	snprintf(settle, sizeof(settle), "%.3f", q->settle_secs);
	params[6] = q->settle_secs > 0 ? settle : NULL;
	res = pdc_db_run(c, q->newest_first ? &st_read_desc : &st_read_asc, params, err);
	free(apns);
	free(tarr);
	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res) && r.rc == 0; i++) {
		const char *op = PQgetvalue(res, i, 5);
		const char *tbl = PQgetvalue(res, i, 3);
		cJSON *old = PQgetisnull(res, i, 6) ? NULL : cJSON_Parse(PQgetvalue(res, i, 6));
		cJSON *new = PQgetisnull(res, i, 7) ? NULL : cJSON_Parse(PQgetvalue(res, i, 7));
		long long id = strtoll(PQgetvalue(res, i, 0), NULL, 10);

		if (id > last)
			last = id;
		r.id = PQgetvalue(res, i, 0);
		r.apn = PQgetvalue(res, i, 1);
		r.seen = PQgetvalue(res, i, 2);
		r.key = PQgetvalue(res, i, 4);
		/*
		 * A value the source no longer gives (the treasurer details the
		 * current year only; a redacted owner) is unknown now, not changed:
		 * no news.  A row that only lost values makes no event.
		 */
		if (strcmp(op, "update") == 0 && old != NULL) {
			cJSON *it = old->child, *next;

			for (; it != NULL; it = next) {
				next = it->next;
				if (get(new, it->string) == NULL)
					cJSON_DeleteItemFromObjectCaseSensitive(old, it->string);
			}
			if (old->child == NULL) {
				cJSON_Delete(old);
				cJSON_Delete(new);
				continue;
			}
		}
		if (strcmp(tbl, "properties") == 0)
			on_properties(&r, op, old, new);
		else if (strcmp(tbl, "valuations") == 0)
			on_valuations(&r, op, old, new);
		else if (strcmp(tbl, "tax_bills") == 0)
			on_tax(&r, op, old, new);
		else if (strcmp(tbl, "sales") == 0)
			on_sales(&r, op, old, new);
		else if (strcmp(tbl, "residential_details") == 0)
			on_residential(&r, op, old);
		cJSON_Delete(old);
		cJSON_Delete(new);
	}
	PQclear(res);
	return r.rc == -1 ? -1 : last;
}
