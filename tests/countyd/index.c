/*
 * index.c - substring search over owner names and property addresses.
 *
 * One upper-case text holds every parcel's record; a query is one memmem(3)
 * pass over it, so a search costs a scan of the text (about 60 bytes a
 * parcel) and nothing is kept per word.  That is fast enough for the county's
 * 1.7 million parcels and needs no tokenizer that could disagree with a
 * plain substring match.
 */
/* memmem(3): in every libc we build on, but glibc shows it only to GNU code */
#define _GNU_SOURCE

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "countyd.h"

static void
append_upper(char *dst, size_t *pos, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		dst[(*pos)++] = (char)toupper((unsigned char)*s);
	dst[(*pos)++] = '\n';
}

int
cd_index_build_from(struct cd_index *ix, long n, const char *const *owners,
    const char *const *addresses)
{
	size_t len = 0, pos = 0;

	memset(ix, 0, sizeof(*ix));
	for (long i = 0; i < n; i++) {
		len += (owners[i] != NULL ? strlen(owners[i]) : 0) + 1;
		len += (addresses[i] != NULL ? strlen(addresses[i]) : 0) + 1;
	}
	ix->text = malloc(len + 1);
	ix->off = malloc(((size_t)n + 1) * sizeof(*ix->off));
	if (ix->text == NULL || ix->off == NULL) {
		cd_index_release(ix);
		return -1;
	}
	for (long i = 0; i < n; i++) {
		ix->off[i] = pos;
		append_upper(ix->text, &pos, owners[i]);
		append_upper(ix->text, &pos, addresses[i]);
	}
	ix->off[n] = pos;
	ix->text[pos] = '\0';
	ix->len = pos;
	ix->n = n;
	return 0;
}

/*
 * The generated county's index is built in slices, one thread each: names are
 * generated, which costs more than copying, and start-up time is what a test
 * waits for.
 */
struct slice {
	const struct cd_county *c;
	long lo, hi;
	char *text;
	size_t len, cap;
	size_t *off;		/* relative to the slice's text */
	int failed;
};

static void *
build_slice(void *arg)
{
	struct slice *s = arg;
	char owner[96], address[128];

	s->cap = (size_t)(s->hi - s->lo) * 64 + 256;
	s->text = malloc(s->cap);
	s->off = malloc((size_t)(s->hi - s->lo + 1) * sizeof(*s->off));
	if (s->text == NULL || s->off == NULL) {
		s->failed = 1;
		return NULL;
	}
	for (long i = s->lo; i < s->hi; i++) {
		cd_gen_names(s->c, i, owner, address);
		if (s->len + sizeof(owner) + sizeof(address) + 2 > s->cap) {
			char *p = realloc(s->text, s->cap * 2);

			if (p == NULL) {
				s->failed = 1;
				return NULL;
			}
			s->text = p;
			s->cap *= 2;
		}
		s->off[i - s->lo] = s->len;
		append_upper(s->text, &s->len, owner);
		append_upper(s->text, &s->len, address);
	}
	return NULL;
}

int
cd_index_build(struct cd_index *ix, const struct cd_county *c)
{
	enum { MAXT = 16 };
	struct slice sl[MAXT];
	pthread_t tid[MAXT];
	int started[MAXT];
	long nt = sysconf(_SC_NPROCESSORS_ONLN);
	size_t total = 0, pos = 0;
	int rc = 0;

	memset(ix, 0, sizeof(*ix));
	if (nt < 1)
		nt = 1;
	if (nt > MAXT)
		nt = MAXT;
	if (c->n < 10000)
		nt = 1;
	for (long t = 0; t < nt; t++) {
		memset(&sl[t], 0, sizeof(sl[t]));
		sl[t].c = c;
		sl[t].lo = c->n * t / nt;
		sl[t].hi = c->n * (t + 1) / nt;
		started[t] = pthread_create(&tid[t], NULL, build_slice, &sl[t]) == 0;
		if (!started[t])
			build_slice(&sl[t]);
	}
	for (long t = 0; t < nt; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		if (sl[t].failed)
			rc = -1;
		total += sl[t].len;
	}
	if (rc == 0) {
		ix->text = malloc(total + 1);
		ix->off = malloc(((size_t)c->n + 1) * sizeof(*ix->off));
		if (ix->text == NULL || ix->off == NULL)
			rc = -1;
	}
	for (long t = 0; t < nt; t++) {
		if (rc == 0) {
			memcpy(ix->text + pos, sl[t].text, sl[t].len);
			for (long i = sl[t].lo; i < sl[t].hi; i++)
				ix->off[i] = pos + sl[t].off[i - sl[t].lo];
			pos += sl[t].len;
		}
		free(sl[t].text);
		free(sl[t].off);
	}
	if (rc == -1) {
		cd_index_release(ix);
		return -1;
	}
	ix->off[c->n] = pos;
	ix->text[pos] = '\0';
	ix->len = pos;
	ix->n = c->n;
	return 0;
}

void
cd_index_release(struct cd_index *ix)
{
	free(ix->text);
	free(ix->off);
	memset(ix, 0, sizeof(*ix));
}

/* The record holding text position POS: the last i with off[i] <= POS. */
static long
record_at(const struct cd_index *ix, size_t pos)
{
	long lo = 0, hi = ix->n;	/* off[lo] <= pos < off[hi] */

	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;

		if (ix->off[mid] <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

long
cd_index_search(const struct cd_index *ix, const char *q, long first, long max,
    long *out)
{
	char needle[256];
	size_t nlen = 0, pos = 0;
	long total = 0;

	for (; *q == ' '; q++)
		;
	for (; *q != '\0' && nlen < sizeof(needle) - 1; q++)
		needle[nlen++] = (char)toupper((unsigned char)*q);
	while (nlen > 0 && needle[nlen - 1] == ' ')
		nlen--;
	/* a record separator in the query would match across fields */
	if (nlen == 0 || memchr(needle, '\n', nlen) != NULL || ix->n == 0)
		return 0;
	while (pos < ix->len) {
		const char *hit = memmem(ix->text + pos, ix->len - pos, needle, nlen);
		long i;

		if (hit == NULL)
			break;
		i = record_at(ix, (size_t)(hit - ix->text));
		if (total >= first && total < first + max)
			out[total - first] = i;
		total++;
		pos = ix->off[i + 1];
	}
	return total;
}
