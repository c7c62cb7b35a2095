#ifndef CU_PROV_H
#define CU_PROV_H
/* Shared definitions of the provenance modules (Merkle proofs, DSSE, signatures). */
#include "custody/common.h"

/* A signature, proof or digest does not verify: the input is well-formed but not authentic.
 * Library-internal until the public API grows a CUSTODY_EVERIFY; distinct from every
 * CUSTODY_E* code so a caller can tell "tampered" from "unreadable". */
#define CU_EVERIFY (-16)

#endif
