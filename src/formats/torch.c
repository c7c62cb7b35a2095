/* PyTorch zip checkpoints: see torch.h. Torch itself (caffe2 PyTorchStreamReader) takes the
 * archive name from the first central directory entry and reads "<name>/<record>". */
#include "formats/torch.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "formats/pickle.h"
#include "core/limits.h"
#include "core/banned.h"

#define META_MAX 64u /* torch's metadata records are a few bytes */

struct cu_torch {
    char *prefix; /* "archive" */
    size_t plen;
    bool has_data_pkl;
    bool has_constants_pkl;
    uint64_t storages;
    char version[META_MAX + 1];
    char byteorder[META_MAX + 1];
    char serial[META_MAX + 1];
};

/* "<prefix>/rest" -> rest, or NULL when the name lies outside the prefix. */
static const char *torch_rest(const struct cu_torch *t, const char *name)
{
    if (strncmp(name, t->prefix, t->plen) != 0 || name[t->plen] != '/') {
        return NULL;
    }
    return name + t->plen + 1;
}

static bool all_digits(const char *s)
{
    if (*s == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
    }
    return true;
}

static bool is_meta(const char *rest)
{
    static const char *const meta[] = { "version",   ".data/version",          ".format_version",
                                        "byteorder", ".data/serialization_id", ".storage_alignment",
                                        NULL };
    for (size_t i = 0; meta[i] != NULL; i++) {
        if (strcmp(rest, meta[i]) == 0) {
            return true;
        }
    }
    return false;
}

int cu_torch_detect(struct cu_torch **out, const char *const *names, size_t n)
{
    *out = NULL;
    if (n == 0) {
        return 0;
    }
    const char *slash = strchr(names[0], '/');
    if (slash == NULL || slash == names[0]) {
        return 0; /* torch refuses "file in archive is not in a subdirectory" */
    }
    struct cu_torch *t = cu_calloc(1, sizeof(*t));
    if (t == NULL) {
        return CUSTODY_ENOMEM;
    }
    t->plen = (size_t)(slash - names[0]);
    t->prefix = cu_strndup(names[0], t->plen);
    if (t->prefix == NULL) {
        free(t);
        return CUSTODY_ENOMEM;
    }
    bool marker = false;
    for (size_t i = 0; i < n; i++) {
        const char *rest = torch_rest(t, names[i]);
        if (rest == NULL) {
            continue;
        }
        if (strcmp(rest, "data.pkl") == 0) {
            t->has_data_pkl = true;
            marker = true;
        } else if (strcmp(rest, "constants.pkl") == 0) {
            t->has_constants_pkl = true;
            marker = true;
        } else if (is_meta(rest) && strcmp(rest, ".storage_alignment") != 0) {
            marker = true;
        }
    }
    if (!marker) {
        cu_torch_free(t);
        return 0;
    }
    *out = t;
    return 0;
}

void cu_torch_free(struct cu_torch *t)
{
    if (t == NULL) {
        return;
    }
    free(t->prefix);
    free(t);
}

enum cu_torch_role cu_torch_role(const struct cu_torch *t, const char *name)
{
    if (t == NULL) {
        return CU_TORCH_OTHER;
    }
    const char *rest = torch_rest(t, name);
    if (rest == NULL) {
        return CU_TORCH_FOREIGN;
    }
    if (strcmp(rest, "data.pkl") == 0 || strcmp(rest, "constants.pkl") == 0) {
        return CU_TORCH_PICKLE;
    }
    if ((strncmp(rest, "data/", 5) == 0 && all_digits(rest + 5)) ||
        (strncmp(rest, "constants/", 10) == 0 && all_digits(rest + 10))) {
        return CU_TORCH_STORAGE;
    }
    return is_meta(rest) ? CU_TORCH_META : CU_TORCH_OTHER;
}

/* Reads a metadata record whole (it is tiny) and checks it the way torch.load does. */
static int torch_meta(struct cu_ctx *ctx, struct cu_torch *t, struct cu_source *m)
{
    char buf[META_MAX + 1];
    size_t got = 0;
    custody_error *err = cu_ctx_err(ctx);
    int rc = cu_source_read(m, 0, buf, META_MAX + 1, &got, err);
    if (rc < 0) {
        return rc;
    }
    const char *rest = torch_rest(t, m->name);
    if (rest == NULL) {
        return 0;
    }
    bool too_long = got > META_MAX;
    buf[too_long ? META_MAX : got] = '\0';
    size_t len = strlen(buf);
    bool nul = len != (too_long ? META_MAX : got);
    struct cu_buf ev = CU_BUF_INIT(4 * META_MAX + 8);
    cu_buf_add_escaped(&ev, (const uint8_t *)buf, too_long ? META_MAX : got);
    if (strcmp(rest, "byteorder") == 0) {
        /* SPEC: torch/serialization.py: byteorder must be exactly b'little' or b'big'. */
        if (too_long || nul || (strcmp(buf, "little") != 0 && strcmp(buf, "big") != 0)) {
            cu_emit(ctx, m, 0, "torch/bad-byteorder", CU_SEV_DEFAULT, cu_buf_str(&ev),
                    "byteorder record is neither 'little' nor 'big'");
        } else {
            memcpy(t->byteorder, buf, len + 1);
        }
    } else if (strcmp(rest, ".data/serialization_id") == 0) {
        if (!too_long && !nul) {
            memcpy(t->serial, buf, len + 1);
        }
    } else {
        /* version records and the storage alignment: a decimal number, newline optional */
        char num[META_MAX + 1];
        memcpy(num, buf, len + 1);
        if (len > 0 && num[len - 1] == '\n') {
            num[len - 1] = '\0';
        }
        if (too_long || nul || !all_digits(num) || strlen(num) > 19) {
            cu_emit(ctx, m, 0, "torch/bad-version", CU_SEV_DEFAULT, cu_buf_str(&ev),
                    "'%s' is not a decimal number", rest);
        } else if (strcmp(rest, ".storage_alignment") != 0 && t->version[0] == '\0') {
            memcpy(t->version, num, strlen(num) + 1);
        }
    }
    cu_buf_free(&ev);
    return 0;
}

static int torch_dispatch_hinted(struct cu_ctx *ctx, struct cu_source *m, const char *key)
{
    const void *old = cu_ctx_set_hint(ctx, key, m);
    int rc = cu_dispatch(ctx, m);
    (void)cu_ctx_set_hint(ctx, key, old);
    return rc;
}

/* torch reads a storage as raw tensor bytes and never interprets it: random floats would match
 * weak magics (lzma-alone, zlib) and raise false alarms, so the only thing looked for is a
 * complete pickle hidden there (probe mode, see the hint). */
static int torch_storage(struct cu_ctx *ctx, struct cu_source *m)
{
    uint8_t head[CU_LIMIT_SNIFF];
    size_t got = 0;
    int rc = cu_source_read(m, 0, head, sizeof(head), &got, cu_ctx_err(ctx));
    if (rc == CUSTODY_EIO || rc == CUSTODY_ENOMEM) {
        return rc;
    }
    if (rc < 0) {
        cu_err_clear(cu_ctx_err(ctx)); /* raw bytes torch would fail on: not our business */
        return 0;
    }
    if (!cu_pickle_sniff(head, got)) {
        return 0;
    }
    const void *old = cu_ctx_set_hint(ctx, CU_HINT_TORCH_STORAGE, m);
    rc = cu_dispatch_as(ctx, m, "pickle");
    (void)cu_ctx_set_hint(ctx, CU_HINT_TORCH_STORAGE, old);
    return rc;
}

int cu_torch_member(struct cu_ctx *ctx,
                    struct cu_torch *t,
                    struct cu_source *member,
                    enum cu_torch_role role)
{
    int rc;
    switch (role) {
    case CU_TORCH_STORAGE:
        t->storages++;
        return torch_storage(ctx, member);
    case CU_TORCH_PICKLE:
        return torch_dispatch_hinted(ctx, member, CU_HINT_TORCH_PICKLE);
    case CU_TORCH_META:
        rc = torch_meta(ctx, t, member);
        if (rc == CUSTODY_EIO || rc == CUSTODY_ENOMEM) {
            return rc;
        }
        cu_err_clear(cu_ctx_err(ctx));
        return cu_dispatch(ctx, member);
    case CU_TORCH_FOREIGN:
        cu_emit(ctx, member, CU_NO_OFFSET, "torch/foreign-member", CU_SEV_DEFAULT, NULL,
                "member lies outside the checkpoint's '%s/' folder: torch.load never reads it, "
                "other tools may",
                t->prefix);
        return cu_dispatch(ctx, member);
    case CU_TORCH_OTHER:
        break;
    }
    return cu_dispatch(ctx, member);
}

void cu_torch_finish(struct cu_ctx *ctx, const struct cu_torch *t, const struct cu_source *zip)
{
    if (!t->has_data_pkl) {
        cu_emit(ctx, zip, CU_NO_OFFSET, "torch/missing-data-pkl", CU_SEV_DEFAULT, NULL,
                "torch checkpoint layout without '%s/data.pkl': torch.load cannot read it as "
                "saved, so something else is meant to",
                t->prefix);
    }
    struct cu_buf ev = CU_BUF_INIT(512);
    cu_buf_addf(&ev, "prefix=%s", t->prefix);
    if (t->version[0] != '\0') {
        cu_buf_addf(&ev, " version=%s", t->version);
    }
    if (t->byteorder[0] != '\0') {
        cu_buf_addf(&ev, " byteorder=%s", t->byteorder);
    }
    if (t->serial[0] != '\0') {
        cu_buf_adds(&ev, " serialization_id=");
        cu_buf_add_escaped(&ev, (const uint8_t *)t->serial, strlen(t->serial));
    }
    cu_buf_addf(&ev, " storages=%llu%s", (unsigned long long)t->storages,
                t->has_constants_pkl ? " torchscript" : "");
    cu_emit(ctx, zip, CU_NO_OFFSET, "torch/checkpoint", CU_SEV_DEFAULT, cu_buf_str(&ev),
            "PyTorch zip checkpoint%s", t->has_constants_pkl ? " (TorchScript archive)" : "");
    cu_buf_free(&ev);
    cu_fact(ctx, "format", "%s", t->has_constants_pkl ? "torchscript" : "pytorch");
    cu_fact(ctx, "framework", "pytorch");
}
