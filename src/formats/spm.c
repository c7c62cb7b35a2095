/* SentencePiece tokenizer models (sentencepiece_model.proto ModelProto): `tokenizer.model` in
 * Llama, T5, Mistral and Gemma repositories. Recognised so that such a file, named like a
 * model, is not an unrecognised one: the whole protobuf is walked, fields 1-5 (pieces,
 * trainer_spec, normalizer_spec, self_test_data, denormalizer_spec) must be messages, and the
 * piece count is reported. No part of it is ever executed by a loader. */
#include <string.h>

#include "core/source.h"
#include "core/util.h"
#include "engine/engine.h"
#include "formats/protowire.h"
#include "core/banned.h"

/* The head as every writer serialises it: pieces first, each a SentencePiece message whose
 * first field is the piece text (1, LEN) and whose next is its score (2, float) or type
 * (3, varint). Two such pieces must fit the head whole (the first are <unk>, <s>, </s>). */
static bool
spm_head_field(void *ud, uint32_t no, unsigned wt, const uint8_t *m, size_t avail, uint64_t v)
{
    unsigned *pieces = ud;
    if (*pieces >= 2) {
        return true; /* enough seen; the rest may be cut by the head */
    }
    uint64_t tl;
    size_t tu;
    if (no != 1 || wt != CU_PW_LEN || v < 4 || avail != v || m[0] != 0x0a ||
        !cu_pw_mem_varint(m + 1, avail - 1, &tu, &tl) || tl == 0 || tl > avail - 1 - tu) {
        return false;
    }
    size_t after = 1 + tu + (size_t)tl;
    if (after < avail && m[after] != 0x15 && m[after] != 0x18) {
        return false;
    }
    (*pieces)++;
    return true;
}

static bool spm_sniff(const struct cu_sniff *in)
{
    unsigned pieces = 0;
    return cu_pw_head_walk(in->head, in->len, spm_head_field, &pieces, 2) && pieces >= 2;
}

struct spm_walk {
    const struct cu_source *src;
    custody_error *err;
    uint64_t pieces;
    bool normalizer;
};

static int spm_field(void *ud, const struct cu_pw_field *f)
{
    struct spm_walk *w = ud;
    if (f->no >= 1 && f->no <= 5 && f->wt != CU_PW_LEN) {
        return cu_err_malformed(w->err, w->src->loc, f->off,
                                "SentencePiece model field %u is not a message (wire type %u)",
                                f->no, f->wt);
    }
    w->pieces += f->no == 1;
    w->normalizer = w->normalizer || f->no == 3;
    return 0;
}

static int spm_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    struct spm_walk w = { src, cu_ctx_err(ctx), 0, false };
    int rc = cu_pw_walk_source(src, w.err, spm_field, &w);
    if (rc < 0) {
        return rc;
    }
    cu_emit(ctx, src, CU_NO_OFFSET, "tokenizer/sentencepiece", CU_SEV_DEFAULT, NULL,
            "SentencePiece model: %llu pieces%s", (unsigned long long)w.pieces,
            w.normalizer ? ", normalizer rules" : "");
    cu_fact(ctx, "tokenizer.pieces", "%llu", (unsigned long long)w.pieces);
    return 0;
}

static const char *const spm_ext[] = { ".model", NULL };
const struct cu_analyzer cu_analyzer_sentencepiece = { "sentencepiece", spm_ext, spm_sniff,
                                                       spm_analyze };
