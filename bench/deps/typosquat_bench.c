/* Typosquat index benchmark: build time of the index over the embedded popular names, and
 * lookups per second (a mix of popular names, squats and unrelated names). Run by
 * bench/deps/typosquat.sh (compiled -O2 without sanitizers). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "deps/deps.h"
#include "deps/typosquat.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); /* CPU time: the machine may be shared */
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int main(void)
{
    struct timespec c0, c1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    double build = cu_typosquat_build_ms();
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
    size_t n = cu_typosquat_count(CU_ECO_NPM) + cu_typosquat_count(CU_ECO_PYPI);
    static const char *const q[] = { "express",  "expresss",       "lodash",      "1odash",
                                     "react",    "my-private-lib", "@types/node", "@typess/node",
                                     "crossenv", "webpack-cli",    "left-pad-x",  "electorn" };
    static const char *const qp[] = { "requests",         "reqeusts", "numpy",
                                      "nurnpy",           "django",   "internal-tool-x",
                                      "python-dateutils", "torch" };
    size_t iters = 20000, hits = 0;
    double t0 = now_ms();
    for (size_t i = 0; i < iters; i++) {
        const char *t;
        hits += cu_typosquat_check(CU_ECO_NPM, q[i % 12], &t);
        hits += cu_typosquat_check(CU_ECO_PYPI, qp[i % 8], &t);
    }
    double dt = now_ms() - t0;
    printf("names indexed:   %zu (npm %zu, PyPI %zu)\n", n, cu_typosquat_count(CU_ECO_NPM),
           cu_typosquat_count(CU_ECO_PYPI));
    printf("index build:     %.1f ms wall, %.1f ms CPU\n", build, cpu);
    printf("lookups:         %zu in %.1f ms CPU = %.0f lookups/s (%zu squats found)\n", iters * 2, dt,
           (double)(iters * 2) / (dt / 1e3), hits);
    /* CPU time: on a shared machine the wall clock measures the neighbours */
    return cpu < 50.0 ? 0 : 1;
}
