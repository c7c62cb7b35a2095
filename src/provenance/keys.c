/* Keys and certificates for model signing (PEM files), key generation. */
#define _GNU_SOURCE
#include "provenance/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "custody/provenance.h"
#include "core/error.h"
#include "core/util.h"
#include "provenance/dsse.h"
#include "core/banned.h"

int cu_file_read(const char *path, size_t max, uint8_t **out, size_t *len, custody_error *err)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        return cu_err_io(err, path, "cannot open: %s", strerror(errno));
    }
    struct stat st;
    int rc = 0;
    uint8_t *buf = NULL;
    if (fstat(fd, &st) != 0) {
        rc = cu_err_io(err, path, "cannot stat: %s", strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = cu_err_io(err, path, "not a regular file");
        goto out;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > max) {
        rc = cu_err_limit(err, path, CU_NO_OFFSET, "larger than %zu bytes", max);
        goto out;
    }
    size_t want = (size_t)st.st_size;
    buf = malloc(want + 1);
    if (buf == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    size_t got = 0;
    while (got < want) {
        ssize_t n = read(fd, buf + got, want - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = cu_err_io(err, path, "read failed: %s", strerror(errno));
            goto out;
        }
        if (n == 0) {
            break; /* shrank while reading: take what is there */
        }
        got += (size_t)n;
    }
    buf[got] = 0;
    *out = buf;
    *len = got;
    buf = NULL;
out:
    free(buf);
    (void)close(fd);
    return rc;
}

static int key_pass_cb(char *buf, int size, int rwflag, void *u)
{
    (void)rwflag;
    const char *p = u;
    if (p == NULL || size <= 0) {
        return -1; /* encrypted key, no passphrase: fail rather than prompt */
    }
    size_t n = strlen(p);
    if (n > (size_t)size) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) { /* a passphrase buffer, not a string */
        buf[i] = p[i];
    }
    return (int)n;
}

int cu_key_load_private(EVP_PKEY **out, const char *path, const char *pass, custody_error *err)
{
    uint8_t *pem = NULL;
    size_t len = 0;
    *out = NULL;
    int rc = cu_file_read(path, CU_KEYFILE_MAX, &pem, &len, err);
    if (rc != 0) {
        return rc;
    }
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL) {
        free(pem);
        return cu_err_nomem(err);
    }
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, key_pass_cb, (void *)pass);
    if (key == NULL) {
        bool enc = strstr((const char *)pem, "ENCRYPTED") != NULL;
        if (enc && pass == NULL) {
            rc = cu_err_inval(err, "%s: the private key is encrypted: give its passphrase", path);
        } else if (enc) {
            rc = cu_err_inval(err, "%s: wrong passphrase for the private key", path);
        } else if (strstr((const char *)pem, "PRIVATE KEY-----") == NULL) {
            rc = cu_err_malformed(err, path, CU_NO_OFFSET,
                                  "no PEM private key (BEGIN PRIVATE KEY) in the file");
        } else {
            rc = cu_err_malformed(err, path, CU_NO_OFFSET, "unreadable private key");
        }
    }
    ERR_clear_error();
    BIO_free(bio);
    OPENSSL_cleanse(pem, len);
    free(pem);
    *out = key;
    return rc;
}

int cu_key_load_public(EVP_PKEY **out, const char *path, custody_error *err)
{
    uint8_t *pem = NULL;
    size_t len = 0;
    *out = NULL;
    int rc = cu_file_read(path, CU_KEYFILE_MAX, &pem, &len, err);
    if (rc == 0) {
        rc = cu_pem_load_pubkey(out, (const char *)pem, len, path, err);
    }
    free(pem);
    return rc;
}

int cu_key_from_raw(EVP_PKEY **out, const uint8_t *raw, size_t len, custody_error *err)
{
    *out = NULL;
    if (len > CU_KEYFILE_MAX) {
        return cu_err_limit(err, "bundle publicKey", CU_NO_OFFSET, "key too large");
    }
    if (len > 10 && memcmp(raw, "-----BEGIN", 10) == 0) {
        return cu_pem_load_pubkey(out, (const char *)raw, len, "bundle publicKey.rawBytes", err);
    }
    const unsigned char *p = raw;
    EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)len);
    ERR_clear_error();
    if (k == NULL || p != raw + len) {
        EVP_PKEY_free(k);
        return cu_err_malformed(err, "bundle publicKey.rawBytes", CU_NO_OFFSET,
                                "neither a PEM nor a DER public key");
    }
    *out = k;
    return 0;
}

int cu_key_check_ec(const EVP_PKEY *key, const char *where, custody_error *err)
{
    char group[64] = "";
    size_t glen = 0;
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &glen) != 1) {
        ERR_clear_error();
        return cu_err_unsupported(err, where, CU_NO_OFFSET,
                                  "only elliptic-curve keys (P-256, P-384, P-521) are supported");
    }
    if (strcmp(group, "prime256v1") != 0 && strcmp(group, "secp384r1") != 0 &&
        strcmp(group, "secp521r1") != 0) {
        return cu_err_unsupported(err, where, CU_NO_OFFSET, "unsupported curve '%s'", group);
    }
    return 0;
}

int cu_key_hint(const EVP_PKEY *key, char hex[65], custody_error *err)
{
    BIO *bio = BIO_new(BIO_s_mem());
    int rc = 0;
    if (bio == NULL || PEM_write_bio_PUBKEY(bio, key) != 1) {
        rc = cu_err_nomem(err);
        goto out;
    }
    char *p = NULL;
    long n = BIO_get_mem_data(bio, &p);
    uint8_t d[32];
    unsigned int dl = 0;
    if (n <= 0 || EVP_Digest(p, (size_t)n, d, &dl, EVP_sha256(), NULL) != 1 || dl != 32) {
        rc = cu_err_nomem(err);
        goto out;
    }
    cu_hex_encode(d, 32, hex);
out:
    ERR_clear_error();
    BIO_free(bio);
    return rc;
}

int cu_certs_load(STACK_OF(X509) * *out, const char *path, custody_error *err)
{
    uint8_t *pem = NULL;
    size_t len = 0;
    *out = NULL;
    int rc = cu_file_read(path, CU_KEYFILE_MAX, &pem, &len, err);
    if (rc != 0) {
        return rc;
    }
    STACK_OF(X509) *sk = sk_X509_new_null();
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (sk == NULL || bio == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    for (;;) {
        X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (x == NULL) {
            break;
        }
        if (sk_X509_push(sk, x) <= 0) {
            X509_free(x);
            rc = cu_err_nomem(err);
            goto out;
        }
    }
    if (sk_X509_num(sk) == 0) {
        rc = cu_err_malformed(err, path, CU_NO_OFFSET,
                              "no PEM certificate (BEGIN CERTIFICATE) in the file");
    }
out:
    ERR_clear_error();
    BIO_free(bio);
    free(pem);
    if (rc != 0) {
        sk_X509_pop_free(sk, X509_free);
        return rc;
    }
    *out = sk;
    return 0;
}

/* Creates path for writing: O_EXCL unless force (then truncates an existing regular file). */
static FILE *key_create(const char *path, mode_t mode, bool force, custody_error *err)
{
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (force ? O_TRUNC : O_EXCL);
    int fd = open(path, flags, mode);
    if (fd < 0) {
        (void)cu_err_io(err, path, "cannot create: %s%s", strerror(errno),
                        errno == EEXIST ? " (use --force to overwrite)" : "");
        return NULL;
    }
    if (fchmod(fd, mode) != 0) { /* an existing file keeps its mode under O_TRUNC */
        (void)cu_err_io(err, path, "cannot chmod: %s", strerror(errno));
        (void)close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        (void)cu_err_io(err, path, "cannot open: %s", strerror(errno));
        (void)close(fd);
    }
    return f;
}

int custody_keygen(const char *key_path,
                   const char *pub_path,
                   custody_curve curve,
                   const char *passphrase,
                   bool force,
                   custody_error *err)
{
    static const char *const groups[] = { "P-256", "P-384", "P-521" };
    if (key_path == NULL || pub_path == NULL || (unsigned)curve > CUSTODY_CURVE_P521) {
        return cu_err_inval(err, "custody_keygen: bad argument");
    }
    if (passphrase != NULL && strlen(passphrase) > 1023) {
        return cu_err_inval(err, "passphrase longer than 1023 bytes");
    }
    int rc = 0;
    FILE *kf = NULL, *pf = NULL;
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", groups[curve]);
    if (key == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    kf = key_create(key_path, 0600, force, err);
    if (kf == NULL) {
        rc = CUSTODY_EIO;
        goto out;
    }
    pf = key_create(pub_path, 0644, force, err);
    if (pf == NULL) {
        (void)fclose(kf); /* created empty just now: remove it again */
        kf = NULL;
        (void)unlink(key_path);
        rc = CUSTODY_EIO;
        goto out;
    }
    int ok;
    if (passphrase != NULL) {
        ok = PEM_write_PKCS8PrivateKey(kf, key, EVP_aes_256_cbc(), passphrase,
                                       (int)strlen(passphrase), NULL, NULL);
    } else {
        ok = PEM_write_PKCS8PrivateKey(kf, key, NULL, NULL, 0, NULL, NULL);
    }
    if (ok != 1 || PEM_write_PUBKEY(pf, key) != 1) {
        rc = cu_err_io(err, key_path, "cannot write the key");
        goto out;
    }
out:
    ERR_clear_error();
    if (kf != NULL && fclose(kf) != 0 && rc == 0) {
        rc = cu_err_io(err, key_path, "cannot write: %s", strerror(errno));
    }
    if (pf != NULL && fclose(pf) != 0 && rc == 0) {
        rc = cu_err_io(err, pub_path, "cannot write: %s", strerror(errno));
    }
    EVP_PKEY_free(key);
    return rc;
}
