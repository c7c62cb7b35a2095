/* Placeholder analyzer so the registry is never empty during bring-up. Recognises nothing. */
#include "engine/engine.h"
#include "core/banned.h"

static bool stub_sniff(const struct cu_sniff *in)
{
    (void)in;
    return false;
}

static int stub_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    (void)ctx;
    (void)src;
    return 0;
}

const struct cu_analyzer cu_analyzer_stub = { "stub", NULL, stub_sniff, stub_analyze };
