#ifndef CU_POOL_H
#define CU_POOL_H
/* A fork-join thread pool: runs fn(ud, i) for every i in [0, n) on `threads` workers
 * (0 = one per online CPU). Items are taken in order from a shared counter; fn must be
 * thread-safe with respect to other items. Returns 0 or CUSTODY_ENOMEM (then nothing ran
 * concurrently and every item ran on the calling thread). */
#include <stddef.h>

typedef void (*cu_pool_fn)(void *ud, size_t i);

int cu_pool_run(unsigned threads, size_t n, cu_pool_fn fn, void *ud);
unsigned cu_pool_cpus(void);

#endif
