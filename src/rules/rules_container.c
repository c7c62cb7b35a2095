/* Rules of the container analyzers: zip, tar/7z (libarchive), compressed streams. */
#include "rules/catalogue.h"

#define ZIP_REMEDY "Re-create the archive from a trusted source with a standard zip writer."

static const custody_rule container_rules[] = {
    { "zip/malformed", "Malformed zip archive", CUSTODY_SEV_MEDIUM,
      "The zip structure is broken. Loaders and scanners may disagree about its members.",
      "Re-create the archive from a trusted source." },
    { "archive/malformed", "Malformed archive", CUSTODY_SEV_MEDIUM,
      "A tar, 7z, ar or rar archive has a broken header or member data (bad checksum, "
      "truncation, corrupt compressed block). Members before the damage were analysed; what "
      "follows was not. Loaders and extractors may read such archives differently.",
      "Re-create the archive from a trusted source." },
    { "archive/path-traversal", "Archive member escapes the extraction directory", CUSTODY_SEV_HIGH,
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
    { "zip/truncated", "Truncated zip archive", CUSTODY_SEV_MEDIUM,
      "The archive ends before its structures or member data do. Members that could be "
      "recovered from their local headers were analysed; the rest was not seen.",
      ZIP_REMEDY },
    { "zip/crc-mismatch", "Zip member fails its CRC-32", CUSTODY_SEV_HIGH,
      "A member's content does not match its declared CRC-32. Python's zipfile raises on it "
      "while torch.load (miniz) does not check, so scanners built on zipfile have been "
      "bypassed this way (picklescan, 2025). The member was analysed anyway.",
      ZIP_REMEDY },
    { "zip/duplicate-name", "Two zip entries share a name", CUSTODY_SEV_HIGH,
      "Two central directory entries have the same name. Python's zipfile opens the last, "
      "other readers the first, so a scanner and a loader can read different content. Both "
      "were analysed.",
      ZIP_REMEDY },
    { "zip/hidden-entry", "Local entry missing from the central directory", CUSTODY_SEV_HIGH,
      "A local file header sits where no central directory entry points. Streaming unzippers "
      "extract it; directory-based readers never see it. It was analysed.",
      ZIP_REMEDY },
    { "zip/overlapping-entries", "Zip entries overlap", CUSTODY_SEV_HIGH,
      "Two entries share bytes (or an entry runs into the central directory): the technique "
      "of non-recursive zip bombs, and a way to show different readers different content.",
      ZIP_REMEDY },
    { "zip/header-mismatch", "Local header disagrees with the central directory",
      CUSTODY_SEV_MEDIUM,
      "A member's local header or data descriptor names a different file, method, flags, CRC "
      "or size than its central directory entry. Readers that trust one or the other see "
      "different members.",
      ZIP_REMEDY },
    { "zip/bad-extra-field", "Corrupt zip extra field", CUSTODY_SEV_MEDIUM,
      "An extra field is cut off, or a 0xFFFFFFFF size lacks its zip64 value. Python's zipfile "
      "refuses such archives; other readers ignore the field.",
      ZIP_REMEDY },
    { "zip/prepended-data", "Data before the zip archive", CUSTODY_SEV_MEDIUM,
      "Bytes precede the first member (a self-extractor stub, or a polyglot that is also a "
      "pickle or script). Python's zipfile accepts shifted offsets, miniz does not. The prefix "
      "was analysed on its own.",
      "Strip the prefix, or find out why the file is two formats at once." },
    { "zip/appended-data", "Data after the zip archive", CUSTODY_SEV_MEDIUM,
      "Bytes follow the end-of-central-directory record and its comment. Readers that search "
      "for the end record differently see another archive; the trailer was analysed on its "
      "own.",
      "Remove the trailing data, or find out what put it there." },
    { "zip/unaccounted-data", "Bytes between zip entries", CUSTODY_SEV_LOW,
      "Bytes between entries (or between the directory and the end record) belong to no "
      "entry. Standard writers leave no gaps.",
      ZIP_REMEDY },
    { "zip/multiple-eocd", "Several end-of-central-directory records", CUSTODY_SEV_MEDIUM,
      "More than one plausible end record lies in the archive tail (concatenated archives, or "
      "a record in the comment). Readers that pick another one see another archive.",
      ZIP_REMEDY },
    { "zip/eocd-inconsistent", "Inconsistent zip directory records", CUSTODY_SEV_MEDIUM,
      "Entry counts, sizes, disk numbers or offsets of the end record and the central "
      "directory disagree. Python's zipfile reads the directory by size, miniz by count.",
      ZIP_REMEDY },
    { "zip/zip64-inconsistent", "Inconsistent zip64 records", CUSTODY_SEV_MEDIUM,
      "The zip64 locator, the zip64 end record and the classic end record disagree, or a "
      "zip64 marker has no record. Python's zipfile and miniz locate the zip64 record "
      "differently.",
      ZIP_REMEDY },
    { "zip/encrypted", "Encrypted zip member", CUSTODY_SEV_MEDIUM,
      "The member is encrypted, so its content could not be analysed.",
      "Provide the artifact unencrypted, or review it by hand." },
    { "zip/unsupported-method", "Unsupported zip compression method", CUSTODY_SEV_MEDIUM,
      "The member uses a compression method Custody does not decode (deflate64, zstd, AES, "
      "...). Its content was not analysed.",
      "Re-create the archive with stored or deflated members." },
    { "zip/flag-bits", "Unusual zip flag bits", CUSTODY_SEV_MEDIUM,
      "The member sets general-purpose flag bits (patched data, strong encryption, masked "
      "headers, reserved bits) that Python's zipfile and miniz handle differently; scanners "
      "have been bypassed this way.",
      ZIP_REMEDY },
    { "zip/path-traversal", "Zip member escapes the extraction directory", CUSTODY_SEV_HIGH,
      "The member name is absolute, has a drive letter or contains '..' components: extracting "
      "the archive writes outside the target directory (zip slip).",
      "Do not extract it; re-create the archive with relative names." },
    { "zip/suspicious-name", "Zip member with an odd name", CUSTODY_SEV_MEDIUM,
      "The member name is empty, very long or contains control bytes; a NUL cuts it short in C "
      "readers, so tools disagree about what the member is called.",
      ZIP_REMEDY },
};

CU_RULE_TABLE(cu_rules_container, container_rules);
