/*
 * polite.h - being a good guest on every county host, across every worker.
 *
 * One struct pdc_polite per process, shared by its threads.  Before each
 * request: robots.txt (fetched once per host and day, shared through the
 * database), the host's pause, and a slot from the installation-wide rate
 * limit (sources.<name>.requests_per_second, spaced through PostgreSQL so
 * that all workers on all machines together keep to it; each process
 * reserves a few slots at a time so the database is not asked before every
 * request).  Slots go by priority: within a process the most urgent waiting
 * request takes the next slot (a critical or high one even the slot a less
 * urgent one was waiting for), and across processes one with a critical or
 * high request makes the others hold back (sql/013_host_priority.sql), so
 * it waits only for slots already handed out.  Within a process, a request
 * never goes out sooner than one interval after the one before it to the
 * same host went out, however late that one was.  After each request: 429 and 503 halve the host's rate and honour
 * Retry-After, good answers bring the rate back gradually, and a host that
 * fails most requests for a minute is paused for two.
 */
#ifndef PDC_POLITE_H
#define PDC_POLITE_H

#include "config.h"
#include "error.h"
#include "http.h"

struct pdc_pool;
struct pdc_polite;

/*
 * A politeness state for CFG.  POOL may be NULL: then limits hold for this
 * process only.  Returns NULL with ERR when out of memory.
 */
struct pdc_polite *pdc_polite_new(const struct pdc_config *cfg, struct pdc_pool *pool,
    struct pdc_err *err);

/* Free P.  NULL is fine. */
void pdc_polite_free(struct pdc_polite *p);

/*
 * Before a request to URL for SOURCE, for a job of priority PRIO (0 critical
 * ... 3 low, as the queue numbers them): returns 0 when it may go now (after
 * waiting for its slot), or -1 with ERR: robots.txt disallows it
 * (PDC_E_PERMANENT "... disallowed by robots.txt"), robots.txt could not be
 * read (PDC_E_TRANSIENT), or the host is paused (PDC_E_TRANSIENT, with
 * retry_after the time left).  HTTP fetches robots.txt when needed.
 */
int pdc_polite_acquire(struct pdc_polite *p, struct pdc_http *http, const char *source,
    const char *url, int prio, struct pdc_err *err);

/*
 * How many more requests the most crowded host serves within SECONDS than
 * this process has asking it, for a process holding HELD jobs; below zero
 * when more ask than that.  A host's load is every job held but those
 * waiting in another host's line (a job starting, between two requests, or
 * on the wire asks anywhere next), and never less than its own line and
 * its requests on the wire.  A job claimed while a host is crowded would
 * only wait there with its lease running.
 */
int pdc_polite_room(struct pdc_polite *p, double seconds, int held);

/*
 * After a request to URL, one for each pdc_polite_acquire that returned 0
 * (until then the request counts as on the wire): its HTTP STATUS (0 when
 * there was no answer), RETRY_AFTER in seconds (0 if none), and ERROR (a
 * message, or NULL).
 */
void pdc_polite_report(struct pdc_polite *p, const char *url, long status, double retry_after,
    const char *error);

/*
 * The answer (STATUS, and LEN bytes of BODY) the caller had to URL, the
 * robots.txt of SOURCE's host, read outside P: P keeps it as if it had
 * asked, so the host is not asked twice.  An answer of 500 or more is not
 * kept (P asks again), nor one when P already holds the host's rules.
 */
void pdc_polite_robots_seen(struct pdc_polite *p, const char *source, const char *url,
    long status, const char *body, size_t len);

/* The host part of URL ("127.0.0.2:8080", "treasurer.maricopa.gov") into BUF; 0 or -1. */
int pdc_polite_host(const char *url, char *buf, size_t len);

#endif
