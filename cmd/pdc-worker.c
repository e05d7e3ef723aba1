/*
 * pdc-worker - claim collection jobs and collect them, until told to stop.
 */
#include <sys/ioctl.h>

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apn.h"
#include "cli.h"
#include "clock.h"
#include "fetch.h"
#include "http.h"
#include "log.h"
#include "stats.h"
#include "worker.h"

#define PROGRESS_TICK 0.25	/* redraw at most four times a second */
#define DUE_EVERY 2.0		/* ask the database what is due */
#define TALLY_EVERY 5.0		/* hand the request counts to the database */
#define RATE_SAMPLES 40		/* the rate is taken over the last ten seconds */

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: pdc-worker [-j N] [--drain] [--keep-days DAYS] [--ca-file FILE] [--profile NAME]\n"
	    "       pdc-worker --apn APN [--ca-file FILE]\n"
	    "       pdc-worker --reparse [APN ...]\n"
	    "       pdc-worker --pause | --resume\n");
}

static void
on_signal(int sig)
{
	(void)sig;
	pdc_worker_stop();
}


/*
 * The watcher thread beside pdc_worker_run: it keeps the process title
 * saying what the worker does, hands the per-source request counts to the
 * database, and on a terminal draws the live progress line.
 */
struct watcher {
	const struct pdc_config *cfg;
	bool tty;			/* stderr is a terminal: draw the progress line */
	atomic_bool quit;
	struct pdc_conn *conn;		/* opened when first needed */
	long due;			/* due or active anywhere, -1 unknown */
	double t[RATE_SAMPLES];		/* a ring of (time, jobs finished) samples */
	long done[RATE_SAMPLES];
	int nsamples, next;
	char title[128];
};

static struct pdc_conn *
watcher_conn(struct watcher *w)
{
	struct pdc_err err;
	char ci[8192];

	if (w->conn != NULL && pdc_db_broken(w->conn)) {
		pdc_db_close(w->conn);
		w->conn = NULL;
	}
	/*
	 * Reconnect without starting the embedded cluster: a database someone
	 * stopped while the worker ran stays stopped until they start it.
	 */
	if (w->conn == NULL && pdc_db_conninfo(w->cfg, false, ci, sizeof(ci), &err) == 0)
		w->conn = pdc_db_connect(ci, "pdc-worker", &err);
	return w->conn;
}

/* Counts that cannot be saved now wait for the next time. */
static void
save_tally(struct watcher *w)
{
	struct pdc_fetch_tally t[8];
	struct pdc_err err;
	int n = pdc_fetch_tally_take(t, 8), i = 0;

	if (n > 0 && watcher_conn(w) != NULL)
		for (; i < n; i++)
			if (pdc_stats_count_requests(w->conn, t[i].source, t[i].requests,
			    t[i].not_modified, t[i].from_kept, t[i].retries, &err) == -1)
				break;
	for (; i < n; i++)
		pdc_fetch_tally_put(&t[i]);
}

static void
set_title(struct watcher *w, const struct pdc_worker_progress *p)
{
	char title[sizeof(w->title)];

	if (p->paused)
		snprintf(title, sizeof(title), "paused, %d active, %ld done, %ld failed", p->active,
		    p->completed, p->failed);
	else if (p->active == 0)
		snprintf(title, sizeof(title), "idle, %ld done, %ld failed", p->completed, p->failed);
	else
		snprintf(title, sizeof(title), "%d active, %ld done, %ld failed", p->active, p->completed,
		    p->failed);
	if (strcmp(title, w->title) != 0) {
		strlcpy(w->title, title, sizeof(w->title));
		setproctitle("%s", title);
	}
}

static void
draw(struct watcher *w, const struct pdc_worker_progress *p, double now)
{
	char line[512], eta[32] = "-", due[24] = "?";
	struct winsize ws;
	long fin = p->completed + p->failed;
	double rate = 0;
	int o, cols = 80;

	w->t[w->next] = now;
	w->done[w->next] = fin;
	w->next = (w->next + 1) % RATE_SAMPLES;
	if (w->nsamples < RATE_SAMPLES)
		w->nsamples++;
	/* the oldest sample is where the next one goes, once the ring is full */
	o = w->nsamples < RATE_SAMPLES ? 0 : w->next;
	if (now - w->t[o] > 0.5)
		rate = (double)(fin - w->done[o]) / (now - w->t[o]);
	if (w->due == 0)
		strlcpy(eta, "0s", sizeof(eta));
	else if (w->due > 0 && rate > 0) {
		long s = (long)(w->due / rate + 0.5);

		if (s >= 3600)
			snprintf(eta, sizeof(eta), "%ldh%02ldm", s / 3600, s / 60 % 60);
		else if (s >= 60)
			snprintf(eta, sizeof(eta), "%ldm%02lds", s / 60, s % 60);
		else
			snprintf(eta, sizeof(eta), "%lds", s);
	}
	if (w->due >= 0)
		snprintf(due, sizeof(due), "%ld", w->due);
	snprintf(line, sizeof(line), "%ld done, %ld failed, %ld retried, %d/%d active, %.1f/s, "
	    "%s due, ETA %s%s", p->completed, p->failed, p->retried, p->active, p->jobs, rate,
	    due, eta, p->paused ? ", PAUSED" : "");
	/* A line that wraps cannot be redrawn in place. */
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		cols = ws.ws_col;
	if ((size_t)cols - 1 < sizeof(line))
		line[cols - 1] = '\0';
	pdc_log_status(line);
}

static void *
watch(void *arg)
{
	struct watcher *w = arg;
	struct pdc_worker_progress p;
	struct pdc_err err;
	double last_due = 0, last_tally = pdc_clock_mono();

	while (!atomic_load(&w->quit)) {
		double now = pdc_clock_mono();

		pdc_worker_progress(&p);
		if (p.running) {
			set_title(w, &p);
			if (w->tty && now - last_due >= DUE_EVERY) {
				w->due = watcher_conn(w) != NULL ? pdc_stats_due(w->conn, &err) : -1;
				last_due = now;
			}
			if (w->tty)
				draw(w, &p, now);
		}
		if (now - last_tally >= TALLY_EVERY) {
			save_tally(w);
			last_tally = now;
		}
		usleep((useconds_t)(PROGRESS_TICK * 1e6));
	}
	if (w->tty)
		pdc_log_status(NULL);
	save_tally(w);
	pdc_db_close(w->conn);
	return NULL;
}

static int
set_paused(const struct pdc_config *cfg, bool paused)
{
	struct pdc_err err;
	struct pdc_conn *c = pdc_db_open(cfg, "pdc-worker", &err);
	int rc;

	if (c == NULL)
		return pdc_cli_fail(&err);
	rc = pdc_workers_set_paused(c, paused, &err) == -1 ? pdc_cli_fail(&err) : 0;
	pdc_db_close(c);
	if (rc == 0)
		pdc_log(PDC_LOG_INFO, paused ? "Background collection paused on every worker" :
		    "Background collection resumed");
	return rc;
}

int
main(int argc, char *argv[], char *envp[])
{
	static const struct option longopts[] = {
		{ "apn", required_argument, NULL, 'a' },
		{ "ca-file", required_argument, NULL, 'C' },
		{ "drain", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "keep-days", required_argument, NULL, 'k' },
		{ "pause", no_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, 'P' },
		{ "reparse", no_argument, NULL, 'R' },
		{ "resume", no_argument, NULL, 'r' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct pdc_config cfg;
	struct pdc_worker_opts opts = { 0, false, 24 * 7, NULL };
	struct pdc_worker_result result;
	struct pdc_err err;
	struct sigaction sa;
	const char *apn_arg = NULL, *profile = NULL, *jobs_arg = NULL;
	long keep_days = 7;
	int ch, rc, pause = -1, napn = 0;
	bool reparse = false, keep_set = false, paused = false, resumed = false;

	/* Before anything keeps a pointer into argv: the title takes its place. */
	setproctitle_init(argc, argv, envp);
	pdc_cli_init("pdc-worker");
	while ((ch = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': apn_arg = optarg; napn++; break;
		case 'C': opts.ca_file = optarg; break;
		case 'd': opts.drain = true; break;
		case 'h': usage(stdout); return 0;
		case 'j': jobs_arg = optarg; break;
		case 'k':
			if ((keep_days = pdc_cli_number("--keep-days", optarg, 0, 3650)) < 0)
				return PDC_EXIT_USAGE;
			keep_set = true;
			break;
		case 'p': pause = 1; paused = true; break;
		case 'P': profile = optarg; break;
		case 'r': pause = 0; resumed = true; break;
		case 'R': reparse = true; break;
		case 'V': printf("pdc-worker %s\n", PDC_VERSION); return 0;
		default: usage(stderr); return PDC_EXIT_USAGE;
		}
	}
	if (optind != argc && !reparse) {
		fprintf(stderr, "pdc-worker: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return PDC_EXIT_USAGE;
	}
	if ((apn_arg != NULL) + (pause != -1) + (opts.drain || jobs_arg != NULL) + reparse > 1) {
		fprintf(stderr, "pdc-worker: --apn, --reparse, --pause/--resume and -j/--drain do not mix\n");
		return PDC_EXIT_USAGE;
	}
	/* Each of these would be ignored, the first --apn or --pause unseen. */
	if (paused && resumed) {
		fprintf(stderr, "pdc-worker: --pause and --resume do not mix\n");
		return PDC_EXIT_USAGE;
	}
	if (napn > 1) {
		fprintf(stderr, "pdc-worker: --apn takes one parcel: give it once\n");
		return PDC_EXIT_USAGE;
	}
	if (keep_set && (apn_arg != NULL || reparse || pause != -1)) {
		fprintf(stderr, "pdc-worker: --keep-days goes with collecting queued jobs only\n");
		return PDC_EXIT_USAGE;
	}
	if (opts.ca_file != NULL && (reparse || pause != -1)) {
		fprintf(stderr, "pdc-worker: --ca-file goes with collecting only (queued jobs or --apn)\n");
		return PDC_EXIT_USAGE;
	}
	const char **apnp = NULL;
	size_t napns = (size_t)(argc - optind);
	if ((rc = pdc_cli_apns(argc - optind, argv + optind, &apnp)) != 0)
		return rc;
	if ((rc = pdc_cli_config(&cfg, profile)) != 0) {
		free(apnp);
		return rc;
	}
	if (jobs_arg != NULL && pdc_config_set(&cfg, "background_collection.max_concurrent_jobs",
	    jobs_arg, PDC_ORIGIN_OPTION, &err) == -1) {
		fprintf(stderr, "pdc-worker: -j: %s\n", err.msg);
		pdc_config_release(&cfg);
		free(apnp);
		return PDC_EXIT_USAGE;
	}
	/* Checked as the key would be: a missing file is a usage error now,
	 * not a failed request later. */
	if (opts.ca_file != NULL && pdc_config_set(&cfg, "sources.ca_file", opts.ca_file,
	    PDC_ORIGIN_OPTION, &err) == -1) {
		fprintf(stderr, "pdc-worker: --ca-file: %s\n", err.msg);
		pdc_config_release(&cfg);
		free(apnp);
		return PDC_EXIT_USAGE;
	}
	opts.ca_file = cfg.ca_file[0] != '\0' ? cfg.ca_file : NULL;
	pdc_http_global_init();
	opts.jobs = cfg.max_concurrent_jobs;
	opts.keep_hours = keep_days * 24.0;

	if (pause != -1) {
		rc = set_paused(&cfg, pause == 1);
	} else if (reparse) {
		long done, failed;

		if (pdc_worker_reparse(&cfg, apnp, napns, &done, &failed, &err) == -1)
			rc = pdc_cli_fail(&err);
		else {
			pdc_log(PDC_LOG_INFO, "Re-parsed %ld records, %ld failed", done, failed);
			rc = failed > 0 ? PDC_EXIT_FAILED : 0;
		}
	} else if (apn_arg != NULL) {
		char apn[PDC_APN_MAX], bare[PDC_APN_MAX];
		unsigned parts = 0;
		double t0;

		if (pdc_cli_apn(apn_arg, apn) == -1) {
			rc = PDC_EXIT_DATAERR;
		} else {
			t0 = pdc_clock_mono();
			pdc_apn_bare(apn, bare);
			if (pdc_worker_collect_one(&cfg, apn, opts.ca_file, &parts, &err) == -1) {
				pdc_log(PDC_LOG_ERROR, "Data collection failed for APN %s: %s", bare, err.msg);
				/* The parcel failed (2), or the county or database did (69, 78). */
				rc = err.kind == PDC_E_PERMANENT ? PDC_EXIT_FAILED : pdc_cli_exit(err.kind);
			} else {
				pdc_log(PDC_LOG_INFO, "Data collection completed for APN %s in %.1fs", bare,
				    pdc_clock_mono() - t0);
				rc = 0;
			}
			/* what the county was asked counts in pdc-stats too */
			struct watcher w = { .cfg = &cfg };
			save_tally(&w);
			pdc_db_close(w.conn);
		}
	} else {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		struct watcher w = { .cfg = &cfg, .tty = isatty(STDERR_FILENO), .due = -1 };
		pthread_t wt;
		bool watching = pthread_create(&wt, NULL, watch, &w) == 0;

		if (pdc_worker_run(&cfg, &opts, &result, &err) == -1)
			rc = err.kind == PDC_E_AUTH ? PDC_EXIT_CONFIG : pdc_cli_fail(&err);
		else
			rc = 0;
		if (watching) {
			atomic_store(&w.quit, true);
			pthread_join(wt, NULL);
		}
	}
	pdc_http_global_cleanup();
	pdc_config_release(&cfg);
	free(apnp);
	return rc;
}
