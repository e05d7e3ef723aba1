/*
 * probe.h - a live check of the county services for one parcel.
 *
 * What a user runs first against the real county, and what cron runs to
 * learn that a site changed before a night of jobs does.  For each source,
 * in the collector's order: robots.txt is read and held against the paths a
 * collection of the parcel requests, then the source collects the parcel
 * exactly as a job would (the same requests, the same parsers), and what it
 * parsed is held against the fields the source always fills.  Nothing is
 * stored, and the database is not used: politeness lives in this process
 * (the configured rate per host, robots.txt, Retry-After), which for a
 * dozen requests is enough, and lets the check run before any database
 * exists, or while it is down.
 */
#ifndef PDC_PROBE_H
#define PDC_PROBE_H

#include <stdbool.h>

#include "config.h"
#include "error.h"
#include "http.h"
#include "record.h"

#define PDC_PROBE_MAXSOURCES 8

enum pdc_probe_verdict {
	PDC_PROBE_OK,		/* answered, and everything pdc reads was there */
	PDC_PROBE_CHANGED,	/* answered, but not in the format pdc reads */
	PDC_PROBE_UNREACHABLE,	/* no connection, a timeout, 5xx or 429 */
	PDC_PROBE_UNAUTHORIZED,	/* the assessor refused the token */
	PDC_PROBE_DISALLOWED,	/* robots.txt forbids a path pdc needs */
	PDC_PROBE_UNCHECKED	/* could not be tried: it needs what another source did not give */
};

/* What one source did. */
struct pdc_probe_source {
	const char *name;		/* "assessor", static */
	char host[256];			/* host[:port] of its base URL */
	bool reachable;			/* the host answered (no verdict unreachable) */
	char robots[256];		/* what robots.txt says for pdc's paths (see pdc_probe_run) */
	int found, expected;		/* expected fields found in what was parsed; found -1: not parsed */
	char missing[1024];		/* the expected fields not found, "table.column" joined by ","; "" none */
	enum pdc_probe_verdict verdict;
	char reason[512];		/* why, when the verdict is not ok; "" otherwise */
};

struct pdc_probe {
	char apn[PDC_APN_MAX];		/* canonical */
	int n;
	struct pdc_probe_source per[PDC_PROBE_MAXSOURCES];
};

/*
 * Check every source for canonical APN with CFG, its requests made with
 * OPTS (user agent, CA file, timeouts), into OUT.  ROBOTS, per source, is
 * one of: "none" (no robots.txt: a 4xx), "allowed" (it allows every path),
 * "disallowed PATH" (the first path it forbids), "unreadable (WHY)" (5xx or
 * no answer); with sources.respect_robots_txt false, " (not honoured)" is
 * added after "disallowed PATH" and the source is collected anyway.
 *
 * Returns 0 when every source was tried (whatever the verdicts), or -1 with
 * ERR: out of memory (PDC_E_SYSTEM), a source's configuration unusable
 * (PDC_E_CONFIG).  The library's log lines (a host slowing us down) go to
 * the log as usual; the token never appears in OUT.
 */
int pdc_probe_run(const struct pdc_config *cfg, const struct pdc_http_opts *opts,
    const char *apn, struct pdc_probe *out, struct pdc_err *err);

/* "ok", "changed", "unreachable", "unauthorized", "disallowed", "unchecked". */
const char *pdc_probe_verdict_name(enum pdc_probe_verdict v);

/*
 * Hold what SOURCE parsed into REC against the fields it always fills (of
 * a residential parcel, as REC's properties row says, a few more): set
 * PS->found, PS->expected and PS->missing.  Pure.
 */
void pdc_probe_fields(const char *source, const struct pdc_record *rec,
    struct pdc_probe_source *ps);

#endif
