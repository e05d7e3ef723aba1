/*
 * pdc-show - one property's whole record: every part, where it came from, how old.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "apn.h"
#include "cli.h"
#include "history.h"
#include "show.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: pdc-show [--history] [--json] [--profile NAME] APN ...\n");
}

/* A JSON scalar as text: strings bare, null as "-". */
static void
scalar(const cJSON *v, char *buf, size_t len)
{
	if (v == NULL || cJSON_IsNull(v))
		strlcpy(buf, "-", len);
	else if (cJSON_IsString(v))
		strlcpy(buf, v->valuestring, len);
	else if (cJSON_IsBool(v))
		strlcpy(buf, cJSON_IsTrue(v) ? "yes" : "no", len);
	else {
		char *s = cJSON_PrintUnformatted(v);

		strlcpy(buf, s != NULL ? s : "?", len);
		cJSON_free(s);
	}
}

/* "key: value" lines for an object, leaving out the APN. */
static void
print_object(const char *title, const cJSON *o)
{
	const cJSON *it;
	char buf[512];

	printf("\n%s\n", title);
	if (o == NULL || cJSON_IsNull(o)) {
		printf("  (none)\n");
		return;
	}
	cJSON_ArrayForEach(it, o) {
		if (strcmp(it->string, "apn") == 0)
			continue;
		scalar(it, buf, sizeof(buf));
		printf("  %-30s %s\n", it->string, buf);
	}
}

/*
 * An array of objects as an aligned table, leaving out the APN.  Columns are
 * cut at 40 characters, except the last, which nothing follows.
 */
static void
print_table(const char *title, const cJSON *a)
{
	const cJSON *row, *it;
	char buf[512];
	int width[32] = { 0 }, ncol = 0, i;

	printf("\n%s\n", title);
	if (cJSON_GetArraySize(a) == 0) {
		printf("  (none)\n");
		return;
	}
	cJSON_ArrayForEach(row, a) {
		i = 0;
		cJSON_ArrayForEach(it, row) {
			if (strcmp(it->string, "apn") == 0 || i >= 32)
				continue;
			scalar(it, buf, sizeof(buf));
			int w = (int)strlen(buf), h = (int)strlen(it->string);
			if (h > w)
				w = h;
			if (w > width[i])
				width[i] = w;
			i++;
		}
		if (i > ncol)
			ncol = i;
	}
	for (i = 0; i < ncol - 1; i++)
		if (width[i] > 40)
			width[i] = 40;
	i = 0;
	printf(" ");
	cJSON_ArrayForEach(it, cJSON_GetArrayItem(a, 0)) {
		if (strcmp(it->string, "apn") == 0 || i >= 32)
			continue;
		printf(" %-*.*s", width[i], width[i], it->string);
		i++;
	}
	putchar('\n');
	cJSON_ArrayForEach(row, a) {
		i = 0;
		printf(" ");
		cJSON_ArrayForEach(it, row) {
			if (strcmp(it->string, "apn") == 0 || i >= 32)
				continue;
			scalar(it, buf, sizeof(buf));
			printf(" %-*.*s", width[i], width[i], buf);
			i++;
		}
		putchar('\n');
	}
}

static void
print_text(const char *json)
{
	cJSON *r = cJSON_Parse(json), *parts, *it;

	if (r == NULL)
		return;
	printf("APN %s  %s", cJSON_GetObjectItem(r, "apn")->valuestring,
	    cJSON_GetObjectItem(r, "status")->valuestring);
	it = cJSON_GetObjectItem(r, "collected_at");
	if (cJSON_IsString(it))
		printf("  (collected %s)", it->valuestring);
	putchar('\n');
	parts = cJSON_GetObjectItem(r, "parts");
	printf("\nParts\n");
	if (cJSON_GetArraySize(parts) == 0)
		printf("  (none collected)\n");
	cJSON_ArrayForEach(it, parts) {
		char when[64], err[512];

		scalar(cJSON_GetObjectItem(it, "fetched_at"), when, sizeof(when));
		/* a failed part says its error, a partial one what was missing */
		scalar(cJSON_GetObjectItem(it, "error"), err, sizeof(err));
		if (strcmp(err, "-") == 0)
			scalar(cJSON_GetObjectItem(it, "reason"), err, sizeof(err));
		printf("  %-12s %-9s from %-10s %s%s%s\n", it->string,
		    cJSON_GetObjectItem(it, "state")->valuestring,
		    cJSON_GetObjectItem(it, "source")->valuestring, when,
		    strcmp(err, "-") ? "  " : "", strcmp(err, "-") ? err : "");
	}
	print_object("Property and owner", cJSON_GetObjectItem(r, "properties"));
	print_table("Valuations", cJSON_GetObjectItem(r, "valuations"));
	print_object("Residential details", cJSON_GetObjectItem(r, "residential_details"));
	print_table("Tax bills", cJSON_GetObjectItem(r, "tax_bills"));
	print_table("Special districts", cJSON_GetObjectItem(r, "tax_districts"));
	print_table("Payments", cJSON_GetObjectItem(r, "tax_payments"));
	print_table("Sales and deeds", cJSON_GetObjectItem(r, "sales"));
	print_table("Candidate deeds (found under an owner's name; perhaps another parcel's)",
	    cJSON_GetObjectItem(r, "sale_candidates"));
	cJSON_Delete(r);
}

/* --history: an event a line, JSON or "seen_at  text". */
static int
print_change(void *arg, const cJSON *ev, struct pdc_err *err)
{
	bool as_json = *(bool *)arg;

	if (as_json) {
		char *s = cJSON_PrintUnformatted(ev);

		if (s == NULL)
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		puts(s);
		cJSON_free(s);
	} else {
		printf("%s  %s\n", cJSON_GetObjectItem(ev, "seen_at")->valuestring,
		    cJSON_GetObjectItem(ev, "text")->valuestring);
	}
	return 0;
}

/* APN's changes, newest first. */
static int
show_history(struct pdc_conn *conn, const char *apn, bool as_json, struct pdc_err *err)
{
	struct pdc_history_query q;
	const char *apns[1] = { apn };

	memset(&q, 0, sizeof(q));
	q.apns = apns;
	q.napns = 1;
	q.newest_first = true;
	return pdc_history_read(conn, &q, print_change, &as_json, err) == -1 ? -1 : 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "history", no_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'J' },
		{ "profile", required_argument, NULL, 'P' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct pdc_config cfg;
	struct pdc_err err;
	struct pdc_conn *conn;
	const char *profile = NULL;
	bool as_json = false, history = false;
	int ch, rc;

	pdc_cli_init("pdc-show");
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h': usage(stdout); return 0;
		case 'H': history = true; break;
		case 'J': as_json = true; break;
		case 'P': profile = optarg; break;
		case 'V': printf("pdc-show %s\n", PDC_VERSION); return 0;
		default: usage(stderr); return PDC_EXIT_USAGE;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "pdc-show: no APN given\n");
		usage(stderr);
		return PDC_EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		char apn[PDC_APN_MAX];

		if (pdc_cli_apn(argv[i], apn) == -1)
			return PDC_EXIT_DATAERR;
	}
	if ((rc = pdc_cli_config(&cfg, profile)) != 0)
		return rc;
	if ((conn = pdc_db_open(&cfg, "pdc-show", &err)) == NULL) {
		rc = pdc_cli_fail(&err);
		pdc_config_release(&cfg);
		return rc;
	}
	rc = PDC_EXIT_OK;
	for (int i = optind; i < argc; i++) {
		char apn[PDC_APN_MAX], *json;

		pdc_apn_parse(argv[i], strlen(argv[i]), apn);
		if (history) {
			if (!as_json && optind + 1 < argc)
				printf("%sAPN %s\n", i > optind ? "\n" : "", apn);
			if (show_history(conn, apn, as_json, &err) == -1) {
				rc = pdc_cli_fail(&err);
				break;
			}
			continue;
		}
		if ((json = pdc_show_json(conn, apn, &err)) == NULL) {
			rc = pdc_cli_fail(&err);
			break;
		}
		if (strstr(json, "\"status\" : \"complete\"") == NULL)
			rc = PDC_EXIT_NOTYET;
		if (as_json) {
			/* One line per record. */
			cJSON *r = cJSON_Parse(json);
			char *line = r != NULL ? cJSON_PrintUnformatted(r) : NULL;

			puts(line != NULL ? line : json);
			cJSON_free(line);
			cJSON_Delete(r);
		} else {
			if (i > optind)
				puts("\n----");
			print_text(json);
		}
		free(json);
	}
	if (pdc_cli_fshut(stdout, "stdout") && rc == 0)
		rc = PDC_EXIT_FAILED;
	pdc_db_close(conn);
	pdc_config_release(&cfg);
	return rc;
}
