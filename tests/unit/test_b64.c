/* Strict base64 (core/b64): canonical padded RFC 4648 only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/b64.h"
#include "core/error.h"

/* Decodes s; returns the rc and leaves the bytes in out/outlen. */
static int dec(const char *s, uint8_t *out, size_t *outlen)
{
    custody_error err;
    memset(&err, 0, sizeof(err));
    return cu_b64_decode(out, 64, outlen, s, strlen(s), &err);
}

static void decodes_rfc4648_vectors(void **state)
{
    (void)state;
    /* SPEC: RFC 4648 §10 test vectors. */
    static const char *const enc[] = { "",         "Zg==",     "Zm8=",    "Zm9v",
                                       "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
    static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
    for (size_t i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
        uint8_t out[64];
        size_t n = 99;
        assert_int_equal(dec(enc[i], out, &n), 0);
        assert_int_equal(n, strlen(plain[i]));
        if (n > 0) {
            assert_memory_equal(out, plain[i], n);
        }
        char *back = cu_b64_encode((const uint8_t *)plain[i], strlen(plain[i]));
        assert_non_null(back);
        assert_string_equal(back, enc[i]);
        free(back);
    }
}

static void empty_input_is_zero_bytes(void **state)
{
    (void)state;
    uint8_t *p = NULL;
    size_t n = 5;
    custody_error err;
    assert_int_equal(cu_b64_decode_alloc(&p, &n, "", 0, &err), 0);
    assert_non_null(p);
    assert_int_equal(n, 0);
    free(p);
}

static void rejects_bad_padding(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "Zg",       /* unpadded */
        "Zg=",      /* short padding */
        "Zm9",      /* length not a multiple of 4 */
        "Z===",     /* three pad characters */
        "====",     /* only padding */
        "Zg==Zg==", /* padding in the middle */
        "Zg=a",     /* symbol after padding */
        "Zh==",     /* pad bits set: non-canonical form of "f" */
        "Zm9=",     /* pad bits set in the two-byte form */
        "=Zg=",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint8_t out[64];
        size_t n = 0;
        assert_int_equal(dec(bad[i], out, &n), CUSTODY_EMALFORMED);
        assert_int_equal(n, 0);
    }
}

static void rejects_bad_characters_and_whitespace(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "Zm9v\n", "Zm 9v",   " Zm9v",  "Zm9v\r\nYmFy", "Zm9-", /* URL-safe alphabet */
        "Zm9_",   "Zm9\x80", "Zm\t9v",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint8_t out[64];
        size_t n = 0;
        assert_int_equal(dec(bad[i], out, &n), CUSTODY_EMALFORMED);
    }
    /* An embedded NUL is a bad character, not an end of input. */
    uint8_t out[8];
    size_t n = 0;
    custody_error err;
    assert_int_equal(cu_b64_decode(out, sizeof(out), &n, "Zm\0v", 4, &err), CUSTODY_EMALFORMED);
    assert_non_null(strstr(err.msg, "0x00"));
}

static void small_buffer_is_refused(void **state)
{
    (void)state;
    uint8_t out[2];
    size_t n = 0;
    custody_error err;
    assert_int_equal(cu_b64_decode(out, sizeof(out), &n, "Zm9v", 4, &err), CUSTODY_EINVAL);
}

static void round_trips_all_byte_values(void **state)
{
    (void)state;
    uint8_t data[256];
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(255 - i);
    }
    for (size_t len = 0; len <= sizeof(data); len += 37) {
        char *s = cu_b64_encode(data, len);
        uint8_t *back = NULL;
        size_t n = 0;
        custody_error err;
        assert_non_null(s);
        assert_int_equal(cu_b64_decode_alloc(&back, &n, s, strlen(s), &err), 0);
        assert_int_equal(n, len);
        if (len > 0) {
            assert_memory_equal(back, data, len);
        }
        free(back);
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_rfc4648_vectors),
        cmocka_unit_test(empty_input_is_zero_bytes),
        cmocka_unit_test(rejects_bad_padding),
        cmocka_unit_test(rejects_bad_characters_and_whitespace),
        cmocka_unit_test(small_buffer_is_refused),
        cmocka_unit_test(round_trips_all_byte_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
