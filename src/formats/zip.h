#ifndef CU_ZIP_H
#define CU_ZIP_H
/* Our own zip reader (APPNOTE 6.3.x), written to SEE parser differentials rather than hide
 * them: it reads the central directory the way Python's zipfile and miniz (torch) do, walks
 * every local header, scans the bytes no entry accounts for, and reports every disagreement
 * as a finding while still analysing every member any loader could reach.
 *
 * Members are never slurped: a stored member is a window of the archive, a compressed one a
 * lazily decoded source (deflate, bzip2, lzma) charged to the per-file expansion budget.
 * Each member goes back to the engine through cu_dispatch(); torch checkpoints get the extra
 * checks of torch.c.
 *
 * CRC-32 policy: every member is read to its end and its CRC checked, except a torch tensor
 * storage larger than CU_ZIP_CRC_ALWAYS, so a checkpoint's tensor data is not read. */
#include "engine/engine.h"

#define CU_ZIP_CRC_ALWAYS (1u << 20) /* members up to this size always get a CRC check */

/* True when src ends in a zip end-of-central-directory record (its comment reaching exactly the
 * end of the file) whose central directory (allowing
 * for bytes prepended to the archive, as Python's zipfile does) starts with a directory entry:
 * a zip appended to other content. Reads at most the last 64 KiB + 22 bytes and one header.
 * Errors read as false. */
bool cu_zip_tail_sniff(struct cu_source *src, custody_error *err);

extern const struct cu_analyzer cu_analyzer_zip;

#endif
