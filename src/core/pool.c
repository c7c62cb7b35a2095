#include "core/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "custody/common.h"
#include "core/banned.h"

struct pool_job {
    cu_pool_fn fn;
    void *ud;
    size_t n;
    atomic_size_t next;
};

static void *pool_worker(void *arg)
{
    struct pool_job *job = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&job->next, 1);
        if (i >= job->n) {
            break;
        }
        job->fn(job->ud, i);
    }
    return NULL;
}

unsigned cu_pool_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : (n > 256 ? 256u : (unsigned)n);
}

int cu_pool_run(unsigned threads, size_t n, cu_pool_fn fn, void *ud)
{
    struct pool_job job = { fn, ud, n, 0 };
    if (threads == 0) {
        threads = cu_pool_cpus();
    }
    if ((size_t)threads > n) {
        threads = (unsigned)n;
    }
    if (threads <= 1) {
        pool_worker(&job);
        return 0;
    }
    pthread_t *tids = calloc(threads, sizeof(*tids));
    if (tids == NULL) {
        pool_worker(&job);
        return CUSTODY_ENOMEM;
    }
    unsigned started = 0;
    for (unsigned t = 0; t < threads - 1; t++) {
        if (pthread_create(&tids[t], NULL, pool_worker, &job) != 0) {
            break;
        }
        started++;
    }
    pool_worker(&job);
    for (unsigned t = 0; t < started; t++) {
        (void)pthread_join(tids[t], NULL);
    }
    free(tids);
    return 0;
}
