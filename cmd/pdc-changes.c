/*
 * pdc-changes - what collections changed in records: the change feed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "apn.h"
#include "cli.h"
#include "history.h"
#include "input.h"
#include "jobs.h"
#include "jobwait.h"
#include "out.h"

/* A follower reads only changes this old: see pdc_history_query. */
#define SETTLE_SECS 3.0

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
	fprintf(fp, "usage: pdc-changes [--follow] [--json | --tsv] [--kind KIND,...] "
	    "[--profile NAME] [--since WHEN] [APN ...]\n");
}

/* S matches PATTERN, where D stands for any digit. */
static bool
shaped(const char *s, const char *pattern)
{
	for (; *pattern != '\0'; s++, pattern++)
		if (*pattern == 'D' ? !(*s >= '0' && *s <= '9') : *s != *pattern)
			return false;
	return *s == '\0';
}

/*
 * WHEN: a date (2026-12-01), a time (2026-12-01T08:00:00Z) or a duration
 * back from now (90s, 30m, 24h, 7d, 2w).  Sets *SINCE (a time PostgreSQL
 * reads) or *SECS.  0, or -1 when WHEN is none of these.
 */
static int
parse_since(const char *when, const char **since, double *secs)
{
	static const struct { char unit; double secs; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 }
	};
	size_t len = strlen(when);
	struct pdc_err err;
	double t;

	if (len >= 2 && len <= 9 && strspn(when, "0123456789") == len - 1) {
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			if (when[len - 1] != units[i].unit)
				continue;
			*secs = strtod(when, NULL) * units[i].secs;
			return *secs > 0 ? 0 : -1;
		}
		return -1;
	}
	/* D a digit */
	if (!shaped(when, "DDDD-DD-DD") && !shaped(when, "DDDD-DD-DDTDD:DD:DD") &&
	    !shaped(when, "DDDD-DD-DDTDD:DD:DDZ"))
		return -1;
	/* a day the calendar has (not February 31), at a time the clock shows */
	if (pdc_jobs_parse_time(when, &t, &err) == -1)
		return -1;
	*since = when;
	return 0;
}

/* Where events go. */
struct printer {
	enum pdc_outfmt fmt;
	bool follow;		/* the table as a line each, unaligned */
	struct pdc_out *out;	/* the table and TSV */
	long n;
};

static const struct pdc_out_col cols[] = {
	{ "seen_at", PDC_OUT_STR, 0 }, { "apn", PDC_OUT_STR, 0 }, { "kind", PDC_OUT_STR, 0 },
	{ "change", PDC_OUT_STR, 0 }
};

static int
print_event(void *arg, const cJSON *ev, struct pdc_err *err)
{
	struct printer *p = arg;
	const char *cells[4];
	static const char *const keys[4] = { "seen_at", "apn", "kind", "text" };

	p->n++;
	if (p->fmt == PDC_OUT_JSON) {
		char *s = cJSON_PrintUnformatted(ev);

		if (s == NULL)
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		puts(s);
		cJSON_free(s);
		return 0;
	}
	for (int i = 0; i < 4; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(ev, keys[i]);

		cells[i] = cJSON_IsString(v) ? v->valuestring : NULL;
	}
	if (p->fmt == PDC_OUT_TABLE && p->follow) {
		printf("%s  %-12s  %s\n", cells[0], cells[1], cells[3]);
		return 0;
	}
	if (pdc_out_row(p->out, cells) == -1)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	return 0;
}

static void
no_event(void *arg, const struct pdc_event *ev)
{
	(void)ev;
	*(bool *)arg = true;
}

/*
 * --follow: the changes as collections land, until a signal or until nobody
 * reads standard output any more (both exit 0).  A collection's job event
 * wakes the reader; it also looks every second, for collections that have
 * no job (pdc-worker --apn).
 */
static int
follow(struct pdc_conn *conn, struct pdc_history_query *q, struct printer *p)
{
	struct pdc_err err;
	long long last;

	q->settle_secs = SETTLE_SECS;
	if (q->since == NULL && q->since_secs == 0) {
		struct pdc_history_query now = *q;

		/* From now on: where the stored changes end. */
		now.newest_first = true;
		now.limit = 1;
		now.apns = NULL;
		now.napns = 0;
		now.kinds = 0;
		now.settle_secs = 0;
		if ((last = pdc_history_read(conn, &now, NULL, NULL, &err)) == -1)
			return pdc_cli_fail(&err);
		q->after_id = last;
	}
	if (pdc_jobwait_follow(conn, &err) == -1)
		return pdc_cli_fail(&err);
	while (!interrupted) {
		bool woken = false;
		int r;

		if ((last = pdc_history_read(conn, q, print_event, p, &err)) == -1)
			return pdc_cli_fail(&err);
		if (last > q->after_id)
			q->after_id = last;
		if (fflush(stdout) == EOF)
			return pdc_cli_fshut(stdout, "stdout") ? PDC_EXIT_FAILED : PDC_EXIT_OK;
		if ((r = pdc_jobwait_events_wait(conn, 1.0, STDOUT_FILENO, no_event, &woken, &err)) ==
		    PDC_JOBWAIT_GONE)
			break;
		if (r == -1)
			return pdc_cli_fail(&err);
	}
	return PDC_EXIT_OK;
}

/* APNs from standard input when it is a pipe or a file: -1 on a bad line (reported). */
static int
read_apns(char (**apns)[PDC_APN_MAX], size_t *n, size_t *cap)
{
	struct pdc_input in;
	const char *line;
	size_t len;
	int r, rc = 0;

	pdc_input_init(&in, 0, NULL, stdin);
	while ((r = pdc_input_next(&in, &line, &len)) == 1) {
		struct pdc_err err;
		char apn[PDC_APN_MAX];
		int k;

		if ((k = pdc_input_apn(line, len, apn, &err)) == -1) {
			fprintf(stderr, "pdc-changes: %s: %s\n", in.where, err.msg);
			rc = -1;
			continue;
		}
		if (k == 0)
			continue;
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 64;
			void *nv = reallocarray(*apns, ncap, sizeof(**apns));

			if (nv == NULL) {
				pdc_input_release(&in);
				return -2;
			}
			*apns = nv;
			*cap = ncap;
		}
		memcpy((*apns)[(*n)++], apn, PDC_APN_MAX);
	}
	if (r == -1) {
		fprintf(stderr, "pdc-changes: standard input: %s\n", strerror(errno));
		rc = -1;
	}
	pdc_input_release(&in);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "follow", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "kind", required_argument, NULL, 'k' },
		{ "profile", required_argument, NULL, 'P' },
		{ "since", required_argument, NULL, 's' },
		{ "tsv", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct pdc_history_query q;
	struct printer p = { PDC_OUT_TABLE, false, NULL, 0 };
	struct pdc_config cfg;
	struct pdc_conn *conn = NULL;
	struct pdc_err err;
	char (*apns)[PDC_APN_MAX] = NULL;
	const char **ptrs = NULL;
	const char *profile = NULL;
	bool as_json = false, as_tsv = false, bad = false;
	size_t n = 0, cap = 0;
	struct stat sb;
	int ch, rc;

	memset(&q, 0, sizeof(q));
	pdc_cli_init("pdc-changes");
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'F': p.follow = true; break;
		case 'h': usage(stdout); return 0;
		case 'J': as_json = true; break;
		case 'k':
			if (pdc_history_kind_parse(optarg, &q.kinds, &err) == -1) {
				fprintf(stderr, "pdc-changes: --kind: %s\n", err.msg);
				return PDC_EXIT_USAGE;
			}
			break;
		case 'P': profile = optarg; break;
		case 's':
			q.since = NULL;
			q.since_secs = 0;
			if (parse_since(optarg, &q.since, &q.since_secs) == -1) {
				char buf[PDC_INPUT_QUOTEMAX];

				fprintf(stderr, "pdc-changes: --since: bad time or duration %s"
				    " (2026-12-01, 2026-12-01T08:00:00Z, 24h, 7d ...)\n",
				    pdc_input_quote(buf, sizeof(buf), optarg, strlen(optarg)));
				return PDC_EXIT_USAGE;
			}
			break;
		case 't': as_tsv = true; break;
		case 'V': printf("pdc-changes %s\n", PDC_VERSION); return 0;
		default: usage(stderr); return PDC_EXIT_USAGE;
		}
	}
	if (as_json && as_tsv) {
		fprintf(stderr, "pdc-changes: --json does not mix with --tsv\n");
		return PDC_EXIT_USAGE;
	}
	p.fmt = as_tsv ? PDC_OUT_TSV : pdc_cli_outfmt(as_json);
	for (int i = optind; i < argc; i++) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			void *nv = reallocarray(apns, ncap, sizeof(*apns));

			if (nv == NULL) {
				free(apns);
				return PDC_EXIT_FAILED;
			}
			apns = nv;
			cap = ncap;
		}
		if (pdc_cli_apn(argv[i], apns[n]) == -1) {
			free(apns);
			return PDC_EXIT_DATAERR;
		}
		n++;
	}
	/* No APNs given: a pipe or a file on standard input names them. */
	if (optind == argc && fstat(STDIN_FILENO, &sb) == 0 && (S_ISFIFO(sb.st_mode) ||
	    S_ISREG(sb.st_mode))) {
		int r = read_apns(&apns, &n, &cap);

		if (r == -2) {
			free(apns);
			return PDC_EXIT_FAILED;
		}
		bad = r == -1;
		if (n == 0) {
			/* asked for some parcels, and none was good: not "all of them" */
			free(apns);
			if (bad)
				return PDC_EXIT_DATAERR;
			apns = NULL;
		}
	}
	if (n > 0 && (ptrs = calloc(n, sizeof(*ptrs))) == NULL) {
		free(apns);
		return PDC_EXIT_FAILED;
	}
	for (size_t i = 0; i < n; i++)
		ptrs[i] = apns[i];
	q.apns = ptrs;
	q.napns = n;
	if ((rc = pdc_cli_config(&cfg, profile)) != 0)
		goto done;
	if (p.fmt != PDC_OUT_JSON &&
	    (p.out = pdc_out_new(stdout, p.fmt, false, cols, 4)) == NULL) {
		rc = PDC_EXIT_FAILED;
		goto out;
	}
	if ((conn = pdc_db_open(&cfg, "pdc-changes", &err)) == NULL) {
		rc = pdc_cli_fail(&err);
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (p.follow)
		rc = follow(conn, &q, &p);
	else if (pdc_history_read(conn, &q, print_event, &p, &err) == -1)
		rc = pdc_cli_fail(&err);
	else
		rc = PDC_EXIT_OK;
	pdc_out_flush(p.out);
	if (rc == PDC_EXIT_OK && bad)
		rc = PDC_EXIT_DATAERR;
out:
	pdc_db_close(conn);
	pdc_out_free(p.out);
	pdc_config_release(&cfg);
done:
	free(ptrs);
	free(apns);
	if (pdc_cli_fshut(stdout, "stdout") && rc == PDC_EXIT_OK)
		rc = PDC_EXIT_FAILED;
	return rc;
}
