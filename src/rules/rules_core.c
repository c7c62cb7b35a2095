/* Rules of the scan itself, of files as a whole and of the filesystem walk. */
#include "rules/catalogue.h"

static const custody_rule core_rules[] = {
    { "scan/decode-error", "Content could not be decoded", CUSTODY_SEV_MEDIUM,
      "A compressed stream or container member could not be decoded (bad checksum, broken "
      "stream, truncated data). A loader may read it differently or partially, so its content "
      "was not fully analysed. Scanners that skip such members have been bypassed this way "
      "(\"nullifAI\": torch files in broken 7z streams).",
      "Re-create the artifact from a trusted source; do not load it until it decodes cleanly." },
    { "scan/limit-exceeded", "A safety limit stopped the analysis", CUSTODY_SEV_HIGH,
      "The input exceeded a safety limit (size, count, nesting or decompression ratio) and was "
      "not fully analysed. Custody fails closed: content it could not see is not trusted.",
      "Inspect the artifact by hand, or obtain it from a trusted source." },
    { "scan/unsupported", "Unsupported variant of a known format", CUSTODY_SEV_MEDIUM,
      "The content is a format Custody knows, in a variant it cannot analyse (e.g. encrypted "
      "archive members). It was not analysed.",
      "Provide the artifact in a supported form, or review it by hand." },
    { "scan/nesting-too-deep", "Containers nested beyond the depth limit", CUSTODY_SEV_HIGH,
      "Archives or streams are nested more deeply than any real model needs; the innermost "
      "content was not analysed. Deep nesting is a known way to tire scanners out.",
      "Unpack the artifact and scan its contents, or reject it." },
    { "scan/findings-truncated", "Too many findings in one file", CUSTODY_SEV_INFO,
      "The per-file finding limit was reached and further findings were dropped.",
      "Fix the reported findings and scan again." },
    { "scan/components-truncated", "Too many components in one file", CUSTODY_SEV_MEDIUM,
      "The per-file component limit was reached: dependencies or tools past it were not "
      "listed or checked.",
      "Split the file, or audit the components past the limit by other means." },
    { "scan/internal", "Internal error", CUSTODY_SEV_HIGH,
      "Custody hit an internal inconsistency while recording a finding.",
      "Report a bug with the input that caused it." },
    { "file/unrecognised-model", "Model file with unrecognised content", CUSTODY_SEV_MEDIUM,
      "The file or member is named like a model (.pt, .bin, .pkl, data.pkl, ...) but its content "
      "is no format Custody recognises. A loader may still open it; Custody cannot vouch for it.",
      "Check where the file came from; convert models to a data-only format (safetensors)." },
    { "file/extension-mismatch", "Extension disagrees with content", CUSTODY_SEV_MEDIUM,
      "The file name suggests one format but the content is another. Scanners that trust "
      "extensions have been bypassed this way; loaders go by content.",
      "Rename the file to match its content, or find out why it is disguised." },
    { "json/malformed", "Invalid JSON document", CUSTODY_SEV_MEDIUM,
      "A .json file (or a document named like a model file) does not parse as strict JSON: "
      "syntax errors, duplicate keys or invalid UTF-8. Loaders differ in how they read such "
      "documents (which duplicate wins), which hides settings from review.",
      "Fix or regenerate the document; make keys unique." },
    { "file/polyglot", "Another format with a zip archive appended", CUSTODY_SEV_HIGH,
      "The content is one format, and a zip archive ends the file. Zip readers that find the "
      "archive from its end record (Python's zipfile, hence Keras, wheels, zipimport) open "
      "the appended members, while loaders and scanners of the first format never see them. "
      "The members are analysed too.",
      "Find out why two formats share one file; rebuild the artifact from a trusted source." },
    { "fs/symlink-outside", "Symlink leaves the scanned tree", CUSTODY_SEV_MEDIUM,
      "A symbolic link points outside the scanned directory (or nowhere). It was not followed; a "
      "loader that follows it would read a file Custody did not see.",
      "Replace the link with the file it should point to, or remove it." },
    { "fs/symlink-dir", "Symlink to a directory", CUSTODY_SEV_INFO,
      "A symbolic link to a directory was not followed (it could form a loop).",
      "Scan the target directory directly if it belongs to the artifact." },
    { "fs/special-file", "Special file in the tree", CUSTODY_SEV_LOW,
      "A FIFO, socket or device node sits in the scanned tree; it was not opened.",
      "Remove it: model directories hold regular files only." },
};

CU_RULE_TABLE(cu_rules_core, core_rules);
