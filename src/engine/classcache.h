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
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/rules.h"

#define CU_CLASSCACHE_SLOTS 8192u /* power of two; at most half are filled */

struct cu_classcache_slot {
    _Atomic(char *) key; /* "module\nname", owned; published last */
    uint32_t hash;
    custody_pickle_class klass;
    const char *why; /* static, from the policy */
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

#endif
