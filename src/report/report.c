#include <string.h>

#include "core/error.h"
#include "report/report.h"
#include "core/banned.h"

int custody_report_format_parse(custody_report_format *out, const char *name)
{
    if (strcmp(name, "text") == 0) {
        *out = CUSTODY_REPORT_TEXT;
    } else if (strcmp(name, "json") == 0) {
        *out = CUSTODY_REPORT_JSON;
    } else if (strcmp(name, "sarif") == 0) {
        *out = CUSTODY_REPORT_SARIF;
    } else {
        return CUSTODY_EINVAL;
    }
    return 0;
}

const char *cu_report_verdict(const custody_scan *scan, custody_severity fail_on)
{
    if (custody_scan_had_errors(scan)) {
        return "error";
    }
    for (size_t i = 0; i < custody_scan_finding_count(scan); i++) {
        if (custody_scan_finding(scan, i)->severity >= fail_on) {
            return "fail";
        }
    }
    return "pass";
}

int custody_report_write(FILE *f,
                         const custody_scan *scan,
                         const custody_report_options *opts,
                         custody_error *err)
{
    int rc;
    switch (opts->format) {
    case CUSTODY_REPORT_TEXT:
        rc = cu_report_text(f, scan, opts, err);
        break;
    case CUSTODY_REPORT_JSON:
        rc = cu_report_json(f, scan, opts, err);
        break;
    case CUSTODY_REPORT_SARIF:
        rc = cu_report_sarif(f, scan, opts, err);
        break;
    default:
        return cu_err_inval(err, "unknown report format");
    }
    if (rc == 0 && (fflush(f) != 0 || ferror(f))) {
        rc = cu_err_io(err, NULL, "cannot write the report");
    }
    return rc;
}
