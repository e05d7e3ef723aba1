/*
 * The Maricopa County Recorder: a parcel's deeds, found from the assessor's
 * latest deed, back along the chain of owners' names, and by the owner's
 * name, each saying how it is known to be the parcel's.
 *
 * The two endpoints describe a document with different types (a number or
 * a string for recordingNumber, a string or a list for names); the readers
 * below take either and turn them into one struct pdc_recorder_doc, so the
 * rest of the file never sees the difference.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

/*
 * recordingSuffix into DOC: letters and digits, trimmed, "" for none.
 * Absent or null says nothing (a detail has none).
 */
static int
suffix(const cJSON *it, const char *what, const char *field, struct pdc_recorder_doc *doc,
    struct pdc_err *err)
{
	const char *s;
	size_t n;

	if (absent(it))
		return 0;
	if (!cJSON_IsString(it))
		return bad_value(err, what, field, it, "is not text");
	s = it->valuestring;
	n = strlen(s);
	pdc_util_trim(&s, &n);
	if (n >= sizeof(doc->suffix))
		return bad_value(err, what, field, it, "is not a recording suffix");
	for (size_t i = 0; i < n; i++)
		if (!pdc_util_is_digit(s[i]) && !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= 'a' && s[i] <= 'z'))
			return bad_value(err, what, field, it, "is not a recording suffix");
	memcpy(doc->suffix, s, n);
	doc->suffix[n] = '\0';
	doc->suffix_said = true;
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
	    &doc->restricted, err) == -1 ||
	    suffix(cJSON_GetObjectItemCaseSensitive(root, "recordingSuffix"), what,
	    "recordingSuffix", doc, err) == -1)
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
	snprintf(name, sizeof(name), "%s.recordingSuffix", field);
	if (suffix(cJSON_GetObjectItemCaseSensitive(o, "recordingSuffix"), what, name, doc,
	    err) == -1)
		goto fail;
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
	return pdc_recorder_search_window(owner, NULL, NULL, page, path);
}

int
pdc_recorder_search_window(const char *owner, const char *begin, const char *end, int page,
    char **path)
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
	/* dates are ISO, digits and dashes: nothing to encode, bounded here */
	if (begin == NULL || end == NULL || strlen(begin) != 10 || strlen(end) != 10)
		begin = end = "";
	len = strlen("/documents/search?lastNames=&firstNames=&middleNameIs=&businessNames="
	    "&documentCode=&beginDate=&endDate=&pageSize=&pageNumber=") + 32 + 20 +
	    (last ? strlen(last) : 0) + (first ? strlen(first) : 0) +
	    (business ? strlen(business) : 0);
	if ((*path = malloc(len)) == NULL)
		goto out;
	snprintf(*path, len, "/documents/search?lastNames=%s&firstNames=%s&middleNameIs="
	    "&businessNames=%s&documentCode=&beginDate=%s&endDate=%s&pageSize=%d&pageNumber=%d",
	    last ? last : "", first ? first : "", business ? business : "", begin, end,
	    PAGE_SIZE, page);
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

/*
 * How pdc knows a stored deed is the parcel's (the sales table's basis).
 * The recorder has no parcel filter, so only the assessor's latest deed is
 * known to be the parcel's; an earlier deed is the parcel's when the chain
 * of owners' names leads to it (see chain() below); any other deed found
 * under an owner's name is a candidate, kept apart.
 */
enum basis { B_DEED, B_CHAIN, B_CANDIDATE };

static const char *const basis_names[] = { "deed", "chain", "candidate" };

#define MAX_NAMES	12	/* names searched for one parcel: the owner's, then the chain's */
#define MAX_CANDIDATES	12	/* more deeds than this under the owner's name: a builder's, an investor's */
#define NEWS_DAYS	365	/* a deed this long after the assessor's latest may be news to it */
#define MAX_CHAIN	8	/* owners followed back from the latest deed */
#define MAX_WINDOWS	48	/* date windows asked for one name */
#define NAME_MAX_LEN	128	/* a name's key, with its NUL */
#define NAMES_PER_DEED	12	/* names of one deed compared in the chain */
#define FIRST_DAY	"1850-01-01"	/* before the county's oldest recorded document */
#define LAST_DAY	"2999-12-31"	/* after its newest */
#define MATCHED_MAX	256	/* what matched, as stored, with its NUL */

/* A deed found: each once, by recording number. */
struct sale {
	struct pdc_recorder_doc doc;	/* its codes only while they are to be judged */
	bool detailed;		/* read from its own detail, or asked and not there */
	bool judge;		/* found on a row coded with '+': a deed only if its detail says */
	bool drop;		/* not a deed after all: not stored */
	bool candidate;		/* a candidate kept (see candidates()) */
	bool before_prev;	/* one of the deeds that may have brought a previous owner the parcel */
	enum basis basis;
	unsigned under;		/* the names (walk.searched bits) it was found under */
	unsigned near;		/* ... and those it was found under as NAME ETAL, NAME TR... */
	char *matched;		/* what was searched and what matched, once it is said: a
				   bank's name finds hundreds of deeds, and only the few
				   stored need the words (a candidate found under the
				   owner's name gets them in candidates()); NULL before */
};

/* One parcel's walk through the recorder. */
struct walk {
	struct pdc_source_ctx *ctx;
	struct sale *v;
	size_t n, cap;
	char searched[MAX_NAMES][NAME_MAX_LEN];	/* name keys searched, in order */
	char role[MAX_NAMES][96];		/* what each name was to the parcel */
	int nsearched;
	int deed;		/* the latest deed's index in V, -1 when none is known */
	char partial[512];	/* why the sales part is incomplete; "" when it is not */
	char today[11];
};

static void
walk_release(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++) {
		pdc_recorder_doc_release(&w->v[i].doc);
		free(w->v[i].matched);
	}
	free(w->v);
	w->v = NULL;
	w->n = w->cap = 0;
}

/*
 * The sale in W that is document NUMBER with suffix SUFFIX (NULL: not
 * said), or -1.  A document is its number and its suffix: 20000784158 and
 * 20000784158 A are two.  One whose suffix was not said (a detail, asked
 * for by number) is the one of its number the search lists first.
 */
static int
walk_find(const struct walk *w, const char *number, const char *sfx)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct pdc_recorder_doc *d = &w->v[i].doc;

		if (same_number(d->number, number) &&
		    (sfx == NULL || !d->suffix_said || strcmp(d->suffix, sfx) == 0))
			return (int)i;
	}
	return -1;
}

/* Move DOC (zeroed after) into W; the new sale, or NULL when out of memory. */
static struct sale *
walk_add(struct walk *w, struct pdc_recorder_doc *doc)
{
	struct sale *s;

	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 8;
		struct sale *p = reallocarray(w->v, ncap, sizeof(*p));

		if (p == NULL)
			return NULL;
		w->v = p;
		w->cap = ncap;
	}
	s = &w->v[w->n++];
	memset(s, 0, sizeof(*s));
	s->doc = *doc;
	s->basis = B_CANDIDATE;
	memset(doc, 0, sizeof(*doc));
	doc->restricted = -1;
	return s;
}

/*
 * Say what matched S: FMT (a printf format) and its arguments, cut at
 * MATCHED_MAX as ever, replacing what was said.  0, or -1 when out of
 * memory (S unchanged).
 */
static int __attribute__((format(printf, 2, 3)))
say(struct sale *s, const char *fmt, ...)
{
	char buf[MATCHED_MAX], *m;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((m = strdup(buf)) == NULL)
		return -1;
	free(s->matched);
	s->matched = m;
	return 0;
}

/* Add REASON to W's partial reasons, "; " between, once each. */
static void
walk_partial(struct walk *w, const char *reason)
{
	if (strstr(w->partial, reason) != NULL)
		return;
	if (w->partial[0] != '\0')
		strlcat(w->partial, "; ", sizeof(w->partial));
	strlcat(w->partial, reason, sizeof(w->partial));
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
	if (!into->suffix_said && from->suffix_said) {
		memcpy(into->suffix, from->suffix, sizeof(into->suffix));
		into->suffix_said = true;
	}
	pdc_recorder_doc_release(from);
}


/* A name as compared: upper case, blanks as one, none at the ends ("" when too long). */
static void
name_key(const char *name, char out[NAME_MAX_LEN])
{
	code_key(name, out, NAME_MAX_LEN);
}

/*
 * The names of a JSON list text (a document's names) as keys into OUT, at
 * most MAX; returns how many.
 */
static int
list_keys(const char *json, char out[][NAME_MAX_LEN], int max)
{
	cJSON *list = json != NULL ? cJSON_Parse(json) : NULL;
	const cJSON *it;
	int n = 0;

	cJSON_ArrayForEach(it, list) {
		if (n >= max)
			break;
		if (!cJSON_IsString(it))
			continue;
		name_key(it->valuestring, out[n]);
		if (out[n][0] != '\0')
			n++;
	}
	cJSON_Delete(list);
	return n;
}

static bool
has_key(char keys[][NAME_MAX_LEN], int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

/*
 * The people (or the business) an assessor's owner names, as a document
 * lists them: "DOE JANE A & JOHN B" is DOE JANE A and DOE JOHN B (after an
 * '&' the surname is the first one's unless the part starts with it),
 * "DOE JANE/ROE RICHARD" two people; a business is its whole name.
 * Returns how many, at most MAX, into OUT as keys.
 */
static int
owner_keys(const char *owner, char out[][NAME_MAX_LEN], int max)
{
	char surname[NAME_MAX_LEN] = "", seg[NAME_MAX_LEN], buf[2 * NAME_MAX_LEN];
	const char *p = owner;
	char sep = '\0';
	int n = 0;

	if (max <= 0)
		return 0;
	if (is_business(owner)) {
		name_key(owner, out[0]);
		return out[0][0] != '\0';
	}
	while (*p != '\0' && n < max) {
		size_t len = strcspn(p, "&/"), sl = strlen(surname);
		char *part = strndup(p, len);

		if (part == NULL)
			return n;
		name_key(part, seg);
		free(part);
		if (seg[0] != '\0') {
			if (n == 0) {
				snprintf(surname, sizeof(surname), "%.*s", (int)strcspn(seg, " "), seg);
				sl = strlen(surname);
				strlcpy(out[n++], seg, NAME_MAX_LEN);
			} else if (sep == '&' && !(strncmp(seg, surname, sl) == 0 &&
			    (seg[sl] == ' ' || seg[sl] == '\0'))) {
				snprintf(buf, sizeof(buf), "%s %s", surname, seg);
				name_key(buf, out[n]);
				if (out[n][0] != '\0')
					n++;
			} else
				strlcpy(out[n++], seg, NAME_MAX_LEN);
		}
		p += len;
		if (*p != '\0')
			sep = *p++;
	}
	return n;
}

/* A day number of the ISO date S (days from 1970-01-01), or LONG_MIN. */
static long
day_of(const char *s)
{
	long y, m, d, era, yoe, doy, doe;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return LONG_MIN;
	y = strtol(s, NULL, 10);
	m = strtol(s + 5, NULL, 10);
	d = strtol(s + 8, NULL, 10);
	/* H. Hinnant's days_from_civil */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Day number Z as an ISO date into OUT. */
static void
date_of(long z, char out[11])
{
	long era, doe, yoe, y, doy, mp, d, m;
	char buf[64];

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(buf, sizeof(buf), "%04ld-%02ld-%02ld", y, m, d);
	strlcpy(out, buf, 11);
}

/* CODE without a trailing '+' (and the blanks before it) into OUT; whether there was one. */
static bool
code_stem(const char *code, char *out, size_t size)
{
	size_t n = strlen(code);
	bool plus;

	while (n > 0 && pdc_util_is_blank(code[n - 1]))
		n--;
	plus = n > 0 && code[n - 1] == '+';
	if (plus)
		n--;
	while (n > 0 && pdc_util_is_blank(code[n - 1]))
		n--;
	snprintf(out, size, "%.*s", (int)n, code);
	return plus;
}

/* Whether any code of the JSON list CODES (a detail's documentCodes) is a deed's. */
static bool
codes_have_deed(const char *codes)
{
	cJSON *list = codes != NULL ? cJSON_Parse(codes) : NULL;
	const cJSON *it;
	bool deed = false;

	cJSON_ArrayForEach(it, list) {
		char stem[64];

		if (!cJSON_IsString(it))
			continue;
		code_stem(it->valuestring, stem, sizeof(stem));
		if (pdc_recorder_is_deed(stem))
			deed = true;
	}
	cJSON_Delete(list);
	return deed;
}

static bool doc_before(const struct pdc_recorder_doc *, const struct pdc_recorder_doc *);
static long day_of(const char *);

/*
 * Whether row D, found under name BY and not yet in W, can matter to
 * nothing that follows, so need not be kept: the chain reads only deeds
 * recorded before the latest deed (and before each deed it leads to, every
 * one earlier than that), and a candidate is found under the owner's name
 * (searched first) no later than NEWS_DAYS after the latest deed
 * (candidates()).  A bank's name finds hundreds of deeds, most of them
 * other parcels' and many later than this one's latest.
 */
static bool
beyond(const struct walk *w, int by, const struct pdc_recorder_doc *d)
{
	const struct pdc_recorder_doc *deed;
	long day, last;

	if (w->deed < 0)
		return false;	/* no latest deed: every row under the owner's name may be one */
	deed = &w->v[w->deed].doc;
	if (doc_before(d, deed))
		return false;
	if (by != 0)
		return true;
	day = day_of(d->date);
	last = day_of(deed->date);
	return day != LONG_MIN && last != LONG_MIN && day > last + NEWS_DAYS;
}

/*
 * The rows of one search page under name KEY (index BY of the names
 * searched) into W: a row is kept when its code is a deed's, or carries a
 * '+' (more codes, judged by the detail), and its name is exactly KEY, or
 * KEY and more ("DOE JANE A ETAL", "DOE JANE A TR"): the same people, or
 * others of the same name; the chain counts those.
 */
static int
keep_rows(struct walk *w, int by, struct pdc_recorder_doc *docs, size_t n, struct pdc_err *err)
{
	const char *key = w->searched[by];
	size_t kl = strlen(key);

	for (size_t i = 0; i < n; i++) {
		char rowname[1][NAME_MAX_LEN], stem[64];
		struct sale *s;
		bool plus, exact;
		int at;

		if (docs[i].code == NULL || list_keys(docs[i].names, rowname, 1) != 1)
			continue;
		exact = strcmp(rowname[0], key) == 0;
		if (!exact && !(strncmp(rowname[0], key, kl) == 0 && rowname[0][kl] == ' '))
			continue;
		plus = code_stem(docs[i].code, stem, sizeof(stem));
		if (!plus && !pdc_recorder_is_deed(stem))
			continue;
		if ((at = walk_find(w, docs[i].number, docs[i].suffix_said ? docs[i].suffix :
		    NULL)) >= 0) {
			s = &w->v[at];
			if (!s->doc.suffix_said && docs[i].suffix_said) {
				memcpy(s->doc.suffix, docs[i].suffix, sizeof(s->doc.suffix));
				s->doc.suffix_said = true;
			}
		} else if (beyond(w, by, &docs[i]))
			continue;
		else if ((s = walk_add(w, &docs[i])) == NULL)
			return nomem(err);
		else if (!(s->judge = plus)) {
			/* only a '+' row's codes are read (detail_one()): the code says the rest */
			free(s->doc.codes);
			s->doc.codes = NULL;
		}
		if (!exact) {
			s->near |= 1u << by;
			continue;
		}
		/* the first name it is found under says what matched (found_under()) */
		s->under |= 1u << by;
	}
	return 0;
}

/* A date window of a name search; both "" for no dates. */
struct window {
	char begin[11], end[11];
};

/*
 * Split window *IN in two halves at OUT[0] and OUT[1]; false when it is one
 * day and cannot be.  A window without dates runs from FIRST_DAY to
 * LAST_DAY; it is halved at the middle of the days up to today, so that the
 * newest documents, whatever the clocks say, stay in the later half.
 */
static bool
split(const struct walk *w, const struct window *in, struct window out[2])
{
	long lo = day_of(in->begin[0] != '\0' ? in->begin : FIRST_DAY);
	long hi = day_of(in->end[0] != '\0' ? in->end : LAST_DAY), now = day_of(w->today);
	long cap = hi, mid;

	if (lo == LONG_MIN || hi == LONG_MIN || now == LONG_MIN || hi <= lo)
		return false;
	if (cap > now)
		cap = now > lo ? now : lo + 365;
	if (cap > hi)
		cap = hi;
	mid = lo + (cap - lo) / 2;
	date_of(lo, out[0].begin);
	date_of(mid, out[0].end);
	date_of(mid + 1, out[1].begin);
	date_of(hi, out[1].end);
	return true;
}

/*
 * Search the recorder for NAME (its ROLE said in what matched) and keep its
 * deeds in W; *IDX is its index in W's names searched (-1: none).  The search answers at most 501 documents and says 501 for
 * "501 or more", the newest missing: such an answer is asked again in two
 * date windows, halved until each answers fewer.  A one-day window still
 * full, more windows than MAX_WINDOWS, or a window the county refuses (400;
 * the rows already read stay) leaves the part partial: "more than 501
 * documents under NAME".
 */
static int
search_name(struct walk *w, const char *name, const char *role, int *idx, struct pdc_err *err)
{
	struct window todo[MAX_WINDOWS + 2];
	char key[NAME_MAX_LEN], reason[NAME_MAX_LEN + 128];
	int ntodo = 1, asked = 0, by;

	*idx = -1;
	name_key(name, key);
	if (key[0] == '\0')
		return 0;
	for (int i = 0; i < w->nsearched; i++)
		if (strcmp(w->searched[i], key) == 0) {
			*idx = i;
			return 0;
		}
	if (w->nsearched >= MAX_NAMES)
		return 0;
	*idx = by = w->nsearched++;
	strlcpy(w->searched[by], key, sizeof(w->searched[by]));
	strlcpy(w->role[by], role, sizeof(w->role[by]));
	snprintf(reason, sizeof(reason), "more than 501 documents under %s", key);
	memset(&todo[0], 0, sizeof(todo[0]));
	while (ntodo > 0) {
		struct window win = todo[--ntodo];
		long seen = 0;

		asked++;
		for (int page = 1; page <= MAX_PAGES; page++) {
			struct pdc_recorder_doc *docs = NULL;
			struct pdc_response res;
			size_t n = 0;
			long total = -1;
			char *path, rkey[48];
			int rc;

			if (pdc_recorder_search_window(key, win.begin, win.end, page, &path) == -1)
				return nomem(err);
			if (path == NULL)
				return 0;	/* nothing to search by */
			/* keys by order, not by date: a re-parse on another day asks the same */
			if (asked == 1)
				snprintf(rkey, sizeof(rkey), "search/%d/%d", by + 1, page);
			else
				snprintf(rkey, sizeof(rkey), "search/%d/w%d/%d", by + 1, asked, page);
			rc = recorder_get(w->ctx, path, rkey, false, &res, err);
			free(path);
			if (rc == -1 && res.status == 400 && win.begin[0] != '\0') {
				/* refused: this window's documents stay unread */
				pdc_response_release(&res);
				walk_partial(w, reason);
				snprintf(reason, sizeof(reason), "the county refused a date window "
				    "of the search under %s (HTTP 400)", key);
				walk_partial(w, reason);
				snprintf(reason, sizeof(reason), "more than 501 documents under %s", key);
				break;
			}
			if (rc == 0)
				rc = pdc_recorder_parse_search(res.body, res.len, page, &docs, &n,
				    &total, err);
			pdc_response_release(&res);
			if (rc == -1)
				return -1;
			/* what came is kept, even from a page the windows will read again */
			rc = keep_rows(w, by, docs, n, err);
			pdc_recorder_docs_free(docs, n);
			if (rc == -1)
				return -1;
			if (page == 1 && total >= 501) {
				/* the newest are missing: read the halves instead */
				if (asked + ntodo + 2 <= MAX_WINDOWS && split(w, &win, &todo[ntodo])) {
					ntodo += 2;
					break;
				}
				walk_partial(w, reason);
			}
			seen += (long)n;
			/* without a total, a short page is the last */
			if (n == 0 || (total >= 0 && seen >= total) || (total < 0 && n < PAGE_SIZE))
				break;
		}
	}
	return 0;
}

/*
 * Read the detail of sale S: the detail's names, codes, date and
 * restriction win.  A row found with a '+' stays only when its detail lists
 * a deed's code among its codes.
 */
static int
detail_one(struct walk *w, struct sale *s, struct pdc_err *err)
{
	struct pdc_recorder_doc doc;
	char stem[64];
	int rc;

	if (s->detailed || s->drop)
		return 0;
	s->detailed = true;
	if ((rc = detail(w->ctx, s->doc.number, &doc, err)) == -1)
		return -1;
	/*
	 * The detail is asked for by number alone and names no suffix.  For a
	 * suffixed document, one of its number and day is taken as its own; one
	 * of another day is another document's: the search's row stands, and
	 * what only a detail says (all the names, the restriction) is unknown.
	 */
	if (rc == 0 && s->doc.suffix[0] != '\0' && doc.date[0] != '\0' &&
	    s->doc.date[0] != '\0' && strcmp(doc.date, s->doc.date) != 0) {
		char reason[PDC_RECNO_MAX + PDC_SUFFIX_MAX + 96];

		snprintf(reason, sizeof(reason), "document %s suffix %s: the detail of its number "
		    "is of another day", s->doc.number, s->doc.suffix);
		walk_partial(w, reason);
		pdc_recorder_doc_release(&doc);
		rc = 1;
	}
	if (rc == 0)
		merge(&s->doc, &doc);
	else if (s->judge) {
		s->drop = true;	/* no detail to say what it is */
		return 0;
	}
	if (s->judge && !codes_have_deed(s->doc.codes))
		s->drop = true;
	/* a code as the search gave it keeps its '+': the first code is stored */
	if (s->doc.code != NULL && code_stem(s->doc.code, stem, sizeof(stem))) {
		char *c = strdup(stem);

		if (c == NULL)
			return nomem(err);
		free(s->doc.code);
		s->doc.code = c;
	}
	return 0;
}

/* Whether document A was recorded before document B: by date, then by number. */
static bool
doc_before(const struct pdc_recorder_doc *a, const struct pdc_recorder_doc *b)
{
	int c;

	if (a->date[0] == '\0' || b->date[0] == '\0')
		return false;
	if ((c = strcmp(a->date, b->date)) != 0)
		return c < 0;
	return strlen(significant(a->number)) < strlen(significant(b->number)) ||
	    (strlen(significant(a->number)) == strlen(significant(b->number)) &&
	    strcmp(significant(a->number), significant(b->number)) < 0);
}

/* Whether sale A was recorded before sale B. */
static bool
before(const struct sale *a, const struct sale *b)
{
	return doc_before(&a->doc, &b->doc);
}

/*
 * How many of the N names KEYS (searched as IDX, -1 for not searched) sale
 * S names: its detail's names, or those it was found under.  With NEAR,
 * a row under one of them and more ("DOE JANE A ETAL") counts too.
 */
static int
names_of(const struct sale *s, char keys[][NAME_MAX_LEN], const int *idx, int n, bool near)
{
	char sn[NAMES_PER_DEED][NAME_MAX_LEN];
	int nsn = list_keys(s->doc.names, sn, NAMES_PER_DEED), count = 0;

	for (int k = 0; k < n; k++) {
		unsigned bit = idx[k] >= 0 ? 1u << idx[k] : 0;

		count += has_key(sn, nsn, keys[k]) || (s->under & bit) != 0 ||
		    (near && (s->near & bit) != 0);
	}
	return count;
}

/* Whether KEY ends in the word ETAL: a name for several people, each named apart elsewhere. */
static bool
etal(const char *key)
{
	size_t n = strlen(key);

	return n >= 5 && strcmp(key + n - 5, " ETAL") == 0;
}

/*
 * Follow the parcel's owners back from its latest deed AT (index in W),
 * whose grantees are the assessor's owner OWNER.  A deed's names are its
 * grantors' and its grantees'; the grantees are the parcel's owners from
 * then on, so the names of AT that are not its owners' are the previous
 * owners'.  Their deed of the parcel is an earlier deed that names them all.
 * It is taken as the parcel's only when it is the one deed under any of
 * their names recorded before AT, counting the names that begin with
 * theirs (DOE JANE A ETAL, DOE JANE A TR): a previous owner with another
 * deed before it may have bought or sold another parcel then, or held this
 * one under another form of the name, and nothing tells which.  A previous
 * owner named NAME ETAL stops the chain: the people behind it are named
 * one by one on other deeds.  Then the same from that deed, up to MAX_CHAIN
 * owners back.  The search rows' dates say which deeds came before AT, so
 * only the one deed (and any row coded with '+', to judge it) is read in
 * detail.
 */
static int
chain(struct walk *w, int at, const char *owner, struct pdc_err *err)
{
	char cur[NAMES_PER_DEED][NAME_MAX_LEN], names[NAMES_PER_DEED][NAME_MAX_LEN];
	char prev[NAMES_PER_DEED][NAME_MAX_LEN];
	int ncur = owner_keys(owner, cur, NAMES_PER_DEED), idx[NAMES_PER_DEED];
	unsigned curbits = 0;	/* the owners' searches: rows under NAME ETAL... of theirs count too */

	for (int k = 0; k < ncur; k++)
		for (int i = 0; i < w->nsearched; i++)
			if (strcmp(w->searched[i], cur[k]) == 0)
				curbits |= 1u << i;

	for (int step = 0; step < MAX_CHAIN && at >= 0; step++) {
		char role[96];
		int nnames = list_keys(w->v[at].doc.names, names, NAMES_PER_DEED), nprev = 0;
		int found = -1, all = 0, near = 0, owners = 0;
		bool group = false;

		for (int i = 0; i < nnames; i++) {
			if (has_key(cur, ncur, names[i]))
				owners++;
			else if (!has_key(prev, nprev, names[i])) {
				group |= etal(names[i]);
				strlcpy(prev[nprev++], names[i], NAME_MAX_LEN);
			}
		}
		/* a deed that does not name its owners, or no one else, says no more */
		if (nprev == 0 || owners == 0 || group)
			break;
		snprintf(role, sizeof(role), "a previous owner, on %s", w->v[at].doc.number);
		for (int i = 0; i < nprev; i++)
			if (search_name(w, prev[i], role, &idx[i], err) == -1)
				return -1;
		/* a row coded with '+' is a deed only if its detail says so */
		for (size_t i = 0; i < w->n; i++) {
			struct sale *s = &w->v[i];

			if (s->judge && !s->detailed && before(s, &w->v[at]) &&
			    names_of(s, prev, idx, nprev, false) > 0 && detail_one(w, s, err) == -1)
				return -1;
		}
		for (size_t i = 0; i < w->n; i++) {
			struct sale *s = &w->v[i];

			if (s->drop || (int)i == at || s->basis != B_CANDIDATE || !before(s, &w->v[at]))
				continue;
			if (names_of(s, prev, idx, nprev, false) == nprev) {
				all++;
				found = (int)i;
			} else if (names_of(s, prev, idx, nprev, false) == 0 &&
			    (names_of(s, prev, idx, nprev, true) > 0 || (s->near & curbits) != 0))
				near++;
		}
		if (all != 1 || near != 0) {
			/* one of these is likely how they came to own it: candidates */
			for (size_t i = 0; all <= MAX_CANDIDATES && i < w->n; i++) {
				struct sale *s = &w->v[i];

				if (s->drop || (int)i == at || s->basis != B_CANDIDATE ||
				    !before(s, &w->v[at]) || names_of(s, prev, idx, nprev, false) != nprev)
					continue;
				s->before_prev = true;
				if (say(s, "found under \"%s\" (%s): one of %d deeds before it naming "
				    "its previous owners", prev[0], role, all) == -1)
					return nomem(err);
			}
			break;
		}
		if (detail_one(w, &w->v[found], err) == -1)
			return -1;
		if (w->v[found].drop || names_of(&w->v[found], prev, idx, nprev, false) != nprev ||
		    !before(&w->v[found], &w->v[at]))
			break;
		w->v[found].basis = B_CHAIN;
		if (say(&w->v[found], "chain: the only deed before %s naming its previous owners "
		    "(%s%s)", w->v[at].doc.number, prev[0], nprev > 1 ? " and others" : "") == -1)
			return nomem(err);
		memcpy(cur, prev, sizeof(prev[0]) * (size_t)nprev);
		ncur = nprev;
		curbits = 0;
		for (int k = 0; k < nprev; k++)
			if (idx[k] >= 0)
				curbits |= 1u << idx[k];
		at = found;
	}
	return 0;
}

/*
 * Newest first: a longer number is a later one, then the digits decide;
 * of one number, the document without a suffix first, then by suffix.
 */
static int
by_number_desc(const void *a, const void *b)
{
	const struct pdc_recorder_doc *da = &((const struct sale *)a)->doc;
	const struct pdc_recorder_doc *db = &((const struct sale *)b)->doc;
	const char *x = significant(da->number), *y = significant(db->number);
	size_t lx = strlen(x), ly = strlen(y);
	int c;

	if (lx != ly)
		return lx < ly ? 1 : -1;
	if ((c = strcmp(x, y)) != 0)
		return -c;
	return strcmp(da->suffix, db->suffix);
}

static int
add_sale(struct pdc_record *rec, const struct sale *s, const char *price, struct pdc_err *err)
{
	const struct pdc_recorder_doc *doc = &s->doc;
	struct pdc_row *row = pdc_record_add(rec, &pdc_tbl_sales);

	if (row == NULL ||
	    pdc_row_set(row, "recording_number", doc->number) == -1 ||
	    pdc_row_set(row, "recording_date", doc->date[0] ? doc->date : NULL) == -1 ||
	    pdc_row_set(row, "document_code", doc->code) == -1 ||
	    pdc_row_set(row, "names", doc->names) == -1 ||
	    pdc_row_set(row, "sale_price", price) == -1 ||
	    pdc_row_set(row, "restricted", doc->restricted < 0 ? NULL :
	    doc->restricted ? "t" : "f") == -1 ||
	    pdc_row_set(row, "source", "recorder") == -1 ||
	    pdc_row_set(row, "basis", basis_names[s->basis]) == -1 ||
	    pdc_row_set(row, "matched", s->matched != NULL ? s->matched : "") == -1 ||
	    pdc_row_set(row, "recording_suffix", doc->suffix_said ? doc->suffix : NULL) == -1)
		return nomem(err);
	return 0;
}

/*
 * Say what matched candidate S, if nothing has yet: the first name it was
 * found under (names are searched in order, so its lowest bit) and what
 * that name was to the parcel; with AFTER, that it came after the
 * assessor's latest deed.  0, or -1 when out of memory.
 */
static int
found_under(const struct walk *w, struct sale *s, bool after)
{
	const char *later = after ? ", recorded after the assessor's latest deed" : "";
	int by;

	if (s->matched == NULL) {
		if (s->under == 0)
			return say(s, "%s", later);
		for (by = 0; !(s->under & 1u << by); by++)
			;
		return say(s, "found under \"%s\" (%s)%s", w->searched[by], w->role[by], later);
	}
	if (!after)
		return 0;
	return say(s, "%s%s", s->matched, later);
}

/*
 * Which deeds found under the owner's name (searched first) are kept as
 * candidates, read in detail: those the chain did not take, recorded
 * before the latest deed AT (-1: none known) or up to NEWS_DAYS after it
 * (news the assessor may not have had yet; later ones are other parcels'),
 * and only when there are at most MAX_CANDIDATES: an owner with more deeds
 * than that is a builder or an investor, and each is far likelier another
 * parcel's.  Deeds found only under a previous owner's name are that
 * owner's other business, never kept.
 */
static int
candidates(struct walk *w, int at, struct pdc_err *err)
{
	long last = at >= 0 ? day_of(w->v[at].doc.date) : LONG_MIN;
	int n = 0;

	for (size_t i = 0; i < w->n; i++) {
		struct sale *s = &w->v[i];
		long d = day_of(s->doc.date);

		s->candidate = s->basis == B_CANDIDATE && !s->drop && (s->under & 1u) != 0 &&
		    (last == LONG_MIN || d == LONG_MIN || d <= last + NEWS_DAYS);
		n += s->candidate;
	}
	for (size_t i = 0; i < w->n; i++) {
		struct sale *s = &w->v[i];

		if (n > MAX_CANDIDATES)
			s->candidate = false;
		if (s->before_prev && s->basis == B_CANDIDATE)
			s->candidate = true;
		if (!s->candidate)
			continue;
		if (detail_one(w, s, err) == -1)
			return -1;
		s->candidate = !s->drop;
		if (s->candidate && found_under(w, s, at >= 0 && before(&w->v[at], s)) == -1)
			return nomem(err);
	}
	return 0;
}

static void
today(char out[11])
{
	date_of((long)(time(NULL) / 86400), out);
}

/*
 * The parcel's deeds into REC: the latest deed DEED (certain), the deeds
 * the chain of owners leads to, and the candidates (candidates() says
 * which).  PRICE goes on the latest deed.  Why the part is incomplete, if
 * it is, goes to PARTIAL.
 */
static int
collect_deeds(struct pdc_source_ctx *ctx, const char *deed, const char *deed_sfx,
    const char *owner, const char *price, struct pdc_record *rec, char *partial,
    size_t partial_size, struct pdc_err *err)
{
	struct pdc_recorder_doc doc;
	struct walk w;
	int at = -1, rc = -1;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.deed = -1;
	today(w.today);
	/* the latest deed is the parcel's whatever its code says */
	if (deed != NULL) {
		switch (detail(ctx, deed, &doc, err)) {
		case -1:
			goto out;
		case 1:
			snprintf(w.partial, sizeof(w.partial),
			    "the latest deed %s is not at the recorder", deed);
			break;
		default: {
			struct sale *s = walk_add(&w, &doc);

			if (s == NULL) {
				pdc_recorder_doc_release(&doc);
				goto oom;
			}
			s->detailed = true;
			s->basis = B_DEED;
			if (say(s, "Owner.MostCurrentDeed") == -1)
				goto oom;
			/* its suffix is the one the assessor's link to it gives */
			if (deed_sfx != NULL) {
				strlcpy(s->doc.suffix, deed_sfx, sizeof(s->doc.suffix));
				s->doc.suffix_said = true;
			}
			at = w.deed = 0;
		}
		}
	}
	if (owner != NULL) {
		char keys[NAMES_PER_DEED][NAME_MAX_LEN];
		int nk = owner_keys(owner, keys, NAMES_PER_DEED), idx;

		/* the owner's first name, as the assessor puts the owner first */
		if (nk > 0 && search_name(&w, keys[0], "the owner", &idx, err) == -1)
			goto out;
		if (at >= 0 && chain(&w, at, owner, err) == -1)
			goto out;
	}
	if (candidates(&w, at, err) == -1)
		goto out;
	if (deed != NULL && at < 0) {
		/* the search may have found it: it is still the parcel's */
		int i = walk_find(&w, deed, deed_sfx);

		if (i >= 0 && !w.v[i].drop) {
			w.v[i].basis = B_DEED;
			if (say(&w.v[i], "Owner.MostCurrentDeed") == -1)
				goto oom;
		}
	}

	if (w.n > 1)
		qsort(w.v, w.n, sizeof(*w.v), by_number_desc);
	pdc_record_carry(rec, &pdc_tbl_sales);
	for (size_t i = 0; i < w.n; i++) {
		const struct sale *s = &w.v[i];

		bool twin = false;

		if (s->drop || (s->basis == B_CANDIDATE && !s->candidate))
			continue;
		/* the store keys a sale by its number: a second document of it waits */
		for (size_t k = 0; k < i && !twin; k++)
			twin = !w.v[k].drop && (w.v[k].basis != B_CANDIDATE || w.v[k].candidate) &&
			    same_number(w.v[k].doc.number, s->doc.number);
		if (twin) {
			char reason[PDC_RECNO_MAX + PDC_SUFFIX_MAX + 96];

			snprintf(reason, sizeof(reason), "document %s suffix \"%s\" shares its number "
			    "with another, which is stored", s->doc.number, s->doc.suffix);
			walk_partial(&w, reason);
			continue;
		}
		if (add_sale(rec, s, s->basis == B_DEED ? price : NULL, err) == -1)
			goto out;
	}
	strlcpy(partial, w.partial, partial_size);
	rc = 0;
	goto out;
oom:
	nomem(err);
out:
	walk_release(&w);
	return rc;
}

static int
recorder_collect(struct pdc_source_ctx *ctx, const char *apn, struct pdc_record *rec,
    struct pdc_err *err)
{
	const struct pdc_row *prop = pdc_record_find(rec, &pdc_tbl_properties);
	const char *deed_in, *owner;
	char deed[PDC_RECNO_MAX] = "", *price = NULL, *own = NULL, shown[72], partial[640] = "";
	char walked[512] = "", sfx[PDC_SUFFIX_MAX];
	const char *sfx_in, *sfx_p = NULL;
	struct pdc_util_mark mark;
	int rc;

	(void)apn;	/* the assessor's row says all the recorder needs */
	deed_in = prop != NULL ? pdc_row_get(prop, "deed_number") : NULL;
	owner = prop != NULL ? pdc_row_get(prop, "owner_name") : NULL;
	if (deed_in == NULL && owner == NULL)
		return pdc_err_set(err, PDC_E_PERMANENT, "recorder: no owner or deed from the assessor");
	/*
	 * A latest deed that is no recording number ("0", letters, dashes) names
	 * no document: the assessor did not say which deed is current.  None is
	 * asked for (there is no document 0); the name search still runs, and
	 * the part says why it has no certain deed.
	 */
	if (deed_in != NULL && (recno_text(deed_in, strlen(deed_in), deed) != 0 ||
	    deed[strspn(deed, "0123456789")] != '\0' || strspn(deed, "0") == strlen(deed))) {
		deed[0] = '\0';
		pdc_util_printable(deed_in, strlen(deed_in), shown, sizeof(shown));
		snprintf(partial, sizeof(partial), "the assessor's latest deed (Owner.MostCurrentDeed "
		    "\"%s\") is no recording number: none is certain", shown);
	}
	/* a suffix as the store may hold it: letters and digits, or none known */
	if (prop != NULL && (sfx_in = pdc_row_get(prop, "deed_suffix")) != NULL &&
	    strlen(sfx_in) < sizeof(sfx) && strspn(sfx_in, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789") == strlen(sfx_in)) {
		memcpy(sfx, sfx_in, strlen(sfx_in) + 1);
		sfx_p = sfx;
	}
	/* the row moves when the record grows: copy what is needed from it */
	if (prop != NULL && pdc_row_get(prop, "sale_price") != NULL &&
	    (price = strdup(pdc_row_get(prop, "sale_price"))) == NULL)
		return nomem(err);
	if (owner != NULL && (own = strdup(owner)) == NULL) {
		free(price);
		return nomem(err);
	}
	pdc_util_mark(rec, &mark);
	rc = collect_deeds(ctx, deed[0] != '\0' ? deed : NULL, deed[0] != '\0' ? sfx_p : NULL, own,
	    price, rec, walked, sizeof(walked), err);
	if (walked[0] != '\0') {
		if (partial[0] != '\0')
			strlcat(partial, "; ", sizeof(partial));
		strlcat(partial, walked, sizeof(partial));
	}
	free(own);
	free(price);
	if (rc == -1) {
		pdc_util_rollback(rec, &mark);
		return -1;
	}
	rec->parts |= PDC_PART_SALES;
	if (partial[0] != '\0' && pdc_record_partial(rec, PDC_PART_SALES, "%s", partial) == -1)
		return nomem(err);
	return 0;
}

const struct pdc_source pdc_source_recorder = {
	.name = "recorder",
	.base_url = "https://publicapi.recorder.maricopa.gov",
	.requests_per_second = 2,
	.token_env = NULL,
	.parts = PDC_PART_SALES,
	.apart = false,
	.collect = recorder_collect,
	.settled = (const char *const []){ "document/", NULL }	/* a recording never changes */
};
