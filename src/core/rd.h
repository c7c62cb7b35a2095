#ifndef CU_RD_H
#define CU_RD_H
/* A bounds-checked cursor over bytes in memory. Invariant: off <= len. Every read checks
 * `n > len - off` (never `off + n > len`) and moves only on success. Loads use memcpy, so
 * unaligned data is fine. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cu_rd {
    const uint8_t *p;
    size_t len;
    size_t off;
};

#define CU_RD_INIT(ptr, n)             \
    {                                  \
        (const uint8_t *)(ptr), (n), 0 \
    }

static inline uint16_t cu_load_u16le(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t cu_load_u32le(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}
static inline uint64_t cu_load_u64le(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}
static inline uint32_t cu_load_u32be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline size_t cu_rd_left(const struct cu_rd *rd)
{
    return rd->len - rd->off;
}
static inline bool cu_rd_skip(struct cu_rd *rd, size_t n)
{
    if (n > rd->len - rd->off) {
        return false;
    }
    rd->off += n;
    return true;
}
static inline bool cu_rd_u8(struct cu_rd *rd, uint8_t *out)
{
    if (rd->len - rd->off < 1) {
        return false;
    }
    *out = rd->p[rd->off++];
    return true;
}
static inline bool cu_rd_u16le(struct cu_rd *rd, uint16_t *out)
{
    if (rd->len - rd->off < 2) {
        return false;
    }
    *out = cu_load_u16le(rd->p + rd->off);
    rd->off += 2;
    return true;
}
static inline bool cu_rd_u32le(struct cu_rd *rd, uint32_t *out)
{
    if (rd->len - rd->off < 4) {
        return false;
    }
    *out = cu_load_u32le(rd->p + rd->off);
    rd->off += 4;
    return true;
}
static inline bool cu_rd_u64le(struct cu_rd *rd, uint64_t *out)
{
    if (rd->len - rd->off < 8) {
        return false;
    }
    *out = cu_load_u64le(rd->p + rd->off);
    rd->off += 8;
    return true;
}
/* Borrows n bytes: *out points into the buffer. */
static inline bool cu_rd_bytes(struct cu_rd *rd, size_t n, const uint8_t **out)
{
    if (n > rd->len - rd->off) {
        return false;
    }
    *out = rd->p + rd->off;
    rd->off += n;
    return true;
}

/* Parses a decimal number from [*p, end) no larger than max; moves *p only on success
 * (curl's strparse). Returns false on no digits or overflow. */
bool cu_parse_u64(const char **p, const char *end, uint64_t max, uint64_t *out);

#endif
