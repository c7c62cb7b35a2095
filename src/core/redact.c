#include "core/redact.h"

#include <openssl/sha.h>

#include "core/util.h"
#include "core/banned.h"

char *cu_redact(const char *s, size_t len)
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    (void)SHA256((const unsigned char *)s, len, md);
    int keep = len >= 8 ? 4 : (int)(len / 2);
    return cu_asprintf("%.*s\xe2\x80\xa6sha256:%02x%02x%02x%02x%02x%02x", keep, s, md[0], md[1],
                       md[2], md[3], md[4], md[5]);
}
