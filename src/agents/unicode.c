/* Hidden Unicode in text (agents.h): tag characters (the hidden ASCII is decoded into the
 * evidence), bidi controls judged like trojan-source (reordering or unterminated sequences),
 * zero-width and format characters outside the scripts and emoji sequences that use them,
 * variation selectors used as a data carrier, confusable mixed-script words, invalid UTF-8.
 * Emits <family>/hidden-unicode, <family>/bidi-control, <family>/mixed-script. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agents/agents.h"
#include "engine/engine.h"
#include "core/util.h"
#include "core/banned.h"

#define UNI_MAX_PER_KIND 32u /* findings of one kind per text; then one summary */
#define UNI_BAD          0xFFFFFFFFu

enum { K_TAG, K_BIDI, K_ZW, K_VS, K_MIX, K_UTF8, K_N };

struct uni {
    struct cu_ctx *ctx;
    const struct cu_source *src;
    const uint8_t *p;
    size_t len;
    uint32_t first_line;
    uint32_t line; /* current line: runs, words and bidi lines never cross a newline */
    const char *family;
    unsigned count[K_N];
    char id[3][64];
};

/* Decodes one code point at p[i]; *n gets its length (1 for an invalid byte). Strict: no
 * overlongs, surrogates or values past U+10FFFF. */
static uint32_t dec(const uint8_t *p, size_t len, size_t i, size_t *n)
{
    uint8_t c = p[i];
    *n = 1;
    if (c < 0x80) {
        return c;
    }
    size_t need;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1, cp = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2, cp = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3, cp = c & 0x07u, min = 0x10000;
    } else {
        return UNI_BAD;
    }
    if (need > len - i - 1) {
        return UNI_BAD;
    }
    for (size_t k = 1; k <= need; k++) {
        uint8_t d = p[i + k];
        if ((d & 0xC0) != 0x80) {
            return UNI_BAD;
        }
        cp = (cp << 6) | (d & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return UNI_BAD;
    }
    *n = need + 1;
    return cp;
}

/* Code point before byte offset i (UNI_BAD when none or invalid). */
static uint32_t prev_cp(const uint8_t *p, size_t i)
{
    size_t k = i;
    while (k > 0 && i - k < 4) {
        k--;
        if ((p[k] & 0xC0) != 0x80) {
            size_t n;
            uint32_t cp = dec(p, i, k, &n);
            return k + n == i ? cp : UNI_BAD;
        }
    }
    return UNI_BAD;
}

static uint32_t next_cp(const uint8_t *p, size_t len, size_t i)
{
    size_t n;
    return i < len ? dec(p, len, i, &n) : UNI_BAD;
}

static bool is_emoji(uint32_t c)
{
    return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) ||
           (c >= 0x2300 && c <= 0x23FF) || (c >= 0x2B00 && c <= 0x2BFF) || c == 0x00A9 ||
           c == 0x00AE || c == 0x203C || c == 0x2049 || c == 0x2122 || c == 0x2139 ||
           (c >= 0x2190 && c <= 0x21FF) || (c >= 0x2194 && c <= 0x2199) || c == 0x3030 ||
           c == 0x303D || c == 0x3297 || c == 0x3299 || c == 0x20E3 || c == 0xFE0F ||
           (c >= 0x1F3FB && c <= 0x1F3FF);
}

/* Scripts that join with ZWJ/ZWNJ: Arabic, Syriac, Thaana, NKo, the Brahmic scripts, Sinhala,
 * Tibetan, Myanmar, Khmer, Mongolian, Persian forms. */
static bool is_joining_script(uint32_t c)
{
    return (c >= 0x0600 && c <= 0x08FF) || (c >= 0x0900 && c <= 0x0DFF) ||
           (c >= 0x0F00 && c <= 0x109F) || (c >= 0x1780 && c <= 0x18AF) ||
           (c >= 0xA8E0 && c <= 0xA8FF) || (c >= 0xFB50 && c <= 0xFEFC) ||
           (c >= 0x11000 && c <= 0x111FF);
}

/* Scripts that mark word breaks with ZWSP: Thai, Lao, Tibetan, Myanmar, Khmer, CJK. */
static bool is_zwsp_script(uint32_t c)
{
    return (c >= 0x0E00 && c <= 0x0FFF) || (c >= 0x1000 && c <= 0x109F) ||
           (c >= 0x1780 && c <= 0x17FF) || (c >= 0x3000 && c <= 0x9FFF) ||
           (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF);
}

static bool is_rtl_letter(uint32_t c)
{
    return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) ||
           (c >= 0xFE70 && c <= 0xFEFC);
}

static bool is_latin_letter(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

/* Cyrillic and Greek letters that look like Latin ones. */
static bool is_confusable(uint32_t c)
{
    static const uint32_t tab[] = {
        /* Cyrillic */
        0x0430, 0x0435, 0x043E, 0x0440, 0x0441, 0x0443, 0x0445, 0x0456, 0x0458, 0x0455, 0x04BB,
        0x0501, 0x051B, 0x051D, 0x0410, 0x0412, 0x0415, 0x041A, 0x041C, 0x041D, 0x041E, 0x0420,
        0x0421, 0x0422, 0x0425, 0x0406, 0x0408, 0x0405, 0x04C0, 0x0432, 0x043A, 0x043C, 0x043D,
        0x0442, 0x044C,
        /* Greek */
        0x0391, 0x0392, 0x0395, 0x0396, 0x0397, 0x0399, 0x039A, 0x039C, 0x039D, 0x039F, 0x03A1,
        0x03A4, 0x03A5, 0x03A7, 0x03BF, 0x03BD, 0x03C1, 0x03B9, 0x03BA, 0x03C5
    };
    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
        if (tab[i] == c) {
            return true;
        }
    }
    return false;
}

static bool is_cyr_greek(uint32_t c)
{
    return (c >= 0x0370 && c <= 0x03FF) || (c >= 0x0400 && c <= 0x052F);
}

static bool is_var_sel(uint32_t c)
{
    return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

static bool is_bidi(uint32_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
           c == 0x200F || c == 0x061C;
}

static const char *rule(struct uni *u, int which)
{
    static const char *const names[] = { "hidden-unicode", "bidi-control", "mixed-script" };
    (void)snprintf(u->id[which], sizeof(u->id[which]), "%s/%s", u->family, names[which]);
    return u->id[which];
}

/* Counts a finding of `kind`; false past the cap (a summary is emitted once). */
static bool admit(struct uni *u, int kind, uint32_t line)
{
    u->count[kind]++;
    if (u->count[kind] <= UNI_MAX_PER_KIND) {
        return true;
    }
    if (u->count[kind] == UNI_MAX_PER_KIND + 1) {
        int r = kind == K_BIDI ? 1 : kind == K_MIX ? 2 : 0;
        cu_emit_line(u->ctx, u->src, line, rule(u, r), CU_SEV_DEFAULT, NULL,
                     "more hidden or confusable characters of this kind follow (%u reported)",
                     UNI_MAX_PER_KIND);
    }
    return false;
}

/* Evidence: printable ASCII kept, the rest as \u escapes. */
static void add_visible(struct cu_buf *b, uint32_t c)
{
    if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\') {
        cu_buf_addc(b, (char)c);
    } else if (c == '\n') {
        cu_buf_adds(b, "\\n");
    } else {
        cu_buf_addf(b, c > 0xFFFF ? "\\U%08X" : "\\u%04X", (unsigned)c);
    }
}

static void line_excerpt(struct uni *u, size_t off, struct cu_buf *b)
{
    size_t s = off, e = off;
    while (s > 0 && u->p[s - 1] != '\n' && off - s < 60) {
        s--;
    }
    while (e < u->len && u->p[e] != '\n' && e - off < 60) {
        e++;
    }
    for (size_t i = s; i < e;) {
        size_t n;
        uint32_t c = dec(u->p, e, i, &n);
        add_visible(b, c == UNI_BAD ? u->p[i] : c);
        i += n;
    }
}

/* A run of tag characters from off: the emoji tag sequence of a subdivision flag (black flag,
 * lowercase letters/digits, cancel tag) is fine; anything else hides ASCII text. */
static size_t tag_run(struct uni *u, size_t off)
{
    struct cu_buf msg = CU_BUF_INIT(400);
    size_t i = off, nt = 0;
    bool flag_ok = prev_cp(u->p, off) == 0x1F3F4, cancel = false;
    while (i < u->len) {
        size_t n;
        uint32_t c = dec(u->p, u->len, i, &n);
        if (c < 0xE0000 || c > 0xE007F) {
            break;
        }
        uint32_t a = c - 0xE0000;
        if (cancel) {
            flag_ok = false;
        }
        if (a == 0x7F) {
            cancel = true;
        } else if (!((a >= 'a' && a <= 'z') || (a >= '0' && a <= '9'))) {
            flag_ok = false;
        }
        if (a >= 0x20 && a < 0x7F) {
            add_visible(&msg, a);
        }
        nt++;
        i += n;
    }
    if (!(flag_ok && cancel && nt >= 3 && nt <= 8)) {
        uint32_t line = u->line;
        if (admit(u, K_TAG, line)) {
            cu_emit_line(u->ctx, u->src, line, rule(u, 0), CUSTODY_SEV_HIGH, cu_buf_str(&msg),
                         "%zu invisible Unicode tag characters (U+E0000-E007F) carry hidden "
                         "text: '%s'",
                         nt, cu_buf_str(&msg));
        }
    }
    cu_buf_free(&msg);
    return i;
}

/* Variation selectors: one after a character is an ordinary variation sequence (emoji
 * presentation, keycaps, CJK ideographic variants); a run of them, or one after plain ASCII
 * text, encodes bytes (one selector per byte). */
static size_t vs_run(struct uni *u, size_t off)
{
    size_t i = off, nv = 0;
    struct cu_buf msg = CU_BUF_INIT(400);
    while (i < u->len) {
        size_t n;
        uint32_t c = dec(u->p, u->len, i, &n);
        if (!is_var_sel(c)) {
            break;
        }
        uint32_t byte = c <= 0xFE0F ? c - 0xFE00 : c - 0xE0100 + 16;
        add_visible(&msg, byte);
        nv++;
        i += n;
    }
    uint32_t before = prev_cp(u->p, off);
    bool base_ok = before != UNI_BAD && (before >= 0x80 || (before >= '0' && before <= '9') ||
                                         before == '#' || before == '*');
    if (nv > 1 || !base_ok) {
        uint32_t line = u->line;
        if (admit(u, K_VS, line)) {
            cu_emit_line(u->ctx, u->src, line, rule(u, 0),
                         nv >= 4 ? CUSTODY_SEV_HIGH : CUSTODY_SEV_MEDIUM, cu_buf_str(&msg),
                         "%zu variation selector(s) where no variation sequence is expected: "
                         "a data carrier (decoded bytes: '%s')",
                         nv, cu_buf_str(&msg));
        }
    }
    cu_buf_free(&msg);
    return i;
}

/* Whether the zero-width/format character c at [off, off+n) is used as its script expects. */
static bool format_ok(const struct uni *u, uint32_t c, size_t off, size_t n)
{
    uint32_t a = prev_cp(u->p, off), b = next_cp(u->p, u->len, off + n);
    switch (c) {
    case 0x200D: /* ZWJ: emoji sequences, joining scripts */
        return (a != UNI_BAD && b != UNI_BAD && is_emoji(a) && is_emoji(b)) ||
               (a != UNI_BAD && is_joining_script(a)) || (b != UNI_BAD && is_joining_script(b));
    case 0x200C: /* ZWNJ: Persian, Indic */
        return (a != UNI_BAD && is_joining_script(a)) || (b != UNI_BAD && is_joining_script(b));
    case 0x200B:
        return (a != UNI_BAD && is_zwsp_script(a)) || (b != UNI_BAD && is_zwsp_script(b));
    case 0x180E:
        return a != UNI_BAD && a >= 0x1800 && a <= 0x18AF;
    case 0xFEFF:
        return off == 0 && u->first_line <= 1;
    default: /* U+00AD and the rest: never expected (the soft hyphen is graded low) */
        return false;
    }
}

static bool is_hidden_format(uint32_t c)
{
    return c == 0x200B || c == 0x200C || c == 0x200D || (c >= 0x2060 && c <= 0x2064) ||
           c == 0xFEFF || c == 0x00AD || c == 0x180E || c == 0x034F || c == 0x115F || c == 0x1160 ||
           c == 0x3164 || c == 0xFFA0 || (c >= 0xFFF9 && c <= 0xFFFB) || c == 0x17B4 || c == 0x17B5;
}

/* A run of hidden format characters from off. */
static size_t zw_run(struct uni *u, size_t off)
{
    size_t i = off, nz = 0, bad = 0;
    uint32_t first_bad = 0;
    struct cu_buf cps = CU_BUF_INIT(200);
    while (i < u->len) {
        size_t n;
        uint32_t c = dec(u->p, u->len, i, &n);
        if (c == UNI_BAD || !is_hidden_format(c)) {
            break;
        }
        if (!format_ok(u, c, i, n)) {
            if (bad == 0) {
                first_bad = c;
            }
            bad++;
            add_visible(&cps, c);
        }
        nz++;
        i += n;
    }
    if (bad > 0) {
        uint32_t line = u->line;
        bool soft = first_bad == 0x00AD && bad == 1;
        if (admit(u, K_ZW, line)) {
            struct cu_buf ex = CU_BUF_INIT(300);
            line_excerpt(u, off, &ex);
            cu_emit_line(u->ctx, u->src, line, rule(u, 0),
                         bad >= 4 ? CUSTODY_SEV_HIGH
                         : soft   ? CUSTODY_SEV_LOW
                                  : CUSTODY_SEV_MEDIUM,
                         cu_buf_str(&ex),
                         "%zu invisible zero-width/format character(s) (%s) outside the "
                         "scripts and emoji sequences that use them",
                         bad, cu_buf_str(&cps));
            cu_buf_free(&ex);
        }
    }
    cu_buf_free(&cps);
    return i;
}

/* Bidi controls of one line, judged like trojan-source: an override or isolate that reorders
 * text, or an embedding/isolate left open at the end of the line, is high; marks alone
 * (LRM/RLM/ALM) are low in right-to-left text and medium elsewhere. Every line with a control
 * is reported (the anti-trojan-source set). */
static void bidi_line(struct uni *u, size_t s, size_t e)
{
    int open_emb = 0, open_iso = 0;
    size_t ncontrols = 0, nmarks = 0, first = SIZE_MAX;
    bool reorder = false, rtl = false, bad_close = false;
    struct cu_buf cps = CU_BUF_INIT(200);
    for (size_t i = s; i < e;) {
        size_t n;
        uint32_t c = dec(u->p, e, i, &n);
        if (c != UNI_BAD && is_rtl_letter(c) && !is_bidi(c)) {
            rtl = true;
        }
        if (c != UNI_BAD && is_bidi(c)) {
            if (first == SIZE_MAX) {
                first = i;
            }
            add_visible(&cps, c);
            if (c == 0x200E || c == 0x200F || c == 0x061C) {
                nmarks++;
            } else {
                ncontrols++;
                if (c == 0x202D || c == 0x202E || c == 0x2067 || c == 0x202B) {
                    reorder = true;
                }
                if (c >= 0x202A && c <= 0x202E && c != 0x202C) {
                    open_emb++;
                } else if (c == 0x202C) {
                    if (open_emb == 0) {
                        bad_close = true;
                    } else {
                        open_emb--;
                    }
                } else if (c >= 0x2066 && c <= 0x2068) {
                    open_iso++;
                } else if (c == 0x2069) {
                    if (open_iso == 0) {
                        bad_close = true;
                    } else {
                        open_iso--;
                    }
                }
            }
        }
        i += n;
    }
    if (first != SIZE_MAX) {
        uint32_t line = u->line;
        int sev;
        const char *why;
        if (open_emb > 0 || open_iso > 0) {
            sev = CUSTODY_SEV_HIGH;
            why = "left open at the end of the line: the rest of the line is displayed "
                  "reordered (trojan source)";
        } else if (reorder || bad_close) {
            sev = CUSTODY_SEV_HIGH;
            why = "reorder how the line is displayed against the order it is read (trojan "
                  "source)";
        } else if (ncontrols > 0) {
            sev = rtl ? CUSTODY_SEV_MEDIUM : CUSTODY_SEV_HIGH;
            why = "change the displayed order of the line";
        } else {
            sev = rtl ? CUSTODY_SEV_LOW : CUSTODY_SEV_MEDIUM;
            why = "direction marks outside right-to-left text";
        }
        if (admit(u, K_BIDI, line)) {
            struct cu_buf ex = CU_BUF_INIT(300);
            line_excerpt(u, first, &ex);
            cu_emit_line(u->ctx, u->src, line, rule(u, 1), sev, cu_buf_str(&ex),
                         "%zu bidirectional control character(s) (%s) %s", ncontrols + nmarks,
                         cu_buf_str(&cps), why);
            cu_buf_free(&ex);
        }
    }
    cu_buf_free(&cps);
}

/* A word of letters mixing Latin with Cyrillic/Greek look-alikes. */
static void mixed_word(struct uni *u, size_t s, size_t e)
{
    size_t latin = 0, conf = 0, other = 0;
    for (size_t i = s; i < e;) {
        size_t n;
        uint32_t c = dec(u->p, e, i, &n);
        if (is_latin_letter(c)) {
            latin++;
        } else if (is_confusable(c)) {
            conf++;
        } else if (is_cyr_greek(c)) {
            other++;
        }
        i += n;
    }
    if (latin >= 1 && conf >= 1 && latin + conf >= 3 && other == 0) {
        uint32_t line = u->line;
        if (admit(u, K_MIX, line)) {
            struct cu_buf ex = CU_BUF_INIT(300);
            for (size_t i = s; i < e;) {
                size_t n;
                uint32_t c = dec(u->p, e, i, &n);
                add_visible(&ex, c);
                i += n;
            }
            cu_emit_line(u->ctx, u->src, line, rule(u, 2), CU_SEV_DEFAULT, cu_buf_str(&ex),
                         "word mixes Latin letters with %zu Cyrillic/Greek look-alike(s): it "
                         "reads like one word and is another",
                         conf);
            cu_buf_free(&ex);
        }
    }
}

static bool is_word_cp(uint32_t c)
{
    return c != UNI_BAD && (is_latin_letter(c) || is_cyr_greek(c) || (c >= '0' && c <= '9'));
}

void cu_text_check_unicode(struct cu_ctx *ctx,
                           const struct cu_source *src,
                           const char *text,
                           size_t len,
                           uint32_t first_line,
                           const char *family)
{
    if (text == NULL || family == NULL) {
        return;
    }
    struct uni u = { ctx,   src,      (const uint8_t *)text, len, first_line, first_line, family,
                     { 0 }, { { 0 } } };
    uint32_t bad_line = 0;
    size_t bad_utf8 = 0, first_bad = 0, line_start = 0, word_start = SIZE_MAX;
    bool line_has_bidi = false;
    for (size_t i = 0; i <= len;) {
        size_t n = 1;
        uint32_t c = i < len ? dec(u.p, len, i, &n) : '\n';
        bool word = is_word_cp(c);
        if (word && word_start == SIZE_MAX) {
            word_start = i;
        } else if (!word && word_start != SIZE_MAX) {
            mixed_word(&u, word_start, i);
            word_start = SIZE_MAX;
        }
        if (c == '\n' || i == len) {
            if (line_has_bidi) {
                bidi_line(&u, line_start, i);
            }
            line_has_bidi = false;
            line_start = i + 1;
            if (u.line < UINT32_MAX) {
                u.line++;
            }
            if (i == len) {
                break;
            }
            i += n;
            continue;
        }
        if (c == UNI_BAD) {
            if (bad_utf8++ == 0) {
                first_bad = i;
                bad_line = u.line;
            }
            i += 1;
        } else if (c >= 0xE0000 && c <= 0xE007F) {
            i = tag_run(&u, i);
        } else if (is_var_sel(c)) {
            i = vs_run(&u, i);
        } else if (is_hidden_format(c)) {
            i = zw_run(&u, i);
        } else {
            if (is_bidi(c)) {
                line_has_bidi = true;
            }
            i += n;
        }
    }
    if (bad_utf8 > 0) {
        char ev[32];
        (void)snprintf(ev, sizeof(ev), "0x%02X", u.p[first_bad]);
        cu_emit_line(ctx, src, bad_line, rule(&u, 0), CUSTODY_SEV_LOW, ev,
                     "%zu byte(s) of invalid UTF-8: tools may decode this text differently",
                     bad_utf8);
    }
}
