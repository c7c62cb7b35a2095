/* Merkle proofs (provenance/merkle): every transparency-dev/merkle inclusion and consistency
 * probe under shared/interop/merkle, plus an exhaustive check against a reference tree built
 * here from the RFC 9162 definitions (MTH, PATH, PROOF). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/b64.h"
#include "core/error.h"
#include "core/rd.h"
#include "provenance/merkle.h"

#define MAX_PROOF 80

/* One decoded probe field. */
struct blob {
    uint8_t *p;
    size_t len;
};

static struct blob b64field(json_t *obj, const char *key)
{
    struct blob b = { NULL, 0 };
    json_t *v = json_object_get(obj, key);
    custody_error err;
    assert_true(json_is_string(v));
    assert_int_equal(
        cu_b64_decode_alloc(&b.p, &b.len, json_string_value(v), json_string_length(v), &err), 0);
    return b;
}

/* The probes hold sizes up to 2^64 - 1, beyond jansson's json_int_t: load_probe turns every
 * unsigned integer value into a string, read here with cu_parse_u64. */
static uint64_t u64field(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    uint64_t out = 0;
    assert_true(json_is_string(v));
    const char *p = json_string_value(v);
    const char *end = p + json_string_length(v);
    assert_true(cu_parse_u64(&p, end, UINT64_MAX, &out));
    assert_ptr_equal(p, end);
    return out;
}

static json_t *load_probe(const char *path)
{
    FILE *f = fopen(path, "rb");
    char text[16384], quoted[20000];
    size_t n, o = 0;
    json_error_t jerr;
    json_t *j;

    assert_non_null(f);
    n = fread(text, 1, sizeof(text) - 1, f);
    assert_true(n < sizeof(text) - 1);
    fclose(f);
    /* A value starts after ':' and spaces; the probes have no ':' inside strings. */
    bool after_colon = false;
    for (size_t i = 0; i < n; i++) {
        assert_true(o < sizeof(quoted) - 48);
        if (after_colon && text[i] >= '0' && text[i] <= '9') {
            quoted[o++] = '"';
            while (i < n && text[i] >= '0' && text[i] <= '9' && o < sizeof(quoted) - 8) {
                quoted[o++] = text[i++];
            }
            quoted[o++] = '"';
            after_colon = false;
            if (i >= n) {
                break;
            }
        }
        if (text[i] == ':') {
            after_colon = true;
        } else if (text[i] != ' ') {
            after_colon = false;
        }
        quoted[o++] = text[i];
    }
    j = json_loadb(quoted, o, 0, &jerr);
    if (j == NULL) {
        fail_msg("%s: %s", path, jerr.text);
    }
    return j;
}

struct tally {
    size_t inclusion, consistency, failed, want_err;
};

static void run_probe(const char *path, struct tally *t)
{
    json_t *j = load_probe(path);
    struct blob proof[MAX_PROOF];
    struct cu_bytes refs[MAX_PROOF];
    size_t nproof = 0;
    custody_error err;
    int rc;
    bool want_err;

    want_err = json_is_true(json_object_get(j, "wantErr"));
    assert_true(want_err || json_is_false(json_object_get(j, "wantErr")));
    json_t *pj = json_object_get(j, "proof");
    if (!json_is_null(pj)) { /* "proof": null means an empty proof */
        assert_true(json_is_array(pj));
        nproof = json_array_size(pj);
        assert_true(nproof <= MAX_PROOF);
        for (size_t i = 0; i < nproof; i++) {
            json_t *e = json_array_get(pj, i);
            assert_true(json_is_string(e));
            assert_int_equal(cu_b64_decode_alloc(&proof[i].p, &proof[i].len, json_string_value(e),
                                                 json_string_length(e), &err),
                             0);
            refs[i] = (struct cu_bytes){ proof[i].p, proof[i].len };
        }
    }
    memset(&err, 0, sizeof(err));
    if (json_object_get(j, "leafIdx") != NULL) {
        struct blob leaf = b64field(j, "leafHash"), root = b64field(j, "root");
        rc = cu_merkle_verify_inclusion(u64field(j, "leafIdx"), u64field(j, "treeSize"),
                                        (struct cu_bytes){ leaf.p, leaf.len }, refs, nproof,
                                        (struct cu_bytes){ root.p, root.len }, &err);
        free(leaf.p);
        free(root.p);
        t->inclusion++;
    } else {
        struct blob r1 = b64field(j, "root1"), r2 = b64field(j, "root2");
        rc = cu_merkle_verify_consistency(u64field(j, "size1"), u64field(j, "size2"), refs, nproof,
                                          (struct cu_bytes){ r1.p, r1.len },
                                          (struct cu_bytes){ r2.p, r2.len }, &err);
        free(r1.p);
        free(r2.p);
        t->consistency++;
    }
    /* A failure is a verification failure with a reason, never another error. */
    assert_true(rc == 0 || rc == CU_EVERIFY);
    if (rc == CU_EVERIFY) {
        assert_int_equal(err.code, CU_EVERIFY);
        assert_true(err.msg[0] != '\0');
    }
    if ((rc != 0) != want_err) {
        print_error("FAIL %s: rc %d, wantErr %d (%s)\n", path, rc, want_err, err.msg);
        t->failed++;
    }
    t->want_err += want_err ? 1u : 0u;
    for (size_t i = 0; i < nproof; i++) {
        free(proof[i].p);
    }
    json_decref(j);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every *.json under dir, recursively, in name order. */
static void run_dir(const char *dir, struct tally *t)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char *names[256];
    size_t n = 0;

    if (d == NULL) {
        fail_msg("cannot open %s", dir);
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        assert_true(n < 256);
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(names[0]), name_cmp);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        assert_int_equal(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            run_dir(path, t);
        } else if (strlen(names[i]) > 5 && strcmp(names[i] + strlen(names[i]) - 5, ".json") == 0) {
            run_probe(path, t);
        }
        free(names[i]);
    }
}

static void transparency_dev_inclusion_vectors(void **state)
{
    (void)state;
    struct tally t = { 0 };
    run_dir(CUSTODY_SHARED_DIR "/interop/merkle/inclusion", &t);
    print_message("merkle inclusion: %zu probes (%zu wantErr), %zu wrong\n", t.inclusion,
                  t.want_err, t.failed);
    assert_int_equal(t.inclusion, 98);
    assert_int_equal(t.consistency, 0);
    assert_int_equal(t.want_err, 92);
    assert_int_equal(t.failed, 0);
}

static void transparency_dev_consistency_vectors(void **state)
{
    (void)state;
    struct tally t = { 0 };
    run_dir(CUSTODY_SHARED_DIR "/interop/merkle/consistency", &t);
    print_message("merkle consistency: %zu probes (%zu wantErr), %zu wrong\n", t.consistency,
                  t.want_err, t.failed);
    assert_int_equal(t.consistency, 98);
    assert_int_equal(t.inclusion, 0);
    assert_int_equal(t.want_err, 92);
    assert_int_equal(t.failed, 0);
}

/* Reference tree from the RFC 9162 §2.1.1 definitions, over leaves "leaf-<i>". */
#define REF_LEAVES 33
static uint8_t ref_leaf[REF_LEAVES][CU_MERKLE_HASH_LEN];

static uint64_t ref_split(uint64_t n) /* largest power of 2 smaller than n (n > 1) */
{
    uint64_t k = 1;
    while (k << 1 < n) {
        k <<= 1;
    }
    return k;
}

/* MTH(D[lo:lo+n]) */
static void ref_mth(uint8_t out[CU_MERKLE_HASH_LEN], uint64_t lo, uint64_t n)
{
    if (n == 1) {
        memcpy(out, ref_leaf[lo], CU_MERKLE_HASH_LEN);
        return;
    }
    uint8_t l[CU_MERKLE_HASH_LEN], r[CU_MERKLE_HASH_LEN];
    const uint64_t k = ref_split(n);
    ref_mth(l, lo, k);
    ref_mth(r, lo + k, n - k);
    assert_int_equal(cu_merkle_node_hash(out, l, r), 0);
}

/* PATH(m, D[lo:lo+n]) appended to p[*np] */
static void
ref_path(uint8_t p[][CU_MERKLE_HASH_LEN], size_t *np, uint64_t m, uint64_t lo, uint64_t n)
{
    if (n <= 1) {
        return;
    }
    const uint64_t k = ref_split(n);
    if (m < k) {
        ref_path(p, np, m, lo, k);
        ref_mth(p[(*np)++], lo + k, n - k);
    } else {
        ref_path(p, np, m - k, lo + k, n - k);
        ref_mth(p[(*np)++], lo, k);
    }
}

/* SUBPROOF(m, D[lo:lo+n], b) */
static void ref_subproof(
    uint8_t p[][CU_MERKLE_HASH_LEN], size_t *np, uint64_t m, uint64_t lo, uint64_t n, int b)
{
    if (m == n) {
        if (!b) {
            ref_mth(p[(*np)++], lo, n);
        }
        return;
    }
    const uint64_t k = ref_split(n);
    if (m <= k) {
        ref_subproof(p, np, m, lo, k, b);
        ref_mth(p[(*np)++], lo + k, n - k);
    } else {
        ref_subproof(p, np, m - k, lo + k, n - k, 0);
        ref_mth(p[(*np)++], lo, k);
    }
}

static void reference_tree_all_sizes(void **state)
{
    (void)state;
    uint8_t p[MAX_PROOF][CU_MERKLE_HASH_LEN];
    struct cu_bytes refs[MAX_PROOF + 1];
    custody_error err;

    for (int i = 0; i < REF_LEAVES; i++) {
        char s[16];
        const int n = snprintf(s, sizeof(s), "leaf-%d", i);
        assert_int_equal(cu_merkle_leaf_hash(ref_leaf[i], (const uint8_t *)s, (size_t)n), 0);
    }
    for (uint64_t size = 1; size <= REF_LEAVES; size++) {
        uint8_t root[CU_MERKLE_HASH_LEN];
        ref_mth(root, 0, size);
        const struct cu_bytes rootb = { root, sizeof(root) };
        for (uint64_t m = 0; m < size; m++) {
            size_t np = 0;
            ref_path(p, &np, m, 0, size);
            for (size_t i = 0; i < np; i++) {
                refs[i] = (struct cu_bytes){ p[i], CU_MERKLE_HASH_LEN };
            }
            const struct cu_bytes leaf = { ref_leaf[m], CU_MERKLE_HASH_LEN };
            assert_int_equal(cu_merkle_verify_inclusion(m, size, leaf, refs, np, rootb, &err), 0);
            /* wrong index, one node short, one node extra, a flipped bit: all refused */
            if (size > 1) {
                assert_int_equal(
                    cu_merkle_verify_inclusion((m + 1) % size, size, leaf, refs, np, rootb, &err),
                    CU_EVERIFY);
                assert_int_equal(
                    cu_merkle_verify_inclusion(m, size, leaf, refs, np - 1, rootb, &err),
                    CU_EVERIFY);
                p[np - 1][7] ^= 0x10;
                assert_int_equal(cu_merkle_verify_inclusion(m, size, leaf, refs, np, rootb, &err),
                                 CU_EVERIFY);
                p[np - 1][7] ^= 0x10;
            }
            refs[np] = refs[0];
            assert_int_equal(cu_merkle_verify_inclusion(m, size, leaf, refs, np + 1, rootb, &err),
                             CU_EVERIFY);
            assert_int_equal(cu_merkle_verify_inclusion(size, size, leaf, refs, np, rootb, &err),
                             CU_EVERIFY);
        }
        for (uint64_t m = 1; m <= size; m++) {
            uint8_t root1[CU_MERKLE_HASH_LEN];
            size_t np = 0;
            ref_mth(root1, 0, m);
            const struct cu_bytes r1 = { root1, sizeof(root1) };
            if (m < size) {
                ref_subproof(p, &np, m, 0, size, 1);
            }
            for (size_t i = 0; i < np; i++) {
                refs[i] = (struct cu_bytes){ p[i], CU_MERKLE_HASH_LEN };
            }
            assert_int_equal(cu_merkle_verify_consistency(m, size, refs, np, r1, rootb, &err), 0);
            if (m < size) {
                /* swapped roots, a short proof, an extra node, a flipped bit */
                assert_int_equal(cu_merkle_verify_consistency(m, size, refs, np, rootb, r1, &err),
                                 CU_EVERIFY);
                assert_int_equal(
                    cu_merkle_verify_consistency(m, size, refs, np - 1, r1, rootb, &err),
                    CU_EVERIFY);
                refs[np] = refs[0];
                assert_int_equal(
                    cu_merkle_verify_consistency(m, size, refs, np + 1, r1, rootb, &err),
                    CU_EVERIFY);
                p[0][0] ^= 1;
                assert_int_equal(cu_merkle_verify_consistency(m, size, refs, np, r1, rootb, &err),
                                 CU_EVERIFY);
                p[0][0] ^= 1;
            }
        }
    }
}

static void hash_lengths_are_checked(void **state)
{
    (void)state;
    uint8_t h[CU_MERKLE_HASH_LEN + 1] = { 0 };
    custody_error err;
    /* a 33-byte leaf hash and a 31-byte proof node are refused before hashing */
    assert_int_equal(cu_merkle_verify_inclusion(0, 1, (struct cu_bytes){ h, 33 }, NULL, 0,
                                                (struct cu_bytes){ h, 32 }, &err),
                     CU_EVERIFY);
    struct cu_bytes node = { h, 31 };
    assert_int_equal(cu_merkle_verify_inclusion(0, 2, (struct cu_bytes){ h, 32 }, &node, 1,
                                                (struct cu_bytes){ h, 32 }, &err),
                     CU_EVERIFY);
    assert_non_null(strstr(err.msg, "31 bytes"));
    /* index at the size, and the largest size */
    assert_int_equal(cu_merkle_verify_inclusion(UINT64_MAX, UINT64_MAX, (struct cu_bytes){ h, 32 },
                                                NULL, 0, (struct cu_bytes){ h, 32 }, &err),
                     CU_EVERIFY);
    assert_int_equal(cu_merkle_verify_inclusion(UINT64_MAX - 1, UINT64_MAX,
                                                (struct cu_bytes){ h, 32 }, NULL, 0,
                                                (struct cu_bytes){ h, 32 }, &err),
                     CU_EVERIFY);
    assert_int_equal(cu_merkle_verify_consistency(UINT64_MAX - 1, UINT64_MAX, &node, 1,
                                                  (struct cu_bytes){ h, 32 },
                                                  (struct cu_bytes){ h, 32 }, &err),
                     CU_EVERIFY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transparency_dev_inclusion_vectors),
        cmocka_unit_test(transparency_dev_consistency_vectors),
        cmocka_unit_test(reference_tree_all_sizes),
        cmocka_unit_test(hash_lengths_are_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
