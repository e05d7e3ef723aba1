#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "db.h"
#include "input.h"
#include "jobs.h"
#include "log.h"

static const char *progname = "pdc";
static bool stdout_reported;	/* pdc_cli_fshut already said what went wrong */

/*
 * Whatever path main leaves by (--help, --version, an early return), output
 * that never reached stdout must not end in exit status 0.
 */
static void
check_stdout(void)
{
	if (!stdout_reported && pdc_cli_fshut(stdout, "stdout"))
		_exit(PDC_EXIT_FAILED);
}

void
pdc_cli_init(const char *prog)
{
	progname = prog;
	pdc_log_init(prog, PDC_LOG_INFO);
	/* A closed pipe is an error we see from write(2), not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	atexit(check_stdout);
}

int
pdc_cli_config(struct pdc_config *cfg, const char *profile)
{
	struct pdc_err err;

	pdc_err_clear(&err);
	if (pdc_config_load(cfg, &err) == -1) {
		fprintf(stderr, "%s: %s\n", progname, err.msg);
		return PDC_EXIT_CONFIG;
	}
	if ((profile != NULL && pdc_config_profile(cfg, profile, &err) == -1) ||
	    pdc_config_validate(cfg, &err) == -1) {
		fprintf(stderr, "%s: %s\n", progname, err.msg);
		pdc_config_release(cfg);
		return PDC_EXIT_CONFIG;
	}
	pdc_db_set_slow(cfg->log_slow_operations, cfg->slow_operation_threshold_seconds);
	if (pdc_config_token_exposed(cfg))
		fprintf(stderr, "%s: warning: %s holds the assessor token and is readable by others "
		    "(chmod 600 it)\n", progname, cfg->path ? cfg->path : "the configuration file");
	return 0;
}

int
pdc_cli_exit(enum pdc_errkind kind)
{
	switch (kind) {
	case PDC_OK:		return PDC_EXIT_OK;
	case PDC_E_UNAVAILABLE:	return PDC_EXIT_UNAVAILABLE;
	case PDC_E_CONFIG:	return PDC_EXIT_CONFIG;
	case PDC_E_AUTH:	return PDC_EXIT_CONFIG;	/* the token is configuration */
	case PDC_E_INPUT:	return PDC_EXIT_DATAERR;
	case PDC_E_TRANSIENT:	return PDC_EXIT_UNAVAILABLE;
	default:		return PDC_EXIT_FAILED;
	}
}

int
pdc_cli_fail(const struct pdc_err *err)
{
	fprintf(stderr, "%s: %s\n", progname, err->msg);
	return pdc_cli_exit(err->kind);
}

enum pdc_outfmt
pdc_cli_outfmt(bool as_json)
{
	if (as_json)
		return PDC_OUT_JSON;
	return isatty(STDOUT_FILENO) ? PDC_OUT_TABLE : PDC_OUT_TSV;
}

/*
 * Has the reader of FD gone away?  errno may no longer say EPIPE when the
 * failed write was an earlier one, but the pipe (or socket) still does.
 */
static bool
reader_gone(int fd)
{
	struct pollfd pfd = { fd, POLLOUT, 0 };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLERR | POLLHUP)) != 0;
}

int
pdc_cli_fshut(FILE *fp, const char *name)
{
	int bad, saved;

	errno = 0;
	bad = fflush(fp) != 0 || ferror(fp);
	saved = errno;
	if (!bad)
		return 0;
	/* Like any Unix filter, stop quietly when the reader has had enough (| head). */
	if (saved != EPIPE && !reader_gone(fileno(fp)))
		fprintf(stderr, "%s: %s: %s\n", progname, name,
		    saved != 0 ? strerror(saved) : "write error");
	if (fp == stdout)
		stdout_reported = true;
	return 1;
}

void
pdc_cli_json_str(FILE *fp, const char *s)
{
	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	putc('"', fp);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		default:
			if (*p < 0x20)
				fprintf(fp, "\\u%04x", *p);
			else
				putc(*p, fp);
		}
	}
	putc('"', fp);
}

long
pdc_cli_number(const char *opt, const char *s, long min, long max)
{
	const char *errstr;
	long long v = strtonum(s, min, max, &errstr);

	if (errstr != NULL) {
		fprintf(stderr, "%s: %s: \"%s\" is %s (expected %ld..%ld)\n", progname, opt, s, errstr,
		    min, max);
		return -1;
	}
	return (long)v;
}

int
pdc_cli_apn(const char *s, char out[PDC_APN_MAX])
{
	char q[PDC_INPUT_QUOTEMAX];

	if (pdc_apn_parse(s, strlen(s), out) == 0)
		return 0;
	fprintf(stderr, "%s: bad APN %s\n", progname, pdc_input_quote(q, sizeof(q), s, strlen(s)));
	return -1;
}

int
pdc_cli_apns(int n, char *const argv[], const char ***out)
{
	const char **ptrs;
	char (*apns)[PDC_APN_MAX];

	*out = NULL;
	if (n <= 0)
		return 0;
	/* The pointers, then the APNs they point to. */
	if ((ptrs = calloc((size_t)n, sizeof(*ptrs) + PDC_APN_MAX)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return PDC_EXIT_FAILED;
	}
	apns = (char (*)[PDC_APN_MAX])(ptrs + n);
	for (int i = 0; i < n; i++) {
		if (pdc_cli_apn(argv[i], apns[i]) == -1) {
			free(ptrs);
			return PDC_EXIT_DATAERR;
		}
		ptrs[i] = apns[i];
	}
	*out = ptrs;
	return 0;
}

int
pdc_cli_pattern(struct pdc_conn *c, const char *opt, const char *re)
{
	struct pdc_err err;

	if (pdc_jobs_check_pattern_on(c, re, &err) == 0)
		return 0;
	if (err.kind != PDC_E_INPUT)
		return pdc_cli_fail(&err);
	fprintf(stderr, "%s: %s: %s\n", progname, opt, err.msg);
	return PDC_EXIT_USAGE;
}

bool
pdc_cli_color(FILE *fp)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(fileno(fp)) && (nc == NULL || *nc == '\0');
}
