/* Hard-coded credentials (agents.h). (Placeholder until Step 5 lands: finds nothing.) */
#include "agents/agents.h"

#include "core/redact.h"
#include "core/banned.h"

size_t cu_secrets_find(const char *text, size_t len, struct cu_secret_hit *hits, size_t max)
{
    (void)text;
    (void)len;
    (void)hits;
    (void)max;
    return 0;
}

char *cu_secret_redact(const char *s, size_t len)
{
    return cu_redact(s, len);
}
