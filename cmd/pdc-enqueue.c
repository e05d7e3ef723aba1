/*
 * pdc-enqueue - put APNs (arguments or standard input) on the job queue.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autostart.h"
#include "cli.h"
#include "enqueue.h"
#include "jobwait.h"
#include "log.h"
#include "out.h"
#include "queue.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: pdc-enqueue [-p PRIORITY] [--top N] [--force] [--wait [--timeout S]]\n"
	    "                   [--json | --header] [--profile NAME] [APN ...]\n");
}

static const struct pdc_out_col cols[] = { { "apn", PDC_OUT_STR, 0 }, { "result", PDC_OUT_STATE, 0 } };

/* Each input's outcome, a row as it comes; a table lines up batch by batch. */
static int
print_outcome(void *arg, const char *what, enum pdc_enqueued e, struct pdc_err *err)
{
	const char *cells[2] = { what, pdc_enqueued_name(e) };

	if (pdc_out_row(arg, cells) == -1)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	return 0;
}

static void
print_batch(void *arg)
{
	pdc_out_flush(arg);
}

/*
 * One input (WHERE names it for messages).  Returns 1 for an APN taken, 0
 * otherwise, -1 with ERR when the run failed.
 */
static int
add(struct pdc_enqueue *q, const char *s, size_t len, const char *where, bool is_arg,
    struct pdc_err *err)
{
	struct pdc_err why;
	int r = pdc_enqueue_add(q, s, len, is_arg, &why, err);

	if (why.kind != PDC_OK)
		fprintf(stderr, "pdc-enqueue: %s: %s\n", where, why.msg);
	return r == -1 ? -1 : r == PDC_ENQUEUE_TAKEN;
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
	switch (pdc_jobwait_apns_worked(conn, apns, n, fresh_hours, timeout, started ? 30 : 0, NULL,
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

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "header", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "priority", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "top", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "wait", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	struct pdc_enqueue_opts opts = { .priority = PDC_PRIO_NORMAL, .outcome = print_outcome,
	    .batch_done = print_batch };
	struct pdc_config cfg;
	struct pdc_err err;
	struct pdc_conn *conn;
	struct pdc_enqueue *q = NULL;
	struct pdc_out *out;
	const char *profile = NULL;
	long top = -1, timeout = 0, taken = 0;
	bool as_json = false, header = false, timeout_set = false;
	int ch, rc;

	pdc_cli_init("pdc-enqueue");
	while ((ch = getopt_long(argc, argv, "fhp:", longopts, NULL)) != -1) {
		switch (ch) {
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
			break;
		case 'P': profile = optarg; break;
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
	if (timeout_set && !opts.keep) {
		fprintf(stderr, "pdc-enqueue: --timeout needs --wait\n");
		return PDC_EXIT_USAGE;
	}
	if (optind == argc && isatty(STDIN_FILENO)) {
		fprintf(stderr, "pdc-enqueue: no APNs given (as arguments or on standard input)\n");
		usage(stderr);
		return PDC_EXIT_USAGE;
	}
	if ((rc = pdc_cli_config(&cfg, profile)) != 0)
		return rc;
	if ((out = pdc_out_new(stdout, pdc_cli_outfmt(as_json), header, cols, 2)) == NULL) {
		pdc_config_release(&cfg);
		return PDC_EXIT_FAILED;
	}
	opts.arg = out;
	if ((conn = pdc_db_open(&cfg, "pdc-enqueue", &err)) == NULL ||
	    (q = pdc_enqueue_new(conn, &cfg, "pdc-enqueue", &opts, &err)) == NULL) {
		rc = pdc_cli_fail(&err);
		pdc_db_close(conn);
		pdc_out_free(out);
		pdc_config_release(&cfg);
		return rc;
	}
	pdc_err_clear(&err);
	rc = 0;
	if (optind < argc) {
		for (int i = optind; i < argc && (top < 0 || taken < top); i++) {
			char where[32];
			int r;

			snprintf(where, sizeof(where), "argument %d", i - optind + 1);
			if ((r = add(q, argv[i], strlen(argv[i]), where, true, &err)) < 0)
				break;
			taken += r;
		}
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		long lineno = 0;

		while ((top < 0 || taken < top) && (len = getline(&line, &cap, stdin)) != -1) {
			char where[32];
			int r;

			lineno++;
			if (len > 0 && line[len - 1] == '\n')
				len--;
			snprintf(where, sizeof(where), "line %ld", lineno);
			if ((r = add(q, line, (size_t)len, where, false, &err)) < 0)
				break;
			taken += r;
		}
		free(line);
		if (ferror(stdin)) {
			fprintf(stderr, "pdc-enqueue: standard input: %s\n", strerror(errno));
			rc = PDC_EXIT_DATAERR;
		}
	}
	if (err.kind == PDC_OK)
		pdc_enqueue_finish(q, &err);
	if (err.kind != PDC_OK) {
		int r;

		rc = pdc_cli_fail(&err);
		while ((r = pdc_enqueue_drain(q, &err)) != 0)
			if (r == -1)
				pdc_cli_fail(&err);
	} else {
		long queued = pdc_enqueue_count(q, PDC_ENQ_QUEUED), raised = pdc_enqueue_count(q, PDC_ENQ_RAISED);
		long fresh = pdc_enqueue_count(q, PDC_ENQ_FRESH), open = pdc_enqueue_count(q, PDC_ENQ_OPEN);
		long bad = pdc_enqueue_count(q, PDC_ENQ_BAD);
		char log[PATH_MAX + 16];
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
		pdc_out_free(out);
		out = NULL;
		if (pdc_cli_fshut(stdout, "stdout"))
			rc = PDC_EXIT_FAILED;
		if (queued + raised > 0 && cfg.auto_start_collection &&
		    pdc_autostart_worker(conn, log, sizeof(log)) == 1) {
			started = true;
			pdc_log(PDC_LOG_INFO, "Started background data collection (pdc-worker --drain, log %s)", log);
		}
		if (bad > 0 && rc == 0)
			rc = PDC_EXIT_DATAERR;
		if (opts.keep && rc == 0)
			rc = wait_all(conn, q, cfg.cache_expiry_hours, (double)timeout, started);
	}
	pdc_out_free(out);
	pdc_enqueue_free(q);
	pdc_db_close(conn);
	pdc_config_release(&cfg);
	return rc;
}
