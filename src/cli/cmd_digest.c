/* custody digest: the OMS v1.0 root digest of a model, as `model_signing digest` prints it. */
#define _GNU_SOURCE /* realpath, strdup */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custody/custody.h"
#include "cli.h"

static const char digest_usage[] =
    "usage: custody digest [--ignore-paths PATH]... [--no-ignore-git-paths] [--allow-symlinks]\n"
    "                      MODEL\n"
    "\n"
    "Print the OpenSSF model-signing (OMS v1.0) root digest of MODEL (a directory or one file),\n"
    "\"files\" serialization: SHA-256 over the SHA-256 of every file, in path-component order.\n"
    "It is the subject digest `custody sign` and `model_signing sign` put in a signature, and\n"
    "what `model_signing digest` prints (\"sha256:<hex>\").\n"
    "\n"
    "  --ignore-paths PATH    leave PATH (and all below it) out; PATH is absolute or relative\n"
    "                         to the current directory, as with model_signing; repeatable\n"
    "  --no-ignore-git-paths  hash .git/, .gitattributes, .github/, .gitignore at the model\n"
    "                         root too (left out by default)\n"
    "  --allow-symlinks       follow symlinks (by default a symlink is an error)\n"
    "\n"
    "Exit status: 0 printed, 2 usage error or a model that could not be hashed (a special\n"
    "file, a symlink, an unreadable file, or nothing left to hash).\n";

int cmd_digest(int argc, char **argv)
{
    const char *model = NULL;
    custody_digest_opts opts = { 0 };
    const char **ign = NULL;
    char **rel = NULL;
    size_t n_ign = 0, n_rel = 0;
    int rc = CLI_EXIT_USAGE;
    char *root = NULL;

    ign = calloc((size_t)argc + 1, sizeof(*ign));
    rel = calloc((size_t)argc + 1, sizeof(*rel));
    if (ign == NULL || rel == NULL) {
        cli_errorf("out of memory");
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            rc = fputs(digest_usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
            goto out;
        } else if (strcmp(a, "--ignore-paths") == 0) {
            if (i + 1 >= argc) {
                cli_errorf("--ignore-paths needs a PATH");
                goto out;
            }
            ign[n_ign++] = argv[++i];
        } else if (strncmp(a, "--ignore-paths=", 15) == 0) {
            ign[n_ign++] = a + 15;
        } else if (strcmp(a, "--no-ignore-git-paths") == 0) {
            opts.include_git_paths = true;
        } else if (strcmp(a, "--ignore-git-paths") == 0) {
            opts.include_git_paths = false;
        } else if (strcmp(a, "--allow-symlinks") == 0) {
            opts.allow_symlinks = true;
        } else if (strcmp(a, "--") == 0 && i + 1 < argc && model == NULL) {
            model = argv[++i];
        } else if (a[0] == '-' && a[1] != 0) {
            cli_errorf("digest: unknown option '%s' (try 'custody digest --help')", a);
            goto out;
        } else if (model == NULL) {
            model = a;
        } else {
            cli_errorf("digest: one MODEL only ('%s' is extra)", a);
            goto out;
        }
    }
    if (model == NULL) {
        (void)fputs(digest_usage, stderr);
        goto out;
    }
    if (n_ign > 0) {
        root = realpath(model, NULL);
        if (root == NULL) {
            cli_errorf("%s: cannot resolve the model path", model);
            goto out;
        }
        for (size_t i = 0; i < n_ign; i++) {
            char *r = cli_rel_ignore(root, ign[i]);
            if (r != NULL) {
                rel[n_rel++] = r;
            }
        }
    }
    opts.ignore_paths = (const char *const *)rel;
    opts.n_ignore_paths = n_rel;

    uint8_t d[32];
    custody_error err = { 0 };
    if (custody_digest(d, model, &opts, &err) != 0) {
        cli_errorf("digest: %s%s%s", err.where[0] != 0 ? err.where : "",
                   err.where[0] != 0 ? ": " : "", err.msg);
        goto out;
    }
    char hex[65];
    for (size_t i = 0; i < 32; i++) {
        (void)snprintf(hex + 2 * i, 3, "%02x", d[i]);
    }
    rc = printf("sha256:%s\n", hex) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
out:
    if (rel != NULL) {
        for (size_t i = 0; i < n_rel; i++) {
            free(rel[i]);
        }
    }
    free(rel);
    free(ign);
    free(root);
    return rc;
}
