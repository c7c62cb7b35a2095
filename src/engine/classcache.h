#ifndef CU_CLASSCACHE_H
#define CU_CLASSCACHE_H
/* A per-scan memo of pickle import classifications, shared by the worker threads of one
 * custody_scan (the policy is pure, so a result never goes stale). Bounded: once full it stops
 * remembering and every lookup falls through to the policy.
 *
 * Insert-only open addressing: a slot's fields are written before its key is published with
 * a release store, and never change after, so lookups take no lock (a reader-writer lock's
 * shared counter bounced between the cores on every import); inserts serialise on a mutex. */
#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/rules.h"

#define CU_CLASSCACHE_SLOTS 8192u /* power of two; at most half are filled */

struct cu_classcache_slot {
    _Atomic(char *) key; /* "module\nname\0cmod\0cname", owned; published last */
    uint32_t hash;
    custody_pickle_class klass;
    const char *why;    /* static, from the policy */
    uint32_t cmod_off;  /* of the canonical module in key; 0 = spelled as the key's */
    uint32_t cname_off; /* of the canonical name; 0 = spelled as the key's */
};

/* What the policy says of one import. */
struct cu_class_result {
    custody_pickle_class klass;
    const char *why;
    /* The canonical spelling (cu_pickle_canonical) when `canon`: NULL = as given, else a
     * string owned by the cache, valid until cu_classcache_free(). Without `canon` (no cache,
     * or a full one) the caller canonicalises itself. */
    bool canon;
    const char *cmod;
    const char *cname;
};

struct cu_classcache {
    pthread_mutex_t lock;             /* taken by inserts only */
    struct cu_classcache_slot *slots; /* NULL when the cache could not be allocated */
    size_t used;
};

int cu_classcache_init(struct cu_classcache *c);
void cu_classcache_free(struct cu_classcache *c);
/* custody_pickle_classify(module, name, why), remembered. `c` may be NULL. */
custody_pickle_class cu_classcache_classify(struct cu_classcache *c,
                                            const char *module,
                                            const char *name,
                                            const char **why);
/* The same with the canonical spelling, remembered too (the pickle VM needs both for every
 * distinct import of every file). */
void cu_classcache_lookup(struct cu_classcache *c,
                          const char *module,
                          const char *name,
                          struct cu_class_result *out);

#endif
