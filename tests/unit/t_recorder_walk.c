/*
 * t_recorder_walk - how the recorder source finds a parcel's deeds and says
 * how it knows them, against a tiny HTTP server in a thread: the latest
 * deed (basis deed), the chain of owners back from it (basis chain), the
 * owner's other deeds (candidates), rows coded with '+' judged by their
 * detail, a search of 501 narrowed by date windows, and the part marked
 * partial where it cannot be.
 *
 * The county here: DOE JANE A and DOE JOHN B bought the parcel from ROE
 * RICHARD in 2020 (20200000001, the assessor's latest deed).  ROE RICHARD
 * had bought it from POE EDGAR in 2010 (20100000002, "SPEC/W D+": a
 * special warranty deed with an affidavit).  DOE JANE A also has a deed of
 * trust with an assignment (20120000003, "DEED TRST+") and bought another
 * parcel from SMITH AL in 2015 (20150000004).  With M_LATER, DOE JANE A
 * also bought a parcel months after this one (20201200006: news the
 * assessor may not have had yet, a candidate) and another in 2023
 * (20230000007), and ROE RICHARD bought one in 2021 (20210000008): not
 * this parcel's.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "record.h"
#include "schema.h"
#include "sources/recorder.h"
#include "httpd.h"
#include "unit.h"

enum mode {
	M_PLAIN,	/* every search answers all its rows */
	M_CAPPED,	/* DOE JANE: 501 for a window holding all three of its rows */
	M_FULL,		/* DOE JANE: 501 whatever the dates */
	M_REFUSE,	/* DOE JANE: 501 without dates, 400 with */
	M_SUFFIX,	/* DOE JANE: also the suffixed rows below */
	M_LATER		/* also the deeds recorded after the latest deed */
};

static struct {
	struct httpd h;
	enum mode mode;		/* these three under h.mu */
	int searches, dated;
} srv;

struct doc {
	const char *number, *detail;
};

static const struct doc docs[] = {
	{ "20200000001", "{\"names\":[\"ROE RICHARD\",\"DOE JANE A\",\"DOE JOHN B\"],"
	    "\"documentCodes\":[\"WAR DEED\"],\"recordingDate\":\"3-16-2020\","
	    "\"recordingNumber\":\"20200000001\",\"restricted\":false}" },
	{ "20100000002", "{\"names\":[\"POE EDGAR\",\"ROE RICHARD\"],"
	    "\"documentCodes\":[\"SPEC/W D\",\"AF DISCLS\"],\"recordingDate\":\"5-03-2010\","
	    "\"recordingNumber\":\"20100000002\",\"restricted\":false}" },
	{ "20120000003", "{\"names\":[\"DOE JANE A\",\"DESERT BANK\"],"
	    "\"documentCodes\":[\"DEED TRST\",\"ASSIGNMNT\"],\"recordingDate\":\"1-10-2012\","
	    "\"recordingNumber\":\"20120000003\",\"restricted\":false}" },
	{ "20150000004", "{\"names\":[\"SMITH AL\",\"DOE JANE A\"],"
	    "\"documentCodes\":[\"WAR DEED\"],\"recordingDate\":\"7-01-2015\","
	    "\"recordingNumber\":\"20150000004\",\"restricted\":true}" },
};

/*
 * The search rows of DOE JANE A, ROE RICHARD and POE EDGAR, oldest first;
 * with M_SUFFIX also two documents with a recordingSuffix: 20150000004 A,
 * another document than 20150000004 (another day), and 20160000005 A,
 * whose number alone the detail does not know.
 */
struct row {
	const char *name, *number, *suffix, *date, *iso, *code;
	enum mode only;		/* served only in this mode; M_PLAIN: in every one */
};

static const struct row rows[] = {
	{ "DOE JANE A", "20120000003", "", "1-10-2012", "2012-01-10", "DEED TRST+", M_PLAIN },
	{ "DOE JANE A", "20150000004", "", "7-01-2015", "2015-07-01", "WAR DEED", M_PLAIN },
	{ "DOE JANE A", "20150000004", "A", "9-01-2015", "2015-09-01", "WAR DEED", M_SUFFIX },
	{ "DOE JANE A", "20160000005", "A", "2-02-2016", "2016-02-02", "Q/CL DEED", M_SUFFIX },
	{ "DOE JANE A", "20200000001", "", "3-16-2020", "2020-03-16", "WAR DEED", M_PLAIN },
	{ "DOE JANE A", "20201200006", "", "12-01-2020", "2020-12-01", "WAR DEED", M_LATER },
	{ "DOE JANE A", "20230000007", "", "5-05-2023", "2023-05-05", "WAR DEED", M_LATER },
	{ "ROE RICHARD", "20100000002", "", "5-03-2010", "2010-05-03", "SPEC/W D+", M_PLAIN },
	{ "ROE RICHARD", "20200000001", "", "3-16-2020", "2020-03-16", "WAR DEED", M_PLAIN },
	{ "ROE RICHARD", "20210000008", "", "6-01-2021", "2021-06-01", "WAR DEED", M_LATER },
	{ "POE EDGAR", "20100000002", "", "5-03-2010", "2010-05-03", "SPEC/W D+", M_PLAIN },
};

static void
answer(int c, const char *status, const char *body)
{
	httpd_answer(c, status, "Content-Type: application/json\r\n", body, strlen(body));
}

/* The value of query parameter NAME in REQ into OUT ("" when absent). */
static void
param(const char *req, const char *name, char *out, size_t size)
{
	char key[64];
	const char *p;
	size_t n;

	snprintf(key, sizeof(key), "%s=", name);
	out[0] = '\0';
	for (p = strstr(req, key); p != NULL; p = strstr(p + 1, key))
		if (p[-1] == '?' || p[-1] == '&')
			break;
	if (p == NULL)
		return;
	p += strlen(key);
	n = strcspn(p, "& ");
	snprintf(out, size, "%.*s", (int)n, p);
}

static void
search(int c, const char *req)
{
	char last[64], first[64], begin[16], end[16], page[8], who[128], body[8192];
	size_t o = 0;
	int n = 0, total;
	bool doe;

	param(req, "lastNames", last, sizeof(last));
	param(req, "firstNames", first, sizeof(first));
	param(req, "beginDate", begin, sizeof(begin));
	param(req, "endDate", end, sizeof(end));
	param(req, "pageNumber", page, sizeof(page));
	snprintf(who, sizeof(who), "%s %s", last, first);
	doe = strcmp(who, "DOE JANE") == 0;
	pthread_mutex_lock(&srv.h.mu);
	srv.searches++;
	srv.dated += begin[0] != '\0';
	pthread_mutex_unlock(&srv.h.mu);
	if (doe && srv.mode == M_REFUSE && begin[0] != '\0') {
		answer(c, "400 Bad Request", "{\"timestamp\":\"4-18-2026\",\"status\":400,"
		    "\"error\":\"Bad Request\",\"path\":\"/documents/search\"}");
		return;
	}
	o += (size_t)snprintf(body + o, sizeof(body) - o, "{\"searchResults\":[");
	if (strcmp(page, "1") == 0)
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
			if (strncmp(rows[i].name, who, strlen(who)) != 0 ||
			    (rows[i].only != M_PLAIN && rows[i].only != srv.mode) ||
			    (begin[0] != '\0' && (strcmp(rows[i].iso, begin) < 0 ||
			    strcmp(rows[i].iso, end) > 0)))
				continue;
			o += (size_t)snprintf(body + o, sizeof(body) - o, "%s{\"names\":\"%s\","
			    "\"recordingNumber\":%s,\"recordingSuffix\":\"%s\",\"recordingDate\":\"%s\","
			    "\"documentCode\":\"%s\",\"docketBook\":\"\",\"pageMap\":\"\"}",
			    n++ ? "," : "", rows[i].name, rows[i].number, rows[i].suffix, rows[i].date,
			    rows[i].code);
		}
	total = n;
	if (doe && ((srv.mode == M_CAPPED && n == 3) ||
	    srv.mode == M_FULL || (srv.mode == M_REFUSE && begin[0] == '\0')))
		total = 501;
	snprintf(body + o, sizeof(body) - o, "],\"totalResults\":%d}", total);
	answer(c, "200 OK", body);
}

static void
serve_one(int c, const char *req)
{
	if (strncmp(req, "GET /documents/search?", 22) == 0) {
		search(c, req);
		return;
	}
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "GET /documents/%s ", docs[i].number);
		if (strncmp(req, want, strlen(want)) == 0) {
			answer(c, "200 OK", docs[i].detail);
			return;
		}
	}
	answer(c, "404 Not Found", "{\"message\":\"Document not found\"}");
}

static int
server_start(void)
{
	return httpd_start(&srv.h, serve_one);
}

static void
server_stop(void)
{
	httpd_stop(&srv.h);
}

/* The recorder's collect over a record as the assessor leaves it, in MODE. */
static int
collect(struct pdc_source_ctx *ctx, enum mode mode, struct pdc_record *rec, struct pdc_err *err)
{
	struct pdc_row *row;

	pthread_mutex_lock(&srv.h.mu);
	srv.mode = mode;
	srv.h.log[0] = '\0';
	srv.searches = srv.dated = 0;
	pthread_mutex_unlock(&srv.h.mu);
	pdc_record_init(rec, "165-28-054");
	row = pdc_record_add(rec, &pdc_tbl_properties);
	pdc_row_set(row, "deed_number", "20200000001");
	pdc_row_set(row, "owner_name", "DOE JANE A & JOHN B");
	pdc_row_set(row, "sale_price", "415000");
	rec->parts = PDC_PART_BASIC;
	pdc_err_clear(err);
	ctx->requests = 0;
	return pdc_source_recorder.collect(ctx, "165-28-054", rec, err);
}

/* The sale of REC with recording number NUMBER, or NULL. */
static const struct pdc_row *
sale(const struct pdc_record *rec, const char *number)
{
	for (size_t i = 0; i < rec->nrows; i++) {
		const char *n = pdc_row_get(&rec->rows[i], "recording_number");

		if (rec->rows[i].table == &pdc_tbl_sales && n != NULL && strcmp(n, number) == 0)
			return &rec->rows[i];
	}
	return NULL;
}

static int
nsales(const struct pdc_record *rec)
{
	int n = 0;

	for (size_t i = 0; i < rec->nrows; i++)
		n += rec->rows[i].table == &pdc_tbl_sales;
	return n;
}

static const char *
col(const struct pdc_record *rec, const char *number, const char *name)
{
	const struct pdc_row *r = sale(rec, number);

	return r != NULL ? pdc_row_get(r, name) : "(no such sale)";
}

/* The sales every mode finds in the end: what the county holds. */
static void
check_sales(const struct pdc_record *rec, const char *how)
{
	char name[160];

	snprintf(name, sizeof(name), "%s: three deeds (not the deed of trust)", how);
	is_int(nsales(rec), 3, name);
	snprintf(name, sizeof(name), "%s: the latest deed is certain", how);
	is_str(col(rec, "20200000001", "basis"), "deed", name);
	snprintf(name, sizeof(name), "%s: ... and says so", how);
	is_str(col(rec, "20200000001", "matched"), "Owner.MostCurrentDeed", name);
	snprintf(name, sizeof(name), "%s: ... with the assessor's price", how);
	is_str(col(rec, "20200000001", "sale_price"), "415000", name);
	snprintf(name, sizeof(name), "%s: the previous owner's purchase is the chain's", how);
	is_str(col(rec, "20100000002", "basis"), "chain", name);
	snprintf(name, sizeof(name), "%s: a '+' row judged by its detail: a deed, first code", how);
	is_str(col(rec, "20100000002", "document_code"), "SPEC/W D", name);
	snprintf(name, sizeof(name), "%s: the chain row says what matched", how);
	is_str(col(rec, "20100000002", "matched"),
	    "chain: the only deed before 20200000001 naming its previous owners (ROE RICHARD)",
	    name);
	snprintf(name, sizeof(name), "%s: the owner's other deed is a candidate", how);
	is_str(col(rec, "20150000004", "basis"), "candidate", name);
	snprintf(name, sizeof(name), "%s: ... found under the owner's name", how);
	is_str(col(rec, "20150000004", "matched"), "found under \"DOE JANE A\" (the owner)", name);
	snprintf(name, sizeof(name), "%s: ... read from its detail", how);
	is_str(col(rec, "20150000004", "restricted"), "t", name);
	snprintf(name, sizeof(name), "%s: a '+' row whose codes name no deed is not kept", how);
	ok(sale(rec, "20120000003") == NULL, name);
}

int
main(void)
{
	struct pdc_config cfg;
	struct pdc_source_ctx ctx;
	struct pdc_record rec;
	struct pdc_err err;
	char base[64];

	if (!ok(server_start() == 0, "start a local server"))
		return unit_done();
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", srv.h.port);
	memset(&cfg, 0, sizeof(cfg));
	cfg.source[pdc_config_source_index("recorder")].base_url = base;
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.http = pdc_http_new(&(struct pdc_http_opts){ .timeout_seconds = 5 }, &err);
	ok(ctx.http != NULL, "an http handle");

	is_int(collect(&ctx, M_PLAIN, &rec, &err), 0, "plain: collected");
	check_sales(&rec, "plain");
	is_str(pdc_record_why(&rec, PDC_PART_SALES), NULL, "plain: the part is complete");
	is_int(srv.dated, 0, "plain: no date windows");
	ok(strstr(srv.h.log, "lastNames=ROE&firstNames=RICHARD") != NULL,
	    "plain: the previous owner was searched");
	ok(strstr(srv.h.log, "GET /documents/20120000003 ") != NULL,
	    "plain: the '+' deed of trust's detail was read to judge it");
	pdc_record_release(&rec);

	is_int(collect(&ctx, M_CAPPED, &rec, &err), 0, "capped: collected");
	check_sales(&rec, "capped");
	is_str(pdc_record_why(&rec, PDC_PART_SALES), NULL,
	    "capped: narrowed to windows under 501, the part is complete");
	ok(srv.dated > 0, "capped: date windows were asked");
	ok(strstr(srv.h.log, "beginDate=1850-01-01&endDate=") != NULL,
	    "capped: the first window starts before the county's oldest document");
	pdc_record_release(&rec);

	is_int(collect(&ctx, M_FULL, &rec, &err), 0, "full: collected");
	check_sales(&rec, "full");
	is_str(pdc_record_why(&rec, PDC_PART_SALES), "more than 501 documents under DOE JANE A",
	    "full: never narrow enough: the part is partial, saying why");
	ok(srv.searches < 100, "full: the windows are bounded");
	pdc_record_release(&rec);

	is_int(collect(&ctx, M_REFUSE, &rec, &err), 0, "refused: collected");
	check_sales(&rec, "refused");
	is_str(pdc_record_why(&rec, PDC_PART_SALES), "more than 501 documents under DOE JANE A; "
	    "the county refused a date window of the search under DOE JANE A (HTTP 400)",
	    "refused: the part is partial, saying why");
	pdc_record_release(&rec);

	/*
	 * A suffix is kept as the search gave it, and a document is its number
	 * and its suffix.  The detail, asked for by number alone, names no
	 * suffix: one of another day is another document's, and the part says so.
	 */
	is_int(collect(&ctx, M_SUFFIX, &rec, &err), 0, "suffixed: collected");
	is_str(col(&rec, "20200000001", "recording_suffix"), "",
	    "suffixed: the latest deed takes the search's \"\" (the detail says none)");
	is_str(col(&rec, "20150000004", "recording_suffix"), "",
	    "suffixed: 20150000004 is the document without a suffix");
	is_str(col(&rec, "20150000004", "recording_date"), "2015-07-01",
	    "suffixed: ... not mixed with 20150000004 A's row");
	is_str(col(&rec, "20160000005", "recording_suffix"), "A",
	    "suffixed: 20160000005's suffix as given");
	is_str(col(&rec, "20160000005", "recording_date"), "2016-02-02",
	    "suffixed: ... the search row's date");
	is_str(col(&rec, "20160000005", "names"), "[\"DOE JANE A\"]",
	    "suffixed: ... the names the search gave, no detail known");
	is_str(col(&rec, "20160000005", "restricted"), NULL,
	    "suffixed: ... its restriction unknown, not false");
	is_int(nsales(&rec), 4, "suffixed: 20150000004 A shares a number: not stored over the other");
	ok(strstr(srv.h.log, "GET /documents/20160000005 ") != NULL,
	    "suffixed: the detail was asked for by number");
	is_str(pdc_record_why(&rec, PDC_PART_SALES),
	    "document 20150000004 suffix A: the detail of its number is of another day; "
	    "document 20150000004 suffix \"A\" shares its number with another, which is stored",
	    "suffixed: the part says what it could not tell");
	pdc_record_release(&rec);

	/*
	 * Deeds recorded after the latest deed: the owner's within a year may
	 * be news to the assessor, later ones and the previous owner's are
	 * other parcels'.
	 */
	is_int(collect(&ctx, M_LATER, &rec, &err), 0, "later: collected");
	is_int(nsales(&rec), 4, "later: the three deeds and one more");
	is_str(col(&rec, "20201200006", "basis"), "candidate",
	    "later: the owner's deed months after the latest is a candidate");
	is_str(col(&rec, "20201200006", "matched"), "found under \"DOE JANE A\" (the owner), "
	    "recorded after the assessor's latest deed", "later: ... saying it came after");
	ok(sale(&rec, "20230000007") == NULL, "later: the owner's deed years after is not kept");
	ok(sale(&rec, "20210000008") == NULL,
	    "later: the previous owner's deed after selling is not kept");
	is_str(col(&rec, "20100000002", "basis"), "chain", "later: the chain is as before");
	is_str(col(&rec, "20150000004", "matched"), "found under \"DOE JANE A\" (the owner)",
	    "later: the earlier candidate is as before");
	is_str(pdc_record_why(&rec, PDC_PART_SALES), NULL, "later: the part is complete");
	pdc_record_release(&rec);

	pdc_http_free(ctx.http);
	server_stop();
	return unit_done();
}
