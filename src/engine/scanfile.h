#ifndef CU_SCANFILE_H
#define CU_SCANFILE_H
/* Engine-internal: the record of one top-level file and the per-file driver. */
#include <stdbool.h>

#include "custody/scan.h"
#include "core/walk.h"

struct cu_finding_rec {
    const char *rule_id; /* static, from the catalogue */
    custody_severity severity;
    char *location;
    uint64_t offset;
    uint32_t line;
    char *message;
    char *evidence;
};

struct cu_component_rec {
    custody_component pub; /* strings owned here; path filled when flattened */
    custody_prop *props;
};

struct cu_file_rec {
    char *path;      /* display path */
    char *open_path; /* what to open */
    enum cu_walk_kind walk_kind;
    char *walk_note;    /* symlink target or walk error */
    const uint8_t *mem; /* custody_scan_buffer(): content in memory instead of a file */
    size_t mem_len;
    custody_file pub;
    char *reason;
    struct cu_finding_rec *f;
    size_t nf;
    size_t capf;
    bool truncated;
    struct cu_component_rec *c;
    size_t nc, capc;
    custody_prop *facts;
    size_t nfacts, capfacts;
};

struct cu_classcache;

/* What every file of one scan shares: limits, and the classification memo. */
struct cu_scan_limits {
    unsigned max_depth;
    uint64_t max_expand;
    const custody_prop *settings;
    size_t nsettings;
    struct cu_classcache *cache; /* thread-safe; may be NULL */
};

/* Scans one file into rec (findings, status). Never fails: problems land in rec. */
void cu_engine_scan_file(struct cu_file_rec *rec, const struct cu_scan_limits *lim);
void cu_file_rec_clear(struct cu_file_rec *rec);
/* A finding added after the file was scanned (project passes); false on ENOMEM. Findings are
 * re-sorted by cu_file_rec_finish(). */
bool cu_file_rec_emit(struct cu_file_rec *rec,
                      const char *location,
                      uint64_t off,
                      uint32_t line,
                      const char *rule_id,
                      int severity,
                      const char *evidence,
                      const char *msg);
/* Sorts the findings and recomputes the file's counts and highest severity. */
void cu_file_rec_finish(struct cu_file_rec *rec);
/* The i-th value of a setting. */
const char *cu_settings_get(const custody_prop *s, size_t n, const char *key, size_t i);

#endif
