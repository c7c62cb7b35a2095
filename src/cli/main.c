#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "custody/custody.h"
#include "cli.h"

static const char usage[] =
    "usage: custody <command> [options]\n"
    "\n"
    "Custody establishes trust in AI artifacts before anything loads them.\n"
    "\n"
    "commands:\n"
    "  scan PATH...     statically analyse model files, archives and pickles (never executes "
    "them)\n"
    "  digest MODEL     print the OpenSSF model-signing (OMS) root digest of a model\n"
    "  deps diff OLD NEW compare the dependencies of two lockfiles or directories\n"
    "  rules            print the rule catalogue and the pickle policy (markdown or json)\n"
    "  version          print the version\n"
    "  help [COMMAND]   show help for a command\n"
    "\n"
    "Every command takes --help. Exit status: 0 clean, 1 findings at or above --fail-on,\n"
    "2 usage error or an input that could not be scanned.\n";

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)fputs("custody: ", stderr);
    (void)vfprintf(stderr, fmt, ap);
    (void)fputc('\n', stderr);
    va_end(ap);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        (void)fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "scan") == 0) {
        return cmd_scan(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "rules") == 0) {
        return cmd_rules(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "digest") == 0) {
        return cmd_digest(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "deps") == 0) {
        return cmd_deps(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        if (printf("custody %s\n", custody_version()) < 0) {
            return CLI_EXIT_USAGE;
        }
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        if (argc >= 3) {
            char *sub[] = { argv[2], "--help", NULL };
            if (strcmp(argv[2], "scan") == 0) {
                return cmd_scan(2, sub);
            }
            if (strcmp(argv[2], "rules") == 0) {
                return cmd_rules(2, sub);
            }
            if (strcmp(argv[2], "digest") == 0) {
                return cmd_digest(2, sub);
            }
            if (strcmp(argv[2], "deps") == 0) {
                return cmd_deps(2, sub);
            }
        }
        return fputs(usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    cli_errorf("unknown command '%s' (try 'custody --help')", cmd);
    return CLI_EXIT_USAGE;
}
