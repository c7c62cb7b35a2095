/* joblib support. STUB during bring-up: recognises nothing; the models work replaces it. */
#include "formats/joblib.h"
#include "core/banned.h"

int cu_joblib_after_build(void *ud, struct cu_ctx *ctx, struct cu_stream *st,
                          const struct cu_pv *obj)
{
    (void)ud;
    (void)ctx;
    (void)st;
    (void)obj;
    return 0;
}

static bool zf_sniff(const struct cu_sniff *in)
{
    (void)in;
    return false;
}

static int zf_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    (void)ctx;
    (void)src;
    return 0;
}

const struct cu_analyzer cu_analyzer_joblib_zf = { "joblib-zf", NULL, zf_sniff, zf_analyze };
