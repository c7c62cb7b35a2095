#ifndef CUSTODY_FUZZ_H
#define CUSTODY_FUZZ_H
#include <stddef.h>
#include <stdint.h>
/* Declared here so -Wmissing-prototypes stays quiet in every target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* fuzz_scan.c: scans data as one file called `name` and aborts when an invariant breaks. */
void fuzz_scan_named(const char *name, const uint8_t *data, size_t size);
#endif
