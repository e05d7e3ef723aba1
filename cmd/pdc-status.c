/*
 * pdc-status - where collection stands: for shell scripts (exit codes) and people (--watch).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apn.h"
#include "cli.h"
#include "clock.h"
#include "jobs.h"
#include "jobwait.h"
#include "out.h"
#include "queue.h"
#include "stats.h"
#include "status.h"

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: pdc-status [--watch [--interval S]] [--wait [--timeout S]] [--json | --header] [--profile NAME] [APN ...]\n"
	    "       pdc-status --follow [--json] [--profile NAME] [APN ...]\n"
	    "       pdc-status --list [--state STATE] [--priority PRIORITY] [--older AGE] [--newer AGE]\n"
	    "                  [--error PATTERN] [--json | --header] [--profile NAME] [APN ...]\n");
}

/* 1 while anything is open; then 2 if failures are on record, else 0. */
static int
summary_exit(const struct pdc_summary *s)
{
	if (pdc_jobwait_queue_open(s))
		return PDC_EXIT_NOTYET;
	return pdc_jobwait_queue_failed(s) ? PDC_EXIT_FAILED : PDC_EXIT_OK;
}

/* The counts by state and priority, a row per state (table or TSV). */
static int
state_rows(const struct pdc_summary *s, const long *tot, enum pdc_outfmt fmt, bool header)
{
	static const struct pdc_out_col cols[1 + 1 + PDC_NPRIO] = {
		{ "state", PDC_OUT_STATE, 0 }, { "total", PDC_OUT_NUM, 0 }, { "critical", PDC_OUT_NUM, 0 },
		{ "high", PDC_OUT_NUM, 0 }, { "normal", PDC_OUT_NUM, 0 }, { "low", PDC_OUT_NUM, 0 }
	};
	struct pdc_out *o = pdc_out_new(stdout, fmt, header, cols, 1 + 1 + PDC_NPRIO);
	char num[1 + PDC_NPRIO][24];
	int rc = 0;

	if (o == NULL)
		return -1;
	for (int i = 0; i < PDC_JOB_NSTATES && rc == 0; i++) {
		const char *cells[1 + 1 + PDC_NPRIO] = { pdc_stats_state_name(i), num[0], num[1], num[2],
		    num[3], num[4] };

		snprintf(num[0], sizeof(num[0]), "%ld", tot[i]);
		for (int p = 0; p < PDC_NPRIO; p++)
			snprintf(num[p + 1], sizeof(num[p + 1]), "%ld", s->count[i][p]);
		rc = pdc_out_row(o, cells);
	}
	pdc_out_free(o);
	return rc;
}

static void
print_summary(const struct pdc_summary *s, enum pdc_outfmt fmt, bool header)
{
	long tot[PDC_JOB_NSTATES];

	if (fmt == PDC_OUT_JSON) {
		if (pdc_status_json(stdout, s) == -1)
			fprintf(stderr, "pdc-status: out of memory\n");
		return;
	}
	pdc_status_totals(s, tot);
	if (state_rows(s, tot, fmt, header) == -1)
		return;
	if (fmt == PDC_OUT_TSV) {
		printf("workers\t%ld\npaused\t%s\n", s->workers_alive, s->paused ? "yes" : "no");
		for (int i = 0; i < s->nhosts; i++) {
			const struct pdc_hoststate *h = &s->hosts[i];

			if (h->paused)
				printf("host\t%s\tpaused\t%.0f\t%s\n", h->host, h->paused_for, h->reason);
			else
				printf("host\t%s\t%s\t%.2f\t\n", h->host, h->slowdown < 1 ? "slowed" : "ok",
				    h->slowdown);
		}
		for (int i = 0; i < s->nformats; i++)
			printf("source\t%s\tunrecognised\t%s\t%ld\n", s->formats[i].source,
			    s->formats[i].since, s->formats[i].parcels);
		return;
	}
	printf("workers alive: %ld%s\n", s->workers_alive,
	    s->paused ? "   collection PAUSED (pdc-worker --resume)" : "");
	for (int i = 0; i < s->nhosts; i++) {
		const struct pdc_hoststate *h = &s->hosts[i];

		if (h->paused)
			printf("host %-28s PAUSED for %.0fs: %s\n", h->host, h->paused_for, h->reason);
		else
			printf("host %-28s %s (%ld request slots used)\n", h->host,
			    h->slowdown < 1 ? "slowed down" : "ok", h->requests);
	}
	for (int i = 0; i < s->nformats; i++) {
		char line[160];

		pdc_srcformat_line(&s->formats[i], line, sizeof(line));
		puts(line);
	}
}

/* Escape sequences for a terminal; nothing elsewhere, or when NO_COLOR is set. */
static const char *
sgr(bool on, const char *seq)
{
	return on ? seq : "";
}

/*
 * One frame of --watch: counts, the progress bar, workers and the pause
 * flag, and each host's request rate since the last frame (RATES[i] < 0:
 * not known yet).  On a terminal every line erases what the last frame left.
 */
static void
draw_watch(const struct pdc_summary *s, const double *rates, double interval, bool tty)
{
	const char *eol = tty ? "\033[K\n" : "\n";
	bool color = tty && pdc_cli_color(stdout);
	long tot[PDC_JOB_NSTATES], done, all;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int width = 40, fill;

	pdc_status_totals(s, tot);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("pdc-status: every %gs, %s%s", interval, stamp, eol);
	fputs(eol, stdout);
	printf("%-10s %9s %9s %9s %9s %9s%s", "STATE", "TOTAL", "CRITICAL", "HIGH", "NORMAL", "LOW", eol);
	for (int i = 0; i < PDC_JOB_NSTATES; i++)
		printf("%-10s %9ld %9ld %9ld %9ld %9ld%s", pdc_stats_state_name(i), tot[i],
		    s->count[i][PDC_PRIO_CRITICAL], s->count[i][PDC_PRIO_HIGH],
		    s->count[i][PDC_PRIO_NORMAL], s->count[i][PDC_PRIO_LOW], eol);
	pdc_status_progress(s, &done, &all);
	fill = all > 0 ? (int)(width * done / all) : width;
	printf("%s[%s", eol, sgr(color && fill > 0, "\033[32m"));
	for (int i = 0; i < width; i++) {
		if (i == fill && fill > 0)
			fputs(sgr(color, "\033[0m"), stdout);
		putchar(i < fill ? '#' : '.');
	}
	printf("%s] %ld/%ld finished (%.0f%%)%s", sgr(color && fill == width, "\033[0m"), done, all,
	    all > 0 ? 100.0 * done / all : 100.0, eol);
	printf("workers alive: %ld, collection %s%s%s%s", s->workers_alive,
	    sgr(color && s->paused, "\033[1;31m"), s->paused ? "PAUSED (pdc-worker --resume)" : "running",
	    sgr(color && s->paused, "\033[0m"), eol);
	if (s->nhosts > 0)
		printf("%s%-28s %10s  %s%s", eol, "HOST", "REQUESTS/S", "STATE", eol);
	for (int i = 0; i < s->nhosts; i++) {
		const struct pdc_hoststate *h = &s->hosts[i];
		char rate[24] = "-";

		if (rates[i] >= 0)
			snprintf(rate, sizeof(rate), "%.1f", rates[i]);
		printf("%-28s %10s  ", h->host, rate);
		if (h->paused)
			printf("%sPAUSED%s for %.0fs: %s%s", sgr(color, "\033[1;31m"), sgr(color, "\033[0m"),
			    h->paused_for, h->reason, eol);
		else if (h->slowdown < 1)
			printf("slowed down to %.0f%% of its rate%s", h->slowdown * 100, eol);
		else
			printf("ok%s", eol);
	}
	for (int i = 0; i < s->nformats; i++) {
		char line[160];

		pdc_srcformat_line(&s->formats[i], line, sizeof(line));
		printf("%s%s", line, eol);
	}
	if (tty)
		fputs("\033[J", stdout);	/* whatever a longer last frame left below */
	else
		putchar('\n');
}

/* Is APN among the N given (all are, when none is given)? */
static bool
wanted(const char *apn, const char *const *apns, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(apns[i], apn) == 0)
			return true;
	return n == 0;
}

/* --follow's state: the APNs asked for, and where events go. */
struct follower {
	const char *const *apns;
	size_t n;
	enum pdc_outfmt fmt;
	struct pdc_out *out;	/* JSON or TSV; the table is a line each, unaligned */
	int rc;			/* 0, or -1 when a row could not be made */
};

/* JSON has the event's id; a pipe the lines people grep. */
static const struct pdc_out_col event_json[] = {
	{ "time", PDC_OUT_STR, 0 }, { "id", PDC_OUT_NUM, 0 }, { "apn", PDC_OUT_STR, 0 },
	{ "event", PDC_OUT_STR, 0 }, { "attempt", PDC_OUT_NUM, 0 }, { "error", PDC_OUT_STR, 0 }
};
static const struct pdc_out_col event_tsv[] = {
	{ "time", PDC_OUT_STR, 0 }, { "apn", PDC_OUT_STR, 0 }, { "event", PDC_OUT_STR, 0 },
	{ "attempt", PDC_OUT_NUM, 0 }, { "error", PDC_OUT_STR, 0 }
};

static void
print_event(void *arg, const struct pdc_event *ev)
{
	struct follower *f = arg;
	char stamp[40], id[24], attempt[16];
	struct timespec ts;
	struct tm tm;

	if (!wanted(ev->apn, f->apns, f->n))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + strlen(stamp), sizeof(stamp) - strlen(stamp), ".%03ldZ", ts.tv_nsec / 1000000);
	snprintf(id, sizeof(id), "%lld", ev->id);
	snprintf(attempt, sizeof(attempt), "%d", ev->attempt);
	if (f->fmt == PDC_OUT_JSON) {
		const char *cells[6] = { stamp, id, ev->apn, ev->event, attempt, ev->error[0] ? ev->error : NULL };

		if (pdc_out_row(f->out, cells) == -1)
			f->rc = -1;
	} else if (f->fmt == PDC_OUT_TSV) {
		const char *cells[5] = { stamp, ev->apn, ev->event, attempt, ev->error };

		if (pdc_out_row(f->out, cells) == -1)
			f->rc = -1;
	} else {
		printf("%s  %-12s  %-9s  attempt %d%s%s\n", stamp, ev->apn, ev->event, ev->attempt,
		    ev->error[0] ? "  " : "", ev->error);
	}
}

/*
 * --follow: one line per job event as the database announces it, until a
 * signal, or until nobody reads standard output any more (both exit 0).
 */
static int
follow(struct pdc_conn *conn, const char *const *apns, size_t n, enum pdc_outfmt fmt)
{
	struct follower f = { apns, n, fmt, NULL, 0 };
	struct pdc_err err;
	int rc = PDC_EXIT_OK;

	if (fmt == PDC_OUT_JSON)
		f.out = pdc_out_new(stdout, fmt, false, event_json, 6);
	else if (fmt == PDC_OUT_TSV)
		f.out = pdc_out_new(stdout, fmt, false, event_tsv, 5);
	if (fmt != PDC_OUT_TABLE && f.out == NULL)
		return PDC_EXIT_FAILED;
	if (pdc_jobwait_follow(conn, &err) == -1) {
		pdc_out_free(f.out);
		return pdc_cli_fail(&err);
	}
	while (!interrupted) {
		int r = pdc_jobwait_events_wait(conn, 1.0, STDOUT_FILENO, print_event, &f, &err);

		if (r == PDC_JOBWAIT_GONE)
			break;
		if (r == -1) {
			rc = pdc_cli_fail(&err);
			break;
		}
		if (f.rc == -1) {
			fprintf(stderr, "pdc-status: out of memory\n");
			rc = PDC_EXIT_FAILED;
			break;
		}
		/* Each line goes out as it happens; a reader that left ends the stream. */
		if (fflush(stdout) != 0 || ferror(stdout)) {
			if (errno != EPIPE) {
				pdc_cli_fshut(stdout, "stdout");
				rc = PDC_EXIT_FAILED;
			}
			break;
		}
	}
	pdc_out_free(f.out);
	return rc;
}

static int
apn_exit(const struct pdc_apnstatus *st, size_t n)
{
	int rc = PDC_EXIT_OK;

	for (size_t i = 0; i < n; i++) {
		if (st[i].state == PDC_APN_FAILED)
			return PDC_EXIT_FAILED;
		if (st[i].state != PDC_APN_COMPLETE)
			rc = PDC_EXIT_NOTYET;
	}
	return rc;
}

static int
print_apns(const char *const *apns, const struct pdc_apnstatus *st, size_t n, enum pdc_outfmt fmt,
    bool header)
{
	static const struct pdc_out_col cols[] = {
		{ "apn", PDC_OUT_STR, 0 }, { "status", PDC_OUT_STATE, 0 }, { "priority", PDC_OUT_STR, 0 },
		{ "attempts", PDC_OUT_NUM, 0 }, { "time", PDC_OUT_STR, 0 }, { "error", PDC_OUT_STR, 0 }
	};
	struct pdc_out *o = pdc_out_new(stdout, fmt, header, cols, 6);
	int rc = 0;

	if (o == NULL)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char attempts[16];
		const char *cells[6] = { apns[i], pdc_apnstate_name(st[i].state),
		    st[i].priority >= 0 ? pdc_priority_name(st[i].priority) : NULL, attempts,
		    st[i].when[0] ? st[i].when : NULL, st[i].error[0] ? st[i].error : NULL };

		snprintf(attempts, sizeof(attempts), "%d", st[i].attempts);
		rc = pdc_out_row(o, cells);
	}
	pdc_out_free(o);
	return rc;
}

/*
 * --watch: a frame every INTERVAL seconds until a signal or a reader that
 * left.  Returns the last frame's exit code, or -1 with ERR.
 */
static int
watch_loop(struct pdc_conn *conn, const char *const *apns, struct pdc_apnstatus *st, size_t n,
    double fresh_hours, long interval, struct pdc_err *err)
{
	struct pdc_summary sum, prev;
	double prev_t = 0;
	bool tty = isatty(STDOUT_FILENO), drawn = false;
	int rc;

	for (;;) {
		if (n > 0) {
			if (pdc_queue_lookup(conn, apns, n, fresh_hours, st, err) == -1)
				return -1;
			rc = apn_exit(st, n);
		} else {
			if (pdc_stats_summary(conn, &sum, err) == -1)
				return -1;
			rc = summary_exit(&sum);
		}
		/* Home, then each line over the last frame's: no flicker. */
		if (tty)
			fputs(drawn ? "\033[H" : "\033[H\033[2J", stdout);
		drawn = true;
		if (n > 0) {
			print_apns(apns, st, n, PDC_OUT_TABLE, false);
			if (tty)
				fputs("\033[J", stdout);
		} else {
			double rates[PDC_MAXHOSTS], now = pdc_clock_mono();

			pdc_status_rates(prev_t > 0 ? &prev : NULL, &sum, now - prev_t, rates);
			draw_watch(&sum, rates, (double)interval, tty);
			prev = sum;
			prev_t = now;
		}
		if (fflush(stdout) != 0 || ferror(stdout) || interrupted)
			break;
		sleep((unsigned)interval);
		if (interrupted)
			break;
	}
	return rc;
}

static const struct pdc_out_col job_cols[] = {
	{ "apn", PDC_OUT_STR, 0 }, { "id", PDC_OUT_NUM, 0 }, { "state", PDC_OUT_STATE, 0 },
	{ "priority", PDC_OUT_STR, 0 }, { "attempts", PDC_OUT_NUM, 0 }, { "queued", PDC_OUT_STR, 0 },
	{ "time", PDC_OUT_STR, 0 }, { "error", PDC_OUT_STR, 60 }
};

/* A page of a table is lined up as it comes: the memory stays that of a page. */
#define LIST_FLUSH 1000

static int
job_row(void *arg, const struct pdc_jobrow *j, struct pdc_err *err)
{
	static long rows;
	char id[24], attempts[16];
	const char *cells[8] = { j->apn, id, j->state, pdc_priority_name(j->priority), attempts,
	    j->queued, j->time, j->error };

	snprintf(id, sizeof(id), "%lld", (long long)j->id);
	snprintf(attempts, sizeof(attempts), "%d", j->attempts);
	if (pdc_out_row(arg, cells) == -1)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	if (++rows % LIST_FLUSH == 0)
		pdc_out_flush(arg);
	return 0;
}

/* --list: the jobs F selects, one a row; the exit code. */
static int
list_jobs(struct pdc_conn *conn, const struct pdc_jobs_filter *f, enum pdc_outfmt fmt, bool header)
{
	struct pdc_out *o = pdc_out_new(stdout, fmt, header, job_cols, 8);
	struct pdc_err err;
	int rc = PDC_EXIT_OK;

	if (o == NULL)
		return PDC_EXIT_FAILED;
	if (pdc_jobs_list(conn, f, job_row, o, &err) == -1)
		rc = pdc_cli_fail(&err);
	pdc_out_free(o);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "error", required_argument, NULL, 'E' },
		{ "follow", no_argument, NULL, 'F' },
		{ "header", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'J' },
		{ "list", no_argument, NULL, 'L' },
		{ "newer", required_argument, NULL, 'N' },
		{ "older", required_argument, NULL, 'O' },
		{ "priority", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, 'P' },
		{ "state", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "version", no_argument, NULL, 'V' },
		{ "wait", no_argument, NULL, 'w' },
		{ "watch", no_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 }
	};
	struct pdc_config cfg;
	struct pdc_err err;
	struct pdc_conn *conn = NULL;
	struct pdc_apnstatus *st = NULL;
	const char **ptrs = NULL;
	const char *profile = NULL;
	bool as_json = false, header = false, wait = false, watch = false, timeout_set = false, follow_events = false;
	long timeout = 0, interval = 1;
	bool interval_set = false, list = false, filtered = false;
	struct pdc_jobs_filter filter = { .priority = -1, .older = -1, .newer = -1 };
	size_t n = 0;
	int ch, rc;

	pdc_cli_init("pdc-status");
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'E':
			if (pdc_jobs_check_pattern(optarg, &err) == -1) {
				fprintf(stderr, "pdc-status: --error: %s\n", err.msg);
				return PDC_EXIT_USAGE;
			}
			filter.error = optarg;
			filtered = true;
			break;
		case 'F': follow_events = true; break;
		case 'H': header = true; break;
		case 'h': usage(stdout); return 0;
		case 'i':
			if ((interval = pdc_cli_number("--interval", optarg, 1, 3600)) < 0)
				return PDC_EXIT_USAGE;
			interval_set = true;
			break;
		case 'J': as_json = true; break;
		case 'L': list = true; break;
		case 'N':
		case 'O':
			if (pdc_jobs_parse_age(optarg, ch == 'N' ? &filter.newer : &filter.older, &err) == -1) {
				fprintf(stderr, "pdc-status: --%s: %s\n", ch == 'N' ? "newer" : "older", err.msg);
				return PDC_EXIT_USAGE;
			}
			filtered = true;
			break;
		case 'p':
			if ((filter.priority = pdc_priority_parse(optarg)) < 0) {
				fprintf(stderr, "pdc-status: --priority: \"%s\" is not a priority "
				    "(critical, high, normal, low)\n", optarg);
				return PDC_EXIT_USAGE;
			}
			filtered = true;
			break;
		case 'S':
			if (!pdc_jobs_state_known(optarg)) {
				fprintf(stderr, "pdc-status: --state: \"%s\" is not a state (pending, retrying, "
				    "active, completed, failed, cancelled)\n", optarg);
				return PDC_EXIT_USAGE;
			}
			filter.state = optarg;
			filtered = true;
			break;
		case 'P': profile = optarg; break;
		case 'T':
			if ((timeout = pdc_cli_number("--timeout", optarg, 1, 86400 * 30)) < 0)
				return PDC_EXIT_USAGE;
			timeout_set = true;
			break;
		case 'V': printf("pdc-status %s\n", PDC_VERSION); return 0;
		case 'w': wait = true; break;
		case 'W': watch = true; break;
		default: usage(stderr); return PDC_EXIT_USAGE;
		}
	}
	if (filtered && !list) {
		fprintf(stderr, "pdc-status: --state, --priority, --older, --newer and --error need --list\n");
		return PDC_EXIT_USAGE;
	}
	if (list && (wait || watch || follow_events)) {
		fprintf(stderr, "pdc-status: --list does not mix with --wait, --watch or --follow\n");
		return PDC_EXIT_USAGE;
	}
	if (timeout_set && !wait) {
		fprintf(stderr, "pdc-status: --timeout needs --wait\n");
		return PDC_EXIT_USAGE;
	}
	if (watch && (wait || as_json)) {
		fprintf(stderr, "pdc-status: --watch does not mix with --wait or --json\n");
		return PDC_EXIT_USAGE;
	}
	if (interval_set && !watch) {
		fprintf(stderr, "pdc-status: --interval needs --watch\n");
		return PDC_EXIT_USAGE;
	}
	if (follow_events && (wait || watch)) {
		fprintf(stderr, "pdc-status: --follow does not mix with --wait or --watch\n");
		return PDC_EXIT_USAGE;
	}
	/* a header is for TSV: JSON names every value, the screen and the event lines have their own */
	if (header && (as_json || watch || follow_events)) {
		fprintf(stderr, "pdc-status: --header does not mix with --%s\n",
		    as_json ? "json" : watch ? "watch" : "follow");
		return PDC_EXIT_USAGE;
	}
	n = (size_t)(argc - optind);
	if ((rc = pdc_cli_apns(argc - optind, argv + optind, &ptrs)) != 0)
		return rc;
	if (n > 0 && (st = calloc(n, sizeof(*st))) == NULL) {
		free(ptrs);
		return PDC_EXIT_FAILED;
	}
	if ((rc = pdc_cli_config(&cfg, profile)) != 0)
		goto done;
	if ((conn = pdc_db_open(&cfg, "pdc-status", &err)) == NULL) {
		rc = pdc_cli_fail(&err);
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	enum pdc_outfmt fmt = pdc_cli_outfmt(as_json);
	if (list) {
		if (filter.error != NULL && (rc = pdc_cli_pattern(conn, "--error", filter.error)) != 0)
			goto out;
		filter.apns = n > 0 ? ptrs : NULL;
		filter.napns = n;
		rc = list_jobs(conn, &filter, fmt, header);
		if (pdc_cli_fshut(stdout, "stdout") && rc == 0)
			rc = PDC_EXIT_FAILED;
		goto out;
	}
	if (follow_events) {
		rc = follow(conn, ptrs, n, fmt);
		goto out;
	}
	if (watch) {
		if ((rc = watch_loop(conn, ptrs, st, n, cfg.cache_expiry_hours, interval, &err)) == -1) {
			rc = pdc_cli_fail(&err);
			goto out;
		}
	} else {
		struct pdc_summary sum;
		int r;

		/* Waiting ends when nothing is on its way: complete, failed, stale and none are all final. */
		if (wait && n > 0)
			r = pdc_jobwait_apns(conn, ptrs, n, cfg.cache_expiry_hours, (double)timeout, &interrupted,
			    st, &err);
		else if (wait)
			r = pdc_jobwait_queue(conn, (double)timeout, &interrupted, &sum, &err);
		else if (n > 0)
			r = pdc_queue_lookup(conn, ptrs, n, cfg.cache_expiry_hours, st, &err);
		else
			r = pdc_stats_summary(conn, &sum, &err);
		if (r == -1) {
			rc = pdc_cli_fail(&err);
			goto out;
		}
		if (n > 0) {
			rc = apn_exit(st, n);
			print_apns(ptrs, st, n, fmt, header);
		} else {
			rc = summary_exit(&sum);
			print_summary(&sum, fmt, header);
		}
		if (wait && r == 0)
			fprintf(stderr, "pdc-status: %s waiting\n", interrupted ? "interrupted while" : "timed out");
	}
	if (pdc_cli_fshut(stdout, "stdout"))
		rc = PDC_EXIT_FAILED;
out:
	pdc_db_close(conn);
	pdc_config_release(&cfg);
done:
	free(ptrs);
	free(st);
	return rc;
}
