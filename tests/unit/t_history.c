/*
 * t_history.c - the change feed's kinds, as --kind reads them.  The events
 * themselves are checked against countyd's truth in tests/59-history.bats.
 */
#include <string.h>

#include "history.h"
#include "unit.h"

int
main(void)
{
	struct pdc_err err;
	unsigned bits = 0;
	int i;

	for (i = 0; pdc_history_kinds[i] != NULL; i++) {
		ok(pdc_history_kind_parse(pdc_history_kinds[i], &bits, &err) == 0,
		    "every kind is a kind");
		is_int(bits, 1u << i, "a kind's bit is its place in the list");
	}
	is_int(i, 7, "seven kinds");
	ok(pdc_history_kind_parse("sale,owner,tax", &bits, &err) == 0, "a list of kinds");
	is_int(bits, PDC_CHANGE_SALE | PDC_CHANGE_OWNER | PDC_CHANGE_TAX, "its bits");
	ok(pdc_history_kind_parse("sale,weather", &bits, &err) == -1, "an unknown kind");
	is_int(err.kind, PDC_E_INPUT, "is bad input");
	is_str(err.msg, "unknown kind \"weather\"", "named in the message");
	ok(pdc_history_kind_parse("", &bits, &err) == -1, "nothing is no kind");
	ok(pdc_history_kind_parse("sale,", &bits, &err) == -1, "nor is an empty last one");
	ok(pdc_history_kind_parse("Sale", &bits, &err) == -1, "kinds are lower case");
	ok(pdc_history_kind_parse("salesale", &bits, &err) == -1, "a kind is whole");
	return unit_done();
}
