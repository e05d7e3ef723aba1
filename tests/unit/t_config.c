/*
 * t_config.c - config.json, the environment, profiles, options, printing.
 *
 * Runs in a fresh temporary directory with HOME and XDG_CONFIG_HOME pointing
 * into it, so no real configuration leaks in (except /etc/pdc/config.json,
 * which the one test that depends on its absence checks for).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "error.h"
#include "unit.h"

static char dir[64];

static const char seed_json[] =
    "{\n"
    "  \"background_collection\": {\n"
    "    \"max_concurrent_jobs\": 6,\n"
    "    \"job_timeout_seconds\": 600,\n"
    "    \"retry_attempts\": 0,\n"
    "    \"cache_expiry_hours\": 12.5,\n"
    "    \"auto_start_collection\": false\n"
    "  },\n"
    "  \"database_pool\": {\n"
    "    \"min_connections\": 3,\n"
    "    \"max_connections\": 9,\n"
    "    \"connection_timeout_seconds\": 0.5\n"
    "  },\n"
    "  \"performance\": {\n"
    "    \"enable_performance_monitoring\": false,\n"
    "    \"log_slow_operations\": false,\n"
    "    \"slow_operation_threshold_seconds\": 3.25\n"
    "  },\n"
    "  \"database\": { \"url\": \"postgresql://db.example/pdc\" },\n"
    "  \"sources\": {\n"
    "    \"assessor\": { \"base_url\": \"http://127.0.0.1:8001/\", \"token\": \"s3cr3t-t0ken\", \"requests_per_second\": 10 },\n"
    "    \"treasurer\": { \"base_url\": \"HTTPS://127.0.0.2:8002//\", \"requests_per_second\": 4 },\n"
    "    \"recorder\": { \"base_url\": \"http://127.0.0.3:8003\", \"requests_per_second\": 0.5 },\n"
    "    \"user_agent\": \"pdc-test/1\",\n"
    "    \"respect_robots_txt\": false\n"
    "  }\n"
    "}\n";

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) == EOF || fclose(fp) == EOF) {
		printf("Bail out! cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (chmod(path, mode) == -1) {
		printf("Bail out! chmod %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static int
key_index(const char *name)
{
	const char *k;
	size_t i;

	for (i = 0; (k = pdc_config_key(i)) != NULL; i++)
		if (strcmp(k, name) == 0)
			return (int)i;
	return -1;
}

static const char *
origin_of(const struct pdc_config *cfg, const char *name)
{
	int i = key_index(name);

	return i < 0 ? "(no such key)" : pdc_config_origin_name(cfg->origin[i]);
}

/* Load with PDC_CONFIG naming a file holding TEXT; returns the load's rc. */
static int
load_text(struct pdc_config *cfg, const char *text, struct pdc_err *err)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/c.json", dir);
	write_file(path, text, 0600);
	setenv("PDC_CONFIG", path, 1);
	pdc_err_clear(err);
	return pdc_config_load(cfg, err);
}

/* The error message for TEXT, with the file's path replaced by "F". */
static const char *
load_error(const char *text)
{
	static char msg[600];
	struct pdc_config cfg;
	struct pdc_err err;
	char path[128];
	size_t n;

	snprintf(path, sizeof(path), "%s/c.json", dir);
	n = strlen(path);
	if (load_text(&cfg, text, &err) == 0) {
		pdc_config_release(&cfg);
		return "(loaded)";
	}
	if (err.kind != PDC_E_CONFIG)
		return "(wrong kind)";
	if (cfg.user_agent != NULL || cfg.path != NULL)
		return "(cfg not released)";
	if (strncmp(err.msg, path, n) == 0)
		snprintf(msg, sizeof(msg), "F%s", err.msg + n);
	else
		snprintf(msg, sizeof(msg), "%s", err.msg);
	return msg;
}

/* Everything pdc_config_print writes. */
static char *
printed(const struct pdc_config *cfg, bool as_json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		exit(1);
	pdc_config_print(cfg, fp, as_json);
	fclose(fp);
	return buf;
}

static void
t_defaults(void)
{
	struct pdc_config cfg;
	struct pdc_err err;
	size_t i;
	int all;

	is_int(load_text(&cfg, "{}", &err), 0, "defaults: load an empty object");
	is_int(cfg.max_concurrent_jobs, 3, "default max_concurrent_jobs");
	is_int(cfg.job_timeout_seconds, 300, "default job_timeout_seconds");
	is_int(cfg.retry_attempts, 3, "default retry_attempts");
	ok(cfg.cache_expiry_hours == 24, "default cache_expiry_hours");
	ok(cfg.auto_start_collection, "default auto_start_collection");
	is_int(cfg.min_connections, 5, "default min_connections");
	is_int(cfg.max_connections, 20, "default max_connections");
	ok(cfg.connection_timeout_seconds == 30, "default connection_timeout_seconds");
	ok(cfg.enable_performance_monitoring, "default enable_performance_monitoring");
	ok(cfg.log_slow_operations, "default log_slow_operations");
	ok(cfg.slow_operation_threshold_seconds == 2.0, "default slow_operation_threshold_seconds");
	is_str(cfg.database_url, "", "default database.url is the embedded cluster");
	is_str(pdc_config_source(&cfg, "assessor")->base_url, "https://mcassessor.maricopa.gov", "default assessor URL");
	is_str(pdc_config_source(&cfg, "assessor")->token, "", "default token empty");
	ok(pdc_config_source(&cfg, "assessor")->requests_per_second == 5, "default assessor rate");
	is_str(pdc_config_source(&cfg, "treasurer")->base_url, "https://treasurer.maricopa.gov", "default treasurer URL");
	ok(pdc_config_source(&cfg, "treasurer")->requests_per_second == 2, "default treasurer rate");
	is_str(pdc_config_source(&cfg, "recorder")->base_url, "https://publicapi.recorder.maricopa.gov", "default recorder URL");
	ok(pdc_config_source(&cfg, "recorder")->requests_per_second == 2, "default recorder rate");
	is_str(cfg.user_agent, "pdc/" PDC_VERSION, "default user agent");
	ok(cfg.respect_robots_txt, "default respect_robots_txt");
	is_int(cfg.request_tries, 3, "default request_tries");
	all = 1;
	for (i = 0; pdc_config_key(i) != NULL; i++)
		if (cfg.origin[i] != PDC_ORIGIN_DEFAULT)
			all = 0;
	ok(all, "every origin is default");
	is_int(i, 24, "24 keys");
	ok(cfg.path != NULL && strstr(cfg.path, "c.json") != NULL, "path names the file read");
	is_int(pdc_config_token_exposed(&cfg), 0, "no token, nothing exposed");
	is_int(pdc_config_validate(&cfg, &err), 0, "defaults validate");
	pdc_config_release(&cfg);
}

static void
t_good_file(void)
{
	struct pdc_config cfg;
	struct pdc_err err;
	char *out;

	is_int(load_text(&cfg, seed_json, &err), 0, "good file loads");
	is_int(cfg.max_concurrent_jobs, 6, "file max_concurrent_jobs");
	is_int(cfg.job_timeout_seconds, 600, "file job_timeout_seconds");
	is_int(cfg.retry_attempts, 0, "file retry_attempts 0 allowed");
	ok(cfg.cache_expiry_hours == 12.5, "file cache_expiry_hours");
	ok(!cfg.auto_start_collection, "file auto_start_collection false");
	is_int(cfg.min_connections, 3, "file min_connections");
	is_int(cfg.max_connections, 9, "file max_connections");
	ok(cfg.connection_timeout_seconds == 0.5, "file connection_timeout_seconds");
	ok(!cfg.enable_performance_monitoring, "file enable_performance_monitoring");
	ok(!cfg.log_slow_operations, "file log_slow_operations");
	ok(cfg.slow_operation_threshold_seconds == 3.25, "file slow threshold");
	is_str(cfg.database_url, "postgresql://db.example/pdc", "file database.url");
	is_str(pdc_config_source(&cfg, "assessor")->base_url, "http://127.0.0.1:8001", "trailing slash stripped");
	is_str(pdc_config_source(&cfg, "treasurer")->base_url, "HTTPS://127.0.0.2:8002", "slashes stripped, scheme any case");
	is_str(pdc_config_source(&cfg, "recorder")->base_url, "http://127.0.0.3:8003", "file recorder URL");
	is_str(pdc_config_source(&cfg, "assessor")->token, "s3cr3t-t0ken", "file token");
	ok(pdc_config_source(&cfg, "recorder")->requests_per_second == 0.5, "fractional rate");
	is_str(cfg.user_agent, "pdc-test/1", "file user agent");
	ok(!cfg.respect_robots_txt, "file respect_robots_txt");
	is_str(origin_of(&cfg, "database_pool.max_connections"), "file", "origin file");
	is_str(origin_of(&cfg, "sources.assessor.token"), "file", "token origin file");

	out = printed(&cfg, false);
	ok(strstr(out, "s3cr3t") == NULL, "print never shows the token");
	ok(strstr(out, "sources.assessor.token\t(set)\tfile\n") != NULL, "print shows (set)");
	ok(strstr(out, "background_collection.max_concurrent_jobs\t6\tfile\n") != NULL,
	    "print shows key, value, origin");
	ok(strncmp(out, "background_collection.max_concurrent_jobs\t", 42) == 0,
	    "print starts in table order");
	ok(strstr(out, "database_pool.connection_timeout_seconds\t0.5\tfile\n") != NULL,
	    "print shows a fraction plainly");
	free(out);
	out = printed(&cfg, true);
	ok(strstr(out, "s3cr3t") == NULL, "JSON print never shows the token");
	ok(strstr(out, "{\"key\":\"sources.assessor.token\",\"value\":\"(set)\",\"origin\":\"file\"}")
	    != NULL, "JSON print shows (set)");
	free(out);
	pdc_config_release(&cfg);
	ok(cfg.user_agent == NULL && cfg.path == NULL, "release clears");
}

static void
t_json_print(void)
{
	struct pdc_config cfg;
	struct pdc_err err;
	char *out, *line, *nl;
	cJSON *o, *v;
	int n = 0, typed = 1;

	load_text(&cfg, "{}", &err);
	out = printed(&cfg, true);
	for (line = out; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		n++;
		if ((o = cJSON_Parse(line)) == NULL) {
			typed = 0;
			continue;
		}
		v = cJSON_GetObjectItemCaseSensitive(o, "value");
		if (strcmp(cJSON_GetObjectItemCaseSensitive(o, "key")->valuestring,
		    "background_collection.max_concurrent_jobs") == 0 &&
		    !(cJSON_IsNumber(v) && v->valuedouble == 3))
			typed = 0;
		if (strcmp(cJSON_GetObjectItemCaseSensitive(o, "key")->valuestring,
		    "sources.respect_robots_txt") == 0 && !cJSON_IsTrue(v))
			typed = 0;
		if (strcmp(cJSON_GetObjectItemCaseSensitive(o, "key")->valuestring,
		    "sources.assessor.token") == 0 &&
		    !(cJSON_IsString(v) && v->valuestring[0] == '\0'))
			typed = 0;
		if (strcmp(cJSON_GetObjectItemCaseSensitive(o, "origin")->valuestring, "default") != 0)
			typed = 0;
		cJSON_Delete(o);
	}
	is_int(n, 24, "JSON print: one line per key");
	ok(typed, "JSON print: valid JSON, typed values, origins");
	free(out);
	pdc_config_release(&cfg);
}

static void
t_errors(void)
{
	static const struct {
		const char *text, *msg, *why;
	} bad[] = {
		{ "{\n  \"database\": {},\n  oops\n}\n", "F: not JSON (line 3)", "not JSON" },
		{ "", "F: not JSON (line 1)", "empty file" },
		{ "{} {}", "F: not JSON (line 1)", "two values" },
		{ "{}\n\n\n\"x\"", "F: not JSON (line 4)", "trailing value" },
		{ "[1, 2]", "F: not a JSON object", "array at the top" },
		{ "{\"background_collection\": {\"retry_attempts\": \"three\"}}",
		    "F: background_collection.retry_attempts: \"three\" is not an integer", "string for integer" },
		{ "{\"background_collection\": {\"retry_attempts\": 2.5}}",
		    "F: background_collection.retry_attempts: 2.5 is not an integer", "fraction for integer" },
		{ "{\"background_collection\": {\"cache_expiry_hours\": \"24\"}}",
		    "F: background_collection.cache_expiry_hours: \"24\" is not a number", "string for number" },
		{ "{\"background_collection\": {\"auto_start_collection\": \"true\"}}",
		    "F: background_collection.auto_start_collection: \"true\" is not true or false", "string for boolean" },
		{ "{\"background_collection\": {\"auto_start_collection\": 1}}",
		    "F: background_collection.auto_start_collection: 1 is not true or false", "number for boolean" },
		{ "{\"database\": {\"url\": 5}}",
		    "F: database.url: 5 is not a string", "number for string" },
		{ "{\"database\": {\"url\": null}}",
		    "F: database.url: null is not a string", "null for string" },
		{ "{\"database_pool\": [1]}",
		    "F: database_pool: [...] is not an object", "array for section" },
		{ "{\"background_collection\": {\"max_concurrent_jobs\": {}}}",
		    "F: background_collection.max_concurrent_jobs: {...} is not an integer", "object for key" },
		{ "{\"background_colection\": {}}",
		    "F: unknown key \"background_colection\"", "unknown section" },
		{ "{\"background_collection\": {\"max_jobs\": 3}}",
		    "F: background_collection: unknown key \"max_jobs\"", "unknown key" },
		{ "{\"sources\": {\"assessor\": {\"tokens\": \"x\"}}}",
		    "F: sources.assessor: unknown key \"tokens\"", "unknown nested key" },
		{ "{\"database.url\": \"x\"}",
		    "F: unknown key \"database.url\"", "dotted key at the top" },
		{ "{\"database\": {\"url\": \"a\", \"url\": \"b\"}}",
		    "F: database.url: duplicate key", "duplicate key" },
		{ "{\"background_collection\": {\"max_concurrent_jobs\": 0}}",
		    "F: background_collection.max_concurrent_jobs: 0 is out of range (expected 1 to 256)",
		    "zero jobs" },
		{ "{\"background_collection\": {\"max_concurrent_jobs\": 257}}",
		    "F: background_collection.max_concurrent_jobs: 257 is out of range (expected 1 to 256)",
		    "too many jobs" },
		{ "{\"background_collection\": {\"retry_attempts\": -1}}",
		    "F: background_collection.retry_attempts: -1 is out of range (expected 0 to 100)",
		    "negative retries" },
		{ "{\"background_collection\": {\"job_timeout_seconds\": 1e12}}",
		    "F: background_collection.job_timeout_seconds: 1000000000000 is out of range (expected 1 to 86400)",
		    "huge integer does not wrap" },
		{ "{\"background_collection\": {\"cache_expiry_hours\": 1e999}}",
		    "F: background_collection.cache_expiry_hours: inf is out of range (expected 0 to 87600)",
		    "infinite number" },
		{ "{\"database_pool\": {\"connection_timeout_seconds\": 0}}",
		    "F: database_pool.connection_timeout_seconds: 0 is out of range (expected more than 0, at most 3600)",
		    "zero timeout" },
		{ "{\"performance\": {\"slow_operation_threshold_seconds\": -2}}",
		    "F: performance.slow_operation_threshold_seconds: -2 is out of range (expected more than 0)",
		    "negative threshold" },
		{ "{\"sources\": {\"treasurer\": {\"requests_per_second\": 1001}}}",
		    "F: sources.treasurer.requests_per_second: 1001 is out of range (expected more than 0, at most 1000)",
		    "rate too high" },
		{ "{\"sources\": {\"recorder\": {\"base_url\": \"ftp://x\"}}}",
		    "F: sources.recorder.base_url: \"ftp://x\" is not an http:// or https:// URL", "ftp URL" },
		{ "{\"sources\": {\"recorder\": {\"base_url\": \"https://\"}}}",
		    "F: sources.recorder.base_url: \"https://\" is not an http:// or https:// URL", "URL without host" },
		{ "{\"sources\": {\"user_agent\": \"\"}}",
		    "F: sources.user_agent: \"\" is empty", "empty user agent" },
		{ "{\"sources\": {\"user_agent\": \"pdc\\r\\nX-Evil: 1\"}}",
		    "F: sources.user_agent: \"pdc\\x0d\\x0aX-Evil: 1\" contains a control character",
		    "header injection" },
		{ "{\"sources\": {\"assessor\": {\"token\": \"abc\\ndef\"}}}",
		    "F: sources.assessor.token: the value contains a control character",
		    "bad token is not shown" },
		{ "{\"sources\": {\"assessor\": {\"token\": 12345}}}",
		    "F: sources.assessor.token: the value is not a string", "token type error hides value" },
		{ "{\"database_pool\": {\"min_connections\": 30}}",
		    "F: database_pool.min_connections: 30 is more than database_pool.max_connections (20)",
		    "min above max" },
	};
	size_t i;
	char name[128];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "error: %s", bad[i].why);
		is_str(load_error(bad[i].text), bad[i].msg, name);
	}
}

static void
t_files(void)
{
	struct pdc_config cfg;
	struct pdc_err err;
	char path[128], want[256], *big;
	FILE *fp;

	/* PDC_CONFIG naming a missing file is an error naming it. */
	snprintf(path, sizeof(path), "%s/missing.json", dir);
	setenv("PDC_CONFIG", path, 1);
	is_int(pdc_config_load(&cfg, &err), -1, "PDC_CONFIG missing file fails");
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	is_str(err.msg, want, "missing file message names it, with strerror");
	is_int(err.kind, PDC_E_CONFIG, "missing file kind config");

	/* A directory where the file should be. */
	setenv("PDC_CONFIG", dir, 1);
	is_int(pdc_config_load(&cfg, &err), -1, "PDC_CONFIG naming a directory fails");

	/* Over the size cap. */
	snprintf(path, sizeof(path), "%s/big.json", dir);
	if ((fp = fopen(path, "w")) == NULL || (big = calloc(1, 1100000)) == NULL)
		exit(1);
	memset(big, ' ', 1100000 - 3);
	big[0] = '{';
	big[1100000 - 3] = '}';
	fwrite(big, 1, 1100000 - 2, fp);
	fclose(fp);
	free(big);
	setenv("PDC_CONFIG", path, 1);
	is_int(pdc_config_load(&cfg, &err), -1, "a file over 1 MiB is refused");
	ok(strstr(err.msg, "larger than") != NULL, "size cap message");

	/* A NUL inside. */
	snprintf(path, sizeof(path), "%s/nul.json", dir);
	if ((fp = fopen(path, "w")) == NULL)
		exit(1);
	fwrite("{}\n\0{\"x\":1}", 1, 11, fp);
	fclose(fp);
	setenv("PDC_CONFIG", path, 1);
	is_int(pdc_config_load(&cfg, &err), -1, "a NUL in the file is refused");
	ok(strstr(err.msg, "not JSON (line 2)") != NULL, "NUL reported with its line");

	/* Search order without PDC_CONFIG: ./config.json first. */
	unsetenv("PDC_CONFIG");
	if (access("/etc/pdc/config.json", F_OK) == -1) {
		is_int(pdc_config_load(&cfg, &err), 0, "no file anywhere: defaults");
		ok(cfg.path == NULL, "no file anywhere: path NULL");
		pdc_config_release(&cfg);
	} else {
		/* installed here: the system file is the last place looked, and it is found */
		is_int(pdc_config_load(&cfg, &err), 0, "no file but the system's: it loads");
		is_str(cfg.path, "/etc/pdc/config.json", "no file but the system's: its path");
		pdc_config_release(&cfg);
	}

	snprintf(path, sizeof(path), "%s/xdg/pdc", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/xdg/pdc/config.json", dir);
	write_file(path, "{\"background_collection\": {\"max_concurrent_jobs\": 11}}", 0600);
	is_int(pdc_config_load(&cfg, &err), 0, "XDG_CONFIG_HOME file loads");
	is_int(cfg.max_concurrent_jobs, 11, "XDG_CONFIG_HOME file used");
	is_str(cfg.path, path, "XDG path recorded");
	pdc_config_release(&cfg);

	unsetenv("XDG_CONFIG_HOME");
	snprintf(path, sizeof(path), "%s/.config", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.config/pdc", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.config/pdc/config.json", dir);
	write_file(path, "{\"background_collection\": {\"max_concurrent_jobs\": 12}}", 0600);
	is_int(pdc_config_load(&cfg, &err), 0, "without XDG_CONFIG_HOME: ~/.config");
	is_int(cfg.max_concurrent_jobs, 12, "~/.config/pdc/config.json used");
	pdc_config_release(&cfg);
	snprintf(path, sizeof(path), "%s/xdg", dir);
	setenv("XDG_CONFIG_HOME", path, 1);

	write_file("config.json", "{\"background_collection\": {\"max_concurrent_jobs\": 13}}", 0600);
	is_int(pdc_config_load(&cfg, &err), 0, "./config.json loads");
	is_int(cfg.max_concurrent_jobs, 13, "./config.json wins over XDG");
	pdc_config_release(&cfg);

	write_file("config.json", "{\"background_collection\": {\"max_concurrent_jobs\": \"x\"}}", 0600);
	is_int(pdc_config_load(&cfg, &err), -1, "a bad ./config.json is an error, not skipped");
	unlink("config.json");

	/* An existing but unreadable file in a search place is an error.
	 * (A directory: root reads any mode, so permissions cannot show it.) */
	mkdir("config.json", 0700);
	is_int(pdc_config_load(&cfg, &err), -1, "unreadable ./config.json is an error");
	is_str(err.msg, "./config.json: is a directory", "unreadable file named");
	rmdir("config.json");

	/* PDC_CONFIG wins over ./config.json. */
	write_file("config.json", "{\"background_collection\": {\"max_concurrent_jobs\": 13}}", 0600);
	is_int(load_text(&cfg, "{\"background_collection\": {\"max_concurrent_jobs\": 14}}", &err), 0,
	    "PDC_CONFIG loads");
	is_int(cfg.max_concurrent_jobs, 14, "PDC_CONFIG wins over ./config.json");
	pdc_config_release(&cfg);
	unlink("config.json");
}

static void
t_env(void)
{
	struct pdc_config cfg;
	struct pdc_err err;
	char *out;

	setenv("PDC_DATABASE_URL", "postgresql://env.example/pdc", 1);
	setenv("PDC_ASSESSOR_TOKEN", "env-t0ken-xyz", 1);
	is_int(load_text(&cfg, seed_json, &err), 0, "load with environment");
	is_str(cfg.database_url, "postgresql://env.example/pdc", "PDC_DATABASE_URL wins over the file");
	is_str(pdc_config_source(&cfg, "assessor")->token, "env-t0ken-xyz", "PDC_ASSESSOR_TOKEN wins over the file");
	is_str(origin_of(&cfg, "database.url"), "environment", "url origin environment");
	is_str(origin_of(&cfg, "sources.assessor.token"), "environment", "token origin environment");
	is_str(origin_of(&cfg, "database_pool.min_connections"), "file", "other keys keep origin file");
	out = printed(&cfg, false);
	ok(strstr(out, "env-t0ken") == NULL && strstr(out, "s3cr3t") == NULL,
	    "print shows neither token");
	ok(strstr(out, "database.url\tpostgresql://env.example/pdc\tenvironment\n") != NULL,
	    "print shows the environment's url");
	free(out);
	pdc_config_release(&cfg);

	setenv("PDC_DATABASE_URL", "", 1);
	is_int(load_text(&cfg, seed_json, &err), 0, "empty PDC_DATABASE_URL loads");
	is_str(cfg.database_url, "", "empty PDC_DATABASE_URL selects the embedded cluster");
	pdc_config_release(&cfg);

	setenv("PDC_ASSESSOR_TOKEN", "bad\ntoken", 1);
	is_int(load_text(&cfg, "{}", &err), -1, "token with a newline refused");
	ok(strstr(err.msg, "PDC_ASSESSOR_TOKEN") != NULL && strstr(err.msg, "bad") == NULL,
	    "message names the variable, not the token");

	unsetenv("PDC_DATABASE_URL");
	unsetenv("PDC_ASSESSOR_TOKEN");
}

static void
t_profiles(void)
{
	struct pdc_config cfg;
	struct pdc_err err;
	long cores;
	int jobs;

	load_text(&cfg, seed_json, &err);
	is_int(pdc_config_profile(&cfg, "conservative", &err), 0, "conservative applies");
	is_int(cfg.max_concurrent_jobs, 1, "conservative: 1 job");
	is_int(cfg.min_connections, 2, "conservative: min 2");
	is_int(cfg.max_connections, 5, "conservative: max 5");
	ok(pdc_config_source(&cfg, "assessor")->requests_per_second == 5, "conservative: assessor rate 10 halved");
	ok(pdc_config_source(&cfg, "treasurer")->requests_per_second == 2, "conservative: treasurer rate 4 halved");
	ok(pdc_config_source(&cfg, "recorder")->requests_per_second == 0.25, "conservative: recorder rate 0.5 halved");
	is_int(cfg.job_timeout_seconds, 600, "conservative: timeout untouched");
	is_str(origin_of(&cfg, "background_collection.max_concurrent_jobs"), "profile", "origin profile");
	is_str(origin_of(&cfg, "sources.recorder.requests_per_second"), "profile", "rate origin profile");
	is_str(origin_of(&cfg, "background_collection.job_timeout_seconds"), "file", "untouched keeps file");
	is_str(cfg.profile, "conservative", "profile name recorded");
	is_int(pdc_config_validate(&cfg, &err), 0, "conservative validates");
	pdc_config_release(&cfg);

	load_text(&cfg, "{}", &err);
	is_int(pdc_config_profile(&cfg, "high-performance", &err), 0, "high-performance applies");
	is_int(cfg.max_concurrent_jobs, 8, "high-performance: 8 jobs");
	is_int(cfg.min_connections, 10, "high-performance: min 10");
	is_int(cfg.max_connections, 40, "high-performance: max 40");
	is_int(cfg.job_timeout_seconds, 120, "high-performance: timeout 120");
	ok(pdc_config_source(&cfg, "assessor")->requests_per_second == 5, "high-performance: rates untouched");
	pdc_config_release(&cfg);

	cores = sysconf(_SC_NPROCESSORS_ONLN);
	jobs = cores > 1 ? (int)(cores - 1) : 1;
	if (jobs > 256)
		jobs = 256;
	load_text(&cfg, "{}", &err);
	is_int(pdc_config_profile(&cfg, "auto", &err), 0, "auto applies");
	is_int(cfg.max_concurrent_jobs, jobs, "auto: online cores - 1, at least 1");
	is_int(cfg.max_connections, jobs + 4 > 20 ? jobs + 4 : 20, "auto: max(20, jobs + 4) connections");
	is_int(pdc_config_validate(&cfg, &err), 0, "auto validates");
	pdc_config_release(&cfg);

	/* An option given before the profile still wins. */
	load_text(&cfg, "{}", &err);
	is_int(pdc_config_set(&cfg, "background_collection.max_concurrent_jobs", "4",
	    PDC_ORIGIN_OPTION, &err), 0, "-j 4");
	is_int(pdc_config_profile(&cfg, "high-performance", &err), 0, "then high-performance");
	is_int(cfg.max_concurrent_jobs, 4, "the option survives the profile");
	is_str(origin_of(&cfg, "background_collection.max_concurrent_jobs"), "option", "origin option");
	is_int(cfg.max_connections, 40, "the profile sets the rest");
	pdc_config_release(&cfg);

	load_text(&cfg, "{}", &err);
	is_int(pdc_config_profile(&cfg, "turbo", &err), -1, "unknown profile fails");
	is_str(err.msg, "unknown profile \"turbo\" (expected conservative, high-performance or auto)",
	    "unknown profile lists the three");
	is_int(err.kind, PDC_E_CONFIG, "unknown profile kind config");
	is_int(cfg.max_concurrent_jobs, 3, "unknown profile changes nothing");
	ok(cfg.profile == NULL, "unknown profile not recorded");
	pdc_config_release(&cfg);
}

static void
t_set(void)
{
	struct pdc_config cfg;
	struct pdc_err err;
	static const struct {
		const char *key, *value, *msg;
	} bad[] = {
		{ "background_collection.max_concurrent_jobs", "0",
		    "background_collection.max_concurrent_jobs: \"0\" is out of range (expected 1 to 256)" },
		{ "background_collection.max_concurrent_jobs", "three",
		    "background_collection.max_concurrent_jobs: \"three\" is not an integer" },
		{ "background_collection.max_concurrent_jobs", "4x",
		    "background_collection.max_concurrent_jobs: \"4x\" is not an integer" },
		{ "background_collection.max_concurrent_jobs", "",
		    "background_collection.max_concurrent_jobs: \"\" is not an integer" },
		{ "background_collection.max_concurrent_jobs", "2.5",
		    "background_collection.max_concurrent_jobs: \"2.5\" is not an integer" },
		{ "background_collection.max_concurrent_jobs", "99999999999999999999",
		    "background_collection.max_concurrent_jobs: \"99999999999999999999\" is out of range (expected 1 to 256)" },
		{ "background_collection.cache_expiry_hours", "nan",
		    "background_collection.cache_expiry_hours: \"nan\" is not a number" },
		{ "background_collection.cache_expiry_hours", "0x10",
		    "background_collection.cache_expiry_hours: \"0x10\" is not a number" },
		{ "background_collection.auto_start_collection", "yes",
		    "background_collection.auto_start_collection: \"yes\" is not true or false" },
		{ "sources.assessor.base_url", "mcassessor.maricopa.gov",
		    "sources.assessor.base_url: \"mcassessor.maricopa.gov\" is not an http:// or https:// URL" },
		{ "sources.assessor.token", "a\tb",
		    "sources.assessor.token: the value contains a control character" },
		{ "background_collection.max_jobs", "3", "unknown key \"background_collection.max_jobs\"" },
		{ "background_collection", "3", "unknown key \"background_collection\"" },
	};
	size_t i;
	char name[160];
	int idx;

	load_text(&cfg, "{}", &err);
	is_int(pdc_config_set(&cfg, "background_collection.max_concurrent_jobs", "8",
	    PDC_ORIGIN_OPTION, &err), 0, "set jobs 8");
	is_int(cfg.max_concurrent_jobs, 8, "jobs now 8");
	is_str(origin_of(&cfg, "background_collection.max_concurrent_jobs"), "option", "origin option");
	is_int(pdc_config_set(&cfg, "background_collection.cache_expiry_hours", "0.25",
	    PDC_ORIGIN_OPTION, &err), 0, "set a fraction");
	ok(cfg.cache_expiry_hours == 0.25, "fraction stored");
	is_int(pdc_config_set(&cfg, "sources.respect_robots_txt", "false",
	    PDC_ORIGIN_OPTION, &err), 0, "set a boolean");
	ok(!cfg.respect_robots_txt, "boolean stored");
	is_int(pdc_config_set(&cfg, "sources.treasurer.base_url", "http://127.0.0.2:9/",
	    PDC_ORIGIN_OPTION, &err), 0, "set a URL");
	is_str(pdc_config_source(&cfg, "treasurer")->base_url, "http://127.0.0.2:9", "URL stored without the slash");
	is_int(pdc_config_set(&cfg, "background_collection.retry_attempts", "1e1",
	    PDC_ORIGIN_OPTION, &err), 0, "an exponent that is integral is an integer, as in JSON");
	is_int(cfg.retry_attempts, 10, "1e1 is 10");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "set %s to \"%s\" fails", bad[i].key, bad[i].value);
		pdc_err_clear(&err);
		is_int(pdc_config_set(&cfg, bad[i].key, bad[i].value, PDC_ORIGIN_OPTION, &err), -1, name);
		is_str(err.msg, bad[i].msg, "  with the message");
	}
	is_int(cfg.max_concurrent_jobs, 8, "failed sets changed nothing");
	ok(cfg.auto_start_collection, "failed boolean set changed nothing");
	idx = key_index("sources.assessor.base_url");
	is_int(idx >= 0 ? (int)cfg.origin[idx] : -1, PDC_ORIGIN_DEFAULT, "failed set kept the origin");

	/* Cross-key checks are validate's. */
	is_int(pdc_config_set(&cfg, "database_pool.min_connections", "30", PDC_ORIGIN_OPTION, &err), 0,
	    "min 30 sets alone");
	is_int(pdc_config_validate(&cfg, &err), -1, "but validate refuses min > max");
	is_str(err.msg, "database_pool.min_connections: 30 is more than database_pool.max_connections (20)",
	    "validate message");
	/* ... and validate holds members set directly to the same rules. */
	cfg.min_connections = 5;
	cfg.max_concurrent_jobs = 0;
	is_int(pdc_config_validate(&cfg, &err), -1, "validate refuses 0 jobs set directly");
	pdc_config_release(&cfg);
}

static void
t_exposed(void)
{
	struct pdc_config cfg;
	struct pdc_err err;
	char path[128];
	static const char with_token[] =
	    "{\"sources\": {\"assessor\": {\"token\": \"file-t0ken\"}}}";

	snprintf(path, sizeof(path), "%s/tok.json", dir);
	setenv("PDC_CONFIG", path, 1);

	write_file(path, with_token, 0644);
	is_int(pdc_config_load(&cfg, &err), 0, "0644 token file loads");
	is_int(pdc_config_token_exposed(&cfg), 1, "token in a 0644 file is exposed");
	pdc_config_release(&cfg);

	write_file(path, with_token, 0640);
	is_int(pdc_config_load(&cfg, &err), 0, "0640 token file loads");
	is_int(pdc_config_token_exposed(&cfg), 1, "token in a group-readable file is exposed");
	pdc_config_release(&cfg);

	write_file(path, with_token, 0600);
	is_int(pdc_config_load(&cfg, &err), 0, "0600 token file loads");
	is_int(pdc_config_token_exposed(&cfg), 0, "token in a 0600 file is not exposed");
	pdc_config_release(&cfg);

	write_file(path, "{\"sources\": {\"assessor\": {\"token\": \"\"}}}", 0644);
	is_int(pdc_config_load(&cfg, &err), 0, "empty token 0644 file loads");
	is_int(pdc_config_token_exposed(&cfg), 0, "an empty token exposes nothing");
	pdc_config_release(&cfg);

	write_file(path, "{}", 0644);
	setenv("PDC_ASSESSOR_TOKEN", "env-t0ken", 1);
	is_int(pdc_config_load(&cfg, &err), 0, "env token, 0644 file without one");
	is_int(pdc_config_token_exposed(&cfg), 0, "a token from the environment is not the file's");
	pdc_config_release(&cfg);

	write_file(path, with_token, 0644);
	is_int(pdc_config_load(&cfg, &err), 0, "env token over a 0644 token file");
	is_int(pdc_config_token_exposed(&cfg), 1, "the file still exposes its own token");
	pdc_config_release(&cfg);
	unsetenv("PDC_ASSESSOR_TOKEN");
}

static void
t_ca_file(void)
{
	struct pdc_config cfg;
	struct pdc_err err;
	char path[128], pem[160];

	snprintf(path, sizeof(path), "%s/ca.json", dir);
	snprintf(pem, sizeof(pem), "%s/ca.pem", dir);
	setenv("PDC_CONFIG", path, 1);
	write_file(path, "{}", 0600);
	is_int(pdc_config_load(&cfg, &err), 0, "ca_file: default loads");
	is_str(cfg.ca_file, "", "ca_file: default is the system's");
	is_int(pdc_config_set(&cfg, "sources.ca_file", "/nonexistent/ca.pem", PDC_ORIGIN_OPTION,
	    &err), -1, "ca_file: a missing file is refused");
	is_str(err.msg, "sources.ca_file: \"/nonexistent/ca.pem\" cannot be read "
	    "(No such file or directory)", "ca_file: the message names key, file and cause");
	is_int(pdc_config_set(&cfg, "sources.ca_file", dir, PDC_ORIGIN_OPTION, &err), -1,
	    "ca_file: a directory is refused");
	write_file(pem, "-----BEGIN CERTIFICATE-----\n", 0644);
	is_int(pdc_config_set(&cfg, "sources.ca_file", pem, PDC_ORIGIN_OPTION, &err), 0,
	    "ca_file: a readable file is taken");
	is_str(cfg.ca_file, pem, "ca_file: set");
	is_int(pdc_config_validate(&cfg, &err), 0, "ca_file: validates");
	pdc_config_release(&cfg);
	unlink(pem);
	unsetenv("PDC_CONFIG");
}

/* Whether KEY is one of the configuration's keys. */
static int
has_key(const char *key)
{
	for (size_t i = 0; pdc_config_key(i) != NULL; i++)
		if (strcmp(pdc_config_key(i), key) == 0)
			return 1;
	return 0;
}

/* Each source's keys and defaults come from its descriptor (source.h). */
static void
t_source_keys(void)
{
	struct pdc_config cfg;
	struct pdc_err err;
	const struct pdc_source_config *none;
	char key[128], name[256];
	int i;

	is_int(load_text(&cfg, "{}", &err), 0, "sources: load an empty object");
	for (i = 0; pdc_sources[i] != NULL; i++) {
		const struct pdc_source *src = pdc_sources[i];
		const struct pdc_source_config *sc = pdc_config_source(&cfg, src->name);

		is_int(pdc_config_source_index(src->name), i, "a source's index is its place in the table");
		snprintf(key, sizeof(key), "sources.%s.base_url", src->name);
		snprintf(name, sizeof(name), "%s is a key", key);
		ok(has_key(key), name);
		snprintf(name, sizeof(name), "%s defaults to its descriptor's", key);
		is_str(sc->base_url, src->base_url, name);
		snprintf(key, sizeof(key), "sources.%s.requests_per_second", src->name);
		snprintf(name, sizeof(name), "%s is a key", key);
		ok(has_key(key), name);
		snprintf(name, sizeof(name), "%s defaults to its descriptor's", key);
		ok(sc->requests_per_second == src->requests_per_second, name);
		snprintf(key, sizeof(key), "sources.%s.token", src->name);
		snprintf(name, sizeof(name), "%s is a key exactly when the source has a token", key);
		is_int(has_key(key), src->token_env != NULL, name);
	}
	is_int(pdc_config_source_index("county-clerk"), -1, "no index for a source not in the table");
	none = pdc_config_source(&cfg, "county-clerk");
	ok(none != NULL && none->base_url == NULL && none->token == NULL &&
	    none->requests_per_second == 0, "a source not in the table has no settings");
	none = pdc_config_source(NULL, "assessor");
	ok(none != NULL && none->base_url == NULL, "nor has any source without a configuration");
	pdc_config_release(&cfg);
}

int
main(void)
{
	char path[128];

	snprintf(dir, sizeof(dir), "/tmp/t_config.XXXXXX");
	if (mkdtemp(dir) == NULL || chdir(dir) == -1) {
		printf("Bail out! temporary directory: %s\n", strerror(errno));
		return 1;
	}
	setenv("HOME", dir, 1);
	snprintf(path, sizeof(path), "%s/xdg", dir);
	mkdir(path, 0700);
	setenv("XDG_CONFIG_HOME", path, 1);
	unsetenv("PDC_DATABASE_URL");
	unsetenv("PDC_ASSESSOR_TOKEN");

	t_defaults();
	t_source_keys();
	t_good_file();
	t_json_print();
	t_errors();
	t_files();
	t_env();
	t_profiles();
	t_set();
	t_exposed();
	t_ca_file();

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (chdir("/") == 0)
		(void)system(path);
	return unit_done();
}
