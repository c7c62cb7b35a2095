/* custody deps diff OLD NEW: compare the dependencies of two lockfiles or two directories. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody/custody.h"
#include "cli.h"

static const char deps_usage[] =
    "usage: custody deps diff [--format text|json] [--fail-on SEV] [--registry-host HOST]...\n"
    "                         [--internal-scope @SCOPE]... [--internal-prefix PREFIX]...\n"
    "                         OLD NEW\n"
    "\n"
    "Compare the packages of two lockfiles (or two directories of manifests and lockfiles):\n"
    "list what was added, removed or changed, and flag what a reviewer must look at: a\n"
    "version on the known-malicious or worm lists (critical), a new install script, a source\n"
    "that moved off the registry or to another host, an integrity hash that changed for the\n"
    "same version (critical), a new package close to a popular name (high) or not among\n"
    "the popular names (low).\n"
    "\n"
    "  -f, --format FMT        text (default) or json (schema custody-deps-diff/1)\n"
    "      --fail-on SEV       exit 1 when a change is flagged at or above SEV (default high)\n"
    "      --registry-host H   allowed registry host (repeatable; default the public ones)\n"
    "      --internal-scope S  npm scope of internal packages (repeatable)\n"
    "      --internal-prefix P PyPI name prefix of internal packages (repeatable)\n"
    "\n"
    "Exit status: 0 nothing flagged at or above --fail-on, 1 something is, 2 usage error or\n"
    "an input that could not be read or parsed (never an empty diff).\n";

int cmd_deps(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        return fputs(deps_usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "diff") != 0) {
        (void)fputs(deps_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    argc--;
    argv++;
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "fail-on", required_argument, NULL, 'F' },
        { "registry-host", required_argument, NULL, 'R' },
        { "internal-scope", required_argument, NULL, 'S' },
        { "internal-prefix", required_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int json = 0;
    custody_severity fail_on = CUSTODY_SEV_HIGH;
    custody_prop *set = calloc((size_t)argc + 1, sizeof(*set));
    size_t nset = 0;
    int rc = CLI_EXIT_USAGE;
    custody_deps_diff *d = NULL;
    if (set == NULL) {
        cli_errorf("out of memory");
        return CLI_EXIT_USAGE;
    }
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (cli_text_or_json(optarg, &json) != 0) {
                cli_errorf("deps diff: unknown --format '%s' (text, json)", optarg);
                goto out;
            }
            break;
        case 'F':
            if (custody_severity_parse(&fail_on, optarg) != 0) {
                cli_errorf("deps diff: unknown --fail-on '%s' (critical, high, medium, low, "
                           "info)",
                           optarg);
                goto out;
            }
            break;
        case 'R':
            set[nset++] = (custody_prop){ "deps.registry-host", optarg };
            break;
        case 'S':
            set[nset++] = (custody_prop){ "deps.internal-scope", optarg };
            break;
        case 'P':
            set[nset++] = (custody_prop){ "deps.internal-prefix", optarg };
            break;
        case 'h':
            rc = fputs(deps_usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
            goto out;
        default:
            cli_errorf("deps diff: unknown option '%s' (try 'custody deps --help')",
                       argv[optind - 1]);
            goto out;
        }
    }
    if (argc - optind != 2) {
        cli_errorf("deps diff: expected OLD and NEW (try 'custody deps --help')");
        goto out;
    }
    custody_scan_options o;
    memset(&o, 0, sizeof(o));
    o.settings = set;
    o.nsettings = nset;
    custody_error err;
    memset(&err, 0, sizeof(err));
    if (custody_deps_diff_run(&d, argv[optind], argv[optind + 1], &o, &err) != 0) {
        cli_errorf("deps diff: %s%s%s", err.where[0] != '\0' ? err.where : "",
                   err.where[0] != '\0' ? ": " : "", err.msg);
        goto out;
    }
    if (custody_deps_diff_write(stdout, d, json, fail_on, &err) != 0) {
        cli_errorf("deps diff: %s", err.msg);
        goto out;
    }
    rc = CLI_EXIT_OK;
    for (size_t i = 0; i < custody_deps_diff_count(d); i++) {
        const custody_dep_change *ch = custody_deps_diff_change(d, i);
        if (ch->flagged && ch->severity >= fail_on) {
            rc = CLI_EXIT_FINDINGS;
        }
    }
out:
    custody_deps_diff_free(d);
    free(set);
    return rc;
}
