/*
 * t_enqueue.c - the enqueue engine's side that needs no database: what it
 * makes of each input, bad inputs' outcomes in their place, the counts.
 * (Batches sent to the database are tests/20-pdc-enqueue.bats's.)
 */
#include <stdlib.h>
#include <string.h>

#include "enqueue.h"
#include "unit.h"

struct seen {
	char what[8][80];
	enum pdc_enqueued e[8];
	int n, batches;
};

static int
outcome(void *arg, const char *what, enum pdc_enqueued e, struct pdc_err *err)
{
	struct seen *s = arg;

	if (s->n < 8) {
		strlcpy(s->what[s->n], what, sizeof(s->what[0]));
		s->e[s->n] = e;
	}
	s->n++;
	return 0;
}

static void
batch_done(void *arg)
{
	((struct seen *)arg)->batches++;
}

int
main(void)
{
	struct seen seen = { .n = 0 };
	struct pdc_enqueue_opts opts = { .priority = PDC_PRIO_NORMAL, .keep = true, .outcome = outcome,
	    .batch_done = batch_done, .arg = &seen };
	struct pdc_config cfg;
	struct pdc_err why, err;
	struct pdc_enqueue *q;
	const char *const *apns;
	size_t n;
	char big[200];

	memset(&cfg, 0, sizeof(cfg));
	/* No connection: every input below is bad or skipped, so nothing is sent. */
	q = pdc_enqueue_new(NULL, &cfg, "t_enqueue", &opts, &err);
	ok(q != NULL, "new");

	is_int(pdc_enqueue_add(q, "", 0, false, &why, &err), PDC_ENQUEUE_SKIPPED, "a blank line is skipped");
	is_int(why.kind, PDC_OK, "a skipped line has no reason");
	is_int(pdc_enqueue_add(q, "# note", 6, false, &why, &err), PDC_ENQUEUE_SKIPPED, "a comment line is skipped");
	is_int(pdc_enqueue_add(q, "", 0, true, &why, &err), PDC_ENQUEUE_REFUSED,
	    "an empty argument is refused, not skipped");
	is_int(why.kind, PDC_E_INPUT, "its reason is an input error");
	is_str(why.msg, "bad APN \"\"", "its reason quotes it");
	is_int(pdc_enqueue_add(q, "165-28-05\tsomeone", 17, false, &why, &err), PDC_ENQUEUE_REFUSED,
	    "a short APN is refused");
	is_str(why.msg, "bad APN \"165-28-05\"", "the reason names the first field");
	is_int(pdc_enqueue_add(q, "x\033y", 3, false, &why, &err), PDC_ENQUEUE_REFUSED,
	    "a line with an escape is refused");
	memset(big, 'z', sizeof(big));
	is_int(pdc_enqueue_add(q, big, sizeof(big), false, &why, &err), PDC_ENQUEUE_REFUSED,
	    "a long line is refused");
	is_int(seen.n, 0, "no outcome before the batch is finished");

	is_int(pdc_enqueue_finish(q, &err), 0, "finish");
	is_int(seen.n, 4, "an outcome for each input not skipped");
	is_str(seen.what[0], "", "an empty argument shows as empty");
	is_str(seen.what[1], "165-28-05", "a bad line shows its first field");
	is_str(seen.what[2], "x?y", "unprintable bytes show as ?");
	ok(strlen(seen.what[3]) > 0 && strlen(seen.what[3]) < 64 && strspn(seen.what[3], "z") == strlen(seen.what[3]),
	    "a long line shows its start, cut short");
	ok(seen.e[0] == PDC_ENQ_BAD && seen.e[1] == PDC_ENQ_BAD && seen.e[2] == PDC_ENQ_BAD &&
	    seen.e[3] == PDC_ENQ_BAD, "every one of them bad");
	ok(seen.batches >= 1, "the batch's end is announced");
	is_int(pdc_enqueue_count(q, PDC_ENQ_BAD), 4, "count: bad");
	is_int(pdc_enqueue_count(q, PDC_ENQ_QUEUED), 0, "count: queued");
	apns = pdc_enqueue_apns(q, &n);
	is_int(n, 0, "no APN kept: bad ones are not waited for");
	(void)apns;
	is_int(pdc_enqueue_drain(q, &err), 0, "nothing left in flight");
	is_str(pdc_enqueued_name(PDC_ENQ_BAD), "bad", "the outcome's name");
	pdc_enqueue_free(q);
	return unit_done();
}
