#ifndef CUSTODY_DB_H
#define CUSTODY_DB_H
/* custody db: the local advisory store (SQLite) that deps/vulnerable, deps/known-malicious and
 * deps/unknown-package read when a scan is given its path (setting "store.path"). */
#include <stddef.h>

#include "custody/common.h"

typedef struct custody_db_stats {
    size_t files;      /* advisory documents read */
    size_t advisories; /* with an npm or PyPI package, imported */
    size_t malicious;  /* of which MAL- */
    size_t skipped;    /* other ecosystems, withdrawn */
    size_t names;      /* names imported (import-names) */
} custody_db_stats;

typedef struct custody_db_info {
    long advisories, malicious, packages, names, pins;
} custody_db_info;

/* The default store path: $CUSTODY_DB, else $HOME/.cache/custody/custody.db (directories are
 * created by custody_db_import_*). Fresh string, or NULL when neither is set. */
CUSTODY_API char *custody_db_default_path(void);

/* Imports an OSV dump (all.zip layout) into the store at db_path (created when missing), in
 * one transaction. Returns 0 or CUSTODY_E* (*err set). */
CUSTODY_API CUSTODY_NODISCARD int custody_db_import_osv(const char *db_path,
                                                        const char *zip_path,
                                                        custody_db_stats *stats,
                                                        custody_error *err);
/* Imports a registry's package-name list (one name per line) for ecosystem "npm" or "PyPI". */
CUSTODY_API CUSTODY_NODISCARD int custody_db_import_names(const char *db_path,
                                                          const char *ecosystem,
                                                          const char *list_path,
                                                          custody_db_stats *stats,
                                                          custody_error *err);
/* Counts of an existing store. */
CUSTODY_API CUSTODY_NODISCARD int
custody_db_info_get(const char *db_path, custody_db_info *info, custody_error *err);

#endif
