/* Keras model configs: the walker over a parsed config (see keras.h) and the JSON handler that
 * claims config.json / metadata.json of .keras archives. Nothing here executes or unmarshals
 * anything: Lambda bytecode is base64-decoded and scanned for the strings it names. */
#include "formats/keras.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/rd.h"
#include "core/util.h"
#include "core/banned.h"

/* Module roots that belong to Keras itself (or its first-party libraries, whose code is
 * installed, not carried by the file). Everything else is a custom object. */
static const char *const keras_namespaces[] = {
    "keras",     "tf_keras",  "tensorflow.keras", "tensorflow.python.keras",
    "keras_hub", "keras_nlp", "keras_cv",         NULL,
};

/* Sub-modules whose functions a benign config references (activation, loss, metric...). */
static const char *const keras_function_modules[] = {
    "activations", "losses", "metrics", "ops", "initializers", "regularizers", "constraints", NULL,
};

/* Callables that turned a safe_mode load into code execution or file access. */
static const struct {
    const char *name;
    const char *why;
} keras_gadgets[] = {
    { "get_file", "keras.utils.get_file downloads and extracts files (CVE-2025-8747)" },
    { "enable_unsafe_deserialization",
      "switches safe_mode off from inside the config (CVE-2025-9906)" },
    { "set_global_attribute", "rewrites Keras global state, e.g. safe_mode (CVE-2025-9906)" },
    { "load_model", "loads a second model, possibly with safe_mode=False (CVE-2025-9906)" },
    { "load_weights", "loads weights from a path the config chooses" },
    { "TFSMLayer", "loads an external TensorFlow SavedModel, whose graph runs (CVE-2026-1462)" },
    { "func_load", "unmarshals Python bytecode (keras.utils.python_utils.func_load)" },
    { "deserialize_keras_object", "re-enters deserialization with attacker arguments" },
};

/* Layers that read a vocabulary (or other) file named by a string (CVE-2025-12058). */
static const char *const keras_path_keys[] = { "vocabulary", "filepath", "file_path", NULL };

#define KW_PATH_MAX  384u
#define KW_NAMES_MAX 24u

struct kw {
    struct cu_ctx *ctx;
    struct cu_source *src;
    const char *what;
    char path[KW_PATH_MAX];
    size_t plen;
    const char *layer_class; /* nearest enclosing Keras object */
    const char *layer_name;
    unsigned layers, lambdas, customs;
    bool deep;
};

static size_t kw_push(struct kw *w, const char *fmt, ...) CUSTODY_PRINTF(2, 3);
static size_t kw_push(struct kw *w, const char *fmt, ...)
{
    size_t old = w->plen;
    if (w->plen < sizeof(w->path) - 1) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(w->path + w->plen, sizeof(w->path) - w->plen, fmt, ap);
        va_end(ap);
        if (n > 0) {
            w->plen += (size_t)n;
            if (w->plen > sizeof(w->path) - 1) {
                w->plen = sizeof(w->path) - 1;
            }
        }
    }
    return old;
}

static void kw_pop(struct kw *w, size_t old)
{
    w->plen = old;
    w->path[old] = '\0';
}

static const char *kw_where(const struct kw *w)
{
    return w->plen > 0 ? w->path : "(root)";
}

static bool ns_match(const char *mod, const char *ns)
{
    size_t n = strlen(ns);
    return strncmp(mod, ns, n) == 0 && (mod[n] == '\0' || mod[n] == '.');
}

static bool keras_in_ns(const char *mod)
{
    for (size_t i = 0; keras_namespaces[i] != NULL; i++) {
        if (ns_match(mod, keras_namespaces[i])) {
            return true;
        }
    }
    return false;
}

/* True for keras[.src].activations... and the other function modules. */
static bool keras_function_module_ok(const char *mod)
{
    const char *p = NULL;
    for (size_t i = 0; keras_namespaces[i] != NULL && p == NULL; i++) {
        if (ns_match(mod, keras_namespaces[i])) {
            p = mod + strlen(keras_namespaces[i]);
        }
    }
    if (p == NULL || *p != '.') {
        return false;
    }
    p++;
    if (strncmp(p, "src.", 4) == 0) {
        p += 4;
    }
    for (size_t i = 0; keras_function_modules[i] != NULL; i++) {
        if (ns_match(p, keras_function_modules[i])) {
            return true;
        }
    }
    return false;
}

static const char *keras_gadget(const char *name)
{
    if (name == NULL) {
        return NULL;
    }
    const char *last = strrchr(name, '.');
    last = last != NULL ? last + 1 : name;
    for (size_t i = 0; i < sizeof(keras_gadgets) / sizeof(keras_gadgets[0]); i++) {
        if (strcmp(last, keras_gadgets[i].name) == 0) {
            return keras_gadgets[i].why;
        }
    }
    return NULL;
}

static const char *jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* ---- Lambda bytecode ---- */

static int b64val(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+' || c == '-') {
        return 62;
    }
    if (c == '/' || c == '_') {
        return 63;
    }
    return -1;
}

/* Decodes base64 (whitespace skipped, '=' ends). Returns the decoded length, or SIZE_MAX when
 * a character is not base64. out must hold len*3/4+3 bytes. */
static size_t b64_decode(const char *s, size_t len, uint8_t *out)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            continue;
        }
        if (c == '=') {
            break;
        }
        int v = b64val(c);
        if (v < 0) {
            return SIZE_MAX;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1u;
        }
    }
    return n;
}

static bool ident_byte(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '<' || c == '>' || c == '-' || c == ' ' || c == '/';
}

/* Superficial look at marshal bytes: the short strings it holds (names, constants). No
 * structure is trusted; every length is checked against what remains. */
static void marshal_strings(const uint8_t *m, size_t n, struct cu_buf *out)
{
    char seen[KW_NAMES_MAX][48];
    size_t nseen = 0;
    for (size_t i = 0; i < n && nseen < KW_NAMES_MAX; i++) {
        uint8_t t = (uint8_t)(m[i] & 0x7f);
        size_t len, hdr;
        if (t == 'z' || t == 'Z') {
            if (n - i < 2) {
                break;
            }
            len = m[i + 1];
            hdr = 2;
        } else if (t == 'a' || t == 'A' || t == 'u' || t == 't') {
            if (n - i < 5) {
                break;
            }
            len = cu_load_u32le(m + i + 1);
            hdr = 5;
        } else {
            continue;
        }
        if (len < 2 || len >= sizeof(seen[0]) || len > n - i - hdr) {
            continue;
        }
        const uint8_t *s = m + i + hdr;
        bool ok = true;
        for (size_t k = 0; k < len && ok; k++) {
            ok = ident_byte(s[k]);
        }
        if (!ok) {
            continue;
        }
        bool dup = false;
        for (size_t k = 0; k < nseen && !dup; k++) {
            dup = strlen(seen[k]) == len && memcmp(seen[k], s, len) == 0;
        }
        if (!dup) {
            memcpy(seen[nseen], s, len);
            seen[nseen][len] = '\0';
            cu_buf_addf(out, "%s%s", nseen > 0 ? ", " : "", seen[nseen]);
            nseen++;
        }
        i += hdr + len - 1;
    }
}

static void kw_lambda(struct kw *w, const char *field, const char *code)
{
    struct cu_buf ev = CU_BUF_INIT(CU_LIMIT_EVIDENCE);
    size_t len = code != NULL ? strlen(code) : 0;
    w->lambdas++;
    if (code == NULL) {
        cu_buf_adds(&ev, "bytecode field present but not a string");
    } else if (len > CU_LIMIT_JSON) {
        cu_buf_addf(&ev, "%zu characters of base64", len);
    } else {
        uint8_t *raw = cu_malloc(len / 4 * 3 + 3);
        size_t n = raw != NULL ? b64_decode(code, len, raw) : SIZE_MAX;
        if (raw == NULL) {
            cu_buf_addf(&ev, "%zu characters of base64", len);
        } else if (n == SIZE_MAX) {
            cu_buf_addf(&ev, "%zu characters, not valid base64", len);
        } else {
            cu_buf_addf(&ev, "%zu bytes of marshalled Python%s; strings: ", n,
                        n > 0 && (raw[0] & 0x7f) == 'c' ? " code object" : "");
            marshal_strings(raw, n, &ev);
        }
        free(raw);
    }
    cu_emit(w->ctx, w->src, CU_NO_OFFSET, "keras/lambda-bytecode", CU_SEV_DEFAULT, cu_buf_str(&ev),
            "%s layer '%s' carries serialized Python bytecode in '%s' (%s, at %s): loading it "
            "with safe_mode=False, or as legacy HDF5, runs it",
            w->layer_class != NULL ? w->layer_class : "Lambda",
            w->layer_name != NULL ? w->layer_name : "?", field, w->what, kw_where(w));
    cu_buf_free(&ev);
}

/* The code string of a Keras 3 {"class_name": "__lambda__", "config": {...}} object. */
static const char *lambda3_code(const json_t *cfg)
{
    const char *c = jstr(cfg, "code");
    if (c == NULL) {
        const json_t *v = json_object_get(cfg, "value");
        c = json_is_array(v) ? json_string_value(json_array_get(v, 0)) : json_string_value(v);
    }
    return c;
}

/* ---- object references ---- */

static void kw_custom(struct kw *w, const char *module, const char *name, const char *how)
{
    const char *why = NULL;
    int sev = CU_SEV_DEFAULT;
    char *full = cu_asprintf("%s%s%s", module != NULL ? module : "", module != NULL ? "." : "",
                             name != NULL ? name : "?");
    if (full == NULL) {
        return;
    }
    if (module != NULL && name != NULL &&
        cu_ctx_classify(w->ctx, module, name, &why) == CUSTODY_PICKLE_DANGEROUS) {
        sev = CUSTODY_SEV_CRITICAL;
    }
    w->customs++;
    cu_emit(w->ctx, w->src, CU_NO_OFFSET, "keras/custom-object", sev, full,
            "%s '%s' is outside Keras' namespaces (%s, at %s): loading imports and runs it%s%s",
            how, full, w->what, kw_where(w), why != NULL ? ": " : "", why != NULL ? why : "");
    free(full);
}

/* Checks a package prefix "pkg>Name" (registered names, tf.keras "Custom>Name"). */
static void kw_registered(struct kw *w, const char *reg, const char *how)
{
    const char *gt = strchr(reg, '>');
    if (gt == NULL) {
        return;
    }
    char *pkg = cu_strndup(reg, (size_t)(gt - reg));
    if (pkg == NULL) {
        return;
    }
    if (!keras_in_ns(pkg)) {
        kw_custom(w, pkg, gt + 1, how);
    }
    free(pkg);
}

static void kw_object(struct kw *w, const json_t *obj, const char *cls)
{
    const char *module = jstr(obj, "module");
    const char *reg = jstr(obj, "registered_name");
    const json_t *cfg = json_object_get(obj, "config");
    bool fn = strcmp(cls, "function") == 0 && json_is_string(cfg);
    const char *name = fn ? json_string_value(cfg) : cls;
    bool reported = false;

    if (module != NULL && !keras_in_ns(module)) {
        kw_custom(w, module, name, fn ? "function" : "class");
        reported = true;
    } else if (module != NULL && fn && !keras_function_module_ok(module) &&
               keras_gadget(name) == NULL) {
        cu_emit(w->ctx, w->src, CU_NO_OFFSET, "keras/function-reference", CU_SEV_DEFAULT, name,
                "config references the function %s.%s (%s, at %s)", module, name, w->what,
                kw_where(w));
    }
    if (!reported && strchr(cls, '>') != NULL) {
        kw_registered(w, cls, "class");
        reported = true;
    }
    if (!reported && reg != NULL && strchr(reg, '>') != NULL) {
        kw_registered(w, reg, "registered object");
        reported = true;
    }
    if (!reported && module == NULL && strchr(cls, '.') != NULL && cls[0] != '_') {
        const char *dot = strrchr(cls, '.');
        char *mod = cu_strndup(cls, (size_t)(dot - cls));
        if (mod != NULL && !keras_in_ns(mod)) {
            kw_custom(w, mod, dot + 1, "class");
        }
        free(mod);
    }
    const char *why = keras_gadget(name);
    if (why == NULL && reg != NULL) {
        why = keras_gadget(reg);
    }
    if (why != NULL) {
        const char *target = NULL;
        if (json_is_object(cfg)) {
            target = jstr(cfg, "filepath");
        }
        cu_emit(w->ctx, w->src, CU_NO_OFFSET, "keras/safe-mode-bypass", CU_SEV_DEFAULT,
                target != NULL ? target : name,
                "config uses %s%s%s, a known safe_mode bypass gadget: %s (%s, at %s)",
                module != NULL ? module : "", module != NULL ? "." : "", name, why, w->what,
                kw_where(w));
    }
    /* External files named by a string (vocabulary paths, SavedModels). */
    if (json_is_object(cfg) && strcmp(cls, "TFSMLayer") != 0) {
        for (size_t i = 0; keras_path_keys[i] != NULL; i++) {
            const char *p = jstr(cfg, keras_path_keys[i]);
            if (p != NULL && p[0] != '\0') {
                cu_emit(w->ctx, w->src, CU_NO_OFFSET, "keras/external-file", CU_SEV_DEFAULT, p,
                        "%s '%s' reads '%s' from the path in '%s' when loaded (%s, at %s)", cls,
                        w->layer_name != NULL ? w->layer_name : "?", p, keras_path_keys[i], w->what,
                        kw_where(w));
            }
        }
    }
}

/* ---- the walk ---- */

static void kw_visit(struct kw *w, const json_t *v, unsigned depth);

static void kw_visit_object(struct kw *w, const json_t *obj, unsigned depth)
{
    const char *cls = jstr(obj, "class_name");
    const char *save_class = w->layer_class;
    const char *save_name = w->layer_name;
    size_t mark = w->plen;

    if (cls != NULL) {
        const json_t *cfg = json_object_get(obj, "config");
        const char *nm = json_is_object(cfg) ? jstr(cfg, "name") : NULL;
        if (strcmp(cls, "__lambda__") == 0) {
            kw_lambda(w, "function", json_is_object(cfg) ? lambda3_code(cfg) : NULL);
            return;
        }
        if (cls[0] != '_' && strcmp(cls, "function") != 0) {
            w->layer_class = cls;
            w->layer_name = nm != NULL ? nm : jstr(obj, "name");
            kw_push(w, "<%s '%s'>", cls, w->layer_name != NULL ? w->layer_name : "");
        }
        kw_object(w, obj, cls);
    }
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)obj, key, val)
    {
        /* tf.keras: "function": ["<base64>", null, null] with "function_type": "lambda"
         * (also output_shape / mask). */
        char tkey[64];
        int n = snprintf(tkey, sizeof(tkey), "%s_type", key);
        const char *t = n > 0 && (size_t)n < sizeof(tkey) ? jstr(obj, tkey) : NULL;
        if (t != NULL && strcmp(t, "lambda") == 0) {
            const char *code = json_is_array(val) ? json_string_value(json_array_get(val, 0))
                                                  : json_string_value(val);
            size_t m = kw_push(w, ".%s", key);
            kw_lambda(w, key, code);
            kw_pop(w, m);
            continue;
        }
        if (strcmp(key, "layers") == 0 && json_is_array(val)) {
            w->layers += (unsigned)json_array_size(val);
        }
        if (json_is_object(val) || json_is_array(val)) {
            size_t m = kw_push(w, ".%s", key);
            kw_visit(w, val, depth + 1);
            kw_pop(w, m);
        }
    }
    kw_pop(w, mark);
    w->layer_class = save_class;
    w->layer_name = save_name;
}

static void kw_visit(struct kw *w, const json_t *v, unsigned depth)
{
    if (depth > CU_KERAS_MAX_DEPTH) {
        if (!w->deep) {
            w->deep = true;
            cu_emit(w->ctx, w->src, CU_NO_OFFSET, "keras/config-too-deep", CU_SEV_DEFAULT, NULL,
                    "%s nests deeper than %u levels at %s: the rest was not analysed", w->what,
                    CU_KERAS_MAX_DEPTH, kw_where(w));
        }
        return;
    }
    if (json_is_object(v)) {
        kw_visit_object(w, v, depth);
    } else if (json_is_array(v)) {
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e)
        {
            if (json_is_object(e) || json_is_array(e)) {
                size_t m = kw_push(w, "[%zu]", i);
                kw_visit(w, e, depth + 1);
                kw_pop(w, m);
            }
        }
    }
}

int cu_keras_analyze_config(struct cu_ctx *ctx,
                            struct cu_source *src,
                            const json_t *doc,
                            const char *what)
{
    struct kw *w = cu_calloc(1, sizeof(*w));
    if (w == NULL) {
        return cu_err_nomem(cu_ctx_err(ctx));
    }
    w->ctx = ctx;
    w->src = src;
    w->what = what;
    kw_visit(w, doc, 0);
    const char *cls = jstr(doc, "class_name");
    if (cls != NULL) {
        cu_emit(ctx, src, CU_NO_OFFSET, "keras/model", CU_SEV_DEFAULT, NULL,
                "Keras %s config (%s): %u layers, %u Lambda bytecode, %u custom objects", cls, what,
                w->layers, w->lambdas, w->customs);
    }
    free(w);
    return 0;
}

/* ---- JSON handler ---- */

static bool keras_is_config(const json_t *doc)
{
    if (!json_is_object(doc) || jstr(doc, "class_name") == NULL) {
        return false;
    }
    const json_t *cfg = json_object_get(doc, "config");
    if (!json_is_object(cfg)) {
        return false;
    }
    return json_object_get(doc, "module") != NULL ||
           json_object_get(doc, "registered_name") != NULL ||
           json_object_get(doc, "build_config") != NULL ||
           json_object_get(doc, "compile_config") != NULL ||
           json_object_get(doc, "keras_version") != NULL ||
           json_is_array(json_object_get(cfg, "layers"));
}

static bool keras_is_metadata(const json_t *doc)
{
    return json_is_object(doc) && json_is_string(json_object_get(doc, "keras_version")) &&
           jstr(doc, "class_name") == NULL;
}

static bool keras_match(const json_t *doc, const char *name)
{
    (void)name; /* content decides */
    return keras_is_config(doc) || keras_is_metadata(doc);
}

static int keras_analyze(struct cu_ctx *ctx, struct cu_source *src, const json_t *doc)
{
    if (keras_is_metadata(doc)) {
        cu_emit(ctx, src, CU_NO_OFFSET, "keras/model", CU_SEV_DEFAULT, jstr(doc, "keras_version"),
                "Keras archive metadata: saved by Keras %s", jstr(doc, "keras_version"));
        cu_fact(ctx, "format", "keras");
        cu_fact(ctx, "framework", "keras");
        return 0;
    }
    const char *base = src->name != NULL ? cu_basename(src->name) : "config.json";
    return cu_keras_analyze_config(ctx, src, doc, base);
}

const struct cu_json_handler cu_json_handler_keras = { "keras", keras_match, keras_analyze };
