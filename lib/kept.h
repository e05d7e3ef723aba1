/*
 * kept.h - raw county responses: kept during a job, stored with its record,
 * loaded back to re-parse or to answer a 304.
 *
 * A job keeps every response worth keeping (pdc_fetch with a key) in a
 * struct pdc_kept_list; the job's transaction writes them to the responses
 * table, one row per (APN, source, key).  A re-parse loads them back and
 * answers the sources from the list instead of the county (replay).  A
 * collection loads the stored validators (ETag, Last-Modified) to ask the
 * county whether a page changed, and on a 304 the stored body is the answer;
 * an answer that never changes (a settled one, source.h) is read back
 * without asking.
 *
 * This module knows responses and the table they live in, nothing of HTTP
 * or of the sources: fetching and storage both build on it.
 */
#ifndef PDC_KEPT_H
#define PDC_KEPT_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "error.h"

struct pdc_pool;

/* One response.  Every string is owned; NULL where the answer had none. */
struct pdc_kept {
	char *source, *key, *url, *content_type;
	char *etag, *last_modified;	/* validators for a conditional request */
	long status;
	bool sound;			/* loaded with the validators: its source's parts of the
					   record are not failed, so it was read well when kept */
	char *body;			/* LEN bytes and a NUL */
	size_t len;
};

/* A growable list of responses; all zero is an empty list. */
struct pdc_kept_list {
	struct pdc_kept *v;
	size_t n, cap;
};

/*
 * Add a copy of a response to L; one already there for the same SOURCE and
 * KEY (a key fetched twice in a job) is replaced.  An empty ETAG or
 * LAST_MODIFIED counts as none.  0, or -1 when out of memory (L unchanged).
 */
int pdc_kept_add(struct pdc_kept_list *l, const char *source, const char *key, const char *url,
    long status, const char *content_type, const char *etag, const char *last_modified,
    const char *body, size_t len);

/* The response in L for SOURCE and KEY, or NULL (also for a NULL KEY). */
const struct pdc_kept *pdc_kept_find(const struct pdc_kept_list *l, const char *source,
    const char *key);

/*
 * Move FROM's responses to the end of INTO's; FROM is left empty.  0, or -1
 * when out of memory (then FROM keeps them).
 */
int pdc_kept_adopt(struct pdc_kept_list *into, struct pdc_kept_list *from);

/* Free one response's strings and zero it. */
void pdc_kept_clear(struct pdc_kept *k);

/* Free every response in L; L is an empty list again. */
void pdc_kept_release(struct pdc_kept_list *l);

/*
 * Write the responses in L for APN (upserted by source and key; an
 * unchanged body is not rewritten) on C, inside the caller's transaction.
 * In a pipeline (pdc_db_pipe_begin) they are only sent.  0 or -1 with ERR.
 */
int pdc_kept_store(struct pdc_conn *c, const char *apn, const struct pdc_kept_list *l,
    struct pdc_err *err);

/* Add APN's stored responses to L, for a re-parse.  How many, or -1 with ERR. */
long pdc_kept_load(struct pdc_conn *c, const char *apn, struct pdc_kept_list *l,
    struct pdc_err *err);

/*
 * Add what is stored of APN to L, no bodies: each response's source and key
 * with its validators (ETag, Last-Modified; NULL where it had none), for
 * conditional requests, and whether it is sound, for answers that never
 * change (fetch.h): a response its source could not read (a broken body
 * behind a 200) failed the source's parts, and is asked for again.  How
 * many, or -1 with ERR.
 */
long pdc_kept_load_validators(struct pdc_conn *c, const char *apn, struct pdc_kept_list *l,
    struct pdc_err *err);

/*
 * The stored body, content type and status of (APN, SOURCE, KEY) into OUT
 * (zeroed first; release with pdc_kept_clear), on a connection
 * borrowed from POOL.  0, or -1 with ERR: nothing stored (PDC_E_TRANSIENT:
 * a 304 for what we no longer have; fetch again later), the database.
 */
int pdc_kept_load_body(struct pdc_pool *pool, const char *apn, const char *source,
    const char *key, struct pdc_kept *out, struct pdc_err *err);

/* Delete stored responses older than KEEP_HOURS.  How many, or -1 with ERR. */
long pdc_kept_prune(struct pdc_conn *c, double keep_hours, struct pdc_err *err);

#endif
