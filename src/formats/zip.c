/* The zip analyzer: see zip.h. Offsets read from the archive are uint64_t and checked
 * against the archive size before use; every structure is read through cu_rd or a stream. */
#define _GNU_SOURCE /* memrchr */
#include "formats/zip.h"

#include <stdlib.h>
#include <string.h>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>

#include "core/crc32.h"
#include "core/limits.h"
#include "core/rd.h"
#include "core/util.h"
#include "formats/torch.h"
#include "core/banned.h"

#define SIG_LOCAL    0x04034b50u
#define SIG_CENTRAL  0x02014b50u
#define SIG_EOCD     0x06054b50u
#define SIG_Z64_EOCD 0x06064b50u
#define SIG_Z64_LOC  0x07064b50u
#define SIG_DESC     0x08074b50u

#define LOCAL_LEN    30u
#define CENTRAL_LEN  46u
#define EOCD_LEN     22u
#define Z64_LOC_LEN  20u
#define Z64_EOCD_LEN 56u
#define EOCD_SEARCH  (65535u + EOCD_LEN)

#define M_STORED  0u
#define M_DEFLATE 8u
#define M_BZIP2   12u
#define M_LZMA    14u

/* SPEC: APPNOTE 4.4.4 general purpose bits. 0 encrypted, 1-2 method options, 3 data
 * descriptor, 11 UTF-8 names. Everything else (4 enhanced deflate, 5 patched data, 6 strong
 * encryption, 13 masked headers, reserved bits) is something loaders disagree on. */
#define FLAG_ENCRYPTED  0x0001u
#define FLAG_DESCRIPTOR 0x0008u
#define FLAG_KNOWN      (0x0001u | 0x0002u | 0x0004u | 0x0008u | 0x0800u)

#define CHUNK       (64u << 10)
#define RATIO_FLOOR (1u << 20) /* outputs below this never trip the ratio limit */

struct zent {
    char *name;   /* display name: the raw name, escaped if it held control bytes */
    uint64_t lho; /* absolute offset of the local header */
    uint64_t csize, usize;
    uint64_t data_off; /* absolute; valid when local_ok */
    uint64_t end;      /* end of data and descriptor; valid when local_ok */
    uint32_t crc;
    uint16_t flags, method;
    bool hidden; /* found only through a local header */
    bool local_ok;
    bool size_unknown; /* sizes not known (hidden entry with a descriptor, truncated data) */
    bool overlaps;     /* shares bytes with another entry: not read whole (Fifield bombs) */
};

struct zip {
    struct cu_ctx *ctx;
    struct cu_source *src;
    custody_error *err;
    uint64_t size;
    struct zent *e;
    size_t n, cap;
    uint64_t eocd_off, eocd_end;
    uint64_t cd_start, cd_end;
    uint64_t tail_start;    /* zip64 end record, or the end record: where the archive data ends */
    uint64_t bias;          /* Python's "concat": offsets are relative to this many bytes in */
    uint64_t declared;      /* entries declared in the end record */
    uint64_t other_eocd[8]; /* earlier plausible end records, judged once members are known */
    size_t n_other_eocd;
    bool have_eocd;
    bool limit_hit;
};

static void zent_clear(struct zent *e)
{
    free(e->name);
    e->name = NULL;
}

static void zip_clear(struct zip *z)
{
    for (size_t i = 0; i < z->n; i++) {
        zent_clear(&z->e[i]);
    }
    free(z->e);
    z->e = NULL;
    z->n = z->cap = 0;
}

/* ---- names ---- */

/* A raw name as text: kept as is unless it holds control bytes (NUL truncates names in C
 * loaders and hides the rest), which are escaped so the report shows them. */
static char *name_display(const uint8_t *raw, size_t len, bool *odd)
{
    bool ctl = false;
    for (size_t i = 0; i < len; i++) {
        if (raw[i] < 0x20 || raw[i] == 0x7f) {
            ctl = true;
        }
    }
    *odd = ctl || len == 0;
    if (!ctl) {
        return cu_strndup((const char *)raw, len);
    }
    struct cu_buf b = CU_BUF_INIT(4 * (size_t)CU_LIMIT_NAME_LEN + 1);
    cu_buf_add_escaped(&b, raw, len);
    char *s = b.oom ? NULL : cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    return s;
}

static bool name_traverses(const char *name)
{
    if (name[0] == '/' || name[0] == '\\') {
        return true;
    }
    if (((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')) &&
        name[1] == ':') {
        return true;
    }
    const char *p = name;
    while (*p != '\0') {
        size_t n = strcspn(p, "/\\");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            return true;
        }
        p += n;
        if (*p != '\0') {
            p++;
        }
    }
    return false;
}

/* ---- extra fields ---- */

/* SPEC: APPNOTE 4.5.3: the zip64 extra holds, in order, only the fields whose 32-bit value is
 * 0xFFFFFFFF (0xFFFF for the disk). Returns false when the extra block is corrupt (Python's
 * zipfile raises on it) or a needed zip64 field is missing. */
static bool extra_zip64(const uint8_t *x,
                        size_t xlen,
                        bool want_u,
                        bool want_c,
                        bool want_o,
                        uint64_t *u,
                        uint64_t *c,
                        uint64_t *o,
                        bool *found,
                        const char **why)
{
    struct cu_rd rd = CU_RD_INIT(x, xlen);
    *found = false;
    while (cu_rd_left(&rd) >= 4) {
        uint16_t id = 0, sz = 0;
        const uint8_t *body;
        (void)cu_rd_u16le(&rd, &id);
        (void)cu_rd_u16le(&rd, &sz);
        if (!cu_rd_bytes(&rd, sz, &body)) {
            *why = "an extra field runs past the extra block";
            return false;
        }
        if (id != 0x0001) {
            continue;
        }
        *found = true;
        struct cu_rd f = CU_RD_INIT(body, sz);
        if ((want_u && !cu_rd_u64le(&f, u)) || (want_c && !cu_rd_u64le(&f, c)) ||
            (want_o && !cu_rd_u64le(&f, o))) {
            *why = "the zip64 extra field lacks a size or offset the header defers to it";
            return false;
        }
    }
    if ((want_u || want_c || want_o) && !*found) {
        *why = "a 0xFFFFFFFF size or offset has no zip64 extra field";
        return false;
    }
    return true;
}

/* ---- local headers ---- */

struct lhdr {
    uint16_t flags, method;
    uint32_t crc;
    uint64_t csize, usize;
    uint8_t *name;
    size_t name_len;
    uint64_t data_off;
    bool zip64;
    bool extra_bad;
    const char *extra_why;
};

/* Reads the local header at `off`. EMALFORMED when there is no signature or it is cut off. */
static int local_read(struct zip *z, uint64_t off, struct lhdr *h)
{
    uint8_t b[LOCAL_LEN];
    uint8_t *extra = NULL;
    int rc;
    memset(h, 0, sizeof(*h));
    if (off > z->size || z->size - off < LOCAL_LEN) {
        return cu_err_malformed(z->err, z->src->loc, off, "local header past the end");
    }
    rc = cu_source_read_exact(z->src, off, b, sizeof(b), z->err);
    if (rc < 0) {
        return rc;
    }
    if (cu_load_u32le(b) != SIG_LOCAL) {
        return cu_err_malformed(z->err, z->src->loc, off, "no local header signature");
    }
    h->flags = cu_load_u16le(b + 6);
    h->method = cu_load_u16le(b + 8);
    h->crc = cu_load_u32le(b + 14);
    h->csize = cu_load_u32le(b + 18);
    h->usize = cu_load_u32le(b + 22);
    size_t nlen = cu_load_u16le(b + 26);
    size_t xlen = cu_load_u16le(b + 28);
    uint64_t body = off + LOCAL_LEN;
    if (nlen + xlen > z->size - body) {
        return cu_err_malformed(z->err, z->src->loc, off, "local header name runs past the end");
    }
    h->name = cu_malloc(nlen + 1);
    extra = cu_malloc(xlen + 1);
    if (h->name == NULL || extra == NULL) {
        rc = cu_err_nomem(z->err);
        goto out;
    }
    rc = cu_source_read_exact(z->src, body, h->name, nlen, z->err);
    if (rc == 0) {
        rc = cu_source_read_exact(z->src, body + nlen, extra, xlen, z->err);
    }
    if (rc < 0) {
        goto out;
    }
    h->name[nlen] = 0;
    h->name_len = nlen;
    h->data_off = body + nlen + xlen;
    bool want_u = h->usize == 0xFFFFFFFFu, want_c = h->csize == 0xFFFFFFFFu;
    uint64_t dummy = 0;
    /* SPEC: APPNOTE 4.5.3: in a local header the zip64 extra holds both sizes. */
    if (!extra_zip64(extra, xlen, want_u || want_c, want_u || want_c, false, &h->usize, &h->csize,
                     &dummy, &h->zip64, &h->extra_why)) {
        h->extra_bad = true;
    }
out:
    free(extra);
    if (rc < 0) {
        free(h->name);
        h->name = NULL;
    }
    return rc;
}

static bool method_known(uint16_t m)
{
    return m == M_STORED || m == M_DEFLATE || m == M_BZIP2 || m == M_LZMA;
}

static bool add_entry(struct zip *z, struct zent **out)
{
    if (z->n >= CU_LIMIT_ZIP_ENTRIES) {
        if (!z->limit_hit) {
            z->limit_hit = true;
            cu_emit(z->ctx, z->src, CU_NO_OFFSET, "scan/limit-exceeded", CU_SEV_DEFAULT, NULL,
                    "more than %u zip entries; the rest were not analysed", CU_LIMIT_ZIP_ENTRIES);
        }
        return false;
    }
    if (!cu_grow((void **)&z->e, &z->cap, z->n + 1, sizeof(*z->e))) {
        return false;
    }
    *out = &z->e[z->n++];
    memset(*out, 0, sizeof(**out));
    return true;
}

/* ---- end of central directory ---- */

struct eocd {
    uint64_t off;
    uint16_t disk, cd_disk;
    uint64_t n_disk, n_total, cd_size, cd_off;
    uint16_t clen;
};

static void eocd_parse(const uint8_t *p, uint64_t off, struct eocd *e)
{
    e->off = off;
    e->disk = cu_load_u16le(p + 4);
    e->cd_disk = cu_load_u16le(p + 6);
    e->n_disk = cu_load_u16le(p + 8);
    e->n_total = cu_load_u16le(p + 10);
    e->cd_size = cu_load_u32le(p + 12);
    e->cd_off = cu_load_u32le(p + 16);
    e->clen = cu_load_u16le(p + 20);
}

/* The last 64 KiB + 22 bytes of src (all of a smaller one), where an end record can lie:
 * in place for a file read whole, else read into *owned (caller frees). */
static int tail_view(struct cu_source *src,
                     uint64_t size,
                     const uint8_t **buf,
                     size_t *want,
                     uint64_t *start,
                     uint8_t **owned,
                     custody_error *err)
{
    *want = size < EOCD_SEARCH ? (size_t)size : EOCD_SEARCH;
    *start = size - *want;
    size_t got;
    int rc = cu_source_view(src, *start, *want, buf, &got, owned, err);
    if (rc == 0 && got != *want) {
        free(*owned);
        *owned = NULL;
        rc = cu_err_malformed(err, src->loc, *start + got, "truncated: wanted %zu bytes at %llu",
                              *want, (unsigned long long)*start);
    }
    return rc;
}

bool cu_zip_tail_sniff(struct cu_source *src, custody_error *err)
{
    uint64_t size = src->size;
    if (size == CU_SIZE_UNKNOWN || size < EOCD_LEN) {
        return false;
    }
    const uint8_t *buf;
    uint8_t *owned;
    size_t want;
    uint64_t start;
    if (tail_view(src, size, &buf, &want, &start, &owned, err) < 0) {
        cu_err_clear(err);
        return false;
    }
    bool found = false;
    for (size_t lim = want - EOCD_LEN + 1; lim > 0 && !found;) {
        const uint8_t *hit = memrchr(buf, 'P', lim);
        if (hit == NULL) {
            break;
        }
        size_t i = (size_t)(hit - buf);
        lim = i;
        if (cu_load_u32le(buf + i) != SIG_EOCD) {
            continue;
        }
        /* SPEC: zipfile._EndRecData takes the last record; the directory ends where it starts.
         * Only an archive that ends the file counts: a zip embedded in another format's data
         * (a tensor pickled with plain pickle carries a whole torch.save output) is that
         * format's business, not an appended archive. */
        uint64_t eocd_off = start + i;
        uint32_t cd_size = cu_load_u32le(buf + i + 12);
        uint16_t clen = cu_load_u16le(buf + i + 20);
        if (eocd_off + EOCD_LEN + clen != size) {
            break;
        }
        uint8_t sig[4];
        if (cd_size < CENTRAL_LEN || cd_size > eocd_off) {
            break;
        }
        if (cu_source_read_exact(src, eocd_off - cd_size, sig, 4, err) == 0 &&
            cu_load_u32le(sig) == SIG_CENTRAL) {
            found = true;
        }
        cu_err_clear(err);
        break;
    }
    free(owned);
    return found;
}

/* SPEC: APPNOTE 4.3.16. Python's zipfile and miniz both take the last signature with room for
 * a whole record in the final 64 KiB + 22 bytes; earlier plausible records are a finding. */
static int eocd_find(struct zip *z, struct eocd *out, bool *found)
{
    *found = false;
    if (z->size < EOCD_LEN) {
        return 0;
    }
    const uint8_t *buf;
    uint8_t *owned;
    size_t want;
    uint64_t start;
    int rc = tail_view(z->src, z->size, &buf, &want, &start, &owned, z->err);
    if (rc < 0) {
        return rc;
    }
    /* Walk back from one 'P' to the previous one (memrchr), testing the signature there. */
    for (size_t lim = want - EOCD_LEN + 1; lim > 0;) {
        const uint8_t *hit = memrchr(buf, 'P', lim);
        if (hit == NULL) {
            break;
        }
        size_t i = (size_t)(hit - buf);
        lim = i;
        if (cu_load_u32le(buf + i) != SIG_EOCD) {
            continue;
        }
        struct eocd e = { 0 };
        eocd_parse(buf + i, start + i, &e);
        if (!*found) {
            *out = e;
            *found = true;
            continue;
        }
        /* Another candidate counts when its fields could describe an archive. */
        if (e.disk == 0 && e.cd_disk == 0 && e.cd_off <= e.off && e.cd_size <= e.off - e.cd_off &&
            z->n_other_eocd < sizeof(z->other_eocd) / sizeof(z->other_eocd[0])) {
            z->other_eocd[z->n_other_eocd++] = e.off;
        }
    }
    free(owned);
    return 0;
}

/* Earlier end records inside a member's data are that member's business (a stored nested
 * zip); any other one is a second archive a different reader may pick. */
static void eocd_others_check(struct zip *z)
{
    size_t others = 0;
    uint64_t first = 0;
    for (size_t k = 0; k < z->n_other_eocd; k++) {
        uint64_t off = z->other_eocd[k];
        bool inside = false;
        for (size_t i = 0; i < z->n && !inside; i++) {
            const struct zent *e = &z->e[i];
            inside = e->local_ok && off >= e->data_off && off - e->data_off < e->csize;
        }
        if (!inside) {
            first = others == 0 ? off : first;
            others++;
        }
    }
    if (others > 0) {
        cu_emit(z->ctx, z->src, first, "zip/multiple-eocd", CU_SEV_DEFAULT, NULL,
                "%zu more end-of-central-directory record(s) before the one at %llu; loaders "
                "that search differently see a different archive",
                others, (unsigned long long)z->eocd_off);
    }
}

/* SPEC: APPNOTE 4.3.14-15. miniz follows the locator's offset; Python's zipfile reads the
 * record right before the locator. Both are checked and a disagreement reported. */
static int zip64_read(struct zip *z, struct eocd *e, bool *is64)
{
    *is64 = false;
    bool wants = e->n_disk == 0xFFFF || e->n_total == 0xFFFF || e->cd_size == 0xFFFFFFFFu ||
                 e->cd_off == 0xFFFFFFFFu;
    uint8_t loc[Z64_LOC_LEN], rec[Z64_EOCD_LEN];
    int rc;
    if (e->off < Z64_LOC_LEN) {
        goto none;
    }
    uint64_t loc_off = e->off - Z64_LOC_LEN;
    rc = cu_source_read_exact(z->src, loc_off, loc, sizeof(loc), z->err);
    if (rc < 0) {
        return rc;
    }
    if (cu_load_u32le(loc) != SIG_Z64_LOC) {
        goto none;
    }
    uint64_t rec_off = cu_load_u64le(loc + 8);
    uint64_t py_off = loc_off >= Z64_EOCD_LEN ? loc_off - Z64_EOCD_LEN : UINT64_MAX;
    if (cu_load_u32le(loc + 4) != 0 || cu_load_u32le(loc + 16) > 1) {
        cu_emit(z->ctx, z->src, loc_off, "zip/zip64-inconsistent", CU_SEV_DEFAULT, NULL,
                "zip64 locator names a multi-disk archive");
    }
    if (rec_off != py_off) {
        cu_emit(z->ctx, z->src, loc_off, "zip/zip64-inconsistent", CU_SEV_DEFAULT, NULL,
                "zip64 locator points at %llu but the record Python's zipfile reads is at %llu",
                (unsigned long long)rec_off, (unsigned long long)py_off);
    }
    uint64_t use = rec_off;
    bool ok = false;
    for (int pass = 0; pass < 2 && !ok; pass++) {
        use = pass == 0 ? rec_off : py_off;
        if (use > loc_off || loc_off - use < Z64_EOCD_LEN) {
            continue;
        }
        rc = cu_source_read_exact(z->src, use, rec, sizeof(rec), z->err);
        if (rc < 0) {
            return rc;
        }
        ok = cu_load_u32le(rec) == SIG_Z64_EOCD;
    }
    if (!ok) {
        cu_emit(z->ctx, z->src, loc_off, "zip/zip64-inconsistent", CU_SEV_DEFAULT, NULL,
                "zip64 locator present but no zip64 end record where it points");
        return 0;
    }
    uint64_t n_disk = cu_load_u64le(rec + 24), n_total = cu_load_u64le(rec + 32);
    uint64_t cd_size = cu_load_u64le(rec + 40), cd_off = cu_load_u64le(rec + 48);
    if ((e->n_total != 0xFFFF && e->n_total != n_total) ||
        (e->cd_size != 0xFFFFFFFFu && e->cd_size != cd_size) ||
        (e->cd_off != 0xFFFFFFFFu && e->cd_off != cd_off)) {
        cu_emit(z->ctx, z->src, use, "zip/zip64-inconsistent", CU_SEV_DEFAULT, NULL,
                "zip64 end record disagrees with the 32-bit end record (entries %llu/%llu, "
                "directory at %llu/%llu)",
                (unsigned long long)n_total, (unsigned long long)e->n_total,
                (unsigned long long)cd_off, (unsigned long long)e->cd_off);
    }
    if (cu_load_u32le(rec + 16) != 0 || cu_load_u32le(rec + 20) != 0) {
        cu_emit(z->ctx, z->src, use, "zip/eocd-inconsistent", CU_SEV_DEFAULT, NULL,
                "zip64 end record names another disk");
    }
    e->n_disk = n_disk;
    e->n_total = n_total;
    e->cd_size = cd_size;
    e->cd_off = cd_off;
    z->tail_start = use;
    *is64 = true;
    return 0;
none:
    if (wants) {
        cu_emit(z->ctx, z->src, e->off, "zip/zip64-inconsistent", CU_SEV_DEFAULT, NULL,
                "end record defers to zip64 (0xFFFF... fields) but has no zip64 locator");
    }
    return 0;
}

/* ---- central directory ---- */

static bool at_sig(struct zip *z, uint64_t off, uint32_t sig)
{
    uint8_t b[4];
    custody_error scratch;
    if (off > z->size || z->size - off < 4) {
        return false;
    }
    return cu_source_read_exact(z->src, off, b, 4, &scratch) == 0 && cu_load_u32le(b) == sig;
}

/* Reads the central directory like Python's zipfile: entries until the declared size is
 * consumed (miniz stops at the declared count; a difference is reported). A broken entry ends
 * the walk with a finding; the entries before it are kept. */
static int cd_read(struct zip *z)
{
    struct cu_stream st;
    uint8_t *extra = NULL;
    uint8_t *name = NULL;
    int rc = cu_stream_init(&st, z->src, z->cd_start, CHUNK, z->err);
    if (rc < 0) {
        return rc;
    }
    extra = cu_malloc(65536);
    name = cu_malloc(65536);
    if (extra == NULL || name == NULL) {
        rc = cu_err_nomem(z->err);
        goto out;
    }
    uint64_t parsed = 0;
    while (cu_stream_tell(&st) < z->cd_end) {
        uint64_t at = cu_stream_tell(&st);
        if (z->cd_end - at < CENTRAL_LEN) {
            cu_emit(z->ctx, z->src, at, "zip/eocd-inconsistent", CU_SEV_DEFAULT, NULL,
                    "%llu stray bytes at the end of the central directory",
                    (unsigned long long)(z->cd_end - at));
            break;
        }
        rc = cu_stream_need(&st, CENTRAL_LEN);
        if (rc < 0) {
            goto out;
        }
        const uint8_t *p = cu_stream_ptr(&st);
        if (cu_load_u32le(p) != SIG_CENTRAL) {
            cu_emit(z->ctx, z->src, at,
                    parsed < z->declared ? "zip/malformed" : "zip/eocd-inconsistent",
                    CU_SEV_DEFAULT, NULL,
                    "no central directory signature at %llu after %llu entries",
                    (unsigned long long)at, (unsigned long long)parsed);
            break;
        }
        uint16_t flags = cu_load_u16le(p + 8), method = cu_load_u16le(p + 10);
        uint32_t crc = cu_load_u32le(p + 16);
        uint64_t csize = cu_load_u32le(p + 20), usize = cu_load_u32le(p + 24);
        size_t nlen = cu_load_u16le(p + 28), xlen = cu_load_u16le(p + 30);
        size_t clen = cu_load_u16le(p + 32);
        uint16_t disk = cu_load_u16le(p + 34);
        uint64_t lho = cu_load_u32le(p + 42);
        cu_stream_advance(&st, CENTRAL_LEN);
        if (nlen + xlen + clen > z->cd_end - at - CENTRAL_LEN) {
            cu_emit(z->ctx, z->src, at, "zip/eocd-inconsistent", CU_SEV_DEFAULT, NULL,
                    "central directory entry runs past the directory's declared size");
            break;
        }
        rc = cu_stream_read(&st, name, nlen);
        if (rc == 0) {
            rc = cu_stream_read(&st, extra, xlen);
        }
        if (rc == 0) {
            rc = cu_stream_skip(&st, clen);
        }
        if (rc < 0) {
            goto out;
        }
        parsed++;
        struct zent *e;
        if (!add_entry(z, &e)) {
            if (z->limit_hit) {
                break;
            }
            rc = cu_err_nomem(z->err);
            goto out;
        }
        bool odd = false;
        e->name = name_display(name, nlen, &odd);
        if (e->name == NULL) {
            rc = cu_err_nomem(z->err);
            goto out;
        }
        if (nlen > CU_LIMIT_NAME_LEN) {
            cu_emit(z->ctx, z->src, at, "zip/suspicious-name", CU_SEV_DEFAULT, NULL,
                    "member name of %zu bytes", nlen);
        } else if (odd) {
            cu_emit(z->ctx, z->src, at, "zip/suspicious-name", CU_SEV_DEFAULT, e->name,
                    "member name is empty or holds control bytes (a NUL cuts it short in C "
                    "loaders)");
        }
        e->flags = flags;
        e->method = method;
        e->crc = crc;
        bool found = false;
        const char *why = NULL;
        uint64_t z64_lho = lho;
        if (!extra_zip64(extra, xlen, usize == 0xFFFFFFFFu, csize == 0xFFFFFFFFu,
                         lho == 0xFFFFFFFFu, &usize, &csize, &z64_lho, &found, &why)) {
            cu_emit(z->ctx, z->src, at, "zip/bad-extra-field", CU_SEV_DEFAULT, e->name,
                    "central directory entry '%s': %s", e->name, why);
        }
        e->csize = csize;
        e->usize = usize;
        if (disk != 0 && disk != 0xFFFF) {
            cu_emit(z->ctx, z->src, at, "zip/eocd-inconsistent", CU_SEV_DEFAULT, e->name,
                    "entry '%s' is on disk %u of a multi-disk archive", e->name, disk);
        }
        if (__builtin_add_overflow(z64_lho, z->bias, &e->lho)) {
            e->lho = UINT64_MAX;
        }
    }
    if (parsed != z->declared) {
        cu_emit(z->ctx, z->src, z->eocd_off, "zip/eocd-inconsistent", CU_SEV_DEFAULT, NULL,
                "end record declares %llu entries but the central directory holds %llu "
                "(Python's zipfile reads by size, miniz by count)",
                (unsigned long long)z->declared, (unsigned long long)parsed);
    }
    rc = 0;
out:
    free(extra);
    free(name);
    cu_stream_free(&st);
    return rc;
}

/* ---- local header checks ---- */

/* Reads an optional data descriptor after the data; returns its length (0 when none). */
static uint64_t descriptor_check(struct zip *z, struct zent *e, bool zip64)
{
    uint8_t b[24];
    size_t got = 0;
    if (e->data_off > z->size || e->csize > z->size - e->data_off) {
        return 0;
    }
    uint64_t at = e->data_off + e->csize;
    custody_error scratch;
    if (cu_source_read(z->src, at, b, sizeof(b), &got, &scratch) < 0) {
        return 0;
    }
    size_t s = (got >= 4 && cu_load_u32le(b) == SIG_DESC) ? 4 : 0;
    size_t need = s + (zip64 ? 20u : 12u);
    if (got < need) {
        return 0;
    }
    uint32_t crc = cu_load_u32le(b + s);
    uint64_t cs = zip64 ? cu_load_u64le(b + s + 4) : cu_load_u32le(b + s + 4);
    uint64_t us = zip64 ? cu_load_u64le(b + s + 12) : cu_load_u32le(b + s + 8);
    if (crc != e->crc || cs != e->csize || us != e->usize) {
        cu_emit(z->ctx, z->src, at, "zip/header-mismatch", CU_SEV_DEFAULT, e->name,
                "data descriptor of '%s' disagrees with the central directory (crc %08x/%08x, "
                "sizes %llu/%llu)",
                e->name, crc, e->crc, (unsigned long long)cs, (unsigned long long)e->csize);
    }
    return need;
}

/* Where a finding about an entry points: its local header, when that lies in the archive
 * (a central directory can name any offset). */
static uint64_t ent_off(const struct zip *z, const struct zent *e)
{
    return e->lho < z->size ? e->lho : CU_NO_OFFSET;
}

static void local_check(struct zip *z, struct zent *e)
{
    struct lhdr h;
    custody_error *err = z->err;
    int rc = e->lho == UINT64_MAX ? CUSTODY_EMALFORMED : local_read(z, e->lho, &h);
    if (rc < 0) {
        bool past = e->lho >= z->size;
        cu_emit(z->ctx, z->src, ent_off(z, e), past ? "zip/truncated" : "zip/malformed",
                CU_SEV_DEFAULT, e->name, "entry '%s': %s", e->name,
                past ? "local header past the end of the file" : err->msg);
        cu_err_clear(err);
        return;
    }
    bool odd = false;
    char *lname = name_display(h.name, h.name_len, &odd);
    if (lname != NULL && strcmp(lname, e->name) != 0) {
        cu_emit(z->ctx, z->src, ent_off(z, e), "zip/header-mismatch", CU_SEV_DEFAULT, lname,
                "local header names '%s' but the central directory says '%s' (Python's "
                "zipfile refuses it, miniz does not compare)",
                lname, e->name);
    }
    free(lname);
    if (h.method != e->method || h.flags != e->flags) {
        cu_emit(z->ctx, z->src, ent_off(z, e), "zip/header-mismatch", CU_SEV_DEFAULT, e->name,
                "local header of '%s' disagrees with the central directory (method %u/%u, "
                "flags %04x/%04x)",
                e->name, h.method, e->method, h.flags, e->flags);
    }
    bool desc = (e->flags & FLAG_DESCRIPTOR) != 0;
    if (!desc && (h.crc != e->crc || h.csize != e->csize || h.usize != e->usize)) {
        cu_emit(z->ctx, z->src, ent_off(z, e), "zip/header-mismatch", CU_SEV_DEFAULT, e->name,
                "local header of '%s' disagrees with the central directory (crc %08x/%08x, "
                "compressed %llu/%llu, size %llu/%llu)",
                e->name, h.crc, e->crc, (unsigned long long)h.csize, (unsigned long long)e->csize,
                (unsigned long long)h.usize, (unsigned long long)e->usize);
    }
    if (h.extra_bad) {
        cu_emit(z->ctx, z->src, ent_off(z, e), "zip/bad-extra-field", CU_SEV_DEFAULT, e->name,
                "local header of '%s': %s", e->name, h.extra_why);
    }
    e->data_off = h.data_off;
    e->local_ok = true;
    if (e->csize > z->size - e->data_off) {
        e->end = z->size;
        cu_emit(z->ctx, z->src, e->data_off, "zip/truncated", CU_SEV_DEFAULT, e->name,
                "data of '%s' (%llu bytes) runs past the end of the file", e->name,
                (unsigned long long)e->csize);
        /* What is there is still analysed. */
        e->csize = z->size - e->data_off;
        e->usize = CU_SIZE_UNKNOWN;
        e->size_unknown = true;
    } else {
        e->end = e->data_off + e->csize;
        if (desc) {
            e->end += descriptor_check(z, e, h.zip64);
        }
    }
    free(h.name);
}

/* ---- regions no entry accounts for: hidden local entries ---- */

enum region_kind { REGION_PREFIX, REGION_GAP, REGION_RECOVER };

/* For a local entry whose sizes follow its data: the first data descriptor whose compressed
 * size equals its distance from the data start ends the data (what streaming readers do for
 * stored members). Returns true and fills e when one is found before region_end. */
static bool descriptor_find(struct zip *z, struct zent *e, uint64_t region_end)
{
    uint8_t *buf = cu_malloc(CHUNK);
    custody_error scratch;
    bool found = false;
    if (buf == NULL) {
        return false;
    }
    uint64_t pos = e->data_off;
    while (!found && pos < region_end && region_end - pos >= 16) {
        size_t want = region_end - pos < CHUNK ? (size_t)(region_end - pos) : CHUNK;
        if (cu_source_read_exact(z->src, pos, buf, want, &scratch) < 0) {
            break;
        }
        for (size_t i = 0; i + 16 <= want && !found; i++) {
            if (buf[i] != 'P' || cu_load_u32le(buf + i) != SIG_DESC) {
                continue;
            }
            uint64_t dist = pos + i - e->data_off;
            uint8_t d[24];
            size_t got = 0;
            if (cu_source_read(z->src, pos + i, d, sizeof(d), &got, &scratch) < 0 || got < 16) {
                continue;
            }
            if (cu_load_u32le(d + 8) == dist) {
                e->crc = cu_load_u32le(d + 4);
                e->usize = cu_load_u32le(d + 12);
                e->end = pos + i + 16;
                found = true;
            } else if (got == 24 && cu_load_u64le(d + 8) == dist) {
                e->crc = cu_load_u32le(d + 4);
                e->usize = cu_load_u64le(d + 16);
                e->end = pos + i + 24;
                found = true;
            }
            if (found) {
                e->csize = dist;
            }
        }
        pos += want > 15 && pos + want < region_end ? want - 15 : want;
    }
    free(buf);
    return found;
}

/* Parses a local header found by the scan as an entry of its own. Returns the offset to
 * resume scanning at. */
static int hidden_add(
    struct zip *z, uint64_t off, uint64_t region_end, enum region_kind kind, uint64_t *resume)
{
    struct lhdr h;
    *resume = off + 4;
    int rc = local_read(z, off, &h);
    if (rc == CUSTODY_EMALFORMED) {
        cu_err_clear(z->err);
        return 0;
    }
    if (rc < 0) {
        return rc;
    }
    struct zent *e;
    if (!add_entry(z, &e)) {
        free(h.name);
        return z->limit_hit ? 0 : cu_err_nomem(z->err);
    }
    bool odd = false;
    e->name = name_display(h.name, h.name_len, &odd);
    free(h.name);
    if (e->name == NULL) {
        return cu_err_nomem(z->err);
    }
    e->hidden = true;
    e->lho = off;
    e->flags = h.flags;
    e->method = h.method;
    e->crc = h.crc;
    e->csize = h.csize;
    e->usize = h.usize;
    e->data_off = h.data_off;
    e->local_ok = true;
    if (h.data_off > region_end) {
        e->local_ok = false;
        return 0;
    }
    if ((h.flags & FLAG_DESCRIPTOR) != 0 && h.csize == 0) {
        /* Sizes follow the data. Without a matching descriptor the data runs to the region's
         * end (a decoder still stops at its stream end). */
        if (!descriptor_find(z, e, region_end)) {
            e->size_unknown = true;
            e->csize = region_end - h.data_off;
            e->usize = CU_SIZE_UNKNOWN;
            e->end = region_end;
        }
    } else if (h.csize > region_end - h.data_off) {
        e->csize = region_end - h.data_off;
        e->end = region_end;
        cu_emit(z->ctx, z->src, off, "zip/truncated", CU_SEV_DEFAULT, e->name,
                "data of local entry '%s' runs past where the next structure starts", e->name);
    } else {
        e->end = h.data_off + h.csize;
    }
    if (kind != REGION_RECOVER) {
        cu_emit(z->ctx, z->src, off, "zip/hidden-entry", CU_SEV_DEFAULT, e->name,
                "local entry '%s' is missing from the central directory: streaming unzippers "
                "see it, central-directory readers do not",
                e->name);
    }
    *resume = e->end > off + 4 ? e->end : off + 4;
    return 0;
}

/* Scans [start, end) for local header signatures. Returns the count of bytes no header
 * explains in *unexplained. */
static int region_scan(
    struct zip *z, uint64_t start, uint64_t end, enum region_kind kind, uint64_t *unexplained)
{
    uint8_t *buf = cu_malloc(CHUNK);
    int rc = 0;
    *unexplained = 0;
    if (buf == NULL) {
        return cu_err_nomem(z->err);
    }
    uint64_t pos = start;
    while (pos < end && end - pos >= 4 && !z->limit_hit) {
        size_t want = end - pos < CHUNK ? (size_t)(end - pos) : CHUNK;
        rc = cu_source_read_exact(z->src, pos, buf, want, z->err);
        if (rc < 0) {
            goto out;
        }
        size_t i = 0;
        bool hit = false;
        for (; i + 4 <= want; i++) {
            if (buf[i] == 'P' && cu_load_u32le(buf + i) == SIG_LOCAL) {
                hit = true;
                break;
            }
        }
        if (!hit) {
            /* Keep the last 3 bytes: a signature may straddle chunks. */
            size_t step = want > 3 ? want - 3 : want;
            if (pos + want >= end) {
                step = want;
            }
            *unexplained += step;
            pos += step;
            continue;
        }
        *unexplained += i;
        size_t before = z->n;
        uint64_t resume;
        rc = hidden_add(z, pos + i, end, kind, &resume);
        if (rc < 0) {
            goto out;
        }
        if (z->n == before) {
            *unexplained += 4;
        }
        pos = resume;
    }
    if (pos < end) {
        *unexplained += end - pos;
    }
out:
    free(buf);
    return rc;
}

static int cmp_lho(const void *a, const void *b)
{
    const struct zent *const *x = a, *const *y = b;
    if ((*x)->lho != (*y)->lho) {
        return (*x)->lho < (*y)->lho ? -1 : 1;
    }
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    const struct zent *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* Sorted views over the entries (pointers stay valid: no entry is added meanwhile). */
static int
sorted_view(struct zip *z, size_t n, int (*cmp)(const void *, const void *), struct zent ***out)
{
    *out = NULL;
    if (n == 0) {
        return 0;
    }
    struct zent **v = cu_calloc(n, sizeof(*v));
    if (v == NULL) {
        return cu_err_nomem(z->err);
    }
    for (size_t i = 0; i < n; i++) {
        v[i] = &z->e[i];
    }
    qsort(v, n, sizeof(*v), cmp);
    *out = v;
    return 0;
}

/* Overlaps, gaps (scanned for hidden entries), prepended data. Only central directory entries
 * (the first n) frame the regions; hidden ones are appended by the scan. */
static int layout_check(struct zip *z, size_t n)
{
    struct zent **v = NULL;
    int rc = sorted_view(z, n, cmp_lho, &v);
    if (rc < 0) {
        return rc;
    }
    struct gap {
        uint64_t a, b;
    } *gaps = NULL;
    size_t ng = 0, capg = 0;
    uint64_t cursor = 0; /* end of what is accounted for so far */
    struct zent *prev = NULL;
    bool prefix_done = false;
    for (size_t i = 0; i < n; i++) {
        struct zent *e = v[i];
        if (!e->local_ok) {
            continue;
        }
        if (!prefix_done) {
            prefix_done = true;
            if (e->lho > 0) {
                if (!cu_grow((void **)&gaps, &capg, ng + 1, sizeof(*gaps))) {
                    rc = cu_err_nomem(z->err);
                    goto out;
                }
                gaps[ng++] = (struct gap){ 0, e->lho };
            }
        } else if (e->lho < cursor) {
            e->overlaps = true;
            if (prev != NULL) {
                prev->overlaps = true;
            }
            cu_emit(z->ctx, z->src, ent_off(z, e), "zip/overlapping-entries", CU_SEV_DEFAULT,
                    e->name,
                    "entries '%s' and '%s' overlap (one local header or data region serves "
                    "twice: a zip-bomb and differential technique)",
                    prev != NULL ? prev->name : "?", e->name);
        } else if (e->lho > cursor) {
            if (!cu_grow((void **)&gaps, &capg, ng + 1, sizeof(*gaps))) {
                rc = cu_err_nomem(z->err);
                goto out;
            }
            gaps[ng++] = (struct gap){ cursor, e->lho };
        }
        if (e->end > cursor) {
            cursor = e->end;
            prev = e;
        }
    }
    if (cursor > z->cd_start && prev != NULL) {
        cu_emit(z->ctx, z->src, z->cd_start, "zip/overlapping-entries", CU_SEV_DEFAULT, prev->name,
                "data of '%s' runs into the central directory", prev->name);
    } else if (cursor < z->cd_start) {
        if (!cu_grow((void **)&gaps, &capg, ng + 1, sizeof(*gaps))) {
            rc = cu_err_nomem(z->err);
            goto out;
        }
        gaps[ng++] = (struct gap){ cursor, z->cd_start };
    }
    if (z->cd_end < z->tail_start) {
        if (!cu_grow((void **)&gaps, &capg, ng + 1, sizeof(*gaps))) {
            rc = cu_err_nomem(z->err);
            goto out;
        }
        gaps[ng++] = (struct gap){ z->cd_end, z->tail_start };
    }
    for (size_t g = 0; g < ng; g++) {
        bool prefix = gaps[g].a == 0 && prefix_done;
        uint64_t unexplained = 0;
        rc =
            region_scan(z, gaps[g].a, gaps[g].b, prefix ? REGION_PREFIX : REGION_GAP, &unexplained);
        if (rc < 0) {
            goto out;
        }
        if (prefix) {
            cu_emit(z->ctx, z->src, 0, "zip/prepended-data", CU_SEV_DEFAULT, NULL,
                    "%llu bytes before the first local header (a polyglot or self-extracting "
                    "prefix; loaders disagree on such files)",
                    (unsigned long long)gaps[g].b);
        } else if (unexplained > 0) {
            cu_emit(z->ctx, z->src, gaps[g].a, "zip/unaccounted-data", CU_SEV_DEFAULT, NULL,
                    "%llu bytes between %llu and %llu belong to no entry",
                    (unsigned long long)unexplained, (unsigned long long)gaps[g].a,
                    (unsigned long long)gaps[g].b);
        }
    }
out:
    free(gaps);
    free(v);
    return rc;
}

static int names_check(struct zip *z)
{
    struct zent **v = NULL;
    int rc = sorted_view(z, z->n, cmp_name, &v);
    if (rc < 0) {
        return rc;
    }
    for (size_t i = 0; i < z->n; i++) {
        struct zent *e = &z->e[i];
        if (name_traverses(e->name)) {
            cu_emit(z->ctx, z->src, ent_off(z, e), "zip/path-traversal", CU_SEV_DEFAULT, e->name,
                    "member '%s' is absolute or climbs out of the extraction directory", e->name);
        }
        if (i > 0 && strcmp(v[i]->name, v[i - 1]->name) == 0) {
            cu_emit(z->ctx, z->src, ent_off(z, v[i]), "zip/duplicate-name", CU_SEV_DEFAULT,
                    v[i]->name,
                    "two entries are named '%s' (Python's zipfile opens the last, miniz and "
                    "other tools may open the first); both are analysed",
                    v[i]->name);
        }
    }
    free(v);
    return 0;
}

/* ---- decoders ---- */

struct zdec {
    struct cu_source *arc;
    char *loc;
    uint64_t off, len; /* compressed data in arc */
    uint64_t in_pos;   /* compressed bytes fed */
    uint64_t out_total;
    uint64_t usize; /* declared, or CU_SIZE_UNKNOWN */
    uint16_t method;
    bool ready, ended;
    size_t avail; /* unconsumed bytes in inb */
    size_t inb_off;
    z_stream z;
    bz_stream bz;
    lzma_stream lz;
    uint8_t inb[CHUNK];
};

static void zdec_end(struct zdec *d)
{
    if (!d->ready) {
        return;
    }
    if (d->method == M_DEFLATE) {
        (void)inflateEnd(&d->z);
    } else if (d->method == M_BZIP2) {
        (void)BZ2_bzDecompressEnd(&d->bz);
    } else if (d->method == M_LZMA) {
        lzma_end(&d->lz);
    }
    d->ready = false;
}

static int zdec_fill(struct zdec *d, custody_error *err)
{
    if (d->avail > 0 || d->in_pos >= d->len) {
        return 0;
    }
    size_t want = d->len - d->in_pos < CHUNK ? (size_t)(d->len - d->in_pos) : CHUNK;
    int rc = cu_source_read_exact(d->arc, d->off + d->in_pos, d->inb, want, err);
    if (rc < 0) {
        return rc;
    }
    d->in_pos += want;
    d->avail = want;
    d->inb_off = 0;
    return 0;
}

/* SPEC: APPNOTE 5.8.8: an lzma member starts with a 2-byte version, a 2-byte properties size
 * and the LZMA1 properties. */
static int zdec_lzma_init(struct zdec *d, custody_error *err)
{
    uint8_t hdr[9];
    if (d->len < sizeof(hdr)) {
        return cu_err_malformed(err, d->loc, 0, "lzma member too short for its header");
    }
    int rc = cu_source_read_exact(d->arc, d->off, hdr, sizeof(hdr), err);
    if (rc < 0) {
        return rc;
    }
    if (cu_load_u16le(hdr + 2) != 5) {
        return cu_err_unsupported(err, d->loc, 0, "lzma properties of %u bytes",
                                  cu_load_u16le(hdr + 2));
    }
    d->in_pos = sizeof(hdr);
    lzma_filter f[2] = { { LZMA_FILTER_LZMA1EXT, NULL }, { LZMA_VLI_UNKNOWN, NULL } };
    if (lzma_properties_decode(&f[0], NULL, hdr + 4, 5) != LZMA_OK) {
        return cu_err_malformed(err, d->loc, 4, "bad lzma properties");
    }
    lzma_options_lzma *o = f[0].options;
    /* The dictionary never needs to exceed the output; a hostile 4 GiB dictionary would
     * otherwise be allocated up front. */
    uint64_t cap = d->usize != CU_SIZE_UNKNOWN ? d->usize : (64u << 20);
    if (cap < 4096) {
        cap = 4096;
    }
    if (o->dict_size > cap) {
        o->dict_size = (uint32_t)(cap > UINT32_MAX ? UINT32_MAX : cap);
    }
    if (o->dict_size > (256u << 20)) {
        free(o);
        return cu_err_limit(err, d->loc, 4, "lzma dictionary larger than 256 MiB");
    }
    o->ext_flags = LZMA_LZMA1EXT_ALLOW_EOPM;
    uint64_t us = d->usize;
    o->ext_size_low = (uint32_t)(us & 0xFFFFFFFFu);
    o->ext_size_high = (uint32_t)(us >> 32);
    d->lz = (lzma_stream)LZMA_STREAM_INIT;
    lzma_ret lr = lzma_raw_decoder(&d->lz, f);
    free(o);
    if (lr != LZMA_OK) {
        return lr == LZMA_MEM_ERROR ? cu_err_nomem(err)
                                    : cu_err_malformed(err, d->loc, 4, "lzma decoder refused");
    }
    return 0;
}

static int zdec_reset(void *state, custody_error *err)
{
    struct zdec *d = state;
    zdec_end(d);
    d->in_pos = 0;
    d->out_total = 0;
    d->avail = 0;
    d->inb_off = 0;
    d->ended = false;
    int rc = 0;
    if (d->method == M_DEFLATE) {
        memset(&d->z, 0, sizeof(d->z));
        rc = inflateInit2(&d->z, -15) == Z_OK ? 0 : cu_err_nomem(err);
    } else if (d->method == M_BZIP2) {
        memset(&d->bz, 0, sizeof(d->bz));
        rc = BZ2_bzDecompressInit(&d->bz, 0, 0) == BZ_OK ? 0 : cu_err_nomem(err);
    } else {
        rc = zdec_lzma_init(d, err);
    }
    if (rc == 0) {
        d->ready = true;
    }
    return rc;
}

enum { STEP_OK, STEP_END, STEP_BAD };

static int zdec_step(struct zdec *d, uint8_t *out, size_t cap, size_t *in_used, size_t *produced)
{
    const uint8_t *in = d->inb + d->inb_off;
    if (d->method == M_DEFLATE) {
        d->z.next_in = (Bytef *)(uintptr_t)in;
        d->z.avail_in = (uInt)d->avail;
        d->z.next_out = out;
        d->z.avail_out = (uInt)cap;
        int r = inflate(&d->z, Z_NO_FLUSH);
        *in_used = d->avail - d->z.avail_in;
        *produced = cap - d->z.avail_out;
        return r == Z_STREAM_END ? STEP_END : (r == Z_OK || r == Z_BUF_ERROR) ? STEP_OK : STEP_BAD;
    }
    if (d->method == M_BZIP2) {
        d->bz.next_in = (char *)(uintptr_t)in;
        d->bz.avail_in = (unsigned)d->avail;
        d->bz.next_out = (char *)out;
        d->bz.avail_out = (unsigned)cap;
        int r = BZ2_bzDecompress(&d->bz);
        *in_used = d->avail - d->bz.avail_in;
        *produced = cap - d->bz.avail_out;
        return r == BZ_STREAM_END ? STEP_END : r == BZ_OK ? STEP_OK : STEP_BAD;
    }
    d->lz.next_in = in;
    d->lz.avail_in = d->avail;
    d->lz.next_out = out;
    d->lz.avail_out = cap;
    lzma_ret r = lzma_code(&d->lz, LZMA_RUN);
    *in_used = d->avail - d->lz.avail_in;
    *produced = cap - d->lz.avail_out;
    return r == LZMA_STREAM_END                    ? STEP_END
           : (r == LZMA_OK || r == LZMA_BUF_ERROR) ? STEP_OK
                                                   : STEP_BAD;
}

static int zdec_next(void *state, uint8_t *buf, size_t cap, size_t *got, custody_error *err)
{
    struct zdec *d = state;
    size_t total = 0;
    *got = 0;
    if (cap > CHUNK) {
        cap = CHUNK; /* keeps avail_in/avail_out within uInt */
    }
    while (total < cap && !d->ended) {
        int rc = zdec_fill(d, err);
        if (rc < 0) {
            return rc;
        }
        size_t used = 0, made = 0;
        int s = zdec_step(d, buf + total, cap - total, &used, &made);
        d->avail -= used;
        d->inb_off += used;
        total += made;
        if (s == STEP_BAD) {
            return cu_err_malformed(err, d->loc, d->in_pos - d->avail,
                                    "corrupt compressed data (method %u)", d->method);
        }
        if (s == STEP_END) {
            d->ended = true;
            break;
        }
        if (used == 0 && made == 0 && d->avail == 0 && d->in_pos >= d->len) {
            return cu_err_malformed(err, d->loc, d->len,
                                    "compressed data ends before the stream does");
        }
        if (used == 0 && made == 0 && d->avail > 0) {
            return cu_err_malformed(err, d->loc, d->in_pos - d->avail, "decoder made no progress");
        }
    }
    d->out_total += total;
    uint64_t consumed = d->in_pos - d->avail;
    if (d->out_total > RATIO_FLOOR &&
        d->out_total / (consumed > 0 ? consumed : 1) > CU_LIMIT_EXPAND_RATIO) {
        return cu_err_limit(err, d->loc, consumed,
                            "member expands more than %u:1 (decompression bomb)",
                            CU_LIMIT_EXPAND_RATIO);
    }
    *got = total;
    return 0;
}

static void zdec_free(void *state)
{
    struct zdec *d = state;
    if (d == NULL) {
        return;
    }
    zdec_end(d);
    free(d->loc);
    free(d);
}

static const struct cu_decoder_ops zdec_ops = { zdec_reset, zdec_next, zdec_free };

/* ---- members ---- */

static int member_open(struct zip *z, const struct zent *e, const char *loc, struct cu_source **out)
{
    *out = NULL;
    if (e->method == M_STORED) {
        return cu_source_range(out, z->src, e->data_off, e->csize, loc, e->name, z->err);
    }
    struct zdec *d = cu_calloc(1, sizeof(*d));
    if (d == NULL) {
        return cu_err_nomem(z->err);
    }
    d->loc = cu_strdup(loc);
    if (d->loc == NULL) {
        free(d);
        return cu_err_nomem(z->err);
    }
    d->arc = z->src;
    d->off = e->data_off;
    d->len = e->csize;
    d->usize = e->usize;
    d->method = e->method;
    return cu_source_decoded(out, &zdec_ops, d, e->usize, cu_ctx_budget(z->ctx), loc, e->name,
                             z->err);
}

/* Reads a member to its end: CRC-32 and the declared size (a decoded source checks it). */
static int member_crc(struct zip *z, struct cu_source *m, const struct zent *e)
{
    uint8_t *buf = cu_malloc(CHUNK);
    if (buf == NULL) {
        return cu_err_nomem(z->err);
    }
    uint32_t crc = 0;
    uint64_t off = 0;
    int rc = 0;
    for (;;) {
        size_t got = 0;
        rc = cu_source_read(m, off, buf, CHUNK, &got, z->err);
        if (rc < 0 || got == 0) {
            break;
        }
        crc = cu_crc32(crc, buf, got);
        off += got;
    }
    free(buf);
    if (rc < 0) {
        return rc;
    }
    if (!e->size_unknown && (uint32_t)crc != e->crc) {
        cu_emit(z->ctx, m, CU_NO_OFFSET, "zip/crc-mismatch", CU_SEV_DEFAULT, NULL,
                "CRC-32 is %08x but the archive declares %08x: Python's zipfile refuses the "
                "member while torch loads it; its content was analysed anyway",
                crc, e->crc);
    }
    return 0;
}

static int member_analyse(struct zip *z, struct zent *e, struct cu_torch *torch)
{
    char *loc = NULL;
    struct cu_source *m = NULL;
    int rc = 0;
    if (!e->local_ok) {
        return 0;
    }
    loc = cu_source_member_loc(z->src, e->name);
    if (loc == NULL) {
        return cu_err_nomem(z->err);
    }
    uint16_t odd = (uint16_t)(e->flags & ~FLAG_KNOWN);
    if (odd != 0) {
        cu_emit(z->ctx, z->src, ent_off(z, e), "zip/flag-bits", CU_SEV_DEFAULT, e->name,
                "entry '%s' sets general-purpose flag bits %04x (Python's zipfile and miniz "
                "treat them differently)",
                e->name, odd);
    }
    if ((e->flags & FLAG_ENCRYPTED) != 0) {
        cu_emit(z->ctx, z->src, ent_off(z, e), "zip/encrypted", CU_SEV_DEFAULT, e->name,
                "entry '%s' is encrypted; its content was not analysed", e->name);
        goto out;
    }
    if (!method_known(e->method)) {
        cu_emit(z->ctx, z->src, ent_off(z, e), "zip/unsupported-method", CU_SEV_DEFAULT, e->name,
                "entry '%s' uses compression method %u, which Custody cannot decode; its "
                "content was not analysed",
                e->name, e->method);
        goto out;
    }
    if (e->method == M_STORED && !e->size_unknown && e->csize != e->usize) {
        cu_emit(z->ctx, z->src, ent_off(z, e), "zip/header-mismatch", CU_SEV_DEFAULT, e->name,
                "stored entry '%s' declares %llu bytes but holds %llu", e->name,
                (unsigned long long)e->usize, (unsigned long long)e->csize);
    }
    if (e->method != M_STORED && e->usize != CU_SIZE_UNKNOWN && e->usize > RATIO_FLOOR &&
        e->usize / (e->csize > 0 ? e->csize : 1) > CU_LIMIT_EXPAND_RATIO) {
        cu_emit(z->ctx, z->src, ent_off(z, e), "scan/limit-exceeded", CU_SEV_DEFAULT, e->name,
                "entry '%s' declares %llu bytes from %llu compressed (more than %u:1: a "
                "decompression bomb); decoding stops at the limit",
                e->name, (unsigned long long)e->usize, (unsigned long long)e->csize,
                CU_LIMIT_EXPAND_RATIO);
    }
    enum cu_torch_role role = cu_torch_role(torch, e->name);
    struct zent copy = *e;
    if (e->method == M_STORED && e->size_unknown) {
        copy.usize = copy.csize;
    }
    rc = member_open(z, &copy, loc, &m);
    if (rc < 0) {
        goto out;
    }
    bool is_dir = e->name[0] != '\0' && e->name[strlen(e->name) - 1] == '/' && e->usize == 0;
    if (is_dir) {
        goto out;
    }
    if (!e->overlaps && (role != CU_TORCH_STORAGE || e->usize <= CU_ZIP_CRC_ALWAYS)) {
        rc = member_crc(z, m, e);
        if (rc == CUSTODY_EMALFORMED || rc == CUSTODY_ELIMIT || rc == CUSTODY_EUNSUPPORTED) {
            custody_error *err = z->err;
            cu_emit(z->ctx, m, err->offset,
                    rc == CUSTODY_ELIMIT         ? "scan/limit-exceeded"
                    : rc == CUSTODY_EUNSUPPORTED ? "scan/unsupported"
                                                 : "scan/decode-error",
                    CU_SEV_DEFAULT, NULL, "%s", err->msg[0] ? err->msg : custody_strerror(rc));
            cu_err_clear(err);
            rc = 0; /* the content before the damage is still analysed */
        }
        if (rc < 0) {
            goto out;
        }
    }
    if (torch != NULL) {
        rc = cu_torch_member(z->ctx, torch, m, role);
    } else {
        rc = cu_dispatch(z->ctx, m);
    }
out:
    cu_source_free(m);
    free(loc);
    if (rc == CUSTODY_EMALFORMED || rc == CUSTODY_ELIMIT || rc == CUSTODY_EUNSUPPORTED) {
        /* A member that cannot even be opened is a finding, never the end of the archive. */
        cu_emit(z->ctx, z->src, ent_off(z, e), "zip/malformed", CU_SEV_DEFAULT, e->name,
                "entry '%s': %s", e->name, z->err->msg);
        cu_err_clear(z->err);
        rc = 0;
    }
    return rc;
}

static int side_dispatch(struct zip *z, uint64_t a, uint64_t b, const char *label)
{
    struct cu_source *m = NULL;
    char *loc = cu_source_member_loc(z->src, label);
    if (loc == NULL) {
        return cu_err_nomem(z->err);
    }
    int rc = cu_source_range(&m, z->src, a, b - a, loc, label, z->err);
    if (rc == 0) {
        rc = cu_dispatch(z->ctx, m);
    }
    cu_source_free(m);
    free(loc);
    return rc;
}

/* ---- the analyzer ---- */

static bool zip_sniff(const struct cu_sniff *in)
{
    if (in->len < 4) {
        return false;
    }
    uint32_t sig = cu_load_u32le(in->head);
    return sig == SIG_LOCAL || (sig == SIG_EOCD && in->len >= EOCD_LEN) ||
           (sig == SIG_DESC && in->len >= 8 && cu_load_u32le(in->head + 4) == SIG_LOCAL);
}

static int zip_locate(struct zip *z)
{
    struct eocd e = { 0 };
    bool found = false;
    int rc = eocd_find(z, &e, &found);
    if (rc < 0 || !found) {
        return rc;
    }
    z->eocd_off = e.off;
    z->tail_start = e.off;
    uint64_t cend = e.off + EOCD_LEN;
    if (e.clen > z->size - cend) {
        cu_emit(z->ctx, z->src, e.off, "zip/eocd-inconsistent", CU_SEV_DEFAULT, NULL,
                "archive comment of %u bytes runs past the end of the file", e.clen);
        z->eocd_end = z->size;
    } else {
        z->eocd_end = cend + e.clen;
    }
    if (e.disk != 0 || e.cd_disk != 0) {
        cu_emit(z->ctx, z->src, e.off, "zip/eocd-inconsistent", CU_SEV_DEFAULT, NULL,
                "end record names disk %u (directory on disk %u): multi-disk archive", e.disk,
                e.cd_disk);
    }
    bool is64 = false;
    rc = zip64_read(z, &e, &is64);
    if (rc < 0) {
        return rc;
    }
    if (e.n_disk != e.n_total) {
        cu_emit(z->ctx, z->src, e.off, "zip/eocd-inconsistent", CU_SEV_DEFAULT, NULL,
                "end record counts %llu entries on this disk but %llu in all",
                (unsigned long long)e.n_disk, (unsigned long long)e.n_total);
    }
    z->declared = e.n_total;
    if (e.cd_size > z->tail_start) {
        cu_emit(z->ctx, z->src, e.off, "zip/truncated", CU_SEV_DEFAULT, NULL,
                "central directory of %llu bytes does not fit before the end record",
                (unsigned long long)e.cd_size);
        return 0;
    }
    /* SPEC: the directory ends where the end record starts. Python's zipfile trusts that
     * position and shifts every offset by the difference ("concat"); miniz trusts cd_off. */
    uint64_t expect = z->tail_start - e.cd_size;
    if (e.cd_off == expect || (e.cd_off < z->size && e.cd_size <= z->size - e.cd_off &&
                               (e.cd_size == 0 || at_sig(z, e.cd_off, SIG_CENTRAL)))) {
        z->cd_start = e.cd_off;
    } else if (e.cd_off < expect && (e.cd_size == 0 || at_sig(z, expect, SIG_CENTRAL))) {
        z->bias = expect - e.cd_off;
        z->cd_start = expect;
        cu_emit(z->ctx, z->src, 0, "zip/prepended-data", CU_SEV_DEFAULT, NULL,
                "offsets in the archive are %llu bytes off: data was prepended (Python's "
                "zipfile compensates, miniz does not)",
                (unsigned long long)z->bias);
    } else {
        cu_emit(z->ctx, z->src, e.off, e.cd_off >= z->size ? "zip/truncated" : "zip/malformed",
                CU_SEV_DEFAULT, NULL, "no central directory at offset %llu",
                (unsigned long long)e.cd_off);
        return 0;
    }
    z->cd_end = z->cd_start + e.cd_size;
    z->have_eocd = true;
    return 0;
}

/* A wheel (PEP 427: NAME-VER.dist-info/RECORD and METADATA at the top) or an egg
 * (EGG-INFO/PKG-INFO). */
static bool py_dist(const struct zip *z)
{
    for (size_t i = 0; i < z->n; i++) {
        const char *n = z->e[i].name;
        const char *slash = strchr(n, '/');
        if (slash == NULL || strchr(slash + 1, '/') != NULL) {
            continue;
        }
        size_t dl = (size_t)(slash - n);
        if ((dl > 10 && memcmp(slash - 10, ".dist-info", 10) == 0 &&
             (strcmp(slash + 1, "RECORD") == 0 || strcmp(slash + 1, "METADATA") == 0)) ||
            strcmp(n, "EGG-INFO/PKG-INFO") == 0) {
            return true;
        }
    }
    return false;
}

static int zip_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct zip z;
    struct cu_torch *torch = NULL;
    const char **names = NULL;
    int rc;
    memset(&z, 0, sizeof(z));
    z.ctx = ctx;
    z.src = src;
    z.err = cu_ctx_err(ctx);
    rc = cu_source_size(src, &z.size, z.err);
    if (rc < 0) {
        goto out;
    }
    rc = zip_locate(&z);
    if (rc < 0) {
        goto out;
    }
    size_t ncd = 0;
    if (z.have_eocd) {
        rc = cd_read(&z);
        if (rc < 0) {
            goto out;
        }
        ncd = z.n;
        for (size_t i = 0; i < ncd; i++) {
            local_check(&z, &z.e[i]);
        }
        rc = layout_check(&z, ncd);
        if (rc < 0) {
            goto out;
        }
    } else {
        /* No usable end record: a truncated archive. Recover what a streaming reader gets. */
        uint64_t unexplained = 0;
        uint64_t end = z.eocd_off > 0 ? z.eocd_off : z.size;
        cu_emit(ctx, src, CU_NO_OFFSET, "zip/truncated", CU_SEV_DEFAULT, NULL,
                "no usable central directory; members recovered from local headers");
        rc = region_scan(&z, 0, end, REGION_RECOVER, &unexplained);
        if (rc < 0) {
            goto out;
        }
        if (z.n == 0) {
            rc = cu_err_malformed(z.err, src->loc, 0, "no zip structure could be read");
            goto out;
        }
    }
    eocd_others_check(&z);
    rc = names_check(&z);
    if (rc < 0) {
        goto out;
    }
    if (z.n > 0) {
        names = cu_calloc(z.n, sizeof(*names));
        if (names == NULL) {
            rc = cu_err_nomem(z.err);
            goto out;
        }
        for (size_t i = 0; i < z.n; i++) {
            names[i] = z.e[i].name;
        }
        rc = cu_torch_detect(&torch, names, z.n);
        if (rc < 0) {
            rc = cu_err_nomem(z.err);
            goto out;
        }
    }
    /* Each archive says for itself: a checkpoint inside a wheel is no distribution. */
    const void *old_dist = cu_ctx_set_hint(ctx, CU_HINT_PYDIST, py_dist(&z) ? "1" : NULL);
    for (size_t i = 0; i < z.n && rc >= 0; i++) {
        rc = member_analyse(&z, &z.e[i], torch);
    }
    (void)cu_ctx_set_hint(ctx, CU_HINT_PYDIST, old_dist);
    if (rc < 0) {
        goto out;
    }
    if (torch != NULL) {
        cu_torch_finish(ctx, torch, src);
    }
    /* A prefix that is not itself zip structure (a pickle or script glued in front) and data
     * after the end record are handed to the engine like members. */
    uint64_t first = UINT64_MAX;
    for (size_t i = 0; i < ncd; i++) {
        if (z.e[i].local_ok && z.e[i].lho < first) {
            first = z.e[i].lho;
        }
    }
    if (z.have_eocd && first != UINT64_MAX && first > 0 && !at_sig(&z, 0, SIG_LOCAL)) {
        rc = side_dispatch(&z, 0, first, "[data before the archive]");
        if (rc < 0) {
            goto out;
        }
    }
    if (z.have_eocd && z.eocd_end < z.size) {
        cu_emit(ctx, src, z.eocd_end, "zip/appended-data", CU_SEV_DEFAULT, NULL,
                "%llu bytes after the end of the archive",
                (unsigned long long)(z.size - z.eocd_end));
        rc = side_dispatch(&z, z.eocd_end, z.size, "[data after the archive]");
        if (rc < 0) {
            goto out;
        }
    }
    rc = 0;
out:
    free(names);
    cu_torch_free(torch);
    zip_clear(&z);
    return rc;
}

static const char *const zip_ext[] = { ".zip", ".pt",  ".pth",  ".bin",   ".npz", ".whl",
                                       ".jar", ".mar", ".ckpt", ".keras", NULL };

const struct cu_analyzer cu_analyzer_zip = { "zip", zip_ext, zip_sniff, zip_analyze };
