/* The sources a full collection uses, in the order the collector runs them. */
#include <stddef.h>

#include "../source.h"
#include "assessor.h"
#include "recorder.h"
#include "treasurer.h"

/* the recorder reads the assessor's owner and deed: it must come after it */
const struct pdc_source *const pdc_sources[] = {
	&pdc_source_assessor,
	&pdc_source_treasurer,
	&pdc_source_recorder,
	NULL
};
