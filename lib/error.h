/*
 * error.h - how library calls report failure.
 *
 * The library never exits and never prints errors itself: a call that fails
 * returns -1 (or NULL) and fills a struct pdc_err that the caller owns.  The
 * kind decides what happens next (retry, fail the job, exit code); the
 * message says what failed, subject first, lowercase, no full stop.
 */
#ifndef PDC_ERROR_H
#define PDC_ERROR_H

enum pdc_errkind {
	PDC_OK = 0,
	PDC_E_TRANSIENT,	/* may succeed later: timeout, 5xx, 429, truncated body */
	PDC_E_PERMANENT,	/* will not succeed: 404, 400, unparseable page */
	PDC_E_AUTH,		/* the county refused our token; permanent */
	PDC_E_UNAVAILABLE,	/* database (or a needed service) cannot be reached */
	PDC_E_CONFIG,		/* bad configuration */
	PDC_E_INPUT,		/* bad input data */
	PDC_E_FENCED,		/* our lease was taken over; drop the result */
	PDC_E_SYSTEM,		/* out of memory, I/O error, anything else */
	PDC_E_CANCELLED		/* the job was cancelled: stop, store nothing */
};

struct pdc_err {
	enum pdc_errkind kind;
	double retry_after;	/* seconds the other side asked us to wait, 0 if none */
	char msg[512];
};

/* Set ERR (if not NULL) to KIND with a printf-style message; returns -1 so
 * that "return pdc_err_set(...)" reads naturally. */
int pdc_err_set(struct pdc_err *err, enum pdc_errkind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clear ERR to PDC_OK. */
void pdc_err_clear(struct pdc_err *err);

/* A short word for KIND: "transient", "permanent", "auth", ... */
const char *pdc_err_kindname(enum pdc_errkind kind);

#endif
