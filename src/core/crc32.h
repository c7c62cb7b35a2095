/* CRC-32 (ISO-HDLC, as zip and gzip use it), with zlib's calling convention. */
#ifndef CUSTODY_CORE_CRC32_H
#define CUSTODY_CORE_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continues `crc` (0 to start) over p[0..n): crc32_z(crc, p, n), but folded with carry-less
 * multiplication where the CPU has it (x86-64 PCLMULQDQ), several times zlib 1.2's speed. */
uint32_t cu_crc32(uint32_t crc, const uint8_t *p, size_t n);

#endif
