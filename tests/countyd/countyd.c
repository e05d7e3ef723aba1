/*
 * countyd.c - pdc's replica of the Maricopa County services, for tests and
 * benchmarks: the assessor API, the treasurer's pages and the recorder API
 * of one generated county (or of recorded assessor bodies), each on its own
 * loopback address and the same port, with the county's shapes and quirks,
 * injected faults, per-host politeness, its ground truth, and counts.
 *
 * This file reads the options and starts the three listeners; serve.c
 * answers.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "countyd.h"

#define EX_USAGE	64

static const char *const fault_names[CD_NFAULTS] = {
	"error", "throttle", "hang", "truncate", "malformed", "throttle-bare", "oversize", "wrongtype",
};

static void
usage(FILE *fp)
{
	fputs("usage: countyd [-p port] [-n parcels] [-s seed] [-t token] [--bind addr]\n"
	    "               [--treasurer-bind addr] [--recorder-bind addr]\n"
	    "               [--latency ms] [--error-rate p] [--throttle-rate p]\n"
	    "               [--hang-rate p] [--truncate-rate p] [--hang-seconds s]\n"
	    "               [--oversize-bytes n]\n"
	    "               [--fault host:kind=p] [--fail-host host] [--rate-limit host=n]\n"
	    "               [--robots host=file] [--start-date yyyy-mm-dd] [--session-seconds s]\n"
	    "               [--dir dir] [--sketch-bytes n] [--pidfile file]\n"
	    "               [--treasurer-open rows|charges|mix] [--treasurer-portal]\n"
	    "               [--tls-cert file --tls-key file] [--hostile-names]\n", fp);
}

/* Never runs: the signals stay blocked and sigwait() takes them. */
static void
on_signal(int sig)
{
	(void)sig;
}

static long
long_arg(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		errx(EX_USAGE, "%s: bad value \"%s\" (expected %ld..%ld)", opt, s, lo, hi);
	return v;
}

static double
rate_arg(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0 && v <= 1))
		errx(EX_USAGE, "%s: bad value \"%s\" (expected a probability 0..1)", opt, s);
	return v;
}

static uint64_t
seed_arg(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *s == '-')
		errx(EX_USAGE, "-s: bad seed \"%s\"", s);
	return (uint64_t)v;
}

/* The host named by the N bytes at S. */
static enum cd_host
host_arg(const char *opt, const char *s, size_t n)
{
	for (int h = 0; h < CD_NHOSTS; h++)
		if (strlen(cd_host_names[h]) == n && strncmp(s, cd_host_names[h], n) == 0)
			return (enum cd_host)h;
	errx(EX_USAGE, "%s: bad host \"%.*s\" (expected assessor, treasurer or recorder)", opt,
	    (int)n, s);
}

/* "HOST=VALUE" into the host and a pointer to VALUE. */
static enum cd_host
host_pair(const char *opt, const char *s, const char **value)
{
	const char *eq = strchr(s, '=');

	if (eq == NULL)
		errx(EX_USAGE, "%s: bad value \"%s\" (expected host=value)", opt, s);
	*value = eq + 1;
	return host_arg(opt, s, (size_t)(eq - s));
}

static void
ipv4_arg(const char *opt, const char *s, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (inet_pton(AF_INET, s, &sa->sin_addr) != 1)
		errx(EX_USAGE, "%s: bad IPv4 address \"%s\"", opt, s);
}

static long
date_arg(const char *s)
{
	int y, m, d, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] != '\0' || y < 1970 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		errx(EX_USAGE, "--start-date: bad date \"%s\" (expected YYYY-MM-DD)", s);
	return cd_days(y, m, d);
}

static int
facts_cb(void *ctx, long i, struct cd_facts *f)
{
	(void)ctx;
	return cd_facts_of(i, f);
}

static void
load_county(void)
{
	char errbuf[512];

	if (!cd_cfg.dirmode) {
		/*
		 * The recorder first: each parcel's owner and latest deed are the
		 * end of its chain of owners, which the search index then reads.
		 */
		if (cd_recorder_build(&cd_cfg.recorder, &cd_cfg.county, cd_cfg.county.n, NULL,
		    NULL, cd_cfg.today) == -1)
			errx(1, "out of memory building the recorder of %ld parcels",
			    cd_cfg.county.n);
		cd_cfg.county.rec = &cd_cfg.recorder;
		if (cd_index_build(&cd_cfg.index, &cd_cfg.county) == -1)
			errx(1, "out of memory building the search index of %ld parcels",
			    cd_cfg.county.n);
		return;
	}
	if (cd_dir_load(&cd_cfg.dir, cd_cfg.dir.path, errbuf, sizeof(errbuf)) == -1)
		errx(1, "%s", errbuf);

	const char **owners = calloc((size_t)cd_cfg.dir.n + 1, sizeof(*owners));
	const char **addresses = calloc((size_t)cd_cfg.dir.n + 1, sizeof(*addresses));

	if (owners == NULL || addresses == NULL)
		errx(1, "out of memory");
	for (long i = 0; i < cd_cfg.dir.n; i++) {
		owners[i] = cd_cfg.dir.p[i].owner;
		addresses[i] = cd_cfg.dir.p[i].address;
	}
	if (cd_index_build_from(&cd_cfg.index, cd_cfg.dir.n, owners, addresses) == -1)
		errx(1, "out of memory");
	free(owners);
	free(addresses);
	/* a recorded parcel's chain ends with its recorded owner and deed */
	if (cd_recorder_build(&cd_cfg.recorder, &cd_cfg.county, cd_cfg.dir.n, facts_cb, NULL,
	    cd_cfg.today) == -1)
		errx(1, "out of memory building the recorder of %ld parcels", cd_cfg.dir.n);
}

/* --tls-cert and --tls-key, PEM text; NULL for plain HTTP. */
static char *tls_cert, *tls_key;

/* The whole of FILE, NUL-terminated, for an option OPT; exits on failure. */
static char *
slurp(const char *opt, const char *file)
{
	FILE *fp;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if ((fp = fopen(file, "r")) == NULL)
		err(EX_USAGE, "%s: %s", opt, file);
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			if (cap > 1024 * 1024 || (buf = realloc(buf, cap)) == NULL)
				errx(EX_USAGE, "%s: %s: too large", opt, file);
		}
		n = fread(buf + len, 1, cap - len - 1, fp);
		len += n;
	} while (n > 0);
	if (ferror(fp))
		err(EX_USAGE, "%s: %s", opt, file);
	fclose(fp);
	buf[len] = '\0';
	return buf;
}

static struct MHD_Daemon *
listen_on(const struct sockaddr_in *sa, const enum cd_host *host)
{
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, tls_key },
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, tls_cert },
		{ MHD_OPTION_END, 0, NULL },
	};

	return MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_POLL | (tls_cert != NULL ? MHD_USE_TLS : 0), ntohs(sa->sin_port), NULL, NULL,
	    cd_serve, (void *)host,
	    MHD_OPTION_ARRAY, tls_cert != NULL ? tls : &tls[2],
	    MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)sa,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1024,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)300,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
	    MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1024 * 1024),
	    MHD_OPTION_END);
}

/*
 * Listen on PORT at the three addresses.  With port 0 the assessor picks a
 * free port and the others take the same; when one of them finds it taken,
 * all three start over on another.
 */
static long
listen_all(struct sockaddr_in sa[CD_NHOSTS], long port, struct MHD_Daemon *d[CD_NHOSTS])
{
	static const enum cd_host ids[CD_NHOSTS] = { CD_ASSESSOR, CD_TREASURER, CD_RECORDER };
	const union MHD_DaemonInfo *info;

	for (int attempt = 0; attempt < 50; attempt++) {
		long got = port;
		int h;

		memset(d, 0, sizeof(*d) * CD_NHOSTS);
		sa[0].sin_port = htons((uint16_t)port);
		if ((d[0] = listen_on(&sa[0], &ids[0])) == NULL)
			return -1;
		if ((info = MHD_get_daemon_info(d[0], MHD_DAEMON_INFO_BIND_PORT)) != NULL &&
		    info->port != 0)
			got = info->port;
		for (h = 1; h < CD_NHOSTS; h++) {
			sa[h].sin_port = htons((uint16_t)got);
			if ((d[h] = listen_on(&sa[h], &ids[h])) == NULL)
				break;
		}
		if (h == CD_NHOSTS)
			return got;
		for (h = 0; h < CD_NHOSTS; h++)
			if (d[h] != NULL)
				MHD_stop_daemon(d[h]);
		if (port != 0)
			return -1;
	}
	return -1;
}

int
main(int argc, char *argv[])
{
	enum {
		O_BIND = 256, O_DIR, O_ERROR, O_FAILHOST, O_FAULT, O_HANG, O_HANGSECS,
		O_LATENCY, O_PIDFILE, O_RATELIMIT, O_RECBIND, O_ROBOTS, O_SESSION, O_SKETCH,
		O_THROTTLE, O_TODAY, O_TREASBIND, O_TRUNCATE, O_TLSCERT, O_TLSKEY, O_HOSTILE, O_OVERSIZE,
		O_TREASOPEN, O_TREASPORTAL
	};
	static const struct option longopts[] = {
		{ "bind", required_argument, NULL, O_BIND },
		{ "dir", required_argument, NULL, O_DIR },
		{ "error-rate", required_argument, NULL, O_ERROR },
		{ "fail-host", required_argument, NULL, O_FAILHOST },
		{ "fault", required_argument, NULL, O_FAULT },
		{ "hang-rate", required_argument, NULL, O_HANG },
		{ "hang-seconds", required_argument, NULL, O_HANGSECS },
		{ "help", no_argument, NULL, 'h' },
		{ "hostile-names", no_argument, NULL, O_HOSTILE },
		{ "latency", required_argument, NULL, O_LATENCY },
		{ "oversize-bytes", required_argument, NULL, O_OVERSIZE },
		{ "parcels", required_argument, NULL, 'n' },
		{ "pidfile", required_argument, NULL, O_PIDFILE },
		{ "port", required_argument, NULL, 'p' },
		{ "rate-limit", required_argument, NULL, O_RATELIMIT },
		{ "recorder-bind", required_argument, NULL, O_RECBIND },
		{ "robots", required_argument, NULL, O_ROBOTS },
		{ "seed", required_argument, NULL, 's' },
		{ "session-seconds", required_argument, NULL, O_SESSION },
		{ "sketch-bytes", required_argument, NULL, O_SKETCH },
		{ "start-date", required_argument, NULL, O_TODAY },
		{ "throttle-rate", required_argument, NULL, O_THROTTLE },
		{ "tls-cert", required_argument, NULL, O_TLSCERT },
		{ "tls-key", required_argument, NULL, O_TLSKEY },
		{ "today", required_argument, NULL, O_TODAY },
		{ "token", required_argument, NULL, 't' },
		{ "treasurer-bind", required_argument, NULL, O_TREASBIND },
		{ "treasurer-open", required_argument, NULL, O_TREASOPEN },
		{ "treasurer-portal", no_argument, NULL, O_TREASPORTAL },
		{ "truncate-rate", required_argument, NULL, O_TRUNCATE },
		{ NULL, 0, NULL, 0 }
	};
	const char *bind_addr = "127.0.0.1", *other_bind[CD_NHOSTS] = { NULL, NULL, NULL };
	const char *pidfile = NULL, *value;
	double global[CD_NFAULTS] = { 0, 0, 0, 0, 0 }, sum;
	int per_host[CD_NHOSTS][CD_NFAULTS];
	struct sockaddr_in sa[CD_NHOSTS];
	struct MHD_Daemon *d[CD_NHOSTS];
	struct sigaction sact;
	sigset_t sigs;
	long port = 8080, got;
	int ch, sig;
	enum cd_host h;

	memset(per_host, 0, sizeof(per_host));
	cd_cfg.county.n = 1000;
	cd_cfg.county.seed = 1;
	cd_cfg.county.sketch_bytes = 4096;
	cd_cfg.token = "test-token";
	cd_cfg.hang_seconds = 30;
	cd_cfg.oversize_bytes = 48LL * 1024 * 1024;
	cd_cfg.today = cd_days(2026, 11, 28);
	cd_cfg.tax_open = -1;
	while ((ch = getopt_long(argc, argv, "hn:p:s:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			cd_cfg.county.n = long_arg("-n", optarg, 0, CD_MAX_PARCELS);
			break;
		case 'p':
			port = long_arg("-p", optarg, 0, 65535);
			break;
		case 's':
			cd_cfg.county.seed = seed_arg(optarg);
			break;
		case 't':
			cd_cfg.token = optarg;
			break;
		case O_BIND:
			bind_addr = optarg;
			break;
		case O_DIR:
			cd_cfg.dirmode = 1;
			cd_cfg.dir.path = optarg;
			break;
		case O_ERROR:
			global[CD_F_ERROR] = rate_arg("--error-rate", optarg);
			break;
		case O_FAILHOST:
			cd_cfg.fail[host_arg("--fail-host", optarg, strlen(optarg))] = 1;
			break;
		case O_FAULT: {
			const char *colon = strchr(optarg, ':'), *eq = strchr(optarg, '=');
			int k;

			if (colon == NULL || eq == NULL || eq < colon)
				errx(EX_USAGE, "--fault: bad value \"%s\" (expected host:kind=p)",
				    optarg);
			h = host_arg("--fault", optarg, (size_t)(colon - optarg));
			for (k = 0; k < CD_NFAULTS; k++)
				if (strlen(fault_names[k]) == (size_t)(eq - colon - 1) &&
				    strncmp(colon + 1, fault_names[k], (size_t)(eq - colon - 1)) == 0)
					break;
			if (k == CD_NFAULTS)
				errx(EX_USAGE, "--fault: bad kind \"%.*s\" (expected error, throttle, "
				    "throttle-bare, hang, truncate, malformed, oversize or wrongtype)",
				    (int)(eq - colon - 1), colon + 1);
			cd_cfg.rate[h][k] = rate_arg("--fault", eq + 1);
			per_host[h][k] = 1;
			break;
		}
		case O_HANG:
			global[CD_F_HANG] = rate_arg("--hang-rate", optarg);
			break;
		case O_HANGSECS:
			cd_cfg.hang_seconds = long_arg("--hang-seconds", optarg, 0, 86400);
			break;
		case O_OVERSIZE:
			cd_cfg.oversize_bytes = long_arg("--oversize-bytes", optarg, 1, 4L << 30);
			break;
		case O_LATENCY:
			cd_cfg.latency_ms = long_arg("--latency", optarg, 0, 3600000);
			break;
		case O_PIDFILE:
			pidfile = optarg;
			break;
		case O_RATELIMIT:
			h = host_pair("--rate-limit", optarg, &value);
			cd_cfg.rate_limit[h] = long_arg("--rate-limit", value, 1, 1000000);
			break;
		case O_RECBIND:
			other_bind[CD_RECORDER] = optarg;
			break;
		case O_ROBOTS: {
			FILE *fp;

			h = host_pair("--robots", optarg, &value);
			if ((fp = fopen(value, "r")) == NULL)
				err(EX_USAGE, "--robots: %s", value);
			fclose(fp);
			cd_cfg.robots[h] = value;
			break;
		}
		case O_SESSION:
			cd_cfg.session_seconds = long_arg("--session-seconds", optarg, 0, 86400 * 365);
			break;
		case O_SKETCH:
			cd_cfg.county.sketch_bytes = (size_t)long_arg("--sketch-bytes", optarg, 0,
			    64L * 1024 * 1024);
			break;
		case O_THROTTLE:
			global[CD_F_THROTTLE] = rate_arg("--throttle-rate", optarg);
			break;
		case O_TLSCERT:
			free(tls_cert);
			tls_cert = slurp("--tls-cert", optarg);
			break;
		case O_TLSKEY:
			free(tls_key);
			tls_key = slurp("--tls-key", optarg);
			break;
		case O_HOSTILE:
			cd_cfg.county.hostile = 1;
			break;
		case O_TODAY:
			cd_cfg.today = date_arg(optarg);
			break;
		case O_TREASBIND:
			other_bind[CD_TREASURER] = optarg;
			break;
		case O_TREASOPEN:
			if (strcmp(optarg, "rows") == 0)
				cd_cfg.tax_open = CD_OPEN_ROWS;
			else if (strcmp(optarg, "charges") == 0)
				cd_cfg.tax_open = CD_OPEN_CHARGES;
			else if (strcmp(optarg, "mix") == 0)
				cd_cfg.tax_open = -1;
			else
				errx(EX_USAGE, "--treasurer-open: bad value \"%s\" (expected rows, "
				    "charges or mix)", optarg);
			break;
		case O_TREASPORTAL:
			cd_cfg.tax_portal = 1;
			break;
		case O_TRUNCATE:
			global[CD_F_TRUNCATE] = rate_arg("--truncate-rate", optarg);
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	if ((tls_cert == NULL) != (tls_key == NULL))
		errx(EX_USAGE, "--tls-cert and --tls-key go together");
	if (tls_cert != NULL && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		errx(EX_USAGE, "--tls-cert: this libmicrohttpd was built without TLS");
	/* a host's own --fault rate replaces the global one for that kind */
	for (int i = 0; i < CD_NHOSTS; i++) {
		sum = 0;
		for (int k = 0; k < CD_NFAULTS; k++) {
			if (!per_host[i][k])
				cd_cfg.rate[i][k] = global[k];
			sum += cd_cfg.rate[i][k];
		}
		if (sum > 1)
			errx(EX_USAGE, "the fault rates of the %s add up to more than 1",
			    cd_host_names[i]);
	}
	ipv4_arg("--bind", bind_addr, &sa[0]);
	for (int i = 1; i < CD_NHOSTS; i++) {
		if (other_bind[i] != NULL) {
			ipv4_arg(i == CD_TREASURER ? "--treasurer-bind" : "--recorder-bind",
			    other_bind[i], &sa[i]);
		} else {
			/* .2 and .3 of the assessor's /8: 127.0.0.2 and 127.0.0.3 */
			sa[i] = sa[0];
			sa[i].sin_addr.s_addr = htonl((ntohl(sa[0].sin_addr.s_addr) & 0xff000000U) |
			    (uint32_t)(i + 1));
		}
	}
	if (cd_session_init() == -1)
		errx(1, "cannot read /dev/urandom for the session key");

	/*
	 * Every thread inherits this mask, so only sigwait() below sees the
	 * signals.  A shell starts background jobs with SIGINT ignored, and an
	 * ignored signal never reaches sigwait(): catch both explicitly.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	memset(&sact, 0, sizeof(sact));
	sact.sa_handler = on_signal;
	sigemptyset(&sact.sa_mask);
	sigaction(SIGINT, &sact, NULL);
	sigaction(SIGTERM, &sact, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* the clock starts on the start date: the county as generated */
	cd_cfg.county.clock_start = cd_cfg.county.clock_now = cd_cfg.today;
	load_county();

	if ((got = listen_all(sa, port, d)) == -1)
		errx(1, "cannot listen on port %ld of %s and of the treasurer's and recorder's "
		    "addresses", port, bind_addr);
	port = got;
	if (pidfile != NULL) {
		FILE *fp = fopen(pidfile, "w");

		if (fp == NULL || fprintf(fp, "%ld\n", (long)getpid()) < 0 || fclose(fp) == EOF)
			err(1, "%s", pidfile);
	}
	/* The scheme stays out of the line: tests build the URL they need. */
	printf("countyd listening on %s:%ld\n", bind_addr, port);
	if (fflush(stdout) == EOF)
		err(1, "stdout");

	while (sigwait(&sigs, &sig) != 0)
		;
	cd_serve_stop();
	for (int i = 0; i < CD_NHOSTS; i++)
		MHD_stop_daemon(d[i]);

	if (pidfile != NULL)
		unlink(pidfile);
	cd_index_release(&cd_cfg.index);
	cd_recorder_release(&cd_cfg.recorder);
	if (cd_cfg.dirmode)
		cd_dir_release(&cd_cfg.dir);
	cd_serve_release();
	free(tls_cert);
	free(tls_key);
	return 0;
}
