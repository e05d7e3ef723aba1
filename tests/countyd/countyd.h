/*
 * countyd.h - the county replica's modules: a deterministic generated county,
 * the assessor's JSON renderings of it, the search index, the treasurer's
 * taxes and pages, the recorder's deed histories, the ground truth, and the
 * HTTP side that serves all three hosts.
 *
 * Every parcel is a pure function of (seed, index): nothing per parcel is kept
 * in memory except the search index's owner names and addresses and the
 * recorder's document table (which a search without a parcel filter needs).
 */
#ifndef COUNTYD_H
#define COUNTYD_H

#include <pthread.h>
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

/* Copy string SRC into DST of SZ bytes, cut to fit; strlcpy(3) without libbsd. */
void cd_copy(char *dst, size_t sz, const char *src);

/* Append the base64 encoding of the N bytes at P. */
void cd_buf_base64(struct cd_buf *b, const unsigned char *p, size_t n);

/* --- gen.c: the generated county --------------------------------------- */

struct cd_recorder;

struct cd_county {
	uint64_t seed;
	long n;			/* parcels, indexes 0..n-1 */
	size_t sketch_bytes;	/* raw bytes behind each sketch's base64 */
	int hostile;		/* --hostile-names: see cd_gen_hostile() */
	/*
	 * The recorder whose ownership chains give each parcel its owner and
	 * latest deed (recorder.c); NULL until it is built.
	 */
	const struct cd_recorder *rec;
	/*
	 * countyd's clock (clock.c): the start date, on which the county is
	 * as generated, and the clock's today; events dated after START and
	 * on or before NOW have happened.  ASOF, when not 0, draws a parcel
	 * as it was on that day (before NOW) for the changes between two days.
	 */
	long clock_start, clock_now, asof;
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
	const char *patio_type;	/* NULL: no patio (sent as "") */
	const char *walls;	/* NULL: not said (sent as "na") */
	const char *roof, *cooling, *heating;
	int bath;
	int garages, carports;
	const char *park_type;	/* ParkingDetails.ParkingType and ParkingType */
	int park_count;
	int covered_parking;
	const char *loc_factors, *other_structures, *loc_chars;	/* NULL: none (sent as "") */
	const char *condition;	/* NULL: not said (sent as null) */
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
	char lot[16];		/* "": not said (sent as "na") */
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
	const char *class_code, *class_text;	/* "3" (sent as "3   "), "PRIMARY RESIDENCE" */
	int ratio[CD_NYEARS];	/* assessment ratio in ten-thousandths: 1500 is 0.1500 */
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
	const char *deed_suffix;	/* the latest deed's recordingSuffix: "" or "A" */
	int deed_y, deed_m, deed_d;
	const char *deed_type;
	int has_sale;
	long sale_price;
	int sale_pad;		/* SalePrice blank-padded */
	int sale_y, sale_m, sale_d;
	int redacted;

	struct cd_valuation val[CD_NYEARS];
	long alpv_base;		/* the oldest generated year's assessed LPV, which */
	int alpv_base_year;	/* older tax years come from, whatever the clock adds */
	int has_res;
	struct cd_residential res;

	int nsimilar;
	long similar[5];	/* parcel indexes */
};

/*
 * With --hostile-names, parcels 0 to CD_NHOSTILE - 1 carry owner names,
 * mailing addresses and legal descriptions that look like SQL, shell
 * commands, format strings, markup, or are quoted, backslashed or not ASCII.
 * Sets what parcel I has of them (NULL for what it keeps); returns whether I
 * is one of them.
 */
#define CD_NHOSTILE 8
int cd_gen_hostile(const struct cd_county *c, long i, const char **owner,
    const char **mail1, const char **description);

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

/*
 * The owner's whole mailing address as the assessor's FullMailingAddress
 * writes it ("210 E COTTONWOOD LN, CASA GRANDE, AZ 85122": no country).
 */
void cd_gen_full_mailing(const struct cd_parcel *p, char *out, size_t sz);

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

/*
 * Deterministic draws for the modules beyond gen.c: a stream is a function of
 * (seed, key, stream number), so each part of a parcel can be drawn alone.
 */
struct cd_rng {
	uint64_t s;
};

void cd_rng_init(struct cd_rng *r, uint64_t seed, uint64_t key, uint64_t stream);
uint64_t cd_rng_next(struct cd_rng *r);
unsigned long cd_rng_below(struct cd_rng *r, unsigned long n);	/* 0..n-1 */
double cd_rng_unit(struct cd_rng *r);				/* [0, 1) */
int cd_rng_chance(struct cd_rng *r, double p);
long cd_rng_range(struct cd_rng *r, long lo, long hi);		/* lo..hi */

/*
 * An owner name as the assessor's owners are drawn (people, couples,
 * companies, trusts, public bodies), for the recorder's earlier owners.
 */
void cd_gen_other_owner(struct cd_rng *r, char *out, size_t sz);
const char *cd_gen_first_name(struct cd_rng *r);
const char *cd_gen_surname(struct cd_rng *r);

/* A company's name ("SAGUARO HOLDINGS LLC"), now and then after SURNAME. */
void cd_gen_company(struct cd_rng *r, const char *surname, char *out, size_t sz);

/*
 * What the recorder's ownership chains need of parcel INDEX before the
 * parcel itself can be drawn (its owner and deed come from the chain).
 */
struct cd_base {
	enum cd_ptype type;
	int subdivided;
	int first_year;		/* the first owner's year: the house's for a residence */
	int builder;		/* the block's builder (0..CD_NBUILDERS-1), -1 for none */
	const char *city;
};

#define CD_NBUILDERS 8
void cd_gen_base(const struct cd_county *c, long index, struct cd_base *b);

/* Days since 1970-01-01 of a civil date, and back. */
long cd_days(int y, int m, int d);
void cd_civil(long days, int *y, int *m, int *d);

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
 * The ground truth of generated parcel P: what the generator drew, named as
 * pdc stores it (README.md, "Ground truth"), without reading any rendering
 * back.  Returns a cJSON object the caller adds to, prints and frees with
 * cJSON_Delete(), or NULL when memory runs out.
 */
struct cJSON;
struct cJSON *cd_truth_parcel(const struct cd_parcel *p);

/*
 * The ground truth for canonical APN of a recorded /parcel body JSON (LEN
 * bytes, --dir), read back from it by FORMATS.md's rules, situs split out of
 * PropertyAddress.  NULL when JSON does not parse as a /parcel object or
 * memory runs out.
 */
struct cJSON *cd_truth_recorded(const char *apn, const char *json, size_t len);

/*
 * Split a property address "10010 N 29TH ST PHOENIX, AZ 85028" into street,
 * city and zip, the city being JURIS when the address names it (else "").
 * Returns 0, or -1 when ADDR (may be NULL) has no ", ST ZIP" tail.
 */
int cd_split_address(const char *addr, const char *juris, char *street, size_t ssz,
    char *city, size_t csz, char *zip, size_t zsz);

/* --- dir.c: recorded responses (--dir) ------------------------------- */

struct cd_facts;

struct cd_dirparcel {
	char apn[CD_APN_MAX];
	/* from the recorded /parcel body when there is one; NULL otherwise */
	char *owner, *address, *mcr, *type, *subdivision, *str;
	char situs[128], city[64], zip[16];
	struct cd_facts *facts;	/* what the treasurer and the recorder serve */
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

/* --- facts.c: what the treasurer and the recorder know of a parcel ---- */

/*
 * The few assessor facts the other two services agree with: the owner and
 * mailing address, the situs, the tax area, the assessed values and the
 * latest deed.  Filled from the generated parcel, or from a recorded /parcel
 * body (--dir), so that both kinds of county get a treasurer and a recorder.
 */
struct cd_facts {
	long index;		/* parcel index in the county or in the --dir list */
	uint64_t key;		/* what its draws hash: the index, or the APN (--dir) */
	char apn[CD_APN_MAX];
	char bare[CD_APN_MAX];	/* "16528054", "11219038A" */
	char owner[128];	/* Ownership; "" when none */
	char mail[4][128];	/* name block lines after the owner; "" when unused */
	char situs[192];	/* "10010 N 29TH ST PHOENIX 85028"; "" when none */
	char tax_area[16];
	long alpv[CD_NYEARS];	/* assessed LPV, alpv_year first; -1 unknown */
	int alpv_year;		/* the newest valuation year (CD_YEAR until the clock moves) */
	long alpv_base;		/* alpv_base_year and older, once out of alpv */
	int alpv_base_year;	/* 0: from the oldest year known */
	int exempt;		/* no property tax at all */
	char deed[32];		/* MostCurrentDeed; "" when none */
	int deed_y, deed_m, deed_d;	/* DeedDate; deed_y 0 when none */
	char deed_type[8];	/* DeedType ("WD"); "" when none */
	int has_price;
	double price;		/* SalePrice as pdc reads it */
};

void cd_facts_from_parcel(const struct cd_parcel *p, struct cd_facts *f);

/*
 * From a recorded /parcel body (LEN bytes) of canonical APN, parcel INDEX.
 * Returns 0, or -1 when the body is not a /parcel object (F then holds only
 * the APN, the key and empty facts).
 */
int cd_facts_from_json(const char *apn, long index, const char *json, size_t len,
    struct cd_facts *f);

/* --- tax.c: the treasurer ------------------------------------------------ */

#define CD_TAX_YEAR	(CD_YEAR - 1)	/* the current tax year */
#define CD_TAX_YEARS	8
#define CD_TAX_DISTRICTS	5
#define CD_TAX_ACTS	64

struct cd_taxyear {
	int year;
	long assessed, paid, due;	/* cents */
};

struct cd_taxdist {
	char code[8];		/* "FD0123" */
	const char *name;
	long pct;		/* percent times 10,000: 12345 is 1.2345% */
	long tax, paid;		/* cents */
};

struct cd_activity {
	int year;
	const char *kind;	/* "Payment", "Tax Bill", "Interest", "Adjustment" */
	long amount;		/* cents, negative for payments */
	long date;		/* activity date, days since 1970 */
	long paydate;		/* payment date, -1 for none */
	char txn[16];		/* "" for none */
};

/* What happened to a tax year on a day (the clock's changes). */
enum cd_tax_event { CD_TE_BILLED, CD_TE_HALF_PAID, CD_TE_PAID, CD_TE_DELINQUENT };

struct cd_taxev {
	long day;
	int year;
	int kind;		/* enum cd_tax_event */
	long due;		/* cents left to pay of the year's tax after it, interest aside */
};

#define CD_TAX_EVS	48

struct cd_taxes {
	int nyears;
	struct cd_taxyear y[CD_TAX_YEARS];	/* newest first: y[0] is CD_TAX_YEAR */
	long half;			/* lblHalfTax */
	long interest_paid;		/* lblInterestPaid */
	int open;			/* P_pnlOpen shown */
	long first_due, second_due, interest_due, fees_due;
	long interest1, interest2;	/* interest_due by half, for pnlOpen's charges layout */
	const char *exemption;		/* "" for none */
	int ndist;
	struct cd_taxdist d[CD_TAX_DISTRICTS];
	int nact;
	struct cd_activity a[CD_TAX_ACTS];	/* page order: newest first */
	int list_markup;		/* P_taxDue2 rather than P_taxDue1 */
	int old_grid;			/* P_Activities1_gvActs rather than P_activityList_gvActs */
	int airy;			/* cells spread over lines */
	uint64_t key;
	int nev;
	struct cd_taxev ev[CD_TAX_EVS];	/* on or before today, year by year */
};

/*
 * Draw parcel F's taxes as of TODAY (days since 1970). Never fails.  Each
 * September after the county's clock_start bills one more tax year.
 */
void cd_tax_gen(const struct cd_county *c, const struct cd_facts *f, long today,
    struct cd_taxes *t);

enum cd_tax_page {
	CD_TP_SUMMARY, CD_TP_SUMMARY_ALL, CD_TP_ACTIVITIES, CD_TP_STATEMENT, CD_TP_ENTRY
};

/* The treasurer's page PAGE (not CD_TP_ENTRY) for F with taxes T. */
void cd_tax_render(const struct cd_facts *f, const struct cd_taxes *t,
    enum cd_tax_page page, struct cd_buf *b);

/* The entry page with its P_lblError text MSG ("Parcel not found"). */
void cd_tax_render_error(const char *msg, struct cd_buf *b);

/*
 * The newer portal page (/PropertyTaxInformation/?parcel=) for F, or its
 * "not found" page when F is NULL: a shell whose grid a script draws.
 */
void cd_tax_render_portal(const struct cd_facts *f, struct cd_buf *b);

/* ASP.NET's 302 body. */
void cd_tax_render_moved(const char *location, struct cd_buf *b);

/* A 404 page. */
void cd_tax_render_missing(struct cd_buf *b);

/*
 * A broken page PAGE for F (may be NULL for the entry page): VARIANT picks
 * between the newer script-rendered page (none of the ids) and markup cut in
 * the middle of a table.
 */
void cd_tax_render_malformed(const struct cd_facts *f, const struct cd_taxes *t,
    enum cd_tax_page page, unsigned variant, struct cd_buf *b);

/* --- chain.c, recorder.c: the recorder ------------------------------------ */

#define CD_REC_CAP	501	/* totalResults never says more, and pages stop there */
#define CD_REC_MAXPAGE	200

/* The document codes; a deed (a change of owner) is below CD_C_DEEDS. */
enum cd_code {
	CD_C_WAR, CD_C_SPEC, CD_C_QCL, CD_C_JNT, CD_C_TRST_DEED, CD_C_DEED, CD_C_BENE,
	CD_C_PROB_DEED,
	CD_C_DEEDS,
	CD_C_DT = CD_C_DEEDS, CD_C_REL, CD_C_ASSIGN, CD_C_RELEASE, CD_C_LIEN, CD_C_JUDG,
	CD_C_FIN, CD_C_MED, CD_C_SUB, CD_C_NTR, CD_C_DISC, CD_C_PROB_JUDG,
	CD_C_AF_DISCLS, CD_C_AGREEMENT,	/* seen as second codes */
	CD_NCODES
};

/* The display code ("SPEC/W D") and the query code ("SW") of CODE. */
const char *cd_code_display(int code);
const char *cd_code_query(int code);

#define CD_H_DOCS	96	/* documents of one parcel's history, at most */
#define CD_H_NAMES	8	/* names of one document, at most */

/* A document of a parcel's history as drawn, before it has a number. */
struct cd_hdoc {
	long day;		/* recording date, days since 1970 */
	uint8_t code, code2;	/* enum cd_code; code2 0xff for none */
	uint8_t deed;		/* a change of the parcel's owner */
	uint8_t nnames;
	uint64_t number;	/* fixed by the assessor (--dir), else 0 */
	char names[CD_H_NAMES][96];
};

/*
 * A parcel's history: its chain of owners, every change of owner a deed,
 * and the other documents recorded under the owners' names (deeds of trust,
 * releases, liens...), in the order they were drawn.
 */
struct cd_history {
	int n;
	struct cd_hdoc d[CD_H_DOCS];
	char owner[128];	/* the current owner as the assessor writes it */
};

/*
 * Draw the history of parcel I of county C, nothing recorded after END
 * (days since 1970).  FIXED (--dir) gives the assessor's owner and latest
 * deed the chain must end with; NULL draws the whole chain.  Never fails.
 */
void cd_history(const struct cd_county *c, long i, const struct cd_facts *fixed, long end,
    struct cd_history *h);

/* A document in the recorder's table. */
struct cd_rdoc {
	uint64_t number;
	uint32_t ymd;		/* recording date, yyyymmdd */
	uint8_t code;		/* enum cd_code */
	uint8_t code2;		/* a second code, 0xff for none */
	uint8_t deed;		/* a change of owner of some parcel */
};

/*
 * Every document of every parcel's history in number order (which is date
 * order), with its names; the names sorted, each with the documents it
 * appears on; each parcel's chain of deeds and current owner.
 */
struct cd_recorder {
	uint64_t seed;
	long today;
	long ndocs;
	struct cd_rdoc *doc;	/* by recording number */
	uint32_t *dn_off, *dn;	/* doc i's names, sorted: dn[dn_off[i] .. dn_off[i+1]) */
	long nnames;
	char *text;		/* "NAME\n" each, in strcmp order */
	size_t len;
	uint32_t *name_off;	/* nnames + 1 */
	uint32_t *post_off, *post;	/* name i's docs, by number */
	long nparcels;
	uint32_t *chain_off, *chain;	/* parcel p's deeds, oldest first */
	char *owners;		/* parcel p's owner at owners + owner_off[p] */
	uint32_t *owner_off;
};

/* Facts of parcel I, for cd_recorder_build(); 0 or -1 (no such parcel). */
typedef int (*cd_facts_fn)(void *ctx, long i, struct cd_facts *f);

/*
 * Build the recorder of the N parcels of county C, none recorded on or after
 * TODAY.  Without FN every history is drawn whole (the generated county,
 * whose parcels then take their owners and deeds from it); with FN (--dir)
 * each ends with the owner and deed FN gives.  Returns 0, or -1 when out of
 * memory.
 */
int cd_recorder_build(struct cd_recorder *r, const struct cd_county *c, long n,
    cd_facts_fn fn, void *ctx, long today);
void cd_recorder_release(struct cd_recorder *r);

/* The document index of recording number NUMBER, or -1. */
long cd_recorder_find(const struct cd_recorder *r, uint64_t number);

/*
 * Parse an 11-digit recording number; 0, or -1 when S is not one.
 */
int cd_recorder_number(const char *s, uint64_t *out);

/*
 * Parcel P's current owner and latest deed (-1 when it has none), from the
 * chain; the owner is "" when P is out of range.
 */
const char *cd_recorder_owner(const struct cd_recorder *r, long p);
long cd_recorder_last_deed(const struct cd_recorder *r, long p);

/*
 * Document D's recordingSuffix: "A" on about one document in a thousand
 * (the real searches show one "A" in some 2,600 rows), else "".  A
 * suffixed document has a number of its own: the detail at that number is
 * its detail, which names no suffix, as the real details name none.
 */
const char *cd_recorder_suffix(const struct cd_recorder *r, const struct cd_rdoc *d);

/*
 * /_countyd/truth/document/{n}: document I as the generator made it, its
 * suffix included, whichever parcel it is of (the parcel's truth lists
 * only its own deeds).
 */
struct cJSON;
struct cJSON *cd_recorder_doc_truth(const struct cd_recorder *r, long i);

/* The assessor's DeedType ("WD") of a deed's code. */
const char *cd_code_deed_type(int code);

/* /documents/{n}: the detail JSON of document DOC. */
void cd_recorder_detail(const struct cd_recorder *r, long doc, struct cd_buf *b);

/* A search's parameters, each NULL or "" when absent. */
struct cd_rquery {
	const char *last, *first, *middle, *business, *code, *begin, *end;
	const char *size, *page;
};

/*
 * /documents/search.  Writes the JSON answer to B and returns 200, or
 * writes the real service's 400 body and returns 400 for a query it
 * refuses (a document code with dates, no name and no code, a bad number).
 */
unsigned cd_recorder_search(const struct cd_recorder *r, const struct cd_rquery *q,
    struct cd_buf *b);

/* A broken recorder body: not JSON, or JSON of the wrong types. */
void cd_recorder_malformed(const struct cd_recorder *r, long doc, int search,
    unsigned variant, struct cd_buf *b);

/* --- serve.c, hosts.c: the HTTP side ----------------------------------- */

enum cd_host { CD_ASSESSOR, CD_TREASURER, CD_RECORDER, CD_NHOSTS };

/* Injected faults, in the order one draw picks them. */
enum cd_fault {
	CD_F_ERROR, CD_F_THROTTLE, CD_F_HANG, CD_F_TRUNCATE, CD_F_MALFORMED,
	CD_F_THROTTLE_BARE,	/* 429 without Retry-After */
	CD_F_OVERSIZE,		/* a 200 whose body is far larger than any page */
	CD_F_WRONGTYPE,		/* a 200 of well-formed JSON (HTML) with values of the wrong type */
	CD_NFAULTS,
	CD_F_NONE = CD_NFAULTS
};

struct cd_config {
	struct cd_county county;
	const char *token;
	long latency_ms;
	long hang_seconds;
	long long oversize_bytes;	/* body size of an oversize answer */
	long session_seconds;	/* 0: sessions never expire */
	long today;		/* days since 1970 */
	double rate[CD_NHOSTS][CD_NFAULTS];	/* per host, after --fault */
	long rate_limit[CD_NHOSTS];	/* requests a second; 0 for none */
	int fail[CD_NHOSTS];		/* --fail-host: 503 to everything */
	const char *robots[CD_NHOSTS];	/* robots.txt file, or NULL */
	int dirmode;
	struct cd_dir dir;
	struct cd_index index;
	struct cd_recorder recorder;
	int tax_open;		/* --treasurer-open: a CD_OPEN_* layout, or -1 for a mix by parcel */
	int tax_portal;		/* --treasurer-portal: the newer portal page at the entry */
};

/* pnlOpen's layouts (FORMATS.md section 2). */
enum { CD_OPEN_ROWS, CD_OPEN_CHARGES };

extern struct cd_config cd_cfg;
extern const char *const cd_host_names[CD_NHOSTS];

/* The routes counted in /_countyd/stats. */
enum cd_route {
	CD_R_PARCEL, CD_R_PROPINFO, CD_R_ADDRESS, CD_R_VALUATIONS, CD_R_RESIDENTIAL,
	CD_R_OWNER, CD_R_SEARCH, CD_R_MCR, CD_R_STR,
	CD_R_T_ENTRY, CD_R_T_SUMMARY, CD_R_T_SUMMARY_ALL, CD_R_T_ACTIVITIES, CD_R_T_STATEMENT,
	CD_R_T_PORTAL, CD_R_DOCUMENT, CD_R_DOCSEARCH, CD_R_ROBOTS, CD_R_OTHER, CD_NROUTES
};

/* An answer before it is sent. */
struct cd_reply {
	unsigned status;
	const char *ctype;
	char *body;		/* malloc'd */
	size_t len;
	const char *retry_after;
	const char *location;
	char where[64];		/* room for a Location made per answer */
	char cookie[96];	/* Set-Cookie value, "" for none */
	char etag[24];		/* ETag value, "" for none */
};

extern const char cd_ctype_json[], cd_ctype_text[], cd_ctype_html[];

/* R answers STATUS with a copy of MSG (on failure: body NULL, the connection drops). */
void cd_reply_text(struct cd_reply *r, unsigned status, const char *ctype, const char *msg);

/* R answers STATUS with B's text, which it takes over (500 when B ran out of memory). */
void cd_reply_buf(struct cd_reply *r, unsigned status, const char *ctype, struct cd_buf *b);

/* The facts of parcel I (generated or --dir); 0, or -1 for no such parcel. */
int cd_facts_of(long i, struct cd_facts *f);

/* The parcel index of canonical APN CANON, or -1. */
long cd_lookup(const char *canon);

/* Make the session key; 0, or -1 when no randomness was to be had. */
int cd_session_init(void);

/* The parcel a session cookie value holds, or -1 (unknown, forged, expired). */
long cd_session_parcel(const char *cookie);

/*
 * The treasurer's answer for ROUTE.  PARCEL is the entry page's Parcel
 * argument (NULL when absent), SESSION the session's parcel (-1 for none).
 * BAD asks for a malformed page, VARIANT picks which.
 */
void cd_treasurer_answer(enum cd_route route, const char *parcel, long session, int bad,
    unsigned variant, struct cd_reply *r);

/* The recorder's answer for ROUTE; ARG is the {recordingNumber}. */
void cd_recorder_answer(enum cd_route route, const char *arg, const struct cd_rquery *q,
    int bad, unsigned variant, struct cd_reply *r);

/* --- clock.c: countyd's clock ------------------------------------------------ */

/* A year's chances of the clock's events for each parcel (README.md). */
#define CD_RATE_SALE	0.065	/* a deed to a new owner */
#define CD_RATE_MAILING	0.05	/* the owner's mailing address changes */
#define CD_RATE_APPEAL	0.08	/* the newest valuation lowered on appeal, April to August */
#define CD_CLOCK_SPAN	1826	/* days the clock may go past its start: five years */

/*
 * The days after the county's clock_start and on or before UPTO, oldest
 * first, of parcel I's sales, mailing address changes and appeals, and of
 * the county's valuation notices (each February): at most MAX of them.
 */
int cd_clock_sales(const struct cd_county *c, long i, long upto, long *days, int max);
int cd_clock_mailings(const struct cd_county *c, long i, long upto, long *days, int max);
int cd_clock_appeals(const struct cd_county *c, long i, long upto, long *days, int max);
int cd_clock_notices(const struct cd_county *c, long upto, long *days, int max);

/* Held for reading by every request, for writing while the clock moves. */
extern pthread_rwlock_t cd_lock;

/*
 * Move the clock DAYS days on: FROM and TO are the days before and after.
 * Returns 0, or -1 with ERR filled (out of memory: the clock stays).
 */
int cd_clock_move(long days, long *from, long *to, char *err, size_t errsz);

/*
 * Append to B the changes after FROM and on or before TO (at most the
 * clock's today) of parcel ONLY, or of every parcel when ONLY is -1: JSON
 * Lines in date order.  Returns 0, or -1 when out of memory.  Call it
 * holding cd_lock for reading.
 */
int cd_clock_changes(long from, long to, long only, struct cd_buf *b);

/* Copy IN's lines to OUT stably sorted on their "date". 0, or -1 (memory). */
int cd_clock_sort_lines(const struct cd_buf *in, struct cd_buf *out);

#ifdef MHD_VERSION
/* The MHD handler of every host; CLS points at the host's enum cd_host. */
enum MHD_Result cd_serve(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload, size_t *upload_size,
    void **ctx);
#endif

/* End every sleep (latency, hangs) at once: countyd is stopping. */
void cd_serve_stop(void);

/* Free what serving accumulated. */
void cd_serve_release(void);

/* --- truth of the treasurer and the recorder (tax.c, recorder.c) ------ */

struct cJSON;

/* Add "tax_bills", "tax_districts" and "tax_payments" for F to object T. */
void cd_tax_truth(struct cJSON *t, const struct cd_facts *f, const struct cd_taxes *tx);

/*
 * Add "sales" for F to object T: parcel F->index's chain of deeds, newest
 * first, as the generator recorded them.
 */
void cd_recorder_truth(struct cJSON *t, const struct cd_recorder *r, const struct cd_facts *f);

#endif
