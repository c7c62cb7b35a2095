/* Project pass: rug-pull pinning of MCP tool definitions. When the setting "store.path" names
 * an inventory, every "mcp-tool" component's SHA-256 is pinned under its "pin-key"
 * (server/tool); a digest that differs from the pinned one is mcp/tool-changed. */
#include <string.h>

#include "engine/engine.h"
#include "store/store.h"
#include "core/banned.h"

static const char *prop(const custody_component *c, const char *key)
{
    for (size_t i = 0; i < c->nprops; i++) {
        if (strcmp(c->props[i].key, key) == 0) {
            return c->props[i].value;
        }
    }
    return NULL;
}

static int toolpin_run(struct cu_project *p)
{
    const char *path = cu_project_setting(p, "store.path", 0);
    if (path == NULL || path[0] == '\0') {
        return 0;
    }
    struct cu_store *st = NULL;
    custody_error err;
    memset(&err, 0, sizeof(err));
    bool opened = false;
    bool reported = false;
    for (size_t i = 0; i < cu_project_component_count(p); i++) {
        size_t file = 0;
        const custody_component *c = cu_project_component(p, i, &file);
        if (c == NULL || strcmp(c->kind, "mcp-tool") != 0) {
            continue;
        }
        const char *digest = prop(c, "sha256");
        const char *key = prop(c, "pin-key");
        if (digest == NULL || key == NULL) {
            continue;
        }
        if (!opened) {
            opened = true;
            int rc = cu_store_open(&st, path, &err);
            if (rc == CUSTODY_ENOMEM) {
                return rc;
            }
        }
        if (st == NULL) {
            if (!reported) {
                /* pinning was asked for and cannot happen: say so, never pass silently */
                cu_project_emit(p, file, c->location, c->line, "agent/store-unavailable",
                                CU_SEV_DEFAULT, path, "tool digests not pinned: %s",
                                err.msg[0] ? err.msg : "the store could not be opened");
                reported = true;
            }
            continue;
        }
        char old[129];
        old[0] = '\0';
        int rc = cu_store_pin(st, "mcp-tool", key, digest, old, &err);
        if (rc == 1) {
            cu_project_emit(p, file, c->location, c->line, "mcp/tool-changed", CU_SEV_DEFAULT,
                            digest, "tool %s changed: pinned sha256 %s, now %s", key, old, digest);
        } else if (rc == CUSTODY_ENOMEM) {
            cu_store_close(st);
            return rc;
        } else if (rc < 0 && !reported) {
            cu_project_emit(p, file, c->location, c->line, "agent/store-unavailable",
                            CU_SEV_DEFAULT, path, "tool digest not pinned: %s",
                            err.msg[0] ? err.msg : "store error");
            reported = true;
        }
    }
    cu_store_close(st);
    return 0;
}

const struct cu_project_pass cu_pass_mcp_toolpin = { "mcp-toolpin", toolpin_run };
