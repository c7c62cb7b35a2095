#ifndef CU_TORCH_LEGACY_H
#define CU_TORCH_LEGACY_H
/* Legacy (pre-zip) PyTorch checkpoints: the sequential format and the members of the tar
 * format. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

/* True when the bytes start with the pickled legacy MAGIC_NUMBER. */
bool cu_torch_legacy_sniff_magic(const uint8_t *head, size_t len);
/* Items of a pickled flat list of strings, or -1 when the pickle is anything else. */
long cu_torch_legacy_count_str_list(const uint8_t *p, size_t n);

extern const struct cu_analyzer cu_analyzer_torch_legacy;
extern const struct cu_analyzer cu_analyzer_torch_legacy_records;

#endif
