/* custody keygen: an ECDSA key pair for `custody sign --key`. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody/custody.h"
#include "cli.h"

static const char keygen_usage[] =
    "usage: custody keygen -o KEY [--curve p256|p384|p521] [--passphrase-file F] [--force]\n"
    "\n"
    "Write a new ECDSA private key to KEY (PKCS#8 PEM, mode 0600) and its public key to\n"
    "KEY.pub (SubjectPublicKeyInfo PEM), for `custody sign --key KEY` and\n"
    "`custody verify --key KEY.pub` (and `model_signing sign key` / `verify key`).\n"
    "\n"
    "  -o, --output KEY       where to write the private key (required)\n"
    "  --curve C              p256 (default), p384 or p521; signatures use SHA-256, SHA-384\n"
    "                         or SHA-512 to match\n"
    "  --passphrase-file F    encrypt the private key (AES-256-CBC) with the first line of F\n"
    "  --force                overwrite existing files\n"
    "\n"
    "Exit status: 0 written, 2 usage error or a file that could not be written.\n";

/* Reads the first line of a passphrase file (without its line end). */
char *cli_read_passphrase(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        cli_errorf("%s: cannot open the passphrase file", path);
        return NULL;
    }
    char buf[1024];
    char *p = NULL;
    if (fgets(buf, sizeof(buf), f) != NULL) {
        buf[strcspn(buf, "\r\n")] = 0;
        p = strdup(buf);
    } else {
        cli_errorf("%s: the passphrase file is empty", path);
    }
    (void)fclose(f);
    memset(buf, 0, sizeof(buf));
    return p;
}

int cmd_keygen(int argc, char **argv)
{
    const char *out = NULL, *pass_file = NULL;
    custody_curve curve = CUSTODY_CURVE_P256;
    bool force = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            return fputs(keygen_usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
        } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(a, "--curve") == 0 && i + 1 < argc) {
            const char *c = argv[++i];
            if (strcmp(c, "p256") == 0 || strcmp(c, "P-256") == 0) {
                curve = CUSTODY_CURVE_P256;
            } else if (strcmp(c, "p384") == 0 || strcmp(c, "P-384") == 0) {
                curve = CUSTODY_CURVE_P384;
            } else if (strcmp(c, "p521") == 0 || strcmp(c, "P-521") == 0) {
                curve = CUSTODY_CURVE_P521;
            } else {
                cli_errorf("keygen: unknown curve '%s' (p256, p384 or p521)", c);
                return CLI_EXIT_USAGE;
            }
        } else if (strcmp(a, "--passphrase-file") == 0 && i + 1 < argc) {
            pass_file = argv[++i];
        } else if (strcmp(a, "--force") == 0) {
            force = true;
        } else {
            cli_errorf("keygen: unexpected argument '%s' (try 'custody keygen --help')", a);
            return CLI_EXIT_USAGE;
        }
    }
    if (out == NULL) {
        (void)fputs(keygen_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    char *pass = NULL;
    if (pass_file != NULL && (pass = cli_read_passphrase(pass_file)) == NULL) {
        return CLI_EXIT_USAGE;
    }
    size_t n = strlen(out) + 5;
    char *pub = malloc(n);
    if (pub == NULL) {
        free(pass);
        cli_errorf("out of memory");
        return CLI_EXIT_USAGE;
    }
    (void)snprintf(pub, n, "%s.pub", out);
    custody_error err = { 0 };
    int rc = custody_keygen(out, pub, curve, pass, force, &err);
    if (pass != NULL) {
        memset(pass, 0, strlen(pass));
        free(pass);
    }
    if (rc != 0) {
        cli_errorf("keygen: %s%s%s", err.where, err.where[0] != 0 ? ": " : "", err.msg);
        free(pub);
        return CLI_EXIT_USAGE;
    }
    rc = printf("wrote %s (private, 0600) and %s\n", out, pub) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    free(pub);
    return rc;
}
