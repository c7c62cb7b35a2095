/* SARIF 2.1.0 report: rule metadata from the catalogue, one result per finding. Accepted by
 * GitHub code scanning (security-severity drives its ranking). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "report/jsonutil.h"
#include "report/report.h"
#include "core/banned.h"

static const char *sarif_level(custody_severity s)
{
    switch (s) {
    case CUSTODY_SEV_CRITICAL:
    case CUSTODY_SEV_HIGH:
        return "error";
    case CUSTODY_SEV_MEDIUM:
        return "warning";
    default:
        return "note";
    }
}

static const char *security_severity(custody_severity s)
{
    switch (s) {
    case CUSTODY_SEV_CRITICAL:
        return "9.5";
    case CUSTODY_SEV_HIGH:
        return "8.0";
    case CUSTODY_SEV_MEDIUM:
        return "5.5";
    case CUSTODY_SEV_LOW:
        return "3.0";
    default:
        return "0.0";
    }
}

/* RFC 3986 percent-encoding of a path (slashes kept), for artifactLocation.uri. */
static char *path_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    struct cu_buf b = CU_BUF_INIT(strlen(path) * 3 + 1);
    if (path[0] == '.' && path[1] == '/') {
        path += 2;
    }
    for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            cu_buf_addc(&b, (char)c);
        } else {
            char e[3] = { '%', hex[c >> 4], hex[c & 15] };
            cu_buf_add(&b, e, 3);
        }
    }
    char *out = b.oom ? NULL : cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    return out;
}

static json_t *sarif_rules(void)
{
    json_t *rules = json_array();
    for (size_t i = 0; rules != NULL && i < custody_rule_count(); i++) {
        const custody_rule *r = custody_rule_at(i);
        json_t *o =
            json_pack("{s:s,s:s,s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:s},s:{s:s,s:[s],s:s}}", "id",
                      r->id, "name", r->id, "shortDescription", "text", r->title, "fullDescription",
                      "text", r->description, "help", "text", r->remediation, "markdown",
                      r->remediation, "defaultConfiguration", "level", sarif_level(r->severity),
                      "properties", "security-severity", security_severity(r->severity), "tags",
                      "security", "custody-severity", custody_severity_name(r->severity));
        if (o == NULL || json_array_append_new(rules, o) != 0) {
            json_decref(rules);
            return NULL;
        }
    }
    return rules;
}

static size_t rule_index(const char *id)
{
    for (size_t i = 0; i < custody_rule_count(); i++) {
        if (strcmp(custody_rule_at(i)->id, id) == 0) {
            return i;
        }
    }
    return 0;
}

static json_t *sarif_result(const custody_finding *fd)
{
    char *uri = path_uri(fd->path);
    if (uri == NULL) {
        return NULL;
    }
    char *text = fd->evidence != NULL ? cu_asprintf("%s (evidence: %s)", fd->message, fd->evidence)
                                      : cu_strdup(fd->message);
    json_t *msg = text != NULL ? cu_json_str(text) : NULL;
    json_t *loc_str = cu_json_str(fd->location);
    json_t *phys = json_pack("{s:{s:s}}", "artifactLocation", "uri", uri);
    json_t *res = NULL;
    if (msg != NULL && loc_str != NULL && phys != NULL) {
        if (fd->line > 0 && strcmp(fd->location, fd->path) == 0) {
            (void)json_object_set_new(phys, "region",
                                      json_pack("{s:I}", "startLine", (json_int_t)fd->line));
        } else if (fd->offset != UINT64_MAX && strcmp(fd->location, fd->path) == 0) {
            (void)json_object_set_new(phys, "region",
                                      json_pack("{s:I}", "byteOffset", (json_int_t)fd->offset));
        }
        res = json_pack("{s:s,s:I,s:s,s:{s:o},s:[{s:o}],s:{s:s,s:o}}", "ruleId", fd->rule_id,
                        "ruleIndex", (json_int_t)rule_index(fd->rule_id), "level",
                        sarif_level(fd->severity), "message", "text", msg, "locations",
                        "physicalLocation", phys, "properties", "custody-severity",
                        custody_severity_name(fd->severity), "location", loc_str);
        msg = phys = loc_str = NULL;
    }
    json_decref(msg);
    json_decref(phys);
    json_decref(loc_str);
    free(text);
    free(uri);
    return res;
}

int cu_report_sarif(FILE *f,
                    const custody_scan *scan,
                    const custody_report_options *opts,
                    custody_error *err)
{
    (void)opts;
    json_t *rules = sarif_rules();
    json_t *results = json_array();
    int bad = rules == NULL || results == NULL;
    for (size_t i = 0; !bad && i < custody_scan_finding_count(scan); i++) {
        json_t *r = sarif_result(custody_scan_finding(scan, i));
        bad |= r == NULL || json_array_append_new(results, r) != 0;
    }
    json_t *notes = json_array();
    for (size_t i = 0; !bad && notes != NULL && i < custody_scan_file_count(scan); i++) {
        const custody_file *cf = custody_scan_file(scan, i);
        if (cf->status != CUSTODY_FILE_ERROR) {
            continue;
        }
        char *t = cu_asprintf("%s: %s", cf->path, cf->reason != NULL ? cf->reason : "error");
        json_t *n = t != NULL ? json_pack("{s:{s:o},s:s}", "message", "text", cu_json_str(t),
                                          "level", "error")
                              : NULL;
        free(t);
        bad |= n == NULL || json_array_append_new(notes, n) != 0;
    }
    bad |= notes == NULL;
    json_t *root = NULL;
    if (!bad) {
        root = json_pack("{s:s,s:s,s:[{s:{s:{s:s,s:s,s:s,s:s,s:o}},s:o,s:[{s:b,s:o}],s:s}]}",
                         "$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version",
                         "2.1.0", "runs", "tool", "driver", "name", "custody", "version",
                         custody_version(), "semanticVersion", custody_version(), "informationUri",
                         "https://github.com/custody/custody", "rules", rules, "results", results,
                         "invocations", "executionSuccessful", !custody_scan_had_errors(scan),
                         "toolExecutionNotifications", notes, "columnKind", "unicodeCodePoints");
        rules = results = notes = NULL;
    }
    json_decref(rules);
    json_decref(results);
    json_decref(notes);
    if (root == NULL) {
        return cu_err_nomem(err);
    }
    int rc = 0;
    if (cu_json_write(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
        rc = cu_err_io(err, NULL, "cannot write the report");
    }
    json_decref(root);
    return rc;
}
