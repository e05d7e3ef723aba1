#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kept.h"
#include "pool.h"

void
pdc_kept_clear(struct pdc_kept *k)
{
	free(k->etag);
	free(k->last_modified);
	free(k->source);
	free(k->key);
	free(k->url);
	free(k->content_type);
	free(k->body);
	memset(k, 0, sizeof(*k));
}

void
pdc_kept_release(struct pdc_kept_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		pdc_kept_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

const struct pdc_kept *
pdc_kept_find(const struct pdc_kept_list *l, const char *source, const char *key)
{
	if (key == NULL)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].source, source) == 0 && strcmp(l->v[i].key, key) == 0)
			return &l->v[i];
	return NULL;
}

int
pdc_kept_adopt(struct pdc_kept_list *into, struct pdc_kept_list *from)
{
	if (from->n == 0)
		return 0;
	if (into->cap - into->n < from->n) {
		size_t n = into->n + from->n;
		struct pdc_kept *nk = reallocarray(into->v, n, sizeof(*nk));

		if (nk == NULL)
			return -1;
		into->v = nk;
		into->cap = n;
	}
	memcpy(into->v + into->n, from->v, from->n * sizeof(*from->v));
	into->n += from->n;
	free(from->v);
	from->v = NULL;
	from->n = from->cap = 0;
	return 0;
}

int
pdc_kept_add(struct pdc_kept_list *l, const char *source, const char *key, const char *url,
    long status, const char *content_type, const char *etag, const char *last_modified,
    const char *body, size_t len)
{
	struct pdc_kept k;

	memset(&k, 0, sizeof(k));
	k.status = status;
	k.len = len;
	if ((k.source = strdup(source)) == NULL || (k.key = strdup(key)) == NULL ||
	    (k.url = strdup(url)) == NULL ||
	    (content_type != NULL && (k.content_type = strdup(content_type)) == NULL) ||
	    (etag != NULL && *etag != '\0' && (k.etag = strdup(etag)) == NULL) ||
	    (last_modified != NULL && *last_modified != '\0' &&
	     (k.last_modified = strdup(last_modified)) == NULL) ||
	    (k.body = malloc(len + 1)) == NULL) {
		pdc_kept_clear(&k);
		return -1;
	}
	memcpy(k.body, body != NULL ? body : "", len);
	k.body[len] = '\0';
	/* A key fetched twice in one job (a retry within it) keeps the last answer. */
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].source, source) == 0 && strcmp(l->v[i].key, key) == 0) {
			pdc_kept_clear(&l->v[i]);
			l->v[i] = k;
			return 0;
		}
	if (l->n == l->cap) {
		size_t n = l->cap ? l->cap * 2 : 8;
		struct pdc_kept *nk = reallocarray(l->v, n, sizeof(*nk));

		if (nk == NULL) {
			pdc_kept_clear(&k);
			return -1;
		}
		l->v = nk;
		l->cap = n;
	}
	l->v[l->n++] = k;
	return 0;
}

static struct pdc_stmt st_keep = { "pdc_store_response",
	"INSERT INTO responses AS r (apn, source, key, url, status, content_type, sha256, body, fetched_at,"
	"  etag, last_modified)"
	" VALUES ($1, $2, $3, $4, $5, $6, encode(sha256($7), 'hex'), $7, now(), $8, $9)"
	" ON CONFLICT (apn, source, key) DO UPDATE SET url = EXCLUDED.url, status = EXCLUDED.status,"
	"  content_type = EXCLUDED.content_type, sha256 = EXCLUDED.sha256, body = EXCLUDED.body,"
	"  fetched_at = EXCLUDED.fetched_at, etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified"
	" WHERE r.sha256 IS DISTINCT FROM EXCLUDED.sha256 OR r.fetched_at < now() - interval '1 hour'"
	"  OR r.etag IS DISTINCT FROM EXCLUDED.etag",
	9, 0 };

int
pdc_kept_store(struct pdc_conn *c, const char *apn, const struct pdc_kept_list *l,
    struct pdc_err *err)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct pdc_kept *k = &l->v[i];
		char st[16];
		const char *params[9] = { apn, k->source, k->key, k->url, st, k->content_type, k->body,
		    k->etag, k->last_modified };
		int lengths[9] = { 0, 0, 0, 0, 0, 0, (int)k->len, 0, 0 };
		int formats[9] = { 0, 0, 0, 0, 0, 0, 1, 0, 0 };

		snprintf(st, sizeof(st), "%ld", k->status);
		if (pdc_db_send(c, &st_keep, params, lengths, formats, err) == -1)
			return -1;
	}
	return 0;
}

static struct pdc_stmt st_load = { "pdc_load_responses",
	"SELECT source, key, url, status, content_type, body FROM responses WHERE apn = $1", 1, 0 };

long
pdc_kept_load(struct pdc_conn *c, const char *apn, struct pdc_kept_list *l, struct pdc_err *err)
{
	const char *params[1] = { apn };
	PGresult *res;
	long n;

	/* Text results: bytea comes hex-escaped and is decoded byte for byte. */
	res = pdc_db_run(c, &st_load, params, err);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (long i = 0; i < n; i++) {
		size_t len;
		unsigned char *body = PQunescapeBytea((const unsigned char *)PQgetvalue(res, (int)i, 5), &len);

		if (body == NULL ||
		    pdc_kept_add(l, PQgetvalue(res, (int)i, 0), PQgetvalue(res, (int)i, 1),
		    PQgetvalue(res, (int)i, 2), strtol(PQgetvalue(res, (int)i, 3), NULL, 10),
		    PQgetisnull(res, (int)i, 4) ? NULL : PQgetvalue(res, (int)i, 4), NULL, NULL,
		    (const char *)body, len) == -1) {
			PQfreemem(body);
			PQclear(res);
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		}
		PQfreemem(body);
	}
	PQclear(res);
	return n;
}

static struct pdc_stmt st_validators = { "pdc_load_validators",
	"SELECT r.source, r.key, r.etag, r.last_modified,"
	" NOT EXISTS (SELECT 1 FROM record_parts p"
	"  WHERE p.apn = r.apn AND p.source = r.source AND p.state = 'failed')"
	" FROM responses r WHERE r.apn = $1", 1, 0 };

long
pdc_kept_load_validators(struct pdc_conn *c, const char *apn, struct pdc_kept_list *l,
    struct pdc_err *err)
{
	const char *params[1] = { apn };
	PGresult *res = pdc_db_run(c, &st_validators, params, err);
	long n;

	if (res == NULL)
		return -1;
	n = PQntuples(res);
	if (n > 0 && l->cap - l->n < (size_t)n) {
		struct pdc_kept *nk = reallocarray(l->v, l->n + (size_t)n, sizeof(*nk));

		if (nk == NULL) {
			PQclear(res);
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		}
		l->v = nk;
		l->cap = l->n + (size_t)n;
	}
	for (long i = 0; i < n; i++) {
		struct pdc_kept *v = &l->v[l->n++];

		memset(v, 0, sizeof(*v));
		v->source = strdup(PQgetvalue(res, (int)i, 0));
		v->key = strdup(PQgetvalue(res, (int)i, 1));
		v->etag = PQgetisnull(res, (int)i, 2) ? NULL : strdup(PQgetvalue(res, (int)i, 2));
		v->last_modified = PQgetisnull(res, (int)i, 3) ? NULL : strdup(PQgetvalue(res, (int)i, 3));
		v->sound = PQgetvalue(res, (int)i, 4)[0] == 't';
		if (v->source == NULL || v->key == NULL) {
			PQclear(res);
			return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
		}
	}
	PQclear(res);
	return n;
}

static struct pdc_stmt st_body = { "pdc_load_body",
	"SELECT content_type, body, status FROM responses WHERE apn = $1 AND source = $2 AND key = $3",
	3, 0 };

int
pdc_kept_load_body(struct pdc_pool *pool, const char *apn, const char *source, const char *key,
    struct pdc_kept *out, struct pdc_err *err)
{
	const char *params[3] = { apn, source, key };
	struct pdc_conn *c;
	PGresult *r;
	unsigned char *body;
	size_t len;

	memset(out, 0, sizeof(*out));
	if ((c = pdc_pool_get(pool, err)) == NULL)
		return -1;
	r = pdc_db_run(c, &st_body, params, err);
	pdc_pool_put(pool, c);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		/* 304 for something we no longer have: a transient oddity, fetch again later */
		return pdc_err_set(err, PDC_E_TRANSIENT, "%s: 304 for \"%s\" but nothing stored", source, key);
	}
	body = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 1), &len);
	if (body == NULL || (out->body = malloc(len + 1)) == NULL ||
	    (out->content_type = strdup(PQgetvalue(r, 0, 0))) == NULL) {
		PQfreemem(body);
		PQclear(r);
		pdc_kept_clear(out);
		return pdc_err_set(err, PDC_E_SYSTEM, "out of memory");
	}
	memcpy(out->body, body, len);
	out->body[len] = '\0';
	out->len = len;
	out->status = strtol(PQgetvalue(r, 0, 2), NULL, 10);
	PQfreemem(body);
	PQclear(r);
	return 0;
}

static struct pdc_stmt st_prune_responses = { "pdc_prune_responses",
	"DELETE FROM responses WHERE fetched_at < now() - make_interval(secs => $1::float8 * 3600)", 1, 0 };

long
pdc_kept_prune(struct pdc_conn *c, double keep_hours, struct pdc_err *err)
{
	char h[32];
	const char *params[1] = { h };

	snprintf(h, sizeof(h), "%.3f", keep_hours);
	return pdc_db_do(c, &st_prune_responses, params, err);
}
