#ifndef CU_ARCHIVE_H
#define CU_ARCHIVE_H
/* tar (ustar/gnu/pax/v7), 7z, ar and rar archives, read through libarchive from a
 * cu_source (never a path). Each regular member becomes a lazy, restartable decoded source
 * handed back to the engine; links, special entries, traversal names, duplicates, encrypted
 * members and damage become findings. Compressed wrappings (tar.gz, ...) are unwrapped by the
 * compress analyzers first: libarchive's filters are not enabled, so it never spawns an
 * external decompressor and never claims a raw stream. Zip stays with the zip analyzer. */
#include "engine/engine.h"

extern const struct cu_analyzer cu_analyzer_tar;
extern const struct cu_analyzer cu_analyzer_7z;
extern const struct cu_analyzer cu_analyzer_ar;
extern const struct cu_analyzer cu_analyzer_rar;

/* Strict content checks, exported for tests: a tar header needs a valid checksum (or the
 * ustar magic) in a full 512-byte block. */
bool cu_archive_tar_header_ok(const uint8_t *p, size_t n);

#endif
