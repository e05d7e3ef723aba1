#include <stdlib.h>
#include <string.h>

#include "apn.h"
#include "enqueue.h"
#include "input.h"

#define NCONN 2
#define DEADLOCK_TRIES 10

struct item {
	char apn[PDC_APN_MAX];	/* "" for a bad input */
	char *raw;		/* what a bad input said, for its outcome */
};

struct batch {
	struct pdc_conn *conn;	/* its own connection; NULL until needed */
	struct item items[PDC_ENQUEUE_BATCH];
	size_t nitems;
	const char *apns[PDC_ENQUEUE_BATCH];	/* the good ones, sent */
	enum pdc_enqueued out[PDC_ENQUEUE_BATCH];
	size_t napns;
	bool sent;		/* in the database's hands, not yet read */
	bool careful;		/* sent again after a race (pdc_queue_enqueue_send) */
};

struct pdc_enqueue {
	const struct pdc_config *cfg;
	const char *appname;
	struct pdc_conn *conn;	/* the caller's, b[0]'s */
	struct pdc_enqueue_opts o;
	struct batch *b[NCONN];
	int cur;		/* the batch being filled */
	long count[PDC_ENQ_NOUTCOMES];
	char **kept;		/* opts.keep: the APNs delivered */
	size_t nkept, capkept;
};

struct pdc_enqueue *
pdc_enqueue_new(struct pdc_conn *conn, const struct pdc_config *cfg, const char *appname,
    const struct pdc_enqueue_opts *opts, struct pdc_err *err)
{
	struct pdc_enqueue *q;

	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->b[0] = calloc(1, sizeof(*q->b[0]))) == NULL ||
	    (q->b[1] = calloc(1, sizeof(*q->b[1]))) == NULL) {
		if (q != NULL)
			free(q->b[0]);
		free(q);
		pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		return NULL;
	}
	q->cfg = cfg;
	q->appname = appname;
	q->conn = conn;
	q->o = *opts;
	q->b[0]->conn = conn;
	return q;
}

void
pdc_enqueue_free(struct pdc_enqueue *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->nkept; i++)
		free(q->kept[i]);
	free(q->kept);
	for (int i = 0; i < NCONN; i++) {
		for (size_t k = 0; k < q->b[i]->nitems; k++)
			free(q->b[i]->items[k].raw);
		if (q->b[i]->conn != q->conn)
			pdc_db_close(q->b[i]->conn);
		free(q->b[i]);
	}
	free(q);
}

long
pdc_enqueue_count(const struct pdc_enqueue *q, enum pdc_enqueued e)
{
	return (unsigned)e < PDC_ENQ_NOUTCOMES ? q->count[e] : 0;
}

const char *const *
pdc_enqueue_apns(const struct pdc_enqueue *q, size_t *n)
{
	*n = q->nkept;
	return (const char *const *)q->kept;
}

/* Send B's good APNs on its connection, opened on first use. */
static int
send_batch(struct pdc_enqueue *q, struct batch *b, struct pdc_err *err)
{
	b->napns = 0;
	for (size_t i = 0; i < b->nitems; i++)
		if (b->items[i].apn[0] != '\0')
			b->apns[b->napns++] = b->items[i].apn;
	if (b->napns == 0)
		return 0;
	if (b->conn == NULL && (b->conn = pdc_db_open(q->cfg, q->appname, err)) == NULL)
		return -1;
	if (pdc_queue_enqueue_send(b->conn, b->apns, b->napns, q->o.priority,
	    1 + q->cfg->retry_attempts, q->cfg->cache_expiry_hours, q->o.force, b->careful,
	    err) == -1)
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
recv_batch(struct pdc_enqueue *q, struct batch *b, struct pdc_err *err)
{
	struct batch *other = q->b[0] == b ? q->b[1] : q->b[0];

	for (int tries = 1; b->sent; tries++) {
		b->sent = false;
		if (pdc_queue_enqueue_recv(b->conn, other->sent ? other->conn : NULL, b->apns,
		    b->napns, b->careful, b->out, err) == 0)
			break;
		if (err->kind != PDC_E_TRANSIENT || tries == DEADLOCK_TRIES)
			return -1;
		pdc_err_clear(err);
		b->careful = true;
		if (send_batch(q, b, err) == -1)
			return -1;
	}
	b->careful = false;
	return 0;
}

static int
keep(struct pdc_enqueue *q, const char *apn, struct pdc_err *err)
{
	if (q->nkept == q->capkept) {
		size_t nc = q->capkept ? q->capkept * 2 : 64;
		char **nk = reallocarray(q->kept, nc, sizeof(*nk));

		if (nk == NULL)
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		q->kept = nk;
		q->capkept = nc;
	}
	if ((q->kept[q->nkept] = strdup(apn)) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	q->nkept++;
	return 0;
}

/* Wait for B's outcomes, deliver them in input order, and empty B. */
static int
finish_batch(struct pdc_enqueue *q, struct batch *b, struct pdc_err *err)
{
	size_t k = 0;

	if (recv_batch(q, b, err) == -1)
		return -1;
	for (size_t i = 0; i < b->nitems; i++) {
		struct item *it = &b->items[i];

		if (it->apn[0] == '\0') {
			if (q->o.outcome(q->o.arg, it->raw, PDC_ENQ_BAD, err) == -1)
				return -1;
			q->count[PDC_ENQ_BAD]++;
			free(it->raw);
			it->raw = NULL;
			continue;
		}
		enum pdc_enqueued e = b->out[k++];
		if (q->o.outcome(q->o.arg, it->apn, e, err) == -1)
			return -1;
		q->count[e]++;
		if (q->o.keep && keep(q, it->apn, err) == -1)
			return -1;
	}
	b->nitems = 0;
	if (q->o.batch_done != NULL)
		q->o.batch_done(q->o.arg);
	return 0;
}

/*
 * The batch being filled is full (or the input ended): send it, then
 * finish the batch before it, which had the other connection meanwhile.
 * The other slot is then free to fill.
 */
static int
next_batch(struct pdc_enqueue *q, struct pdc_err *err)
{
	struct batch *full = q->b[q->cur], *prev = q->b[q->cur ^ 1];

	if (send_batch(q, full, err) == -1 || finish_batch(q, prev, err) == -1)
		return -1;
	q->cur ^= 1;
	return 0;
}

int
pdc_enqueue_finish(struct pdc_enqueue *q, struct pdc_err *err)
{
	if (next_batch(q, err) == -1)
		return -1;
	return finish_batch(q, q->b[q->cur ^ 1], err);
}

int
pdc_enqueue_drain(struct pdc_enqueue *q, struct pdc_err *err)
{
	for (int i = 0; i < NCONN; i++) {
		struct batch *b = q->b[(q->cur + 1 + i) % NCONN];

		/* recv_batch clears sent first: a batch that fails is not met again. */
		if (b->sent)
			return finish_batch(q, b, err) == -1 ? -1 : 1;
	}
	return 0;
}

int
pdc_enqueue_input(const char *s, size_t len, bool is_arg, char apn[PDC_APN_MAX], char **raw,
    struct pdc_err *why, struct pdc_err *err)
{
	char shown[64];
	int r;

	pdc_err_clear(why);
	*raw = NULL;
	r = pdc_input_apn(s, len, apn, why);
	/* A blank or '#' line is skipped in a file; an argument that is empty
	 * ("$APN" unset) is a mistake. */
	if (r == 0 && is_arg) {
		char qs[PDC_INPUT_QUOTEMAX];

		r = pdc_err_set(why, PDC_E_INPUT, "bad APN %s", pdc_input_quote(qs, sizeof(qs), s, len));
	}
	if (r == 0)
		return PDC_ENQUEUE_SKIPPED;
	if (r > 0)
		return PDC_ENQUEUE_TAKEN;
	apn[0] = '\0';
	if ((*raw = strdup(pdc_input_field(shown, sizeof(shown), s, len))) == NULL)
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	return PDC_ENQUEUE_REFUSED;
}

int
pdc_enqueue_add(struct pdc_enqueue *q, const char *s, size_t len, bool is_arg,
    struct pdc_err *why, struct pdc_err *err)
{
	struct batch *b = q->b[q->cur];
	struct item *it;
	int r;

	pdc_err_clear(why);
	/* Only after a failure, which ended the run, is the batch still full. */
	if (b->nitems == PDC_ENQUEUE_BATCH)
		return pdc_err_set(err, PDC_E_SYSTEM, "enqueue: the run has failed already");
	it = &b->items[b->nitems];
	if ((r = pdc_enqueue_input(s, len, is_arg, it->apn, &it->raw, why, err)) == -1 ||
	    r == PDC_ENQUEUE_SKIPPED)
		return r;
	if (++b->nitems == PDC_ENQUEUE_BATCH && next_batch(q, err) == -1)
		return -1;
	return r;
}
