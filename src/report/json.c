/* JSON report, schema docs/json-schema.md (version CUSTODY_JSON_SCHEMA_VERSION). Built with
 * jansson so every string is escaped correctly, whatever bytes a file name holds. */
#include <jansson.h>

#include "core/error.h"
#include "report/report.h"
#include "report/jsonutil.h"
#include "core/banned.h"

static const char *status_name(custody_file_status s)
{
    switch (s) {
    case CUSTODY_FILE_SCANNED:
        return "scanned";
    case CUSTODY_FILE_SKIPPED:
        return "skipped";
    default:
        return "error";
    }
}

/* Key/value pairs as [{"key": k, "value": v}, ...]: keys may repeat. NULL on ENOMEM. */
static json_t *props_json(const custody_prop *p, size_t n)
{
    json_t *a = json_array();
    int bad = a == NULL;
    for (size_t i = 0; !bad && i < n; i++) {
        json_t *o = json_object();
        bad |= o == NULL;
        bad |= cu_json_set_str(o, "key", p[i].key != NULL ? p[i].key : "");
        bad |= cu_json_set_str(o, "value", p[i].value != NULL ? p[i].value : "");
        bad |= json_array_append_new(a, o);
    }
    if (bad) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static json_t *components_json(const custody_scan *scan)
{
    json_t *a = json_array();
    int bad = a == NULL;
    for (size_t i = 0; !bad && i < custody_scan_component_count(scan); i++) {
        const custody_component *c = custody_scan_component(scan, i);
        json_t *o = json_object();
        bad |= o == NULL;
        bad |= cu_json_set_str(o, "kind", c->kind);
        bad |= cu_json_set_str(o, "ecosystem", c->ecosystem);
        bad |= cu_json_set_str(o, "name", c->name);
        bad |= cu_json_set_str(o, "version", c->version);
        bad |= cu_json_set_str(o, "purl", c->purl);
        bad |= cu_json_set_str(o, "path", c->path);
        bad |= cu_json_set_str(o, "location", c->location);
        if (c->line > 0) {
            bad |= json_object_set_new(o, "line", json_integer((json_int_t)c->line));
        }
        if (c->nprops > 0) {
            bad |= json_object_set_new(o, "properties", props_json(c->props, c->nprops));
        }
        bad |= json_array_append_new(a, o);
    }
    if (bad) {
        json_decref(a);
        return NULL;
    }
    return a;
}

int cu_report_json(FILE *f,
                   const custody_scan *scan,
                   const custody_report_options *opts,
                   custody_error *err)
{
    json_t *root = json_object();
    json_t *files = json_array();
    json_t *findings = json_array();
    json_t *counts = json_object();
    size_t sev[5] = { 0 };
    size_t scanned = 0, skipped = 0, errors = 0;
    int bad = root == NULL || files == NULL || findings == NULL || counts == NULL;

    for (size_t i = 0; !bad && i < custody_scan_file_count(scan); i++) {
        const custody_file *cf = custody_scan_file(scan, i);
        scanned += cf->status == CUSTODY_FILE_SCANNED;
        skipped += cf->status == CUSTODY_FILE_SKIPPED;
        errors += cf->status == CUSTODY_FILE_ERROR;
        json_t *o = json_object();
        bad |= o == NULL;
        bad |= cu_json_set_str(o, "path", cf->path);
        bad |= cu_json_set_str(o, "status", status_name(cf->status));
        bad |= cu_json_set_str(o, "format", cf->format);
        bad |= cu_json_set_str(o, "reason", cf->reason);
        bad |= json_object_set_new(o, "size", json_integer((json_int_t)cf->size));
        bad |= json_object_set_new(o, "bytes_read", json_integer((json_int_t)cf->bytes_read));
        bad |= cu_json_set_str(o, "max_severity",
                               cf->finding_count ? custody_severity_name(cf->max_severity) : NULL);
        bad |= json_object_set_new(o, "findings", json_integer((json_int_t)cf->finding_count));
        if (cf->nfacts > 0) {
            bad |= json_object_set_new(o, "facts", props_json(cf->facts, cf->nfacts));
        }
        bad |= json_array_append_new(files, o);
    }
    for (size_t i = 0; !bad && i < custody_scan_finding_count(scan); i++) {
        const custody_finding *fd = custody_scan_finding(scan, i);
        sev[fd->severity]++;
        json_t *o = json_object();
        bad |= o == NULL;
        bad |= cu_json_set_str(o, "rule_id", fd->rule_id);
        bad |= cu_json_set_str(o, "severity", custody_severity_name(fd->severity));
        bad |= cu_json_set_str(o, "path", fd->path);
        bad |= cu_json_set_str(o, "location", fd->location);
        bad |= json_object_set_new(o, "offset",
                                   fd->offset == UINT64_MAX ? json_null()
                                                            : json_integer((json_int_t)fd->offset));
        if (fd->line > 0) {
            bad |= json_object_set_new(o, "line", json_integer((json_int_t)fd->line));
        }
        bad |= cu_json_set_str(o, "message", fd->message);
        bad |= cu_json_set_str(o, "evidence", fd->evidence);
        bad |= json_array_append_new(findings, o);
    }
    static const char *const names[] = { "info", "low", "medium", "high", "critical" };
    for (int s = 4; !bad && s >= 0; s--) {
        bad |= json_object_set_new(counts, names[s], json_integer((json_int_t)sev[s]));
    }
    uint64_t rd, total;
    custody_scan_totals(scan, &rd, &total);
    json_t *summary =
        json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:O}", "files",
                  (json_int_t)custody_scan_file_count(scan), "scanned", (json_int_t)scanned,
                  "skipped", (json_int_t)skipped, "errors", (json_int_t)errors, "bytes_read",
                  (json_int_t)rd, "bytes_total", (json_int_t)total, "findings", counts);
    json_t *tool = json_pack("{s:s,s:s}", "name", "custody", "version", custody_version());
    bad |= summary == NULL || tool == NULL;
    if (!bad) {
        bad |= cu_json_set_str(root, "schema_version", CUSTODY_JSON_SCHEMA_VERSION);
        bad |= json_object_set_new(root, "tool", tool);
        tool = NULL;
        bad |= cu_json_set_str(root, "fail_on", custody_severity_name(opts->fail_on));
        bad |= cu_json_set_str(root, "verdict", cu_report_verdict(scan, opts->fail_on));
        bad |= json_object_set_new(root, "summary", summary);
        summary = NULL;
        bad |= json_object_set(root, "files", files);
        bad |= json_object_set(root, "findings", findings);
        if (custody_scan_component_count(scan) > 0) {
            bad |= json_object_set_new(root, "components", components_json(scan));
        }
    }
    int rc = 0;
    if (bad) {
        rc = cu_err_nomem(err);
    } else if (cu_json_write(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) !=
               0) {
        rc = cu_err_io(err, NULL, "cannot write the report");
    }
    json_decref(tool);
    json_decref(summary);
    json_decref(counts);
    json_decref(files);
    json_decref(findings);
    json_decref(root);
    return rc;
}
