/* CycloneDX 1.6 / 1.7 JSON from the BOM model (docs/bom.md maps every field). */
#include <string.h>
#include <strings.h>

#include "bom/bom_int.h"
#include "core/util.h"
#include "core/banned.h"

/* json_object_set_new that records failure in *bad (value NULL = ENOMEM). */
static void put(json_t *o, const char *k, json_t *v, int *bad)
{
    if (o == NULL || v == NULL || json_object_set_new(o, k, v) != 0) {
        *bad = 1;
    }
}

static void push(json_t *a, json_t *v, int *bad)
{
    if (a == NULL || v == NULL || json_array_append_new(a, v) != 0) {
        *bad = 1;
    }
}

static void prop(json_t *props, const char *name, const char *value, int *bad)
{
    if (value == NULL) {
        return;
    }
    push(props, json_pack("{s:s,s:s}", "name", name, "value", value), bad);
}

/* Every value of a fact as properties. */
static void
prop_all(json_t *props, const struct cu_bom_item *it, const char *key, const char *name, int *bad)
{
    for (size_t i = 0; i < cu_bom_fact_count(it, key); i++) {
        prop(props, name, cu_bom_fact_at(it, key, i), bad);
    }
}

static json_t *hash_json(const uint8_t d[32])
{
    char hex[65];
    cu_bom_hex(d, hex);
    return json_pack("{s:s,s:s}", "alg", "SHA-256", "content", hex);
}

/* A Hugging Face repository id ("org/name") as a purl, NULL when it is not one. */
static char *hf_purl(const char *id)
{
    const char *slash = strchr(id, '/');
    if (slash == NULL || slash == id || slash[1] == '\0' || strchr(slash + 1, '/') != NULL) {
        return NULL;
    }
    for (const char *c = id; *c != '\0'; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '-' || *c == '_' || *c == '/')) {
            return NULL;
        }
    }
    /* purl-spec huggingface: the namespace and name are case sensitive, kept as given */
    return cu_asprintf("pkg:huggingface/%s", id);
}

/* The licences: README/GGUF model.license values, then a LICENSE file's, de-duplicated. */
static json_t *licenses_json(const struct cu_bom_item *it, int *bad)
{
    json_t *a = json_array();
    const char *seen[32];
    size_t nseen = 0;
    static const char *const keys[] = { "model.license", "model.license.file" };
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < cu_bom_fact_count(it, keys[k]) && nseen < 32; i++) {
            const char *v = cu_bom_fact_at(it, keys[k], i);
            const char *id = cu_spdx_id(v);
            if (strcasecmp(v, "other") == 0 && cu_bom_fact(it, "model.license.name") != NULL) {
                v = cu_bom_fact(it, "model.license.name");
                id = NULL;
            }
            const char *shown = id != NULL ? id : v;
            bool dup = false;
            for (size_t s = 0; s < nseen && !dup; s++) {
                dup = strcasecmp(seen[s], shown) == 0;
            }
            if (dup) {
                continue;
            }
            seen[nseen++] = shown;
            json_t *lic = json_object();
            put(lic, id != NULL ? "id" : "name", json_string(shown), bad);
            if (id != NULL) {
                char *u = cu_asprintf("https://spdx.org/licenses/%s.html", id);
                put(lic, "url", u != NULL ? json_string(u) : NULL, bad);
                free(u);
            }
            const char *link = cu_bom_fact(it, "model.license.link");
            if (link != NULL && id == NULL && k == 0 &&
                (strncmp(link, "https://", 8) == 0 || strncmp(link, "http://", 7) == 0)) {
                put(lic, "url", json_string(link), bad);
            }
            push(a, json_pack("{s:o}", "license", lic), bad);
        }
    }
    return a;
}

/* Input/output modalities of the Hugging Face pipeline tags (huggingface.js tasks), as
 * CycloneDX inputs/outputs formats; "+" separates several. NULL: not a modality. */
struct task_io {
    const char *task, *in, *out;
};
static const struct task_io task_table[] = {
    { "text-generation", "text", "text" },
    { "text2text-generation", "text", "text" },
    { "summarization", "text", "text" },
    { "translation", "text", "text" },
    { "fill-mask", "text", "text" },
    { "question-answering", "text", "text" },
    { "table-question-answering", "table+text", "text" },
    { "conversational", "text", "text" },
    { "text-classification", "text", NULL },
    { "token-classification", "text", NULL },
    { "zero-shot-classification", "text", NULL },
    { "sentence-similarity", "text", NULL },
    { "feature-extraction", "text", NULL },
    { "text-to-image", "text", "image" },
    { "image-to-text", "image", "text" },
    { "image-text-to-text", "image+text", "text" },
    { "visual-question-answering", "image+text", "text" },
    { "document-question-answering", "image+text", "text" },
    { "image-classification", "image", NULL },
    { "object-detection", "image", NULL },
    { "image-segmentation", "image", "image" },
    { "image-to-image", "image", "image" },
    { "depth-estimation", "image", "image" },
    { "zero-shot-image-classification", "image+text", NULL },
    { "automatic-speech-recognition", "audio", "text" },
    { "text-to-speech", "text", "audio" },
    { "text-to-audio", "text", "audio" },
    { "audio-classification", "audio", NULL },
    { "audio-to-audio", "audio", "audio" },
    { "text-to-video", "text", "video" },
    { "video-classification", "video", NULL },
};

static const struct task_io *task_lookup(const char *task)
{
    for (size_t i = 0; i < sizeof(task_table) / sizeof(task_table[0]); i++) {
        if (strcmp(task_table[i].task, task) == 0) {
            return &task_table[i];
        }
    }
    return NULL;
}

static json_t *io_json(const char *spec)
{
    json_t *a = json_array();
    const char *p = spec;
    while (a != NULL && *p != '\0') {
        size_t n = strcspn(p, "+");
        char *f = cu_strndup(p, n);
        if (f == NULL || json_array_append_new(a, json_pack("{s:s}", "format", f)) != 0) {
            free(f);
            json_decref(a);
            return NULL;
        }
        free(f);
        p += n + (p[n] == '+');
    }
    return a;
}

static json_t *model_json(const struct cu_bom *b, const struct cu_bom_item *it, int *bad)
{
    json_t *c = json_object();
    bool model = it->kind == CU_BOM_MODEL;
    put(c, "type", json_string(model ? "machine-learning-model" : "data"), bad);
    put(c, "bom-ref", json_string(it->ref), bad);
    put(c, "name", json_string(it->name), bad);
    if (cu_bom_fact_count(it, "model.tags") > 0) {
        json_t *tags = json_array();
        for (size_t i = 0; i < cu_bom_fact_count(it, "model.tags"); i++) {
            push(tags, json_string(cu_bom_fact_at(it, "model.tags", i)), bad);
        }
        put(c, "tags", tags, bad);
    }
    /* a lone file: its SHA-256; a directory: the files below carry theirs */
    if (!it->is_dir && it->nfiles == 1) {
        put(c, "hashes", json_pack("[o]", hash_json(it->files[0].sha256)), bad);
    }
    json_t *lic = licenses_json(it, bad);
    if (json_array_size(lic) > 0) {
        put(c, "licenses", lic, bad);
    } else {
        json_decref(lic);
    }
    /* lineage: base models from the card / GGUF metadata */
    size_t nbase = cu_bom_fact_count(it, "model.base_model");
    if (model && nbase > 0) {
        json_t *anc = json_array();
        for (size_t i = 0; i < nbase; i++) {
            const char *base = cu_bom_fact_at(it, "model.base_model", i);
            char *purl = hf_purl(base);
            json_t *a;
            if (purl != NULL) { /* a Hugging Face id: org is the group */
                const char *slash = strchr(base, '/');
                char *grp = cu_strndup(base, (size_t)(slash - base));
                a = json_pack("{s:s,s:s?,s:s}", "type", "machine-learning-model", "group", grp,
                              "name", slash + 1);
                free(grp);
            } else {
                a = json_pack("{s:s,s:s}", "type", "machine-learning-model", "name", base);
            }
            if (purl != NULL) {
                put(a, "purl", json_string(purl), bad);
            }
            free(purl);
            const char *rel = cu_bom_fact(it, "model.base_model.relation");
            if (rel != NULL) {
                json_t *pp = json_array();
                prop(pp, "custody:base-model-relation", rel, bad);
                put(a, "properties", pp, bad);
            }
            push(anc, a, bad);
        }
        put(c, "pedigree", json_pack("{s:o}", "ancestors", anc), bad);
    }
    json_t *refs = json_array();
    if (it->card != NULL) {
        push(refs, json_pack("{s:s,s:s}", "type", "model-card", "url", it->card), bad);
    }
    if (it->signature != NULL) {
        push(refs,
             json_pack("{s:s,s:s,s:s}", "type", "digital-signature", "url", it->signature,
                       "comment", "present next to the model; not verified by custody bom"),
             bad);
    }
    if (json_array_size(refs) > 0) {
        put(c, "externalReferences", refs, bad);
    } else {
        json_decref(refs);
    }
    /* files of a directory model / dataset */
    if (it->is_dir) {
        json_t *files = json_array();
        for (size_t i = 0; i < it->nfiles; i++) {
            const struct cu_bom_file *f = &it->files[i];
            char *ref = cu_asprintf("%s/%s", it->ref, f->rel);
            json_t *fc = json_pack("{s:s,s:s?,s:s,s:[o]}", "type", "file", "bom-ref", ref, "name",
                                   f->rel, "hashes", hash_json(f->sha256));
            free(ref);
            if (fc != NULL && f->cf != NULL) {
                json_t *fp = json_array();
                const char *fmt = NULL;
                for (size_t k = 0; k < f->cf->nfacts; k++) {
                    if (strcmp(f->cf->facts[k].key, "format") == 0) {
                        fmt = f->cf->facts[k].value;
                        break;
                    }
                }
                prop(fp, "custody:format", fmt != NULL ? fmt : f->cf->format, bad);
                for (size_t k = 0; k < f->cf->nfacts; k++) {
                    if (strcmp(f->cf->facts[k].key, "model.parameters") == 0) {
                        prop(fp, "custody:parameters", f->cf->facts[k].value, bad);
                        break;
                    }
                }
                if (json_array_size(fp) > 0) {
                    put(fc, "properties", fp, bad);
                } else {
                    json_decref(fp);
                }
            }
            push(files, fc, bad);
        }
        put(c, "components", files, bad);
    }
    /* model card: only what is known */
    if (model) {
        json_t *mp = json_object();
        const char *task = cu_bom_fact(it, "model.task");
        const char *family = cu_bom_fact(it, "model.type");
        const char *arch = cu_bom_fact(it, "model.class");
        if (family == NULL) {
            family = cu_bom_fact(it, "model.architecture");
        }
        if (arch == NULL && cu_bom_fact(it, "model.type") != NULL) {
            arch = cu_bom_fact(it, "model.architecture");
        }
        if (task != NULL) {
            put(mp, "task", json_string(task), bad);
        }
        if (family != NULL) {
            put(mp, "architectureFamily", json_string(family), bad);
        }
        if (arch != NULL) {
            put(mp, "modelArchitecture", json_string(arch), bad);
        }
        size_t nds = cu_bom_fact_count(it, "model.datasets");
        if (nds > 0) {
            json_t *ds = json_array();
            for (size_t i = 0; i < nds; i++) {
                char *r = cu_asprintf("dataset:%s", cu_bom_fact_at(it, "model.datasets", i));
                push(ds, json_pack("{s:s?}", "ref", r), bad);
                free(r);
            }
            put(mp, "datasets", ds, bad);
        }
        const struct task_io *io = task != NULL ? task_lookup(task) : NULL;
        if (io != NULL && io->in != NULL) {
            put(mp, "inputs", io_json(io->in), bad);
        }
        if (io != NULL && io->out != NULL) {
            put(mp, "outputs", io_json(io->out), bad);
        }
        json_t *card = json_object();
        if (json_object_size(mp) > 0) {
            put(card, "modelParameters", mp, bad);
        } else {
            json_decref(mp);
        }
        if (task != NULL) {
            /* the card's declared use: its pipeline tag */
            put(card, "considerations", json_pack("{s:[s]}", "useCases", task), bad);
        }
        if (cu_bom_fact_count(it, "model.language") > 0) {
            json_t *cp = json_array();
            prop_all(cp, it, "model.language", "custody:language", bad);
            put(card, "properties", cp, bad);
        }
        if (json_object_size(card) > 0) {
            put(c, "modelCard", card, bad);
        } else {
            json_decref(card);
        }
    } else {
        put(c, "data", json_pack("[{s:s,s:s}]", "type", "dataset", "name", it->name), bad);
    }
    /* facts and verdicts */
    json_t *props = json_array();
    prop(props, "custody:path", it->path, bad);
    prop_all(props, it, "format", "custody:format", bad);
    prop_all(props, it, "framework", "custody:framework", bad);
    prop_all(props, it, "framework.version", "custody:framework-version", bad);
    prop_all(props, it, "model.parameters", "custody:parameters", bad);
    prop_all(props, it, "model.config_dtype", "custody:dtype", bad);
    if (cu_bom_fact(it, "model.config_dtype") == NULL) {
        prop_all(props, it, "model.dtype", "custody:dtype", bad);
    }
    prop_all(props, it, "model.quantization", "custody:quantization", bad);
    prop_all(props, it, "model.architecture", "custody:architecture", bad);
    if (it->is_dir) {
        prop_all(props, it, "model.name", "custody:model-name", bad); /* GGUF general.name */
    }
    prop_all(props, it, "model.language", "custody:language", bad);
    prop_all(props, it, "model.base_model.url", "custody:base-model-url", bad);
    prop_all(props, it, "model.context_length", "custody:context-length", bad);
    prop_all(props, it, "model.tokenizer", "custody:tokenizer", bad);
    prop_all(props, it, "model.chat_template", "custody:chat-template", bad);
    prop_all(props, it, "gguf.version", "custody:gguf:version", bad);
    prop_all(props, it, "gguf.tensor_count", "custody:gguf:tensor-count", bad);
    prop_all(props, it, "gguf.kv_count", "custody:gguf:metadata-count", bad);
    if (it->have_root) {
        char hex[65], v[80];
        cu_bom_hex(it->root, hex);
        (void)snprintf(v, sizeof(v), "sha256:%s", hex);
        prop(props, it->kind == CU_BOM_MODEL ? "custody:oms-root-digest" : "custody:root-digest", v,
             bad);
    }
    char num[32];
    (void)snprintf(num, sizeof(num), "%zu", it->nfiles);
    prop(props, "custody:files", num, bad);
    prop(props, "custody:scan:max-severity",
         it->nall > 0 ? custody_severity_name(it->max_sev) : "none", bad);
    (void)snprintf(num, sizeof(num), "%zu", it->nfindings);
    prop(props, "custody:scan:findings", num, bad);
    if (it->nrules > 0) {
        struct cu_buf r = CU_BUF_INIT(64u << 10);
        for (size_t i = 0; i < it->nrules; i++) {
            cu_buf_addf(&r, "%s%s", i > 0 ? "," : "", it->rules[i]);
        }
        prop(props, "custody:scan:rules", cu_buf_str(&r), bad);
        *bad |= r.oom;
        cu_buf_free(&r);
    }
    if (model) {
        prop(props, "custody:signature", it->signature != NULL ? "present-unverified" : "absent",
             bad);
    }
    put(c, "properties", props, bad);
    /* evidence: the files whose content gave the facts */
    json_t *occ = json_array();
    for (size_t i = 0; i < it->nfiles; i++) {
        const struct cu_bom_file *f = &it->files[i];
        const char *base = cu_basename(f->rel);
        if ((f->cf != NULL && f->cf->nfacts > 0) || strcasecmp(base, "README.md") == 0 ||
            strcasecmp(base, "LICENSE") == 0) {
            push(occ, json_pack("{s:s}", "location", f->path), bad);
        }
    }
    if (json_array_size(occ) > 0) {
        put(c, "evidence", json_pack("{s:o}", "occurrences", occ), bad);
    } else {
        json_decref(occ);
    }
    (void)b;
    return c;
}

/* Datasets the card names ("datasets:"), as data components without hashes. */
static void card_datasets(json_t *comps, const struct cu_bom *b, int *bad)
{
    const char **names = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < b->nitems; i++) {
        const struct cu_bom_item *it = &b->items[i];
        for (size_t k = 0; k < cu_bom_fact_count(it, "model.datasets"); k++) {
            const char *d = cu_bom_fact_at(it, "model.datasets", k);
            bool dup = false;
            for (size_t j = 0; j < n && !dup; j++) {
                dup = strcmp(names[j], d) == 0;
            }
            if (dup) {
                continue;
            }
            if (!cu_grow((void **)&names, &cap, n + 1, sizeof(*names))) {
                *bad = 1;
                free(names);
                return;
            }
            names[n++] = d;
        }
    }
    for (size_t i = 0; i < n; i++) {
        char *ref = cu_asprintf("dataset:%s", names[i]);
        json_t *c =
            json_pack("{s:s,s:s?,s:s,s:[{s:s,s:s}],s:[{s:s,s:s}]}", "type", "data", "bom-ref", ref,
                      "name", names[i], "data", "type", "dataset", "name", names[i], "properties",
                      "name", "custody:source", "value", "model card (README.md datasets)");
        free(ref);
        /* a Hub id ("org/name"): the card's datasets field names Hugging Face datasets */
        char *purl = hf_purl(names[i]);
        if (purl != NULL && c != NULL) {
            char *url = cu_asprintf("https://huggingface.co/datasets/%s", names[i]);
            put(c, "externalReferences",
                json_pack("[{s:s,s:s?}]", "type", "distribution", "url", url), bad);
            put(json_array_get(json_object_get(c, "data"), 0), "contents",
                json_pack("{s:s?}", "url", url), bad);
            free(url);
            const char *slash = strchr(names[i], '/');
            char *grp = cu_strndup(names[i], (size_t)(slash - names[i]));
            put(c, "group", grp != NULL ? json_string(grp) : NULL, bad);
            put(c, "name", json_string(slash + 1), bad);
            free(grp);
        }
        free(purl);
        push(comps, c, bad);
    }
    free(names);
}

static json_t *comp_json(const struct cu_bom_comp *bc, int *bad)
{
    const custody_component *c = bc->c;
    json_t *o = json_object();
    put(o, "type", json_string(cu_bom_comp_type(c->kind)), bad);
    put(o, "bom-ref", json_string(bc->ref), bad);
    put(o, "name", json_string(c->name), bad);
    if (c->version != NULL) {
        put(o, "version", json_string(c->version), bad);
    }
    if (c->purl != NULL) {
        put(o, "purl", json_string(c->purl), bad);
    }
    json_t *props = json_array();
    prop(props, "custody:kind", c->kind, bad);
    prop(props, "custody:ecosystem", c->ecosystem, bad);
    char *src =
        c->line > 0 ? cu_asprintf("%s:%u", c->location, (unsigned)c->line) : cu_strdup(c->location);
    prop(props, "custody:source", src, bad);
    free(src);
    for (size_t i = 0; i < c->nprops; i++) {
        char *k = cu_asprintf("custody:%s", c->props[i].key);
        prop(props, k != NULL ? k : "custody:property", c->props[i].value, bad);
        free(k);
    }
    put(o, "properties", props, bad);
    return o;
}

json_t *cu_bom_cyclonedx(const struct cu_bom *b)
{
    int bad = 0;
    json_t *doc = json_object();
    char *schema = cu_asprintf("http://cyclonedx.org/schema/bom-%s.schema.json", b->spec);
    put(doc, "$schema", json_string(schema != NULL ? schema : ""), &bad);
    free(schema);
    put(doc, "bomFormat", json_string("CycloneDX"), &bad);
    put(doc, "specVersion", json_string(b->spec), &bad);
    char serial[48];
    (void)snprintf(serial, sizeof(serial), "urn:uuid:%s", b->uuid);
    put(doc, "serialNumber", json_string(serial), &bad);
    put(doc, "version", json_integer(1), &bad);
    json_t *tool = json_pack("{s:s,s:s,s:s}", "type", "application", "name", "custody", "version",
                             custody_version());
    json_t *meta =
        json_pack("{s:s,s:{s:[o]}}", "timestamp", b->created, "tools", "components", tool);
    if (b->subject != NULL) {
        put(meta, "component",
            json_pack("{s:s,s:s,s:s}", "type", "application", "bom-ref", "custody:subject", "name",
                      b->subject),
            &bad);
    }
    put(doc, "metadata", meta, &bad);
    json_t *comps = json_array();
    for (size_t i = 0; i < b->nitems; i++) {
        push(comps, model_json(b, &b->items[i], &bad), &bad);
    }
    card_datasets(comps, b, &bad);
    for (size_t i = 0; i < b->ncomps; i++) {
        push(comps, comp_json(&b->comps[i], &bad), &bad);
    }
    put(doc, "components", comps, &bad);
    /* dependencies: a model on the datasets its card names */
    json_t *deps = json_array();
    for (size_t i = 0; i < b->nitems; i++) {
        const struct cu_bom_item *it = &b->items[i];
        size_t nds = cu_bom_fact_count(it, "model.datasets");
        if (it->kind != CU_BOM_MODEL || nds == 0) {
            continue;
        }
        json_t *on = json_array();
        for (size_t k = 0; k < nds; k++) {
            char *r = cu_asprintf("dataset:%s", cu_bom_fact_at(it, "model.datasets", k));
            push(on, r != NULL ? json_string(r) : NULL, &bad);
            free(r);
        }
        push(deps, json_pack("{s:s,s:o}", "ref", it->ref, "dependsOn", on), &bad);
    }
    if (json_array_size(deps) > 0) {
        put(doc, "dependencies", deps, &bad);
    } else {
        json_decref(deps);
    }
    if (bad) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}
