#ifndef CU_TORCH_H
#define CU_TORCH_H
/* PyTorch zip checkpoints (torch.save since 1.6, TorchScript archives). The zip analyzer
 * (zip.c) parses the archive; this module recognises the checkpoint layout from the member
 * names, checks the small metadata records (version, byteorder, serialization id) and
 * dispatches each member with the hints below, so that nested analyzers know what torch
 * does with it. The pre-1.6 formats live in torch_legacy.c.
 *
 * Layout, all under one top-level prefix (the first entry's first path component, which is
 * what PyTorchStreamReader takes as the archive name):
 *   <p>/data.pkl                 the object pickle (persistent ids name storages)
 *   <p>/version, <p>/.data/version, <p>/.format_version     decimal format version
 *   <p>/byteorder                "little" or "big"
 *   <p>/data/<n>                 raw tensor storages (bytes, never unpickled)
 *   <p>/.data/serialization_id, <p>/.storage_alignment
 *   <p>/constants.pkl, <p>/code/..., <p>/constants/<n>       TorchScript
 *   <p>/extra/...                user files */
#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"

/* cu_ctx hints set while a member is dispatched; the value is the member's source, so an
 * analyzer compares `cu_ctx_hint(ctx, KEY) == src` and the hint never leaks into members
 * nested deeper.
 * CU_HINT_TORCH_STORAGE: the source is a tensor storage, raw bytes to torch. The pickle
 *   analyzer scans it with cu_pickle_opts.probe (findings only for a complete, clean pickle;
 *   no pickle/malformed for random float data).
 * CU_HINT_TORCH_PICKLE: the source is a pickle torch.load unpickles (data.pkl,
 *   constants.pkl): the pickle analyzer sets cu_pickle_opts.torch. */
#define CU_HINT_TORCH_STORAGE "torch.storage"
#define CU_HINT_TORCH_PICKLE  "torch.pickle"

enum cu_torch_role {
    CU_TORCH_OTHER = 0, /* anything else (extra/, code/, unknown names) */
    CU_TORCH_PICKLE,    /* <p>/data.pkl, <p>/constants.pkl */
    CU_TORCH_STORAGE,   /* <p>/data/<n>, <p>/constants/<n> */
    CU_TORCH_META,      /* version, byteorder, serialization id, storage alignment */
    CU_TORCH_FOREIGN    /* outside the archive prefix: torch never reads it */
};

struct cu_torch; /* layout facts of one archive */

/* Decides from the member names (central directory order) whether an archive is a torch
 * checkpoint. *out is NULL (and 0 returned) when it is not; otherwise the caller frees it
 * with cu_torch_free(). Names are borrowed for the call only. Returns 0 or CUSTODY_ENOMEM. */
int cu_torch_detect(struct cu_torch **out, const char *const *names, size_t n);
void cu_torch_free(struct cu_torch *t); /* NULL is a no-op */
/* The role torch gives a member of this archive; CU_TORCH_OTHER when t is NULL. */
enum cu_torch_role cu_torch_role(const struct cu_torch *t, const char *name);
/* Analyses one member: metadata records are read (at most a few bytes) and checked, then the
 * member is dispatched to the engine with the hints above. Returns what cu_dispatch returns. */
int cu_torch_member(struct cu_ctx *ctx,
                    struct cu_torch *t,
                    struct cu_source *member,
                    enum cu_torch_role role);
/* After every member: reports a missing data.pkl and the checkpoint facts (info). */
void cu_torch_finish(struct cu_ctx *ctx, const struct cu_torch *t, const struct cu_source *zip);

#endif
