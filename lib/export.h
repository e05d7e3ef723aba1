/*
 * export.h - stored records in bulk, for pdc-export.
 *
 * Records go out in batches of at most PDC_EXPORT_BATCH, each batch one
 * statement over the APNs it names, so that memory stays the same however
 * many parcels there are.  The APNs of every stored record are walked in
 * order by key (pdc_export_next), a batch at a time: no transaction or
 * cursor is held open for the length of an export, which may take hours
 * while workers keep writing.
 */
#ifndef PDC_EXPORT_H
#define PDC_EXPORT_H

#include <stdio.h>

#include "apn.h"
#include "db.h"
#include "error.h"

#define PDC_EXPORT_BATCH 100

enum pdc_export_kind {
	PDC_EXPORT_CSV,		/* the flat columns of pdc_export_columns */
	PDC_EXPORT_JSON		/* the APN and the whole record, as pdc_show_json gives it */
};

/* The CSV columns, in order: the header row's names.  PDC_EXPORT_NCOLS of them. */
#define PDC_EXPORT_NCOLS 37
extern const char *const pdc_export_columns[PDC_EXPORT_NCOLS];

/* The index of the CSV column "status" ("complete", "partial" or "missing"). */
#define PDC_EXPORT_COL_STATUS 1

/*
 * Called with each record's cells, valid during the call only: for CSV,
 * PDC_EXPORT_NCOLS cells, NULL where the value is unknown; for JSON, two,
 * the APN and the record.  A nonzero return stops the export and is
 * returned from pdc_export_rows.
 */
typedef int (*pdc_export_fn)(void *arg, const char *const *cells, int ncells);

/*
 * The records of the N canonical APNs at APNS (N at most PDC_EXPORT_BATCH),
 * in that order, one call of FN each: an APN with nothing stored still gets
 * its row (status "missing").  Returns 0, FN's nonzero return, or -1 with ERR.
 */
int pdc_export_rows(struct pdc_conn *c, enum pdc_export_kind kind,
    char (*apns)[PDC_APN_MAX], int n, pdc_export_fn fn, void *arg, struct pdc_err *err);

/*
 * Up to MAX (at most PDC_EXPORT_BATCH) APNs of stored records that sort
 * after AFTER ("" for the first), in order, into OUT.  A stored record is
 * one with any part collected.  Returns how many (0 at the end), or -1 with ERR.
 */
int pdc_export_next(struct pdc_conn *c, const char *after, char (*out)[PDC_APN_MAX], int max,
    struct pdc_err *err);

/*
 * Write S to FP as one RFC 4180 field: quoted when it holds a comma, a
 * double quote, a carriage return, a line feed, or a blank at either end
 * (which some readers trim), with each double quote doubled; NULL writes
 * nothing (an empty field).  Returns 0, or -1 when FP failed.
 */
int pdc_export_csv_field(FILE *fp, const char *s);

#endif
