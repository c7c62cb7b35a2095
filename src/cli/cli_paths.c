/* Paths given on the command line, as the reference CLI resolves them. */
#define _GNU_SOURCE /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Absolute, resolved form of p (which may not exist yet: then its directory is resolved and
 * the last component kept). NULL on failure. */
static char *cli_resolve(const char *p)
{
    char *abs = NULL;
    if (p[0] == '/') {
        abs = strdup(p);
    } else {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof(cwd)) != NULL) {
            size_t n = strlen(cwd) + strlen(p) + 2;
            abs = malloc(n);
            if (abs != NULL) {
                (void)snprintf(abs, n, "%s/%s", cwd, p);
            }
        }
    }
    if (abs == NULL) {
        return NULL;
    }
    char *real = realpath(abs, NULL);
    if (real != NULL) {
        free(abs);
        return real;
    }
    char *slash = strrchr(abs, '/');
    if (slash != NULL && slash[1] != 0 && strcmp(slash + 1, "..") != 0 &&
        strcmp(slash + 1, ".") != 0) {
        *slash = 0;
        char *dir = realpath(abs[0] != 0 ? abs : "/", NULL);
        if (dir != NULL) {
            size_t n = strlen(dir) + strlen(slash + 1) + 2;
            real = malloc(n);
            if (real != NULL) {
                (void)snprintf(real, n, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, slash + 1);
            }
            free(dir);
        }
        *slash = '/';
    }
    if (real != NULL) {
        free(abs);
        return real;
    }
    return abs; /* stays as given */
}

char *cli_rel_ignore(const char *model_root, const char *p)
{
    char *use = cli_resolve(p);
    char *rel = NULL;
    if (use == NULL) {
        return NULL;
    }
    size_t rn = strlen(model_root);
    if (strcmp(use, model_root) == 0) {
        rel = strdup(".");
    } else if (strncmp(use, model_root, rn) == 0 && use[rn] == '/') {
        rel = strdup(use + rn + 1);
    } else if (strcmp(model_root, "/") == 0 && use[0] == '/') {
        rel = strdup(use + 1);
    }
    free(use);
    return rel;
}
