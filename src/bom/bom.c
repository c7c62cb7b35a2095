/* custody bom: groups a scan's files into models and datasets, hashes them with the OMS
 * manifest (one pass over the bytes per model), merges the analyzers' facts with the model
 * card, and hands the result to a renderer (docs/bom.md). */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bom/bom_int.h"
#include "core/error.h"
#include "core/util.h"
#include "custody/provenance.h"
#include "engine/engine.h"
#include "report/jsonutil.h"
#include "core/banned.h"

/* ---- facts ---- */

int cu_bom_add_fact(struct cu_bom_item *it, const char *key, const char *value)
{
    if (key == NULL || value == NULL || value[0] == '\0') {
        return 0;
    }
    for (size_t i = 0; i < it->nfacts; i++) {
        if (strcmp(it->facts[i].key, key) == 0 && strcmp(it->facts[i].value, value) == 0) {
            return 0;
        }
    }
    if (!cu_grow((void **)&it->facts, &it->capfacts, it->nfacts + 1, sizeof(*it->facts))) {
        return CUSTODY_ENOMEM;
    }
    char *k = cu_strdup(key), *v = cu_strdup(value);
    if (k == NULL || v == NULL) {
        free(k);
        free(v);
        return CUSTODY_ENOMEM;
    }
    it->facts[it->nfacts].key = k;
    it->facts[it->nfacts].value = v;
    it->nfacts++;
    return 0;
}

size_t cu_bom_fact_count(const struct cu_bom_item *it, const char *key)
{
    size_t n = 0;
    for (size_t i = 0; i < it->nfacts; i++) {
        n += strcmp(it->facts[i].key, key) == 0;
    }
    return n;
}

const char *cu_bom_fact_at(const struct cu_bom_item *it, const char *key, size_t i)
{
    for (size_t k = 0; k < it->nfacts; k++) {
        if (strcmp(it->facts[k].key, key) == 0 && i-- == 0) {
            return it->facts[k].value;
        }
    }
    return NULL;
}

const char *cu_bom_fact(const struct cu_bom_item *it, const char *key)
{
    return cu_bom_fact_at(it, key, 0);
}

static int spdx_cmp(const void *k, const void *e)
{
    return strcasecmp((const char *)k, *(const char *const *)e);
}

const char *cu_spdx_id(const char *s)
{
    if (s == NULL) {
        return NULL;
    }
    const char *const *hit =
        bsearch(s, cu_spdx_ids, cu_spdx_ids_len, sizeof(cu_spdx_ids[0]), spdx_cmp);
    return hit != NULL ? *hit : NULL;
}

const char *cu_bom_comp_type(const char *kind)
{
    if (kind == NULL) {
        return "library";
    }
    if (strcmp(kind, "model") == 0) {
        return "machine-learning-model";
    }
    if (strcmp(kind, "data") == 0) {
        return "data";
    }
    if (strcmp(kind, "mcp-server") == 0 || strcmp(kind, "mcp-tool") == 0 ||
        strcmp(kind, "skill") == 0) {
        return "application";
    }
    return "library";
}

void cu_bom_hex(const uint8_t d[32], char out[65])
{
    cu_hex_encode(d, 32, out);
}

/* ---- grouping ---- */

static bool is_model_file(const custody_file *cf)
{
    static const char *const fmts[] = { "pickle",     "joblib-zf", "torch-legacy", "hdf5",
                                        "tflite",     "onnx",      "gguf",         "safetensors",
                                        "savedmodel", NULL };
    if (cf->status != CUSTODY_FILE_SCANNED) {
        return false;
    }
    for (size_t i = 0; i < cf->nfacts; i++) {
        if (strcmp(cf->facts[i].key, "format") == 0) {
            if (strcmp(cf->facts[i].value, "hdf5") == 0) { /* Keras .h5, or HDF5 data */
                return cu_name_is_model(cf->path) || cu_has_suffix_ci(cf->path, ".hdf5");
            }
            return strcmp(cf->facts[i].value, "numpy") != 0;
        }
    }
    for (size_t i = 0; cf->format != NULL && fmts[i] != NULL; i++) {
        if (strcmp(cf->format, fmts[i]) == 0) {
            return strcmp(cf->format, "hdf5") != 0 || cu_name_is_model(cf->path) ||
                   cu_has_suffix_ci(cf->path, ".h5") || cu_has_suffix_ci(cf->path, ".hdf5");
        }
    }
    /* named like a model but not (or no longer) readable as one: still listed, never dropped
     * (its scan verdict says why) */
    return cu_name_is_model(cf->path) && !cu_has_suffix_ci(cf->path, ".npy") &&
           !cu_has_suffix_ci(cf->path, ".npz");
}

static bool is_data_file(const char *path)
{
    static const char *const ext[] = { ".parquet",  ".arrow",  ".jsonl",   ".csv", ".tsv",
                                       ".jsonl.gz", ".csv.gz", ".feather", NULL };
    for (size_t i = 0; ext[i] != NULL; i++) {
        if (cu_has_suffix_ci(path, ext[i])) {
            return true;
        }
    }
    return false;
}

static bool is_signature(const char *base)
{
    return strcmp(base, "model.sig") == 0 || cu_has_suffix(base, ".sigstore.json") ||
           cu_has_suffix(base, ".sigstore");
}

static bool is_license(const char *base)
{
    return strcasecmp(base, "LICENSE") == 0 || strcasecmp(base, "LICENSE.txt") == 0 ||
           strcasecmp(base, "LICENSE.md") == 0 || strcasecmp(base, "COPYING") == 0 ||
           strcasecmp(base, "LICENCE") == 0;
}

/* dirname of a display path: a new string ("." for a bare name). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        return cu_strdup(".");
    }
    if (slash == path) {
        return cu_strdup("/");
    }
    return cu_strndup(path, (size_t)(slash - path));
}

/* True when `path` lies inside directory `dir` (or is it). */
static bool under(const char *path, const char *dir)
{
    if (strcmp(dir, ".") == 0) {
        return path[0] != '/';
    }
    size_t n = strlen(dir);
    if (n > 0 && dir[n - 1] == '/') {
        n--;
    }
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* Path of `path` relative to `dir` (a pointer into path). */
static const char *rel_to(const char *path, const char *dir)
{
    if (strcmp(dir, ".") == 0) {
        return strncmp(path, "./", 2) == 0 ? path + 2 : path;
    }
    size_t n = strlen(dir);
    if (n > 0 && dir[n - 1] == '/') {
        n--;
    }
    return path[n] == '/' ? path + n + 1 : path + n;
}

static struct cu_bom_item *
new_item(struct cu_bom *b, enum cu_bom_kind kind, const char *path, bool is_dir)
{
    if (!cu_grow((void **)&b->items, &b->capitems, b->nitems + 1, sizeof(*b->items))) {
        return NULL;
    }
    struct cu_bom_item *it = &b->items[b->nitems];
    memset(it, 0, sizeof(*it));
    it->kind = kind;
    it->is_dir = is_dir;
    it->path = cu_strdup(path);
    it->ref = cu_asprintf("%s:%s", kind == CU_BOM_MODEL ? "model" : "data", path);
    if (it->path == NULL || it->ref == NULL) {
        free(it->path);
        free(it->ref);
        return NULL;
    }
    b->nitems++;
    return it;
}

static struct cu_bom_item *find_item(struct cu_bom *b, enum cu_bom_kind kind, const char *path)
{
    for (size_t i = 0; i < b->nitems; i++) {
        if (b->items[i].kind == kind && strcmp(b->items[i].path, path) == 0) {
            return &b->items[i];
        }
    }
    return NULL;
}

static void item_free(struct cu_bom_item *it)
{
    for (size_t i = 0; i < it->nfiles; i++) {
        free(it->files[i].rel);
        free(it->files[i].path);
    }
    free(it->files);
    for (size_t i = 0; i < it->nfacts; i++) {
        free(it->facts[i].key);
        free(it->facts[i].value);
    }
    free(it->facts);
    for (size_t i = 0; i < it->nrules; i++) {
        free(it->rules[i]);
    }
    free(it->rules);
    free(it->path);
    free(it->name);
    free(it->ref);
    free(it->signature);
    free(it->card);
}

static void bom_free(struct cu_bom *b)
{
    for (size_t i = 0; i < b->nitems; i++) {
        item_free(&b->items[i]);
    }
    free(b->items);
    for (size_t i = 0; i < b->ncomps; i++) {
        free(b->comps[i].ref);
    }
    free(b->comps);
}

/* Index from display path to scan file, sorted for bsearch. */
struct path_ix {
    const char *path;
    const custody_file *cf;
    size_t item; /* the BOM item holding the file, SIZE_MAX for none */
};

static int ix_cmp(const void *a, const void *b)
{
    return strcmp(((const struct path_ix *)a)->path, ((const struct path_ix *)b)->path);
}

static struct path_ix *ix_entry(struct path_ix *ix, size_t n, const char *path)
{
    struct path_ix k = { path, NULL, 0 };
    return bsearch(&k, ix, n, sizeof(*ix), ix_cmp);
}

static const custody_file *ix_find(const struct path_ix *ix, size_t n, const char *path)
{
    const struct path_ix *hit = ix_entry((struct path_ix *)ix, n, path);
    return hit != NULL ? hit->cf : NULL;
}

/* Does directory `dir` hold a model card or config (config.json, README.md, saved_model.pb)? */
static bool is_model_dir(const struct path_ix *ix, size_t n, const char *dir)
{
    static const char *const marks[] = { "config.json",    "README.md",        "readme.md",
                                         "saved_model.pb", "model_index.json", NULL };
    for (size_t i = 0; marks[i] != NULL; i++) {
        char *p = cu_asprintf("%s/%s", dir, marks[i]); /* "./config.json" when walking "." */
        bool hit = p != NULL && ix_find(ix, n, p) != NULL;
        free(p);
        if (hit) {
            return true;
        }
    }
    return false;
}

static int add_rule(struct cu_bom_item *it, const char *rule)
{
    for (size_t i = 0; i < it->nrules; i++) {
        if (strcmp(it->rules[i], rule) == 0) {
            return 0;
        }
    }
    if (!cu_grow((void **)&it->rules, &it->caprules, it->nrules + 1, sizeof(*it->rules))) {
        return CUSTODY_ENOMEM;
    }
    it->rules[it->nrules] = cu_strdup(rule);
    if (it->rules[it->nrules] == NULL) {
        return CUSTODY_ENOMEM;
    }
    it->nrules++;
    return 0;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Hashes the item (directory: its OMS manifest; file: a one-entry manifest) and fills files. */
static int hash_item(struct cu_bom_item *it,
                     const struct path_ix *ix,
                     size_t nix,
                     const custody_bom_options *opts,
                     custody_error *err)
{
    custody_manifest *m = NULL;
    custody_digest_opts dopts;
    memset(&dopts, 0, sizeof(dopts));
    dopts.allow_symlinks = true;
    dopts.threads = opts->threads;
    const char *ign[1];
    if (it->signature != NULL) {
        /* what a signature signs does not include the signature */
        ign[0] = it->signature;
        dopts.ignore_paths = ign;
        dopts.n_ignore_paths = 1;
    }
    int rc = custody_manifest_build(&m, it->path, &dopts, err);
    if (rc < 0) {
        return rc;
    }
    size_t n = custody_manifest_count(m);
    it->files = cu_calloc(n > 0 ? n : 1, sizeof(*it->files));
    if (it->files == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    it->capfiles = n > 0 ? n : 1;
    for (size_t i = 0; i < n; i++) {
        const char *name = custody_manifest_name(m, i);
        struct cu_bom_file *f = &it->files[i];
        if (it->is_dir) {
            f->rel = cu_strdup(name);
            f->path = cu_asprintf("%s/%s", it->path, name); /* as the walk spells it */
        } else {
            f->rel = cu_strdup(cu_basename(it->path));
            f->path = cu_strdup(it->path);
        }
        it->nfiles = i + 1;
        if (f->rel == NULL || f->path == NULL) {
            rc = cu_err_nomem(err);
            goto out;
        }
        memcpy(f->sha256, custody_manifest_digest(m, i), 32);
        f->cf = ix_find(ix, nix, f->path);
    }
    if (n > 0) {
        rc = custody_manifest_root(m, it->root, err);
        it->have_root = rc == 0;
    }
out:
    custody_manifest_free(m);
    return rc;
}

/* Facts of the item's files, the model card and the licence text, then its name. */
static int gather(struct cu_bom_item *it)
{
    int rc = 0;
    for (size_t i = 0; i < it->nfiles && rc == 0; i++) {
        const custody_file *cf = it->files[i].cf;
        if (cf == NULL) {
            continue;
        }
        const char *base = cu_basename(it->files[i].rel);
        bool json = cf->format != NULL && strcmp(cf->format, "json") == 0;
        for (size_t k = 0; k < cf->nfacts && rc == 0; k++) {
            const char *key = cf->facts[k].key, *v = cf->facts[k].value;
            if (json && strcmp(key, "model.architecture") == 0) {
                rc = cu_bom_add_fact(it, "model.class", v); /* LlamaForCausalLM */
            } else if (json && strcmp(key, "model.dtype") == 0) {
                rc = cu_bom_add_fact(it, "model.config_dtype", v);
            } else if (strcmp(key, "model.parameters") != 0) {
                rc = cu_bom_add_fact(it, key, v);
            }
        }
        if (rc == 0 && is_model_file(cf) && cu_bom_fact_count(it, "format") == 0 &&
            cf->format != NULL) {
            rc = cu_bom_add_fact(it, "format", cf->format);
        }
        if (rc == 0 && it->kind == CU_BOM_MODEL && it->is_dir && it->card == NULL &&
            strcasecmp(it->files[i].rel, "README.md") == 0) {
            it->card = cu_strdup(it->files[i].rel);
            rc = it->card == NULL ? CUSTODY_ENOMEM : cu_bom_read_card(it, it->files[i].path);
        }
        if (rc == 0 && it->kind == CU_BOM_MODEL && it->is_dir && is_license(base) &&
            strchr(it->files[i].rel, '/') == NULL) {
            rc = cu_bom_read_license(it, it->files[i].path);
        }
    }
    /* Parameters: per format, the sum over the files (shards); the largest sum wins, so a
     * repository shipping the same weights twice is not counted twice. */
    struct {
        const char *fmt;
        uint64_t sum;
    } bucket[16];
    size_t nb = 0;
    for (size_t i = 0; i < it->nfiles; i++) {
        const custody_file *cf = it->files[i].cf;
        const char *fmt = NULL, *pv = NULL;
        for (size_t k = 0; cf != NULL && k < cf->nfacts; k++) {
            if (strcmp(cf->facts[k].key, "format") == 0 && fmt == NULL) {
                fmt = cf->facts[k].value;
            } else if (strcmp(cf->facts[k].key, "model.parameters") == 0 && pv == NULL) {
                pv = cf->facts[k].value;
            }
        }
        char *end = NULL;
        unsigned long long v = pv != NULL ? strtoull(pv, &end, 10) : 0;
        if (fmt == NULL || pv == NULL || end == pv || *end != '\0') {
            continue;
        }
        size_t j = 0;
        while (j < nb && strcmp(bucket[j].fmt, fmt) != 0) {
            j++;
        }
        if (j == nb) {
            if (nb == sizeof(bucket) / sizeof(bucket[0])) {
                continue;
            }
            bucket[nb].fmt = fmt;
            bucket[nb].sum = 0;
            nb++;
        }
        if (__builtin_add_overflow(bucket[j].sum, (uint64_t)v, &bucket[j].sum)) {
            bucket[j].sum = UINT64_MAX;
        }
    }
    uint64_t best = 0;
    bool have = nb > 0;
    for (size_t j = 0; j < nb; j++) {
        best = bucket[j].sum > best ? bucket[j].sum : best;
    }
    if (rc == 0 && have) {
        char num[32];
        (void)snprintf(num, sizeof(num), "%llu", (unsigned long long)best);
        rc = cu_bom_add_fact(it, "model.parameters", num);
    }
    if (rc == 0) {
        const char *nm = it->is_dir ? NULL : cu_bom_fact(it, "model.name");
        const char *base = cu_basename(it->path);
        if (nm != NULL) {
            it->name = cu_strdup(nm);
        } else if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
            /* "." or "dir/..": the directory's own name */
            char *real = realpath(it->path, NULL);
            it->name =
                cu_strdup(real != NULL && cu_basename(real)[0] != '\0' ? cu_basename(real) : base);
            free(real);
        } else {
            it->name = cu_strdup(base);
        }
        rc = it->name == NULL ? CUSTODY_ENOMEM : 0;
    }
    return rc;
}

static int item_cmp(const void *a, const void *b)
{
    const struct cu_bom_item *x = a, *y = b;
    if (x->kind != y->kind) {
        return x->kind < y->kind ? -1 : 1;
    }
    return strcmp(x->path, y->path);
}

static int comp_cmp(const void *a, const void *b)
{
    const struct cu_bom_comp *x = a, *y = b;
    int c = strcmp(x->ref, y->ref);
    if (c != 0) {
        return c;
    }
    return x->order < y->order ? -1 : x->order > y->order;
}

static int build(struct cu_bom *b,
                 const custody_scan *scan,
                 const custody_bom_options *opts,
                 custody_error *err)
{
    size_t nf = custody_scan_file_count(scan);
    struct path_ix *ix = cu_calloc(nf > 0 ? nf : 1, sizeof(*ix));
    char **model_dirs = NULL;
    size_t ndirs = 0, capdirs = 0;
    int rc = 0;
    if (ix == NULL) {
        return cu_err_nomem(err);
    }
    for (size_t i = 0; i < nf; i++) {
        ix[i].cf = custody_scan_file(scan, i);
        ix[i].path = ix[i].cf->path;
        ix[i].item = SIZE_MAX;
    }
    if (nf > 1) {
        qsort(ix, nf, sizeof(*ix), ix_cmp);
    }

    /* model directories: a directory holding a model file and a card/config */
    for (size_t i = 0; i < nf && rc == 0; i++) {
        const custody_file *cf = custody_scan_file(scan, i);
        if (!is_model_file(cf)) {
            continue;
        }
        char *d = dir_of(cf->path);
        if (d == NULL) {
            rc = cu_err_nomem(err);
            break;
        }
        bool dup = false;
        for (size_t k = 0; k < ndirs && !dup; k++) {
            dup = strcmp(model_dirs[k], d) == 0;
        }
        if (dup || !is_model_dir(ix, nf, d)) {
            free(d);
            continue;
        }
        if (!cu_grow((void **)&model_dirs, &capdirs, ndirs + 1, sizeof(*model_dirs))) {
            free(d);
            rc = cu_err_nomem(err);
            break;
        }
        model_dirs[ndirs++] = d;
    }
    /* each model file joins the outermost model directory above it, or stands alone */
    for (size_t i = 0; i < nf && rc == 0; i++) {
        const custody_file *cf = custody_scan_file(scan, i);
        bool model = is_model_file(cf), data = !model && is_data_file(cf->path);
        if (!model && !data) {
            continue;
        }
        const char *outer = NULL;
        for (size_t k = 0; k < ndirs; k++) {
            if (under(cf->path, model_dirs[k]) &&
                (outer == NULL || strlen(model_dirs[k]) < strlen(outer))) {
                outer = model_dirs[k];
            }
        }
        if (outer != NULL) {
            if (find_item(b, CU_BOM_MODEL, outer) == NULL &&
                new_item(b, CU_BOM_MODEL, outer, true) == NULL) {
                rc = cu_err_nomem(err);
            }
            continue;
        }
        if (model) {
            if (new_item(b, CU_BOM_MODEL, cf->path, false) == NULL) {
                rc = cu_err_nomem(err);
            }
            continue;
        }
        /* a data file outside every model: one dataset per directory, files hashed alone */
        char *d = dir_of(cf->path);
        if (d == NULL) {
            rc = cu_err_nomem(err);
            break;
        }
        struct cu_bom_item *it = find_item(b, CU_BOM_DATA, d);
        if (it == NULL) {
            it = new_item(b, CU_BOM_DATA, d, true);
        }
        free(d);
        if (it == NULL) {
            rc = cu_err_nomem(err);
        }
    }
    for (size_t k = 0; k < ndirs; k++) {
        free(model_dirs[k]);
    }
    free(model_dirs);
    if (rc < 0) {
        goto out;
    }
    if (b->nitems > 1) {
        qsort(b->items, b->nitems, sizeof(*b->items), item_cmp);
    }

    for (size_t i = 0; i < b->nitems && rc == 0; i++) {
        struct cu_bom_item *it = &b->items[i];
        if (it->kind == CU_BOM_MODEL) {
            /* a signature next to the model: recorded, not verified */
            char *d = dir_of(it->path);
            if (d == NULL) {
                rc = cu_err_nomem(err);
                break;
            }
            for (size_t k = 0; k < nf && it->signature == NULL; k++) {
                const char *p = ix[k].path;
                const char *base = cu_basename(p);
                bool hit =
                    is_signature(base) &&
                    (it->is_dir ? under(p, it->path) && strchr(rel_to(p, it->path), '/') == NULL
                                : under(p, d) && strchr(rel_to(p, d), '/') == NULL &&
                                      (strcmp(base, "model.sig") == 0 ||
                                       strncmp(base, cu_basename(it->path),
                                               strlen(cu_basename(it->path))) == 0));
                if (hit) {
                    it->signature = cu_strdup(it->is_dir ? rel_to(p, it->path) : base);
                }
            }
            free(d);
            rc = hash_item(it, ix, nf, opts, err);
        } else {
            /* dataset: each data file of the directory, hashed alone */
            for (size_t k = 0; k < nf && rc == 0; k++) {
                const char *p = ix[k].path;
                if (!is_data_file(p) || !under(p, it->path) ||
                    strchr(rel_to(p, it->path), '/') != NULL) {
                    continue;
                }
                uint8_t d[32];
                custody_digest_opts dopts;
                memset(&dopts, 0, sizeof(dopts));
                dopts.allow_symlinks = true;
                dopts.threads = opts->threads;
                custody_manifest *m = NULL;
                rc = custody_manifest_build(&m, p, &dopts, err);
                if (rc == 0 && custody_manifest_count(m) == 1) {
                    memcpy(d, custody_manifest_digest(m, 0), 32);
                    if (!cu_grow((void **)&it->files, &it->capfiles, it->nfiles + 1,
                                 sizeof(*it->files))) {
                        rc = cu_err_nomem(err);
                    } else {
                        struct cu_bom_file *f = &it->files[it->nfiles];
                        memset(f, 0, sizeof(*f));
                        f->rel = cu_strdup(rel_to(p, it->path));
                        f->path = cu_strdup(p);
                        memcpy(f->sha256, d, 32);
                        f->cf = ix[k].cf;
                        it->nfiles++;
                        if (f->rel == NULL || f->path == NULL) {
                            rc = cu_err_nomem(err);
                        }
                    }
                }
                custody_manifest_free(m);
            }
        }
        if (rc == 0) {
            rc = gather(it);
            if (rc < 0) {
                rc = rc == CUSTODY_ENOMEM ? cu_err_nomem(err) : rc;
            }
        }
    }
    if (rc < 0) {
        goto out;
    }

    /* verdicts: findings of each item's files (file -> item through the index) */
    for (size_t k = 0; k < b->nitems; k++) {
        for (size_t j = 0; j < b->items[k].nfiles; j++) {
            struct path_ix *e = ix_entry(ix, nf, b->items[k].files[j].path);
            if (e != NULL && e->item == SIZE_MAX) {
                e->item = k;
            }
        }
    }
    for (size_t i = 0; i < custody_scan_finding_count(scan) && rc == 0; i++) {
        const custody_finding *fd = custody_scan_finding(scan, i);
        const struct path_ix *e = ix_entry(ix, nf, fd->path);
        if (e == NULL || e->item == SIZE_MAX) {
            continue;
        }
        struct cu_bom_item *it = &b->items[e->item];
        it->nall++;
        if (fd->severity > it->max_sev) {
            it->max_sev = fd->severity;
        }
        if (fd->severity >= CUSTODY_SEV_LOW) {
            it->nfindings++;
            rc = add_rule(it, fd->rule_id) < 0 ? cu_err_nomem(err) : 0;
        }
    }
    for (size_t k = 0; k < b->nitems; k++) {
        if (b->items[k].nrules > 1) {
            qsort(b->items[k].rules, b->items[k].nrules, sizeof(char *), str_cmp);
        }
    }

    /* components of the scan (dependencies, skills, MCP servers), de-duplicated */
    size_t nc = custody_scan_component_count(scan);
    b->comps = cu_calloc(nc > 0 ? nc : 1, sizeof(*b->comps));
    if (b->comps == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < nc; i++) {
        const custody_component *c = custody_scan_component(scan, i);
        if (c->name == NULL || c->kind == NULL) {
            continue;
        }
        char *ref = c->purl != NULL ? cu_strdup(c->purl)
                                    : cu_asprintf("%s:%s/%s@%s", c->kind,
                                                  c->ecosystem != NULL ? c->ecosystem : "-",
                                                  c->name, c->version != NULL ? c->version : "");
        if (ref == NULL) {
            rc = cu_err_nomem(err);
            goto out;
        }
        b->comps[b->ncomps].c = c;
        b->comps[b->ncomps].ref = ref;
        b->comps[b->ncomps].order = i;
        b->ncomps++;
    }
    /* sorted by ref, the scan's order among equal refs; the first of each ref is kept */
    if (b->ncomps > 1) {
        qsort(b->comps, b->ncomps, sizeof(*b->comps), comp_cmp);
    }
    size_t kept = 0;
    for (size_t i = 0; i < b->ncomps; i++) {
        if (kept > 0 && strcmp(b->comps[kept - 1].ref, b->comps[i].ref) == 0) {
            free(b->comps[i].ref);
            continue;
        }
        b->comps[kept++] = b->comps[i];
    }
    b->ncomps = kept;
out:
    free(ix);
    return rc;
}

/* serial: a name-based UUID over what the BOM describes and when */
static void bom_uuid(const struct cu_bom *b, const custody_bom_options *opts, char out[37])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t d[32] = { 0 };
    unsigned dl = 0;
    if (md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1) {
        const char *fmt = opts->format == CUSTODY_BOM_SPDX ? "spdx" : "cyclonedx";
        (void)EVP_DigestUpdate(md, fmt, strlen(fmt) + 1);
        (void)EVP_DigestUpdate(md, b->spec, strlen(b->spec) + 1);
        (void)EVP_DigestUpdate(md, b->created, strlen(b->created) + 1);
        for (size_t i = 0; i < b->nitems; i++) {
            const struct cu_bom_item *it = &b->items[i];
            (void)EVP_DigestUpdate(md, it->ref, strlen(it->ref) + 1);
            for (size_t k = 0; k < it->nfiles; k++) {
                (void)EVP_DigestUpdate(md, it->files[k].rel, strlen(it->files[k].rel) + 1);
                (void)EVP_DigestUpdate(md, it->files[k].sha256, 32);
            }
            for (size_t k = 0; k < it->nfacts; k++) {
                (void)EVP_DigestUpdate(md, it->facts[k].key, strlen(it->facts[k].key) + 1);
                (void)EVP_DigestUpdate(md, it->facts[k].value, strlen(it->facts[k].value) + 1);
            }
        }
        for (size_t i = 0; i < b->ncomps; i++) {
            (void)EVP_DigestUpdate(md, b->comps[i].ref, strlen(b->comps[i].ref) + 1);
        }
        (void)EVP_DigestFinal_ex(md, d, &dl);
    }
    EVP_MD_CTX_free(md);
    d[6] = (uint8_t)((d[6] & 0x0f) | 0x50); /* version 5 layout: name-based */
    d[8] = (uint8_t)((d[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    char hx[33];
    cu_hex_encode(d, 16, hx);
    (void)snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hx, hx + 8, hx + 12, hx + 16, hx + 20);
}

int custody_bom_write(FILE *out,
                      const custody_scan *scan,
                      const custody_bom_options *opts_in,
                      custody_error *err)
{
    custody_bom_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.created = -1;
    if (opts_in != NULL) {
        opts = *opts_in;
    }
    if (out == NULL || scan == NULL) {
        return cu_err_inval(err, "custody_bom_write: NULL argument");
    }
    struct cu_bom b;
    memset(&b, 0, sizeof(b));
    if (opts.format == CUSTODY_BOM_CYCLONEDX) {
        b.spec = opts.spec_version != NULL ? opts.spec_version : "1.6";
        if (strcmp(b.spec, "1.6") != 0 && strcmp(b.spec, "1.7") != 0) {
            return cu_err_inval(err, "CycloneDX spec version '%s' (1.6 or 1.7)", b.spec);
        }
    } else if (opts.format == CUSTODY_BOM_SPDX) {
        b.spec = opts.spec_version != NULL ? opts.spec_version : "3.0.1";
        if (strcmp(b.spec, "3.0.1") != 0 && strcmp(b.spec, "3.0") != 0) {
            return cu_err_inval(err, "SPDX spec version '%s' (3.0.1)", b.spec);
        }
        b.spec = "3.0.1";
    } else {
        return cu_err_inval(err, "unknown BOM format");
    }
    for (size_t i = 0; i < custody_scan_file_count(scan); i++) {
        const custody_file *cf = custody_scan_file(scan, i);
        if (cf->status == CUSTODY_FILE_ERROR) {
            return cu_err_inval(err, "%s could not be scanned (%s): no BOM of a partial scan",
                                cf->path, cf->reason != NULL ? cf->reason : "error");
        }
    }
    time_t t = opts.created >= 0 ? (time_t)opts.created : time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(b.created, sizeof(b.created), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        return cu_err_inval(err, "creation time %lld cannot be written", (long long)opts.created);
    }
    b.subject = opts.subject;
    int rc = build(&b, scan, &opts, err);
    json_t *doc = NULL;
    if (rc == 0) {
        bom_uuid(&b, &opts, b.uuid);
        doc = opts.format == CUSTODY_BOM_SPDX ? cu_bom_spdx(&b) : cu_bom_cyclonedx(&b);
        if (doc == NULL) {
            rc = cu_err_nomem(err);
        }
    }
    if (rc == 0 &&
        cu_json_write(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) != 0) {
        rc = cu_err_io(err, NULL, "cannot write the BOM");
    }
    json_decref(doc);
    bom_free(&b);
    return rc;
}
