#ifndef CUSTODY_BOM_H
#define CUSTODY_BOM_H
/* custody bom: an AI bill of materials (CycloneDX 1.6/1.7 JSON or SPDX 3.0.1 JSON-LD) built
 * from a completed scan, and the difference between two such BOMs. docs/bom.md. */
#include <stdbool.h>
#include <stdio.h>

#include "custody/common.h"
#include "custody/scan.h"

typedef enum custody_bom_format {
    CUSTODY_BOM_CYCLONEDX = 0,
    CUSTODY_BOM_SPDX = 1
} custody_bom_format;

typedef struct custody_bom_options {
    custody_bom_format format;
    /* CycloneDX "1.6" (NULL = "1.6") or "1.7"; SPDX "3.0.1" (NULL = "3.0.1"). */
    const char *spec_version;
    /* Creation time in seconds since the epoch (the CLI passes SOURCE_DATE_EPOCH); < 0 = now.
     * The serial number is derived from the content and this time, so equal inputs and an
     * equal time give byte-identical BOMs. */
    int64_t created;
    unsigned threads; /* hashing threads; 0 = one per online CPU */
    /* What the BOM describes (CycloneDX metadata.component, SPDX document name), e.g. the base
     * name of the one PATH scanned; NULL = unnamed. */
    const char *subject;
} custody_bom_options;

/* Writes the BOM of `scan` (custody_scan_run() done) to `out`. Groups the scan's files into
 * models (a directory holding a model file and config.json/README.md, or a lone model file)
 * and datasets, hashes every file of each (one OMS manifest pass per model: per-file SHA-256
 * and the OMS root digest), reads README.md front matter and LICENSE files of model
 * directories, and lists the scan's components (lockfile dependencies, skills, MCP servers).
 * A scan with unreadable files is refused (CUSTODY_EINVAL). Returns 0 or CUSTODY_E*. */
CUSTODY_API CUSTODY_NODISCARD int custody_bom_write(FILE *out,
                                                    const custody_scan *scan,
                                                    const custody_bom_options *opts,
                                                    custody_error *err);

/* ---- custody bom diff ---- */

typedef enum custody_bom_change {
    CUSTODY_BOM_ADDED = 0,
    CUSTODY_BOM_REMOVED = 1,
    CUSTODY_BOM_CHANGED = 2
} custody_bom_change;

/* One difference. For ADDED/REMOVED, field/old_value/new_value are NULL. For CHANGED, `field`
 * is "digest", "version", "license", "verdict", "findings", "signature" or "file:<name>" (a
 * file of a model added, removed or re-hashed: old/new are hex digests or NULL). */
typedef struct custody_bom_diff_entry {
    custody_bom_change change;
    const char *type; /* CycloneDX component type: "machine-learning-model", "data", ... */
    const char *name;
    const char *key; /* identity used to match: bom-ref / purl / type+name */
    const char *field;
    const char *old_value;
    const char *new_value;
} custody_bom_diff_entry;

typedef struct custody_bom_diff custody_bom_diff;

/* Reads two BOM files written by custody (CycloneDX or SPDX, each detected by content; the
 * two may differ) and compares their components. Unreadable or unrecognised input is
 * CUSTODY_EIO / CUSTODY_EMALFORMED with `err` naming the file. */
CUSTODY_API CUSTODY_NODISCARD int custody_bom_diff_files(custody_bom_diff **out,
                                                         const char *old_path,
                                                         const char *new_path,
                                                         custody_error *err);
CUSTODY_API size_t custody_bom_diff_count(const custody_bom_diff *d);
/* Entries sorted by (key, change, field). Borrowed; NULL when i is out of range. */
CUSTODY_API const custody_bom_diff_entry *custody_bom_diff_entry_at(const custody_bom_diff *d,
                                                                    size_t i);
CUSTODY_API void custody_bom_diff_free(custody_bom_diff *d); /* NULL is a no-op */

#endif
