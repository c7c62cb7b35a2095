#ifndef CU_DEPS_PKGLISTS_H
#define CU_DEPS_PKGLISTS_H
/* Embedded package-version lists (data/malicious, data/shai-hulud): parsed once per process. */
#include <stdbool.h>
#include <stddef.h>

#include "deps/deps.h"

struct cu_pkglist_entry {
    const char *name;     /* lowercase (npm) or PEP 503 (PyPI) */
    const char *versions; /* "*" = every version, else comma-separated versions */
    const char *id;       /* advisory id (MAL-...) or worm wave */
    const char *date;
};

enum cu_pkglist { CU_LIST_MALICIOUS = 0, CU_LIST_WORM = 1 };

/* Entries of `list` for (eco, name): sets *first and returns the count (0 when none). */
size_t cu_pkglist_find(enum cu_pkglist list,
                       enum cu_eco eco,
                       const char *name,
                       const struct cu_pkglist_entry **first);
/* Number of entries of a list for eco. */
size_t cu_pkglist_count(enum cu_pkglist list, enum cu_eco eco);

/* Lowercase (npm) / PEP 503 (PyPI) form of name into out; false when it does not fit. */
bool cu_pkg_key(enum cu_eco eco, const char *name, char *out, size_t cap);

/* Published worm indicators (data/shai-hulud/indicators.txt), for tree and workflow checks:
 * kind is "sha256" (lowercase hex of a file), "file", "workflow", "runner", "webhook",
 * "repo-description". Returns true and a static description when value is listed. */
bool cu_worm_indicator(const char *kind, const char *value, const char **what);

#endif
