/* custody bom diff: reads two BOMs custody wrote (CycloneDX or SPDX 3.0.1 JSON-LD), reduces
 * each to one record per component keyed independently of the format and of the document's
 * serial number, and lists what was added, removed or changed. */
#include <stdlib.h>
#include <string.h>

#include "bom/bom_int.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/util.h"
#include "provenance/keys.h"
#include "core/banned.h"

struct custody_bom_diff {
    custody_bom_diff_entry *e;
    size_t n, cap;
    json_t *keep; /* owns the strings the entries point to */
};

/* A record: {"type","name","version","digest","license","verdict","signature","files":{}} */
static json_t *rec_new(json_t *recs, const char *key, const char *type, const char *name)
{
    json_t *r = json_object_get(recs, key);
    if (r != NULL) {
        return r;
    }
    r = json_pack("{s:s,s:s,s:{}}", "type", type, "name", name != NULL ? name : "", "files");
    if (r == NULL || json_object_set_new(recs, key, r) != 0) {
        return NULL;
    }
    return r;
}

static int rec_set(json_t *r, const char *field, const char *v)
{
    if (v == NULL) {
        return 0;
    }
    return json_object_set_new(r, field, json_string(v)) == 0 ? 0 : CUSTODY_ENOMEM;
}

/* purl without its version (and qualifiers), the identity of a package across versions. */
static char *purl_key(const char *purl)
{
    size_t n = strcspn(purl, "?#");
    size_t start = 0, at = n;
    for (size_t i = 0; i < n; i++) {
        if (purl[i] == '/') {
            start = i; /* the version follows the last path segment */
        }
    }
    for (size_t i = start; i < n; i++) {
        if (purl[i] == '@') {
            at = i;
            break;
        }
    }
    return cu_strndup(purl, at);
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ---- CycloneDX ---- */

static const char *cdx_prop(const json_t *c, const char *name)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(c, "properties"), i, p)
    {
        const char *n = jstr(p, "name");
        if (n != NULL && strcmp(n, name) == 0) {
            return jstr(p, "value");
        }
    }
    return NULL;
}

static int cdx_read(const json_t *doc, json_t *recs)
{
    size_t i, k;
    const json_t *c;
    json_array_foreach(json_object_get(doc, "components"), i, c)
    {
        const char *type = jstr(c, "type"), *name = jstr(c, "name"), *ref = jstr(c, "bom-ref");
        const char *purl = jstr(c, "purl"), *path = cdx_prop(c, "custody:path");
        if (type == NULL || name == NULL) {
            return CUSTODY_EMALFORMED;
        }
        char *key;
        if (path != NULL) {
            key = cu_asprintf("%s:%s", strcmp(type, "data") == 0 ? "data" : "model", path);
        } else if (purl != NULL) {
            key = purl_key(purl);
        } else if (ref != NULL && strncmp(ref, "dataset:", 8) == 0) {
            key = cu_strdup(ref);
        } else {
            key = cu_asprintf("%s:%s", type, name);
        }
        char *full = jstr(c, "group") != NULL ? cu_asprintf("%s/%s", jstr(c, "group"), name)
                                              : NULL; /* as SPDX names it */
        json_t *r = key != NULL ? rec_new(recs, key, type, full != NULL ? full : name) : NULL;
        free(key);
        free(full);
        if (r == NULL) {
            return CUSTODY_ENOMEM;
        }
        /* a file's own SHA-256, else a directory's root digest (as the SPDX writer) */
        const json_t *h0 = json_array_get(json_object_get(c, "hashes"), 0);
        char *hd = NULL;
        const char *digest = NULL;
        if (jstr(h0, "content") != NULL) {
            hd = cu_asprintf("sha256:%s", jstr(h0, "content"));
            digest = hd;
        } else if ((digest = cdx_prop(c, "custody:oms-root-digest")) == NULL) {
            digest = cdx_prop(c, "custody:root-digest");
        }
        struct cu_buf lic = CU_BUF_INIT(4096);
        const json_t *l;
        json_array_foreach(json_object_get(c, "licenses"), k, l)
        {
            const json_t *lo = json_object_get(l, "license");
            const char *v = jstr(lo, "id") != NULL ? jstr(lo, "id") : jstr(lo, "name");
            if (v == NULL) {
                v = jstr(l, "expression");
            }
            if (v != NULL) {
                cu_buf_addf(&lic, "%s%s", lic.len > 0 ? " AND " : "", v);
            }
        }
        char *verdict = NULL;
        if (cdx_prop(c, "custody:scan:max-severity") != NULL) {
            const char *rules = cdx_prop(c, "custody:scan:rules");
            verdict = cu_asprintf(
                "max-severity=%s findings=%s%s%s", cdx_prop(c, "custody:scan:max-severity"),
                cdx_prop(c, "custody:scan:findings") != NULL ? cdx_prop(c, "custody:scan:findings")
                                                             : "?",
                rules != NULL ? " rules=" : "", rules != NULL ? rules : "");
        }
        int rc = rec_set(r, "version", jstr(c, "version"));
        rc |= rec_set(r, "digest", digest);
        rc |= rec_set(r, "license", lic.len > 0 ? cu_buf_str(&lic) : NULL);
        rc |= rec_set(r, "verdict", verdict);
        rc |= rec_set(r, "signature", cdx_prop(c, "custody:signature"));
        free(hd);
        free(verdict);
        cu_buf_free(&lic);
        json_t *files = json_object_get(r, "files");
        const json_t *f;
        json_array_foreach(json_object_get(c, "components"), k, f)
        {
            const json_t *fh = json_array_get(json_object_get(f, "hashes"), 0);
            if (jstr(f, "name") != NULL && jstr(fh, "content") != NULL) {
                rc |= json_object_set_new(files, jstr(f, "name"), json_string(jstr(fh, "content")));
            }
        }
        if (rc != 0) {
            return CUSTODY_ENOMEM;
        }
    }
    return 0;
}

/* ---- SPDX ---- */

/* Value of "key=" in a "custody: a=b; c=d" comment, as a new string. */
static char *comment_field(const char *comment, const char *key)
{
    if (comment == NULL || strncmp(comment, "custody: ", 9) != 0) {
        return NULL;
    }
    size_t kl = strlen(key);
    const char *p = comment + 9;
    while (p != NULL && *p != '\0') {
        const char *end = strstr(p, "; ");
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        if (n > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            return cu_strndup(p + kl + 1, n - kl - 1);
        }
        p = end != NULL ? end + 2 : NULL;
    }
    return NULL;
}

static int spdx_read(const json_t *doc, json_t *recs)
{
    const json_t *graph = json_object_get(doc, "@graph");
    json_t *byid = json_object();  /* spdxId -> element */
    json_t *keyof = json_object(); /* spdxId -> record key */
    int rc = 0;
    size_t i, k;
    const json_t *e;
    if (byid == NULL || keyof == NULL) {
        rc = CUSTODY_ENOMEM;
        goto out;
    }
    json_array_foreach(graph, i, e)
    {
        if (jstr(e, "spdxId") != NULL) {
            rc |= json_object_set(byid, jstr(e, "spdxId"), (json_t *)e);
        }
    }
    json_array_foreach(graph, i, e)
    {
        const char *t = jstr(e, "type"), *name = jstr(e, "name"), *id = jstr(e, "spdxId");
        const char *cm = jstr(e, "comment");
        if (t == NULL || id == NULL || rc != 0) {
            continue;
        }
        const char *type = NULL;
        if (strcmp(t, "ai_AIPackage") == 0) {
            type = "machine-learning-model";
        } else if (strcmp(t, "dataset_DatasetPackage") == 0) {
            type = "data";
        } else if (strcmp(t, "software_Package") == 0) {
            const char *pp = jstr(e, "software_primaryPurpose");
            type = pp != NULL && strcmp(pp, "application") == 0 ? "application" : "library";
        } else {
            continue;
        }
        char *path = comment_field(cm, "path");
        char *key = NULL;
        if (path != NULL) {
            key = cu_asprintf("%s:%s", strcmp(type, "data") == 0 ? "data" : "model", path);
        } else if (jstr(e, "software_packageUrl") != NULL) {
            key = purl_key(jstr(e, "software_packageUrl"));
        } else if (strcmp(type, "data") == 0 && name != NULL) {
            key = cu_asprintf("dataset:%s", name);
        } else if (strcmp(type, "library") == 0 || strcmp(type, "application") == 0) {
            key = cu_asprintf("%s:%s", type, name != NULL ? name : "");
        }
        free(path);
        if (key == NULL) {
            continue; /* a base model named only for lineage */
        }
        json_t *r = rec_new(recs, key, type, name);
        rc |= r == NULL || json_object_set_new(keyof, id, json_string(key)) != 0;
        free(key);
        if (r == NULL) {
            break;
        }
        const json_t *h0 = json_array_get(json_object_get(e, "verifiedUsing"), 0);
        if (jstr(h0, "hashValue") != NULL) {
            char *d = cu_asprintf("sha256:%s", jstr(h0, "hashValue"));
            rc |= d == NULL || rec_set(r, "digest", d) != 0;
            free(d);
        }
        rc |= rec_set(r, "version", jstr(e, "software_packageVersion"));
        char *sev = comment_field(cm, "scan-max-severity");
        if (sev != NULL) {
            char *nf = comment_field(cm, "scan-findings"), *rules = comment_field(cm, "scan-rules");
            char *v = cu_asprintf("max-severity=%s findings=%s%s%s", sev, nf != NULL ? nf : "?",
                                  rules != NULL ? " rules=" : "", rules != NULL ? rules : "");
            rc |= v == NULL || rec_set(r, "verdict", v) != 0;
            free(v);
            free(nf);
            free(rules);
        }
        free(sev);
        char *sig = comment_field(cm, "signature");
        rc |= rec_set(r, "signature", sig);
        free(sig);
    }
    /* relationships: contains / hasDataFile (files), hasDeclaredLicense (licences) */
    json_array_foreach(graph, i, e)
    {
        const char *t = jstr(e, "type"), *rt = jstr(e, "relationshipType");
        if (t == NULL || strcmp(t, "Relationship") != 0 || rt == NULL || rc != 0) {
            continue;
        }
        const char *key = json_string_value(json_object_get(keyof, jstr(e, "from")));
        json_t *r = key != NULL ? json_object_get(recs, key) : NULL;
        if (r == NULL) {
            continue;
        }
        const json_t *to;
        json_array_foreach(json_object_get(e, "to"), k, to)
        {
            const json_t *el = json_object_get(byid, json_string_value(to));
            if (el == NULL) {
                continue;
            }
            if (strcmp(rt, "contains") == 0 || strcmp(rt, "hasDataFile") == 0) {
                const json_t *h0 = json_array_get(json_object_get(el, "verifiedUsing"), 0);
                if (jstr(el, "name") != NULL && jstr(h0, "hashValue") != NULL) {
                    rc |= json_object_set_new(json_object_get(r, "files"), jstr(el, "name"),
                                              json_string(jstr(h0, "hashValue")));
                }
            } else if (strcmp(rt, "hasDeclaredLicense") == 0 &&
                       jstr(el, "simplelicensing_licenseExpression") != NULL) {
                const char *old = jstr(r, "license");
                char *v = old != NULL ? cu_asprintf("%s AND %s", old,
                                                    jstr(el, "simplelicensing_licenseExpression"))
                                      : cu_strdup(jstr(el, "simplelicensing_licenseExpression"));
                rc |= v == NULL || rec_set(r, "license", v) != 0;
                free(v);
            }
        }
    }
out:
    json_decref(byid);
    json_decref(keyof);
    return rc != 0 ? CUSTODY_ENOMEM : 0;
}

/* LicenseRef-x (SPDX) and x (CycloneDX name) compare equal. */
static char *norm_license(const char *v)
{
    if (v == NULL) {
        return NULL;
    }
    struct cu_buf b = CU_BUF_INIT(1u << 20);
    const char *p = v;
    while (*p != '\0') {
        if (strncmp(p, "LicenseRef-", 11) == 0) {
            p += 11;
            continue;
        }
        cu_buf_addc(&b, *p == ' ' && strncmp(p, " AND ", 5) != 0 ? '-' : *p);
        p++;
    }
    char *r = b.oom ? NULL : cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    return r;
}

/* One parsed document to records: 0, CUSTODY_EMALFORMED or CUSTODY_ENOMEM. */
static int records(const json_t *doc, json_t *recs)
{
    if (json_is_object(doc) && jstr(doc, "bomFormat") != NULL &&
        strcmp(jstr(doc, "bomFormat"), "CycloneDX") == 0) {
        /* a CycloneDX BOM without components has nothing to compare */
        const json_t *c = json_object_get(doc, "components");
        return c == NULL ? 0 : json_is_array(c) ? cdx_read(doc, recs) : CUSTODY_EMALFORMED;
    }
    if (json_is_object(doc) && jstr(doc, "@context") != NULL &&
        strstr(jstr(doc, "@context"), "spdx.org/rdf/3.0") != NULL &&
        json_is_array(json_object_get(doc, "@graph"))) {
        return spdx_read(doc, recs);
    }
    return CUSTODY_EMALFORMED;
}

int cu_bom_diff_parse(const uint8_t *data, size_t len)
{
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
        return CUSTODY_EMALFORMED;
    }
    json_t *recs = json_object();
    int rc = recs != NULL ? records(doc, recs) : CUSTODY_ENOMEM;
    json_decref(recs);
    json_decref(doc);
    return rc;
}

static int load(const char *path, json_t **recs, custody_error *err)
{
    json_error_t jerr;
    uint8_t *data = NULL;
    size_t len = 0;
    int rd = cu_file_read(path, CU_LIMIT_JSON, &data, &len, err);
    if (rd) {
        return rd;
    }
    json_t *doc = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    free(data);
    if (doc == NULL) {
        return cu_err_malformed(err, path, (uint64_t)jerr.position, "not JSON: %s (line %d)",
                                jerr.text, jerr.line);
    }
    *recs = json_object();
    int rc = *recs != NULL ? records(doc, *recs) : CUSTODY_ENOMEM;
    json_decref(doc);
    if (rc == CUSTODY_EMALFORMED) {
        rc = cu_err_malformed(err, path, UINT64_MAX,
                              "not a CycloneDX or SPDX 3.0 JSON BOM (or a component lacks a "
                              "type or name)");
    } else if (rc == CUSTODY_ENOMEM) {
        rc = cu_err_nomem(err);
    }
    if (rc < 0) {
        json_decref(*recs);
        *recs = NULL;
    }
    return rc;
}

static int add(struct custody_bom_diff *d,
               custody_bom_change ch,
               const char *key,
               const json_t *r,
               const char *field,
               const char *o,
               const char *n)
{
    if (!cu_grow((void **)&d->e, &d->cap, d->n + 1, sizeof(*d->e))) {
        return CUSTODY_ENOMEM;
    }
    /* copies kept alive in d->keep */
    json_t *strs =
        json_pack("[s,s?,s?,s?,s?,s?]", key, jstr(r, "type"), jstr(r, "name"), field, o, n);
    if (strs == NULL || json_array_append_new(d->keep, strs) != 0) {
        return CUSTODY_ENOMEM;
    }
    custody_bom_diff_entry *e = &d->e[d->n++];
    e->change = ch;
    e->key = json_string_value(json_array_get(strs, 0));
    e->type = json_string_value(json_array_get(strs, 1));
    e->name = json_string_value(json_array_get(strs, 2));
    e->field = json_string_value(json_array_get(strs, 3));
    e->old_value = json_string_value(json_array_get(strs, 4));
    e->new_value = json_string_value(json_array_get(strs, 5));
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const custody_bom_diff_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c != 0) {
        return c;
    }
    if (x->change != y->change) {
        return x->change < y->change ? -1 : 1;
    }
    return strcmp(x->field != NULL ? x->field : "", y->field != NULL ? y->field : "");
}

static const char *const diff_fields[] = { "digest", "version", "license", "verdict", "signature" };

/* The differences between two records of one component. */
static int compare_rec(struct custody_bom_diff *d, const char *key, json_t *ra, json_t *rb)
{
    int rc = 0;
    for (size_t i = 0; i < sizeof(diff_fields) / sizeof(diff_fields[0]); i++) {
        const char *o = jstr(ra, diff_fields[i]), *n = jstr(rb, diff_fields[i]);
        char *on = NULL, *nn = NULL;
        if (i == 2) {
            on = norm_license(o);
            nn = norm_license(n);
        }
        const char *oc = i == 2 ? on : o, *nc = i == 2 ? nn : n;
        if ((oc == NULL) != (nc == NULL) || (oc != NULL && strcmp(oc, nc) != 0)) {
            rc |= add(d, CUSTODY_BOM_CHANGED, key, rb, diff_fields[i], o, n);
        }
        free(on);
        free(nn);
    }
    json_t *fa = json_object_get(ra, "files"), *fb = json_object_get(rb, "files");
    const char *fname;
    json_t *fv;
    json_object_foreach(fa, fname, fv)
    {
        const char *n = jstr(fb, fname);
        if (n == NULL || strcmp(n, json_string_value(fv)) != 0) {
            char *f = cu_asprintf("file:%s", fname);
            rc |=
                f == NULL || add(d, CUSTODY_BOM_CHANGED, key, rb, f, json_string_value(fv), n) != 0;
            free(f);
        }
    }
    json_object_foreach(fb, fname, fv)
    {
        if (json_object_get(fa, fname) == NULL) {
            char *f = cu_asprintf("file:%s", fname);
            rc |= f == NULL ||
                  add(d, CUSTODY_BOM_CHANGED, key, rb, f, NULL, json_string_value(fv)) != 0;
            free(f);
        }
    }
    return rc;
}

/* The one record of `recs` not in `other` with this type and name, or NULL (none or several). */
static const char *unique_unmatched(const json_t *recs, const json_t *other, const json_t *like)
{
    const char *key, *hit = NULL;
    json_t *r;
    json_object_foreach((json_t *)recs, key, r)
    {
        if (json_object_get(other, key) == NULL &&
            strcmp(jstr(r, "type"), jstr(like, "type")) == 0 &&
            strcmp(jstr(r, "name"), jstr(like, "name")) == 0) {
            if (hit != NULL) {
                return NULL;
            }
            hit = key;
        }
    }
    return hit;
}

/* Components are matched by key (path of a model or dataset as scanned, package URL without
 * version); one left unmatched on both sides with the same type and name is the same
 * component moved (a model scanned under another directory in deployment). */
static int compare(struct custody_bom_diff *d, const json_t *a, const json_t *b)
{
    const char *key;
    json_t *ra;
    int rc = 0;
    json_object_foreach((json_t *)a, key, ra)
    {
        json_t *rb = json_object_get(b, key);
        if (rb != NULL) {
            rc |= compare_rec(d, key, ra, rb);
            continue;
        }
        const char *kb = unique_unmatched(b, a, ra);
        if (kb != NULL && unique_unmatched(a, b, json_object_get(b, kb)) == key) {
            rc |= compare_rec(d, kb, ra, json_object_get(b, kb));
        } else {
            rc |= add(d, CUSTODY_BOM_REMOVED, key, ra, NULL, NULL, NULL);
        }
    }
    json_object_foreach((json_t *)b, key, ra)
    {
        if (json_object_get(a, key) != NULL) {
            continue;
        }
        const char *ka = unique_unmatched(a, b, ra);
        if (ka == NULL || unique_unmatched(b, a, json_object_get(a, ka)) != key) {
            rc |= add(d, CUSTODY_BOM_ADDED, key, ra, NULL, NULL, NULL);
        }
    }
    return rc != 0 ? CUSTODY_ENOMEM : 0;
}

int custody_bom_diff_files(custody_bom_diff **out,
                           const char *old_path,
                           const char *new_path,
                           custody_error *err)
{
    if (out == NULL || old_path == NULL || new_path == NULL) {
        return cu_err_inval(err, "custody_bom_diff_files: NULL argument");
    }
    *out = NULL;
    json_t *a = NULL, *b = NULL;
    struct custody_bom_diff *d = cu_calloc(1, sizeof(*d));
    int rc = d == NULL ? cu_err_nomem(err) : 0;
    if (rc == 0 && (d->keep = json_array()) == NULL) {
        rc = cu_err_nomem(err);
    }
    if (rc == 0) {
        rc = load(old_path, &a, err);
    }
    if (rc == 0) {
        rc = load(new_path, &b, err);
    }
    if (rc == 0 && compare(d, a, b) < 0) {
        rc = cu_err_nomem(err);
    }
    json_decref(a);
    json_decref(b);
    if (rc < 0) {
        custody_bom_diff_free(d);
        return rc;
    }
    if (d->n > 1) {
        qsort(d->e, d->n, sizeof(*d->e), cmp_entry);
    }
    *out = d;
    return 0;
}

size_t custody_bom_diff_count(const custody_bom_diff *d)
{
    return d != NULL ? d->n : 0;
}

const custody_bom_diff_entry *custody_bom_diff_entry_at(const custody_bom_diff *d, size_t i)
{
    return d != NULL && i < d->n ? &d->e[i] : NULL;
}

void custody_bom_diff_free(custody_bom_diff *d)
{
    if (d == NULL) {
        return;
    }
    free(d->e);
    json_decref(d->keep);
    free(d);
}
