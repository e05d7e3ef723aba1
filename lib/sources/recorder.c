/*
 * The Maricopa County Recorder: a parcel's deeds, found from the assessor's
 * latest deed and by the owner's name, each read from its own detail.
 *
 * The two endpoints describe a document with different types (a number or
 * a string for recordingNumber, a string or a list for names); the readers
 * below take either and turn them into one struct pdc_recorder_doc, so the
 * rest of the file never sees the difference.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "../fetch.h"
#include "../schema.h"
#include "recorder.h"
#include "util.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define PAGE_SIZE	200	/* the most the search gives at once */
#define MAX_PAGES	10	/* totalResults stops at 501: three pages; a server repeating itself stops here */

/* Display codes of the documents that are deeds (a trustee's deed is TRST DEED). */
static const char *const deed_codes[] = {
	"WAR DEED", "SPEC/W D", "Q/CL DEED", "JNT DEED", "WAR DEED+", "DEED", "TRST DEED",
};

/* Words that make an owner a business, searched as businessNames. */
static const char *const business_words[] = {
	"LLC", "INC", "CORP", "CO", "LP", "LTD", "TRUST", "TR", "BANK", "ASSN", "ASSOCIATION",
	"COMPANY", "PARTNERSHIP", "CHURCH",
};

/* ... and two-word phrases that do the same. */
static const char *const business_phrases[][2] = {
	{ "CITY", "OF" },
	{ "STATE", "OF" },
};

static int
nomem(struct pdc_err *err)
{
	return pdc_err_set(err, PDC_E_SYSTEM, "recorder: out of memory");
}

void
pdc_recorder_doc_release(struct pdc_recorder_doc *doc)
{
	free(doc->code);
	free(doc->codes);
	free(doc->names);
	memset(doc, 0, sizeof(*doc));
	doc->restricted = -1;
}

void
pdc_recorder_docs_free(struct pdc_recorder_doc *docs, size_t n)
{
	if (docs == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		pdc_recorder_doc_release(&docs[i]);
	free(docs);
}

static int
not_json(struct pdc_err *err, const char *what, const char *body, size_t len, const char *how)
{
	char start[48];
	bool all = body == NULL || pdc_util_printable(body, len, start, sizeof(start));

	if (body == NULL)
		start[0] = '\0';
	return pdc_err_set(err, PDC_E_PERMANENT, "recorder: %s: response is %s: \"%s%s\"", what,
	    how, start, all ? "" : "...");
}

/* A short rendering of IT for a message: "12x", {"a":1}. */
static void
show(const cJSON *it, char *buf, size_t size)
{
	char *printed = NULL, part[72];
	const char *s;
	bool all, quote = cJSON_IsString(it);

	if (quote)
		s = it->valuestring;
	else if ((s = printed = cJSON_PrintUnformatted(it)) == NULL)
		s = "a value";
	all = pdc_util_printable(s, strlen(s), part, sizeof(part));
	snprintf(buf, size, "%s%s%s%s", quote ? "\"" : "", part, all ? "" : "...", quote ? "\"" : "");
	cJSON_free(printed);
}

/* `recorder: WHAT: FIELD: VALUE WHY` */
static int
bad_value(struct pdc_err *err, const char *what, const char *field, const cJSON *it,
    const char *why)
{
	char shown[96];

	show(it, shown, sizeof(shown));
	return pdc_err_set(err, PDC_E_PERMANENT, "recorder: %s: %s: %s %s", what, field, shown, why);
}

static bool
absent(const cJSON *it)
{
	return it == NULL || cJSON_IsNull(it);
}

/*
 * A recording number in the N bytes at S into OUT: letters and digits only
 * (it goes into a URL path and a store key).  Returns 1 when S is blank, 0
 * when read, -1 when it is no recording number.
 */
static int
recno_text(const char *s, size_t n, char out[PDC_RECNO_MAX])
{
	out[0] = '\0';
	pdc_util_trim(&s, &n);
	if (n == 0)
		return 1;
	if (n >= PDC_RECNO_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!pdc_util_is_digit(s[i]) && !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= 'a' && s[i] <= 'z'))
			return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/*
 * A recording number from a JSON number (the search) or a string (the
 * detail) into OUT.  Returns 1 when IT is absent, null, "" or zero, 0 when
 * read, -1 when it is no recording number.  The real search has answered
 * a row with recordingNumber 0 and no date: no document can be asked for
 * by it.
 */
static int
recno(const cJSON *it, char out[PDC_RECNO_MAX])
{
	int rc;

	out[0] = '\0';
	if (absent(it))
		return 1;
	if (cJSON_IsNumber(it)) {
		double v = it->valuedouble;

		/* eleven digits: well inside a double's exact integers */
		if (!(v >= 0 && v < 1e15) || v != floor(v))
			return -1;
		snprintf(out, PDC_RECNO_MAX, "%.0f", v);
		rc = 0;
	} else if (!cJSON_IsString(it))
		return -1;
	else if ((rc = recno_text(it->valuestring, strlen(it->valuestring), out)) != 0)
		return rc;
	if (strspn(out, "0") == strlen(out)) {
		out[0] = '\0';
		return 1;
	}
	return 0;
}

/* A string value, trimmed, malloc'd into *OUT (NULL when absent or empty). */
static int
text(const cJSON *it, const char *what, const char *field, char **out, struct pdc_err *err)
{
	const char *s;
	size_t n;

	*out = NULL;
	if (absent(it))
		return 0;
	if (!cJSON_IsString(it))
		return bad_value(err, what, field, it, "is not text");
	s = it->valuestring;
	n = strlen(s);
	pdc_util_trim(&s, &n);
	if (!pdc_util_utf8_valid(s, n))
		return bad_value(err, what, field, it, "is not valid UTF-8");
	if (n == 0)
		return 0;
	if ((*out = strndup(s, n)) == NULL)
		return nomem(err);
	return 0;
}

/* recordingDate, M-DD-YYYY, into OUT as ISO ("" when absent). */
static int
date(const cJSON *it, const char *what, const char *field, char out[11], struct pdc_err *err)
{
	const char *s;
	size_t n;

	out[0] = '\0';
	if (absent(it))
		return 0;
	if (!cJSON_IsString(it))
		return bad_value(err, what, field, it, "is not a date");
	s = it->valuestring;
	n = strlen(s);
	pdc_util_trim(&s, &n);
	if (n == 0)
		return 0;
	if (pdc_util_date(s, n, out, 11) == -1)
		return bad_value(err, what, field, it, "is not a date");
	return 0;
}

/* LIST (deleted here) as JSON text, malloc'd into *OUT. */
static int
list_text(cJSON *list, char **out, struct pdc_err *err)
{
	char *p = cJSON_PrintUnformatted(list);

	cJSON_Delete(list);
	*out = NULL;
	if (p == NULL)
		return nomem(err);
	/* rows are freed with free(3); cJSON may have its own allocator */
	*out = strdup(p);
	cJSON_free(p);
	return *out == NULL ? nomem(err) : 0;
}

/* Append a copy of string S to LIST. */
static int
list_add(cJSON *list, const char *s, struct pdc_err *err)
{
	cJSON *it = cJSON_CreateString(s);

	if (it == NULL || !cJSON_AddItemToArray(list, it)) {
		cJSON_Delete(it);
		return nomem(err);
	}
	return 0;
}

/*
 * names: a list of strings (the detail) or one string (the search), into a
 * JSON list text in *OUT (NULL when absent).  Blanks around each name go.
 * A blank string names no one (the real search sends "" on rows of some
 * documents): NULL, not an empty list, for it says nothing.
 */
static int
names(const cJSON *it, const char *what, const char *prefix, char **out, struct pdc_err *err)
{
	cJSON *list;
	const cJSON *one;
	char field[64];
	int i = 0;

	*out = NULL;
	if (absent(it))
		return 0;
	if (!cJSON_IsString(it) && !cJSON_IsArray(it)) {
		snprintf(field, sizeof(field), "%snames", prefix);
		return bad_value(err, what, field, it, "is not a list of names");
	}
	if (cJSON_IsString(it)) {
		const char *s = it->valuestring;
		size_t n = strlen(s);

		pdc_util_trim(&s, &n);
		if (n == 0)
			return 0;
	}
	if ((list = cJSON_CreateArray()) == NULL)
		return nomem(err);
	if (cJSON_IsString(it))
		one = it;
	else
		one = it->child;
	for (; one != NULL; one = cJSON_IsString(it) ? NULL : one->next, i++) {
		char *v;
		int rc;

		if (cJSON_IsArray(it))
			snprintf(field, sizeof(field), "%snames[%d]", prefix, i);
		else
			snprintf(field, sizeof(field), "%snames", prefix);
		if (absent(one))
			continue;
		if (text(one, what, field, &v, err) == -1) {
			cJSON_Delete(list);
			return -1;
		}
		if (v == NULL)
			continue;	/* an empty name says nothing */
		rc = list_add(list, v, err);
		free(v);
		if (rc == -1) {
			cJSON_Delete(list);
			return -1;
		}
	}
	return list_text(list, out, err);
}

/*
 * documentCodes, a list of strings (the detail), into DOC: the first that
 * says something as CODE, all of them as the JSON list text CODES.
 */
static int
detail_codes(const cJSON *codes, const char *what, struct pdc_recorder_doc *doc,
    struct pdc_err *err)
{
	const cJSON *it;
	cJSON *list;
	int i = 0;

	if (absent(codes))
		return 0;
	if (!cJSON_IsArray(codes))
		return bad_value(err, what, "documentCodes", codes, "is not a list");
	if ((list = cJSON_CreateArray()) == NULL)
		return nomem(err);
	for (it = codes->child; it != NULL; it = it->next, i++) {
		char field[32], *v;
		int rc;

		snprintf(field, sizeof(field), "documentCodes[%d]", i);
		if (text(it, what, field, &v, err) == -1)
			goto fail;
		if (v == NULL)
			continue;	/* an empty code says nothing */
		rc = list_add(list, v, err);
		if (rc == 0 && doc->code == NULL)
			doc->code = v;
		else
			free(v);
		if (rc == -1)
			goto fail;
	}
	if (doc->code == NULL) {
		cJSON_Delete(list);
		return 0;
	}
	return list_text(list, &doc->codes, err);
fail:
	cJSON_Delete(list);
	return -1;
}

/* A search row's one code (already in DOC's CODE) as a one-element list in CODES. */
static int
row_codes(struct pdc_recorder_doc *doc, struct pdc_err *err)
{
	cJSON *list;

	if (doc->code == NULL)
		return 0;
	if ((list = cJSON_CreateArray()) == NULL)
		return nomem(err);
	if (list_add(list, doc->code, err) == -1) {
		cJSON_Delete(list);
		return -1;
	}
	return list_text(list, &doc->codes, err);
}

static int
restricted(const cJSON *it, const char *what, int *out, struct pdc_err *err)
{
	*out = -1;
	if (absent(it))
		return 0;
	if (!cJSON_IsBool(it))
		return bad_value(err, what, "restricted", it, "is not true or false");
	*out = cJSON_IsTrue(it) ? 1 : 0;
	return 0;
}

/* A recording number without its leading zeros, for comparing. */
static const char *
significant(const char *s)
{
	while (s[0] == '0' && s[1] != '\0')
		s++;
	return s;
}

static bool
same_number(const char *a, const char *b)
{
	return strcmp(significant(a), significant(b)) == 0;
}

static int
document(const cJSON *root, const char *what, const char *number, struct pdc_recorder_doc *doc,
    struct pdc_err *err)
{
	const cJSON *it;

	it = cJSON_GetObjectItemCaseSensitive(root, "recordingNumber");
	switch (recno(it, doc->number)) {
	case -1:
		return bad_value(err, what, "recordingNumber", it, "is not a recording number");
	case 1:
		if (strlen(number) >= sizeof(doc->number))
			return pdc_err_set(err, PDC_E_PERMANENT, "recorder: %s: no recordingNumber",
			    what);
		memcpy(doc->number, number, strlen(number) + 1);
		break;
	default:
		if (!same_number(doc->number, number))
			return pdc_err_set(err, PDC_E_PERMANENT,
			    "recorder: %s: the answer is about document %s", what, doc->number);
	}
	if (date(cJSON_GetObjectItemCaseSensitive(root, "recordingDate"), what, "recordingDate",
	    doc->date, err) == -1 ||
	    names(cJSON_GetObjectItemCaseSensitive(root, "names"), what, "", &doc->names, err) == -1 ||
	    restricted(cJSON_GetObjectItemCaseSensitive(root, "restricted"), what,
	    &doc->restricted, err) == -1)
		return -1;
	return detail_codes(cJSON_GetObjectItemCaseSensitive(root, "documentCodes"), what, doc,
	    err);
}

int
pdc_recorder_parse_document(const char *body, size_t len, const char *number,
    struct pdc_recorder_doc *doc, struct pdc_err *err)
{
	char what[PDC_RECNO_MAX + 16];
	cJSON *root;
	int rc;

	memset(doc, 0, sizeof(*doc));
	doc->restricted = -1;
	if (number == NULL)
		number = "";
	snprintf(what, sizeof(what), "/documents/%.*s", PDC_RECNO_MAX, number);
	if ((root = pdc_util_parse_json(body, len)) == NULL)
		return not_json(err, what, body, len, "not JSON");
	if (!cJSON_IsObject(root))
		rc = not_json(err, what, body, len, "not a JSON object");
	else
		rc = document(root, what, number, doc, err);
	cJSON_Delete(root);
	if (rc == -1)
		pdc_recorder_doc_release(doc);
	return rc;
}

/* One search result (object O, at FIELD) into DOC; 1 when it has no number. */
static int
result(const cJSON *o, const char *what, const char *field, struct pdc_recorder_doc *doc,
    struct pdc_err *err)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, "recordingNumber");
	char name[64];

	memset(doc, 0, sizeof(*doc));
	doc->restricted = -1;
	switch (recno(it, doc->number)) {
	case -1:
		snprintf(name, sizeof(name), "%s.recordingNumber", field);
		return bad_value(err, what, name, it, "is not a recording number");
	case 1:
		return 1;
	}
	snprintf(name, sizeof(name), "%s.recordingDate", field);
	if (date(cJSON_GetObjectItemCaseSensitive(o, "recordingDate"), what, name, doc->date,
	    err) == -1)
		goto fail;
	snprintf(name, sizeof(name), "%s.documentCode", field);
	if (text(cJSON_GetObjectItemCaseSensitive(o, "documentCode"), what, name, &doc->code,
	    err) == -1 || row_codes(doc, err) == -1)
		goto fail;
	snprintf(name, sizeof(name), "%s.", field);
	if (names(cJSON_GetObjectItemCaseSensitive(o, "names"), what, name, &doc->names, err) == -1)
		goto fail;
	return 0;
fail:
	pdc_recorder_doc_release(doc);
	return -1;
}

int
pdc_recorder_parse_search(const char *body, size_t len, int page,
    struct pdc_recorder_doc **docs, size_t *ndocs, long *total, struct pdc_err *err)
{
	struct pdc_recorder_doc *out = NULL;
	const cJSON *list, *o, *t;
	size_t n = 0, cap = 0;
	char what[48], field[40];
	cJSON *root;
	int i = 0;

	*docs = NULL;
	*ndocs = 0;
	*total = -1;
	snprintf(what, sizeof(what), "/documents/search page %d", page);
	if ((root = pdc_util_parse_json(body, len)) == NULL)
		return not_json(err, what, body, len, "not JSON");
	if (!cJSON_IsObject(root)) {
		not_json(err, what, body, len, "not a JSON object");
		goto fail;
	}
	t = cJSON_GetObjectItemCaseSensitive(root, "totalResults");
	if (!absent(t)) {
		if (!cJSON_IsNumber(t) || !(t->valuedouble >= 0 && t->valuedouble < 1e12)) {
			bad_value(err, what, "totalResults", t, "is not a count");
			goto fail;
		}
		*total = (long)t->valuedouble;
	}
	list = cJSON_GetObjectItemCaseSensitive(root, "searchResults");
	if (list == NULL) {
		pdc_err_set(err, PDC_E_PERMANENT, "recorder: %s: no searchResults in the response",
		    what);
		goto fail;
	}
	if (!cJSON_IsNull(list) && !cJSON_IsArray(list)) {
		bad_value(err, what, "searchResults", list, "is not a list");
		goto fail;
	}
	cJSON_ArrayForEach(o, list) {
		snprintf(field, sizeof(field), "searchResults[%d]", i++);
		if (!cJSON_IsObject(o)) {
			bad_value(err, what, field, o, "is not an object");
			goto fail;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct pdc_recorder_doc *p = reallocarray(out, ncap, sizeof(*p));

			if (p == NULL) {
				nomem(err);
				goto fail;
			}
			out = p;
			cap = ncap;
		}
		switch (result(o, what, field, &out[n], err)) {
		case -1:
			goto fail;
		case 0:
			n++;
			break;
		}
	}
	cJSON_Delete(root);
	*docs = out;
	*ndocs = n;
	return 0;
fail:
	pdc_recorder_docs_free(out, n);
	cJSON_Delete(root);
	*total = -1;
	return -1;
}

/* CODE with runs of blanks as one, none at the ends, in upper case; "" when too long. */
static void
code_key(const char *code, char *buf, size_t size)
{
	size_t o = 0, n = strlen(code);
	bool space = false;

	pdc_util_trim(&code, &n);
	for (size_t i = 0; i < n; i++) {
		char c = code[i];

		if (pdc_util_is_blank(c)) {
			space = true;
			continue;
		}
		if (o + (space ? 2 : 1) >= size) {
			buf[0] = '\0';
			return;
		}
		if (space)
			buf[o++] = ' ';
		space = false;
		buf[o++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
	}
	buf[o] = '\0';
}

bool
pdc_recorder_is_deed(const char *code)
{
	char key[32];

	if (code == NULL)
		return false;
	code_key(code, key, sizeof(key));
	for (size_t i = 0; i < NELEM(deed_codes); i++)
		if (strcmp(key, deed_codes[i]) == 0)
			return true;
	return false;
}

static bool
is_alnum(char c)
{
	return pdc_util_is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* The next word of S at *I (letters and digits), into [*START, *START+*LEN); false at the end. */
static bool
next_word(const char *s, size_t *i, size_t *start, size_t *len)
{
	while (s[*i] != '\0' && !is_alnum(s[*i]))
		(*i)++;
	if (s[*i] == '\0')
		return false;
	*start = *i;
	while (is_alnum(s[*i]))
		(*i)++;
	*len = *i - *start;
	return true;
}

static bool
word_is(const char *s, size_t start, size_t len, const char *w)
{
	return strlen(w) == len && strncasecmp(s + start, w, len) == 0;
}

/* Whether OWNER names a business: a business word, or CITY OF / STATE OF. */
static bool
is_business(const char *owner)
{
	size_t i = 0, start, len, pstart = 0, plen = 0;
	bool prev = false;

	while (next_word(owner, &i, &start, &len)) {
		for (size_t k = 0; k < NELEM(business_words); k++)
			if (word_is(owner, start, len, business_words[k]))
				return true;
		for (size_t k = 0; prev && k < NELEM(business_phrases); k++)
			if (word_is(owner, pstart, plen, business_phrases[k][0]) &&
			    word_is(owner, start, len, business_phrases[k][1]))
				return true;
		pstart = start;
		plen = len;
		prev = true;
	}
	return false;
}

/* The N bytes at S URL-encoded, malloc'd; NULL when out of memory. */
static char *
encode(const char *s, size_t n)
{
	char *copy = strndup(s, n), *e;

	if (copy == NULL)
		return NULL;
	e = pdc_util_urlencode(copy);
	free(copy);
	return e;
}

int
pdc_recorder_search_path(const char *owner, int page, char **path)
{
	char *last = NULL, *first = NULL, *business = NULL;
	const char *s = owner;
	size_t n, len;
	int rc = -1;

	*path = NULL;
	if (owner == NULL)
		return 0;
	n = strlen(s);
	pdc_util_trim(&s, &n);
	if (n == 0)
		return 0;
	if (is_business(owner)) {
		if ((business = encode(s, n)) == NULL)
			goto out;
	} else {
		/* a person: "DOE JANE A & JOHN B", "DOE JANE/ROE RICHARD" */
		size_t cut = strcspn(s, "&/"), i = 0, start[2], wl[2];
		int nw = 0;

		if (cut > n)
			cut = n;
		/* words are what blanks separate: "O'BRIEN" is one */
		while (nw < 2) {
			while (i < cut && pdc_util_is_blank(s[i]))
				i++;
			if (i >= cut)
				break;
			start[nw] = i;
			while (i < cut && !pdc_util_is_blank(s[i]))
				i++;
			wl[nw] = i - start[nw];
			nw++;
		}
		if (nw == 0)
			return 0;
		if ((last = encode(s + start[0], wl[0])) == NULL)
			goto out;
		if (nw > 1 && (first = encode(s + start[1], wl[1])) == NULL)
			goto out;
	}
	len = strlen("/documents/search?lastNames=&firstNames=&middleNameIs=&businessNames="
	    "&documentCode=&beginDate=&endDate=&pageSize=&pageNumber=") + 32 +
	    (last ? strlen(last) : 0) + (first ? strlen(first) : 0) +
	    (business ? strlen(business) : 0);
	if ((*path = malloc(len)) == NULL)
		goto out;
	snprintf(*path, len, "/documents/search?lastNames=%s&firstNames=%s&middleNameIs="
	    "&businessNames=%s&documentCode=&beginDate=&endDate=&pageSize=%d&pageNumber=%d",
	    last ? last : "", first ? first : "", business ? business : "", PAGE_SIZE, page);
	rc = 0;
out:
	free(last);
	free(first);
	free(business);
	return rc;
}

/*
 * GET PATH (already URL-encoded) from the recorder as KEY.  Returns 0 with
 * RES for a 2xx, 1 for a 404 when NOTFOUND_OK, or -1 with ERR.  RES is the
 * caller's to release either way.
 */
static int
recorder_get(struct pdc_source_ctx *ctx, const char *path, const char *key, bool notfound_ok,
    struct pdc_response *res, struct pdc_err *err)
{
	char what[128];

	if (pdc_util_get(ctx, "recorder", pdc_config_source(ctx->cfg, "recorder")->base_url,
	    path, key, NULL, res, err) == -1)
		return -1;
	if (res->status == 404 && notfound_ok)
		return 1;
	/* the search path is long and says little: its page is enough */
	snprintf(what, sizeof(what), "recorder: %.*s", (int)strcspn(path, "?"), path);
	/*
	 * The search answers a query it will not run (seen for a document code
	 * with a date range) with 400 and a JSON body that says no more; asking
	 * again gets the same.
	 */
	if (res->status == 400 && strcspn(path, "?") == strlen("/documents/search") &&
	    strncmp(path, "/documents/search", strlen("/documents/search")) == 0) {
		if (err != NULL)
			err->retry_after = 0;
		return pdc_err_set(err, PDC_E_PERMANENT,
		    "%s: the county refused the query (HTTP 400 Bad Request)", what);
	}
	return pdc_http_classify(res->status, res->retry_after, what, err);
}

/* The deeds found so far: each once, by recording number. */
struct deeds {
	struct {
		struct pdc_recorder_doc doc;
		bool detailed;		/* read from its own detail (or known to have none) */
	} *v;
	size_t n, cap;
};

static int
deeds_find(const struct deeds *d, const char *number)
{
	for (size_t i = 0; i < d->n; i++)
		if (same_number(d->v[i].doc.number, number))
			return (int)i;
	return -1;
}

/* Move DOC (zeroed after) into D. */
static int
deeds_add(struct deeds *d, struct pdc_recorder_doc *doc, bool detailed)
{
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 8;
		void *p = reallocarray(d->v, ncap, sizeof(*d->v));

		if (p == NULL)
			return -1;
		d->v = p;
		d->cap = ncap;
	}
	d->v[d->n].doc = *doc;
	d->v[d->n].detailed = detailed;
	d->n++;
	memset(doc, 0, sizeof(*doc));
	doc->restricted = -1;
	return 0;
}

static void
deeds_release(struct deeds *d)
{
	for (size_t i = 0; i < d->n; i++)
		pdc_recorder_doc_release(&d->v[i].doc);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/*
 * The detail of document NUMBER into DOC.  Returns 0, 1 when the recorder
 * does not know it (404), or -1 with ERR.
 */
static int
detail(struct pdc_source_ctx *ctx, const char *number, struct pdc_recorder_doc *doc,
    struct pdc_err *err)
{
	struct pdc_response res;
	char path[PDC_RECNO_MAX * 3 + 16], key[PDC_RECNO_MAX + 16], *enc;
	int rc;

	memset(doc, 0, sizeof(*doc));
	doc->restricted = -1;
	/* recno() let only letters and digits through; encoding costs nothing */
	if ((enc = pdc_util_urlencode(number)) == NULL)
		return nomem(err);
	snprintf(path, sizeof(path), "/documents/%s", enc);
	free(enc);
	snprintf(key, sizeof(key), "document/%s", number);
	rc = recorder_get(ctx, path, key, true, &res, err);
	if (rc == 0)
		rc = pdc_recorder_parse_document(res.body, res.len, number, doc, err);
	pdc_response_release(&res);
	return rc;
}

/* What the detail says wins; what it leaves out, the search result keeps. */
static void
merge(struct pdc_recorder_doc *into, struct pdc_recorder_doc *from)
{
	if (from->date[0] != '\0')
		memcpy(into->date, from->date, sizeof(into->date));
	if (from->code != NULL) {
		free(into->code);
		into->code = from->code;
		from->code = NULL;
		free(into->codes);
		into->codes = from->codes;
		from->codes = NULL;
	}
	if (from->names != NULL) {
		free(into->names);
		into->names = from->names;
		from->names = NULL;
	}
	if (from->restricted != -1)
		into->restricted = from->restricted;
	pdc_recorder_doc_release(from);
}

/*
 * The name a search result must carry to be this parcel's: a business's
 * whole name, or a person's name before any "&" or "/" (the first owner),
 * trimmed.  Without this, a common name would sweep in other parcels' deeds.
 */
static void
primary_name(const char *owner, char *out, size_t len)
{
	size_t n = is_business(owner) ? strlen(owner) : strcspn(owner, "&/");

	while (n > 0 && (owner[n - 1] == ' ' || owner[n - 1] == '\t'))
		n--;
	while (n > 0 && (*owner == ' ' || *owner == '\t')) {
		owner++;
		n--;
	}
	if (n >= len)
		n = len - 1;
	memcpy(out, owner, n);
	out[n] = '\0';
}

/* Does the search result's name list (JSON text) name exactly WHO? */
static bool
names_exactly(const char *names, const char *who)
{
	cJSON *list = names != NULL ? cJSON_Parse(names) : NULL;
	const cJSON *it;
	bool same = false;

	cJSON_ArrayForEach(it, list)
		if (cJSON_IsString(it) && strcasecmp(it->valuestring, who) == 0)
			same = true;
	cJSON_Delete(list);
	return same;
}

/* Every deed the search by OWNER finds in OWNER's own name, not in D yet, added undetailed. */
static int
search(struct pdc_source_ctx *ctx, const char *owner, struct deeds *d, struct pdc_err *err)
{
	long seen = 0;
	char who[256];

	primary_name(owner, who, sizeof(who));
	for (int page = 1; page <= MAX_PAGES; page++) {
		struct pdc_recorder_doc *docs = NULL;
		struct pdc_response res;
		size_t n = 0;
		long total = -1;
		char *path, key[32];
		int rc;

		if (pdc_recorder_search_path(owner, page, &path) == -1)
			return nomem(err);
		if (path == NULL)
			return 0;	/* no name to search by */
		snprintf(key, sizeof(key), "search/%d", page);
		rc = recorder_get(ctx, path, key, false, &res, err);
		free(path);
		if (rc == 0)
			rc = pdc_recorder_parse_search(res.body, res.len, page, &docs, &n, &total, err);
		pdc_response_release(&res);
		if (rc == -1)
			return -1;
		for (size_t i = 0; i < n; i++) {
			if (!pdc_recorder_is_deed(docs[i].code) || deeds_find(d, docs[i].number) >= 0 ||
			    !names_exactly(docs[i].names, who))
				continue;
			if (deeds_add(d, &docs[i], false) == -1) {
				pdc_recorder_docs_free(docs, n);
				return nomem(err);
			}
		}
		pdc_recorder_docs_free(docs, n);
		seen += (long)n;
		/* without a total, a short page is the last */
		if (n == 0 || (total >= 0 && seen >= total) || (total < 0 && n < PAGE_SIZE))
			break;
	}
	return 0;
}

/* Newest first: a longer number is a later one, then the digits decide. */
static int
by_number_desc(const void *a, const void *b)
{
	const char *x = significant(((const struct pdc_recorder_doc *)a)->number);
	const char *y = significant(((const struct pdc_recorder_doc *)b)->number);
	size_t lx = strlen(x), ly = strlen(y);

	if (lx != ly)
		return lx < ly ? 1 : -1;
	return -strcmp(x, y);
}

static int
add_sale(struct pdc_record *rec, const struct pdc_recorder_doc *doc, const char *price,
    struct pdc_err *err)
{
	struct pdc_row *row = pdc_record_add(rec, &pdc_tbl_sales);

	if (row == NULL ||
	    pdc_row_set(row, "recording_number", doc->number) == -1 ||
	    pdc_row_set(row, "recording_date", doc->date[0] ? doc->date : NULL) == -1 ||
	    pdc_row_set(row, "document_code", doc->code) == -1 ||
	    pdc_row_set(row, "names", doc->names) == -1 ||
	    pdc_row_set(row, "sale_price", price) == -1 ||
	    pdc_row_set(row, "restricted", doc->restricted < 0 ? NULL :
	    doc->restricted ? "t" : "f") == -1 ||
	    pdc_row_set(row, "source", "recorder") == -1)
		return nomem(err);
	return 0;
}

static int
collect_deeds(struct pdc_source_ctx *ctx, const char *deed, const char *owner, const char *price,
    struct pdc_record *rec, struct pdc_err *err)
{
	struct pdc_recorder_doc doc;
	struct deeds d = { 0 };
	bool deed_gone = false;
	int rc = -1;

	/* the latest deed is the parcel's whatever its code says */
	if (deed != NULL) {
		switch (detail(ctx, deed, &doc, err)) {
		case -1:
			goto out;
		case 1:
			deed_gone = true;	/* the search may still find the others */
			break;
		default:
			if (deeds_add(&d, &doc, true) == -1) {
				pdc_recorder_doc_release(&doc);
				goto oom;
			}
		}
	}
	if (owner != NULL && search(ctx, owner, &d, err) == -1)
		goto out;
	for (size_t i = 0; i < d.n; i++) {
		if (d.v[i].detailed)
			continue;
		d.v[i].detailed = true;
		if (deed_gone && same_number(d.v[i].doc.number, deed))
			continue;	/* asked already: a 404 */
		switch (detail(ctx, d.v[i].doc.number, &doc, err)) {
		case -1:
			goto out;
		case 0:
			merge(&d.v[i].doc, &doc);
			break;
		}
	}

	if (d.n > 1) {
		/* sort the docs only: the detailed flags are all true by now */
		struct pdc_recorder_doc *v = malloc(d.n * sizeof(*v));

		if (v == NULL)
			goto oom;
		for (size_t i = 0; i < d.n; i++)
			v[i] = d.v[i].doc;
		qsort(v, d.n, sizeof(*v), by_number_desc);
		for (size_t i = 0; i < d.n; i++)
			d.v[i].doc = v[i];
		free(v);
	}
	pdc_record_carry(rec, &pdc_tbl_sales);
	for (size_t i = 0; i < d.n; i++) {
		const struct pdc_recorder_doc *s = &d.v[i].doc;

		if (add_sale(rec, s, deed != NULL && same_number(s->number, deed) ? price : NULL,
		    err) == -1)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	nomem(err);
out:
	deeds_release(&d);
	return rc;
}

static int
recorder_collect(struct pdc_source_ctx *ctx, const char *apn, struct pdc_record *rec,
    struct pdc_err *err)
{
	const struct pdc_row *prop = pdc_record_find(rec, &pdc_tbl_properties);
	const char *deed_in, *owner;
	char deed[PDC_RECNO_MAX] = "", *price = NULL, shown[72];
	struct pdc_util_mark mark;
	int rc;

	(void)apn;	/* the assessor's row says all the recorder needs */
	deed_in = prop != NULL ? pdc_row_get(prop, "deed_number") : NULL;
	owner = prop != NULL ? pdc_row_get(prop, "owner_name") : NULL;
	if (deed_in == NULL && owner == NULL)
		return pdc_err_set(err, PDC_E_PERMANENT, "recorder: no owner or deed from the assessor");
	if (deed_in != NULL && recno_text(deed_in, strlen(deed_in), deed) == -1) {
		pdc_util_printable(deed_in, strlen(deed_in), shown, sizeof(shown));
		return pdc_err_set(err, PDC_E_PERMANENT,
		    "recorder: Owner.MostCurrentDeed \"%s\" is not a recording number", shown);
	}
	/* the row moves when the record grows: copy what is needed from it */
	if (prop != NULL && pdc_row_get(prop, "sale_price") != NULL &&
	    (price = strdup(pdc_row_get(prop, "sale_price"))) == NULL)
		return nomem(err);
	{
		char *own = owner != NULL ? strdup(owner) : NULL;

		if (owner != NULL && own == NULL) {
			free(price);
			return nomem(err);
		}
		pdc_util_mark(rec, &mark);
		rc = collect_deeds(ctx, deed[0] != '\0' ? deed : NULL, own, price,
		    rec, err);
		free(own);
	}
	free(price);
	if (rc == -1) {
		pdc_util_rollback(rec, &mark);
		return -1;
	}
	rec->parts |= PDC_PART_SALES;
	return 0;
}

const struct pdc_source pdc_source_recorder = {
	.name = "recorder",
	.base_url = "https://publicapi.recorder.maricopa.gov",
	.requests_per_second = 2,
	.token_env = NULL,
	.parts = PDC_PART_SALES,
	.apart = false,
	.collect = recorder_collect
};
