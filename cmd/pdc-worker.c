/*
 * pdc-worker - claim collection jobs and collect them, until told to stop.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apn.h"
#include "cli.h"
#include "http.h"
#include "log.h"
#include "worker.h"

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
main(int argc, char *argv[])
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
	int ch, rc, pause = -1;
	bool reparse = false;

	pdc_cli_init("pdc-worker");
	while ((ch = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': apn_arg = optarg; break;
		case 'C': opts.ca_file = optarg; break;
		case 'd': opts.drain = true; break;
		case 'h': usage(stdout); return 0;
		case 'j': jobs_arg = optarg; break;
		case 'k':
			if ((keep_days = pdc_cli_number("--keep-days", optarg, 0, 3650)) < 0)
				return PDC_EXIT_USAGE;
			break;
		case 'p': pause = 1; break;
		case 'P': profile = optarg; break;
		case 'r': pause = 0; break;
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
	char (*apns)[PDC_APN_MAX] = NULL;
	const char **apnp = NULL;
	size_t napns = (size_t)(argc - optind);
	if (napns > 0) {
		if ((apns = calloc(napns, sizeof(*apns))) == NULL ||
		    (apnp = calloc(napns, sizeof(*apnp))) == NULL)
			return PDC_EXIT_FAILED;
		for (size_t i = 0; i < napns; i++) {
			const char *a = argv[optind + (int)i];

			if (pdc_cli_apn(a, apns[i]) == -1) {
				free(apns);
				free(apnp);
				return PDC_EXIT_DATAERR;
			}
			apnp[i] = apns[i];
		}
	}
	if ((rc = pdc_cli_config(&cfg, profile)) != 0)
		return rc;
	if (jobs_arg != NULL && pdc_config_set(&cfg, "background_collection.max_concurrent_jobs",
	    jobs_arg, PDC_ORIGIN_OPTION, &err) == -1) {
		fprintf(stderr, "pdc-worker: -j: %s\n", err.msg);
		pdc_config_release(&cfg);
		return PDC_EXIT_USAGE;
	}
	/* Checked as the key would be: a missing file is a usage error now,
	 * not a failed request later. */
	if (opts.ca_file != NULL && pdc_config_set(&cfg, "sources.ca_file", opts.ca_file,
	    PDC_ORIGIN_OPTION, &err) == -1) {
		fprintf(stderr, "pdc-worker: --ca-file: %s\n", err.msg);
		pdc_config_release(&cfg);
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
		struct timespec ts;

		if (pdc_cli_apn(apn_arg, apn) == -1) {
			rc = PDC_EXIT_DATAERR;
		} else {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			t0 = ts.tv_sec + ts.tv_nsec / 1e9;
			pdc_apn_bare(apn, bare);
			if (pdc_worker_collect_one(&cfg, apn, opts.ca_file, &parts, &err) == -1) {
				pdc_log(PDC_LOG_ERROR, "Data collection failed for APN %s: %s", bare, err.msg);
				/* The parcel failed (2), or the county or database did (69, 78). */
				rc = err.kind == PDC_E_PERMANENT ? PDC_EXIT_FAILED : pdc_cli_exit(err.kind);
			} else {
				clock_gettime(CLOCK_MONOTONIC, &ts);
				pdc_log(PDC_LOG_INFO, "Data collection completed for APN %s in %.1fs", bare,
				    ts.tv_sec + ts.tv_nsec / 1e9 - t0);
				rc = 0;
			}
		}
	} else {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		if (pdc_worker_run(&cfg, &opts, &result, &err) == -1)
			rc = err.kind == PDC_E_AUTH ? PDC_EXIT_CONFIG : pdc_cli_fail(&err);
		else
			rc = 0;
	}
	pdc_http_global_cleanup();
	pdc_config_release(&cfg);
	free(apns);
	free(apnp);
	return rc;
}
