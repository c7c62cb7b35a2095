/* CRC-32 by folding: the message polynomial is reduced 512 bits at a time with carry-less
 * multiplication (four 128-bit lanes), the lanes are folded into one, and the last 16 bytes
 * plus the tail go through zlib, which sees a message congruent to the original modulo the
 * CRC polynomial and so returns the same CRC (no Barrett reduction needed here).
 *
 * The constants are, for the bit-reflected representation PCLMULQDQ works in,
 * reflect32(x^e mod P) << 1 with P = 0x104C11DB7: e = 512 + 32 and 512 - 32 fold a lane
 * over 64 bytes (low and high quadword), e = 128 + 32 and 128 - 32 over 16 bytes.
 * tests/unit/test_core.c checks every length and alignment against zlib. */
#include "core/crc32.h"

#include <zlib.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CU_CRC_FOLD 1
#include <immintrin.h>
#endif

#include "core/banned.h"

#ifdef CU_CRC_FOLD

#define K_544 0x154442bd4ULL
#define K_480 0x1c6e41596ULL
#define K_160 0x1751997d0ULL
#define K_96  0x0ccaa009eULL

__attribute__((target("pclmul,sse2"))) static inline __m128i fold(__m128i x, __m128i k, __m128i y)
{
    __m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
    __m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
    return _mm_xor_si128(_mm_xor_si128(lo, hi), y);
}

#define LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))

/* n >= 64 */
__attribute__((target("pclmul,sse2"))) static uint32_t
crc32_fold(uint32_t crc, const uint8_t *p, size_t n)
{
    const __m128i k64 = _mm_set_epi64x((long long)K_480, (long long)K_544);
    const __m128i k16 = _mm_set_epi64x((long long)K_96, (long long)K_160);
    /* zlib's crc is the complement of the raw remainder; the raw start state is the first
     * four message bytes' XOR mask. */
    __m128i x0 = _mm_xor_si128(LOAD(p), _mm_cvtsi32_si128((int)~crc));
    __m128i x1 = LOAD(p + 16);
    __m128i x2 = LOAD(p + 32);
    __m128i x3 = LOAD(p + 48);
    p += 64;
    n -= 64;
    while (n >= 64) {
        x0 = fold(x0, k64, LOAD(p));
        x1 = fold(x1, k64, LOAD(p + 16));
        x2 = fold(x2, k64, LOAD(p + 32));
        x3 = fold(x3, k64, LOAD(p + 48));
        p += 64;
        n -= 64;
    }
    x0 = fold(x0, k16, x1);
    x0 = fold(x0, k16, x2);
    x0 = fold(x0, k16, x3);
    while (n >= 16) {
        x0 = fold(x0, k16, LOAD(p));
        p += 16;
        n -= 16;
    }
    uint8_t rem[16];
    _mm_storeu_si128((__m128i *)(void *)rem, x0);
    /* raw state 0 = zlib's 0xffffffff */
    uLong c = crc32_z(0xffffffffUL, rem, sizeof(rem));
    return (uint32_t)crc32_z(c, p, n);
}

/* libgcc's constructor has filled in the CPU model by the time main runs. */
static int have_clmul(void)
{
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
}
#endif

uint32_t cu_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
#ifdef CU_CRC_FOLD
    if (n >= 64 && have_clmul()) {
        return crc32_fold(crc, p, n);
    }
#endif
    return (uint32_t)crc32_z(crc, p, n);
}
