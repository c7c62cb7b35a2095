#include "engine/classcache.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "rules/pickle_policy.h"
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

static void
slot_result(const struct cu_classcache_slot *s, const char *key, struct cu_class_result *out)
{
    out->klass = s->klass;
    out->why = s->why;
    out->canon = true;
    out->cmod = s->cmod_off != 0 ? key + s->cmod_off : NULL;
    out->cname = s->cname_off != 0 ? key + s->cname_off : NULL;
}

void cu_classcache_lookup(struct cu_classcache *c,
                          const char *module,
                          const char *name,
                          struct cu_class_result *out)
{
    memset(out, 0, sizeof(*out));
    if (c == NULL || c->slots == NULL) {
        out->klass = custody_pickle_classify(module, name, &out->why);
        return;
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
            slot_result(s, key, out);
            return;
        }
    }

    out->klass = custody_pickle_classify(module, name, &out->why);
    char cmod[CU_PICKLE_NAME_MAX + 1], cname[CU_PICKLE_NAME_MAX + 1];
    if (!cu_pickle_canonical(module, name, cmod, sizeof(cmod), cname, sizeof(cname)) ||
        cmod[0] == '\0') {
        /* As spelled (what the VM does when canonicalisation gives nothing). */
        cmod[0] = '\0';
        cname[0] = '\0';
    }
    bool mod_same = cmod[0] == '\0' || strcmp(cmod, module) == 0;
    bool name_same = cmod[0] == '\0' || strcmp(cname, name) == 0;
    size_t ml = strlen(module), nl = strlen(name);
    char *key = cu_asprintf("%s\n%s%c%s%c%s", module, name, '\0', mod_same ? "" : cmod, '\0',
                            name_same ? "" : cname);
    if (key == NULL) {
        return;
    }
    struct cu_classcache_slot fresh = { 0 };
    fresh.hash = h;
    fresh.klass = out->klass;
    fresh.why = out->why;
    fresh.cmod_off = mod_same ? 0 : (uint32_t)(ml + nl + 2);
    fresh.cname_off = name_same ? 0 : (uint32_t)(ml + nl + 3 + (mod_same ? 0 : strlen(cmod)));
    (void)pthread_mutex_lock(&c->lock);
    if (c->used < CU_CLASSCACHE_SLOTS / 2) {
        size_t j = h & mask;
        const char *sk;
        while ((sk = atomic_load_explicit(&c->slots[j].key, memory_order_relaxed)) != NULL &&
               !(c->slots[j].hash == h && cc_key_eq(sk, module, name))) {
            j = (j + 1) & mask;
        }
        if (sk == NULL) {
            c->slots[j].hash = fresh.hash;
            c->slots[j].klass = fresh.klass;
            c->slots[j].why = fresh.why;
            c->slots[j].cmod_off = fresh.cmod_off;
            c->slots[j].cname_off = fresh.cname_off;
            atomic_store_explicit(&c->slots[j].key, key, memory_order_release);
            c->used++;
            slot_result(&c->slots[j], key, out);
            key = NULL;
        } else {
            slot_result(&c->slots[j], sk, out); /* another thread was first */
        }
    }
    (void)pthread_mutex_unlock(&c->lock);
    free(key);
}

custody_pickle_class cu_classcache_classify(struct cu_classcache *c,
                                            const char *module,
                                            const char *name,
                                            const char **why)
{
    struct cu_class_result r;
    cu_classcache_lookup(c, module, name, &r);
    if (why != NULL) {
        *why = r.why;
    }
    return r.klass;
}
