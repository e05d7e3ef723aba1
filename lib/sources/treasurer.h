/*
 * treasurer.h - the Maricopa County Treasurer's parcel pages (HTML, session based).
 *
 * A job enters with /parcel/default.aspx?Parcel={bare APN}, which puts the
 * parcel in an ASP.NET session cookie and redirects to /Parcel/Summary.aspx;
 * /Parcel/Summary.aspx?List=All and /Parcel/Activities.aspx then serve that
 * parcel.  The caller (pdc_collect) forgets cookies between jobs, so each job
 * has its own session.  Elements are found by id; every id carries the prefix
 * "cphMainContent_cphRightColumn_", which messages leave out.
 *
 * The parse functions below are pure (no I/O) so that tests and fuzzers can
 * call them on stored bodies.  Each adds rows to a record and, when it
 * fails, leaves the record exactly as it was given.  Each also reads the
 * page's lblError first: "Parcel not found" and "Invalid parcel number" are
 * PDC_E_PERMANENT, "Session expired" is PDC_E_TRANSIENT (a new job gets a new
 * session).  A page without an element it needs fails with PDC_E_PERMANENT
 * naming the element and the page:
 *   treasurer: /Parcel/Activities.aspx: neither activityList_gvActs nor Activities1_gvActs found
 * and a value that does not read names the grid, row and column:
 *   treasurer: /Parcel/Summary.aspx?List=All: gvTaxYears row 2, Amount Paid: "$1,2x" is not money
 * Money is stored exactly, with two places ("$1,234.56" -> "1234.56").
 *
 * A page without a single id of the legacy pages is in a format pdc does
 * not know: the site changed (the newer portal page, drawn by script, is
 * the one known).  Each parse then returns PDC_TREASURER_UNRECOGNISED with
 * ERR saying so, and collect() completes with the tax part partial, nothing
 * of it stored, and REC->unrecognised set for the source's format state.
 */
#ifndef PDC_TREASURER_H
#define PDC_TREASURER_H

#include <stdbool.h>
#include <stddef.h>

#include "../fetch.h"
#include "../record.h"
#include "../source.h"
#include "util.h"

extern const struct pdc_source pdc_source_treasurer;

/* How pnlOpen was read (FORMATS.md section 2 knows two layouts). */
enum pdc_treasurer_open {
	PDC_OPEN_NONE,		/* no pnlOpen on the page */
	PDC_OPEN_ROWS,		/* rows named "First Half:", "Second Half:", ..., "Total Due:" */
	PDC_OPEN_CHARGES,	/* rows of charges (tax, interest, fees, total), columns
				 * first half, second half, total */
	PDC_OPEN_UNREAD		/* there, in neither layout */
};

/*
 * What the summary page says about the current tax year.  An amount is ""
 * when the page did not say it: unknown, stored as NULL, never 0.00.
 */
struct pdc_treasurer_summary {
	char apn[PDC_APN_MAX];			/* headerSummary's parcel, canonical */
	bool has_area;				/* lblAreaCode was there */
	char area_code[32];			/* its text; "" when empty */
	bool has_due;				/* taxDue1 (a table) or taxDue2 (a list) was there */
	char assessed_tax[PDC_MONEY_MAX];	/* its cells 2, 4 and 6; "" without it */
	char paid[PDC_MONEY_MAX];
	char total_due[PDC_MONEY_MAX];
	enum pdc_treasurer_open open;
	char first_half_due[PDC_MONEY_MAX];	/* from pnlOpen: the tax of each half still */
	char second_half_due[PDC_MONEY_MAX];	/* due; interest and fees due in all; "" */
	char interest_due[PDC_MONEY_MAX];	/* when not read, a row not there too */
	char fees_due[PDC_MONEY_MAX];		/* (FORMATS.md does not say a zero row */
	char total_open[PDC_MONEY_MAX];		/* is left out) */
	char lacks[160];			/* what pnlOpen lacked, for the reason; "" */
};

/* A parse's answer for a page in no format pdc knows (see below). */
#define PDC_TREASURER_UNRECOGNISED	1

/*
 * Parse /Parcel/Summary.aspx (LEN bytes at BODY) for parcel REC->apn: fill
 * SUM, and add one tax_districts row per gvSpecialDistricts row, in page
 * order, with tax_year NULL (the summary does not name its year; see
 * pdc_treasurer_apply_summary).  The districts set is carried even when the
 * grid has only its header.  Needs headerSummary and gvSpecialDistricts;
 * lblAreaCode, taxDue1/taxDue2 and pnlOpen may be absent (what that means is
 * pdc_treasurer_apply_summary's to say).  A headerSummary naming another
 * parcel is PDC_E_TRANSIENT (a session mixed up, which a new session cures).
 * Returns 0, PDC_TREASURER_UNRECOGNISED, or -1 with ERR.
 */
int pdc_treasurer_parse_summary(const char *body, size_t len, struct pdc_record *rec,
    struct pdc_treasurer_summary *sum, struct pdc_err *err);

/*
 * Parse /Parcel/Summary.aspx?List=All (LEN bytes at BODY) for parcel
 * REC->apn: one tax_bills row per gvTaxYears row, with tax_year, status,
 * assessed_tax, paid and due from the row, the summary columns
 * (tax_area_code, first_half_due, second_half_due, interest_due, fees_due)
 * NULL, and delinquent false for a year with nothing due, NULL (unknown)
 * otherwise: the grid does not say whether an unpaid year is delinquent.
 * The set is carried.  *CURRENT is set to the newest year in the
 * grid (0 when it has no rows).  Needs headerSummary and gvTaxYears, whose
 * columns are found by their headers.  Returns 0, PDC_TREASURER_UNRECOGNISED,
 * or -1 with ERR.
 */
int pdc_treasurer_parse_years(const char *body, size_t len, struct pdc_record *rec,
    int *current, struct pdc_err *err);

/*
 * Parse /Parcel/Activities.aspx (LEN bytes at BODY): one tax_payments row
 * per row of activityList_gvActs (or the older Activities1_gvActs), seq
 * numbered from 1 in page order, payment_date and transaction NULL when
 * empty.  "No activity records" gives no rows; the set is carried either
 * way.  Returns 0, PDC_TREASURER_UNRECOGNISED, or -1 with ERR.
 */
int pdc_treasurer_parse_activities(const char *body, size_t len, struct pdc_record *rec,
    struct pdc_err *err);

/*
 * Join what the summary said (SUM) to the rest of REC once the current tax
 * year (CURRENT, from pdc_treasurer_parse_years) is known: the tax_districts
 * rows without a year get CURRENT, and the tax_bills row for CURRENT gets
 * tax_area_code, the pnlOpen amounts and delinquent = interest or fees due.
 * No pnlOpen means nothing open only when taxDue's Total Due (or else the
 * row's own due) is zero.  What the page did not say (no lblAreaCode, no
 * pnlOpen yet something due, a panel in neither layout, a half's row or
 * the interest or fees row gone) stays NULL, delinquent too unless interest
 * or fees are known to be due or both known to be none, and REC's tax part
 * is marked partial naming it:
 *   treasurer: /Parcel/Summary.aspx: pnlOpen not found, yet 2006.19 is due: amounts due and delinquency of 2025 unknown
 *   treasurer: /Parcel/Summary.aspx: pnlOpen (rows by half) has no "Fees Due:" row: amounts due of 2025 unknown
 * CURRENT 0 (no years) changes nothing.  Returns 0, or -1 with ERR when
 * memory runs out (REC is then partly updated: release it).
 */
int pdc_treasurer_apply_summary(struct pdc_record *rec, int current,
    const struct pdc_treasurer_summary *sum, struct pdc_err *err);

#endif
