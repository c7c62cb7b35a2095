/* LangChain serialized objects (agentcfg.h): {"lc": 1, "type": "constructor", "id": [...],
 * "kwargs": {...}} as written by langchain_core.load.dumpd, in JSON or YAML. Classes outside
 * LangChain's namespaces, model endpoints that are not the provider's (the hidden-proxy attack)
 * and literal keys are reported. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agents/agentcfg.h"
#include "agents/agents.h"
#include "core/util.h"
#include "core/banned.h"

#define LC_MAX_DEPTH 64u

static const char *const lc_namespaces[] = {
    "langchain",
    "langchain_core",
    "langchain_community",
    "langchain_openai",
    "langchain_anthropic",
    "langchain_google_genai",
    "langchain_google_vertexai",
    "langchain_aws",
    "langchain_mistralai",
    "langchain_groq",
    "langchain_fireworks",
    "langchain_xai",
    "langchain_cohere",
    "langchain_huggingface",
    "langchain_ollama",
    "langchain_together",
    "langchain_deepseek",
    "langchain_nvidia_ai_endpoints",
    "langchain_azure_ai",
    "langchain_text_splitters",
    "langchain_experimental",
    "langchain_perplexity",
    "langchain_sambanova",
    "langchain_ibm",
};

/* Provider API hosts (suffix match on the host). */
static const char *const lc_hosts[] = {
    "api.openai.com",
    ".openai.azure.com",
    ".cognitiveservices.azure.com",
    ".services.ai.azure.com",
    "api.anthropic.com",
    "generativelanguage.googleapis.com",
    "aiplatform.googleapis.com",
    ".googleapis.com",
    ".amazonaws.com",
    "api.mistral.ai",
    "api.groq.com",
    "api.cohere.com",
    "api.cohere.ai",
    "api.together.xyz",
    "api.together.ai",
    "api.fireworks.ai",
    "api.deepseek.com",
    "api.x.ai",
    "api-inference.huggingface.co",
    "router.huggingface.co",
    ".endpoints.huggingface.cloud",
    "integrate.api.nvidia.com",
    "openrouter.ai",
    "api.perplexity.ai",
    "localhost",
    "127.0.0.1",
    "[::1]",
    "host.docker.internal",
};

static const char *const lc_endpoint_keys[] = {
    "base_url",
    "openai_api_base",
    "api_base",
    "endpoint_url",
    "azure_endpoint",
    "openai_proxy",
    "anthropic_api_url",
    "api_url",
    "endpoint",
    "base_path",
    "url",
    "inference_server_url",
    "ollama_base_url",
    "openai_api_base_url",
};

bool cu_langchain_match(const json_t *doc)
{
    if (!json_is_object(doc)) {
        return false;
    }
    const json_t *lc = json_object_get(doc, "lc");
    const char *type = json_string_value(json_object_get(doc, "type"));
    return json_is_integer(lc) && json_integer_value(lc) == 1 && type != NULL &&
           json_is_array(json_object_get(doc, "id"));
}

static bool ns_allowed(const char *ns)
{
    for (size_t i = 0; i < sizeof(lc_namespaces) / sizeof(lc_namespaces[0]); i++) {
        if (strcmp(ns, lc_namespaces[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool host_allowed(const char *url)
{
    size_t n;
    const char *h = cu_agent_url_host(url, &n);
    for (size_t i = 0; i < sizeof(lc_hosts) / sizeof(lc_hosts[0]); i++) {
        size_t l = strlen(lc_hosts[i]);
        if (lc_hosts[i][0] == '.') {
            /* AWS: Bedrock's runtime only (anyone can serve an API from execute-api) */
            bool aws = strcmp(lc_hosts[i], ".amazonaws.com") == 0;
            if (n > l && memcmp(h + n - l, lc_hosts[i], l) == 0 &&
                (!aws || strncmp(h, "bedrock", 7) == 0)) {
                return true;
            }
        } else if (n == l && memcmp(h, lc_hosts[i], l) == 0) {
            return true;
        }
    }
    return false;
}

static bool key_has(const char *k, const char *const *list, size_t n, bool suffix)
{
    size_t kl = strlen(k);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(list[i]);
        if (suffix ? (kl >= l && strcasecmp(k + kl - l, list[i]) == 0)
                   : (kl >= l && strncasecmp(k, list[i], l) == 0)) {
            return true;
        }
    }
    return false;
}

static bool host_is(const char *h, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(h, name, n) == 0;
}

static bool hf_host(const char *v)
{
    size_t n;
    const char *h = cu_agent_url_host(v, &n);
    return host_is(h, n, "huggingface.co") || host_is(h, n, "hf.co") ||
           (n > 15 && strncasecmp(h + n - 15, ".huggingface.co", 15) == 0);
}

void cu_agent_env_redirect(
    const struct cu_agent_doc *d, uint32_t line, const char *who, const char *key, const char *val)
{
    /* model providers' endpoint variables: PROVIDER_..._{BASE_URL,API_BASE,...} */
    static const char *const providers[] = {
        "ANTHROPIC_",    "CLAUDE_", "OPENAI_",     "AZURE_OPENAI_", "GEMINI_",   "GOOGLE_GEMINI_",
        "GOOGLE_GENAI_", "VERTEX_", "MISTRAL_",    "GROQ_",         "DEEPSEEK_", "COHERE_",
        "TOGETHER_",     "XAI_",    "OPENROUTER_", "OLLAMA_",       "LITELLM_",  "FIREWORKS_",
        "PERPLEXITY_",   "CODEX_",  "LLM_",
    };
    static const char *const endpoint_suffix[] = { "_BASE_URL", "_API_BASE", "_API_URL",
                                                   "_ENDPOINT", "_API_HOST", "_BASE",
                                                   "_HOST",     "_URL",      "_API_BASE_URL" };
    static const char *const proxies[] = { "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY" };
    if (val == NULL || val[0] == '\0' || cu_agent_is_reference(val)) {
        return;
    }
    char *safe = cu_agent_safe(val);
    const char *ev = safe != NULL ? safe : "?";
    bool url = strstr(val, "://") != NULL;
    if (key_has(key, providers, sizeof(providers) / sizeof(providers[0]), false) &&
        key_has(key, endpoint_suffix, sizeof(endpoint_suffix) / sizeof(endpoint_suffix[0]), true) &&
        url && !host_allowed(val)) {
        cu_emit_line(d->ctx, d->src, line, "agent/traffic-redirect", CU_SEV_DEFAULT, ev,
                     "%s: %s sends prompts and the API key to %s, which is not the provider's "
                     "API",
                     who, key, ev);
    } else if ((strcasecmp(key, "HF_ENDPOINT") == 0 || strcasecmp(key, "HF_HUB_ENDPOINT") == 0) &&
               url && !hf_host(val) && !cu_agent_loopback(val)) {
        cu_emit_line(d->ctx, d->src, line, "agent/traffic-redirect", CUSTODY_SEV_MEDIUM, ev,
                     "%s: %s downloads every model and dataset from %s instead of the Hugging "
                     "Face Hub",
                     who, key, ev);
    } else if (key_has(key, proxies, sizeof(proxies) / sizeof(proxies[0]), false) &&
               strlen(key) <= 11 && !cu_agent_loopback(val)) {
        cu_emit_line(d->ctx, d->src, line, "agent/traffic-redirect", CUSTODY_SEV_MEDIUM, ev,
                     "%s: %s routes its traffic, API keys included, through %s", who, key, ev);
    } else if ((strcasecmp(key, "NODE_TLS_REJECT_UNAUTHORIZED") == 0 && strcmp(val, "0") == 0) ||
               (strcasecmp(key, "PYTHONHTTPSVERIFY") == 0 && strcmp(val, "0") == 0) ||
               strcasecmp(key, "NODE_EXTRA_CA_CERTS") == 0 ||
               strcasecmp(key, "REQUESTS_CA_BUNDLE") == 0 ||
               strcasecmp(key, "SSL_CERT_FILE") == 0 || strcasecmp(key, "CURL_CA_BUNDLE") == 0) {
        cu_emit_line(d->ctx, d->src, line, "agent/traffic-redirect", CUSTODY_SEV_MEDIUM, ev,
                     "%s: %s=%s changes which TLS certificates are trusted: its connections can be "
                     "intercepted",
                     who, key, ev);
    }
    free(safe);
}

static char *class_path(const json_t *id)
{
    struct cu_buf b = CU_BUF_INIT(1024);
    size_t i;
    const json_t *e;
    json_array_foreach(id, i, e)
    {
        if (i > 0) {
            cu_buf_addc(&b, '.');
        }
        cu_buf_adds(&b, json_is_string(e) ? json_string_value(e) : "?");
    }
    char *s = cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    return s;
}

static bool secret_key(const char *k)
{
    return strstr(k, "api_key") != NULL || strstr(k, "token") != NULL ||
           strstr(k, "secret") != NULL || strstr(k, "password") != NULL ||
           strstr(k, "apikey") != NULL || strcmp(k, "key") == 0;
}

static void walk(const struct cu_agent_doc *d,
                 const json_t *v,
                 const char *ptr,
                 unsigned depth,
                 const char *cls);

static void kwargs(const struct cu_agent_doc *d,
                   const json_t *kw,
                   const char *ptr,
                   unsigned depth,
                   const char *cls)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)kw, k, v)
    {
        char *p = cu_jsonc_ptr(ptr, k);
        if (p == NULL) {
            continue;
        }
        uint32_t line = cu_agent_line(d, p);
        if (json_is_string(v)) {
            const char *s = json_string_value(v);
            for (size_t i = 0; i < sizeof(lc_endpoint_keys) / sizeof(lc_endpoint_keys[0]); i++) {
                if (strcmp(k, lc_endpoint_keys[i]) == 0 && strstr(s, "://") != NULL &&
                    !host_allowed(s)) {
                    char *safe = cu_agent_safe(s);
                    cu_emit_line(d->ctx, d->src, line, "agent/langchain-custom-endpoint",
                                 CU_SEV_DEFAULT, safe, "%s sends prompts and its API key to %s=%s",
                                 cls, k, safe != NULL ? safe : "?");
                    free(safe);
                    break;
                }
            }
            if (secret_key(k) && s[0] != '\0' && !cu_agent_is_reference(s) &&
                !cu_secret_is_placeholder(s, strlen(s))) {
                char *r = cu_secret_redact(s, strlen(s));
                cu_emit_line(d->ctx, d->src, line, "agent/langchain-secret", CU_SEV_DEFAULT, r,
                             "%s has a literal %s", cls, k);
                free(r);
            } else {
                cu_agent_check_secret(d, line, "agent/langchain-secret", cls, NULL, s);
            }
        } else {
            walk(d, v, p, depth + 1, cls);
        }
        free(p);
    }
}

static void walk(
    const struct cu_agent_doc *d, const json_t *v, const char *ptr, unsigned depth, const char *cls)
{
    if (depth > LC_MAX_DEPTH) {
        return;
    }
    if (json_is_array(v)) {
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e)
        {
            char *p = cu_jsonc_ptr_index(ptr, i);
            if (p != NULL) {
                walk(d, e, p, depth + 1, cls);
            }
            free(p);
        }
        return;
    }
    if (!json_is_object(v)) {
        return;
    }
    if (!cu_langchain_match(v)) {
        kwargs(d, v, ptr, depth, cls); /* a plain dict inside kwargs */
        return;
    }
    const char *type = json_string_value(json_object_get(v, "type"));
    const json_t *id = json_object_get(v, "id");
    uint32_t line = cu_agent_line(d, ptr[0] ? ptr : "/lc");
    char *path = class_path(id);
    if (path == NULL) {
        return;
    }
    if (strcmp(type, "secret") == 0) {
        free(path);
        return; /* a reference to an environment variable: the right way */
    }
    if (strcmp(type, "constructor") == 0) {
        const char *ns = json_string_value(json_array_get(id, 0));
        if (ns == NULL || !ns_allowed(ns)) {
            cu_emit_line(d->ctx, d->src, line, "agent/langchain-untrusted-class", CU_SEV_DEFAULT,
                         path, "constructor of %s, outside the LangChain namespaces", path);
        }
        const json_t *kw = json_object_get(v, "kwargs");
        if (json_is_object(kw)) {
            char *kp = cu_jsonc_ptr(ptr, "kwargs");
            if (kp != NULL) {
                kwargs(d, kw, kp, depth + 1, path);
            }
            free(kp);
        }
    } else {
        cu_emit_line(d->ctx, d->src, line, "agent/langchain-not-implemented", CU_SEV_DEFAULT, path,
                     "entry of type %s (%s)", type, path);
    }
    free(path);
}

int cu_langchain_analyze(const struct cu_agent_doc *d, const json_t *doc)
{
    cu_fact(d->ctx, "agents.format", "%s", "langchain-manifest");
    walk(d, doc, "", 0, "manifest");
    return 0;
}
