#ifndef CU_PICKLE_H
#define CU_PICKLE_H
/* The symbolic pickle VM (DESIGN §4). It never executes anything: it tracks what each opcode
 * would build, resolves every import however it is spelled, classifies it with the policy in
 * src/rules/pickle_policy.c and records every call site as a finding with evidence. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

/* ---- symbolic values, read-only for hooks ---- */
enum cu_pv_kind {
    CU_PV_NONE = 0,
    CU_PV_BOOL,
    CU_PV_INT,    /* fits int64 */
    CU_PV_BIGINT, /* LONG/LONG1/LONG4 beyond int64 */
    CU_PV_FLOAT,
    CU_PV_STR, /* unicode or protocol-0/1 str; bytes of UTF-8 (maybe a prefix, see len) */
    CU_PV_BYTES,
    CU_PV_TUPLE,
    CU_PV_LIST,
    CU_PV_DICT,
    CU_PV_SET,
    CU_PV_GLOBAL, /* an imported callable/class: module + qualname */
    CU_PV_CALL,   /* result of REDUCE/NEWOBJ/NEWOBJ_EX/INST/OBJ: callable, args, BUILD state */
    CU_PV_PERSID, /* result of PERSID/BINPERSID */
    CU_PV_MARK,
    CU_PV_UNKNOWN /* anything the VM does not model (e.g. values too large to keep) */
};

struct cu_pv; /* opaque symbolic value */

enum cu_pv_kind cu_pv_kind(const struct cu_pv *v);
bool cu_pv_int(const struct cu_pv *v, int64_t *out); /* INT or BOOL */
/* STR/BYTES: *p borrowed for the duration of the hook; *len may be less than *full_len when
 * only a prefix of a large value was kept. */
bool cu_pv_bytes(const struct cu_pv *v, const uint8_t **p, size_t *len, uint64_t *full_len);
size_t cu_pv_len(const struct cu_pv *v); /* TUPLE/LIST/DICT(pairs)/SET items */
const struct cu_pv *cu_pv_item(const struct cu_pv *v, size_t i); /* TUPLE/LIST/SET, or NULL */
const struct cu_pv *cu_pv_dict_get(const struct cu_pv *v, const char *key); /* str keys */
/* GLOBAL, or the callable of a CALL: canonical module and qualname (after py2 mapping). */
bool cu_pv_global(const struct cu_pv *v, const char **module, const char **name);
const struct cu_pv *cu_pv_call_callable(const struct cu_pv *v); /* CALL -> GLOBAL or other */
const struct cu_pv *cu_pv_call_args(const struct cu_pv *v);     /* CALL -> TUPLE, or NULL */
const struct cu_pv *cu_pv_call_state(const struct cu_pv *v);    /* CALL -> BUILD state or NULL */

/* ---- hooks for formats that embed raw data inside a pickle stream (joblib) ---- */
struct cu_pickle_vm;
struct cu_pickle_hooks {
    /* Called after every BUILD, with the object that was built (usually a CALL with state).
     * A hook may consume bytes that follow in the stream (raw array data) with
     * cu_stream_skip()/cu_stream_read(), or scan a nested pickle read from the same stream with
     * cu_pickle_scan_stream(). Returns 0, or a negative CUSTODY_E* that ends this pickle with a
     * finding. */
    int (*after_build)(void *ud, struct cu_ctx *ctx, struct cu_stream *st, const struct cu_pv *obj);
    void *ud;
};

struct cu_pickle_opts {
    bool single;       /* stop after the first STOP: the caller parses what follows */
    bool probe;        /* report nothing unless the bytes form a complete, clean pickle; used
                        * for members a loader treats as raw data (torch storages) */
    bool torch;        /* a torch checkpoint pickle: persistent ids name storages */
    bool torch_legacy; /* with torch: the legacy loader, whose ('module', cls, file, source)
                        * ids (whole nn.Module saves) return cls */
    const struct cu_pickle_hooks *hooks; /* NULL = the default hooks (joblib) */
};

/* Analyses the pickle(s) starting at `off` in src. With !single, keeps going after STOP while
 * what follows is another pickle (concatenated pickles), and reports trailing bytes that are
 * not. *end, when not NULL, receives the offset just past the last STOP consumed.
 * Findings are emitted through ctx; malformed input ends the stream with a pickle/malformed
 * finding after everything found before the damage. Returns 0, or EIO/ENOMEM. In probe mode,
 * returns CUSTODY_EMALFORMED (without findings) when the bytes are not a clean pickle. */
int cu_pickle_scan(struct cu_ctx *ctx,
                   struct cu_source *src,
                   uint64_t off,
                   const struct cu_pickle_opts *opts,
                   uint64_t *end);
/* As cu_pickle_scan for exactly one pickle read from an existing stream (joblib object
 * arrays, whose pickle follows the wrapper inline); leaves the stream just past its STOP. */
int cu_pickle_scan_stream(struct cu_ctx *ctx,
                          struct cu_stream *st,
                          const struct cu_pickle_opts *opts);
/* True when the first bytes look like the start of a pickle (protocol 2+ header, or a
 * protocol 0/1 opcode sequence that tokenises cleanly). */
bool cu_pickle_sniff(const uint8_t *head, size_t len);
/* For content no analyzer claimed: true when the head (its first bytes) starts a protocol 0/1
 * pickle whose first arguments run past it, and the whole first pickle parses cleanly to its
 * STOP (one quiet VM pass, reporting nothing). */
bool cu_pickle_deep_sniff(struct cu_ctx *ctx,
                          struct cu_source *src,
                          const uint8_t *head,
                          size_t len);

extern const struct cu_analyzer cu_analyzer_pickle;

#endif
