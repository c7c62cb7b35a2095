#ifndef CU_DEPS_RULES_DATA_H
#define CU_DEPS_RULES_DATA_H
/* The data-driven deps/ checks as a pure function of a parsed file (and an optional store), so
 * they can be tested without an engine; cu_deps_check_data() emits what this reports. */
#include <stddef.h>
#include <stdint.h>

#include "deps/deps.h"

struct cu_store;

struct cu_deps_hit {
    uint32_t line;
    const char *rule;
    int severity; /* CU_SEV_DEFAULT (-1) or a custody_severity */
    const char *evidence;
    const char *message;
};
typedef void (*cu_deps_hit_fn)(void *arg, const struct cu_deps_hit *h);

struct cu_deps_data_opts {
    struct cu_store *store;      /* NULL: embedded data only */
    const char *const *internal; /* private scopes/prefixes ("@acme", "acme-") */
    size_t ninternal;
    bool store_failed; /* a store was asked for but could not be read */
};

void cu_deps_data_run(const struct cu_depfile *df,
                      const struct cu_deps_data_opts *opts,
                      cu_deps_hit_fn fn,
                      void *arg);

/* Only the embedded known-malicious and worm lists, for one package (deps diff). */
void cu_deps_data_lists(const struct cu_pkg *p, cu_deps_hit_fn fn, void *arg);

/* OSV range evaluation (OSV schema "Evaluation"): true when version lies in one of a's ranges
 * or is one of its explicit versions, by the ecosystem's ordering. */
struct cu_osv_affect;
bool cu_osv_affects(enum cu_eco eco, const struct cu_osv_affect *a, const char *version);

#endif
