#ifndef CU_JINJA_H
#define CU_JINJA_H
/* A static analyzer for Jinja2 templates (chat templates in GGUF metadata and in
 * tokenizer_config.json). It tokenizes the template the way Jinja's lexer does (data,
 * {{ }}, {% %}, {# #}, whitespace control, raw blocks, string literals with Python escapes,
 * names, numbers, operators, bracket balancing) and checks the token stream for server-side
 * template injection: dunder/private attribute access (directly, by subscript string, through
 * |attr, or built from pieces), dangerous names (os, popen, eval, import...) and the known
 * sandbox-escape gadgets (lipsum, cycler, joiner, namespace, range as objects, self, request,
 * config, url_for, get_flashed_messages). Nothing is rendered or evaluated. */
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

enum cu_jinja_kind {
    CU_JINJA_SSTI,      /* template/ssti: sandbox escape or code execution primitive */
    CU_JINJA_INCLUDE,   /* template/include: loads other templates (include/extends) */
    CU_JINJA_MALFORMED, /* template/malformed: Jinja would not compile it */
    CU_JINJA_LIMIT      /* template/too-large: a limit stopped the analysis */
};

struct cu_jinja_hit {
    enum cu_jinja_kind kind;
    size_t off;       /* byte offset in the template */
    unsigned line;    /* 1-based */
    unsigned col;     /* 1-based, in bytes */
    const char *what; /* the offending token or construct (borrowed for the call) */
    const char *why;  /* explanation (borrowed for the call) */
};

/* Called for each hit; a negative return stops the scan and is returned. */
typedef int (*cu_jinja_fn)(void *ud, const struct cu_jinja_hit *hit);

/* Tokenizes and checks `n` bytes of template text. Stops after CU_LIMIT_JINJA_HITS hits.
 * Returns 0, CUSTODY_ENOMEM, or a negative value returned by `fn`. */
int cu_jinja_scan(const uint8_t *text, size_t n, cu_jinja_fn fn, void *ud);

/* cu_jinja_scan() with findings emitted on `src`: template/ssti, template/include,
 * template/malformed, template/too-large. `base` is the template's byte offset in src (or
 * CU_NO_OFFSET when unknown) and `where` names it ("tokenizer.chat_template"). Returns 0 or
 * CUSTODY_ENOMEM. */
int cu_jinja_check(struct cu_ctx *ctx,
                   const struct cu_source *src,
                   uint64_t base,
                   const char *where,
                   const uint8_t *text,
                   size_t n);

#endif
