/* TEMPORARY: stands in for the pickle VM (src/formats/pickle.c) on the `models` branch so it
 * links and its tests run. It analyses nothing; cu_pickle_scan only walks opcodes to find the
 * end of one pickle (so formats that chain pickles can be tested). DELETE AT MERGE. */
#include <string.h>

#include "formats/pickle.h"
#include "core/limits.h"
#include "core/rd.h"
#include "core/banned.h"

bool cu_pv_int(const struct cu_pv *v, int64_t *out)
{
    (void)v;
    (void)out;
    return false;
}
enum cu_pv_kind cu_pv_kind(const struct cu_pv *v)
{
    (void)v;
    return CU_PV_UNKNOWN;
}
bool cu_pv_bytes(const struct cu_pv *v, const uint8_t **p, size_t *len, uint64_t *full_len)
{
    (void)v;
    (void)p;
    (void)len;
    (void)full_len;
    return false;
}
size_t cu_pv_len(const struct cu_pv *v)
{
    (void)v;
    return 0;
}
const struct cu_pv *cu_pv_item(const struct cu_pv *v, size_t i)
{
    (void)v;
    (void)i;
    return NULL;
}
const struct cu_pv *cu_pv_dict_get(const struct cu_pv *v, const char *key)
{
    (void)v;
    (void)key;
    return NULL;
}
bool cu_pv_global(const struct cu_pv *v, const char **module, const char **name)
{
    (void)v;
    (void)module;
    (void)name;
    return false;
}
const struct cu_pv *cu_pv_call_callable(const struct cu_pv *v)
{
    (void)v;
    return NULL;
}
const struct cu_pv *cu_pv_call_args(const struct cu_pv *v)
{
    (void)v;
    return NULL;
}
const struct cu_pv *cu_pv_call_state(const struct cu_pv *v)
{
    (void)v;
    return NULL;
}

/* argument shape of each opcode: 0 none, 1..8 fixed bytes, 'a' u8 len, 'b' u32 len,
 * 'c' u64 len, 'l' one line, 'm' two lines */
static int stub_arg(uint8_t op)
{
    switch (op) {
    case 'I': case 'L': case 'F': case 'S': case 'V': case 'g': case 'p': case 'P':
        return 'l';
    case 'c': case 'i':
        return 'm';
    case 'J': case 'r':
        return 4;
    case 'K': case 'h': case 'q': case 0x80: case 0x82:
        return 1;
    case 'M': case 0x83:
        return 2;
    case 0x84: case 'j':
        return 4;
    case 'G': case 0x95:
        return 8;
    case 'U': case 'C': case 0x8c: case 0x8a:
        return 'a';
    case 'T': case 'X': case 'B': case 0x8b:
        return 'b';
    case 0x8d: case 0x8e: case 0x96:
        return 'c';
    default:
        return 0;
    }
}

int cu_pickle_scan(struct cu_ctx *ctx, struct cu_source *src, uint64_t off,
                   const struct cu_pickle_opts *opts, uint64_t *end)
{
    (void)opts;
    struct cu_stream st;
    int rc = cu_stream_init(&st, src, off, 4096, cu_ctx_err(ctx));
    if (rc < 0) {
        return rc;
    }
    for (;;) {
        uint8_t op;
        rc = cu_stream_getc(&st, &op);
        if (rc <= 0) {
            rc = rc == 0 ? cu_err_malformed(cu_ctx_err(ctx), "pickle", cu_stream_tell(&st),
                                            "truncated") : rc;
            break;
        }
        if (op == '.') {
            rc = 0;
            break;
        }
        int a = stub_arg(op);
        uint64_t n = 0;
        if (a == 'l' || a == 'm') {
            for (int k = 0; k < (a == 'm' ? 2 : 1) && rc >= 0; k++) {
                const uint8_t *l;
                size_t ll;
                rc = cu_stream_line(&st, 1024, &l, &ll);
            }
            if (rc < 0) {
                break;
            }
            continue;
        }
        if (a == 'a' || a == 'b' || a == 'c') {
            size_t w = a == 'a' ? 1 : a == 'b' ? 4 : 8;
            uint8_t lb[8] = { 0 };
            if ((rc = cu_stream_read(&st, lb, w)) < 0) {
                break;
            }
            n = w == 1 ? lb[0] : w == 4 ? cu_load_u32le(lb) : cu_load_u64le(lb);
        } else {
            n = (uint64_t)a;
        }
        if ((rc = cu_stream_skip(&st, n)) < 0) {
            break;
        }
    }
    if (end != NULL) {
        *end = rc == 0 ? cu_stream_tell(&st) : off;
    }
    cu_stream_free(&st);
    return rc == CUSTODY_EMALFORMED ? 0 : rc;
}

int cu_pickle_scan_stream(struct cu_ctx *ctx, struct cu_stream *st,
                          const struct cu_pickle_opts *opts)
{
    (void)ctx;
    (void)st;
    (void)opts;
    return 0;
}

bool cu_pickle_sniff(const uint8_t *head, size_t len)
{
    (void)head;
    (void)len;
    return false;
}

static bool stub_sniff(const struct cu_sniff *in)
{
    (void)in;
    return false;
}

static int stub_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    (void)ctx;
    (void)src;
    return 0;
}

const struct cu_analyzer cu_analyzer_pickle = { "pickle", NULL, stub_sniff, stub_analyze };
