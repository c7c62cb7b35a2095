/* SPDX 3.0.1 JSON-LD (Core, Software, AI, Dataset profiles) from the BOM model: ai_AIPackage
 * per model, software_File per file with its SHA-256 (verifiedUsing), dataset_DatasetPackage
 * per dataset, software_Package per dependency, licences as LicenseExpressions, and
 * Relationships (contains, hasDeclaredLicense, ancestorOf, trainedOn). docs/bom.md. */
#include <string.h>
#include <strings.h>

#include "bom/bom_int.h"
#include "core/util.h"
#include "core/banned.h"

#define CI "_:creationinfo"

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

struct sp {
    const struct cu_bom *b;
    json_t *graph;
    json_t *elements; /* spdxIds for SpdxDocument.element */
    json_t *roots;
    size_t nrel;
    int bad;
};

/* An spdxId under the document's namespace: urn:uuid:<uuid>#<kind>-<n>. */
static char *sid(const struct sp *s, const char *kind, size_t n)
{
    return cu_asprintf("urn:uuid:%s#%s-%zu", s->b->uuid, kind, n);
}

static json_t *element(struct sp *s, const char *type, const char *id, const char *name)
{
    json_t *o = json_pack("{s:s,s:s,s:s}", "type", type, "spdxId", id, "creationInfo", CI);
    if (name != NULL) {
        put(o, "name", json_string(name), &s->bad);
    }
    push(s->elements, json_string(id), &s->bad);
    return o;
}

static json_t *sha256(const uint8_t d[32], const char *comment)
{
    char hex[65];
    cu_bom_hex(d, hex);
    json_t *h = json_pack("{s:s,s:s,s:s}", "type", "Hash", "algorithm", "sha256", "hashValue", hex);
    if (h != NULL && comment != NULL && json_object_set_new(h, "comment", json_string(comment))) {
        json_decref(h);
        return NULL;
    }
    return h;
}

static void relate(struct sp *s, const char *from, const char *type, json_t *to)
{
    char *id = sid(s, "relationship", ++s->nrel);
    json_t *r = element(s, "Relationship", id, NULL);
    put(r, "from", json_string(from), &s->bad);
    put(r, "relationshipType", json_string(type), &s->bad);
    put(r, "to", to, &s->bad);
    push(s->graph, r, &s->bad);
    free(id);
}

/* A licence as an SPDX expression: the list's id, else LicenseRef-<name with [A-Za-z0-9.-]>. */
static char *license_expr(const char *v)
{
    const char *id = cu_spdx_id(v);
    if (id != NULL) {
        return cu_strdup(id);
    }
    struct cu_buf b = CU_BUF_INIT(300);
    cu_buf_adds(&b, "LicenseRef-");
    for (const char *c = v; *c != '\0' && b.len < 290; c++) {
        bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                  (*c >= '0' && *c <= '9') || *c == '.' || *c == '-';
        cu_buf_addc(&b, ok ? *c : '-');
    }
    char *r = b.oom ? NULL : cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    return r;
}

static const char *risk(const struct cu_bom_item *it)
{
    if (it->nall == 0) {
        return NULL;
    }
    switch (it->max_sev) {
    case CUSTODY_SEV_CRITICAL:
        return "serious";
    case CUSTODY_SEV_HIGH:
        return "high";
    case CUSTODY_SEV_MEDIUM:
        return "medium";
    default:
        return "low";
    }
}

/* "custody: key=value; ..." summary of the facts no SPDX property holds. */
static char *summary(const struct cu_bom_item *it)
{
    static const struct {
        const char *fact, *label;
    } keys[] = {
        { "format", "format" },
        { "framework", "framework" },
        { "model.parameters", "parameters" },
        { "model.config_dtype", "dtype" },
        { "model.dtype", "tensor-dtype" },
        { "model.quantization", "quantization" },
    };
    struct cu_buf b = CU_BUF_INIT(16u << 10);
    cu_buf_addf(&b, "custody: path=%s", it->path);
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        for (size_t i = 0; i < cu_bom_fact_count(it, keys[k].fact); i++) {
            cu_buf_addf(&b, "; %s=%s", keys[k].label, cu_bom_fact_at(it, keys[k].fact, i));
        }
    }
    cu_buf_addf(&b, "; scan-max-severity=%s; scan-findings=%zu",
                it->nall > 0 ? custody_severity_name(it->max_sev) : "none", it->nfindings);
    for (size_t i = 0; i < it->nrules; i++) {
        cu_buf_addf(&b, "%s%s", i == 0 ? "; scan-rules=" : ",", it->rules[i]);
    }
    if (it->kind == CU_BOM_MODEL) {
        cu_buf_addf(&b, "; signature=%s", it->signature != NULL ? "present-unverified" : "absent");
    }
    char *r = b.oom ? NULL : cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    return r;
}

static void item(struct sp *s, const struct cu_bom_item *it, size_t n, json_t *dataset_ids)
{
    bool model = it->kind == CU_BOM_MODEL;
    char *id = sid(s, model ? "model" : "dataset", n);
    json_t *p = element(s, model ? "ai_AIPackage" : "dataset_DatasetPackage", id, it->name);
    put(p, "software_primaryPurpose", json_string(model ? "model" : "data"), &s->bad);
    json_t *ver = json_array();
    if (!it->is_dir && it->nfiles == 1) {
        push(ver, sha256(it->files[0].sha256, NULL), &s->bad);
    } else if (it->have_root) {
        push(ver,
             sha256(it->root, model ? "OMS v1.0 root digest: SHA-256 over the files' SHA-256 "
                                      "digests in manifest order"
                                    : "SHA-256 over the files' SHA-256 digests"),
             &s->bad);
    }
    if (json_array_size(ver) > 0) {
        put(p, "verifiedUsing", ver, &s->bad);
    } else {
        json_decref(ver);
    }
    char *sum = summary(it);
    if (sum == NULL) {
        s->bad = 1;
    } else {
        put(p, "comment", json_string(sum), &s->bad);
    }
    free(sum);
    if (model) {
        const char *task = cu_bom_fact(it, "model.task");
        if (task != NULL) {
            put(p, "ai_domain", json_pack("[s]", task), &s->bad);
        }
        json_t *types = json_array();
        static const char *const tk[] = { "model.type", "model.class", "model.architecture" };
        for (size_t k = 0; k < 3; k++) {
            for (size_t i = 0; i < cu_bom_fact_count(it, tk[k]); i++) {
                const char *v = cu_bom_fact_at(it, tk[k], i);
                bool dup = false;
                for (size_t j = 0; j < json_array_size(types) && !dup; j++) {
                    dup = strcmp(json_string_value(json_array_get(types, j)), v) == 0;
                }
                if (!dup) {
                    push(types, json_string(v), &s->bad);
                }
            }
        }
        if (json_array_size(types) > 0) {
            put(p, "ai_typeOfModel", types, &s->bad);
        } else {
            json_decref(types);
        }
        const char *r = risk(it);
        if (r != NULL) {
            put(p, "ai_safetyRiskAssessment", json_string(r), &s->bad);
        }
    } else {
        put(p, "dataset_datasetType", json_pack("[s]", "other"), &s->bad);
    }
    push(s->graph, p, &s->bad);
    push(s->roots, json_string(id), &s->bad);

    /* files */
    if (it->is_dir && it->nfiles > 0) {
        json_t *to = json_array();
        for (size_t i = 0; i < it->nfiles; i++) {
            char *fid = cu_asprintf("%s-file-%zu", id, i + 1);
            json_t *f = element(s, "software_File", fid, it->files[i].rel);
            put(f, "verifiedUsing", json_pack("[o]", sha256(it->files[i].sha256, NULL)), &s->bad);
            push(s->graph, f, &s->bad);
            push(to, json_string(fid), &s->bad);
            free(fid);
        }
        relate(s, id, model ? "contains" : "hasDataFile", to);
    }
    /* licences */
    static const char *const lk[] = { "model.license", "model.license.file" };
    json_t *seen = json_array();
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < cu_bom_fact_count(it, lk[k]); i++) {
            const char *v = cu_bom_fact_at(it, lk[k], i);
            if (strcasecmp(v, "other") == 0 && cu_bom_fact(it, "model.license.name") != NULL) {
                v = cu_bom_fact(it, "model.license.name");
            }
            char *expr = license_expr(v);
            if (expr == NULL) {
                s->bad = 1;
                continue;
            }
            bool dup = false;
            for (size_t j = 0; j < json_array_size(seen) && !dup; j++) {
                dup = strcasecmp(json_string_value(json_array_get(seen, j)), expr) == 0;
            }
            if (!dup) {
                push(seen, json_string(expr), &s->bad);
                char *lid = cu_asprintf("%s-license-%zu", id, json_array_size(seen));
                json_t *l = element(s, "simplelicensing_LicenseExpression", lid, NULL);
                put(l, "simplelicensing_licenseExpression", json_string(expr), &s->bad);
                push(s->graph, l, &s->bad);
                relate(s, id, "hasDeclaredLicense", json_pack("[s]", lid));
                free(lid);
            }
            free(expr);
        }
    }
    json_decref(seen);
    /* lineage and training data from the card */
    for (size_t i = 0; model && i < cu_bom_fact_count(it, "model.base_model"); i++) {
        char *bid = cu_asprintf("%s-base-%zu", id, i + 1);
        json_t *bm = element(s, "ai_AIPackage", bid, cu_bom_fact_at(it, "model.base_model", i));
        put(bm, "software_primaryPurpose", json_string("model"), &s->bad);
        push(s->graph, bm, &s->bad);
        relate(s, bid, "ancestorOf", json_pack("[s]", id));
        free(bid);
    }
    size_t nds = model ? cu_bom_fact_count(it, "model.datasets") : 0;
    if (nds > 0) {
        json_t *to = json_array();
        for (size_t i = 0; i < nds; i++) {
            json_t *did = json_object_get(dataset_ids, cu_bom_fact_at(it, "model.datasets", i));
            if (did != NULL) {
                push(to, json_incref(did), &s->bad);
            }
        }
        relate(s, id, "trainedOn", to);
    }
    free(id);
}

json_t *cu_bom_spdx(const struct cu_bom *b)
{
    struct sp s;
    memset(&s, 0, sizeof(s));
    s.b = b;
    s.graph = json_array();
    s.elements = json_array();
    s.roots = json_array();
    json_t *dataset_ids = json_object();
    char *agent = sid(&s, "agent", 1), *tool = sid(&s, "tool", 1), *docid = sid(&s, "document", 1);
    if (agent == NULL || tool == NULL || docid == NULL || dataset_ids == NULL) {
        s.bad = 1;
        goto out;
    }
    char tname[64];
    (void)snprintf(tname, sizeof(tname), "custody %s", custody_version());
    push(s.graph,
         json_pack("{s:s,s:s,s:s,s:s,s:[s],s:[s]}", "type", "CreationInfo", "@id", CI,
                   "specVersion", "3.0.1", "created", b->created, "createdBy", agent,
                   "createdUsing", tool),
         &s.bad);
    push(s.graph, element(&s, "SoftwareAgent", agent, "custody"), &s.bad);
    push(s.graph, element(&s, "Tool", tool, tname), &s.bad);

    /* datasets named by model cards: one DatasetPackage each, referenced by trainedOn */
    size_t nd = 0;
    for (size_t i = 0; i < b->nitems; i++) {
        const struct cu_bom_item *it = &b->items[i];
        for (size_t k = 0; k < cu_bom_fact_count(it, "model.datasets"); k++) {
            const char *name = cu_bom_fact_at(it, "model.datasets", k);
            if (json_object_get(dataset_ids, name) != NULL) {
                continue;
            }
            char *id = sid(&s, "card-dataset", ++nd);
            json_t *d = element(&s, "dataset_DatasetPackage", id, name);
            put(d, "software_primaryPurpose", json_string("data"), &s.bad);
            put(d, "dataset_datasetType", json_pack("[s]", "noAssertion"), &s.bad);
            put(d, "comment", json_string("named by the model card (README.md datasets)"), &s.bad);
            push(s.graph, d, &s.bad);
            put(dataset_ids, name, json_string(id), &s.bad);
            free(id);
        }
    }
    size_t nm = 0, nds = 0;
    for (size_t i = 0; i < b->nitems; i++) {
        const struct cu_bom_item *it = &b->items[i];
        item(&s, it, it->kind == CU_BOM_MODEL ? ++nm : ++nds, dataset_ids);
    }
    for (size_t i = 0; i < b->ncomps; i++) {
        const custody_component *c = b->comps[i].c;
        char *id = sid(&s, "package", i + 1);
        json_t *p = element(&s, "software_Package", id, c->name);
        const char *type = cu_bom_comp_type(c->kind);
        put(p, "software_primaryPurpose",
            json_string(strcmp(type, "application") == 0 ? "application" : "library"), &s.bad);
        if (c->version != NULL) {
            put(p, "software_packageVersion", json_string(c->version), &s.bad);
        }
        if (c->purl != NULL) {
            put(p, "software_packageUrl", json_string(c->purl), &s.bad);
        }
        char *cm = c->line > 0 ? cu_asprintf("custody: kind=%s; source=%s:%u", c->kind, c->location,
                                             (unsigned)c->line)
                               : cu_asprintf("custody: kind=%s; source=%s", c->kind, c->location);
        put(p, "comment", cm != NULL ? json_string(cm) : NULL, &s.bad);
        free(cm);
        push(s.graph, p, &s.bad);
        push(s.roots, json_string(id), &s.bad);
        free(id);
    }
    char *dname = b->subject != NULL ? cu_asprintf("AI bill of materials of %s", b->subject)
                                     : cu_strdup("custody AI bill of materials");
    json_t *doc = json_pack("{s:s,s:s,s:s,s:s?}", "type", "SpdxDocument", "spdxId", docid,
                            "creationInfo", CI, "name", dname);
    free(dname);
    put(doc, "profileConformance",
        json_pack("[s,s,s,s,s]", "core", "software", "ai", "dataset", "simpleLicensing"), &s.bad);
    put(doc, "element", json_incref(s.elements), &s.bad);
    put(doc, "rootElement", json_incref(s.roots), &s.bad);
    push(s.graph, doc, &s.bad);
out:;
    json_t *root = NULL;
    if (!s.bad) {
        root = json_pack("{s:s,s:O}", "@context", "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
                         "@graph", s.graph);
    }
    free(agent);
    free(tool);
    free(docid);
    json_decref(dataset_ids);
    json_decref(s.graph);
    json_decref(s.elements);
    json_decref(s.roots);
    return root;
}
