#ifndef CUSTODY_SCAN_H
#define CUSTODY_SCAN_H
/* custody scan: walk paths, recognise formats by content, analyse, collect findings. */
#include "custody/finding.h"

typedef struct custody_scan custody_scan; /* opaque */

/* A key/value pair: a fact, a component property, a scan setting. */
typedef struct custody_prop {
    const char *key;
    const char *value;
} custody_prop;

/* A component found while scanning (DESIGN §3 events): a dependency a lockfile names, an agent
 * skill, an MCP server or tool, a model. Strings live until custody_scan_free(). */
typedef struct custody_component {
    const char *kind;      /* "library", "skill", "mcp-server", "mcp-tool", "model", "data", ... */
    const char *ecosystem; /* "npm", "pypi", ... ; NULL when none */
    const char *name;
    const char *version;  /* NULL when unknown */
    const char *purl;     /* package URL, NULL when none */
    const char *path;     /* the top-level file that named it */
    const char *location; /* path plus "!member" levels */
    uint32_t line;        /* 1-based line in `location`, 0 if none */
    const custody_prop *props;
    size_t nprops;
} custody_component;

/* What happened to one walked file. */
typedef enum custody_file_status {
    CUSTODY_FILE_SCANNED = 0, /* an analyzer recognised and analysed it */
    CUSTODY_FILE_SKIPPED = 1, /* no analyzer recognised it (reason says why) */
    CUSTODY_FILE_ERROR = 2    /* could not be read or scanned: fail closed, exit 2 */
} custody_file_status;

typedef struct custody_file {
    const char *path;   /* as walked */
    const char *format; /* format id of the top-level content ("pickle", "zip", ...) or NULL */
    custody_file_status status;
    const char *reason;            /* why skipped or failed; NULL when scanned */
    uint64_t size;                 /* bytes in the file */
    uint64_t bytes_read;           /* bytes actually read from disk to judge it */
    custody_severity max_severity; /* highest finding, INFO when none */
    size_t finding_count;
    /* Facts the analyzers learnt about the file (DESIGN §3 events), for the BOM and the store:
     * keys such as "format", "model.parameters", "model.dtype", "model.license" (the list is
     * docs/facts.md). A key may repeat. */
    const struct custody_prop *facts;
    size_t nfacts;
} custody_file;

/* Progress callback: called from worker threads, serialised by the library. */
typedef void (*custody_progress_fn)(void *ud, const char *path, size_t done, size_t total);

typedef struct custody_scan_options {
    unsigned threads;             /* 0 = one per online CPU */
    unsigned max_depth;           /* container nesting; 0 = default (16) */
    uint64_t max_expand;          /* total decompressed bytes per top-level file; 0 = default */
    custody_progress_fn progress; /* may be NULL */
    void *progress_ud;
    /* Settings for analyzers, borrowed for the scan's life; a key may repeat. Keys are
     * namespaced by the family that reads them ("deps.internal-scope" = "@acme",
     * "agents.host" = "1", ...): docs/settings.md lists them. */
    const custody_prop *settings;
    size_t nsettings;
} custody_scan_options;

/* Creates a scan. `opts` may be NULL for defaults. *out is the caller's; free it with
 * custody_scan_free(). Returns 0, CUSTODY_ENOMEM or CUSTODY_EINVAL (*err set). */
CUSTODY_API CUSTODY_NODISCARD int
custody_scan_new(custody_scan **out, const custody_scan_options *opts, custody_error *err);
CUSTODY_API void custody_scan_free(custody_scan *scan); /* NULL is a no-op */

/* Adds a file or directory (walked recursively; symlinks are reported and never followed out
 * of the tree). The path is copied. Returns 0, CUSTODY_ENOMEM or CUSTODY_EINVAL. */
CUSTODY_API CUSTODY_NODISCARD int
custody_scan_add_path(custody_scan *scan, const char *path, custody_error *err);

/* Walks and analyses everything added. Unreadable inputs do not stop the scan: they are
 * recorded as CUSTODY_FILE_ERROR. Returns 0, or CUSTODY_ENOMEM / CUSTODY_EINVAL on a
 * failure of the scan itself. Findings are sorted by (path, location, offset, rule). */
CUSTODY_API CUSTODY_NODISCARD int custody_scan_run(custody_scan *scan, custody_error *err);

CUSTODY_API size_t custody_scan_finding_count(const custody_scan *scan);
/* Borrowed, valid until custody_scan_free(); NULL when i is out of range. */
CUSTODY_API const custody_finding *custody_scan_finding(const custody_scan *scan, size_t i);
CUSTODY_API size_t custody_scan_file_count(const custody_scan *scan);
CUSTODY_API const custody_file *custody_scan_file(const custody_scan *scan, size_t i);

/* Components, sorted by (path, location, line, kind, name, version). Borrowed, valid until
 * custody_scan_free(); NULL when i is out of range. */
CUSTODY_API size_t custody_scan_component_count(const custody_scan *scan);
CUSTODY_API const custody_component *custody_scan_component(const custody_scan *scan, size_t i);

/* Highest severity among findings (INFO when there are none) and whether any file failed. */
CUSTODY_API custody_severity custody_scan_max_severity(const custody_scan *scan);
CUSTODY_API int custody_scan_had_errors(const custody_scan *scan);
/* Total bytes read from disk and total file bytes, over all files. */
CUSTODY_API void
custody_scan_totals(const custody_scan *scan, uint64_t *bytes_read, uint64_t *bytes_total);

/* Scans one in-memory buffer as if it were a file named `name` (used by fuzzers and tests).
 * Same result accessors as a walked scan. */
CUSTODY_API CUSTODY_NODISCARD int custody_scan_buffer(
    custody_scan *scan, const char *name, const uint8_t *data, size_t len, custody_error *err);

#endif
