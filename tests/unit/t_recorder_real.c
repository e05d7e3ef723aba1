/*
 * t_recorder_real - the recorder source on the real responses of the
 * county's public API in tests/fixtures/recorder/ (its README.md says what
 * they are).  Every detail and every search is parsed, and every field pdc
 * reads is compared with the file as a plain walk of its cJSON tree reads
 * it: the expectations never go through pdc's readers, so a bug there
 * cannot hide in them.  Then collect() runs against a server in a thread
 * that answers the real paths (/documents/{n}, /documents/search?...) with
 * these files, and every stored row must say what the files say.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "http.h"
#include "record.h"
#include "schema.h"
#include "sources/recorder.h"
#include "httpd.h"
#include "unit.h"

#define REAL "tests/fixtures/recorder/"
#define REFUSED "api-test-doccode-prdeed-2024.json"	/* the real HTTP 400 body */
#define EMPTY "scan-LARSON_SANDERS.json"		/* a real search that found nothing */

/* DIR/NAME's bytes; bails out when it cannot be read. */
static char *
real(const char *dir, const char *name, size_t *len)
{
	char path[256];
	char *body;

	snprintf(path, sizeof(path), REAL "%s/%s", dir, name);
	if ((body = slurp(path, len)) == NULL) {
		printf("Bail out! cannot read %s (run from the repository root)\n", path);
		exit(1);
	}
	return body;
}

/* DIR/NAME parsed by cJSON alone, or NULL when there is no such file. */
static cJSON *
real_tree(const char *dir, const char *name)
{
	char path[256], *body;
	size_t len;
	cJSON *root;

	snprintf(path, sizeof(path), REAL "%s/%s", dir, name);
	if ((body = slurp(path, &len)) == NULL)
		return NULL;
	root = cJSON_ParseWithLength(body, len);
	free(body);
	return root;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of DIR's *.json files, sorted, into *NAMES (free with free_names). */
static size_t
list_json(const char *dir, char ***names)
{
	char path[256];
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;

	*names = NULL;
	snprintf(path, sizeof(path), REAL "%s", dir);
	if ((d = opendir(path)) == NULL) {
		printf("Bail out! cannot list %s\n", path);
		exit(1);
	}
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((*names = reallocarray(*names, cap, sizeof(**names))) == NULL)
				exit(1);
		}
		if (((*names)[n++] = strdup(e->d_name)) == NULL)
			exit(1);
	}
	closedir(d);
	qsort(*names, n, sizeof(**names), by_name);
	return n;
}

static void
free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * What the files hold, read here without pdc: a date M-DD-YYYY (or
 * MM-DD-YYYY) as YYYY-MM-DD, "" for "" and "?" for anything else.
 */
static void
iso(const char *mdy, char out[11])
{
	const char *d1 = strchr(mdy, '-'), *d2 = d1 ? strchr(d1 + 1, '-') : NULL;
	size_t ml = d1 ? (size_t)(d1 - mdy) : 0;

	if (mdy[0] == '\0') {
		out[0] = '\0';
		return;
	}
	if (d2 == NULL || ml < 1 || ml > 2 || d2 - d1 != 3 || strlen(d2 + 1) != 4 ||
	    strspn(mdy, "0123456789-") != strlen(mdy)) {
		snprintf(out, 11, "?");
		return;
	}
	snprintf(out, 11, "%s-%s%.*s-%.2s", d2 + 1, ml == 1 ? "0" : "", (int)ml, mdy, d1 + 1);
}

/*
 * The JSON list text of the strings in ARR (a list, or one string as a
 * one-element list), written out by hand: ["A","B"].  The real names and
 * codes have no character JSON escapes and no blanks around them (checked
 * here: "?" otherwise, which no parser gives).  NULL when ARR holds none.
 */
static char *
list_of(const cJSON *arr)
{
	const cJSON *it = cJSON_IsString(arr) ? arr : arr != NULL ? arr->child : NULL;
	size_t size = 3, n = 0, o = 0;
	char *out;

	for (const cJSON *p = it; p != NULL; p = cJSON_IsString(arr) ? NULL : p->next) {
		const char *s = cJSON_GetStringValue(p);

		if (s == NULL || s[0] == '\0')
			continue;
		if (strpbrk(s, "\"\\\t\r\n") != NULL || s[0] == ' ' || s[strlen(s) - 1] == ' ')
			return strdup("?");
		size += strlen(s) + 3;
		n++;
	}
	if (n == 0)
		return NULL;
	if ((out = malloc(size)) == NULL)
		exit(1);
	out[o++] = '[';
	for (const cJSON *p = it; p != NULL; p = cJSON_IsString(arr) ? NULL : p->next) {
		const char *s = cJSON_GetStringValue(p);

		if (s == NULL || s[0] == '\0')
			continue;
		o += (size_t)snprintf(out + o, size - o, "%s\"%s\"", o > 1 ? "," : "", s);
	}
	snprintf(out + o, size - o, "]");
	return out;
}

/* Every detail: number, date, code, codes, names, restricted as the file says. */
static void
test_documents(void)
{
	char **files, name[160];
	size_t nfiles = list_json("documents", &files);

	is_int(nfiles, 20, "the 20 real details");
	for (size_t f = 0; f < nfiles; f++) {
		struct pdc_recorder_doc doc;
		struct pdc_err err;
		char number[32], date[11], *body, *codes, *names;
		const cJSON *it;
		cJSON *root = real_tree("documents", files[f]);
		size_t len;
		int rc;

		snprintf(number, sizeof(number), "%.*s", (int)(strlen(files[f]) - 5), files[f]);
		body = real("documents", files[f], &len);
		pdc_err_clear(&err);
		rc = pdc_recorder_parse_document(body, len, number, &doc, &err);
		snprintf(name, sizeof(name), "documents/%s parses", files[f]);
		is_int(rc, 0, name);
		if (rc != 0) {
			printf("# %s\n", err.msg);
			cJSON_Delete(root);
			free(body);
			continue;
		}
		it = cJSON_GetObjectItemCaseSensitive(root, "recordingNumber");
		snprintf(name, sizeof(name), "documents/%s: recordingNumber, a string", files[f]);
		is_str(doc.number, cJSON_GetStringValue(it), name);
		iso(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "recordingDate")), date);
		snprintf(name, sizeof(name), "documents/%s: recordingDate", files[f]);
		is_str(doc.date, date, name);
		it = cJSON_GetObjectItemCaseSensitive(root, "documentCodes");
		snprintf(name, sizeof(name), "documents/%s: code, the first of documentCodes", files[f]);
		is_str(doc.code, cJSON_GetStringValue(cJSON_GetArrayItem(it, 0)), name);
		codes = list_of(it);
		snprintf(name, sizeof(name), "documents/%s: codes, all of documentCodes", files[f]);
		is_str(doc.codes, codes, name);
		names = list_of(cJSON_GetObjectItemCaseSensitive(root, "names"));
		snprintf(name, sizeof(name), "documents/%s: names, the list", files[f]);
		is_str(doc.names, names, name);
		it = cJSON_GetObjectItemCaseSensitive(root, "restricted");
		snprintf(name, sizeof(name), "documents/%s: restricted", files[f]);
		is_int(doc.restricted, cJSON_IsTrue(it) ? 1 : cJSON_IsFalse(it) ? 0 : 99, name);
		free(codes);
		free(names);
		pdc_recorder_doc_release(&doc);
		cJSON_Delete(root);
		free(body);
	}
	free_names(files, nfiles);
}

/*
 * One row of a real search against what pdc made of it; returns whether
 * they agree, and when not and SAY, prints the first difference.
 */
static bool
row_as_file(const char *file, int i, const cJSON *o, const struct pdc_recorder_doc *doc,
    bool say)
{
	const cJSON *rn = cJSON_GetObjectItemCaseSensitive(o, "recordingNumber");
	const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "documentCode"));
	const cJSON *sfx = cJSON_GetObjectItemCaseSensitive(o, "recordingSuffix");
	char number[32], date[11], *codes, *names, *want_codes = NULL;
	const char *field = NULL;
	bool same;

	snprintf(number, sizeof(number), "%lld", (long long)cJSON_GetNumberValue(rn));
	iso(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "recordingDate")), date);
	names = list_of(cJSON_GetObjectItemCaseSensitive(o, "names"));
	if (code != NULL && code[0] != '\0' && (want_codes = malloc(strlen(code) + 5)) != NULL)
		snprintf(want_codes, strlen(code) + 5, "[\"%s\"]", code);
	if (code != NULL && code[0] == '\0')
		code = NULL;
	codes = doc->codes;
#define DIFF(a, b) ((a) == NULL ? (b) != NULL : (b) == NULL || strcmp((a), (b)) != 0)
	if (!cJSON_IsNumber(rn) || strcmp(doc->number, number) != 0)
		field = "recordingNumber";
	else if (strcmp(doc->date, date) != 0)
		field = "recordingDate";
	else if (DIFF(doc->code, code))
		field = "documentCode";
	else if (DIFF(codes, want_codes))
		field = "codes";
	else if (DIFF(doc->names, names))
		field = "names";
	else if (doc->restricted != -1)
		field = "restricted (a search does not say)";
	else if (!cJSON_IsString(sfx) || !doc->suffix_said ||
	    strcmp(doc->suffix, cJSON_GetStringValue(sfx)) != 0)
		field = "recordingSuffix";
#undef DIFF
	same = field == NULL;
	if (!same && say)
		printf("# search/%s: searchResults[%d]: %s: pdc %s/%s/%s/%s/%s, file %s/%s/%s/%s/%s\n",
		    file, i, field, doc->number, doc->date, doc->code ? doc->code : "NULL",
		    doc->codes ? doc->codes : "NULL", doc->names ? doc->names : "NULL", number, date,
		    code ? code : "NULL", want_codes ? want_codes : "NULL", names ? names : "NULL");
	free(names);
	free(want_codes);
	return same;
}

/* Every search: totalResults and every row, in order, as the file says. */
static void
test_searches(void)
{
	char **files, name[200];
	size_t nfiles = list_json("search", &files), rows = 0, plus = 0, unnumbered = 0,
	    nameless = 0, suffixed = 0;

	is_int(nfiles, 34, "the 34 real searches");
	for (size_t f = 0; f < nfiles; f++) {
		struct pdc_recorder_doc *docs;
		struct pdc_err err;
		cJSON *root = real_tree("search", files[f]);
		const cJSON *list, *o, *t;
		char *body;
		size_t len, n, k = 0;
		long total;
		int rc, i = 0, bad = 0;

		if (strcmp(files[f], REFUSED) == 0) {
			cJSON_Delete(root);
			continue;	/* not a search answer: test_refused */
		}
		body = real("search", files[f], &len);
		pdc_err_clear(&err);
		rc = pdc_recorder_parse_search(body, len, 1, &docs, &n, &total, &err);
		snprintf(name, sizeof(name), "search/%s parses", files[f]);
		is_int(rc, 0, name);
		if (rc != 0) {
			printf("# %s\n", err.msg);
			cJSON_Delete(root);
			free(body);
			continue;
		}
		t = cJSON_GetObjectItemCaseSensitive(root, "totalResults");
		snprintf(name, sizeof(name), "search/%s: totalResults", files[f]);
		is_int(total, cJSON_IsNumber(t) ? (long)t->valuedouble : -2, name);

		list = cJSON_GetObjectItemCaseSensitive(root, "searchResults");
		cJSON_ArrayForEach(o, list) {
			const cJSON *rn = cJSON_GetObjectItemCaseSensitive(o, "recordingNumber");
			const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
			    "documentCode"));
			const char *who = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
			    "names"));

			/* a row numbered 0 (the real one has no date) names no document */
			if (cJSON_IsNumber(rn) && rn->valuedouble == 0) {
				unnumbered++;
				i++;
				continue;
			}
			if (code != NULL && code[0] != '\0' && code[strlen(code) - 1] == '+')
				plus++;
			if (who != NULL && who[0] == '\0')
				nameless++;
			if (cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
			    "recordingSuffix")) != NULL && cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(o, "recordingSuffix"))[0] != '\0')
				suffixed++;
			/* three differences say enough about a file */
			if (k >= n || !row_as_file(files[f], i, o, &docs[k], bad < 3))
				bad++;
			k++;
			i++;
		}
		rows += k;
		snprintf(name, sizeof(name), "search/%s: one document per numbered row, in order",
		    files[f]);
		is_int(n, k, name);
		snprintf(name, sizeof(name), "search/%s: every row's number, suffix, date, code, codes, names",
		    files[f]);
		is_int(bad, 0, name);
		pdc_recorder_docs_free(docs, n);
		cJSON_Delete(root);
		free(body);
	}
	free_names(files, nfiles);
	/* what the real files are known for, so that the checks above covered it */
	ok(rows > 2500, "thousands of real rows compared");
	ok(plus > 100, "rows whose code ends in +, kept with the +");
	is_int(unnumbered, 1, "the one row numbered 0 is skipped");
	ok(nameless > 10, "rows with names \"\": no names (NULL)");
	/* 20000784158 "A" under HARMON: the suffix as given, beside thousands of "" */
	is_int(suffixed, 1, "the one row with a recordingSuffix, kept as given");
}

/* The real 400 body is no search answer: parsing it fails, saying why. */
static void
test_refused_body(void)
{
	struct pdc_recorder_doc *docs;
	struct pdc_err err;
	size_t len, n;
	long total;
	char *body = real("search", REFUSED, &len);

	pdc_err_clear(&err);
	is_int(pdc_recorder_parse_search(body, len, 1, &docs, &n, &total, &err), -1,
	    "the 400 body is not a search answer");
	is_int(err.kind, PDC_E_PERMANENT, "the 400 body: permanent");
	is_str(err.msg, "recorder: /documents/search page 1: no searchResults in the response",
	    "the 400 body: message");
	free(body);
}

/*
 * The server: the real paths, answered from the real files.  A search by
 * a name below answers its file on page 1; any other search the real empty
 * answer; a query with a document code and a date range, or the name TEST
 * PRDEED, the real 400.  /documents/{n} answers documents/{n}.json, 404
 * for a document without a file.
 */
static const struct route {
	const char *last, *first, *business, *file;
} routes[] = {
	{ "LOWRY", "AMY", "", "scan-LOWRY_AMY_E.json" },
	{ "JOHNSON", "TROY", "", "api-johnson-troy-w.json" },
	{ "KENNEDY", "JOHN", "", "api-lastNames_KENNEDY_firstNames_JOHN_middleNameIs_A.json" },
	{ "", "", "CAVFLREI LLC", "scan-CAVFLREI.json" },
	{ "TEST", "PRDEED", "", REFUSED },
};

static struct {
	struct httpd h;
} srv;

static void
answer(int fd, const char *status, const char *body, size_t len)
{
	httpd_answer(fd, status, "Content-Type: application/json\r\n", body, len);
}

static int
hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Query parameter KEY of Q (up to a blank), %-decoded, into OUT ("" when absent). */
static void
param(const char *q, const char *key, char *out, size_t size)
{
	size_t kl = strlen(key), o = 0;
	const char *p = q;

	out[0] = '\0';
	while (p != NULL && *p != '\0' && *p != ' ') {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			for (p += kl + 1; *p != '\0' && *p != '&' && *p != ' ' && o + 1 < size; p++) {
				if (*p == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
					out[o++] = (char)(hex(p[1]) * 16 + hex(p[2]));
					p += 2;
				} else
					out[o++] = *p == '+' ? ' ' : *p;
			}
			out[o] = '\0';
			return;
		}
		if ((p = strchr(p, '&')) != NULL)
			p++;
	}
}

static void
serve_file(int c, const char *status, const char *dir, const char *file)
{
	size_t len;
	char *body = real(dir, file, &len);

	answer(c, status, body, len);
	free(body);
}

static void
serve_one(int c, const char *req)
{
	static const char search[] = "GET /documents/search?", doc[] = "GET /documents/";

	if (strncmp(req, search, strlen(search)) == 0) {
		const char *q = req + strlen(search);
		char last[64], first[64], business[128], code[32], begin[32], end[32], page[16];

		param(q, "lastNames", last, sizeof(last));
		param(q, "firstNames", first, sizeof(first));
		param(q, "businessNames", business, sizeof(business));
		param(q, "documentCode", code, sizeof(code));
		param(q, "beginDate", begin, sizeof(begin));
		param(q, "endDate", end, sizeof(end));
		param(q, "pageNumber", page, sizeof(page));
		if (code[0] != '\0' && (begin[0] != '\0' || end[0] != '\0')) {
			serve_file(c, "400 Bad Request", "search", REFUSED);
			return;
		}
		for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
			if (strcmp(last, routes[i].last) == 0 && strcmp(first, routes[i].first) == 0 &&
			    strcmp(business, routes[i].business) == 0) {
				if (strcmp(routes[i].file, REFUSED) == 0)
					serve_file(c, "400 Bad Request", "search", REFUSED);
				else if (strcmp(page, "1") == 0 && begin[0] == '\0' && end[0] == '\0')
					serve_file(c, "200 OK", "search", routes[i].file);
				else
					break;
				return;
			}
		serve_file(c, "200 OK", "search", EMPTY);
	} else if (strncmp(req, doc, strlen(doc)) == 0) {
		const char *n = req + strlen(doc);
		size_t digits = strspn(n, "0123456789");
		char file[64], path[128];

		snprintf(file, sizeof(file), "%.*s.json", (int)(digits < 32 ? digits : 32), n);
		snprintf(path, sizeof(path), REAL "documents/%s", file);
		if (digits > 0 && n[digits] == ' ' && access(path, R_OK) == 0)
			serve_file(c, "200 OK", "documents", file);
		else
			answer(c, "404 Not Found", "", 0);
	} else
		answer(c, "404 Not Found", "", 0);
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

/* A record as the assessor leaves it (DEED and OWNER; NULL for none), then collect(). */
static int
collect(struct pdc_source_ctx *ctx, const char *deed, const char *owner, struct pdc_record *rec,
    struct pdc_err *err)
{
	struct pdc_row *row;
	char log[65536];

	httpd_take_log(&srv.h, log, sizeof(log));
	pdc_record_init(rec, "165-28-054");
	row = pdc_record_add(rec, &pdc_tbl_properties);
	pdc_row_set(row, "deed_number", deed);
	pdc_row_set(row, "owner_name", owner);
	rec->parts = PDC_PART_BASIC;
	pdc_err_clear(err);
	return pdc_source_recorder.collect(ctx, "165-28-054", rec, err);
}

/*
 * A stored sale against the files: with a detail, its number, date, first
 * code, names and restricted; without one (a 404 here), what the search
 * SEARCH (the file's tree) gives for its number: date, code, and names each
 * one of the names its rows carry, restricted unknown.  Returns the field
 * that differs, or NULL.
 */
static const char *
sale_as_files(const struct pdc_row *row, const cJSON *search)
{
	const char *number = pdc_row_get(row, "recording_number");
	char file[64], date[11];
	cJSON *detail, *stored;
	const cJSON *o, *it;
	const char *why = NULL;
	bool found = false;

	if (number == NULL)
		return "recording_number";
	snprintf(file, sizeof(file), "%s.json", number);
	if ((detail = real_tree("documents", file)) != NULL) {
		char *names = list_of(cJSON_GetObjectItemCaseSensitive(detail, "names"));
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(detail, "restricted");

		iso(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(detail, "recordingDate")),
		    date);
		if (strcmp(number, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(detail,
		    "recordingNumber"))) != 0)
			why = "recording_number";
		else if (pdc_row_get(row, "recording_date") == NULL ||
		    strcmp(pdc_row_get(row, "recording_date"), date) != 0)
			why = "recording_date";
		else if (pdc_row_get(row, "document_code") == NULL ||
		    strcmp(pdc_row_get(row, "document_code"), cJSON_GetStringValue(cJSON_GetArrayItem(
		    cJSON_GetObjectItemCaseSensitive(detail, "documentCodes"), 0))) != 0)
			why = "document_code";
		else if (pdc_row_get(row, "names") == NULL || names == NULL ||
		    strcmp(pdc_row_get(row, "names"), names) != 0)
			why = "names";
		else if (pdc_row_get(row, "restricted") == NULL ||
		    strcmp(pdc_row_get(row, "restricted"), cJSON_IsTrue(r) ? "t" : "f") != 0)
			why = "restricted";
		free(names);
		cJSON_Delete(detail);
		return why;
	}
	stored = pdc_row_get(row, "names") ? cJSON_Parse(pdc_row_get(row, "names")) : NULL;
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(search, "searchResults")) {
		char rn[32];

		snprintf(rn, sizeof(rn), "%lld", (long long)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(o, "recordingNumber")));
		if (strcmp(rn, number) != 0)
			continue;
		found = true;
		iso(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "recordingDate")), date);
		if (pdc_row_get(row, "recording_date") == NULL ||
		    strcmp(pdc_row_get(row, "recording_date"), date) != 0)
			why = "recording_date";
		else if (pdc_row_get(row, "document_code") == NULL ||
		    strcmp(pdc_row_get(row, "document_code"), cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(o, "documentCode"))) != 0)
			why = "document_code";
		else if (pdc_row_get(row, "restricted") != NULL)
			why = "restricted (no detail says)";
	}
	if (!found)
		why = "recording_number (in no file)";
	else if (why == NULL && (!cJSON_IsArray(stored) || cJSON_GetArraySize(stored) == 0))
		why = "names";
	cJSON_ArrayForEach(it, stored) {
		bool ours = false;

		cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(search, "searchResults")) {
			char rn[32];

			snprintf(rn, sizeof(rn), "%lld", (long long)cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(o, "recordingNumber")));
			if (strcmp(rn, number) == 0 && cJSON_IsString(it) && strcmp(it->valuestring,
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "names"))) == 0)
				ours = true;
		}
		if (!ours && why == NULL)
			why = "names (one no row carries)";
	}
	cJSON_Delete(stored);
	return why;
}

/* Collect for OWNER with the assessor's DEED; every stored sale as the files say. */
static void
collect_real(struct pdc_source_ctx *ctx, const char *deed, const char *owner, const char *file)
{
	struct pdc_record rec;
	struct pdc_err err;
	cJSON *search = real_tree("search", file);
	size_t sales = 0, bad = 0;
	bool has_deed = false;
	char name[200];

	snprintf(name, sizeof(name), "collect %s (deed %s) through the real files", owner,
	    deed ? deed : "none");
	is_int(collect(ctx, deed, owner, &rec, &err), 0, name);
	if (err.kind != PDC_OK)
		printf("# %s\n", err.msg);
	for (size_t i = 0; i < rec.nrows; i++) {
		const struct pdc_row *row = &rec.rows[i];
		const char *why;

		if (row->table != &pdc_tbl_sales)
			continue;
		sales++;
		if (deed != NULL && pdc_row_get(row, "recording_number") != NULL &&
		    strcmp(pdc_row_get(row, "recording_number"), deed) == 0)
			has_deed = true;
		if ((why = sale_as_files(row, search)) != NULL) {
			bad++;
			printf("# %s: sale %s: %s differs from the files\n", owner,
			    pdc_row_get(row, "recording_number") ? pdc_row_get(row, "recording_number")
			    : "NULL", why);
		}
	}
	snprintf(name, sizeof(name), "%s: sales stored", owner);
	ok(sales > 0, name);
	if (deed != NULL) {
		snprintf(name, sizeof(name), "%s: the assessor's deed %s among them", owner, deed);
		ok(has_deed, name);
	}
	snprintf(name, sizeof(name), "%s: every stored sale says what the files say", owner);
	is_int(bad, 0, name);
	pdc_record_release(&rec);
	cJSON_Delete(search);
}

static void
test_collect(void)
{
	struct pdc_config cfg;
	struct pdc_source_ctx ctx;
	struct pdc_record rec;
	struct pdc_err err;
	char base[64], log[65536];

	if (!ok(server_start() == 0, "start a local server"))
		return;
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", srv.h.port);
	memset(&cfg, 0, sizeof(cfg));
	cfg.source[pdc_config_source_index("recorder")].base_url = base;
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.http = pdc_http_new(&(struct pdc_http_opts){ .timeout_seconds = 5 }, &err);
	ok(ctx.http != NULL, "an http handle");

	collect_real(&ctx, "20070834753", "LOWRY AMY E", "scan-LOWRY_AMY_E.json");
	httpd_take_log(&srv.h, log, sizeof(log));
	ok(strstr(log, "GET /documents/20070834753 HTTP/1.1\n") != NULL,
	    "the assessor's deed asked for at /documents/{n}");
	ok(strstr(log, "GET /documents/search?lastNames=LOWRY&firstNames=AMY&") != NULL,
	    "the owner searched at /documents/search");
	collect_real(&ctx, "20041152880", "JOHNSON TROY W", "api-johnson-troy-w.json");
	collect_real(&ctx, "20150731079", "KENNEDY JOHN A",
	    "api-lastNames_KENNEDY_firstNames_JOHN_middleNameIs_A.json");
	collect_real(&ctx, NULL, "CAVFLREI LLC", "scan-CAVFLREI.json");

	/* the real 400: the county will not run the query, and asking again changes nothing */
	is_int(collect(&ctx, NULL, "TEST PRDEED", &rec, &err), -1, "a search answered 400 fails");
	is_int(err.kind, PDC_E_PERMANENT, "a 400 from the search is permanent");
	is_str(err.msg, "recorder: /documents/search: the county refused the query "
	    "(HTTP 400 Bad Request)", "a 400 from the search says the county refused the query");
	ok(rec.parts == PDC_PART_BASIC && rec.sets == 1u << pdc_schema_index(&pdc_tbl_properties),
	    "after a 400 the record is as the assessor left it");
	pdc_record_release(&rec);

	pdc_http_free(ctx.http);
	server_stop();
}

int
main(void)
{
	if (pdc_http_global_init() == -1) {
		printf("Bail out! libcurl init\n");
		return 1;
	}
	test_documents();
	test_searches();
	test_refused_body();
	test_collect();
	pdc_http_global_cleanup();
	return unit_done();
}
