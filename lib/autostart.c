#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autostart.h"
#include "worker.h"

/* DIR and its parents, the last one private (it holds a log of what was collected). */
static void
make_dirs(const char *dir)
{
	char mk[PATH_MAX + 16];

	if (strlcpy(mk, dir, sizeof(mk)) >= sizeof(mk))
		return;
	for (char *p = mk + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(mk, 0755);
			*p = '/';
		}
	mkdir(mk, 0700);
}

int
pdc_autostart_worker(struct pdc_conn *c, char *log, size_t len)
{
	struct pdc_err err;
	char self[PATH_MAX], prog[PATH_MAX + 16], logdir[PATH_MAX], logpath[PATH_MAX + 16];
	const char *state_home = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *slash;
	ssize_t n;
	pid_t pid;

	if (pdc_workers_alive(c, &err) != 0)
		return 0;
	/* The worker installed beside this program, not whichever is first on PATH. */
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return 0;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return 0;
	*slash = '\0';
	snprintf(prog, sizeof(prog), "%s/pdc-worker", self);
	if (state_home != NULL && *state_home == '/')
		snprintf(logdir, sizeof(logdir), "%s/pdc", state_home);
	else
		snprintf(logdir, sizeof(logdir), "%s/.local/state/pdc", home ? home : "/tmp");
	snprintf(logpath, sizeof(logpath), "%s/worker.log", logdir);
	if ((pid = fork()) == -1)
		return 0;
	if (pid == 0) {
		/* Detach: the grandchild is nobody's child, in a new session,
		 * without a terminal, its output to the log file. */
		if (fork() != 0)
			_exit(0);
		setsid();
		make_dirs(logdir);
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(fd >= 0 ? fd : nul, 1);
		dup2(fd >= 0 ? fd : nul, 2);
		execl(prog, "pdc-worker", "--drain", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	strlcpy(log, logpath, len);
	return 1;
}
