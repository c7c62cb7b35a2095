/* MCP server entries of every client's configuration (agentcfg.h): launcher, package and
 * pinning, container options, transport, secrets, approval settings. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agents/agentcfg.h"
#include "agents/agents.h"
#include "agents/skillcheck.h"
#include "deps/deps.h"
#include "core/util.h"
#include "core/banned.h"

#define MAX_ARGV 256u

uint32_t cu_agent_line(const struct cu_agent_doc *d, const char *ptr)
{
    return d->j != NULL ? cu_jsonc_line(d->j, ptr) : 0;
}

static bool icontains(const char *s, const char *needle)
{
    size_t m = strlen(needle);
    for (; *s; s++) {
        size_t k = 0;
        while (k < m && s[k] && tolower((unsigned char)s[k]) == needle[k]) {
            k++;
        }
        if (k == m) {
            return true;
        }
    }
    return false;
}

bool cu_agent_is_reference(const char *v)
{
    if (v == NULL) {
        return false;
    }
    while (*v == ' ') {
        v++;
    }
    if (strncmp(v, "Bearer ", 7) == 0 || strncmp(v, "bearer ", 7) == 0 ||
        strncmp(v, "Token ", 6) == 0 || strncmp(v, "Basic ", 6) == 0) {
        v += v[0] == 'B' || v[0] == 'b' ? (v[1] == 'e' ? 7 : 6) : 6;
    }
    return v[0] == '$' || v[0] == '%' || strncmp(v, "{env:", 5) == 0 || strncmp(v, "{{", 2) == 0 ||
           strncmp(v, "{file:", 6) == 0 || strstr(v, "${") != NULL || v[0] == '<' ||
           strncmp(v, "env:", 4) == 0 || strncmp(v, "op://", 5) == 0;
}

/* Distinct characters as a cheap stand-in for entropy: generated keys use many. */
static bool varied(const char *s, size_t n)
{
    bool seen[256] = { false };
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        distinct += !seen[c];
        seen[c] = true;
    }
    return distinct >= 10 && (n <= 40 ? distinct * 10 >= n * 4 : distinct >= 16);
}

static bool secret_name(const char *name)
{
    if (name == NULL) {
        return false;
    }
    return icontains(name, "key") || icontains(name, "token") || icontains(name, "secret") ||
           icontains(name, "password") || icontains(name, "passwd") || icontains(name, "pat") ||
           icontains(name, "auth") || icontains(name, "credential") || icontains(name, "cookie");
}

/* A literal that looks generated: long, no spaces, entropy, letters and digits. */
static bool high_entropy(const char *v)
{
    size_t n = strlen(v);
    if (n < 16 || n > 4096) {
        return false;
    }
    bool digit = false, alpha = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == ' ' || c == '/' || c == '\\') {
            return false; /* prose and paths are not keys */
        }
        digit = digit || isdigit(c);
        alpha = alpha || isalpha(c);
    }
    return digit && alpha && varied(v, n) && !cu_secret_is_placeholder(v, n);
}

static bool not_secret_value(const char *v)
{
    /* booleans, numbers, URLs without credentials, paths, file names */
    return strcasecmp(v, "true") == 0 || strcasecmp(v, "false") == 0 ||
           strncmp(v, "http://", 7) == 0 || strncmp(v, "https://", 8) == 0 || v[0] == '/' ||
           v[0] == '.' || v[0] == '~';
}

void cu_agent_check_secret(const struct cu_agent_doc *d,
                           uint32_t line,
                           const char *rule,
                           const char *where,
                           const char *name,
                           const char *value)
{
    if (value == NULL || value[0] == '\0') {
        return;
    }
    struct cu_secret_hit hits[8];
    size_t n = cu_secrets_find(value, strlen(value), hits, 8);
    for (size_t i = 0; i < n && i < 8; i++) {
        char *r = cu_secret_redact(value + hits[i].off, hits[i].len);
        cu_emit_line(d->ctx, d->src, line, rule, CU_SEV_DEFAULT, r,
                     "%s: %s%s%s written in the configuration", where, hits[i].kind,
                     name != NULL ? " in " : "", name != NULL ? name : "");
        free(r);
    }
    if (n > 0 || !secret_name(name) || cu_agent_is_reference(value)) {
        return;
    }
    const char *v = value;
    if (strncmp(v, "Bearer ", 7) == 0 || strncmp(v, "bearer ", 7) == 0) {
        v += 7;
    } else if (strncmp(v, "Basic ", 6) == 0 || strncmp(v, "Token ", 6) == 0) {
        v += 6;
    }
    if (!not_secret_value(v) && high_entropy(v)) {
        char *r = cu_secret_redact(v, strlen(v));
        cu_emit_line(d->ctx, d->src, line, rule, CU_SEV_DEFAULT, r,
                     "%s: literal high-entropy value of %s", where, name);
        free(r);
    }
}

/* Redacts secrets and values of secret-named assignments in a command line / evidence. */
char *cu_agent_safe(const char *s)
{
    if (s == NULL) {
        return NULL;
    }
    size_t len = strlen(s);
    struct cu_secret_hit hits[32];
    size_t n = cu_secrets_find(s, len, hits, 32);
    if (n > 32) {
        n = 32;
    }
    struct cu_buf b = CU_BUF_INIT(1u << 16);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (hits[i].off < at) {
            continue;
        }
        cu_buf_add(&b, s + at, hits[i].off - at);
        char *r = cu_secret_redact(s + hits[i].off, hits[i].len);
        cu_buf_adds(&b, r != NULL ? r : "[redacted]");
        free(r);
        at = hits[i].off + hits[i].len;
    }
    cu_buf_adds(&b, s + at);
    /* NAME=value and "Bearer value" with a secret-like name */
    char *out = cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    if (out == NULL) {
        return NULL;
    }
    for (char *p = out; *p; p++) {
        bool bearer = strncmp(p, "Bearer ", 7) == 0;
        if (*p != '=' && *p != ':' && !bearer) {
            continue;
        }
        char *v = bearer ? p + 7 : p + 1;
        char *e = v;
        while (*e && *e != ' ' && *e != '"' && *e != '\'' && *e != '&' && *e != ';') {
            e++;
        }
        char save = *e;
        *e = '\0';
        char *k = p;
        while (k > out && (isalnum((unsigned char)k[-1]) || k[-1] == '_' || k[-1] == '-')) {
            k--;
        }
        char name[64];
        size_t kn = (size_t)(p - k) < sizeof(name) - 1 ? (size_t)(p - k) : sizeof(name) - 1;
        memcpy(name, k, kn);
        name[kn] = '\0';
        bool redact = (bearer || secret_name(name)) && !cu_agent_is_reference(v) &&
                      high_entropy(v) && strstr(v, "\xe2\x80\xa6sha256:") == NULL;
        *e = save;
        if (redact) {
            size_t vn = (size_t)(e - v);
            for (size_t i = 4; i < vn; i++) {
                v[i] = '*';
            }
        }
        p = e - 1 < p ? p : e - 1;
        if (*p == '\0') {
            break;
        }
    }
    return out;
}

bool cu_agent_download_exec(const char *c)
{
    if (c == NULL) {
        return false;
    }
    bool dl = icontains(c, "curl") || icontains(c, "wget") || icontains(c, "invoke-webrequest") ||
              icontains(c, "iwr ") || icontains(c, "downloadstring") || icontains(c, "irm ") ||
              icontains(c, "invoke-restmethod") || icontains(c, "fetch(");
    bool run = icontains(c, "| sh") || icontains(c, "|sh") || icontains(c, "| bash") ||
               icontains(c, "|bash") || icontains(c, "| zsh") || icontains(c, "| python") ||
               icontains(c, "| iex") || icontains(c, "|iex") || icontains(c, "invoke-expression") ||
               icontains(c, "| node") || icontains(c, "sh -c \"$(") ||
               icontains(c, "bash -c \"$(") || icontains(c, "<(curl") || icontains(c, "<(wget") ||
               icontains(c, "| sudo");
    return (dl && run) || icontains(c, "base64 -d |") || icontains(c, "base64 --decode |");
}

bool cu_agent_network(const char *c)
{
    if (c == NULL) {
        return false;
    }
    return icontains(c, "curl ") || icontains(c, "wget ") || icontains(c, "invoke-webrequest") ||
           icontains(c, "iwr ") || icontains(c, "http://") || icontains(c, "https://") ||
           icontains(c, "nc ") || icontains(c, "ncat ") || icontains(c, "/dev/tcp/") ||
           icontains(c, "scp ") || icontains(c, "ssh ");
}

/* ---- server entries ---- */

struct argv {
    char *v[MAX_ARGV];
    size_t n;
};

static void argv_free(struct argv *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i]);
    }
    a->n = 0;
}

static void argv_push(struct argv *a, const char *s, size_t n)
{
    if (a->n < MAX_ARGV) {
        char *c = cu_strndup(s, n);
        if (c != NULL) {
            a->v[a->n++] = c;
        }
    }
}

/* Splits a command string on blanks (quotes kept together, not unescaped further). */
static void argv_split(struct argv *a, const char *s)
{
    while (*s) {
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (!*s) {
            break;
        }
        const char *b = s;
        char q = 0;
        while (*s && (q || (*s != ' ' && *s != '\t'))) {
            if ((*s == '"' || *s == '\'') && (q == 0 || q == *s)) {
                if (q != '\0') {
                    q = '\0';
                } else {
                    q = *s;
                }
            }
            s++;
        }
        if ((*b == '"' || *b == '\'') && s - b >= 2 && s[-1] == *b) {
            argv_push(a, b + 1, (size_t)(s - b - 2));
        } else {
            argv_push(a, b, (size_t)(s - b));
        }
    }
}

static char *argv_join(const struct argv *a, size_t from)
{
    struct cu_buf b = CU_BUF_INIT(1u << 16);
    for (size_t i = from; i < a->n; i++) {
        if (i > from) {
            cu_buf_addc(&b, ' ');
        }
        cu_buf_adds(&b, a->v[i]);
    }
    char *s = cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    return s;
}

/* Basename without directories, lowercased, without .exe/.cmd/.bat. */
static void launcher(const char *cmd, char out[64])
{
    const char *b = cmd;
    for (const char *p = cmd; *p; p++) {
        if (*p == '/' || *p == '\\') {
            b = p + 1;
        }
    }
    size_t n = 0;
    for (; b[n] && n < 63; n++) {
        out[n] = (char)tolower((unsigned char)b[n]);
    }
    out[n] = '\0';
    if (n > 4 &&
        (cu_has_suffix(out, ".exe") || cu_has_suffix(out, ".cmd") || cu_has_suffix(out, ".bat"))) {
        out[n - 4] = '\0';
    }
}

struct srvctx {
    const struct cu_agent_doc *d;
    const char *name;
    const char *ptr;
    uint32_t line;
    /* what is learnt for the component */
    char *pkg;
    char *version;
    enum cu_eco eco;
    bool has_eco;
    char *image;
};

static void emit(struct srvctx *s, const char *rule, int sev, const char *ev, const char *fmt, ...)
    CUSTODY_PRINTF(5, 6);

static void emit(struct srvctx *s, const char *rule, int sev, const char *ev, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = cu_vasprintf(fmt, ap);
    va_end(ap);
    char *safe = cu_agent_safe(ev);
    char *safemsg = cu_agent_safe(msg);
    cu_emit_line(s->d->ctx, s->d->src, s->line, rule, sev, safe, "server '%s': %s", s->name,
                 safemsg != NULL ? safemsg : "(out of memory)");
    free(msg);
    free(safe);
    free(safemsg);
}

static bool is_exact_version(const char *v)
{
    if (v == NULL || v[0] == '\0' || strcasecmp(v, "latest") == 0 || strcasecmp(v, "next") == 0) {
        return false;
    }
    if (!isdigit((unsigned char)v[0]) && !(v[0] == 'v' && isdigit((unsigned char)v[1]))) {
        return false;
    }
    for (const char *p = v; *p; p++) {
        if (*p == '^' || *p == '~' || *p == '*' || *p == '>' || *p == '<' || *p == ' ' ||
            *p == '|' || *p == 'x') {
            return false;
        }
    }
    return true;
}

/* Known malicious / vulnerable packages (cited in rules_mcp.c). */
static int cmp_ver(const char *a, const char *b)
{
    while (*a || *b) {
        while (*a && !isdigit((unsigned char)*a)) {
            a++;
        }
        while (*b && !isdigit((unsigned char)*b)) {
            b++;
        }
        unsigned long x = strtoul(a, (char **)&a, 10);
        unsigned long y = strtoul(b, (char **)&b, 10);
        if (x != y) {
            return x < y ? -1 : 1;
        }
        if (!*a || !*b) {
            break;
        }
    }
    return 0;
}

static void check_package(struct srvctx *s, enum cu_eco eco, const char *pkg, const char *ver)
{
    if (eco == CU_ECO_NPM && strcmp(pkg, "postmark-mcp") == 0 &&
        (ver == NULL || cmp_ver(ver, "1.0.16") >= 0)) {
        emit(s, "mcp/known-malicious", CU_SEV_DEFAULT, pkg,
             "package %s is known malicious (1.0.16+ copied every e-mail to its author)", pkg);
    }
    if (eco == CU_ECO_NPM && ver != NULL && strcmp(pkg, "mcp-remote") == 0 &&
        cmp_ver(ver, "0.0.5") >= 0 && cmp_ver(ver, "0.1.16") < 0) {
        emit(s, "mcp/known-vulnerable", CU_SEV_DEFAULT, ver,
             "mcp-remote %s: OS command injection from a malicious server (CVE-2025-6514)", ver);
    }
    if (eco == CU_ECO_NPM && ver != NULL && strcmp(pkg, "@modelcontextprotocol/inspector") == 0 &&
        cmp_ver(ver, "0.14.1") < 0) {
        emit(s, "mcp/known-vulnerable", CU_SEV_DEFAULT, ver,
             "MCP Inspector %s: unauthenticated remote code execution (CVE-2025-49596)", ver);
    }
    const char *target = NULL;
    if (cu_typosquat_check(eco, pkg, &target) && target != NULL) {
        emit(s, "mcp/typosquat", CU_SEV_DEFAULT, pkg, "package name imitates '%s'", target);
    }
}

static bool git_unpinned(const char *spec);

/* A runner's package spec that is a URL (git, tarball): graded by whether it names a commit. */
static void remote_fetch(struct srvctx *s, const char *spec)
{
    bool unpinned = git_unpinned(spec);
    emit(s, "mcp/remote-fetch", unpinned ? CUSTODY_SEV_HIGH : CU_SEV_DEFAULT, spec,
         "package fetched from %s%s", spec,
         unpinned ? " at whatever its branch holds at each start" : "");
}

static bool is_opt(const char *a)
{
    return a[0] == '-';
}

/* npx/bunx/pnpm dlx/yarn dlx/npm exec: package spec after options. */
static void npm_runner(struct srvctx *s, const struct argv *a, size_t i, bool *yes)
{
    const char *spec = NULL;
    for (; i < a->n; i++) {
        const char *x = a->v[i];
        if (strcmp(x, "-y") == 0 || strcmp(x, "--yes") == 0) {
            *yes = true;
            continue;
        }
        if ((strcmp(x, "-p") == 0 || strcmp(x, "--package") == 0) && i + 1 < a->n) {
            spec = a->v[++i];
            continue;
        }
        if (strncmp(x, "--package=", 10) == 0) {
            spec = x + 10;
            continue;
        }
        if (strcmp(x, "--") == 0) {
            continue;
        }
        if (is_opt(x)) {
            continue;
        }
        if (spec == NULL) {
            spec = x;
        }
        break;
    }
    if (spec == NULL) {
        return;
    }
    if (strstr(spec, "://") != NULL || strncmp(spec, "github:", 7) == 0 ||
        strncmp(spec, "git+", 4) == 0 || cu_has_suffix(spec, ".tgz")) {
        remote_fetch(s, spec);
        return;
    }
    if (spec[0] == '.' || spec[0] == '/') {
        return; /* local path */
    }
    const char *at = strchr(spec[0] == '@' ? spec + 1 : spec, '@');
    free(s->pkg);
    free(s->version);
    s->pkg = at != NULL ? cu_strndup(spec, (size_t)(at - spec)) : cu_strdup(spec);
    s->version = at != NULL && is_exact_version(at + 1) ? cu_strdup(at + 1) : NULL;
    s->eco = CU_ECO_NPM;
    s->has_eco = s->pkg != NULL;
    if (s->pkg == NULL) {
        return;
    }
    if (s->version == NULL) {
        emit(s, "mcp/unpinned-server", CU_SEV_DEFAULT, spec,
             *yes ? "npm package %s has no exact version and npx -y installs whatever the "
                    "registry serves at every start"
                  : "npm package %s has no exact version",
             spec);
    }
    check_package(s, CU_ECO_NPM, s->pkg, s->version);
}

/* uvx / pipx run / uv tool run. */
static void py_runner(struct srvctx *s, const struct argv *a, size_t i)
{
    const char *spec = NULL;
    for (; i < a->n; i++) {
        const char *x = a->v[i];
        if ((strcmp(x, "--from") == 0 || strcmp(x, "--spec") == 0) && i + 1 < a->n) {
            spec = a->v[++i];
            continue;
        }
        if ((strcmp(x, "--with") == 0 || strcmp(x, "--python") == 0 || strcmp(x, "-p") == 0 ||
             strcmp(x, "--index-url") == 0 || strcmp(x, "--directory") == 0) &&
            i + 1 < a->n) {
            i++;
            continue;
        }
        if (is_opt(x)) {
            continue;
        }
        if (spec == NULL) {
            spec = x;
        }
        break;
    }
    if (spec == NULL) {
        return;
    }
    if (strstr(spec, "://") != NULL) {
        bool pinned = strstr(spec, "git+") != NULL && strrchr(spec, '@') > strstr(spec, "://");
        remote_fetch(s, spec);
        if (!pinned) {
            emit(s, "mcp/unpinned-server", CU_SEV_DEFAULT, spec, "%s is not pinned to a commit",
                 spec);
        }
        return;
    }
    if (spec[0] == '.' || spec[0] == '/') {
        return;
    }
    const char *eq = strstr(spec, "==");
    const char *at = strchr(spec, '@');
    const char *cut = eq != NULL ? eq : at;
    size_t nl = cut != NULL ? (size_t)(cut - spec) : strlen(spec);
    while (nl > 0 && spec[nl - 1] == ' ') {
        nl--;
    }
    /* extras: name[extra] */
    const char *br = memchr(spec, '[', nl);
    if (br != NULL) {
        nl = (size_t)(br - spec);
    }
    free(s->pkg);
    free(s->version);
    s->pkg = cu_strndup(spec, nl);
    const char *v = eq != NULL ? eq + 2 : (at != NULL ? at + 1 : NULL);
    s->version = v != NULL && is_exact_version(v) ? cu_strdup(v) : NULL;
    s->eco = CU_ECO_PYPI;
    s->has_eco = s->pkg != NULL;
    if (s->pkg == NULL) {
        return;
    }
    if (s->version == NULL) {
        emit(s, "mcp/unpinned-server", CU_SEV_DEFAULT, spec,
             "PyPI package %s has no exact version (==)", spec);
    }
    check_package(s, CU_ECO_PYPI, s->pkg, s->version);
}

static bool takes_value(const char *o)
{
    static const char *const with[] = {
        "-e",           "--env",      "-v",           "--volume",  "--name",
        "--network",    "--net",      "-p",           "--publish", "--env-file",
        "--mount",      "-w",         "--workdir",    "-u",        "--user",
        "--entrypoint", "--platform", "-l",           "--label",   "--cap-add",
        "--cap-drop",   "--pid",      "--ipc",        "--device",  "--security-opt",
        "--add-host",   "--memory",   "-m",           "--cpus",    "--pull",
        "--tmpfs",      "--userns",   "--hostname",   "-h",        "--runtime",
        "--gpus",       "--ulimit",   "--log-driver", "--restart"
    };
    if (strchr(o, '=') != NULL) {
        return false;
    }
    for (size_t i = 0; i < sizeof(with) / sizeof(with[0]); i++) {
        if (strcmp(o, with[i]) == 0) {
            return true;
        }
    }
    return false;
}

static const char *opt_value(const struct argv *a, size_t *i, const char *opt)
{
    const char *x = a->v[*i];
    if (x == NULL) {
        return NULL;
    }
    size_t l = strlen(opt);
    if (strcmp(x, opt) == 0 && *i + 1 < a->n) {
        return a->v[++*i];
    }
    if (strncmp(x, opt, l) == 0 && x[l] == '=') {
        return x + l + 1;
    }
    return NULL;
}

static void docker_runner(struct srvctx *s, const struct argv *a, size_t i)
{
    /* find "run" */
    while (i < a->n && strcmp(a->v[i], "run") != 0) {
        if (!is_opt(a->v[i]) && strcmp(a->v[i], "container") != 0) {
            return; /* another subcommand (docker mcp gateway run, exec, ...) */
        }
        i++;
    }
    if (i >= a->n) {
        return;
    }
    for (i++; i < a->n; i++) {
        const char *x = a->v[i];
        const char *v;
        if (!is_opt(x)) {
            free(s->image);
            s->image = cu_strdup(x);
            bool digest = strstr(x, "@sha256:") != NULL;
            const char *slash = strrchr(x, '/');
            const char *colon = strchr(slash != NULL ? slash : x, ':');
            if (!digest && (colon == NULL || strcmp(colon, ":latest") == 0)) {
                emit(s, "mcp/unpinned-server", CU_SEV_DEFAULT, x,
                     "container image %s has no digest or version tag", x);
            }
            return;
        }
        if (strcmp(x, "--privileged") == 0) {
            emit(s, "mcp/docker-privileged", CU_SEV_DEFAULT, x, "%s container", "privileged");
        } else if ((v = opt_value(a, &i, "--cap-add")) != NULL) {
            if (strcasecmp(v, "ALL") == 0 || strcasecmp(v, "SYS_ADMIN") == 0 ||
                strcasecmp(v, "SYS_PTRACE") == 0 || strcasecmp(v, "CAP_SYS_ADMIN") == 0 ||
                strcasecmp(v, "NET_ADMIN") == 0 || strcasecmp(v, "SYS_MODULE") == 0) {
                emit(s, "mcp/docker-privileged", CU_SEV_DEFAULT, v, "capability %s added", v);
            }
        } else if ((v = opt_value(a, &i, "-v")) != NULL ||
                   (v = opt_value(a, &i, "--volume")) != NULL ||
                   (v = opt_value(a, &i, "--mount")) != NULL) {
            if (strstr(v, "docker.sock") != NULL) {
                emit(s, "mcp/docker-privileged", CU_SEV_DEFAULT, v,
                     "Docker socket mounted (%s): control of the host", v);
            } else if (strncmp(v, "/:", 2) == 0 || strstr(v, "source=/,") != NULL ||
                       strstr(v, "src=/,") != NULL || strncmp(v, "~:", 2) == 0 ||
                       strncmp(v, "$HOME:", 6) == 0 || strncmp(v, "/etc:", 5) == 0 ||
                       strncmp(v, "/root:", 6) == 0 || strncmp(v, "/home:", 6) == 0 ||
                       strncmp(v, "/Users:", 7) == 0 || strncmp(v, "C:\\:", 4) == 0) {
                emit(s, "mcp/docker-privileged", CU_SEV_DEFAULT, v,
                     "host directory %s mounted into the container", v);
            }
        } else if ((v = opt_value(a, &i, "--network")) != NULL ||
                   (v = opt_value(a, &i, "--net")) != NULL) {
            if (strcmp(v, "host") == 0) {
                emit(s, "mcp/docker-privileged", CUSTODY_SEV_MEDIUM, v,
                     "container shares the %s network namespace", v);
            }
        } else if ((v = opt_value(a, &i, "--pid")) != NULL) {
            if (strcmp(v, "host") == 0) {
                emit(s, "mcp/docker-privileged", CU_SEV_DEFAULT, v,
                     "container shares the %s PID namespace", v);
            }
        } else if ((v = opt_value(a, &i, "-e")) != NULL ||
                   (v = opt_value(a, &i, "--env")) != NULL) {
            const char *eq = strchr(v, '=');
            if (eq != NULL) {
                char nm[128];
                size_t nl = (size_t)(eq - v) < sizeof(nm) - 1 ? (size_t)(eq - v) : sizeof(nm) - 1;
                memcpy(nm, v, nl);
                nm[nl] = '\0';
                cu_agent_check_secret(s->d, s->line, "mcp/plaintext-secret", s->name, nm, eq + 1);
            }
        } else if ((v = opt_value(a, &i, "--env-file")) != NULL) {
            if (v[0] == '~' || strncmp(v, "$HOME", 5) == 0 || strncmp(v, "/home/", 6) == 0 ||
                strncmp(v, "/Users/", 7) == 0 || strncmp(v, "/root", 5) == 0) {
                emit(s, "mcp/env-passthrough", CUSTODY_SEV_LOW, v,
                     "environment file %s from the home directory passed to the container", v);
            }
        } else if (strcmp(x, "--env-host") == 0) {
            emit(s, "mcp/env-passthrough", CU_SEV_DEFAULT, x,
                 "%s forwards every variable of the client", x);
        } else if (takes_value(x) && i + 1 < a->n) {
            i++;
        }
    }
}

static bool broad_root(const char *p)
{
    static const char *const roots[] = {
        "/",  "~",     "~/",     "$HOME", "${HOME}", "%USERPROFILE%", "C:\\", "C:/",
        "C:", "/home", "/Users", "/root", "/etc",    "${userHome}",   "\\"
    };
    for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
        if (strcasecmp(p, roots[i]) == 0) {
            return true;
        }
    }
    /* /home/<user> and /Users/<user> without a subdirectory */
    const char *h =
        strncmp(p, "/home/", 6) == 0 ? p + 6 : (strncmp(p, "/Users/", 7) == 0 ? p + 7 : NULL);
    if (h != NULL && *h) {
        const char *sl = strchr(h, '/');
        return sl == NULL || sl[1] == '\0';
    }
    return false;
}

static bool is_shell(const char *l)
{
    return strcmp(l, "sh") == 0 || strcmp(l, "bash") == 0 || strcmp(l, "zsh") == 0 ||
           strcmp(l, "dash") == 0 || strcmp(l, "ksh") == 0 || strcmp(l, "fish") == 0 ||
           strcmp(l, "powershell") == 0 || strcmp(l, "pwsh") == 0 || strcmp(l, "cmd") == 0;
}

static bool shell_ops(const char *s)
{
    return strpbrk(s, "|&;><`") != NULL || strstr(s, "$(") != NULL;
}

static bool bind_all(const char *x)
{
    return strcmp(x, "0.0.0.0") == 0 || strstr(x, "=0.0.0.0") != NULL ||
           strstr(x, "//0.0.0.0") != NULL || strcmp(x, "::") == 0 || strcmp(x, "[::]") == 0 ||
           strstr(x, "=::") != NULL;
}

/* "Authorization: ..." / "X-Api-Key: ..." as one argument */
static bool header_arg(const char *x, const char **colon)
{
    const char *c = strchr(x, ':');
    if (c == NULL || c == x || strstr(x, "://") != NULL) {
        return false;
    }
    for (const char *p = x; p < c; p++) {
        if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_')) {
            return false;
        }
    }
    *colon = c;
    char nm[64];
    size_t n = (size_t)(c - x) < sizeof(nm) - 1 ? (size_t)(c - x) : sizeof(nm) - 1;
    memcpy(nm, x, n);
    nm[n] = '\0';
    return strcasecmp(nm, "authorization") == 0 || secret_name(nm);
}

/* What an inline script does, judged as the skills' scripts are (skillcheck.h), under the
 * mcp/ rule family: fetch-and-run, credential reads, exfiltration endpoints, persistence. */
static void judge_inline(struct srvctx *s, const char *lang, const char *code)
{
    sk_judge_command(s->d->ctx, s->d->src, s->line, "mcp", lang, code);
}

/* Interpreters given code on the command line: node -e, python -c, perl -e, ... The language
 * of the code, or NULL. */
static const char *inline_lang(const char *l, const char *flag)
{
    bool py = strncmp(l, "python", 6) == 0 || strcmp(l, "py") == 0 || strcmp(l, "pypy3") == 0;
    if (py && strcmp(flag, "-c") == 0) {
        return "python";
    }
    if ((strcmp(l, "node") == 0 || strcmp(l, "nodejs") == 0 || strcmp(l, "bun") == 0) &&
        (strcmp(flag, "-e") == 0 || strcmp(flag, "--eval") == 0 || strcmp(flag, "-p") == 0 ||
         strcmp(flag, "--print") == 0)) {
        return "js";
    }
    if (strcmp(l, "deno") == 0 && strcmp(flag, "eval") == 0) {
        return "js";
    }
    if (((strcmp(l, "perl") == 0 || strcmp(l, "ruby") == 0) &&
         (strcmp(flag, "-e") == 0 || strcmp(flag, "-E") == 0)) ||
        (strcmp(l, "php") == 0 && strcmp(flag, "-r") == 0) ||
        (strcmp(l, "osascript") == 0 && strcmp(flag, "-e") == 0)) {
        return "other";
    }
    return NULL;
}

static void check_argv(struct srvctx *s, struct argv *a)
{
    size_t i = 0;
    char l[64];
    if (a->n == 0) {
        return;
    }
    launcher(a->v[0], l);
    /* cmd /c <program ...>: Windows wrapper documented by every client */
    if (strcmp(l, "cmd") == 0) {
        size_t k = 1;
        while (k < a->n && (strcasecmp(a->v[k], "/c") == 0 || strcasecmp(a->v[k], "/s") == 0 ||
                            strcasecmp(a->v[k], "/q") == 0 || strcasecmp(a->v[k], "/d") == 0 ||
                            strcasecmp(a->v[k], "/k") == 0)) {
            k++;
        }
        char *rest = argv_join(a, k);
        bool script = rest != NULL && (shell_ops(rest) || (k + 1 == a->n && strchr(rest, ' ')));
        if (script) {
            emit(s, "mcp/inline-shell", CU_SEV_DEFAULT, rest, "runs a cmd script: %s",
                 "see evidence");
        }
        if (rest != NULL && cu_agent_download_exec(rest)) {
            emit(s, "mcp/remote-fetch", CUSTODY_SEV_HIGH, rest, "%s",
                 "downloads code and runs it at every start");
        }
        free(rest);
        if (k >= a->n || script) {
            return;
        }
        i = k;
        launcher(a->v[i], l);
    } else if (is_shell(l)) {
        size_t k = 1;
        bool c = false;
        for (; k < a->n; k++) {
            if (strcmp(a->v[k], "-c") == 0 || strcmp(a->v[k], "-lc") == 0 ||
                strcmp(a->v[k], "-ic") == 0 || strcasecmp(a->v[k], "-command") == 0 ||
                strcasecmp(a->v[k], "-encodedcommand") == 0 || strcasecmp(a->v[k], "-enc") == 0 ||
                strcasecmp(a->v[k], "-e") == 0) {
                c = true;
                k++;
                break;
            }
            if (!is_opt(a->v[k])) {
                break;
            }
        }
        if (!c) {
            return; /* sh script.sh: a local script */
        }
        char *rest = argv_join(a, k);
        if (rest != NULL) {
            if (cu_agent_download_exec(rest)) {
                emit(s, "mcp/remote-fetch", CUSTODY_SEV_HIGH, rest, "%s",
                     "downloads code and runs it at every start");
            }
            bool encoded = strcasecmp(a->v[k - 1], "-encodedcommand") == 0 ||
                           strcasecmp(a->v[k - 1], "-enc") == 0 ||
                           (strstr(rest, "base64") != NULL &&
                            (strstr(rest, " -d") != NULL || strstr(rest, " -D") != NULL ||
                             strstr(rest, "--decode") != NULL)) ||
                           strstr(rest, "FromBase64String") != NULL ||
                           strstr(rest, "frombase64string") != NULL ||
                           strstr(rest, "b64decode") != NULL;
            if (encoded) {
                emit(s, "mcp/inline-shell", CUSTODY_SEV_CRITICAL, rest,
                     "started through %s with a base64-encoded command: what runs is hidden "
                     "from review",
                     l);
            } else {
                emit(s, "mcp/inline-shell", CU_SEV_DEFAULT, rest,
                     "started through %s with a script", l);
            }
            judge_inline(s, "shell", rest);
            for (size_t q = k; q < a->n; q++) {
                if (strstr(a->v[q], "dangerously-skip-permissions") != NULL ||
                    strstr(a->v[q], "--yolo") != NULL) {
                    emit(s, "mcp/auto-approve", CUSTODY_SEV_HIGH, a->v[q], "%s",
                         "runs an agent with its permission checks off");
                }
            }
        }
        free(rest);
        return;
    }
    /* node -e CODE, python -c CODE, ...: a script in the configuration */
    for (size_t k = i + 1; k + 1 < a->n; k++) {
        const char *lang = inline_lang(l, a->v[k]);
        if (lang != NULL) {
            emit(s, "mcp/inline-shell", CU_SEV_DEFAULT, a->v[k + 1],
                 "started through %s with inline code", l);
            judge_inline(s, lang, a->v[k + 1]);
            return;
        }
        if (!is_opt(a->v[k])) {
            break; /* a script file: its own arguments follow */
        }
    }
    /* curl/wget as the command */
    if (strcmp(l, "curl") == 0 || strcmp(l, "wget") == 0) {
        char *all = argv_join(a, i);
        emit(s, "mcp/remote-fetch", CU_SEV_DEFAULT, all, "command is %s", l);
        free(all);
    }
    bool yes = false;
    if (strcmp(l, "npx") == 0 || strcmp(l, "bunx") == 0) {
        npm_runner(s, a, i + 1, &yes);
    } else if (i + 1 < a->n && (((strcmp(l, "pnpm") == 0 || strcmp(l, "yarn") == 0) &&
                                 strcmp(a->v[i + 1], "dlx") == 0) ||
                                (strcmp(l, "npm") == 0 && strcmp(a->v[i + 1], "exec") == 0) ||
                                (strcmp(l, "bun") == 0 && strcmp(a->v[i + 1], "x") == 0))) {
        npm_runner(s, a, i + 2, &yes); /* pnpm dlx, yarn dlx, npm exec, bun x */
    } else if (strcmp(l, "uvx") == 0) {
        py_runner(s, a, i + 1);
    } else if ((strcmp(l, "pipx") == 0 && i + 1 < a->n && strcmp(a->v[i + 1], "run") == 0) ||
               (strcmp(l, "uv") == 0 && i + 2 < a->n && strcmp(a->v[i + 1], "tool") == 0 &&
                strcmp(a->v[i + 2], "run") == 0)) {
        py_runner(s, a, i + (strcmp(l, "uv") == 0 ? 3 : 2));
    } else if (strcmp(l, "docker") == 0 || strcmp(l, "podman") == 0) {
        docker_runner(s, a, i + 1);
    } else if (strcmp(l, "deno") == 0) {
        for (size_t k = i + 1; k < a->n; k++) {
            if (strncmp(a->v[k], "https://", 8) == 0 || strncmp(a->v[k], "http://", 7) == 0) {
                emit(s, "mcp/remote-fetch", CU_SEV_DEFAULT, a->v[k], "deno runs %s", a->v[k]);
            }
        }
    }
    /* filesystem server roots, bind addresses, permission bypass, secrets in args */
    /* the filesystem server by package, or started from its installed script */
    bool fs = s->pkg != NULL && strstr(s->pkg, "filesystem") != NULL;
    for (size_t k = i; k < a->n && !fs; k++) {
        fs = strstr(a->v[k], "server-filesystem") != NULL;
    }
    bool proxy =
        s->pkg != NULL && (strcmp(s->pkg, "mcp-remote") == 0 ||
                           strcmp(s->pkg, "supergateway") == 0 || strcmp(s->pkg, "mcp-proxy") == 0);
    const char *colon = NULL;
    for (size_t k = i + 1; k < a->n; k++) {
        const char *x = a->v[k];
        if (fs && broad_root(x)) {
            emit(s, "mcp/broad-filesystem", CU_SEV_DEFAULT, x, "filesystem server given %s", x);
        }
        if (bind_all(x) && k > i) {
            const char *prev = a->v[k - 1];
            if (strchr(x, '=') != NULL || strcmp(prev, "--host") == 0 ||
                strcmp(prev, "--bind") == 0 || strcmp(prev, "-H") == 0 ||
                strcmp(prev, "--listen") == 0 || strcmp(prev, "-b") == 0 ||
                strstr(x, "//") != NULL) {
                emit(s, "mcp/bind-all-interfaces", CU_SEV_DEFAULT, x, "listens on %s", x);
            }
        }
        if (strstr(x, "dangerously-skip-permissions") != NULL || strcmp(x, "--yolo") == 0 ||
            strstr(x, "dangerously-bypass-approvals") != NULL) {
            emit(s, "mcp/auto-approve", CUSTODY_SEV_HIGH, x, "%s disables approval", x);
        }
        /* --api-key=literal / --token literal */
        const char *eq = strchr(x, '=');
        if (x[0] == '-' && eq != NULL) {
            char nm[128];
            size_t nl = (size_t)(eq - x) < sizeof(nm) - 1 ? (size_t)(eq - x) : sizeof(nm) - 1;
            memcpy(nm, x, nl);
            nm[nl] = '\0';
            cu_agent_check_secret(s->d, s->line, "mcp/plaintext-secret", s->name, nm, eq + 1);
        } else if (x[0] == '-' && secret_name(x) && k + 1 < a->n && a->v[k + 1][0] != '-') {
            cu_agent_check_secret(s->d, s->line, "mcp/plaintext-secret", s->name, x, a->v[++k]);
        } else if (header_arg(x, &colon)) {
            /* mcp-remote / proxies: --header "Authorization: Bearer <token>" */
            char nm[128];
            size_t nl = (size_t)(colon - x) < sizeof(nm) - 1 ? (size_t)(colon - x) : sizeof(nm) - 1;
            memcpy(nm, x, nl);
            nm[nl] = '\0';
            const char *v = colon + 1;
            while (*v == ' ') {
                v++;
            }
            cu_agent_check_secret(s->d, s->line, "mcp/plaintext-secret", s->name, nm, v);
        } else {
            cu_agent_check_secret(s->d, s->line, "mcp/plaintext-secret", s->name, NULL, x);
        }
        /* a proxy (mcp-remote, supergateway, mcp-proxy) pointed at a plain-HTTP server */
        if (strncmp(x, "http://", 7) == 0 && !cu_agent_loopback(x) &&
            (proxy || cu_has_suffix(x, "/sse") || cu_has_suffix(x, "/mcp") ||
             strstr(x, "/sse?") != NULL || strstr(x, "/mcp/") != NULL)) {
            emit(s, "mcp/insecure-transport", CU_SEV_DEFAULT, x,
                 "remote server over plain HTTP: %s", x);
        }
    }
}

/* A git source (git+https://..., github:owner/repo) without a full commit hash after '@' or
 * '#': the code that runs is whatever the branch holds when the client starts. */
static bool git_unpinned(const char *spec)
{
    bool git = strncmp(spec, "git+", 4) == 0 || strncmp(spec, "github:", 7) == 0 ||
               strstr(spec, "github.com/") != NULL || strstr(spec, ".git") != NULL;
    if (!git) {
        return false;
    }
    const char *p = strrchr(spec, '@');
    const char *h = strrchr(spec, '#');
    const char *r = p != NULL && (h == NULL || p > h) ? p : h;
    const char *sch = strstr(spec, "://");
    if (r == NULL || (sch != NULL && r < sch)) {
        return true;
    }
    size_t n = 0;
    for (r++; (*r >= '0' && *r <= '9') || (*r >= 'a' && *r <= 'f'); r++) {
        n++;
    }
    return n < 40;
}

/* A tunnel or a raw public IP address as an MCP server host. */
static bool tunnel_or_ip(const char *url)
{
    static const char *const tun[] = {
        "ngrok.io",   "ngrok-free.app", "ngrok.app", "ngrok-free.dev", "trycloudflare.com",
        "serveo.net", "localhost.run",  "loca.lt",   "pinggy",         "localtunnel",
        NULL
    };
    const char *h = strstr(url, "://");
    h = h != NULL ? h + 3 : url;
    const char *e = h;
    while (*e != '\0' && *e != '/' && *e != '?' && *e != '#') {
        e++;
    }
    for (size_t i = 0; tun[i] != NULL; i++) {
        size_t tl = strlen(tun[i]);
        for (const char *q = h; q + tl <= e; q++) {
            if (strncasecmp(q, tun[i], tl) == 0) {
                return true;
            }
        }
    }
    bool ip = h < e;
    for (const char *q = h; q < e && *q != ':'; q++) {
        ip &= (*q >= '0' && *q <= '9') || *q == '.';
    }
    return ip && strncmp(h, "10.", 3) != 0 && strncmp(h, "192.168.", 8) != 0 &&
           strncmp(h, "127.", 4) != 0 && strncmp(h, "0.", 2) != 0;
}

const char *cu_agent_url_host(const char *url, size_t *n)
{
    const char *h = strstr(url, "://");
    h = h != NULL ? h + 3 : url;
    const char *at = strchr(h, '@');
    const char *sl = strchr(h, '/');
    if (at != NULL && (sl == NULL || at < sl)) {
        h = at + 1;
    }
    *n = h[0] == '[' ? strcspn(h, "]") + (h[strcspn(h, "]")] == ']') : strcspn(h, "/:?#");
    return h;
}

bool cu_agent_loopback(const char *url)
{
    size_t n;
    const char *h = cu_agent_url_host(url, &n);
    return (n == 9 && strncasecmp(h, "localhost", 9) == 0) ||
           (n > 4 && strncmp(h, "127.", 4) == 0) || (n == 5 && strncmp(h, "[::1]", 5) == 0) ||
           (n == 20 && strncasecmp(h, "host.docker.internal", 20) == 0);
}

static void check_url(struct srvctx *s, const char *url, bool auth_header)
{
    if (strncmp(url, "http://", 7) == 0) {
        if (strncmp(url + 7, "0.0.0.0", 7) == 0) {
            emit(s, "mcp/bind-all-interfaces", CU_SEV_DEFAULT, url, "URL %s", url);
        } else if (!cu_agent_loopback(url)) {
            bool tun = tunnel_or_ip(url);
            emit(s, "mcp/insecure-transport",
                 auth_header || tun ? CUSTODY_SEV_HIGH : CU_SEV_DEFAULT, url,
                 "remote server over plain HTTP%s: %s",
                 tun ? " on a tunnel or a raw IP address" : "", url);
        }
    } else if (tunnel_or_ip(url)) {
        emit(s, "mcp/insecure-transport", CU_SEV_DEFAULT, url,
             "remote server on a tunnel or a raw IP address: %s", url);
    }
    cu_agent_check_secret(s->d, s->line, "mcp/plaintext-secret", s->name, NULL, url);
    /* ?api_key=literal */
    const char *q = strchr(url, '?');
    while (q != NULL) {
        const char *k = q + 1;
        const char *eq = strchr(k, '=');
        if (eq == NULL) {
            break;
        }
        const char *end = strchr(eq, '&');
        char nm[128], val[1024];
        size_t nl = (size_t)(eq - k) < sizeof(nm) - 1 ? (size_t)(eq - k) : sizeof(nm) - 1;
        memcpy(nm, k, nl);
        nm[nl] = '\0';
        size_t vl = end != NULL ? (size_t)(end - eq - 1) : strlen(eq + 1);
        vl = vl < sizeof(val) - 1 ? vl : sizeof(val) - 1;
        memcpy(val, eq + 1, vl);
        val[vl] = '\0';
        if (secret_name(nm)) {
            cu_agent_check_secret(s->d, s->line, "mcp/plaintext-secret", s->name, nm, val);
        }
        q = end;
    }
}

static const char *str_of(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void
check_map_secrets(struct srvctx *s, const json_t *m, const char *key, bool *auth, bool env)
{
    const char *k;
    const json_t *v;
    char *mp = cu_jsonc_ptr(s->ptr, key);
    json_object_foreach((json_t *)m, k, v)
    {
        if (!json_is_string(v)) {
            continue;
        }
        char *p = mp != NULL ? cu_jsonc_ptr(mp, k) : NULL;
        uint32_t line = p != NULL ? cu_agent_line(s->d, p) : 0;
        struct srvctx t = *s;
        t.line = line != 0 ? line : s->line;
        const char *val = json_string_value(v);
        cu_agent_check_secret(s->d, t.line, "mcp/plaintext-secret", s->name, k, val);
        if (env) {
            char *who = cu_asprintf("server '%s'", s->name);
            cu_agent_env_redirect(s->d, t.line, who != NULL ? who : "server", k, val);
            free(who);
        }
        if (auth != NULL && (strcasecmp(k, "authorization") == 0 || secret_name(k))) {
            *auth = true;
        }
        if ((strcasecmp(k, "HOST") == 0 || strcasecmp(k, "BIND") == 0 ||
             cu_has_suffix_ci(k, "_HOST") || strcasecmp(k, "FASTMCP_HOST") == 0 ||
             strcasecmp(k, "MCP_HOST") == 0) &&
            (strcmp(val, "0.0.0.0") == 0 || strcmp(val, "::") == 0)) {
            emit(&t, "mcp/bind-all-interfaces", CU_SEV_DEFAULT, val, "environment binds %s", val);
        }
        free(p);
    }
    free(mp);
}

static void approvals(struct srvctx *s, const json_t *srv)
{
    static const char *const keys[] = { "autoApprove", "alwaysAllow", "auto_approve",
                                        "autoApproveTools", "alwaysAllowTools" };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const json_t *v = json_object_get(srv, keys[i]);
        if ((json_is_array(v) && json_array_size(v) > 0) || json_is_true(v) ||
            (json_is_string(v) && json_string_value(v)[0] != '\0')) {
            bool all = json_is_true(v) || json_is_string(v);
            size_t idx;
            const json_t *e;
            struct cu_buf names = CU_BUF_INIT(256);
            json_array_foreach(v, idx, e)
            {
                if (json_is_string(e)) {
                    all = all || strcmp(json_string_value(e), "*") == 0;
                    if (names.len > 0) {
                        cu_buf_addc(&names, ',');
                    }
                    cu_buf_adds(&names, json_string_value(e));
                }
            }
            char *p = cu_jsonc_ptr(s->ptr, keys[i]);
            struct srvctx t = *s;
            uint32_t ln = p != NULL ? cu_agent_line(s->d, p) : 0;
            t.line = ln != 0 ? ln : s->line;
            free(p);
            emit(&t, "mcp/auto-approve", all ? CUSTODY_SEV_HIGH : CU_SEV_DEFAULT,
                 cu_buf_str(&names), "%s: tool calls run without asking", keys[i]);
            cu_buf_free(&names);
        }
    }
    const json_t *trust = json_object_get(srv, "trust");
    if (json_is_true(trust)) {
        emit(s, "mcp/auto-approve", CU_SEV_DEFAULT, "\"trust\": true", "%s",
             "trust: true skips every tool confirmation");
    }
}

/* Package URL (purl spec): npm scope '@' encoded, PyPI names normalised (PEP 503). Kept
 * here so the agents family does not depend on the deps parsers. */
static char *make_purl(enum cu_eco eco, const char *name, const char *version)
{
    struct cu_buf b = CU_BUF_INIT(1024);
    cu_buf_adds(&b, eco == CU_ECO_NPM ? "pkg:npm/" : "pkg:pypi/");
    bool dash = false;
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (eco == CU_ECO_PYPI && (c == '-' || c == '_' || c == '.')) {
            dash = true;
            continue;
        }
        if (dash) {
            cu_buf_addc(&b, '-');
            dash = false;
        }
        if (c == '@') {
            cu_buf_adds(&b, "%40");
        } else if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/' || c == '~') {
            cu_buf_addc(&b, (char)(eco == CU_ECO_PYPI ? tolower(c) : c));
        } else {
            cu_buf_addf(&b, "%%%02X", c);
        }
    }
    if (version != NULL) {
        cu_buf_addc(&b, '@');
        for (const char *p = version; *p; p++) {
            unsigned char c = (unsigned char)*p;
            if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '+' || c == '~') {
                cu_buf_addc(&b, (char)c);
            } else {
                cu_buf_addf(&b, "%%%02X", c);
            }
        }
    }
    char *r = b.oom ? NULL : cu_strdup(cu_buf_str(&b));
    cu_buf_free(&b);
    return r;
}

void cu_mcp_server(const struct cu_agent_doc *d,
                   const char *name,
                   const json_t *srv,
                   const char *ptr)
{
    struct srvctx s = { 0 };
    s.d = d;
    s.name = name;
    s.ptr = ptr;
    s.line = cu_agent_line(d, ptr);
    if (!json_is_object(srv)) {
        cu_emit_line(d->ctx, d->src, s.line, "agent/unknown-config-shape", CU_SEV_DEFAULT, NULL,
                     "server '%s' is not an object", name);
        return;
    }
    struct argv a = { 0 };
    const json_t *cmd = json_object_get(srv, "command");
    if (cmd == NULL) {
        cmd = json_object_get(srv, "cmd"); /* Goose */
    }
    const json_t *args = json_object_get(srv, "args");
    /* Zed: "command": {"path": ..., "args": [...], "env": {...}} */
    const json_t *env = json_object_get(srv, "env");
    const char *env_key = "env";
    if (env == NULL && json_is_object(json_object_get(srv, "envs"))) {
        env = json_object_get(srv, "envs"); /* Goose */
        env_key = "envs";
    }
    if (json_is_object(cmd)) {
        args = json_object_get(cmd, "args");
        if (env == NULL) {
            env = json_object_get(cmd, "env");
        }
        cmd = json_object_get(cmd, "path");
    }
    if (json_is_string(cmd)) {
        const char *c = json_string_value(cmd);
        /* a command with blanks and no args: a command line (Continue, hand-written) */
        if (strchr(c, ' ') != NULL && (args == NULL || json_array_size(args) == 0)) {
            argv_split(&a, c);
        } else {
            argv_push(&a, c, strlen(c));
        }
    } else if (json_is_array(cmd)) { /* opencode: command is the whole argv */
        size_t i;
        const json_t *e;
        json_array_foreach(cmd, i, e)
        {
            if (json_is_string(e)) {
                argv_push(&a, json_string_value(e), strlen(json_string_value(e)));
            }
        }
    }
    /* Continue's old experimental form: {"transport": {"type","command","args"}} */
    const json_t *tr = json_object_get(srv, "transport");
    if (a.n == 0 && json_is_object(tr)) {
        const char *c = str_of(tr, "command");
        if (c != NULL) {
            argv_push(&a, c, strlen(c));
        }
        args = json_object_get(tr, "args");
        if (env == NULL) {
            env = json_object_get(tr, "env");
        }
    }
    if (json_is_array(args)) {
        size_t i;
        const json_t *e;
        json_array_foreach(args, i, e)
        {
            if (json_is_string(e)) {
                argv_push(&a, json_string_value(e), strlen(json_string_value(e)));
            }
        }
    }
    check_argv(&s, &a);

    if (env == NULL) {
        env = json_object_get(srv, "environment"); /* opencode */
    }
    if (json_is_object(env)) {
        check_map_secrets(&s, env,
                          json_object_get(srv, "environment") == env ? "environment" : env_key,
                          NULL, true);
    }
    bool auth = false;
    const json_t *headers = json_object_get(srv, "headers");
    if (json_is_object(headers)) {
        check_map_secrets(&s, headers, "headers", &auth, false);
    }
    headers = json_object_get(srv, "http_headers"); /* Codex */
    if (json_is_object(headers)) {
        check_map_secrets(&s, headers, "http_headers", &auth, false);
    }
    const char *bearer = str_of(srv, "bearer_token"); /* Codex, before bearer_token_env_var */
    if (bearer != NULL) {
        char *bp = cu_jsonc_ptr(ptr, "bearer_token");
        uint32_t bl = bp != NULL ? cu_agent_line(d, bp) : 0;
        free(bp);
        cu_agent_check_secret(d, bl != 0 ? bl : s.line, "mcp/plaintext-secret", name,
                              "bearer_token", bearer);
        auth = true;
    }
    const char *url = str_of(srv, "url");
    if (url == NULL) {
        url = str_of(srv, "serverUrl"); /* Windsurf */
    }
    if (url == NULL) {
        url = str_of(srv, "uri"); /* Goose */
    }
    if (url == NULL) {
        url = str_of(srv, "httpUrl"); /* Gemini */
    }
    if (url == NULL && json_is_object(tr)) {
        url = str_of(tr, "url");
    }
    if (url != NULL) {
        check_url(&s, url, auth);
    }
    const char *envfile = str_of(srv, "envFile");
    if (envfile != NULL &&
        (envfile[0] == '~' || strncmp(envfile, "${userHome}", 11) == 0 ||
         strncmp(envfile, "/home/", 6) == 0 || strncmp(envfile, "/Users/", 7) == 0)) {
        emit(&s, "mcp/env-passthrough", CUSTODY_SEV_LOW, envfile,
             "envFile %s from the home directory", envfile);
    }
    approvals(&s, srv);

    /* component */
    const char *type = str_of(srv, "type");
    if (type == NULL) {
        type = str_of(srv, "transport");
    }
    if (type == NULL && json_is_object(tr)) {
        type = str_of(tr, "type");
    }
    const char *transport = type != NULL ? type : (url != NULL ? "http" : "stdio");
    if (type != NULL && strcmp(type, "local") == 0) {
        transport = "stdio";
    } else if (type != NULL && strcmp(type, "remote") == 0) {
        transport = "http";
    }
    char *cmdline = a.n > 0 ? argv_join(&a, 0) : NULL;
    char *safe_cmd = cu_agent_safe(cmdline);
    char *safe_url = cu_agent_safe(url);
    custody_prop props[5];
    size_t np = 0;
    props[np++] = (custody_prop){ "transport", transport };
    if (safe_cmd != NULL) {
        props[np++] = (custody_prop){ "command", safe_cmd };
    }
    if (safe_url != NULL) {
        props[np++] = (custody_prop){ "url", safe_url };
    }
    if (s.pkg != NULL) {
        props[np++] = (custody_prop){ "package", s.pkg };
    }
    if (s.image != NULL) {
        props[np++] = (custody_prop){ "image", s.image };
    }
    char *purl = s.has_eco ? make_purl(s.eco, s.pkg, s.version) : NULL;
    struct cu_component_desc cd = { 0 };
    cd.kind = "mcp-server";
    cd.ecosystem = s.has_eco ? (s.eco == CU_ECO_NPM ? "npm" : "pypi") : NULL;
    cd.name = name;
    cd.version = s.version;
    cd.purl = purl;
    cd.line = s.line;
    cd.props = props;
    cd.nprops = np;
    cu_component(d->ctx, d->src, &cd);
    free(purl);
    free(cmdline);
    free(safe_cmd);
    free(safe_url);
    free(s.pkg);
    free(s.version);
    free(s.image);
    argv_free(&a);
}

void cu_mcp_servers(const struct cu_agent_doc *d, const json_t *servers, const char *ptr)
{
    if (json_is_object(servers)) {
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)servers, k, v)
        {
            char *p = cu_jsonc_ptr(ptr, k);
            if (p != NULL) {
                cu_mcp_server(d, k, v, p);
            }
            free(p);
        }
    } else if (json_is_array(servers)) {
        size_t i;
        const json_t *v;
        json_array_foreach(servers, i, v)
        {
            char *p = cu_jsonc_ptr_index(ptr, i);
            const char *nm = json_is_object(v) ? str_of(v, "name") : NULL;
            char fallback[32];
            (void)snprintf(fallback, sizeof(fallback), "#%zu", i);
            if (p != NULL) {
                cu_mcp_server(d, nm != NULL ? nm : fallback, v, p);
            }
            free(p);
        }
    } else if (servers != NULL && !json_is_null(servers)) {
        cu_emit_line(d->ctx, d->src, cu_agent_line(d, ptr), "agent/unknown-config-shape",
                     CU_SEV_DEFAULT, NULL, "%s is neither a map nor a list of servers",
                     ptr[0] ? ptr : "document");
    }
}
