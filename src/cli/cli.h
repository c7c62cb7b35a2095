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
int cmd_deps(int argc, char **argv);

/* Prints "custody: <msg>" to stderr (last-gasp output, unchecked by design). */
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
