/*
 * hosts.c - the treasurer's and the recorder's answers, and the treasurer's
 * session cookies.
 *
 * A session holds nothing on the server: the cookie is the parcel index and
 * the time it was issued, sealed with a key drawn at start-up.  A cookie
 * from another run, or one made up, does not open, which is what "an
 * unknown session" needs; and a million sessions cost no memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "countyd.h"

#define SESSION_LEN	24	/* ASP.NET's: 120 bits in [a-z0-5] */
#define INDEX_BITS	27	/* parcel indexes below 2^27 (CD_MAX_PARCELS fits) */

static const char b32[] = "abcdefghijklmnopqrstuvwxyz012345";
static uint64_t session_key[2];
static atomic_uint session_nonce;

int
cd_session_init(void)
{
	unsigned char k[16];
	ssize_t got = -1;
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd != -1) {
		do
			got = read(fd, k, sizeof(k));
		while (got == -1 && errno == EINTR);
		close(fd);
	}
	if (got != (ssize_t)sizeof(k))
		return -1;
	memcpy(&session_key[0], k, 8);
	memcpy(&session_key[1], k + 8, 8);
	return 0;
}

static uint32_t
now32(void)
{
	return (uint32_t)time(NULL);
}

/* Seal parcel INDEX into a fresh session id. */
static void
session_new(long index, char out[SESSION_LEN + 1])
{
	uint64_t payload = (uint64_t)index | (uint64_t)now32() << INDEX_BITS |
	    (uint64_t)(atomic_fetch_add(&session_nonce, 1) & 31) << 59;
	uint64_t mac = cd_mix64(payload ^ session_key[0]) >> 8;	/* 56 bits */
	uint64_t enc = payload ^ cd_mix64(mac ^ session_key[1]);
	unsigned char raw[15];
	unsigned acc = 0, nbits = 0;
	size_t o = 0;

	for (int i = 0; i < 7; i++)
		raw[i] = (unsigned char)(mac >> (8 * (6 - i)));
	for (int i = 0; i < 8; i++)
		raw[7 + i] = (unsigned char)(enc >> (8 * (7 - i)));
	for (size_t i = 0; i < sizeof(raw); i++) {
		acc = acc << 8 | raw[i];
		nbits += 8;
		while (nbits >= 5) {
			out[o++] = b32[(acc >> (nbits - 5)) & 31];
			nbits -= 5;
		}
	}
	out[o] = '\0';
}

long
cd_session_parcel(const char *cookie)
{
	unsigned char raw[15];
	unsigned acc = 0, nbits = 0;
	uint64_t mac = 0, enc = 0, payload;
	size_t o = 0;
	long index, n = cd_cfg.dirmode ? cd_cfg.dir.n : cd_cfg.county.n;

	if (cookie == NULL || strlen(cookie) != SESSION_LEN)
		return -1;
	for (size_t i = 0; i < SESSION_LEN; i++) {
		const char *p = memchr(b32, cookie[i], 32);

		if (p == NULL || cookie[i] == '\0')
			return -1;
		acc = acc << 5 | (unsigned)(p - b32);
		nbits += 5;
		if (nbits >= 8) {
			raw[o++] = (unsigned char)(acc >> (nbits - 8));
			nbits -= 8;
		}
	}
	for (int i = 0; i < 7; i++)
		mac = mac << 8 | raw[i];
	for (int i = 0; i < 8; i++)
		enc = enc << 8 | raw[7 + i];
	payload = enc ^ cd_mix64(mac ^ session_key[1]);
	if (cd_mix64(payload ^ session_key[0]) >> 8 != mac)
		return -1;
	index = (long)(payload & ((1UL << INDEX_BITS) - 1));
	if (index >= n)
		return -1;
	if (cd_cfg.session_seconds > 0 &&
	    (uint32_t)(now32() - (uint32_t)(payload >> INDEX_BITS)) > (uint32_t)cd_cfg.session_seconds)
		return -1;
	return index;
}

/* --- parcels ------------------------------------------------------------------ */

long
cd_lookup(const char *canon)
{
	return cd_cfg.dirmode ? cd_dir_lookup(&cd_cfg.dir, canon) :
	    cd_gen_lookup(&cd_cfg.county, canon);
}

int
cd_facts_of(long i, struct cd_facts *f)
{
	struct cd_parcel *p;

	if (cd_cfg.dirmode) {
		if (i < 0 || i >= cd_cfg.dir.n || cd_cfg.dir.p[i].facts == NULL)
			return -1;
		*f = *cd_cfg.dir.p[i].facts;
		return 0;
	}
	if (i < 0 || i >= cd_cfg.county.n || (p = malloc(sizeof(*p))) == NULL)
		return -1;
	cd_gen_parcel(&cd_cfg.county, i, p);
	cd_facts_from_parcel(p, f);
	free(p);
	return 0;
}

/* --- the treasurer ------------------------------------------------------------- */

static void
tax_page(enum cd_route route, long session, int bad, unsigned variant, struct cd_buf *b)
{
	struct cd_facts *f = malloc(sizeof(*f));
	struct cd_taxes *t = malloc(sizeof(*t));
	enum cd_tax_page page = route == CD_R_T_SUMMARY ? CD_TP_SUMMARY :
	    route == CD_R_T_SUMMARY_ALL ? CD_TP_SUMMARY_ALL :
	    route == CD_R_T_ACTIVITIES ? CD_TP_ACTIVITIES : CD_TP_STATEMENT;

	if (f == NULL || t == NULL || cd_facts_of(session, f) == -1) {
		b->oom = 1;
	} else {
		cd_tax_gen(&cd_cfg.county, f, cd_cfg.today, t);
		if (bad)
			cd_tax_render_malformed(f, t, page, variant, b);
		else
			cd_tax_render(f, t, page, b);
	}
	free(f);
	free(t);
}

/*
 * The site as public scrapers of 2025-2026 see it (--treasurer-portal): the
 * entry redirects to the portal page, which a script fills; the other
 * legacy pages are gone.  PARCEL is the entry's or the portal's argument.
 */
static unsigned
portal_answer(enum cd_route route, const char *parcel, struct cd_buf *b, struct cd_reply *r)
{
	char canon[CD_APN_MAX];
	struct cd_facts *f;
	long i;

	switch (route) {
	case CD_R_T_ENTRY:
		/* the parcel as given: the portal reads it as the entry would */
		snprintf(r->where, sizeof(r->where), "/PropertyTaxInformation/?parcel=%.32s",
		    parcel != NULL && strspn(parcel, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz-.") == strlen(parcel) ? parcel : "");
		r->location = r->where;
		cd_tax_render_moved(r->location, b);
		return 302;
	case CD_R_T_PORTAL:
		if (parcel == NULL || cd_apn_parse(parcel, strlen(parcel), canon) == -1 ||
		    (i = cd_lookup(canon)) < 0 || (f = malloc(sizeof(*f))) == NULL) {
			cd_tax_render_portal(NULL, b);
			return 200;
		}
		if (cd_facts_of(i, f) == -1)
			b->oom = 1;
		else
			cd_tax_render_portal(f, b);
		free(f);
		return 200;
	default:
		cd_tax_render_missing(b);
		return 404;
	}
}

void
cd_treasurer_answer(enum cd_route route, const char *parcel, long session, int bad,
    unsigned variant, struct cd_reply *r)
{
	static const char entry[] = "/parcel/default.aspx", summary[] = "/Parcel/Summary.aspx";
	char canon[CD_APN_MAX], id[SESSION_LEN + 1];
	unsigned status = 200;
	struct cd_buf b;
	long i;

	cd_buf_init(&b, 16384);
	if (cd_cfg.tax_portal) {
		status = portal_answer(route, parcel, &b, r);
		cd_reply_buf(r, status, cd_ctype_html, &b);
		return;
	}
	switch (route) {
	case CD_R_T_ENTRY:
		if (bad)
			cd_tax_render_malformed(NULL, NULL, CD_TP_ENTRY, variant, &b);
		else if (parcel == NULL)
			cd_tax_render_error("Session expired", &b);
		else if (cd_apn_parse(parcel, strlen(parcel), canon) == -1)
			cd_tax_render_error("Invalid parcel number", &b);
		else if ((i = cd_lookup(canon)) < 0)
			cd_tax_render_error("Parcel not found", &b);
		else {
			session_new(i, id);
			snprintf(r->cookie, sizeof(r->cookie), "ASP.NET_SessionId=%s; path=/; HttpOnly",
			    id);
			r->location = summary;
			cd_tax_render_moved(summary, &b);
			status = 302;
		}
		break;
	case CD_R_T_SUMMARY:
	case CD_R_T_SUMMARY_ALL:
	case CD_R_T_ACTIVITIES:
	case CD_R_T_STATEMENT:
		if (session < 0) {
			r->location = entry;
			cd_tax_render_moved(entry, &b);
			status = 302;
		} else {
			tax_page(route, session, bad, variant, &b);
		}
		break;
	default:
		cd_tax_render_missing(&b);
		status = 404;
		break;
	}
	cd_reply_buf(r, status, cd_ctype_html, &b);
}

/* --- the recorder ---------------------------------------------------------------- */

void
cd_recorder_answer(enum cd_route route, const char *arg, const struct cd_rquery *q, int bad,
    unsigned variant, struct cd_reply *r)
{
	const struct cd_recorder *rec = &cd_cfg.recorder;
	unsigned status = 200;
	struct cd_buf b;
	uint64_t num;
	long i;

	cd_buf_init(&b, 4096);
	switch (route) {
	case CD_R_DOCUMENT:
		i = cd_recorder_number(arg, &num) == 0 ? cd_recorder_find(rec, num) : -1;
		if (i < 0) {
			cd_buf_puts(&b, "{\"message\":\"Document not found\"}");
			status = 404;
		} else if (bad) {
			cd_recorder_malformed(rec, i, 0, variant, &b);
		} else {
			cd_recorder_detail(rec, i, &b);
		}
		break;
	case CD_R_DOCSEARCH:
		if (bad)
			cd_recorder_malformed(rec, -1, 1, variant, &b);
		else
			status = cd_recorder_search(rec, q, &b);
		break;
	default:
		cd_buf_puts(&b, "{\"message\":\"Not found\"}");
		status = 404;
		break;
	}
	cd_reply_buf(r, status, cd_ctype_json, &b);
}
