#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

int
pdc_err_set(struct pdc_err *err, enum pdc_errkind kind, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->kind = kind;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void
pdc_err_clear(struct pdc_err *err)
{
	if (err == NULL)
		return;
	err->kind = PDC_OK;
	err->retry_after = 0;
	err->msg[0] = '\0';
}

const char *
pdc_err_kindname(enum pdc_errkind kind)
{
	switch (kind) {
	case PDC_OK:		return "ok";
	case PDC_E_TRANSIENT:	return "transient";
	case PDC_E_PERMANENT:	return "permanent";
	case PDC_E_AUTH:	return "auth";
	case PDC_E_UNAVAILABLE:	return "unavailable";
	case PDC_E_CONFIG:	return "config";
	case PDC_E_INPUT:	return "input";
	case PDC_E_FENCED:	return "fenced";
	case PDC_E_SYSTEM:	return "system";
	case PDC_E_CANCELLED:	return "cancelled";
	}
	return "unknown";
}
