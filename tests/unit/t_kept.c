/* t_kept - the list of kept responses: add, replace, find, adopt, release. */
#include <stdio.h>
#include <string.h>

#include "kept.h"
#include "unit.h"

static void
test_add_find(void)
{
	struct pdc_kept_list l = { 0 };
	const struct pdc_kept *k;

	ok(pdc_kept_find(&l, "assessor", "parcel") == NULL, "find in an empty list");
	is_int(pdc_kept_add(&l, "assessor", "parcel", "http://a/parcel/1", 200, "application/json",
	    "\"v1\"", "", "{\"a\":1}", 7), 0, "add a response");
	is_int(pdc_kept_add(&l, "treasurer", "summary", "http://t/s", 200, NULL, NULL, NULL,
	    "<html>", 6), 0, "add another");
	is_int(l.n, 2, "two kept");
	k = pdc_kept_find(&l, "assessor", "parcel");
	ok(k != NULL, "found by source and key");
	if (k != NULL) {
		is_str(k->body, "{\"a\":1}", "the body, NUL-terminated");
		is_int(k->len, 7, "its length");
		is_str(k->etag, "\"v1\"", "the ETag");
		ok(k->last_modified == NULL, "an empty Last-Modified is none");
		is_str(k->content_type, "application/json", "the content type");
	}
	k = pdc_kept_find(&l, "treasurer", "summary");
	ok(k != NULL && k->content_type == NULL && k->etag == NULL, "no content type, no validators");
	ok(pdc_kept_find(&l, "assessor", "summary") == NULL, "the key belongs to its source");
	ok(pdc_kept_find(&l, "assessor", NULL) == NULL, "a NULL key finds nothing");

	/* A key fetched twice in a job keeps the last answer. */
	is_int(pdc_kept_add(&l, "assessor", "parcel", "http://a/parcel/1", 200, "application/json",
	    NULL, NULL, "{\"a\":2}", 7), 0, "add the same key again");
	is_int(l.n, 2, "still two kept");
	k = pdc_kept_find(&l, "assessor", "parcel");
	is_str(k != NULL ? k->body : NULL, "{\"a\":2}", "the last answer is kept");
	ok(k != NULL && k->etag == NULL, "with its own validators");

	is_int(pdc_kept_add(&l, "recorder", "empty", "http://r/e", 200, NULL, NULL, NULL, NULL, 0), 0,
	    "a response without a body");
	k = pdc_kept_find(&l, "recorder", "empty");
	is_str(k != NULL ? k->body : NULL, "", "is an empty body");
	pdc_kept_release(&l);
	ok(l.n == 0 && l.v == NULL && l.cap == 0, "release empties the list");
	pdc_kept_release(&l);
	ok(1, "release twice is harmless");
}

static void
test_adopt(void)
{
	struct pdc_kept_list a = { 0 }, b = { 0 };
	char key[16];

	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "doc/%d", i);
		pdc_kept_add(i < 3 ? &a : &b, "recorder", key, "http://r", 200, NULL, NULL, NULL, "x", 1);
	}
	is_int(pdc_kept_adopt(&a, &b), 0, "adopt");
	is_int(a.n, 10, "all ten in the list adopting");
	ok(b.n == 0 && b.v == NULL, "none left in the other");
	ok(pdc_kept_find(&a, "recorder", "doc/0") != NULL && pdc_kept_find(&a, "recorder", "doc/9") != NULL,
	    "its own and the adopted ones are found");
	is_int(pdc_kept_adopt(&a, &b), 0, "adopting an empty list");
	is_int(a.n, 10, "changes nothing");
	pdc_kept_release(&a);
	pdc_kept_release(&b);
}

int
main(void)
{
	test_add_find();
	test_adopt();
	return unit_done();
}
