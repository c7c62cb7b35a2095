/* custody db: manage the local advisory store (include/custody/db.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody/custody.h"
#include "custody/db.h"
#include "cli.h"

static const char db_usage[] =
    "usage: custody db import-osv FILE.zip [--db PATH]\n"
    "       custody db import-names ECOSYSTEM FILE [--db PATH]\n"
    "       custody db info [--db PATH]\n"
    "\n"
    "The local advisory store, read by `custody scan --db PATH` (deps/vulnerable,\n"
    "deps/known-malicious, deps/unknown-package), offline.\n"
    "\n"
    "  import-osv FILE.zip    import an OSV ecosystem dump (e.g. npm/all.zip, PyPI/all.zip from\n"
    "                         https://osv-vulnerabilities.storage.googleapis.com); npm and PyPI\n"
    "                         advisories and their affected ranges and versions are kept\n"
    "  import-names ECO FILE  import a registry's package-name list (one per line) for npm or\n"
    "                         PyPI: direct dependencies not in it are reported as unknown\n"
    "  info                   print the store's counts\n"
    "\n"
    "options:\n"
    "      --db PATH   the store (default: $CUSTODY_DB, else ~/.cache/custody/custody.db)\n"
    "  -h, --help      show this help\n"
    "\n"
    "exit status: 0 done, 2 usage error or an input that could not be imported (nothing is\n"
    "committed then).\n";

static int fail(const char *what, int rc, const custody_error *err)
{
    cli_errorf("db %s: %s%s%s", what, err->where, err->where[0] != '\0' ? ": " : "",
               err->msg[0] != '\0' ? err->msg : custody_strerror(rc));
    return CLI_EXIT_USAGE;
}

int cmd_db(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'h':
            return fputs(db_usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
        default:
            (void)fputs(db_usage, stderr);
            return CLI_EXIT_USAGE;
        }
    }
    int nargs = argc - optind;
    char **args = argv + optind;
    if (nargs < 1) {
        (void)fputs(db_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    char *def = NULL;
    if (db == NULL) {
        def = custody_db_default_path();
        if (def == NULL) {
            cli_errorf("db: no store path: give --db PATH or set CUSTODY_DB");
            return CLI_EXIT_USAGE;
        }
        db = def;
    }
    custody_error err;
    memset(&err, 0, sizeof(err));
    custody_db_stats st;
    int rc = CLI_EXIT_OK;
    const char *verb = args[0];
    if (strcmp(verb, "import-osv") == 0 && nargs == 2) {
        int r = custody_db_import_osv(db, args[1], &st, &err);
        if (r != 0) {
            rc = fail(verb, r, &err);
        } else if (printf("imported %zu advisories (%zu malicious) from %zu files, skipped %zu, "
                          "into %s\n",
                          st.advisories, st.malicious, st.files, st.skipped, db) < 0) {
            rc = CLI_EXIT_USAGE;
        }
    } else if (strcmp(verb, "import-names") == 0 && nargs == 3) {
        int r = custody_db_import_names(db, args[1], args[2], &st, &err);
        if (r != 0) {
            rc = fail(verb, r, &err);
        } else if (printf("imported %zu %s names into %s\n", st.names, args[1], db) < 0) {
            rc = CLI_EXIT_USAGE;
        }
    } else if (strcmp(verb, "info") == 0 && nargs == 1) {
        custody_db_info in;
        int r = custody_db_info_get(db, &in, &err);
        if (r != 0) {
            rc = fail(verb, r, &err);
        } else if (printf("store %s\nadvisories %ld\nmalicious %ld\npackages %ld\nnames %ld\n"
                          "pins %ld\n",
                          db, in.advisories, in.malicious, in.packages, in.names, in.pins) < 0) {
            rc = CLI_EXIT_USAGE;
        }
    } else {
        (void)fputs(db_usage, stderr);
        rc = CLI_EXIT_USAGE;
    }
    free(def);
    return rc;
}
