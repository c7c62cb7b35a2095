/* custody verify: check a model against its OMS signature, as `model_signing verify`, and say
 * what the signature does not cover. */
#define _GNU_SOURCE /* realpath */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody/custody.h"
#include "cli.h"

static const char verify_usage[] =
    "usage: custody verify MODEL --signature SIG\n"
    "                      (--key PUB | --cert-chain PEM... |\n"
    "                       --trusted-root JSON --identity ID --issuer URL)\n"
    "                      [--ignore-paths PATH]... [--allow-unsigned-files]\n"
    "                      [--allow-symlinks] [--no-ignore-git-paths] [--format text|json]\n"
    "\n"
    "Verify MODEL (a directory or one file) against an OpenSSF model-signing signature\n"
    "(every format model_signing has written: v0.2 to v1.1, bundle v0.1 to v0.3).\n"
    "\n"
    "  --signature SIG        the signature bundle (model.sig)\n"
    "  --key PUB              key method: the signer's PEM public key\n"
    "  --cert-chain PEM...    certificate method: trust anchors (root CA, and any\n"
    "                         intermediates); repeatable\n"
    "  --trusted-root JSON    Sigstore keyless, offline: a trusted_root.json, with\n"
    "  --identity ID          the signer's expected identity (certificate SAN) and\n"
    "  --issuer URL           its OIDC issuer (--identity-provider is the same)\n"
    "  --ignore-paths PATH    leave PATH out (absolute, or relative to the current\n"
    "                         directory); the signature's own ignore paths apply too\n"
    "  --allow-unsigned-files files the signature does not list are reported, not fatal\n"
    "  --allow-symlinks       follow symlinks (by default a symlink is an error)\n"
    "  --no-ignore-git-paths  check .git/, .gitattributes, .github/, .gitignore too\n"
    "  --format text|json     report format (default text)\n"
    "\n"
    "Every changed, added and removed file is named, and so is every file the signature\n"
    "does not cover (ignored by the signer or by you, or unsigned and allowed).\n"
    "Exit status: 0 verified, 1 the signature or the model does not verify (the cause is\n"
    "named), 2 usage error or an input that could not be read.\n";

struct verify_args {
    const char *model, *sig, *key, *root, *identity, *issuer, *format;
    const char **chain, **ign;
    size_t n_chain, n_ign;
    bool unsigned_ok, symlinks, git;
};

static int verify_parse(struct verify_args *v, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            return fputs(verify_usage, stdout) < 0 ? CLI_EXIT_USAGE : -1;
        } else if ((strcmp(a, "--signature") == 0 || strcmp(a, "--bundle") == 0) && has) {
            v->sig = argv[++i];
        } else if ((strcmp(a, "--key") == 0 || strcmp(a, "--public-key") == 0) && has) {
            v->key = argv[++i];
        } else if ((strcmp(a, "--cert-chain") == 0 || strcmp(a, "--certificate-chain") == 0) &&
                   has) {
            v->chain[v->n_chain++] = argv[++i];
            while (v->model != NULL && i + 1 < argc && argv[i + 1][0] != '-') {
                v->chain[v->n_chain++] = argv[++i];
            }
        } else if (strcmp(a, "--trusted-root") == 0 && has) {
            v->root = argv[++i];
        } else if (strcmp(a, "--identity") == 0 && has) {
            v->identity = argv[++i];
        } else if ((strcmp(a, "--issuer") == 0 || strcmp(a, "--identity-provider") == 0) && has) {
            v->issuer = argv[++i];
        } else if (strcmp(a, "--ignore-paths") == 0 && has) {
            v->ign[v->n_ign++] = argv[++i];
        } else if (strcmp(a, "--format") == 0 && has) {
            v->format = argv[++i];
            if (strcmp(v->format, "text") != 0 && strcmp(v->format, "json") != 0) {
                cli_errorf("verify: --format is text or json");
                return CLI_EXIT_USAGE;
            }
        } else if (strcmp(a, "--allow-unsigned-files") == 0 ||
                   strcmp(a, "--ignore-unsigned-files") == 0) {
            v->unsigned_ok = true;
        } else if (strcmp(a, "--allow-symlinks") == 0) {
            v->symlinks = true;
        } else if (strcmp(a, "--no-ignore-git-paths") == 0) {
            v->git = true;
        } else if (strcmp(a, "--ignore-git-paths") == 0) {
            v->git = false;
        } else if (a[0] == '-' && a[1] != 0) {
            cli_errorf("verify: unknown option or missing value '%s' (try 'custody verify "
                       "--help')",
                       a);
            return CLI_EXIT_USAGE;
        } else if (v->model == NULL) {
            v->model = a;
        } else {
            cli_errorf("verify: one MODEL only ('%s' is extra)", a);
            return CLI_EXIT_USAGE;
        }
    }
    int methods = (v->key != NULL) + (v->n_chain > 0) + (v->root != NULL);
    if (v->model == NULL || v->sig == NULL || methods != 1) {
        cli_errorf("verify: MODEL, --signature and exactly one of --key, --cert-chain, "
                   "--trusted-root are required (try 'custody verify --help')");
        return CLI_EXIT_USAGE;
    }
    if (v->root != NULL && (v->identity == NULL || v->issuer == NULL)) {
        cli_errorf("verify: --trusted-root needs --identity and --issuer");
        return CLI_EXIT_USAGE;
    }
    return 0;
}

static const char *const status_names[] = { "ok",    "changed",  "removed",
                                            "added", "unsigned", "ignored" };

static void json_str(FILE *f, const char *s)
{
    (void)fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s != NULL ? s : ""); *p != 0; p++) {
        if (*p == '"' || *p == '\\') {
            (void)fprintf(f, "\\%c", *p);
        } else if (*p < 0x20) {
            (void)fprintf(f, "\\u%04x", *p);
        } else {
            (void)fputc(*p, f);
        }
    }
    (void)fputc('"', f);
}

static void verify_json(const struct verify_args *v,
                        const custody_verify_result *r,
                        int rc,
                        const custody_error *err)
{
    static const char *const facts[] = { "subject", "root_digest", "predicate_type", "method",
                                         "signer",  "media_type",  "serialization",  "signed_at" };
    (void)printf("{\n  \"schema\": \"custody-verify/1\",\n  \"model\": ");
    json_str(stdout, v->model);
    (void)printf(",\n  \"signature\": ");
    json_str(stdout, v->sig);
    (void)printf(",\n  \"verified\": %s,\n  \"error\": ", rc == 0 ? "true" : "false");
    if (rc == 0) {
        (void)printf("null");
    } else {
        json_str(stdout, err->msg);
    }
    for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
        const char *val = custody_vr_get(r, facts[i]);
        (void)printf(",\n  \"%s\": ", facts[i]);
        if (val == NULL) {
            (void)printf("null");
        } else {
            json_str(stdout, val);
        }
    }
    (void)printf(",\n  \"files\": [");
    size_t n = custody_vr_count(r);
    for (size_t i = 0; i < n; i++) {
        (void)printf("%s\n    {\"name\": ", i > 0 ? "," : "");
        json_str(stdout, custody_vr_file_name(r, i));
        (void)printf(", \"status\": \"%s\", \"detail\": ",
                     status_names[custody_vr_file_status(r, i)]);
        json_str(stdout, custody_vr_file_why(r, i));
        (void)printf("}");
    }
    (void)printf("%s],\n  \"notes\": [", n > 0 ? "\n  " : "");
    const char *notes = custody_vr_notes(r);
    bool first = true;
    while (notes != NULL && *notes != 0) {
        const char *e = strchr(notes, '\n');
        size_t len = e != NULL ? (size_t)(e - notes) : strlen(notes);
        char *line = strndup(notes, len);
        (void)printf("%s\n    ", first ? "" : ",");
        json_str(stdout, line);
        free(line);
        first = false;
        notes += len + (e != NULL ? 1 : 0);
    }
    (void)printf("%s]\n}\n", first ? "" : "\n  ");
}

static void verify_text(const struct verify_args *v,
                        const custody_verify_result *r,
                        int rc,
                        const custody_error *err)
{
    size_t n = custody_vr_count(r), counts[6] = { 0 }, git = 0;
    for (size_t i = 0; i < n; i++) {
        custody_vfile_status st = custody_vr_file_status(r, i);
        counts[st]++;
        const char *why = custody_vr_file_why(r, i);
        if (st == CUSTODY_VFILE_IGNORED && strncmp(why, "git path", 8) == 0) {
            git++; /* summarised below: a .git directory holds thousands of files */
            continue;
        }
        if (st != CUSTODY_VFILE_OK) {
            (void)printf("%-9s %s%s%s%s\n", status_names[st], custody_vr_file_name(r, i),
                         why[0] != 0 ? " (" : "", why, why[0] != 0 ? ")" : "");
        }
    }
    if (git > 0) {
        (void)printf("ignored   %zu file%s under git paths (.git/, .gitattributes, .github/, "
                     ".gitignore) not covered\n",
                     git, git == 1 ? "" : "s");
    }
    const char *subj = custody_vr_get(r, "subject");
    const char *signer = custody_vr_get(r, "signer");
    if (subj != NULL || signer != NULL) {
        (void)printf("model %s: %s; signed by %s\n", v->model, subj != NULL ? subj : "",
                     signer != NULL ? signer : "?");
    }
    const char *notes = custody_vr_notes(r);
    while (notes != NULL && *notes != 0) {
        const char *e = strchr(notes, '\n');
        int len = (int)(e != NULL ? (size_t)(e - notes) : strlen(notes));
        (void)printf("note: %.*s\n", len, notes);
        notes += len + (e != NULL ? 1 : 0);
    }
    size_t uncovered = counts[CUSTODY_VFILE_IGNORED] + counts[CUSTODY_VFILE_UNSIGNED];
    if (rc == 0) {
        (void)printf("verified: %zu file%s the signature", counts[CUSTODY_VFILE_OK],
                     counts[CUSTODY_VFILE_OK] == 1 ? " matches" : "s match");
        if (uncovered > 0) {
            (void)printf("; %zu file%s on disk not covered (listed above)", uncovered,
                         uncovered == 1 ? "" : "s");
        }
        (void)printf("\n");
    } else {
        (void)printf("FAILED: %s\n", err->msg);
    }
}

int cmd_verify(int argc, char **argv)
{
    struct verify_args v = { 0 };
    char **rel = NULL;
    size_t n_rel = 0;
    char *root = NULL;
    custody_verify_result *r = NULL;
    int rc = CLI_EXIT_USAGE;
    v.chain = calloc((size_t)argc + 1, sizeof(*v.chain));
    v.ign = calloc((size_t)argc + 2, sizeof(*v.ign));
    rel = calloc((size_t)argc + 2, sizeof(*rel));
    if (v.chain == NULL || v.ign == NULL || rel == NULL) {
        cli_errorf("out of memory");
        goto out;
    }
    v.format = "text";
    int prc = verify_parse(&v, argc, argv);
    if (prc != 0) {
        rc = prc < 0 ? CLI_EXIT_OK : prc;
        goto out;
    }
    root = realpath(v.model, NULL);
    if (root == NULL) {
        cli_errorf("verify: %s: cannot resolve the model path", v.model);
        goto out;
    }
    v.ign[v.n_ign++] = v.sig; /* a signature inside the model is not part of it */
    for (size_t i = 0; i < v.n_ign; i++) {
        char *p = cli_rel_ignore(root, v.ign[i]);
        if (p != NULL) {
            rel[n_rel++] = p;
        }
    }
    custody_verify_opts o = { 0 };
    o.method = v.key != NULL   ? CUSTODY_VERIFY_KEY
               : v.n_chain > 0 ? CUSTODY_VERIFY_CERTIFICATE
                               : CUSTODY_VERIFY_SIGSTORE;
    o.key_path = v.key;
    o.chain_paths = v.chain;
    o.n_chain = v.n_chain;
    o.trusted_root = v.root;
    o.identity = v.identity;
    o.issuer = v.issuer;
    o.digest.ignore_paths = (const char *const *)rel;
    o.digest.n_ignore_paths = n_rel;
    o.digest.allow_symlinks = v.symlinks;
    o.digest.include_git_paths = v.git;
    o.allow_unsigned_files = v.unsigned_ok;
    custody_error err = { 0 };
    int vrc = custody_verify(&r, v.model, v.sig, &o, &err);
    if (vrc != 0 && vrc != CUSTODY_EVERIFY) {
        cli_errorf("verify: %s%s%s (%s)", err.where, err.where[0] != 0 ? ": " : "", err.msg,
                   vrc == CUSTODY_EUNSUPPORTED ? "unsupported" : custody_strerror(vrc));
        if (strcmp(v.format, "json") == 0) { /* JSON readers get an answer on exit 2 too */
            (void)printf("{\n  \"schema\": \"custody-verify/1\",\n  \"model\": ");
            json_str(stdout, v.model);
            (void)printf(",\n  \"signature\": ");
            json_str(stdout, v.sig);
            (void)printf(",\n  \"verified\": false,\n  \"unreadable\": true,\n  \"error\": ");
            char msg[sizeof(err.where) + sizeof(err.msg) + 4];
            (void)snprintf(msg, sizeof(msg), "%s%s%s", err.where, err.where[0] != 0 ? ": " : "",
                           err.msg);
            json_str(stdout, msg);
            (void)printf("\n}\n");
        }
        goto out;
    }
    if (strcmp(v.format, "json") == 0) {
        verify_json(&v, r, vrc, &err);
    } else {
        verify_text(&v, r, vrc, &err);
    }
    if (vrc != 0) {
        cli_errorf("verify: FAILED: %s%s%s", err.where, err.where[0] != 0 ? ": " : "", err.msg);
    }
    rc = fflush(stdout) != 0 ? CLI_EXIT_USAGE : vrc == 0 ? CLI_EXIT_OK : CLI_EXIT_FINDINGS;
out:
    custody_vr_free(r);
    for (size_t i = 0; i < n_rel; i++) {
        free(rel[i]);
    }
    free(rel);
    free(root);
    free(v.chain);
    free(v.ign);
    return rc;
}
