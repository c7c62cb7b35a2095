/* The pickle VM on hand-assembled opcode streams (payloads are harmless strings; nothing is
 * ever executed). The vectors were checked with CPython's pickletools where they are valid.
 *
 * This test links its own analyzer registry (below) so it can reach the VM's options (probe,
 * torch, hooks) through the engine: a file named "probe:...", "torch:..." or "hook:..." goes to
 * a test analyzer that calls cu_pickle_scan() with those options; everything else goes to the
 * real pickle analyzer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/b64.h"
#include "core/limits.h"

#include "formats/pickle.h"
#include "testutil.h"

/* ---- test registry ---- */

static bool name_has_prefix(const struct cu_sniff *in, const char *prefix)
{
    return in->depth == 0 && in->name != NULL && strncmp(in->name, prefix, strlen(prefix)) == 0;
}

static int probe_rc; /* what the last probe scan returned */

static bool probe_sniff(const struct cu_sniff *in)
{
    return name_has_prefix(in, "probe:");
}
static int probe_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct cu_pickle_opts o = { .single = true, .probe = true };
    probe_rc = cu_pickle_scan(ctx, src, 0, &o, NULL);
    return probe_rc == CUSTODY_EMALFORMED ? 0 : probe_rc;
}

static bool torch_sniff(const struct cu_sniff *in)
{
    return name_has_prefix(in, "torch:");
}
static int torch_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct cu_pickle_opts o = { .torch = true };
    return cu_pickle_scan(ctx, src, 0, &o, NULL);
}

/* A hook that checks the value API and consumes 4 raw bytes after each built OrderedDict. */
static struct {
    int calls;
    char module[64], name[64];
    int64_t shape0, shape1;
    size_t shape_len;
    char dtype[16];
} hook_seen;

static int
test_after_build(void *ud, struct cu_ctx *ctx, struct cu_stream *st, const struct cu_pv *obj)
{
    (void)ctx;
    assert_ptr_equal(ud, &hook_seen);
    hook_seen.calls++;
    const char *m, *n;
    if (!cu_pv_global(obj, &m, &n)) {
        return 0;
    }
    (void)snprintf(hook_seen.module, sizeof(hook_seen.module), "%s", m);
    (void)snprintf(hook_seen.name, sizeof(hook_seen.name), "%s", n);
    assert_int_equal(cu_pv_kind(obj), CU_PV_CALL);
    assert_non_null(cu_pv_call_args(obj));
    assert_int_equal(cu_pv_kind(cu_pv_call_callable(obj)), CU_PV_GLOBAL);
    const struct cu_pv *state = cu_pv_call_state(obj);
    assert_non_null(state);
    assert_int_equal(cu_pv_kind(state), CU_PV_DICT);
    const struct cu_pv *shape = cu_pv_dict_get(state, "shape");
    assert_non_null(shape);
    hook_seen.shape_len = cu_pv_len(shape);
    assert_true(cu_pv_int(cu_pv_item(shape, 0), &hook_seen.shape0));
    assert_true(cu_pv_int(cu_pv_item(shape, 1), &hook_seen.shape1));
    assert_null(cu_pv_item(shape, 2));
    const uint8_t *p;
    size_t len;
    uint64_t full;
    assert_true(cu_pv_bytes(cu_pv_dict_get(state, "dtype"), &p, &len, &full));
    assert_int_equal(len, full);
    assert_true(len < sizeof(hook_seen.dtype));
    memcpy(hook_seen.dtype, p, len);
    hook_seen.dtype[len] = '\0';
    assert_null(cu_pv_dict_get(state, "missing"));
    return cu_stream_skip(st, 4); /* raw data written after the object */
}
static const struct cu_pickle_hooks test_hooks = { test_after_build, &hook_seen };

static bool hook_sniff(const struct cu_sniff *in)
{
    return name_has_prefix(in, "hook:");
}
static int hook_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct cu_pickle_opts o = { .hooks = &test_hooks };
    return cu_pickle_scan(ctx, src, 0, &o, NULL);
}

/* A hook that reads an inline pickle after each BUILD (joblib object arrays do this). */
static int inline_rc;
static int
inline_after_build(void *ud, struct cu_ctx *ctx, struct cu_stream *st, const struct cu_pv *obj)
{
    (void)ud;
    (void)obj;
    struct cu_pickle_opts o = { .single = true };
    inline_rc = cu_pickle_scan_stream(ctx, st, &o);
    return inline_rc;
}
static const struct cu_pickle_hooks inline_hooks = { inline_after_build, NULL };
static bool inline_sniff(const struct cu_sniff *in)
{
    return name_has_prefix(in, "inline:");
}
static int inline_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct cu_pickle_opts o = { .hooks = &inline_hooks };
    return cu_pickle_scan(ctx, src, 0, &o, NULL);
}
static const struct cu_analyzer inline_an = { "pickle", NULL, inline_sniff, inline_analyze };

static const struct cu_analyzer probe_an = { "pickle", NULL, probe_sniff, probe_analyze };
static const struct cu_analyzer torch_an = { "pickle", NULL, torch_sniff, torch_analyze };
static const struct cu_analyzer hook_an = { "pickle", NULL, hook_sniff, hook_analyze };

const struct cu_analyzer *const cu_registry[] = { &probe_an, &torch_an, &hook_an, &inline_an,
                                                  &cu_analyzer_pickle };
const size_t cu_registry_len = sizeof(cu_registry) / sizeof(cu_registry[0]);

/* ---- helpers ---- */

struct vec {
    const char *p;
    size_t n;
};
#define V(lit)                 \
    {                          \
        (lit), sizeof(lit) - 1 \
    }
#define SCAN_VEC(name, v)  tu_scan_buffer((name), (const uint8_t *)(v).p, (v).n)
#define SCAN_AS(name, lit) tu_scan_buffer((name), (const uint8_t *)(lit), sizeof(lit) - 1)
#define SCAN(lit)          SCAN_AS("t.pkl", lit)

static const custody_finding *find_rule(const custody_scan *s, const char *rule)
{
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        if (strcmp(f->rule_id, rule) == 0) {
            return f;
        }
    }
    return NULL;
}

static void expect_call(const custody_scan *s, const char *evidence)
{
    if (tu_count(s, "pickle/dangerous-call", CUSTODY_SEV_CRITICAL) == 0 ||
        !tu_has_text(s, evidence, CUSTODY_SEV_CRITICAL)) {
        tu_dump(s);
        fail_msg("expected a critical dangerous-call with evidence %s", evidence);
    }
}

static void expect_clean(const custody_scan *s)
{
    if (tu_count(s, NULL, CUSTODY_SEV_INFO) != 0) {
        tu_dump(s);
        fail_msg("expected no findings");
    }
    assert_string_equal(custody_scan_file(s, 0)->format, "pickle");
}

#define OS_SYSTEM_P0 "cos\nsystem\n(S'echo custody-test'\ntR."

/* ---- imports however spelled ---- */

static void global_reduce_protocol0(void **state)
{
    (void)state;
    custody_scan *s = SCAN(OS_SYSTEM_P0);
    expect_call(s, "os.system('echo custody-test')");
    assert_int_equal(tu_count(s, "pickle/dangerous-import", CUSTODY_SEV_CRITICAL), 1);
    const custody_finding *f = find_rule(s, "pickle/dangerous-call");
    assert_int_equal(f->offset, 34); /* the REDUCE opcode */
    assert_int_equal(tu_count(s, "pickle/malformed", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
}

static void inst_and_obj(void **state)
{
    (void)state;
    custody_scan *s = SCAN("(S'echo custody-test'\nios\nsystem\n.");
    expect_call(s, "os.system('echo custody-test')");
    custody_scan_free(s);
    s = SCAN("(cposix\nsystem\nS'echo custody-test'\no.");
    expect_call(s, "posix.system('echo custody-test')");
    custody_scan_free(s);
}

static void newobj_and_newobj_ex(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x02"
                           "cos\nsystem\nS'echo custody-test'\n\x85\x81.");
    expect_call(s, "os.system('echo custody-test')");
    custody_scan_free(s);
    s = SCAN("\x80\x04"
             "cos\nsystem\n)}\x8c\x03"
             "cmd\x8c\x11"
             "echo custody-test"
             "s\x92.");
    expect_call(s, "os.system(cmd='echo custody-test')");
    custody_scan_free(s);
}

static void stack_global(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x04\x8c\x02"
                           "os\x94\x8c\x06"
                           "system\x94\x93\x94\x8c\x11"
                           "echo custody-test\x94\x85\x94R\x94.");
    expect_call(s, "os.system('echo custody-test')");
    assert_true(tu_has_text(s, "STACK_GLOBAL", CUSTODY_SEV_CRITICAL));
    custody_scan_free(s);
}

static void stack_global_from_memo(void **state)
{
    (void)state;
    /* 'os' and 'system' are memoised, popped, and fetched back with BINGET / LONG_BINGET. */
    custody_scan *s = SCAN("\x80\x04\x8c\x02"
                           "osq\x00\x8c\x06"
                           "systemr\x05\x00\x00\x00"
                           "00"
                           "h\x00j\x05\x00\x00\x00\x93\x8c\x11"
                           "echo custody-test\x85R.");
    expect_call(s, "os.system('echo custody-test')");
    custody_scan_free(s);
}

static void dotted_qualname(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x04\x8c\x02"
                           "os\x8c\x0f"
                           "system.__call__\x93\x8c\x11"
                           "echo custody-test\x85R.");
    expect_call(s, "os.system.__call__('echo custody-test')");
    custody_scan_free(s);
}

static void getattr_chain(void **state)
{
    (void)state;
    /* getattr(__import__('os'), 'system')('echo custody-test') */
    custody_scan *s = SCAN("cbuiltins\ngetattr\n(cbuiltins\n__import__\n(S'os'\ntRS'system'\ntR"
                           "(S'echo custody-test'\ntR.");
    expect_call(s, "os.system('echo custody-test')");
    assert_true(tu_has_text(s, "builtins.getattr(os, 'system')", CUSTODY_SEV_CRITICAL));
    assert_int_equal(tu_count(s, "pickle/dynamic-call", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
    /* getattr(madeup_mod_xyz.Thing, 'attr') names madeup_mod_xyz.Thing.attr */
    s = SCAN("c__builtin__\ngetattr\n(cmadeup_mod_xyz\nThing\nS'attr'\ntR)R.");
    assert_true(tu_has_text(s, "imports madeup_mod_xyz.Thing.attr", CUSTODY_SEV_MEDIUM));
    assert_true(find_rule(s, "pickle/unknown-import") != NULL);
    custody_scan_free(s);
}

/* One pickle, one rule: how many findings at or above `min` it must have. */
struct count_case {
    struct vec pickle;
    const char *rule;
    custody_severity min;
    size_t want;
};

static void expect_counts(const struct count_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        custody_scan *s = SCAN_VEC("t.pkl", c[i].pickle);
        if (tu_count(s, c[i].rule, c[i].min) != c[i].want) {
            tu_dump(s);
            fail_msg("case %zu: %s: expected %zu", i, c[i].rule != NULL ? c[i].rule : "any",
                     c[i].want);
        }
        custody_scan_free(s);
    }
}

#define GA_DUNDER    "cbuiltins\ngetattr\n(ccollections\nOrderedDict\n)RS'__class__'\ntR."
#define GA_UNKNOWN   "cbuiltins\ngetattr\n(cthird.party\nThing\n)RS'x'\ntR."
#define GA_BOUND     "cbuiltins\ngetattr\n(ccollections\nOrderedDict\n)RS'keys'\ntR."
#define GA_BOUND_RUN "cbuiltins\ngetattr\n(ccollections\nOrderedDict\n)RS'keys'\ntR)R."
#define GA_CLASS     "c__builtin__\ngetattr\n(cnumpy\nndarray\nS'mean'\ntR."
#define GA_HANDED                                                      \
    "\x80\x02"                                                         \
    "ctorch._tensor\n_rebuild_from_type_v2\n(c__builtin__\ngetattr\n(" \
    "ccollections\nOrderedDict\n)RX\x06\x00\x00\x00updatetRctorch\nTensor\n)}tR."
#define FN_HANDED \
    "\x80\x02"    \
    "ctorch._tensor\n_rebuild_from_type_v2\n(cthird.party\nrun_thing\nctorch\nTensor\n)}tR."
#define CLS_HANDED \
    "\x80\x02"     \
    "ccollections\ndefaultdict\n(cthird.party\nThing\ntR."
#define GA_MEMBER                                                                            \
    "\x80\x02"                                                                               \
    "c__builtin__\ngetattr\n(ctorch.distributed.checkpoint.metadata\n_MEM_FORMAT_ENCODING\n" \
    "X\x17\x00\x00\x00TORCH_CONTIGUOUS_FORMATtR."
#define GA_MEMBER_RUN                                                                        \
    "\x80\x02"                                                                               \
    "c__builtin__\ngetattr\n(ctorch.distributed.checkpoint.metadata\n_MEM_FORMAT_ENCODING\n" \
    "X\x04\x00\x00\x00"                                                                      \
    "EXECtR)R."
#define GA_UNUSED "cbuiltins\ngetattr\n."
#define GA_PASSED "ccollections\ndefaultdict\n(cbuiltins\ngetattr\ntR."

static void dynamic_imports(void **state)
{
    (void)state;
    static const struct count_case getattr_cases[] = {
        /* getattr on a computed object: a dunder, or an instance of a class on no allowlist */
        { V(GA_DUNDER), "pickle/dynamic-import", CUSTODY_SEV_CRITICAL, 1 },
        { V(GA_DUNDER), "pickle/dangerous-import", CUSTODY_SEV_CRITICAL, 1 },
        { V(GA_UNKNOWN), "pickle/dynamic-import", CUSTODY_SEV_CRITICAL, 1 },
        /* a bound method of an allowlisted instance, kept (numpy.vectorize(self._entropy)):
         * no finding of its own; calling it on load, or handing it to a safe callable that may
         * call it (_rebuild_from_type_v2(array.tofile, ...)), is */
        { V(GA_BOUND), NULL, CUSTODY_SEV_MEDIUM, 0 },
        { V(GA_BOUND_RUN), "pickle/dangerous-call", CUSTODY_SEV_CRITICAL, 1 },
        { V(GA_BOUND_RUN), "pickle/dangerous-import", CUSTODY_SEV_CRITICAL, 1 },
        { V(GA_HANDED), "pickle/dangerous-call", CUSTODY_SEV_CRITICAL, 1 },
        { V(GA_HANDED), "pickle/dangerous-import", CUSTODY_SEV_CRITICAL, 1 },
        /* an ALL_CAPS member of an allowlisted class (an enum member: Python >= 3.11 pickles
         * them as getattr(Enum, 'NAME')) is data; calling it reports the import it is */
        { V(GA_MEMBER), NULL, CUSTODY_SEV_MEDIUM, 0 },
        { V(GA_MEMBER_RUN), "pickle/dangerous-import", CUSTODY_SEV_CRITICAL, 1 },
        { V(GA_MEMBER_RUN), "pickle/dangerous-call", CUSTODY_SEV_CRITICAL, 1 },
        /* getattr(class, 'name') is the import class.name, judged as such */
        { V(GA_CLASS), "pickle/dangerous-import", CUSTODY_SEV_INFO, 0 },
        { V(GA_CLASS), "pickle/unknown-import", CUSTODY_SEV_MEDIUM, 1 },
        /* an unlisted function handed to a safe caller is judged as called; a class is low */
        { V(FN_HANDED), "pickle/unknown-function-call", CUSTODY_SEV_HIGH, 1 },
        { V(CLS_HANDED), "pickle/unknown-function-call", CUSTODY_SEV_INFO, 0 },
        { V(CLS_HANDED), "pickle/unknown-call", CUSTODY_SEV_LOW, 1 },
        /* getattr imported and never used for a lookup, or handed to another callable */
        { V(GA_UNUSED), "pickle/dangerous-import", CUSTODY_SEV_CRITICAL, 1 },
        { V(GA_PASSED), "pickle/dangerous-import", CUSTODY_SEV_CRITICAL, 1 },
        { V(GA_PASSED), "pickle/dangerous-call", CUSTODY_SEV_CRITICAL, 1 },
    };
    expect_counts(getattr_cases, sizeof(getattr_cases) / sizeof(getattr_cases[0]));
    custody_scan *s = SCAN(GA_CLASS);
    assert_true(tu_has_text(s, "numpy.ndarray.mean", CUSTODY_SEV_MEDIUM));
    custody_scan_free(s);
    /* STACK_GLOBAL whose name is computed */
    s = SCAN("\x80\x04\x8c\x02"
             "osccollections\nOrderedDict\n)R\x93.");
    assert_int_equal(tu_count(s, "pickle/dynamic-import", CUSTODY_SEV_CRITICAL), 1);
    custody_scan_free(s);
    /* calling the result of a call */
    s = SCAN("ccollections\nOrderedDict\n)R)R.");
    assert_int_equal(tu_count(s, "pickle/dynamic-call", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
    /* STACK_GLOBAL on a constant of the wrong type: the loader refuses it */
    s = SCAN("\x80\x04K\x01K\x02\x93.");
    assert_int_equal(tu_count(s, "pickle/malformed", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
}

static void python2_names(void **state)
{
    (void)state;
    custody_scan *s = SCAN("c__builtin__\neval\n(S'1+1'\ntR.");
    expect_call(s, "builtins.eval('1+1')");
    assert_true(tu_has_text(s, "__builtin__", CUSTODY_SEV_CRITICAL));
    custody_scan_free(s);
}

static void unknown_import_is_medium(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x02"
                           "cmadeup_mod_xyz\nThing\n)R.");
    assert_int_equal(tu_count(s, "pickle/unknown-import", CUSTODY_SEV_MEDIUM), 1);
    assert_true(tu_has_text(s, "madeup_mod_xyz.Thing", CUSTODY_SEV_MEDIUM));
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_HIGH), 0);
    assert_int_equal(custody_scan_max_severity(s), CUSTODY_SEV_MEDIUM);
    custody_scan_free(s);
}

/* An unknown class instantiated is medium at most; an unknown function called on load is high
 * (the shape of every unlisted-gadget bypass), however it is called, but NEWOBJ only reaches
 * classes. */
static void unknown_function_call_is_high(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x02"
                           "cmadeup_mod_xyz\nrun_it\nX\x01\x00\x00\x00"
                           "a\x85R.");
    assert_int_equal(tu_count(s, "pickle/unknown-function-call", CUSTODY_SEV_HIGH), 1);
    assert_true(tu_has_text(s, "madeup_mod_xyz.run_it('a')", CUSTODY_SEV_HIGH));
    custody_scan_free(s);
    s = SCAN("(imadeup_mod_xyz\n_helper\n."); /* INST calls klass(*args) too */
    assert_int_equal(tu_count(s, "pickle/unknown-function-call", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
    s = SCAN("\x80\x02"
             "cmadeup_mod_xyz\nThing\nX\x01\x00\x00\x00"
             "a\x85R.");
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_HIGH), 0);
    custody_scan_free(s);
    s = SCAN("\x80\x02"
             "cmadeup_mod_xyz\nmaker\n)\x81."); /* NEWOBJ: only a class survives cls.__new__ */
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_HIGH), 0);
    custody_scan_free(s);
}

static void safe_only_is_clean(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x02"
                           "ccollections\nOrderedDict\n)R}(X\x01\x00\x00\x00"
                           "aK\x01ub.");
    expect_clean(s);
    custody_scan_free(s);
}

static void safe_callable_given_dangerous_callable(void **state)
{
    (void)state;
    custody_scan *s = SCAN("ccollections\nOrderedDict\n(cos\nsystem\ntR.");
    expect_call(s, "collections.OrderedDict(os.system)");
    assert_true(
        tu_has_text(s, "passes os.system to collections.OrderedDict", CUSTODY_SEV_CRITICAL));
    custody_scan_free(s);
    /* nested in a container argument */
    s = SCAN("ccollections\nOrderedDict\n((cbuiltins\nexec\nltR.");
    expect_call(s, "collections.OrderedDict([builtins.exec])");
    custody_scan_free(s);
}

static void torch_rebuild_is_safe(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x02"
                           "ctorch._utils\n_rebuild_tensor_v2\n(K\x00K\x00)\x89"
                           "ccollections\nOrderedDict\n)RtR.");
    expect_clean(s);
    custody_scan_free(s);
}

/* ---- mutation of globals, extension codes, persistent ids ---- */

static void build_on_global(void **state)
{
    (void)state;
    custody_scan *s = SCAN("cmadeup_mod_xyz\nThing\n}(S'attr'\nI1\nub.");
    assert_int_equal(tu_count(s, "pickle/global-mutation", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
    s = SCAN("cmadeup_mod_xyz\npath\nS'/tmp'\na.");
    assert_int_equal(tu_count(s, "pickle/global-mutation", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
    s = SCAN("cmadeup_mod_xyz\nenviron\nS'K'\nS'V'\ns.");
    assert_int_equal(tu_count(s, "pickle/global-mutation", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
    /* BUILD on a plain value is refused by the loader */
    s = SCAN("K\x01}b.");
    assert_int_equal(tu_count(s, "pickle/malformed", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
}

static void extension_codes(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x02\x82\x01)R.");
    assert_int_equal(tu_count(s, "pickle/extension-code", CUSTODY_SEV_HIGH), 1);
    assert_int_equal(tu_count(s, "pickle/dynamic-call", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
    s = SCAN("\x80\x02\x83\x01\x02\x84\x01\x02\x03\x04"
             "0.");
    assert_int_equal(tu_count(s, "pickle/extension-code", CUSTODY_SEV_HIGH), 2);
    custody_scan_free(s);
    s = SCAN("\x80\x02\x82\x00.");
    assert_int_equal(tu_count(s, "pickle/malformed", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
}

static void persistent_ids(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x02X\x03\x00\x00\x00"
                           "abcQ.");
    assert_int_equal(tu_count(s, "pickle/persistent-id", CUSTODY_SEV_LOW), 1);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_MEDIUM), 0);
    custody_scan_free(s);
    s = SCAN("Pkey1\n.");
    assert_int_equal(tu_count(s, "pickle/persistent-id", CUSTODY_SEV_LOW), 1);
    custody_scan_free(s);
    /* torch mode (storage references expected) is tested through a zip in test_zip.c */
}

/* ---- damage, concatenation, trailing data ---- */

static void truncated_after_payload(void **state)
{
    (void)state;
    custody_scan *s = SCAN("cos\nsystem\n(S'echo custody-test'\ntR(S'abc");
    expect_call(s, "os.system('echo custody-test')");
    const custody_finding *f = find_rule(s, "pickle/malformed");
    assert_non_null(f);
    assert_int_equal(f->offset, 36); /* the STRING opcode whose line never ends */
    custody_scan_free(s);
    /* truncated inside a binary argument */
    s = SCAN("\x80\x02"
             "cos\nsystem\nX\x05\x00\x00\x00"
             "ec");
    f = find_rule(s, "pickle/malformed");
    assert_non_null(f);
    assert_int_equal(f->offset, 13);
    assert_int_equal(tu_count(s, "pickle/dangerous-import", CUSTODY_SEV_CRITICAL), 1);
    custody_scan_free(s);
    /* no STOP */
    s = SCAN("\x80\x02N");
    assert_int_equal(tu_count(s, "pickle/malformed", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
}

static void unknown_opcode(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x02N\xff.");
    const custody_finding *f = find_rule(s, "pickle/malformed");
    assert_non_null(f);
    assert_int_equal(f->offset, 3);
    assert_non_null(strstr(f->message, "0xff"));
    custody_scan_free(s);
    s = SCAN("\x80\x02" OS_SYSTEM_P0);
    expect_call(s, "os.system");
    custody_scan_free(s);
    s = SCAN("\x80\x02"
             "cos\nsystem\n(S'echo custody-test'\ntR\xfe");
    expect_call(s, "os.system('echo custody-test')");
    f = find_rule(s, "pickle/malformed");
    assert_non_null(f);
    assert_int_equal(f->offset, 37);
    custody_scan_free(s);
}

static void stack_errors(void **state)
{
    (void)state;
    static const struct vec bad[] = {
        V("\x80\x02R."),         /* underflow */
        V("\x80\x02N(R."),       /* underflow across a mark (the fence) */
        V("\x80\x02Nt."),        /* TUPLE without MARK */
        V("\x80\x02(N\x8f(Nu."), /* odd SETITEMS */
        V("\x80\x02h\x01."),     /* memo miss */
        V("\x80\x02\x80\x06N."), /* protocol 6 */
        V("\x80\x02"
          "0."), /* POP of nothing */
        V("\x80\x02"
          "cos\n\n."), /* empty name */
        V("\x80\x02"
          "I12x\nN."),         /* bad INT text */
        V("\x80\x02S'abc\n."), /* unquoted STRING */
        V("\x80\x02N."),       /* (control: clean) */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        custody_scan *s = SCAN_VEC("t.pkl", bad[i]);
        size_t n = tu_count(s, "pickle/malformed", CUSTODY_SEV_MEDIUM);
        if (n != (i + 1 < sizeof(bad) / sizeof(bad[0]) ? 1u : 0u)) {
            tu_dump(s);
            fail_msg("vector %zu: %zu malformed findings", i, n);
        }
        custody_scan_free(s);
    }
}

static void trailing_data(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x02N.hello world");
    const custody_finding *f = find_rule(s, "pickle/trailing-data");
    assert_non_null(f);
    assert_int_equal(f->severity, CUSTODY_SEV_MEDIUM);
    assert_int_equal(f->offset, 4);
    assert_non_null(strstr(f->message, "11 bytes"));
    custody_scan_free(s);
}

static void concatenated_pickles(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x02N."
                           "\x80\x02" OS_SYSTEM_P0);
    expect_call(s, "os.system('echo custody-test')");
    assert_true(find_rule(s, "pickle/dangerous-call")->offset > 4);
    assert_int_equal(tu_count(s, "pickle/trailing-data", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
    s = SCAN("N." OS_SYSTEM_P0);
    expect_call(s, "os.system('echo custody-test')");
    custody_scan_free(s);
}

/* ---- nested pickles ---- */

static void nested_pickle_in_bytes(void **state)
{
    (void)state;
    /* SHORT_BINBYTES holding a 36-byte pickle */
    custody_scan *s = SCAN("\x80\x03"
                           "C\x24" OS_SYSTEM_P0 ".");
    expect_call(s, "os.system('echo custody-test')");
    const custody_finding *f = find_rule(s, "pickle/dangerous-call");
    assert_non_null(strstr(f->location, "t.pkl@0x4"));
    assert_int_equal(f->offset, 34);
    assert_int_equal(tu_count(s, "pickle/nested-pickle", CUSTODY_SEV_INFO), 1);
    custody_scan_free(s);
    /* BINBYTES8 and a protocol-0 STRING holding an escaped pickle */
    s = SCAN("\x80\x04\x8e\x24\x00\x00\x00\x00\x00\x00\x00" OS_SYSTEM_P0 ".");
    expect_call(s, "os.system");
    custody_scan_free(s);
    s = SCAN("S'cos\\nsystem\\n(S\\'echo custody-test\\'\\ntR.'\n.");
    expect_call(s, "os.system('echo custody-test')");
    custody_scan_free(s);
}

/* A text value that is a pickle in base64 or hex: decoded and analysed as a nested pickle. */
static void nested_pickle_encoded(void **state)
{
    (void)state;
    /* SHORT_BINUNICODE, base64 of OS_SYSTEM_P0 */
    custody_scan *s = SCAN("\x80\x04\x8c\x30Y29zCnN5c3RlbQooUydlY2hvIGN1c3RvZHktdGVzdCcKdFIu\x94.");
    expect_call(s, "os.system('echo custody-test')");
    assert_true(tu_has_text(s, "another pickle (base64-encoded)", CUSTODY_SEV_INFO));
    custody_scan_free(s);
    /* BINUNICODE, hex */
    s = SCAN("\x80\x04X\x48\x00\x00\x00"
             "636f730a73797374656d0a2853276563686f20637573746f64792d74657374270a74522e.");
    expect_call(s, "os.system('echo custody-test')");
    assert_true(tu_has_text(s, "another pickle (hex-encoded)", CUSTODY_SEV_INFO));
    custody_scan_free(s);
    /* longer than the part of a value the VM keeps: read again from the file */
    uint8_t inner[4200];
    size_t n = 0;
    memcpy(inner, "\x80\x04X\xa0\x0f\x00\x00", 7);
    n = 7;
    memset(inner + n, 'A', 4000);
    n += 4000;
    inner[n++] = '0'; /* POP */
    memcpy(inner + n, OS_SYSTEM_P0, sizeof(OS_SYSTEM_P0) - 1);
    n += sizeof(OS_SYSTEM_P0) - 1;
    char *b64 = cu_b64_encode(inner, n);
    assert_non_null(b64);
    size_t bl = strlen(b64);
    assert_true(bl > CU_LIMIT_PICKLE_KEEP);
    uint8_t *outer = malloc(bl + 8);
    assert_non_null(outer);
    outer[0] = 0x80; /* PROTO 4, BINUNICODE bl */
    outer[1] = 4;
    outer[2] = 'X';
    outer[3] = (uint8_t)(bl & 0xff);
    outer[4] = (uint8_t)(bl >> 8);
    outer[5] = 0;
    outer[6] = 0;
    memcpy(outer + 7, b64, bl);
    outer[7 + bl] = '.';
    s = tu_scan_buffer("t.pkl", outer, bl + 8);
    expect_call(s, "os.system('echo custody-test')");
    custody_scan_free(s);
    free(outer);
    free(b64);
    /* near misses: base64 text that is not a pickle, hex digests, short strings */
    s = SCAN("\x80\x04\x8c\x24"
             "dGhpcyBpcyBvbmx5IHNvbWUgdGV4dCBkYXRh\x94"
             "\x8c\x40"
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\x94"
             "\x8c\x08gASVAAAA\x94\x87.");
    assert_int_equal(tu_count(s, "pickle/nested-pickle", CUSTODY_SEV_INFO), 0);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);
}

static void nested_pickles_are_bounded(void **state)
{
    (void)state;
    /* 12 levels of SHORT_BINBYTES, each holding the next: the VM stops at its nesting limit */
    uint8_t cur[256], next[256];
    size_t len = sizeof(OS_SYSTEM_P0) - 1;
    memcpy(cur, OS_SYSTEM_P0, len);
    for (int i = 0; i < 12; i++) {
        assert_true(len + 5 <= sizeof(next) && len < 256);
        next[0] = 0x80;
        next[1] = 3;
        next[2] = 'C';
        next[3] = (uint8_t)len;
        memcpy(next + 4, cur, len);
        next[4 + len] = '.';
        len += 5;
        memcpy(cur, next, len);
    }
    custody_scan *s = tu_scan_buffer("t.pkl", cur, len);
    assert_true(tu_count(s, "scan/nesting-too-deep", CUSTODY_SEV_HIGH) >= 1);
    assert_int_equal(tu_count(s, "pickle/dangerous-call", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
    /* two levels are analysed */
    s = SCAN("\x80\x03"
             "C\x2a\x80\x03"
             "C\x24" OS_SYSTEM_P0 "..");
    expect_call(s, "os.system('echo custody-test')");
    assert_non_null(strstr(find_rule(s, "pickle/dangerous-call")->location, "@0x4@0x4"));
    custody_scan_free(s);
}

/* ---- protocols, FRAME, buffers ---- */

static void every_protocol(void **state)
{
    (void)state;
    static const struct vec pk[] = {
        V(OS_SYSTEM_P0),
        V("cos\nsystem\n(X\x11\x00\x00\x00"
          "echo custody-testtR."),
        V("\x80\x02"
          "cos\nsystem\nU\x11"
          "echo custody-test\x85R."),
        V("\x80\x03"
          "cos\nsystem\nX\x11\x00\x00\x00"
          "echo custody-test\x85R."),
        V("\x80\x04\x95\x23\x00\x00\x00\x00\x00\x00\x00\x8c\x02"
          "os\x8c\x06"
          "system\x93"
          "\x8c\x11"
          "echo custody-test\x85R."),
        V("\x80\x05\x95\x23\x00\x00\x00\x00\x00\x00\x00\x8c\x02"
          "os\x8c\x06"
          "system\x93"
          "\x8c\x11"
          "echo custody-test\x85R."),
    };
    for (size_t i = 0; i < sizeof(pk) / sizeof(pk[0]); i++) {
        custody_scan *s = SCAN_VEC("t.pkl", pk[i]);
        expect_call(s, "os.system('echo custody-test')");
        assert_int_equal(tu_count(s, "pickle/malformed", CUSTODY_SEV_INFO), 0);
        custody_scan_free(s);
    }
}

static void every_opcode_benign(void **state)
{
    (void)state;
    /* A protocol-5 FRAME holding nearly every opcode (pickle.loads gives a 47-tuple). */
    static const char all[] =
        "\x80\x05\x95z\x01\x00\x00\x00\x00\x00\x00(N\x88\x89I5\nI01\nJ\xff\xff\xff\xffK\x07M"
        "\x00\x01L12345678901234567890123L\n\x8a\x01\xff\x8b\x02\x00\x00\x00\x01\x02"
        "F1.5\nG?"
        "\xf8\x00\x00\x00\x00\x00\x00S'a\\x41\\n'\nT\x01\x00\x00\x00"
        "bU\x01"
        "cVd\\u00e9\nX"
        "\x01\x00\x00\x00"
        "e\x8c\x01"
        "f\x8d\x01\x00\x00\x00\x00\x00\x00\x00gB\x01\x00\x00\x00"
        "hC\x01i\x8e\x01\x00\x00\x00\x00\x00\x00\x00j\x96\x01\x00\x00\x00\x00\x00\x00\x00k)]}"
        "\x8f(l(t(d(\x91K\x01\x85K\x01K\x02\x86K\x01K\x02K\x03\x87]K\x01"
        "a](K\x02K\x03"
        "e}K"
        "\x01K\x02s}(K\x01K\x02K\x03K\x04u\x8f(K\x01\x90p7\n0g7\nq\x08h\x08r\x09\x00\x00\x00j"
        "\x09\x00\x00\x00\x94"
        "20ccollections\nOrderedDict\n)R}b\x8c\x0b"
        "collections\x8c\x0b"
        "OrderedDict\x93)\x81\x8c\x0b"
        "collections\x8c\x0bOrderedDict\x93)}\x92(ccollections\n"
        "OrderedDict\no(icollections\nOrderedDict\n(N1t.";
    custody_scan *s = SCAN(all);
    expect_clean(s);
    custody_scan_free(s);
}

static void frames(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\x7fN.");
    assert_int_equal(tu_count(s, "pickle/malformed", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
    s = SCAN("\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00N.");
    expect_clean(s);
    custody_scan_free(s);
}

static void out_of_band_buffers(void **state)
{
    (void)state;
    custody_scan *s = SCAN("\x80\x05\x97\x98.");
    assert_int_equal(tu_count(s, "pickle/out-of-band-buffer", CUSTODY_SEV_LOW), 1);
    assert_int_equal(tu_count(s, "pickle/malformed", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
}

/* ---- limits ---- */

static void huge_declared_lengths(void **state)
{
    (void)state;
    static const struct vec v[] = {
        V("\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\xff"
          "N."),
        V("\x80\x04\x8d\x00\x00\x00\x00\x00\x00\x00\x80"
          "N."),
        V("\x80\x05\x96\xff\xff\xff\xff\xff\xff\xff\x7f"
          "N."),
        V("\x80\x03"
          "B\xff\xff\xff\xff"
          "N."),
        V("\x80\x02X\xff\xff\xff\x7f"
          "N."),
        V("\x80\x02\x8b\xff\xff\xff\x7f"
          "N."),
        V("\x80\x02\x8b\xff\xff\xff\xff"
          "N."), /* negative */
        V("\x80\x02T\xff\xff\xff\xff"
          "N."),                         /* negative */
        V("\x80\x02j\xff\xff\xff\x00."), /* memo miss */
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        custody_scan *s = SCAN_VEC("t.pkl", v[i]);
        if (tu_count(s, "pickle/malformed", CUSTODY_SEV_MEDIUM) != 1) {
            tu_dump(s);
            fail_msg("vector %zu", i);
        }
        custody_scan_free(s);
    }
}

static void limits_exceeded(void **state)
{
    (void)state;
    /* memo index beyond the limit */
    custody_scan *s = SCAN("\x80\x02Nr\xff\xff\xff\x7f.");
    assert_int_equal(tu_count(s, "scan/limit-exceeded", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
    /* more marks than the stack limit */
    size_t n = 1100000;
    uint8_t *b = malloc(n + 2);
    assert_non_null(b);
    b[0] = 0x80;
    b[1] = 2;
    memset(b + 2, '(', n);
    s = tu_scan_buffer("t.pkl", b, n + 2);
    assert_int_equal(tu_count(s, "scan/limit-exceeded", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
    free(b);
}

static void big_values_are_cut(void **state)
{
    (void)state;
    /* a 100 KB argument: evidence shows a prefix and the full length */
    size_t n = 100000;
    size_t len = 0;
    uint8_t *b = malloc(n + 64);
    assert_non_null(b);
    const char head[] = "\x80\x03"
                        "cos\nsystem\nB";
    memcpy(b, head, sizeof(head) - 1);
    len = sizeof(head) - 1;
    b[len++] = (uint8_t)(n & 0xff);
    b[len++] = (uint8_t)((n >> 8) & 0xff);
    b[len++] = (uint8_t)((n >> 16) & 0xff);
    b[len++] = 0;
    memset(b + len, 'A', n);
    len += n;
    memcpy(b + len, "\x85R.", 3);
    len += 3;
    custody_scan *s = tu_scan_buffer("t.pkl", b, len);
    expect_call(s, "os.system(b'AAAA");
    assert_true(tu_has_text(s, "<100000 bytes>", CUSTODY_SEV_CRITICAL) ||
                tu_count(s, "pickle/dangerous-call", CUSTODY_SEV_CRITICAL) == 1);
    custody_scan_free(s);
    free(b);
}

/* ---- probe, hooks ---- */

static void probe_random_bytes(void **state)
{
    (void)state;
    uint32_t x = 12345;
    uint8_t buf[4096];
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof(buf); i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = (uint8_t)(x >> 16);
        }
        if (round % 2 == 1) { /* pretend to be a protocol-2 pickle */
            buf[0] = 0x80;
            buf[1] = 2;
        }
        probe_rc = 0;
        custody_scan *s = tu_scan_buffer("probe:storage", buf, sizeof(buf) - (size_t)round);
        assert_int_equal(custody_scan_finding_count(s), 0);
        assert_int_equal(probe_rc, CUSTODY_EMALFORMED);
        custody_scan_free(s);
    }
    /* a clean pickle is analysed normally */
    custody_scan *s = SCAN_AS("probe:storage", "\x80\x02" OS_SYSTEM_P0);
    assert_int_equal(probe_rc, 0);
    expect_call(s, "os.system('echo custody-test')");
    custody_scan_free(s);
    /* a payload followed by damage reports nothing in probe mode */
    s = SCAN_AS("probe:storage", "\x80\x02"
                                 "cos\nsystem\n(S'echo custody-test'\ntR\xff");
    assert_int_equal(custody_scan_finding_count(s), 0);
    assert_int_equal(probe_rc, CUSTODY_EMALFORMED);
    custody_scan_free(s);
}

static void hooks_see_values_and_consume_data(void **state)
{
    (void)state;
    memset(&hook_seen, 0, sizeof(hook_seen));
    custody_scan *s = SCAN_AS("hook:x", "\x80\x02"
                                        "ccollections\nOrderedDict\n)R}(U\x05"
                                        "shape(K\x02K\x03"
                                        "tU\x05"
                                        "dtypeU\x02"
                                        "f4ub"
                                        "RAW!"
                                        ".");
    expect_clean(s);
    assert_int_equal(hook_seen.calls, 1);
    assert_string_equal(hook_seen.module, "collections");
    assert_string_equal(hook_seen.name, "OrderedDict");
    assert_int_equal(hook_seen.shape_len, 2);
    assert_int_equal(hook_seen.shape0, 2);
    assert_int_equal(hook_seen.shape1, 3);
    assert_string_equal(hook_seen.dtype, "f4");
    custody_scan_free(s);
}

static void hook_scans_inline_pickle(void **state)
{
    (void)state;
    /* BUILD, then an inline pickle the hook reads, then the outer STOP */
    custody_scan *s = SCAN_AS("inline:x", "\x80\x02"
                                          "ccollections\nOrderedDict\n)RNb"
                                          "\x80\x02" OS_SYSTEM_P0 ".");
    assert_int_equal(inline_rc, 0);
    expect_call(s, "os.system('echo custody-test')");
    assert_int_equal(tu_count(s, "pickle/malformed", CUSTODY_SEV_INFO), 0);
    custody_scan_free(s);
    /* a damaged inline pickle is reported once, and ends the outer one quietly */
    s = SCAN_AS("inline:x", "\x80\x02"
                            "ccollections\nOrderedDict\n)RNb"
                            "\x80\x02N\xff.");
    assert_int_equal(inline_rc, CUSTODY_EMALFORMED);
    const custody_finding *f = find_rule(s, "pickle/malformed");
    assert_non_null(f);
    assert_int_equal(f->offset, 34); /* the 0xff inside the inline pickle */
    assert_int_equal(tu_count(s, "pickle/malformed", CUSTODY_SEV_INFO), 1);
    custody_scan_free(s);
}

/* ---- sniffing ---- */

static void sniff_accepts_pickles(void **state)
{
    (void)state;
    static const struct vec yes[] = {
        V("\x80\x02}q\x00."),
        V("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00"),
        V("\x80\x05\x95\x10\x00\x00\x00\x00\x00\x00\x00\xff"), /* damaged later */
        V("(dp0\nVa\np1\nI1\ns."),
        V("(lp0\nI1\naI2\na."),
        V(OS_SYSTEM_P0),
        V("]q\x00(K\x01K\x02"
          "e."),
        V("N."),
        V("(dp0\nS'key'\np1\n(lp2\nI1\naI2\naI3\naI4\naI5\na"), /* cut by the head */
    };
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (!cu_pickle_sniff((const uint8_t *)yes[i].p, yes[i].n)) {
            fail_msg("sniff rejected vector %zu", i);
        }
    }
    assert_false(cu_pickle_sniff((const uint8_t *)"\x80\x06N.", 4));
    assert_false(cu_pickle_sniff((const uint8_t *)"\x80\x02", 2));
}

static void sniff_rejects_text(void **state)
{
    (void)state;
    static const struct vec no[] = {
        V("# Custody\n\nCustody scans AI model files before anything loads them.\n"),
        V("{\"name\": \"custody\", \"version\": \"0.1.0\", \"files\": [1, 2, 3]}\n"),
        V("[1, 2, 3]\n"),
        V("#include <stdio.h>\n\nint main(void)\n{\n    return 0;\n}\n"),
        V("/* comment */\nstatic int x;\n"),
        V("name,age,city\nalice,30,paris\nbob,25,berlin\n"),
        V("a,b,c\n1,2,3\n"),
        V("---\nkey: value\nlist:\n  - a\n  - b\n"),
        V("version: 2\nservices:\n  web:\n    image: nginx\n"),
        V("import os\nprint('hello')\n"),
        V("def f():\n    return 1\n"),
        V("Version 1.0\nCopyright (c) 2024 Someone\nAll rights reserved.\n"),
        V("The quick brown fox jumps over the lazy dog.\n"),
        V("I am a line of text\n"),
        V("Lorem ipsum dolor sit amet\n"),
        V("(define (square x) (* x x))\n"),
        V("<?xml version=\"1.0\"?>\n<root/>\n"),
        V("PK\x03\x04"),
        V("\x89PNG\r\n\x1a\n"),
        V(""),
        V("N"),
        V("hello\n"),
        V("cat\ndog\nbird\n"),
        V("1.0\n2.0\n3.0\n"),
        /* text that parses: BINFLOAT, DUP, STOP, then prose (git's release notes) */
        V("GIT v1.5.2.1 Release Notes\n==========================\n\nFixes since v1.5.2\n"),
        V("Go 1.2.3 notes.\nMore text follows here.\n"),
    };
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        if (cu_pickle_sniff((const uint8_t *)no[i].p, no[i].n)) {
            fail_msg("sniff accepted text vector %zu", i);
        }
    }
    /* and the engine leaves such files alone */
    custody_scan *s = SCAN_AS("README.md", "# Custody\n\nCustody scans AI model files.\n");
    assert_int_equal(custody_scan_finding_count(s), 0);
    assert_null(custody_scan_file(s, 0)->format);
    custody_scan_free(s);
    s = SCAN_AS("1.5.2.1.txt", "GIT v1.5.2.1 Release Notes\n=====\n\nFixes since v1.5.2\n");
    assert_int_equal(custody_scan_finding_count(s), 0);
    custody_scan_free(s);
    /* a long first line of text is read once and is still text */
    char text[3000];
    memset(text, 'x', sizeof(text));
    memcpy(text, "Very long first line", 20);
    text[sizeof(text) - 2] = '\n';
    text[sizeof(text) - 1] = 'y';
    s = tu_scan_buffer("notes.txt", (const uint8_t *)text, sizeof(text));
    assert_int_equal(custody_scan_finding_count(s), 0);
    assert_null(custody_scan_file(s, 0)->format);
    custody_scan_free(s);
}

/* Protocol 0/1 pickles have no magic; one whose first value outruns the sniffer's window is
 * still found by content, whatever its name. */
static void long_first_value_is_still_a_pickle(void **state)
{
    (void)state;
    size_t n = 5000;
    uint8_t *b = malloc(n + 64);
    assert_non_null(b);
    b[0] = 'X';
    b[1] = (uint8_t)(n & 0xff);
    b[2] = (uint8_t)(n >> 8);
    b[3] = 0;
    b[4] = 0;
    memset(b + 5, 'A', n);
    static const char tail[] = "0cos\nsystem\n(S'id'\ntR.";
    memcpy(b + 5 + n, tail, sizeof(tail) - 1);
    size_t len = 5 + n + sizeof(tail) - 1;
    custody_scan *s = tu_scan_buffer("notes.txt", b, len);
    assert_int_equal(tu_count(s, "pickle/dangerous-call", CUSTODY_SEV_CRITICAL), 1);
    assert_string_equal(custody_scan_file(s, 0)->format, "pickle");
    custody_scan_free(s);
    /* cut before its import: nothing a loader would run, no claim */
    s = tu_scan_buffer("notes.txt", b, 5 + n + 4);
    assert_null(custody_scan_file(s, 0)->format);
    custody_scan_free(s);
    /* cut after the call, before STOP: the loader has run it; reported with the damage */
    s = tu_scan_buffer("notes.txt", b, len - 1);
    assert_int_equal(tu_count(s, "pickle/dangerous-call", CUSTODY_SEV_CRITICAL), 1);
    assert_true(tu_count(s, "pickle/malformed", CUSTODY_SEV_MEDIUM) >= 1);
    custody_scan_free(s);
    free(b);
}

/* ---- pickle/code-in-state: scipy.stats' __setstate__ exec()s _parse_arg_template ---- */

static void put_binunicode(uint8_t *b, size_t *n, const char *str)
{
    size_t l = strlen(str);
    b[(*n)++] = 'X';
    b[(*n)++] = (uint8_t)l;
    b[(*n)++] = (uint8_t)(l >> 8);
    b[(*n)++] = 0;
    b[(*n)++] = 0;
    memcpy(b + *n, str, l);
    *n += l;
}

/* copyreg._reconstructor(norm_gen, object, None) then BUILD with {'_parse_arg_template': code}
 * (as_pairs: [('_parse_arg_template', code)], which dict.update takes too). */
static custody_scan *scan_distribution(const char *code, bool as_pairs)
{
    static uint8_t b[4096];
    size_t n = 0;
    static const char head[] = "\x80\x02"
                               "ccopy_reg\n_reconstructor\n"
                               "(cscipy.stats._continuous_distns\nnorm_gen\n"
                               "c__builtin__\nobject\nNtR";
    memcpy(b, head, sizeof(head) - 1);
    n = sizeof(head) - 1;
    b[n++] = as_pairs ? ']' : '}';
    put_binunicode(b, &n, "_parse_arg_template");
    put_binunicode(b, &n, code);
    if (as_pairs) {
        b[n++] = 0x86; /* TUPLE2 */
        b[n++] = 'a';  /* APPEND */
    } else {
        b[n++] = 's';
    }
    b[n++] = 'b';
    b[n++] = '.';
    return tu_scan_buffer("dist.pkl", b, n);
}

static void distribution_state_code(void **state)
{
    (void)state;
    /* what scipy 1.10 generates for norm (no shapes) and for gamma (shape a), and the layout of
     * older releases (rvs returned a tuple) */
    static const char *const real[] = {
        "\ndef _parse_args(self,  loc=0, scale=1):\n    return (), loc, scale\n\n"
        "def _parse_args_rvs(self,  loc=0, scale=1, size=None):\n"
        "    return self._argcheck_rvs( loc, scale, size=size)\n\n"
        "def _parse_args_stats(self,  loc=0, scale=1, moments='mv'):\n"
        "    return (), loc, scale, moments\n",
        "\ndef _parse_args(self, a,  loc=0, scale=1):\n    return (a, ), loc, scale\n\n"
        "def _parse_args_rvs(self, a,  loc=0, scale=1, size=None):\n"
        "    return self._argcheck_rvs(a,  loc, scale, size=size)\n\n"
        "def _parse_args_stats(self, a,  loc=0, scale=1, moments='mv'):\n"
        "    return (a, ), loc, scale, moments\n",
        "\ndef _parse_args(self, n, p,  loc=0):\n    return (n, p, ), loc, 1\n"
        "def _parse_args_rvs(self, n, p,  loc=0, size=None):\n    return (n, p, ), loc, 1, size\n",
    };
    for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
        custody_scan *s = scan_distribution(real[i], i == 1);
        if (tu_count(s, NULL, CUSTODY_SEV_MEDIUM) != 0) {
            tu_dump(s);
            fail_msg("generated parser %zu judged as code", i);
        }
        custody_scan_free(s);
    }
    static const char *const evil[] = {
        "import os\nos.system('echo custody-test')\n",
        "\ndef _parse_args(self, x=__import__('os').system('echo custody-test')):\n    return ()\n",
        "\ndef _parse_args(self, loc=0):\n    return (), loc\nos.system('echo custody-test')\n",
        "\n@print\ndef _parse_args(self, loc=0):\n    return (), loc\n",
        "\ndef _parse_args(self, loc=0):\n    return self.__class__, loc\n",
        "\ndef _parse_args(self, loc=f'{1}'):\n    return (), loc\n",
        "\ndef _parse_args(self, loc=(lambda: 1)):\n    return (), loc\n",
        "\ndef _parse_args(self, loc=0):\n    return (), loc; exec('1')\n",
        "\ndef _parse_args(self, loc=0):\n    return self._argcheck_rvs.x, loc\n",
        "\ndef _parse_args(self, loc=0):\n    return (), loc\n\\\n",
    };
    for (size_t i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
        custody_scan *s = scan_distribution(evil[i], i % 2 == 1);
        if (tu_count(s, "pickle/code-in-state", CUSTODY_SEV_CRITICAL) != 1) {
            tu_dump(s);
            fail_msg("code %zu not reported", i);
        }
        assert_true(tu_has_text(s, "norm_gen", CUSTODY_SEV_CRITICAL));
        custody_scan_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(global_reduce_protocol0),
        cmocka_unit_test(long_first_value_is_still_a_pickle),
        cmocka_unit_test(inst_and_obj),
        cmocka_unit_test(newobj_and_newobj_ex),
        cmocka_unit_test(stack_global),
        cmocka_unit_test(stack_global_from_memo),
        cmocka_unit_test(dotted_qualname),
        cmocka_unit_test(getattr_chain),
        cmocka_unit_test(dynamic_imports),
        cmocka_unit_test(python2_names),
        cmocka_unit_test(unknown_import_is_medium),
        cmocka_unit_test(unknown_function_call_is_high),
        cmocka_unit_test(safe_only_is_clean),
        cmocka_unit_test(safe_callable_given_dangerous_callable),
        cmocka_unit_test(torch_rebuild_is_safe),
        cmocka_unit_test(build_on_global),
        cmocka_unit_test(extension_codes),
        cmocka_unit_test(persistent_ids),
        cmocka_unit_test(truncated_after_payload),
        cmocka_unit_test(unknown_opcode),
        cmocka_unit_test(stack_errors),
        cmocka_unit_test(trailing_data),
        cmocka_unit_test(concatenated_pickles),
        cmocka_unit_test(nested_pickle_in_bytes),
        cmocka_unit_test(nested_pickle_encoded),
        cmocka_unit_test(nested_pickles_are_bounded),
        cmocka_unit_test(every_protocol),
        cmocka_unit_test(every_opcode_benign),
        cmocka_unit_test(frames),
        cmocka_unit_test(out_of_band_buffers),
        cmocka_unit_test(huge_declared_lengths),
        cmocka_unit_test(limits_exceeded),
        cmocka_unit_test(big_values_are_cut),
        cmocka_unit_test(probe_random_bytes),
        cmocka_unit_test(hooks_see_values_and_consume_data),
        cmocka_unit_test(hook_scans_inline_pickle),
        cmocka_unit_test(sniff_accepts_pickles),
        cmocka_unit_test(sniff_rejects_text),
        cmocka_unit_test(distribution_state_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
