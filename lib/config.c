/*
 * config.c - pdc's configuration: config.json, the environment, options.
 *
 * Everything here is driven by one table of keys: defaults, reading the file,
 * pdc_config_set, validation, printing and origins all walk it, so a new key
 * is one line in head[] or tail[] and one member in struct pdc_config.  The
 * sources.<name>.* keys between them are made from the sources' descriptors
 * (source.h), once, in the order of pdc_sources[].
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "apn.h"
#include "config.h"
#include "error.h"
#include "input.h"
#include "source.h"

#ifndef PDC_VERSION
#define PDC_VERSION "0.1.0"
#endif

/* A config file is a few hundred bytes; anything near this is a mistake. */
#define CONFIG_MAXSIZE	(1024 * 1024)

enum ktype { K_INT, K_NUM, K_BOOL, K_STR, K_URL };

#define K_SECRET	0x1	/* never shown: not in messages, "(set)" in print */
#define K_MINEXCL	0x2	/* the minimum itself is not allowed */
#define K_NONEMPTY	0x4
#define K_PASSWORD	0x8	/* a connection string: its password is masked in print */
#define K_READABLE	0x10	/* a file name: "" or a regular file we can read */
#define K_APN		0x20	/* a parcel number, any spelling pdc reads */

struct key {
	const char *name;	/* dotted, as nested in the file */
	enum ktype type;
	size_t off;		/* of the member in struct pdc_config */
	int flags;
	double min, max;	/* K_INT, K_NUM */
	double def;		/* K_INT, K_NUM, K_BOOL */
	const char *defstr;	/* K_STR, K_URL */
};

#define OFF(m)	offsetof(struct pdc_config, m)

/* The keys before the sources' own, in file order. */
static const struct key head[] = {
	{ "background_collection.max_concurrent_jobs", K_INT,
	    OFF(max_concurrent_jobs), 0, 1, 256, 3, NULL },
	{ "background_collection.job_timeout_seconds", K_INT,
	    OFF(job_timeout_seconds), 0, 1, 86400, 300, NULL },
	{ "background_collection.retry_attempts", K_INT,
	    OFF(retry_attempts), 0, 0, 100, 3, NULL },
	{ "background_collection.cache_expiry_hours", K_NUM,
	    OFF(cache_expiry_hours), 0, 0, 87600, 24, NULL },
	{ "background_collection.auto_start_collection", K_BOOL,
	    OFF(auto_start_collection), 0, 0, 0, 1, NULL },
	{ "database_pool.min_connections", K_INT,
	    OFF(min_connections), 0, 1, 1000, 5, NULL },
	{ "database_pool.max_connections", K_INT,
	    OFF(max_connections), 0, 1, 1000, 20, NULL },
	{ "database_pool.connection_timeout_seconds", K_NUM,
	    OFF(connection_timeout_seconds), K_MINEXCL, 0, 3600, 30, NULL },
	{ "performance.enable_performance_monitoring", K_BOOL,
	    OFF(enable_performance_monitoring), 0, 0, 0, 1, NULL },
	{ "performance.log_slow_operations", K_BOOL,
	    OFF(log_slow_operations), 0, 0, 0, 1, NULL },
	{ "performance.slow_operation_threshold_seconds", K_NUM,
	    OFF(slow_operation_threshold_seconds), K_MINEXCL, 0, INFINITY, 2.0, NULL },
	{ "database.url", K_STR,
	    OFF(database_url), K_PASSWORD, 0, 0, 0, "" },
};

/* The keys after the sources' own. */
static const struct key tail[] = {
	{ "sources.ca_file", K_STR,
	    OFF(ca_file), K_READABLE, 0, 0, 0, "" },
	{ "sources.user_agent", K_STR,
	    OFF(user_agent), K_NONEMPTY, 0, 0, 0, "pdc/" PDC_VERSION },
	{ "sources.respect_robots_txt", K_BOOL,
	    OFF(respect_robots_txt), 0, 0, 0, 1, NULL },
	{ "sources.request_tries", K_INT,
	    OFF(request_tries), 0, 1, 10, 3, NULL },
	{ "sources.probe_apn", K_STR,
	    OFF(probe_apn), K_APN, 0, 0, 0, "165-28-054" },
};

#define NHEAD	(sizeof(head) / sizeof(head[0]))
#define NTAIL	(sizeof(tail) / sizeof(tail[0]))
#define SRCOFF(i, m) (offsetof(struct pdc_config, source) + \
	(i) * sizeof(struct pdc_source_config) + offsetof(struct pdc_source_config, m))

/* Every key: head[], three per source at most, tail[]; made by make_keys. */
static struct key keys[PDC_CONFIG_MAXKEYS];
static size_t nkeys;
static char srcnames[PDC_MAXSOURCES][3][96];
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

#define NKEYS	nkeys

/* The environment variables that override a key, and the key. */
static struct {
	const char *var, *key;
} env_keys[1 + PDC_MAXSOURCES];
static size_t nenv;

static void
make_keys(void)
{
	size_t i;

	for (i = 0; i < NHEAD; i++)
		keys[nkeys++] = head[i];
	env_keys[nenv].var = "PDC_DATABASE_URL";
	env_keys[nenv++].key = "database.url";
	for (i = 0; pdc_sources[i] != NULL && i < PDC_MAXSOURCES; i++) {
		const struct pdc_source *src = pdc_sources[i];
		char (*nm)[96] = srcnames[i];

		snprintf(nm[0], sizeof(nm[0]), "sources.%s.base_url", src->name);
		keys[nkeys++] = (struct key){ nm[0], K_URL, SRCOFF(i, base_url), 0, 0, 0, 0,
		    src->base_url };
		if (src->token_env != NULL) {
			snprintf(nm[1], sizeof(nm[1]), "sources.%s.token", src->name);
			keys[nkeys++] = (struct key){ nm[1], K_STR, SRCOFF(i, token), K_SECRET, 0, 0, 0,
			    "" };
			env_keys[nenv].var = src->token_env;
			env_keys[nenv++].key = nm[1];
		}
		snprintf(nm[2], sizeof(nm[2]), "sources.%s.requests_per_second", src->name);
		keys[nkeys++] = (struct key){ nm[2], K_NUM, SRCOFF(i, requests_per_second),
		    K_MINEXCL, 0, 1000, src->requests_per_second, NULL };
	}
	for (i = 0; i < NTAIL; i++)
		keys[nkeys++] = tail[i];
}

_Static_assert(sizeof(head) / sizeof(head[0]) + 3 * PDC_MAXSOURCES +
    sizeof(tail) / sizeof(tail[0]) <= PDC_CONFIG_MAXKEYS, "PDC_CONFIG_MAXKEYS is too small");
_Static_assert(PDC_CONFIG_MAXKEYS <= 64, "the keys seen in a file are a 64-bit set");

static void
init_keys(void)
{
	pthread_once(&keys_once, make_keys);
}

int
pdc_config_source_index(const char *name)
{
	for (int i = 0; pdc_sources[i] != NULL && i < PDC_MAXSOURCES; i++)
		if (strcmp(pdc_sources[i]->name, name) == 0)
			return i;
	return -1;
}

const struct pdc_source_config *
pdc_config_source(const struct pdc_config *cfg, const char *name)
{
	static const struct pdc_source_config none;
	int i = pdc_config_source_index(name);

	return cfg != NULL && i >= 0 ? &cfg->source[i] : &none;
}

/* A value on its way in: numbers as double until range-checked. */
union val {
	double d;
	bool b;
	const char *s;
};

static void *
fieldp(struct pdc_config *cfg, const struct key *k)
{
	return (char *)cfg + k->off;
}

static const void *
cfieldp(const struct pdc_config *cfg, const struct key *k)
{
	return (const char *)cfg + k->off;
}

static int
key_index(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Whether NAME is a section: some key lies below it. */
static bool
is_section(const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < NKEYS; i++)
		if (strncmp(keys[i].name, name, n) == 0 && keys[i].name[n] == '.')
			return true;
	return false;
}

const char *
pdc_config_key(size_t i)
{
	init_keys();
	return i < NKEYS ? keys[i].name : NULL;
}

const char *
pdc_config_origin_name(enum pdc_origin origin)
{
	switch (origin) {
	case PDC_ORIGIN_DEFAULT:	return "default";
	case PDC_ORIGIN_FILE:		return "file";
	case PDC_ORIGIN_ENV:		return "environment";
	case PDC_ORIGIN_PROFILE:	return "profile";
	case PDC_ORIGIN_OPTION:		return "option";
	}
	return "unknown";
}

/*
 * Fail for key K: "WHERE: key: SHOWN WHAT".  WHERE (a file, a variable) may
 * be NULL.  A secret's value is never shown.
 */
static int
bad(struct pdc_err *err, const char *where, const struct key *k,
    const char *shown, const char *what)
{
	if (k->flags & K_SECRET)
		shown = "the value";
	return pdc_err_set(err, PDC_E_CONFIG, "%s%s%s: %s %s",
	    where != NULL ? where : "", where != NULL ? ": " : "", k->name,
	    shown, what);
}

static const char *
type_expect(enum ktype t)
{
	switch (t) {
	case K_INT:	return "is not an integer";
	case K_NUM:	return "is not a number";
	case K_BOOL:	return "is not true or false";
	case K_STR:
	case K_URL:	return "is not a string";
	}
	return "is not valid";
}

static bool
url_ok(const char *s)
{
	size_t n;

	if (strncasecmp(s, "http://", 7) == 0)
		n = 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		n = 8;
	else
		return false;
	/* A host must follow; blanks are never part of one. */
	if (s[n] == '\0' || s[n] == '/')
		return false;
	return strpbrk(s + n, " \t") == NULL;
}

/* A file named by key K must be there for us to read, now rather than at
 * the first request. */
static int
check_readable(const struct key *k, const char *path, const char *where,
    const char *shown, struct pdc_err *err)
{
	char what[128];
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(what, sizeof(what), "cannot be read (%s)", strerror(errno));
		return bad(err, where, k, shown, what);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return bad(err, where, k, shown, "is not a file");
	}
	close(fd);
	return 0;
}

/*
 * Check V against K's type constraints; SHOWN is V as a message shows it.
 */
static int
check(const struct key *k, union val v, const char *where, const char *shown,
    struct pdc_err *err)
{
	char what[128], apn[PDC_APN_MAX];
	const char *p;

	switch (k->type) {
	case K_INT:
	case K_NUM:
		if (k->type == K_INT && isfinite(v.d) && v.d != floor(v.d))
			return bad(err, where, k, shown, type_expect(k->type));
		if (isfinite(v.d) && (k->flags & K_MINEXCL ? v.d > k->min : v.d >= k->min) &&
		    v.d <= k->max)
			return 0;
		if (!(k->flags & K_MINEXCL))
			snprintf(what, sizeof(what), "is out of range (expected %g to %g)",
			    k->min, k->max);
		else if (isinf(k->max))
			snprintf(what, sizeof(what), "is out of range (expected more than %g)",
			    k->min);
		else
			snprintf(what, sizeof(what),
			    "is out of range (expected more than %g, at most %g)",
			    k->min, k->max);
		return bad(err, where, k, shown, what);
	case K_BOOL:
		return 0;
	case K_STR:
	case K_URL:
		if (v.s == NULL)
			return bad(err, where, k, "(null)", "is not set");
		/* These strings end up in HTTP headers and connection strings,
		 * where a CR or LF would start something new. */
		for (p = v.s; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return bad(err, where, k, shown, "contains a control character");
		if ((k->flags & K_NONEMPTY) && v.s[0] == '\0')
			return bad(err, where, k, shown, "is empty");
		if (k->type == K_URL && !url_ok(v.s))
			return bad(err, where, k, shown, "is not an http:// or https:// URL");
		if ((k->flags & K_READABLE) && v.s[0] != '\0')
			return check_readable(k, v.s, where, shown, err);
		if ((k->flags & K_APN) && pdc_apn_parse(v.s, strlen(v.s), apn) == -1)
			return bad(err, where, k, shown, "is not a parcel number (such as 165-28-054)");
		return 0;
	}
	return bad(err, where, k, shown, "is not valid");
}

/* Put the checked V into CFG, from ORIGIN. */
static int
store(struct pdc_config *cfg, size_t i, union val v, enum pdc_origin origin,
    struct pdc_err *err)
{
	const struct key *k = &keys[i];
	char *s, **sp;
	size_t n;

	switch (k->type) {
	case K_INT:
		*(int *)fieldp(cfg, k) = (int)v.d;
		break;
	case K_NUM:
		*(double *)fieldp(cfg, k) = v.d;
		break;
	case K_BOOL:
		*(bool *)fieldp(cfg, k) = v.b;
		break;
	case K_STR:
	case K_URL:
		if ((s = strdup(v.s)) == NULL)
			return pdc_err_set(err, PDC_E_SYSTEM, "%s: out of memory", k->name);
		/* Paths are appended to base URLs: "https://host/" + "/x"
		 * would double the slash. */
		if (k->type == K_URL)
			for (n = strlen(s); n > 0 && s[n - 1] == '/'; n--)
				s[n - 1] = '\0';
		sp = fieldp(cfg, k);
		free(*sp);
		*sp = s;
		break;
	}
	cfg->origin[i] = origin;
	return 0;
}

/* Whether S is a number as a person would type it: no "inf", "nan", hex. */
static bool
numeric_text(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (strchr("0123456789+-.eE", *s) == NULL)
			return false;
	return true;
}

/* Set key I from TEXT, as an option or a variable would give it. */
static int
assign_text(struct pdc_config *cfg, size_t i, const char *text,
    enum pdc_origin origin, const char *where, struct pdc_err *err)
{
	const struct key *k = &keys[i];
	char shown[PDC_INPUT_QUOTEMAX];
	union val v = { 0 };
	char *end;

	pdc_input_quote(shown, sizeof(shown), text, strlen(text));
	switch (k->type) {
	case K_INT:
	case K_NUM:
		if (!numeric_text(text))
			return bad(err, where, k, shown, type_expect(k->type));
		errno = 0;
		v.d = strtod(text, &end);
		if (*end != '\0')
			return bad(err, where, k, shown, type_expect(k->type));
		break;
	case K_BOOL:
		if (strcmp(text, "true") == 0)
			v.b = true;
		else if (strcmp(text, "false") == 0)
			v.b = false;
		else
			return bad(err, where, k, shown, type_expect(k->type));
		break;
	case K_STR:
	case K_URL:
		v.s = text;
		break;
	}
	if (check(k, v, where, shown, err) == -1)
		return -1;
	return store(cfg, i, v, origin, err);
}

/* A JSON value as a message shows it. */
static const char *
render_json(const cJSON *c, char *buf, size_t size)
{
	if (cJSON_IsString(c) && c->valuestring != NULL)
		pdc_input_quote(buf, size, c->valuestring, strlen(c->valuestring));
	else if (cJSON_IsNumber(c))
		snprintf(buf, size, "%.15g", c->valuedouble);
	else if (cJSON_IsTrue(c))
		snprintf(buf, size, "true");
	else if (cJSON_IsFalse(c))
		snprintf(buf, size, "false");
	else if (cJSON_IsNull(c))
		snprintf(buf, size, "null");
	else if (cJSON_IsArray(c))
		snprintf(buf, size, "[...]");
	else
		snprintf(buf, size, "{...}");
	return buf;
}

/* Set key I from the file's value C. */
static int
assign_json(struct pdc_config *cfg, size_t i, const cJSON *c, const char *path,
    struct pdc_err *err)
{
	const struct key *k = &keys[i];
	char shown[PDC_INPUT_QUOTEMAX];
	union val v = { 0 };

	render_json(c, shown, sizeof(shown));
	switch (k->type) {
	case K_INT:
	case K_NUM:
		if (!cJSON_IsNumber(c))
			return bad(err, path, k, shown, type_expect(k->type));
		v.d = c->valuedouble;
		break;
	case K_BOOL:
		if (!cJSON_IsBool(c))
			return bad(err, path, k, shown, type_expect(k->type));
		v.b = cJSON_IsTrue(c);
		break;
	case K_STR:
	case K_URL:
		if (!cJSON_IsString(c) || c->valuestring == NULL)
			return bad(err, path, k, shown, type_expect(k->type));
		v.s = c->valuestring;
		break;
	}
	if (check(k, v, path, shown, err) == -1)
		return -1;
	return store(cfg, i, v, PDC_ORIGIN_FILE, err);
}

/* Apply the members of object OBJ, whose dotted name is PREFIX ("" at top). */
static int
walk(struct pdc_config *cfg, const cJSON *obj, const char *prefix,
    const char *path, uint64_t *seen, struct pdc_err *err)
{
	const cJSON *c;
	char name[256], q[PDC_INPUT_QUOTEMAX], shown[PDC_INPUT_QUOTEMAX];
	bool named;
	int i, r;

	for (c = obj->child; c != NULL; c = c->next) {
		const char *member = c->string != NULL ? c->string : "";

		r = snprintf(name, sizeof(name), "%s%s%s", prefix,
		    prefix[0] != '\0' ? "." : "", member);
		/* "database.url" at the top level must not pass for the
		 * nested key. */
		named = r >= 0 && (size_t)r < sizeof(name) && strchr(member, '.') == NULL;
		if (named && (i = key_index(name)) >= 0) {
			if (*seen & (UINT64_C(1) << i))
				return pdc_err_set(err, PDC_E_CONFIG,
				    "%s: %s: duplicate key", path, name);
			*seen |= UINT64_C(1) << i;
			if (assign_json(cfg, (size_t)i, c, path, err) == -1)
				return -1;
		} else if (named && is_section(name)) {
			if (!cJSON_IsObject(c))
				return pdc_err_set(err, PDC_E_CONFIG,
				    "%s: %s: %s is not an object", path, name,
				    render_json(c, shown, sizeof(shown)));
			if (walk(cfg, c, name, path, seen, err) == -1)
				return -1;
		} else {
			pdc_input_quote(q, sizeof(q), member, strlen(member));
			if (prefix[0] != '\0')
				return pdc_err_set(err, PDC_E_CONFIG,
				    "%s: %s: unknown key %s", path, prefix, q);
			return pdc_err_set(err, PDC_E_CONFIG,
			    "%s: unknown key %s", path, q);
		}
	}
	return 0;
}

/*
 * Read the file at PATH into CFG.  Returns 1 when read, 0 when it does not
 * exist and MUST is false, -1 with ERR otherwise.
 */
static int
read_config(struct pdc_config *cfg, const char *path, bool must,
    struct pdc_err *err)
{
	struct stat st;
	char *buf = NULL, *nbuf;
	const char *end = NULL, *p;
	size_t len = 0, cap = 0;
	ssize_t n;
	cJSON *root = NULL;
	uint64_t seen = 0;
	int fd, line, tok, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (!must && (errno == ENOENT || errno == ENOTDIR))
			return 0;
		return pdc_err_set(err, PDC_E_CONFIG, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		pdc_err_set(err, PDC_E_CONFIG, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		pdc_err_set(err, PDC_E_CONFIG, "%s: is a directory", path);
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size > CONFIG_MAXSIZE) {
		pdc_err_set(err, PDC_E_CONFIG, "%s: larger than %d bytes", path,
		    CONFIG_MAXSIZE);
		goto out;
	}
	/* Read up to the cap plus one byte, so that a file that grows while
	 * read, or a pipe, is held to the cap too.  One byte is kept for the
	 * NUL. */
	for (;;) {
		if (cap - len < 2) {
			cap = cap == 0 ? 4096 : cap * 2;
			if (cap > CONFIG_MAXSIZE + 2)
				cap = CONFIG_MAXSIZE + 2;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				pdc_err_set(err, PDC_E_SYSTEM, "%s: out of memory", path);
				goto out;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			pdc_err_set(err, PDC_E_CONFIG, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > CONFIG_MAXSIZE) {
			pdc_err_set(err, PDC_E_CONFIG, "%s: larger than %d bytes",
			    path, CONFIG_MAXSIZE);
			goto out;
		}
	}
	buf[len] = '\0';

	/* cJSON would stop at a NUL and call what came before the file. */
	if ((p = memchr(buf, '\0', len)) == NULL) {
		root = cJSON_ParseWithOpts(buf, &end, 1);
		p = end;
	}
	if (root == NULL) {
		line = 1;
		if (p == NULL || p < buf || p > buf + len)
			p = buf;
		for (end = buf; end < p; end++)
			if (*end == '\n')
				line++;
		pdc_err_set(err, PDC_E_CONFIG, "%s: not JSON (line %d)", path, line);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		pdc_err_set(err, PDC_E_CONFIG, "%s: not a JSON object", path);
		goto out;
	}
	free(cfg->path);
	if ((cfg->path = strdup(path)) == NULL) {
		pdc_err_set(err, PDC_E_SYSTEM, "%s: out of memory", path);
		goto out;
	}
	if (walk(cfg, root, "", path, &seen, err) == -1)
		goto out;

	/* Judged now, before the environment may replace the token: the
	 * file holds it either way. */
	for (tok = 0; tok < (int)NKEYS; tok++) {
		const char *v = keys[tok].type == K_STR ? *(char **)fieldp(cfg, &keys[tok]) : NULL;

		if ((keys[tok].flags & K_SECRET) && cfg->origin[tok] == PDC_ORIGIN_FILE &&
		    v != NULL && v[0] != '\0' && (st.st_mode & (S_IRGRP | S_IROTH)))
			cfg->token_exposed = true;
	}
	rc = 1;
out:
	cJSON_Delete(root);
	free(buf);
	close(fd);
	return rc;
}

/* Find the file (see config.h) and read it.  Returns 0 or -1. */
static int
load_file(struct pdc_config *cfg, struct pdc_err *err)
{
	const char *env, *xdg, *home;
	char path[PATH_MAX];
	int r;

	if ((env = getenv("PDC_CONFIG")) != NULL && env[0] != '\0')
		return read_config(cfg, env, true, err) == -1 ? -1 : 0;

	if ((r = read_config(cfg, "./config.json", false, err)) != 0)
		return r == -1 ? -1 : 0;

	/* The XDG spec says a relative XDG_CONFIG_HOME is to be ignored. */
	xdg = getenv("XDG_CONFIG_HOME");
	home = getenv("HOME");
	r = -2;
	if (xdg != NULL && xdg[0] == '/')
		r = snprintf(path, sizeof(path), "%s/pdc/config.json", xdg);
	else if (home != NULL && home[0] != '\0')
		r = snprintf(path, sizeof(path), "%s/.config/pdc/config.json", home);
	if (r != -2) {
		if (r < 0 || (size_t)r >= sizeof(path))
			return pdc_err_set(err, PDC_E_CONFIG,
			    "configuration path under %s is too long",
			    xdg != NULL && xdg[0] == '/' ? "XDG_CONFIG_HOME" : "HOME");
		if ((r = read_config(cfg, path, false, err)) != 0)
			return r == -1 ? -1 : 0;
	}

	return read_config(cfg, "/etc/pdc/config.json", false, err) == -1 ? -1 : 0;
}

static int
set_defaults(struct pdc_config *cfg, struct pdc_err *err)
{
	union val v = { 0 };
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		switch (keys[i].type) {
		case K_INT:
		case K_NUM:
			v.d = keys[i].def;
			break;
		case K_BOOL:
			v.b = keys[i].def != 0;
			break;
		case K_STR:
		case K_URL:
			v.s = keys[i].defstr;
			break;
		}
		if (store(cfg, i, v, PDC_ORIGIN_DEFAULT, err) == -1)
			return -1;
	}
	return 0;
}

int
pdc_config_load(struct pdc_config *cfg, struct pdc_err *err)
{
	const char *val;
	size_t i;
	int k;

	init_keys();
	memset(cfg, 0, sizeof(*cfg));
	if (set_defaults(cfg, err) == -1 || load_file(cfg, err) == -1)
		goto fail;
	for (i = 0; i < nenv; i++) {
		/* Set but empty counts: PDC_DATABASE_URL= picks the embedded
		 * cluster over a file's server. */
		if ((val = getenv(env_keys[i].var)) == NULL)
			continue;
		if ((k = key_index(env_keys[i].key)) == -1 ||
		    assign_text(cfg, (size_t)k, val, PDC_ORIGIN_ENV, env_keys[i].var, err) == -1)
			goto fail;
	}
	if (pdc_config_validate(cfg, err) == -1)
		goto fail;
	return 0;
fail:
	pdc_config_release(cfg);
	return -1;
}

/* A profile's value for key NAME, unless an option already chose it. */
static void
profile_int(struct pdc_config *cfg, const char *name, int v)
{
	int i;

	if ((i = key_index(name)) == -1 || cfg->origin[i] == PDC_ORIGIN_OPTION)
		return;
	*(int *)fieldp(cfg, &keys[i]) = v;
	cfg->origin[i] = PDC_ORIGIN_PROFILE;
}

int
pdc_config_profile(struct pdc_config *cfg, const char *name, struct pdc_err *err)
{
	char q[PDC_INPUT_QUOTEMAX], *dup;
	const char *suffix = ".requests_per_second";
	size_t i, n, sn = strlen(suffix);
	long cores;
	int jobs, conns;

	init_keys();
	if (name == NULL)
		name = "";
	if (strcmp(name, "conservative") == 0) {
		profile_int(cfg, "background_collection.max_concurrent_jobs", 1);
		profile_int(cfg, "database_pool.min_connections", 2);
		profile_int(cfg, "database_pool.max_connections", 5);
		for (i = 0; i < NKEYS; i++) {
			n = strlen(keys[i].name);
			if (keys[i].type != K_NUM || n < sn ||
			    strcmp(keys[i].name + n - sn, suffix) != 0 ||
			    cfg->origin[i] == PDC_ORIGIN_OPTION)
				continue;
			*(double *)fieldp(cfg, &keys[i]) /= 2;
			cfg->origin[i] = PDC_ORIGIN_PROFILE;
		}
	} else if (strcmp(name, "high-performance") == 0) {
		profile_int(cfg, "background_collection.max_concurrent_jobs", 8);
		profile_int(cfg, "background_collection.job_timeout_seconds", 120);
		profile_int(cfg, "database_pool.min_connections", 10);
		profile_int(cfg, "database_pool.max_connections", 40);
	} else if (strcmp(name, "auto") == 0) {
		/* Leave a core for PostgreSQL and the rest of the machine. */
		cores = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = cores > 1 ? (cores - 1 > 256 ? 256 : (int)(cores - 1)) : 1;
		profile_int(cfg, "background_collection.max_concurrent_jobs", jobs);
		/* Each job holds a connection; keep some for everyone else,
		 * and never fall below the pool's own minimum. */
		jobs = cfg->max_concurrent_jobs;
		conns = jobs + 4 > 20 ? jobs + 4 : 20;
		if (conns < cfg->min_connections)
			conns = cfg->min_connections;
		if (conns > 1000)
			conns = 1000;
		profile_int(cfg, "database_pool.max_connections", conns);
	} else {
		return pdc_err_set(err, PDC_E_CONFIG,
		    "unknown profile %s (expected conservative, high-performance or auto)",
		    pdc_input_quote(q, sizeof(q), name, strlen(name)));
	}
	if ((dup = strdup(name)) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	free(cfg->profile);
	cfg->profile = dup;
	return 0;
}

int
pdc_config_set(struct pdc_config *cfg, const char *key, const char *value,
    enum pdc_origin origin, struct pdc_err *err)
{
	char q[PDC_INPUT_QUOTEMAX];
	int i;

	init_keys();
	if (key == NULL || (i = key_index(key)) == -1)
		return pdc_err_set(err, PDC_E_CONFIG, "unknown key %s",
		    key == NULL ? "(null)" : pdc_input_quote(q, sizeof(q), key, strlen(key)));
	if (value == NULL)
		return pdc_err_set(err, PDC_E_CONFIG, "%s: no value", key);
	return assign_text(cfg, (size_t)i, value, origin, NULL, err);
}

/* The value of key I as text, for print and messages. */
static const char *
value_text(const struct pdc_config *cfg, size_t i, char *buf, size_t size)
{
	const struct key *k = &keys[i];
	const char *s;

	switch (k->type) {
	case K_INT:
		snprintf(buf, size, "%d", *(const int *)cfieldp(cfg, k));
		break;
	case K_NUM:
		snprintf(buf, size, "%.15g", *(const double *)cfieldp(cfg, k));
		break;
	case K_BOOL:
		snprintf(buf, size, "%s", *(const bool *)cfieldp(cfg, k) ? "true" : "false");
		break;
	case K_STR:
	case K_URL:
		s = *(char *const *)cfieldp(cfg, k);
		if (s == NULL)
			s = "";
		if ((k->flags & K_SECRET) && s[0] != '\0')
			s = "(set)";
		if (k->flags & K_PASSWORD) {
			pdc_config_redact_url(s, buf, size);
			return buf;
		}
		return s;
	}
	return buf;
}

int
pdc_config_validate(const struct pdc_config *cfg, struct pdc_err *err)
{
	char buf[64], shown[PDC_INPUT_QUOTEMAX];
	const char *where, *s;
	union val v = { 0 };
	size_t i;
	int lo, hi;

	init_keys();
	/* Members may have been set directly; hold them to the file's rules. */
	for (i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];

		where = cfg->origin[i] == PDC_ORIGIN_FILE ? cfg->path : NULL;
		switch (k->type) {
		case K_INT:
			v.d = *(const int *)cfieldp(cfg, k);
			break;
		case K_NUM:
			v.d = *(const double *)cfieldp(cfg, k);
			break;
		case K_BOOL:
			continue;
		case K_STR:
		case K_URL:
			v.s = *(char *const *)cfieldp(cfg, k);
			break;
		}
		if (k->type == K_STR || k->type == K_URL) {
			s = v.s != NULL ? v.s : "";
			pdc_input_quote(shown, sizeof(shown), s, strlen(s));
		} else
			strlcpy(shown, value_text(cfg, i, buf, sizeof(buf)), sizeof(shown));
		if (check(k, v, where, shown, err) == -1)
			return -1;
	}

	lo = key_index("database_pool.min_connections");
	hi = key_index("database_pool.max_connections");
	if (lo >= 0 && hi >= 0 && cfg->min_connections > cfg->max_connections) {
		where = cfg->origin[lo] == PDC_ORIGIN_FILE ||
		    cfg->origin[hi] == PDC_ORIGIN_FILE ? cfg->path : NULL;
		return pdc_err_set(err, PDC_E_CONFIG, "%s%s%s: %d is more than %s (%d)",
		    where != NULL ? where : "", where != NULL ? ": " : "",
		    keys[lo].name, cfg->min_connections, keys[hi].name,
		    cfg->max_connections);
	}
	return 0;
}

static void
print_json(const struct pdc_config *cfg, size_t i, FILE *fp)
{
	const struct key *k = &keys[i];
	char buf[4096], *line;
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddStringToObject(o, "key", k->name);
	switch (k->type) {
	case K_INT:
		cJSON_AddNumberToObject(o, "value", *(const int *)cfieldp(cfg, k));
		break;
	case K_NUM:
		cJSON_AddNumberToObject(o, "value", *(const double *)cfieldp(cfg, k));
		break;
	case K_BOOL:
		cJSON_AddBoolToObject(o, "value", *(const bool *)cfieldp(cfg, k));
		break;
	case K_STR:
	case K_URL:
		cJSON_AddStringToObject(o, "value", value_text(cfg, i, buf, sizeof(buf)));
		break;
	}
	cJSON_AddStringToObject(o, "origin", pdc_config_origin_name(cfg->origin[i]));
	if ((line = cJSON_PrintUnformatted(o)) != NULL) {
		fprintf(fp, "%s\n", line);
		cJSON_free(line);
	}
	cJSON_Delete(o);
}

void
pdc_config_print(const struct pdc_config *cfg, FILE *fp, bool as_json)
{
	char buf[4096];
	size_t i;

	init_keys();
	for (i = 0; i < NKEYS; i++) {
		if (as_json)
			print_json(cfg, i, fp);
		else
			fprintf(fp, "%s\t%s\t%s\n", keys[i].name,
			    value_text(cfg, i, buf, sizeof(buf)),
			    pdc_config_origin_name(cfg->origin[i]));
	}
}

void
pdc_config_redact_url(const char *in, char *out, size_t len)
{
	const char *scheme = strstr(in, "://"), *at, *pw;

	strlcpy(out, in, len);
	/* postgresql://user:secret@host/db */
	if (scheme != NULL && (at = strchr(scheme + 3, '@')) != NULL) {
		const char *colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));

		if (colon != NULL && (size_t)(colon - in) + 1 < len)
			snprintf(out + (colon - in), len - (size_t)(colon - in), ":***%s", at);
	}
	/* password=secret, as a keyword or a URI parameter */
	if ((pw = strstr(out, "password=")) != NULL) {
		char *p = out + (pw - out) + 9;
		size_t n = strcspn(p, " &");

		if (n >= 3 || strlen(p) + 3 - n < len - (size_t)(p - out)) {
			memmove(p + 3, p + n, strlen(p + n) + 1);
			memcpy(p, "***", 3);
		}
	}
}

int
pdc_config_token_exposed(const struct pdc_config *cfg)
{
	return cfg->token_exposed ? 1 : 0;
}

void
pdc_config_release(struct pdc_config *cfg)
{
	size_t i;

	init_keys();
	for (i = 0; i < NKEYS; i++)
		if (keys[i].type == K_STR || keys[i].type == K_URL)
			free(*(char **)fieldp(cfg, &keys[i]));
	free(cfg->path);
	free(cfg->profile);
	memset(cfg, 0, sizeof(*cfg));
}
