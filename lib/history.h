/*
 * history.h - what collections changed in records, and the change feed.
 *
 * The store opens a record's history in its transaction (pdc_history_begin);
 * from then on the database keeps a line for every row the collection adds,
 * rewrites or deletes (sql/011_history.sql): the table, the row's key, the
 * changed columns' old values, the row as it is now.  This module reads the
 * lines back as events a person reads at a glance:
 *
 *   sale 2025-06-25 20250485954 SPEC/W D $645,500
 *   owner SMITH NANCY W -> VALLEY BUILDERS INC
 *   tax 2025 delinquent (second half unpaid, $1,757.79 due)
 *   valuation 2026 full cash 500,600 -> 537,400 (+7.4%)
 *   mailing address changed
 */
#ifndef PDC_HISTORY_H
#define PDC_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "db.h"
#include "error.h"

/* The kinds of event, as bits for a filter. */
enum {
	PDC_CHANGE_SALE = 1 << 0,	/* a deed recorded (or removed, or corrected) */
	PDC_CHANGE_OWNER = 1 << 1,	/* the assessor's owner name */
	PDC_CHANGE_MAILING = 1 << 2,	/* the owner's mailing address */
	PDC_CHANGE_TAX = 1 << 3,	/* a bill issued, paid, half paid, delinquent */
	PDC_CHANGE_VALUATION = 1 << 4,	/* full cash or limited value of a year */
	PDC_CHANGE_RESIDENTIAL = 1 << 5,	/* the residential details */
	PDC_CHANGE_RECORD = 1 << 6	/* any other field of the parcel */
};

/* The kinds' names, in the order of their bits, NULL-terminated. */
extern const char *const pdc_history_kinds[];

/*
 * Parse a comma-separated list of kind names into *BITS.  0, or -1 with ERR
 * (PDC_E_INPUT) naming the first unknown kind.
 */
int pdc_history_kind_parse(const char *list, unsigned *bits, struct pdc_err *err);

/*
 * Open APN's history for the caller's transaction on C: the rows stored
 * from here to COMMIT leave their changes, but for the parts of the record
 * no earlier collection stored (a first collection is the record, not
 * news).  Only sent in a pipeline.  0 or -1 with ERR.
 */
int pdc_history_begin(struct pdc_conn *c, const char *apn, struct pdc_err *err);

/* Which changes to read. */
struct pdc_history_query {
	const char *since;		/* a timestamp or a date PostgreSQL reads, or NULL */
	double since_secs;		/* or the last SINCE_SECS seconds (0: no limit) */
	long long after_id;		/* only changes with a larger id (0: all) */
	const char *const *apns;	/* only these canonical APNs (N 0: all) */
	size_t napns;
	unsigned kinds;			/* PDC_CHANGE_* bits (0: every kind) */
	bool newest_first;		/* else in the order they were seen */
	long limit;			/* at most this many stored lines (0: no limit) */
	/*
	 * Stop before the first change younger than SETTLE_SECS (0: never).  A
	 * line's id is taken before its transaction commits, so one that has
	 * just come may yet be joined by a smaller id: a follower that reads
	 * only settled lines and goes on after the largest id misses nothing
	 * (but a collection whose transaction lasts longer than that).
	 */
	double settle_secs;
};

/*
 * Called for each event, in order.  EV is a JSON object the callee may
 * read but not keep: "id" (the stored line's), "apn", "seen_at" (UTC,
 * ISO 8601), "kind", "event" (what happened: "recorded", "changed",
 * "billed", "paid", "half_paid", "delinquent", "interest" (a bill's
 * interest and fees grew), "added", "removed" ...),
 * "text" (the line a person reads), and the kind's own keys: sale
 * {recording_number, recording_date, document_code, sale_price}; owner and
 * mailing {old, new}; tax {year, amount_due}; valuation {year, field
 * ("full_cash", "limited" or "other"), old (for a year new to the record, the
 * year before's value), new}; residential and record
 * {fields}.  A value the source did not give is null.  Return 0 to go on,
 * -1 to stop (pdc_history_read then returns -1 with ERR as the callee set
 * it).
 */
typedef int (*pdc_history_fn)(void *arg, const cJSON *ev, struct pdc_err *err);

/*
 * Read the changes Q selects from C and call FN (NULL: none) with each
 * event.  Returns
 * the largest stored id read (0 when none; a stored line may make no event
 * a filter keeps), or -1 with ERR.
 */
long long pdc_history_read(struct pdc_conn *c, const struct pdc_history_query *q,
    pdc_history_fn fn, void *arg, struct pdc_err *err);

/* Delete the changes seen more than KEEP_HOURS ago.  The number deleted, or -1. */
long pdc_history_prune(struct pdc_conn *c, double keep_hours, struct pdc_err *err);

#endif
