/*
 * db_int.h - the inside of a struct pdc_conn, for lib/ alone.
 *
 * Programs see the connection as opaque (db.h).  Only db.c, and library
 * code that must hand the PGconn to libpq itself, include this.
 */
#ifndef PDC_DB_INT_H
#define PDC_DB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "db.h"

/* A statement sent in a pipeline whose results are not read yet. */
struct pdc_pending {
	const char *name;	/* for messages */
	int prep;		/* the id of the statement this prepares, or 0 */
};

struct pdc_conn {
	PGconn *pg;
	uint64_t prepared;	/* bit per pdc_stmt id prepared on this connection */
	bool in_txn;
	bool piped;		/* in pipeline mode (pdc_db_pipe_begin) */
	struct pdc_pending *pend;
	size_t npend, cappend;
	double pipe_t0;		/* when the first of them was sent */
	double start_t0;	/* when pdc_db_start sent its statement */
};

#endif
