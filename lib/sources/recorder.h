/*
 * recorder.h - the Maricopa County Recorder's public API (JSON, no token).
 *
 * The recorder has no parcel filter: a parcel's deeds are the assessor's
 * latest deed (Owner.MostCurrentDeed, fetched by number), the earlier deeds
 * the chain of owners' names leads to, and, kept apart as candidates, deeds
 * found under the owner's name; each sale says which (sales.basis: deed,
 * chain, candidate) and what matched.  So this source runs after the
 * assessor in the same record and reads its properties row (deed_number,
 * owner_name, sale_price); without one it fails.  A name with more than 501
 * documents that date windows cannot narrow leaves the sales part partial.
 *
 * A search row also names a recordingSuffix ("" on nearly every real row);
 * what it means is not confirmed, so it is kept as given (sales.
 * recording_suffix, NULL where no row said) and a document is its number and
 * its suffix.  The latest deed's suffix is the assessor's link's
 * (properties.deed_suffix).  The detail is asked for by number alone: for a
 * suffixed document one of another day is another's, and the part says so.
 *
 * The two endpoints disagree on types: the detail sends recordingNumber as
 * a string and names as a list, the search a number and one string.  Both
 * are read; any other type is PDC_E_PERMANENT naming the field:
 *   recorder: /documents/20150453721: restricted: "yes" is not true or false
 * A search the county will not run answers 400, also PDC_E_PERMANENT:
 *   recorder: /documents/search: the county refused the query (HTTP 400 Bad Request)
 */
#ifndef PDC_RECORDER_H
#define PDC_RECORDER_H

#include <stdbool.h>
#include <stddef.h>

#include "../fetch.h"
#include "../record.h"
#include "../source.h"

extern const struct pdc_source pdc_source_recorder;

/* Room for a recording number and its NUL ("20150453721" has 11 digits). */
#define PDC_RECNO_MAX 32

/*
 * Room for a recordingSuffix and its NUL.  What a suffix means is not
 * confirmed (the real searches show "" on all but one row, "A" there): it
 * is kept as given, and a document is its number and its suffix.
 */
#define PDC_SUFFIX_MAX 8

/* One document, from its detail or from a search result. */
struct pdc_recorder_doc {
	char number[PDC_RECNO_MAX];	/* recordingNumber as text */
	char date[11];			/* recordingDate as YYYY-MM-DD; "" when not given */
	char *code;			/* the first documentCodes entry (detail) or documentCode
					 * (search), trimmed, a trailing '+' kept; NULL when none */
	char *codes;			/* all the codes as a JSON list text: the detail's
					 * documentCodes, ["SPEC/W D","AF DISCLS"], or the search
					 * row's one code as given, ["SPEC/W D+"] (a '+' says the
					 * detail lists more); each trimmed, empty ones left out;
					 * NULL exactly when CODE is */
	char *names;			/* the names as a JSON list text, ["DOE JANE A","ROE RICHARD"];
					 * NULL when not given */
	int restricted;			/* 1, 0, or -1 when not given (search results) */
	char suffix[PDC_SUFFIX_MAX];	/* recordingSuffix as given, trimmed: "" for none, "A" */
	bool suffix_said;		/* whether the answer had one: search rows do, details
					 * do not (they are asked for by number alone) */
};

/* Free DOC's strings (not DOC itself) and zero it. */
void pdc_recorder_doc_release(struct pdc_recorder_doc *doc);

/* Free an array of N documents and the array.  NULL is fine. */
void pdc_recorder_docs_free(struct pdc_recorder_doc *docs, size_t n);

/*
 * Parse a /documents/NUMBER body (LEN bytes at BODY) into DOC (the caller's,
 * to release with pdc_recorder_doc_release).  NUMBER is the number asked
 * for: it names the request in messages and stands in when the body has no
 * recordingNumber; a body about another document is an error.  Returns 0,
 * or -1 with ERR (DOC then holds nothing).
 */
int pdc_recorder_parse_document(const char *body, size_t len, const char *number,
    struct pdc_recorder_doc *doc, struct pdc_err *err);

/*
 * Parse a /documents/search body (LEN bytes at BODY; PAGE names it in
 * messages) into *DOCS, a malloc'd array of *NDOCS documents in the order
 * given (free with pdc_recorder_docs_free), and totalResults into *TOTAL
 * (-1 when the body does not say).  A result without a recordingNumber (or
 * with 0, as the real search sends for a row without a date) is skipped.
 * Returns 0, or -1 with ERR (*DOCS NULL, *NDOCS 0).
 */
int pdc_recorder_parse_search(const char *body, size_t len, int page,
    struct pdc_recorder_doc **docs, size_t *ndocs, long *total, struct pdc_err *err);

/*
 * Whether CODE is one of the deed codes pdc keeps from a search: WAR DEED,
 * SPEC/W D, Q/CL DEED, JNT DEED, WAR DEED+, DEED, TRST DEED (case and
 * blanks around it ignored).  Deeds of trust, releases and the like are not.
 */
bool pdc_recorder_is_deed(const char *code);

/*
 * The search path for OWNER's documents, page PAGE (from 1), 200 to a page,
 * into *PATH (malloc'd; the caller frees it): a business name (one holding
 * LLC, INC, CORP, CO, LP, LTD, TRUST, TR, BANK, ASSN, ASSOCIATION, COMPANY,
 * PARTNERSHIP or CHURCH as a word, or CITY OF or STATE OF) whole as
 * businessNames; otherwise, of the part before any '&' or '/', the first
 * word as lastNames and the second as firstNames.  Values are URL-encoded:
 *   /documents/search?lastNames=DOE&firstNames=JANE&middleNameIs=&businessNames=
 *   &documentCode=&beginDate=&endDate=&pageSize=200&pageNumber=1
 * *PATH is NULL when OWNER gives nothing to search by.  Returns 0, or -1
 * when out of memory.
 */
int pdc_recorder_search_path(const char *owner, int page, char **path);

/*
 * The same, for the documents recorded from BEGIN to END (ISO dates, both
 * days included) as beginDate and endDate; without both (NULL, or not ten
 * characters) the search has no dates, as pdc_recorder_search_path's.
 */
int pdc_recorder_search_window(const char *owner, const char *begin, const char *end, int page,
    char **path);

#endif
