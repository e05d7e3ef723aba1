/*
 * pdc-search - find parcels by owner, address or APN, and print them at once.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apn.h"
#include "cli.h"
#include "input.h"
#include "log.h"
#include "out.h"
#include "polite.h"
#include "pool.h"
#include "queue.h"
#include "sources/assessor.h"
#include "store.h"

#define PAGE 25

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: pdc-search [-l N] [--enqueue N] [--json | --header] [--profile NAME] QUERY ...\n");
}

static const struct pdc_out_col cols[] = {
	{ "apn", PDC_OUT_STR, 0 }, { "owner", PDC_OUT_STR, 32 }, { "address", PDC_OUT_STR, 28 },
	{ "city", PDC_OUT_STR, 16 }, { "zip", PDC_OUT_STR, 0 }, { "type", PDC_OUT_STR, 16 },
	{ "status", PDC_OUT_STATE, 0 }
};

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "enqueue", required_argument, NULL, 'e' },
		{ "header", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "limit", required_argument, NULL, 'l' },
		{ "profile", required_argument, NULL, 'P' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct pdc_config cfg;
	struct pdc_err err;
	struct pdc_http *http = NULL;
	struct pdc_conn *conn = NULL;
	struct pdc_pool *pool = NULL;
	struct pdc_polite *polite = NULL;
	struct pdc_source_ctx ctx;
	struct pdc_http_opts ho = { 0 };
	const char *profile = NULL;
	char query[1024], apn[PDC_APN_MAX];
	long limit = 50, enqueue = 0, printed = 0;
	bool as_json = false, header = false, by_apn;
	char **found = NULL;
	struct pdc_out *ow = NULL;
	int ch, rc;

	pdc_cli_init("pdc-search");
	while ((ch = getopt_long(argc, argv, "hl:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			if ((enqueue = pdc_cli_number("--enqueue", optarg, 1, 100000)) < 0)
				return PDC_EXIT_USAGE;
			break;
		case 'H': header = true; break;
		case 'h': usage(stdout); return 0;
		case 'J': as_json = true; break;
		case 'l':
			if ((limit = pdc_cli_number("--limit", optarg, 1, 100000)) < 0)
				return PDC_EXIT_USAGE;
			break;
		case 'P': profile = optarg; break;
		case 'V': printf("pdc-search %s\n", PDC_VERSION); return 0;
		default: usage(stderr); return PDC_EXIT_USAGE;
		}
	}
	if (header && as_json) {
		/* JSON Lines name every value: there is no header line to add */
		fprintf(stderr, "pdc-search: --header does not mix with --json\n");
		return PDC_EXIT_USAGE;
	}
	if (optind == argc) {
		fprintf(stderr, "pdc-search: no query given\n");
		usage(stderr);
		return PDC_EXIT_USAGE;
	}
	query[0] = '\0';
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			strlcat(query, " ", sizeof(query));
		if (strlcat(query, argv[i], sizeof(query)) >= sizeof(query)) {
			fprintf(stderr, "pdc-search: query too long (at most %zu bytes)\n", sizeof(query) - 1);
			return PDC_EXIT_USAGE;
		}
	}
	if (strspn(query, " \t") == strlen(query)) {
		fprintf(stderr, "pdc-search: empty query\n");
		return PDC_EXIT_USAGE;
	}
	by_apn = pdc_apn_parse(query, strlen(query), apn) == 0;
	if ((rc = pdc_cli_config(&cfg, profile)) != 0)
		return rc;
	pdc_http_global_init();
	ho.user_agent = cfg.user_agent;
	ho.timeout_seconds = 60;
	ho.manual_redirects = true;
	ho.ca_file = cfg.ca_file[0] != '\0' ? cfg.ca_file : NULL;
	char ci[8192];
	if ((conn = pdc_db_open(&cfg, "pdc-search", &err)) == NULL ||
	    (http = pdc_http_new(&ho, &err)) == NULL ||
	    pdc_db_conninfo(&cfg, false, ci, sizeof(ci), &err) == -1 ||
	    (pool = pdc_pool_new(ci, "pdc-search", 1, 2, cfg.connection_timeout_seconds, &err)) == NULL ||
	    (polite = pdc_polite_new(&cfg, pool, &err)) == NULL) {
		rc = pdc_cli_fail(&err);
		goto out;
	}
	if (enqueue > 0 && (found = calloc((size_t)enqueue, sizeof(*found))) == NULL) {
		rc = PDC_EXIT_FAILED;
		goto out;
	}
	/* Searching is a request like any other: polite, and shared with the workers' limits. */
	ctx = (struct pdc_source_ctx){ .http = http, .cfg = &cfg, .polite = polite };
	if ((ow = pdc_out_new(stdout, pdc_cli_outfmt(as_json), header, cols, 7)) == NULL) {
		rc = PDC_EXIT_FAILED;
		goto out;
	}
	for (int page = 1; printed < limit; page++) {
		struct pdc_search_row *rows = NULL;
		size_t nrows = 0, keep = 0;
		long total = -1;

		if (pdc_assessor_search(&ctx, by_apn ? apn : query, page, &rows, &nrows, &total, &err) == -1) {
			rc = pdc_cli_fail(&err);
			goto out;
		}
		/* An APN query wants that parcel, not its neighbours in the index. */
		for (size_t i = 0; i < nrows; i++) {
			if ((by_apn && strcmp(rows[i].apn, apn) != 0) || (long)keep + printed >= limit) {
				pdc_assessor_search_row_release(&rows[i]);
				continue;
			}
			rows[keep++] = rows[i];
		}
		if (keep > 0) {
			const char **apns = calloc(keep, sizeof(*apns));
			struct pdc_apnstatus *st = calloc(keep, sizeof(*st));

			if (apns == NULL || st == NULL) {
				free(apns);
				free(st);
				pdc_assessor_search_free(rows, keep);
				rc = PDC_EXIT_FAILED;
				goto out;
			}
			for (size_t i = 0; i < keep; i++)
				apns[i] = rows[i].apn;
			if (pdc_store_search(conn, rows, keep, &err) == -1 ||
			    pdc_queue_lookup(conn, apns, keep, cfg.cache_expiry_hours, st, &err) == -1) {
				free(apns);
				free(st);
				pdc_assessor_search_free(rows, keep);
				rc = pdc_cli_fail(&err);
				goto out;
			}
			for (size_t i = 0; i < keep; i++) {
				const struct pdc_search_row *r = &rows[i];
				/* what the assessor did not say is unknown: null in JSON */
				const char *cells[7] = { r->apn, r->owner, r->address, r->city, r->zip,
				    r->type, pdc_apnstate_name(st[i].state) };

				if (pdc_out_row(ow, cells) == -1) {
					free(apns);
					free(st);
					pdc_assessor_search_free(rows, keep);
					rc = PDC_EXIT_FAILED;
					goto out;
				}
				if (printed < enqueue)
					found[printed] = strdup(rows[i].apn);
				printed++;
			}
			pdc_out_flush(ow);
			free(apns);
			free(st);
		}
		pdc_assessor_search_free(rows, keep);
		if (ferror(stdout))
			break;	/* the reader went away: stop asking the county */
		if (by_apn || nrows < PAGE || (total >= 0 && (long)page * PAGE >= total))
			break;
	}
	if (printed == 0) {
		char q[PDC_INPUT_QUOTEMAX];

		fprintf(stderr, "pdc-search: no parcels match %s\n",
		    pdc_input_quote(q, sizeof(q), query, strlen(query)));
	}
	pdc_out_free(ow);
	ow = NULL;
	rc = pdc_cli_fshut(stdout, "stdout") ? PDC_EXIT_FAILED : 0;
	if (rc == 0 && enqueue > 0 && printed > 0) {
		long n = printed < enqueue ? printed : enqueue;
		enum pdc_enqueued *out = calloc((size_t)n, sizeof(*out));
		long queued = 0;

		if (out == NULL || pdc_queue_enqueue(conn, (const char *const *)found, (size_t)n,
		    PDC_PRIO_NORMAL, 1 + cfg.retry_attempts, cfg.cache_expiry_hours, false, out, &err) == -1) {
			rc = out == NULL ? PDC_EXIT_FAILED : pdc_cli_fail(&err);
		} else {
			for (long i = 0; i < n; i++)
				queued += out[i] == PDC_ENQ_QUEUED;
			fprintf(stderr, "Queued %ld %s for background data collection\n", queued,
			    queued == 1 ? "property" : "properties");
		}
		free(out);
	}
out:
	pdc_out_free(ow);
	if (found != NULL)
		for (long i = 0; i < enqueue; i++)
			free(found[i]);
	free(found);
	pdc_http_free(http);
	pdc_polite_free(polite);
	pdc_pool_free(pool);
	pdc_db_close(conn);
	pdc_http_global_cleanup();
	pdc_config_release(&cfg);
	return rc;
}
