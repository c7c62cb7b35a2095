#ifndef CU_REPORT_H
#define CU_REPORT_H
/* Renderers. Each returns 0, CUSTODY_EIO or CUSTODY_ENOMEM. */
#include <stdio.h>

#include "custody/report.h"
#include "custody/rules.h"

int cu_report_text(FILE *f,
                   const custody_scan *scan,
                   const custody_report_options *opts,
                   custody_error *err);
int cu_report_json(FILE *f,
                   const custody_scan *scan,
                   const custody_report_options *opts,
                   custody_error *err);
int cu_report_sarif(FILE *f,
                    const custody_scan *scan,
                    const custody_report_options *opts,
                    custody_error *err);
/* "pass", "fail" or "error", as the exit code will say. */
const char *cu_report_verdict(const custody_scan *scan, custody_severity fail_on);

#endif
