#ifndef CUSTODY_REPORT_H
#define CUSTODY_REPORT_H
/* Report renderers for a finished scan. */
#include <stdio.h>

#include "custody/scan.h"

typedef enum custody_report_format {
    CUSTODY_REPORT_TEXT = 0,
    CUSTODY_REPORT_JSON = 1,
    CUSTODY_REPORT_SARIF = 2
} custody_report_format;

/* Version of the JSON report schema (docs/json-schema.md). */
#define CUSTODY_JSON_SCHEMA_VERSION "1.1"

typedef struct custody_report_options {
    custody_report_format format;
    int color;                /* text only: ANSI colour */
    custody_severity fail_on; /* recorded in JSON/SARIF, decides the verdict line */
    int verbose;              /* text only: list every file, not only those with findings */
} custody_report_options;

/* Parses "text" | "json" | "sarif". Returns 0 or CUSTODY_EINVAL. */
CUSTODY_API CUSTODY_NODISCARD int custody_report_format_parse(custody_report_format *out,
                                                              const char *name);

/* Writes the report to `f`. Returns 0, CUSTODY_EIO (write failed) or CUSTODY_ENOMEM. */
CUSTODY_API CUSTODY_NODISCARD int custody_report_write(FILE *f,
                                                       const custody_scan *scan,
                                                       const custody_report_options *opts,
                                                       custody_error *err);

#endif
