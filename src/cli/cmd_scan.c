#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "custody/agents.h"
#include "custody/custody.h"
#include "cli.h"

/* Settings reach the analyzers as key/value pairs (custody_scan_options.settings). */
#define CLI_MAX_SETTINGS 64

static bool add_setting(custody_prop *settings, size_t *n, const char *key, const char *value)
{
    if (*n >= CLI_MAX_SETTINGS) {
        cli_errorf("scan: too many settings (at most %d)", CLI_MAX_SETTINGS);
        return false;
    }
    settings[*n].key = key;
    settings[*n].value = value;
    (*n)++;
    return true;
}

static bool is_sha256_hex(const char *s)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        char c = s[n];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return n == 64;
}

static const char scan_usage[] =
    "usage: custody scan [options] PATH...\n"
    "\n"
    "Statically analyse files and directories (recursively) without executing anything.\n"
    "Model formats are recognised by content, never by extension: pickle (protocols 0-5, also\n"
    "concatenated and nested), PyTorch zip and legacy checkpoints, NumPy, joblib, safetensors,\n"
    "GGUF, ONNX, TensorFlow, TFLite, Keras, zip/tar/7z archives and compressed streams, nested\n"
    "to a depth limit. Files that tools load by name are recognised by name and shape:\n"
    "dependency manifests and lockfiles (npm, yarn, pnpm, bun, pip, Poetry, uv, Pipfile,\n"
    "pylock), registry configs, MCP and agent configs (Claude, Cursor, VS Code, Windsurf,\n"
    "Gemini, Codex, ...), MCP tool snapshots, LangChain manifests, agent skills (SKILL.md and\n"
    "their scripts), prompts and agent rules files. Symlinks are reported and never followed\n"
    "out of the tree. Secrets are shown redacted in every output format.\n"
    "\n"
    "options:\n"
    "  -f, --format FMT      text (default), json or sarif (SARIF 2.1.0)\n"
    "  -o, --output FILE     write the report to FILE instead of standard output\n"
    "      --fail-on SEV     exit 1 when a finding is at or above SEV: critical, high\n"
    "                        (default), medium, low or info\n"
    "  -j, --threads N       worker threads (default: one per CPU)\n"
    "      --max-depth N     container nesting limit (default 16, at most 64)\n"
    "      --color WHEN      auto (default), always or never\n"
    "      --no-progress     no progress line on standard error\n"
    "  -v, --verbose         also list every scanned file in text output\n"
    "      --internal-scope S    npm scope of internal packages (@acme; repeatable): found\n"
    "                            resolved from a public registry = deps/dependency-confusion\n"
    "      --internal-prefix P   PyPI name prefix of internal packages (repeatable)\n"
    "      --registry-host H     allowed registry host (repeatable; replaces the default\n"
    "                            registry.npmjs.org, registry.yarnpkg.com, pypi.org, ...)\n"
    "      --db PATH         advisory store for deps/ checks (custody db import-osv)\n"
    "      --ioc-sha256 HEX  SHA-256 of a known-bad file (64 hex digits; repeatable): every\n"
    "                        file is hashed and a match is deps/worm-file, like the built-in\n"
    "                        worm payload hashes\n"
    "      --host            also scan this user's agent configs (Claude, Cursor, VS Code,\n"
    "                        Windsurf, Gemini, Codex, ...); PATH is then optional\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit status:\n"
    "  0  nothing at or above --fail-on\n"
    "  1  at least one finding at or above --fail-on\n"
    "  2  usage error, or an input that could not be read or scanned (fail closed)\n";

struct progress {
    int enabled;
    struct timespec start;
    int shown;
};

static double elapsed(const struct timespec *t0)
{
    struct timespec now;
    (void)clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void on_progress(void *ud, const char *path, size_t done, size_t total)
{
    struct progress *p = ud;
    if (!p->enabled || elapsed(&p->start) < 0.5) {
        return;
    }
    p->shown = 1;
    size_t len = strlen(path);
    const char *tail = len > 60 ? path + len - 60 : path;
    (void)fprintf(stderr, "\r\033[K[%zu/%zu] %s%s", done, total, len > 60 ? "..." : "", tail);
}

/* A manifest or lockfile named on the command line that could not be parsed (deps/malformed,
 * deps/unsupported-version) fails closed: exit 2, as an unreadable file does. */
static bool named_depfile_unreadable(const custody_scan *scan, int n, char **paths)
{
    for (size_t i = 0; i < custody_scan_finding_count(scan); i++) {
        const custody_finding *f = custody_scan_finding(scan, i);
        if (strcmp(f->rule_id, "deps/malformed") != 0 &&
            strcmp(f->rule_id, "deps/unsupported-version") != 0) {
            continue;
        }
        for (int k = 0; k < n; k++) {
            if (strcmp(f->path, paths[k]) == 0 && strcmp(f->location, f->path) == 0) {
                return true;
            }
        }
    }
    return false;
}

int cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "fail-on", required_argument, NULL, 'F' },
        { "threads", required_argument, NULL, 'j' },
        { "max-depth", required_argument, NULL, 'D' },
        { "color", required_argument, NULL, 'C' },
        { "no-progress", no_argument, NULL, 'P' },
        { "verbose", no_argument, NULL, 'v' },
        { "internal-scope", required_argument, NULL, 'S' },
        { "internal-prefix", required_argument, NULL, 'X' },
        { "registry-host", required_argument, NULL, 'R' },
        { "db", required_argument, NULL, 'B' },
        { "ioc-sha256", required_argument, NULL, 'I' },
        { "host", no_argument, NULL, 'H' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    custody_report_options ropts = { CUSTODY_REPORT_TEXT, 0, CUSTODY_SEV_HIGH, 0 };
    custody_scan_options sopts;
    memset(&sopts, 0, sizeof(sopts));
    const char *out_path = NULL;
    custody_prop settings[CLI_MAX_SETTINGS];
    size_t nsettings = 0;
    const char *color = "auto";
    int no_progress = 0;
    int host = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:j:vh", longopts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'f':
            if (custody_report_format_parse(&ropts.format, optarg) != 0) {
                cli_errorf("scan: unknown --format '%s' (text, json or sarif)", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'S':
        case 'X':
        case 'R':
            if (!add_setting(settings, &nsettings,
                             c == 'S'   ? "deps.internal-scope"
                             : c == 'X' ? "deps.internal-prefix"
                                        : "deps.registry-host",
                             optarg)) {
                return CLI_EXIT_USAGE;
            }
            break;
        case 'F':
            if (custody_severity_parse(&ropts.fail_on, optarg) != 0) {
                cli_errorf("scan: unknown --fail-on '%s' (critical, high, medium, low, info)",
                           optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'j': {
            unsigned long v = strtoul(optarg, &end, 10);
            if (end == optarg || *end != '\0' || v > 1024) {
                cli_errorf("scan: --threads wants a number from 0 to 1024, not '%s'", optarg);
                return CLI_EXIT_USAGE;
            }
            sopts.threads = (unsigned)v;
            break;
        }
        case 'D': {
            unsigned long v = strtoul(optarg, &end, 10);
            if (end == optarg || *end != '\0' || v < 1 || v > 64) {
                cli_errorf("scan: --max-depth wants a number from 1 to 64, not '%s'", optarg);
                return CLI_EXIT_USAGE;
            }
            sopts.max_depth = (unsigned)v;
            break;
        }
        case 'C':
            if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "always") != 0 &&
                strcmp(optarg, "never") != 0) {
                cli_errorf("scan: --color wants auto, always or never");
                return CLI_EXIT_USAGE;
            }
            color = optarg;
            break;
        case 'P':
            no_progress = 1;
            break;
        case 'v':
            ropts.verbose = 1;
            break;
        case 'B':
            if (access(optarg, R_OK) != 0) {
                cli_errorf("scan: cannot read the store '%s' (create it with custody db "
                           "import-osv)",
                           optarg);
                return CLI_EXIT_USAGE;
            }
            if (!add_setting(settings, &nsettings, "store.path", optarg)) {
                return CLI_EXIT_USAGE;
            }
            break;
        case 'I':
            if (!is_sha256_hex(optarg)) {
                cli_errorf("scan: --ioc-sha256 wants a SHA-256 of 64 hex digits, not '%s'", optarg);
                return CLI_EXIT_USAGE;
            }
            if (!add_setting(settings, &nsettings, "deps.worm-sha256", optarg)) {
                return CLI_EXIT_USAGE;
            }
            break;
        case 'H':
            host = 1;
            break;
        case 'h':
            return fputs(scan_usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
        default:
            (void)fputs(scan_usage, stderr);
            return CLI_EXIT_USAGE;
        }
    }
    sopts.settings = settings;
    sopts.nsettings = nsettings;
    if (optind >= argc && !host) {
        cli_errorf("scan: no PATH given");
        (void)fputs(scan_usage, stderr);
        return CLI_EXIT_USAGE;
    }

    FILE *out = stdout;
    if (out_path != NULL && strcmp(out_path, "-") != 0) {
        out = fopen(out_path, "w");
        if (out == NULL) {
            cli_errorf("scan: cannot write '%s'", out_path);
            return CLI_EXIT_USAGE;
        }
    }
    if (strcmp(color, "always") == 0) {
        ropts.color = 1;
    } else if (strcmp(color, "auto") == 0) {
        ropts.color = out == stdout && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    }
    ropts.color = ropts.color && ropts.format == CUSTODY_REPORT_TEXT;

    struct progress prog = { !no_progress && isatty(STDERR_FILENO), { 0, 0 }, 0 };
    (void)clock_gettime(CLOCK_MONOTONIC, &prog.start);
    if (prog.enabled) { /* no callback, no per-file lock, when nobody watches */
        sopts.progress = on_progress;
        sopts.progress_ud = &prog;
    }

    custody_error err;
    memset(&err, 0, sizeof(err));
    custody_scan *scan = NULL;
    int status = CLI_EXIT_USAGE;
    if (custody_scan_new(&scan, &sopts, &err) != 0) {
        cli_errorf("scan: %s", err.msg);
        goto out;
    }
    for (int i = optind; i < argc; i++) {
        if (custody_scan_add_path(scan, argv[i], &err) != 0) {
            cli_errorf("scan: %s: %s", argv[i], err.msg);
            goto out;
        }
    }
    if (host) {
        char **hp = NULL;
        size_t hn = 0;
        if (custody_agent_host_paths(NULL, &hp, &hn, &err) != 0) {
            cli_errorf("scan: --host: %s", err.msg);
            goto out;
        }
        int bad = 0;
        for (size_t i = 0; i < hn && !bad; i++) {
            bad = custody_scan_add_path(scan, hp[i], &err) != 0;
        }
        custody_agent_host_paths_free(hp, hn);
        if (bad) {
            cli_errorf("scan: --host: %s", err.msg);
            goto out;
        }
    }
    if (custody_scan_run(scan, &err) != 0) {
        cli_errorf("scan: %s", err.msg);
        goto out;
    }
    if (prog.shown) {
        (void)fputs("\r\033[K", stderr);
    }
    if (custody_report_write(out, scan, &ropts, &err) != 0) {
        cli_errorf("scan: cannot write the report: %s", err.msg);
        goto out;
    }
    for (size_t i = 0; i < custody_scan_file_count(scan); i++) {
        const custody_file *f = custody_scan_file(scan, i);
        if (f->status == CUSTODY_FILE_ERROR) {
            cli_errorf("%s: %s", f->path, f->reason != NULL ? f->reason : "cannot be scanned");
        }
    }
    if (custody_scan_had_errors(scan) ||
        named_depfile_unreadable(scan, argc - optind, argv + optind)) {
        status = CLI_EXIT_USAGE;
    } else if (custody_scan_finding_count(scan) > 0 &&
               custody_scan_max_severity(scan) >= ropts.fail_on) {
        status = CLI_EXIT_FINDINGS;
    } else {
        status = CLI_EXIT_OK;
    }
out:
#ifdef NDEBUG
    /* The process ends here: handing back a few hundred thousand report strings one by one
     * is a millisecond per thousand files of serial time. Debug and sanitizer builds free
     * everything, so the leak checker still sees the library's own cleanup. */
    (void)scan;
#else
    custody_scan_free(scan);
#endif
    if (out != stdout && out != NULL && fclose(out) != 0) {
        cli_errorf("scan: cannot write '%s'", out_path);
        status = CLI_EXIT_USAGE;
    }
    return status;
}
