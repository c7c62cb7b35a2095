#ifndef CU_DEPS_TYPOSQUAT_H
#define CU_DEPS_TYPOSQUAT_H
/* Internals of the typosquat index beyond deps.h (tests and bench). */
#include <stddef.h>

#include "deps/deps.h"

/* Builds the index if needed; returns how long the build took (ms). */
double cu_typosquat_build_ms(void);
/* Number of popular names indexed for eco. */
size_t cu_typosquat_count(enum cu_eco eco);
/* 0-based popularity rank of a popular name, -1 when not popular. */
long cu_popular_rank(enum cu_eco eco, const char *name);
/* Number of popular names of eco that start with prefix (a linear scan: for rare checks). */
size_t cu_popular_prefix_count(enum cu_eco eco, const char *prefix);
/* Optimal-string-alignment distance of a[0..n) and b[0..m), or cap + 1 when above cap. */
size_t cu_osa_distance(const char *a, size_t n, const char *b, size_t m, size_t cap);

#endif
