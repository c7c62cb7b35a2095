/* Streaming file hashes (OpenSSL EVP) for package verification: the file is opened without
 * following a final symlink, must be a regular file, and is read in 256 KiB blocks. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "deps/hashfile.h"
#include "core/banned.h"

int cu_dx_hash_file(const char *path, struct cu_dx_hashes *out, uint64_t max_bytes)
{
    memset(out, 0, sizeof(*out));
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK); /* a FIFO never blocks */
    if (fd < 0) {
        return CUSTODY_EIO;
    }
    struct stat st;
    int rc = 0;
    EVP_MD_CTX *c[3] = { NULL, NULL, NULL };
    const EVP_MD *md[3] = { EVP_sha512(), EVP_sha256(), EVP_sha1() };
    uint8_t *buf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = CUSTODY_EIO;
        goto out;
    }
    if ((uint64_t)st.st_size > max_bytes) {
        rc = CUSTODY_ELIMIT;
        goto out;
    }
    buf = malloc(256u << 10);
    if (buf == NULL) {
        rc = CUSTODY_ENOMEM;
        goto out;
    }
    for (int i = 0; i < 3; i++) {
        c[i] = EVP_MD_CTX_new();
        if (c[i] == NULL || EVP_DigestInit_ex(c[i], md[i], NULL) != 1) {
            rc = CUSTODY_ENOMEM;
            goto out;
        }
    }
    for (;;) {
        ssize_t got = read(fd, buf, 256u << 10);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            rc = CUSTODY_EIO;
            goto out;
        }
        if (got == 0) {
            break;
        }
        out->size += (uint64_t)got;
        if (out->size > max_bytes) { /* the file grew after fstat */
            rc = CUSTODY_ELIMIT;
            goto out;
        }
        for (int i = 0; i < 3; i++) {
            if (EVP_DigestUpdate(c[i], buf, (size_t)got) != 1) {
                rc = CUSTODY_ENOMEM;
                goto out;
            }
        }
    }
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(c[0], out->sha512, &n) != 1 ||
        EVP_DigestFinal_ex(c[1], out->sha256, &n) != 1 ||
        EVP_DigestFinal_ex(c[2], out->sha1, &n) != 1) {
        rc = CUSTODY_ENOMEM;
    }
out:
    for (int i = 0; i < 3; i++) {
        EVP_MD_CTX_free(c[i]);
    }
    free(buf);
    close(fd);
    return rc;
}
