/*
 * The Maricopa County Assessor API: one GET of /parcel/{apn} gives the basic
 * info, the owner, the valuations and the residential characteristics.
 *
 * The county's JSON is loose (numbers as padded strings or as numbers, "na"
 * and null for nothing, [] for "none"), so every value goes through one
 * converter driven by the column type of the table it lands in, and the
 * JSON-key-to-column mapping lives in the tables below rather than in code.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "../apn.h"
#include "../schema.h"
#include "assessor.h"
#include "../fetch.h"
#include "util.h"

struct field {
	const char *key;	/* JSON key; a dot descends into a nested object */
	const char *col;	/* column of the row's table */
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct field property_fields[] = {
	{ "MCR", "mcr" },
	{ "PropertyAddress", "property_address" },
	{ "PropertyDescription", "property_description" },
	{ "LotSize", "lot_size" },
	{ "IsResidential", "is_residential" },
	{ "SectionTownshipRange", "section_township_range" },
	{ "SubdivisionName", "subdivision_name" },
	{ "Lot", "lot" },
	{ "HighSchoolDistrict", "high_school_district" },
	{ "ElementarySchoolDistrict", "elementary_school_district" },
	{ "LocalJusidiction", "local_jurisdiction" },	/* sic */
	{ "PropertyType", "property_type" },
	{ "ParcelStatus", "parcel_status" },
	{ "TaxAreaCode", "tax_area_code" },
	{ "PropertyUseCode", "property_use_code" },
	{ "PEPropUseDesc", "pe_prop_use_desc" },
};

static const struct field owner_fields[] = {
	{ "OwnerID", "owner_id" },
	{ "Ownership", "owner_name" },
	{ "InCareOf", "in_care_of" },
	{ "MailingAddress1", "mailing_address1" },
	{ "MailingAddress2", "mailing_address2" },
	{ "MailingCity", "mailing_city" },
	{ "MailingState", "mailing_state" },
	{ "MailingZip", "mailing_zip" },
	{ "MailingCountry", "mailing_country" },
	{ "FullMailingAddress", "full_mailing_address" },
	{ "MostCurrentDeed", "deed_number" },
	{ "DeedDate", "deed_date" },
	{ "DeedType", "deed_type" },
	{ "SalePrice", "sale_price" },
	{ "SaleDate", "sale_date" },
	{ "Redacted", "redacted" },
};

static const struct field valuation_fields[] = {
	{ "TaxYear", "tax_year" },
	{ "FullCashValue", "full_cash_value" },
	{ "LimitedPropertyValue", "limited_property_value" },
	{ "LegalClassificationCode", "legal_classification_code" },
	{ "LegalClassification", "legal_classification" },
	{ "AssessmentRatioPercentage", "assessment_ratio_percentage" },
	{ "AssessedFCV", "assessed_fcv" },
	{ "AssessedLPV", "assessed_lpv" },
	{ "ValuationSource", "valuation_source" },
	{ "PEPropUseDesc", "pe_prop_use_desc" },
	{ "PropertyUseCode", "property_use_code" },
	{ "TaxAreaCode", "tax_area_code" },
	{ "NoticeOfChangeIndc", "notice_of_change_indc" },
};

static const struct field residential_fields[] = {
	{ "ConstructionYear", "construction_year" },
	{ "OriginalConstructionYear", "original_construction_year" },
	{ "LotSize", "lot_size" },
	{ "LivableSpace", "livable_space" },
	{ "Detached_Livable_sqft", "detached_livable_sqft" },
	{ "AssessorMarket", "assessor_market" },
	{ "AreaNeighborhood", "area_neighborhood" },
	{ "Pool", "pool" },
	{ "PEImprovementQualityGrade", "pe_improvement_quality_grade" },
	{ "ImprovementQualityGrade", "improvement_quality_grade" },
	{ "NumberOfCoveredPatios", "number_of_covered_patios" },
	{ "NumberOfUncoveredPatios", "number_of_uncovered_patios" },
	{ "NumberOfPatios", "number_of_patios" },
	{ "PatioType", "patio_type" },
	{ "ExteriorWalls", "exterior_walls" },
	{ "RoofType", "roof_type" },
	{ "BathFixtures", "bath_fixtures" },
	{ "Cooling", "cooling" },
	{ "Heating", "heating" },
	{ "NumberOfGarages", "number_of_garages" },
	{ "NumberOfCarports", "number_of_carports" },
	{ "ParkingDetails.ParkingType", "parking_details_type" },
	{ "ParkingDetails.ParkingCount", "parking_details_count" },
	{ "LocationalFactors", "locational_factors" },
	{ "OtherStructures", "other_structures" },
	{ "ParkingType", "parking_type" },
	{ "CoveredParking", "covered_parking" },
	{ "LocationalCharacteristics", "locational_characteristics" },
	{ "PhysicalCondition", "physical_condition" },
};

/*
 * The fields of one JSON object and the columns of the table they land in,
 * looked up once rather than by name for every field of every record.
 */
struct fieldset {
	const struct field *f;
	size_t n;
	const struct pdc_table *t;
	int col[NELEM(residential_fields)];	/* the longest list */
};

#define FIELDSET(fields, table) { fields, NELEM(fields), &table, { 0 } }
static struct fieldset property_set = FIELDSET(property_fields, pdc_tbl_properties);
static struct fieldset owner_set = FIELDSET(owner_fields, pdc_tbl_properties);
static struct fieldset valuation_set = FIELDSET(valuation_fields, pdc_tbl_valuations);
static struct fieldset residential_set = FIELDSET(residential_fields, pdc_tbl_residential);
static pthread_once_t sets_once = PTHREAD_ONCE_INIT;

static void
find_cols(void)
{
	struct fieldset *sets[] = { &property_set, &owner_set, &valuation_set, &residential_set };

	for (size_t s = 0; s < NELEM(sets); s++)
		for (size_t i = 0; i < sets[s]->n; i++)
			sets[s]->col[i] = pdc_table_col(sets[s]->t, sets[s]->f[i].col);
}

/* Search rows: first key present wins, so the misspelling comes first. */
static const struct {
	const char *key;
	size_t off;
} search_fields[] = {
	{ "Ownership", offsetof(struct pdc_search_row, owner) },
	{ "SitusAddress", offsetof(struct pdc_search_row, address) },
	{ "SitusCity", offsetof(struct pdc_search_row, city) },
	{ "SitusZip", offsetof(struct pdc_search_row, zip) },
	{ "PropertyType", offsetof(struct pdc_search_row, type) },
	{ "MCR", offsetof(struct pdc_search_row, mcr) },
	{ "SubdivisonName", offsetof(struct pdc_search_row, subdivision) },	/* sic */
	{ "SubdivisionName", offsetof(struct pdc_search_row, subdivision) },
	{ "SectionTownshipRange", offsetof(struct pdc_search_row, str) },
};

enum { C_OK, C_BAD, C_NOMEM };

/*
 * The county's ways of saying "nothing": missing, null, "", "na", [].  "na"
 * as the real responses write it (FORMATS.md, tests/fixtures): no other
 * spelling is known, and in a text column "NA" could be a value, so it is
 * kept as sent.  A number, date or flag has no such doubt: conv_string()
 * also takes "NA" and "N/A" there as missing.
 */
static bool
absent(const cJSON *it)
{
	const char *s;
	size_t n;

	if (it == NULL || cJSON_IsNull(it))
		return true;
	if (cJSON_IsArray(it))
		return it->child == NULL;
	if (!cJSON_IsString(it))
		return false;
	s = it->valuestring;
	n = strlen(s);
	pdc_util_trim(&s, &n);
	return n == 0 || (n == 2 && s[0] == 'n' && s[1] == 'a');
}

static const char *
expected(enum pdc_coltype type)
{
	switch (type) {
	case PDC_COL_INT:
	case PDC_COL_NUM:
		return "is not a number";
	case PDC_COL_BOOL:
		return "is not true or false";
	case PDC_COL_DATE:
		return "is not a date";
	case PDC_COL_TEXT:
	case PDC_COL_JSON:
		break;
	}
	return "is not text";
}

static int
boolean(const char *s, size_t n)
{
	static const char *const yes[] = { "true", "t", "y", "yes", "1" };
	static const char *const no[] = { "false", "f", "n", "no", "0" };

	for (size_t i = 0; i < NELEM(yes); i++) {
		if (strlen(yes[i]) == n && strncasecmp(s, yes[i], n) == 0)
			return 1;
		if (strlen(no[i]) == n && strncasecmp(s, no[i], n) == 0)
			return 0;
	}
	return -1;
}

static int
keep(const char *v, char **out)
{
	return (*out = strdup(v)) == NULL ? C_NOMEM : C_OK;
}

static int
conv_string(const char *s, size_t n, enum pdc_coltype type, char **out, const char **why)
{
	char buf[96];
	int b;

	if (type == PDC_COL_TEXT) {
		/* PostgreSQL would refuse it later, far from the field's name */
		if (!pdc_util_utf8_valid(s, n)) {
			*why = "is not valid UTF-8";
			return C_BAD;
		}
		return (*out = strndup(s, n)) == NULL ? C_NOMEM : C_OK;
	}
	/* no number, date or flag is spelled "NA" or "N/A": that is a missing value */
	if ((n == 2 && strncasecmp(s, "na", 2) == 0) || (n == 3 && strncasecmp(s, "n/a", 3) == 0))
		return C_OK;
	switch (type) {
	case PDC_COL_INT:
	case PDC_COL_NUM:
		if (pdc_util_decimal(s, n, type == PDC_COL_INT, buf, sizeof(buf), why) == -1)
			return C_BAD;
		return keep(buf, out);
	case PDC_COL_BOOL:
		if ((b = boolean(s, n)) < 0)
			break;
		return keep(b ? "t" : "f", out);
	case PDC_COL_DATE:
		if (pdc_util_date(s, n, buf, sizeof(buf)) == -1)
			break;
		return keep(buf, out);
	case PDC_COL_TEXT:
	case PDC_COL_JSON:
		break;
	}
	*why = expected(type);
	return C_BAD;
}

static int
conv_number(double v, enum pdc_coltype type, char **out, const char **why)
{
	char buf[64];

	switch (type) {
	case PDC_COL_INT:
		/* the range test also rejects NaN */
		if (!(v > -1e18 && v < 1e18) || v != (double)(long long)v) {
			*why = "is not a whole number";
			return C_BAD;
		}
		snprintf(buf, sizeof(buf), "%lld", (long long)v);
		return keep(buf, out);
	case PDC_COL_NUM:
	case PDC_COL_TEXT:
		if (v > -1e15 && v < 1e15 && v == (double)(long long)v)
			snprintf(buf, sizeof(buf), "%lld", (long long)v);
		else {
			/* the shortest spelling that reads back as the same double */
			snprintf(buf, sizeof(buf), "%.15g", v);
			if (strtod(buf, NULL) != v)
				snprintf(buf, sizeof(buf), "%.17g", v);
		}
		return keep(buf, out);
	case PDC_COL_BOOL:
		if (v == 0 || v == 1)
			return keep(v == 1 ? "t" : "f", out);
		break;
	case PDC_COL_DATE:
	case PDC_COL_JSON:
		break;
	}
	*why = expected(type);
	return C_BAD;
}

/*
 * Convert IT to the text a column of TYPE stores: *OUT is a malloc'd string,
 * or NULL for SQL NULL.  C_BAD sets *WHY to the end of the error message.
 */
static int
conv(const cJSON *it, enum pdc_coltype type, char **out, const char **why)
{
	const char *s;
	size_t n;

	*out = NULL;
	if (absent(it))
		return C_OK;
	if (type == PDC_COL_JSON) {
		char *p = cJSON_PrintUnformatted(it);
		int rc;

		if (p == NULL)
			return C_NOMEM;
		/* rows are freed with free(3); cJSON may have its own allocator */
		rc = keep(p, out);
		cJSON_free(p);
		return rc;
	}
	if (cJSON_IsString(it)) {
		s = it->valuestring;
		n = strlen(s);
		pdc_util_trim(&s, &n);
		return conv_string(s, n, type, out, why);
	}
	if (cJSON_IsNumber(it))
		return conv_number(it->valuedouble, type, out, why);
	if (cJSON_IsBool(it)) {
		if (type == PDC_COL_BOOL)
			return keep(cJSON_IsTrue(it) ? "t" : "f", out);
		if (type == PDC_COL_TEXT)
			return keep(cJSON_IsTrue(it) ? "true" : "false", out);
	}
	*why = expected(type);
	return C_BAD;
}

/* A short rendering of IT for an error message: "12x", {"a":1}. */
static void
show(const cJSON *it, char *buf, size_t size)
{
	char *printed = NULL, part[72];
	const char *s;
	bool all, quote = cJSON_IsString(it);

	if (it == NULL) {
		snprintf(buf, size, "nothing");
		return;
	}
	if (quote)
		s = it->valuestring;
	else if ((s = printed = cJSON_PrintUnformatted(it)) == NULL)
		s = "a value";
	all = pdc_util_printable(s, strlen(s), part, sizeof(part));
	snprintf(buf, size, "%s%s%s%s", quote ? "\"" : "", part, all ? "" : "...",
	    quote ? "\"" : "");
	cJSON_free(printed);
}

/* `assessor: WHERE.KEY: VALUE WHY`; KEYLEN bytes of KEY (it may be ""). */
static int
bad_value(struct pdc_err *err, const char *where, const char *key, int keylen,
    const cJSON *it, const char *why)
{
	char shown[96];

	show(it, shown, sizeof(shown));
	return pdc_err_set(err, PDC_E_PERMANENT, "assessor: %s%s%.*s: %s %s", where,
	    *where != '\0' && keylen > 0 ? "." : "", keylen, key, shown, why);
}

static int
nomem(struct pdc_err *err)
{
	return pdc_err_set(err, PDC_E_SYSTEM, "assessor: out of memory");
}

static const cJSON *
get(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/*
 * Find KEY in OBJ, descending at each dot.  *IT is NULL when a step on the
 * way is absent; *MISSING says whether one was not in the response at all
 * (rather than null, "na" or []: the county saying "nothing").  Returns -1
 * when a step is something other than an object (*IT is then that step and
 * *STEPLEN the length of KEY up to it).
 */
static int
lookup(const cJSON *obj, const char *key, const cJSON **it, size_t *steplen, bool *missing)
{
	const char *k = key, *dot;
	char seg[64];
	size_t n;

	for (;;) {
		dot = strchr(k, '.');
		n = dot != NULL ? (size_t)(dot - k) : strlen(k);
		if (n >= sizeof(seg))
			n = sizeof(seg) - 1;	/* our own keys: never */
		memcpy(seg, k, n);
		seg[n] = '\0';
		*it = obj = get(obj, seg);
		*missing = obj == NULL;
		if (dot == NULL)
			return 0;
		if (absent(obj)) {
			*it = NULL;
			return 0;
		}
		if (!cJSON_IsObject(obj)) {
			*steplen = (size_t)(dot - key);
			return -1;
		}
		k = dot + 1;
	}
}

/*
 * Set ROW's columns (of SET's table) from OBJ (found at path WHERE) as SET
 * maps them.  A key the response does not have at all is stored as unknown
 * (NULL), and REC's PART is marked partial naming it: the county's pages
 * always carry every key, so one gone means its format changed.
 */
static int
fill(struct pdc_row *row, const cJSON *obj, const char *where, const struct fieldset *set,
    struct pdc_record *rec, unsigned part, struct pdc_err *err)
{
	const struct pdc_table *t = row->table;
	const struct field *fields = set->f;
	size_t nfields = set->n;
	char gone[256];

	gone[0] = '\0';
	pthread_once(&sets_once, find_cols);
	for (size_t i = 0; i < nfields; i++) {
		const struct field *f = &fields[i];
		const cJSON *it;
		const char *why = NULL;
		char *v;
		size_t steplen;
		int col = set->col[i];

		if (col < 0)
			return pdc_err_set(err, PDC_E_SYSTEM, "assessor: table %s has no column %s",
			    t->name, f->col);
		bool missing = false;

		if (lookup(obj, f->key, &it, &steplen, &missing) == -1)
			return bad_value(err, where, f->key, (int)steplen, it, "is not an object");
		if (missing) {
			if (gone[0] != '\0')
				strlcat(gone, ", ", sizeof(gone));
			if (*where != '\0') {
				strlcat(gone, where, sizeof(gone));
				strlcat(gone, ".", sizeof(gone));
			}
			strlcat(gone, f->key, sizeof(gone));
		}
		switch (conv(it, t->cols[col].type, &v, &why)) {
		case C_NOMEM:
			return nomem(err);
		case C_BAD:
			return bad_value(err, where, f->key, (int)strlen(f->key), it, why);
		}
		free(row->vals[col]);
		row->vals[col] = v;
	}

	/* a row the store cannot key is a page we did not understand */
	for (int k = 1; k < t->nkey; k++) {
		if (row->vals[k] != NULL)
			continue;
		for (size_t i = 0; i < nfields; i++)
			if (strcmp(fields[i].col, t->cols[k].name) == 0)
				return pdc_err_set(err, PDC_E_PERMANENT,
				    "assessor: %s%s%s: missing, and it is part of the key", where,
				    *where != '\0' ? "." : "", fields[i].key);
	}
	if (gone[0] != '\0' &&
	    pdc_record_partial(rec, part, "assessor: not in the response: %s (stored as unknown)",
	    gone) == -1)
		return nomem(err);
	return 0;
}

/* Drop what a failed parse added, so REC is as the caller gave it. */
static void
rollback(struct pdc_record *rec, size_t nrows, unsigned parts, unsigned sets, unsigned partial)
{
	while (rec->nrows > nrows) {
		struct pdc_row *row = &rec->rows[--rec->nrows];

		for (int i = 0; i < row->table->ncols; i++)
			free(row->vals[i]);
		free(row->vals);
		row->vals = NULL;
	}
	rec->parts = parts;
	rec->sets = sets;
	pdc_record_unmark(rec, rec->partial & ~partial);
}

static int
not_json(struct pdc_err *err, const char *what, const char *body, size_t len, const char *how)
{
	char start[48];
	bool all = body == NULL || pdc_util_printable(body, len, start, sizeof(start));

	if (body == NULL)
		start[0] = '\0';
	return pdc_err_set(err, PDC_E_PERMANENT, "assessor: %s: response is %s: \"%s%s\"", what,
	    how, start, all ? "" : "...");
}

/* Whether A and B have the same primary key (fill() saw it is all there). */
static bool
same_key(const struct pdc_row *a, const struct pdc_row *b)
{
	for (int k = 0; k < a->table->nkey; k++)
		if (strcmp(a->vals[k], b->vals[k]) != 0)
			return false;
	return true;
}

static int
valuations(const cJSON *list, struct pdc_record *rec, struct pdc_err *err)
{
	const cJSON *v;
	char where[32];
	size_t first = rec->nrows;
	int i = 0;

	if (!cJSON_IsNull(list) && !cJSON_IsArray(list))
		return bad_value(err, "", "Valuations", 10, list, "is not a list");
	/*
	 * null is the county's "missing value", not "no years": what is stored
	 * stays, and the part says the years are unknown.  An empty list is
	 * news: the stored years go.
	 */
	if (cJSON_IsNull(list)) {
		rec->parts |= PDC_PART_VALUATIONS;
		if (pdc_record_partial(rec, PDC_PART_VALUATIONS,
		    "assessor: Valuations is null: the valuations unknown") == -1)
			return nomem(err);
		return 0;
	}
	pdc_record_carry(rec, &pdc_tbl_valuations);
	cJSON_ArrayForEach(v, list) {
		struct pdc_row *row;

		snprintf(where, sizeof(where), "Valuations[%d]", i++);
		if (cJSON_IsNull(v))
			continue;
		if (!cJSON_IsObject(v))
			return bad_value(err, where, "", 0, v, "is not an object");
		if ((row = pdc_record_add(rec, &pdc_tbl_valuations)) == NULL)
			return nomem(err);
		if (fill(row, v, where, &valuation_set, rec, PDC_PART_VALUATIONS, err) == -1)
			return -1;
	}

	/* two entries for one year would make the store's upsert fail obscurely */
	for (size_t a = first; a < rec->nrows; a++)
		for (size_t b = a + 1; b < rec->nrows; b++)
			if (same_key(&rec->rows[a], &rec->rows[b]))
				return pdc_err_set(err, PDC_E_PERMANENT,
				    "assessor: Valuations: tax year %s appears twice",
				    rec->rows[a].vals[1]);
	rec->parts |= PDC_PART_VALUATIONS;
	return 0;
}

/*
 * Owner.MostCurrentDeed names the parcel's latest deed by its recording
 * number, digits only ("20180142724").  Anything else ("0", "", "na" is
 * already NULL, letters or dashes) names no document: the assessor did not
 * say which deed is current, so ROW's deed_number is unknown (NULL) and
 * the basic part says why, rather than keep a deed numbered 0 that the
 * recorder would then be asked for.
 */
static int
latest_deed(struct pdc_row *row, const cJSON *owner, struct pdc_record *rec, struct pdc_err *err)
{
	const char *v = pdc_row_get(row, "deed_number");
	char shown[48];
	bool all = true, zero = true;
	size_t n;

	if (v == NULL)
		return 0;
	n = strlen(v);
	for (size_t i = 0; i < n; i++) {
		all = all && pdc_util_is_digit(v[i]);
		zero = zero && v[i] == '0';
	}
	if (n > 0 && all && !zero)
		return 0;
	show(get(owner, "MostCurrentDeed"), shown, sizeof(shown));
	if (pdc_row_set(row, "deed_number", NULL) == -1 ||
	    pdc_record_partial(rec, PDC_PART_BASIC, "assessor: Owner.MostCurrentDeed %s names no "
	    "recording (the latest deed stored as unknown)", shown) == -1)
		return nomem(err);
	return 0;
}

/*
 * The latest deed's recording suffix, as the assessor's link to it at the
 * recorder gives it (DeedTransitionUrl, "...?recordingNumber=N&suffix="),
 * into ROW's deed_suffix: "" when the link says none, NULL when there is
 * no latest deed, the link is null, or names no suffix (said in the basic
 * part: a link without one is not the format pdc reads).
 */
static int
deed_suffix(struct pdc_row *row, const cJSON *root, struct pdc_record *rec, struct pdc_err *err)
{
	const cJSON *it = get(root, "DeedTransitionUrl");
	const char *u, *p;
	char sfx[16], shown[96];
	size_t n;

	if (pdc_row_get(row, "deed_number") == NULL || (it != NULL && cJSON_IsNull(it)))
		return 0;
	if (cJSON_IsString(it)) {
		u = it->valuestring;
		for (p = strstr(u, "suffix="); p != NULL; p = strstr(p + 1, "suffix="))
			if (p > u && (p[-1] == '?' || p[-1] == '&'))
				break;
		if (p != NULL) {
			p += strlen("suffix=");
			n = strcspn(p, "&#");
			if (n < sizeof(sfx) && strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789") >= n) {
				memcpy(sfx, p, n);
				sfx[n] = '\0';
				return pdc_row_set(row, "deed_suffix", sfx) == -1 ? nomem(err) : 0;
			}
		}
	}
	show(it, shown, sizeof(shown));
	if (pdc_record_partial(rec, PDC_PART_BASIC, "assessor: DeedTransitionUrl %s names no "
	    "suffix (the latest deed's suffix stored as unknown)", shown) == -1)
		return nomem(err);
	return 0;
}

static int
parcel(const cJSON *root, struct pdc_record *rec, struct pdc_err *err)
{
	const cJSON *owner, *list, *res;
	struct pdc_row *row;

	/* the rows below are filled before the next pdc_record_add moves them */
	if ((row = pdc_record_add(rec, &pdc_tbl_properties)) == NULL)
		return nomem(err);
	if (fill(row, root, "", &property_set, rec, PDC_PART_BASIC, err) == -1)
		return -1;
	owner = get(root, "Owner");
	if (owner == NULL &&
	    pdc_record_partial(rec, PDC_PART_BASIC, "assessor: not in the response: Owner "
	    "(the owner and the latest deed stored as unknown)") == -1)
		return nomem(err);
	if (!absent(owner)) {
		if (!cJSON_IsObject(owner))
			return bad_value(err, "", "Owner", 5, owner, "is not an object");
		if (fill(row, owner, "Owner", &owner_set, rec, PDC_PART_BASIC, err) == -1 ||
		    latest_deed(row, owner, rec, err) == -1 ||
		    deed_suffix(row, root, rec, err) == -1)
			return -1;
	}
	rec->parts |= PDC_PART_BASIC;

	/* absent key: this body did not speak about valuations, so keep the stored ones */
	if ((list = get(root, "Valuations")) != NULL &&
	    valuations(list, rec, err) == -1)
		return -1;

	/*
	 * null says the parcel has no residential data (any more): carry the
	 * empty part so the store drops a stale row; a missing key says nothing.
	 */
	res = get(root, "ResidentialPropertyData");
	if (res != NULL && absent(res))
		pdc_record_carry(rec, &pdc_tbl_residential);
	else if (res != NULL) {
		if (!cJSON_IsObject(res))
			return bad_value(err, "", "ResidentialPropertyData", 23, res,
			    "is not an object");
		if ((row = pdc_record_add(rec, &pdc_tbl_residential)) == NULL)
			return nomem(err);
		if (fill(row, res, "ResidentialPropertyData", &residential_set, rec,
		    PDC_PART_RESIDENTIAL, err) == -1)
			return -1;
		rec->parts |= PDC_PART_RESIDENTIAL;
	}
	return 0;
}

int
pdc_assessor_parse_parcel(const char *body, size_t len, struct pdc_record *rec,
    struct pdc_err *err)
{
	size_t nrows = rec->nrows;
	unsigned parts = rec->parts, sets = rec->sets, partial = rec->partial;
	char what[32];
	cJSON *root;
	int rc;

	snprintf(what, sizeof(what), "/parcel/%s", rec->apn);
	/* parsed once, in place: the body may hold large base64 sketches */
	if ((root = pdc_util_parse_json(body, len)) == NULL)
		return not_json(err, what, body, len, "not JSON");
	if (!cJSON_IsObject(root))
		rc = not_json(err, what, body, len, "not a JSON object");
	else if (root->child == NULL)
		rc = pdc_err_set(err, PDC_E_PERMANENT, "assessor: %s: parcel not found (empty object)",
		    what);
	else
		rc = parcel(root, rec, err);
	cJSON_Delete(root);
	if (rc == -1)
		rollback(rec, nrows, parts, sets, partial);
	return rc;
}

void
pdc_assessor_search_row_release(struct pdc_search_row *row)
{
	free(row->owner);
	free(row->address);
	free(row->city);
	free(row->zip);
	free(row->type);
	free(row->mcr);
	free(row->subdivision);
	free(row->str);
	memset(row, 0, sizeof(*row));
}

void
pdc_assessor_search_free(struct pdc_search_row *rows, size_t nrows)
{
	if (rows == NULL)
		return;
	for (size_t i = 0; i < nrows; i++)
		pdc_assessor_search_row_release(&rows[i]);
	free(rows);
}

/* A count from a number or a numeric string, or -1. */
static long
count(const cJSON *it)
{
	char *end;
	long v;

	if (cJSON_IsNumber(it))
		return it->valuedouble >= 0 && it->valuedouble < 1e15 ? (long)it->valuedouble : -1;
	if (!cJSON_IsString(it))
		return -1;
	v = strtol(it->valuestring, &end, 10);
	while (pdc_util_is_blank(*end))
		end++;
	return end == it->valuestring || *end != '\0' || v < 0 ? -1 : v;
}

/* The row's APN in canonical form, or -1 when it has none we can read. */
static int
search_apn(const cJSON *it, char apn[PDC_APN_MAX])
{
	char buf[32];

	if (cJSON_IsString(it))
		return pdc_apn_parse(it->valuestring, strlen(it->valuestring), apn);
	if (cJSON_IsNumber(it) && it->valuedouble >= 0 && it->valuedouble < 1e9) {
		snprintf(buf, sizeof(buf), "%.0f", it->valuedouble);
		return pdc_apn_parse(buf, strlen(buf), apn);
	}
	return -1;
}

static int
search_row(const cJSON *o, const char *where, struct pdc_search_row *row, struct pdc_err *err)
{
	for (size_t i = 0; i < NELEM(search_fields); i++) {
		char **slot = (char **)(void *)((char *)row + search_fields[i].off);
		const cJSON *it = get(o, search_fields[i].key);
		const char *why = NULL;
		char *v;

		if (*slot != NULL)
			continue;
		switch (conv(it, PDC_COL_TEXT, &v, &why)) {
		case C_NOMEM:
			return nomem(err);
		case C_BAD:
			return bad_value(err, where, search_fields[i].key,
			    (int)strlen(search_fields[i].key), it, why);
		}
		*slot = v;
	}
	return 0;
}

int
pdc_assessor_parse_search(const char *body, size_t len, struct pdc_search_row **rows,
    size_t *nrows, long *total, struct pdc_err *err)
{
	static const char *const totals[] = { "TotalRealPropertyResults", "Total", "TotalResults" };
	struct pdc_search_row *out = NULL;
	const cJSON *list, *o;
	const char *listname = "RealPropertyResults";
	size_t n = 0, cap = 0;
	char where[48];
	cJSON *root;
	int i = 0;

	*rows = NULL;
	*nrows = 0;
	*total = -1;
	if ((root = pdc_util_parse_json(body, len)) == NULL)
		return not_json(err, "/search/property/", body, len, "not JSON");
	if (cJSON_IsArray(root))
		list = root;	/* a bare list of rows: take it */
	else if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return not_json(err, "/search/property/", body, len, "not a JSON object");
	} else {
		list = get(root, listname);
		if (list == NULL || cJSON_IsNull(list)) {
			const cJSON *alt = get(root, "Results");

			if (alt != NULL) {
				list = alt;
				listname = "Results";
			}
		}
		if (list == NULL) {
			cJSON_Delete(root);
			return pdc_err_set(err, PDC_E_PERMANENT,
			    "assessor: /search/property/: no RealPropertyResults or Results in the response");
		}
		for (size_t k = 0; k < NELEM(totals) && *total < 0; k++)
			*total = count(get(root, totals[k]));
	}
	if (!cJSON_IsNull(list) && !cJSON_IsArray(list)) {
		bad_value(err, "", listname, (int)strlen(listname), list, "is not a list");
		cJSON_Delete(root);
		return -1;
	}

	cJSON_ArrayForEach(o, list) {
		char apn[PDC_APN_MAX];

		snprintf(where, sizeof(where), "%s[%d]", listname, i++);
		if (!cJSON_IsObject(o) || search_apn(get(o, "APN"), apn) == -1)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct pdc_search_row *p = reallocarray(out, ncap, sizeof(*p));

			if (p == NULL)
				goto oom;
			out = p;
			cap = ncap;
		}
		memset(&out[n], 0, sizeof(out[n]));
		memcpy(out[n].apn, apn, sizeof(apn));
		n++;
		if (search_row(o, where, &out[n - 1], err) == -1)
			goto fail;
	}
	cJSON_Delete(root);
	*rows = out;
	*nrows = n;
	return 0;

oom:
	nomem(err);
fail:
	pdc_assessor_search_free(out, n);
	cJSON_Delete(root);
	*total = -1;
	return -1;
}

/* First occurrence of NEEDLE (NLEN bytes) in the LEN bytes at HAY. */
static bool
contains(const char *hay, size_t len, const char *needle, size_t nlen)
{
	for (size_t i = 0; hay != NULL && i + nlen <= len; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
			return true;
	return false;
}

/*
 * GET PATH (already URL-encoded) from the assessor with the two headers the
 * API wants, and turn the status into an error unless it is 2xx.  KEY names
 * the response for the raw-response store (NULL: not kept).  NOTFOUND words
 * a 404.  RES is the caller's to release either way.
 */
/* The county answers a refused token with a 500: asking again would not mend it. */
static bool
assessor_final(const struct pdc_response *res)
{
	return res->status == 500 && contains(res->body, res->len, "Unauthorized access!", 20);
}

static int
assessor_get(struct pdc_source_ctx *ctx, const char *path, const char *key,
    const char *notfound, struct pdc_response *res, struct pdc_err *err)
{
	const char *base = pdc_config_source(ctx->cfg, "assessor")->base_url;
	const char *token = pdc_config_source(ctx->cfg, "assessor")->token;
	const char *hdrs[3];
	char *auth = NULL, what[160];
	size_t n;
	int nh = 0, rc;

	memset(res, 0, sizeof(*res));
	/* a line break would smuggle a header of its own into the request */
	if (token != NULL && strpbrk(token, "\r\n") != NULL)
		return pdc_err_set(err, PDC_E_CONFIG,
		    "assessor: sources.assessor.token contains a line break");
	/* no token at all: send none, and let the county say it is unauthorized */
	if (token != NULL && *token != '\0') {
		n = strlen("AUTHORIZATION: ") + strlen(token) + 1;
		if ((auth = malloc(n)) == NULL)
			return nomem(err);
		snprintf(auth, n, "AUTHORIZATION: %s", token);
		hdrs[nh++] = auth;
	}
	hdrs[nh++] = "user-agent: null";	/* the API reference asks for this literal */
	hdrs[nh] = NULL;

	rc = pdc_util_get(ctx, "assessor", base, path, key, hdrs, res, err);
	free(auth);
	if (rc == -1)
		return -1;
	snprintf(what, sizeof(what), "assessor: %s", path);
	/* the county answers a bad token with a 500, which must not be retried */
	if (assessor_final(res))
		return pdc_err_set(err, PDC_E_AUTH,
		    "assessor: authentication failed (HTTP 500 \"Unauthorized access!\"): "
		    "check sources.assessor.token");
	if (res->status == 404 && notfound != NULL)
		return pdc_err_set(err, PDC_E_PERMANENT, "%s: %s (HTTP 404)", what, notfound);
	return pdc_http_classify(res->status, res->retry_after, what, err);
}

static int
assessor_collect(struct pdc_source_ctx *ctx, const char *apn, struct pdc_record *rec,
    struct pdc_err *err)
{
	struct pdc_response res;
	char canon[PDC_APN_MAX], path[64];
	int rc;

	/* the APN goes into the URL: only the canonical spelling gets there */
	if (apn == NULL || pdc_apn_parse(apn, strlen(apn), canon) == -1)
		return pdc_err_set(err, PDC_E_INPUT, "assessor: bad APN \"%s\"",
		    apn != NULL ? apn : "");
	snprintf(path, sizeof(path), "/parcel/%s", canon);
	rc = assessor_get(ctx, path, "parcel", "parcel not found", &res, err);
	if (rc == 0)
		rc = pdc_assessor_parse_parcel(res.body, res.len, rec, err);
	pdc_response_release(&res);
	return rc;
}

int
pdc_assessor_search(struct pdc_source_ctx *ctx, const char *query, int page,
    struct pdc_search_row **rows, size_t *nrows, long *total, struct pdc_err *err)
{
	struct pdc_response res;
	char *q, *path;
	size_t n;
	int rc;

	*rows = NULL;
	*nrows = 0;
	*total = -1;
	if (query == NULL || page < 1)
		return pdc_err_set(err, PDC_E_INPUT, "assessor: search needs a query and a page from 1");
	if ((q = pdc_util_urlencode(query)) == NULL)
		return nomem(err);
	n = strlen(q) + 64;
	if ((path = malloc(n)) == NULL) {
		free(q);
		return nomem(err);
	}
	snprintf(path, n, "/search/property/?q=%s&page=%d", q, page);
	free(q);
	rc = assessor_get(ctx, path, NULL, NULL, &res, err);
	free(path);
	if (rc == 0)
		rc = pdc_assessor_parse_search(res.body, res.len, rows, nrows, total, err);
	pdc_response_release(&res);
	return rc;
}

const struct pdc_source pdc_source_assessor = {
	.name = "assessor",
	.base_url = "https://mcassessor.maricopa.gov",
	.requests_per_second = 5,
	.token_env = "PDC_ASSESSOR_TOKEN",
	.parts = PDC_PART_BASIC | PDC_PART_VALUATIONS | PDC_PART_RESIDENTIAL,
	.apart = false,
	.collect = assessor_collect,
	.final = assessor_final
};
