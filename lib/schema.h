/*
 * schema.h - the record tables, as the store and the sources see them.
 *
 * These descriptors mirror sql/001_init.sql column for column; a unit test
 * checks the two against a live database.
 */
#ifndef PDC_SCHEMA_H
#define PDC_SCHEMA_H

#include "record.h"

extern const struct pdc_table pdc_tbl_properties;	/* basic info, owner, latest deed */
extern const struct pdc_table pdc_tbl_valuations;	/* per tax year */
extern const struct pdc_table pdc_tbl_residential;	/* residential_details */
extern const struct pdc_table pdc_tbl_sales;		/* sales and deeds */
extern const struct pdc_table pdc_tbl_tax_bills;	/* per tax year */
extern const struct pdc_table pdc_tbl_tax_districts;	/* special districts, by district code */
extern const struct pdc_table pdc_tbl_tax_payments;	/* payment activity rows, numbered from 1 */

/* Every record table, NULL-terminated, in the order the store writes them. */
extern const struct pdc_table *const pdc_tables[];

/* Index of TABLE in pdc_tables, or -1. */
int pdc_schema_index(const struct pdc_table *table);

#endif
