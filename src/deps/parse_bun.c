/* bun.lock (text lockfile, bun >= 1.1.39): JSON with trailing commas. "packages" maps a key
 * to a tuple [ "name@version", registry, {deps...}, integrity ]. */
#include <stdlib.h>
#include <string.h>

#include "deps/parse.h"
#include "core/util.h"
#include "core/banned.h"

int cu_parse_bun_lock(struct cu_depfile *out, const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_ltree t;
    int rc = cu_lt_parse_json(&t, data, len, true, err);
    if (rc)
        return rc;
    out->format = "bun-lock";
    out->is_lockfile = true;
    const json_t *root = t.root;
    if (!json_is_object(root)) {
        rc = cu_err_malformed(err, "bun.lock", 0, "not a JSON object");
        goto out;
    }
    if (json_object_size(root) == 0)
        goto out; /* "{}" */
    const json_t *lv = json_object_get(root, "lockfileVersion");
    if ((rc = cu_depfile_set_version(out, lv)))
        goto nomem;
    if (!json_is_integer(lv) || json_integer_value(lv) < 0 || json_integer_value(lv) > 1) {
        rc = cu_err_unsupported(err, "bun.lock", 0, "line %u: lockfileVersion %s",
                                cu_lt_key_line(&t, root, "lockfileVersion"),
                                out->format_version ? out->format_version : "(none)");
        goto out;
    }
    const json_t *pk = json_object_get(root, "packages");
    if (!pk)
        goto out;
    if (!json_is_object(pk)) {
        rc = cu_err_malformed(err, "bun.lock", CU_NO_OFFSET, "packages is not an object");
        goto out;
    }
    const char *key;
    json_t *e;
    json_object_foreach((json_t *)pk, key, e)
    {
        uint32_t line = cu_lt_key_line(&t, pk, key);
        const char *id = json_is_array(e) ? json_string_value(json_array_get(e, 0)) : NULL;
        if (!id) {
            rc = cu_err_malformed(err, "bun.lock", CU_NO_OFFSET,
                                  "line %u: package \"%s\" is not a [\"name@version\", ...] tuple",
                                  line, key);
            goto out;
        }
        const char *at = strchr(id + (id[0] == '@'), '@');
        if (!at || at == id) {
            rc = cu_err_malformed(err, "bun.lock", CU_NO_OFFSET, "line %u: bad package id \"%s\"",
                                  line, id);
            goto out;
        }
        const char *spec = at + 1;
        if (strncmp(spec, "workspace:", 10) == 0)
            continue; /* the project's own workspaces */
        char *name = cu_strndup(id, (size_t)(at - id));
        if (!name)
            goto nomem;
        struct cu_pkg p = { .eco = CU_ECO_NPM, .name = name, .line = line };
        p.source = cu_npm_source(spec);
        if (spec[0] >= '0' && spec[0] <= '9') {
            p.version = (char *)spec;
            p.source = CU_DEP_REGISTRY;
            const char *reg = json_string_value(json_array_get(e, 1));
            if (reg && *reg)
                p.resolved = (char *)reg;
            const json_t *last = json_array_get(e, json_array_size(e) - 1);
            if (json_array_size(e) >= 4 && json_is_string(last))
                p.integrity = (char *)json_string_value(last);
        } else {
            if (strncmp(spec, "npm:", 4) == 0)
                p.version = (char *)spec + 4;
            p.resolved = (char *)spec;
        }
        rc = cu_depfile_add(out, &p);
        free(name);
        if (rc)
            goto nomem;
    }
out:
    cu_lt_free(&t);
    return rc;
nomem:
    cu_lt_free(&t);
    return cu_err_nomem(err);
}
