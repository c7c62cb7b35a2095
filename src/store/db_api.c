/* Public wrapper of the store for `custody db` (include/custody/db.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/util.h"
#include "custody/db.h"
#include "store/store.h"
#include "core/banned.h"

char *custody_db_default_path(void)
{
    const char *env = getenv("CUSTODY_DB");
    if (env != NULL && env[0] != '\0') {
        return cu_strdup(env);
    }
    const char *home = getenv("HOME");
    if (home == NULL || home[0] == '\0') {
        return NULL;
    }
    return cu_asprintf("%s/.cache/custody/custody.db", home);
}

/* mkdir -p of the directory holding path. */
static int make_parent(const char *path, custody_error *err)
{
    char *dir = cu_strdup(path);
    if (dir == NULL) {
        return cu_err_nomem(err);
    }
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash != NULL && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; *p != '\0'; p++) {
            if (*p == '/') {
                *p = '\0';
                if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
                    rc = cu_err_io(err, dir, "cannot create the directory");
                }
                *p = '/';
            }
        }
        if (rc == 0 && mkdir(dir, 0700) != 0 && errno != EEXIST) {
            rc = cu_err_io(err, dir, "cannot create the directory");
        }
    }
    free(dir);
    return rc;
}

/* Creates the database's folder when missing and opens (or creates) the database. */
static int open_for_import(struct cu_store **s, const char *db_path, custody_error *err)
{
    int rc = make_parent(db_path, err);
    if (rc != 0) {
        return rc;
    }
    return cu_store_open(s, db_path, err);
}

int custody_db_import_osv(const char *db_path,
                          const char *zip_path,
                          custody_db_stats *stats,
                          custody_error *err)
{
    memset(stats, 0, sizeof(*stats));
    if (db_path == NULL || zip_path == NULL) {
        return cu_err_inval(err, "db: no path");
    }
    struct cu_store *s = NULL;
    int rc = open_for_import(&s, db_path, err);
    if (rc != 0) {
        return rc;
    }
    struct cu_osv_import_stats st;
    rc = cu_store_import_osv(s, zip_path, &st, err);
    stats->files = st.files;
    stats->advisories = st.advisories;
    stats->malicious = st.malicious;
    stats->skipped = st.skipped;
    cu_store_close(s);
    return rc;
}

int custody_db_import_names(const char *db_path,
                            const char *ecosystem,
                            const char *list_path,
                            custody_db_stats *stats,
                            custody_error *err)
{
    memset(stats, 0, sizeof(*stats));
    if (db_path == NULL || ecosystem == NULL || list_path == NULL) {
        return cu_err_inval(err, "db: no path");
    }
    struct cu_store *s = NULL;
    int rc = open_for_import(&s, db_path, err);
    if (rc != 0) {
        return rc;
    }
    rc = cu_store_import_names(s, ecosystem, list_path, &stats->names, err);
    cu_store_close(s);
    return rc;
}

int custody_db_info_get(const char *db_path, custody_db_info *info, custody_error *err)
{
    memset(info, 0, sizeof(*info));
    struct cu_store *s = NULL;
    int rc = cu_store_open_ro(&s, db_path, err);
    if (rc != 0) {
        return rc;
    }
    struct cu_store_info in;
    rc = cu_store_info(s, &in, err);
    info->advisories = in.advisories;
    info->malicious = in.malicious;
    info->packages = in.affected;
    info->names = in.names;
    info->pins = in.pins;
    cu_store_close(s);
    return rc;
}
