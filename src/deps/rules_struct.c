/* Structure-driven deps/ checks: sources, transport, registry hosts, integrity, pinning,
 * install scripts, dependency confusion. (Placeholder until Step 4 lands.) */
#include "deps/deps.h"
#include "core/banned.h"

void cu_deps_check_struct(struct cu_ctx *ctx,
                          const struct cu_source *src,
                          const struct cu_depfile *df)
{
    (void)ctx;
    (void)src;
    (void)df;
}
