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
int cmd_keygen(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* An ignore path as the reference CLI takes it (absolute, or relative to the working
 * directory; resolved) made relative to the resolved model root `model_root`; "." for the root
 * itself; NULL when it lies outside the model (then it ignores nothing) or on ENOMEM. */
char *cli_rel_ignore(const char *model_root, const char *p);
/* First line of a passphrase file (freshly allocated), or NULL after printing why. */
char *cli_read_passphrase(const char *path);
int cmd_verify_bundle(int argc, char **argv);
int cmd_attest(int argc, char **argv);
int cmd_verify_attestation(int argc, char **argv);

/* The value of option `name` at argv[*i] ("--name VALUE", advancing *i, or "--name=VALUE");
 * NULL when argv[*i] is another option or the value is missing. */
const char *cli_opt_value(int argc, char **argv, int *i, const char *name);
/* The SHA-256 of an artifact given as "sha256:<hex>" or a file to hash into d: CLI_EXIT_OK,
 * or the exit status after printing why ("<verb>: bad digest '<art>'<hint>"). */
int cli_artifact_digest(const char *verb, const char *art, const char *hint, unsigned char d[32]);
/* --format text|json: sets *json to 1 for "json", leaves it for "text"; 0, or -1 for another
 * word (the caller says so). */
int cli_text_or_json(const char *arg, int *json);
/* sha256:<hex> into 32 bytes; 0 or -1. */
int cli_parse_digest(const char *s, unsigned char out[32]);
/* Prints err and maps it to an exit status: 1 for CUSTODY_EVERIFY, else 2. */
struct custody_error;
int cli_verify_status(const struct custody_error *err, const char *what);
int cmd_bom(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_deps(int argc, char **argv);

/* Prints "custody: <msg>" to stderr (last-gasp output, unchecked by design). */
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
