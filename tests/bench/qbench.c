/*
 * qbench - claim and finish jobs with libpdc's queue calls alone, no
 * collection: THREADS claimers, each on its own connection, until JOBS jobs
 * are finished.
 *
 *   qbench CONNINFO THREADS JOBS BATCH [group]
 *
 * Each claim takes up to BATCH jobs in one statement, as the worker does
 * when it has room for that many (lib/worker.c); each job is then finished
 * in a transaction of its own (BEGIN, finish, COMMIT), as the worker
 * finishes a job with its record.  With "group", the jobs of a claim are
 * finished together in one transaction instead (a group commit, which the
 * worker does not do).  Prints the jobs finished per second on standard
 * output.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "queue.h"

#define MAXBATCH 256

static const char *conninfo;
static int batch;
static bool group;
static long target;
static atomic_long taken, finished;
static atomic_int failures;


static int
finish_one(struct pdc_conn *c, const struct pdc_job *job, struct pdc_err *err)
{
	if (pdc_db_begin(c, err) == -1)
		return -1;
	if (pdc_queue_complete(c, job, 1, 1, err) == -1) {
		pdc_db_rollback(c);
		return -1;
	}
	return pdc_db_commit(c, err);
}

static int
finish_group(struct pdc_conn *c, const struct pdc_job *jobs, int n, struct pdc_err *err)
{
	long ms[MAXBATCH];
	unsigned parts[MAXBATCH];
	bool done[MAXBATCH];

	for (int i = 0; i < n; i++) {
		ms[i] = 1;
		parts[i] = 1;
	}
	if (pdc_db_begin(c, err) == -1)
		return -1;
	if (pdc_queue_complete_n(c, jobs, (size_t)n, ms, parts, done, err) != n) {
		pdc_db_rollback(c);
		return -1;
	}
	return pdc_db_commit(c, err);
}

static void *
claimer(void *arg)
{
	char name[32];
	struct pdc_job jobs[MAXBATCH];
	struct pdc_err err;
	struct pdc_conn *c;
	int n;

	snprintf(name, sizeof(name), "qbench:%d", (int)(intptr_t)arg);
	if ((c = pdc_db_connect(conninfo, "qbench", &err)) == NULL) {
		fprintf(stderr, "qbench: %s\n", err.msg);
		atomic_fetch_add(&failures, 1);
		return NULL;
	}
	for (;;) {
		long want = target - atomic_fetch_add(&taken, batch);

		if (want <= 0)
			break;
		if ((n = pdc_queue_claim(c, name, 300, jobs, want < batch ? (int)want : batch, &err)) <= 0) {
			if (n < 0)
				fprintf(stderr, "qbench: claim: %s\n", err.msg);
			else
				fprintf(stderr, "qbench: the queue ran dry\n");
			atomic_fetch_add(&failures, 1);
			break;
		}
		int rc = 0;

		if (group)
			rc = finish_group(c, jobs, n, &err);
		else
			for (int i = 0; i < n && rc == 0; i++)
				rc = finish_one(c, &jobs[i], &err);
		if (rc != 0) {
			fprintf(stderr, "qbench: finish: %s\n", err.msg);
			atomic_fetch_add(&failures, 1);
			break;
		}
		atomic_fetch_add(&finished, n);
	}
	pdc_db_close(c);
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_t th[64];
	int threads;
	double t0;

	if ((argc != 5 && argc != 6) || (argc == 6 && strcmp(argv[5], "group") != 0)) {
		fprintf(stderr, "usage: qbench CONNINFO THREADS JOBS BATCH [group]\n");
		return 64;
	}
	group = argc == 6;
	conninfo = argv[1];
	threads = atoi(argv[2]);
	target = atol(argv[3]);
	batch = atoi(argv[4]);
	if (threads < 1 || threads > 64 || target < 1 || batch < 1 || batch > MAXBATCH) {
		fprintf(stderr, "qbench: bad arguments\n");
		return 64;
	}
	t0 = pdc_clock_mono();
	for (int i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, claimer, (void *)(intptr_t)i);
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	if (atomic_load(&failures) > 0)
		return 1;
	printf("%.1f\n", atomic_load(&finished) / (pdc_clock_mono() - t0));
	return 0;
}
