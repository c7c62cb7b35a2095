/* custody attest / verify-attestation: SLSA provenance (in-toto, DSSE, Sigstore bundle). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody/custody.h"
#include "custody/provenance.h"
#include "cli.h"

static const char attest_usage[] =
    "usage: custody attest ARTIFACT... --key KEY --builder-id ID [--build-type URI]\n"
    "           [--external-param k=v]... [--resolved-dep uri@sha256:hex]...\n"
    "           [--started-on T --finished-on T] -o FILE\n"
    "\n"
    "Write SLSA provenance v1 (in-toto Statement v1) for the artifacts, signed with KEY (PEM\n"
    "private key) as a DSSE Sigstore bundle v0.3 (publicKey.hint = hex SHA-256 of the PEM\n"
    "public key). Times are RFC 3339. No transparency log entry is made (offline).\n"
    "\n"
    "Exit status: 0 written, 2 usage error or unreadable input.\n";

static const char va_usage[] =
    "usage: custody verify-attestation [ARTIFACT] --provenance FILE\n"
    "           (--key PUB | --trusted-root JSON) [--builder-id ID] [--source-uri URI]\n"
    "           [--source-ref REF | --source-branch B | --source-tag T |\n"
    "            --source-versioned-tag V] [--bundle-only]\n"
    "\n"
    "Verify SLSA provenance like slsa-verifier verify-artifact, offline: the Sigstore bundle\n"
    "(or a .intoto.jsonl DSSE envelope with --key) signature, its transparency-log entry and\n"
    "certificate against the trusted root, the artifact's sha256 among the subjects, and the\n"
    "policy: keyless provenance must be signed by a trusted slsa-github-generator workflow at a\n"
    "release tag; builder id, source repository and ref must match. ARTIFACT may be a file or\n"
    "sha256:<hex>. --bundle-only checks signature and log only (no ARTIFACT, no policy).\n"
    "\n"
    "Exit status: 0 verified, 1 does not verify (the failed check is named), 2 usage error.\n";

int cmd_attest(int argc, char **argv)
{
    custody_attest_opts o = { 0 };
    const char **arts = calloc((size_t)argc + 1, sizeof *arts);
    const char **ext = calloc((size_t)argc + 1, sizeof *ext);
    const char **deps = calloc((size_t)argc + 1, sizeof *deps);
    const char *outp = NULL, *v;
    char *json = NULL;
    int rc = CLI_EXIT_USAGE;
    custody_error err = { 0 };

    if (arts == NULL || ext == NULL || deps == NULL) {
        cli_errorf("out of memory");
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            rc = fputs(attest_usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
            goto out;
        } else if ((v = cli_opt_value(argc, argv, &i, "--key")) != NULL) {
            o.private_key = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--builder-id")) != NULL) {
            o.builder_id = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--build-type")) != NULL) {
            o.build_type = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--external-param")) != NULL) {
            ext[o.n_external_params++] = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--resolved-dep")) != NULL) {
            deps[o.n_resolved_deps++] = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--started-on")) != NULL) {
            o.started_on = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--finished-on")) != NULL) {
            o.finished_on = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "-o")) != NULL ||
                   (v = cli_opt_value(argc, argv, &i, "--output")) != NULL) {
            outp = v;
        } else if (a[0] == '-' && a[1] != 0) {
            cli_errorf("attest: unknown option or missing value '%s'", a);
            goto out;
        } else {
            arts[o.n_artifacts++] = a;
        }
    }
    if (o.n_artifacts == 0 || o.private_key == NULL || o.builder_id == NULL || outp == NULL) {
        (void)fputs(attest_usage, stderr);
        goto out;
    }
    o.artifacts = arts;
    o.external_params = ext;
    o.resolved_deps = deps;
    if (custody_attest(&o, &json, &err) != 0) {
        cli_errorf("attest: %s%s%s", err.where, err.where[0] ? ": " : "", err.msg);
        goto out;
    }
    FILE *f = fopen(outp, "wb");
    if (f == NULL || fputs(json, f) < 0 || fputc('\n', f) < 0) {
        cli_errorf("attest: cannot write %s", outp);
        if (f != NULL) {
            (void)fclose(f);
        }
        goto out;
    }
    if (fclose(f) != 0) {
        cli_errorf("attest: cannot write %s", outp);
        goto out;
    }
    rc = CLI_EXIT_OK;
out:
    free(json);
    free(arts);
    free(ext);
    free(deps);
    return rc;
}

int cmd_verify_attestation(int argc, char **argv)
{
    custody_slsa_policy pol = { 0 };
    const char *art = NULL, *v;
    custody_error err = { 0 };
    uint8_t d[32];
    char *summary = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            return fputs(va_usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
        } else if ((v = cli_opt_value(argc, argv, &i, "--provenance")) != NULL ||
                   (v = cli_opt_value(argc, argv, &i, "--provenance-path")) != NULL) {
            pol.provenance = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--key")) != NULL) {
            pol.public_key = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--trusted-root")) != NULL) {
            pol.trusted_root = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--builder-id")) != NULL) {
            pol.builder_id = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--source-uri")) != NULL) {
            pol.source_uri = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--source-ref")) != NULL) {
            pol.source_ref = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--source-branch")) != NULL) {
            pol.source_branch = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--source-tag")) != NULL) {
            pol.source_tag = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--source-versioned-tag")) != NULL) {
            pol.source_versioned_tag = v;
        } else if (strcmp(a, "--bundle-only") == 0) {
            pol.bundle_only = true;
        } else if (a[0] == '-' && a[1] != 0) {
            cli_errorf("verify-attestation: unknown option or missing value '%s'", a);
            return CLI_EXIT_USAGE;
        } else if (art == NULL) {
            art = a;
        } else {
            cli_errorf("verify-attestation: one ARTIFACT only ('%s' is extra)", a);
            return CLI_EXIT_USAGE;
        }
    }
    if (pol.provenance == NULL || (art == NULL && !pol.bundle_only) ||
        (pol.public_key == NULL && pol.trusted_root == NULL)) {
        (void)fputs(va_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    if (art != NULL) {
        int drc = cli_artifact_digest("verify-attestation", art, "", d);
        if (drc != CLI_EXIT_OK) {
            return drc;
        }
    }
    if (custody_verify_attestation(art != NULL ? d : NULL, &pol, &summary, &err) != 0) {
        return cli_verify_status(&err, "verify-attestation");
    }
    int rc = printf("PASSED: %s: %s\n", pol.provenance, summary) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    free(summary);
    return rc;
}
