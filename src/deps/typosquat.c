/* Typosquat index over the popular package names of data/ (npm-high-impact, top PyPI).
 *
 * Built once per process (pthread_once) from the embedded lists, then read-only:
 * - an exact set of normalised names (npm: lowercase; PyPI: PEP 503);
 * - a "skeleton" set: separators dropped, homoglyphs folded (0->o, 1->l, rn->m, vv->w) and
 *   doubled letters collapsed, catching multi-edit transforms ("c0l0rs", "lodash_merge");
 * - a symmetric-delete index: every name and each of its 1-deletions
 *   hashed into one radix-sorted array of (hash << 24 | rank). A query generates its own
 *   deletions (2-deletions for 8+ characters), looks each up by binary search and verifies the
 *   candidates by optimal-string-alignment distance (adjacent swaps count 1).
 * A candidate counts when the distance is <= 1 (names of 5-9 characters) or <= 2 (10+), its
 * rank is high enough (typosquatters imitate the very top), the names do not differ only in
 * digits (vue2/vue3, md4/md5) nor only in a non-homoglyph first letter (edn-data/mdn-data).
 * A scoped npm name is only checked for its scope: the scopes of the popular list form a
 * second index, so a fake scope ("@typess/node") imitates the popular one, while names inside
 * one scope (published by its owner) are never squats of each other. */
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "deps/data.h"
#include "deps/deps.h"
#include "deps/typosquat.h"
#include "deps/dutil.h"
#include "deps/pkglists.h"
#include "core/banned.h"

#define SQ_MAXLEN   64u /* longer names are only matched exactly */
#define SQ_IDX_BITS 24u
#define SQ_IDX_MASK ((UINT64_C(1) << SQ_IDX_BITS) - 1)
/* A distance-1 (2) target must rank above this: squatters imitate the very top, and the
 * names just below it are real packages close to each other (measured leave-one-out on the
 * lists: npm ranks 10000+ against the top, ~0.6% flagged at these limits; PyPI ~1.1%). */
static const uint32_t sq_rank_d1[2] = { 5000u, 3000u };
static const uint32_t sq_rank_d2[2] = { 2000u, 1000u };

struct sq_set {
    char *arena;
    uint32_t *off; /* name i (rank i) at arena + off[i] */
    uint32_t n;
    uint32_t *exact; /* open addressing: rank + 1, 0 = empty */
    uint32_t *skel;
    size_t cap;     /* power of two, for exact and skel */
    uint64_t *dels; /* sorted (hash & ~IDX_MASK) | rank */
    size_t ndels;
    uint32_t *weight; /* scopes: how many popular packages use it; NULL for names */
};

static struct sq_set sets[2]; /* by enum cu_eco */
static struct sq_set npm_scopes;
static pthread_once_t sq_once = PTHREAD_ONCE_INIT;
static bool sq_ok;
static double sq_build_ms;

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

static uint64_t hash_str(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return mix64(h ^ n);
}

/* Normalises a name into out (size SQ_MAXLEN + 1 at least... or cap); returns its length or
 * SIZE_MAX when it does not fit. */
static size_t norm_name(enum cu_eco eco, const char *s, char *out, size_t cap)
{
    return cu_pkg_key(eco, s, out, cap) ? strlen(out) : SIZE_MAX;
}

static size_t skeleton(const char *s, size_t n, char *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-' || c == '_' || c == '.') {
            continue;
        }
        if (c == '0') {
            c = 'o';
        } else if (c == '1') {
            c = 'l';
        } else if (c == 'r' && i + 1 < n && s[i + 1] == 'n') {
            c = 'm';
            i++;
        } else if (c == 'v' && i + 1 < n && s[i + 1] == 'v') {
            c = 'w';
            i++;
        }
        if (m > 0 && out[m - 1] == c) {
            continue;
        }
        out[m++] = c;
    }
    out[m] = '\0';
    return m;
}

static const char *set_name(const struct sq_set *st, uint32_t i)
{
    return st->arena + st->off[i];
}

static void table_put(uint32_t *tab, size_t cap, uint64_t h, uint32_t rank)
{
    size_t mask = cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        if (tab[i] == 0) {
            tab[i] = rank + 1;
            return;
        }
    }
}

/* Looks up a string in an open-addressing table; `key_of` gives the stored string's form. */
static uint32_t exact_get(const struct sq_set *st, const char *s, size_t n)
{
    if (st->exact == NULL) {
        return UINT32_MAX;
    }
    size_t mask = st->cap - 1;
    for (size_t i = (size_t)hash_str(s, n) & mask; st->exact[i] != 0; i = (i + 1) & mask) {
        const char *nm = set_name(st, st->exact[i] - 1);
        if (strncmp(nm, s, n) == 0 && nm[n] == '\0') {
            return st->exact[i] - 1;
        }
    }
    return UINT32_MAX;
}

static uint32_t skel_get(const struct sq_set *st, const char *sk, size_t n)
{
    if (st->skel == NULL) {
        return UINT32_MAX;
    }
    size_t mask = st->cap - 1;
    char buf[SQ_MAXLEN + 1];
    for (size_t i = (size_t)hash_str(sk, n) & mask; st->skel[i] != 0; i = (i + 1) & mask) {
        const char *nm = set_name(st, st->skel[i] - 1);
        size_t len = strlen(nm);
        if (len > SQ_MAXLEN) {
            continue;
        }
        size_t m = skeleton(nm, len, buf);
        if (m == n && memcmp(buf, sk, n) == 0) {
            return st->skel[i] - 1;
        }
    }
    return UINT32_MAX;
}

/* Calls fn for the hash of s and of each of its 1-deletions (and 2-deletions when depth 2).
 * Uses a polynomial hash so that every deletion is O(1) from prefix hashes. */
#define SQ_B UINT64_C(0x100000001b3)
struct del_gen {
    uint64_t pre[SQ_MAXLEN + 1]; /* pre[i] = hash of s[0..i) */
    uint64_t pw[SQ_MAXLEN + 1];
};

static uint64_t del_key(uint64_t h, size_t len)
{
    return mix64(h ^ (len * UINT64_C(0x9e3779b97f4a7c15))) & ~SQ_IDX_MASK;
}

static size_t gen_dels(const char *s, size_t n, int depth, uint64_t *out, struct del_gen *g)
{
    g->pre[0] = 0;
    g->pw[0] = 1;
    for (size_t i = 0; i < n; i++) {
        g->pre[i + 1] = g->pre[i] * SQ_B + (uint8_t)s[i] + 1;
        g->pw[i + 1] = g->pw[i] * SQ_B;
    }
    /* segment hash of s[a..b) */
#define SEG(a, b) (g->pre[(b)] - g->pre[(a)] * g->pw[(b) - (a)])
    size_t k = 0;
    out[k++] = del_key(g->pre[n], n);
    for (size_t i = 0; i < n; i++) {
        uint64_t h = g->pre[i] * g->pw[n - 1 - i] + SEG(i + 1, n);
        out[k++] = del_key(h, n - 1);
    }
    if (depth >= 2) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = i + 1; j < n; j++) {
                uint64_t h = g->pre[i];
                h = h * g->pw[j - i - 1] + SEG(i + 1, j);
                h = h * g->pw[n - 1 - j] + SEG(j + 1, n);
                out[k++] = del_key(h, n - 2);
            }
        }
    }
#undef SEG
    return k;
}

/* Depth of the deletions indexed per popular name. Depth 1 keeps the index at ~13 entries a
 * name (2-deletions of every long name would be ~4.6M entries); queries of 8+ characters use
 * depth 2, so distance-2 imitations are found when the popular name needs at most one deletion
 * to meet them (two insertions, insertion + substitution or swap); the skeleton covers
 * separator and homoglyph rewrites. */
static int del_depth(size_t n)
{
    (void)n;
    return 1;
}

static size_t max_dist(size_t n)
{
    if (n < 5) {
        return 0;
    }
    return n >= 10 ? 2 : 1;
}

/* Radix sort of keys by their hash bits (bits 24..63), 4 passes of 10 bits. */
static bool radix_sort(uint64_t *a, size_t n)
{
    uint64_t *tmp = cu_malloc(n * sizeof(*tmp) + 1);
    if (tmp == NULL) {
        return false;
    }
    uint64_t *src = a, *dst = tmp;
    for (unsigned pass = 0; pass < 4; pass++) {
        unsigned shift = SQ_IDX_BITS + pass * 10u;
        size_t cnt[1025] = { 0 };
        for (size_t i = 0; i < n; i++) {
            cnt[((src[i] >> shift) & 1023u) + 1]++;
        }
        for (size_t b = 0; b < 1024; b++) {
            cnt[b + 1] += cnt[b];
        }
        for (size_t i = 0; i < n; i++) {
            dst[cnt[(src[i] >> shift) & 1023u]++] = src[i];
        }
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    /* 4 passes: the result is back in a */
    free(tmp);
    return true;
}

static size_t pow2_at_least(size_t n)
{
    size_t c = 16;
    while (c < n) {
        c <<= 1;
    }
    return c;
}

/* Fills a set from a list of names (already normalised) in arena order. */
static bool set_index(struct sq_set *st, bool with_dels)
{
    st->cap = pow2_at_least((size_t)st->n * 2);
    st->exact = cu_calloc(st->cap, sizeof(uint32_t));
    st->skel = cu_calloc(st->cap, sizeof(uint32_t));
    if (st->exact == NULL || st->skel == NULL) {
        return false;
    }
    char sk[SQ_MAXLEN + 1];
    size_t total = 0;
    for (uint32_t i = 0; i < st->n; i++) {
        const char *nm = set_name(st, i);
        size_t len = strlen(nm);
        if (exact_get(st, nm, len) == UINT32_MAX) {
            table_put(st->exact, st->cap, hash_str(nm, len), i);
        }
        if (len > SQ_MAXLEN || len < 4) {
            continue;
        }
        size_t m = skeleton(nm, len, sk);
        if (skel_get(st, sk, m) == UINT32_MAX) {
            table_put(st->skel, st->cap, hash_str(sk, m), i);
        }
        total += 1 + len + (del_depth(len) >= 2 ? len * (len - 1) / 2 : 0);
    }
    if (!with_dels) {
        return true;
    }
    st->dels = cu_malloc(total * sizeof(uint64_t) + 1);
    if (st->dels == NULL) {
        return false;
    }
    struct del_gen g;
    size_t k = 0;
    for (uint32_t i = 0; i < st->n; i++) {
        const char *nm = set_name(st, i);
        size_t len = strlen(nm);
        if (len > SQ_MAXLEN || len < 4) {
            continue;
        }
        size_t got = gen_dels(nm, len, del_depth(len), st->dels + k, &g);
        for (size_t j = 0; j < got; j++) {
            st->dels[k + j] |= i;
        }
        k += got;
    }
    st->ndels = k;
    return radix_sort(st->dels, k);
}

/* Splits an embedded list into a set, normalising each name. */
static bool set_load(struct sq_set *st, enum cu_eco eco, const unsigned char *data, size_t len)
{
    st->arena = cu_malloc(len + 1);
    uint32_t lines = 0;
    for (size_t i = 0; i < len; i++) {
        lines += data[i] == '\n';
    }
    st->off = cu_calloc((size_t)lines + 1, sizeof(uint32_t));
    if (st->arena == NULL || st->off == NULL) {
        return false;
    }
    size_t pos = 0, start = 0;
    char buf[512];
    for (size_t i = 0; i < len; i++) {
        if (data[i] != '\n') {
            continue;
        }
        size_t n = i - start;
        if (n > 0 && n < sizeof(buf)) {
            memcpy(buf, data + start, n);
            buf[n] = '\0';
            char *o = st->arena + pos;
            size_t m = norm_name(eco, buf, o, len + 1 - pos);
            if (m != SIZE_MAX && m > 0) {
                st->off[st->n++] = (uint32_t)pos;
                pos += m + 1;
            }
        }
        start = i + 1;
    }
    return true;
}

/* npm scopes of the popular list, by number of popular packages in each. */
static bool scopes_load(const struct sq_set *names)
{
    struct sq_set *sc = &npm_scopes;
    size_t bytes = 0;
    for (uint32_t i = 0; i < names->n; i++) {
        bytes += strlen(set_name(names, i)) + 1;
    }
    sc->arena = cu_malloc(bytes + 1);
    sc->off = cu_calloc((size_t)names->n + 1, sizeof(uint32_t));
    sc->weight = cu_calloc((size_t)names->n + 1, sizeof(uint32_t));
    sc->cap = pow2_at_least((size_t)names->n * 2);
    sc->exact = cu_calloc(sc->cap, sizeof(uint32_t));
    if (sc->arena == NULL || sc->off == NULL || sc->weight == NULL || sc->exact == NULL) {
        return false;
    }
    size_t pos = 0;
    for (uint32_t i = 0; i < names->n; i++) {
        const char *nm = set_name(names, i);
        const char *slash = strchr(nm, '/');
        if (nm[0] != '@' || slash == NULL) {
            continue;
        }
        size_t n = (size_t)(slash - nm);
        uint32_t r = exact_get(sc, nm, n);
        if (r != UINT32_MAX) {
            sc->weight[r]++;
            continue;
        }
        memcpy(sc->arena + pos, nm, n);
        sc->arena[pos + n] = '\0';
        sc->off[sc->n] = (uint32_t)pos;
        sc->weight[sc->n] = 1;
        table_put(sc->exact, sc->cap, hash_str(nm, n), sc->n);
        sc->n++;
        pos += n + 1;
    }
    /* scopes become a full set (skeletons and deletions) */
    free(sc->exact);
    sc->exact = NULL;
    return set_index(sc, true);
}

static void sq_build(void)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sq_ok =
        set_load(&sets[CU_ECO_NPM], CU_ECO_NPM, cu_data_npm_popular, cu_data_npm_popular_len) &&
        set_load(&sets[CU_ECO_PYPI], CU_ECO_PYPI, cu_data_pypi_popular, cu_data_pypi_popular_len) &&
        set_index(&sets[CU_ECO_NPM], true) && set_index(&sets[CU_ECO_PYPI], true) &&
        scopes_load(&sets[CU_ECO_NPM]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    sq_build_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

static bool sq_ready(void)
{
    pthread_once(&sq_once, sq_build);
    return sq_ok;
}

double cu_typosquat_build_ms(void)
{
    (void)sq_ready();
    return sq_build_ms;
}

size_t cu_typosquat_count(enum cu_eco eco)
{
    return sq_ready() && (eco == CU_ECO_NPM || eco == CU_ECO_PYPI) ? sets[eco].n : 0;
}

/* Optimal string alignment distance, or cap + 1 when above cap. */
size_t cu_osa_distance(const char *a, size_t n, const char *b, size_t m, size_t cap)
{
    if (n > SQ_MAXLEN || m > SQ_MAXLEN) {
        return cap + 1;
    }
    return cu_dx_osa(a, n, b, m, cap, false);
}

static bool is_sep(char c)
{
    return c == '-' || c == '_' || c == '.';
}

/* Skips a run of digits, and a separator right before it ("-3", ".2", "3"). */
static const char *skip_digits(const char *s)
{
    const char *t = is_sep(*s) ? s + 1 : s;
    if (*t < '0' || *t > '9') {
        return s;
    }
    while (*t >= '0' && *t <= '9') {
        t++;
    }
    return t;
}

/* True when a and b are equal once digits (with a separator before them) are removed: they
 * differ only in a version-like number ("http-proxy-3", "react-dnd2" are forks, not typos). */
static bool differ_in_digits_only(const char *a, const char *b)
{
    for (;;) {
        a = skip_digits(a);
        b = skip_digits(b);
        if (*a != *b) {
            return false;
        }
        if (*a == '\0') {
            return true;
        }
        a++;
        b++;
    }
}

/* Same length, only the first character differs and not by a homoglyph ("edn-data" and
 * "mdn-data" are two real packages; squats keep the head of the name). */
static bool first_letter_only(const char *q, size_t n, const char *t, size_t m)
{
    if (n != m || n < 2 || q[0] == t[0] || memcmp(q + 1, t + 1, n - 1) != 0) {
        return false;
    }
    static const char *const glyphs[] = { "0o", "o0", "1l", "l1", "il", "li", "1i", "i1" };
    for (size_t i = 0; i < sizeof(glyphs) / sizeof(glyphs[0]); i++) {
        if (q[0] == glyphs[i][0] && t[0] == glyphs[i][1]) {
            return false;
        }
    }
    return true;
}

/* Same name up to the last separator, and both last segments are one or two characters
 * ("eslint-plugin-i" and "eslint-plugin-n"): a different short word, not a slip of the keyboard. */
static bool short_last_segment(const char *q, size_t n, const char *t, size_t m)
{
    size_t i = n, j = m;
    while (i > 0 && !is_sep(q[i - 1])) {
        i--;
    }
    while (j > 0 && !is_sep(t[j - 1])) {
        j--;
    }
    return i > 0 && i == j && memcmp(q, t, i) == 0 && n - i <= 2 && m - j <= 2;
}

static int64_t find_first(const uint64_t *a, size_t n, uint64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((a[mid] & ~SQ_IDX_MASK) < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < n && (a[lo] & ~SQ_IDX_MASK) == key ? (int64_t)lo : -1;
}

/* The best popular name q imitates in st (rank limit `maxrank` for distance 1; scaled for
 * distance 2), or UINT32_MAX. q is normalised, not in the set. */
static uint32_t
set_squat(const struct sq_set *st, const char *q, size_t n, uint32_t maxrank1, uint32_t maxrank2)
{
    if (n < 4 || n > SQ_MAXLEN) {
        return UINT32_MAX;
    }
    char sk[SQ_MAXLEN + 1];
    size_t m = skeleton(q, n, sk);
    uint32_t t = skel_get(st, sk, m);
    if (t != UINT32_MAX && !differ_in_digits_only(q, set_name(st, t))) {
        return t;
    }
    if (st->dels == NULL) {
        return UINT32_MAX;
    }
    uint64_t keys[1 + SQ_MAXLEN + SQ_MAXLEN * (SQ_MAXLEN - 1) / 2];
    struct del_gen g;
    size_t nk = gen_dels(q, n, n >= 8 ? 2 : 1, keys, &g);
    uint32_t best = UINT32_MAX;
    size_t bestd = 3;
    for (size_t k = 0; k < nk; k++) {
        int64_t at = find_first(st->dels, st->ndels, keys[k]);
        if (at < 0) {
            continue;
        }
        for (size_t e = (size_t)at; e < st->ndels && (st->dels[e] & ~SQ_IDX_MASK) == keys[k]; e++) {
            uint32_t r = (uint32_t)(st->dels[e] & SQ_IDX_MASK);
            if (r >= maxrank1 || (best != UINT32_MAX && r >= best && bestd <= 1)) {
                continue;
            }
            const char *nm = set_name(st, r);
            size_t len = strlen(nm);
            size_t cap = max_dist(len);
            if (max_dist(n) < cap) {
                cap = max_dist(n);
            }
            if (cap == 0) {
                continue;
            }
            size_t d = cu_osa_distance(q, n, nm, len, cap);
            if (d > cap || (d == 2 && r >= maxrank2) || differ_in_digits_only(q, nm) ||
                (d == 1 && first_letter_only(q, n, nm, len)) || short_last_segment(q, n, nm, len)) {
                continue;
            }
            if (d < bestd || (d == bestd && r < best)) {
                best = r;
                bestd = d;
            }
        }
    }
    return best;
}

bool cu_popular_name(enum cu_eco eco, const char *name)
{
    char q[512];
    if (name == NULL || (eco != CU_ECO_NPM && eco != CU_ECO_PYPI) || !sq_ready()) {
        return false;
    }
    size_t n = norm_name(eco, name, q, sizeof(q));
    return n != SIZE_MAX && exact_get(&sets[eco], q, n) != UINT32_MAX;
}

long cu_popular_rank(enum cu_eco eco, const char *name)
{
    char q[512];
    if (name == NULL || (eco != CU_ECO_NPM && eco != CU_ECO_PYPI) || !sq_ready()) {
        return -1;
    }
    size_t n = norm_name(eco, name, q, sizeof(q));
    uint32_t r = n == SIZE_MAX ? UINT32_MAX : exact_get(&sets[eco], q, n);
    return r == UINT32_MAX ? -1 : (long)r;
}

bool cu_typosquat_check(enum cu_eco eco, const char *name, const char **target)
{
    char q[512];
    *target = NULL;
    if (name == NULL || (eco != CU_ECO_NPM && eco != CU_ECO_PYPI) || !sq_ready()) {
        return false;
    }
    const struct sq_set *st = &sets[eco];
    size_t n = norm_name(eco, name, q, sizeof(q));
    if (n == SIZE_MAX || exact_get(st, q, n) != UINT32_MAX) {
        return false;
    }
    /* A scoped name can only be published by the scope's owner: inside one scope there is no
     * squat; only a scope that imitates another is checked. */
    if (q[0] != '@') {
        uint32_t t = set_squat(st, q, n, sq_rank_d1[eco], sq_rank_d2[eco]);
        if (t != UINT32_MAX) {
            *target = set_name(st, t);
            return true;
        }
        return false;
    }
    if (eco == CU_ECO_NPM) {
        /* a scope that imitates a popular one (used by 3+ popular packages) */
        const char *slash = strchr(q, '/');
        if (slash == NULL) {
            return false;
        }
        size_t sn = (size_t)(slash - q);
        if (exact_get(&npm_scopes, q, sn) != UINT32_MAX) {
            return false;
        }
        char scope[SQ_MAXLEN + 1];
        if (sn > SQ_MAXLEN || sn < 5) {
            return false;
        }
        memcpy(scope, q, sn);
        scope[sn] = '\0';
        uint32_t s = set_squat(&npm_scopes, scope, sn, UINT32_MAX, UINT32_MAX);
        if (s != UINT32_MAX && npm_scopes.weight[s] >= 3) {
            /* the popular package of that scope with the same bare name, else the scope */
            char full[512];
            const char *sc = set_name(&npm_scopes, s);
            int w = snprintf(full, sizeof(full), "%s%s", sc, slash);
            uint32_t p =
                w > 0 && (size_t)w < sizeof(full) ? exact_get(st, full, (size_t)w) : UINT32_MAX;
            *target = p != UINT32_MAX ? set_name(st, p) : sc;
            return true;
        }
    }
    return false;
}

size_t cu_popular_prefix_count(enum cu_eco eco, const char *prefix)
{
    if (prefix == NULL || (eco != CU_ECO_NPM && eco != CU_ECO_PYPI) || !sq_ready()) {
        return 0;
    }
    size_t n = strlen(prefix), count = 0;
    const struct sq_set *st = &sets[eco];
    for (uint32_t i = 0; i < st->n; i++) {
        count += strncmp(set_name(st, i), prefix, n) == 0;
    }
    return count;
}
