/*
 * countyd.h - the county replica's modules: a deterministic generated county,
 * the assessor's JSON renderings of it, the search index, and the ground truth.
 *
 * Every parcel is a pure function of (seed, index): nothing per parcel is kept
 * in memory except the search index's owner names and addresses, so a county
 * of 1.7 million parcels costs what its search text costs.
 */
#ifndef COUNTYD_H
#define COUNTYD_H

#include <stddef.h>
#include <stdint.h>

#define CD_APN_MAX	12	/* "BBB-MM-IIIS" and its NUL */
#define CD_NYEARS	6	/* tax years in Valuations, newest first */
#define CD_YEAR		2026	/* the current tax year */
#define CD_MAX_PARCELS	90000000L	/* books 100..999 */
#define CD_PAGE_ROWS	25	/* search and listing rows a page */

/* --- buf.c: growable byte buffers and a JSON writer ------------------- */

struct cd_buf {
	char *p;
	size_t len, cap;
	int oom;		/* set once an allocation failed; the text is then cut */
};

/* Start an empty buffer with room for HINT bytes (may fail: see oom). */
void cd_buf_init(struct cd_buf *b, size_t hint);

/* Free the contents; B can be initialised again. */
void cd_buf_release(struct cd_buf *b);

/*
 * Hand the text over to the caller (NUL terminated, to free(3)), leaving B
 * empty.  Returns NULL when memory ran out while writing.
 */
char *cd_buf_detach(struct cd_buf *b, size_t *len);

void cd_buf_put(struct cd_buf *b, const char *s, size_t n);
void cd_buf_puts(struct cd_buf *b, const char *s);
void cd_buf_putc(struct cd_buf *b, char c);
void cd_buf_printf(struct cd_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * JSON members.  Each writes `"key":value,` (or `value,` when KEY is NULL):
 * the trailing comma is taken back by cd_json_close() and cd_json_end(), so
 * callers never track "first member" state.
 */
void cd_json_str(struct cd_buf *b, const char *key, const char *s);	/* NULL: null */
void cd_json_strf(struct cd_buf *b, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cd_json_int(struct cd_buf *b, const char *key, long v);
void cd_json_bool(struct cd_buf *b, const char *key, int v);
void cd_json_null(struct cd_buf *b, const char *key);
void cd_json_raw(struct cd_buf *b, const char *key, const char *raw);
void cd_json_open(struct cd_buf *b, const char *key, char bracket);
void cd_json_close(struct cd_buf *b, char bracket);
void cd_json_end(struct cd_buf *b);	/* drop the last trailing comma */

/* Append the base64 encoding of the N bytes at P. */
void cd_buf_base64(struct cd_buf *b, const unsigned char *p, size_t n);

/* --- gen.c: the generated county --------------------------------------- */

struct cd_county {
	uint64_t seed;
	long n;			/* parcels, indexes 0..n-1 */
	size_t sketch_bytes;	/* raw bytes behind each sketch's base64 */
};

enum cd_ptype {
	CD_RESIDENTIAL,
	CD_COMMERCIAL,
	CD_VACANT,
	CD_INDUSTRIAL,
	CD_AGRICULTURAL
};

struct cd_valuation {
	int year;
	long fcv, lpv, afcv, alpv;
	int afcv_na, alpv_na;	/* sent as "na" */
	const char *use_code, *use_desc;
	const char *source;
	char notice;		/* 'N' or 'Y' */
};

/*
 * How a count is typed in ResidentialPropertyData: the county mixes JSON
 * numbers and strings, and not always the same way, so each field's type is
 * drawn per parcel (bit set: the other type than the fixture's).
 */
enum cd_flip {
	CD_FLIP_COVERED = 1 << 0,
	CD_FLIP_UNCOVERED = 1 << 1,
	CD_FLIP_PATIOS = 1 << 2,
	CD_FLIP_CARPORTS = 1 << 3,
	CD_FLIP_BATH = 1 << 4,
	CD_FLIP_GARAGES = 1 << 5,
	CD_FLIP_PARKCOUNT = 1 << 6
};

struct cd_residential {
	int year, orig_year;
	long lot_size;
	int lot_size_na;
	long livable;
	long detached;		/* 0: null */
	int pool;
	int pool_area;
	const char *pe_grade, *grade;
	int covered, uncovered;
	const char *patio_type;
	const char *walls, *roof, *cooling, *heating;
	int bath;
	int garages, carports;
	const char *park_type;	/* ParkingDetails.ParkingType and ParkingType */
	int park_count;
	int covered_parking;
	const char *loc_factors, *other_structures, *loc_chars;
	const char *condition;	/* NULL: null */
	unsigned flips;		/* enum cd_flip */
};

struct cd_parcel {
	long index;
	char apn[CD_APN_MAX];
	char bare[CD_APN_MAX];

	/* the block of 100 parcels the parcel sits in: subdivision, streets, city */
	int has_mcr;
	long mcr;
	char subdivision[64];
	char lot[16];
	int block_count;	/* parcels in the subdivision */
	int str_count;		/* parcels in the section */
	char str[16];		/* "26 3N 3E" */
	char description[96];
	const char *city;
	char zip[8];
	const char *hs_district, *elem_district, *jurisdiction;
	char tax_area[8];
	char market[4], neighborhood[4];

	enum cd_ptype type;
	const char *type_name;	/* "Residential" */
	const char *use_code, *use_desc;
	const char *class_code, *class_text;	/* "3   ", "PRIMARY RESIDENCE" */
	const char *ratio[CD_NYEARS];
	long lot_size;
	int lot_size_na;
	int apl_flag;
	int is_rental;

	int has_situs;
	char situs[64];		/* "10010 N 29TH ST" */
	char address[128];	/* "10010 N 29TH ST PHOENIX, AZ 85028" */
	int has_geo;
	double lat, lon;

	char owner_id[40];
	char owner[96];
	char in_care_of[64];	/* "": InCareOf is null */
	const char *conto;	/* ContoOwnership */
	char mail1[64];
	int has_mail2;
	char mail2[32];
	char mail_city[32];
	char mail_state[4];
	char mail_zip[16];
	const char *mail_country;
	char deed[32];
	int deed_y, deed_m, deed_d;
	const char *deed_type;
	int has_sale;
	long sale_price;
	int sale_pad;		/* SalePrice blank-padded */
	int sale_y, sale_m, sale_d;
	int redacted;

	struct cd_valuation val[CD_NYEARS];
	int has_res;
	struct cd_residential res;

	int nsimilar;
	long similar[5];	/* parcel indexes */
};

/*
 * Fill P with parcel INDEX (0 <= INDEX < c->n) of county C.  Never fails:
 * every value is a function of the seed and the index.
 */
void cd_gen_parcel(const struct cd_county *c, long index, struct cd_parcel *p);

/*
 * Only what the search index needs: the owner name and the property address
 * ("" when the parcel has none), written to OWNER and ADDRESS; the same text
 * cd_gen_parcel() gives, for a fraction of its cost.
 */
void cd_gen_names(const struct cd_county *c, long index,
    char owner[96], char address[128]);

/* The canonical APN of parcel INDEX. */
void cd_gen_apn(const struct cd_county *c, long index, char out[CD_APN_MAX]);

/*
 * The index of the parcel with canonical APN CANON, or -1 when the county has
 * no such parcel (out of range, or the split letter does not match).
 */
long cd_gen_lookup(const struct cd_county *c, const char *canon);

/* Subdivision (MCR) and section (STR) listings: parcels in index order. */
long cd_gen_mcr_count(const struct cd_county *c, long mcr);
long cd_gen_mcr_nth(const struct cd_county *c, long mcr, long k);
long cd_gen_str_count(const struct cd_county *c, const char *str);
long cd_gen_str_nth(const struct cd_county *c, const char *str, long k);

/* Write the sketch's raw bytes (c->sketch_bytes of them) for parcel INDEX. */
void cd_gen_sketch(const struct cd_county *c, long index, unsigned char *out);

/* 64-bit mixing used for every deterministic draw. */
uint64_t cd_mix64(uint64_t x);
uint64_t cd_hash_bytes(uint64_t h, const void *p, size_t n);

/*
 * Parse the LEN bytes at S as an APN in any accepted spelling into canonical
 * form.  Returns 0, or -1 when S is not an APN.
 */
int cd_apn_parse(const char *s, size_t len, char out[CD_APN_MAX]);

/* --- render.c: the assessor's JSON ------------------------------------ */

/* A search or listing row (the /parcel/str/ row shape). NULL strings are null. */
struct cd_row {
	char apn[CD_APN_MAX];
	const char *mcr, *owner, *situs, *city, *zip, *type, *subdivision, *str;
	char mcrbuf[12];
};

void cd_render_parcel(const struct cd_county *c, const struct cd_parcel *p, struct cd_buf *b);
void cd_render_propertyinfo(const struct cd_parcel *p, struct cd_buf *b);
void cd_render_address(const struct cd_parcel *p, struct cd_buf *b);
void cd_render_valuations(const struct cd_parcel *p, struct cd_buf *b);
void cd_render_residential(const struct cd_parcel *p, struct cd_buf *b);
void cd_render_owner(const struct cd_parcel *p, struct cd_buf *b);
void cd_render_row(const struct cd_row *r, struct cd_buf *b);

/* Point R's fields into P (which must outlive R). */
void cd_row_from_parcel(const struct cd_parcel *p, struct cd_row *r);

/* --- index.c: search --------------------------------------------------- */

/*
 * The searchable text of every parcel, upper case, one record per parcel:
 * "OWNER\nPROPERTY ADDRESS\n".  Built once; read by any number of threads.
 */
struct cd_index {
	char *text;
	size_t len;
	size_t *off;		/* n + 1 record starts */
	long n;
};

/* Build the index of county C; returns 0, or -1 when out of memory. */
int cd_index_build(struct cd_index *ix, const struct cd_county *c);

/*
 * Build it from given names (the --dir county); OWNERS and ADDRESSES may hold
 * NULLs.  Returns 0 or -1.
 */
int cd_index_build_from(struct cd_index *ix, long n, const char *const *owners,
    const char *const *addresses);

void cd_index_release(struct cd_index *ix);

/*
 * Case-insensitive substring search for Q.  Stores the indexes of the matches
 * FIRST .. FIRST+MAX-1 (in index order) in OUT and returns the total number
 * of matches.
 */
long cd_index_search(const struct cd_index *ix, const char *q, long first,
    long max, long *out);

/* --- truth.c: the clean values pdc must store ------------------------- */

/*
 * The ground truth for canonical APN from the /parcel body JSON (LEN bytes)
 * and its search row (may be NULL: situs then derived from PropertyAddress).
 * Returns a malloc'd NUL-terminated JSON text, or NULL when JSON does not
 * parse as a /parcel object or memory runs out.
 */
char *cd_truth(const char *apn, const char *json, size_t len, const struct cd_row *row);

/*
 * Split a property address "10010 N 29TH ST PHOENIX, AZ 85028" into street,
 * city and zip, the city being JURIS when the address names it (else "").
 * Returns 0, or -1 when ADDR (may be NULL) has no ", ST ZIP" tail.
 */
int cd_split_address(const char *addr, const char *juris, char *street, size_t ssz,
    char *city, size_t csz, char *zip, size_t zsz);

/* --- dir.c: recorded responses (--dir) ------------------------------- */

struct cd_dirparcel {
	char apn[CD_APN_MAX];
	/* from the recorded /parcel body when there is one; NULL otherwise */
	char *owner, *address, *mcr, *type, *subdivision, *str;
	char situs[128], city[64], zip[16];
};

struct cd_dir {
	char *path;
	struct cd_dirparcel *p;	/* sorted by APN */
	long n;
};

/*
 * Load the APNs of every DIR/assessor-{apn}-{part}.json and what a search
 * needs from each recorded /parcel body.  Returns 0, or -1 with ERR filled.
 */
int cd_dir_load(struct cd_dir *d, const char *path, char *err, size_t errsz);
void cd_dir_release(struct cd_dir *d);

/* Index of canonical APN in D, or -1. */
long cd_dir_lookup(const struct cd_dir *d, const char *canon);

/* Point R's fields into parcel I of D. */
void cd_dir_row(const struct cd_dir *d, long i, struct cd_row *r);

/*
 * The recorded body DIR/assessor-{canon}-{part}.json, malloc'd, its size in
 * LEN; NULL when there is none.
 */
char *cd_dir_read(const struct cd_dir *d, const char *canon, const char *part, size_t *len);

#endif
