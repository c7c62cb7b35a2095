#include "engine/engine.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "core/util.h"
#include "engine/classcache.h"
#include "engine/scanfile.h"
#include "formats/pickle.h"
#include "formats/torch.h"
#include "formats/zip.h"
#include "rules/catalogue.h"
#include "core/banned.h"

#define CTX_HINTS 8

struct ctx_hint {
    const char *key;
    const void *value;
};

struct cu_ctx {
    struct cu_file_rec *rec;
    const struct cu_scan_limits *lim;
    custody_error err;
    uint64_t budget;
    uint64_t counter;
    unsigned depth;
    bool fatal;
    struct ctx_hint hints[CTX_HINTS];
};

custody_error *cu_ctx_err(struct cu_ctx *ctx)
{
    return &ctx->err;
}

uint64_t *cu_ctx_budget(struct cu_ctx *ctx)
{
    return &ctx->budget;
}

custody_pickle_class
cu_ctx_classify(struct cu_ctx *ctx, const char *module, const char *name, const char **why)
{
    return cu_classcache_classify(ctx->lim->cache, module, name, why);
}

void cu_ctx_class_lookup(struct cu_ctx *ctx,
                         const char *module,
                         const char *name,
                         struct cu_class_result *out)
{
    cu_classcache_lookup(ctx->lim->cache, module, name, out);
}

unsigned cu_ctx_depth(const struct cu_ctx *ctx)
{
    return ctx->depth;
}

const char *cu_ctx_disk_path(const struct cu_ctx *ctx, const struct cu_source *src)
{
    /* analyze() of the top-level source runs at depth 1 */
    if (ctx->rec->mem != NULL || ctx->depth != 1 || src->parent != NULL ||
        strcmp(src->loc, ctx->rec->path) != 0) {
        return NULL;
    }
    return ctx->rec->open_path;
}

const void *cu_ctx_hint(const struct cu_ctx *ctx, const char *key)
{
    for (size_t i = 0; i < CTX_HINTS; i++) {
        if (ctx->hints[i].key != NULL && strcmp(ctx->hints[i].key, key) == 0) {
            return ctx->hints[i].value;
        }
    }
    return NULL;
}

const void *cu_ctx_set_hint(struct cu_ctx *ctx, const char *key, const void *value)
{
    size_t free_slot = CTX_HINTS;
    for (size_t i = 0; i < CTX_HINTS; i++) {
        if (ctx->hints[i].key != NULL && strcmp(ctx->hints[i].key, key) == 0) {
            const void *old = ctx->hints[i].value;
            ctx->hints[i].value = value;
            if (value == NULL) {
                ctx->hints[i].key = NULL;
            }
            return old;
        }
        if (ctx->hints[i].key == NULL && free_slot == CTX_HINTS) {
            free_slot = i;
        }
    }
    if (value != NULL && free_slot < CTX_HINTS) {
        ctx->hints[free_slot].key = key;
        ctx->hints[free_slot].value = value;
    }
    return NULL;
}

static bool finding_equal(const struct cu_finding_rec *a,
                          const char *rule,
                          const char *loc,
                          uint64_t off,
                          uint32_t line,
                          const char *msg,
                          const char *ev)
{
    return a->rule_id == rule && a->offset == off && a->line == line &&
           strcmp(a->location, loc) == 0 && strcmp(a->message, msg) == 0 &&
           ((a->evidence == NULL && ev == NULL) ||
            (a->evidence != NULL && ev != NULL && strcmp(a->evidence, ev) == 0));
}

bool cu_file_rec_emit(struct cu_file_rec *rec,
                      const char *location,
                      uint64_t off,
                      uint32_t line,
                      const char *rule_id,
                      int severity,
                      const char *evidence,
                      const char *msg)
{
    const custody_rule *rule = custody_rule_find(rule_id);
    assert(rule != NULL && "rule id missing from the catalogue");
    if (rule == NULL) {
        rule = custody_rule_find("scan/internal");
    }
    char *ev = NULL;
    if (evidence != NULL) {
        ev = strlen(evidence) > CU_LIMIT_EVIDENCE ? cu_strndup(evidence, CU_LIMIT_EVIDENCE)
                                                  : cu_strdup(evidence);
        if (ev == NULL) {
            return false;
        }
    }
    /* The last few findings are checked for repeats (a payload called in a loop). */
    size_t from = rec->nf > 64 ? rec->nf - 64 : 0;
    for (size_t i = from; i < rec->nf; i++) {
        if (finding_equal(&rec->f[i], rule->id, location, off, line, msg, ev)) {
            free(ev);
            return true;
        }
    }
    if (rec->nf >= CU_LIMIT_FINDINGS_PER_FILE) {
        rec->truncated = true;
        free(ev);
        return true;
    }
    if (!cu_grow((void **)&rec->f, &rec->capf, rec->nf + 1, sizeof(*rec->f))) {
        free(ev);
        return false;
    }
    struct cu_finding_rec *f = &rec->f[rec->nf];
    f->rule_id = rule->id;
    f->severity = severity >= 0 ? (custody_severity)severity : rule->severity;
    f->location = cu_strdup(location);
    f->message = cu_strdup(msg);
    f->offset = off;
    f->line = line;
    f->evidence = ev;
    if (f->location == NULL || f->message == NULL) {
        free(f->location);
        free(f->message);
        free(ev);
        return false;
    }
    rec->nf++;
    return true;
}

static void emit_rec(struct cu_ctx *ctx,
                     const char *location,
                     uint64_t off,
                     uint32_t line,
                     const char *rule_id,
                     int severity,
                     const char *evidence,
                     const char *msg)
{
    if (!cu_file_rec_emit(ctx->rec, location, off, line, rule_id, severity, evidence, msg)) {
        ctx->fatal = true;
    }
}

static void emit_va(struct cu_ctx *ctx,
                    const struct cu_source *src,
                    uint64_t off,
                    uint32_t line,
                    const char *rule_id,
                    int severity,
                    const char *evidence,
                    const char *fmt,
                    va_list ap) CUSTODY_PRINTF(8, 0);

static void emit_va(struct cu_ctx *ctx,
                    const struct cu_source *src,
                    uint64_t off,
                    uint32_t line,
                    const char *rule_id,
                    int severity,
                    const char *evidence,
                    const char *fmt,
                    va_list ap)
{
    char *msg = cu_vasprintf(fmt, ap);
    if (msg == NULL) {
        ctx->fatal = true;
        return;
    }
    emit_rec(ctx, src != NULL ? src->loc : ctx->rec->path, off, line, rule_id, severity, evidence,
             msg);
    free(msg);
}

void cu_emit(struct cu_ctx *ctx,
             const struct cu_source *src,
             uint64_t off,
             const char *rule_id,
             int severity,
             const char *evidence,
             const char *fmt,
             ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_va(ctx, src, off, 0, rule_id, severity, evidence, fmt, ap);
    va_end(ap);
}

void cu_emit_line(struct cu_ctx *ctx,
                  const struct cu_source *src,
                  uint32_t line,
                  const char *rule_id,
                  int severity,
                  const char *evidence,
                  const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_va(ctx, src, CU_NO_OFFSET, line, rule_id, severity, evidence, fmt, ap);
    va_end(ap);
}

/* ---- components and facts ---- */

static char *dup_opt(const char *s, bool *fail)
{
    if (s == NULL) {
        return NULL;
    }
    char *d = cu_strdup(s);
    if (d == NULL) {
        *fail = true;
    }
    return d;
}

static void component_rec_clear(struct cu_component_rec *c)
{
    free((char *)c->pub.kind);
    free((char *)c->pub.ecosystem);
    free((char *)c->pub.name);
    free((char *)c->pub.version);
    free((char *)c->pub.purl);
    free((char *)c->pub.location);
    for (size_t i = 0; i < c->pub.nprops; i++) {
        free((char *)c->props[i].key);
        free((char *)c->props[i].value);
    }
    free(c->props);
    memset(c, 0, sizeof(*c));
}

void cu_component(struct cu_ctx *ctx,
                  const struct cu_source *src,
                  const struct cu_component_desc *d)
{
    struct cu_file_rec *rec = ctx->rec;
    if (d->kind == NULL || d->name == NULL) {
        return;
    }
    if (rec->nc >= CU_LIMIT_COMPONENTS_PER_FILE) {
        emit_rec(ctx, rec->path, CU_NO_OFFSET, 0, "scan/components-truncated", CU_SEV_DEFAULT, NULL,
                 "more components than the per-file limit; the rest were dropped");
        return;
    }
    if (!cu_grow((void **)&rec->c, &rec->capc, rec->nc + 1, sizeof(*rec->c))) {
        ctx->fatal = true;
        return;
    }
    struct cu_component_rec *c = &rec->c[rec->nc];
    memset(c, 0, sizeof(*c));
    bool fail = false;
    c->pub.kind = dup_opt(d->kind, &fail);
    c->pub.ecosystem = dup_opt(d->ecosystem, &fail);
    c->pub.name = dup_opt(d->name, &fail);
    c->pub.version = dup_opt(d->version, &fail);
    c->pub.purl = dup_opt(d->purl, &fail);
    c->pub.location = dup_opt(src != NULL ? src->loc : rec->path, &fail);
    c->pub.line = d->line;
    if (!fail && d->nprops > 0) {
        c->props = cu_calloc(d->nprops, sizeof(*c->props));
        fail = c->props == NULL;
        for (size_t i = 0; !fail && i < d->nprops; i++) {
            c->props[i].key = dup_opt(d->props[i].key != NULL ? d->props[i].key : "", &fail);
            c->props[i].value = dup_opt(d->props[i].value != NULL ? d->props[i].value : "", &fail);
            c->pub.nprops = i + 1;
        }
    }
    c->pub.props = c->props;
    if (fail) {
        component_rec_clear(c);
        ctx->fatal = true;
        return;
    }
    rec->nc++;
}

void cu_fact(struct cu_ctx *ctx, const char *key, const char *fmt, ...)
{
    struct cu_file_rec *rec = ctx->rec;
    if (rec->nfacts >= CU_LIMIT_FACTS_PER_FILE) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *v;
    if (strcmp(fmt, "%s") == 0) { /* most facts: a copy, not a formatted print */
        const char *sv = va_arg(ap, const char *);
        v = cu_strdup(sv != NULL ? sv : "");
    } else if (strchr(fmt, '%') == NULL) {
        v = cu_strdup(fmt);
    } else {
        v = cu_vasprintf(fmt, ap);
    }
    va_end(ap);
    char *k = cu_strdup(key);
    if (v == NULL || k == NULL ||
        !cu_grow((void **)&rec->facts, &rec->capfacts, rec->nfacts + 1, sizeof(*rec->facts))) {
        free(v);
        free(k);
        ctx->fatal = true;
        return;
    }
    rec->facts[rec->nfacts].key = k;
    rec->facts[rec->nfacts].value = v;
    rec->nfacts++;
}

const char *cu_settings_get(const custody_prop *s, size_t n, const char *key, size_t i)
{
    for (size_t k = 0; k < n; k++) {
        if (s[k].key != NULL && strcmp(s[k].key, key) == 0) {
            if (i == 0) {
                return s[k].value;
            }
            i--;
        }
    }
    return NULL;
}

const char *cu_ctx_setting(const struct cu_ctx *ctx, const char *key, size_t i)
{
    return cu_settings_get(ctx->lim->settings, ctx->lim->nsettings, key, i);
}

const struct cu_analyzer *cu_registry_find(const char *name)
{
    for (size_t i = 0; i < cu_registry_len; i++) {
        if (strcmp(cu_registry[i]->name, name) == 0) {
            return cu_registry[i];
        }
    }
    return NULL;
}

/* ---- extension hints ---- */

static const char *name_extension(const char *name)
{
    const char *base = cu_basename(name);
    const char *dot = strrchr(base, '.');
    return (dot != NULL && dot != base) ? dot : NULL;
}

bool cu_name_is_model(const char *name)
{
    static const char *const model_ext[] = {
        ".pt",  ".pth",   ".bin", ".pkl",    ".pickle",  ".ckpt",        ".joblib", ".npy",
        ".npz", ".dill",  ".sav", ".model",  ".mar",     ".safetensors", ".gguf",   ".onnx",
        ".h5",  ".keras", ".pb",  ".tflite", ".msgpack", ".nemo",        NULL
    };
    const char *ext = name_extension(name);
    if (ext != NULL) {
        for (size_t i = 0; model_ext[i] != NULL; i++) {
            if (strcasecmp(ext, model_ext[i]) == 0) {
                return true;
            }
        }
    }
    /* Members a torch loader opens by name. */
    const char *base = cu_basename(name);
    return strcmp(base, "data.pkl") == 0 || strcmp(base, "constants.pkl") == 0;
}

/* Does any analyzer claim this name's extension, and does `chosen` claim it? */
static bool
extension_mismatch(const char *name, const struct cu_analyzer *chosen, const char **ext_out)
{
    const char *ext = name_extension(name);
    /* An analyzer without an extension list identifies its files by name and text shape
     * (package.json, pyproject.toml, SKILL.md): a name is not a disguise there. */
    if (ext == NULL || chosen->extensions == NULL) {
        return false;
    }
    bool claimed = false;
    /* Runs for every file and member: the first letter after the dot screens out nearly
     * every entry before the full comparison. */
    int c1 = tolower((unsigned char)ext[1]);
    for (size_t i = 0; i < cu_registry_len; i++) {
        const struct cu_analyzer *a = cu_registry[i];
        for (size_t j = 0; a->extensions != NULL && a->extensions[j] != NULL; j++) {
            const char *e = a->extensions[j];
            if (e[0] != '\0' && tolower((unsigned char)e[1]) != c1) {
                continue;
            }
            if (strcasecmp(e, ext) == 0) {
                if (a == chosen) {
                    return false;
                }
                claimed = true;
            }
        }
    }
    *ext_out = ext;
    return claimed;
}

/* ---- dispatch ---- */

static void error_to_finding(struct cu_ctx *ctx,
                             const struct cu_source *src,
                             const struct cu_analyzer *a,
                             int rc)
{
    const char *rule = "scan/decode-error";
    char idbuf[64];
    if (rc == CUSTODY_ELIMIT) {
        rule = "scan/limit-exceeded";
    } else if (rc == CUSTODY_EUNSUPPORTED) {
        rule = "scan/unsupported";
    } else if (a != NULL) {
        int n = snprintf(idbuf, sizeof(idbuf), "%s/malformed", a->name);
        if (n > 0 && (size_t)n < sizeof(idbuf) && custody_rule_find(idbuf) != NULL) {
            rule = custody_rule_find(idbuf)->id;
        }
    }
    /* `where` is a location when it names this file (or a member of it); parsers that work
     * on bare bytes put a label there instead ("npy header"), which goes into the message. */
    const char *where = ctx->err.where;
    size_t plen = strlen(ctx->rec->path);
    bool is_loc = strncmp(where, ctx->rec->path, plen) == 0 &&
                  (where[plen] == '\0' || where[plen] == '!' || where[plen] == '@');
    const char *msg = ctx->err.msg[0] != '\0' ? ctx->err.msg : custody_strerror(rc);
    char *text = NULL;
    if (!is_loc && where[0] != '\0') {
        text = cu_asprintf("%s: %s", where, msg);
        if (text == NULL) {
            ctx->fatal = true;
            cu_err_clear(&ctx->err);
            return;
        }
        msg = text;
    }
    emit_rec(ctx, is_loc ? where : src->loc, ctx->err.offset, 0, rule, CU_SEV_DEFAULT, NULL, msg);
    free(text);
    cu_err_clear(&ctx->err);
}

/* Python's zipfile finds an archive by its end record, whatever precedes it, so content of any
 * format with a zip appended is also a zip to Keras, wheels and zipimport: a polyglot. */
static int appended_zip(struct cu_ctx *ctx, struct cu_source *src, const struct cu_analyzer *a)
{
    if (a == &cu_analyzer_zip || !cu_zip_tail_sniff(src, &ctx->err)) {
        return 0;
    }
    cu_emit(ctx, src, CU_NO_OFFSET, "file/polyglot", CU_SEV_DEFAULT, NULL,
            "content is %s, and a zip archive is appended: zip readers that locate the archive "
            "from its end (Python's zipfile) open it",
            a->name);
    return cu_dispatch_as(ctx, src, "zip");
}

static int dispatch(struct cu_ctx *ctx, struct cu_source *src, const char *format)
{
    if (ctx->depth >= ctx->lim->max_depth) {
        cu_emit(ctx, src, CU_NO_OFFSET, "scan/nesting-too-deep", CU_SEV_DEFAULT, NULL,
                "containers nested more than %u deep; content not analysed", ctx->lim->max_depth);
        return 0;
    }
    uint8_t head[CU_LIMIT_SNIFF];
    size_t got = 0;
    cu_err_clear(&ctx->err);
    int rc = cu_source_read(src, 0, head, sizeof(head), &got, &ctx->err);
    if (rc == CUSTODY_EIO || rc == CUSTODY_ENOMEM) {
        return rc;
    }
    if (rc < 0) {
        error_to_finding(ctx, src, NULL, rc);
        return 0;
    }
    const struct cu_analyzer *a = NULL;
    if (format != NULL) {
        a = cu_registry_find(format);
    } else {
        const char *disk = ctx->depth == 0 && ctx->rec->mem == NULL && src->parent == NULL &&
                                   strcmp(src->loc, ctx->rec->path) == 0
                               ? ctx->rec->open_path
                               : NULL;
        struct cu_sniff sn = { head, got, src->size, src->name, ctx->depth, src->loc, disk };
        for (size_t i = 0; i < cu_registry_len && a == NULL; i++) {
            if (cu_registry[i]->sniff(&sn)) {
                a = cu_registry[i];
            }
        }
    }
    if (a == NULL && cu_zip_tail_sniff(src, &ctx->err)) {
        a = &cu_analyzer_zip; /* a zip behind a prefix (self-extracting style): zipfile opens it */
    }
    /* A protocol 0/1 pickle whose first value outruns the head. Not a checkpoint's tensor
     * bytes: torch never unpickles them, and a quiet pass could read far into them. */
    if (a == NULL && format == NULL && cu_ctx_hint(ctx, CU_HINT_TORCH_STORAGE) != src &&
        cu_pickle_deep_sniff(ctx, src, head, got)) {
        a = &cu_analyzer_pickle;
    }
    if (a == NULL) {
        if (got == 0) {
            if (ctx->depth == 0) {
                ctx->rec->reason = cu_strdup("empty file");
            }
            if (cu_name_is_model(src->name)) {
                cu_emit(ctx, src, CU_NO_OFFSET, "file/unrecognised-model", CU_SEV_DEFAULT, NULL,
                        "'%s' is named like a model file but is empty", src->name);
            }
        } else if (cu_name_is_model(src->name)) {
            cu_emit(ctx, src, 0, "file/unrecognised-model", CU_SEV_DEFAULT, NULL,
                    "'%s' is named like a model file but its content is not a known format",
                    src->name);
        } else if (ctx->depth == 0) {
            ctx->rec->reason = cu_strdup("content not recognised");
        }
        return 0;
    }
    const char *ext = NULL;
    if (format == NULL && extension_mismatch(src->name, a, &ext)) {
        cu_emit(ctx, src, 0, "file/extension-mismatch", CU_SEV_DEFAULT, NULL,
                "extension '%s' does not match the content, which is %s", ext, a->name);
    }
    if (ctx->depth == 0) {
        ctx->rec->pub.format = a->name;
    }
    ctx->depth++;
    cu_err_clear(&ctx->err);
    rc = a->analyze(ctx, src);
    ctx->depth--;
    if (rc == CUSTODY_EIO || rc == CUSTODY_ENOMEM) {
        return rc;
    }
    if (rc < 0) {
        error_to_finding(ctx, src, a, rc);
    }
    return appended_zip(ctx, src, a);
}

int cu_dispatch(struct cu_ctx *ctx, struct cu_source *src)
{
    return dispatch(ctx, src, NULL);
}

int cu_dispatch_as(struct cu_ctx *ctx, struct cu_source *src, const char *format)
{
    return dispatch(ctx, src, format);
}

/* ---- one top-level file ---- */

static void walk_findings(struct cu_ctx *ctx, struct cu_file_rec *rec)
{
    switch (rec->walk_kind) {
    case CU_WALK_SYMLINK_OUT:
        emit_rec(ctx, rec->path, CU_NO_OFFSET, 0, "fs/symlink-outside", CU_SEV_DEFAULT,
                 rec->walk_note, "symlink points outside the scanned tree and was not followed");
        rec->pub.status = CUSTODY_FILE_SKIPPED;
        rec->reason = cu_strdup("symlink out of the tree");
        break;
    case CU_WALK_SYMLINK_DIR:
        emit_rec(ctx, rec->path, CU_NO_OFFSET, 0, "fs/symlink-dir", CU_SEV_DEFAULT, rec->walk_note,
                 "symlink to a directory was not followed");
        rec->pub.status = CUSTODY_FILE_SKIPPED;
        rec->reason = cu_strdup("symlink to a directory");
        break;
    case CU_WALK_SPECIAL:
        emit_rec(ctx, rec->path, CU_NO_OFFSET, 0, "fs/special-file", CU_SEV_DEFAULT, NULL,
                 "not a regular file; not opened");
        rec->pub.status = CUSTODY_FILE_SKIPPED;
        rec->reason = cu_strdup("not a regular file");
        break;
    case CU_WALK_ERROR:
        rec->pub.status = CUSTODY_FILE_ERROR;
        rec->reason = cu_strdup(rec->walk_note != NULL ? rec->walk_note : "cannot be read");
        break;
    case CU_WALK_FILE:
        break;
    }
}

static int cmp_findings(const void *pa, const void *pb)
{
    const struct cu_finding_rec *a = pa, *b = pb;
    int c = strcmp(a->location, b->location);
    if (c != 0) {
        return c;
    }
    if (a->line != b->line) {
        return a->line < b->line ? -1 : 1;
    }
    if (a->offset != b->offset) {
        return a->offset < b->offset ? -1 : 1;
    }
    c = strcmp(a->rule_id, b->rule_id);
    if (c != 0) {
        return c;
    }
    return strcmp(a->message, b->message);
}

void cu_engine_scan_file(struct cu_file_rec *rec, const struct cu_scan_limits *lim)
{
    struct cu_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.rec = rec;
    ctx.lim = lim;
    ctx.budget = lim->max_expand;
    cu_err_clear(&ctx.err);
    rec->pub.status = CUSTODY_FILE_SCANNED;

    if (rec->walk_kind != CU_WALK_FILE) {
        walk_findings(&ctx, rec);
    } else {
        struct cu_source *src = NULL;
        int rc;
        if (rec->mem != NULL) {
            rc = cu_source_from_mem(&src, rec->mem, rec->mem_len, false, rec->path,
                                    cu_basename(rec->path), &ctx.err);
            ctx.counter = rec->mem_len;
        } else {
            rc = cu_source_open_file(&src, rec->open_path, rec->path, &ctx.counter, &ctx.err);
        }
        if (rc == 0) {
            rec->pub.size = src->size;
            rc = dispatch(&ctx, src, NULL);
        }
        if (rc < 0) {
            rec->pub.status = CUSTODY_FILE_ERROR;
            free(rec->reason);
            rec->reason = cu_asprintf("%s%s%s", ctx.err.msg[0] ? ctx.err.msg : "",
                                      ctx.err.msg[0] ? ": " : "", custody_strerror(rc));
        } else if (rec->pub.format == NULL && rec->nf == 0) {
            rec->pub.status = CUSTODY_FILE_SKIPPED;
        }
        cu_source_free(src);
        rec->pub.bytes_read = ctx.counter;
    }
    if (ctx.fatal) {
        rec->pub.status = CUSTODY_FILE_ERROR;
        free(rec->reason);
        rec->reason = cu_strdup("out of memory while recording findings");
    }
    cu_file_rec_finish(rec);
}

static int cmp_str0(const char *a, const char *b)
{
    return strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

static int cmp_components(const void *pa, const void *pb)
{
    const custody_component *a = &((const struct cu_component_rec *)pa)->pub;
    const custody_component *b = &((const struct cu_component_rec *)pb)->pub;
    int c = strcmp(a->location, b->location);
    if (c != 0) {
        return c;
    }
    if (a->line != b->line) {
        return a->line < b->line ? -1 : 1;
    }
    if ((c = strcmp(a->kind, b->kind)) != 0 || (c = strcmp(a->name, b->name)) != 0) {
        return c;
    }
    return cmp_str0(a->version, b->version);
}

void cu_file_rec_finish(struct cu_file_rec *rec)
{
    if (rec->truncated) {
        rec->truncated = false;
        size_t keep = rec->nf;
        rec->nf = keep < CU_LIMIT_FINDINGS_PER_FILE ? keep : CU_LIMIT_FINDINGS_PER_FILE - 1;
        for (size_t i = rec->nf; i < keep; i++) {
            free(rec->f[i].location);
            free(rec->f[i].message);
            free(rec->f[i].evidence);
        }
        if (!cu_file_rec_emit(rec, rec->path, CU_NO_OFFSET, 0, "scan/findings-truncated",
                              CU_SEV_DEFAULT, NULL,
                              "more findings than the per-file limit; the rest were dropped")) {
            rec->pub.status = CUSTODY_FILE_ERROR;
        }
    }
    if (rec->nf > 1) {
        qsort(rec->f, rec->nf, sizeof(*rec->f), cmp_findings);
    }
    if (rec->nc > 1) {
        qsort(rec->c, rec->nc, sizeof(*rec->c), cmp_components);
    }
    for (size_t i = 0; i < rec->nc; i++) {
        rec->c[i].pub.path = rec->path;
    }
    rec->pub.finding_count = rec->nf;
    rec->pub.max_severity = CUSTODY_SEV_INFO;
    for (size_t i = 0; i < rec->nf; i++) {
        if (rec->f[i].severity > rec->pub.max_severity) {
            rec->pub.max_severity = rec->f[i].severity;
        }
    }
    rec->pub.facts = rec->facts;
    rec->pub.nfacts = rec->nfacts;
    rec->pub.reason = rec->reason;
    rec->pub.path = rec->path;
}

void cu_file_rec_clear(struct cu_file_rec *rec)
{
    for (size_t i = 0; i < rec->nc; i++) {
        component_rec_clear(&rec->c[i]);
    }
    free(rec->c);
    for (size_t i = 0; i < rec->nfacts; i++) {
        free((char *)rec->facts[i].key);
        free((char *)rec->facts[i].value);
    }
    free(rec->facts);
    for (size_t i = 0; i < rec->nf; i++) {
        free(rec->f[i].location);
        free(rec->f[i].message);
        free(rec->f[i].evidence);
    }
    free(rec->f);
    free(rec->path);
    free(rec->open_path);
    free(rec->walk_note);
    free(rec->reason);
    memset(rec, 0, sizeof(*rec));
}
