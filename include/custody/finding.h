#ifndef CUSTODY_FINDING_H
#define CUSTODY_FINDING_H
/* Findings: what an analyzer reports, and the severities that rank them (DESIGN §5). */
#include "custody/common.h"

typedef enum custody_severity {
    CUSTODY_SEV_INFO = 0,
    CUSTODY_SEV_LOW = 1,
    CUSTODY_SEV_MEDIUM = 2,
    CUSTODY_SEV_HIGH = 3,
    CUSTODY_SEV_CRITICAL = 4
} custody_severity;

/* "info", "low", "medium", "high", "critical". */
CUSTODY_API const char *custody_severity_name(custody_severity sev);
/* Parses a severity name; returns 0 or CUSTODY_EINVAL. */
CUSTODY_API CUSTODY_NODISCARD int custody_severity_parse(custody_severity *out, const char *name);

/* One finding. All strings are owned by the scan that produced it and live until
 * custody_scan_free(). */
typedef struct custody_finding {
    const char *rule_id; /* stable id from the rule catalogue, e.g. "pickle/dangerous-call" */
    custody_severity severity;
    const char *path;     /* the top-level file as given on the command line (walked) */
    const char *location; /* path plus "!member" for each container level entered */
    uint64_t offset;      /* byte offset inside `location`, UINT64_MAX if none */
    uint32_t line;        /* 1-based line inside `location` (text formats), 0 if none */
    const char *message;  /* one line, human readable */
    const char *evidence; /* e.g. "os.system('echo pwned')"; may be NULL */
} custody_finding;

#endif
