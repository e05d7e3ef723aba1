/*
 * pdc-db - the database: the embedded cluster, the schema, the configuration;
 * and the live check of the county services.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "http.h"
#include "out.h"
#include "pgctl.h"
#include "probe.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: pdc-db [--profile NAME] start | stop | status | url | check | migrate | config [--json]\n"
	    "       pdc-db [--profile NAME] [--json | --header] probe [APN]\n");
}

static int
embedded(const struct pdc_config *cfg, struct pdc_pgctl *pc)
{
	struct pdc_err err;

	if (cfg->database_url != NULL && cfg->database_url[0] != '\0') {
		fprintf(stderr, "pdc-db: database.url is set: there is no embedded cluster to manage\n");
		return PDC_EXIT_USAGE;
	}
	if (pdc_pgctl_locate(pc, &err) == -1)
		return pdc_cli_fail(&err);
	return 0;
}

static int
cmd_check(const struct pdc_config *cfg)
{
	char ci[8192], shown[8192];
	struct pdc_err err;
	struct pdc_conn *c;
	int cur, latest = pdc_db_schema_latest();

	if (pdc_db_conninfo(cfg, true, ci, sizeof(ci), &err) == -1)
		return pdc_cli_fail(&err);
	pdc_config_redact_url(ci, shown, sizeof(shown));
	if ((c = pdc_db_connect(ci, "pdc-db", &err)) == NULL)
		return pdc_cli_fail(&err);
	cur = pdc_db_schema_version(c, &err);
	if (cur < 0) {
		pdc_db_close(c);
		return pdc_cli_fail(&err);
	}
	printf("database: %s\nserver: PostgreSQL %d.%d\nschema: version %d of %d%s\n", shown,
	    pdc_db_server_version(c) / 10000, pdc_db_server_version(c) % 10000, cur, latest,
	    cur == latest ? " (current)" : cur < latest ? " (behind: run pdc-db migrate)" : " (newer than this pdc)");
	pdc_db_close(c);
	return cur < latest ? PDC_EXIT_NOTYET : PDC_EXIT_OK;
}

static const struct pdc_out_col probe_cols[] = {
	{ "source", PDC_OUT_STR, 0 },
	{ "host", PDC_OUT_STR, 0 },
	{ "reachable", PDC_OUT_STR, 0 },
	{ "robots", PDC_OUT_STR, 40 },
	{ "found", PDC_OUT_NUM, 0 },
	{ "expected", PDC_OUT_NUM, 0 },
	{ "missing", PDC_OUT_STR, 60 },
	{ "verdict", PDC_OUT_STATE, 0 },
	{ "reason", PDC_OUT_STR, 0 },
};

/*
 * One row per source.  The exit status says what a person must do: 2 when
 * a service answers but pdc cannot use it (its format changed, the token
 * is refused, robots.txt forbids us), before 69 when one is only down.
 */
static int
cmd_probe(const struct pdc_config *cfg, const char *arg, bool as_json, bool header)
{
	struct pdc_http_opts ho = { 0 };
	struct pdc_probe pr;
	struct pdc_out *o;
	struct pdc_err err;
	char apn[PDC_APN_MAX];
	bool failed = false, down = false;

	if (arg != NULL && pdc_cli_apn(arg, apn) == -1)
		return PDC_EXIT_DATAERR;
	/* the configuration checked sources.probe_apn when it read it */
	if (arg == NULL && pdc_apn_parse(cfg->probe_apn, strlen(cfg->probe_apn), apn) == -1)
		return PDC_EXIT_CONFIG;
	ho.user_agent = cfg->user_agent;
	ho.timeout_seconds = 30;
	ho.manual_redirects = true;
	ho.ca_file = cfg->ca_file[0] != '\0' ? cfg->ca_file : NULL;
	pdc_err_clear(&err);
	pdc_http_global_init();
	if (pdc_probe_run(cfg, &ho, apn, &pr, &err) == -1) {
		pdc_http_global_cleanup();
		return pdc_cli_fail(&err);
	}
	pdc_http_global_cleanup();
	if ((o = pdc_out_new(stdout, pdc_cli_outfmt(as_json), header, probe_cols, 9)) == NULL)
		return PDC_EXIT_FAILED;
	for (int i = 0; i < pr.n; i++) {
		const struct pdc_probe_source *ps = &pr.per[i];
		char found[16], expected[16];
		const char *cells[9];

		snprintf(found, sizeof(found), "%d", ps->found);
		snprintf(expected, sizeof(expected), "%d", ps->expected);
		cells[0] = ps->name;
		cells[1] = ps->host;
		cells[2] = ps->reachable ? "yes" : "no";
		cells[3] = ps->robots[0] != '\0' ? ps->robots : NULL;
		/* not parsed: how many fields it has is not known, nor which are missing */
		cells[4] = ps->found >= 0 ? found : NULL;
		cells[5] = ps->found >= 0 ? expected : NULL;
		cells[6] = ps->found >= 0 ? ps->missing : NULL;
		cells[7] = pdc_probe_verdict_name(ps->verdict);
		cells[8] = ps->reason[0] != '\0' ? ps->reason : NULL;
		if (pdc_out_row(o, cells) == -1) {
			pdc_out_free(o);
			return PDC_EXIT_FAILED;
		}
		switch (ps->verdict) {
		case PDC_PROBE_CHANGED:
		case PDC_PROBE_UNAUTHORIZED:
		case PDC_PROBE_DISALLOWED:
			failed = true;
			break;
		case PDC_PROBE_UNREACHABLE:
			down = true;
			break;
		default:
			break;
		}
	}
	pdc_out_free(o);
	return failed ? PDC_EXIT_FAILED : down ? PDC_EXIT_UNAVAILABLE : PDC_EXIT_OK;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "header", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "profile", required_argument, NULL, 'P' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct pdc_config cfg;
	struct pdc_pgctl pc;
	struct pdc_err err;
	const char *profile = NULL, *sub, *arg = NULL;
	bool as_json = false, header = false;
	int ch, rc, nargs, maxargs;

	pdc_cli_init("pdc-db");
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H': header = true; break;
		case 'h': usage(stdout); return 0;
		case 'J': as_json = true; break;
		case 'P': profile = optarg; break;
		case 'V': printf("pdc-db %s\n", PDC_VERSION); return 0;
		default: usage(stderr); return PDC_EXIT_USAGE;
		}
	}
	/* probe alone takes an argument: the parcel */
	nargs = argc - optind;
	maxargs = nargs > 0 && strcmp(argv[optind], "probe") == 0 ? 2 : 1;
	if (nargs == 0 || nargs > maxargs) {
		if (nargs == 0)
			fprintf(stderr, "pdc-db: no command given\n");
		else
			fprintf(stderr, "pdc-db: unexpected argument \"%s\" after \"%s\"\n",
			    argv[optind + maxargs], argv[optind + maxargs - 1]);
		usage(stderr);
		return PDC_EXIT_USAGE;
	}
	if (nargs == 2)
		arg = argv[optind + 1];
	sub = argv[optind];
	if (strcmp(sub, "start") && strcmp(sub, "stop") && strcmp(sub, "status") && strcmp(sub, "url") &&
	    strcmp(sub, "check") && strcmp(sub, "migrate") && strcmp(sub, "config") &&
	    strcmp(sub, "probe")) {
		fprintf(stderr, "pdc-db: unknown command \"%s\"\n", sub);
		usage(stderr);
		return PDC_EXIT_USAGE;
	}
	if (header && as_json) {
		fprintf(stderr, "pdc-db: --header does not mix with --json\n");
		return PDC_EXIT_USAGE;
	}
	if (header ? strcmp(sub, "probe") != 0 : as_json && strcmp(sub, "config") && strcmp(sub, "probe")) {
		fprintf(stderr, "pdc-db: --%s goes with %s only\n", header ? "header" : "json",
		    header ? "probe" : "config and probe");
		return PDC_EXIT_USAGE;
	}
	if ((rc = pdc_cli_config(&cfg, profile)) != 0)
		return rc;
	pdc_err_clear(&err);
	if (strcmp(sub, "config") == 0) {
		pdc_config_print(&cfg, stdout, as_json);
		rc = 0;
	} else if (strcmp(sub, "check") == 0) {
		rc = cmd_check(&cfg);
	} else if (strcmp(sub, "probe") == 0) {
		rc = cmd_probe(&cfg, arg, as_json, header);
	} else if (strcmp(sub, "migrate") == 0) {
		char ci[8192];
		struct pdc_conn *c;
		int n;

		if (pdc_db_conninfo(&cfg, true, ci, sizeof(ci), &err) == -1 ||
		    (c = pdc_db_connect(ci, "pdc-db", &err)) == NULL) {
			rc = pdc_cli_fail(&err);
		} else {
			rc = pdc_db_migrate(c, &n, &err) == -1 ? pdc_cli_fail(&err) : 0;
			if (rc == 0)
				printf("schema at version %d (%d migration%s applied)\n", pdc_db_schema_latest(), n,
				    n == 1 ? "" : "s");
			pdc_db_close(c);
		}
	} else if (strcmp(sub, "url") == 0) {
		if (cfg.database_url != NULL && cfg.database_url[0] != '\0') {
			puts(cfg.database_url);
			rc = 0;
		} else if ((rc = embedded(&cfg, &pc)) == 0) {
			char url[8192];

			pdc_pgctl_url(&pc, url, sizeof(url));
			puts(url);
		}
	} else if (strcmp(sub, "status") == 0) {
		if (cfg.database_url != NULL && cfg.database_url[0] != '\0') {
			char shown[8192];

			pdc_config_redact_url(cfg.database_url, shown, sizeof(shown));
			rc = pdc_db_ping(cfg.database_url) ? 0 : 1;
			printf("%s: %s\n", shown, rc == 0 ? "accepting connections" : "not answering");
		} else if ((rc = embedded(&cfg, &pc)) == 0) {
			int st = pdc_pgctl_status(&pc);

			printf("%s: %s\n", pc.datadir, st == 1 ? "running" : st == 0 ? "stopped" : "not created yet");
			rc = st == 1 ? 0 : 1;
		}
	} else if ((rc = embedded(&cfg, &pc)) == 0) {
		if (strcmp(sub, "start") == 0) {
			if (pdc_pgctl_start(&pc, &err) == -1) {
				rc = pdc_cli_fail(&err);
			} else {
				struct pdc_conn *c = pdc_db_open(&cfg, "pdc-db", &err);

				rc = c == NULL ? pdc_cli_fail(&err) : 0;
				pdc_db_close(c);
				if (rc == 0)
					printf("%s: running\n", pc.datadir);
			}
		} else {
			rc = pdc_pgctl_stop(&pc, &err) == -1 ? pdc_cli_fail(&err) : 0;
			if (rc == 0)
				printf("%s: stopped\n", pc.datadir);
		}
	}
	pdc_config_release(&cfg);
	if (pdc_cli_fshut(stdout, "stdout") && rc == 0)
		rc = PDC_EXIT_FAILED;
	return rc;
}
