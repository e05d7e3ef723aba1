/*
 * pdc-enqueue - put APNs (arguments or standard input) on the job queue.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autostart.h"
#include "cli.h"
#include "enqueue.h"
#include "input.h"
#include "jobs.h"
#include "jobwait.h"
#include "log.h"
#include "out.h"
#include "queue.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: pdc-enqueue [-p PRIORITY] [--top N] [--force] [--wait [--timeout S]]\n"
	    "                   [--json | --header] [--profile NAME] [APN ...]\n"
	    "       pdc-enqueue --cancel [--active] [-p PRIORITY | --all] [--json | --header] [APN ... | -]\n"
	    "       pdc-enqueue --retry-failed [--since TIME] [--error PATTERN] [-p PRIORITY]\n"
	    "                   [--json | --header] [APN ... | -]\n"
	    "       pdc-enqueue --refresh [--older AGE] [-p PRIORITY]\n");
}

static const struct pdc_out_col cols[] = { { "apn", PDC_OUT_STR, 0 }, { "result", PDC_OUT_STATE, 0 } };

/* Each input's outcome, a row as it comes; a table lines up batch by batch. */
static int
print_row(void *arg, const char *what, const char *result, struct pdc_err *err)
{
	const char *cells[2] = { what, result };

	if (pdc_out_row(arg, cells) == -1)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	return 0;
}

static int
print_enqueued(void *arg, const char *what, enum pdc_enqueued e, struct pdc_err *err)
{
	return print_row(arg, what, pdc_enqueued_name(e), err);
}

static void
print_batch(void *arg)
{
	pdc_out_flush(arg);
}

/* An APN --retry-failed sent round again, as a row. */
static int
print_retried(void *arg, const char *apn, bool retried)
{
	struct pdc_err err;

	return print_row(arg, apn, retried ? "retried" : "none", &err);
}

/* The two runs that take inputs one at a time, behind one signature. */
typedef int (*add_fn)(void *run, const char *s, size_t len, bool is_arg, struct pdc_err *why,
    struct pdc_err *err);

static int
add_enqueue(void *run, const char *s, size_t len, bool is_arg, struct pdc_err *why,
    struct pdc_err *err)
{
	return pdc_enqueue_add(run, s, len, is_arg, why, err);
}

static int
add_jobs(void *run, const char *s, size_t len, bool is_arg, struct pdc_err *why,
    struct pdc_err *err)
{
	return pdc_jobs_run_add(run, s, len, is_arg, why, err);
}

/*
 * Give ADD the ARGC arguments, or standard input's lines when there are
 * none, until TOP APNs are taken (< 0: no limit), naming where each
 * refused input was.  Returns 0 when the input ended, 1 when standard
 * input could not be read (said here), -1 with ERR when the run failed.
 */
static int
feed(int argc, char *argv[], long top, add_fn add, void *run, struct pdc_err *err)
{
	struct pdc_input in;
	const char *s;
	size_t len;
	long taken = 0;
	int r = 0;
	bool failed = false;	/* the run, not the input */

	pdc_input_init(&in, argc, argv, stdin);
	while ((top < 0 || taken < top) && (r = pdc_input_next(&in, &s, &len)) == 1) {
		struct pdc_err why;

		if ((r = add(run, s, len, pdc_input_args(&in), &why, err)) == -1)
			failed = true;
		if (why.kind != PDC_OK)
			fprintf(stderr, "pdc-enqueue: %s: %s\n", in.where, why.msg);
		if (failed)
			break;
		taken += r == PDC_ENQUEUE_TAKEN;
	}
	if (r == -1 && !failed)
		fprintf(stderr, "pdc-enqueue: standard input: %s\n", strerror(errno));
	pdc_input_release(&in);
	return failed ? -1 : r == -1;
}

/*
 * --wait: until every APN enqueued is finished; the exit code.  STARTED: a
 * worker was just started for them, so give it time to announce itself;
 * otherwise, with none alive, say so at once (69) rather than wait for one.
 */
static int
wait_all(struct pdc_conn *conn, const struct pdc_enqueue *q, double fresh_hours, double timeout,
    bool started)
{
	struct pdc_apnstatus *out;
	struct pdc_err err;
	size_t n;
	const char *const *apns = pdc_enqueue_apns(q, &n);
	int rc;

	if (n == 0)
		return PDC_EXIT_OK;
	if ((out = calloc(n, sizeof(*out))) == NULL)
		return PDC_EXIT_FAILED;
	switch (pdc_jobwait_apns_worked(conn, apns, n, fresh_hours, timeout, started ? 30 : 5, NULL,
	    out, &err)) {
	case 1:
		rc = pdc_jobwait_apns_failed(out, n) ? PDC_EXIT_FAILED : PDC_EXIT_OK;
		break;
	case 0:
		fprintf(stderr, "pdc-enqueue: timed out waiting for collection\n");
		rc = PDC_EXIT_NOTYET;
		break;
	default:
		rc = pdc_cli_fail(&err);
		break;
	}
	free(out);
	return rc;
}

/* Start a worker for what was queued, when the configuration asks; true when one was. */
static bool
autostart(struct pdc_conn *conn, const struct pdc_config *cfg)
{
	char log[PATH_MAX + 16];

	if (!cfg->auto_start_collection || pdc_autostart_worker(conn, log, sizeof(log)) != 1)
		return false;
	pdc_log(PDC_LOG_INFO, "Started background data collection (pdc-worker --drain, log %s)", log);
	return true;
}

/* Queue the APNs of the arguments or standard input (OPTS->arg is the output); the exit code. */
static int
run_enqueue(struct pdc_conn *conn, const struct pdc_config *cfg, struct pdc_enqueue_opts *opts,
    long top, long timeout, int argc, char *argv[])
{
	struct pdc_enqueue *q;
	struct pdc_err err;
	int r, rc = PDC_EXIT_OK;

	if ((q = pdc_enqueue_new(conn, cfg, "pdc-enqueue", opts, &err)) == NULL)
		return pdc_cli_fail(&err);
	pdc_err_clear(&err);
	if ((r = feed(argc, argv, top, add_enqueue, q, &err)) == 1)
		rc = PDC_EXIT_DATAERR;
	if (r != -1)
		pdc_enqueue_finish(q, &err);
	if (err.kind != PDC_OK) {
		rc = pdc_cli_fail(&err);
		while ((r = pdc_enqueue_drain(q, &err)) != 0)
			if (r == -1)
				pdc_cli_fail(&err);
	} else {
		long queued = pdc_enqueue_count(q, PDC_ENQ_QUEUED), raised = pdc_enqueue_count(q, PDC_ENQ_RAISED);
		long fresh = pdc_enqueue_count(q, PDC_ENQ_FRESH), open = pdc_enqueue_count(q, PDC_ENQ_OPEN);
		long bad = pdc_enqueue_count(q, PDC_ENQ_BAD);
		bool started = false;

		fprintf(stderr, "Queued %ld %s for background data collection", queued,
		    queued == 1 ? "property" : "properties");
		if (raised > 0)
			fprintf(stderr, ", raised %ld", raised);
		if (fresh > 0)
			fprintf(stderr, ", %ld fresh (skipped)", fresh);
		if (open > 0)
			fprintf(stderr, ", %ld already open", open);
		if (bad > 0)
			fprintf(stderr, ", %ld bad", bad);
		fputc('\n', stderr);
		/* Every row is out before the worker starts or the wait begins. */
		pdc_out_flush(opts->arg);
		if (pdc_cli_fshut(stdout, "stdout"))
			rc = PDC_EXIT_FAILED;
		if (queued + raised > 0)
			started = autostart(conn, cfg);
		if (bad > 0 && rc == 0)
			rc = PDC_EXIT_DATAERR;
		if (opts->keep && rc == 0)
			rc = wait_all(conn, q, cfg->cache_expiry_hours, (double)timeout, started);
	}
	pdc_enqueue_free(q);
	return rc;
}

/* The job-table modes: what to do, and with which selectors. */
enum mode { ENQUEUE, CANCEL, RETRY, REFRESH };

struct jobrun {
	enum mode mode;
	struct pdc_conn *conn;
	struct pdc_out *out;
	int priority;		/* -1: none given */
	bool active;
	struct pdc_jobs_retry retry;
	long done, left, bad;	/* jobs changed, active ones left, bad inputs */
};

/* Cancel or retry the APNs of the arguments or standard input.  0, 1 or -1 as feed(). */
static int
run_apns(struct jobrun *r, int argc, char *argv[], struct pdc_err *err)
{
	struct pdc_jobs_run_opts o = { r->mode == RETRY ? PDC_JOBS_RETRY : PDC_JOBS_CANCEL, r->priority,
	    r->active, r->retry, print_row, print_batch, r->out };
	struct pdc_jobs_run *run;
	int rc;

	if ((run = pdc_jobs_run_new(r->conn, &o, err)) == NULL)
		return -1;
	if ((rc = feed(argc, argv, -1, add_jobs, run, err)) != -1 && pdc_jobs_run_finish(run, err) == -1)
		rc = -1;
	pdc_jobs_run_counts(run, &r->done, &r->left, &r->bad);
	pdc_jobs_run_free(run);
	return rc;
}

/* --cancel, --retry-failed, --refresh: the exit code. */
static int
run_jobs(struct jobrun *r, const struct pdc_config *cfg, double age, bool all, int argc,
    char *argv[])
{
	struct pdc_err err;
	int rc = PDC_EXIT_OK;
	bool from_stdin = (argc == 1 && strcmp(argv[0], "-") == 0) ||
	    (argc == 0 && r->mode == CANCEL && !all && r->priority < 0);

	pdc_err_clear(&err);
	if (r->mode == REFRESH) {
		long n = pdc_jobs_refresh(r->conn, age, r->priority < 0 ? PDC_PRIO_LOW : r->priority,
		    1 + cfg->retry_attempts, &err);

		if (n == -1)
			return pdc_cli_fail(&err);
		r->done = n;
		fprintf(stderr, "Queued %ld %s for refresh (collected more than %g%s ago)\n", n,
		    n == 1 ? "property" : "properties", fmod(age, 3600) == 0 ? age / 3600 : age,
		    fmod(age, 3600) == 0 ? "h" : "s");
	} else if (r->mode == CANCEL && argc == 0 && !from_stdin) {
		if (pdc_jobs_cancel_all(r->conn, r->priority, r->active, &r->done, &r->left, &err) == -1)
			return pdc_cli_fail(&err);
	} else if (r->mode == RETRY && argc == 0) {
		if ((r->done = pdc_jobs_retry_failed(r->conn, &r->retry, print_retried, r->out, &err)) == -1)
			return pdc_cli_fail(&err);
	} else {
		if (from_stdin && isatty(STDIN_FILENO)) {
			fprintf(stderr, "pdc-enqueue: no APNs given (as arguments or on standard input)\n");
			return PDC_EXIT_USAGE;
		}
		switch (run_apns(r, from_stdin ? 0 : argc, argv, &err)) {
		case -1: rc = pdc_cli_fail(&err); break;
		case 1: rc = PDC_EXIT_DATAERR; break;
		}
	}
	if (r->mode == CANCEL) {
		fprintf(stderr, "Cancelled %ld %s", r->done, r->done == 1 ? "job" : "jobs");
		if (r->left > 0)
			fprintf(stderr, ", %ld active left to finish (--active stops them)", r->left);
		fputc('\n', stderr);
	} else if (r->mode == RETRY) {
		fprintf(stderr, "Retrying %ld failed %s\n", r->done, r->done == 1 ? "job" : "jobs");
	}
	if (r->mode != CANCEL && r->done > 0)
		autostart(r->conn, cfg);
	if (rc == PDC_EXIT_OK && r->bad > 0)
		rc = PDC_EXIT_DATAERR;
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "active", no_argument, NULL, 'A' },
		{ "all", no_argument, NULL, 'a' },
		{ "cancel", no_argument, NULL, 'C' },
		{ "error", required_argument, NULL, 'E' },
		{ "force", no_argument, NULL, 'f' },
		{ "header", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "older", required_argument, NULL, 'O' },
		{ "priority", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, 'P' },
		{ "refresh", no_argument, NULL, 'R' },
		{ "retry-failed", no_argument, NULL, 'r' },
		{ "since", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "top", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "wait", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	struct pdc_enqueue_opts opts = { .priority = PDC_PRIO_NORMAL, .outcome = print_enqueued,
	    .batch_done = print_batch };
	struct pdc_config cfg;
	struct pdc_err err;
	const char *profile = NULL;
	long top = -1, timeout = 0;
	bool as_json = false, header = false, timeout_set = false, prio_set = false, all = false;
	struct jobrun jr = { .mode = ENQUEUE, .priority = -1,
	    .retry = { .since = -1, .priority = -1 } };
	double age = -1;
	int ch, rc, nmodes = 0;

	pdc_cli_init("pdc-enqueue");
	while ((ch = getopt_long(argc, argv, "fhp:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A': jr.active = true; break;
		case 'a': all = true; break;
		case 'C': jr.mode = CANCEL; nmodes++; break;
		case 'E':
			if (pdc_jobs_check_pattern(optarg, &err) == -1) {
				fprintf(stderr, "pdc-enqueue: --error: %s\n", err.msg);
				return PDC_EXIT_USAGE;
			}
			jr.retry.error = optarg;
			break;
		case 'f': opts.force = true; break;
		case 'H': header = true; break;
		case 'h': usage(stdout); return 0;
		case 'J': as_json = true; break;
		case 'p':
			if ((opts.priority = pdc_priority_parse(optarg)) < 0) {
				fprintf(stderr, "pdc-enqueue: -p: \"%s\" is not a priority "
				    "(critical, high, normal, low)\n", optarg);
				return PDC_EXIT_USAGE;
			}
			prio_set = true;
			break;
		case 'P': profile = optarg; break;
		case 'O':
			if (pdc_jobs_parse_age(optarg, &age, &err) == -1) {
				fprintf(stderr, "pdc-enqueue: --older: %s\n", err.msg);
				return PDC_EXIT_USAGE;
			}
			break;
		case 'R': jr.mode = REFRESH; nmodes++; break;
		case 'r': jr.mode = RETRY; nmodes++; break;
		case 'S':
			if (pdc_jobs_parse_time(optarg, &jr.retry.since, &err) == -1) {
				fprintf(stderr, "pdc-enqueue: --since: %s\n", err.msg);
				return PDC_EXIT_USAGE;
			}
			break;
		case 'T':
			if ((timeout = pdc_cli_number("--timeout", optarg, 1, 86400 * 30)) < 0)
				return PDC_EXIT_USAGE;
			timeout_set = true;
			break;
		case 't':
			if ((top = pdc_cli_number("--top", optarg, 1, LONG_MAX)) < 0)
				return PDC_EXIT_USAGE;
			break;
		case 'V': printf("pdc-enqueue %s\n", PDC_VERSION); return 0;
		case 'w': opts.keep = true; break;
		default: usage(stderr); return PDC_EXIT_USAGE;
		}
	}
	if (header && as_json) {
		fprintf(stderr, "pdc-enqueue: --header does not mix with --json\n");
		return PDC_EXIT_USAGE;
	}
	if (nmodes > 1) {
		fprintf(stderr, "pdc-enqueue: --cancel, --retry-failed and --refresh do not mix\n");
		return PDC_EXIT_USAGE;
	}
	if (age >= 0 && jr.mode != REFRESH) {
		fprintf(stderr, "pdc-enqueue: --older needs --refresh\n");
		return PDC_EXIT_USAGE;
	}
	if ((jr.active || all) && jr.mode != CANCEL) {
		fprintf(stderr, "pdc-enqueue: --%s needs --cancel\n", jr.active ? "active" : "all");
		return PDC_EXIT_USAGE;
	}
	if ((jr.retry.since >= 0 || jr.retry.error != NULL) && jr.mode != RETRY) {
		fprintf(stderr, "pdc-enqueue: --%s needs --retry-failed\n", jr.retry.error ? "error" : "since");
		return PDC_EXIT_USAGE;
	}
	if (jr.mode != ENQUEUE && (opts.force || opts.keep || top >= 0)) {
		fprintf(stderr, "pdc-enqueue: --force, --top and --wait go with queueing APNs only\n");
		return PDC_EXIT_USAGE;
	}
	if ((jr.mode == REFRESH && optind < argc) || (all && (optind < argc || prio_set))) {
		fprintf(stderr, "pdc-enqueue: --%s takes no APNs%s\n", all ? "all" : "refresh",
		    all ? " and no priority" : "");
		return PDC_EXIT_USAGE;
	}
	if (timeout_set && !opts.keep) {
		fprintf(stderr, "pdc-enqueue: --timeout needs --wait\n");
		return PDC_EXIT_USAGE;
	}
	if (jr.mode == ENQUEUE && optind == argc && isatty(STDIN_FILENO)) {
		fprintf(stderr, "pdc-enqueue: no APNs given (as arguments or on standard input)\n");
		usage(stderr);
		return PDC_EXIT_USAGE;
	}
	if (jr.mode != ENQUEUE && prio_set)
		jr.priority = jr.retry.priority = opts.priority;
	if ((rc = pdc_cli_config(&cfg, profile)) != 0)
		return rc;
	if (age < 0)
		age = cfg.cache_expiry_hours * 3600;
	jr.retry.max_attempts = 1 + cfg.retry_attempts;
	if ((jr.out = opts.arg = pdc_out_new(stdout, pdc_cli_outfmt(as_json), header, cols, 2)) == NULL) {
		pdc_config_release(&cfg);
		return PDC_EXIT_FAILED;
	}
	if ((jr.conn = pdc_db_open(&cfg, "pdc-enqueue", &err)) == NULL)
		rc = pdc_cli_fail(&err);
	else if (jr.retry.error != NULL && (rc = pdc_cli_pattern(jr.conn, "--error", jr.retry.error)) != 0)
		;	/* said why */
	else if (jr.mode == ENQUEUE)
		rc = run_enqueue(jr.conn, &cfg, &opts, top, timeout, argc - optind, argv + optind);
	else
		rc = run_jobs(&jr, &cfg, age, all, argc - optind, argv + optind);
	pdc_out_free(jr.out);
	/* (queueing checked it before waiting) */
	if (jr.mode != ENQUEUE && pdc_cli_fshut(stdout, "stdout") && rc == 0)
		rc = PDC_EXIT_FAILED;
	pdc_db_close(jr.conn);
	pdc_config_release(&cfg);
	return rc;
}
