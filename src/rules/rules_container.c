/* Rules of the container analyzers: zip, tar/7z (libarchive), compressed streams. */
#include "rules/catalogue.h"

static const custody_rule container_rules[] = {
    { "zip/malformed", "Malformed zip archive", CUSTODY_SEV_MEDIUM,
      "The zip structure is broken. Loaders and scanners may disagree about its members.",
      "Re-create the archive from a trusted source." },
    { "archive/malformed", "Malformed archive", CUSTODY_SEV_MEDIUM,
      "A tar, 7z, ar or rar archive has a broken header or member data (bad checksum, "
      "truncation, corrupt compressed block). Members before the damage were analysed; what "
      "follows was not. Loaders and extractors may read such archives differently.",
      "Re-create the archive from a trusted source." },
    { "archive/path-traversal", "Archive member escapes the extraction directory",
      CUSTODY_SEV_HIGH,
      "A member name is absolute or contains '..' components. Extracting the archive can write "
      "outside the target directory (e.g. overwrite code that is run later).",
      "Do not extract the archive; re-create it with relative member names." },
    { "archive/symlink", "Symbolic link in an archive", CUSTODY_SEV_MEDIUM,
      "A member is a symbolic link. Once extracted, a loader that opens the link reads its "
      "target, which may lie outside the archive (high when it is absolute or climbs out).",
      "Replace the link by the file it names, or reject the archive." },
    { "archive/hardlink", "Hard link in an archive", CUSTODY_SEV_MEDIUM,
      "A member is a hard link to another path. tarfile.extractfile() returns the target's "
      "content, and an absolute or climbing target can expose files outside the archive.",
      "Replace the link by the file it names, or reject the archive." },
    { "archive/special-entry", "Device, FIFO or socket in an archive", CUSTODY_SEV_MEDIUM,
      "A member is a device node, FIFO or socket. Model archives hold regular files; "
      "extracting such a member can block a loader or expose a device.",
      "Remove the member." },
    { "archive/duplicate-entry", "Duplicate member name", CUSTODY_SEV_MEDIUM,
      "Two members have the same name. Loaders and extractors disagree about which one wins "
      "(tarfile takes the last one); a scanner that looks at one can be bypassed with the other.",
      "Re-create the archive with unique member names." },
    { "archive/encrypted-entry", "Encrypted archive member", CUSTODY_SEV_MEDIUM,
      "A member (or the archive header) is encrypted, so its content could not be analysed.",
      "Provide the archive unencrypted, or review its content by hand." },
    { "compress/malformed", "Broken compressed stream", CUSTODY_SEV_MEDIUM,
      "A gzip, zlib, bzip2, xz or lzma stream is corrupt or truncated (bad CRC, broken block, "
      "missing end). Content decoded before the damage was analysed; the rest was not. "
      "Deliberately broken streams have hidden malicious pickles from scanners (\"nullifAI\").",
      "Re-create the file from a trusted source; do not load it until it decodes cleanly." },
    { "compress/trailing-data", "Data after the end of a compressed stream", CUSTODY_SEV_MEDIUM,
      "Bytes follow the end of the compressed stream that are not another stream. Some loaders "
      "ignore them, others fail; either way they are not part of what was decompressed.",
      "Re-create the file; it should end with its compressed stream." },
};

CU_RULE_TABLE(cu_rules_container, container_rules);
