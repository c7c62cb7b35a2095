/* Fuzz target: npm semver and PEP 440 parsing, ordering and range matching (deps/semver.c,
 * deps/pep440.c) and the typosquat index. The input is "version\nrange"; both schemes get
 * both strings. Invariants: no crash, comparison is antisymmetric and reflexive, and range
 * results are -1, 0 or 1. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "deps/deps.h"
#include "deps/versions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) {
        return 0;
    }
    char *buf = malloc(size + 1);
    if (buf == NULL) {
        return 0;
    }
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *range = strchr(buf, '\n');
    if (range != NULL) {
        *range++ = '\0';
    } else {
        range = buf;
    }
    struct cu_semver a, b;
    for (int loose = 0; loose < 2; loose++) {
        if (cu_semver_parse(buf, loose != 0, &a) && cu_semver_parse(range, loose != 0, &b)) {
            int x = cu_semver_cmp(&a, &b), y = cu_semver_cmp(&b, &a);
            if (x != -y || cu_semver_cmp(&a, &a) != 0) {
                abort();
            }
        }
    }
    for (unsigned f = 0; f < 4; f++) {
        int r = cu_semver_satisfies(buf, range, f);
        if (r < -1 || r > 1) {
            abort();
        }
    }
    struct cu_pep440 p, q;
    if (cu_pep440_parse(buf, &p) && cu_pep440_parse(range, &q)) {
        if (cu_pep440_cmp(&p, &q) != -cu_pep440_cmp(&q, &p) || cu_pep440_cmp(&p, &p) != 0) {
            abort();
        }
        char out[512];
        cu_pep440_format(&p, out, sizeof(out));
    }
    for (int pre = -1; pre <= 1; pre++) {
        int r = cu_pep440_contains(range, buf, pre);
        if (r < -1 || r > 1) {
            abort();
        }
    }
    const char *t;
    (void)cu_typosquat_check(CU_ECO_NPM, buf, &t);
    (void)cu_typosquat_check(CU_ECO_PYPI, range, &t);
    free(buf);
    return 0;
}
