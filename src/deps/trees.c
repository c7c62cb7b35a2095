/* Installed-tree analyzers: Python .pth startup hooks, binding.gyp native builds and GitHub
 * workflows with worm indicators (Shai-Hulud). The cross-file tree checks (known worm files by
 * hash, packages installed but not locked, integrity of vendored packages) are project passes
 * in project.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps/dutil.h"
#include "core/limits.h"
#include "core/util.h"
#include "engine/engine.h"
#include "core/banned.h"

#define TEXT_LIMIT (4u << 20)

static bool text_head(const struct cu_sniff *in)
{
    for (size_t i = 0; i < in->len; i++) {
        uint8_t c = in->head[i];
        if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')) {
            return false;
        }
    }
    return true;
}

/* ---- .pth ---- */

static bool pth_sniff(const struct cu_sniff *in)
{
    return cu_has_suffix(cu_basename(in->name), ".pth") && in->size < TEXT_LIMIT && text_head(in);
}

static int pth_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cu_dx_read_text(src, TEXT_LIMIT, &text, &len, cu_ctx_err(ctx));
    if (rc < 0) {
        return rc;
    }
    /* Hooks of well-known tools (setuptools' distutils shim, virtualenv, editable installs,
     * namespace packages, coverage) are reported as info. */
    static const char *const known[] = { "_distutils_hack", "_virtualenv",
                                         "__editable__",    "coverage.process_startup",
                                         "_nspkg",          "pkgutil",
                                         "importlib.util",  "types.ModuleType" };
    static const char *const bad[] = { "exec(",        "eval(",         "b64decode", "base64",
                                       "subprocess",   "os.system",     "os.popen",  "urllib",
                                       "socket",       "http.client",   "requests",  "marshal",
                                       "zlib",         "codecs.decode", "compile(",  "pty",
                                       "bytes.fromhex" };
    uint32_t line = 0;
    for (char *l = text; l != NULL && l < text + len;) {
        char *nl = strchr(l, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        line++;
        if (strncmp(l, "import ", 7) == 0 || strncmp(l, "import\t", 7) == 0) {
            const char *why = NULL;
            for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]) && why == NULL; i++) {
                if (strstr(l, bad[i]) != NULL) {
                    why = bad[i];
                }
            }
            bool benign = false;
            for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
                benign = benign || strstr(l, known[i]) != NULL;
            }
            if (why != NULL) {
                cu_emit_line(ctx, src, line, "deps/pth-startup-hook", CUSTODY_SEV_CRITICAL, l,
                             "%s runs code at every Python start that uses %s",
                             cu_basename(src->name), why);
            } else {
                cu_emit_line(ctx, src, line, "deps/pth-startup-hook",
                             benign ? CUSTODY_SEV_INFO : CU_SEV_DEFAULT, l,
                             "%s runs an import at every Python start%s", cu_basename(src->name),
                             benign ? " (a known tool's hook)" : "");
            }
        }
        l = nl != NULL ? nl + 1 : NULL;
    }
    free(text);
    return 0;
}

static const char *const pth_ext[] = { ".pth", NULL };
const struct cu_analyzer cu_analyzer_pth = { "pth", pth_ext, pth_sniff, pth_analyze };

/* ---- binding.gyp ---- */

static bool gyp_sniff(const struct cu_sniff *in)
{
    return strcmp(cu_basename(in->name), "binding.gyp") == 0 && text_head(in);
}

static int gyp_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cu_dx_read_text(src, TEXT_LIMIT, &text, &len, cu_ctx_err(ctx));
    if (rc < 0) {
        return rc;
    }
    static const char *const fetch[] = { "curl",    "wget",     "powershell", "Invoke-WebRequest",
                                         "http://", "https://", "base64",     "node -e" };
    uint32_t line = 0;
    bool flagged = false;
    for (char *l = text; l != NULL && l < text + len;) {
        char *nl = strchr(l, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        line++;
        /* "<!(cmd)" and "<!@(cmd)" run a command while gyp reads the file; actions run
         * commands during the build */
        bool runs = strstr(l, "<!") != NULL || strstr(l, "'action'") != NULL ||
                    strstr(l, "\"action\"") != NULL;
        for (size_t i = 0; runs && i < sizeof(fetch) / sizeof(fetch[0]); i++) {
            if (cu_dx_contains(l, fetch[i])) {
                cu_emit_line(ctx, src, line, "deps/native-build", CUSTODY_SEV_HIGH, l,
                             "binding.gyp runs %s while building at install", fetch[i]);
                flagged = true;
                break;
            }
        }
        l = nl != NULL ? nl + 1 : NULL;
    }
    if (!flagged) {
        cu_emit_line(ctx, src, 1, "deps/native-build", CU_SEV_DEFAULT, NULL,
                     "binding.gyp: npm runs node-gyp (a native build) when this package is "
                     "installed");
    }
    free(text);
    return 0;
}

static const char *const gyp_ext[] = { "binding.gyp", NULL };
const struct cu_analyzer cu_analyzer_binding_gyp = { "binding-gyp", gyp_ext, gyp_sniff,
                                                     gyp_analyze };

/* ---- GitHub workflows ---- */

static bool wf_name(const char *b)
{
    return cu_has_suffix(b, ".yml") || cu_has_suffix(b, ".yaml");
}

static bool wf_sniff(const struct cu_sniff *in)
{
    const char *b = cu_basename(in->name);
    if (!wf_name(b) || !text_head(in)) {
        return false;
    }
    if (strncmp(b, "shai-hulud", 10) == 0) {
        return true;
    }
    /* the shape of a workflow: a top-level on: and jobs: */
    char head[CU_LIMIT_SNIFF + 1];
    size_t n = in->len < CU_LIMIT_SNIFF ? in->len : CU_LIMIT_SNIFF;
    memcpy(head, in->head, n);
    head[n] = '\0';
    bool on = strncmp(head, "on:", 3) == 0 || strstr(head, "\non:") != NULL ||
              strstr(head, "\n\"on\":") != NULL || strstr(head, "\n'on':") != NULL;
    bool jobs = strncmp(head, "jobs:", 5) == 0 || strstr(head, "\njobs:") != NULL;
    return on && (jobs || in->size > n);
}

static int wf_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cu_dx_read_text(src, TEXT_LIMIT, &text, &len, cu_ctx_err(ctx));
    if (rc < 0) {
        return rc;
    }
    const char *b = cu_basename(src->name);
    if (strncmp(b, "shai-hulud", 10) == 0) {
        cu_emit_line(ctx, src, 1, "deps/worm-workflow", CU_SEV_DEFAULT, b,
                     "workflow named like the Shai-Hulud worm's (%s)", b);
    }
    const char *p;
    if ((p = strstr(text, "SHA1HULUD")) != NULL || (p = strstr(text, "Sha1-Hulud")) != NULL ||
        (p = strstr(text, "bb8ca5f6-4175-45d2-b042-fc9ebb8170b7")) != NULL) {
        cu_emit_line(ctx, src, cu_dx_line_of((const uint8_t *)text, len, (size_t)(p - text)),
                     "deps/worm-workflow", CU_SEV_DEFAULT, NULL,
                     "workflow carries a Shai-Hulud indicator (runner label SHA1HULUD or the "
                     "worm's webhook id)");
    }
    /* Shai-Hulud 2 backdoor: discussion events run the discussion body on a self-hosted
     * runner */
    if ((p = strstr(text, "github.event.discussion.body")) != NULL &&
        strstr(text, "self-hosted") != NULL) {
        cu_emit_line(ctx, src, cu_dx_line_of((const uint8_t *)text, len, (size_t)(p - text)),
                     "deps/worm-workflow", CU_SEV_DEFAULT, NULL,
                     "workflow runs the body of a discussion on a self-hosted runner (the "
                     "Shai-Hulud 2 backdoor)");
    }
    /* secrets sent to a request bin */
    const char *hook = strstr(text, "webhook.site");
    if (hook == NULL) {
        hook = strstr(text, "pipedream.net");
    }
    if (hook != NULL) {
        bool sec = strstr(text, "toJSON(secrets)") != NULL || strstr(text, "secrets.") != NULL;
        cu_emit_line(ctx, src, cu_dx_line_of((const uint8_t *)text, len, (size_t)(hook - text)),
                     "deps/worm-workflow", sec ? CU_SEV_DEFAULT : CUSTODY_SEV_HIGH, NULL,
                     "workflow %s a request-bin URL (%.12s)",
                     sec ? "sends repository secrets to" : "calls", hook);
    } else if ((p = strstr(text, "toJSON(secrets)")) != NULL &&
               (cu_dx_word(text, "curl") || cu_dx_word(text, "wget"))) {
        cu_emit_line(ctx, src, cu_dx_line_of((const uint8_t *)text, len, (size_t)(p - text)),
                     "deps/worm-workflow", CUSTODY_SEV_HIGH, NULL,
                     "workflow serialises every secret and runs a download tool");
    }
    free(text);
    return 0;
}

static const char *const wf_ext[] = { ".yml", ".yaml", NULL };
const struct cu_analyzer cu_analyzer_gh_workflow = { "gh-workflow", wf_ext, wf_sniff, wf_analyze };
