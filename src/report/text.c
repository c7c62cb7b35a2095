/* Human-readable report: one block per finding, then files that were skipped or failed, then a
 * summary and the verdict. Colour only when asked (the CLI asks on a TTY). */
#include <inttypes.h>
#include <stdio.h>

#include "core/error.h"
#include "report/report.h"
#include "core/banned.h"

static const char *sev_color(custody_severity s)
{
    switch (s) {
    case CUSTODY_SEV_CRITICAL:
        return "\033[1;31m";
    case CUSTODY_SEV_HIGH:
        return "\033[31m";
    case CUSTODY_SEV_MEDIUM:
        return "\033[33m";
    case CUSTODY_SEV_LOW:
        return "\033[36m";
    default:
        return "\033[2m";
    }
}

static const char *sev_upper(custody_severity s)
{
    switch (s) {
    case CUSTODY_SEV_CRITICAL:
        return "CRITICAL";
    case CUSTODY_SEV_HIGH:
        return "HIGH";
    case CUSTODY_SEV_MEDIUM:
        return "MEDIUM";
    case CUSTODY_SEV_LOW:
        return "LOW";
    default:
        return "INFO";
    }
}

int cu_report_text(FILE *f,
                   const custody_scan *scan,
                   const custody_report_options *opts,
                   custody_error *err)
{
    const char *on = "", *off = "", *bold = "";
    size_t counts[5] = { 0 };
    int w = 0;
    for (size_t i = 0; i < custody_scan_finding_count(scan); i++) {
        const custody_finding *fd = custody_scan_finding(scan, i);
        counts[fd->severity]++;
        if (opts->color) {
            on = sev_color(fd->severity);
            off = "\033[0m";
            bold = "\033[1m";
        }
        char offs[32] = "";
        if (fd->line > 0) {
            (void)snprintf(offs, sizeof(offs), ":%" PRIu32, fd->line);
        } else if (fd->offset != UINT64_MAX) {
            (void)snprintf(offs, sizeof(offs), "@0x%" PRIx64, fd->offset);
        }
        w |= fprintf(f, "%s%-8s%s %s%s%s%s\n", on, sev_upper(fd->severity), off, bold, fd->location,
                     offs, off) < 0;
        w |= fprintf(f, "         %s: %s\n", fd->rule_id, fd->message) < 0;
        if (fd->evidence != NULL) {
            w |= fprintf(f, "         evidence: %s\n", fd->evidence) < 0;
        }
    }
    size_t scanned = 0, skipped = 0, errors = 0;
    for (size_t i = 0; i < custody_scan_file_count(scan); i++) {
        const custody_file *cf = custody_scan_file(scan, i);
        if (cf->status == CUSTODY_FILE_SCANNED) {
            scanned++;
            if (opts->verbose) {
                w |= fprintf(f, "scanned  %s (%s)\n", cf->path,
                             cf->format != NULL ? cf->format : "?") < 0;
            }
        } else if (cf->status == CUSTODY_FILE_SKIPPED) {
            skipped++;
            w |= fprintf(f, "skipped  %s: %s\n", cf->path,
                         cf->reason != NULL ? cf->reason : "not recognised") < 0;
        } else {
            errors++;
            w |= fprintf(f, "%sERROR%s    %s: %s\n", opts->color ? "\033[1;31m" : "",
                         opts->color ? "\033[0m" : "", cf->path,
                         cf->reason != NULL ? cf->reason : "cannot be scanned") < 0;
        }
    }
    uint64_t rd, total;
    custody_scan_totals(scan, &rd, &total);
    w |= fprintf(f,
                 "\n%zu file(s): %zu scanned, %zu skipped, %zu error(s); read %" PRIu64
                 " of %" PRIu64 " bytes\n",
                 custody_scan_file_count(scan), scanned, skipped, errors, rd, total) < 0;
    w |= fprintf(f, "findings: %zu critical, %zu high, %zu medium, %zu low, %zu info\n", counts[4],
                 counts[3], counts[2], counts[1], counts[0]) < 0;
    const char *verdict = cu_report_verdict(scan, opts->fail_on);
    const char *vcol = "";
    if (opts->color) {
        vcol = verdict[0] == 'p' ? "\033[1;32m" : "\033[1;31m";
    }
    w |= fprintf(f, "verdict: %s%s%s (fail-on %s)\n", vcol, verdict, opts->color ? "\033[0m" : "",
                 custody_severity_name(opts->fail_on)) < 0;
    return w ? cu_err_io(err, NULL, "cannot write the report") : 0;
}
