/*
 * fuzz_recorder - the recorder's JSON: a /documents/{number} body and a
 * /documents/search body, as the recorder source reads them, then what it
 * does with each document found (is it a deed).  The head line is an owner
 * name to build a search path for, and its letters and digits are the
 * recording number asked for (the program asks only for numbers that
 * recno_text let through: letters and digits); the body is the response.
 */
#include "fuzz.h"
#include "sources/recorder.h"

static void
check_doc(const struct pdc_recorder_doc *doc)
{
	cJSON *j;

	fuzz_assert(strnlen(doc->number, sizeof(doc->number)) < sizeof(doc->number));
	fuzz_assert(doc->date[0] == '\0' || strlen(doc->date) == 10);
	fuzz_assert(doc->restricted >= -1 && doc->restricted <= 1);
	if (doc->code != NULL) {
		fuzz_assert(pdc_util_utf8_valid(doc->code, strlen(doc->code)));
		(void)pdc_recorder_is_deed(doc->code);
	}
	fuzz_assert((doc->codes == NULL) == (doc->code == NULL));
	if (doc->codes != NULL) {
		fuzz_assert((j = cJSON_Parse(doc->codes)) != NULL && cJSON_IsArray(j) &&
		    cJSON_GetArraySize(j) > 0);
		cJSON_Delete(j);
	}
	if (doc->names != NULL) {
		fuzz_assert((j = cJSON_Parse(doc->names)) != NULL && cJSON_IsArray(j));
		cJSON_Delete(j);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdc_recorder_doc doc, *docs = NULL;
	struct pdc_err err;
	struct fuzz_input in;
	char *body, *owner, number[PDC_RECNO_MAX], *path = NULL;
	size_t n = 0, k = 0;
	long total = 0;

	fuzz_split(data, size, &in);
	owner = fuzz_strndup(in.head, in.headlen);
	for (size_t i = 0; i < in.headlen && k + 1 < sizeof(number); i++)
		if ((in.head[i] >= '0' && in.head[i] <= '9') || (in.head[i] >= 'A' && in.head[i] <= 'Z') ||
		    (in.head[i] >= 'a' && in.head[i] <= 'z'))
			number[k++] = in.head[i];
	number[k] = '\0';
	body = fuzz_body(&in);

	pdc_err_clear(&err);
	if (pdc_recorder_parse_document(body, in.bodylen, number, &doc, &err) == -1) {
		fuzz_check_err(&err);
		fuzz_assert(doc.code == NULL && doc.codes == NULL && doc.names == NULL);
	} else {
		check_doc(&doc);
	}
	pdc_recorder_doc_release(&doc);

	pdc_err_clear(&err);
	if (pdc_recorder_parse_search(body, in.bodylen, 1, &docs, &n, &total, &err) == -1) {
		fuzz_check_err(&err);
		fuzz_assert(docs == NULL && n == 0);
	} else {
		fuzz_assert(total >= -1);
		for (size_t i = 0; i < n; i++)
			check_doc(&docs[i]);
	}
	pdc_recorder_docs_free(docs, n);

	fuzz_assert(pdc_recorder_search_path(owner, 2, &path) == 0);
	free(path);
	free(owner);
	free(body);
	return 0;
}
