/*
 * config.h - pdc's configuration: config.json, the environment, options.
 *
 * Precedence, highest first: command-line option, profile (--profile),
 * environment (PDC_DATABASE_URL, PDC_ASSESSOR_TOKEN), the file, defaults.
 * The file is found by PDC_CONFIG, then ./config.json, then
 * $XDG_CONFIG_HOME/pdc/config.json (~/.config/...), then /etc/pdc/config.json.
 * Every key remembers where its value came from, for `pdc-db config`.
 * The sources.<name>.* keys come from the sources' descriptors (source.h):
 * base_url and requests_per_second for each, token for one that has it.
 */
#ifndef PDC_CONFIG_H
#define PDC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "source.h"

/* The most keys a configuration has (the fixed ones and three per source). */
#define PDC_CONFIG_MAXKEYS 64

enum pdc_origin {
	PDC_ORIGIN_DEFAULT,
	PDC_ORIGIN_FILE,
	PDC_ORIGIN_ENV,
	PDC_ORIGIN_PROFILE,
	PDC_ORIGIN_OPTION
};

/* A source's keys, sources.<name>.*; the source's descriptor gives the defaults. */
struct pdc_source_config {
	char *base_url;
	char *token;			/* NULL for a source without one; never logged or printed */
	double requests_per_second;
};

struct pdc_config {
	/* background_collection */
	int max_concurrent_jobs;
	int job_timeout_seconds;
	int retry_attempts;
	double cache_expiry_hours;
	bool auto_start_collection;
	/* database_pool */
	int min_connections;
	int max_connections;
	double connection_timeout_seconds;
	/* performance */
	bool enable_performance_monitoring;
	bool log_slow_operations;
	double slow_operation_threshold_seconds;
	/* database */
	char *database_url;		/* "" means the embedded cluster */
	/* sources: source[i] for pdc_sources[i] (source.h); see pdc_config_source */
	struct pdc_source_config source[PDC_MAXSOURCES];
	char *ca_file;			/* CA certificates for HTTPS; "" the system's */
	char *user_agent;
	bool respect_robots_txt;
	int request_tries;		/* tries of one request that meets a transient failure */
	char *probe_apn;		/* the parcel pdc-db probe checks by default */

	char *path;			/* the file read, NULL if none */
	char *profile;			/* the profile applied, NULL if none */
	bool token_exposed;		/* see pdc_config_token_exposed() */
	enum pdc_origin origin[PDC_CONFIG_MAXKEYS]; /* per key, indexed as pdc_config_key() numbers them */
};

/*
 * Fill CFG: defaults, then the file (if any), then the environment.  Returns
 * 0, or -1 with ERR (kind PDC_E_CONFIG) naming the file, the key, the value
 * and what was expected: `config.json: background_collection.retry_attempts:
 * "three" is not an integer`.  Unknown keys are errors too.  A missing file is
 * fine unless PDC_CONFIG names it.  On error CFG holds nothing to release.
 */
int pdc_config_load(struct pdc_config *cfg, struct pdc_err *err);

/*
 * Apply profile NAME ("conservative", "high-performance", "auto": cores - 1
 * concurrent jobs).  Returns 0, or -1 with ERR for an unknown name.
 */
int pdc_config_profile(struct pdc_config *cfg, const char *name, struct pdc_err *err);

/*
 * Set KEY (dotted, as in the file: "background_collection.max_concurrent_jobs",
 * "sources.assessor.base_url") from the text VALUE, validated as the file's
 * value would be, with ORIGIN.  Returns 0 or -1 with ERR.
 */
int pdc_config_set(struct pdc_config *cfg, const char *key, const char *value,
    enum pdc_origin origin, struct pdc_err *err);

/*
 * Check the whole configuration for consistency (min_connections <=
 * max_connections, URLs that are http or https, ...).  Returns 0 or -1.
 */
int pdc_config_validate(const struct pdc_config *cfg, struct pdc_err *err);

/*
 * Print every key, its effective value and its origin to FP: one
 * "key<TAB>value<TAB>origin" line each, or one JSON object per line with
 * AS_JSON.  The token prints as "(set)" or "".
 */
void pdc_config_print(const struct pdc_config *cfg, FILE *fp, bool as_json);

/*
 * Copy the connection string IN to OUT (LEN bytes) with any password
 * replaced by "***", for printing.
 */
void pdc_config_redact_url(const char *in, char *out, size_t len);

/*
 * The settings of source NAME ("assessor") in CFG.  Never NULL: when CFG is
 * NULL or no source has that name, settings with every member NULL or 0.
 */
const struct pdc_source_config *pdc_config_source(const struct pdc_config *cfg, const char *name);

/* The place of source NAME in pdc_sources[] and so in cfg->source[], or -1. */
int pdc_config_source_index(const char *name);

/* Free what CFG owns. */
void pdc_config_release(struct pdc_config *cfg);

/*
 * The dotted name of key I (0, 1, ...) in file order, or NULL past the last:
 * origin[I] is where that key's value came from.
 */
const char *pdc_config_key(size_t i);

/*
 * 1 when the file pdc_config_load() read holds a non-empty token (of any
 * source) and is readable by its group or by others (the library does not print;
 * a program warns), else 0.
 */
int pdc_config_token_exposed(const struct pdc_config *cfg);

/* The word for ORIGIN: "default", "file", "environment", "profile", "option". */
const char *pdc_config_origin_name(enum pdc_origin origin);

#endif
