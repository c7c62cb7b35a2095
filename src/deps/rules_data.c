/* Data-driven deps/ checks: known-malicious versions, vulnerable versions, typosquats,
 * unknown (hallucinated) names, worm indicators. (Placeholder until Step 4 lands.) */
#include "deps/deps.h"
#include "core/banned.h"

void cu_deps_check_data(struct cu_ctx *ctx,
                        const struct cu_source *src,
                        const struct cu_depfile *df)
{
    (void)ctx;
    (void)src;
    (void)df;
}
