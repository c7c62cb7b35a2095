/* GGUF analyzer and the Jinja chat-template analyzer: benign fixtures (real chat templates,
 * v1/v2/v3 files) are clean, each malicious twin gives its finding at high or above, the
 * tokenizer handles Jinja's lexical corners, and a 10 GB sparse GGUF reads under 1 MB.
 * Fixtures: tests/fixtures/make_gguf.py. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/jinja.h"
#include "testutil.h"

/* ---- helpers ---- */

static custody_scan *scan_gguf(const char *name)
{
    char rel[256];
    int n = snprintf(rel, sizeof(rel), "gguf/%s", name);
    assert_true(n > 0 && (size_t)n < sizeof(rel));
    return tu_scan_fixture(rel);
}

struct hits {
    unsigned n[4];
    char last[256];
    unsigned line, col;
};

static int count_hit(void *ud, const struct cu_jinja_hit *h)
{
    struct hits *c = ud;
    c->n[h->kind]++;
    (void)snprintf(c->last, sizeof(c->last), "%s: %s", h->why, h->what);
    c->line = h->line;
    c->col = h->col;
    return 0;
}

static struct hits jinja(const char *t)
{
    struct hits c;
    memset(&c, 0, sizeof(c));
    assert_int_equal(cu_jinja_scan((const uint8_t *)t, strlen(t), count_hit, &c), 0);
    return c;
}

/* Calls fn on every file of tests/fixtures/gguf/templates/<sub>. Returns the file count. */
static size_t each_template(const char *sub, void (*fn)(const char *name, struct hits *h))
{
    char dir[4096];
    (void)snprintf(dir, sizeof(dir), "%s/gguf/templates/%s", CUSTODY_FIXTURES, sub);
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char path[8192];
        (void)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        size_t len;
        uint8_t *t = tu_slurp(path, &len);
        struct hits h;
        memset(&h, 0, sizeof(h));
        assert_int_equal(cu_jinja_scan(t, len, count_hit, &h), 0);
        fn(e->d_name, &h);
        free(t);
        count++;
    }
    closedir(d);
    return count;
}

/* ---- chat templates ---- */

static void benign_one(const char *name, struct hits *h)
{
    unsigned total = h->n[0] + h->n[1] + h->n[2] + h->n[3];
    if (total != 0) {
        printf("benign template %s: %s (line %u col %u)\n", name, h->last, h->line, h->col);
    }
    assert_int_equal(total, 0);
}

static void malicious_one(const char *name, struct hits *h)
{
    if (h->n[CU_JINJA_SSTI] == 0) {
        printf("malicious template %s not caught\n", name);
    }
    assert_true(h->n[CU_JINJA_SSTI] > 0);
}

static void real_chat_templates_are_clean(void **state)
{
    (void)state;
    assert_true(each_template("benign", benign_one) >= 8);
}

static void ssti_payloads_are_caught(void **state)
{
    (void)state;
    assert_true(each_template("malicious", malicious_one) >= 20);
}

static void tokenizer_corners(void **state)
{
    (void)state;
    struct hits h;
    /* '}}' inside a string and inside a dict literal do not end the tag. */
    h = jinja("{{ '}}' ~ x.__class__ }}");
    assert_int_equal(h.n[CU_JINJA_SSTI], 1);
    h = jinja("{{ {'a': {'b': 1}} }}{{ y.__mro__ }}");
    assert_int_equal(h.n[CU_JINJA_SSTI], 1);
    assert_non_null(strstr(h.last, "__mro__"));
    /* Whitespace control on both sides, and a '-' that is an operator. */
    h = jinja("{%- if a -%}{{- b - 1 -}}{%+ endif +%}");
    assert_int_equal(h.n[0] + h.n[1] + h.n[2] + h.n[3], 0);
    /* Comments and raw blocks are data. */
    h = jinja("{# {{ x.__class__ }} #}{% raw %}{{ x.__class__ }}{%- endraw -%}ok");
    assert_int_equal(h.n[0] + h.n[1] + h.n[2] + h.n[3], 0);
    /* Template data never matters, only tags. */
    h = jinja("__class__ os.popen lipsum {{ 'system' }}");
    assert_int_equal(h.n[0] + h.n[1] + h.n[2] + h.n[3], 0);
    /* Line and column of the finding. */
    h = jinja("a\nb\n  {{ x.__class__ }}");
    assert_int_equal(h.n[CU_JINJA_SSTI], 1);
    assert_int_equal(h.line, 3);
    assert_int_equal(h.col, 8);
    /* 'system' is a role in a string, an attack as an attribute. */
    h = jinja("{% if m.role == 'system' %}{% endif %}");
    assert_int_equal(h.n[CU_JINJA_SSTI], 0);
    h = jinja("{{ m.system('id') }}");
    assert_int_equal(h.n[CU_JINJA_SSTI], 1);
    /* namespace(): called is fine, as an object it is a gadget. */
    h = jinja("{% set ns = namespace(found=false) %}{% set ns.found = true %}{{ ns.found }}");
    assert_int_equal(h.n[CU_JINJA_SSTI], 0);
    h = jinja("{{ namespace|attr('x') }}");
    assert_int_equal(h.n[CU_JINJA_SSTI], 1);
    /* Tests are not variables: 'x is defined'. */
    h = jinja("{% if x is not defined or x is string %}{% endif %}");
    assert_int_equal(h.n[CU_JINJA_SSTI], 0);
    /* A lone '_' is ordinary text; repeated or joined into a dunder it is not. */
    h = jinja("{{ tool.name|replace('-', '_') }}");
    assert_int_equal(h.n[CU_JINJA_SSTI], 0);
    h = jinja("{{ x|attr('_'*2 ~ 'init' ~ '_'*2) }}");
    assert_true(h.n[CU_JINJA_SSTI] >= 1);
    /* include/extends load other templates. */
    h = jinja("{% include 'other.jinja' %}");
    assert_int_equal(h.n[CU_JINJA_INCLUDE], 1);
}

static void malformed_templates(void **state)
{
    (void)state;
    struct hits h;
    h = jinja("{{ x ");
    assert_int_equal(h.n[CU_JINJA_MALFORMED], 1);
    h = jinja("{{ 'abc }}");
    assert_int_equal(h.n[CU_JINJA_MALFORMED], 1);
    h = jinja("{# never closed");
    assert_int_equal(h.n[CU_JINJA_MALFORMED], 1);
    h = jinja("{{ a $ b }}");
    assert_int_equal(h.n[CU_JINJA_MALFORMED], 1);
    h = jinja("{{ a) }}");
    assert_int_equal(h.n[CU_JINJA_MALFORMED], 1);
    /* A payload before the damage is still reported. */
    h = jinja("{{ lipsum }}{{ 'x");
    assert_int_equal(h.n[CU_JINJA_SSTI], 1);
    assert_int_equal(h.n[CU_JINJA_MALFORMED], 1);
}

static int stop_hit(void *ud, const struct cu_jinja_hit *h)
{
    (void)h;
    (*(unsigned *)ud)++;
    return CUSTODY_ENOMEM;
}

static void callback_error_stops_the_scan(void **state)
{
    (void)state;
    unsigned calls = 0;
    const char *t = "{{ a.__class__ }}{{ b.__mro__ }}";
    assert_int_equal(cu_jinja_scan((const uint8_t *)t, strlen(t), stop_hit, &calls),
                     CUSTODY_ENOMEM);
    assert_int_equal(calls, 1);
}

static void hit_limit(void **state)
{
    (void)state;
    size_t n = 200 * 16 + 1;
    char *t = malloc(n);
    assert_non_null(t);
    for (size_t i = 0; i < 200; i++) {
        memcpy(t + i * 16, "{{ a.__init__ }}", 16);
    }
    t[n - 1] = '\0';
    struct hits h = jinja(t);
    assert_int_equal(h.n[CU_JINJA_SSTI], 64);
    free(t);
}

/* Inputs that would be quadratic with a naive scan (a run of underscores, deeply nested
 * subscripts, many hits far apart) finish quickly. */
static void pathological_templates_stay_linear(void **state)
{
    (void)state;
    size_t n = 2u << 20;
    char *t = malloc(n + 1);
    assert_non_null(t);
    memcpy(t, "{{ '", 4);
    memset(t + 4, '_', n - 8);
    memcpy(t + n - 4, "' }}", 4);
    t[n] = '\0';
    clock_t c0 = clock();
    struct hits h = jinja(t);
    assert_int_equal(h.n[CU_JINJA_SSTI], 1); /* a string of underscores */
    size_t depth = 200000;                   /* 400k tokens: under the per-tag token limit */
    memcpy(t, "{{ ", 3);
    for (size_t i = 0; i < depth; i++) {
        t[3 + 2 * i] = 'x';
        t[4 + 2 * i] = '[';
    }
    size_t k = 3 + 2 * depth;
    t[k] = '\0';
    h = jinja(t); /* unterminated: brackets never close */
    assert_int_equal(h.n[CU_JINJA_MALFORMED], 1);
    for (size_t i = 0; i < n; i++) {
        t[i] = (i % 4096 == 0) ? '\n' : ' ';
    }
    memcpy(t + n - 40, "{{ a.__init__ }}{{ b.__init__ }}", 32);
    t[n - 8] = '\0';
    h = jinja(t);
    assert_int_equal(h.n[CU_JINJA_SSTI], 2);
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    printf("pathological templates: %.2f s\n", secs);
    assert_true(secs < 20.0);
    free(t);
}

/* ---- GGUF fixtures ---- */

static void benign_gguf_clean(void **state)
{
    (void)state;
    static const char *const files[] = {
        "benign-v3-llama3.gguf",  "benign-v2-chatml.gguf",
        "benign-v1.gguf",         "benign-align64-templates.gguf",
        "benign-no-tensors.gguf", "hf-benign",
        "hf-benign-list",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        custody_scan *s = scan_gguf(files[i]);
        if (tu_count(s, NULL, CUSTODY_SEV_MEDIUM) != 0 || custody_scan_had_errors(s)) {
            printf("%s:\n", files[i]);
            tu_dump(s);
        }
        assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 0);
        assert_false(custody_scan_had_errors(s));
        if (strncmp(files[i], "hf-", 3) != 0) {
            assert_int_equal(tu_count(s, "gguf/facts", CUSTODY_SEV_INFO), 1);
            assert_int_equal(strcmp(custody_scan_file(s, 0)->format, "gguf"), 0);
        }
        custody_scan_free(s);
    }
}

static void gguf_facts_text(void **state)
{
    (void)state;
    custody_scan *s = scan_gguf("benign-align64-templates.gguf");
    assert_true(tu_has_text(s, "GGUF v3, architecture qwen3, 5 tensors", CUSTODY_SEV_INFO));
    /* 128 + 512 + 256 + 8 + 64 elements */
    assert_true(tu_has_text(s, "968 parameters", CUSTODY_SEV_INFO));
    assert_true(tu_has_text(s, "Q4_K x1", CUSTODY_SEV_INFO));
    assert_true(tu_has_text(s, "3 chat templates", CUSTODY_SEV_INFO));
    custody_scan_free(s);
}

static void malicious_gguf_twins(void **state)
{
    (void)state;
    static const struct {
        const char *file, *rule, *text;
    } cases[] = {
        { "mal-ssti-cve-2024-34359.gguf", "template/ssti", "__subclasses__" },
        { "mal-ssti-named-template.gguf", "template/ssti", "tokenizer.chat_template.tool_use" },
        { "mal-kv-count.gguf", "gguf/malformed", "key/values" },
        { "mal-tensor-count.gguf", "gguf/malformed", "tensors" },
        { "mal-string-past-eof.gguf", "gguf/malformed", "past the end" },
        { "mal-array-past-eof.gguf", "gguf/malformed", "past the end" },
        { "mal-misaligned.gguf", "gguf/tensor-layout", "not aligned" },
        { "mal-overlap.gguf", "gguf/tensor-layout", "overlaps" },
        { "mal-out-of-bounds.gguf", "gguf/tensor-layout", "output.weight" },
        { "mal-truncated-data.gguf", "gguf/tensor-layout", "past the end" },
        { "mal-duplicate-key.gguf", "gguf/duplicate-key", "general.architecture" },
        { "mal-duplicate-tensor.gguf", "gguf/duplicate-tensor", "output.weight" },
        { "mal-bad-alignment.gguf", "gguf/malformed", "power of two" },
        { "mal-unknown-type.gguf", "gguf/malformed", "unknown ggml type 77" },
        { "mal-value-type.gguf", "gguf/malformed", "unknown value type" },
        { "mal-dims.gguf", "gguf/malformed", "dimensions" },
        { "mal-name-too-long.gguf", "gguf/malformed", "name of 65 bytes" },
        { "mal-nesting.gguf", "scan/limit-exceeded", "nested" },
        { "hf-malicious", "template/ssti", "chat_template" },
        { "hf-malicious-list", "template/ssti", "tool_use" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        custody_scan *s = scan_gguf(cases[i].file);
        bool ok = tu_count(s, cases[i].rule, CUSTODY_SEV_HIGH) > 0 &&
                  tu_has_text(s, cases[i].text, CUSTODY_SEV_HIGH);
        if (!ok) {
            printf("%s: expected %s with '%s'\n", cases[i].file, cases[i].rule, cases[i].text);
            tu_dump(s);
        }
        assert_true(ok);
        custody_scan_free(s);
    }
}

/* ---- crafted headers ---- */

struct gb {
    uint8_t p[4096];
    size_t n;
};
static void gb_add(struct gb *b, const void *d, size_t n)
{
    assert_true(n <= sizeof(b->p) - b->n);
    memcpy(b->p + b->n, d, n);
    b->n += n;
}
static void gb_u32(struct gb *b, uint32_t v)
{
    uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    gb_add(b, x, 4);
}
static void gb_u64(struct gb *b, uint64_t v)
{
    gb_u32(b, (uint32_t)v);
    gb_u32(b, (uint32_t)(v >> 32));
}
static void gb_str(struct gb *b, const char *s)
{
    gb_u64(b, strlen(s));
    gb_add(b, s, strlen(s));
}
static void gb_hdr(struct gb *b, uint64_t nt, uint64_t nkv)
{
    b->n = 0;
    gb_add(b, "GGUF", 4);
    gb_u32(b, 3);
    gb_u64(b, nt);
    gb_u64(b, nkv);
}

static void crafted_headers(void **state)
{
    (void)state;
    struct gb b;
    custody_scan *s;

    /* Big-endian files are recognised and reported as unsupported. */
    b.n = 0;
    gb_add(&b, "GGUF\0\0\0\3", 8);
    gb_add(&b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    s = tu_scan_buffer("be.gguf", b.p, b.n);
    assert_int_equal(tu_count(s, "scan/unsupported", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);

    /* Unknown version. */
    b.n = 0;
    gb_add(&b, "GGUF\x09\0\0\0", 8);
    gb_add(&b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    s = tu_scan_buffer("v9.gguf", b.p, b.n);
    assert_int_equal(tu_count(s, "gguf/malformed", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);

    /* A bool that is neither 0 nor 1, a key with a control byte, a template that is not a
     * string, an empty key. */
    gb_hdr(&b, 0, 3);
    gb_str(&b, "custody.flag");
    gb_u32(&b, 7);
    gb_add(&b, "\x02", 1);
    gb_str(&b, "custody\x01key");
    gb_u32(&b, 0);
    gb_add(&b, "\x01", 1);
    gb_str(&b, "tokenizer.chat_template");
    gb_u32(&b, 4);
    gb_u32(&b, 1);
    s = tu_scan_buffer("odd.gguf", b.p, b.n);
    assert_int_equal(tu_count(s, "gguf/invalid-value", CUSTODY_SEV_MEDIUM), 2);
    assert_int_equal(tu_count(s, "gguf/bad-key", CUSTODY_SEV_MEDIUM), 1);
    assert_int_equal(tu_count(s, "gguf/malformed", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);

    gb_hdr(&b, 0, 1);
    gb_str(&b, "");
    gb_u32(&b, 0);
    gb_add(&b, "\x01", 1);
    s = tu_scan_buffer("empty-key.gguf", b.p, b.n);
    assert_int_equal(tu_count(s, "gguf/malformed", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);

    /* A duplicate key is reported even when the file breaks after it. */
    gb_hdr(&b, 0, 3);
    for (int i = 0; i < 2; i++) {
        gb_str(&b, "general.name");
        gb_u32(&b, 8);
        gb_str(&b, "x");
    }
    gb_str(&b, "custody.cut");
    gb_u32(&b, 8);
    gb_u64(&b, 1000);
    s = tu_scan_buffer("dup-then-cut.gguf", b.p, b.n);
    assert_int_equal(tu_count(s, "gguf/duplicate-key", CUSTODY_SEV_HIGH), 1);
    assert_int_equal(tu_count(s, "gguf/malformed", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);

    /* Tensors out of order but not overlapping: llama.cpp refuses, gguf-py reads. */
    gb_hdr(&b, 2, 0);
    gb_str(&b, "a");
    gb_u32(&b, 1);
    gb_u64(&b, 8);
    gb_u32(&b, 0);
    gb_u64(&b, 32);
    gb_str(&b, "b");
    gb_u32(&b, 1);
    gb_u64(&b, 8);
    gb_u32(&b, 0);
    gb_u64(&b, 0);
    while (b.n % 32 != 0) {
        gb_add(&b, "\0", 1);
    }
    for (int i = 0; i < 64; i++) {
        gb_add(&b, "\0", 1);
    }
    s = tu_scan_buffer("order.gguf", b.p, b.n);
    assert_int_equal(tu_count(s, "gguf/tensor-order", CUSTODY_SEV_MEDIUM), 1);
    assert_int_equal(tu_count(s, "gguf/tensor-layout", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
}

/* Every prefix of a benign file up to its last tensor's padding is a finding of high or
 * above, and none crashes. */
static void every_prefix_is_a_finding(void **state)
{
    (void)state;
    char path[4096];
    (void)snprintf(path, sizeof(path), "%s/gguf/benign-v3-llama3.gguf", CUSTODY_FIXTURES);
    size_t len;
    uint8_t *p = tu_slurp(path, &len);
    for (size_t l = 0; l + 96 < len; l += (l < 400 ? 1 : 7)) {
        custody_scan *s = tu_scan_buffer("cut.gguf", p, l);
        size_t hi = tu_count(s, NULL, CUSTODY_SEV_HIGH);
        if (l >= 4 && hi == 0) {
            printf("prefix %zu of %zu is clean\n", l, len);
            tu_dump(s);
        }
        assert_true(l < 4 || hi > 0);
        custody_scan_free(s);
    }
    free(p);
}

/* A 10 GB GGUF (sparse, made here) is judged from its metadata: under 1 MB read. */
static void sparse_10gb_reads_metadata_only(void **state)
{
    (void)state;
    struct gb b;
    gb_hdr(&b, 1, 2);
    gb_str(&b, "general.architecture");
    gb_u32(&b, 8);
    gb_str(&b, "llama");
    gb_str(&b, "tokenizer.chat_template");
    gb_u32(&b, 8);
    gb_str(&b, "{% for m in messages %}{{ m.content }}{% endfor %}");
    gb_str(&b, "token_embd.weight");
    gb_u32(&b, 2);
    gb_u64(&b, 65536);
    gb_u64(&b, 40960); /* 2^16 * 40960 * 4 bytes = 10 GiB of F32 */
    gb_u32(&b, 0);
    gb_u64(&b, 0);
    while (b.n % 32 != 0) {
        gb_add(&b, "\0", 1);
    }
    uint64_t total = (uint64_t)b.n + 65536ull * 40960ull * 4ull;

    custody_scan *s = tu_scan_sparse(b.p, b.n, total, NULL, 0);
    const custody_file *f = custody_scan_file(s, 0);
    printf("sparse GGUF of %llu bytes: read %llu\n", (unsigned long long)f->size,
           (unsigned long long)f->bytes_read);
    assert_int_equal(f->size, total);
    assert_true(f->bytes_read < (1u << 20));
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 0);
    assert_true(tu_has_text(s, "2684354560 parameters", CUSTODY_SEV_INFO));
    custody_scan_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_chat_templates_are_clean),
        cmocka_unit_test(ssti_payloads_are_caught),
        cmocka_unit_test(tokenizer_corners),
        cmocka_unit_test(malformed_templates),
        cmocka_unit_test(callback_error_stops_the_scan),
        cmocka_unit_test(hit_limit),
        cmocka_unit_test(pathological_templates_stay_linear),
        cmocka_unit_test(benign_gguf_clean),
        cmocka_unit_test(gguf_facts_text),
        cmocka_unit_test(malicious_gguf_twins),
        cmocka_unit_test(crafted_headers),
        cmocka_unit_test(every_prefix_is_a_finding),
        cmocka_unit_test(sparse_10gb_reads_metadata_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
