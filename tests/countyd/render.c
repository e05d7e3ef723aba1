/*
 * render.c - a generated parcel in the assessor's JSON, quirks included:
 * numbers as strings (some blank-padded), "na", "" and null for missing
 * values, counts typed as numbers beside counts typed as strings, PoolArea
 * [] or a string.  Key order follows the recorded responses in
 * tests/fixtures.  The generator draws what each value is (gen.c), and the
 * truth says that (truth.c); only this file knows how the county writes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "countyd.h"

static const char *
nz(int cond, const char *s)
{
	return cond ? s : NULL;
}

/* A count the county types as a string, or as a number when FLIPPED. */
static void
count_str(struct cd_buf *b, const char *key, long v, int flipped)
{
	if (flipped)
		cd_json_int(b, key, v);
	else
		cd_json_strf(b, key, "%ld", v);
}

/* A count the county types as a number, or as a string when FLIPPED. */
static void
count_num(struct cd_buf *b, const char *key, long v, int flipped)
{
	count_str(b, key, v, !flipped);
}

/* A date as MM/DD/YYYY, or null when Y is 0 (no date). */
static void
date(struct cd_buf *b, const char *key, int y, int m, int d)
{
	if (y == 0)
		cd_json_null(b, key);
	else
		cd_json_strf(b, key, "%02d/%02d/%04d", m, d, y);
}

/* A value the county leaves out as NONE ("na" or ""): S, or NONE when S is NULL. */
static void
text_or(struct cd_buf *b, const char *key, const char *s, const char *none)
{
	cd_json_str(b, key, s != NULL ? s : none);
}

static void
property_fields(const struct cd_parcel *p, struct cd_buf *b, int upper)
{
	char type[32];

	if (p->has_mcr)
		cd_json_strf(b, "MCR", "%ld", p->mcr);
	else
		cd_json_null(b, "MCR");
	cd_json_raw(b, "AssociatedParcels", "[]");
	cd_json_bool(b, "MoreAssociatedParcelsExist", 0);
	cd_json_str(b, "PropertyAddress", nz(p->has_situs, p->address));
	cd_json_str(b, "PropertyDescription", p->description);
	if (p->lot_size_na)
		cd_json_str(b, "LotSize", "na");
	else
		cd_json_strf(b, "LotSize", "%ld", p->lot_size);
	cd_json_bool(b, "IsResidential", p->type == CD_RESIDENTIAL);
	cd_json_bool(b, "MapidExists", 0);
	cd_json_str(b, "SectionTownshipRange", p->str);
	cd_json_str(b, "AssessorMarket", p->market);
	cd_json_str(b, "AreaNeighborhood", p->neighborhood);
	cd_json_str(b, "SubdivisionName", nz(p->has_mcr, p->subdivision));
	if (p->has_mcr)
		text_or(b, "Lot", nz(p->lot[0] != '\0', p->lot), "na");
	else
		cd_json_null(b, "Lot");
	cd_json_str(b, "HighSchoolDistrict", p->hs_district);
	cd_json_str(b, "ElementarySchoolDistrict", p->elem_district);
	cd_json_str(b, "LocalJusidiction", p->jurisdiction);	/* sic */
	snprintf(type, sizeof(type), "%s", p->type_name);
	if (upper)
		for (char *s = type; *s != '\0'; s++)
			if (*s >= 'a' && *s <= 'z')
				*s = (char)(*s - 'a' + 'A');
	cd_json_str(b, "PropertyType", type);
	cd_json_str(b, "ParcelStatus", "A");
	cd_json_str(b, "APL_flag", p->apl_flag ? "1" : "0");
}

void
cd_render_propertyinfo(const struct cd_parcel *p, struct cd_buf *b)
{
	cd_json_open(b, NULL, '{');
	property_fields(p, b, 1);
	cd_json_close(b, '}');
	cd_json_end(b);
}

void
cd_render_address(const struct cd_parcel *p, struct cd_buf *b)
{
	cd_json_open(b, NULL, '{');
	cd_json_str(b, "PropertyAddress", nz(p->has_situs, p->address));
	cd_json_close(b, '}');
	cd_json_end(b);
}

static void
owner(const struct cd_parcel *p, struct cd_buf *b, const char *key)
{
	char full[192];

	cd_gen_full_mailing(p, full, sizeof(full));
	cd_json_open(b, key, '{');
	cd_json_str(b, "OwnerID", p->owner_id);
	cd_json_str(b, "Ownership", p->owner);
	cd_json_str(b, "InCareOf", nz(p->in_care_of[0] != '\0', p->in_care_of));
	cd_json_str(b, "ContoOwnership", p->conto);
	cd_json_str(b, "MailingAddress1", p->mail1);
	cd_json_str(b, "MailingAddress2", nz(p->has_mail2, p->mail2));
	cd_json_str(b, "MailingCity", p->mail_city);
	cd_json_str(b, "MailingState", p->mail_state);
	cd_json_str(b, "MailingZip", p->mail_zip);
	cd_json_str(b, "MailingCountry", p->mail_country);
	cd_json_str(b, "MostCurrentDeed", p->deed);	/* "" without a deed */
	date(b, "DeedDate", p->deed_y, p->deed_m, p->deed_d);
	cd_json_str(b, "DeedType", p->deed_type);
	if (p->has_sale) {
		if (p->sale_pad)
			cd_json_strf(b, "SalePrice", "%-10ld", p->sale_price);
		else
			cd_json_strf(b, "SalePrice", "%ld", p->sale_price);
		date(b, "SaleDate", p->sale_y, p->sale_m, p->sale_d);
	} else {
		cd_json_null(b, "SalePrice");
		cd_json_null(b, "SaleDate");
	}
	cd_json_bool(b, "Redacted", p->redacted);
	cd_json_str(b, "FullMailingAddress", full);
	cd_json_null(b, "DeedTypeID");
	cd_json_close(b, '}');
}

void
cd_render_owner(const struct cd_parcel *p, struct cd_buf *b)
{
	owner(p, b, NULL);
	cd_json_end(b);
}

static void
valuations(const struct cd_parcel *p, struct cd_buf *b, const char *key)
{
	cd_json_open(b, key, '[');
	for (int y = 0; y < CD_NYEARS; y++) {
		const struct cd_valuation *v = &p->val[y];

		cd_json_open(b, NULL, '{');
		cd_json_strf(b, "TaxYear", "%d", v->year);
		cd_json_strf(b, "FullCashValue", "%ld", v->fcv);
		cd_json_strf(b, "LimitedPropertyValue", "%-12ld", v->lpv);
		/* "2.R ", "3   ": blank-padded to four */
		cd_json_strf(b, "LegalClassificationCode", "%-4s", p->class_code);
		cd_json_str(b, "LegalClassification", p->class_text);
		cd_json_strf(b, "AssessmentRatioPercentage", "%d.%04d", p->ratio[y] / 10000,
		    p->ratio[y] % 10000);
		if (v->afcv_na)
			cd_json_str(b, "AssessedFCV", "na");
		else
			cd_json_strf(b, "AssessedFCV", "%ld", v->afcv);
		if (v->alpv_na)
			cd_json_str(b, "AssessedLPV", "na");
		else
			cd_json_strf(b, "AssessedLPV", "%-12ld", v->alpv);
		cd_json_str(b, "ValuationSource", v->source);
		cd_json_str(b, "PEPropUseDesc", v->use_desc);
		cd_json_str(b, "PropertyUseCode", v->use_code);
		cd_json_str(b, "TaxAreaCode", p->tax_area);
		cd_json_strf(b, "NoticeOfChangeIndc", "%c", v->notice);
		cd_json_close(b, '}');
	}
	cd_json_close(b, ']');
}

void
cd_render_valuations(const struct cd_parcel *p, struct cd_buf *b)
{
	valuations(p, b, NULL);
	cd_json_end(b);
}

static void
residential(const struct cd_parcel *p, struct cd_buf *b, const char *key)
{
	const struct cd_residential *h = &p->res;

	if (!p->has_res) {
		cd_json_null(b, key);
		return;
	}
	cd_json_open(b, key, '{');
	cd_json_strf(b, "ConstructionYear", "%d", h->year);
	cd_json_strf(b, "OriginalConstructionYear", "%d", h->orig_year);
	if (h->lot_size_na)
		cd_json_str(b, "LotSize", "na");
	else
		cd_json_strf(b, "LotSize", "%ld", h->lot_size);
	cd_json_strf(b, "LivableSpace", "%ld", h->livable);
	if (h->detached > 0)
		cd_json_strf(b, "Detached_Livable_sqft", "%ld", h->detached);
	else
		cd_json_null(b, "Detached_Livable_sqft");
	cd_json_str(b, "AssessorMarket", p->market);
	cd_json_str(b, "AreaNeighborhood", p->neighborhood);
	cd_json_bool(b, "Pool", h->pool);
	cd_json_str(b, "PEImprovementQualityGrade", h->pe_grade);
	cd_json_str(b, "ImprovementQualityGrade", h->grade);
	count_num(b, "NumberOfCoveredPatios", h->covered, h->flips & CD_FLIP_COVERED);
	count_str(b, "NumberOfUncoveredPatios", h->uncovered, h->flips & CD_FLIP_UNCOVERED);
	count_str(b, "NumberOfPatios", h->covered + h->uncovered, h->flips & CD_FLIP_PATIOS);
	text_or(b, "PatioType", h->patio_type, "");
	text_or(b, "ExteriorWalls", h->walls, "na");
	cd_json_str(b, "RoofType", h->roof);
	count_str(b, "BathFixtures", h->bath, h->flips & CD_FLIP_BATH);
	cd_json_str(b, "Cooling", h->cooling);
	cd_json_str(b, "Heating", h->heating);
	count_str(b, "NumberOfGarages", h->garages, h->flips & CD_FLIP_GARAGES);
	count_num(b, "NumberOfCarports", h->carports, h->flips & CD_FLIP_CARPORTS);
	cd_json_open(b, "ParkingDetails", '{');
	cd_json_str(b, "ParkingType", h->park_type);
	count_str(b, "ParkingCount", h->park_count, h->flips & CD_FLIP_PARKCOUNT);
	cd_json_close(b, '}');
	text_or(b, "LocationalFactors", h->loc_factors, "");
	text_or(b, "OtherStructures", h->other_structures, "");
	cd_json_str(b, "ParkingType", h->park_type);
	cd_json_bool(b, "CoveredParking", h->covered_parking);
	text_or(b, "LocationalCharacteristics", h->loc_chars, "");
	cd_json_str(b, "PhysicalCondition", h->condition);
	cd_json_close(b, '}');
}

void
cd_render_residential(const struct cd_parcel *p, struct cd_buf *b)
{
	residential(p, b, NULL);
	cd_json_end(b);
}

static void
similar(const struct cd_county *c, const struct cd_parcel *p, struct cd_buf *b)
{
	struct cd_parcel *q;

	cd_json_open(b, "SimilarParcels", '[');
	/* a neighbour's whole parcel is a few kilobytes: keep it off the stack */
	if (p->nsimilar > 0 && (q = malloc(sizeof(*q))) != NULL) {
		for (int s = 0; s < p->nsimilar; s++) {
			cd_gen_parcel(c, p->similar[s], q);
			cd_json_open(b, NULL, '{');
			cd_json_str(b, "Parcel", q->apn);
			cd_json_strf(b, "LandSize", "%ld", q->lot_size);
			if (q->has_sale)
				cd_json_strf(b, "SalesPriceDate", "$%ld / %d -%d",
				    q->sale_price, q->sale_m, q->sale_y);
			else
				cd_json_str(b, "SalesPriceDate", "");
			cd_json_strf(b, "FullCashValue", "%ld", q->val[0].fcv);
			if (q->has_res) {
				cd_json_strf(b, "LivableSqFootage", "%ld", q->res.livable);
				cd_json_strf(b, "ConstructionYear", "%d", q->res.year);
			} else {
				cd_json_str(b, "LivableSqFootage", "");
				cd_json_str(b, "ConstructionYear", "");
			}
			if (q->has_res && q->res.pool)
				cd_json_strf(b, "PoolArea", "%d", q->res.pool_area);
			else
				cd_json_raw(b, "PoolArea", "[]");
			cd_json_str(b, "SitusAddress", nz(q->has_situs, q->situs));
			cd_json_raw(b, "ForeClosed", "[]");
			cd_json_close(b, '}');
		}
		free(q);
	}
	cd_json_close(b, ']');
}

static void
sketches(const struct cd_county *c, const struct cd_parcel *p, struct cd_buf *b)
{
	unsigned char *raw;
	int improved = p->type != CD_VACANT && p->type != CD_AGRICULTURAL;

	cd_json_open(b, "Sketches", '{');
	if (!improved || c->sketch_bytes == 0 || (raw = malloc(c->sketch_bytes)) == NULL) {
		cd_json_int(b, "TotalPages", 0);
		cd_json_raw(b, "Pages", "[]");
	} else {
		cd_gen_sketch(c, p->index, raw);
		cd_json_int(b, "TotalPages", 1);
		cd_json_open(b, "Pages", '[');
		cd_json_open(b, NULL, '{');
		cd_buf_puts(b, "\"Sketch\":\"");
		cd_buf_base64(b, raw, c->sketch_bytes);
		cd_buf_puts(b, "\",");
		cd_json_int(b, "PageNum", 1);
		cd_json_str(b, "APN", p->bare);
		cd_json_close(b, '}');
		cd_json_close(b, ']');
		free(raw);
	}
	cd_json_close(b, '}');
}

static void
mapids(const struct cd_parcel *p, struct cd_buf *b)
{
	long file = 800000000L + (p->index / 1000) % 100000 * 100 + 1;

	cd_json_open(b, "MapIDs", '{');
	cd_json_open(b, "Parcel Maps", '[');
	cd_json_open(b, NULL, '{');
	cd_json_strf(b, "FileName", "%ld", file);
	cd_json_str(b, "UpdateDate", "04-AUG-08");
	cd_json_strf(b, "Url", "https://mcassessor.maricopa.gov/getmapid/%ld/", file);
	cd_json_close(b, '}');
	cd_json_close(b, ']');
	cd_json_raw(b, "Subdivision Maps", "[]");
	cd_json_raw(b, "MCR Maps", "[]");
	cd_json_raw(b, "S/T/R Maps", "[]");
	cd_json_raw(b, "Book/Map Maps", "[]");
	cd_json_close(b, '}');
}

void
cd_render_parcel(const struct cd_county *c, const struct cd_parcel *p, struct cd_buf *b)
{
	cd_json_open(b, NULL, '{');
	property_fields(p, b, 0);
	owner(p, b, "Owner");
	cd_json_open(b, "Geo", '{');
	if (p->has_geo) {
		cd_buf_printf(b, "\"lat\":%.6f,\"long\":%.6f,", p->lat, p->lon);
	} else {
		cd_json_null(b, "lat");
		cd_json_null(b, "long");
	}
	cd_json_str(b, "address", nz(p->has_situs, p->address));
	cd_json_close(b, '}');
	cd_json_raw(b, "Zoning", "[]");
	cd_json_bool(b, "IsRental", p->is_rental);
	cd_json_bool(b, "IsPending", 0);
	if (p->has_mcr)
		cd_json_strf(b, "McrTransitionUrl",
		    "https://recorder.maricopa.gov/recording/map-results.html?book=%03ld&page=%02ld",
		    p->mcr / 100, p->mcr % 100);
	else
		cd_json_null(b, "McrTransitionUrl");
	cd_json_strf(b, "TreasurersTransitionUrl",
	    "https://treasurer.maricopa.gov/parcel/default.aspx?Parcel=%s", p->bare);
	cd_json_strf(b, "DeedTransitionUrl",
	    "https://recorder.maricopa.gov/recording/document-details.html?recordingNumber=%s&suffix=%s",
	    p->deed, p->deed_suffix != NULL ? p->deed_suffix : "");
	cd_json_bool(b, "IsCancelled", 0);
	cd_json_int(b, "NumberOfParcelsInSubdivision", p->block_count);
	cd_json_bool(b, "IsCommercial", p->type == CD_COMMERCIAL || p->type == CD_INDUSTRIAL);
	cd_json_raw(b, "Improvements", "[]");
	valuations(p, b, "Valuations");
	cd_json_str(b, "TaxAreaCode", p->tax_area);
	cd_json_str(b, "PropertyUseCode", p->use_code);
	cd_json_str(b, "PEPropUseDesc", p->use_desc);
	cd_json_int(b, "NumberOfParcelsInMCR", p->block_count);
	cd_json_int(b, "NumberOfParcelsInSTR", p->str_count);
	residential(p, b, "ResidentialPropertyData");
	similar(c, p, b);
	sketches(c, p, b);
	mapids(p, b);
	cd_json_close(b, '}');
	cd_json_end(b);
}

void
cd_row_from_parcel(const struct cd_parcel *p, struct cd_row *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->apn, sizeof(r->apn), "%s", p->apn);
	if (p->has_mcr) {
		snprintf(r->mcrbuf, sizeof(r->mcrbuf), "%ld", p->mcr);
		r->mcr = r->mcrbuf;
	}
	r->owner = p->owner;
	r->situs = nz(p->has_situs, p->situs);
	r->city = nz(p->has_situs, p->city);
	r->zip = nz(p->has_situs, p->zip);
	r->type = p->type_name;
	r->subdivision = nz(p->has_mcr, p->subdivision);
	r->str = p->str;
}

void
cd_render_row(const struct cd_row *r, struct cd_buf *b)
{
	cd_json_open(b, NULL, '{');
	cd_json_str(b, "APN", r->apn);
	cd_json_str(b, "MCR", r->mcr);
	cd_json_str(b, "Ownership", r->owner);
	cd_json_str(b, "SitusAddress", r->situs);
	cd_json_str(b, "SitusCity", r->city);
	cd_json_str(b, "SitusZip", r->zip);
	cd_json_str(b, "PropertyType", r->type);
	cd_json_str(b, "RentalID", "");
	cd_json_str(b, "SubdivisonName", r->subdivision);	/* sic */
	cd_json_str(b, "SectionTownshipRange", r->str);
	cd_json_close(b, '}');
}
