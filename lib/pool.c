#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "pool.h"

struct pdc_pool {
	pthread_mutex_t mu;
	pthread_cond_t freed;
	char *conninfo;
	char *appname;
	int min, max;
	double timeout;
	struct pdc_conn **idle;		/* stack of idle connections */
	int nidle;
	int size;			/* open: idle + borrowed + being opened */
	struct pdc_pool_stats st;
};


struct pdc_pool *
pdc_pool_new(const char *conninfo, const char *appname, int min, int max,
    double timeout_seconds, struct pdc_err *err)
{
	struct pdc_pool *p;
	pthread_condattr_t ca;

	if (max < 1)
		max = 1;
	if (min > max)
		min = max;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->idle = calloc((size_t)max, sizeof(*p->idle))) == NULL ||
	    (p->conninfo = strdup(conninfo)) == NULL || (p->appname = strdup(appname)) == NULL) {
		if (p != NULL) {
			free(p->idle);
			free(p->conninfo);
			free(p);
		}
		pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->freed, &ca);
	pthread_condattr_destroy(&ca);
	p->min = min;
	p->max = max;
	p->timeout = timeout_seconds;
	p->st.max = max;
	for (int i = 0; i < min; i++) {
		struct pdc_conn *c = pdc_db_connect(conninfo, appname, err);

		if (c == NULL) {
			if (i == 0) {
				pdc_pool_free(p);
				return NULL;
			}
			break;	/* the rest will be opened on demand */
		}
		p->idle[p->nidle++] = c;
		p->size++;
	}
	return p;
}

struct pdc_conn *
pdc_pool_get(struct pdc_pool *p, struct pdc_err *err)
{
	struct pdc_conn *c = NULL;
	double t0 = 0, deadline = 0;
	bool waited = false;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->nidle > 0) {
			c = p->idle[--p->nidle];
			if (!pdc_db_broken(c))
				goto got;
			/* The server went away while it sat idle. */
			pdc_db_close(c);
			c = NULL;
			p->size--;
			p->st.replaced++;
		}
		if (p->size < p->max) {
			p->size++;	/* reserve the slot, connect unlocked */
			pthread_mutex_unlock(&p->mu);
			c = pdc_db_connect(p->conninfo, p->appname, err);
			pthread_mutex_lock(&p->mu);
			if (c == NULL) {
				p->size--;
				pthread_cond_signal(&p->freed);
				goto out;
			}
			goto got;
		}
		if (!waited) {
			waited = true;
			t0 = pdc_clock_mono();
			deadline = t0 + p->timeout;
			p->st.waits++;
		}
		double left = deadline - pdc_clock_mono();
		if (left <= 0) {
			pdc_err_set(err, PDC_E_UNAVAILABLE,
			    "no free database connection after %.0fs (database_pool.max_connections is %d)",
			    p->timeout, p->max);
			goto out;
		}
		struct timespec abs;
		clock_gettime(CLOCK_MONOTONIC, &abs);
		abs.tv_sec += (time_t)left;
		abs.tv_nsec += (long)((left - (time_t)left) * 1e9);
		if (abs.tv_nsec >= 1000000000L) {
			abs.tv_sec++;
			abs.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->freed, &p->mu, &abs);
	}
got:
	p->st.in_use++;
	if (p->st.in_use > p->st.peak_in_use)
		p->st.peak_in_use = p->st.in_use;
out:
	if (waited)
		p->st.wait_ms += (pdc_clock_mono() - t0) * 1000.0;
	pthread_mutex_unlock(&p->mu);
	return c;
}

void
pdc_pool_put(struct pdc_pool *p, struct pdc_conn *c)
{
	if (c == NULL)
		return;
	if (pdc_db_in_txn(c))
		pdc_db_rollback(c);
	pthread_mutex_lock(&p->mu);
	p->st.in_use--;
	if (pdc_db_broken(c)) {
		pdc_db_close(c);
		p->size--;
		p->st.replaced++;
	} else {
		p->idle[p->nidle++] = c;
	}
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->mu);
}

void
pdc_pool_stats(struct pdc_pool *p, struct pdc_pool_stats *st)
{
	pthread_mutex_lock(&p->mu);
	*st = p->st;
	st->size = p->size;
	pthread_mutex_unlock(&p->mu);
}

void
pdc_pool_free(struct pdc_pool *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->nidle; i++)
		pdc_db_close(p->idle[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->freed);
	free(p->idle);
	free(p->conninfo);
	free(p->appname);
	free(p);
}
