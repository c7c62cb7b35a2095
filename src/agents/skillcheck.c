/* Judgement of the words and strings of a skill (skillcheck.h): sensitive paths (credential and
 * wallet harvesting), exfiltration endpoints, persistence locations, encoded blobs. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agents/skillcheck.h"
#include "engine/engine.h"
#include "core/util.h"
#include "core/banned.h"

void sk_judge_command(struct cu_ctx *ctx,
                      const struct cu_source *src,
                      uint32_t line,
                      const char *family,
                      const char *lang,
                      const char *code)
{
    struct sk k = { 0 };
    k.ctx = ctx;
    k.src = src;
    k.family = family;
    size_t n = strlen(code);
    if (strcmp(lang, "js") == 0) {
        sk_check_js(&k, code, n, line);
    } else if (strcmp(lang, "python") == 0) {
        sk_check_python(&k, code, n, line);
    } else {
        (void)sk_check_shell(&k, code, n, line, false);
    }
}

void sk_emit(struct sk *k,
             uint32_t line,
             const char *rule,
             int sev,
             const char *evidence,
             size_t evlen,
             const char *msg)
{
    if (k->hits >= SK_MAX_HITS) {
        return;
    }
    char fam_rule[64];
    if (k->family != NULL) {
        const char *x = strchr(rule, '/');
        int n = snprintf(fam_rule, sizeof(fam_rule), "%s%s", k->family, x != NULL ? x : "");
        if (x == NULL || n <= 0 || (size_t)n >= sizeof(fam_rule) ||
            custody_rule_find(fam_rule) == NULL) {
            return;
        }
        rule = fam_rule;
    }
    k->hits++;
    struct cu_buf ev = CU_BUF_INIT(300);
    if (evidence != NULL) {
        cu_buf_add_escaped(&ev, (const uint8_t *)evidence, evlen > 240 ? 240 : evlen);
        if (evlen > 240) {
            cu_buf_adds(&ev, "...");
        }
    }
    cu_emit_line(k->ctx, k->src, line, rule, sev, evidence != NULL ? cu_buf_str(&ev) : NULL,
                 "%s%s%s%s", msg, evidence != NULL ? ": '" : "",
                 evidence != NULL ? cu_buf_str(&ev) : "", evidence != NULL ? "'" : "");
    cu_buf_free(&ev);
}

const char *sk_cmd_name(const char *w, size_t n, char *buf, size_t cap)
{
    size_t s = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] == ' ') {
            n = i;
            break;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (w[i] == '/' || w[i] == '\\') {
            s = i + 1;
        }
    }
    size_t o = 0;
    for (size_t i = s; i < n && o + 1 < cap; i++) {
        char c = w[i];
        if (c == ' ') {
            break;
        }
        buf[o++] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
    }
    buf[o] = '\0';
    if (o > 4 && strcmp(buf + o - 4, ".exe") == 0) {
        buf[o - 4] = '\0';
    }
    return buf;
}

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(s, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

bool sk_is_fetcher(const char *cmd)
{
    static const char *const f[] = { "curl",
                                     "wget",
                                     "fetch",
                                     "iwr",
                                     "irm",
                                     "invoke-webrequest",
                                     "invoke-restmethod",
                                     "aria2c",
                                     "http",
                                     "xh",
                                     "certutil",
                                     "bitsadmin",
                                     "start-bitstransfer",
                                     NULL };
    return in_list(cmd, f);
}

bool sk_is_runner(const char *cmd)
{
    static const char *const r[] = {
        "sh",      "bash",    "zsh",  "dash",       "ksh",       "fish", "ash", "python",
        "python2", "python3", "perl", "ruby",       "node",      "php",  "iex", "invoke-expression",
        "source",  ".",       "pwsh", "powershell", "osascript", "deno", "bun", "tclsh",
        "lua",     NULL
    };
    return in_list(cmd, r);
}

static const char *ci_find(const char *h, size_t hn, const char *needle)
{
    size_t nn = strlen(needle);
    for (size_t i = 0; nn <= hn && i <= hn - nn; i++) {
        if (strncasecmp(h + i, needle, nn) == 0) {
            return h + i;
        }
    }
    return NULL;
}

/* Whether the bytes before a dot-name point into a home directory. */
static bool home_anchored(const char *w, size_t n)
{
    static const char *const anchors[] = { "~",       "home/",      "home}/",      "home\\",
                                           "home}\\", "home%/",     "home%\\",     "profile%",
                                           "homedir", "expanduser", "path.home",   "/users/",
                                           "/root/",  "appdata",    "userprofile", NULL };
    for (size_t i = 0; anchors[i] != NULL; i++) {
        if (ci_find(w, n, anchors[i]) != NULL) {
            return true;
        }
    }
    return false;
}

struct needle {
    const char *s;
    const char *what;
};

static const struct needle harvest[] = {
    { "~/.ssh", "SSH keys" },
    { "/.ssh/", "SSH keys" },
    { "$HOME/.ssh", "SSH keys" },
    { "id_rsa", "SSH private key" },
    { "id_ed25519", "SSH private key" },
    { "id_ecdsa", "SSH private key" },
    { ".aws/credentials", "AWS credentials" },
    { ".azure/", "Azure credentials" },
    { ".config/gcloud", "Google Cloud credentials" },
    { ".kube/config", "Kubernetes credentials" },
    { ".docker/config.json", "Docker registry credentials" },
    { ".git-credentials", "git credentials" },
    { ".netrc", "netrc credentials" },
    { ".npmrc", "npm token" },
    { ".pypirc", "PyPI token" },
    { "login data", "browser saved passwords" },
    { "login keychain", "macOS keychain" },
    { "login.keychain", "macOS keychain" },
    { "keychains/", "macOS keychain" },
    { "find-generic-password", "macOS keychain" },
    { "find-internet-password", "macOS keychain" },
    { "dump-keychain", "macOS keychain" },
    { "logins.json", "Firefox saved passwords" },
    { "key4.db", "Firefox key store" },
    { "cookies.sqlite", "browser cookies" },
    { "default/cookies", "browser cookies" },
    { "network/cookies", "browser cookies" },
    { "~/.env", "dotenv secrets outside the skill" },
    { "../.env", "dotenv secrets outside the skill" },
    { "$home/.env", "dotenv secrets outside the skill" },
    { "google/chrome/user data", "Chrome profile" },
    { "google-chrome/default", "Chrome profile" },
    { "application support/google/chrome", "Chrome profile" },
    { "brave-browser", "Brave profile" },
    { ".mozilla/firefox", "Firefox profile" },
    { "/local state", "browser key store" },
    { "wallet.dat", "crypto wallet" },
    { "exodus", "Exodus wallet" },
    { "metamask", "MetaMask wallet" },
    { "nkbihfbeogaeaoehlefnkodbefgpgknn", "MetaMask extension storage" },
    { "electrum", "Electrum wallet" },
    { "atomic wallet", "Atomic wallet" },
    { "phantom wallet", "Phantom wallet" },
    { "bfnaelmomeimhlpmgjnjophhpkkoljpa", "Phantom extension storage" },
    { "ethereum/keystore", "Ethereum keystore" },
    { "seed phrase", "wallet seed phrase" },
    { "recovery phrase", "wallet seed phrase" },
    { "mnemonic phrase", "wallet seed phrase" },
    { "telegram desktop/tdata", "Telegram session" },
    { "/tdata", "Telegram session" },
    { NULL, NULL },
};

static const struct needle exfil[] = {
    { "webhook.site", "request catcher" },
    { "discord.com/api/webhooks", "Discord webhook" },
    { "discordapp.com/api/webhooks", "Discord webhook" },
    { "api.telegram.org/bot", "Telegram bot API" },
    { "pastebin.com", "paste site" },
    { "paste.ee", "paste site" },
    { "hastebin", "paste site" },
    { "ghostbin", "paste site" },
    { "rentry.co", "paste site" },
    { "glot.io", "paste site" },
    { "transfer.sh", "file drop" },
    { "file.io", "file drop" },
    { "0x0.st", "file drop" },
    { "ngrok.io", "ngrok tunnel" },
    { "ngrok-free.app", "ngrok tunnel" },
    { "ngrok.app", "ngrok tunnel" },
    { "trycloudflare.com", "Cloudflare quick tunnel" },
    { "serveo.net", "tunnel" },
    { "localhost.run", "tunnel" },
    { "requestbin", "request catcher" },
    { "pipedream.net", "request catcher" },
    { "interact.sh", "out-of-band catcher" },
    { ".oast.fun", "out-of-band catcher" },
    { ".oast.pro", "out-of-band catcher" },
    { ".oast.live", "out-of-band catcher" },
    { ".oast.site", "out-of-band catcher" },
    { ".oast.online", "out-of-band catcher" },
    { ".oast.me", "out-of-band catcher" },
    { "burpcollaborator", "out-of-band catcher" },
    { "canarytokens", "canary host" },
    { NULL, NULL },
};

/* Hosts that no vendor installer is served from: shorteners and dynamic DNS. */
static const char *const unvendor[] = { "bit.ly",      "tinyurl.",   "is.gd/",    "t.co/",
                                        "cutt.ly",     "rb.gy",      "shorturl.", "duckdns.",
                                        "no-ip.",      "ddns.",      "gist.",     "pages.dev",
                                        "workers.dev", "herokuapp.", "github.io", NULL };

bool sk_vendor_url(const char *t, size_t n)
{
    size_t urls = 0;
    for (size_t i = 0; i + 7 < n; i++) {
        if (strncasecmp(t + i, "http://", 7) == 0 || strncasecmp(t + i, "ftp://", 6) == 0) {
            return false;
        }
        if (n - i <= 8 || strncasecmp(t + i, "https://", 8) != 0) {
            continue;
        }
        size_t h = i + 8, e = h, dots = 0;
        bool alpha = false;
        while (e < n && (isalnum((unsigned char)t[e]) || t[e] == '-' || t[e] == '.')) {
            alpha |= isalpha((unsigned char)t[e]) != 0;
            dots += t[e] == '.';
            e++;
        }
        if (!alpha || dots == 0 || (e < n && (t[e] == '@' || t[e] == ':'))) {
            return false; /* raw IP, bare name, user@host or an odd port */
        }
        size_t ue = e;
        while (ue < n && t[ue] != ' ' && t[ue] != '\n' && t[ue] != '|' && t[ue] != '"' &&
               t[ue] != '\'' && t[ue] != ')') {
            ue++;
        }
        for (size_t k = 0; exfil[k].s != NULL; k++) {
            if (ci_find(t + h, ue - h, exfil[k].s) != NULL) {
                return false;
            }
        }
        for (size_t k = 0; unvendor[k] != NULL; k++) {
            if (ci_find(t + h, ue - h, unvendor[k]) != NULL) {
                return false;
            }
        }
        urls++;
        i = ue > i ? ue - 1 : i;
    }
    return urls > 0 && ci_find(t, n, "base64") == NULL && ci_find(t, n, "frombase64") == NULL;
}

static const struct needle persist[] = {
    { "launchagents", "launchd agent" },
    { "launchdaemons", "launchd daemon" },
    { "/etc/cron", "cron job" },
    { "/var/spool/cron", "cron job" },
    { ".config/systemd/user", "systemd user unit" },
    { "/etc/systemd/system", "systemd unit" },
    { "~/.bashrc", "shell start-up file" },
    { "~/.zshrc", "shell start-up file" },
    { "~/.profile", "shell start-up file" },
    { "~/.bash_profile", "shell start-up file" },
    { "~/.zprofile", "shell start-up file" },
    { "~/.zshenv", "shell start-up file" },
    { "$home/.bashrc", "shell start-up file" },
    { "$home/.zshrc", "shell start-up file" },
    { "$home/.profile", "shell start-up file" },
    { "currentversion\\run", "Windows Run key" },
    { "currentversion/run", "Windows Run key" },
    { "start menu\\programs\\startup", "Windows Startup folder" },
    { "/etc/rc.local", "rc.local" },
    { ".config/autostart", "XDG autostart" },
    { NULL, NULL },
};

/* http(s)://a.b.c.d with a public-looking address. */
static bool raw_ip_url(const char *w, size_t n, size_t *at)
{
    for (size_t i = 0; i + 7 < n; i++) {
        if (strncasecmp(w + i, "http://", 7) != 0 && strncasecmp(w + i, "https://", 8) != 0) {
            continue;
        }
        size_t p = i + (w[i + 4] == 's' || w[i + 4] == 'S' ? 8 : 7);
        unsigned parts = 0, val = 0, digits = 0, first = 0, second = 0;
        while (p < n) {
            char c = w[p];
            if (c >= '0' && c <= '9') {
                val = val * 10 + (unsigned)(c - '0');
                if (++digits > 3 || val > 255) {
                    break;
                }
            } else if (c == '.' && digits > 0 && parts < 3) {
                if (parts == 0) {
                    first = val;
                } else if (parts == 1) {
                    second = val;
                }
                parts++;
                val = digits = 0;
            } else {
                break;
            }
            p++;
        }
        bool end = p >= n || w[p] == '/' || w[p] == ':' || w[p] == '?' || w[p] == '"' ||
                   w[p] == '\'' || w[p] == ' ' || w[p] == ')';
        if (parts == 3 && digits > 0 && end) {
            bool local =
                first == 127 || first == 0 || first == 10 || (first == 192 && second == 168) ||
                (first == 172 && second >= 16 && second <= 31) || (first == 169 && second == 254);
            if (!local) {
                *at = i;
                return true;
            }
        }
    }
    return false;
}

static bool b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '-' || c == '_' || c == '=';
}

static bool hex_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A base64 run that decodes to an image, font or document (an SVG icon table, an embedded
 * PNG, a WOFF font): data, not a hidden payload. */
static bool b64_media(const char *w, size_t n)
{
    size_t dn = 0;
    char *d = sk_b64(w, n > 64 ? 64 : n, &dn);
    if (d == NULL) {
        return false;
    }
    static const struct {
        const char *m;
        size_t n;
    } magic[] = {
        { "<svg", 4 },         { "<?xml", 5 },    { "\x89PNG\r\n", 6 }, { "GIF8", 4 },
        { "\xff\xd8\xff", 3 }, { "%PDF-", 5 },    { "wOFF", 4 },        { "wOF2", 4 },
        { "OTTO", 4 },         { "\0\1\0\0", 4 }, { "RIFF", 4 },
    };
    bool media = false;
    for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]) && !media; i++) {
        media = dn >= magic[i].n && memcmp(d, magic[i].m, magic[i].n) == 0;
    }
    free(d);
    return media;
}

/* A long base64 or hex run (not a path: few '/'), with mixed classes for base64. */
static bool blob(const char *w, size_t n, const char **kind, size_t *start)
{
    size_t run = 0, upper = 0, lower = 0, digit = 0, slash = 0, hex = 0, best = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = (char)(i < n ? w[i] : ' ');
        if (i < n && b64_char(c)) {
            run++;
            upper += c >= 'A' && c <= 'Z';
            lower += c >= 'a' && c <= 'z';
            digit += c >= '0' && c <= '9';
            slash += c == '/';
            hex = hex_char(c) ? hex + 1 : 0;
            if (hex >= 200) {
                *kind = "hex blob";
                *start = i + 1 - hex;
                return true;
            }
        } else {
            if (run >= 200 && upper * 20 > run && lower * 20 > run && digit * 50 > run &&
                slash * 20 < run) {
                *kind = "base64 blob";
                *start = i - run;
                return true;
            }
            best = run > best ? run : best;
            run = upper = lower = digit = slash = hex = 0;
        }
    }
    (void)best;
    return false;
}

/* A credential file named by its bare name ("id_rsa" in a list of files never to commit, an
 * ignore list): a read only with a path before it (keys/id_rsa), a reading command or call
 * around it (k->key_read), or, in a prose line, words that read or send it. */
static bool key_read(const struct sk *k, const char *w, size_t n, const char *at)
{
    if (at > w && (at[-1] == '/' || at[-1] == '\\' || at[-1] == '@')) {
        return true;
    }
    if (k->key_read) {
        return true;
    }
    static const char *const verbs[] = { "read",    "cat ",  "cp ",   "scp ",   "copy",
                                         "upload",  "send",  "exfil", "steal",  "collect",
                                         "base64",  "curl",  "wget",  "open(",  "post ",
                                         "include", "paste", "print", "output", NULL };
    for (size_t i = 0; verbs[i] != NULL; i++) {
        if (ci_find(w, n, verbs[i]) != NULL) {
            return true;
        }
    }
    return false;
}

/* Credential files named by a bare file name, which lists of files never to commit
 * (.gitignore-style) name too. */
static bool bare_name(const char *needle)
{
    return strncmp(needle, "id_", 3) == 0 || strcmp(needle, ".netrc") == 0 ||
           strcmp(needle, ".pypirc") == 0 || strcmp(needle, ".git-credentials") == 0;
}

/* Every SSH key file named in w is a public key (~/.ssh/id_ed25519.pub: the one users paste
 * into GitHub), and nothing else of ~/.ssh is named. */
static bool only_public_keys(const char *w, size_t n)
{
    size_t keys = 0;
    for (size_t i = 0; i + 3 <= n; i++) {
        if (strncmp(w + i, "id_", 3) != 0) {
            continue;
        }
        size_t e = i + 3;
        while (e < n && ((w[e] >= 'a' && w[e] <= 'z') || (w[e] >= '0' && w[e] <= '9'))) {
            e++;
        }
        size_t kl = e - i - 3;
        bool key = (kl == 3 && strncmp(w + i + 3, "rsa", 3) == 0) ||
                   (kl == 3 && strncmp(w + i + 3, "dsa", 3) == 0) ||
                   (kl == 5 && strncmp(w + i + 3, "ecdsa", 5) == 0) ||
                   (kl == 7 && strncmp(w + i + 3, "ed25519", 7) == 0);
        if (!key) {
            continue;
        }
        if (n - e < 4 || strncmp(w + e, ".pub", 4) != 0) {
            return false;
        }
        keys++;
    }
    if (keys == 0) {
        return false;
    }
    /* "~/.ssh/" itself or another file of it (config, known_hosts are fine, a bare ~/.ssh is a
     * directory copy) */
    for (size_t i = 0; i + 5 <= n; i++) {
        if (strncasecmp(w + i, ".ssh", 4) == 0 && (i + 4 >= n || w[i + 4] != '/')) {
            return false;
        }
    }
    return true;
}

void sk_check_word(struct sk *k, const char *w, size_t n, uint32_t line, bool code)
{
    if (n < 4) {
        return;
    }
    for (size_t i = 0; harvest[i].s != NULL; i++) {
        const char *at = ci_find(w, n, harvest[i].s);
        if (at != NULL) {
            char msg[160];
            (void)snprintf(msg, sizeof(msg), "%s %s (%s)",
                           k->pattern ? "a regular expression names"
                           : code     ? "code reads"
                                      : "instructions name",
                           harvest[i].what, harvest[i].s);
            int sev = code ? CUSTODY_SEV_HIGH : CUSTODY_SEV_MEDIUM;
            bool project =
                strcmp(harvest[i].s, ".azure/") == 0 || strcmp(harvest[i].s, ".npmrc") == 0;
            bool ssh = strcmp(harvest[i].what, "SSH keys") == 0 ||
                       strcmp(harvest[i].what, "SSH private key") == 0;
            if (ssh && only_public_keys(w, n)) {
                /* cat ~/.ssh/id_ed25519.pub: the public half, shown to add it to a forge */
                sev = CUSTODY_SEV_LOW;
                (void)snprintf(msg, sizeof(msg), "%s an SSH public key (%s)",
                               code ? "code reads" : "instructions name", harvest[i].s);
            } else if (!k->pattern && bare_name(harvest[i].s) && !key_read(k, w, n, at)) {
                sev = CUSTODY_SEV_LOW;
                (void)snprintf(msg, sizeof(msg), "names the %s file %s without reading it",
                               harvest[i].what, harvest[i].s);
            }
            if (project && !home_anchored(w, (size_t)(at - w))) {
                /* ".azure/pipelines/ci.yml", "the project's .npmrc": the same names exist in
                 * every repository; only the copy in the home directory holds the login */
                sev = CUSTODY_SEV_LOW;
            }
            if (k->pattern) {
                sev = CUSTODY_SEV_LOW; /* what a scanner skill looks for, not a read */
            }
            sk_emit(k, line, "skill/credential-harvesting", sev, w, n, msg);
            break;
        }
    }
    for (size_t i = 0; exfil[i].s != NULL; i++) {
        if (ci_find(w, n, exfil[i].s) != NULL) {
            char msg[160];
            (void)snprintf(msg, sizeof(msg), "exfiltration endpoint: %s (%s)", exfil[i].what,
                           exfil[i].s);
            bool catcher = strstr(exfil[i].what, "catcher") != NULL;
            int sev = code || catcher ? CUSTODY_SEV_HIGH : CUSTODY_SEV_MEDIUM;
            /* a Telegram or Discord skill talking to its own bot: the token is the user's
             * (a placeholder or variable), or the skill is named after the service. A stealer
             * hard-codes its bot token and chat id. */
            const char *svc = strstr(exfil[i].what, "Telegram") != NULL  ? "telegram"
                              : strstr(exfil[i].what, "Discord") != NULL ? "discord"
                                                                         : NULL;
            if (svc != NULL) {
                const char *at = ci_find(w, n, exfil[i].s);
                size_t after = at != NULL ? (size_t)(at - w) + strlen(exfil[i].s) : n;
                bool placeholder =
                    after < n &&
                    (w[after] == '$' || w[after] == '{' || w[after] == '<' || w[after] == '%' ||
                     (n - after >= 4 && strncasecmp(w + after, "your", 4) == 0) ||
                     (n - after >= 3 && strncmp(w + after, "123", 3) == 0));
                bool named = ci_find(k->src->loc, strlen(k->src->loc), svc) != NULL;
                if (placeholder || named) {
                    sev = CUSTODY_SEV_LOW;
                }
            }
            if (k->pattern) {
                sev = CUSTODY_SEV_LOW;
            }
            sk_emit(k, line, "skill/exfil-endpoint", sev, w, n, msg);
            break;
        }
    }
    size_t at = 0;
    if (raw_ip_url(w, n, &at)) {
        sk_emit(k, line, "skill/exfil-endpoint", k->pattern ? CUSTODY_SEV_LOW : CU_SEV_DEFAULT,
                w + at, n - at, "URL with a raw IP address");
    }
    for (size_t i = 0; persist[i].s != NULL; i++) {
        if (ci_find(w, n, persist[i].s) != NULL) {
            char msg[160];
            (void)snprintf(msg, sizeof(msg), "%s %s (%s)",
                           k->pattern ? "a regular expression names"
                           : code     ? "code writes"
                                      : "instructions name",
                           persist[i].what, persist[i].s);
            bool rc = strcmp(persist[i].what, "shell start-up file") == 0;
            int sev = code ? CUSTODY_SEV_HIGH : CUSTODY_SEV_MEDIUM;
            if (rc && !code) {
                sev = CUSTODY_SEV_LOW; /* "add this to your ~/.zshrc" */
            } else if (rc && k->rc_sev != 0) {
                sev = k->rc_sev;
            }
            if (k->pattern) {
                sev = CUSTODY_SEV_LOW;
            }
            sk_emit(k, line, "skill/persistence", sev, w, n, msg);
            break;
        }
    }
    const char *kind = NULL;
    size_t bs = 0;
    if (n >= 200 && blob(w, n, &kind, &bs) && ci_find(w, n > 64 ? 64 : n, "data:image/") == NULL &&
        !(strcmp(kind, "base64 blob") == 0 && b64_media(w + bs, n - bs))) {
        sk_emit(k, line, "skill/obfuscation", CU_SEV_DEFAULT, w, n > 80 ? 80 : n, kind);
    }
}

char *sk_b64(const char *s, size_t n, size_t *out_len)
{
    char *out = cu_malloc(n / 4 * 3 + 4);
    if (out == NULL) {
        return NULL;
    }
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int v;
        if (c >= 'A' && c <= 'Z') {
            v = c - 'A';
        } else if (c >= 'a' && c <= 'z') {
            v = c - 'a' + 26;
        } else if (c >= '0' && c <= '9') {
            v = c - '0' + 52;
        } else if (c == '+' || c == '-') {
            v = 62;
        } else if (c == '/' || c == '_') {
            v = 63;
        } else if (c == '=') {
            break;
        } else {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xFFu);
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

bool sk_shell_worthy(const char *t, size_t n)
{
    static const char *const cmds[] = {
        "crontab", "launchctl", "systemctl", "schtasks",
        "reg ",    "unzip",     "7z",        "unrar",
        "xattr",   "spctl",     "osascript", "powershell",
        "pwsh",    "iex",       "invoke-",   "register-scheduledtask",
        "eval",    "-c ",       "base64",    "<<",
        NULL
    };
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '|' || t[i] == '`' ||
            ((t[i] == '$' || t[i] == '<') && i + 1 < n && t[i + 1] == '(')) {
            return true;
        }
    }
    for (size_t i = 0; cmds[i] != NULL; i++) {
        if (ci_find(t, n, cmds[i]) != NULL) {
            return true;
        }
    }
    return false;
}
