/* Legacy PyTorch checkpoints (torch/serialization.py _legacy_save/_legacy_load):
 *  - the sequential format (torch < 1.6, or _use_new_zipfile_serialization=False): five
 *    pickles back to back - MAGIC_NUMBER (0x1950a86a20f9469cfc6c), PROTOCOL_VERSION (1001),
 *    sys_info, the object (persistent ids name storages), the sorted storage keys - then one raw
 *    record per key: an int64 element count and count * element_size bytes. The records are
 *    never unpickled and must not be read as pickle.
 *  - the tar format (torch < 0.4): members 'sys_info' and 'pickle' are plain pickles (the
 *    pickle analyzer takes them); 'storages' and 'tensors' are a count pickle followed by
 *    records that mix pickles and raw bytes (analyzer "torch-legacy-records" below). */
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/rd.h"
#include "core/util.h"
#include "formats/pickle.h"
#include "formats/torch_legacy.h"
#include "core/banned.h"

static const uint8_t tl_magic[10] = { 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19 };
static const char tl_magic_p0[] = "L119547037146038801333356L\n";

#define TL_POSSET       64u        /* storage-record parses followed at once */
#define TL_SMALL_PICKLE (1u << 20) /* key lists and record headers read whole */
#define TL_MAX_NDIM     64u

bool cu_torch_legacy_sniff_magic(const uint8_t *h, size_t n)
{
    size_t i = 0;
    if (n >= 2 && h[0] == 0x80 && h[1] >= 2 && h[1] <= 5) {
        i = 2;
        if (n - i >= 9 && h[i] == 0x95) { /* FRAME (protocol 4+) */
            i += 9;
        }
        return n - i >= 12 && h[i] == 0x8a && h[i + 1] == 10 &&
               memcmp(h + i + 2, tl_magic, sizeof(tl_magic)) == 0;
    }
    /* protocol 0/1 write the long in decimal */
    size_t m = sizeof(tl_magic_p0) - 1;
    return n >= m && memcmp(h, tl_magic_p0, m) == 0;
}

static bool tl_sniff(const struct cu_sniff *in)
{
    return cu_torch_legacy_sniff_magic(in->head, in->len);
}

/* Reads [off, end) into a fresh buffer (small pickles only). */
static int tl_read_span(struct cu_ctx *ctx,
                        struct cu_source *src,
                        uint64_t off,
                        uint64_t end,
                        uint8_t **out,
                        size_t *len)
{
    custody_error *err = cu_ctx_err(ctx);
    *out = NULL;
    if (end < off || end - off > TL_SMALL_PICKLE) {
        return cu_err_limit(err, "torch legacy", off, "record pickle larger than %u bytes",
                            TL_SMALL_PICKLE);
    }
    *len = (size_t)(end - off);
    *out = cu_malloc(*len + 1);
    if (*out == NULL) {
        return cu_err_nomem(err);
    }
    int rc = cu_source_read_exact(src, off, *out, *len, err);
    if (rc < 0) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

/* Counts the items of a pickled flat list of strings (the storage keys), or -1 when the
 * pickle holds anything else. */
long cu_torch_legacy_count_str_list(const uint8_t *p, size_t n)
{
    struct cu_rd rd = CU_RD_INIT(p, n);
    long items = 0;
    bool list = false;
    uint8_t op;
    while (cu_rd_u8(&rd, &op)) {
        uint8_t b1;
        uint32_t u32;
        uint64_t u64;
        const uint8_t *skip;
        switch (op) {
        case 0x80: /* PROTO */
        case 'q':  /* BINPUT */
            if (!cu_rd_u8(&rd, &b1)) {
                return -1;
            }
            break;
        case 0x95: /* FRAME */
            if (!cu_rd_u64le(&rd, &u64)) {
                return -1;
            }
            break;
        case 'r': /* LONG_BINPUT */
            if (!cu_rd_u32le(&rd, &u32)) {
                return -1;
            }
            break;
        case 0x94: /* MEMOIZE */
        case '(':  /* MARK */
        case 'a':  /* APPEND */
        case 'e':  /* APPENDS */
            break;
        case ']': /* EMPTY_LIST */
        case 'l': /* LIST (protocol 0/1) */
            if (list && op == ']') {
                return -1;
            }
            list = true;
            break;
        case 0x8c: /* SHORT_BINUNICODE */
        case 'U':  /* SHORT_BINSTRING */
            if (!cu_rd_u8(&rd, &b1) || !cu_rd_bytes(&rd, b1, &skip)) {
                return -1;
            }
            items++;
            break;
        case 'X': /* BINUNICODE */
        case 'T': /* BINSTRING */
            if (!cu_rd_u32le(&rd, &u32) || !cu_rd_bytes(&rd, u32, &skip)) {
                return -1;
            }
            items++;
            break;
        case 'V': /* UNICODE line */
        case 'S': /* STRING line */
        case 'p': /* PUT line */
            while (cu_rd_u8(&rd, &b1) && b1 != '\n') {
            }
            if (op != 'p') {
                items++;
            }
            break;
        case '.':
            return list && cu_rd_left(&rd) == 0 ? items : -1;
        default:
            return -1;
        }
    }
    return -1;
}

/* Element size of a torch.<Name>Storage class named in a small pickle, or 0. */
static unsigned tl_storage_elem(const uint8_t *p, size_t n)
{
    static const struct {
        const char *name;
        unsigned size;
    } st[] = {
        { "DoubleStorage", 8 },   { "FloatStorage", 4 },        { "HalfStorage", 2 },
        { "LongStorage", 8 },     { "IntStorage", 4 },          { "ShortStorage", 2 },
        { "CharStorage", 1 },     { "ByteStorage", 1 },         { "BoolStorage", 1 },
        { "BFloat16Storage", 2 }, { "ComplexFloatStorage", 8 }, { "ComplexDoubleStorage", 16 },
        { "QInt8Storage", 1 },    { "QUInt8Storage", 1 },       { "QInt32Storage", 4 },
        { "QUInt4x2Storage", 1 }, { "QUInt2x4Storage", 1 },     { "UntypedStorage", 1 },
    };
    unsigned found = 0;
    for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
        size_t l = strlen(st[i].name);
        for (size_t j = 1; j + l < n; j++) {
            /* the class name ends at '\n' (GLOBAL) and starts after '\n' or a length byte */
            if (memcmp(p + j, st[i].name, l) == 0 &&
                (p[j + l] == '\n' || p[j - 1] == '\n' || p[j - 1] == l)) {
                if (found != 0 && found != st[i].size) {
                    return 0; /* two different storage types: ambiguous */
                }
                found = st[i].size;
            }
        }
    }
    return found;
}

static const unsigned tl_elem_sizes[] = { 1, 2, 4, 8, 16 };

/* Follows the raw storage records of the sequential format from `off`: `nkeys` records of
 * (int64 count, count * elem bytes) with elem unknown (a dtype's size), keeping every parse
 * that fits. */
static int
tl_storages(struct cu_ctx *ctx, struct cu_source *src, uint64_t off, uint64_t size, long nkeys)
{
    custody_error *err = cu_ctx_err(ctx);
    uint64_t set[TL_POSSET], next[TL_POSSET];
    size_t n = 1, nn;
    set[0] = off;
    if (nkeys < 0) {
        cu_emit(ctx, src, off, "torch-legacy/storage-unverified", CU_SEV_DEFAULT, NULL,
                "storage key list not understood; %llu bytes of raw storage data not matched "
                "against it",
                (unsigned long long)(size - off));
        return 0;
    }
    for (long k = 0; k < nkeys; k++) {
        nn = 0;
        uint64_t furthest = 0;
        for (size_t i = 0; i < n; i++) {
            uint8_t b[8];
            if (size - set[i] < 8) {
                continue;
            }
            int rc = cu_source_read_exact(src, set[i], b, 8, err);
            if (rc < 0) {
                return rc;
            }
            uint64_t count = cu_load_u64le(b);
            for (size_t e = 0; e < sizeof(tl_elem_sizes) / sizeof(tl_elem_sizes[0]); e++) {
                uint64_t bytes, at;
                if (__builtin_mul_overflow(count, tl_elem_sizes[e], &bytes) ||
                    bytes > size - set[i] - 8) {
                    continue;
                }
                at = set[i] + 8 + bytes;
                bool dup = false;
                for (size_t j = 0; j < nn && !dup; j++) {
                    dup = next[j] == at;
                }
                if (dup) {
                    continue;
                }
                if (nn == TL_POSSET) {
                    cu_emit(ctx, src, off, "torch-legacy/storage-unverified", CU_SEV_DEFAULT, NULL,
                            "storage records too ambiguous to follow past record %ld of %ld", k,
                            nkeys);
                    return 0;
                }
                next[nn++] = at;
                furthest = at > furthest ? at : furthest;
            }
        }
        if (nn == 0) {
            return cu_err_malformed(err, "torch legacy storages", set[0],
                                    "storage record %ld of %ld does not fit in the file "
                                    "(truncated or corrupt)",
                                    k + 1, nkeys);
        }
        memcpy(set, next, nn * sizeof(set[0]));
        n = nn;
    }
    uint64_t best = 0;
    for (size_t i = 0; i < n; i++) {
        if (set[i] == size) {
            return 0;
        }
        best = set[i] > best ? set[i] : best;
    }
    cu_emit(ctx, src, best, "torch-legacy/trailing-data", CU_SEV_DEFAULT, NULL,
            "%llu bytes after the %ld storage records are never read by torch.load",
            (unsigned long long)(size - best), nkeys);
    return 0;
}

static int tl_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    static const char *const what[] = { "magic number", "protocol version", "sys_info", "object",
                                        "storage keys" };
    custody_error *err = cu_ctx_err(ctx);
    uint64_t size;
    cu_fact(ctx, "format", "pytorch-legacy");
    cu_fact(ctx, "framework", "pytorch");
    int rc = cu_source_size(src, &size, err);
    if (rc < 0) {
        return rc;
    }
    uint64_t off = 0, keys_off = 0;
    for (int i = 0; i < 5; i++) {
        struct cu_pickle_opts po = { .single = true, .torch = i == 3, .torch_legacy = true };
        uint64_t end = off;
        if (i == 4) {
            keys_off = off;
        }
        if (off >= size) {
            return cu_err_malformed(err, "torch legacy", off, "file ends before the %s pickle",
                                    what[i]);
        }
        rc = cu_pickle_scan(ctx, src, off, &po, &end);
        if (rc < 0) {
            return rc;
        }
        if (end <= off) {
            /* the VM reported the damage; nothing after it can be located */
            return cu_err_malformed(err, "torch legacy", off,
                                    "the %s pickle does not end cleanly; the rest of the "
                                    "checkpoint cannot be located",
                                    what[i]);
        }
        off = end;
    }
    uint8_t *keys = NULL;
    size_t klen = 0;
    long nkeys = -1;
    if (off - keys_off <= TL_SMALL_PICKLE) {
        rc = tl_read_span(ctx, src, keys_off, off, &keys, &klen);
        if (rc < 0) {
            return rc;
        }
        nkeys = cu_torch_legacy_count_str_list(keys, klen);
        free(keys);
    }
    return tl_storages(ctx, src, off, size, nkeys);
}

static const char *const tl_ext[] = { ".pt", ".pth", ".bin", ".ckpt", NULL };
const struct cu_analyzer cu_analyzer_torch_legacy = { "torch-legacy", tl_ext, tl_sniff,
                                                      tl_analyze };

/* ---- tar members 'storages' and 'tensors' (torch < 0.4) ---- */

static bool tr_sniff(const struct cu_sniff *in)
{
    if (in->depth == 0 || in->name == NULL || in->len < 2 || in->head[0] != 0x80 ||
        in->head[1] < 2 || in->head[1] > 5) {
        return false;
    }
    const char *b = cu_basename(in->name);
    return strcmp(b, "storages") == 0 || strcmp(b, "tensors") == 0;
}

/* Reads the non-negative int a count pickle holds (PROTO, BININT1/2/BININT, STOP). */
static int
tr_count(struct cu_ctx *ctx, struct cu_source *src, uint64_t off, uint64_t end, uint64_t *count)
{
    custody_error *err = cu_ctx_err(ctx);
    uint8_t *p;
    size_t n;
    int rc = tl_read_span(ctx, src, off, end, &p, &n);
    if (rc < 0) {
        return rc;
    }
    struct cu_rd rd = CU_RD_INIT(p, n);
    uint8_t op, v8;
    uint16_t v16 = 0;
    uint32_t v32 = 0;
    bool ok = cu_rd_u8(&rd, &op) && op == 0x80 && cu_rd_u8(&rd, &v8) && cu_rd_u8(&rd, &op);
    if (ok && op == 'K') {
        ok = cu_rd_u8(&rd, &v8);
        *count = v8;
    } else if (ok && op == 'M') {
        ok = cu_rd_u16le(&rd, &v16);
        *count = v16;
    } else if (ok && op == 'J') {
        ok = cu_rd_u32le(&rd, &v32) && v32 < 0x80000000u;
        *count = v32;
    } else {
        ok = false;
    }
    ok = ok && cu_rd_u8(&rd, &op) && op == '.' && cu_rd_left(&rd) == 0;
    free(p);
    if (!ok) {
        return cu_err_malformed(err, "torch legacy records", off,
                                "record count is not a small non-negative int pickle");
    }
    return 0;
}

static int
tr_pickle(struct cu_ctx *ctx, struct cu_source *src, uint64_t off, uint64_t size, uint64_t *end)
{
    if (off >= size) {
        return cu_err_malformed(cu_ctx_err(ctx), "torch legacy records", off,
                                "member ends before an expected pickle");
    }
    struct cu_pickle_opts po = { .single = true, .torch = true, .torch_legacy = true };
    *end = off;
    int rc = cu_pickle_scan(ctx, src, off, &po, end);
    if (rc < 0) {
        return rc;
    }
    if (*end <= off) {
        return cu_err_malformed(cu_ctx_err(ctx), "torch legacy records", off,
                                "record pickle does not end cleanly");
    }
    return 0;
}

static int tr_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    custody_error *err = cu_ctx_err(ctx);
    bool storages = strcmp(cu_basename(src->name), "storages") == 0;
    uint64_t size = 0, off = 0, end = 0, count = 0;
    int rc = cu_source_size(src, &size, err);
    if (rc < 0 || (rc = tr_pickle(ctx, src, 0, size, &end)) < 0 ||
        (rc = tr_count(ctx, src, 0, end, &count)) < 0) {
        return rc;
    }
    off = end;
    /* each record is at least a 2-byte pickle plus 8 bytes */
    if (count > (size - off) / 10u) {
        return cu_err_malformed(err, "torch legacy records", 0,
                                "record count %llu does not fit in the member",
                                (unsigned long long)count);
    }
    for (uint64_t i = 0; i < count; i++) {
        uint64_t rec = off;
        if ((rc = tr_pickle(ctx, src, off, size, &end)) < 0) {
            return rc;
        }
        off = end;
        if (storages) {
            uint8_t *p;
            size_t n;
            if ((rc = tl_read_span(ctx, src, rec, end, &p, &n)) < 0) {
                return rc;
            }
            unsigned elem = tl_storage_elem(p, n);
            free(p);
            uint8_t b[8];
            if ((rc = cu_source_read_exact(src, off, b, 8, err)) < 0) {
                return rc;
            }
            uint64_t cnt = cu_load_u64le(b), bytes = 0;
            bool fit = false;
            for (size_t e = 0; e < sizeof(tl_elem_sizes) / sizeof(tl_elem_sizes[0]) && !fit; e++) {
                unsigned es = elem != 0 ? elem : tl_elem_sizes[e];
                uint8_t nx[2];
                fit = !__builtin_mul_overflow(cnt, es, &bytes) && bytes < size - off - 8 &&
                      cu_source_read_exact(src, off + 8 + bytes, nx, 2, err) == 0 &&
                      nx[0] == 0x80 && nx[1] >= 2 && nx[1] <= 5;
                if (elem != 0) {
                    break;
                }
            }
            if (!fit) {
                cu_err_clear(err);
                return cu_err_malformed(err, "torch legacy records", off,
                                        "storage %llu: its %llu elements do not fit before the "
                                        "next record",
                                        (unsigned long long)i, (unsigned long long)cnt);
            }
            off += 8 + bytes;
        } else {
            uint8_t h[8];
            if ((rc = cu_source_read_exact(src, off, h, 8, err)) < 0) {
                return rc;
            }
            uint32_t ndim = cu_load_u32le(h);
            if (ndim > TL_MAX_NDIM) {
                return cu_err_malformed(err, "torch legacy records", off,
                                        "tensor %llu has %u dimensions", (unsigned long long)i,
                                        ndim);
            }
            uint64_t rl = 8u + 16u * ndim + 8u;
            if (rl > size - off) {
                return cu_err_malformed(err, "torch legacy records", off,
                                        "tensor %llu record truncated", (unsigned long long)i);
            }
            off += rl;
        }
    }
    if (storages && (rc = tr_pickle(ctx, src, off, size, &end)) == 0) {
        off = end; /* storage views */
    }
    if (rc < 0) {
        return rc;
    }
    if (off != size) {
        cu_emit(ctx, src, off, "torch-legacy/trailing-data", CU_SEV_DEFAULT, NULL,
                "%llu bytes after the last record of '%s' are never read by torch.load",
                (unsigned long long)(size - off), cu_basename(src->name));
    }
    return 0;
}

const struct cu_analyzer cu_analyzer_torch_legacy_records = { "torch-legacy-records", NULL,
                                                              tr_sniff, tr_analyze };
