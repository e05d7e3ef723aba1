/* The sources a full collection uses, in the order the collector runs them. */
#include <stddef.h>

#include "../source.h"
#include "assessor.h"

const struct pdc_source *const pdc_sources[] = { &pdc_source_assessor, NULL };
