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
    "  keygen -o KEY    write an ECDSA key pair for signing\n"
    "  sign MODEL       sign a model (OpenSSF model signing, OMS v1.0)\n"
    "  verify MODEL     verify a model against its signature\n"
    "  attest ARTIFACT...  write signed SLSA provenance v1 (DSSE Sigstore bundle)\n"
    "  verify-attestation  verify SLSA provenance like slsa-verifier (offline)\n"
    "  verify-bundle    verify a Sigstore bundle offline (sigstore-conformance shape)\n"
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
    if (strcmp(cmd, "keygen") == 0) {
        return cmd_keygen(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "sign") == 0) {
        return cmd_sign(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "verify") == 0) {
        return cmd_verify(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "attest") == 0) {
        return cmd_attest(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "verify-attestation") == 0) {
        return cmd_verify_attestation(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "verify-bundle") == 0) {
        return cmd_verify_bundle(argc - 1, argv + 1);
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
            if (strcmp(argv[2], "keygen") == 0) {
                return cmd_keygen(2, sub);
            }
            if (strcmp(argv[2], "sign") == 0) {
                return cmd_sign(2, sub);
            }
            if (strcmp(argv[2], "verify") == 0) {
                return cmd_verify(2, sub);
            }
            if (strcmp(argv[2], "attest") == 0) {
                return cmd_attest(2, sub);
            }
            if (strcmp(argv[2], "verify-attestation") == 0) {
                return cmd_verify_attestation(2, sub);
            }
            if (strcmp(argv[2], "verify-bundle") == 0) {
                return cmd_verify_bundle(2, sub);
            }
        }
        return fputs(usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    cli_errorf("unknown command '%s' (try 'custody --help')", cmd);
    return CLI_EXIT_USAGE;
}
