/*
 * pool.h - a bounded pool of database connections for one process.
 *
 * Threads borrow a connection with pdc_pool_get and give it back with
 * pdc_pool_put; in between the borrower owns it alone.  The pool opens
 * min_connections at once and grows to max_connections on demand; a borrower
 * that finds none free waits up to connection_timeout_seconds.  A connection
 * given back broken is closed and replaced on a later get.
 */
#ifndef PDC_POOL_H
#define PDC_POOL_H

#include "db.h"
#include "error.h"

struct pdc_pool;

struct pdc_pool_stats {
	int size;		/* connections open */
	int in_use;		/* borrowed now */
	int max;
	int peak_in_use;
	long waits;		/* gets that had to wait */
	double wait_ms;		/* time spent waiting, in all */
	long replaced;		/* broken connections replaced */
};

/*
 * A pool for CONNINFO.  Opens MIN connections before returning; returns NULL
 * with ERR (PDC_E_UNAVAILABLE) when the first cannot be opened.
 */
struct pdc_pool *pdc_pool_new(const char *conninfo, const char *appname, int min, int max,
    double timeout_seconds, struct pdc_err *err);

/*
 * Borrow a connection.  Returns it, or NULL with ERR when none came free in
 * time (PDC_E_UNAVAILABLE "no free database connection") or a new one could
 * not be opened.
 */
struct pdc_conn *pdc_pool_get(struct pdc_pool *pool, struct pdc_err *err);

/* Give C back.  A connection in a transaction is rolled back first. */
void pdc_pool_put(struct pdc_pool *pool, struct pdc_conn *c);

/* The pool's figures now. */
void pdc_pool_stats(struct pdc_pool *pool, struct pdc_pool_stats *st);

/* Close every connection and free POOL.  No connection may be borrowed. */
void pdc_pool_free(struct pdc_pool *pool);

#endif
