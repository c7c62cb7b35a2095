/* SQLite inventory backend (store.h): WAL journal, one connection per cu_store (opened with
 * SQLITE_OPEN_FULLMUTEX; the query statements are prepared once per cu_store, so one cu_store
 * serves one thread at a time — the scan opens one per file). Tables:
 *   pins(kind, key, digest)
 *   advisories(id, summary, modified, malicious)
 *   osv_events(adv, eco, name, rng, type, version)   OSV range events (SEMVER/ECOSYSTEM)
 *   osv_versions(adv, eco, name, version)            explicit affected versions
 *   names(eco, name)                                 a registry's name list
 * An advisory that names a package without ranges or versions affects every version: it is
 * stored as one range with the event introduced "0". */
#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "store/store.h"
#include "core/banned.h"

#define OSV_MAX_MEMBER  (16u << 20) /* one advisory JSON */
#define OSV_MAX_MEMBERS 2000000u
#define NAMES_MAX_LINE  1024u

struct cu_store {
    sqlite3 *db;
    sqlite3_stmt *q_events, *q_versions, *q_known; /* prepared on first use */
};

/* Returns the cached statement *st, preparing it on first use (NULL on failure). */
static sqlite3_stmt *cached(struct cu_store *s, sqlite3_stmt **st, const char *sql)
{
    if (*st == NULL &&
        sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return NULL;
    }
    sqlite3_reset(*st);
    sqlite3_clear_bindings(*st);
    return *st;
}

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "INSERT OR IGNORE INTO meta VALUES('schema', '1');"
    "CREATE TABLE IF NOT EXISTS pins(kind TEXT NOT NULL, key TEXT NOT NULL, digest TEXT NOT "
    "NULL, PRIMARY KEY(kind, key)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS advisories(id TEXT PRIMARY KEY, summary TEXT, modified TEXT, "
    "malicious INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS osv_events(adv TEXT NOT NULL, eco TEXT NOT NULL, name TEXT NOT "
    "NULL, rng INTEGER NOT NULL, type TEXT NOT NULL, version TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS osv_events_pkg ON osv_events(eco, name);"
    "CREATE INDEX IF NOT EXISTS osv_events_adv ON osv_events(adv);"
    "CREATE TABLE IF NOT EXISTS osv_versions(adv TEXT NOT NULL, eco TEXT NOT NULL, name TEXT "
    "NOT NULL, version TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS osv_versions_pkg ON osv_versions(eco, name);"
    "CREATE INDEX IF NOT EXISTS osv_versions_adv ON osv_versions(adv);"
    "CREATE TABLE IF NOT EXISTS names(eco TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY(eco, "
    "name)) WITHOUT ROWID;";

static int db_err(custody_error *err, sqlite3 *db, const char *what)
{
    return cu_err_io(err, NULL, "store: %s: %s", what, db != NULL ? sqlite3_errmsg(db) : "?");
}

static int open_common(struct cu_store **out, const char *path, bool ro, custody_error *err)
{
    *out = NULL;
    if (path == NULL || path[0] == '\0') {
        return cu_err_inval(err, "store: no path");
    }
    struct cu_store *s = cu_calloc(1, sizeof(*s));
    if (s == NULL) {
        return cu_err_nomem(err);
    }
    int flags = SQLITE_OPEN_FULLMUTEX |
                (ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        int rc = cu_err_io(err, path, "cannot open the store: %s",
                           s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory");
        sqlite3_close(s->db);
        free(s);
        return rc;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (!ro && sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        int rc = cu_err_io(err, path, "cannot initialise the store: %s", sqlite3_errmsg(s->db));
        cu_store_close(s);
        return rc;
    }
    if (ro) {
        /* a read-only open succeeds on any file: check that it is a store */
        sqlite3_stmt *st = NULL;
        int ok = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='schema'", -1, &st,
                                    NULL) == SQLITE_OK &&
                 sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        if (!ok) {
            cu_store_close(s);
            return cu_err_malformed(err, path, CU_NO_OFFSET, "not a custody store");
        }
    }
    *out = s;
    return 0;
}

int cu_store_open(struct cu_store **out, const char *path, custody_error *err)
{
    return open_common(out, path, false, err);
}

int cu_store_open_ro(struct cu_store **out, const char *path, custody_error *err)
{
    return open_common(out, path, true, err);
}

void cu_store_close(struct cu_store *s)
{
    if (s == NULL) {
        return;
    }
    sqlite3_finalize(s->q_events);
    sqlite3_finalize(s->q_versions);
    sqlite3_finalize(s->q_known);
    sqlite3_close(s->db);
    free(s);
}

/* ---- pins ---- */

int cu_store_pin(struct cu_store *s,
                 const char *kind,
                 const char *key,
                 const char *digest_hex,
                 char old[129],
                 custody_error *err)
{
    old[0] = '\0';
    if (s == NULL || kind == NULL || key == NULL || digest_hex == NULL ||
        strlen(digest_hex) > 128) {
        return cu_err_inval(err, "store: bad pin arguments");
    }
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT digest FROM pins WHERE kind=?1 AND key=?2", -1, &st,
                           NULL) != SQLITE_OK) {
        return db_err(err, s->db, "pin lookup");
    }
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 0);
        if (d != NULL && strcmp(d, digest_hex) != 0) {
            size_t n = strlen(d);
            if (n > 128) {
                n = 128;
            }
            memcpy(old, d, n);
            old[n] = '\0';
            rc = 1;
        }
        sqlite3_finalize(st);
        return rc;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE) {
        return db_err(err, s->db, "pin lookup");
    }
    return cu_store_pin_accept(s, kind, key, digest_hex, err);
}

int cu_store_pin_accept(struct cu_store *s,
                        const char *kind,
                        const char *key,
                        const char *digest_hex,
                        custody_error *err)
{
    if (s == NULL || kind == NULL || key == NULL || digest_hex == NULL ||
        strlen(digest_hex) > 128) {
        return cu_err_inval(err, "store: bad pin arguments");
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO pins VALUES(?1, ?2, ?3)", -1, &st,
                           NULL) != SQLITE_OK) {
        return db_err(err, s->db, "pin");
    }
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, digest_hex, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? 0 : db_err(err, s->db, "pin");
}

/* ---- OSV import ---- */

/* OSV ecosystem of interest ("npm", "PyPI"), or NULL. */
static const char *osv_eco(const char *e)
{
    if (e == NULL) {
        return NULL;
    }
    if (strcmp(e, "npm") == 0) {
        return "npm";
    }
    if (strcmp(e, "PyPI") == 0) {
        return "PyPI";
    }
    return NULL;
}

/* PEP 503 name for PyPI, the name as written for npm; fresh string. */
static char *store_name(const char *eco, const char *name)
{
    size_t n = strlen(name);
    char *o = cu_malloc(n + 1);
    if (o == NULL) {
        return NULL;
    }
    size_t k = 0;
    bool pypi = strcmp(eco, "PyPI") == 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (pypi) {
            if (c >= 'A' && c <= 'Z') {
                c = (char)(c - 'A' + 'a');
            }
            if (c == '-' || c == '_' || c == '.') {
                if (k > 0 && o[k - 1] == '-') {
                    continue;
                }
                c = '-';
            }
        }
        o[k++] = c;
    }
    o[k] = '\0';
    return o;
}

struct imp {
    sqlite3 *db;
    sqlite3_stmt *del[3], *adv, *ev, *ver;
};

static bool exec_del(struct imp *im, const char *id)
{
    for (int i = 0; i < 3; i++) {
        sqlite3_reset(im->del[i]);
        sqlite3_bind_text(im->del[i], 1, id, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(im->del[i]) != SQLITE_DONE) {
            return false;
        }
    }
    return true;
}

static bool put_event(struct imp *im,
                      const char *id,
                      const char *eco,
                      const char *name,
                      int rng,
                      const char *type,
                      const char *version)
{
    sqlite3_reset(im->ev);
    sqlite3_bind_text(im->ev, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(im->ev, 2, eco, -1, SQLITE_STATIC);
    sqlite3_bind_text(im->ev, 3, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(im->ev, 4, rng);
    sqlite3_bind_text(im->ev, 5, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(im->ev, 6, version, -1, SQLITE_TRANSIENT);
    return sqlite3_step(im->ev) == SQLITE_DONE;
}

/* Imports one advisory document. Returns 1 imported, 0 skipped, negative on error. */
static int
import_doc(struct imp *im, json_t *doc, const char *member, bool *malicious, custody_error *err)
{
    const char *id = json_string_value(json_object_get(doc, "id"));
    json_t *affected = json_object_get(doc, "affected");
    if (!json_is_object(doc) || id == NULL || id[0] == '\0' ||
        (affected != NULL && !json_is_array(affected))) {
        return cu_err_malformed(err, member, CU_NO_OFFSET, "not an OSV advisory (no id)");
    }
    if (json_object_get(doc, "withdrawn") != NULL) {
        return exec_del(im, id) ? 0 : db_err(err, im->db, "import");
    }
    bool any = false;
    size_t ai;
    json_t *a;
    if (!exec_del(im, id)) {
        return db_err(err, im->db, "import");
    }
    int rng = 0;
    json_array_foreach(affected, ai, a)
    {
        json_t *pkg = json_object_get(a, "package");
        const char *eco = osv_eco(json_string_value(json_object_get(pkg, "ecosystem")));
        const char *raw = json_string_value(json_object_get(pkg, "name"));
        if (eco == NULL || raw == NULL || raw[0] == '\0') {
            continue;
        }
        char *name = store_name(eco, raw);
        if (name == NULL) {
            return cu_err_nomem(err);
        }
        any = true;
        bool has_any = false;
        size_t ri, ei, vi;
        json_t *r, *e, *v;
        json_t *ranges = json_object_get(a, "ranges");
        json_array_foreach(ranges, ri, r)
        {
            const char *type = json_string_value(json_object_get(r, "type"));
            if (type == NULL || (strcmp(type, "SEMVER") != 0 && strcmp(type, "ECOSYSTEM") != 0)) {
                continue; /* GIT ranges name commits, not versions */
            }
            rng++;
            json_array_foreach(json_object_get(r, "events"), ei, e)
            {
                static const char *const keys[] = { "introduced", "fixed", "last_affected" };
                static const char *const types[] = { "i", "f", "l" };
                for (int k = 0; k < 3; k++) {
                    const char *ver = json_string_value(json_object_get(e, keys[k]));
                    if (ver != NULL && !put_event(im, id, eco, name, rng, types[k], ver)) {
                        free(name);
                        return db_err(err, im->db, "import");
                    }
                    has_any = has_any || ver != NULL;
                }
            }
        }
        json_array_foreach(json_object_get(a, "versions"), vi, v)
        {
            const char *ver = json_string_value(v);
            if (ver == NULL) {
                continue;
            }
            sqlite3_reset(im->ver);
            sqlite3_bind_text(im->ver, 1, id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(im->ver, 2, eco, -1, SQLITE_STATIC);
            sqlite3_bind_text(im->ver, 3, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(im->ver, 4, ver, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(im->ver) != SQLITE_DONE) {
                free(name);
                return db_err(err, im->db, "import");
            }
            has_any = true;
        }
        if (!has_any && !put_event(im, id, eco, name, ++rng, "i", "0")) {
            free(name);
            return db_err(err, im->db, "import");
        }
        free(name);
    }
    if (!any) {
        return 0;
    }
    *malicious = strncmp(id, "MAL-", 4) == 0;
    sqlite3_reset(im->adv);
    sqlite3_bind_text(im->adv, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(im->adv, 2, json_string_value(json_object_get(doc, "summary")), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(im->adv, 3, json_string_value(json_object_get(doc, "modified")), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_int(im->adv, 4, *malicious ? 1 : 0);
    if (sqlite3_step(im->adv) != SQLITE_DONE) {
        return db_err(err, im->db, "import");
    }
    return 1;
}

int cu_store_import_osv(struct cu_store *s,
                        const char *zip_path,
                        struct cu_osv_import_stats *stats,
                        custody_error *err)
{
    memset(stats, 0, sizeof(*stats));
    if (s == NULL || zip_path == NULL) {
        return cu_err_inval(err, "store: bad import arguments");
    }
    int rc = 0;
    struct imp im;
    memset(&im, 0, sizeof(im));
    im.db = s->db;
    char *buf = NULL;
    struct archive *ar = archive_read_new();
    if (ar == NULL) {
        return cu_err_nomem(err);
    }
    archive_read_support_format_zip(ar);
    if (archive_read_open_filename(ar, zip_path, 65536) != ARCHIVE_OK) {
        rc = cu_err_io(err, zip_path, "cannot read the OSV dump: %s", archive_error_string(ar));
        archive_read_free(ar);
        return rc;
    }
    static const char *const dels[3] = { "DELETE FROM advisories WHERE id=?1",
                                         "DELETE FROM osv_events WHERE adv=?1",
                                         "DELETE FROM osv_versions WHERE adv=?1" };
    for (int i = 0; i < 3; i++) {
        if (sqlite3_prepare_v2(s->db, dels[i], -1, &im.del[i], NULL) != SQLITE_OK) {
            rc = db_err(err, s->db, "import");
            goto out;
        }
    }
    if (sqlite3_prepare_v2(s->db, "INSERT INTO advisories VALUES(?1, ?2, ?3, ?4)", -1, &im.adv,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT INTO osv_events VALUES(?1, ?2, ?3, ?4, ?5, ?6)", -1,
                           &im.ev, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT INTO osv_versions VALUES(?1, ?2, ?3, ?4)", -1, &im.ver,
                           NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_err(err, s->db, "import");
        goto out;
    }
    buf = cu_malloc(OSV_MAX_MEMBER + 1);
    if (buf == NULL) {
        rc = cu_err_nomem(err);
        goto rollback;
    }
    struct archive_entry *ent;
    int r;
    while ((r = archive_read_next_header(ar, &ent)) == ARCHIVE_OK) {
        const char *member = archive_entry_pathname(ent);
        if (archive_entry_filetype(ent) != AE_IFREG || member == NULL ||
            !cu_has_suffix(member, ".json")) {
            continue;
        }
        if (++stats->files > OSV_MAX_MEMBERS) {
            rc = cu_err_limit(err, zip_path, CU_NO_OFFSET, "more than %u advisories",
                              OSV_MAX_MEMBERS);
            goto rollback;
        }
        size_t n = 0;
        for (;;) {
            la_ssize_t got = archive_read_data(ar, buf + n, OSV_MAX_MEMBER + 1 - n);
            if (got < 0) {
                rc = cu_err_malformed(err, member, CU_NO_OFFSET, "cannot inflate: %s",
                                      archive_error_string(ar));
                goto rollback;
            }
            if (got == 0) {
                break;
            }
            n += (size_t)got;
            if (n > OSV_MAX_MEMBER) {
                rc = cu_err_limit(err, member, CU_NO_OFFSET, "advisory larger than %u bytes",
                                  OSV_MAX_MEMBER);
                goto rollback;
            }
        }
        json_error_t je;
        json_t *doc = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &je);
        if (doc == NULL) {
            rc = cu_err_malformed(err, member, (uint64_t)je.position, "invalid JSON: %s", je.text);
            goto rollback;
        }
        bool mal = false;
        int k = import_doc(&im, doc, member, &mal, err);
        json_decref(doc);
        if (k < 0) {
            rc = k;
            goto rollback;
        }
        if (k == 1) {
            stats->advisories++;
            stats->malicious += mal;
        } else {
            stats->skipped++;
        }
    }
    if (r != ARCHIVE_EOF) {
        rc = cu_err_malformed(err, zip_path, CU_NO_OFFSET, "broken zip: %s",
                              archive_error_string(ar));
        goto rollback;
    }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_err(err, s->db, "commit");
        goto rollback;
    }
    goto out;
rollback:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
out:
    for (int i = 0; i < 3; i++) {
        sqlite3_finalize(im.del[i]);
    }
    sqlite3_finalize(im.adv);
    sqlite3_finalize(im.ev);
    sqlite3_finalize(im.ver);
    free(buf);
    archive_read_free(ar);
    return rc;
}

/* ---- queries ---- */

struct adv_row {
    char *id, *summary;
    bool mal;
    struct cu_osv_event *ev;
    size_t nev, cap_ev;
    size_t *rlen;
    size_t nr, cap_r;
    int last_rng;
    char **vers;
    size_t nv, cap_v;
};

static void adv_free(struct adv_row *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].id);
        free(a[i].summary);
        for (size_t k = 0; k < a[i].nev; k++) {
            free((char *)a[i].ev[k].version);
        }
        free(a[i].ev);
        free(a[i].rlen);
        for (size_t k = 0; k < a[i].nv; k++) {
            free(a[i].vers[k]);
        }
        free(a[i].vers);
    }
    free(a);
}

static struct adv_row *adv_get(struct adv_row **arr, size_t *n, size_t *cap, const char *id)
{
    for (size_t i = *n; i > 0; i--) {
        if (strcmp((*arr)[i - 1].id, id) == 0) {
            return &(*arr)[i - 1];
        }
    }
    if (!cu_grow((void **)arr, cap, *n + 1, sizeof(**arr))) {
        return NULL;
    }
    struct adv_row *a = &(*arr)[(*n)++];
    memset(a, 0, sizeof(*a));
    a->last_rng = -1;
    a->id = cu_strdup(id);
    return a->id != NULL ? a : NULL;
}

int cu_store_advisories(struct cu_store *s,
                        const char *eco,
                        const char *name,
                        cu_store_affect_fn fn,
                        void *arg,
                        custody_error *err)
{
    if (s == NULL || eco == NULL || name == NULL) {
        return cu_err_inval(err, "store: bad query");
    }
    char *key = store_name(eco, name);
    if (key == NULL) {
        return cu_err_nomem(err);
    }
    struct adv_row *rows = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    sqlite3_stmt *st = NULL;
    /* events ordered by advisory and range (the caller sorts within a range) */
    st = cached(s, &s->q_events,
                "SELECT e.adv, e.rng, e.type, e.version, a.summary, a.malicious FROM "
                "osv_events e JOIN advisories a ON a.id = e.adv WHERE e.eco=?1 AND "
                "e.name=?2 ORDER BY e.adv, e.rng, e.rowid");
    if (st == NULL) {
        rc = db_err(err, s->db, "query");
        goto out;
    }
    sqlite3_bind_text(st, 1, eco, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        struct adv_row *a = adv_get(&rows, &n, &cap, (const char *)sqlite3_column_text(st, 0));
        if (a == NULL) {
            rc = cu_err_nomem(err);
            goto out;
        }
        int rng = sqlite3_column_int(st, 1);
        if (rng != a->last_rng) {
            if (!cu_grow((void **)&a->rlen, &a->cap_r, a->nr + 1, sizeof(size_t))) {
                rc = cu_err_nomem(err);
                goto out;
            }
            a->rlen[a->nr++] = 0;
            a->last_rng = rng;
        }
        if (!cu_grow((void **)&a->ev, &a->cap_ev, a->nev + 1, sizeof(*a->ev))) {
            rc = cu_err_nomem(err);
            goto out;
        }
        const char *t = (const char *)sqlite3_column_text(st, 2);
        a->ev[a->nev].type = t != NULL ? t[0] : 'i';
        a->ev[a->nev].version = cu_strdup((const char *)sqlite3_column_text(st, 3));
        if (a->ev[a->nev].version == NULL) {
            rc = cu_err_nomem(err);
            goto out;
        }
        a->nev++;
        a->rlen[a->nr - 1]++;
        if (a->summary == NULL && sqlite3_column_text(st, 4) != NULL) {
            a->summary = cu_strdup((const char *)sqlite3_column_text(st, 4));
        }
        a->mal = sqlite3_column_int(st, 5) != 0;
    }
    if (step != SQLITE_DONE) {
        rc = db_err(err, s->db, "query");
        goto out;
    }
    sqlite3_reset(st);
    st = cached(s, &s->q_versions,
                "SELECT v.adv, v.version, a.summary, a.malicious FROM osv_versions v "
                "JOIN advisories a ON a.id = v.adv WHERE v.eco=?1 AND v.name=?2");
    if (st == NULL) {
        rc = db_err(err, s->db, "query");
        goto out;
    }
    sqlite3_bind_text(st, 1, eco, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        struct adv_row *a = adv_get(&rows, &n, &cap, (const char *)sqlite3_column_text(st, 0));
        if (a == NULL || !cu_grow((void **)&a->vers, &a->cap_v, a->nv + 1, sizeof(char *))) {
            rc = cu_err_nomem(err);
            goto out;
        }
        a->vers[a->nv] = cu_strdup((const char *)sqlite3_column_text(st, 1));
        if (a->vers[a->nv] == NULL) {
            rc = cu_err_nomem(err);
            goto out;
        }
        a->nv++;
        if (a->summary == NULL && sqlite3_column_text(st, 2) != NULL) {
            a->summary = cu_strdup((const char *)sqlite3_column_text(st, 2));
        }
        a->mal = sqlite3_column_int(st, 3) != 0;
    }
    if (step != SQLITE_DONE) {
        rc = db_err(err, s->db, "query");
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct cu_osv_affect af = { rows[i].id,
                                    rows[i].summary,
                                    rows[i].mal,
                                    rows[i].ev,
                                    rows[i].rlen,
                                    rows[i].nr,
                                    (const char *const *)rows[i].vers,
                                    rows[i].nv };
        rc = fn(arg, &af);
    }
out:
    if (st != NULL) {
        sqlite3_reset(st);
    }
    adv_free(rows, n);
    free(key);
    return rc;
}

int cu_store_import_names(
    struct cu_store *s, const char *eco, const char *path, size_t *count, custody_error *err)
{
    *count = 0;
    const char *e = osv_eco(eco);
    if (s == NULL || e == NULL || path == NULL) {
        return cu_err_inval(err, "store: ecosystem must be npm or PyPI");
    }
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return cu_err_io(err, path, "cannot open the name list");
    }
    int rc = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO names VALUES(?1, ?2)", -1, &st, NULL) !=
            SQLITE_OK) {
        rc = db_err(err, s->db, "names");
        goto out;
    }
    char line[NAMES_MAX_LINE + 2];
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t n = strcspn(line, "\r\n");
        if (line[n] == '\0' && !feof(f)) {
            rc = cu_err_limit(err, path, CU_NO_OFFSET, "a name longer than %u bytes",
                              NAMES_MAX_LINE);
            goto out;
        }
        line[n] = '\0';
        if (n == 0 || line[0] == '#') {
            continue;
        }
        char *nm = store_name(e, line);
        if (nm == NULL) {
            rc = cu_err_nomem(err);
            goto out;
        }
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, e, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, nm, -1, SQLITE_TRANSIENT);
        free(nm);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = db_err(err, s->db, "names");
            goto out;
        }
        (*count)++;
    }
    if (ferror(f)) {
        rc = cu_err_io(err, path, "read error");
        goto out;
    }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_err(err, s->db, "names");
    }
out:
    if (rc != 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_finalize(st);
    fclose(f);
    return rc;
}

static long count_query(struct cu_store *s, const char *sql, const char *eco)
{
    sqlite3_stmt *st = NULL;
    long n = -1;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (eco != NULL) {
            sqlite3_bind_text(st, 1, eco, -1, SQLITE_STATIC);
        }
        if (sqlite3_step(st) == SQLITE_ROW) {
            n = (long)sqlite3_column_int64(st, 0);
        }
    }
    sqlite3_finalize(st);
    return n;
}

long cu_store_names_count(struct cu_store *s, const char *eco)
{
    if (s == NULL || eco == NULL) {
        return -1;
    }
    /* the primary key (eco, name) makes this an index range count */
    return count_query(s, "SELECT COUNT(*) FROM names WHERE eco=?1", eco);
}

int cu_store_known(struct cu_store *s, const char *eco, const char *name)
{
    if (s == NULL || eco == NULL || name == NULL) {
        return -1;
    }
    char *key = store_name(eco, name);
    if (key == NULL) {
        return -1;
    }
    int rc = -1;
    sqlite3_stmt *st = cached(s, &s->q_known,
                              "SELECT 1 FROM names WHERE eco=?1 AND name=?2 UNION ALL SELECT 1 "
                              "FROM osv_events WHERE eco=?1 AND name=?2 LIMIT 1");
    if (st != NULL) {
        sqlite3_bind_text(st, 1, eco, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        rc = step == SQLITE_ROW ? 1 : (step == SQLITE_DONE ? 0 : -1);
        sqlite3_reset(st);
    }
    free(key);
    return rc;
}

int cu_store_info(struct cu_store *s, struct cu_store_info *info, custody_error *err)
{
    memset(info, 0, sizeof(*info));
    if (s == NULL) {
        return cu_err_inval(err, "store: no store");
    }
    info->advisories = count_query(s, "SELECT COUNT(*) FROM advisories", NULL);
    info->malicious = count_query(s, "SELECT COUNT(*) FROM advisories WHERE malicious=1", NULL);
    info->affected = count_query(
        s,
        "SELECT COUNT(*) FROM (SELECT DISTINCT eco, name FROM osv_events UNION SELECT eco, "
        "name FROM osv_versions)",
        NULL);
    info->names = count_query(s, "SELECT COUNT(*) FROM names", NULL);
    info->pins = count_query(s, "SELECT COUNT(*) FROM pins", NULL);
    if (info->advisories < 0 || info->names < 0 || info->pins < 0) {
        return db_err(err, s->db, "info");
    }
    return 0;
}
