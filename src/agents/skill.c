/* Agent skills (issue 7, Deliver 3): a folder with SKILL.md (YAML front matter between '---'
 * lines, then Markdown instructions), plus scripts and resources; the Claude layout
 * (.claude/skills/<x>/SKILL.md) and the OpenClaw/ClawHub one (~/.openclaw/skills/<x>/,
 * <workspace>/skills/<x>/).
 *
 * Analyzer "skill" (SKILL.md): front matter (name/description present, name typosquats of
 * well-known skills, over-broad triggers), the shared hidden-Unicode and language checks, the
 * instructions (prose lines and fenced code, each by its language's tokenizer), hard-coded
 * credentials; and one component per skill (kind "skill", name, version, props "path" and
 * "digest": the OMS root digest of the whole folder, symlinks refused).
 * Analyzer "skill-script": scripts and text resources of a skill folder (a SKILL.md in the
 * file's directory or up to three levels above, looked up with lstat) tokenized per language.
 * (Not the python analyzer: its rules judge model code, where starting a process is itself
 * suspect; skill scripts run tools by design.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/stat.h>
#include <yaml.h>

#include "agents/agents.h"
#include "agents/skillcheck.h"
#include "custody/provenance.h"
#include "engine/engine.h"
#include "core/util.h"
#include "core/banned.h"

#define SKILL_FM_MAX (256u << 10)

/* ---- front matter ---- */

struct fm {
    char *name, *description, *version, *license;
    uint32_t name_line;
    bool present;
};

static void fm_free(struct fm *f)
{
    free(f->name);
    free(f->description);
    free(f->version);
    free(f->license);
}

static const char *node_str(yaml_node_t *n)
{
    return n != NULL && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Parses the YAML between the fences; returns 0, or -1 with *why set (malformed). */
static int fm_parse(const char *y,
                    size_t n,
                    uint32_t first_line,
                    struct fm *f,
                    const char **why,
                    uint32_t *err_line)
{
    yaml_parser_t p;
    yaml_document_t d;
    int rc = -1;
    if (!yaml_parser_initialize(&p)) {
        *why = "out of memory";
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)y, n);
    if (!yaml_parser_load(&p, &d)) {
        *why = p.problem != NULL ? p.problem : "YAML does not parse";
        *err_line = first_line + (uint32_t)p.problem_mark.line;
        yaml_parser_delete(&p);
        return -1;
    }
    yaml_node_t *root = yaml_document_get_root_node(&d);
    if (root == NULL) {
        *why = "empty front matter";
        *err_line = first_line;
        rc = 0; /* empty: metadata missing, reported by the caller */
        goto out;
    }
    if (root->type != YAML_MAPPING_NODE) {
        *why = "front matter is not a mapping";
        *err_line = first_line;
        goto out;
    }
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *kn = yaml_document_get_node(&d, pr->key);
        yaml_node_t *vn = yaml_document_get_node(&d, pr->value);
        const char *key = node_str(kn), *val = node_str(vn);
        if (key == NULL) {
            continue;
        }
        char **slot = NULL;
        if (strcmp(key, "name") == 0) {
            slot = &f->name;
            f->name_line = first_line + (uint32_t)kn->start_mark.line;
        } else if (strcmp(key, "description") == 0) {
            slot = &f->description;
        } else if (strcmp(key, "version") == 0) {
            slot = &f->version;
        } else if (strcmp(key, "license") == 0) {
            slot = &f->license;
        } else if (strcmp(key, "metadata") == 0 && vn != NULL && vn->type == YAML_MAPPING_NODE &&
                   f->version == NULL) {
            for (yaml_node_pair_t *q = vn->data.mapping.pairs.start; q < vn->data.mapping.pairs.top;
                 q++) {
                const char *k2 = node_str(yaml_document_get_node(&d, q->key));
                const char *v2 = node_str(yaml_document_get_node(&d, q->value));
                if (k2 != NULL && v2 != NULL && strcmp(k2, "version") == 0) {
                    free(f->version); /* a repeated key: the last one, as before */
                    f->version = cu_strdup(v2);
                }
            }
        }
        if (slot != NULL && val != NULL && *slot == NULL && val[0] != '\0') {
            *slot = cu_strdup(val);
        }
    }
    rc = 0;
out:
    yaml_document_delete(&d);
    yaml_parser_delete(&p);
    return rc;
}

/* Skills named in public sources as the most used: Anthropic's public skills repository
 * (github.com/anthropics/skills), OpenClaw's bundled skills and ClawHub's most installed
 * (clawhub.ai listing, 2026). */
static const char *const popular[] = { "pdf",
                                       "docx",
                                       "xlsx",
                                       "pptx",
                                       "skill-creator",
                                       "mcp-builder",
                                       "webapp-testing",
                                       "frontend-design",
                                       "canvas-design",
                                       "algorithmic-art",
                                       "web-artifacts-builder",
                                       "artifacts-builder",
                                       "brand-guidelines",
                                       "internal-comms",
                                       "slack-gif-creator",
                                       "theme-factory",
                                       "doc-coauthoring",
                                       "template-skill",
                                       "clawhub",
                                       "gog",
                                       "self-improving-agent",
                                       "ontology",
                                       "tavily-search",
                                       "summarize",
                                       "github",
                                       "sonoscli",
                                       "weather",
                                       "api-gateway",
                                       "notion",
                                       "nano-pdf",
                                       "nano-banana-pro",
                                       "agent-browser",
                                       "find-skills",
                                       "wacli",
                                       "1password",
                                       "apple-notes",
                                       "apple-reminders",
                                       "bear-notes",
                                       "coding-agent",
                                       "obsidian",
                                       "slack",
                                       "trello",
                                       "spotify-player",
                                       "openai-image-gen",
                                       "youtube-summarizer",
                                       "agentmail",
                                       NULL };

/* Damerau-Levenshtein distance, capped at 3. */
static unsigned edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64) {
        return 3;
    }
    unsigned d[65][65];
    for (size_t i = 0; i <= n; i++) {
        d[i][0] = (unsigned)i;
    }
    for (size_t j = 0; j <= m; j++) {
        d[0][j] = (unsigned)j;
    }
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            unsigned cost = a[i - 1] == b[j - 1] ? 0u : 1u;
            unsigned v = d[i - 1][j] + 1;
            v = d[i][j - 1] + 1 < v ? d[i][j - 1] + 1 : v;
            v = d[i - 1][j - 1] + cost < v ? d[i - 1][j - 1] + cost : v;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v) {
                v = d[i - 2][j - 2] + 1;
            }
            d[i][j] = v;
        }
    }
    return d[n][m] < 3 ? d[n][m] : 3;
}

static const char *typosquat(const char *name)
{
    char low[80];
    size_t n = 0;
    for (; name[n] != '\0' && n + 1 < sizeof(low); n++) {
        char c = name[n];
        low[n] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : (c == ' ' || c == '_') ? '-' : c);
    }
    low[n] = '\0';
    for (size_t i = 0; popular[i] != NULL; i++) {
        if (strcmp(low, popular[i]) == 0) {
            return NULL;
        }
    }
    static const char *const suffix[] = { "-pro",     "-official", "-v2",   "-plus",
                                          "-premium", "-latest",   "-free", "-new",
                                          "-update",  "-updated",  "1",     "2",
                                          "-1",       "-2",        "-ai",   NULL };
    for (size_t i = 0; popular[i] != NULL; i++) {
        size_t pl = strlen(popular[i]);
        if (pl >= 4 && strncmp(low, popular[i], pl) == 0) {
            for (size_t s = 0; suffix[s] != NULL; s++) {
                if (strcmp(low + pl, suffix[s]) == 0) {
                    return popular[i];
                }
            }
        }
        /* an edit away, keeping the first letter (look-alikes do; "motion" is not "notion"),
         * and not a plain plural or agent noun ("summarizer" of "summarize") */
        size_t ll = strlen(low);
        bool suffix_only = ll > pl && strncmp(low, popular[i], pl) == 0 &&
                           (strcmp(low + pl, "s") == 0 || strcmp(low + pl, "r") == 0 ||
                            strcmp(low + pl, "er") == 0);
        if (low[0] != popular[i][0] || suffix_only) {
            continue;
        }
        unsigned dist = edit_distance(low, popular[i]);
        if ((pl >= 6 && dist == 1) || (pl >= 10 && dist == 2)) {
            return popular[i];
        }
    }
    return NULL;
}

static bool contains_ci(const char *h, const char *needle)
{
    size_t n = strlen(needle), hn = strlen(h);
    for (size_t i = 0; n <= hn && i <= hn - n; i++) {
        if (strncasecmp(h + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

/* "Always use this skill when the user asks about X", "for any request involving GitHub
 * Actions", "for any React task": the trigger is scoped by what follows the phrase. */
static bool scoped_trigger(const char *desc, const char *pat)
{
    size_t pn = strlen(pat);
    for (const char *h = desc; *h != '\0'; h++) {
        if (strncasecmp(h, pat, pn) != 0) {
            continue;
        }
        const char *p = h + pn;
        char w[24];
        size_t wn = 0;
        while (*p == ' ' || *p == '*' || *p == '`') {
            p++;
        }
        while (wn + 1 < sizeof(w) && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
            w[wn++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
            p++;
        }
        w[wn] = '\0';
        bool quant = (pn > 4 && strcmp(pat + pn - 4, " any") == 0) ||
                     (pn > 6 && strcmp(pat + pn - 6, " every") == 0) ||
                     (pn > 4 && strcmp(pat + pn - 4, " all") == 0);
        if (quant) {
            static const char *const generic[] = {
                "task",    "tasks",     "request", "requests", "question", "questions", "thing",
                "things",  "purpose",   "prompt",  "prompts",  "message",  "messages",  "query",
                "queries", "situation", "work",    "job",      "case",     "",          NULL
            };
            for (size_t g = 0; generic[g] != NULL; g++) {
                if (strcmp(w, generic[g]) == 0) {
                    return false;
                }
            }
            return true; /* "for any React task" */
        }
        static const char *const qual[] = {
            "when",      "whenever", "if",         "involving", "about",    "related",
            "regarding", "that",     "which",      "where",     "with",     "in",
            "on",        "to",       "concerning", "for",       "during",   "while",
            "relating",  "before",   "after",      "as",        "touching", "mentioning",
            "like",      "such",     "around",     "from",      NULL
        };
        for (size_t q = 0; qual[q] != NULL; q++) {
            if (strcmp(w, qual[q]) == 0) {
                return true;
            }
        }
        return false;
    }
    return false;
}

static void
over_broad(struct cu_ctx *ctx, const struct cu_source *src, const char *desc, uint32_t line)
{
    static const char *const pats[] = { "use for any task",
                                        "use this for any task",
                                        "use this skill for any",
                                        "use for every task",
                                        "use this skill for every",
                                        "use for all tasks",
                                        "use this skill for all",
                                        "always use this skill",
                                        "always invoke this skill",
                                        "always load this skill",
                                        "use this skill always",
                                        "use this skill for everything",
                                        "must be used for every",
                                        "must be used for all",
                                        "before any other skill",
                                        "before using any other",
                                        "instead of any other skill",
                                        "in every conversation",
                                        "for every request",
                                        "for any request",
                                        "for any question",
                                        "use on every",
                                        "regardless of the task",
                                        "no matter what the user",
                                        NULL };
    for (size_t i = 0; pats[i] != NULL; i++) {
        if (contains_ci(desc, pats[i]) && !scoped_trigger(desc, pats[i])) {
            cu_emit_line(ctx, src, line, "skill/over-broad-trigger", CU_SEV_DEFAULT, pats[i],
                         "the description asks for the skill to be used for everything ('%s')",
                         pats[i]);
            return;
        }
    }
}

/* ---- instructions ---- */

static bool lang_is(const char *l, size_t n, const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++) {
        if (strlen(names[i]) == n && strncasecmp(l, names[i], n) == 0) {
            return true;
        }
    }
    return false;
}

static void
code_block(struct sk *k, const char *lang, size_t ln, const char *t, size_t n, uint32_t line)
{
    static const char *const py[] = { "python", "py", "python3", "ipython", NULL };
    static const char *const js[] = { "js",  "javascript", "ts",  "typescript", "node",
                                      "mjs", "jsx",        "tsx", NULL };
    if (lang_is(lang, ln, py)) {
        sk_check_python(k, t, n, line);
    } else if (lang_is(lang, ln, js)) {
        sk_check_js(k, t, n, line);
    } else {
        (void)sk_check_shell(k, t, n, line, false);
    }
}

/* A paragraph of prose: password-protected downloads and "download and run this
 * prerequisite". */
static void paragraph(struct sk *k, const char *t, size_t n, uint32_t line)
{
    char buf[2048];
    size_t m = n < sizeof(buf) - 1 ? n : sizeof(buf) - 1;
    memcpy(buf, t, m);
    buf[m] = '\0';
    bool pass = contains_ci(buf, "extract using:") || contains_ci(buf, "extract with:") ||
                contains_ci(buf, "extract using password") || contains_ci(buf, "unzip using:") ||
                contains_ci(buf, "archive password") || contains_ci(buf, "pwd:") ||
                contains_ci(buf, "password:") || contains_ci(buf, "password is") ||
                contains_ci(buf, "password -") || contains_ci(buf, "pass:") ||
                contains_ci(buf, "passcode:") || contains_ci(buf, "password `") ||
                contains_ci(buf, "password \"") || contains_ci(buf, "password '");
    bool archive = contains_ci(buf, ".zip") || contains_ci(buf, ".rar") ||
                   contains_ci(buf, ".7z") || contains_ci(buf, "archive") ||
                   contains_ci(buf, "extract") || contains_ci(buf, "unzip");
    bool download =
        contains_ci(buf, "download") || contains_ci(buf, "http://") || contains_ci(buf, "https://");
    if (pass && archive && download) {
        sk_emit(k, line, "skill/protected-archive", CU_SEV_DEFAULT, t, m,
                "instructions download an archive and give its password");
    }
    /* ClawHavoc: "Visit [this page](https://glot.io/snippets/...) and execute the installation
     * command in Terminal": a script from a paste site, run by hand */
    static const char *const paste[] = { "glot.io",  "pastebin.com", "rentry.co", "rentry.org",
                                         "hastebin", "paste.ee",     "ghostbin",  "pastes.io",
                                         "dpaste",   "controlc.com", "justpaste", NULL };
    bool on_paste = false;
    for (size_t q = 0; paste[q] != NULL && !on_paste; q++) {
        on_paste = contains_ci(buf, paste[q]);
    }
    bool exec_words = contains_ci(buf, "execute") || contains_ci(buf, "run ") ||
                      contains_ci(buf, "paste") || contains_ci(buf, "copy");
    bool where = contains_ci(buf, "terminal") || contains_ci(buf, "command") ||
                 contains_ci(buf, "script") || contains_ci(buf, "shell") ||
                 contains_ci(buf, "powershell");
    if (on_paste && exec_words && where) {
        sk_emit(k, line, "skill/fetch-and-run", CUSTODY_SEV_CRITICAL, t, m,
                "instructions have a command from a paste site run in a terminal");
    }
    bool prereq = k->in_prereq || contains_ci(buf, "prerequisite") ||
                  contains_ci(buf, "before using") || contains_ci(buf, "before proceeding") ||
                  contains_ci(buf, "is required") || contains_ci(buf, "must be installed") ||
                  contains_ci(buf, "requires the") || contains_ci(buf, "before using this skill") ||
                  contains_ci(buf, "required dependency") || contains_ci(buf, "must install") ||
                  contains_ci(buf, "must be running") || contains_ci(buf, "helper tool");
    bool run = contains_ci(buf, "run ") || contains_ci(buf, "execute") ||
               contains_ci(buf, "launch") || contains_ci(buf, "open the") ||
               contains_ci(buf, "double-click") || contains_ci(buf, "install");
    bool binary =
        contains_ci(buf, ".exe") || contains_ci(buf, ".dmg") || contains_ci(buf, ".pkg") ||
        contains_ci(buf, ".msi") || contains_ci(buf, ".scr") || contains_ci(buf, ".app") ||
        contains_ci(buf, ".zip") || contains_ci(buf, ".bat") || contains_ci(buf, ".command");
    if (prereq && run && download && binary) {
        sk_emit(k, line, "skill/fetch-and-run", CUSTODY_SEV_HIGH, t, m,
                "instructions have the user or agent download and run a 'prerequisite' "
                "program");
    }
}

/* Markdown body: fenced blocks by language, prose lines and paragraphs. */
static void markdown(struct sk *k, const char *t, size_t n, uint32_t first_line)
{
    uint32_t line = first_line, fence_line = 0, para_line = first_line;
    size_t i = 0, fence_body = 0, para = 0;
    const char *lang = NULL;
    size_t lang_n = 0;
    bool fence = false;
    char fch = '`';
    while (i < n) {
        size_t e = i;
        while (e < n && t[e] != '\n') {
            e++;
        }
        size_t s = i;
        while (s < e && (t[s] == ' ' || t[s] == '\t' || t[s] == '\r')) { /* CRLF blank lines */
            s++;
        }
        bool is_fence =
            e - s >= 3 && (t[s] == '`' || t[s] == '~') && t[s + 1] == t[s] && t[s + 2] == t[s];
        if (is_fence && !fence) {
            fence = true;
            fch = t[s];
            size_t l = s + 3;
            while (l < e && t[l] == fch) {
                l++;
            }
            while (l < e && t[l] == ' ') {
                l++;
            }
            lang = t + l;
            lang_n = 0;
            while (l + lang_n < e && t[l + lang_n] != ' ' && t[l + lang_n] != '{' &&
                   t[l + lang_n] != '\r') {
                lang_n++;
            }
            fence_body = e < n ? e + 1 : e;
            fence_line = line + 1;
        } else if (is_fence && fence && t[s] == fch) {
            fence = false;
            code_block(k, lang, lang_n, t + fence_body, s > fence_body ? s - fence_body : 0,
                       fence_line);
            para = e < n ? e + 1 : e;
            para_line = line + 1;
        } else if (!fence) {
            if (t[s] == '#') {
                /* the section a paragraph belongs to: "## Prerequisites", "## Requirements" */
                char hb[128];
                size_t hn = e - s < sizeof(hb) - 1 ? e - s : sizeof(hb) - 1;
                memcpy(hb, t + s, hn);
                hb[hn] = '\0';
                k->in_prereq = contains_ci(hb, "prerequisite") || contains_ci(hb, "requirement") ||
                               contains_ci(hb, "before you") || contains_ci(hb, "dependencies");
            }
            if (t[s] == '|') {
                /* a table row: its cells are not a pipeline; only its code spans are commands */
                for (size_t c = s; c < e; c++) {
                    if (t[c] != '`') {
                        continue;
                    }
                    size_t ce = c + 1;
                    while (ce < e && t[ce] != '`') {
                        ce++;
                    }
                    if (ce > c + 1 && sk_shell_worthy(t + c + 1, ce - c - 1)) {
                        (void)sk_check_shell(k, t + c + 1, ce - c - 1, line, true);
                    }
                    c = ce;
                }
            } else if (sk_shell_worthy(t + i, e - i)) {
                (void)sk_check_shell(k, t + i, e - i, line, true);
            }
            sk_check_word(k, t + i, e - i, line, false);
            if (s == e) { /* blank line: end of paragraph */
                if (i > para) {
                    paragraph(k, t + para, i - para, para_line);
                }
                para = e < n ? e + 1 : e;
                para_line = line + 1;
            }
        }
        i = e < n ? e + 1 : e;
        line++;
    }
    if (fence) {
        code_block(k, lang, lang_n, t + fence_body, n - fence_body, fence_line);
    } else if (n > para) {
        paragraph(k, t + para, n - para, para_line);
    }
}

/* ---- the skill component ---- */

static char *dir_of(const char *path)
{
    const char *b = cu_basename(path);
    if (b == path) {
        return cu_strdup(".");
    }
    return cu_strndup(path, (size_t)(b - path - 1));
}

static const char *layout(const char *loc)
{
    if (strstr(loc, ".openclaw/skills/") != NULL || strstr(loc, ".clawdbot/skills/") != NULL) {
        return "openclaw";
    }
    if (strstr(loc, ".claude/skills/") != NULL) {
        return "claude";
    }
    return NULL;
}

#define SKILL_DIGEST_FILES 5000u
#define SKILL_DIGEST_BYTES (512ull << 20)

/* Counts regular files and bytes under dir with lstat only (no file is opened); false when
 * the folder is past the limits (or too deep), so the digest is not attempted. */
static bool folder_small(const char *dir, unsigned depth, size_t *files, uint64_t *bytes)
{
    if (depth > 16) {
        return false;
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        return true; /* the digest reports what is unreadable */
    }
    bool ok = true;
    struct dirent *de;
    while (ok && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
            (depth == 0 && strcmp(de->d_name, ".git") == 0)) {
            continue; /* .git at the root is left out of the digest too */
        }
        char *p = cu_asprintf("%s/%s", dir, de->d_name);
        struct stat st;
        if (p == NULL) {
            ok = false;
        } else if (lstat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                ok = folder_small(p, depth + 1, files, bytes);
            } else if (S_ISREG(st.st_mode)) {
                (*files)++;
                *bytes += (uint64_t)st.st_size;
                ok = *files <= SKILL_DIGEST_FILES && *bytes <= SKILL_DIGEST_BYTES;
            }
        }
        free(p);
    }
    closedir(d);
    return ok;
}

static void component(struct cu_ctx *ctx, const struct cu_source *src, const struct fm *f)
{
    char *dir = dir_of(src->loc);
    const char *disk = cu_ctx_disk_path(ctx, src);
    char *ddir = disk != NULL ? dir_of(disk) : NULL;
    char digest[80] = "";
    size_t nfiles = 0;
    uint64_t nbytes = 0;
    if (ddir != NULL && !folder_small(ddir, 0, &nfiles, &nbytes)) {
        cu_emit_line(ctx, src, 0, "skill/digest-error", CU_SEV_DEFAULT, NULL,
                     "the skill folder is too large to hash (more than %u files or %llu MiB): "
                     "no digest",
                     SKILL_DIGEST_FILES, (unsigned long long)(SKILL_DIGEST_BYTES >> 20));
    } else if (ddir != NULL) {
        uint8_t out[32];
        custody_error err;
        memset(&err, 0, sizeof(err));
        custody_digest_opts o;
        memset(&o, 0, sizeof(o));
        o.include_git_paths = false;
        o.allow_symlinks = false;
        o.threads = 1;
        if (custody_digest(out, ddir, &o, &err) == 0) {
            memcpy(digest, "sha256:", 7);
            cu_hex_encode(out, sizeof(out), digest + 7);
        } else {
            cu_emit_line(ctx, src, 0, "skill/digest-error", CU_SEV_DEFAULT, err.where,
                         "the skill folder could not be hashed: %s%s%s", err.msg,
                         err.where[0] != '\0' ? " at " : "", err.where);
        }
    }
    const char *name = f->name != NULL ? f->name : cu_basename(dir != NULL ? dir : "skill");
    custody_prop props[3];
    size_t np = 0;
    props[np++] = (custody_prop){ "path", dir != NULL ? dir : "." };
    if (digest[0] != '\0') {
        props[np++] = (custody_prop){ "digest", digest };
    }
    if (f->license != NULL) {
        props[np++] = (custody_prop){ "license", f->license };
    }
    struct cu_component_desc d = { "skill", layout(src->loc), name,  f->version,
                                   NULL,    f->name_line,     props, np };
    cu_component(ctx, src, &d);
    free(dir);
    free(ddir);
}

/* ---- analyzer: SKILL.md ---- */

static bool skill_sniff(const struct cu_sniff *in)
{
    /* the leaf of the name or location: "x.zip!myskill/SKILL.md" is a skill too */
    const char *w = in->loc != NULL ? in->loc : in->name;
    if (w == NULL) {
        return false;
    }
    const char *leaf = w;
    for (const char *p = w; *p != '\0'; p++) {
        if (*p == '/' || *p == '!') {
            leaf = p + 1;
        }
    }
    if (strcasecmp(leaf, "SKILL.md") != 0) {
        return false;
    }
    for (size_t i = 0; i < in->len; i++) {
        if (in->head[i] == 0) {
            return false;
        }
    }
    return true;
}

static int skill_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cu_agents_read_text(ctx, src, &text, &len);
    if (rc < 0) {
        return rc;
    }
    struct fm f = { 0 };
    size_t body = 0;
    uint32_t body_line = 1;
    size_t p = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    if (len - p >= 3 && memcmp(text + p, "---", 3) == 0 &&
        (len - p == 3 || text[p + 3] == '\n' || text[p + 3] == '\r')) {
        size_t y = p + 3;
        while (y < len && text[y] != '\n') {
            y++;
        }
        y = y < len ? y + 1 : y;
        size_t e = y;
        uint32_t line = 2, close_line = 0;
        bool closed = false;
        while (e < len) {
            size_t le = e;
            while (le < len && text[le] != '\n') {
                le++;
            }
            size_t ll = le - e;
            if (ll > 0 && text[le - 1] == '\r') {
                ll--;
            }
            if (ll == 3 && (memcmp(text + e, "---", 3) == 0 || memcmp(text + e, "...", 3) == 0)) {
                closed = true;
                close_line = line;
                break;
            }
            e = le < len ? le + 1 : le;
            line++;
        }
        if (!closed) {
            cu_emit_line(ctx, src, 1, "skill/malformed", CU_SEV_DEFAULT, NULL,
                         "front matter opened with '---' is never closed");
        } else if (e - y > SKILL_FM_MAX) {
            cu_emit_line(ctx, src, 1, "skill/malformed", CU_SEV_DEFAULT, NULL,
                         "front matter of %zu bytes exceeds %u", e - y, SKILL_FM_MAX);
        } else {
            f.present = true;
            const char *why = NULL;
            uint32_t eline = 2;
            if (fm_parse(text + y, e - y, 2, &f, &why, &eline) < 0) {
                cu_emit_line(ctx, src, eline, "skill/malformed", CU_SEV_DEFAULT, NULL,
                             "front matter: %s", why);
            }
            body = e;
            while (body < len && text[body] != '\n') {
                body++;
            }
            body = body < len ? body + 1 : body;
            body_line = close_line + 1;
        }
    }
    if (!f.present) {
        cu_emit_line(ctx, src, 1, "skill/missing-metadata", CU_SEV_DEFAULT, NULL,
                     "SKILL.md has no YAML front matter (name, description)");
    } else if (f.name == NULL || f.description == NULL) {
        cu_emit_line(ctx, src, 1, "skill/missing-metadata", CU_SEV_DEFAULT, NULL,
                     "the front matter has no %s",
                     f.name == NULL && f.description == NULL ? "name and no description"
                     : f.name == NULL                        ? "name"
                                                             : "description");
    }
    if (f.name != NULL) {
        const char *sq = typosquat(f.name);
        if (sq != NULL) {
            cu_emit_line(ctx, src, f.name_line, "skill/typosquat", CU_SEV_DEFAULT, f.name,
                         "skill name '%s' imitates the well-known skill '%s'", f.name, sq);
        }
    }
    if (f.description != NULL) {
        over_broad(ctx, src, f.description, 2);
    }
    cu_text_check_unicode(ctx, src, text, len, 1, "skill");
    cu_text_check_language(ctx, src, text, len, 1, "skill");
    struct sk k = { .ctx = ctx, .src = src, .doc = true };
    markdown(&k, text + body, len - body, body_line);
    cu_agents_secrets(ctx, src, text, len, 1, "skill/hardcoded-secret");
    component(ctx, src, &f);
    fm_free(&f);
    free(text);
    return 0;
}

const struct cu_analyzer cu_analyzer_skill = { "skill", NULL, skill_sniff, skill_analyze };

/* ---- analyzer: files of a skill folder ---- */

/* Extensions this analyzer claims (text resources .md/.txt are taken too, unclaimed). */
static const char *const script_ext[] = { ".sh",  ".bash", ".zsh", ".py",  ".js",
                                          ".mjs", ".cjs",  ".ts",  ".ps1", NULL };
static const char *const resource_ext[] = { ".md", ".txt", NULL };

static bool in_skill_dir(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof(buf) - 16) {
        return false;
    }
    memcpy(buf, path, n + 1);
    for (int level = 0; level < 4; level++) {
        char *slash = strrchr(buf, '/');
        if (slash == NULL) {
            if (level > 0) {
                return false;
            }
            buf[0] = '.';
            slash = buf + 1;
        }
        memcpy(slash, "/SKILL.md", 10);
        struct stat st;
        if (lstat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
            return true;
        }
        *slash = '\0';
        if (buf[0] == '\0') {
            return false;
        }
    }
    return false;
}

/* A native executable or library: ELF, PE/COFF (MZ), Mach-O (thin or fat). */
static bool native_binary(const uint8_t *h, size_t n)
{
    static const uint8_t elf[4] = { 0x7f, 'E', 'L', 'F' };
    static const uint8_t macho[][4] = { { 0xfe, 0xed, 0xfa, 0xce },
                                        { 0xfe, 0xed, 0xfa, 0xcf },
                                        { 0xce, 0xfa, 0xed, 0xfe },
                                        { 0xcf, 0xfa, 0xed, 0xfe },
                                        { 0xca, 0xfe, 0xba, 0xbe } };
    if (n >= 4 && memcmp(h, elf, 4) == 0) {
        return true;
    }
    for (size_t i = 0; n >= 4 && i < sizeof(macho) / sizeof(macho[0]); i++) {
        if (memcmp(h, macho[i], 4) == 0) {
            return true;
        }
    }
    /* MZ with a PE header offset that points at "PE\0\0" inside the head */
    if (n >= 64 && h[0] == 'M' && h[1] == 'Z') {
        uint32_t pe =
            (uint32_t)h[60] | (uint32_t)h[61] << 8 | (uint32_t)h[62] << 16 | (uint32_t)h[63] << 24;
        return pe <= n - 4 && memcmp(h + pe, "PE\0\0", 4) == 0;
    }
    return false;
}

/* The interpreter a "#!" line names: "python", "js" or "shell" (NULL: no shebang). */
static const char *shebang_lang(const uint8_t *h, size_t n)
{
    if (n < 3 || h[0] != '#' || h[1] != '!') {
        return NULL;
    }
    size_t e = 2;
    while (e < n && h[e] != '\n') {
        e++;
    }
    char line[256];
    size_t l = e - 2 < sizeof(line) - 1 ? e - 2 : sizeof(line) - 1;
    memcpy(line, h + 2, l);
    line[l] = '\0';
    if (strstr(line, "python") != NULL) {
        return "python";
    }
    if (strstr(line, "node") != NULL || strstr(line, "deno") != NULL ||
        strstr(line, "bun") != NULL) {
        return "js";
    }
    return "shell";
}

static bool script_sniff(const struct cu_sniff *in)
{
    if (in->disk_path == NULL || in->name == NULL) {
        return false;
    }
    if ((native_binary(in->head, in->len) || shebang_lang(in->head, in->len) != NULL) &&
        in_skill_dir(in->disk_path)) {
        return true; /* claimed by content: an extensionless script, or an executable */
    }
    bool ext = false;
    for (size_t i = 0; script_ext[i] != NULL && !ext; i++) {
        ext = cu_has_suffix_ci(in->name, script_ext[i]);
    }
    for (size_t i = 0; resource_ext[i] != NULL && !ext; i++) {
        ext = cu_has_suffix_ci(in->name, resource_ext[i]);
    }
    if (!ext) {
        return false;
    }
    for (size_t i = 0; i < in->len; i++) {
        if (in->head[i] == 0) {
            return false;
        }
    }
    /* installed dependencies are the lockfile analyzers' (deps/) */
    static const char *const vendored[] = {
        "/node_modules/", "/site-packages/", "/.venv/", "/venv/", "/.git/", "/__pycache__/", NULL
    };
    for (size_t i = 0; vendored[i] != NULL; i++) {
        if (strstr(in->disk_path, vendored[i]) != NULL) {
            return false;
        }
    }
    return in_skill_dir(in->disk_path);
}

static int script_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    uint8_t head[64];
    size_t hn = 0;
    int hrc = cu_source_read(src, 0, head, sizeof(head), &hn, cu_ctx_err(ctx));
    if (hrc < 0) {
        return hrc;
    }
    if (native_binary(head, hn)) {
        cu_emit(ctx, src, 0, "skill/native-binary", CU_SEV_DEFAULT, NULL, "%s",
                "the skill ships a native executable: what it does cannot be reviewed, and the "
                "agent runs it with your permissions");
        return 0;
    }
    const char *shebang = shebang_lang(head, hn);
    char *text = NULL;
    size_t len = 0;
    int rc = cu_agents_read_text(ctx, src, &text, &len);
    if (rc < 0) {
        return rc;
    }
    struct sk k = { .ctx = ctx, .src = src };
    const char *n = src->name;
    k.minified_name = strstr(n, ".min.") != NULL;
    cu_text_check_unicode(ctx, src, text, len, 1, "skill");
    bool py = cu_has_suffix_ci(n, ".py") || (shebang != NULL && strcmp(shebang, "python") == 0);
    bool js = cu_has_suffix_ci(n, ".js") || cu_has_suffix_ci(n, ".mjs") ||
              cu_has_suffix_ci(n, ".cjs") || cu_has_suffix_ci(n, ".ts") ||
              (shebang != NULL && strcmp(shebang, "js") == 0);
    if (py) {
        sk_check_python(&k, text, len, 1);
    } else if (js) {
        sk_check_js(&k, text, len, 1);
    } else if (cu_has_suffix_ci(n, ".md") || cu_has_suffix_ci(n, ".txt")) {
        cu_text_check_language(ctx, src, text, len, 1, "skill");
        k.doc = true;
        markdown(&k, text, len, 1);
    } else {
        (void)sk_check_shell(&k, text, len, 1, false);
    }
    cu_agents_secrets(ctx, src, text, len, 1, "skill/hardcoded-secret");
    free(text);
    return 0;
}

/* ---- analyzer: code an agent runs by itself (plugins and hook scripts) ---- */

/* A file exists at dir + "/" + rel (dir is a prefix of path, `dlen` bytes). */
static bool sibling_exists(const char *path, size_t dlen, const char *rel)
{
    char buf[4096];
    size_t rl = strlen(rel);
    if (dlen + 1 + rl + 1 > sizeof(buf)) {
        return false;
    }
    memcpy(buf, path, dlen);
    buf[dlen] = '/';
    memcpy(buf + dlen + 1, rel, rl + 1);
    struct stat st;
    return lstat(buf, &st) == 0 && S_ISREG(st.st_mode);
}

/* Where agents load code from: opencode plugins, pi extensions, Claude Code/Cursor hook
 * folders, and the hooks/ folder of a Claude Code plugin (a .claude-plugin/plugin.json beside
 * it). */
static bool agent_code_dir(const char *path)
{
    static const char *const dirs[] = { "/.opencode/plugin/",
                                        "/.opencode/plugins/",
                                        "/.pi/extensions/",
                                        "/.claude/hooks/",
                                        "/.cursor/hooks/",
                                        "/.gemini/hooks/",
                                        NULL };
    for (size_t i = 0; dirs[i] != NULL; i++) {
        if (strstr(path, dirs[i]) != NULL) {
            return true;
        }
    }
    const char *h = strstr(path, "/hooks/");
    while (h != NULL) {
        if (sibling_exists(path, (size_t)(h - path), ".claude-plugin/plugin.json")) {
            return true;
        }
        h = strstr(h + 1, "/hooks/");
    }
    return false;
}

static const char *agent_code_lang(const char *name, const uint8_t *head, size_t n)
{
    const char *sb = shebang_lang(head, n);
    if (sb != NULL) {
        return sb;
    }
    static const char *const js[] = { ".js", ".mjs", ".cjs", ".ts", ".mts", NULL };
    static const char *const sh[] = { ".sh", ".bash", ".zsh", ".ps1", ".cmd", ".bat", NULL };
    for (size_t i = 0; js[i] != NULL; i++) {
        if (cu_has_suffix_ci(name, js[i])) {
            return "js";
        }
    }
    if (cu_has_suffix_ci(name, ".py")) {
        return "python";
    }
    for (size_t i = 0; sh[i] != NULL; i++) {
        if (cu_has_suffix_ci(name, sh[i])) {
            return "shell";
        }
    }
    return NULL;
}

static bool agent_code_sniff(const struct cu_sniff *in)
{
    if (in->disk_path == NULL || in->name == NULL || memchr(in->head, 0, in->len) != NULL ||
        agent_code_lang(in->name, in->head, in->len) == NULL) {
        return false;
    }
    return agent_code_dir(in->disk_path);
}

static int agent_code_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cu_agents_read_text(ctx, src, &text, &len);
    if (rc < 0) {
        return rc;
    }
    const char *lang = agent_code_lang(src->name, (const uint8_t *)text, len);
    cu_fact(ctx, "format", "agent-code");
    cu_text_check_unicode(ctx, src, text, len, 1, "skill");
    if (lang != NULL && memchr(text, 0, len) == NULL) {
        sk_judge_command(ctx, src, 1, "agent", lang, text);
    }
    cu_agents_secrets(ctx, src, text, len, 1, "mcp/plaintext-secret");
    free(text);
    return 0;
}

const struct cu_analyzer cu_analyzer_agent_code = { "agent-code", NULL, agent_code_sniff,
                                                    agent_code_analyze };

/* No extension list: the analyzer claims files by where they are (a skill folder), so a
 * name is no disguise: a skill's LICENSE.txt or notes.md is not a script named .txt. */
const struct cu_analyzer cu_analyzer_skill_script = { "skill-script", NULL, script_sniff,
                                                      script_analyze };
