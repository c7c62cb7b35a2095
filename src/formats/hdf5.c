/* A minimal, bounded HDF5 reader for one job: the root group's model_config and
 * training_config attributes of a legacy Keras .h5 model (docs/hdf5.md explains why this is not
 * libhdf5). It reads the superblock (v0-v3), the root object header (v1 or v2, following
 * continuation messages), attribute messages (v1-v3) holding a fixed-length string or a
 * variable-length string in the global heap, and hands the JSON to the Keras walker. Every
 * address is checked against the file, every length against what remains, loops are cut by a
 * chunk limit and a visited list. Checksums are not verified (libhdf5 would refuse a bad one;
 * that only makes a file unloadable). */
#define _GNU_SOURCE /* memmem */
#include "formats/hdf5.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/rd.h"
#include "core/util.h"
#include "formats/keras.h"
#include "core/banned.h"

static const uint8_t h5_magic[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };

#define H5_UNDEF         UINT64_MAX
#define H5_MSG_CONT      0x0010u
#define H5_MSG_ATTR      0x000cu
#define H5_MSG_ATTR_INFO 0x0015u
#define H5_CHUNK_MAX     (16u << 20) /* one object header chunk held in memory */
#define H5_USERBLOCK_MAX (1ull << 40)
#define H5_CARVE_MAX     (16u << 20) /* bytes searched for a config in dense storage */

struct h5 {
    struct cu_ctx *ctx;
    struct cu_source *src;
    custody_error *err;
    uint64_t size; /* file size */
    uint64_t base; /* absolute offset of address 0 */
    unsigned so;   /* size of offsets */
    unsigned sl;   /* size of lengths */
    unsigned nmsgs;
    uint64_t chunk_addr[CU_LIMIT_H5_CHUNKS];
    uint64_t chunk_len[CU_LIMIT_H5_CHUNKS];
    unsigned nchunks;
    bool unread;
    unsigned configs;
};

static uint64_t h5_load(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i > 0; i--) {
        v = (v << 8) | p[i - 1];
    }
    return v;
}

static bool h5_is_undef(const uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (p[i] != 0xff) {
            return false;
        }
    }
    return true;
}

/* Reads an address field of h->so bytes; H5_UNDEF for the undefined address. */
static bool h5_rd_addr(const struct h5 *h, struct cu_rd *rd, uint64_t *out)
{
    const uint8_t *p;
    if (!cu_rd_bytes(rd, h->so, &p)) {
        return false;
    }
    *out = h5_is_undef(p, h->so) ? H5_UNDEF : h5_load(p, h->so);
    return true;
}

static bool h5_rd_len(const struct h5 *h, struct cu_rd *rd, uint64_t *out)
{
    const uint8_t *p;
    if (!cu_rd_bytes(rd, h->sl, &p)) {
        return false;
    }
    *out = h5_load(p, h->sl);
    return true;
}

/* Absolute file offset of a relative address holding at least `need` bytes. */
static int h5_abs(struct h5 *h, uint64_t addr, uint64_t need, const char *what, uint64_t *out)
{
    uint64_t a;
    if (addr == H5_UNDEF || __builtin_add_overflow(addr, h->base, &a) || a > h->size ||
        need > h->size - a) {
        return cu_err_malformed(h->err, h->src->loc, CU_NO_OFFSET,
                                "%s at address %llu (+%llu bytes) is outside the file", what,
                                (unsigned long long)addr, (unsigned long long)need);
    }
    *out = a;
    return 0;
}

/* ---- attribute messages ---- */

static int h5_config_json(struct h5 *h, const char *aname, const uint8_t *s, size_t n, uint64_t off)
{
    while (n > 0 && (s[n - 1] == '\0' || s[n - 1] == ' ')) {
        n--; /* null or space padding of fixed-length strings */
    }
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)s, n, JSON_REJECT_DUPLICATES, &jerr);
    h->configs++;
    if (doc == NULL) {
        cu_emit(h->ctx, h->src, off, "keras/malformed-config", CU_SEV_DEFAULT, jerr.text,
                "HDF5 attribute '%s' is not valid JSON (%s, line %d)", aname, jerr.text, jerr.line);
        return 0;
    }
    struct cu_source *msrc = NULL;
    char *loc = cu_source_member_loc(h->src, aname);
    int rc = loc == NULL ? cu_err_nomem(h->err)
                         : cu_source_from_mem(&msrc, s, n, false, loc, aname, h->err);
    if (rc == 0) {
        rc = cu_keras_analyze_config(h->ctx, msrc, doc, aname);
    }
    cu_source_free(msrc);
    free(loc);
    json_decref(doc);
    return rc;
}

/* Reads global heap object `index` of the collection at `addr` into a new buffer. */
static int
h5_gheap(struct h5 *h, uint64_t addr, uint32_t index, uint64_t want, uint8_t **out, uint64_t *where)
{
    uint64_t at = 0, csize = 0;
    uint8_t hdr[24];
    int rc = h5_abs(h, addr, 8 + h->sl, "global heap collection", &at);
    if (rc < 0) {
        return rc;
    }
    rc = cu_source_read_exact(h->src, at, hdr, 8 + h->sl, h->err);
    if (rc < 0) {
        return rc;
    }
    if (memcmp(hdr, "GCOL", 4) != 0 || hdr[4] != 1) {
        return cu_err_malformed(h->err, h->src->loc, at, "bad global heap collection header");
    }
    csize = h5_load(hdr + 8, h->sl);
    if (csize < 8 + h->sl || csize > h->size - at) {
        return cu_err_malformed(h->err, h->src->loc, at, "global heap collection size %llu",
                                (unsigned long long)csize);
    }
    uint64_t pos = 8 + h->sl; /* relative to the collection */
    unsigned ohdr = 8 + h->sl;
    for (unsigned guard = 0; guard < 1u << 20; guard++) {
        if (ohdr > csize - pos) {
            break;
        }
        rc = cu_source_read_exact(h->src, at + pos, hdr, ohdr, h->err);
        if (rc < 0) {
            return rc;
        }
        uint16_t idx = cu_load_u16le(hdr);
        uint64_t osize = h5_load(hdr + 8, h->sl);
        if (idx == 0) {
            break; /* free space: the rest of the collection */
        }
        if (osize > csize - pos - ohdr) {
            return cu_err_malformed(h->err, h->src->loc, at + pos,
                                    "global heap object %u of %llu bytes overruns its collection",
                                    idx, (unsigned long long)osize);
        }
        if (idx == index) {
            if (want > osize) {
                return cu_err_malformed(h->err, h->src->loc, at + pos,
                                        "variable-length string of %llu bytes in a heap object "
                                        "of %llu",
                                        (unsigned long long)want, (unsigned long long)osize);
            }
            if (want > CU_LIMIT_JSON) {
                return cu_err_limit(h->err, h->src->loc, at + pos,
                                    "model config of %llu bytes exceeds %u",
                                    (unsigned long long)want, CU_LIMIT_JSON);
            }
            uint8_t *buf = cu_malloc(want > 0 ? (size_t)want : 1);
            if (buf == NULL) {
                return cu_err_nomem(h->err);
            }
            rc = cu_source_read_exact(h->src, at + pos + ohdr, buf, (size_t)want, h->err);
            if (rc < 0) {
                free(buf);
                return rc;
            }
            *out = buf;
            *where = at + pos + ohdr;
            return 0;
        }
        uint64_t step = (osize + 7) & ~(uint64_t)7;
        if (step < osize || step > csize - pos - ohdr) {
            break;
        }
        pos += ohdr + step;
    }
    return cu_err_malformed(h->err, h->src->loc, at, "global heap object %u not found", index);
}

/* Number of elements of a dataspace message, or UINT64_MAX when broken. */
static uint64_t h5_dataspace_count(const struct h5 *h, const uint8_t *d, size_t n)
{
    struct cu_rd rd = CU_RD_INIT(d, n);
    uint8_t ver, rank, flags, type = 1;
    if (!cu_rd_u8(&rd, &ver) || !cu_rd_u8(&rd, &rank) || !cu_rd_u8(&rd, &flags)) {
        return UINT64_MAX;
    }
    if (ver == 1) {
        if (!cu_rd_skip(&rd, 5)) {
            return UINT64_MAX;
        }
    } else if (ver == 2) {
        if (!cu_rd_u8(&rd, &type)) {
            return UINT64_MAX;
        }
    } else {
        return UINT64_MAX;
    }
    if (rank > 32 || type > 2) {
        return UINT64_MAX;
    }
    if (type == 2) {
        return 0;
    }
    uint64_t count = 1;
    for (unsigned i = 0; i < rank; i++) {
        uint64_t dim;
        if (!h5_rd_len(h, &rd, &dim) || __builtin_mul_overflow(count, dim, &count)) {
            return UINT64_MAX;
        }
    }
    return count;
}

static int h5_attribute(struct h5 *h, const uint8_t *d, size_t n, uint64_t off)
{
    struct cu_rd rd = CU_RD_INIT(d, n);
    uint8_t ver, flags;
    uint16_t nlen, tlen, slen;
    if (!cu_rd_u8(&rd, &ver) || !cu_rd_u8(&rd, &flags) || !cu_rd_u16le(&rd, &nlen) ||
        !cu_rd_u16le(&rd, &tlen) || !cu_rd_u16le(&rd, &slen)) {
        return cu_err_malformed(h->err, h->src->loc, off, "truncated attribute message");
    }
    if (ver < 1 || ver > 3) {
        return cu_err_malformed(h->err, h->src->loc, off, "attribute message version %u", ver);
    }
    if (ver == 3 && !cu_rd_skip(&rd, 1)) { /* name character set */
        return cu_err_malformed(h->err, h->src->loc, off, "truncated attribute message");
    }
    size_t pad = ver == 1 ? 7 : 0;
    const uint8_t *name, *dt, *ds;
    size_t nl = ((size_t)nlen + pad) & ~pad, tl = ((size_t)tlen + pad) & ~pad,
           sl = ((size_t)slen + pad) & ~pad;
    if (nlen == 0 || !cu_rd_bytes(&rd, nl, &name) || !cu_rd_bytes(&rd, tl, &dt) ||
        !cu_rd_bytes(&rd, sl, &ds)) {
        return cu_err_malformed(h->err, h->src->loc, off,
                                "attribute name/datatype/dataspace overrun the message");
    }
    size_t namelen = strnlen((const char *)name, nlen);
    const char *aname = NULL;
    if (namelen == 12 && memcmp(name, "model_config", 12) == 0) {
        aname = "model_config";
    } else if (namelen == 15 && memcmp(name, "training_config", 15) == 0) {
        aname = "training_config";
    }
    if (aname == NULL) {
        return 0;
    }
    if ((flags & 0x03) != 0 && ver > 1) {
        h->unread = true; /* shared datatype or dataspace */
        return 0;
    }
    if (tlen < 8 || slen < 2) {
        return cu_err_malformed(h->err, h->src->loc, off, "attribute '%s': short datatype", aname);
    }
    unsigned klass = dt[0] & 0x0fu;
    uint32_t esize = cu_load_u32le(dt + 4);
    uint64_t count = h5_dataspace_count(h, ds, slen);
    if (count == UINT64_MAX) {
        return cu_err_malformed(h->err, h->src->loc, off, "attribute '%s': bad dataspace", aname);
    }
    if (count == 0) {
        cu_emit(h->ctx, h->src, off, "keras/malformed-config", CU_SEV_DEFAULT, aname,
                "HDF5 attribute '%s' is empty", aname);
        return 0;
    }
    const uint8_t *data = rd.p + rd.off;
    size_t dlen = cu_rd_left(&rd);
    uint64_t doff = off + rd.off;
    if (klass == 3) { /* fixed-length string: the first element */
        if (esize == 0 || esize > dlen) {
            return cu_err_malformed(h->err, h->src->loc, off,
                                    "attribute '%s': string of %u bytes in %zu", aname, esize,
                                    dlen);
        }
        size_t sn = strnlen((const char *)data, esize);
        return h5_config_json(h, aname, data, sn, doff);
    }
    if (klass == 9 && (dt[1] & 0x0fu) == 1) { /* variable-length string in the global heap */
        struct cu_rd e = CU_RD_INIT(data, dlen);
        uint32_t slen32, index;
        uint64_t coll, where = doff;
        uint8_t *buf = NULL;
        if (!cu_rd_u32le(&e, &slen32) || !h5_rd_addr(h, &e, &coll) || !cu_rd_u32le(&e, &index)) {
            return cu_err_malformed(h->err, h->src->loc, off,
                                    "attribute '%s': truncated heap reference", aname);
        }
        int rc = h5_gheap(h, coll, index, slen32, &buf, &where);
        if (rc == 0) {
            rc = h5_config_json(h, aname, buf, slen32, where);
        }
        free(buf);
        return rc;
    }
    cu_emit(h->ctx, h->src, off, "keras/malformed-config", CU_SEV_DEFAULT, aname,
            "HDF5 attribute '%s' is not a string (datatype class %u)", aname, klass);
    return 0;
}

/* ---- object header ---- */

static int h5_add_chunk(struct h5 *h, uint64_t addr, uint64_t len, uint64_t off)
{
    for (unsigned i = 0; i < h->nchunks; i++) {
        if (h->chunk_addr[i] == addr) {
            return cu_err_malformed(h->err, h->src->loc, off,
                                    "object header continuation loops to address %llu",
                                    (unsigned long long)addr);
        }
    }
    if (h->nchunks >= CU_LIMIT_H5_CHUNKS) {
        return cu_err_limit(h->err, h->src->loc, off, "more than %u object header chunks",
                            CU_LIMIT_H5_CHUNKS);
    }
    h->chunk_addr[h->nchunks] = addr;
    h->chunk_len[h->nchunks] = len;
    h->nchunks++;
    return 0;
}

static int
h5_message(struct h5 *h, unsigned type, unsigned flags, const uint8_t *d, size_t n, uint64_t off)
{
    if (++h->nmsgs > CU_LIMIT_H5_MESSAGES) {
        return cu_err_limit(h->err, h->src->loc, off, "more than %u object header messages",
                            CU_LIMIT_H5_MESSAGES);
    }
    if (type == H5_MSG_CONT) {
        struct cu_rd rd = CU_RD_INIT(d, n);
        uint64_t addr, len;
        if (!h5_rd_addr(h, &rd, &addr) || !h5_rd_len(h, &rd, &len)) {
            return cu_err_malformed(h->err, h->src->loc, off, "truncated continuation message");
        }
        return h5_add_chunk(h, addr, len, off);
    }
    if (type == H5_MSG_ATTR_INFO) {
        /* version, flags, [max creation index], fractal heap address, name index B-tree */
        struct cu_rd rd = CU_RD_INIT(d, n);
        uint8_t ver, fl;
        uint64_t heap;
        if (!cu_rd_u8(&rd, &ver) || !cu_rd_u8(&rd, &fl) || ((fl & 1) != 0 && !cu_rd_skip(&rd, 2)) ||
            !h5_rd_addr(h, &rd, &heap)) {
            return cu_err_malformed(h->err, h->src->loc, off, "truncated attribute info");
        }
        if (heap != H5_UNDEF) {
            h->unread = true; /* dense attribute storage */
        }
        return 0;
    }
    if (type == H5_MSG_ATTR) {
        if ((flags & 0x02) != 0) {
            h->unread = true; /* shared message */
            return 0;
        }
        return h5_attribute(h, d, n, off);
    }
    return 0;
}

/* Walks the messages of one chunk held in buf (v1 or v2 layout). */
static int h5_chunk(struct h5 *h, int ver, bool order, const uint8_t *buf, size_t n, uint64_t at)
{
    struct cu_rd rd = CU_RD_INIT(buf, n);
    size_t mh = ver == 1 ? 8 : (order ? 6 : 4);
    while (cu_rd_left(&rd) >= mh) {
        uint64_t off = at + rd.off;
        unsigned type = 0, flags = 0;
        uint16_t size = 0;
        if (ver == 1) {
            uint16_t t16 = 0;
            uint8_t f = 0;
            (void)(cu_rd_u16le(&rd, &t16) && cu_rd_u16le(&rd, &size) && cu_rd_u8(&rd, &f) &&
                   cu_rd_skip(&rd, 3));
            type = t16;
            flags = f;
        } else {
            uint8_t t8 = 0, f = 0;
            (void)(cu_rd_u8(&rd, &t8) && cu_rd_u16le(&rd, &size) && cu_rd_u8(&rd, &f) &&
                   (!order || cu_rd_skip(&rd, 2)));
            type = t8;
            flags = f;
        }
        const uint8_t *d;
        if (!cu_rd_bytes(&rd, size, &d)) {
            return cu_err_malformed(h->err, h->src->loc, off,
                                    "object header message of %u bytes overruns its chunk", size);
        }
        int rc = h5_message(h, type, flags, d, size, off);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

static int h5_read_chunk(struct h5 *h, uint64_t addr, uint64_t len, uint8_t **out, uint64_t *at)
{
    if (len > H5_CHUNK_MAX) {
        return cu_err_limit(h->err, h->src->loc, CU_NO_OFFSET, "object header chunk of %llu bytes",
                            (unsigned long long)len);
    }
    int rc = h5_abs(h, addr, len, "object header chunk", at);
    if (rc < 0) {
        return rc;
    }
    uint8_t *buf = cu_malloc(len > 0 ? (size_t)len : 1);
    if (buf == NULL) {
        return cu_err_nomem(h->err);
    }
    rc = cu_source_read_exact(h->src, *at, buf, (size_t)len, h->err);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    *out = buf;
    return 0;
}

static int h5_object_header(struct h5 *h, uint64_t addr)
{
    uint8_t pre[16];
    uint64_t at = 0;
    int rc = h5_abs(h, addr, 16, "root object header", &at);
    if (rc < 0) {
        return rc;
    }
    rc = cu_source_read_exact(h->src, at, pre, sizeof(pre), h->err);
    if (rc < 0) {
        return rc;
    }
    int ver;
    bool order = false;
    uint64_t first, flen;
    if (memcmp(pre, "OHDR", 4) == 0) {
        if (pre[4] != 2) {
            return cu_err_malformed(h->err, h->src->loc, at, "object header version %u", pre[4]);
        }
        ver = 2;
        uint8_t fl = pre[5];
        order = (fl & 0x04) != 0;
        uint64_t hdr = 6u + ((fl & 0x20) != 0 ? 16u : 0u) + ((fl & 0x10) != 0 ? 4u : 0u);
        unsigned w = 1u << (fl & 3);
        uint8_t sz[8];
        rc = h5_abs(h, addr, hdr + w, "root object header", &at);
        if (rc == 0) {
            rc = cu_source_read_exact(h->src, at + hdr, sz, w, h->err);
        }
        if (rc < 0) {
            return rc;
        }
        flen = h5_load(sz, w);
        first = addr + hdr + w; /* no overflow: checked by h5_abs */
        if (flen > UINT64_MAX - 4) {
            return cu_err_malformed(h->err, h->src->loc, at, "object header size");
        }
        flen += 4; /* the checksum, dropped below */
    } else if (pre[0] == 1) {
        ver = 1;
        flen = cu_load_u32le(pre + 8);
        first = addr + 16;
    } else {
        return cu_err_malformed(h->err, h->src->loc, at, "unknown object header version %u",
                                pre[0]);
    }
    rc = h5_add_chunk(h, first, flen, at);
    for (unsigned i = 0; rc == 0 && i < h->nchunks; i++) {
        uint8_t *buf = NULL;
        uint64_t cat = 0;
        rc = h5_read_chunk(h, h->chunk_addr[i], h->chunk_len[i], &buf, &cat);
        if (rc < 0) {
            break;
        }
        size_t n = (size_t)h->chunk_len[i];
        size_t skip = 0;
        if (ver == 2) {
            if (i > 0 && (n < 8 || memcmp(buf, "OCHK", 4) != 0)) {
                rc = cu_err_malformed(h->err, h->src->loc, cat, "bad continuation chunk");
            } else if (n < 4) {
                rc = cu_err_malformed(h->err, h->src->loc, cat, "short object header chunk");
            }
            skip = i > 0 ? 4 : 0;
            n -= 4; /* checksum */
        }
        if (rc == 0) {
            rc = h5_chunk(h, ver, order, buf + skip, n - skip, cat + skip);
        }
        free(buf);
    }
    return rc;
}

/* ---- superblock ---- */

static int h5_find_signature(struct h5 *h, uint64_t *out)
{
    uint8_t sig[8];
    for (uint64_t at = 0; at <= H5_USERBLOCK_MAX && at < h->size && h->size - at >= 8;
         at = at == 0 ? 512 : at * 2) {
        int rc = cu_source_read_exact(h->src, at, sig, 8, h->err);
        if (rc < 0) {
            return rc;
        }
        if (memcmp(sig, h5_magic, 8) == 0) {
            *out = at;
            return 0;
        }
    }
    return cu_err_malformed(h->err, h->src->loc, 0, "no HDF5 superblock signature");
}

static int h5_superblock(struct h5 *h, uint64_t sb, uint64_t *root)
{
    uint8_t buf[128];
    size_t n = h->size - sb < sizeof(buf) ? (size_t)(h->size - sb) : sizeof(buf);
    int rc = cu_source_read_exact(h->src, sb, buf, n, h->err);
    if (rc < 0) {
        return rc;
    }
    struct cu_rd rd = CU_RD_INIT(buf, n);
    uint8_t ver;
    if (!cu_rd_skip(&rd, 8) || !cu_rd_u8(&rd, &ver)) {
        return cu_err_malformed(h->err, h->src->loc, sb, "truncated superblock");
    }
    uint8_t so = 0, sl = 0;
    uint64_t base, skip_addr;
    bool ok;
    if (ver <= 1) {
        ok = cu_rd_skip(&rd, 4) && cu_rd_u8(&rd, &so) && cu_rd_u8(&rd, &sl) &&
             cu_rd_skip(&rd, 1 + 2 + 2 + 4 + (ver == 1 ? 4u : 0u));
    } else if (ver <= 3) {
        ok = cu_rd_u8(&rd, &so) && cu_rd_u8(&rd, &sl) && cu_rd_skip(&rd, 1);
    } else {
        return cu_err_unsupported(h->err, h->src->loc, sb, "HDF5 superblock version %u", ver);
    }
    if (!ok) {
        return cu_err_malformed(h->err, h->src->loc, sb, "truncated superblock");
    }
    if ((so != 2 && so != 4 && so != 8) || (sl != 2 && sl != 4 && sl != 8)) {
        return cu_err_malformed(h->err, h->src->loc, sb, "size of offsets %u / lengths %u", so, sl);
    }
    h->so = so;
    h->sl = sl;
    if (!h5_rd_addr(h, &rd, &base)) {
        return cu_err_malformed(h->err, h->src->loc, sb, "truncated superblock");
    }
    if (ver <= 1) {
        /* free-space, end of file, driver info; then the root symbol table entry's link name
         * offset and object header address */
        ok = h5_rd_addr(h, &rd, &skip_addr) && h5_rd_addr(h, &rd, &skip_addr) &&
             h5_rd_addr(h, &rd, &skip_addr) && h5_rd_addr(h, &rd, &skip_addr) &&
             h5_rd_addr(h, &rd, root);
    } else {
        /* superblock extension, end of file, root object header */
        ok = h5_rd_addr(h, &rd, &skip_addr) && h5_rd_addr(h, &rd, &skip_addr) &&
             h5_rd_addr(h, &rd, root);
    }
    if (!ok) {
        return cu_err_malformed(h->err, h->src->loc, sb, "truncated superblock");
    }
    /* Like libhdf5, addresses count from where the superblock was found (a user block before
     * it shifts them), whatever the stored base address says. */
    (void)base;
    h->base = sb;
    return 0;
}

/* Dense attribute storage is not followed; attribute values there are stored as they are
 * (fractal heap blocks or huge objects, unfiltered for attributes), so the config text is in
 * the file verbatim. Every Keras-like JSON object in the first H5_CARVE_MAX bytes is walked:
 * a Lambda hidden there is still found, even if a decoy comes first. */
static int h5_carve(struct h5 *h)
{
    static const char needle[] = "{\"class_name\"";
    size_t n = h->size < H5_CARVE_MAX ? (size_t)h->size : H5_CARVE_MAX;
    uint8_t *buf = cu_malloc(n > 0 ? n : 1);
    if (buf == NULL) {
        return cu_err_nomem(h->err);
    }
    int rc = cu_source_read_exact(h->src, 0, buf, n, h->err);
    size_t at = 0;
    while (rc == 0 && at < n) {
        const uint8_t *p = memmem(buf + at, n - at, needle, sizeof(needle) - 1);
        if (p == NULL) {
            break;
        }
        size_t off = (size_t)(p - buf);
        json_error_t jerr;
        json_t *doc = json_loadb((const char *)p, n - off,
                                 JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &jerr);
        size_t used = 1;
        if (doc != NULL && json_is_object(json_object_get(doc, "config"))) {
            if (jerr.position > 0) {
                used = (size_t)jerr.position;
            }
            rc = h5_config_json(h, "dense_attribute", p, used > n - off ? n - off : used, off);
        }
        json_decref(doc);
        at = off + used;
    }
    free(buf);
    return rc;
}

static int h5_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct h5 *h = cu_calloc(1, sizeof(*h));
    if (h == NULL) {
        return cu_err_nomem(cu_ctx_err(ctx));
    }
    if (cu_ctx_depth(ctx) == 1) { /* the top-level file (analyze runs one level down) */
        cu_fact(ctx, "format", "hdf5");
    }
    h->ctx = ctx;
    h->src = src;
    h->err = cu_ctx_err(ctx);
    uint64_t sb = 0, root = H5_UNDEF;
    int rc = cu_source_size(src, &h->size, h->err);
    if (rc == 0) {
        rc = h5_find_signature(h, &sb);
    }
    if (rc == 0) {
        rc = h5_superblock(h, sb, &root);
    }
    if (rc == 0) {
        rc = h5_object_header(h, root);
    }
    if (rc == 0 && h->unread && h->configs == 0) {
        rc = h5_carve(h);
        /* Low once a config was found by its text: only a filtered heap could hide more. */
        cu_emit(ctx, src, CU_NO_OFFSET, "hdf5/attributes-unread",
                h->configs > 0 ? CUSTODY_SEV_LOW : CU_SEV_DEFAULT, NULL,
                "the root group stores attributes in dense or shared storage, which Custody does "
                "not read: %u Keras config(s) found there by their text were analysed, anything "
                "else was not",
                h->configs);
    }
    free(h);
    return rc;
}

static bool h5_sniff(const struct cu_sniff *in)
{
    return in->len >= 8 && memcmp(in->head, h5_magic, 8) == 0;
}

static const char *const h5_ext[] = { ".h5", ".hdf5", ".he5", NULL };

const struct cu_analyzer cu_analyzer_hdf5 = { "hdf5", h5_ext, h5_sniff, h5_analyze };
