#include "fetch.h"

int
pdc_fetch(struct pdc_source_ctx *ctx, const char *source, const char *key, const char *url,
    const char *const *headers, struct pdc_response *res, struct pdc_err *err)
{
	(void)source;
	(void)key;
	ctx->requests++;
	return pdc_http_get(ctx->http, url, headers, res, err);
}
