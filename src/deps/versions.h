#ifndef CU_DEPS_VERSIONS_H
#define CU_DEPS_VERSIONS_H
/* Version ordering and range matching of the two ecosystems, as their tools define them:
 * semver.c follows node-semver (npm's implementation of semver 2.0.0 and npm ranges: x-ranges,
 * ~, ^, hyphen ranges, ||, and the prerelease rule); pep440.c follows PEP 440 as implemented by
 * pypa/packaging (normalisation, epochs, pre/post/dev, local versions, ~=, ==X.*, ===, and the
 * pre-release rule of specifier sets). Tested against both projects' test tables. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CU_SEMVER_MAX_LEN 256u /* node-semver MAX_LENGTH */

struct cu_semver {
    uint64_t num[3];
    char pre[CU_SEMVER_MAX_LEN + 1]; /* prerelease identifiers joined by '.', "" = none */
};

/* Parses a version (strict: node-semver FULL, a leading 'v' allowed; loose: also '=', spaces,
 * leading zeros and a prerelease without '-'). Build metadata is dropped. Returns true when
 * valid. */
bool cu_semver_parse(const char *s, bool loose, struct cu_semver *out);
/* <0, 0, >0 by semver precedence (build ignored). */
int cu_semver_cmp(const struct cu_semver *a, const struct cu_semver *b);
/* Compares two version strings (strict); returns false when either is invalid. */
bool cu_semver_compare_str(const char *a, const char *b, int *out);

#define CU_SEMVER_LOOSE       1u
#define CU_SEMVER_INCLUDE_PRE 2u
/* node-semver satisfies(version, range, options): 1 when version satisfies range, 0 when it
 * does not or the version is invalid, -1 when the range is invalid. */
int cu_semver_satisfies(const char *version, const char *range, unsigned flags);

/* ---- PEP 440 ---- */
#define CU_PEP440_MAX_RELEASE 32u
#define CU_PEP440_MAX_LOCAL   32u
struct cu_pep440 {
    uint64_t epoch;
    uint64_t release[CU_PEP440_MAX_RELEASE];
    size_t nrelease;
    int pre_kind; /* 0 none, 'a', 'b', 'c' (rc) */
    uint64_t pre;
    bool has_post;
    uint64_t post;
    bool has_dev;
    uint64_t dev;
    char local[128]; /* normalised: lowercase, segments joined by '.'; "" = none */
};

/* Parses and normalises a version (PEP 440 "Normalization"); false when invalid. */
bool cu_pep440_parse(const char *s, struct cu_pep440 *out);
/* <0, 0, >0 by PEP 440 ordering (local versions included). */
int cu_pep440_cmp(const struct cu_pep440 *a, const struct cu_pep440 *b);
bool cu_pep440_compare_str(const char *a, const char *b, int *out);
/* The canonical string form of v into out (size n). */
void cu_pep440_format(const struct cu_pep440 *v, char *out, size_t n);

/* packaging SpecifierSet(spec).contains(version, prereleases): 1 contained, 0 not (or the
 * version is invalid), -1 when the specifier set is invalid. prereleases: -1 = infer from the
 * specifiers (packaging's default), 0 = never, 1 = always. An empty set contains every
 * version (pre-releases only when allowed). */
int cu_pep440_contains(const char *specifiers, const char *version, int prereleases);

/* Ecosystem-neutral ordering used by OSV ranges: eco 0 = npm (semver, loose), 1 = PyPI.
 * Returns false when either version is invalid for the ecosystem. */
bool cu_version_cmp(int eco, const char *a, const char *b, int *out);

/* Orders two non-empty '.'-separated identifier lists (semver pre-release, PEP 440 local):
 * all-digit segments by value, others bytewise, a number above a label when num_high (else
 * below); when one list is a prefix of the other, the shorter ranks lower. -1, 0 or 1. */
int cu_ver_dotted_cmp(const char *a, const char *b, bool num_high);

#endif
