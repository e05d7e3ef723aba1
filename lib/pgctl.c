#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "pgctl.h"

#define PG_USER "pdc"
#define PG_DB   "pdc"

static int
mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
		return -1;
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/* Debian keeps server binaries out of PATH; take the newest version. */
static int
find_bindir(char *out, size_t len)
{
	const char *env = getenv("PDC_PG_BINDIR");
	DIR *d;
	struct dirent *de;
	long best = -1;
	char probe[PATH_MAX];

	if (env != NULL && *env != '\0') {
		strlcpy(out, env, len);
		return 0;
	}
	if ((d = opendir("/usr/lib/postgresql")) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char *end;
			long v = strtol(de->d_name, &end, 10);

			if (end == de->d_name || *end != '\0' || v <= best)
				continue;
			snprintf(probe, sizeof(probe), "/usr/lib/postgresql/%s/bin/pg_ctl", de->d_name);
			if (access(probe, X_OK) == 0) {
				best = v;
				snprintf(out, len, "/usr/lib/postgresql/%ld/bin", v);
			}
		}
		closedir(d);
	}
	if (best >= 0)
		return 0;
	if (access("/usr/bin/pg_ctl", X_OK) == 0) {
		strlcpy(out, "/usr/bin", len);
		return 0;
	}
	return -1;
}

int
pdc_pgctl_locate(struct pdc_pgctl *pc, struct pdc_err *err)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char base[PATH_MAX];

	memset(pc, 0, sizeof(*pc));
	if (geteuid() == 0) {
		const char *user = getenv("PDC_PG_USER");
		struct passwd *pw;

		if (user == NULL || *user == '\0')
			user = "postgres";
		if ((pw = getpwnam(user)) == NULL)
			return pdc_err_set(err, PDC_E_UNAVAILABLE,
			    "embedded database: running as root needs the unprivileged user \"%s\" "
			    "to run PostgreSQL (install postgresql or set PDC_PG_USER)", user);
		pc->drop = true;
		pc->run_uid = pw->pw_uid;
		pc->run_gid = pw->pw_gid;
		strlcpy(pc->run_user, user, sizeof(pc->run_user));
	}
	if (xdg != NULL && *xdg == '/')
		strlcpy(base, xdg, sizeof(base));
	else if (pc->drop)
		strlcpy(base, "/var/lib", sizeof(base));
	else if (home != NULL && *home == '/')
		snprintf(base, sizeof(base), "%s/.local/share", home);
	else
		return pdc_err_set(err, PDC_E_UNAVAILABLE,
		    "embedded database: neither XDG_DATA_HOME nor HOME is set");
	if ((size_t)snprintf(pc->topdir, sizeof(pc->topdir), "%s/pdc", base) >= sizeof(pc->topdir) ||
	    (size_t)snprintf(pc->datadir, sizeof(pc->datadir), "%s/pg", pc->topdir) >= sizeof(pc->datadir))
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: path too long");
	/* The socket lives in the data directory; sun_path holds 107 bytes. */
	if (strlen(pc->datadir) + sizeof("/.s.PGSQL.5432") > 107)
		return pdc_err_set(err, PDC_E_UNAVAILABLE,
		    "embedded database: \"%s\" is too long a path for a Unix socket; "
		    "set XDG_DATA_HOME to a shorter directory", pc->datadir);
	if (find_bindir(pc->bindir, sizeof(pc->bindir)) == -1)
		return pdc_err_set(err, PDC_E_UNAVAILABLE,
		    "embedded database: PostgreSQL server programs not found "
		    "(install postgresql, or set PDC_PG_BINDIR)");
	return 0;
}

void
pdc_pgctl_conninfo(const struct pdc_pgctl *pc, char *buf, size_t len)
{
	/* Quote the path: a directory name may hold blanks. */
	char q[PATH_MAX * 2];
	size_t j = 0;

	for (const char *s = pc->datadir; *s != '\0' && j + 3 < sizeof(q); s++) {
		if (*s == '\'' || *s == '\\')
			q[j++] = '\\';
		q[j++] = *s;
	}
	q[j] = '\0';
	snprintf(buf, len, "host='%s' port=5432 dbname=%s user=%s", q, PG_DB, PG_USER);
}

void
pdc_pgctl_url(const struct pdc_pgctl *pc, char *buf, size_t len)
{
	char enc[PATH_MAX * 3];
	size_t j = 0;
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *s = (const unsigned char *)pc->datadir; *s != '\0' && j + 4 < sizeof(enc); s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    strchr("/-._~", *s) != NULL) {
			enc[j++] = (char)*s;
		} else {
			enc[j++] = '%';
			enc[j++] = hex[*s >> 4];
			enc[j++] = hex[*s & 15];
		}
	}
	enc[j] = '\0';
	snprintf(buf, len, "postgresql:///%s?host=%s&port=5432&user=%s", PG_DB, enc, PG_USER);
}

int
pdc_pgctl_status(const struct pdc_pgctl *pc)
{
	char path[PATH_MAX + 32], ci[PATH_MAX * 2 + 64];

	snprintf(path, sizeof(path), "%s/PG_VERSION", pc->datadir);
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		/* As root, the data directory itself may be unreadable to us only
		 * in theory; root passes permission checks, so ENOENT is real. */
		return -1;
	}
	pdc_pgctl_conninfo(pc, ci, sizeof(ci));
	return PQping(ci) == PQPING_OK ? 1 : 0;
}

/*
 * Run ARGV (argv[0] a program in bindir) as the server's user, with stdout
 * and stderr sent to LOGFD.  Returns the exit status, or -1.
 */
static int
run_pg(const struct pdc_pgctl *pc, char *const argv[], int logfd)
{
	char prog[PATH_MAX + 64];
	pid_t pid;
	int status;

	snprintf(prog, sizeof(prog), "%s/%s", pc->bindir, argv[0]);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if (logfd >= 0) {
			dup2(logfd, STDOUT_FILENO);
			dup2(logfd, STDERR_FILENO);
		}
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		if (pc->drop) {
			if (setgroups(0, NULL) == -1 || setgid(pc->run_gid) == -1 ||
			    setuid(pc->run_uid) == -1)
				_exit(126);
		}
		/* The server must not inherit our descriptors (pool sockets). */
		for (int fd = 3; fd < 1024; fd++)
			if (fd != logfd)
				close(fd);
		unsetenv("PGDATA");
		execv(prog, argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Can the server's user enter every directory above DIR? */
static int
check_reachable(const struct pdc_pgctl *pc, struct pdc_err *err)
{
	char buf[PATH_MAX], *p;
	struct stat st;

	if (!pc->drop)
		return 0;
	strlcpy(buf, pc->topdir, sizeof(buf));
	for (p = buf + strlen(buf); p > buf; p = strrchr(buf, '/')) {
		*p = '\0';
		const char *d = buf[0] ? buf : "/";
		if (stat(d, &st) == -1)
			continue;
		bool ok = (st.st_uid == pc->run_uid) ? (st.st_mode & S_IXUSR) :
		    (st.st_gid == pc->run_gid) ? (st.st_mode & S_IXGRP) : (st.st_mode & S_IXOTH);
		if (!ok)
			return pdc_err_set(err, PDC_E_UNAVAILABLE,
			    "embedded database: user \"%s\" cannot enter \"%s\"; "
			    "set XDG_DATA_HOME to a directory it can reach", pc->run_user, d);
	}
	return 0;
}

static int
create_cluster(const struct pdc_pgctl *pc, int logfd, struct pdc_err *err)
{
	char conf[PATH_MAX + 32];
	FILE *fp;

	if (check_reachable(pc, err) == -1)
		return -1;
	if (mkdir_p(pc->datadir, 0700) == -1)
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: cannot create \"%s\": %s",
		    pc->datadir, strerror(errno));
	if (pc->drop && chown(pc->datadir, pc->run_uid, pc->run_gid) == -1)
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: chown \"%s\": %s",
		    pc->datadir, strerror(errno));
	chmod(pc->datadir, 0700);
	char *argv[] = { "initdb", "-D", (char *)pc->datadir, "-U", PG_USER, "-A", "trust",
	    "-E", "UTF8", "--no-locale", NULL };
	if (run_pg(pc, argv, logfd) != 0)
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: initdb failed; see %s/init.log",
		    pc->topdir);
	snprintf(conf, sizeof(conf), "%s/postgresql.conf", pc->datadir);
	if ((fp = fopen(conf, "a")) == NULL)
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: %s: %s", conf, strerror(errno));
	/* Unix socket only, for the cluster's user alone. */
	fprintf(fp, "\n# added by pdc\nlisten_addresses = ''\n"
	    "unix_socket_directories = '%s'\nunix_socket_permissions = 0700\n"
	    "max_connections = 300\nshared_buffers = 128MB\n", pc->datadir);
	if (fclose(fp) != 0)
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: %s: %s", conf, strerror(errno));
	return 0;
}

static int
create_database(const struct pdc_pgctl *pc, struct pdc_err *err)
{
	char ci[PATH_MAX * 2 + 64];
	PGconn *conn;
	PGresult *res;
	int rc = 0;

	snprintf(ci, sizeof(ci), "host='%s' port=5432 dbname=postgres user=%s", pc->datadir, PG_USER);
	conn = PQconnectdb(ci);
	if (PQstatus(conn) != CONNECTION_OK) {
		pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return -1;
	}
	res = PQexec(conn, "SELECT 1 FROM pg_database WHERE datname = '" PG_DB "'");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 0) {
		PQclear(res);
		res = PQexec(conn, "CREATE DATABASE " PG_DB);
		/* Another program may have won the race; 42P04 is fine. */
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
			if (state == NULL || strcmp(state, "42P04") != 0)
				rc = pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: create database: %s",
				    PQerrorMessage(conn));
		}
	}
	PQclear(res);
	PQfinish(conn);
	return rc;
}

int
pdc_pgctl_start(const struct pdc_pgctl *pc, struct pdc_err *err)
{
	char lockpath[PATH_MAX + 32], logpath[PATH_MAX + 32];
	int lockfd, logfd = -1, rc = -1, st;

	if (mkdir_p(pc->topdir, 0700) == -1)
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: cannot create \"%s\": %s",
		    pc->topdir, strerror(errno));
	/* The server's user must pass through (not read) our directory. */
	if (pc->drop)
		chmod(pc->topdir, 0711);
	snprintf(lockpath, sizeof(lockpath), "%s/pg.lock", pc->topdir);
	if ((lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: %s: %s", lockpath, strerror(errno));
	/* One starter at a time; the others find it running once they get the lock. */
	while (flock(lockfd, LOCK_EX) == -1)
		if (errno != EINTR)
			goto out;

	st = pdc_pgctl_status(pc);
	if (st == 1) {
		rc = create_database(pc, err);
		goto out;
	}
	/* Opened here, inherited by initdb and pg_ctl even after they drop root. */
	snprintf(logpath, sizeof(logpath), "%s/init.log", pc->topdir);
	if ((logfd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) == -1) {
		pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: %s: %s", logpath, strerror(errno));
		goto out;
	}
	if (st == -1 && create_cluster(pc, logfd, err) == -1)
		goto out;

	snprintf(logpath, sizeof(logpath), "%s/server.log", pc->datadir);
	const char *extra = getenv("PDC_PG_OPTIONS");
	char opts[1024];
	snprintf(opts, sizeof(opts), "-c listen_addresses= %s", extra ? extra : "");
	char *argv[] = { "pg_ctl", "-D", (char *)pc->datadir, "-l", logpath, "-w", "-t", "60",
	    "-o", opts, "start", NULL };
	if (run_pg(pc, argv, logfd) != 0) {
		pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: pg_ctl start failed; see %s",
		    logpath);
		goto out;
	}
	rc = create_database(pc, err);
out:
	if (logfd >= 0)
		close(logfd);
	close(lockfd);
	return rc;
}

int
pdc_pgctl_stop(const struct pdc_pgctl *pc, struct pdc_err *err)
{
	char logpath[PATH_MAX + 32];
	int logfd, rc;

	if (pdc_pgctl_status(pc) != 1)
		return 0;
	snprintf(logpath, sizeof(logpath), "%s/init.log", pc->topdir);
	logfd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	char *argv[] = { "pg_ctl", "-D", (char *)pc->datadir, "-m", "fast", "-w", "-t", "60", "stop", NULL };
	rc = run_pg(pc, argv, logfd);
	if (logfd >= 0)
		close(logfd);
	if (rc != 0)
		return pdc_err_set(err, PDC_E_UNAVAILABLE, "embedded database: pg_ctl stop failed; see %s",
		    logpath);
	return 0;
}
