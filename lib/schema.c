#include <stddef.h>

#include "schema.h"

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct pdc_column properties_cols[] = {
	{ "apn", PDC_COL_TEXT },
	{ "mcr", PDC_COL_TEXT },
	{ "property_address", PDC_COL_TEXT },
	{ "property_description", PDC_COL_TEXT },
	{ "lot_size", PDC_COL_INT },
	{ "is_residential", PDC_COL_BOOL },
	{ "section_township_range", PDC_COL_TEXT },
	{ "subdivision_name", PDC_COL_TEXT },
	{ "lot", PDC_COL_TEXT },
	{ "high_school_district", PDC_COL_TEXT },
	{ "elementary_school_district", PDC_COL_TEXT },
	{ "local_jurisdiction", PDC_COL_TEXT },
	{ "property_type", PDC_COL_TEXT },
	{ "parcel_status", PDC_COL_TEXT },
	{ "tax_area_code", PDC_COL_TEXT },
	{ "property_use_code", PDC_COL_TEXT },
	{ "pe_prop_use_desc", PDC_COL_TEXT },
	{ "owner_id", PDC_COL_TEXT },
	{ "owner_name", PDC_COL_TEXT },
	{ "in_care_of", PDC_COL_TEXT },
	{ "mailing_address1", PDC_COL_TEXT },
	{ "mailing_address2", PDC_COL_TEXT },
	{ "mailing_city", PDC_COL_TEXT },
	{ "mailing_state", PDC_COL_TEXT },
	{ "mailing_zip", PDC_COL_TEXT },
	{ "mailing_country", PDC_COL_TEXT },
	{ "full_mailing_address", PDC_COL_TEXT },
	{ "deed_number", PDC_COL_TEXT },
	{ "deed_date", PDC_COL_DATE },
	{ "deed_type", PDC_COL_TEXT },
	{ "sale_price", PDC_COL_NUM },
	{ "sale_date", PDC_COL_DATE },
	{ "redacted", PDC_COL_BOOL },
	{ "deed_suffix", PDC_COL_TEXT },	/* DeedTransitionUrl's suffix: sql/016_sales_suffix.sql */
};

static const struct pdc_column valuations_cols[] = {
	{ "apn", PDC_COL_TEXT },
	{ "tax_year", PDC_COL_INT },
	{ "full_cash_value", PDC_COL_INT },
	{ "limited_property_value", PDC_COL_INT },
	{ "legal_classification_code", PDC_COL_TEXT },
	{ "legal_classification", PDC_COL_TEXT },
	{ "assessment_ratio_percentage", PDC_COL_NUM },
	{ "assessed_fcv", PDC_COL_INT },
	{ "assessed_lpv", PDC_COL_INT },
	{ "valuation_source", PDC_COL_TEXT },
	{ "pe_prop_use_desc", PDC_COL_TEXT },
	{ "property_use_code", PDC_COL_TEXT },
	{ "tax_area_code", PDC_COL_TEXT },
	{ "notice_of_change_indc", PDC_COL_TEXT },
};

static const struct pdc_column residential_cols[] = {
	{ "apn", PDC_COL_TEXT },
	{ "construction_year", PDC_COL_INT },
	{ "original_construction_year", PDC_COL_INT },
	{ "lot_size", PDC_COL_INT },
	{ "livable_space", PDC_COL_INT },
	{ "detached_livable_sqft", PDC_COL_INT },
	{ "assessor_market", PDC_COL_TEXT },
	{ "area_neighborhood", PDC_COL_TEXT },
	{ "pool", PDC_COL_BOOL },
	{ "pe_improvement_quality_grade", PDC_COL_TEXT },
	{ "improvement_quality_grade", PDC_COL_TEXT },
	{ "number_of_covered_patios", PDC_COL_INT },
	{ "number_of_uncovered_patios", PDC_COL_INT },
	{ "number_of_patios", PDC_COL_INT },
	{ "patio_type", PDC_COL_TEXT },
	{ "exterior_walls", PDC_COL_TEXT },
	{ "roof_type", PDC_COL_TEXT },
	{ "bath_fixtures", PDC_COL_INT },
	{ "cooling", PDC_COL_TEXT },
	{ "heating", PDC_COL_TEXT },
	{ "number_of_garages", PDC_COL_INT },
	{ "number_of_carports", PDC_COL_INT },
	{ "parking_details_type", PDC_COL_TEXT },
	{ "parking_details_count", PDC_COL_INT },
	{ "locational_factors", PDC_COL_TEXT },
	{ "other_structures", PDC_COL_TEXT },
	{ "parking_type", PDC_COL_TEXT },
	{ "covered_parking", PDC_COL_BOOL },
	{ "locational_characteristics", PDC_COL_TEXT },
	{ "physical_condition", PDC_COL_TEXT },
};

static const struct pdc_column sales_cols[] = {
	{ "apn", PDC_COL_TEXT },
	{ "recording_number", PDC_COL_TEXT },
	{ "recording_date", PDC_COL_DATE },
	{ "document_code", PDC_COL_TEXT },
	{ "names", PDC_COL_JSON },
	{ "sale_price", PDC_COL_NUM },
	{ "restricted", PDC_COL_BOOL },
	{ "source", PDC_COL_TEXT },
	{ "basis", PDC_COL_TEXT },	/* deed, chain or candidate: sql/008_sales_basis.sql */
	{ "matched", PDC_COL_TEXT },	/* what was searched and what matched */
	{ "recording_suffix", PDC_COL_TEXT },	/* as the search said: sql/016_sales_suffix.sql */
};

static const struct pdc_column tax_bills_cols[] = {
	{ "apn", PDC_COL_TEXT },
	{ "tax_year", PDC_COL_INT },
	{ "status", PDC_COL_TEXT },
	{ "tax_area_code", PDC_COL_TEXT },
	{ "assessed_tax", PDC_COL_NUM },
	{ "paid", PDC_COL_NUM },
	{ "due", PDC_COL_NUM },
	{ "first_half_due", PDC_COL_NUM },
	{ "second_half_due", PDC_COL_NUM },
	{ "interest_due", PDC_COL_NUM },
	{ "fees_due", PDC_COL_NUM },
	{ "delinquent", PDC_COL_BOOL },
};

static const struct pdc_column tax_districts_cols[] = {
	{ "apn", PDC_COL_TEXT },
	{ "district", PDC_COL_TEXT },
	{ "tax_year", PDC_COL_INT },
	{ "name", PDC_COL_TEXT },
	{ "percentage", PDC_COL_NUM },
	{ "tax", PDC_COL_NUM },
	{ "paid", PDC_COL_NUM },
};

static const struct pdc_column tax_payments_cols[] = {
	{ "apn", PDC_COL_TEXT },
	{ "seq", PDC_COL_INT },
	{ "tax_year", PDC_COL_INT },
	{ "activity", PDC_COL_TEXT },
	{ "amount", PDC_COL_NUM },
	{ "activity_date", PDC_COL_DATE },
	{ "payment_date", PDC_COL_DATE },
	{ "transaction", PDC_COL_TEXT },
};

const struct pdc_table pdc_tbl_properties = {
	"properties", PDC_TABLE_ONE, properties_cols, NCOLS(properties_cols), 1, "fetched_at"
};
const struct pdc_table pdc_tbl_valuations = {
	"valuations", PDC_TABLE_MANY, valuations_cols, NCOLS(valuations_cols), 2, NULL
};
const struct pdc_table pdc_tbl_residential = {
	"residential_details", PDC_TABLE_ONE, residential_cols, NCOLS(residential_cols), 1, NULL
};
const struct pdc_table pdc_tbl_sales = {
	"sales", PDC_TABLE_MANY, sales_cols, NCOLS(sales_cols), 2, NULL
};
const struct pdc_table pdc_tbl_tax_bills = {
	"tax_bills", PDC_TABLE_MANY, tax_bills_cols, NCOLS(tax_bills_cols), 2, NULL
};

const struct pdc_table pdc_tbl_tax_districts = {
	"tax_districts", PDC_TABLE_MANY, tax_districts_cols, NCOLS(tax_districts_cols), 2, NULL
};
const struct pdc_table pdc_tbl_tax_payments = {
	"tax_payments", PDC_TABLE_MANY, tax_payments_cols, NCOLS(tax_payments_cols), 2, NULL
};

const struct pdc_table *const pdc_tables[] = {
	&pdc_tbl_properties,
	&pdc_tbl_valuations,
	&pdc_tbl_residential,
	&pdc_tbl_sales,
	&pdc_tbl_tax_bills,
	&pdc_tbl_tax_districts,
	&pdc_tbl_tax_payments,
	NULL
};

int
pdc_schema_index(const struct pdc_table *table)
{
	for (int i = 0; pdc_tables[i] != NULL; i++)
		if (pdc_tables[i] == table)
			return i;
	return -1;
}
