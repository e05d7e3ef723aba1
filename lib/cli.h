/*
 * cli.h - what every pdc program shares at its edges: exit codes, loading
 * the configuration, choosing an output format, and checking stdout.
 */
#ifndef PDC_CLI_H
#define PDC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "apn.h"
#include "config.h"
#include "error.h"

struct pdc_conn;

/* The closed set of exit codes (DESIGN.md). */
enum {
	PDC_EXIT_OK = 0,
	PDC_EXIT_NOTYET = 1,	/* something still pending or active */
	PDC_EXIT_FAILED = 2,	/* something failed */
	PDC_EXIT_USAGE = 64,
	PDC_EXIT_DATAERR = 65,
	PDC_EXIT_UNAVAILABLE = 69,
	PDC_EXIT_CONFIG = 78
};

enum pdc_outfmt {
	PDC_OUT_TABLE,		/* aligned, for a terminal */
	PDC_OUT_TSV,		/* tab-separated, no header, for pipes */
	PDC_OUT_JSON		/* JSON Lines */
};

/*
 * Name the program for messages and logs.  Also arranges that, at exit,
 * output that could not be written to stdout (a full disk) prints
 * "prog: stdout: error" and turns the exit status into PDC_EXIT_FAILED,
 * unless pdc_cli_fshut already reported it.
 */
void pdc_cli_init(const char *prog);

/*
 * Load the configuration and apply PROFILE (may be NULL).  On failure prints
 * "prog: message" and returns PDC_EXIT_CONFIG; otherwise 0.  Warns when the
 * file holding a token is readable by others.
 */
int pdc_cli_config(struct pdc_config *cfg, const char *profile);

/* The exit code for a library error of KIND. */
int pdc_cli_exit(enum pdc_errkind kind);

/* Print "prog: msg" for ERR and return its exit code. */
int pdc_cli_fail(const struct pdc_err *err);

/* TABLE on a terminal, TSV otherwise; JSON when AS_JSON. */
enum pdc_outfmt pdc_cli_outfmt(bool as_json);

/*
 * Flush FP and check it was written whole (sbase's fshut): on a write error
 * prints "prog: NAME: error" and returns 1, else 0.  A closed pipe (EPIPE,
 * or a reader that went away) returns 1 quietly.
 */
int pdc_cli_fshut(FILE *fp, const char *name);

/* Print S as a JSON string (quotes included) to FP. */
void pdc_cli_json_str(FILE *fp, const char *s);

/* Parse a non-negative integer option; prints usage error and returns -1 when bad. */
long pdc_cli_number(const char *opt, const char *s, long min, long max);

/*
 * Parse the argument S as an APN into OUT.  Returns 0, or -1 after printing
 * "prog: bad APN "S"" with S quoted as pdc_input_quote() does (escaped, cut
 * after 40 bytes): an argument may be anything, a megabyte or escape codes.
 */
int pdc_cli_apn(const char *s, char out[PDC_APN_MAX]);

/*
 * Parse the N arguments ARGV as APNs, as pdc_cli_apn does (which says
 * what is wrong with a bad one).  *OUT gets the N canonical APNs in one
 * block the caller frees with free(3) (NULL when N is 0).  Returns 0, or
 * the exit code after saying why: PDC_EXIT_DATAERR for a bad APN,
 * PDC_EXIT_FAILED when out of memory.
 */
int pdc_cli_apns(int n, char *const argv[], const char ***out);

/*
 * Ask the server on C whether it takes RE, the value of option OPT
 * ("--error"), as pdc_jobs_check_pattern_on does.  Returns 0, or the exit
 * code after saying why: PDC_EXIT_USAGE for a pattern refused.
 */
int pdc_cli_pattern(struct pdc_conn *c, const char *opt, const char *re);

/* Colour wanted on FP?  A terminal and no NO_COLOR. */
bool pdc_cli_color(FILE *fp);

#endif
