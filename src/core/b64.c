/* Strict base64: see b64.h for what is accepted. */
#include "core/b64.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "core/banned.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Value of a base64 symbol, or -1 for anything else (including '=' and whitespace). */
static int b64_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

size_t cu_b64_decoded_max(size_t inlen)
{
    return inlen / 4 * 3;
}

int cu_b64_decode(
    uint8_t *out, size_t cap, size_t *outlen, const char *in, size_t inlen, custody_error *err)
{
    size_t o = 0;

    *outlen = 0;
    /* SPEC: RFC 4648 §4: padded output is a whole number of 4-character quanta. */
    if (inlen % 4 != 0) {
        return cu_err_malformed(err, "base64", inlen, "base64 length %zu is not a multiple of 4",
                                inlen);
    }
    if (cap < cu_b64_decoded_max(inlen)) {
        return cu_err_inval(err, "base64 output buffer too small");
    }
    for (size_t i = 0; i < inlen; i += 4) {
        const bool last = inlen - i == 4;
        int v[4];
        size_t pad = 0;

        for (size_t k = 0; k < 4; k++) {
            const unsigned char c = (unsigned char)in[i + k];
            if (c == '=' && last && k >= 2) {
                /* '=' only in the last two positions of the final quantum, and once it starts
                 * everything after it is '=' too. */
                pad++;
                v[k] = 0;
                continue;
            }
            if (pad > 0) {
                return cu_err_malformed(err, "base64", i + k,
                                        "base64 symbol after padding at offset %zu", i + k);
            }
            v[k] = b64_val(c);
            if (v[k] < 0) {
                return cu_err_malformed(err, "base64", i + k,
                                        "invalid base64 character 0x%02x at offset %zu", c, i + k);
            }
        }
        /* SPEC: RFC 4648 §3.5: the pad bits of the last symbol are zero in canonical form. */
        if ((pad == 1 && (v[2] & 0x3) != 0) || (pad == 2 && (v[1] & 0xf) != 0)) {
            return cu_err_malformed(err, "base64", i, "non-canonical base64: pad bits set");
        }
        const uint32_t w = ((uint32_t)v[0] << 18) | ((uint32_t)v[1] << 12) | ((uint32_t)v[2] << 6) |
                           (uint32_t)v[3];
        out[o++] = (uint8_t)(w >> 16);
        if (pad < 2) {
            out[o++] = (uint8_t)(w >> 8);
        }
        if (pad < 1) {
            out[o++] = (uint8_t)w;
        }
    }
    *outlen = o;
    return 0;
}

int cu_b64_decode_alloc(
    uint8_t **out, size_t *outlen, const char *in, size_t inlen, custody_error *err)
{
    const size_t cap = cu_b64_decoded_max(inlen);
    uint8_t *buf = cu_malloc(cap > 0 ? cap : 1);
    int rc;

    *out = NULL;
    *outlen = 0;
    if (buf == NULL) {
        return cu_err_nomem(err);
    }
    rc = cu_b64_decode(buf, cap, outlen, in, inlen, err);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    *out = buf;
    return 0;
}

char *cu_b64_encode(const uint8_t *data, size_t n)
{
    size_t quanta = n / 3 + (n % 3 != 0);
    size_t len;
    char *s;
    size_t o = 0;

    if (__builtin_mul_overflow(quanta, (size_t)4, &len) || len == SIZE_MAX) {
        return NULL;
    }
    s = cu_malloc(len + 1);
    if (s == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n; i += 3) {
        const size_t left = n - i;
        uint32_t w = (uint32_t)data[i] << 16;
        if (left > 1) {
            w |= (uint32_t)data[i + 1] << 8;
        }
        if (left > 2) {
            w |= data[i + 2];
        }
        s[o++] = b64_alphabet[(w >> 18) & 0x3f];
        s[o++] = b64_alphabet[(w >> 12) & 0x3f];
        s[o++] = left > 1 ? b64_alphabet[(w >> 6) & 0x3f] : '=';
        s[o++] = left > 2 ? b64_alphabet[w & 0x3f] : '=';
    }
    s[o] = '\0';
    return s;
}
