#ifndef CU_NUMPY_H
#define CU_NUMPY_H
/* NumPy .npy files: magic, a Python dict literal header read with a strict literal parser
 * (never evaluated), and a payload that is raw array bytes or, for object arrays, a pickle. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

#define CU_NPY_MAX_DIMS 64u

/* What the header says. */
struct cu_npy_header {
    unsigned major, minor;
    uint64_t data_off; /* first payload byte */
    uint64_t itemsize; /* bytes per element (0 for object dtype) */
    uint64_t count;    /* prod(shape) */
    uint64_t nbytes;   /* count * itemsize, valid when !hasobject */
    bool fortran_order;
    bool hasobject; /* 'O' anywhere in the descr: the payload is a pickle */
    unsigned ndim;
    uint64_t shape[CU_NPY_MAX_DIMS];
    char descr[96]; /* printable summary of the descr, for messages */
    /* quirks that do not stop a loader but are worth a finding */
    bool bad_padding;  /* header not space-padded / not ending in '\n' */
    bool unaligned;    /* total header size not a multiple of 16 (numpy writes 64) */
    bool large_header; /* over numpy's 10000-char default max_header_size */
};

/* Parses the header in the first `len` bytes of a .npy file. Returns 0, or EMALFORMED /
 * ELIMIT / EUNSUPPORTED with *err set (offsets relative to the buffer start). `len` may be
 * larger than the header. */
int cu_npy_parse_header(const uint8_t *p, size_t len, struct cu_npy_header *h, custody_error *err);

extern const struct cu_analyzer cu_analyzer_numpy;

#endif
