#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "custody/custody.h"
#include "cli.h"

/* One row a command: the name, what `custody --help` says of it, and its entry point. */
struct cli_command {
    const char *name;
    const char *args;
    const char *summary;
    int (*run)(int argc, char **argv);
};

/* clang-format off */
static const struct cli_command commands[] = {
    { "scan", "PATH...", "statically analyse models, lockfiles, agent configs, skills, prompts", cmd_scan },
    { "digest", "MODEL", "print the OpenSSF model-signing (OMS) root digest of a model", cmd_digest },
    { "keygen", "-o KEY", "write an ECDSA key pair for signing", cmd_keygen },
    { "sign", "MODEL", "sign a model (OpenSSF model signing, OMS v1.0)", cmd_sign },
    { "verify", "MODEL", "verify a model against its signature; name every changed file", cmd_verify },
    { "attest", "ARTIFACT...", "write signed SLSA provenance v1 (DSSE Sigstore bundle)", cmd_attest },
    { "verify-attestation", "ART", "verify SLSA provenance like slsa-verifier (offline)", cmd_verify_attestation },
    { "verify-bundle", "FILE", "verify a Sigstore bundle offline (sigstore-conformance shape)", cmd_verify_bundle },
    { "bom", "PATH...", "write an AI bill of materials (CycloneDX, SPDX); bom diff OLD NEW", cmd_bom },
    { "deps", "diff OLD NEW", "what a dependency update changed, and what to review", cmd_deps },
    { "db", "import-osv ZIP", "import OSV advisories and name lists into the local store", cmd_db },
    { "rules", "", "print the rule catalogue and the pickle policy (markdown or json)", cmd_rules },
};
/* clang-format on */
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int usage(FILE *f)
{
    int bad = fputs("usage: custody <command> [options]\n\n"
                    "Custody establishes trust in AI artifacts before anything loads them.\n\n"
                    "commands:\n",
                    f) < 0;
    for (size_t i = 0; i < N_COMMANDS; i++) {
        char head[64];
        (void)snprintf(head, sizeof(head), "%s %s", commands[i].name, commands[i].args);
        bad |= fprintf(f, "  %-24s %s\n", head, commands[i].summary) < 0;
    }
    bad |= fprintf(f, "  %-24s %s\n  %-24s %s\n\n", "version", "print the version",
                   "help [COMMAND]", "show help for a command") < 0;
    bad |= fputs("Every command takes --help. Exit status: 0 clean, 1 findings at or above "
                 "--fail-on\n(or a signature that does not verify), 2 usage error or an input "
                 "that could not be read.\n",
                 f) < 0;
    return bad ? CLI_EXIT_USAGE : CLI_EXIT_OK;
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)fputs("custody: ", stderr);
    (void)vfprintf(stderr, fmt, ap);
    (void)fputc('\n', stderr);
    va_end(ap);
}

int cli_text_or_json(const char *arg, int *json)
{
    if (strcmp(arg, "json") == 0) {
        *json = 1;
        return 0;
    }
    return strcmp(arg, "text") == 0 ? 0 : -1;
}

static const struct cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(commands[i].name, name) == 0) {
            return &commands[i];
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        (void)usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    const struct cli_command *c = find_command(cmd);
    if (c != NULL) {
        return c->run(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        if (printf("custody %s\n", custody_version()) < 0) {
            return CLI_EXIT_USAGE;
        }
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        if (argc >= 3 && (c = find_command(argv[2])) != NULL) {
            char *sub[] = { argv[2], "--help", NULL };
            return c->run(2, sub);
        }
        return usage(stdout);
    }
    cli_errorf("unknown command '%s' (try 'custody --help')", cmd);
    return CLI_EXIT_USAGE;
}
