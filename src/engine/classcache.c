#include "engine/classcache.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/banned.h"

int cu_classcache_init(struct cu_classcache *c)
{
    c->used = 0;
    c->slots = cu_calloc(CU_CLASSCACHE_SLOTS, sizeof(*c->slots));
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c->slots);
        c->slots = NULL;
        return CUSTODY_ENOMEM;
    }
    return 0; /* a failed slot allocation only disables the memo */
}

void cu_classcache_free(struct cu_classcache *c)
{
    if (c->slots != NULL) {
        for (size_t i = 0; i < CU_CLASSCACHE_SLOTS; i++) {
            free(atomic_load_explicit(&c->slots[i].key, memory_order_relaxed));
        }
        free(c->slots);
        c->slots = NULL;
    }
    (void)pthread_mutex_destroy(&c->lock);
}

static uint32_t cc_hash(const char *m, const char *n)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)m; *p != '\0'; p++) {
        h = (h ^ *p) * 16777619u;
    }
    h = (h ^ '\n') * 16777619u;
    for (const unsigned char *p = (const unsigned char *)n; *p != '\0'; p++) {
        h = (h ^ *p) * 16777619u;
    }
    return h;
}

static bool cc_key_eq(const char *key, const char *m, const char *n)
{
    size_t ml = strlen(m);
    return strncmp(key, m, ml) == 0 && key[ml] == '\n' && strcmp(key + ml + 1, n) == 0;
}

custody_pickle_class cu_classcache_classify(struct cu_classcache *c,
                                            const char *module,
                                            const char *name,
                                            const char **why)
{
    if (c == NULL || c->slots == NULL) {
        return custody_pickle_classify(module, name, why);
    }
    uint32_t h = cc_hash(module, name);
    size_t mask = CU_CLASSCACHE_SLOTS - 1;
    for (size_t j = h & mask;; j = (j + 1) & mask) {
        struct cu_classcache_slot *s = &c->slots[j];
        const char *key = atomic_load_explicit(&s->key, memory_order_acquire);
        if (key == NULL) {
            break;
        }
        if (s->hash == h && cc_key_eq(key, module, name)) {
            if (why != NULL) {
                *why = s->why;
            }
            return s->klass;
        }
    }

    const char *w = NULL;
    custody_pickle_class k = custody_pickle_classify(module, name, &w);
    if (why != NULL) {
        *why = w;
    }
    char *key = cu_asprintf("%s\n%s", module, name);
    if (key == NULL) {
        return k;
    }
    (void)pthread_mutex_lock(&c->lock);
    if (c->used < CU_CLASSCACHE_SLOTS / 2) {
        size_t j = h & mask;
        const char *sk;
        while ((sk = atomic_load_explicit(&c->slots[j].key, memory_order_relaxed)) != NULL &&
               !(c->slots[j].hash == h && cc_key_eq(sk, module, name))) {
            j = (j + 1) & mask;
        }
        if (sk == NULL) {
            c->slots[j].hash = h;
            c->slots[j].klass = k;
            c->slots[j].why = w;
            atomic_store_explicit(&c->slots[j].key, key, memory_order_release);
            c->used++;
            key = NULL;
        }
    }
    (void)pthread_mutex_unlock(&c->lock);
    free(key);
    return k;
}
