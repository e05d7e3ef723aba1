/*
 * pdc-enqueue - put APNs (arguments or standard input) on the job queue.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apn.h"
#include "cli.h"
#include "input.h"
#include "log.h"
#include "out.h"
#include "queue.h"
#include "worker.h"

/*
 * APNs go to the database in batches, each one statement and one
 * transaction.  Two connections take alternate batches, so that the
 * server writes one batch while the other commits and this process reads
 * the next: on a large pipe the work spreads over two cores.  Outcomes are
 * printed batch by batch in input order.
 */
#ifndef BATCH
#define BATCH 10000
#endif
#define NCONN 2
#define DEADLOCK_TRIES 5

struct item {
	char apn[PDC_APN_MAX];	/* "" for a bad line */
	char *raw;		/* what a bad line said, for the output */
};

struct batch {
	struct pdc_conn *conn;	/* its own connection; NULL until needed */
	struct item items[BATCH];
	size_t nitems;
	const char *apns[BATCH];	/* the good ones, sent */
	enum pdc_enqueued out[BATCH];
	size_t napns;
	bool sent;		/* in the database's hands, not yet read */
	bool careful;		/* sent again after a race (pdc_queue_enqueue_send) */
};

struct state {
	const struct pdc_config *cfg;
	struct pdc_conn *conn;	/* the first batch's, for --wait and the worker check */
	int priority;
	bool force, wait;
	struct pdc_out *out;
	struct batch *b[NCONN];
	int cur;		/* the batch being filled */
	long counts[5];		/* queued, fresh, open, raised, bad */
	char **waitfor;		/* APNs to wait for */
	size_t nwait, capwait;
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: pdc-enqueue [-p PRIORITY] [--top N] [--force] [--wait [--timeout S]]\n"
	    "                   [--json | --header] [--profile NAME] [APN ...]\n");
}

static const struct pdc_out_col cols[] = { { "apn", PDC_OUT_STR, 0 }, { "result", PDC_OUT_STATE, 0 } };

static int
print_outcome(struct state *st, const char *apn, const char *what, struct pdc_err *err)
{
	const char *cells[2] = { apn, what };

	if (pdc_out_row(st->out, cells) == -1)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	return 0;
}

/* Send B's good APNs on its connection, opened on first use. */
static int
send_batch(struct state *st, struct batch *b, struct pdc_err *err)
{
	b->napns = 0;
	for (size_t i = 0; i < b->nitems; i++)
		if (b->items[i].apn[0] != '\0')
			b->apns[b->napns++] = b->items[i].apn;
	if (b->napns == 0)
		return 0;
	if (b->conn == NULL && (b->conn = pdc_db_open(st->cfg, "pdc-enqueue", err)) == NULL)
		return -1;
	if (pdc_queue_enqueue_send(b->conn, b->apns, b->napns, st->priority, 1 + st->cfg->retry_attempts,
	    st->cfg->cache_expiry_hours, st->force, b->careful, err) == -1)
		return -1;
	b->sent = true;
	return 0;
}

/*
 * B's outcomes.  Batches in flight at once may hold the same APNs (or
 * another program enqueues them meanwhile): the quick form then fails and
 * the batch goes again in the careful one, where the database makes one
 * wait for the other (the later reports them open); when each holds what
 * the other wants, it breaks the deadlock by failing one, which goes again.
 */
static int
recv_batch(struct state *st, struct batch *b, struct pdc_err *err)
{
	struct batch *other = st->b[0] == b ? st->b[1] : st->b[0];

	for (int tries = 1; b->sent; tries++) {
		b->sent = false;
		if (pdc_queue_enqueue_recv(b->conn, other->sent ? other->conn : NULL, b->apns, b->napns,
		    b->careful, b->out, err) == 0)
			break;
		if (err->kind != PDC_E_TRANSIENT || tries == DEADLOCK_TRIES)
			return -1;
		pdc_err_clear(err);
		b->careful = true;
		if (send_batch(st, b, err) == -1)
			return -1;
	}
	b->careful = false;
	return 0;
}

static int
remember(struct state *st, const char *apn, struct pdc_err *err)
{
	if (st->nwait == st->capwait) {
		size_t nc = st->capwait ? st->capwait * 2 : 64;
		char **nw = reallocarray(st->waitfor, nc, sizeof(*nw));

		if (nw == NULL)
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		st->waitfor = nw;
		st->capwait = nc;
	}
	if ((st->waitfor[st->nwait] = strdup(apn)) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	st->nwait++;
	return 0;
}

/* Wait for B's outcomes, print them in input order, and empty B. */
static int
finish_batch(struct state *st, struct batch *b, struct pdc_err *err)
{
	size_t k = 0;

	if (recv_batch(st, b, err) == -1)
		return -1;
	for (size_t i = 0; i < b->nitems; i++) {
		struct item *it = &b->items[i];

		if (it->apn[0] == '\0') {
			if (print_outcome(st, it->raw, "bad", err) == -1)
				return -1;
			st->counts[4]++;
			free(it->raw);
			it->raw = NULL;
			continue;
		}
		enum pdc_enqueued e = b->out[k++];
		if (print_outcome(st, it->apn, pdc_enqueued_name(e), err) == -1)
			return -1;
		st->counts[e]++;
		if (st->wait && remember(st, it->apn, err) == -1)
			return -1;
	}
	b->nitems = 0;
	pdc_out_flush(st->out);
	return 0;
}

/*
 * The batch being filled is full (or the input ended): send it, then
 * finish the batch before it, which had the other connection meanwhile.
 * The other slot is then free to fill.
 */
static int
next_batch(struct state *st, struct pdc_err *err)
{
	struct batch *full = st->b[st->cur], *prev = st->b[st->cur ^ 1];

	if (send_batch(st, full, err) == -1 || finish_batch(st, prev, err) == -1)
		return -1;
	st->cur ^= 1;
	return 0;
}

/* The input ended: the batch being filled goes, and both are finished. */
static int
last_batches(struct state *st, struct pdc_err *err)
{
	if (next_batch(st, err) == -1)
		return -1;
	return finish_batch(st, st->b[st->cur ^ 1], err);
}

/*
 * After a failure, a batch still in flight may have been written: its
 * outcomes are printed all the same (what it did stands, atomically).
 */
static void
drain(struct state *st)
{
	for (int i = 0; i < NCONN; i++) {
		struct batch *b = st->b[(st->cur + 1 + i) % NCONN];
		struct pdc_err err;

		if (b->sent && finish_batch(st, b, &err) == -1)
			pdc_cli_fail(&err);
	}
}

/*
 * Add one input, an argument when IS_ARG; a bad one is reported on stderr
 * with WHERE.  Returns 0 for
 * a line skipped, 1 for an APN, 2 for a bad line, -1 with ERR.
 */
static int
add(struct state *st, const char *s, size_t len, const char *where, bool is_arg,
    struct pdc_err *err)
{
	struct batch *b = st->b[st->cur];
	struct item *it = &b->items[b->nitems];
	struct pdc_err ierr;
	int r = pdc_input_apn(s, len, it->apn, &ierr);

	/* A blank or '#' line is skipped in a file; an argument that is empty
	 * ("$APN" unset) is a mistake. */
	if (r == 0 && is_arg) {
		char q[PDC_INPUT_QUOTEMAX];

		r = pdc_err_set(&ierr, PDC_E_INPUT, "bad APN %s", pdc_input_quote(q, sizeof(q), s, len));
	}
	if (r == 0)
		return 0;
	if (r < 0) {
		char shown[64];
		size_t n = strcspn(s, "\t");

		fprintf(stderr, "pdc-enqueue: %s: %s\n", where, ierr.msg);
		/* Show the first field, printable and short. */
		if (n > len)
			n = len;
		size_t j = 0;
		for (size_t i = 0; i < n && j + 4 < sizeof(shown); i++)
			shown[j++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
		shown[j] = '\0';
		it->apn[0] = '\0';
		if ((it->raw = strdup(shown)) == NULL)
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	}
	if (++b->nitems == BATCH && next_batch(st, err) == -1)
		return -1;
	return r < 0 ? 2 : 1;
}

/* Wait for every APN in st->waitfor to be finished; exit code. */
static int
wait_all(struct state *st, double timeout)
{
	struct pdc_apnstatus *out;
	struct pdc_err err;
	struct timespec t0, now;
	int rc = PDC_EXIT_NOTYET;

	if (st->nwait == 0)
		return PDC_EXIT_OK;
	if ((out = calloc(st->nwait, sizeof(*out))) == NULL)
		return PDC_EXIT_FAILED;
	if (pdc_db_exec(st->conn, "LISTEN pdc_done", &err) == -1) {
		free(out);
		return pdc_cli_fail(&err);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		bool open = false, failed = false;

		if (pdc_queue_lookup(st->conn, (const char *const *)st->waitfor, st->nwait,
		    st->cfg->cache_expiry_hours, out, &err) == -1) {
			rc = pdc_cli_fail(&err);
			break;
		}
		for (size_t i = 0; i < st->nwait; i++) {
			if (out[i].state == PDC_APN_PENDING || out[i].state == PDC_APN_ACTIVE)
				open = true;
			else if (out[i].state == PDC_APN_FAILED)
				failed = true;
		}
		if (!open) {
			rc = failed ? PDC_EXIT_FAILED : PDC_EXIT_OK;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		double left = timeout - ((now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9);
		if (timeout > 0 && left <= 0) {
			fprintf(stderr, "pdc-enqueue: timed out waiting for collection\n");
			break;
		}
		struct pollfd pfd = { PQsocket(st->conn->pg), POLLIN, 0 };
		poll(&pfd, 1, 1000);
		PQconsumeInput(st->conn->pg);
		PGnotify *nf;
		while ((nf = PQnotifies(st->conn->pg)) != NULL)
			PQfreemem(nf);
	}
	free(out);
	return rc;
}

/* auto_start_collection: nobody is collecting, so start a worker that drains the queue. */
static void
autostart(const struct state *st)
{
	struct pdc_err err;
	char self[PATH_MAX], prog[PATH_MAX + 16], logdir[PATH_MAX], logpath[PATH_MAX + 16];
	ssize_t n;
	const char *state_home = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int alive = pdc_workers_alive(st->conn, &err);
	pid_t pid;

	if (alive != 0)
		return;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	*slash = '\0';
	snprintf(prog, sizeof(prog), "%s/pdc-worker", self);
	if (state_home != NULL && *state_home == '/')
		snprintf(logdir, sizeof(logdir), "%s/pdc", state_home);
	else
		snprintf(logdir, sizeof(logdir), "%s/.local/state/pdc", home ? home : "/tmp");
	snprintf(logpath, sizeof(logpath), "%s/worker.log", logdir);
	if ((pid = fork()) == -1)
		return;
	if (pid == 0) {
		/* Detach: new session, no terminal, output to a log file. */
		if (fork() != 0)
			_exit(0);
		setsid();
		char mk[PATH_MAX + 16];
		snprintf(mk, sizeof(mk), "%s", logdir);
		for (char *p = mk + 1; *p; p++)
			if (*p == '/') {
				*p = '\0';
				mkdir(mk, 0755);
				*p = '/';
			}
		mkdir(mk, 0700);
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(fd >= 0 ? fd : nul, 1);
		dup2(fd >= 0 ? fd : nul, 2);
		execl(prog, "pdc-worker", "--drain", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	pdc_log(PDC_LOG_INFO, "Started background data collection (pdc-worker --drain, log %s)", logpath);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "header", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "priority", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "top", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "wait", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	static struct state st;
	struct pdc_config cfg;
	struct pdc_err err;
	const char *profile = NULL;
	long top = -1, timeout = 0, taken = 0;
	bool as_json = false, header = false, timeout_set = false;
	int ch, rc;

	pdc_cli_init("pdc-enqueue");
	st.priority = PDC_PRIO_NORMAL;
	while ((ch = getopt_long(argc, argv, "fhp:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': st.force = true; break;
		case 'H': header = true; break;
		case 'h': usage(stdout); return 0;
		case 'J': as_json = true; break;
		case 'p':
			if ((st.priority = pdc_priority_parse(optarg)) < 0) {
				fprintf(stderr, "pdc-enqueue: -p: \"%s\" is not a priority "
				    "(critical, high, normal, low)\n", optarg);
				return PDC_EXIT_USAGE;
			}
			break;
		case 'P': profile = optarg; break;
		case 'T':
			if ((timeout = pdc_cli_number("--timeout", optarg, 1, 86400 * 30)) < 0)
				return PDC_EXIT_USAGE;
			timeout_set = true;
			break;
		case 't':
			if ((top = pdc_cli_number("--top", optarg, 1, LONG_MAX)) < 0)
				return PDC_EXIT_USAGE;
			break;
		case 'V': printf("pdc-enqueue %s\n", PDC_VERSION); return 0;
		case 'w': st.wait = true; break;
		default: usage(stderr); return PDC_EXIT_USAGE;
		}
	}
	if (timeout_set && !st.wait) {
		fprintf(stderr, "pdc-enqueue: --timeout needs --wait\n");
		return PDC_EXIT_USAGE;
	}
	if (optind == argc && isatty(STDIN_FILENO)) {
		fprintf(stderr, "pdc-enqueue: no APNs given (as arguments or on standard input)\n");
		usage(stderr);
		return PDC_EXIT_USAGE;
	}
	if ((rc = pdc_cli_config(&cfg, profile)) != 0)
		return rc;
	st.cfg = &cfg;
	if ((st.out = pdc_out_new(stdout, pdc_cli_outfmt(as_json), header, cols, 2)) == NULL) {
		pdc_config_release(&cfg);
		return PDC_EXIT_FAILED;
	}
	st.b[0] = calloc(1, sizeof(*st.b[0]));
	st.b[1] = calloc(1, sizeof(*st.b[1]));
	if (st.b[0] == NULL || st.b[1] == NULL) {
		pdc_err_set(&err, PDC_E_SYSTEM, "out of memory");
		rc = pdc_cli_fail(&err);
	} else if ((st.conn = pdc_db_open(&cfg, "pdc-enqueue", &err)) == NULL) {
		rc = pdc_cli_fail(&err);
	}
	if (st.conn == NULL) {
		free(st.b[0]);
		free(st.b[1]);
		pdc_out_free(st.out);
		pdc_config_release(&cfg);
		return rc;
	}
	st.b[0]->conn = st.conn;
	pdc_err_clear(&err);
	rc = 0;
	if (optind < argc) {
		for (int i = optind; i < argc && (top < 0 || taken < top); i++) {
			char where[32];
			int r;

			snprintf(where, sizeof(where), "argument %d", i - optind + 1);
			if ((r = add(&st, argv[i], strlen(argv[i]), where, true, &err)) < 0)
				break;
			taken += r == 1;
		}
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		long lineno = 0;

		while ((top < 0 || taken < top) && (len = getline(&line, &cap, stdin)) != -1) {
			char where[32];
			int r;

			lineno++;
			if (len > 0 && line[len - 1] == '\n')
				len--;
			snprintf(where, sizeof(where), "line %ld", lineno);
			if ((r = add(&st, line, (size_t)len, where, false, &err)) < 0)
				break;
			taken += r == 1;
		}
		free(line);
		if (ferror(stdin)) {
			fprintf(stderr, "pdc-enqueue: standard input: %s\n", strerror(errno));
			rc = PDC_EXIT_DATAERR;
		}
	}
	if (err.kind == PDC_OK)
		last_batches(&st, &err);
	if (err.kind != PDC_OK) {
		rc = pdc_cli_fail(&err);
		drain(&st);
	} else {
		long total = st.counts[0] + st.counts[3];

		fprintf(stderr, "Queued %ld %s for background data collection", st.counts[0],
		    st.counts[0] == 1 ? "property" : "properties");
		if (st.counts[3] > 0)
			fprintf(stderr, ", raised %ld", st.counts[3]);
		if (st.counts[1] > 0)
			fprintf(stderr, ", %ld fresh (skipped)", st.counts[1]);
		if (st.counts[2] > 0)
			fprintf(stderr, ", %ld already open", st.counts[2]);
		if (st.counts[4] > 0)
			fprintf(stderr, ", %ld bad", st.counts[4]);
		fputc('\n', stderr);
		pdc_out_free(st.out);
		st.out = NULL;
		if (pdc_cli_fshut(stdout, "stdout"))
			rc = PDC_EXIT_FAILED;
		if (total > 0 && cfg.auto_start_collection)
			autostart(&st);
		if (st.counts[4] > 0 && rc == 0)
			rc = PDC_EXIT_DATAERR;
		if (st.wait && rc == 0)
			rc = wait_all(&st, (double)timeout);
	}
	for (size_t i = 0; i < st.nwait; i++)
		free(st.waitfor[i]);
	free(st.waitfor);
	pdc_out_free(st.out);
	for (int i = 0; i < NCONN; i++) {
		for (size_t k = 0; k < st.b[i]->nitems; k++)
			free(st.b[i]->items[k].raw);
		pdc_db_close(st.b[i]->conn);
		free(st.b[i]);
	}
	pdc_config_release(&cfg);
	return rc;
}
