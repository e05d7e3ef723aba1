/* TEMPORARY stub of the partial-parts contract, until main has it. */
#include <stdarg.h>
#include "record.h"

int
pdc_record_partial(struct pdc_record *rec, unsigned part, const char *fmt, ...)
{
	(void)rec;
	(void)part;
	(void)fmt;
	return 0;
}
