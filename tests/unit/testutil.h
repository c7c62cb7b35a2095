#ifndef CUSTODY_TESTUTIL_H
#define CUSTODY_TESTUTIL_H
/* Helpers shared by unit tests: scan a buffer or a fixture and query the findings. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/custody.h"

/* Scans `len` bytes as a file called `name`; the caller frees the scan. Fails the test on
 * an API error. */
custody_scan *tu_scan_buffer(const char *name, const uint8_t *data, size_t len);
/* A new single-threaded scan with these settings (none: NULL, 0); the caller frees. */
custody_scan *tu_scan_new(const custody_prop *set, size_t nset);
/* Scans a path (file or directory) relative to tests/fixtures. */
custody_scan *tu_scan_fixture(const char *rel);
/* Scans a path as given (file or directory). */
custody_scan *tu_scan_path(const char *path);
/* Writes a sparse temporary file of `total` bytes: `head` at offset 0 and, when tail is not
 * NULL, `tail` ending exactly at `total` (the rest is a hole), scans it, removes it. */
custody_scan *
tu_scan_sparse(const uint8_t *head, size_t hlen, uint64_t total, const uint8_t *tail, size_t tlen);
/* Number of findings with this rule id (NULL = any) at or above `min`. */
size_t tu_count(const custody_scan *s, const char *rule_id, custody_severity min);
/* True when some finding of at least `min` has evidence or message containing `needle`. */
bool tu_has_text(const custody_scan *s, const char *needle, custody_severity min);
/* Highest severity of findings of `rule_id` (-1 when none). */
int tu_max_severity(const custody_scan *s, const char *rule_id);
/* Reads a whole file into a fresh buffer with a NUL after its last byte (the caller frees);
 * fails the test when it cannot be read. */
uint8_t *tu_slurp(const char *path, size_t *len);
/* Removes an SQLite database file and its -wal and -shm companions (missing ones are fine). */
void tu_unlink_db(const char *path);
/* Prints every finding (for failing tests). */
void tu_dump(const custody_scan *s);

#endif
