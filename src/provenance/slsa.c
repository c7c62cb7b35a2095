/* SLSA provenance: `custody attest` (in-toto Statement v1 + SLSA provenance v1, DSSE, Sigstore
 * bundle v0.3 signed with a key) and `custody verify-attestation` (the checks of
 * slsa-verifier verify-artifact, offline). */
#include "custody/sigstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/b64.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/util.h"
#include "provenance/bundle.h"
#include "provenance/dsse.h"
#include "provenance/keys.h"
#include "provenance/sigstore_int.h"
#include "core/banned.h"

#define INTOTO_TYPE   "application/vnd.in-toto+json"
#define STATEMENT_V1  "https://in-toto.io/Statement/v1"
#define STATEMENT_V01 "https://in-toto.io/Statement/v0.1"
#define SLSA_V1       "https://slsa.dev/provenance/v1"
#define SLSA_V02      "https://slsa.dev/provenance/v0.2"
#define DEFAULT_BUILD "https://custody.dev/attest/generic/v1"
#define GH_ISSUER     "https://token.actions.githubusercontent.com"
#define GENERATOR_PREFIX \
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/"

#define PFAIL(...) \
    cu_err_set(err, CU_EVERIFY, "provenance", CU_NO_OFFSET, __FILE__, __LINE__, __VA_ARGS__)

static bool is_hex64(const char *s)
{
    if (strlen(s) != 64) {
        return false;
    }
    for (size_t i = 0; i < 64; i++) {
        if (cu_hexval((uint8_t)s[i]) < 0) {
            return false;
        }
    }
    return true;
}

/* ---- attest ---- */

/* hex SHA-256 of the PEM SubjectPublicKeyInfo text as OpenSSL writes it (64-column base64,
 * LF), the OMS / model_signing publicKey.hint. */
static int key_hint(EVP_PKEY *key, char out[65])
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *p = NULL;
    uint8_t h[32];
    int rc = CUSTODY_ENOMEM;
    if (bio != NULL && PEM_write_bio_PUBKEY(bio, key) == 1) {
        long n = BIO_get_mem_data(bio, &p);
        if (n > 0 && EVP_Digest(p, (size_t)n, h, NULL, EVP_sha256(), NULL) == 1) {
            cu_hex_encode(h, 32, out);
            rc = 0;
        }
    }
    BIO_free(bio);
    return rc;
}

static int sign_pae(
    EVP_PKEY *key, const uint8_t *pae, size_t n, uint8_t **sig, size_t *siglen, custody_error *err)
{
    const EVP_MD *md = NULL;
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519) {
        md = cu_sig_default_md(key, err);
        if (md == NULL) {
            return CUSTODY_EUNSUPPORTED;
        }
    }
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int rc = 0;
    *sig = NULL;
    if (c == NULL || EVP_DigestSignInit(c, NULL, md, NULL, key) != 1 ||
        EVP_DigestSign(c, NULL, siglen, pae, n) != 1 || (*sig = cu_malloc(*siglen)) == NULL ||
        EVP_DigestSign(c, *sig, siglen, pae, n) != 1) {
        rc = cu_err_unsupported(err, "key", CU_NO_OFFSET, "signing failed");
        free(*sig);
        *sig = NULL;
    }
    EVP_MD_CTX_free(c);
    ERR_clear_error();
    return rc;
}

static int jset(json_t *o, const char *k, json_t *v)
{
    return v == NULL || json_object_set_new(o, k, v) != 0 ? CUSTODY_ENOMEM : 0;
}

static json_t *build_statement(const custody_attest_opts *o, custody_error *err, int *rc)
{
    json_t *st = json_object(), *subj = json_array(), *pred = json_object();
    json_t *bd = json_object(), *ext = json_object(), *deps = json_array();
    json_t *rd = json_object(), *builder = json_object(), *meta = json_object();
    *rc = CUSTODY_ENOMEM;
    if (st == NULL || subj == NULL || pred == NULL || bd == NULL || ext == NULL || deps == NULL ||
        rd == NULL || builder == NULL || meta == NULL) {
        goto fail;
    }
    for (size_t i = 0; i < o->n_artifacts; i++) {
        uint8_t d[32];
        char hx[65];
        *rc = custody_sha256_file(o->artifacts[i], d, err);
        if (*rc) {
            goto fail;
        }
        cu_hex_encode(d, 32, hx);
        json_t *s = json_pack("{s:s, s:{s:s}}", "name", cu_basename(o->artifacts[i]), "digest",
                              "sha256", hx);
        if (s == NULL || json_array_append_new(subj, s)) {
            *rc = cu_err_nomem(err);
            goto fail;
        }
    }
    for (size_t i = 0; i < o->n_external_params; i++) {
        const char *kv = o->external_params[i], *eq = strchr(kv, '=');
        if (eq == NULL || eq == kv) {
            *rc = cu_err_inval(err, "--external-param '%s' is not key=value", kv);
            goto fail;
        }
        char *k = cu_strndup(kv, (size_t)(eq - kv));
        int bad = k == NULL || json_object_set_new(ext, k, json_string(eq + 1)) != 0;
        free(k);
        if (bad) {
            *rc = cu_err_inval(err, "--external-param '%s': bad key or value (UTF-8)", kv);
            goto fail;
        }
    }
    for (size_t i = 0; i < o->n_resolved_deps; i++) {
        const char *dep = o->resolved_deps[i], *at = strstr(dep, "@sha256:");
        while (at != NULL && strstr(at + 1, "@sha256:") != NULL) {
            at = strstr(at + 1, "@sha256:");
        }
        if (at == NULL || at == dep || !is_hex64(at + 8)) {
            *rc = cu_err_inval(err, "--resolved-dep '%s' is not uri@sha256:<64 hex>", dep);
            goto fail;
        }
        char *uri = cu_strndup(dep, (size_t)(at - dep));
        char lower[65];
        for (size_t k = 0; k < 65; k++) {
            char c = at[8 + k];
            lower[k] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
        }
        json_t *d =
            uri == NULL ? NULL : json_pack("{s:s, s:{s:s}}", "uri", uri, "digest", "sha256", lower);
        free(uri);
        if (d == NULL || json_array_append_new(deps, d)) {
            *rc = cu_err_inval(err, "--resolved-dep '%s': bad URI (UTF-8)", dep);
            goto fail;
        }
    }
    const char *times[2] = { o->started_on, o->finished_on };
    const char *tnames[2] = { "startedOn", "finishedOn" };
    for (size_t i = 0; i < 2; i++) {
        int64_t t;
        if (times[i] == NULL) {
            continue;
        }
        if (cu_rfc3339_parse(times[i], false, &t)) {
            *rc = cu_err_inval(err, "--%s '%s' is not an RFC 3339 time",
                               i == 0 ? "started-on" : "finished-on", times[i]);
            goto fail;
        }
        if (jset(meta, tnames[i], json_string(times[i]))) {
            goto fail;
        }
    }
    if (jset(bd, "buildType", json_string(o->build_type ? o->build_type : DEFAULT_BUILD)) ||
        json_object_set_new(bd, "externalParameters", ext) ||
        (ext = NULL,
         json_array_size(deps) > 0 ? json_object_set(bd, "resolvedDependencies", deps) : 0) ||
        jset(builder, "id", json_string(o->builder_id)) ||
        json_object_set_new(rd, "builder", builder) ||
        (builder = NULL, json_object_size(meta) > 0 ? json_object_set(rd, "metadata", meta) : 0) ||
        json_object_set_new(pred, "buildDefinition", bd) || (bd = NULL, 0) ||
        json_object_set_new(pred, "runDetails", rd) || (rd = NULL, 0) ||
        jset(st, "_type", json_string(STATEMENT_V1)) || json_object_set_new(st, "subject", subj) ||
        (subj = NULL, 0) || jset(st, "predicateType", json_string(SLSA_V1)) ||
        json_object_set_new(st, "predicate", pred)) {
        pred = NULL;
        *rc = cu_err_inval(err, "bad builder id or build type (must be UTF-8)");
        goto fail;
    }
    json_decref(deps);
    json_decref(meta);
    *rc = 0;
    return st;
fail:
    if (*rc == CUSTODY_ENOMEM) {
        (void)cu_err_nomem(err);
    }
    json_decref(st);
    json_decref(subj);
    json_decref(pred);
    json_decref(bd);
    json_decref(ext);
    json_decref(deps);
    json_decref(rd);
    json_decref(builder);
    json_decref(meta);
    return NULL;
}

int custody_attest(const custody_attest_opts *o, char **out, custody_error *err)
{
    EVP_PKEY *key = NULL;
    json_t *st = NULL, *bundle = NULL;
    char *payload = NULL, *p64 = NULL, *s64 = NULL;
    uint8_t *pae = NULL, *sig = NULL;
    size_t pae_len = 0, sig_len = 0;
    char hint[65];
    int rc;

    *out = NULL;
    if (o == NULL || o->n_artifacts == 0 || o->private_key == NULL || o->builder_id == NULL ||
        o->builder_id[0] == 0) {
        return cu_err_inval(err, "attest needs artifacts, a key and a builder id");
    }
    rc = cu_key_load_private(&key, o->private_key, NULL, err);
    if (rc) {
        return rc;
    }
    st = build_statement(o, err, &rc);
    if (st == NULL) {
        goto out;
    }
    payload = json_dumps(st, JSON_COMPACT);
    if (payload == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    rc = cu_dsse_pae(&pae, &pae_len, INTOTO_TYPE, strlen(INTOTO_TYPE), (const uint8_t *)payload,
                     strlen(payload), err);
    if (rc || (rc = sign_pae(key, pae, pae_len, &sig, &sig_len, err)) != 0) {
        goto out;
    }
    if (key_hint(key, hint)) {
        rc = cu_err_nomem(err);
        goto out;
    }
    p64 = cu_b64_encode((const uint8_t *)payload, strlen(payload));
    s64 = cu_b64_encode(sig, sig_len);
    bundle = p64 && s64 ? json_pack("{s:s, s:{s:{s:s}, s:[]}, s:{s:s, s:s, s:[{s:s, s:s}]}}",
                                    "mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json",
                                    "verificationMaterial", "publicKey", "hint", hint,
                                    "tlogEntries", "dsseEnvelope", "payload", p64, "payloadType",
                                    INTOTO_TYPE, "signatures", "sig", s64, "keyid", "")
                        : NULL;
    *out = bundle == NULL ? NULL : json_dumps(bundle, JSON_INDENT(2));
    if (*out == NULL) {
        rc = cu_err_nomem(err);
    }
out:
    EVP_PKEY_free(key);
    json_decref(st);
    json_decref(bundle);
    free(payload);
    free(p64);
    free(s64);
    free(pae);
    free(sig);
    return rc;
}

/* ---- verify-attestation ---- */

struct prov {
    json_t *statement;
    const json_t *pred;
    bool v1;             /* SLSA v1 predicate (else v0.2) */
    const char *builder; /* builder id in the provenance, may be NULL */
    char *source;        /* "github.com/owner/repo" from the provenance, may be NULL */
    char *ref;           /* source ref from the provenance, may be NULL */
};

/* "git+https://github.com/o/r@refs/heads/main" / "https://github.com/o/r.git" ->
 * "github.com/o/r" (and the ref after '@' into *ref when asked). */
static char *norm_repo(const char *uri, char **ref)
{
    if (uri == NULL) {
        return NULL;
    }
    if (strncmp(uri, "git+", 4) == 0) {
        uri += 4;
    }
    if (strncmp(uri, "https://", 8) == 0) {
        uri += 8;
    } else if (strncmp(uri, "http://", 7) == 0) {
        uri += 7;
    }
    const char *at = strchr(uri, '@');
    size_t n = at ? (size_t)(at - uri) : strlen(uri);
    if (n > 4 && strncmp(uri + n - 4, ".git", 4) == 0) {
        n -= 4;
    }
    while (n > 0 && uri[n - 1] == '/') {
        n--;
    }
    if (ref != NULL && at != NULL && *ref == NULL) {
        *ref = cu_strdup(at + 1);
    }
    return cu_strndup(uri, n);
}

static const char *jget_str(const json_t *o, const char *path)
{
    /* dotted path of object keys */
    char key[64];
    const json_t *cur = o;
    while (cur != NULL && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof key) {
            return NULL;
        }
        memcpy(key, path, n);
        key[n] = 0;
        cur = json_object_get(cur, key);
        path += n + (dot ? 1 : 0);
    }
    return json_string_value(cur);
}

static int parse_statement(struct prov *p, const uint8_t *payload, size_t len, custody_error *err)
{
    json_error_t je;
    p->statement = json_loadb((const char *)payload, len, JSON_REJECT_DUPLICATES, &je);
    const char *type = json_string_value(json_object_get(p->statement, "_type"));
    const char *pt = json_string_value(json_object_get(p->statement, "predicateType"));
    if (!json_is_object(p->statement) || type == NULL) {
        return cu_err_malformed(err, "provenance", CU_NO_OFFSET,
                                "payload is not an in-toto "
                                "statement");
    }
    if (strcmp(type, STATEMENT_V1) != 0 && strcmp(type, STATEMENT_V01) != 0) {
        return cu_err_unsupported(err, "provenance", CU_NO_OFFSET, "statement type '%s'", type);
    }
    p->pred = json_object_get(p->statement, "predicate");
    if (!json_is_object(p->pred)) {
        return cu_err_malformed(err, "provenance", CU_NO_OFFSET, "statement has no predicate");
    }
    if (pt != NULL && strcmp(pt, SLSA_V1) == 0) {
        p->v1 = true;
    } else if (pt != NULL && strcmp(pt, SLSA_V02) == 0) {
        p->v1 = false;
    } else if (pt == NULL || pt[0] == 0) {
        /* some generators left predicateType empty: go by the predicate's shape */
        p->v1 = json_object_get(p->pred, "buildDefinition") != NULL;
    } else {
        return cu_err_unsupported(err, "provenance", CU_NO_OFFSET, "predicate type '%s'", pt);
    }
    if (p->v1) {
        p->builder = jget_str(p->pred, "runDetails.builder.id");
        const char *src = jget_str(p->pred, "buildDefinition.externalParameters.source.uri");
        if (src == NULL) {
            src = jget_str(p->pred, "buildDefinition.externalParameters.workflow.repository");
            const char *wref = jget_str(p->pred, "buildDefinition.externalParameters.workflow.ref");
            if (wref != NULL && wref[0] != 0) {
                p->ref = cu_strdup(wref);
            }
        }
        if (src == NULL) {
            const char *repo =
                jget_str(p->pred, "buildDefinition.internalParameters.GITHUB_REPOSITORY");
            const char *ref = jget_str(p->pred, "buildDefinition.internalParameters.GITHUB_REF");
            if (repo != NULL) {
                p->source = cu_asprintf("github.com/%s", repo);
            }
            if (ref != NULL && p->ref == NULL) {
                p->ref = cu_strdup(ref);
            }
        } else {
            p->source = norm_repo(src, &p->ref);
        }
    } else {
        p->builder = jget_str(p->pred, "builder.id");
        p->source = norm_repo(jget_str(p->pred, "invocation.configSource.uri"), &p->ref);
        if (p->ref == NULL && jget_str(p->pred, "invocation.environment.github_ref") != NULL) {
            p->ref = cu_strdup(jget_str(p->pred, "invocation.environment.github_ref"));
        }
    }
    return 0;
}

static bool subject_has(const struct prov *p, const uint8_t *d)
{
    char hx[65];
    const json_t *subj = json_object_get(p->statement, "subject"), *s;
    size_t i;
    cu_hex_encode(d, 32, hx);
    json_array_foreach(subj, i, s)
    {
        const char *v = json_string_value(json_object_get(json_object_get(s, "digest"), "sha256"));
        if (v != NULL && strlen(v) == 64) {
            bool eq = true;
            for (size_t k = 0; k < 64; k++) {
                char c = v[k];
                if ((char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c) != hx[k]) {
                    eq = false;
                }
            }
            if (eq) {
                return true;
            }
        }
    }
    return false;
}

/* name part of a builder id ("URI@version" -> "URI"). */
static bool builder_name_eq(const char *a, const char *b)
{
    size_t na = strcspn(a, "@"), nb = strcspn(b, "@");
    return na == nb && memcmp(a, b, na) == 0;
}

/* SPEC: slsa-verifier --source-versioned-tag: "vX[.Y[.Z]]" matches a tag "vX.Y.Z" whose given
 * components are equal. */
static bool versioned_tag_ok(const char *want, const char *tag)
{
    if (want[0] != 'v' || tag[0] != 'v') {
        return false;
    }
    want++;
    tag++;
    for (;;) {
        size_t nw = strspn(want, "0123456789"), nt = strspn(tag, "0123456789");
        if (nw == 0 || nt == 0) {
            return false;
        }
        /* compare numerically: strip leading zeros */
        const char *w = want, *t = tag;
        size_t lw = nw, lt = nt;
        while (lw > 1 && *w == '0') {
            w++;
            lw--;
        }
        while (lt > 1 && *t == '0') {
            t++;
            lt--;
        }
        if (lw != lt || memcmp(w, t, lw) != 0) {
            return false;
        }
        want += nw;
        tag += nt;
        if (*want == 0) {
            return true; /* all given components matched */
        }
        if (*want != '.' || *tag != '.') {
            return false;
        }
        want++;
        tag++;
    }
}

static int check_ref(const custody_slsa_policy *pol, const char *ref, custody_error *err)
{
    if (pol->source_branch == NULL && pol->source_tag == NULL &&
        pol->source_versioned_tag == NULL && pol->source_ref == NULL) {
        return 0;
    }
    if (ref == NULL) {
        return PFAIL("provenance and certificate name no source ref");
    }
    if (pol->source_ref != NULL) {
        bool ok =
            strcmp(ref, pol->source_ref) == 0 ||
            (strncmp(ref, "refs/heads/", 11) == 0 && strcmp(ref + 11, pol->source_ref) == 0) ||
            (strncmp(ref, "refs/tags/", 10) == 0 && strcmp(ref + 10, pol->source_ref) == 0);
        if (!ok) {
            return PFAIL("source ref mismatch: built from %s, expected %s", ref, pol->source_ref);
        }
    }
    if (pol->source_branch != NULL &&
        (strncmp(ref, "refs/heads/", 11) != 0 || strcmp(ref + 11, pol->source_branch) != 0)) {
        return PFAIL("source branch mismatch: built from %s, expected branch %s", ref,
                     pol->source_branch);
    }
    if (pol->source_tag != NULL || pol->source_versioned_tag != NULL) {
        if (strncmp(ref, "refs/tags/", 10) != 0) {
            return PFAIL("source ref %s is not a tag", ref);
        }
        if (pol->source_tag != NULL && strcmp(ref + 10, pol->source_tag) != 0) {
            return PFAIL("source tag mismatch: built from %s, expected %s", ref, pol->source_tag);
        }
        if (pol->source_versioned_tag != NULL &&
            !versioned_tag_ok(pol->source_versioned_tag, ref + 10)) {
            return PFAIL("source versioned tag mismatch: built from %s, expected %s", ref,
                         pol->source_versioned_tag);
        }
    }
    return 0;
}

static const char *const trusted_workflows[] = {
    "generator_generic_slsa3.yml",
    "generator_container_slsa3.yml",
    "builder_go_slsa3.yml",
    "builder_container-based_slsa3.yml",
    "builder_nodejs_slsa3.yml",
    "delegator_generic_slsa3.yml",
    "delegator_lowperms-generic_slsa3.yml",
};

/* Keyless GitHub Actions policy: the certificate names a trusted slsa-github-generator
 * workflow at a release tag; builder id, source repository and ref match. */
static int
keyless_policy(const custody_slsa_policy *pol, X509 *leaf, struct prov *p, custody_error *err)
{
    char *san = cu_cert_san(leaf);
    char *repo_uri = NULL, *cert_repo = NULL, *cert_ref = NULL;
    int rc = 0;

    if (san == NULL) {
        return PFAIL("certificate has no SAN");
    }
    const char *at = strchr(san, '@');
    size_t wf_len = at ? (size_t)(at - san) : strlen(san);
    const char *wf_ref = at ? at + 1 : "";
    const char *base = NULL;
    if (strncmp(san, GENERATOR_PREFIX, strlen(GENERATOR_PREFIX)) == 0) {
        base = san + strlen(GENERATOR_PREFIX);
    }
    bool trusted = false;
    for (size_t i = 0; base != NULL && i < sizeof trusted_workflows / sizeof *trusted_workflows;
         i++) {
        size_t n = strlen(trusted_workflows[i]);
        if ((size_t)(san + wf_len - base) == n && memcmp(base, trusted_workflows[i], n) == 0) {
            trusted = true;
        }
    }
    if (!trusted) {
        rc = PFAIL("untrusted builder: certificate identity %s is not a trusted "
                   "slsa-github-generator workflow",
                   san);
        goto out;
    }
    if (strncmp(wf_ref, "refs/tags/v", 11) != 0) {
        rc = PFAIL("untrusted builder: workflow %s is not at a release tag", san);
        goto out;
    }
    bool delegator = strncmp(base, "delegator_", 10) == 0;
    if (delegator) {
        if (pol->builder_id == NULL) {
            rc = PFAIL("delegator (BYOB) provenance: --builder-id is required");
            goto out;
        }
        if (p->builder == NULL || !builder_name_eq(p->builder, pol->builder_id)) {
            rc = PFAIL("builder id mismatch: provenance names %s, expected %s",
                       p->builder ? p->builder : "(none)", pol->builder_id);
            goto out;
        }
        if (strchr(pol->builder_id, '@') != NULL && strcmp(p->builder, pol->builder_id) != 0) {
            rc = PFAIL("builder version mismatch: %s, expected %s", p->builder, pol->builder_id);
            goto out;
        }
    } else {
        if (p->builder != NULL && strncmp(p->builder, san, wf_len) != 0) {
            rc = PFAIL("builder id in the provenance (%s) is not the signing workflow %s",
                       p->builder, san);
            goto out;
        }
        if (pol->builder_id != NULL) {
            if (strcspn(pol->builder_id, "@") != wf_len ||
                strncmp(pol->builder_id, san, wf_len) != 0) {
                rc = PFAIL("builder id mismatch: signed by %.*s, expected %s", (int)wf_len, san,
                           pol->builder_id);
                goto out;
            }
            const char *bat = strchr(pol->builder_id, '@');
            if (bat != NULL && strcmp(bat + 1, wf_ref) != 0) {
                rc = PFAIL("builder version mismatch: %s, expected %s", wf_ref, bat + 1);
                goto out;
            }
        }
    }
    /* source repository: the certificate's (Fulcio-attested) and the provenance's */
    repo_uri = cu_cert_ext_string(leaf, "1.3.6.1.4.1.57264.1.12", true);
    if (repo_uri != NULL) {
        cert_repo = norm_repo(repo_uri, NULL);
    } else {
        char *legacy = cu_cert_ext_string(leaf, "1.3.6.1.4.1.57264.1.5", false);
        if (legacy != NULL) {
            cert_repo = cu_asprintf("github.com/%s", legacy);
        }
        free(legacy);
    }
    cert_ref = cu_cert_ext_string(leaf, "1.3.6.1.4.1.57264.1.14", true);
    if (cert_ref == NULL) {
        cert_ref = cu_cert_ext_string(leaf, "1.3.6.1.4.1.57264.1.6", false);
    }
    if (pol->source_uri == NULL) {
        rc = PFAIL("--source-uri is required for keyless provenance");
        goto out;
    }
    char *want = norm_repo(pol->source_uri, NULL);
    bool src_ok = want != NULL && cert_repo != NULL && strcmp(want, cert_repo) == 0 &&
                  (p->source == NULL || strcmp(want, p->source) == 0);
    if (!src_ok) {
        rc = PFAIL("source mismatch: built from %s, expected %s",
                   cert_repo ? cert_repo : (p->source ? p->source : "(unknown)"), pol->source_uri);
        free(want);
        goto out;
    }
    free(want);
    if (cert_ref != NULL && p->ref != NULL && strcmp(cert_ref, p->ref) != 0) {
        rc = PFAIL("source ref in the provenance (%s) differs from the certificate's (%s)", p->ref,
                   cert_ref);
        goto out;
    }
    rc = check_ref(pol, cert_ref ? cert_ref : p->ref, err);
out:
    free(san);
    free(repo_uri);
    free(cert_repo);
    free(cert_ref);
    return rc;
}

static int key_policy(const custody_slsa_policy *pol, struct prov *p, custody_error *err)
{
    if (pol->builder_id != NULL) {
        if (p->builder == NULL || !builder_name_eq(p->builder, pol->builder_id) ||
            (strchr(pol->builder_id, '@') != NULL && strcmp(p->builder, pol->builder_id) != 0)) {
            return PFAIL("builder id mismatch: provenance names %s, expected %s",
                         p->builder ? p->builder : "(none)", pol->builder_id);
        }
    }
    if (pol->source_uri != NULL) {
        char *want = norm_repo(pol->source_uri, NULL);
        bool ok = want != NULL && p->source != NULL && strcmp(want, p->source) == 0;
        free(want);
        if (!ok) {
            return PFAIL("source mismatch: built from %s, expected %s",
                         p->source ? p->source : "(unknown)", pol->source_uri);
        }
    }
    return check_ref(pol, p->ref, err);
}

/* A DSSE envelope read from .intoto.jsonl: {payloadType, payload, signatures[{keyid, sig}]}. */
static int verify_jsonl(const custody_slsa_policy *pol,
                        EVP_PKEY *key,
                        const json_t *env,
                        uint8_t **payload,
                        size_t *plen,
                        custody_error *err)
{
    const char *pt = json_string_value(json_object_get(env, "payloadType"));
    const char *pl = json_string_value(json_object_get(env, "payload"));
    const json_t *sigs = json_object_get(env, "signatures"), *s;
    size_t i;
    bool ok = false;
    if (pt == NULL || pl == NULL || !json_is_array(sigs)) {
        return cu_err_malformed(err, pol->provenance, CU_NO_OFFSET, "not a DSSE envelope");
    }
    if (key == NULL) {
        return PFAIL("a .intoto.jsonl envelope carries no transparency-log proof: keyless "
                     "verification needs an online Rekor lookup (use the Sigstore bundle, or "
                     "--key)");
    }
    int rc = cu_b64_decode_alloc(payload, plen, pl, strlen(pl), err);
    if (rc) {
        return rc;
    }
    json_array_foreach(sigs, i, s)
    {
        const char *sg = json_string_value(json_object_get(s, "sig"));
        uint8_t *raw = NULL;
        size_t rl = 0;
        custody_error e;
        if (sg == NULL || cu_b64_decode_alloc(&raw, &rl, sg, strlen(sg), &e)) {
            continue;
        }
        if (cu_dsse_verify(key, NULL, CU_SIG_AUTO, pt, strlen(pt), *payload, *plen, raw, rl, &e) ==
            0) {
            ok = true;
        }
        free(raw);
    }
    if (strcmp(pt, INTOTO_TYPE) != 0) {
        return PFAIL("payload type %s is not in-toto", pt);
    }
    return ok ? 0 : PFAIL("no DSSE signature verifies with the key");
}

int custody_verify_attestation(const uint8_t *art,
                               const custody_slsa_policy *pol,
                               char **summary,
                               custody_error *err)
{
    uint8_t *data = NULL, *jpayload = NULL;
    size_t len = 0, jplen = 0;
    EVP_PKEY *key = NULL;
    struct cu_trust_root *tr = NULL;
    struct cu_bundle *b = NULL;
    json_t *doc = NULL;
    struct prov p = { 0 };
    int64_t t = 0;
    int rc;

    if (summary != NULL) {
        *summary = NULL;
    }
    if (pol == NULL || pol->provenance == NULL) {
        return cu_err_inval(err, "no provenance file");
    }
    if (pol->public_key == NULL && pol->trusted_root == NULL) {
        return cu_err_inval(err, "give --key or --trusted-root");
    }
    if (pol->public_key != NULL) {
        rc = cu_read_pubkey_file(&key, pol->public_key, err);
        if (rc) {
            goto out;
        }
    }
    if (pol->trusted_root != NULL && (rc = cu_trust_root_load(&tr, pol->trusted_root, err)) != 0) {
        goto out;
    }
    rc = cu_file_read(pol->provenance, CU_LIMIT_JSON, &data, &len, err);
    if (rc) {
        goto out;
    }
    /* a bundle, or the first line of a .intoto.jsonl */
    json_error_t je;
    size_t first = strcspn((const char *)data, "\n");
    doc = json_loadb((const char *)data, len, 0, &je);
    if (doc == NULL && first < len) {
        doc = json_loadb((const char *)data, first, 0, &je);
    }
    if (!json_is_object(doc)) {
        rc = cu_err_malformed(err, pol->provenance, CU_NO_OFFSET, "not JSON: %s", je.text);
        goto out;
    }
    const uint8_t *payload;
    size_t plen;
    if (json_object_get(doc, "mediaType") == NULL && json_object_get(doc, "payload") != NULL) {
        rc = verify_jsonl(pol, key, doc, &jpayload, &jplen, err);
        if (rc) {
            goto out;
        }
        payload = jpayload;
        plen = jplen;
    } else {
        rc = cu_bundle_parse(&b, data, len, err);
        if (rc) {
            goto out;
        }
        if (b->content != CU_BUNDLE_DSSE || b->payload_type == NULL ||
            strcmp(b->payload_type, INTOTO_TYPE) != 0) {
            rc = PFAIL("bundle does not hold an in-toto DSSE envelope");
            goto out;
        }
        if (key != NULL) {
            rc = cu_dsse_verify(key, NULL, CU_SIG_AUTO, b->payload_type, strlen(b->payload_type),
                                b->payload, b->payload_len, b->sig, b->sig_len, err);
            if (rc == CUSTODY_EMALFORMED || rc == CU_EVERIFY) {
                rc = PFAIL("DSSE signature does not verify with the key");
            }
            if (!rc && tr != NULL && json_array_size(b->tlog_entries) > 0) {
                rc = cu_sigstore_verify_ex(b, tr, NULL, key, NULL, &t, err);
            }
        } else {
            struct cu_identity_policy ip = { NULL, pol->bundle_only ? NULL : GH_ISSUER };
            rc = cu_sigstore_verify_ex(b, tr, &ip, NULL, NULL, &t, err);
        }
        if (rc) {
            goto out;
        }
        payload = b->payload;
        plen = b->payload_len;
    }
    rc = parse_statement(&p, payload, plen, err);
    if (rc) {
        goto out;
    }
    if (art != NULL && !subject_has(&p, art)) {
        rc = PFAIL("artifact hash mismatch: its sha256 is not a subject of the provenance");
        goto out;
    }
    if (!pol->bundle_only) {
        if (key == NULL && b == NULL) {
            rc = PFAIL("keyless provenance needs a Sigstore bundle");
        } else if (key == NULL) {
            rc = keyless_policy(pol, sk_X509_value(b->certs, 0), &p, err);
        } else {
            rc = key_policy(pol, &p, err);
        }
        if (rc) {
            goto out;
        }
    }
    if (summary != NULL) {
        *summary = cu_asprintf("builder %s, source %s%s%s, SLSA provenance %s%s",
                               p.builder ? p.builder : "(none)", p.source ? p.source : "(none)",
                               p.ref ? "@" : "", p.ref ? p.ref : "", p.v1 ? "v1" : "v0.2",
                               pol->bundle_only ? " (bundle only: no builder/source policy)" : "");
    }
out:
    if (rc == CU_EVERIFY) {
        (void)snprintf(err->where, sizeof err->where, "%s", pol->provenance);
    }
    json_decref(p.statement);
    free(p.source);
    free(p.ref);
    json_decref(doc);
    cu_bundle_free(b);
    cu_trust_root_free(tr);
    EVP_PKEY_free(key);
    free(data);
    free(jpayload);
    return rc;
}
