/*
 * t_recorder - the recorder's document and search parsers on hand-written
 * bodies in the shapes SERVICES.md gives (a string or a number for
 * recordingNumber, a list or a string for names, restricted documents),
 * the owner-name search rules, and collect() against a tiny HTTP server in
 * a thread: the latest deed, the paged search, the details, a 404.
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
#include "rows.h"

static void
test_document(void)
{
	struct pdc_recorder_doc doc;
	struct pdc_err err;
	size_t len;
	char *body = fixture("recorder-document-20150453721.json", &len);

	pdc_err_clear(&err);
	is_int(pdc_recorder_parse_document(body, len, "20150453721", &doc, &err), 0, "a document");
	is_str(doc.number, "20150453721", "recordingNumber, a string");
	is_str(doc.date, "2015-06-25", "M-DD-YYYY date");
	is_str(doc.code, "WAR DEED", "the first document code");
	is_str(doc.codes, "[\"WAR DEED\"]", "one code: a list of one");
	is_str(doc.names, "[\"DOE JANE A\",\"ROE RICHARD\"]", "names as a JSON list");
	is_int(doc.restricted, 0, "not restricted");
	pdc_recorder_doc_release(&doc);
	free(body);

	body = fixture("recorder-document-20090123456.json", &len);
	is_int(pdc_recorder_parse_document(body, len, "20090123456", &doc, &err), 0,
	    "a restricted document");
	is_int(doc.restricted, 1, "restricted");
	is_str(doc.code, "Q/CL DEED", "quitclaim");
	is_str(doc.date, "2009-11-03", "a two-digit month");
	pdc_recorder_doc_release(&doc);
	free(body);

	body = fixture("recorder-document-19980077001.json", &len);
	is_int(pdc_recorder_parse_document(body, len, "19980077001", &doc, &err), 0,
	    "a document with two codes");
	is_str(doc.code, "JNT DEED", "the first of two codes");
	is_str(doc.codes, "[\"JNT DEED\",\"DEED\"]", "both codes in the list");
	is_str(doc.names, "[\"SMITH ROBERT\",\"DOE JANE A\",\"DOE JOHN B\"]", "three names");
	pdc_recorder_doc_release(&doc);
	free(body);

	static const char numeric[] = "{\"recordingNumber\": 20150453721, \"names\": \" DOE JANE A \","
	    " \"documentCodes\": [\"\", null, \"WAR DEED\"], \"recordingDate\": \"6-25-2015\"}";
	is_int(pdc_recorder_parse_document(numeric, strlen(numeric), "20150453721", &doc, &err), 0,
	    "a number and a string where the detail has a string and a list");
	is_str(doc.number, "20150453721", "a numeric recordingNumber");
	is_str(doc.names, "[\"DOE JANE A\"]", "one name becomes a list, trimmed");
	is_str(doc.code, "WAR DEED", "empty codes skipped");
	is_str(doc.codes, "[\"WAR DEED\"]", "empty codes left out of the list");
	is_int(doc.restricted, -1, "restricted not said");
	pdc_recorder_doc_release(&doc);

	static const char bare[] = "{\"names\": [], \"documentCodes\": [], \"restricted\": null}";
	is_int(pdc_recorder_parse_document(bare, strlen(bare), "20150453721", &doc, &err), 0,
	    "a document saying little");
	is_str(doc.number, "20150453721", "the number asked for stands in");
	is_str(doc.names, "[]", "no names: an empty list");
	ok(doc.code == NULL && doc.date[0] == '\0', "no code, no date");
	is_str(doc.codes, NULL, "no codes: unknown, not an empty list");
	pdc_recorder_doc_release(&doc);

	static const char two[] = "{\"documentCodes\": [\" SPEC/W D \", \"\", \"AF DISCLS\"],"
	    " \"recordingNumber\": \"0\"}";
	is_int(pdc_recorder_parse_document(two, strlen(two), "20150453721", &doc, &err), 0,
	    "two codes, blanks around one, a number of zeros");
	is_str(doc.code, "SPEC/W D", "the first code, trimmed");
	is_str(doc.codes, "[\"SPEC/W D\",\"AF DISCLS\"]", "every code, trimmed, the empty one left out");
	is_str(doc.number, "20150453721", "recordingNumber 0 says nothing: the number asked for");
	pdc_recorder_doc_release(&doc);
}

/* A document body that must fail with exactly WANT. */
static void
doc_fails(const char *body, const char *want, const char *name)
{
	struct pdc_recorder_doc doc;
	struct pdc_err err;

	pdc_err_clear(&err);
	is_int(pdc_recorder_parse_document(body, strlen(body), "20150453721", &doc, &err), -1, name);
	is_int(err.kind, PDC_E_PERMANENT, name);
	is_str(err.msg, want, name);
	ok(doc.code == NULL && doc.codes == NULL && doc.names == NULL, "nothing held after a failure");
}

static void
test_document_failures(void)
{
	doc_fails("{\"restricted\": \"yes\"}",
	    "recorder: /documents/20150453721: restricted: \"yes\" is not true or false",
	    "restricted as text");
	doc_fails("{\"names\": 5}", "recorder: /documents/20150453721: names: 5 is not a list of names",
	    "names a number");
	doc_fails("{\"names\": [\"A\", 1]}",
	    "recorder: /documents/20150453721: names[1]: 1 is not text", "a name that is a number");
	doc_fails("{\"names\": [\"A\xff\"]}",
	    "recorder: /documents/20150453721: names[0]: \"A?\" is not valid UTF-8", "broken UTF-8");
	doc_fails("{\"recordingNumber\": {}}",
	    "recorder: /documents/20150453721: recordingNumber: {} is not a recording number",
	    "an object for a number");
	doc_fails("{\"recordingNumber\": 2015.5}",
	    "recorder: /documents/20150453721: recordingNumber: 2015.5 is not a recording number",
	    "a fraction");
	doc_fails("{\"recordingNumber\": \"2015 045\"}",
	    "recorder: /documents/20150453721: recordingNumber: \"2015 045\" is not a recording "
	    "number", "a blank inside");
	doc_fails("{\"recordingNumber\": \"20150453799\"}",
	    "recorder: /documents/20150453721: the answer is about document 20150453799",
	    "another document");
	doc_fails("{\"documentCodes\": \"WAR DEED\"}",
	    "recorder: /documents/20150453721: documentCodes: \"WAR DEED\" is not a list",
	    "codes as text");
	doc_fails("{\"documentCodes\": [7]}",
	    "recorder: /documents/20150453721: documentCodes[0]: 7 is not text", "a code as a number");
	doc_fails("{\"documentCodes\": [\"WAR DEED\", 7]}",
	    "recorder: /documents/20150453721: documentCodes[1]: 7 is not text",
	    "a later code as a number: every code is read");
	doc_fails("{\"recordingDate\": \"6-31-2015\"}",
	    "recorder: /documents/20150453721: recordingDate: \"6-31-2015\" is not a date",
	    "June 31");
	doc_fails("{\"recordingDate\": 20150625}",
	    "recorder: /documents/20150453721: recordingDate: 20150625 is not a date",
	    "a date as a number");
	doc_fails("<html>Information Blocked</html>",
	    "recorder: /documents/20150453721: response is not JSON: \"<html>Information Blocked</html>\"",
	    "an HTML body");
	doc_fails("[]", "recorder: /documents/20150453721: response is not a JSON object: \"[]\"",
	    "a list body");
	doc_fails("", "recorder: /documents/20150453721: response is not JSON: \"\"", "empty");
}

static void
test_search(void)
{
	struct pdc_recorder_doc *docs;
	struct pdc_err err;
	size_t n, len;
	long total;
	char *body = fixture("recorder-search-doe-1.json", &len);

	pdc_err_clear(&err);
	is_int(pdc_recorder_parse_search(body, len, 1, &docs, &n, &total, &err), 0, "search page 1");
	is_int(n, 4, "four results");
	is_int(total, 6, "totalResults");
	if (n == 4) {
		is_str(docs[0].number, "20150453722", "a numeric recordingNumber");
		is_str(docs[0].code, "DEED TRST", "documentCode");
		is_str(docs[0].codes, "[\"DEED TRST\"]", "the row's code as a list of one");
		is_str(docs[0].names, "[\"DOE JANE A\"]", "one name as a list");
		is_str(docs[0].date, "2015-06-25", "date");
		is_int(docs[0].restricted, -1, "the search does not say restricted");
		is_str(docs[3].number, "20090123456", "the last result");
	}
	pdc_recorder_docs_free(docs, n);
	free(body);

	static const char mixed[] = "{\"searchResults\": [{\"recordingNumber\": \"20150453721\","
	    " \"names\": [\"A\", \"B\"], \"documentCode\": \"WAR DEED\"}, {\"names\": \"NO NUMBER\"},"
	    " {\"recordingNumber\": null}], \"totalResults\": 1}";
	is_int(pdc_recorder_parse_search(mixed, strlen(mixed), 1, &docs, &n, &total, &err), 0,
	    "the detail's types in a search");
	is_int(n, 1, "results without a number skipped");
	if (n == 1)
		is_str(docs[0].names, "[\"A\",\"B\"]", "a list of names in a search");
	pdc_recorder_docs_free(docs, n);

	static const char quirks[] = "{\"searchResults\": [{\"names\": \"PEREZ CHRISTINE\","
	    " \"recordingNumber\": 0, \"recordingDate\": \"\", \"documentCode\": \"BENE DEED\"},"
	    " {\"names\": \"\", \"recordingNumber\": 19470001704, \"recordingDate\": \"1-02-1947\","
	    " \"documentCode\": \" SPEC/W D+ \"}], \"totalResults\": 501}";
	is_int(pdc_recorder_parse_search(quirks, strlen(quirks), 1, &docs, &n, &total, &err), 0,
	    "rows as the real search sends them");
	is_int(n, 1, "a row numbered 0 is skipped");
	is_int(total, 501, "501 read as it is");
	if (n == 1) {
		is_str(docs[0].names, NULL, "names \"\": no names, not an empty list");
		is_str(docs[0].code, "SPEC/W D+", "a + code kept, trimmed");
		is_str(docs[0].codes, "[\"SPEC/W D+\"]", "a + code's list: the one code, with its +");
		is_str(docs[0].date, "1947-01-02", "an old date");
	}
	pdc_recorder_docs_free(docs, n);

	static const char empty[] = "{\"searchResults\": null}";
	is_int(pdc_recorder_parse_search(empty, strlen(empty), 3, &docs, &n, &total, &err), 0,
	    "null results");
	ok(n == 0 && docs == NULL && total == -1, "nothing, total unknown");

	static const struct {
		const char *body, *want;
	} bad[] = {
		{ "{\"searchResults\": \"x\"}",
		  "recorder: /documents/search page 2: searchResults: \"x\" is not a list" },
		{ "{\"searchResults\": [5]}",
		  "recorder: /documents/search page 2: searchResults[0]: 5 is not an object" },
		{ "{\"searchResults\": [{\"recordingNumber\": 1}, {\"recordingNumber\": true}]}",
		  "recorder: /documents/search page 2: searchResults[1].recordingNumber: true is not "
		  "a recording number" },
		{ "{\"searchResults\": [{\"recordingNumber\": 1, \"names\": {}}]}",
		  "recorder: /documents/search page 2: searchResults[0].names: {} is not a list of names" },
		{ "{\"searchResults\": [{\"recordingNumber\": 1, \"documentCode\": [\"WAR DEED\"]}]}",
		  "recorder: /documents/search page 2: searchResults[0].documentCode: [\"WAR DEED\"] "
		  "is not text" },
		{ "{\"searchResults\": [{\"recordingNumber\": 1, \"recordingDate\": \"2015\"}]}",
		  "recorder: /documents/search page 2: searchResults[0].recordingDate: \"2015\" is "
		  "not a date" },
		{ "{\"searchResults\": [], \"totalResults\": \"6\"}",
		  "recorder: /documents/search page 2: totalResults: \"6\" is not a count" },
		{ "{\"results\": []}",
		  "recorder: /documents/search page 2: no searchResults in the response" },
		{ "{\"searchResults\": []} x",
		  "recorder: /documents/search page 2: response is not JSON: \"{\"searchResults\": []} x\"" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		is_int(pdc_recorder_parse_search(bad[i].body, strlen(bad[i].body), 2, &docs, &n, &total,
		    &err), -1, bad[i].want);
		is_str(err.msg, bad[i].want, "search failure message");
		ok(docs == NULL && n == 0 && total == -1, "nothing returned on failure");
	}
}

static void
test_rules(void)
{
	static const char *const deeds[] = {
		"WAR DEED", "SPEC/W D", "Q/CL DEED", "JNT DEED", "WAR DEED+", "DEED", "TRST DEED",
		" war  deed ", "q/cl deed",
	};
	static const char *const others[] = {
		"DEED TRST", "REL D/T", "N/TR SALE", "PROB JUDG", "", "WAR", "DEEDS", "WAR DEED++",
	};
	static const struct {
		const char *owner, *want;
	} paths[] = {
		{ "DOE JANE A & JOHN B", "lastNames=DOE&firstNames=JANE&middleNameIs=&businessNames=" },
		{ "DOE JANE A", "lastNames=DOE&firstNames=JANE&middleNameIs=&businessNames=" },
		{ "SMITH JOHN/JONES MARY", "lastNames=SMITH&firstNames=JOHN&middleNameIs=&businessNames=" },
		{ "  PRINCE  ", "lastNames=PRINCE&firstNames=&middleNameIs=&businessNames=" },
		{ "O'BRIEN PAT", "lastNames=O%27BRIEN&firstNames=PAT&middleNameIs=&businessNames=" },
		{ "MARICOPA COUNTY", "lastNames=MARICOPA&firstNames=COUNTY&middleNameIs=&businessNames=" },
		{ "COSTCO WHOLESALE", "lastNames=COSTCO&firstNames=WHOLESALE&middleNameIs=&businessNames=" },
		{ "CHURCHILL WINSTON", "lastNames=CHURCHILL&firstNames=WINSTON&middleNameIs=&businessNames=" },
		{ "SONORAN HOLDINGS LLC",
		  "lastNames=&firstNames=&middleNameIs=&businessNames=SONORAN%20HOLDINGS%20LLC" },
		{ "DOE FAMILY TRUST", "lastNames=&firstNames=&middleNameIs=&businessNames=DOE%20FAMILY%20TRUST" },
		{ "SMITH JOHN & MARY TR",
		  "lastNames=&firstNames=&middleNameIs=&businessNames=SMITH%20JOHN%20%26%20MARY%20TR" },
		{ "ACME CO.", "lastNames=&firstNames=&middleNameIs=&businessNames=ACME%20CO." },
		{ "CITY OF PHOENIX", "lastNames=&firstNames=&middleNameIs=&businessNames=CITY%20OF%20PHOENIX" },
		{ "STATE OF ARIZONA", "lastNames=&firstNames=&middleNameIs=&businessNames=STATE%20OF%20ARIZONA" },
		{ "FIRST BAPTIST CHURCH", "lastNames=&firstNames=&middleNameIs=&businessNames=FIRST%20BAPTIST%20CHURCH" },
		{ "OF CITY JANE", "lastNames=OF&firstNames=CITY&middleNameIs=&businessNames=" },
	};
	char name[128], want[256], *path;

	for (size_t i = 0; i < sizeof(deeds) / sizeof(deeds[0]); i++) {
		snprintf(name, sizeof(name), "\"%s\" is a deed", deeds[i]);
		ok(pdc_recorder_is_deed(deeds[i]), name);
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		snprintf(name, sizeof(name), "\"%s\" is not a deed", others[i]);
		ok(!pdc_recorder_is_deed(others[i]), name);
	}
	ok(!pdc_recorder_is_deed(NULL), "no code is no deed");

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(name, sizeof(name), "search for \"%s\"", paths[i].owner);
		snprintf(want, sizeof(want), "/documents/search?%s&documentCode=&beginDate=&endDate="
		    "&pageSize=200&pageNumber=1", paths[i].want);
		is_int(pdc_recorder_search_path(paths[i].owner, 1, &path), 0, name);
		is_str(path, want, name);
		free(path);
	}
	is_int(pdc_recorder_search_path("DOE JANE", 3, &path), 0, "page 3");
	ok(path != NULL && strstr(path, "&pageSize=200&pageNumber=3") != NULL, "pageNumber=3");
	free(path);
	is_int(pdc_recorder_search_path("   ", 1, &path), 0, "a blank owner");
	ok(path == NULL, "a blank owner: no search");
	is_int(pdc_recorder_search_path(" & JANE", 1, &path), 0, "nothing before the &");
	ok(path == NULL, "nothing before the &: no search");
	is_int(pdc_recorder_search_path(NULL, 1, &path), 0, "no owner");
	ok(path == NULL, "no owner: no search");
}

/*
 * The server: documents by number, the search by its query, 404 for an
 * unknown document, 500 for 20990000002.
 */
static struct {
	struct httpd h;
	char *d2015, *d2009, *d1998, *s1, *s2, *nf;
} srv;

static void
answer(int fd, const char *status, const char *body)
{
	httpd_answer(fd, status, "Content-Type: application/json\r\n", body, strlen(body));
}

#define BIZ "GET /documents/search?lastNames=&firstNames=&middleNameIs=&" \
	"businessNames=SONORAN%20HOLDINGS%20LLC&"
#define Q_TAIL "&middleNameIs=&businessNames=&documentCode=&beginDate=&endDate=&pageSize=200&pageNumber="

static void
serve_one(int c, const char *req)
{
	static const char none[] = "{\"searchResults\":[],\"totalResults\":0}";
	static const char biz[] = "{\"searchResults\":[{\"names\":\"SONORAN HOLDINGS LLC\","
	    "\"recordingNumber\":20150453721,\"recordingSuffix\":\"\",\"recordingDate\":\"6-25-2015\","
	    "\"documentCode\":\"WAR DEED\",\"docketBook\":\"0\",\"pageMap\":\"0\"},"
	    "{\"names\":\"SONORAN HOLDINGS LLC\",\"recordingNumber\":\"20090123456\",\"documentCode\":"
	    "\"Q/CL DEED\"}],\"totalResults\":2}";

	if (strncmp(req, "GET /documents/20150453721 ", 27) == 0)
		answer(c, "200 OK", srv.d2015);
	else if (strncmp(req, "GET /documents/20090123456 ", 27) == 0)
		answer(c, "200 OK", srv.d2009);
	else if (strncmp(req, "GET /documents/19980077001 ", 27) == 0)
		answer(c, "200 OK", srv.d1998);
	else if (strncmp(req, "GET /documents/20990000002 ", 27) == 0)
		answer(c, "500 Internal Server Error", "{\"message\":\"oops\"}");
	else if (strncmp(req, "GET /documents/search?lastNames=DOE&firstNames=JANE" Q_TAIL "1 ",
	    strlen("GET /documents/search?lastNames=DOE&firstNames=JANE" Q_TAIL "1 ")) == 0)
		answer(c, "200 OK", srv.s1);
	else if (strncmp(req, "GET /documents/search?lastNames=DOE&firstNames=JANE" Q_TAIL "2 ",
	    strlen("GET /documents/search?lastNames=DOE&firstNames=JANE" Q_TAIL "2 ")) == 0)
		answer(c, "200 OK", srv.s2);
	else if (strncmp(req, BIZ, strlen(BIZ)) == 0)
		answer(c, "200 OK", biz);
	else if (strncmp(req, "GET /documents/search?", 22) == 0)
		answer(c, "200 OK", none);
	else
		answer(c, "404 Not Found", srv.nf);
}

static int
server_start(void)
{
	size_t len;

	srv.d2015 = fixture("recorder-document-20150453721.json", &len);
	srv.d2009 = fixture("recorder-document-20090123456.json", &len);
	srv.d1998 = fixture("recorder-document-19980077001.json", &len);
	srv.s1 = fixture("recorder-search-doe-1.json", &len);
	srv.s2 = fixture("recorder-search-doe-2.json", &len);
	srv.nf = fixture("recorder-notfound.json", &len);
	return httpd_start(&srv.h, serve_one);
}

static void
server_stop(void)
{
	httpd_stop(&srv.h);
	free(srv.d2015);
	free(srv.d2009);
	free(srv.d1998);
	free(srv.s1);
	free(srv.s2);
	free(srv.nf);
}

/*
 * A record as the assessor leaves it (a properties row with DEED, OWNER and
 * PRICE, NULL for none), then the recorder's collect on it.
 */
static int
collect(struct pdc_source_ctx *ctx, const char *deed, const char *owner, const char *price,
    struct pdc_record *rec, struct pdc_err *err)
{
	struct pdc_row *row;
	char log[16384];

	httpd_take_log(&srv.h, log, sizeof(log));
	pdc_record_init(rec, "165-28-054");
	row = pdc_record_add(rec, &pdc_tbl_properties);
	pdc_row_set(row, "deed_number", deed);
	pdc_row_set(row, "owner_name", owner);
	pdc_row_set(row, "sale_price", price);
	rec->parts = PDC_PART_BASIC;
	pdc_err_clear(err);
	ctx->requests = 0;
	return pdc_source_recorder.collect(ctx, "165-28-054", rec, err);
}

static void
test_collect(void)
{
	struct pdc_config cfg;
	struct pdc_source_ctx ctx;
	struct pdc_record rec;
	struct pdc_err err;
	char base[64], log[16384];

	if (!ok(server_start() == 0, "start a local server"))
		return;
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", srv.h.port);
	memset(&cfg, 0, sizeof(cfg));
	cfg.source[pdc_config_source_index("recorder")].base_url = base;
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.http = pdc_http_new(&(struct pdc_http_opts){ .timeout_seconds = 5 }, &err);
	ok(ctx.http != NULL, "an http handle");
	is_str(pdc_source_recorder.name, "recorder", "source name");
	is_int(pdc_source_recorder.parts, PDC_PART_SALES, "source parts");

	is_int(collect(&ctx, "20150453721", "DOE JANE A & JOHN B", "415000.00", &rec, &err), 0,
	    "collect the deeds of DOE JANE A & JOHN B");
	if (err.kind != PDC_OK)
		printf("# %s\n", err.msg);
	httpd_take_log(&srv.h, log, sizeof(log));
	is_str(log, "GET /documents/20150453721 HTTP/1.1\n"
	    "GET /documents/search?lastNames=DOE&firstNames=JANE" Q_TAIL "1 HTTP/1.1\n"
	    "GET /documents/search?lastNames=DOE&firstNames=JANE" Q_TAIL "2 HTTP/1.1\n"
	    "GET /documents/search?lastNames=ROE&firstNames=RICHARD" Q_TAIL "1 HTTP/1.1\n"
	    "GET /documents/20090123456 HTTP/1.1\n"
	    "GET /documents/19980077001 HTTP/1.1\n",
	    "the latest deed, two search pages, the previous owner, the other deeds' details; each once");
	is_int(ctx.requests, 6, "six requests counted");
	is_int(rec.parts, PDC_PART_BASIC | PDC_PART_SALES, "the sales part");
	is_int(rec.sets, bit(&pdc_tbl_properties) | bit(&pdc_tbl_sales), "the sales set is carried");
	is_int(count(&rec, &pdc_tbl_sales), 3, "three deeds (not the deed of trust, release, probate)");
	{
		static const struct expect s0[] = {
			{ "apn", "165-28-054" },
			{ "recording_number", "20150453721" },
			{ "recording_date", "2015-06-25" },
			{ "document_code", "WAR DEED" },
			{ "names", "[\"DOE JANE A\",\"ROE RICHARD\"]" },
			{ "sale_price", "415000.00" },
			{ "restricted", "f" },
			{ "source", "recorder" },
			{ "basis", "deed" },
			{ "matched", "Owner.MostCurrentDeed" },
			{ "recording_suffix", "" },
		};
		static const struct expect s1[] = {
			{ "apn", "165-28-054" },
			{ "recording_number", "20090123456" },
			{ "recording_date", "2009-11-03" },
			{ "document_code", "Q/CL DEED" },
			{ "names", "[\"DOE JANE A\",\"DOE FAMILY TRUST\"]" },
			{ "sale_price", NULL },
			{ "restricted", "t" },
			{ "source", "recorder" },
			{ "basis", "candidate" },
			{ "matched", "found under \"DOE JANE A\" (the owner)" },
			{ "recording_suffix", "" },
		};
		static const struct expect s2[] = {
			{ "apn", "165-28-054" },
			{ "recording_number", "19980077001" },
			{ "recording_date", "1998-01-09" },
			{ "document_code", "JNT DEED" },
			{ "names", "[\"SMITH ROBERT\",\"DOE JANE A\",\"DOE JOHN B\"]" },
			{ "sale_price", NULL },
			{ "restricted", "f" },
			{ "source", "recorder" },
			{ "basis", "candidate" },
			{ "matched", "found under \"DOE JANE A\" (the owner)" },
			{ "recording_suffix", "" },
		};

		CHECK(nth(&rec, &pdc_tbl_sales, 0), s0, "the latest deed, with the assessor's price");
		CHECK(nth(&rec, &pdc_tbl_sales, 1), s1, "a restricted quitclaim");
		CHECK(nth(&rec, &pdc_tbl_sales, 2), s2, "an old joint deed");
	}
	pdc_record_release(&rec);

	/* the latest deed unknown to the recorder: the search goes on */
	is_int(collect(&ctx, "20990000001", "DOE JANE A", "1.00", &rec, &err), 0,
	    "a 404 for the latest deed");
	is_int(count(&rec, &pdc_tbl_sales), 3, "the search's deeds");
	is_str(pdc_row_get(nth(&rec, &pdc_tbl_sales, 0), "sale_price"), NULL,
	    "no price: the assessor's deed is not among them");
	is_int(ctx.requests, 6, "404, two pages, three details");
	pdc_record_release(&rec);

	is_int(collect(&ctx, NULL, "DOE JANE A", NULL, &rec, &err), 0, "no MostCurrentDeed: search only");
	httpd_take_log(&srv.h, log, sizeof(log));
	ok(strncmp(log, "GET /documents/search?", 22) == 0, "the search first");
	is_int(count(&rec, &pdc_tbl_sales), 3, "search only: three deeds");
	pdc_record_release(&rec);

	is_int(collect(&ctx, "20150453721", NULL, "99.50", &rec, &err), 0, "no owner: the deed only");
	is_int(ctx.requests, 1, "no owner: one request");
	is_int(count(&rec, &pdc_tbl_sales), 1, "no owner: one deed");
	is_str(pdc_row_get(nth(&rec, &pdc_tbl_sales, 0), "sale_price"), "99.50", "its price");
	pdc_record_release(&rec);

	is_int(collect(&ctx, "20150453721", "SONORAN HOLDINGS LLC", NULL, &rec, &err), 0,
	    "a business owner");
	httpd_take_log(&srv.h, log, sizeof(log));
	ok(strstr(log, "businessNames=SONORAN%20HOLDINGS%20LLC&") != NULL, "searched as a business");
	is_int(count(&rec, &pdc_tbl_sales), 2, "the deed found twice is kept once");
	is_int(ctx.requests, 3, "no second detail for the deed found twice");
	pdc_record_release(&rec);

	is_int(collect(&ctx, "20990000001", "NOBODY HERE", NULL, &rec, &err), 0,
	    "nothing found anywhere");
	is_int(count(&rec, &pdc_tbl_sales), 0, "no sales");
	is_int(rec.sets, bit(&pdc_tbl_properties) | bit(&pdc_tbl_sales),
	    "an empty sales set is carried (stored sales go)");
	is_int(rec.parts, PDC_PART_BASIC | PDC_PART_SALES, "still the sales part");
	pdc_record_release(&rec);

	is_int(collect(&ctx, "20990000002", "DOE JANE", NULL, &rec, &err), -1, "a 500 fails");
	is_int(err.kind, PDC_E_TRANSIENT, "500 is transient");
	is_str(err.msg, "recorder: /documents/20990000002: HTTP 500", "500 message");
	ok(rec.nrows == 1 && rec.parts == PDC_PART_BASIC && rec.sets == bit(&pdc_tbl_properties),
	    "the record is as the assessor left it");
	pdc_record_release(&rec);

	/* a latest deed that is no recording number: unknown, not asked for, and said */
	is_int(collect(&ctx, "2015-0453721", NULL, NULL, &rec, &err), 0, "a bad deed number");
	is_int(ctx.requests, 0, "no request for it");
	is_int(count(&rec, &pdc_tbl_sales), 0, "no deed from it");
	is_str(pdc_record_why(&rec, PDC_PART_SALES), "the assessor's latest deed "
	    "(Owner.MostCurrentDeed \"2015-0453721\") is no recording number: none is certain",
	    "bad deed: the sales part says so");
	pdc_record_release(&rec);

	is_int(collect(&ctx, "0", "DOE JANE A", "1.00", &rec, &err), 0, "a deed numbered 0");
	httpd_take_log(&srv.h, log, sizeof(log));
	ok(strstr(log, "GET /documents/0 ") == NULL, "document 0 is not asked for");
	ok(strncmp(log, "GET /documents/search?", 22) == 0, "deed 0: the search still runs");
	ok(pdc_record_why(&rec, PDC_PART_SALES) != NULL &&
	    strstr(pdc_record_why(&rec, PDC_PART_SALES), "(Owner.MostCurrentDeed \"0\") is no "
	    "recording number") != NULL, "deed 0: the sales part says so");
	for (size_t i = 0; i < rec.nrows; i++)
		if (rec.rows[i].table == &pdc_tbl_sales)
			ok(strcmp(pdc_row_get(&rec.rows[i], "basis"), "deed") != 0 &&
			    pdc_row_get(&rec.rows[i], "sale_price") == NULL,
			    "deed 0: no row is the certain deed, none has its price");
	pdc_record_release(&rec);

	is_int(collect(&ctx, NULL, NULL, "1.00", &rec, &err), -1, "neither owner nor deed");
	is_str(err.msg, "recorder: no owner or deed from the assessor", "neither message");
	pdc_record_release(&rec);

	pdc_record_init(&rec, "165-28-054");
	is_int(pdc_source_recorder.collect(&ctx, "165-28-054", &rec, &err), -1,
	    "no properties row (the assessor failed)");
	is_int(err.kind, PDC_E_PERMANENT, "no assessor row is permanent");
	is_str(err.msg, "recorder: no owner or deed from the assessor", "no assessor row message");
	pdc_record_release(&rec);

	cfg.source[pdc_config_source_index("recorder")].base_url = NULL;
	is_int(collect(&ctx, "20150453721", NULL, NULL, &rec, &err), -1, "no base URL");
	is_int(err.kind, PDC_E_CONFIG, "no base URL is a configuration error");
	pdc_record_release(&rec);

	pdc_http_free(ctx.http);
	server_stop();
}

/* Every prefix of every body: no crash, and nothing held after a failure. */
static void
test_cut(void)
{
	static const char *const names[] = {
		"recorder-document-20150453721.json", "recorder-document-20090123456.json",
		"recorder-document-19980077001.json", "recorder-search-doe-1.json",
		"recorder-search-doe-2.json",
	};
	int bad = 0, runs = 0;

	for (size_t f = 0; f < sizeof(names) / sizeof(names[0]); f++) {
		size_t len;
		char *body = fixture(names[f], &len);

		for (size_t n = 0; n <= len; n++) {
			struct pdc_recorder_doc doc, *docs;
			struct pdc_err err;
			size_t nd;
			long total;
			int a, b;

			a = pdc_recorder_parse_document(body, n, "20150453721", &doc, &err);
			b = pdc_recorder_parse_search(body, n, 1, &docs, &nd, &total, &err);
			if ((a != 0 && a != -1) || (b != 0 && b != -1) ||
			    (a == -1 && (doc.code != NULL || doc.codes != NULL || doc.names != NULL)) ||
			    (b == -1 && (docs != NULL || nd != 0)))
				bad++;
			if (a == 0)
				pdc_recorder_doc_release(&doc);
			if (b == 0)
				pdc_recorder_docs_free(docs, nd);
			runs++;
		}
		free(body);
	}
	ok(runs > 500, "many cut bodies tried");
	is_int(bad, 0, "cut bodies fail cleanly or parse");
}

int
main(void)
{
	if (pdc_http_global_init() == -1) {
		printf("Bail out! libcurl init\n");
		return 1;
	}
	test_document();
	test_document_failures();
	test_search();
	test_rules();
	test_cut();
	test_collect();
	pdc_http_global_cleanup();
	return unit_done();
}
