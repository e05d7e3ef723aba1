#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "jobwait.h"

int
pdc_jobwait(struct pdc_conn *c, double timeout, const volatile sig_atomic_t *stop,
    pdc_jobwait_fn look, void *arg, struct pdc_err *err)
{
	double t0 = pdc_clock_mono();
	int r;

	if (pdc_db_listen(c, "pdc_done", err) == -1)
		return -1;
	for (;;) {
		if ((r = look(arg, err)) != 0)
			return r;
		if (stop != NULL && *stop)
			return 0;
		if (timeout > 0 && pdc_clock_mono() - t0 >= timeout)
			return 0;
		/* A connection lost here fails the next look, with its own message. */
		pdc_db_await(c, 1.0, NULL, NULL, NULL);
	}
}

struct apnwait {
	struct pdc_conn *c;
	const char *const *apns;
	size_t n;
	double fresh_hours;
	struct pdc_apnstatus *out;
	double grace;		/* < 0: wait whether or not a worker runs */
	double t0;
};

/* As pdc_workers_alive (worker.h) counts them: registered, beating, not stopped. */
static struct pdc_stmt st_workers = { "pdc_jobwait_workers",
	"SELECT count(*) FROM workers WHERE stopped_at IS NULL"
	" AND heartbeat_at > now() - interval '30 seconds'", 0, 0 };

static int
look_apns(void *arg, struct pdc_err *err)
{
	struct apnwait *w = arg;
	PGresult *res;
	long alive;

	if (pdc_queue_lookup(w->c, w->apns, w->n, w->fresh_hours, w->out, err) == -1)
		return -1;
	if (!pdc_jobwait_apns_open(w->out, w->n))
		return 1;
	if (w->grace < 0 || pdc_clock_mono() - w->t0 < w->grace)
		return 0;
	if ((res = pdc_db_run(w->c, &st_workers, NULL, err)) == NULL)
		return -1;
	alive = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	if (alive > 0)
		return 0;
	return pdc_err_set(err, PDC_E_UNAVAILABLE, "no worker is running to collect %s (start "
	    "pdc-worker, or set background_collection.auto_start_collection)",
	    w->n == 1 ? "it" : "them");
}

int
pdc_jobwait_apns(struct pdc_conn *c, const char *const *apns, size_t n, double fresh_hours,
    double timeout, const volatile sig_atomic_t *stop, struct pdc_apnstatus *out,
    struct pdc_err *err)
{
	return pdc_jobwait_apns_worked(c, apns, n, fresh_hours, timeout, -1, stop, out, err);
}

int
pdc_jobwait_apns_worked(struct pdc_conn *c, const char *const *apns, size_t n,
    double fresh_hours, double timeout, double grace, const volatile sig_atomic_t *stop,
    struct pdc_apnstatus *out, struct pdc_err *err)
{
	struct apnwait w = { c, apns, n, fresh_hours, out, grace, pdc_clock_mono() };

	return pdc_jobwait(c, timeout, stop, look_apns, &w, err);
}

struct queuewait {
	struct pdc_conn *c;
	struct pdc_summary *sum;
};

static int
look_queue(void *arg, struct pdc_err *err)
{
	struct queuewait *w = arg;

	if (pdc_stats_summary(w->c, w->sum, err) == -1)
		return -1;
	return !pdc_jobwait_queue_open(w->sum);
}

int
pdc_jobwait_queue(struct pdc_conn *c, double timeout, const volatile sig_atomic_t *stop,
    struct pdc_summary *sum, struct pdc_err *err)
{
	struct queuewait w = { c, sum };

	return pdc_jobwait(c, timeout, stop, look_queue, &w, err);
}

bool
pdc_jobwait_apns_open(const struct pdc_apnstatus *st, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (st[i].state == PDC_APN_PENDING || st[i].state == PDC_APN_ACTIVE)
			return true;
	return false;
}

bool
pdc_jobwait_apns_failed(const struct pdc_apnstatus *st, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (st[i].state == PDC_APN_FAILED)
			return true;
	return false;
}

bool
pdc_jobwait_queue_open(const struct pdc_summary *sum)
{
	for (int p = 0; p < PDC_NPRIO; p++)
		if (sum->count[PDC_JOB_PENDING][p] > 0 || sum->count[PDC_JOB_ACTIVE][p] > 0)
			return true;
	return false;
}

bool
pdc_jobwait_queue_failed(const struct pdc_summary *sum)
{
	for (int p = 0; p < PDC_NPRIO; p++)
		if (sum->count[PDC_JOB_FAILED][p] > 0)
			return true;
	return false;
}

int
pdc_jobwait_follow(struct pdc_conn *c, struct pdc_err *err)
{
	/* Announce ourselves first: the database only builds events while
	 * someone follows (sql/005_followed.sql). */
	if (pdc_db_exec(c, "SELECT pdc_events_follow()", err) == -1)
		return -1;
	return pdc_db_listen(c, "pdc_events", err);
}

struct eventsink {
	pdc_jobwait_event_fn fn;
	void *arg;
};

static void
on_event(void *arg, const char *channel, const char *payload)
{
	struct eventsink *s = arg;
	struct pdc_event ev;

	if (pdc_event_parse(payload, &ev) == 0)
		s->fn(s->arg, &ev);
}

int
pdc_jobwait_events(struct pdc_conn *c, pdc_jobwait_event_fn fn, void *arg, struct pdc_err *err)
{
	struct eventsink s = { fn, arg };

	return pdc_db_notifications(c, on_event, &s, err);
}

int
pdc_jobwait_events_wait(struct pdc_conn *c, double seconds, int outfd,
    pdc_jobwait_event_fn fn, void *arg, struct pdc_err *err)
{
	struct pollfd pfd[2] = { { pdc_db_socket(c), POLLIN, 0 }, { outfd, 0, 0 } };

	if (poll(pfd, outfd >= 0 ? 2 : 1, (int)(seconds * 1000)) == -1 && errno != EINTR)
		return pdc_err_set(err, PDC_E_SYSTEM, "poll: %s", strerror(errno));
	if (outfd >= 0 && (pfd[1].revents & (POLLERR | POLLHUP)))
		return PDC_JOBWAIT_GONE;
	return pdc_jobwait_events(c, fn, arg, err);
}
