#include "core/rd.h"

#include "core/banned.h"

bool cu_parse_u64(const char **p, const char *end, uint64_t max, uint64_t *out)
{
    const char *s = *p;
    uint64_t num = 0;
    if (s >= end || *s < '0' || *s > '9') {
        return false;
    }
    while (s < end && *s >= '0' && *s <= '9') {
        uint64_t d = (uint64_t)(*s - '0');
        if (num > (max - d) / 10) {
            return false;
        }
        num = num * 10 + d;
        s++;
    }
    *p = s;
    *out = num;
    return true;
}
