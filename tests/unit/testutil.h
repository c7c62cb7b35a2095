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
/* Scans a path (file or directory) relative to tests/fixtures. */
custody_scan *tu_scan_fixture(const char *rel);
/* Number of findings with this rule id (NULL = any) at or above `min`. */
size_t tu_count(const custody_scan *s, const char *rule_id, custody_severity min);
/* True when some finding of at least `min` has evidence or message containing `needle`. */
bool tu_has_text(const custody_scan *s, const char *needle, custody_severity min);
/* Prints every finding (for failing tests). */
void tu_dump(const custody_scan *s);

#endif
