/* custody verify-bundle: offline Sigstore bundle verification (the sigstore-conformance adapter
 * shape). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody/custody.h"
#include "custody/provenance.h"
#include "cli.h"

static const char vb_usage[] =
    "usage: custody verify-bundle --bundle FILE\n"
    "           (--certificate-identity ID --certificate-oidc-issuer URL | --key PEM)\n"
    "           --trusted-root FILE FILE_OR_DIGEST\n"
    "\n"
    "Verify a Sigstore bundle (v0.1-v0.3) offline against a trusted_root.json: the signature\n"
    "over the artifact (or the DSSE envelope, whose in-toto subjects must include the\n"
    "artifact), every transparency-log entry (SET, inclusion proof, signed checkpoint, body\n"
    "matching the bundle), RFC 3161 timestamps, the Fulcio certificate chain at the verified\n"
    "signing time, its SCTs, and the exact identity (SAN) and OIDC issuer.\n"
    "FILE_OR_DIGEST is the artifact path or sha256:<64 hex>.\n"
    "\n"
    "Exit status: 0 verified, 1 does not verify (the failed check is named), 2 usage error or\n"
    "unreadable input.\n";

int cli_parse_digest(const char *s, unsigned char out[32])
{
    if (strncmp(s, "sha256:", 7) != 0 || strlen(s) != 7 + 64) {
        return -1;
    }
    for (size_t i = 0; i < 32; i++) {
        unsigned v = 0;
        for (size_t k = 0; k < 2; k++) {
            char c = s[7 + 2 * i + k];
            unsigned d;
            if (c >= '0' && c <= '9') {
                d = (unsigned)(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                d = (unsigned)(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                d = (unsigned)(c - 'A' + 10);
            } else {
                return -1;
            }
            v = v * 16 + d;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

int cli_verify_status(const custody_error *err, const char *what)
{
    cli_errorf("%s: %s%s%s", what, err->where[0] ? err->where : "", err->where[0] ? ": " : "",
               err->msg);
    if (err->code == CUSTODY_EVERIFY) {
        return CLI_EXIT_FINDINGS;
    }
    return CLI_EXIT_USAGE;
}

const char *cli_opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (argv[*i] == NULL) {
        return NULL;
    }
    if (strcmp(argv[*i], name) == 0) {
        return *i + 1 < argc ? argv[++*i] : NULL;
    }
    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
        return argv[*i] + n + 1;
    }
    return NULL;
}

int cli_artifact_digest(const char *verb, const char *art, const char *hint, unsigned char d[32])
{
    custody_error err = { 0 };
    if (strncmp(art, "sha256:", 7) == 0) {
        if (cli_parse_digest(art, d) != 0) {
            cli_errorf("%s: bad digest '%s'%s", verb, art, hint);
            return CLI_EXIT_USAGE;
        }
    } else if (custody_sha256_file(art, d, &err) != 0) {
        return cli_verify_status(&err, verb);
    }
    return CLI_EXIT_OK;
}

int cmd_verify_bundle(int argc, char **argv)
{
    const char *bundle = NULL, *art = NULL, *v;
    custody_bundle_policy pol = { 0 };
    uint8_t d[32];
    custody_error err = { 0 };

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            return fputs(vb_usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
        } else if ((v = cli_opt_value(argc, argv, &i, "--bundle")) != NULL) {
            bundle = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--certificate-identity")) != NULL) {
            pol.identity = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--certificate-oidc-issuer")) != NULL) {
            pol.issuer = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--key")) != NULL) {
            pol.public_key = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--trusted-root")) != NULL) {
            pol.trusted_root = v;
        } else if (a[0] == '-' && a[1] != 0) {
            cli_errorf("verify-bundle: unknown option or missing value '%s'", a);
            return CLI_EXIT_USAGE;
        } else if (art == NULL) {
            art = a;
        } else {
            cli_errorf("verify-bundle: one FILE_OR_DIGEST only ('%s' is extra)", a);
            return CLI_EXIT_USAGE;
        }
    }
    if (bundle == NULL || art == NULL) {
        (void)fputs(vb_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    if (pol.trusted_root == NULL) {
        cli_errorf("verify-bundle: --trusted-root FILE is required (no root is built in)");
        return CLI_EXIT_USAGE;
    }
    if (pol.public_key != NULL ? (pol.identity != NULL || pol.issuer != NULL)
                               : (pol.identity == NULL || pol.issuer == NULL)) {
        cli_errorf("verify-bundle: give --certificate-identity with --certificate-oidc-issuer, "
                   "or --key");
        return CLI_EXIT_USAGE;
    }
    int drc = cli_artifact_digest("verify-bundle", art, " (sha256:<64 hex>)", d);
    if (drc != CLI_EXIT_OK) {
        return drc;
    }
    int64_t t = 0;
    if (custody_verify_bundle(bundle, d, &pol, &t, &err) != 0) {
        return cli_verify_status(&err, "verify-bundle");
    }
    return printf("OK: %s verified (signed at %lld)\n", bundle, (long long)t) < 0 ? CLI_EXIT_USAGE
                                                                                  : CLI_EXIT_OK;
}
