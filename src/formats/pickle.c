/* The symbolic pickle VM (DESIGN §4). It follows CPython's _pickle.c opcode by opcode, but
 * never imports or calls anything: imports become interned pv_imp records classified by the
 * policy, calls become pv_call records reported with their constant arguments as evidence.
 *
 * Speed matters (a 10 MB pickle of two million ints must take a few tens of milliseconds):
 * values are 16-byte tagged structs held inline in the stack and memo arrays; containers,
 * strings and calls live in one bump arena per pickle; a container keeps only its first
 * PV_KEEP_ITEMS items (and its full count); big strings keep a CU_LIMIT_PICKLE_KEEP prefix and
 * the rest is skipped through the stream. The main loop is one switch reading the stream
 * buffer directly. */
#include "formats/pickle.h"
#include "rules/pickle_policy.h"
#include "formats/torch.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "core/rd.h"
#include "core/utf8.h"
#include "core/util.h"
#include "custody/rules.h"
#include "formats/joblib.h"
#include "formats/pickle_vm.h"
#include "engine/classcache.h"
#include "core/banned.h"

#define ARENA_CHUNK       (1u << 20)
#define EVIDENCE_DEPTH    6u
#define ARGSCAN_DEPTH     3u
#define IMP_CALL_REPORTED 0x01u
#define IMP_MODULE        0x02u /* a module object (name "") */
#define IMP_DEFERRED      0x04u /* builtins.getattr, its import not reported yet */
/* A member looked up on an allowlisted class (HOW_MEMBER): its import is reported only if it
 * is called or handed to a callable. */
#define IMP_QUIET 0x08u
/* An allowlisted class that may only be rebuilt from saved state (cu_pickle_state_only). */
#define IMP_STATE 0x10u

/* How getattr(allowlisted class, 'ALL_CAPS') spells an import: enum members pickle so (Python
 * >= 3.11: getattr(Enum, 'NAME')), and a constant on a class is data. */
static const char HOW_MEMBER[] = "member of an allowlisted class, through builtins.getattr";
#define NESTED_PER_PICKLE 1024u         /* nested pickles scanned from one pickle */
#define HINT_NEST         "pickle.nest" /* ctx hint: depth of pickles nested in bytes values */
/* Error helpers whose result is visibly negative (for the static analyzers). */
#define VM_LIMIT(...) ((void)cu_err_limit(__VA_ARGS__), CUSTODY_ELIMIT)
#define VM_NOMEM(err) ((void)cu_err_nomem(err), CUSTODY_ENOMEM)

/* ------------------------------------------------------------------------------------------ */
/* value inspection API (pickle.h) */

enum cu_pv_kind cu_pv_kind(const struct cu_pv *v)
{
    return v != NULL ? (enum cu_pv_kind)v->kind : CU_PV_UNKNOWN;
}

bool cu_pv_int(const struct cu_pv *v, int64_t *out)
{
    if (v == NULL || (v->kind != CU_PV_INT && v->kind != CU_PV_BOOL)) {
        return false;
    }
    *out = v->u.i;
    return true;
}

bool cu_pv_bytes(const struct cu_pv *v, const uint8_t **p, size_t *len, uint64_t *full_len)
{
    if (v == NULL || (v->kind != CU_PV_STR && v->kind != CU_PV_BYTES)) {
        return false;
    }
    *p = v->u.b->data;
    *len = v->n;
    if (full_len != NULL) {
        *full_len = v->u.b->full;
    }
    return true;
}

static bool pv_is_seq(const struct cu_pv *v)
{
    return v != NULL && (v->kind == CU_PV_TUPLE || v->kind == CU_PV_LIST || v->kind == CU_PV_DICT ||
                         v->kind == CU_PV_SET);
}

size_t cu_pv_len(const struct cu_pv *v)
{
    if (!pv_is_seq(v)) {
        return 0;
    }
    return v->u.q->count > SIZE_MAX ? SIZE_MAX : (size_t)v->u.q->count;
}

const struct cu_pv *cu_pv_item(const struct cu_pv *v, size_t i)
{
    if (!pv_is_seq(v) || v->kind == CU_PV_DICT || i >= v->u.q->kept) {
        return NULL;
    }
    return &v->u.q->items[i];
}

static bool pv_str_eq(const struct cu_pv *v, const char *s, size_t n)
{
    return v->kind == CU_PV_STR && !(v->flags & PVF_CUT) && v->n == n &&
           memcmp(v->u.b->data, s, n) == 0;
}

const struct cu_pv *cu_pv_dict_get(const struct cu_pv *v, const char *key)
{
    if (v == NULL || v->kind != CU_PV_DICT) {
        return NULL;
    }
    size_t n = strlen(key);
    const struct pv_seq *q = v->u.q;
    for (uint32_t i = 0; i < q->kept; i++) {
        if (pv_str_eq(&q->items[(size_t)2 * i], key, n)) {
            return &q->items[(size_t)2 * i + 1];
        }
    }
    return NULL;
}

bool cu_pv_global(const struct cu_pv *v, const char **module, const char **name)
{
    if (v != NULL && v->kind == CU_PV_CALL) {
        v = &v->u.c->callable;
    }
    if (v == NULL || v->kind != CU_PV_GLOBAL) {
        return false;
    }
    *module = v->u.g->cmod;
    *name = v->u.g->cname;
    return true;
}

const struct cu_pv *cu_pv_call_callable(const struct cu_pv *v)
{
    return v != NULL && v->kind == CU_PV_CALL ? &v->u.c->callable : NULL;
}

const struct cu_pv *cu_pv_call_args(const struct cu_pv *v)
{
    return v != NULL && v->kind == CU_PV_CALL && v->u.c->args.kind == CU_PV_TUPLE ? &v->u.c->args
                                                                                  : NULL;
}

const struct cu_pv *cu_pv_call_state(const struct cu_pv *v)
{
    return v != NULL && v->kind == CU_PV_CALL && v->u.c->has_state ? &v->u.c->state : NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* VM state */

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    _Alignas(16) uint8_t data[];
};

struct vm {
    struct cu_ctx *ctx;
    struct cu_stream *st;
    struct cu_source *src;
    custody_error *err;
    const struct cu_pickle_opts *opts;
    int (*after_build)(void *ud, struct cu_ctx *ctx, struct cu_stream *st, const struct cu_pv *obj);
    void *hook_ud;
    bool quiet; /* probe pass: no findings, no nested scans, no hooks */
    bool persid_noted;
    bool nested_capped;
    unsigned nested;
    unsigned proto;
    uint64_t op_off; /* offset of the opcode being run */
    uint64_t ops;

    struct cu_pv *stack;
    size_t sp, scap;
    size_t *marks;
    size_t nmarks, mcap;
    struct cu_pv *memo;
    size_t memo_cap, memo_count;

    struct arena_chunk *arena;
    uint64_t arena_total;

    struct pv_imp **imps; /* open-addressing table */
    size_t imp_cap, nimp;
    unsigned ndeferred; /* imports with IMP_DEFERRED */

    uint8_t line_last;

    /* torch checkpoints: the storages the persistent ids name, for the BOM facts
     * model.parameters / model.dtype (docs/facts.md). Keys are kept as 64-bit hashes. */
    uint64_t *st_keys; /* open addressing, 0 = empty */
    size_t st_cap, st_n;
    uint64_t st_elems;
    bool st_bad;            /* a count that is not a plain non-negative int, or too many keys */
    const char *st_type[4]; /* storage type names seen (the first four) */
    uint64_t st_type_elems[4];

    size_t memo_hi; /* one past the highest memo index set: what vm_free() clears */
    /* Last, and not cleared by vm_init(): written before it is read. */
    uint8_t scratch[CU_LIMIT_PICKLE_KEEP + 1];
};

/* A worker thread keeps the last VM's stack, mark, memo and first arena buffers for the next
 * one: a tree of small files runs thousands of VMs, and growing these anew each time was a
 * tenth of the work. Buffers above SPARE_MAX_BYTES are freed instead. */
#define SPARE_MAX_BYTES (256u << 10)

struct vm_spare {
    struct cu_pv *stack;
    size_t scap;
    size_t *marks;
    size_t mcap;
    struct cu_pv *memo; /* all zero */
    size_t memo_cap;
    struct arena_chunk *arena; /* one chunk, used = 0 */
};

static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;
static _Thread_local struct vm_spare *spare_tls;

static void spare_destroy(void *p)
{
    struct vm_spare *sp = p;
    free(sp->stack);
    free(sp->marks);
    free(sp->memo);
    free(sp->arena);
    free(sp);
}

static void spare_key_init(void)
{
    /* The destructor frees a worker's spare when the thread ends. Without a key, VMs simply
     * allocate afresh. */
    if (pthread_key_create(&spare_key, spare_destroy) != 0) {
        spare_key = (pthread_key_t)-1;
    }
}

static struct vm_spare *spare_get(void)
{
    if (spare_tls == NULL) {
        (void)pthread_once(&spare_once, spare_key_init);
        if (spare_key == (pthread_key_t)-1) {
            return NULL;
        }
        struct vm_spare *sp = cu_calloc(1, sizeof(*sp));
        if (sp == NULL || pthread_setspecific(spare_key, sp) != 0) {
            free(sp);
            return NULL;
        }
        spare_tls = sp;
    }
    return spare_tls;
}

#define ST_KEYS_MAX (1u << 20)

/* Records one ('storage', type, key, location, numel) persistent id; a key counts once. */
static void st_note(struct vm *vm, const struct cu_pv *pid, const struct cu_pv *type)
{
    const uint8_t *k = NULL;
    size_t kl = 0;
    int64_t numel = -1;
    if (vm->st_bad || !cu_pv_bytes(cu_pv_item(pid, 2), &k, &kl, NULL) ||
        !cu_pv_int(cu_pv_item(pid, 4), &numel) || numel < 0) {
        vm->st_bad = true;
        return;
    }
    uint64_t h = cu_fnv1a(k, kl) | 1u; /* never 0 */
    if (vm->st_n + 1 > vm->st_cap / 2) {
        size_t ncap = vm->st_cap ? vm->st_cap * 2 : 64;
        uint64_t *nk = ncap <= 2 * ST_KEYS_MAX ? cu_calloc(ncap, sizeof(*nk)) : NULL;
        if (nk == NULL) {
            vm->st_bad = true;
            return;
        }
        for (size_t i = 0; i < vm->st_cap; i++) {
            if (vm->st_keys[i] != 0) {
                size_t j = (size_t)(vm->st_keys[i] & (ncap - 1));
                while (nk[j] != 0) {
                    j = (j + 1) & (ncap - 1);
                }
                nk[j] = vm->st_keys[i];
            }
        }
        free(vm->st_keys);
        vm->st_keys = nk;
        vm->st_cap = ncap;
    }
    size_t j = (size_t)(h & (vm->st_cap - 1));
    while (vm->st_keys[j] != 0) {
        if (vm->st_keys[j] == h) {
            return; /* the same storage again (a view or a shared tensor) */
        }
        j = (j + 1) & (vm->st_cap - 1);
    }
    vm->st_keys[j] = h;
    vm->st_n++;
    if (__builtin_add_overflow(vm->st_elems, (uint64_t)numel, &vm->st_elems)) {
        vm->st_bad = true;
    }
    const char *tn = type->u.g->cname != NULL ? type->u.g->cname : "";
    for (size_t i = 0; i < 4; i++) {
        if (vm->st_type[i] == NULL || strcmp(vm->st_type[i], tn) == 0) {
            vm->st_type[i] = tn;
            vm->st_type_elems[i] += (uint64_t)numel;
            break;
        }
    }
}

/* BOM facts of a torch checkpoint pickle that ran to its end. */
static void st_facts(struct vm *vm)
{
    static const struct {
        const char *storage, *dtype;
    } names[] = {
        { "FloatStorage", "float32" },     { "HalfStorage", "float16" },
        { "BFloat16Storage", "bfloat16" }, { "DoubleStorage", "float64" },
        { "LongStorage", "int64" },        { "IntStorage", "int32" },
        { "ShortStorage", "int16" },       { "CharStorage", "int8" },
        { "ByteStorage", "uint8" },        { "BoolStorage", "bool" },
    };
    if (vm->st_bad || vm->st_n == 0) {
        return;
    }
    cu_fact(vm->ctx, "model.parameters", "%llu", (unsigned long long)vm->st_elems);
    size_t best = 0;
    for (size_t i = 1; i < 4 && vm->st_type[i] != NULL; i++) {
        best = vm->st_type_elems[i] > vm->st_type_elems[best] ? i : best;
    }
    const char *tn = vm->st_type[best];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(tn, names[i].storage) == 0) {
            cu_fact(vm->ctx, "model.dtype", "%s", names[i].dtype);
            return;
        }
    }
}

static void *arena_alloc(struct vm *vm, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    struct arena_chunk *c = vm->arena;
    if (c == NULL || c->cap - c->used < n) {
        /* Chunks double from 16 KiB to ARENA_CHUNK: small pickles stay cheap. */
        size_t cap = vm->arena_total < (16u << 10) ? (16u << 10) : (size_t)vm->arena_total;
        if (cap > ARENA_CHUNK) {
            cap = ARENA_CHUNK;
        }
        if (cap < n) {
            cap = n;
        }
        if (vm->arena_total + cap > CU_LIMIT_PICKLE_ARENA) {
            (void)cu_err_limit(vm->err, vm->src->loc, vm->op_off,
                               "pickle values need more than %llu bytes of memory",
                               (unsigned long long)CU_LIMIT_PICKLE_ARENA);
            return NULL;
        }
        c = cu_malloc(sizeof(*c) + cap);
        if (c == NULL) {
            (void)cu_err_nomem(vm->err);
            return NULL;
        }
        c->next = vm->arena;
        c->used = 0;
        c->cap = cap;
        vm->arena = c;
        vm->arena_total += cap;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

/* The error code left by arena_alloc() (limit or ENOMEM). */
static int arena_err(const struct vm *vm)
{
    return vm->err->code == CUSTODY_ELIMIT ? CUSTODY_ELIMIT : CUSTODY_ENOMEM;
}

/* Hands *p (of cap elements of elem bytes) to the spare slot when that is empty and the
 * buffer is not too big; frees it otherwise. */
static void spare_keep(void **slot, size_t *slot_cap, void *p, size_t cap, size_t elem)
{
    if (p != NULL && *slot == NULL && cap * elem <= SPARE_MAX_BYTES) {
        *slot = p;
        *slot_cap = cap;
    } else {
        free(p);
    }
}

static void vm_free(struct vm *vm)
{
    struct vm_spare *sp = spare_tls;
    struct arena_chunk *c = vm->arena;
    while (c != NULL) {
        struct arena_chunk *next = c->next;
        if (sp != NULL && sp->arena == NULL && c->cap <= SPARE_MAX_BYTES) {
            c->used = 0;
            c->next = NULL;
            sp->arena = c;
        } else {
            free(c);
        }
        c = next;
    }
    if (sp != NULL) {
        if (vm->memo != NULL) {
            memset(vm->memo, 0, vm->memo_hi * sizeof(*vm->memo));
        }
        spare_keep((void **)&sp->stack, &sp->scap, vm->stack, vm->scap, sizeof(*vm->stack));
        spare_keep((void **)&sp->marks, &sp->mcap, vm->marks, vm->mcap, sizeof(*vm->marks));
        spare_keep((void **)&sp->memo, &sp->memo_cap, vm->memo, vm->memo_cap, sizeof(*vm->memo));
    } else {
        free(vm->stack);
        free(vm->marks);
        free(vm->memo);
    }
    free(vm->imps);
    free(vm->st_keys);
}

/* ------------------------------------------------------------------------------------------ */
/* findings */

static void vm_emit(
    struct vm *vm, uint64_t off, const char *rule, int sev, const char *ev, const char *fmt, ...)
    CUSTODY_PRINTF(6, 7);
static void vm_emit(
    struct vm *vm, uint64_t off, const char *rule, int sev, const char *ev, const char *fmt, ...)
{
    if (vm->quiet) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = cu_vasprintf(fmt, ap);
    va_end(ap);
    cu_emit(vm->ctx, vm->src, off, rule, sev, ev, "%s", msg != NULL ? msg : "(out of memory)");
    free(msg);
}

static void repr(struct cu_buf *b, const struct cu_pv *v, unsigned depth);

static void repr_name(struct cu_buf *b, const struct pv_imp *g)
{
    cu_buf_add_escaped(b, (const uint8_t *)g->cmod, strlen(g->cmod));
    if (g->cname[0] != '\0') {
        cu_buf_addc(b, '.');
        cu_buf_add_escaped(b, (const uint8_t *)g->cname, strlen(g->cname));
    }
}

static void repr_items(struct cu_buf *b, const struct pv_seq *q, bool pairs, unsigned depth)
{
    for (uint32_t i = 0; i < q->kept && !b->cut; i++) {
        if (i > 0) {
            cu_buf_adds(b, ", ");
        }
        if (pairs) {
            repr(b, &q->items[(size_t)2 * i], depth + 1);
            cu_buf_adds(b, ": ");
            repr(b, &q->items[(size_t)2 * i + 1], depth + 1);
        } else {
            repr(b, &q->items[i], depth + 1);
        }
    }
    if (q->count > q->kept) {
        cu_buf_adds(b, q->kept > 0 ? ", ..." : "...");
    }
}

static void repr_call(struct cu_buf *b, const struct pv_call *c, unsigned depth)
{
    if (c->how == CALL_PERSID) {
        cu_buf_adds(b, "persistent_load(");
        repr(b, &c->args, depth + 1);
        cu_buf_addc(b, ')');
        return;
    }
    repr(b, &c->callable, depth + 1);
    cu_buf_addc(b, '(');
    bool any = true;
    if (c->args.kind == CU_PV_TUPLE) {
        repr_items(b, c->args.u.q, false, depth);
        any = c->args.u.q->count > 0;
    } else {
        cu_buf_adds(b, "*");
        repr(b, &c->args, depth + 1);
    }
    if (c->how == CALL_NEWOBJ_EX && c->kwargs.kind == CU_PV_DICT) {
        const struct pv_seq *kw = c->kwargs.u.q;
        for (uint32_t i = 0; i < kw->kept && !b->cut; i++) {
            if (any) {
                cu_buf_adds(b, ", ");
            }
            any = true;
            const struct cu_pv *k = &kw->items[(size_t)2 * i];
            if (k->kind == CU_PV_STR) {
                cu_buf_add_escaped(b, k->u.b->data, k->n);
            } else {
                repr(b, k, depth + 1);
            }
            cu_buf_addc(b, '=');
            repr(b, &kw->items[(size_t)2 * i + 1], depth + 1);
        }
    }
    cu_buf_addc(b, ')');
    if (c->has_state) {
        cu_buf_adds(b, ".__setstate__(");
        repr(b, &c->state, depth + 1);
        cu_buf_addc(b, ')');
    }
}

static void repr(struct cu_buf *b, const struct cu_pv *v, unsigned depth)
{
    if (b->cut) {
        return;
    }
    if (depth > EVIDENCE_DEPTH) {
        cu_buf_adds(b, "...");
        return;
    }
    switch (v->kind) {
    case CU_PV_NONE:
        cu_buf_adds(b, "None");
        break;
    case CU_PV_BOOL:
        cu_buf_adds(b, v->u.i ? "True" : "False");
        break;
    case CU_PV_INT:
        cu_buf_addf(b, "%" PRId64, v->u.i);
        break;
    case CU_PV_BIGINT:
        cu_buf_adds(b, "<big int>");
        break;
    case CU_PV_FLOAT:
        cu_buf_addf(b, "%.17g", v->u.f);
        break;
    case CU_PV_STR:
    case CU_PV_BYTES:
        cu_buf_adds(b, v->kind == CU_PV_BYTES ? "b'" : "'");
        cu_buf_add_escaped(b, v->u.b->data, v->n);
        if (v->flags & PVF_CUT) {
            cu_buf_addf(b, "...<%llu bytes>", (unsigned long long)v->u.b->full);
        }
        cu_buf_addc(b, '\'');
        break;
    case CU_PV_TUPLE:
        cu_buf_addc(b, '(');
        repr_items(b, v->u.q, false, depth);
        cu_buf_adds(b, v->u.q->count == 1 ? ",)" : ")");
        break;
    case CU_PV_LIST:
        cu_buf_addc(b, '[');
        repr_items(b, v->u.q, false, depth);
        cu_buf_addc(b, ']');
        break;
    case CU_PV_DICT:
        cu_buf_addc(b, '{');
        repr_items(b, v->u.q, true, depth);
        cu_buf_addc(b, '}');
        break;
    case CU_PV_SET:
        if (v->u.q->count == 0) {
            cu_buf_adds(b, (v->flags & PVF_FROZEN) ? "frozenset()" : "set()");
        } else {
            cu_buf_adds(b, (v->flags & PVF_FROZEN) ? "frozenset({" : "{");
            repr_items(b, v->u.q, false, depth);
            cu_buf_adds(b, (v->flags & PVF_FROZEN) ? "})" : "}");
        }
        break;
    case CU_PV_GLOBAL:
        repr_name(b, v->u.g);
        break;
    case CU_PV_CALL:
    case CU_PV_PERSID:
        repr_call(b, v->u.c, depth);
        break;
    case CU_PV_MARK:
        cu_buf_adds(b, "<mark>");
        break;
    default:
        cu_buf_adds(b, "<?>");
        break;
    }
}

/* Evidence text of a value; the caller frees it with cu_buf_free(). */
static void evidence(struct cu_buf *b, const struct cu_pv *v)
{
    repr(b, v, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* errors */

static int vm_malformed(struct vm *vm, const char *fmt, ...) CUSTODY_PRINTF(2, 3);
static int vm_malformed(struct vm *vm, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    (void)cu_err_malformed(vm->err, vm->src->loc, vm->op_off, "%s", msg);
    return CUSTODY_EMALFORMED;
}

static int vm_underflow(struct vm *vm)
{
    return vm_malformed(vm, "stack underflow at opcode offset %llu",
                        (unsigned long long)vm->op_off);
}

/* ------------------------------------------------------------------------------------------ */
/* stack, marks, memo */

static int stack_grow(struct vm *vm)
{
    if (vm->scap >= CU_LIMIT_PICKLE_STACK) {
        return VM_LIMIT(vm->err, vm->src->loc, vm->op_off, "pickle stack deeper than %u values",
                        CU_LIMIT_PICKLE_STACK);
    }
    if (!cu_grow((void **)&vm->stack, &vm->scap, vm->scap + 1, sizeof(*vm->stack))) {
        return VM_NOMEM(vm->err);
    }
    return 0;
}

static int mark_push(struct vm *vm)
{
    if (vm->nmarks == vm->mcap) {
        if (vm->mcap >= CU_LIMIT_PICKLE_STACK) {
            return VM_LIMIT(vm->err, vm->src->loc, vm->op_off, "more than %u nested MARKs",
                            CU_LIMIT_PICKLE_STACK);
        }
        if (!cu_grow((void **)&vm->marks, &vm->mcap, vm->nmarks + 1, sizeof(*vm->marks))) {
            return VM_NOMEM(vm->err);
        }
    }
    vm->marks[vm->nmarks++] = vm->sp;
    return 0;
}

/* Pops the innermost mark into *at (the stack index where the marked items start). */
static int mark_pop(struct vm *vm, size_t *at)
{
    if (vm->nmarks == 0) {
        return vm_malformed(vm, "could not find MARK");
    }
    *at = vm->marks[--vm->nmarks];
    return 0;
}

static int memo_put(struct vm *vm, uint64_t idx, const struct cu_pv *v)
{
    if (idx >= CU_LIMIT_PICKLE_MEMO) {
        return VM_LIMIT(vm->err, vm->src->loc, vm->op_off, "memo index %llu exceeds %u",
                        (unsigned long long)idx, CU_LIMIT_PICKLE_MEMO);
    }
    size_t i = (size_t)idx;
    if (i >= vm->memo_cap) {
        size_t old = vm->memo_cap;
        if (!cu_grow((void **)&vm->memo, &vm->memo_cap, i + 1, sizeof(*vm->memo))) {
            return VM_NOMEM(vm->err);
        }
        memset(vm->memo + old, 0, (vm->memo_cap - old) * sizeof(*vm->memo));
    }
    if (!(vm->memo[i].flags & PVF_SET)) {
        vm->memo_count++;
    }
    if (i >= vm->memo_hi) {
        vm->memo_hi = i + 1;
    }
    vm->memo[i] = *v;
    vm->memo[i].flags |= PVF_SET;
    return 0;
}

static int memo_get(struct vm *vm, uint64_t idx, struct cu_pv *out)
{
    if (idx >= vm->memo_cap || !(vm->memo[idx].flags & PVF_SET)) {
        return vm_malformed(vm, "memo value not found at index %llu", (unsigned long long)idx);
    }
    *out = vm->memo[idx];
    out->flags &= (uint8_t)~PVF_SET;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* containers */

static int
seq_new(struct vm *vm, uint8_t kind, const struct cu_pv *items, size_t n, struct cu_pv *out)
{
    memset(out, 0, sizeof(*out));
    struct pv_seq *q = arena_alloc(vm, sizeof(*q));
    if (q == NULL) {
        return arena_err(vm);
    }
    uint32_t keep = n < PV_KEEP_ITEMS ? (uint32_t)n : PV_KEEP_ITEMS;
    q->count = n;
    q->kept = 0;
    q->cap = 0;
    q->items = NULL;
    if (keep > 0) {
        q->items = arena_alloc(vm, keep * sizeof(*q->items));
        if (q->items == NULL) {
            return arena_err(vm);
        }
        memcpy(q->items, items, keep * sizeof(*q->items));
        q->kept = keep;
        q->cap = keep;
    }
    memset(out, 0, sizeof(*out));
    out->kind = kind;
    out->u.q = q;
    return 0;
}

/* Makes room for `want` kept slots (values) in q. */
static int seq_reserve(struct vm *vm, struct pv_seq *q, uint32_t want)
{
    if (want <= q->cap) {
        return 0;
    }
    uint32_t cap = q->cap == 0 ? 4 : q->cap * 2;
    while (cap < want) {
        cap *= 2;
    }
    struct cu_pv *items = arena_alloc(vm, cap * sizeof(*items));
    if (items == NULL) {
        return arena_err(vm);
    }
    if (q->cap > 0) {
        memcpy(items, q->items, q->cap * sizeof(*items));
    }
    q->items = items;
    q->cap = cap;
    return 0;
}

/* Appends n items to a list or set, keeping the first PV_KEEP_ITEMS. */
static int seq_extend(struct vm *vm, struct pv_seq *q, const struct cu_pv *items, size_t n)
{
    q->count += n;
    if (q->kept < PV_KEEP_ITEMS && n > 0) {
        uint32_t take = PV_KEEP_ITEMS - q->kept;
        if (n < take) {
            take = (uint32_t)n;
        }
        int rc = seq_reserve(vm, q, q->kept + take);
        if (rc < 0) {
            return rc;
        }
        memcpy(q->items + q->kept, items, take * sizeof(*items));
        q->kept += take;
    }
    return 0;
}

/* Sets n key/value pairs in a dict, replacing kept string keys. */
static int dict_update(struct vm *vm, struct pv_seq *q, const struct cu_pv *kv, size_t npairs)
{
    for (size_t i = 0; i < npairs; i++) {
        const struct cu_pv *k = &kv[(size_t)2 * i];
        bool replaced = false;
        if (k->kind == CU_PV_STR && !(k->flags & PVF_CUT)) {
            for (uint32_t j = 0; j < q->kept; j++) {
                if (pv_str_eq(&q->items[(size_t)2 * j], (const char *)k->u.b->data, k->n)) {
                    q->items[(size_t)2 * j + 1] = kv[(size_t)2 * i + 1];
                    replaced = true;
                    break;
                }
            }
        }
        if (replaced) {
            continue;
        }
        q->count++;
        if (q->kept < PV_KEEP_ITEMS) {
            int rc = seq_reserve(vm, q, 2 * (q->kept + 1));
            if (rc < 0) {
                return rc;
            }
            q->items[(size_t)2 * q->kept] = kv[(size_t)2 * i];
            q->items[(size_t)2 * q->kept + 1] = kv[(size_t)2 * i + 1];
            q->kept++;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* imports */

/* The spelling a current loader resolves (policy's mapping: `__builtin__.file` ->
 * `builtins.open`); kept as spelled when the mapping changes nothing or cannot say. */
static bool imp_canonical(struct vm *vm, struct pv_imp *g)
{
    char mod[CU_PICKLE_NAME_MAX + 1], name[CU_PICKLE_NAME_MAX + 1];
    g->cmod = g->module;
    g->cname = g->name;
    if (!cu_pickle_canonical(g->module, g->name, mod, sizeof(mod), name, sizeof(name)) ||
        mod[0] == '\0') {
        return true;
    }
    if (strcmp(mod, g->module) != 0) {
        size_t n = strlen(mod) + 1;
        char *c = arena_alloc(vm, n);
        if (c == NULL) {
            return false;
        }
        memcpy(c, mod, n);
        g->cmod = c;
    }
    if (strcmp(name, g->name) != 0) {
        size_t n = strlen(name) + 1;
        char *c = arena_alloc(vm, n);
        if (c == NULL) {
            return false;
        }
        memcpy(c, name, n);
        g->cname = c;
    }
    return true;
}

static uint32_t imp_hash(const uint8_t *m, size_t ml, const uint8_t *n, size_t nl)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < ml; i++) {
        h = (h ^ m[i]) * 16777619u;
    }
    h = (h ^ '\n') * 16777619u;
    for (size_t i = 0; i < nl; i++) {
        h = (h ^ n[i]) * 16777619u;
    }
    return h;
}

static int imp_table_grow(struct vm *vm)
{
    size_t ncap = vm->imp_cap == 0 ? 64 : vm->imp_cap * 2;
    struct pv_imp **t = cu_calloc(ncap, sizeof(struct pv_imp *));
    if (t == NULL) {
        return VM_NOMEM(vm->err);
    }
    for (size_t i = 0; i < vm->imp_cap; i++) {
        struct pv_imp *g = vm->imps[i];
        if (g != NULL) {
            size_t j = g->hash & (ncap - 1);
            while (t[j] != NULL) {
                j = (j + 1) & (ncap - 1);
            }
            t[j] = g;
        }
    }
    free(vm->imps);
    vm->imps = t;
    vm->imp_cap = ncap;
    return 0;
}

static const char *class_word(uint8_t k)
{
    return k == CUSTODY_PICKLE_DANGEROUS ? "dangerous"
           : k == CUSTODY_PICKLE_SAFE    ? "safe"
                                         : "unknown";
}

/* Interns module.name and, the first time, classifies and reports it. `how` says how the
 * import was spelled, for the message. */
/* The import finding of a callable that is not safe (at the import's offset). */
static void imp_report(struct vm *vm, struct pv_imp *g)
{
    if (g->klass == CUSTODY_PICKLE_SAFE || vm->quiet) {
        return;
    }
    if (g->flags & IMP_DEFERRED) {
        g->flags &= (uint8_t)~IMP_DEFERRED;
        vm->ndeferred--;
    }
    g->flags &= (uint8_t)~IMP_QUIET;
    struct cu_buf ev = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
    repr_name(&ev, g);
    bool renamed = g->cmod != g->module || g->cname != g->name;
    if (g->klass == CUSTODY_PICKLE_DANGEROUS) {
        vm_emit(vm, g->def_off, "pickle/dangerous-import", CU_SEV_DEFAULT, cu_buf_str(&ev),
                "imports %s (%s%s%s): %s", cu_buf_str(&ev), g->def_how, renamed ? ", spelled " : "",
                renamed ? g->module : "", g->why != NULL ? g->why : "known to run code");
    } else {
        vm_emit(vm, g->def_off, "pickle/unknown-import", CU_SEV_DEFAULT, cu_buf_str(&ev),
                "imports %s (%s%s%s), which is on no allowlist", cu_buf_str(&ev), g->def_how,
                renamed ? ", spelled " : "", renamed ? g->module : "");
    }
    cu_buf_free(&ev);
}

/* A builtins.getattr import reported late: used in a way that is not a plain attribute
 * lookup, or (at the end of the pickle) never used as one. */
static void imp_report_deferred(struct vm *vm, struct pv_imp *g)
{
    if (g->flags & IMP_DEFERRED) {
        imp_report(vm, g);
    }
}

static int vm_import(struct vm *vm,
                     uint64_t off,
                     const uint8_t *m,
                     size_t ml,
                     const uint8_t *n,
                     size_t nl,
                     const char *how,
                     struct cu_pv *out)
{
    uint32_t h = imp_hash(m, ml, n, nl);
    if (vm->imp_cap == 0 || (vm->nimp + 1) * 2 > vm->imp_cap) {
        if (vm->nimp >= CU_LIMIT_PICKLE_MEMO) {
            return VM_LIMIT(vm->err, vm->src->loc, off, "more than %u distinct imports",
                            CU_LIMIT_PICKLE_MEMO);
        }
        int rc = imp_table_grow(vm);
        if (rc < 0) {
            return rc;
        }
    }
    size_t j = h & (vm->imp_cap - 1);
    struct pv_imp *g;
    while ((g = vm->imps[j]) != NULL) {
        if (g->hash == h && strlen(g->module) == ml && strlen(g->name) == nl &&
            memcmp(g->module, m, ml) == 0 && memcmp(g->name, n, nl) == 0) {
            break;
        }
        j = (j + 1) & (vm->imp_cap - 1);
    }
    if (g == NULL) {
        g = arena_alloc(vm, sizeof(*g) + ml + nl + 2);
        if (g == NULL) {
            return arena_err(vm);
        }
        char *s = (char *)(g + 1);
        memcpy(s, m, ml);
        s[ml] = '\0';
        memcpy(s + ml + 1, n, nl);
        s[ml + 1 + nl] = '\0';
        g->module = s;
        g->name = s + ml + 1;
        g->hash = h;
        g->flags = 0;
        g->why = NULL;
        g->klass = CUSTODY_PICKLE_UNKNOWN;
        g->ok_uses = 0;
        g->def_off = off;
        g->def_how = how;
        struct cu_class_result cr = { 0 };
        if (nl != 0) {
            cu_ctx_class_lookup(vm->ctx, g->module, g->name, &cr);
            g->klass = (uint8_t)cr.klass;
            g->why = cr.why;
            if (cr.klass == CUSTODY_PICKLE_SAFE && cr.why == cu_pickle_state_only) {
                g->flags |= IMP_STATE;
            }
        }
        if (cr.canon) {
            g->cmod = cr.cmod != NULL ? cr.cmod : g->module;
            g->cname = cr.cname != NULL ? cr.cname : g->name;
        } else if (!imp_canonical(vm, g)) {
            return arena_err(vm);
        }
        vm->imps[j] = g;
        vm->nimp++;
        if (nl == 0) {
            g->flags |= IMP_MODULE;
        } else if (g->klass == CUSTODY_PICKLE_DANGEROUS && strcmp(g->cmod, "builtins") == 0 &&
                   strcmp(g->cname, "getattr") == 0) {
            g->flags |= IMP_DEFERRED;
            vm->ndeferred++;
        } else if (how == HOW_MEMBER) {
            g->flags |= IMP_QUIET;
        } else {
            imp_report(vm, g);
        }
    } else if (g->flags & IMP_QUIET && how != HOW_MEMBER) {
        imp_report(vm, g); /* the same name imported plainly as well */
    }
    memset(out, 0, sizeof(*out));
    out->kind = CU_PV_GLOBAL;
    out->u.g = g;
    return 0;
}

static bool imp_is(const struct pv_imp *g, const char *cmod, const char *name)
{
    return g->cmod[0] == cmod[0] && strcmp(g->cmod, cmod) == 0 && strcmp(g->cname, name) == 0;
}

/* ------------------------------------------------------------------------------------------ */
/* calls */

static int vm_codecs_encode(struct vm *vm, const struct cu_pv *text, const struct cu_pv *enc);

static void report_dyn(
    struct vm *vm, uint64_t off, const char *rule, int sev, const struct cu_pv *v, const char *what)
{
    if (vm->quiet) {
        return;
    }
    struct cu_buf ev = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
    evidence(&ev, v);
    vm_emit(vm, off, rule, sev, cu_buf_str(&ev), "%s", what);
    cu_buf_free(&ev);
}

static bool unknown_function(const struct pv_imp *g, enum pv_call_how how);

/* The builtins.getattr import when v is the result of a getattr call (a bound method or an
 * attribute looked up at load time), else NULL. */
static struct pv_imp *getattr_of(const struct cu_pv *v)
{
    if (v->kind != CU_PV_CALL || v->u.c->callable.kind != CU_PV_GLOBAL ||
        !imp_is(v->u.c->callable.u.g, "builtins", "getattr")) {
        return NULL;
    }
    return v->u.c->callable.u.g;
}

/* Whether handing the saved-state class v to outer only rebuilds or stores it:
 * copyreg.__newobj__(cls, ...), __newobj_ex__(cls, ...) and _reconstructor(cls, ...) with v as
 * cls (cls.__new__, the way a plain object is rebuilt), or a container built from items. */
static bool
state_rebuild(const struct pv_imp *outer, const struct cu_pv *call, const struct cu_pv *v)
{
    if (imp_is(outer, "copyreg", "__newobj__") || imp_is(outer, "copyreg", "__newobj_ex__") ||
        imp_is(outer, "copyreg", "_reconstructor")) {
        return cu_pv_item(cu_pv_call_args(call), 0) == v;
    }
    /* containers built from their items (Python 2 OrderedDict(items), set([...])) hold a
     * class as data and call nothing */
    static const char *const holds[][2] = {
        { "builtins", "set" },      { "builtins", "frozenset" },   { "builtins", "list" },
        { "builtins", "tuple" },    { "builtins", "dict" },        { "collections", "OrderedDict" },
        { "collections", "deque" }, { "collections", "ChainMap" },
    };
    for (size_t i = 0; i < sizeof(holds) / sizeof(holds[0]); i++) {
        if (imp_is(outer, holds[i][0], holds[i][1])) {
            return true;
        }
    }
    return false;
}

/* A class allowlisted only as saved state, called (or handed to a callable that may call it)
 * with arguments from the file: its constructor runs. Reported once per import. */
static void state_call(struct vm *vm,
                       uint64_t off,
                       const struct cu_pv *call,
                       struct pv_imp *g,
                       const struct pv_imp *outer)
{
    if (g->flags & IMP_CALL_REPORTED) {
        return;
    }
    if (outer == NULL && imp_is(g, "dateutil.tz.tz", "tzfile")) {
        /* dateutil pickles a zone as tzfile(None, filename) + its state: with no file object
         * the constructor opens nothing; tzfile(path) reads any file */
        const struct cu_pv *args = cu_pv_call_args(call), *a0 = cu_pv_item(args, 0);
        if (a0 != NULL && a0->kind == CU_PV_NONE && cu_pv_len(args) <= 2 &&
            call->u.c->kwargs.kind == CU_PV_NONE) {
            return;
        }
    }
    g->flags |= IMP_CALL_REPORTED;
    struct cu_buf ev = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
    evidence(&ev, call);
    struct cu_buf nm = CU_BUF_INIT(256);
    repr_name(&nm, g);
    if (outer == NULL) {
        vm_emit(vm, off, "pickle/constructor-call", CU_SEV_DEFAULT, cu_buf_str(&ev),
                "calls %s, which is allowlisted only to be rebuilt from its saved state: "
                "calling it runs its constructor with arguments from the file",
                cu_buf_str(&nm));
    } else {
        struct cu_buf on = CU_BUF_INIT(256);
        repr_name(&on, outer);
        vm_emit(vm, off, "pickle/constructor-call", CU_SEV_DEFAULT, cu_buf_str(&ev),
                "passes %s, which is allowlisted only to be rebuilt from its saved state, to "
                "%s, which may call its constructor",
                cu_buf_str(&nm), cu_buf_str(&on));
        cu_buf_free(&on);
    }
    cu_buf_free(&nm);
    cu_buf_free(&ev);
}

/* A callable handed to a safe callable (defaultdict(f), partial(f), _reconstructor(cls, ...),
 * map(f, ...)) is judged as if it were called. */
static void scan_args(struct vm *vm,
                      uint64_t off,
                      const struct cu_pv *call,
                      const struct pv_imp *outer,
                      const struct cu_pv *v,
                      unsigned depth)
{
    if (depth > ARGSCAN_DEPTH) {
        return;
    }
    if (v->kind == CU_PV_GLOBAL) {
        struct pv_imp *g = v->u.g;
        if (g->flags & IMP_STATE && !state_rebuild(outer, call, v)) {
            state_call(vm, off, call, g, outer);
            return;
        }
        if (g->flags & IMP_MODULE || g->klass == CUSTODY_PICKLE_SAFE) {
            return;
        }
        if (g->flags & IMP_QUIET) {
            imp_report(vm, g); /* a class member handed to a callable that may call it */
        }
        struct cu_buf ev = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
        evidence(&ev, call);
        struct cu_buf inner = CU_BUF_INIT(256);
        repr_name(&inner, g);
        struct cu_buf on = CU_BUF_INIT(256);
        repr_name(&on, outer);
        if (g->klass == CUSTODY_PICKLE_DANGEROUS) {
            imp_report_deferred(vm, g);
            vm_emit(vm, off, "pickle/dangerous-call", CU_SEV_DEFAULT, cu_buf_str(&ev),
                    "passes %s to %s, which may call it", cu_buf_str(&inner), cu_buf_str(&on));
        } else if (!(g->flags & IMP_CALL_REPORTED)) {
            g->flags |= IMP_CALL_REPORTED;
            if (unknown_function(g, CALL_REDUCE)) {
                /* judged as if called: an unlisted function run by a safe caller
                 * (_rebuild_from_type_v2(f, ...)) is as bad as calling it */
                vm_emit(vm, off, "pickle/unknown-function-call", CU_SEV_DEFAULT, cu_buf_str(&ev),
                        "passes the function %s to %s, which may call it on load; it is on no "
                        "allowlist, and unlisted functions are how denylist bypasses run code",
                        cu_buf_str(&inner), cu_buf_str(&on));
            } else {
                vm_emit(vm, off, "pickle/unknown-call", CU_SEV_DEFAULT, cu_buf_str(&ev),
                        "passes %s (%s) to %s, which may call it", cu_buf_str(&inner),
                        class_word(g->klass), cu_buf_str(&on));
            }
        }
        cu_buf_free(&on);
        cu_buf_free(&inner);
        cu_buf_free(&ev);
        return;
    }
    struct pv_imp *ga = getattr_of(v);
    if (ga != NULL) {
        /* a bound method handed to a callable that may call it
         * (_rebuild_from_type_v2(array.tofile, ...)): as dangerous as calling it */
        imp_report_deferred(vm, ga);
        struct cu_buf ev = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
        evidence(&ev, call);
        struct cu_buf on = CU_BUF_INIT(256);
        repr_name(&on, outer);
        vm_emit(vm, off, "pickle/dangerous-call", CU_SEV_DEFAULT, cu_buf_str(&ev),
                "passes an attribute that builtins.getattr looked up at load time to %s, which "
                "may call it",
                cu_buf_str(&on));
        cu_buf_free(&on);
        cu_buf_free(&ev);
        return;
    }
    if (pv_is_seq(v)) {
        const struct pv_seq *q = v->u.q;
        uint32_t n = v->kind == CU_PV_DICT ? 2 * q->kept : q->kept;
        for (uint32_t i = 0; i < n; i++) {
            scan_args(vm, off, call, outer, &q->items[i], depth + 1);
        }
    }
}

/* builtins.getattr(obj, 'name'): resolves to an import when obj is one. */
static int
call_getattr(struct vm *vm, uint64_t off, const struct cu_pv *args, bool *done, struct cu_pv *out)
{
    *done = false;
    const struct cu_pv *a0 = cu_pv_item(args, 0), *a1 = cu_pv_item(args, 1);
    if (a0 == NULL || a1 == NULL || a0->kind != CU_PV_GLOBAL || a1->kind != CU_PV_STR ||
        (a1->flags & PVF_CUT) || a1->n == 0) {
        return 0;
    }
    const struct pv_imp *g = a0->u.g;
    size_t ml = strlen(g->module), nl = strlen(g->name);
    size_t total = nl + (nl > 0 ? 1 : 0) + a1->n;
    if (total > CU_LIMIT_PICKLE_KEEP) {
        return 0;
    }
    uint8_t *name = vm->scratch;
    size_t k = 0;
    if (nl > 0) {
        memcpy(name, g->name, nl);
        name[nl] = '.';
        k = nl + 1;
    }
    memcpy(name + k, a1->u.b->data, a1->n);
    *done = true;
    bool member = g->klass == CUSTODY_PICKLE_SAFE && !(g->flags & IMP_MODULE) &&
                  a1->u.b->data[0] >= 'A' && a1->u.b->data[0] <= 'Z';
    for (size_t i = 0; member && i < a1->n; i++) {
        uint8_t c = a1->u.b->data[i];
        member = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
    return vm_import(vm, off, (const uint8_t *)g->module, ml, name, total,
                     member ? HOW_MEMBER : "resolved through builtins.getattr", out);
}

/* Records a call site: classifies the callable, reports, and pushes the result. */
/* An unknown callable called as a plain call (REDUCE, INST, OBJ: callable(*args)) whose name
 * reads as a function (the last component starts in lower case or '_'), rather than a class
 * being instantiated. Data constructors in real checkpoints are classes or allowlisted
 * reconstructors; a function run at load time is what gadget bypasses use. */
static bool unknown_function(const struct pv_imp *g, enum pv_call_how how)
{
    if (how == CALL_NEWOBJ || how == CALL_NEWOBJ_EX || how == CALL_PERSID) {
        return false; /* cls.__new__(cls, ...): only a class gets that far */
    }
    const char *last = strrchr(g->cname, '.');
    last = last != NULL ? last + 1 : g->cname;
    if (strncmp(last, "__pyx_unpickle_", 15) == 0) {
        return false; /* Cython's generated unpickler of one extension type: a constructor */
    }
    size_t k = last[0] == '_' && last[1] != '_' ? 1 : 0; /* private classes: _BinMapper */
    return !(last[k] >= 'A' && last[k] <= 'Z');
}

/* An instance whose class is allowlisted: NEWOBJ/REDUCE of a safe class, or
 * copyreg._reconstructor(safe class, ...). */
static bool safe_instance(const struct cu_pv *v)
{
    if (v == NULL || v->kind != CU_PV_CALL || v->u.c->callable.kind != CU_PV_GLOBAL) {
        return false;
    }
    const struct pv_imp *g = v->u.c->callable.u.g;
    if (g->klass != CUSTODY_PICKLE_SAFE || g->flags & IMP_MODULE) {
        return false;
    }
    if (imp_is(g, "copyreg", "_reconstructor")) {
        const struct cu_pv *cls = cu_pv_item(&v->u.c->args, 0);
        return cls != NULL && cls->kind == CU_PV_GLOBAL && cls->u.g->klass == CUSTODY_PICKLE_SAFE &&
               !(cls->u.g->flags & IMP_MODULE);
    }
    return true;
}

/* builtins.getattr(obj, 'name') whose import is still unreported. A plain lookup is no finding
 * of its own: on an import it is that import (judged as getattr(os, 'system') is os.system,
 * the same as STACK_GLOBAL 'os' 'system'); on an instance of an allowlisted class, with a name
 * that is not a dunder, it is a bound method (numpy.vectorize(self._entropy) in scipy
 * distributions), and calling that later is reported. Anything else reports the import and
 * the call. Sets *plain when the lookup was plain. */
static int vm_getattr(struct vm *vm,
                      uint64_t off,
                      struct pv_imp *ga,
                      const struct cu_pv *args,
                      struct cu_pv *out,
                      bool *plain)
{
    *plain = false;
    const struct cu_pv call = *out; /* the getattr call, which the lookup replaces */
    bool done;
    int rc = call_getattr(vm, off, args, &done, out);
    if (rc < 0) {
        return rc;
    }
    if (done) {
        if (out->kind == CU_PV_GLOBAL &&
            (out->u.g->klass != CUSTODY_PICKLE_DANGEROUS || out->u.g->flags & IMP_QUIET)) {
            ga->ok_uses++;
            *plain = true;
            return 0;
        }
        /* getattr reaching a dangerous name: vm_call reports getattr as before the lookup */
        *out = call;
        return 0;
    }
    const struct cu_pv *a0 = cu_pv_item(args, 0), *a1 = cu_pv_item(args, 1);
    bool name_ok = a1 != NULL && a1->kind == CU_PV_STR && !(a1->flags & PVF_CUT) && a1->n > 0 &&
                   !(a1->n >= 2 && a1->u.b->data[0] == '_' && a1->u.b->data[1] == '_');
    if (cu_pv_len(args) == 2 && name_ok && safe_instance(a0)) {
        ga->ok_uses++;
        *plain = true; /* `out` is the getattr call: calling it is reported in vm_call */
    }
    return 0;
}

static int vm_call(struct vm *vm,
                   uint8_t how,
                   const struct cu_pv *callable,
                   const struct cu_pv *args,
                   const struct cu_pv *kwargs,
                   struct cu_pv *out)
{
    uint64_t off = vm->op_off;
    struct pv_call *c = arena_alloc(vm, sizeof(*c));
    if (c == NULL) {
        return arena_err(vm);
    }
    memset(c, 0, sizeof(*c));
    c->callable = *callable;
    c->args = *args;
    if (kwargs != NULL) {
        c->kwargs = *kwargs;
    }
    c->how = how;
    memset(out, 0, sizeof(*out));
    out->kind = CU_PV_CALL;
    out->u.c = c;

    struct pv_imp *ga = getattr_of(callable);
    if (ga != NULL) {
        /* calling what getattr found on an object: the chain gadgets are made of */
        imp_report_deferred(vm, ga);
        if (!vm->quiet) {
            struct cu_buf ev = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
            evidence(&ev, out);
            vm_emit(vm, off, "pickle/dangerous-call", CU_SEV_DEFAULT, cu_buf_str(&ev),
                    "calls an attribute that builtins.getattr looked up at load time: %s",
                    ga->why != NULL ? ga->why : "known to run code");
            cu_buf_free(&ev);
        }
        return 0;
    }
    switch (callable->kind) {
    case CU_PV_GLOBAL:
        break;
    case CU_PV_CALL:
    case CU_PV_PERSID:
    case CU_PV_UNKNOWN:
        report_dyn(vm, off, "pickle/dynamic-call", CU_SEV_DEFAULT, out,
                   "calls a value computed at load time; what runs cannot be known statically");
        return 0;
    default:
        return vm_malformed(vm, "calls a value that is not callable");
    }
    struct pv_imp *g = callable->u.g;
    if (g->flags & IMP_QUIET) {
        imp_report(vm, g); /* a class member that is called after all */
    }
    if (g->flags & IMP_MODULE) {
        report_dyn(vm, off, "pickle/dynamic-call", CU_SEV_DEFAULT, out, "calls a module object");
        return 0;
    }
    if (how == CALL_REDUCE && (g->flags & IMP_DEFERRED || g->ok_uses > 0)) {
        /* builtins.getattr before its import was judged: a plain lookup is not a finding */
        bool plain;
        int rc = vm_getattr(vm, off, g, args, out, &plain);
        if (rc < 0 || plain) {
            return rc;
        }
    }
    if (!vm->quiet) {
        struct cu_buf ev = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
        if (g->klass == CUSTODY_PICKLE_DANGEROUS) {
            imp_report_deferred(vm, g);
            evidence(&ev, out);
            struct cu_buf nm = CU_BUF_INIT(256);
            repr_name(&nm, g);
            vm_emit(vm, off, "pickle/dangerous-call", CU_SEV_DEFAULT, cu_buf_str(&ev),
                    "calls %s%s%s", cu_buf_str(&nm), g->why != NULL ? ": " : "",
                    g->why != NULL ? g->why : "");
            cu_buf_free(&nm);
        } else if (g->klass == CUSTODY_PICKLE_UNKNOWN && !(g->flags & IMP_CALL_REPORTED)) {
            g->flags |= IMP_CALL_REPORTED;
            evidence(&ev, out);
            struct cu_buf nm = CU_BUF_INIT(256);
            repr_name(&nm, g);
            if (unknown_function(g, how)) {
                vm_emit(vm, off, "pickle/unknown-function-call", CU_SEV_DEFAULT, cu_buf_str(&ev),
                        "calls the function %s on load, which is on no allowlist: unlisted "
                        "functions are how denylist bypasses run code",
                        cu_buf_str(&nm));
            } else {
                vm_emit(vm, off, "pickle/unknown-call", CU_SEV_DEFAULT, cu_buf_str(&ev),
                        "calls %s, which is on no allowlist", cu_buf_str(&nm));
            }
            cu_buf_free(&nm);
        } else if (g->klass == CUSTODY_PICKLE_SAFE) {
            if (g->flags & IMP_STATE && how != CALL_NEWOBJ && how != CALL_NEWOBJ_EX) {
                state_call(vm, off, out, g, NULL);
            }
            scan_args(vm, off, out, g, args, 0);
            if (kwargs != NULL) {
                scan_args(vm, off, out, g, kwargs, 0);
            }
        }
        cu_buf_free(&ev);
    }

    /* Calls whose result the VM can still name statically. */
    if (how == CALL_REDUCE && imp_is(g, "builtins", "getattr")) {
        bool done;
        int rc = call_getattr(vm, off, args, &done, out);
        if (rc < 0 || done) {
            return rc;
        }
        report_dyn(vm, off, "pickle/dynamic-import", CU_SEV_DEFAULT, out,
                   "builtins.getattr on operands that are not constants: resolves an "
                   "attribute at load time");
        return 0;
    }
    if (how == CALL_REDUCE &&
        (imp_is(g, "builtins", "__import__") || imp_is(g, "importlib", "import_module"))) {
        const struct cu_pv *a0 = cu_pv_item(args, 0);
        if (a0 != NULL && a0->kind == CU_PV_STR && !(a0->flags & PVF_CUT) && a0->n > 0) {
            return vm_import(vm, off, a0->u.b->data, a0->n, (const uint8_t *)"", 0, "module", out);
        }
        report_dyn(vm, off, "pickle/dynamic-import", CU_SEV_DEFAULT, out,
                   "imports a module whose name is computed at load time");
    }
    if (how == CALL_REDUCE && imp_is(g, "_codecs", "encode")) {
        int rc = vm_codecs_encode(vm, cu_pv_item(args, 0), cu_pv_item(args, 1));
        if (rc < 0) {
            return rc;
        }
    }
    /* numpy < 1.20 pickled ufuncs as _ufunc_reconstruct(module, name), which is
     * getattr(__import__(module), name): resolve it as that import, so 'os', 'system' is
     * os.system and 'numpy', 'log1p' is the ufunc. */
    if (how == CALL_REDUCE && (imp_is(g, "numpy.core", "_ufunc_reconstruct") ||
                               imp_is(g, "numpy._core", "_ufunc_reconstruct"))) {
        const struct cu_pv *a0 = cu_pv_item(args, 0), *a1 = cu_pv_item(args, 1);
        if (a0 != NULL && a1 != NULL && a0->kind == CU_PV_STR && a1->kind == CU_PV_STR &&
            !(a0->flags & PVF_CUT) && !(a1->flags & PVF_CUT) && a0->n > 0 && a1->n > 0) {
            return vm_import(vm, off, a0->u.b->data, a0->n, a1->u.b->data, a1->n,
                             "_ufunc_reconstruct", out);
        }
        report_dyn(vm, off, "pickle/dynamic-import", CU_SEV_DEFAULT, out,
                   "_ufunc_reconstruct on operands that are not constants: imports and "
                   "resolves an attribute at load time");
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* reading arguments */

#define NEED(n)                                   \
    do {                                          \
        if (st->len - st->pos < (size_t)(n)) {    \
            rc = cu_stream_need(st, (size_t)(n)); \
            if (rc < 0) {                         \
                goto out;                         \
            }                                     \
        }                                         \
    } while (0)

/* Reads a text argument up to '\n'. A line that fits the stream window is returned in place
 * (borrowed until the next stream call); a longer one keeps CU_LIMIT_PICKLE_KEEP bytes in
 * vm->scratch and *full says how long it was. vm->line_last holds its last byte. */
static int vm_line(struct vm *vm, const uint8_t **p, size_t *len, uint64_t *full)
{
    struct cu_stream *st = vm->st;
    size_t scanned = 0;
    const uint8_t *start;
    size_t have;
    *p = vm->scratch;
    *len = 0;
    *full = 0;
    for (;;) {
        have = st->len - st->pos;
        start = st->buf + st->pos;
        const uint8_t *nl = have > scanned ? memchr(start + scanned, '\n', have - scanned) : NULL;
        if (nl != NULL) {
            size_t l = (size_t)(nl - start);
            *p = start;
            *len = l;
            *full = l;
            vm->line_last = l > 0 ? start[l - 1] : 0;
            st->pos += l + 1;
            return 0;
        }
        scanned = have;
        if (st->cap == 0 || st->eof) {
            return vm_malformed(vm, "truncated: text argument without a newline");
        }
        if (have >= st->cap) {
            break;
        }
        int rc = cu_stream_need(st, have + 1);
        if (rc == CUSTODY_EMALFORMED) {
            return vm_malformed(vm, "truncated: text argument without a newline");
        }
        if (rc < 0) {
            return rc;
        }
    }
    /* A long line: keep a prefix, stream through the rest. */
    size_t keep = CU_LIMIT_PICKLE_KEEP;
    memcpy(vm->scratch, start, keep);
    uint64_t total = 0;
    uint8_t last = 0;
    for (;;) {
        have = st->len - st->pos;
        start = st->buf + st->pos;
        const uint8_t *nl = have > 0 ? memchr(start, '\n', have) : NULL;
        if (nl != NULL) {
            size_t l = (size_t)(nl - start);
            total += l;
            if (l > 0) {
                last = start[l - 1];
            }
            st->pos += l + 1;
            break;
        }
        total += have;
        if (have > 0) {
            last = start[have - 1];
        }
        st->pos = st->len;
        int rc = cu_stream_need(st, 1);
        if (rc == CUSTODY_EMALFORMED) {
            return vm_malformed(vm, "truncated: text argument without a newline");
        }
        if (rc < 0) {
            return rc;
        }
    }
    *p = vm->scratch;
    *len = keep;
    *full = total;
    vm->line_last = last;
    return 0;
}

/* Copies a short text argument into a NUL-terminated buffer. */
static bool line_cstr(const uint8_t *p, size_t len, uint64_t full, char *buf, size_t cap)
{
    if (full != len || len >= cap || memchr(p, '\0', len) != NULL) {
        return false;
    }
    memcpy(buf, p, len);
    buf[len] = '\0';
    return true;
}

/* Parses an INT/LONG text (strtol semantics, as _pickle.c): int64, a big int, or malformed. */
static int parse_int_text(
    struct vm *vm, const uint8_t *p, size_t len, uint64_t full, int base, struct cu_pv *out)
{
    char buf[64];
    memset(out, 0, sizeof(*out));
    if (line_cstr(p, len, full, buf, sizeof(buf)) && len > 0) {
        char *end = NULL;
        errno = 0;
        long long x = strtoll(buf, &end, base);
        if (end != buf && *end == '\0') {
            if (errno == ERANGE) {
                out->kind = CU_PV_BIGINT;
                return 0;
            }
            out->kind = CU_PV_INT;
            out->u.i = x;
            return 0;
        }
        return vm_malformed(vm, "could not convert the text argument to an int");
    }
    /* Longer than any int64: plain decimal digits are a big int. */
    size_t i = (len > 0 && (p[0] == '-' || p[0] == '+')) ? 1 : 0;
    if (i == len) {
        return vm_malformed(vm, "could not convert the text argument to an int");
    }
    for (; i < len; i++) {
        if (!(p[i] >= '0' && p[i] <= '9') && p[i] != '_') {
            return vm_malformed(vm, "could not convert the text argument to an int");
        }
    }
    out->kind = CU_PV_BIGINT;
    return 0;
}

static int line_index(struct vm *vm, const uint8_t *p, size_t len, uint64_t full, uint64_t *idx)
{
    char buf[32];
    const char *s = buf;
    *idx = 0;
    if (!line_cstr(p, len, full, buf, sizeof(buf)) ||
        !cu_parse_u64(&s, buf + len, UINT64_MAX, idx) || s != buf + len) {
        return vm_malformed(vm, "memo index is not a decimal number");
    }
    return 0;
}

/* A STR/BYTES value whose bytes are in memory (decoded text). */
static int
blob_mem(struct vm *vm, uint8_t kind, const uint8_t *p, size_t n, uint64_t full, struct cu_pv *out)
{
    struct pv_blob *b = arena_alloc(vm, sizeof(*b) + n + 1);
    if (b == NULL) {
        return arena_err(vm);
    }
    memcpy(b->data, p, n);
    b->data[n] = '\0';
    b->full = full;
    b->off = UINT64_MAX;
    memset(out, 0, sizeof(*out));
    out->kind = kind;
    out->n = (uint32_t)n;
    out->u.b = b;
    if (full > n) {
        out->flags |= PVF_CUT;
    }
    return 0;
}

/* Hands a pickle (or a zip archive: torch.storage._load_from_bytes carries a whole torch.save
 * output) found inside a bytes value to the engine. With mem, the value was decoded
 * (protocol-0 STRING) and is copied; otherwise it is a window of the source. */
static int
vm_nested(struct vm *vm, uint64_t voff, uint64_t n, const uint8_t *mem, bool zip, const char *enc)
{
    if (vm->quiet) {
        return 0;
    }
    uintptr_t depth = (uintptr_t)cu_ctx_hint(vm->ctx, HINT_NEST);
    if (depth >= CU_LIMIT_PICKLE_NEST) {
        vm_emit(vm, vm->op_off, "scan/nesting-too-deep", CU_SEV_DEFAULT, NULL,
                "pickles nested in bytes values more than %u deep; not analysed",
                CU_LIMIT_PICKLE_NEST);
        return 0;
    }
    if (vm->nested >= NESTED_PER_PICKLE) {
        if (!vm->nested_capped) {
            vm->nested_capped = true;
            vm_emit(vm, vm->op_off, "scan/limit-exceeded", CU_SEV_DEFAULT, NULL,
                    "more than %u nested pickles in one pickle; the rest were not analysed",
                    NESTED_PER_PICKLE);
        }
        return 0;
    }
    vm->nested++;
    char *loc = cu_asprintf("%s@0x%llx", vm->src->loc,
                            (unsigned long long)(voff != CU_NO_OFFSET ? voff : vm->op_off));
    if (loc == NULL) {
        return VM_NOMEM(vm->err);
    }
    if (zip) {
        vm_emit(vm, vm->op_off, "pickle/nested-archive", CU_SEV_DEFAULT, NULL,
                "a %llu-byte value holds a zip archive (a torch.save checkpoint, typically); "
                "its members are analysed",
                (unsigned long long)n);
    } else {
        vm_emit(vm, vm->op_off, "pickle/nested-pickle", CU_SEV_DEFAULT, NULL,
                "a %llu-byte value holds another pickle%s%s%s; it runs if the program "
                "unpickles it",
                (unsigned long long)n, enc != NULL ? " (" : "", enc != NULL ? enc : "",
                enc != NULL ? "-encoded)" : "");
    }
    const char *name = zip ? "data.pt" : "pickle";
    struct cu_source *r = NULL;
    int rc;
    if (mem != NULL) {
        uint8_t *copy = cu_malloc((size_t)n);
        if (copy == NULL) {
            free(loc);
            return VM_NOMEM(vm->err);
        }
        memcpy(copy, mem, (size_t)n);
        rc = cu_source_from_mem(&r, copy, (size_t)n, true, loc, name, vm->err);
        if (rc < 0) {
            free(copy);
        }
    } else {
        rc = cu_source_range(&r, vm->src, voff, n, loc, name, vm->err);
    }
    free(loc);
    if (rc == 0) {
        const void *old = cu_ctx_set_hint(vm->ctx, HINT_NEST, (const void *)(depth + 1));
        rc = cu_dispatch(vm->ctx, r);
        (void)cu_ctx_set_hint(vm->ctx, HINT_NEST, old);
    } else if (rc != CUSTODY_ENOMEM && rc != CUSTODY_EIO) {
        cu_err_clear(vm->err);
        rc = 0;
    }
    cu_source_free(r);
    return rc;
}

/* A text value that is a pickle in base64 or hex ("gASV...", "80049..."): data for a program
 * that decodes and unpickles it, the way payloads hide from scanners that look at bytes only.
 * Screened on a decoded prefix; decoded in full (bounded) only when that prefix is a pickle. */
#define ENC_MIN    16u         /* shorter strings are names, not payloads */
#define ENC_PREFIX 96u         /* characters decoded for the screen */
#define ENC_MAX    (16u << 20) /* longest encoded value decoded */

static bool enc_b64_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=' || c == '-' || c == '_';
}

/* Decodes hex or base64 (standard or URL-safe; whitespace not allowed) of t[0..n) into out
 * (capacity cap); returns the byte count, or 0 when t is not entirely that encoding. */
static size_t enc_decode(const uint8_t *t, size_t n, bool hex, uint8_t *out, size_t cap)
{
    size_t k = 0;
    if (hex) {
        size_t pairs = n / 2 < cap ? n / 2 : cap;
        return cu_hex_decode((const char *)t, pairs, out) ? pairs : 0;
    }
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < n && k < cap; i++) {
        uint8_t c = t[i];
        int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '+' || c == '-' ? 62
                : c == '/' || c == '_' ? 63
                                       : -1;
        if (c == '=') {
            break;
        }
        if (v < 0) {
            return 0;
        }
        acc = (acc << 6 | (uint32_t)v) & 0xffffffu;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[k++] = (uint8_t)(acc >> bits);
        }
    }
    return k;
}

/* Re-reads the whole of a value the VM kept only a prefix of (b->full bytes from the source).
 * 1: *out holds it (the caller frees); 0: it cannot be read (damage past the prefix, reported
 * where the VM met it; nothing more to analyse here); < 0: ENOMEM or EIO. */
static int blob_reread(struct vm *vm, const struct pv_blob *b, uint8_t **out)
{
    *out = cu_malloc((size_t)b->full);
    if (*out == NULL) {
        return VM_NOMEM(vm->err);
    }
    int rc = cu_source_read_exact(vm->src, b->off, *out, (size_t)b->full, vm->err);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        if (rc == CUSTODY_ENOMEM || rc == CUSTODY_EIO) {
            return rc;
        }
        cu_err_clear(vm->err);
        return 0;
    }
    return 1;
}

static int vm_encoded(struct vm *vm, const struct pv_blob *b, size_t kept)
{
    if (vm->quiet || b->full < ENC_MIN || b->full > ENC_MAX || kept < ENC_MIN) {
        return 0;
    }
    const uint8_t *t = b->data;
    size_t scr = kept < ENC_PREFIX ? kept : ENC_PREFIX;
    bool hex = true, b64 = true;
    for (size_t i = 0; i < scr && (hex || b64); i++) {
        hex = hex && cu_hexval(t[i]) >= 0;
        b64 = b64 && enc_b64_char(t[i]);
    }
    if (!hex && !b64) {
        return 0;
    }
    uint8_t head[ENC_PREFIX];
    size_t hn = enc_decode(t, scr & ~(size_t)3, hex, head, sizeof(head));
    if (hn < 2 || !cu_pickle_sniff(head, hn)) {
        return 0;
    }
    /* The whole value: what was kept, or re-read from the source when it was longer. */
    size_t full = (size_t)b->full;
    uint8_t *text = NULL;
    const uint8_t *all = t;
    if (full > kept) {
        int rc = blob_reread(vm, b, &text);
        if (rc <= 0) {
            return rc;
        }
        all = text;
    }
    size_t cap = hex ? full / 2 : full / 4 * 3 + 3;
    uint8_t *dec = cu_malloc(cap > 0 ? cap : 1);
    int rc = 0;
    if (dec == NULL) {
        rc = VM_NOMEM(vm->err);
    } else {
        size_t dn = enc_decode(all, full, hex, dec, cap);
        if (dn >= 2) {
            rc = vm_nested(vm, b->off, dn, dec, false, hex ? "hex" : "base64");
        }
    }
    free(dec);
    free(text);
    return rc;
}

/* _codecs.encode(text, 'latin1') is how protocols 0-2 write a Python 3 bytes object, so a
 * pickle or torch.save archive hidden in such a value is a nested payload like any bytes value
 * (torch.storage._load_from_bytes, pickle.loads). The text is UTF-8 in the stream; latin-1
 * maps each code point below 256 to one byte (a higher one makes encode() raise: no bytes),
 * UTF-8 and ASCII keep the text's bytes. */
static bool codecs_latin1(const uint8_t *e, size_t n)
{
    static const char *const names[] = { "latin1",     "latin-1",   "latin_1",
                                         "iso-8859-1", "iso8859-1", "iso_8859_1",
                                         "l1",         "latin",     "cp819" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i]) == n && strncasecmp((const char *)e, names[i], n) == 0) {
            return true;
        }
    }
    return false;
}

/* latin-1 of UTF-8 t[0..n) into out (room for n bytes); returns the byte count, or 0 when a
 * code point is U+0100 or above (encode() raises). A sequence cut at the end is dropped. */
static size_t codecs_to_latin1(const uint8_t *t, size_t n, uint8_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = t[i];
        if (c < 0x80) {
            out[k++] = c;
        } else if ((c == 0xc2 || c == 0xc3) && i + 1 < n && (t[i + 1] & 0xc0) == 0x80) {
            out[k++] = (uint8_t)(((c & 0x1fu) << 6) | (t[i + 1] & 0x3fu));
            i++;
        } else if (i + 1 < n) {
            return 0;
        }
    }
    return k;
}

static int vm_codecs_encode(struct vm *vm, const struct cu_pv *text, const struct cu_pv *enc)
{
    if (vm->quiet || text == NULL || text->kind != CU_PV_STR || text->n < 2) {
        return 0;
    }
    bool latin1 = false; /* encode(text) with no encoding is UTF-8 */
    if (enc != NULL) {
        if (enc->kind != CU_PV_STR || (enc->flags & PVF_CUT)) {
            return 0;
        }
        const char *e = (const char *)enc->u.b->data;
        latin1 = codecs_latin1(enc->u.b->data, enc->n);
        if (!latin1 && !(enc->n == 5 && strncasecmp(e, "utf-8", 5) == 0) &&
            !(enc->n == 4 && strncasecmp(e, "utf8", 4) == 0) &&
            !(enc->n == 5 && strncasecmp(e, "ascii", 5) == 0)) {
            return 0;
        }
    }
    /* Screened on the kept prefix: most such values are array data. */
    const struct pv_blob *b = text->u.b;
    uint8_t head[CU_LIMIT_SNIFF];
    size_t hl = text->n < sizeof(head) ? text->n : sizeof(head);
    size_t hn = latin1 ? codecs_to_latin1(b->data, hl, head) : hl;
    if (!latin1) {
        memcpy(head, b->data, hl);
    }
    bool zip = hn >= 4 && memcmp(head, "PK\x03\x04", 4) == 0;
    if (hn < 2 || !(zip || cu_pickle_sniff(head, hn))) {
        return 0;
    }
    size_t len = text->n;
    uint8_t *whole = NULL;
    const uint8_t *t = b->data;
    /* A cut value is re-read when the stream holds its UTF-8 as is (not protocol 0's
     * escaped text, whose kept prefix is all there is). */
    if ((text->flags & PVF_CUT) && b->off != UINT64_MAX && b->full <= ENC_MAX) {
        int rc = blob_reread(vm, b, &whole);
        if (rc <= 0) {
            return rc;
        }
        t = whole;
        len = (size_t)b->full;
    }
    uint8_t *dec = cu_malloc(len);
    if (dec == NULL) {
        free(whole);
        return VM_NOMEM(vm->err);
    }
    size_t k = len;
    if (latin1) {
        k = codecs_to_latin1(t, len, dec);
    } else {
        memcpy(dec, t, len);
    }
    int rc = 0;
    if (k >= 2) {
        rc = vm_nested(vm, b->off != UINT64_MAX ? b->off : CU_NO_OFFSET, k, dec, zip,
                       latin1 ? "latin-1" : "utf-8");
    }
    free(dec);
    free(whole);
    return rc;
}

/* Reads a length-prefixed value of n bytes: keeps a prefix, skips the rest, and scans it as a
 * nested pickle when it looks like one. */
static int vm_blob(struct vm *vm, uint8_t kind, uint64_t n, bool nested, struct cu_pv *out)
{
    struct cu_stream *st = vm->st;
    int rc = 0;
    uint64_t voff = cu_stream_tell(st);
    uint64_t size = st->src->size;
    if (size != CU_SIZE_UNKNOWN && (voff > size || n > size - voff)) {
        return vm_malformed(vm, "truncated: a %llu-byte value with %llu bytes left",
                            (unsigned long long)n,
                            (unsigned long long)(voff > size ? 0 : size - voff));
    }
    if (st->cap == 0 && n > st->len - st->pos) {
        return vm_malformed(vm, "truncated: a %llu-byte value with %zu bytes left",
                            (unsigned long long)n, st->len - st->pos);
    }
    size_t keep = n < CU_LIMIT_PICKLE_KEEP ? (size_t)n : CU_LIMIT_PICKLE_KEEP;
    NEED(keep);
    struct pv_blob *b = arena_alloc(vm, sizeof(*b) + keep + 1);
    if (b == NULL) {
        return arena_err(vm);
    }
    memcpy(b->data, cu_stream_ptr(st), keep);
    b->data[keep] = '\0';
    b->full = n;
    b->off = voff;
    memset(out, 0, sizeof(*out));
    out->kind = kind;
    out->n = (uint32_t)keep;
    out->u.b = b;
    if (n > keep) {
        out->flags |= PVF_CUT;
    }
    bool is_zip = keep >= 4 && memcmp(b->data, "PK\x03\x04", 4) == 0;
    if (nested && !vm->quiet && keep >= 2 &&
        (is_zip || cu_pickle_sniff(b->data, keep < CU_LIMIT_SNIFF ? keep : CU_LIMIT_SNIFF))) {
        rc = vm_nested(vm, voff, n, NULL, is_zip, NULL);
    } else if (kind == CU_PV_STR) {
        rc = vm_encoded(vm, b, keep);
    }
    if (rc < 0) {
        return rc;
    }
    if (n <= st->len - st->pos) {
        st->pos += (size_t)n;
        return 0;
    }
    rc = cu_stream_skip(st, n);
out:
    if (rc == CUSTODY_EMALFORMED) {
        return vm_malformed(vm, "truncated inside a %llu-byte value", (unsigned long long)n);
    }
    return rc;
}

/* Protocol-0 STRING: a Python literal in quotes, escape-decoded. */
static int op_string(struct vm *vm, struct cu_pv *out)
{
    const uint8_t *p;
    size_t len;
    uint64_t full;
    int rc = vm_line(vm, &p, &len, &full);
    if (rc < 0) {
        return rc;
    }
    if (full < 2 || (p[0] != '\'' && p[0] != '"') || vm->line_last != p[0]) {
        return vm_malformed(vm, "the STRING opcode argument must be quoted");
    }
    size_t end = full == len ? len - 1 : len;
    uint8_t *o = vm->scratch;
    size_t k = 0;
    /* Decoding in place (a long line kept in vm->scratch) is safe: output never outruns
     * input. Output stops at CU_LIMIT_PICKLE_KEEP bytes. */
    bool cut = full != len;
    for (size_t i = 1; i < end; i++) {
        if (k + 2 > CU_LIMIT_PICKLE_KEEP) {
            cut = true;
            break;
        }
        uint8_t c = p[i];
        if (c != '\\' || i + 1 >= end) {
            o[k++] = c;
            continue;
        }
        uint8_t e = p[++i];
        switch (e) {
        case 'n':
            o[k++] = '\n';
            break;
        case 't':
            o[k++] = '\t';
            break;
        case 'r':
            o[k++] = '\r';
            break;
        case 'a':
            o[k++] = 7;
            break;
        case 'b':
            o[k++] = 8;
            break;
        case 'f':
            o[k++] = 12;
            break;
        case 'v':
            o[k++] = 11;
            break;
        case '\n':
            break;
        case '\\':
        case '\'':
        case '"':
            o[k++] = e;
            break;
        case 'x':
            if (i + 2 < end && cu_hexval(p[i + 1]) >= 0 && cu_hexval(p[i + 2]) >= 0) {
                o[k++] = (uint8_t)(cu_hexval(p[i + 1]) * 16 + cu_hexval(p[i + 2]));
                i += 2;
            } else {
                return vm_malformed(vm, "invalid \\x escape in STRING argument");
            }
            break;
        default:
            if (e >= '0' && e <= '7') {
                unsigned v = (unsigned)(e - '0');
                for (int d = 0; d < 2 && i + 1 < end && p[i + 1] >= '0' && p[i + 1] <= '7'; d++) {
                    v = v * 8 + (unsigned)(p[++i] - '0');
                }
                o[k++] = (uint8_t)v;
            } else {
                o[k++] = '\\';
                o[k++] = e;
            }
            break;
        }
    }
    uint64_t dfull = cut ? (full > k ? full : k + 1) : k; /* cut: approximate length */
    rc = blob_mem(vm, CU_PV_STR, o, k, dfull, out);
    if (rc == 0 && !cut && !vm->quiet && k >= 2 &&
        cu_pickle_sniff(o, k < CU_LIMIT_SNIFF ? k : CU_LIMIT_SNIFF)) {
        rc = vm_nested(vm, CU_NO_OFFSET, k, out->u.b->data, false, NULL);
    }
    return rc;
}

/* Protocol-0 UNICODE: raw-unicode-escape (\uXXXX, \UXXXXXXXX; other bytes are Latin-1). */
static int op_unicode(struct vm *vm, struct cu_pv *out)
{
    const uint8_t *p;
    size_t len;
    uint64_t full;
    int rc = vm_line(vm, &p, &len, &full);
    if (rc < 0) {
        return rc;
    }
    uint8_t tmp[CU_LIMIT_PICKLE_KEEP + 8];
    size_t k = 0;
    bool cut = full != len;
    for (size_t i = 0; i < len; i++) {
        if (k + 4 > CU_LIMIT_PICKLE_KEEP) {
            cut = true;
            break;
        }
        uint8_t c = p[i];
        if (c == '\\' && i + 1 < len && (p[i + 1] == 'u' || p[i + 1] == 'U')) {
            size_t nd = p[i + 1] == 'u' ? 4 : 8;
            if (nd > len - i - 2) {
                if (!cut) {
                    return vm_malformed(vm, "truncated \\u escape in UNICODE argument");
                }
                break;
            }
            uint32_t cp = 0;
            for (size_t d = 0; d < nd; d++) {
                int h = cu_hexval(p[i + 2 + d]);
                if (h < 0) {
                    return vm_malformed(vm, "invalid \\u escape in UNICODE argument");
                }
                cp = (cp << 4) | (uint32_t)h;
            }
            if (cp > 0x10ffff) {
                return vm_malformed(vm, "\\U escape out of range in UNICODE argument");
            }
            k += cu_utf8_encode(tmp + k, cp);
            i += 1 + nd;
        } else {
            k += cu_utf8_encode(tmp + k, c);
        }
    }
    return blob_mem(vm, CU_PV_STR, tmp, k, cut ? (full > k ? full : k + 1) : k, out);
}

/* GLOBAL and INST: "module\nname\n". */
static int read_global(struct vm *vm, const char *how, struct cu_pv *out)
{
    const uint8_t *p;
    size_t ml, nl;
    uint64_t full;
    uint8_t mod[CU_LIMIT_NAME_LEN];
    int rc = vm_line(vm, &p, &ml, &full);
    if (rc < 0) {
        return rc;
    }
    if (full != ml || ml == 0 || ml > sizeof(mod) || !cu_utf8_valid(p, ml, true, NULL)) {
        return vm_malformed(vm, "bad module name in %s", how);
    }
    memcpy(mod, p, ml);
    rc = vm_line(vm, &p, &nl, &full);
    if (rc < 0) {
        return rc;
    }
    if (full != nl || nl == 0 || nl > CU_LIMIT_NAME_LEN || !cu_utf8_valid(p, nl, true, NULL)) {
        return vm_malformed(vm, "bad attribute name in %s", how);
    }
    return vm_import(vm, vm->op_off, mod, ml, p, nl, how, out);
}

/* ------------------------------------------------------------------------------------------ */
/* persistent ids */

static void vm_persid(struct vm *vm, const struct cu_pv *pid, const struct cu_pv *res)
{
    if (vm->quiet) {
        return;
    }
    if (vm->opts->torch) {
        const struct cu_pv *tag = cu_pv_item(pid, 0), *type = cu_pv_item(pid, 1);
        bool storage = pid->kind == CU_PV_TUPLE && tag != NULL &&
                       (tag->kind == CU_PV_STR || tag->kind == CU_PV_BYTES) && tag->n == 7 &&
                       memcmp(tag->u.b->data, "storage", 7) == 0;
        if (storage && cu_pv_len(pid) >= 5 && type != NULL && type->kind == CU_PV_GLOBAL) {
            st_note(vm, pid, type);
            return; /* the storage type was classified when it was imported */
        }
        report_dyn(vm, vm->op_off, "pickle/persistent-id", CUSTODY_SEV_MEDIUM, res,
                   storage ? "torch storage whose type is not a plain import"
                           : "persistent id that is not a torch storage reference");
        return;
    }
    if (!vm->persid_noted) {
        vm->persid_noted = true;
        report_dyn(vm, vm->op_off, "pickle/persistent-id", CU_SEV_DEFAULT, res,
                   "uses persistent ids: loading needs a custom persistent_load");
    }
}

static bool pv_str_or_none(const struct cu_pv *v)
{
    return v != NULL && (v->kind == CU_PV_STR || v->kind == CU_PV_BYTES || v->kind == CU_PV_NONE);
}

/* The class a torch legacy persistent id for an nn.Module subclass stands for, or NULL.
 * _legacy_save writes ('module', cls, source_file, source) and the tar format of torch < 0.4
 * (cls, source_file, source); both loaders return cls (after comparing the source text). The
 * class was imported by the id itself, so it has been judged like any import; calling it is
 * judged as calling that class. torch's zip loader accepts only storages, so there it stays an
 * unknown persistent id. */
static const struct cu_pv *module_persid(const struct vm *vm, const struct cu_pv *pid)
{
    if (pid->kind != CU_PV_TUPLE || (vm->opts->torch && !vm->opts->torch_legacy)) {
        return NULL;
    }
    size_t n = cu_pv_len(pid), at = 0;
    const struct cu_pv *tag = cu_pv_item(pid, 0);
    if (n == 4 && tag != NULL && (tag->kind == CU_PV_STR || tag->kind == CU_PV_BYTES) &&
        tag->n == 6 && memcmp(tag->u.b->data, "module", 6) == 0) {
        at = 1;
    } else if (n != 3 || vm->opts->torch) {
        return NULL; /* the tag-less form is the tar format's, which has no storage tuples */
    }
    const struct cu_pv *cls = cu_pv_item(pid, at);
    if (cls == NULL || cls->kind != CU_PV_GLOBAL || !pv_str_or_none(cu_pv_item(pid, at + 1)) ||
        !pv_str_or_none(cu_pv_item(pid, at + 2))) {
        return NULL;
    }
    return cls;
}

static int make_persid(struct vm *vm, const struct cu_pv *pid, struct cu_pv *out)
{
    struct pv_call *c = arena_alloc(vm, sizeof(*c));
    if (c == NULL) {
        return arena_err(vm);
    }
    memset(c, 0, sizeof(*c));
    c->args = *pid;
    c->how = CALL_PERSID;
    memset(out, 0, sizeof(*out));
    out->kind = CU_PV_PERSID;
    out->u.c = c;
    const struct cu_pv *cls = module_persid(vm, pid);
    if (cls == NULL || !vm->opts->torch) {
        vm_persid(vm, pid, out); /* outside torch, the one note that a persistent_load is needed */
    }
    if (cls != NULL) {
        *out = *cls;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* mutation of containers and globals */

static void global_mutation(struct vm *vm,
                            const struct cu_pv *target,
                            const char *what,
                            const struct cu_pv *with)
{
    if (vm->quiet) {
        return;
    }
    struct cu_buf ev = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
    evidence(&ev, target);
    cu_buf_addf(&ev, " <- %s ", what);
    if (with != NULL) {
        evidence(&ev, with);
    }
    struct cu_buf nm = CU_BUF_INIT(256);
    evidence(&nm, target);
    vm_emit(vm, vm->op_off, "pickle/global-mutation", CU_SEV_DEFAULT, cu_buf_str(&ev),
            "%s on the imported object %s changes it for the whole process", what, cu_buf_str(&nm));
    cu_buf_free(&nm);
    cu_buf_free(&ev);
}

/* APPEND(S)/ADDITEMS/SETITEM(S) target check. Returns 1 when the items should be stored
 * into target->u.q, 0 when ignored, or an error. */
static int mutation_target(struct vm *vm,
                           const struct cu_pv *target,
                           uint8_t want,
                           const char *what,
                           const struct cu_pv *with)
{
    switch (target->kind) {
    case CU_PV_GLOBAL:
        global_mutation(vm, target, what, with);
        return 0;
    case CU_PV_CALL:
    case CU_PV_PERSID:
    case CU_PV_UNKNOWN:
        return 0; /* a custom object: its class was judged when imported */
    default:
        if (target->kind == want && !(target->flags & PVF_FROZEN)) {
            return 1;
        }
        if (want == CU_PV_DICT && target->kind == CU_PV_LIST) {
            return 0; /* list[i] = v */
        }
        return vm_malformed(vm, "%s on a value that does not support it", what);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* the main loop */

static inline struct cu_pv pv_int(int64_t x)
{
    struct cu_pv v;
    v.kind = CU_PV_INT;
    v.flags = 0;
    v.n = 0;
    v.u.i = x;
    return v;
}

static inline struct cu_pv pv_simple(uint8_t kind, int64_t x)
{
    struct cu_pv v;
    v.kind = kind;
    v.flags = 0;
    v.n = 0;
    v.u.i = x;
    return v;
}

#define FENCE() (vm->nmarks != 0 ? vm->marks[vm->nmarks - 1] : 0)
#define ABOVE(k)                              \
    do {                                      \
        if (vm->sp - FENCE() < (size_t)(k)) { \
            rc = vm_underflow(vm);            \
            goto out;                         \
        }                                     \
    } while (0)
#define PUSH(val)                    \
    do {                             \
        if (vm->sp == vm->scap) {    \
            rc = stack_grow(vm);     \
            if (rc < 0) {            \
                goto out;            \
            }                        \
        }                            \
        vm->stack[vm->sp++] = (val); \
    } while (0)
#define CHECK(expr)   \
    do {              \
        rc = (expr);  \
        if (rc < 0) { \
            goto out; \
        }             \
    } while (0)

/* True when `p` reads as the argument-parser code scipy.stats generates for a distribution
 * (parse_arg_template: `def _parse_args(self, a, b, loc=0, scale=1):` / `return (a, b), loc,
 * scale` / `return self._argcheck_rvs(a, b, loc, scale, size=size)`), in any scipy version's
 * layout: only def and return statements, parameters with literal defaults, and no call or
 * attribute but self._argcheck_rvs(...). Nothing such text defines can run when exec'd. */
static bool argparser_code_ok(const uint8_t *p, size_t n)
{
    enum {
        T_NONE,
        T_NAME,
        T_DEF,
        T_DEFNAME,
        T_RETURN,
        T_SELF,
        T_DOT,
        T_ARGCHECK,
        T_PUNCT,
        T_CLOSE,
        T_LIT
    } prev = T_NONE;
    static const char *const kw_ok[] = { "None", "True", "False", NULL };
    static const char *const kw_bad[] = { "import",   "from", "lambda", "class",    "global",
                                          "nonlocal", "if",   "else",   "elif",     "for",
                                          "while",    "with", "yield",  "await",    "async",
                                          "assert",   "del",  "raise",  "try",      "except",
                                          "finally",  "pass", "and",    "or",       "not",
                                          "is",       "in",   "break",  "continue", NULL };
    int depth = 0;
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            i++;
            continue;
        }
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_') {
            size_t s = i;
            while (i < n && ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z') ||
                             (p[i] >= '0' && p[i] <= '9') || p[i] == '_')) {
                i++;
            }
            size_t l = i - s;
            const char *w = (const char *)p + s;
            if (i < n && (p[i] == '\'' || p[i] == '"')) {
                return false; /* f'...', b'...': prefixed strings */
            }
            bool kw = false;
            for (size_t k = 0; kw_bad[k] != NULL; k++) {
                if (strlen(kw_bad[k]) == l && memcmp(w, kw_bad[k], l) == 0) {
                    return false;
                }
            }
            for (size_t k = 0; kw_ok[k] != NULL; k++) {
                kw = kw || (strlen(kw_ok[k]) == l && memcmp(w, kw_ok[k], l) == 0);
            }
            if (l == 3 && memcmp(w, "def", 3) == 0) {
                if (depth != 0) {
                    return false;
                }
                prev = T_DEF;
            } else if (l == 6 && memcmp(w, "return", 6) == 0) {
                prev = T_RETURN;
            } else if (prev == T_DEF) {
                prev = T_DEFNAME;
            } else if (prev == T_DOT) {
                if (!(l == 13 && memcmp(w, "_argcheck_rvs", 13) == 0)) {
                    return false;
                }
                prev = T_ARGCHECK;
            } else if (l == 4 && memcmp(w, "self", 4) == 0) {
                prev = T_SELF;
            } else {
                prev = kw ? T_LIT : T_NAME;
            }
            continue;
        }
        if (c >= '0' && c <= '9') {
            while (i < n && ((p[i] >= '0' && p[i] <= '9') || p[i] == '.')) {
                i++;
            }
            prev = T_LIT;
            continue;
        }
        if (c == '\'' || c == '"') {
            size_t j = i + 1;
            while (j < n && p[j] != c) {
                if (p[j] == '\\' || p[j] == '\n' || p[j] == '{') {
                    return false;
                }
                j++;
            }
            if (j >= n) {
                return false;
            }
            i = j + 1;
            prev = T_LIT;
            continue;
        }
        switch (c) {
        case '(':
            /* a call: only `def name(` and `self._argcheck_rvs(`; else grouping a tuple */
            if (prev == T_NAME || prev == T_SELF || prev == T_CLOSE || prev == T_LIT ||
                prev == T_DOT || prev == T_DEF) {
                return false;
            }
            depth++;
            prev = T_PUNCT;
            break;
        case ')':
            if (--depth < 0) {
                return false;
            }
            prev = T_CLOSE;
            break;
        case '.':
            if (prev != T_SELF) {
                return false;
            }
            prev = T_DOT;
            break;
        case ',':
        case ':':
        case '=':
            prev = T_PUNCT;
            break;
        default:
            return false; /* operators, subscripts, decorators, ';', '*', '\\' ... */
        }
        i++;
    }
    return depth == 0 && prev != T_DOT;
}

/* The code a BUILD state hands to a class that executes it (see pickle/code-in-state): the
 * value of key `_parse_arg_template` in a dict state, or in a list of (key, value) pairs
 * (dict.update accepts both). */
static const struct cu_pv *state_argparser(const struct cu_pv *state)
{
    static const char key[] = "_parse_arg_template";
    if (state->kind == CU_PV_DICT) {
        return cu_pv_dict_get(state, key);
    }
    if (state->kind == CU_PV_LIST || state->kind == CU_PV_TUPLE) {
        for (size_t i = 0; i < cu_pv_len(state); i++) {
            const struct cu_pv *kv = cu_pv_item(state, i);
            if (kv != NULL && (kv->kind == CU_PV_TUPLE || kv->kind == CU_PV_LIST) &&
                cu_pv_len(kv) == 2 && pv_str_eq(cu_pv_item(kv, 0), key, sizeof(key) - 1)) {
                return cu_pv_item(kv, 1);
            }
        }
    }
    return NULL;
}

static void check_state_code(struct vm *vm, const struct cu_pv *target, const struct cu_pv *state)
{
    const struct cu_pv *code = vm->quiet ? NULL : state_argparser(state);
    if (code == NULL) {
        return;
    }
    bool ok = code->kind == CU_PV_STR && !(code->flags & PVF_CUT) &&
              argparser_code_ok(code->u.b->data, code->n);
    if (ok) {
        return;
    }
    struct cu_buf ev = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
    evidence(&ev, target);
    vm_emit(vm, vm->op_off, "pickle/code-in-state", CU_SEV_DEFAULT, cu_buf_str(&ev),
            "BUILD gives the object a _parse_arg_template that scipy.stats' __setstate__ "
            "exec()s, and it is not a generated argument parser%s",
            code->kind == CU_PV_STR ? "" : " (not a plain string)");
    cu_buf_free(&ev);
}

static int vm_build(struct vm *vm)
{
    int rc = 0;
    ABOVE(2);
    struct cu_pv state = vm->stack[--vm->sp];
    struct cu_pv *target = &vm->stack[vm->sp - 1];
    if (state.kind == CU_PV_NONE && target->kind != CU_PV_CALL) {
        goto hook; /* the default __setstate__ ignores None */
    }
    switch (target->kind) {
    case CU_PV_GLOBAL:
        global_mutation(vm, target, "BUILD (__setstate__ / attribute update)", &state);
        break;
    case CU_PV_CALL:
        target->u.c->state = state;
        target->u.c->has_state = 1;
        check_state_code(vm, target, &state);
        break;
    case CU_PV_PERSID:
    case CU_PV_UNKNOWN:
        check_state_code(vm, target, &state);
        break;
    default:
        /* The loader sets attributes through inst.__dict__, which plain values lack. */
        return vm_malformed(vm, "BUILD on a value that has no state");
    }
hook:
    if (!vm->quiet && vm->after_build != NULL) {
        rc = vm->after_build(vm->hook_ud, vm->ctx, vm->st, target);
    }
out:
    return rc;
}

/* Runs one pickle up to and including STOP. */
static int vm_run(struct vm *vm)
{
    struct cu_stream *st = vm->st;
    int rc = 0;
    struct cu_pv v, w, x;
    size_t at = 0;
    for (;;) {
        if (st->len == st->pos) {
            rc = cu_stream_need(st, 1);
            if (rc < 0) {
                vm->op_off = cu_stream_tell(st);
                if (rc == CUSTODY_EMALFORMED) {
                    rc = vm_malformed(vm, "truncated: the pickle ends without STOP");
                }
                return rc;
            }
        }
        vm->op_off = cu_stream_tell(st);
        if (++vm->ops > CU_LIMIT_PICKLE_OPS) {
            return VM_LIMIT(vm->err, vm->src->loc, vm->op_off, "more than %llu opcodes",
                            (unsigned long long)CU_LIMIT_PICKLE_OPS);
        }
        uint8_t op = st->buf[st->pos++];
        const uint8_t *a;
        switch (op) {
        case OP_BININT1:
            NEED(1);
            v = pv_int(st->buf[st->pos]);
            st->pos += 1;
            PUSH(v);
            break;
        case OP_BININT2:
            NEED(2);
            v = pv_int(cu_load_u16le(cu_stream_ptr(st)));
            st->pos += 2;
            PUSH(v);
            break;
        case OP_BININT:
            NEED(4);
            v = pv_int((int32_t)cu_load_u32le(cu_stream_ptr(st)));
            st->pos += 4;
            PUSH(v);
            break;
        case OP_MARK:
            CHECK(mark_push(vm));
            break;
        case OP_APPENDS:
            CHECK(mark_pop(vm, &at));
            if (at == vm->sp) {
                break;
            }
            if (at == 0) {
                rc = vm_underflow(vm);
                goto out;
            }
            {
                struct cu_pv *t = &vm->stack[at - 1];
                if (t->kind == CU_PV_LIST) {
                    CHECK(seq_extend(vm, t->u.q, vm->stack + at, vm->sp - at));
                } else {
                    x = vm->stack[at];
                    CHECK(mutation_target(vm, t, CU_PV_LIST, "APPENDS", &x));
                }
            }
            vm->sp = at;
            break;
        case OP_APPEND:
            ABOVE(2);
            v = vm->stack[--vm->sp];
            if (vm->stack[vm->sp - 1].kind == CU_PV_LIST) {
                CHECK(seq_extend(vm, vm->stack[vm->sp - 1].u.q, &v, 1));
            } else {
                CHECK(mutation_target(vm, &vm->stack[vm->sp - 1], CU_PV_LIST, "APPEND", &v));
            }
            break;
        case OP_SETITEMS:
            CHECK(mark_pop(vm, &at));
            if ((vm->sp - at) % 2 != 0) {
                rc = vm_malformed(vm, "odd number of items for SETITEMS");
                goto out;
            }
            if (at == vm->sp) {
                break;
            }
            if (at == 0) {
                rc = vm_underflow(vm);
                goto out;
            }
            {
                struct cu_pv *t = &vm->stack[at - 1];
                int store = 1;
                if (t->kind != CU_PV_DICT) {
                    x = vm->stack[at + 1];
                    store = mutation_target(vm, t, CU_PV_DICT, "SETITEMS", &x);
                    CHECK(store);
                }
                if (store == 1) {
                    CHECK(dict_update(vm, t->u.q, vm->stack + at, (vm->sp - at) / 2));
                }
            }
            vm->sp = at;
            break;
        case OP_SETITEM:
            ABOVE(3);
            vm->sp -= 2;
            {
                struct cu_pv *t = &vm->stack[vm->sp - 1];
                int store = 1;
                if (t->kind != CU_PV_DICT) {
                    x = vm->stack[vm->sp + 1];
                    store = mutation_target(vm, t, CU_PV_DICT, "SETITEM", &x);
                    CHECK(store);
                }
                if (store == 1) {
                    CHECK(dict_update(vm, t->u.q, vm->stack + vm->sp, 1));
                }
            }
            break;
        case OP_ADDITEMS:
            CHECK(mark_pop(vm, &at));
            if (at == vm->sp) {
                break;
            }
            if (at == 0) {
                rc = vm_underflow(vm);
                goto out;
            }
            {
                struct cu_pv *t = &vm->stack[at - 1];
                x = vm->stack[at];
                int store = mutation_target(vm, t, CU_PV_SET, "ADDITEMS", &x);
                CHECK(store);
                if (store == 1) {
                    CHECK(seq_extend(vm, t->u.q, vm->stack + at, vm->sp - at));
                }
            }
            vm->sp = at;
            break;
        case OP_STOP:
            ABOVE(1);
            vm->sp--;
            return 0;
        case OP_POP:
            if (vm->sp > FENCE()) {
                vm->sp--;
            } else if (vm->nmarks > 0) {
                vm->nmarks--;
            } else {
                rc = vm_underflow(vm);
                goto out;
            }
            break;
        case OP_POP_MARK:
            CHECK(mark_pop(vm, &at));
            vm->sp = at;
            break;
        case OP_DUP:
            ABOVE(1);
            v = vm->stack[vm->sp - 1];
            PUSH(v);
            break;
        case OP_NONE:
            PUSH(pv_simple(CU_PV_NONE, 0));
            break;
        case OP_NEWTRUE:
        case OP_NEWFALSE:
            PUSH(pv_simple(CU_PV_BOOL, op == OP_NEWTRUE));
            break;
        case OP_FLOAT: {
            const uint8_t *p;
            size_t len;
            uint64_t full;
            char buf[128];
            CHECK(vm_line(vm, &p, &len, &full));
            char *end = NULL;
            if (!line_cstr(p, len, full, buf, sizeof(buf)) || len == 0) {
                rc = vm_malformed(vm, "could not convert the FLOAT argument to a float");
                goto out;
            }
            double d = strtod(buf, &end);
            if (end == buf || *end != '\0') {
                rc = vm_malformed(vm, "could not convert the FLOAT argument to a float");
                goto out;
            }
            v = pv_simple(CU_PV_FLOAT, 0);
            v.u.f = d;
            PUSH(v);
            break;
        }
        case OP_BINFLOAT: {
            NEED(8);
            a = cu_stream_ptr(st);
            uint64_t bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | a[i];
            }
            st->pos += 8;
            v = pv_simple(CU_PV_FLOAT, 0);
            memcpy(&v.u.f, &bits, sizeof(bits));
            PUSH(v);
            break;
        }
        case OP_INT: {
            const uint8_t *p;
            size_t len;
            uint64_t full;
            CHECK(vm_line(vm, &p, &len, &full));
            if (full == 2 && p[0] == '0' && (p[1] == '0' || p[1] == '1')) {
                v = pv_simple(CU_PV_BOOL, p[1] == '1');
            } else {
                CHECK(parse_int_text(vm, p, len, full, 0, &v));
            }
            PUSH(v);
            break;
        }
        case OP_LONG: {
            const uint8_t *p;
            size_t len;
            uint64_t full;
            CHECK(vm_line(vm, &p, &len, &full));
            if (full == len && len > 0 && p[len - 1] == 'L') {
                len--;
                full--;
            }
            CHECK(parse_int_text(vm, p, len, full, 10, &v));
            PUSH(v);
            break;
        }
        case OP_LONG1:
        case OP_LONG4: {
            uint64_t n;
            if (op == OP_LONG1) {
                NEED(1);
                n = st->buf[st->pos];
                st->pos += 1;
            } else {
                NEED(4);
                int32_t sn = (int32_t)cu_load_u32le(cu_stream_ptr(st));
                st->pos += 4;
                if (sn < 0) {
                    rc = vm_malformed(vm, "LONG pickle has negative byte count");
                    goto out;
                }
                n = (uint64_t)sn;
            }
            if (n <= 8) {
                NEED(n);
                a = cu_stream_ptr(st);
                uint64_t u = 0;
                for (size_t i = 0; i < n; i++) {
                    u |= (uint64_t)a[i] << (8 * i);
                }
                if (n > 0 && n < 8 && (a[n - 1] & 0x80)) {
                    u |= ~(uint64_t)0 << (8 * n); /* sign-extend */
                }
                st->pos += (size_t)n;
                int64_t sv;
                memcpy(&sv, &u, sizeof(sv));
                v = pv_int(sv);
            } else {
                CHECK(vm_blob(vm, CU_PV_BYTES, n, false, &v));
                v = pv_simple(CU_PV_BIGINT, 0);
            }
            PUSH(v);
            break;
        }
        case OP_STRING:
            CHECK(op_string(vm, &v));
            PUSH(v);
            break;
        case OP_UNICODE:
            CHECK(op_unicode(vm, &v));
            PUSH(v);
            break;
        case OP_BINSTRING:
        case OP_BINUNICODE:
        case OP_BINBYTES: {
            NEED(4);
            uint32_t n = cu_load_u32le(cu_stream_ptr(st));
            st->pos += 4;
            if (op == OP_BINSTRING && (int32_t)n < 0) {
                rc = vm_malformed(vm, "BINSTRING pickle has negative byte count");
                goto out;
            }
            CHECK(vm_blob(vm, op == OP_BINBYTES ? CU_PV_BYTES : CU_PV_STR, n, op != OP_BINUNICODE,
                          &v));
            PUSH(v);
            break;
        }
        case OP_SHORT_BINSTRING:
        case OP_SHORT_BINUNICODE:
        case OP_SHORT_BINBYTES: {
            NEED(1);
            uint8_t n = st->buf[st->pos];
            st->pos += 1;
            if (op == OP_SHORT_BINUNICODE && n <= st->len - st->pos) {
                /* The hot path of string-heavy pickles. */
                struct pv_blob *b = arena_alloc(vm, sizeof(*b) + n + 1u);
                if (b == NULL) {
                    rc = arena_err(vm);
                    goto out;
                }
                b->full = n;
                b->off = cu_stream_tell(st);
                memcpy(b->data, cu_stream_ptr(st), n);
                b->data[n] = '\0';
                st->pos += n;
                if (n >= ENC_MIN) {
                    CHECK(vm_encoded(vm, b, n));
                }
                v = pv_simple(CU_PV_STR, 0);
                v.n = n;
                v.u.b = b;
            } else {
                CHECK(vm_blob(vm, op == OP_SHORT_BINBYTES ? CU_PV_BYTES : CU_PV_STR, n,
                              op != OP_SHORT_BINUNICODE, &v));
            }
            PUSH(v);
            break;
        }
        case OP_BINUNICODE8:
        case OP_BINBYTES8:
        case OP_BYTEARRAY8: {
            NEED(8);
            uint64_t n = cu_load_u64le(cu_stream_ptr(st));
            st->pos += 8;
            CHECK(vm_blob(vm, op == OP_BINUNICODE8 ? CU_PV_STR : CU_PV_BYTES, n,
                          op != OP_BINUNICODE8, &v));
            PUSH(v);
            break;
        }
        case OP_EMPTY_LIST:
        case OP_EMPTY_DICT:
        case OP_EMPTY_SET:
        case OP_EMPTY_TUPLE:
            CHECK(seq_new(vm,
                          op == OP_EMPTY_LIST   ? CU_PV_LIST
                          : op == OP_EMPTY_DICT ? CU_PV_DICT
                          : op == OP_EMPTY_SET  ? CU_PV_SET
                                                : CU_PV_TUPLE,
                          NULL, 0, &v));
            PUSH(v);
            break;
        case OP_TUPLE:
        case OP_LIST:
        case OP_FROZENSET:
            CHECK(mark_pop(vm, &at));
            CHECK(seq_new(vm,
                          op == OP_TUPLE  ? CU_PV_TUPLE
                          : op == OP_LIST ? CU_PV_LIST
                                          : CU_PV_SET,
                          vm->stack + at, vm->sp - at, &v));
            if (op == OP_FROZENSET) {
                v.flags |= PVF_FROZEN;
            }
            vm->sp = at;
            PUSH(v);
            break;
        case OP_DICT:
            CHECK(mark_pop(vm, &at));
            if ((vm->sp - at) % 2 != 0) {
                rc = vm_malformed(vm, "odd number of items for DICT");
                goto out;
            }
            CHECK(seq_new(vm, CU_PV_DICT, NULL, 0, &v));
            CHECK(dict_update(vm, v.u.q, vm->stack + at, (vm->sp - at) / 2));
            vm->sp = at;
            PUSH(v);
            break;
        case OP_TUPLE1:
        case OP_TUPLE2:
        case OP_TUPLE3: {
            size_t n = (size_t)op - (size_t)OP_TUPLE1 + 1;
            ABOVE(n);
            CHECK(seq_new(vm, CU_PV_TUPLE, vm->stack + vm->sp - n, n, &v));
            vm->sp -= n;
            PUSH(v);
            break;
        }
        case OP_MEMOIZE:
            ABOVE(1);
            CHECK(memo_put(vm, vm->memo_count, &vm->stack[vm->sp - 1]));
            break;
        case OP_BINPUT:
            NEED(1);
            at = st->buf[st->pos];
            st->pos += 1;
            ABOVE(1);
            CHECK(memo_put(vm, at, &vm->stack[vm->sp - 1]));
            break;
        case OP_LONG_BINPUT: {
            NEED(4);
            uint32_t idx = cu_load_u32le(cu_stream_ptr(st));
            st->pos += 4;
            if ((int32_t)idx < 0) {
                rc = vm_malformed(vm, "negative LONG_BINPUT argument");
                goto out;
            }
            ABOVE(1);
            CHECK(memo_put(vm, idx, &vm->stack[vm->sp - 1]));
            break;
        }
        case OP_PUT: {
            const uint8_t *p;
            size_t len;
            uint64_t full, idx;
            CHECK(vm_line(vm, &p, &len, &full));
            CHECK(line_index(vm, p, len, full, &idx));
            ABOVE(1);
            CHECK(memo_put(vm, idx, &vm->stack[vm->sp - 1]));
            break;
        }
        case OP_BINGET:
            NEED(1);
            at = st->buf[st->pos];
            st->pos += 1;
            CHECK(memo_get(vm, at, &v));
            PUSH(v);
            break;
        case OP_LONG_BINGET: {
            NEED(4);
            uint32_t idx = cu_load_u32le(cu_stream_ptr(st));
            st->pos += 4;
            CHECK(memo_get(vm, idx, &v));
            PUSH(v);
            break;
        }
        case OP_GET: {
            const uint8_t *p;
            size_t len;
            uint64_t full, idx;
            CHECK(vm_line(vm, &p, &len, &full));
            CHECK(line_index(vm, p, len, full, &idx));
            CHECK(memo_get(vm, idx, &v));
            PUSH(v);
            break;
        }
        case OP_GLOBAL:
            CHECK(read_global(vm, "GLOBAL", &v));
            PUSH(v);
            break;
        case OP_STACK_GLOBAL:
            ABOVE(2);
            w = vm->stack[--vm->sp]; /* name */
            x = vm->stack[--vm->sp]; /* module */
            if (x.kind == CU_PV_STR && w.kind == CU_PV_STR && !(x.flags & PVF_CUT) &&
                !(w.flags & PVF_CUT) && x.n > 0 && w.n > 0) {
                CHECK(vm_import(vm, vm->op_off, x.u.b->data, x.n, w.u.b->data, w.n, "STACK_GLOBAL",
                                &v));
            } else if ((x.kind == CU_PV_STR || x.kind == CU_PV_CALL || x.kind == CU_PV_UNKNOWN ||
                        x.kind == CU_PV_PERSID) &&
                       (w.kind == CU_PV_STR || w.kind == CU_PV_CALL || w.kind == CU_PV_UNKNOWN ||
                        w.kind == CU_PV_PERSID)) {
                if (!vm->quiet) {
                    struct cu_buf ev = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
                    cu_buf_adds(&ev, "STACK_GLOBAL(");
                    evidence(&ev, &x);
                    cu_buf_adds(&ev, ", ");
                    evidence(&ev, &w);
                    cu_buf_addc(&ev, ')');
                    vm_emit(vm, vm->op_off, "pickle/dynamic-import", CU_SEV_DEFAULT,
                            cu_buf_str(&ev), "STACK_GLOBAL imports a name computed at load time");
                    cu_buf_free(&ev);
                }
                v = pv_simple(CU_PV_UNKNOWN, 0);
            } else {
                rc = vm_malformed(vm, "STACK_GLOBAL requires str");
                goto out;
            }
            PUSH(v);
            break;
        case OP_INST:
            CHECK(read_global(vm, "INST", &w));
            CHECK(mark_pop(vm, &at));
            CHECK(seq_new(vm, CU_PV_TUPLE, vm->stack + at, vm->sp - at, &x));
            vm->sp = at;
            CHECK(vm_call(vm, CALL_INST, &w, &x, NULL, &v));
            PUSH(v);
            break;
        case OP_OBJ:
            CHECK(mark_pop(vm, &at));
            if (vm->sp - at < 1) {
                rc = vm_underflow(vm);
                goto out;
            }
            w = vm->stack[at];
            CHECK(seq_new(vm, CU_PV_TUPLE, vm->stack + at + 1, vm->sp - at - 1, &x));
            vm->sp = at;
            CHECK(vm_call(vm, CALL_OBJ, &w, &x, NULL, &v));
            PUSH(v);
            break;
        case OP_REDUCE:
        case OP_NEWOBJ:
            ABOVE(2);
            x = vm->stack[--vm->sp]; /* args */
            w = vm->stack[--vm->sp]; /* callable */
            CHECK(vm_call(vm, op == OP_REDUCE ? CALL_REDUCE : CALL_NEWOBJ, &w, &x, NULL, &v));
            PUSH(v);
            break;
        case OP_NEWOBJ_EX: {
            ABOVE(3);
            struct cu_pv kw = vm->stack[--vm->sp];
            x = vm->stack[--vm->sp];
            w = vm->stack[--vm->sp];
            CHECK(vm_call(vm, CALL_NEWOBJ_EX, &w, &x, &kw, &v));
            PUSH(v);
            break;
        }
        case OP_BUILD:
            CHECK(vm_build(vm));
            break;
        case OP_PERSID: {
            const uint8_t *p;
            size_t len;
            uint64_t full;
            CHECK(vm_line(vm, &p, &len, &full));
            for (size_t i = 0; i < len; i++) {
                if (p[i] >= 0x80) {
                    rc = vm_malformed(vm, "persistent IDs in protocol 0 must be ASCII strings");
                    goto out;
                }
            }
            CHECK(blob_mem(vm, CU_PV_STR, p, len, full, &w));
            CHECK(make_persid(vm, &w, &v));
            PUSH(v);
            break;
        }
        case OP_BINPERSID:
            ABOVE(1);
            w = vm->stack[--vm->sp];
            CHECK(make_persid(vm, &w, &v));
            PUSH(v);
            break;
        case OP_EXT1:
        case OP_EXT2:
        case OP_EXT4: {
            size_t n = op == OP_EXT1 ? 1 : op == OP_EXT2 ? 2 : 4;
            NEED(n);
            a = cu_stream_ptr(st);
            int64_t code = op == OP_EXT1   ? a[0]
                           : op == OP_EXT2 ? cu_load_u16le(a)
                                           : (int32_t)cu_load_u32le(a);
            st->pos += n;
            if (code <= 0) {
                rc = vm_malformed(vm, "EXT specifies code <= 0");
                goto out;
            }
            char ev[48];
            (void)snprintf(ev, sizeof(ev), "EXT%zu %lld", n, (long long)code);
            vm_emit(vm, vm->op_off, "pickle/extension-code", CU_SEV_DEFAULT, ev,
                    "imports through copyreg extension code %lld, which names whatever the "
                    "loading process registered (none by default)",
                    (long long)code);
            PUSH(pv_simple(CU_PV_UNKNOWN, 0));
            break;
        }
        case OP_PROTO:
            NEED(1);
            vm->proto = st->buf[st->pos];
            st->pos += 1;
            if (vm->proto > 5) {
                rc = vm_malformed(vm, "unsupported pickle protocol: %u", vm->proto);
                goto out;
            }
            break;
        case OP_FRAME: {
            NEED(8);
            uint64_t n = cu_load_u64le(cu_stream_ptr(st));
            st->pos += 8;
            uint64_t here = cu_stream_tell(st), size = st->src->size;
            if (size != CU_SIZE_UNKNOWN && n > size - here) {
                /* The C unpickler refuses a short frame, but pickle._Unpickler runs the opcodes
                 * it holds: report the damage and keep reading what is there. */
                vm_emit(vm, vm->op_off, "pickle/malformed", CU_SEV_DEFAULT, NULL,
                        "truncated: FRAME of %llu bytes with %llu left", (unsigned long long)n,
                        (unsigned long long)(size - here));
            }
            break;
        }
        case OP_NEXT_BUFFER:
            vm_emit(vm, vm->op_off, "pickle/out-of-band-buffer", CU_SEV_DEFAULT, NULL,
                    "NEXT_BUFFER refers to out-of-band data that is not in the file");
            PUSH(pv_simple(CU_PV_UNKNOWN, 0));
            break;
        case OP_READONLY_BUFFER:
            ABOVE(1);
            break;
        default:
            rc = vm_malformed(vm, "invalid load key, 0x%02x", op);
            goto out;
        }
    }
out:
    if (rc == CUSTODY_EMALFORMED && vm->err->offset != vm->op_off) {
        /* A truncated read inside the opcode's argument: report at the opcode. */
        char msg[sizeof(vm->err->msg)];
        memcpy(msg, vm->err->msg, sizeof(msg));
        rc = cu_err_malformed(vm->err, vm->src->loc, vm->op_off, "%s", msg);
    }
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* entry points */

static const struct cu_pickle_opts default_opts = { 0 };

static void vm_init(struct vm *vm,
                    struct cu_ctx *ctx,
                    struct cu_stream *st,
                    const struct cu_pickle_opts *opts,
                    bool quiet)
{
    memset(vm, 0, offsetof(struct vm, scratch));
    struct vm_spare *sp = spare_get();
    if (sp != NULL) {
        /* Taken, so that a VM nested in this one (a pickle in a bytes value) gets its own. */
        vm->stack = sp->stack;
        vm->scap = sp->scap;
        vm->marks = sp->marks;
        vm->mcap = sp->mcap;
        vm->memo = sp->memo;
        vm->memo_cap = sp->memo_cap;
        if (sp->arena != NULL) {
            vm->arena = sp->arena;
            vm->arena_total = sp->arena->cap;
        }
        *sp = (struct vm_spare){ 0 };
    }
    vm->ctx = ctx;
    vm->st = st;
    vm->src = st->src;
    vm->err = cu_ctx_err(ctx);
    vm->opts = opts;
    vm->quiet = quiet;
    if (opts->hooks != NULL) {
        vm->after_build = opts->hooks->after_build;
        vm->hook_ud = opts->hooks->ud;
    } else {
        vm->after_build = cu_joblib_after_build;
        vm->hook_ud = NULL;
    }
}

/* Turns an error that ends a pickle into its finding (unless quiet, or already reported:
 * the error record is empty then) and clears the record. EIO/ENOMEM are left alone. */
/* A getattr import never used as a plain lookup is reported as imported (it was passed on,
 * stored, or the pickle ended before its use). */
static void report_deferred(struct vm *vm)
{
    for (size_t i = 0; vm->ndeferred > 0 && i < vm->imp_cap; i++) {
        struct pv_imp *g = vm->imps[i];
        if (g != NULL && g->flags & IMP_DEFERRED && g->ok_uses == 0) {
            imp_report(vm, g);
        }
    }
}

static void report_end(struct cu_ctx *ctx, struct cu_source *src, uint64_t off, int rc, bool quiet)
{
    custody_error *err = cu_ctx_err(ctx);
    if (rc == CUSTODY_EIO || rc == CUSTODY_ENOMEM || rc >= 0) {
        return;
    }
    const char *rule = rc == CUSTODY_EMALFORMED     ? "pickle/malformed"
                       : rc == CUSTODY_ELIMIT       ? "scan/limit-exceeded"
                       : rc == CUSTODY_EUNSUPPORTED ? "scan/unsupported"
                                                    : "scan/internal";
    if (!quiet && err->msg[0] != '\0') {
        /* A "pickle" found inside a bytes value may be data that only starts like one (float
         * arrays do): what it imports before the damage is still reported, the damage itself
         * is only a note there. */
        bool nested = cu_ctx_hint(ctx, HINT_NEST) != NULL;
        if (nested && (rc == CUSTODY_EMALFORMED || rc == CUSTODY_ELIMIT)) {
            cu_emit(ctx, src, off, rule, CUSTODY_SEV_INFO, NULL,
                    "%s (a bytes value that starts like a pickle; probably data)", err->msg);
        } else {
            cu_emit(ctx, src, off, rule, CU_SEV_DEFAULT, NULL, "%s", err->msg);
        }
    }
    cu_err_clear(err);
}

/* Runs one pickle on st. An error that ends it is reported (unless quiet) and returned with
 * the error record cleared. */
static int
scan_one(struct cu_ctx *ctx, struct cu_stream *st, const struct cu_pickle_opts *opts, bool quiet)
{
    struct vm *vm = cu_malloc(sizeof(*vm));
    if (vm == NULL) {
        return VM_NOMEM(cu_ctx_err(ctx));
    }
    vm_init(vm, ctx, st, opts, quiet);
    /* Never NULL: `stack + at` is computed for empty stacks too. */
    int rc = vm->stack == NULL ? stack_grow(vm) : 0;
    if (rc == 0) {
        rc = vm_run(vm);
    }
    if (rc == 0 && !quiet && opts->torch) {
        st_facts(vm);
    }
    report_deferred(vm);
    report_end(ctx, st->src, vm->op_off, rc, quiet);
    vm_free(vm);
    free(vm);
    return rc;
}

/* Unlike cu_pickle_scan(), returns the error that ended a damaged pickle (EMALFORMED,
 * ELIMIT, ...) after reporting it, with the error record cleared, so that a hook can stop
 * reading the stream; the outer VM then ends quietly. */
int cu_pickle_scan_stream(struct cu_ctx *ctx,
                          struct cu_stream *st,
                          const struct cu_pickle_opts *opts)
{
    return scan_one(ctx, st, opts != NULL ? opts : &default_opts, false);
}

static int scan_all(struct cu_ctx *ctx,
                    struct cu_source *src,
                    uint64_t off,
                    const struct cu_pickle_opts *opts,
                    uint64_t *end,
                    bool quiet)
{
    custody_error *err = cu_ctx_err(ctx);
    struct cu_stream st;
    int rc = cu_stream_init(&st, src, off, CU_LIMIT_STREAM_BUF, err);
    if (rc < 0) {
        return rc;
    }
    for (unsigned count = 1;; count++) {
        rc = scan_one(ctx, &st, opts, quiet);
        if (rc < 0) {
            break;
        }
        if (end != NULL) {
            *end = cu_stream_tell(&st);
        }
        if (opts->single) {
            break;
        }
        uint64_t here = cu_stream_tell(&st);
        rc = cu_stream_need(&st, CU_LIMIT_SNIFF);
        if (rc == CUSTODY_EMALFORMED) {
            cu_err_clear(err);
            rc = 0;
        } else if (rc < 0) {
            break;
        }
        size_t have = st.len - st.pos;
        if (have == 0) {
            break;
        }
        if (!cu_pickle_sniff(cu_stream_ptr(&st), have < CU_LIMIT_SNIFF ? have : CU_LIMIT_SNIFF)) {
            if (quiet) {
                rc = CUSTODY_EMALFORMED;
                break;
            }
            uint64_t size = src->size;
            if (size != CU_SIZE_UNKNOWN && size >= here) {
                cu_emit(ctx, src, here, "pickle/trailing-data", CU_SEV_DEFAULT, NULL,
                        "%llu bytes after the pickle's STOP opcode are not a pickle; a loader "
                        "ignores them, but they can hide data from scanners",
                        (unsigned long long)(size - here));
            } else {
                cu_emit(ctx, src, here, "pickle/trailing-data", CU_SEV_DEFAULT, NULL,
                        "bytes after the pickle's STOP opcode are not a pickle");
            }
            break;
        }
        if (count >= CU_LIMIT_PICKLE_CONCAT) {
            rc = VM_LIMIT(err, src->loc, here, "more than %u concatenated pickles",
                          CU_LIMIT_PICKLE_CONCAT);
            report_end(ctx, src, here, rc, quiet);
            break;
        }
    }
    cu_stream_free(&st);
    return rc;
}

int cu_pickle_scan(struct cu_ctx *ctx,
                   struct cu_source *src,
                   uint64_t off,
                   const struct cu_pickle_opts *opts,
                   uint64_t *end)
{
    if (opts == NULL) {
        opts = &default_opts;
    }
    if (opts->probe) {
        uint8_t head[CU_LIMIT_SNIFF];
        size_t got = 0;
        int rc = cu_source_read(src, off, head, sizeof(head), &got, cu_ctx_err(ctx));
        if (rc < 0) {
            return rc;
        }
        if (!cu_pickle_sniff(head, got)) {
            return CUSTODY_EMALFORMED;
        }
        rc = scan_all(ctx, src, off, opts, NULL, true);
        if (rc == CUSTODY_EIO || rc == CUSTODY_ENOMEM) {
            return rc;
        }
        if (rc < 0) {
            cu_err_clear(cu_ctx_err(ctx));
            return CUSTODY_EMALFORMED;
        }
    }
    int rc = scan_all(ctx, src, off, opts, end, false);
    /* Damage and limits were reported where they stopped the VM. */
    return rc == CUSTODY_EIO || rc == CUSTODY_ENOMEM ? rc : 0;
}

/* ------------------------------------------------------------------------------------------ */
/* sniffing */

enum sn_arg {
    SA_NONE,
    SA_FIX1,
    SA_FIX2,
    SA_FIX4,
    SA_FIX8,
    SA_LEN1,
    SA_LEN4,
    SA_LEN8,
    SA_LINE_INT,
    SA_LINE_FLOAT,
    SA_LINE_STRING,
    SA_LINE_UNICODE,
    SA_LINE_ASCII,
    SA_LINE_NAME2,
    SA_PROTO
};
enum sn_stack {
    SS_PLAIN,
    SS_MARK,
    SS_TOMARK_PUSH,
    SS_TOMARK_EXTEND,
    SS_TOMARK_POP,
    SS_OBJ,
    SS_POP,
    SS_STOP
};

struct sn_op {
    uint8_t valid, arg, kind, pop, push;
};

static struct sn_op sn_lookup(uint8_t op)
{
    struct sn_op o = { 1, SA_NONE, SS_PLAIN, 0, 1 };
    switch (op) {
    case OP_MARK:
        o.kind = SS_MARK;
        o.push = 0;
        break;
    case OP_STOP:
        o.kind = SS_STOP;
        break;
    case OP_POP:
        o.kind = SS_POP;
        break;
    case OP_POP_MARK:
        o.kind = SS_TOMARK_POP;
        break;
    case OP_DUP:
        o.pop = 1;
        o.push = 2;
        break;
    case OP_FLOAT:
        o.arg = SA_LINE_FLOAT;
        break;
    case OP_INT:
    case OP_LONG:
        o.arg = SA_LINE_INT;
        break;
    case OP_BININT:
        o.arg = SA_FIX4;
        break;
    case OP_BININT1:
        o.arg = SA_FIX1;
        break;
    case OP_BININT2:
        o.arg = SA_FIX2;
        break;
    case OP_NONE:
    case OP_NEWTRUE:
    case OP_NEWFALSE:
    case OP_EMPTY_DICT:
    case OP_EMPTY_LIST:
    case OP_EMPTY_TUPLE:
    case OP_EMPTY_SET:
        break;
    case OP_PERSID:
        o.arg = SA_LINE_ASCII;
        break;
    case OP_BINPERSID:
    case OP_READONLY_BUFFER:
        o.pop = 1;
        break;
    case OP_REDUCE:
    case OP_NEWOBJ:
    case OP_TUPLE2:
        o.pop = 2;
        break;
    case OP_NEWOBJ_EX:
    case OP_TUPLE3:
        o.pop = 3;
        break;
    case OP_TUPLE1:
        o.pop = 1;
        break;
    case OP_STRING:
        o.arg = SA_LINE_STRING;
        break;
    case OP_UNICODE:
        o.arg = SA_LINE_UNICODE;
        break;
    case OP_BINSTRING:
    case OP_BINUNICODE:
    case OP_BINBYTES:
        o.arg = SA_LEN4;
        break;
    case OP_SHORT_BINSTRING:
    case OP_SHORT_BINBYTES:
    case OP_SHORT_BINUNICODE:
        o.arg = SA_LEN1;
        break;
    case OP_BINUNICODE8:
    case OP_BINBYTES8:
    case OP_BYTEARRAY8:
        o.arg = SA_LEN8;
        break;
    case OP_APPEND:
    case OP_BUILD:
        o.pop = 2;
        o.push = 1;
        break;
    case OP_SETITEM:
        o.pop = 3;
        o.push = 1;
        break;
    case OP_GLOBAL:
        o.arg = SA_LINE_NAME2;
        break;
    case OP_INST:
        o.arg = SA_LINE_NAME2;
        o.kind = SS_TOMARK_PUSH;
        break;
    case OP_DICT:
    case OP_LIST:
    case OP_TUPLE:
    case OP_FROZENSET:
        o.kind = SS_TOMARK_PUSH;
        break;
    case OP_APPENDS:
    case OP_SETITEMS:
    case OP_ADDITEMS:
        o.kind = SS_TOMARK_EXTEND;
        break;
    case OP_OBJ:
        o.kind = SS_OBJ;
        break;
    case OP_GET:
        o.arg = SA_LINE_INT;
        break;
    case OP_PUT:
        o.arg = SA_LINE_INT;
        o.pop = 1;
        break;
    case OP_BINGET:
        o.arg = SA_FIX1;
        break;
    case OP_LONG_BINGET:
        o.arg = SA_FIX4;
        break;
    case OP_BINPUT:
        o.arg = SA_FIX1;
        o.pop = 1;
        break;
    case OP_LONG_BINPUT:
        o.arg = SA_FIX4;
        o.pop = 1;
        break;
    case OP_MEMOIZE:
        o.pop = 1;
        break;
    case OP_BINFLOAT:
        o.arg = SA_FIX8;
        break;
    case OP_PROTO:
        o.arg = SA_PROTO;
        o.push = 0;
        break;
    case OP_EXT1:
        o.arg = SA_FIX1;
        break;
    case OP_EXT2:
        o.arg = SA_FIX2;
        break;
    case OP_EXT4:
        o.arg = SA_FIX4;
        break;
    case OP_LONG1:
        o.arg = SA_LEN1;
        break;
    case OP_LONG4:
        o.arg = SA_LEN4;
        break;
    case OP_STACK_GLOBAL:
        o.pop = 2;
        break;
    case OP_FRAME:
        o.arg = SA_FIX8;
        o.push = 0;
        break;
    case OP_NEXT_BUFFER:
        break;
    default:
        o.valid = 0;
        break;
    }
    if (op == OP_BINPUT || op == OP_LONG_BINPUT || op == OP_PUT || op == OP_MEMOIZE ||
        op == OP_BINPERSID || op == OP_READONLY_BUFFER) {
        o.push = o.pop; /* peek, or replace */
    }
    return o;
}

/* Checks one text line [p, p+n) for the argument kind. */
static bool sn_line_ok(uint8_t arg, const uint8_t *p, size_t n)
{
    switch (arg) {
    case SA_LINE_INT: {
        size_t i = 0, digits = 0;
        if (i < n && (p[i] == '-' || p[i] == '+')) {
            i++;
        }
        for (; i < n; i++) {
            if (p[i] >= '0' && p[i] <= '9') {
                digits++;
            } else if (!(p[i] == 'L' && i == n - 1)) {
                return false;
            }
        }
        return digits > 0 && digits <= 64;
    }
    case SA_LINE_FLOAT:
        if (n == 0 || n > 64) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (!strchr("0123456789.eE+-infatyINFATY", p[i]) || p[i] == '\0') {
                return false;
            }
        }
        return true;
    case SA_LINE_STRING:
        /* The loader escape-decodes whatever lies between the quotes, raw control bytes too. */
        return n >= 2 && (p[0] == '\'' || p[0] == '"') && p[n - 1] == p[0];
    case SA_LINE_UNICODE:
        /* raw-unicode-escape: protocol 0 writes every character but \0 \n \r \x1a and the
         * backslash as it is (latin-1 bytes, control characters), and any byte decodes. */
        return true;
    case SA_LINE_ASCII:
        for (size_t i = 0; i < n; i++) {
            if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f ||
                (arg == SA_LINE_ASCII && p[i] >= 0x80)) {
                return false;
            }
        }
        return true;
    case SA_LINE_NAME2:
        if (n == 0) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            uint8_t c = p[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c >= 0x80)) {
                return false;
            }
        }
        return !(p[0] >= '0' && p[0] <= '9');
    default:
        return false;
    }
}

/* Tokenises [p+i, end) as opcodes while simulating stack depth. Returns the number of clean
 * opcodes before the end of the head, STOP (*stop set) or a definite error (*bad set). */
/* What sn_tok saw besides the count: where STOP ended, and whether any opcode named or ran
 * something (an import, a call, a BUILD, a persistent id or an extension code). */
struct sn_seen {
    size_t end;
    bool acts;
};

static bool sn_acts(uint8_t op)
{
    return op == OP_GLOBAL || op == OP_INST || op == OP_STACK_GLOBAL || op == OP_REDUCE ||
           op == OP_BUILD || op == OP_OBJ || op == OP_NEWOBJ || op == OP_NEWOBJ_EX ||
           op == OP_EXT1 || op == OP_EXT2 || op == OP_EXT4 || op == OP_PERSID || op == OP_BINPERSID;
}

static long sn_tok_seen(const uint8_t *p, size_t len, size_t i, bool *stop, struct sn_seen *seen)
{
    seen->end = 0;
    seen->acts = false;
    size_t depth = 0;
    size_t marks[32];
    size_t nmarks = 0;
    bool marks_lost = false; /* more marks than tracked: stop checking them */
    long ops = 0;
    *stop = false;
    while (i < len) {
        uint8_t op = p[i++];
        struct sn_op o = sn_lookup(op);
        if (!o.valid) {
            return -(ops + 1);
        }
        seen->acts = seen->acts || sn_acts(op);
        size_t need = 0;
        switch (o.arg) {
        case SA_FIX1:
            need = 1;
            break;
        case SA_FIX2:
            need = 2;
            break;
        case SA_FIX4:
            need = 4;
            break;
        case SA_FIX8:
            need = 8;
            break;
        case SA_PROTO:
            if (i >= len) {
                return ops;
            }
            if (p[i] > 5) {
                return -(ops + 1);
            }
            need = 1;
            break;
        case SA_LEN1:
        case SA_LEN4:
        case SA_LEN8: {
            size_t w = o.arg == SA_LEN1 ? 1 : o.arg == SA_LEN4 ? 4 : 8;
            if (w > len - i) {
                return ops;
            }
            uint64_t n = w == 1 ? p[i] : w == 4 ? cu_load_u32le(p + i) : cu_load_u64le(p + i);
            i += w;
            if (n > len - i) {
                return ops + 1; /* runs past what we see */
            }
            need = (size_t)n;
            break;
        }
        case SA_NONE:
            break;
        default: {
            size_t lines = o.arg == SA_LINE_NAME2 ? 2 : 1;
            for (size_t l = 0; l < lines; l++) {
                const uint8_t *nl = memchr(p + i, '\n', len - i);
                if (nl == NULL) {
                    /* cut by the head: judge what we see */
                    size_t n = len - i;
                    if (n > 0 && o.arg != SA_LINE_STRING && !sn_line_ok(o.arg, p + i, n)) {
                        return -(ops + 1);
                    }
                    return ops;
                }
                size_t n = (size_t)(nl - (p + i));
                if (!sn_line_ok(o.arg, p + i, n)) {
                    return -(ops + 1);
                }
                i += n + 1;
            }
            break;
        }
        }
        if (need > len - i) {
            return ops;
        }
        i += need;
        switch (o.kind) {
        case SS_MARK:
            if (nmarks < 32) {
                marks[nmarks++] = depth;
            } else {
                marks_lost = true;
            }
            depth = 0;
            break;
        case SS_STOP:
            if (depth < 1) {
                return -(ops + 1);
            }
            *stop = true;
            seen->end = i;
            return ops + 1;
        case SS_POP:
            if (depth > 0) {
                depth--;
            } else if (nmarks > 0) {
                depth = marks[--nmarks];
            } else if (!marks_lost) {
                return -(ops + 1);
            }
            break;
        case SS_TOMARK_PUSH:
        case SS_TOMARK_POP:
        case SS_TOMARK_EXTEND:
        case SS_OBJ:
            if (nmarks == 0) {
                if (!marks_lost) {
                    return -(ops + 1);
                }
                depth = 1;
                break;
            }
            if (o.kind == SS_OBJ && depth < 1) {
                return -(ops + 1);
            }
            depth = marks[--nmarks];
            if (o.kind == SS_TOMARK_EXTEND) {
                if (depth < 1) {
                    return -(ops + 1);
                }
            } else if (o.kind != SS_TOMARK_POP) {
                depth++;
            }
            break;
        default:
            if (depth < o.pop) {
                return -(ops + 1);
            }
            depth = depth - o.pop + o.push;
            break;
        }
        ops++;
    }
    return ops;
}

static long sn_tok(const uint8_t *p, size_t len, size_t i, bool *stop)
{
    struct sn_seen seen;
    return sn_tok_seen(p, len, i, stop, &seen);
}

static long sn_run(const uint8_t *p, size_t len, size_t i, bool *stop, bool *bad)
{
    long ops = sn_tok(p, len, i, stop);
    *bad = ops < 0;
    return ops < 0 ? -ops - 1 : ops;
}

bool cu_pickle_sniff(const uint8_t *head, size_t len)
{
    bool stop, bad;
    if (len >= 2 && head[0] == OP_PROTO) {
        if (head[1] > 5) {
            return false;
        }
        if (head[1] >= 2) {
            /* The protocol header is a strong magic: a known opcode after it is enough,
             * whatever follows (a damaged pickle is still a pickle, reported malformed). */
            return len > 2 && sn_lookup(head[2]).valid;
        }
        long ops = sn_run(head, len, 2, &stop, &bad);
        return ops >= 3 || (stop && ops >= 1);
    }
    /* Protocol 0/1 has no magic: several opcodes must tokenise and keep the stack sound. */
    struct sn_seen seen;
    long ops = sn_tok_seen(head, len, 0, &stop, &seen);
    if (ops < 0) {
        ops = -ops - 1;
        stop = false;
    }
    if (stop && ops <= 3 && !seen.acts && seen.end < len &&
        !cu_pickle_sniff(head + seen.end, len - seen.end)) {
        /* Two or three inert opcodes, STOP, then something else: text that happens to parse
         * ("GIT v1.5.2 Release Notes" is BINFLOAT, DUP, STOP). It could only ever load a
         * number or a string, and what follows is not a pickle either. */
        return false;
    }
    return (stop && ops >= 2) || ops >= 6;
}

/* Protocols 0 and 1 have no magic, and their first value may be longer than the head: a
 * 100 KB string, then the payload. Python loads that; the head alone cannot tell it from text.
 * The head is undecided when it tokenises cleanly, ends inside an argument, and more of the
 * source follows; then one quiet pass of the VM decides (it skips long arguments and reads a
 * long line to its end): a pickle that runs cleanly to its STOP is one, and so is one that
 * breaks only after it imported something. */
static bool sniff_undecided(const uint8_t *head, size_t len, uint64_t size)
{
    if (len < CU_LIMIT_SNIFF || (size != CU_SIZE_UNKNOWN && size <= len)) {
        return false; /* all of it was seen: the head decided */
    }
    bool stop = false;
    size_t i = len >= 2 && head[0] == OP_PROTO && head[1] <= 5 ? 2 : 0;
    long ops = sn_tok(head, len, i, &stop);
    return ops >= 0 && !stop && ops < 6;
}

bool cu_pickle_deep_sniff(struct cu_ctx *ctx,
                          struct cu_source *src,
                          const uint8_t *head,
                          size_t len)
{
    if (!sniff_undecided(head, len, src->size)) {
        return false;
    }
    custody_error *err = cu_ctx_err(ctx);
    struct cu_stream st;
    if (cu_stream_init(&st, src, 0, CU_LIMIT_STREAM_BUF, err) < 0) {
        cu_err_clear(err);
        return false;
    }
    struct vm *vm = cu_malloc(sizeof(*vm));
    bool yes = false;
    if (vm != NULL) {
        vm_init(vm, ctx, &st, &default_opts, true);
        int rc = vm->stack == NULL ? stack_grow(vm) : 0;
        if (rc == 0) {
            rc = vm_run(vm);
        }
        /* Clean to STOP; or damaged after it imported something, which a loader has
         * already run by then (the full pass reports both). */
        yes = rc == 0 || (rc == CUSTODY_EMALFORMED && vm->nimp > 0 && vm->ops >= 3);
        vm_free(vm);
        free(vm);
    }
    cu_stream_free(&st);
    cu_err_clear(err);
    return yes;
}

/* ------------------------------------------------------------------------------------------ */
/* the analyzer */

static bool pickle_sniff(const struct cu_sniff *in)
{
    return cu_pickle_sniff(in->head, in->len);
}

static int pickle_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct cu_pickle_opts o;
    memset(&o, 0, sizeof(o));
    if (cu_ctx_hint(ctx, CU_HINT_TORCH_STORAGE) == src) {
        /* Raw tensor bytes to torch: only a complete, clean pickle is worth a word. */
        o.probe = true;
        int rc = cu_pickle_scan(ctx, src, 0, &o, NULL);
        return rc == CUSTODY_EMALFORMED ? 0 : rc;
    }
    o.torch = cu_ctx_hint(ctx, CU_HINT_TORCH_PICKLE) == src;
    return cu_pickle_scan(ctx, src, 0, &o, NULL);
}

static const char *const pickle_ext[] = { ".pkl", ".pickle", ".p",    ".pk",    ".dat",
                                          ".pt",  ".pth",    ".bin",  ".ckpt",  ".joblib",
                                          ".sav", ".dill",   ".data", ".model", NULL };

const struct cu_analyzer cu_analyzer_pickle = { "pickle", pickle_ext, pickle_sniff,
                                                pickle_analyze };
