/* Rules of the safetensors analyzer (src/formats/safetensors.c). A header the reference reader
 * rejects is medium; one that lets two readers see different tensors is high. */
#include "rules/catalogue.h"

#define ST_REMEDY "Re-save the tensors with the safetensors library from a trusted source."

static const custody_rule safetensors_rules[] = {
    { "safetensors/malformed", "Malformed safetensors file", CUSTODY_SEV_MEDIUM,
      "The 8-byte header length does not fit the file, or the header is not a valid, strict "
      "JSON object (invalid UTF-8, syntax error, a number out of range). The reference reader "
      "rejects the file; other readers may not.",
      ST_REMEDY },
    { "safetensors/header-too-large", "safetensors header over 100 MB", CUSTODY_SEV_MEDIUM,
      "The header length exceeds the 100,000,000 bytes the reference reader accepts. It was not "
      "parsed; a reader without the limit would allocate and parse it.",
      ST_REMEDY },
    { "safetensors/duplicate-key", "Repeated key in the safetensors header", CUSTODY_SEV_HIGH,
      "A tensor name (or __metadata__) appears twice in the JSON header. JSON readers disagree "
      "about duplicates (first wins, last wins, or an error), so two loaders can load different "
      "tensors from the same file. The rest was analysed with the last entry winning.",
      ST_REMEDY },
    { "safetensors/invalid-tensor", "Invalid tensor entry", CUSTODY_SEV_MEDIUM,
      "A tensor entry has an unknown dtype, a shape that is not a list of non-negative "
      "integers, or data_offsets that are not an ordered pair of non-negative integers. The "
      "reference reader rejects the file.",
      ST_REMEDY },
    { "safetensors/size-mismatch", "Tensor size disagrees with its offsets", CUSTODY_SEV_MEDIUM,
      "end - begin of a tensor's data_offsets is not prod(shape) times the dtype size (or "
      "sub-byte elements do not fill whole bytes). The reference reader rejects the file; a reader "
      "that trusts the "
      "shape reads the wrong bytes.",
      ST_REMEDY },
    { "safetensors/size-overflow", "Tensor size overflows 64 bits", CUSTODY_SEV_HIGH,
      "prod(shape) times the dtype size does not fit 64 bits. The reference reader rejects "
      "the file, but a reader that multiplies with wrap-around computes a small size that "
      "matches the offsets and then indexes the tensor by its huge shape (out-of-bounds "
      "access).",
      "Do not load the file; re-save the tensors from a trusted source." },
    { "safetensors/out-of-bounds", "Tensor data outside the file", CUSTODY_SEV_HIGH,
      "A tensor's data_offsets reach past the end of the data section. A reader that maps the "
      "file and trusts the offsets reads out of bounds (crash or memory disclosure).",
      "Do not load the file; re-save the tensors from a trusted source." },
    { "safetensors/overlap", "Overlapping tensors", CUSTODY_SEV_HIGH,
      "Two tensors share bytes of the data section. The reference reader rejects this, but "
      "readers that do not check alias one tensor's data into another, so loaders disagree "
      "about the model's weights.",
      "Do not load the file; re-save the tensors from a trusted source." },
    { "safetensors/gap", "Unreferenced bytes between tensors", CUSTODY_SEV_MEDIUM,
      "The tensors, sorted by offset, do not follow each other: some bytes of the data section "
      "belong to no tensor (a place to hide content), or an empty tensor sits inside another. "
      "The reference reader rejects the file.",
      ST_REMEDY },
    { "safetensors/trailing-data", "Bytes after the last tensor", CUSTODY_SEV_MEDIUM,
      "The data section is longer than the tensors the header describes. The reference reader "
      "rejects the file; other readers ignore the extra bytes, a place to hide content.",
      ST_REMEDY },
    { "safetensors/bad-metadata", "__metadata__ is not a string map", CUSTODY_SEV_MEDIUM,
      "The header's __metadata__ entry must map strings to strings; it holds something else. "
      "The reference reader rejects the file.",
      ST_REMEDY },
    { "safetensors/unknown-key", "Header key that is not a tensor", CUSTODY_SEV_MEDIUM,
      "A header key other than __metadata__ does not describe a tensor (no dtype, shape or "
      "data_offsets). The reference reader rejects the file; others may ignore the entry and "
      "whatever it carries.",
      ST_REMEDY },
    { "safetensors/extra-field", "Unknown field in a tensor entry", CUSTODY_SEV_LOW,
      "A tensor entry has fields besides dtype, shape and data_offsets. Readers ignore them; "
      "the safetensors library never writes them.",
      ST_REMEDY },
    { "safetensors/header-quirk", "Unusual safetensors header layout", CUSTODY_SEV_LOW,
      "The header loads, but the safetensors library never writes it this way (whitespace "
      "before '{', padding other than spaces). The file was made by another tool or by hand.",
      ST_REMEDY },
    { "safetensors/summary", "safetensors contents", CUSTODY_SEV_INFO,
      "Tensor count, parameter count and dtypes of a safetensors file (a fact for the bill "
      "of materials).",
      "None needed." },
};

CU_RULE_TABLE(cu_rules_safetensors, safetensors_rules);
