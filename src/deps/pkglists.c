/* Embedded package-version lists: data/malicious/{npm,pypi}.txt (known-malicious versions from
 * the OpenSSF malicious-packages dataset) and data/shai-hulud/npm.txt (versions published by
 * the Shai-Hulud worms). Lines are "name<TAB>versions<TAB>id<TAB>date". Each list is parsed
 * once, on first use (pthread_once), into an array sorted by name. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "deps/data.h"
#include "deps/pkglists.h"
#include "core/banned.h"

struct plist {
    char *arena;
    struct cu_pkglist_entry *e;
    size_t n;
};

static struct plist lists[2][2]; /* [list][eco] */

bool cu_pkg_key(enum cu_eco eco, const char *name, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; name[i] != '\0'; i++) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (eco == CU_ECO_PYPI && (c == '-' || c == '_' || c == '.')) {
            if (k > 0 && out[k - 1] == '-') {
                continue;
            }
            c = '-';
        }
        if (k + 1 >= cap) {
            return false;
        }
        out[k++] = c;
    }
    out[k] = '\0';
    return true;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct cu_pkglist_entry *)a)->name,
                  ((const struct cu_pkglist_entry *)b)->name);
}

static void load(struct plist *pl, enum cu_eco eco, const unsigned char *data, size_t len)
{
    size_t lines = 0;
    for (size_t i = 0; i < len; i++) {
        lines += data[i] == '\n';
    }
    pl->arena = cu_malloc(len + 1);
    pl->e = cu_calloc(lines + 1, sizeof(*pl->e));
    if (pl->arena == NULL || pl->e == NULL) {
        free(pl->arena);
        free(pl->e);
        pl->arena = NULL;
        pl->e = NULL;
        return;
    }
    memcpy(pl->arena, data, len);
    pl->arena[len] = '\0';
    char *p = pl->arena;
    while (*p != '\0') {
        char *nl = strchr(p, '\n');
        if (nl == NULL) {
            break;
        }
        *nl = '\0';
        char *f[4] = { p, NULL, NULL, NULL };
        for (int k = 1; k < 4; k++) {
            char *tab = strchr(f[k - 1], '\t');
            if (tab == NULL) {
                break;
            }
            *tab = '\0';
            f[k] = tab + 1;
        }
        if (f[1] != NULL && f[0][0] != '\0' && f[1][0] != '\0') {
            /* normalise the name in place (never longer) */
            char key[512];
            if (cu_pkg_key(eco, f[0], key, sizeof(key))) {
                size_t kl = strlen(key);
                memcpy(f[0], key, kl + 1);
                struct cu_pkglist_entry *e = &pl->e[pl->n++];
                e->name = f[0];
                e->versions = f[1];
                e->id = f[2] != NULL ? f[2] : "";
                e->date = f[3] != NULL ? f[3] : "";
            }
        }
        p = nl + 1;
    }
    qsort(pl->e, pl->n, sizeof(*pl->e), entry_cmp);
}

/* Each list is parsed on first use (an npm-only scan never parses the PyPI list). */
static pthread_once_t once_list[3] = { PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT };

static void load_mal_npm(void)
{
    load(&lists[CU_LIST_MALICIOUS][CU_ECO_NPM], CU_ECO_NPM, cu_data_mal_npm, cu_data_mal_npm_len);
}

static void load_mal_pypi(void)
{
    load(&lists[CU_LIST_MALICIOUS][CU_ECO_PYPI], CU_ECO_PYPI, cu_data_mal_pypi,
         cu_data_mal_pypi_len);
}

static void load_worm_npm(void)
{
    load(&lists[CU_LIST_WORM][CU_ECO_NPM], CU_ECO_NPM, cu_data_worm_npm, cu_data_worm_npm_len);
}

size_t cu_pkglist_count(enum cu_pkglist list, enum cu_eco eco)
{
    if (list == CU_LIST_MALICIOUS && eco == CU_ECO_NPM) {
        pthread_once(&once_list[0], load_mal_npm);
    } else if (list == CU_LIST_MALICIOUS && eco == CU_ECO_PYPI) {
        pthread_once(&once_list[1], load_mal_pypi);
    } else if (list == CU_LIST_WORM && eco == CU_ECO_NPM) {
        pthread_once(&once_list[2], load_worm_npm);
    } else {
        return 0;
    }
    return lists[list][eco].n;
}

size_t cu_pkglist_find(enum cu_pkglist list,
                       enum cu_eco eco,
                       const char *name,
                       const struct cu_pkglist_entry **first)
{
    *first = NULL;
    char key[512];
    if (cu_pkglist_count(list, eco) == 0 || name == NULL ||
        !cu_pkg_key(eco, name, key, sizeof(key))) {
        return 0;
    }
    const struct plist *pl = &lists[list][eco];
    size_t lo = 0, hi = pl->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(pl->e[mid].name, key) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    size_t n = 0;
    while (lo + n < pl->n && strcmp(pl->e[lo + n].name, key) == 0) {
        n++;
    }
    *first = n > 0 ? &pl->e[lo] : NULL;
    return n;
}

/* ---- worm indicators: kind<TAB>value<TAB>what<TAB>source ---- */

struct indicator {
    const char *kind, *value, *what;
};
static struct indicator *indicators;
static size_t nindicators;
static char *ind_arena;
static pthread_once_t ind_once = PTHREAD_ONCE_INIT;

static void load_indicators(void)
{
    size_t len = cu_data_worm_indicators_len, lines = 0;
    for (size_t i = 0; i < len; i++) {
        lines += cu_data_worm_indicators[i] == '\n';
    }
    ind_arena = cu_malloc(len + 1);
    indicators = cu_calloc(lines + 1, sizeof(*indicators));
    if (ind_arena == NULL || indicators == NULL) {
        return;
    }
    memcpy(ind_arena, cu_data_worm_indicators, len);
    ind_arena[len] = '\0';
    char *p = ind_arena;
    char *nl;
    while ((nl = strchr(p, '\n')) != NULL) {
        *nl = '\0';
        char *f[3] = { p, NULL, NULL };
        for (int k = 1; k < 3; k++) {
            char *tab = strchr(f[k - 1], '\t');
            if (tab == NULL) {
                break;
            }
            *tab = '\0';
            f[k] = tab + 1;
        }
        if (f[2] != NULL) {
            char *tab = strchr(f[2], '\t');
            if (tab != NULL) {
                *tab = '\0';
            }
            indicators[nindicators++] = (struct indicator){ f[0], f[1], f[2] };
        }
        p = nl + 1;
    }
}

bool cu_worm_indicator(const char *kind, const char *value, const char **what)
{
    *what = NULL;
    if (kind == NULL || value == NULL) {
        return false;
    }
    pthread_once(&ind_once, load_indicators);
    for (size_t i = 0; i < nindicators; i++) {
        /* asked once per file: the first bytes screen out nearly every entry */
        if (indicators[i].value[0] == value[0] && indicators[i].kind[0] == kind[0] &&
            strcmp(indicators[i].kind, kind) == 0 && strcmp(indicators[i].value, value) == 0) {
            *what = indicators[i].what;
            return true;
        }
    }
    return false;
}
