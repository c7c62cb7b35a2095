/* Hidden Unicode in text (agents.h). (Placeholder until Step 5 lands.) */
#include "agents/agents.h"
#include "core/banned.h"

void cu_text_check_unicode(struct cu_ctx *ctx,
                           const struct cu_source *src,
                           const char *text,
                           size_t len,
                           uint32_t first_line,
                           const char *family)
{
    (void)ctx;
    (void)src;
    (void)text;
    (void)len;
    (void)first_line;
    (void)family;
}
