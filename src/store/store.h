#ifndef CU_STORE_H
#define CU_STORE_H
/* The inventory (DESIGN §8): one interface; sqlite.c is the embedded backend. Holds imported
 * advisories (OSV), digests and verdicts, and pins (a digest remembered per key, e.g. an MCP
 * tool definition, so a later change — a rug pull — is reported). */
#include <stdbool.h>
#include <stddef.h>

#include "custody/common.h"

struct cu_store;

/* Opens (creating when missing) the store at `path`. Returns 0 or CUSTODY_E*. */
CUSTODY_NODISCARD int cu_store_open(struct cu_store **out, const char *path, custody_error *err);
void cu_store_close(struct cu_store *s);

/* Pins: records `digest_hex` for (kind, key). Returns 1 and copies the previously pinned digest
 * into old (NUL-terminated) when a DIFFERENT digest was pinned before (the new one is NOT
 * recorded: approval is explicit, see cu_store_pin_accept); 0 when new or unchanged; negative
 * CUSTODY_E* on failure. */
CUSTODY_NODISCARD int cu_store_pin(struct cu_store *s,
                                   const char *kind,
                                   const char *key,
                                   const char *digest_hex,
                                   char old[129],
                                   custody_error *err);
/* Replaces the pinned digest (an approved change). */
CUSTODY_NODISCARD int cu_store_pin_accept(struct cu_store *s,
                                          const char *kind,
                                          const char *key,
                                          const char *digest_hex,
                                          custody_error *err);

/* ---- advisories (OSV) ----
 * Ecosystems are "npm" and "PyPI" (OSV spelling); PyPI names are stored PEP 503-normalised. */

/* Opens an existing store read-only (the scan); fails when it does not exist. */
CUSTODY_NODISCARD int cu_store_open_ro(struct cu_store **out, const char *path, custody_error *err);

struct cu_osv_import_stats {
    size_t files;      /* JSON members read */
    size_t advisories; /* advisories with an npm or PyPI package, imported */
    size_t malicious;  /* of which MAL- */
    size_t skipped;    /* other ecosystems, withdrawn */
};
/* Imports an OSV dump (the all.zip layout: one advisory JSON per member) in one transaction;
 * re-importing an advisory replaces it. A member that is not a valid advisory fails the import
 * (CUSTODY_EMALFORMED naming it): nothing is committed. */
CUSTODY_NODISCARD int cu_store_import_osv(struct cu_store *s,
                                          const char *zip_path,
                                          struct cu_osv_import_stats *st,
                                          custody_error *err);

/* One advisory that names a package. Events are the OSV range events of one range, sorted by
 * the caller (type: 'i' introduced, 'f' fixed, 'l' last_affected). */
struct cu_osv_event {
    char type;
    const char *version;
};
struct cu_osv_affect {
    const char *id;
    const char *summary;
    bool malicious;
    /* ranges: nranges groups of events, range_len[i] events each, in events[] */
    const struct cu_osv_event *events;
    const size_t *range_len;
    size_t nranges;
    const char *const *versions; /* explicit affected versions */
    size_t nversions;
};
/* Calls fn for each advisory naming (eco, name); fn returns 0 to go on. Returns 0 or
 * CUSTODY_E*. */
typedef int (*cu_store_affect_fn)(void *arg, const struct cu_osv_affect *a);
CUSTODY_NODISCARD int cu_store_advisories(struct cu_store *s,
                                          const char *eco,
                                          const char *name,
                                          cu_store_affect_fn fn,
                                          void *arg,
                                          custody_error *err);

/* Known package names (a registry's name list, `custody db import-names`): the unknown-package
 * check runs only for an ecosystem with names. */
CUSTODY_NODISCARD int cu_store_import_names(
    struct cu_store *s, const char *eco, const char *path, size_t *count, custody_error *err);
/* Number of known names for eco (0 when none), negative on error. */
long cu_store_names_count(struct cu_store *s, const char *eco);
/* 1 when (eco, name) is a known name or a package of an imported advisory, 0 when not,
 * negative on error. */
int cu_store_known(struct cu_store *s, const char *eco, const char *name);

/* Counts of the store's tables (custody db info). */
struct cu_store_info {
    long advisories, malicious, affected, names, pins;
};
CUSTODY_NODISCARD int
cu_store_info(struct cu_store *s, struct cu_store_info *info, custody_error *err);

#endif
