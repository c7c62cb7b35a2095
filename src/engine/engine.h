#ifndef CU_ENGINE_H
#define CU_ENGINE_H
/* The scan pipeline (DESIGN §3): sniff -> analyze -> events. Analyzers see only this header
 * and src/core: they emit findings through the context and hand container members back with
 * cu_dispatch(). They never print, exit or keep global state. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/finding.h"
#include "custody/rules.h"
#include "custody/scan.h"
#include "core/error.h"
#include "core/source.h"

struct cu_ctx; /* one per top-level file; single-threaded */

/* What sniff() sees: the first bytes of a source and hints. */
struct cu_sniff {
    const uint8_t *head; /* up to CU_LIMIT_SNIFF bytes */
    size_t len;
    uint64_t size;    /* CU_SIZE_UNKNOWN for a decoder of unknown length */
    const char *name; /* file or member name: a hint, never the basis of a decision */
    unsigned depth;   /* 0 for a top-level file */
    /* Where the source is (display path; "!member" levels for members): for formats a tool
     * finds by path (.github/copilot-instructions.md, .cursor/rules/x.mdc). May be NULL. */
    const char *loc;
    /* A top-level file read from disk: the path it is opened from, for lstat() of siblings
     * (never open them); NULL otherwise. */
    const char *disk_path;
};

struct cu_analyzer {
    const char *name; /* format id; "<name>/malformed" must be a catalogue rule */
    const char *const
        *extensions; /* suffixes whose content this format may be ("*.pt"), NULL-ended */
    bool (*sniff)(const struct cu_sniff *in);
    /* Returns 0, or a negative CUSTODY_E*: EMALFORMED/ELIMIT/EUNSUPPORTED (err set through
     * cu_ctx_err()) become findings at the place of failure; EIO/ENOMEM fail the file. */
    int (*analyze)(struct cu_ctx *ctx, struct cu_source *src);
};

/* registry.c: every analyzer, in sniffing order. */
extern const struct cu_analyzer *const cu_registry[];
extern const size_t cu_registry_len;
const struct cu_analyzer *cu_registry_find(const char *name);

#define CU_SEV_DEFAULT (-1) /* use the rule's catalogue severity */

/* Records a finding. `rule_id` must be in the catalogue (asserted in debug builds). `off` is a
 * byte offset in src or CU_NO_OFFSET. `evidence` may be NULL; it is copied and cut at
 * CU_LIMIT_EVIDENCE. Identical findings are recorded once. Never fails: on ENOMEM the finding
 * is dropped and the file is marked failed. */
void cu_emit(struct cu_ctx *ctx,
             const struct cu_source *src,
             uint64_t off,
             const char *rule_id,
             int severity,
             const char *evidence,
             const char *fmt,
             ...) CUSTODY_PRINTF(7, 8);

/* As cu_emit, with a 1-based line number in src for text formats (lockfiles, configs, prompts);
 * SARIF needs it for a physical location. line 0 = none. */
void cu_emit_line(struct cu_ctx *ctx,
                  const struct cu_source *src,
                  uint32_t line,
                  const char *rule_id,
                  int severity,
                  const char *evidence,
                  const char *fmt,
                  ...) CUSTODY_PRINTF(7, 8);

/* A component found in src (a dependency, a skill, an MCP server or tool): see
 * custody_component. Everything is copied. Never fails: on ENOMEM the component is dropped and
 * the file is marked failed. */
struct cu_component_desc {
    const char *kind; /* required */
    const char *ecosystem;
    const char *name; /* required */
    const char *version;
    const char *purl;
    uint32_t line;
    const custody_prop *props;
    size_t nprops;
};
void cu_component(struct cu_ctx *ctx,
                  const struct cu_source *src,
                  const struct cu_component_desc *d);

/* A fact about the top-level file (custody_file.facts): key (static string, see docs/facts.md)
 * and a formatted value. Never fails, as cu_component. */
void cu_fact(struct cu_ctx *ctx, const char *key, const char *fmt, ...) CUSTODY_PRINTF(3, 4);

/* The i-th value (0-based) given for setting `key` in the scan options, NULL when none. */
const char *cu_ctx_setting(const struct cu_ctx *ctx, const char *key, size_t i);

/* ---- project passes: cross-file checks after every file was scanned ----
 * A pass runs once per scan, single-threaded, after all files: it sees every file and every
 * component (a manifest without a lockfile, node_modules against the lockfile's integrity, an
 * .npmrc that maps a scope) and may add findings to any file. Registered in registry.c. */
struct cu_project;
size_t cu_project_file_count(const struct cu_project *p);
const custody_file *cu_project_file(const struct cu_project *p, size_t i);
/* The path to open file i with (custody_file.path is the display path); NULL for a buffer. */
const char *cu_project_open_path(const struct cu_project *p, size_t i);
size_t cu_project_component_count(const struct cu_project *p);
/* Components in custody_scan_component order; `file` gets the index of the file that named
 * it (may be NULL). */
const custody_component *cu_project_component(const struct cu_project *p, size_t i, size_t *file);
const char *cu_project_setting(const struct cu_project *p, const char *key, size_t i);
/* A finding on file `file` (location NULL = the file itself). */
void cu_project_emit(struct cu_project *p,
                     size_t file,
                     const char *location,
                     uint32_t line,
                     const char *rule_id,
                     int severity,
                     const char *evidence,
                     const char *fmt,
                     ...) CUSTODY_PRINTF(8, 9);

struct cu_project_pass {
    const char *name;
    /* Returns 0, or CUSTODY_ENOMEM (the scan fails). */
    int (*run)(struct cu_project *p);
};
extern const struct cu_project_pass *const cu_project_passes[];
extern const size_t cu_project_passes_len;

/* Sniffs a container member (or nested stream) and analyses it one level deeper. Member
 * failures become findings here, so the caller carries on with its other members; returns
 * negative only for EIO/ENOMEM, which end the file. Past the depth limit, emits
 * scan/nesting-too-deep and returns 0. `src` stays the caller's. */
int cu_dispatch(struct cu_ctx *ctx, struct cu_source *src);
/* As cu_dispatch, but with a known format (skips sniffing). */
int cu_dispatch_as(struct cu_ctx *ctx, struct cu_source *src, const char *format);

/* Error record to pass to core/format functions; its contents are read by the engine when an
 * analyzer returns an error. */
custody_error *cu_ctx_err(struct cu_ctx *ctx);
/* Remaining decompression allowance, shared by everything under this top-level file. */
uint64_t *cu_ctx_budget(struct cu_ctx *ctx);
unsigned cu_ctx_depth(const struct cu_ctx *ctx);
/* The path the top-level file was opened from, when `src` is that file read from disk (not a
 * member, a decoded stream or a scanned buffer); NULL otherwise. For formats that name sibling
 * files (ONNX external data): inspect them with lstat/realpath only, never open them. */
const char *cu_ctx_disk_path(const struct cu_ctx *ctx, const struct cu_source *src);

/* Per-file scratch an analyzer can leave for a nested one (e.g. the torch zip tells the pickle
 * VM it is reading a checkpoint). Borrowed; the setter restores the previous value. */
const void *cu_ctx_hint(const struct cu_ctx *ctx, const char *key);
/* Set (to a non-NULL value) while the members of a Python distribution are handed out: by
 * the zip analyzer for a wheel or egg (a top-level *.dist-info/ or EGG-INFO/), by the archive
 * analyzer after an sdist's NAME-VER/PKG-INFO. Their .py files are library code, not a
 * model's remote code; an sdist's setup.py is install-time code (pysrc.c). */
#define CU_HINT_PYDIST "python.dist"
const void *cu_ctx_set_hint(struct cu_ctx *ctx, const char *key, const void *value);

/* custody_pickle_classify(), remembered across the files of this scan. */
custody_pickle_class
cu_ctx_classify(struct cu_ctx *ctx, const char *module, const char *name, const char **why);
/* The same with the canonical spelling (engine/classcache.h). */
struct cu_class_result;
void cu_ctx_class_lookup(struct cu_ctx *ctx,
                         const char *module,
                         const char *name,
                         struct cu_class_result *out);

/* True when the name suggests something a model loader would open (.pt, .bin, .pkl, ...). */
bool cu_name_is_model(const char *name);

#endif
