/* custody sign: an OpenSSF model-signing (OMS v1.0) signature, as `model_signing sign`. */
#define _GNU_SOURCE /* realpath */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody/custody.h"
#include "cli.h"

static const char sign_usage[] =
    "usage: custody sign MODEL --key KEY [--cert LEAF [--cert-chain PEM]...]\n"
    "                    [--signature OUT] [--ignore-paths PATH]... [--allow-symlinks]\n"
    "                    [--no-ignore-git-paths] [--passphrase-file F] [--shard-size N]\n"
    "\n"
    "Sign MODEL (a directory or one file) in the OpenSSF model-signing format (OMS v1.0):\n"
    "a Sigstore bundle v0.3 holding a DSSE-signed in-toto statement that lists every file's\n"
    "SHA-256, byte-compatible with `model_signing sign key|certificate`.\n"
    "\n"
    "  --key KEY              PEM private key (ECDSA P-256, P-384 or P-521)\n"
    "  --passphrase-file F    the key's passphrase (first line of F)\n"
    "  --cert LEAF            sign with a certificate: LEAF holds the key's certificate;\n"
    "                         the bundle carries LEAF and the --cert-chain certificates\n"
    "  --cert-chain PEM...    intermediate (and root) certificates to put in the bundle\n"
    "  --signature OUT        where to write the bundle (default: model.sig); when inside\n"
    "                         MODEL it is left out of the signature\n"
    "  --ignore-paths PATH    leave PATH out (absolute, or relative to the current\n"
    "                         directory, as with model_signing); repeatable; recorded in\n"
    "                         the signature\n"
    "  --no-ignore-git-paths  sign .git/, .gitattributes, .github/, .gitignore too\n"
    "  --allow-symlinks       follow symlinks (by default a symlink is an error)\n"
    "  --shard-size N         \"shards\" serialization: hash files in N-byte shards, in\n"
    "                         parallel (default: \"files\", one digest per file)\n"
    "\n"
    "Exit status: 0 signed, 2 usage error or a model, key or certificate that could not be\n"
    "read (an empty model, a symlink, a special file, a key that does not match LEAF).\n";

struct sign_args {
    const char *model, *key, *cert, *sig, *pass_file;
    const char **chain, **ign;
    size_t n_chain, n_ign;
    bool allow_symlinks, git;
    unsigned long long shard;
};

static int sign_parse(struct sign_args *s, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            return fputs(sign_usage, stdout) < 0 ? CLI_EXIT_USAGE : -1;
        } else if ((strcmp(a, "--key") == 0 || strcmp(a, "--private-key") == 0) && has) {
            s->key = argv[++i];
        } else if ((strcmp(a, "--cert") == 0 || strcmp(a, "--signing-cert") == 0) && has) {
            s->cert = argv[++i];
        } else if ((strcmp(a, "--cert-chain") == 0 || strcmp(a, "--certificate-chain") == 0) &&
                   has) {
            s->chain[s->n_chain++] = argv[++i];
            /* "--cert-chain A B ...": more files when MODEL is already known */
            while (s->model != NULL && i + 1 < argc && argv[i + 1][0] != '-') {
                s->chain[s->n_chain++] = argv[++i];
            }
        } else if ((strcmp(a, "--signature") == 0 || strcmp(a, "-o") == 0) && has) {
            s->sig = argv[++i];
        } else if (strcmp(a, "--ignore-paths") == 0 && has) {
            s->ign[s->n_ign++] = argv[++i];
        } else if (strcmp(a, "--passphrase-file") == 0 && has) {
            s->pass_file = argv[++i];
        } else if (strcmp(a, "--shard-size") == 0 && has) {
            char *end = NULL;
            s->shard = strtoull(argv[++i], &end, 10);
            if (end == argv[i] || *end != 0 || s->shard == 0) {
                cli_errorf("sign: --shard-size needs a positive number of bytes");
                return CLI_EXIT_USAGE;
            }
        } else if (strcmp(a, "--allow-symlinks") == 0) {
            s->allow_symlinks = true;
        } else if (strcmp(a, "--no-ignore-git-paths") == 0) {
            s->git = true;
        } else if (strcmp(a, "--ignore-git-paths") == 0) {
            s->git = false;
        } else if (a[0] == '-' && a[1] != 0) {
            cli_errorf("sign: unknown option or missing value '%s' (try 'custody sign --help')", a);
            return CLI_EXIT_USAGE;
        } else if (s->model == NULL) {
            s->model = a;
        } else {
            cli_errorf("sign: one MODEL only ('%s' is extra)", a);
            return CLI_EXIT_USAGE;
        }
    }
    if (s->model == NULL || s->key == NULL) {
        cli_errorf("sign: MODEL and --key are required (try 'custody sign --help')");
        return CLI_EXIT_USAGE;
    }
    return 0;
}

int cmd_sign(int argc, char **argv)
{
    struct sign_args s = { 0 };
    char **rel = NULL;
    size_t n_rel = 0;
    char *root = NULL, *pass = NULL;
    int rc = CLI_EXIT_USAGE;
    s.chain = calloc((size_t)argc + 1, sizeof(*s.chain));
    s.ign = calloc((size_t)argc + 2, sizeof(*s.ign));
    rel = calloc((size_t)argc + 2, sizeof(*rel));
    if (s.chain == NULL || s.ign == NULL || rel == NULL) {
        cli_errorf("out of memory");
        goto out;
    }
    int prc = sign_parse(&s, argc, argv);
    if (prc != 0) {
        rc = prc < 0 ? CLI_EXIT_OK : prc;
        goto out;
    }
    if (s.sig == NULL) {
        s.sig = "model.sig";
    }
    root = realpath(s.model, NULL);
    if (root == NULL) {
        cli_errorf("sign: %s: cannot resolve the model path", s.model);
        goto out;
    }
    s.ign[s.n_ign++] = s.sig; /* the signature never signs itself */
    for (size_t i = 0; i < s.n_ign; i++) {
        char *r = cli_rel_ignore(root, s.ign[i]);
        if (r != NULL) {
            rel[n_rel++] = r;
        }
    }
    if (s.pass_file != NULL && (pass = cli_read_passphrase(s.pass_file)) == NULL) {
        goto out;
    }
    custody_sign_opts o = { 0 };
    o.digest.ignore_paths = (const char *const *)rel;
    o.digest.n_ignore_paths = n_rel;
    o.digest.allow_symlinks = s.allow_symlinks;
    o.digest.include_git_paths = s.git;
    o.key_path = s.key;
    o.passphrase = pass;
    o.cert_path = s.cert;
    o.chain_paths = s.chain;
    o.n_chain = s.n_chain;
    o.shard_size = s.shard;
    custody_error err = { 0 };
    if (custody_sign(s.model, s.sig, &o, &err) != 0) {
        cli_errorf("sign: %s%s%s", err.where, err.where[0] != 0 ? ": " : "", err.msg);
        goto out;
    }
    rc = printf("signed %s: %s\n", s.model, s.sig) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
out:
    for (size_t i = 0; i < n_rel; i++) {
        free(rel[i]);
    }
    if (pass != NULL) {
        memset(pass, 0, strlen(pass));
        free(pass);
    }
    free(rel);
    free(root);
    free(s.chain);
    free(s.ign);
    return rc;
}
