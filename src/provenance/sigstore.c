/* Offline Sigstore bundle verification: signature, transparency log entries (Rekor v1 SETs,
 * inclusion proofs and signed-note checkpoints, Rekor v2), RFC 3161 timestamps, the Fulcio
 * certificate chain at the verified times, SCTs and the identity policy. */
#include "provenance/sigstore_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/b64.h"
#include "core/error.h"
#include "core/util.h"
#include "provenance/dsse.h"
#include "provenance/merkle.h"
#include "core/banned.h"

#define MAX_TIMES    32u
#define MAX_ENTRIES  16u
#define MAX_PROOF    64u
#define FUTURE_SLACK 60 /* seconds a log's clock may run ahead of ours */

struct vctx {
    const struct cu_bundle *b;
    const struct cu_trust_root *tr;
    X509 *leaf;         /* NULL in key mode */
    EVP_PKEY *key;      /* the signer's key (borrowed) */
    const uint8_t *art; /* artifact SHA-256, may be NULL for DSSE */
    uint8_t *pae;
    size_t pae_len;
    uint8_t pae_sha256[32];
    int64_t times[MAX_TIMES];
    size_t ntimes;
    /* logs of entries without an integrated time (Rekor v2): their key validity is checked
     * against the verified timestamps */
    const struct cu_tr_log *untimed[MAX_ENTRIES];
    size_t nuntimed;
    custody_error *err;
};

#define VFAIL(...) \
    cu_err_set(err, CU_EVERIFY, "bundle", CU_NO_OFFSET, __FILE__, __LINE__, __VA_ARGS__)

static int sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
    return EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL) == 1 ? 0 : CUSTODY_ENOMEM;
}

/* Compares a hex string (either case) with raw bytes. */
static bool hex_eq(const char *h, const uint8_t *p, size_t n)
{
    if (h == NULL || strlen(h) != 2 * n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        int a = cu_hexval((uint8_t)h[2 * i]), c = cu_hexval((uint8_t)h[2 * i + 1]);
        if (a < 0 || c < 0 || (uint8_t)(a * 16 + c) != p[i]) {
            return false;
        }
    }
    return true;
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* An int64 that protobuf JSON writes as a decimal string (or a plain number). -1 if absent or
 * malformed; negative numbers are refused. */
static int jint(const json_t *o, const char *k, int64_t *out)
{
    const json_t *v = json_object_get(o, k);
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return *out < 0 ? -1 : 0;
    }
    const char *s = json_string_value(v);
    if (s == NULL || *s == 0 || strlen(s) > 18) {
        return -1;
    }
    int64_t x = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9') {
            return -1;
        }
        x = x * 10 + (*c - '0');
    }
    *out = x;
    return 0;
}

/* Base64 string field into a fresh buffer; CU_EVERIFY-free: malformed input is EMALFORMED. */
static int jb64(const json_t *o, const char *k, uint8_t **out, size_t *len, custody_error *err)
{
    const json_t *v = json_object_get(o, k);
    *out = NULL;
    *len = 0;
    if (!json_is_string(v)) {
        return cu_err_malformed(err, "bundle", CU_NO_OFFSET, "%s missing", k);
    }
    /* protobuf JSON readers (Go protojson, Python json_format) skip line breaks in bytes
     * fields, and tools write wrapped base64 (`base64 file`): drop CR/LF, nothing else */
    const char *s = json_string_value(v);
    size_t n = json_string_length(v), m = 0;
    char *flat = cu_malloc(n + 1);
    if (flat == NULL) {
        return cu_err_nomem(err);
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\n' && s[i] != '\r') {
            flat[m++] = s[i];
        }
    }
    int rc = cu_b64_decode_alloc(out, len, flat, m, err);
    free(flat);
    if (rc == CUSTODY_EMALFORMED) {
        return cu_err_malformed(err, "bundle", CU_NO_OFFSET, "%s: bad base64", k);
    }
    return rc;
}

static bool in_range(int64_t t, int64_t start, int64_t end)
{
    return t >= start && t <= end;
}

static int add_time(struct vctx *v, int64_t t)
{
    if (v->ntimes >= MAX_TIMES) {
        return cu_err_limit(v->err, "bundle", CU_NO_OFFSET, "too many verified timestamps");
    }
    v->times[v->ntimes++] = t;
    return 0;
}

/* ---- signer material in log entries ---- */

/* Does DER or PEM `p` (a certificate or public key) name the bundle's signer? */
static bool material_matches(const struct vctx *v, const uint8_t *p, size_t n)
{
    bool ok = false;
    X509 *x = NULL;
    EVP_PKEY *k = NULL;
    BIO *bio;

    if (n == 0 || n > INT_MAX) {
        return false;
    }
    bio = BIO_new_mem_buf(p, (int)n);
    if (bio == NULL) {
        return false;
    }
    x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    if (x == NULL) {
        (void)BIO_reset(bio);
        k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    }
    if (x == NULL && k == NULL) {
        const uint8_t *q = p;
        x = d2i_X509(NULL, &q, (long)n);
        if (x != NULL && q != p + n) {
            X509_free(x);
            x = NULL;
        }
        if (x == NULL) {
            q = p;
            k = d2i_PUBKEY(NULL, &q, (long)n);
            if (k != NULL && q != p + n) {
                EVP_PKEY_free(k);
                k = NULL;
            }
        }
    }
    if (x != NULL) {
        ok = v->leaf != NULL && X509_cmp(x, v->leaf) == 0;
    } else if (k != NULL) {
        ok = v->leaf == NULL && EVP_PKEY_eq(k, v->key) == 1;
    }
    X509_free(x);
    EVP_PKEY_free(k);
    BIO_free(bio);
    ERR_clear_error();
    return ok;
}

static bool b64_material_matches(const struct vctx *v, const char *b64)
{
    uint8_t *p = NULL;
    size_t n = 0;
    custody_error e;
    if (b64 == NULL || cu_b64_decode_alloc(&p, &n, b64, strlen(b64), &e)) {
        return false;
    }
    bool ok = material_matches(v, p, n);
    free(p);
    return ok;
}

static bool b64_eq(const char *b64, const uint8_t *p, size_t n)
{
    uint8_t *d = NULL;
    size_t dn = 0;
    custody_error e;
    if (b64 == NULL || cu_b64_decode_alloc(&d, &dn, b64, strlen(b64), &e)) {
        return false;
    }
    bool ok = dn == n && (n == 0 || memcmp(d, p, n) == 0);
    free(d);
    return ok;
}

/* Rekor v2 verifier {publicKey {rawBytes} | x509Certificate {rawBytes}, keyDetails}. */
static bool v2_verifier_matches(const struct vctx *v, const json_t *ver)
{
    const json_t *c = json_object_get(json_object_get(ver, "x509Certificate"), "rawBytes");
    if (c == NULL) {
        c = json_object_get(json_object_get(ver, "publicKey"), "rawBytes");
    }
    return b64_material_matches(v, json_string_value(c));
}

/* The digest the log entry must hold for a message signature: the artifact's. */
static int body_matches(struct vctx *v, const json_t *body, const char *kind, const char *version)
{
    custody_error *err = v->err;
    const struct cu_bundle *b = v->b;
    const json_t *spec = json_object_get(body, "spec");
    const char *bk = jstr(body, "kind"), *bv = jstr(body, "apiVersion");
    uint8_t ph[32];

    if (bk == NULL || bv == NULL || strcmp(bk, kind) != 0 || strcmp(bv, version) != 0) {
        return VFAIL("tlog entry body is %s %s, kindVersion says %s %s", bk ? bk : "?",
                     bv ? bv : "?", kind, version);
    }
    if (b->content == CU_BUNDLE_DSSE && sha256(b->payload, b->payload_len, ph)) {
        return cu_err_nomem(err);
    }
    if (strcmp(kind, "hashedrekord") == 0 && strcmp(version, "0.0.1") == 0) {
        const json_t *hash = json_object_get(json_object_get(spec, "data"), "hash");
        const json_t *sig = json_object_get(spec, "signature");
        if (b->content != CU_BUNDLE_MESSAGE_SIGNATURE) {
            return VFAIL("hashedrekord 0.0.1 entry for a DSSE bundle");
        }
        if (!json_is_string(json_object_get(hash, "algorithm")) ||
            strcmp(jstr(hash, "algorithm"), "sha256") != 0 || v->art == NULL ||
            !hex_eq(jstr(hash, "value"), v->art, 32)) {
            return VFAIL("tlog entry does not match: hashedrekord digest is not the artifact's");
        }
        if (!b64_eq(jstr(sig, "content"), b->sig, b->sig_len)) {
            return VFAIL("tlog entry does not match: hashedrekord signature differs");
        }
        if (!b64_material_matches(v, jstr(json_object_get(sig, "publicKey"), "content"))) {
            return VFAIL("tlog entry does not match: hashedrekord key/certificate differs");
        }
        return 0;
    }
    if (strcmp(kind, "hashedrekord") == 0 && strcmp(version, "0.0.2") == 0) {
        const json_t *h = json_object_get(spec, "hashedRekordV002");
        const json_t *data = json_object_get(h, "data");
        const json_t *sig = json_object_get(h, "signature");
        const uint8_t *want = b->content == CU_BUNDLE_DSSE ? v->pae_sha256 : v->art;
        const char *alg = jstr(data, "algorithm");
        if (want == NULL || alg == NULL || strcmp(alg, "SHA2_256") != 0 ||
            !b64_eq(jstr(data, "digest"), want, 32)) {
            return VFAIL("tlog entry does not match: hashedrekord 0.0.2 digest differs");
        }
        if (!b64_eq(jstr(sig, "content"), b->sig, b->sig_len)) {
            return VFAIL("tlog entry does not match: hashedrekord 0.0.2 signature differs");
        }
        if (!v2_verifier_matches(v, json_object_get(sig, "verifier"))) {
            return VFAIL("tlog entry does not match: hashedrekord 0.0.2 verifier differs");
        }
        return 0;
    }
    if (b->content != CU_BUNDLE_DSSE) {
        return VFAIL("tlog entry kind %s %s does not fit a message signature", kind, version);
    }
    if (strcmp(kind, "dsse") == 0 && strcmp(version, "0.0.1") == 0) {
        const json_t *sigs = json_object_get(spec, "signatures"), *s;
        const json_t *phj = json_object_get(spec, "payloadHash");
        size_t i;
        bool found = false;
        if (!json_is_string(json_object_get(phj, "algorithm")) ||
            strcmp(jstr(phj, "algorithm"), "sha256") != 0 || !hex_eq(jstr(phj, "value"), ph, 32)) {
            return VFAIL("tlog entry does not match: dsse payload hash differs");
        }
        if (!json_is_array(sigs) || json_array_size(sigs) != 1) {
            return VFAIL("tlog entry does not match: dsse entry must hold one signature");
        }
        json_array_foreach(sigs, i, s)
        {
            if (b64_eq(jstr(s, "signature"), b->sig, b->sig_len) &&
                b64_material_matches(v, jstr(s, "verifier"))) {
                found = true;
            }
        }
        return found ? 0 : VFAIL("tlog entry does not match: dsse signature/verifier differs");
    }
    if (strcmp(kind, "dsse") == 0 && strcmp(version, "0.0.2") == 0) {
        const json_t *d = json_object_get(spec, "dsseV002");
        const json_t *phj = json_object_get(d, "payloadHash");
        const json_t *sigs = json_object_get(d, "signatures"), *s;
        size_t i;
        bool found = false;
        if (!json_is_string(json_object_get(phj, "algorithm")) ||
            strcmp(jstr(phj, "algorithm"), "SHA2_256") != 0 ||
            !b64_eq(jstr(phj, "digest"), ph, 32)) {
            return VFAIL("tlog entry does not match: dsse 0.0.2 payload hash differs");
        }
        if (!json_is_array(sigs) || json_array_size(sigs) != 1) {
            return VFAIL("tlog entry does not match: dsse 0.0.2 entry must hold one signature");
        }
        json_array_foreach(sigs, i, s)
        {
            if (b64_eq(jstr(s, "content"), b->sig, b->sig_len) &&
                v2_verifier_matches(v, json_object_get(s, "verifier"))) {
                found = true;
            }
        }
        return found ? 0 : VFAIL("tlog entry does not match: dsse 0.0.2 signature differs");
    }
    if (strcmp(kind, "intoto") == 0 && strcmp(version, "0.0.2") == 0) {
        const json_t *content = json_object_get(spec, "content");
        const json_t *env = json_object_get(content, "envelope");
        const json_t *phj = json_object_get(content, "payloadHash");
        const json_t *sigs = json_object_get(env, "signatures"), *s;
        const char *pt = jstr(env, "payloadType");
        size_t i;
        bool found = false;
        if (!json_is_string(json_object_get(phj, "algorithm")) ||
            strcmp(jstr(phj, "algorithm"), "sha256") != 0 || !hex_eq(jstr(phj, "value"), ph, 32)) {
            return VFAIL("tlog entry does not match: intoto payload hash differs");
        }
        if (pt == NULL || b->payload_type == NULL || strcmp(pt, b->payload_type) != 0) {
            return VFAIL("tlog entry does not match: intoto payloadType differs");
        }
        if (!json_is_array(sigs) || json_array_size(sigs) != 1) {
            return VFAIL("tlog entry does not match: intoto entry must hold one signature");
        }
        char *sigb64 = cu_b64_encode(b->sig, b->sig_len);
        if (sigb64 == NULL) {
            return cu_err_nomem(err);
        }
        json_array_foreach(sigs, i, s)
        {
            /* intoto 0.0.2 stores the envelope's base64 signature base64-encoded again */
            if ((b64_eq(jstr(s, "sig"), (const uint8_t *)sigb64, strlen(sigb64)) ||
                 b64_eq(jstr(s, "sig"), b->sig, b->sig_len)) &&
                b64_material_matches(v, jstr(s, "publicKey"))) {
                found = true;
            }
        }
        free(sigb64);
        return found ? 0 : VFAIL("tlog entry does not match: intoto signature differs");
    }
    return cu_err_unsupported(err, "bundle", CU_NO_OFFSET, "tlog entry kind %s %s unsupported",
                              kind, version);
}

/* ---- transparency log entries ---- */

static const struct cu_tr_log *
find_log(const struct cu_tr_log *logs, size_t n, const uint8_t *id, size_t id_len)
{
    for (size_t i = 0; i < n; i++) {
        if (id != NULL && logs[i].id_len == id_len && memcmp(logs[i].id, id, id_len) == 0) {
            return &logs[i];
        }
    }
    return NULL;
}

/* ECDSA with SHA-256 (DER) or Ed25519 over msg with a log key. */
static int log_sig_verify(EVP_PKEY *key,
                          const uint8_t *msg,
                          size_t n,
                          const uint8_t *sig,
                          size_t siglen,
                          custody_error *err)
{
    const EVP_MD *md = EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
    return cu_sig_verify(key, md, CU_SIG_DER, msg, n, sig, siglen, err);
}

/* SPEC: Rekor v1 SET = signature over the canonical JSON of
 * {body, integratedTime, logID (hex), logIndex} (keys sorted, no spaces). */
static int verify_set(const struct cu_tr_log *log,
                      const char *body_b64,
                      int64_t itime,
                      int64_t index,
                      const uint8_t *set,
                      size_t set_len,
                      custody_error *err)
{
    char idhex[65];
    cu_hex_encode(log->id, log->id_len, idhex);
    char *msg = cu_asprintf("{\"body\":\"%s\",\"integratedTime\":%lld,\"logID\":\"%s\","
                            "\"logIndex\":%lld}",
                            body_b64, (long long)itime, idhex, (long long)index);
    if (msg == NULL) {
        return cu_err_nomem(err);
    }
    int rc = log_sig_verify(log->key, (const uint8_t *)msg, strlen(msg), set, set_len, err);
    free(msg);
    if (rc == CU_EVERIFY || rc == CUSTODY_EMALFORMED) {
        return VFAIL("signed entry timestamp (SET) does not verify with the log key");
    }
    return rc;
}

/* Note key hint of a log key: SHA-256(DER SPKI)[:4] for ECDSA; for Ed25519 the C2SP signed-note
 * key id SHA-256(name || "\n" || 0x01 || key)[:4] (name = the signature line's name). */
static bool
hint_matches(const struct cu_tr_log *log, const uint8_t *hint, const char *name, size_t name_len)
{
    if (log->id_len >= 4 && memcmp(log->id, hint, 4) == 0) {
        return true;
    }
    if (EVP_PKEY_get_base_id(log->key) == EVP_PKEY_ED25519) {
        uint8_t raw[32], h[32];
        size_t rl = sizeof raw;
        if (EVP_PKEY_get_raw_public_key(log->key, raw, &rl) != 1 || rl != 32) {
            return false;
        }
        EVP_MD_CTX *c = EVP_MD_CTX_new();
        bool ok = c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
                  EVP_DigestUpdate(c, name, name_len) == 1 &&
                  EVP_DigestUpdate(c, "\n\x01", 2) == 1 && EVP_DigestUpdate(c, raw, 32) == 1 &&
                  EVP_DigestFinal_ex(c, h, NULL) == 1;
        EVP_MD_CTX_free(c);
        return ok && memcmp(h, hint, 4) == 0;
    }
    return false;
}

/* SPEC: C2SP tlog-checkpoint / signed-note: "origin\nsize\nroot-b64\n[ext lines]\n\n" then
 * signature lines "— name base64(keyhint[4] || sig)\n". Checks one signature by the log's key
 * and that size and root hash equal the proof's. */
static int verify_checkpoint(const struct cu_tr_log *log,
                             const char *env,
                             uint64_t size,
                             const uint8_t *root,
                             custody_error *err)
{
    const char *sep = strstr(env, "\n\n");
    size_t body_len;
    int rc = 0;

    if (sep == NULL) {
        return VFAIL("checkpoint: no blank line before the signatures");
    }
    body_len = (size_t)(sep - env) + 1;
    /* body lines */
    const char *l1 = env, *e1 = memchr(l1, '\n', body_len);
    if (e1 == NULL || e1 == l1) {
        return VFAIL("checkpoint: missing origin line");
    }
    const char *l2 = e1 + 1, *e2 = memchr(l2, '\n', body_len - (size_t)(l2 - env));
    if (e2 == NULL || e2 == l2 || e2 - l2 > 20) {
        return VFAIL("checkpoint: missing tree size line");
    }
    uint64_t csize = 0;
    for (const char *c = l2; c < e2; c++) {
        uint64_t dgt = (uint64_t)(*c - '0');
        if (*c < '0' || *c > '9' || (c == l2 && *c == '0' && e2 - l2 > 1) ||
            csize > (UINT64_MAX - dgt) / 10) {
            return VFAIL("checkpoint: bad tree size line");
        }
        csize = csize * 10 + dgt;
    }
    const char *l3 = e2 + 1;
    const char *e3 = l3 < env + body_len ? memchr(l3, '\n', body_len - (size_t)(l3 - env)) : NULL;
    if (e3 == NULL || e3 == l3) {
        return VFAIL("checkpoint: missing root hash line");
    }
    uint8_t croot[64];
    size_t croot_len = 0;
    custody_error e;
    if (cu_b64_decode(croot, sizeof croot, &croot_len, l3, (size_t)(e3 - l3), &e) ||
        croot_len != 32) {
        return VFAIL("checkpoint: bad root hash line");
    }
    if (csize != size) {
        return VFAIL("checkpoint tree size %llu differs from the inclusion proof's %llu",
                     (unsigned long long)csize, (unsigned long long)size);
    }
    if (memcmp(croot, root, 32) != 0) {
        return VFAIL("checkpoint root hash differs from the inclusion proof's root");
    }
    /* signature lines */
    const char *p = sep + 2;
    bool any = false, ok = false;
    while (*p) {
        const char *eol = strchr(p, '\n');
        if (eol == NULL) {
            return VFAIL("checkpoint: unterminated signature line");
        }
        static const char dash[] = "\xe2\x80\x94 ";
        if ((size_t)(eol - p) < 5 || memcmp(p, dash, 4) != 0) {
            return VFAIL("checkpoint: bad signature line");
        }
        const char *name = p + 4;
        const char *sp = memchr(name, ' ', (size_t)(eol - name));
        if (sp == NULL || sp == name) {
            return VFAIL("checkpoint: bad signature line");
        }
        uint8_t sig[600];
        size_t sl = 0;
        if (cu_b64_decode(sig, sizeof sig, &sl, sp + 1, (size_t)(eol - sp - 1), &e) || sl < 5) {
            return VFAIL("checkpoint: bad signature encoding");
        }
        any = true;
        if (!ok && hint_matches(log, sig, name, (size_t)(sp - name))) {
            rc = log_sig_verify(log->key, (const uint8_t *)env, body_len, sig + 4, sl - 4, &e);
            if (rc == 0) {
                ok = true;
            } else if (rc != CU_EVERIFY && rc != CUSTODY_EMALFORMED) {
                *err = e;
                return rc;
            }
        }
        p = eol + 1;
    }
    if (!any) {
        return VFAIL("checkpoint has no signatures");
    }
    if (!ok) {
        return VFAIL("checkpoint: no signature by the log's key verifies (key hint or signature)");
    }
    return 0;
}

static int verify_inclusion(const struct cu_tr_log *log,
                            const json_t *ip,
                            const uint8_t *body,
                            size_t body_len,
                            custody_error *err)
{
    int64_t index, size;
    const json_t *hashes = json_object_get(ip, "hashes"), *h;
    uint8_t *root = NULL, *bufs[MAX_PROOF] = { 0 };
    size_t root_len = 0, i, n = 0;
    struct cu_bytes proof[MAX_PROOF];
    uint8_t leaf[32];
    int rc;

    if (jint(ip, "logIndex", &index) || jint(ip, "treeSize", &size)) {
        return cu_err_malformed(err, "bundle", CU_NO_OFFSET, "inclusion proof: bad index/size");
    }
    if (!json_is_array(hashes) || json_array_size(hashes) > MAX_PROOF) {
        return cu_err_malformed(err, "bundle", CU_NO_OFFSET, "inclusion proof: bad hashes");
    }
    rc = jb64(ip, "rootHash", &root, &root_len, err);
    if (rc) {
        return rc;
    }
    json_array_foreach(hashes, i, h)
    {
        const char *s = json_string_value(h);
        if (s == NULL) {
            rc = cu_err_malformed(err, "bundle", CU_NO_OFFSET, "inclusion proof: bad hash");
            goto out;
        }
        rc = cu_b64_decode_alloc(&bufs[i], &proof[i].len, s, strlen(s), err);
        if (rc) {
            goto out;
        }
        proof[i].p = bufs[i];
        n = i + 1;
    }
    rc = cu_merkle_leaf_hash(leaf, body, body_len);
    if (rc) {
        goto out;
    }
    rc = cu_merkle_verify_inclusion((uint64_t)index, (uint64_t)size, (struct cu_bytes){ leaf, 32 },
                                    proof, n, (struct cu_bytes){ root, root_len }, err);
    if (rc == CU_EVERIFY) {
        char m[200];
        (void)snprintf(m, sizeof m, "%.190s", err->msg);
        rc = VFAIL("inclusion proof does not verify: %s", m);
    }
    if (rc) {
        goto out;
    }
    const char *cp = jstr(json_object_get(ip, "checkpoint"), "envelope");
    if (cp == NULL) {
        rc = VFAIL("inclusion proof has no checkpoint");
        goto out;
    }
    if (root_len != 32) {
        rc = VFAIL("inclusion proof root hash has %zu bytes", root_len);
        goto out;
    }
    rc = verify_checkpoint(log, cp, (uint64_t)size, root, err);
out:
    for (i = 0; i < n; i++) {
        free(bufs[i]);
    }
    free(root);
    return rc;
}

static int verify_entry(struct vctx *v, const json_t *e, size_t idx)
{
    custody_error *err = v->err;
    const json_t *kv = json_object_get(e, "kindVersion");
    const char *kind = jstr(kv, "kind"), *version = jstr(kv, "version");
    const json_t *ip = json_object_get(e, "inclusionProof");
    const json_t *promise = json_object_get(e, "inclusionPromise");
    const char *body_b64 = jstr(e, "canonicalizedBody");
    int64_t index, itime = 0;
    uint8_t *id = NULL, *body = NULL, *set = NULL;
    size_t id_len = 0, body_len = 0, set_len = 0;
    json_t *bj = NULL;
    const struct cu_tr_log *log;
    int rc;

    if (!json_is_object(e) || kind == NULL || version == NULL || body_b64 == NULL) {
        return cu_err_malformed(err, "bundle", CU_NO_OFFSET,
                                "tlog entry %zu: kindVersion or canonicalizedBody missing", idx);
    }
    if (jint(e, "logIndex", &index)) {
        return cu_err_malformed(err, "bundle", CU_NO_OFFSET, "tlog entry %zu: bad logIndex", idx);
    }
    if (json_object_get(e, "integratedTime") != NULL && jint(e, "integratedTime", &itime)) {
        return cu_err_malformed(err, "bundle", CU_NO_OFFSET, "tlog entry %zu: bad integratedTime",
                                idx);
    }
    rc = jb64(json_object_get(e, "logId"), "keyId", &id, &id_len, err);
    if (rc) {
        goto out;
    }
    log = find_log(v->tr->tlogs, v->tr->n_tlogs, id, id_len);
    if (log == NULL) {
        rc = VFAIL("tlog entry %zu: log id is not a transparency log of the trusted root", idx);
        goto out;
    }
    rc = cu_b64_decode_alloc(&body, &body_len, body_b64, strlen(body_b64), err);
    if (rc) {
        goto out;
    }
    json_error_t je;
    bj = json_loadb((const char *)body, body_len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(bj)) {
        rc = cu_err_malformed(err, "bundle", CU_NO_OFFSET, "tlog entry %zu: body is not JSON", idx);
        goto out;
    }
    rc = body_matches(v, bj, kind, version);
    if (rc) {
        goto out;
    }
    if (itime != 0) {
        time_t now = time(NULL);
        if (itime > (int64_t)now + FUTURE_SLACK) {
            rc = VFAIL("tlog entry %zu: integrated time %lld is in the future", idx,
                       (long long)itime);
            goto out;
        }
        if (!in_range(itime, log->start, log->end)) {
            rc = VFAIL("tlog entry %zu: integrated time outside the log key's validity", idx);
            goto out;
        }
    }
    if (promise != NULL) {
        rc = jb64(promise, "signedEntryTimestamp", &set, &set_len, err);
        if (rc) {
            goto out;
        }
        rc = verify_set(log, body_b64, itime, index, set, set_len, err);
        if (rc) {
            goto out;
        }
    }
    if (ip != NULL) {
        rc = verify_inclusion(log, ip, body, body_len, err);
        if (rc) {
            goto out;
        }
    } else if (v->b->minor >= 2 || itime == 0) {
        rc = VFAIL("tlog entry %zu: inclusion proof required (bundle v0.%d)", idx, v->b->minor);
        goto out;
    }
    if (promise == NULL && ip == NULL) {
        rc = VFAIL("tlog entry %zu: neither SET nor inclusion proof", idx);
        goto out;
    }
    if (itime == 0 && v->nuntimed < MAX_ENTRIES) {
        v->untimed[v->nuntimed++] = log;
    }
    if (itime != 0) {
        if (promise == NULL) {
            /* an integrated time without a SET is not signed by the log: not a verified time */
        } else {
            rc = add_time(v, itime);
        }
    }
out:
    json_decref(bj);
    free(id);
    free(body);
    free(set);
    return rc;
}

/* ---- RFC 3161 timestamps ---- */

static int64_t asn1_to_unix(const ASN1_TIME *t)
{
    struct tm tm;
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) {
        return -1;
    }
    return cu_civil_to_unix(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                            tm.tm_sec);
}

/* X509_STORE trusting the last certificate of `chain` (partial chains allowed, so a CA given as
 * an intermediate is an anchor too), the others untrusted; verification time t. */
static X509_STORE *store_for(STACK_OF(X509) * chain, int64_t t, STACK_OF(X509) * *untrusted)
{
    X509_STORE *st = X509_STORE_new();
    int n = sk_X509_num(chain);
    *untrusted = sk_X509_new_null();
    if (st == NULL || *untrusted == NULL || n < 1) {
        goto fail;
    }
    for (int i = 0; i < n; i++) {
        X509 *c = sk_X509_value(chain, i);
        bool self = X509_check_issued(c, c) == X509_V_OK;
        if (i == n - 1 || self) {
            if (X509_STORE_add_cert(st, c) != 1) {
                goto fail;
            }
        } else if (!X509_up_ref(c) || !sk_X509_push(*untrusted, c)) {
            goto fail;
        }
    }
    X509_VERIFY_PARAM *vp = X509_STORE_get0_param(st);
    X509_VERIFY_PARAM_set_time(vp, (time_t)t);
    X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
    return st;
fail:
    X509_STORE_free(st);
    sk_X509_pop_free(*untrusted, X509_free);
    *untrusted = NULL;
    return NULL;
}

static int verify_timestamp(struct vctx *v, const json_t *ts, size_t idx)
{
    custody_error *err = v->err;
    uint8_t *der = NULL;
    size_t len = 0;
    TS_RESP *resp = NULL;
    PKCS7 *token = NULL, *own_token = NULL;
    TS_TST_INFO *info = NULL, *own_info = NULL;
    int rc = jb64(ts, "signedTimestamp", &der, &len, err);
    if (rc) {
        return rc;
    }
    if (len > LONG_MAX) {
        rc = cu_err_limit(err, "bundle", CU_NO_OFFSET, "timestamp too large");
        goto out;
    }
    const uint8_t *p = der;
    resp = d2i_TS_RESP(NULL, &p, (long)len);
    if (resp != NULL && p == der + len) {
        token = TS_RESP_get_token(resp);
        info = TS_RESP_get_tst_info(resp);
    } else {
        p = der;
        own_token = d2i_PKCS7(NULL, &p, (long)len);
        if (own_token != NULL && p == der + len) {
            token = own_token;
            info = own_info = PKCS7_to_TS_TST_INFO(own_token);
        }
    }
    ERR_clear_error();
    if (token == NULL || info == NULL) {
        rc = cu_err_malformed(err, "bundle", CU_NO_OFFSET,
                              "RFC 3161 timestamp %zu is not a TimeStampResp or token", idx);
        goto out;
    }
    int64_t gen = asn1_to_unix(TS_TST_INFO_get_time(info));
    if (gen < 0) {
        rc = cu_err_malformed(err, "bundle", CU_NO_OFFSET, "timestamp %zu: bad genTime", idx);
        goto out;
    }
    bool in_any = false, ok = false;
    for (size_t i = 0; i < v->tr->n_tsas && !ok; i++) {
        const struct cu_tr_ca *tsa = &v->tr->tsas[i];
        STACK_OF(X509) *untrusted = NULL;
        if (!in_range(gen, tsa->start, tsa->end)) {
            continue;
        }
        in_any = true;
        X509_STORE *st = store_for(tsa->chain, gen, &untrusted);
        TS_VERIFY_CTX *vc = TS_VERIFY_CTX_new();
        BIO *data = BIO_new_mem_buf(v->b->sig, (int)v->b->sig_len);
        if (st == NULL || vc == NULL || data == NULL) {
            X509_STORE_free(st);
            sk_X509_pop_free(untrusted, X509_free);
            TS_VERIFY_CTX_free(vc);
            BIO_free(data);
            rc = cu_err_nomem(err);
            goto out;
        }
        /* store_for put the TSA chain's leaf and intermediates among the untrusted certificates,
         * so tokens without embedded certificates verify too */
        TS_VERIFY_CTX_set_flags(vc, TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_DATA);
        TS_VERIFY_CTX_set_data(vc, data);
        TS_VERIFY_CTX_set_store(vc, st);
        TS_VERIFY_CTS_set_certs(vc, untrusted);
        ok = TS_RESP_verify_token(vc, token) == 1;
        TS_VERIFY_CTX_free(vc);
        ERR_clear_error();
    }
    if (!in_any) {
        rc = VFAIL("RFC 3161 timestamp %zu: no timestamp authority of the trusted root is valid at "
                   "its time",
                   idx);
    } else if (!ok) {
        rc = VFAIL("RFC 3161 timestamp %zu does not verify (TSA chain, signature or imprint)", idx);
    } else {
        rc = add_time(v, gen);
    }
out:
    TS_RESP_free(resp);
    PKCS7_free(own_token);
    TS_TST_INFO_free(own_info);
    free(der);
    return rc;
}

/* ---- certificate: chain, SCTs, identity ---- */

static int verify_chain_at(struct vctx *v, int64_t t, X509 **issuer)
{
    custody_error *err = v->err;
    bool in_any = false;
    for (size_t i = 0; i < v->tr->n_cas; i++) {
        const struct cu_tr_ca *ca = &v->tr->cas[i];
        STACK_OF(X509) *untrusted = NULL;
        if (!in_range(t, ca->start, ca->end)) {
            continue;
        }
        in_any = true;
        X509_STORE *st = store_for(ca->chain, t, &untrusted);
        X509_STORE_CTX *sc = X509_STORE_CTX_new();
        bool ok = false;
        if (st != NULL && sc != NULL && X509_STORE_CTX_init(sc, st, v->leaf, untrusted) == 1) {
            ok = X509_verify_cert(sc) == 1;
            STACK_OF(X509) *built = X509_STORE_CTX_get0_chain(sc);
            if (ok && issuer != NULL && *issuer == NULL && sk_X509_num(built) >= 2) {
                *issuer = sk_X509_value(built, 1);
                if (!X509_up_ref(*issuer)) {
                    *issuer = NULL;
                }
            }
        }
        X509_STORE_CTX_free(sc);
        X509_STORE_free(st);
        sk_X509_pop_free(untrusted, X509_free);
        ERR_clear_error();
        if (ok) {
            return 0;
        }
    }
    if (!in_any) {
        return VFAIL("no certificate authority of the trusted root is valid at %lld", (long long)t);
    }
    return VFAIL("certificate does not chain to a trusted CA at the signing time %lld (expired, "
                 "not yet valid, or unknown issuer)",
                 (long long)t);
}

static void put_be(uint8_t *p, uint64_t x, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (uint8_t)(x & 0xff);
        x >>= 8;
    }
}

/* SPEC: RFC 6962 §3.2: an embedded SCT signs the precertificate entry: version, signature type,
 * timestamp, entry type 1, SHA-256 of the issuer's SPKI, the TBS without the SCT extension. */
static int verify_scts(struct vctx *v, X509 *issuer)
{
    custody_error *err = v->err;
    STACK_OF(SCT) *scts = X509_get_ext_d2i(v->leaf, NID_ct_precert_scts, NULL, NULL);
    X509 *pre = NULL;
    uint8_t *tbs = NULL, *spki = NULL, *msg = NULL;
    int tbs_len, spki_len;
    uint8_t ikh[32];
    int rc = 0;
    bool ok = false;

    if (scts == NULL || sk_SCT_num(scts) == 0) {
        rc = VFAIL("certificate has no embedded SCT");
        goto out;
    }
    pre = X509_dup(v->leaf);
    int pos = pre == NULL ? -1 : X509_get_ext_by_NID(pre, NID_ct_precert_scts, -1);
    if (pos < 0) {
        rc = cu_err_nomem(err);
        goto out;
    }
    X509_EXTENSION_free(X509_delete_ext(pre, pos));
    tbs_len = i2d_re_X509_tbs(pre, &tbs);
    spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer), &spki);
    if (tbs_len <= 0 || spki_len <= 0 || tbs_len > 0xffffff ||
        sha256(spki, (size_t)spki_len, ikh)) {
        rc = cu_err_malformed(err, "bundle", CU_NO_OFFSET, "cannot re-encode the certificate");
        goto out;
    }
    for (int i = 0; i < sk_SCT_num(scts) && !ok; i++) {
        SCT *sct = sk_SCT_value(scts, i);
        unsigned char *id = NULL, *ext = NULL, *sig = NULL;
        size_t id_len = SCT_get0_log_id(sct, &id);
        size_t ext_len = SCT_get0_extensions(sct, &ext);
        size_t sig_len = SCT_get0_signature(sct, &sig);
        uint64_t ts = SCT_get_timestamp(sct);
        if (SCT_get_version(sct) != SCT_VERSION_V1 || ext_len > 0xffff) {
            continue;
        }
        const struct cu_tr_log *log = find_log(v->tr->ctlogs, v->tr->n_ctlogs, id, id_len);
        if (log == NULL || ts / 1000 > INT64_MAX ||
            !in_range((int64_t)(ts / 1000), log->start, log->end)) {
            continue;
        }
        size_t n = 1 + 1 + 8 + 2 + 32 + 3 + (size_t)tbs_len + 2 + ext_len;
        free(msg);
        msg = cu_malloc(n);
        if (msg == NULL) {
            rc = cu_err_nomem(err);
            goto out;
        }
        uint8_t *q = msg;
        *q++ = 0; /* v1 */
        *q++ = 0; /* certificate_timestamp */
        put_be(q, ts, 8);
        q += 8;
        put_be(q, 1, 2); /* precert_entry */
        q += 2;
        memcpy(q, ikh, 32);
        q += 32;
        put_be(q, (uint64_t)tbs_len, 3);
        q += 3;
        memcpy(q, tbs, (size_t)tbs_len);
        q += tbs_len;
        put_be(q, ext_len, 2);
        q += 2;
        if (ext_len) {
            memcpy(q, ext, ext_len);
        }
        custody_error e;
        if (cu_sig_verify(log->key, EVP_sha256(), CU_SIG_DER, msg, n, sig, sig_len, &e) == 0) {
            ok = true;
        }
    }
    if (!ok) {
        rc = VFAIL("no SCT verifies with a CT log of the trusted root");
    }
out:
    SCT_LIST_free(scts);
    X509_free(pre);
    OPENSSL_free(tbs);
    OPENSSL_free(spki);
    free(msg);
    ERR_clear_error();
    return rc;
}

char *cu_cert_ext_string(X509 *x, const char *oid, bool der_utf8)
{
    ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);
    int pos = o == NULL ? -1 : X509_get_ext_by_OBJ(x, o, -1);
    ASN1_OBJECT_free(o);
    if (pos < 0) {
        return NULL;
    }
    ASN1_OCTET_STRING *os = X509_EXTENSION_get_data(X509_get_ext(x, pos));
    const uint8_t *p = ASN1_STRING_get0_data(os);
    int n = ASN1_STRING_length(os);
    if (!der_utf8) {
        return memchr(p, 0, (size_t)n) != NULL ? NULL : cu_strndup((const char *)p, (size_t)n);
    }
    ASN1_UTF8STRING *u = d2i_ASN1_UTF8STRING(NULL, &p, n);
    char *s = NULL;
    if (u != NULL && p == ASN1_STRING_get0_data(os) + n &&
        memchr(ASN1_STRING_get0_data(u), 0, (size_t)ASN1_STRING_length(u)) == NULL) {
        s = cu_strndup((const char *)ASN1_STRING_get0_data(u), (size_t)ASN1_STRING_length(u));
    }
    ASN1_UTF8STRING_free(u);
    ERR_clear_error();
    return s;
}

/* The OIDC issuer: OID 1.3.6.1.4.1.57264.1.8 (DER UTF8String) or legacy .1.1 (raw). */
static char *cert_issuer(X509 *x)
{
    char *s = cu_cert_ext_string(x, "1.3.6.1.4.1.57264.1.8", true);
    return s != NULL ? s : cu_cert_ext_string(x, "1.3.6.1.4.1.57264.1.1", false);
}

char *cu_cert_san(X509 *x)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    char *out = NULL;
    for (int i = 0; i < sk_GENERAL_NAME_num(gens) && out == NULL; i++) {
        GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        ASN1_STRING *s = g->type == GEN_URI     ? g->d.uniformResourceIdentifier
                         : g->type == GEN_EMAIL ? g->d.rfc822Name
                                                : NULL;
        if (s != NULL) {
            out = cu_strndup((const char *)ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
        }
    }
    GENERAL_NAMES_free(gens);
    return out;
}

static int verify_identity(struct vctx *v, const struct cu_identity_policy *pol)
{
    custody_error *err = v->err;
    if (pol == NULL) {
        return 0;
    }
    if (pol->san != NULL) {
        GENERAL_NAMES *gens = X509_get_ext_d2i(v->leaf, NID_subject_alt_name, NULL, NULL);
        bool ok = false;
        char first[200] = "";
        for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
            GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
            ASN1_STRING *s = NULL;
            if (g->type == GEN_EMAIL) {
                s = g->d.rfc822Name;
            } else if (g->type == GEN_URI) {
                s = g->d.uniformResourceIdentifier;
            } else if (g->type == GEN_OTHERNAME) {
                ASN1_TYPE *t = g->d.otherName->value;
                if (t != NULL && t->type == V_ASN1_UTF8STRING) {
                    s = t->value.utf8string;
                }
            }
            if (s == NULL) {
                continue;
            }
            size_t n = (size_t)ASN1_STRING_length(s);
            const char *d = (const char *)ASN1_STRING_get0_data(s);
            if (first[0] == 0) {
                (void)snprintf(first, sizeof first, "%.*s", (int)(n < 190 ? n : 190), d);
            }
            if (n == strlen(pol->san) && memcmp(d, pol->san, n) == 0) {
                ok = true;
            }
        }
        GENERAL_NAMES_free(gens);
        if (!ok) {
            return VFAIL("identity mismatch: certificate SAN is \"%s\", expected \"%s\"", first,
                         pol->san);
        }
    }
    if (pol->issuer != NULL) {
        char *iss = cert_issuer(v->leaf);
        bool ok = iss != NULL && strcmp(iss, pol->issuer) == 0;
        if (!ok) {
            int rc = VFAIL("issuer mismatch: certificate OIDC issuer is \"%s\", expected \"%s\"",
                           iss ? iss : "(none)", pol->issuer);
            free(iss);
            return rc;
        }
        free(iss);
    }
    return 0;
}

/* ---- the signature itself ---- */

static int verify_message_sig(struct vctx *v)
{
    custody_error *err = v->err;
    const struct cu_bundle *b = v->b;
    if (v->art == NULL) {
        return cu_err_inval(err, "a message-signature bundle needs the artifact digest");
    }
    if (b->digest_alg != NULL && strcmp(b->digest_alg, "SHA2_256") == 0 &&
        (b->digest_len != 32 || memcmp(b->digest, v->art, 32) != 0)) {
        return VFAIL("artifact digest differs from the bundle's message digest");
    }
    if (EVP_PKEY_get_base_id(v->key) != EVP_PKEY_EC) {
        return cu_err_unsupported(err, "bundle", CU_NO_OFFSET,
                                  "message signatures are verified for ECDSA keys only");
    }
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(v->key, NULL);
    int r = -1;
    if (pc != NULL && EVP_PKEY_verify_init(pc) == 1 &&
        EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()) == 1) {
        r = EVP_PKEY_verify(pc, b->sig, b->sig_len, v->art, 32);
    }
    EVP_PKEY_CTX_free(pc);
    ERR_clear_error();
    return r == 1 ? 0 : VFAIL("signature does not verify over the artifact digest");
}

/* In-toto subject check: the artifact's sha256 is one of the statement's subject digests. */
static int check_subject(struct vctx *v)
{
    custody_error *err = v->err;
    json_error_t je;
    json_t *st = json_loadb((const char *)v->b->payload, v->b->payload_len, 0, &je);
    const json_t *subj = json_object_get(st, "subject"), *s;
    size_t i;
    bool ok = false;
    json_array_foreach(subj, i, s)
    {
        if (hex_eq(jstr(json_object_get(s, "digest"), "sha256"), v->art, 32)) {
            ok = true;
        }
    }
    json_decref(st);
    return ok ? 0 : VFAIL("artifact digest is not a subject of the in-toto statement");
}

static bool is_trusted_ca(const struct cu_trust_root *tr, X509 *c)
{
    for (size_t i = 0; i < tr->n_cas; i++) {
        for (int k = 0; k < sk_X509_num(tr->cas[i].chain); k++) {
            if (X509_cmp(sk_X509_value(tr->cas[i].chain, k), c) == 0) {
                return true;
            }
        }
    }
    return false;
}

int cu_sigstore_verify_ex(const struct cu_bundle *b,
                          const struct cu_trust_root *tr,
                          const struct cu_identity_policy *pol,
                          EVP_PKEY *key,
                          const uint8_t *artifact_sha256,
                          int64_t *signing_time,
                          custody_error *err)
{
    struct vctx v = { .b = b, .tr = tr, .art = artifact_sha256, .err = err };
    X509 *issuer = NULL;
    size_t i;
    const json_t *e;
    int rc = 0;

    *signing_time = 0;
    if (b == NULL || tr == NULL) {
        return cu_err_inval(err, "no bundle or trusted root");
    }
    if (key != NULL) {
        if (b->vm != CU_BUNDLE_VM_PUBLIC_KEY) {
            return VFAIL("bundle is signed with a certificate, a public key was expected");
        }
        v.key = key;
    } else {
        if (b->vm == CU_BUNDLE_VM_PUBLIC_KEY || b->certs == NULL || sk_X509_num(b->certs) < 1) {
            return VFAIL("bundle has no signing certificate (a key-signed bundle needs --key)");
        }
        for (int k = 0; k < sk_X509_num(b->certs); k++) {
            X509 *c = sk_X509_value(b->certs, k);
            /* a root in the bundle's chain is refused unless it is one of the trusted root's
             * own CA certificates (old v0.1 bundles carry leaf, intermediate and root) */
            if (k > 0 && X509_check_issued(c, c) == X509_V_OK && !is_trusted_ca(tr, c)) {
                ERR_clear_error();
                return VFAIL("bundle certificate chain contains a root certificate that is not "
                             "a trusted CA");
            }
            if (k == 0 && X509_check_issued(c, c) == X509_V_OK) {
                ERR_clear_error();
                return VFAIL("bundle signing certificate is self-signed");
            }
        }
        ERR_clear_error();
        v.leaf = sk_X509_value(b->certs, 0);
        v.key = X509_get0_pubkey(v.leaf);
        if (v.key == NULL) {
            return cu_err_malformed(err, "bundle", CU_NO_OFFSET, "certificate key unreadable");
        }
    }
    /* 1. the signature */
    if (b->content == CU_BUNDLE_DSSE) {
        if (b->payload_type == NULL || b->payload == NULL) {
            rc = cu_err_malformed(err, "bundle", CU_NO_OFFSET, "DSSE envelope incomplete");
            goto out;
        }
        rc = cu_dsse_pae(&v.pae, &v.pae_len, b->payload_type, strlen(b->payload_type), b->payload,
                         b->payload_len, err);
        if (rc || (rc = sha256(v.pae, v.pae_len, v.pae_sha256)) != 0) {
            goto out;
        }
        const EVP_MD *md = NULL; /* the curve's digest, or none for Ed25519 */
        rc = cu_sig_verify(v.key, md, CU_SIG_DER, v.pae, v.pae_len, b->sig, b->sig_len, err);
        if (rc == CU_EVERIFY || rc == CUSTODY_EMALFORMED) {
            rc = VFAIL("DSSE signature does not verify");
        }
        if (rc) {
            goto out;
        }
        if (v.art != NULL && (rc = check_subject(&v)) != 0) {
            goto out;
        }
    } else if ((rc = verify_message_sig(&v)) != 0) {
        goto out;
    }
    /* 2. transparency log entries */
    if (!json_is_array(b->tlog_entries) || json_array_size(b->tlog_entries) == 0) {
        rc = VFAIL("bundle has no transparency log entry");
        goto out;
    }
    if (json_array_size(b->tlog_entries) > MAX_ENTRIES) {
        rc = cu_err_limit(err, "bundle", CU_NO_OFFSET, "too many tlog entries");
        goto out;
    }
    json_array_foreach(b->tlog_entries, i, e)
    {
        rc = verify_entry(&v, e, i);
        if (rc) {
            goto out;
        }
    }
    /* 3. RFC 3161 timestamps */
    if (b->timestamps != NULL) {
        if (!json_is_array(b->timestamps) || json_array_size(b->timestamps) > MAX_ENTRIES) {
            rc = cu_err_malformed(err, "bundle", CU_NO_OFFSET, "bad rfc3161Timestamps");
            goto out;
        }
        json_array_foreach(b->timestamps, i, e)
        {
            rc = verify_timestamp(&v, e, i);
            if (rc) {
                goto out;
            }
        }
    }
    if (v.ntimes == 0) {
        rc = VFAIL("no verified signing time (no SET-backed integrated time, no RFC 3161 "
                   "timestamp)");
        goto out;
    }
    /* a log without integrated times must have been valid at a verified time */
    for (i = 0; i < v.nuntimed; i++) {
        bool ok = false;
        for (size_t k = 0; k < v.ntimes; k++) {
            ok = ok || in_range(v.times[k], v.untimed[i]->start, v.untimed[i]->end);
        }
        if (!ok) {
            rc = VFAIL("transparency log key is not valid at the verified signing time");
            goto out;
        }
    }
    /* 4. certificate at every verified time, SCTs, identity */
    if (v.leaf != NULL) {
        for (i = 0; i < v.ntimes; i++) {
            rc = verify_chain_at(&v, v.times[i], &issuer);
            if (rc) {
                goto out;
            }
        }
        if (issuer == NULL) {
            rc = VFAIL("certificate chain has no issuer");
            goto out;
        }
        rc = verify_scts(&v, issuer);
        if (rc) {
            goto out;
        }
        rc = verify_identity(&v, pol);
        if (rc) {
            goto out;
        }
    }
    *signing_time = v.times[0];
out:
    X509_free(issuer);
    free(v.pae);
    return rc;
}

int cu_sigstore_verify(const struct cu_bundle *b,
                       const struct cu_trust_root *tr,
                       const struct cu_identity_policy *pol,
                       const uint8_t *artifact_sha256,
                       int64_t *signing_time,
                       custody_error *err)
{
    return cu_sigstore_verify_ex(b, tr, pol, NULL, artifact_sha256, signing_time, err);
}
