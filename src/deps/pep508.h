#ifndef CU_DEPS_PEP508_H
#define CU_DEPS_PEP508_H
/* PEP 508 dependency specifiers (requirements files, pyproject.toml). */
#include <stddef.h>

#include "deps/deps.h"

struct cu_req {
    char *name;                /* as written; for a bare URL: #egg=, the archive name, or the URL */
    char *spec;                /* version specifier as written, NULL when none */
    char *version;             /* the pinned version (a single "==X" / "===X" clause), else NULL */
    char *url;                 /* "name @ url" or a bare URL/path, else NULL */
    enum cu_dep_source source; /* of url */
};

/* Parses one requirement (markers after ';' are accepted and ignored). Returns 0,
 * CUSTODY_EMALFORMED or CUSTODY_ENOMEM (no error record: the caller names the line). *r is
 * filled in every case; clear it with cu_req_clear. */
int cu_pep508_parse(const char *s, size_t n, struct cu_req *r);
void cu_req_clear(struct cu_req *r);

#endif
