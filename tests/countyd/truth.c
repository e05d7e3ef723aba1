/*
 * truth.c - the clean values of a parcel, named as pdc stores them.
 *
 * A generated parcel's truth is what the generator drew (gen.c), before
 * render.c wrote it the county's way: the owner as drawn, a number as the
 * number, null where the generator decided the county does not say.  It
 * never reads the served JSON back, so it shares no parsing rule with pdc:
 * a quirk pdc reads wrongly shows as a difference from the truth.
 *
 * A recorded body (--dir) has no generator behind it: its truth is read
 * back from the body, with the rules FORMATS.md gives (strings trimmed;
 * null, "na" and "" are null; numbers sent as strings are numbers;
 * MM/DD/YYYY dates become YYYY-MM-DD).  Tests of how pdc parses recorded
 * bodies therefore compare with values written out by hand.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "countyd.h"

/* Trimmed copy of V's text into OUT, or NULL when V holds no value. */
static const char *
clean(const cJSON *v, char *out, size_t sz)
{
	const char *s, *e;
	size_t n;

	if (cJSON_IsNumber(v)) {
		if (v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 1e15)
			snprintf(out, sz, "%.0f", v->valuedouble);
		else
			snprintf(out, sz, "%.15g", v->valuedouble);
		return out;
	}
	if (cJSON_IsBool(v)) {
		snprintf(out, sz, "%s", cJSON_IsTrue(v) ? "true" : "false");
		return out;
	}
	if (!cJSON_IsString(v) || (s = cJSON_GetStringValue(v)) == NULL)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	n = (size_t)(e - s);
	/* "na" as the real responses write it; no other spelling is known */
	if (n == 0 || (n == 2 && s[0] == 'n' && s[1] == 'a'))
		return NULL;
	if (n >= sz)
		n = sz - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

static const cJSON *
get(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static void
put_text(cJSON *dst, const char *name, const cJSON *v)
{
	char tmp[1024];
	const char *s = clean(v, tmp, sizeof(tmp));

	if (s == NULL)
		cJSON_AddNullToObject(dst, name);
	else
		cJSON_AddStringToObject(dst, name, s);
}

/* A decimal as a number, or NULL; INTEGRAL also rejects fractions. */
static int
to_number(const cJSON *v, int integral, double *out)
{
	char tmp[64], *end;
	const char *s = clean(v, tmp, sizeof(tmp));
	double d;

	if (s == NULL || cJSON_IsBool(v))
		return -1;
	d = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(d))
		return -1;
	if (integral && d != floor(d))
		return -1;
	*out = d;
	return 0;
}

static void
put_num(cJSON *dst, const char *name, const cJSON *v, int integral)
{
	double d;

	if (to_number(v, integral, &d) == -1)
		cJSON_AddNullToObject(dst, name);
	else
		cJSON_AddNumberToObject(dst, name, d);
}

static void
put_int(cJSON *dst, const char *name, const cJSON *v)
{
	put_num(dst, name, v, 1);
}

static void
put_bool(cJSON *dst, const char *name, const cJSON *v)
{
	char tmp[16];
	const char *s;

	if (cJSON_IsBool(v)) {
		cJSON_AddBoolToObject(dst, name, cJSON_IsTrue(v));
		return;
	}
	s = clean(v, tmp, sizeof(tmp));
	if (s != NULL && (strcasecmp(s, "true") == 0 || strcmp(s, "Y") == 0 ||
	    strcmp(s, "1") == 0))
		cJSON_AddTrueToObject(dst, name);
	else if (s != NULL && (strcasecmp(s, "false") == 0 || strcmp(s, "N") == 0 ||
	    strcmp(s, "0") == 0))
		cJSON_AddFalseToObject(dst, name);
	else
		cJSON_AddNullToObject(dst, name);
}

static void
put_date(cJSON *dst, const char *name, const cJSON *v)
{
	char tmp[32], iso[16], *end;
	const char *s = clean(v, tmp, sizeof(tmp));
	long m, d, y;

	if (s == NULL)
		goto null;
	m = strtol(s, &end, 10);
	if (end == s || *end != '/')
		goto null;
	s = end + 1;
	d = strtol(s, &end, 10);
	if (end == s || *end != '/')
		goto null;
	s = end + 1;
	y = strtol(s, &end, 10);
	if (end - s != 4 || *end != '\0' || m < 1 || m > 12 || d < 1 || d > 31)
		goto null;
	snprintf(iso, sizeof(iso), "%04ld-%02ld-%02ld", y, m, d);
	cJSON_AddStringToObject(dst, name, iso);
	return;
null:
	cJSON_AddNullToObject(dst, name);
}

int
cd_split_address(const char *addr, const char *juris, char *street, size_t ssz,
    char *city, size_t csz, char *zip, size_t zsz)
{
	const char *comma, *z;
	size_t n, jl;

	street[0] = city[0] = zip[0] = '\0';
	if (addr == NULL || (comma = strrchr(addr, ',')) == NULL)
		return -1;
	/* "10010 N 29TH ST PHOENIX, AZ 85028": the zip is the last word */
	z = strrchr(comma, ' ');
	if (z == NULL)
		return -1;
	snprintf(zip, zsz, "%s", z + 1);
	n = (size_t)(comma - addr);
	jl = juris != NULL ? strlen(juris) : 0;
	if (jl > 0 && n > jl && addr[n - jl - 1] == ' ' &&
	    strncmp(addr + n - jl, juris, jl) == 0) {
		snprintf(city, csz, "%s", juris);
		n -= jl + 1;
	}
	snprintf(street, ssz, "%.*s", (int)n, addr);
	return 0;
}

static void
put_str_or_null(cJSON *dst, const char *name, const char *s)
{
	cJSON *v = s != NULL ? cJSON_CreateString(s) : NULL;

	put_text(dst, name, v);
	cJSON_Delete(v);
}

/*
 * deed_suffix: the suffix= of the link to the latest deed, as a recorded
 * body (--dir) has it; null without a deed.  The generated county's truth
 * replaces it with the generator's own (serve.c).
 */
static void
link_suffix(cJSON *dst, const cJSON *url, const cJSON *deed)
{
	char tmp[64];
	const char *u = cJSON_GetStringValue(url), *s;
	size_t n;

	if (clean(deed, tmp, sizeof(tmp)) == NULL || u == NULL ||
	    (s = strstr(u, "&suffix=")) == NULL) {
		cJSON_AddNullToObject(dst, "deed_suffix");
		return;
	}
	s += strlen("&suffix=");
	n = strcspn(s, "&");
	snprintf(tmp, sizeof(tmp), "%.*s", (int)(n < 60 ? n : 60), s);
	cJSON_AddStringToObject(dst, "deed_suffix", tmp);
}

static cJSON *
properties(const char *apn, const cJSON *p)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *ow = get(p, "Owner");

	cJSON_AddStringToObject(o, "apn", apn);
	put_text(o, "mcr", get(p, "MCR"));
	put_text(o, "property_address", get(p, "PropertyAddress"));
	put_text(o, "property_description", get(p, "PropertyDescription"));
	put_int(o, "lot_size", get(p, "LotSize"));
	put_bool(o, "is_residential", get(p, "IsResidential"));
	put_text(o, "section_township_range", get(p, "SectionTownshipRange"));
	put_text(o, "subdivision_name", get(p, "SubdivisionName"));
	put_text(o, "lot", get(p, "Lot"));
	put_text(o, "high_school_district", get(p, "HighSchoolDistrict"));
	put_text(o, "elementary_school_district", get(p, "ElementarySchoolDistrict"));
	put_text(o, "local_jurisdiction", get(p, "LocalJusidiction"));
	put_text(o, "property_type", get(p, "PropertyType"));
	put_text(o, "parcel_status", get(p, "ParcelStatus"));
	put_text(o, "tax_area_code", get(p, "TaxAreaCode"));
	put_text(o, "property_use_code", get(p, "PropertyUseCode"));
	put_text(o, "pe_prop_use_desc", get(p, "PEPropUseDesc"));
	put_text(o, "owner_id", get(ow, "OwnerID"));
	put_text(o, "owner_name", get(ow, "Ownership"));
	put_text(o, "in_care_of", get(ow, "InCareOf"));
	put_text(o, "mailing_address1", get(ow, "MailingAddress1"));
	put_text(o, "mailing_address2", get(ow, "MailingAddress2"));
	put_text(o, "mailing_city", get(ow, "MailingCity"));
	put_text(o, "mailing_state", get(ow, "MailingState"));
	put_text(o, "mailing_zip", get(ow, "MailingZip"));
	put_text(o, "mailing_country", get(ow, "MailingCountry"));
	put_text(o, "full_mailing_address", get(ow, "FullMailingAddress"));
	put_text(o, "deed_number", get(ow, "MostCurrentDeed"));
	put_date(o, "deed_date", get(ow, "DeedDate"));
	put_text(o, "deed_type", get(ow, "DeedType"));
	put_num(o, "sale_price", get(ow, "SalePrice"), 0);
	put_date(o, "sale_date", get(ow, "SaleDate"));
	put_bool(o, "redacted", get(ow, "Redacted"));
	link_suffix(o, get(p, "DeedTransitionUrl"), get(ow, "MostCurrentDeed"));
	return o;
}

static cJSON *
valuations(const char *apn, const cJSON *p)
{
	cJSON *a = cJSON_CreateArray();
	const cJSON *v;

	cJSON_ArrayForEach(v, get(p, "Valuations")) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "apn", apn);
		put_int(o, "tax_year", get(v, "TaxYear"));
		put_int(o, "full_cash_value", get(v, "FullCashValue"));
		put_int(o, "limited_property_value", get(v, "LimitedPropertyValue"));
		put_text(o, "legal_classification_code", get(v, "LegalClassificationCode"));
		put_text(o, "legal_classification", get(v, "LegalClassification"));
		put_num(o, "assessment_ratio_percentage", get(v, "AssessmentRatioPercentage"), 0);
		put_int(o, "assessed_fcv", get(v, "AssessedFCV"));
		put_int(o, "assessed_lpv", get(v, "AssessedLPV"));
		put_text(o, "valuation_source", get(v, "ValuationSource"));
		put_text(o, "pe_prop_use_desc", get(v, "PEPropUseDesc"));
		put_text(o, "property_use_code", get(v, "PropertyUseCode"));
		put_text(o, "tax_area_code", get(v, "TaxAreaCode"));
		put_text(o, "notice_of_change_indc", get(v, "NoticeOfChangeIndc"));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *
residential(const char *apn, const cJSON *p)
{
	const cJSON *r = get(p, "ResidentialPropertyData"), *pd;
	cJSON *o;

	if (!cJSON_IsObject(r))
		return cJSON_CreateNull();
	pd = get(r, "ParkingDetails");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "apn", apn);
	put_int(o, "construction_year", get(r, "ConstructionYear"));
	put_int(o, "original_construction_year", get(r, "OriginalConstructionYear"));
	put_int(o, "lot_size", get(r, "LotSize"));
	put_int(o, "livable_space", get(r, "LivableSpace"));
	put_int(o, "detached_livable_sqft", get(r, "Detached_Livable_sqft"));
	put_text(o, "assessor_market", get(r, "AssessorMarket"));
	put_text(o, "area_neighborhood", get(r, "AreaNeighborhood"));
	put_bool(o, "pool", get(r, "Pool"));
	put_text(o, "pe_improvement_quality_grade", get(r, "PEImprovementQualityGrade"));
	put_text(o, "improvement_quality_grade", get(r, "ImprovementQualityGrade"));
	put_int(o, "number_of_covered_patios", get(r, "NumberOfCoveredPatios"));
	put_int(o, "number_of_uncovered_patios", get(r, "NumberOfUncoveredPatios"));
	put_int(o, "number_of_patios", get(r, "NumberOfPatios"));
	put_text(o, "patio_type", get(r, "PatioType"));
	put_text(o, "exterior_walls", get(r, "ExteriorWalls"));
	put_text(o, "roof_type", get(r, "RoofType"));
	put_int(o, "bath_fixtures", get(r, "BathFixtures"));
	put_text(o, "cooling", get(r, "Cooling"));
	put_text(o, "heating", get(r, "Heating"));
	put_int(o, "number_of_garages", get(r, "NumberOfGarages"));
	put_int(o, "number_of_carports", get(r, "NumberOfCarports"));
	put_text(o, "parking_details_type", get(pd, "ParkingType"));
	put_int(o, "parking_details_count", get(pd, "ParkingCount"));
	put_text(o, "locational_factors", get(r, "LocationalFactors"));
	put_text(o, "other_structures", get(r, "OtherStructures"));
	put_text(o, "parking_type", get(r, "ParkingType"));
	put_bool(o, "covered_parking", get(r, "CoveredParking"));
	put_text(o, "locational_characteristics", get(r, "LocationalCharacteristics"));
	put_text(o, "physical_condition", get(r, "PhysicalCondition"));
	return o;
}

cJSON *
cd_truth_recorded(const char *apn, const char *json, size_t len)
{
	cJSON *p = cJSON_ParseWithLength(json, len), *t, *s;
	char street[128], city[64], zip[16];

	if (!cJSON_IsObject(p)) {
		cJSON_Delete(p);
		return NULL;
	}
	t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "apn", apn);
	cJSON_AddItemToObject(t, "properties", properties(apn, p));
	s = cJSON_AddObjectToObject(t, "search");
	if (cd_split_address(cJSON_GetStringValue(get(p, "PropertyAddress")),
	    cJSON_GetStringValue(get(p, "LocalJusidiction")), street, sizeof(street),
	    city, sizeof(city), zip, sizeof(zip)) == 0) {
		put_str_or_null(s, "situs_address", street);
		put_str_or_null(s, "situs_city", city);
		put_str_or_null(s, "situs_zip", zip);
	} else {
		cJSON_AddNullToObject(s, "situs_address");
		cJSON_AddNullToObject(s, "situs_city");
		cJSON_AddNullToObject(s, "situs_zip");
	}
	cJSON_AddItemToObject(t, "valuations", valuations(apn, p));
	cJSON_AddItemToObject(t, "residential_details", residential(apn, p));
	cJSON_Delete(p);
	return t;
}

/* --- a generated parcel: the generator's facts ------------------------------ */

static void
f_text(cJSON *o, const char *name, const char *s)
{
	if (s == NULL)
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddStringToObject(o, name, s);
}

static void
f_num(cJSON *o, const char *name, int known, double v)
{
	if (known)
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static void
f_date(cJSON *o, const char *name, int y, int m, int d)
{
	char iso[16];

	if (y == 0) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	snprintf(iso, sizeof(iso), "%04d-%02d-%02d", y, m, d);
	cJSON_AddStringToObject(o, name, iso);
}

static const char *
said(int cond, const char *s)
{
	return cond ? s : NULL;
}

static cJSON *
parcel_properties(const struct cd_parcel *p)
{
	cJSON *o = cJSON_CreateObject();
	char buf[192];
	int deed = p->deed[0] != '\0';

	cJSON_AddStringToObject(o, "apn", p->apn);
	snprintf(buf, sizeof(buf), "%ld", p->mcr);
	f_text(o, "mcr", said(p->has_mcr, buf));
	f_text(o, "property_address", said(p->has_situs, p->address));
	f_text(o, "property_description", p->description);
	f_num(o, "lot_size", !p->lot_size_na, (double)p->lot_size);
	cJSON_AddBoolToObject(o, "is_residential", p->type == CD_RESIDENTIAL);
	f_text(o, "section_township_range", p->str);
	f_text(o, "subdivision_name", said(p->has_mcr, p->subdivision));
	f_text(o, "lot", said(p->has_mcr && p->lot[0] != '\0', p->lot));
	f_text(o, "high_school_district", p->hs_district);
	f_text(o, "elementary_school_district", p->elem_district);
	f_text(o, "local_jurisdiction", p->jurisdiction);
	f_text(o, "property_type", p->type_name);
	f_text(o, "parcel_status", "A");
	f_text(o, "tax_area_code", p->tax_area);
	f_text(o, "property_use_code", p->use_code);
	f_text(o, "pe_prop_use_desc", p->use_desc);
	f_text(o, "owner_id", p->owner_id);
	f_text(o, "owner_name", p->owner);
	f_text(o, "in_care_of", said(p->in_care_of[0] != '\0', p->in_care_of));
	f_text(o, "mailing_address1", p->mail1);
	f_text(o, "mailing_address2", said(p->has_mail2, p->mail2));
	f_text(o, "mailing_city", p->mail_city);
	f_text(o, "mailing_state", p->mail_state);
	f_text(o, "mailing_zip", p->mail_zip);
	f_text(o, "mailing_country", p->mail_country);
	cd_gen_full_mailing(p, buf, sizeof(buf));
	f_text(o, "full_mailing_address", buf);
	f_text(o, "deed_number", said(deed, p->deed));
	f_date(o, "deed_date", deed ? p->deed_y : 0, p->deed_m, p->deed_d);
	f_text(o, "deed_type", said(deed && p->deed_type[0] != '\0', p->deed_type));
	f_num(o, "sale_price", p->has_sale, (double)p->sale_price);
	f_date(o, "sale_date", p->has_sale ? p->sale_y : 0, p->sale_m, p->sale_d);
	cJSON_AddBoolToObject(o, "redacted", p->redacted);
	f_text(o, "deed_suffix", said(deed, p->deed_suffix != NULL ? p->deed_suffix : ""));
	return o;
}

static cJSON *
parcel_valuations(const struct cd_parcel *p)
{
	cJSON *a = cJSON_CreateArray();
	char c[2];

	for (int y = 0; y < CD_NYEARS; y++) {
		const struct cd_valuation *v = &p->val[y];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "apn", p->apn);
		cJSON_AddNumberToObject(o, "tax_year", v->year);
		cJSON_AddNumberToObject(o, "full_cash_value", (double)v->fcv);
		cJSON_AddNumberToObject(o, "limited_property_value", (double)v->lpv);
		f_text(o, "legal_classification_code", p->class_code);
		f_text(o, "legal_classification", p->class_text);
		cJSON_AddNumberToObject(o, "assessment_ratio_percentage", p->ratio[y] / 10000.0);
		f_num(o, "assessed_fcv", !v->afcv_na, (double)v->afcv);
		f_num(o, "assessed_lpv", !v->alpv_na, (double)v->alpv);
		f_text(o, "valuation_source", v->source);
		f_text(o, "pe_prop_use_desc", v->use_desc);
		f_text(o, "property_use_code", v->use_code);
		f_text(o, "tax_area_code", p->tax_area);
		c[0] = v->notice;
		c[1] = '\0';
		f_text(o, "notice_of_change_indc", c);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *
parcel_residential(const struct cd_parcel *p)
{
	const struct cd_residential *h = &p->res;
	cJSON *o;

	if (!p->has_res)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "apn", p->apn);
	cJSON_AddNumberToObject(o, "construction_year", h->year);
	cJSON_AddNumberToObject(o, "original_construction_year", h->orig_year);
	f_num(o, "lot_size", !h->lot_size_na, (double)h->lot_size);
	cJSON_AddNumberToObject(o, "livable_space", (double)h->livable);
	f_num(o, "detached_livable_sqft", h->detached > 0, (double)h->detached);
	f_text(o, "assessor_market", p->market);
	f_text(o, "area_neighborhood", p->neighborhood);
	cJSON_AddBoolToObject(o, "pool", h->pool);
	f_text(o, "pe_improvement_quality_grade", h->pe_grade);
	f_text(o, "improvement_quality_grade", h->grade);
	cJSON_AddNumberToObject(o, "number_of_covered_patios", h->covered);
	cJSON_AddNumberToObject(o, "number_of_uncovered_patios", h->uncovered);
	cJSON_AddNumberToObject(o, "number_of_patios", h->covered + h->uncovered);
	f_text(o, "patio_type", h->patio_type);
	f_text(o, "exterior_walls", h->walls);
	f_text(o, "roof_type", h->roof);
	cJSON_AddNumberToObject(o, "bath_fixtures", h->bath);
	f_text(o, "cooling", h->cooling);
	f_text(o, "heating", h->heating);
	cJSON_AddNumberToObject(o, "number_of_garages", h->garages);
	cJSON_AddNumberToObject(o, "number_of_carports", h->carports);
	f_text(o, "parking_details_type", h->park_type);
	cJSON_AddNumberToObject(o, "parking_details_count", h->park_count);
	f_text(o, "locational_factors", h->loc_factors);
	f_text(o, "other_structures", h->other_structures);
	f_text(o, "parking_type", h->park_type);
	cJSON_AddBoolToObject(o, "covered_parking", h->covered_parking);
	f_text(o, "locational_characteristics", h->loc_chars);
	f_text(o, "physical_condition", h->condition);
	return o;
}

cJSON *
cd_truth_parcel(const struct cd_parcel *p)
{
	cJSON *t = cJSON_CreateObject(), *s;

	if (t == NULL)
		return NULL;
	cJSON_AddStringToObject(t, "apn", p->apn);
	cJSON_AddItemToObject(t, "properties", parcel_properties(p));
	s = cJSON_AddObjectToObject(t, "search");
	f_text(s, "situs_address", said(p->has_situs, p->situs));
	f_text(s, "situs_city", said(p->has_situs, p->city));
	f_text(s, "situs_zip", said(p->has_situs, p->zip));
	cJSON_AddItemToObject(t, "valuations", parcel_valuations(p));
	cJSON_AddItemToObject(t, "residential_details", parcel_residential(p));
	return t;
}
