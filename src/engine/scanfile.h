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
    char *message;
    char *evidence;
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
};

struct cu_classcache;

/* What every file of one scan shares: limits, and the classification memo. */
struct cu_scan_limits {
    unsigned max_depth;
    uint64_t max_expand;
    struct cu_classcache *cache; /* thread-safe; may be NULL */
};

/* Scans one file into rec (findings, status). Never fails: problems land in rec. */
void cu_engine_scan_file(struct cu_file_rec *rec, const struct cu_scan_limits *lim);
void cu_file_rec_clear(struct cu_file_rec *rec);

#endif
