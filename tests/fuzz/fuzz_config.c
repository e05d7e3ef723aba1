/*
 * fuzz_config - config.json, as pdc_cli_config reads it: the body is written
 * to a file that PDC_CONFIG names (a memfd, so that no disk is involved), loaded, then the head line is applied as
 * an option ("key=value", as pdc-worker --jobs does) or else as a profile
 * name, and the result validated and printed both ways.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "config.h"

static char file[64];
static FILE *devnull;
static int memfd;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((memfd = memfd_create("pdc-fuzz-config", 0)) == -1 || fchmod(memfd, 0600) == -1 ||
	    (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	snprintf(file, sizeof(file), "/proc/self/fd/%d", memfd);
	setenv("PDC_CONFIG", file, 1);
	unsetenv("PDC_DATABASE_URL");
	unsetenv("PDC_ASSESSOR_TOKEN");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdc_config cfg;
	struct pdc_err err;
	struct fuzz_input in;
	char *head, *eq, shown[256];

	fuzz_split(data, size, &in);
	if (ftruncate(memfd, 0) == -1 ||
	    (in.bodylen > 0 && pwrite(memfd, in.body, in.bodylen, 0) != (ssize_t)in.bodylen))
		abort();
	pdc_err_clear(&err);
	if (pdc_config_load(&cfg, &err) == -1) {
		fuzz_check_err(&err);
		fuzz_assert(err.kind == PDC_E_CONFIG || err.kind == PDC_E_SYSTEM);
		return 0;
	}
	fuzz_assert(cfg.path != NULL && strcmp(cfg.path, file) == 0);
	fuzz_assert(!pdc_config_token_exposed(&cfg));

	head = fuzz_strndup(in.head, in.headlen);
	pdc_err_clear(&err);
	if ((eq = strchr(head, '=')) != NULL) {
		*eq = '\0';
		if (pdc_config_set(&cfg, head, eq + 1, PDC_ORIGIN_OPTION, &err) == -1)
			fuzz_check_err(&err);
	} else if (head[0] != '\0' && pdc_config_profile(&cfg, head, &err) == -1) {
		fuzz_check_err(&err);
	}
	pdc_err_clear(&err);
	if (pdc_config_validate(&cfg, &err) == -1)
		fuzz_check_err(&err);
	pdc_config_redact_url(cfg.database_url, shown, sizeof(shown));
	fuzz_assert(strlen(shown) < sizeof(shown));
	pdc_config_print(&cfg, devnull, false);
	pdc_config_print(&cfg, devnull, true);
	for (size_t i = 0; pdc_config_key(i) != NULL; i++)
		fuzz_assert(pdc_config_origin_name(cfg.origin[i]) != NULL);
	pdc_config_release(&cfg);
	free(head);
	return 0;
}
