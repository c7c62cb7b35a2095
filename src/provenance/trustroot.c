/* Sigstore trusted_root.json (dev.sigstore.trustroot.v1.TrustedRoot, JSON form): transparency
 * logs, CT logs, Fulcio CAs and timestamp authorities with their validity intervals. */
#include "provenance/sigstore_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/x509.h>

#include "core/b64.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/util.h"
#include "provenance/dsse.h"
#include "provenance/keys.h"
#include "core/banned.h"

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t cu_civil_to_unix(int y, int mo, int d, int h, int mi, int s)
{
    return days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s;
}

int cu_rfc3339_parse(const char *s, bool round_up, int64_t *out)
{
    int y, mo, d, h, mi, se, oh = 0, om = 0;
    size_t n = strlen(s), i = 19;
    bool frac = false;

    if (n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
        s[16] != ':' || digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
        digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &se)) {
        return -1;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) {
        return -1;
    }
    if (s[i] == '.') {
        i++;
        size_t st = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (s[i] != '0') {
                frac = true;
            }
            i++;
        }
        if (i == st) {
            return -1;
        }
    }
    if (i < n && (s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
        /* UTC */
    } else if (i < n && (s[i] == '+' || s[i] == '-') && n - i == 6 && s[i + 3] == ':' &&
               !digits(s + i + 1, 2, &oh) && !digits(s + i + 4, 2, &om) && oh < 24 && om < 60) {
        if (s[i] == '-') {
            oh = -oh;
            om = -om;
        }
    } else {
        return -1;
    }
    int64_t t = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 +
                (se > 59 ? 59 : se);
    t -= (int64_t)oh * 3600 + (int64_t)om * 60;
    if (frac && round_up) {
        t++;
    }
    *out = t;
    return 0;
}

int cu_read_pubkey_file(EVP_PKEY **out, const char *path, custody_error *err)
{
    uint8_t *pem = NULL;
    size_t len = 0;
    int rc = cu_file_read(path, CU_LIMIT_SMALL_FILE, &pem, &len, err);
    if (!rc) {
        rc = cu_pem_load_pubkey(out, (const char *)pem, len, path, err);
    }
    free(pem);
    return rc;
}

static void log_free(struct cu_tr_log *l)
{
    free(l->base_url);
    EVP_PKEY_free(l->key);
}

static void ca_free(struct cu_tr_ca *c)
{
    free(c->uri);
    sk_X509_pop_free(c->chain, X509_free);
}

void cu_trust_root_free(struct cu_trust_root *tr)
{
    if (tr == NULL) {
        return;
    }
    for (size_t i = 0; i < tr->n_tlogs; i++) {
        log_free(&tr->tlogs[i]);
    }
    for (size_t i = 0; i < tr->n_ctlogs; i++) {
        log_free(&tr->ctlogs[i]);
    }
    for (size_t i = 0; i < tr->n_cas; i++) {
        ca_free(&tr->cas[i]);
    }
    for (size_t i = 0; i < tr->n_tsas; i++) {
        ca_free(&tr->tsas[i]);
    }
    free(tr->tlogs);
    free(tr->ctlogs);
    free(tr->cas);
    free(tr->tsas);
    free(tr);
}

/* validFor {start (required), end (optional)} into a closed interval. */
static int parse_valid_for(const json_t *obj,
                           const char *what,
                           const char *where,
                           int64_t *start,
                           int64_t *end,
                           custody_error *err)
{
    const json_t *vf = json_object_get(obj, "validFor");
    const json_t *s, *e;

    if (!json_is_object(vf)) {
        return cu_err_malformed(err, where, CU_NO_OFFSET, "%s: validFor missing", what);
    }
    s = json_object_get(vf, "start");
    if (!json_is_string(s)) {
        return cu_err_malformed(err, where, CU_NO_OFFSET, "%s: validFor.start missing", what);
    }
    if (cu_rfc3339_parse(json_string_value(s), true, start)) {
        return cu_err_malformed(err, where, CU_NO_OFFSET, "%s: bad validFor.start", what);
    }
    e = json_object_get(vf, "end");
    *end = INT64_MAX;
    if (e != NULL && !json_is_null(e)) {
        if (!json_is_string(e) || cu_rfc3339_parse(json_string_value(e), false, end)) {
            return cu_err_malformed(err, where, CU_NO_OFFSET, "%s: bad validFor.end", what);
        }
        if (*end < *start) {
            return cu_err_malformed(err, where, CU_NO_OFFSET, "%s: validFor ends before start",
                                    what);
        }
    }
    return 0;
}

static int b64_field(const json_t *s,
                     uint8_t **out,
                     size_t *len,
                     const char *what,
                     const char *where,
                     custody_error *err)
{
    if (!json_is_string(s)) {
        return cu_err_malformed(err, where, CU_NO_OFFSET, "%s missing", what);
    }
    int rc = cu_b64_decode_alloc(out, len, json_string_value(s), json_string_length(s), err);
    if (rc == CUSTODY_EMALFORMED) {
        return cu_err_malformed(err, where, CU_NO_OFFSET, "%s: bad base64", what);
    }
    return rc;
}

static int parse_log(
    const json_t *j, struct cu_tr_log *l, const char *what, const char *where, custody_error *err)
{
    const json_t *pk = json_object_get(j, "publicKey");
    const json_t *url = json_object_get(j, "baseUrl");
    uint8_t *der = NULL, *id = NULL;
    size_t der_len = 0, id_len = 0;
    int rc;

    if (!json_is_object(j) || !json_is_object(pk)) {
        return cu_err_malformed(err, where, CU_NO_OFFSET, "%s: publicKey missing", what);
    }
    l->base_url = cu_strdup(json_is_string(url) ? json_string_value(url) : "");
    if (l->base_url == NULL) {
        return cu_err_nomem(err);
    }
    rc = parse_valid_for(pk, what, where, &l->start, &l->end, err);
    if (rc) {
        return rc;
    }
    rc = b64_field(json_object_get(pk, "rawBytes"), &der, &der_len, "publicKey.rawBytes", where,
                   err);
    if (rc) {
        return rc;
    }
    const uint8_t *p = der;
    const char *kd = json_string_value(json_object_get(pk, "keyDetails"));
    if (der_len > LONG_MAX) {
        rc = cu_err_limit(err, where, CU_NO_OFFSET, "%s: key too large", what);
        goto out;
    }
    if (kd != NULL && strncmp(kd, "PKCS1_RSA", 9) == 0) {
        /* PKCS#1 RSAPublicKey, not an SPKI */
        l->key = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)der_len);
    } else {
        l->key = d2i_PUBKEY(NULL, &p, (long)der_len);
    }
    if (l->key == NULL || p != der + der_len) {
        rc = cu_err_malformed(err, where, CU_NO_OFFSET, "%s: publicKey is not a DER SPKI", what);
        goto out;
    }
    rc = b64_field(json_object_get(json_object_get(j, "logId"), "keyId"), &id, &id_len,
                   "logId.keyId", where, err);
    if (rc) {
        goto out;
    }
    if (id_len == 0 || id_len > sizeof l->id) {
        rc = cu_err_malformed(err, where, CU_NO_OFFSET, "%s: logId.keyId has %zu bytes", what,
                              id_len);
        goto out;
    }
    memcpy(l->id, id, id_len);
    l->id_len = id_len;
out:
    free(der);
    free(id);
    return rc;
}

static int parse_ca(
    const json_t *j, struct cu_tr_ca *c, const char *what, const char *where, custody_error *err)
{
    const json_t *certs = json_object_get(json_object_get(j, "certChain"), "certificates");
    const json_t *uri = json_object_get(j, "uri");
    size_t i;
    const json_t *v;
    int rc;

    if (!json_is_object(j) || !json_is_array(certs) || json_array_size(certs) == 0 ||
        json_array_size(certs) > 16) {
        return cu_err_malformed(err, where, CU_NO_OFFSET, "%s: certChain.certificates missing",
                                what);
    }
    c->uri = cu_strdup(json_is_string(uri) ? json_string_value(uri) : "");
    c->chain = sk_X509_new_null();
    if (c->uri == NULL || c->chain == NULL) {
        return cu_err_nomem(err);
    }
    rc = parse_valid_for(j, what, where, &c->start, &c->end, err);
    if (rc) {
        return rc;
    }
    json_array_foreach(certs, i, v)
    {
        uint8_t *der = NULL;
        size_t len = 0;
        rc = b64_field(json_object_get(v, "rawBytes"), &der, &len, "certificate rawBytes", where,
                       err);
        if (rc) {
            return rc;
        }
        const uint8_t *p = der;
        X509 *x = len > LONG_MAX ? NULL : d2i_X509(NULL, &p, (long)len);
        bool whole = x != NULL && p == der + len;
        free(der);
        if (!whole || !sk_X509_push(c->chain, x)) {
            X509_free(x);
            return cu_err_malformed(err, where, CU_NO_OFFSET, "%s: bad certificate %zu", what, i);
        }
    }
    return 0;
}

static int
parse_log_item(const json_t *j, void *item, const char *what, const char *where, custody_error *err)
{
    return parse_log(j, item, what, where, err);
}

static int
parse_ca_item(const json_t *j, void *item, const char *what, const char *where, custody_error *err)
{
    return parse_ca(j, item, what, where, err);
}

/* Parses root[key], an optional array, into *out (a calloc'd array of n+1 items of `size`
 * bytes); *n counts the items begun, so a failed parse frees what it started. */
static int
parse_items(const json_t *root,
            const char *key,
            void **out,
            size_t size,
            size_t *n,
            int (*parse)(const json_t *, void *, const char *, const char *, custody_error *),
            const char *where,
            custody_error *err)
{
    const json_t *arr = json_object_get(root, key), *v;
    size_t i;

    if (arr == NULL) {
        return 0;
    }
    if (!json_is_array(arr) || json_array_size(arr) > CU_TR_MAX_ITEMS) {
        return cu_err_malformed(err, where, CU_NO_OFFSET, "%s is not a (short) array", key);
    }
    *out = cu_calloc(json_array_size(arr) + 1, size);
    if (*out == NULL) {
        return cu_err_nomem(err);
    }
    json_array_foreach(arr, i, v)
    {
        char what[64];
        (void)snprintf(what, sizeof what, "%s[%zu]", key, i);
        (*n)++;
        int rc = parse(v, (uint8_t *)*out + i * size, what, where, err);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

static int parse_logs(const json_t *root,
                      const char *key,
                      struct cu_tr_log **out,
                      size_t *n,
                      const char *where,
                      custody_error *err)
{
    void *items = NULL;
    int rc = parse_items(root, key, &items, sizeof **out, n, parse_log_item, where, err);
    *out = items;
    return rc;
}

static int parse_cas(const json_t *root,
                     const char *key,
                     struct cu_tr_ca **out,
                     size_t *n,
                     const char *where,
                     custody_error *err)
{
    void *items = NULL;
    int rc = parse_items(root, key, &items, sizeof **out, n, parse_ca_item, where, err);
    *out = items;
    return rc;
}

int cu_trust_root_parse(struct cu_trust_root **out,
                        const uint8_t *data,
                        size_t len,
                        const char *where,
                        custody_error *err)
{
    json_error_t jerr;
    json_t *root = NULL;
    struct cu_trust_root *tr = NULL;
    const json_t *mt;
    int rc = 0;

    *out = NULL;
    if (where == NULL) {
        where = "trusted root";
    }
    root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(root)) {
        rc = cu_err_malformed(err, where, CU_NO_OFFSET, "not a JSON object: %s", jerr.text);
        goto out;
    }
    mt = json_object_get(root, "mediaType");
    if (mt != NULL &&
        (!json_is_string(mt) ||
         strncmp(json_string_value(mt), "application/vnd.dev.sigstore.trustedroot", 40) != 0)) {
        rc = cu_err_unsupported(err, where, CU_NO_OFFSET, "unknown trusted root mediaType");
        goto out;
    }
    tr = cu_calloc(1, sizeof *tr);
    if (tr == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    rc = parse_logs(root, "tlogs", &tr->tlogs, &tr->n_tlogs, where, err);
    if (!rc) {
        rc = parse_logs(root, "ctlogs", &tr->ctlogs, &tr->n_ctlogs, where, err);
    }
    if (!rc) {
        rc = parse_cas(root, "certificateAuthorities", &tr->cas, &tr->n_cas, where, err);
    }
    if (!rc) {
        rc = parse_cas(root, "timestampAuthorities", &tr->tsas, &tr->n_tsas, where, err);
    }
    if (rc) {
        goto out;
    }
    *out = tr;
    tr = NULL;
out:
    cu_trust_root_free(tr);
    json_decref(root);
    return rc;
}

int cu_trust_root_load(struct cu_trust_root **out, const char *path, custody_error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    rc = cu_file_read(path, CU_LIMIT_JSON, &data, &len, err);
    if (!rc) {
        rc = cu_trust_root_parse(out, data, len, path, err);
    }
    free(data);
    return rc;
}
