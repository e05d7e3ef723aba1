/*
 * pgctl.h - the embedded PostgreSQL cluster pdc runs for its user.
 *
 * With no database configured, pdc keeps its own cluster under
 * $XDG_DATA_HOME/pdc/pg (~/.local/share/pdc/pg), listening on a Unix socket
 * in that directory only (mode 0700), created by initdb on first use and
 * started by whichever program needs it first.  PostgreSQL refuses to run as
 * root: as root the server runs as the "postgres" user (PDC_PG_USER overrides),
 * and since that user cannot enter /root, root's default is /var/lib/pdc/pg.
 */
#ifndef PDC_PGCTL_H
#define PDC_PGCTL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct pdc_pgctl {
	char datadir[PATH_MAX];		/* the cluster; also the socket directory */
	char topdir[PATH_MAX];		/* its parent, $XDG_DATA_HOME/pdc */
	char bindir[PATH_MAX];		/* where initdb and pg_ctl are */
	bool drop;			/* run server commands as run_uid */
	uid_t run_uid;
	gid_t run_gid;
	char run_user[64];
};

/* Work out where the cluster lives and who runs it.  0 or -1 with ERR. */
int pdc_pgctl_locate(struct pdc_pgctl *pc, struct pdc_err *err);

/* The libpq connection string for the cluster, into BUF. */
void pdc_pgctl_conninfo(const struct pdc_pgctl *pc, char *buf, size_t len);

/* The same as a postgresql:// URI (for psql "$(pdc-db url)"). */
void pdc_pgctl_url(const struct pdc_pgctl *pc, char *buf, size_t len);

/* 1 when the cluster answers, 0 when it does not, -1 when it does not exist yet. */
int pdc_pgctl_status(const struct pdc_pgctl *pc);

/*
 * Create the cluster if needed and start it if it is not running; safe when
 * several programs race to do it.  Returns 0 or -1 with ERR
 * (PDC_E_UNAVAILABLE); the server log is datadir/server.log.
 */
int pdc_pgctl_start(const struct pdc_pgctl *pc, struct pdc_err *err);

/* Stop the cluster (fast shutdown).  0 (also when not running) or -1. */
int pdc_pgctl_stop(const struct pdc_pgctl *pc, struct pdc_err *err);

#endif
