#ifndef CUSTODY_CLI_H
#define CUSTODY_CLI_H
/* The command-line shell: argument handling only; all logic is in the library. */
#include <stdio.h>

#define CLI_EXIT_OK       0
#define CLI_EXIT_FINDINGS 1
#define CLI_EXIT_USAGE    2

int cmd_scan(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_digest(int argc, char **argv);
int cmd_verify_bundle(int argc, char **argv);
int cmd_attest(int argc, char **argv);
int cmd_verify_attestation(int argc, char **argv);

/* sha256:<hex> into 32 bytes; 0 or -1. */
int cli_parse_digest(const char *s, unsigned char out[32]);
/* Prints err and maps it to an exit status: 1 for CUSTODY_EVERIFY, else 2. */
struct custody_error;
int cli_verify_status(const struct custody_error *err, const char *what);

/* Prints "custody: <msg>" to stderr (last-gasp output, unchecked by design). */
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
